/*
 * store.h — the durable store of gagas (store layer; depends on core only).
 * The interface is backend-neutral: objects go in as C structs and come out
 * as jansson objects ready for the API. The SQLite backend (sqlite.c) runs
 * in WAL mode with foreign keys on; every write goes through ONE writer
 * thread that commits queued writes in batches (group commit) with
 * synchronous=FULL, so a write whose completion callback reports 0 is on
 * disk. Reads run on the calling thread's own read connection.
 *
 * Threads: every function is safe to call from any thread. Completion
 * callbacks (gg_store_done_fn) run on the writer thread and must be quick.
 * Errors: 0 or a negative GG_E… code; the message of the calling thread's
 * last failure is gg_store_errmsg(store).
 */
#ifndef GG_STORE_STORE_H
#define GG_STORE_STORE_H
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

typedef struct gg_store gg_store;

/** Open (creating if missing) and migrate the database at path; start the
 *  writer thread. batch_max caps writes per commit. Caller closes. */
int gg_store_open(gg_store **out, const char *path, int batch_max);
/** Drain queued writes, stop the writer, close every connection. NULL ok. */
void gg_store_close(gg_store *s);
/** Message of this thread's last failure on s (borrowed, never NULL). */
const char *gg_store_errmsg(gg_store *s);
/** Schema version after migrations. */
int gg_store_schema_version(gg_store *s);
/** Copy the live database to path with SQLite's online backup (readers and
 *  the writer go on meanwhile); the copy is consistent as of one commit.
 *  0, or GG_EIO with a message. */
int gg_store_backup(gg_store *s, const char *path);
/** Writes waiting for the writer thread (for /metrics). */
int gg_store_pending_writes(gg_store *s);
/** Bumped on every commit that changed public objects (for read caches). */
uint64_t gg_store_generation(gg_store *s);

/** Called on the writer thread when a queued write finished: rc 0 means
 *  committed and on disk; id is the row the write created or touched. */
typedef void (*gg_store_done_fn)(void *arg, int rc, int64_t id, json_t *result);

/** Waiting for a queued write from a thread that may block (CLI, tests):
 *  pass gg_store_waiter_done as the done callback and &w as its argument,
 *  then gg_store_waiter_wait(&w). Not for the event loops. */
typedef struct gg_store_waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int finished, rc;
    int64_t id;
    json_t *result; /* a reference for the waiter: decref when done with it */
} gg_store_waiter;
#define GG_STORE_WAITER_INIT {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, NULL}
void gg_store_waiter_done(void *arg, int rc, int64_t id, json_t *result);
/** Block until the write finished; returns its rc (w->id, w->result set). */
int gg_store_waiter_wait(gg_store_waiter *w);

/* ---- campaigns ---------------------------------------------------- */

typedef struct gg_campaign_in {
    const char *slug, *title, *question, *brief;
    const char *title_en, *question_en, *brief_en; /* NULL: same as Indonesian */
    const char *topics_json, *hashtags_json;       /* JSON arrays or NULL */
} gg_campaign_in;

/** Create or update by slug (blocking). *id_out = campaign id. */
int gg_store_campaign_upsert(gg_store *s, const gg_campaign_in *c, int64_t *id_out);
/** Campaign by slug as a new JSON object (caller decrefs); GG_ENOTFOUND. */
int gg_store_campaign_get(gg_store *s, const char *slug, json_t **out);
/** {"campaigns":[…]} of every campaign (caller decrefs). */
int gg_store_campaign_list(gg_store *s, json_t **out);

/* ---- submissions -------------------------------------------------- */

typedef struct gg_submission_in {
    int64_t campaign_id;
    const char *channel;       /* "web", "x", … */
    const char *native_id;     /* idempotency key within (campaign, channel); NULL: none */
    const char *author_key;    /* pseudonymous key (hex HMAC) or NULL */
    const char *author_handle; /* public handle or NULL */
    const char *text, *display, *norm;
    const char *entities_json, *labels_json; /* NULL: {} */
    const json_t *labels;      /* labels_json parsed, or NULL (the store parses it) */
    const char *state;         /* "queued", "rejected", … */
    const char *reason;        /* why, for automatic decisions; NULL */
    double priority;
    const char *created_at;    /* ISO-8601 UTC from the platform, NULL: now */
    const char *reply_json;    /* how to answer on the channel (channels' reply target), or NULL */
    int64_t dup_of;            /* earlier near-copy in the campaign (filter), 0 none */
    int64_t group_id;          /* coordinated group already known to hold dup_of, 0 none */
    int merge_duplicates;      /* 1: when dup_of already joined an idea, join it too */
} gg_submission_in;

/** Queue a submission write. done gets the new id, or the existing id with
 *  rc GG_ECONFLICT when (campaign, channel, native_id) was already stored.
 *  The strings are copied before this returns. */
int gg_store_submission_put(gg_store *s, const gg_submission_in *in, gg_store_done_fn done,
                            void *arg);
/** Flag submissions as members of a coordinated group with its evidence
 *  (queued write; done may be NULL). */
int gg_store_submissions_group(gg_store *s, int64_t campaign_id, int64_t group,
                               const int64_t *ids, size_t n, const char *evidence_json,
                               gg_store_done_fn done, void *arg);
/** Walk the last `limit` submissions in id order (for rebuilding in-memory
 *  indexes at start): fn gets campaign, id, norm, author key, created_at
 *  (epoch seconds or 0). Runs on the calling thread. */
int gg_store_submissions_scan(gg_store *s, int limit,
                              void (*fn)(void *arg, int64_t campaign_id, int64_t id,
                                         const char *norm, size_t norm_len,
                                         const char *author_key, int64_t created_at),
                              void *arg);
/** A campaign's policy_json as a new object (caller decrefs); {} when unset. */
int gg_store_campaign_policy(gg_store *s, int64_t campaign_id, json_t **out);
/** Submission by id (public fields only unless staff != 0). */
int gg_store_submission_get(gg_store *s, int64_t id, int staff, json_t **out);

typedef struct gg_queue_query {
    const char *campaign; /* slug, NULL: all */
    const char *state;    /* NULL: "queued" */
    int by_priority;      /* else newest first */
    int limit, offset;
} gg_queue_query;
/** {"items":[…], "total":N} (caller decrefs). */
int gg_store_queue(gg_store *s, const gg_queue_query *q, json_t **out);
/** Counts of submissions by state: {"queued":N,…} (caller decrefs). */
int gg_store_state_counts(gg_store *s, json_t **out);

/* ---- review decisions --------------------------------------------- */

typedef struct gg_decision_in {
    int64_t submission_id;
    int64_t actor_id;       /* staff user */
    const char *actor;      /* e-mail, for the audit row */
    const char *action;     /* "accept" | "reject" */
    const char *reason;     /* reject: spam|kasar|off-topic|not-constructive|duplicate|other */
    const char *note;
    const char *title;      /* accept: idea title, NULL: derived from the text */
} gg_decision_in;
/** Apply a decision and its audit row in one transaction. done gets the
 *  submission id and {"submission":…, "idea":…}; GG_ECONFLICT when the
 *  item is no longer waiting, GG_ENOTFOUND when there is no such item. */
int gg_store_decide(gg_store *s, const gg_decision_in *in, gg_store_done_fn done, void *arg);

/* ---- ideas ---------------------------------------------------------- */

int gg_store_idea_get(gg_store *s, int64_t id, json_t **out);
/** {"ideas":[…]} of a campaign, sort "top" (supporters) or "new". */
int gg_store_idea_list(gg_store *s, const char *slug, const char *sort, int limit, json_t **out);

/* ---- staff -------------------------------------------------------- */

/** Add a staff user (blocking); pw_hash is an argon2id string.
 *  GG_ECONFLICT when the e-mail exists; GG_EINVAL for an unknown role. */
int gg_store_user_add(gg_store *s, const char *email, const char *role, const char *pw_hash,
                      int64_t *id_out);
/** {"id","email","role","pw_hash"} for the e-mail (caller decrefs). */
int gg_store_user_get(gg_store *s, const char *email, json_t **out);
/** Create a session (blocking write): token_hash and csrf are hex strings. */
int gg_store_session_put(gg_store *s, int64_t user_id, const char *token_hash, const char *csrf,
                         int64_t expires_at, const char *ip, const char *user_agent);
/** Session by token hash, joined with its user: {"user_id","email","role",
 *  "csrf","expires_at"}; GG_ENOTFOUND when missing or expired. */
int gg_store_session_get(gg_store *s, const char *token_hash, json_t **out);
int gg_store_session_delete(gg_store *s, const char *token_hash);

/* ---- audit ---------------------------------------------------------- */

/** {"entries":[…]} newest first (caller decrefs). */
int gg_store_audit_list(gg_store *s, int limit, json_t **out);

/* ---- channel inbox (store/inbox.c, issue 7) ---------------------------- */

/** Queue a raw webhook delivery: done gets the inbox id once it is on disk
 *  (only then may the platform get its 200). body is copied. */
int gg_store_inbox_put(gg_store *s, const char *channel, const char *headers_json,
                       const void *body, size_t len, gg_store_done_fn done, void *arg);

typedef struct gg_inbox_row {
    int64_t id;
    char *channel, *headers_json;
    char *body; /* raw bytes, NUL added after len */
    size_t len;
} gg_inbox_row;
/** Up to limit unprocessed rows with id > after_id, oldest first (caller
 *  frees with gg_store_inbox_rows_free). */
int gg_store_inbox_next(gg_store *s, int64_t after_id, int limit, gg_inbox_row **rows, int *n);
void gg_store_inbox_rows_free(gg_inbox_row *rows, int n);

/** What one event does to the submissions. */
enum {
    GG_INBOX_RECORD = 0, /* remember the key only (own echoes, votes, statuses) */
    GG_INBOX_NEW,        /* a new submission: sub is filled */
    GG_INBOX_EDIT,       /* new text for (channel, native_id): sub.text/display/norm/entities */
    GG_INBOX_WITHDRAW,   /* deleted or hidden: out of public view and analytics, kept */
    GG_INBOX_RESTORE,    /* unhidden: back to the queue */
};
typedef struct gg_inbox_event {
    const char *dedupe_key, *channel, *kind, *native_id, *version;
    int action;
    gg_submission_in sub;
    int64_t submission_id; /* OUT: the submission a NEW event created (0: none or a repeat) */
} gg_inbox_event;
typedef struct gg_inbox_result {
    int64_t inbox_id;
    const char *error; /* non-NULL: the delivery could not be decoded; kept as 'error' */
    gg_inbox_event *events;
    int nevents;
} gg_inbox_result;
/** Apply decoded deliveries in ONE transaction (blocking): every event whose
 *  key is new is applied, repeated keys are skipped, and each inbox row is
 *  marked processed or error. *applied_out counts events applied. */
int gg_store_inbox_apply(gg_store *s, gg_inbox_result *rows, int n, int *applied_out);
/** The same, and in the same transaction record a position in
 *  channel_state(channel, account, stream) = cursor: a pull or an import
 *  that resumes from it never skips or repeats what this batch applied. */
int gg_store_inbox_apply_at(gg_store *s, gg_inbox_result *rows, int n, int *applied_out,
                            const char *channel, const char *account, const char *stream,
                            const char *cursor);
/** Read and write a pull or import position in channel_state (blocking
 *  write). cursor_out gets a malloc'd copy or NULL. */
int gg_store_channel_cursor_get(gg_store *s, const char *channel, const char *account,
                                const char *stream, char **cursor_out);
int gg_store_channel_cursor_set(gg_store *s, const char *channel, const char *account,
                                const char *stream, const char *cursor);
/* ---- outbox (store/inbox.c, issue 7): every message gagas sends ------- */

typedef struct gg_outbox_in {
    const char *channel;     /* platform to send on */
    const char *kind;        /* reply | status | poll | publish */
    int64_t submission_id;   /* 0: none */
    int64_t idea_id;         /* 0: none */
    int64_t campaign_id;     /* 0: none */
    const char *target_json; /* reply target (submissions.reply_json) or publish target */
    const char *text;
    const char *payload_json; /* poll options etc., NULL: {} */
    const char *lang;        /* "id" | "en" */
    const char *dedupe_key;  /* e.g. "status:<submission>:<status>": queued once */
} gg_outbox_in;
/** Queue a message inside a write of your own (writer thread, inside a job):
 *  use gg_store__outbox_put from store code; from elsewhere this blocking
 *  call. GG_ECONFLICT when dedupe_key was queued before. */
int gg_store_outbox_put(gg_store *s, const gg_outbox_in *in, int64_t *id_out);
/** Claim up to limit due rows (state pending, next_at <= now) by setting
 *  them 'sending'; {"items":[…]} (caller decrefs). Rows left 'sending' by a
 *  crash are due again after 5 minutes. */
int gg_store_outbox_claim(gg_store *s, int64_t now, int limit, json_t **out);
/** Record the outcome of one send: state sent (remote_id), failed (error,
 *  final) or pending again at next_at (error, a retry). */
int gg_store_outbox_done(gg_store *s, int64_t id, const char *state, const char *remote_id,
                         const char *error, int64_t next_at);

/** {"new":N,"processed":N,"error":N} of the inbox (caller decrefs). */
int gg_store_inbox_counts(gg_store *s, json_t **out);


/* ---- channels, network side (store/channels_accounts.c, issue 7) ------- */

/** Connect or update an account (blocking). settings_json and token_box
 *  NULL keep what is stored; token_box is the SEALED token (hex), never the
 *  plain one. GG_EINVAL without channel/account. */
int gg_store_chaccount_put(gg_store *s, const char *channel, const char *account,
                           const char *settings_json, const char *token_box);
/** {"accounts":[{channel, account, settings, has_token, created_at, …}]};
 *  with_token adds token_box (sealed) for the channel workers only. */
int gg_store_chaccount_list(gg_store *s, int with_token, json_t **out);

/** Everything a pull loop keeps per (channel, account, stream). */
typedef struct gg_chstate {
    const char *channel, *account, *stream;
    const char *watermark;  /* newest item fully taken in */
    const char *cursor;     /* page in progress (JSON), NULL when idle */
    int64_t next_at;        /* unix seconds of the next attempt */
    int failures;           /* consecutive failures (backoff exponent) */
    const char *last_error; /* one impersonal line, NULL when fine */
    const char *rate_json;  /* {"remaining","reset","wait"} as last seen, NULL keeps */
    int got_events;         /* 1: stamp last_event_at */
} gg_chstate;
/** One channel_state row as JSON (caller decrefs); GG_ENOTFOUND. */
int gg_store_chstate_get(gg_store *s, const char *channel, const char *account,
                         const char *stream, json_t **out);
/** Upsert a whole channel_state row (blocking write). */
int gg_store_chstate_put(gg_store *s, const gg_chstate *st);
/** Every channel_state row, for health pages (array, caller decrefs). */
int gg_store_chstate_list(gg_store *s, json_t **out);

/** Decided submissions with a reply target and no outbox row yet for their
 *  state ('status:<id>:<state>') or their idea's later status
 *  ('status:<id>:idea-<status>'), id > after_id, oldest first (array). */
int gg_store_status_unanswered(gg_store *s, int64_t after_id, int limit, json_t **out);
/** Answer template for (campaign or install-wide, event, lang): *out is
 *  malloc'd; GG_ENOTFOUND when none is stored (use built-in defaults). */
int gg_store_template_get(gg_store *s, int64_t campaign_id, const char *event, const char *lang,
                          char **out);
/** Store a template (campaign_id 0: install-wide), replacing the old one. */
int gg_store_template_put(gg_store *s, int64_t campaign_id, const char *event, const char *lang,
                          const char *text);
/** Record a vote in one of our polls (blocking); a new vote replaces the old. */
int gg_store_poll_answer_put(gg_store *s, const char *channel, const char *poll_id,
                             const char *author_key, const char *options);
/** Votes of one poll: [{author_key, options, outbox_id, at}] (caller decrefs). */
int gg_store_poll_answers(gg_store *s, const char *channel, const char *poll_id, json_t **out);
/** The campaign whose call (or poll) we published as remote_id on channel;
 *  GG_ENOTFOUND. Used to tie replies under that post to the campaign. */
int gg_store_published_campaign(gg_store *s, const char *channel, const char *remote_id,
                                int64_t *campaign_out);
/** Keep what the platform reported for a sent row (capped JSON). */
int gg_store_outbox_result(gg_store *s, int64_t id, const char *result_json);
/** What we know of a send whose answer could not be read (migration 11):
 *  "recheck" (look again before re-sending), "found", "unknown" (final;
 *  shown as state 'unknown'), or NULL. Blocking write. */
int gg_store_outbox_delivery(gg_store *s, int64_t id, const char *delivery);
/** Keep the reach/engagement counts of a sent campaign call (metrics_json,
 *  NULL keeps the old ones) and when to fetch them next (unix seconds). */
int gg_store_outbox_metrics_put(gg_store *s, int64_t id, const char *metrics_json, int64_t next_at);
/** Sent campaign calls whose counts are due (metrics_at <= now), oldest
 *  first: [{id, channel, campaign_id, remote_id, target_json, metrics_json,
 *  sent_at}] (caller decrefs). */
int gg_store_outbox_metrics_due(gg_store *s, int64_t now, int limit, json_t **out);
/** The sent campaign calls of a campaign with their counts:
 *  [{id, channel, remote_id, sent_at, metrics}] oldest first (caller decrefs). */
int gg_store_campaign_reach(gg_store *s, int64_t campaign_id, json_t **out);
/** A person settles a send whose delivery is 'unknown' (checked on the
 *  platform): posted → 'sent' (remote_id kept if given); not posted →
 *  pending now, sent again. Audited ('outbox.resolve'). Async: done gets
 *  the row as it is after; GG_ENOTFOUND, or GG_ECONFLICT when the row's
 *  delivery is not unknown. */
int gg_store_outbox_resolve(gg_store *s, int64_t id, int posted, const char *remote_id,
                            int64_t actor_id, const char *actor, gg_store_done_fn done, void *arg);
/** What the platform later said about a message we sent (a WhatsApp status
 *  webhook naming the row through biz_opaque_callback_data): sent,
 *  delivered or read settles an 'unknown' row as sent (remote_id kept);
 *  failed fails a sent or unknown row with detail. Rows of another channel
 *  are left alone. Blocking write. */
int gg_store_outbox_status(gg_store *s, int64_t id, const char *channel, const char *remote_id,
                           const char *status, const char *detail);
/** Newest outbox rows, optionally of one kind (array, caller decrefs);
 *  state is 'unknown' for a row whose delivery could not be established. */
int gg_store_outbox_list(gg_store *s, const char *kind, int limit, json_t **out);
/** [{channel, kind, state, n}] counts of the outbox (caller decrefs). */
int gg_store_outbox_counts(gg_store *s, json_t **out);
/** Queue up to 64 outbox rows in one write (strings copied), due at
 *  next_at (0: now). done gets {"queued":[ids],"duplicates":N}. Safe from
 *  an event loop: it does not wait. */
int gg_store_outbox_queue(gg_store *s, const gg_outbox_in *rows, int n, int64_t next_at,
                          gg_store_done_fn done, void *arg);

/* ---- insight (store/insight.c, issue 6): dashboards, map, exports ------ */

/** What a dashboard looks at. Days count from 1970-01-01 (UTC) and are
 *  taken from the post's own time (created_at); both ends inclusive. */
typedef struct gg_insight_filter {
    int64_t campaign_id;   /* 0: every campaign */
    int day_from, day_to;
    const char *topic, *kind, *channel, *lang; /* NULL: any */
    const char *region;    /* province ("32") or kab/kota ("3201") code, NULL: any */
    const char *dapil;     /* DPR RI dapil code ("3205"), NULL: any */
    int coord;             /* 0 all, 1 organic only, 2 coordinated only */
    int no_regency;        /* 1: leave out the kab/kota rows (the largest; only maps need them) */
    int weeks_before;      /* > day_from: rows of days before this one may come summed per
                            * whole week (see gg_insight_row_fn); 0: per day only */
} gg_insight_filter;

/** The counts one aggregate row carries, in this order. */
enum {
    GG_INSIGHT_N = 0, GG_INSIGHT_RECEIVED, GG_INSIGHT_FILTERED, GG_INSIGHT_QUEUED,
    GG_INSIGHT_ACCEPTED, GG_INSIGHT_MERGED, GG_INSIGHT_REJECTED, GG_INSIGHT_ESCALATED,
    GG_INSIGHT_WITHDRAWN, GG_INSIGHT_AUTO_REJECTED, GG_INSIGHT_AUTO_MERGED, GG_INSIGHT_POS,
    GG_INSIGHT_NEU, GG_INSIGHT_NEG, GG_INSIGHT_REVIEWED, GG_INSIGHT_REVIEW_SECS,
    GG_INSIGHT_H0, /* GG_INSIGHT_NHIST review-time buckets: reviewer decisions per bucket */
    GG_INSIGHT_NCOL = GG_INSIGHT_H0 + 16
};
/** Review-time histogram: bucket i counts decisions that took less than
 *  gg_store_insight_review_upper[i] seconds (and at least the bound before);
 *  the last bucket is open (-1). Fixed, roughly doubling bounds from one
 *  minute to one week, so a median is known within its bucket. */
#define GG_INSIGHT_NHIST 16
extern const int64_t gg_store_insight_review_upper[GG_INSIGHT_NHIST];
/** The bucket (0..GG_INSIGHT_NHIST-1) of a review time in seconds. */
int gg_store_insight_review_bucket(int64_t secs);
/** One aggregate row: dimension ("all", "channel", "kind", "lang",
 *  "province", "regency", "dapil", "reason", "topic"), its key ("" when the
 *  label is missing), the day, 1 for coordinated input, and the counts
 *  (borrowed for the call). The same (dim, key, day, coord) may come more
 *  than once: callers add. Review counts (GG_INSIGHT_REVIEWED and after)
 *  may be 0 for dimensions other than "all": read them from "all". ndays
 *  is 1 for a day; 7 for the sum of the week day .. day+6 (a Monday to
 *  Sunday lying wholly in [day_from, weeks_before - 1] of the filter), which
 *  only dimensions other than "all" and "channel" give, and only when the
 *  filter's weeks_before asks. */
typedef void (*gg_insight_row_fn)(void *arg, const char *dim, const char *key, int day,
                                  int ndays, int coord, const int64_t *v);
/** Feed fn every aggregate row matching f (calling thread, one read
 *  transaction). With no filter, or one filter on topic, kind, channel,
 *  lang or province, this reads insight_agg (plus rows not folded yet);
 *  with a kab/kota, a dapil or two filters, the facts (indexed by kab/kota
 *  and dapil). */
int gg_store_insight_scan(gg_store *s, const gg_insight_filter *f, gg_insight_row_fn fn,
                          void *arg);
/** Most supported ideas (not rejected) with the topics and region of the
 *  post each came from: array, caller decrefs. campaign_id 0: all. */
int gg_store_insight_ideas(gg_store *s, int64_t campaign_id, int limit, json_t **out);
/** Largest near-duplicate clusters [{id, size, text, state, …}] (array). */
int gg_store_insight_clusters(gg_store *s, int64_t campaign_id, int limit, json_t **out);
/** Coordinated groups with their evidence and first text (array). */
int gg_store_insight_groups(gg_store *s, int64_t campaign_id, int limit, json_t **out);
/** The posts behind a chart or map area, newest first (array). */
int gg_store_insight_drill(gg_store *s, const gg_insight_filter *f, int limit, json_t **out);
/** Walk export rows of what ("ideas", "submissions" pseudonymized, "polls"
 *  with voters and counts per option, "votes" web and channel, voter
 *  pseudonymized, "supports" pseudonymized; campaign_id 0: every campaign)
 *  with id > after_id in id order, at most limit; fn gets each row
 *  (borrowed) and stops the walk by returning non-zero, which is returned.
 *  GG_ENOTFOUND for an unknown name. */
int gg_store_insight_export(gg_store *s, const char *what, int64_t campaign_id, int64_t after_id,
                            int limit, int (*fn)(void *arg, json_t *row), void *arg);

/* ---- engagement (issue 5: store/engage.c) -------------------------------- */

/** What an engagement write does. */
typedef enum gg_engage_op {
    GG_ENGAGE_SUPPORT = 1,    /* id: idea; 409 when already supported */
    GG_ENGAGE_UNSUPPORT,      /* id: idea; GG_ENOTFOUND when not supported */
    GG_ENGAGE_COMMENT,        /* id: idea; parent_id 0 or a comment of that idea */
    GG_ENGAGE_COMMENT_EDIT,   /* id: comment of participant; text */
    GG_ENGAGE_COMMENT_DELETE, /* id: comment of participant */
    GG_ENGAGE_COMMENT_REPORT, /* id: comment; 3 reports by different people hold it */
    GG_ENGAGE_VOTE,           /* id: poll; json: array of option indexes */
    GG_ENGAGE_POLL,           /* id: campaign; json: {question, options, multi, …} */
    GG_ENGAGE_FORGET,         /* everything of participant is deleted */
    GG_ENGAGE_IDEA,           /* id: idea; json: {status?, reason?, official_response?};
                                 parent_id: staff user; the channels' notifier answers */
    GG_ENGAGE_CONTACT,        /* json: {name?, contact?, consent_text, lang}: the
                                 participant's contact with its consent (replaces) */
} gg_engage_op;

typedef struct gg_engage_in {
    gg_engage_op op;
    int64_t id, parent_id;
    const char *participant; /* pseudonym (64 hex), never the raw cookie */
    const char *text;        /* comment text */
    const char *json;        /* vote options or poll definition */
    const char *channel;     /* vote channel, NULL: "web" */
    const char *author_key;  /* the same person's submission author key (votes take
                                their region from it; forget unlinks it), or NULL */
    int held;                /* the abuse model flagged the comment */
} gg_engage_in;

/** Queue one engagement write (strings copied before return). done gets
 *  the row written as result ({supporters} for supports, the comment, the
 *  poll). Codes: GG_ENOTFOUND (no idea/comment/poll, or not the author's),
 *  GG_ECONFLICT (second support or vote, poll not open), GG_EINVAL (bad
 *  options or parent). Any thread. */
int gg_store_engage_put(gg_store *s, const gg_engage_in *in, gg_store_done_fn done, void *arg);
/** Visible comments of an idea with id > after, oldest first, at most
 *  limit: {"comments":[…], "next_cursor": id|null}. Caller decrefs. */
int gg_store_comment_list(gg_store *s, int64_t idea_id, int64_t after, int limit, json_t **out);
/** Number of visible comments of an idea. */
int gg_store_comment_count(gg_store *s, int64_t idea_id, int64_t *out);
/** A poll with its counts per option, per channel and per region, and
 *  "open"/"closed"; counts are left out (hidden:true) while a poll with
 *  hide_results is open. GG_ENOTFOUND. Caller decrefs. */
int gg_store_poll_results(gg_store *s, int64_t poll_id, json_t **out);
/** Polls of a campaign (array, newest first). */
int gg_store_poll_list(gg_store *s, const char *slug, json_t **out);
/** Everything stored about a participant pseudonym: supports, comments,
 *  votes (object). Caller decrefs. */
int gg_store_participant_export(gg_store *s, const char *participant, json_t **out);
/** The status timeline of an idea (array, oldest first). */
int gg_store_idea_events(gg_store *s, int64_t idea_id, json_t **out);
/** A campaign's page fields by slug, without the counts that
 *  gg_store_campaign_get adds (the portal reads this on every view).
 *  GG_ENOTFOUND. Caller decrefs. */
int gg_store_campaign_head(gg_store *s, const char *slug, json_t **out);
/** 1 when participant supports idea (0 otherwise). */
int gg_store_supports(gg_store *s, int64_t idea_id, const char *participant);

/* ---- participants (issue 5: store/participant.c) --------------------------- */

/** Accepted ideas of a campaign (not ditolak) whose submissions match the
 *  FTS5 query fts (review_fts, stemmed), best first, at most limit:
 *  [{id, title, text, status, supporters, norm}] with norm the best
 *  matching submission's normalized text. Caller decrefs. */
int gg_store_similar_ideas(gg_store *s, int64_t campaign_id, const char *fts, int limit,
                           json_t **out);
/** One idea's public fields for a similar-ideas list (id, title, text,
 *  status, supporters). GG_ENOTFOUND. Caller decrefs. */
int gg_store_idea_brief(gg_store *s, int64_t id, json_t **out);
/** "My ideas": what a web participant did, for their own page:
 *  {submissions:[{id, campaign, text, state, reason, created_at, idea_id,
 *  title, status, supporters, official_response, events:[…], replies:[…]}],
 *  supports:[{idea_id, title, status, created_at}], votes:[{poll_id,
 *  question, options, chosen, created_at}], contact: {…}|null}.
 *  participant: pseudonym; author_key: their web submissions' author key.
 *  Caller decrefs. */
int gg_store_my_ideas(gg_store *s, const char *participant, const char *author_key,
                      json_t **out);

#endif
