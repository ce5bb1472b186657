/*
 * json.h — compact JSON text of a jansson value, fast (core layer).
 * The output is byte for byte what json_dumps(v, JSON_COMPACT |
 * JSON_REAL_PRECISION(6)) writes; reals with at most three decimals (the
 * filter's scores) skip snprintf, which made json_dumps cost ~100,000
 * instructions for one post's labels.
 */
#ifndef GG_CORE_JSON_H
#define GG_CORE_JSON_H
#include <jansson.h>

/** Malloc'd, NUL-terminated text of v (an object or array, or any value);
 *  NULL when v holds something json_dumps refuses. */
char *gg_json_compact(const json_t *v);

#endif
