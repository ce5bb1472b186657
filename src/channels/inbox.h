/*
 * inbox.h — the inbox processor (channels layer): a thread that takes raw
 * deliveries from the store's inbox, decodes them with their connector,
 * turns each canonical event into an action on the submissions (new, edit,
 * withdraw, restore, or just remember the key) and applies a whole batch in
 * one transaction. Restart-safe: rows stay 'new' until their batch commits,
 * and event keys make a replay a no-op.
 */
#ifndef GG_CHANNELS_INBOX_H
#define GG_CHANNELS_INBOX_H
#include "channels/channels.h"
#include "store/store.h"

/** Turns a content event into a submission; implemented by the caller
 *  (the api layer owns campaign matching and the text pipeline). */
typedef struct gg_inbox_sink {
    /** Fill *in for ev (campaign, text analysis, author key, state).
     *  0, or a GG_E… code to record the event without a submission.
     *  *cookie is handed back to release once the batch is applied. */
    int (*prepare)(void *arg, const gg_event *ev, gg_submission_in *in, void **cookie);
    void (*release)(void *arg, void *cookie);
    /** Called for each event that created a submission, after its batch
     *  committed (may be NULL). */
    void (*after)(void *arg, const gg_event *ev, const gg_inbox_event *applied);
    void *arg;
    /** The install secret (32 bytes, borrowed): poll answers are stored
     *  under the voter's author key. NULL: poll answers are not stored. */
    const unsigned char *install_secret;
} gg_inbox_sink;

typedef struct gg_inbox gg_inbox;

/** Start the processor thread over s. 0 or GG_EINTERNAL. */
int gg_inbox_start(gg_inbox **out, gg_store *s, const gg_inbox_sink *sink);
/** Tell the processor a new delivery is stored (any thread, cheap). */
void gg_inbox_wake(gg_inbox *in);
/** Process every waiting row now, on the calling thread (tests, import).
 *  Returns the number of events applied, or a negative GG_E… code. */
int gg_inbox_drain(gg_inbox *in);
/** Store the vote of a poll_answer event (Telegram) in poll_answers under
 *  the voter's author key HMAC(secret, "author:<channel>:<id>"), the key
 *  their posts get, so results can place the vote in the voter's region.
 *  Other events, or one without poll or voter: 0, nothing stored. A second
 *  vote of the same voter replaces the first. Any thread. */
int gg_inbox_poll_answer(gg_store *s, const unsigned char secret[32], const gg_event *e);
/** Stop and join the thread (finishes the batch in hand). NULL ok. */
void gg_inbox_stop(gg_inbox *in);
/** Counters for /metrics: deliveries processed, failed, events applied. */
void gg_inbox_stats(gg_inbox *in, uint64_t *processed, uint64_t *failed, uint64_t *applied);

#endif
