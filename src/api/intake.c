/*
 * intake.c — one submission in, from the JSON API or the portal form (api
 * layer). The seam of the pipeline: validate at the edge (UTF-8, size),
 * run the text layer's first step (normalize, extract, redact), key the
 * author pseudonymously, then hand the item to the store's writer and
 * answer only once it is committed — a 202 means it is on disk. The full
 * Indonesian filter (issue 3) plugs in after gg_text_analyze: its labels go
 * into labels_json, its route into state/reason/priority.
 */
#include "api/api_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "text/text.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

typedef struct intake_done {
    gg_pending *p;
    int form;
} intake_done;

static void on_stored(void *arg, int rc, int64_t id, json_t *result)
{
    intake_done *d = arg;
    if (rc == 0 || (rc == GG_ECONFLICT && id > 0)) {
        if (d->form) {
            char loc[64];
            snprintf(loc, sizeof(loc), "/s/%lld", (long long)id);
            gg_pending_redirect(d->p, loc);
        } else {
            /* a repeated Idempotency-Key gets the first id back with 200 */
            gg_pending_json(d->p, rc == 0 ? 202 : 200,
                            json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", "queued"));
        }
    } else {
        gg_pending_error(d->p, rc, "the submission could not be stored; try again");
    }
    free(d);
}

/* Campaign ids by slug change only when campaigns are created: a small
 * per-thread cache keyed by the store generation saves a query per post. */
static int64_t campaign_id(gg_api *a, const char *slug)
{
    static __thread struct {
        char slug[64];
        int64_t id;
        uint64_t gen;
    } cache[8];
    uint64_t gen = gg_store_generation(a->store);
    unsigned h = 0;
    for (const char *p = slug; *p; p++)
        h = h * 31 + (unsigned char)*p;
    h %= 8;
    if (cache[h].gen == gen && cache[h].id > 0 && strcmp(cache[h].slug, slug) == 0)
        return cache[h].id;
    json_t *c = NULL;
    if (gg_store_campaign_get(a->store, slug, &c) != 0)
        return -1;
    int64_t id = json_integer_value(json_object_get(c, "id"));
    json_decref(c);
    if (strlen(slug) < sizeof(cache[h].slug)) {
        snprintf(cache[h].slug, sizeof(cache[h].slug), "%s", slug);
        cache[h].id = id;
        cache[h].gen = gen;
    }
    return id;
}

int gg_api__intake(gg_api *a, gg_req *r, const gg_intake *in)
{
    if (in->text == NULL)
        return gg_req_error(r, GG_EINVAL, "field 'text' is required");
    if (!gg_text_utf8_valid(in->text, in->text_len))
        return gg_req_error(r, GG_EUTF8, "text is not valid UTF-8");
    size_t n = in->text_len;
    while (n && (in->text[n - 1] == ' ' || in->text[n - 1] == '\n' || in->text[n - 1] == '\t'))
        n--;
    if (n == 0)
        return gg_req_error(r, GG_EINVAL, "text is empty");
    int64_t cid = campaign_id(a, in->slug);
    if (cid < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no campaign '%s'", in->slug);
    if (gg_api__rate_public(a, r, in->form) != 0)
        return 0;

    gg_prepared prep;
    int rc = gg_api_prepare(&prep, a->secret, cid, in->channel, in->text, in->text_len,
                            in->author, in->native_id);
    if (rc == GG_ELIMIT)
        return gg_req_error(r, GG_ELIMIT, "text is longer than %d bytes", GG_TEXT_MAX);
    if (rc != 0)
        return gg_req_error(r, rc, "text could not be read");
    intake_done *d = gg_malloc(sizeof(*d));
    d->form = in->form;
    d->p = gg_req_defer(r);
    rc = gg_store_submission_put(a->store, &prep.in, on_stored, d);
    if (rc != 0) { /* refused before queuing: on_stored will not run */
        gg_pending_error(d->p, rc, gg_store_errmsg(a->store));
        free(d);
    }
    gg_api_prepared_dispose(&prep);
    return 0;
}

int gg_api_prepare(gg_prepared *p, const unsigned char secret[32], int64_t campaign_id,
                   const char *channel, const char *text, size_t len, const char *author,
                   const char *native_id)
{
    memset(p, 0, sizeof(*p));
    if (!gg_text_utf8_valid(text, len))
        return GG_EUTF8;
    int rc = gg_text_analyze(&p->doc, text, len);
    if (rc != 0)
        return rc;
    p->entities = json_dumps(p->doc.entities, JSON_COMPACT);
    channel = channel && *channel ? channel : "web";
    if (author && *author) {
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, secret, 32);
        crypto_auth_hmacsha256_update(&st, (const unsigned char *)"author:", 7);
        crypto_auth_hmacsha256_update(&st, (const unsigned char *)channel, strlen(channel));
        crypto_auth_hmacsha256_update(&st, (const unsigned char *)":", 1);
        crypto_auth_hmacsha256_update(&st, (const unsigned char *)author, strlen(author));
        crypto_auth_hmacsha256_final(&st, mac);
        sodium_bin2hex(p->author_key, sizeof(p->author_key), mac, sizeof(mac));
    }
    p->in = (gg_submission_in){
        .campaign_id = campaign_id,
        .channel = channel,
        .native_id = native_id,
        .author_key = p->author_key[0] ? p->author_key : NULL,
        .text = text,
        .display = p->doc.display,
        .norm = p->doc.norm,
        .entities_json = p->entities,
        .state = "queued",
    };
    return 0;
}

void gg_api_prepared_dispose(gg_prepared *p)
{
    free(p->entities);
    gg_text_doc_dispose(&p->doc);
    p->entities = NULL;
}
