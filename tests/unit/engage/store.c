/* Unit tests of the engagement store (store/engage.c, migration 3): the
 * supporter and comment counters kept by triggers through support,
 * withdrawal, comments, deletion, reports and forgetting a participant;
 * cursor pages; poll option checks. */
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
static int64_t cid, idea;

/* One engagement write, waited for: its code, and its row id in *id. */
static int put(gg_engage_in in, int64_t *id)
{
    gg_store_waiter w = GG_STORE_WAITER_INIT;
    int rc = gg_store_engage_put(st, &in, gg_store_waiter_done, &w);
    if (rc != 0)
        return rc;
    gg_store_waiter_wait(&w);
    json_decref(w.result);
    if (id)
        *id = w.id;
    return w.rc;
}

static json_int_t supporters(void)
{
    json_t *o = NULL;
    cr_assert_eq(gg_store_idea_get(st, idea, &o), 0);
    json_int_t n = json_integer_value(json_object_get(o, "supporters"));
    json_decref(o);
    return n;
}

static int64_t comments(void)
{
    int64_t n = -1;
    cr_assert_eq(gg_store_comment_count(st, idea, &n), 0);
    return n;
}

static void setup(void)
{
    tmpdb_path(dbpath, sizeof(dbpath), "engage");
    cr_assert_eq(gg_store_open(&st, dbpath, 64), 0, "%s", gg_store_errmsg(NULL));
    gg_campaign_in c = {.slug = "t", .title = "T", .question = "Q?", .brief = "B"};
    cr_assert_eq(gg_store_campaign_upsert(st, &c, &cid), 0);
    sqlite3 *raw = NULL;
    cr_assert_eq(sqlite3_open(dbpath, &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 5000);
    char sql[160];
    snprintf(sql, sizeof(sql), "INSERT INTO ideas(campaign_id,title,text) VALUES(%lld,'i','t')",
             (long long)cid);
    cr_assert_eq(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
    idea = sqlite3_last_insert_rowid(raw);
    sqlite3_close(raw);
}

static void teardown(void)
{
    gg_store_close(st);
    tmpdb_remove(dbpath);
}

TestSuite(engage_store, .init = setup, .fini = teardown);

Test(engage_store, supporters_follow_supports_and_withdrawals)
{
    cr_assert_eq(supporters(), 0);
    cr_assert_eq(put((gg_engage_in){.op = GG_ENGAGE_SUPPORT, .id = idea, .participant = "a"}, NULL), 0);
    cr_assert_eq(put((gg_engage_in){.op = GG_ENGAGE_SUPPORT, .id = idea, .participant = "a"}, NULL),
                 GG_ECONFLICT);
    cr_assert_eq(put((gg_engage_in){.op = GG_ENGAGE_SUPPORT, .id = idea, .participant = "b"}, NULL), 0);
    cr_assert_eq(supporters(), 2);
    cr_assert_eq(gg_store_supports(st, idea, "a"), 1);
    cr_assert_eq(put((gg_engage_in){.op = GG_ENGAGE_UNSUPPORT, .id = idea, .participant = "a"}, NULL), 0);
    cr_assert_eq(put((gg_engage_in){.op = GG_ENGAGE_UNSUPPORT, .id = idea, .participant = "a"}, NULL),
                 GG_ENOTFOUND);
    cr_assert_eq(supporters(), 1);
    cr_assert_eq(put((gg_engage_in){.op = GG_ENGAGE_SUPPORT, .id = idea + 99, .participant = "a"}, NULL),
                 GG_ENOTFOUND);
}

Test(engage_store, comment_count_follows_every_state_change)
{
    int64_t c1 = 0, c2 = 0;
    gg_engage_in c = {.op = GG_ENGAGE_COMMENT, .id = idea, .participant = "a", .text = "satu"};
    cr_assert_eq(put(c, &c1), 0);
    c.participant = "b";
    c.text = "dua";
    c.parent_id = c1;
    cr_assert_eq(put(c, &c2), 0);
    c.held = 1; /* flagged by the filter: stored, not counted, not listed */
    c.parent_id = 0;
    cr_assert_eq(put(c, NULL), 0);
    cr_assert_eq(comments(), 2);
    c.held = 0;
    c.parent_id = 987654;
    cr_assert_eq(put(c, NULL), GG_EINVAL, "a parent outside the idea is refused");
    cr_assert_eq(put((gg_engage_in){.op = GG_ENGAGE_COMMENT_DELETE, .id = c1, .participant = "b"}, NULL),
                 GG_ENOTFOUND, "another participant's comment");
    cr_assert_eq(put((gg_engage_in){.op = GG_ENGAGE_COMMENT_DELETE, .id = c1, .participant = "a"}, NULL), 0);
    cr_assert_eq(comments(), 1);
    for (int k = 0; k < 3; k++) {
        char who[8];
        snprintf(who, sizeof(who), "r%d", k);
        cr_assert_eq(put((gg_engage_in){.op = GG_ENGAGE_COMMENT_REPORT, .id = c2, .participant = who},
                         NULL),
                     0);
    }
    cr_assert_eq(comments(), 0, "three reports hold the comment");
    json_t *page = NULL;
    cr_assert_eq(gg_store_comment_list(st, idea, 0, 10, &page), 0);
    cr_assert_eq(json_array_size(json_object_get(page, "comments")), 0);
    json_decref(page);
}

Test(engage_store, cursor_pages_and_forgetting)
{
    for (int k = 0; k < 7; k++) {
        gg_engage_in c = {.op = GG_ENGAGE_COMMENT, .id = idea, .participant = k < 4 ? "a" : "b",
                          .text = "x"};
        cr_assert_eq(put(c, NULL), 0);
    }
    int64_t after = 0;
    size_t seen = 0;
    for (int pages = 0; pages < 10; pages++) {
        json_t *page = NULL;
        cr_assert_eq(gg_store_comment_list(st, idea, after, 3, &page), 0);
        seen += json_array_size(json_object_get(page, "comments"));
        json_t *next = json_object_get(page, "next_cursor");
        int more = json_is_integer(next);
        after = more ? json_integer_value(next) : 0;
        json_decref(page);
        if (!more)
            break;
    }
    cr_assert_eq(seen, 7);
    cr_assert_eq(put((gg_engage_in){.op = GG_ENGAGE_SUPPORT, .id = idea, .participant = "a"}, NULL), 0);
    cr_assert_eq(put((gg_engage_in){.op = GG_ENGAGE_FORGET, .participant = "a"}, NULL), 0);
    cr_assert_eq(comments(), 3);
    cr_assert_eq(supporters(), 0);
    json_t *me = NULL;
    cr_assert_eq(gg_store_participant_export(st, "a", &me), 0);
    cr_assert_eq(json_array_size(json_object_get(me, "comments")), 0);
    json_decref(me);
}

Test(engage_store, votes_check_their_options)
{
    int64_t poll = 0;
    gg_engage_in p = {.op = GG_ENGAGE_POLL, .id = cid,
                      .json = "{\"question\":\"q\",\"options\":[\"a\",\"b\",\"c\"]}"};
    cr_assert_eq(put(p, &poll), 0);
    gg_engage_in v = {.op = GG_ENGAGE_VOTE, .id = poll, .participant = "a", .json = "[0,1]"};
    cr_assert_eq(put(v, NULL), GG_EINVAL, "two options on a single-choice poll");
    v.json = "[3]";
    cr_assert_eq(put(v, NULL), GG_EINVAL, "out of range");
    v.json = "[2]";
    cr_assert_eq(put(v, NULL), 0);
    cr_assert_eq(put(v, NULL), GG_ECONFLICT);
    json_t *res = NULL;
    cr_assert_eq(gg_store_poll_results(st, poll, &res), 0);
    cr_assert_eq(json_integer_value(json_array_get(json_object_get(res, "counts"), 2)), 1);
    cr_assert_eq(json_integer_value(json_object_get(res, "voters")), 1);
    json_decref(res);
}
