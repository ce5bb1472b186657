/*
 * insight.c — dashboards, aggregates, exports, report (api layer, issue 6).
 */
#include "api/api_int.h"

void gg_api__register_insight(gg_api *a, gg_http *h)
{
    (void)a;
    (void)h;
}
