#!/usr/bin/env bash
# Webhook intake speed (issue 7): acknowledged (durable) Meta webhook
# deliveries per second from 64 concurrent senders, p50/p99, as a ratio to
# the bare GET /healthz rate of the same server measured in the same run.
# Target: >= 10,000 acknowledged events/s and p99 < 50 ms.
#
#   bash bench/hooks.sh BUILD
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
bin="$build/gagas"
DURATION=${BENCH_DURATION:-5s}
CONNS=${BENCH_CONNECTIONS:-64}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gagas-hooks.XXXXXX")
pid=""
cleanup() {
  set +e
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

export GAGAS_META_APP_SECRET=bench-secret-$$
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
"$bin" demo --db "$tmp/g.db" >/dev/null 2>&1
"$bin" serve --db "$tmp/g.db" --listen "127.0.0.1:$port" --rate-submit 0 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

# 20,000 distinct signed deliveries shaped like Meta's feed comments
HOOKS_FILE="$tmp/hooks.tsv" node -e '
const crypto = require("crypto"), fs = require("fs");
const out = [];
for (let i = 0; i < 20000; i++) {
  const body = JSON.stringify({object: "page", entry: [{id: "104729385610923", time: 1795144869, changes: [{field: "feed", value: {
    from: {id: String(800000 + i % 5000), name: "Warga"}, post_id: "104729385610923_1", comment_id: "bench_" + i,
    created_time: 1795144867, item: "comment", parent_id: "104729385610923_1", verb: "add",
    message: "Usul nomor " + i + ": perbaiki saluran air di RW " + (i % 50)}}]}]});
  const sig = crypto.createHmac("sha256", process.env.GAGAS_META_APP_SECRET).update(body).digest("hex");
  out.push(body + "\t" + sig);
}
fs.writeFileSync(process.env.HOOKS_FILE, out.join("\n") + "\n");'
export HOOKS_FILE="$tmp/hooks.tsv"

wrk -t2 -c"$CONNS" -d"$DURATION" "http://127.0.0.1:$port/healthz" > "$tmp/base.txt"
base=$(awk '/Requests\/sec/ { printf "%d", $2 }' "$tmp/base.txt")
wrk -t2 -c"$CONNS" -d"$DURATION" -s bench/hooks.lua "http://127.0.0.1:$port/" > "$tmp/hooks.txt"
reqs=$(awk '$1 == "requests" { print $2 }' "$tmp/hooks.txt")
dur=$(awk '$1 == "duration_us" { print $2 }' "$tmp/hooks.txt")
non2xx=$(awk '/Non-2xx/ { print $5 }' "$tmp/hooks.txt")
acked=$(( reqs - ${non2xx:-0} ))
rps=$(awk -v a="$acked" -v d="$dur" 'BEGIN { printf "%d", a / (d / 1e6) }')
p50=$(awk '$1 == "p50_us" { printf "%.2f", $2 / 1000 }' "$tmp/hooks.txt")
p99=$(awk '$1 == "p99_us" { printf "%.2f", $2 / 1000 }' "$tmp/hooks.txt")
# every acknowledged delivery is in the inbox (durable before the 200)
sleep 1
stored=$(sqlite3 -cmd '.timeout 5000' "$tmp/g.db" "SELECT count(*) FROM inbox")
echo "healthz_rps: $base"
echo "hook_acked_per_s: $rps (ratio $(awk -v a="$rps" -v b="$base" 'BEGIN { printf "%.2f", a / b }') vs baseline healthz $base; target 10000)"
echo "hook_p50_ms: $p50"
echo "hook_p99_ms: $p99 (target < 50)"
echo "hook_stored_vs_acked: $stored / $acked"
[ "$stored" -ge "$acked" ] || echo "bench: WARNING: fewer deliveries stored than acknowledged" >&2
