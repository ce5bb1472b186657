/*
 * workers.h — the channels' network threads (channels layer, issue 7): the
 * SENDER (outbox: replies, status news, polls, campaign calls, plus the
 * notifier that queues news when a submission is decided or its idea moves)
 * and the PULLER (X search and mentions, YouTube comment threads, Mastodon
 * tag and mention timelines, Telegram getUpdates, TikTok comments) whose
 * pages go through the same inbox sink as webhooks, so overlaps apply once.
 * Both keep their state in the store, so a restart resumes where they were.
 */
#ifndef GG_CHANNELS_WORKERS_H
#define GG_CHANNELS_WORKERS_H
#include <stdint.h>

#include "channels/accounts.h"
#include "channels/inbox.h"
#include "store/store.h"

/** Shared settings; strings borrowed for the workers' lifetime. */
typedef struct gg_chnet_opts {
    gg_store *store;
    const char *base_urls;       /* gg_chclient_base map */
    const char *base_url;        /* our public URL, for links in messages */
    const char *instagram_image; /* image URL for Instagram calls, may be "" */
    int tick_ms;                 /* wake-up period */
    int poll_s;                  /* seconds between pulls of a stream */
    int backoff_ms;              /* first retry delay (doubles, with jitter) */
    int max_attempts;            /* sends before 'failed' */
    int stream_idle_s;           /* live connections: silence before a reconnect */
    int metrics_s;               /* seconds between reach/engagement fetches */
    unsigned char token_key[GG_TOKENS_KEY_BYTES];
    unsigned char install_secret[32]; /* author keys of poll voters */
    gg_inbox_sink sink;          /* pulled events → submissions (the hooks sink) */
} gg_chnet_opts;

typedef struct gg_sender gg_sender;
typedef struct gg_puller gg_puller;
typedef struct gg_streamer gg_streamer;

/** Start the sender thread (copies *o). 0 or GG_EINTERNAL. */
int gg_sender_start(gg_sender **out, const gg_chnet_opts *o);
/** Run one notifier scan and one send round on the calling thread; returns
 *  rows handled (tests). */
int gg_sender_round(gg_sender *s);
/** Stop and join; NULL ok. */
void gg_sender_stop(gg_sender *s);
/** Counters for /metrics: sent, retried, failed. */
void gg_sender_stats(gg_sender *s, uint64_t *sent, uint64_t *retried, uint64_t *failed);

/** Start the puller thread (copies *o). 0 or GG_EINTERNAL. */
int gg_puller_start(gg_puller **out, const gg_chnet_opts *o);
/** Stop and join (a pull in flight finishes first); NULL ok. */
void gg_puller_stop(gg_puller *p);
/** Counters for /metrics: pages fetched, events applied, errors. */
void gg_puller_stats(gg_puller *p, uint64_t *pages, uint64_t *applied, uint64_t *errors);

/** Start the live connections (stream.c): X's filtered stream and
 *  Mastodon's streaming API, one thread per connection, for the accounts'
 *  x_stream:RULE / mastodon_stream:TAG / mastodon_stream_mentions entries
 *  (an account added later is picked up within a tick). 0 or GG_EINTERNAL. */
int gg_streamer_start(gg_streamer **out, const gg_chnet_opts *o);
/** Stop: every connection is cancelled within about a second; NULL ok. */
void gg_streamer_stop(gg_streamer *s);
/** Counters for /metrics: connects, events applied, errors (drops, bad records). */
void gg_streamer_stats(gg_streamer *s, uint64_t *connects, uint64_t *applied, uint64_t *errors);

/** Ask the puller to pull (channel, account, stream) at its next tick
 *  whatever its schedule: a live connection that (re)connected has a gap
 *  to fill. Any thread. */
void gg_chnet_kick(const char *channel, const char *account, const char *stream_name);
/** Apply decoded events through o->sink (inbox id 0): events applied or < 0. */
int gg_chnet_apply(const gg_chnet_opts *o, gg_channel_batch *b);

/** Backoff after `failures` consecutive failures: base·2^(failures-1),
 *  capped at one hour, with ±25 % jitter. Milliseconds. */
int64_t gg_chnet_backoff_ms(int base_ms, int failures);

/** Map an event to what the inbox does with it (GG_INBOX_*), the same
 *  rule as the webhook processor. */
int gg_chnet_action(const gg_event *e);

#endif
