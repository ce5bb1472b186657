/*
 * dedup.c — exact and near-duplicate index: 64-bit token-stream hash table,
 * MinHash signatures (16-bit values, k per post) and LSH band tables
 * (filter layer). Band tables hold only 32-bit post indexes; the band key is
 * re-read from the stored signature, which keeps a post at ~331 bytes.
 * Invariant: post index order is insertion order, so "earliest" = lowest index.
 */
#include "filter/dedup.h"
#include "core/alloc.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif
#define XXH_INLINE_ALL /* the same hashes; short keys cost no library call */
#include <xxhash.h>

#define EMPTY UINT32_MAX
#define MAX_HASHES 128
/* A bucket chain longer than this is cut short: it only happens when one
 * band value is shared by thousands of posts, which index_skip prevents. */
#define MAX_PROBE 8192
/* index_skip keeps close copies (>= 0.9) out of the index, but posts written
 * from one template (0.6-0.9 alike: a campaign's slogan with a name or a
 * number changed) are indexed and share band values by the thousand; every
 * later one then compared itself with all of them in every band (on 10^6
 * templated posts a restart's rebuild spent 95 % of 123 s here). A band
 * compares its first MAX_SAME posts with the same band value — the earliest,
 * as slots of one value are in insertion order — and no more: the earliest
 * near-copy, which is what a lookup answers, is among them. */
#define MAX_SAME 64

typedef struct exact_slot {
    uint64_t h;     /* 0 = empty */
    int64_t id;     /* what an exact copy of this text answers */
    float sim;
} exact_slot;

struct gg_dedup {
    double threshold, short_threshold, index_skip;
    int k, rows, bands, min_words;
    uint32_t seeds[MAX_HASHES];
    /* indexed posts */
    size_t n, cap;
    int64_t *ids;
    uint16_t *sigs;    /* n * k signature values (each < 2^16) */
    uint32_t *stamp;   /* cap: the add that last compared this post (a post met
                          in several bands is compared once); writer only */
    uint32_t gen;
    /* band tables: bands arrays of bslots entries each */
    uint32_t **band;
    size_t bslots;
    /* exact-copy table */
    exact_slot *ex;
    size_t exslots, excount;
    gg_dedup_stats st;
};

/* ---- tokenizing ---------------------------------------------------------- */

/* Lower-cased tokens (letters, digits, marks) joined by single spaces. A
 * tweet-sized text fits the caller's stack buffers; a longer one gets heap
 * buffers (owned: toks_dispose). */
#define TOKS_STACK 1024
typedef struct toks {
    char *s;
    size_t len;
    size_t n;
    uint32_t *start, *end; /* token byte spans in s */
    int heap;
} toks;

typedef struct toks_buf {
    char s[TOKS_STACK * 3 + 8];
    uint32_t start[TOKS_STACK / 2 + 1], end[TOKS_STACK / 2 + 1];
} toks_buf;

static void toks_dispose(toks *t)
{
    if (!t->heap)
        return;
    gg_free(t->s);
    gg_free(t->start);
    gg_free(t->end);
}

static int is_word_cat(utf8proc_int32_t c)
{
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

/* 1 for the ASCII letters and digits, the only ASCII word characters (one
 * load a byte); their lower case is the byte | 0x20 (digits have that bit
 * already). Bytes from 0x80 are 0 here and decoded as UTF-8. */
static const unsigned char ASCII_WORD[256] = {
    ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1,
};

static void tokenize(toks *t, toks_buf *sb, const char *p, size_t len)
{
    /* Lower-casing grows a character by at most half (2 -> 3 bytes), and
     * separators are at most one per two input bytes: 2 output bytes per
     * input byte at worst, so the stack buffer never grows; the heap one
     * is checked as non-ASCII characters fill it (an ASCII byte writes at
     * most one byte and its token's separator). n tokens need 2n - 1 input
     * bytes. */
    size_t cap = len * 2 + 8, tcap = len / 2 + 1;
    t->heap = len > TOKS_STACK;
    if (t->heap) {
        t->s = gg_malloc(cap);
        t->start = gg_malloc(tcap * sizeof *t->start);
        t->end = gg_malloc(tcap * sizeof *t->end);
    } else {
        cap = sizeof sb->s;
        t->s = sb->s;
        t->start = sb->start;
        t->end = sb->end;
    }
    t->len = 0;
    t->n = 0;
    int in = 0;
    size_t i = 0;
    const unsigned char *u = (const unsigned char *)p;
    while (i < len) {
        unsigned b = u[i];
        if (b < 0x80) {
            /* ASCII, most of the text: a run of word bytes is copied in one
             * loop, any other byte ends a token */
            if (!ASCII_WORD[b]) {
                i++;
                if (in) {
                    t->end[t->n++] = (uint32_t)t->len;
                    in = 0;
                }
                continue;
            }
            if (!in) {
                if (t->n)
                    t->s[t->len++] = ' ';
                t->start[t->n] = (uint32_t)t->len;
                in = 1;
            }
            char *o = t->s + t->len;
#if defined(__SSE2__)
            /* sixteen bytes a step: the word bytes' mask, then the block
             * lower-cased (| 0x20) is stored whole and the output advances
             * by the word's part (the output stays 16 bytes short of its
             * room while 16 input bytes are left, by the bound above) */
            while (i + 16 <= len) {
                __m128i x = _mm_loadu_si128((const __m128i *)(u + i));
                __m128i lo = _mm_or_si128(x, _mm_set1_epi8(0x20));
                /* unsigned range checks as signed compares on biased bytes */
                __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(lo, _mm_set1_epi8(0x80 - 'a')),
                                                _mm_set1_epi8(-128 + 26));
                __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(0x80 - '0')),
                                               _mm_set1_epi8(-128 + 10));
                unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit));
                unsigned n = (unsigned)__builtin_ctz(~m | 0x10000u);
                _mm_storeu_si128((__m128i *)o, lo);
                o += n;
                i += n;
                if (n < 16)
                    break;
            }
            if (i < len && ASCII_WORD[b = u[i]])
#endif
                do
                    *o++ = (char)(b | 0x20);
                while (++i < len && ASCII_WORD[b = u[i]]);
            t->len = (size_t)(o - t->s);
            continue;
        }
        utf8proc_int32_t c;
        utf8proc_ssize_t r = utf8proc_iterate(u + i, (utf8proc_ssize_t)(len - i), &c);
        if (r <= 0) { /* invalid byte: a separator */
            r = 1;
            c = -1;
        }
        i += (size_t)r;
        if (c >= 0 && is_word_cat(c)) {
            if (!in) {
                if (t->n)
                    t->s[t->len++] = ' ';
                t->start[t->n] = (uint32_t)t->len;
                in = 1;
            }
            if (t->heap && t->len + 8 > cap) {
                cap *= 2;
                t->s = gg_realloc(t->s, cap);
            }
            t->len += (size_t)utf8proc_encode_char(utf8proc_tolower(c), (utf8proc_uint8_t *)t->s + t->len);
        } else if (in) {
            t->end[t->n++] = (uint32_t)t->len;
            in = 0;
        }
    }
    if (in)
        t->end[t->n++] = (uint32_t)t->len;
    t->s[t->len] = '\0';
}

/* ---- signatures ------------------------------------------------------------ */

/* A signature value: sig[j] = the low 16 bits of fin(min over the post's
 * shingle hashes h of mix32(h ^ seed j)). mix32 is murmur3's fmix32 without
 * its last xorshift, which changes no order of the high bits and so is done
 * once on the minimum (fin) instead of once per shingle. 16 bits are kept:
 * two different minima then agree by chance once in 65,536 rows, against an
 * estimate that moves in steps of 1/64 (the index stores them as uint16_t). */
static inline uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x85ebca6bU;
    x ^= x >> 13;
    x *= 0xc2b2ae35U;
    return x;
}

static inline uint32_t fin(uint32_t m)
{
    return (m ^ (m >> 16)) & 0xffff;
}

/* Signature values j..k-1 one hash at a time: what the vector paths leave
 * when k is not a multiple of their width (and the reference they must
 * agree with). */
static inline void minhash_rest(const uint32_t *seeds, int j, int k, const uint32_t *hs,
                                size_t n, uint32_t *sig)
{
    for (; j < k; j++) {
        uint32_t m = UINT32_MAX;
        for (size_t i = 0; i < n; i++) {
            uint32_t v = mix32(hs[i] ^ seeds[j]);
            if (v < m)
                m = v;
        }
        sig[j] = fin(m);
    }
}

/* The signature, sixteen seeds at a time in 32-bit vector lanes, the running
 * minima in a register; the clones use AVX-512 or AVX2 where the CPU has
 * them (chosen once at load) and the same arithmetic, so every machine gets
 * the same signature. */
typedef uint32_t u32x16 __attribute__((vector_size(64)));

static inline __attribute__((always_inline)) void minhash_vec(const uint32_t *seeds, int k,
                                                              const uint32_t *hs, size_t n,
                                                              uint32_t *sig)
{
    int j = 0;
    for (; j + 16 <= k; j += 16) {
        u32x16 sd, m;
        memcpy(&sd, seeds + j, sizeof sd);
        m = sd ^ sd;
        m = ~m;
        for (size_t i = 0; i < n; i++) {
            u32x16 x = hs[i] ^ sd;
            x ^= x >> 16;
            x *= 0x85ebca6bU;
            x ^= x >> 13;
            x *= 0xc2b2ae35U;
            u32x16 lt = (u32x16)(x < m);
            m = (x & lt) | (m & ~lt);
        }
        m = (m ^ (m >> 16)) & 0xffff;
        memcpy(sig + j, &m, sizeof m);
    }
    minhash_rest(seeds, j, k, hs, n, sig);
}

__attribute__((target_clones("avx512f", "avx2", "default")))
static void minhash(const uint32_t *seeds, int k, const uint32_t *hs, size_t n, uint32_t *sig)
{
    minhash_vec(seeds, k, hs, n, sig);
}

/* the same code for the baseline instruction set only: what a CPU without
 * AVX2 runs, kept callable here so that a test compares it on any machine */
static void minhash_base(const uint32_t *seeds, int k, const uint32_t *hs, size_t n,
                         uint32_t *sig)
{
    minhash_vec(seeds, k, hs, n, sig);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) static inline __m256i mix8(__m256i x, __m256i c1, __m256i c2)
{
    x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
    x = _mm256_mullo_epi32(x, c1);
    x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 13));
    return _mm256_mullo_epi32(x, c2);
}

__attribute__((target("avx2"))) static inline void fin8(uint32_t *out, __m256i m)
{
    m = _mm256_and_si256(_mm256_xor_si256(m, _mm256_srli_epi32(m, 16)), _mm256_set1_epi32(0xffff));
    _mm256_storeu_si256((__m256i *)out, m);
}

/* minhash() with AVX2 intrinsics, the same values: thirty-two seeds per pass
 * over the shingles (four independent chains keep the multiplier busy), an
 * unsigned min (vpminud) where the vector-extension code gets a compare
 * emulated with signed compares. */
__attribute__((target("avx2"))) static void minhash_avx2(const uint32_t *seeds, int k,
                                                         const uint32_t *hs, size_t n,
                                                         uint32_t *sig)
{
    const __m256i c1 = _mm256_set1_epi32((int)0x85ebca6bU);
    const __m256i c2 = _mm256_set1_epi32((int)0xc2b2ae35U);
    int j = 0;
    for (; j + 32 <= k; j += 32) {
        __m256i s0 = _mm256_loadu_si256((const __m256i *)(seeds + j));
        __m256i s1 = _mm256_loadu_si256((const __m256i *)(seeds + j + 8));
        __m256i s2 = _mm256_loadu_si256((const __m256i *)(seeds + j + 16));
        __m256i s3 = _mm256_loadu_si256((const __m256i *)(seeds + j + 24));
        __m256i m0 = _mm256_set1_epi32(-1), m1 = m0, m2 = m0, m3 = m0;
        for (size_t i = 0; i < n; i++) {
            __m256i h = _mm256_set1_epi32((int)hs[i]);
            m0 = _mm256_min_epu32(m0, mix8(_mm256_xor_si256(h, s0), c1, c2));
            m1 = _mm256_min_epu32(m1, mix8(_mm256_xor_si256(h, s1), c1, c2));
            m2 = _mm256_min_epu32(m2, mix8(_mm256_xor_si256(h, s2), c1, c2));
            m3 = _mm256_min_epu32(m3, mix8(_mm256_xor_si256(h, s3), c1, c2));
        }
        fin8(sig + j, m0);
        fin8(sig + j + 8, m1);
        fin8(sig + j + 16, m2);
        fin8(sig + j + 24, m3);
    }
    for (; j + 8 <= k; j += 8) {
        __m256i s0 = _mm256_loadu_si256((const __m256i *)(seeds + j));
        __m256i m0 = _mm256_set1_epi32(-1);
        for (size_t i = 0; i < n; i++)
            m0 = _mm256_min_epu32(m0, mix8(_mm256_xor_si256(_mm256_set1_epi32((int)hs[i]), s0), c1, c2));
        fin8(sig + j, m0);
    }
    minhash_rest(seeds, j, k, hs, n, sig);
}
#endif

/* the AVX-512 clone where the CPU has it, else the AVX2 intrinsics, else
 * the portable clone: the same signature on every machine */
static void minhash_any(const uint32_t *seeds, int k, const uint32_t *hs, size_t n, uint32_t *sig)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (!__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2")) {
        minhash_avx2(seeds, k, hs, n, sig);
        return;
    }
#endif
    minhash(seeds, k, hs, n, sig);
}

int gg_dedup__minhash_paths_differ(const gg_dedup *d, const uint32_t *hs, size_t n)
{
    uint32_t ref[MAX_HASHES], got[MAX_HASHES];
    size_t bytes = (size_t)d->k * sizeof *ref;
    int bad = 0;
    minhash_rest(d->seeds, 0, d->k, hs, n, ref);
    minhash_base(d->seeds, d->k, hs, n, got);
    bad += memcmp(ref, got, bytes) != 0;
    minhash(d->seeds, d->k, hs, n, got);
    bad += memcmp(ref, got, bytes) != 0;
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2")) {
        minhash_avx2(d->seeds, d->k, hs, n, got);
        bad += memcmp(ref, got, bytes) != 0;
    }
#endif
    minhash_any(d->seeds, d->k, hs, n, got);
    bad += memcmp(ref, got, bytes) != 0;
    return bad;
}

/* 32-bit shingle hashes. A word 2-shingle is the pair of its tokens' XXH3
 * hashes, each token hashed once (hashing the shingle's bytes hashed every
 * token twice, on keys twice as long); the multiply keeps "a b" and "b a"
 * apart. A character 4-gram is its four bytes, mixed (a bijection of the
 * 32-bit value before the high half is taken: distinct grams rarely collide). */
static inline uint32_t pair32(uint64_t a, uint64_t b)
{
    uint64_t x = a * 0x9e3779b97f4a7c15ULL ^ b;
    return (uint32_t)(x ^ (x >> 32));
}

static inline uint32_t gram32(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    /* little-endian by construction, whatever the machine */
    uint64_t x = (uint64_t)(u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24);
    x *= 0x9e3779b97f4a7c15ULL;
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    return (uint32_t)(x >> 32);
}

/* Signature and exact hash of tokens t; returns 0 when there is none, 2 for
 * a short text (character grams), 1 otherwise. */
static int sign_toks(const gg_dedup *d, const toks *tk, uint32_t *sig, uint64_t *exact)
{
    const toks t = *tk;
    uint32_t hbuf[TOKS_STACK], *hs = hbuf;
    size_t nh = 0;
    int ok = t.n > 0;
    if (!ok)
        return 0;
    *exact = XXH3_64bits(t.s, t.len);
    if (*exact == 0)
        *exact = 1;
    /* at most one shingle per byte of the token text */
    if (t.len > TOKS_STACK)
        hs = gg_malloc(t.len * sizeof *hs);
    if ((int)t.n >= d->min_words) {
        uint64_t prev = XXH3_64bits(t.s + t.start[0], t.end[0] - t.start[0]);
        for (size_t i = 1; i < t.n; i++) {
            uint64_t cur = XXH3_64bits(t.s + t.start[i], t.end[i] - t.start[i]);
            hs[nh++] = pair32(prev, cur);
            prev = cur;
        }
    } else if (t.len <= 4) {
        ok = 2;
        hs[nh++] = (uint32_t)(*exact ^ (*exact >> 32));
    } else {
        ok = 2;
        /* short post: character 4-grams (bytes; Indonesian is mostly ASCII) */
        for (size_t i = 0; i + 4 <= t.len; i++)
            hs[nh++] = gram32(t.s + i);
    }
    minhash_any(d->seeds, d->k, hs, nh, sig);
    if (hs != hbuf)
        gg_free(hs);
    return ok;
}

/* Signature and exact hash of a text (sign_toks of its tokens). */
static int signature(const gg_dedup *d, const char *p, size_t len, uint32_t *sig, uint64_t *exact)
{
    toks t;
    toks_buf sb;
    tokenize(&t, &sb, p, len);
    int ok = sign_toks(d, &t, sig, exact);
    toks_dispose(&t);
    return ok;
}

int gg_dedup_sign_tokens(const gg_dedup *d, const char *s, size_t len, const uint32_t *tok,
                         size_t n, uint32_t *sig, uint64_t *exact)
{
    uint32_t sbuf[256], ebuf[256], *st = sbuf, *en = ebuf;
    *exact = 0;
    if (n > 256) {
        st = gg_malloc(n * sizeof *st);
        en = gg_malloc(n * sizeof *en);
    }
    for (size_t i = 0; i < n; i++) {
        st[i] = tok[2 * i];
        en[i] = tok[2 * i] + tok[2 * i + 1];
    }
    toks t = {.s = (char *)s, .len = len, .n = n, .start = st, .end = en, .heap = 0};
    int ok = sign_toks(d, &t, sig, exact);
    if (st != sbuf) {
        gg_free(st);
        gg_free(en);
    }
    return ok;
}

/* the index's copy of a signature: its values fit 16 bits (eight at a time,
 * which the compiler turns into vector packs; k need not be a multiple) */
static void narrow(const gg_dedup *d, const uint32_t *sig, uint16_t *out)
{
    int j = 0;
    for (; j + 8 <= d->k; j += 8)
        for (int q = 0; q < 8; q++)
            out[j + q] = (uint16_t)sig[j + q];
    for (; j < d->k; j++)
        out[j] = (uint16_t)sig[j];
}

static double sig_sim(const gg_dedup *d, const uint16_t *a, const uint16_t *b)
{
    int m = 0;
    for (int j = 0; j < d->k; j++)
        m += a[j] == b[j];
    return (double)m / d->k;
}

/* The slot of band b's values: the shipped four rows are one 64-bit key,
 * mixed (murmur's fmix64) instead of an XXH3 call per band. */
static inline uint64_t band_hash(const gg_dedup *d, const uint16_t *sig, int b)
{
    const uint16_t *r = sig + (size_t)b * d->rows;
    if (d->rows != 4)
        return XXH3_64bits_withSeed(r, (size_t)d->rows * sizeof *r, (uint64_t)b + 1);
    uint64_t x = (uint64_t)r[0] | (uint64_t)r[1] << 16 | (uint64_t)r[2] << 32 | (uint64_t)r[3] << 48;
    x ^= (uint64_t)(b + 1) * 0x9e3779b97f4a7c15ULL;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

/* ---- tables ------------------------------------------------------------------- */

/* pos (may be NULL): the home slots of the post's bands, as the lookup just
 * before found them in these same tables (saves hashing every band again) */
static void band_insert(gg_dedup *d, uint32_t idx, const size_t *pos)
{
    const uint16_t *sig = d->sigs + (size_t)idx * d->k;
    size_t mask = d->bslots - 1;
    for (int b = 0; b < d->bands; b++) {
        size_t s = pos ? pos[b] : (size_t)band_hash(d, sig, b) & mask;
        while (d->band[b][s] != EMPTY)
            s = (s + 1) & mask;
        d->band[b][s] = idx;
    }
}

/* bytes of memory, on 2 MiB pages where the kernel offers them when it is
 * 4 MiB or more (the index of a large input is tens of MiB, written at
 * once: as 4 KiB pages that was a page fault and a zeroed page per 4 KiB).
 * Not zeroed. Freed and reallocated like any malloc block. */
static void *big_alloc(size_t bytes)
{
    size_t huge = (size_t)2 << 20;
    void *p = NULL;
    if (bytes < 2 * huge || posix_memalign(&p, huge, (bytes + huge - 1) / huge * huge) != 0)
        return gg_malloc(bytes);
#ifdef MADV_HUGEPAGE
    madvise(p, (bytes + huge - 1) / huge * huge, MADV_HUGEPAGE); /* a hint: failure is fine */
#endif
    return p;
}

static void bands_alloc(gg_dedup *d, size_t slots)
{
    d->bslots = slots;
    /* the bands in one block: band[0] owns it */
    gg_free(d->band[0]);
    uint32_t *all = big_alloc((size_t)d->bands * slots * sizeof(uint32_t));
    memset(all, 0xff, (size_t)d->bands * slots * sizeof(uint32_t));
    for (int b = 0; b < d->bands; b++)
        d->band[b] = all + (size_t)b * slots;
    for (size_t i = 0; i < d->n; i++)
        band_insert(d, (uint32_t)i, NULL);
}

static exact_slot *exact_find(const gg_dedup *d, uint64_t h)
{
    size_t mask = d->exslots - 1, s = (size_t)h & mask;
    while (d->ex[s].h != 0 && d->ex[s].h != h)
        s = (s + 1) & mask;
    return &d->ex[s];
}

static void exact_put(gg_dedup *d, uint64_t h, int64_t id, float sim)
{
    if ((d->excount + 1) * 2 > d->exslots) {
        exact_slot *old = d->ex;
        size_t oldn = d->exslots;
        d->exslots *= 2;
        d->ex = gg_calloc(d->exslots, sizeof *d->ex);
        for (size_t i = 0; i < oldn; i++)
            if (old[i].h)
                *exact_find(d, old[i].h) = old[i];
        gg_free(old);
    }
    exact_slot *e = exact_find(d, h);
    if (e->h == 0) {
        e->h = h;
        e->id = id;
        e->sim = sim;
        d->excount++;
    }
}

static size_t pow2_at_least(size_t n)
{
    size_t p = 64;
    while (p < n)
        p *= 2;
    return p;
}

gg_dedup *gg_dedup_new(const gg_dedup_opts *opts)
{
    gg_dedup_opts o = {0};
    if (opts)
        o = *opts;
    gg_dedup *d = gg_calloc(1, sizeof *d);
    d->threshold = o.threshold > 0 && o.threshold <= 1 ? o.threshold : 0.6;
    d->k = o.num_hashes >= 8 && o.num_hashes <= MAX_HASHES ? o.num_hashes : 64;
    d->rows = o.band_rows > 0 && o.band_rows <= d->k ? o.band_rows : 4;
    d->bands = d->k / d->rows;
    d->min_words = o.min_words > 0 ? o.min_words : 6;
    d->short_threshold = o.short_threshold > 0 && o.short_threshold <= 1 ? o.short_threshold : 0.8;
    d->index_skip = o.index_skip > 0 && o.index_skip <= 1 ? o.index_skip : 0.9;
    /* fixed seeds: signatures are reproducible across runs and machines */
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int j = 0; j < MAX_HASHES; j++) {
        x += 0x9e3779b97f4a7c15ULL;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        d->seeds[j] = (uint32_t)(z ^ (z >> 31));
    }
    size_t expected = o.expected ? o.expected : 1024;
    d->cap = expected;
    d->ids = gg_malloc(d->cap * sizeof *d->ids);
    d->stamp = gg_calloc(d->cap, sizeof *d->stamp);
    d->sigs = big_alloc(d->cap * (size_t)d->k * sizeof *d->sigs);
    d->band = gg_calloc((size_t)d->bands, sizeof *d->band);
    bands_alloc(d, pow2_at_least(expected * 2));
    d->exslots = pow2_at_least(expected * 2);
    d->ex = big_alloc(d->exslots * sizeof *d->ex);
    memset(d->ex, 0, d->exslots * sizeof *d->ex);
    return d;
}

void gg_dedup_free(gg_dedup *d)
{
    if (d == NULL)
        return;
    gg_free(d->band[0]); /* one block for every band */
    gg_free(d->band);
    gg_free(d->ids);
    gg_free(d->stamp);
    gg_free(d->sigs);
    gg_free(d->ex);
    gg_free(d);
}

/* Earliest indexed post at or above the threshold (or -1) and its similarity;
 * *best gets the best similarity seen. */
static int64_t lookup(const gg_dedup *d, const uint16_t *sig, const gg_dedup_hint *hint,
                      size_t *pos, double threshold, double *sim_hit, double *best,
                      uint32_t *stamp, uint32_t gen)
{
    size_t mask = d->bslots - 1;
    uint32_t hit = EMPTY;
    /* the prefetch's home slots, while the tables keep the size they were taken at */
    const uint32_t *home = hint && hint->bslots == d->bslots ? hint->pos : NULL;
    int hinted = home ? (d->bands < 64 ? d->bands : 64) : 0;
    *sim_hit = 0;
    *best = 0;
    for (int b = 0; b < d->bands; b++) {
        const uint16_t *key = sig + (size_t)b * d->rows;
        size_t s = b < hinted ? home[b] : (size_t)band_hash(d, sig, b) & mask;
        if (pos)
            pos[b] = s;
        int same = 0;
        for (int probe = 0; d->band[b][s] != EMPTY && probe < MAX_PROBE; probe++, s = (s + 1) & mask) {
            uint32_t idx = d->band[b][s];
            const uint16_t *other = d->sigs + (size_t)idx * d->k;
            /* the shipped four rows per band: an 8-byte compare the compiler
             * inlines (a memcmp call per probed slot cost more than the rest) */
            if (d->rows == 4 ? memcmp(other + (size_t)b * 4, key, 4 * sizeof *key) != 0
                             : memcmp(other + (size_t)b * d->rows, key,
                                      (size_t)d->rows * sizeof *key) != 0)
                continue;
            if (++same > MAX_SAME)
                break;
            if (hit != EMPTY && idx >= hit)
                continue; /* an earlier hit is already known */
            if (stamp) {
                if (stamp[idx] == gen)
                    continue; /* compared in an earlier band: same answer */
                stamp[idx] = gen;
            }
            double sim = sig_sim(d, sig, other);
            if (sim > *best)
                *best = sim;
            if (sim >= threshold) {
                hit = idx;
                *sim_hit = sim;
            }
        }
    }
    return hit == EMPTY ? -1 : d->ids[hit];
}

int64_t gg_dedup_query(const gg_dedup *d, const char *norm, size_t len, double *sim_out)
{
    uint32_t sig[MAX_HASHES];
    uint16_t s16[MAX_HASHES];
    uint64_t h;
    double sim = 0, best = 0;
    int64_t r = -1;
    int kind = signature(d, norm, len, sig, &h);
    if (!kind)
        goto done;
    const exact_slot *e = exact_find(d, h);
    if (e->h == h) {
        r = e->id;
        sim = e->sim;
        goto done;
    }
    narrow(d, sig, s16);
    r = lookup(d, s16, NULL, NULL, kind == 2 ? d->short_threshold : d->threshold, &sim, &best,
               NULL, 0);
    if (r < 0)
        sim = best;
done:
    if (sim_out)
        *sim_out = sim;
    return r;
}

void gg_dedup_prefetch_bands(const gg_dedup *d, const uint32_t *sig, uint64_t exact,
                             gg_dedup_hint *h)
{
    size_t mask = d->bslots - 1;
    uint16_t s16[MAX_HASHES];
    narrow(d, sig, s16);
    __builtin_prefetch(&d->ex[(size_t)exact & (d->exslots - 1)]);
    h->bslots = d->bslots > UINT32_MAX ? 0 : d->bslots; /* slots must fit pos */
    for (int b = 0; b < d->bands && b < 64; b++) {
        size_t s = (size_t)band_hash(d, s16, b) & mask;
        h->pos[b] = (uint32_t)s;
        __builtin_prefetch(&d->band[b][s]);
    }
}

void gg_dedup_prefetch_cands(const gg_dedup *d, const gg_dedup_hint *h)
{
    size_t mask = d->bslots - 1;
    for (int b = 0; b < d->bands && b < 64; b++) {
        uint32_t idx = d->band[b][h->pos[b] & mask];
        if (idx != EMPTY && idx < d->n)
            __builtin_prefetch(d->sigs + (size_t)idx * d->k + (size_t)b * d->rows);
    }
}

int gg_dedup_hashes(const gg_dedup *d)
{
    return d->k;
}

int gg_dedup_sign(const gg_dedup *d, const char *norm, size_t len, uint32_t *sig, uint64_t *exact)
{
    *exact = 0;
    return signature(d, norm, len, sig, exact);
}

int64_t gg_dedup_add(gg_dedup *d, int64_t id, const char *norm, size_t len, double *sim_out)
{
    uint32_t sig[MAX_HASHES];
    uint64_t h = 0;
    int kind = signature(d, norm, len, sig, &h);
    return gg_dedup_add_signed(d, id, kind, sig, h, sim_out);
}

int64_t gg_dedup_add_signed(gg_dedup *d, int64_t id, int kind, const uint32_t *sig,
                            uint64_t exact, double *sim_out)
{
    return gg_dedup_add_hinted(d, id, kind, sig, exact, NULL, sim_out);
}

int64_t gg_dedup_add_hinted(gg_dedup *d, int64_t id, int kind, const uint32_t *sig, uint64_t exact,
                            const gg_dedup_hint *hint, double *sim_out)
{
    assert(id >= 0);
    double sim = 0, best = 0;
    int64_t r = -1;
    uint16_t s16[MAX_HASHES];
    size_t pos[MAX_HASHES]; /* the post's band home slots (bands <= k) */
    if (!kind)
        goto done;
    d->st.added++;
    const exact_slot *e = exact_find(d, exact);
    if (e->h == exact) {
        /* an exact copy answers what its first copy answered */
        r = e->id;
        sim = e->sim;
        d->st.exact++;
        goto done;
    }
    if (++d->gen == 0) { /* wrapped: forget every stamp once */
        memset(d->stamp, 0, d->cap * sizeof *d->stamp);
        d->gen = 1;
    }
    narrow(d, sig, s16);
    r = lookup(d, s16, hint, pos, kind == 2 ? d->short_threshold : d->threshold, &sim, &best,
               d->stamp, d->gen);
    if (r >= 0)
        d->st.near++;
    else
        sim = best;
    exact_put(d, exact, r >= 0 ? r : id, r >= 0 ? (float)sim : 1.0f);
    if (r >= 0 && best >= d->index_skip)
        goto done;
    /* index the post */
    if (d->n == d->cap) {
        d->cap *= 2;
        d->ids = gg_realloc(d->ids, d->cap * sizeof *d->ids);
        d->stamp = gg_realloc(d->stamp, d->cap * sizeof *d->stamp);
        memset(d->stamp + d->cap / 2, 0, d->cap / 2 * sizeof *d->stamp);
        d->sigs = gg_realloc(d->sigs, d->cap * (size_t)d->k * sizeof *d->sigs);
    }
    assert(d->n < EMPTY);
    d->ids[d->n] = id;
    memcpy(d->sigs + d->n * (size_t)d->k, s16, (size_t)d->k * sizeof *s16);
    d->n++;
    if (d->n * 2 > d->bslots)
        bands_alloc(d, d->bslots * 2); /* re-inserts every post, the new one too */
    else
        band_insert(d, (uint32_t)(d->n - 1), pos);
    d->st.indexed = d->n;
done:
    if (sim_out)
        *sim_out = sim;
    return r;
}

double gg_dedup_similarity(const gg_dedup *d, const char *a, size_t alen, const char *b, size_t blen)
{
    uint32_t sa[MAX_HASHES], sb[MAX_HASHES];
    uint16_t na[MAX_HASHES], nb[MAX_HASHES];
    uint64_t ha, hb;
    if (!signature(d, a, alen, sa, &ha) || !signature(d, b, blen, sb, &hb))
        return 0;
    narrow(d, sa, na);
    narrow(d, sb, nb);
    return ha == hb ? 1.0 : sig_sim(d, na, nb);
}

void gg_dedup_stats_get(const gg_dedup *d, gg_dedup_stats *out)
{
    *out = d->st;
    out->indexed = d->n;
    out->bytes = sizeof *d + d->cap * (sizeof *d->ids + sizeof *d->stamp) +
                 d->cap * (size_t)d->k * sizeof *d->sigs +
                 (size_t)d->bands * (sizeof *d->band + d->bslots * sizeof(uint32_t)) +
                 d->exslots * sizeof *d->ex;
}
