/*
 * console.c — the engagement console's writes in the SQLite backend (store
 * layer, issue 5): campaigns (question, brief, topics, period, status),
 * polls (create and edit) and the moderation of held or reported comments.
 * Each write and its audit row commit in one transaction, with the row as
 * it was before and after, like the review decisions (store/review.c).
 */
#include "store/quiz_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gg_store__staff_audit(gg_conn *c, int64_t actor_id, const char *actor, const char *action,
                          const char *type, int64_t object_id, json_t *before, json_t *after,
                          const char *reason)
{
    sqlite3_stmt *st = gg_store__stmt(c, "INSERT INTO audit(actor_id,actor,action,object_type,"
                                         "object_id,before_json,after_json,reason)"
                                         " VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (actor_id > 0)
        sqlite3_bind_int64(st, 1, actor_id);
    gg_store__bind_text(st, 2, actor ? actor : "system");
    gg_store__bind_text(st, 3, action);
    gg_store__bind_text(st, 4, type);
    sqlite3_bind_int64(st, 5, object_id);
    gg_store__bind_text(st, 6, b);
    gg_store__bind_text(st, 7, a);
    gg_store__bind_text(st, 8, reason);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    free(b);
    free(a);
    return rc == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "audit insert");
}

typedef struct console_job {
    gg_console_in in;
    char *json, *actor;
} console_job;

static void dispose_console(gg_job *j)
{
    console_job *x = j->data;
    if (x) {
        free(x->json);
        free(x->actor);
        free(x);
    }
}

static int step_done(gg_conn *c, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        return 0;
    if (rc == SQLITE_CONSTRAINT)
        return gg_store__fail(GG_ECONFLICT, "%s: already there", what);
    return gg_store__sqlfail(c, what);
}

static int row_of(gg_conn *c, const char *sql, int64_t id, json_t **out)
{
    sqlite3_stmt *st = gg_store__stmt(c, sql);
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    return gg_store__one(c, st, out);
}

/* UTC like 2026-01-31T23:59:00Z, or absent/null. */
static int time_ok(json_t *v, const char *name)
{
    if (v == NULL || json_is_null(v))
        return 0;
    const char *s = json_string_value(v);
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    int ok = s && strlen(s) == 20;
    for (int i = 0; ok && i < 20; i++)
        ok = shape[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == shape[i];
    return ok ? 0 : gg_store__fail(GG_EINVAL, "%s must be UTC like 2026-01-31T23:59:00Z", name);
}

static int str_ok(json_t *v, const char *name, size_t max, int required)
{
    if (v == NULL || json_is_null(v))
        return required ? gg_store__fail(GG_EINVAL, "%s is required", name) : 0;
    if (!json_is_string(v) || json_string_length(v) > max)
        return gg_store__fail(GG_EINVAL, "%s must be a string of at most %zu bytes", name, max);
    if (required && strspn(json_string_value(v), " \t\r\n") == json_string_length(v))
        return gg_store__fail(GG_EINVAL, "%s is empty", name);
    return 0;
}

#define CAMPAIGN_COLS                                                                         \
    "SELECT id, slug, title, question, brief, title_en, question_en, brief_en, topics_json," \
    " status, opens_at, closes_at FROM campaigns WHERE id=?1"

static int run_campaign(gg_conn *c, gg_job *j, console_job *x, json_t *d)
{
    int rc = 0;
    static const char *const texts[][2] = {{"title", "200"},     {"question", "500"},
                                           {"brief", "8000"},    {"title_en", "200"},
                                           {"question_en", "500"}, {"brief_en", "8000"}};
    for (size_t i = 0; rc == 0 && i < sizeof(texts) / sizeof(texts[0]); i++)
        rc = str_ok(json_object_get(d, texts[i][0]), texts[i][0], (size_t)atoi(texts[i][1]),
                    i < 2);
    const char *slug = json_string_value(json_object_get(d, "slug"));
    if (rc == 0 && x->in.id == 0 &&
        (slug == NULL || strlen(slug) < 2 || strlen(slug) > 40 ||
         strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(slug)))
        rc = gg_store__fail(GG_EINVAL, "slug: 2 to 40 of a-z, 0-9 and -");
    const char *status = json_string_value(json_object_get(d, "status"));
    if (rc == 0 && status && strcmp(status, "draft") && strcmp(status, "open") &&
        strcmp(status, "closed"))
        rc = gg_store__fail(GG_EINVAL, "status must be draft, open or closed");
    if (rc == 0)
        rc = time_ok(json_object_get(d, "opens_at"), "opens_at");
    if (rc == 0)
        rc = time_ok(json_object_get(d, "closes_at"), "closes_at");
    const char *o = json_string_value(json_object_get(d, "opens_at"));
    const char *cl = json_string_value(json_object_get(d, "closes_at"));
    if (rc == 0 && o && cl && strcmp(o, cl) >= 0)
        rc = gg_store__fail(GG_EINVAL, "closes_at must be after opens_at");
    json_t *topics = json_object_get(d, "topics");
    if (rc == 0 && topics && !json_is_array(topics))
        rc = gg_store__fail(GG_EINVAL, "topics must be a list of words");
    size_t i;
    json_t *t;
    json_array_foreach(topics, i, t)
    {
        if (rc == 0 && (i >= 20 || str_ok(t, "topic", 60, 1) != 0))
            rc = gg_store__fail(GG_EINVAL, "topics: at most 20 words of at most 60 bytes");
    }
    if (rc != 0)
        return rc;
    json_t *before = NULL;
    if (x->in.id > 0 && (rc = row_of(c, CAMPAIGN_COLS, x->in.id, &before)) != 0)
        return rc == GG_ENOTFOUND ? gg_store__fail(rc, "no such campaign") : rc;
    char *tj = topics ? json_dumps(topics, JSON_COMPACT) : NULL;
    sqlite3_stmt *st =
        x->in.id > 0
            ? gg_store__stmt(c, "UPDATE campaigns SET title=?2, question=?3, brief=coalesce(?4,''),"
                                " title_en=?5, question_en=?6, brief_en=?7,"
                                " topics_json=coalesce(?8,topics_json), status=coalesce(?9,status),"
                                " opens_at=?10, closes_at=?11 WHERE id=?1")
            : gg_store__stmt(c, "INSERT INTO campaigns(slug,title,question,brief,title_en,"
                                "question_en,brief_en,topics_json,status,opens_at,closes_at)"
                                " VALUES(?12,?2,?3,coalesce(?4,''),?5,?6,?7,coalesce(?8,'[]'),"
                                "coalesce(?9,'open'),?10,?11)");
    if (st == NULL)
        rc = gg_store__sqlfail(c, "prepare");
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, x->in.id);
        static const char *const keys[] = {"title",    "question", "brief", "title_en",
                                           "question_en", "brief_en"};
        for (int k = 0; k < 6; k++) {
            const char *v = json_string_value(json_object_get(d, keys[k]));
            /* an empty English field falls back to the Indonesian one */
            gg_store__bind_text(st, k + 2, k >= 3 && v && !*v ? NULL : v);
        }
        gg_store__bind_text(st, 8, tj);
        gg_store__bind_text(st, 9, status);
        gg_store__bind_text(st, 10, o);
        gg_store__bind_text(st, 11, cl);
        gg_store__bind_text(st, 12, slug);
        rc = step_done(c, st, "campaign");
        if (rc == GG_ECONFLICT)
            rc = gg_store__fail(rc, "a campaign '%s' exists already", slug ? slug : "");
    }
    free(tj);
    int64_t id = x->in.id > 0 ? x->in.id : sqlite3_last_insert_rowid(c->db);
    json_t *after = NULL;
    if (rc == 0)
        rc = row_of(c, CAMPAIGN_COLS, id, &after);
    if (rc == 0)
        rc = gg_store__staff_audit(c, x->in.actor_id, x->actor,
                                   x->in.id > 0 ? "campaign.edit" : "campaign.create", "campaign",
                                   id, before, after, NULL);
    json_decref(before);
    if (rc != 0) {
        json_decref(after);
        return rc;
    }
    j->id = id;
    j->result = after;
    return 0;
}

#define POLL_COLS                                                                      \
    "SELECT id, campaign_id, question, options_json, multi, hide_results, opens_at, closes_at," \
    " (SELECT count(*) FROM poll_votes WHERE poll_id=polls.id) AS voters FROM polls WHERE id=?1"

static int run_poll(gg_conn *c, gg_job *j, console_job *x, json_t *d)
{
    json_t *q = json_object_get(d, "question"), *opts = json_object_get(d, "options");
    int rc = str_ok(q, "question", 300, 1);
    if (rc == 0 && (!json_is_array(opts) || json_array_size(opts) < 2 ||
                    json_array_size(opts) > 10))
        rc = gg_store__fail(GG_EINVAL, "a poll needs 2 to 10 options");
    size_t i;
    json_t *o;
    json_array_foreach(opts, i, o)
    {
        if (rc == 0)
            rc = str_ok(o, "option", 100, 1);
    }
    if (rc == 0)
        rc = time_ok(json_object_get(d, "opens_at"), "opens_at");
    if (rc == 0)
        rc = time_ok(json_object_get(d, "closes_at"), "closes_at");
    const char *op = json_string_value(json_object_get(d, "opens_at"));
    const char *cl = json_string_value(json_object_get(d, "closes_at"));
    if (rc == 0 && op && cl && strcmp(op, cl) >= 0)
        rc = gg_store__fail(GG_EINVAL, "closes_at must be after opens_at");
    if (rc != 0)
        return rc;
    json_t *before = NULL;
    char *oj = json_dumps(opts, JSON_COMPACT);
    if (x->in.id > 0) {
        rc = row_of(c, POLL_COLS, x->in.id, &before);
        if (rc == GG_ENOTFOUND)
            rc = gg_store__fail(rc, "no such poll");
        /* votes are option indexes: once cast, the options stay as they are */
        if (rc == 0 && json_integer_value(json_object_get(before, "voters")) > 0 &&
            !json_equal(json_object_get(before, "options"), opts))
            rc = gg_store__fail(GG_ECONFLICT, "this poll has votes; its options cannot change");
    }
    sqlite3_stmt *st = NULL;
    if (rc == 0) {
        st = x->in.id > 0
                 ? gg_store__stmt(c, "UPDATE polls SET question=?2, options_json=?3, multi=?4,"
                                     " hide_results=?5, opens_at=?6, closes_at=?7 WHERE id=?1")
                 : gg_store__stmt(c, "INSERT INTO polls(campaign_id,question,options_json,multi,"
                                     "hide_results,opens_at,closes_at) VALUES(?8,?2,?3,?4,?5,?6,?7)");
        if (st == NULL)
            rc = gg_store__sqlfail(c, "prepare");
    }
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, x->in.id);
        gg_store__bind_text(st, 2, json_string_value(q));
        gg_store__bind_text(st, 3, oj);
        sqlite3_bind_int(st, 4, json_is_true(json_object_get(d, "multi")));
        sqlite3_bind_int(st, 5, json_is_true(json_object_get(d, "hide_results")));
        gg_store__bind_text(st, 6, op);
        gg_store__bind_text(st, 7, cl);
        sqlite3_bind_int64(st, 8, x->in.campaign_id);
        rc = step_done(c, st, "poll");
        if (rc == GG_ECONFLICT)
            rc = gg_store__fail(GG_ENOTFOUND, "no such campaign");
    }
    free(oj);
    int64_t id = x->in.id > 0 ? x->in.id : sqlite3_last_insert_rowid(c->db);
    json_t *after = NULL;
    if (rc == 0)
        rc = row_of(c, POLL_COLS, id, &after);
    if (rc == 0)
        rc = gg_store__staff_audit(c, x->in.actor_id, x->actor,
                                   x->in.id > 0 ? "poll.edit" : "poll.create", "poll", id, before,
                                   after, NULL);
    json_decref(before);
    if (rc != 0) {
        json_decref(after);
        return rc;
    }
    j->id = id;
    j->result = after;
    return 0;
}

#define COMMENT_MOD_COLS "SELECT id, idea_id, state, reports FROM comments WHERE id=?1"

static int run_comment(gg_conn *c, gg_job *j, console_job *x, json_t *d)
{
    const char *act = json_string_value(json_object_get(d, "action"));
    int approve = act && strcmp(act, "approve") == 0;
    if (!approve && !(act && strcmp(act, "remove") == 0))
        return gg_store__fail(GG_EINVAL, "action must be approve or remove");
    json_t *before = NULL;
    int rc = row_of(c, COMMENT_MOD_COLS, x->in.id, &before);
    if (rc == GG_ENOTFOUND)
        return gg_store__fail(rc, "no comment %lld", (long long)x->in.id);
    if (rc != 0)
        return rc;
    /* approving clears the report count (three new reports hold it again);
     * removing keeps the text out of view; the author's forget clears it */
    sqlite3_stmt *st =
        approve ? gg_store__stmt(c, "UPDATE comments SET state='visible', reports=0 WHERE id=?1"
                                    " AND (state='held' OR (state='visible' AND reports>0))")
                : gg_store__stmt(c, "UPDATE comments SET state='deleted' WHERE id=?1"
                                    " AND state<>'deleted'");
    if (st == NULL)
        rc = gg_store__sqlfail(c, "prepare");
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, x->in.id);
        rc = step_done(c, st, "comment");
        if (rc == 0 && sqlite3_changes(c->db) == 0)
            rc = gg_store__fail(GG_ECONFLICT, "this comment is not waiting for moderation");
    }
    json_t *after = NULL;
    if (rc == 0)
        rc = row_of(c, COMMENT_MOD_COLS, x->in.id, &after);
    if (rc == 0)
        rc = gg_store__staff_audit(c, x->in.actor_id, x->actor,
                                   approve ? "comment.approve" : "comment.remove", "comment",
                                   x->in.id, before, after,
                                   json_string_value(json_object_get(d, "reason")));
    json_decref(before);
    if (rc != 0) {
        json_decref(after);
        return rc;
    }
    j->id = x->in.id;
    j->result = after;
    return 0;
}

static int run_console(gg_store *s, gg_conn *c, gg_job *j)
{
    console_job *x = j->data;
    json_error_t err;
    json_t *d = json_loads(x->json ? x->json : "", 0, &err);
    int rc;
    if (!json_is_object(d))
        rc = gg_store__fail(GG_EINVAL, "the definition must be a JSON object");
    else if (x->in.op == GG_CONSOLE_CAMPAIGN)
        rc = run_campaign(c, j, x, d);
    else if (x->in.op == GG_CONSOLE_POLL)
        rc = run_poll(c, j, x, d);
    else if (x->in.op == GG_CONSOLE_COMMENT)
        rc = run_comment(c, j, x, d);
    else
        rc = gg_store__fail(GG_EINTERNAL, "unknown console op");
    json_decref(d);
    if (rc == 0)
        j->bumps = 1;
    else {
        json_decref(j->result);
        j->result = json_pack("{s:s}", "message", gg_store_errmsg(s));
    }
    return rc;
}

int gg_store_console_put(gg_store *s, const gg_console_in *in, gg_store_done_fn done, void *arg)
{
    if (in->actor == NULL || in->json == NULL)
        return gg_store__fail(GG_EINVAL, "a console write needs its actor and definition");
    gg_job *j = gg_calloc(1, sizeof(*j));
    console_job *x = gg_calloc(1, sizeof(*x));
    x->in = *in;
    x->json = gg_strdup(in->json);
    x->actor = gg_strdup(in->actor);
    x->in.json = x->in.actor = NULL;
    j->data = x;
    j->dispose = dispose_console;
    j->run = run_console;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}

int gg_store_comments_to_moderate(gg_store *s, int64_t after, int limit, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT m.id, m.idea_id, i.title AS idea_title, m.parent_id, m.text, m.state,"
           " m.reports, m.created_at FROM comments m JOIN ideas i ON i.id=m.idea_id"
           " WHERE (m.state='held' OR (m.state='visible' AND m.reports>0)) AND m.id>?1"
           " ORDER BY m.id LIMIT ?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, limit < 1 || limit > 200 ? 50 : limit);
    return gg_store__rows(c, st, out);
}

int gg_store_campaign_by_id(gg_store *s, int64_t id, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    int rc = row_of(c, CAMPAIGN_COLS, id, out);
    return rc == GG_ENOTFOUND ? gg_store__fail(rc, "no campaign %lld", (long long)id) : rc;
}

int gg_store_poll_get(gg_store *s, int64_t id, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    int rc = row_of(c, POLL_COLS, id, out);
    return rc == GG_ENOTFOUND ? gg_store__fail(rc, "no poll %lld", (long long)id) : rc;
}
