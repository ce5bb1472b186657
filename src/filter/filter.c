/*
 * filter.c — loads the heads and scores posts (filter layer). Stage 1 heads
 * read only the hashed text features; stage 2 heads (topics, kind,
 * constructive) read the same features plus the extras: lexicon counts and
 * the stage 1 probabilities. Since models are linear, the extras are simply
 * appended to the feature vector after stage 1 has run.
 */
#include "filter/filter.h"
#include "core/alloc.h"
#include "core/err.h"
#include "text/text.h"
#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

const char *const gg_filter_topics[GG_FILTER_NTOPIC] = {
    "pendidikan", "kesehatan", "ekonomi", "ketenagakerjaan", "infrastruktur", "pertanian",
    "lingkungan", "hukum",     "sosial",  "layanan-publik",  "digital",       "lainnya"};
const char *const gg_filter_kinds[GG_FILTER_NKIND] = {
    "gagasan", "keluhan", "pertanyaan", "dukungan", "kritik", "spam", "kasar", "lainnya"};
const char *const gg_filter_langs[GG_FILTER_NLANG] = {
    "ind", "eng", "jav", "sun", "min", "ban", "bug", "ace", "bjn", "mad", "nij", "bbc"};
const char *const gg_filter_sentiments[3] = {"positive", "neutral", "negative"};
const char *const gg_filter_hatex[GG_FILTER_NHATEX] = {
    "individual", "group", "religion", "race", "physical", "gender", "other"};

static const char *const head_names[GG_HEAD_COUNT] = {
    "lang", "sentiment", "abusive", "hate", "hate-detail", "spam", "topics", "kind",
    "constructive"};

/* Prediction reads one combined matrix instead of nine: row f holds the
 * weights of hashed feature f for every column of every head, as int16
 * with a scale per column. A post's few hundred features then cost a few
 * hundred cache misses of 96 bytes, not nine times as many of 4 bytes, and
 * the matrix (2^18 x 96 B = 24 MB) is a quarter of the float copies. The
 * extra slots (lexicon, stacked scores) stay in the per-model float rows
 * (wx). gg_filter_open builds the matrix from the files' non-zero rows and
 * keeps lean heads (no dense float array): their hashed weights exist only
 * here. Heads set with gg_filter_set are dense. */
struct gg_filter {
    gg_filter_model *m[GG_HEAD_COUNT];
    gg_filter_lex *topic_lex;
    gg_filter_lex *kind_lex;
    int16_t *cw;                  /* [2^bits][GG_FILTER_MAXCOL] */
    size_t cw_mapped;             /* bytes of cw's own mapping, 0: cw is from calloc */
    float cscale[GG_FILTER_MAXCOL];
    float cbias[GG_FILTER_MAXCOL];
    int col0[GG_HEAD_COUNT];      /* first column of each head, -1 when absent */
    unsigned cbits;
    uint64_t cgen;                /* names this build of cw (scratch psums follow it) */
};

/* every build of a combined matrix gets a number never used before */
static _Atomic uint64_t matrix_builds;

/* lrintf without the call: to nearest, ties to even (the default rounding
 * mode, which lrintf follows too), so the matrix is the same bit for bit. */
static inline int round_even(float x)
{
#if defined(__SSE2__)
    return _mm_cvtss_si32(_mm_set_ss(x));
#else
    return (int)lrintf(x);
#endif
}

/* The combined matrix, zeroed, on 2 MiB pages where the kernel offers them:
 * every post reads a few hundred random rows of it, and with 4 KiB pages
 * nearly each read also missed the TLB (24 MiB is 6,000 pages, 12 huge
 * ones). An anonymous mapping of its own (*mapped: its length) comes
 * zeroed from the kernel, so the rows and columns no head has are never
 * written; calloc when mapping fails (*mapped 0). */
static int16_t *matrix_alloc(size_t bytes, size_t *mapped)
{
    size_t huge = (size_t)2 << 20, len = (bytes + huge - 1) / huge * huge;
    /* one huge page more, to start the matrix on a 2 MiB boundary */
    char *p = mmap(NULL, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *mapped = 0;
    if (p == MAP_FAILED)
        return gg_calloc(bytes, 1);
    char *a = (char *)(((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1));
    if (a > p)
        munmap(p, (size_t)(a - p));
    if (a + len < p + len + huge)
        munmap(a + len, (size_t)(p + len + huge - (a + len)));
#ifdef MADV_HUGEPAGE
    madvise(a, len, MADV_HUGEPAGE); /* a hint: failure is fine */
#endif
    *mapped = len;
    return (int16_t *)(void *)a;
}

static void matrix_free(int16_t *cw, size_t mapped)
{
    if (mapped)
        munmap(cw, mapped);
    else
        gg_free(cw);
}

/* The largest |w| of every column of m over its first nrow rows into mx.
 * The weights are feature-major (w[r * nc + c]): over the flat array the
 * column of element j is j % nc, so with P = lcm(nc, 4) floats per period
 * each lane of each of the P / 4 accumulators always meets one column.
 * nrow is a power of two of at least 256, so the array is whole periods. */
static void column_max(const gg_filter_model *m, size_t nrow, float *mx)
{
    size_t nc = (size_t)m->ncol, n = nrow * nc;
    const float *w = m->w;
#if defined(__SSE2__)
    size_t per = nc % 4 == 0 ? nc : nc % 2 == 0 ? nc * 2 : nc * 4; /* lcm(nc, 4) */
    size_t nv = per / 4;
    if (nv <= GG_FILTER_MAXCOL && n % per == 0) {
        __m128 acc[GG_FILTER_MAXCOL];
        const __m128 abs = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
        for (size_t v = 0; v < nv; v++)
            acc[v] = _mm_setzero_ps();
        for (size_t j = 0; j < n; j += per)
            for (size_t v = 0; v < nv; v++)
                acc[v] = _mm_max_ps(acc[v], _mm_and_ps(abs, _mm_loadu_ps(w + j + 4 * v)));
        float lane[4 * GG_FILTER_MAXCOL];
        for (size_t v = 0; v < nv; v++)
            _mm_storeu_ps(lane + 4 * v, acc[v]);
        for (size_t c = 0; c < nc; c++)
            mx[c] = 0;
        for (size_t j = 0; j < per; j++)
            if (lane[j] > mx[j % nc])
                mx[j % nc] = lane[j];
        return;
    }
#endif
    for (size_t c = 0; c < nc; c++)
        mx[c] = 0;
    for (size_t r = 0; r < nrow; r++)
        for (size_t c = 0; c < nc; c++) {
            float a = fabsf(w[r * nc + c]);
            if (a > mx[c])
                mx[c] = a;
        }
}

/* Rows [r0, r1) of a head of nc columns (w: its weights, nc per row) into
 * the matrix at o (its first column), scaled by iv[c], rounded to nearest
 * (ties to even) and narrowed, four columns a step where they fit. */
static inline __attribute__((always_inline)) void conv_rows(const float *w, int16_t *o,
                                                           const float *iv, size_t r0, size_t r1,
                                                           size_t nc)
{
    for (size_t r = r0; r < r1; r++) {
        const float *src = w + r * nc;
        int16_t *dst = o + r * GG_FILTER_MAXCOL;
        size_t c = 0;
#if defined(__SSE2__)
        for (; c + 4 <= nc; c += 4) {
            __m128i q = _mm_cvtps_epi32(_mm_mul_ps(_mm_loadu_ps(src + c), _mm_loadu_ps(iv + c)));
            /* |value| <= 32767 by the scale: the saturation never acts */
            _mm_storel_epi64((__m128i *)(dst + c), _mm_packs_epi32(q, q));
        }
#endif
        for (; c < nc; c++)
            dst[c] = (int16_t)round_even(src[c] * iv[c]);
    }
}

/* The same for a head's rows as its file holds them (gg_filter_glm): from
 * record j of n on, every record whose feature is below r1 into its row of
 * the matrix; returns the first record not written. The records are
 * unaligned (u32 feature, nc f32), hence the unaligned loads and memcpy. */
static inline __attribute__((always_inline)) size_t conv_recs(const unsigned char *rows, size_t j,
                                                             size_t n, size_t r1, int16_t *o,
                                                             const float *iv, size_t nc)
{
    const size_t rec = 4 + 4 * nc;
    const unsigned char *p = rows + j * rec;
#if defined(__SSE2__)
    /* the scales in registers (nc <= GG_FILTER_MAXCOL: it has columns) */
    __m128 ivv[GG_FILTER_MAXCOL / 4];
#pragma GCC unroll 12
    for (size_t c = 0; c + 4 <= nc; c += 4)
        ivv[c / 4] = _mm_loadu_ps(iv + c);
#endif
    for (; j < n; j++, p += rec) {
        uint32_t r;
        memcpy(&r, p, 4);
        if (r >= r1)
            break;
        const unsigned char *src = p + 4;
        int16_t *dst = o + (size_t)r * GG_FILTER_MAXCOL;
        size_t c = 0;
#if defined(__SSE2__)
        /* -O2 leaves loops of a constant few steps rolled: unroll them */
#pragma GCC unroll 12
        for (; c + 4 <= nc; c += 4) {
            __m128 x = _mm_loadu_ps((const float *)(const void *)(src + 4 * c));
            __m128i q = _mm_cvtps_epi32(_mm_mul_ps(x, ivv[c / 4]));
            _mm_storel_epi64((__m128i *)(void *)(dst + c), _mm_packs_epi32(q, q));
        }
#endif
#pragma GCC unroll 4
        for (; c < nc; c++) {
            float x;
            memcpy(&x, src + 4 * c, 4);
            dst[c] = (int16_t)round_even(x * iv[c]);
        }
    }
    return j;
}

/* (Re)build the combined matrix from the loaded heads. A head's hashed
 * rows come from one of three places: g[h], its file's non-zero rows
 * (gg_filter_open; g is NULL otherwise); its dense floats (m->w); or, for a
 * lean head when gg_filter_set replaces another one, its columns of the
 * previous matrix, copied as they are (same scale, same int16 values). It
 * runs at every start (2^18 rows x 46 columns): the maxima of the file's
 * rows come with the file (gg_filter_glm.amax), those of a dense head four
 * floats at a time, and each head's rows are scaled, rounded and narrowed
 * four columns a step: the same rounding (to nearest, ties to even) and the
 * same int16 values as one lrintf each, whichever the source. */
static void combine(gg_filter *f, const gg_filter_glm *g)
{
    unsigned bits = 0;
    int k = 0;
    int16_t *old = f->cw;
    size_t old_mapped = f->cw_mapped;
    int old_col0[GG_HEAD_COUNT];
    float old_scale[GG_FILTER_MAXCOL];
    memcpy(old_col0, f->col0, sizeof old_col0);
    memcpy(old_scale, f->cscale, sizeof old_scale);
    for (int h = 0; h < GG_HEAD_COUNT; h++)
        f->col0[h] = -1;
    /* lean heads first: they had columns, so they still fit (a lean head
     * left out could not be scored at all); then the dense ones */
    for (int pass = 0; pass < 2; pass++)
        for (int h = 0; h < GG_HEAD_COUNT; h++) {
            const gg_filter_model *m = f->m[h];
            if (!m || (pass == 0) != (m->w == NULL) || k + m->ncol > GG_FILTER_MAXCOL)
                continue;
            if (bits && m->bits != bits)
                continue; /* gg_filter_open refuses mixed widths */
            bits = m->bits;
            f->col0[h] = k;
            k += m->ncol;
        }
    f->cw = NULL;
    f->cw_mapped = 0;
    f->cbits = bits;
    f->cgen = atomic_fetch_add(&matrix_builds, 1) + 1;
    memset(f->cscale, 0, sizeof f->cscale);
    memset(f->cbias, 0, sizeof f->cbias);
    if (!bits)
        goto done;
    size_t nrow = (size_t)1 << bits;
    f->cw = matrix_alloc(nrow * GG_FILTER_MAXCOL * sizeof *f->cw, &f->cw_mapped);
    float inv[GG_FILTER_MAXCOL] = {0};
    for (int h = 0; h < GG_HEAD_COUNT; h++) {
        const gg_filter_model *m = f->m[h];
        if (f->col0[h] < 0)
            continue;
        size_t nc = (size_t)m->ncol, c0 = (size_t)f->col0[h];
        float mx[GG_FILTER_MAXCOL];
        if (g && g[h].map) {
            memcpy(mx, g[h].amax, nc * sizeof *mx);
        } else if (m->w) {
            column_max(m, nrow, mx);
        } else { /* lean, from the previous matrix: its scales */
            for (size_t c = 0; c < nc; c++) {
                f->cscale[c0 + c] = old_scale[(size_t)old_col0[h] + c];
                f->cbias[c0 + c] = m->b[c];
            }
            continue;
        }
        for (size_t c = 0; c < nc; c++) {
            float sc = mx[c] > 0 ? mx[c] / 32767.0f : 1.0f;
            f->cscale[c0 + c] = sc;
            f->cbias[c0 + c] = m->b[c];
            inv[c0 + c] = 1.0f / sc;
        }
    }
    /* head by head into blocks of rows (a block of the matrix stays in L1
     * while every head writes its columns); the zeroed mapping already
     * holds the rows a file lacks and the columns no head has */
    const size_t blk = 256;
    size_t next[GG_HEAD_COUNT] = {0}; /* each file's first record not written */
    for (size_t r0 = 0; r0 < nrow; r0 += blk) {
        size_t r1 = r0 + blk < nrow ? r0 + blk : nrow;
        for (int h = 0; h < GG_HEAD_COUNT; h++) {
            if (f->col0[h] < 0)
                continue;
            size_t nc = (size_t)f->m[h]->ncol, c0 = (size_t)f->col0[h];
            int16_t *o = f->cw + c0;
            if (g && g[h].map) {
                const unsigned char *rows = g[h].rows;
                size_t j = next[h], n = g[h].nrow;
                const float *iv = inv + c0;
                /* the shipped widths with nc a constant: the loops unroll */
                switch (nc) {
                case 1: j = conv_recs(rows, j, n, r1, o, iv, 1); break;
                case 3: j = conv_recs(rows, j, n, r1, o, iv, 3); break;
                case 7: j = conv_recs(rows, j, n, r1, o, iv, 7); break;
                case 8: j = conv_recs(rows, j, n, r1, o, iv, 8); break;
                case 12: j = conv_recs(rows, j, n, r1, o, iv, 12); break;
                default: j = conv_recs(rows, j, n, r1, o, iv, nc); break;
                }
                next[h] = j;
                continue;
            }
            const float *w = f->m[h]->w;
            if (!w) {
                const int16_t *from = old + old_col0[h];
                for (size_t r = r0; r < r1; r++)
                    memcpy(o + r * GG_FILTER_MAXCOL, from + r * GG_FILTER_MAXCOL,
                           nc * sizeof *o);
                continue;
            }
            switch (nc) {
            case 1: conv_rows(w, o, inv + c0, r0, r1, 1); break;
            case 3: conv_rows(w, o, inv + c0, r0, r1, 3); break;
            case 7: conv_rows(w, o, inv + c0, r0, r1, 7); break;
            case 8: conv_rows(w, o, inv + c0, r0, r1, 8); break;
            case 12: conv_rows(w, o, inv + c0, r0, r1, 12); break;
            default: conv_rows(w, o, inv + c0, r0, r1, nc); break;
            }
        }
    }
done:
    matrix_free(old, old_mapped);
}

#if defined(__x86_64__) && defined(__GNUC__)
/* The same sums with AVX2: eight columns per step, sign extension and
 * conversion in two instructions; the multiply and the add stay separate
 * (no FMA), so every column gets the same float as the SSE2 loop. */
_Static_assert(GG_FILTER_MAXCOL == 48, "logits_avx2 has six accumulators of eight columns");
__attribute__((target("avx2"))) static void logits_avx2(const gg_filter *f, const uint32_t *idx,
                                                        const float *val, size_t nhashed, float *sum)
{
    /* every hashed index is below 2^cbits: the features were built with the
     * models' width (gg_filter_features), so no bound check per feature; the
     * rows eight features ahead are prefetched, then the last eight run */
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    for (size_t i = 0; i < nhashed; i++) {
        if (i + 8 < nhashed) {
            const char *pf = (const char *)(f->cw + (size_t)idx[i + 8] * GG_FILTER_MAXCOL);
            _mm_prefetch(pf, _MM_HINT_T0);
            _mm_prefetch(pf + 64, _MM_HINT_T0);
        }
        const __m128i *w = (const __m128i *)(f->cw + (size_t)idx[i] * GG_FILTER_MAXCOL);
        __m256 v = _mm256_set1_ps(val[i]);
#define GG_COL8(acc, k)                                                                            \
    acc = _mm256_add_ps(acc, _mm256_mul_ps(v, _mm256_cvtepi32_ps(_mm256_cvtepi16_epi32(          \
                                                  _mm_loadu_si128(w + (k))))))
        GG_COL8(a0, 0);
        GG_COL8(a1, 1);
        GG_COL8(a2, 2);
        GG_COL8(a3, 3);
        GG_COL8(a4, 4);
        GG_COL8(a5, 5);
#undef GG_COL8
    }
    _mm256_storeu_ps(sum, a0);
    _mm256_storeu_ps(sum + 8, a1);
    _mm256_storeu_ps(sum + 16, a2);
    _mm256_storeu_ps(sum + 24, a3);
    _mm256_storeu_ps(sum + 32, a4);
    _mm256_storeu_ps(sum + 40, a5);
}
#endif

/* sum[col] = the sum over n features (idx, val) of value * weight. The
 * rows are random reads: prefetch a few features ahead, and convert the
 * int16 weights eight at a time (SSE2, every x86-64 has it; AVX2 where the
 * CPU has it). */
static void rows_sum(const gg_filter *f, const uint32_t *idx, const float *val, size_t n,
                     float *sum)
{
    size_t lim = (size_t)1 << f->cbits;
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2")) {
        logits_avx2(f, idx, val, n, sum);
        return;
    }
#endif
#if defined(__SSE2__)
    __m128 a[GG_FILTER_MAXCOL / 4];
    for (int k = 0; k < GG_FILTER_MAXCOL / 4; k++)
        a[k] = _mm_setzero_ps();
    for (size_t i = 0; i < n; i++) {
        if (i + 8 < n && idx[i + 8] < lim) {
            const char *pf = (const char *)(f->cw + (size_t)idx[i + 8] * GG_FILTER_MAXCOL);
            _mm_prefetch(pf, _MM_HINT_T0);
            _mm_prefetch(pf + 64, _MM_HINT_T0);
        }
        if (idx[i] >= lim)
            continue;
        const __m128i *w = (const __m128i *)(f->cw + (size_t)idx[i] * GG_FILTER_MAXCOL);
        __m128 v = _mm_set1_ps(val[i]);
        for (int k = 0; k < GG_FILTER_MAXCOL / 8; k++) {
            __m128i x = _mm_loadu_si128(w + k);
            /* sign-extend 8 x int16 to two 4 x int32 */
            __m128i lo = _mm_srai_epi32(_mm_unpacklo_epi16(x, x), 16);
            __m128i hi = _mm_srai_epi32(_mm_unpackhi_epi16(x, x), 16);
            a[2 * k] = _mm_add_ps(a[2 * k], _mm_mul_ps(v, _mm_cvtepi32_ps(lo)));
            a[2 * k + 1] = _mm_add_ps(a[2 * k + 1], _mm_mul_ps(v, _mm_cvtepi32_ps(hi)));
        }
    }
    for (int k = 0; k < GG_FILTER_MAXCOL / 4; k++)
        _mm_storeu_ps(sum + 4 * k, a[k]);
#else
    memset(sum, 0, GG_FILTER_MAXCOL * sizeof *sum);
    for (size_t i = 0; i < n; i++) {
        if (idx[i] >= lim)
            continue;
        const int16_t *w = f->cw + (size_t)idx[i] * GG_FILTER_MAXCOL;
        float v = val[i];
        for (int c = 0; c < GG_FILTER_MAXCOL; c++)
            sum[c] += v * (float)w[c];
    }
#endif
}

/* acc += row of the combined matrix, in int32 (exact) */
__attribute__((target_clones("avx2", "default"))) static void add_row(int32_t *restrict acc,
                                                                      const int16_t *restrict w)
{
    for (int c = 0; c < GG_FILTER_MAXCOL; c++)
        acc[c] += w[c];
}

__attribute__((target_clones("avx2", "default"))) static void sub_row(int32_t *restrict acc,
                                                                      const int16_t *restrict w)
{
    for (int c = 0; c < GG_FILTER_MAXCOL; c++)
        acc[c] -= w[c];
}

__attribute__((target_clones("avx2", "default"))) static void add_i32(int32_t *restrict acc,
                                                                      const int32_t *restrict p)
{
    for (int c = 0; c < GG_FILTER_MAXCOL; c++)
        acc[c] += p[c];
}

/* The character block's sums, by words. A feature's value there is
 * tf(count) * cinv (feat.c), so the block sums to cinv * (the weights of
 * every n-gram occurrence + for each feature counted more than once,
 * (tf(count) - count) * its weights). The occurrences' part is a sum of
 * int16 weights, exact in int32 whatever the order: per word memo slot it
 * is summed once and kept in the scratch (s->psum) for the next texts with
 * the word, so a post reads one row per word, not one per n-gram; the
 * n-grams of long words and of slots a later word took come as xkey. */
static void char_sums(const gg_filter *f, gg_filter_scratch *s, float *sum)
{
    const gg_filter_fv *fv = &s->fv;
    int32_t isum[GG_FILTER_MAXCOL] = {0};
    float corr[GG_FILTER_MAXCOL];
    if (!s->psum) {
        s->psum = gg_malloc((size_t)GG_FILTER_WMEMO_SLOTS * GG_FILTER_MAXCOL * sizeof *s->psum);
        s->psum_ver = gg_calloc(GG_FILTER_WMEMO_SLOTS, sizeof *s->psum_ver);
        s->psum_gen = f->cgen;
    }
    if (s->psum_gen != f->cgen) { /* another matrix: every kept sum is stale */
        memset(s->psum_ver, 0, GG_FILTER_WMEMO_SLOTS * sizeof *s->psum_ver);
        s->psum_gen = f->cgen;
    }
    for (size_t t = 0; t < fv->ntok; t++) {
        int32_t slot = fv->tok_memo[t];
        if (slot < 0)
            continue;
        const struct gg_filter_wmemo *me = &fv->memo[slot];
        if (me->ver != fv->tok_ver[t])
            continue;
        int32_t *p = s->psum + (size_t)slot * GG_FILTER_MAXCOL;
        if (s->psum_ver[slot] != me->ver) {
            memset(p, 0, GG_FILTER_MAXCOL * sizeof *p);
            for (unsigned i = 0; i < me->nkeys; i++)
                add_row(p, f->cw + (size_t)me->keys[i] * GG_FILTER_MAXCOL);
            s->psum_ver[slot] = me->ver;
        }
        add_i32(isum, p);
    }
    for (size_t i = 0; i < fv->nxkey; i++)
        add_row(isum, f->cw + (size_t)fv->xkey[i] * GG_FILTER_MAXCOL);
    for (size_t i = 0; i < fv->nxneg; i++)
        sub_row(isum, f->cw + (size_t)fv->xneg[i] * GG_FILTER_MAXCOL);
    rows_sum(f, fv->rep, fv->rep_d, fv->nrep, corr);
    for (int c = 0; c < GG_FILTER_MAXCOL; c++)
        sum[c] = (float)((double)fv->cinv * ((double)isum[c] + (double)corr[c]));
}

/* acc[col] = bias + the sum over the hashed features of value * weight:
 * the word block feature by feature, the character block by words. */
static void combined_logits(const gg_filter *f, gg_filter_scratch *s, float *acc)
{
    const gg_filter_fv *fv = &s->fv;
    float wsum[GG_FILTER_MAXCOL], csum[GG_FILTER_MAXCOL];
    if (!f->cw) { /* no head: only the (zero) biases */
        memcpy(acc, f->cbias, sizeof f->cbias);
        return;
    }
    /* the words' sums (mostly outside L2) load while the word block runs */
    if (s->psum && s->psum_gen == f->cgen)
        for (size_t t = 0; t < fv->ntok; t++)
            if (fv->tok_memo[t] >= 0) {
                const char *pp = (const char *)(s->psum + (size_t)fv->tok_memo[t] * GG_FILTER_MAXCOL);
                __builtin_prefetch(pp);
                __builtin_prefetch(pp + 64);
                __builtin_prefetch(pp + 128);
            }
    rows_sum(f, fv->idx, fv->val, fv->nword, wsum);
    char_sums(f, s, csum);
    for (int c = 0; c < GG_FILTER_MAXCOL; c++)
        acc[c] = f->cbias[c] + (wsum[c] + csum[c]) * f->cscale[c];
}

/* Head h's logits plus the extra slots of fv from index `from` on (stage 2),
 * added into its columns at z (which hold the combined logits). */
static void add_extras(const gg_filter *f, const gg_filter_fv *fv, size_t from, gg_filter_head h,
                       float *z)
{
    const gg_filter_model *m = f->m[h];
    size_t nc = (size_t)m->ncol;
    size_t lim = (size_t)1 << f->cbits;
    for (size_t i = from; i < fv->n; i++) {
        if (fv->idx[i] < lim)
            continue;
        const float *w = m->wx + (size_t)(fv->idx[i] - lim) * nc;
        size_t c = 0;
#if defined(__SSE2__)
        /* four columns a step: each column still gets p + v * w, the
         * multiply and the add apart, so the same floats */
        __m128 v = _mm_set1_ps(fv->val[i]);
        for (; c + 4 <= nc; c += 4)
            _mm_storeu_ps(z + c, _mm_add_ps(_mm_loadu_ps(z + c), _mm_mul_ps(v, _mm_loadu_ps(w + c))));
#endif
        for (; c < nc; c++)
            z[c] += fv->val[i] * w[c];
    }
}

/* The sigmoid of the columns of heads hs[0..nh) in z: every column at once
 * with vector instructions where the CPU has them (the same floats as
 * expf), else head by head. */
static void sigmoid_cols(const gg_filter *f, float *z, const gg_filter_head *hs, int nh)
{
    if (gg_filter__sigmoid_vec(z, GG_FILTER_MAXCOL))
        return;
    for (int k = 0; k < nh; k++) {
        int c0 = f->col0[hs[k]];
        if (c0 < 0 || !f->m[hs[k]])
            continue;
        for (int c = 0; c < f->m[hs[k]]->ncol; c++)
            z[c0 + c] = gg_filter_sigmoid(z[c0 + c]);
    }
}

/* Probabilities of head h into p from the sigmoids of its columns in sg (a
 * dense head, outside the matrix: from its own weights, fv). Returns the
 * argmax. */
static int head_prob(const gg_filter *f, const gg_filter_fv *fv, gg_filter_head h, const float *sg,
                     float *p)
{
    const gg_filter_model *m = f->m[h];
    if (f->col0[h] < 0)
        return gg_filter_model_prob(m, fv, p); /* dense: gg_filter_open keeps it so */
    memcpy(p, sg + f->col0[h], (size_t)m->ncol * sizeof *p);
    return gg_filter_model_finish(m, p);
}

const char *gg_filter_head_name(gg_filter_head h)
{
    return (unsigned)h < GG_HEAD_COUNT ? head_names[h] : "?";
}

void gg_filter_scratch_init(gg_filter_scratch *s)
{
    memset(s, 0, sizeof *s);
    gg_filter_fv_init(&s->fv);
}

void gg_filter_scratch_dispose(gg_filter_scratch *s)
{
    gg_filter_fv_dispose(&s->fv);
    gg_free(s->psum);
    gg_free(s->psum_ver);
    gg_free(s->buf);
    gg_free(s->norm);
    memset(s, 0, sizeof *s);
}

/* Copy text[0..len) into s->buf with every byte that is not part of a valid
 * UTF-8 sequence turned into a space (some corpora hold broken emoji). */
static size_t sanitize(gg_filter_scratch *s, const char *text, size_t len)
{
    if (len + 1 > s->cap) {
        s->cap = len + 1 > 1024 ? len + 1 : 1024;
        s->buf = gg_realloc(s->buf, s->cap);
    }
    size_t i = 0, o = 0;
    while (i < len) {
        size_t k = 1;
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x80) {
            size_t need = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
                          : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
            int ok = need && i + need <= len;
            for (size_t j = 1; ok && j < need; j++)
                ok = ((unsigned char)text[i + j] & 0xc0) == 0x80;
            if (ok && gg_text_utf8_valid(text + i, need)) {
                k = need;
            } else {
                s->buf[o++] = ' ';
                i++;
                continue;
            }
        } else if (c == 0) {
            s->buf[o++] = ' ';
            i++;
            continue;
        }
        memcpy(s->buf + o, text + i, k);
        o += k;
        i += k;
    }
    s->buf[o] = '\0';
    return o;
}

void gg_filter_normalize(gg_filter_scratch *s, const char *text, size_t len,
                         void (*fn)(void *arg, const char *norm, size_t n), void *arg)
{
    gg_text_doc doc;
    if (len > GG_FILTER_TEXT_CAP) {
        len = GG_FILTER_TEXT_CAP;
        while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
            len--; /* do not cut a character in two */
    }
    int rc = gg_text_analyze_ex(&doc, text, len, GG_TEXT_NO_ENTITIES);
    if (rc == GG_EUTF8) {
        len = sanitize(s, text, len);
        text = s->buf;
        rc = gg_text_analyze_ex(&doc, text, len, GG_TEXT_NO_ENTITIES);
    }
    if (rc != 0) {
        fn(arg, text, len);
        return;
    }
    fn(arg, doc.norm, doc.norm_len);
    gg_text_doc_dispose(&doc);
}

void gg_filter_close(gg_filter *f)
{
    if (!f)
        return;
    for (int h = 0; h < GG_HEAD_COUNT; h++)
        gg_filter_model_free(f->m[h]);
    gg_filter_lex_free(f->topic_lex);
    gg_filter_lex_free(f->kind_lex);
    matrix_free(f->cw, f->cw_mapped);
    gg_free(f);
}

int gg_filter_open(gg_filter **out, const char *model_dir, const char *lexicon_path)
{
    int rc = 0, found = 0, k = 0;
    unsigned bits = 0;
    char path[4096];
    gg_filter_glm g[GG_HEAD_COUNT];
    gg_filter *f = gg_calloc(1, sizeof *f);
    memset(g, 0, sizeof g);
    *out = NULL;
    /* each file mapped, its rows checked and its column maxima taken; the
     * matrix is then built from the mapped rows with no dense float array
     * in between (48 MB of fresh memory, written then read once) */
    for (int h = 0; h < GG_HEAD_COUNT; h++) {
        snprintf(path, sizeof path, "%s/%s.glm", model_dir, head_names[h]);
        rc = gg_filter_glm_open(&g[h], path);
        if (rc == GG_EIO) {
            rc = 0; /* absent: that head stays off */
            continue;
        }
        if (rc)
            goto done;
        if (found && g[h].m->bits != bits) {
            rc = GG_EINVAL; /* every head must hash the same way */
            goto done;
        }
        bits = g[h].m->bits;
        found++;
        if (k + g[h].m->ncol > GG_FILTER_MAXCOL) {
            /* no room in the matrix (never the shipped heads): read dense,
             * scored from its own floats */
            gg_filter_glm_close(&g[h]);
            if ((rc = gg_filter_model_load(&f->m[h], path)))
                goto done;
            continue;
        }
        k += g[h].m->ncol; /* combine gives the lean heads these columns */
        f->m[h] = g[h].m;
        g[h].m = NULL;
    }
    if (lexicon_path && gg_filter_lex_load(&f->topic_lex, lexicon_path, gg_filter_topics,
                                           GG_FILTER_NTOPIC) == GG_EINVAL) {
        rc = GG_EINVAL;
        goto done;
    }
    snprintf(path, sizeof path, "%s/kind-cues.tsv", model_dir);
    if (gg_filter_lex_load(&f->kind_lex, path, gg_filter_kinds, GG_FILTER_NKIND) == GG_EINVAL) {
        rc = GG_EINVAL;
        goto done;
    }
    if (!found) {
        rc = GG_ENOTFOUND;
        goto done;
    }
    combine(f, g);
    *out = f;
    f = NULL;
done:
    for (int h = 0; h < GG_HEAD_COUNT; h++)
        gg_filter_glm_close(&g[h]);
    gg_filter_close(f);
    return rc;
}

int gg_filter_new(gg_filter **out, const char *cue_path, const char *lexicon_path)
{
    int rc = 0;
    gg_filter *f = gg_calloc(1, sizeof *f);
    *out = NULL;
    if (lexicon_path &&
        (rc = gg_filter_lex_load(&f->topic_lex, lexicon_path, gg_filter_topics, GG_FILTER_NTOPIC)))
        goto done;
    if (cue_path &&
        (rc = gg_filter_lex_load(&f->kind_lex, cue_path, gg_filter_kinds, GG_FILTER_NKIND)))
        goto done;
    *out = f;
    f = NULL;
done:
    gg_filter_close(f);
    return rc;
}

const gg_filter_model *gg_filter_get(const gg_filter *f, gg_filter_head h)
{
    return (unsigned)h < GG_HEAD_COUNT ? f->m[h] : NULL;
}

void gg_filter_set(gg_filter *f, gg_filter_head h, gg_filter_model *m)
{
    gg_filter_model_free(f->m[h]);
    f->m[h] = m;
    combine(f, NULL);
}

const int16_t *gg_filter__matrix(const gg_filter *f, unsigned *bits, const float **scale,
                                 const float **bias, const int **col0)
{
    *bits = f->cbits;
    *scale = f->cscale;
    *bias = f->cbias;
    *col0 = f->col0;
    return f->cw;
}

const gg_filter_lex *gg_filter_topic_lex(const gg_filter *f)
{
    return f->topic_lex;
}

const gg_filter_lex *gg_filter_kind_lex(const gg_filter *f)
{
    return f->kind_lex;
}

static unsigned bits_of(const gg_filter *f)
{
    for (int h = 0; h < GG_HEAD_COUNT; h++)
        if (f->m[h])
            return f->m[h]->bits;
    return GG_FILTER_BITS;
}

typedef struct build_arg {
    gg_filter_scratch *s;
    unsigned bits;
} build_arg;

static void build_cb(void *arg, const char *norm, size_t n)
{
    build_arg *a = arg;
    gg_filter_scratch *s = a->s;
    if (n + 1 > s->norm_cap) {
        s->norm_cap = n + 1 > 1024 ? n + 1 : 1024;
        s->norm = gg_realloc(s->norm, s->norm_cap);
    }
    memcpy(s->norm, norm, n);
    s->norm[n] = '\0';
    s->norm_len = n;
    gg_filter_fv_build(&s->fv, norm, n, a->bits);
}

void gg_filter_text_features(gg_filter_scratch *s, const char *text, size_t len, unsigned bits)
{
    build_arg a = {s, bits};
    gg_filter_normalize(s, text, len, build_cb, &a);
}

#ifndef LEX_SCALE
#define LEX_SCALE 1.0f
#endif

/* 1 hit -> 0.5, 2 -> 0.75, …: saturating evidence from term counts */
static float sat(int n)
{
    /* 1 - 2^-n is exact in a float for n <= 24: the common counts need no
     * ldexpf call (20 per post) */
    static const float small[8] = {0.0f, 0.5f, 0.75f, 0.875f, 0.9375f, 0.96875f, 0.984375f,
                                   0.9921875f};
    if (n < 8)
        return n <= 0 ? 0.0f : small[n];
    return 1.0f - ldexpf(1.0f, -n);
}

void gg_filter_features(const gg_filter *f, gg_filter_scratch *s, const char *text, size_t len,
                        gg_filter_result *out)
{
    gg_filter_fv *fv = &s->fv;
    unsigned bits = bits_of(f);
    float p[GG_FILTER_NLANG > GG_FILTER_NHATEX ? GG_FILTER_NLANG : GG_FILTER_NHATEX];

    memset(out, 0, sizeof *out);
    out->lang = out->kind = out->sentiment = -1;
    gg_filter_text_features(s, text, len, bits);
    s->nhashed = fv->n;
    combined_logits(f, s, s->acc);
    /* the first stage's heads read the combined logits as they are */
    static const gg_filter_head stage1[] = {GG_HEAD_LANG, GG_HEAD_SENTIMENT, GG_HEAD_ABUSIVE,
                                            GG_HEAD_HATE, GG_HEAD_HATEX, GG_HEAD_SPAM};
    float sg[GG_FILTER_MAXCOL];
    memcpy(sg, s->acc, sizeof sg);
    sigmoid_cols(f, sg, stage1, (int)(sizeof stage1 / sizeof stage1[0]));

    if (f->m[GG_HEAD_LANG]) {
        out->lang = head_prob(f, fv, GG_HEAD_LANG, sg, p);
        out->lang_p = p[out->lang];
    }
    if (f->m[GG_HEAD_SENTIMENT])
        out->sentiment = head_prob(f, fv, GG_HEAD_SENTIMENT, sg, out->sent_p);
    if (f->m[GG_HEAD_ABUSIVE]) {
        head_prob(f, fv, GG_HEAD_ABUSIVE, sg, p);
        out->abusive = p[0];
    }
    if (f->m[GG_HEAD_HATE]) {
        head_prob(f, fv, GG_HEAD_HATE, sg, p);
        out->hate = p[0];
    }
    /* target and categories are read only for a post judged hateful (seven
     * sigmoids a post saved; hatex stays 0 otherwise, see filter.h) */
    if (f->m[GG_HEAD_HATEX] && out->hate >= 0.5f)
        head_prob(f, fv, GG_HEAD_HATEX, sg, out->hatex);
    if (f->m[GG_HEAD_SPAM]) {
        head_prob(f, fv, GG_HEAD_SPAM, sg, p);
        out->spam = p[0];
    }

    /* extras for stage 2 */
    int cnt[GG_FILTER_NTOPIC > GG_FILTER_NKIND ? GG_FILTER_NTOPIC : GG_FILTER_NKIND];
    int kcnt[GG_FILTER_NTOPIC > GG_FILTER_NKIND ? GG_FILTER_NTOPIC : GG_FILTER_NKIND];
    gg_filter_lex_count2(f->topic_lex, f->kind_lex, fv, cnt, kcnt);
    if (f->topic_lex) {
        for (int t = 0; t < GG_FILTER_NTOPIC; t++)
            if (cnt[t])
                out->topic_lex |= 1u << t;
        for (int t = 0; t < GG_FILTER_NTOPIC; t++)
            gg_filter_fv_extra(fv, bits, GG_FX_TOPIC + (unsigned)t, LEX_SCALE * sat(cnt[t]));
    }
    if (f->kind_lex) {
        for (int k = 0; k < GG_FILTER_NKIND; k++)
            gg_filter_fv_extra(fv, bits, GG_FX_KIND + (unsigned)k, LEX_SCALE * sat(kcnt[k]));
    }
    gg_filter_fv_extra(fv, bits, GG_FX_SPAM, out->spam);
    gg_filter_fv_extra(fv, bits, GG_FX_ABUSIVE, out->abusive);
    gg_filter_fv_extra(fv, bits, GG_FX_HATE, out->hate);
    if (out->sentiment >= 0) {
        gg_filter_fv_extra(fv, bits, GG_FX_POS, out->sent_p[0]);
        gg_filter_fv_extra(fv, bits, GG_FX_NEG, out->sent_p[2]);
    }
    size_t ntok = gg_filter_fv_ntok(fv), clen;
    const char *canon = gg_filter_fv_canon(fv, &clen);
    int q = 0, url = 0, men = 0;
    for (size_t t = 0; t < ntok; t++) {
        uint32_t off, l;
        gg_filter_fv_token(fv, t, &off, &l);
        if (l == 1 && canon[off] == '?')
            q = 1;
        else if (l == 3 && memcmp(canon + off, "url", 3) == 0)
            url = 1;
        else if (l == 4 && memcmp(canon + off, "user", 4) == 0)
            men = 1;
    }
    gg_filter_fv_extra(fv, bits, GG_FX_QUESTION, (float)q);
    gg_filter_fv_extra(fv, bits, GG_FX_LEN, logf(1.0f + (float)ntok) / 5.0f);
    gg_filter_fv_extra(fv, bits, GG_FX_URL, (float)url);
    gg_filter_fv_extra(fv, bits, GG_FX_MENTION, (float)men);
    gg_filter_fv_extra(fv, bits, GG_FX_LANG_OTHER, out->lang > 0 ? 1.0f : 0.0f);
}

unsigned gg_filter_topic_set(const gg_filter_model *m, const float *p, unsigned lex, int is_spam)
{
    unsigned on = 0;
    int best = 0;
    if (is_spam)
        return 0; /* spam has no topic: it is not about anything we track */
    for (int t = 0; t < m->ncol && t < 32; t++) {
        if (p[t] >= m->thresh[t] || ((lex >> t & 1) && p[t] >= GG_FILTER_LEX_TH))
            on |= 1u << t;
        if (p[t] > p[best])
            best = t;
    }
    if (!on && !is_spam)
        on = 1u << best;
    /* keep the GG_FILTER_TOPIC_MAX most probable (ties: the lower index) */
    while (__builtin_popcount(on) > GG_FILTER_TOPIC_MAX) {
        int worst = -1;
        for (int t = 0; t < m->ncol && t < 32; t++)
            if ((on >> t & 1) && (worst < 0 || p[t] <= p[worst]))
                worst = t;
        on &= ~(1u << worst);
    }
    return on;
}

void gg_filter_classify(const gg_filter *f, gg_filter_scratch *s, const char *text, size_t len,
                        gg_filter_result *out)
{
    gg_filter_features(f, s, text, len, out);
    gg_filter_fv *fv = &s->fv;
    const gg_filter_model *m;
    float p[GG_FILTER_NTOPIC];
    size_t from = s->nhashed;
    /* the second stage's heads: the combined logits plus the extra slots */
    static const gg_filter_head stage2[] = {GG_HEAD_KIND, GG_HEAD_TOPICS, GG_HEAD_CONSTRUCTIVE};
    float z[GG_FILTER_MAXCOL];
    memcpy(z, s->acc, sizeof z);
    for (size_t k = 0; k < sizeof stage2 / sizeof stage2[0]; k++)
        if (f->m[stage2[k]] && f->col0[stage2[k]] >= 0)
            add_extras(f, fv, from, stage2[k], z + f->col0[stage2[k]]);
    sigmoid_cols(f, z, stage2, (int)(sizeof stage2 / sizeof stage2[0]));
    if ((m = f->m[GG_HEAD_KIND])) {
        out->kind = head_prob(f, fv, GG_HEAD_KIND, z, out->kind_p);
        /* the spam head saw SMS spam; the kind head saw social-media spam */
        if (out->kind_p[5] > out->spam)
            out->spam = out->kind_p[5];
    }
    if ((m = f->m[GG_HEAD_TOPICS])) {
        head_prob(f, fv, GG_HEAD_TOPICS, z, out->topic);
        out->topic_on = gg_filter_topic_set(m, out->topic, out->topic_lex, out->kind == 5);
    }
    if ((m = f->m[GG_HEAD_CONSTRUCTIVE])) {
        head_prob(f, fv, GG_HEAD_CONSTRUCTIVE, z, p);
        out->constructive = p[0];
    }
}
