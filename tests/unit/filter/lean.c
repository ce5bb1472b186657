/*
 * lean.c — unit tests of the lean load (gg_filter_open builds the int16
 * matrix from the .glm files' rows, with no dense float array): the same
 * matrix, scales, biases, extra rows and scores as the dense models give
 * through gg_filter_set, on made-up heads and on the shipped ones; the
 * rounding (ties to even); gg_filter_set on a lean filter; files whose rows
 * are out of order refused. Run from the repository root.
 */
#include "core/err.h"
#include "filter/filter.h"
#include "filter/model.h"
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BITS 12

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

/* A head of nc columns with about a third of its 2^BITS rows set to
 * weights in (-2, 2) (some columns of a set row 0 or -0), and every
 * GG_FILTER_NEXTRA extra row set. */
static gg_filter_model *made_up(const char *name, int nc, uint64_t seed)
{
    const char *labels[GG_FILTER_NTOPIC];
    char lab[GG_FILTER_NTOPIC][8];
    for (int c = 0; c < nc; c++) {
        snprintf(lab[c], sizeof lab[c], "l%d", c);
        labels[c] = lab[c];
    }
    gg_filter_model *m = gg_filter_model_new(name, BITS, nc, nc > 1, labels);
    size_t nrow = (size_t)1 << BITS;
    for (size_t r = 0; r < nrow; r++) {
        if (lcg(&seed) % 3)
            continue;
        for (int c = 0; c < nc; c++) {
            uint64_t x = lcg(&seed);
            float v = x % 7 == 0 ? (x % 2 ? -0.0f : 0.0f) : (float)((double)(x % 40001) / 10000.0 - 2.0);
            m->w[r * (size_t)nc + (size_t)c] = v;
        }
    }
    for (size_t k = 0; k < GG_FILTER_NEXTRA * (size_t)nc; k++) { /* never 0: every row saved */
        uint64_t x = lcg(&seed);
        m->wx[k] = (float)((double)(x % 1000 + 1) / 1000.0) * (x & 1024 ? -1.0f : 1.0f);
    }
    for (int c = 0; c < nc; c++) {
        m->b[c] = (float)c * 0.25f - 0.5f;
        m->thresh[c] = 0.4 + 0.01 * c;
    }
    return m;
}

static void save_to(const gg_filter_model *m, const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.glm", dir, m->name);
    cr_assert_eq(gg_filter_model_save(m, path), 0);
}

/* Every head of a and b: the same columns in every row, the same scales
 * and biases, the same extra rows (the layouts may differ). */
static void same_heads(const gg_filter *a, const gg_filter *b)
{
    unsigned ba, bb;
    const float *sa, *sb, *xa, *xb;
    const int *ca, *cb;
    const int16_t *wa = gg_filter__matrix(a, &ba, &sa, &xa, &ca);
    const int16_t *wb = gg_filter__matrix(b, &bb, &sb, &xb, &cb);
    cr_assert_eq(ba, bb);
    cr_assert(wa && wb);
    size_t nrow = (size_t)1 << ba;
    for (int h = 0; h < GG_HEAD_COUNT; h++) {
        const gg_filter_model *ma = gg_filter_get(a, (gg_filter_head)h);
        const gg_filter_model *mb = gg_filter_get(b, (gg_filter_head)h);
        cr_assert_eq(!ma, !mb, "head %d present in one only", h);
        if (!ma)
            continue;
        size_t nc = (size_t)ma->ncol;
        cr_assert_eq(ma->ncol, mb->ncol);
        cr_assert_geq(ca[h], 0);
        cr_assert_geq(cb[h], 0);
        cr_assert_eq(memcmp(sa + ca[h], sb + cb[h], nc * sizeof *sa), 0, "head %d scales", h);
        cr_assert_eq(memcmp(xa + ca[h], xb + cb[h], nc * sizeof *xa), 0, "head %d biases", h);
        cr_assert_eq(memcmp(ma->wx, mb->wx, GG_FILTER_NEXTRA * nc * sizeof *ma->wx), 0,
                     "head %d extra rows", h);
        cr_assert_eq(memcmp(ma->thresh, mb->thresh, nc * sizeof *ma->thresh), 0);
        for (size_t r = 0; r < nrow; r++)
            cr_assert_eq(memcmp(wa + r * GG_FILTER_MAXCOL + ca[h], wb + r * GG_FILTER_MAXCOL + cb[h],
                                nc * sizeof *wa),
                         0, "head %d row %zu", h, r);
    }
}

static const char *const posts[] = {
    "usul: sekolah di desa kami butuh guru tambahan dan buku pelajaran gratis",
    "Slot gacor hari ini maxwin!! deposit 10rb jadi jutaan, klik link di bio",
    "jalan rusak parah di kec. Cibinong, kapan diperbaiki? @pemkab",
    "The service at this hotel was wonderful", "", "\xff\xfe"};

static void same_scores(const gg_filter *a, const gg_filter *b)
{
    gg_filter_scratch sa, sb;
    gg_filter_scratch_init(&sa);
    gg_filter_scratch_init(&sb);
    for (size_t i = 0; i < sizeof posts / sizeof *posts; i++) {
        gg_filter_result ra, rb;
        gg_filter_classify(a, &sa, posts[i], strlen(posts[i]), &ra);
        gg_filter_classify(b, &sb, posts[i], strlen(posts[i]), &rb);
        cr_assert_eq(memcmp(&ra, &rb, sizeof ra), 0, "post %zu scores differ", i);
    }
    gg_filter_scratch_dispose(&sa);
    gg_filter_scratch_dispose(&sb);
}

/* The heads of dir loaded dense, one gg_filter_set each (the old way). */
static gg_filter *dense_of(const char *dir, const char *lexicon)
{
    gg_filter *f = NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/kind-cues.tsv", dir);
    cr_assert_eq(gg_filter_new(&f, access(path, R_OK) == 0 ? path : NULL, lexicon), 0);
    for (int h = 0; h < GG_HEAD_COUNT; h++) {
        gg_filter_model *m = NULL;
        snprintf(path, sizeof path, "%s/%s.glm", dir, gg_filter_head_name((gg_filter_head)h));
        if (access(path, R_OK) != 0)
            continue;
        cr_assert_eq(gg_filter_model_load(&m, path), 0);
        cr_assert_not_null(m->w);
        gg_filter_set(f, (gg_filter_head)h, m);
    }
    return f;
}

static char dir[64];

static void made_up_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/gagas-lean-%d-XXXXXX", (int)getpid());
    cr_assert_not_null(mkdtemp(dir));
    gg_filter_model *s = made_up("sentiment", 3, 1), *p = made_up("spam", 1, 2),
                    *t = made_up("topics", GG_FILTER_NTOPIC, 3);
    /* column 0 of spam and of topics: a largest |w| of 32767 makes the
     * scale 1, so these weights are their own int16 values, ties rounded
     * to even (the scalar path and the four-column path) */
    static const float tie[5] = {32767.0f, 2.5f, 3.5f, -2.5f, -0.5f};
    for (int i = 0; i < 5; i++) {
        p->w[(size_t)(100 + i)] = tie[i];
        t->w[(size_t)(100 + i) * GG_FILTER_NTOPIC] = tie[i];
    }
    save_to(s, dir);
    save_to(p, dir);
    save_to(t, dir);
    gg_filter_model_free(s);
    gg_filter_model_free(p);
    gg_filter_model_free(t);
}

static void made_up_rm(void)
{
    char path[512];
    const char *names[] = {"sentiment", "spam", "topics", "bad"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s.glm", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

Test(filter_lean, same_matrix_as_dense, .init = made_up_dir, .fini = made_up_rm)
{
    gg_filter *lean = NULL, *dense = dense_of(dir, NULL);
    cr_assert_eq(gg_filter_open(&lean, dir, NULL), 0);
    const gg_filter_model *m = gg_filter_get(lean, GG_HEAD_TOPICS);
    cr_assert_null(m->w, "gg_filter_open keeps no dense array");
    cr_assert_eq(m->ncol, GG_FILTER_NTOPIC);
    cr_assert_str_eq(m->labels[11], "l11");
    cr_assert_eq(gg_filter_model_save(m, "/dev/null"), GG_EINVAL);
    same_heads(lean, dense);
    same_scores(lean, dense);

    unsigned bits;
    const float *sc, *bias;
    const int *c0;
    const int16_t *w = gg_filter__matrix(lean, &bits, &sc, &bias, &c0);
    cr_assert_eq(bits, BITS);
    const int16_t want[5] = {32767, 2, 4, -2, 0};
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(w[(size_t)(100 + i) * GG_FILTER_MAXCOL + (size_t)c0[GG_HEAD_SPAM]], want[i]);
        cr_assert_eq(w[(size_t)(100 + i) * GG_FILTER_MAXCOL + (size_t)c0[GG_HEAD_TOPICS]], want[i]);
    }
    /* the columns no head has stay 0 in every row */
    int used = 3 + 1 + GG_FILTER_NTOPIC;
    for (size_t r = 0; r < ((size_t)1 << bits); r++)
        for (int c = used; c < GG_FILTER_MAXCOL; c++)
            cr_assert_eq(w[r * GG_FILTER_MAXCOL + (size_t)c], 0);

    /* a head replaced on both: the lean heads keep their values */
    char path[512];
    gg_filter_model *a = NULL, *b = NULL;
    snprintf(path, sizeof path, "%s/spam.glm", dir);
    cr_assert_eq(gg_filter_model_load(&a, path), 0);
    cr_assert_eq(gg_filter_model_load(&b, path), 0);
    gg_filter_set(lean, GG_HEAD_SPAM, a);
    gg_filter_set(dense, GG_HEAD_SPAM, b);
    same_heads(lean, dense);
    same_scores(lean, dense);
    gg_filter_close(lean);
    gg_filter_close(dense);
}

/* bytes of the file at path into a malloc'd buffer (*n) */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc(*n);
    cr_assert_eq(fread(p, 1, *n, f), *n);
    fclose(f);
    return p;
}

static void spit(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(p, 1, n, f), n);
    fclose(f);
}

Test(filter_lean, rows_out_of_order_refused, .init = made_up_dir, .fini = made_up_rm)
{
    char path[512], bad[512];
    size_t n;
    snprintf(path, sizeof path, "%s/spam.glm", dir);
    snprintf(bad, sizeof bad, "%s/bad.glm", dir);
    unsigned char *p = slurp(path, &n);
    /* "GGLM", 4 u32, label "l0" (u16 + 2), one f32 bias, one f64
     * threshold, u32 rows: the records (u32 + f32) start at 42 */
    size_t at = 4 + 16 + 2 + 2 + 4 + 8 + 4;
    uint32_t rows, r0, r1;
    memcpy(&rows, p + at - 4, 4);
    cr_assert_gt(rows, 2);
    cr_assert_eq(n, at + rows * 8u);
    memcpy(&r0, p + at, 4);
    memcpy(&r1, p + at + 8, 4);
    cr_assert_lt(r0, r1);
    gg_filter_model *m = NULL;
    gg_filter_glm g;
    spit(bad, p, n);
    cr_assert_eq(gg_filter_glm_open(&g, bad), 0, "the file as written is read");
    cr_assert_eq(g.nrow + GG_FILTER_NEXTRA, rows);
    gg_filter_glm_close(&g);
    /* two rows swapped */
    memcpy(p + at, &r1, 4);
    memcpy(p + at + 8, &r0, 4);
    spit(bad, p, n);
    cr_assert_eq(gg_filter_glm_open(&g, bad), GG_EINVAL);
    cr_assert_null(g.m);
    cr_assert_eq(gg_filter_model_load(&m, bad), GG_EINVAL);
    cr_assert_null(m);
    /* a row twice */
    memcpy(p + at, &r1, 4);
    spit(bad, p, n);
    cr_assert_eq(gg_filter_model_load(&m, bad), GG_EINVAL);
    /* a feature past the extra rows */
    uint32_t big = ((uint32_t)1 << BITS) + GG_FILTER_NEXTRA;
    memcpy(p + at, &r0, 4);
    memcpy(p + at + 8, &r1, 4);
    memcpy(p + at + (size_t)(rows - 1) * 8, &big, 4);
    spit(bad, p, n);
    cr_assert_eq(gg_filter_model_load(&m, bad), GG_EINVAL);
    /* one byte short */
    memcpy(p + at + (size_t)(rows - 1) * 8, &(uint32_t){big - 1}, 4);
    spit(bad, p, n - 1);
    cr_assert_eq(gg_filter_model_load(&m, bad), GG_EINVAL);
    spit(bad, p, n);
    cr_assert_eq(gg_filter_model_load(&m, bad), 0);
    gg_filter_model_free(m);
    free(p);
}

/* The shipped heads (skipped when absent): byte for byte the matrix the
 * dense load built. */
Test(filter_lean, shipped_models_same_matrix)
{
    if (access("data/models/lang.glm", R_OK) != 0)
        cr_skip_test("no shipped models under data/models");
    gg_filter *lean = NULL, *dense = dense_of("data/models", "data/lexicon/topics.tsv");
    cr_assert_eq(gg_filter_open(&lean, "data/models", "data/lexicon/topics.tsv"), 0);
    same_heads(lean, dense);
    same_scores(lean, dense);
    gg_filter_close(lean);
    gg_filter_close(dense);
}
