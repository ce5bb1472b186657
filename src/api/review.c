/*
 * review.c — the review queue and decisions over JSON (api layer).
 * Reviewers and admins work the queue; every decision is committed with
 * its audit row before the answer goes out.
 */
#include "api/api_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <stdio.h>
#include <string.h>

static const char *const reasons[] = {"spam",      "kasar",     "off-topic", "not-constructive",
                                      "duplicate", "other",     NULL};

int gg_api__reason_ok(const char *reason)
{
    for (int i = 0; reason && reasons[i]; i++)
        if (strcmp(reason, reasons[i]) == 0)
            return 1;
    return 0;
}

static int h_queue(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN | GG_ROLE_REVIEWER, 0, GG_AUTH_JSON) == NULL)
        return 0;
    const char *sort = gg_req_query(r, "sort"), *state = gg_req_query(r, "state");
    int limit, offset;
    if (gg_api__query_int(r, "limit", 50, 1, 100000, &limit) != 0 ||
        gg_api__query_int(r, "offset", 0, 0, 1 << 30, &offset) != 0)
        return 0;
    if (sort && strcmp(sort, "new") != 0 && strcmp(sort, "priority") != 0)
        return gg_req_error(r, GG_EINVAL, "sort must be new or priority");
    gg_queue_query q = {
        .campaign = gg_req_query(r, "campaign"),
        .state = state,
        .by_priority = sort && strcmp(sort, "priority") == 0,
        .limit = limit,
        .offset = offset,
    };
    json_t *out = NULL;
    int rc = gg_store_queue(a->store, &q, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

static void on_decided(void *arg, int rc, int64_t id, json_t *result)
{
    gg_pending *p = arg;
    if (rc == 0)
        gg_pending_json(p, 200, json_incref(result));
    else if (rc == GG_ECONFLICT)
        gg_pending_error(p, rc, "this item was already decided");
    else if (rc == GG_ENOTFOUND)
        gg_pending_error(p, rc, "no such item");
    else
        gg_pending_error(p, rc, "the decision could not be stored");
}

static int h_action(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN | GG_ROLE_REVIEWER, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such item");
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    const char *action = json_string_value(json_object_get(b, "action"));
    const char *reason = json_string_value(json_object_get(b, "reason"));
    int rc = 0;
    if (action == NULL) {
        rc = gg_req_error(r, GG_EINVAL, "field 'action' is required");
    } else if (strcmp(action, "accept") != 0 && strcmp(action, "reject") != 0) {
        rc = gg_req_error(r, GG_EINVAL, "unknown action '%.40s' (accept, reject)", action);
    } else if (strcmp(action, "reject") == 0 && !gg_api__reason_ok(reason)) {
        rc = gg_req_error(r, GG_EINVAL, "a rejection needs a reason: spam, kasar, off-topic, "
                                        "not-constructive, duplicate or other");
    } else {
        gg_decision_in d = {
            .submission_id = id,
            .actor_id = s->user_id,
            .actor = s->email,
            .action = action,
            .reason = reason,
            .note = json_string_value(json_object_get(b, "note")),
            .title = json_string_value(json_object_get(b, "title")),
        };
        gg_pending *p = gg_req_defer(r);
        if (gg_store_decide(a->store, &d, on_decided, p) != 0)
            gg_pending_error(p, GG_EINVAL, gg_store_errmsg(a->store));
    }
    json_decref(b);
    return rc;
}

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

static int h_review_item(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN | GG_ROLE_REVIEWER, 0, GG_AUTH_JSON) == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *out = NULL;
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such item");
    int rc = gg_store_submission_get(a->store, id, 1, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

void gg_api__register_review(gg_api *a, gg_http *h)
{
    gg_http_route(h, "GET", "/api/v1/review/queue", "review_queue", h_queue, a);
    gg_http_route(h, "GET", "/api/v1/review/items/{id}", "review_item", h_review_item, a);
    gg_http_route(h, "POST", "/api/v1/review/items/{id}/actions", "review_action", h_action, a);
    gg_http_route(h, "GET", "/api/v1/audit", "audit", h_audit, a);
}
