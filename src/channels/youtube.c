/*
 * youtube.c — YouTube Data API v3 comments (channels layer). Pull only:
 * there is no comment push, so no webhook connector; commentThreads.list and
 * comments.list pages become events (nextPageToken is the cursor), error
 * bodies map to GG_ERATE (quotaExceeded: stop until Pacific midnight) or
 * GG_EUPSTREAM, and comments.insert answers under the top-level comment.
 * Invariant: textOriginal is preferred; textDisplay is HTML by default.
 */
#include <string.h>

#include "channels/internal.h"
#include "core/alloc.h"
#include "core/err.h"

static int decode_comment(gg_channel_batch *b, const json_t *c)
{
    gg_event *e;
    const json_t *sn = json_object_get(c, "snippet");
    const char *id = gg_channels__str(c, "id");
    if (id == NULL || !json_is_object(sn))
        return gg_channels__fail(b, GG_EINVAL, "YouTube comment without id/snippet");
    int rc = gg_channels__push(b, "youtube", GG_EVENT_COMMENT, &e);
    if (rc != 0)
        return rc;
    const char *orig = gg_channels__str(sn, "textOriginal");
    const char *name = gg_channels__str(sn, "authorDisplayName");
    const char *published = gg_channels__str(sn, "publishedAt");
    const char *updated = gg_channels__str(sn, "updatedAt");
    e->native_id = gg_strdup(id);
    e->account_id = gg_channels__dup(gg_channels__str(sn, "channelId"));
    e->author_id =
        gg_channels__dup(gg_channels__str(json_object_get(sn, "authorChannelId"), "value"));
    e->author_name = gg_channels__dup(name);
    if (name && name[0] == '@') /* display names are @handles now */
        e->author_handle = gg_strdup(name + 1);
    if (orig) {
        e->text = gg_strdup(orig);
    } else {
        e->text = gg_channels__html_to_text(gg_channels__str(sn, "textDisplay"));
        e->flags |= GG_EVF_HTML;
    }
    e->created_at = gg_channels__time(sn, "publishedAt");
    /* No edit events: a changed updatedAt on re-poll is the edit signal. */
    if (updated && published && strcmp(updated, published) != 0) {
        e->edited_at = gg_channels__time(sn, "updatedAt");
        e->version = gg_strdup(updated);
    }
    e->parent_id = gg_channels__dup(gg_channels__str(sn, "parentId"));
    e->thread_root_id = gg_strdup(e->parent_id ? e->parent_id : id);
    e->detail = gg_channels__dup(gg_channels__str(sn, "videoId"));
    if (e->author_id && e->account_id && strcmp(e->author_id, e->account_id) == 0)
        e->flags |= GG_EVF_SELF;
    /* Replies exist one level deep: answers go under the top-level comment. */
    e->reply.to_id = gg_strdup(e->thread_root_id);
    return 0;
}

int gg_channels_youtube_decode_page(const char *raw, size_t len, gg_channel_batch *b)
{
    json_t *root = NULL;
    size_t i, j;
    json_t *it, *r;
    gg_channels_batch_init(b);
    int rc = gg_channels__load(raw, len, &root, b);
    if (rc != 0)
        goto done;
    const json_t *err = json_object_get(root, "error");
    if (json_is_object(err)) {
        const char *reason =
            gg_channels__str(json_array_get(json_object_get(err, "errors"), 0), "reason");
        reason = reason ? reason : "unknown";
        /* quotaExceeded is not transient: the caller waits for the daily reset. */
        rc = gg_channels__fail(
            b,
            strcmp(reason, "quotaExceeded") == 0 || strcmp(reason, "rateLimitExceeded") == 0
                ? GG_ERATE
                : GG_EUPSTREAM,
            "YouTube error %lld %.80s", (long long)gg_channels__int(err, "code"), reason);
        goto done;
    }
    if (!json_is_array(json_object_get(root, "items"))) {
        rc = gg_channels__fail(b, GG_EINVAL, "not a YouTube list response (items[])");
        goto done;
    }
    json_array_foreach(json_object_get(root, "items"), i, it)
    {
        const char *kind = gg_channels__str(it, "kind");
        if (kind && strcmp(kind, "youtube#commentThread") == 0) {
            const json_t *top = json_object_get(json_object_get(it, "snippet"), "topLevelComment");
            if ((rc = decode_comment(b, top)) != 0)
                goto done;
            /* Only a subset of replies rides along; comments.list has the rest. */
            json_array_foreach(json_object_get(json_object_get(it, "replies"), "comments"), j, r)
            {
                if ((rc = decode_comment(b, r)) != 0)
                    goto done;
            }
        } else if ((rc = decode_comment(b, it)) != 0) {
            goto done;
        }
    }
    b->next_page = gg_channels__dup(gg_channels__str(root, "nextPageToken"));
    gg_channels__finish(b, 0);
done:
    json_decref(root);
    if (rc != 0) {
        char keep[sizeof b->err];
        memcpy(keep, b->err, sizeof keep);
        gg_channels_batch_dispose(b);
        memcpy(b->err, keep, sizeof keep);
    }
    return rc;
}

int gg_channels__youtube_reply(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o)
{
    int rc = GG_EINVAL;
    if (gg_channels__chars(o->text) > 10000)
        return GG_EINVAL;
    json_t *body = json_pack("{s:{s:s, s:o}}", "snippet", "parentId", ev->reply.to_id,
                             "textOriginal", gg_channels__jstr(o->text));
    if (body == NULL)
        return GG_EINVAL;
    out->method = "POST";
    out->host = "www.googleapis.com";
    out->path = gg_strdup("/youtube/v3/comments?part=snippet"); /* 50 quota units */
    out->content_type = "application/json";
    out->auth = GG_AUTH_BEARER;
    rc = gg_channels__set_body(out, body);
    json_decref(body);
    if (rc != 0)
        gg_channels_request_dispose(out);
    return rc;
}
