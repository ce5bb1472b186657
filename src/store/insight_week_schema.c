/*
 * insight_week_schema.c — migrations 12 and 13: week sums beside the day rows of
 * insight_agg (store layer, issue 6). A 90-day map read ~70,000 day rows at
 * 10^6 posts, 49,000 of them kab/kota; the same counts summed per week
 * (Monday to Sunday) cut that to the whole weeks of the period plus at
 * most six edge days each side. A week row is the day row's dimension with
 * a "W" in front ("Wregency", "Wt:dapil", …) and day = its Monday (days
 * since 1970-01-01; 1970-01-05 was a Monday, so Monday = day - (day+3) % 7).
 * Every dimension has them except "all" and "channel", whose daily series
 * the dashboard draws anyway. The writer's fold keeps them from here on
 * (store/insight_fold.c); this fills them for what is already folded.
 * Invariant: for every (dim, campaign, sel, key, coord) and Monday w,
 *     W-row(w) == sum of day rows w .. w+6
 */
#define WEEK_COUNTS(F)                                                                           \
    F("n") "," F("received") "," F("filtered") "," F("queued") "," F("accepted") "," F("merged") \
    "," F("rejected") "," F("escalated") "," F("withdrawn") "," F("auto_rejected") ","          \
    F("auto_merged") "," F("pos") "," F("neu") "," F("neg") "," F("reviewed") ","               \
    F("review_secs") "," F("h0") "," F("h1") "," F("h2") "," F("h3") "," F("h4") "," F("h5")    \
    "," F("h6") "," F("h7") "," F("h8") "," F("h9") "," F("h10") "," F("h11") "," F("h12") ","  \
    F("h13") "," F("h14") "," F("h15")
#define WEEK_NAME(c) c
#define WEEK_SUM(c) "sum(" c ")"

const char gg_store__m12_insight_week[] =
    "INSERT INTO insight_agg(dim, campaign_id, sel, day, key, coord, " WEEK_COUNTS(WEEK_NAME) ")"
    " SELECT 'W' || dim, campaign_id, sel, day - (day + 3) % 7, key, coord, "
    WEEK_COUNTS(WEEK_SUM)
    " FROM insight_agg WHERE dim NOT IN ('all', 'channel') AND dim NOT LIKE '_:all'"
    " AND dim NOT LIKE '_:channel' AND dim NOT LIKE 'W%'"
    " GROUP BY dim, campaign_id, sel, day - (day + 3) % 7, key, coord;";

/* Migration 13: two cross filters (kind and channel, channel and
 * language, …) read the facts of the period, ~500,000 rows for 90 days at
 * 10^6 posts, to keep ~14,000. With a channel or a kind among the filters
 * the facts of that channel (a seventh) or kind (a fifth) are read through
 * these instead (store/insight.c, scan_facts_one). */
const char gg_store__m13_insight_facts_idx[] =
    "CREATE INDEX insight_facts_channel ON insight_facts(campaign_id, channel, day);"
    "CREATE INDEX insight_facts_kind ON insight_facts(campaign_id, kind, day);";
