/* Unit tests of the insight layer: day arithmetic, burst scores and CSV
 * cells (pure), then the summary against a real temporary store: posts with
 * labels go in through the writer, get decided and relabelled, and the
 * summary's counts must equal counts this test keeps itself, both from the
 * aggregate path and from the facts path (a cross filter); and with the
 * writer's batched fold, at every read, whoever wrote last. */
#include "core/buf.h"
#include "core/err.h"
#include "insight/insight.h"
#include "store/store.h"
#include "unit/tmpdb.h"
#include <criterion/criterion.h>
#include <sqlite3.h>
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
    tmpdb_path(dbpath, sizeof(dbpath), "insight");
    cr_assert_eq(gg_store_open(&st, dbpath, 64), 0, "%s", gg_store_errmsg(NULL));
    gg_campaign_in c = {.slug = "t", .title = "T", .question = "Q?", .brief = "B"};
    cr_assert_eq(gg_store_campaign_upsert(st, &c, &cid), 0);
}

static void teardown(void)
{
    gg_store_close(st);
    tmpdb_remove(dbpath);
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

    /* a topic within a province, a topic on one channel (pair aggregates) */
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

/* ---- batched aggregates (migration 7) ---------------------------------------- */

/* One number from SQL on a connection of the test's own. */
static int64_t q1(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    int64_t v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_finalize(q);
    return v;
}

/* The summary of one filter against counts taken straight from the
 * submissions table (not from the facts or aggregates the store reads). */
static void check_against_submissions(sqlite3 *db, const char *what, const char *kind,
                                      const char *channel, const char *topic)
{
    gg_insight_filter f = {.campaign_id = cid, .kind = kind, .channel = channel, .topic = topic};
    cr_assert_eq(gg_insight_parse_day("2026-03-01", &f.day_from), 0);
    cr_assert_eq(gg_insight_parse_day("2026-03-31", &f.day_to), 0);
    json_t *o = NULL;
    cr_assert_eq(gg_insight_summary(st, &f, 10, &o), 0, "%s", gg_store_errmsg(st));
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM submissions WHERE ('%s'='' OR labels_json->>'kind'='%s')"
             " AND ('%s'='' OR channel='%s') AND ('%s'='' OR labels_json->>'$.topics[0].topic'"
             "='%s')",
             kind ? kind : "", kind ? kind : "", channel ? channel : "", channel ? channel : "",
             topic ? topic : "", topic ? topic : "");
    cr_assert_eq(json_integer_value(json_object_get(o, "total")), q1(db, sql), "%s: total", what);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM submissions WHERE state='accepted' AND ('%s'='' OR"
             " labels_json->>'kind'='%s') AND ('%s'='' OR channel='%s') AND ('%s'='' OR"
             " labels_json->>'$.topics[0].topic'='%s')",
             kind ? kind : "", kind ? kind : "", channel ? channel : "", channel ? channel : "",
             topic ? topic : "", topic ? topic : "");
    cr_assert_eq(count_of(json_object_get(o, "by_state"), "accepted"), q1(db, sql),
                 "%s: accepted", what);
    json_decref(o);
}

/* The pair aggregates ("tk:", "kl:", … : every dimension within two of
 * topic, province, kind, channel and language) against a recount in SQL,
 * both ways, per (pair, values, day, dimension, key, coord) with the
 * totals and accepted counts: insight_agg's day rows plus the rows still
 * pending (with their sign) must equal what the facts give. */
#define PAIR_SRC_COLS                                                                            \
    "id, sign, day, coord, channel, kind, lang, province, regency, dapil, reason, topics_json,"   \
    " state"
#define PAIR_EXPAND(SRC)                                                                         \
    "WITH src(" PAIR_SRC_COLS ") AS (" SRC "),"                                                  \
    " letters(id, letter, v) AS ("                                                               \
    "  SELECT src.id, 't', j.value FROM src, json_each(src.topics_json) j"                       \
    "  UNION ALL SELECT id, 'p', province FROM src WHERE province<>''"                           \
    "  UNION ALL SELECT id, 'k', kind FROM src WHERE kind<>''"                                   \
    "  UNION ALL SELECT id, 'c', channel FROM src WHERE channel<>''"                             \
    "  UNION ALL SELECT id, 'l', lang FROM src WHERE lang<>''),"                                 \
    " keys(id, dim, key) AS (SELECT id, 'all', '' FROM src"                                      \
    "  UNION ALL SELECT id, 'channel', channel FROM src"                                         \
    "  UNION ALL SELECT id, 'kind', kind FROM src"                                               \
    "  UNION ALL SELECT id, 'lang', lang FROM src"                                               \
    "  UNION ALL SELECT id, 'province', province FROM src"                                       \
    "  UNION ALL SELECT id, 'regency', regency FROM src WHERE regency<>''"                       \
    "  UNION ALL SELECT id, 'dapil', dapil FROM src WHERE dapil<>''"                             \
    "  UNION ALL SELECT id, 'reason', reason FROM src WHERE reason<>''"                          \
    "  UNION ALL SELECT src.id, 'topic', j.value FROM src, json_each(src.topics_json) j"         \
    "  UNION ALL SELECT id, 'topic', '' FROM src WHERE topics_json='[]')"                        \
    " SELECT a.letter || b.letter || ':' || k.dim AS dim, a.v || '|' || b.v AS sel,"            \
    " s.day AS day, k.key AS key, s.coord>0 AS coord, s.sign AS n,"                              \
    " s.sign * (s.state='accepted') AS accepted"                                                 \
    " FROM src s JOIN letters a ON a.id=s.id JOIN letters b ON b.id=s.id"                        \
    "  AND instr('tpkcl', a.letter) < instr('tpkcl', b.letter) JOIN keys k ON k.id=s.id"

static void check_pairs(sqlite3 *db, const char *when)
{
    static const char facts[] =
        "SELECT dim, sel, day, key, coord, sum(n), sum(accepted) FROM (" PAIR_EXPAND(
            "SELECT submission_id, 1, day, coord, channel, kind, lang, province, regency, dapil,"
            " reason, topics_json, state FROM insight_facts") ") GROUP BY 1, 2, 3, 4, 5"
        " HAVING sum(n)<>0";
    static const char aggs[] =
        "SELECT dim, sel, day, key, coord, sum(n), sum(accepted) FROM ("
        " SELECT dim, sel, day, key, coord, n, accepted FROM insight_agg"
        "  WHERE dim LIKE '__:%' AND dim NOT LIKE 'W%' AND dim NOT LIKE '_:%' UNION ALL"
        " SELECT * FROM (" PAIR_EXPAND(
            "SELECT seq, sign, day, coord, channel, kind, lang, province, regency, dapil,"
            " reason, topics_json, state FROM insight_pending") ")) GROUP BY 1, 2, 3, 4, 5"
        " HAVING sum(n)<>0";
    char sql[8192];
    /* all ten pairs are compared */
    snprintf(sql, sizeof(sql), "SELECT count(DISTINCT substr(dim, 1, 3)) FROM (%s)", facts);
    cr_assert_eq(q1(db, sql), 10, "%s: pairs in the facts", when);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM (%s EXCEPT %s)", facts, aggs);
    cr_assert_eq(q1(db, sql), 0, "%s: pair counts of the facts missing from the aggregates", when);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM (%s EXCEPT %s)", aggs, facts);
    cr_assert_eq(q1(db, sql), 0, "%s: pair aggregates the facts do not give", when);
    /* pairs have day rows only */
    cr_assert_eq(q1(db, "SELECT count(*) FROM insight_agg WHERE dim GLOB 'W[a-z][a-z]:*'"), 0,
                 "%s: week rows of a pair", when);
}

static void check_all(sqlite3 *db, const char *when)
{
    char what[96];
    static const char *const kinds[] = {"gagasan", "keluhan", "kritik"};
    static const char *const chans[] = {"web", "x"};
    check_against_submissions(db, when, NULL, NULL, NULL);
    for (int i = 0; i < 3; i++) {
        snprintf(what, sizeof(what), "%s, kind %s", when, kinds[i]);
        check_against_submissions(db, what, kinds[i], NULL, NULL);
        snprintf(what, sizeof(what), "%s, kind %s on web (pair aggregates)", when, kinds[i]);
        check_against_submissions(db, what, kinds[i], "web", NULL);
        snprintf(what, sizeof(what), "%s, kind %s in kesehatan (pair aggregates)", when,
                 kinds[i]);
        check_against_submissions(db, what, kinds[i], NULL, "kesehatan");
        snprintf(what, sizeof(what), "%s, kind %s on web in kesehatan (facts)", when, kinds[i]);
        check_against_submissions(db, what, kinds[i], "web", "kesehatan");
    }
    check_against_submissions(db, when, NULL, "x", "pendidikan");
    check_pairs(db, when);
    for (int i = 0; i < 2; i++) {
        snprintf(what, sizeof(what), "%s, channel %s", when, chans[i]);
        check_against_submissions(db, what, NULL, chans[i], NULL);
    }
    check_against_submissions(db, when, NULL, NULL, "kesehatan");
}

static void put_many(int from, int n)
{
    static const char *const kinds[] = {"gagasan", "keluhan", "kritik"};
    static const char *const topics[] = {"pendidikan", "kesehatan"};
    waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, n, 0};
    for (int i = from; i < from + n; i++) {
        char labels[256], text[32], created[32];
        snprintf(labels, sizeof(labels),
                 "{\"lang\":\"ind\",\"kind\":\"%s\",\"topics\":[{\"topic\":\"%s\"}],"
                 "\"region\":[{\"province\":\"3%d\"}]}",
                 kinds[i % 3], topics[(i / 3) % 2], i % 4);
        snprintf(text, sizeof(text), "usul nomor %d", i);
        snprintf(created, sizeof(created), "2026-03-%02dT08:00:00Z", 1 + i % 20);
        gg_submission_in in = {.campaign_id = cid, .channel = i % 5 ? "web" : "x",
                               .text = text, .labels_json = labels, .state = "queued",
                               .created_at = created};
        cr_assert_eq(gg_store_submission_put(st, &in, on_done, &w), 0);
    }
    pthread_mutex_lock(&w.mu);
    while (w.left > 0)
        pthread_cond_wait(&w.cv, &w.mu);
    pthread_mutex_unlock(&w.mu);
    cr_assert_eq(w.failed, 0);
}

Test(insight_store, batched_aggregates_equal_the_submissions_at_every_read)
{
    /* 1,000 posts queued at once: batches of up to 64, folded or still
     * pending depending on the fold's schedule; every read must agree */
    put_many(0, 1000);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    check_all(db, "after the inserts");

    /* another writer decides, relabels and deletes: its facts changes
     * wait in insight_pending, and the readers count them anyway */
    cr_assert_eq(sqlite3_exec(db,
                              "INSERT INTO staff_users(email,role,pw_hash) VALUES"
                              "('r@t','reviewer','x');"
                              "UPDATE submissions SET state='accepted', decided_by=1,"
                              " decided_at=strftime('%Y-%m-%dT%H:%M:%fZ', received_at,"
                              " '+' || (id % 7 * 100) || ' seconds') WHERE id % 3 = 0;"
                              "UPDATE submissions SET labels_json=json_set(labels_json,'$.kind',"
                              "'kritik') WHERE id % 11 = 0;"
                              "DELETE FROM submissions WHERE id % 13 = 0;",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_gt(q1(db, "SELECT count(*) FROM insight_pending"), 0);
    check_all(db, "after another writer's changes");

    /* the store's fold thread folds them all, and the posts that come
     * next, within FOLD_MS (4 s, store/sqlite.c) of its last fold */
    put_many(1000, 10);
    put_many(1010, 1);
    for (int t = 0; t < 200 && q1(db, "SELECT count(*) FROM insight_pending") > 0; t++)
        usleep(100 * 1000);
    check_all(db, "after the fold");
    cr_assert_eq(q1(db, "SELECT count(*) FROM insight_pending"), 0);

    /* folded: the aggregate rows equal a GROUP BY over the facts */
    cr_assert_eq(q1(db, "SELECT count(*) FROM (SELECT kind, channel, count(*) AS n"
                        " FROM insight_facts WHERE kind<>'' GROUP BY 1, 2 EXCEPT"
                        " SELECT sel, key, sum(n) FROM insight_agg WHERE dim='k:channel'"
                        " GROUP BY 1, 2 HAVING sum(n)<>0)"),
                 0);
    cr_assert_eq(q1(db, "SELECT count(*) FROM (SELECT sel, key, sum(n) FROM insight_agg"
                        " WHERE dim='k:channel' GROUP BY 1, 2 HAVING sum(n)<>0 EXCEPT"
                        " SELECT kind, channel, count(*) FROM insight_facts WHERE kind<>''"
                        " GROUP BY 1, 2)"),
                 0);
    int64_t reviewed = q1(db, "SELECT count(review_secs) FROM insight_facts");
    cr_assert_gt(reviewed, 0);
    cr_assert_eq(q1(db, "SELECT sum(reviewed) FROM insight_agg WHERE dim='all'"), reviewed);
    cr_assert_eq(q1(db, "SELECT sum(h0+h1+h2+h3+h4+h5+h6+h7+h8+h9+h10+h11+h12+h13+h14+h15)"
                        " FROM insight_agg WHERE dim='all'"),
                 reviewed);

    /* the median review time lies in the bucket of the middle decision */
    gg_insight_filter f = {.campaign_id = cid};
    cr_assert_eq(gg_insight_parse_day("2026-03-01", &f.day_from), 0);
    cr_assert_eq(gg_insight_parse_day("2026-03-31", &f.day_to), 0);
    json_t *o = NULL;
    cr_assert_eq(gg_insight_summary(st, &f, 10, &o), 0);
    json_t *rv = json_object_get(json_object_get(o, "funnel"), "review");
    int64_t mid = q1(db, "SELECT review_secs FROM insight_facts WHERE review_secs IS NOT NULL"
                         " ORDER BY review_secs LIMIT 1 OFFSET (SELECT (count(review_secs)-1)/2"
                         " FROM insight_facts)");
    int b = gg_store_insight_review_bucket(mid);
    double lo = b ? (double)gg_store_insight_review_upper[b - 1] / 3600.0 : 0.0;
    double hi = (double)gg_store_insight_review_upper[b] / 3600.0;
    double med = json_real_value(json_object_get(rv, "median_hours"));
    cr_assert(med >= lo - 0.01 && med <= hi + 0.01, "median %f h outside [%f, %f] (%lld s)", med,
              lo, hi, (long long)mid);
    json_decref(o);
    sqlite3_close(db);
}

extern const char gg_store__m12_insight_week[];

/* Every week row equals the sum of its seven day rows, both ways (pairs
 * have no week rows). */
static void check_weeks(sqlite3 *db, const char *when)
{
    static const char days[] =
        "SELECT 'W' || dim, campaign_id, sel, day - (day + 3) % 7, key, coord, sum(n), sum(accepted),"
        " sum(neg) FROM insight_agg WHERE dim NOT LIKE 'W%' AND dim NOT IN ('all','channel')"
        " AND dim NOT LIKE '%:all' AND dim NOT LIKE '%:channel'"
        " AND dim NOT GLOB '[a-z][a-z]:*'"
        " GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n)<>0";
    static const char weeks[] = "SELECT dim, campaign_id, sel, day, key, coord, n, accepted, neg"
                                " FROM insight_agg WHERE dim LIKE 'W%' AND n<>0";
    char sql[1024];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM (%s EXCEPT %s)", days, weeks);
    cr_assert_eq(q1(db, sql), 0, "%s: day rows without their week", when);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM (%s EXCEPT %s)", weeks, days);
    cr_assert_eq(q1(db, sql), 0, "%s: week rows that are not their days' sum", when);
}

/* A period of 315 days starting and ending mid-week (weeks in the middle,
 * days at both edges and in the five weeks the bursts read): the summary's
 * counts by kab/kota, dapil and kind against the facts. */
static void check_long_period(sqlite3 *db)
{
    gg_insight_filter f = {.campaign_id = cid};
    cr_assert_eq(gg_insight_parse_day("2025-01-10", &f.day_from), 0);
    cr_assert_eq(gg_insight_parse_day("2025-11-20", &f.day_to), 0);
    json_t *o = NULL;
    cr_assert_eq(gg_insight_summary(st, &f, 10, &o), 0, "%s", gg_store_errmsg(st));
    char sql[512];
    static const char *const dims[][2] = {
        {"by_regency", "regency"}, {"by_dapil", "dapil"}, {"by_kind", "kind"}};
    for (int i = 0; i < 3; i++) {
        json_t *m = json_object_get(o, dims[i][0]);
        snprintf(sql, sizeof(sql),
                 "SELECT count(DISTINCT %s) FROM insight_facts WHERE %s<>'' AND day BETWEEN %d AND %d",
                 dims[i][1], dims[i][1], f.day_from, f.day_to);
        cr_assert_eq((int64_t)json_object_size(m), q1(db, sql), "%s: keys", dims[i][0]);
        const char *k;
        json_t *v;
        json_object_foreach(m, k, v)
        {
            snprintf(sql, sizeof(sql),
                     "SELECT count(*) FROM insight_facts WHERE %s='%s' AND day BETWEEN %d AND %d",
                     dims[i][1], k, f.day_from, f.day_to);
            cr_assert_eq(json_integer_value(v), q1(db, sql), "%s %s", dims[i][0], k);
        }
    }
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM submissions WHERE substr(created_at, 1, 10)"
             " BETWEEN '2025-01-10' AND '2025-11-20'");
    cr_assert_eq(json_integer_value(json_object_get(o, "total")), q1(db, sql));
    json_decref(o);
}

/* A backlog left by another program (a bulk load): tens of thousands of
 * pending rows over many days and places, folded when the store opens. The
 * fold sums in memory and flushes in several passes; every aggregate row
 * must still equal a GROUP BY over the facts (a flush once left its sums
 * behind in the slots the next pass reused, counting rows several times). */
Test(insight_store, a_large_backlog_folds_at_open_to_the_facts)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char sql[2048];
    /* the two triggers that need gagas's own SQL functions (search
     * tokenizer, audit chain) are not what this checks */
    snprintf(sql, sizeof(sql),
             "DROP TRIGGER IF EXISTS review_fts_ins; DROP TRIGGER IF EXISTS review_audit_auto;"
             "WITH RECURSIVE g(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM g"
             " WHERE value < 20000)"
             " INSERT INTO submissions(campaign_id, channel, native_id, text, display, norm,"
             " labels_json, state, created_at)"
             " SELECT %lld, CASE value %% 3 WHEN 0 THEN 'web' WHEN 1 THEN 'x' ELSE 'telegram' END,"
             " 'bulk' || value, 't', 't', 't',"
             " json_object('lang','ind','kind', CASE value %% 4 WHEN 0 THEN 'gagasan'"
             "  ELSE 'keluhan' END, 'topics', json_array(json_object('topic', 'topik' ||"
             "  (value %% 9))), 'region', json_array(json_object('level','kabkota',"
             "  'province', printf('%%02d', 11 + value %% 30), 'kabkota', printf('%%02d.%%02d',"
             "  11 + value %% 30, value %% 53), 'dapil', printf('d%%d', value %% 70)))),"
             " CASE value %% 5 WHEN 0 THEN 'accepted' ELSE 'queued' END,"
             " strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', '2025-01-01', '+' || (value * 7919 %% 400)"
             "  || ' days') FROM g",
             (long long)cid);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_geq(q1(db, "SELECT count(*) FROM insight_pending"), 20000);
    gg_store_close(st);
    st = NULL;
    cr_assert_eq(gg_store_open(&st, dbpath, 64), 0, "%s", gg_store_errmsg(NULL));
    cr_assert_eq(q1(db, "SELECT count(*) FROM insight_pending"), 0);
    cr_assert_eq(q1(db, "SELECT sum(n) FROM insight_agg WHERE dim='all'"),
                 q1(db, "SELECT count(*) FROM insight_facts"));
    /* per (selector, key) in both directions, for a plain and a crossed
     * dimension over every day */
    static const char *const checks[][2] = {
        {"SELECT '', regency, count(*) FROM insight_facts WHERE regency<>'' GROUP BY 1, 2",
         "regency"},
        {"SELECT channel, dapil, count(*) FROM insight_facts WHERE dapil<>'' GROUP BY 1, 2",
         "c:dapil"},
        {"SELECT province, kind, count(*) FROM insight_facts WHERE province<>'' GROUP BY 1, 2",
         "p:kind"},
    };
    for (int i = 0; i < 3; i++) {
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM (%s EXCEPT SELECT sel, key, sum(n) FROM insight_agg"
                 " WHERE dim='%s' GROUP BY 1, 2 HAVING sum(n)<>0)",
                 checks[i][0], checks[i][1]);
        cr_assert_eq(q1(db, sql), 0, "%s: facts not in the aggregates", checks[i][1]);
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM (SELECT sel, key, sum(n) FROM insight_agg"
                 " WHERE dim='%s' GROUP BY 1, 2 HAVING sum(n)<>0 EXCEPT %s)",
                 checks[i][1], checks[i][0]);
        cr_assert_eq(q1(db, sql), 0, "%s: aggregates not in the facts", checks[i][1]);
    }
    cr_assert_eq(q1(db, "SELECT sum(accepted) FROM insight_agg WHERE dim='t:all'"),
                 q1(db, "SELECT count(*) FROM insight_facts WHERE state='accepted'"));
    check_weeks(db, "after the fold");
    check_pairs(db, "after the fold");
    check_long_period(db);

    /* migration 12 builds the same week rows from the day rows */
    int64_t weeks = q1(db, "SELECT count(*) FROM insight_agg WHERE dim LIKE 'W%' AND n<>0");
    cr_assert_gt(weeks, 1000);
    cr_assert_eq(sqlite3_exec(db, "DELETE FROM insight_agg WHERE dim LIKE 'W%'", NULL, NULL, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, gg_store__m12_insight_week, NULL, NULL, NULL), SQLITE_OK, "%s",
                 sqlite3_errmsg(db));
    /* migration 12 came before the pair rows ("kl:kind", …), which have
     * no week rows: it sums them too */
    cr_assert_eq(sqlite3_exec(db, "DELETE FROM insight_agg WHERE dim GLOB 'W[a-z][a-z]:*'", NULL,
                              NULL, NULL),
                 SQLITE_OK);
    cr_assert_eq(q1(db, "SELECT count(*) FROM insight_agg WHERE dim LIKE 'W%' AND n<>0"), weeks);
    check_weeks(db, "after migration 12");
    check_long_period(db);
    sqlite3_close(db);
}
