#!/usr/bin/env bash
# make lint: banned calls (as curl's checksrc does), then cppcheck and
# clang-tidy over src/. Exit non-zero on any finding.
set -u
cd "$(dirname "$0")/.."
rc=0
banned='\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol)\s*\('
if grep -rnE "$banned" src --include='*.c' --include='*.h'; then
  echo "lint: banned call above (use snprintf, gg_buf, strtol …)" >&2
  rc=1
fi
if command -v cppcheck >/dev/null; then
  cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
    --suppress=missingIncludeSystem --suppress=unknownMacro --suppress=ctunullpointer -Isrc src || rc=1
fi
if command -v clang-tidy >/dev/null; then
  flags="-std=c11 -D_GNU_SOURCE -DH2O_USE_LIBUV=0 -Isrc $(pkg-config --cflags jansson libsodium)"
  for f in $(find src -name '*.c' | sort); do
    clang-tidy --quiet -checks='-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-bugprone-narrowing-conversions,-bugprone-implicit-widening-of-multiplication-result,-bugprone-branch-clone,-bugprone-sizeof-expression,cert-err34-c' \
      "$f" -- $flags 2>/dev/null | grep -E "warning:|error:" && rc=1
  done
fi
exit $rc
