/*
 * review.c — the review workspace over JSON (api layer, issue 4): the
 * filtered queue, claiming the next item, an item with its evidence,
 * actions (accept, merge, reject, escalate, undo, second review), bulk
 * actions on a cluster or group, quality figures, the campaign's review
 * policy, and the audit log (list, verify, export). Reviewers and admins
 * work; writes are queued to the store and answered from their callback,
 * so no handler waits on the disk.
 */
#include "api/api_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include "filter/filter.h"
#include "review/review.h"
#include "store/workspace.h"
#include "text/text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *gg_api__search_text(gg_req *r, const char *q)
{
    if (q == NULL || *q == '\0')
        return q;
    size_t n = strlen(q);
    gg_text_doc d;
    if (!gg_text_utf8_valid(q, n) || gg_text_analyze(&d, q, n) != 0)
        return q;
    const char *out = gg_req_strdup(r, d.norm, d.norm_len);
    gg_text_doc_dispose(&d);
    return out;
}

/* The claim lease: review_lease_s, kept to 1 s .. 1 h whatever was set. */
static int lease_ms(const gg_api *a)
{
    int s = a->cfg ? a->cfg->review_lease_s : 120;
    return (s < 1 ? 1 : s > 3600 ? 3600 : s) * 1000;
}
#define WORK_ROLES (GG_ROLE_ADMIN | GG_ROLE_REVIEWER)

static const char *const reasons[] = {"spam",      "kasar",     "off-topic", "not-constructive",
                                      "duplicate", "other",     NULL};

int gg_api__reason_ok(const char *reason)
{
    for (int i = 0; reason && reasons[i]; i++)
        if (strcmp(reason, reasons[i]) == 0)
            return 1;
    return 0;
}

static int query_num(gg_req *r, const char *name, double *out)
{
    const char *v = gg_req_query(r, name);
    *out = 0;
    if (v == NULL || !*v)
        return 0;
    char *end;
    double d = strtod(v, &end);
    if (*end != '\0' || !(d >= 0 && d <= 1)) {
        gg_req_error(r, GG_EINVAL, "%s must be a number from 0 to 1", name);
        return -1;
    }
    *out = d;
    return 0;
}

static const char *query_str(gg_req *r, const char *name)
{
    const char *v = gg_req_query(r, name);
    return v && *v && strlen(v) <= 200 ? v : NULL;
}

static int query_id(gg_req *r, const char *name, int64_t *out)
{
    const char *v = gg_req_query(r, name);
    *out = 0;
    if (v == NULL || !*v)
        return 0;
    *out = gg_api__id(gg_str_c(v));
    if (*out < 0) {
        gg_req_error(r, GG_EINVAL, "%s must be a positive id", name);
        return -1;
    }
    return 0;
}

static const char *const states[] = {"queued", "escalated", "accepted", "merged", "rejected",
                                     "received", "filtered", "withdrawn", NULL};

/* Fill q from the request's query string; answers 4xx and returns -1 on a
 * bad parameter (or an unknown or unassigned campaign). */
static int parse_query(gg_api *a, gg_req *r, gg_session *s, gg_review_query *q)
{
    memset(q, 0, sizeof(*q));
    const char *sort = gg_req_query(r, "sort"), *campaign = query_str(r, "campaign");
    int limit, offset;
    if (gg_api__query_int(r, "limit", 50, 1, 100000, &limit) != 0 ||
        gg_api__query_int(r, "offset", 0, 0, 1 << 30, &offset) != 0)
        return -1;
    if (sort && *sort && strcmp(sort, "new") != 0 && strcmp(sort, "priority") != 0) {
        gg_req_error(r, GG_EINVAL, "sort must be new or priority");
        return -1;
    }
    q->state = query_str(r, "state");
    if (q->state) {
        int ok = 0;
        for (int i = 0; states[i] && !ok; i++)
            ok = strcmp(q->state, states[i]) == 0;
        if (!ok) {
            gg_req_error(r, GG_EINVAL, "state must be queued, escalated, accepted, merged,"
                                       " rejected, received, filtered or withdrawn");
            return -1;
        }
    }
    if (campaign) {
        if (gg_store_review_campaign_id(a->store, campaign, &q->campaign_id) != 0) {
            gg_req_error(r, GG_ENOTFOUND, "no campaign '%.60s'", campaign);
            return -1;
        }
        if (s->role != GG_ROLE_ADMIN &&
            !gg_store_team_may_review(a->store, s->user_id, q->campaign_id)) {
            gg_req_error(r, GG_EFORBIDDEN, "you are not assigned to this campaign");
            return -1;
        }
    }
    if (s->role != GG_ROLE_ADMIN && gg_store_team_assigned(a->store, s->user_id))
        q->assigned_to = s->user_id;
    q->by_priority = sort && strcmp(sort, "priority") == 0;
    q->limit = limit;
    q->offset = offset;
    q->channel = query_str(r, "channel");
    q->lang = query_str(r, "lang");
    q->kind = query_str(r, "kind");
    q->topic = query_str(r, "topic");
    q->region = query_str(r, "region");
    q->dapil = query_str(r, "dapil");
    q->q = gg_api__search_text(r, query_str(r, "q"));
    if (query_num(r, "min_priority", &q->min_priority) || query_num(r, "max_priority", &q->max_priority) ||
        query_num(r, "min_spam", &q->min_spam) || query_num(r, "max_spam", &q->max_spam) ||
        query_num(r, "min_constructive", &q->min_constructive) ||
        query_num(r, "max_constructive", &q->max_constructive) ||
        query_id(r, "group", &q->group) || query_id(r, "cluster", &q->cluster))
        return -1;
    const char *hide = gg_req_query(r, "hide_claimed");
    if (hide == NULL || strcmp(hide, "0") != 0)
        q->viewer = s->user_id;
    return 0;
}

static int h_queue(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, WORK_ROLES, 0, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    gg_review_query q;
    if (parse_query(a, r, s, &q) != 0)
        return 0;
    json_t *out = NULL;
    int rc = gg_store_review_queue(a->store, &q, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

/* ---- claims and the next item ---------------------------------------------------- */

typedef struct next_ctx {
    gg_api *a;
    gg_pending *p;
} next_ctx;

static void on_claimed_next(void *arg, int rc, int64_t id, json_t *result)
{
    next_ctx *n = arg;
    if (rc != 0) {
        gg_pending_error(n->p, rc, "the item could not be claimed");
    } else if (id == 0) {
        gg_pending_json(n->p, 200, json_pack("{s:n}", "item"));
    } else {
        json_t *item = NULL;
        if (gg_store_review_item(n->a->store, id, &item) != 0)
            item = json_pack("{s:I}", "id", (json_int_t)id);
        gg_pending_json(n->p, 200, json_pack("{s:o,s:O}", "item", item, "claim", result));
    }
    free(n);
}

/* GET …/next: claim the first item of the (filtered) queue nobody holds. */
static int h_next(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, WORK_ROLES, 0, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    gg_review_query q;
    if (parse_query(a, r, s, &q) != 0)
        return 0;
    q.viewer = s->user_id;
    int64_t ids[16];
    int n = 0;
    int rc = gg_store_review_queue_ids(a->store, &q, ids, 16, &n);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    if (n == 0) {
        gg_req_json(r, 200, json_pack("{s:n}", "item"));
        return 0;
    }
    next_ctx *x = gg_calloc(1, sizeof(*x));
    x->a = a;
    x->p = gg_req_defer(r);
    if (gg_store_review_claim_first(a->store, s->user_id, ids, (size_t)n, lease_ms(a),
                                    on_claimed_next, x) != 0) {
        gg_pending_error(x->p, GG_EIO, gg_store_errmsg(a->store));
        free(x);
    }
    return 0;
}

static void on_claimed(void *arg, int rc, int64_t id, json_t *result)
{
    gg_pending *p = arg;
    if (rc == 0)
        gg_pending_json(p, 200, json_incref(result));
    else if (json_string_value(json_object_get(result, "message")))
        gg_pending_error(p, rc, json_string_value(json_object_get(result, "message")));
    else
        gg_pending_error(p, rc, "the item could not be claimed");
}

static int h_claim(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, WORK_ROLES, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such item");
    gg_pending *p = gg_req_defer(r);
    if (gg_store_review_claim(a->store, s->user_id, id, lease_ms(a), on_claimed, p) != 0)
        gg_pending_error(p, GG_EIO, gg_store_errmsg(a->store));
    return 0;
}

static int h_review_item(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, WORK_ROLES, 0, GG_AUTH_JSON) == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *out = NULL;
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such item");
    int rc = gg_store_review_item(a->store, id, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

/* ---- actions ------------------------------------------------------------------------ */

static void on_acted(void *arg, int rc, int64_t id, json_t *result)
{
    gg_pending *p = arg;
    if (rc == 0) {
        int pending = json_is_true(json_object_get(result, "pending"));
        gg_pending_json(p, pending ? 202 : 200, json_incref(result));
    } else {
        /* the store's message names the reason (claimed, decided, …) */
        const char *m = json_string_value(json_object_get(result, "message"));
        gg_pending_error(p, rc, rc == GG_EIO || rc == GG_EINTERNAL || m == NULL
                                    ? "the action could not be stored"
                                    : m);
    }
}

static const char *const act_fields[] = {"action", "idea_id", "reason", "note", "title", "label",
                                         "topics", "kind", NULL};

/* The reviewer's topics: a non-empty array of known topic names, each at
 * most once. *out gets them as a JSON array in the filter's topic order
 * (request-owned). Answers 400 and returns -1 when wrong. */
static int parse_topics(gg_req *r, json_t *v, const char **out)
{
    unsigned on = 0;
    size_t i;
    json_t *x;
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > GG_FILTER_NTOPIC) {
        gg_req_error(r, GG_EINVAL, "topics must be an array of 1 to %d topic names",
                     GG_FILTER_NTOPIC);
        return -1;
    }
    json_array_foreach(v, i, x)
    {
        const char *t = json_string_value(x);
        int k = -1;
        for (int j = 0; t && j < GG_FILTER_NTOPIC && k < 0; j++)
            if (strcmp(t, gg_filter_topics[j]) == 0)
                k = j;
        if (k < 0) {
            gg_req_error(r, GG_EINVAL, "unknown topic '%.40s' (pendidikan, kesehatan, ekonomi,"
                                       " ketenagakerjaan, infrastruktur, pertanian, lingkungan,"
                                       " hukum, sosial, layanan-publik, digital, lainnya)",
                         t ? t : "(not a string)");
            return -1;
        }
        if (on & (1u << k)) {
            gg_req_error(r, GG_EINVAL, "topic '%s' is given twice", t);
            return -1;
        }
        on |= 1u << k;
    }
    json_t *arr = json_array();
    for (int j = 0; j < GG_FILTER_NTOPIC; j++)
        if (on & (1u << j))
            json_array_append_new(arr, json_string(gg_filter_topics[j]));
    char *d = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    *out = gg_req_strdup(r, d, strlen(d));
    free(d);
    return 0;
}

static int kind_ok(const char *k)
{
    for (int j = 0; k && j < GG_FILTER_NKIND; j++)
        if (strcmp(k, gg_filter_kinds[j]) == 0)
            return 1;
    return 0;
}

/* Check an action body; answers 400 and returns -1 when it is wrong. */
static int parse_act(gg_req *r, json_t *b, gg_session *s, gg_review_act *act)
{
    memset(act, 0, sizeof(*act));
    if (gg_api__json_fields(r, b, act_fields) != 0)
        return -1;
    json_t *ji = json_object_get(b, "idea_id");
    for (const char *const *f = act_fields; *f; f++) {
        json_t *v = json_object_get(b, *f);
        if (v && !json_is_null(v) && strcmp(*f, "idea_id") != 0 && strcmp(*f, "topics") != 0 &&
            !json_is_string(v)) {
            gg_req_error(r, GG_EINVAL, "field '%s' must be a string", *f);
            return -1;
        }
    }
    if (ji && !json_is_null(ji) && (!json_is_integer(ji) || json_integer_value(ji) <= 0)) {
        gg_req_error(r, GG_EINVAL, "idea_id must be a positive integer");
        return -1;
    }
    act->actor_id = s->user_id;
    act->actor = s->email;
    act->admin = s->role == GG_ROLE_ADMIN;
    act->action = json_string_value(json_object_get(b, "action"));
    act->reason = json_string_value(json_object_get(b, "reason"));
    act->note = json_string_value(json_object_get(b, "note"));
    act->title = json_string_value(json_object_get(b, "title"));
    act->label = json_string_value(json_object_get(b, "label"));
    act->idea_id = ji ? (int64_t)json_integer_value(ji) : 0;
    act->kind = json_string_value(json_object_get(b, "kind"));
    const char *a = act->action;
    if (a == NULL) {
        gg_req_error(r, GG_EINVAL, "field 'action' is required");
        return -1;
    }
    if (strcmp(a, "accept") && strcmp(a, "merge") && strcmp(a, "reject") &&
        strcmp(a, "escalate") && strcmp(a, "undo") && strcmp(a, "second") &&
        strcmp(a, "relabel")) {
        gg_req_error(r, GG_EINVAL,
                     "unknown action '%.40s' (accept, merge, reject, escalate, relabel, undo)", a);
        return -1;
    }
    if (parse_topics(r, json_object_get(b, "topics"), &act->topics_json) != 0)
        return -1;
    if (act->kind && !kind_ok(act->kind)) {
        gg_req_error(r, GG_EINVAL, "unknown kind '%.40s' (gagasan, keluhan, pertanyaan, dukungan,"
                                   " kritik, spam, kasar, lainnya)",
                     act->kind);
        return -1;
    }
    int labels = act->topics_json != NULL || act->kind != NULL;
    if (labels && (strcmp(a, "undo") == 0 || strcmp(a, "second") == 0)) {
        gg_req_error(r, GG_EINVAL, "topics and kind go with accept, merge, reject, escalate or"
                                   " relabel");
        return -1;
    }
    if (!labels && strcmp(a, "relabel") == 0) {
        gg_req_error(r, GG_EINVAL, "a relabel needs topics, kind or both");
        return -1;
    }
    if (strcmp(a, "reject") == 0 && !gg_api__reason_ok(act->reason)) {
        gg_req_error(r, GG_EINVAL, "a rejection needs a reason: spam, kasar, off-topic, "
                                   "not-constructive, duplicate or other");
        return -1;
    }
    if (strcmp(a, "second") == 0) {
        const char *l = act->label;
        int ok = l && (strcmp(l, "accept") == 0 || strcmp(l, "escalate") == 0 ||
                       (strncmp(l, "reject:", 7) == 0 && gg_api__reason_ok(l + 7)));
        if (!ok) {
            gg_req_error(r, GG_EINVAL, "a second review needs label accept, escalate or"
                                       " reject:<reason>");
            return -1;
        }
    }
    if (act->note && strlen(act->note) > 2000) {
        gg_req_error(r, GG_ELIMIT, "note is longer than 2000 bytes");
        return -1;
    }
    if (act->title && strlen(act->title) > 300) {
        gg_req_error(r, GG_ELIMIT, "title is longer than 300 bytes");
        return -1;
    }
    return 0;
}

/* Reviewers assigned to campaigns act only on those campaigns' items. */
static int assigned_ok(gg_api *a, gg_req *r, gg_session *s, int64_t id)
{
    if (s->role == GG_ROLE_ADMIN || !gg_store_team_assigned(a->store, s->user_id))
        return 1;
    json_t *sub = NULL;
    if (gg_store_submission_get(a->store, id, 1, &sub) != 0)
        return 1; /* unknown: the action answers 404 */
    int64_t cid = 0;
    const char *slug = json_string_value(json_object_get(sub, "campaign"));
    int ok = slug && gg_store_review_campaign_id(a->store, slug, &cid) == 0 &&
             gg_store_team_may_review(a->store, s->user_id, cid);
    json_decref(sub);
    if (!ok)
        gg_req_error(r, GG_EFORBIDDEN, "you are not assigned to this item's campaign");
    return ok;
}

static int h_action(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, WORK_ROLES, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such item");
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    gg_review_act act;
    if (parse_act(r, b, s, &act) == 0 && assigned_ok(a, r, s, id)) {
        act.submission_id = id;
        gg_pending *p = gg_req_defer(r);
        if (gg_store_review_act(a->store, &act, on_acted, p) != 0)
            gg_pending_error(p, GG_EINVAL, gg_store_errmsg(a->store));
    }
    json_decref(b);
    return 0;
}

static void on_bulk(void *arg, int rc, int64_t id, json_t *result)
{
    gg_pending *p = arg;
    if (rc == 0)
        gg_pending_json(p, 200, json_incref(result));
    else
        gg_pending_error(p, rc, "the bulk action could not be stored");
}

static int h_bulk(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"action", "idea_id", "reason", "note", "title",
                                         "cluster", "group", "ids", NULL};
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, WORK_ROLES, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    int64_t ids[500];
    size_t n = 0;
    json_t *cluster = json_object_get(b, "cluster"), *group = json_object_get(b, "group");
    json_t *jids = json_object_get(b, "ids");
    if (gg_api__json_fields(r, b, fields) != 0)
        goto done;
    /* parse_act checks the shared fields; drop the bulk ones from its view */
    json_t *one = json_deep_copy(b);
    json_object_del(one, "cluster");
    json_object_del(one, "group");
    json_object_del(one, "ids");
    gg_review_act act;
    int bad = parse_act(r, one, s, &act);
    if (bad) {
        json_decref(one);
        goto done;
    }
    if (strcmp(act.action, "undo") == 0 || strcmp(act.action, "second") == 0 ||
        strcmp(act.action, "relabel") == 0) {
        json_decref(one);
        gg_req_error(r, GG_EINVAL, "bulk actions are accept, merge, reject or escalate");
        goto done;
    }
    int given = (cluster != NULL) + (group != NULL) + (jids != NULL);
    if (given != 1 || (cluster && (!json_is_integer(cluster) || json_integer_value(cluster) <= 0)) ||
        (group && (!json_is_integer(group) || json_integer_value(group) <= 0)) ||
        (jids && (!json_is_array(jids) || json_array_size(jids) == 0 ||
                  json_array_size(jids) > 500))) {
        json_decref(one);
        gg_req_error(r, GG_EINVAL, "give exactly one of cluster (id), group (id) or ids"
                                   " (1 to 500 ids)");
        goto done;
    }
    if (jids) {
        size_t i;
        json_t *v;
        json_array_foreach(jids, i, v)
        {
            if (!json_is_integer(v) || json_integer_value(v) <= 0) {
                json_decref(one);
                gg_req_error(r, GG_EINVAL, "ids must be positive integers");
                goto done;
            }
            ids[n++] = (int64_t)json_integer_value(v);
        }
    }
    /* the strings of act live in `one` until the store copied them */
    gg_pending *p = gg_req_defer(r);
    if (gg_store_review_bulk(a->store, &act, cluster ? json_integer_value(cluster) : 0,
                             group ? json_integer_value(group) : 0, ids, n, on_bulk, p) != 0)
        gg_pending_error(p, GG_EINVAL, gg_store_errmsg(a->store));
    json_decref(one);
done:
    json_decref(b);
    return 0;
}

/* ---- quality, policy, samples --------------------------------------------------------- */

static int h_stats(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN | GG_ROLE_ANALYST, 0, GG_AUTH_JSON) == NULL)
        return 0;
    int hours;
    int64_t cid = 0;
    const char *campaign = query_str(r, "campaign");
    if (gg_api__query_int(r, "hours", 24, 1, 24 * 366, &hours) != 0)
        return 0;
    if (campaign && gg_store_review_campaign_id(a->store, campaign, &cid) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no campaign '%.60s'", campaign);
    int64_t window = (int64_t)hours * 3600000;
    int64_t since = (int64_t)time(NULL) * 1000 - window;
    json_t *raw = NULL;
    int rc = gg_store_review_stats(a->store, cid, since, &raw);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    json_t *q = gg_review_quality(raw, window);
    json_object_set_new(q, "hours", json_integer(hours));
    json_decref(raw);
    gg_req_json(r, 200, q);
    return 0;
}

static int h_policy(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"two_person", "double_review", NULL};
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON) == NULL)
        return 0;
    gg_str slug = gg_req_param(r, "slug");
    char *sl = gg_req_strdup(r, slug.ptr, slug.len);
    int64_t cid;
    if (gg_store_review_campaign_id(a->store, sl, &cid) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no campaign '%.60s'", sl);
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    json_t *tp = json_object_get(b, "two_person"), *dr = json_object_get(b, "double_review");
    if (gg_api__json_fields(r, b, fields) != 0) {
        json_decref(b);
        return 0;
    }
    if ((tp && !json_is_boolean(tp)) ||
        (dr && (!json_is_number(dr) || json_number_value(dr) < 0 || json_number_value(dr) > 1))) {
        json_decref(b);
        return gg_req_error(r, GG_EINVAL, "two_person is true or false; double_review is a"
                                          " share from 0 to 1");
    }
    /* queued write, but a one-row update: quick enough to wait for */
    gg_session *me = gg_req_user(r);
    int rc = gg_store_review_policy_set(a->store, me ? me->user_id : 0, cid, b);
    json_decref(b);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    json_t *pol = NULL;
    gg_store_campaign_policy(a->store, cid, &pol);
    gg_req_json(r, 200, json_pack("{s:o}", "policy", pol ? pol : json_object()));
    return 0;
}

static int h_samples(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, WORK_ROLES, 0, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t cid = 0;
    const char *campaign = query_str(r, "campaign");
    if (campaign && gg_store_review_campaign_id(a->store, campaign, &cid) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no campaign '%.60s'", campaign);
    json_t *out = NULL;
    int rc = gg_store_review_samples(a->store, cid, s->user_id, 50, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

/* ---- audit ------------------------------------------------------------------------------ */

static int h_audit(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_JSON) == NULL)
        return 0;
    int limit;
    if (gg_api__query_int(r, "limit", 100, 1, 1000, &limit) != 0)
        return 0;
    json_t *out = NULL;
    int rc = gg_store_audit_list(a->store, limit, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

static int h_audit_verify(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_JSON) == NULL)
        return 0;
    json_t *rep = NULL;
    int bad = 0;
    int rc = gg_store_audit_verify(a->store, &bad, &rep);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    json_object_set_new(rep, "ok", json_boolean(bad == 0));
    gg_req_json(r, 200, rep);
    return 0;
}

static int export_line(void *arg, json_t *row)
{
    gg_buf *b = arg;
    char *s = json_dumps(row, JSON_COMPACT | JSON_SORT_KEYS);
    int rc = s ? gg_buf_printf(b, "%s\n", s) : -1;
    free(s);
    return rc < 0 ? GG_ELIMIT : 0;
}

static int h_audit_export(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_JSON) == NULL)
        return 0;
    int limit;
    int64_t after = 0;
    if (gg_api__query_int(r, "limit", 10000, 1, 100000, &limit) != 0 ||
        query_id(r, "after_id", &after) != 0)
        return 0;
    gg_buf b;
    gg_buf_init(&b, 64 << 20);
    int rc = gg_store_audit_walk(a->store, after, limit, export_line, &b);
    if (rc != 0) {
        gg_buf_dispose(&b);
        return gg_req_error(r, rc, "the export is larger than 64 MiB: page with after_id");
    }
    gg_req_header_add(r, "content-disposition", "attachment; filename=\"audit.jsonl\"");
    gg_req_send(r, 200, "application/x-ndjson", b.data ? b.data : "", b.len);
    gg_buf_dispose(&b);
    return 0;
}

void gg_api__register_review(gg_api *a, gg_http *h)
{
    gg_http_route(h, "GET", "/api/v1/review/queue", "review_queue", h_queue, a);
    gg_http_route(h, "GET", "/api/v1/review/next", "review_next", h_next, a);
    gg_http_route(h, "GET", "/api/v1/review/items/{id}", "review_item", h_review_item, a);
    gg_http_route(h, "POST", "/api/v1/review/items/{id}/claim", "review_claim", h_claim, a);
    gg_http_route(h, "POST", "/api/v1/review/items/{id}/actions", "review_action", h_action, a);
    gg_http_route(h, "POST", "/api/v1/review/bulk", "review_bulk", h_bulk, a);
    gg_http_route(h, "GET", "/api/v1/review/stats", "review_stats", h_stats, a);
    gg_http_route(h, "GET", "/api/v1/review/samples", "review_samples", h_samples, a);
    gg_http_route(h, "PUT", "/api/v1/review/policy/{slug}", "review_policy", h_policy, a);
    gg_http_route(h, "GET", "/api/v1/audit", "audit", h_audit, a);
    gg_http_route(h, "GET", "/api/v1/audit/verify", "audit_verify", h_audit_verify, a);
    gg_http_route(h, "GET", "/api/v1/audit/export", "audit_export", h_audit_export, a);
    gg_api__register_team(a, h);
}
