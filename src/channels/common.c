/*
 * common.c — what every connector shares (channels layer): secrets from the
 * environment, header lookup, batches and events, guarded JSON loading,
 * HMAC / constant-time comparisons, ISO-8601 parsing, the connector registry
 * and the reply dispatcher. Invariant: no function here logs or copies a
 * secret, and decode errors never quote payload text (it may be personal).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "channels/internal.h"
#include "core/alloc.h"
#include "core/err.h"

/* ---------------------------------------------------------------- secrets */

static char *env_copy(const char *name)
{
    const char *v = getenv(name);
    return (v && *v) ? gg_strdup(v) : NULL;
}

int gg_channels_secrets_from_env(gg_channel_secrets *out)
{
    memset(out, 0, sizeof *out);
    out->meta_app_secret = env_copy("GAGAS_META_APP_SECRET");
    out->meta_verify_token = env_copy("GAGAS_META_VERIFY_TOKEN");
    out->x_consumer_secret = env_copy("GAGAS_X_CONSUMER_SECRET");
    out->telegram_secret_token = env_copy("GAGAS_TELEGRAM_SECRET_TOKEN");
    out->tiktok_client_secret = env_copy("GAGAS_TIKTOK_CLIENT_SECRET");
    out->mastodon_webhook_secret = env_copy("GAGAS_MASTODON_WEBHOOK_SECRET");
    return 0;
}

static void wipe(char **p)
{
    if (*p) {
        sodium_memzero(*p, strlen(*p));
        gg_free(*p);
        *p = NULL;
    }
}

void gg_channels_secrets_dispose(gg_channel_secrets *s)
{
    if (s == NULL)
        return;
    wipe(&s->meta_app_secret);
    wipe(&s->meta_verify_token);
    wipe(&s->x_consumer_secret);
    wipe(&s->telegram_secret_token);
    wipe(&s->tiktok_client_secret);
    wipe(&s->mastodon_webhook_secret);
}

const char *gg_channels_pairs_get(void *ctx, const char *name)
{
    const gg_channel_header_pair *p = ctx;
    for (; p && p->name; p++)
        if (strcasecmp(p->name, name) == 0)
            return p->value;
    return NULL;
}

/* ----------------------------------------------------------------- events */

const char *gg_channels_kind_name(gg_event_kind k)
{
    switch (k) {
    case GG_EVENT_POST: return "post";
    case GG_EVENT_COMMENT: return "comment";
    case GG_EVENT_MESSAGE: return "message";
    case GG_EVENT_MENTION: return "mention";
    case GG_EVENT_EDIT: return "edit";
    case GG_EVENT_DELETE: return "delete";
    case GG_EVENT_HIDE: return "hide";
    case GG_EVENT_UNHIDE: return "unhide";
    case GG_EVENT_POLL_ANSWER: return "poll_answer";
    case GG_EVENT_POLL_UPDATE: return "poll_update";
    case GG_EVENT_STATUS: return "status";
    }
    return "unknown";
}

void gg_channels_batch_init(gg_channel_batch *b)
{
    memset(b, 0, sizeof *b);
}

static void event_dispose(gg_event *e)
{
    gg_free(e->account_id);
    gg_free(e->native_id);
    gg_free(e->version);
    gg_free(e->author_id);
    gg_free(e->author_handle);
    gg_free(e->author_name);
    gg_free(e->text);
    gg_free(e->lang);
    gg_free(e->thread_root_id);
    gg_free(e->parent_id);
    gg_free(e->media);
    gg_free(e->detail);
    gg_free(e->reply.to_id);
    gg_free(e->reply.chat_id);
    gg_free(e->reply.via_id);
    gg_free(e->reply.handle);
    gg_free(e->callback);
    gg_free(e->dedupe_key);
}

void gg_channels_batch_dispose(gg_channel_batch *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->n; i++)
        event_dispose(&b->events[i]);
    gg_free(b->events);
    gg_free(b->next_page);
    gg_free(b->prev_page);
    gg_free(b->newest_id);
    gg_free(b->notice);
    gg_channels_batch_init(b);
}

int gg_channels__fail(gg_channel_batch *b, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->err, sizeof b->err, fmt, ap);
    va_end(ap);
    return code;
}

int gg_channels__push(gg_channel_batch *b, const char *channel, gg_event_kind kind, gg_event **out)
{
    if (b->n >= GG_CHANNELS_MAX_EVENTS)
        return gg_channels__fail(b, GG_ELIMIT, "more than %u events in one body",
                                 GG_CHANNELS_MAX_EVENTS);
    /* Grow geometrically; the array is realloc'd, so callers re-fetch *out. */
    if (b->n == 0 || (b->n >= 4 && (b->n & (b->n - 1)) == 0)) {
        size_t cap = b->n ? b->n * 2 : 4;
        b->events = gg_realloc(b->events, cap * sizeof *b->events);
    }
    gg_event *e = &b->events[b->n++];
    memset(e, 0, sizeof *e);
    e->channel = channel;
    e->kind = kind;
    *out = e;
    return 0;
}

void gg_channels__finish(gg_channel_batch *b, size_t from)
{
    for (size_t i = from; i < b->n; i++) {
        gg_event *e = &b->events[i];
        if (e->version == NULL)
            e->version = gg_strdup("");
        gg_free(e->dedupe_key);
        e->dedupe_key = gg_channels__printf(
            "%s|%s|%s|%s|%s", e->channel, e->account_id ? e->account_id : "",
            e->native_id ? e->native_id : "", gg_channels_kind_name(e->kind), e->version);
    }
}

/* ------------------------------------------------------------------- JSON */

int gg_channels__utf8_ok(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (n - i - 1 < need)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += need + 1;
    }
    return 1;
}

int gg_channels__load(const char *raw, size_t len, json_t **out, gg_channel_batch *b)
{
    json_error_t jerr;
    *out = NULL;
    if (raw == NULL)
        return gg_channels__fail(b, GG_EINVAL, "empty body");
    if (len > GG_CHANNELS_MAX_BODY)
        return gg_channels__fail(b, GG_ELIMIT, "body of %zu bytes is over the cap", len);
    if (!gg_channels__utf8_ok(raw, len))
        return gg_channels__fail(b, GG_EUTF8, "body is not valid UTF-8");
    *out = json_loadb(raw, len, 0, &jerr);
    if (*out == NULL) {
        /* jansson's text can quote the input; keep only the position. */
        int code = json_error_code(&jerr) == json_error_invalid_utf8 ? GG_EUTF8 : GG_EINVAL;
        return gg_channels__fail(b, code, "invalid JSON at byte %d", jerr.position);
    }
    return 0;
}

char *gg_channels__dup(const char *s)
{
    return s ? gg_strdup(s) : NULL;
}

char *gg_channels__printf(const char *fmt, ...)
{
    va_list ap, ap2;
    char small[256];
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0, small[0] = '\0';
    char *p = gg_malloc((size_t)n + 1);
    if ((size_t)n < sizeof small)
        memcpy(p, small, (size_t)n + 1);
    else
        vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

const char *gg_channels__str(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

char *gg_channels__id(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_string(v))
        return gg_strdup(json_string_value(v));
    /* jansson keeps integers as long long: 19-digit ids stay exact. */
    if (json_is_integer(v))
        return gg_channels__printf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return NULL;
}

int64_t gg_channels__int(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end = NULL;
        long long x = strtoll(s, &end, 10);
        if (end != s && *end == '\0')
            return (int64_t)x;
    }
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int gg_channels__iso8601(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, se = 0;
    if (s == NULL || strlen(s) < 16)
        return GG_EINVAL;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi))
        return GG_EINVAL;
    const char *p = s + 16;
    if (*p == ':') {
        if (!digits(p + 1, 2, &se))
            return GG_EINVAL;
        p += 3;
    }
    if (*p == '.') /* fractions are dropped: we store whole seconds */
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return GG_EINVAL;
    int64_t off = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        int sign = *p == '-' ? -1 : 1;
        p++;
        if (!digits(p, 2, &oh))
            return GG_EINVAL;
        p += 2;
        if (*p == ':')
            p++;
        if (!digits(p, 2, &om))
            return GG_EINVAL;
        p += 2;
        off = sign * (oh * 3600 + om * 60);
    } else {
        return GG_EINVAL; /* a time without a zone is ambiguous */
    }
    if (*p != '\0')
        return GG_EINVAL;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - off;
    return 0;
}

int64_t gg_channels__time(const json_t *o, const char *key)
{
    int64_t t = 0;
    if (gg_channels__iso8601(gg_channels__str(o, key), &t) != 0)
        return 0;
    return t;
}

char *gg_channels__text_hash(const char *text)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    const char *t = text ? text : "";
    crypto_hash_sha256(h, (const unsigned char *)t, strlen(t));
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return gg_strndup(hex, 16);
}

/* ----------------------------------------------------------------- crypto */

void gg_channels__hmac(const char *key, const void *a, size_t alen, const void *b, size_t blen,
                       unsigned char mac[32])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
    if (alen)
        crypto_auth_hmacsha256_update(&st, a, alen);
    if (blen)
        crypto_auth_hmacsha256_update(&st, b, blen);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof st);
}

int gg_channels__check_hex(const char *value, const char *prefix, const unsigned char mac[32])
{
    unsigned char got[32];
    size_t plen = strlen(prefix), binlen = 0;
    const char *end = NULL;
    if (value == NULL || strncmp(value, prefix, plen) != 0 || strlen(value + plen) != 64)
        return GG_EAUTH;
    if (sodium_hex2bin(got, sizeof got, value + plen, 64, NULL, &binlen, &end) != 0 ||
        binlen != 32 || end != value + plen + 64)
        return GG_EAUTH;
    return sodium_memcmp(got, mac, 32) == 0 ? 0 : GG_EAUTH;
}

int gg_channels__secret_eq(const char *a, const char *b)
{
    /* Hash both sides so neither content nor length leaks through timing. */
    unsigned char ha[crypto_hash_sha256_BYTES], hb[crypto_hash_sha256_BYTES];
    if (a == NULL || b == NULL)
        return 0;
    crypto_hash_sha256(ha, (const unsigned char *)a, strlen(a));
    crypto_hash_sha256(hb, (const unsigned char *)b, strlen(b));
    return sodium_memcmp(ha, hb, sizeof ha) == 0;
}

int gg_channels__has(const char *secret)
{
    return secret != NULL && secret[0] != '\0' && sodium_init() >= 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..n) ('+' is a space in form encoding). */
static char *pct_decode(const char *s, size_t n)
{
    char *o = gg_malloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            o[j++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            o[j++] = s[i] == '+' ? ' ' : s[i];
        }
    }
    o[j] = '\0';
    return o;
}

char *gg_channels__query_get(const char *query, const char *key)
{
    const char *p = query;
    if (p == NULL)
        return NULL;
    if (*p == '?')
        p++;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t klen = eq ? (size_t)(eq - p) : n;
        char *k = pct_decode(p, klen);
        int match = strcmp(k, key) == 0;
        gg_free(k);
        if (match)
            return eq ? pct_decode(eq + 1, n - klen - 1) : gg_strdup("");
        p += n;
        if (*p == '&')
            p++;
    }
    return NULL;
}

/* --------------------------------------------------------------- outbound */

void gg_channels_request_dispose(gg_channel_request *r)
{
    if (r == NULL)
        return;
    gg_free(r->path);
    gg_free(r->body);
    gg_free(r->idempotency_key);
    memset(r, 0, sizeof *r);
}

int gg_channels__set_body(gg_channel_request *r, json_t *root)
{
    char *s = json_dumps(root, JSON_COMPACT);
    if (s == NULL)
        return GG_EINVAL;
    gg_free(r->body);
    r->body = gg_strdup(s);
    r->body_len = strlen(s);
    free(s);
    return 0;
}

static void put_utf8(gg_buf *o, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    }
    gg_buf_add(o, u, n);
}

/* Decode one entity at s ('&'); returns bytes consumed, 0 if not an entity. */
static size_t entity(const char *s, gg_buf *o)
{
    static const struct {
        const char *name;
        const char *text;
    } named[] = {{"amp;", "&"},   {"lt;", "<"},   {"gt;", ">"},
                 {"quot;", "\""}, {"apos;", "'"}, {"nbsp;", "\xC2\xA0"}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t n = strlen(named[i].name);
        if (strncmp(s + 1, named[i].name, n) == 0) {
            gg_buf_adds(o, named[i].text);
            return n + 1;
        }
    }
    if (s[1] != '#')
        return 0;
    int hex = s[2] == 'x' || s[2] == 'X';
    const char *p = s + 2 + hex;
    unsigned long cp = 0;
    size_t digits = 0;
    for (; digits < 8; p++, digits++) {
        int v = hex ? hexval(*p) : (*p >= '0' && *p <= '9' ? *p - '0' : -1);
        if (v < 0)
            break;
        cp = cp * (hex ? 16 : 10) + (unsigned long)v;
    }
    /* Only well-formed, valid scalar values; anything else stays literal. */
    if (digits == 0 || *p != ';' || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    put_utf8(o, cp);
    return (size_t)(p - s) + 1;
}

char *gg_channels__html_to_text(const char *html)
{
    gg_buf o;
    if (html == NULL)
        return NULL;
    gg_buf_init(&o, strlen(html) + 1);
    for (const char *s = html; *s;) {
        if (*s == '<') {
            const char *end = strchr(s, '>');
            if (end == NULL)
                break; /* an unterminated tag: drop the rest */
            size_t n = (size_t)(end - s);
            if ((n >= 3 && strncasecmp(s, "<br", 3) == 0) ||
                (n >= 2 && strncasecmp(s, "<p", 2) == 0 && (s[2] == '>' || s[2] == ' ') &&
                 o.len > 0))
                gg_buf_adds(&o, strncasecmp(s, "<br", 3) == 0 ? "\n" : "\n\n");
            s = end + 1;
        } else if (*s == '&') {
            size_t used = entity(s, &o);
            if (used == 0)
                gg_buf_addc(&o, *s++);
            else
                s += used;
        } else {
            gg_buf_addc(&o, *s++);
        }
    }
    char *r = gg_strdup(o.data ? o.data : "");
    gg_buf_dispose(&o);
    return r;
}

size_t gg_channels__chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int gg_channels__window(const gg_event *ev, int64_t now)
{
    /* Meta's customer-service window: free-form replies only within 24 hours
     * of the person's last message; outside it a template/tag is needed. */
    if (ev->reply.window_start <= 0 || now < ev->reply.window_start - 300 ||
        now - ev->reply.window_start >= 24 * 3600)
        return GG_ECONFLICT;
    return 0;
}

json_t *gg_channels__jstr(const char *s)
{
    return s ? json_string(s) : NULL;
}

int gg_channels_build_reply(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o)
{
    memset(out, 0, sizeof *out);
    if (ev == NULL || o == NULL || o->text == NULL || o->text[0] == '\0' ||
        !gg_channels__utf8_ok(o->text, strlen(o->text)))
        return GG_EINVAL;
    if (ev->reply.to_id == NULL || (ev->flags & GG_EVF_SELF))
        return GG_EINVAL; /* deletes, statuses, our own posts: nothing to answer */
    const char *c = ev->channel;
    if (strcmp(c, "facebook") == 0 || strcmp(c, "instagram") == 0 || strcmp(c, "messenger") == 0 ||
        strcmp(c, "whatsapp") == 0)
        return gg_channels__meta_reply(out, ev, o);
    if (strcmp(c, "x") == 0)
        return gg_channels__x_reply(out, ev, o);
    if (strcmp(c, "telegram") == 0)
        return gg_channels__telegram_reply(out, ev, o);
    if (strcmp(c, "youtube") == 0)
        return gg_channels__youtube_reply(out, ev, o);
    if (strcmp(c, "mastodon") == 0)
        return gg_channels__mastodon_reply(out, ev, o);
    if (strcmp(c, "tiktok") == 0)
        return gg_channels__tiktok_reply(out, ev, o);
    return GG_EINVAL;
}

/* --------------------------------------------------------------- registry */

const gg_channel *gg_channels_find(const char *name)
{
    static const gg_channel *const all[] = {&gg_channel_meta, &gg_channel_x, &gg_channel_telegram,
                                            &gg_channel_mastodon, &gg_channel_tiktok};
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

int gg_channels__add_param(gg_buf *q, const char *key, const char *val)
{
    static const char hex[] = "0123456789ABCDEF";
    int rc = gg_buf_printf(q, "%s%s=", q->len ? "&" : "", key);
    for (const unsigned char *p = (const unsigned char *)val; rc == 0 && *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~')
            rc = gg_buf_addc(q, (char)*p);
        else
            rc = gg_buf_printf(q, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
    return rc;
}
