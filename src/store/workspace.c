/*
 * workspace.c — the review workspace's reads and small writes in the SQLite
 * backend (store layer, issue 4): the filtered, searchable queue; claims
 * with a lease; an item's evidence; the audit chain's verification; review
 * quality figures. Queries are static SQL with optional parameters
 * ("?N IS NULL OR …"), one statement per ordering, never formatted.
 */
#include "store/sqlite_int.h"
#include "store/workspace.h"
#include "core/alloc.h"
#include "core/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define Q_COLS                                                                                   \
    "s.id, c.slug AS campaign, s.channel, s.author_handle, s.text, s.display, s.labels_json,"    \
    " s.priority, s.state, s.reason, s.note, s.idea_id, s.dup_of, s.group_id, s.created_at,"     \
    " s.received_at, s.decided_at, (SELECT u.email FROM review_claims k JOIN staff_users u ON"   \
    " u.id=k.user_id WHERE k.submission_id=s.id AND k.expires_at>?19) AS claimed_by"

/* Every filter is optional: NULL (or the full range) lets all rows through. */
#define Q_WHERE                                                                                  \
    " FROM submissions s JOIN campaigns c ON c.id=s.campaign_id WHERE s.state=?2"                \
    " AND (?3 IS NULL OR s.channel=?3)"                                                          \
    " AND (?4 IS NULL OR json_extract(s.labels_json,'$.lang')=?4)"                               \
    " AND (?5 IS NULL OR json_extract(s.labels_json,'$.kind')=?5)"                               \
    " AND (?6 IS NULL OR EXISTS(SELECT 1 FROM json_each(s.labels_json,'$.topics') WHERE"         \
    "  coalesce(json_extract(value,'$.topic'),value)=?6))"                                       \
    " AND (?7 IS NULL OR EXISTS(SELECT 1 FROM json_each(s.labels_json,'$.region') WHERE"         \
    "  json_extract(value,'$.province')=?7 OR json_extract(value,'$.kabkota')=?7 OR"             \
    "  json_extract(value,'$.code')=?7))"                                                        \
    " AND (?8 IS NULL OR EXISTS(SELECT 1 FROM json_each(s.labels_json,'$.region') WHERE"         \
    "  json_extract(value,'$.dapil')=?8))"                                                       \
    " AND (?9 IS NULL OR s.id IN (SELECT rowid FROM review_fts WHERE review_fts MATCH ?9))"      \
    " AND s.priority BETWEEN ?10 AND ?11"                                                        \
    " AND coalesce(json_extract(s.labels_json,'$.spam'),0) BETWEEN ?12 AND ?13"                  \
    " AND coalesce(json_extract(s.labels_json,'$.constructive'),0) BETWEEN ?14 AND ?15"          \
    " AND (?16 IS NULL OR s.group_id=?16)"                                                       \
    " AND (?17 IS NULL OR s.id=?17 OR s.dup_of=?17)"                                             \
    " AND (?18 IS NULL OR NOT EXISTS(SELECT 1 FROM review_claims k WHERE k.submission_id=s.id"   \
    "  AND k.user_id<>?18 AND k.expires_at>?19))"                                                \
    " AND (?20 IS NULL OR s.campaign_id IN (SELECT campaign_id FROM campaign_staff WHERE"        \
    "  user_id=?20))"

/* with and without a campaign, by priority and newest first: four plans */
static const char SQL_Q_CP[] = "SELECT " Q_COLS Q_WHERE " AND s.campaign_id=?1"
                               " ORDER BY s.priority DESC, s.id LIMIT ?21 OFFSET ?22";
static const char SQL_Q_CN[] = "SELECT " Q_COLS Q_WHERE " AND s.campaign_id=?1"
                               " ORDER BY s.id DESC LIMIT ?21 OFFSET ?22";
static const char SQL_Q_AP[] = "SELECT " Q_COLS Q_WHERE " AND ?1 IS NULL"
                               " ORDER BY s.priority DESC, s.id LIMIT ?21 OFFSET ?22";
static const char SQL_Q_AN[] = "SELECT " Q_COLS Q_WHERE " AND ?1 IS NULL"
                               " ORDER BY s.id DESC LIMIT ?21 OFFSET ?22";
static const char SQL_Q_COUNT[] = "SELECT count(*) FROM (SELECT 1" Q_WHERE
                                  " AND (?1 IS NULL OR s.campaign_id=?1) LIMIT 10001)";

/* Turn free text into an FTS5 query: each word quoted (so nothing in it is
 * syntax), all required. NULL when no word is left. Pool: malloc. */
static char *fts_query(const char *q)
{
    if (q == NULL)
        return NULL;
    size_t n = strnlen(q, 400);
    char *out = gg_malloc(n * 3 + 8);
    size_t o = 0;
    int words = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && !((unsigned char)q[i] >= 0x80 || (q[i] >= '0' && q[i] <= '9') ||
                          (q[i] >= 'a' && q[i] <= 'z') || (q[i] >= 'A' && q[i] <= 'Z')))
            i++;
        size_t st = i;
        while (i < n && ((unsigned char)q[i] >= 0x80 || (q[i] >= '0' && q[i] <= '9') ||
                         (q[i] >= 'a' && q[i] <= 'z') || (q[i] >= 'A' && q[i] <= 'Z')))
            i++;
        if (i > st && words < 16) {
            if (words++)
                out[o++] = ' ';
            out[o++] = '"';
            memcpy(out + o, q + st, i - st);
            o += i - st;
            out[o++] = '"';
        }
    }
    out[o] = '\0';
    if (words == 0) {
        free(out);
        return NULL;
    }
    return out;
}

static void bind_query(sqlite3_stmt *st, const gg_review_query *q, const char *fts, int64_t t)
{
    if (q->campaign_id > 0)
        sqlite3_bind_int64(st, 1, q->campaign_id);
    gg_store__bind_text(st, 2, q->state ? q->state : "queued");
    gg_store__bind_text(st, 3, q->channel);
    gg_store__bind_text(st, 4, q->lang);
    gg_store__bind_text(st, 5, q->kind);
    gg_store__bind_text(st, 6, q->topic);
    gg_store__bind_text(st, 7, q->region);
    gg_store__bind_text(st, 8, q->dapil);
    gg_store__bind_text(st, 9, fts);
    sqlite3_bind_double(st, 10, q->min_priority);
    sqlite3_bind_double(st, 11, q->max_priority > 0 ? q->max_priority : 1e9);
    sqlite3_bind_double(st, 12, q->min_spam);
    sqlite3_bind_double(st, 13, q->max_spam > 0 ? q->max_spam : 1e9);
    sqlite3_bind_double(st, 14, q->min_constructive);
    sqlite3_bind_double(st, 15, q->max_constructive > 0 ? q->max_constructive : 1e9);
    if (q->group > 0)
        sqlite3_bind_int64(st, 16, q->group);
    if (q->cluster > 0)
        sqlite3_bind_int64(st, 17, q->cluster);
    if (q->viewer > 0)
        sqlite3_bind_int64(st, 18, q->viewer);
    sqlite3_bind_int64(st, 19, t);
    if (q->assigned_to > 0)
        sqlite3_bind_int64(st, 20, q->assigned_to);
}

static int filtered(const gg_review_query *q)
{
    return q->channel || q->lang || q->kind || q->topic || q->region || q->dapil || q->q ||
           q->min_priority > 0 || q->max_priority > 0 || q->min_spam > 0 || q->max_spam > 0 ||
           q->min_constructive > 0 || q->max_constructive > 0 || q->group || q->cluster ||
           q->assigned_to;
}

static sqlite3_stmt *queue_stmt(gg_conn *c, const gg_review_query *q)
{
    if (q->campaign_id > 0)
        return gg_store__stmt(c, q->by_priority ? SQL_Q_CP : SQL_Q_CN);
    return gg_store__stmt(c, q->by_priority ? SQL_Q_AP : SQL_Q_AN);
}

int gg_store_review_queue(gg_store *s, const gg_review_query *q, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    char *fts = fts_query(q->q);
    int64_t t = now_ms();
    json_t *items = NULL, *counts = json_object();
    int rc = 0, capped = 0;
    long long total = 0;
    sqlite3_stmt *st = queue_stmt(c, q);
    if (st == NULL) {
        rc = gg_store__sqlfail(c, "prepare");
        goto done;
    }
    bind_query(st, q, fts, t);
    sqlite3_bind_int(st, 21, q->limit > 0 ? q->limit : 50);
    sqlite3_bind_int(st, 22, q->offset > 0 ? q->offset : 0);
    if ((rc = gg_store__rows(c, st, &items)) != 0)
        goto done;
    /* counts by state for the campaign, from the trigger-kept table */
    st = gg_store__stmt(c, "SELECT state, sum(n) FROM state_counts WHERE ?1 IS NULL OR"
                           " campaign_id=?1 GROUP BY state");
    if (st == NULL) {
        rc = gg_store__sqlfail(c, "prepare");
        goto done;
    }
    if (q->campaign_id > 0)
        sqlite3_bind_int64(st, 1, q->campaign_id);
    while (sqlite3_step(st) == SQLITE_ROW)
        json_object_set_new(counts, (const char *)sqlite3_column_text(st, 0),
                            json_integer(sqlite3_column_int64(st, 1)));
    sqlite3_reset(st);
    if (!filtered(q)) {
        total = json_integer_value(json_object_get(counts, q->state ? q->state : "queued"));
    } else {
        st = gg_store__stmt(c, SQL_Q_COUNT);
        if (st == NULL) {
            rc = gg_store__sqlfail(c, "prepare");
            goto done;
        }
        bind_query(st, q, fts, t);
        if (sqlite3_step(st) == SQLITE_ROW)
            total = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (total > 10000) {
            total = 10000;
            capped = 1;
        }
    }
    *out = json_pack("{s:o,s:I,s:o,s:b}", "items", items, "total", total, "counts", counts,
                     "total_capped", capped);
    items = counts = NULL;
done:
    free(fts);
    json_decref(items);
    json_decref(counts);
    return rc;
}

int gg_store_review_queue_ids(gg_store *s, const gg_review_query *q, int64_t *ids, int max,
                              int *n)
{
    gg_conn *c = gg_store__reader(s);
    *n = 0;
    if (c == NULL)
        return GG_EIO;
    char *fts = fts_query(q->q);
    sqlite3_stmt *st = queue_stmt(c, q);
    if (st == NULL) {
        free(fts);
        return gg_store__sqlfail(c, "prepare");
    }
    bind_query(st, q, fts, now_ms());
    sqlite3_bind_int(st, 21, max);
    sqlite3_bind_int(st, 22, q->offset > 0 ? q->offset : 0);
    while (*n < max && sqlite3_step(st) == SQLITE_ROW)
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    free(fts);
    return 0;
}

int gg_store_review_campaign_id(gg_store *s, const char *slug, int64_t *id_out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT id FROM campaigns WHERE slug=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, slug);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id_out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : gg_store__fail(GG_ENOTFOUND, "no campaign '%.60s'", slug);
}

/* ---- claims --------------------------------------------------------------------- */

typedef struct claim_job {
    int64_t user_id;
    int lease_ms;
    int64_t *ids;
    size_t n;
    int first; /* 1: take the first free of ids; 0: exactly ids[0] */
} claim_job;

static void dispose_claim(gg_job *j)
{
    claim_job *k = j->data;
    free(k->ids);
    free(k);
}

/* 0 when id is waiting and free (or ours); GG_ECONFLICT otherwise. */
static int claimable(gg_conn *c, int64_t id, int64_t user, int64_t t)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT s.state, (SELECT user_id FROM review_claims WHERE submission_id=s.id AND"
           " expires_at>?2) FROM submissions s WHERE s.id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, t);
    int rc;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = gg_store__fail(GG_ENOTFOUND, "no submission %lld", (long long)id);
    } else {
        const char *state = (const char *)sqlite3_column_text(st, 0);
        int64_t holder = sqlite3_column_int64(st, 1);
        if (strcmp(state, "queued") != 0 && strcmp(state, "escalated") != 0)
            rc = gg_store__fail(GG_ECONFLICT, "the item is already %s", state);
        else if (holder != 0 && holder != user)
            rc = gg_store__fail(GG_ECONFLICT, "another reviewer is working on this item");
        else
            rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

static int run_claim(gg_store *s, gg_conn *c, gg_job *j)
{
    claim_job *k = j->data;
    int64_t t = now_ms(), got = 0;
    int rc = GG_ECONFLICT;
    for (size_t i = 0; i < k->n; i++) {
        rc = claimable(c, k->ids[i], k->user_id, t);
        if (rc == 0) {
            got = k->ids[i];
            break;
        }
        if (!k->first) {
            j->result = json_pack("{s:s}", "message", gg_store_errmsg(s));
            return rc;
        }
    }
    if (got == 0) {
        j->id = 0;
        j->result = json_pack("{s:n}", "submission_id");
        return 0; /* nothing left to claim is not an error */
    }
    sqlite3_stmt *st = gg_store__stmt(c, "DELETE FROM review_claims WHERE user_id=?1 AND"
                                         " submission_id<>?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, k->user_id);
    sqlite3_bind_int64(st, 2, got);
    sqlite3_step(st);
    sqlite3_reset(st);
    st = gg_store__stmt(c, "INSERT INTO review_claims(submission_id,user_id,claimed_at,expires_at)"
                           " VALUES(?1,?2,?3,?4) ON CONFLICT(submission_id) DO UPDATE SET"
                           " user_id=?2, claimed_at=CASE WHEN user_id=?2 THEN claimed_at ELSE ?3"
                           " END, expires_at=?4");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, got);
    sqlite3_bind_int64(st, 2, k->user_id);
    sqlite3_bind_int64(st, 3, t);
    sqlite3_bind_int64(st, 4, t + k->lease_ms);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "claim");
    sqlite3_reset(st);
    j->id = got;
    if (rc == 0)
        j->result = json_pack("{s:I,s:I}", "submission_id", (json_int_t)got, "expires_at",
                              (json_int_t)(t + k->lease_ms));
    return rc;
}

static int submit_claim(gg_store *s, int64_t user, const int64_t *ids, size_t n, int first,
                        int lease_ms, gg_store_done_fn done, void *arg)
{
    gg_job *j = gg_calloc(1, sizeof(*j));
    claim_job *k = gg_calloc(1, sizeof(*k));
    k->user_id = user;
    k->lease_ms = lease_ms > 0 ? lease_ms : 120000;
    k->ids = gg_malloc((n ? n : 1) * sizeof(int64_t));
    memcpy(k->ids, ids, n * sizeof(int64_t));
    k->n = n;
    k->first = first;
    j->data = k;
    j->dispose = dispose_claim;
    j->run = run_claim;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}

int gg_store_review_claim(gg_store *s, int64_t user_id, int64_t submission_id, int lease_ms,
                          gg_store_done_fn done, void *arg)
{
    return submit_claim(s, user_id, &submission_id, 1, 0, lease_ms, done, arg);
}

int gg_store_review_claim_first(gg_store *s, int64_t user_id, const int64_t *ids, size_t n,
                                int lease_ms, gg_store_done_fn done, void *arg)
{
    return submit_claim(s, user_id, ids, n, 1, lease_ms, done, arg);
}

/* ---- evidence ----------------------------------------------------------------------- */

static json_t *rows_of(gg_conn *c, const char *sql, int64_t id)
{
    sqlite3_stmt *st = gg_store__stmt(c, sql);
    json_t *arr = NULL;
    if (st == NULL)
        return json_array();
    sqlite3_bind_int64(st, 1, id);
    if (gg_store__rows(c, st, &arr) != 0)
        return json_array();
    return arr;
}

static json_t *one_of(gg_conn *c, const char *sql, int64_t id)
{
    sqlite3_stmt *st = gg_store__stmt(c, sql);
    json_t *o = NULL;
    if (st == NULL)
        return json_null();
    sqlite3_bind_int64(st, 1, id);
    if (gg_store__one(c, st, &o) != 0)
        return json_null();
    return o;
}

int gg_store_review_item(gg_store *s, int64_t id, json_t **out)
{
    json_t *sub = NULL;
    int rc = gg_store_submission_get(s, id, 1, &sub);
    if (rc != 0)
        return rc;
    gg_conn *c = gg_store__reader(s);
    if (c == NULL) {
        json_decref(sub);
        return GG_EIO;
    }
    json_t *ev = json_object(), *labels = json_object_get(sub, "labels");
    if (json_is_object(labels)) {
        json_t *scores = json_object();
        static const char *const keys[] = {"lang", "kind", "constructive", "spam", "abusive",
                                           "hate", "sentiment", "topics", NULL};
        for (int i = 0; keys[i]; i++)
            if (json_object_get(labels, keys[i]))
                json_object_set(scores, keys[i], json_object_get(labels, keys[i]));
        json_object_set_new(ev, "scores", scores);
        json_t *route = json_object_get(labels, "route");
        json_object_set(ev, "rules",
                        json_is_object(route) && json_object_get(route, "rules")
                            ? json_object_get(route, "rules")
                            : json_array());
        json_object_set(ev, "regions",
                        json_object_get(labels, "region") ? json_object_get(labels, "region")
                                                          : json_array());
    }
    int64_t dup = json_integer_value(json_object_get(sub, "dup_of"));
    int64_t grp = json_integer_value(json_object_get(sub, "group_id"));
    json_object_set_new(ev, "duplicate",
                        dup > 0 ? one_of(c, "SELECT s.id, s.display AS text, s.state, s.idea_id,"
                                            " json_extract(s.labels_json,'$.dup_similarity')"
                                            " AS similarity FROM submissions s WHERE s.id=?1",
                                         dup)
                                : json_null());
    if (dup > 0) /* the similarity is the item's own, to its copy */
        json_object_set(json_object_get(ev, "duplicate"), "similarity",
                        json_object_get(labels, "dup_similarity")
                            ? json_object_get(labels, "dup_similarity")
                            : json_null());
    /* the cluster: its root (walking dup_of up) and how many share it */
    json_t *cl = one_of(c,
                        "WITH RECURSIVE up(id, depth) AS (SELECT ?1, 0 UNION ALL SELECT s.dup_of,"
                        " up.depth+1 FROM submissions s JOIN up ON s.id=up.id WHERE s.dup_of IS"
                        " NOT NULL AND up.depth<50), root AS (SELECT id FROM up ORDER BY depth"
                        " DESC LIMIT 1), down(id, depth) AS (SELECT id, 0 FROM root UNION SELECT"
                        " s.id, down.depth+1 FROM submissions s JOIN down ON s.dup_of=down.id"
                        " WHERE down.depth<20) SELECT (SELECT id FROM root) AS root, count(*) AS"
                        " size, sum(s.state IN ('queued','escalated')) AS waiting FROM down JOIN"
                        " submissions s ON s.id=down.id",
                        id);
    json_object_set_new(ev, "cluster", cl);
    int64_t root = json_integer_value(json_object_get(cl, "root"));
    /* near-duplicate suggestions: the ideas the cluster's members joined */
    json_object_set_new(
        ev, "suggestions",
        rows_of(c,
                "WITH RECURSIVE down(id, depth) AS (SELECT ?1, 0 UNION SELECT s.id, down.depth+1"
                " FROM submissions s JOIN down ON s.dup_of=down.id WHERE down.depth<20)"
                " SELECT DISTINCT i.id, i.title, i.supporters, i.status FROM down JOIN"
                " submissions s ON s.id=down.id JOIN ideas i ON i.id=s.idea_id"
                " ORDER BY i.supporters DESC LIMIT 5",
                root > 0 ? root : id));
    json_object_set_new(ev, "group",
                        grp > 0 ? one_of(c, "SELECT id, members, evidence_json, created_at FROM"
                                            " coord_groups WHERE id=?1",
                                         grp)
                                : json_null());
    json_object_set_new(ev, "author_posts",
                        one_of(c, "SELECT count(*) AS n, sum(state='rejected') AS rejected FROM"
                                  " submissions WHERE author_key=(SELECT author_key FROM"
                                  " submissions WHERE id=?1) AND author_key IS NOT NULL",
                               id));
    json_object_set_new(ev, "claim",
                        one_of(c, "SELECT u.email AS by, k.expires_at FROM review_claims k JOIN"
                                  " staff_users u ON u.id=k.user_id WHERE k.submission_id=?1",
                               id));
    json_object_set_new(ev, "history",
                        rows_of(c, "SELECT r.id, u.email AS by, r.action, r.reason, r.idea_id,"
                                   " r.before_state, r.after_state, r.at, r.undone_by FROM"
                                   " review_actions r LEFT JOIN staff_users u ON u.id=r.user_id"
                                   " WHERE r.submission_id=?1 ORDER BY r.id",
                                id));
    json_object_set_new(ev, "relabels",
                        rows_of(c, "SELECT rl.id, u.email AS by, rl.topics_before AS topics_before_json,"
                                   " rl.topics_after AS topics_after_json,"
                                   " rl.kind_before, rl.kind_after, rl.at, r.undone_by FROM"
                                   " review_relabels rl JOIN review_actions r ON r.id=rl.action_id"
                                   " LEFT JOIN staff_users u ON u.id=rl.user_id"
                                   " WHERE rl.submission_id=?1 ORDER BY rl.id",
                                id));
    json_object_set_new(sub, "evidence", ev);
    *out = sub;
    return 0;
}

/* ---- audit chain ----------------------------------------------------------------------- */

static void problem(json_t *arr, int *bad, int64_t id, const char *what)
{
    (*bad)++;
    if (json_array_size(arr) < 100)
        json_array_append_new(arr, json_pack("{s:I,s:s}", "id", (json_int_t)id, "problem", what));
}

int gg_store_audit_verify(gg_store *s, int *bad_out, json_t **report)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    /* every audit row and every chain link, matched by id, in id order */
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT a.id, a.at, a.actor_id, a.actor, a.action, a.object_type, a.object_id,"
           " a.before_json, a.after_json, a.reason, ch.audit_id, ch.prev_hash, ch.hash"
           " FROM audit a LEFT JOIN audit_chain ch ON ch.audit_id=a.id"
           " UNION ALL SELECT ch.audit_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
           " ch.audit_id, ch.prev_hash, ch.hash FROM audit_chain ch WHERE NOT EXISTS"
           " (SELECT 1 FROM audit a WHERE a.id=ch.audit_id) ORDER BY 1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL); /* one snapshot for the whole walk */
    json_t *probs = json_array();
    int bad = 0, rc;
    long long rows = 0;
    char prev[65] = "", h[65];
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        rows++;
        int has_chain = sqlite3_column_type(st, 10) != SQLITE_NULL;
        const char *link_prev = (const char *)sqlite3_column_text(st, 11);
        const char *link_hash = (const char *)sqlite3_column_text(st, 12);
        if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
            problem(probs, &bad, id, "audit row deleted (its chain link remains)");
            snprintf(prev, sizeof(prev), "%s", link_hash ? link_hash : "");
            continue;
        }
        if (!has_chain) {
            problem(probs, &bad, id, "audit row has no chain link (inserted around the chain)");
            continue;
        }
        if (strcmp(link_prev ? link_prev : "", prev) != 0)
            problem(probs, &bad, id, "chain broken before this row (a row was removed)");
        const char *f[GG_AUDIT_NFIELDS];
        size_t n[GG_AUDIT_NFIELDS];
        f[0] = link_prev ? link_prev : "";
        n[0] = strlen(f[0]);
        for (int i = 1; i < GG_AUDIT_NFIELDS; i++) {
            int col = i - 1;
            if (sqlite3_column_type(st, col) == SQLITE_NULL) {
                f[i] = NULL;
                n[i] = 0;
            } else {
                f[i] = (const char *)sqlite3_column_text(st, col);
                n[i] = (size_t)sqlite3_column_bytes(st, col);
            }
        }
        gg_store_audit_hash(f, n, h);
        if (link_hash == NULL || strcmp(h, link_hash) != 0)
            problem(probs, &bad, id, "row changed after it was written (hash mismatch)");
        snprintf(prev, sizeof(prev), "%s", link_hash ? link_hash : "");
    }
    sqlite3_reset(st);
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_DONE) {
        json_decref(probs);
        return gg_store__sqlfail(c, "audit verify");
    }
    *bad_out = bad;
    *report = json_pack("{s:I,s:s,s:i,s:o}", "rows", rows, "head", prev, "bad", bad, "problems",
                        probs);
    return 0;
}

int gg_store_audit_walk(gg_store *s, int64_t after_id, int limit,
                        int (*fn)(void *arg, json_t *row), void *arg)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT a.id, a.at, a.actor_id, a.actor, a.action, a.object_type, a.object_id,"
           " a.before_json, a.after_json, a.reason, ch.prev_hash, ch.hash FROM audit a LEFT JOIN"
           " audit_chain ch ON ch.audit_id=a.id WHERE a.id>?1 ORDER BY a.id LIMIT ?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
    int rc = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        json_t *row = gg_store__row(st);
        rc = fn(arg, row);
        json_decref(row);
    }
    sqlite3_reset(st);
    return rc;
}

/* ---- quality -------------------------------------------------------------------------- */

/* Nearest-rank percentile of n sorted values: the smallest value with at
 * least p of them at or below it (v[ceil(p*n)-1]). */
static double nearest_rank(const double *v, size_t n, double p)
{
    size_t k = (size_t)(p * (double)n + 0.999999999);
    return v[k == 0 ? 0 : k > n ? n - 1 : k - 1];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One campaign's figures from its sorted seconds. */
static json_t *decision_entry(const char *slug, double *v, size_t n)
{
    double sum = 0;
    qsort(v, n, sizeof(*v), cmp_double);
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    return json_pack("{s:s,s:I,s:f,s:f,s:f,s:f}", "campaign", slug, "n", (json_int_t)n,
                     "avg_secs", sum / (double)n, "p50_secs", nearest_rank(v, n, 0.5), "p90_secs",
                     nearest_rank(v, n, 0.9), "max_secs", v[n - 1]);
}

/* Time from receipt to the reviewer's decision, per campaign, for the
 * items whose standing decision was made since since_ms: [{campaign, n,
 * avg_secs, p50_secs, p90_secs, max_secs}]. Percentiles need every value:
 * the rows come sorted by campaign and are cut at 1,000,000. NULL on error. */
static json_t *decision_times(gg_conn *c, int64_t campaign_id, int64_t since_ms)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT c.slug, (julianday(s.decided_at)-julianday(s.received_at))*86400.0"
           " FROM review_actions r JOIN submissions s ON s.id=r.submission_id"
           " JOIN campaigns c ON c.id=s.campaign_id"
           " WHERE r.at>=?2 AND r.action IN ('accept','merge','reject') AND r.undone_by IS NULL"
           " AND s.decided_by IS NOT NULL AND s.decided_at IS NOT NULL"
           " AND s.state IN ('accepted','merged','rejected')"
           " AND (?1 IS NULL OR r.campaign_id=?1)"
           " ORDER BY s.campaign_id LIMIT 1000000");
    if (st == NULL)
        return NULL;
    if (campaign_id > 0)
        sqlite3_bind_int64(st, 1, campaign_id);
    sqlite3_bind_int64(st, 2, since_ms);
    json_t *out = json_array();
    size_t n = 0, cap = 0;
    double *v = NULL;
    char slug[128] = "";
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *sl = (const char *)sqlite3_column_text(st, 0);
        if (sl == NULL)
            continue;
        if (n > 0 && strcmp(sl, slug) != 0) {
            json_array_append_new(out, decision_entry(slug, v, n));
            n = 0;
        }
        snprintf(slug, sizeof(slug), "%s", sl);
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            v = gg_realloc(v, cap * sizeof(*v));
        }
        double x = sqlite3_column_double(st, 1);
        v[n++] = x < 0 ? 0 : x; /* clocks never run backwards, but rounding may */
    }
    sqlite3_reset(st);
    if (n > 0)
        json_array_append_new(out, decision_entry(slug, v, n));
    free(v);
    if (rc != SQLITE_DONE) {
        json_decref(out);
        return NULL;
    }
    return out;
}

int gg_store_review_stats(gg_store *s, int64_t campaign_id, int64_t since_ms, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    json_t *rev = NULL, *pairs = NULL, *secs = NULL;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT r.user_id, u.email, sum(r.action NOT IN ('undo','second','relabel')) AS actions,"
           " sum(r.action='undo') AS undos, sum(r.undone_by IS NOT NULL) AS undone,"
           " min(r.at) AS first_ms, max(r.at) AS last_ms, avg(r.secs) AS avg_secs"
           " FROM review_actions r LEFT JOIN staff_users u ON u.id=r.user_id"
           " WHERE r.at>=?2 AND (?1 IS NULL OR r.campaign_id=?1) GROUP BY r.user_id"
           " ORDER BY actions DESC");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    if (campaign_id > 0)
        sqlite3_bind_int64(st, 1, campaign_id);
    sqlite3_bind_int64(st, 2, since_ms);
    if (gg_store__rows(c, st, &rev) != 0)
        return gg_store__sqlfail(c, "stats");
    st = gg_store__stmt(c, "SELECT first_user, first_label, second_user, second_label FROM"
                           " review_samples WHERE second_user IS NOT NULL AND"
                           " (?1 IS NULL OR campaign_id=?1) ORDER BY submission_id DESC"
                           " LIMIT 100000");
    if (st == NULL) {
        json_decref(rev);
        return gg_store__sqlfail(c, "prepare");
    }
    if (campaign_id > 0)
        sqlite3_bind_int64(st, 1, campaign_id);
    if (gg_store__rows(c, st, &pairs) != 0) {
        json_decref(rev);
        return gg_store__sqlfail(c, "stats");
    }
    /* time to decision per campaign: received -> the reviewer's decision */
    if ((secs = decision_times(c, campaign_id, since_ms)) == NULL) {
        json_decref(rev);
        json_decref(pairs);
        return gg_store__sqlfail(c, "stats");
    }
    *out = json_pack("{s:o,s:o,s:o}", "reviewers", rev, "pairs", pairs, "decision_secs", secs);
    return 0;
}

int gg_store__team_audit(gg_conn *c, int64_t actor, const char *action, const char *type,
                         int64_t object, const char *after_json);

typedef struct policy_job {
    int64_t actor, campaign_id;
    char *policy;
} policy_job;

static int run_policy(gg_store *s, gg_conn *c, gg_job *j)
{
    policy_job *p = j->data;
    sqlite3_stmt *st = gg_store__stmt(c, "UPDATE campaigns SET policy_json=json_patch("
                                         "policy_json, ?2) WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, p->campaign_id);
    gg_store__bind_text(st, 2, p->policy);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "policy");
    sqlite3_reset(st);
    if (rc == 0 && sqlite3_changes(c->db) == 0)
        rc = gg_store__fail(GG_ENOTFOUND, "no such campaign");
    if (rc == 0)
        rc = gg_store__team_audit(c, p->actor, "policy", "campaign", p->campaign_id, p->policy);
    return rc;
}

int gg_store_review_policy_set(gg_store *s, int64_t actor_id, int64_t campaign_id,
                               json_t *policy)
{
    policy_job p = {actor_id, campaign_id, json_dumps(policy, JSON_COMPACT)};
    int rc = gg_store__call(s, run_policy, &p, NULL, NULL);
    free(p.policy);
    return rc;
}

typedef struct append_job {
    const char *actor, *action, *type, *before, *after, *reason;
    int64_t object;
} append_job;

static int run_append(gg_store *s, gg_conn *c, gg_job *j)
{
    append_job *a = j->data;
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO audit(actor_id,actor,action,object_type,object_id,before_json,after_json,"
           "reason) VALUES((SELECT id FROM staff_users WHERE email=?1),?1,?2,?3,?4,?5,?6,?7)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, a->actor);
    gg_store__bind_text(st, 2, a->action);
    gg_store__bind_text(st, 3, a->type);
    sqlite3_bind_int64(st, 4, a->object);
    gg_store__bind_text(st, 5, a->before);
    gg_store__bind_text(st, 6, a->after);
    gg_store__bind_text(st, 7, a->reason);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "audit");
    sqlite3_reset(st);
    return rc;
}

int gg_store_audit_append(gg_store *s, const char *actor, const char *action,
                          const char *object_type, int64_t object_id, const char *before_json,
                          const char *after_json, const char *reason)
{
    if (actor == NULL || !*actor || action == NULL || object_type == NULL)
        return GG_EINVAL;
    append_job a = {actor, action, object_type, before_json, after_json, reason, object_id};
    return gg_store__call(s, run_append, &a, NULL, NULL);
}

int gg_store_review_samples(gg_store *s, int64_t campaign_id, int64_t user_id, int limit,
                            json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT s.id, cp.slug AS campaign, s.display AS text, s.labels_json, rs.created_at"
           " FROM review_samples rs JOIN submissions s ON s.id=rs.submission_id JOIN campaigns cp"
           " ON cp.id=s.campaign_id WHERE rs.second_user IS NULL AND rs.first_user<>?2"
           " AND (?1 IS NULL OR rs.campaign_id=?1) ORDER BY rs.created_at LIMIT ?3");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    if (campaign_id > 0)
        sqlite3_bind_int64(st, 1, campaign_id);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int(st, 3, limit > 0 ? limit : 50);
    json_t *arr = NULL;
    int rc = gg_store__rows(c, st, &arr);
    if (rc == 0)
        *out = json_pack("{s:o}", "items", arr);
    return rc;
}

int gg_store_review_labels(gg_store *s, int (*fn)(void *arg, int64_t id, const char *text,
                                                  const char *action, const char *reason,
                                                  const char *labels_json),
                           void *arg)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    /* the last standing decision per item */
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT s.id, s.text, r.action, r.reason, s.labels_json FROM review_actions r"
           " JOIN submissions s ON s.id=r.submission_id WHERE r.undone_by IS NULL AND r.action IN"
           " ('accept','merge','reject') AND r.id=(SELECT max(id) FROM review_actions r2 WHERE"
           " r2.submission_id=r.submission_id AND r2.action IN ('accept','merge','reject'))"
           " ORDER BY s.id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    int rc = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
        rc = fn(arg, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
                (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
                (const char *)sqlite3_column_text(st, 4));
    sqlite3_reset(st);
    return rc;
}

int gg_store_review_relabels(gg_store *s,
                             int (*fn)(void *arg, int64_t id, const char *text,
                                       const char *topics_json, const char *kind),
                             void *arg)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    /* labels_json holds the newest standing relabel (undo restores it), so
     * it is read wherever a standing relabel of that label exists */
    sqlite3_stmt *st = gg_store__stmt(
        c, "WITH st AS (SELECT rl.submission_id AS id, max(rl.topics_after IS NOT NULL) AS t,"
           " max(rl.kind_after IS NOT NULL) AS k FROM review_relabels rl JOIN review_actions r"
           " ON r.id=rl.action_id WHERE r.undone_by IS NULL GROUP BY rl.submission_id)"
           " SELECT s.id, s.text, CASE WHEN st.t THEN json_extract(s.labels_json,'$.topics') END,"
           " CASE WHEN st.k THEN json_extract(s.labels_json,'$.kind') END"
           " FROM st JOIN submissions s ON s.id=st.id WHERE json_valid(s.labels_json)"
           " ORDER BY s.id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    int rc = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
        rc = fn(arg, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
                (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3));
    sqlite3_reset(st);
    return rc;
}
