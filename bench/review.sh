#!/usr/bin/env bash
# bench/review.sh BUILD — server time of review actions (issue 4), called by
# bench/run.sh. Starts gagas on 127.0.0.1 with a temporary demo database,
# adds a reviewer, and runs bench/review.mjs: reviewers claim the next item
# and act on it; p50/p95/p99 of each action against the 50 ms target and
# against a GET /healthz baseline measured in the same run.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
bin="$build/gagas"
[ -x "$bin" ] || { echo "bench/review: $bin is missing (make)" >&2; exit 1; }
N=${BENCH_REVIEW_ITEMS:-600}
R=${BENCH_REVIEW_REVIEWERS:-2}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gagas-review-bench.XXXXXX")
pid=""
cleanup() {
  set +e
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
db="$tmp/gagas.db"
"$bin" demo --db "$db" >"$tmp/demo.log" 2>&1
pw="bench-reviewer-pw-$$"
for i in $(seq "$R"); do
  printf '%s\n' "$pw" | "$bin" user add --db "$db" --email "bench$i@gagas.test" --role reviewer >/dev/null 2>&1
done
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
"$bin" serve --listen "127.0.0.1:$port" --db "$db" --rate-submit 0 --log-level warn >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "bench: review actions, $N items, $R reviewers (claim next + act), 127.0.0.1"
node bench/review.mjs "http://127.0.0.1:$port" "$N" "$R" "$pw"
