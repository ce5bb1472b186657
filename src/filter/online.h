/*
 * online.h — the automatic filter as the server runs it (filter layer):
 * every submission gets its labels (language, topics, kind, constructive,
 * abuse, hate, spam, sentiment, regions with dapil), its near-duplicate
 * among the campaign's earlier posts, a priority for the review queue and a
 * route — auto-reject with a reason, merge into the idea its copy already
 * joined, or the review queue. Coordinated groups form as copies arrive
 * from distinct authors; a group's members are flagged for review together.
 *
 * Threads: gg_online_judge may run on any number of threads at once (the
 * HTTP loops); gg_online_after runs on the store's writer thread after the
 * submission committed. State (near-duplicate index, coordination detector)
 * is per campaign and locked inside.
 */
#ifndef GG_FILTER_ONLINE_H
#define GG_FILTER_ONLINE_H
#include <jansson.h>
#include <stdint.h>

typedef struct gg_online gg_online;

/** Load what exists under data_dir: models/ (each head optional),
 *  lexicon/topics.tsv, geo/. Never fails for a missing model: that stage
 *  is then off and the labels say so. 0 or GG_EINVAL for a corrupt file. */
int gg_online_open(gg_online **out, const char *data_dir);
void gg_online_close(gg_online *o);
/** 1 when classifier heads were loaded. */
int gg_online_has_models(const gg_online *o);

/** Per-campaign routing thresholds (campaigns.policy_json; absent keys keep
 *  these defaults). */
typedef struct gg_online_policy {
    double spam_reject;   /* spam score at or above which a post is auto-rejected: 0.92 */
    double abuse_reject;  /* abusive or hate score …, when not constructive: 0.97 */
    int merge_duplicates; /* merge a near-copy of an accepted idea's post into it: 1 */
} gg_online_policy;
void gg_online_policy_parse(gg_online_policy *p, json_t *policy_json);

typedef struct gg_online_in {
    int64_t campaign_id;
    const char *text, *norm; /* as written, and gg_text_analyze's norm */
    size_t text_len, norm_len;
    const gg_online_policy *policy; /* NULL: defaults */
} gg_online_in;

typedef struct gg_online_verdict {
    char *labels_json;   /* malloc'd: the labels, the route and its reasons */
    json_t *labels;      /* the same, as JSON (for the store's facts row; no re-parse) */
    double priority;     /* 0..1: constructive, novel, uncertain first */
    const char *state;   /* "queued" | "rejected" (static) */
    const char *reason;  /* auto-rejection reason or NULL (static) */
    int64_t dup_of;      /* earlier near-copy in the campaign, 0 none */
    int64_t group_id;    /* the coordinated group dup_of already belongs to, 0 none: the
                            post is stored in it at once (no second write later) */
} gg_online_verdict;

/** Judge one post before it is stored. Free with gg_online_verdict_dispose. */
int gg_online_judge(gg_online *o, const gg_online_in *in, gg_online_verdict *out);
void gg_online_verdict_dispose(gg_online_verdict *v);

/** A coordinated group that formed or grew with the last post. */
typedef struct gg_online_group {
    int64_t group;      /* 0: none */
    int64_t *members;   /* malloc'd submission ids */
    size_t n;
    char *evidence_json; /* malloc'd */
} gg_online_group;

/** After the post committed as id: index it for near-duplicates and feed the
 *  coordination detector. A group that formed or grew is reported in *grp
 *  (dispose with gg_online_group_dispose); stored_group is the group the post
 *  was stored with (the verdict's group_id), which then is not reported
 *  again. grp->n may be 0 with evidence_json set: evidence to refresh. */
void gg_online_after(gg_online *o, int64_t campaign_id, int64_t id, const char *norm,
                     size_t norm_len, const char *author_key, int64_t created_at,
                     int64_t stored_group, gg_online_group *grp);
void gg_online_group_dispose(gg_online_group *g);

#endif
