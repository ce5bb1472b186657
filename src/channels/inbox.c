/*
 * inbox.c — the inbox processor thread (channels layer). It sleeps until a
 * delivery is stored (gg_inbox_wake) or a second passes, then works in
 * batches of up to BATCH rows: decode every row, prepare every content
 * event (text pipeline via the sink), apply the batch in one transaction.
 * A row that cannot be decoded is kept with its error, not retried.
 */
#include "channels/inbox.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "core/thread.h"
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Rows per batch. A batch is applied as one writer job, and every webhook
 * acknowledgement queued behind it waits for it: 256 new posts held the
 * writer ~25 ms, 32 hold it ~3 ms (p99 of acks in a burst). */
#define BATCH 32

struct gg_inbox {
    gg_store *store;
    gg_inbox_sink sink;
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop, kicked;
    pthread_mutex_t work; /* one batch at a time: the thread or gg_inbox_drain */
    _Atomic uint64_t processed, failed, applied;
};

static int action_of(const gg_event *e)
{
    if (e->flags & GG_EVF_SELF)
        return GG_INBOX_RECORD; /* our own replies and echoes are not citizens' input */
    switch (e->kind) {
    case GG_EVENT_POST:
    case GG_EVENT_COMMENT:
    case GG_EVENT_MESSAGE:
    case GG_EVENT_MENTION:
        return e->text && *e->text ? GG_INBOX_NEW : GG_INBOX_RECORD;
    case GG_EVENT_EDIT:
        return e->text && *e->text ? GG_INBOX_EDIT : GG_INBOX_RECORD;
    case GG_EVENT_DELETE:
    case GG_EVENT_HIDE:
        return GG_INBOX_WITHDRAW;
    case GG_EVENT_UNHIDE:
        return GG_INBOX_RESTORE;
    default:
        return GG_INBOX_RECORD; /* poll answers, statuses: recorded for their own consumers */
    }
}

typedef struct row_work {
    gg_channel_batch batch;
    gg_inbox_event *ev;
    void **cookies;
    char err[220];
} row_work;

int gg_inbox_poll_answer(gg_store *s, const unsigned char secret[32], const gg_event *e)
{
    if (e->kind != GG_EVENT_POLL_ANSWER || e->thread_root_id == NULL || e->author_id == NULL)
        return 0;
    /* the voter is pseudonymous, as every author is (gg_api_prepare:
     * "author:channel:id") */
    char msg[300], hex[65];
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    snprintf(msg, sizeof(msg), "author:%s:%s", e->channel, e->author_id);
    crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), secret);
    sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
    return gg_store_poll_answer_put(s, e->channel, e->thread_root_id, hex,
                                    e->detail ? e->detail : "");
}

/* Process rows once; returns events applied or a negative code. */
static int process_batch(gg_inbox *in, int64_t *after)
{
    gg_inbox_row *rows = NULL;
    int n = 0, applied = 0;
    if (gg_store_inbox_next(in->store, *after, BATCH, &rows, &n) != 0 || n == 0) {
        gg_store_inbox_rows_free(rows, n);
        return 0;
    }
    row_work *w = gg_calloc((size_t)n, sizeof(*w));
    gg_inbox_result *res = gg_calloc((size_t)n, sizeof(*res));
    for (int i = 0; i < n; i++) {
        const gg_channel *ch = gg_channels_find(rows[i].channel);
        gg_channels_batch_init(&w[i].batch);
        res[i].inbox_id = rows[i].id;
        if (ch == NULL || ch->decode == NULL) {
            snprintf(w[i].err, sizeof(w[i].err), "no connector for channel '%.40s'",
                     rows[i].channel);
            res[i].error = w[i].err;
            continue;
        }
        int rc = ch->decode(rows[i].body, rows[i].len, &w[i].batch);
        if (rc != 0) {
            snprintf(w[i].err, sizeof(w[i].err), "%s: %s", gg_err_name(rc),
                     w[i].batch.err[0] ? w[i].batch.err : "cannot decode");
            res[i].error = w[i].err;
            continue;
        }
        size_t ne = w[i].batch.n;
        w[i].ev = gg_calloc(ne ? ne : 1, sizeof(*w[i].ev));
        w[i].cookies = gg_calloc(ne ? ne : 1, sizeof(void *));
        for (size_t k = 0; k < ne; k++) {
            const gg_event *e = &w[i].batch.events[k];
            gg_inbox_event *o = &w[i].ev[k];
            o->dedupe_key = e->dedupe_key;
            o->channel = e->channel;
            o->kind = gg_channels_kind_name(e->kind);
            o->native_id = e->native_id;
            o->version = e->version;
            o->action = action_of(e);
            if (o->action == GG_INBOX_NEW || o->action == GG_INBOX_EDIT) {
                if (in->sink.prepare(in->sink.arg, e, &o->sub, &w[i].cookies[k]) != 0)
                    o->action = GG_INBOX_RECORD;
            }
        }
        res[i].events = w[i].ev;
        res[i].nevents = (int)ne;
    }
    int rc = gg_store_inbox_apply(in->store, res, n, &applied);
    if (rc == 0) {
        *after = rows[n - 1].id;
        for (int i = 0; i < n; i++) {
            if (res[i].error) {
                atomic_fetch_add(&in->failed, 1);
                gg_log(GG_LOG_WARN, "delivery kept with its error",
                       "\"inbox_id\":%lld,\"channel\":\"%s\",\"error\":\"%s\"",
                       (long long)rows[i].id, rows[i].channel, gg_err_name(GG_EINVAL));
            } else {
                atomic_fetch_add(&in->processed, 1);
            }
        }
        atomic_fetch_add(&in->applied, (uint64_t)applied);
        /* a WhatsApp status of a message we sent names its outbox row; a
         * Telegram poll_answer is a vote in a poll we sent (the same as
         * through getUpdates, channels/puller.c) */
        for (int i = 0; i < n; i++)
            for (size_t k = 0; k < w[i].batch.n; k++) {
                const gg_event *e = &w[i].batch.events[k];
                if (e->kind == GG_EVENT_POLL_ANSWER && in->sink.install_secret &&
                    gg_inbox_poll_answer(in->store, in->sink.install_secret, e) != 0)
                    gg_log(GG_LOG_WARN, "poll answer not recorded", "\"channel\":\"%s\"",
                           e->channel);
                if (e->kind == GG_EVENT_STATUS && e->callback &&
                    strncmp(e->callback, "gagas-outbox-", 13) == 0 &&
                    strspn(e->callback + 13, "0123456789") == strlen(e->callback + 13) &&
                    e->callback[13] != '\0' &&
                    gg_store_outbox_status(in->store, strtoll(e->callback + 13, NULL, 10),
                                           e->channel, e->native_id, e->version, e->detail) != 0)
                    gg_log(GG_LOG_WARN, "outbox status not recorded",
                           "\"channel\":\"%s\",\"status\":\"%s\"", e->channel,
                           e->version ? e->version : "");
            }
        for (int i = 0; in->sink.after && i < n; i++)
            for (size_t k = 0; w[i].ev && k < w[i].batch.n; k++)
                if (w[i].ev[k].submission_id > 0)
                    in->sink.after(in->sink.arg, &w[i].batch.events[k], &w[i].ev[k]);
    } else {
        gg_log(GG_LOG_ERROR, "inbox batch not applied; will retry", "\"error\":\"%s\"",
               gg_store_errmsg(in->store));
    }
    for (int i = 0; i < n; i++) {
        for (size_t k = 0; w[i].cookies && k < w[i].batch.n; k++)
            if (w[i].cookies[k])
                in->sink.release(in->sink.arg, w[i].cookies[k]);
        free(w[i].cookies);
        free(w[i].ev);
        gg_channels_batch_dispose(&w[i].batch);
    }
    free(w);
    free(res);
    gg_store_inbox_rows_free(rows, n);
    return rc == 0 ? applied : rc;
}

/* Batches until no row is left (or the store fails: retried on the next wake). */
static int drain(gg_inbox *in)
{
    int64_t after = 0;
    int total = 0, rc = 0;
    pthread_mutex_lock(&in->work);
    for (;;) {
        int64_t before = after;
        rc = process_batch(in, &after);
        if (rc < 0)
            break;
        total += rc;
        if (after == before)
            break;
    }
    pthread_mutex_unlock(&in->work);
    return rc < 0 ? rc : total;
}

int gg_inbox_drain(gg_inbox *in)
{
    return drain(in);
}

static void *inbox_main(void *arg)
{
    gg_inbox *in = arg;
    gg_thread_role("gg-inbox", 1); /* decode + filter: after the acks */
    for (;;) {
        pthread_mutex_lock(&in->mu);
        if (!in->kicked && !in->stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&in->cv, &in->mu, &ts);
        }
        int stop = in->stop;
        in->kicked = 0;
        pthread_mutex_unlock(&in->mu);
        /* rows stay 'new' until applied: each round starts from the oldest,
         * so whatever a failed batch left behind is found again */
        drain(in);
        if (stop)
            break;
    }
    return NULL;
}

int gg_inbox_start(gg_inbox **out, gg_store *s, const gg_inbox_sink *sink)
{
    gg_inbox *in = gg_calloc(1, sizeof(*in));
    in->store = s;
    in->sink = *sink;
    pthread_mutex_init(&in->mu, NULL);
    pthread_mutex_init(&in->work, NULL);
    pthread_cond_init(&in->cv, NULL);
    if (pthread_create(&in->tid, NULL, inbox_main, in) != 0) {
        free(in);
        return GG_EINTERNAL;
    }
    *out = in;
    return 0;
}

void gg_inbox_wake(gg_inbox *in)
{
    pthread_mutex_lock(&in->mu);
    in->kicked = 1;
    pthread_cond_signal(&in->cv);
    pthread_mutex_unlock(&in->mu);
}

void gg_inbox_stop(gg_inbox *in)
{
    if (in == NULL)
        return;
    pthread_mutex_lock(&in->mu);
    in->stop = 1;
    pthread_cond_signal(&in->cv);
    pthread_mutex_unlock(&in->mu);
    pthread_join(in->tid, NULL);
    free(in);
}

void gg_inbox_stats(gg_inbox *in, uint64_t *processed, uint64_t *failed, uint64_t *applied)
{
    *processed = atomic_load(&in->processed);
    *failed = atomic_load(&in->failed);
    *applied = atomic_load(&in->applied);
}
