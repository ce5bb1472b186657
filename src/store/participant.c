/*
 * participant.c — what the portal reads about one participant and the
 * similar ideas offered before a draft is sent (store layer, issue 5).
 * Read-only, on the calling thread's reader connection. A participant is
 * known by two keys that never contain the cookie: its pseudonym (supports,
 * comments, votes, contact) and the author key of its web submissions.
 */
#include "store/sqlite_int.h"
#include "core/err.h"
#include <string.h>

int gg_store_similar_ideas(gg_store *s, int64_t campaign_id, const char *fts, int limit,
                           json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    /* the best-ranked submission of each idea stands for it; ideas that were
     * declined are nothing to join */
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT i.id, i.title, i.text, i.status, i.supporters, m.norm FROM"
           " (SELECT s.idea_id, s.norm, min(f.rank) AS r FROM review_fts f"
           "  JOIN submissions s ON s.id=f.rowid WHERE review_fts MATCH ?2"
           "  AND s.campaign_id=?1 AND s.idea_id IS NOT NULL GROUP BY s.idea_id"
           "  ORDER BY r LIMIT ?3) m JOIN ideas i ON i.id=m.idea_id"
           " WHERE i.status<>'ditolak' ORDER BY m.r");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, campaign_id);
    gg_store__bind_text(st, 2, fts);
    sqlite3_bind_int(st, 3, limit > 0 && limit <= 50 ? limit : 10);
    return gg_store__rows(c, st, out);
}

int gg_store_idea_brief(gg_store *s, int64_t id, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st =
        gg_store__stmt(c, "SELECT id, title, text, status, supporters FROM ideas WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    int rc = gg_store__one(c, st, out);
    return rc == GG_ENOTFOUND ? gg_store__fail(rc, "no idea %lld", (long long)id) : rc;
}

/* Rows of sql bound to one text parameter (or one integer when key is
 * NULL) as a new array. */
static int rows_of(gg_conn *c, const char *sql, const char *key, int64_t id, json_t **out)
{
    sqlite3_stmt *st = gg_store__stmt(c, sql);
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    if (key)
        gg_store__bind_text(st, 1, key);
    else
        sqlite3_bind_int64(st, 1, id);
    return gg_store__rows(c, st, out);
}

int gg_store_my_ideas(gg_store *s, const char *participant, const char *author_key,
                      json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    static const char q_sub[] =
        "SELECT s.id, cp.slug AS campaign, s.display AS text, s.state, s.reason, s.created_at,"
        " s.idea_id, i.title, i.status, i.supporters, i.official_response"
        " FROM submissions s JOIN campaigns cp ON cp.id=s.campaign_id"
        " LEFT JOIN ideas i ON i.id=s.idea_id"
        " WHERE s.author_key=?1 AND s.channel='web' ORDER BY s.id DESC LIMIT 100";
    static const char q_ev[] = "SELECT status, note, response, at FROM idea_events"
                               " WHERE idea_id=?1 ORDER BY id LIMIT 100";
    /* what was sent back to the person about this submission (channels) */
    static const char q_out[] = "SELECT kind, channel, text, state, created_at, sent_at FROM outbox"
                                " WHERE submission_id=?1 AND kind IN ('reply','status')"
                                " ORDER BY id LIMIT 50";
    static const char q_sup[] =
        "SELECT s.idea_id, i.title, i.status, i.supporters, s.created_at FROM supports s"
        " JOIN ideas i ON i.id=s.idea_id WHERE s.participant=?1 ORDER BY s.created_at DESC"
        " LIMIT 200";
    static const char q_vot[] =
        "SELECT v.poll_id, p.question, p.options_json, v.options_json AS chosen_json,"
        " v.created_at FROM poll_votes v JOIN polls p ON p.id=v.poll_id"
        " WHERE v.participant=?1 ORDER BY v.created_at DESC LIMIT 200";
    static const char q_con[] = "SELECT name, contact, consent_text, lang, consented_at"
                                " FROM participant_contacts WHERE participant=?1";
    json_t *o = json_object(), *subs = NULL, *arr = NULL;
    int rc = author_key ? rows_of(c, q_sub, author_key, 0, &subs) : 0;
    if (subs == NULL)
        subs = json_array();
    json_object_set_new(o, "submissions", subs);
    size_t i;
    json_t *it;
    json_array_foreach(subs, i, it)
    {
        if (rc != 0)
            break;
        json_t *idea = json_object_get(it, "idea_id");
        json_t *ev = NULL, *rep = NULL;
        if (json_is_integer(idea))
            rc = rows_of(c, q_ev, NULL, json_integer_value(idea), &ev);
        if (rc == 0)
            rc = rows_of(c, q_out, NULL, json_integer_value(json_object_get(it, "id")), &rep);
        json_object_set_new(it, "events", ev ? ev : json_array());
        json_object_set_new(it, "replies", rep ? rep : json_array());
    }
    if (rc == 0 && (rc = rows_of(c, q_sup, participant, 0, &arr)) == 0)
        json_object_set_new(o, "supports", arr);
    if (rc == 0 && (rc = rows_of(c, q_vot, participant, 0, &arr)) == 0)
        json_object_set_new(o, "votes", arr);
    if (rc == 0 && (rc = rows_of(c, q_con, participant, 0, &arr)) == 0) {
        json_t *first = json_array_get(arr, 0);
        json_object_set(o, "contact", first ? first : json_null());
        json_decref(arr);
    }
    if (rc != 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}
