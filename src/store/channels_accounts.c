/*
 * channels_accounts.c — the network side of the channels in the SQLite
 * backend (store layer, issue 7): connected accounts with their sealed
 * tokens, pull state per (channel, account, stream), answer templates, poll
 * answers, the notifier's query for decided submissions nobody answered
 * yet, and the published posts replies are matched against. The store never
 * sees a plain token: accounts.c seals it before it gets here.
 */
#include "store/sqlite_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>

/* ---- accounts ------------------------------------------------------------ */

typedef struct account_job {
    const char *channel, *account, *settings_json, *token_box;
} account_job;

static int run_account_put(gg_store *s, gg_conn *c, gg_job *j)
{
    account_job *x = j->data;
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO channel_accounts(channel,account,settings_json,token_box)"
           " VALUES(?1,?2,coalesce(?3,'{}'),?4) ON CONFLICT(channel,account) DO UPDATE SET"
           " settings_json=coalesce(?3,settings_json), token_box=coalesce(?4,token_box),"
           " updated_at=strftime('%Y-%m-%dT%H:%M:%fZ')");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, x->channel);
    gg_store__bind_text(st, 2, x->account);
    gg_store__bind_text(st, 3, x->settings_json);
    gg_store__bind_text(st, 4, x->token_box);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "account put");
    sqlite3_reset(st);
    return rc;
}

int gg_store_chaccount_put(gg_store *s, const char *channel, const char *account,
                           const char *settings_json, const char *token_box)
{
    if (channel == NULL || account == NULL || !*channel || !*account)
        return gg_store__fail(GG_EINVAL, "account needs channel and id");
    account_job x = {channel, account, settings_json, token_box};
    return gg_store__call(s, run_account_put, &x, NULL, NULL);
}

int gg_store_chaccount_list(gg_store *s, int with_token, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT channel, account, settings_json, token_box, created_at, updated_at"
           " FROM channel_accounts ORDER BY channel, account");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW) {
        json_t *row = gg_store__row(st);
        json_t *box = json_object_get(row, "token_box");
        json_object_set_new(row, "has_token", json_boolean(json_is_string(box)));
        if (!with_token)
            json_object_del(row, "token_box");
        json_array_append_new(arr, row);
    }
    sqlite3_reset(st);
    *out = json_pack("{s:o}", "accounts", arr);
    return 0;
}

/* ---- pull state ------------------------------------------------------------ */

int gg_store_chstate_get(gg_store *s, const char *channel, const char *account,
                         const char *stream, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT channel, account, stream, watermark, cursor, next_at, failures,"
           " last_event_at, last_error, rate_json FROM channel_state"
           " WHERE channel=?1 AND account=?2 AND stream=?3");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, channel);
    gg_store__bind_text(st, 2, account);
    gg_store__bind_text(st, 3, stream);
    int rc = GG_ENOTFOUND;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *out = gg_store__row(st);
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

int gg_store_chstate_list(gg_store *s, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT channel, account, stream, watermark, next_at, failures, last_event_at,"
           " last_error, rate_json FROM channel_state ORDER BY channel, account, stream");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, gg_store__row(st));
    sqlite3_reset(st);
    *out = arr;
    return 0;
}

static int run_chstate_put(gg_store *s, gg_conn *c, gg_job *j)
{
    const gg_chstate *x = j->data;
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO channel_state(channel,account,stream,watermark,cursor,next_at,failures,"
           "last_error,rate_json,last_event_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,coalesce(?9,'{}'),"
           " CASE WHEN ?10 THEN strftime('%Y-%m-%dT%H:%M:%fZ') END)"
           " ON CONFLICT(channel,account,stream) DO UPDATE SET watermark=?4, cursor=?5,"
           " next_at=?6, failures=?7, last_error=?8, rate_json=coalesce(?9,rate_json),"
           " last_event_at=CASE WHEN ?10 THEN strftime('%Y-%m-%dT%H:%M:%fZ')"
           " ELSE last_event_at END");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, x->channel);
    gg_store__bind_text(st, 2, x->account);
    gg_store__bind_text(st, 3, x->stream);
    gg_store__bind_text(st, 4, x->watermark);
    gg_store__bind_text(st, 5, x->cursor);
    sqlite3_bind_int64(st, 6, x->next_at);
    sqlite3_bind_int(st, 7, x->failures);
    gg_store__bind_text(st, 8, x->last_error);
    gg_store__bind_text(st, 9, x->rate_json);
    sqlite3_bind_int(st, 10, x->got_events != 0);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "state put");
    sqlite3_reset(st);
    return rc;
}

int gg_store_chstate_put(gg_store *s, const gg_chstate *st)
{
    return gg_store__call(s, run_chstate_put, (void *)st, NULL, NULL); /* borrowed: we wait */
}

/* ---- the notifier --------------------------------------------------------- */

int gg_store_status_unanswered(gg_store *s, int64_t after_id, int limit, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    /* A decided channel submission is due for news when the outbox holds no
     * row for its state yet, or its idea reached a later status that has
     * none; the outbox's unique dedupe_key index makes each probe a lookup. */
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT s.id, s.channel, s.state, s.reply_json, s.campaign_id, s.idea_id, s.reason,"
           " s.labels_json, i.status AS idea_status, i.title AS idea_title, c.slug,"
           " c.title AS campaign_title, c.title_en AS campaign_title_en"
           " FROM submissions s JOIN campaigns c ON c.id=s.campaign_id"
           " LEFT JOIN ideas i ON i.id=s.idea_id"
           " WHERE s.reply_json IS NOT NULL AND s.id>?1"
           " AND s.state IN ('accepted','merged','rejected')"
           /* an automatic rejection (spam, abuse) is not news to send */
           " AND (s.state<>'rejected' OR s.decided_by IS NOT NULL)"
           " AND (NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key="
           "  'status:'||s.id||':'||s.state)"
           "  OR (i.status IN ('ditelaah','diadopsi','ditolak') AND NOT EXISTS (SELECT 1"
           "  FROM outbox o WHERE o.dedupe_key='status:'||s.id||':idea-'||i.status)))"
           " ORDER BY s.id LIMIT ?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : 100);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, gg_store__row(st));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return gg_store__sqlfail(c, "unanswered");
    }
    *out = arr;
    return 0;
}

int gg_store_template_get(gg_store *s, int64_t campaign_id, const char *event, const char *lang,
                          char **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    *out = NULL;
    /* the campaign's own wording first, then the install-wide one */
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT text FROM reply_templates WHERE event=?2 AND lang=?3 AND"
           " (campaign_id=?1 OR campaign_id IS NULL) ORDER BY campaign_id IS NULL LIMIT 1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, campaign_id);
    gg_store__bind_text(st, 2, event);
    gg_store__bind_text(st, 3, lang);
    int rc = GG_ENOTFOUND;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *out = gg_strdup((const char *)sqlite3_column_text(st, 0));
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

typedef struct tpl_job {
    int64_t campaign_id;
    const char *event, *lang, *text;
} tpl_job;

static int run_template_put(gg_store *s, gg_conn *c, gg_job *j)
{
    tpl_job *x = j->data;
    /* NULL campaign ids never conflict in a UNIQUE index: delete, then insert */
    sqlite3_stmt *st = gg_store__stmt(c, "DELETE FROM reply_templates WHERE campaign_id IS ?1"
                                         " AND event=?2 AND lang=?3");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    if (x->campaign_id > 0)
        sqlite3_bind_int64(st, 1, x->campaign_id);
    gg_store__bind_text(st, 2, x->event);
    gg_store__bind_text(st, 3, x->lang);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "template delete");
    sqlite3_reset(st);
    if (rc)
        return rc;
    st = gg_store__stmt(c, "INSERT INTO reply_templates(campaign_id,event,lang,text)"
                           " VALUES(?1,?2,?3,?4)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    if (x->campaign_id > 0)
        sqlite3_bind_int64(st, 1, x->campaign_id);
    gg_store__bind_text(st, 2, x->event);
    gg_store__bind_text(st, 3, x->lang);
    gg_store__bind_text(st, 4, x->text);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "template insert");
    sqlite3_reset(st);
    return rc;
}

int gg_store_template_put(gg_store *s, int64_t campaign_id, const char *event, const char *lang,
                          const char *text)
{
    if (event == NULL || lang == NULL || text == NULL || !*text)
        return gg_store__fail(GG_EINVAL, "template needs event, lang and text");
    tpl_job x = {campaign_id, event, lang, text};
    return gg_store__call(s, run_template_put, &x, NULL, NULL);
}

/* ---- polls and published posts ------------------------------------------- */

typedef struct vote_job {
    const char *channel, *poll_id, *author_key, *options;
} vote_job;

static int run_vote(gg_store *s, gg_conn *c, gg_job *j)
{
    vote_job *x = j->data;
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO poll_answers(channel,poll_id,author_key,options,outbox_id)"
           " VALUES(?1,?2,?3,?4,(SELECT id FROM outbox WHERE kind='poll' AND channel=?1 AND"
           " json_extract(result_json,'$.poll_id')=?2 LIMIT 1))"
           " ON CONFLICT(channel,poll_id,author_key) DO UPDATE SET options=?4,"
           " at=strftime('%Y-%m-%dT%H:%M:%fZ')");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, x->channel);
    gg_store__bind_text(st, 2, x->poll_id);
    gg_store__bind_text(st, 3, x->author_key);
    gg_store__bind_text(st, 4, x->options);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "poll answer");
    sqlite3_reset(st);
    return rc;
}

int gg_store_poll_answer_put(gg_store *s, const char *channel, const char *poll_id,
                             const char *author_key, const char *options)
{
    if (channel == NULL || poll_id == NULL || author_key == NULL)
        return gg_store__fail(GG_EINVAL, "poll answer needs channel, poll and voter");
    vote_job x = {channel, poll_id, author_key, options ? options : ""};
    return gg_store__call(s, run_vote, &x, NULL, NULL);
}

int gg_store_poll_answers(gg_store *s, const char *channel, const char *poll_id, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT author_key, options, outbox_id, at FROM"
                                         " poll_answers WHERE channel=?1 AND poll_id=?2"
                                         " ORDER BY at");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, channel);
    gg_store__bind_text(st, 2, poll_id);
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, gg_store__row(st));
    sqlite3_reset(st);
    *out = arr;
    return 0;
}

int gg_store_published_campaign(gg_store *s, const char *channel, const char *remote_id,
                                int64_t *campaign_out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    *campaign_out = 0;
    if (remote_id == NULL || !*remote_id)
        return GG_ENOTFOUND;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT campaign_id FROM outbox WHERE channel=?1 AND remote_id=?2 AND kind IN"
           " ('publish','poll') AND state='sent' AND campaign_id IS NOT NULL LIMIT 1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, channel);
    gg_store__bind_text(st, 2, remote_id);
    int rc = GG_ENOTFOUND;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *campaign_out = sqlite3_column_int64(st, 0);
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

typedef struct result_job {
    int64_t id;
    const char *json;
} result_job;

static int run_result(gg_store *s, gg_conn *c, gg_job *j)
{
    result_job *x = j->data;
    sqlite3_stmt *st = gg_store__stmt(c, "UPDATE outbox SET result_json=?2 WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, x->id);
    gg_store__bind_text(st, 2, x->json);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "outbox result");
    sqlite3_reset(st);
    return rc;
}

int gg_store_outbox_result(gg_store *s, int64_t id, const char *result_json)
{
    result_job x = {id, result_json};
    return gg_store__call(s, run_result, &x, NULL, NULL);
}

int gg_store_outbox_list(gg_store *s, const char *kind, int limit, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT id, channel, kind, submission_id, idea_id, campaign_id, text, lang,"
           " dedupe_key, CASE WHEN delivery='unknown' THEN 'unknown' ELSE state END AS state,"
           " delivery, attempts, next_at, remote_id, error, created_at, sent_at,"
           " result_json, metrics_json FROM outbox WHERE ?1 IS NULL OR kind=?1 ORDER BY id DESC LIMIT ?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, kind);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : 100);
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, gg_store__row(st));
    sqlite3_reset(st);
    *out = arr;
    return 0;
}

int gg_store_outbox_counts(gg_store *s, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT channel, kind, CASE WHEN delivery='unknown' THEN 'unknown' ELSE state END AS state,"
                                         " count(*) AS n FROM outbox GROUP BY 1, 2, 3");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, gg_store__row(st));
    sqlite3_reset(st);
    *out = arr;
    return 0;
}

/* ---- queueing campaign calls without blocking an event loop -------------- */

typedef struct queue_job {
    gg_outbox_in *rows;
    int n;
    int64_t next_at;
    char **strings; /* copies owned by the job */
    int nstrings;
} queue_job;

static void dispose_queue(gg_job *j)
{
    queue_job *x = j->data;
    for (int i = 0; i < x->nstrings; i++)
        free(x->strings[i]);
    free(x->strings);
    free(x->rows);
    free(x);
}

static int run_queue(gg_store *s, gg_conn *c, gg_job *j)
{
    queue_job *x = j->data;
    json_t *ids = json_array();
    int dup = 0;
    for (int i = 0; i < x->n; i++) {
        int64_t id = 0;
        int rc = gg_store__outbox_put(c, &x->rows[i], &id);
        if (rc == GG_ECONFLICT) {
            dup++;
            continue;
        }
        if (rc != 0) {
            json_decref(ids);
            return rc;
        }
        if (x->next_at > 0) { /* scheduled: due at next_at, not now */
            sqlite3_stmt *st = gg_store__stmt(c, "UPDATE outbox SET next_at=?2 WHERE id=?1");
            if (st == NULL) {
                json_decref(ids);
                return gg_store__sqlfail(c, "prepare");
            }
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_int64(st, 2, x->next_at);
            rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "schedule");
            sqlite3_reset(st);
            if (rc) {
                json_decref(ids);
                return rc;
            }
        }
        json_array_append_new(ids, json_integer(id));
    }
    j->result = json_pack("{s:o, s:i}", "queued", ids, "duplicates", dup);
    return 0;
}

static const char *keep_str(queue_job *x, const char *v)
{
    if (v == NULL)
        return NULL;
    x->strings[x->nstrings] = gg_strdup(v);
    return x->strings[x->nstrings++];
}

int gg_store_outbox_queue(gg_store *s, const gg_outbox_in *rows, int n, int64_t next_at,
                          gg_store_done_fn done, void *arg)
{
    if (n <= 0 || n > 64)
        return gg_store__fail(GG_EINVAL, "queue 1 to 64 rows at a time");
    queue_job *x = gg_calloc(1, sizeof(*x));
    x->rows = gg_calloc((size_t)n, sizeof(*x->rows));
    x->strings = gg_calloc((size_t)n * 8, sizeof(char *));
    x->n = n;
    x->next_at = next_at;
    for (int i = 0; i < n; i++) {
        gg_outbox_in *d = &x->rows[i];
        *d = rows[i];
        d->channel = keep_str(x, rows[i].channel);
        d->kind = keep_str(x, rows[i].kind);
        d->target_json = keep_str(x, rows[i].target_json);
        d->text = keep_str(x, rows[i].text);
        d->payload_json = keep_str(x, rows[i].payload_json);
        d->lang = keep_str(x, rows[i].lang);
        d->dedupe_key = keep_str(x, rows[i].dedupe_key);
    }
    gg_job *j = gg_calloc(1, sizeof(*j));
    j->run = run_queue;
    j->dispose = dispose_queue;
    j->data = x;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}
