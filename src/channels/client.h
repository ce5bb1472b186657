/*
 * client.h — the channels' HTTP client (channels layer, issue 7): sends one
 * gg_channel_request with libcurl to the platform's base URL (configurable
 * per host, so tests point every platform at a local fake), adds the
 * credentials the request asks for, caps the body and reads the rate-limit
 * signals every platform spells differently. Also the pure builders for
 * campaign calls (publish) that channels.h does not have.
 * Thread-safe: no shared state; tokens are never logged or put in errors.
 */
#ifndef GG_CHANNELS_CLIENT_H
#define GG_CHANNELS_CLIENT_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "channels/channels.h"
#include "core/buf.h"

/** What came back from one call. Owned by the caller (_resp_dispose). */
typedef struct gg_chclient_resp {
    int status;            /* HTTP status; 0 = no answer (connect, timeout, cut off) */
    gg_buf body;           /* the body, NUL-terminated, at most the cap */
    int truncated;         /* the body ended early or passed the cap */
    char link[2048];       /* Link header (Mastodon paging), "" when absent */
    char usage[1024];      /* x-business-use-case-usage (Meta), "" when absent */
    int64_t retry_after;   /* seconds from Retry-After, 0 when absent */
    int64_t rl_remaining;  /* x-rate-limit-remaining / X-RateLimit-Remaining, -1 unknown */
    int64_t rl_reset;      /* unix seconds the window resets, -1 unknown */
    char err[200];         /* transport failure, impersonal */
    int request_sent;      /* the request left (in part or whole): with status 0 the
                              platform may still have acted on it */
} gg_chclient_resp;

/** Free the body; accepts NULL. */
void gg_chclient_resp_dispose(gg_chclient_resp *r);

/**
 * The base URL ("scheme://host[:port]", no trailing slash) for host (or for
 * "mastodon" when host is NULL) from map = "host=url,host=url,*=url". When
 * the map names neither the host nor "*", "https://<host>". Writes at most
 * cap bytes. GG_ENOTFOUND when host is NULL and no entry applies.
 */
int gg_chclient_base(const char *map, const char *host, char *out, size_t cap);

/**
 * Send rq (timeouts: 10 s connect, 30 s total, 60 s for Telegram's long
 * poll) with token per rq->auth. 0 when an HTTP answer came (any status: the
 * caller classifies it), GG_EUPSTREAM when none did (out->err says why).
 * *out is initialised by the callee. Any thread.
 */
int gg_chclient_send(const char *base_map, const gg_channel_request *rq, const char *token,
                     gg_chclient_resp *out);
/** gg_chclient_send that gives up (GG_EUPSTREAM, "cancelled") within
 *  about a second of *cancel becoming non-zero: a stopping server does not
 *  wait out Telegram's 25-second long poll. cancel may be NULL. */
int gg_chclient_send_cancel(const char *base_map, const gg_channel_request *rq, const char *token,
                            const volatile int *cancel, gg_chclient_resp *out);

/**
 * Seconds to wait before the next call after r, from every hint the
 * platforms give: Retry-After, X's x-rate-limit-remaining 0 + reset, Mastodon
 * X-RateLimit-Reset, Telegram parameters.retry_after, Meta's usage header,
 * YouTube quotaExceeded (until the quota day restarts at midnight Pacific).
 * 0 when r carries no wait. now = unix seconds.
 */
int64_t gg_chclient_wait(const gg_chclient_resp *r, int64_t now);

/** A campaign call to publish. Strings borrowed. */
typedef struct gg_publish_opts {
    const char *channel;       /* facebook | instagram | x | telegram | mastodon */
    const char *account;       /* Page id, IG user id, Telegram chat id; X/Mastodon unused */
    const char *text;          /* the call: question, link, hashtag */
    const char *link;          /* campaign page (Facebook link preview) */
    const char *image_url;     /* Instagram: required */
    const char *creation_id;   /* Instagram step 2: the container to publish */
    const char *idempotency_key; /* Mastodon */
    const char *language;      /* Mastodon, NULL = "id" */
    const char *graph_version; /* NULL = "v24.0" */
} gg_publish_opts;

/**
 * Build the call that publishes a campaign call: Facebook POST
 * /{page}/feed, Instagram POST /{ig-user}/media (then /media_publish with
 * creation_id), X POST /2/tweets, Telegram sendMessage to the channel,
 * Mastodon POST /api/v1/statuses. GG_EINVAL for a missing input or an
 * unsupported channel (WhatsApp, Messenger, YouTube, TikTok have no post API
 * we may use for this).
 */
int gg_channels_build_publish(gg_channel_request *out, const gg_publish_opts *o);

/** What to look for after a send whose answer could not be read (lookup.c).
 *  Strings borrowed. */
typedef struct gg_lookup_opts {
    const char *channel;             /* the outbox row's channel */
    const gg_channel_request *sent;  /* the request that went out */
    const char *parent_id;           /* what we answered (reply to_id); NULL for posts */
    const char *video_id;            /* TikTok: the video (reply chat_id) */
    const char *business_id;         /* TikTok */
    const char *self_id;             /* X: our user id; YouTube: our channel id (NULL: any) */
    const char *text;                /* exactly what we sent */
} gg_lookup_opts;

/**
 * Build the read that shows whether our post exists: the Graph edge we
 * posted to, X's own-timeline, YouTube's comments.list?parentId, TikTok's
 * reply list. GG_ENOTFOUND when the platform offers no way to look
 * (Telegram, WhatsApp, Messenger and Instagram DMs, private replies,
 * Instagram media_publish): record the send as unknown, never re-send it.
 */
int gg_channels_build_lookup(gg_channel_request *out, const gg_lookup_opts *o);
/**
 * Judge the lookup's answer: 0 with *id_out (malloc'd) = our post is
 * there; GG_ENOTFOUND = it surely is not (a re-send is safe); GG_EINVAL =
 * the answer is unreadable (nothing can be concluded).
 */
int gg_channels_match_lookup(const gg_lookup_opts *o, const char *raw, size_t len, char **id_out);

/**
 * Reach and engagement of one of our posts (metrics.c): the read X
 * (public_metrics), Facebook and Instagram (insights) and Mastodon (the
 * status) offer. GG_ENOTFOUND where the platform reports nothing
 * (Telegram's Bot API has no views); GG_EINVAL for a bad id.
 */
int gg_channels_build_metrics(gg_channel_request *out, const char *channel, const char *remote_id,
                              const char *graph_version);
/**
 * Its answer as {"impressions","reach","views","likes","replies","reposts",
 * "quotes","bookmarks","shares","saves","clicks"} — only what was reported
 * (*counts, caller decrefs). GG_EINVAL / GG_EUTF8 / GG_ELIMIT for an answer
 * that is not the expected one.
 */
int gg_channels_decode_metrics(const char *channel, const char *raw, size_t len, json_t **counts);

#endif
