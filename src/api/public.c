/*
 * public.c — public JSON endpoints (api layer): health, metrics,
 * campaigns, ideas, submissions in and their state.
 */
#include "api/api_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static int h_healthz(gg_req *r, void *ctx)
{
    gg_req_send(r, 200, "application/json", "{\"status\":\"ok\"}", 15);
    return 0;
}

static int h_metrics(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_buf b;
    json_t *counts = NULL;
    gg_buf_init(&b, 1 << 20);
    gg_http_metrics(a->http, &b);
    gg_buf_printf(&b, "# HELP gagas_queue_depth Writes waiting for the store's writer.\n"
                      "# TYPE gagas_queue_depth gauge\ngagas_queue_depth %d\n",
                  gg_store_pending_writes(a->store));
    gg_api__metrics_channels(a, &b);
    gg_buf_adds(&b, "# HELP gagas_submissions Submissions by state.\n"
                    "# TYPE gagas_submissions gauge\n");
    if (gg_store_state_counts(a->store, &counts) == 0) {
        const char *k;
        json_t *v;
        json_object_foreach(counts, k, v)
            gg_buf_printf(&b, "gagas_submissions{state=\"%s\"} %lld\n", k,
                          (long long)json_integer_value(v));
        json_decref(counts);
    }
    gg_req_send(r, 200, "text/plain; version=0.0.4", b.data ? b.data : "", b.len);
    gg_buf_dispose(&b);
    return 0;
}

/* GET /api/v1/campaigns/{slug}: read-mostly and hot, so the rendered JSON
 * is kept until the store's generation moves on. One small cache for the
 * process, behind a mutex held only to compare and copy. */
static struct {
    pthread_mutex_t mu;
    struct {
        char slug[64];
        uint64_t gen;
        char *body;
        size_t len;
    } e[8];
} campaign_cache = {PTHREAD_MUTEX_INITIALIZER, {{{0}, 0, NULL, 0}}};

static int h_campaign(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_str slug = gg_req_param(r, "slug");
    uint64_t gen = gg_store_generation(a->store);
    unsigned h = 0;
    for (size_t i = 0; i < slug.len; i++)
        h = h * 31 + (unsigned char)slug.ptr[i];
    h %= 8;
    pthread_mutex_lock(&campaign_cache.mu);
    if (campaign_cache.e[h].body && campaign_cache.e[h].gen == gen &&
        gg_str_eq_c(slug, campaign_cache.e[h].slug)) {
        char *copy = gg_req_strdup(r, campaign_cache.e[h].body, campaign_cache.e[h].len);
        size_t len = campaign_cache.e[h].len;
        pthread_mutex_unlock(&campaign_cache.mu);
        gg_req_header_add(r, "cache-control", "no-cache");
        gg_req_send(r, 200, "application/json; charset=utf-8", copy, len);
        return 0;
    }
    pthread_mutex_unlock(&campaign_cache.mu);
    json_t *c = NULL;
    char *s = gg_req_strdup(r, slug.ptr, slug.len);
    int rc = gg_store_campaign_get(a->store, s, &c);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    json_object_del(c, "id");
    char *body = json_dumps(c, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(c);
    size_t len = strlen(body);
    gg_req_header_add(r, "cache-control", "no-cache");
    gg_req_send(r, 200, "application/json; charset=utf-8", body, len);
    if (slug.len < sizeof(campaign_cache.e[h].slug)) {
        pthread_mutex_lock(&campaign_cache.mu);
        free(campaign_cache.e[h].body);
        snprintf(campaign_cache.e[h].slug, sizeof(campaign_cache.e[h].slug), "%s", s);
        campaign_cache.e[h].gen = gen;
        campaign_cache.e[h].body = body;
        campaign_cache.e[h].len = len;
        pthread_mutex_unlock(&campaign_cache.mu);
    } else {
        free(body);
    }
    return 0;
}

static int h_campaigns(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    json_t *out = NULL;
    int rc = gg_store_campaign_list(a->store, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

static int h_campaign_ideas(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_str slug = gg_req_param(r, "slug");
    char *s = gg_req_strdup(r, slug.ptr, slug.len);
    json_t *c = NULL, *out = NULL;
    int rc = gg_store_campaign_get(a->store, s, &c);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    json_decref(c);
    const char *sort = gg_req_query(r, "sort");
    if (sort && strcmp(sort, "top") != 0 && strcmp(sort, "new") != 0)
        return gg_req_error(r, GG_EINVAL, "sort must be top or new");
    int limit;
    if (gg_api__query_int(r, "limit", 50, 1, 500, &limit) != 0)
        return 0;
    rc = gg_store_idea_list(a->store, s, sort ? sort : "top", limit, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

static int h_submission_post(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"text", "author", "channel", NULL};
    gg_api *a = ctx;
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    if (gg_api__json_fields(r, b, fields) != 0) {
        json_decref(b);
        return 0;
    }
    json_t *text = json_object_get(b, "text");
    json_t *author = json_object_get(b, "author");
    json_t *channel = json_object_get(b, "channel");
    gg_str slug = gg_req_param(r, "slug");
    gg_str idem = gg_req_header(r, "idempotency-key");
    if (!json_is_string(text)) {
        json_decref(b);
        return gg_req_error(r, GG_EINVAL, "field 'text' (a string) is required");
    }
    if ((author && !json_is_string(author) && !json_is_null(author)) ||
        (channel && !json_is_string(channel) && !json_is_null(channel))) {
        json_decref(b);
        return gg_req_error(r, GG_EINVAL, "fields 'author' and 'channel' must be strings");
    }
    const char *ch = json_string_value(channel);
    if (ch && (strlen(ch) > 32 || strspn(ch, "abcdefghijklmnopqrstuvwxyz-_") != strlen(ch))) {
        json_decref(b);
        return gg_req_error(r, GG_EINVAL, "unknown channel");
    }
    if (idem.len > 200) {
        json_decref(b);
        return gg_req_error(r, GG_EINVAL, "Idempotency-Key is longer than 200 bytes");
    }
    gg_intake in = {
        .slug = gg_req_strdup(r, slug.ptr, slug.len),
        .text = json_string_value(text),
        .text_len = json_string_length(text),
        .author = json_string_value(author),
        .channel = ch,
        .native_id = idem.len ? gg_req_strdup(r, idem.ptr, idem.len) : NULL,
    };
    int rc = gg_api__intake(a, r, &in);
    json_decref(b);
    return rc;
}

static int h_submission_get(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *out = NULL;
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such submission");
    int rc = gg_store_submission_get(a->store, id, 0, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

static int h_idea_get(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *out = NULL;
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such idea");
    int rc = gg_store_idea_get(a->store, id, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    int64_t ncom = 0;
    gg_store_comment_count(a->store, id, &ncom); /* engage (issue 5) */
    json_object_set_new(out, "comments_count", json_integer(ncom));
    gg_req_json(r, 200, out);
    return 0;
}

void gg_api__register_public(gg_api *a, gg_http *h)
{
    gg_http_route(h, "GET", "/healthz", "healthz", h_healthz, a);
    gg_http_route(h, "GET", "/metrics", "metrics", h_metrics, a);
    gg_http_route(h, "GET", "/api/v1/campaigns", "campaigns", h_campaigns, a);
    gg_http_route(h, "GET", "/api/v1/campaigns/{slug}", "campaign", h_campaign, a);
    gg_http_route(h, "GET", "/api/v1/campaigns/{slug}/ideas", "campaign_ideas", h_campaign_ideas, a);
    gg_http_route(h, "POST", "/api/v1/campaigns/{slug}/submissions", "submission_create",
                  h_submission_post, a);
    gg_http_route(h, "GET", "/api/v1/submissions/{id}", "submission", h_submission_get, a);
    gg_http_route(h, "GET", "/api/v1/ideas/{id}", "idea", h_idea_get, a);
}
