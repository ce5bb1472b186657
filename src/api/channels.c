/*
 * channels.c — the channels' network side in the api layer (issue 7):
 * starts and stops the sender and puller threads, answers GET
 * /api/v1/channels (health per account and stream, admin), POST
 * /api/v1/campaigns/{slug}/publish (queue a campaign call on every
 * connected account that publishes; admin + CSRF; scheduled with "at"),
 * the console page /console/channels, and the /metrics lines. Handlers
 * only read or queue writes without waiting: the event loop never blocks.
 */
#include "api/api_int.h"
#include "channels/workers.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* One server per process: the workers live beside the gg_api they serve. */
static struct {
    gg_sender *sender;
    gg_puller *puller;
    gg_streamer *streamer;
} net;

int gg_api__channels_start(gg_api *a)
{
    if (!a->cfg->channels_run)
        return 0;
    if (strcmp(a->cfg->base_url, GG_CONFIG_BASE_URL_DEFAULT) == 0)
        /* web pages name the Host people reached; a message on a channel
         * has no request to ask, so its links need the public address */
        gg_log(GG_LOG_WARN, "base_url is the default: links sent on channels will not reach people",
               "\"base_url\":\"%s\",\"hint\":\"set base_url (GAGAS_BASE_URL) to the portal's public address\"",
               a->cfg->base_url);
    gg_chnet_opts o;
    memset(&o, 0, sizeof(o));
    char path[600];
    snprintf(path, sizeof(path), "%.500s.tokens.key", a->cfg->db);
    if (gg_tokens_key_load(path, o.token_key) != 0)
        return GG_EIO;
    o.store = a->store;
    o.base_urls = a->cfg->channel_base_urls;
    o.base_url = a->cfg->base_url;
    o.instagram_image = a->cfg->instagram_image_url;
    o.tick_ms = a->cfg->channel_tick_ms;
    o.poll_s = a->cfg->channel_poll_s;
    o.backoff_ms = a->cfg->channel_backoff_ms;
    o.max_attempts = a->cfg->channel_max_attempts;
    o.stream_idle_s = a->cfg->channel_stream_idle_s;
    o.metrics_s = a->cfg->channel_metrics_s;
    memcpy(o.install_secret, a->secret, sizeof(o.install_secret));
    gg_api__hooks_sink(a, &o.sink);
    int rc = gg_sender_start(&net.sender, &o);
    if (rc == 0)
        rc = gg_puller_start(&net.puller, &o);
    if (rc == 0)
        rc = gg_streamer_start(&net.streamer, &o);
    memset(o.token_key, 0, sizeof(o.token_key));
    return rc;
}

void gg_api__channels_stop(gg_api *a)
{
    gg_streamer_stop(net.streamer);
    gg_puller_stop(net.puller);
    gg_sender_stop(net.sender);
    net.streamer = NULL;
    net.puller = NULL;
    net.sender = NULL;
}

/* Seconds since an ISO-8601 time, -1 when absent. */
static long long age_of(const char *iso, time_t now)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (iso == NULL || strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
        return -1;
    return (long long)(now - timegm(&tm));
}

static json_t *health(gg_api *a)
{
    json_t *acc = NULL, *streams = NULL, *counts = NULL, *recent = NULL;
    gg_store_chaccount_list(a->store, 0, &acc);
    gg_store_chstate_list(a->store, &streams);
    gg_store_outbox_counts(a->store, &counts);
    gg_store_outbox_list(a->store, NULL, 50, &recent);
    time_t now = time(NULL);
    size_t i;
    json_t *st;
    json_array_foreach(streams, i, st)
    {
        long long age = age_of(json_string_value(json_object_get(st, "last_event_at")), now);
        json_object_set_new(st, "last_event_age_s", age >= 0 ? json_integer(age) : json_null());
        long long next = (long long)json_integer_value(json_object_get(st, "next_at"));
        json_object_set_new(st, "next_in_s", json_integer(next > now ? next - now : 0));
    }
    json_t *out = json_pack("{s:o, s:o, s:o, s:o}", "accounts",
                            acc ? json_incref(json_object_get(acc, "accounts")) : json_array(),
                            "streams", streams ? streams : json_array(), "outbox",
                            counts ? counts : json_array(), "recent",
                            recent ? recent : json_array());
    json_decref(acc);
    json_t *w = json_object();
    if (net.sender) {
        uint64_t s1, s2, s3;
        gg_sender_stats(net.sender, &s1, &s2, &s3);
        json_object_set_new(w, "sent", json_integer((json_int_t)s1));
        json_object_set_new(w, "retried", json_integer((json_int_t)s2));
        json_object_set_new(w, "failed", json_integer((json_int_t)s3));
    }
    if (net.puller) {
        uint64_t p1, p2, p3;
        gg_puller_stats(net.puller, &p1, &p2, &p3);
        json_object_set_new(w, "pages", json_integer((json_int_t)p1));
        json_object_set_new(w, "pulled_applied", json_integer((json_int_t)p2));
        json_object_set_new(w, "pull_errors", json_integer((json_int_t)p3));
    }
    if (net.streamer) {
        uint64_t c1, c2, c3;
        gg_streamer_stats(net.streamer, &c1, &c2, &c3);
        json_object_set_new(w, "stream_connects", json_integer((json_int_t)c1));
        json_object_set_new(w, "stream_applied", json_integer((json_int_t)c2));
        json_object_set_new(w, "stream_errors", json_integer((json_int_t)c3));
    }
    json_object_set_new(out, "workers", w);
    return out;
}

static int h_channels(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_JSON) == NULL)
        return 0;
    gg_req_json(r, 200, health(a));
    return 0;
}

/* ---- publish ---------------------------------------------------------------- */

/* Bodies are strict, as everywhere in the API (gg_api__json_fields): an
 * unknown field is a 400 that names it — a typo in "chanels" must not
 * publish everywhere. */

static const char *const publishable[] = {"facebook", "instagram", "x", "telegram", "mastodon",
                                          NULL};

static int is_publishable(const char *c)
{
    for (int i = 0; publishable[i]; i++)
        if (c && strcmp(c, publishable[i]) == 0)
            return 1;
    return 0;
}

static void on_queued(void *arg, int rc, int64_t id, json_t *result)
{
    gg_pending *p = arg;
    if (rc != 0) {
        gg_pending_error(p, rc, "could not queue the campaign call");
        return;
    }
    gg_pending_json(p, 202, json_incref(result));
}

static int h_publish(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON) == NULL)
        return 0;
    gg_str slug_s = gg_req_param(r, "slug");
    char *slug = gg_req_strdup(r, slug_s.ptr, slug_s.len);
    json_t *body = NULL, *camp = NULL, *acc = NULL;
    gg_outbox_in rows[64];
    char *texts[64] = {0}, *targets[64] = {0}, *payloads[64] = {0}, *keys[64] = {0};
    int n = 0;
    gg_str raw = gg_req_body(r);
    if (raw.len) {
        body = gg_api__json_body(r);
        if (body == NULL)
            return 0;
    } else {
        body = json_object();
    }
    static const char *const fields[] = {"channels", "at", "lang", "text", "image_url", NULL};
    if (!json_is_object(body) || gg_api__json_fields(r, body, fields) != 0) {
        if (!json_is_object(body))
            gg_req_error(r, GG_EINVAL, "the body must be a JSON object");
        goto done;
    }
    if (gg_store_campaign_get(a->store, slug, &camp) != 0) {
        gg_req_error(r, GG_ENOTFOUND, "no such campaign");
        goto done;
    }
    /* when: "at" in unix seconds (or absent: now); the minute is part of the
     * dedupe key, so a double click queues one call, a new hour another */
    int64_t now = (int64_t)time(NULL);
    json_t *atj = json_object_get(body, "at");
    int64_t at = json_is_integer(atj) ? json_integer_value(atj) : 0;
    if (atj && !json_is_integer(atj) && !json_is_null(atj)) {
        gg_req_error(r, GG_EINVAL, "at must be unix seconds");
        goto done;
    }
    if (at > now + 90 * 86400) {
        gg_req_error(r, GG_EINVAL, "at is more than 90 days ahead");
        goto done;
    }
    const char *lang = json_string_value(json_object_get(body, "lang"));
    int en = lang && strcmp(lang, "en") == 0;
    const char *question = json_string_value(json_object_get(camp, en ? "question_en" : "question"));
    if (question == NULL)
        question = json_string_value(json_object_get(camp, "question"));
    const char *tag = json_string_value(json_array_get(json_object_get(camp, "hashtags"), 0));
    char link[512];
    snprintf(link, sizeof(link), "%s/c/%s", a->cfg->base_url, slug);
    gg_buf text;
    gg_buf_init(&text, 4096);
    const char *custom = json_string_value(json_object_get(body, "text"));
    if (custom)
        gg_buf_printf(&text, "%s %s%s%s", custom, link, tag ? " " : "", tag ? tag : "");
    else
        gg_buf_printf(&text, "%s %s %s%s%s", question ? question : "",
                      en ? "Send us your idea:" : "Kirim gagasan Anda:", link, tag ? " " : "",
                      tag ? tag : "");
    json_t *want = json_object_get(body, "channels");
    gg_store_chaccount_list(a->store, 0, &acc);
    size_t i;
    json_t *ac;
    int64_t cid = json_integer_value(json_object_get(camp, "id"));
    json_array_foreach(json_object_get(acc, "accounts"), i, ac)
    {
        const char *ch = json_string_value(json_object_get(ac, "channel"));
        const char *id = json_string_value(json_object_get(ac, "account"));
        json_t *settings = json_object_get(ac, "settings");
        if (!is_publishable(ch) || !json_is_true(json_object_get(settings, "publish")) || n >= 64)
            continue;
        if (json_is_array(want)) {
            int hit = 0;
            size_t k;
            json_t *w;
            json_array_foreach(want, k, w) hit |= json_is_string(w) && strcmp(json_string_value(w), ch) == 0;
            if (!hit)
                continue;
        }
        const char *image = json_string_value(json_object_get(body, "image_url"));
        if (image == NULL)
            image = json_string_value(json_object_get(settings, "image_url"));
        json_t *pj = json_pack("{s:s}", "link", link);
        if (image)
            json_object_set_new(pj, "image_url", json_string(image));
        payloads[n] = json_dumps(pj, JSON_COMPACT);
        json_decref(pj);
        json_t *tj = json_pack("{s:s}", "account", id);
        targets[n] = json_dumps(tj, JSON_COMPACT);
        json_decref(tj);
        texts[n] = gg_strdup(text.data ? text.data : "");
        keys[n] = gg_malloc(300);
        snprintf(keys[n], 300, "publish:%lld:%s:%.100s:%lld:%s", (long long)cid, ch, id,
                 (long long)((at ? at : now) / 60), en ? "en" : "id");
        rows[n] = (gg_outbox_in){.channel = ch,
                                 .kind = "publish",
                                 .campaign_id = cid,
                                 .target_json = targets[n],
                                 .text = texts[n],
                                 .payload_json = payloads[n],
                                 .lang = en ? "en" : "id",
                                 .dedupe_key = keys[n]};
        n++;
    }
    gg_buf_dispose(&text);
    if (n == 0) {
        gg_req_error(r, GG_ECONFLICT, "no connected account publishes on those channels");
        goto done;
    }
    gg_pending *p = gg_req_defer(r);
    if (gg_store_outbox_queue(a->store, rows, n, at > now ? at : 0, on_queued, p) != 0)
        gg_pending_error(p, GG_EINVAL, gg_store_errmsg(a->store));
done:
    for (int k = 0; k < n; k++) {
        free(texts[k]);
        free(targets[k]);
        free(payloads[k]);
        free(keys[k]);
    }
    json_decref(acc);
    json_decref(camp);
    json_decref(body);
    return 0;
}

/* ---- polls ------------------------------------------------------------------ */

/* POST /api/v1/channels/polls: queue one poll (or quiz) on one channel.
 * Body: {"channel":"telegram"|"x"|"mastodon", "account"?, "chat_id"?
 * (Telegram: the chat/channel, default the account), "campaign"?,
 * "question", "options":[…], "quiz"?, "correct_option"?, "explanation"?,
 * "multiple"?, "anonymous"?, "duration_s"?, "lang"?, "key"? (dedupe)}.
 * The payload is stored as given; the builders check the platform limits
 * when it is sent, and a poll they refuse ends 'failed' with the reason. */
static int h_poll(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON) == NULL)
        return 0;
    json_t *body = gg_api__json_body(r);
    if (body == NULL)
        return 0;
    json_t *camp = NULL;
    char *payload = NULL, *target = NULL;
    static const char *const fields[] = {
        "channel", "account", "chat_id", "campaign", "question", "options", "quiz",
        "correct_option", "explanation", "multiple", "anonymous", "duration_s", "lang", "at",
        "key", "poll_id", NULL};
    if (!json_is_object(body)) {
        gg_req_error(r, GG_EINVAL, "the body must be a JSON object");
        goto done;
    }
    if (gg_api__json_fields(r, body, fields) != 0)
        goto done;
    /* "poll_id": this channel poll stands for a portal poll, whose results
     * then count its answers (store/engage.c); question and options default
     * to the portal poll's so that option i means the same on both */
    json_t *pid = json_object_get(body, "poll_id");
    if (pid) {
        json_t *pr = NULL;
        if (!json_is_integer(pid) || json_is_true(json_object_get(body, "quiz"))) {
            gg_req_error(r, GG_EINVAL, "poll_id must be the id of a portal poll (not a quiz)");
            goto done;
        }
        if (gg_store_poll_results(a->store, json_integer_value(pid), &pr) != 0) {
            gg_req_error(r, GG_ENOTFOUND, "no portal poll %lld", (long long)json_integer_value(pid));
            goto done;
        }
        if (!json_object_get(body, "question"))
            json_object_set(body, "question", json_object_get(pr, "question"));
        if (!json_object_get(body, "options"))
            json_object_set(body, "options", json_object_get(pr, "options"));
        if (!json_object_get(body, "campaign"))
            json_object_set(body, "campaign", json_object_get(pr, "campaign"));
        if (!json_object_get(body, "multiple") && json_integer_value(json_object_get(pr, "multi")))
            json_object_set_new(body, "multiple", json_true());
        json_decref(pr);
    }
    const char *ch = json_string_value(json_object_get(body, "channel"));
    const char *q = json_string_value(json_object_get(body, "question"));
    json_t *opts = json_object_get(body, "options");
    if (ch == NULL || (strcmp(ch, "telegram") != 0 && strcmp(ch, "x") != 0 &&
                       strcmp(ch, "mastodon") != 0)) {
        gg_req_error(r, GG_EINVAL, "polls go out on telegram, x or mastodon");
        goto done;
    }
    if (q == NULL || !*q || !json_is_array(opts) || json_array_size(opts) < 2 ||
        json_array_size(opts) > 12) {
        gg_req_error(r, GG_EINVAL, "a poll needs a question and 2 to 12 options");
        goto done;
    }
    int64_t cid = 0;
    const char *slug = json_string_value(json_object_get(body, "campaign"));
    if (slug) {
        if (gg_store_campaign_get(a->store, slug, &camp) != 0) {
            gg_req_error(r, GG_ENOTFOUND, "no such campaign");
            goto done;
        }
        cid = json_integer_value(json_object_get(camp, "id"));
    }
    json_t *pj = json_deep_copy(body);
    json_object_del(pj, "channel");
    json_object_del(pj, "key");
    payload = json_dumps(pj, JSON_COMPACT);
    json_decref(pj);
    json_t *tj = json_object();
    const char *acct = json_string_value(json_object_get(body, "account"));
    const char *chat = json_string_value(json_object_get(body, "chat_id"));
    if (acct)
        json_object_set_new(tj, "account", json_string(acct));
    if (chat)
        json_object_set_new(tj, "chat_id", json_string(chat));
    target = json_dumps(tj, JSON_COMPACT);
    json_decref(tj);
    const char *key = json_string_value(json_object_get(body, "key"));
    char kbuf[160];
    if (key == NULL) { /* a double click queues one poll */
        unsigned char h[16];
        char hex[33];
        crypto_generichash(h, sizeof(h), (const unsigned char *)payload, strlen(payload), NULL, 0);
        sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
        snprintf(kbuf, sizeof(kbuf), "poll:%s:%s:%lld", ch, hex, (long long)(time(NULL) / 60));
        key = kbuf;
    }
    const char *lang = json_string_value(json_object_get(body, "lang"));
    gg_outbox_in in = {.channel = ch,
                       .kind = "poll",
                       .campaign_id = cid,
                       .target_json = target,
                       .text = q,
                       .payload_json = payload,
                       .lang = lang && strcmp(lang, "en") == 0 ? "en" : "id",
                       .dedupe_key = key};
    json_t *atj = json_object_get(body, "at");
    int64_t at = json_is_integer(atj) ? json_integer_value(atj) : 0;
    gg_pending *p = gg_req_defer(r);
    if (gg_store_outbox_queue(a->store, &in, 1, at > time(NULL) ? at : 0, on_queued, p) != 0)
        gg_pending_error(p, GG_EINVAL, gg_store_errmsg(a->store));
done:
    free(payload);
    free(target);
    json_decref(camp);
    json_decref(body);
    return 0;
}

/* ---- settling an unknown send ------------------------------------------------- */

static void on_resolved(void *arg, int rc, int64_t id, json_t *result)
{
    (void)id;
    gg_pending *p = arg;
    if (rc != 0) {
        gg_pending_error(p, rc,
                         rc == GG_ENOTFOUND ? "no such outbox row"
                         : rc == GG_ECONFLICT
                             ? "only a send whose delivery is unknown is settled by hand"
                             : "could not settle the send");
        return;
    }
    gg_pending_json(p, 200, json_incref(result));
}

/* POST /api/v1/channels/outbox/{id}/resolve {"posted": bool, "remote_id"?}:
 * an admin who looked on the platform says whether an 'unknown' send is
 * there (kept as sent) or not (sent again). Admin + CSRF, audited. */
static int h_resolve(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *who = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (who == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id <= 0) {
        gg_req_error(r, GG_EINVAL, "the outbox id must be a positive integer");
        return 0;
    }
    json_t *body = gg_api__json_body(r);
    if (body == NULL)
        return 0;
    static const char *const fields[] = {"posted", "remote_id", NULL};
    json_t *posted = json_object_get(body, "posted");
    json_t *remote = json_object_get(body, "remote_id");
    if (!json_is_object(body)) {
        gg_req_error(r, GG_EINVAL, "the body must be a JSON object");
    } else if (gg_api__json_fields(r, body, fields) != 0) {
        /* answered */
    } else if (!json_is_boolean(posted)) {
        gg_req_error(r, GG_EINVAL, "posted must be true or false");
    } else if (remote && (!json_is_string(remote) || json_string_length(remote) == 0 ||
                          json_string_length(remote) > 200 || json_is_false(posted))) {
        gg_req_error(r, GG_EINVAL, "remote_id is the platform's id (1-200 chars) of a post found");
    } else {
        gg_pending *p = gg_req_defer(r);
        gg_log(GG_LOG_INFO, "outbox send settled by hand",
               "\"id\":%lld,\"posted\":%s,\"user_id\":%lld", (long long)id,
               json_is_true(posted) ? "true" : "false", (long long)who->user_id);
        if (gg_store_outbox_resolve(a->store, id, json_is_true(posted), json_string_value(remote),
                                    who->user_id, who->email, on_resolved, p) != 0)
            gg_pending_error(p, GG_EIO, "could not settle the send");
    }
    json_decref(body);
    return 0;
}

/* ---- reach and engagement of campaign calls ----------------------------------- */

static const char *const count_names[] = {"impressions", "reach", "views",   "likes",
                                          "replies",     "reposts", "quotes", "bookmarks",
                                          "shares",      "saves",  "clicks", NULL};

/* GET /api/v1/campaigns/{slug}/reach: what each platform last reported for
 * the campaign's calls, and the sums per count name (admin or analyst). */
static int h_reach(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN | GG_ROLE_ANALYST, 0, GG_AUTH_JSON) == NULL)
        return 0;
    gg_str slug_s = gg_req_param(r, "slug");
    char *slug = gg_req_strdup(r, slug_s.ptr, slug_s.len);
    json_t *camp = NULL, *rows = NULL;
    if (gg_store_campaign_get(a->store, slug, &camp) != 0) {
        gg_req_error(r, GG_ENOTFOUND, "no such campaign");
        return 0;
    }
    int64_t cid = json_integer_value(json_object_get(camp, "id"));
    json_decref(camp);
    if (gg_store_campaign_reach(a->store, cid, &rows) != 0) {
        gg_req_error(r, GG_EIO, "could not read the campaign's calls");
        return 0;
    }
    json_t *totals = json_object();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *counts = json_object_get(json_object_get(row, "metrics"), "counts");
        for (size_t k = 0; count_names[k]; k++) {
            json_t *v = json_object_get(counts, count_names[k]);
            if (!json_is_integer(v))
                continue;
            json_int_t sum = json_integer_value(json_object_get(totals, count_names[k]));
            json_object_set_new(totals, count_names[k], json_integer(sum + json_integer_value(v)));
        }
    }
    gg_req_json(r, 200, json_pack("{s:s, s:o, s:o}", "campaign", slug, "calls", rows, "totals",
                                  totals));
    return 0;
}

/* ---- console ---------------------------------------------------------------- */

static const char *js(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static int h_console_channels(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_HTML) == NULL)
        return 0;
    const char *lang = gg_api__lang(r);
    json_t *h = health(a);
    gg_buf b;
    gg_buf_init(&b, 1 << 20);
    gg_html_head(&b, lang, GG_T(lang, "Kanal", "Channels"), "/console/channels");
    gg_buf_printf(&b, "<h1>%s</h1>", GG_T(lang, "Kesehatan kanal", "Channel health"));
    gg_buf_printf(&b, "<h2>%s</h2><table class=\"channels\"><thead><tr><th>%s</th><th>%s</th>"
                      "<th>%s</th><th>%s</th></tr></thead><tbody>",
                  GG_T(lang, "Akun terhubung", "Connected accounts"), GG_T(lang, "Kanal", "Channel"),
                  GG_T(lang, "Akun", "Account"), GG_T(lang, "Token", "Token"),
                  GG_T(lang, "Arus tarik", "Pull streams"));
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(h, "accounts"), i, x)
    {
        gg_buf_adds(&b, "<tr><td>");
        gg_html_esc(&b, js(x, "channel"));
        gg_buf_adds(&b, "</td><td>");
        gg_html_esc(&b, js(x, "account"));
        gg_buf_printf(&b, "</td><td>%s</td><td>",
                      json_is_true(json_object_get(x, "has_token"))
                          ? GG_T(lang, "tersimpan (terenkripsi)", "stored (encrypted)")
                          : GG_T(lang, "dari lingkungan / tidak ada", "from environment / none"));
        size_t k;
        json_t *sname;
        json_array_foreach(json_object_get(json_object_get(x, "settings"), "streams"), k, sname)
        {
            gg_html_esc(&b, json_string_value(sname) ? json_string_value(sname) : "");
            gg_buf_adds(&b, " ");
        }
        gg_buf_adds(&b, "</td></tr>");
    }
    gg_buf_printf(&b, "</tbody></table><h2>%s</h2><table class=\"streams\"><thead><tr><th>%s</th>"
                      "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                  GG_T(lang, "Arus tarik", "Pull streams"), GG_T(lang, "Kanal", "Channel"),
                  GG_T(lang, "Arus", "Stream"), GG_T(lang, "Peristiwa terakhir", "Last event"),
                  GG_T(lang, "Gagal berturut", "Failures"), GG_T(lang, "Galat terakhir", "Last error"),
                  GG_T(lang, "Batas laju", "Rate limit"));
    json_array_foreach(json_object_get(h, "streams"), i, x)
    {
        gg_buf_adds(&b, "<tr><td>");
        gg_html_esc(&b, js(x, "channel"));
        gg_buf_adds(&b, "</td><td>");
        gg_html_esc(&b, js(x, "stream"));
        gg_buf_adds(&b, "</td><td>");
        gg_html_esc(&b, js(x, "last_event_at"));
        gg_buf_printf(&b, "</td><td>%lld</td><td>",
                      (long long)json_integer_value(json_object_get(x, "failures")));
        gg_html_esc(&b, js(x, "last_error"));
        gg_buf_adds(&b, "</td><td>");
        char *rate = json_dumps(json_object_get(x, "rate"), JSON_COMPACT);
        gg_html_esc(&b, rate ? rate : "");
        free(rate);
        gg_buf_adds(&b, "</td></tr>");
    }
    long long unknown = 0;
    json_array_foreach(json_object_get(h, "outbox"), i, x)
    {
        if (strcmp(js(x, "state"), "unknown") == 0)
            unknown += (long long)json_integer_value(json_object_get(x, "n"));
    }
    gg_buf_adds(&b, "</tbody></table>");
    if (unknown > 0)
        gg_buf_printf(&b, "<p class=\"unknown\">%lld %s</p>",
                      unknown,
                      GG_T(lang,
                           "pesan mungkin sudah terkirim, mungkin belum (jawaban platform tidak "
                           "terbaca dan tidak dapat diperiksa): tidak dikirim ulang — periksa di "
                           "platform.",
                           "messages may or may not have been posted (the platform's answer was "
                           "unreadable and cannot be checked): not re-sent — check on the "
                           "platform."));
    gg_buf_printf(&b, "<h2>%s</h2><table class=\"outbox\"><thead><tr><th>#</th>"
                      "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                  GG_T(lang, "Pesan keluar", "Outbox"), GG_T(lang, "Kanal", "Channel"),
                  GG_T(lang, "Jenis", "Kind"), GG_T(lang, "Status", "State"),
                  GG_T(lang, "Percobaan", "Attempts"), GG_T(lang, "Galat", "Error"));
    json_array_foreach(json_object_get(h, "recent"), i, x)
    {
        /* a send that may or may not have been posted waits for a person:
         * it stands out, and is never re-sent by itself */
        gg_buf_printf(&b, "<tr%s><td>%lld</td><td>",
                      strcmp(js(x, "state"), "unknown") == 0 ? " class=\"unknown\"" : "",
                      (long long)json_integer_value(json_object_get(x, "id")));
        gg_html_esc(&b, js(x, "channel"));
        gg_buf_adds(&b, "</td><td>");
        gg_html_esc(&b, js(x, "kind"));
        gg_buf_adds(&b, "</td><td>");
        gg_html_esc(&b, js(x, "state"));
        gg_buf_printf(&b, "</td><td>%lld</td><td>",
                      (long long)json_integer_value(json_object_get(x, "attempts")));
        gg_html_esc(&b, js(x, "error"));
        gg_buf_adds(&b, "</td></tr>");
    }
    gg_buf_adds(&b, "</tbody></table>");
    /* reach and engagement: what each platform last said about our calls */
    json_t *calls = NULL;
    gg_store_outbox_list(a->store, "publish", 50, &calls);
    gg_buf_printf(&b, "<h2>%s</h2><table class=\"reach\"><thead><tr><th>#</th><th>%s</th>"
                      "<th>%s</th><th>%s</th>",
                  GG_T(lang, "Jangkauan dan keterlibatan seruan kampanye",
                       "Reach and engagement of campaign calls"),
                  GG_T(lang, "Kanal", "Channel"), GG_T(lang, "Pos", "Post"),
                  GG_T(lang, "Diambil", "Fetched"));
    for (size_t k = 0; count_names[k]; k++)
        gg_buf_printf(&b, "<th>%s</th>", count_names[k]);
    gg_buf_adds(&b, "</tr></thead><tbody>");
    json_array_foreach(calls, i, x)
    {
        if (strcmp(js(x, "state"), "sent") != 0)
            continue;
        json_t *m = json_object_get(x, "metrics");
        json_t *counts = json_object_get(m, "counts");
        gg_buf_printf(&b, "<tr><td>%lld</td><td>",
                      (long long)json_integer_value(json_object_get(x, "id")));
        gg_html_esc(&b, js(x, "channel"));
        gg_buf_adds(&b, "</td><td>");
        gg_html_esc(&b, js(x, "remote_id"));
        gg_buf_adds(&b, "</td><td>");
        if (json_is_integer(json_object_get(m, "fetched_at"))) {
            char when[32];
            time_t t = (time_t)json_integer_value(json_object_get(m, "fetched_at"));
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
            gg_buf_adds(&b, when);
        } else {
            gg_html_esc(&b, js(m, "unavailable")[0] ? js(m, "unavailable")
                            : js(m, "error")[0]     ? js(m, "error")
                                                    : "—");
        }
        gg_buf_adds(&b, "</td>");
        for (size_t k = 0; count_names[k]; k++) {
            json_t *v = json_object_get(counts, count_names[k]);
            if (json_is_integer(v))
                gg_buf_printf(&b, "<td>%lld</td>", (long long)json_integer_value(v));
            else
                gg_buf_adds(&b, "<td></td>");
        }
        gg_buf_adds(&b, "</tr>");
    }
    gg_buf_adds(&b, "</tbody></table>");
    json_decref(calls);
    json_decref(h);
    gg_html_foot(&b, lang);
    gg_html_send(r, 200, &b);
    return 0;
}

void gg_api__metrics_channels_net(gg_api *a, gg_buf *b)
{
    json_t *streams = NULL, *counts = NULL;
    time_t now = time(NULL);
    if (gg_store_chstate_list(a->store, &streams) == 0) {
        gg_buf_adds(b, "# HELP gagas_channel_stream_failures Consecutive failures of a pull stream.\n"
                       "# TYPE gagas_channel_stream_failures gauge\n");
        size_t i;
        json_t *st;
        json_array_foreach(streams, i, st)
        {
            /* label values: channel and account ids are plain tokens; the
             * stream name may hold a query, so only its kind is a label */
            char kind[32];
            snprintf(kind, sizeof(kind), "%s", js(st, "stream"));
            kind[strcspn(kind, ":\"\\\n")] = '\0';
            char acct[64];
            snprintf(acct, sizeof(acct), "%s", js(st, "account"));
            acct[strcspn(acct, "\"\\\n")] = '\0';
            const char *ch = js(st, "channel");
            long long age = age_of(json_string_value(json_object_get(st, "last_event_at")), now);
            long long next = (long long)json_integer_value(json_object_get(st, "next_at"));
            json_t *rate = json_object_get(st, "rate");
            gg_buf_printf(b,
                          "gagas_channel_stream_failures{channel=\"%s\",account=\"%s\","
                          "stream=\"%s\"} %lld\n"
                          "gagas_channel_stream_last_event_age_seconds{channel=\"%s\","
                          "account=\"%s\",stream=\"%s\"} %lld\n"
                          "gagas_channel_stream_next_pull_seconds{channel=\"%s\",account=\"%s\","
                          "stream=\"%s\"} %lld\n",
                          ch, acct, kind, (long long)json_integer_value(json_object_get(st, "failures")),
                          ch, acct, kind, age, ch, acct, kind,
                          next > (long long)now ? next - (long long)now : 0);
            if (json_is_integer(json_object_get(rate, "remaining")))
                gg_buf_printf(b,
                              "gagas_channel_rate_remaining{channel=\"%s\",account=\"%s\","
                              "stream=\"%s\"} %lld\n",
                              ch, acct, kind,
                              (long long)json_integer_value(json_object_get(rate, "remaining")));
        }
        json_decref(streams);
    }
    if (gg_store_outbox_counts(a->store, &counts) == 0) {
        gg_buf_adds(b, "# HELP gagas_outbox Outbox rows by channel, kind and state.\n"
                       "# TYPE gagas_outbox gauge\n");
        size_t i;
        json_t *c;
        json_array_foreach(counts, i, c)
            gg_buf_printf(b, "gagas_outbox{channel=\"%s\",kind=\"%s\",state=\"%s\"} %lld\n",
                          js(c, "channel"), js(c, "kind"), js(c, "state"),
                          (long long)json_integer_value(json_object_get(c, "n")));
        json_decref(counts);
    }
    if (net.sender) {
        uint64_t s1, s2, s3;
        gg_sender_stats(net.sender, &s1, &s2, &s3);
        gg_buf_printf(b,
                      "# TYPE gagas_channel_sends_total counter\n"
                      "gagas_channel_sends_total{result=\"sent\"} %llu\n"
                      "gagas_channel_sends_total{result=\"retry\"} %llu\n"
                      "gagas_channel_sends_total{result=\"failed\"} %llu\n",
                      (unsigned long long)s1, (unsigned long long)s2, (unsigned long long)s3);
    }
    if (net.puller) {
        uint64_t p1, p2, p3;
        gg_puller_stats(net.puller, &p1, &p2, &p3);
        gg_buf_printf(b,
                      "# TYPE gagas_channel_pull_pages_total counter\n"
                      "gagas_channel_pull_pages_total %llu\n"
                      "# TYPE gagas_channel_pull_events_applied_total counter\n"
                      "gagas_channel_pull_events_applied_total %llu\n"
                      "# TYPE gagas_channel_pull_errors_total counter\n"
                      "gagas_channel_pull_errors_total %llu\n",
                      (unsigned long long)p1, (unsigned long long)p2, (unsigned long long)p3);
    }
    if (net.streamer) {
        uint64_t c1, c2, c3;
        gg_streamer_stats(net.streamer, &c1, &c2, &c3);
        gg_buf_printf(b,
                      "# TYPE gagas_channel_stream_connects_total counter\n"
                      "gagas_channel_stream_connects_total %llu\n"
                      "# TYPE gagas_channel_stream_events_applied_total counter\n"
                      "gagas_channel_stream_events_applied_total %llu\n"
                      "# TYPE gagas_channel_stream_errors_total counter\n"
                      "gagas_channel_stream_errors_total %llu\n",
                      (unsigned long long)c1, (unsigned long long)c2, (unsigned long long)c3);
    }
}

void gg_api__register_channels(gg_api *a, gg_http *h)
{
    gg_http_route(h, "GET", "/api/v1/channels", "channels", h_channels, a);
    gg_http_route(h, "POST", "/api/v1/campaigns/{slug}/publish", "campaign_publish", h_publish, a);
    gg_http_route(h, "POST", "/api/v1/channels/polls", "channel_poll", h_poll, a);
    gg_http_route(h, "GET", "/api/v1/campaigns/{slug}/reach", "campaign_reach", h_reach, a);
    gg_http_route(h, "POST", "/api/v1/channels/outbox/{id}/resolve", "outbox_resolve", h_resolve,
                  a);
    gg_http_route(h, "GET", "/console/channels", "console_channels", h_console_channels, a);
}
