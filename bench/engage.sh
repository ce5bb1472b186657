#!/usr/bin/env bash
# bench/engage.sh BUILD — the citizen pages at size (issue 5), called at the
# end of bench/run.sh. A demo database grows to 10,000 ideas in the campaign
# and 10,000 comments on one idea; wrk (64 connections) then reads the
# campaign page /c/demo and that idea page /i/ID from gagas and the same
# bytes as static files from nginx, in the same run. Prints each page's
# req/s, the ratio gagas/nginx (target >= 0.3) and gagas's p99 (target < 50 ms),
# first for a first visit (no cookie: a new participant each request) and
# then for a returning participant (a gg_p cookie: its own form token, and on
# the idea page the query whether it supports the idea).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
bin="$build/gagas"
[ -x "$bin" ] || { echo "bench/engage: $bin is missing (make)" >&2; exit 1; }
for tool in wrk nginx curl sqlite3 node; do
  command -v "$tool" >/dev/null || { echo "bench/engage: $tool is missing" >&2; exit 1; }
done
N=${BENCH_ENGAGE_ROWS:-10000}
DURATION=${BENCH_ENGAGE_DURATION:-5s}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gagas-engage-bench.XXXXXX")
pid="" nginx_pid=""
cleanup() {
  set +e
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
db="$tmp/gagas.db"
"$bin" demo --db "$db" >"$tmp/demo.log" 2>&1
# ideas and comments straight into the tables (the writer's speed is not
# what is measured here); the supporters spread so "top" has an order
sqlite3 "$db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<$N)
INSERT INTO ideas(campaign_id,title,text,supporters)
SELECT (SELECT id FROM campaigns WHERE slug='demo'), 'Gagasan uji '||i,
       'Teks gagasan uji nomor '||i||' tentang sekolah, jalan dan puskesmas di desa.', i % 997 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<$N)
INSERT INTO comments(idea_id,participant,text)
SELECT (SELECT min(id) FROM ideas), 'bench-'||(i % 300), 'Komentar uji nomor '||i||', setuju dengan usulan ini.' FROM n;
SQL
idea=$(sqlite3 "$db" "SELECT min(id) FROM ideas")
port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
gport=$(port)
"$bin" serve --listen "127.0.0.1:$gport" --db "$db" --rate-submit 0 --log-level warn >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$gport/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
mkdir -p "$tmp/www/c" "$tmp/www/i" "$tmp/nginx"
curl -sf "http://127.0.0.1:$gport/c/demo" >"$tmp/www/c/demo"
curl -sf "http://127.0.0.1:$gport/i/$idea" >"$tmp/www/i/$idea"
chmod -R a+rX "$tmp"
nport=$(port)
sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@ROOT@|$tmp/www|g" -e "s|@PORT@|$nport|g" \
  bench/nginx.conf.tmpl >"$tmp/nginx/nginx.conf"
nginx -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nport/c/demo" >/dev/null 2>&1 && break; sleep 0.1; done
rps() { awk '/Requests\/sec/ {printf "%d", $2}' "$1"; }
p99() { awk '$1=="99%" {print $2}' "$1"; }
cookie="gg_p=0123456789abcdef0123456789abcdef"
for page in "c/demo" "i/$idea"; do
  wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$nport/$page" >"$tmp/n.txt"
  wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$gport/$page" >"$tmp/g.txt"
  wrk -t2 -c64 -d"$DURATION" --latency -H "Cookie: $cookie" "http://127.0.0.1:$gport/$page" >"$tmp/gc.txt"
  for f in n g gc; do
    if grep -q 'Non-2xx' "$tmp/$f.txt"; then echo "bench/engage: $page: $(grep 'Non-2xx' "$tmp/$f.txt")" >&2; fi
  done
  nr=$(rps "$tmp/n.txt")
  for f in g gc; do
    gr=$(rps "$tmp/$f.txt")
    ratio=$(awk -v g="$gr" -v n="$nr" 'BEGIN { printf "%.2f", n ? g / n : 0 }')
    who=$([ "$f" = g ] && echo "first visit" || echo "with a participant cookie")
    echo "bench: engage /$page $who ($(wc -c <"$tmp/www/$page") bytes, $N ideas, $N comments): gagas $gr req/s, nginx $nr req/s, ratio $ratio (target >= 0.3), gagas p99 $(p99 "$tmp/$f.txt") (target < 50ms)"
  done
done
