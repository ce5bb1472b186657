/*
 * map.h — the portal's server-drawn map of where ideas come from, and the
 * names of regions and topics (api layer, issue 5; private to the api
 * layer like api_int.h, implemented in api/map.c).
 */
#ifndef GG_API_MAP_H
#define GG_API_MAP_H
#include "api/api_int.h"
#include <jansson.h>

/** Append to b the campaign page's map section: an inline SVG choropleth
 *  of counts ({"32": n, …, "": ideas without a province}, as
 *  gg_store_idea_provinces gives), a legend and the same counts as a list,
 *  in lang ("id"/"en"). Visitor-independent, so it may go into the shared
 *  page cache. Without the outline file (data_dir/geo/provinces-map.tsv)
 *  only the list is drawn. Thread-safe. */
void gg_api__province_map(gg_api *a, gg_buf *b, json_t *counts, const char *lang);

/** Name of a province or kab/kota code ("32", "3205"; dots allowed),
 *  borrowed for the process's life; NULL when unknown or no gazetteer. */
const char *gg_api__region_name(gg_api *a, const char *code);

/** Label of a topic slug ("layanan-publik") in lang; the slug itself when
 *  it is not one of the filter's topics. Static or borrowed from slug. */
const char *gg_api__topic_label(const char *slug, const char *lang);

#endif
