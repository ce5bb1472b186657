/*
 * api.h — joins HTTP to the modules (api layer): one file per resource,
 * each thin: parse the request, call the module, answer JSON or HTML.
 */
#ifndef GG_API_API_H
#define GG_API_API_H
#include "core/config.h"
#include "http/http.h"
#include "http/rate.h"
#include "store/store.h"
#include "text/text.h"
#include "channels/channels.h"
#include "filter/online.h"

typedef struct gg_api {
    gg_store *store;
    gg_http *http;
    const gg_config *cfg;
    unsigned char secret[32]; /* install secret: author keys, form tokens */
    gg_rate *rate_submit;     /* public writes per address per minute */
    gg_rate *rate_login;      /* failed logins per address+e-mail per 15 min */
    gg_channel_secrets secrets; /* webhook secrets, from GAGAS_* variables */
    struct gg_inbox *inbox;     /* the channels' inbox processor (api/hooks.c) */
    gg_online *online;          /* the automatic filter (labels, route, duplicates, groups) */
} gg_api;

/** Load (or create, mode 0600) the install secret and register every route
 *  on http. 0, or GG_EIO when the secret file cannot be read or written. */
int gg_api_init(gg_api *a, gg_store *store, gg_http *http, const gg_config *cfg);
void gg_api_dispose(gg_api *a);

/** A submission built from raw text by the pipeline's first step. */
typedef struct gg_prepared {
    gg_submission_in in; /* points into the members below and the caller's strings */
    gg_text_doc doc;
    char *entities;
    char author_key[65];
    char *reply_json; /* set by the channel sink (malloc'd); NULL for the web */
    gg_online_verdict verdict; /* the filter's labels and route (when online was given) */
} gg_prepared;

/** Validate and analyze text, key the author (HMAC of channel:author under
 *  secret), fill p->in with state "queued". GG_EUTF8, GG_EINVAL (empty),
 *  GG_ELIMIT (too long). Dispose p with gg_api_prepared_dispose, after the
 *  store has taken its copy. The same path serves HTTP, demo and imports. */
int gg_api_prepare(gg_prepared *p, const unsigned char secret[32], int64_t campaign_id,
                   const char *channel, const char *text, size_t len, const char *author,
                   const char *native_id);
/** gg_api_prepare, then the filter (when online is not NULL): labels, route
 *  (state/reason), priority and near-duplicate under the campaign's policy. */
int gg_api_prepare_filtered(gg_prepared *p, const unsigned char secret[32], gg_online *online,
                            const gg_online_policy *policy, int64_t campaign_id,
                            const char *channel, const char *text, size_t len,
                            const char *author, const char *native_id);
/** After a prepared submission committed as id: index it and feed the
 *  coordination detector; a group that formed is flagged in the store.
 *  Any thread (usually the writer's, from a done callback). */
void gg_api_after_stored(gg_store *s, gg_online *online, int64_t campaign_id, int64_t id,
                         const char *norm, const char *author_key, int64_t created_at,
                         int64_t stored_group);
/** Rebuild the filter's in-memory indexes from the newest stored posts. */
void gg_api_online_rebuild(gg_store *s, gg_online *online, int limit);
void gg_api_prepared_dispose(gg_prepared *p);

/** Load or create the install secret at path into out (used by the CLI too). */
int gg_api_secret_load(const char *path, unsigned char out[32]);

#endif
