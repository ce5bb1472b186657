#!/usr/bin/env bash
# Installs what gagas needs to build, run, test and benchmark on Debian 12.
# Idempotent: does nothing when every package (and the npm lockfile's tree)
# is already present. Run as root (or with sudo available).
set -eu
cd "$(dirname "$0")/.."

build_pkgs="build-essential pkg-config libh2o-evloop-dev libsqlite3-dev sqlite3
  libjansson-dev libutf8proc-dev libstemmer-dev liblinear-dev libxxhash-dev
  libsodium-dev libcurl4-openssl-dev"
test_pkgs="libcriterion-dev curl jq nodejs npm chromium wrk nginx-light"
want="$build_pkgs"
case "${1:-all}" in
  build) ;;
  *) want="$want $test_pkgs" ;;
esac

missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
# node and npm may come from the machine image rather than Debian.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=$(printf '%s\n' $missing | grep -vx -e nodejs -e npm | tr '\n' ' ' || true)
fi
if [ -n "$(echo $missing)" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "deps: installing$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

if [ "${1:-all}" != build ] && [ -f tests/package.json ]; then
  # npm ci again when a package is missing or the lockfile changed since.
  if [ ! -d tests/node_modules/playwright-core ] || [ ! -d tests/node_modules/yaml ] ||
    [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
    echo "deps: npm ci (tests/)" >&2
    (cd tests && npm ci --no-audit --no-fund --silent)
  fi
fi
# chart library for the insight pages (issue 6): web/vendor from web/package-lock.json
if [ "${1:-all}" != build ] && [ -f web/package.json ] && [ ! -f web/vendor/echarts.min.js ]; then bash scripts/web-vendor.sh; fi
