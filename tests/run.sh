#!/usr/bin/env bash
# Runs the gagas test suites and prints one summary line at the end.
#
#   bash tests/run.sh BUILD [unit|e2e|browser]     (no part: all three)
#
# unit:    every executable under BUILD/tests/ (Criterion), from the repo root,
#          counted from Criterion's "Synthesis:" line.
# e2e:     node --test tests/e2e/ against BUILD/gagas (GAGAS_BIN).
# browser: node --test tests/browser/ (playwright-core + Debian chromium).
#
# The last line is "tests: N passed, N failed"; the exit status is non-zero
# when anything failed or a part could not run. Logs go to tests/out/.
set -u
cd "$(dirname "$0")/.."
root=$(pwd)

if [ $# -lt 1 ]; then
  echo "usage: bash tests/run.sh BUILD [unit|e2e|browser]" >&2
  exit 2
fi
build=$1
part=${2:-all}
case "$part" in
  all | unit | e2e | browser) ;;
  *)
    echo "tests/run.sh: unknown part '$part' (unit, e2e or browser)" >&2
    exit 2
    ;;
esac
case "$build" in
  /*) ;;
  *) build="$root/$build" ;;
esac

# The shared folder (fixtures, design) sits beside the repo unless told otherwise.
if [ -z "${GAGAS_SHARED:-}" ]; then
  GAGAS_SHARED="$root/../shared"
fi
if [ -d "$GAGAS_SHARED" ]; then
  GAGAS_SHARED=$(cd "$GAGAS_SHARED" && pwd)
fi
export GAGAS_SHARED

out="$root/tests/out"
mkdir -p "$out"

passed=0
failed=0
broken="" # parts that could not run

# Time limits, so a hung server or browser cannot hold CI forever.
UNIT_TIMEOUT=${UNIT_TIMEOUT:-600}
NODE_TIMEOUT=${NODE_TIMEOUT:-1200}

run_unit() {
  local dir="$build/tests" bins=() b name log line t p f rc
  if [ ! -d "$dir" ]; then
    echo "unit: no $dir (no unit tests built yet)"
    return
  fi
  while IFS= read -r b; do bins+=("$b"); done < <(find "$dir" -type f -perm -u+x | sort)
  if [ ${#bins[@]} -eq 0 ]; then
    echo "unit: no test binaries in $dir"
    return
  fi
  for b in "${bins[@]}"; do
    name=${b#"$dir"/}
    log="$out/unit-$(basename "$build")-${name//\//_}.log"
    echo "unit: $name"
    timeout "$UNIT_TIMEOUT" "$b" >"$log" 2>&1
    rc=$?
    # Criterion colours its output on a terminal; strip escapes before parsing.
    sed -e 's/\x1b\[[0-9;]*m//g' "$log" | grep -v '^\[----\]\s*$' | sed 's/^/  /' | tail -n 200
    line=$(sed -e 's/\x1b\[[0-9;]*m//g' "$log" | grep -E 'Synthesis: Tested: [0-9]+' | tail -n 1)
    if [ -z "$line" ]; then
      echo "unit: $name: no Criterion synthesis line (exit $rc): counted as 1 failure"
      failed=$((failed + 1))
      continue
    fi
    t=$(sed -E 's/.*Tested: ([0-9]+).*/\1/' <<<"$line")
    p=$(sed -E 's/.*Passing: ([0-9]+).*/\1/' <<<"$line")
    # Criterion counts crashes inside "Failing".
    f=$(sed -E 's/.*Failing: ([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
      echo "unit: $name exited $rc with no failing test: counted as 1 failure"
      failed=$((failed + 1))
    fi
    if [ "$t" -eq 0 ]; then
      echo "unit: $name ran no test"
    fi
  done
}

# run_node NAME DIR: node's test runner on DIR, spec to the terminal, TAP to a
# file that we count from ("# pass N", "# fail N", "# cancelled N").
run_node() {
  local name=$1 dir=$2 tap="$out/$1-$(basename "$build").tap" rc p f c
  if ! ls "$root/$dir"/*.test.mjs >/dev/null 2>&1; then
    echo "$name: no test files in $dir"
    broken="$broken $name"
    return
  fi
  if ! command -v node >/dev/null; then
    echo "$name: node is not installed"
    broken="$broken $name"
    return
  fi
  if [ ! -x "$GAGAS_BIN" ]; then
    echo "$name: $GAGAS_BIN is missing (build it with make)"
    broken="$broken $name"
    return
  fi
  rm -f "$tap"
  timeout "$NODE_TIMEOUT" node --test \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$dir/"
  rc=$?
  p=$(grep -E '^# pass [0-9]+' "$tap" 2>/dev/null | tail -n 1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$tap" 2>/dev/null | tail -n 1 | awk '{print $3}')
  c=$(grep -E '^# cancelled [0-9]+' "$tap" 2>/dev/null | tail -n 1 | awk '{print $3}')
  if [ -z "$p" ] || [ -z "$f" ]; then
    echo "$name: node --test gave no totals (exit $rc)"
    broken="$broken $name"
    return
  fi
  passed=$((passed + p))
  failed=$((failed + f + ${c:-0}))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && [ "${c:-0}" -eq 0 ]; then
    echo "$name: node --test exited $rc with no failing test"
    broken="$broken $name"
  fi
}

run_browser() {
  if [ ! -d "$root/tests/node_modules/playwright-core" ]; then
    echo "browser: playwright-core is not installed (cd tests && npm ci)"
    broken="$broken browser"
    return
  fi
  if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "browser: no chromium at ${CHROMIUM:-/usr/bin/chromium}"
    broken="$broken browser"
    return
  fi
  run_node browser tests/browser
}

GAGAS_BIN="$build/gagas"
export GAGAS_BIN

case "$part" in
  unit) run_unit ;;
  e2e) run_node e2e tests/e2e ;;
  browser) run_browser ;;
  all)
    run_unit
    run_node e2e tests/e2e
    run_browser
    ;;
esac

if [ -n "$broken" ]; then
  echo "could not run:$broken"
  failed=$((failed + $(wc -w <<<"$broken")))
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
