/*
 * internal.h — helpers shared by the connector files of src/channels/ only
 * (gg_channels__ names): guarded JSON loading, event building, HMAC and
 * constant-time checks, time parsing, JSON request bodies. Not a public
 * header: other modules include channels.h.
 */
#ifndef GG_CHANNELS_INTERNAL_H
#define GG_CHANNELS_INTERNAL_H
#include <jansson.h>
#include <stdarg.h>

#include "channels/channels.h"

/** X: the fields every decoder mapping needs (CHANNELS.md §6.1, §6.5), for
 *  search, mentions and the filtered stream alike. */
#define GG_CHANNELS_X_FIELDS                                                                       \
    "tweet.fields=author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets,"     \
    "lang,geo,entities,attachments,edit_history_tweet_ids,note_tweet"                              \
    "&expansions=author_id,geo.place_id,referenced_tweets.id,attachments.media_keys"               \
    "&user.fields=name,username&place.fields=full_name,country_code,geo"

/** Most events one decode may produce; more gives GG_ELIMIT. */
#define GG_CHANNELS_MAX_EVENTS 100000u

/** Size cap, UTF-8 check, then parse into *out (caller json_decref). Sets b->err. */
int gg_channels__load(const char *raw, size_t len, json_t **out, gg_channel_batch *b);
/** Record a decode error on the batch (printf-style, one line); returns code. */
int gg_channels__fail(gg_channel_batch *b, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Append a zeroed event; *out points at it until the next push. GG_ELIMIT at the cap. */
int gg_channels__push(gg_channel_batch *b, const char *channel, gg_event_kind kind, gg_event **out);
/** Give every event from index `from` its version ("" default) and dedupe key. */
void gg_channels__finish(gg_channel_batch *b, size_t from);
/** 1 when s[0..n) is well-formed UTF-8 (no overlongs, surrogates, > U+10FFFF). */
int gg_channels__utf8_ok(const char *s, size_t n);

char *gg_channels__dup(const char *s);
char *gg_channels__printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Borrowed string member, or NULL when absent / not a string. */
const char *gg_channels__str(const json_t *o, const char *key);
/** Owned copy of a member that is a string or an integer (as decimal digits), else NULL. */
char *gg_channels__id(const json_t *o, const char *key);
/** Integer member, or a string of decimal digits; 0 when absent. */
int64_t gg_channels__int(const json_t *o, const char *key);
/** Parse ISO-8601 / RFC 3339 ("2026-11-20T03:21:07.000Z", "+0000", "+07:00"). */
int gg_channels__iso8601(const char *s, int64_t *out);
/** ISO member → unix seconds, 0 when absent or malformed. */
int64_t gg_channels__time(const json_t *o, const char *key);
/** First 16 hex chars of SHA-256(text): a version for edits without a counter. */
char *gg_channels__text_hash(const char *text);

/** HMAC-SHA256 with a key of any length. */
void gg_channels__hmac(const char *key, const void *a, size_t alen, const void *b, size_t blen,
                       unsigned char mac[32]);
/** value == prefix + 64 hex digits of mac (either case), constant time; else GG_EAUTH. */
int gg_channels__check_hex(const char *value, const char *prefix, const unsigned char mac[32]);
/** Constant-time equality of two secrets of any length (hash then compare). */
int gg_channels__secret_eq(const char *a, const char *b);
/** 1 when a secret is configured. */
int gg_channels__has(const char *secret);
/** Append [&]key=<percent-encoded value> to a query (RFC 3986 unreserved kept). */
int gg_channels__add_param(gg_buf *q, const char *key, const char *val);
/** Percent-decode the value of `key` in a raw query string; NULL when absent. */
char *gg_channels__query_get(const char *query, const char *key);

/**
 * Plain text of sanitised HTML (Mastodon content, YouTube textDisplay):
 * tags dropped, <br> → "\n", paragraph breaks → "\n\n", entities decoded.
 */
char *gg_channels__html_to_text(const char *html);
/** Length of UTF-8 text in code points (what platforms' "characters" mean). */
size_t gg_channels__chars(const char *s);
/** Refuse a chat reply outside the 24-hour window: GG_ECONFLICT, else 0. */
int gg_channels__window(const gg_event *ev, int64_t now);

/** Serialise root compactly (UTF-8, order kept) into r->body; steals nothing. */
int gg_channels__set_body(gg_channel_request *r, json_t *root);
/** json_string of UTF-8 text, or NULL when s is NULL / not valid UTF-8. */
json_t *gg_channels__jstr(const char *s);

/* Per-platform reply builders, called by gg_channels_build_reply. */
int gg_channels__meta_reply(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o);
int gg_channels__x_reply(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o);
int gg_channels__telegram_reply(gg_channel_request *out, const gg_event *ev,
                                const gg_reply_opts *o);
int gg_channels__youtube_reply(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o);
int gg_channels__mastodon_reply(gg_channel_request *out, const gg_event *ev,
                                const gg_reply_opts *o);
int gg_channels__tiktok_reply(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o);

#endif
