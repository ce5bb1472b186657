/*
 * quiz.c — quizzes about a campaign's issues in the SQLite backend (store
 * layer, issue 5): definitions edited by staff, one graded attempt per
 * participant pseudonym, questions sent out as channel quiz polls through
 * the outbox, and statistics that merge the web attempts with the channel
 * votes (poll_answers) of those polls. Every check that depends on stored
 * state runs on the writer thread inside the write's savepoint.
 */
#include "store/quiz_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <stdio.h>
#include <string.h>

#define QUIZ_MAX_QUESTIONS 30
#define QUIZ_MAX_OPTIONS 10

typedef struct quiz_job {
    gg_quiz_in in;
    char *participant, *json, *channel, *lang, *actor;
} quiz_job;

static void dispose_quiz(gg_job *j)
{
    quiz_job *q = j->data;
    if (q) {
        free(q->participant);
        free(q->json);
        free(q->channel);
        free(q->lang);
        free(q->actor);
        free(q);
    }
}

static int step_done(gg_conn *c, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        return 0;
    if (rc == SQLITE_CONSTRAINT)
        return gg_store__fail(GG_ECONFLICT, "%s: already there", what);
    return gg_store__sqlfail(c, what);
}

/* A string field of at most max bytes; required ones may not be blank. */
static int text_ok(json_t *v, const char *name, size_t max, int required)
{
    if (v == NULL || json_is_null(v)) {
        if (required)
            return gg_store__fail(GG_EINVAL, "%s is required", name);
        return 0;
    }
    if (!json_is_string(v))
        return gg_store__fail(GG_EINVAL, "%s must be a string", name);
    size_t n = json_string_length(v);
    if (n > max)
        return gg_store__fail(GG_EINVAL, "%s is longer than %zu bytes", name, max);
    if (required && strspn(json_string_value(v), " \t\r\n") == n)
        return gg_store__fail(GG_EINVAL, "%s is empty", name);
    return 0;
}

int gg_store_quiz_check(json_t *def)
{
    char name[64];
    if (!json_is_object(def))
        return gg_store__fail(GG_EINVAL, "a quiz is a JSON object");
    int rc = text_ok(json_object_get(def, "title"), "title", 200, 1);
    if (rc == 0)
        rc = text_ok(json_object_get(def, "intro"), "intro", 2000, 0);
    if (rc != 0)
        return rc;
    const char *status = json_string_value(json_object_get(def, "status"));
    if (json_object_get(def, "status") && (status == NULL || (strcmp(status, "draft") != 0 &&
                                                              strcmp(status, "open") != 0 &&
                                                              strcmp(status, "closed") != 0)))
        return gg_store__fail(GG_EINVAL, "status must be draft, open or closed");
    json_t *qs = json_object_get(def, "questions");
    if (!json_is_array(qs) || json_array_size(qs) < 1 || json_array_size(qs) > QUIZ_MAX_QUESTIONS)
        return gg_store__fail(GG_EINVAL, "questions: 1 to %d questions", QUIZ_MAX_QUESTIONS);
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q)
    {
        if (!json_is_object(q))
            return gg_store__fail(GG_EINVAL, "question %zu is not an object", i + 1);
        /* the limits of a Telegram quiz poll, so every question can go out */
        snprintf(name, sizeof(name), "question %zu", i + 1);
        if ((rc = text_ok(json_object_get(q, "question"), name, 300, 1)) != 0)
            return rc;
        snprintf(name, sizeof(name), "explanation of question %zu", i + 1);
        if ((rc = text_ok(json_object_get(q, "explanation"), name, 1000, 0)) != 0)
            return rc;
        json_t *opts = json_object_get(q, "options");
        if (!json_is_array(opts) || json_array_size(opts) < 2 ||
            json_array_size(opts) > QUIZ_MAX_OPTIONS)
            return gg_store__fail(GG_EINVAL, "question %zu needs 2 to %d options", i + 1,
                                  QUIZ_MAX_OPTIONS);
        size_t k;
        json_t *o;
        json_array_foreach(opts, k, o)
        {
            snprintf(name, sizeof(name), "option %zu of question %zu", k + 1, i + 1);
            if ((rc = text_ok(o, name, 100, 1)) != 0)
                return rc;
        }
        json_t *cor = json_object_get(q, "correct");
        if (!json_is_integer(cor) || json_integer_value(cor) < 0 ||
            (size_t)json_integer_value(cor) >= json_array_size(opts))
            return gg_store__fail(GG_EINVAL, "correct of question %zu must be an option index",
                                  i + 1);
    }
    return 0;
}

static int quiz_row(gg_conn *c, int64_t id, int with_answers, json_t **out)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT q.id, q.campaign_id, c.slug AS campaign, q.title, q.intro, q.status,"
           " q.created_at, q.updated_at FROM quizzes q JOIN campaigns c ON c.id=q.campaign_id"
           " WHERE q.id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    json_t *qz = NULL;
    int rc = gg_store__one(c, st, &qz);
    if (rc == GG_ENOTFOUND)
        return gg_store__fail(rc, "no quiz %lld", (long long)id);
    if (rc != 0)
        return rc;
    st = with_answers ? gg_store__stmt(c, "SELECT id, pos, question, options_json, correct,"
                                          " explanation FROM quiz_questions WHERE quiz_id=?1"
                                          " ORDER BY pos")
                      : gg_store__stmt(c, "SELECT id, pos, question, options_json FROM"
                                          " quiz_questions WHERE quiz_id=?1 ORDER BY pos");
    json_t *qs = NULL;
    if (st == NULL)
        rc = gg_store__sqlfail(c, "prepare");
    else {
        sqlite3_bind_int64(st, 1, id);
        rc = gg_store__rows(c, st, &qs);
    }
    if (rc != 0) {
        json_decref(qz);
        return rc;
    }
    json_object_set_new(qz, "questions", qs);
    *out = qz;
    return 0;
}

static int run_save(gg_store *s, gg_conn *c, gg_job *j, quiz_job *q)
{
    json_error_t err;
    json_t *def = json_loads(q->json ? q->json : "", 0, &err), *before = NULL;
    int rc = gg_store_quiz_check(def);
    int64_t id = q->in.id;
    if (rc == 0 && id > 0)
        rc = quiz_row(c, id, 1, &before);
    const char *status = json_string_value(json_object_get(def, "status"));
    const char *intro = json_string_value(json_object_get(def, "intro"));
    sqlite3_stmt *st = NULL;
    if (rc == 0) {
        st = id > 0 ? gg_store__stmt(c, "UPDATE quizzes SET title=?2, intro=coalesce(?3,''),"
                                        " status=coalesce(?4,status),"
                                        " updated_at=strftime('%Y-%m-%dT%H:%M:%SZ') WHERE id=?1")
                    : gg_store__stmt(c, "INSERT INTO quizzes(campaign_id,title,intro,status)"
                                        " VALUES(?1,?2,coalesce(?3,''),coalesce(?4,'open'))");
        if (st == NULL)
            rc = gg_store__sqlfail(c, "prepare");
    }
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, id > 0 ? id : q->in.campaign_id);
        gg_store__bind_text(st, 2, json_string_value(json_object_get(def, "title")));
        gg_store__bind_text(st, 3, intro);
        gg_store__bind_text(st, 4, status);
        rc = step_done(c, st, "quiz");
        if (rc == GG_ECONFLICT)
            rc = gg_store__fail(GG_ENOTFOUND, "no such campaign");
        if (rc == 0 && id == 0)
            id = sqlite3_last_insert_rowid(c->db);
    }
    /* questions by position: an edited question keeps its id (and the
     * answers already counted for it); questions past the new end go */
    json_t *qs = json_object_get(def, "questions");
    size_t i;
    json_t *qq;
    json_array_foreach(qs, i, qq)
    {
        if (rc != 0)
            break;
        st = gg_store__stmt(c, "INSERT INTO quiz_questions(quiz_id,pos,question,options_json,"
                               "correct,explanation) VALUES(?1,?2,?3,?4,?5,coalesce(?6,''))"
                               " ON CONFLICT(quiz_id,pos) DO UPDATE SET question=?3,"
                               " options_json=?4, correct=?5, explanation=coalesce(?6,'')");
        if (st == NULL) {
            rc = gg_store__sqlfail(c, "prepare");
            break;
        }
        char *opts = json_dumps(json_object_get(qq, "options"), JSON_COMPACT);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, (int)i);
        gg_store__bind_text(st, 3, json_string_value(json_object_get(qq, "question")));
        gg_store__bind_text(st, 4, opts);
        sqlite3_bind_int64(st, 5, json_integer_value(json_object_get(qq, "correct")));
        gg_store__bind_text(st, 6, json_string_value(json_object_get(qq, "explanation")));
        rc = step_done(c, st, "quiz question");
        free(opts);
    }
    if (rc == 0) {
        st = gg_store__stmt(c, "DELETE FROM quiz_questions WHERE quiz_id=?1 AND pos>=?2");
        if (st == NULL)
            rc = gg_store__sqlfail(c, "prepare");
        else {
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_int(st, 2, (int)json_array_size(qs));
            rc = step_done(c, st, "quiz questions");
        }
    }
    json_t *after = NULL;
    if (rc == 0)
        rc = quiz_row(c, id, 1, &after);
    if (rc == 0)
        rc = gg_store__staff_audit(c, q->in.actor_id, q->actor,
                                   q->in.id > 0 ? "quiz.edit" : "quiz.create", "quiz", id, before,
                                   after, NULL);
    json_decref(before);
    json_decref(def);
    if (rc != 0) {
        json_decref(after);
        return rc;
    }
    j->id = id;
    j->bumps = 1;
    j->result = after;
    (void)s;
    return 0;
}

static int run_attempt(gg_conn *c, gg_job *j, quiz_job *q)
{
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT status FROM quizzes WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, q->in.id);
    json_t *row = NULL;
    int rc = gg_store__one(c, st, &row);
    if (rc == GG_ENOTFOUND)
        return gg_store__fail(rc, "no quiz %lld", (long long)q->in.id);
    if (rc != 0)
        return rc;
    const char *status = json_string_value(json_object_get(row, "status"));
    if (status && strcmp(status, "draft") == 0)
        rc = gg_store__fail(GG_ENOTFOUND, "no quiz %lld", (long long)q->in.id);
    else if (status && strcmp(status, "closed") == 0)
        rc = gg_store__fail(GG_ECONFLICT, "this quiz is closed");
    json_decref(row);
    if (rc != 0)
        return rc;
    st = gg_store__stmt(c, "SELECT id, question, options_json, correct, explanation FROM"
                           " quiz_questions WHERE quiz_id=?1 ORDER BY pos");
    json_t *qs = NULL;
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, q->in.id);
    if ((rc = gg_store__rows(c, st, &qs)) != 0)
        return rc;
    json_error_t err;
    json_t *ans = json_loads(q->json ? q->json : "", JSON_DECODE_ANY, &err);
    size_t n = json_array_size(qs);
    int score = 0;
    if (!json_is_array(ans) || json_array_size(ans) != n)
        rc = gg_store__fail(GG_EINVAL, "answers: give one option index (or null) for each of"
                                       " the %zu questions", n);
    /* each answer: an option index of its question, or null (unanswered) */
    json_t *results = json_array();
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *qq = json_array_get(qs, i), *a = json_array_get(ans, i);
        json_int_t nopt = (json_int_t)json_array_size(json_object_get(qq, "options"));
        json_int_t pick = json_is_integer(a) ? json_integer_value(a) : -1;
        if (!json_is_null(a) && (!json_is_integer(a) || pick < 0 || pick >= nopt)) {
            rc = gg_store__fail(GG_EINVAL, "answers[%zu]: no such option", i);
            break;
        }
        json_int_t cor = json_integer_value(json_object_get(qq, "correct"));
        int right = pick == cor;
        score += right;
        json_array_append_new(
            results, json_pack("{s:I,s:O,s:o,s:I,s:b,s:O,s:O}", "question_id",
                               json_integer_value(json_object_get(qq, "id")), "question",
                               json_object_get(qq, "question"), "answer",
                               pick >= 0 ? json_integer(pick) : json_null(), "correct", cor,
                               "right", right, "options", json_object_get(qq, "options"),
                               "explanation", json_object_get(qq, "explanation")));
    }
    json_decref(ans);
    int64_t attempt = 0;
    char share[32] = "";
    if (rc == 0) {
        st = gg_store__stmt(c, "INSERT INTO quiz_attempts(quiz_id,participant,share,score,total)"
                               " VALUES(?1,?2,lower(hex(randomblob(12))),?3,?4) RETURNING id, share");
        if (st == NULL)
            rc = gg_store__sqlfail(c, "prepare");
    }
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, q->in.id);
        gg_store__bind_text(st, 2, q->participant);
        sqlite3_bind_int(st, 3, score);
        sqlite3_bind_int(st, 4, (int)n);
        int s = sqlite3_step(st);
        if (s == SQLITE_ROW) {
            attempt = sqlite3_column_int64(st, 0);
            snprintf(share, sizeof(share), "%s", (const char *)sqlite3_column_text(st, 1));
        }
        sqlite3_reset(st);
        if (s == SQLITE_CONSTRAINT)
            rc = gg_store__fail(GG_ECONFLICT, "you already took this quiz");
        else if (s != SQLITE_ROW)
            rc = gg_store__sqlfail(c, "quiz attempt");
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *r = json_array_get(results, i);
        st = gg_store__stmt(c, "INSERT INTO quiz_answers(attempt_id,question_id,option,right)"
                               " VALUES(?1,?2,?3,?4)");
        if (st == NULL) {
            rc = gg_store__sqlfail(c, "prepare");
            break;
        }
        json_t *pick = json_object_get(r, "answer");
        sqlite3_bind_int64(st, 1, attempt);
        sqlite3_bind_int64(st, 2, json_integer_value(json_object_get(r, "question_id")));
        sqlite3_bind_int64(st, 3, json_is_integer(pick) ? json_integer_value(pick) : -1);
        sqlite3_bind_int(st, 4, json_is_true(json_object_get(r, "right")));
        rc = step_done(c, st, "quiz answer");
    }
    json_decref(qs);
    if (rc != 0) {
        json_decref(results);
        return rc;
    }
    j->id = attempt;
    j->bumps = 1;
    j->result = json_pack("{s:I,s:I,s:s,s:i,s:i,s:o}", "attempt_id", (json_int_t)attempt,
                          "quiz_id", (json_int_t)q->in.id, "share", share, "score", score,
                          "total", (int)n, "results", results);
    return 0;
}

/* Cut s to at most max bytes on a character boundary (in place). */
static void utf8_cut(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    s[max] = '\0';
}

/* One quiz poll per question, queued in the outbox with the mapping that
 * lets their votes count (quiz_polls). Dedupe key per (question, chat):
 * publishing twice to the same chat queues nothing new. */
static int run_publish(gg_conn *c, gg_job *j, quiz_job *q)
{
    json_t *qz = NULL;
    int rc = quiz_row(c, q->in.id, 1, &qz);
    if (rc != 0)
        return rc;
    if (strcmp(json_string_value(json_object_get(qz, "status")), "draft") == 0) {
        json_decref(qz);
        return gg_store__fail(GG_ECONFLICT, "a draft quiz is not published; open it first");
    }
    json_error_t err;
    json_t *target = json_loads(q->json ? q->json : "{}", 0, &err);
    const char *where = json_string_value(json_object_get(target, "chat_id"));
    if (where == NULL)
        where = json_string_value(json_object_get(target, "account"));
    json_t *queued = json_array();
    int dups = 0;
    size_t i;
    json_t *qq;
    json_array_foreach(json_object_get(qz, "questions"), i, qq)
    {
        if (rc != 0)
            break;
        char expl[1024], key[200];
        snprintf(expl, sizeof(expl), "%s", json_string_value(json_object_get(qq, "explanation")));
        utf8_cut(expl, 200); /* Telegram's limit; the full text stays on the web */
        json_int_t qid = json_integer_value(json_object_get(qq, "id"));
        json_t *payload = json_pack(
            "{s:O,s:O,s:b,s:I,s:b,s:I,s:I}", "question", json_object_get(qq, "question"),
            "options", json_object_get(qq, "options"), "quiz", 1, "correct_option",
            json_integer_value(json_object_get(qq, "correct")), "anonymous", 0, "quiz_id",
            (json_int_t)q->in.id, "question_id", qid);
        if (expl[0])
            json_object_set_new(payload, "explanation", json_string(expl));
        char *pj = json_dumps(payload, JSON_COMPACT);
        json_decref(payload);
        snprintf(key, sizeof(key), "quiz:%lld:%lld:%s:%.100s", (long long)q->in.id,
                 (long long)qid, q->channel, where ? where : "");
        gg_outbox_in o = {.channel = q->channel,
                          .kind = "poll",
                          .campaign_id = json_integer_value(json_object_get(qz, "campaign_id")),
                          .target_json = q->json,
                          .text = json_string_value(json_object_get(qq, "question")),
                          .payload_json = pj,
                          .lang = q->lang,
                          .dedupe_key = key};
        int64_t oid = 0;
        rc = gg_store__outbox_put(c, &o, &oid);
        free(pj);
        if (rc == GG_ECONFLICT) {
            dups++;
            rc = 0;
            continue;
        }
        if (rc != 0)
            break;
        sqlite3_stmt *st = gg_store__stmt(
            c, "INSERT INTO quiz_polls(outbox_id,quiz_id,question_id) VALUES(?1,?2,?3)");
        if (st == NULL) {
            rc = gg_store__sqlfail(c, "prepare");
            break;
        }
        sqlite3_bind_int64(st, 1, oid);
        sqlite3_bind_int64(st, 2, q->in.id);
        sqlite3_bind_int64(st, 3, qid);
        rc = step_done(c, st, "quiz poll");
        json_array_append_new(queued, json_integer(oid));
    }
    json_t *result = json_pack("{s:I,s:s,s:o,s:i}", "quiz_id", (json_int_t)q->in.id, "channel",
                               q->channel, "queued", queued, "duplicates", dups);
    if (rc == 0)
        rc = gg_store__staff_audit(c, q->in.actor_id, q->actor, "quiz.publish", "quiz", q->in.id,
                                   NULL, result, NULL);
    json_decref(qz);
    json_decref(target);
    if (rc != 0) {
        json_decref(result);
        return rc;
    }
    j->id = q->in.id;
    j->result = result;
    return 0;
}

static int run_quiz(gg_store *s, gg_conn *c, gg_job *j)
{
    quiz_job *q = j->data;
    int rc;
    switch (q->in.op) {
    case GG_QUIZ_SAVE:
        rc = run_save(s, c, j, q);
        break;
    case GG_QUIZ_ATTEMPT:
        rc = run_attempt(c, j, q);
        break;
    case GG_QUIZ_PUBLISH:
        rc = run_publish(c, j, q);
        break;
    default:
        rc = gg_store__fail(GG_EINTERNAL, "unknown quiz op");
    }
    if (rc != 0) { /* the message travels with the result (see store/engage.c) */
        json_decref(j->result);
        j->result = json_pack("{s:s}", "message", gg_store_errmsg(s));
    }
    return rc;
}

int gg_store_quiz_put(gg_store *s, const gg_quiz_in *in, gg_store_done_fn done, void *arg)
{
    if (in->op == GG_QUIZ_ATTEMPT && (in->participant == NULL || in->participant[0] == '\0'))
        return gg_store__fail(GG_EINVAL, "no participant");
    if ((in->op == GG_QUIZ_SAVE || in->op == GG_QUIZ_PUBLISH) && in->actor == NULL)
        return gg_store__fail(GG_EINVAL, "no staff actor");
    if (in->op == GG_QUIZ_PUBLISH && in->channel == NULL)
        return gg_store__fail(GG_EINVAL, "no channel");
    gg_job *j = gg_calloc(1, sizeof(*j));
    quiz_job *q = gg_calloc(1, sizeof(*q));
    q->in = *in;
    q->participant = in->participant ? gg_strdup(in->participant) : NULL;
    q->json = in->json ? gg_strdup(in->json) : NULL;
    q->channel = in->channel ? gg_strdup(in->channel) : NULL;
    q->lang = gg_strdup(in->lang ? in->lang : "id");
    q->actor = in->actor ? gg_strdup(in->actor) : NULL;
    q->in.participant = q->in.json = q->in.channel = q->in.lang = q->in.actor = NULL;
    j->data = q;
    j->dispose = dispose_quiz;
    j->run = run_quiz;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}

/* ---- reads ------------------------------------------------------------------ */

int gg_store_quiz_get(gg_store *s, int64_t id, int with_answers, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    return quiz_row(c, id, with_answers, out);
}

int gg_store_quiz_list(gg_store *s, const char *slug, int all, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT q.id, q.title, q.intro, q.status, q.created_at,"
           " (SELECT count(*) FROM quiz_questions WHERE quiz_id=q.id) AS questions,"
           " (SELECT count(*) FROM quiz_attempts WHERE quiz_id=q.id) AS attempts"
           " FROM quizzes q JOIN campaigns c ON c.id=q.campaign_id WHERE c.slug=?1"
           " AND (?2 OR q.status<>'draft') ORDER BY q.id DESC LIMIT 50");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, slug);
    sqlite3_bind_int(st, 2, all != 0);
    return gg_store__rows(c, st, out);
}

int gg_store_quiz_attempt_of(gg_store *s, int64_t quiz_id, const char *participant,
                             json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT id, share, score, total, created_at FROM"
                                         " quiz_attempts WHERE quiz_id=?1 AND participant=?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, quiz_id);
    gg_store__bind_text(st, 2, participant);
    return gg_store__one(c, st, out);
}

int gg_store_quiz_result(gg_store *s, const char *share, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT id, quiz_id, participant, share, score, total,"
                                         " created_at FROM quiz_attempts WHERE share=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, share);
    json_t *a = NULL, *answers = NULL;
    int rc = gg_store__one(c, st, &a);
    if (rc == GG_ENOTFOUND)
        return gg_store__fail(rc, "no such result");
    if (rc != 0)
        return rc;
    st = gg_store__stmt(c, "SELECT question_id, option FROM quiz_answers WHERE attempt_id=?1");
    if (st == NULL)
        rc = gg_store__sqlfail(c, "prepare");
    else {
        sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(a, "id")));
        rc = gg_store__rows(c, st, &answers);
    }
    if (rc != 0) {
        json_decref(a);
        return rc;
    }
    json_object_set_new(a, "answers", answers);
    *out = a;
    return 0;
}

/* Answers and right answers per question: web attempts from quiz_answers,
 * channel votes from the poll_answers of the quiz polls sent for it. */
int gg_store_quiz_stats(gg_store *s, int64_t quiz_id, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    json_t *qz = NULL;
    int rc = quiz_row(c, quiz_id, 1, &qz);
    if (rc != 0)
        return rc;
    static const char q_web[] =
        "SELECT a.question_id, 'web', count(*), sum(a.right) FROM quiz_answers a"
        " JOIN quiz_questions q ON q.id=a.question_id WHERE q.quiz_id=?1 AND a.option>=0"
        " GROUP BY a.question_id";
    /* a single-choice quiz poll's vote is the chosen index as text; a
     * retracted vote is '' and does not count */
    static const char q_ch[] =
        "SELECT qp.question_id, o.channel, count(*), sum(p.options=CAST(q.correct AS TEXT))"
        " FROM quiz_polls qp JOIN outbox o ON o.id=qp.outbox_id"
        " JOIN quiz_questions q ON q.id=qp.question_id"
        " JOIN poll_answers p ON p.channel=o.channel"
        "  AND p.poll_id=json_extract(o.result_json,'$.poll_id')"
        " WHERE qp.quiz_id=?1 AND o.state='sent' AND p.options<>''"
        " GROUP BY qp.question_id, o.channel";
    static const char q_att[] = "SELECT count(*), coalesce(avg(score),0) FROM quiz_attempts"
                                " WHERE quiz_id=?1";
    json_t *by_q = json_object(); /* "question id" -> {channel -> {answers, right}} */
    const char *const qs[] = {q_web, q_ch};
    for (int k = 0; k < 2 && rc == 0; k++) {
        sqlite3_stmt *st = gg_store__stmt(c, qs[k]);
        if (st == NULL) {
            rc = gg_store__sqlfail(c, "prepare");
            break;
        }
        sqlite3_bind_int64(st, 1, quiz_id);
        int sr;
        while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
            char key[24];
            snprintf(key, sizeof(key), "%lld", (long long)sqlite3_column_int64(st, 0));
            json_t *per = json_object_get(by_q, key);
            if (per == NULL)
                json_object_set_new(by_q, key, per = json_object());
            int64_t n = sqlite3_column_int64(st, 2), right = sqlite3_column_int64(st, 3);
            const char *ch = (const char *)sqlite3_column_text(st, 1);
            json_object_set_new(per, ch ? ch : "?",
                                json_pack("{s:I,s:I,s:f}", "answers", (json_int_t)n, "right",
                                          (json_int_t)right,
                                          "share_right", n ? (double)right / (double)n : 0.0));
        }
        sqlite3_reset(st);
        if (sr != SQLITE_DONE)
            rc = gg_store__sqlfail(c, "quiz stats");
    }
    json_int_t attempts = 0;
    double avg = 0;
    if (rc == 0) {
        sqlite3_stmt *st = gg_store__stmt(c, q_att);
        if (st == NULL)
            rc = gg_store__sqlfail(c, "prepare");
        else {
            sqlite3_bind_int64(st, 1, quiz_id);
            if (sqlite3_step(st) == SQLITE_ROW) {
                attempts = sqlite3_column_int64(st, 0);
                avg = sqlite3_column_double(st, 1);
            }
            sqlite3_reset(st);
        }
    }
    json_t *arr = json_array();
    size_t i;
    json_t *qq;
    json_array_foreach(json_object_get(qz, "questions"), i, qq)
    {
        char key[24];
        snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(json_object_get(qq, "id")));
        json_t *per = json_object_get(by_q, key);
        json_array_append_new(arr, json_pack("{s:O,s:O,s:O,s:o}", "id", json_object_get(qq, "id"),
                                             "question", json_object_get(qq, "question"),
                                             "correct", json_object_get(qq, "correct"),
                                             "by_channel", per ? json_incref(per) : json_object()));
    }
    json_decref(by_q);
    *out = json_pack("{s:I,s:O,s:O,s:I,s:f,s:o}", "quiz_id", (json_int_t)quiz_id, "title",
                     json_object_get(qz, "title"), "status", json_object_get(qz, "status"),
                     "attempts", attempts, "average_score", avg, "questions", arr);
    json_decref(qz);
    if (rc != 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int gg_store_quiz_poll(gg_store *s, const char *channel, const char *poll_id, int64_t *quiz_id,
                       int64_t *question_id)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT qp.quiz_id, qp.question_id FROM quiz_polls qp JOIN outbox o ON"
           " o.id=qp.outbox_id WHERE o.channel=?1 AND json_extract(o.result_json,'$.poll_id')=?2"
           " LIMIT 1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, channel);
    gg_store__bind_text(st, 2, poll_id);
    int rc = GG_ENOTFOUND;
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (quiz_id)
            *quiz_id = sqlite3_column_int64(st, 0);
        if (question_id)
            *question_id = sqlite3_column_int64(st, 1);
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}
