/*
 * model.h — linear models over hashed features: training with liblinear,
 * a small binary file format, and prediction by dot product (filter layer).
 * A model has ncol columns, each a logistic-regression logit. Columns are
 * independent (binary or multi-label) or exclusive (one-vs-rest multi-class,
 * probabilities renormalized). A loaded model is read-only and may be shared
 * by any number of threads. A lean model (gg_filter_glm_open) has no dense
 * hashed rows (w NULL): its hashed weights live only in a filter's int16
 * matrix, so it predicts through the filter alone.
 */
#ifndef GG_FILTER_MODEL_H
#define GG_FILTER_MODEL_H
#include "filter/feat.h"
#include <math.h>
#include <stddef.h>
#include <stdio.h>

typedef struct gg_filter_model {
    char *name;       /* head name: "abusive", "lang", "topics" … */
    unsigned bits;    /* hash bits the features were built with */
    int ncol;         /* columns (logits) */
    int exclusive;    /* 1: multi-class, pick one; 0: independent columns */
    char **labels;    /* ncol label names */
    float *w;         /* dense, feature-major: w[f * ncol + c], f < 2^bits + NEXTRA;
                       * NULL in a lean model */
    float *wx;        /* the GG_FILTER_NEXTRA extra rows: wx[k * ncol + c] is feature
                       * 2^bits + k; inside w in a dense model, its own array in a lean one */
    float *b;         /* ncol biases */
    double *thresh;   /* ncol decision thresholds on the probability (default 0.5) */
    size_t w_mapped;  /* bytes of w's own mapping (a large head), 0: w is from malloc */
} gg_filter_model;

/** A training set: n sparse documents in liblinear form plus an n×ncol 0/1
 *  label matrix (multi-label) or an n-vector of class ids (exclusive). */
typedef struct gg_filter_ds {
    size_t n, cap;
    unsigned bits;
    void *x;          /* struct feature_node ** (liblinear), built lazily */
    void *pool;       /* struct feature_node[] */
    size_t pool_len, pool_cap;
    size_t *off;      /* per doc start in pool */
} gg_filter_ds;

void gg_filter_ds_init(gg_filter_ds *ds, unsigned bits);
void gg_filter_ds_dispose(gg_filter_ds *ds);
/** Append one document (copies fv, sorting indices). */
void gg_filter_ds_add(gg_filter_ds *ds, const gg_filter_fv *fv);

/**
 * Train a model with ncol columns on ds. y is n×ncol 0/1 (row-major). Each
 * column is an L2-regularized logistic regression (liblinear L2R_LR, which
 * is deterministic) with cost C; pos_weight > 0 multiplies the cost of the
 * positive examples (1 = none). rows, when not NULL, restricts training to
 * those nrows document indices (cross-validation). *out owned by the caller
 * (gg_filter_model_free). GG_EINVAL when a column has a single class.
 */
int gg_filter_model_train(gg_filter_model **out, const gg_filter_ds *ds, const size_t *rows,
                          size_t nrows, const unsigned char *y, const char *name,
                          const char *const *labels, int ncol, int exclusive, double C,
                          double pos_weight);

/** A zero model (weights 0, thresholds 0.5) with copies of labels; caller frees. */
gg_filter_model *gg_filter_model_new(const char *name, unsigned bits, int ncol, int exclusive,
                                     const char *const *labels);
void gg_filter_model_free(gg_filter_model *m);

/** Write m to path (binary, sparse rows); 0, GG_EIO, GG_EINVAL (a lean model). */
int gg_filter_model_save(const gg_filter_model *m, const char *path);
/** Read a model written by gg_filter_model_save; 0, GG_EIO (cannot open),
 *  GG_EINVAL (bad file: truncated, or rows not in ascending feature order). */
int gg_filter_model_load(gg_filter_model **out, const char *path);

/**
 * A .glm file mapped whole, for readers that need its non-zero rows and
 * not a dense array (gg_filter_open builds its int16 matrix from them).
 * `m` is a lean model (w NULL; labels, biases, thresholds and the extra
 * rows filled); take it by setting g->m to NULL, else gg_filter_glm_close
 * frees it. `rows` points into the mapping: nrow records of rec = 4 +
 * 4 * ncol bytes (u32 feature, ncol f32 weights; unaligned), features
 * strictly ascending and below 2^bits. amax[c]: the largest |weight| of
 * column c over those rows (0 when none), the same as over the dense array.
 */
typedef struct gg_filter_glm {
    gg_filter_model *m;
    const unsigned char *rows;
    size_t nrow, rec;
    float *amax;    /* ncol */
    void *map;      /* the file's mapping */
    size_t map_len;
} gg_filter_glm;

/** Map and check the file at path into *out; 0, GG_EIO (cannot open),
 *  GG_EINVAL (bad file, as gg_filter_model_load). On error *out is empty. */
int gg_filter_glm_open(gg_filter_glm *out, const char *path);
/** Unmap, and free the model unless it was taken. Accepts an empty one. */
void gg_filter_glm_close(gg_filter_glm *g);

/** Logits of fv into scores[ncol]; m must not be lean. */
void gg_filter_model_logits(const gg_filter_model *m, const gg_filter_fv *fv, float *scores);
/** Probabilities into p[ncol]; exclusive models sum to 1. Returns the argmax. */
int gg_filter_model_prob(const gg_filter_model *m, const gg_filter_fv *fv, float *p);
/** Turn logits into probabilities in place (same rule as gg_filter_model_prob). */
int gg_filter_model_squash(const gg_filter_model *m, float *p);

/** The rest of gg_filter_model_squash once p holds the sigmoids: an
 *  exclusive head's normalized, and the argmax. */
int gg_filter_model_finish(const gg_filter_model *m, float *p);

/** A head's probability from its logit: every path (the scalar loops and
 *  the vector one below) gives exactly these floats. */
static inline float gg_filter_sigmoid(float x)
{
    return 1.0f / (1.0f + expf(-x));
}

/** p[c] = gg_filter_sigmoid(p[c]) for c < n with vector instructions, the
 *  same floats; 0 (p untouched) on a CPU without AVX2 and FMA. Exposed for
 *  tests. */
int gg_filter__sigmoid_vec(float *p, int n);

/** Index of label name in m, or -1. */
int gg_filter_model_label(const gg_filter_model *m, const char *label);

#endif
