/*
 * engage.c — supports, comment threads, polls and a participant's own data
 * (api layer, issue 5). Public writes are keyed by the participant cookie
 * (stored only as its HMAC), rate-limited per address, and answered from
 * the store's done callback: the event loop never waits on the writer.
 */
#include "api/api_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "http/rate.h"
#include "store/store.h"
#include "text/text.h"
#include <stdio.h>
#include <string.h>

#define COMMENT_MAX 2000 /* bytes: a comment, not an essay */

typedef struct engage_done {
    gg_pending *p;
    int status;
} engage_done;

static void on_done(void *arg, int rc, int64_t id, json_t *result)
{
    (void)id;
    engage_done *d = arg;
    if (rc == 0)
        gg_pending_json(d->p, d->status, result ? json_incref(result) : json_object());
    else
        gg_pending_error(d->p, rc, rc == GG_EIO || rc == GG_EINTERNAL
                                       ? "could not be stored; try again"
                                       : (json_string_value(json_object_get(result, "message"))
                                              ? json_string_value(json_object_get(result, "message"))
                                              : "refused"));
    free(d);
}

/* The participant's pseudonym: HMAC of the cookie, so the database never
 * holds a value that would let its reader act as the participant. */
void gg_api__participant_key(gg_api *a, const char *participant, char out[65])
{
    char msg[64];
    snprintf(msg, sizeof(msg), "participant:%s", participant ? participant : "");
    gg_api__hmac_hex(a, msg, out);
}

static void pseudonym(gg_api *a, gg_req *r, char out[65])
{
    gg_api__participant_key(a, gg_api__participant(a, r), out);
}

/* Per address and per participant: one address behind many people (a
 * school's network) is caught by the first, one cookie moving between
 * addresses (mobile data) by the second. Both at rate_submit a minute. */
int gg_api__rate_write(gg_api *a, gg_req *r, const char *who, const char *back, const char *q)
{
    if (a->cfg->rate_submit <= 0)
        return 0;
    char key[96], ra[16];
    int by_address = 1;
    snprintf(key, sizeof(key), "w:%s", gg_req_ip(r));
    if (gg_rate_add(a->rate_submit, key, 1) <= a->cfg->rate_submit) {
        if (who == NULL || who[0] == '\0')
            return 0;
        by_address = 0;
        snprintf(key, sizeof(key), "p:%.64s", who);
        if (gg_rate_add(a->rate_submit, key, 1) <= a->cfg->rate_submit)
            return 0;
    }
    snprintf(ra, sizeof(ra), "%d", gg_rate_retry_after(a->rate_submit, key));
    gg_req_header_add(r, "retry-after", ra);
    gg_log(GG_LOG_WARN, "rate limited", "\"kind\":\"public_write\",\"by\":\"%s\"",
           by_address ? "address" : "participant");
    if (back) {
        /* the page shows "too many tries" where its errors go */
        char loc[300];
        const char *hash = strchr(back, '#');
        size_t n = hash ? (size_t)(hash - back) : strlen(back);
        snprintf(loc, sizeof(loc), "%.*s%c%s=rate%s", (int)n, back,
                 memchr(back, '?', n) ? '&' : '?', q ? q : "error", hash ? hash : "");
        gg_req_redirect(r, loc);
        return -1;
    }
    gg_req_error(r, GG_ERATE,
                 by_address ? "too many writes from your address; try again in %s seconds"
                            : "too many writes from you; try again in %s seconds",
                 ra);
    return -1;
}

void gg_api__author_key(gg_api *a, const char *participant, char out[65])
{
    /* the same key gg_api_prepare gives a web submission of this cookie */
    char msg[64];
    snprintf(msg, sizeof(msg), "author:web:%s", participant ? participant : "");
    gg_api__hmac_hex(a, msg, out);
}

static int submit(gg_api *a, gg_req *r, const gg_engage_in *in, int status)
{
    engage_done *d = gg_malloc(sizeof(*d));
    d->status = status;
    d->p = gg_req_defer(r);
    int rc = gg_store_engage_put(a->store, in, on_done, d);
    if (rc != 0) { /* refused before queuing: on_done will not run */
        gg_pending_error(d->p, rc, gg_store_errmsg(a->store));
        free(d);
    }
    return 0;
}

static int h_support(gg_req *r, void *ctx, int add)
{
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such idea");
    char who[65];
    pseudonym(a, r, who);
    if (gg_api__rate_write(a, r, who, NULL, NULL) != 0)
        return 0;
    gg_engage_in in = {.op = add ? GG_ENGAGE_SUPPORT : GG_ENGAGE_UNSUPPORT, .id = id,
                       .participant = who};
    return submit(a, r, &in, add ? 201 : 200);
}

static int h_support_add(gg_req *r, void *ctx) { return h_support(r, ctx, 1); }
static int h_support_del(gg_req *r, void *ctx) { return h_support(r, ctx, 0); }

/* Checks a comment text: present, UTF-8, not blank, under the cap. */
static int comment_text(gg_req *r, json_t *t, const char **out)
{
    if (!json_is_string(t))
        return gg_req_error(r, GG_EINVAL, "field 'text' (a string) is required"), -1;
    const char *s = json_string_value(t);
    size_t n = json_string_length(t);
    if (n > COMMENT_MAX)
        return gg_req_error(r, GG_ELIMIT, "text is longer than %d bytes", COMMENT_MAX), -1;
    if (!gg_text_utf8_valid(s, n))
        return gg_req_error(r, GG_EUTF8, "text is not valid UTF-8"), -1;
    if (strspn(s, " \t\r\n") == n)
        return gg_req_error(r, GG_EINVAL, "text is empty"), -1;
    *out = s;
    return 0;
}

/* The abuse model's word on a comment: 1 hold it for review. The seam is
 * the intake filter (gg_online_judge): what it would auto-reject as spam or
 * abuse in a post is held here, never silently dropped. */
int gg_api__comment_held(gg_api *a, int64_t idea_id, const char *text)
{
    if (a->online == NULL)
        return 0;
    json_t *idea = NULL, *camp = NULL;
    int64_t cid = 0;
    if (gg_store_idea_get(a->store, idea_id, &idea) == 0 &&
        gg_store_campaign_get(a->store, json_string_value(json_object_get(idea, "campaign")),
                              &camp) == 0)
        cid = json_integer_value(json_object_get(camp, "id"));
    json_decref(idea);
    json_decref(camp);
    gg_online_in in = {.campaign_id = cid, .text = text, .norm = text,
                       .text_len = strlen(text), .norm_len = strlen(text)};
    gg_online_verdict v;
    memset(&v, 0, sizeof(v));
    if (gg_online_judge(a->online, &in, &v) != 0)
        return 0;
    int held = v.state && strcmp(v.state, "rejected") == 0 && v.reason &&
               strcmp(v.reason, "duplikat") != 0;
    gg_online_verdict_dispose(&v);
    return held;
}

static int h_comment_post(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"text", "parent_id", NULL};
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such idea");
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    const char *text = NULL;
    json_t *parent = json_object_get(b, "parent_id");
    if (gg_api__json_fields(r, b, fields) != 0 || comment_text(r, json_object_get(b, "text"), &text) != 0)
        goto done;
    if (parent && !json_is_null(parent) && !(json_is_integer(parent) && json_integer_value(parent) > 0)) {
        gg_req_error(r, GG_EINVAL, "parent_id must be a comment id or null");
        goto done;
    }
    char who[65];
    pseudonym(a, r, who);
    if (gg_api__rate_write(a, r, who, NULL, NULL) != 0)
        goto done;
    gg_engage_in in = {.op = GG_ENGAGE_COMMENT, .id = id, .participant = who, .text = text,
                       .parent_id = json_is_integer(parent) ? json_integer_value(parent) : 0,
                       .held = gg_api__comment_held(a, id, text)};
    submit(a, r, &in, 201);
done:
    json_decref(b);
    return 0;
}

static int h_comments(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *idea = NULL, *out = NULL;
    if (id < 0 || gg_store_idea_get(a->store, id, &idea) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such idea");
    json_decref(idea);
    int64_t after = 0;
    const char *cur = gg_req_query(r, "cursor");
    if (cur && *cur) {
        after = gg_api__id((gg_str){cur, strlen(cur)});
        if (after < 0)
            return gg_req_error(r, GG_EINVAL, "cursor must be the next_cursor of a page");
    }
    int limit;
    if (gg_api__query_int(r, "limit", 50, 1, 200, &limit) != 0)
        return 0;
    int rc = gg_store_comment_list(a->store, id, after, limit, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

static int h_comment_own(gg_req *r, void *ctx, gg_engage_op op)
{
    static const char *const fields[] = {"text", NULL};
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such comment");
    json_t *b = NULL;
    const char *text = NULL;
    if (op == GG_ENGAGE_COMMENT_EDIT) {
        if ((b = gg_api__json_body(r)) == NULL)
            return 0;
        if (gg_api__json_fields(r, b, fields) != 0 ||
            comment_text(r, json_object_get(b, "text"), &text) != 0)
            goto done;
    }
    char who[65];
    pseudonym(a, r, who);
    if (gg_api__rate_write(a, r, who, NULL, NULL) != 0)
        goto done;
    gg_engage_in in = {.op = op, .id = id, .participant = who, .text = text};
    submit(a, r, &in, op == GG_ENGAGE_COMMENT_REPORT ? 201 : 200);
done:
    json_decref(b);
    return 0;
}

static int h_comment_edit(gg_req *r, void *ctx) { return h_comment_own(r, ctx, GG_ENGAGE_COMMENT_EDIT); }
static int h_comment_del(gg_req *r, void *ctx) { return h_comment_own(r, ctx, GG_ENGAGE_COMMENT_DELETE); }
static int h_comment_report(gg_req *r, void *ctx)
{
    return h_comment_own(r, ctx, GG_ENGAGE_COMMENT_REPORT);
}

static int h_vote(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"options", NULL};
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such poll");
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    json_t *o = json_object_get(b, "options");
    char *opts = NULL;
    if (gg_api__json_fields(r, b, fields) != 0)
        goto done;
    if (!json_is_array(o) || json_array_size(o) == 0 || json_array_size(o) > 64) {
        gg_req_error(r, GG_EINVAL, "field 'options' must be a non-empty list of option indexes");
        goto done;
    }
    char who[65];
    pseudonym(a, r, who);
    if (gg_api__rate_write(a, r, who, NULL, NULL) != 0)
        goto done;
    opts = json_dumps(o, JSON_COMPACT);
    char akey[65];
    gg_api__author_key(a, gg_api__participant(a, r), akey);
    gg_engage_in in = {.op = GG_ENGAGE_VOTE, .id = id, .participant = who, .json = opts,
                       .author_key = akey};
    submit(a, r, &in, 201);
done:
    free(opts);
    json_decref(b);
    return 0;
}

static int h_results(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *out = NULL;
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such poll");
    int rc = gg_store_poll_results(a->store, id, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

static int h_polls(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_str slug = gg_req_param(r, "slug");
    char *s = gg_req_strdup(r, slug.ptr, slug.len);
    json_t *c = NULL, *out = NULL;
    int rc = gg_store_campaign_head(a->store, s, &c);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    json_decref(c);
    rc = gg_store_poll_list(a->store, s, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, json_pack("{s:o}", "polls", out));
    return 0;
}

/* Staff: a new poll in a campaign (admin, CSRF). */
static int h_poll_create(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"question", "options", "multi", "hide_results",
                                         "opens_at", "closes_at", NULL};
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON) == NULL)
        return 0;
    gg_str slug = gg_req_param(r, "slug");
    json_t *c = NULL;
    int rc = gg_store_campaign_get(a->store, gg_req_strdup(r, slug.ptr, slug.len), &c);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    int64_t cid = json_integer_value(json_object_get(c, "id"));
    json_decref(c);
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    char *def = NULL;
    if (gg_api__json_fields(r, b, fields) != 0)
        goto done;
    static const char *const times[] = {"opens_at", "closes_at"};
    for (int i = 0; i < 2; i++) {
        json_t *t = json_object_get(b, times[i]);
        if (t && !json_is_null(t) && (!json_is_string(t) || json_string_length(t) != 20)) {
            gg_req_error(r, GG_EINVAL, "%s must be UTC like 2026-01-31T23:59:00Z", times[i]);
            goto done;
        }
    }
    def = json_dumps(b, JSON_COMPACT);
    gg_engage_in in = {.op = GG_ENGAGE_POLL, .id = cid, .json = def};
    submit(a, r, &in, 201);
done:
    free(def);
    json_decref(b);
    return 0;
}

/* Staff: status change and/or official response (admin, CSRF). */
static int h_idea_update(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"status", "reason", "official_response", NULL};
    gg_api *a = ctx;
    gg_session *ss = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (ss == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such idea");
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    char *def = NULL;
    if (gg_api__json_fields(r, b, fields) != 0)
        goto done;
    for (size_t i = 0; fields[i]; i++) {
        json_t *v = json_object_get(b, fields[i]);
        if (v && (!json_is_string(v) || json_string_length(v) > 4000)) {
            gg_req_error(r, GG_EINVAL, "%s must be a string of at most 4000 bytes", fields[i]);
            goto done;
        }
        if (v && !gg_text_utf8_valid(json_string_value(v), json_string_length(v))) {
            gg_req_error(r, GG_EUTF8, "%s is not valid UTF-8", fields[i]);
            goto done;
        }
    }
    def = json_dumps(b, JSON_COMPACT);
    gg_engage_in in = {.op = GG_ENGAGE_IDEA, .id = id, .parent_id = ss->user_id, .json = def};
    submit(a, r, &in, 200);
done:
    free(def);
    json_decref(b);
    return 0;
}

#define SIMILAR_MAX 5    /* ideas offered before sending */
#define SIMILAR_TERMS 24 /* words of a draft that go into the full-text query */

/* The draft's content words (stop words out), unstemmed for the query
 * (review_fts stems them itself) and stemmed for the overlap check. */
typedef struct draft_words {
    gg_buf fts;
    char *stems[SIMILAR_TERMS];
    size_t n;
} draft_words;

static void draft_words_dispose(draft_words *w)
{
    gg_buf_dispose(&w->fts);
    for (size_t i = 0; i < w->n; i++)
        free(w->stems[i]);
}

/* Distinct content stems of norm shared with the draft. */
static size_t shared_stems(gg_text_tokens *t, const draft_words *w, const char *norm)
{
    if (gg_text_tokenize(t, norm, strlen(norm), GG_TEXT_STOPWORDS | GG_TEXT_STEM |
                                                    GG_TEXT_NO_SPECIAL) != 0)
        return 0;
    size_t shared = 0;
    for (size_t i = 0; i < w->n; i++)
        for (size_t k = 0; k < t->count; k++)
            if (strcmp(w->stems[i], gg_text_token(t, k)) == 0) {
                shared++;
                break;
            }
    return shared;
}

static int idea_listed(json_t *list, json_int_t id)
{
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it)
    if (json_integer_value(json_object_get(it, "id")) == id)
        return 1;
    return 0;
}

/* Keyword neighbours: ideas whose submissions share the draft's rarer
 * words (FTS5 bm25 ranks), kept only when they share at least two content
 * words and half of the draft's, so that "jalan" or "desa" alone match nothing. */
static void similar_keywords(gg_api *a, int64_t cid, const char *norm, json_t *out)
{
    gg_text_tokens t;
    gg_text_tokens_init(&t);
    draft_words w = {.n = 0};
    gg_buf_init(&w.fts, 4096);
    if (gg_text_tokenize(&t, norm, strlen(norm), GG_TEXT_STOPWORDS | GG_TEXT_NO_SPECIAL) != 0)
        goto done;
    for (size_t i = 0; i < t.count && w.n < SIMILAR_TERMS; i++) {
        const char *tok = gg_text_token(&t, i);
        char stem[128];
        int sl = gg_text_stem(&t, tok, t.len[i], stem, sizeof(stem));
        if (sl <= 1 || strspn(tok, "0123456789") == t.len[i])
            continue; /* one letter or a bare number says nothing */
        int seen = 0;
        for (size_t k = 0; k < w.n && !seen; k++)
            seen = strcmp(w.stems[k], stem) == 0;
        if (seen)
            continue;
        w.stems[w.n++] = gg_strdup(stem);
        /* each word a quoted FTS5 string: no query syntax gets through */
        gg_buf_adds(&w.fts, w.fts.len ? " OR \"" : "\"");
        for (const char *p = tok; *p; p++) {
            if (*p == '"')
                gg_buf_addc(&w.fts, '"');
            gg_buf_addc(&w.fts, *p);
        }
        gg_buf_addc(&w.fts, '"');
    }
    json_t *cand = NULL;
    if (w.n == 0 || gg_store_similar_ideas(a->store, cid, w.fts.data, 20, &cand) != 0)
        goto done;
    size_t need = w.n < 2 ? w.n : 2, i;
    json_t *it;
    json_array_foreach(cand, i, it)
    {
        if (json_array_size(out) >= SIMILAR_MAX)
            break;
        json_int_t id = json_integer_value(json_object_get(it, "id"));
        const char *norm_c = json_string_value(json_object_get(it, "norm"));
        size_t sh = shared_stems(&t, &w, norm_c ? norm_c : "");
        if (sh < need || sh * 2 < w.n || idea_listed(out, id))
            continue;
        json_object_del(it, "norm");
        json_array_append(out, it);
    }
    json_decref(cand);
done:
    draft_words_dispose(&w);
    gg_text_tokens_dispose(&t);
}

int gg_api__similar(gg_api *a, int64_t cid, const char *text, size_t n, json_t **out)
{
    json_t *list = json_array();
    gg_text_doc doc;
    if (gg_text_analyze_ex(&doc, text, n, GG_TEXT_NO_ENTITIES) != 0) {
        json_decref(list);
        return GG_EINVAL;
    }
    /* first the near-duplicate index: the idea behind the nearest earlier copy */
    gg_prepared prep;
    if (a->online && gg_api_prepare_filtered(&prep, a->secret, a->online, NULL, cid, "web", text,
                                             n, NULL, NULL) == 0) {
        json_t *sub = NULL, *idea = NULL;
        if (prep.verdict.dup_of > 0 &&
            gg_store_submission_get(a->store, prep.verdict.dup_of, 0, &sub) == 0 &&
            json_is_integer(json_object_get(sub, "idea_id")) &&
            gg_store_idea_brief(a->store, json_integer_value(json_object_get(sub, "idea_id")),
                                &idea) == 0) {
            const char *status = json_string_value(json_object_get(idea, "status"));
            if (status == NULL || strcmp(status, "ditolak") != 0) /* rejected: nothing to join */
                json_array_append(list, idea);
        }
        json_decref(idea);
        json_decref(sub);
        gg_api_prepared_dispose(&prep);
    }
    /* then, when the index knows no copy, the nearest by shared words */
    if (json_array_size(list) == 0)
        similar_keywords(a, cid, doc.norm, list);
    gg_text_doc_dispose(&doc);
    *out = list;
    return 0;
}

/* Before sending: the ideas a draft is close to, so the portal can offer
 * to support one instead. {"ideas":[…]}, at most SIMILAR_MAX. */
static int h_similar(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_str slug = gg_req_param(r, "slug");
    json_t *c = NULL, *out = NULL;
    int rc = gg_store_campaign_head(a->store, gg_req_strdup(r, slug.ptr, slug.len), &c);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    int64_t cid = json_integer_value(json_object_get(c, "id"));
    json_decref(c);
    const char *text = gg_req_query(r, "text");
    size_t n = text ? strlen(text) : 0;
    if (n == 0 || n > 5000 || !gg_text_utf8_valid(text, n))
        return gg_req_error(r, GG_EINVAL, "text: 1 to 5000 bytes of UTF-8");
    if (gg_api__similar(a, cid, text, n, &out) != 0)
        return gg_req_error(r, GG_EINVAL, "text could not be read");
    gg_req_json(r, 200, json_pack("{s:o}", "ideas", out));
    return 0;
}

/* UU PDP: what we hold about the caller, and its deletion. */
static int h_me(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    char who[65], akey[65];
    pseudonym(a, r, who);
    gg_api__author_key(a, gg_api__participant(a, r), akey);
    json_t *out = NULL, *mine = NULL;
    int rc = gg_store_participant_export(a->store, who, &out);
    if (rc == 0 && (rc = gg_store_my_ideas(a->store, who, akey, &mine)) != 0)
        json_decref(out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    /* the web ideas sent with this cookie and the contact left with consent */
    json_object_set(out, "submissions", json_object_get(mine, "submissions"));
    json_object_set(out, "contact", json_object_get(mine, "contact"));
    json_decref(mine);
    gg_req_json(r, 200, out);
    return 0;
}

static int h_me_delete(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    char who[65], akey[65];
    pseudonym(a, r, who);
    if (gg_api__rate_write(a, r, who, NULL, NULL) != 0)
        return 0;
    gg_api__author_key(a, gg_api__participant(a, r), akey);
    gg_engage_in in = {.op = GG_ENGAGE_FORGET, .participant = who, .author_key = akey};
    return submit(a, r, &in, 200);
}

void gg_api__register_engage(gg_api *a, gg_http *h)
{
    gg_http_route(h, "POST", "/api/v1/ideas/{id}/supports", "support_add", h_support_add, a);
    gg_http_route(h, "DELETE", "/api/v1/ideas/{id}/supports", "support_del", h_support_del, a);
    gg_http_route(h, "POST", "/api/v1/ideas/{id}/comments", "comment_add", h_comment_post, a);
    gg_http_route(h, "GET", "/api/v1/ideas/{id}/comments", "comments", h_comments, a);
    gg_http_route(h, "PATCH", "/api/v1/comments/{id}", "comment_edit", h_comment_edit, a);
    gg_http_route(h, "DELETE", "/api/v1/comments/{id}", "comment_del", h_comment_del, a);
    gg_http_route(h, "POST", "/api/v1/comments/{id}/reports", "comment_report", h_comment_report, a);
    gg_http_route(h, "GET", "/api/v1/campaigns/{slug}/polls", "polls", h_polls, a);
    gg_http_route(h, "POST", "/api/v1/campaigns/{slug}/polls", "poll_create", h_poll_create, a);
    gg_http_route(h, "POST", "/api/v1/polls/{id}/votes", "poll_vote", h_vote, a);
    gg_http_route(h, "GET", "/api/v1/polls/{id}/results", "poll_results", h_results, a);
    gg_http_route(h, "PATCH", "/api/v1/ideas/{id}", "idea_update", h_idea_update, a);
    gg_http_route(h, "GET", "/api/v1/campaigns/{slug}/similar", "similar", h_similar, a);
    gg_http_route(h, "GET", "/api/v1/me", "me", h_me, a);
    gg_http_route(h, "DELETE", "/api/v1/me", "me_delete", h_me_delete, a);
}
