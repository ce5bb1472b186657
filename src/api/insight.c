/*
 * insight.c — dashboards, map, exports and the printable report (api
 * layer, issue 6). Thin: parse the filters, ask src/insight or the store,
 * answer JSON, CSV or HTML. Dashboards read aggregate tables (fast enough
 * for the loop thread: see docs/insight.md for the measured figures);
 * exports are paged (after=ID, limit) and capped so one request never
 * holds the loop for long or grows without bound.
 * Roles: every staff role may look at the dashboards; exports are for
 * analysts and admins only.
 */
#include "api/api_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include "insight/insight.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPORT_CAP (64u << 20) /* bytes of one export response */
#define EXPORT_MAX 200000      /* rows of one export page */

/* ---- dapil and region names (data/geo TSV files, loaded once) --------------- */

typedef struct geo_name {
    char code[8];
    char *name;
    int seats;
} geo_name;

static struct {
    pthread_once_t once;
    geo_name *v;
    size_t n;
} names = {PTHREAD_ONCE_INIT, NULL, 0};
static const char *names_dir;

static void load_tsv(const char *path, int code_col, int name_col, int seats_col)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char line[1024];
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *col[8] = {0};
        int nc = 0;
        for (char *p = line; nc < 8;) {
            col[nc++] = p;
            char *t = strchr(p, '\t');
            if (t == NULL)
                break;
            *t = '\0';
            p = t + 1;
        }
        if (nc <= name_col || nc <= code_col || strlen(col[code_col]) >= 8)
            continue;
        names.v = gg_realloc(names.v, (names.n + 1) * sizeof(geo_name));
        geo_name *g = &names.v[names.n++];
        memset(g, 0, sizeof(*g));
        memcpy(g->code, col[code_col], strlen(col[code_col]) + 1);
        g->name = gg_strdup(col[name_col]);
        if (seats_col >= 0 && nc > seats_col)
            g->seats = (int)strtol(col[seats_col], NULL, 10);
    }
    fclose(f);
}

static void load_names(void)
{
    char path[600];
    /* regions: code type parent name name_short dapil; dapil: code name province seats.
     * A dapil code ("3205") can equal a kab/kota code, so dapil names go under "d" */
    snprintf(path, sizeof(path), "%s/geo/regions.tsv", names_dir);
    load_tsv(path, 0, 4, -1);
    size_t nreg = names.n;
    snprintf(path, sizeof(path), "%s/geo/dapil.tsv", names_dir);
    load_tsv(path, 0, 1, 3);
    for (size_t i = nreg; i < names.n; i++) {
        memmove(names.v[i].code + 1, names.v[i].code, 7);
        names.v[i].code[0] = 'd';
        names.v[i].code[7] = '\0';
    }
}

/* Name of a province/kab-kota code, or of a dapil ("d3205"); borrowed. */
static const geo_name *geo_lookup(gg_api *a, const char *code)
{
    names_dir = a->cfg->data_dir;
    pthread_once(&names.once, load_names);
    for (size_t i = 0; i < names.n; i++)
        if (strcmp(names.v[i].code, code) == 0)
            return &names.v[i];
    return NULL;
}

static const char *geo_label(gg_api *a, const char *code, int dapil)
{
    char k[10];
    snprintf(k, sizeof(k), "%s%s", dapil ? "d" : "", code);
    const geo_name *g = geo_lookup(a, k);
    return g ? g->name : code;
}

/* ---- filters -------------------------------------------------------------- */

typedef struct query {
    gg_insight_filter f;
    const char *slug; /* NULL: every campaign */
    char from[11], to[11];
    const char *coord; /* "organic" | "coordinated" | NULL */
} query;

static const char *qparam(gg_req *r, const char *name)
{
    const char *v = gg_req_query(r, name);
    return v && *v ? v : NULL;
}

/* Known-shape parameters only: codes are digits, labels are short words. */
static int word_ok(const char *v, int digits_only)
{
    size_t n = 0;
    for (; v[n]; n++) {
        char c = v[n];
        int ok = (c >= '0' && c <= '9') ||
                 (!digits_only && ((c >= 'a' && c <= 'z') || c == '-' || c == '_'));
        if (!ok || n > 40)
            return 0;
    }
    return n > 0;
}

/* Parse the filters every insight endpoint shares; answers 400/404 itself
 * and returns -1 on a bad one. */
static int parse_query(gg_api *a, gg_req *r, query *q)
{
    memset(q, 0, sizeof(*q));
    q->slug = qparam(r, "campaign");
    if (q->slug) {
        json_t *c = NULL;
        if (gg_store_campaign_get(a->store, q->slug, &c) != 0) {
            gg_req_error(r, GG_ENOTFOUND, "no such campaign");
            return -1;
        }
        q->f.campaign_id = (int64_t)json_integer_value(json_object_get(c, "id"));
        json_decref(c);
    }
    int today = (int)(time(NULL) / 86400);
    const char *from = qparam(r, "from"), *to = qparam(r, "to");
    q->f.day_to = today;
    if (to && gg_insight_parse_day(to, &q->f.day_to) != 0) {
        gg_req_error(r, GG_EINVAL, "to must be a date (YYYY-MM-DD)");
        return -1;
    }
    q->f.day_from = q->f.day_to - 89; /* default: the last 90 days */
    if (from && gg_insight_parse_day(from, &q->f.day_from) != 0) {
        gg_req_error(r, GG_EINVAL, "from must be a date (YYYY-MM-DD)");
        return -1;
    }
    if (q->f.day_from > q->f.day_to || q->f.day_to - q->f.day_from >= GG_INSIGHT_MAX_DAYS) {
        gg_req_error(r, GG_EINVAL, "the period must run forward and span at most %d days",
                     GG_INSIGHT_MAX_DAYS);
        return -1;
    }
    gg_insight_day_str(q->f.day_from, q->from);
    gg_insight_day_str(q->f.day_to, q->to);
    static const struct {
        const char *name;
        int digits;
    } words[] = {{"topic", 0}, {"kind", 0}, {"channel", 0}, {"lang", 0}, {"region", 1},
                 {"dapil", 1}};
    const char **dst[] = {&q->f.topic, &q->f.kind, &q->f.channel, &q->f.lang, &q->f.region,
                          &q->f.dapil};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        const char *v = qparam(r, words[i].name);
        if (v && !word_ok(v, words[i].digits)) {
            gg_req_error(r, GG_EINVAL, "bad value for %s", words[i].name);
            return -1;
        }
        *dst[i] = v;
    }
    /* ?lang=id|en is also the interface switch of every page (a cookie, see
     * gg_api__lang); the posts' languages are ISO 639-3 codes (ind, jav,
     * eng, …), so those two filter nothing. (An English page used to keep
     * only posts labelled "en": none.) */
    if (q->f.lang && (strcmp(q->f.lang, "id") == 0 || strcmp(q->f.lang, "en") == 0))
        q->f.lang = NULL;
    /* levels=province: no kab/kota counts (dashboards, reports); the map
     * and the default ask for them */
    const char *levels = qparam(r, "levels");
    if (levels && strcmp(levels, "province") == 0)
        q->f.no_regency = 1;
    else if (levels && strcmp(levels, "all") != 0) {
        gg_req_error(r, GG_EINVAL, "levels must be all or province");
        return -1;
    }
    q->coord = qparam(r, "coord");
    if (q->coord && strcmp(q->coord, "organic") == 0)
        q->f.coord = 1;
    else if (q->coord && strcmp(q->coord, "coordinated") == 0)
        q->f.coord = 2;
    else if (q->coord && strcmp(q->coord, "all") != 0) {
        gg_req_error(r, GG_EINVAL, "coord must be all, organic or coordinated");
        return -1;
    }
    return 0;
}

static json_t *query_json(const query *q)
{
    json_t *o = json_pack("{s:s?,s:s,s:s}", "campaign", q->slug, "from", q->from, "to", q->to);
    const char *k[] = {"topic", "kind", "channel", "lang", "region", "dapil"};
    const char *v[] = {q->f.topic, q->f.kind, q->f.channel, q->f.lang, q->f.region, q->f.dapil};
    for (int i = 0; i < 6; i++)
        if (v[i])
            json_object_set_new(o, k[i], json_string(v[i]));
    json_object_set_new(o, "coord", json_string(q->f.coord == 1   ? "organic"
                                                : q->f.coord == 2 ? "coordinated"
                                                                  : "all"));
    return o;
}

static int summary(gg_api *a, gg_req *r, const query *q, int top, json_t **out)
{
    int rc = gg_insight_summary(a->store, &q->f, top, out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", rc == GG_ELIMIT ? "too many distinct values to summarize"
                                                         : gg_store_errmsg(a->store)),
               -1;
    json_object_set_new(*out, "query", query_json(q));
    return 0;
}

/* ---- JSON endpoints --------------------------------------------------------- */

static int h_summary(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ANY, 0, GG_AUTH_JSON) == NULL)
        return 0;
    query q;
    int top;
    if (parse_query(a, r, &q) != 0 || gg_api__query_int(r, "top", 10, 1, 100, &top) != 0)
        return 0;
    json_t *o = NULL;
    if (summary(a, r, &q, top, &o) != 0)
        return 0;
    gg_req_json(r, 200, o);
    return 0;
}

static int h_drill(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ANY, 0, GG_AUTH_JSON) == NULL)
        return 0;
    query q;
    int limit;
    if (parse_query(a, r, &q) != 0 || gg_api__query_int(r, "limit", 50, 1, 500, &limit) != 0)
        return 0;
    json_t *items = NULL;
    if (gg_store_insight_drill(a->store, &q.f, limit, &items) != 0)
        return gg_req_error(r, GG_EIO, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, json_pack("{s:o,s:o}", "query", query_json(&q), "items", items));
    return 0;
}

/* ---- exports ---------------------------------------------------------------- */

typedef struct export_out {
    gg_buf b;
    int csv;
    json_t *cols; /* CSV header, from the first row */
    json_int_t last_id;
    int rows;
} export_out;

static int export_row(void *arg, json_t *row)
{
    export_out *e = arg;
    e->last_id = json_integer_value(json_object_get(row, "id"));
    e->rows++;
    if (!e->csv) {
        char *s = json_dumps(row, JSON_COMPACT | JSON_ENSURE_ASCII);
        int rc = gg_buf_adds(&e->b, e->rows > 1 ? "," : "");
        rc = rc ? rc : gg_buf_adds(&e->b, s);
        free(s);
        return rc;
    }
    const char *k;
    json_t *v;
    int rc = 0;
    if (e->cols == NULL) {
        e->cols = json_array();
        json_object_foreach(row, k, v)
        {
            json_array_append_new(e->cols, json_string(k));
            rc |= gg_buf_adds(&e->b, json_array_size(e->cols) > 1 ? "," : "");
            rc |= gg_buf_adds(&e->b, k);
        }
        rc |= gg_buf_adds(&e->b, "\r\n");
    }
    size_t i;
    json_t *c;
    json_array_foreach(e->cols, i, c)
    {
        if (i)
            rc |= gg_buf_addc(&e->b, ',');
        rc |= gg_insight_csv_cell(&e->b, json_object_get(row, json_string_value(c)));
    }
    rc |= gg_buf_adds(&e->b, "\r\n");
    return rc ? GG_ELIMIT : 0;
}

/* The rows behind every chart, as one list: one per (dimension, key) of
 * the summary (topics, kinds, regions, states, channels, languages), the
 * funnel's stages and reasons with the review times, the bursts, and one
 * per day of the time chart (total, organic, coordinated, per channel). */
static json_t *aggregates_rows(json_t *sum)
{
    json_t *out = json_array();
    static const char *const lists[][2] = {{"topics", "topic"}, {"kinds", "kind"}};
    json_t *row;
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(sum, lists[l][0]), i, it)
        {
            row = json_pack("{s:s,s:O}", "dim", lists[l][1], "key", json_object_get(it, lists[l][1]));
            json_object_update(row, it);
            json_object_del(row, lists[l][1]);
            json_array_append_new(out, row);
        }
    }
    static const char *const levels[] = {"province", "regency", "dapil"};
    for (int l = 0; l < 3; l++) {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(json_object_get(sum, "regions"), levels[l]), i, it)
        {
            row = json_pack("{s:s,s:O}", "dim", levels[l], "key", json_object_get(it, "code"));
            json_object_update(row, it);
            json_object_del(row, "code");
            json_array_append_new(out, row);
        }
    }
    static const char *const maps[][2] = {{"by_state", "state"}, {"by_channel", "channel"},
                                          {"by_lang", "lang"}};
    const char *k;
    json_t *v;
    for (int l = 0; l < 3; l++)
        json_object_foreach(json_object_get(sum, maps[l][0]), k, v)
            json_array_append_new(out, json_pack("{s:s,s:s,s:O}", "dim", maps[l][1], "key", k,
                                                 "n", v));
    /* the funnel chart: its stages, the reasons under the two rejections,
     * and the review times */
    json_t *fn = json_object_get(sum, "funnel");
    json_object_foreach(fn, k, v)
    {
        if (json_is_integer(v))
            json_array_append_new(out, json_pack("{s:s,s:s,s:O}", "dim", "funnel", "key", k, "n", v));
        else if (json_is_object(v) && json_object_get(v, "by_reason")) {
            json_array_append_new(out, json_pack("{s:s,s:s,s:O}", "dim", "funnel", "key", k, "n",
                                                 json_object_get(v, "n")));
            const char *rk;
            json_t *rv;
            json_object_foreach(json_object_get(v, "by_reason"), rk, rv)
            {
                char key[96];
                snprintf(key, sizeof(key), "%s:%s", k, rk);
                json_array_append_new(out, json_pack("{s:s,s:s,s:O}", "dim", "funnel_reason",
                                                     "key", key, "n", rv));
            }
        }
    }
    json_t *rv = json_object_get(fn, "review");
    static const char *const rkeys[] = {"decided", "avg_hours", "median_hours"};
    for (int i = 0; i < 3; i++)
        json_array_append_new(out, json_pack("{s:s,s:s,s:O}", "dim", "review", "key", rkeys[i],
                                             "n", json_object_get(rv, rkeys[i])
                                                      ? json_object_get(rv, rkeys[i])
                                                      : json_null()));
    /* the bursts: n is this week's count */
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(sum, "rising"), i, it)
    {
        char key[160];
        snprintf(key, sizeof(key), "%s:%s", json_string_value(json_object_get(it, "dim")),
                 json_string_value(json_object_get(it, "key")));
        json_array_append_new(out, json_pack("{s:s,s:s,s:O,s:O,s:O}", "dim", "rising", "key", key,
                                             "n", json_object_get(it, "week"), "prev_weekly",
                                             json_object_get(it, "prev_weekly"), "z",
                                             json_object_get(it, "z")));
    }
    json_t *series = json_object_get(sum, "series");
    json_t *d;
    json_array_foreach(json_object_get(series, "days"), i, d)
    {
        row = json_pack("{s:s,s:O,s:O,s:O,s:O}", "dim", "day", "key", d, "n",
                        json_array_get(json_object_get(series, "total"), i), "organic",
                        json_array_get(json_object_get(series, "organic"), i), "coordinated",
                        json_array_get(json_object_get(series, "coordinated"), i));
        json_object_foreach(json_object_get(series, "by_channel"), k, v)
        {
            char name[64];
            snprintf(name, sizeof(name), "channel_%s", k);
            json_object_set(row, name, json_array_get(v, i));
        }
        json_array_append_new(out, row);
    }
    return out;
}

/* Emit rows whose keys differ: the CSV header is the union of their keys in
 * the order first met (a cell a row lacks stays empty). */
static int export_rows(export_out *e, json_t *rows)
{
    size_t i;
    json_t *row;
    if (e->csv && e->cols == NULL) {
        json_t *seen = json_object();
        e->cols = json_array();
        int rc = 0;
        json_array_foreach(rows, i, row)
        {
            const char *k;
            json_t *v;
            json_object_foreach(row, k, v) if (!json_object_get(seen, k))
            {
                json_object_set_new(seen, k, json_true());
                json_array_append_new(e->cols, json_string(k));
                rc |= gg_buf_adds(&e->b, json_array_size(e->cols) > 1 ? "," : "");
                rc |= gg_buf_adds(&e->b, k);
            }
        }
        json_decref(seen);
        rc |= gg_buf_adds(&e->b, "\r\n");
        if (rc)
            return GG_ELIMIT;
    }
    json_array_foreach(rows, i, row)
    {
        int rc = export_row(e, row);
        if (rc)
            return rc;
    }
    return 0;
}

static int h_export(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN | GG_ROLE_ANALYST, 0, GG_AUTH_JSON) == NULL)
        return 0;
    gg_str file = gg_req_param(r, "file");
    char name[32];
    if (file.len == 0 || file.len >= sizeof(name))
        return gg_req_error(r, GG_ENOTFOUND, "no such export");
    memcpy(name, file.ptr, file.len);
    name[file.len] = '\0';
    char *dot = strrchr(name, '.');
    if (dot == NULL || (strcmp(dot, ".csv") != 0 && strcmp(dot, ".json") != 0))
        return gg_req_error(r, GG_ENOTFOUND, "exports end in .csv or .json");
    *dot = '\0';
    query q;
    int limit, after;
    if (parse_query(a, r, &q) != 0 ||
        gg_api__query_int(r, "limit", 50000, 1, EXPORT_MAX, &limit) != 0 ||
        gg_api__query_int(r, "after", 0, 0, 2147483647, &after) != 0)
        return 0;
    export_out e = {.csv = dot[1] == 'c'};
    gg_buf_init(&e.b, EXPORT_CAP);
    if (!e.csv)
        gg_buf_adds(&e.b, "{\"items\":[");
    int rc = 0;
    if (strcmp(name, "aggregates") == 0) {
        json_t *sum = NULL;
        if (summary(a, r, &q, 100, &sum) != 0) {
            gg_buf_dispose(&e.b);
            return 0;
        }
        json_t *rows = aggregates_rows(sum);
        rc = export_rows(&e, rows);
        json_decref(rows);
        json_decref(sum);
        e.last_id = 0;
    } else if (strcmp(name, "ideas") == 0 || strcmp(name, "submissions") == 0 ||
               strcmp(name, "polls") == 0 || strcmp(name, "votes") == 0 ||
               strcmp(name, "supports") == 0) {
        rc = gg_store_insight_export(a->store, name, q.f.campaign_id, after, limit, export_row,
                                     &e);
    } else {
        gg_buf_dispose(&e.b);
        return gg_req_error(r, GG_ENOTFOUND, "no export named %s", name);
    }
    json_decref(e.cols);
    if (rc == GG_ELIMIT) {
        gg_buf_dispose(&e.b);
        return gg_req_error(r, GG_ELIMIT, "the export is larger than %u MB: use a smaller limit",
                            EXPORT_CAP >> 20);
    }
    if (rc != 0) {
        gg_buf_dispose(&e.b);
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    }
    /* a full page may have more after it: say where to continue */
    char next[32] = "";
    if (e.rows == limit && e.last_id > 0)
        snprintf(next, sizeof(next), "%lld", (long long)e.last_id);
    if (!e.csv && gg_buf_printf(&e.b, "],\"next_after\":%s}", *next ? next : "null") != 0) {
        gg_buf_dispose(&e.b);
        return gg_req_error(r, GG_ELIMIT, "the export is too large: use a smaller limit");
    }
    if (*next)
        gg_req_header_add(r, "x-next-after", gg_req_strdup(r, next, strlen(next)));
    char disp[96];
    snprintf(disp, sizeof(disp), "attachment; filename=\"%s%s%s.%s\"", name, q.slug ? "-" : "",
             q.slug && strlen(q.slug) < 40 ? q.slug : "", e.csv ? "csv" : "json");
    gg_req_header_add(r, "content-disposition", gg_req_strdup(r, disp, strlen(disp)));
    gg_req_header_add(r, "cache-control", "no-store");
    gg_req_send(r, 200, e.csv ? "text/csv; charset=utf-8" : "application/json",
                e.b.data ? e.b.data : "", e.b.len);
    gg_buf_dispose(&e.b);
    return 0;
}

/* ---- pages ------------------------------------------------------------------- */

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static long long jint(json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

/* The query string of q (for links, data-src and exports), escaped for HTML. */
static void query_attr(gg_buf *b, const query *q, const char *extra_skip)
{
    const char *k[] = {"campaign", "from", "to", "topic", "kind", "channel", "lang", "region",
                       "dapil", "coord"};
    const char *v[] = {q->slug,      q->from,      q->to,       q->f.topic,   q->f.kind,
                       q->f.channel, q->f.lang,    q->f.region, q->f.dapil, q->coord};
    int first = 1;
    for (int i = 0; i < 10; i++) {
        if (v[i] == NULL || (extra_skip && strcmp(extra_skip, k[i]) == 0))
            continue;
        gg_buf_printf(b, "%s%s=", first ? "" : "&amp;", k[i]);
        gg_html_esc(b, v[i]); /* slugs and codes are plain; words are checked */
        first = 0;
    }
}

static void nav(gg_buf *b, const char *lang, const query *q, const char *here)
{
    static const char *const pages[][3] = {{"", "Dasbor", "Dashboard"},
                                           {"/map", "Peta", "Map"},
                                           {"/report", "Laporan cetak", "Printable report"}};
    gg_buf_adds(b, "<nav class=\"insight-nav\">");
    for (int i = 0; i < 3; i++) {
        gg_buf_printf(b, "<a href=\"/console/insight%s?", pages[i][0]);
        query_attr(b, q, NULL);
        gg_buf_printf(b, "\"%s>%s</a> ", strcmp(here, pages[i][0]) == 0 ? " aria-current=\"page\"" : "",
                      GG_T(lang, pages[i][1], pages[i][2]));
    }
    gg_buf_printf(b, "<a href=\"/console/queue\">%s</a></nav>",
                  GG_T(lang, "Antrean telaah", "Review queue"));
}

static void filter_form(gg_buf *b, const char *lang, const char *action, const query *q,
                        json_t *campaigns)
{
    gg_buf_printf(b, "<form class=\"filters\" method=\"get\" action=\"%s\">", action);
    gg_buf_printf(b, "<label>%s <select name=\"campaign\"><option value=\"\">%s</option>",
                  GG_T(lang, "Kampanye", "Campaign"), GG_T(lang, "Semua", "All"));
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(campaigns, "campaigns"), i, c)
    {
        const char *slug = jstr(c, "slug");
        gg_buf_adds(b, "<option value=\"");
        gg_html_esc(b, slug);
        gg_buf_adds(b, q->slug && strcmp(q->slug, slug) == 0 ? "\" selected>" : "\">");
        gg_html_esc(b, jstr(c, "title"));
        gg_buf_adds(b, "</option>");
    }
    gg_buf_adds(b, "</select></label>");
    gg_buf_printf(b, "<label>%s <input type=\"date\" name=\"from\" value=\"%s\"></label>",
                  GG_T(lang, "Dari", "From"), q->from);
    gg_buf_printf(b, "<label>%s <input type=\"date\" name=\"to\" value=\"%s\"></label>",
                  GG_T(lang, "Sampai", "To"), q->to);
    const char *k[] = {"topic", "kind", "channel", "lang", "region", "dapil"};
    const char *lid[] = {"Topik", "Jenis", "Kanal", "Bahasa", "Kode wilayah", "Dapil"};
    const char *len[] = {"Topic", "Kind", "Channel", "Language", "Region code", "Dapil"};
    const char *v[] = {q->f.topic, q->f.kind, q->f.channel, q->f.lang, q->f.region, q->f.dapil};
    for (int j = 0; j < 6; j++) {
        gg_buf_printf(b, "<label>%s <input name=\"%s\" size=\"10\" value=\"",
                      GG_T(lang, lid[j], len[j]), k[j]);
        gg_html_esc(b, v[j] ? v[j] : "");
        gg_buf_adds(b, "\"></label>");
    }
    gg_buf_printf(b,
                  "<label>%s <select name=\"coord\"><option value=\"all\">%s</option>"
                  "<option value=\"organic\"%s>%s</option>"
                  "<option value=\"coordinated\"%s>%s</option></select></label>"
                  "<button type=\"submit\">%s</button></form>",
                  GG_T(lang, "Asal", "Origin"), GG_T(lang, "Semua", "All"),
                  q->f.coord == 1 ? " selected" : "", GG_T(lang, "Organik", "Organic"),
                  q->f.coord == 2 ? " selected" : "",
                  GG_T(lang, "Terkoordinasi", "Coordinated"), GG_T(lang, "Terapkan", "Apply"));
}

static void kpis(gg_buf *b, const char *lang, json_t *sum)
{
    json_t *fn = json_object_get(sum, "funnel");
    struct {
        const char *id, *en;
        long long v;
    } k[] = {
        {"Masuk", "Received", jint(sum, "total")},
        {"Suara (kelompok terkoordinasi = 1)", "Voices (a coordinated group = 1)",
         jint(sum, "voices")},
        {"Ditolak otomatis", "Auto-rejected", jint(json_object_get(fn, "auto_rejected"), "n")},
        {"Menunggu telaah", "Awaiting review", jint(fn, "queued")},
        {"Diterima", "Accepted", jint(fn, "accepted")},
        {"Digabung", "Merged", jint(fn, "merged") + jint(fn, "auto_merged")},
        {"Ditolak penelaah", "Rejected by reviewers", jint(json_object_get(fn, "rejected"), "n")},
        {"Terkoordinasi", "Coordinated", jint(sum, "coordinated")},
    };
    gg_buf_adds(b, "<dl class=\"kpis\">");
    for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
        gg_buf_printf(b, "<div><dt>%s</dt><dd data-kpi=\"%zu\">%lld</dd></div>",
                      GG_T(lang, k[i].id, k[i].en), i, k[i].v);
    json_t *avg = json_object_get(json_object_get(fn, "review"), "avg_hours");
    if (json_is_number(avg))
        gg_buf_printf(b, "<div><dt>%s</dt><dd>%.1f %s</dd></div>",
                      GG_T(lang, "Rata-rata waktu telaah", "Mean review time"),
                      json_number_value(avg), GG_T(lang, "jam", "h"));
    json_t *med = json_object_get(json_object_get(fn, "review"), "median_hours");
    if (json_is_number(med))
        gg_buf_printf(b, "<div><dt>%s</dt><dd id=\"review-median\">%.1f %s</dd></div>",
                      GG_T(lang, "Median waktu telaah", "Median review time"),
                      json_number_value(med), GG_T(lang, "jam", "h"));
    gg_buf_adds(b, "</dl>");
}

static void topic_table(gg_buf *b, const char *lang, json_t *sum)
{
    gg_buf_printf(b,
                  "<table class=\"data\" id=\"topics\"><caption>%s</caption><thead><tr>"
                  "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                  "</tr></thead><tbody>",
                  GG_T(lang, "Topik", "Topics"), GG_T(lang, "Topik", "Topic"),
                  GG_T(lang, "Jumlah", "Volume"), GG_T(lang, "Dukungan", "Support"),
                  GG_T(lang, "Positif", "Positive"), GG_T(lang, "Negatif", "Negative"),
                  GG_T(lang, "Sentimen", "Sentiment"));
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(sum, "topics"), i, t)
    {
        const char *name = jstr(t, "topic");
        gg_buf_adds(b, "<tr><td>");
        gg_html_esc(b, *name ? name : GG_T(lang, "(tanpa topik)", "(no topic)"));
        gg_buf_printf(b, "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td><td>",
                      jint(t, "n"), jint(t, "support"), jint(t, "positive"), jint(t, "negative"));
        json_t *s = json_object_get(t, "sentiment");
        if (json_is_number(s))
            gg_buf_printf(b, "%+.2f", json_number_value(s));
        gg_buf_adds(b, "</td></tr>");
    }
    gg_buf_adds(b, "</tbody></table>");
}

static void simple_map_table(gg_buf *b, const char *lang, json_t *map, const char *id,
                             const char *cap_id, const char *cap_en)
{
    gg_buf_printf(b, "<table class=\"data\" id=\"%s\"><caption>%s</caption><tbody>", id,
                  GG_T(lang, cap_id, cap_en));
    const char *k;
    json_t *v;
    json_object_foreach(map, k, v)
    {
        gg_buf_adds(b, "<tr><td>");
        gg_html_esc(b, k);
        gg_buf_printf(b, "</td><td>%lld</td></tr>", (long long)json_integer_value(v));
    }
    gg_buf_adds(b, "</tbody></table>");
}

static void funnel_table(gg_buf *b, const char *lang, json_t *sum)
{
    json_t *fn = json_object_get(sum, "funnel");
    gg_buf_printf(b, "<table class=\"data\" id=\"funnel\"><caption>%s</caption><tbody>",
                  GG_T(lang, "Corong", "Funnel"));
    gg_buf_printf(b, "<tr><th>%s</th><td>%lld</td></tr>", GG_T(lang, "Masuk", "Received"),
                  jint(fn, "received"));
    json_t *ar = json_object_get(fn, "auto_rejected");
    gg_buf_printf(b, "<tr><th>%s</th><td>%lld</td></tr>",
                  GG_T(lang, "Ditolak otomatis", "Auto-rejected"), jint(ar, "n"));
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(ar, "by_reason"), k, v)
    {
        gg_buf_adds(b, "<tr class=\"sub\"><th>· ");
        gg_html_esc(b, k);
        gg_buf_printf(b, "</th><td>%lld</td></tr>", (long long)json_integer_value(v));
    }
    struct {
        const char *id, *en, *key;
    } rows[] = {{"Digabung otomatis (duplikat)", "Merged automatically (duplicate)", "auto_merged"},
                {"Menunggu telaah", "Queued for review", "queued"},
                {"Dieskalasi", "Escalated", "escalated"},
                {"Diterima", "Accepted", "accepted"},
                {"Digabung penelaah", "Merged by reviewers", "merged"}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        gg_buf_printf(b, "<tr><th>%s</th><td>%lld</td></tr>", GG_T(lang, rows[i].id, rows[i].en),
                      jint(fn, rows[i].key));
    json_t *rj = json_object_get(fn, "rejected");
    gg_buf_printf(b, "<tr><th>%s</th><td>%lld</td></tr>",
                  GG_T(lang, "Ditolak penelaah", "Rejected by reviewers"), jint(rj, "n"));
    json_object_foreach(json_object_get(rj, "by_reason"), k, v)
    {
        gg_buf_adds(b, "<tr class=\"sub\"><th>· ");
        gg_html_esc(b, k);
        gg_buf_printf(b, "</th><td>%lld</td></tr>", (long long)json_integer_value(v));
    }
    json_t *rv = json_object_get(fn, "review");
    json_t *avg = json_object_get(rv, "avg_hours");
    gg_buf_printf(b, "<tr><th>%s</th><td>%lld", GG_T(lang, "Diputuskan penelaah", "Decided by reviewers"),
                  jint(rv, "decided"));
    if (json_is_number(avg))
        gg_buf_printf(b, " (%s %.1f %s)", GG_T(lang, "rata-rata", "mean"), json_number_value(avg),
                      GG_T(lang, "jam", "h"));
    json_t *med = json_object_get(rv, "median_hours");
    if (json_is_number(med))
        gg_buf_printf(b, " (%s %.1f %s)", GG_T(lang, "median", "median"), json_number_value(med),
                      GG_T(lang, "jam", "h"));
    gg_buf_adds(b, "</td></tr></tbody></table>");
}

static void list_table(gg_buf *b, const char *lang, json_t *arr, const char *id,
                       const char *cap_id, const char *cap_en, const char *text_key,
                       const char *num_key, const char *num_id, const char *num_en,
                       const char *href)
{
    gg_buf_printf(b, "<table class=\"data\" id=\"%s\"><caption>%s</caption><thead><tr><th>#</th>"
                     "<th>%s</th><th>%s</th></tr></thead><tbody>",
                  id, GG_T(lang, cap_id, cap_en), GG_T(lang, "Teks", "Text"),
                  GG_T(lang, num_id, num_en));
    size_t i;
    json_t *it;
    json_array_foreach(arr, i, it)
    {
        gg_buf_printf(b, "<tr><td>%lld</td><td>", jint(it, "id"));
        if (href)
            gg_buf_printf(b, "<a href=\"%s%lld\">", href, jint(it, "id"));
        gg_html_esc(b, jstr(it, text_key));
        gg_buf_printf(b, "%s</td><td>%lld</td></tr>", href ? "</a>" : "", jint(it, num_key));
    }
    if (i == 0)
        gg_buf_printf(b, "<tr><td colspan=\"3\">%s</td></tr>", GG_T(lang, "Belum ada.", "None yet."));
    gg_buf_adds(b, "</tbody></table>");
}

static void groups_table(gg_buf *b, const char *lang, json_t *sum)
{
    gg_buf_printf(b,
                  "<table class=\"data coord\" id=\"groups\"><caption>%s</caption><thead><tr>"
                  "<th>#</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                  GG_T(lang, "Peringatan kampanye terkoordinasi (dihitung satu suara)",
                       "Coordinated-campaign alerts (counted as one voice)"),
                  GG_T(lang, "Teks pertama", "First text"), GG_T(lang, "Akun", "Accounts"),
                  GG_T(lang, "Bukti", "Evidence"));
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(sum, "groups"), i, g)
    {
        gg_buf_printf(b, "<tr><td>%lld</td><td>", jint(g, "id"));
        gg_html_esc(b, jstr(g, "text"));
        gg_buf_printf(b, "</td><td>%lld</td><td><code>", jint(g, "members"));
        char *ev = json_dumps(json_object_get(g, "evidence"), JSON_COMPACT);
        if (ev && strlen(ev) > 400)
            memcpy(ev + 396, "…", sizeof("…"));
        gg_html_esc(b, ev ? ev : "");
        free(ev);
        gg_buf_adds(b, "</code></td></tr>");
    }
    if (i == 0)
        gg_buf_printf(b, "<tr><td colspan=\"4\">%s</td></tr>",
                      GG_T(lang, "Tidak ada yang terdeteksi.", "None detected."));
    gg_buf_adds(b, "</tbody></table>");
}

static void rising_table(gg_buf *b, const char *lang, json_t *sum)
{
    gg_buf_printf(b,
                  "<table class=\"data\" id=\"rising\"><caption>%s</caption><thead><tr>"
                  "<th>%s</th><th>%s</th><th>%s</th><th>z</th></tr></thead><tbody>",
                  GG_T(lang, "Naik minggu ini dibanding empat minggu sebelumnya",
                       "Rising this week against the four before"),
                  GG_T(lang, "Apa", "What"), GG_T(lang, "Minggu ini", "This week"),
                  GG_T(lang, "Rata-rata mingguan sebelumnya", "Weekly mean before"));
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(sum, "rising"), i, it)
    {
        gg_buf_adds(b, "<tr><td>");
        gg_html_esc(b, jstr(it, "dim"));
        gg_buf_adds(b, ": ");
        gg_html_esc(b, jstr(it, "key"));
        gg_buf_printf(b, "</td><td>%lld</td><td>%.1f</td><td>%.1f</td></tr>", jint(it, "week"),
                      json_number_value(json_object_get(it, "prev_weekly")),
                      json_number_value(json_object_get(it, "z")));
    }
    if (i == 0)
        gg_buf_printf(b, "<tr><td colspan=\"4\">%s</td></tr>",
                      GG_T(lang, "Tidak ada lonjakan.", "No burst."));
    gg_buf_adds(b, "</tbody></table>");
}

/* The dapil table for the party's candidates: one row per dapil with input. */
static void dapil_table(gg_api *a, gg_buf *b, const char *lang, json_t *sum)
{
    gg_buf_printf(b,
                  "<table class=\"data\" id=\"dapil\"><caption>%s</caption><thead><tr>"
                  "<th>Dapil</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                  GG_T(lang, "Per dapil DPR RI (untuk para calon)",
                       "By DPR RI electoral district (for the candidates)"),
                  GG_T(lang, "Kursi", "Seats"), GG_T(lang, "Jumlah", "Volume"),
                  GG_T(lang, "Dukungan", "Support"), GG_T(lang, "Sentimen", "Sentiment"));
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(json_object_get(sum, "regions"), "dapil"), i, d)
    {
        const char *code = jstr(d, "code");
        char k[10];
        snprintf(k, sizeof(k), "d%s", code);
        const geo_name *g = geo_lookup(a, k);
        gg_buf_adds(b, "<tr><td>");
        gg_html_esc(b, g ? g->name : code);
        gg_buf_printf(b, "</td><td>%d</td><td>%lld</td><td>%lld</td><td>", g ? g->seats : 0,
                      jint(d, "n"), jint(d, "support"));
        json_t *s = json_object_get(d, "sentiment");
        if (json_is_number(s))
            gg_buf_printf(b, "%+.2f", json_number_value(s));
        gg_buf_adds(b, "</td></tr>");
    }
    if (i == 0)
        gg_buf_printf(b, "<tr><td colspan=\"5\">%s</td></tr>",
                      GG_T(lang, "Belum ada masukan berdapil.", "No input with a dapil yet."));
    gg_buf_adds(b, "</tbody></table>");
}

static void region_table(gg_api *a, gg_buf *b, const char *lang, json_t *sum, const char *level,
                         const char *cap_id, const char *cap_en, size_t max)
{
    gg_buf_printf(b,
                  "<table class=\"data\" id=\"%s\"><caption>%s</caption><thead><tr>"
                  "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                  level, GG_T(lang, cap_id, cap_en), GG_T(lang, "Wilayah", "Region"),
                  GG_T(lang, "Jumlah", "Volume"), GG_T(lang, "Dukungan", "Support"));
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(json_object_get(sum, "regions"), level), i, d)
    {
        if (i >= max)
            break;
        const char *code = jstr(d, "code");
        gg_buf_adds(b, "<tr><td>");
        gg_html_esc(b, *code ? geo_label(a, code, 0) : GG_T(lang, "(tidak diketahui)", "(unknown)"));
        gg_buf_printf(b, "</td><td>%lld</td><td>%lld</td></tr>", jint(d, "n"),
                      jint(d, "support"));
    }
    gg_buf_adds(b, "</tbody></table>");
}

static void assets(gg_buf *b, const char *page)
{
    gg_buf_printf(b,
                  "<link rel=\"stylesheet\" href=\"/static/insight/insight.css\">"
                  "<script src=\"/static/vendor/echarts.min.js\" defer></script>"
                  "%s<script src=\"/static/insight/%s.js\" defer></script>",
                  strcmp(page, "map") == 0
                      ? "<script src=\"/static/vendor/topojson-client.min.js\" defer></script>"
                      : "",
                  page);
}

/* The summary the page was built from, as a JSON data block the charts
 * read instead of asking again (a data block is not script: the CSP allows
 * it). Slashes are escaped, so no "</script>" can end it early. */
static void data_block(gg_buf *b, json_t *sum)
{
    char *j = json_dumps(sum, JSON_COMPACT | JSON_ESCAPE_SLASH);
    if (j == NULL)
        return;
    gg_buf_adds(b, "<script type=\"application/json\" id=\"insight-data\">");
    gg_buf_adds(b, j);
    gg_buf_adds(b, "</script>");
    free(j);
}

static int page_common(gg_api *a, gg_req *r, query *q, json_t **sum, json_t **campaigns,
                       const char **lang)
{
    if (gg_api__staff(a, r, GG_ROLE_ANY, 0, GG_AUTH_HTML) == NULL)
        return -1;
    *lang = gg_api__lang(r);
    if (parse_query(a, r, q) != 0)
        return -1;
    /* the pages show provinces and dapil; kab/kota counts are for the map's
     * own JSON request */
    int no_regency = q->f.no_regency;
    q->f.no_regency = 1;
    int rc = summary(a, r, q, 10, sum);
    q->f.no_regency = no_regency;
    if (rc != 0)
        return -1;
    if (gg_store_campaign_list(a->store, campaigns) != 0) {
        json_decref(*sum);
        gg_req_error(r, GG_EIO, "%s", gg_store_errmsg(a->store));
        return -1;
    }
    return 0;
}

static int h_dashboard(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    query q;
    json_t *sum = NULL, *camps = NULL;
    const char *lang;
    if (page_common(a, r, &q, &sum, &camps, &lang) != 0)
        return 0;
    gg_buf b;
    gg_buf_init(&b, 8 << 20);
    gg_html_head(&b, lang, GG_T(lang, "Wawasan", "Insight"), "/console/insight");
    assets(&b, "dashboard");
    nav(&b, lang, &q, "");
    gg_buf_printf(&b, "<h1>%s</h1>", GG_T(lang, "Apa yang diinginkan warga", "What people want"));
    filter_form(&b, lang, "/console/insight", &q, camps);
    gg_buf_adds(&b, "<div id=\"insight\" data-src=\"/api/v1/insight/summary?levels=province&amp;");
    query_attr(&b, &q, NULL);
    gg_buf_printf(&b, "\" data-lang=\"%s\">", lang);
    data_block(&b, sum);
    kpis(&b, lang, sum);
    gg_buf_printf(&b,
                  "<section class=\"charts\">"
                  "<figure><figcaption>%s</figcaption><div class=\"chart\" id=\"chart-volume\">"
                  "</div></figure>"
                  "<figure><figcaption>%s</figcaption><div class=\"chart\" id=\"chart-funnel\">"
                  "</div></figure>"
                  "<figure><figcaption>%s</figcaption><div class=\"chart\" id=\"chart-topics\">"
                  "</div></figure>"
                  "<figure><figcaption>%s</figcaption><div class=\"chart\" id=\"chart-kinds\">"
                  "</div></figure></section>",
                  GG_T(lang, "Volume per hari menurut kanal", "Volume per day by channel"),
                  GG_T(lang, "Corong", "Funnel"),
                  GG_T(lang, "Topik: jumlah, dukungan, sentimen", "Topics: volume, support, sentiment"),
                  GG_T(lang, "Jenis masukan", "Kinds of input"));
    gg_buf_adds(&b, "<section class=\"tables\">");
    rising_table(&b, lang, sum);
    topic_table(&b, lang, sum);
    funnel_table(&b, lang, sum);
    simple_map_table(&b, lang, json_object_get(sum, "by_channel"), "channels", "Kanal", "Channels");
    simple_map_table(&b, lang, json_object_get(sum, "by_kind"), "kinds", "Jenis", "Kinds");
    list_table(&b, lang, json_object_get(sum, "top_ideas"), "ideas",
               "Gagasan paling didukung", "Most supported ideas", "title", "supporters",
               "Pendukung", "Supporters", "/i/");
    list_table(&b, lang, json_object_get(sum, "clusters"), "clusters",
               "Kelompok masukan nyaris sama terbesar", "Largest clusters of near-identical input",
               "text", "size", "Ukuran", "Size", NULL);
    groups_table(&b, lang, sum);
    region_table(a, &b, lang, sum, "province", "Provinsi teratas", "Top provinces", 10);
    gg_buf_adds(&b, "</section></div>");
    gg_buf_printf(&b, "<p class=\"exports\">%s: ", GG_T(lang, "Unduh", "Download"));
    static const char *const ex[] = {"ideas", "submissions", "aggregates",
                                     "polls", "votes",       "supports"};
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 2; j++) {
            gg_buf_printf(&b, "<a href=\"/api/v1/export/%s.%s?", ex[i], j ? "json" : "csv");
            query_attr(&b, &q, NULL);
            gg_buf_printf(&b, "\">%s.%s</a> ", ex[i], j ? "json" : "csv");
        }
    gg_buf_adds(&b, "</p>");
    gg_html_foot(&b, lang);
    json_decref(sum);
    json_decref(camps);
    gg_html_send(r, 200, &b);
    return 0;
}

static int h_map(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    query q;
    json_t *sum = NULL, *camps = NULL;
    const char *lang;
    if (page_common(a, r, &q, &sum, &camps, &lang) != 0)
        return 0;
    gg_buf b;
    gg_buf_init(&b, 8 << 20);
    gg_html_head(&b, lang, GG_T(lang, "Peta", "Map"), "/console/insight/map");
    assets(&b, "map");
    nav(&b, lang, &q, "/map");
    gg_buf_printf(&b, "<h1>%s</h1>", GG_T(lang, "Peta aspirasi", "Map of what people want"));
    filter_form(&b, lang, "/console/insight/map", &q, camps);
    gg_buf_adds(&b, "<div id=\"insight-map\" data-src=\"/api/v1/insight/summary?");
    query_attr(&b, &q, NULL);
    gg_buf_adds(&b, "\" data-drill=\"/api/v1/insight/drill?");
    query_attr(&b, &q, "region");
    gg_buf_printf(&b,
                  "\" data-lang=\"%s\"><p class=\"map-controls\">"
                  "<label>%s <select id=\"map-level\"><option value=\"province\">%s</option>"
                  "<option value=\"regency\">%s</option><option value=\"dapil\">%s</option>"
                  "</select></label> <label>%s <select id=\"map-measure\">"
                  "<option value=\"raw\">%s</option><option value=\"per100k\">%s</option>"
                  "</select></label></p><div class=\"chart map\" id=\"chart-map\"></div>"
                  "<section id=\"drill\" aria-live=\"polite\"></section></div>",
                  lang, GG_T(lang, "Tingkat", "Level"), GG_T(lang, "Provinsi", "Province"),
                  GG_T(lang, "Kabupaten/kota", "Regency/city"), GG_T(lang, "Dapil DPR RI", "DPR RI dapil"),
                  GG_T(lang, "Ukuran", "Measure"), GG_T(lang, "Jumlah", "Count"),
                  GG_T(lang, "Per 100.000 penduduk", "Per 100,000 inhabitants"));
    region_table(a, &b, lang, sum, "province", "Provinsi", "Provinces", 38);
    dapil_table(a, &b, lang, sum);
    gg_html_foot(&b, lang);
    json_decref(sum);
    json_decref(camps);
    gg_html_send(r, 200, &b);
    return 0;
}

/* Top ideas per topic and per province, from the most supported ideas. */
static void ideas_by(gg_api *a, gg_buf *b, const char *lang, json_t *ideas, const char *by)
{
    json_t *groups = json_object();
    size_t i;
    json_t *it;
    json_array_foreach(ideas, i, it)
    {
        json_t *keys = json_array();
        if (strcmp(by, "topic") == 0)
            json_array_extend(keys, json_object_get(it, "topics"));
        else
            json_array_append(keys, json_object_get(it, "province"));
        size_t j;
        json_t *k;
        json_array_foreach(keys, j, k)
        {
            const char *ks = json_string_value(k);
            if (ks == NULL || !*ks)
                continue;
            json_t *g = json_object_get(groups, ks);
            if (g == NULL)
                json_object_set_new(groups, ks, g = json_array());
            if (json_array_size(g) < 5)
                json_array_append(g, it);
        }
        json_decref(keys);
    }
    const char *k;
    json_t *g;
    json_object_foreach(groups, k, g)
    {
        gg_buf_adds(b, "<h3>");
        gg_html_esc(b, strcmp(by, "topic") == 0 ? k : geo_label(a, k, 0));
        gg_buf_adds(b, "</h3><ol>");
        json_array_foreach(g, i, it)
        {
            gg_buf_adds(b, "<li>");
            gg_html_esc(b, jstr(it, "title"));
            gg_buf_printf(b, " <span class=\"count\">%lld %s</span></li>", jint(it, "supporters"),
                          GG_T(lang, "pendukung", "supporters"));
        }
        gg_buf_adds(b, "</ol>");
    }
    if (json_object_size(groups) == 0)
        gg_buf_printf(b, "<p>%s</p>", GG_T(lang, "Belum ada gagasan yang diterima.",
                                           "No accepted ideas yet."));
    json_decref(groups);
}

static int h_report(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    query q;
    json_t *sum = NULL, *camps = NULL, *ideas = NULL;
    const char *lang;
    if (page_common(a, r, &q, &sum, &camps, &lang) != 0)
        return 0;
    if (gg_store_insight_ideas(a->store, q.f.campaign_id, 500, &ideas) != 0) {
        json_decref(sum);
        json_decref(camps);
        return gg_req_error(r, GG_EIO, "%s", gg_store_errmsg(a->store));
    }
    json_t *camp = NULL;
    if (q.slug)
        gg_store_campaign_get(a->store, q.slug, &camp);
    gg_buf b;
    gg_buf_init(&b, 16 << 20);
    gg_html_head(&b, lang, GG_T(lang, "Laporan", "Report"), "/console/insight/report");
    assets(&b, "dashboard");
    nav(&b, lang, &q, "/report");
    gg_buf_adds(&b, "<article class=\"report\"><h1>");
    gg_html_esc(&b, camp ? jstr(camp, "title") : GG_T(lang, "Semua kampanye", "All campaigns"));
    gg_buf_printf(&b, "</h1><p class=\"period\">%s %s – %s</p>", GG_T(lang, "Periode", "Period"),
                  q.from, q.to);
    if (camp) {
        gg_buf_adds(&b, "<p class=\"question\">");
        gg_html_esc(&b, jstr(camp, "question"));
        gg_buf_adds(&b, "</p>");
    }
    gg_buf_printf(&b, "<button class=\"print\" id=\"print\" type=\"button\">%s</button>",
                  GG_T(lang, "Cetak / simpan PDF", "Print / save as PDF"));
    gg_buf_adds(&b, "<div id=\"insight\" data-src=\"/api/v1/insight/summary?levels=province&amp;");
    query_attr(&b, &q, NULL);
    gg_buf_printf(&b, "\" data-lang=\"%s\" data-print=\"1\">", lang);
    gg_buf_printf(&b, "<h2>%s</h2>", GG_T(lang, "Ringkasan", "Summary"));
    data_block(&b, sum);
    kpis(&b, lang, sum);
    gg_buf_printf(&b,
                  "<figure><figcaption>%s</figcaption><div class=\"chart\" id=\"chart-volume\">"
                  "</div></figure><figure><figcaption>%s</figcaption><div class=\"chart\" "
                  "id=\"chart-topics\"></div></figure>",
                  GG_T(lang, "Volume per hari menurut kanal", "Volume per day by channel"),
                  GG_T(lang, "Topik", "Topics"));
    topic_table(&b, lang, sum);
    rising_table(&b, lang, sum);
    gg_buf_printf(&b, "<h2>%s</h2>", GG_T(lang, "Gagasan teratas per topik", "Top ideas per topic"));
    ideas_by(a, &b, lang, ideas, "topic");
    gg_buf_printf(&b, "<h2>%s</h2>",
                  GG_T(lang, "Gagasan teratas per provinsi", "Top ideas per province"));
    ideas_by(a, &b, lang, ideas, "province");
    gg_buf_printf(&b, "<h2>%s</h2>", GG_T(lang, "Wilayah", "Regions"));
    region_table(a, &b, lang, sum, "province", "Provinsi", "Provinces", 38);
    dapil_table(a, &b, lang, sum);
    list_table(&b, lang, json_object_get(sum, "clusters"), "clusters",
               "Kelompok masukan nyaris sama terbesar", "Largest clusters of near-identical input",
               "text", "size", "Ukuran", "Size", NULL);
    groups_table(&b, lang, sum);
    /* the method: what was filtered, how, and how many */
    gg_buf_printf(&b, "<h2>%s</h2>", GG_T(lang, "Metode", "Method"));
    gg_buf_printf(
        &b, "<p>%s</p>",
        GG_T(lang,
             "Masukan datang dari kanal media sosial dan portal. Setiap masukan dinormalisasi, "
             "data pribadi (nomor telepon, e-mail, NIK) disamarkan, lalu disaring otomatis: "
             "spam dan konten kasar/kebencian ditolak dengan alasan tercatat, salinan nyaris "
             "sama (MinHash) digabung ke gagasan yang sudah ada, dan kiriman serupa dari banyak "
             "akun dalam waktu singkat ditandai sebagai kampanye terkoordinasi dan dihitung "
             "sebagai satu suara. Sisanya ditelaah manusia. Topik, jenis, sentimen dan wilayah "
             "berasal dari model bahasa Indonesia gagas dan gazeter Kemendagri/KPU; angka per "
             "100.000 penduduk memakai data Dukcapil Desember 2024.",
             "Input comes from social media channels and the portal. Each post is normalized, "
             "personal data (phone numbers, e-mails, NIK) is redacted, and it is filtered "
             "automatically: spam and abusive/hateful posts are rejected with the reason kept, "
             "near-identical copies (MinHash) are merged into the existing idea, and similar "
             "posts from many accounts in a short time are flagged as a coordinated campaign "
             "and counted as one voice. The rest is reviewed by people. Topics, kinds, "
             "sentiment and regions come from gagas's Indonesian models and the "
             "Kemendagri/KPU gazetteer; figures per 100,000 inhabitants use Dukcapil's "
             "December 2024 population."));
    funnel_table(&b, lang, sum);
    gg_buf_adds(&b, "</div></article>");
    gg_html_foot(&b, lang);
    json_decref(camp);
    json_decref(ideas);
    json_decref(sum);
    json_decref(camps);
    gg_html_send(r, 200, &b);
    return 0;
}

void gg_api__register_insight(gg_api *a, gg_http *h)
{
    gg_http_route(h, "GET", "/api/v1/insight/summary", "insight_summary", h_summary, a);
    gg_http_route(h, "GET", "/api/v1/insight/drill", "insight_drill", h_drill, a);
    gg_http_route(h, "GET", "/api/v1/export/{file}", "export", h_export, a);
    gg_http_route(h, "GET", "/console/insight", "console_insight", h_dashboard, a);
    gg_http_route(h, "GET", "/console/insight/map", "console_insight_map", h_map, a);
    gg_http_route(h, "GET", "/console/insight/report", "console_insight_report", h_report, a);
}
