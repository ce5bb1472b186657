/*
 * poll_int.h — one poll's ballots and channel totals, shared by the poll
 * results (store/engage.c) and the polls export (store/insight.c) (store
 * layer, private; issues 5 and 6).
 */
#ifndef GG_STORE_POLL_INT_H
#define GG_STORE_POLL_INT_H
#include "store/sqlite_int.h"

/** What one poll's tally fills in (objects owned by the caller). */
typedef struct gg_poll_tally {
    json_t *counts;     /* {"<option index>": n}: every ballot and channel total */
    json_t *by_channel; /* {"<channel>": {"<option index>": n}}, or NULL: not wanted */
    json_t *by_region;  /* {"<province>": {…}} of the ballots only, or NULL: not wanted */
    json_int_t voters_web;     /* portal votes */
    json_int_t voters_channel; /* channel answers, plus the voters X and Mastodon report */
} gg_poll_tally;

/** Tally portal poll poll_id (0: none) with the channel polls sent for it,
 *  or the channel poll outbox_id sent on its own (0: none): the portal's
 *  web votes, the answers that came back (Telegram: "0,2"; an empty one is
 *  a withdrawn vote) and the totals per option X and Mastodon report with
 *  a sent poll's counts (channels/metrics.c: counts.poll, counts.poll_voters;
 *  no per-voter answers, so no region). Adds to t's objects; 0 or the
 *  SQLite error mapped. Runs on the caller's connection. */
int gg_store__poll_tally(gg_conn *c, int64_t poll_id, int64_t outbox_id, gg_poll_tally *t);

#endif
