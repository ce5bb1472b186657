/*
 * meta.c — Meta webhooks, one parser family for four channels (channels
 * layer): Facebook Page feed, Instagram comments/mentions/DMs, Messenger and
 * WhatsApp Cloud API, all POSTed to /hooks/meta and signed with
 * X-Hub-Signature-256 over the raw bytes. Also the GET hub.challenge
 * handshake and the Graph API reply builders (comment reply, private reply,
 * Send API and WhatsApp messages inside the 24-hour window).
 * Invariant: entry[] and changes[] are always iterated in full (batches).
 */
#include <sodium.h>
#include <string.h>

#include "channels/internal.h"
#include "core/alloc.h"
#include "core/err.h"

static int meta_verify(const gg_channel_secrets *s, const char *method, const gg_channel_headers *h,
                       const char *raw, size_t len, int64_t now)
{
    unsigned char mac[32];
    (void)now;
    if (method == NULL || strcmp(method, "POST") != 0)
        return GG_EINVAL;
    if (s == NULL || !gg_channels__has(s->meta_app_secret) || h == NULL || raw == NULL)
        return GG_EAUTH;
    /* Only the sha256 header counts; the legacy sha1 one is ignored. */
    const char *sig = h->get(h->ctx, "X-Hub-Signature-256");
    gg_channels__hmac(s->meta_app_secret, raw, len, NULL, 0, mac);
    return gg_channels__check_hex(sig, "sha256=", mac);
}

static int challenge_ok(const char *c)
{
    size_t n = c ? strlen(c) : 0;
    if (n == 0 || n > 256)
        return 0;
    /* We echo it back verbatim, so accept only a token, never markup. */
    for (size_t i = 0; i < n; i++) {
        char ch = c[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              ch == '-' || ch == '_' || ch == '.'))
            return 0;
    }
    return 1;
}

int gg_channels_meta_handshake(const gg_channel_secrets *s, const char *query, gg_buf *body,
                               const char **content_type)
{
    int rc = GG_EAUTH;
    char *mode = gg_channels__query_get(query, "hub.mode");
    char *token = gg_channels__query_get(query, "hub.verify_token");
    char *challenge = gg_channels__query_get(query, "hub.challenge");
    if (s == NULL || !gg_channels__has(s->meta_verify_token))
        goto done;
    if (mode == NULL || strcmp(mode, "subscribe") != 0 || !challenge_ok(challenge))
        goto done;
    if (!gg_channels__secret_eq(token, s->meta_verify_token))
        goto done;
    gg_buf_reset(body);
    rc = gg_buf_adds(body, challenge);
    if (rc == 0 && content_type)
        *content_type = "text/plain";
done:
    gg_free(mode);
    gg_free(token);
    gg_free(challenge);
    return rc;
}

/* ------------------------------------------------------------------ decode */

/* Messenger and Instagram DMs: entry[].messaging[] (timestamps in ms). */
static int decode_messaging(gg_channel_batch *b, const char *channel, const char *account,
                            const json_t *arr)
{
    size_t i;
    json_t *m;
    json_array_foreach(arr, i, m)
    {
        gg_event *e;
        json_t *msg = json_object_get(m, "message");
        json_t *edit = json_object_get(m, "message_edit");
        const char *sender = gg_channels__str(json_object_get(m, "sender"), "id");
        int64_t ts = gg_channels__int(m, "timestamp") / 1000;
        int rc;
        if (!json_is_object(msg) && !json_is_object(edit))
            continue; /* read, delivery, reaction, postback: not content */
        if (sender == NULL)
            return gg_channels__fail(b, GG_EINVAL, "messaging[%zu] has no sender.id", i);
        rc = gg_channels__push(b, channel, json_is_object(msg) ? GG_EVENT_MESSAGE : GG_EVENT_EDIT,
                               &e);
        if (rc != 0)
            return rc;
        const json_t *o = json_is_object(msg) ? msg : edit;
        e->account_id = gg_channels__dup(account);
        e->native_id = gg_channels__id(o, "mid");
        e->author_id = gg_strdup(sender);
        e->text = gg_channels__dup(gg_channels__str(o, "text"));
        e->thread_root_id = gg_strdup(sender); /* one conversation per PSID */
        e->created_at = ts;
        if (json_is_object(msg)) {
            json_t *att = json_array_get(json_object_get(msg, "attachments"), 0);
            e->parent_id =
                gg_channels__dup(gg_channels__str(json_object_get(msg, "reply_to"), "mid"));
            e->media = gg_channels__dup(gg_channels__str(json_object_get(att, "payload"), "url"));
            if (json_is_true(json_object_get(msg, "is_echo")))
                e->flags |= GG_EVF_SELF; /* a message our Page sent */
        } else {
            e->version = gg_channels__id(o, "num_edit");
            e->edited_at = ts;
        }
        if (e->native_id == NULL)
            return gg_channels__fail(b, GG_EINVAL, "messaging[%zu] has no mid", i);
        e->reply.to_id = gg_strdup(e->native_id);
        e->reply.chat_id = gg_strdup(sender);
        e->reply.via_id = gg_channels__dup(account);
        e->reply.window_start = ts;
    }
    return 0;
}

static gg_event_kind feed_kind(const char *verb, int is_comment)
{
    if (strcmp(verb, "add") == 0)
        return is_comment ? GG_EVENT_COMMENT : GG_EVENT_POST;
    if (strcmp(verb, "edited") == 0 || strcmp(verb, "edit") == 0 || strcmp(verb, "update") == 0)
        return GG_EVENT_EDIT;
    if (strcmp(verb, "remove") == 0 || strcmp(verb, "delete") == 0)
        return GG_EVENT_DELETE;
    if (strcmp(verb, "hide") == 0)
        return GG_EVENT_HIDE;
    if (strcmp(verb, "unhide") == 0)
        return GG_EVENT_UNHIDE;
    return 0;
}

/* Facebook Page: field "feed" (and "mention", which has the same shape). */
static int decode_feed(gg_channel_batch *b, const char *page, const json_t *v, int mention)
{
    const char *item = gg_channels__str(v, "item");
    const char *verb = gg_channels__str(v, "verb");
    gg_event *e;
    if (item == NULL || verb == NULL)
        return gg_channels__fail(b, GG_EINVAL, "feed change without item/verb");
    int is_comment = strcmp(item, "comment") == 0;
    /* Reactions, likes and shares are engagement, not ideas. */
    if (!is_comment && strcmp(item, "post") != 0 && strcmp(item, "status") != 0 &&
        strcmp(item, "photo") != 0 && strcmp(item, "video") != 0)
        return 0;
    gg_event_kind kind = feed_kind(verb, is_comment);
    if (kind == 0)
        return 0; /* block, mute, follow: moderation bookkeeping */
    if (mention && kind != GG_EVENT_COMMENT && kind != GG_EVENT_POST)
        return 0;
    int rc = gg_channels__push(b, "facebook", mention ? GG_EVENT_MENTION : kind, &e);
    if (rc != 0)
        return rc;
    const json_t *from = json_object_get(v, "from");
    e->account_id = gg_channels__dup(page);
    e->native_id = gg_channels__id(v, is_comment ? "comment_id" : "post_id");
    if (json_is_object(from)) {
        e->author_id = gg_channels__id(from, "id");
        e->author_name = gg_channels__dup(gg_channels__str(from, "name"));
    } else { /* payloads before Graph 2.11 */
        e->author_id = gg_channels__id(v, "sender_id");
        e->author_name = gg_channels__dup(gg_channels__str(v, "sender_name"));
    }
    e->text = gg_channels__dup(gg_channels__str(v, "message"));
    e->created_at = gg_channels__int(v, "created_time");
    e->thread_root_id = gg_channels__id(v, "post_id");
    if (is_comment)
        e->parent_id = gg_channels__id(v, "parent_id");
    e->media =
        gg_channels__dup(gg_channels__str(v, json_object_get(v, "photo") ? "photo" : "video"));
    if (e->native_id == NULL)
        return gg_channels__fail(b, GG_EINVAL, "feed %s without its id", item);
    if (e->author_id && page && strcmp(e->author_id, page) == 0)
        e->flags |= GG_EVF_SELF; /* our own Page's reply coming back */
    /* Edits keep comment_id and created_time: the text hash tells versions apart. */
    if (e->kind == GG_EVENT_EDIT)
        e->version = gg_channels__text_hash(e->text);
    if (e->kind != GG_EVENT_DELETE && e->kind != GG_EVENT_HIDE && e->kind != GG_EVENT_UNHIDE) {
        e->reply.to_id = gg_strdup(e->native_id);
        e->reply.via_id = gg_channels__dup(page);
    }
    return 0;
}

/* Instagram: fields "comments" / "live_comments" and "mentions". */
static int decode_instagram(gg_channel_batch *b, const char *ig, int64_t time, const char *field,
                            const json_t *v)
{
    gg_event *e;
    int rc;
    if (strcmp(field, "mentions") == 0) {
        rc = gg_channels__push(b, "instagram", GG_EVENT_MENTION, &e);
        if (rc != 0)
            return rc;
        e->flags |= GG_EVF_NEEDS_FETCH; /* ids only: the text needs a Graph call */
        e->account_id = gg_channels__dup(ig);
        e->native_id = gg_channels__id(v, "comment_id");
        e->thread_root_id = gg_channels__id(v, "media_id");
        e->created_at = time;
        if (e->native_id == NULL)
            return gg_channels__fail(b, GG_EINVAL, "instagram mention without comment_id");
        e->reply.to_id = gg_strdup(e->native_id);
        e->reply.via_id = gg_channels__dup(ig);
        return 0;
    }
    if (strcmp(field, "comments") != 0 && strcmp(field, "live_comments") != 0)
        return 0;
    rc = gg_channels__push(b, "instagram", GG_EVENT_COMMENT, &e);
    if (rc != 0)
        return rc;
    const json_t *from = json_object_get(v, "from");
    e->account_id = gg_channels__dup(ig);
    e->native_id = gg_channels__id(v, "id");
    e->author_id = gg_channels__id(from, "id");
    e->author_handle = gg_channels__dup(gg_channels__str(from, "username"));
    e->text = gg_channels__dup(gg_channels__str(v, "text"));
    e->created_at = time; /* comments carry no time of their own */
    e->thread_root_id = gg_channels__id(json_object_get(v, "media"), "id");
    e->parent_id = gg_channels__id(v, "parent_id");
    if (e->parent_id == NULL)
        e->parent_id = gg_channels__dup(e->thread_root_id);
    if (e->native_id == NULL)
        return gg_channels__fail(b, GG_EINVAL, "instagram comment without id");
    if (e->author_id && ig && strcmp(e->author_id, ig) == 0)
        e->flags |= GG_EVF_SELF;
    e->reply.to_id = gg_strdup(e->native_id);
    e->reply.via_id = gg_channels__dup(ig);
    return 0;
}

/* The text a WhatsApp message of any type carries, if any. */
static const char *wa_text(const json_t *m, const char *type)
{
    json_t *obj = json_object_get(m, type);
    if (strcmp(type, "text") == 0)
        return gg_channels__str(obj, "body");
    if (strcmp(type, "button") == 0)
        return gg_channels__str(obj, "text");
    if (strcmp(type, "interactive") == 0) {
        json_t *r = json_object_get(obj, "button_reply");
        if (!r)
            r = json_object_get(obj, "list_reply");
        return gg_channels__str(r, "title");
    }
    return gg_channels__str(obj, "caption"); /* image, video, document */
}

static int decode_whatsapp_message(gg_channel_batch *b, const char *phone_id,
                                   const json_t *contacts, const json_t *m)
{
    const char *type = gg_channels__str(m, "type");
    const char *from = gg_channels__str(m, "from");
    const char *from_user = gg_channels__str(m, "from_user_id");
    gg_event *e;
    size_t i;
    json_t *c, *contact = NULL;
    if (type == NULL || (from == NULL && from_user == NULL))
        return gg_channels__fail(b, GG_EINVAL, "whatsapp message without type/from");
    if (strcmp(type, "reaction") == 0)
        return 0;
    json_array_foreach(contacts, i, c)
    {
        const char *wa = gg_channels__str(c, "wa_id"), *uid = gg_channels__str(c, "user_id");
        if ((from && wa && strcmp(wa, from) == 0) ||
            (from_user && uid && strcmp(uid, from_user) == 0))
            contact = c;
    }
    gg_event_kind kind = GG_EVENT_MESSAGE;
    if (strcmp(type, "edit") == 0)
        kind = GG_EVENT_EDIT;
    else if (strcmp(type, "revoke") == 0)
        kind = GG_EVENT_DELETE;
    int rc = gg_channels__push(b, "whatsapp", kind, &e);
    if (rc != 0)
        return rc;
    const char *uid = gg_channels__str(contact, "user_id");
    e->account_id = gg_channels__dup(phone_id);
    /* Business-scoped user id first (numbers may be withheld), else wa_id. */
    e->author_id = gg_strdup(uid ? uid : from_user ? from_user : from);
    e->author_name =
        gg_channels__dup(gg_channels__str(json_object_get(contact, "profile"), "name"));
    e->created_at = gg_channels__int(m, "timestamp"); /* a decimal string of seconds */
    e->thread_root_id = gg_strdup(e->author_id);
    e->parent_id = gg_channels__id(json_object_get(m, "context"), "id");
    if (kind == GG_EVENT_EDIT) {
        const json_t *ed = json_object_get(m, "edit");
        const json_t *inner = json_object_get(ed, "message");
        const char *itype = gg_channels__str(inner, "type");
        e->native_id = gg_channels__id(ed, "original_message_id");
        e->version = gg_channels__id(m, "id");
        e->text = itype ? gg_channels__dup(wa_text(inner, itype)) : NULL;
        e->edited_at = e->created_at;
    } else if (kind == GG_EVENT_DELETE) {
        e->native_id = gg_channels__id(json_object_get(m, "revoke"), "original_message_id");
    } else {
        json_t *media = json_object_get(m, type);
        e->native_id = gg_channels__id(m, "id");
        e->text = gg_channels__dup(wa_text(m, type));
        if (strcmp(type, "location") == 0) {
            e->lat = json_number_value(json_object_get(media, "latitude"));
            e->lon = json_number_value(json_object_get(media, "longitude"));
            e->flags |= GG_EVF_HAS_GEO;
            const char *nm = gg_channels__str(media, "name"),
                       *ad = gg_channels__str(media, "address");
            if (nm || ad)
                e->detail =
                    gg_channels__printf("%s%s%s", nm ? nm : "", nm && ad ? ", " : "", ad ? ad : "");
        } else if (json_is_object(media) && json_object_get(media, "id")) {
            e->media = gg_channels__id(media, "id"); /* fetch with GET /{media-id} */
        }
        if (strcmp(type, "text") != 0 && strcmp(type, "location") != 0 && e->detail == NULL)
            e->detail = gg_strdup(type);
    }
    if (e->native_id == NULL)
        return gg_channels__fail(b, GG_EINVAL, "whatsapp %s message without id", type);
    if (kind != GG_EVENT_DELETE && from != NULL) {
        e->reply.to_id = gg_channels__id(m, "id");
        e->reply.chat_id = gg_strdup(from);
        e->reply.via_id = gg_channels__dup(phone_id);
        e->reply.window_start = e->created_at;
    }
    return 0;
}

static int decode_whatsapp(gg_channel_batch *b, const json_t *v)
{
    const char *phone_id = gg_channels__str(json_object_get(v, "metadata"), "phone_number_id");
    const json_t *contacts = json_object_get(v, "contacts");
    size_t i;
    json_t *x;
    int rc;
    if (phone_id == NULL)
        return gg_channels__fail(b, GG_EINVAL, "whatsapp change without metadata.phone_number_id");
    json_array_foreach(json_object_get(v, "messages"), i, x)
    {
        if ((rc = decode_whatsapp_message(b, phone_id, contacts, x)) != 0)
            return rc;
    }
    json_array_foreach(json_object_get(v, "statuses"), i, x)
    {
        gg_event *e;
        if ((rc = gg_channels__push(b, "whatsapp", GG_EVENT_STATUS, &e)) != 0)
            return rc;
        json_t *err = json_array_get(json_object_get(x, "errors"), 0);
        e->account_id = gg_strdup(phone_id);
        e->native_id = gg_channels__id(x, "id");
        e->version = gg_channels__id(x, "status"); /* dedupe statuses on (wamid, status) */
        e->created_at = gg_channels__int(x, "timestamp");
        e->reply.chat_id = gg_channels__id(x, "recipient_id");
        e->callback = gg_channels__id(x, "biz_opaque_callback_data");
        if (err) {
            char *code = gg_channels__id(err, "code");
            const char *title = gg_channels__str(err, "title");
            e->detail = gg_channels__printf("%s %s", code ? code : "?", title ? title : "");
            gg_free(code);
        }
        if (e->native_id == NULL || e->version == NULL)
            return gg_channels__fail(b, GG_EINVAL, "whatsapp status without id/status");
    }
    return 0;
}

static int meta_decode(const char *raw, size_t len, gg_channel_batch *b)
{
    json_t *root = NULL;
    size_t i, j;
    json_t *entry, *ch;
    gg_channels_batch_init(b);
    int rc = gg_channels__load(raw, len, &root, b);
    if (rc != 0)
        goto done;
    const char *object = gg_channels__str(root, "object");
    json_t *entries = json_object_get(root, "entry");
    if (!json_is_object(root) || object == NULL || !json_is_array(entries)) {
        rc = gg_channels__fail(b, GG_EINVAL, "not a Meta webhook body (object, entry[])");
        goto done;
    }
    int page = strcmp(object, "page") == 0, ig = strcmp(object, "instagram") == 0;
    int wa = strcmp(object, "whatsapp_business_account") == 0;
    if (!page && !ig && !wa) {
        rc = gg_channels__fail(b, GG_EINVAL, "unsupported Meta object type");
        goto done;
    }
    json_array_foreach(entries, i, entry)
    {
        const char *id = gg_channels__str(entry, "id");
        json_t *messaging = json_object_get(entry, "messaging");
        if (!json_is_object(entry)) {
            rc = gg_channels__fail(b, GG_EINVAL, "entry[%zu] is not an object", i);
            goto done;
        }
        if (json_is_array(messaging)) {
            rc = decode_messaging(b, ig ? "instagram" : "messenger", id, messaging);
            if (rc != 0)
                goto done;
        }
        json_array_foreach(json_object_get(entry, "changes"), j, ch)
        {
            const char *field = gg_channels__str(ch, "field");
            json_t *v = json_object_get(ch, "value");
            if (field == NULL || !json_is_object(v)) {
                rc = gg_channels__fail(b, GG_EINVAL, "entry[%zu].changes[%zu] malformed", i, j);
                goto done;
            }
            if (page && (strcmp(field, "feed") == 0 || strcmp(field, "mention") == 0))
                rc = decode_feed(b, id, v, strcmp(field, "mention") == 0);
            else if (ig)
                rc = decode_instagram(b, id, gg_channels__int(entry, "time"), field, v);
            else if (wa && strcmp(field, "messages") == 0)
                rc = decode_whatsapp(b, v);
            if (rc != 0)
                goto done;
        }
    }
    gg_channels__finish(b, 0);
done:
    json_decref(root);
    if (rc != 0) {
        char keep[sizeof b->err];
        memcpy(keep, b->err, sizeof keep);
        gg_channels_batch_dispose(b);
        memcpy(b->err, keep, sizeof keep);
    }
    return rc;
}

const gg_channel gg_channel_meta = {
    .name = "meta",
    .verify = meta_verify,
    .decode = meta_decode,
    .handshake = gg_channels_meta_handshake,
};

/* ------------------------------------------------------------------ replies */

static int graph_request(gg_channel_request *out, const char *host, const char *ver,
                         const char *object, const char *edge, json_t *body)
{
    int rc = GG_EINVAL;
    if (object == NULL || body == NULL)
        goto done;
    out->method = "POST";
    out->host = host;
    out->content_type = "application/json";
    out->auth = GG_AUTH_BEARER;
    out->path = gg_channels__printf("/%s/%s/%s", ver, object, edge);
    rc = gg_channels__set_body(out, body);
done:
    json_decref(body);
    if (rc != 0)
        gg_channels_request_dispose(out);
    return rc;
}

/* WhatsApp echoes biz_opaque_callback_data (≤ 512 characters) in every
 * status webhook of the message: with our outbox key in it, a send whose
 * answer was unreadable is settled when its status arrives. */
static void callback_data(json_t *body, const gg_reply_opts *o)
{
    if (body && o->idempotency_key && *o->idempotency_key && strlen(o->idempotency_key) <= 512)
        json_object_set_new(body, "biz_opaque_callback_data", json_string(o->idempotency_key));
}

/* Outside WhatsApp's 24-hour customer service window only an approved
 * template may go out (CHANNELS.md: a free-form send there fails later as
 * status 131047). The answer fills the template's one body parameter;
 * WhatsApp refuses parameters with new lines, tabs or more than four
 * spaces in a row (132018), so those become single spaces. */
static int whatsapp_template(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o,
                             const char *host, const char *ver)
{
    size_t n = strlen(o->text);
    char *param = gg_malloc(n + 1), *w = param;
    int space = 1;
    for (const char *p = o->text; *p; p++) {
        int blank = *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t';
        if (blank && space)
            continue;
        *w++ = blank ? ' ' : *p;
        space = blank;
    }
    while (w > param && w[-1] == ' ')
        w--;
    *w = '\0';
    size_t chars = gg_channels__chars(param);
    size_t nlen = strlen(o->wa_template);
    int ok_name = nlen > 0 && nlen <= 512 && strspn(o->wa_template,
                                                    "abcdefghijklmnopqrstuvwxyz0123456789_") == nlen;
    if (chars == 0 || chars > 1024 || !ok_name) {
        gg_free(param);
        return GG_EINVAL;
    }
    json_t *text = gg_channels__jstr(param);
    gg_free(param);
    if (text == NULL)
        return GG_EINVAL;
    json_t *body = json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:s, s:{s:s}, s:[{s:s, s:[{s:s, s:o}]}]}}", "messaging_product",
        "whatsapp", "recipient_type", "individual", "to", ev->reply.chat_id, "type", "template",
        "template", "name", o->wa_template, "language", "code",
        o->wa_template_lang && *o->wa_template_lang ? o->wa_template_lang : "id", "components",
        "type", "body", "parameters", "type", "text", "text", text);
    callback_data(body, o);
    return graph_request(out, host, ver, ev->reply.via_id, "messages", body);
}

int gg_channels__meta_reply(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o)
{
    const char *ver = o->graph_version ? o->graph_version : "v24.0";
    const char *c = ev->channel;
    int rc;
    int ig = strcmp(c, "instagram") == 0;
    const char *host = ig ? "graph.instagram.com" : "graph.facebook.com";
    if (strcmp(c, "whatsapp") == 0) {
        if (gg_channels__chars(o->text) > 4096)
            return GG_EINVAL;
        if (ev->reply.chat_id == NULL)
            return GG_EINVAL;
        if ((rc = gg_channels__window(ev, o->now)) != 0)
            return rc == GG_ECONFLICT && o->wa_template && *o->wa_template
                       ? whatsapp_template(out, ev, o, host, ver)
                       : rc;
        json_t *body =
            json_pack("{s:s, s:s, s:s, s:s, s:{s:s}, s:{s:b, s:o}}", "messaging_product",
                      "whatsapp", "recipient_type", "individual", "to", ev->reply.chat_id, "type",
                      "text", "context", "message_id", ev->reply.to_id, "text", "preview_url", 0,
                      "body", gg_channels__jstr(o->text));
        callback_data(body, o);
        return graph_request(out, host, ver, ev->reply.via_id, "messages", body);
    }
    if (ev->reply.chat_id != NULL) {
        /* Messenger Send API / Instagram DM: only inside the 24-hour window. */
        if (gg_channels__chars(o->text) >= 2000)
            return GG_EINVAL;
        if ((rc = gg_channels__window(ev, o->now)) != 0)
            return rc;
        if (ev->reply.chat_id == NULL)
            return GG_EINVAL;
        json_t *body =
            json_pack("{s:{s:s}, s:s, s:{s:o}}", "recipient", "id", ev->reply.chat_id,
                      "messaging_type", "RESPONSE", "message", "text", gg_channels__jstr(o->text));
        return graph_request(out, host, ver, ev->reply.via_id, "messages", body);
    }
    if (o->private_reply) {
        /* One private message per comment; it does not open the window. */
        if (ev->kind == GG_EVENT_POST)
            return GG_EINVAL;
        json_t *body = json_pack("{s:{s:s}, s:{s:o}}", "recipient", "comment_id", ev->reply.to_id,
                                 "message", "text", gg_channels__jstr(o->text));
        return graph_request(out, host, ver, ev->reply.via_id, "messages", body);
    }
    json_t *body = json_pack("{s:o}", "message", gg_channels__jstr(o->text));
    return graph_request(out, host, ver, ev->reply.to_id, ig ? "replies" : "comments", body);
}
