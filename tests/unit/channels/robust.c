/*
 * robust.c — a deterministic fuzz replay for every decoder in src/channels/:
 * each fixture body is truncated and byte-mutated (fixed seed) and fed to
 * every decoder and the send-result parser. Invariants: no crash (run it
 * under `make asan` for memory errors), a known error code, a message on
 * failure and an empty batch; on success every event has a channel, a
 * version and a dedupe key.
 */
#include <dirent.h>

#include "fixture.h"

typedef int (*decoder)(const char *raw, size_t len, gg_channel_batch *b);

static int mstd_page(const char *raw, size_t len, gg_channel_batch *b)
{
    return gg_channels_mastodon_decode_page(raw, len, "<https://a/b?max_id=1>; rel=\"next\"", b);
}

static int x_page(const char *raw, size_t len, gg_channel_batch *b)
{
    return gg_channels_x_decode_page(raw, len, "1578901234567890123", b);
}

static int x_stream(const char *raw, size_t len, gg_channel_batch *b)
{
    return gg_channels_x_decode_stream(raw, len, NULL, b);
}

static int mstd_update(const char *raw, size_t len, gg_channel_batch *b)
{
    return gg_channels_mastodon_decode_event("update", raw, len, b);
}

static int mstd_delete(const char *raw, size_t len, gg_channel_batch *b)
{
    return gg_channels_mastodon_decode_event("delete", raw, len, b);
}

static decoder all_decoders(size_t i)
{
    static decoder d[16];
    static int init;
    if (!init) {
        size_t k = 0;
        d[k++] = gg_channel_meta.decode;
        d[k++] = gg_channel_x.decode;
        d[k++] = gg_channel_telegram.decode;
        d[k++] = gg_channel_mastodon.decode;
        d[k++] = gg_channel_tiktok.decode;
        d[k++] = x_page;
        d[k++] = x_stream;
        d[k++] = gg_channels_telegram_decode_updates;
        d[k++] = gg_channels_youtube_decode_page;
        d[k++] = mstd_page;
        d[k++] = mstd_update;
        d[k++] = mstd_delete;
        d[k++] = gg_channels_mastodon_decode_sse;
        d[k++] = gg_channels_mastodon_decode_ws;
        d[k++] = gg_channels_tiktok_decode_list;
        init = 1;
    }
    return i < 15 ? d[i] : NULL;
}

static void check(decoder fn, const char *raw, size_t len, const char *what)
{
    gg_channel_batch b;
    int rc = fn(raw, len, &b);
    if (rc == 0) {
        for (size_t i = 0; i < b.n; i++) {
            const gg_event *e = &b.events[i];
            cr_assert_not_null(e->channel, "%s", what);
            cr_assert_not_null(e->version, "%s", what);
            cr_assert_not_null(e->dedupe_key, "%s", what);
            cr_assert(e->kind >= GG_EVENT_POST && e->kind <= GG_EVENT_STATUS, "%s", what);
            if (e->text)
                cr_assert(gg_channels_kind_name(e->kind)[0] != 'u');
        }
    } else {
        cr_assert(rc == GG_EINVAL || rc == GG_EUTF8 || rc == GG_ELIMIT || rc == GG_ERATE ||
                      rc == GG_EUPSTREAM,
                  "%s: unexpected rc %d", what, rc);
        cr_assert_eq(b.n, 0, "%s: events left after a failure", what);
        cr_assert_null(b.events, "%s", what);
        cr_assert(b.err[0] != '\0', "%s: failure without a message", what);
    }
    gg_channels_batch_dispose(&b);
}

/* xorshift: fixed seed, so every run replays the same corpus. */
static uint64_t rnd_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

/* The send-result parser under the same mutations. */
static void check_sent(const char *raw, size_t len, const char *what)
{
    static const char *chans[] = {"facebook", "whatsapp", "x",     "telegram",
                                  "youtube",  "mastodon", "tiktok"};
    for (size_t i = 0; i < sizeof chans / sizeof chans[0]; i++) {
        gg_channel_sent s;
        int rc = gg_channels_decode_sent(chans[i], raw, len, "{\"1\":[{\"x\":1}]}", &s);
        if (rc == 0) {
            cr_assert_not_null(s.id, "%s", what);
        } else {
            cr_assert(rc == GG_EINVAL || rc == GG_EUTF8 || rc == GG_ELIMIT || rc == GG_ERATE ||
                          rc == GG_EUPSTREAM,
                      "%s: rc %d", what, rc);
            cr_assert_null(s.id, "%s", what);
            cr_assert(s.err[0] != '\0', "%s", what);
        }
        gg_channels_sent_dispose(&s);
    }
}

static size_t mutate_file(const char *rel)
{
    size_t len, runs = 0;
    char *raw = fx_body(rel, &len);
    char *m = malloc(len + 1);
    for (size_t d = 0; all_decoders(d); d++) {
        decoder fn = all_decoders(d);
        check(fn, raw, len, rel);
        for (size_t k = 0; k < 24; k++) {
            memcpy(m, raw, len);
            size_t n = len;
            switch (k % 4) {
            case 0: n = len ? rnd() % len : 0; break;                               /* truncate */
            case 1: m[rnd() % (len ? len : 1)] ^= (char)(1u << (rnd() % 8)); break; /* bit flip */
            case 2:
                m[rnd() % (len ? len : 1)] = "{}[]\",:\\\x80\xFF"
                                             "0"[rnd() % 12];
                break;
            case 3: /* swap two bytes */
                if (len > 1) {
                    size_t a = rnd() % len, c = rnd() % len;
                    char t = m[a];
                    m[a] = m[c], m[c] = t;
                }
                break;
            }
            check(fn, m, n, rel);
            if (d == 0)
                check_sent(m, n, rel);
            runs++;
        }
    }
    free(m);
    free(raw);
    return runs;
}

Test(channels_robust, mutated_fixtures_every_decoder)
{
    static const char *dirs[] = {"facebook", "instagram", "messenger", "whatsapp", "x",
                                 "telegram", "youtube",   "mastodon",  "tiktok"};
    size_t files = 0, runs = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        char path[512];
        snprintf(path, sizeof path, "%s/fixtures/channels/%s", fx_root(), dirs[d]);
        DIR *dp = opendir(path);
        cr_assert_not_null(dp, "%s", path);
        struct dirent *de;
        while ((de = readdir(dp)) != NULL) {
            size_t n = strlen(de->d_name);
            if ((n > 5 && strcmp(de->d_name + n - 5, ".json") == 0) ||
                (n > 4 && strcmp(de->d_name + n - 4, ".sse") == 0) ||
                (n > 7 && strcmp(de->d_name + n - 7, ".ndjson") == 0)) {
                char rel[600];
                snprintf(rel, sizeof rel, "%s/%s", dirs[d], de->d_name);
                runs += mutate_file(rel);
                files++;
            }
        }
        closedir(dp);
    }
    cr_assert_geq(files, 86, "fixture bodies found: %zu", files);
    cr_assert_geq(runs, files * 15 * 24);
}

Test(channels_robust, pathological_inputs)
{
    size_t n = 1 << 20;
    char *deep = malloc(2 * n + 1);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\0';
    for (size_t d = 0; all_decoders(d); d++) {
        check(all_decoders(d), deep, 2 * n, "deep nesting");
        check(all_decoders(d), "", 0, "empty");
        check(all_decoders(d), "\0\0\0", 3, "NULs");
        check(all_decoders(d), "{\"a\":\"\\u0000\"}", 14, "escaped NUL");
        check(all_decoders(d), "\xEF\xBB\xBF{}", 5, "BOM");
    }
    gg_channel_batch b;
    cr_assert_eq(gg_channel_meta.decode(deep, (size_t)GG_CHANNELS_MAX_BODY + 1, &b), GG_ELIMIT);
    free(deep);
}
