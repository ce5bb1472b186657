/*
 * quality.c — how good and how fast the review is (review layer): Cohen's
 * kappa between first and blind second reviews, overall, per reviewer and
 * per label (one label against the rest), and decisions per hour. Pure
 * computation over the rows the store hands over.
 */
#include "review/review.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>

int gg_review_kappa(const char *const *a, const char *const *b, size_t n, double *kappa)
{
    if (n == 0)
        return GG_EINVAL;
    /* distinct labels, at most 2n */
    const char **lab = gg_calloc(2 * n, sizeof(*lab));
    size_t nl = 0, agree = 0;
    double *pa = gg_calloc(2 * n, sizeof(double)), *pb = gg_calloc(2 * n, sizeof(double));
    for (size_t i = 0; i < n; i++) {
        const char *x[2] = {a[i], b[i]};
        size_t idx[2];
        for (int k = 0; k < 2; k++) {
            size_t j = 0;
            while (j < nl && strcmp(lab[j], x[k]) != 0)
                j++;
            if (j == nl)
                lab[nl++] = x[k];
            idx[k] = j;
        }
        pa[idx[0]] += 1.0;
        pb[idx[1]] += 1.0;
        agree += strcmp(a[i], b[i]) == 0;
    }
    double po = (double)agree / (double)n, pe = 0;
    for (size_t j = 0; j < nl; j++)
        pe += (pa[j] / (double)n) * (pb[j] / (double)n);
    if (pe >= 1.0 - 1e-12)
        *kappa = po >= 1.0 - 1e-12 ? 1.0 : 0.0;
    else
        *kappa = (po - pe) / (1.0 - pe);
    free(lab);
    free(pa);
    free(pb);
    return 0;
}

static double round3(double v)
{
    return (double)(long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5)) / 1000.0;
}

/* kappa of the pairs selected by keep (NULL: all), labels mapped by `one`
 * (NULL: as they are; else "label" vs "other"). */
static json_t *kappa_of(json_t *pairs, int64_t user, const char *one, size_t *n_out)
{
    size_t n = json_array_size(pairs), m = 0;
    const char **a = gg_calloc(n + 1, sizeof(*a)), **b = gg_calloc(n + 1, sizeof(*b));
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(pairs, i);
        int64_t u1 = json_integer_value(json_object_get(p, "first_user"));
        int64_t u2 = json_integer_value(json_object_get(p, "second_user"));
        if (user > 0 && u1 != user && u2 != user)
            continue;
        const char *x = json_string_value(json_object_get(p, "first_label"));
        const char *y = json_string_value(json_object_get(p, "second_label"));
        if (x == NULL || y == NULL)
            continue;
        if (one) {
            x = strcmp(x, one) == 0 ? one : "other";
            y = strcmp(y, one) == 0 ? one : "other";
        }
        a[m] = x;
        b[m] = y;
        m++;
    }
    double k = 0;
    json_t *v = m > 0 && gg_review_kappa(a, b, m, &k) == 0 ? json_real(round3(k)) : json_null();
    free(a);
    free(b);
    *n_out = m;
    return v;
}

json_t *gg_review_quality(json_t *stats, int64_t window_ms)
{
    json_t *pairs = json_object_get(stats, "pairs");
    json_t *out = json_object(), *labels = json_array(), *revs = json_array();
    size_t n = 0, agree = 0, i;
    json_t *p;
    json_array_foreach(pairs, i, p)
    {
        const char *x = json_string_value(json_object_get(p, "first_label"));
        const char *y = json_string_value(json_object_get(p, "second_label"));
        agree += x && y && strcmp(x, y) == 0;
    }
    json_t *k = kappa_of(pairs, 0, NULL, &n);
    json_object_set_new(out, "overall",
                        json_pack("{s:I,s:o,s:o}", "pairs", (json_int_t)n, "agreement",
                                  n ? json_real(round3((double)agree / (double)n)) : json_null(),
                                  "kappa", k));
    /* per label, one against the rest: every label either side used */
    json_t *seen = json_object();
    json_array_foreach(pairs, i, p)
    {
        const char *x = json_string_value(json_object_get(p, "first_label"));
        const char *y = json_string_value(json_object_get(p, "second_label"));
        if (x)
            json_object_set_new(seen, x, json_true());
        if (y)
            json_object_set_new(seen, y, json_true());
    }
    const char *lab;
    json_t *unused;
    json_object_foreach(seen, lab, unused)
    {
        size_t m;
        json_t *kl = kappa_of(pairs, 0, lab, &m);
        json_array_append_new(labels, json_pack("{s:s,s:I,s:o}", "label", lab, "n",
                                                (json_int_t)m, "kappa", kl));
    }
    json_decref(seen);
    json_object_set_new(out, "labels", labels);
    double hours = window_ms > 0 ? (double)window_ms / 3600000.0 : 1.0;
    json_t *r;
    json_array_foreach(json_object_get(stats, "reviewers"), i, r)
    {
        int64_t uid = json_integer_value(json_object_get(r, "user_id"));
        int64_t actions = json_integer_value(json_object_get(r, "actions"));
        int64_t first = json_integer_value(json_object_get(r, "first_ms"));
        int64_t last = json_integer_value(json_object_get(r, "last_ms"));
        /* the pace while working: actions over the span of their work (at
         * least one minute), and over the whole window */
        double span_h = (double)(last - first) / 3600000.0;
        if (span_h < 1.0 / 60.0)
            span_h = 1.0 / 60.0;
        size_t m;
        json_t *kr = kappa_of(pairs, uid, NULL, &m);
        json_t *row = json_deep_copy(r);
        json_object_set_new(row, "per_hour_active", json_real(round3((double)actions / span_h)));
        json_object_set_new(row, "per_hour", json_real(round3((double)actions / hours)));
        json_object_set_new(row, "pairs", json_integer((json_int_t)m));
        json_object_set_new(row, "kappa", kr);
        json_array_append_new(revs, row);
    }
    json_object_set_new(out, "reviewers", revs);
    json_object_set(out, "decision_secs", json_object_get(stats, "decision_secs"));
    return out;
}
