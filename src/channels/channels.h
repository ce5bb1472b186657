/*
 * channels.h — the connector interface (channels layer): one gg_channel per
 * webhook route (/hooks/<name>), pure decoders for pulled pages, and pure
 * builders for outbound replies. Nothing here touches the network, the
 * store or a clock: "now" is always a parameter. Signatures are checked on
 * the raw body bytes before any parsing, in constant time, and fail closed
 * when a secret is not configured. Secrets are never logged or copied into
 * error messages. All functions are thread-safe (no global mutable state).
 */
#ifndef GG_CHANNELS_CHANNELS_H
#define GG_CHANNELS_CHANNELS_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* ---------------------------------------------------------------- secrets */

/**
 * Webhook secrets, one per platform app. Filled from the environment by
 * gg_channels_secrets_from_env (names below); a NULL or empty field means
 * "not configured", and every check that needs it fails with GG_EAUTH.
 * The struct owns its strings; gg_channels_secrets_dispose wipes and frees.
 */
typedef struct gg_channel_secrets {
    char *meta_app_secret;         /* GAGAS_META_APP_SECRET: X-Hub-Signature-256 */
    char *meta_verify_token;       /* GAGAS_META_VERIFY_TOKEN: GET hub.verify_token */
    char *x_consumer_secret;       /* GAGAS_X_CONSUMER_SECRET: CRC + signature */
    char *telegram_secret_token;   /* GAGAS_TELEGRAM_SECRET_TOKEN: setWebhook secret_token */
    char *tiktok_client_secret;    /* GAGAS_TIKTOK_CLIENT_SECRET: TikTok-Signature */
    char *mastodon_webhook_secret; /* GAGAS_MASTODON_WEBHOOK_SECRET: admin webhook */
} gg_channel_secrets;

/**
 * Fill *out from the GAGAS_* environment variables above (copies; unset
 * variables leave NULL). Always returns 0. Call from the main thread at start.
 */
int gg_channels_secrets_from_env(gg_channel_secrets *out);
/** Zero and free every secret; the struct is left all-NULL. Accepts NULL. */
void gg_channels_secrets_dispose(gg_channel_secrets *s);

/* ---------------------------------------------------------------- headers */

/**
 * Read access to request headers: get(ctx, name) returns the value of the
 * header `name` (matched case-insensitively), NUL-terminated and borrowed,
 * or NULL when absent. The HTTP layer wraps its own header list in this.
 */
typedef struct gg_channel_headers {
    const char *(*get)(void *ctx, const char *name);
    void *ctx;
} gg_channel_headers;

/** A (name, value) pair; an array of them ends with a {NULL, NULL} entry. */
typedef struct gg_channel_header_pair {
    const char *name;
    const char *value;
} gg_channel_header_pair;

/** A ready `get` for a {NULL,NULL}-terminated gg_channel_header_pair array ctx. */
const char *gg_channels_pairs_get(void *ctx, const char *name);

/* ----------------------------------------------------------------- events */

/** What happened. EDIT/DELETE/HIDE/UNHIDE name the affected item in native_id. */
typedef enum gg_event_kind {
    GG_EVENT_POST = 1,    /* a top-level public post: visitor post, X post, status, channel post */
    GG_EVENT_COMMENT,     /* a public comment or reply under a post/video */
    GG_EVENT_MESSAGE,     /* a private/chat message (Messenger, IG DM, WhatsApp, Telegram chat) */
    GG_EVENT_MENTION,     /* a post or comment that @mentions our account */
    GG_EVENT_EDIT,        /* new text of an item we may already hold */
    GG_EVENT_DELETE,      /* the item was deleted / revoked */
    GG_EVENT_HIDE,        /* hidden by a moderator (or made non-public) */
    GG_EVENT_UNHIDE,      /* made visible again */
    GG_EVENT_POLL_ANSWER, /* a vote in our poll; detail = option ids "1,3" ("" = retracted) */
    GG_EVENT_POLL_UPDATE, /* poll state (closed, counts); detail = "closed" or "open" */
    GG_EVENT_STATUS,      /* delivery status of our own message; version = status, detail = error */
} gg_event_kind;

/** Stable lower-case name of a kind ("comment", "poll_answer", …); never NULL. */
const char *gg_channels_kind_name(gg_event_kind k);

/** Event flags. */
enum {
    GG_EVF_SELF = 1u << 0,        /* sent by our own account (echo, page reply): do not ingest */
    GG_EVF_BOT = 1u << 1,         /* the author is a bot */
    GG_EVF_NEEDS_FETCH = 1u << 2, /* the payload carries ids only; fetch the text by API */
    GG_EVF_HTML = 1u << 3,        /* text was converted to plain text from the platform's HTML */
    GG_EVF_HAS_GEO = 1u << 4,     /* lat/lon are set */
};

/**
 * How to answer an event. to_id is NULL when it cannot be answered (deletes,
 * statuses, poll answers). window_start is the start of the platform's
 * 24-hour customer-service window (unix seconds) or 0 when none applies.
 */
typedef struct gg_reply_target {
    char *to_id;   /* comment / post / message id the answer attaches to */
    char *chat_id; /* Telegram chat id, Messenger/IG PSID, WhatsApp wa_id, TikTok video id */
    char *via_id;  /* our sending object: Page id, IG account id, WhatsApp phone_number_id */
    char *handle;  /* Mastodon: the acct to @mention at the start of the reply */
    int64_t window_start;
} gg_reply_target;

/**
 * One canonical event. Every string is owned by the event (NULL = absent);
 * ids are always strings, never through a double. Times are UTC unix
 * seconds (0 = unknown). dedupe_key is "channel|account|native|kind|version":
 * the unique key the inbox keeps so redeliveries are idempotent.
 */
typedef struct gg_event {
    const char *channel; /* static: "facebook" "instagram" "messenger" "whatsapp" "x"
                            "telegram" "youtube" "mastodon" "tiktok" */
    gg_event_kind kind;
    unsigned flags;   /* GG_EVF_* */
    char *account_id; /* our account it arrived for: Page/IG/WABA phone id, X user, chat… */
    char *native_id;  /* platform id of the item (Telegram: "chat_id:message_id") */
    char *version;    /* "" for the original; edit marker / status otherwise */
    char *author_id;
    char *author_handle; /* only where the platform made it public */
    char *author_name;
    char *text; /* UTF-8; NULL when the item has none (remove, location, mention ids) */
    char *lang; /* platform language tag ("in" on X, "id" on Mastodon) */
    int64_t created_at;
    int64_t edited_at;
    char *thread_root_id; /* post / media / video / conversation the item belongs to */
    char *parent_id;      /* direct parent: parent comment, replied-to message */
    char *media;          /* first attachment: URL or media id */
    char *detail;         /* kind-specific, see gg_event_kind */
    double lat, lon;      /* with GG_EVF_HAS_GEO */
    gg_reply_target reply;
    char *callback; /* WhatsApp status: the biz_opaque_callback_data we sent with the
                       message ("gagas-outbox-<id>"), NULL otherwise */
    char *dedupe_key;
} gg_event;

/**
 * The result of one decode: events plus paging cursors. Owned by the caller
 * (gg_channels_batch_init / _dispose). On failure err holds one impersonal
 * line (no secrets, no personal text) for the inbox row.
 */
typedef struct gg_channel_batch {
    gg_event *events;
    size_t n;
    char *next_page;     /* pull: token / cursor / URL of the next (older) page; NULL at the end */
    char *prev_page;     /* Mastodon: Link rel="prev" URL (min_id) for gapless forward polling */
    char *newest_id;     /* pull watermark: X meta.newest_id, Telegram next getUpdates offset */
    char *notice;        /* in-band stream error (X operational-disconnect), else NULL */
    int64_t retry_after; /* seconds to wait, when an error body says so (Telegram) */
    char err[200];
} gg_channel_batch;

/** Make *b an empty batch (decoders do this themselves on entry). */
void gg_channels_batch_init(gg_channel_batch *b);
/** Free every event and cursor; leaves an empty batch. Accepts NULL. */
void gg_channels_batch_dispose(gg_channel_batch *b);

/* --------------------------------------------------------------- connector */

/** Body cap for decoders; bigger bodies give GG_ELIMIT. */
#define GG_CHANNELS_MAX_BODY (16u * 1024u * 1024u)
/** TikTok signature freshness window, seconds either side of now. */
#define GG_CHANNELS_TIKTOK_SKEW 300

/**
 * One webhook connector (served at POST /hooks/<name>).
 *
 * verify: check the request on its raw bytes before anything parses it.
 *   0 when authentic; GG_EAUTH when the signature/token is missing, wrong or
 *   stale, or when the needed secret is not configured (fail closed);
 *   GG_EINVAL when method is not "POST". now = unix seconds (TikTok replay
 *   window). Constant time over secret material.
 * decode: the verified body → canonical events in *out (initialised by the
 *   callee). GG_EINVAL (+ out->err) for a body that is not the expected
 *   JSON, GG_EUTF8 for invalid UTF-8, GG_ELIMIT over GG_CHANNELS_MAX_BODY.
 *   Payload items we do not ingest (reactions, likes) produce no event.
 * handshake: the GET verification dance, or NULL when the platform has
 *   none. query = the raw query string (after '?', still percent-encoded).
 *   0: answer 200 with *content_type and body; GG_EAUTH: answer 403.
 */
typedef struct gg_channel {
    const char *name;
    int (*verify)(const gg_channel_secrets *s, const char *method, const gg_channel_headers *h,
                  const char *raw, size_t len, int64_t now);
    int (*decode)(const char *raw, size_t len, gg_channel_batch *out);
    int (*handshake)(const gg_channel_secrets *s, const char *query, gg_buf *body,
                     const char **content_type);
} gg_channel;

/** /hooks/meta: Facebook, Instagram, Messenger, WhatsApp (one app secret). */
extern const gg_channel gg_channel_meta;
/** /hooks/x: Account Activity and X Activity API deliveries, CRC handshake. */
extern const gg_channel gg_channel_x;
/** /hooks/telegram: Bot API updates (secret token, no HMAC). */
extern const gg_channel gg_channel_telegram;
/** /hooks/mastodon: admin webhooks of an instance we run. */
extern const gg_channel gg_channel_mastodon;
/** /hooks/tiktok: Business API comment.update. */
extern const gg_channel gg_channel_tiktok;

/** The connector for a /hooks/<name> route, or NULL. Borrowed, static. */
const gg_channel *gg_channels_find(const char *name);

/** Meta GET handshake: hub.mode=subscribe and hub.verify_token match → body = hub.challenge. */
int gg_channels_meta_handshake(const gg_channel_secrets *s, const char *query, gg_buf *body,
                               const char **content_type);
/** X CRC: body = {"response_token":"sha256=<base64 HMAC-SHA256(secret, crc_token)>"}. */
int gg_channels_x_crc(const gg_channel_secrets *s, const char *query, gg_buf *body,
                      const char **content_type);

/* ----------------------------------------------------------- pull decoders */
/* Same contract as gg_channel.decode; cursors land in the batch. */

/**
 * X v2 search / mentions page ({data:[…],meta}) or one stream record
 * ({data:{…}}). user_id = our X user id (may be NULL): it becomes account_id,
 * posts that @mention it become GG_EVENT_MENTION (the only posts a self-serve
 * app may answer) and our own posts get GG_EVF_SELF.
 */
int gg_channels_x_decode_page(const char *raw, size_t len, const char *user_id,
                              gg_channel_batch *out);
/** X filtered-stream bytes: \r\n-separated records, empty keep-alives; in-band errors → notice. */
int gg_channels_x_decode_stream(const char *raw, size_t len, const char *user_id,
                                gg_channel_batch *out);
/** Telegram getUpdates response; newest_id = the next offset (last update_id + 1). */
int gg_channels_telegram_decode_updates(const char *raw, size_t len, gg_channel_batch *out);
/** YouTube commentThreads.list or comments.list page; next_page = nextPageToken. */
int gg_channels_youtube_decode_page(const char *raw, size_t len, gg_channel_batch *out);
/**
 * Mastodon REST page: an array of Status or Notification objects. link is the
 * response's Link header (may be NULL): rel="next" → next_page, rel="prev" → prev_page.
 */
int gg_channels_mastodon_decode_page(const char *raw, size_t len, const char *link,
                                     gg_channel_batch *out);
/** Mastodon streaming: one SSE event (name "update" | "status.update" | "delete" …, data). */
int gg_channels_mastodon_decode_event(const char *event, const char *data, size_t len,
                                      gg_channel_batch *out);
/** Mastodon SSE bytes (any number of events, comments, heartbeats). */
int gg_channels_mastodon_decode_sse(const char *raw, size_t len, gg_channel_batch *out);
/** Mastodon WebSocket text frame {"stream","event","payload":"<JSON string>"}. */
int gg_channels_mastodon_decode_ws(const char *raw, size_t len, gg_channel_batch *out);
/** TikTok Business /business/comment/list/ or Research comment list response. */
int gg_channels_tiktok_decode_list(const char *raw, size_t len, gg_channel_batch *out);

/* ------------------------------------------------------------- outbound */

/** How the HTTP client authenticates the request it is handed. */
typedef enum gg_channel_auth {
    GG_AUTH_BEARER = 1,    /* Authorization: Bearer <token> (Graph, X, Google, Mastodon) */
    GG_AUTH_ACCESS_TOKEN,  /* TikTok Business: Access-Token: <token> */
    GG_AUTH_TELEGRAM_PATH, /* Telegram: the client prefixes path with "/bot<token>" */
} gg_channel_auth;

/**
 * One outbound call, not sent: the HTTP client layer adds the base URL,
 * credentials and retries. All strings owned (gg_channels_request_dispose).
 */
typedef struct gg_channel_request {
    const char *method;       /* static, "POST" (pull requests: "GET") */
    const char *host;         /* static default host, e.g. "graph.facebook.com" */
    char *path;               /* path + query, e.g. "/v24.0/<id>/comments" */
    const char *content_type; /* static, "application/json" */
    char *body;               /* NUL-terminated JSON */
    size_t body_len;
    char *idempotency_key; /* Mastodon Idempotency-Key header value, else NULL */
    gg_channel_auth auth;
} gg_channel_request;

/** Free the request's strings and zero it. Accepts NULL. */
void gg_channels_request_dispose(gg_channel_request *r);

/** Inputs for gg_channels_build_reply. */
typedef struct gg_reply_opts {
    const char *text;            /* the answer, UTF-8 */
    int64_t now;                 /* unix seconds, for the 24-hour window */
    const char *graph_version;   /* Meta Graph version, NULL = "v24.0" */
    int private_reply;           /* Facebook/Instagram comment: answer by private message */
    const char *idempotency_key; /* Mastodon: our outbox id (required there); WhatsApp:
                                    sent as biz_opaque_callback_data, echoed in statuses */
    const char *business_id;     /* TikTok: our Business account id (required there) */
    const char *language;        /* Mastodon status language, NULL = "id" */
    const char *wa_template;     /* WhatsApp: approved template for answers outside the
                                    24-hour window (its body has one {{1}}), NULL = refuse */
    const char *wa_template_lang; /* its language code, NULL = "id" */
} gg_reply_opts;

/**
 * Build the call that answers `ev` on its own channel (comment reply,
 * Messenger/IG/WhatsApp send, X reply, Telegram sendMessage with
 * reply_parameters, YouTube comments.insert, Mastodon status, TikTok reply).
 * *out is initialised by the callee. GG_ECONFLICT outside the 24-hour
 * window — except WhatsApp with o->wa_template, which then sends that
 * approved template with the answer as its body parameter; GG_EINVAL when the event cannot be answered or an input is missing
 * or out of the platform's limits.
 */
int gg_channels_build_reply(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o);

/** A poll to publish. Quiz: type "quiz" with correct_option (0-based). */
typedef struct gg_poll_opts {
    const char *question;
    const char *const *options; /* option texts */
    size_t n_options;
    int quiz;                /* Telegram only */
    int correct_option;      /* quiz: index of the right option */
    const char *explanation; /* quiz: shown after answering, may be NULL */
    int anonymous;           /* Telegram: 0 (default) so poll_answer updates arrive */
    int multiple;            /* allow several answers */
    int64_t duration_s;      /* open period in seconds (0 = platform default) */
} gg_poll_opts;

/**
 * Telegram lets a webhook answer carry one method call: body = {"method":
 * "sendMessage","chat_id",…,"text",…,"reply_parameters":{"message_id"}} to
 * send as the 200 response (no result comes back; use the outbox for
 * anything that must be confirmed). GG_EINVAL when ev is not answerable.
 */
int gg_channels_telegram_webhook_answer(gg_buf *body, const gg_event *ev, const char *text);
/** Telegram sendPoll (regular or quiz) to chat_id (decimal, may be negative). */
int gg_channels_telegram_build_poll(gg_channel_request *out, const char *chat_id,
                                    const gg_poll_opts *p);
/** X POST /2/tweets with a poll (2–4 options × 1–25 chars, 5–10080 minutes). */
int gg_channels_x_build_poll(gg_channel_request *out, const gg_poll_opts *p);
/** Mastodon POST /api/v1/statuses with poll[options], poll[expires_in]; key required. */
int gg_channels_mastodon_build_poll(gg_channel_request *out, const gg_poll_opts *p,
                                    const char *idempotency_key, const char *language);

/** The pull requests a loop can ask for. */
typedef enum gg_pull_kind {
    GG_PULL_X_SEARCH = 1,      /* target = query ("(#GagasanWarga OR @Akun) lang:in") */
    GG_PULL_X_MENTIONS,        /* target = our numeric user id */
    GG_PULL_TELEGRAM_UPDATES,  /* since = offset (newest_id of the last batch) */
    GG_PULL_YOUTUBE_VIDEO,     /* target = video id */
    GG_PULL_YOUTUBE_CHANNEL,   /* target = channel id (all threads on our videos) */
    GG_PULL_YOUTUBE_REPLIES,   /* target = top-level comment id */
    GG_PULL_MASTODON_TAG,      /* target = hashtag without '#' */
    GG_PULL_MASTODON_MENTIONS, /* notifications of type mention */
    GG_PULL_TIKTOK_COMMENTS,   /* target = video id, business_id required */
} gg_pull_kind;

/** Inputs of gg_channels_build_pull; strings borrowed. */
typedef struct gg_pull_opts {
    gg_pull_kind kind;
    const char *target;
    const char *since;       /* X since_id, Mastodon min_id, Telegram offset; NULL on a first run */
    const char *page;        /* cursor of the previous page (next_page), Mastodon: a Link URL */
    const char *business_id; /* TikTok */
    int limit;               /* page size, 0 = the API's maximum */
} gg_pull_opts;

/**
 * Build the next pull request (GET with an encoded query; Telegram getUpdates
 * is a POST with a 25 s long-poll timeout). The decoders above read the
 * answers. GG_EINVAL when a required input is missing or malformed.
 */
int gg_channels_build_pull(gg_channel_request *out, const gg_pull_opts *o);

/** What a platform answered to one of our calls (gg_channels_decode_sent). */
typedef struct gg_channel_sent {
    char *id;            /* created reply/post/message id, named as decode names it
                            (Telegram "chat:message"); owned */
    char *poll_id;       /* Telegram sendPoll: the poll id poll_answer updates will carry */
    int64_t retry_after; /* seconds the platform asked us to wait (Telegram, Meta usage) */
    char err[200];
} gg_channel_sent;

/**
 * Parse the response body of a call built above. channel = the event channel
 * name ("facebook" … "tiktok"); usage_header = Meta's x-business-use-case-usage
 * value or NULL. 0 with out->id set; GG_ERATE (throttled: wait retry_after or
 * the platform's reset header), GG_EUPSTREAM (other platform error),
 * GG_EINVAL/GG_EUTF8 (not a response we know). Release with _sent_dispose.
 */
int gg_channels_decode_sent(const char *channel, const char *raw, size_t len,
                            const char *usage_header, gg_channel_sent *out);
/** Free id and poll_id and zero *s. Accepts NULL. */
void gg_channels_sent_dispose(gg_channel_sent *s);

#endif
