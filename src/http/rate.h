/*
 * rate.h — fixed-window rate counters keyed by text (http layer). Used for
 * public writes per address and failed logins per address+e-mail. Memory
 * is fixed: keys hash into a table of slots; two keys that share a slot
 * share a counter, which can only make a limit stricter, never looser.
 * Thread-safe.
 */
#ifndef GG_HTTP_RATE_H
#define GG_HTTP_RATE_H
#include <stdint.h>

typedef struct gg_rate gg_rate;

/** A table of nslots counters, each counting within window_s seconds. */
gg_rate *gg_rate_new(int nslots, int window_s);
void gg_rate_free(gg_rate *r);
/** Add n (0 to only read) to key's counter in the current window; returns
 *  the count after adding. */
int gg_rate_add(gg_rate *r, const char *key, int n);
/** Seconds until key's window ends (for Retry-After). */
int gg_rate_retry_after(gg_rate *r, const char *key);

#endif
