/*
 * x.c — X (API v2) connector (channels layer): webhook signature
 * (x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256>), the CRC GET
 * handshake, Account Activity (v1.1 tweets, delete events) and X Activity
 * API bodies, pulled search / mentions pages and the filtered-stream byte
 * stream, and the POST /2/tweets builders (reply, poll).
 * Invariant: ids are taken as strings (id_str on v1.1), never as doubles;
 * an edited post keeps the first id of edit_history_tweet_ids as identity.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "channels/internal.h"
#include "core/alloc.h"
#include "core/err.h"

/* sha256=<base64 of 32 bytes> is 7 + 44 characters. */
#define X_SIG_LEN (7 + 44)

static void b64_mac(const char *key, const void *msg, size_t len, char out[X_SIG_LEN + 1])
{
    unsigned char mac[32];
    gg_channels__hmac(key, msg, len, NULL, 0, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2base64(out + 7, X_SIG_LEN + 1 - 7, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
}

static int x_verify(const gg_channel_secrets *s, const char *method, const gg_channel_headers *h,
                    const char *raw, size_t len, int64_t now)
{
    char want[X_SIG_LEN + 1];
    (void)now;
    if (method == NULL || strcmp(method, "POST") != 0)
        return GG_EINVAL;
    if (s == NULL || !gg_channels__has(s->x_consumer_secret) || h == NULL || raw == NULL)
        return GG_EAUTH;
    const char *sig = h->get(h->ctx, "x-twitter-webhooks-signature");
    if (sig == NULL || strlen(sig) != X_SIG_LEN)
        return GG_EAUTH;
    b64_mac(s->x_consumer_secret, raw, len, want);
    return sodium_memcmp(want, sig, X_SIG_LEN) == 0 ? 0 : GG_EAUTH;
}

int gg_channels_x_crc(const gg_channel_secrets *s, const char *query, gg_buf *body,
                      const char **content_type)
{
    char tok[X_SIG_LEN + 1];
    int rc = GG_EAUTH;
    /* The token arrives URL-encoded (%3D): HMAC the decoded value. */
    char *crc = gg_channels__query_get(query, "crc_token");
    if (s == NULL || !gg_channels__has(s->x_consumer_secret) || crc == NULL || crc[0] == '\0' ||
        strlen(crc) > 512)
        goto done;
    b64_mac(s->x_consumer_secret, crc, strlen(crc), tok);
    gg_buf_reset(body);
    rc = gg_buf_printf(body, "{\"response_token\":\"%s\"}", tok);
    if (rc == 0 && content_type)
        *content_type = "application/json";
done:
    gg_free(crc);
    return rc;
}

/* ------------------------------------------------------------------ decode */

static const json_t *find_by_id(const json_t *arr, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        const char *v = gg_channels__str(x, "id");
        if (v && id && strcmp(v, id) == 0)
            return x;
    }
    return NULL;
}

/* One v2 post (search, mentions, stream, XAA payload) → one event. */
static int decode_post(gg_channel_batch *b, const json_t *p, const json_t *includes,
                       const char *account, gg_event_kind kind)
{
    gg_event *e;
    const char *id = gg_channels__str(p, "id");
    if (!json_is_object(p) || id == NULL)
        return gg_channels__fail(b, GG_EINVAL, "X post without id");
    /* v2.167 renamed *_tweet_* to *_post_*: accept both. */
    json_t *hist = json_object_get(p, "edit_history_tweet_ids");
    if (!hist)
        hist = json_object_get(p, "edit_history_post_ids");
    json_t *refs = json_object_get(p, "referenced_tweets");
    if (!refs)
        refs = json_object_get(p, "referenced_posts");
    const char *first = json_string_value(json_array_get(hist, 0));
    int edited = first && strcmp(first, id) != 0;
    const char *parent = NULL;
    size_t i;
    json_t *r;
    json_array_foreach(refs, i, r)
    {
        const char *t = gg_channels__str(r, "type");
        if (t && strcmp(t, "replied_to") == 0)
            parent = gg_channels__str(r, "id");
    }
    /* An explicit @mention of our account is what lets a self-serve app reply. */
    int mentions_us = 0;
    json_t *m;
    json_array_foreach(json_object_get(json_object_get(p, "entities"), "mentions"), i, m)
    {
        const char *mid = gg_channels__str(m, "id");
        if (account && mid && strcmp(mid, account) == 0)
            mentions_us = 1;
    }
    if (edited)
        kind = GG_EVENT_EDIT;
    else if ((kind == GG_EVENT_POST || kind == GG_EVENT_COMMENT) && mentions_us)
        kind = GG_EVENT_MENTION;
    else if (kind == GG_EVENT_POST && parent)
        kind = GG_EVENT_COMMENT;
    int rc = gg_channels__push(b, "x", kind, &e);
    if (rc != 0)
        return rc;
    /* Each edit is a new post id; the first one of the chain is the identity. */
    e->native_id = gg_strdup(edited ? first : id);
    if (edited)
        e->version = gg_strdup(id);
    e->account_id = gg_channels__dup(account);
    e->author_id = gg_channels__id(p, "author_id");
    const json_t *user = find_by_id(json_object_get(includes, "users"), e->author_id);
    e->author_handle = gg_channels__dup(gg_channels__str(user, "username"));
    e->author_name = gg_channels__dup(gg_channels__str(user, "name"));
    const char *note = gg_channels__str(json_object_get(p, "note_tweet"), "text");
    e->text = gg_channels__dup(note ? note : gg_channels__str(p, "text"));
    e->lang = gg_channels__dup(gg_channels__str(p, "lang"));
    e->created_at = gg_channels__time(p, "created_at");
    if (edited)
        e->edited_at = e->created_at;
    e->thread_root_id = gg_channels__id(p, "conversation_id");
    e->parent_id = gg_channels__dup(parent);
    e->media = gg_channels__dup(json_string_value(
        json_array_get(json_object_get(json_object_get(p, "attachments"), "media_keys"), 0)));
    const json_t *geo = json_object_get(p, "geo");
    const json_t *coords = json_object_get(json_object_get(geo, "coordinates"), "coordinates");
    if (json_array_size(coords) == 2) { /* GeoJSON order: [lon, lat] */
        e->lon = json_number_value(json_array_get(coords, 0));
        e->lat = json_number_value(json_array_get(coords, 1));
        e->flags |= GG_EVF_HAS_GEO;
    }
    const json_t *place =
        find_by_id(json_object_get(includes, "places"), gg_channels__str(geo, "place_id"));
    e->detail = gg_channels__dup(gg_channels__str(place, "full_name"));
    if (account && e->author_id && strcmp(account, e->author_id) == 0)
        e->flags |= GG_EVF_SELF;
    if (kind != GG_EVENT_DELETE)
        e->reply.to_id = gg_strdup(id); /* answer the version the person sees */
    return 0;
}

/* v1.1 created_at, "Fri Nov 20 03:21:07 +0000 2026" → unix seconds; 0 if malformed. */
static int64_t v1_time(const char *s)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char iso[128], mon[4]; /* sized for any int the format can print */
    int d, h, mi, se, y, mo = 0;
    char sign;
    int off;
    int64_t t = 0;
    if (s == NULL || sscanf(s, "%*3s %3s %2d %2d:%2d:%2d %c%4d %4d", mon, &d, &h, &mi, &se, &sign,
                            &off, &y) != 8)
        return 0;
    for (int i = 0; i < 12; i++)
        if (memcmp(months + 3 * i, mon, 3) == 0)
            mo = i + 1;
    if (mo == 0 || (sign != '+' && sign != '-'))
        return 0;
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d%c%04d", y, mo, d, h, mi, se, sign,
             off);
    return gg_channels__iso8601(iso, &t) == 0 ? t : 0;
}

/* One Account Activity v1.1 tweet. */
static int decode_v1(gg_channel_batch *b, const json_t *t, const char *account)
{
    gg_event *e;
    const json_t *user = json_object_get(t, "user");
    const char *id = gg_channels__str(t, "id_str");
    if (id == NULL)
        return gg_channels__fail(b, GG_EINVAL, "tweet_create_events item without id_str");
    gg_event_kind kind = GG_EVENT_POST;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(json_object_get(t, "entities"), "user_mentions"), i, m)
    {
        const char *mid = gg_channels__str(m, "id_str");
        if (account && mid && strcmp(mid, account) == 0)
            kind = GG_EVENT_MENTION;
    }
    const char *parent = gg_channels__str(t, "in_reply_to_status_id_str");
    if (kind == GG_EVENT_POST && parent)
        kind = GG_EVENT_COMMENT;
    int rc = gg_channels__push(b, "x", kind, &e);
    if (rc != 0)
        return rc;
    e->account_id = gg_channels__dup(account);
    e->native_id = gg_strdup(id);
    e->author_id = gg_channels__dup(gg_channels__str(user, "id_str"));
    e->author_handle = gg_channels__dup(gg_channels__str(user, "screen_name"));
    e->author_name = gg_channels__dup(gg_channels__str(user, "name"));
    /* Longform: truncated:true and the whole text under extended_tweet. */
    const char *full = gg_channels__str(json_object_get(t, "extended_tweet"), "full_text");
    e->text = gg_channels__dup(full ? full : gg_channels__str(t, "text"));
    e->lang = gg_channels__dup(gg_channels__str(t, "lang"));
    e->created_at = gg_channels__int(t, "timestamp_ms") / 1000;
    if (e->created_at == 0)
        e->created_at = v1_time(gg_channels__str(t, "created_at"));
    e->parent_id = gg_channels__dup(parent);
    if (account && e->author_id && strcmp(account, e->author_id) == 0)
        e->flags |= GG_EVF_SELF;
    e->reply.to_id = gg_strdup(id);
    return 0;
}

static gg_event_kind xaa_kind(const char *type)
{
    if (type == NULL)
        return 0;
    if (strcmp(type, "post.mention.create") == 0)
        return GG_EVENT_MENTION;
    if (strcmp(type, "post.reply.create") == 0)
        return GG_EVENT_COMMENT;
    if (strcmp(type, "post.quote.create") == 0)
        return GG_EVENT_POST;
    if (strcmp(type, "post.delete") == 0)
        return GG_EVENT_DELETE;
    return 0;
}

static int decode_webhook_root(gg_channel_batch *b, const json_t *root)
{
    const char *account = gg_channels__str(root, "for_user_id");
    size_t i;
    json_t *x;
    int rc;
    json_array_foreach(json_object_get(root, "tweet_create_events"), i, x)
    {
        if ((rc = decode_v1(b, x, account)) != 0)
            return rc;
    }
    json_array_foreach(json_object_get(root, "tweet_delete_events"), i, x)
    {
        gg_event *e;
        const json_t *st = json_object_get(x, "status");
        if ((rc = gg_channels__push(b, "x", GG_EVENT_DELETE, &e)) != 0)
            return rc;
        e->account_id = gg_channels__dup(account);
        e->native_id = gg_channels__id(st, "id");
        e->author_id = gg_channels__id(st, "user_id");
        e->created_at = gg_channels__int(x, "timestamp_ms") / 1000;
        if (e->native_id == NULL)
            return gg_channels__fail(b, GG_EINVAL, "tweet_delete_events item without status.id");
    }
    /* X Activity API envelope. */
    const json_t *d = json_object_get(root, "data");
    if (json_is_object(d) && json_object_get(d, "event_type")) {
        gg_event_kind k = xaa_kind(gg_channels__str(d, "event_type"));
        const char *account2 = gg_channels__str(json_object_get(d, "filter"), "user_id");
        if (k == 0)
            return 0; /* an event type we do not ingest */
        if (k == GG_EVENT_DELETE) {
            gg_event *e;
            if ((rc = gg_channels__push(b, "x", k, &e)) != 0)
                return rc;
            e->account_id = gg_channels__dup(account2);
            e->native_id = gg_channels__id(json_object_get(d, "payload"), "id");
            if (e->native_id == NULL)
                return gg_channels__fail(b, GG_EINVAL, "post.delete without payload.id");
            return 0;
        }
        return decode_post(b, json_object_get(d, "payload"), json_object_get(d, "includes"),
                           account2, k);
    }
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

static int x_decode(const char *raw, size_t len, gg_channel_batch *b)
{
    json_t *root = NULL;
    gg_channels_batch_init(b);
    int rc = gg_channels__load(raw, len, &root, b);
    if (rc == 0 && !json_is_object(root))
        rc = gg_channels__fail(b, GG_EINVAL, "X webhook body is not an object");
    if (rc == 0)
        rc = decode_webhook_root(b, root);
    return finish(b, root, rc);
}

/* A pulled page or one stream record; in-band errors become the notice. */
static int decode_record(gg_channel_batch *b, const json_t *root, const char *account)
{
    const json_t *data = json_object_get(root, "data");
    const json_t *inc = json_object_get(root, "includes");
    const json_t *errs = json_object_get(root, "errors");
    size_t i;
    json_t *p;
    int rc;
    if (!json_is_object(root))
        return gg_channels__fail(b, GG_EINVAL, "X response is not an object");
    /* RFC 7807 problem body (429, 4xx, 5xx): no data, a status and a title. */
    if (!data && json_is_integer(json_object_get(root, "status")) &&
        json_object_get(root, "title")) {
        json_int_t st = json_integer_value(json_object_get(root, "status"));
        const char *title = gg_channels__str(root, "title");
        return gg_channels__fail(b, st == 429 ? GG_ERATE : GG_EUPSTREAM, "X error %lld: %.80s",
                                 (long long)st, title ? title : "?");
    }
    if (json_array_size(errs) > 0 && b->notice == NULL) {
        const char *t = gg_channels__str(json_array_get(errs, 0), "title");
        b->notice = gg_strdup(t ? t : "error");
    }
    if (json_is_array(data)) {
        json_array_foreach(data, i, p)
        {
            if ((rc = decode_post(b, p, inc, account, GG_EVENT_POST)) != 0)
                return rc;
        }
    } else if (json_is_object(data)) {
        if ((rc = decode_post(b, data, inc, account, GG_EVENT_POST)) != 0)
            return rc;
    } else if (data != NULL || errs == NULL) {
        if (json_object_get(root, "meta") == NULL) /* result_count 0 has meta only */
            return gg_channels__fail(b, GG_EINVAL, "X response without data");
    }
    const json_t *meta = json_object_get(root, "meta");
    if (meta) {
        /* The watermark comes from the first page only: the caller keeps it. */
        gg_free(b->next_page);
        b->next_page = gg_channels__id(meta, "next_token");
        if (b->newest_id == NULL)
            b->newest_id = gg_channels__id(meta, "newest_id");
    }
    return 0;
}

int gg_channels_x_decode_page(const char *raw, size_t len, const char *user_id, gg_channel_batch *b)
{
    json_t *root = NULL;
    gg_channels_batch_init(b);
    int rc = gg_channels__load(raw, len, &root, b);
    if (rc == 0)
        rc = decode_record(b, root, user_id);
    return finish(b, root, rc);
}

int gg_channels_x_decode_stream(const char *raw, size_t len, const char *user_id,
                                gg_channel_batch *b)
{
    int rc = 0;
    size_t pos = 0;
    gg_channels_batch_init(b);
    if (raw == NULL)
        return gg_channels__fail(b, GG_EINVAL, "empty stream");
    if (len > GG_CHANNELS_MAX_BODY)
        return gg_channels__fail(b, GG_ELIMIT, "stream chunk over the cap");
    while (rc == 0 && pos < len) {
        /* Records end with \r\n; a bare \r\n is the 20-second keep-alive. */
        const char *nl = memchr(raw + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - raw) : len;
        size_t n = end - pos;
        if (n > 0 && raw[pos + n - 1] == '\r')
            n--;
        if (n > 0) {
            json_t *rec = NULL;
            rc = gg_channels__load(raw + pos, n, &rec, b);
            if (rc == 0)
                rc = decode_record(b, rec, user_id);
            json_decref(rec);
        }
        pos = end + 1;
    }
    if (b->next_page) { /* streams have no pages */
        gg_free(b->next_page);
        b->next_page = NULL;
    }
    return finish(b, NULL, rc);
}

const gg_channel gg_channel_x = {
    .name = "x",
    .verify = x_verify,
    .decode = x_decode,
    .handshake = gg_channels_x_crc,
};

/* ------------------------------------------------------------------ replies */

static int tweet_request(gg_channel_request *out, json_t *body)
{
    int rc = GG_EINVAL;
    if (body == NULL)
        goto done;
    out->method = "POST";
    out->host = "api.x.com";
    out->path = gg_strdup("/2/tweets");
    out->content_type = "application/json";
    out->auth = GG_AUTH_BEARER; /* OAuth 2.0 user token (tweet.write) */
    rc = gg_channels__set_body(out, body);
done:
    json_decref(body);
    if (rc != 0)
        gg_channels_request_dispose(out);
    return rc;
}

int gg_channels__x_reply(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o)
{
    /* Self-serve apps may only reply when the author summoned us (mention or
     * quote); that policy check belongs to the caller, which knows our id. */
    if (gg_channels__chars(o->text) > 280)
        return GG_EINVAL;
    return tweet_request(out, json_pack("{s:o, s:{s:s}}", "text", gg_channels__jstr(o->text),
                                        "reply", "in_reply_to_tweet_id", ev->reply.to_id));
}

int gg_channels_x_build_poll(gg_channel_request *out, const gg_poll_opts *p)
{
    memset(out, 0, sizeof *out);
    if (p == NULL || p->question == NULL || p->n_options < 2 || p->n_options > 4 || p->quiz)
        return GG_EINVAL;
    int64_t minutes = p->duration_s ? p->duration_s / 60 : 1440;
    if (minutes < 5 || minutes > 10080 || gg_channels__chars(p->question) > 280)
        return GG_EINVAL;
    json_t *opts = json_array();
    for (size_t i = 0; i < p->n_options; i++) {
        size_t n = gg_channels__chars(p->options[i]);
        if (n < 1 || n > 25 || json_array_append_new(opts, gg_channels__jstr(p->options[i])) != 0) {
            json_decref(opts);
            return GG_EINVAL;
        }
    }
    return tweet_request(out, json_pack("{s:o, s:{s:o, s:I}}", "text",
                                        gg_channels__jstr(p->question), "poll", "options", opts,
                                        "duration_minutes", (json_int_t)minutes));
}
