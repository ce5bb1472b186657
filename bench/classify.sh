#!/usr/bin/env bash
# bench/classify.sh — throughput of `gagas classify` against `jq -c '{id, text}'`
# re-printing the same file. Generates N tweet-sized posts (default 100,000)
# deterministically from the words of aspirasi-dev (GAGAS_SHARED, default
# ../shared), mixing in exact and near copies so the dedup/coordination
# stages have work. Prints posts/s of both, the ratio and peak memory for
# each of ROUNDS (default 5) alternating rounds, then the range and median of the ratios:
# the machine is shared, so one round proves little.
# usage: [ROUNDS=5] bench/classify.sh [BUILD_DIR] [N]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-100000}
rounds=${ROUNDS:-5}
shared=${GAGAS_SHARED:-../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$shared/data/nlp/aspirasi-dev/dev.csv" "$n" > "$work/posts.jsonl" <<'PY'
import csv, json, random, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
n = int(sys.argv[2])
rng = random.Random(20261128)
words = [w for r in rows for w in r["text"].split()]
texts = [r["text"] for r in rows]
chan = ["x", "facebook", "instagram", "whatsapp", "telegram", "youtube", "web"]
for i in range(n):
    u = rng.random()
    if u < 0.10:      # a dev post as written
        t = rng.choice(texts)
    elif u < 0.20:    # a near copy: a dev post with a few words added
        t = rng.choice(texts) + " " + " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
    else:             # a new post of 8..35 words
        t = " ".join(rng.choice(words) for _ in range(rng.randint(8, 35)))
    t = t[:280]
    print(json.dumps({"id": "b%d" % i, "text": t, "channel": rng.choice(chan),
                      "author": "u%d" % rng.randint(0, n // 3),
                      "created_at": "2026-11-%02dT%02d:%02d:00Z" % (1 + i * 28 // n, i % 24, i % 60)},
                     ensure_ascii=False))
PY

bytes=$(wc -c < "$work/posts.jsonl")
echo "input: $n posts, $bytes bytes; $rounds rounds, jq and gagas alternating (load $(cut -d' ' -f1-3 /proc/loadavg))"

# secs FILE: wall seconds from /usr/bin/time -v output
secs() {
  grep "Elapsed (wall clock)" "$1" | awk '{print $NF}' |
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }'
}
# cpu FILE: user + system seconds
cpu() { awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f\n", s }' "$1"; }

ratios=""
for ((r = 1; r <= rounds; r++)); do
  /usr/bin/time -v jq -c '{id, text}' < "$work/posts.jsonl" > "$work/jq.out" 2> "$work/jqtime.txt"
  /usr/bin/time -v "$build/gagas" classify < "$work/posts.jsonl" > "$work/gg.out" 2> "$work/time.txt" || {
    cat "$work/time.txt"; exit 1; }
  lines=$(wc -l < "$work/gg.out")
  [ "$lines" -eq "$n" ] || { echo "classify wrote $lines lines for $n posts"; exit 1; }
  jq_s=$(secs "$work/jqtime.txt")
  gg_s=$(secs "$work/time.txt")
  rss=$(grep "Maximum resident set size" "$work/time.txt" | awk '{print $NF}')
  jq_rate=$(echo "$n / $jq_s" | bc -l)
  gg_rate=$(echo "$n / $gg_s" | bc -l)
  ratio=$(echo "$gg_rate / $jq_rate" | bc -l)
  ratios="$ratios $ratio"
  printf "round %d: jq -c '{id, text}' %.3f s (%.0f posts/s, cpu %s s); gagas classify %.3f s (%.0f posts/s, cpu %s s, peak RSS %.1f MB); ratio %.2f\n" \
    "$r" "$jq_s" "$jq_rate" "$(cpu "$work/jqtime.txt")" "$gg_s" "$gg_rate" "$(cpu "$work/time.txt")" \
    "$(echo "$rss / 1024" | bc -l)" "$ratio"
done
echo "$ratios" | tr ' ' '\n' | sort -g | awk 'NF { v[++k] = $1 } END {
  med = k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
  printf "ratio gagas/jq: %.2f-%.2f, median %.2f, over %d rounds (target >= 1)\n", v[1], v[k], med, k }'

# near-duplicate index memory at 10^6 posts (target: under 1 GiB)
if [ -f "$build/libgagas.a" ] && [ "${DEDUP_MEM:-1}" != 0 ]; then
  cc -std=c11 -O2 -Isrc -o "$work/dedup_mem" bench/dedup_mem.c "$build/libgagas.a" -lxxhash -lutf8proc -lm
  /usr/bin/time -v "$work/dedup_mem" 1000000 > "$work/dm.out" 2> "$work/dmtime.txt"
  grep -E "^(posts|index heap|add):" "$work/dm.out"
  awk '/Maximum resident set size/ { printf "dedup 10^6 posts: peak RSS %.1f MiB (target < 1024 MiB)\n", $NF / 1024 }' "$work/dmtime.txt"
fi
