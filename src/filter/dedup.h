/*
 * dedup.h — near-duplicate detection over normalized posts (filter layer,
 * depends on core only). Exact copies are caught first by a 64-bit hash of
 * the token stream; near copies by MinHash signatures over word 2-shingles
 * (character 4-grams for posts of fewer than min_words tokens) and LSH
 * banding, so a lookup costs the same with 10 or 10^7 posts indexed.
 * Memory: about 331 bytes per post with the defaults (10^6 posts: 316 MiB,
 * measured in docs/dedup.md).
 * Nothing is persisted: the server rebuilds the index from its store at start.
 */
#ifndef GG_FILTER_DEDUP_H
#define GG_FILTER_DEDUP_H
#include <stddef.h>
#include <stdint.h>

/** Tuning; zero fields take the defaults given here. */
typedef struct gg_dedup_opts {
    double threshold;   /* estimated Jaccard at or above which two posts are near copies; 0.6 */
    int num_hashes;     /* MinHash signature length, 8..128; 64 */
    int band_rows;      /* rows per LSH band (num_hashes / band_rows bands); 4 */
    int min_words;      /* posts with fewer tokens use character 4-grams; 6 */
    double short_threshold; /* threshold for such short posts, whose estimate is noisier
                               and whose words are few ("USER cacat lu" vs "USER Cacat
                               anjir" is not a copy); 0.8 */
    double index_skip;  /* a post this similar to an indexed one is not indexed itself
                           (it adds nothing and would lengthen bucket chains); 0.9 */
    size_t expected;    /* expected number of posts, pre-sizes the tables; 1024 */
} gg_dedup_opts;

/** The index; single writer (gg_dedup_add), concurrent readers allowed only
 *  while no add runs. */
typedef struct gg_dedup gg_dedup;

/** New empty index; opts may be NULL for the defaults. Caller frees with
 *  gg_dedup_free. Out of memory aborts; invalid opts fall back to defaults. */
gg_dedup *gg_dedup_new(const gg_dedup_opts *opts);

/** Free the index; NULL is allowed. */
void gg_dedup_free(gg_dedup *d);

/**
 * Look up norm[0..len) (the normalized text of gg_text_analyze; any UTF-8 is
 * accepted, case and punctuation are ignored) and then add it under id
 * (id >= 0, chosen by the caller, e.g. the submission row id).
 * Returns the id of the earliest-added post whose estimated similarity is at
 * or above the threshold (an exact copy has similarity 1.0), or -1 when there
 * is none or the text has no word at all (such a text is not added).
 * *sim_out (may be NULL) gets that similarity, or the best similarity seen
 * below the threshold (0 when none). Not thread-safe: one writer.
 */
int64_t gg_dedup_add(gg_dedup *d, int64_t id, const char *norm, size_t len, double *sim_out);

/** Number of MinHash values of a signature (num_hashes). */
int gg_dedup_hashes(const gg_dedup *d);

/**
 * The first half of gg_dedup_add, which reads only the index's options and
 * so may run on any thread at any time: sig (gg_dedup_hashes(d) values, each
 * below 2^16) and
 * *exact of norm[0..len). Returns the kind that gg_dedup_add_signed takes:
 * 0 when the text has no word, 1 word shingles, 2 a short post.
 */
int gg_dedup_sign(const gg_dedup *d, const char *norm, size_t len, uint32_t *sig, uint64_t *exact);

/** gg_dedup_sign for a text already split the way it splits: s[0..len) is the
 *  tokens (lower-case, letters and digits) joined by single spaces, tok the n
 *  (offset, length) pairs of the tokens in s. The same answer as gg_dedup_sign
 *  on any text with these tokens; saves its tokenizing pass (classify hands
 *  over the feature builder's tokens when they are plain: feat.h). */
int gg_dedup_sign_tokens(const gg_dedup *d, const char *s, size_t len, const uint32_t *tok,
                         size_t n, uint32_t *sig, uint64_t *exact);

/** The second half: gg_dedup_add with the signature of gg_dedup_sign (same
 *  answer as gg_dedup_add on the text). One writer. */
int64_t gg_dedup_add_signed(gg_dedup *d, int64_t id, int kind, const uint32_t *sig, uint64_t exact,
                            double *sim_out);

/** Like gg_dedup_add without adding. Safe from several threads at once while
 *  no gg_dedup_add runs. */
int64_t gg_dedup_query(const gg_dedup *d, const char *norm, size_t len, double *sim_out);

/** Hints for a writer that adds signed posts in a row (no effect on any
 *  answer): gg_dedup_prefetch_bands fetches a coming post's exact-copy slot
 *  and band slots (the first random reads of its add) and keeps the slots
 *  in h; gg_dedup_prefetch_cands, called later with the same h, fetches the
 *  signatures those slots point to (the second); gg_dedup_add_hinted is
 *  gg_dedup_add_signed given h, which saves hashing the bands again (h is
 *  used only while the tables keep the size it was taken at: checked). */
typedef struct gg_dedup_hint {
    uint32_t pos[64]; /* the post's band home slots (the first 64 bands) */
    size_t bslots;    /* the tables' size when taken; 0 for none */
} gg_dedup_hint;
void gg_dedup_prefetch_bands(const gg_dedup *d, const uint32_t *sig, uint64_t exact,
                             gg_dedup_hint *h);
void gg_dedup_prefetch_cands(const gg_dedup *d, const gg_dedup_hint *h);
int64_t gg_dedup_add_hinted(gg_dedup *d, int64_t id, int kind, const uint32_t *sig, uint64_t exact,
                            const gg_dedup_hint *hint, double *sim_out);

/** Estimated Jaccard similarity of two texts with the index's shingling and
 *  hashing (for tests and tooling); 0..1. */
double gg_dedup_similarity(const gg_dedup *d, const char *a, size_t alen, const char *b, size_t blen);

/** For tests: how many of the MinHash code paths this CPU can run (the
 *  baseline vector code, the clone chosen at load, the AVX2 intrinsics, the
 *  dispatcher) give other values than the one-hash-at-a-time reference for
 *  the shingle hashes hs[0..n) with d's seeds; 0 when all agree bit for bit. */
int gg_dedup__minhash_paths_differ(const gg_dedup *d, const uint32_t *hs, size_t n);

/** Counters for metrics and the memory report. */
typedef struct gg_dedup_stats {
    size_t added;      /* texts passed to gg_dedup_add that had words */
    size_t exact;      /* of those, exact copies of an earlier text */
    size_t near;       /* of those, near copies (not exact) */
    size_t indexed;    /* signatures stored and banded */
    size_t bytes;      /* heap bytes held by the index */
} gg_dedup_stats;

/** Fill *out with the current counters. */
void gg_dedup_stats_get(const gg_dedup *d, gg_dedup_stats *out);

#endif
