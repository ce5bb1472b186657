/*
 * engage.c — supports, comment threads and poll votes in the SQLite backend
 * (store layer, issue 5). Writes run on the writer thread as one job type
 * dispatched on its op; every check that depends on stored state (idea
 * exists, poll open, option in range, author owns the comment) is made
 * there, inside the write's savepoint, so it cannot race another write.
 */
#include "store/sqlite_int.h"
#include "store/poll_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>
#include <time.h>

typedef struct engage_job {
    gg_engage_in in;
    char *participant, *text, *json, *channel, *author_key;
} engage_job;

static void dispose_engage(gg_job *j)
{
    engage_job *e = j->data;
    if (e) {
        free(e->participant);
        free(e->text);
        free(e->json);
        free(e->channel);
        free(e->author_key);
        free(e);
    }
}

/* Step a statement expected to finish without rows. */
static int step_done(gg_conn *c, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc == SQLITE_CONSTRAINT)
        return gg_store__fail(GG_ECONFLICT, "%s: already there", what);
    return gg_store__sqlfail(c, what);
}

static int idea_supporters(gg_conn *c, int64_t idea, json_t **out)
{
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT id, supporters FROM ideas WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, idea);
    int rc = gg_store__one(c, st, out);
    return rc == GG_ENOTFOUND ? gg_store__fail(rc, "no idea %lld", (long long)idea) : rc;
}

static int run_support(gg_conn *c, gg_job *j, engage_job *e, int add)
{
    json_t *row = NULL;
    int rc = idea_supporters(c, e->in.id, &row);
    if (rc != 0)
        return rc;
    json_decref(row);
    row = NULL;
    sqlite3_stmt *st =
        add ? gg_store__stmt(c, "INSERT INTO supports(idea_id,participant) VALUES(?1,?2)")
            : gg_store__stmt(c, "DELETE FROM supports WHERE idea_id=?1 AND participant=?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, e->in.id);
    gg_store__bind_text(st, 2, e->participant);
    rc = step_done(c, st, "support");
    if (rc == GG_ECONFLICT)
        return gg_store__fail(rc, "this idea is already supported by you");
    if (rc != 0)
        return rc;
    if (!add && sqlite3_changes(c->db) == 0)
        return gg_store__fail(GG_ENOTFOUND, "you do not support this idea");
    rc = idea_supporters(c, e->in.id, &row);
    if (rc == 0) {
        j->id = e->in.id;
        j->result = row;
        j->bumps = 1;
    }
    return rc;
}

#define COMMENT_COLS "id, idea_id, parent_id, text, state, created_at, edited_at"

static int comment_row(gg_conn *c, int64_t id, json_t **out)
{
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT " COMMENT_COLS " FROM comments WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    return gg_store__one(c, st, out);
}

static int run_comment(gg_conn *c, gg_job *j, engage_job *e)
{
    json_t *row = NULL;
    int rc = idea_supporters(c, e->in.id, &row);
    if (rc != 0)
        return rc;
    json_decref(row);
    if (e->in.parent_id > 0) {
        /* a reply stays inside its idea's thread */
        sqlite3_stmt *st = gg_store__stmt(c, "SELECT 1 FROM comments WHERE id=?1 AND idea_id=?2");
        if (st == NULL)
            return gg_store__sqlfail(c, "prepare");
        sqlite3_bind_int64(st, 1, e->in.parent_id);
        sqlite3_bind_int64(st, 2, e->in.id);
        int found = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
        if (!found)
            return gg_store__fail(GG_EINVAL, "parent_id %lld is not a comment of this idea",
                                  (long long)e->in.parent_id);
    }
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO comments(idea_id,parent_id,participant,text,state) VALUES(?1,?2,?3,?4,?5)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, e->in.id);
    if (e->in.parent_id > 0)
        sqlite3_bind_int64(st, 2, e->in.parent_id);
    else
        sqlite3_bind_null(st, 2);
    gg_store__bind_text(st, 3, e->participant);
    gg_store__bind_text(st, 4, e->text);
    gg_store__bind_text(st, 5, e->in.held ? "held" : "visible");
    rc = step_done(c, st, "comment");
    if (rc != 0)
        return rc;
    j->id = sqlite3_last_insert_rowid(c->db);
    j->bumps = 1;
    return comment_row(c, j->id, &j->result);
}

/* Edit or delete one's own comment: anybody else's is "not found", so the
 * answer does not tell whether a comment id exists. */
static int run_comment_own(gg_conn *c, gg_job *j, engage_job *e, int del)
{
    sqlite3_stmt *st =
        del ? gg_store__stmt(c, "UPDATE comments SET state='deleted', text='' WHERE id=?1"
                                " AND participant=?2 AND state<>'deleted'")
            : gg_store__stmt(c, "UPDATE comments SET text=?3, edited_at=strftime('%Y-%m-%dT%H:%M:%SZ')"
                                " WHERE id=?1 AND participant=?2 AND state<>'deleted'");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, e->in.id);
    gg_store__bind_text(st, 2, e->participant);
    if (!del)
        gg_store__bind_text(st, 3, e->text);
    int rc = step_done(c, st, "comment");
    if (rc != 0)
        return rc;
    if (sqlite3_changes(c->db) == 0)
        return gg_store__fail(GG_ENOTFOUND, "no comment %lld of yours", (long long)e->in.id);
    j->id = e->in.id;
    j->bumps = 1;
    return comment_row(c, e->in.id, &j->result);
}

static int run_report(gg_conn *c, gg_job *j, engage_job *e)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO comment_reports(comment_id,participant) SELECT id,?2 FROM comments"
           " WHERE id=?1 AND state<>'deleted'");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, e->in.id);
    gg_store__bind_text(st, 2, e->participant);
    int rc = step_done(c, st, "report");
    if (rc == GG_ECONFLICT)
        return gg_store__fail(rc, "you already reported this comment");
    if (rc != 0)
        return rc;
    if (sqlite3_changes(c->db) == 0)
        return gg_store__fail(GG_ENOTFOUND, "no comment %lld", (long long)e->in.id);
    /* three different people: the comment waits for a reviewer */
    st = gg_store__stmt(c, "UPDATE comments SET reports=reports+1, state=CASE WHEN reports+1>=3"
                           " AND state='visible' THEN 'held' ELSE state END WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, e->in.id);
    rc = step_done(c, st, "report");
    if (rc != 0)
        return rc;
    j->id = e->in.id;
    j->bumps = 1;
    j->result = json_pack("{s:I,s:b}", "id", (json_int_t)e->in.id, "reported", 1);
    return 0;
}

static void now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The region of the person behind author key K (an SQL expression): the
 * province of the newest of their submissions the filter placed somewhere. */
#define VOTER_REGION(K)                                                                          \
    "(SELECT json_extract(s.labels_json,'$.region[0].province') FROM submissions s"              \
    " WHERE s.author_key=" K " AND json_extract(s.labels_json,'$.region[0].province')"           \
    " IS NOT NULL ORDER BY s.id DESC LIMIT 1)"

static int run_vote(gg_conn *c, gg_job *j, engage_job *e)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT multi, json_array_length(options_json) AS n, opens_at, closes_at FROM polls"
           " WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, e->in.id);
    json_t *p = NULL;
    int rc = gg_store__one(c, st, &p);
    if (rc == GG_ENOTFOUND)
        return gg_store__fail(rc, "no poll %lld", (long long)e->in.id);
    if (rc != 0)
        return rc;
    int multi = (int)json_integer_value(json_object_get(p, "multi"));
    json_int_t n = json_integer_value(json_object_get(p, "n"));
    const char *opens = json_string_value(json_object_get(p, "opens_at"));
    const char *closes = json_string_value(json_object_get(p, "closes_at"));
    char now[32];
    now_iso(now);
    if (opens && strcmp(now, opens) < 0)
        rc = gg_store__fail(GG_ECONFLICT, "this poll opens at %s", opens);
    else if (closes && strcmp(now, closes) >= 0)
        rc = gg_store__fail(GG_ECONFLICT, "this poll closed at %s", closes);
    json_decref(p);
    if (rc != 0)
        return rc;
    /* options: distinct indexes in range; exactly one unless multi */
    json_error_t err;
    json_t *opts = json_loads(e->json ? e->json : "", 0, &err);
    size_t k = json_array_size(opts);
    unsigned char seen[64] = {0};
    if (!json_is_array(opts) || k == 0 || (!multi && k != 1) || n > 64)
        rc = gg_store__fail(GG_EINVAL, multi ? "options: choose at least one option"
                                              : "options: choose exactly one option");
    for (size_t i = 0; rc == 0 && i < k; i++) {
        json_t *v = json_array_get(opts, i);
        json_int_t x = json_is_integer(v) ? json_integer_value(v) : -1;
        if (x < 0 || x >= n || seen[x])
            rc = gg_store__fail(GG_EINVAL, "options: %s", x >= 0 && x < n ? "an option repeats"
                                                                          : "no such option");
        else
            seen[x] = 1;
    }
    char *canon = rc == 0 ? json_dumps(opts, JSON_COMPACT) : NULL;
    json_decref(opts);
    if (rc != 0)
        return rc;
    /* the voter's region: the newest region the filter found in one of the
     * same person's submissions (by author key), when there is one */
    st = gg_store__stmt(c, "INSERT INTO poll_votes(poll_id,participant,channel,options_json,region)"
                           " VALUES(?1,?2,coalesce(?3,'web'),?4," VOTER_REGION("?5") ")");
    if (st == NULL) {
        free(canon);
        return gg_store__sqlfail(c, "prepare");
    }
    sqlite3_bind_int64(st, 1, e->in.id);
    gg_store__bind_text(st, 2, e->participant);
    gg_store__bind_text(st, 3, e->channel);
    gg_store__bind_text(st, 4, canon);
    gg_store__bind_text(st, 5, e->author_key);
    rc = step_done(c, st, "vote");
    free(canon);
    if (rc == GG_ECONFLICT)
        return gg_store__fail(rc, "you already voted in this poll");
    if (rc == 0) {
        j->id = e->in.id;
        j->bumps = 1;
        j->result = json_pack("{s:I,s:b}", "poll_id", (json_int_t)e->in.id, "voted", 1);
    }
    return rc;
}

static int run_poll(gg_conn *c, gg_job *j, engage_job *e)
{
    json_error_t err;
    json_t *p = json_loads(e->json ? e->json : "", 0, &err);
    json_t *q = json_object_get(p, "question"), *o = json_object_get(p, "options");
    int rc = 0;
    if (!json_is_string(q) || json_string_length(q) == 0 || !json_is_array(o) ||
        json_array_size(o) < 2 || json_array_size(o) > 10)
        rc = gg_store__fail(GG_EINVAL, "a poll needs a question and 2 to 10 options");
    for (size_t i = 0; rc == 0 && i < json_array_size(o); i++)
        if (!json_is_string(json_array_get(o, i)))
            rc = gg_store__fail(GG_EINVAL, "options must be strings");
    char *opts = rc == 0 ? json_dumps(o, JSON_COMPACT) : NULL;
    sqlite3_stmt *st = rc == 0 ? gg_store__stmt(c, "INSERT INTO polls(campaign_id,question,"
                                                   "options_json,multi,hide_results,opens_at,"
                                                   "closes_at) VALUES(?1,?2,?3,?4,?5,?6,?7)")
                               : NULL;
    if (rc == 0 && st == NULL)
        rc = gg_store__sqlfail(c, "prepare");
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, e->in.id);
        gg_store__bind_text(st, 2, json_string_value(q));
        gg_store__bind_text(st, 3, opts);
        sqlite3_bind_int(st, 4, json_is_true(json_object_get(p, "multi")));
        sqlite3_bind_int(st, 5, json_is_true(json_object_get(p, "hide_results")));
        gg_store__bind_text(st, 6, json_string_value(json_object_get(p, "opens_at")));
        gg_store__bind_text(st, 7, json_string_value(json_object_get(p, "closes_at")));
        rc = step_done(c, st, "poll");
        if (rc == 0) {
            j->id = sqlite3_last_insert_rowid(c->db);
            j->bumps = 1;
            j->result = json_pack("{s:I}", "id", (json_int_t)j->id);
        } else if (rc == GG_ECONFLICT) {
            rc = gg_store__fail(GG_ENOTFOUND, "no such campaign");
        }
    }
    free(opts);
    json_decref(p);
    return rc;
}

static int run_forget(gg_conn *c, gg_job *j, engage_job *e)
{
    static const char *const sql[] = {
        "DELETE FROM supports WHERE participant=?1",
        "DELETE FROM poll_votes WHERE participant=?1",
        "DELETE FROM comment_reports WHERE participant=?1",
        /* replies keep their place; the text and the pseudonym go */
        "UPDATE comments SET state='deleted', text='', participant='' WHERE participant=?1",
        "DELETE FROM participant_contacts WHERE participant=?1",
        /* quiz attempts go whole: the answers pattern is about the person,
         * so the quiz statistics drop by this attempt; its share link dies */
        "DELETE FROM quiz_answers WHERE attempt_id IN"
        " (SELECT id FROM quiz_attempts WHERE participant=?1)",
        "DELETE FROM quiz_attempts WHERE participant=?1",
        /* web submissions stay (accepted ones are public ideas) but lose
         * the key that tied them to this person */
        "UPDATE submissions SET author_key=NULL, author_handle=NULL WHERE ?2 IS NOT NULL"
        " AND author_key=?2 AND channel='web'",
    };
    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        sqlite3_stmt *st = gg_store__stmt(c, sql[i]);
        if (st == NULL)
            return gg_store__sqlfail(c, "prepare");
        gg_store__bind_text(st, 1, e->participant);
        if (sqlite3_bind_parameter_count(st) >= 2)
            gg_store__bind_text(st, 2, e->author_key);
        int rc = step_done(c, st, "forget");
        if (rc != 0)
            return rc;
    }
    j->bumps = 1;
    j->result = json_pack("{s:b}", "deleted", 1);
    return 0;
}

/* Staff: a status change and/or an official response, with its event. */
static int run_idea(gg_conn *c, gg_job *j, engage_job *e)
{
    json_error_t err;
    json_t *p = json_loads(e->json ? e->json : "", 0, &err);
    const char *status = json_string_value(json_object_get(p, "status"));
    const char *reason = json_string_value(json_object_get(p, "reason"));
    const char *resp = json_string_value(json_object_get(p, "official_response"));
    int rc = 0;
    static const char *const ok[] = {"baru", "ditelaah", "diterima", "diadopsi", "ditolak"};
    int known = status == NULL;
    for (size_t i = 0; status && i < 5; i++)
        known |= strcmp(status, ok[i]) == 0;
    if (!known)
        rc = gg_store__fail(GG_EINVAL, "status must be baru, ditelaah, diterima, diadopsi or ditolak");
    else if (status && strcmp(status, "ditolak") == 0 && (reason == NULL || *reason == '\0'))
        rc = gg_store__fail(GG_EINVAL, "a rejected idea needs a reason");
    else if (status == NULL && resp == NULL)
        rc = gg_store__fail(GG_EINVAL, "give a status, an official_response or both");
    sqlite3_stmt *st = NULL;
    if (rc == 0) {
        st = gg_store__stmt(c, "UPDATE ideas SET status=coalesce(?2,status),"
                               " official_response=coalesce(?3,official_response),"
                               " updated_at=strftime('%Y-%m-%dT%H:%M:%SZ') WHERE id=?1");
        if (st == NULL)
            rc = gg_store__sqlfail(c, "prepare");
    }
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, e->in.id);
        gg_store__bind_text(st, 2, status);
        gg_store__bind_text(st, 3, resp);
        rc = step_done(c, st, "idea");
        if (rc == 0 && sqlite3_changes(c->db) == 0)
            rc = gg_store__fail(GG_ENOTFOUND, "no idea %lld", (long long)e->in.id);
    }
    if (rc == 0) {
        st = gg_store__stmt(c, "INSERT INTO idea_events(idea_id,status,note,response,by_user)"
                               " VALUES(?1,?2,?3,?4,?5)");
        if (st == NULL)
            rc = gg_store__sqlfail(c, "prepare");
    }
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, e->in.id);
        gg_store__bind_text(st, 2, status);
        gg_store__bind_text(st, 3, reason);
        gg_store__bind_text(st, 4, resp);
        if (e->in.parent_id > 0)
            sqlite3_bind_int64(st, 5, e->in.parent_id);
        else
            sqlite3_bind_null(st, 5);
        rc = step_done(c, st, "idea event");
    }
    /* audited like every staff action (the console and PATCH both land here) */
    if (rc == 0) {
        st = gg_store__stmt(c, "INSERT INTO audit(actor_id,actor,action,object_type,object_id,"
                               "after_json,reason) SELECT ?1, coalesce((SELECT email FROM"
                               " staff_users WHERE id=?1),'system'), 'idea.update', 'idea', ?2,"
                               " ?3, ?4");
        if (st == NULL)
            rc = gg_store__sqlfail(c, "prepare");
    }
    if (rc == 0) {
        if (e->in.parent_id > 0)
            sqlite3_bind_int64(st, 1, e->in.parent_id);
        else
            sqlite3_bind_null(st, 1);
        sqlite3_bind_int64(st, 2, e->in.id);
        gg_store__bind_text(st, 3, e->json);
        gg_store__bind_text(st, 4, reason);
        rc = step_done(c, st, "audit");
    }
    json_decref(p);
    if (rc != 0)
        return rc;
    j->id = e->in.id;
    j->bumps = 1;
    st = gg_store__stmt(c, "SELECT id, status, supporters, official_response, updated_at FROM ideas"
                           " WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, e->in.id);
    return gg_store__one(c, st, &j->result);
}

/* A participant's name and contact with the consent they gave: one row
 * per participant, replaced by a newer consent. */
static int run_contact(gg_conn *c, gg_job *j, engage_job *e)
{
    json_error_t err;
    json_t *p = json_loads(e->json ? e->json : "", 0, &err);
    const char *name = json_string_value(json_object_get(p, "name"));
    const char *contact = json_string_value(json_object_get(p, "contact"));
    const char *consent = json_string_value(json_object_get(p, "consent_text"));
    const char *lang = json_string_value(json_object_get(p, "lang"));
    int rc = 0;
    if (consent == NULL || *consent == '\0' || ((name == NULL || !*name) && (contact == NULL || !*contact)))
        rc = gg_store__fail(GG_EINVAL, "a contact needs a name or a contact and the consent text");
    sqlite3_stmt *st = rc ? NULL
                          : gg_store__stmt(c, "INSERT OR REPLACE INTO participant_contacts(participant,"
                                              "name,contact,consent_text,lang) VALUES(?1,?2,?3,?4,"
                                              "coalesce(?5,'id'))");
    if (rc == 0 && st == NULL)
        rc = gg_store__sqlfail(c, "prepare");
    if (rc == 0) {
        gg_store__bind_text(st, 1, e->participant);
        gg_store__bind_text(st, 2, name && *name ? name : NULL);
        gg_store__bind_text(st, 3, contact && *contact ? contact : NULL);
        gg_store__bind_text(st, 4, consent);
        gg_store__bind_text(st, 5, lang);
        rc = step_done(c, st, "contact");
    }
    json_decref(p);
    if (rc == 0) {
        j->bumps = 1;
        j->result = json_pack("{s:b}", "consented", 1);
    }
    return rc;
}

static int run_op(gg_conn *c, gg_job *j, engage_job *e)
{
    switch (e->in.op) {
    case GG_ENGAGE_SUPPORT:
        return run_support(c, j, e, 1);
    case GG_ENGAGE_UNSUPPORT:
        return run_support(c, j, e, 0);
    case GG_ENGAGE_COMMENT:
        return run_comment(c, j, e);
    case GG_ENGAGE_COMMENT_EDIT:
        return run_comment_own(c, j, e, 0);
    case GG_ENGAGE_COMMENT_DELETE:
        return run_comment_own(c, j, e, 1);
    case GG_ENGAGE_COMMENT_REPORT:
        return run_report(c, j, e);
    case GG_ENGAGE_VOTE:
        return run_vote(c, j, e);
    case GG_ENGAGE_POLL:
        return run_poll(c, j, e);
    case GG_ENGAGE_FORGET:
        return run_forget(c, j, e);
    case GG_ENGAGE_IDEA:
        return run_idea(c, j, e);
    case GG_ENGAGE_CONTACT:
        return run_contact(c, j, e);
    }
    return gg_store__fail(GG_EINTERNAL, "unknown engagement op");
}

/* A failed write hands its message to done as {"message"}: by the time
 * done runs, later jobs of the batch may have replaced the thread's. */
static int run_engage(gg_store *s, gg_conn *c, gg_job *j)
{
    int rc = run_op(c, j, j->data);
    if (rc != 0) {
        json_decref(j->result);
        j->result = json_pack("{s:s}", "message", gg_store_errmsg(s));
    }
    return rc;
}

int gg_store_engage_put(gg_store *s, const gg_engage_in *in, gg_store_done_fn done, void *arg)
{
    if (in->op != GG_ENGAGE_POLL && in->op != GG_ENGAGE_IDEA && (in->participant == NULL || in->participant[0] == '\0'))
        return gg_store__fail(GG_EINVAL, "no participant");
    if ((in->op == GG_ENGAGE_COMMENT || in->op == GG_ENGAGE_COMMENT_EDIT) && in->text == NULL)
        return gg_store__fail(GG_EINVAL, "no text");
    gg_job *j = gg_calloc(1, sizeof(*j));
    engage_job *e = gg_calloc(1, sizeof(*e));
    e->in = *in;
    e->participant = in->participant ? gg_strdup(in->participant) : NULL;
    e->text = in->text ? gg_strdup(in->text) : NULL;
    e->json = in->json ? gg_strdup(in->json) : NULL;
    e->channel = in->channel ? gg_strdup(in->channel) : NULL;
    e->author_key = in->author_key ? gg_strdup(in->author_key) : NULL;
    e->in.participant = e->in.text = e->in.json = e->in.channel = e->in.author_key = NULL;
    j->data = e;
    j->dispose = dispose_engage;
    j->run = run_engage;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}

int gg_store_comment_list(gg_store *s, int64_t idea_id, int64_t after, int limit, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT " COMMENT_COLS " FROM comments WHERE idea_id=?1"
                                         " AND state='visible' AND id>?2 ORDER BY id LIMIT ?3");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    if (limit < 1 || limit > 200)
        limit = 50;
    sqlite3_bind_int64(st, 1, idea_id);
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int(st, 3, limit + 1); /* one more tells whether a next page exists */
    json_t *arr = NULL;
    int rc = gg_store__rows(c, st, &arr);
    if (rc != 0)
        return rc;
    json_t *next = json_null();
    if (json_array_size(arr) > (size_t)limit) {
        json_array_remove(arr, (size_t)limit);
        next = json_integer(
            json_integer_value(json_object_get(json_array_get(arr, (size_t)limit - 1), "id")));
    }
    *out = json_pack("{s:o,s:o}", "comments", arr, "next_cursor", next);
    return 0;
}

int gg_store_comment_count(gg_store *s, int64_t idea_id, int64_t *out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st =
        gg_store__stmt(c, "SELECT coalesce((SELECT n FROM comment_counts WHERE idea_id=?1),0)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, idea_id);
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : gg_store__sqlfail(c, "count");
}

int gg_store_supports(gg_store *s, int64_t idea_id, const char *participant)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return 0;
    sqlite3_stmt *st =
        gg_store__stmt(c, "SELECT 1 FROM supports WHERE idea_id=?1 AND participant=?2");
    if (st == NULL)
        return 0;
    sqlite3_bind_int64(st, 1, idea_id);
    gg_store__bind_text(st, 2, participant);
    int yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return yes;
}

/* counts of one poll grouped by an optional dimension: {"<dim>": {"<option>": n}} */
/* Add n to into[key] (an object of integers). */
static void add_count(json_t *into, const char *key, json_int_t n)
{
    json_object_set_new(into, key, json_integer(json_integer_value(json_object_get(into, key)) + n));
}

/* A statement of the tally with ?1 the poll and ?2 the outbox row bound, or
 * NULL (the reason logged by gg_store__stmt). */
static sqlite3_stmt *poll_stmt(gg_conn *c, const char *sql, int64_t poll_id, int64_t outbox_id)
{
    sqlite3_stmt *st = gg_store__stmt(c, sql);
    if (st) {
        sqlite3_bind_int64(st, 1, poll_id);
        sqlite3_bind_int64(st, 2, outbox_id);
    }
    return st;
}

static int poll_counts(gg_conn *c, sqlite3_stmt *st, json_t *into, int by_dim)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *opt = (const char *)sqlite3_column_text(st, 0);
        json_int_t n = sqlite3_column_int64(st, 1);
        json_t *dst = into;
        if (by_dim) {
            const char *dim = (const char *)sqlite3_column_text(st, 2);
            dim = dim ? dim : "";
            dst = json_object_get(into, dim);
            if (dst == NULL) {
                dst = json_object();
                json_object_set_new(into, dim, dst);
            }
        }
        add_count(dst, opt ? opt : "?", n); /* on top of the channels' totals */
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "poll counts");
}

/* Every ballot of one poll as v(opts, src, channel, region): the web votes
 * of portal poll ?1 (0: none), and the answers that came back from the
 * channel polls published for it (POST /api/v1/channels/polls with
 * "poll_id") or from channel poll ?2 sent on its own (an outbox id; 0:
 * none). Telegram sends option ids "0,2", an empty list is a retracted
 * vote. A channel voter's region is the one of their newest placed
 * submission, by the same author key. */
#define POLL_BALLOTS                                                                             \
    "WITH v(opts, src, channel, region) AS (SELECT options_json, 'web', channel, region"         \
    " FROM poll_votes WHERE ?1>0 AND poll_id=?1 UNION ALL SELECT '['||a.options||']', 'channel',"  \
    " a.channel, " VOTER_REGION("a.author_key") " FROM outbox o JOIN poll_answers a"             \
    " ON a.channel=o.channel AND a.poll_id=json_extract(o.result_json,'$.poll_id')"              \
    " WHERE o.kind='poll' AND ((?1>0 AND json_extract(o.payload_json,'$.poll_id')=?1)"           \
    " OR o.id=?2) AND a.options<>'' AND json_valid('['||a.options||']')) "

/* X and Mastodon report only how many chose each option, read with the
 * post's counts (channels/metrics.c: counts.poll, counts.poll_voters) from
 * the sent channel polls of the tally. Their totals join counts and
 * by_channel (by_region cannot place anyone) and the channel voters. */
static int poll_totals(gg_conn *c, int64_t poll_id, int64_t outbox_id, gg_poll_tally *t)
{
    sqlite3_stmt *st = poll_stmt(
        c, "SELECT channel, json_extract(metrics_json,'$.counts.poll'),"
           " json_extract(metrics_json,'$.counts.poll_voters') FROM outbox"
           " WHERE kind='poll' AND state='sent' AND json_valid(metrics_json)"
           " AND json_type(metrics_json,'$.counts.poll')='array'"
           " AND ((?1>0 AND json_extract(payload_json,'$.poll_id')=?1) OR id=?2)",
        poll_id, outbox_id);
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *ch = (const char *)sqlite3_column_text(st, 0);
        json_t *opts = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
        json_t *dst = NULL;
        if (t->by_channel) {
            dst = json_object_get(t->by_channel, ch ? ch : "");
            if (dst == NULL) {
                dst = json_object();
                json_object_set_new(t->by_channel, ch ? ch : "", dst);
            }
        }
        json_int_t sum = 0;
        size_t i;
        json_t *v;
        json_array_foreach(opts, i, v)
        {
            if (!json_is_integer(v) || json_integer_value(v) <= 0)
                continue;
            char k[24];
            snprintf(k, sizeof(k), "%zu", i);
            add_count(t->counts, k, json_integer_value(v));
            if (dst)
                add_count(dst, k, json_integer_value(v));
            sum += json_integer_value(v);
        }
        json_decref(opts);
        /* a multiple-choice poll says how many people voted; else one each */
        t->voters_channel +=
            sqlite3_column_type(st, 2) == SQLITE_INTEGER ? sqlite3_column_int64(st, 2) : sum;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "poll totals");
}

int gg_store__poll_tally(gg_conn *c, int64_t poll_id, int64_t outbox_id, gg_poll_tally *t)
{
    static const char q_voters[] = POLL_BALLOTS "SELECT src, count(*) FROM v GROUP BY src";
    static const char q_all[] = POLL_BALLOTS "SELECT j.value, count(*) FROM v, json_each(v.opts) j"
                                " WHERE j.type='integer' GROUP BY j.value";
    static const char q_ch[] = POLL_BALLOTS "SELECT j.value, count(*), v.channel FROM v,"
                               " json_each(v.opts) j WHERE j.type='integer'"
                               " GROUP BY v.channel, j.value";
    static const char q_rg[] = POLL_BALLOTS "SELECT j.value, count(*), v.region FROM v,"
                               " json_each(v.opts) j WHERE j.type='integer'"
                               " GROUP BY v.region, j.value";
    sqlite3_stmt *st = poll_stmt(c, q_voters, poll_id, outbox_id);
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *src = (const char *)sqlite3_column_text(st, 0);
        *(src && strcmp(src, "web") == 0 ? &t->voters_web : &t->voters_channel) +=
            sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return gg_store__sqlfail(c, "poll voters");
    if ((rc = poll_totals(c, poll_id, outbox_id, t)) != 0)
        return rc;
    struct {
        const char *sql;
        json_t *into;
        int by_dim;
    } q[] = {{q_all, t->counts, 0}, {q_ch, t->by_channel, 1}, {q_rg, t->by_region, 1}};
    for (size_t i = 0; i < sizeof(q) / sizeof(q[0]) && rc == 0; i++) {
        if (q[i].into == NULL)
            continue;
        st = poll_stmt(c, q[i].sql, poll_id, outbox_id);
        if (st == NULL)
            return gg_store__sqlfail(c, "prepare");
        rc = poll_counts(c, st, q[i].into, q[i].by_dim);
    }
    return rc;
}

int gg_store_poll_results(gg_store *s, int64_t poll_id, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT id, campaign_id, (SELECT slug FROM campaigns WHERE id=polls.campaign_id)"
           " AS campaign, question, options_json, multi, hide_results, opens_at,"
           " closes_at FROM polls WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, poll_id);
    json_t *p = NULL;
    int rc = gg_store__one(c, st, &p);
    if (rc == GG_ENOTFOUND)
        return gg_store__fail(rc, "no poll %lld", (long long)poll_id);
    if (rc != 0)
        return rc;
    char now[32];
    now_iso(now);
    const char *opens = json_string_value(json_object_get(p, "opens_at"));
    const char *closes = json_string_value(json_object_get(p, "closes_at"));
    int closed = closes && strcmp(now, closes) >= 0;
    const char *state = closed ? "closed" : opens && strcmp(now, opens) < 0 ? "scheduled" : "open";
    json_object_set_new(p, "state", json_string(state));
    gg_poll_tally t = {.counts = json_object(), .by_channel = json_object(),
                       .by_region = json_object()};
    /* one read transaction: the voters and the counts see one commit */
    sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL);
    rc = gg_store__poll_tally(c, poll_id, 0, &t);
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    json_object_set_new(p, "voters", json_integer(t.voters_web + t.voters_channel));
    if (rc != 0 || (json_integer_value(json_object_get(p, "hide_results")) && !closed)) {
        json_decref(t.counts);
        json_decref(t.by_channel);
        json_decref(t.by_region);
        if (rc != 0) {
            json_decref(p);
            return rc;
        }
        json_object_set_new(p, "hidden", json_true());
        *out = p;
        return 0;
    }
    json_object_set_new(p, "hidden", json_false());
    /* counts as an array aligned with the options */
    json_t *arr = json_array();
    size_t nopt = json_array_size(json_object_get(p, "options"));
    for (size_t i = 0; i < nopt; i++) {
        char k[24];
        snprintf(k, sizeof(k), "%zu", i);
        json_array_append_new(arr, json_integer(json_integer_value(json_object_get(t.counts, k))));
    }
    json_decref(t.counts);
    json_object_set_new(p, "counts", arr);
    json_object_set_new(p, "by_channel", t.by_channel);
    json_object_set_new(p, "by_region", t.by_region);
    *out = p;
    return 0;
}

int gg_store_poll_list(gg_store *s, const char *slug, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT p.id, p.question, p.options_json, p.multi, p.hide_results, p.opens_at,"
           " p.closes_at FROM polls p JOIN campaigns c ON c.id=p.campaign_id WHERE c.slug=?1"
           " ORDER BY p.id DESC LIMIT 50");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, slug);
    return gg_store__rows(c, st, out);
}

int gg_store_participant_export(gg_store *s, const char *participant, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    static const char q_sup[] = "SELECT idea_id, created_at FROM supports WHERE participant=?1";
    static const char q_com[] = "SELECT " COMMENT_COLS " FROM comments WHERE participant=?1";
    static const char q_vot[] =
        "SELECT poll_id, channel, options_json, created_at FROM poll_votes WHERE participant=?1";
    /* each attempt with its answers; the share token is the result page's
     * name, so the person can find (and knows to whom) it was shown */
    static const char q_quiz[] =
        "SELECT a.quiz_id, z.title AS quiz, a.score, a.total, a.share, a.created_at,"
        " (SELECT json_group_array(json_object('question_id', x.question_id, 'option',"
        " x.option, 'right', x.right)) FROM quiz_answers x WHERE x.attempt_id=a.id)"
        " AS answers_json FROM quiz_attempts a JOIN quizzes z ON z.id=a.quiz_id"
        " WHERE a.participant=?1 ORDER BY a.id";
    const char *const qs[] = {q_sup, q_com, q_vot, q_quiz};
    const char *const names[] = {"supports", "comments", "votes", "quiz_attempts"};
    json_t *o = json_object();
    for (int i = 0; i < 4; i++) {
        sqlite3_stmt *st = gg_store__stmt(c, qs[i]);
        json_t *arr = NULL;
        if (st == NULL) {
            json_decref(o);
            return gg_store__sqlfail(c, "prepare");
        }
        gg_store__bind_text(st, 1, participant);
        int rc = gg_store__rows(c, st, &arr);
        if (rc != 0) {
            json_decref(o);
            return rc;
        }
        json_object_set_new(o, names[i], arr);
    }
    *out = o;
    return 0;
}

int gg_store_idea_events(gg_store *s, int64_t idea_id, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT status, note, response, at FROM idea_events"
                                         " WHERE idea_id=?1 ORDER BY id LIMIT 100");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, idea_id);
    return gg_store__rows(c, st, out);
}

int gg_store_campaign_head(gg_store *s, const char *slug, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT id, slug, title, question, brief, title_en, question_en, brief_en,"
           " topics_json, status, opens_at, closes_at FROM campaigns WHERE slug=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, slug);
    int rc = gg_store__one(c, st, out);
    return rc == GG_ENOTFOUND ? gg_store__fail(rc, "no campaign '%s'", slug) : rc;
}
