/*
 * insight_fold.h — the expansion of facts rows into aggregate rows, shared
 * by the writer's per-batch fold and the readers (store layer, private;
 * see insight_fold.c and speed_schema.c).
 */
#ifndef GG_STORE_INSIGHT_FOLD_H
#define GG_STORE_INSIGHT_FOLD_H
#include "store/sqlite_int.h"

/** The pending rows' columns, in the order gg_store__insight_pending_row reads. */
#define GG_STORE__PENDING_SELECT                                                                 \
    "SELECT sign, campaign_id, day, channel, state, auto, reason, lang, kind, sentiment,"        \
    " topics_json, province, regency, dapil, coord, review_secs, seq FROM insight_pending"

/** A facts row's keys (strings borrowed from the statement row). */
typedef struct gg_fact {
    int64_t campaign_id;
    int day, coord; /* coord: 1 coordinated, 0 organic */
    const char *channel, *reason, *lang, *kind, *province, *regency, *dapil, *topics_json;
} gg_fact;

/** Called once per aggregate row a fact belongs to: prefix "" (plain),
 *  "t:", "p:", "k:", "c:" or "l:"; sel the topic, province, kind, channel
 *  or language it is within ("" for plain); dim and key as in insight_agg. */
typedef void (*gg_fact_fn)(void *arg, const char *prefix, const char *sel, const char *dim,
                           const char *key);
/** Call fn for every aggregate row f belongs to; with want_prefix (and
 *  want_sel) only for the rows of that one selector (a reader's). */
void gg_store__insight_expand(const gg_fact *f, const char *want_prefix, const char *want_sel,
                              gg_fact_fn fn, void *arg);
/** The counts one fact adds (sign 1) or removes (sign -1). */
void gg_store__insight_vector(const char *state, int aut, const char *sentiment, int reviewed,
                              int64_t secs, int64_t sign, int64_t v[GG_INSIGHT_NCOL]);
/** The current row of a GG_STORE__PENDING_SELECT statement as a fact and
 *  its signed counts. */
void gg_store__insight_pending_row(sqlite3_stmt *st, gg_fact *f, int64_t v[GG_INSIGHT_NCOL]);
/** The fold in two steps, so the expansion runs off the writer's thread:
 *  collect reads up to max_rows pending rows (oldest first) on the caller's
 *  read connection and sums their aggregate rows in memory (NULL: none
 *  pending); apply, on the writer inside a job, upserts the sums and
 *  deletes the rows collected. */
typedef struct gg_fold gg_fold;
gg_fold *gg_store__fold_collect(gg_conn *c, int64_t max_rows);
int gg_store__fold_apply(gg_conn *c, gg_fold *g);
void gg_store__fold_free(gg_fold *g);
/** Fold every insight_pending row into insight_agg and delete them, inside
 *  the caller's transaction (writer connection). *folded_out: rows folded.
 *  0 or the SQLite error mapped (the caller rolls back). */
int gg_store__insight_fold(gg_conn *c, int64_t *folded_out);

#endif
