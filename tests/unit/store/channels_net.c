/* Unit tests of the channels' network side in the store
 * (store/channels_accounts.c): which decided submissions the notifier
 * answers and when it stops, template precedence, pull state round trips,
 * published posts found by their remote id, poll votes replaced and tied
 * to their poll, and queued campaign calls with a schedule and dedupe. */
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
static sqlite3 *raw; /* a second connection to seed rows the way other code would */
static int64_t cid;

static void setup(void)
{
    tmpdb_path(dbpath, sizeof(dbpath), "chnet");
    cr_assert_eq(gg_store_open(&st, dbpath, 64), 0, "%s", gg_store_errmsg(NULL));
    gg_campaign_in c = {.slug = "t", .title = "T", .question = "Q?", .brief = "B"};
    cr_assert_eq(gg_store_campaign_upsert(st, &c, &cid), 0);
    cr_assert_eq(gg_store_user_add(st, "r@x", "reviewer", "h", NULL), 0);
    cr_assert_eq(sqlite3_open(dbpath, &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 5000);
}

static void teardown(void)
{
    sqlite3_close(raw);
    gg_store_close(st);
    tmpdb_remove(dbpath);
}

TestSuite(chnet, .init = setup, .fini = teardown);

static void exec(const char *sql)
{
    char *err = NULL;
    cr_assert_eq(sqlite3_exec(raw, sql, NULL, NULL, &err), SQLITE_OK, "%s: %s", sql,
                 err ? err : "");
}

static int64_t seed(const char *native, const char *state, int decided_by, int64_t idea)
{
    char q[1024];
    snprintf(q, sizeof q,
             "INSERT INTO submissions(campaign_id,channel,native_id,text,display,norm,state,"
             "reply_json,decided_by,idea_id) VALUES(%lld,'telegram','%s','t','t','t','%s',"
             "'{\"to_id\":\"1\",\"chat_id\":\"-100\",\"kind\":\"message\"}',%s,%s)",
             (long long)cid, native, state, decided_by ? "1" : "NULL",
             idea ? "(SELECT max(id) FROM ideas)" : "NULL");
    exec(q);
    return sqlite3_last_insert_rowid(raw);
}

static int listed(int64_t id)
{
    json_t *arr = NULL;
    cr_assert_eq(gg_store_status_unanswered(st, 0, 100, &arr), 0);
    size_t i;
    json_t *r;
    int hit = 0;
    json_array_foreach(arr, i, r) hit |= json_integer_value(json_object_get(r, "id")) == id;
    json_decref(arr);
    return hit;
}

static void queue(const char *key, int64_t sid)
{
    gg_outbox_in in = {.channel = "telegram", .kind = "status", .submission_id = sid,
                       .text = "x", .dedupe_key = key};
    cr_assert_eq(gg_store_outbox_put(st, &in, NULL), 0, "%s", gg_store_errmsg(st));
}

Test(chnet, notifier_answers_each_state_once)
{
    exec("INSERT INTO ideas(campaign_id,title,text) VALUES(1,'Lampu jalan','t')");
    int64_t acc = seed("a", "accepted", 1, 1);
    int64_t waiting = seed("b", "queued", 0, 0);
    int64_t auto_rej = seed("c", "rejected", 0, 0);
    int64_t human_rej = seed("d", "rejected", 1, 0);
    exec("INSERT INTO submissions(campaign_id,channel,native_id,text,display,norm,state)"
         " VALUES(1,'web','e','t','t','t','accepted')");
    int64_t web = sqlite3_last_insert_rowid(raw);
    cr_assert(listed(acc));
    cr_assert(!listed(waiting), "not decided yet");
    cr_assert(!listed(auto_rej), "an automatic rejection is not news");
    cr_assert(listed(human_rej));
    cr_assert(!listed(web), "no reply target");
    json_t *arr = NULL;
    gg_store_status_unanswered(st, 0, 100, &arr);
    json_t *first = json_array_get(arr, 0);
    cr_assert_str_eq(json_string_value(json_object_get(first, "idea_title")), "Lampu jalan");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(first, "reply"), "chat_id")),
                     "-100", "reply_json comes parsed");
    json_decref(arr);

    char key[64];
    snprintf(key, sizeof key, "status:%lld:accepted", (long long)acc);
    queue(key, acc);
    cr_assert(!listed(acc), "answered once");
    gg_outbox_in again = {.channel = "telegram", .kind = "status", .text = "x", .dedupe_key = key};
    cr_assert_eq(gg_store_outbox_put(st, &again, NULL), GG_ECONFLICT);

    exec("UPDATE ideas SET status='diadopsi'");
    cr_assert(listed(acc), "the idea moved: news again");
    snprintf(key, sizeof key, "status:%lld:idea-diadopsi", (long long)acc);
    queue(key, acc);
    cr_assert(!listed(acc));
    exec("UPDATE ideas SET status='diterima'");
    cr_assert(!listed(acc), "diterima is the accept itself, already told");
}

Test(chnet, templates_campaign_first_then_install_wide)
{
    char *t = NULL;
    cr_assert_eq(gg_store_template_get(st, cid, "accepted", "id", &t), GG_ENOTFOUND);
    cr_assert_eq(gg_store_template_put(st, 0, "accepted", "id", "umum {link}"), 0);
    cr_assert_eq(gg_store_template_get(st, cid, "accepted", "id", &t), 0);
    cr_assert_str_eq(t, "umum {link}");
    free(t);
    cr_assert_eq(gg_store_template_put(st, cid, "accepted", "id", "khusus {link}"), 0);
    cr_assert_eq(gg_store_template_get(st, cid, "accepted", "id", &t), 0);
    cr_assert_str_eq(t, "khusus {link}");
    free(t);
    cr_assert_eq(gg_store_template_put(st, cid, "accepted", "id", "khusus 2"), 0);
    cr_assert_eq(gg_store_template_get(st, cid, "accepted", "id", &t), 0);
    cr_assert_str_eq(t, "khusus 2", "a put replaces");
    free(t);
    cr_assert_eq(gg_store_template_put(st, 0, "accepted", "id", "umum 2"), 0);
    cr_assert_eq(gg_store_template_get(st, 999, "accepted", "id", &t), 0);
    cr_assert_str_eq(t, "umum 2", "install-wide replaced too (NULL campaign)");
    free(t);
    cr_assert_eq(gg_store_template_get(st, cid, "accepted", "en", &t), GG_ENOTFOUND);
    cr_assert_eq(gg_store_template_put(st, 0, "accepted", "id", ""), GG_EINVAL);
}

Test(chnet, pull_state_round_trip)
{
    gg_chstate s = {"x", "42", "x_mentions", "100", "{\"page\":\"p2\"}", 1234, 2, "HTTP 503",
                    "{\"remaining\":0}", 1};
    cr_assert_eq(gg_store_chstate_put(st, &s), 0);
    json_t *row = NULL;
    cr_assert_eq(gg_store_chstate_get(st, "x", "42", "x_mentions", &row), 0);
    cr_assert_str_eq(json_string_value(json_object_get(row, "watermark")), "100");
    cr_assert_str_eq(json_string_value(json_object_get(row, "cursor")), "{\"page\":\"p2\"}");
    cr_assert_eq(json_integer_value(json_object_get(row, "failures")), 2);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(row, "rate"), "remaining")), 0);
    cr_assert(json_is_string(json_object_get(row, "last_event_at")));
    json_decref(row);
    gg_chstate s2 = {"x", "42", "x_mentions", "200", NULL, 0, 0, NULL, NULL, 0};
    cr_assert_eq(gg_store_chstate_put(st, &s2), 0);
    cr_assert_eq(gg_store_chstate_get(st, "x", "42", "x_mentions", &row), 0);
    cr_assert_str_eq(json_string_value(json_object_get(row, "watermark")), "200");
    cr_assert(json_is_null(json_object_get(row, "cursor")), "the round finished");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(row, "rate"), "remaining")), 0,
                 "NULL rate keeps the last one");
    cr_assert(json_is_null(json_object_get(row, "last_error")));
    json_decref(row);
    cr_assert_eq(gg_store_chstate_get(st, "x", "42", "other", &row), GG_ENOTFOUND);
}

Test(chnet, accounts_never_list_tokens_unless_asked)
{
    cr_assert_eq(gg_store_chaccount_put(st, "x", "42", "{\"streams\":[\"x_mentions\"]}", "abcd"), 0);
    cr_assert_eq(gg_store_chaccount_put(st, "x", "42", "{\"publish\":true}", NULL), 0);
    json_t *out = NULL;
    cr_assert_eq(gg_store_chaccount_list(st, 0, &out), 0);
    json_t *a = json_array_get(json_object_get(out, "accounts"), 0);
    cr_assert_null(json_object_get(a, "token_box"));
    cr_assert(json_is_true(json_object_get(a, "has_token")), "the token was kept");
    cr_assert(json_is_true(json_object_get(json_object_get(a, "settings"), "publish")));
    json_decref(out);
    cr_assert_eq(gg_store_chaccount_list(st, 1, &out), 0);
    a = json_array_get(json_object_get(out, "accounts"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(a, "token_box")), "abcd");
    json_decref(out);
    cr_assert_eq(gg_store_chaccount_put(st, "x", "", NULL, NULL), GG_EINVAL);
}

static json_t *queue_wait(const gg_outbox_in *rows, int n, int64_t at)
{
    gg_store_waiter w = GG_STORE_WAITER_INIT;
    cr_assert_eq(gg_store_outbox_queue(st, rows, n, at, gg_store_waiter_done, &w), 0);
    cr_assert_eq(gg_store_waiter_wait(&w), 0);
    return w.result;
}

Test(chnet, campaign_calls_scheduled_deduped_and_found_by_remote_id)
{
    gg_outbox_in rows[2] = {
        {.channel = "facebook", .kind = "publish", .campaign_id = cid, .text = "Q? link",
         .dedupe_key = "publish:1:facebook"},
        {.channel = "x", .kind = "publish", .campaign_id = cid, .text = "Q? link",
         .dedupe_key = "publish:1:x"},
    };
    json_t *r = queue_wait(rows, 2, 4102444800);
    cr_assert_eq(json_array_size(json_object_get(r, "queued")), 2);
    int64_t fb = json_integer_value(json_array_get(json_object_get(r, "queued"), 0));
    json_decref(r);
    r = queue_wait(rows, 2, 0);
    cr_assert_eq(json_integer_value(json_object_get(r, "duplicates")), 2);
    json_decref(r);
    json_t *claimed = NULL;
    cr_assert_eq(gg_store_outbox_claim(st, 4102444799, 10, &claimed), 0);
    cr_assert_eq(json_array_size(json_object_get(claimed, "items")), 0, "not before its time");
    json_decref(claimed);
    cr_assert_eq(gg_store_outbox_claim(st, 4102444800, 10, &claimed), 0);
    cr_assert_eq(json_array_size(json_object_get(claimed, "items")), 2);
    json_decref(claimed);
    int64_t got = 0;
    cr_assert_eq(gg_store_published_campaign(st, "facebook", "104_555", &got), GG_ENOTFOUND,
                 "not sent yet");
    cr_assert_eq(gg_store_outbox_done(st, fb, "sent", "104_555", NULL, 0), 0);
    cr_assert_eq(gg_store_published_campaign(st, "facebook", "104_555", &got), 0);
    cr_assert_eq(got, cid);
    cr_assert_eq(gg_store_published_campaign(st, "x", "104_555", &got), GG_ENOTFOUND,
                 "ids are per channel");
}

Test(chnet, poll_votes_replace_and_tie_to_their_poll)
{
    gg_outbox_in p = {.channel = "telegram", .kind = "poll", .text = "Q?", .dedupe_key = "poll:1"};
    int64_t pid = 0;
    cr_assert_eq(gg_store_outbox_put(st, &p, &pid), 0);
    cr_assert_eq(gg_store_outbox_result(st, pid, "{\"poll_id\":\"539\"}"), 0);
    cr_assert_eq(gg_store_poll_answer_put(st, "telegram", "539", "k1", "2"), 0);
    cr_assert_eq(gg_store_poll_answer_put(st, "telegram", "539", "k1", "0,3"), 0);
    cr_assert_eq(gg_store_poll_answer_put(st, "telegram", "539", "k2", ""), 0);
    json_t *v = NULL;
    cr_assert_eq(gg_store_poll_answers(st, "telegram", "539", &v), 0);
    cr_assert_eq(json_array_size(v), 2, "one vote per person");
    json_t *k1 = json_array_get(v, 0);
    cr_assert_str_eq(json_string_value(json_object_get(k1, "options")), "0,3", "the new vote");
    cr_assert_eq(json_integer_value(json_object_get(k1, "outbox_id")), pid);
    json_decref(v);
    cr_assert_eq(gg_store_poll_answer_put(st, "telegram", NULL, "k", "1"), GG_EINVAL);
}
