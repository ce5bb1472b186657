/*
 * workspace.h — the review workspace in the store (store layer, issue 4):
 * reviewer actions with undo and the two-person rule, bulk actions on a
 * near-duplicate cluster or a coordinated group, claims with a lease, the
 * filtered and searchable queue, an item's evidence, the hash-chained audit
 * log's verification and export, review quality figures, and the team
 * (invitations, sessions, campaign assignments).
 *
 * Same rules as store.h: JSON out (caller decrefs), 0 or a negative GG_E…
 * code with gg_store_errmsg(); writes run on the writer thread and report
 * through a gg_store_done_fn, or block where the comment says so.
 */
#ifndef GG_STORE_WORKSPACE_H
#define GG_STORE_WORKSPACE_H
#include "store/store.h"
#include <stddef.h>

/** Fields of one audit row in hash order: prev_hash, id, at, actor_id,
 *  actor, action, object_type, object_id, before_json, after_json, reason. */
#define GG_AUDIT_NFIELDS 11
/** Words longer than this are indexed unstemmed. */
#define GG_FTS_WORD_MAX 64

/** SHA-256 (64 hex chars + NUL in out) of one audit row and its
 *  predecessor's hash; NULL fields are distinct from empty ones. */
void gg_store_audit_hash(const char *const fields[GG_AUDIT_NFIELDS],
                         const size_t lens[GG_AUDIT_NFIELDS], char out[65]);

/* ---- actions ------------------------------------------------------------ */

typedef struct gg_review_act {
    int64_t submission_id;
    int64_t actor_id;   /* staff user */
    const char *actor;  /* e-mail, for the audit row */
    int admin;          /* 1: may undo others' actions and override a claim */
    const char *action; /* accept|merge|reject|escalate|undo|second|relabel */
    const char *reason; /* reject: spam|kasar|off-topic|not-constructive|duplicate|other */
    const char *note;   /* free text (other + note, escalation why) */
    const char *title;  /* accept: idea title, NULL: from the text */
    int64_t idea_id;    /* accept: attach to this idea; merge: target (0: the near-copy's) */
    const char *label;  /* second: "accept" | "merge" | "escalate" | "reject:<reason>" */
    /* the reviewer's topics and kind (relabel, or with accept, merge, reject,
     * escalate); NULL keeps the filter's. topics_json: a JSON array of topic
     * names, checked by the caller. */
    const char *topics_json;
    const char *kind;
} gg_review_act;

/** Apply one action to one item in one transaction with its audit row.
 *  A relabel (topics_json / kind) is stored with its before-labels in
 *  review_relabels, written into labels_json and audited as "relabel";
 *  undoing the action that carried it restores the labels.
 *  done gets the submission id and {"submission", "idea", "action", …}.
 *  GG_ECONFLICT: no longer waiting, claimed by someone else, nothing to
 *  undo; GG_ENOTFOUND: no such item or idea; GG_EFORBIDDEN: undoing someone
 *  else's action without admin; GG_EINVAL: bad combination. */
int gg_store_review_act(gg_store *s, const gg_review_act *in, gg_store_done_fn done, void *arg);

/** The same action on many items at once: the near-duplicate cluster of
 *  `cluster` (that item, its copies and theirs), the coordinated group
 *  `group`, or the n ids given (at most 500). accept on a cluster or group
 *  accepts the first waiting item and merges the others into its idea.
 *  done gets {"applied":[ids], "skipped":[{id, why}], "idea": …}. */
int gg_store_review_bulk(gg_store *s, const gg_review_act *in, int64_t cluster, int64_t group,
                         const int64_t *ids, size_t n, gg_store_done_fn done, void *arg);

/* ---- claims --------------------------------------------------------------- */

/** Claim an item for lease_ms (renewing one's own claim); releases the
 *  user's other claims. GG_ECONFLICT when another reviewer holds it or it
 *  is decided. done gets {"submission_id","expires_at"}. */
int gg_store_review_claim(gg_store *s, int64_t user_id, int64_t submission_id, int lease_ms,
                          gg_store_done_fn done, void *arg);
/** Claim the first of ids (in order) that is still waiting and unclaimed;
 *  done gets its id (0: none left) and {"submission_id","expires_at"}. */
int gg_store_review_claim_first(gg_store *s, int64_t user_id, const int64_t *ids, size_t n,
                                int lease_ms, gg_store_done_fn done, void *arg);

/* ---- the queue ------------------------------------------------------------ */

typedef struct gg_review_query {
    int64_t campaign_id;  /* 0: every campaign */
    const char *state;    /* NULL: queued */
    const char *channel, *lang, *kind, *topic;
    const char *region;   /* province, kab/kota or any region code of the labels */
    const char *dapil;
    const char *q;        /* full-text words, stemmed like the index */
    double min_priority, max_priority;      /* 0..1 */
    double min_spam, max_spam;              /* 0..1 */
    double min_constructive, max_constructive;
    int64_t group;        /* coordinated group id, 0: any */
    int64_t cluster;      /* near-duplicate root: it and its direct copies, 0: any */
    int64_t viewer;       /* hide items other reviewers hold (0: show all) */
    int64_t assigned_to;  /* only campaigns this user is assigned to (0: any) */
    int by_priority;      /* else newest first */
    int limit, offset;
} gg_review_query;

/** {"items":[…], "total":N, "counts":{state:n}} (caller decrefs). total is
 *  exact from trigger-kept counts without filters; with filters it is
 *  counted up to 10,000 and "total_capped" says when it stopped. */
int gg_store_review_queue(gg_store *s, const gg_review_query *q, json_t **out);
/** Ids of the first max items of the queue (for claiming the next one). */
int gg_store_review_queue_ids(gg_store *s, const gg_review_query *q, int64_t *ids, int max,
                              int *n);
/** Why the filter routed the item: the submission (staff fields) plus
 *  "evidence": {scores, rules, regions, duplicate, cluster, group,
 *  suggestions (ideas of its near-copies), author_posts, claim, history}. */
int gg_store_review_item(gg_store *s, int64_t id, json_t **out);
/** Campaign id of a slug; GG_ENOTFOUND. */
int gg_store_review_campaign_id(gg_store *s, const char *slug, int64_t *id_out);

/* ---- audit ---------------------------------------------------------------- */

/** Recompute the hash chain over the whole audit table. *bad_out gets the
 *  number of problems; report {"rows", "head", "problems":[{id, problem}]}
 *  (at most 100 listed). 0 even when problems were found. */
int gg_store_audit_verify(gg_store *s, int *bad_out, json_t **report);
/** Walk audit rows with their chain links, id > after_id, in id order; fn
 *  stops the walk by returning non-zero (returned). */
int gg_store_audit_walk(gg_store *s, int64_t after_id, int limit,
                        int (*fn)(void *arg, json_t *row), void *arg);

/** Append one audit row (blocking) for a change made outside a staff
 *  request, such as a model swap or rollback by `gagas train`: actor is a
 *  staff e-mail (actor_id is then that user's) or any other name ("system",
 *  "cli:<login>"); before_json, after_json and reason may be NULL. */
int gg_store_audit_append(gg_store *s, const char *actor, const char *action,
                          const char *object_type, int64_t object_id, const char *before_json,
                          const char *after_json, const char *reason);

/* ---- quality -------------------------------------------------------------- */

/** Raw figures for the quality page, since `since_ms` (unix ms), one
 *  campaign or all (0): {"reviewers":[{user_id,email,actions,undos,
 *  first_ms,last_ms,avg_secs}], "pairs":[{first_user,first_label,
 *  second_user,second_label}], "decision_secs":[{campaign,n,avg_secs,
 *  p50_secs,p90_secs,max_secs}]} — seconds from receipt to the standing
 *  reviewer decision, for decisions made since since_ms; percentiles are
 *  nearest-rank. */
int gg_store_review_stats(gg_store *s, int64_t campaign_id, int64_t since_ms, json_t **out);
/** Merge keys of policy (two_person, double_review) into the campaign's
 *  policy_json (blocking write, audited as actor_id's). */
int gg_store_review_policy_set(gg_store *s, int64_t actor_id, int64_t campaign_id,
                               json_t *policy);
/** Waiting blind second reviews for user (not their own first review). */
int gg_store_review_samples(gg_store *s, int64_t campaign_id, int64_t user_id, int limit,
                            json_t **out);

/* ---- team ------------------------------------------------------------------ */

/** Store an invitation (blocking, audited as created_by's): token_hash
 *  hex, expires_at unix seconds. Team changes below are audited likewise. */
int gg_store_invite_put(gg_store *s, const char *token_hash, const char *email, const char *role,
                        const char *campaigns_json, int64_t created_by, int64_t expires_at,
                        int64_t *id_out);
/** The unused, unexpired invitation with that token hash; GG_ENOTFOUND. */
int gg_store_invite_get(gg_store *s, const char *token_hash, json_t **out);
/** Use an invitation (blocking, one transaction): create the user with the
 *  argon2id hash and the invitation's role and campaigns, mark it used.
 *  GG_ENOTFOUND when used or expired meanwhile, GG_ECONFLICT for a taken
 *  e-mail. */
int gg_store_invite_use(gg_store *s, const char *token_hash, const char *pw_hash,
                        int64_t *user_out);
/** {"users":[{id,email,role,disabled,campaigns,sessions}], "invites":[…]}. */
int gg_store_team_list(gg_store *s, json_t **out);
/** Change role / disabled / campaigns of a user (blocking; NULL or -1 keep
 *  what is stored; campaigns is a JSON array of slugs). Disabling ends the
 *  user's sessions. GG_ENOTFOUND, GG_EINVAL. */
int gg_store_team_user_set(gg_store *s, int64_t actor_id, int64_t user_id, const char *role,
                           int disabled, json_t *campaigns);
/** Sessions of a user, newest first: [{id, created_at, expires_at, ip,
 *  user_agent, current}] (current: token_hash matches). */
int gg_store_team_sessions(gg_store *s, int64_t user_id, const char *current_hash, json_t **out);
/** End one session (of user_id unless user_id is 0) or, with session_id 0,
 *  every session of user_id except keep_hash (NULL: all). Blocking.
 *  *n_out gets the number ended. */
int gg_store_team_sessions_end(gg_store *s, int64_t actor_id, int64_t user_id,
                               int64_t session_id, const char *keep_hash, int *n_out);
/** 1 when user_id may work campaign_id (no assignment means every one). */
int gg_store_team_may_review(gg_store *s, int64_t user_id, int64_t campaign_id);
/** 1 when the user has any campaign assignment. */
int gg_store_team_assigned(gg_store *s, int64_t user_id);

/* ---- training labels ---------------------------------------------------------- */

/** Walk reviewer decisions that stand (not undone) with the text and the
 *  filter's labels: fn(arg, id, text, action, reason, labels_json). */
int gg_store_review_labels(gg_store *s, int (*fn)(void *arg, int64_t id, const char *text,
                                                  const char *action, const char *reason,
                                                  const char *labels_json),
                           void *arg);

/** Walk reviewers' relabels that stand (their action not undone), the
 *  newest per item, in item id order: fn(arg, id, text, topics, kind) with
 *  topics a JSON array text or NULL (not relabelled), kind NULL likewise. */
int gg_store_review_relabels(gg_store *s,
                             int (*fn)(void *arg, int64_t id, const char *text,
                                       const char *topics_json, const char *kind),
                             void *arg);

#endif
