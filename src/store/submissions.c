/*
 * submissions.c — submissions and the review queue in the SQLite backend
 * (store layer). A put is idempotent on (campaign, channel, native_id): a
 * redelivered item reports the id stored the first time, with GG_ECONFLICT.
 */
#include "store/sqlite_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>

enum { F_CHANNEL, F_NATIVE, F_AKEY, F_AHANDLE, F_TEXT, F_DISPLAY, F_NORM, F_ENT, F_LABELS,
       F_STATE, F_REASON, F_CREATED, F_REPLY, NF };

typedef struct sub_job {
    int64_t campaign_id, dup_of, group_id;
    int merge;
    double priority;
    char *f[NF];
    gg_facts facts; /* from the labels, parsed on the caller's thread */
} sub_job;

static void dispose_sub(gg_job *j)
{
    sub_job *sj = j->data;
    for (int i = 0; i < NF; i++)
        free(sj->f[i]);
    free(sj);
}

/* A queued near-copy of a post that already joined an idea joins that idea
 * too: its author becomes one more supporter, and nobody reviews the same
 * idea twice. The audit row says the filter did it. */
static int merge_into_idea(gg_conn *c, int64_t id, int64_t dup_of)
{
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT idea_id FROM submissions WHERE id=?1 AND"
                                         " state IN ('accepted','merged') AND idea_id IS NOT NULL");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, dup_of);
    int64_t idea = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (idea == 0)
        return 0;
    st = gg_store__stmt(c, "UPDATE submissions SET state='merged', idea_id=?2, reason='duplicate',"
                           " decided_at=strftime('%Y-%m-%dT%H:%M:%fZ') WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, idea);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "merge");
    sqlite3_reset(st);
    if (rc)
        return rc;
    st = gg_store__stmt(c, "UPDATE ideas SET supporters=supporters+1,"
                           " updated_at=strftime('%Y-%m-%dT%H:%M:%SZ') WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, idea);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "supporters");
    sqlite3_reset(st);
    if (rc)
        return rc;
    st = gg_store__stmt(c, "INSERT INTO audit(actor,action,object_type,object_id,after_json,"
                           "reason) VALUES('filter','merge','submission',?1,"
                           "json_object('idea_id',?2,'dup_of',?3),'duplicate')");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, idea);
    sqlite3_bind_int64(st, 3, dup_of);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "audit");
    sqlite3_reset(st);
    return rc;
}

/* A near-copy from another person is support for the post it copies: while
 * that post waits in the queue it moves a tenth of the way to priority 1,
 * so what many people ask for reaches a reviewer sooner. Copies inside a
 * coordinated group are one voice and raise nothing; nor does a person
 * repeating themself. */
static int support_original(gg_conn *c, int64_t dup_of, const char *author_key)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "UPDATE submissions SET priority=round(priority+(1.0-priority)*0.1,3)"
           " WHERE id=?1 AND state IN ('queued','escalated') AND group_id IS NULL"
           " AND coalesce(author_key,'')<>coalesce(?2,'')");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, dup_of);
    gg_store__bind_text(st, 2, author_key);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "support");
    sqlite3_reset(st);
    return rc;
}

/* The id the next submission gets (what SQLite would pick: max + 1), so its
 * facts row can go in first (store/insight_facts.c). */
static int next_id(gg_conn *c, int64_t *id)
{
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT coalesce(max(id),0)+1 FROM submissions");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : gg_store__sqlfail(c, "next id");
    *id = rc ? 0 : sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

int gg_store__submission_insert(gg_conn *c, const gg_submission_in *in, const gg_facts *f,
                                int64_t *id_out)
{
    gg_facts local;
    if (f == NULL) {
        gg_store__facts_of(in->labels_json, &local);
        f = &local;
    }
    int64_t id = 0;
    if (f->ok) {
        int frc = next_id(c, &id);
        if (frc == 0)
            frc = gg_store__facts_insert(c, id, in, f);
        if (frc)
            return frc;
    }
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO submissions(campaign_id,channel,native_id,author_key,author_handle,text,"
           "display,norm,entities_json,labels_json,state,reason,priority,created_at,reply_json,"
           "dup_of,group_id,id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,coalesce(?9,'{}'),coalesce(?10,'{}'),"
           "?11,?12,?13,coalesce(?14,strftime('%Y-%m-%dT%H:%M:%fZ')),?15,?16,?17,?18)"
           " ON CONFLICT(campaign_id,channel,native_id) DO NOTHING");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    if (id > 0)
        sqlite3_bind_int64(st, 18, id);
    const char *v[NF] = {in->channel, in->native_id, in->author_key, in->author_handle,
                         in->text, in->display ? in->display : in->text,
                         in->norm ? in->norm : in->text, in->entities_json, in->labels_json,
                         in->state, in->reason, in->created_at, in->reply_json};
    sqlite3_bind_int64(st, 1, in->campaign_id);
    for (int i = 0; i < NF; i++) /* ?2..?12 in order; created_at ?14, reply_json ?15 */
        gg_store__bind_text(st, i < F_CREATED ? i + 2 : i == F_CREATED ? 14 : 15, v[i]);
    sqlite3_bind_double(st, 13, in->priority);
    if (in->dup_of > 0)
        sqlite3_bind_int64(st, 16, in->dup_of);
    if (in->group_id > 0)
        sqlite3_bind_int64(st, 17, in->group_id);
    /* no RETURNING: SQLite 3.40 buffers returned rows in a table of their
     * own, created and dropped for every insert */
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE && sqlite3_changes(c->db) == 1) {
        *id_out = id > 0 ? id : sqlite3_last_insert_rowid(c->db);
        sqlite3_reset(st);
        if (in->dup_of > 0 && in->merge_duplicates && strcmp(in->state, "queued") == 0) {
            rc = merge_into_idea(c, *id_out, in->dup_of);
            if (rc != 0)
                return rc;
        }
        if (in->dup_of > 0 && in->group_id <= 0)
            return support_original(c, in->dup_of, in->author_key);
        return 0;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return gg_store__sqlfail(c, "submission insert");
    if (id > 0) {
        /* DO NOTHING fired: the facts row written for it goes again (callers
         * such as the inbox keep the transaction going on a conflict) */
        st = gg_store__stmt(c, "DELETE FROM insight_facts WHERE submission_id=?1");
        if (st == NULL)
            return gg_store__sqlfail(c, "prepare");
        sqlite3_bind_int64(st, 1, id);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return gg_store__sqlfail(c, "facts delete");
    }
    /* DO NOTHING fired: the item was stored before; report its id */
    st = gg_store__stmt(c, "SELECT id FROM submissions WHERE campaign_id=?1 AND channel=?2"
                           " AND native_id=?3");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, in->campaign_id);
    gg_store__bind_text(st, 2, in->channel);
    gg_store__bind_text(st, 3, in->native_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        *id_out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return gg_store__fail(GG_ECONFLICT, "already stored as %lld", (long long)*id_out);
}

static int run_put(gg_store *s, gg_conn *c, gg_job *j)
{
    sub_job *sj = j->data;
    gg_submission_in in = {
        .campaign_id = sj->campaign_id, .channel = sj->f[F_CHANNEL], .native_id = sj->f[F_NATIVE],
        .author_key = sj->f[F_AKEY], .author_handle = sj->f[F_AHANDLE], .text = sj->f[F_TEXT],
        .display = sj->f[F_DISPLAY], .norm = sj->f[F_NORM], .entities_json = sj->f[F_ENT],
        .labels_json = sj->f[F_LABELS], .state = sj->f[F_STATE], .reason = sj->f[F_REASON],
        .priority = sj->priority, .created_at = sj->f[F_CREATED], .reply_json = sj->f[F_REPLY],
        .dup_of = sj->dup_of, .group_id = sj->group_id, .merge_duplicates = sj->merge};
    int rc = gg_store__submission_insert(c, &in, &sj->facts, &j->id);
    if (rc == 0 && in.dup_of > 0) {
        /* the insert may have merged it into an idea: report the final state */
        sqlite3_stmt *st = gg_store__stmt(c, "SELECT state FROM submissions WHERE id=?1");
        if (st) {
            sqlite3_bind_int64(st, 1, j->id);
            if (sqlite3_step(st) == SQLITE_ROW)
                j->result = json_pack("{s:s}", "state", (const char *)sqlite3_column_text(st, 0));
            sqlite3_reset(st);
        }
    }
    return rc;
}

int gg_store_submission_put(gg_store *s, const gg_submission_in *in, gg_store_done_fn done,
                            void *arg)
{
    if (in->text == NULL || in->channel == NULL || in->state == NULL)
        return gg_store__fail(GG_EINVAL, "submission needs text, channel and state");
    gg_job *j = gg_calloc(1, sizeof(*j));
    sub_job *sj = gg_calloc(1, sizeof(*sj));
    const char *v[NF] = {in->channel, in->native_id, in->author_key, in->author_handle,
                         in->text, in->display ? in->display : in->text,
                         in->norm ? in->norm : in->text, in->entities_json, in->labels_json,
                         in->state, in->reason, in->created_at, in->reply_json};
    for (int i = 0; i < NF; i++)
        sj->f[i] = v[i] ? gg_strdup(v[i]) : NULL;
    sj->campaign_id = in->campaign_id;
    sj->priority = in->priority;
    sj->dup_of = in->dup_of;
    sj->group_id = in->group_id;
    sj->merge = in->merge_duplicates;
    gg_store__facts_of_json(in->labels, in->labels_json, &sj->facts);
    j->data = sj;
    j->dispose = dispose_sub;
    j->run = run_put;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}

#define SUB_PUBLIC                                                                               \
    "s.id, c.slug AS campaign, s.channel, s.display AS text, s.state, s.reason, s.idea_id,"      \
    " s.created_at, s.received_at, s.decided_at"
#define SUB_STAFF                                                                                \
    "s.id, c.slug AS campaign, s.channel, s.native_id, s.author_key, s.author_handle, s.text,"   \
    " s.display, s.norm, s.entities_json, s.labels_json, s.priority, s.state, s.reason, s.note," \
    " s.idea_id, s.dup_of, s.group_id, s.created_at, s.received_at, s.decided_at, s.decided_by"

int gg_store_submission_get(gg_store *s, int64_t id, int staff, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st =
        staff ? gg_store__stmt(c, "SELECT " SUB_STAFF " FROM submissions s JOIN campaigns c"
                                  " ON c.id=s.campaign_id WHERE s.id=?1")
              : gg_store__stmt(c, "SELECT " SUB_PUBLIC " FROM submissions s JOIN campaigns c"
                                  " ON c.id=s.campaign_id WHERE s.id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    int rc = gg_store__one(c, st, out);
    return rc == GG_ENOTFOUND ? gg_store__fail(rc, "no submission %lld", (long long)id) : rc;
}

int gg_store_queue(gg_store *s, const gg_queue_query *q, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    const char *state = q->state ? q->state : "queued";
    /* campaign NULL matches every campaign (?1 IS NULL) */
    sqlite3_stmt *st =
        q->by_priority
            ? gg_store__stmt(c, "SELECT " SUB_STAFF " FROM submissions s JOIN campaigns c"
                                " ON c.id=s.campaign_id WHERE (?1 IS NULL OR c.slug=?1)"
                                " AND s.state=?2 ORDER BY s.priority DESC, s.id LIMIT ?3 OFFSET ?4")
            : gg_store__stmt(c, "SELECT " SUB_STAFF " FROM submissions s JOIN campaigns c"
                                " ON c.id=s.campaign_id WHERE (?1 IS NULL OR c.slug=?1)"
                                " AND s.state=?2 ORDER BY s.id DESC LIMIT ?3 OFFSET ?4");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, q->campaign);
    gg_store__bind_text(st, 2, state);
    sqlite3_bind_int(st, 3, q->limit > 0 ? q->limit : 50);
    sqlite3_bind_int(st, 4, q->offset > 0 ? q->offset : 0);
    json_t *arr = NULL;
    int rc = gg_store__rows(c, st, &arr);
    if (rc != 0)
        return rc;
    /* total from the trigger-maintained counts: O(campaigns), not O(rows) */
    st = gg_store__stmt(c, "SELECT coalesce(sum(n),0) FROM state_counts sc JOIN campaigns c"
                           " ON c.id=sc.campaign_id WHERE (?1 IS NULL OR c.slug=?1) AND sc.state=?2");
    long long total = 0;
    if (st) {
        gg_store__bind_text(st, 1, q->campaign);
        gg_store__bind_text(st, 2, state);
        if (sqlite3_step(st) == SQLITE_ROW)
            total = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    *out = json_pack("{s:o,s:I}", "items", arr, "total", total);
    return 0;
}

int gg_store_state_counts(gg_store *s, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT state, sum(n) FROM state_counts GROUP BY state");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    json_t *o = json_object();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_object_set_new(o, (const char *)sqlite3_column_text(st, 0),
                            json_integer(sqlite3_column_int64(st, 1)));
    sqlite3_reset(st);
    *out = o;
    return 0;
}

typedef struct group_job {
    int64_t campaign_id, group;
    int64_t *ids;
    size_t n;
    char *evidence;
} group_job;

static void dispose_group(gg_job *j)
{
    group_job *g = j->data;
    free(g->ids);
    free(g->evidence);
    free(g);
}

static int run_group(gg_store *s, gg_conn *c, gg_job *j)
{
    group_job *g = j->data;
    /* evidence NULL: a newcomer to a known group, the evidence stands */
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO coord_groups(id,campaign_id,members,evidence_json) VALUES(?1,?2,0,"
           "coalesce(?3,'{}')) ON CONFLICT(id) DO UPDATE SET"
           " evidence_json=coalesce(?3,evidence_json), updated_at=strftime('%Y-%m-%dT%H:%M:%fZ')");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, g->group);
    sqlite3_bind_int64(st, 2, g->campaign_id);
    gg_store__bind_text(st, 3, g->evidence);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "group");
    sqlite3_reset(st);
    if (rc)
        return rc;
    /* members stay where the route put them, flagged and labelled */
    st = gg_store__stmt(c, "UPDATE submissions SET group_id=?2,"
                           " labels_json=json_set(labels_json,'$.coordinated',?2)"
                           " WHERE id=?1 AND campaign_id=?3 AND group_id IS NOT ?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    int64_t added = 0;
    for (size_t i = 0; i < g->n && rc == 0; i++) {
        sqlite3_bind_int64(st, 1, g->ids[i]);
        sqlite3_bind_int64(st, 2, g->group);
        sqlite3_bind_int64(st, 3, g->campaign_id);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "group member");
        added += sqlite3_changes(c->db);
        sqlite3_reset(st);
    }
    if (rc || added == 0)
        return rc;
    st = gg_store__stmt(c, "UPDATE coord_groups SET members=members+?2 WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, g->group);
    sqlite3_bind_int64(st, 2, added);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "group count");
    sqlite3_reset(st);
    j->bumps = 1;
    return rc;
}

int gg_store_submissions_group(gg_store *s, int64_t campaign_id, int64_t group,
                               const int64_t *ids, size_t n, const char *evidence_json,
                               gg_store_done_fn done, void *arg)
{
    gg_job *j = gg_calloc(1, sizeof(*j));
    group_job *g = gg_calloc(1, sizeof(*g));
    g->campaign_id = campaign_id;
    g->group = group;
    g->ids = gg_malloc((n ? n : 1) * sizeof(int64_t));
    memcpy(g->ids, ids, n * sizeof(int64_t));
    g->n = n;
    g->evidence = evidence_json ? gg_strdup(evidence_json) : NULL;
    j->data = g;
    j->dispose = dispose_group;
    j->background = 1; /* derived from posts already stored and answered */
    j->run = run_group;
    j->done = done;
    j->arg = arg;
    return gg_store__submit(s, j);
}

int gg_store_submissions_scan(gg_store *s, int limit,
                              void (*fn)(void *arg, int64_t campaign_id, int64_t id,
                                         const char *norm, size_t norm_len,
                                         const char *author_key, int64_t created_at),
                              void *arg)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT campaign_id, id, norm, author_key, CAST(strftime('%s',created_at) AS INTEGER)"
           " FROM submissions WHERE id > coalesce((SELECT max(id) FROM submissions),0) - ?1"
           " AND state <> 'withdrawn' ORDER BY id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int(st, 1, limit);
    while (sqlite3_step(st) == SQLITE_ROW)
        fn(arg, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
           (const char *)sqlite3_column_text(st, 2), (size_t)sqlite3_column_bytes(st, 2),
           (const char *)sqlite3_column_text(st, 3), sqlite3_column_int64(st, 4));
    sqlite3_reset(st);
    return 0;
}

int gg_store_campaign_policy(gg_store *s, int64_t campaign_id, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT policy_json FROM campaigns WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, campaign_id);
    json_t *o = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        o = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
    sqlite3_reset(st);
    *out = json_is_object(o) ? o : json_object();
    if (o && !json_is_object(o))
        json_decref(o);
    return 0;
}
