/* Unit tests of the insight layer: day arithmetic, burst scores and CSV
 * cells (pure), then the summary against a real temporary store: posts with
 * labels go in through the writer, get decided and relabelled, and the
 * summary's counts must equal counts this test keeps itself, both from the
 * aggregate path and from the facts path (a cross filter). */
#include "core/buf.h"
#include "core/err.h"
#include "insight/insight.h"
#include "store/store.h"
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Test(insight_days, round_trip_and_known_dates)
{
    int d;
    cr_assert_eq(gg_insight_parse_day("1970-01-01", &d), 0);
    cr_assert_eq(d, 0);
    cr_assert_eq(gg_insight_parse_day("2024-02-29T10:00:00Z", &d), 0);
    cr_assert_eq(d, 19782);
    char s[11];
    for (int day = 0; day < 40000; day += 37) {
        gg_insight_day_str(day, s);
        int back = -1;
        cr_assert_eq(gg_insight_parse_day(s, &back), 0, "%s", s);
        cr_assert_eq(back, day, "%s", s);
    }
    cr_assert_eq(gg_insight_parse_day("2023-02-29", &d), GG_EINVAL);
    cr_assert_eq(gg_insight_parse_day("2026-13-01", &d), GG_EINVAL);
    cr_assert_eq(gg_insight_parse_day("2026-1-01", &d), GG_EINVAL);
    cr_assert_eq(gg_insight_parse_day("2026-01-01x", &d), GG_EINVAL);
    cr_assert_eq(gg_insight_parse_day(NULL, &d), GG_EINVAL);
}

Test(insight_burst, poisson_z)
{
    /* flat: no burst; doubling a big count beats 0 -> 3 */
    cr_assert_float_eq(gg_insight_burst(10, 40), 0.0, 1e-9);
    cr_assert_gt(gg_insight_burst(400, 800), gg_insight_burst(3, 0));
    cr_assert_float_eq(gg_insight_burst(3, 0), 3.0, 1e-9);
    cr_assert_lt(gg_insight_burst(0, 40), 0.0);
}

static const char *cell(gg_buf *b, json_t *v)
{
    gg_buf_reset(b);
    cr_assert_eq(gg_insight_csv_cell(b, v), 0);
    json_decref(v);
    return b->data ? b->data : "";
}

Test(insight_csv, quoting_formulas_lists)
{
    gg_buf b;
    gg_buf_init(&b, 1024);
    cr_assert_str_eq(cell(&b, json_string("biasa")), "biasa");
    cr_assert_str_eq(cell(&b, json_string("a,b")), "\"a,b\"");
    cr_assert_str_eq(cell(&b, json_string("kata \"kutip\"")), "\"kata \"\"kutip\"\"\"");
    cr_assert_str_eq(cell(&b, json_string("=HYPERLINK(1)")), "\"'=HYPERLINK(1)\"");
    cr_assert_str_eq(cell(&b, json_string("@cmd")), "\"'@cmd\"");
    cr_assert_str_eq(cell(&b, json_integer(-5)), "\"-5\"");
    cr_assert_str_eq(cell(&b, json_pack("[ss]", "pendidikan", "kesehatan")),
                     "pendidikan;kesehatan");
    cr_assert_str_eq(cell(&b, json_null()), "");
    gg_buf_dispose(&b);
    gg_buf small;
    gg_buf_init(&small, 4);
    json_t *v = json_string("terlalu panjang");
    cr_assert_eq(gg_insight_csv_cell(&small, v), GG_ELIMIT);
    json_decref(v);
    gg_buf_dispose(&small);
}

/* ---- against a store ------------------------------------------------------ */

static char dbpath[64];
static gg_store *st;
static int64_t cid;

static void setup(void)
{
    snprintf(dbpath, sizeof(dbpath), "/tmp/gagas-insight-%d-XXXXXX", (int)getpid());
    int fd = mkstemp(dbpath);
    close(fd);
    unlink(dbpath);
    cr_assert_eq(gg_store_open(&st, dbpath, 64), 0, "%s", gg_store_errmsg(NULL));
    gg_campaign_in c = {.slug = "t", .title = "T", .question = "Q?", .brief = "B"};
    cr_assert_eq(gg_store_campaign_upsert(st, &c, &cid), 0);
}

static void teardown(void)
{
    gg_store_close(st);
    char p[80];
    unlink(dbpath);
    snprintf(p, sizeof(p), "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", dbpath);
    unlink(p);
}

typedef struct waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int left, failed;
} waiter;

static void on_done(void *arg, int rc, int64_t id, json_t *result)
{
    waiter *w = arg;
    pthread_mutex_lock(&w->mu);
    if (rc != 0)
        w->failed++;
    w->left--;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

static json_int_t count_of(json_t *map, const char *k)
{
    return json_integer_value(json_object_get(map, k));
}

TestSuite(insight_store, .init = setup, .fini = teardown);

Test(insight_store, summary_matches_what_went_in)
{
    static const char *const topics[] = {"pendidikan", "kesehatan", "ekonomi"};
    static const char *const channels[] = {"web", "x", "telegram"};
    static const char *const states[] = {"queued", "rejected", "accepted", "merged"};
    static const char *const kabs[] = {"32.01", "32.73", "31.74", "73.71"};
    int n_topic[3] = {0}, n_channel[3] = {0}, n_state[4] = {0}, n_kab[4] = {0};
    int n_prov32 = 0, n_auto = 0, n_pend_in_32 = 0, n_pend_web = 0;
    waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
    const int N = 240;
    w.left = N;
    for (int i = 0; i < N; i++) {
        int t = i % 3, ch = (i / 3) % 3, s = (i / 2) % 4, k = (i / 5) % 4;
        char labels[512], text[32], created[32];
        snprintf(labels, sizeof(labels),
                 "{\"lang\":\"ind\",\"topics\":[{\"topic\":\"%s\",\"score\":0.9}],"
                 "\"kind\":\"gagasan\",\"sentiment\":{\"label\":\"%s\",\"score\":0.7},"
                 "\"region\":[{\"text\":\"x\",\"province\":\"%.2s\",\"kabkota\":\"%s\"}]}",
                 topics[t], i % 2 ? "positive" : "negative", kabs[k], kabs[k]);
        snprintf(text, sizeof(text), "teks %d", i);
        snprintf(created, sizeof(created), "2026-03-%02dT10:00:00Z", 1 + i % 28);
        gg_submission_in in = {.campaign_id = cid, .channel = channels[ch], .text = text,
                               .labels_json = labels, .state = states[s],
                               .reason = s == 1 ? "spam" : NULL, .created_at = created};
        cr_assert_eq(gg_store_submission_put(st, &in, on_done, &w), 0);
        n_topic[t]++, n_channel[ch]++, n_state[s]++, n_kab[k]++;
        n_auto += s == 1;
        n_prov32 += k < 2;
        n_pend_in_32 += k < 2 && t == 0;
        n_pend_web += t == 0 && ch == 0;
    }
    pthread_mutex_lock(&w.mu);
    while (w.left > 0)
        pthread_cond_wait(&w.cv, &w.mu);
    pthread_mutex_unlock(&w.mu);
    cr_assert_eq(w.failed, 0);

    gg_insight_filter f = {.campaign_id = cid};
    cr_assert_eq(gg_insight_parse_day("2026-03-01", &f.day_from), 0);
    cr_assert_eq(gg_insight_parse_day("2026-03-31", &f.day_to), 0);
    json_t *o = NULL;
    cr_assert_eq(gg_insight_summary(st, &f, 10, &o), 0, "%s", gg_store_errmsg(st));
    cr_assert_eq(json_integer_value(json_object_get(o, "total")), N);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(count_of(json_object_get(o, "by_topic"), topics[i]), n_topic[i]);
        cr_assert_eq(count_of(json_object_get(o, "by_channel"), channels[i]), n_channel[i]);
    }
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(count_of(json_object_get(o, "by_state"), states[i]), n_state[i], "%s",
                     states[i]);
        char code[8];
        snprintf(code, sizeof(code), "%.2s%s", kabs[i], kabs[i] + 3);
        cr_assert_eq(count_of(json_object_get(o, "by_region"), code), n_kab[i], "%s", code);
    }
    cr_assert_eq(count_of(json_object_get(o, "by_region"), "32"), n_prov32);
    json_t *fn = json_object_get(o, "funnel");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(fn, "auto_rejected"), "n")),
                 n_auto);
    json_t *days = json_object_get(json_object_get(o, "series"), "days");
    cr_assert_eq(json_array_size(days), 31);
    json_decref(o);

    /* a topic within a province (aggregates), a topic on one channel (facts) */
    f.region = "32";
    cr_assert_eq(gg_insight_summary(st, &f, 10, &o), 0);
    cr_assert_eq(count_of(json_object_get(o, "by_topic"), "pendidikan"), n_pend_in_32);
    json_decref(o);
    f.region = NULL;
    f.topic = "pendidikan";
    f.channel = "web";
    cr_assert_eq(gg_insight_summary(st, &f, 10, &o), 0);
    cr_assert_eq(json_integer_value(json_object_get(o, "total")), n_pend_web);
    json_decref(o);

    /* a reversed period is refused */
    f.day_from = f.day_to + 1;
    cr_assert_eq(gg_insight_summary(st, &f, 10, &o), GG_EINVAL);
}
