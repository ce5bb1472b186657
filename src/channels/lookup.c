/*
 * lookup.c — "did our post go out?" after a send whose answer we could not
 * read (channels layer, issue 7). A 2xx cut short or not JSON, or a
 * connection lost after the request left, may or may not have posted; a
 * blind re-send could post twice (CHANNELS.md §11 pitfall 21). Each
 * platform allows a different look:
 *
 *   Facebook, Instagram  the edge we posted to, read back (GET /{parent}/comments,
 *                        /replies, /{page}/feed): our text under the same parent
 *   X                    our own timeline (GET /2/users/{us}/tweets): a post with
 *                        our text (links compared without their t.co form) that
 *                        replies to the same post (or to none, for calls and polls)
 *   YouTube              the parent's replies (comments.list?parentId=): ours by
 *                        author channel and exact text
 *   TikTok               the comment's replies (business/comment/reply/list/):
 *                        the owner's reply with exact text
 *   Telegram, WhatsApp,  no way to read what a bot or a business number sent:
 *   Messenger, IG DM     GG_ENOTFOUND from the builder — the caller records the
 *                        send as 'unknown' and does not retry it
 *
 * Pure: builds the read and judges its answer; the sender does the I/O.
 */
#include "channels/client.h"
#include "channels/internal.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

static int digits(const char *s)
{
    return s && *s && strspn(s, "0123456789") == strlen(s);
}

/* What kind of look a sent request allows. */
enum { LK_NONE, LK_GRAPH, LK_X, LK_YOUTUBE, LK_TIKTOK };

static int look_kind(const gg_lookup_opts *o)
{
    const gg_channel_request *rq = o->sent;
    if (rq == NULL || rq->path == NULL || rq->method == NULL || strcmp(rq->method, "POST") != 0)
        return LK_NONE;
    const char *ch = o->channel ? o->channel : "";
    if ((strcmp(ch, "facebook") == 0 || strcmp(ch, "instagram") == 0) &&
        (ends_with(rq->path, "/comments") || ends_with(rq->path, "/replies") ||
         (strcmp(ch, "facebook") == 0 && ends_with(rq->path, "/feed"))) &&
        !(rq->body && strstr(rq->body, "\"recipient\"")))
        return LK_GRAPH;
    if (strcmp(ch, "x") == 0 && strcmp(rq->path, "/2/tweets") == 0 && digits(o->self_id))
        return LK_X;
    if (strcmp(ch, "youtube") == 0 && strncmp(rq->path, "/youtube/v3/comments", 20) == 0 &&
        o->parent_id && *o->parent_id)
        return LK_YOUTUBE;
    if (strcmp(ch, "tiktok") == 0 && strstr(rq->path, "/business/comment/reply/create/") &&
        o->parent_id && o->video_id && o->business_id)
        return LK_TIKTOK;
    return LK_NONE;
}

int gg_channels_build_lookup(gg_channel_request *out, const gg_lookup_opts *o)
{
    memset(out, 0, sizeof(*out));
    int k = look_kind(o);
    if (k == LK_NONE)
        return GG_ENOTFOUND;
    gg_buf q;
    gg_buf_init(&q, 4096);
    int rc = 0;
    out->method = "GET";
    out->auth = o->sent->auth;
    switch (k) {
    case LK_GRAPH: {
        int ig = ends_with(o->sent->path, "/replies");
        out->host = o->sent->host;
        out->path = gg_channels__printf("%s?fields=%s&limit=100", o->sent->path,
                                        ig ? "id,text,from" : "id,message,from");
        break;
    }
    case LK_X:
        out->host = "api.x.com";
        out->path = gg_channels__printf("/2/users/%s/tweets?max_results=100&exclude=retweets"
                                        "&tweet.fields=referenced_tweets,created_at",
                                        o->self_id);
        break;
    case LK_YOUTUBE:
        out->host = "www.googleapis.com";
        rc = gg_channels__add_param(&q, "parentId", o->parent_id);
        out->path = rc == 0 ? gg_channels__printf("/youtube/v3/comments?part=snippet&%s"
                                                  "&maxResults=100&textFormat=plainText",
                                                  q.data)
                            : NULL;
        break;
    default: /* LK_TIKTOK */
        out->host = "business-api.tiktok.com";
        rc = gg_channels__add_param(&q, "business_id", o->business_id);
        if (rc == 0)
            rc = gg_channels__add_param(&q, "video_id", o->video_id);
        if (rc == 0)
            rc = gg_channels__add_param(&q, "comment_id", o->parent_id);
        out->path = rc == 0 ? gg_channels__printf("/open_api/v1.3/business/comment/reply/list/"
                                                  "?%s&max_count=30",
                                                  q.data)
                            : NULL;
        break;
    }
    gg_buf_dispose(&q);
    if (out->path == NULL) {
        gg_channels_request_dispose(out);
        return GG_EINVAL;
    }
    return 0;
}

/* X shows links as t.co and escapes &, < and >: compare text with links
 * dropped, those three decoded and white space collapsed. */
static char *x_norm(const char *s)
{
    size_t n = strlen(s);
    char *out = gg_malloc(n + 1), *w = out;
    int space = 1;
    for (const char *p = s; *p;) {
        if (strncmp(p, "http://", 7) == 0 || strncmp(p, "https://", 8) == 0) {
            while (*p && *p != ' ' && *p != '\n' && *p != '\t')
                p++;
            continue;
        }
        char c = *p;
        if (strncmp(p, "&amp;", 5) == 0)
            p += 5, c = '&';
        else if (strncmp(p, "&lt;", 4) == 0)
            p += 4, c = '<';
        else if (strncmp(p, "&gt;", 4) == 0)
            p += 4, c = '>';
        else
            p++;
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            if (!space)
                *w++ = ' ';
            space = 1;
        } else {
            *w++ = c;
            space = 0;
        }
    }
    while (w > out && w[-1] == ' ')
        w--;
    *w = '\0';
    return out;
}

static const char *replied_to(const json_t *post)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(post, "referenced_tweets"), i, r)
    {
        const char *t = gg_channels__str(r, "type");
        if (t && strcmp(t, "replied_to") == 0)
            return gg_channels__str(r, "id");
    }
    return NULL;
}

int gg_channels_match_lookup(const gg_lookup_opts *o, const char *raw, size_t len, char **id_out)
{
    *id_out = NULL;
    int k = look_kind(o);
    if (k == LK_NONE || o->text == NULL)
        return GG_EINVAL;
    gg_channel_batch scratch; /* for the guarded loader's error line only */
    gg_channels_batch_init(&scratch);
    json_t *root = NULL;
    int rc = gg_channels__load(raw, len, &root, &scratch);
    gg_channels_batch_dispose(&scratch);
    if (rc != 0)
        return GG_EINVAL;
    json_t *list = NULL;
    if (k == LK_GRAPH || k == LK_X)
        list = json_object_get(root, "data");
    else if (k == LK_YOUTUBE)
        list = json_object_get(root, "items");
    else if (gg_channels__int(root, "code") == 0)
        list = json_object_get(json_object_get(root, "data"), "comments");
    /* X answers an empty timeline without "data" (meta.result_count 0) */
    if (list == NULL && k == LK_X && json_is_object(json_object_get(root, "meta")) &&
        json_object_get(root, "errors") == NULL)
        list = json_object_get(root, "meta"); /* not an array: nothing found */
    if (list == NULL) {
        json_decref(root);
        return GG_EINVAL;
    }
    char *want = k == LK_X ? x_norm(o->text) : NULL;
    size_t i;
    json_t *it;
    const char *found = NULL;
    json_array_foreach(list, i, it)
    {
        if (found)
            break;
        switch (k) {
        case LK_GRAPH: {
            const char *t = gg_channels__str(it, "message");
            if (t == NULL)
                t = gg_channels__str(it, "text");
            if (t && strcmp(t, o->text) == 0)
                found = gg_channels__str(it, "id");
            break;
        }
        case LK_X: {
            const char *t = gg_channels__str(it, "text");
            const char *to = replied_to(it);
            int same_parent = o->parent_id ? (to && strcmp(to, o->parent_id) == 0) : to == NULL;
            if (t && same_parent) {
                char *got = x_norm(t);
                if (strcmp(got, want) == 0)
                    found = gg_channels__str(it, "id");
                gg_free(got);
            }
            break;
        }
        case LK_YOUTUBE: {
            json_t *sn = json_object_get(it, "snippet");
            const char *t = gg_channels__str(sn, "textOriginal");
            const char *by = gg_channels__str(json_object_get(sn, "authorChannelId"), "value");
            if (t && strcmp(t, o->text) == 0 && (o->self_id == NULL || (by && strcmp(by, o->self_id) == 0)))
                found = gg_channels__str(it, "id");
            break;
        }
        default: { /* TikTok: the owner's replies only */
            const char *t = gg_channels__str(it, "text");
            if (t && strcmp(t, o->text) == 0 && json_is_true(json_object_get(it, "owner"))) {
                char *id = gg_channels__id(it, "comment_id");
                if (id) {
                    *id_out = id;
                    found = id;
                }
            }
            break;
        }
        }
    }
    if (found && *id_out == NULL)
        *id_out = gg_strdup(found);
    gg_free(want);
    json_decref(root);
    return found ? 0 : GG_ENOTFOUND;
}
