/*
 * model.c — liblinear training, the .glm file format and dot-product
 * prediction (filter layer).
 * File: "GGLM" u32 version, u32 bits, u32 ncol, u32 exclusive, ncol labels
 * (u16 length + bytes), ncol f32 biases, ncol f64 thresholds, u32 rows, then
 * rows of (u32 feature, ncol f32 weights) for the non-zero rows only, so a
 * model trained on 10k tweets stays a few MB. Little-endian hosts only.
 */
#include "filter/model.h"
#include "core/alloc.h"
#include "core/err.h"
#include <linear.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

gg_filter_model *gg_filter_model_new(const char *name, unsigned bits, int ncol, int exclusive,
                                     const char *const *labels)
{
    gg_filter_model *m = gg_calloc(1, sizeof *m);
    m->name = gg_strdup(name);
    m->bits = bits;
    m->ncol = ncol;
    m->exclusive = exclusive;
    m->labels = gg_calloc((size_t)ncol, sizeof *m->labels);
    size_t nf = ((size_t)1 << bits) + GG_FILTER_NEXTRA;
    m->w = weights_alloc(nf * (size_t)ncol, &m->w_mapped);
    m->b = gg_calloc((size_t)ncol, sizeof *m->b);
    m->thresh = gg_malloc((size_t)ncol * sizeof *m->thresh);
    for (int c = 0; c < ncol; c++) {
        m->thresh[c] = 0.5;
        if (labels)
            m->labels[c] = gg_strdup(labels[c]);
    }
    return m;
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
    FILE *f = fopen(path, "wb");
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
    return rc ? GG_EIO : 0;
}

static int get(FILE *f, void *p, size_t n)
{
    return fread(p, 1, n, f) == n ? 0 : GG_EINVAL;
}

int gg_filter_model_load(gg_filter_model **out, const char *path)
{
    int rc = 0;
    gg_filter_model *m = NULL;
    char magic[4];
    uint32_t hdr[4], rows;
    FILE *f = fopen(path, "rb");
    *out = NULL;
    if (!f)
        return GG_EIO;
    if (get(f, magic, 4) || memcmp(magic, "GGLM", 4) || get(f, hdr, sizeof hdr) ||
        hdr[0] != GLM_VERSION || hdr[1] < 8 || hdr[1] > 24 || hdr[2] == 0 || hdr[2] > 256) {
        rc = GG_EINVAL;
        goto done;
    }
    const char *base = strrchr(path, '/');
    char name[64];
    snprintf(name, sizeof name, "%s", base ? base + 1 : path);
    char *dot = strrchr(name, '.');
    if (dot)
        *dot = '\0';
    m = gg_filter_model_new(name, hdr[1], (int)hdr[2], (int)hdr[3], NULL);
    size_t ncol = hdr[2], nf = ((size_t)1 << hdr[1]) + GG_FILTER_NEXTRA;
    for (size_t c = 0; c < ncol; c++) {
        uint16_t l;
        if (get(f, &l, 2)) {
            rc = GG_EINVAL;
            goto done;
        }
        m->labels[c] = gg_malloc((size_t)l + 1);
        if (get(f, m->labels[c], l)) {
            rc = GG_EINVAL;
            goto done;
        }
        m->labels[c][l] = '\0';
    }
    if (get(f, m->b, ncol * sizeof *m->b) || get(f, m->thresh, ncol * sizeof *m->thresh) ||
        get(f, &rows, 4)) {
        rc = GG_EINVAL;
        goto done;
    }
#ifdef MADV_HUGEPAGE
    if (m->w_mapped && (size_t)rows >= nf / 2) /* dense: 2 MiB pages (a hint) */
        madvise(m->w, m->w_mapped, MADV_HUGEPAGE);
#endif
    /* the rows in chunks: one fread per row pair costs more than the
     * copying (the language head has 260,000 rows) */
    size_t rowb = 4 + ncol * sizeof(float), chunk = 4096;
    unsigned char *buf = gg_malloc(chunk * rowb);
    for (uint32_t i = 0; i < rows && !rc;) {
        size_t k = rows - i < chunk ? rows - i : chunk;
        if (get(f, buf, k * rowb)) {
            rc = GG_EINVAL;
            break;
        }
        for (size_t j = 0; j < k; j++) {
            uint32_t r;
            memcpy(&r, buf + j * rowb, 4);
            if (r >= nf) {
                rc = GG_EINVAL;
                break;
            }
            memcpy(m->w + (size_t)r * ncol, buf + j * rowb + 4, ncol * sizeof(float));
        }
        i += (uint32_t)k;
    }
    gg_free(buf);
    if (rc)
        goto done;
    *out = m;
    m = NULL;
done:
    fclose(f);
    gg_filter_model_free(m);
    return rc;
}

void gg_filter_model_logits(const gg_filter_model *m, const gg_filter_fv *fv, float *scores)
{
    size_t ncol = (size_t)m->ncol;
    size_t nf = ((size_t)1 << m->bits) + GG_FILTER_NEXTRA;
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

int gg_filter_model_squash(const gg_filter_model *m, float *p)
{
    int best = 0;
    double sum = 0;
    for (int c = 0; c < m->ncol; c++) {
        p[c] = 1.0f / (1.0f + expf(-p[c]));
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
