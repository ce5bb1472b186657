/*
 * pull.c — request builders for the pull loops (channels layer): X recent
 * search and mentions, Telegram getUpdates, YouTube commentThreads and
 * comments.list, Mastodon hashtag timeline and mention notifications,
 * TikTok Business comment list. Pure: the loop owns timing, backoff and the
 * watermark; this file only spells each request the way the API expects.
 * Invariant: every caller value is percent-encoded into the query.
 */
#include <stdlib.h>
#include <string.h>

#include "channels/internal.h"
#include "core/alloc.h"
#include "core/err.h"

static int limit_of(int want, int lo, int hi, int dflt)
{
    if (want <= 0)
        return dflt;
    return want < lo ? lo : want > hi ? hi : want;
}

static int finish_get(gg_channel_request *out, const char *host, const char *path, gg_buf *q,
                      gg_channel_auth auth)
{
    out->method = "GET";
    out->host = host;
    out->auth = auth;
    out->path = gg_channels__printf("%s%s%s", path, q->len ? "?" : "", q->data ? q->data : "");
    gg_buf_dispose(q);
    return 0;
}

/* Mastodon's Link URLs are absolute: keep the path and query only. */
static char *path_of_url(const char *url)
{
    const char *p = strstr(url, "://");
    if (p == NULL)
        return url[0] == '/' ? gg_strdup(url) : NULL;
    p = strchr(p + 3, '/');
    return p ? gg_strdup(p) : NULL;
}

int gg_channels_build_pull(gg_channel_request *out, const gg_pull_opts *o)
{
    gg_buf q;
    int rc = 0;
    memset(out, 0, sizeof *out);
    if (o == NULL)
        return GG_EINVAL;
    gg_buf_init(&q, 8192);
    switch (o->kind) {
    case GG_PULL_X_SEARCH:
    case GG_PULL_X_MENTIONS: {
        int search = o->kind == GG_PULL_X_SEARCH;
        if (o->target == NULL || o->target[0] == '\0' || (search && strlen(o->target) > 512))
            goto bad;
        if (search)
            rc = gg_channels__add_param(&q, "query", o->target);
        if (rc == 0)
            rc = gg_buf_printf(&q, "%smax_results=%d&%s", q.len ? "&" : "",
                               limit_of(o->limit, search ? 10 : 5, 100, 100), GG_CHANNELS_X_FIELDS);
        /* Keep since_id on every page; the watermark moves only after the last. */
        if (rc == 0 && o->since)
            rc = gg_channels__add_param(&q, "since_id", o->since);
        if (rc == 0 && o->page)
            rc = gg_channels__add_param(&q, search ? "next_token" : "pagination_token", o->page);
        if (rc != 0)
            goto bad;
        char *path = search ? gg_strdup("/2/tweets/search/recent")
                            : gg_channels__printf("/2/users/%s/mentions", o->target);
        if (!search && strspn(o->target, "0123456789") != strlen(o->target)) {
            gg_free(path);
            goto bad;
        }
        finish_get(out, "api.x.com", path, &q, GG_AUTH_BEARER);
        gg_free(path);
        return 0;
    }
    case GG_PULL_TELEGRAM_UPDATES: {
        /* Long poll: offset confirms everything before it; timeout holds the line. */
        char *end = NULL;
        long long off = o->since ? strtoll(o->since, &end, 10) : 0;
        if (o->since && (*end != '\0' || o->since[0] == '\0'))
            goto bad;
        json_t *body =
            json_pack("{s:I, s:i, s:i, s:[s,s,s,s,s]}", "offset", (json_int_t)off, "limit",
                      limit_of(o->limit, 1, 100, 100), "timeout", 25, "allowed_updates", "message",
                      "edited_message", "channel_post", "poll_answer", "poll");
        gg_buf_dispose(&q);
        out->method = "POST";
        out->host = "api.telegram.org";
        out->path = gg_strdup("/getUpdates");
        out->content_type = "application/json";
        out->auth = GG_AUTH_TELEGRAM_PATH;
        rc = body ? gg_channels__set_body(out, body) : GG_EINVAL;
        json_decref(body);
        if (rc != 0)
            gg_channels_request_dispose(out);
        return rc;
    }
    case GG_PULL_YOUTUBE_VIDEO:
    case GG_PULL_YOUTUBE_CHANNEL:
    case GG_PULL_YOUTUBE_REPLIES: {
        int replies = o->kind == GG_PULL_YOUTUBE_REPLIES;
        if (o->target == NULL || o->target[0] == '\0')
            goto bad;
        rc = gg_buf_adds(&q, replies ? "part=snippet" : "part=snippet,replies");
        if (rc == 0)
            rc = gg_channels__add_param(&q,
                           replies                              ? "parentId"
                           : o->kind == GG_PULL_YOUTUBE_CHANNEL ? "allThreadsRelatedToChannelId"
                                                                : "videoId",
                           o->target);
        /* order=time pages until the watermark; plainText keeps HTML out. */
        if (rc == 0)
            rc = gg_buf_printf(&q, "&maxResults=%d%s&textFormat=plainText",
                               limit_of(o->limit, 1, 100, 100), replies ? "" : "&order=time");
        if (rc == 0 && o->page)
            rc = gg_channels__add_param(&q, "pageToken", o->page);
        if (rc != 0)
            goto bad;
        return finish_get(out, "www.googleapis.com",
                          replies ? "/youtube/v3/comments" : "/youtube/v3/commentThreads", &q,
                          GG_AUTH_BEARER);
    }
    case GG_PULL_MASTODON_TAG:
    case GG_PULL_MASTODON_MENTIONS: {
        int tag = o->kind == GG_PULL_MASTODON_TAG;
        if (o->page) { /* a Link URL from the previous page, used as is */
            char *path = path_of_url(o->page);
            gg_buf_dispose(&q);
            if (path == NULL)
                return GG_EINVAL;
            out->method = "GET";
            out->host = NULL;
            out->auth = GG_AUTH_BEARER;
            out->path = path;
            return 0;
        }
        if (tag && (o->target == NULL || o->target[0] == '\0'))
            goto bad;
        if (!tag)
            rc = gg_buf_adds(&q, "types%5B%5D=mention");
        if (rc == 0)
            rc = gg_buf_printf(&q, "%slimit=%d", q.len ? "&" : "",
                               limit_of(o->limit, 1, tag ? 40 : 80, tag ? 40 : 80));
        /* min_id pages forward without gaps (since_id returns the newest page). */
        if (rc == 0 && o->since)
            rc = gg_channels__add_param(&q, "min_id", o->since);
        if (rc != 0)
            goto bad;
        gg_buf path;
        gg_buf_init(&path, 1024);
        if (tag) {
            gg_buf_adds(&path, "/api/v1/timelines/tag/");
            /* the tag is a path segment: encode it like a value */
            gg_buf tmp;
            gg_buf_init(&tmp, 1024);
            rc = gg_channels__add_param(&tmp, "t", o->target);
            if (rc == 0)
                rc = gg_buf_adds(&path, tmp.data + 2);
            gg_buf_dispose(&tmp);
        } else {
            rc = gg_buf_adds(&path, "/api/v1/notifications");
        }
        if (rc == 0)
            finish_get(out, NULL, path.data, &q, GG_AUTH_BEARER);
        gg_buf_dispose(&path);
        if (rc != 0)
            goto bad;
        return 0;
    }
    case GG_PULL_TIKTOK_COMMENTS:
        if (o->target == NULL || o->business_id == NULL)
            goto bad;
        rc = gg_channels__add_param(&q, "business_id", o->business_id);
        if (rc == 0)
            rc = gg_channels__add_param(&q, "video_id", o->target);
        if (rc == 0 && o->page)
            rc = gg_channels__add_param(&q, "cursor", o->page);
        if (rc == 0)
            rc = gg_buf_printf(&q, "&max_count=%d", limit_of(o->limit, 1, 30, 30));
        if (rc != 0)
            goto bad;
        return finish_get(out, "business-api.tiktok.com", "/open_api/v1.3/business/comment/list/",
                          &q, GG_AUTH_ACCESS_TOKEN);
    }
bad:
    gg_buf_dispose(&q);
    gg_channels_request_dispose(out);
    return GG_EINVAL;
}
