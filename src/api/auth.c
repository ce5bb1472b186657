/*
 * auth.c — staff sign-in, sessions, roles and CSRF; participants, form
 * tokens and public rate limits (api layer).
 *
 * Passwords are argon2id (libsodium's crypto_pwhash_str). Verifying one
 * costs tens of milliseconds, so it runs on a short-lived thread and the
 * answer comes back through a deferred response: the event loop never
 * waits on a hash. Session cookies carry a random token; the database keeps
 * only its hash. Each session has its own CSRF token, required on every
 * state-changing staff request (header X-CSRF-Token or form field csrf).
 */
#include "api/api_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SESSION_TTL (12 * 3600)
#define LOGIN_WINDOW (15 * 60)

int gg_api_secret_load(const char *path, unsigned char out[32])
{
    char hex[65] = {0};
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(hex, 1, 64, f);
        fclose(f);
        size_t bin_len = 0;
        if (n == 64 && sodium_hex2bin(out, 32, hex, 64, NULL, &bin_len, NULL) == 0 &&
            bin_len == 32)
            return 0;
        gg_log(GG_LOG_ERROR, "install secret file is malformed", "\"path\":\"%s\"", path);
        return GG_EIO;
    }
    randombytes_buf(out, 32);
    sodium_bin2hex(hex, sizeof(hex), out, 32);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || write(fd, hex, 64) != 64 || fsync(fd) != 0) {
        gg_log(GG_LOG_ERROR, "cannot write install secret", "\"path\":\"%s\",\"errno\":%d",
               path, errno);
        if (fd >= 0)
            close(fd);
        return GG_EIO;
    }
    close(fd);
    gg_log(GG_LOG_INFO, "install secret created", "\"path\":\"%s\"", path);
    return 0;
}

void gg_api__hmac_hex(gg_api *a, const char *msg, char out[65])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), a->secret);
    sodium_bin2hex(out, 65, mac, sizeof(mac));
}

static void token_hash(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

static int role_bit(const char *role)
{
    if (strcmp(role, "admin") == 0)
        return GG_ROLE_ADMIN;
    if (strcmp(role, "reviewer") == 0)
        return GG_ROLE_REVIEWER;
    if (strcmp(role, "analyst") == 0)
        return GG_ROLE_ANALYST;
    return 0;
}

static gg_session *refuse(gg_req *r, int mode, int code, const char *msg)
{
    if (mode == GG_AUTH_HTML && code == GG_EAUTH) {
        gg_req_redirect(r, "/console/login");
        return NULL;
    }
    gg_req_error(r, code, "%s", msg);
    return NULL;
}

gg_session *gg_api__staff(gg_api *a, gg_req *r, int roles, int check_csrf, int mode)
{
    gg_session *s = gg_req_user(r);
    if (s == NULL) {
        const char *tok = gg_req_cookie(r, "gg_session");
        json_t *row = NULL;
        char th[65];
        if (tok == NULL || strlen(tok) != 64)
            return refuse(r, mode, GG_EAUTH, "sign in first");
        token_hash(tok, th);
        if (gg_store_session_get(a->store, th, &row) != 0)
            return refuse(r, mode, GG_EAUTH, "session expired or unknown: sign in again");
        s = gg_req_alloc(r, sizeof(*s));
        memset(s, 0, sizeof(*s));
        s->user_id = json_integer_value(json_object_get(row, "user_id"));
        snprintf(s->email, sizeof(s->email), "%s",
                 json_string_value(json_object_get(row, "email")));
        snprintf(s->role_name, sizeof(s->role_name), "%s",
                 json_string_value(json_object_get(row, "role")));
        snprintf(s->csrf, sizeof(s->csrf), "%s", json_string_value(json_object_get(row, "csrf")));
        s->role = role_bit(s->role_name);
        json_decref(row);
        gg_req_set_user(r, s);
    }
    if (!(s->role & roles))
        return refuse(r, mode, GG_EFORBIDDEN, "your role may not do this");
    if (check_csrf) {
        gg_str h = gg_req_header(r, "x-csrf-token");
        const char *given = h.len ? gg_req_strdup(r, h.ptr, h.len) : gg_req_form(r, "csrf");
        size_t n = strlen(s->csrf);
        if (given == NULL || strlen(given) != n ||
            sodium_memcmp(given, s->csrf, n) != 0)
            return refuse(r, mode, GG_ECSRF, "missing or wrong CSRF token");
    }
    return s;
}

json_t *gg_api__json_body(gg_req *r)
{
    gg_str b = gg_req_body(r);
    json_error_t e;
    if (b.len == 0) {
        gg_req_error(r, GG_EINVAL, "the request needs a JSON body");
        return NULL;
    }
    json_t *j = json_loadb(b.ptr, b.len, JSON_REJECT_DUPLICATES, &e);
    if (j == NULL) {
        /* jansson reports bad UTF-8 as its own error text */
        int utf8 = strstr(e.text, "UTF-8") != NULL || strstr(e.text, "decode byte") != NULL;
        gg_req_error(r, utf8 ? GG_EUTF8 : GG_EINVAL, "%s at byte %d: %s",
                     utf8 ? "invalid UTF-8" : "malformed JSON", e.position, e.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        gg_req_error(r, GG_EINVAL, "the body must be a JSON object");
        return NULL;
    }
    return j;
}

int gg_api__query_int(gg_req *r, const char *name, int def, int min, int max, int *out)
{
    const char *v = gg_req_query(r, name);
    if (v == NULL || *v == '\0') {
        *out = def;
        return 0;
    }
    char *end;
    long n = strtol(v, &end, 10);
    if (*end != '\0' || n < min || n > max) {
        gg_req_error(r, GG_EINVAL, "%s must be a whole number from %d to %d", name, min, max);
        return -1;
    }
    *out = (int)n;
    return 0;
}

int gg_api__json_fields(gg_req *r, json_t *body, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        int ok = 0;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = strcmp(k, allowed[i]) == 0;
        if (!ok) {
            char safe[64];
            gg_log_escape(safe, sizeof(safe), k);
            gg_req_error(r, GG_EINVAL, "unknown field '%s'", safe);
            return -1;
        }
    }
    return 0;
}

int64_t gg_api__id(gg_str s)
{
    if (s.len == 0 || s.len > 18)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return -1;
        v = v * 10 + (s.ptr[i] - '0');
    }
    return v > 0 ? v : -1;
}

const char *gg_api__participant(gg_api *a, gg_req *r)
{
    const char *p = gg_req_cookie(r, "gg_p");
    if (p && strlen(p) == 32 && strspn(p, "0123456789abcdef") == 32)
        return p;
    unsigned char raw[16];
    char *hex = gg_req_alloc(r, 33), cookie[128];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, 33, raw, sizeof(raw));
    snprintf(cookie, sizeof(cookie), "gg_p=%s; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax%s",
             hex, gg_req_tls(r) ? "; Secure" : "");
    gg_req_header_add(r, "set-cookie", cookie);
    return hex;
}

const char *gg_api__form_token(gg_api *a, gg_req *r, const char *participant)
{
    char msg[64], mac[65];
    snprintf(msg, sizeof(msg), "form:%s", participant);
    gg_api__hmac_hex(a, msg, mac);
    return gg_req_strdup(r, mac, 32);
}

const char *gg_api__lang(gg_req *r)
{
    const char *q = gg_req_query(r, "lang");
    if (q && (strcmp(q, "en") == 0 || strcmp(q, "id") == 0)) {
        char c[96];
        snprintf(c, sizeof(c), "gg_lang=%s; Path=/; Max-Age=31536000; SameSite=Lax", q);
        gg_req_header_add(r, "set-cookie", c);
        return q[0] == 'e' ? "en" : "id";
    }
    const char *c = gg_req_cookie(r, "gg_lang");
    return c && strcmp(c, "en") == 0 ? "en" : "id";
}

/* ---- sign-in ------------------------------------------------------------ */

typedef struct login_job {
    gg_api *a;
    gg_pending *p;
    int html;
    int64_t user_id;
    char *email, *password, *pw_hash, *role, *ip, *ua, *rate_key;
} login_job;

static void login_free(login_job *j)
{
    if (j->password) {
        sodium_memzero(j->password, strlen(j->password));
        free(j->password);
    }
    free(j->email);
    free(j->pw_hash);
    free(j->role);
    free(j->ip);
    free(j->ua);
    free(j->rate_key);
    free(j);
}

/* A valid argon2id hash of a random password: checking against it when the
 * user does not exist costs the same time, so timing does not reveal
 * which e-mails have accounts. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void)
{
    char pw[33];
    unsigned char raw[16];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        abort(); /* only out of memory makes this fail */
}

static void *login_thread(void *arg)
{
    login_job *j = arg;
    const char *hash = j->pw_hash ? j->pw_hash : dummy_hash;
    int ok = crypto_pwhash_str_verify(hash, j->password, strlen(j->password)) == 0 &&
             j->pw_hash != NULL;
    if (!ok) {
        gg_rate_add(j->a->rate_login, j->rate_key, 1);
        gg_log(GG_LOG_WARN, "sign-in failed", "\"ip\":\"%s\"", j->ip);
        if (j->html)
            gg_pending_redirect(j->p, "/console/login?error=1");
        else
            gg_pending_error(j->p, GG_EAUTH, "wrong e-mail or password");
        login_free(j);
        return NULL;
    }
    unsigned char raw[32], craw[16];
    char tok[65], th[65], csrf[33], cookie[200];
    randombytes_buf(raw, sizeof(raw));
    randombytes_buf(craw, sizeof(craw));
    sodium_bin2hex(tok, sizeof(tok), raw, sizeof(raw));
    sodium_bin2hex(csrf, sizeof(csrf), craw, sizeof(craw));
    token_hash(tok, th);
    if (gg_store_session_put(j->a->store, j->user_id, th, csrf, (int64_t)time(NULL) + SESSION_TTL,
                             j->ip, j->ua) != 0) {
        gg_pending_error(j->p, GG_EIO, "cannot create the session");
        login_free(j);
        return NULL;
    }
    snprintf(cookie, sizeof(cookie), "gg_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
             tok, SESSION_TTL, j->a->cfg->tls ? "; Secure" : "");
    gg_pending_header(j->p, "set-cookie", cookie);
    gg_log(GG_LOG_INFO, "signed in", "\"user_id\":%lld,\"ip\":\"%s\"", (long long)j->user_id,
           j->ip);
    if (j->html)
        gg_pending_redirect(j->p, "/console/queue");
    else
        gg_pending_json(j->p, 200,
                        json_pack("{s:s,s:{s:I,s:s,s:s}}", "csrf", csrf, "user", "id",
                                  (json_int_t)j->user_id, "email", j->email, "role", j->role));
    login_free(j);
    return NULL;
}

static int start_login(gg_api *a, gg_req *r, const char *email, const char *password, int html)
{
    if (email == NULL || password == NULL || !*email || !*password || strlen(email) > 254 ||
        strlen(password) > 1024) {
        if (html) {
            gg_req_redirect(r, "/console/login?error=1");
            return 0;
        }
        return gg_req_error(r, GG_EINVAL, "email and password are required");
    }
    char key[320];
    snprintf(key, sizeof(key), "l:%s:%s", gg_req_ip(r), email);
    if (a->cfg->rate_login > 0 && gg_rate_add(a->rate_login, key, 0) >= a->cfg->rate_login) {
        char ra[16];
        snprintf(ra, sizeof(ra), "%d", gg_rate_retry_after(a->rate_login, key));
        gg_req_header_add(r, "retry-after", ra);
        gg_log(GG_LOG_WARN, "sign-in throttled", "\"ip\":\"%s\"", gg_req_ip(r));
        if (html) {
            gg_req_redirect(r, "/console/login?error=2");
            return 0;
        }
        return gg_req_error(r, GG_ERATE, "too many failed sign-ins; wait %s seconds", ra);
    }
    pthread_once(&dummy_once, make_dummy);
    login_job *j = gg_calloc(1, sizeof(*j));
    json_t *u = NULL;
    j->a = a;
    j->html = html;
    j->email = gg_strdup(email);
    j->password = gg_strdup(password);
    j->ip = gg_strdup(gg_req_ip(r));
    gg_str ua = gg_req_header(r, "user-agent");
    j->ua = gg_strndup(ua.ptr, ua.len > 200 ? 200 : ua.len);
    j->rate_key = gg_strdup(key);
    if (gg_store_user_get(a->store, email, &u) == 0) {
        j->user_id = json_integer_value(json_object_get(u, "id"));
        j->pw_hash = gg_strdup(json_string_value(json_object_get(u, "pw_hash")));
        j->role = gg_strdup(json_string_value(json_object_get(u, "role")));
        json_decref(u);
    }
    j->p = gg_req_defer(r);
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, login_thread, j) != 0) {
        gg_pending_error(j->p, GG_EIO, "busy, try again");
        login_free(j);
    }
    pthread_attr_destroy(&at);
    return 0;
}

static int h_session_post(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"email", "password", NULL};
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    if (gg_api__json_fields(r, b, fields) != 0) {
        json_decref(b);
        return 0;
    }
    int rc = start_login(ctx, r, json_string_value(json_object_get(b, "email")),
                         json_string_value(json_object_get(b, "password")), 0);
    json_decref(b);
    return rc;
}

static int h_console_login_post(gg_req *r, void *ctx)
{
    return start_login(ctx, r, gg_req_form(r, "email"), gg_req_form(r, "password"), 1);
}

static void sign_out(gg_api *a, gg_req *r)
{
    const char *tok = gg_req_cookie(r, "gg_session");
    if (tok && strlen(tok) == 64) {
        char th[65];
        token_hash(tok, th);
        /* a one-row delete: quick enough to wait for on the loop */
        gg_store_session_delete(a->store, th);
    }
    gg_req_header_add(r, "set-cookie", "gg_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
}

static int h_session_delete(gg_req *r, void *ctx)
{
    if (gg_api__staff(ctx, r, GG_ROLE_ANY, 1, GG_AUTH_JSON) == NULL)
        return 0;
    sign_out(ctx, r);
    gg_req_send(r, 204, "application/json", "", 0);
    return 0;
}

static int h_console_logout(gg_req *r, void *ctx)
{
    if (gg_api__staff(ctx, r, GG_ROLE_ANY, 1, GG_AUTH_HTML) == NULL)
        return 0;
    sign_out(ctx, r);
    gg_req_redirect(r, "/console/login");
    return 0;
}

static int h_session_get(gg_req *r, void *ctx)
{
    gg_session *s = gg_api__staff(ctx, r, GG_ROLE_ANY, 0, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    gg_req_json(r, 200, json_pack("{s:s,s:{s:I,s:s,s:s}}", "csrf", s->csrf, "user", "id",
                                  (json_int_t)s->user_id, "email", s->email, "role", s->role_name));
    return 0;
}

void gg_api__register_auth(gg_api *a, gg_http *h)
{
    gg_http_route(h, "POST", "/api/v1/session", "session_create", h_session_post, a);
    gg_http_route(h, "GET", "/api/v1/session", "session_get", h_session_get, a);
    gg_http_route(h, "DELETE", "/api/v1/session", "session_delete", h_session_delete, a);
    gg_http_route(h, "POST", "/console/login", "console_login", h_console_login_post, a);
    gg_http_route(h, "POST", "/console/logout", "console_logout", h_console_logout, a);
}
