/*
 * config.h — gagas configuration (core layer). Sources, later wins:
 * built-in defaults < file (--config PATH or GAGAS_CONFIG; `key = value`
 * lines, # comments) < environment (GAGAS_<KEY>, upper case) < flags
 * (--key value or --key=value; dashes and underscores are the same).
 */
#ifndef GG_CORE_CONFIG_H
#define GG_CORE_CONFIG_H
#include <stddef.h>

/** base_url when none is configured. Links sent out on the channels use it
 *  as is; the portal's own absolute links (quiz share) take the request's
 *  Host instead, since the server may listen elsewhere. */
#define GG_CONFIG_BASE_URL_DEFAULT "http://127.0.0.1:8080"

typedef struct gg_config {
    char listen[128];       /* host:port */
    char db[512];           /* SQLite file path */
    char web_dir[512];      /* static files (portal, console) */
    char data_dir[512];     /* lexicons, gazetteer, models */
    char secret_file[512];  /* install secret (HMAC of author ids, CSRF); created if missing */
    char log_level[16];
    char base_url[256];     /* public URL, for links sent out */
    int threads;            /* event loops */
    long body_cap;          /* bytes, request bodies */
    int rate_submit;        /* public writes per minute per address; 0 = off */
    int rate_login;         /* failed logins per 15 min per address+email */
    int tls;                /* 1 when served behind TLS: Secure cookies */
    int commit_batch;       /* max writes per commit */
    int review_lease_s;     /* seconds a reviewer's claim on an item lasts */
    char default_campaign[64]; /* campaign for channel posts that name none of its hashtags */
    /* channels, network side (issue 7) */
    char secrets_file[512];        /* NAME=value lines (GAGAS_* secrets, tokens); env wins */
    char channel_base_urls[1024];  /* "host=url,…" ("*" = every host, "mastodon" = instance) */
    int channel_tick_ms;           /* sender/puller wake-up period */
    int channel_poll_s;            /* seconds between pulls of one stream */
    int channel_backoff_ms;        /* first retry delay; doubles with jitter */
    int channel_stream_idle_s;     /* a streaming connection silent this long is dropped */
    int channel_metrics_s;         /* seconds between reach/engagement fetches of a call */
    int channel_max_attempts;      /* sends before an outbox row is 'failed' */
    int channels_run;              /* 0: do not start the sender and puller */
    char instagram_image_url[512]; /* image for Instagram campaign calls */
} gg_config;

/** Fill cfg with defaults. */
void gg_config_defaults(gg_config *cfg);

/**
 * Apply file, environment and flags. argv[0] is skipped; flags that are not
 * configuration keys are left for the caller: they are moved to the front of
 * argv and their count is returned through *rest_argc. Returns 0 or GG_EINVAL
 * with a message in err (cap errcap).
 */
int gg_config_load(gg_config *cfg, int argc, char **argv, int *rest_argc, char *err, size_t errcap);

/** Set one key from a string; GG_ENOTFOUND for an unknown key, GG_EINVAL for a bad value. */
int gg_config_set(gg_config *cfg, const char *key, const char *value);

#endif
