/*
 * metrics.c — reach and engagement of a published campaign call (channels
 * layer, issue 7): the read each platform offers for one of our posts, and
 * its answer mapped onto one set of names. Pure: the sender does the I/O and
 * the schedule (gg_store_outbox_metrics_due / _put).
 *
 *   X          GET /2/tweets/{id}?tweet.fields=public_metrics
 *              impression_count, like_count, reply_count, retweet_count,
 *              quote_count, bookmark_count
 *   Facebook   GET /v24.0/{post}/insights?metric=post_impressions,
 *              post_impressions_unique,post_clicks,post_reactions_by_type_total
 *   Instagram  GET /v24.0/{media}/insights?metric=reach,views,likes,comments,
 *              shares,saved (graph.instagram.com)
 *   Mastodon   GET /api/v1/statuses/{id}: replies_count, reblogs_count,
 *              favourites_count
 *   Telegram   none: the Bot API reports no views of a channel post
 *
 * Common names: impressions, reach, views, likes, replies, reposts, quotes,
 * bookmarks, shares, saves, clicks (only those the platform reported).
 */
#include "channels/client.h"
#include "channels/internal.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>

static int id_ok(const char *id)
{
    /* a path segment: platform ids are digits, letters, '_' and '-' */
    if (id == NULL || *id == '\0' || strlen(id) > 200)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              *p == '_' || *p == '-'))
            return 0;
    return 1;
}

int gg_channels_build_metrics(gg_channel_request *out, const char *channel, const char *remote_id,
                              const char *graph_version)
{
    memset(out, 0, sizeof(*out));
    const char *gv = graph_version ? graph_version : "v24.0";
    if (channel == NULL || !id_ok(remote_id))
        return channel && strcmp(channel, "telegram") == 0 ? GG_ENOTFOUND : GG_EINVAL;
    out->method = "GET";
    out->auth = GG_AUTH_BEARER;
    if (strcmp(channel, "x") == 0) {
        out->host = "api.x.com";
        /* a poll's options with their votes come as includes.polls */
        out->path = gg_channels__printf("/2/tweets/%s?tweet.fields=public_metrics"
                                        "&expansions=attachments.poll_ids&poll.fields=options",
                                        remote_id);
    } else if (strcmp(channel, "facebook") == 0) {
        out->host = "graph.facebook.com";
        out->path = gg_channels__printf("/%s/%s/insights?metric=post_impressions,"
                                        "post_impressions_unique,post_clicks,"
                                        "post_reactions_by_type_total",
                                        gv, remote_id);
    } else if (strcmp(channel, "instagram") == 0) {
        out->host = "graph.instagram.com";
        out->path = gg_channels__printf("/%s/%s/insights?metric=reach,views,likes,comments,"
                                        "shares,saved",
                                        gv, remote_id);
    } else if (strcmp(channel, "mastodon") == 0) {
        out->host = NULL; /* the instance */
        out->path = gg_channels__printf("/api/v1/statuses/%s", remote_id);
    } else {
        return GG_ENOTFOUND; /* Telegram and the rest: nothing to read */
    }
    return 0;
}

static void put(json_t *counts, const char *name, json_int_t v)
{
    json_object_set_new(counts, name, json_integer(v));
}

/* Graph insights: data[{name, values:[{value}]}] or total_value{value}. */
static json_int_t insight_value(json_t *m)
{
    json_t *v = json_object_get(json_object_get(m, "total_value"), "value");
    if (v == NULL)
        v = json_object_get(json_array_get(json_object_get(m, "values"), 0), "value");
    if (json_is_integer(v))
        return json_integer_value(v);
    if (json_is_object(v)) { /* reactions by type: {"like":3,"love":1} */
        json_int_t sum = 0;
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            if (json_is_integer(x))
                sum += json_integer_value(x);
        }
        return sum;
    }
    return -1;
}

/* Votes per option of a poll's options array, each from field `count`:
 * placed by its 1-based "position" where it has one (X lists them in any
 * order), else in order (Mastodon); a missing or hidden count is 0. NULL
 * when there is no poll (or an implausible one). */
static json_t *poll_votes(json_t *opts, const char *count)
{
    size_t n = json_array_size(opts);
    if (n == 0 || n > 16)
        return NULL;
    json_t *votes = json_array();
    for (size_t k = 0; k < n; k++)
        json_array_append_new(votes, json_integer(0));
    size_t i;
    json_t *o;
    json_array_foreach(opts, i, o)
    {
        json_int_t pos = json_integer_value(json_object_get(o, "position"));
        json_t *v = json_object_get(o, count);
        size_t at = pos >= 1 && (size_t)pos <= n ? (size_t)pos - 1 : i;
        if (json_is_integer(v) && json_integer_value(v) >= 0)
            json_array_set_new(votes, at, json_integer(json_integer_value(v)));
    }
    return votes;
}

int gg_channels_decode_metrics(const char *channel, const char *raw, size_t len, json_t **counts)
{
    *counts = NULL;
    gg_channel_batch scratch;
    gg_channels_batch_init(&scratch);
    json_t *root = NULL;
    int rc = gg_channels__load(raw, len, &root, &scratch);
    gg_channels_batch_dispose(&scratch);
    if (rc != 0)
        return rc;
    json_t *c = json_object();
    rc = GG_EINVAL;
    if (strcmp(channel, "x") == 0) {
        json_t *pm = json_object_get(json_object_get(root, "data"), "public_metrics");
        static const char *const map[][2] = {
            {"impression_count", "impressions"}, {"like_count", "likes"},
            {"reply_count", "replies"},          {"retweet_count", "reposts"},
            {"quote_count", "quotes"},           {"bookmark_count", "bookmarks"}};
        for (size_t i = 0; json_is_object(pm) && i < sizeof(map) / sizeof(map[0]); i++)
            if (json_is_integer(json_object_get(pm, map[i][0])))
                put(c, map[i][1], json_integer_value(json_object_get(pm, map[i][0])));
        rc = json_is_object(pm) ? 0 : GG_EINVAL;
        /* a poll (includes.polls): votes per option */
        json_t *votes = poll_votes(
            json_object_get(
                json_array_get(json_object_get(json_object_get(root, "includes"), "polls"), 0),
                "options"),
            "votes");
        if (votes)
            json_object_set_new(c, "poll", votes);
    } else if (strcmp(channel, "facebook") == 0 || strcmp(channel, "instagram") == 0) {
        static const char *const map[][2] = {
            {"post_impressions", "impressions"}, {"post_impressions_unique", "reach"},
            {"post_clicks", "clicks"},           {"post_reactions_by_type_total", "likes"},
            {"reach", "reach"},                  {"views", "views"},
            {"likes", "likes"},                  {"comments", "replies"},
            {"shares", "shares"},                {"saved", "saves"}};
        json_t *data = json_object_get(root, "data");
        size_t i;
        json_t *m;
        json_array_foreach(data, i, m)
        {
            const char *name = gg_channels__str(m, "name");
            json_int_t v = insight_value(m);
            for (size_t k = 0; name && v >= 0 && k < sizeof(map) / sizeof(map[0]); k++)
                if (strcmp(name, map[k][0]) == 0)
                    put(c, map[k][1], v);
        }
        rc = json_is_array(data) ? 0 : GG_EINVAL;
    } else if (strcmp(channel, "mastodon") == 0) {
        static const char *const map[][2] = {{"replies_count", "replies"},
                                             {"reblogs_count", "reposts"},
                                             {"favourites_count", "likes"},
                                             {"quotes_count", "quotes"}};
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
            if (json_is_integer(json_object_get(root, map[i][0])))
                put(c, map[i][1], json_integer_value(json_object_get(root, map[i][0])));
        rc = json_object_get(root, "id") ? 0 : GG_EINVAL;
        /* a poll: votes_count per option (null while the instance hides
         * them), and how many people voted (a multiple-choice poll) */
        json_t *poll = json_object_get(root, "poll");
        json_t *votes = poll_votes(json_object_get(poll, "options"), "votes_count");
        if (votes) {
            json_object_set_new(c, "poll", votes);
            json_t *vc = json_object_get(poll, "voters_count");
            if (json_is_integer(vc) && json_integer_value(vc) >= 0)
                put(c, "poll_voters", json_integer_value(vc));
        }
    }
    if (rc == 0 && json_object_size(c) == 0 && strcmp(channel, "mastodon") != 0)
        rc = GG_EINVAL; /* an answer that names no count is an error answer */
    json_decref(root);
    if (rc != 0) {
        json_decref(c);
        return rc;
    }
    *counts = c;
    return 0;
}
