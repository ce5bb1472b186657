/*
 * tiktok.c — TikTok connector (channels layer), for our own Business
 * account's videos only: the comment.update webhook (TikTok-Signature:
 * t=<unix>,s=<hex HMAC-SHA256(secret, "<t>." + body)>, stale t refused),
 * Business and Research comment-list pages, and the Business comment reply
 * builder. Invariant: ids are bare 19-digit JSON numbers (> 2^53) — read as
 * int64 and kept as digit text; `content` is JSON inside a string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channels/internal.h"
#include "core/alloc.h"
#include "core/err.h"

static int tt_verify(const gg_channel_secrets *s, const char *method, const gg_channel_headers *h,
                     const char *raw, size_t len, int64_t now)
{
    unsigned char mac[32];
    char t[24], sig[80];
    if (method == NULL || strcmp(method, "POST") != 0)
        return GG_EINVAL;
    if (s == NULL || !gg_channels__has(s->tiktok_client_secret) || h == NULL || raw == NULL)
        return GG_EAUTH;
    const char *hdr = h->get(h->ctx, "TikTok-Signature");
    if (hdr == NULL)
        return GG_EAUTH;
    /* "t=<digits>,s=<hex>" in any order; anything else fails. */
    t[0] = sig[0] = '\0';
    for (const char *p = hdr; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        while (n && *p == ' ')
            p++, n--;
        if (n > 2 && p[0] == 't' && p[1] == '=' && n - 2 < sizeof t)
            snprintf(t, sizeof t, "%.*s", (int)(n - 2), p + 2);
        else if (n > 2 && p[0] == 's' && p[1] == '=' && n - 2 < sizeof sig)
            snprintf(sig, sizeof sig, "%.*s", (int)(n - 2), p + 2);
        p += n;
        if (*p == ',')
            p++;
    }
    char *end = NULL;
    long long ts = strtoll(t, &end, 10);
    if (t[0] == '\0' || *end != '\0' || sig[0] == '\0')
        return GG_EAUTH;
    /* Replay guard: a signed body is only good for a few minutes. */
    if (ts < now - GG_CHANNELS_TIKTOK_SKEW || ts > now + GG_CHANNELS_TIKTOK_SKEW)
        return GG_EAUTH;
    char pre[sizeof t + 1];
    snprintf(pre, sizeof pre, "%s.", t); /* the signed message is "<t>." + body */
    gg_channels__hmac(s->tiktok_client_secret, pre, strlen(pre), raw, len, mac);
    return gg_channels__check_hex(sig, "", mac);
}

static gg_event_kind action_kind(const char *a)
{
    if (a == NULL)
        return 0;
    if (strcmp(a, "insert") == 0)
        return GG_EVENT_COMMENT;
    if (strcmp(a, "delete") == 0)
        return GG_EVENT_DELETE;
    if (strcmp(a, "set_to_hidden") == 0 || strcmp(a, "set_to_friends_only") == 0)
        return GG_EVENT_HIDE;
    if (strcmp(a, "set_to_public") == 0)
        return GG_EVENT_UNHIDE;
    return 0;
}

static int finish(gg_channel_batch *b, json_t *root, int rc)
{
    json_decref(root);
    if (rc != 0) {
        char keep[sizeof b->err];
        memcpy(keep, b->err, sizeof keep);
        gg_channels_batch_dispose(b);
        memcpy(b->err, keep, sizeof keep);
        return rc;
    }
    gg_channels__finish(b, 0);
    return 0;
}

static int tt_decode(const char *raw, size_t len, gg_channel_batch *b)
{
    json_t *root = NULL, *c = NULL;
    gg_event *e;
    gg_channels_batch_init(b);
    int rc = gg_channels__load(raw, len, &root, b);
    if (rc != 0)
        return finish(b, root, rc);
    const char *event = gg_channels__str(root, "event");
    const json_t *content = json_object_get(root, "content");
    if (event == NULL)
        return finish(b, root, gg_channels__fail(b, GG_EINVAL, "TikTok webhook without event"));
    if (strcmp(event, "comment.update") != 0)
        return finish(b, root, 0); /* authorization.removed, video.* : not comments */
    if (!json_is_string(content))
        return finish(b, root, gg_channels__fail(b, GG_EINVAL, "TikTok content is not a string"));
    /* content is JSON inside a string: parse it a second time. */
    rc = gg_channels__load(json_string_value(content), json_string_length(content), &c, b);
    if (rc != 0)
        goto done;
    const char *action = gg_channels__str(c, "comment_action");
    gg_event_kind kind = action_kind(action);
    if (kind == 0) {
        rc = gg_channels__fail(b, GG_EINVAL, "unknown TikTok comment_action");
        goto done;
    }
    if ((rc = gg_channels__push(b, "tiktok", kind, &e)) != 0)
        goto done;
    e->account_id = gg_channels__id(root, "user_openid");
    e->native_id = gg_channels__id(c, "comment_id");
    e->thread_root_id = gg_channels__id(c, "video_id");
    e->parent_id = gg_channels__id(c, "parent_comment_id");
    /* No user id in the webhook: the handle is the only author key there. */
    e->author_handle = gg_channels__dup(gg_channels__str(c, "unique_identifier"));
    e->author_id = gg_channels__dup(e->author_handle);
    const char *text = gg_channels__str(c, "text");
    e->text = (text && text[0]) ? gg_strdup(text) : NULL;
    e->created_at = gg_channels__int(c, "timestamp");
    e->detail = gg_channels__dup(gg_channels__str(c, "comment_type"));
    /* Visibility can flip back and forth: the time tells the versions apart. */
    if (kind == GG_EVENT_HIDE || kind == GG_EVENT_UNHIDE)
        e->version = gg_channels__id(c, "timestamp");
    if (e->native_id == NULL || e->thread_root_id == NULL) {
        rc = gg_channels__fail(b, GG_EINVAL, "TikTok comment without comment_id/video_id");
        goto done;
    }
    if (kind == GG_EVENT_COMMENT) {
        e->reply.to_id = gg_strdup(e->native_id);
        e->reply.chat_id = gg_strdup(e->thread_root_id);
    }
done:
    json_decref(c);
    return finish(b, root, rc);
}

const gg_channel gg_channel_tiktok = {
    .name = "tiktok",
    .verify = tt_verify,
    .decode = tt_decode,
    .handshake = NULL,
};

static int list_item(gg_channel_batch *b, const json_t *it, int research)
{
    gg_event *e;
    int rc = gg_channels__push(b, "tiktok", GG_EVENT_COMMENT, &e);
    if (rc != 0)
        return rc;
    e->native_id = gg_channels__id(it, research ? "id" : "comment_id");
    e->thread_root_id = gg_channels__id(it, "video_id");
    e->parent_id = gg_channels__id(it, "parent_comment_id");
    /* Research API: a top-level comment's parent is the video itself. */
    if (e->parent_id && e->thread_root_id && strcmp(e->parent_id, e->thread_root_id) == 0) {
        gg_free(e->parent_id);
        e->parent_id = NULL;
    }
    e->author_id = gg_channels__id(it, "user_id");
    const char *h = gg_channels__str(it, "unique_identifier");
    e->author_handle = gg_channels__dup(h ? h : gg_channels__str(it, "username"));
    e->author_name = gg_channels__dup(gg_channels__str(it, "display_name"));
    e->text = gg_channels__dup(gg_channels__str(it, "text"));
    e->created_at = gg_channels__int(it, "create_time");
    e->detail = gg_channels__dup(gg_channels__str(it, "status"));
    if (json_is_true(json_object_get(it, "owner")))
        e->flags |= GG_EVF_SELF;
    if (e->native_id == NULL || e->thread_root_id == NULL)
        return gg_channels__fail(b, GG_EINVAL, "TikTok comment without id/video_id");
    if (!research) { /* only the Business API can answer */
        e->reply.to_id = gg_strdup(e->native_id);
        e->reply.chat_id = gg_strdup(e->thread_root_id);
    }
    return 0;
}

int gg_channels_tiktok_decode_list(const char *raw, size_t len, gg_channel_batch *b)
{
    json_t *root = NULL, *it;
    size_t i;
    gg_channels_batch_init(b);
    int rc = gg_channels__load(raw, len, &root, b);
    if (rc != 0)
        return finish(b, root, rc);
    /* Business: {"code":0,…,"data"}; Research: {"data",…,"error":{"code":"ok"}}. */
    const json_t *code = json_object_get(root, "code");
    const json_t *err = json_object_get(root, "error");
    int research = json_is_object(err);
    if ((code && json_integer_value(code) != 0) ||
        (research &&
         strcmp(gg_channels__str(err, "code") ? gg_channels__str(err, "code") : "", "ok") != 0)) {
        const char *msg =
            research ? gg_channels__str(err, "message") : gg_channels__str(root, "message");
        return finish(b, root,
                      gg_channels__fail(b, GG_EUPSTREAM, "TikTok error: %.120s", msg ? msg : "?"));
    }
    const json_t *data = json_object_get(root, "data");
    if (!json_is_array(json_object_get(data, "comments")))
        return finish(b, root,
                      gg_channels__fail(b, GG_EINVAL, "TikTok list without data.comments"));
    json_array_foreach(json_object_get(data, "comments"), i, it)
    {
        if ((rc = list_item(b, it, research)) != 0)
            return finish(b, root, rc);
    }
    if (json_is_true(json_object_get(data, "has_more")))
        b->next_page = gg_channels__id(data, "cursor");
    return finish(b, root, 0);
}

int gg_channels__tiktok_reply(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o)
{
    int rc = GG_EINVAL;
    /* Integrators report 150 characters; a retry can post twice (no key). */
    if (o->business_id == NULL || ev->reply.chat_id == NULL || gg_channels__chars(o->text) > 150)
        return GG_EINVAL;
    json_t *body = json_pack("{s:s, s:s, s:s, s:o}", "business_id", o->business_id, "video_id",
                             ev->reply.chat_id, "comment_id", ev->reply.to_id, "text",
                             gg_channels__jstr(o->text));
    if (body == NULL)
        return GG_EINVAL;
    out->method = "POST";
    out->host = "business-api.tiktok.com";
    out->path = gg_strdup("/open_api/v1.3/business/comment/reply/create/");
    out->content_type = "application/json";
    out->auth = GG_AUTH_ACCESS_TOKEN;
    rc = gg_channels__set_body(out, body);
    json_decref(body);
    if (rc != 0)
        gg_channels_request_dispose(out);
    return rc;
}
