/*
 * submissions.c — submissions and the review queue in the SQLite backend
 * (store layer). A put is idempotent on (campaign, channel, native_id): a
 * redelivered item reports the id stored the first time, with GG_ECONFLICT.
 */
#include "store/sqlite_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>

enum { F_CHANNEL, F_NATIVE, F_AKEY, F_AHANDLE, F_TEXT, F_DISPLAY, F_NORM, F_ENT, F_LABELS,
       F_STATE, F_REASON, F_CREATED, F_REPLY, NF };

typedef struct sub_job {
    int64_t campaign_id;
    double priority;
    char *f[NF];
} sub_job;

static void dispose_sub(gg_job *j)
{
    sub_job *sj = j->data;
    for (int i = 0; i < NF; i++)
        free(sj->f[i]);
    free(sj);
}

int gg_store__submission_insert(gg_conn *c, const gg_submission_in *in, int64_t *id_out)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO submissions(campaign_id,channel,native_id,author_key,author_handle,text,"
           "display,norm,entities_json,labels_json,state,reason,priority,created_at,reply_json)"
           " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,coalesce(?9,'{}'),coalesce(?10,'{}'),?11,?12,?13,"
           " coalesce(?14,strftime('%Y-%m-%dT%H:%M:%fZ')),?15)"
           " ON CONFLICT(campaign_id,channel,native_id) DO NOTHING RETURNING id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    const char *v[NF] = {in->channel, in->native_id, in->author_key, in->author_handle,
                         in->text, in->display ? in->display : in->text,
                         in->norm ? in->norm : in->text, in->entities_json, in->labels_json,
                         in->state, in->reason, in->created_at, in->reply_json};
    sqlite3_bind_int64(st, 1, in->campaign_id);
    for (int i = 0; i < NF; i++) /* ?2..?12 in order; created_at ?14, reply_json ?15 */
        gg_store__bind_text(st, i < F_CREATED ? i + 2 : i == F_CREATED ? 14 : 15, v[i]);
    sqlite3_bind_double(st, 13, in->priority);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id_out = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return 0;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return gg_store__sqlfail(c, "submission insert");
    /* DO NOTHING fired: the item was stored before; report its id */
    st = gg_store__stmt(c, "SELECT id FROM submissions WHERE campaign_id=?1 AND channel=?2"
                           " AND native_id=?3");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, in->campaign_id);
    gg_store__bind_text(st, 2, in->channel);
    gg_store__bind_text(st, 3, in->native_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        *id_out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return gg_store__fail(GG_ECONFLICT, "already stored as %lld", (long long)*id_out);
}

static int run_put(gg_store *s, gg_conn *c, gg_job *j)
{
    sub_job *sj = j->data;
    gg_submission_in in = {
        .campaign_id = sj->campaign_id, .channel = sj->f[F_CHANNEL], .native_id = sj->f[F_NATIVE],
        .author_key = sj->f[F_AKEY], .author_handle = sj->f[F_AHANDLE], .text = sj->f[F_TEXT],
        .display = sj->f[F_DISPLAY], .norm = sj->f[F_NORM], .entities_json = sj->f[F_ENT],
        .labels_json = sj->f[F_LABELS], .state = sj->f[F_STATE], .reason = sj->f[F_REASON],
        .priority = sj->priority, .created_at = sj->f[F_CREATED], .reply_json = sj->f[F_REPLY]};
    return gg_store__submission_insert(c, &in, &j->id);
}

int gg_store_submission_put(gg_store *s, const gg_submission_in *in, gg_store_done_fn done,
                            void *arg)
{
    if (in->text == NULL || in->channel == NULL || in->state == NULL)
        return gg_store__fail(GG_EINVAL, "submission needs text, channel and state");
    gg_job *j = gg_calloc(1, sizeof(*j));
    sub_job *sj = gg_calloc(1, sizeof(*sj));
    const char *v[NF] = {in->channel, in->native_id, in->author_key, in->author_handle,
                         in->text, in->display ? in->display : in->text,
                         in->norm ? in->norm : in->text, in->entities_json, in->labels_json,
                         in->state, in->reason, in->created_at, in->reply_json};
    for (int i = 0; i < NF; i++)
        sj->f[i] = v[i] ? gg_strdup(v[i]) : NULL;
    sj->campaign_id = in->campaign_id;
    sj->priority = in->priority;
    j->data = sj;
    j->dispose = dispose_sub;
    j->run = run_put;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}

#define SUB_PUBLIC                                                                               \
    "s.id, c.slug AS campaign, s.channel, s.display AS text, s.state, s.reason, s.idea_id,"      \
    " s.created_at, s.received_at, s.decided_at"
#define SUB_STAFF                                                                                \
    "s.id, c.slug AS campaign, s.channel, s.native_id, s.author_key, s.author_handle, s.text,"   \
    " s.display, s.norm, s.entities_json, s.labels_json, s.priority, s.state, s.reason, s.note," \
    " s.idea_id, s.dup_of, s.group_id, s.created_at, s.received_at, s.decided_at, s.decided_by"

int gg_store_submission_get(gg_store *s, int64_t id, int staff, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st =
        staff ? gg_store__stmt(c, "SELECT " SUB_STAFF " FROM submissions s JOIN campaigns c"
                                  " ON c.id=s.campaign_id WHERE s.id=?1")
              : gg_store__stmt(c, "SELECT " SUB_PUBLIC " FROM submissions s JOIN campaigns c"
                                  " ON c.id=s.campaign_id WHERE s.id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = gg_store__row(st);
        sqlite3_reset(st);
        return 0;
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return gg_store__fail(GG_ENOTFOUND, "no submission %lld", (long long)id);
    return gg_store__sqlfail(c, "submission get");
}

int gg_store_queue(gg_store *s, const gg_queue_query *q, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    const char *state = q->state ? q->state : "queued";
    /* campaign NULL matches every campaign (?1 IS NULL) */
    sqlite3_stmt *st =
        q->by_priority
            ? gg_store__stmt(c, "SELECT " SUB_STAFF " FROM submissions s JOIN campaigns c"
                                " ON c.id=s.campaign_id WHERE (?1 IS NULL OR c.slug=?1)"
                                " AND s.state=?2 ORDER BY s.priority DESC, s.id LIMIT ?3 OFFSET ?4")
            : gg_store__stmt(c, "SELECT " SUB_STAFF " FROM submissions s JOIN campaigns c"
                                " ON c.id=s.campaign_id WHERE (?1 IS NULL OR c.slug=?1)"
                                " AND s.state=?2 ORDER BY s.id DESC LIMIT ?3 OFFSET ?4");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, q->campaign);
    gg_store__bind_text(st, 2, state);
    sqlite3_bind_int(st, 3, q->limit > 0 ? q->limit : 50);
    sqlite3_bind_int(st, 4, q->offset > 0 ? q->offset : 0);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, gg_store__row(st));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return gg_store__sqlfail(c, "queue");
    }
    /* total from the trigger-maintained counts: O(campaigns), not O(rows) */
    st = gg_store__stmt(c, "SELECT coalesce(sum(n),0) FROM state_counts sc JOIN campaigns c"
                           " ON c.id=sc.campaign_id WHERE (?1 IS NULL OR c.slug=?1) AND sc.state=?2");
    long long total = 0;
    if (st) {
        gg_store__bind_text(st, 1, q->campaign);
        gg_store__bind_text(st, 2, state);
        if (sqlite3_step(st) == SQLITE_ROW)
            total = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    *out = json_pack("{s:o,s:I}", "items", arr, "total", total);
    return 0;
}

int gg_store_state_counts(gg_store *s, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT state, sum(n) FROM state_counts GROUP BY state");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    json_t *o = json_object();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_object_set_new(o, (const char *)sqlite3_column_text(st, 0),
                            json_integer(sqlite3_column_int64(st, 1)));
    sqlite3_reset(st);
    *out = o;
    return 0;
}
