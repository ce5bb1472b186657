/* Unit tests of the submission write path's derived rows: the insight
 * facts row built in C (store/insight_facts.c) equals the one the SQL
 * trigger builds from the same labels, a redelivery leaves no facts row
 * behind, and the search index takes every post at its batch's end
 * (migration 16), whichever way the post came in. */
#include "core/err.h"
#include "store/store.h"
#include "unit/tmpdb.h"
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dbpath[64];
static gg_store *st;
static int64_t cid;

static void setup(void)
{
    tmpdb_path(dbpath, sizeof(dbpath), "facts");
    cr_assert_eq(gg_store_open(&st, dbpath, 64), 0, "%s", gg_store_errmsg(NULL));
    gg_campaign_in c = {.slug = "f", .title = "F", .question = "Q?", .brief = "B"};
    cr_assert_eq(gg_store_campaign_upsert(st, &c, &cid), 0);
}

static void teardown(void)
{
    if (st)
        gg_store_close(st);
    tmpdb_remove(dbpath);
}

TestSuite(facts, .init = setup, .fini = teardown);

/* labels as the filter writes them, and shapes it never should */
static const char *const labels[] = {
    "{\"lang\":\"ind\",\"kind\":\"gagasan\",\"sentiment\":{\"label\":\"negative\",\"score\":0.7},"
    "\"topics\":[{\"topic\":\"pendidikan\",\"score\":0.9},{\"topic\":\"infrastruktur\"}],"
    "\"region\":[{\"text\":\"Kab. Bogor\",\"level\":\"kabkota\",\"province\":\"32\","
    "\"kabkota\":\"32.01\",\"dapil\":\"3205\"}]}",
    /* a province mention first, a kab/kota later: the kab/kota is the main one */
    "{\"lang\":\"jav\",\"kind\":\"keluhan\",\"sentiment\":\"neutral\",\"topics\":[\"kesehatan\","
    "\"kesehatan\",\"\",{\"topic\":\"\"},{\"x\":1}],\"region\":[{\"province\":\"35\"},"
    "{\"kabkota\":\"35.78\",\"province\":\"35\",\"dapil\":3501}]}",
    /* only a province; a mention without codes; numbers where text goes */
    "{\"lang\":\"sun\",\"kind\":7,\"sentiment\":{\"label\":null},\"topics\":[],"
    "\"region\":[{\"text\":\"x\"},{\"province\":\"11\",\"dapil\":\"1101\"}]}",
    /* a kabkota key that is null sorts first, as json_type(...) IS NULL does */
    "{\"region\":[{\"province\":\"51\"},{\"kabkota\":null,\"province\":\"52\"}]}",
    /* topics that need escaping, and text beyond ASCII */
    "{\"topics\":[\"a\\\"b\",\"c\\\\d\",\"e\\nf\",\"\\u0001\",\"pangan \\u00e9\"],"
    "\"lang\":\"ind\"}",
    "{}", "[1,2]", "\"just a string\"", "not json at all",
    "{\"lang\":\"ind\",\"topics\":\"not an array\",\"region\":{\"not\":\"an array\"}}",
    NULL, /* no labels: {} */
};
#define NL (sizeof(labels) / sizeof(labels[0]))

static const char FACT_COLS[] = "campaign_id, day, channel, state, auto, reason, lang, kind,"
                                " sentiment, topics_json, province, regency, dapil, coord, root";

Test(facts, c_rows_equal_trigger_rows)
{
    /* through the store: facts built in C */
    for (size_t i = 0; i < NL; i++) {
        char nat[16];
        snprintf(nat, sizeof(nat), "c%zu", i);
        gg_store_waiter d = GG_STORE_WAITER_INIT;
        gg_submission_in in = {.campaign_id = cid,
                               .channel = "x",
                               .native_id = nat,
                               .text = "jalan rusak",
                               .state = i % 3 ? "queued" : "rejected",
                               .reason = i % 3 ? NULL : "spam",
                               .labels_json = labels[i],
                               .created_at = "2026-11-20T10:00:00Z"};
        cr_assert_eq(gg_store_submission_put(st, &in, gg_store_waiter_done, &d), 0);
        gg_store_waiter_wait(&d);
        cr_assert_eq(d.rc, 0, "put %zu: %s", i, gg_store_errmsg(st));
    }
    gg_store_close(st);
    st = NULL;
    /* by SQL alone: the trigger builds them */
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    for (size_t i = 0; i < NL; i++) {
        sqlite3_stmt *s;
        cr_assert_eq(sqlite3_prepare_v2(db,
                                        "INSERT INTO submissions(campaign_id,channel,native_id,"
                                        "text,display,norm,labels_json,state,reason,created_at)"
                                        " VALUES(?1,'x',?2,'jalan rusak','jalan rusak',"
                                        "'jalan rusak',coalesce(?3,'{}'),?4,?5,"
                                        "'2026-11-20T10:00:00Z')",
                                        -1, &s, NULL),
                     SQLITE_OK, "%s", sqlite3_errmsg(db));
        char nat[16];
        snprintf(nat, sizeof(nat), "s%zu", i);
        sqlite3_bind_int64(s, 1, cid);
        sqlite3_bind_text(s, 2, nat, -1, SQLITE_TRANSIENT);
        if (labels[i])
            sqlite3_bind_text(s, 3, labels[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, i % 3 ? "queued" : "rejected", -1, SQLITE_STATIC);
        if (i % 3 == 0)
            sqlite3_bind_text(s, 5, "spam", -1, SQLITE_STATIC);
        cr_assert_eq(sqlite3_step(s), SQLITE_DONE, "%s", sqlite3_errmsg(db));
        sqlite3_finalize(s);
    }
    /* every pair (c<i>, s<i>) has the same facts, value for value */
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "SELECT a.native_id, (SELECT count(*) FROM (SELECT %s FROM insight_facts"
             " WHERE submission_id=a.id EXCEPT SELECT %s FROM insight_facts"
             " WHERE submission_id=b.id)), (SELECT topics_json||'|'||province||'|'||regency"
             "||'|'||dapil||'|'||lang||'|'||kind||'|'||sentiment FROM insight_facts"
             " WHERE submission_id=a.id), (SELECT topics_json||'|'||province||'|'||regency"
             "||'|'||dapil||'|'||lang||'|'||kind||'|'||sentiment FROM insight_facts"
             " WHERE submission_id=b.id)"
             " FROM submissions a JOIN submissions b ON b.native_id='s'||substr(a.native_id,2)"
             " WHERE a.native_id LIKE 'c%%'",
             FACT_COLS, FACT_COLS);
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    int pairs = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        pairs++;
        cr_expect_eq(sqlite3_column_int(q, 1), 0, "%s: C row %s, trigger row %s",
                     sqlite3_column_text(q, 0), sqlite3_column_text(q, 2),
                     sqlite3_column_text(q, 3));
        cr_expect_not_null(sqlite3_column_text(q, 2), "%s has no facts row",
                           sqlite3_column_text(q, 0));
    }
    sqlite3_finalize(q);
    cr_assert_eq(pairs, (int)NL);
    /* the labels were read, not left blank: the first post's row */
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT topics_json, province, regency, dapil, lang, kind,"
                                    " sentiment FROM insight_facts f JOIN submissions s ON"
                                    " s.id=f.submission_id WHERE s.native_id='c0'",
                                    -1, &q, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    cr_expect_str_eq((const char *)sqlite3_column_text(q, 0), "[\"pendidikan\",\"infrastruktur\"]");
    cr_expect_str_eq((const char *)sqlite3_column_text(q, 1), "32");
    cr_expect_str_eq((const char *)sqlite3_column_text(q, 2), "3201");
    cr_expect_str_eq((const char *)sqlite3_column_text(q, 3), "3205");
    cr_expect_str_eq((const char *)sqlite3_column_text(q, 4), "ind");
    cr_expect_str_eq((const char *)sqlite3_column_text(q, 5), "gagasan");
    cr_expect_str_eq((const char *)sqlite3_column_text(q, 6), "negative");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

Test(facts, redelivery_leaves_one_facts_row_and_every_post_is_indexed)
{
    for (int k = 0; k < 3; k++) { /* the same item three times */
        gg_store_waiter d = GG_STORE_WAITER_INIT;
        gg_submission_in in = {.campaign_id = cid,
                               .channel = "x",
                               .native_id = "same",
                               .text = "banjir lagi",
                               .norm = "banjir lagi",
                               .state = "queued",
                               .labels_json = labels[0]};
        cr_assert_eq(gg_store_submission_put(st, &in, gg_store_waiter_done, &d), 0);
        gg_store_waiter_wait(&d);
        cr_assert_eq(d.rc, k == 0 ? 0 : GG_ECONFLICT);
    }
    gg_store_close(st);
    st = NULL;
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    cr_assert_eq(scalar(db, "SELECT count(*) FROM submissions"), 1);
    cr_assert_eq(scalar(db, "SELECT count(*) FROM insight_facts"), 1);
    /* the aggregates' queue nets to one post (+1 for each try, -1 for each
     * facts row a conflict took back) */
    cr_assert_eq(scalar(db, "SELECT coalesce(sum(sign),0) FROM insight_pending") +
                     scalar(db, "SELECT coalesce(sum(n),0) FROM insight_agg WHERE dim='all'"),
                 1);
    cr_assert_eq(scalar(db, "SELECT count(*) FROM review_fts_pending"), 0);
    cr_assert_eq(scalar(db, "SELECT count(*) FROM review_fts_docsize"), 1);
    /* a post written by SQL alone waits in review_fts_pending until the
     * store's writer next runs (here: the next open) */
    cr_assert_eq(sqlite3_exec(db,
                              "INSERT INTO submissions(campaign_id,channel,text,display,norm,"
                              "state) SELECT id,'web','sungai','sungai','sungai','queued'"
                              " FROM campaigns WHERE slug='f'",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(scalar(db, "SELECT count(*) FROM review_fts_pending"), 1);
    cr_assert_eq(scalar(db, "SELECT count(*) FROM insight_facts"), 2);
    sqlite3_close(db);
    cr_assert_eq(gg_store_open(&st, dbpath, 64), 0);
    gg_store_close(st);
    st = NULL;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    cr_assert_eq(scalar(db, "SELECT count(*) FROM review_fts_pending"), 0);
    cr_assert_eq(scalar(db, "SELECT count(*) FROM review_fts_docsize"), 2);
    sqlite3_close(db);
}

/* A member joining a coordinated group moves only its facts row's coord
 * (migration 18); any other change still rebuilds the row from the labels.
 * Either way the aggregates end equal to a recount of the facts. */
Test(facts, group_members_move_coord_and_aggregates_follow)
{
    int64_t ids[3];
    for (int k = 0; k < 3; k++) {
        char nat[8];
        snprintf(nat, sizeof(nat), "g%d", k);
        gg_store_waiter d = GG_STORE_WAITER_INIT;
        gg_submission_in in = {.campaign_id = cid,
                               .channel = "x",
                               .native_id = nat,
                               .text = "tolak kenaikan",
                               .state = "queued",
                               .labels_json = labels[0]};
        cr_assert_eq(gg_store_submission_put(st, &in, gg_store_waiter_done, &d), 0);
        gg_store_waiter_wait(&d);
        cr_assert_eq(d.rc, 0);
        ids[k] = d.id;
    }
    gg_store_waiter d = GG_STORE_WAITER_INIT;
    cr_assert_eq(gg_store_submissions_group(st, cid, ids[0], ids, 3, "{\"why\":\"test\"}",
                                            gg_store_waiter_done, &d),
                 0);
    gg_store_waiter_wait(&d);
    cr_assert_eq(d.rc, 0);
    gg_store_close(st);
    st = NULL;
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM insight_facts WHERE coord=%lld",
             (long long)ids[0]);
    cr_assert_eq(scalar(db, sql), 3);
    /* the labels were left as before, but for the mark */
    cr_assert_eq(scalar(db, "SELECT count(*) FROM insight_facts WHERE regency='3201'"
                            " AND topics_json='[\"pendidikan\",\"infrastruktur\"]'"),
                 3);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM submissions WHERE labels_json->>'$.coordinated'=%lld",
             (long long)ids[0]);
    /* ->> is SQLite 3.38+; Debian 12 has 3.40 */
    cr_assert_eq(scalar(db, sql), 3);
    /* a group change that also changes the labels rebuilds the row */
    snprintf(sql, sizeof(sql),
             "UPDATE submissions SET group_id=NULL, labels_json=json_set(labels_json,"
             "'$.lang','jav','$.coordinated',NULL) WHERE id=%lld",
             (long long)ids[2]);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM insight_facts WHERE submission_id=%lld AND lang='jav'"
             " AND coord=0",
             (long long)ids[2]);
    cr_assert_eq(scalar(db, sql), 1);
    sqlite3_close(db);
    /* reopen: the store folds what is pending; aggregates == recount */
    cr_assert_eq(gg_store_open(&st, dbpath, 64), 0);
    gg_store_close(st);
    st = NULL;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    cr_assert_eq(scalar(db, "SELECT count(*) FROM insight_pending"), 0);
    cr_assert_eq(
        scalar(db, "SELECT coalesce(sum(n),0) FROM insight_agg WHERE dim='all' AND coord=1"), 2);
    cr_assert_eq(
        scalar(db, "SELECT coalesce(sum(n),0) FROM insight_agg WHERE dim='all' AND coord=0"), 1);
    cr_assert_eq(scalar(db, "SELECT coalesce(sum(n),0) FROM insight_agg WHERE dim='lang'"
                            " AND key='jav'"),
                 1);
    cr_assert_eq(scalar(db, "SELECT coalesce(sum(n),0) FROM insight_agg WHERE dim='lang'"
                            " AND key='ind'"),
                 2);
    sqlite3_close(db);
}
