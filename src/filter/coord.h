/*
 * coord.h — coordinated-campaign ("buzzer") detection over a stream of posts
 * (filter layer, depends on core only). Posts of one near-duplicate cluster
 * (the id gg_dedup_add returned, or the post's own id) are chained in time:
 * a post within `window` seconds of the cluster's current run joins it, a
 * later one starts a new run. A run with at least `min_authors` distinct
 * authors becomes a coordinated group. Since a group only shows after its
 * k-th copy, ask gg_coord_group_of for every id once the stream has ended.
 */
#ifndef GG_FILTER_COORD_H
#define GG_FILTER_COORD_H
#include <stddef.h>
#include <stdint.h>

/** created_at value meaning "time unknown": such a post joins the current
 *  run of its cluster whatever its time (the dev set has no times). */
#define GG_COORD_NOTIME INT64_MIN

/** Tuning; zero fields take the defaults given here. */
typedef struct gg_coord_opts {
    int min_authors;       /* distinct authors that make a group; 3 */
    int64_t window;        /* seconds between consecutive posts of one run; 6 h */
    int64_t new_account;   /* an account younger than this at posting is "new"; 30 days */
    int min_words;         /* posts known to be shorter ("setuju pak") never group:
                              many people write them alike on their own; 5 */
    int burst_authors;     /* hashtag burst: distinct authors within burst_window; 20 */
    int64_t burst_window;  /* seconds; 1 h */
    double burst_ratio;    /* and that many times the tag's usual rate; 3 */
} gg_coord_opts;

/** One observed post. Strings are borrowed for the call only. */
typedef struct gg_coord_obs {
    int64_t id;                  /* the post (>= 0, unique per stream) */
    const char *author;          /* author key (e.g. HMAC hex); NULL = unknown, counts as distinct */
    size_t author_len;
    int64_t created_at;          /* epoch seconds, or GG_COORD_NOTIME */
    int64_t cluster;             /* dedup cluster id: gg_dedup_add's answer, else id itself.
                                    An answer that is itself an observed copy is followed
                                    to that copy's cluster. */
    int n_words;                 /* words in the post; 0 = unknown (no length rule) */
    const char *const *hashtags; /* lower-cased, without '#'; may be NULL */
    size_t n_hashtags;
    int64_t author_created_at;   /* account creation, epoch seconds; 0 = unknown */
} gg_coord_obs;

/** Evidence of one coordinated group; strings borrowed from the detector. */
#define GG_COORD_MAX_TAGS 8
typedef struct gg_coord_group {
    int64_t group;         /* group id, 1.. */
    int64_t cluster;       /* the near-duplicate cluster (its earliest post id) */
    size_t members;        /* posts in the group */
    size_t authors;        /* distinct authors among them */
    int64_t first_at;      /* earliest / latest known time, GG_COORD_NOTIME if none known */
    int64_t last_at;
    size_t same_second;    /* posts sharing their exact second with another member */
    size_t new_accounts;   /* posts by accounts younger than opts.new_account */
    size_t n_tags;         /* hashtags used by at least half of the members */
    const char *tags[GG_COORD_MAX_TAGS];
} gg_coord_group;

typedef struct gg_coord gg_coord;

/** New detector (opts may be NULL); caller frees with gg_coord_free. */
gg_coord *gg_coord_new(const gg_coord_opts *opts);
/** Free; NULL is allowed. */
void gg_coord_free(gg_coord *c);

/**
 * Observe one post. Returns the group id (> 0) when its run already is a
 * coordinated group with this post, 0 otherwise (it may still become part
 * of one later: see gg_coord_group_of). GG_EINVAL (< 0) for an id < 0 or an
 * id seen before. Not thread-safe: one writer.
 */
int64_t gg_coord_observe(gg_coord *c, const gg_coord_obs *obs);

/** The group of an observed id as of now (final once the stream ended), or 0. */
int64_t gg_coord_group_of(const gg_coord *c, int64_t id);

/** Number of groups so far; their ids are 1..count. */
size_t gg_coord_count(const gg_coord *c);

/** Evidence of group `group` into *out: 0, or GG_ENOTFOUND. The tag strings
 *  live until gg_coord_free. */
int gg_coord_group_get(const gg_coord *c, int64_t group, gg_coord_group *out);

/** Member post ids of a group, in observation order, up to max into ids;
 *  returns the total member count (may exceed max), or GG_ENOTFOUND. */
int64_t gg_coord_members(const gg_coord *c, int64_t group, int64_t *ids, size_t max);

/** A hashtag burst: many distinct authors using one tag within a short window,
 *  well above the tag's usual rate. Evidence for reviewers and dashboards,
 *  not a label: a party's own campaign hashtag bursts too. */
typedef struct gg_coord_burst {
    const char *tag;          /* borrowed, lives until gg_coord_free */
    size_t uses, authors;     /* over the whole stream (posts with a known time) */
    size_t peak_authors;      /* distinct authors in the busiest window */
    int64_t peak_start;       /* time of the first post of that window */
    size_t peak_new_accounts; /* posts by new accounts in that window */
    double ratio;             /* peak_authors / the tag's mean uses per window */
} gg_coord_burst;

/**
 * Hashtag bursts in the stream so far (posts without a time are left out):
 * tags whose busiest burst_window has at least burst_authors distinct authors
 * and burst_ratio times the tag's mean uses per window over the whole stream
 * (so a stream shorter than burst_ratio windows shows none). Writes up to max into
 * out, most peak authors first; returns how many there are.
 * O(tag uses log tag uses); memory ~24 bytes per timed hashtag use.
 */
int gg_coord_bursts(const gg_coord *c, gg_coord_burst *out, int max);

#endif
