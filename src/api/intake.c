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
#include <time.h>

typedef struct intake_done {
    gg_api *a;
    gg_pending *p;
    int form;
    int64_t campaign_id, group_id;
    const char *state; /* static */
    char *norm, *author_key;
} intake_done;

static void on_stored(void *arg, int rc, int64_t id, json_t *result)
{
    intake_done *d = arg;
    const char *state = d->state;
    if (rc == 0) {
        json_t *st = json_object_get(result, "state");
        if (json_is_string(st))
            state = json_string_value(st);
        gg_api_after_stored(d->a->store, d->a->online, d->campaign_id, id, d->norm,
                            d->author_key, (int64_t)time(NULL), d->group_id);
    }
    if (rc == 0 || (rc == GG_ECONFLICT && id > 0)) {
        if (d->form) {
            char loc[64];
            snprintf(loc, sizeof(loc), "/s/%lld", (long long)id);
            gg_pending_redirect(d->p, loc);
        } else {
            /* a repeated Idempotency-Key gets the first id back with 200 */
            gg_pending_json(d->p, rc == 0 ? 202 : 200,
                            json_pack("{s:I,s:s}", "id", (json_int_t)id, "state",
                                      rc == 0 ? state : "queued"));
        }
    } else {
        gg_pending_error(d->p, rc, "the submission could not be stored; try again");
    }
    free(d->norm);
    free(d->author_key);
    free(d);
}

/* Campaign ids by slug change only when campaigns are created: a small
 * per-thread cache keyed by the store generation saves a query per post. */
static int64_t campaign_id(gg_api *a, const char *slug, gg_online_policy *policy, int *phase)
{
    static __thread struct {
        char slug[64];
        int64_t id;
        uint64_t gen;
        gg_online_policy policy;
        char status[16], opens[32], closes[32]; /* the phase moves with the clock */
    } cache[8];
    uint64_t gen = gg_store_generation(a->store);
    unsigned h = 0;
    for (const char *p = slug; *p; p++)
        h = h * 31 + (unsigned char)*p;
    h %= 8;
    if (cache[h].gen == gen && cache[h].id > 0 && strcmp(cache[h].slug, slug) == 0) {
        *policy = cache[h].policy;
        *phase = gg_api__campaign_phase(cache[h].status, cache[h].opens, cache[h].closes);
        return cache[h].id;
    }
    json_t *c = NULL, *pol = NULL;
    if (gg_store_campaign_get(a->store, slug, &c) != 0)
        return -1;
    int64_t id = json_integer_value(json_object_get(c, "id"));
    const char *st = json_string_value(json_object_get(c, "status"));
    const char *op = json_string_value(json_object_get(c, "opens_at"));
    const char *cl = json_string_value(json_object_get(c, "closes_at"));
    *phase = gg_api__campaign_phase(st, op, cl);
    snprintf(cache[h].status, sizeof(cache[h].status), "%s", st ? st : "");
    snprintf(cache[h].opens, sizeof(cache[h].opens), "%s", op ? op : "");
    snprintf(cache[h].closes, sizeof(cache[h].closes), "%s", cl ? cl : "");
    json_decref(c);
    gg_store_campaign_policy(a->store, id, &pol);
    gg_online_policy_parse(policy, pol);
    json_decref(pol);
    if (strlen(slug) < sizeof(cache[h].slug)) {
        snprintf(cache[h].slug, sizeof(cache[h].slug), "%s", slug);
        cache[h].id = id;
        cache[h].gen = gen;
        cache[h].policy = *policy;
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
    gg_online_policy policy;
    int phase = GG_PHASE_OPEN;
    int64_t cid = campaign_id(a, in->slug, &policy, &phase);
    if (cid < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no campaign '%s'", in->slug);
    if (phase != GG_PHASE_OPEN) {
        /* the web and the API take ideas only while the campaign is open
         * (posts on channels are kept whatever the period: they are there) */
        if (in->form) {
            char loc[200];
            snprintf(loc, sizeof(loc), "/c/%.150s?error=closed#idea", in->slug);
            gg_req_redirect(r, loc);
            return 0;
        }
        return gg_req_error(r, GG_ECONFLICT, "campaign '%s' %s", in->slug,
                            phase == GG_PHASE_CLOSED ? "is closed to new ideas"
                                                     : "does not take ideas yet");
    }
    /* per address and, when the request carries a participant cookie, per
     * participant: the same budget as every other public write. The form
     * goes back to its page, which says "too many tries"; the API gets 429. */
    char who[65] = "", back[200];
    const char *cookie = gg_req_cookie(r, "gg_p");
    if (cookie && strlen(cookie) == 32)
        gg_api__participant_key(a, cookie, who);
    snprintf(back, sizeof(back), "/c/%.150s#idea", in->slug);
    if (gg_api__rate_write(a, r, who, in->form ? back : NULL, NULL) != 0)
        return 0;

    gg_prepared prep;
    int rc = gg_api_prepare_filtered(&prep, a->secret, a->online, &policy, cid, in->channel,
                                     in->text, in->text_len, in->author, in->native_id);
    if (rc == GG_ELIMIT)
        return gg_req_error(r, GG_ELIMIT, "text is longer than %d bytes", GG_TEXT_MAX);
    if (rc != 0)
        return gg_req_error(r, rc, "text could not be read");
    intake_done *d = gg_malloc(sizeof(*d));
    d->a = a;
    d->form = in->form;
    d->campaign_id = cid;
    d->group_id = prep.in.group_id;
    d->state = prep.in.state;
    d->norm = gg_strdup(prep.in.norm);
    d->author_key = prep.in.author_key ? gg_strdup(prep.in.author_key) : NULL;
    d->p = gg_req_defer(r);
    rc = gg_store_submission_put(a->store, &prep.in, on_stored, d);
    if (rc != 0) { /* refused before queuing: on_stored will not run */
        gg_pending_error(d->p, rc, gg_store_errmsg(a->store));
        free(d->norm);
        free(d->author_key);
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

int gg_api_prepare_filtered(gg_prepared *p, const unsigned char secret[32], gg_online *online,
                            const gg_online_policy *policy, int64_t campaign_id,
                            const char *channel, const char *text, size_t len,
                            const char *author, const char *native_id)
{
    int rc = gg_api_prepare(p, secret, campaign_id, channel, text, len, author, native_id);
    if (rc != 0 || online == NULL)
        return rc;
    gg_online_in oi = {.campaign_id = campaign_id, .text = text, .text_len = len,
                       .norm = p->doc.norm, .norm_len = p->doc.norm_len, .policy = policy};
    gg_online_judge(online, &oi, &p->verdict);
    p->in.labels_json = p->verdict.labels_json;
    p->in.labels = p->verdict.labels;
    p->in.state = p->verdict.state;
    p->in.reason = p->verdict.reason;
    p->in.priority = p->verdict.priority;
    p->in.dup_of = p->verdict.dup_of;
    p->in.group_id = p->verdict.group_id;
    p->in.merge_duplicates = policy ? policy->merge_duplicates : 1;
    return 0;
}

static void on_grouped(void *arg, int rc, int64_t id, json_t *result)
{
    (void)arg;
    (void)id;
    (void)result;
    if (rc != 0)
        gg_log(GG_LOG_WARN, "coordinated group not flagged", "\"rc\":\"%s\"", gg_err_name(rc));
}

void gg_api_after_stored(gg_store *s, gg_online *online, int64_t campaign_id, int64_t id,
                         const char *norm, const char *author_key, int64_t created_at,
                         int64_t stored_group)
{
    if (online == NULL || norm == NULL)
        return;
    gg_online_group g;
    gg_online_after(online, campaign_id, id, norm, strlen(norm), author_key, created_at,
                    stored_group, &g);
    if (g.group > 0 && (g.n > 0 || g.evidence_json)) {
        gg_store_submissions_group(s, campaign_id, g.group, g.members, g.n, g.evidence_json,
                                   on_grouped, NULL);
        gg_log(GG_LOG_INFO, "coordinated group", "\"group\":%lld,\"new_members\":%zu",
               (long long)g.group, g.n);
    }
    gg_online_group_dispose(&g);
}

typedef struct rebuild {
    gg_online *online;
    long n, groups;
} rebuild;

static void on_scanned(void *arg, int64_t campaign_id, int64_t id, const char *norm,
                       size_t norm_len, const char *author_key, int64_t created_at)
{
    rebuild *rb = arg;
    gg_online_group g;
    gg_online_after(rb->online, campaign_id, id, norm, norm_len, author_key, created_at, 0, &g);
    rb->groups += g.group > 0 && g.n > 1;
    gg_online_group_dispose(&g);
    rb->n++;
}

void gg_api_online_rebuild(gg_store *s, gg_online *online, int limit)
{
    if (online == NULL)
        return;
    rebuild rb = {online, 0, 0};
    gg_store_submissions_scan(s, limit, on_scanned, &rb);
    gg_log(GG_LOG_INFO, "filter indexes rebuilt", "\"posts\":%ld,\"groups\":%ld", rb.n,
           rb.groups);
}

void gg_api_prepared_dispose(gg_prepared *p)
{
    gg_online_verdict_dispose(&p->verdict);
    free(p->entities);
    gg_text_doc_dispose(&p->doc);
    p->entities = NULL;
}
