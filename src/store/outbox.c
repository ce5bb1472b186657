/*
 * outbox.c — every message gagas sends out, in the SQLite backend (store
 * layer): replies and status news to people, polls, campaign calls. A row
 * is queued once per dedupe key, claimed by the sender, and ends 'sent'
 * with the platform's id or 'failed' with the reason; a retry is a row put
 * back to 'pending' with a later next_at.
 */
#include "store/sqlite_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>

int gg_store__outbox_put(gg_conn *c, const gg_outbox_in *in, int64_t *id_out)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO outbox(channel,kind,submission_id,idea_id,campaign_id,target_json,text,"
           "payload_json,lang,dedupe_key) VALUES(?1,?2,?3,?4,?5,coalesce(?6,'{}'),?7,"
           "coalesce(?8,'{}'),coalesce(?9,'id'),?10) ON CONFLICT(dedupe_key) DO NOTHING"
           " RETURNING id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, in->channel);
    gg_store__bind_text(st, 2, in->kind);
    if (in->submission_id > 0)
        sqlite3_bind_int64(st, 3, in->submission_id);
    if (in->idea_id > 0)
        sqlite3_bind_int64(st, 4, in->idea_id);
    if (in->campaign_id > 0)
        sqlite3_bind_int64(st, 5, in->campaign_id);
    gg_store__bind_text(st, 6, in->target_json);
    gg_store__bind_text(st, 7, in->text);
    gg_store__bind_text(st, 8, in->payload_json);
    gg_store__bind_text(st, 9, in->lang);
    gg_store__bind_text(st, 10, in->dedupe_key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (id_out)
            *id_out = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return 0;
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return gg_store__fail(GG_ECONFLICT, "already queued");
    return gg_store__sqlfail(c, "outbox insert");
}

typedef struct outbox_job {
    const gg_outbox_in *in;
} outbox_job;

static int run_outbox_put(gg_store *s, gg_conn *c, gg_job *j)
{
    outbox_job *x = j->data;
    return gg_store__outbox_put(c, x->in, &j->id);
}

int gg_store_outbox_put(gg_store *s, const gg_outbox_in *in, int64_t *id_out)
{
    if (in->channel == NULL || in->kind == NULL || in->text == NULL)
        return gg_store__fail(GG_EINVAL, "outbox needs channel, kind and text");
    outbox_job x = {in};
    return gg_store__call(s, run_outbox_put, &x, id_out, NULL);
}

typedef struct claim_job {
    int64_t now;
    int limit;
} claim_job;

static int run_claim(gg_store *s, gg_conn *c, gg_job *j)
{
    claim_job *x = j->data;
    /* due: pending and time has come, or stuck in 'sending' (a crash
     * mid-send) for more than five minutes */
    sqlite3_stmt *st = gg_store__stmt(
        c, "UPDATE outbox SET state='sending', attempts=attempts+1, next_at=?1+300"
           " WHERE id IN (SELECT id FROM outbox WHERE (state='pending' AND next_at<=?1)"
           " OR (state='sending' AND next_at<=?1) ORDER BY next_at, id LIMIT ?2)"
           " RETURNING id, channel, kind, submission_id, idea_id, campaign_id, target_json,"
           " text, payload_json, lang, dedupe_key, attempts, delivery");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, x->now);
    sqlite3_bind_int(st, 2, x->limit);
    json_t *arr = NULL;
    int rc = gg_store__rows(c, st, &arr);
    if (rc != 0)
        return rc;
    j->result = json_pack("{s:o}", "items", arr);
    return 0;
}

int gg_store_outbox_claim(gg_store *s, int64_t now, int limit, json_t **out)
{
    claim_job x = {now, limit > 0 ? limit : 32};
    return gg_store__call(s, run_claim, &x, NULL, out);
}

typedef struct done_job {
    int64_t id, next_at;
    const char *state, *remote_id, *error;
} done_job;

static int run_done(gg_store *s, gg_conn *c, gg_job *j)
{
    done_job *x = j->data;
    sqlite3_stmt *st = gg_store__stmt(
        c, "UPDATE outbox SET state=?2, remote_id=coalesce(?3,remote_id), error=?4, next_at=?5,"
           " sent_at=CASE WHEN ?2='sent' THEN strftime('%Y-%m-%dT%H:%M:%fZ') END WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, x->id);
    gg_store__bind_text(st, 2, x->state);
    gg_store__bind_text(st, 3, x->remote_id);
    gg_store__bind_text(st, 4, x->error);
    sqlite3_bind_int64(st, 5, x->next_at);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "outbox done");
    sqlite3_reset(st);
    return rc;
}

int gg_store_outbox_done(gg_store *s, int64_t id, const char *state, const char *remote_id,
                         const char *error, int64_t next_at)
{
    if (strcmp(state, "sent") != 0 && strcmp(state, "failed") != 0 &&
        strcmp(state, "pending") != 0 && strcmp(state, "skipped") != 0)
        return gg_store__fail(GG_EINVAL, "bad outbox state");
    done_job x = {id, next_at, state, remote_id, error};
    return gg_store__call(s, run_done, &x, NULL, NULL);
}

typedef struct delivery_job {
    int64_t id;
    const char *delivery;
} delivery_job;

static int run_delivery(gg_store *s, gg_conn *c, gg_job *j)
{
    delivery_job *x = j->data;
    sqlite3_stmt *st = gg_store__stmt(c, "UPDATE outbox SET delivery=?2 WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, x->id);
    gg_store__bind_text(st, 2, x->delivery);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "outbox delivery");
    sqlite3_reset(st);
    return rc;
}

int gg_store_outbox_delivery(gg_store *s, int64_t id, const char *delivery)
{
    if (delivery && strcmp(delivery, "recheck") != 0 && strcmp(delivery, "found") != 0 &&
        strcmp(delivery, "unknown") != 0)
        return gg_store__fail(GG_EINVAL, "bad outbox delivery");
    delivery_job x = {id, delivery};
    return gg_store__call(s, run_delivery, &x, NULL, NULL);
}

typedef struct metrics_job {
    int64_t id, next_at;
    const char *json;
} metrics_job;

static int run_metrics(gg_store *s, gg_conn *c, gg_job *j)
{
    metrics_job *x = j->data;
    sqlite3_stmt *st = gg_store__stmt(
        c, "UPDATE outbox SET metrics_json=coalesce(?2,metrics_json), metrics_at=?3 WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, x->id);
    gg_store__bind_text(st, 2, x->json);
    sqlite3_bind_int64(st, 3, x->next_at);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "outbox metrics");
    sqlite3_reset(st);
    return rc;
}

int gg_store_outbox_metrics_put(gg_store *s, int64_t id, const char *metrics_json, int64_t next_at)
{
    metrics_job x = {id, next_at, metrics_json};
    return gg_store__call(s, run_metrics, &x, NULL, NULL);
}

int gg_store_outbox_metrics_due(gg_store *s, int64_t now, int limit, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT id, channel, campaign_id, remote_id, target_json, metrics_json, sent_at"
           " FROM outbox WHERE kind IN ('publish','poll') AND state='sent' AND metrics_at<=?1"
           " AND remote_id IS NOT NULL ORDER BY metrics_at, id LIMIT ?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : 20);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, gg_store__row(st));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return gg_store__sqlfail(c, "metrics due");
    }
    *out = arr;
    return 0;
}

int gg_store_campaign_reach(gg_store *s, int64_t campaign_id, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT id, channel, remote_id, sent_at, metrics_json FROM outbox"
           " WHERE campaign_id=?1 AND kind='publish' AND state='sent' ORDER BY id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, campaign_id);
    return gg_store__rows(c, st, out);
}

/* ---- a person settles a send whose delivery is unknown ------------------- */

typedef struct resolve_job {
    int64_t id, actor_id;
    int posted;
    char *remote_id, *actor;
} resolve_job;

static void dispose_resolve(gg_job *j)
{
    resolve_job *x = j->data;
    if (x) {
        free(x->remote_id);
        free(x->actor);
        free(x);
    }
}

static json_t *outbox_brief(gg_conn *c, int64_t id)
{
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT id, channel, kind, state, delivery, remote_id,"
                                         " attempts, error FROM outbox WHERE id=?1");
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    json_t *row = sqlite3_step(st) == SQLITE_ROW ? gg_store__row(st) : NULL;
    sqlite3_reset(st);
    return row;
}

static int run_resolve(gg_store *s, gg_conn *c, gg_job *j)
{
    (void)s;
    resolve_job *x = j->data;
    json_t *before = outbox_brief(c, x->id);
    if (before == NULL)
        return gg_store__fail(GG_ENOTFOUND, "no such outbox row");
    const char *delivery = json_string_value(json_object_get(before, "delivery"));
    if (delivery == NULL || strcmp(delivery, "unknown") != 0) {
        json_decref(before);
        return gg_store__fail(GG_ECONFLICT, "only a send whose delivery is unknown is settled by hand");
    }
    /* posted: it is there (the person saw it), kept as sent; not posted:
     * due again now, as a fresh send */
    sqlite3_stmt *st = gg_store__stmt(
        c, x->posted
               ? "UPDATE outbox SET state='sent', delivery=NULL, remote_id=coalesce(?2,remote_id),"
                 " error='found on the platform by staff', sent_at=strftime('%Y-%m-%dT%H:%M:%fZ')"
                 " WHERE id=?1"
               : "UPDATE outbox SET state='pending', delivery=NULL, next_at=0,"
                 " error='not on the platform (checked by staff): sending again' WHERE id=?1");
    if (st == NULL) {
        json_decref(before);
        return gg_store__sqlfail(c, "prepare");
    }
    sqlite3_bind_int64(st, 1, x->id);
    if (x->posted)
        gg_store__bind_text(st, 2, x->remote_id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "outbox resolve");
    sqlite3_reset(st);
    json_t *after = rc == 0 ? outbox_brief(c, x->id) : NULL;
    if (rc == 0) {
        sqlite3_stmt *au = gg_store__stmt(c, "INSERT INTO audit(actor_id,actor,action,object_type,"
                                             "object_id,before_json,after_json,reason)"
                                             " VALUES(?1,?2,'outbox.resolve','outbox',?3,?4,?5,?6)");
        char *bj = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
        char *aj = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        if (au == NULL) {
            rc = gg_store__sqlfail(c, "prepare");
        } else {
            if (x->actor_id > 0)
                sqlite3_bind_int64(au, 1, x->actor_id);
            gg_store__bind_text(au, 2, x->actor ? x->actor : "system");
            sqlite3_bind_int64(au, 3, x->id);
            gg_store__bind_text(au, 4, bj);
            gg_store__bind_text(au, 5, aj);
            gg_store__bind_text(au, 6, x->posted ? "posted" : "not posted");
            rc = sqlite3_step(au) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "audit insert");
            sqlite3_reset(au);
        }
        free(bj);
        free(aj);
    }
    json_decref(before);
    if (rc == 0)
        j->result = after;
    else
        json_decref(after);
    return rc;
}

int gg_store_outbox_resolve(gg_store *s, int64_t id, int posted, const char *remote_id,
                            int64_t actor_id, const char *actor, gg_store_done_fn done, void *arg)
{
    resolve_job *x = gg_calloc(1, sizeof(*x));
    x->id = id;
    x->posted = posted;
    x->remote_id = remote_id ? gg_strdup(remote_id) : NULL;
    x->actor_id = actor_id;
    x->actor = actor ? gg_strdup(actor) : NULL;
    gg_job *j = gg_calloc(1, sizeof(*j));
    j->run = run_resolve;
    j->dispose = dispose_resolve;
    j->data = x;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}

typedef struct status_job {
    int64_t id;
    const char *channel, *remote_id, *status, *detail;
} status_job;

static int run_status(gg_store *s, gg_conn *c, gg_job *j)
{
    (void)s;
    status_job *x = j->data;
    int failed = strcmp(x->status, "failed") == 0;
    char err[240];
    if (failed)
        snprintf(err, sizeof(err), "the platform reported the message failed: %.180s",
                 x->detail ? x->detail : "no reason given");
    else
        snprintf(err, sizeof(err), "answer was unreadable; the platform reported it %.40s",
                 x->status);
    /* delivered/read: an unknown send is settled as sent (the first status
     * carries the message id); failed: a sent or unknown row fails with the
     * platform's reason (a 131047 after the window, a blocked number …) */
    sqlite3_stmt *st = gg_store__stmt(
        c, failed ? "UPDATE outbox SET state='failed', delivery=NULL, error=?3"
                    " WHERE id=?1 AND channel=?4 AND (delivery='unknown' OR state='sent')"
                  : "UPDATE outbox SET state='sent', delivery='found', error=?3,"
                    " remote_id=coalesce(remote_id,?2),"
                    " sent_at=coalesce(sent_at,strftime('%Y-%m-%dT%H:%M:%fZ'))"
                    " WHERE id=?1 AND channel=?4 AND delivery='unknown'");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, x->id);
    gg_store__bind_text(st, 2, x->remote_id);
    gg_store__bind_text(st, 3, err);
    gg_store__bind_text(st, 4, x->channel);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "outbox status");
    sqlite3_reset(st);
    return rc;
}

int gg_store_outbox_status(gg_store *s, int64_t id, const char *channel, const char *remote_id,
                           const char *status, const char *detail)
{
    if (id <= 0 || channel == NULL || status == NULL)
        return gg_store__fail(GG_EINVAL, "outbox status needs a row, a channel and a status");
    status_job x = {id, channel, remote_id, status, detail};
    return gg_store__call(s, run_status, &x, NULL, NULL);
}
