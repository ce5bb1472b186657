/*
 * team.c — the review team (api layer, issue 4): invitations by link with
 * an expiry (the link carries a random token; only its hash is stored),
 * joining with a password that passes the rules, roles and campaign
 * assignments, sessions listed and ended one by one or everywhere.
 * Password hashing (argon2id) runs on a short-lived thread, never on the
 * event loop; every staff write needs its role and the CSRF token.
 */
#include "api/api_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "store/workspace.h"
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define INVITE_HOURS_DEFAULT 72
#define PW_MIN 12
#define PW_MAX 1024

void gg_api__token_hash(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

/* The password rules; NULL when pw passes, else the rule it breaks. */
static const char *password_problem(const char *pw, const char *email)
{
    static const char *const common[] = {"password1234", "123456789012", "qwertyuiop12",
                                         "katasandi123", "indonesia123", "passwordpassword",
                                         "rahasia12345", "gagasgagas12", NULL};
    size_t n = strlen(pw);
    if (n < PW_MIN)
        return "the password needs at least 12 characters";
    if (n > PW_MAX)
        return "the password is longer than 1024 bytes";
    int distinct = 0;
    unsigned char seen[256] = {0};
    for (size_t i = 0; i < n; i++)
        if (!seen[(unsigned char)pw[i]]++)
            distinct++;
    if (distinct < 5)
        return "the password needs at least 5 different characters";
    for (int i = 0; common[i]; i++)
        if (strcasecmp(pw, common[i]) == 0)
            return "the password is too common";
    const char *at = email ? strchr(email, '@') : NULL;
    if (at && at - email >= 4) {
        char local[128];
        snprintf(local, sizeof(local), "%.*s", (int)(at - email), email);
        if (strcasestr(pw, local))
            return "the password must not contain your e-mail name";
    }
    return NULL;
}

/* ---- invitations --------------------------------------------------------------- */

int gg_api__invite(gg_api *a, gg_session *s, const char *email, const char *role,
                   const char *campaigns_json, int hours, char tok[49], int64_t *id_out,
                   int64_t *expires_out)
{
    unsigned char raw[24];
    char th[65];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(tok, 49, raw, sizeof(raw));
    gg_api__token_hash(tok, th);
    *expires_out = (int64_t)time(NULL) + (int64_t)hours * 3600;
    /* a one-row insert: quick enough to wait for */
    int rc = gg_store_invite_put(a->store, th, email, role, campaigns_json, s->user_id,
                                 *expires_out, id_out);
    if (rc == 0)
        gg_log(GG_LOG_INFO, "invitation created", "\"id\":%lld,\"by\":%lld", (long long)*id_out,
               (long long)s->user_id);
    return rc;
}

static int h_invite_create(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"email", "role", "campaigns", "hours", NULL};
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    int rc = 0;
    if (gg_api__json_fields(r, b, fields) != 0)
        goto done;
    const char *email = json_string_value(json_object_get(b, "email"));
    const char *role = json_string_value(json_object_get(b, "role"));
    json_t *camps = json_object_get(b, "campaigns"), *hours = json_object_get(b, "hours");
    if (email == NULL || strlen(email) > 254 || strchr(email, '@') == NULL) {
        rc = gg_req_error(r, GG_EINVAL, "email must be an e-mail address");
        goto done;
    }
    if (role == NULL || (strcmp(role, "admin") && strcmp(role, "reviewer") &&
                         strcmp(role, "analyst"))) {
        rc = gg_req_error(r, GG_EINVAL, "role must be admin, reviewer or analyst");
        goto done;
    }
    if (camps && (!json_is_array(camps) || json_array_size(camps) > 100)) {
        rc = gg_req_error(r, GG_EINVAL, "campaigns must be a list of campaign slugs");
        goto done;
    }
    size_t i;
    json_t *v;
    json_array_foreach(camps, i, v)
    {
        int64_t cid;
        if (!json_is_string(v) ||
            gg_store_review_campaign_id(a->store, json_string_value(v), &cid) != 0) {
            rc = gg_req_error(r, GG_EINVAL, "campaigns[%zu] is not a campaign slug", i);
            goto done;
        }
    }
    int h = INVITE_HOURS_DEFAULT;
    if (hours) {
        if (!json_is_integer(hours) || json_integer_value(hours) < 1 ||
            json_integer_value(hours) > 720) {
            rc = gg_req_error(r, GG_EINVAL, "hours must be a whole number from 1 to 720");
            goto done;
        }
        h = (int)json_integer_value(hours);
    }
    char tok[49];
    char *cj = camps ? json_dumps(camps, JSON_COMPACT) : NULL;
    int64_t id = 0, exp = 0;
    int src = gg_api__invite(a, s, email, role, cj ? cj : "[]", h, tok, &id, &exp);
    free(cj);
    if (src != 0) {
        rc = gg_req_error(r, src, "%s", gg_store_errmsg(a->store));
        goto done;
    }
    char url[96];
    snprintf(url, sizeof(url), "/console/invite/%s", tok);
    gg_req_json(r, 201, json_pack("{s:I,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)id, "email", email,
                                  "role", role, "token", tok, "url", url, "expires_at",
                                  (json_int_t)exp));
done:
    json_decref(b);
    return rc;
}

typedef struct join_job {
    gg_api *a;
    gg_pending *p;
    int html;
    char th[65];
    char *password, *email;
} join_job;

static void join_free(join_job *j)
{
    if (j->password) {
        sodium_memzero(j->password, strlen(j->password));
        free(j->password);
    }
    free(j->email);
    free(j);
}

static void *join_thread(void *arg)
{
    join_job *j = arg;
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, j->password, strlen(j->password),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        gg_pending_error(j->p, GG_EIO, "cannot hash the password now; try again");
        join_free(j);
        return NULL;
    }
    int64_t uid = 0;
    int rc = gg_store_invite_use(j->a->store, j->th, hash, &uid);
    if (rc != 0) {
        if (j->html)
            gg_pending_redirect(j->p, "/console/login?error=3");
        else
            gg_pending_error(j->p, rc, rc == GG_ECONFLICT ? "a staff user with that e-mail exists"
                                                          : "the invitation is used, expired or"
                                                            " unknown");
    } else if (j->html) {
        gg_pending_redirect(j->p, "/console/login?joined=1");
    } else {
        gg_pending_json(j->p, 201, json_pack("{s:{s:I,s:s}}", "user", "id", (json_int_t)uid,
                                             "email", j->email));
    }
    join_free(j);
    return NULL;
}

/* Check the invitation and the password, then hash and join off the loop. */
static int start_join(gg_api *a, gg_req *r, const char *tok, const char *pw, const char *pw2,
                      int html)
{
    char th[65];
    json_t *inv = NULL;
    if (tok == NULL || strlen(tok) != 48 || strspn(tok, "0123456789abcdef") != 48)
        return gg_req_error(r, GG_ENOTFOUND, "no such invitation");
    gg_api__token_hash(tok, th);
    if (gg_store_invite_get(a->store, th, &inv) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "the invitation is used, expired or unknown");
    const char *email = json_string_value(json_object_get(inv, "email"));
    const char *why = pw ? password_problem(pw, email) : "field 'password' is required";
    if (why == NULL && pw2 && strcmp(pw, pw2) != 0)
        why = "the two passwords differ";
    if (why) {
        json_decref(inv);
        return gg_req_error(r, GG_EINVAL, "%s", why);
    }
    join_job *j = gg_calloc(1, sizeof(*j));
    j->a = a;
    j->html = html;
    memcpy(j->th, th, sizeof(th));
    j->password = gg_strdup(pw);
    j->email = gg_strdup(email);
    json_decref(inv);
    j->p = gg_req_defer(r);
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, join_thread, j) != 0) {
        gg_pending_error(j->p, GG_EIO, "busy, try again");
        join_free(j);
    }
    pthread_attr_destroy(&at);
    return 0;
}

static int h_invite_accept(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"password", NULL};
    gg_api *a = ctx;
    gg_str t = gg_req_param(r, "token");
    char *tok = gg_req_strdup(r, t.ptr, t.len);
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    int rc = 0;
    if (gg_api__json_fields(r, b, fields) == 0)
        rc = start_join(a, r, tok, json_string_value(json_object_get(b, "password")), NULL, 0);
    json_decref(b);
    return rc;
}

static int h_invite_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    const char *lang = gg_api__lang(r);
    gg_str t = gg_req_param(r, "token");
    char *tok = gg_req_strdup(r, t.ptr, t.len);
    char th[65];
    json_t *inv = NULL;
    int ok = strlen(tok) == 48 && strspn(tok, "0123456789abcdef") == 48;
    if (ok) {
        gg_api__token_hash(tok, th);
        ok = gg_store_invite_get(a->store, th, &inv) == 0;
    }
    gg_buf b;
    gg_buf_init(&b, 1 << 16);
    gg_html_head(&b, lang, GG_T(lang, "Undangan", "Invitation"), NULL);
    if (!ok) {
        gg_buf_printf(&b, "<h1>%s</h1><p class=\"error\" role=\"alert\">%s</p>",
                      GG_T(lang, "Undangan", "Invitation"),
                      GG_T(lang, "Undangan ini sudah dipakai, kedaluwarsa, atau tidak dikenal.",
                           "This invitation is used, expired or unknown."));
        gg_html_foot(&b, lang);
        gg_html_send(r, 404, &b);
        return 0;
    }
    gg_buf_printf(&b, "<h1>%s</h1><p>", GG_T(lang, "Bergabung dengan tim", "Join the team"));
    gg_html_esc(&b, json_string_value(json_object_get(inv, "email")));
    gg_buf_printf(&b, " · %s</p>", json_string_value(json_object_get(inv, "role")));
    gg_buf_printf(&b,
                  "<form class=\"login\" method=\"post\" action=\"/console/invite/%s\">"
                  "<label for=\"password\">%s</label>"
                  "<input id=\"password\" name=\"password\" type=\"password\" minlength=\"12\""
                  " autocomplete=\"new-password\" required>"
                  "<label for=\"password2\">%s</label>"
                  "<input id=\"password2\" name=\"password2\" type=\"password\" minlength=\"12\""
                  " autocomplete=\"new-password\" required>"
                  "<p class=\"hint\">%s</p><button type=\"submit\">%s</button></form>",
                  tok, GG_T(lang, "Kata sandi baru", "New password"),
                  GG_T(lang, "Ulangi kata sandi", "Repeat the password"),
                  GG_T(lang, "Minimal 12 karakter, 5 karakter berbeda, tanpa nama e-mail Anda.",
                       "At least 12 characters, 5 different ones, without your e-mail name."),
                  GG_T(lang, "Bergabung", "Join"));
    json_decref(inv);
    gg_html_foot(&b, lang);
    gg_html_send(r, 200, &b);
    return 0;
}

static int h_invite_form(gg_req *r, void *ctx)
{
    gg_str t = gg_req_param(r, "token");
    char *tok = gg_req_strdup(r, t.ptr, t.len);
    return start_join(ctx, r, tok, gg_req_form(r, "password"), gg_req_form(r, "password2"), 1);
}

/* ---- users ---------------------------------------------------------------------------- */

static int h_team(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_JSON) == NULL)
        return 0;
    json_t *out = NULL;
    int rc = gg_store_team_list(a->store, &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

static int h_user_set(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"role", "disabled", "campaigns", NULL};
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such user");
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    int rc = 0;
    json_t *role = json_object_get(b, "role"), *dis = json_object_get(b, "disabled");
    json_t *camps = json_object_get(b, "campaigns");
    if (gg_api__json_fields(r, b, fields) != 0)
        goto done;
    if ((role && !json_is_string(role)) || (dis && !json_is_boolean(dis)) ||
        (camps && !json_is_array(camps))) {
        rc = gg_req_error(r, GG_EINVAL, "role is a string, disabled true or false, campaigns a"
                                        " list of slugs");
        goto done;
    }
    if (id == s->user_id && (json_is_true(dis) || (role && strcmp(json_string_value(role),
                                                                   "admin") != 0))) {
        rc = gg_req_error(r, GG_ECONFLICT, "you cannot disable or demote yourself");
        goto done;
    }
    int src = gg_store_team_user_set(a->store, s->user_id, id, role ? json_string_value(role) : NULL,
                                     dis ? json_is_true(dis) : -1, camps);
    if (src != 0) {
        rc = gg_req_error(r, src, "%s", gg_store_errmsg(a->store));
        goto done;
    }
    gg_req_json(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "updated", 1));
done:
    json_decref(b);
    return rc;
}

/* ---- sessions ---------------------------------------------------------------------- */

static const char *current_hash(gg_req *r, char th[65])
{
    const char *tok = gg_req_cookie(r, "gg_session");
    if (tok == NULL || strlen(tok) != 64)
        return NULL;
    gg_api__token_hash(tok, th);
    return th;
}

static int h_sessions(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ANY, 0, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t uid = s->user_id;
    const char *q = gg_req_query(r, "user_id");
    if (q && *q) {
        if (s->role != GG_ROLE_ADMIN)
            return gg_req_error(r, GG_EFORBIDDEN, "only an admin sees others' sessions");
        uid = gg_api__id(gg_str_c(q));
        if (uid < 0)
            return gg_req_error(r, GG_EINVAL, "user_id must be a positive id");
    }
    char th[65];
    json_t *out = NULL;
    int rc = gg_store_team_sessions(a->store, uid, current_hash(r, th), &out);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, out);
    return 0;
}

static int h_session_end(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ANY, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such session");
    int n = 0;
    int rc = gg_store_team_sessions_end(a->store, s->user_id,
                                        s->role == GG_ROLE_ADMIN ? 0 : s->user_id, id, NULL, &n);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    if (n == 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such session");
    gg_req_send(r, 204, "application/json", "", 0);
    return 0;
}

/* Sign out everywhere: every other session of the user ends; with
 * {"all":true} this one too. */
static int h_sessions_end_all(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ANY, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int all = 0;
    gg_str body = gg_req_body(r);
    if (body.len) {
        static const char *const fields[] = {"all", NULL};
        json_t *b = gg_api__json_body(r);
        if (b == NULL)
            return 0;
        if (gg_api__json_fields(r, b, fields) != 0) {
            json_decref(b);
            return 0;
        }
        all = json_is_true(json_object_get(b, "all"));
        json_decref(b);
    }
    char th[65];
    int n = 0;
    int rc = gg_store_team_sessions_end(a->store, s->user_id, s->user_id, 0,
                                        all ? NULL : current_hash(r, th), &n);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    if (all)
        gg_req_header_add(r, "set-cookie", "gg_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    gg_req_json(r, 200, json_pack("{s:i}", "ended", n));
    return 0;
}

void gg_api__register_team(gg_api *a, gg_http *h)
{
    gg_http_route(h, "GET", "/api/v1/team", "team", h_team, a);
    gg_http_route(h, "POST", "/api/v1/team/invitations", "team_invite", h_invite_create, a);
    gg_http_route(h, "POST", "/api/v1/team/invitations/{token}/accept", "team_join",
                  h_invite_accept, a);
    gg_http_route(h, "GET", "/console/invite/{token}", "console_invite", h_invite_page, a);
    gg_http_route(h, "POST", "/console/invite/{token}", "console_invite_post", h_invite_form, a);
    gg_http_route(h, "POST", "/api/v1/team/users/{id}", "team_user", h_user_set, a);
    gg_http_route(h, "GET", "/api/v1/team/sessions", "team_sessions", h_sessions, a);
    gg_http_route(h, "DELETE", "/api/v1/team/sessions/{id}", "team_session_end", h_session_end, a);
    gg_http_route(h, "POST", "/api/v1/team/sessions/end-all", "team_sessions_end_all",
                  h_sessions_end_all, a);
}
