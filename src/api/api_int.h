/*
 * api_int.h — helpers shared by the api layer's files (private).
 */
#ifndef GG_API_API_INT_H
#define GG_API_API_INT_H
#include "api/api.h"
#include "core/buf.h"
#include <stdint.h>

/* roles as bits, for "who may call this" masks */
enum { GG_ROLE_ADMIN = 1, GG_ROLE_REVIEWER = 2, GG_ROLE_ANALYST = 4 };
#define GG_ROLE_ANY (GG_ROLE_ADMIN | GG_ROLE_REVIEWER | GG_ROLE_ANALYST)

typedef struct gg_session {
    int64_t user_id;
    char email[256];
    int role;
    char role_name[16];
    char csrf[65];
} gg_session;

/* How a refusal is answered: JSON for the API, a redirect to the sign-in
 * page for the console's HTML pages. */
enum { GG_AUTH_JSON = 0, GG_AUTH_HTML = 1 };

/**
 * Resolve the staff session of r and check it: signed in (401), role in
 * roles (403), and for state-changing requests the CSRF token (403) from
 * the X-CSRF-Token header or the form field "csrf". On refusal the
 * response is sent and NULL returned.
 */
gg_session *gg_api__staff(gg_api *a, gg_req *r, int roles, int check_csrf, int mode);
/** Integer query parameter name in [min, max], def when absent. On a bad
 *  value answers 400 and returns -1; else 0 with *out set. */
int gg_api__query_int(gg_req *r, const char *name, int def, int min, int max, int *out);
/** 0 when every key of body is in the NULL-terminated list allowed; else
 *  answers 400 naming the first unknown field and returns -1 (a typo in a
 *  field name should fail loudly, not be ignored). */
int gg_api__json_fields(gg_req *r, json_t *body, const char *const *allowed);
/** Parse r's body as a JSON object; on failure answers 400 and returns NULL. */
json_t *gg_api__json_body(gg_req *r);
/** Parse a decimal id from a route parameter; -1 when not a positive integer. */
int64_t gg_api__id(gg_str s);
/** The participant cookie (set on r when missing); 32 hex chars. */
const char *gg_api__participant(gg_api *a, gg_req *r);
/** The form token bound to a participant id (hex, 32 chars, pool). */
const char *gg_api__form_token(gg_api *a, gg_req *r, const char *participant);
/** A participant's pseudonym (64 hex + NUL): HMAC of "participant:<cookie
 *  value>", the key every public write is stored and limited under; a
 *  NULL participant is the empty one. api/engage.c. */
void gg_api__participant_key(gg_api *a, const char *participant, char out[65]);
/** The portal's public writes (supports, comments, votes, quiz, deletion):
 *  counted per address (one bucket for every kind of write) and per
 *  participant pseudonym who (may be NULL). 0 allowed; else answers and
 *  returns -1: a JSON 429 when back is NULL, else 303 to back with
 *  "<q>=rate" added (q NULL: "error") so a form page says it. api/engage.c. */
int gg_api__rate_write(gg_api *a, gg_req *r, const char *who, const char *back,
                       const char *q);
/** Where a campaign stands now: GG_PHASE_OPEN, _LATER (a draft, or opens_at ahead) or
 *  _CLOSED (status "closed" or closes_at passed). NULL or "" times are
 *  unset; UTC ISO-8601 strings compare as text. api/pages.c. */
enum { GG_PHASE_OPEN, GG_PHASE_LATER, GG_PHASE_CLOSED };
int gg_api__campaign_phase(const char *status, const char *opens_at, const char *closes_at);
/** A search as the search index reads text: normalized like every post
 *  (reduplication "anak2", elongation, slang, case), so a reviewer's words
 *  match what was indexed. NULL stays NULL; text that is not valid UTF-8 is
 *  returned as it is. Request pool. api/review.c. */
const char *gg_api__search_text(gg_req *r, const char *q);
/** "id" or "en" from ?lang=, the cookie, or the default; sets the cookie on a switch. */
const char *gg_api__lang(gg_req *r);
/** Hex of an HMAC-SHA256 of msg under the install secret (out: 65 bytes). */
void gg_api__hmac_hex(gg_api *a, const char *msg, char out[65]);

/* intake: one submission from the API or the portal form */
typedef struct gg_intake {
    const char *slug, *text, *author, *channel, *native_id;
    size_t text_len;
    int form; /* answer with a redirect to the thanks page */
} gg_intake;
int gg_api__intake(gg_api *a, gg_req *r, const gg_intake *in);

/** 1 when reason is one of the rejection reasons (spam, kasar, …). */
int gg_api__reason_ok(const char *reason);

/* HTML */
void gg_html_esc(gg_buf *b, const char *s);
void gg_html_head(gg_buf *b, const char *lang, const char *title, const char *switch_path);
void gg_html_foot(gg_buf *b, const char *lang);
void gg_html_send(gg_req *r, int status, gg_buf *b);
/** Translate: the Indonesian text, or its English twin when lang is "en". */
#define GG_T(lang, id, en) ((lang)[0] == 'e' ? (en) : (id))

void gg_api__register_public(gg_api *a, gg_http *h);
void gg_api__register_auth(gg_api *a, gg_http *h);
void gg_api__register_review(gg_api *a, gg_http *h);
void gg_api__register_pages(gg_api *a, gg_http *h);
void gg_api__register_console(gg_api *a, gg_http *h);
void gg_api__register_engage(gg_api *a, gg_http *h);  /* api/engage.c (issue 5) */
void gg_api__register_insight(gg_api *a, gg_http *h); /* api/insight.c (issue 6) */
void gg_api__register_hooks(gg_api *a, gg_http *h);   /* api/hooks.c (issue 7) */
/** Start/stop the channels' inbox processor (api/hooks.c). */
int gg_api__hooks_start(gg_api *a);
void gg_api__hooks_stop(gg_api *a);
/** Channel health lines for /metrics. */
void gg_api__metrics_channels(gg_api *a, gg_buf *b);
/* api/channels.c (issue 7, network side): sender and puller threads,
 * GET /api/v1/channels, POST /api/v1/campaigns/{slug}/publish,
 * /console/channels, and their /metrics lines */
void gg_api__register_channels(gg_api *a, gg_http *h);
int gg_api__channels_start(gg_api *a);
void gg_api__channels_stop(gg_api *a);
void gg_api__metrics_channels_net(gg_api *a, gg_buf *b);
/** The webhook sink (api/hooks.c), for pulled pages: same campaign match,
 *  text pipeline and reply target as webhooks. */
struct gg_inbox_sink;
void gg_api__hooks_sink(gg_api *a, struct gg_inbox_sink *out);

/* api/team.c (issue 4): staff users, invitations by link, sessions;
 * registered by gg_api__register_review */
void gg_api__register_team(gg_api *a, gg_http *h);
/** Hex hash of a session token as stored (64 hex chars + NUL). */
void gg_api__token_hash(const char *token, char out[65]);
/** Create an invitation by s valid for hours: tok gets the link's token
 *  (48 hex + NUL), only its hash is stored. 0 or the store's code. */
int gg_api__invite(gg_api *a, gg_session *s, const char *email, const char *role,
                   const char *campaigns_json, int hours, char tok[49], int64_t *id_out,
                   int64_t *expires_out);
/** 1 when the abuse filter would hold a comment on idea_id for review (api/engage.c). */
int gg_api__comment_held(gg_api *a, int64_t idea_id, const char *text);
/** The author key of participant's web submissions (64 hex + NUL). */
void gg_api__author_key(gg_api *a, const char *participant, char out[65]);
/** Ideas of campaign cid close to a draft (api/engage.c): the near-duplicate
 *  index's idea, else keyword neighbours; at most 5, *out a new array of
 *  {id,title,text,status,supporters}. GG_EINVAL when text cannot be read. */
int gg_api__similar(gg_api *a, int64_t cid, const char *text, size_t n, json_t **out);


#endif
