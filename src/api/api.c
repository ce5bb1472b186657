/*
 * api.c — wires the api layer: install secret, rate limiters, routes.
 */
#include "api/api_int.h"
#include "api/quiz.h"
#include "core/err.h"
#include <string.h>

int gg_api_init(gg_api *a, gg_store *store, gg_http *http, const gg_config *cfg)
{
    memset(a, 0, sizeof(*a));
    a->store = store;
    a->http = http;
    a->cfg = cfg;
    if (gg_api_secret_load(cfg->secret_file, a->secret) != 0)
        return GG_EIO;
    a->rate_submit = gg_rate_new(1 << 14, 60);
    a->rate_login = gg_rate_new(1 << 12, 15 * 60);
    if (gg_online_open(&a->online, cfg->data_dir) != 0)
        return GG_EINVAL;
    /* near-duplicates and coordination look back over the newest posts */
    gg_api_online_rebuild(store, a->online, 500000);
    gg_api__register_public(a, http);
    gg_api__register_auth(a, http);
    gg_api__register_review(a, http);
    gg_api__register_pages(a, http);
    gg_api__register_console(a, http);
    gg_api__register_engage(a, http);
    gg_api__register_quiz(a, http);             /* api/quiz.c (issue 5) */
    gg_api__register_engage_console(a, http);   /* api/engage_console.c (issue 5) */
    gg_api__register_insight(a, http);
    gg_api__register_hooks(a, http);
    gg_api__register_channels(a, http); /* api/channels.c (issue 7) */
    return gg_api__hooks_start(a);
}

void gg_api_dispose(gg_api *a)
{
    gg_api__hooks_stop(a);
    gg_online_close(a->online);
    a->online = NULL;
    gg_rate_free(a->rate_submit);
    gg_rate_free(a->rate_login);
}
