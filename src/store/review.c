/*
 * review.c — review decisions and the audit log in the SQLite backend
 * (store layer). A decision, the idea it creates and its audit row commit
 * together or not at all; the state check inside the same transaction is
 * what makes two reviewers deciding one item end with one winner (409).
 */
#include "store/sqlite_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>

typedef struct decide_job {
    int64_t submission_id, actor_id;
    char *actor, *action, *reason, *note, *title;
} decide_job;

static void dispose_decide(gg_job *j)
{
    decide_job *d = j->data;
    free(d->actor);
    free(d->action);
    free(d->reason);
    free(d->note);
    free(d->title);
    free(d);
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

static const char SQL_SUB[] =
    "SELECT s.id, c.slug AS campaign, s.campaign_id, s.channel, s.text, s.display, s.state,"
    " s.reason, s.note, s.idea_id, s.decided_at FROM submissions s JOIN campaigns c"
    " ON c.id=s.campaign_id WHERE s.id=?1";
static const char SQL_IDEA[] =
    "SELECT i.id, c.slug AS campaign, i.title, i.text, i.status, i.supporters, i.created_at"
    " FROM ideas i JOIN campaigns c ON c.id=i.campaign_id WHERE i.id=?1";

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
    char *b = before ? json_dumps(before, JSON_COMPACT) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT) : NULL;
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

static int run_decide(gg_store *s, gg_conn *c, gg_job *j)
{
    decide_job *d = j->data;
    json_t *before = fetch_row(c, SQL_SUB, d->submission_id), *after = NULL, *idea = NULL;
    int rc = 0;
    sqlite3_stmt *st;
    j->id = d->submission_id;
    if (before == NULL)
        return gg_store__fail(GG_ENOTFOUND, "no submission %lld", (long long)d->submission_id);
    const char *state = json_string_value(json_object_get(before, "state"));
    if (state == NULL || (strcmp(state, "queued") != 0 && strcmp(state, "escalated") != 0)) {
        rc = gg_store__fail(GG_ECONFLICT, "submission %lld is already %s",
                            (long long)d->submission_id, state ? state : "?");
        goto done;
    }
    if (strcmp(d->action, "accept") == 0) {
        const char *text = json_string_value(json_object_get(before, "display"));
        char *title = d->title && *d->title ? gg_strdup(d->title) : derive_title(text);
        st = gg_store__stmt(c, "INSERT INTO ideas(campaign_id,title,text,supporters)"
                               " VALUES(?1,?2,?3,1) RETURNING id");
        if (st == NULL) {
            free(title);
            rc = gg_store__sqlfail(c, "prepare");
            goto done;
        }
        sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(before, "campaign_id")));
        gg_store__bind_text(st, 2, title);
        gg_store__bind_text(st, 3, text);
        free(title);
        if (sqlite3_step(st) != SQLITE_ROW) {
            rc = gg_store__sqlfail(c, "idea insert");
            sqlite3_reset(st);
            goto done;
        }
        int64_t idea_id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        st = gg_store__stmt(c, "UPDATE submissions SET state='accepted', idea_id=?2,"
                               " decided_at=strftime('%Y-%m-%dT%H:%M:%fZ'), decided_by=?3,"
                               " note=?4 WHERE id=?1");
        sqlite3_bind_int64(st, 2, idea_id);
        idea = fetch_row(c, SQL_IDEA, idea_id);
    } else {
        st = gg_store__stmt(c, "UPDATE submissions SET state='rejected', reason=?5,"
                               " decided_at=strftime('%Y-%m-%dT%H:%M:%fZ'), decided_by=?3,"
                               " note=?4 WHERE id=?1");
        if (st)
            gg_store__bind_text(st, 5, d->reason);
    }
    if (st == NULL) {
        rc = gg_store__sqlfail(c, "prepare");
        goto done;
    }
    sqlite3_bind_int64(st, 1, d->submission_id);
    if (d->actor_id > 0)
        sqlite3_bind_int64(st, 3, d->actor_id);
    gg_store__bind_text(st, 4, d->note);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = gg_store__sqlfail(c, "decision update");
        sqlite3_reset(st);
        goto done;
    }
    sqlite3_reset(st);
    after = fetch_row(c, SQL_SUB, d->submission_id);
    rc = audit_put(c, d->actor_id, d->actor, d->action, "submission", d->submission_id, before,
                   after, d->reason);
    if (rc == 0 && idea)
        rc = audit_put(c, d->actor_id, d->actor, "create", "idea",
                       json_integer_value(json_object_get(idea, "id")), NULL, idea, NULL);
    if (rc == 0) {
        json_object_del(after, "campaign_id");
        j->result = json_pack("{s:O,s:o}", "submission", after, "idea", idea ? idea : json_null());
        idea = NULL;
        j->bumps = 1;
    }
done:
    json_decref(before);
    json_decref(after);
    json_decref(idea);
    return rc;
}

int gg_store_decide(gg_store *s, const gg_decision_in *in, gg_store_done_fn done, void *arg)
{
    if (in->action == NULL ||
        (strcmp(in->action, "accept") != 0 && strcmp(in->action, "reject") != 0))
        return gg_store__fail(GG_EINVAL, "action must be accept or reject");
    if (strcmp(in->action, "reject") == 0 && (in->reason == NULL || !*in->reason))
        return gg_store__fail(GG_EINVAL, "a rejection needs a reason");
    gg_job *j = gg_calloc(1, sizeof(*j));
    decide_job *d = gg_calloc(1, sizeof(*d));
    d->submission_id = in->submission_id;
    d->actor_id = in->actor_id;
    d->actor = gg_strdup(in->actor ? in->actor : "system");
    d->action = gg_strdup(in->action);
    d->reason = in->reason ? gg_strdup(in->reason) : NULL;
    d->note = in->note ? gg_strdup(in->note) : NULL;
    d->title = in->title ? gg_strdup(in->title) : NULL;
    j->data = d;
    j->dispose = dispose_decide;
    j->run = run_decide;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}

int gg_store_audit_list(gg_store *s, int limit, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT id, at, actor_id, actor, action, object_type,"
                                         " object_id, before_json, after_json, reason FROM audit"
                                         " ORDER BY id DESC LIMIT ?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int(st, 1, limit > 0 && limit <= 1000 ? limit : 100);
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, gg_store__row(st));
    sqlite3_reset(st);
    *out = json_pack("{s:o}", "entries", arr);
    return 0;
}
