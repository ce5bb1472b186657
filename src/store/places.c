/*
 * places.c — topics and places of public ideas (store layer, issue 5): the
 * idea page's topic and region, the campaign page's map counts. Read-only;
 * reads the facts rows the insight triggers keep (store/insight_schema.c),
 * never writes them.
 */
#include "store/places.h"
#include "store/sqlite_int.h"
#include "core/err.h"

int gg_store_idea_place(gg_store *s, int64_t id, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    /* the first post: submissions_idea index, then one facts row by key */
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT f.topics_json, f.province, f.regency FROM insight_facts f"
           " WHERE f.submission_id=(SELECT min(id) FROM submissions WHERE idea_id=?1)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    int rc = gg_store__one(c, st, out);
    if (rc == GG_ENOTFOUND) {
        *out = json_pack("{s:[],s:s,s:s}", "topics", "province", "", "regency", "");
        return 0;
    }
    return rc;
}

int gg_store_idea_provinces(gg_store *s, const char *slug, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    /* ideas_campaign index for the campaign's ideas, submissions_idea for
     * each one's first post, insight_facts_sub for its facts */
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT coalesce(f.province,''), count(*) FROM ideas i"
           " LEFT JOIN insight_facts f ON f.submission_id="
           "  (SELECT min(id) FROM submissions WHERE idea_id=i.id)"
           " WHERE i.campaign_id=(SELECT id FROM campaigns WHERE slug=?1)"
           " AND i.status<>'ditolak' GROUP BY 1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, slug);
    json_t *o = json_object();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        json_object_set_new(o, code ? code : "", json_integer(sqlite3_column_int64(st, 1)));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(o);
        return gg_store__sqlfail(c, "idea provinces");
    }
    *out = o;
    return 0;
}
