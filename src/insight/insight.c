/*
 * insight.c — the analyst's summary from aggregate rows (insight layer).
 * One pass over the store's rows fills a small string-keyed table of count
 * vectors (dimension + key, and dimension + key + day for the series); the
 * JSON is built from it. The table is capped (GG_ELIMIT past the cap), so
 * a strange database cannot make a request grow without bound.
 */
#include "insight/insight.h"
#include "core/alloc.h"
#include "core/err.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_CAP (1u << 20) /* distinct (dim, key[, day]) entries per summary */

typedef struct entry {
    char *name; /* "dim\x1fkey" or "dim\x1fkey\x1fday"; NULL: free slot */
    int64_t v[GG_INSIGHT_NCOL];
} entry;

typedef struct table {
    entry *e;
    size_t cap, n;
    int full;
} table;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static entry *slot(table *t, const char *name, int create)
{
    if (create && (t->n + 1) * 2 > t->cap) {
        if (t->cap >= TABLE_CAP) {
            t->full = 1;
            return NULL;
        }
        size_t ncap = t->cap ? t->cap * 2 : 1024;
        entry *ne = gg_calloc(ncap, sizeof(entry));
        for (size_t i = 0; i < t->cap; i++) {
            if (t->e[i].name == NULL)
                continue;
            size_t j = hash(t->e[i].name) & (ncap - 1);
            while (ne[j].name)
                j = (j + 1) & (ncap - 1);
            ne[j] = t->e[i];
        }
        free(t->e);
        t->e = ne;
        t->cap = ncap;
    }
    if (t->cap == 0)
        return NULL;
    size_t j = hash(name) & (t->cap - 1);
    while (t->e[j].name) {
        if (strcmp(t->e[j].name, name) == 0)
            return &t->e[j];
        j = (j + 1) & (t->cap - 1);
    }
    if (!create)
        return NULL;
    t->e[j].name = gg_strdup(name);
    t->n++;
    return &t->e[j];
}

static void table_dispose(table *t)
{
    for (size_t i = 0; i < t->cap; i++)
        free(t->e[i].name);
    free(t->e);
}

static void add(table *t, const char *name, const int64_t *v)
{
    entry *e = slot(t, name, 1);
    if (e)
        for (int k = 0; k < GG_INSIGHT_NCOL; k++)
            e->v[k] += v[k];
}

typedef struct acc {
    table t;
    int from, to;    /* the period shown */
    int rise_from;   /* first day of the five weeks the bursts compare */
} acc;

/* Dimensions whose daily series the page draws or the bursts need. */
static int wants_series(const char *dim)
{
    return strcmp(dim, "all") == 0 || strcmp(dim, "channel") == 0 || strcmp(dim, "topic") == 0 ||
           strcmp(dim, "province") == 0;
}

/* "a\x1fb" or, with day >= 0, "a\x1fb\x1fDAY" into out (192 bytes); a
 * key too long for it is cut (keys are short labels and codes). snprintf
 * was a tenth of a summary's time. */
static void mkname(char out[192], const char *a, const char *b, int day)
{
    size_t al = strlen(a), bl = strlen(b);
    if (al > 60)
        al = 60;
    if (bl > 110)
        bl = 110;
    char *p = out;
    for (size_t i = 0; i < al; i++) /* cut copies, terminated below */
        *p++ = a[i];
    *p++ = '\x1f';
    for (size_t i = 0; i < bl; i++)
        *p++ = b[i];
    if (day >= 0) {
        char d[12];
        int n = 0;
        do
            d[n++] = (char)('0' + day % 10);
        while ((day /= 10) > 0);
        *p++ = '\x1f';
        while (n > 0)
            *p++ = d[--n];
    }
    *p = '\0';
}

static void on_row(void *arg, const char *dim, const char *key, int day, int ndays, int coord,
                   const int64_t *v)
{
    acc *a = arg;
    char name[192];
    int all = dim[0] == 'a' && strcmp(dim, "all") == 0;
    /* a week row counts in the totals when the whole week is in the
     * period (the scan gives only such weeks); it has no daily series */
    if (day >= a->from && day + ndays - 1 <= a->to) {
        mkname(name, dim, key, -1);
        add(&a->t, name, v);
        if (all) {
            mkname(name, "coord", coord ? "1" : "0", -1);
            add(&a->t, name, v);
        }
    }
    if (ndays == 1 && wants_series(dim) &&
        day >= (a->from < a->rise_from ? a->from : a->rise_from)) {
        mkname(name, dim, key, day);
        add(&a->t, name, v);
        if (all) {
            mkname(name, "coord", coord ? "1" : "0", day);
            add(&a->t, name, v);
        }
    }
}

static const int64_t *get(acc *a, const char *dim, const char *key)
{
    static const int64_t zero[GG_INSIGHT_NCOL];
    char name[192];
    mkname(name, dim, key, -1);
    entry *e = slot(&a->t, name, 0);
    return e ? e->v : zero;
}

static int64_t get_day(acc *a, const char *dim, const char *key, int day)
{
    char name[192];
    mkname(name, dim, key, day);
    entry *e = slot(&a->t, name, 0);
    return e ? e->v[GG_INSIGHT_N] : 0;
}

/* Distinct keys of one dimension (entries without a day), as a new array
 * of borrowed names, sorted by count descending. */
typedef struct keyn {
    const char *key;
    const int64_t *v;
} keyn;

static int by_count(const void *x, const void *y)
{
    const keyn *a = x, *b = y;
    if (a->v[GG_INSIGHT_N] != b->v[GG_INSIGHT_N])
        return a->v[GG_INSIGHT_N] > b->v[GG_INSIGHT_N] ? -1 : 1;
    return strcmp(a->key, b->key);
}

static keyn *keys_of(acc *a, const char *dim, size_t *n_out)
{
    size_t dl = strlen(dim), n = 0;
    keyn *out = gg_malloc(sizeof(keyn) * (a->t.n + 1));
    for (size_t i = 0; i < a->t.cap; i++) {
        const char *nm = a->t.e[i].name;
        if (nm == NULL || strncmp(nm, dim, dl) != 0 || nm[dl] != '\x1f' ||
            strchr(nm + dl + 1, '\x1f') != NULL)
            continue;
        out[n].key = nm + dl + 1;
        out[n].v = a->t.e[i].v;
        n++;
    }
    qsort(out, n, sizeof(keyn), by_count);
    *n_out = n;
    return out;
}

static const char *const state_names[] = {"received", "filtered", "queued",   "accepted",
                                          "merged",   "rejected", "escalated", "withdrawn"};

/* {key: n} of one dimension; labelled keys only */
static json_t *count_map(acc *a, const char *dim)
{
    size_t n;
    keyn *k = keys_of(a, dim, &n);
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++)
        if (*k[i].key && k[i].v[GG_INSIGHT_N] > 0)
            json_object_set_new(o, k[i].key, json_integer(k[i].v[GG_INSIGHT_N]));
    free(k);
    return o;
}

static json_t *detail(const char *name, const char *key, const int64_t *v)
{
    int64_t n = v[GG_INSIGHT_N];
    json_t *o = json_object();
    json_object_set_new(o, name, json_string(key));
    json_object_set_new(o, "n", json_integer(n));
    json_object_set_new(o, "accepted", json_integer(v[GG_INSIGHT_ACCEPTED]));
    json_object_set_new(o, "merged", json_integer(v[GG_INSIGHT_MERGED]));
    /* support: every accepted post and every copy merged into an idea is a
     * person backing that idea */
    json_object_set_new(o, "support",
                        json_integer(v[GG_INSIGHT_ACCEPTED] + v[GG_INSIGHT_MERGED]));
    json_object_set_new(o, "rejected", json_integer(v[GG_INSIGHT_REJECTED]));
    json_object_set_new(o, "positive", json_integer(v[GG_INSIGHT_POS]));
    json_object_set_new(o, "neutral", json_integer(v[GG_INSIGHT_NEU]));
    json_object_set_new(o, "negative", json_integer(v[GG_INSIGHT_NEG]));
    int64_t scored = v[GG_INSIGHT_POS] + v[GG_INSIGHT_NEU] + v[GG_INSIGHT_NEG];
    json_object_set_new(o, "sentiment",
                        scored ? json_real(round(1000.0 * (double)(v[GG_INSIGHT_POS] -
                                                                   v[GG_INSIGHT_NEG]) /
                                                 (double)scored) /
                                           1000.0)
                               : json_null());
    return o;
}

static json_t *detail_list(acc *a, const char *dim, const char *name)
{
    size_t n;
    keyn *k = keys_of(a, dim, &n);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        if (k[i].v[GG_INSIGHT_N] > 0)
            json_array_append_new(arr, detail(name, k[i].key, k[i].v));
    free(k);
    return arr;
}

double gg_insight_burst(int64_t week, int64_t prev4_sum)
{
    double mean = (double)prev4_sum / 4.0;
    return ((double)week - mean) / sqrt(mean + 1.0);
}

typedef struct rise {
    const char *dim, *key;
    int64_t week, prev4;
    double z;
} rise;

static int by_z(const void *x, const void *y)
{
    const rise *a = x, *b = y;
    return a->z < b->z ? 1 : a->z > b->z ? -1 : strcmp(a->key, b->key);
}

/* What rose in the last 7 days of the period against the 28 before. A
 * burst needs z >= 2 and at least 3 posts this week. */
static json_t *rising(acc *a)
{
    static const char *const rdims[] = {"topic", "province"};
    size_t cap = 0, n = 0;
    rise *r = NULL;
    for (int d = 0; d < 2; d++) {
        size_t nk;
        keyn *k = keys_of(a, rdims[d], &nk);
        for (size_t i = 0; i < nk; i++) {
            if (!*k[i].key)
                continue;
            int64_t week = 0, prev = 0;
            for (int day = a->to - 6; day <= a->to; day++)
                week += get_day(a, rdims[d], k[i].key, day);
            for (int day = a->to - 34; day <= a->to - 7; day++)
                prev += get_day(a, rdims[d], k[i].key, day);
            double z = gg_insight_burst(week, prev);
            if (week < 3 || z < 2.0)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                r = gg_realloc(r, cap * sizeof(rise));
            }
            r[n++] = (rise){rdims[d], k[i].key, week, prev, z};
        }
        free(k);
    }
    if (n)
        qsort(r, n, sizeof(rise), by_z);
    json_t *arr = json_array();
    for (size_t i = 0; i < n && i < 10; i++)
        json_array_append_new(
            arr, json_pack("{s:s,s:s,s:I,s:f,s:f}", "dim", r[i].dim, "key", r[i].key, "week",
                           (json_int_t)r[i].week, "prev_weekly", (double)r[i].prev4 / 4.0, "z",
                           round(r[i].z * 100.0) / 100.0));
    free(r);
    return arr;
}

static json_t *series(acc *a)
{
    json_t *days = json_array(), *total = json_array(), *org = json_array(),
           *coo = json_array(), *chans = json_object();
    size_t nc;
    keyn *ch = keys_of(a, "channel", &nc);
    for (size_t i = 0; i < nc; i++)
        json_object_set_new(chans, ch[i].key, json_array());
    for (int day = a->from; day <= a->to; day++) {
        char ds[11];
        gg_insight_day_str(day, ds);
        json_array_append_new(days, json_string(ds));
        json_array_append_new(total, json_integer(get_day(a, "all", "", day)));
        json_array_append_new(org, json_integer(get_day(a, "coord", "0", day)));
        json_array_append_new(coo, json_integer(get_day(a, "coord", "1", day)));
        for (size_t i = 0; i < nc; i++)
            json_array_append_new(json_object_get(chans, ch[i].key),
                                  json_integer(get_day(a, "channel", ch[i].key, day)));
    }
    free(ch);
    return json_pack("{s:o,s:o,s:o,s:o,s:o}", "days", days, "total", total, "organic", org,
                     "coordinated", coo, "by_channel", chans);
}

/* The median review time from the histogram of reviewer decisions: the
 * bucket that holds the middle decision, and a linear guess inside it (the
 * decisions spread evenly over the bucket). The open last bucket gives its
 * lower bound. Sets the bucket's bounds in hours (to_h < 0: open). */
static double review_median(const int64_t *v, double *from_h, double *to_h)
{
    int64_t total = 0, cum = 0;
    for (int i = 0; i < GG_INSIGHT_NHIST; i++)
        total += v[GG_INSIGHT_H0 + i];
    double half = (double)total / 2.0;
    for (int i = 0; i < GG_INSIGHT_NHIST; i++) {
        int64_t h = v[GG_INSIGHT_H0 + i];
        if (h <= 0 || (double)(cum + h) < half) {
            cum += h > 0 ? h : 0;
            continue;
        }
        double lo = i ? (double)gg_store_insight_review_upper[i - 1] : 0.0;
        double hi = (double)gg_store_insight_review_upper[i];
        *from_h = lo / 3600.0;
        *to_h = hi < 0 ? -1.0 : hi / 3600.0;
        if (hi < 0)
            return lo / 3600.0;
        return (lo + (hi - lo) * (half - (double)cum) / (double)h) / 3600.0;
    }
    return -1.0;
}

static json_t *funnel(acc *a)
{
    const int64_t *v = get(a, "all", "");
    json_t *reasons = json_object(), *review_reasons = json_object();
    size_t n;
    keyn *k = keys_of(a, "reason", &n);
    for (size_t i = 0; i < n; i++) {
        int64_t aut = k[i].v[GG_INSIGHT_AUTO_REJECTED];
        int64_t rev = k[i].v[GG_INSIGHT_REJECTED] - aut;
        if (aut > 0)
            json_object_set_new(reasons, k[i].key, json_integer(aut));
        if (rev > 0)
            json_object_set_new(review_reasons, k[i].key, json_integer(rev));
    }
    free(k);
    int64_t decided = v[GG_INSIGHT_REVIEWED];
    double avg_h = decided ? (double)v[GG_INSIGHT_REVIEW_SECS] / (double)decided / 3600.0 : 0;
    json_t *review_extra = json_object();
    double from_h = 0, to_h = 0, med = review_median(v, &from_h, &to_h);
    json_object_set_new(review_extra, "median_hours",
                        med >= 0 ? json_real(round(med * 100.0) / 100.0) : json_null());
    json_object_set_new(review_extra, "median_bucket_hours",
                        med >= 0 ? json_pack("[f,o]", round(from_h * 1000.0) / 1000.0,
                                             to_h < 0 ? json_null()
                                                      : json_real(round(to_h * 1000.0) / 1000.0))
                                 : json_null());
    json_t *hist = json_array();
    for (int i = 0; i < GG_INSIGHT_NHIST; i++)
        json_array_append_new(hist, json_integer(v[GG_INSIGHT_H0 + i]));
    json_object_set_new(review_extra, "histogram", hist);
    json_t *out = json_pack(
        "{s:I,s:{s:I,s:o},s:I,s:I,s:I,s:I,s:I,s:{s:I,s:o},s:I,s:{s:I,s:o}}", "received",
        (json_int_t)v[GG_INSIGHT_N], "auto_rejected", "n",
        (json_int_t)v[GG_INSIGHT_AUTO_REJECTED], "by_reason", reasons, "auto_merged",
        (json_int_t)v[GG_INSIGHT_AUTO_MERGED], "queued", (json_int_t)v[GG_INSIGHT_QUEUED],
        "escalated", (json_int_t)v[GG_INSIGHT_ESCALATED], "accepted",
        (json_int_t)v[GG_INSIGHT_ACCEPTED], "merged",
        (json_int_t)(v[GG_INSIGHT_MERGED] - v[GG_INSIGHT_AUTO_MERGED]), "rejected", "n",
        (json_int_t)(v[GG_INSIGHT_REJECTED] - v[GG_INSIGHT_AUTO_REJECTED]), "by_reason",
        review_reasons, "withdrawn", (json_int_t)v[GG_INSIGHT_WITHDRAWN], "review", "decided",
        (json_int_t)decided, "avg_hours",
        decided ? json_real(round(avg_h * 100.0) / 100.0) : json_null());
    json_object_update(json_object_get(out, "review"), review_extra);
    json_decref(review_extra);
    return out;
}

int gg_insight_summary(gg_store *s, const gg_insight_filter *f, int top, json_t **out)
{
    if (f->day_to < f->day_from || f->day_to - f->day_from >= GG_INSIGHT_MAX_DAYS)
        return GG_EINVAL;
    acc a = {.from = f->day_from, .to = f->day_to, .rise_from = f->day_to - 34};
    gg_insight_filter sf = *f;
    if (a.rise_from < sf.day_from)
        sf.day_from = a.rise_from;
    /* the totals of the days before the five weeks the bursts compare may
     * come as week sums; the bursts and the channel series need days */
    sf.weeks_before = a.rise_from;
    json_t *ideas = NULL, *clusters = NULL, *groups = NULL;
    int rc = gg_store_insight_scan(s, &sf, on_row, &a);
    if (rc == 0 && a.t.full)
        rc = GG_ELIMIT;
    if (rc == 0)
        rc = gg_store_insight_ideas(s, f->campaign_id, top, &ideas);
    if (rc == 0)
        rc = gg_store_insight_clusters(s, f->campaign_id, top, &clusters);
    if (rc == 0)
        rc = gg_store_insight_groups(s, f->campaign_id, 1000, &groups);
    if (rc != 0)
        goto done;

    const int64_t *all = get(&a, "all", "");
    json_t *o = json_object();
    json_object_set_new(o, "total", json_integer(all[GG_INSIGHT_N]));
    int64_t organic = get(&a, "coord", "0")[GG_INSIGHT_N];
    int64_t coord = get(&a, "coord", "1")[GG_INSIGHT_N];
    json_object_set_new(o, "organic", json_integer(organic));
    json_object_set_new(o, "coordinated", json_integer(coord));
    /* a coordinated group is one voice however many accounts posted it */
    size_t ngroups = 0, i;
    json_t *g;
    json_array_foreach(groups, i, g) if (json_integer_value(json_object_get(g, "members")) > 0)
        ngroups++;
    json_object_set_new(o, "coordinated_groups", json_integer((json_int_t)ngroups));
    json_object_set_new(o, "voices", json_integer(organic + (coord > 0 ? (json_int_t)ngroups : 0)));
    json_t *st = json_object();
    for (int k = 0; k < 8; k++)
        if (all[GG_INSIGHT_RECEIVED + k] > 0)
            json_object_set_new(st, state_names[k], json_integer(all[GG_INSIGHT_RECEIVED + k]));
    json_object_set_new(o, "by_state", st);
    json_object_set_new(o, "by_topic", count_map(&a, "topic"));
    json_object_set_new(o, "by_kind", count_map(&a, "kind"));
    json_object_set_new(o, "by_channel", count_map(&a, "channel"));
    json_object_set_new(o, "by_lang", count_map(&a, "lang"));
    /* by_region: province (2-digit) and kab/kota (4-digit) codes together */
    json_t *region = count_map(&a, "province"), *regency = count_map(&a, "regency");
    json_object_update(region, regency);
    json_object_set_new(o, "by_regency", regency);
    json_object_set_new(o, "by_region", region);
    json_object_set_new(o, "by_dapil", count_map(&a, "dapil"));
    json_object_set_new(o, "funnel", funnel(&a));
    json_object_set_new(o, "topics", detail_list(&a, "topic", "topic"));
    json_object_set_new(o, "kinds", detail_list(&a, "kind", "kind"));
    json_object_set_new(o, "regions",
                        json_pack("{s:o,s:o,s:o}", "province", detail_list(&a, "province", "code"),
                                  "regency", detail_list(&a, "regency", "code"), "dapil",
                                  detail_list(&a, "dapil", "code")));
    json_object_set_new(o, "series", series(&a));
    json_object_set_new(o, "rising", rising(&a));
    json_object_set_new(o, "top_ideas", ideas);
    json_object_set_new(o, "clusters", clusters);
    while (json_array_size(groups) > (size_t)top)
        json_array_remove(groups, json_array_size(groups) - 1);
    json_object_set_new(o, "groups", groups);
    ideas = clusters = groups = NULL;
    *out = o;
done:
    json_decref(ideas);
    json_decref(clusters);
    json_decref(groups);
    table_dispose(&a.t);
    return rc;
}

/* Civil-from-days and days-from-civil (proleptic Gregorian), after the
 * well-known era arithmetic: exact for every date this program meets. */
static int days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void gg_insight_day_str(int day, char out[11])
{
    int z = day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    if (y < 0 || y > 9999)
        y = 0;
    /* digits by hand: the ranges are known, and -Wformat-truncation is not */
    unsigned uy = (unsigned)y, um = (unsigned)m % 100u, ud = (unsigned)d % 100u;
    out[0] = (char)('0' + uy / 1000 % 10);
    out[1] = (char)('0' + uy / 100 % 10);
    out[2] = (char)('0' + uy / 10 % 10);
    out[3] = (char)('0' + uy % 10);
    out[4] = '-';
    out[5] = (char)('0' + um / 10);
    out[6] = (char)('0' + um % 10);
    out[7] = '-';
    out[8] = (char)('0' + ud / 10);
    out[9] = (char)('0' + ud % 10);
    out[10] = '\0';
}

int gg_insight_parse_day(const char *s, int *out)
{
    int v[3] = {0, 0, 0};
    static const int len[3] = {4, 2, 2};
    if (s == NULL)
        return GG_EINVAL;
    for (int part = 0; part < 3; part++) {
        for (int i = 0; i < len[part]; i++, s++) {
            if (*s < '0' || *s > '9')
                return GG_EINVAL;
            v[part] = v[part] * 10 + (*s - '0');
        }
        if (part < 2 && *s++ != '-')
            return GG_EINVAL;
    }
    if (*s != '\0' && *s != 'T' && *s != ' ')
        return GG_EINVAL;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
    if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1] ||
        (v[1] == 2 && v[2] == 29 && !leap))
        return GG_EINVAL;
    *out = days_from_civil(v[0], v[1], v[2]);
    return 0;
}

int gg_insight_csv_cell(gg_buf *b, json_t *v)
{
    char num[64];
    const char *s = "";
    char *dumped = NULL;
    if (json_is_string(v))
        s = json_string_value(v);
    else if (json_is_integer(v))
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v)), s = num;
    else if (json_is_real(v))
        snprintf(num, sizeof(num), "%.6g", json_real_value(v)), s = num;
    else if (json_is_true(v) || json_is_false(v))
        s = json_is_true(v) ? "true" : "false";
    else if (json_is_array(v) || json_is_object(v)) {
        /* lists (topics) as "a;b" when they hold strings only, else JSON */
        size_t i;
        json_t *e;
        int plain = json_is_array(v);
        json_array_foreach(v, i, e) if (!json_is_string(e)) plain = 0;
        if (plain) {
            gg_buf tmp;
            gg_buf_init(&tmp, 1 << 16);
            json_array_foreach(v, i, e)
            {
                if (i)
                    gg_buf_addc(&tmp, ';');
                gg_buf_adds(&tmp, json_string_value(e));
            }
            dumped = gg_buf_detach(&tmp, NULL);
        } else {
            dumped = json_dumps(v, JSON_COMPACT);
        }
        s = dumped ? dumped : "";
    }
    int rc = 0;
    int quote = strpbrk(s, ",\"\r\n") != NULL || *s == '=' || *s == '+' || *s == '-' ||
                *s == '@' || *s == '\t';
    int formula = (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t') &&
                  !(json_is_integer(v) || json_is_real(v));
    if (quote)
        rc |= gg_buf_addc(b, '"');
    if (formula)
        rc |= gg_buf_addc(b, '\'');
    for (const char *p = s; *p && rc == 0; p++)
        rc |= *p == '"' ? gg_buf_adds(b, "\"\"") : gg_buf_addc(b, *p);
    if (quote)
        rc |= gg_buf_addc(b, '"');
    free(dumped);
    return rc ? GG_ELIMIT : 0;
}
