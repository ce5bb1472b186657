/*
 * inbox.c — the channels' durable inbox in the SQLite backend (store
 * layer). A delivery is stored raw before it is acknowledged; decoding and
 * applying happen later, in batches, and an event key seen before is a
 * no-op — together they make at-least-once delivery apply exactly once.
 */
#include "store/sqlite_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>

typedef struct inbox_job {
    char *channel, *headers;
    char *body;
    size_t len;
} inbox_job;

static void dispose_inbox(gg_job *j)
{
    inbox_job *x = j->data;
    free(x->channel);
    free(x->headers);
    free(x->body);
    free(x);
}

static int run_inbox_put(gg_store *s, gg_conn *c, gg_job *j)
{
    inbox_job *x = j->data;
    sqlite3_stmt *st = gg_store__stmt(c, "INSERT INTO inbox(channel,headers_json,body)"
                                         " VALUES(?1,?2,?3)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, x->channel);
    gg_store__bind_text(st, 2, x->headers);
    sqlite3_bind_blob(st, 3, x->body, (int)x->len, SQLITE_STATIC);
    int rc = sqlite3_step(st); /* no RETURNING: see gg_store__submission_insert */
    if (rc == SQLITE_DONE)
        j->id = sqlite3_last_insert_rowid(c->db);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "inbox insert");
}

int gg_store_inbox_put(gg_store *s, const char *channel, const char *headers_json,
                       const void *body, size_t len, gg_store_done_fn done, void *arg)
{
    if (len > 64u * 1024 * 1024)
        return gg_store__fail(GG_ELIMIT, "delivery too large");
    gg_job *j = gg_calloc(1, sizeof(*j));
    inbox_job *x = gg_calloc(1, sizeof(*x));
    x->channel = gg_strdup(channel);
    x->headers = gg_strdup(headers_json ? headers_json : "{}");
    x->body = gg_malloc(len + 1);
    memcpy(x->body, body, len);
    x->len = len;
    j->data = x;
    j->dispose = dispose_inbox;
    j->run = run_inbox_put;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}

int gg_store_inbox_next(gg_store *s, int64_t after_id, int limit, gg_inbox_row **rows, int *n)
{
    gg_conn *c = gg_store__reader(s);
    *rows = NULL;
    *n = 0;
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT id, channel, headers_json, body FROM inbox"
                                         " WHERE state='new' AND id>?1 ORDER BY id LIMIT ?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int(st, 2, limit);
    gg_inbox_row *r = gg_calloc((size_t)(limit > 0 ? limit : 1), sizeof(*r));
    int k = 0, rc;
    while (k < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        r[k].id = sqlite3_column_int64(st, 0);
        r[k].channel = gg_strdup((const char *)sqlite3_column_text(st, 1));
        r[k].headers_json = gg_strdup((const char *)sqlite3_column_text(st, 2));
        const void *b = sqlite3_column_blob(st, 3);
        r[k].len = (size_t)sqlite3_column_bytes(st, 3);
        r[k].body = gg_malloc(r[k].len + 1);
        if (r[k].len)
            memcpy(r[k].body, b, r[k].len);
        r[k].body[r[k].len] = '\0';
        k++;
    }
    sqlite3_reset(st);
    *rows = r;
    *n = k;
    return 0;
}

void gg_store_inbox_rows_free(gg_inbox_row *rows, int n)
{
    for (int i = 0; rows && i < n; i++) {
        free(rows[i].channel);
        free(rows[i].headers_json);
        free(rows[i].body);
    }
    free(rows);
}

/* The newest submission stored for (channel, native_id), or 0. */
static int64_t find_submission(gg_conn *c, const char *channel, const char *native_id)
{
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT id FROM submissions WHERE channel=?1 AND"
                                         " native_id=?2 ORDER BY id DESC LIMIT 1");
    if (st == NULL)
        return 0;
    gg_store__bind_text(st, 1, channel);
    gg_store__bind_text(st, 2, native_id);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return id;
}

static int audit_system(gg_conn *c, const char *action, int64_t id, const char *reason)
{
    sqlite3_stmt *st = gg_store__stmt(c, "INSERT INTO audit(actor,action,object_type,object_id,"
                                         "reason) VALUES('system',?1,'submission',?2,?3)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, action);
    sqlite3_bind_int64(st, 2, id);
    gg_store__bind_text(st, 3, reason);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "audit insert");
    sqlite3_reset(st);
    return rc;
}

static int apply_event(gg_conn *c, int64_t inbox_id, gg_inbox_event *e, const gg_facts *f,
                       int *applied)
{
    sqlite3_stmt *st = gg_store__stmt(c, "INSERT INTO channel_events(dedupe_key,inbox_id,channel,"
                                         "kind) VALUES(?1,?2,?3,?4) ON CONFLICT DO NOTHING");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, e->dedupe_key);
    if (inbox_id > 0) /* 0: not from the inbox (a file import) */
        sqlite3_bind_int64(st, 2, inbox_id);
    gg_store__bind_text(st, 3, e->channel);
    gg_store__bind_text(st, 4, e->kind);
    if (sqlite3_step(st) != SQLITE_DONE) {
        sqlite3_reset(st);
        return gg_store__sqlfail(c, "event key");
    }
    sqlite3_reset(st);
    if (sqlite3_changes(c->db) == 0)
        return 0; /* seen before: a redelivery or an overlapping pull */
    (*applied)++;
    int64_t sid = 0;
    int rc = 0;
    switch (e->action) {
    case GG_INBOX_NEW:
        rc = gg_store__submission_insert(c, &e->sub, f, &sid);
        if (rc == GG_ECONFLICT)
            rc = 0; /* same item under another key (e.g. webhook and pull) */
        else if (rc == 0)
            e->submission_id = sid;
        break;
    case GG_INBOX_EDIT:
        sid = find_submission(c, e->channel, e->native_id);
        if (sid == 0)
            break; /* an edit of something we never held: nothing to update */
        st = gg_store__stmt(c, "INSERT INTO submission_versions(submission_id,text,version)"
                               " SELECT id, text, ?2 FROM submissions WHERE id=?1");
        if (st == NULL)
            return gg_store__sqlfail(c, "prepare");
        sqlite3_bind_int64(st, 1, sid);
        gg_store__bind_text(st, 2, e->version);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "version insert");
        sqlite3_reset(st);
        if (rc)
            break;
        st = gg_store__stmt(c, "UPDATE submissions SET text=?2, display=?3, norm=?4,"
                               " entities_json=coalesce(?5,entities_json) WHERE id=?1");
        if (st == NULL)
            return gg_store__sqlfail(c, "prepare");
        sqlite3_bind_int64(st, 1, sid);
        gg_store__bind_text(st, 2, e->sub.text);
        gg_store__bind_text(st, 3, e->sub.display ? e->sub.display : e->sub.text);
        gg_store__bind_text(st, 4, e->sub.norm ? e->sub.norm : e->sub.text);
        gg_store__bind_text(st, 5, e->sub.entities_json);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "edit");
        sqlite3_reset(st);
        if (rc == 0)
            rc = audit_system(c, "edit", sid, e->version);
        break;
    case GG_INBOX_WITHDRAW:
    case GG_INBOX_RESTORE:
        sid = find_submission(c, e->channel, e->native_id);
        if (sid == 0)
            break;
        st = e->action == GG_INBOX_WITHDRAW
                 ? gg_store__stmt(c, "UPDATE submissions SET state='withdrawn', reason=?2"
                                     " WHERE id=?1")
                 : gg_store__stmt(c, "UPDATE submissions SET state='queued', reason=NULL"
                                     " WHERE id=?1 AND state='withdrawn'");
        if (st == NULL)
            return gg_store__sqlfail(c, "prepare");
        sqlite3_bind_int64(st, 1, sid);
        if (e->action == GG_INBOX_WITHDRAW)
            gg_store__bind_text(st, 2, e->kind);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "withdraw");
        sqlite3_reset(st);
        if (rc == 0)
            rc = audit_system(c, e->action == GG_INBOX_WITHDRAW ? "withdraw" : "restore", sid,
                              e->kind);
        break;
    default:
        break;
    }
    if (rc == 0 && sid > 0) {
        st = gg_store__stmt(c, "UPDATE channel_events SET submission_id=?2 WHERE dedupe_key=?1");
        if (st) {
            gg_store__bind_text(st, 1, e->dedupe_key);
            sqlite3_bind_int64(st, 2, sid);
            sqlite3_step(st);
            sqlite3_reset(st);
        }
    }
    return rc;
}

typedef struct apply_job {
    gg_inbox_result *rows;
    int n, applied;
    const char *channel, *account, *stream, *cursor; /* optional position to record */
    gg_facts *facts; /* per event, in order: what new submissions' labels say */
} apply_job;

static int cursor_upsert(gg_conn *c, const char *channel, const char *account,
                         const char *stream, const char *cursor);

static int run_apply(gg_store *s, gg_conn *c, gg_job *j)
{
    apply_job *a = j->data;
    int ev = 0;
    for (int i = 0; i < a->n; i++) {
        gg_inbox_result *r = &a->rows[i];
        int rc = 0;
        const char *err = r->error;
        for (int k = 0; k < r->nevents && rc == 0; k++, ev++)
            rc = apply_event(c, r->inbox_id, &r->events[k], a->facts ? &a->facts[ev] : NULL,
                             &a->applied);
        if (rc != 0)
            return rc; /* a store failure: the whole batch is retried later */
        if (r->inbox_id <= 0)
            continue;
        sqlite3_stmt *st = gg_store__stmt(
            c, "UPDATE inbox SET state=?2, error=?3, events=?4,"
               " processed_at=strftime('%Y-%m-%dT%H:%M:%fZ') WHERE id=?1");
        if (st == NULL)
            return gg_store__sqlfail(c, "prepare");
        sqlite3_bind_int64(st, 1, r->inbox_id);
        gg_store__bind_text(st, 2, err ? "error" : "processed");
        gg_store__bind_text(st, 3, err);
        sqlite3_bind_int(st, 4, r->nevents);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "inbox update");
        sqlite3_reset(st);
        if (rc)
            return rc;
    }
    j->bumps = a->applied > 0;
    if (a->stream)
        return cursor_upsert(c, a->channel, a->account, a->stream, a->cursor);
    return 0;
}

int gg_store_inbox_apply_at(gg_store *s, gg_inbox_result *rows, int n, int *applied_out,
                            const char *channel, const char *account, const char *stream,
                            const char *cursor)
{
    apply_job a = {rows, n, 0, channel, account, stream, cursor, NULL};
    /* the labels are parsed here, on the caller's thread, not the writer's */
    int nev = 0;
    for (int i = 0; i < n; i++)
        nev += rows[i].nevents;
    if (nev > 0) {
        a.facts = gg_malloc((size_t)nev * sizeof(*a.facts));
        for (int i = 0, ev = 0; i < n; i++)
            for (int k = 0; k < rows[i].nevents; k++, ev++)
                if (rows[i].events[k].action == GG_INBOX_NEW)
                    gg_store__facts_of_json(rows[i].events[k].sub.labels,
                                            rows[i].events[k].sub.labels_json, &a.facts[ev]);
    }
    /* acknowledged already: the writer takes it after what callers wait for */
    int rc = gg_store__call_background(s, run_apply, &a);
    free(a.facts);
    if (applied_out)
        *applied_out = a.applied;
    return rc;
}

int gg_store_inbox_apply(gg_store *s, gg_inbox_result *rows, int n, int *applied_out)
{
    return gg_store_inbox_apply_at(s, rows, n, applied_out, NULL, NULL, NULL, NULL);
}

int gg_store_inbox_counts(gg_store *s, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT state, count(*) FROM inbox GROUP BY state");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    json_t *o = json_pack("{s:i,s:i,s:i}", "new", 0, "processed", 0, "error", 0);
    while (sqlite3_step(st) == SQLITE_ROW)
        json_object_set_new(o, (const char *)sqlite3_column_text(st, 0),
                            json_integer(sqlite3_column_int64(st, 1)));
    sqlite3_reset(st);
    *out = o;
    return 0;
}

int gg_store_channel_cursor_get(gg_store *s, const char *channel, const char *account,
                                const char *stream, char **cursor_out)
{
    gg_conn *c = gg_store__reader(s);
    *cursor_out = NULL;
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT cursor FROM channel_state WHERE channel=?1"
                                         " AND account=?2 AND stream=?3");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, channel);
    gg_store__bind_text(st, 2, account);
    gg_store__bind_text(st, 3, stream);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *cursor_out = gg_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return 0;
}

typedef struct cursor_job {
    const char *channel, *account, *stream, *cursor;
} cursor_job;

static int run_cursor_set(gg_store *s, gg_conn *c, gg_job *j)
{
    cursor_job *x = j->data;
    return cursor_upsert(c, x->channel, x->account, x->stream, x->cursor);
}

static int cursor_upsert(gg_conn *c, const char *channel, const char *account,
                         const char *stream, const char *cursor)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO channel_state(channel,account,stream,cursor,last_event_at)"
           " VALUES(?1,?2,?3,?4,strftime('%Y-%m-%dT%H:%M:%fZ')) ON CONFLICT DO UPDATE SET"
           " cursor=?4, last_event_at=strftime('%Y-%m-%dT%H:%M:%fZ')");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, channel);
    gg_store__bind_text(st, 2, account);
    gg_store__bind_text(st, 3, stream);
    gg_store__bind_text(st, 4, cursor);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "cursor");
    sqlite3_reset(st);
    return rc;
}

int gg_store_channel_cursor_set(gg_store *s, const char *channel, const char *account,
                                const char *stream, const char *cursor)
{
    cursor_job x = {channel, account, stream, cursor};
    return gg_store__call(s, run_cursor_set, &x, NULL, NULL);
}
