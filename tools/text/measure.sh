#!/usr/bin/env bash
# measure.sh — rebuilds the text-layer tools and prints every figure quoted
# in docs/text.md: normalization accuracy (STIF, colloquial lexicon),
# stemming (Sastrawi pairs, over-stemmed roots on held-out corpora) and
# throughput. Run from anywhere; shared data from $GAGAS_SHARED (default
# ../shared beside the repo).
#   bash tools/text/measure.sh [norm|stem|speed|instr]   (no argument: all but
#   instr, which needs valgrind and counts instructions per post)
set -eu
cd "$(dirname "$0")/../.."
S=${GAGAS_SHARED:-../shared}/data/nlp
part=${1:-all}
# Built from the text layer's own sources (not build/libgagas.a): other
# modules may be half-way through a change, and other make runs may be
# rewriting build/.
B=build/text-measure
mkdir -p $B
SRC="src/text/normalize.c src/text/lexicon.c src/text/tokenize.c src/core/alloc.c"
LIBS="$(pkg-config --libs jansson libutf8proc) -lstemmer -lpthread -lm"
for t in eval_norm eval_stem bench_text; do
  cc -std=c11 -D_GNU_SOURCE -Isrc -O2 -g -o "$B/$t" "tools/text/$t.c" $SRC $LIBS
done

if [ "$part" = all ] || [ "$part" = norm ]; then
  for split in test dev train; do
    echo "== STIF $split"
    $B/eval_norm pairs "$S/stif-informal-formal/$split.inf" "$S/stif-informal-formal/$split.for"
  done
  echo "== colloquial Indonesian lexicon (kamus-alay)"
  $B/eval_norm lexicon "$S/kamus-alay/colloquial-indonesian-lexicon.csv"
fi
if [ "$part" = all ] || [ "$part" = stem ]; then
  echo "== Sastrawi stemmer test pairs"
  $B/eval_stem pairs "$S/sastrawi/stemmer-test-pairs.tsv"
  echo "== over-stemmed root words, held-out corpora (not used to write the exceptions)"
  cat "$S/id-election2019-falsenews/indonesian_falsenews_testdata.txt" \
      "$S/sms-spam-id/dataset_sms_spam_v1.csv" "$S/indolem-sentiment/test0.csv" \
      "$S/emot/test_preprocess.csv" "$S/nusax-senti-ind/test.csv" "$S/netifier/test.csv" \
      "$S/stif-informal-formal/test.inf" |
    $B/eval_stem roots "$S/sastrawi/kata-dasar.txt"
fi
if [ "$part" = all ] || [ "$part" = speed ]; then
  echo "== throughput, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
  $B/bench_text "$S/id-multilabel-hatespeech/train.csv" 2
fi
if [ "$part" = instr ]; then
  # Instructions per post from callgrind: independent of machine load.
  # (3 passes - 1 pass) / 2 / posts removes loading and start-up.
  F="$S/id-multilabel-hatespeech/train.csv"
  n=$(BENCH_PASSES=1 BENCH_ONLY=analyze $B/bench_text "$F" | awk '/posts loaded/{print $1}')
  for m in analyze noent tokens noent-tokens; do
    r1=$(BENCH_PASSES=1 BENCH_ONLY=$m valgrind --tool=callgrind --callgrind-out-file=/dev/null \
      $B/bench_text "$F" 2>&1 | awk '/Collected/{print $4}')
    r3=$(BENCH_PASSES=3 BENCH_ONLY=$m valgrind --tool=callgrind --callgrind-out-file=/dev/null \
      $B/bench_text "$F" 2>&1 | awk '/Collected/{print $4}')
    echo "$m: $(((r3 - r1) / 2 / n)) instructions/post"
  done
fi
