/*
 * insight.h — what the people want, as numbers (insight layer, issue 6;
 * uses core and store). Builds the analyst's summary from the store's
 * aggregate rows: volumes by day and channel, the funnel with review
 * times, topics with support and sentiment, regions, bursts ("rising this
 * week against the last four"), ideas, near-duplicate clusters and
 * coordinated groups (counted as one voice each). Also the small pure
 * helpers the exports and pages share: day arithmetic and CSV cells.
 * Threads: any; each call uses the calling thread's read connection.
 */
#ifndef GG_INSIGHT_INSIGHT_H
#define GG_INSIGHT_INSIGHT_H
#include "core/buf.h"
#include "store/store.h"
#include <jansson.h>

/** Longest period one summary covers, in days (a cap on the series). */
#define GG_INSIGHT_MAX_DAYS 3660

/** Build the summary for f (see docs/insight.md for its shape) as a new
 *  object (caller decrefs). top caps each list (ideas, clusters, groups).
 *  GG_EINVAL for a period longer than GG_INSIGHT_MAX_DAYS or reversed;
 *  store errors as they come. */
int gg_insight_summary(gg_store *s, const gg_insight_filter *f, int top, json_t **out);

/** Burst score of a count this week against the four weeks before (their
 *  sum): a Poisson z-score (week - mean) / sqrt(mean + 1), so a topic that
 *  goes from 0 to 3 does not outrank one that goes from 200 to 400. */
double gg_insight_burst(int64_t week, int64_t prev4_sum);

/** "YYYY-MM-DD" (anything after the date, such as "T…Z", is ignored) to
 *  days since 1970-01-01; GG_EINVAL when it is not a real date. */
int gg_insight_parse_day(const char *s, int *out);
/** Days since 1970-01-01 as "YYYY-MM-DD" into out (11 bytes). */
void gg_insight_day_str(int day, char out[11]);

/** Append one CSV cell (RFC 4180 quoting). Text that a spreadsheet would
 *  run as a formula (= + - @ at the start) gets a leading apostrophe.
 *  GG_ELIMIT when b's cap is hit. */
int gg_insight_csv_cell(gg_buf *b, json_t *v);

#endif
