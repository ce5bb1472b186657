/* Unit tests of the SQLite store: migrations, idempotent puts, the queue,
 * decisions with their audit rows, one winner under concurrency, and an
 * audit table that refuses edits. */
#include "core/err.h"
#include "store/store.h"
#include "unit/tmpdb.h"
#include <criterion/criterion.h>
#include <pthread.h>
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
    tmpdb_path(dbpath, sizeof(dbpath), "store");
    cr_assert_eq(gg_store_open(&st, dbpath, 64), 0, "%s", gg_store_errmsg(NULL));
    gg_campaign_in c = {.slug = "t", .title = "T", .question = "Q?", .brief = "B"};
    cr_assert_eq(gg_store_campaign_upsert(st, &c, &cid), 0);
}

static void teardown(void)
{
    gg_store_close(st);
    tmpdb_remove(dbpath);
}


static int64_t put(const char *text, const char *native, int *rc_out)
{
    gg_store_waiter d = GG_STORE_WAITER_INIT;
    gg_submission_in in = {.campaign_id = cid, .channel = "web", .native_id = native,
                           .text = text, .state = "queued"};
    cr_assert_eq(gg_store_submission_put(st, &in, gg_store_waiter_done, &d), 0);
    gg_store_waiter_wait(&d);
    if (rc_out)
        *rc_out = d.rc;
    return d.id;
}

static int decide(int64_t id, const char *action, const char *reason, json_t **result)
{
    gg_store_waiter d = GG_STORE_WAITER_INIT;
    gg_decision_in in = {.submission_id = id, .actor = "t@x.id", .action = action,
                         .reason = reason};
    int rc = gg_store_decide(st, &in, gg_store_waiter_done, &d);
    if (rc != 0)
        return rc;
    gg_store_waiter_wait(&d);
    if (result)
        *result = d.result;
    else if (d.result)
        json_decref(d.result);
    return d.rc;
}

TestSuite(store, .init = setup, .fini = teardown);

Test(store, migrations_apply_once_and_data_survives_reopen)
{
    int v = gg_store_schema_version(st);
    cr_assert_geq(v, 1);
    int64_t id = put("jalan rusak", NULL, NULL);
    gg_store_close(st);
    cr_assert_eq(gg_store_open(&st, dbpath, 64), 0);
    cr_assert_eq(gg_store_schema_version(st), v);
    json_t *s = NULL;
    cr_assert_eq(gg_store_submission_get(st, id, 0, &s), 0);
    cr_assert_str_eq(json_string_value(json_object_get(s, "text")), "jalan rusak");
    cr_assert_str_eq(json_string_value(json_object_get(s, "state")), "queued");
    json_decref(s);
}

Test(store, put_is_idempotent_on_native_id)
{
    int rc1, rc2, rc3;
    int64_t a = put("satu", "k1", &rc1), b = put("satu lagi", "k1", &rc2),
            c = put("dua", "k2", &rc3);
    cr_assert_eq(rc1, 0);
    cr_assert_eq(rc2, GG_ECONFLICT);
    cr_assert_eq(a, b);
    cr_assert_eq(rc3, 0);
    cr_assert_neq(a, c);
    json_t *q = NULL;
    gg_queue_query qq = {.campaign = "t", .limit = 10};
    cr_assert_eq(gg_store_queue(st, &qq, &q), 0);
    cr_assert_eq(json_integer_value(json_object_get(q, "total")), 2);
    cr_assert_eq(json_array_size(json_object_get(q, "items")), 2);
    json_decref(q);
}

Test(store, accept_creates_idea_and_audit_rows_and_second_decision_conflicts)
{
    int64_t id = put("Usul: bus sekolah gratis di kecamatan kami", NULL, NULL);
    json_t *res = NULL;
    cr_assert_eq(decide(id, "accept", NULL, &res), 0);
    json_t *idea = json_object_get(res, "idea");
    cr_assert(json_is_object(idea));
    int64_t idea_id = json_integer_value(json_object_get(idea, "id"));
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(res, "submission"),
                                                       "state")),
                     "accepted");
    json_decref(res);
    json_t *got = NULL;
    cr_assert_eq(gg_store_idea_get(st, idea_id, &got), 0);
    cr_assert_str_eq(json_string_value(json_object_get(got, "text")),
                     "Usul: bus sekolah gratis di kecamatan kami");
    json_decref(got);
    cr_assert_eq(decide(id, "reject", "spam", NULL), GG_ECONFLICT);
    cr_assert_eq(decide(999999, "accept", NULL, NULL), GG_ENOTFOUND);
    cr_assert_eq(decide(id, "reject", NULL, NULL), GG_EINVAL); /* no reason */
    json_t *audit = NULL;
    cr_assert_eq(gg_store_audit_list(st, 10, &audit), 0);
    cr_assert_eq(json_array_size(json_object_get(audit, "entries")), 2); /* decision + idea */
    json_decref(audit);
    json_t *counts = NULL;
    cr_assert_eq(gg_store_state_counts(st, &counts), 0);
    cr_assert_eq(json_integer_value(json_object_get(counts, "accepted")), 1);
    cr_assert_eq(json_integer_value(json_object_get(counts, "queued")), 0);
    json_decref(counts);
}

typedef struct racer {
    int64_t id;
    int rc;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    r->rc = decide(r->id, "reject", "spam", NULL);
    return NULL;
}

Test(store, two_reviewers_one_item_one_winner)
{
    for (int round = 0; round < 20; round++) {
        int64_t id = put("item", NULL, NULL);
        racer a = {id, 0}, b = {id, 0};
        pthread_t ta, tb;
        pthread_create(&ta, NULL, race, &a);
        pthread_create(&tb, NULL, race, &b);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        cr_assert((a.rc == 0 && b.rc == GG_ECONFLICT) || (b.rc == 0 && a.rc == GG_ECONFLICT),
                  "round %d: %d %d", round, a.rc, b.rc);
    }
}

Test(store, audit_rows_cannot_be_edited_or_deleted)
{
    int64_t id = put("x", NULL, NULL);
    cr_assert_eq(decide(id, "reject", "other", NULL), 0);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db, "UPDATE audit SET reason='x'", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM schema_migrations", -1, &q, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(q, 0), gg_store_schema_version(st)); /* each applied once */
    sqlite3_finalize(q);
    sqlite3_close(db);
}

Test(store, users_and_sessions)
{
    int64_t uid;
    cr_assert_eq(gg_store_user_add(st, "r@x.id", "reviewer", "$argon2id$fake", &uid), 0);
    cr_assert_eq(gg_store_user_add(st, "R@x.id", "reviewer", "h", &uid), GG_ECONFLICT);
    cr_assert_eq(gg_store_user_add(st, "z@x.id", "boss", "h", &uid), GG_EINVAL);
    cr_assert_eq(gg_store_session_put(st, uid, "th1", "csrf1", (int64_t)time(NULL) + 60, "ip",
                                      "ua"),
                 0);
    cr_assert_eq(gg_store_session_put(st, uid, "th2", "csrf2", (int64_t)time(NULL) - 1, "ip",
                                      "ua"),
                 0);
    json_t *s = NULL;
    cr_assert_eq(gg_store_session_get(st, "th1", &s), 0);
    cr_assert_str_eq(json_string_value(json_object_get(s, "role")), "reviewer");
    json_decref(s);
    cr_assert_eq(gg_store_session_get(st, "th2", &s), GG_ENOTFOUND); /* expired */
    cr_assert_eq(gg_store_session_delete(st, "th1"), 0);
    cr_assert_eq(gg_store_session_get(st, "th1", &s), GG_ENOTFOUND);
}
