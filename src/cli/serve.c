/*
 * serve.c — `gagas serve` (cli layer): open the store, load the text
 * tables, start the HTTP loops, stop cleanly on SIGINT/SIGTERM (queued
 * writes are committed before exit).
 */
#include "api/api.h"
#include "channels/accounts.h"
#include "cli/cli.h"
#include "core/log.h"
#include "http/http.h"
#include "store/store.h"
#include "text/text.h"
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static gg_http *running;

static void on_signal(int sig)
{
    (void)sig;
    if (running)
        gg_http_stop(running);
}

int gg_cli_serve(gg_config *cfg, int argc, char **argv)
{
    gg_store *store = NULL;
    gg_http *http = NULL;
    gg_api api;
    int rc = 1;
    if (argc > 0) {
        fprintf(stderr, "gagas serve: unknown argument '%s'\n", argv[0]);
        return 2;
    }
    if (gg_text_init(cfg->data_dir) != 0)
        gg_log(GG_LOG_WARN, "text tables not loaded; normalizing without them",
               "\"data_dir\":\"%s\"", cfg->data_dir);
    if (gg_store_open(&store, cfg->db, cfg->commit_batch) != 0) {
        gg_log(GG_LOG_ERROR, "cannot open the database", "\"error\":\"%s\"",
               gg_store_errmsg(NULL));
        return 1;
    }
    gg_http_opts o = {.listen = cfg->listen,
                      .threads = cfg->threads,
                      .body_cap = (size_t)cfg->body_cap,
                      .web_dir = cfg->web_dir,
                      .tls = cfg->tls};
    /* channels: GAGAS_* secrets from the secrets file, before any thread reads them */
    if (gg_secrets_file_load(cfg->secrets_file) != 0)
        goto done;
    http = gg_http_new(&o);
    if (gg_api_init(&api, store, http, cfg) != 0)
        goto done;
    running = http;
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    gg_log(GG_LOG_INFO, "gagas starting",
           "\"db\":\"%s\",\"schema\":%d,\"web_dir\":\"%s\",\"rate_submit\":%d", cfg->db,
           gg_store_schema_version(store), cfg->web_dir, cfg->rate_submit);
    rc = gg_http_run(http) == 0 ? 0 : 1;
    gg_api_dispose(&api);
done:
    running = NULL;
    gg_http_free(http);
    gg_store_close(store);
    gg_log(GG_LOG_INFO, "gagas stopped", "\"rc\":%d", rc);
    return rc;
}
