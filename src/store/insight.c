/*
 * insight.c — reads behind the analyst's dashboards, map, report and
 * exports (store layer, issue 6). Dashboards with no filter, or one or two
 * filters among topic, province, kind, channel and language, read
 * insight_agg (kept equal to the facts by the writer's per-batch fold,
 * store/insight_fold.c, plus the rows still pending: O(days x keys), never
 * O(submissions)); a kab/kota or dapil filter, or three filters together,
 * read the narrow insight_facts rows of the period (kab/kota and dapil
 * through their indexes) and expand each into the same dimension rows, so
 * callers see one shape either way.
 * Every function runs on the calling thread's read connection.
 */
#include "store/insight_fold.h"
#include "store/poll_int.h"
#include "core/err.h"
#include <string.h>

/* the dimensions of insight_agg, in the order the scan reports them */
static const char *const dims[] = {"all",      "channel", "kind",  "lang",  "province",
                                   "regency",  "dapil",   "reason", "topic"};
enum { NDIM = sizeof(dims) / sizeof(dims[0]) };

/* Which aggregate rows serve f: plain dimensions (no filter), or the
 * dimensions within one topic ("t:"), province ("p:"), kind ("k:"), channel
 * ("c:") or language ("l:"), or within two of them (the two letters in
 * that order, sel "a|b": see store/insight_fold.c). A kab/kota, a dapil,
 * three filters or a value holding '|' read the facts (returns NULL).
 * prefix and sel are written to the caller's buffers. */
static const char *agg_prefix(const gg_insight_filter *f, char prefix[4], char *sel, size_t cap)
{
    int province = f->region && strlen(f->region) == 2;
    if (f->dapil || (f->region && !province))
        return NULL;
    struct {
        char letter;
        const char *v;
    } on[5];
    int n = 0;
    if (f->topic)
        on[n].letter = 't', on[n++].v = f->topic;
    if (province)
        on[n].letter = 'p', on[n++].v = f->region;
    if (f->kind)
        on[n].letter = 'k', on[n++].v = f->kind;
    if (f->channel)
        on[n].letter = 'c', on[n++].v = f->channel;
    if (f->lang)
        on[n].letter = 'l', on[n++].v = f->lang;
    prefix[0] = 0;
    *sel = 0;
    if (n == 0)
        return prefix;
    if (n > 2)
        return NULL;
    if (n == 1) {
        prefix[0] = on[0].letter, prefix[1] = ':', prefix[2] = 0;
        snprintf(sel, cap, "%s", on[0].v);
        return prefix;
    }
    if (strchr(on[0].v, '|') || strchr(on[1].v, '|') ||
        (size_t)snprintf(sel, cap, "%s|%s", on[0].v, on[1].v) >= cap)
        return NULL;
    prefix[0] = on[0].letter, prefix[1] = on[1].letter, prefix[2] = ':', prefix[3] = 0;
    return prefix;
}

/* The counts a dimension other than "all" carries: n through neg (the
 * review time columns and their histogram are read for "all" only; the
 * funnel is the only reader). Reading 14 columns instead of 30 is most of
 * what a row costs SQLite. */
#define AGG_NARROW (GG_INSIGHT_NEG + 1)

/* One range of rows of one dimension (dim with its prefix; ndays 1: day
 * rows, 7: week rows whose Mondays lie in lo .. hi). */
static int scan_range(gg_conn *c, const gg_insight_filter *f, int64_t campaign_id,
                      const char *dim, const char *base, const char *sel, int lo, int hi,
                      int ndays, gg_insight_row_fn fn, void *arg)
{
    /* the primary key (dim, campaign, sel, day, …) gives one range scan */
#define AGG_FROM                                                                                 \
    " FROM insight_agg WHERE dim=?1 AND campaign_id=?2 AND sel=?6 AND day BETWEEN ?3 AND ?4"     \
    " AND (?5<0 OR coord=?5) AND n<>0"
    static const char wide[] =
        "SELECT key, day, coord, n, received, filtered, queued, accepted, merged, rejected,"
        " escalated, withdrawn, auto_rejected, auto_merged, pos, neu, neg, reviewed, review_secs,"
        " h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, h14, h15" AGG_FROM;
    static const char narrow[] =
        "SELECT key, day, coord, n, received, filtered, queued, accepted, merged, rejected,"
        " escalated, withdrawn, auto_rejected, auto_merged, pos, neu, neg" AGG_FROM;
#undef AGG_FROM
    if (lo > hi)
        return 0;
    int is_all = strcmp(base, "all") == 0;
    int ncol = is_all ? GG_INSIGHT_NCOL : AGG_NARROW;
    sqlite3_stmt *st = gg_store__stmt(c, is_all ? wide : narrow);
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_text(st, 1, dim, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, campaign_id);
    sqlite3_bind_int(st, 3, lo);
    sqlite3_bind_int(st, 4, hi);
    sqlite3_bind_int(st, 5, f->coord == 1 ? 0 : f->coord == 2 ? 1 : -1);
    sqlite3_bind_text(st, 6, sel, -1, SQLITE_TRANSIENT);
    int rc;
    int64_t v[GG_INSIGHT_NCOL] = {0};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int k = 0; k < ncol; k++)
            v[k] = sqlite3_column_int64(st, 3 + k);
        fn(arg, base, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1), ndays,
           sqlite3_column_int(st, 2), v);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "insight agg");
}

/* The Monday of a day (1970-01-05, day 4, was a Monday). */
static int monday(int day)
{
    return day - ((day + 3) % 7 + 7) % 7;
}

static int scan_agg_one(gg_conn *c, const gg_insight_filter *f, int64_t campaign_id,
                        const char *prefix, const char *sel, gg_insight_row_fn fn, void *arg)
{
    /* whole weeks that lie in [day_from, weeks_before - 1] come from the
     * week rows (store/insight_week_schema.c), the days around them from
     * the day rows; "all" and "channel" have day rows only */
    int w0 = monday(f->day_from + 6); /* the first Monday on or after day_from */
    int end = f->weeks_before - 1 < f->day_to ? f->weeks_before - 1 : f->day_to;
    int wl = monday(end - 6); /* the last Monday whose week ends by `end` */
    /* pair selectors ("kl:", …) have day rows only (store/insight_fold.c) */
    int weeks = f->weeks_before > f->day_from && wl >= w0 && strlen(prefix) < 3;
    for (int d = 0; d < NDIM; d++) {
        if (f->no_regency && strcmp(dims[d], "regency") == 0)
            continue;
        char dim[40];
        snprintf(dim, sizeof(dim), "%s%s", prefix, dims[d]);
        int rc;
        if (!weeks || strcmp(dims[d], "all") == 0 || strcmp(dims[d], "channel") == 0) {
            rc = scan_range(c, f, campaign_id, dim, dims[d], sel, f->day_from, f->day_to, 1, fn,
                            arg);
        } else {
            char wdim[42];
            snprintf(wdim, sizeof(wdim), "W%s", dim);
            rc = scan_range(c, f, campaign_id, dim, dims[d], sel, f->day_from, w0 - 1, 1, fn, arg);
            if (rc == 0)
                rc = scan_range(c, f, campaign_id, wdim, dims[d], sel, w0, wl, 7, fn, arg);
            if (rc == 0)
                rc = scan_range(c, f, campaign_id, dim, dims[d], sel, wl + 7, f->day_to, 1, fn,
                                arg);
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int scan_agg(gg_conn *c, const gg_insight_filter *f, const char *prefix, const char *sel,
                    gg_insight_row_fn fn, void *arg)
{
    if (f->campaign_id > 0)
        return scan_agg_one(c, f, f->campaign_id, prefix, sel, fn, arg);
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT id FROM campaigns ORDER BY id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    /* ids first: the per-campaign scans reuse the statement cache */
    int64_t ids[4096];
    int n = 0, rc = 0;
    while (n < 4096 && sqlite3_step(st) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    for (int i = 0; i < n && rc == 0; i++)
        rc = scan_agg_one(c, f, ids[i], prefix, sel, fn, arg);
    return rc;
}

/* The pending rows (not folded yet) that fall in f's selector, period and
 * campaign, expanded like the fold does: up to the fold thread's 16,384
 * (store/sqlite.c), more only after a bulk load by another program. */
typedef struct pending_scan {
    const gg_insight_filter *f;
    const gg_fact *fact;
    const int64_t *v;
    gg_insight_row_fn fn;
    void *arg;
} pending_scan;

static void on_pending(void *arg, const char *prefix, const char *sel, const char *dim,
                       const char *key)
{
    pending_scan *p = arg; /* expanded for its selector only (scan_pending) */
    if (p->f->no_regency && strcmp(dim, "regency") == 0)
        return;
    p->fn(p->arg, dim, key, p->fact->day, 1, p->fact->coord, p->v);
}

/* Whether a pending row can fall in f's selector at all: a cheap test on
 * its own columns before the full expansion (which parses its topics and
 * builds every aggregate row it belongs to, ~200 for a post with a region),
 * so a dashboard read while the writer's fold has thousands of rows
 * waiting expands only those of its filter. Only a necessary condition:
 * on_pending still keeps exactly the selector's rows. */
static int pending_may_match(const gg_insight_filter *f, const gg_fact *x)
{
    if ((f->kind && strcmp(x->kind, f->kind) != 0) ||
        (f->channel && strcmp(x->channel, f->channel) != 0) ||
        (f->lang && strcmp(x->lang, f->lang) != 0) ||
        (f->region && strlen(f->region) == 2 && strcmp(x->province, f->region) != 0))
        return 0;
    if (f->topic && strpbrk(f->topic, "\"\\") == NULL) {
        int plain = 1; /* control characters would be escaped in topics_json */
        for (const unsigned char *p = (const unsigned char *)f->topic; *p && plain; p++)
            plain = *p >= 0x20;
        const char *t = x->topics_json;
        size_t n = strlen(f->topic);
        if (plain) {
            for (const char *q = t; (q = strstr(q, f->topic)) != NULL; q++)
                if (q > t && q[-1] == '"' && q[n] == '"')
                    return 1;
            return 0;
        }
    }
    return 1;
}

static int scan_pending(gg_conn *c, const gg_insight_filter *f, const char *prefix,
                        const char *sel, gg_insight_row_fn fn, void *arg)
{
    sqlite3_stmt *st = gg_store__stmt(c, GG_STORE__PENDING_SELECT
                                      " WHERE (?1=0 OR campaign_id=?1) AND day BETWEEN ?2 AND ?3"
                                      " AND (?4<0 OR (coord>0)=?4)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, f->campaign_id > 0 ? f->campaign_id : 0);
    sqlite3_bind_int(st, 2, f->day_from);
    sqlite3_bind_int(st, 3, f->day_to);
    sqlite3_bind_int(st, 4, f->coord == 1 ? 0 : f->coord == 2 ? 1 : -1);
    pending_scan p = {.f = f, .fn = fn, .arg = arg};
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        gg_fact fact;
        int64_t v[GG_INSIGHT_NCOL];
        gg_store__insight_pending_row(st, &fact, v);
        if (!pending_may_match(f, &fact))
            continue;
        p.fact = &fact;
        p.v = v;
        gg_store__insight_expand(&fact, prefix, sel, on_pending, &p);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "insight pending");
}

static int scan_facts_one(gg_conn *c, const gg_insight_filter *f, int64_t campaign_id,
                          gg_insight_row_fn fn, void *arg)
{
#define FACTS_COLS(IDX)                                                                          \
    "SELECT day, channel, state, auto, reason, lang, kind, sentiment, topics_json, province,"    \
    " regency, dapil, coord, review_secs FROM insight_facts " IDX " WHERE campaign_id=?1 AND "
#define FACTS_WHERE                                                                              \
    " day BETWEEN ?2 AND ?3 AND (?4<0 OR (coord>0)=?4)"                                          \
    " AND (?5 IS NULL OR instr(topics_json, '\"' || ?5 || '\"')>0)"                               \
    " AND (?6 IS NULL OR kind=?6) AND (?7 IS NULL OR province=?7 OR regency=?7)"                 \
    " AND (?8 IS NULL OR dapil=?8) AND (?9 IS NULL OR channel=?9)"                               \
    " AND (?10 IS NULL OR lang=?10)"
    /* a dapil or a kab/kota is a few hundredths of the posts: its index
     * (campaign, dapil|regency, day) reads only those; a channel or a kind
     * likewise through theirs; otherwise the (campaign, day) key bounds the
     * scan to the period */
    /* INDEXED BY: without statistics SQLite prefers the primary key's day
     * range (covering, but the whole period) to any of these */
    sqlite3_stmt *st;
    if (f->dapil)
        st = gg_store__stmt(c, FACTS_COLS("INDEXED BY insight_facts_dapil") "dapil=?8 AND"
                                   FACTS_WHERE);
    else if (f->region && strlen(f->region) > 2)
        st = gg_store__stmt(c, FACTS_COLS("INDEXED BY insight_facts_regency") "regency=?7 AND"
                                   FACTS_WHERE);
    else if (f->channel) /* a seventh of the posts (migration 13) */
        st = gg_store__stmt(c, FACTS_COLS("INDEXED BY insight_facts_channel") "channel=?9 AND"
                                   FACTS_WHERE);
    else if (f->kind) /* a fifth */
        st = gg_store__stmt(c, FACTS_COLS("INDEXED BY insight_facts_kind") "kind=?6 AND"
                                   FACTS_WHERE);
    else
        st = gg_store__stmt(c, FACTS_COLS("") FACTS_WHERE);
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, campaign_id);
    sqlite3_bind_int(st, 2, f->day_from);
    sqlite3_bind_int(st, 3, f->day_to);
    sqlite3_bind_int(st, 4, f->coord == 1 ? 0 : f->coord == 2 ? 1 : -1);
    gg_store__bind_text(st, 5, f->topic);
    gg_store__bind_text(st, 6, f->kind);
    gg_store__bind_text(st, 7, f->region);
    gg_store__bind_text(st, 8, f->dapil);
    gg_store__bind_text(st, 9, f->channel);
    gg_store__bind_text(st, 10, f->lang);
    int rc;
    int64_t v[GG_INSIGHT_NCOL];
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        gg_store__insight_vector((const char *)sqlite3_column_text(st, 2),
                                 sqlite3_column_int(st, 3),
                                 (const char *)sqlite3_column_text(st, 7),
                                 sqlite3_column_type(st, 13) != SQLITE_NULL,
                                 sqlite3_column_int64(st, 13), 1, v);
        int day = sqlite3_column_int(st, 0);
        int coord = sqlite3_column_int(st, 12) > 0;
#define COL(i) ((const char *)sqlite3_column_text(st, (i)))
        fn(arg, "all", "", day, 1, coord, v);
        fn(arg, "channel", COL(1), day, 1, coord, v);
        fn(arg, "kind", COL(6), day, 1, coord, v);
        fn(arg, "lang", COL(5), day, 1, coord, v);
        fn(arg, "province", COL(9), day, 1, coord, v);
        if (*COL(10) && !f->no_regency)
            fn(arg, "regency", COL(10), day, 1, coord, v);
        if (*COL(11))
            fn(arg, "dapil", COL(11), day, 1, coord, v);
        if (*COL(4))
            fn(arg, "reason", COL(4), day, 1, coord, v);
#undef COL
        /* topics: a JSON array of plain names, written by the trigger */
        json_t *t = json_loads((const char *)sqlite3_column_text(st, 8), 0, NULL);
        size_t i;
        json_t *e;
        if (json_array_size(t) == 0)
            fn(arg, "topic", "", day, 1, coord, v);
        json_array_foreach(t, i, e) if (json_is_string(e))
            fn(arg, "topic", json_string_value(e), day, 1, coord, v);
        json_decref(t);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "insight facts");
}

/* Across campaigns: one indexed scan per campaign, as for the aggregates. */
static int scan_facts(gg_conn *c, const gg_insight_filter *f, gg_insight_row_fn fn, void *arg)
{
    if (f->campaign_id > 0)
        return scan_facts_one(c, f, f->campaign_id, fn, arg);
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT id FROM campaigns ORDER BY id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    int64_t ids[4096];
    int n = 0, rc = 0;
    while (n < 4096 && sqlite3_step(st) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    for (int i = 0; i < n && rc == 0; i++)
        rc = scan_facts_one(c, f, ids[i], fn, arg);
    return rc;
}

int gg_store_insight_scan(gg_store *s, const gg_insight_filter *f, gg_insight_row_fn fn,
                          void *arg)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    /* one read transaction, so every dimension sees the same commit */
    sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL);
    char pbuf[4], sel[256];
    const char *prefix = agg_prefix(f, pbuf, sel, sizeof(sel));
    int rc = prefix ? scan_agg(c, f, prefix, sel, fn, arg) : scan_facts(c, f, fn, arg);
    if (rc == 0 && prefix)
        rc = scan_pending(c, f, prefix, sel, fn, arg);
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

static int rows_json(gg_conn *c, sqlite3_stmt *st, const char *what, json_t **out)
{
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, gg_store__row(st));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return gg_store__sqlfail(c, what);
    }
    *out = arr;
    return 0;
}

int gg_store_insight_ideas(gg_store *s, int64_t campaign_id, int limit, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    /* an idea's topics and place are those of the post it was accepted from */
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT i.id, cp.slug AS campaign, i.title, i.status, i.supporters, i.created_at,"
           " coalesce(f.topics_json,'[]') AS topics_json, coalesce(f.province,'') AS province,"
           " coalesce(f.regency,'') AS regency, coalesce(f.dapil,'') AS dapil"
           " FROM ideas i JOIN campaigns cp ON cp.id=i.campaign_id"
           " LEFT JOIN insight_facts f ON f.submission_id="
           "  (SELECT min(id) FROM submissions WHERE idea_id=i.id)"
           " WHERE (?1=0 OR i.campaign_id=?1) AND i.status<>'ditolak'"
           " ORDER BY i.supporters DESC, i.id DESC LIMIT ?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, campaign_id);
    sqlite3_bind_int(st, 2, limit);
    return rows_json(c, st, "insight ideas", out);
}

int gg_store_insight_clusters(gg_store *s, int64_t campaign_id, int limit, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    /* members + the root itself; the root's shown text represents them.
     * Two literals: "?1=0 OR campaign_id=?1" would keep SQLite off the
     * (campaign_id, n) index and sort every cluster. */
    sqlite3_stmt *st =
        campaign_id > 0
            ? gg_store__stmt(c, "SELECT k.root AS id, k.n + 1 AS size, s.display AS text, s.state,"
                                " s.idea_id, s.channel, s.created_at FROM insight_clusters k"
                                " JOIN submissions s ON s.id=k.root WHERE k.campaign_id=?1"
                                " AND k.n>0 ORDER BY k.n DESC LIMIT ?2")
            : gg_store__stmt(c, "SELECT k.root AS id, k.n + 1 AS size, s.display AS text, s.state,"
                                " s.idea_id, s.channel, s.created_at FROM insight_clusters k"
                                " JOIN submissions s ON s.id=k.root WHERE ?1=0 AND k.n>0"
                                " ORDER BY k.n DESC LIMIT ?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, campaign_id);
    sqlite3_bind_int(st, 2, limit);
    return rows_json(c, st, "insight clusters", out);
}

int gg_store_insight_groups(gg_store *s, int64_t campaign_id, int limit, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT g.id, g.members, g.evidence_json, g.created_at, s.display AS text"
           " FROM coord_groups g LEFT JOIN submissions s ON s.id=g.id"
           " WHERE (?1=0 OR g.campaign_id=?1) ORDER BY g.members DESC, g.id DESC LIMIT ?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, campaign_id);
    sqlite3_bind_int(st, 2, limit);
    return rows_json(c, st, "insight groups", out);
}

int gg_store_insight_drill(gg_store *s, const gg_insight_filter *f, int limit, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    /* the posts behind one map area or chart bar: newest first, public text.
     * Walking the (campaign, day, id) key backwards stops after `limit`
     * matches instead of sorting the whole period */
#define DRILL_COLS                                                                               \
    "SELECT s.id, s.channel, s.display AS text, s.state, s.idea_id, s.created_at,"               \
    " f.topics_json, f.kind, f.province, f.regency, f.dapil, f.coord"                             \
    " FROM insight_facts f JOIN submissions s ON s.id=f.submission_id WHERE "
#define DRILL_WHERE                                                                              \
    " f.day BETWEEN ?2 AND ?3 AND (?4<0 OR (f.coord>0)=?4)"                                      \
    " AND (?5 IS NULL OR instr(f.topics_json, '\"' || ?5 || '\"')>0)"                             \
    " AND (?6 IS NULL OR f.kind=?6) AND (?7 IS NULL OR f.province=?7 OR f.regency=?7)"           \
    " AND (?8 IS NULL OR f.dapil=?8) AND (?9 IS NULL OR f.channel=?9)"                           \
    " AND (?10 IS NULL OR f.lang=?10) AND f.state<>'withdrawn'"                                  \
    " ORDER BY f.day DESC, f.submission_id DESC LIMIT ?11"
    sqlite3_stmt *st = f->campaign_id > 0
                           ? gg_store__stmt(c, DRILL_COLS "f.campaign_id=?1 AND" DRILL_WHERE)
                           : gg_store__stmt(c, DRILL_COLS "?1=0 AND" DRILL_WHERE);
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, f->campaign_id > 0 ? f->campaign_id : 0);
    sqlite3_bind_int(st, 2, f->day_from);
    sqlite3_bind_int(st, 3, f->day_to);
    sqlite3_bind_int(st, 4, f->coord == 1 ? 0 : f->coord == 2 ? 1 : -1);
    gg_store__bind_text(st, 5, f->topic);
    gg_store__bind_text(st, 6, f->kind);
    gg_store__bind_text(st, 7, f->region);
    gg_store__bind_text(st, 8, f->dapil);
    gg_store__bind_text(st, 9, f->channel);
    gg_store__bind_text(st, 10, f->lang);
    sqlite3_bind_int(st, 11, limit);
    return rows_json(c, st, "insight drill", out);
}

/* Adds to a polls export row: voters (all, web, channel) and counts per
 * option (an array aligned with options; an index outside them is not
 * counted), from the same tally as the poll results (store/engage.c):
 * web votes, channel answers and the totals X and Mastodon report. */
static int poll_counts(gg_conn *c, json_t *row)
{
    json_int_t pid = json_integer_value(json_object_get(row, "poll_id"));
    json_int_t oid = json_integer_value(json_object_get(row, "outbox_id"));
    gg_poll_tally t = {.counts = json_object()};
    int rc = gg_store__poll_tally(c, pid, oid, &t);
    if (rc != 0) {
        json_decref(t.counts);
        return rc;
    }
    size_t nopt = json_array_size(json_object_get(row, "options"));
    json_t *counts = json_array();
    for (size_t i = 0; i < nopt; i++) {
        char k[24];
        snprintf(k, sizeof(k), "%zu", i);
        json_int_t n = json_integer_value(json_object_get(t.counts, k));
        json_array_append_new(counts, json_integer(n));
    }
    json_decref(t.counts);
    json_object_set_new(row, "voters", json_integer(t.voters_web + t.voters_channel));
    json_object_set_new(row, "voters_web", json_integer(t.voters_web));
    json_object_set_new(row, "voters_channel", json_integer(t.voters_channel));
    json_object_set_new(row, "counts", counts);
    return 0;
}

/* The export listings. Votes, supports and polls have no id of their own
 * that orders them, so their rows are numbered (row_number over a fixed
 * order, after the campaign filter): an id is a position in that listing,
 * stable while nothing before it changes. */
static const char SQL_EXPORT_VOTES[] =
    /* web votes on portal polls, and answers to the polls sent on channels
     * (matched to the sent poll by channel and platform poll id); a
     * withdrawn channel vote (no options) is left out */
    "SELECT id, source, campaign, poll_id, outbox_id, channel, voter, options_json, region, at"
    " FROM (SELECT row_number() OVER (ORDER BY at, source, poll_key, voter) AS id, * FROM ("
    "  SELECT 'web' AS source, p.campaign_id AS cid, cp.slug AS campaign, v.poll_id AS poll_id,"
    "  NULL AS outbox_id, v.channel AS channel, v.participant AS voter,"
    "  v.options_json AS options_json, v.region AS region, v.created_at AS at,"
    "  CAST(v.poll_id AS TEXT) AS poll_key"
    "  FROM poll_votes v JOIN polls p ON p.id=v.poll_id JOIN campaigns cp ON cp.id=p.campaign_id"
    "  UNION ALL"
    "  SELECT 'channel', o.campaign_id, cp.slug, json_extract(o.payload_json,'$.poll_id'), o.id,"
    "  a.channel, a.author_key, '['||a.options||']', NULL, a.at, a.channel||':'||a.poll_id"
    "  FROM poll_answers a LEFT JOIN outbox o ON o.id=coalesce(a.outbox_id,"
    "   (SELECT id FROM outbox WHERE kind='poll' AND channel=a.channel"
    "    AND json_extract(result_json,'$.poll_id')=a.poll_id LIMIT 1))"
    "  LEFT JOIN campaigns cp ON cp.id=o.campaign_id"
    "  WHERE a.options<>'' AND json_valid('['||a.options||']'))"
    " WHERE ?1=0 OR cid=?1) WHERE id>?2 ORDER BY id LIMIT ?3";

static const char SQL_EXPORT_SUPPORTS[] =
    "SELECT id, campaign, idea_id, supporter, created_at FROM (SELECT row_number() OVER"
    " (ORDER BY s.created_at, s.idea_id, s.participant) AS id, cp.slug AS campaign,"
    " s.idea_id, s.participant AS supporter, s.created_at"
    " FROM supports s JOIN ideas i ON i.id=s.idea_id JOIN campaigns cp ON cp.id=i.campaign_id"
    " WHERE ?1=0 OR i.campaign_id=?1) WHERE id>?2 ORDER BY id LIMIT ?3";

static const char SQL_EXPORT_POLLS[] =
    /* portal polls, and channel polls that stand alone (a channel poll
     * sent for a portal poll counts under that poll) */
    "SELECT id, source, campaign, poll_id, outbox_id, channel, question, options_json, multi,"
    " opens_at, closes_at, created_at FROM (SELECT row_number() OVER"
    " (ORDER BY source DESC, key) AS id, * FROM ("
    "  SELECT 'portal' AS source, p.campaign_id AS cid, cp.slug AS campaign, p.id AS poll_id,"
    "  NULL AS outbox_id, NULL AS channel, p.question, p.options_json, p.multi, p.opens_at,"
    "  p.closes_at, p.created_at, p.id AS key"
    "  FROM polls p JOIN campaigns cp ON cp.id=p.campaign_id"
    "  UNION ALL"
    "  SELECT 'channel', o.campaign_id, cp.slug, NULL, o.id, o.channel,"
    "  coalesce(json_extract(o.payload_json,'$.question'), o.text),"
    "  json_extract(o.payload_json,'$.options'),"
    "  coalesce(json_extract(o.payload_json,'$.multiple'),0), NULL, NULL, o.created_at, o.id"
    "  FROM outbox o LEFT JOIN campaigns cp ON cp.id=o.campaign_id"
    "  WHERE o.kind='poll' AND json_extract(o.payload_json,'$.poll_id') IS NULL)"
    " WHERE ?1=0 OR cid=?1) WHERE id>?2 ORDER BY id LIMIT ?3";

int gg_store_insight_export(gg_store *s, const char *what, int64_t campaign_id, int64_t after_id,
                            int limit, int (*fn)(void *arg, json_t *row), void *arg)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = NULL;
    int polls = 0;
    if (strcmp(what, "ideas") == 0)
        st = gg_store__stmt(
            c, "SELECT i.id, cp.slug AS campaign, i.title, i.text, i.status, i.supporters,"
               " coalesce(f.topics_json,'[]') AS topics_json, coalesce(f.province,'') AS province,"
               " coalesce(f.regency,'') AS regency, coalesce(f.dapil,'') AS dapil,"
               " i.official_response, i.created_at, i.updated_at"
               " FROM ideas i JOIN campaigns cp ON cp.id=i.campaign_id"
               " LEFT JOIN insight_facts f ON f.submission_id="
               "  (SELECT min(id) FROM submissions WHERE idea_id=i.id)"
               " WHERE (?1=0 OR i.campaign_id=?1) AND i.id>?2 ORDER BY i.id LIMIT ?3");
    else if (strcmp(what, "submissions") == 0)
        /* pseudonymized: the author key is already an HMAC; no handle, no
         * native id, no raw text (display has personal data redacted) */
        st = gg_store__stmt(
            c, "SELECT s.id, cp.slug AS campaign, s.channel, s.author_key AS author,"
               " s.display AS text, s.state, s.reason, s.idea_id, s.dup_of, s.group_id,"
               " f.lang, f.kind, f.sentiment, f.topics_json, f.province, f.regency, f.dapil,"
               " s.created_at, s.received_at, s.decided_at"
               " FROM submissions s JOIN campaigns cp ON cp.id=s.campaign_id"
               " JOIN insight_facts f ON f.submission_id=s.id"
               " WHERE (?1=0 OR s.campaign_id=?1) AND s.id>?2 AND s.state<>'withdrawn'"
               " ORDER BY s.id LIMIT ?3");
    else if (strcmp(what, "votes") == 0)
        st = gg_store__stmt(c, SQL_EXPORT_VOTES);
    else if (strcmp(what, "supports") == 0)
        st = gg_store__stmt(c, SQL_EXPORT_SUPPORTS);
    else if (strcmp(what, "polls") == 0)
        st = gg_store__stmt(c, SQL_EXPORT_POLLS), polls = 1;
    else
        return gg_store__fail(GG_ENOTFOUND, "no export named %s", what);
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    /* one read transaction: a polls page and its counts see one commit */
    sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL);
    sqlite3_bind_int64(st, 1, campaign_id);
    sqlite3_bind_int64(st, 2, after_id);
    sqlite3_bind_int(st, 3, limit);
    int rc = SQLITE_DONE, frc = 0;
    while (frc == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *row = gg_store__row(st);
        if (polls)
            frc = poll_counts(c, row);
        if (frc == 0)
            frc = fn(arg, row);
        json_decref(row);
    }
    sqlite3_reset(st);
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    if (frc != 0)
        return frc;
    return rc == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "insight export");
}
