/*
 * train.c — recipes that build every head from the staged corpora, retrain
 * one head from a reviewers' CSV, and measure quality (filter layer).
 * Each binary column is the average of two L2-regularized logistic
 * regressions, a plain one and one on naive-Bayes-scaled features (NBSVM
 * style); both are linear, so the average folds into one weight vector and
 * costs nothing at prediction. A tuned decision threshold is folded into the
 * bias, so every shipped probability decides at 0.5. Columns train on two
 * threads; results do not depend on the thread schedule.
 */
#include "filter/train.h"
#include "core/alloc.h"
#include "core/err.h"
#include "filter/csv.h"
#include "filter/filter.h"
#include "filter/parallel.h"
#include "filter/coord.h"
#include "filter/dedup.h"
#include "text/gazetteer.h"
#include <linear.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define NTHREAD 2

/* ---------------------------------------------------------------- corpus */

typedef struct corpus {
    size_t n, cap;
    int ncol;
    char **text;
    unsigned char *y; /* n × ncol */
    uint64_t *group;  /* cross-validation group (0: use the text key) */
    uint64_t *key;    /* hash of the canonical text, set by featurize */
} corpus;

static void corpus_init(corpus *c, int ncol)
{
    memset(c, 0, sizeof *c);
    c->ncol = ncol;
}

static void corpus_dispose(corpus *c)
{
    for (size_t i = 0; i < c->n; i++)
        gg_free(c->text[i]);
    gg_free(c->text);
    gg_free(c->y);
    gg_free(c->group);
    gg_free(c->key);
    memset(c, 0, sizeof *c);
}

static unsigned char *corpus_add(corpus *c, const char *text, uint64_t group)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->text = gg_realloc(c->text, c->cap * sizeof *c->text);
        c->y = gg_realloc(c->y, c->cap * (size_t)c->ncol);
        c->group = gg_realloc(c->group, c->cap * sizeof *c->group);
    }
    c->text[c->n] = gg_strdup(text);
    c->group[c->n] = group;
    unsigned char *y = c->y + c->n * (size_t)c->ncol;
    memset(y, 0, (size_t)c->ncol);
    c->n++;
    return y;
}

static uint64_t mixkey(uint64_t k)
{
    k ^= k >> 31;
    k *= 0x7fb5d329728ea185ULL;
    k ^= k >> 27;
    return k;
}

/* Features of every document into ds; stage1 != NULL adds the stage 2
 * extras. Also fills c->key (canonical-text hash, for splits). */
static void featurize(corpus *c, gg_filter_ds *ds, const gg_filter *stage1, unsigned bits)
{
    gg_filter_scratch s;
    gg_filter_result r;
    gg_filter_scratch_init(&s);
    gg_filter_ds_init(ds, bits);
    gg_free(c->key);
    c->key = gg_malloc((c->n ? c->n : 1) * sizeof *c->key);
    for (size_t i = 0; i < c->n; i++) {
        size_t len = strlen(c->text[i]);
        if (stage1)
            gg_filter_features(stage1, &s, c->text[i], len, &r);
        else
            gg_filter_text_features(&s, c->text[i], len, bits);
        size_t cl;
        const char *canon = gg_filter_fv_canon(&s.fv, &cl);
        c->key[i] = XXH64(canon, cl, 7);
        gg_filter_ds_add(ds, &s.fv);
    }
    gg_filter_scratch_dispose(&s);
}

/* ------------------------------------------------------------ column fits */

static size_t nfeat(const gg_filter_ds *ds)
{
    return ((size_t)1 << ds->bits) + GG_FILTER_NEXTRA;
}

static float row_logit(const gg_filter_ds *ds, size_t r, const float *w, float b)
{
    const struct feature_node *x = (const struct feature_node *)ds->pool + ds->off[r];
    size_t nf = nfeat(ds);
    float s = b;
    for (; x->index > 0; x++)
        if ((size_t)x->index <= nf)
            s += (float)x->value * w[x->index - 1];
    return s;
}

static void plain_fit(const gg_filter_ds *ds, const size_t *rows, size_t nrows,
                      const unsigned char *ycol, double C, double pw, float *w, float *b)
{
    gg_filter_model *m = NULL;
    const char *lab[1] = {"x"};
    size_t nf = nfeat(ds);
    if (gg_filter_model_train(&m, ds, rows, nrows, ycol, "x", lab, 1, 0, C, pw) != 0) {
        memset(w, 0, nf * sizeof *w);
        *b = 0;
        return;
    }
    memcpy(w, m->w, nf * sizeof *w);
    *b = m->b[0];
    gg_filter_model_free(m);
}

/* One column: average of plain LR and NB-scaled LR (when nb), into w, b. */
static void fit_col(const gg_filter_ds *ds, const size_t *rows, size_t nrows,
                    const unsigned char *ycol, double C, int nb, double pw, float *w, float *b)
{
    size_t nf = nfeat(ds);
    plain_fit(ds, rows, nrows, ycol, C, pw, w, b);
    if (!nb)
        return;
    /* NB log-count ratio over presence counts, alpha = 1 */
    double *p = gg_calloc(nf, sizeof *p), *q = gg_calloc(nf, sizeof *q);
    for (size_t i = 0; i < nrows; i++) {
        const struct feature_node *x = (const struct feature_node *)ds->pool + ds->off[rows[i]];
        double *t = ycol[rows[i]] ? p : q;
        for (; x->index > 0; x++)
            if ((size_t)x->index <= nf && x->value != 0)
                t[x->index - 1] += 1;
    }
    double sp = 0, sq = 0;
    for (size_t f = 0; f < nf; f++) {
        sp += p[f] + 1;
        sq += q[f] + 1;
    }
    float *r = gg_malloc(nf * sizeof *r);
    for (size_t f = 0; f < nf; f++)
        r[f] = (float)(log((p[f] + 1) / sp) - log((q[f] + 1) / sq));
    gg_free(p);
    gg_free(q);
    /* a private scaled copy of the pool: columns train concurrently */
    gg_filter_ds sc = *ds;
    struct feature_node *pool = gg_malloc(ds->pool_len * sizeof *pool);
    memcpy(pool, ds->pool, ds->pool_len * sizeof *pool);
    for (size_t i = 0; i < ds->pool_len; i++)
        if (pool[i].index > 0 && (size_t)pool[i].index <= nf)
            pool[i].value *= r[pool[i].index - 1];
    sc.pool = pool;
    sc.x = NULL;
    float *w2 = gg_malloc(nf * sizeof *w2), b2;
    plain_fit(&sc, rows, nrows, ycol, C, pw, w2, &b2);
    for (size_t f = 0; f < nf; f++)
        w[f] = 0.5f * (w[f] + w2[f] * r[f]);
    *b = 0.5f * (*b + b2);
    gg_free(w2);
    gg_free(pool);
    gg_free(r);
}

/* ------------------------------------------------------------ head fits */

typedef struct hspec {
    const char *name;
    const char *const *labels;
    int ncol;
    int exclusive;
    int nb;      /* NB-scaled ensemble */
    double C;    /* cost, or the centre of the grid {C/4, C, 4C} */
    int tune;    /* tune C and thresholds on a dev fold of the rows */
    double pw;   /* positive-class cost weight */
    double mnb;  /* > 0: add a multinomial naive Bayes vote with this smoothing */
    double th;   /* decision threshold when not tuned (0: 0.5) */
    int calib;   /* multi-label: thresholds from out-of-fold predictions on the
                    head's own rows (1: one shared, 2: then per column) */
} hspec;

typedef struct coljob {
    const gg_filter_ds *ds;
    const size_t *rows;
    size_t nrows;
    const unsigned char *y; /* n × ncol */
    const hspec *h;
    double C;
    float *w; /* ncol × nf, column-major here */
    float *b;
    int next;
    pthread_mutex_t mu;
} coljob;

static void *col_worker(void *arg)
{
    coljob *j = arg;
    size_t nf = nfeat(j->ds), n = j->ds->n;
    unsigned char *ycol = gg_malloc(n ? n : 1);
    for (;;) {
        pthread_mutex_lock(&j->mu);
        int c = j->next++;
        pthread_mutex_unlock(&j->mu);
        if (c >= j->h->ncol)
            break;
        for (size_t r = 0; r < n; r++)
            ycol[r] = j->y[r * (size_t)j->h->ncol + (size_t)c];
        fit_col(j->ds, j->rows, j->nrows, ycol, j->C, j->h->nb, j->h->pw, j->w + (size_t)c * nf,
                &j->b[c]);
    }
    gg_free(ycol);
    return NULL;
}

/* Fit every column of h at cost C into w (ncol × nf) and b. */
static void fit_cols(const gg_filter_ds *ds, const size_t *rows, size_t nrows,
                     const unsigned char *y, const hspec *h, double C, float *w, float *b)
{
    coljob j = {ds, rows, nrows, y, h, C, w, b, 0, PTHREAD_MUTEX_INITIALIZER};
    pthread_t t[NTHREAD];
    int nt = h->ncol < NTHREAD ? h->ncol : NTHREAD;
    for (int i = 0; i < nt; i++)
        pthread_create(&t[i], NULL, col_worker, &j);
    for (int i = 0; i < nt; i++)
        pthread_join(t[i], NULL);
}

static double sigm(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

static double f1(long tp, long fp, long fn)
{
    return tp ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0;
}

/* Dev score of weights w/b on rows: macro-F1 (exclusive) or mean best-F1 of
 * the columns, with each column's best threshold into th. */
static double dev_score(const gg_filter_ds *ds, const size_t *rows, size_t nrows,
                        const unsigned char *y, const hspec *h, const float *w, const float *b,
                        double *th)
{
    size_t nf = nfeat(ds), ncol = (size_t)h->ncol;
    float *s = gg_malloc(nrows * ncol * sizeof *s);
    for (size_t i = 0; i < nrows; i++)
        for (size_t c = 0; c < ncol; c++)
            s[i * ncol + c] = row_logit(ds, rows[i], w + c * nf, b[c]);
    double total = 0;
    if (h->exclusive) {
        for (size_t c = 0; c < ncol; c++) {
            long tp = 0, fp = 0, fn = 0;
            for (size_t i = 0; i < nrows; i++) {
                size_t best = 0;
                for (size_t k = 1; k < ncol; k++)
                    if (s[i * ncol + k] > s[i * ncol + best])
                        best = k;
                int gold = y[rows[i] * ncol + c] != 0, pred = best == c;
                tp += gold && pred;
                fp += !gold && pred;
                fn += gold && !pred;
            }
            total += f1(tp, fp, fn);
            th[c] = 0.5;
        }
    } else {
        for (size_t c = 0; c < ncol; c++) {
            double best = -1;
            th[c] = 0.5;
            for (int k = 0; k <= 12; k++) {
                double t = 0.2 + 0.05 * k;
                long tp = 0, fp = 0, fn = 0;
                for (size_t i = 0; i < nrows; i++) {
                    int gold = y[rows[i] * ncol + c] != 0;
                    int pred = sigm(s[i * ncol + c]) >= t;
                    tp += gold && pred;
                    fp += !gold && pred;
                    fn += gold && !pred;
                }
                double v = f1(tp, fp, fn);
                /* ties go to the threshold nearest 0.5 */
                if (v > best + 1e-9 || (fabs(v - best) <= 1e-9 && fabs(t - 0.5) < fabs(th[c] - 0.5))) {
                    best = v;
                    th[c] = t;
                }
            }
            total += best;
        }
    }
    gg_free(s);
    return total / (double)ncol;
}

/* Multinomial naive Bayes over the feature values of an exclusive head:
 * w[c][f] = log P(f | c), b[c] = log P(c); linear in the features, so it
 * shares the model format. alpha: additive smoothing. */
static void fit_mnb(const gg_filter_ds *ds, const size_t *rows, size_t nrows,
                    const unsigned char *y, int ncol, double alpha, float *w, float *b)
{
    size_t nf = nfeat(ds);
    double *cnt = gg_calloc(nf * (size_t)ncol, sizeof *cnt), *tot = gg_calloc((size_t)ncol, sizeof *tot);
    double *docs = gg_calloc((size_t)ncol, sizeof *docs);
    for (size_t i = 0; i < nrows; i++) {
        size_t r = rows[i];
        int c = 0;
        while (c < ncol && !y[r * (size_t)ncol + (size_t)c])
            c++;
        if (c == ncol)
            continue;
        docs[c] += 1;
        const struct feature_node *x = (const struct feature_node *)ds->pool + ds->off[r];
        for (; x->index > 0; x++)
            if ((size_t)x->index <= nf) {
                cnt[(size_t)c * nf + (size_t)x->index - 1] += x->value;
                tot[c] += x->value;
            }
    }
    double nd = 0;
    for (int c = 0; c < ncol; c++)
        nd += docs[c];
    for (int c = 0; c < ncol; c++) {
        double den = log(tot[c] + alpha * (double)nf);
        for (size_t f = 0; f < nf; f++)
            w[(size_t)c * nf + f] = (float)(log(cnt[(size_t)c * nf + f] + alpha) - den);
        b[c] = (float)log((docs[c] + 1) / (nd + ncol));
    }
    /* centre each feature's weights over the classes: the argmax is the
     * same, and logits stay near 0 where the sigmoid does not saturate */
    for (size_t f = 0; f < nf; f++) {
        double m = 0;
        for (int c = 0; c < ncol; c++)
            m += w[(size_t)c * nf + f];
        m /= ncol;
        for (int c = 0; c < ncol; c++)
            w[(size_t)c * nf + f] -= (float)m;
    }
    double mb = 0;
    for (int c = 0; c < ncol; c++)
        mb += b[c];
    for (int c = 0; c < ncol; c++)
        b[c] -= (float)(mb / ncol);
    gg_free(cnt);
    gg_free(tot);
    gg_free(docs);
}

#define CALIB_MIN_ROWS 100
#ifndef CALIB_FOLDS
#define CALIB_FOLDS 4
#endif

static double logit(double p)
{
    return log(p / (1 - p));
}

/* Micro-F1 of the topic rule of gg_filter_topic_set over n rows of ncol
 * probabilities p with lexicon bits lex, for raw bars bar[c] (the topic is
 * on at p >= bar) and lexbar[c] (the lower bar when the lexicon named it):
 * the best one when none is on, at most GG_FILTER_TOPIC_MAX, the most
 * probable after folding. Rows with no gold topic are skipped: those are
 * spam, which gets no topic from the kind head, not from this rule. */
static double rule_f1(const float *p, const unsigned *lex, const unsigned char *gold, size_t n,
                      size_t ncol, const double *bar, const double *lexbar)
{
    long tp = 0, fp = 0, fn = 0;
    double qs[32];
    for (size_t i = 0; i < n; i++) {
        unsigned on = 0, any = 0;
        size_t best = 0;
        for (size_t c = 0; c < ncol && c < 32; c++) {
            double q = p[i * ncol + c];
            /* ranks use the folded probability, as gg_filter_topic_set does */
            qs[c] = logit(q < 1e-9 ? 1e-9 : q > 1 - 1e-9 ? 1 - 1e-9 : q) - logit(lexbar[c]);
            if (q >= bar[c] || ((lex[i] >> c & 1) && q >= lexbar[c]))
                on |= 1u << c;
            if (qs[c] > qs[best])
                best = c;
            any |= gold[i * ncol + c];
        }
        if (!any)
            continue;
        if (!on)
            on = 1u << best;
        while (__builtin_popcount(on) > GG_FILTER_TOPIC_MAX) {
            size_t worst = ncol;
            for (size_t c = 0; c < ncol && c < 32; c++)
                if ((on >> c & 1) && (worst == ncol || qs[c] <= qs[worst]))
                    worst = c;
            on &= ~(1u << worst);
        }
        for (size_t c = 0; c < ncol; c++) {
            int g = gold[i * ncol + c] != 0, pr = on >> c & 1;
            tp += g && pr;
            fp += !g && pr;
            fn += g && !pr;
        }
    }
    return f1(tp, fp, fn);
}

/* Bars of a multi-label head chosen on its own training rows only:
 * out-of-fold probabilities from CALIB_FOLDS inner folds grouped by key,
 * then the bar pair shared by all columns that maximizes micro-F1 under the
 * topic rule — bar th[c] for a topic the lexicon did not name and the lower
 * lexbar[c] for one it did (lex_slot: first extra slot of the lexicon bits,
 * columns in order; -1: no lexicon, lexbar = th) — and, for calib 2, each
 * column's bar in turn. Ties go to the lower bars. */
static void calib_thresholds(const gg_filter_ds *ds, const size_t *rows, size_t nrows,
                             const unsigned char *y, const uint64_t *key, const hspec *h, double C,
                             int lex_slot, double *th, double *lexbar, FILE *lg)
{
    size_t nf = nfeat(ds), ncol = (size_t)h->ncol;
    float *w = gg_malloc(ncol * nf * sizeof *w), *b = gg_malloc(ncol * sizeof *b);
    float *p = gg_malloc((nrows ? nrows : 1) * ncol * sizeof *p);
    unsigned *lex = gg_calloc(nrows ? nrows : 1, sizeof *lex);
    unsigned char *gold = gg_malloc((nrows ? nrows : 1) * ncol);
    size_t *fit = gg_malloc((nrows ? nrows : 1) * sizeof *fit);
    size_t *held = gg_malloc((nrows ? nrows : 1) * sizeof *held), n = 0;
    for (int k = 0; k < CALIB_FOLDS; k++) {
        size_t nfit = 0, nheld = 0;
        for (size_t i = 0; i < nrows; i++) {
            if (mixkey(key[rows[i]] ^ 0xca11b) % CALIB_FOLDS == (uint64_t)k)
                held[nheld++] = rows[i];
            else
                fit[nfit++] = rows[i];
        }
        if (!nheld || !nfit)
            continue;
        fit_cols(ds, fit, nfit, y, h, C, w, b);
        for (size_t j = 0; j < nheld; j++, n++) {
            size_t r = held[j];
            for (size_t c = 0; c < ncol; c++) {
                p[n * ncol + c] = (float)sigm(row_logit(ds, r, w + c * nf, b[c]));
                gold[n * ncol + c] = y[r * ncol + c];
            }
            const struct feature_node *x = (const struct feature_node *)ds->pool + ds->off[r];
            size_t base = ((size_t)1 << ds->bits) + (size_t)lex_slot;
            for (; lex_slot >= 0 && x->index > 0; x++)
                if ((size_t)x->index - 1 >= base && (size_t)x->index - 1 < base + ncol &&
                    x->value > 0)
                    lex[n] |= 1u << ((size_t)x->index - 1 - base);
        }
    }
    /* bars on a grid of 0.025: th in [0.2, 0.9], lexbar in [0.05, th] */
    double best = -1, t0 = 0.5, l0 = 0.5;
    for (int g = 0; g <= 28; g++) {
        double t = 0.2 + 0.025 * g;
        for (int gl = 0; gl <= 34; gl++) {
            double l = lex_slot >= 0 ? 0.05 + 0.025 * gl : t;
            if (l > t + 1e-9)
                break;
            for (size_t c = 0; c < ncol; c++) {
                th[c] = t;
                lexbar[c] = l;
            }
            double v = rule_f1(p, lex, gold, n, ncol, th, lexbar);
            if (v > best + 1e-9) {
                best = v;
                t0 = t;
                l0 = l;
            }
            if (lex_slot < 0)
                break;
        }
    }
    for (size_t c = 0; c < ncol; c++) {
        th[c] = t0;
        lexbar[c] = l0;
    }
    for (int pass = 0; h->calib > 1 && pass < 2; pass++)
        for (size_t c = 0; c < ncol; c++) {
            double bc = th[c];
            for (int g = 0; g <= 28; g++) {
                th[c] = 0.2 + 0.025 * g;
                if (th[c] < lexbar[c] - 1e-9)
                    continue;
                double v = rule_f1(p, lex, gold, n, ncol, th, lexbar);
                if (v > best + 1e-9) {
                    best = v;
                    bc = th[c];
                }
            }
            th[c] = bc;
        }
    if (lg)
        fprintf(lg, "  %s: out-of-fold micro-F1 %.4f at bars %.3f, %.3f with the lexicon\n", h->name,
                best, t0, l0);
    gg_free(w);
    gg_free(b);
    gg_free(p);
    gg_free(lex);
    gg_free(gold);
    gg_free(fit);
    gg_free(held);
}

/* Train head h on rows (all docs when rows == NULL); keys choose the dev fold. */
static gg_filter_model *fit_head(const gg_filter_ds *ds, const size_t *rows_in, size_t nrows,
                                 const unsigned char *y, const uint64_t *key, const hspec *h,
                                 FILE *lg)
{
    size_t nf = nfeat(ds), ncol = (size_t)h->ncol;
    size_t *all = NULL;
    const size_t *rows = rows_in;
    if (!rows) {
        nrows = ds->n;
        all = gg_malloc((nrows ? nrows : 1) * sizeof *all);
        for (size_t i = 0; i < nrows; i++)
            all[i] = i;
        rows = all;
    }
    float *w = gg_malloc(ncol * nf * sizeof *w);
    float *b = gg_malloc(ncol * sizeof *b);
    double *th = gg_malloc(ncol * sizeof *th), *bestth = gg_malloc(ncol * sizeof *bestth);
    double bestC = h->C;
    for (size_t c = 0; c < ncol; c++)
        bestth[c] = 0.5;
    if (h->tune) {
        size_t *fit = gg_malloc(nrows * sizeof *fit), *dev = gg_malloc(nrows * sizeof *dev);
        size_t nfit = 0, ndev = 0;
        for (size_t i = 0; i < nrows; i++) {
            if (mixkey(key[rows[i]] ^ 0x5eed) % 5 == 3)
                dev[ndev++] = rows[i];
            else
                fit[nfit++] = rows[i];
        }
        double grid[3] = {h->C / 4, h->C, h->C * 4}, best = -1;
        for (int g = 0; g < 3; g++) {
            fit_cols(ds, fit, nfit, y, h, grid[g], w, b);
            double v = dev_score(ds, dev, ndev, y, h, w, b, th);
            if (lg)
                fprintf(lg, "  %s: C=%g dev score %.4f\n", h->name, grid[g], v);
            if (v > best + 1e-9) {
                best = v;
                bestC = grid[g];
                memcpy(bestth, th, ncol * sizeof *th);
            }
        }
        gg_free(fit);
        gg_free(dev);
    }
    /* with fewer rows the inner folds are too small to say anything */
    int calibrated = h->calib && !h->exclusive && nrows >= CALIB_MIN_ROWS;
    int lexical = h->labels == gg_filter_topics;
    double *lexbar = gg_malloc(ncol * sizeof *lexbar);
    if (calibrated)
        calib_thresholds(ds, rows, nrows, y, key, h, bestC, lexical ? GG_FX_TOPIC : -1, bestth,
                         lexbar, lg);
    fit_cols(ds, rows, nrows, y, h, bestC, w, b);
    if (h->mnb > 0) {
        /* add a naive Bayes vote: it generalizes differently from the
         * regression on closely related languages */
        float *w2 = gg_malloc(ncol * nf * sizeof *w2), *b2 = gg_malloc(ncol * sizeof *b2);
        fit_mnb(ds, rows, nrows, y, h->ncol, h->mnb, w2, b2);
        for (size_t i = 0; i < ncol * nf; i++)
            w[i] += w2[i];
        for (size_t c = 0; c < ncol; c++)
            b[c] += b2[c];
        gg_free(w2);
        gg_free(b2);
    }
    gg_filter_model *m = gg_filter_model_new(h->name, ds->bits, h->ncol, h->exclusive, h->labels);
    for (size_t c = 0; c < ncol; c++) {
        for (size_t f = 0; f < nf; f++)
            m->w[f * ncol + c] = w[c * nf + f];
        /* fold the threshold into the bias: p >= th  <=>  logit - logit(th) >= 0 */
        double t = h->exclusive       ? 0.5
                   : h->tune || calibrated ? bestth[c]
                   : h->th > 0         ? h->th
                                       : 0.5;
        m->b[c] = (float)(b[c] - log(t / (1 - t)));
        m->thresh[c] = 0.5;
        if (calibrated && lexical) {
            /* two bars: fold the lexicon bar onto GG_FILTER_LEX_TH, and keep
             * the other as this column's threshold on the folded scale */
            double o = logit(lexbar[c]) - logit(GG_FILTER_LEX_TH);
            m->b[c] = (float)(b[c] - o);
            m->thresh[c] = sigm(logit(bestth[c]) - o);
        }
    }
    if (lg)
        fprintf(lg, "%s: %zu docs, C=%g\n", h->name, nrows, bestC);
    gg_free(w);
    gg_free(b);
    gg_free(th);
    gg_free(bestth);
    gg_free(lexbar);
    gg_free(all);
    return m;
}

/* ------------------------------------------------------------ metrics */

typedef struct prf {
    long tp, fp, fn, n;
} prf;

static void prf_add(prf *p, int gold, int pred)
{
    p->tp += gold && pred;
    p->fp += !gold && pred;
    p->fn += gold && !pred;
    p->n += gold;
}

static double prf_f1(prf p)
{
    return f1(p.tp, p.fp, p.fn);
}

static void prf_print(FILE *out, const char *label, prf p)
{
    double P = p.tp + p.fp ? (double)p.tp / (double)(p.tp + p.fp) : 0;
    double R = p.tp + p.fn ? (double)p.tp / (double)(p.tp + p.fn) : 0;
    fprintf(out, "  %-18s P %.4f  R %.4f  F1 %.4f  (support %ld)\n", label, P, R, prf_f1(p), p.n);
}

/* ------------------------------------------------------------ corpora */

static int open_csv(gg_filter_csv *csv, const char *dir, const char *rel, FILE *lg)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    int rc = gg_filter_csv_read(csv, path);
    if (rc && lg)
        fprintf(lg, "cannot read %s (%s)\n", path, gg_err_name(rc));
    return rc;
}

/* Hate-speech tweets: columns HS, Abusive, then the 7 detail columns. */
#define HATE_NCOL 9
static const char *const hate_cols[HATE_NCOL] = {
    "HS",        "Abusive", "HS_Individual", "HS_Group", "HS_Religion",
    "HS_Race",   "HS_Physical", "HS_Gender", "HS_Other"};

static int load_hate(corpus *c, const char *dir, FILE *lg)
{
    gg_filter_csv csv;
    int rc = open_csv(&csv, dir, "id-multilabel-hatespeech/train.csv", lg);
    if (rc)
        return rc;
    int ct = gg_filter_csv_col(&csv, "Tweet"), cy[HATE_NCOL];
    for (int k = 0; k < HATE_NCOL; k++)
        cy[k] = gg_filter_csv_col(&csv, hate_cols[k]);
    corpus_init(c, HATE_NCOL);
    for (size_t r = 0; r < csv.nrow; r++) {
        unsigned char *y = corpus_add(c, gg_filter_csv_get(&csv, r, ct), 0);
        for (int k = 0; k < HATE_NCOL; k++)
            y[k] = gg_filter_csv_get(&csv, r, cy[k])[0] == '1';
    }
    gg_filter_csv_dispose(&csv);
    return 0;
}

static int label_index(const char *const *labels, int n, const char *s, size_t len)
{
    for (int i = 0; i < n; i++)
        if (strlen(labels[i]) == len && strncmp(labels[i], s, len) == 0)
            return i;
    return -1;
}

/* Add rows of dir/rel with a text column and a label column of names. */
static int load_named(corpus *c, const char *dir, const char *rel, const char *tcol,
                      const char *lcol, const char *const *labels, int nlab, FILE *lg)
{
    gg_filter_csv csv;
    int rc = open_csv(&csv, dir, rel, lg);
    if (rc)
        return rc;
    int ct = gg_filter_csv_col(&csv, tcol), cl = gg_filter_csv_col(&csv, lcol);
    for (size_t r = 0; r < csv.nrow; r++) {
        const char *l = gg_filter_csv_get(&csv, r, cl);
        int k = label_index(labels, nlab, l, strlen(l));
        if (k < 0)
            continue;
        corpus_add(c, gg_filter_csv_get(&csv, r, ct), 0)[k] = 1;
    }
    gg_filter_csv_dispose(&csv);
    return 0;
}

/* SMS spam (1 fraud, 2 promotion -> spam) plus ham from tweets and reviews. */
static int load_spam(corpus *c, const char *dir, FILE *lg)
{
    gg_filter_csv csv;
    int rc = open_csv(&csv, dir, "sms-spam-id/dataset_sms_spam_v1.csv", lg);
    if (rc)
        return rc;
    corpus_init(c, 1);
    int ct = gg_filter_csv_col(&csv, "Teks"), cl = gg_filter_csv_col(&csv, "label");
    for (size_t r = 0; r < csv.nrow; r++)
        corpus_add(c, gg_filter_csv_get(&csv, r, ct), 0)[0] =
            gg_filter_csv_get(&csv, r, cl)[0] != '0';
    gg_filter_csv_dispose(&csv);
    /* ham: every fourth hate-speech tweet and every eighth review */
    if ((rc = open_csv(&csv, dir, "id-multilabel-hatespeech/train.csv", lg)))
        return rc;
    ct = gg_filter_csv_col(&csv, "Tweet");
    for (size_t r = 0; r < csv.nrow; r += 4)
        corpus_add(c, gg_filter_csv_get(&csv, r, ct), 0);
    gg_filter_csv_dispose(&csv);
    if ((rc = open_csv(&csv, dir, "smsa/train.csv", lg)))
        return rc;
    ct = gg_filter_csv_col(&csv, "text");
    for (size_t r = 0; r < csv.nrow; r += 8)
        corpus_add(c, gg_filter_csv_get(&csv, r, ct), 0);
    gg_filter_csv_dispose(&csv);
    return 0;
}

/* aspirasi-dev: stage 2 labels, columns topics(12) kind(8) constructive(1) */
#define DEV_NCOL (GG_FILTER_NTOPIC + GG_FILTER_NKIND + 1)
#define DEV_KIND GG_FILTER_NTOPIC
#define DEV_CONS (GG_FILTER_NTOPIC + GG_FILTER_NKIND)

static int load_dev(corpus *c, const char *dir, FILE *lg)
{
    gg_filter_csv csv;
    int rc = open_csv(&csv, dir, "aspirasi-dev/dev.csv", lg);
    if (rc)
        return rc;
    corpus_init(c, DEV_NCOL);
    int ct = gg_filter_csv_col(&csv, "text"), cto = gg_filter_csv_col(&csv, "topics"),
        ck = gg_filter_csv_col(&csv, "kind"), cc = gg_filter_csv_col(&csv, "constructive"),
        cg = gg_filter_csv_col(&csv, "coordinated_group"), ci = gg_filter_csv_col(&csv, "id");
    for (size_t r = 0; r < csv.nrow; r++) {
        const char *g = gg_filter_csv_get(&csv, r, cg);
        if (!*g)
            g = gg_filter_csv_get(&csv, r, ci);
        unsigned char *y = corpus_add(c, gg_filter_csv_get(&csv, r, ct), XXH64(g, strlen(g), 3) | 1);
        const char *t = gg_filter_csv_get(&csv, r, cto);
        while (*t) {
            size_t l = strcspn(t, ";");
            int k = label_index(gg_filter_topics, GG_FILTER_NTOPIC, t, l);
            if (k >= 0)
                y[k] = 1;
            t += l;
            if (*t == ';')
                t++;
        }
        const char *kd = gg_filter_csv_get(&csv, r, ck);
        int k = label_index(gg_filter_kinds, GG_FILTER_NKIND, kd, strlen(kd));
        if (k >= 0)
            y[DEV_KIND + k] = 1;
        y[DEV_CONS] = gg_filter_csv_get(&csv, r, cc)[0] == '1';
    }
    gg_filter_csv_dispose(&csv);
    return 0;
}

/* y columns [from, from + ncol) of c as a contiguous n × ncol matrix */
static unsigned char *ycols(const corpus *c, int from, int ncol)
{
    unsigned char *y = gg_malloc(c->n * (size_t)ncol + 1);
    for (size_t i = 0; i < c->n; i++)
        memcpy(y + i * (size_t)ncol, c->y + i * (size_t)c->ncol + from, (size_t)ncol);
    return y;
}

/* ------------------------------------------------------------ head recipes */

static const char *const one_abusive[1] = {"abusive"};
static const char *const one_hate[1] = {"hate"};
static const char *const one_spam[1] = {"spam"};
static const char *const one_cons[1] = {"constructive"};

static const hspec spec_abusive = {"abusive", one_abusive, 1, 0, 1, 4, 1, 1, 0, 0, 0};
static const hspec spec_hate = {"hate", one_hate, 1, 0, 1, 4, 1, 1, 0, 0, 0};
static const hspec spec_hatex = {"hate-detail", gg_filter_hatex, GG_FILTER_NHATEX, 0, 0, 4, 1, 1, 0, 0, 0};
static const hspec spec_spam = {"spam", one_spam, 1, 0, 1, 4, 1, 1, 0, 0, 0};
static const hspec spec_sent = {"sentiment", gg_filter_sentiments, 3, 1, 1, 4, 1, 1, 0, 0, 0};
static const hspec spec_lang = {"lang", gg_filter_langs, GG_FILTER_NLANG, 1, 1, 64, 0, 1, 0.5, 0, 0};
#ifndef TOPIC_C
#define TOPIC_C 16
#endif
#ifndef TOPIC_NB
#define TOPIC_NB 0
#endif
#ifndef TOPIC_TH
#define TOPIC_TH 0.4
#endif
#ifndef TOPIC_CALIB
#define TOPIC_CALIB 1
#endif
static const hspec spec_topics = {"topics", gg_filter_topics, GG_FILTER_NTOPIC, 0, TOPIC_NB, TOPIC_C, 0, 1, 0, TOPIC_TH, TOPIC_CALIB};
static const hspec spec_kind = {"kind", gg_filter_kinds, GG_FILTER_NKIND, 1, 0, 4, 0, 1, 0, 0, 0};
static const hspec spec_cons = {"constructive", one_cons, 1, 0, 0, 4, 0, 1, 0, 0, 0};

/* Rows i with y[i][col] set, for heads trained on a subset (hate detail). */
static size_t rows_where(const corpus *c, int col, const size_t *from, size_t nfrom, size_t *out)
{
    size_t n = 0;
    for (size_t k = 0; k < nfrom; k++) {
        size_t i = from ? from[k] : k;
        if (c->y[i * (size_t)c->ncol + (size_t)col])
            out[n++] = i;
    }
    return n;
}

typedef struct hate_models {
    gg_filter_model *abusive, *hate, *hatex;
} hate_models;

/* Train the three hate-speech heads on rows (NULL: all). */
static void train_hate(const corpus *c, const gg_filter_ds *ds, const size_t *rows, size_t nrows,
                       hate_models *out, FILE *lg)
{
    unsigned char *yh = ycols(c, 0, 1), *ya = ycols(c, 1, 1), *yx = ycols(c, 2, GG_FILTER_NHATEX);
    size_t n = rows ? nrows : c->n;
    size_t *hs = gg_malloc((n ? n : 1) * sizeof *hs);
    size_t nhs = rows_where(c, 0, rows, n, hs);
    out->hate = fit_head(ds, rows, nrows, yh, c->key, &spec_hate, lg);
    out->abusive = fit_head(ds, rows, nrows, ya, c->key, &spec_abusive, lg);
    out->hatex = fit_head(ds, hs, nhs, yx, c->key, &spec_hatex, lg);
    gg_free(hs);
    gg_free(yh);
    gg_free(ya);
    gg_free(yx);
}

/* Key of the first 12 alphanumeric tokens, lower-cased: the staging's
 * leak-check key, to keep NusaX test sentences out of sentiment training. */
static uint64_t key12(const char *s)
{
    char buf[1024];
    size_t o = 0;
    int tok = 0, in = 0;
    for (; *s && tok < 12 && o + 2 < sizeof buf; s++) {
        unsigned char ch = (unsigned char)*s;
        int al = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z');
        if (al) {
            buf[o++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
            in = 1;
        } else if (in) {
            buf[o++] = ' ';
            in = 0;
            tok++;
        }
    }
    return XXH64(buf, o, 12);
}

/* Sentiment corpus: SmSA train + NusaX train/valid, minus rows whose key12
 * is in avoid (NULL: keep all). */
static int load_sentiment(corpus *c, const char *dir, const uint64_t *avoid, size_t navoid,
                          FILE *lg)
{
    int rc;
    corpus_init(c, 3);
    if ((rc = load_named(c, dir, "smsa/train.csv", "text", "label", gg_filter_sentiments, 3, lg)) ||
        (rc = load_named(c, dir, "nusax-senti-ind/train.csv", "text", "label",
                         gg_filter_sentiments, 3, lg)) ||
        (rc = load_named(c, dir, "nusax-senti-ind/valid.csv", "text", "label",
                         gg_filter_sentiments, 3, lg)))
        return rc;
    if (!avoid)
        return 0;
    size_t o = 0, dropped = 0;
    for (size_t i = 0; i < c->n; i++) {
        uint64_t k = key12(c->text[i]);
        int bad = 0;
        for (size_t j = 0; j < navoid && !bad; j++)
            bad = avoid[j] == k;
        if (bad) {
            gg_free(c->text[i]);
            dropped++;
            continue;
        }
        c->text[o] = c->text[i];
        memmove(c->y + o * 3, c->y + i * 3, 3);
        c->group[o] = c->group[i];
        o++;
    }
    c->n = o;
    if (lg)
        fprintf(lg, "sentiment: %zu training rows overlap the test set, dropped\n", dropped);
    return 0;
}

/* NusaX-LID, each row's group set to its parallel sentence (parallel.h). */
static int load_lang(corpus *c, const char *dir, FILE *lg)
{
    corpus_init(c, GG_FILTER_NLANG);
    int rc = load_named(c, dir, "nusax-lid/train.csv", "text", "lang", gg_filter_langs,
                        GG_FILTER_NLANG, lg);
    if (rc)
        return rc;
    int *lang = gg_malloc((c->n ? c->n : 1) * sizeof *lang);
    for (size_t i = 0; i < c->n; i++) {
        lang[i] = 0;
        while (lang[i] < GG_FILTER_NLANG - 1 && !c->y[i * GG_FILTER_NLANG + (size_t)lang[i]])
            lang[i]++;
    }
    gg_filter__parallel_groups((const char *const *)c->text, lang, c->n, GG_FILTER_NLANG,
                               c->group);
    for (size_t i = 0; i < c->n; i++)
        c->group[i] = mixkey(c->group[i] + 0x9a7a11e1) | 1;
    gg_free(lang);
    return 0;
}

/* Stage 1 heads trained on the full corpora, set into f. */
static int train_stage1(gg_filter *f, const char *dir, unsigned bits, FILE *lg)
{
    int rc;
    corpus c;
    gg_filter_ds ds;

    if ((rc = load_lang(&c, dir, lg)))
        goto fail;
    featurize(&c, &ds, NULL, bits);
    gg_filter_set(f, GG_HEAD_LANG, fit_head(&ds, NULL, 0, c.y, c.key, &spec_lang, lg));
    gg_filter_ds_dispose(&ds);
    corpus_dispose(&c);

    if ((rc = load_sentiment(&c, dir, NULL, 0, lg)))
        goto fail;
    featurize(&c, &ds, NULL, bits);
    gg_filter_set(f, GG_HEAD_SENTIMENT, fit_head(&ds, NULL, 0, c.y, c.key, &spec_sent, lg));
    gg_filter_ds_dispose(&ds);
    corpus_dispose(&c);

    if ((rc = load_hate(&c, dir, lg)))
        goto fail;
    featurize(&c, &ds, NULL, bits);
    hate_models hm;
    train_hate(&c, &ds, NULL, 0, &hm, lg);
    gg_filter_set(f, GG_HEAD_HATE, hm.hate);
    gg_filter_set(f, GG_HEAD_ABUSIVE, hm.abusive);
    gg_filter_set(f, GG_HEAD_HATEX, hm.hatex);
    gg_filter_ds_dispose(&ds);
    corpus_dispose(&c);

    if ((rc = load_spam(&c, dir, lg)))
        goto fail;
    featurize(&c, &ds, NULL, bits);
    gg_filter_set(f, GG_HEAD_SPAM, fit_head(&ds, NULL, 0, c.y, c.key, &spec_spam, lg));
    gg_filter_ds_dispose(&ds);
    corpus_dispose(&c);
    return 0;
fail:
    corpus_dispose(&c);
    return rc;
}

/* Stage 2 heads on the dev corpus rows (already featurized with extras). */
static void train_stage2(const corpus *c, const gg_filter_ds *ds, const size_t *rows,
                         size_t nrows, gg_filter_model **topics, gg_filter_model **kind,
                         gg_filter_model **cons, FILE *lg)
{
    unsigned char *yt = ycols(c, 0, GG_FILTER_NTOPIC), *yk = ycols(c, DEV_KIND, GG_FILTER_NKIND),
                  *yc = ycols(c, DEV_CONS, 1);
    *topics = fit_head(ds, rows, nrows, yt, c->key, &spec_topics, lg);
    *kind = fit_head(ds, rows, nrows, yk, c->key, &spec_kind, lg);
    *cons = fit_head(ds, rows, nrows, yc, c->key, &spec_cons, lg);
    gg_free(yt);
    gg_free(yk);
    gg_free(yc);
}

static int save(const gg_filter_model *m, const char *out_dir, FILE *lg)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.glm", out_dir, m->name);
    int rc = gg_filter_model_save(m, path);
    if (lg)
        fprintf(lg, "%s %s\n", rc ? "cannot write" : "wrote", path);
    return rc;
}

int gg_filter_train_all(const char *data_dir, const char *out_dir, const char *lexicon_path,
                        FILE *lg)
{
    int rc;
    char cues[4096];
    gg_filter *f = NULL;
    corpus dev;
    gg_filter_ds ds;
    unsigned bits = GG_FILTER_BITS;

    corpus_init(&dev, DEV_NCOL);
    snprintf(cues, sizeof cues, "%s/kind-cues.tsv", out_dir);
    if ((rc = gg_filter_new(&f, cues, lexicon_path)))
        goto done;
    if ((rc = train_stage1(f, data_dir, bits, lg)))
        goto done;
    for (int h = 0; h <= GG_HEAD_SPAM; h++)
        if ((rc = save(gg_filter_get(f, (gg_filter_head)h), out_dir, lg)))
            goto done;
    if ((rc = load_dev(&dev, data_dir, lg)))
        goto done;
    featurize(&dev, &ds, f, bits);
    gg_filter_model *t, *k, *c;
    train_stage2(&dev, &ds, NULL, 0, &t, &k, &c, lg);
    gg_filter_ds_dispose(&ds);
    gg_filter_set(f, GG_HEAD_TOPICS, t);
    gg_filter_set(f, GG_HEAD_KIND, k);
    gg_filter_set(f, GG_HEAD_CONSTRUCTIVE, c);
    for (int h = GG_HEAD_TOPICS; h < GG_HEAD_COUNT; h++)
        if ((rc = save(gg_filter_get(f, (gg_filter_head)h), out_dir, lg)))
            goto done;
done:
    corpus_dispose(&dev);
    gg_filter_close(f);
    return rc;
}

/* ------------------------------------------------------------ CSV tasks */

typedef struct task {
    const char *name;
    gg_filter_head head;
    const hspec *spec;
    int stage2;
} task;

static const task tasks[] = {
    {"abusive", GG_HEAD_ABUSIVE, &spec_abusive, 0},
    {"hate", GG_HEAD_HATE, &spec_hate, 0},
    {"spam", GG_HEAD_SPAM, &spec_spam, 0},
    {"sentiment", GG_HEAD_SENTIMENT, &spec_sent, 0},
    {"lang", GG_HEAD_LANG, &spec_lang, 0},
    {"topics", GG_HEAD_TOPICS, &spec_topics, 1},
    {"kind", GG_HEAD_KIND, &spec_kind, 1},
    {"constructive", GG_HEAD_CONSTRUCTIVE, &spec_cons, 1},
};

static const task *find_task(const char *name)
{
    for (size_t i = 0; i < sizeof tasks / sizeof tasks[0]; i++)
        if (strcmp(tasks[i].name, name) == 0)
            return &tasks[i];
    return NULL;
}

/* Read a text,label CSV for task t into c. Binary labels: 1/0, true/false,
 * or the head's own name. */
static int load_task_csv(corpus *c, const task *t, const char *path, FILE *lg)
{
    gg_filter_csv csv;
    int rc = gg_filter_csv_read(&csv, path);
    if (rc) {
        if (lg)
            fprintf(lg, "cannot read %s (%s)\n", path, gg_err_name(rc));
        return rc;
    }
    const hspec *h = t->spec;
    int ct = gg_filter_csv_col(&csv, "text"), cl = gg_filter_csv_col(&csv, "label");
    if (ct < 0 || cl < 0) {
        if (lg)
            fprintf(lg, "%s: need columns text,label\n", path);
        gg_filter_csv_dispose(&csv);
        return GG_EINVAL;
    }
    corpus_init(c, h->ncol);
    for (size_t r = 0; r < csv.nrow; r++) {
        const char *l = gg_filter_csv_get(&csv, r, cl);
        unsigned char *y = corpus_add(c, gg_filter_csv_get(&csv, r, ct), 0);
        if (h->ncol == 1 && !h->exclusive) {
            y[0] = strcmp(l, "1") == 0 || strcmp(l, "true") == 0 || strcmp(l, h->labels[0]) == 0;
            continue;
        }
        while (*l) {
            size_t n = strcspn(l, ";");
            int k = label_index(h->labels, h->ncol, l, n);
            if (k < 0) {
                if (lg)
                    fprintf(lg, "%s row %zu: unknown label \"%.*s\"\n", path, r + 2, (int)n, l);
                gg_filter_csv_dispose(&csv);
                return GG_EINVAL;
            }
            y[k] = 1;
            l += n;
            if (*l == ';')
                l++;
        }
    }
    gg_filter_csv_dispose(&csv);
    return 0;
}

static int open_models(gg_filter **f, const char *model_dir, const char *lexicon_path,
                       FILE *lg)
{
    int rc = gg_filter_open(f, model_dir, lexicon_path);
    if (rc && lg)
        fprintf(lg, "cannot load models from %s (%s)\n", model_dir, gg_err_name(rc));
    return rc;
}

int gg_filter_train_csv(const char *task_name, const char *csv_path, const char *model_dir,
                        const char *out_dir, const char *lexicon_path, FILE *lg)
{
    int rc;
    const task *t = find_task(task_name);
    gg_filter *f = NULL;
    corpus c;
    gg_filter_ds ds;
    corpus_init(&c, 1);
    if (!t)
        return GG_EINVAL;
    if ((rc = load_task_csv(&c, t, csv_path, lg)))
        goto done;
    if (t->stage2 && (rc = open_models(&f, model_dir, lexicon_path, lg)))
        goto done;
    featurize(&c, &ds, f, f ? gg_filter_get(f, GG_HEAD_LANG) ? gg_filter_get(f, GG_HEAD_LANG)->bits
                                                               : GG_FILTER_BITS
                            : GG_FILTER_BITS);
    /* reviewers' sets are small or large: tune on a dev fold when large */
    hspec h = *t->spec;
    h.tune = c.n >= 400;
    gg_filter_model *m = fit_head(&ds, NULL, 0, c.y, c.key, &h, lg);
    rc = save(m, out_dir, lg);
    gg_filter_model_free(m);
    gg_filter_ds_dispose(&ds);
done:
    corpus_dispose(&c);
    gg_filter_close(f);
    return rc;
}

int gg_filter_eval_csv(const char *task_name, const char *csv_path, const char *model_dir,
                       const char *lexicon_path, FILE *out)
{
    int rc;
    const task *t = find_task(task_name);
    gg_filter *f = NULL;
    gg_filter_scratch s;
    gg_filter_result r;
    corpus c;
    corpus_init(&c, 1);
    gg_filter_scratch_init(&s);
    if (!t) {
        fprintf(out, "unknown task %s\n", task_name);
        rc = GG_EINVAL;
        goto done;
    }
    if ((rc = load_task_csv(&c, t, csv_path, out)) ||
        (rc = open_models(&f, model_dir, lexicon_path, out)))
        goto done;
    if (!gg_filter_get(f, t->head)) {
        fprintf(out, "no %s model in %s\n", t->name, model_dir);
        rc = GG_ENOTFOUND;
        goto done;
    }
    const hspec *h = t->spec;
    prf p[GG_FILTER_NTOPIC];
    memset(p, 0, sizeof p);
    long right = 0;
    for (size_t i = 0; i < c.n; i++) {
        gg_filter_classify(f, &s, c.text[i], strlen(c.text[i]), &r);
        const unsigned char *y = c.y + i * (size_t)c.ncol;
        int pred[GG_FILTER_NTOPIC] = {0};
        switch (t->head) {
        case GG_HEAD_ABUSIVE: pred[0] = r.abusive >= 0.5f; break;
        case GG_HEAD_HATE: pred[0] = r.hate >= 0.5f; break;
        case GG_HEAD_SPAM: pred[0] = r.spam >= 0.5f; break;
        case GG_HEAD_CONSTRUCTIVE: pred[0] = r.constructive >= 0.5f; break;
        case GG_HEAD_SENTIMENT: pred[r.sentiment] = 1; break;
        case GG_HEAD_LANG: pred[r.lang] = 1; break;
        case GG_HEAD_KIND: pred[r.kind] = 1; break;
        case GG_HEAD_TOPICS:
            for (int k = 0; k < GG_FILTER_NTOPIC; k++)
                pred[k] = (r.topic_on >> k) & 1;
            break;
        default: break;
        }
        int all = 1;
        for (int k = 0; k < h->ncol; k++) {
            prf_add(&p[k], y[k], pred[k]);
            all &= (y[k] != 0) == (pred[k] != 0);
        }
        right += all;
    }
    fprintf(out, "%s on %s: %zu rows\n", t->name, csv_path, c.n);
    prf micro = {0, 0, 0, 0};
    double macro = 0;
    for (int k = 0; k < h->ncol; k++) {
        prf_print(out, h->labels[k], p[k]);
        micro.tp += p[k].tp;
        micro.fp += p[k].fp;
        micro.fn += p[k].fn;
        micro.n += p[k].n;
        macro += prf_f1(p[k]);
    }
    if (h->ncol > 1) {
        prf_print(out, "micro", micro);
        fprintf(out, "  macro-F1 %.4f  exact-match accuracy %.4f\n", macro / h->ncol,
                c.n ? (double)right / (double)c.n : 0);
    }
done:
    gg_filter_scratch_dispose(&s);
    corpus_dispose(&c);
    gg_filter_close(f);
    return rc;
}

/* ------------------------------------------------------------ quality */

static void q_hate(const char *dir, unsigned bits, FILE *out)
{
    corpus c;
    gg_filter_ds ds;
    if (load_hate(&c, dir, out))
        return;
    featurize(&c, &ds, NULL, bits);
    size_t *tr = gg_malloc(c.n * sizeof *tr), *te = gg_malloc(c.n * sizeof *te), ntr = 0, nte = 0;
    for (size_t i = 0; i < c.n; i++) {
        /* split on the canonical text: duplicate tweets fall on one side */
        if (mixkey(c.key[i]) % 5 == 0)
            te[nte++] = i;
        else
            tr[ntr++] = i;
    }
    hate_models hm;
    train_hate(&c, &ds, tr, ntr, &hm, getenv("GG_QUALITY_LOG") ? stderr : NULL);
    prf ph = {0, 0, 0, 0}, pa = {0, 0, 0, 0}, px[GG_FILTER_NHATEX];
    memset(px, 0, sizeof px);
    gg_filter_scratch sc;
    gg_filter_scratch_init(&sc);
    for (size_t k = 0; k < nte; k++) {
        size_t i = te[k];
        const unsigned char *y = c.y + i * HATE_NCOL;
        float p[GG_FILTER_NHATEX];
        gg_filter_text_features(&sc, c.text[i], strlen(c.text[i]), bits);
        gg_filter_model_prob(hm.hate, &sc.fv, p);
        prf_add(&ph, y[0], p[0] >= 0.5f);
        gg_filter_model_prob(hm.abusive, &sc.fv, p);
        prf_add(&pa, y[1], p[0] >= 0.5f);
        if (y[0]) {
            gg_filter_model_prob(hm.hatex, &sc.fv, p);
            for (int d = 0; d < GG_FILTER_NHATEX; d++)
                prf_add(&px[d], y[2 + d], p[d] >= 0.5f);
        }
    }
    fprintf(out, "hate speech: id-multilabel-hatespeech train.csv, 80/20 split on the "
                 "canonical-text hash (%zu train, %zu held out)\n",
            ntr, nte);
    prf_print(out, "HS", ph);
    prf_print(out, "Abusive", pa);
    fprintf(out, " detail (on held-out rows with HS = 1):\n");
    for (int d = 0; d < GG_FILTER_NHATEX; d++)
        prf_print(out, gg_filter_hatex[d], px[d]);
    gg_filter_scratch_dispose(&sc);
    gg_filter_model_free(hm.hate);
    gg_filter_model_free(hm.abusive);
    gg_filter_model_free(hm.hatex);
    gg_free(tr);
    gg_free(te);
    gg_filter_ds_dispose(&ds);
    corpus_dispose(&c);
}

static void q_sentiment(const char *dir, unsigned bits, FILE *out)
{
    corpus test, c;
    gg_filter_ds ds;
    corpus_init(&test, 3);
    if (load_named(&test, dir, "nusax-senti-ind/test.csv", "text", "label", gg_filter_sentiments,
                   3, out))
        return;
    uint64_t *avoid = gg_calloc(test.n + 1, sizeof *avoid); /* zeroed: as in lang_fold */
    for (size_t i = 0; i < test.n; i++)
        avoid[i] = key12(test.text[i]);
    if (load_sentiment(&c, dir, avoid, test.n, out) == 0) {
        featurize(&c, &ds, NULL, bits);
        gg_filter_model *m = fit_head(&ds, NULL, 0, c.y, c.key, &spec_sent, NULL);
        prf p[3];
        memset(p, 0, sizeof p);
        long right = 0;
        gg_filter_scratch sc;
        gg_filter_scratch_init(&sc);
        for (size_t i = 0; i < test.n; i++) {
            float pr[3];
            gg_filter_text_features(&sc, test.text[i], strlen(test.text[i]), bits);
            int k = gg_filter_model_prob(m, &sc.fv, pr);
            for (int l = 0; l < 3; l++)
                prf_add(&p[l], test.y[i * 3 + (size_t)l], k == l);
            right += test.y[i * 3 + (size_t)k];
        }
        fprintf(out, "sentiment: trained on SmSA train + NusaX train/valid (rows sharing the "
                     "first 12 tokens with the test set removed), tested on nusax-senti-ind "
                     "test.csv (%zu rows; the official SmSA test set is not staged)\n",
                test.n);
        double macro = 0;
        for (int l = 0; l < 3; l++) {
            prf_print(out, gg_filter_sentiments[l], p[l]);
            macro += prf_f1(p[l]);
        }
        fprintf(out, "  macro-F1 %.4f  accuracy %.4f\n", macro / 3, (double)right / test.n);
        gg_filter_scratch_dispose(&sc);
        gg_filter_model_free(m);
        gg_filter_ds_dispose(&ds);
    }
    corpus_dispose(&c);
    corpus_dispose(&test);
    gg_free(avoid);
}

/* First n whitespace-separated words of s, into buf. */
static const char *first_words(const char *s, int n, char *buf, size_t cap)
{
    size_t o = 0;
    int w = 0;
    while (*s == ' ')
        s++;
    for (; *s && o + 1 < cap; s++) {
        if (*s == ' ' && (o == 0 || buf[o - 1] != ' ') && ++w == n)
            break;
        buf[o++] = *s;
    }
    buf[o] = '\0';
    return buf;
}

/* Counts of one language-ID evaluation. */
typedef struct lang_tally {
    long n, right, right5;
    long per[GG_FILTER_NLANG][2]; /* first five words: rows, right */
    long conf[GG_FILTER_NLANG][GG_FILTER_NLANG];
} lang_tally;

/* Train the language head on the rows outside fold `fold` of 5 (by the
 * hash of split[i]) and tally the held-out rows into t. */
static void lang_fold(const corpus *c, const gg_filter_ds *ds, const uint64_t *split, int fold,
                      unsigned bits, lang_tally *t)
{
    /* zeroed: gcc's link-time pass cannot tell the loop fills what fit_head reads */
    size_t *tr = gg_calloc(c->n + 1, sizeof *tr), *te = gg_calloc(c->n + 1, sizeof *te), ntr = 0,
           nte = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (mixkey(split[i]) % 5 == (uint64_t)fold)
            te[nte++] = i;
        else
            tr[ntr++] = i;
    }
    gg_filter_model *m = fit_head(ds, tr, ntr, c->y, c->key, &spec_lang, NULL);
    gg_filter_scratch sc;
    gg_filter_scratch_init(&sc);
    char buf[1024];
    for (size_t k = 0; k < nte; k++) {
        size_t i = te[k];
        float p[GG_FILTER_NLANG];
        int gold = 0;
        while (!c->y[i * GG_FILTER_NLANG + (size_t)gold])
            gold++;
        gg_filter_text_features(&sc, c->text[i], strlen(c->text[i]), bits);
        int pw = gg_filter_model_prob(m, &sc.fv, p);
        t->n++;
        t->right += pw == gold;
        t->conf[gold][pw]++;
        if (pw != gold && getenv("GG_QUALITY_LOG"))
            fprintf(stderr, "lang error (fold %d): %s>%s %.3f %s\n", fold, gg_filter_langs[gold],
                    gg_filter_langs[pw], p[pw], c->text[i]);
        const char *f5 = first_words(c->text[i], 5, buf, sizeof buf);
        gg_filter_text_features(&sc, f5, strlen(f5), bits);
        int ok5 = gg_filter_model_prob(m, &sc.fv, p) == gold;
        t->right5 += ok5;
        t->per[gold][0]++;
        t->per[gold][1] += ok5;
    }
    gg_filter_scratch_dispose(&sc);
    gg_filter_model_free(m);
    gg_free(tr);
    gg_free(te);
}

static void lang_print(FILE *out, const lang_tally *t)
{
    fprintf(out, "  accuracy whole sentences %.4f (%ld errors in %ld), first five words %.4f\n",
            (double)t->right / (double)t->n, t->n - t->right, t->n,
            (double)t->right5 / (double)t->n);
    fprintf(out, "  first-five-words accuracy per language:");
    for (int l = 0; l < GG_FILTER_NLANG; l++)
        fprintf(out, " %s %.3f", gg_filter_langs[l],
                t->per[l][0] ? (double)t->per[l][1] / (double)t->per[l][0] : 0);
    fprintf(out, "\n  whole-sentence confusions (gold>predicted: count):");
    for (int g = 0; g < GG_FILTER_NLANG; g++)
        for (int q = 0; q < GG_FILTER_NLANG; q++)
            if (g != q && t->conf[g][q])
                fprintf(out, " %s>%s:%ld", gg_filter_langs[g], gg_filter_langs[q], t->conf[g][q]);
    fprintf(out, "\n");
}

/* Language ID on NusaX-LID split by parallel sentence: every translation
 * of a held-out sentence is held out too, as in the real NusaX test split
 * (a split on the text alone leaves them in training, labelled with the
 * other languages, which teaches the model that the sentence's names and
 * numbers are evidence against its own language). Fold 0 of 5 is the
 * 80/20 split; the other four complete a 5-fold cross-validation.
 * GG_LANG_SPLIT=text: the older split on the text hash, for comparison. */
static void q_lang(const char *dir, unsigned bits, FILE *out)
{
    corpus c;
    gg_filter_ds ds;
    if (load_lang(&c, dir, out))
        return;
    featurize(&c, &ds, NULL, bits);
    const char *how = getenv("GG_LANG_SPLIT");
    int by_text = how && strcmp(how, "text") == 0;
    const uint64_t *split = by_text ? c.key : c.group;
    lang_tally t0, all;
    memset(&t0, 0, sizeof t0);
    lang_fold(&c, &ds, split, 0, bits, &t0);
    fprintf(out, "language: nusax-lid train.csv, 80/20 split on the %s (%ld sentences held out)\n",
            by_text ? "text hash" : "parallel sentence", t0.n);
    lang_print(out, &t0);
    all = t0;
    for (int fold = 1; fold < 5 && !getenv("GG_LANG_ONEFOLD"); fold++)
        lang_fold(&c, &ds, split, fold, bits, &all);
    if (all.n > t0.n) {
        fprintf(out, " 5-fold cross-validation, same grouping (every sentence held out once):\n");
        lang_print(out, &all);
    }
    gg_filter_ds_dispose(&ds);
    corpus_dispose(&c);
}

static void q_dev(const char *dir, const char *cue_dir, const char *lexicon_path, unsigned bits,
                  FILE *out)
{
    char cues[4096];
    gg_filter *f = NULL;
    corpus c;
    gg_filter_ds ds;
    corpus_init(&c, DEV_NCOL);
    snprintf(cues, sizeof cues, "%s/kind-cues.tsv", cue_dir);
    if (gg_filter_new(&f, cues, lexicon_path) || train_stage1(f, dir, bits, NULL) ||
        load_dev(&c, dir, out)) {
        fprintf(out, "aspirasi-dev: cannot load\n");
        goto done;
    }
    featurize(&c, &ds, f, bits);
    prf pt[GG_FILTER_NTOPIC], pk[GG_FILTER_NKIND], pc = {0, 0, 0, 0}, ps = {0, 0, 0, 0};
    memset(pt, 0, sizeof pt);
    memset(pk, 0, sizeof pk);
    long kind_right = 0;
    size_t *tr = gg_malloc(c.n * sizeof *tr), *te = gg_malloc(c.n * sizeof *te);
    gg_filter_scratch s;
    gg_filter_scratch_init(&s);
    /* GG_QUALITY_SEED=N: another assignment of the groups to the five folds
     * (how much the figures move with the folds alone) */
    const char *seed = getenv("GG_QUALITY_SEED");
    uint64_t salt = seed ? mixkey(strtoull(seed, NULL, 10) + 1) : 0;
    for (int fold = 0; fold < 5; fold++) {
        size_t ntr = 0, nte = 0;
        for (size_t i = 0; i < c.n; i++) {
            /* grouped: all copies of a coordinated message share a fold */
            if (mixkey(c.group[i] ^ salt) % 5 == (uint64_t)fold)
                te[nte++] = i;
            else
                tr[ntr++] = i;
        }
        gg_filter_model *t, *k, *cm;
        train_stage2(&c, &ds, tr, ntr, &t, &k, &cm, getenv("GG_QUALITY_LOG") ? stderr : NULL);
        gg_filter_set(f, GG_HEAD_TOPICS, t);
        gg_filter_set(f, GG_HEAD_KIND, k);
        gg_filter_set(f, GG_HEAD_CONSTRUCTIVE, cm);
        for (size_t j = 0; j < nte; j++) {
            size_t i = te[j];
            gg_filter_result r;
            const unsigned char *y = c.y + i * DEV_NCOL;
            gg_filter_classify(f, &s, c.text[i], strlen(c.text[i]), &r);
            for (int l = 0; l < GG_FILTER_NTOPIC; l++)
                prf_add(&pt[l], y[l], (r.topic_on >> l) & 1);
            if (getenv("GG_QUALITY_LOG")) {
                fprintf(stderr, "topics %zu fold %d on %u lex %u kind %d gold", i, fold,
                        r.topic_on, r.topic_lex, r.kind);
                for (int l = 0; l < GG_FILTER_NTOPIC; l++)
                    fprintf(stderr, " %d", y[l]);
                fprintf(stderr, " p");
                for (int l = 0; l < GG_FILTER_NTOPIC; l++)
                    fprintf(stderr, " %.4f", r.topic[l]);
                fprintf(stderr, "\n");
            }
            for (int l = 0; l < GG_FILTER_NKIND; l++)
                prf_add(&pk[l], y[DEV_KIND + l], r.kind == l);
            kind_right += y[DEV_KIND + r.kind];
            prf_add(&pc, y[DEV_CONS], r.constructive >= 0.5f);
            prf_add(&ps, y[DEV_KIND + 5], r.spam >= 0.5f);
        }
    }
    fprintf(out, "aspirasi-dev: 5-fold cross-validation grouped by coordinated_group "
                 "(%zu rows); stage 1 heads never see aspirasi-dev\n",
            c.n);
    prf micro = {0, 0, 0, 0};
    for (int l = 0; l < GG_FILTER_NTOPIC; l++) {
        prf_print(out, gg_filter_topics[l], pt[l]);
        micro.tp += pt[l].tp;
        micro.fp += pt[l].fp;
        micro.fn += pt[l].fn;
        micro.n += pt[l].n;
    }
    prf_print(out, "topics micro", micro);
    for (int l = 0; l < GG_FILTER_NKIND; l++)
        prf_print(out, gg_filter_kinds[l], pk[l]);
    fprintf(out, "  kind accuracy %.4f\n", (double)kind_right / c.n);
    prf_print(out, "constructive", pc);
    prf_print(out, "spam (kind=spam)", ps);
    gg_filter_scratch_dispose(&s);
    gg_free(tr);
    gg_free(te);
    gg_filter_ds_dispose(&ds);
done:
    corpus_dispose(&c);
    gg_filter_close(f);
}

/* Case-insensitive equality of two spans. */
static int same_span(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if ((x >= 'A' && x <= 'Z' ? x + 32 : x) != (y >= 'A' && y <= 'Z' ? y + 32 : y))
            return 0;
    }
    return 1;
}

/* Region and coordinated groups on aspirasi-dev, as `gagas classify` finds
 * them: the gazetteer's main region (gg_geo_main: the first mention that is
 * not a comparison) against the `region` column, by the span as written;
 * near-duplicates of the normalized text, then coordination over the whole
 * file with each post its own author and no times, against
 * `coordinated_group`, pairwise. Nothing here is trained: the gazetteer
 * rules and the dedup/coord settings were written with this file at hand,
 * so these are development figures. */
static void q_geo_coord(const char *dir, const char *geo_dir, FILE *out)
{
    gg_filter_csv csv;
    gg_geo *geo = NULL;
    if (open_csv(&csv, dir, "aspirasi-dev/dev.csv", out))
        return;
    if (gg_geo_open(&geo, geo_dir) != 0) {
        fprintf(out, "region: no gazetteer under %s/geo\n", geo_dir);
        gg_filter_csv_dispose(&csv);
        return;
    }
    int ct = gg_filter_csv_col(&csv, "text"), cr = gg_filter_csv_col(&csv, "region"),
        cl = gg_filter_csv_col(&csv, "region_level"), cg = gg_filter_csv_col(&csv, "coordinated_group");
    /* [0]: province/regency rows and rows with no region; [1]: all rows */
    long gold[2] = {0, 0}, pred[2] = {0, 0}, ok[2] = {0, 0}, amb = 0;
    gg_dedup *dd = gg_dedup_new(NULL);
    gg_coord *co = gg_coord_new(NULL);
    gg_filter_scratch s;
    gg_filter_scratch_init(&s);
    for (size_t r = 0; r < csv.nrow; r++) {
        const char *t = gg_filter_csv_get(&csv, r, ct), *g = gg_filter_csv_get(&csv, r, cr),
                   *lv = gg_filter_csv_get(&csv, r, cl);
        size_t len = strlen(t);
        gg_geo_match m[8];
        int n = gg_geo_find(geo, t, len, m, 8);
        if (n > 8)
            n = 8;
        int k = gg_geo_main(m, n, t);
        int hit = k >= 0 && *g && same_span(t + m[k].start, m[k].len, g, strlen(g));
        int pk = !*g || strcmp(lv, "provinsi") == 0 || strcmp(lv, "kabkota") == 0;
        for (int a = 0; a < 2; a++)
            if (a == 1 || pk) {
                gold[a] += *g != 0;
                pred[a] += k >= 0;
                ok[a] += hit;
            }
        amb += k >= 0 && m[k].ambiguous;
        if (!hit && (k >= 0 || *g) && getenv("GG_QUALITY_LOG"))
            fprintf(stderr, "region row %zu: gold [%s] %s, main [%.*s]\n", r + 2, g, lv,
                    k >= 0 ? (int)m[k].len : 0, k >= 0 ? t + m[k].start : "");
        /* as classify: dedup on the text the models read, then coordination */
        gg_filter_text_features(&s, t, len, GG_FILTER_BITS);
        int64_t dup = gg_dedup_add(dd, (int64_t)r, s.norm ? s.norm : "", s.norm_len, NULL);
        char author[32];
        snprintf(author, sizeof author, "a%zu", r);
        gg_coord_obs o = {.id = (int64_t)r,
                          .author = author,
                          .author_len = strlen(author),
                          .created_at = GG_COORD_NOTIME,
                          .cluster = dup >= 0 ? dup : (int64_t)r};
        gg_coord_observe(co, &o);
    }
    fprintf(out, "region: aspirasi-dev, main region (gg_geo_main) against the region column, "
                 "span as written (case-insensitive)\n");
    const char *what[2] = {"province/regency", "all levels"};
    for (int a = 0; a < 2; a++)
        fprintf(out, "  %-18s P %.4f  R %.4f  (gold %ld, predicted %ld, right %ld)\n", what[a],
                pred[a] ? (double)ok[a] / (double)pred[a] : 0,
                gold[a] ? (double)ok[a] / (double)gold[a] : 0, gold[a], pred[a], ok[a]);
    fprintf(out, "  main region reported ambiguous (no code guessed): %ld\n", amb);
    long tp = 0, fp = 0, fn = 0;
    for (size_t i = 0; i < csv.nrow; i++)
        for (size_t j = i + 1; j < csv.nrow; j++) {
            const char *gi = gg_filter_csv_get(&csv, i, cg), *gj = gg_filter_csv_get(&csv, j, cg);
            int same = *gi && strcmp(gi, gj) == 0;
            int64_t pi = gg_coord_group_of(co, (int64_t)i), pj = gg_coord_group_of(co, (int64_t)j);
            int got = pi > 0 && pi == pj;
            tp += same && got;
            fp += !same && got;
            fn += same && !got;
        }
    fprintf(out, "coordinated: aspirasi-dev, dedup + coordination over the file (each post its own "
                 "author, no times), pairs in one gold group\n");
    fprintf(out, "  pairwise           P %.4f  R %.4f  (gold pairs %ld, predicted %ld, groups %zu)\n",
            tp + fp ? (double)tp / (double)(tp + fp) : 0, tp + fn ? (double)tp / (double)(tp + fn) : 0,
            tp + fn, tp + fp, gg_coord_count(co));
    gg_filter_scratch_dispose(&s);
    gg_coord_free(co);
    gg_dedup_free(dd);
    gg_geo_close(geo);
    gg_filter_csv_dispose(&csv);
}

int gg_filter_quality(const char *data_dir, const char *cue_dir, const char *lexicon_path,
                      const char *geo_dir, FILE *out)
{
    unsigned bits = GG_FILTER_BITS;
    const char *only = getenv("GG_QUALITY_ONLY"); /* a developer shortcut: one part */
    if (!only || strstr(only, "hate"))
        q_hate(data_dir, bits, out);
    if (!only || strstr(only, "sent"))
        q_sentiment(data_dir, bits, out);
    if (!only || strstr(only, "lang"))
        q_lang(data_dir, bits, out);
    if (!only || strstr(only, "dev"))
        q_dev(data_dir, cue_dir, lexicon_path, bits, out);
    if (!only || strstr(only, "geo"))
        q_geo_coord(data_dir, geo_dir, out);
    return 0;
}
