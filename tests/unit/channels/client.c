/*
 * client.c — tests for src/channels/client.c and accounts.c: base URL
 * maps, the wait every recorded rate-limit answer asks for, the campaign
 * call builders, token sealing, the secrets file, backoff, and a call to a
 * port nobody listens on (127.0.0.1 only).
 */
#include "fixture.h"

#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "channels/accounts.h"
#include "channels/client.h"
#include "channels/workers.h"

static void init(void)
{
    cr_assert_geq(sodium_init(), 0);
}

TestSuite(client, .init = init);

Test(client, base_url_map)
{
    char out[256];
    const char *map = "*=http://127.0.0.1:9/,api.x.com=http://127.0.0.1:7,mastodon=http://m:1";
    cr_assert_eq(gg_chclient_base(map, "api.x.com", out, sizeof out), 0);
    cr_assert_str_eq(out, "http://127.0.0.1:7");
    cr_assert_eq(gg_chclient_base(map, "graph.facebook.com", out, sizeof out), 0);
    cr_assert_str_eq(out, "http://127.0.0.1:9", "star applies, trailing slash dropped");
    cr_assert_eq(gg_chclient_base(map, NULL, out, sizeof out), 0);
    cr_assert_str_eq(out, "http://m:1", "the Mastodon instance");
    cr_assert_eq(gg_chclient_base("", "api.telegram.org", out, sizeof out), 0);
    cr_assert_str_eq(out, "https://api.telegram.org");
    cr_assert_eq(gg_chclient_base("", NULL, out, sizeof out), GG_ENOTFOUND);
    cr_assert_eq(gg_chclient_base(map, "api.x.com", out, 5), GG_ELIMIT);
}

/* A response built from a recorded fixture, as the client would fill it. */
static void resp_of(gg_chclient_resp *r, const char *stem)
{
    fx_head h;
    char file[256];
    size_t len;
    memset(r, 0, sizeof *r);
    r->rl_remaining = r->rl_reset = -1;
    snprintf(file, sizeof file, "%s.json", stem);
    char *raw = fx_body(file, &len);
    fx_head_load(&h, stem);
    r->status = atoi(h.start + 9);
    gg_buf_init(&r->body, 1 << 20);
    gg_buf_add(&r->body, raw, len);
    const char *u = fx_header(&h, "x-business-use-case-usage");
    if (u)
        snprintf(r->usage, sizeof r->usage, "%s", u);
    const char *rem = fx_header(&h, "x-rate-limit-remaining");
    if (rem)
        r->rl_remaining = atoll(rem);
    fx_head_free(&h);
    free(raw);
}

Test(client, waits_from_recorded_answers)
{
    gg_chclient_resp r;
    int64_t now = 1795144867;
    resp_of(&r, "telegram/error-429.response");
    cr_assert_eq(gg_chclient_wait(&r, now), 7, "Telegram parameters.retry_after");
    gg_chclient_resp_dispose(&r);

    resp_of(&r, "x/rate-limited-429.response");
    r.rl_reset = 1795145379; /* x-rate-limit-reset of the fixture */
    cr_assert_eq(gg_chclient_wait(&r, now), 1795145379 - now, "X: until the window resets");
    gg_chclient_resp_dispose(&r);

    resp_of(&r, "facebook/graph-error-rate-limit.response");
    cr_assert_eq(gg_chclient_wait(&r, now), 12 * 60, "Meta estimated_time_to_regain_access");
    gg_chclient_resp_dispose(&r);

    resp_of(&r, "youtube/error-quotaExceeded.response");
    int64_t w = gg_chclient_wait(&r, now);
    cr_assert_eq((now + w) % 86400, 8 * 3600, "YouTube: at the quota day's start (08:00 UTC)");
    cr_assert(w > 0 && w <= 86400);
    gg_chclient_resp_dispose(&r);

    resp_of(&r, "youtube/error-commentsDisabled.response");
    cr_assert_eq(gg_chclient_wait(&r, now), 0, "a refusal is not a wait");
    gg_chclient_resp_dispose(&r);

    resp_of(&r, "mastodon/rate-limited-429.response");
    r.rl_reset = now + 180;
    cr_assert_eq(gg_chclient_wait(&r, now), 180);
    r.retry_after = 600;
    cr_assert_eq(gg_chclient_wait(&r, now), 600, "Retry-After when longer");
    gg_chclient_resp_dispose(&r);
}

static json_t *body_of(const gg_channel_request *rq)
{
    json_t *j = json_loadb(rq->body, rq->body_len, 0, NULL);
    cr_assert_not_null(j, "body is JSON");
    return j;
}

Test(client, publish_builders)
{
    gg_channel_request rq;
    gg_publish_opts o = {.channel = "facebook", .account = "104729385610923",
                         .text = "Isu apa? Kirim gagasan Anda: https://g.id/c/p #P",
                         .link = "https://g.id/c/p"};
    cr_assert_eq(gg_channels_build_publish(&rq, &o), 0);
    cr_assert_str_eq(rq.path, "/v24.0/104729385610923/feed");
    cr_assert_str_eq(rq.host, "graph.facebook.com");
    json_t *j = body_of(&rq);
    cr_assert_str_eq(json_string_value(json_object_get(j, "link")), "https://g.id/c/p");
    json_decref(j);
    gg_channels_request_dispose(&rq);

    o.channel = "instagram";
    o.account = "17841405822304914";
    cr_assert_eq(gg_channels_build_publish(&rq, &o), GG_EINVAL, "Instagram needs an image");
    o.image_url = "https://g.id/call.jpg";
    cr_assert_eq(gg_channels_build_publish(&rq, &o), 0);
    cr_assert_str_eq(rq.path, "/v24.0/17841405822304914/media");
    gg_channels_request_dispose(&rq);
    o.creation_id = "c1";
    cr_assert_eq(gg_channels_build_publish(&rq, &o), 0);
    cr_assert_str_eq(rq.path, "/v24.0/17841405822304914/media_publish");
    gg_channels_request_dispose(&rq);
    o.creation_id = NULL;

    o.channel = "telegram";
    o.account = "-1002233445566";
    cr_assert_eq(gg_channels_build_publish(&rq, &o), 0);
    cr_assert_eq(rq.auth, GG_AUTH_TELEGRAM_PATH);
    j = body_of(&rq);
    cr_assert(json_is_integer(json_object_get(j, "chat_id")), "numeric chat ids stay numbers");
    cr_assert_eq(json_integer_value(json_object_get(j, "chat_id")), -1002233445566LL);
    json_decref(j);
    gg_channels_request_dispose(&rq);
    o.account = "@gagasanwarga";
    cr_assert_eq(gg_channels_build_publish(&rq, &o), 0);
    j = body_of(&rq);
    cr_assert_str_eq(json_string_value(json_object_get(j, "chat_id")), "@gagasanwarga");
    json_decref(j);
    gg_channels_request_dispose(&rq);

    o.channel = "mastodon";
    cr_assert_eq(gg_channels_build_publish(&rq, &o), GG_EINVAL, "Mastodon needs its key");
    o.idempotency_key = "gagas-outbox-9";
    cr_assert_eq(gg_channels_build_publish(&rq, &o), 0);
    cr_assert_null(rq.host, "the instance comes from the base URL map");
    cr_assert_str_eq(rq.idempotency_key, "gagas-outbox-9");
    gg_channels_request_dispose(&rq);

    o.channel = "x";
    cr_assert_eq(gg_channels_build_publish(&rq, &o), 0);
    cr_assert_str_eq(rq.path, "/2/tweets");
    gg_channels_request_dispose(&rq);
    char long_text[400];
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    o.text = long_text;
    cr_assert_eq(gg_channels_build_publish(&rq, &o), GG_EINVAL, "over 280 characters");

    o.text = "ok";
    for (const char *const *c = (const char *const[]){"whatsapp", "messenger", "youtube", "tiktok", NULL}; *c; c++) {
        o.channel = *c;
        cr_assert_eq(gg_channels_build_publish(&rq, &o), GG_EINVAL, "%s has no call to publish", *c);
    }
    o.channel = "x";
    o.text = "\xff\xfe";
    cr_assert_eq(gg_channels_build_publish(&rq, &o), GG_EINVAL, "bad UTF-8");
}

Test(client, tokens_sealed_and_opened)
{
    unsigned char key[GG_TOKENS_KEY_BYTES], other[GG_TOKENS_KEY_BYTES];
    crypto_secretbox_keygen(key);
    crypto_secretbox_keygen(other);
    char *box = NULL, *plain = NULL;
    cr_assert_eq(gg_tokens_seal(key, "EAAG-page-token-123", &box), 0);
    cr_assert_null(strstr(box, "EAAG"), "no plain text in the box");
    cr_assert_eq(gg_tokens_open(key, box, &plain), 0);
    cr_assert_str_eq(plain, "EAAG-page-token-123");
    gg_tokens_free(plain);
    cr_assert_eq(gg_tokens_open(other, box, &plain), GG_EAUTH, "another key");
    box[strlen(box) - 1] = box[strlen(box) - 1] == '0' ? '1' : '0';
    cr_assert_eq(gg_tokens_open(key, box, &plain), GG_EAUTH, "a changed byte");
    cr_assert_eq(gg_tokens_open(key, "abc", &plain), GG_EAUTH);
    cr_assert_eq(gg_tokens_seal(key, "", &plain), GG_EINVAL);
    free(box);
}

Test(client, key_file_created_0600_and_reloaded)
{
    char dir[] = "/tmp/gg-client-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/db.tokens.key", dir);
    unsigned char a[GG_TOKENS_KEY_BYTES], b[GG_TOKENS_KEY_BYTES];
    cr_assert_eq(gg_tokens_key_load(path, a), 0);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(gg_tokens_key_load(path, b), 0);
    cr_assert_eq(memcmp(a, b, sizeof a), 0, "the same key after a restart");
    FILE *f = fopen(path, "w");
    fputs("short", f);
    fclose(f);
    cr_assert_eq(gg_tokens_key_load(path, b), GG_EIO, "a damaged key file stops the start");
    unlink(path);
    rmdir(dir);
}

Test(client, secrets_file_and_env_tokens)
{
    char path[] = "/tmp/gg-secrets-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char *txt = "# test\nGAGAS_TOKEN_MASTODON = from-file\n\nGAGAS_TEST_WINS=file\n";
    cr_assert_eq(write(fd, txt, strlen(txt)), (ssize_t)strlen(txt));
    close(fd);
    setenv("GAGAS_TEST_WINS", "env", 1);
    cr_assert_eq(gg_secrets_file_load(path), 0);
    cr_assert_str_eq(getenv("GAGAS_TEST_WINS"), "env", "the environment wins");
    char *tok = NULL;
    cr_assert_eq(gg_tokens_for(NULL, NULL, "mastodon", "acct", &tok), 0);
    cr_assert_str_eq(tok, "from-file");
    gg_tokens_free(tok);
    setenv("GAGAS_TOKEN_X_1578901234567890123", "per-account", 1);
    cr_assert_eq(gg_tokens_for(NULL, NULL, "x", "1578901234567890123", &tok), 0);
    cr_assert_str_eq(tok, "per-account");
    gg_tokens_free(tok);
    cr_assert_eq(gg_tokens_for(NULL, NULL, "tiktok", "a", &tok), GG_ENOTFOUND);
    FILE *f = fopen(path, "w");
    fputs("NOT_OURS=1\n", f);
    fclose(f);
    cr_assert_eq(gg_secrets_file_load(path), GG_EINVAL, "only GAGAS_ names");
    unlink(path);
    cr_assert_eq(gg_secrets_file_load("/nonexistent/gagas-secrets"), GG_EIO);
}

Test(client, backoff_doubles_with_jitter_and_caps)
{
    for (int f = 1; f <= 6; f++) {
        int64_t want = 1000LL << (f - 1);
        int64_t got = gg_chnet_backoff_ms(1000, f);
        cr_assert(got >= want * 3 / 4 && got <= want * 5 / 4, "failure %d: %lld", f,
                  (long long)got);
    }
    cr_assert_leq(gg_chnet_backoff_ms(1000, 60), 3600000 * 5 / 4);
}

Test(client, no_listener_is_no_answer)
{
    gg_channel_request rq;
    gg_pull_opts po = {.kind = GG_PULL_X_MENTIONS, .target = "1578901234567890123"};
    cr_assert_eq(gg_channels_build_pull(&rq, &po), 0);
    gg_chclient_resp r;
    /* port 1 on loopback: refused at once, nothing leaves the machine */
    int rc = gg_chclient_send("*=http://127.0.0.1:1", &rq, "t", &r);
    cr_assert_eq(rc, GG_EUPSTREAM);
    cr_assert_eq(r.status, 0);
    cr_assert_neq(r.err[0], '\0');
    gg_chclient_resp_dispose(&r);
    cr_assert_eq(gg_chclient_send("*=http://127.0.0.1:1", &rq, NULL, &r), GG_EAUTH,
                 "no token, no call");
    gg_chclient_resp_dispose(&r);
    gg_channels_request_dispose(&rq);
}
