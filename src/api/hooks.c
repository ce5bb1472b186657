/*
 * hooks.c — webhooks of the channels (api layer, issue 7): POST
 * /hooks/{channel} checks the platform's signature on the raw bytes before
 * anything parses them, stores the delivery in the durable inbox and answers
 * 200 once it is on disk; the inbox processor (channels/inbox.c) decodes and
 * applies it later. GET /hooks/{channel} answers the verification handshakes
 * (Meta's hub.challenge, X's CRC). A bad signature gets 401 and a log line
 * without the body; a missing secret refuses everything (fail closed).
 */
#include "api/api_int.h"
#include "channels/inbox.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Headers kept with a delivery: what a later re-check or a debugger needs.
 * Telegram's secret-token header is the secret itself and is never kept. */
static const char *const kept_headers[] = {
    "content-type", "user-agent", "x-hub-signature-256", "x-hub-signature",
    "x-twitter-webhooks-signature", "tiktok-signature", "x-request-id", NULL};

static const char *hdr_get(void *ctx, const char *name)
{
    gg_req *r = ctx;
    char low[64];
    size_t n = strlen(name);
    if (n >= sizeof(low))
        return NULL;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    gg_str v = gg_req_header(r, low);
    return v.len ? gg_req_strdup(r, v.ptr, v.len) : NULL;
}

typedef struct hook_done {
    gg_api *a;
    gg_pending *p;
} hook_done;

static void on_stored(void *arg, int rc, int64_t id, json_t *result)
{
    hook_done *d = arg;
    if (rc == 0) {
        gg_pending_json(d->p, 200, json_pack("{s:b}", "ok", 1));
        if (d->a->inbox)
            gg_inbox_wake(d->a->inbox);
    } else {
        /* not stored: a 5xx makes the platform deliver again later */
        gg_pending_error(d->p, GG_EIO, "could not store the delivery; retry");
    }
    free(d);
}

static int h_hook_post(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_str name = gg_req_param(r, "channel");
    char *ch = gg_req_strdup(r, name.ptr, name.len);
    const gg_channel *c = gg_channels_find(ch);
    if (c == NULL || c->verify == NULL)
        return gg_req_error(r, GG_ENOTFOUND, "no such channel");
    gg_str body = gg_req_body(r);
    gg_channel_headers h = {hdr_get, r};
    int rc = c->verify(&a->secrets, "POST", &h, body.ptr, body.len, (int64_t)time(NULL));
    if (rc != 0) {
        gg_log(GG_LOG_WARN, "webhook refused", "\"channel\":\"%s\",\"ip\":\"%s\",\"why\":\"%s\"",
               c->name, gg_req_ip(r), gg_err_name(rc));
        return gg_req_error(r, GG_EAUTH, "signature check failed");
    }
    json_t *hj = json_object();
    for (int i = 0; kept_headers[i]; i++) {
        gg_str v = gg_req_header(r, kept_headers[i]);
        if (v.len && v.len < 1024)
            json_object_set_new(hj, kept_headers[i], json_stringn(v.ptr, v.len));
    }
    char *hs = json_dumps(hj, JSON_COMPACT);
    json_decref(hj);
    hook_done *d = gg_malloc(sizeof(*d));
    d->a = a;
    d->p = gg_req_defer(r);
    if (gg_store_inbox_put(a->store, ch, hs, body.ptr, body.len, on_stored, d) != 0) {
        gg_pending_error(d->p, GG_ELIMIT, gg_store_errmsg(a->store));
        free(d);
    }
    free(hs);
    return 0;
}

static int h_hook_get(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_str name = gg_req_param(r, "channel");
    char *ch = gg_req_strdup(r, name.ptr, name.len);
    const gg_channel *c = gg_channels_find(ch);
    if (c == NULL || c->handshake == NULL)
        return gg_req_error(r, GG_ENOTFOUND, "this channel has no verification handshake");
    gg_str path = gg_req_path(r);
    gg_str full = gg_req_path_full(r);
    const char *query = full.len > path.len + 1
                            ? gg_req_strdup(r, full.ptr + path.len + 1, full.len - path.len - 1)
                            : "";
    gg_buf body;
    const char *ctype = "text/plain";
    gg_buf_init(&body, 4096);
    int rc = c->handshake(&a->secrets, query, &body, &ctype);
    if (rc != 0) {
        gg_buf_dispose(&body);
        gg_log(GG_LOG_WARN, "webhook handshake refused", "\"channel\":\"%s\",\"ip\":\"%s\"",
               c->name, gg_req_ip(r));
        return gg_req_error(r, GG_EFORBIDDEN, "verification failed");
    }
    gg_req_send(r, 200, ctype, body.data ? body.data : "", body.len);
    gg_buf_dispose(&body);
    return 0;
}

/* ---- the sink: channel events become submissions ------------------------ */

/* The campaign an event belongs to: the first campaign whose hashtag the
 * text names, else the configured default. Campaigns change rarely; the
 * list is reloaded when the store's generation moves. Called only from the
 * inbox processor, one batch at a time. */
static int64_t match_campaign(gg_api *a, const char *text)
{
    static json_t *list;
    static uint64_t gen = (uint64_t)-1;
    static int64_t default_id;
    if (gen != gg_store_generation(a->store) || list == NULL) {
        json_decref(list);
        list = NULL;
        default_id = 0;
        gen = gg_store_generation(a->store);
        if (gg_store_campaign_list(a->store, &list) != 0)
            return -1;
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(list, "campaigns"), i, c)
        {
            const char *slug = json_string_value(json_object_get(c, "slug"));
            if (slug && strcmp(slug, a->cfg->default_campaign) == 0)
                default_id = json_integer_value(json_object_get(c, "id"));
        }
    }
    size_t i, k;
    json_t *c, *tag;
    json_array_foreach(json_object_get(list, "campaigns"), i, c)
    {
        json_array_foreach(json_object_get(c, "hashtags"), k, tag)
        {
            const char *t = json_string_value(tag);
            if (t && *t && text && strcasestr(text, t))
                return json_integer_value(json_object_get(c, "id"));
        }
    }
    return default_id > 0 ? default_id : -1;
}

/* The inbox thread and the puller (api/channels.c) both prepare events:
 * match_campaign's cache is shared, so one of them at a time. */
static pthread_mutex_t match_mu = PTHREAD_MUTEX_INITIALIZER;

static int sink_prepare(void *arg, const gg_event *ev, gg_submission_in *in, void **cookie)
{
    gg_api *a = arg;
    int64_t cid = -1;
    /* a reply or mention under a campaign call we published belongs to
     * that campaign, whatever its text says */
    if (ev->thread_root_id &&
        gg_store_published_campaign(a->store, ev->channel, ev->thread_root_id, &cid) != 0)
        cid = -1;
    pthread_mutex_lock(&match_mu);
    if (cid <= 0)
        cid = match_campaign(a, ev->text);
    pthread_mutex_unlock(&match_mu);
    if (cid < 0) {
        gg_log(GG_LOG_WARN, "channel event has no campaign; kept in the inbox only",
               "\"channel\":\"%s\",\"default_campaign\":\"%s\"", ev->channel,
               a->cfg->default_campaign);
        return GG_ENOTFOUND;
    }
    gg_prepared *p = gg_malloc(sizeof(*p) + 32);
    char *created = (char *)(p + 1);
    json_t *pol = NULL;
    gg_online_policy policy;
    gg_store_campaign_policy(a->store, cid, &pol);
    gg_online_policy_parse(&policy, pol);
    json_decref(pol);
    int rc = gg_api_prepare_filtered(p, a->secret, a->online, &policy, cid, ev->channel, ev->text,
                                     strlen(ev->text), ev->author_id, ev->native_id);
    if (rc != 0) {
        free(p);
        return rc;
    }
    p->in.author_handle = ev->author_handle;
    if (ev->created_at > 0) {
        time_t t = (time_t)ev->created_at;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(created, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
        p->in.created_at = created;
    }
    /* how to answer this person later, on this channel */
    json_t *rj = json_object();
    const gg_reply_target *t = &ev->reply;
    if (t->to_id)
        json_object_set_new(rj, "to_id", json_string(t->to_id));
    if (t->chat_id)
        json_object_set_new(rj, "chat_id", json_string(t->chat_id));
    if (t->via_id)
        json_object_set_new(rj, "via_id", json_string(t->via_id));
    if (t->handle)
        json_object_set_new(rj, "handle", json_string(t->handle));
    if (t->window_start)
        json_object_set_new(rj, "window_start", json_integer(t->window_start));
    if (ev->account_id)
        json_object_set_new(rj, "account_id", json_string(ev->account_id));
    json_object_set_new(rj, "kind", json_string(gg_channels_kind_name(ev->kind)));
    p->reply_json = json_dumps(rj, JSON_COMPACT);
    json_decref(rj);
    p->in.reply_json = p->reply_json;
    *in = p->in;
    *cookie = p;
    return 0;
}

static void sink_release(void *arg, void *cookie)
{
    free(((gg_prepared *)cookie)->reply_json);
    gg_api_prepared_dispose(cookie);
    free(cookie);
}

static void sink_after(void *arg, const gg_event *ev, const gg_inbox_event *applied)
{
    gg_api *a = arg;
    gg_api_after_stored(a->store, a->online, applied->sub.campaign_id, applied->submission_id,
                        applied->sub.norm, applied->sub.author_key, ev->created_at,
                        applied->sub.group_id);
}

void gg_api__hooks_sink(gg_api *a, gg_inbox_sink *out)
{
    *out = (gg_inbox_sink){sink_prepare, sink_release, sink_after, a, a->secret};
}

int gg_api__hooks_start(gg_api *a)
{
    gg_channels_secrets_from_env(&a->secrets);
    gg_inbox_sink sink = {sink_prepare, sink_release, sink_after, a, a->secret};
    int rc = gg_inbox_start(&a->inbox, a->store, &sink);
    if (rc == 0)
        rc = gg_api__channels_start(a); /* api/channels.c: sender and puller */
    return rc;
}

void gg_api__hooks_stop(gg_api *a)
{
    gg_api__channels_stop(a);
    gg_inbox_stop(a->inbox);
    a->inbox = NULL;
    gg_channels_secrets_dispose(&a->secrets);
}

void gg_api__metrics_channels(gg_api *a, gg_buf *b)
{
    gg_api__metrics_channels_net(a, b); /* api/channels.c: streams, outbox, sends */
    json_t *counts = NULL;
    if (gg_store_inbox_counts(a->store, &counts) == 0) {
        gg_buf_adds(b, "# HELP gagas_inbox Webhook deliveries in the inbox by state.\n"
                       "# TYPE gagas_inbox gauge\n");
        const char *k;
        json_t *v;
        json_object_foreach(counts, k, v)
            gg_buf_printf(b, "gagas_inbox{state=\"%s\"} %lld\n", k,
                          (long long)json_integer_value(v));
        json_decref(counts);
    }
    if (a->inbox) {
        uint64_t p, f, ap;
        gg_inbox_stats(a->inbox, &p, &f, &ap);
        gg_buf_printf(b,
                      "# HELP gagas_inbox_events_applied_total Channel events applied once.\n"
                      "# TYPE gagas_inbox_events_applied_total counter\n"
                      "gagas_inbox_events_applied_total %llu\n"
                      "# TYPE gagas_inbox_deliveries_total counter\n"
                      "gagas_inbox_deliveries_total{result=\"processed\"} %llu\n"
                      "gagas_inbox_deliveries_total{result=\"error\"} %llu\n",
                      (unsigned long long)ap, (unsigned long long)p, (unsigned long long)f);
    }
}

void gg_api__register_hooks(gg_api *a, gg_http *h)
{
    gg_http_route(h, "POST", "/hooks/{channel}", "hook", h_hook_post, a);
    gg_http_route(h, "GET", "/hooks/{channel}", "hook_handshake", h_hook_get, a);
}
