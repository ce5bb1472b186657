/*
 * fixture.h — helpers for the channel unit tests: find the shared fixtures
 * ($GAGAS_SHARED, default ../shared from the repo root), read a body and
 * its .headers file, load the test secrets. Header-only (static inline) so
 * each test file under tests/unit/channels/ stays one self-contained binary.
 */
#ifndef GG_TESTS_CHANNELS_FIXTURE_H
#define GG_TESTS_CHANNELS_FIXTURE_H
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channels/channels.h"

#define FX_MAX_HEADERS 32

typedef struct fx_head {
    char *start; /* request or status line */
    gg_channel_header_pair pairs[FX_MAX_HEADERS + 1];
    char *mem;
} fx_head;

static inline const char *fx_root(void)
{
    const char *s = getenv("GAGAS_SHARED");
    return (s && *s) ? s : "../shared";
}

/* Read fixtures/channels/<rel>; NULL when missing. Caller frees. */
static inline char *fx_read(const char *rel, size_t *len)
{
    char path[1024];
    if (len)
        *len = 0;
    snprintf(path, sizeof path, "%s/fixtures/channels/%s", fx_root(), rel);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    size_t got = fread(p, 1, (size_t)n, f);
    fclose(f);
    p[got] = '\0';
    if (len)
        *len = got;
    return p;
}

/* Must-exist variant for tests. */
static inline char *fx_body(const char *rel, size_t *len)
{
    char *p = fx_read(rel, len);
    cr_assert_not_null(p, "fixture %s not found under %s (set GAGAS_SHARED)", rel, fx_root());
    return p;
}

/* Parse <stem>.headers: first line, then "Name: value" lines. */
static inline void fx_head_load(fx_head *h, const char *stem)
{
    char rel[512];
    size_t n = 0, len = 0;
    memset(h, 0, sizeof *h);
    snprintf(rel, sizeof rel, "%s.headers", stem);
    h->mem = fx_body(rel, &len);
    char *line = h->mem;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (h->start == NULL) {
            h->start = line;
        } else if (*line) {
            char *colon = strchr(line, ':');
            cr_assert_not_null(colon);
            *colon = '\0';
            char *v = colon + 1;
            while (*v == ' ')
                v++;
            cr_assert_lt(n, FX_MAX_HEADERS);
            h->pairs[n].name = line;
            h->pairs[n].value = v;
            n++;
        }
        line = nl ? nl + 1 : NULL;
    }
}

static inline void fx_head_free(fx_head *h)
{
    free(h->mem);
}

static inline const char *fx_header(fx_head *h, const char *name)
{
    return gg_channels_pairs_get(h->pairs, name);
}

/* The secrets of test-secrets.json (fixtures only). */
static inline void fx_secrets(gg_channel_secrets *s)
{
    size_t len;
    char *raw = fx_body("test-secrets.json", &len);
    json_t *j = json_loadb(raw, len, 0, NULL);
    cr_assert_not_null(j);
    memset(s, 0, sizeof *s);
#define FX_S(field, key) s->field = strdup(json_string_value(json_object_get(j, key)))
    FX_S(meta_app_secret, "META_APP_SECRET");
    FX_S(meta_verify_token, "META_VERIFY_TOKEN");
    FX_S(x_consumer_secret, "X_CONSUMER_SECRET");
    FX_S(telegram_secret_token, "TELEGRAM_SECRET_TOKEN");
    FX_S(tiktok_client_secret, "TIKTOK_CLIENT_SECRET");
    FX_S(mastodon_webhook_secret, "MASTODON_WEBHOOK_SECRET");
#undef FX_S
    json_decref(j);
    free(raw);
}

/* Decode the body of a fixture with connector ch; asserts success. */
static inline void fx_decode(const gg_channel *ch, const char *file, gg_channel_batch *b)
{
    size_t len;
    char *raw = fx_body(file, &len);
    int rc = ch->decode(raw, len, b);
    cr_assert_eq(rc, 0, "%s: decode rc=%d err=%s", file, rc, b->err);
    free(raw);
}

/* Find the event with this native id and kind (NULL kind 0 = any). */
static inline const gg_event *fx_find(const gg_channel_batch *b, const char *native, int kind)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->events[i].native_id && strcmp(b->events[i].native_id, native) == 0 &&
            (kind == 0 || (int)b->events[i].kind == kind))
            return &b->events[i];
    return NULL;
}

#define fx_str_eq(got, want)                                                                       \
    do {                                                                                           \
        const char *g_ = (got);                                                                    \
        cr_assert_not_null(g_, "%s is NULL, want %s", #got, (want));                               \
        cr_assert_str_eq(g_, (want), "%s", #got);                                                  \
    } while (0)

#endif
