/* Unit tests of the review workspace in the store: every action with its
 * audit row, undo, claims (one holder), stemmed full-text search, bulk on a
 * cluster, and the audit hash chain catching an edited, a deleted and a
 * smuggled row. */
#include "core/err.h"
#include "store/store.h"
#include "store/workspace.h"
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
    tmpdb_path(dbpath, sizeof(dbpath), "review");
    cr_assert_eq(gg_store_open(&st, dbpath, 64), 0, "%s", gg_store_errmsg(NULL));
    gg_campaign_in c = {.slug = "t", .title = "T", .question = "Q?", .brief = "B"};
    cr_assert_eq(gg_store_campaign_upsert(st, &c, &cid), 0);
    cr_assert_eq(gg_store_user_add(st, "a@x", "admin", "h", NULL), 0);
    cr_assert_eq(gg_store_user_add(st, "r@x", "reviewer", "h", NULL), 0);
}

static void teardown(void)
{
    gg_store_close(st);
    tmpdb_remove(dbpath);
}


static int64_t put(const char *text, int64_t dup_of)
{
    gg_store_waiter d = GG_STORE_WAITER_INIT;
    gg_submission_in in = {.campaign_id = cid, .channel = "web", .text = text, .norm = text,
                           .state = "queued", .dup_of = dup_of};
    cr_assert_eq(gg_store_submission_put(st, &in, gg_store_waiter_done, &d), 0);
    cr_assert_eq(gg_store_waiter_wait(&d), 0);
    json_decref(d.result);
    return d.id;
}

static int act(int64_t id, int64_t user, const char *action, const char *reason, int64_t idea,
               json_t **out)
{
    gg_store_waiter d = GG_STORE_WAITER_INIT;
    gg_review_act a = {.submission_id = id, .actor_id = user, .actor = user == 1 ? "a@x" : "r@x",
                       .admin = user == 1, .action = action, .reason = reason, .idea_id = idea};
    int rc = gg_store_review_act(st, &a, gg_store_waiter_done, &d);
    if (rc != 0)
        return rc;
    rc = gg_store_waiter_wait(&d);
    if (out)
        *out = d.result;
    else
        json_decref(d.result);
    return rc;
}

static const char *state_of(int64_t id)
{
    static char buf[32];
    json_t *s = NULL;
    cr_assert_eq(gg_store_submission_get(st, id, 1, &s), 0);
    snprintf(buf, sizeof(buf), "%s", json_string_value(json_object_get(s, "state")));
    json_decref(s);
    return buf;
}

static int verify(void)
{
    json_t *rep = NULL;
    int bad = -1;
    cr_assert_eq(gg_store_audit_verify(st, &bad, &rep), 0);
    json_decref(rep);
    return bad;
}

TestSuite(workspace, .init = setup, .fini = teardown);

Test(workspace, accept_merge_undo_keep_counts)
{
    int64_t a = put("perbaiki jalan desa", 0), b = put("jalan desa rusak parah", a);
    json_t *r = NULL;
    cr_assert_eq(act(a, 2, "accept", NULL, 0, &r), 0);
    int64_t idea = json_integer_value(json_object_get(json_object_get(r, "idea"), "id"));
    json_decref(r);
    cr_assert(idea > 0);
    /* merge with no target goes to the idea its near-copy joined */
    cr_assert_eq(act(b, 2, "merge", NULL, 0, &r), 0);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(r, "idea"), "supporters")), 2);
    json_decref(r);
    cr_assert_str_eq(state_of(b), "merged");
    cr_assert_eq(act(a, 2, "undo", NULL, 0, NULL), GG_ECONFLICT, "undo of an idea others joined");
    cr_assert_eq(act(b, 2, "undo", NULL, 0, NULL), 0);
    cr_assert_str_eq(state_of(b), "queued");
    cr_assert_eq(act(a, 2, "undo", NULL, 0, NULL), 0);
    cr_assert_str_eq(state_of(a), "queued");
    json_t *idea_row = NULL;
    cr_assert_eq(gg_store_idea_get(st, idea, &idea_row), GG_ENOTFOUND);
    cr_assert_eq(act(a, 2, "undo", NULL, 0, NULL), GG_ECONFLICT, "nothing left to undo");
    json_t *counts = NULL;
    cr_assert_eq(gg_store_state_counts(st, &counts), 0);
    cr_assert_eq(json_integer_value(json_object_get(counts, "queued")), 2);
    json_decref(counts);
    cr_assert_eq(verify(), 0);
}

Test(workspace, decided_and_refused_actions)
{
    int64_t a = put("teks satu", 0);
    cr_assert_eq(act(a, 2, "reject", "spam", 0, NULL), 0);
    cr_assert_eq(act(a, 2, "accept", NULL, 0, NULL), GG_ECONFLICT);
    cr_assert_eq(act(a, 2, "reject", NULL, 0, NULL), GG_EINVAL);
    cr_assert_eq(act(a, 2, "dance", NULL, 0, NULL), GG_EINVAL);
    cr_assert_eq(act(987654, 2, "accept", NULL, 0, NULL), GG_ENOTFOUND);
    int64_t b = put("teks dua", 0);
    cr_assert_eq(act(b, 2, "merge", NULL, 0, NULL), GG_EINVAL, "merge without any idea");
    cr_assert_eq(act(b, 2, "merge", NULL, 424242, NULL), GG_ENOTFOUND);
    cr_assert_eq(act(b, 2, "escalate", NULL, 0, NULL), 0);
    cr_assert_str_eq(state_of(b), "escalated");
    cr_assert_eq(act(b, 1, "accept", NULL, 0, NULL), 0, "escalated items stay decidable");
    /* someone else's action: only an admin may undo it */
    int64_t c = put("teks tiga", 0);
    cr_assert_eq(act(c, 1, "reject", "other", 0, NULL), 0);
    cr_assert_eq(act(c, 2, "undo", NULL, 0, NULL), GG_EFORBIDDEN);
}

static int claim(int64_t user, int64_t id)
{
    gg_store_waiter d = GG_STORE_WAITER_INIT;
    cr_assert_eq(gg_store_review_claim(st, user, id, 60000, gg_store_waiter_done, &d), 0);
    int rc = gg_store_waiter_wait(&d);
    json_decref(d.result);
    return rc;
}

Test(workspace, claims_have_one_holder)
{
    int64_t a = put("klaim satu", 0), b = put("klaim dua", 0);
    cr_assert_eq(claim(2, a), 0);
    cr_assert_eq(claim(2, a), 0, "renewing one's own claim");
    cr_assert_eq(claim(1, a), GG_ECONFLICT);
    /* the holder's action goes through; the other reviewer's does not */
    cr_assert_eq(act(a, 1, "reject", "spam", 0, NULL), 0, "an admin overrides a claim");
    cr_assert_eq(claim(2, b), 0);
    gg_review_query q = {.campaign_id = cid, .viewer = 1, .limit = 10};
    int64_t ids[4];
    int n = 0;
    cr_assert_eq(gg_store_review_queue_ids(st, &q, ids, 4, &n), 0);
    cr_assert_eq(n, 0, "the held item shows to another viewer");
    q.viewer = 2;
    cr_assert_eq(gg_store_review_queue_ids(st, &q, ids, 4, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(ids[0], b);
}

Test(workspace, stemmed_search)
{
    int64_t a = put("pendidikan gratis untuk semua", 0);
    put("jalan berlubang", 0);
    gg_review_query q = {.campaign_id = cid, .q = "Mendidik", .limit = 10};
    int64_t ids[4];
    int n = 0;
    cr_assert_eq(gg_store_review_queue_ids(st, &q, ids, 4, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(ids[0], a);
    q.q = "\"*) OR NEAR(";
    cr_assert_eq(gg_store_review_queue_ids(st, &q, ids, 4, &n), 0, "syntax in the query is text");
}

Test(workspace, bulk_accepts_a_cluster)
{
    int64_t root = put("tanggul sungai", 0), c1 = put("tanggul sungai", root),
            c2 = put("tanggul sungai", c1);
    gg_store_waiter d = GG_STORE_WAITER_INIT;
    gg_review_act a = {.actor_id = 2, .actor = "r@x", .action = "accept"};
    cr_assert_eq(gg_store_review_bulk(st, &a, root, 0, NULL, 0, gg_store_waiter_done, &d), 0);
    cr_assert_eq(gg_store_waiter_wait(&d), 0);
    cr_assert_eq(json_array_size(json_object_get(d.result, "applied")), 3);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(d.result, "idea"), "supporters")),
                 3);
    json_decref(d.result);
    cr_assert_str_eq(state_of(c1), "merged");
    cr_assert_str_eq(state_of(c2), "merged");
}

static void raw(const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, err ? err : "");
    sqlite3_close(db);
}

Test(workspace, audit_chain_detects_tampering)
{
    for (int i = 0; i < 4; i++) {
        char t[32];
        snprintf(t, sizeof(t), "baris %d", i);
        cr_assert_eq(act(put(t, 0), 2, "reject", "spam", 0, NULL), 0);
    }
    cr_assert_eq(verify(), 0);
    /* the triggers refuse edits through SQL */
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db, "UPDATE audit SET reason='x' WHERE id=1", NULL, NULL, NULL),
                  SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db, "DELETE FROM audit_chain WHERE audit_id=1", NULL, NULL, NULL),
                  SQLITE_OK);
    sqlite3_close(db);
    /* someone who drops the triggers is still caught */
    raw("DROP TRIGGER audit_no_update; UPDATE audit SET reason='kasar' WHERE id=2");
    cr_assert_eq(verify(), 1);
    raw("DROP TRIGGER audit_no_delete; DROP TRIGGER audit_chain_no_delete;"
        "DELETE FROM audit WHERE id=3; DELETE FROM audit_chain WHERE audit_id=3");
    cr_assert_eq(verify(), 2, "edited row and a deleted row");
    raw("DROP TRIGGER audit_chain_link; INSERT INTO audit(actor,action,object_type,object_id)"
        " VALUES('mallory','accept','submission',1)");
    cr_assert_eq(verify(), 3, "a row slipped in around the chain");
}

Test(workspace, automatic_rejections_are_audited)
{
    gg_store_waiter d = GG_STORE_WAITER_INIT;
    gg_submission_in in = {.campaign_id = cid, .channel = "web", .text = "promo", .norm = "promo",
                           .state = "rejected", .reason = "spam",
                           .labels_json = "{\"route\":{\"decision\":\"reject\"}}"};
    cr_assert_eq(gg_store_submission_put(st, &in, gg_store_waiter_done, &d), 0);
    cr_assert_eq(gg_store_waiter_wait(&d), 0);
    json_decref(d.result);
    json_t *log = NULL;
    cr_assert_eq(gg_store_audit_list(st, 10, &log), 0);
    json_t *row = json_array_get(json_object_get(log, "entries"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(row, "actor")), "filter");
    cr_assert_str_eq(json_string_value(json_object_get(row, "action")), "reject");
    cr_assert_eq(json_integer_value(json_object_get(row, "object_id")), d.id);
    cr_assert_str_eq(json_string_value(json_object_get(row, "reason")), "spam");
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(json_object_get(row, "after"), "route"), "decision")),
                     "reject");
    json_decref(log);
    cr_assert_eq(verify(), 0);
}
