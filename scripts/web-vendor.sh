#!/usr/bin/env bash
# Copies the front-end libraries that the console pages load (web/package.json,
# pinned by web/package-lock.json) from web/node_modules into web/vendor/,
# which gagas serves under /static/vendor/. Runs `npm ci` first when the
# modules are missing. Idempotent; `--force` copies again.
set -eu
cd "$(dirname "$0")/../web"

if [ ! -d node_modules/echarts ] || [ ! -d node_modules/topojson-client ]; then
  echo "web-vendor: npm ci (web/)" >&2
  npm ci --no-audit --no-fund --silent
fi
mkdir -p vendor
# file in node_modules -> name under vendor/
copy() {
  if [ "${1:-}" = "" ] || [ ! -f "node_modules/$1" ]; then
    echo "web-vendor: missing node_modules/$1" >&2
    exit 1
  fi
  if [ "${FORCE:-0}" = 1 ] || [ ! -f "vendor/$2" ] || ! cmp -s "node_modules/$1" "vendor/$2"; then
    cp "node_modules/$1" "vendor/$2"
  fi
}
[ "${1:-}" = "--force" ] && FORCE=1
copy echarts/dist/echarts.min.js echarts.min.js
copy echarts/LICENSE LICENSE-echarts.txt
copy echarts/NOTICE NOTICE-echarts.txt
copy topojson-client/dist/topojson-client.min.js topojson-client.min.js
copy topojson-client/LICENSE LICENSE-topojson-client.txt
