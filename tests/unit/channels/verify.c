/*
 * verify.c — signature checks over EVERY inbound fixture (tests/unit for
 * src/channels/): each POST /hooks/<name> body verifies with the test
 * secrets; one flipped byte in the body or the signature fails; a missing
 * header or a missing secret fails closed; plus the two GET handshakes.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "fixture.h"

/* Signature-bearing header of each connector. */
static const char *sig_header(const char *name)
{
    if (strcmp(name, "meta") == 0)
        return "X-Hub-Signature-256";
    if (strcmp(name, "x") == 0)
        return "x-twitter-webhooks-signature";
    if (strcmp(name, "telegram") == 0)
        return "X-Telegram-Bot-Api-Secret-Token";
    if (strcmp(name, "tiktok") == 0)
        return "TikTok-Signature";
    if (strcmp(name, "mastodon") == 0)
        return "X-Hub-Signature";
    return NULL;
}

/* "now" for a fixture: TikTok signs a time; others ignore it. */
static int64_t fixture_now(fx_head *h)
{
    const char *v = fx_header(h, "TikTok-Signature");
    if (v && strncmp(v, "t=", 2) == 0)
        return strtoll(v + 2, NULL, 10) + 42;
    return 1795144867;
}

static void blank_secret(gg_channel_secrets *s, const char *name)
{
    char **p = strcmp(name, "meta") == 0       ? &s->meta_app_secret
               : strcmp(name, "x") == 0        ? &s->x_consumer_secret
               : strcmp(name, "telegram") == 0 ? &s->telegram_secret_token
               : strcmp(name, "tiktok") == 0   ? &s->tiktok_client_secret
                                               : &s->mastodon_webhook_secret;
    free(*p);
    *p = NULL;
}

/* Check one inbound fixture in all the ways; returns 1 when it was inbound. */
static int check_one(const char *dir, const char *file)
{
    char stem[600], body[620];
    fx_head h;
    gg_channel_secrets s;
    size_t len;
    snprintf(stem, sizeof stem, "%s/%.*s", dir, (int)(strlen(file) - strlen(".headers")), file);
    fx_head_load(&h, stem);
    if (strncmp(h.start, "POST /hooks/", 12) != 0) {
        fx_head_free(&h);
        return 0;
    }
    char name[32];
    size_t k = 0;
    for (const char *p = h.start + 12; *p && *p != ' ' && *p != '?' && k < sizeof name - 1; p++)
        name[k++] = *p;
    name[k] = '\0';
    const gg_channel *ch = gg_channels_find(name);
    cr_assert_not_null(ch, "%s: no connector for /hooks/%s", stem, name);
    snprintf(body, sizeof body, "%s.json", stem);
    char *raw = fx_body(body, &len);
    gg_channel_headers hd = {gg_channels_pairs_get, h.pairs};
    int64_t now = fixture_now(&h);
    fx_secrets(&s);

    cr_assert_eq(ch->verify(&s, "POST", &hd, raw, len, now), 0, "%s must verify", stem);
    cr_assert_eq(ch->verify(&s, "GET", &hd, raw, len, now), GG_EINVAL, "%s: GET", stem);

    /* Telegram's token is not a body signature: only the token is checked. */
    if (strcmp(name, "telegram") != 0) {
        size_t pos[] = {0, len / 2, len - 1};
        for (size_t i = 0; i < 3; i++) {
            raw[pos[i]] ^= 0x01;
            cr_assert_eq(ch->verify(&s, "POST", &hd, raw, len, now), GG_EAUTH,
                         "%s: flipped body byte %zu must fail", stem, pos[i]);
            raw[pos[i]] ^= 0x01;
        }
        cr_assert_eq(ch->verify(&s, "POST", &hd, raw, len - 1, now), GG_EAUTH,
                     "%s: truncated body must fail", stem);
    }

    /* One flipped character in the signature value (last char and a middle one). */
    const char *hn = sig_header(name);
    gg_channel_header_pair *sig = NULL;
    for (size_t i = 0; h.pairs[i].name; i++)
        if (strcasecmp(h.pairs[i].name, hn) == 0)
            sig = &h.pairs[i];
    cr_assert_not_null(sig, "%s: no %s header", stem, hn);
    char *orig = strdup(sig->value), *bad = strdup(sig->value);
    size_t sl = strlen(bad);
    size_t spots[] = {sl - 2, sl / 2 + 3};
    for (size_t i = 0; i < 2; i++) {
        strcpy(bad, orig);
        bad[spots[i]] = bad[spots[i]] == 'a' ? 'b' : 'a';
        sig->value = bad;
        cr_assert_eq(ch->verify(&s, "POST", &hd, raw, len, now), GG_EAUTH,
                     "%s: flipped signature char %zu must fail", stem, spots[i]);
    }
    /* Upper-case hex of the right MAC is still the right MAC (Meta, Mastodon). */
    sig->value = NULL;
    const char *saved_name = sig->name;
    sig->name = "X-Absent";
    cr_assert_eq(ch->verify(&s, "POST", &hd, raw, len, now), GG_EAUTH, "%s: no header", stem);
    sig->name = saved_name;
    sig->value = orig;
    cr_assert_eq(ch->verify(&s, "POST", &hd, raw, len, now), 0);

    /* Fail closed: no secret configured, or an empty one. */
    blank_secret(&s, name);
    cr_assert_eq(ch->verify(&s, "POST", &hd, raw, len, now), GG_EAUTH, "%s: no secret", stem);
    cr_assert_eq(ch->verify(NULL, "POST", &hd, raw, len, now), GG_EAUTH);
    gg_channel_secrets empty = {0};
    cr_assert_eq(ch->verify(&empty, "POST", &hd, raw, len, now), GG_EAUTH);

    gg_channels_secrets_dispose(&s);
    free(orig);
    free(bad);
    free(raw);
    fx_head_free(&h);
    return 1;
}

Test(channels_verify, every_inbound_fixture)
{
    static const char *dirs[] = {"facebook", "instagram", "messenger", "whatsapp", "x",
                                 "telegram", "youtube",   "mastodon",  "tiktok"};
    size_t total = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        char path[512];
        snprintf(path, sizeof path, "%s/fixtures/channels/%s", fx_root(), dirs[d]);
        DIR *dp = opendir(path);
        cr_assert_not_null(dp, "cannot open %s (set GAGAS_SHARED)", path);
        struct dirent *de;
        while ((de = readdir(dp)) != NULL) {
            size_t n = strlen(de->d_name);
            if (n > 8 && strcmp(de->d_name + n - 8, ".headers") == 0)
                total += (size_t)check_one(dirs[d], de->d_name);
        }
        closedir(dp);
    }
    /* 6 facebook + 4 instagram + 3 messenger + 8 whatsapp + 3 x + 6 telegram
     * + 1 mastodon + 3 tiktok inbound requests in the fixture set. */
    cr_assert_eq(total, 34, "inbound fixtures checked: %zu", total);
}

Test(channels_verify, tiktok_stale_or_future_timestamp_fails)
{
    fx_head h;
    gg_channel_secrets s;
    size_t len;
    fx_head_load(&h, "tiktok/business-webhook-comment-insert");
    char *raw = fx_body("tiktok/business-webhook-comment-insert.json", &len);
    gg_channel_headers hd = {gg_channels_pairs_get, h.pairs};
    fx_secrets(&s);
    int64_t t = 1795144899;
    cr_assert_eq(gg_channel_tiktok.verify(&s, "POST", &hd, raw, len, t), 0);
    cr_assert_eq(gg_channel_tiktok.verify(&s, "POST", &hd, raw, len, t + 300), 0);
    cr_assert_eq(gg_channel_tiktok.verify(&s, "POST", &hd, raw, len, t + 301), GG_EAUTH);
    cr_assert_eq(gg_channel_tiktok.verify(&s, "POST", &hd, raw, len, t - 301), GG_EAUTH);
    /* A signature moved onto another timestamp does not verify. */
    char moved[160];
    snprintf(moved, sizeof moved, "t=1795144898,%s",
             strchr(fx_header(&h, "TikTok-Signature"), 's'));
    gg_channel_header_pair p[] = {{"TikTok-Signature", moved}, {NULL, NULL}};
    gg_channel_headers hd2 = {gg_channels_pairs_get, p};
    cr_assert_eq(gg_channel_tiktok.verify(&s, "POST", &hd2, raw, len, t), GG_EAUTH);
    gg_channel_header_pair junk[] = {{"TikTok-Signature", "s=00,t=x"}, {NULL, NULL}};
    gg_channel_headers hd3 = {gg_channels_pairs_get, junk};
    cr_assert_eq(gg_channel_tiktok.verify(&s, "POST", &hd3, raw, len, t), GG_EAUTH);
    gg_channels_secrets_dispose(&s);
    free(raw);
    fx_head_free(&h);
}

Test(channels_verify, meta_uppercase_hex_and_wrong_prefix)
{
    fx_head h;
    gg_channel_secrets s;
    size_t len;
    fx_head_load(&h, "facebook/feed-comment-add");
    char *raw = fx_body("facebook/feed-comment-add.json", &len);
    fx_secrets(&s);
    const char *good = fx_header(&h, "X-Hub-Signature-256");
    char upper[128], sha1[128];
    snprintf(upper, sizeof upper, "%s", good);
    for (char *p = upper + 7; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 32);
    snprintf(sha1, sizeof sha1, "sha1=%s", good + 7);
    gg_channel_header_pair p1[] = {{"x-hub-signature-256", upper}, {NULL, NULL}};
    gg_channel_header_pair p2[] = {{"X-Hub-Signature-256", sha1}, {NULL, NULL}};
    /* Only the legacy sha1 header present: not accepted. */
    gg_channel_header_pair p3[] = {{"X-Hub-Signature", fx_header(&h, "X-Hub-Signature")},
                                   {NULL, NULL}};
    gg_channel_headers h1 = {gg_channels_pairs_get, p1}, h2 = {gg_channels_pairs_get, p2},
                       h3 = {gg_channels_pairs_get, p3};
    cr_assert_eq(gg_channel_meta.verify(&s, "POST", &h1, raw, len, 0), 0);
    cr_assert_eq(gg_channel_meta.verify(&s, "POST", &h2, raw, len, 0), GG_EAUTH);
    cr_assert_eq(gg_channel_meta.verify(&s, "POST", &h3, raw, len, 0), GG_EAUTH);
    /* The Mastodon secret does not sign Meta bodies (one secret per app). */
    free(s.meta_app_secret);
    s.meta_app_secret = strdup(s.mastodon_webhook_secret);
    gg_channel_headers hd = {gg_channels_pairs_get, h.pairs};
    cr_assert_eq(gg_channel_meta.verify(&s, "POST", &hd, raw, len, 0), GG_EAUTH);
    gg_channels_secrets_dispose(&s);
    free(raw);
    fx_head_free(&h);
}

Test(channels_verify, secrets_from_env)
{
    gg_channel_secrets s;
    setenv("GAGAS_META_APP_SECRET", "m1", 1);
    setenv("GAGAS_META_VERIFY_TOKEN", "v1", 1);
    setenv("GAGAS_X_CONSUMER_SECRET", "x1", 1);
    setenv("GAGAS_TELEGRAM_SECRET_TOKEN", "t1", 1);
    setenv("GAGAS_TIKTOK_CLIENT_SECRET", "k1", 1);
    setenv("GAGAS_MASTODON_WEBHOOK_SECRET", "", 1);
    cr_assert_eq(gg_channels_secrets_from_env(&s), 0);
    cr_assert_str_eq(s.meta_app_secret, "m1");
    cr_assert_str_eq(s.meta_verify_token, "v1");
    cr_assert_str_eq(s.x_consumer_secret, "x1");
    cr_assert_str_eq(s.telegram_secret_token, "t1");
    cr_assert_str_eq(s.tiktok_client_secret, "k1");
    cr_assert_null(s.mastodon_webhook_secret, "empty variable = not configured");
    gg_channels_secrets_dispose(&s);
    cr_assert_null(s.meta_app_secret);
    gg_channels_secrets_dispose(NULL);
}

/* ---------------------------------------------------------------- handshakes */

static char *query_of(const char *start)
{
    const char *q = strchr(start, '?');
    cr_assert_not_null(q);
    const char *sp = strchr(q, ' ');
    return strndup(q + 1, (size_t)(sp - q - 1));
}

Test(channels_handshake, meta_matches_vector)
{
    fx_head h;
    gg_channel_secrets s;
    gg_buf body;
    const char *ct = NULL;
    size_t len;
    fx_head_load(&h, "facebook/webhook-verify");
    char *vec = fx_body("facebook/webhook-verify.json", &len);
    json_t *v = json_loadb(vec, len, 0, NULL);
    fx_secrets(&s);
    gg_buf_init(&body, 1024);
    char *q = query_of(h.start);
    const gg_channel *ch = gg_channels_find("meta");
    cr_assert_eq(ch->handshake(&s, q, &body, &ct), 0);
    json_t *exp = json_object_get(v, "expected_response");
    cr_assert_str_eq(body.data, json_string_value(json_object_get(exp, "body")));
    cr_assert_str_eq(ct, json_string_value(json_object_get(exp, "content_type")));
    cr_assert_eq(json_integer_value(json_object_get(exp, "status")), 200);
    /* The vector's negative cases (wrong token, unsubscribe) → 403. */
    size_t i;
    json_t *neg;
    json_array_foreach(json_object_get(v, "negative_cases"), i, neg)
    {
        json_t *nq = json_object_get(neg, "query");
        char qs[512];
        snprintf(qs, sizeof qs, "hub.mode=%s&hub.challenge=%s&hub.verify_token=%s",
                 json_string_value(json_object_get(nq, "hub.mode")),
                 json_string_value(json_object_get(nq, "hub.challenge")),
                 json_string_value(json_object_get(nq, "hub.verify_token")));
        cr_assert_eq(json_integer_value(json_object_get(neg, "expected_status")), 403);
        cr_assert_eq(ch->handshake(&s, qs, &body, &ct), GG_EAUTH, "negative case %zu", i);
    }
    /* Keys stay literal (no PHP-style hub_mode), the challenge is echoed only if a token. */
    cr_assert_eq(ch->handshake(&s,
                               "hub_mode=subscribe&hub_challenge=1&hub_verify_token="
                               "gagasan-uji-verify-7f3a",
                               &body, &ct),
                 GG_EAUTH);
    cr_assert_eq(ch->handshake(&s,
                               "hub.mode=subscribe&hub.challenge=%3Cscript%3E&hub.verify_"
                               "token=gagasan-uji-verify-7f3a",
                               &body, &ct),
                 GG_EAUTH);
    cr_assert_eq(ch->handshake(&s, "hub.mode=subscribe&hub.challenge=1158201444", &body, &ct),
                 GG_EAUTH);
    /* Percent-encoded token still matches. */
    cr_assert_eq(ch->handshake(&s,
                               "hub.mode=subscribe&hub.challenge=77&hub.verify_token="
                               "gagasan%2Duji-verify-7f3a",
                               &body, &ct),
                 0);
    cr_assert_str_eq(body.data, "77");
    /* Missing verify token: fail closed. */
    free(s.meta_verify_token);
    s.meta_verify_token = NULL;
    cr_assert_eq(ch->handshake(&s, q, &body, &ct), GG_EAUTH);
    free(q);
    gg_buf_dispose(&body);
    gg_channels_secrets_dispose(&s);
    json_decref(v);
    free(vec);
    fx_head_free(&h);
}

Test(channels_handshake, x_crc_matches_vector)
{
    fx_head h;
    gg_channel_secrets s;
    gg_buf body;
    const char *ct = NULL;
    size_t len;
    fx_head_load(&h, "x/crc-challenge");
    char *vec = fx_body("x/crc-challenge.json", &len);
    json_t *v = json_loadb(vec, len, 0, NULL);
    json_t *exp = json_object_get(v, "expected_response");
    fx_secrets(&s);
    gg_buf_init(&body, 1024);
    char *q = query_of(h.start); /* carries %3D: decoded before the HMAC */
    cr_assert(strstr(q, "%3D") != NULL);
    cr_assert_eq(gg_channels_find("x")->handshake(&s, q, &body, &ct), 0);
    cr_assert_str_eq(ct, json_string_value(json_object_get(exp, "content_type")));
    json_t *got = json_loads(body.data, 0, NULL);
    cr_assert_not_null(got);
    cr_assert_str_eq(
        json_string_value(json_object_get(got, "response_token")),
        json_string_value(json_object_get(json_object_get(exp, "body"), "response_token")));
    cr_assert_str_eq(
        body.data, "{\"response_token\":\"sha256=mzczVbkqsv15joRCN2LHTdgZZ6X2NYhhmH4jlfetofg=\"}");
    cr_assert_eq(gg_channels_x_crc(&s, "other=1", &body, &ct), GG_EAUTH);
    free(s.x_consumer_secret);
    s.x_consumer_secret = NULL;
    cr_assert_eq(gg_channels_x_crc(&s, q, &body, &ct), GG_EAUTH);
    json_decref(got);
    free(q);
    gg_buf_dispose(&body);
    gg_channels_secrets_dispose(&s);
    json_decref(v);
    free(vec);
    fx_head_free(&h);
}

Test(channels_handshake, registry)
{
    cr_assert_eq(gg_channels_find("meta"), &gg_channel_meta);
    cr_assert_eq(gg_channels_find("x"), &gg_channel_x);
    cr_assert_eq(gg_channels_find("telegram"), &gg_channel_telegram);
    cr_assert_eq(gg_channels_find("mastodon"), &gg_channel_mastodon);
    cr_assert_eq(gg_channels_find("tiktok"), &gg_channel_tiktok);
    cr_assert_null(gg_channels_find("youtube"), "YouTube has no push");
    cr_assert_null(gg_channels_find("../meta"));
    cr_assert_null(gg_channels_find(NULL));
    cr_assert_null(gg_channel_telegram.handshake);
}
