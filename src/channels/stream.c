/*
 * stream.c — live intake over long-lived HTTP connections (channels layer,
 * issue 7): X's filtered stream (GET /2/tweets/search/stream, its rules kept
 * in step through /2/tweets/search/stream/rules) and Mastodon's streaming
 * API (server-sent events: /api/v1/streaming/hashtag?tag=, /user/notification).
 *
 * One thread per connection, started by a manager thread that reads the
 * connected accounts every tick: "x_stream:<rule>" entries (one connection
 * per X account, every rule on it), "mastodon_stream:<tag>" and
 * "mastodon_stream_mentions" (one connection each). Each connection:
 *
 *  - reads records as they come (X: \r\n-separated JSON, bare \r\n
 *    keep-alives; Mastodon: SSE events, ":thump" heartbeats), decodes each
 *    whole record on its own (a malformed one is counted and skipped, it
 *    does not take the others down) and applies it through the hooks sink,
 *    so a post seen by webhook, pull and stream is applied once;
 *  - drops the connection after channel_stream_idle_s without a byte
 *    (heartbeats included): a silent stall looks like a live socket;
 *  - reconnects with exponential backoff and jitter (gg_chnet_backoff_ms;
 *    a 429 waits at least a minute or what the platform says), and after a
 *    connection that ran well it starts again from the first step;
 *  - once a (re)connection answers 200, kicks the REST pull of the same
 *    query (x_stream:<rule> → recent search, mastodon_stream:<tag> → tag
 *    timeline, mentions → notifications) so the gap since the last record is
 *    read back from the watermark; the inbox's event keys drop the overlap.
 *
 * State per connection in channel_state ("x_live", "mastodon_live:<tag>",
 * "mastodon_live_mentions"): failures, last_error, next_at (the next try),
 * watermark (newest id seen), last_event_at, and rate_json {"connected",
 * "connects"} — so health pages and /metrics show them with the pulls.
 */
#include "channels/client.h"
#include "channels/internal.h"
#include "channels/workers.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "core/thread.h"
#include "channels/curl_dl.h"
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_RULES 25        /* X: rules per stream on the self-serve tiers */
#define MAX_RECORD (1 << 20) /* a line or event longer than this drops the connection */
#define HEALTHY_S 30        /* a connection that lived this long resets the backoff */

enum { K_X, K_MASTO_TAG, K_MASTO_MENTIONS };

typedef struct conn {
    struct gg_streamer *s;
    pthread_t tid;
    int kind;
    char *channel, *account, *live_name, *target; /* target: the Mastodon tag */
    char *rules[MAX_RULES];
    int nrules;
    struct conn *next;
    /* per connection attempt */
    gg_buf buf;
    int64_t last_byte_ms;
    int idle, connected, notice_seen;
    long status;
    int64_t retry_after, rl_reset;
    uint64_t applied;
    char newest[64];
} conn;

struct gg_streamer {
    gg_chnet_opts o;
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    volatile int stop;
    conn *conns;
    _Atomic uint64_t connects, applied, errors;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* Drop the first n bytes of b (the records already taken). */
static void consume(gg_buf *b, size_t n)
{
    if (n == 0)
        return;
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

/* ---- one record ------------------------------------------------------------ */

static void take_batch(conn *c, gg_channel_batch *b)
{
    gg_streamer *s = c->s;
    if (b->notice) /* X in-band error (operational-disconnect …): the server closes next */
        gg_log(GG_LOG_WARN, "stream notice", "\"channel\":\"%s\",\"notice\":\"%.120s\"",
               c->channel, b->notice);
    int a = gg_chnet_apply(&s->o, b);
    if (a < 0) {
        atomic_fetch_add(&s->errors, 1);
        gg_log(GG_LOG_ERROR, "stream: could not apply a record", "\"channel\":\"%s\"", c->channel);
        return;
    }
    c->applied += (uint64_t)a;
    atomic_fetch_add(&s->applied, (uint64_t)a);
    for (size_t i = 0; i < b->n; i++) {
        const char *id = b->events[i].native_id;
        /* ids of one platform compare as numbers of equal length or longer */
        if (id && strlen(id) < sizeof(c->newest) &&
            (strlen(id) > strlen(c->newest) ||
             (strlen(id) == strlen(c->newest) && strcmp(id, c->newest) > 0)))
            snprintf(c->newest, sizeof(c->newest), "%s", id);
    }
}

static void bad_record(conn *c, int rc, const char *err)
{
    atomic_fetch_add(&c->s->errors, 1);
    gg_log(GG_LOG_WARN, "stream: a record could not be decoded; skipped",
           "\"channel\":\"%s\",\"error\":\"%s\",\"detail\":\"%.120s\"", c->channel,
           gg_err_name(rc), err);
}

/* X: every complete line is one record; an empty one is a keep-alive. */
static void x_lines(conn *c, const char *user_id)
{
    size_t pos = 0;
    for (;;) {
        const char *nl = memchr(c->buf.data + pos, '\n', c->buf.len - pos);
        if (nl == NULL)
            break;
        size_t end = (size_t)(nl - c->buf.data), n = end - pos;
        const char *line = c->buf.data + pos;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n > 0) {
            gg_channel_batch b;
            int rc = gg_channels_x_decode_stream(line, n, user_id, &b);
            if (rc == 0)
                take_batch(c, &b);
            else
                bad_record(c, rc, b.err);
            gg_channels_batch_dispose(&b);
        }
        pos = end + 1;
    }
    consume(&c->buf, pos);
}

/* Mastodon: an SSE event ends at a blank line; comments are heartbeats. */
static void sse_events(conn *c)
{
    size_t pos = 0, start = 0;
    for (;;) {
        const char *nl = memchr(c->buf.data + pos, '\n', c->buf.len - pos);
        if (nl == NULL)
            break;
        size_t end = (size_t)(nl - c->buf.data);
        size_t n = end - pos;
        if (n == 0 || (n == 1 && c->buf.data[pos] == '\r')) {
            gg_channel_batch b;
            int rc = gg_channels_mastodon_decode_sse(c->buf.data + start, end + 1 - start, &b);
            if (rc == 0)
                take_batch(c, &b);
            else
                bad_record(c, rc, b.err);
            gg_channels_batch_dispose(&b);
            start = end + 1;
        }
        pos = end + 1;
    }
    consume(&c->buf, start);
}

/* ---- libcurl callbacks -------------------------------------------------------- */

typedef struct call {
    conn *c;
    const char *user_id;
    CURL *h;
} call;

static void on_connected(conn *c);

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    call *k = arg;
    conn *c = k->c;
    size_t len = size * n;
    c->last_byte_ms = mono_ms();
    if (!c->connected) {
        long st = 0;
        gg_curl.easy_getinfo(k->h, CURLINFO_RESPONSE_CODE, &st);
        c->status = st;
        if (st != 200) { /* an error body: keep it short, it ends the call */
            if (c->buf.len < 4096)
                gg_buf_add(&c->buf, p, len < 4096 ? len : 4096);
            return len;
        }
        on_connected(c);
    }
    if (gg_buf_add(&c->buf, p, len) != 0)
        return 0; /* a record over the cap: drop the connection */
    if (c->kind == K_X)
        x_lines(c, k->user_id);
    else
        sse_events(c);
    if (c->buf.len > MAX_RECORD)
        return 0;
    return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    call *k = arg;
    conn *c = k->c;
    size_t len = size * n;
    c->last_byte_ms = mono_ms();
    if (len >= 12 && strncasecmp(p, "retry-after:", 12) == 0)
        c->retry_after = strtoll(p + 12, NULL, 10);
    else if (len >= 19 && strncasecmp(p, "x-rate-limit-reset:", 19) == 0)
        c->rl_reset = strtoll(p + 19, NULL, 10);
    /* the blank line ends the head: a 200 means the stream is open, even
     * before its first record (X may say nothing for 20 seconds) */
    if ((len == 2 && p[0] == '\r') || len == 1) {
        long st = 0;
        gg_curl.easy_getinfo(k->h, CURLINFO_RESPONSE_CODE, &st);
        c->status = st;
        if (st == 200 && !c->connected)
            on_connected(c);
    }
    return len;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    call *k = arg;
    conn *c = k->c;
    if (c->s->stop)
        return 1;
    if (mono_ms() - c->last_byte_ms > (int64_t)c->s->o.stream_idle_s * 1000) {
        c->idle = 1; /* not even a heartbeat: the connection is dead or stalled */
        return 1;
    }
    return 0;
}

/* ---- one connection --------------------------------------------------------- */

static const char *backfill_name(conn *c, int i, char *out, size_t cap)
{
    if (c->kind == K_X)
        snprintf(out, cap, "x_stream:%s", c->rules[i]);
    else if (c->kind == K_MASTO_TAG)
        snprintf(out, cap, "mastodon_stream:%s", c->target);
    else
        snprintf(out, cap, "mastodon_stream_mentions");
    return out;
}

static void put_state(conn *c, int failures, const char *err, int64_t next_at, int connected,
                      uint64_t connects, int got)
{
    char rate[96];
    snprintf(rate, sizeof(rate), "{\"connected\":%s,\"connects\":%llu}",
             connected ? "true" : "false", (unsigned long long)connects);
    gg_chstate st = {c->channel, c->account, c->live_name, c->newest[0] ? c->newest : NULL,
                     NULL, next_at, failures, err, rate, got};
    gg_store_chstate_put(c->s->o.store, &st);
}

static void on_connected(conn *c)
{
    c->connected = 1;
    uint64_t n = atomic_fetch_add(&c->s->connects, 1) + 1;
    /* from now on records arrive live: read back everything since the last
     * one we hold (the pull's watermark), the overlap is dropped by key */
    char name[600];
    int count = c->kind == K_X ? c->nrules : 1;
    for (int i = 0; i < count; i++)
        gg_chnet_kick(c->channel, c->account, backfill_name(c, i, name, sizeof(name)));
    put_state(c, 0, NULL, 0, 1, n, 0);
    gg_log(GG_LOG_INFO, "stream connected", "\"channel\":\"%s\",\"stream\":\"%.80s\"", c->channel,
           c->live_name);
}

/* X: make the stream's rules those of the account (tag "gagas"); others'
 * rules are left alone. 0 or an impersonal error in err. */
static int x_sync_rules(conn *c, const char *token, char *err, size_t cap)
{
    gg_streamer *s = c->s;
    gg_channel_request rq;
    memset(&rq, 0, sizeof(rq));
    rq.method = "GET";
    rq.host = "api.x.com";
    rq.auth = GG_AUTH_BEARER;
    rq.path = gg_strdup("/2/tweets/search/stream/rules");
    gg_chclient_resp r;
    gg_chclient_send_cancel(s->o.base_urls, &rq, token, &s->stop, &r);
    gg_channels_request_dispose(&rq);
    json_t *have = r.status == 200 && !r.truncated ? json_loadb(r.body.data, r.body.len, 0, NULL)
                                                   : NULL;
    int status = r.status;
    gg_chclient_resp_dispose(&r);
    if (have == NULL) {
        snprintf(err, cap, "stream rules: HTTP %d", status);
        return GG_EUPSTREAM;
    }
    json_t *add = json_array(), *del = json_array();
    int want_have[MAX_RULES] = {0};
    size_t i;
    json_t *rule;
    json_array_foreach(json_object_get(have, "data"), i, rule)
    {
        const char *v = jstr(rule, "value"), *tag = jstr(rule, "tag"), *id = jstr(rule, "id");
        if (tag == NULL || strcmp(tag, "gagas") != 0 || v == NULL || id == NULL)
            continue;
        int keep = 0;
        for (int k = 0; k < c->nrules; k++)
            if (strcmp(c->rules[k], v) == 0)
                keep = want_have[k] = 1;
        if (!keep)
            json_array_append_new(del, json_string(id));
    }
    for (int k = 0; k < c->nrules; k++)
        if (!want_have[k])
            json_array_append_new(add, json_pack("{s:s, s:s}", "value", c->rules[k], "tag", "gagas"));
    json_decref(have);
    int rc = 0;
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        json_t *list = pass == 0 ? del : add;
        if (json_array_size(list) == 0)
            continue;
        json_t *body = pass == 0 ? json_pack("{s:{s:O}}", "delete", "ids", list)
                                 : json_pack("{s:O}", "add", list);
        memset(&rq, 0, sizeof(rq));
        rq.method = "POST";
        rq.host = "api.x.com";
        rq.auth = GG_AUTH_BEARER;
        rq.content_type = "application/json";
        rq.path = gg_strdup("/2/tweets/search/stream/rules");
        gg_channels__set_body(&rq, body);
        json_decref(body);
        gg_chclient_send_cancel(s->o.base_urls, &rq, token, &s->stop, &r);
        gg_channels_request_dispose(&rq);
        if (r.status != 200 && r.status != 201) {
            snprintf(err, cap, "stream rules %s: HTTP %d", pass == 0 ? "delete" : "add", r.status);
            rc = GG_EUPSTREAM;
        }
        gg_chclient_resp_dispose(&r);
    }
    json_decref(add);
    json_decref(del);
    return rc;
}

/* One connection attempt: returns when it ends (error, idle, EOF, stop). */
static void run_once(conn *c, const char *token, const char *user_id, char *err, size_t cap)
{
    gg_streamer *s = c->s;
    char base[512];
    gg_buf url;
    gg_buf_init(&url, 8192);
    c->connected = c->idle = 0;
    c->status = 0;
    c->retry_after = 0;
    c->rl_reset = -1;
    gg_buf_reset(&c->buf);
    if (gg_chclient_base(s->o.base_urls, c->kind == K_X ? "api.x.com" : NULL, base,
                         sizeof(base)) != 0) {
        snprintf(err, cap, "no base URL for %s", c->kind == K_X ? "X" : "the Mastodon instance");
        gg_buf_dispose(&url);
        return;
    }
    gg_buf_adds(&url, base);
    if (c->kind == K_X) {
        gg_buf_printf(&url, "/2/tweets/search/stream?%s", GG_CHANNELS_X_FIELDS);
    } else if (c->kind == K_MASTO_TAG) {
        gg_buf q;
        gg_buf_init(&q, 1024);
        gg_channels__add_param(&q, "tag", c->target);
        gg_buf_printf(&url, "/api/v1/streaming/hashtag?%s", q.data);
        gg_buf_dispose(&q);
    } else {
        gg_buf_adds(&url, "/api/v1/streaming/user/notification");
    }
    if (gg_curl_load() != 0) {
        snprintf(err, cap, "libcurl not loaded");
        gg_buf_dispose(&url);
        return;
    }
    CURL *h = gg_curl.easy_init();
    struct curl_slist *hdrs = NULL;
    gg_buf line;
    gg_buf_init(&line, 4096);
    gg_buf_printf(&line, "Authorization: Bearer %s", token);
    hdrs = gg_curl.slist_append(hdrs, line.data);
    sodium_memzero(line.data, line.len);
    gg_buf_dispose(&line);
    hdrs = gg_curl.slist_append(hdrs, c->kind == K_X ? "Accept: application/json"
                                                  : "Accept: text/event-stream");
    call k = {c, user_id, h};
    c->last_byte_ms = mono_ms();
    gg_curl.easy_setopt(h, CURLOPT_URL, url.data);
    gg_curl.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    gg_curl.easy_setopt(h, CURLOPT_USERAGENT, "gagas/1 (+channels)");
    gg_curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    gg_curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    gg_curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    gg_curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    gg_curl.easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    gg_curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    gg_curl.easy_setopt(h, CURLOPT_WRITEDATA, &k);
    gg_curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    gg_curl.easy_setopt(h, CURLOPT_HEADERDATA, &k);
    gg_curl.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    gg_curl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    gg_curl.easy_setopt(h, CURLOPT_XFERINFODATA, &k);
    CURLcode cc = gg_curl.easy_perform(h);
    if (c->status == 0)
        gg_curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &c->status);
    gg_curl.slist_free_all(hdrs);
    gg_curl.easy_cleanup(h);
    gg_buf_dispose(&url);
    if (s->stop)
        snprintf(err, cap, "stopped");
    else if (c->idle)
        snprintf(err, cap, "no data or heartbeat for %d s: reconnecting", s->o.stream_idle_s);
    else if (c->status != 200 && c->status != 0)
        snprintf(err, cap, "HTTP %ld%s", c->status, c->status == 429 ? " (rate limited)" : "");
    else if (cc != CURLE_OK)
        snprintf(err, cap, "connection lost: %s", gg_curl.easy_strerror(cc));
    else
        snprintf(err, cap, "the server closed the stream");
}

static void *conn_main(void *arg)
{
    conn *c = arg;
    gg_streamer *s = c->s;
    gg_thread_role("gg-stream", 1);
    int failures = 0;
    uint64_t connects = 0;
    gg_buf_init(&c->buf, MAX_RECORD + 65536);
    while (!s->stop) {
        json_t *accounts = NULL, *acct = NULL;
        gg_store_chaccount_list(s->o.store, 1, &accounts);
        json_t *list = json_object_get(accounts, "accounts");
        size_t i;
        json_t *a;
        json_array_foreach(list, i, a)
        {
            if (strcmp(jstr(a, "channel") ? jstr(a, "channel") : "", c->channel) == 0 &&
                strcmp(jstr(a, "account") ? jstr(a, "account") : "", c->account) == 0)
                acct = a;
        }
        char err[240] = "";
        char *token = NULL;
        int64_t started = mono_ms();
        c->connected = 0;
        if (acct == NULL) {
            snprintf(err, sizeof(err), "account no longer connected");
        } else if (gg_tokens_for(s->o.token_key, list, c->channel, c->account, &token) != 0) {
            snprintf(err, sizeof(err), "no access token for this account");
        } else if (c->kind != K_X || x_sync_rules(c, token, err, sizeof(err)) == 0) {
            const char *user_id = jstr(json_object_get(acct, "settings"), "user_id");
            run_once(c, token, user_id ? user_id : c->account, err, sizeof(err));
        }
        gg_tokens_free(token);
        json_decref(accounts);
        if (s->stop)
            break;
        if (c->connected) {
            connects++;
            /* a connection that ran well starts the backoff afresh */
            if (mono_ms() - started >= HEALTHY_S * 1000 || c->applied > 0)
                failures = 0;
        }
        failures++;
        c->applied = 0;
        int64_t wait_ms = gg_chnet_backoff_ms(s->o.backoff_ms, failures);
        int64_t now = (int64_t)time(NULL);
        if (c->status == 429) {
            int64_t hint = c->retry_after > 0 ? c->retry_after
                           : c->rl_reset > now ? c->rl_reset - now
                                               : 60;
            if (hint * 1000 > wait_ms)
                wait_ms = hint * 1000;
        }
        atomic_fetch_add(&s->errors, 1);
        put_state(c, failures, err, now + (wait_ms + 999) / 1000, 0, connects, 0);
        gg_log(GG_LOG_WARN, "stream ended; reconnecting",
               "\"channel\":\"%s\",\"stream\":\"%.80s\",\"error\":\"%s\",\"wait_ms\":%lld",
               c->channel, c->live_name, err, (long long)wait_ms);
        pthread_mutex_lock(&s->mu);
        if (!s->stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t ns = ts.tv_nsec + (wait_ms % 1000) * 1000000;
            ts.tv_sec += (time_t)(wait_ms / 1000 + ns / 1000000000);
            ts.tv_nsec = (long)(ns % 1000000000);
            pthread_cond_timedwait(&s->cv, &s->mu, &ts);
        }
        pthread_mutex_unlock(&s->mu);
    }
    gg_buf_dispose(&c->buf);
    return NULL;
}

/* ---- the manager -------------------------------------------------------------- */

static conn *find_conn(gg_streamer *s, const char *channel, const char *account, const char *name)
{
    for (conn *c = s->conns; c; c = c->next)
        if (strcmp(c->channel, channel) == 0 && strcmp(c->account, account) == 0 &&
            strcmp(c->live_name, name) == 0)
            return c;
    return NULL;
}

static conn *new_conn(gg_streamer *s, int kind, const char *channel, const char *account,
                      const char *name, const char *target)
{
    conn *c = gg_calloc(1, sizeof(*c));
    c->s = s;
    c->kind = kind;
    c->channel = gg_strdup(channel);
    c->account = gg_strdup(account);
    c->live_name = gg_strdup(name);
    c->target = target ? gg_strdup(target) : NULL;
    return c;
}

static void start_conn(gg_streamer *s, conn *c)
{
    if (pthread_create(&c->tid, NULL, conn_main, c) != 0) {
        gg_log(GG_LOG_ERROR, "stream thread not started", "\"stream\":\"%.80s\"", c->live_name);
        free(c->channel), free(c->account), free(c->live_name), free(c->target);
        for (int i = 0; i < c->nrules; i++)
            free(c->rules[i]);
        free(c);
        return;
    }
    c->next = s->conns;
    s->conns = c;
}

static void scan(gg_streamer *s)
{
    json_t *accounts = NULL;
    if (gg_store_chaccount_list(s->o.store, 0, &accounts) != 0)
        return;
    size_t i, k;
    json_t *a, *v;
    json_array_foreach(json_object_get(accounts, "accounts"), i, a)
    {
        const char *channel = jstr(a, "channel"), *account = jstr(a, "account");
        if (channel == NULL || account == NULL)
            continue;
        conn *x = NULL;
        json_array_foreach(json_object_get(json_object_get(a, "settings"), "streams"), k, v)
        {
            const char *name = json_string_value(v);
            if (name == NULL)
                continue;
            if (strcmp(channel, "x") == 0 && strncmp(name, "x_stream:", 9) == 0 && name[9]) {
                if (find_conn(s, channel, account, "x_live"))
                    continue; /* rules are read when a connection starts */
                if (x == NULL)
                    x = new_conn(s, K_X, channel, account, "x_live", NULL);
                if (x->nrules < MAX_RULES)
                    x->rules[x->nrules++] = gg_strdup(name + 9);
            } else if (strcmp(channel, "mastodon") == 0 &&
                       (strncmp(name, "mastodon_stream:", 16) == 0 ||
                        strcmp(name, "mastodon_stream_mentions") == 0)) {
                int tag = name[15] == ':';
                if (tag && name[16] == '\0')
                    continue;
                char live[300];
                snprintf(live, sizeof(live), "%s", tag ? "" : "mastodon_live_mentions");
                if (tag)
                    snprintf(live, sizeof(live), "mastodon_live:%.250s", name + 16);
                if (find_conn(s, channel, account, live) == NULL)
                    start_conn(s, new_conn(s, tag ? K_MASTO_TAG : K_MASTO_MENTIONS, channel,
                                           account, live, tag ? name + 16 : NULL));
            }
        }
        if (x)
            start_conn(s, x);
    }
    json_decref(accounts);
}

static void *manager_main(void *arg)
{
    gg_streamer *s = arg;
    gg_thread_role("gg-streams", 1);
    for (;;) {
        scan(s);
        pthread_mutex_lock(&s->mu);
        if (!s->stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t ns = ts.tv_nsec + (int64_t)s->o.tick_ms * 1000000;
            ts.tv_sec += (time_t)(ns / 1000000000);
            ts.tv_nsec = (long)(ns % 1000000000);
            pthread_cond_timedwait(&s->cv, &s->mu, &ts);
        }
        int stop = s->stop;
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
    }
    return NULL;
}

int gg_streamer_start(gg_streamer **out, const gg_chnet_opts *o)
{
    gg_streamer *s = gg_calloc(1, sizeof(*s));
    s->o = *o;
    if (s->o.tick_ms <= 0)
        s->o.tick_ms = 1000;
    if (s->o.stream_idle_s <= 0)
        s->o.stream_idle_s = 60;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pthread_create(&s->tid, NULL, manager_main, s) != 0) {
        free(s);
        return GG_EINTERNAL;
    }
    *out = s;
    return 0;
}

void gg_streamer_stop(gg_streamer *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->tid, NULL); /* the manager starts no connection after this */
    for (conn *c = s->conns, *next; c; c = next) {
        next = c->next;
        pthread_join(c->tid, NULL);
        free(c->channel), free(c->account), free(c->live_name), free(c->target);
        for (int i = 0; i < c->nrules; i++)
            free(c->rules[i]);
        free(c);
    }
    sodium_memzero(s->o.token_key, sizeof(s->o.token_key));
    free(s);
}

void gg_streamer_stats(gg_streamer *s, uint64_t *connects, uint64_t *applied, uint64_t *errors)
{
    *connects = atomic_load(&s->connects);
    *applied = atomic_load(&s->applied);
    *errors = atomic_load(&s->errors);
}
