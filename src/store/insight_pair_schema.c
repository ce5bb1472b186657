/*
 * insight_pair_schema.c — migration 17: aggregates for two filters together
 * (store layer, issue 6). Two of topic, province, kind, channel and
 * language (kind and language, a topic in one channel, …) read the facts
 * of the whole period until now: ~100,000 rows for 90 days at 10^6 posts,
 * 300-470 ms. The writer's fold now also keeps every dimension within each
 * such pair (selector prefix the two letters, "kl:", "tc:", …; sel the two
 * values joined by '|': store/insight_fold.c). The aggregates are rebuilt
 * from the facts: insight_agg and the rows still pending are emptied and
 * every facts row is queued again, so the first open after this migration
 * folds them all (as after migration 7).
 */

/* The columns a facts row hands to the fold, in insight_pending's order
 * (as in store/speed_schema.c). */
#define PAIR_PENDING_COLS(R)                                                                     \
    R ".campaign_id," R ".day," R ".channel," R ".state," R ".auto," R ".reason," R ".lang," R  \
    ".kind," R ".sentiment," R ".topics_json," R ".province," R ".regency," R ".dapil," R       \
    ".coord," R ".review_secs"

const char gg_store__m17_insight_pairs[] =
    "DELETE FROM insight_agg;"
    "DELETE FROM insight_pending;"
    "INSERT INTO insight_pending SELECT NULL,1," PAIR_PENDING_COLS("f") " FROM insight_facts f;";
