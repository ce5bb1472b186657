/*
 * hooks.c — webhooks of the channels: /hooks/<channel> (api layer, issue 7).
 */
#include "api/api_int.h"

void gg_api__register_hooks(gg_api *a, gg_http *h)
{
    (void)a;
    (void)h;
}
