/*
 * client.c — libcurl sender for the channels (channels layer, issue 7).
 * One easy handle per call: calls are few (replies, pages every minute),
 * and a fresh handle keeps threads from sharing state. The body is capped
 * at GG_CHANNELS_MAX_BODY; a body cut short is flagged, never guessed at.
 * Tokens go into one header (or Telegram's path) and nowhere else.
 */
#include "channels/client.h"
#include "channels/internal.h"
#include "core/alloc.h"
#include "core/err.h"
#include <ctype.h>
#include "channels/curl_dl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void gg_chclient_resp_dispose(gg_chclient_resp *r)
{
    if (r == NULL)
        return;
    gg_buf_dispose(&r->body);
}

int gg_chclient_base(const char *map, const char *host, char *out, size_t cap)
{
    const char *want = host ? host : "mastodon";
    const char *star = NULL;
    size_t starlen = 0;
    const char *p = map ? map : "";
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        if (eq) {
            size_t kn = (size_t)(eq - p);
            const char *v = eq + 1;
            size_t vn = n - kn - 1;
            while (vn && v[vn - 1] == '/')
                vn--; /* no trailing slash: paths start with one */
            if (kn == strlen(want) && strncasecmp(p, want, kn) == 0) {
                if (vn + 1 > cap)
                    return GG_ELIMIT;
                memcpy(out, v, vn);
                out[vn] = '\0';
                return 0;
            }
            if (kn == 1 && *p == '*') {
                star = v;
                starlen = vn;
            }
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (star) {
        if (starlen + 1 > cap)
            return GG_ELIMIT;
        memcpy(out, star, starlen);
        out[starlen] = '\0';
        return 0;
    }
    if (host == NULL)
        return GG_ENOTFOUND;
    int n = snprintf(out, cap, "https://%s", host);
    return n < 0 || (size_t)n >= cap ? GG_ELIMIT : 0;
}

/* ---- response collection ------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    gg_chclient_resp *r = arg;
    size_t len = size * n;
    if (gg_buf_add(&r->body, p, len) != 0) {
        r->truncated = 1;
        return 0; /* over the cap: abort the transfer */
    }
    return len;
}

/* Unix seconds from an ISO-8601 time ("2026-11-20T03:24:07.000000Z"). */
static int64_t iso_time(const char *v)
{
    int64_t t = 0;
    return gg_channels__iso8601(v, &t) == 0 ? t : -1;
}

static void keep(char *dst, size_t cap, const char *v, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    gg_chclient_resp *r = arg;
    size_t len = size * n;
    const char *colon = memchr(p, ':', len);
    if (colon == NULL)
        return len;
    size_t kn = (size_t)(colon - p);
    const char *v = colon + 1;
    size_t vn = len - kn - 1;
    while (vn && (*v == ' ' || *v == '\t'))
        v++, vn--;
    while (vn && (v[vn - 1] == '\r' || v[vn - 1] == '\n' || v[vn - 1] == ' '))
        vn--;
    char val[256];
    keep(val, sizeof(val), v, vn);
#define IS(name) (kn == sizeof(name) - 1 && strncasecmp(p, name, kn) == 0)
    if (IS("link")) {
        keep(r->link, sizeof(r->link), v, vn);
    } else if (IS("x-business-use-case-usage")) {
        keep(r->usage, sizeof(r->usage), v, vn);
    } else if (IS("retry-after")) {
        char *end;
        long long s = strtoll(val, &end, 10);
        if (end != val && *end == '\0' && s >= 0)
            r->retry_after = s;
        else { /* an HTTP date */
            time_t t = gg_curl.getdate(val, NULL);
            if (t > 0)
                r->retry_after = (int64_t)t - (int64_t)time(NULL);
            if (r->retry_after < 0)
                r->retry_after = 0;
        }
    } else if (IS("x-rate-limit-remaining") || IS("x-ratelimit-remaining")) {
        char *end;
        long long s = strtoll(val, &end, 10);
        if (end != val)
            r->rl_remaining = s;
    } else if (IS("x-rate-limit-reset") || IS("x-ratelimit-reset")) {
        /* X: unix seconds; Mastodon: an ISO-8601 time */
        char *end;
        long long s = strtoll(val, &end, 10);
        r->rl_reset = (end != val && *end == '\0') ? s : iso_time(val);
    }
#undef IS
    return len;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    const volatile int *cancel = arg;
    return cancel && *cancel ? 1 : 0; /* non-zero aborts the transfer */
}

int gg_chclient_send(const char *base_map, const gg_channel_request *rq, const char *token,
                     gg_chclient_resp *out)
{
    return gg_chclient_send_cancel(base_map, rq, token, NULL, out);
}

int gg_chclient_send_cancel(const char *base_map, const gg_channel_request *rq, const char *token,
                            const volatile int *cancel, gg_chclient_resp *out)
{
    memset(out, 0, sizeof(*out));
    gg_buf_init(&out->body, GG_CHANNELS_MAX_BODY);
    out->rl_remaining = -1;
    out->rl_reset = -1;
    CURL *h = NULL;
    struct curl_slist *hdrs = NULL;
    gg_buf url, line;
    gg_buf_init(&url, 16384);
    gg_buf_init(&line, 8192);
    int rc = GG_EUPSTREAM;
    char base[512];
    if (rq == NULL || rq->path == NULL || rq->method == NULL) {
        snprintf(out->err, sizeof(out->err), "no request");
        rc = GG_EINVAL;
        goto done;
    }
    if (gg_chclient_base(base_map, rq->host, base, sizeof(base)) != 0) {
        snprintf(out->err, sizeof(out->err), "no base URL for %s",
                 rq->host ? rq->host : "the Mastodon instance");
        rc = GG_EINVAL;
        goto done;
    }
    int telegram = rq->auth == GG_AUTH_TELEGRAM_PATH;
    if ((token == NULL || *token == '\0')) {
        snprintf(out->err, sizeof(out->err), "no access token for this account");
        rc = GG_EAUTH;
        goto done;
    }
    /* Telegram puts the bot token in the path: /bot<token>/method */
    if (gg_buf_adds(&url, base) != 0 ||
        (telegram && gg_buf_printf(&url, "/bot%s", token) != 0) ||
        gg_buf_adds(&url, rq->path) != 0) {
        snprintf(out->err, sizeof(out->err), "URL too long");
        rc = GG_ELIMIT;
        goto done;
    }
    if (gg_curl_load() != 0) {
        snprintf(out->err, sizeof(out->err), "libcurl not loaded");
        goto done;
    }
    h = gg_curl.easy_init();
    if (h == NULL) {
        snprintf(out->err, sizeof(out->err), "curl init failed");
        goto done;
    }
    if (rq->auth == GG_AUTH_BEARER)
        gg_buf_printf(&line, "Authorization: Bearer %s", token);
    else if (rq->auth == GG_AUTH_ACCESS_TOKEN)
        gg_buf_printf(&line, "Access-Token: %s", token);
    if (line.len)
        hdrs = gg_curl.slist_append(hdrs, line.data);
    if (rq->body) {
        gg_buf_reset(&line);
        gg_buf_printf(&line, "Content-Type: %s",
                      rq->content_type ? rq->content_type : "application/json");
        hdrs = gg_curl.slist_append(hdrs, line.data);
    }
    if (rq->idempotency_key) {
        gg_buf_reset(&line);
        gg_buf_printf(&line, "Idempotency-Key: %s", rq->idempotency_key);
        hdrs = gg_curl.slist_append(hdrs, line.data);
    }
    hdrs = gg_curl.slist_append(hdrs, "Accept: application/json");
    hdrs = gg_curl.slist_append(hdrs, "Expect:"); /* no 100-continue round trip */
    gg_curl.easy_setopt(h, CURLOPT_URL, url.data);
    gg_curl.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    gg_curl.easy_setopt(h, CURLOPT_USERAGENT, "gagas/1 (+channels)");
    gg_curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    gg_curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    gg_curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, telegram ? 60000L : 30000L);
    gg_curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    gg_curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    gg_curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    gg_curl.easy_setopt(h, CURLOPT_WRITEDATA, out);
    gg_curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    gg_curl.easy_setopt(h, CURLOPT_HEADERDATA, out);
    if (cancel) {
        gg_curl.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        gg_curl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
        gg_curl.easy_setopt(h, CURLOPT_XFERINFODATA, (void *)cancel);
    }
    if (strcmp(rq->method, "POST") == 0) {
        gg_curl.easy_setopt(h, CURLOPT_POST, 1L);
        gg_curl.easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
        gg_curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)(rq->body ? rq->body_len : 0));
    } else if (strcmp(rq->method, "GET") != 0) {
        gg_curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
    }
    CURLcode cc = gg_curl.easy_perform(h);
    long status = 0;
    gg_curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    out->status = (int)status;
    long req_bytes = 0;
    /* bytes of request written: a failure after they left is not a
     * failure to deliver (the platform may have posted) */
    if (gg_curl.easy_getinfo(h, CURLINFO_REQUEST_SIZE, &req_bytes) == CURLE_OK && req_bytes > 0)
        out->request_sent = 1;
    if (cc != CURLE_OK) {
        /* a status with a body cut short is still an answer, flagged */
        out->truncated = 1;
        snprintf(out->err, sizeof(out->err), "transport: %s", gg_curl.easy_strerror(cc));
        if (status == 0)
            goto done;
    }
    gg_buf_addc(&out->body, '\0'); /* keep a terminator for decoders */
    out->body.len--;
    rc = 0;
done:
    /* the URL may hold a Telegram token: wipe before freeing */
    if (url.data)
        memset(url.data, 0, url.len);
    if (line.data)
        memset(line.data, 0, line.len);
    gg_buf_dispose(&url);
    gg_buf_dispose(&line);
    if (hdrs) /* set only once libcurl is loaded */
        gg_curl.slist_free_all(hdrs);
    if (h)
        gg_curl.easy_cleanup(h);
    if (out->body.data == NULL) {
        gg_buf_addc(&out->body, '\0');
        out->body.len = 0;
    }
    return rc;
}

int64_t gg_chclient_wait(const gg_chclient_resp *r, int64_t now)
{
    int64_t w = r->retry_after;
    /* X and Mastodon: the window is spent until reset */
    if ((r->status == 429 || r->rl_remaining == 0) && r->rl_reset > now && r->rl_reset - now > w)
        w = r->rl_reset - now;
    if (r->body.data && r->body.len && r->body.len < 65536) {
        json_t *j = json_loadb(r->body.data, r->body.len, 0, NULL);
        /* Telegram: {"ok":false,"parameters":{"retry_after":7}} */
        json_int_t ta =
            json_integer_value(json_object_get(json_object_get(j, "parameters"), "retry_after"));
        if (ta > w)
            w = ta;
        /* YouTube: the daily quota restarts at midnight Pacific (08:00 UTC
         * in winter; an hour early in summer is safe to be late by) */
        if (r->status == 403 && strstr(r->body.data, "quotaExceeded")) {
            int64_t day = now - (now % 86400) + 8 * 3600;
            if (day <= now)
                day += 86400;
            if (day - now > w)
                w = day - now;
        }
        json_decref(j);
    }
    if (r->usage[0]) {
        gg_channel_sent s;
        memset(&s, 0, sizeof(s));
        /* Meta: estimated_time_to_regain_access comes through decode_sent */
        if (r->body.data && r->body.len)
            gg_channels_decode_sent("facebook", r->body.data, r->body.len, r->usage, &s);
        if (s.retry_after > w)
            w = s.retry_after;
        gg_channels_sent_dispose(&s);
    }
    if (r->status == 429 && w <= 0)
        w = 0; /* no hint: the caller backs off */
    return w;
}

/* ---- campaign calls ------------------------------------------------------- */

int gg_channels_build_publish(gg_channel_request *out, const gg_publish_opts *o)
{
    memset(out, 0, sizeof(*out));
    if (o == NULL || o->channel == NULL || o->text == NULL || !*o->text ||
        !gg_channels__utf8_ok(o->text, strlen(o->text)))
        return GG_EINVAL;
    const char *ver = o->graph_version ? o->graph_version : "v24.0";
    const char *c = o->channel;
    json_t *body = NULL;
    out->method = "POST";
    out->content_type = "application/json";
    out->auth = GG_AUTH_BEARER;
    if (strcmp(c, "facebook") == 0) {
        if (o->account == NULL)
            return GG_EINVAL;
        out->host = "graph.facebook.com";
        out->path = gg_channels__printf("/%s/%s/feed", ver, o->account);
        body = json_pack("{s:o}", "message", gg_channels__jstr(o->text));
        if (body && o->link)
            json_object_set_new(body, "link", json_string(o->link));
    } else if (strcmp(c, "instagram") == 0) {
        if (o->account == NULL)
            return GG_EINVAL;
        out->host = "graph.instagram.com";
        if (o->creation_id) { /* step 2: publish the finished container */
            out->path = gg_channels__printf("/%s/%s/media_publish", ver, o->account);
            body = json_pack("{s:s}", "creation_id", o->creation_id);
        } else {
            if (o->image_url == NULL || !*o->image_url)
                return GG_EINVAL; /* Instagram posts need an image */
            if (gg_channels__chars(o->text) > 2200)
                return GG_EINVAL;
            out->path = gg_channels__printf("/%s/%s/media", ver, o->account);
            body = json_pack("{s:s, s:o}", "image_url", o->image_url, "caption",
                             gg_channels__jstr(o->text));
        }
    } else if (strcmp(c, "x") == 0) {
        if (gg_channels__chars(o->text) > 280)
            return GG_EINVAL;
        out->host = "api.x.com";
        out->path = gg_strdup("/2/tweets");
        body = json_pack("{s:o}", "text", gg_channels__jstr(o->text));
    } else if (strcmp(c, "telegram") == 0) {
        if (o->account == NULL || gg_channels__chars(o->text) > 4096)
            return GG_EINVAL;
        char *end = NULL;
        long long chat = strtoll(o->account, &end, 10);
        out->host = "api.telegram.org";
        out->auth = GG_AUTH_TELEGRAM_PATH;
        out->path = gg_strdup("/sendMessage");
        /* a channel is "@name" or a negative id */
        body = (*end == '\0' && end != o->account)
                   ? json_pack("{s:I, s:o}", "chat_id", (json_int_t)chat, "text",
                               gg_channels__jstr(o->text))
                   : json_pack("{s:s, s:o}", "chat_id", o->account, "text",
                               gg_channels__jstr(o->text));
    } else if (strcmp(c, "mastodon") == 0) {
        if (o->idempotency_key == NULL || gg_channels__chars(o->text) > 500)
            return GG_EINVAL;
        out->host = NULL; /* the instance from the base URL map */
        out->path = gg_strdup("/api/v1/statuses");
        out->idempotency_key = gg_strdup(o->idempotency_key);
        body = json_pack("{s:o, s:s, s:s}", "status", gg_channels__jstr(o->text), "visibility",
                         "public", "language", o->language ? o->language : "id");
    } else {
        return GG_EINVAL;
    }
    int rc = body ? gg_channels__set_body(out, body) : GG_EINVAL;
    json_decref(body);
    if (rc != 0)
        gg_channels_request_dispose(out);
    return rc;
}
