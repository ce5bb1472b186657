#!/usr/bin/env bash
# bench/classify.sh — throughput of `gagas classify` against `jq -c '{id, text}'`
# re-printing the same file. Generates N tweet-sized posts (default 100,000)
# deterministically from the words of aspirasi-dev (GAGAS_SHARED, default
# ../shared), mixing in exact and near copies so the dedup/coordination
# stages have work. Prints posts/s of both, the ratio and peak memory.
# usage: bench/classify.sh [BUILD_DIR] [N]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-100000}
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
echo "input: $n posts, $bytes bytes"

now() { date +%s.%N; }
t0=$(now); jq -c '{id, text}' < "$work/posts.jsonl" > "$work/jq.out"; t1=$(now)
jq_s=$(echo "$t1 - $t0" | bc -l)

/usr/bin/time -v "$build/gagas" classify < "$work/posts.jsonl" > "$work/gg.out" 2> "$work/time.txt" || {
  cat "$work/time.txt"; exit 1; }
gg_s=$(grep "Elapsed (wall clock)" "$work/time.txt" | awk '{print $NF}' |
  awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
rss=$(grep "Maximum resident set size" "$work/time.txt" | awk '{print $NF}')
lines=$(wc -l < "$work/gg.out")
[ "$lines" -eq "$n" ] || { echo "classify wrote $lines lines for $n posts"; exit 1; }

jq_rate=$(echo "$n / $jq_s" | bc -l)
gg_rate=$(echo "$n / $gg_s" | bc -l)
printf "jq -c '{id, text}': %.3f s, %.0f posts/s\n" "$jq_s" "$jq_rate"
printf "gagas classify:     %.3f s, %.0f posts/s, peak RSS %.1f MB\n" "$gg_s" "$gg_rate" "$(echo "$rss / 1024" | bc -l)"
printf "ratio gagas/jq: %.2f\n" "$(echo "$gg_rate / $jq_rate" | bc -l)"
