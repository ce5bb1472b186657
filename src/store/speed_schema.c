/*
 * speed_schema.c — migration 7: batched aggregate upkeep (store layer,
 * issues 2 and 6). Migration 4 added every facts row to ~30 insight_agg
 * rows inside the submission's own INSERT, which made the single writer
 * CPU-bound. From here on a facts row only appends itself (sign +1 on
 * insert, -1 on delete) to insight_pending, and the writer folds the pending
 * rows into insight_agg once per batch, one upsert per distinct aggregate
 * row, inside the batch's transaction before its COMMIT
 * (store/insight_fold.c). Invariant, at every commit:
 *     insight_agg + expand(insight_pending) == expand(insight_facts)
 * Readers add the pending rows themselves (normally none are left: only a
 * writer other than gagas's, such as the sqlite3 shell, leaves some, and
 * the next batch or the next open folds them).
 * Also: cross-filter aggregates by kind ("k:"), channel ("c:") and language
 * ("l:"), a histogram of review seconds (h0..h15, see
 * gg_store_insight_review_bucket) for medians, and indexes that let a
 * kab/kota or dapil filter read only its own facts.
 */

/* The columns a facts row hands to the fold, in insight_pending's order. */
#define PENDING_COLS(R)                                                                          \
    R ".campaign_id," R ".day," R ".channel," R ".state," R ".auto," R ".reason," R ".lang," R  \
    ".kind," R ".sentiment," R ".topics_json," R ".province," R ".regency," R ".dapil," R       \
    ".coord," R ".review_secs"

#define HIST_COL(i) "ALTER TABLE insight_agg ADD COLUMN h" #i " INTEGER NOT NULL DEFAULT 0;"

const char gg_store__m7_speed[] =
    "CREATE TABLE insight_pending("
    " seq INTEGER PRIMARY KEY,"
    " sign INTEGER NOT NULL," /* 1: a facts row came, -1: it went */
    " campaign_id INTEGER NOT NULL, day INTEGER NOT NULL,"
    " channel TEXT NOT NULL, state TEXT NOT NULL, auto INTEGER NOT NULL,"
    " reason TEXT NOT NULL, lang TEXT NOT NULL, kind TEXT NOT NULL, sentiment TEXT NOT NULL,"
    " topics_json TEXT NOT NULL, province TEXT NOT NULL, regency TEXT NOT NULL,"
    " dapil TEXT NOT NULL, coord INTEGER NOT NULL, review_secs INTEGER);"

    /* the per-row work left: one appended row (and the cluster count, which
     * only near-duplicates touch) */
    "DROP TRIGGER insight_facts_add;"
    "DROP TRIGGER insight_facts_sub;"
    "CREATE TRIGGER insight_facts_add AFTER INSERT ON insight_facts BEGIN"
    " INSERT INTO insight_pending VALUES(NULL,1," PENDING_COLS("new") ");"
    " INSERT INTO insight_clusters SELECT new.campaign_id, new.root, 1"
    "  WHERE new.root>0 ON CONFLICT DO UPDATE SET n=n+1; END;"
    "CREATE TRIGGER insight_facts_sub AFTER DELETE ON insight_facts BEGIN"
    " INSERT INTO insight_pending VALUES(NULL,-1," PENDING_COLS("old") ");"
    " UPDATE insight_clusters SET n=n-1 WHERE old.root>0 AND"
    "  campaign_id=old.campaign_id AND root=old.root; END;"

    HIST_COL(0) HIST_COL(1) HIST_COL(2) HIST_COL(3) HIST_COL(4) HIST_COL(5) HIST_COL(6)
        HIST_COL(7) HIST_COL(8) HIST_COL(9) HIST_COL(10) HIST_COL(11) HIST_COL(12) HIST_COL(13)
            HIST_COL(14) HIST_COL(15)

    "CREATE INDEX insight_facts_regency ON insight_facts(campaign_id, regency, day);"
    "CREATE INDEX insight_facts_dapil ON insight_facts(campaign_id, dapil, day);"

    /* the aggregates are rebuilt from the facts (new dimensions, the
     * histogram): the first open after this migration folds them */
    "DELETE FROM insight_agg;"
    "INSERT INTO insight_pending SELECT NULL,1," PENDING_COLS("f") " FROM insight_facts f;";
