/*
 * quiz.c — quizzes about a campaign's issues (api layer, issue 5): the
 * public JSON API (list, quiz without its answers, one graded attempt per
 * participant), the staff API (create, edit, publish as Telegram quiz
 * polls, statistics by channel), and the portal pages: the quiz on one
 * form that works without JavaScript, and the result page whose stable
 * URL carries the score and Open Graph tags but nothing about the person.
 */
#include "api/quiz.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "store/quiz.h"
#include "text/text.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* A public quiz: drafts do not exist for the public. */
static int public_quiz(gg_api *a, int64_t id, int with_answers, json_t **out)
{
    if (id < 0 || gg_store_quiz_get(a->store, id, with_answers, out) != 0)
        return GG_ENOTFOUND;
    if (strcmp(jstr(*out, "status"), "draft") == 0) {
        json_decref(*out);
        *out = NULL;
        return GG_ENOTFOUND;
    }
    return 0;
}

/* ---- JSON API ---------------------------------------------------------------- */

typedef struct quiz_done {
    gg_pending *p;
    int status;
    int64_t quiz_id;
    char origin[300]; /* public_origin of the request: share_url of an attempt */
} quiz_done;

static void public_origin(gg_api *a, gg_req *r, char *out, size_t cap);

static void on_done(void *arg, int rc, int64_t id, json_t *result)
{
    (void)id;
    quiz_done *d = arg;
    if (rc == 0) {
        json_t *out = result ? json_incref(result) : json_object();
        const char *share = json_string_value(json_object_get(out, "share"));
        if (share) {
            char url[96];
            snprintf(url, sizeof(url), "/q/%lld/r/%s", (long long)d->quiz_id, share);
            json_object_set_new(out, "url", json_string(url));
            char abs[400];
            snprintf(abs, sizeof(abs), "%s%s", d->origin, url);
            json_object_set_new(out, "share_url", json_string(abs));
        }
        gg_pending_json(d->p, d->status, out);
    } else {
        const char *m = json_string_value(json_object_get(result, "message"));
        gg_pending_error(d->p, rc, rc == GG_EIO || rc == GG_EINTERNAL || m == NULL
                                       ? "could not be stored; try again"
                                       : m);
    }
    free(d);
}

static int submit(gg_api *a, gg_req *r, const gg_quiz_in *in, int status)
{
    quiz_done *d = gg_malloc(sizeof(*d));
    d->status = status;
    d->quiz_id = in->id;
    public_origin(a, r, d->origin, sizeof(d->origin));
    d->p = gg_req_defer(r);
    if (gg_store_quiz_put(a->store, in, on_done, d) != 0) {
        gg_pending_error(d->p, GG_EINVAL, gg_store_errmsg(a->store));
        free(d);
    }
    return 0;
}

static int h_list(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_str slug = gg_req_param(r, "slug");
    char *s = gg_req_strdup(r, slug.ptr, slug.len);
    json_t *c = NULL, *out = NULL;
    int rc = gg_store_campaign_head(a->store, s, &c);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    json_decref(c);
    if ((rc = gg_store_quiz_list(a->store, s, 0, &out)) != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    gg_req_json(r, 200, json_pack("{s:o}", "quizzes", out));
    return 0;
}

static int h_get(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    json_t *q = NULL;
    if (public_quiz(a, gg_api__id(gg_req_param(r, "id")), 0, &q) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such quiz");
    gg_req_json(r, 200, q);
    return 0;
}

static int h_attempt(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"answers", NULL};
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such quiz");
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    char *answers = NULL;
    json_t *ans = json_object_get(b, "answers");
    if (gg_api__json_fields(r, b, fields) != 0)
        goto done;
    if (!json_is_array(ans) || json_array_size(ans) == 0 || json_array_size(ans) > 64) {
        gg_req_error(r, GG_EINVAL, "field 'answers' must be a list of option indexes (or null)");
        goto done;
    }
    char who[65];
    gg_api__participant_key(a, gg_api__participant(a, r), who);
    if (gg_api__rate_write(a, r, who, NULL, NULL) != 0)
        goto done;
    answers = json_dumps(ans, JSON_COMPACT);
    gg_quiz_in in = {.op = GG_QUIZ_ATTEMPT, .id = id, .participant = who, .json = answers};
    submit(a, r, &in, 201);
done:
    free(answers);
    json_decref(b);
    return 0;
}

/* Staff: a new quiz (POST under a campaign) or an edit (PATCH); admin + CSRF. */
static int save(gg_req *r, gg_api *a, int64_t id, int64_t campaign_id)
{
    static const char *const fields[] = {"title", "intro", "status", "questions", NULL};
    gg_session *ss = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (ss == NULL)
        return 0;
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    char *def = NULL;
    if (gg_api__json_fields(r, b, fields) != 0)
        goto done;
    if (gg_store_quiz_check(b) != 0) { /* the precise message, before queuing */
        gg_req_error(r, GG_EINVAL, "%s", gg_store_errmsg(a->store));
        goto done;
    }
    def = json_dumps(b, JSON_COMPACT);
    if (!gg_text_utf8_valid(def, strlen(def))) {
        gg_req_error(r, GG_EUTF8, "the quiz is not valid UTF-8");
        goto done;
    }
    gg_quiz_in in = {.op = GG_QUIZ_SAVE, .id = id, .campaign_id = campaign_id, .json = def,
                     .actor_id = ss->user_id, .actor = ss->email};
    submit(a, r, &in, id > 0 ? 200 : 201);
done:
    free(def);
    json_decref(b);
    return 0;
}

static int h_create(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON) == NULL)
        return 0;
    gg_str slug = gg_req_param(r, "slug");
    json_t *c = NULL;
    int rc = gg_store_campaign_head(a->store, gg_req_strdup(r, slug.ptr, slug.len), &c);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    int64_t cid = json_integer_value(json_object_get(c, "id"));
    json_decref(c);
    return save(r, a, 0, cid);
}

static int h_edit(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON) == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such quiz");
    return save(r, a, id, 0);
}

/* Staff: one Telegram quiz poll per question, through the outbox. On a
 * refusal before queuing, *why says what is wrong and done will not run. */
int gg_api__quiz_publish(gg_api *a, gg_session *ss, int64_t id, const char *channel,
                         const char *chat_id, const char *account, const char *lang,
                         gg_store_done_fn done, void *arg, const char **why)
{
    *why = NULL;
    if (channel == NULL || strcmp(channel, "telegram") != 0)
        *why = "quizzes go out as Telegram quiz polls: channel must be telegram";
    else if (chat_id && (*chat_id == '\0' || strlen(chat_id) > 32 ||
                         strspn(chat_id, "-0123456789") != strlen(chat_id)))
        *why = "chat_id must be a Telegram chat id (digits, maybe a leading -)";
    else if (account && (strlen(account) > 128 || !gg_text_utf8_valid(account, strlen(account))))
        *why = "account must be a connected account's name";
    if (*why)
        return GG_EINVAL;
    json_t *t = json_object();
    if (chat_id)
        json_object_set_new(t, "chat_id", json_string(chat_id));
    if (account && *account)
        json_object_set_new(t, "account", json_string(account));
    char *target = json_dumps(t, JSON_COMPACT);
    json_decref(t);
    gg_quiz_in in = {.op = GG_QUIZ_PUBLISH, .id = id, .channel = channel, .json = target,
                     .lang = lang && strcmp(lang, "en") == 0 ? "en" : "id",
                     .actor_id = ss->user_id, .actor = ss->email};
    int rc = gg_store_quiz_put(a->store, &in, done, arg);
    if (rc != 0)
        *why = "could not be queued; try again";
    free(target);
    return rc;
}

static int h_publish(gg_req *r, void *ctx)
{
    static const char *const fields[] = {"channel", "chat_id", "account", "lang", NULL};
    gg_api *a = ctx;
    gg_session *ss = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (ss == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *q = NULL;
    if (id < 0 || gg_store_quiz_get(a->store, id, 0, &q) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such quiz");
    json_decref(q);
    json_t *b = gg_api__json_body(r);
    if (b == NULL)
        return 0;
    json_t *chat = json_object_get(b, "chat_id");
    char num[32];
    const char *chat_s = json_string_value(chat);
    if (json_is_integer(chat)) { /* Telegram chat ids are numbers; both spellings do */
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(chat));
        chat_s = num;
    }
    if (gg_api__json_fields(r, b, fields) == 0) {
        quiz_done *d = gg_malloc(sizeof(*d));
        d->status = 202;
        d->quiz_id = id;
        d->p = gg_req_defer(r);
        const char *why = NULL;
        if (gg_api__quiz_publish(a, ss, id, json_string_value(json_object_get(b, "channel")),
                                 chat_s, json_string_value(json_object_get(b, "account")),
                                 json_string_value(json_object_get(b, "lang")), on_done, d,
                                 &why) != 0) {
            gg_log(GG_LOG_INFO, "quiz publish refused", "\"quiz\":%lld", (long long)id);
            gg_pending_error(d->p, GG_EINVAL, why ? why : "refused");
            free(d);
        }
    }
    json_decref(b);
    return 0;
}

static int h_stats(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ANY, 0, GG_AUTH_JSON) == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *out = NULL;
    if (id < 0 || gg_store_quiz_stats(a->store, id, &out) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such quiz");
    gg_req_json(r, 200, out);
    return 0;
}

/* ---- portal pages -------------------------------------------------------------- */

/* The campaign page's quiz box (api/pages.c calls this): the newest open
 * quiz, with a link to play it. */
void gg_api__quiz_section(gg_api *a, gg_buf *b, const char *slug, const char *lang)
{
    json_t *list = NULL;
    if (gg_store_quiz_list(a->store, slug, 0, &list) != 0)
        return;
    size_t i;
    json_t *q;
    json_array_foreach(list, i, q)
    {
        if (strcmp(jstr(q, "status"), "open") != 0)
            continue;
        long long id = (long long)json_integer_value(json_object_get(q, "id"));
        gg_buf_printf(b, "<section class=\"quiz\" id=\"quiz%lld\"><h2>%s</h2><p><strong>", id,
                      GG_T(lang, "Kuis", "Quiz"));
        gg_html_esc(b, jstr(q, "title"));
        gg_buf_adds(b, "</strong></p>");
        if (*jstr(q, "intro")) {
            gg_buf_adds(b, "<p>");
            gg_html_esc(b, jstr(q, "intro"));
            gg_buf_adds(b, "</p>");
        }
        gg_buf_printf(b, "<p><a class=\"button\" href=\"/q/%lld\">%s (%lld %s)</a></p></section>",
                      id, GG_T(lang, "Ikuti kuis", "Take the quiz"),
                      (long long)json_integer_value(json_object_get(q, "questions")),
                      GG_T(lang, "pertanyaan", "questions"));
        break;
    }
    json_decref(list);
}

static int not_found_page(gg_req *r, const char *lang)
{
    gg_buf b;
    gg_buf_init(&b, 1 << 16);
    gg_html_head(&b, lang, GG_T(lang, "Tidak ditemukan", "Not found"), NULL);
    gg_buf_printf(&b, "<h1>%s</h1><p><a href=\"/\">%s</a></p>",
                  GG_T(lang, "Kuis tidak ditemukan", "Quiz not found"),
                  GG_T(lang, "Lihat semua kampanye", "See all campaigns"));
    gg_html_foot(&b, lang);
    gg_html_send(r, 404, &b);
    return 0;
}

static const char *page_error(const char *code, const char *lang)
{
    if (strcmp(code, "conflict") == 0)
        return GG_T(lang, "Kuis ini sudah Anda ikuti atau sudah ditutup.",
                    "You already took this quiz, or it is closed.");
    if (strcmp(code, "rate_limited") == 0 || strcmp(code, "rate") == 0)
        return GG_T(lang, "Terlalu sering; coba lagi sebentar lagi.",
                    "Too many tries; please wait a moment.");
    return GG_T(lang, "Jawaban tidak dapat dibaca; pilih satu jawaban per pertanyaan.",
                "The answers could not be read; choose one answer per question.");
}

static int h_quiz_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    const char *lang = gg_api__lang(r);
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *q = NULL, *mine = NULL;
    if (public_quiz(a, id, 0, &q) != 0)
        return not_found_page(r, lang);
    const char *participant = gg_api__participant(a, r);
    const char *token = gg_api__form_token(a, r, participant);
    char who[65], path[48];
    gg_api__participant_key(a, participant, who);
    snprintf(path, sizeof(path), "/q/%lld", (long long)id);
    gg_buf b;
    gg_buf_init(&b, 1 << 20);
    gg_html_head(&b, lang, jstr(q, "title"), path);
    gg_buf_adds(&b, "<p class=\"kicker\">");
    gg_buf_adds(&b, GG_T(lang, "Kuis", "Quiz"));
    gg_buf_adds(&b, "</p><h1>");
    gg_html_esc(&b, jstr(q, "title"));
    gg_buf_adds(&b, "</h1>");
    if (*jstr(q, "intro")) {
        gg_buf_adds(&b, "<p>");
        gg_html_esc(&b, jstr(q, "intro"));
        gg_buf_adds(&b, "</p>");
    }
    const char *err = gg_req_query(r, "error");
    if (err && *err)
        gg_buf_printf(&b, "<p class=\"error\" role=\"alert\">%s</p>", page_error(err, lang));
    if (gg_store_quiz_attempt_of(a->store, id, who, &mine) == 0) {
        gg_buf_printf(&b, "<p class=\"flash\" role=\"status\">%s <strong>%lld/%lld</strong>. "
                          "<a href=\"/q/%lld/r/%s\">%s</a></p>",
                      GG_T(lang, "Anda sudah mengikuti kuis ini. Skor Anda:",
                           "You already took this quiz. Your score:"),
                      (long long)json_integer_value(json_object_get(mine, "score")),
                      (long long)json_integer_value(json_object_get(mine, "total")),
                      (long long)id, jstr(mine, "share"),
                      GG_T(lang, "Lihat hasil dan penjelasan", "See the result and explanations"));
    } else if (strcmp(jstr(q, "status"), "closed") == 0) {
        gg_buf_printf(&b, "<p>%s</p>", GG_T(lang, "Kuis ini sudah ditutup.", "This quiz is closed."));
    } else {
        gg_buf_printf(&b, "<form class=\"quiz\" method=\"post\" action=\"%s\">"
                          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
                      path, token);
        size_t i, k;
        json_t *qq, *o;
        json_array_foreach(json_object_get(q, "questions"), i, qq)
        {
            gg_buf_printf(&b, "<fieldset id=\"q%zu\"><legend>%zu. ", i, i + 1);
            gg_html_esc(&b, jstr(qq, "question"));
            gg_buf_adds(&b, "</legend>");
            json_array_foreach(json_object_get(qq, "options"), k, o)
            {
                gg_buf_printf(&b, "<label><input type=\"radio\" name=\"a%zu\" value=\"%zu\"%s> ", i,
                              k, k == 0 ? " required" : "");
                gg_html_esc(&b, json_string_value(o));
                gg_buf_adds(&b, "</label>");
            }
            gg_buf_adds(&b, "</fieldset>");
        }
        gg_buf_printf(&b, "<button type=\"submit\">%s</button></form>",
                      GG_T(lang, "Kirim jawaban", "Submit answers"));
    }
    gg_buf_adds(&b, "<p><a href=\"/c/");
    gg_html_esc(&b, jstr(q, "campaign"));
    gg_buf_printf(&b, "\">%s</a></p>", GG_T(lang, "Kembali ke kampanye", "Back to the campaign"));
    gg_html_foot(&b, lang);
    json_decref(q);
    json_decref(mine);
    gg_html_send(r, 200, &b);
    return 0;
}

typedef struct form_done {
    gg_pending *p;
    int64_t quiz_id;
} form_done;

static void on_form_done(void *arg, int rc, int64_t id, json_t *result)
{
    (void)id;
    form_done *d = arg;
    char loc[128];
    if (rc == 0)
        snprintf(loc, sizeof(loc), "/q/%lld/r/%s", (long long)d->quiz_id,
                 jstr(result, "share"));
    else
        snprintf(loc, sizeof(loc), "/q/%lld?error=%s", (long long)d->quiz_id, gg_err_name(rc));
    gg_pending_redirect(d->p, loc);
    free(d);
}

static int h_quiz_submit(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *q = NULL;
    if (public_quiz(a, id, 0, &q) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such quiz");
    size_t n = json_array_size(json_object_get(q, "questions"));
    json_decref(q);
    const char *p = gg_req_cookie(r, "gg_p");
    const char *given = gg_req_form(r, "csrf");
    if (p == NULL || strlen(p) != 32 || given == NULL || strlen(given) != 32 ||
        sodium_memcmp(given, gg_api__form_token(a, r, p), 32) != 0)
        return gg_req_error(r, GG_ECSRF, "the form expired or cookies are off; reload the page");
    json_t *ans = json_array();
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof(name), "a%zu", i);
        const char *v = gg_req_form(r, name);
        if (v == NULL || *v == '\0')
            json_array_append_new(ans, json_null());
        else if (strlen(v) <= 2 && strspn(v, "0123456789") == strlen(v))
            json_array_append_new(ans, json_integer(atoi(v)));
        else
            bad = 1;
    }
    if (bad) {
        json_decref(ans);
        char loc[64];
        snprintf(loc, sizeof(loc), "/q/%lld?error=invalid", (long long)id);
        gg_req_redirect(r, loc);
        return 0;
    }
    char who[65];
    gg_api__participant_key(a, p, who);
    char back[64];
    snprintf(back, sizeof(back), "/q/%lld", (long long)id);
    if (gg_api__rate_write(a, r, who, back, NULL) != 0) {
        json_decref(ans);
        return 0;
    }
    char *js = json_dumps(ans, JSON_COMPACT);
    json_decref(ans);
    form_done *d = gg_malloc(sizeof(*d));
    d->quiz_id = id;
    d->p = gg_req_defer(r);
    gg_quiz_in in = {.op = GG_QUIZ_ATTEMPT, .id = id, .participant = who, .json = js};
    if (gg_store_quiz_put(a->store, &in, on_form_done, d) != 0) {
        char loc[64];
        snprintf(loc, sizeof(loc), "/q/%lld?error=invalid", (long long)id);
        gg_pending_redirect(d->p, loc);
        free(d);
    }
    free(js);
    return 0;
}

/* The public origin the portal's absolute links start with (no trailing
 * slash) into out: base_url when configured, else the scheme and Host the
 * request came to (the server may listen on any address and port; the
 * built-in default base_url would name the wrong one). A Host with
 * characters no host:port has falls back to base_url. */
static void public_origin(gg_api *a, gg_req *r, char *out, size_t cap)
{
    const char *base = a->cfg->base_url;
    gg_str h = gg_req_header(r, "host");
    int from_host = strcmp(base, GG_CONFIG_BASE_URL_DEFAULT) == 0 || base[0] == '\0';
    if (from_host && h.ptr && h.len > 0 && h.len < 200) {
        size_t ok = 0;
        while (ok < h.len && strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789.-:[]",
                                    h.ptr[ok]) && h.ptr[ok] != '\0')
            ok++;
        if (ok == h.len) {
            snprintf(out, cap, "%s://%.*s", gg_req_tls(r) ? "https" : "http", (int)h.len, h.ptr);
            return;
        }
    }
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    snprintf(out, cap, "%.*s", (int)n, base);
}

/* The absolute address of path, HTML-escaped into b. */
static void absolute_url(gg_api *a, gg_req *r, gg_buf *b, const char *path)
{
    char origin[300];
    public_origin(a, r, origin, sizeof(origin));
    gg_html_esc(b, origin);
    gg_html_esc(b, path);
}

static int h_result_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    const char *lang = gg_api__lang(r);
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    gg_str sh = gg_req_param(r, "share");
    json_t *res = NULL, *q = NULL;
    if (sh.len != 24 || strspn(gg_req_strdup(r, sh.ptr, sh.len), "0123456789abcdef") != 24 ||
        gg_store_quiz_result(a->store, gg_req_strdup(r, sh.ptr, sh.len), &res) != 0)
        return not_found_page(r, lang);
    if (json_integer_value(json_object_get(res, "quiz_id")) != id ||
        public_quiz(a, id, 1, &q) != 0) {
        json_decref(res);
        return not_found_page(r, lang);
    }
    /* the taker sees their own answers; anyone else the score and the key */
    const char *p = gg_req_cookie(r, "gg_p");
    char who[65] = "";
    if (p && strlen(p) == 32)
        gg_api__participant_key(a, p, who);
    int own = who[0] && strcmp(who, jstr(res, "participant")) == 0;
    long long score = (long long)json_integer_value(json_object_get(res, "score"));
    long long total = (long long)json_integer_value(json_object_get(res, "total"));
    char path[96], title[400];
    snprintf(path, sizeof(path), "/q/%lld/r/%.24s", (long long)id, sh.ptr);
    snprintf(title, sizeof(title), "%s %lld/%lld · %s", GG_T(lang, "Skor", "Score"), score, total,
             jstr(q, "title"));
    gg_buf b, head;
    gg_buf_init(&head, 1 << 16);
    gg_html_head(&head, lang, title, path);
    /* Open Graph tags go into the shell's <head>: a shared link shows the score */
    const char *split = head.data ? strstr(head.data, "</head>") : NULL;
    gg_buf_init(&b, 1 << 20);
    gg_buf_add(&b, head.data, split ? (size_t)(split - head.data) : head.len);
    gg_buf_adds(&b, "<meta property=\"og:type\" content=\"website\"><meta property=\"og:title\" "
                    "content=\"");
    gg_html_esc(&b, title);
    gg_buf_printf(&b, "\"><meta property=\"og:description\" content=\"%s\">"
                      "<meta property=\"og:url\" content=\"",
                  GG_T(lang, "Berapa skor Anda? Ikuti kuisnya di gagas.",
                       "What is your score? Take the quiz on gagas."));
    absolute_url(a, r, &b, path);
    gg_buf_adds(&b, "\"><meta name=\"twitter:card\" content=\"summary\">");
    if (split)
        gg_buf_adds(&b, split);
    gg_buf_dispose(&head);
    gg_buf_printf(&b, "<p class=\"kicker\">%s</p><h1>", GG_T(lang, "Hasil kuis", "Quiz result"));
    gg_html_esc(&b, jstr(q, "title"));
    gg_buf_printf(&b, "</h1><p class=\"score\"><strong id=\"score\">%lld/%lld</strong> %s</p>",
                  score, total, GG_T(lang, "jawaban benar", "right answers"));
    json_t *mine = json_object(); /* question id -> chosen option */
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(res, "answers"), i, x)
    {
        char k[24];
        snprintf(k, sizeof(k), "%lld", (long long)json_integer_value(json_object_get(x, "question_id")));
        json_object_set(mine, k, json_object_get(x, "option"));
    }
    gg_buf_adds(&b, "<ol class=\"answers\">");
    json_array_foreach(json_object_get(q, "questions"), i, x)
    {
        char k[24];
        snprintf(k, sizeof(k), "%lld", (long long)json_integer_value(json_object_get(x, "id")));
        json_t *opts = json_object_get(x, "options");
        json_int_t cor = json_integer_value(json_object_get(x, "correct"));
        json_t *pick = json_object_get(mine, k);
        int right = json_is_integer(pick) && json_integer_value(pick) == cor;
        gg_buf_adds(&b, "<li><p><strong>");
        gg_html_esc(&b, jstr(x, "question"));
        gg_buf_printf(&b, "</strong></p><p>%s: ", GG_T(lang, "Jawaban benar", "Right answer"));
        gg_html_esc(&b, json_string_value(json_array_get(opts, (size_t)cor)));
        gg_buf_adds(&b, "</p>");
        if (own) {
            gg_buf_printf(&b, "<p class=\"%s\">%s: ", right ? "right" : "wrong",
                          GG_T(lang, "Jawaban Anda", "Your answer"));
            if (json_is_integer(pick) && json_integer_value(pick) >= 0)
                gg_html_esc(&b, json_string_value(json_array_get(opts, (size_t)json_integer_value(pick))));
            else
                gg_buf_adds(&b, "–");
            gg_buf_printf(&b, " %s</p>", right ? "✓" : "✗");
        }
        if (*jstr(x, "explanation")) {
            gg_buf_adds(&b, "<p class=\"explanation\">");
            gg_html_esc(&b, jstr(x, "explanation"));
            gg_buf_adds(&b, "</p>");
        }
        gg_buf_adds(&b, "</li>");
    }
    gg_buf_adds(&b, "</ol>");
    json_decref(mine);
    gg_buf_printf(&b, "<p>%s <input class=\"share\" readonly aria-label=\"%s\" value=\"",
                  GG_T(lang, "Bagikan hasil ini:", "Share this result:"),
                  GG_T(lang, "Tautan hasil", "Result link"));
    absolute_url(a, r, &b, path);
    gg_buf_printf(&b, "\"></p><p><a href=\"/q/%lld\">%s</a> · <a href=\"/c/", (long long)id,
                  GG_T(lang, "Ikuti kuis ini", "Take this quiz"));
    gg_html_esc(&b, jstr(q, "campaign"));
    gg_buf_printf(&b, "\">%s</a></p>", GG_T(lang, "Kembali ke kampanye", "Back to the campaign"));
    gg_html_foot(&b, lang);
    json_decref(q);
    json_decref(res);
    gg_html_send(r, 200, &b);
    return 0;
}

void gg_api__register_quiz(gg_api *a, gg_http *h)
{
    gg_http_route(h, "GET", "/api/v1/campaigns/{slug}/quizzes", "quizzes", h_list, a);
    gg_http_route(h, "POST", "/api/v1/campaigns/{slug}/quizzes", "quiz_create", h_create, a);
    gg_http_route(h, "GET", "/api/v1/quizzes/{id}", "quiz", h_get, a);
    gg_http_route(h, "PATCH", "/api/v1/quizzes/{id}", "quiz_edit", h_edit, a);
    gg_http_route(h, "POST", "/api/v1/quizzes/{id}/attempts", "quiz_attempt", h_attempt, a);
    gg_http_route(h, "POST", "/api/v1/quizzes/{id}/publish", "quiz_publish", h_publish, a);
    gg_http_route(h, "GET", "/api/v1/quizzes/{id}/stats", "quiz_stats", h_stats, a);
    gg_http_route(h, "GET", "/q/{id}", "page_quiz", h_quiz_page, a);
    gg_http_route(h, "POST", "/q/{id}", "page_quiz_submit", h_quiz_submit, a);
    gg_http_route(h, "GET", "/q/{id}/r/{share}", "page_quiz_result", h_result_page, a);
}
