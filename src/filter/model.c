/*
 * model.c — liblinear training, the .glm file format and dot-product
 * prediction (filter layer).
 * File: "GGLM" u32 version, u32 bits, u32 ncol, u32 exclusive, ncol labels
 * (u16 length + bytes), ncol f32 biases, ncol f64 thresholds, u32 rows, then
 * rows of (u32 feature, ncol f32 weights) for the non-zero rows only, in
 * strictly ascending feature order (the extra rows, 2^bits and up, last),
 * so a model trained on 10k tweets stays a few MB. Little-endian hosts only.
 */
#include "filter/model.h"
#include "core/alloc.h"
#include "core/err.h"
#include <linear.h>
#include <math.h>
#include <assert.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define GLM_VERSION 1u

void gg_filter_ds_init(gg_filter_ds *ds, unsigned bits)
{
    memset(ds, 0, sizeof *ds);
    ds->bits = bits;
}

void gg_filter_ds_dispose(gg_filter_ds *ds)
{
    if (!ds)
        return;
    gg_free(ds->x);
    gg_free(ds->pool);
    gg_free(ds->off);
    memset(ds, 0, sizeof *ds);
}

static int cmp_node(const void *a, const void *b)
{
    const struct feature_node *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

void gg_filter_ds_add(gg_filter_ds *ds, const gg_filter_fv *fv)
{
    size_t need = ds->pool_len + fv->n + 2;
    if (need > ds->pool_cap) {
        size_t c = ds->pool_cap ? ds->pool_cap : 65536;
        while (c < need)
            c *= 2;
        ds->pool = gg_realloc(ds->pool, c * sizeof(struct feature_node));
        ds->pool_cap = c;
    }
    if (ds->n == ds->cap) {
        ds->cap = ds->cap ? ds->cap * 2 : 1024;
        ds->off = gg_realloc(ds->off, ds->cap * sizeof *ds->off);
    }
    struct feature_node *p = (struct feature_node *)ds->pool + ds->pool_len;
    for (size_t i = 0; i < fv->n; i++) {
        p[i].index = (int)fv->idx[i] + 1; /* liblinear counts from 1 */
        p[i].value = fv->val[i];
    }
    qsort(p, fv->n, sizeof *p, cmp_node);
    /* liblinear's train() does not add the bias feature itself: every
     * document carries it as the last node (index n = 2^bits + NEXTRA + 1) */
    p[fv->n].index = (int)(((size_t)1 << ds->bits) + GG_FILTER_NEXTRA) + 1;
    p[fv->n].value = 1.0;
    p[fv->n + 1].index = -1;
    ds->off[ds->n++] = ds->pool_len;
    ds->pool_len += fv->n + 2;
    gg_free(ds->x);
    ds->x = NULL;
}

static void quiet(const char *s)
{
    (void)s;
}

void gg_filter_model_free(gg_filter_model *m)
{
    if (!m)
        return;
    for (int c = 0; c < m->ncol; c++)
        gg_free(m->labels ? m->labels[c] : NULL);
    gg_free(m->labels);
    gg_free(m->name);
    if (m->w_mapped)
        munmap(m->w, m->w_mapped);
    else
        gg_free(m->w);
    if (!m->w)
        gg_free(m->wx); /* a lean model's own extra rows */
    gg_free(m->b);
    gg_free(m->thresh);
    gg_free(m);
}

/* Zeroed weights. An array of 4 MiB or more (a 2^18-row head is 1-13 MiB)
 * gets a mapping of its own, 2 MiB-aligned (*mapped: its size, for munmap):
 * fresh pages come zeroed. gg_filter_model_load asks for 2 MiB pages when
 * the file fills most rows (as 4 KiB pages each start-up took a page fault
 * per 4 KiB); a sparse head keeps 4 KiB pages, so the rows it never writes
 * stay unbacked. Else calloc. */
static float *weights_alloc(size_t n, size_t *mapped)
{
    size_t bytes = n * sizeof(float), huge = (size_t)2 << 20;
    *mapped = 0;
    if (bytes >= 2 * huge) {
        size_t len = (bytes + huge - 1) / huge * huge;
        /* one huge page more, to start the array on a 2 MiB boundary */
        char *p = mmap(NULL, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED) {
            char *a = (char *)(((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1));
            if (a > p)
                munmap(p, (size_t)(a - p));
            if (a + len < p + len + huge)
                munmap(a + len, (size_t)(p + len + huge - (a + len)));
            *mapped = len;
            return (float *)a;
        }
    }
    return gg_calloc(n, sizeof(float));
}

/* A model with zero weights: dense (w of 2^bits + NEXTRA rows, wx its
 * tail) or lean (no w, wx of the NEXTRA rows alone). */
static gg_filter_model *model_alloc(const char *name, unsigned bits, int ncol, int exclusive,
                                    const char *const *labels, int dense)
{
    gg_filter_model *m = gg_calloc(1, sizeof *m);
    m->name = gg_strdup(name);
    m->bits = bits;
    m->ncol = ncol;
    m->exclusive = exclusive;
    m->labels = gg_calloc((size_t)ncol, sizeof *m->labels);
    size_t nrow = (size_t)1 << bits, nf = nrow + GG_FILTER_NEXTRA;
    if (dense) {
        m->w = weights_alloc(nf * (size_t)ncol, &m->w_mapped);
        m->wx = m->w + nrow * (size_t)ncol;
    } else {
        m->wx = gg_calloc((size_t)GG_FILTER_NEXTRA * (size_t)ncol, sizeof *m->wx);
    }
    m->b = gg_calloc((size_t)ncol, sizeof *m->b);
    m->thresh = gg_malloc((size_t)ncol * sizeof *m->thresh);
    for (int c = 0; c < ncol; c++) {
        m->thresh[c] = 0.5;
        if (labels)
            m->labels[c] = gg_strdup(labels[c]);
    }
    return m;
}

gg_filter_model *gg_filter_model_new(const char *name, unsigned bits, int ncol, int exclusive,
                                     const char *const *labels)
{
    return model_alloc(name, bits, ncol, exclusive, labels, 1);
}

int gg_filter_model_train(gg_filter_model **out, const gg_filter_ds *ds, const size_t *rows,
                          size_t nrows, const unsigned char *y, const char *name,
                          const char *const *labels, int ncol, int exclusive, double C,
                          double pos_weight)
{
    int rc = 0;
    gg_filter_model *m = NULL;
    struct feature_node **x = NULL;
    double *yy = NULL;
    size_t n = rows ? nrows : ds->n;
    size_t nf = ((size_t)1 << ds->bits) + GG_FILTER_NEXTRA;

    *out = NULL;
    set_print_string_function(quiet);
    m = gg_filter_model_new(name, ds->bits, ncol, exclusive, NULL);
    x = gg_malloc(n * sizeof *x);
    yy = gg_malloc(n * sizeof *yy);
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        struct feature_node *p = (struct feature_node *)ds->pool + ds->off[r];
        x[i] = p;
    }
    for (int c = 0; c < ncol; c++) {
        m->labels[c] = gg_strdup(labels[c]);
        size_t npos = 0;
        for (size_t i = 0; i < n; i++) {
            size_t r = rows ? rows[i] : i;
            yy[i] = y[r * (size_t)ncol + (size_t)c] ? 1.0 : -1.0;
            npos += yy[i] > 0;
        }
        if (npos == 0 || npos == n) {
            /* constant column: no model, a bias that says so */
            m->b[c] = npos ? 8.0f : -8.0f;
            continue;
        }
        struct problem prob = {.l = (int)n, .n = (int)nf + 1, .y = yy, .x = x, .bias = 1.0};
        int wl[2] = {1, -1};
        double wv[2] = {pos_weight > 0 ? pos_weight : 1.0, 1.0};
        struct parameter par = {.solver_type = L2R_LR,
                                .eps = 0.01,
                                .C = C,
                                .nr_weight = 2,
                                .weight_label = wl,
                                .weight = wv};
        const char *err = check_parameter(&prob, &par);
        if (err) {
            rc = GG_EINVAL;
            goto done;
        }
        struct model *lm = train(&prob, &par);
        /* liblinear puts the first label it met in column 0: flip when that
         * was the negative class */
        double sign = lm->label[0] == 1 ? 1.0 : -1.0;
        for (size_t f = 0; f < nf; f++)
            m->w[f * (size_t)ncol + (size_t)c] = (float)(sign * lm->w[f]);
        m->b[c] = (float)(sign * lm->w[nf] * lm->bias);
        free_and_destroy_model(&lm);
    }
    *out = m;
    m = NULL;
done:
    gg_free(x);
    gg_free(yy);
    gg_filter_model_free(m);
    return rc;
}

static int put(FILE *f, const void *p, size_t n)
{
    return fwrite(p, 1, n, f) == n ? 0 : GG_EIO;
}

int gg_filter_model_save(const gg_filter_model *m, const char *path)
{
    int rc = 0;
    size_t nf = ((size_t)1 << m->bits) + GG_FILTER_NEXTRA;
    size_t ncol = (size_t)m->ncol;
    if (!m->w)
        return GG_EINVAL; /* lean: the hashed rows are not here */
    /* written beside and renamed over: a classify or server starting
     * meanwhile maps the old file or the new one, never a half-written one
     * (a mapped file cut short under a reader is a SIGBUS) */
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return GG_EINVAL;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return GG_EIO;
    uint32_t hdr[4] = {GLM_VERSION, m->bits, (uint32_t)m->ncol, (uint32_t)m->exclusive};
    rc |= put(f, "GGLM", 4);
    rc |= put(f, hdr, sizeof hdr);
    for (size_t c = 0; c < ncol; c++) {
        uint16_t l = (uint16_t)strlen(m->labels[c]);
        rc |= put(f, &l, 2);
        rc |= put(f, m->labels[c], l);
    }
    rc |= put(f, m->b, ncol * sizeof *m->b);
    rc |= put(f, m->thresh, ncol * sizeof *m->thresh);
    uint32_t rows = 0;
    for (size_t r = 0; r < nf; r++) {
        for (size_t c = 0; c < ncol; c++)
            if (m->w[r * ncol + c] != 0.0f) {
                rows++;
                break;
            }
    }
    rc |= put(f, &rows, 4);
    for (size_t r = 0; r < nf; r++) {
        const float *w = m->w + r * ncol;
        size_t c;
        for (c = 0; c < ncol && w[c] == 0.0f; c++)
            ;
        if (c == ncol)
            continue;
        uint32_t r32 = (uint32_t)r;
        rc |= put(f, &r32, 4);
        rc |= put(f, w, ncol * sizeof *w);
    }
    if (fclose(f) != 0)
        rc = GG_EIO;
    if (!rc && rename(tmp, path) != 0)
        rc = GG_EIO;
    if (rc)
        remove(tmp);
    return rc ? GG_EIO : 0;
}

/* n bytes at *p into dst when they are there (before end); 0 or GG_EINVAL */
static int take(const unsigned char **p, const unsigned char *end, void *dst, size_t n)
{
    if ((size_t)(end - *p) < n)
        return GG_EINVAL;
    memcpy(dst, *p, n);
    *p += n;
    return 0;
}

/* The hashed rows of a head of nc columns from r on (the file's first
 * ones, features below nrow): their count, or (size_t)-1 when two are not
 * in ascending order; the largest |w| of each column over them into amax
 * (absent rows are 0, so the maximum over the dense array too). Inlined
 * with nc a constant for the shipped widths (at most 12): the maxima stay
 * in registers, four columns a step. */
static inline __attribute__((always_inline)) size_t max_rows(const unsigned char *r, size_t rows,
                                                            uint32_t nrow, float *amax,
                                                            const size_t nc)
{
    const size_t rec = 4 + 4 * nc;
#if defined(__SSE2__)
    const size_t nv = nc / 4;
    const __m128 abs = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    __m128 acc[3] = {_mm_setzero_ps(), _mm_setzero_ps(), _mm_setzero_ps()};
#else
    const size_t nv = 0;
#endif
    float t[12] = {0}; /* the columns past the vectors */
    uint32_t prev = 0;
    size_t j;
    for (j = 0; j < rows; j++, r += rec) {
        uint32_t feat;
        memcpy(&feat, r, 4);
        if (feat >= nrow)
            break; /* the extra rows, last */
        if (j && feat <= prev)
            return (size_t)-1;
        prev = feat;
#if defined(__SSE2__)
        /* -O2 leaves loops of a constant few steps rolled: unroll them */
#pragma GCC unroll 3
        for (size_t v = 0; v < nv; v++)
            acc[v] = _mm_max_ps(acc[v], _mm_and_ps(abs, _mm_loadu_ps((const float *)(const void *)(r + 4 + 16 * v))));
#endif
#pragma GCC unroll 12
        for (size_t c = 4 * nv; c < nc; c++) {
            float x;
            memcpy(&x, r + 4 + 4 * c, 4);
            x = fabsf(x);
            t[c - 4 * nv] = x > t[c - 4 * nv] ? x : t[c - 4 * nv];
        }
    }
#if defined(__SSE2__)
    for (size_t v = 0; v < nv; v++)
        _mm_storeu_ps(amax + 4 * v, acc[v]);
#endif
    for (size_t c = 4 * nv; c < nc; c++)
        amax[c] = t[c - 4 * nv];
    return j;
}

/* max_rows for any width, one column at a time */
static size_t max_rows_any(const unsigned char *r, size_t rows, uint32_t nrow, float *amax,
                           size_t nc)
{
    uint32_t prev = 0;
    size_t j;
    for (size_t c = 0; c < nc; c++)
        amax[c] = 0;
    for (j = 0; j < rows; j++, r += 4 + 4 * nc) {
        uint32_t feat;
        memcpy(&feat, r, 4);
        if (feat >= nrow)
            break;
        if (j && feat <= prev)
            return (size_t)-1;
        prev = feat;
        for (size_t c = 0; c < nc; c++) {
            float x;
            memcpy(&x, r + 4 + 4 * c, 4);
            x = fabsf(x);
            if (x > amax[c])
                amax[c] = x;
        }
    }
    return j;
}

/* Check the rows of g (strictly ascending features below 2^bits + NEXTRA),
 * count the hashed ones into g->nrow with their column maxima into amax,
 * and copy the extra rows into m->wx. */
static int scan_rows(gg_filter_glm *g, uint32_t rows, float *amax)
{
    gg_filter_model *m = g->m;
    size_t nc = (size_t)m->ncol;
    uint32_t nrow = (uint32_t)1 << m->bits, nf = nrow + GG_FILTER_NEXTRA;
    size_t j;
    switch (nc) {
    case 1: j = max_rows(g->rows, rows, nrow, amax, 1); break;
    case 3: j = max_rows(g->rows, rows, nrow, amax, 3); break;
    case 7: j = max_rows(g->rows, rows, nrow, amax, 7); break;
    case 8: j = max_rows(g->rows, rows, nrow, amax, 8); break;
    case 12: j = max_rows(g->rows, rows, nrow, amax, 12); break;
    default: j = max_rows_any(g->rows, rows, nrow, amax, nc); break;
    }
    if (j == (size_t)-1)
        return GG_EINVAL;
    g->nrow = j;
    uint32_t prev = 0;
    if (j)
        memcpy(&prev, g->rows + (j - 1) * g->rec, 4);
    for (const unsigned char *r = g->rows + j * g->rec; j < rows; j++, r += g->rec) {
        uint32_t feat;
        memcpy(&feat, r, 4);
        if ((j && feat <= prev) || feat >= nf)
            return GG_EINVAL;
        prev = feat;
        memcpy(m->wx + (size_t)(feat - nrow) * nc, r + 4, nc * sizeof(float));
    }
    return 0;
}

int gg_filter_glm_open(gg_filter_glm *out, const char *path)
{
    int rc = GG_EINVAL;
    struct stat st;
    char magic[4];
    uint32_t hdr[4], rows;
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return GG_EIO;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 24) {
        close(fd);
        return GG_EINVAL;
    }
    /* one mapping of the whole file, its pages mapped in one go (the
     * language head is 13 MB): no copy, no fault per page. It lives only
     * while the caller reads it; a file truncated meanwhile would fault
     * (SIGBUS), which is why model files are replaced by rename (retrain.c)
     * and gg_filter_open unmaps them before it returns. */
    int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE;
#endif
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, flags, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return GG_EINVAL;
    out->map = map;
    out->map_len = (size_t)st.st_size;
    const unsigned char *p = map, *end = p + out->map_len;
    if (take(&p, end, magic, 4) || memcmp(magic, "GGLM", 4) || take(&p, end, hdr, sizeof hdr) ||
        hdr[0] != GLM_VERSION || hdr[1] < 8 || hdr[1] > 24 || hdr[2] == 0 || hdr[2] > 256)
        goto done;
    const char *base = strrchr(path, '/');
    char name[64];
    snprintf(name, sizeof name, "%s", base ? base + 1 : path);
    char *dot = strrchr(name, '.');
    if (dot)
        *dot = '\0';
    gg_filter_model *m = out->m = model_alloc(name, hdr[1], (int)hdr[2], (int)hdr[3], NULL, 0);
    size_t ncol = hdr[2];
    for (size_t c = 0; c < ncol; c++) {
        uint16_t l;
        if (take(&p, end, &l, 2))
            goto done;
        m->labels[c] = gg_malloc((size_t)l + 1);
        if (take(&p, end, m->labels[c], l))
            goto done;
        m->labels[c][l] = '\0';
    }
    if (take(&p, end, m->b, ncol * sizeof *m->b) ||
        take(&p, end, m->thresh, ncol * sizeof *m->thresh) || take(&p, end, &rows, 4))
        goto done;
    out->rec = 4 + ncol * sizeof(float);
    if ((size_t)(end - p) / out->rec < rows)
        goto done; /* truncated */
    out->rows = p;
    out->amax = gg_malloc(ncol * sizeof *out->amax);
    rc = scan_rows(out, rows, out->amax);
done:
    if (rc)
        gg_filter_glm_close(out);
    return rc;
}

void gg_filter_glm_close(gg_filter_glm *g)
{
    if (!g)
        return;
    gg_filter_model_free(g->m);
    gg_free(g->amax);
    if (g->map)
        munmap(g->map, g->map_len);
    memset(g, 0, sizeof *g);
}

int gg_filter_model_load(gg_filter_model **out, const char *path)
{
    gg_filter_glm g;
    *out = NULL;
    int rc = gg_filter_glm_open(&g, path);
    if (rc)
        return rc;
    /* the lean model made dense: its extra rows move into the array's tail */
    gg_filter_model *m = g.m;
    size_t nc = (size_t)m->ncol, nrow = (size_t)1 << m->bits;
    size_t nf = nrow + GG_FILTER_NEXTRA;
    m->w = weights_alloc(nf * nc, &m->w_mapped);
#ifdef MADV_HUGEPAGE
    if (m->w_mapped && g.nrow >= nf / 2) /* dense: 2 MiB pages (a hint) */
        madvise(m->w, m->w_mapped, MADV_HUGEPAGE);
#endif
    for (size_t j = 0; j < g.nrow; j++) {
        const unsigned char *r = g.rows + j * g.rec;
        uint32_t feat;
        memcpy(&feat, r, 4);
        memcpy(m->w + (size_t)feat * nc, r + 4, nc * sizeof(float));
    }
    memcpy(m->w + nrow * nc, m->wx, (size_t)GG_FILTER_NEXTRA * nc * sizeof *m->wx);
    gg_free(m->wx);
    m->wx = m->w + nrow * nc;
    *out = m;
    g.m = NULL;
    gg_filter_glm_close(&g);
    return 0;
}

void gg_filter_model_logits(const gg_filter_model *m, const gg_filter_fv *fv, float *scores)
{
    size_t ncol = (size_t)m->ncol;
    size_t nf = ((size_t)1 << m->bits) + GG_FILTER_NEXTRA;
    assert(m->w && "a lean model predicts through its filter only");
    memcpy(scores, m->b, ncol * sizeof *scores);
    if (ncol == 1) {
        float s = 0;
        for (size_t i = 0; i < fv->n; i++)
            if (fv->idx[i] < nf)
                s += fv->val[i] * m->w[fv->idx[i]];
        scores[0] += s;
        return;
    }
    for (size_t i = 0; i < fv->n; i++) {
        if (fv->idx[i] >= nf)
            continue;
        const float *w = m->w + (size_t)fv->idx[i] * ncol;
        float v = fv->val[i];
        for (size_t c = 0; c < ncol; c++)
            scores[c] += v * w[c];
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* expf four floats at a time, the same floats as glibc's expf where glibc
 * runs its FMA build (a CPU with AVX2 and FMA): the same method (x/ln2 * 32
 * split into k + r, 2^(k/32) from a table of 32 doubles with k's high part
 * added to the exponent, 2^(r/32) by a cubic) with the same constants and
 * the same fused operations, in double. The constants: the cubic's
 * coefficients and 32/ln2 are those glibc uses; tab[i] is 2^(i/32) rounded
 * to a double, less i << 47 (the exponent's share of i/32). Checked against
 * expf over every float with |x| < 88, 2.24 billion of them: none differs
 * (tests/unit/filter/sigmoid.c samples them). Lanes at or past 88 (or NaN)
 * are left to expf itself by the caller. */
static const uint64_t exp_tab[32] = {
    0x3ff0000000000000ULL, 0x3fefd9b0d3158574ULL, 0x3fefb5586cf9890fULL,
    0x3fef9301d0125b51ULL, 0x3fef72b83c7d517bULL, 0x3fef54873168b9aaULL,
    0x3fef387a6e756238ULL, 0x3fef1e9df51fdee1ULL, 0x3fef06fe0a31b715ULL,
    0x3feef1a7373aa9cbULL, 0x3feedea64c123422ULL, 0x3feece086061892dULL,
    0x3feebfdad5362a27ULL, 0x3feeb42b569d4f82ULL, 0x3feeab07dd485429ULL,
    0x3feea47eb03a5585ULL, 0x3feea09e667f3bcdULL, 0x3fee9f75e8ec5f74ULL,
    0x3feea11473eb0187ULL, 0x3feea589994cce13ULL, 0x3feeace5422aa0dbULL,
    0x3feeb737b0cdc5e5ULL, 0x3feec49182a3f090ULL, 0x3feed503b23e255dULL,
    0x3feee89f995ad3adULL, 0x3feeff76f2fb5e47ULL, 0x3fef199bdd85529cULL,
    0x3fef3720dcef9069ULL, 0x3fef5818dcfba487ULL, 0x3fef7c97337b9b5fULL,
    0x3fefa4afa2a490daULL, 0x3fefd0765b6e4540ULL,
};

__attribute__((target("avx2,fma"))) static __m128 expf4(__m128 x)
{
    const __m256d inv = _mm256_set1_pd(0x1.71547652b82fep+5), shift = _mm256_set1_pd(0x1.8p+52);
    __m256d xd = _mm256_cvtps_pd(x);
    __m256d kd = _mm256_fmadd_pd(inv, xd, shift); /* k rounded to nearest, in the low bits */
    __m256i ki = _mm256_castpd_si256(kd);
    kd = _mm256_sub_pd(kd, shift);
    __m256d r = _mm256_fmsub_pd(inv, xd, kd);
    __m256i t = _mm256_i64gather_epi64((const long long *)exp_tab,
                                       _mm256_and_si256(ki, _mm256_set1_epi64x(31)), 8);
    __m256d sc = _mm256_castsi256_pd(_mm256_add_epi64(t, _mm256_slli_epi64(ki, 47)));
    __m256d z = _mm256_fmadd_pd(_mm256_set1_pd(0x1.c6af84b912394p-20), r,
                                _mm256_set1_pd(0x1.ebfce50fac4f3p-13));
    __m256d r2 = _mm256_mul_pd(r, r);
    __m256d y = _mm256_fmadd_pd(_mm256_set1_pd(0x1.62e42ff0c52d6p-6), r, _mm256_set1_pd(1.0));
    y = _mm256_fmadd_pd(z, r2, y);
    return _mm256_cvtpd_ps(_mm256_mul_pd(y, sc));
}

/* p[c] = 1 / (1 + expf(-p[c])) for c < n, four at a time */
__attribute__((target("avx2,fma"))) static void sigmoid_avx2(float *p, int n)
{
    const __m128 one = _mm_set1_ps(1.0f), lim = _mm_set1_ps(88.0f),
                 sign = _mm_set1_ps(-0.0f);
    int c = 0;
    for (; c < n; c += 4) {
        float v[4] = {0, 0, 0, 0};
        int k = n - c < 4 ? n - c : 4;
        memcpy(v, p + c, (size_t)k * sizeof *v);
        __m128 x = _mm_xor_ps(_mm_loadu_ps(v), sign); /* -p */
        /* |x| < 88 in every lane (false for NaN): else expf decides */
        if (_mm_movemask_ps(_mm_cmplt_ps(_mm_andnot_ps(sign, x), lim)) != 15) {
            for (int j = 0; j < k; j++)
                p[c + j] = gg_filter_sigmoid(p[c + j]);
            continue;
        }
        _mm_storeu_ps(v, _mm_div_ps(one, _mm_add_ps(one, expf4(x))));
        memcpy(p + c, v, (size_t)k * sizeof *v);
    }
}

int gg_filter__sigmoid_vec(float *p, int n)
{
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        return 0; /* glibc runs its other expf there: the scalar loop matches it */
    sigmoid_avx2(p, n);
    return 1;
}
#else
int gg_filter__sigmoid_vec(float *p, int n)
{
    (void)p;
    (void)n;
    return 0;
}
#endif

int gg_filter_model_squash(const gg_filter_model *m, float *p)
{
    for (int c = 0; c < m->ncol; c++)
        p[c] = gg_filter_sigmoid(p[c]);
    return gg_filter_model_finish(m, p);
}

int gg_filter_model_finish(const gg_filter_model *m, float *p)
{
    int best = 0;
    double sum = 0;
    for (int c = 0; c < m->ncol; c++) {
        sum += p[c];
        if (p[c] > p[best])
            best = c;
    }
    if (m->exclusive && sum > 0)
        for (int c = 0; c < m->ncol; c++)
            p[c] = (float)(p[c] / sum);
    return best;
}

int gg_filter_model_prob(const gg_filter_model *m, const gg_filter_fv *fv, float *p)
{
    gg_filter_model_logits(m, fv, p);
    return gg_filter_model_squash(m, p);
}

int gg_filter_model_label(const gg_filter_model *m, const char *label)
{
    for (int c = 0; c < m->ncol; c++)
        if (strcmp(m->labels[c], label) == 0)
            return c;
    return -1;
}
