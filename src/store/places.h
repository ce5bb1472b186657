/*
 * places.h — where public ideas come from and what they are about, for the
 * citizen portal (store layer, issue 5; backend-neutral like store.h,
 * implemented in store/places.c). An idea's topics and place are those of
 * the first post it was made of (its lowest submission id), as the filter
 * labelled it (insight_facts) — the same rule as gg_store_insight_ideas.
 */
#ifndef GG_STORE_PLACES_H
#define GG_STORE_PLACES_H
#include "store/store.h"

/** Topics and place of idea id: *out = {"topics":[…], "province":"32",
 *  "regency":"3205"} (codes without dots, "" when unknown); an idea without
 *  a labelled post gets empty ones. Caller decrefs. 0, or GG_EIO. Any
 *  thread (reader connection). */
int gg_store_idea_place(gg_store *s, int64_t id, json_t **out);

/** Public ideas (every status but ditolak) of campaign slug per province
 *  of their first post: *out = {"32": 12, "35": 4, "": 2} ("" = no known
 *  province). Caller decrefs. 0, or GG_EIO. One indexed pass over the
 *  campaign's ideas; any thread. */
int gg_store_idea_provinces(gg_store *s, const char *slug, json_t **out);

#endif
