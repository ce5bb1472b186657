/*
 * mastodon.c — Mastodon connector (channels layer): admin webhooks on an
 * instance we run (X-Hub-Signature: sha256=<hex>), streaming events (SSE
 * bytes, one event, or a WebSocket frame whose payload is JSON inside a
 * string), REST pages of statuses or notifications with Link pagination,
 * and POST /api/v1/statuses builders (reply with Idempotency-Key, poll).
 * Invariant: content is sanitised HTML, turned into plain text (GG_EVF_HTML); a `delete` stream
 * payload is a bare id, never JSON; boosts (reblogs) are not new content.
 */
#include <stdio.h>
#include <string.h>

#include "channels/internal.h"
#include "core/alloc.h"
#include "core/err.h"

static int m_verify(const gg_channel_secrets *s, const char *method, const gg_channel_headers *h,
                    const char *raw, size_t len, int64_t now)
{
    unsigned char mac[32];
    (void)now;
    if (method == NULL || strcmp(method, "POST") != 0)
        return GG_EINVAL;
    if (s == NULL || !gg_channels__has(s->mastodon_webhook_secret) || h == NULL || raw == NULL)
        return GG_EAUTH;
    gg_channels__hmac(s->mastodon_webhook_secret, raw, len, NULL, 0, mac);
    return gg_channels__check_hex(h->get(h->ctx, "X-Hub-Signature"), "sha256=", mac);
}

/* A Status (kind_hint: POST for new, EDIT for status.update, MENTION). */
static int decode_status(gg_channel_batch *b, const json_t *st, gg_event_kind kind)
{
    gg_event *e;
    const json_t *acct = json_object_get(st, "account");
    if (!json_is_object(st) || gg_channels__str(st, "id") == NULL)
        return gg_channels__fail(b, GG_EINVAL, "Mastodon status without id");
    if (json_is_object(json_object_get(st, "reblog")))
        return 0; /* a boost: the original arrives (or arrived) on its own */
    const char *parent = gg_channels__str(st, "in_reply_to_id");
    if (kind == GG_EVENT_POST && parent)
        kind = GG_EVENT_COMMENT;
    int rc = gg_channels__push(b, "mastodon", kind, &e);
    if (rc != 0)
        return rc;
    e->native_id = gg_channels__id(st, "id");
    e->author_id = gg_channels__id(acct, "id");
    e->author_handle = gg_channels__dup(gg_channels__str(acct, "acct")); /* user@domain if remote */
    e->author_name = gg_channels__dup(gg_channels__str(acct, "display_name"));
    /* content is sanitised HTML; plain text is not available for remote posts. */
    e->text = gg_channels__html_to_text(gg_channels__str(st, "content"));
    e->flags |= GG_EVF_HTML;
    if (json_is_true(json_object_get(acct, "bot")))
        e->flags |= GG_EVF_BOT;
    e->lang = gg_channels__dup(gg_channels__str(st, "language"));
    e->created_at = gg_channels__time(st, "created_at");
    const char *edited = gg_channels__str(st, "edited_at");
    if (edited) {
        e->edited_at = gg_channels__time(st, "edited_at");
        e->version = gg_strdup(edited);
    }
    e->parent_id = gg_channels__dup(parent);
    e->thread_root_id = gg_channels__dup(parent);
    e->media = gg_channels__dup(
        gg_channels__str(json_array_get(json_object_get(st, "media_attachments"), 0), "url"));
    e->detail = gg_channels__dup(gg_channels__str(st, "visibility"));
    e->reply.to_id = gg_strdup(e->native_id);
    e->reply.handle = gg_channels__dup(e->author_handle);
    return 0;
}

/* A Notification: only mentions carry citizen content. */
static int decode_notification(gg_channel_batch *b, const json_t *n)
{
    const char *type = gg_channels__str(n, "type");
    if (type == NULL)
        return gg_channels__fail(b, GG_EINVAL, "Mastodon notification without type");
    if (strcmp(type, "mention") != 0)
        return 0;
    return decode_status(b, json_object_get(n, "status"), GG_EVENT_MENTION);
}

static int decode_delete(gg_channel_batch *b, const char *data, size_t len)
{
    gg_event *e;
    while (len && (data[len - 1] == ' ' || data[len - 1] == '\r' || data[len - 1] == '\n'))
        len--;
    if (len == 0 || len > 64)
        return gg_channels__fail(b, GG_EINVAL, "Mastodon delete without a status id");
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return gg_channels__fail(b, GG_EINVAL, "Mastodon delete id is not an id");
    }
    int rc = gg_channels__push(b, "mastodon", GG_EVENT_DELETE, &e);
    if (rc == 0)
        e->native_id = gg_strndup(data, len);
    return rc;
}

/* Append the events of one stream event; no batch init/finish. */
static int stream_event(gg_channel_batch *b, const char *event, const char *data, size_t len)
{
    json_t *j = NULL;
    int rc;
    if (event == NULL)
        return gg_channels__fail(b, GG_EINVAL, "stream event without a name");
    if (strcmp(event, "delete") == 0)
        return decode_delete(b, data, len);
    int update = strcmp(event, "update") == 0, edit = strcmp(event, "status.update") == 0;
    int notif = strcmp(event, "notification") == 0;
    if (!update && !edit && !notif)
        return 0; /* filters_changed, announcements, conversation: not ideas */
    if ((rc = gg_channels__load(data, len, &j, b)) != 0)
        return rc;
    if (notif)
        rc = decode_notification(b, j);
    else
        rc = decode_status(b, j, edit ? GG_EVENT_EDIT : GG_EVENT_POST);
    json_decref(j);
    return rc;
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

static int m_decode(const char *raw, size_t len, gg_channel_batch *b)
{
    json_t *root = NULL;
    gg_channels_batch_init(b);
    int rc = gg_channels__load(raw, len, &root, b);
    if (rc != 0)
        return finish(b, root, rc);
    const char *event = gg_channels__str(root, "event");
    const json_t *obj = json_object_get(root, "object");
    if (event == NULL || !json_is_object(obj))
        return finish(b, root,
                      gg_channels__fail(b, GG_EINVAL, "not a Mastodon webhook (event, object)"));
    if (strcmp(event, "status.created") == 0)
        rc = decode_status(b, obj, GG_EVENT_POST);
    else if (strcmp(event, "status.updated") == 0)
        rc = decode_status(b, obj, GG_EVENT_EDIT);
    /* account.* and report.* events are for moderators, not the idea inbox. */
    return finish(b, root, rc);
}

/* The URL in `<url>; rel="<rel>"` of a Link header; NULL when absent. */
static char *link_rel(const char *link, const char *rel)
{
    const char *p = link;
    while (p && (p = strchr(p, '<')) != NULL) {
        const char *end = strchr(p, '>');
        if (end == NULL)
            return NULL;
        const char *next = strchr(end, '<');
        size_t seg = next ? (size_t)(next - end) : strlen(end);
        char want[32];
        snprintf(want, sizeof want, "rel=\"%s\"", rel);
        const char *hit = strstr(end, want);
        if (hit && (size_t)(hit - end) < seg)
            return gg_strndup(p + 1, (size_t)(end - p - 1));
        p = end;
    }
    return NULL;
}

int gg_channels_mastodon_decode_page(const char *raw, size_t len, const char *link,
                                     gg_channel_batch *b)
{
    json_t *root = NULL, *it;
    size_t i;
    gg_channels_batch_init(b);
    int rc = gg_channels__load(raw, len, &root, b);
    if (rc != 0)
        return finish(b, root, rc);
    if (!json_is_array(root)) {
        const char *err = gg_channels__str(root, "error");
        int code = err == NULL                                  ? GG_EINVAL
                   : strncmp(err, "Too many requests", 17) == 0 ? GG_ERATE
                                                                : GG_EUPSTREAM;
        return finish(b, root,
                      gg_channels__fail(b, code, "Mastodon page is not an array%s%.80s",
                                        err ? ": " : "", err ? err : ""));
    }
    json_array_foreach(root, i, it)
    {
        /* Notifications have a type and wrap the status. */
        if (json_object_get(it, "type") && json_object_get(it, "status"))
            rc = decode_notification(b, it);
        else if (json_object_get(it, "type"))
            rc = 0; /* follow, favourite without a status */
        else
            rc = decode_status(b, it, GG_EVENT_POST);
        if (rc != 0)
            break;
    }
    if (rc == 0 && link) {
        /* Forward polling uses min_id (prev); since_id would skip a gap. */
        b->next_page = link_rel(link, "next");
        b->prev_page = link_rel(link, "prev");
    }
    return finish(b, root, rc);
}

int gg_channels_mastodon_decode_event(const char *event, const char *data, size_t len,
                                      gg_channel_batch *b)
{
    gg_channels_batch_init(b);
    if (data == NULL)
        return gg_channels__fail(b, GG_EINVAL, "stream event without data");
    if (len > GG_CHANNELS_MAX_BODY)
        return gg_channels__fail(b, GG_ELIMIT, "stream event over the cap");
    return finish(b, NULL, stream_event(b, event, data, len));
}

int gg_channels_mastodon_decode_sse(const char *raw, size_t len, gg_channel_batch *b)
{
    gg_buf data;
    char event[64] = "";
    size_t pos = 0;
    int rc = 0, have = 0;
    gg_channels_batch_init(b);
    if (raw == NULL)
        return gg_channels__fail(b, GG_EINVAL, "empty stream");
    if (len > GG_CHANNELS_MAX_BODY)
        return gg_channels__fail(b, GG_ELIMIT, "stream chunk over the cap");
    gg_buf_init(&data, GG_CHANNELS_MAX_BODY);
    while (rc == 0 && pos < len) {
        /* Only whole lines count: an unterminated tail belongs to the next chunk. */
        const char *nl = memchr(raw + pos, '\n', len - pos);
        if (nl == NULL)
            break;
        size_t end = (size_t)(nl - raw);
        size_t n = end - pos;
        const char *line = raw + pos;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n == 0) {
            /* A blank line dispatches the event gathered so far. */
            if (have)
                rc = stream_event(b, event[0] ? event : "message", data.data ? data.data : "",
                                  data.len);
            gg_buf_reset(&data);
            event[0] = '\0';
            have = 0;
        } else if (line[0] == ':') {
            /* comment: ":)" hello, ":thump" heartbeat */
        } else if (n >= 6 && memcmp(line, "event:", 6) == 0) {
            size_t k = 6 + (n > 6 && line[6] == ' ');
            snprintf(event, sizeof event, "%.*s", (int)(n - k), line + k);
        } else if (n >= 5 && memcmp(line, "data:", 5) == 0) {
            size_t k = 5 + (n > 5 && line[5] == ' ');
            if (have)
                rc = gg_buf_addc(&data, '\n');
            if (rc == 0)
                rc = gg_buf_add(&data, line + k, n - k);
            have = 1;
        }
        pos = end + 1;
    }
    /* An event not yet closed by a blank line stays for the next chunk. */
    gg_buf_dispose(&data);
    if (rc == GG_ELIMIT && b->err[0] == '\0')
        gg_channels__fail(b, rc, "stream event over the cap");
    return finish(b, NULL, rc);
}

int gg_channels_mastodon_decode_ws(const char *raw, size_t len, gg_channel_batch *b)
{
    json_t *root = NULL;
    gg_channels_batch_init(b);
    int rc = gg_channels__load(raw, len, &root, b);
    if (rc != 0)
        return finish(b, root, rc);
    const char *event = gg_channels__str(root, "event");
    const json_t *payload = json_object_get(root, "payload");
    if (event == NULL) {
        const char *err = gg_channels__str(root, "error");
        return finish(b, root,
                      gg_channels__fail(b, err ? GG_EUPSTREAM : GG_EINVAL,
                                        "Mastodon stream frame without event%s%.80s",
                                        err ? ": " : "", err ? err : ""));
    }
    if (payload && !json_is_string(payload))
        return finish(b, root, gg_channels__fail(b, GG_EINVAL, "frame payload is not a string"));
    /* The payload is JSON inside a string: parse it a second time. */
    const char *p = payload ? json_string_value(payload) : "";
    size_t plen = payload ? json_string_length(payload) : 0;
    rc = stream_event(b, event, p, plen);
    return finish(b, root, rc);
}

const gg_channel gg_channel_mastodon = {
    .name = "mastodon",
    .verify = m_verify,
    .decode = m_decode,
    .handshake = NULL,
};

/* ------------------------------------------------------------------ replies */

static int status_request(gg_channel_request *out, json_t *body, const char *key)
{
    int rc = GG_EINVAL;
    if (body == NULL || key == NULL || key[0] == '\0' || strlen(key) > 256)
        goto done;
    out->method = "POST";
    out->host = NULL; /* per instance: the client uses its configured base URL */
    out->path = gg_strdup("/api/v1/statuses");
    out->content_type = "application/json";
    out->auth = GG_AUTH_BEARER;
    /* The server keeps the key for an hour: a retried POST cannot post twice. */
    out->idempotency_key = gg_strdup(key);
    rc = gg_channels__set_body(out, body);
done:
    json_decref(body);
    if (rc != 0)
        gg_channels_request_dispose(out);
    return rc;
}

int gg_channels__mastodon_reply(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o)
{
    char *status = NULL;
    const char *h = ev->reply.handle;
    size_t hl = h ? strlen(h) : 0;
    /* Start with @user@domain so the author is notified (unless already). */
    if (h && !(o->text[0] == '@' && strncmp(o->text + 1, h, hl) == 0))
        status = gg_channels__printf("@%s %s", h, o->text);
    else
        status = gg_strdup(o->text);
    if (gg_channels__chars(status) > 500) {
        gg_free(status);
        return GG_EINVAL;
    }
    /* Never widen the audience: answer a private/direct post in kind. */
    const char *vis = "public";
    if (ev->detail && (strcmp(ev->detail, "direct") == 0 || strcmp(ev->detail, "private") == 0 ||
                       strcmp(ev->detail, "unlisted") == 0))
        vis = ev->detail;
    json_t *body =
        json_pack("{s:o, s:s, s:s, s:s}", "status", gg_channels__jstr(status), "in_reply_to_id",
                  ev->reply.to_id, "visibility", vis, "language", o->language ? o->language : "id");
    gg_free(status);
    return status_request(out, body, o->idempotency_key);
}

int gg_channels_mastodon_build_poll(gg_channel_request *out, const gg_poll_opts *p,
                                    const char *idempotency_key, const char *language)
{
    memset(out, 0, sizeof *out);
    /* Instance defaults: 4 options × 50 chars, 300 s – 2629746 s. */
    if (p == NULL || p->question == NULL || p->quiz || p->n_options < 2 || p->n_options > 4)
        return GG_EINVAL;
    int64_t expires = p->duration_s ? p->duration_s : 86400;
    if (expires < 300 || expires > 2629746 || gg_channels__chars(p->question) > 500)
        return GG_EINVAL;
    json_t *opts = json_array();
    for (size_t i = 0; i < p->n_options; i++) {
        size_t n = gg_channels__chars(p->options[i]);
        if (n < 1 || n > 50 || json_array_append_new(opts, gg_channels__jstr(p->options[i])) != 0) {
            json_decref(opts);
            return GG_EINVAL;
        }
    }
    json_t *body =
        json_pack("{s:o, s:{s:o, s:I, s:b}, s:s, s:s}", "status", gg_channels__jstr(p->question),
                  "poll", "options", opts, "expires_in", (json_int_t)expires, "multiple",
                  p->multiple, "visibility", "public", "language", language ? language : "id");
    return status_request(out, body, idempotency_key);
}
