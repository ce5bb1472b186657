/*
 * campaigns.c — campaigns and ideas in the SQLite backend (store layer).
 */
#include "store/sqlite_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>

typedef struct campaign_job {
    gg_campaign_in in;
    char *strs[9];
} campaign_job;

static int run_upsert(gg_store *s, gg_conn *c, gg_job *j)
{
    campaign_job *cj = j->data;
    const gg_campaign_in *in = &cj->in;
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO campaigns(slug,title,question,brief,title_en,question_en,brief_en,"
           "topics_json,hashtags_json) VALUES(?1,?2,?3,?4,?5,?6,?7,coalesce(?8,'[]'),"
           "coalesce(?9,'[]')) ON CONFLICT(slug) DO UPDATE SET title=?2, question=?3, brief=?4,"
           " title_en=?5, question_en=?6, brief_en=?7, topics_json=coalesce(?8,topics_json),"
           " hashtags_json=coalesce(?9,hashtags_json) RETURNING id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    const char *v[] = {in->slug,     in->title,       in->question,    in->brief,        in->title_en,
                       in->question_en, in->brief_en, in->topics_json, in->hashtags_json};
    for (int i = 0; i < 9; i++)
        gg_store__bind_text(st, i + 1, v[i]);
    if (sqlite3_step(st) != SQLITE_ROW)
        return gg_store__sqlfail(c, "campaign upsert");
    j->id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    j->bumps = 1;
    return 0;
}

static void dispose_campaign(gg_job *j)
{
    campaign_job *cj = j->data;
    for (int i = 0; i < 9; i++)
        free(cj->strs[i]);
    free(cj);
}

int gg_store_campaign_upsert(gg_store *s, const gg_campaign_in *c, int64_t *id_out)
{
    if (c->slug == NULL || c->title == NULL || c->question == NULL)
        return gg_store__fail(GG_EINVAL, "campaign needs slug, title and question");
    gg_job *j = gg_calloc(1, sizeof(*j));
    campaign_job *cj = gg_calloc(1, sizeof(*cj));
    const char *v[] = {c->slug,     c->title,       c->question,    c->brief ? c->brief : "",
                       c->title_en, c->question_en, c->brief_en,    c->topics_json,
                       c->hashtags_json};
    for (int i = 0; i < 9; i++)
        cj->strs[i] = v[i] ? gg_strdup(v[i]) : NULL;
    cj->in = (gg_campaign_in){cj->strs[0], cj->strs[1], cj->strs[2], cj->strs[3], cj->strs[4],
                              cj->strs[5], cj->strs[6], cj->strs[7], cj->strs[8]};
    j->data = cj;
    j->run = run_upsert;
    j->dispose = dispose_campaign;
    return gg_store__submit_wait(s, j, id_out, NULL);
}

#define CAMPAIGN_COLS                                                                            \
    "c.id, c.slug, c.title, c.question, c.brief, c.title_en, c.question_en, c.brief_en,"         \
    " c.topics_json, c.hashtags_json, c.status, c.opens_at, c.closes_at, c.created_at,"          \
    " (SELECT count(*) FROM ideas i WHERE i.campaign_id = c.id) AS ideas_count"

int gg_store_campaign_get(gg_store *s, const char *slug, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT " CAMPAIGN_COLS " FROM campaigns c WHERE slug=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, slug);
    int rc = gg_store__one(c, st, out);
    return rc == GG_ENOTFOUND ? gg_store__fail(rc, "no campaign '%s'", slug) : rc;
}

int gg_store_campaign_list(gg_store *s, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st =
        gg_store__stmt(c, "SELECT " CAMPAIGN_COLS " FROM campaigns c ORDER BY c.id DESC LIMIT 200");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    json_t *arr = NULL;
    int rc = gg_store__rows(c, st, &arr);
    if (rc == 0)
        *out = json_pack("{s:o}", "campaigns", arr);
    return rc;
}

#define IDEA_COLS                                                                                \
    "i.id, c.slug AS campaign, i.title, i.text, i.topics_json, i.regions_json, i.status,"         \
    " i.supporters, i.official_response, i.created_at, i.updated_at"

int gg_store_idea_get(gg_store *s, int64_t id, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT " IDEA_COLS " FROM ideas i JOIN campaigns c ON c.id=i.campaign_id WHERE i.id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    int rc = gg_store__one(c, st, out);
    return rc == GG_ENOTFOUND ? gg_store__fail(rc, "no idea %lld", (long long)id) : rc;
}

int gg_store_idea_list(gg_store *s, const char *slug, const char *sort, int limit, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    int top = sort && strcmp(sort, "top") == 0;
    sqlite3_stmt *st =
        top ? gg_store__stmt(c, "SELECT " IDEA_COLS " FROM ideas i JOIN campaigns c ON "
                                "c.id=i.campaign_id WHERE c.slug=?1 AND i.status<>'ditolak' "
                                "ORDER BY i.supporters DESC, i.id DESC LIMIT ?2")
            : gg_store__stmt(c, "SELECT " IDEA_COLS " FROM ideas i JOIN campaigns c ON "
                                "c.id=i.campaign_id WHERE c.slug=?1 AND i.status<>'ditolak' "
                                "ORDER BY i.id DESC LIMIT ?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, slug);
    sqlite3_bind_int(st, 2, limit > 0 && limit <= 500 ? limit : 50);
    json_t *arr = NULL;
    int rc = gg_store__rows(c, st, &arr);
    if (rc == 0)
        *out = json_pack("{s:o}", "ideas", arr);
    return rc;
}
