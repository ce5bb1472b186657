/*
 * review.c — reviewer actions and the audit log in the SQLite backend
 * (store layer, issue 4). Every action (accept, merge, reject, escalate,
 * undo, second review), the idea it creates or joins, its review_actions
 * row and its audit row commit together or not at all; the state and claim
 * checks run inside the same transaction on the single writer, which is
 * what makes two reviewers acting on one item end with one winner (409).
 */
#include "store/sqlite_int.h"
#include "store/workspace.h"
#include "core/alloc.h"
#include "core/err.h"
#include <sodium.h>
#include <string.h>
#include <time.h>

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct act_job {
    gg_review_act in;
    char *actor, *action, *reason, *note, *title, *label, *topics, *kind;
    int64_t cluster, group;
    int64_t *ids;
    size_t n;
} act_job;

static void dispose_act(gg_job *j)
{
    act_job *d = j->data;
    free(d->actor);
    free(d->action);
    free(d->reason);
    free(d->note);
    free(d->title);
    free(d->label);
    free(d->topics);
    free(d->kind);
    free(d->ids);
    free(d);
}

static act_job *act_copy(const gg_review_act *in)
{
    act_job *d = gg_calloc(1, sizeof(*d));
    d->in = *in;
    d->actor = gg_strdup(in->actor ? in->actor : "system");
    d->action = gg_strdup(in->action);
    d->reason = in->reason ? gg_strdup(in->reason) : NULL;
    d->note = in->note ? gg_strndup(in->note, strnlen(in->note, 2000)) : NULL;
    d->title = in->title ? gg_strndup(in->title, strnlen(in->title, 300)) : NULL;
    d->label = in->label ? gg_strndup(in->label, strnlen(in->label, 64)) : NULL;
    d->topics = in->topics_json ? gg_strndup(in->topics_json, strnlen(in->topics_json, 1000)) : NULL;
    d->kind = in->kind ? gg_strndup(in->kind, strnlen(in->kind, 64)) : NULL;
    d->in.actor = d->actor;
    d->in.action = d->action;
    d->in.reason = d->reason;
    d->in.note = d->note;
    d->in.title = d->title;
    d->in.label = d->label;
    d->in.topics_json = d->topics;
    d->in.kind = d->kind;
    return d;
}

static json_t *fetch_row(gg_conn *c, const char *sql, int64_t id)
{
    sqlite3_stmt *st = gg_store__stmt(c, sql);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    json_t *o = sqlite3_step(st) == SQLITE_ROW ? gg_store__row(st) : NULL;
    sqlite3_reset(st);
    return o;
}

static int exec1(gg_conn *c, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : gg_store__sqlfail(c, what);
}

static const char SQL_SUB[] =
    "SELECT s.id, c.slug AS campaign, s.campaign_id, s.channel, s.text, s.display, s.state,"
    " s.reason, s.note, s.idea_id, s.dup_of, s.group_id, s.decided_at, s.decided_by"
    " FROM submissions s JOIN campaigns c ON c.id=s.campaign_id WHERE s.id=?1";
static const char SQL_IDEA[] =
    "SELECT i.id, c.slug AS campaign, i.campaign_id, i.title, i.text, i.status, i.supporters,"
    " i.created_at FROM ideas i JOIN campaigns c ON c.id=i.campaign_id WHERE i.id=?1";

/* A title from the first words of the text: up to ~80 bytes, cut at a space. */
static char *derive_title(const char *text)
{
    size_t n = strlen(text), cut = n;
    if (n > 80) {
        cut = 80;
        while (cut > 40 && text[cut] != ' ')
            cut--;
        while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
            cut--; /* never split a UTF-8 sequence */
    }
    char *t = gg_malloc(cut + 4);
    memcpy(t, text, cut);
    if (cut < n) {
        memcpy(t + cut, "…", 3);
        cut += 3;
    }
    t[cut] = '\0';
    return t;
}

static int audit_put(gg_conn *c, int64_t actor_id, const char *actor, const char *action,
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
    gg_store__bind_text(st, 2, actor);
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

static int64_t jint(json_t *o, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(o, k));
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* The campaign's review policy: two_person (0/1), double_review (0..1). */
static void policy_of(gg_conn *c, int64_t campaign_id, int *two_person, double *sample)
{
    *two_person = 0;
    *sample = 0.05;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT json_extract(policy_json,'$.two_person'),"
                                         " json_extract(policy_json,'$.double_review')"
                                         " FROM campaigns WHERE id=?1");
    if (st == NULL)
        return;
    sqlite3_bind_int64(st, 1, campaign_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *two_person = sqlite3_column_int(st, 0) != 0;
        if (sqlite3_column_type(st, 1) != SQLITE_NULL)
            *sample = sqlite3_column_double(st, 1);
    }
    sqlite3_reset(st);
}

/* The idea a merge goes to by default: the first of the item's near-copy
 * ancestors that joined one. */
static int64_t ancestor_idea(gg_conn *c, int64_t dup_of)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "WITH RECURSIVE up(id, depth) AS (SELECT ?1, 0 UNION ALL SELECT s.dup_of, up.depth+1"
           " FROM submissions s JOIN up ON s.id=up.id WHERE s.dup_of IS NOT NULL AND up.depth<50)"
           " SELECT s.idea_id FROM up JOIN submissions s ON s.id=up.id WHERE s.idea_id IS NOT NULL"
           " ORDER BY up.depth LIMIT 1");
    if (st == NULL)
        return 0;
    sqlite3_bind_int64(st, 1, dup_of);
    int64_t idea = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return idea;
}

static int supporters_add(gg_conn *c, int64_t idea, int delta)
{
    sqlite3_stmt *st = gg_store__stmt(c, "UPDATE ideas SET supporters=max(0,supporters+?2),"
                                         " updated_at=strftime('%Y-%m-%dT%H:%M:%SZ') WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, idea);
    sqlite3_bind_int(st, 2, delta);
    return exec1(c, st, "supporters");
}

/* The one update every decision makes to the submission row. */
static int set_state(gg_conn *c, int64_t id, const char *state, int64_t idea, const char *reason,
                     const char *note, int64_t actor, int decided)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "UPDATE submissions SET state=?2, idea_id=?3, reason=?4, note=coalesce(?5,note),"
           " decided_at=CASE WHEN ?7 THEN strftime('%Y-%m-%dT%H:%M:%fZ') END,"
           " decided_by=CASE WHEN ?7 THEN ?6 END WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    gg_store__bind_text(st, 2, state);
    if (idea > 0)
        sqlite3_bind_int64(st, 3, idea);
    gg_store__bind_text(st, 4, reason);
    gg_store__bind_text(st, 5, note);
    if (actor > 0)
        sqlite3_bind_int64(st, 6, actor);
    sqlite3_bind_int(st, 7, decided);
    return exec1(c, st, "decision update");
}

/* The label a decision gives, for agreement: reject carries its reason. */
static void label_of(char *out, size_t cap, const char *action, const char *reason)
{
    if (strcmp(action, "reject") == 0)
        snprintf(out, cap, "reject:%s", reason ? reason : "other");
    else if (strcmp(action, "merge") == 0)
        snprintf(out, cap, "accept");
    else
        snprintf(out, cap, "%s", action);
}

static int waiting(const char *state)
{
    return state && (strcmp(state, "queued") == 0 || strcmp(state, "escalated") == 0);
}

/* ---- relabels ---------------------------------------------------------------- */

/* The item's topics (JSON array text or NULL) and kind as labels_json says. */
static json_t *labels_now(gg_conn *c, int64_t id)
{
    return fetch_row(c, "SELECT json_extract(labels_json,'$.topics') AS topics,"
                        " json_extract(labels_json,'$.kind') AS kind FROM submissions"
                        " WHERE id=?1 AND json_valid(labels_json)",
                     id);
}

/* Write topics (JSON array text) and/or kind into labels_json; a NULL
 * argument leaves that label alone, an empty string removes it. */
static int labels_write(gg_conn *c, int64_t id, const char *topics, const char *kind)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "UPDATE submissions SET labels_json=(SELECT"
           " CASE WHEN ?3 IS NULL THEN t WHEN ?3='' THEN json_remove(t,'$.kind')"
           "  ELSE json_set(t,'$.kind',?3) END FROM (SELECT"
           " CASE WHEN ?2 IS NULL THEN l WHEN ?2='' THEN json_remove(l,'$.topics')"
           "  ELSE json_set(l,'$.topics',json(?2)) END AS t FROM (SELECT"
           " CASE WHEN json_valid(labels_json) AND json_type(labels_json)='object'"
           "  THEN labels_json ELSE '{}' END AS l)))"
           " WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    gg_store__bind_text(st, 2, topics);
    gg_store__bind_text(st, 3, kind);
    return exec1(c, st, "relabel");
}

/* The topic names of a topics label: the filter writes [{"topic","score"}],
 * older rows may hold plain names. NULL when there is no array. */
static json_t *topic_names(const char *topics)
{
    json_t *t = topics ? json_loads(topics, JSON_DECODE_ANY, NULL) : NULL, *out = NULL;
    if (json_is_array(t)) {
        size_t i;
        json_t *x;
        out = json_array();
        json_array_foreach(t, i, x)
        {
            json_t *n = json_is_object(x) ? json_object_get(x, "topic") : x;
            if (json_is_string(n))
                json_array_append(out, n);
        }
    }
    json_decref(t);
    return out;
}

/* A reviewer's names in the filter's shape, each certain (score 1). */
static char *topics_as_labels(const char *names)
{
    json_t *t = json_loads(names, JSON_DECODE_ANY, NULL), *out = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(t, i, x)
    if (json_is_string(x))
        json_array_append_new(out, json_pack("{s:O,s:f}", "topic", x, "score", 1.0));
    char *d = json_dumps(out, JSON_COMPACT);
    json_decref(t);
    json_decref(out);
    return d;
}

/* {"topics": [names] | null, "kind": "..." | null} for the audit row. */
static json_t *labels_json_of(const char *topics, const char *kind)
{
    json_t *t = topic_names(topics);
    return json_pack("{s:o,s:o}", "topics", t ? t : json_null(), "kind",
                     kind ? json_string(kind) : json_null());
}

/* The reviewer's topics and/or kind on the item, carried by action_id:
 * labels_json updated, the before-labels kept in review_relabels, audited. */
static int relabel_apply(gg_conn *c, const gg_review_act *in, int64_t action_id, int64_t t)
{
    json_t *now = labels_now(c, in->submission_id);
    const char *tb = now ? jstr(now, "topics") : NULL, *kb = now ? jstr(now, "kind") : NULL;
    char *tl = in->topics_json ? topics_as_labels(in->topics_json) : NULL;
    int rc = labels_write(c, in->submission_id, tl, in->kind);
    sqlite3_stmt *st = NULL;
    if (rc)
        goto done;
    st = gg_store__stmt(c, "INSERT INTO review_relabels(submission_id,action_id,user_id,"
                           "topics_before,topics_after,kind_before,kind_after,at)"
                           " VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
    if (st == NULL) {
        rc = gg_store__sqlfail(c, "prepare");
        goto done;
    }
    sqlite3_bind_int64(st, 1, in->submission_id);
    sqlite3_bind_int64(st, 2, action_id);
    if (in->actor_id > 0)
        sqlite3_bind_int64(st, 3, in->actor_id);
    gg_store__bind_text(st, 4, in->topics_json ? tb : NULL);
    gg_store__bind_text(st, 5, tl);
    gg_store__bind_text(st, 6, in->kind ? kb : NULL);
    gg_store__bind_text(st, 7, in->kind);
    sqlite3_bind_int64(st, 8, t);
    if ((rc = exec1(c, st, "relabel row")) != 0)
        goto done;
    json_t *b = labels_json_of(tb, kb);
    json_t *a = labels_json_of(in->topics_json ? in->topics_json : tb, in->kind ? in->kind : kb);
    rc = audit_put(c, in->actor_id, in->actor, "relabel", "submission", in->submission_id, b, a,
                   strcmp(in->action, "relabel") == 0 ? in->note : in->action);
    json_decref(b);
    json_decref(a);
done:
    free(tl);
    json_decref(now);
    return rc;
}

/* Undoing action_id: the labels it changed go back to what they were. */
static int relabel_undo(gg_conn *c, const gg_review_act *in, int64_t action_id)
{
    json_t *row = fetch_row(c, "SELECT topics_before, topics_after, kind_before, kind_after"
                               " FROM review_relabels WHERE action_id=?1",
                            action_id);
    if (row == NULL)
        return 0; /* the action relabelled nothing */
    json_t *now = labels_now(c, in->submission_id);
    const char *ta = jstr(row, "topics_after"), *ka = jstr(row, "kind_after");
    const char *tb = jstr(row, "topics_before"), *kb = jstr(row, "kind_before");
    /* "" removes a label the filter had not given */
    int rc = labels_write(c, in->submission_id, ta ? (tb ? tb : "") : NULL,
                          ka ? (kb ? kb : "") : NULL);
    if (rc == 0) {
        json_t *b = labels_json_of(now ? jstr(now, "topics") : NULL, now ? jstr(now, "kind") : NULL);
        json_decref(now);
        now = labels_now(c, in->submission_id);
        json_t *a = labels_json_of(now ? jstr(now, "topics") : NULL, now ? jstr(now, "kind") : NULL);
        rc = audit_put(c, in->actor_id, in->actor, "relabel", "submission", in->submission_id, b,
                       a, "undo");
        json_decref(b);
        json_decref(a);
    }
    json_decref(now);
    json_decref(row);
    return rc;
}

/* One action on one item, inside the caller's transaction (savepoint).
 * *result gets {"submission","idea","action"}; *created_idea the idea made. */
static int act_one(gg_conn *c, const gg_review_act *in, json_t **result, int64_t *idea_out)
{
    json_t *before = fetch_row(c, SQL_SUB, in->submission_id), *after = NULL, *idea = NULL;
    json_t *extra = NULL;
    int rc = 0;
    int64_t t = now_ms(), idea_id = 0, claimed_at = 0;
    int created = 0, two_person = 0;
    double sample = 0;
    const char *new_state = NULL, *reason = NULL;
    sqlite3_stmt *st;
    if (before == NULL)
        return gg_store__fail(GG_ENOTFOUND, "no submission %lld", (long long)in->submission_id);
    const char *state = jstr(before, "state");
    int64_t campaign = jint(before, "campaign_id");
    const char *a = in->action;

    /* a claim held by someone else blocks everyone but an admin */
    st = gg_store__stmt(c, "SELECT user_id, expires_at, claimed_at FROM review_claims"
                           " WHERE submission_id=?1");
    if (st == NULL) {
        rc = gg_store__sqlfail(c, "prepare");
        goto done;
    }
    sqlite3_bind_int64(st, 1, in->submission_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        int64_t holder = sqlite3_column_int64(st, 0), exp = sqlite3_column_int64(st, 1);
        if (holder == in->actor_id)
            claimed_at = sqlite3_column_int64(st, 2);
        else if (exp > t && !in->admin && strcmp(a, "undo") != 0) {
            sqlite3_reset(st);
            rc = gg_store__fail(GG_ECONFLICT, "another reviewer holds a claim on this item"
                                              " (yours, if you had one, ran out)");
            goto done;
        }
    }
    sqlite3_reset(st);

    if (strcmp(a, "undo") == 0) {
        /* the newest action on the item that still stands */
        st = gg_store__stmt(c, "SELECT id, user_id, action, idea_id, created_idea, before_state,"
                               " after_state, before_idea FROM review_actions WHERE submission_id=?1"
                               " AND undone_by IS NULL AND action NOT IN ('undo','second')"
                               " ORDER BY id DESC LIMIT 1");
        if (st == NULL) {
            rc = gg_store__sqlfail(c, "prepare");
            goto done;
        }
        sqlite3_bind_int64(st, 1, in->submission_id);
        json_t *last = sqlite3_step(st) == SQLITE_ROW ? gg_store__row(st) : NULL;
        sqlite3_reset(st);
        if (last == NULL) {
            rc = gg_store__fail(GG_ECONFLICT, "nothing to undo on this item");
            goto done;
        }
        extra = last;
        if (jint(last, "user_id") != in->actor_id && !in->admin) {
            rc = gg_store__fail(GG_EFORBIDDEN, "only its reviewer or an admin may undo this");
            goto done;
        }
        if (strcmp(state, jstr(last, "after_state")) != 0) {
            rc = gg_store__fail(GG_ECONFLICT, "the item changed since that action");
            goto done;
        }
        int64_t lidea = jint(last, "idea_id");
        const char *laction = jstr(last, "action");
        /* whatever the action relabelled goes back first */
        if ((rc = relabel_undo(c, in, jint(last, "id"))) != 0)
            goto done;
        if (strcmp(laction, "relabel") == 0) {
            /* a relabel changed nothing else */
        } else if (lidea > 0 && jint(last, "created_idea")) {
            /* the idea goes with the decision that made it, unless others joined */
            st = gg_store__stmt(c, "SELECT count(*) FROM submissions WHERE idea_id=?1 AND id<>?2");
            if (st == NULL) {
                rc = gg_store__sqlfail(c, "prepare");
                goto done;
            }
            sqlite3_bind_int64(st, 1, lidea);
            sqlite3_bind_int64(st, 2, in->submission_id);
            int others = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
            sqlite3_reset(st);
            if (others > 0) {
                rc = gg_store__fail(GG_ECONFLICT, "%d other items joined this idea: undo them first",
                                    others);
                goto done;
            }
            idea = fetch_row(c, SQL_IDEA, lidea);
            if ((rc = set_state(c, in->submission_id, jstr(last, "before_state"), 0, NULL, NULL, 0,
                                0)) != 0)
                goto done;
            st = gg_store__stmt(c, "DELETE FROM ideas WHERE id=?1");
            if (st == NULL) {
                rc = gg_store__sqlfail(c, "prepare");
                goto done;
            }
            sqlite3_bind_int64(st, 1, lidea);
            if (sqlite3_step(st) != SQLITE_DONE) {
                sqlite3_reset(st);
                rc = gg_store__fail(GG_ECONFLICT, "the idea already has activity; it stays");
                goto done;
            }
            sqlite3_reset(st);
            if ((rc = audit_put(c, in->actor_id, in->actor, "delete", "idea", lidea, idea, NULL,
                                "undo")) != 0)
                goto done;
            json_decref(idea);
            idea = NULL;
        } else {
            if (lidea > 0 && (strcmp(laction, "merge") == 0 || strcmp(laction, "accept") == 0) &&
                (rc = supporters_add(c, lidea, -1)) != 0)
                goto done;
            int64_t bidea = jint(last, "before_idea");
            const char *bs = jstr(last, "before_state");
            if ((rc = set_state(c, in->submission_id, bs, bidea, NULL, NULL, 0, 0)) != 0)
                goto done;
        }
        st = strcmp(laction, "relabel") == 0
                 ? NULL
                 : gg_store__stmt(c, "DELETE FROM review_samples WHERE submission_id=?1 AND"
                                     " second_user IS NULL");
        if (st) {
            sqlite3_bind_int64(st, 1, in->submission_id);
            exec1(c, st, "sample");
        }
        new_state = jstr(last, "before_state");
    } else if (strcmp(a, "second") == 0) {
        st = gg_store__stmt(c, "UPDATE review_samples SET second_user=?2, second_label=?3,"
                               " second_at=?4 WHERE submission_id=?1 AND second_user IS NULL"
                               " AND first_user<>?2");
        if (st == NULL) {
            rc = gg_store__sqlfail(c, "prepare");
            goto done;
        }
        sqlite3_bind_int64(st, 1, in->submission_id);
        sqlite3_bind_int64(st, 2, in->actor_id);
        gg_store__bind_text(st, 3, in->label);
        sqlite3_bind_int64(st, 4, t);
        if ((rc = exec1(c, st, "second review")) != 0)
            goto done;
        if (sqlite3_changes(c->db) == 0) {
            rc = gg_store__fail(GG_ECONFLICT, "no blind second review waits for you on this item");
            goto done;
        }
        new_state = state;
    } else if (strcmp(a, "relabel") == 0) {
        /* labels only, in any state: a decided item can be corrected too */
        if (in->topics_json == NULL && in->kind == NULL) {
            rc = gg_store__fail(GG_EINVAL, "a relabel needs topics or kind");
            goto done;
        }
        new_state = state;
    } else {
        if (!waiting(state)) {
            rc = gg_store__fail(GG_ECONFLICT, "submission %lld is already %s",
                                (long long)in->submission_id, state ? state : "?");
            goto done;
        }
        if (strcmp(a, "accept") == 0 && in->idea_id <= 0) {
            policy_of(c, campaign, &two_person, &sample);
            if (two_person) {
                /* the first accept waits; a second, different reviewer publishes */
                st = gg_store__stmt(c, "SELECT user_id FROM review_approvals WHERE submission_id=?1");
                if (st == NULL) {
                    rc = gg_store__sqlfail(c, "prepare");
                    goto done;
                }
                sqlite3_bind_int64(st, 1, in->submission_id);
                int64_t first = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
                sqlite3_reset(st);
                if (first == in->actor_id) {
                    rc = gg_store__fail(GG_ECONFLICT, "two-person rule: another reviewer must"
                                                      " confirm this accept");
                    goto done;
                }
                if (first == 0) {
                    st = gg_store__stmt(c, "INSERT INTO review_approvals(submission_id,user_id,"
                                           "title,at) VALUES(?1,?2,?3,?4)");
                    if (st == NULL) {
                        rc = gg_store__sqlfail(c, "prepare");
                        goto done;
                    }
                    sqlite3_bind_int64(st, 1, in->submission_id);
                    sqlite3_bind_int64(st, 2, in->actor_id);
                    gg_store__bind_text(st, 3, in->title);
                    sqlite3_bind_int64(st, 4, t);
                    if ((rc = exec1(c, st, "approval")) != 0)
                        goto done;
                    rc = audit_put(c, in->actor_id, in->actor, "approve", "submission",
                                   in->submission_id, NULL, NULL, "two-person rule: first accept");
                    if (rc == 0) {
                        json_object_del(before, "campaign_id");
                        *result = json_pack("{s:O,s:n,s:s,s:b}", "submission", before, "idea",
                                            "action", "approve", "pending", 1);
                    }
                    goto done;
                }
            }
            const char *text = jstr(before, "display");
            char *title = in->title && *in->title ? gg_strdup(in->title) : derive_title(text);
            st = gg_store__stmt(c, "INSERT INTO ideas(campaign_id,title,text,supporters)"
                                   " VALUES(?1,?2,?3,1) RETURNING id");
            if (st == NULL) {
                free(title);
                rc = gg_store__sqlfail(c, "prepare");
                goto done;
            }
            sqlite3_bind_int64(st, 1, campaign);
            gg_store__bind_text(st, 2, title);
            gg_store__bind_text(st, 3, text);
            free(title);
            if (sqlite3_step(st) != SQLITE_ROW) {
                rc = gg_store__sqlfail(c, "idea insert");
                sqlite3_reset(st);
                goto done;
            }
            idea_id = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
            created = 1;
            new_state = "accepted";
            st = gg_store__stmt(c, "DELETE FROM review_approvals WHERE submission_id=?1");
            if (st) {
                sqlite3_bind_int64(st, 1, in->submission_id);
                exec1(c, st, "approval");
            }
        } else if (strcmp(a, "accept") == 0 || strcmp(a, "merge") == 0) {
            idea_id = in->idea_id;
            if (idea_id <= 0 && jint(before, "dup_of") > 0)
                idea_id = ancestor_idea(c, jint(before, "dup_of"));
            if (idea_id <= 0) {
                rc = gg_store__fail(GG_EINVAL, "merge needs idea_id: no near-copy of this item"
                                               " has joined an idea yet");
                goto done;
            }
            idea = fetch_row(c, SQL_IDEA, idea_id);
            if (idea == NULL) {
                rc = gg_store__fail(GG_ENOTFOUND, "no idea %lld", (long long)idea_id);
                goto done;
            }
            if (jint(idea, "campaign_id") != campaign) {
                rc = gg_store__fail(GG_EINVAL, "idea %lld belongs to another campaign",
                                    (long long)idea_id);
                goto done;
            }
            json_decref(idea);
            idea = NULL;
            if ((rc = supporters_add(c, idea_id, 1)) != 0)
                goto done;
            new_state = strcmp(a, "merge") == 0 ? "merged" : "accepted";
            if (strcmp(a, "merge") == 0)
                reason = "duplicate";
        } else if (strcmp(a, "reject") == 0) {
            if (in->reason == NULL || !*in->reason) {
                rc = gg_store__fail(GG_EINVAL, "a rejection needs a reason");
                goto done;
            }
            new_state = "rejected";
            reason = in->reason;
        } else if (strcmp(a, "escalate") == 0) {
            if (strcmp(state, "escalated") == 0) {
                rc = gg_store__fail(GG_ECONFLICT, "the item is already escalated");
                goto done;
            }
            new_state = "escalated";
        } else {
            rc = gg_store__fail(GG_EINVAL, "unknown action '%.40s'", a);
            goto done;
        }
        if ((rc = set_state(c, in->submission_id, new_state, idea_id, reason, in->note,
                            in->actor_id, strcmp(new_state, "escalated") != 0)) != 0)
            goto done;
        if (idea_id > 0)
            idea = fetch_row(c, SQL_IDEA, idea_id);
    }

    /* the action row (undo marks what it undid) and the audit row */
    st = gg_store__stmt(c, "INSERT INTO review_actions(submission_id,campaign_id,user_id,action,"
                           "reason,note,idea_id,created_idea,before_state,after_state,before_idea,"
                           "secs,at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) RETURNING id");
    if (st == NULL) {
        rc = gg_store__sqlfail(c, "prepare");
        goto done;
    }
    sqlite3_bind_int64(st, 1, in->submission_id);
    sqlite3_bind_int64(st, 2, campaign);
    if (in->actor_id > 0)
        sqlite3_bind_int64(st, 3, in->actor_id);
    gg_store__bind_text(st, 4, a);
    gg_store__bind_text(st, 5, strcmp(a, "second") == 0 ? in->label : reason);
    gg_store__bind_text(st, 6, in->note);
    if (idea_id > 0)
        sqlite3_bind_int64(st, 7, idea_id);
    sqlite3_bind_int(st, 8, created);
    gg_store__bind_text(st, 9, state);
    gg_store__bind_text(st, 10, new_state);
    if (jint(before, "idea_id") > 0)
        sqlite3_bind_int64(st, 11, jint(before, "idea_id"));
    if (claimed_at > 0 && strcmp(a, "relabel") != 0) /* a relabel is not a whole item's work */
        sqlite3_bind_double(st, 12, (double)(t - claimed_at) / 1000.0);
    sqlite3_bind_int64(st, 13, t);
    int64_t action_id = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        action_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (action_id == 0) {
        rc = gg_store__sqlfail(c, "review action");
        goto done;
    }
    if (extra) {
        st = gg_store__stmt(c, "UPDATE review_actions SET undone_by=?2 WHERE id=?1");
        if (st == NULL) {
            rc = gg_store__sqlfail(c, "prepare");
            goto done;
        }
        sqlite3_bind_int64(st, 1, jint(extra, "id"));
        sqlite3_bind_int64(st, 2, action_id);
        if ((rc = exec1(c, st, "undo mark")) != 0)
            goto done;
    }
    int relabel = strcmp(a, "relabel") == 0;
    if (!relabel && strcmp(a, "undo") != 0 && strcmp(a, "second") != 0 &&
        (in->topics_json || in->kind) && (rc = relabel_apply(c, in, action_id, t)) != 0)
        goto done;
    after = fetch_row(c, SQL_SUB, in->submission_id);
    const char *why = strcmp(a, "second") == 0 ? in->label : reason ? reason : in->note;
    /* a relabel's audit row is the one with the labels before and after */
    rc = relabel ? relabel_apply(c, in, action_id, t)
                 : audit_put(c, in->actor_id, in->actor,
                             strcmp(a, "second") == 0 ? "second-review" : a, "submission",
                             in->submission_id, before, after, why);
    if (rc == 0 && created && idea)
        rc = audit_put(c, in->actor_id, in->actor, "create", "idea", idea_id, NULL, idea, NULL);
    if (rc)
        goto done;
    /* the item is done with: its claim goes (a relabel keeps working it) */
    st = relabel ? NULL : gg_store__stmt(c, "DELETE FROM review_claims WHERE submission_id=?1");
    if (st) {
        sqlite3_bind_int64(st, 1, in->submission_id);
        exec1(c, st, "claim");
    }
    /* a random share of decisions gets a blind second review */
    if (strcmp(a, "accept") == 0 || strcmp(a, "merge") == 0 || strcmp(a, "reject") == 0) {
        if (sample == 0 && !two_person)
            policy_of(c, campaign, &two_person, &sample);
        if (sample > 0 && randombytes_uniform(1000000) < (uint32_t)(sample * 1000000.0)) {
            char lab[64];
            label_of(lab, sizeof(lab), a, reason);
            st = gg_store__stmt(c, "INSERT OR IGNORE INTO review_samples(submission_id,"
                                   "campaign_id,first_user,first_label,created_at)"
                                   " VALUES(?1,?2,?3,?4,?5)");
            if (st) {
                sqlite3_bind_int64(st, 1, in->submission_id);
                sqlite3_bind_int64(st, 2, campaign);
                sqlite3_bind_int64(st, 3, in->actor_id);
                gg_store__bind_text(st, 4, lab);
                sqlite3_bind_int64(st, 5, t);
                exec1(c, st, "sample");
            }
        }
    }
    json_object_del(after, "campaign_id");
    if (idea)
        json_object_del(idea, "campaign_id");
    if (relabel || strcmp(a, "undo") == 0 || in->topics_json || in->kind) {
        /* the labels as they stand now, for the console to redraw the item */
        json_t *l = fetch_row(c, "SELECT labels_json FROM submissions WHERE id=?1",
                              in->submission_id);
        if (l && after)
            json_object_set(after, "labels", json_object_get(l, "labels"));
        json_decref(l);
    }
    *result = json_pack("{s:O,s:O,s:s,s:I}", "submission", after, "idea",
                        idea ? idea : json_null(), "action", a, "action_id",
                        (json_int_t)action_id);
    if (idea_out)
        *idea_out = idea_id;
done:
    json_decref(before);
    json_decref(after);
    json_decref(idea);
    json_decref(extra);
    return rc;
}

static int run_act(gg_store *s, gg_conn *c, gg_job *j)
{
    act_job *d = j->data;
    j->id = d->in.submission_id;
    int rc = act_one(c, &d->in, &j->result, NULL);
    if (rc == 0)
        j->bumps = 1;
    else /* the message travels with the job: the thread's own is shared by the batch */
        j->result = json_pack("{s:s}", "message", gg_store_errmsg(s));
    return rc;
}

static int check_action(const char *a)
{
    static const char *const ok[] = {"accept", "merge", "reject", "escalate", "undo", "second",
                                     "relabel", NULL};
    for (int i = 0; a && ok[i]; i++)
        if (strcmp(a, ok[i]) == 0)
            return 0;
    return gg_store__fail(GG_EINVAL,
                          "action must be accept, merge, reject, escalate, relabel or undo");
}

int gg_store_review_act(gg_store *s, const gg_review_act *in, gg_store_done_fn done, void *arg)
{
    if (check_action(in->action) != 0)
        return GG_EINVAL;
    if (strcmp(in->action, "reject") == 0 && (in->reason == NULL || !*in->reason))
        return gg_store__fail(GG_EINVAL, "a rejection needs a reason");
    if (strcmp(in->action, "second") == 0 && (in->label == NULL || !*in->label))
        return gg_store__fail(GG_EINVAL, "a second review needs a label");
    gg_job *j = gg_calloc(1, sizeof(*j));
    j->data = act_copy(in);
    j->dispose = dispose_act;
    j->run = run_act;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}

/* ---- bulk ------------------------------------------------------------------- */

static int run_bulk(gg_store *s, gg_conn *c, gg_job *j)
{
    act_job *d = j->data;
    json_t *applied = json_array(), *skipped = json_array(), *idea = json_null();
    sqlite3_stmt *st = NULL;
    int64_t *ids = d->ids;
    size_t n = d->n;
    int64_t *found = NULL;
    if (d->cluster > 0 || d->group > 0) {
        /* members in id order: the cluster walks near-copies downwards */
        st = d->cluster > 0
                 ? gg_store__stmt(c, "WITH RECURSIVE down(id, depth) AS (SELECT ?1, 0 UNION"
                                     " SELECT s.id, down.depth+1 FROM submissions s JOIN down ON"
                                     " s.dup_of=down.id WHERE down.depth<20)"
                                     " SELECT id FROM down ORDER BY id LIMIT 500")
                 : gg_store__stmt(c, "SELECT id FROM submissions WHERE group_id=?1 ORDER BY id"
                                     " LIMIT 500");
        if (st == NULL) {
            json_decref(applied);
            json_decref(skipped);
            return gg_store__sqlfail(c, "prepare");
        }
        sqlite3_bind_int64(st, 1, d->cluster > 0 ? d->cluster : d->group);
        found = gg_malloc(500 * sizeof(*found));
        n = 0;
        while (n < 500 && sqlite3_step(st) == SQLITE_ROW)
            found[n++] = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        ids = found;
    }
    gg_review_act one = d->in;
    int64_t target = d->in.idea_id;
    int accept_cluster = strcmp(d->in.action, "accept") == 0 && target <= 0;
    for (size_t i = 0; i < n; i++) {
        json_t *r = NULL;
        int64_t made = 0;
        one.submission_id = ids[i];
        one.idea_id = target;
        /* accepting a cluster: the first waiting item makes the idea, the
         * rest join it (supporters kept) */
        if (accept_cluster && target > 0)
            one.action = "merge";
        /* each item in its own savepoint: one refusal does not sink the rest */
        sqlite3_exec(c->db, "SAVEPOINT item", NULL, NULL, NULL);
        int rc = act_one(c, &one, &r, &made);
        if (rc == 0 && r && json_is_true(json_object_get(r, "pending")))
            rc = GG_ECONFLICT; /* two-person rule: not applied yet */
        if (rc == 0) {
            sqlite3_exec(c->db, "RELEASE item", NULL, NULL, NULL);
            json_array_append_new(applied, json_integer(ids[i]));
            if (accept_cluster && target <= 0 && made > 0) {
                target = made;
                json_decref(idea);
                idea = json_incref(json_object_get(r, "idea"));
            }
        } else {
            sqlite3_exec(c->db, "ROLLBACK TO item", NULL, NULL, NULL);
            sqlite3_exec(c->db, "RELEASE item", NULL, NULL, NULL);
            json_array_append_new(skipped, json_pack("{s:I,s:s}", "id", (json_int_t)ids[i], "why",
                                                     gg_store_errmsg(s)));
        }
        json_decref(r);
    }
    free(found);
    if (target > 0) {
        /* the idea as it stands after every merge of this batch */
        json_t *now = fetch_row(c, SQL_IDEA, target);
        if (now) {
            json_object_del(now, "campaign_id");
            json_decref(idea);
            idea = now;
        }
    }
    if (json_array_size(applied) > 0)
        j->bumps = 1;
    j->result = json_pack("{s:o,s:o,s:o}", "applied", applied, "skipped", skipped, "idea", idea);
    return 0;
}

int gg_store_review_bulk(gg_store *s, const gg_review_act *in, int64_t cluster, int64_t group,
                         const int64_t *ids, size_t n, gg_store_done_fn done, void *arg)
{
    if (check_action(in->action) != 0)
        return GG_EINVAL;
    if (strcmp(in->action, "undo") == 0 || strcmp(in->action, "second") == 0 ||
        strcmp(in->action, "relabel") == 0)
        return gg_store__fail(GG_EINVAL, "bulk actions are accept, merge, reject or escalate");
    if (strcmp(in->action, "reject") == 0 && (in->reason == NULL || !*in->reason))
        return gg_store__fail(GG_EINVAL, "a rejection needs a reason");
    if (cluster <= 0 && group <= 0 && (n == 0 || n > 500))
        return gg_store__fail(GG_EINVAL, "give a cluster, a group or 1 to 500 ids");
    gg_job *j = gg_calloc(1, sizeof(*j));
    act_job *d = act_copy(in);
    d->cluster = cluster;
    d->group = group;
    if (cluster <= 0 && group <= 0) {
        d->ids = gg_malloc(n * sizeof(int64_t));
        memcpy(d->ids, ids, n * sizeof(int64_t));
        d->n = n;
    }
    j->data = d;
    j->dispose = dispose_act;
    j->run = run_bulk;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}

/* ---- the original decision entry point (accept | reject) ------------------------ */

int gg_store_decide(gg_store *s, const gg_decision_in *in, gg_store_done_fn done, void *arg)
{
    if (in->action == NULL ||
        (strcmp(in->action, "accept") != 0 && strcmp(in->action, "reject") != 0))
        return gg_store__fail(GG_EINVAL, "action must be accept or reject");
    gg_review_act a = {.submission_id = in->submission_id,
                       .actor_id = in->actor_id,
                       .actor = in->actor,
                       .action = in->action,
                       .reason = in->reason,
                       .note = in->note,
                       .title = in->title};
    return gg_store_review_act(s, &a, done, arg);
}

int gg_store_audit_list(gg_store *s, int limit, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT a.id, a.at, a.actor_id, a.actor, a.action, a.object_type, a.object_id,"
           " a.before_json, a.after_json, a.reason, ch.prev_hash, ch.hash FROM audit a"
           " LEFT JOIN audit_chain ch ON ch.audit_id=a.id ORDER BY a.id DESC LIMIT ?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int(st, 1, limit > 0 && limit <= 1000 ? limit : 100);
    json_t *arr = NULL;
    int rc = gg_store__rows(c, st, &arr);
    if (rc != 0)
        return rc;
    *out = json_pack("{s:o}", "entries", arr);
    return 0;
}
