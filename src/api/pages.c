/*
 * pages.c — the citizen portal's HTML pages (api layer): campaign list,
 * campaign page with the idea form (works without JavaScript), the thanks
 * page of a submission, and the page of a public idea. Indonesian by
 * default, English with ?lang=en (remembered in a cookie).
 */
#include "api/api_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include "store/store.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* The English field when the page is English and the campaign has one. */
static const char *jlang(json_t *o, const char *k, const char *lang)
{
    if (lang[0] == 'e') {
        char ek[64];
        snprintf(ek, sizeof(ek), "%s_en", k);
        const char *s = json_string_value(json_object_get(o, ek));
        if (s && *s)
            return s;
    }
    return jstr(o, k);
}

/* Paragraphs from a plain-text brief: blank lines separate them. */
static void paragraphs(gg_buf *b, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *e = strstr(p, "\n\n");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *para = gg_strndup(p, n);
        gg_buf_adds(b, "<p>");
        gg_html_esc(b, para);
        gg_buf_adds(b, "</p>");
        free(para);
        p += n;
        while (*p == '\n')
            p++;
    }
}

static const char *status_label(const char *status, const char *lang)
{
    static const char *const map[][3] = {
        {"baru", "baru", "new"},           {"ditelaah", "ditelaah", "under review"},
        {"diterima", "diterima", "accepted"}, {"diadopsi", "diadopsi", "adopted"},
        {"ditolak", "ditolak", "declined"}, {"queued", "menunggu ditelaah", "waiting for review"},
        {"accepted", "diterima", "accepted"}, {"rejected", "ditolak", "declined"},
        {"merged", "digabung dengan gagasan serupa", "merged with a similar idea"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i][0], status) == 0)
            return lang[0] == 'e' ? map[i][2] : map[i][1];
    return status;
}

static void idea_list(gg_buf *b, json_t *ideas, const char *lang)
{
    size_t i;
    json_t *it;
    gg_buf_adds(b, "<ul class=\"ideas\">");
    json_array_foreach(json_object_get(ideas, "ideas"), i, it)
    {
        gg_buf_printf(b, "<li><a href=\"/i/%lld\">",
                      (long long)json_integer_value(json_object_get(it, "id")));
        gg_html_esc(b, jstr(it, "title"));
        gg_buf_printf(b, "</a> <span class=\"meta\">%lld %s · %s</span></li>",
                      (long long)json_integer_value(json_object_get(it, "supporters")),
                      GG_T(lang, "pendukung", "supporters"),
                      status_label(jstr(it, "status"), lang));
    }
    if (i == 0)
        gg_buf_printf(b, "<li class=\"empty\">%s</li>",
                      GG_T(lang, "Belum ada gagasan yang diterima. Jadilah yang pertama!",
                           "No accepted ideas yet. Be the first!"));
    gg_buf_adds(b, "</ul>");
}

static int h_home(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    const char *lang = gg_api__lang(r);
    json_t *list = NULL;
    if (gg_store_campaign_list(a->store, &list) != 0)
        return gg_req_error(r, GG_EIO, "%s", gg_store_errmsg(a->store));
    gg_buf b;
    gg_buf_init(&b, 1 << 20);
    gg_html_head(&b, lang, GG_T(lang, "Kampanye", "Campaigns"), "/");
    gg_buf_printf(&b, "<h1>%s</h1><ul class=\"campaigns\">",
                  GG_T(lang, "Sampaikan gagasan Anda", "Share your ideas"));
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(list, "campaigns"), i, c)
    {
        gg_buf_adds(&b, "<li><a href=\"/c/");
        gg_html_esc(&b, jstr(c, "slug"));
        gg_buf_adds(&b, "\">");
        gg_html_esc(&b, jlang(c, "title", lang));
        gg_buf_adds(&b, "</a><p>");
        gg_html_esc(&b, jlang(c, "question", lang));
        gg_buf_adds(&b, "</p></li>");
    }
    gg_buf_adds(&b, "</ul>");
    gg_html_foot(&b, lang);
    json_decref(list);
    gg_html_send(r, 200, &b);
    return 0;
}

/* The participant's pseudonym as the engage API stores it (api/engage.c). */
static void page_pseudonym(gg_api *a, const char *participant, char out[65])
{
    char msg[64];
    snprintf(msg, sizeof(msg), "participant:%s", participant ? participant : "");
    gg_api__hmac_hex(a, msg, out);
}

/* 1 when the form's csrf field matches the participant cookie's token. */
static int form_ok(gg_api *a, gg_req *r, const char **participant)
{
    const char *p = gg_req_cookie(r, "gg_p");
    const char *given = gg_req_form(r, "csrf");
    if (p == NULL || strlen(p) != 32 || given == NULL || strlen(given) != 32 ||
        sodium_memcmp(given, gg_api__form_token(a, r, p), 32) != 0)
        return 0;
    *participant = p;
    return 1;
}

typedef struct page_done {
    gg_pending *p;
    char ok[200], fail[200];
    const char *q; /* query name of the refusal: "error", "poll_error" (static) */
} page_done;

/* After a form's write: back to the page, with ?error=CODE on refusal. */
static void on_page_done(void *arg, int rc, int64_t id, json_t *result)
{
    (void)id;
    (void)result;
    page_done *d = arg;
    if (rc == 0) {
        gg_pending_redirect(d->p, d->ok);
    } else {
        char loc[260];
        snprintf(loc, sizeof(loc), "%s?%s=%s", d->fail, d->q, gg_err_name(rc));
        gg_pending_redirect(d->p, loc);
    }
    free(d);
}

static int page_write_q(gg_api *a, gg_req *r, const gg_engage_in *in, const char *ok,
                        const char *fail, const char *q)
{
    page_done *d = gg_malloc(sizeof(*d));
    d->q = q;
    snprintf(d->ok, sizeof(d->ok), "%s", ok);
    snprintf(d->fail, sizeof(d->fail), "%s", fail);
    d->p = gg_req_defer(r);
    if (gg_store_engage_put(a->store, in, on_page_done, d) != 0) {
        gg_pending_redirect(d->p, fail);
        free(d);
    }
    return 0;
}

static int page_write(gg_api *a, gg_req *r, const gg_engage_in *in, const char *ok,
                      const char *fail)
{
    return page_write_q(a, r, in, ok, fail, "error");
}

static const char *page_error(const char *code, const char *lang)
{
    if (strcmp(code, "conflict") == 0)
        return GG_T(lang, "Sudah tercatat sebelumnya.", "Already recorded.");
    if (strcmp(code, "rate") == 0 || strcmp(code, "rate_limited") == 0)
        return GG_T(lang, "Terlalu sering; coba lagi sebentar lagi.",
                    "Too many tries; please wait a moment.");
    return GG_T(lang, "Tidak dapat disimpan; periksa isian Anda.",
                "Could not be saved; please check your input.");
}

/* The campaign's open polls: a plain form per poll (radio or checkboxes),
 * and the results when they are not hidden. */
static void poll_sections(gg_api *a, gg_buf *b, const char *slug, const char *token,
                          const char *lang, const char *err)
{
    json_t *polls = NULL;
    if (gg_store_poll_list(a->store, slug, &polls) != 0)
        return;
    size_t i;
    json_t *p;
    int shown = 0;
    json_array_foreach(polls, i, p)
    {
        if (shown >= 5)
            break;
        json_int_t pid = json_integer_value(json_object_get(p, "id"));
        json_t *res = NULL;
        if (gg_store_poll_results(a->store, pid, &res) != 0)
            continue;
        int open = strcmp(jstr(res, "state"), "open") == 0;
        if (!open) { /* closed and scheduled polls stay off the page */
            json_decref(res);
            continue;
        }
        shown++;
        int multi = json_is_true(json_object_get(p, "multi")) ||
                    json_integer_value(json_object_get(p, "multi")) == 1;
        gg_buf_printf(b, "<section class=\"poll\" id=\"poll%lld\"><form method=\"post\" "
                         "action=\"/p/%lld/vote\"><fieldset><legend>",
                      (long long)pid, (long long)pid);
        gg_html_esc(b, jstr(p, "question"));
        gg_buf_adds(b, "</legend>");
        gg_buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", token);
        json_t *opts = json_object_get(p, "options");
        json_t *counts = json_object_get(res, "counts");
        size_t k;
        json_t *o;
        json_array_foreach(opts, k, o)
        {
            gg_buf_printf(b, "<label><input type=\"%s\" name=\"option\" value=\"%zu\"%s> ",
                          multi ? "checkbox" : "radio", k, open ? "" : " disabled");
            gg_html_esc(b, json_string_value(o) ? json_string_value(o) : "");
            if (json_is_array(counts))
                gg_buf_printf(b, " <small>(%lld)</small>",
                              (long long)json_integer_value(json_array_get(counts, k)));
            gg_buf_adds(b, "</label>");
        }
        if (err && shown == 1)
            gg_buf_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", page_error(err, lang));
        if (open)
            gg_buf_printf(b, "<button type=\"submit\">%s</button>", GG_T(lang, "Pilih", "Vote"));
        else
            gg_buf_printf(b, "<p>%s</p>", GG_T(lang, "Jajak pendapat ditutup.", "This poll is closed."));
        gg_buf_adds(b, "</fieldset></form></section>");
        json_decref(res);
    }
    json_decref(polls);
}

static int h_poll_vote(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    const char *participant = NULL;
    json_t *res = NULL;
    if (id < 0 || gg_store_poll_results(a->store, id, &res) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such poll");
    char back[160];
    snprintf(back, sizeof(back), "/c/%s", jstr(res, "campaign"));
    json_decref(res);
    if (!form_ok(a, r, &participant))
        return gg_req_error(r, GG_ECSRF, "the form expired or cookies are off; reload the page");
    /* checked boxes arrive as repeated "option" fields; gg_req_form gives
     * the first, so the body is read for all of them */
    gg_str body = gg_req_body(r);
    json_t *opts = json_array();
    const char *q = body.ptr, *end = body.ptr + body.len;
    while (q && q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        size_t n = amp ? (size_t)(amp - q) : (size_t)(end - q);
        if (n > 7 && n < 11 && memcmp(q, "option=", 7) == 0) {
            /* an index 0..999; anything else becomes one the store refuses */
            int v = 0, digits = 1;
            for (size_t k = 7; k < n; k++) {
                digits &= q[k] >= '0' && q[k] <= '9';
                v = v * 10 + (q[k] - '0');
            }
            json_array_append_new(opts, json_integer(digits ? v : 9999));
        }
        q = amp ? amp + 1 : NULL;
    }
    char ok[200], fail[200];
    snprintf(ok, sizeof(ok), "%s#poll%lld", back, (long long)id);
    snprintf(fail, sizeof(fail), "%s", back);
    if (json_array_size(opts) == 0) {
        json_decref(opts);
        char loc[220];
        snprintf(loc, sizeof(loc), "%s?poll_error=invalid#poll%lld", back, (long long)id);
        gg_req_redirect(r, loc);
        return 0;
    }
    if (gg_api__rate_public(a, r, 1) != 0) {
        json_decref(opts);
        return 0;
    }
    char who[65];
    page_pseudonym(a, participant, who);
    char *js = json_dumps(opts, JSON_COMPACT);
    json_decref(opts);
    gg_engage_in in = {.op = GG_ENGAGE_VOTE, .id = id, .participant = who, .json = js};
    page_write_q(a, r, &in, ok, fail, "poll_error");
    free(js);
    return 0;
}

static int h_campaign_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    const char *lang = gg_api__lang(r);
    gg_str slug = gg_req_param(r, "slug");
    char *s = gg_req_strdup(r, slug.ptr, slug.len);
    json_t *c = NULL, *ideas = NULL;
    if (gg_store_campaign_head(a->store, s, &c) != 0) {
        gg_buf b;
        gg_buf_init(&b, 1 << 16);
        gg_html_head(&b, lang, GG_T(lang, "Tidak ditemukan", "Not found"), NULL);
        gg_buf_printf(&b, "<h1>%s</h1><p><a href=\"/\">%s</a></p>",
                      GG_T(lang, "Kampanye tidak ditemukan", "Campaign not found"),
                      GG_T(lang, "Lihat semua kampanye", "See all campaigns"));
        gg_html_foot(&b, lang);
        gg_html_send(r, 404, &b);
        return 0;
    }
    const char *participant = gg_api__participant(a, r);
    const char *token = gg_api__form_token(a, r, participant);
    gg_store_idea_list(a->store, s, "top", 10, &ideas);
    const char *err = gg_req_query(r, "error");
    char path[128];
    snprintf(path, sizeof(path), "/c/%s", s);

    gg_buf b;
    gg_buf_init(&b, 1 << 20);
    gg_html_head(&b, lang, jlang(c, "title", lang), path);
    gg_buf_adds(&b, "<p class=\"kicker\">");
    gg_html_esc(&b, jlang(c, "title", lang));
    gg_buf_adds(&b, "</p><h1>");
    gg_html_esc(&b, jlang(c, "question", lang));
    gg_buf_adds(&b, "</h1><section class=\"brief\">");
    paragraphs(&b, jlang(c, "brief", lang));
    gg_buf_adds(&b, "</section><form class=\"idea\" method=\"post\" action=\"/c/");
    gg_html_esc(&b, s);
    gg_buf_printf(&b, "/submit\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">", token);
    if (err)
        gg_buf_printf(&b, "<p class=\"error\" role=\"alert\">%s</p>",
                      GG_T(lang, "Tulis gagasan Anda dulu sebelum mengirim.",
                           "Please write your idea before sending."));
    gg_buf_printf(&b,
                  "<label for=\"text\">%s</label>"
                  "<textarea id=\"text\" name=\"text\" rows=\"5\" maxlength=\"5000\" required "
                  "placeholder=\"%s\"></textarea>"
                  "<p class=\"hint\">%s</p>"
                  "<button type=\"submit\">%s</button></form>",
                  GG_T(lang, "Gagasan Anda", "Your idea"),
                  GG_T(lang, "Contoh: Perbanyak bus sekolah gratis di kecamatan kami…",
                       "Example: More free school buses in our district…"),
                  GG_T(lang,
                       "Setiap gagasan ditelaah tim kami. Nomor telepon dan e-mail tidak "
                       "ditampilkan.",
                       "Every idea is reviewed by our team. Phone numbers and e-mails are never "
                       "shown."),
                  GG_T(lang, "Kirim gagasan", "Send idea"));
    poll_sections(a, &b, s, token, lang, gg_req_query(r, "poll_error"));
    gg_buf_printf(&b, "<h2>%s</h2>", GG_T(lang, "Gagasan teratas", "Top ideas"));
    idea_list(&b, ideas, lang);
    gg_html_foot(&b, lang);
    json_decref(c);
    json_decref(ideas);
    gg_html_send(r, 200, &b);
    return 0;
}

static int h_campaign_submit(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_str slug = gg_req_param(r, "slug");
    char *s = gg_req_strdup(r, slug.ptr, slug.len);
    const char *participant = gg_req_cookie(r, "gg_p");
    const char *given = gg_req_form(r, "csrf");
    if (participant == NULL || strlen(participant) != 32 || given == NULL ||
        strlen(given) != 32 ||
        sodium_memcmp(given, gg_api__form_token(a, r, participant), 32) != 0)
        return gg_req_error(r, GG_ECSRF, "the form expired or cookies are off; reload the page");
    const char *text = gg_req_form(r, "text");
    size_t n = text ? strlen(text) : 0;
    if (text == NULL || strspn(text, " \t\r\n") == n) {
        char loc[160];
        snprintf(loc, sizeof(loc), "/c/%s?error=empty", s);
        gg_req_redirect(r, loc);
        return 0;
    }
    gg_intake in = {.slug = s, .text = text, .text_len = n, .author = participant,
                    .channel = "web", .form = 1};
    return gg_api__intake(a, r, &in);
}

static int h_thanks(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    const char *lang = gg_api__lang(r);
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *sub = NULL;
    if (id < 0 || gg_store_submission_get(a->store, id, 0, &sub) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such submission");
    char path[64];
    snprintf(path, sizeof(path), "/s/%lld", (long long)id);
    gg_buf b;
    gg_buf_init(&b, 1 << 20);
    gg_html_head(&b, lang, GG_T(lang, "Terima kasih", "Thank you"), path);
    gg_buf_printf(&b, "<h1>%s</h1><p>%s <strong>#%lld</strong> %s</p><blockquote>",
                  GG_T(lang, "Terima kasih!", "Thank you!"),
                  GG_T(lang, "Gagasan Anda", "Your idea"), (long long)id,
                  GG_T(lang, "sudah kami terima dan menunggu ditelaah.",
                       "has been received and is waiting for review."));
    gg_html_esc(&b, jstr(sub, "text"));
    gg_buf_printf(&b, "</blockquote><p>%s: <strong>%s</strong></p>",
                  GG_T(lang, "Status", "Status"), status_label(jstr(sub, "state"), lang));
    json_t *idea = json_object_get(sub, "idea_id");
    if (json_is_integer(idea))
        gg_buf_printf(&b, "<p><a href=\"/i/%lld\">%s</a></p>", (long long)json_integer_value(idea),
                      GG_T(lang, "Lihat gagasan", "See the idea"));
    gg_buf_adds(&b, "<p><a href=\"/c/");
    gg_html_esc(&b, jstr(sub, "campaign"));
    gg_buf_printf(&b, "\">%s</a></p>", GG_T(lang, "Kembali ke kampanye", "Back to the campaign"));
    gg_html_foot(&b, lang);
    json_decref(sub);
    gg_html_send(r, 200, &b);
    return 0;
}

static void comment_items(gg_buf *b, json_t *comments, const char *lang)
{
    gg_buf_adds(b, "<ol class=\"comments\">");
    size_t i;
    json_t *c;
    json_array_foreach(comments, i, c)
    {
        json_int_t cid = json_integer_value(json_object_get(c, "id"));
        json_t *parent = json_object_get(c, "parent_id");
        gg_buf_printf(b, "<li id=\"c%lld\"%s><p>", (long long)cid,
                      json_is_integer(parent) ? " class=\"reply\"" : "");
        if (json_is_integer(parent))
            gg_buf_printf(b, "<a class=\"to\" href=\"#c%lld\">↪</a> ",
                          (long long)json_integer_value(parent));
        gg_html_esc(b, jstr(c, "text"));
        gg_buf_printf(b, "</p><small>#%lld · %s%s</small></li>", (long long)cid,
                      jstr(c, "created_at"),
                      json_is_string(json_object_get(c, "edited_at"))
                          ? GG_T(lang, " · disunting", " · edited")
                          : "");
    }
    gg_buf_adds(b, "</ol>");
}

static int h_idea_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    const char *lang = gg_api__lang(r);
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *idea = NULL, *page = NULL;
    if (id < 0 || gg_store_idea_get(a->store, id, &idea) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such idea");
    const char *participant = gg_api__participant(a, r);
    const char *token = gg_api__form_token(a, r, participant);
    char who[65];
    page_pseudonym(a, participant, who);
    int supported = gg_store_supports(a->store, id, who);
    const char *after_s = gg_req_query(r, "after");
    int64_t after = after_s ? gg_api__id((gg_str){after_s, strlen(after_s)}) : 0;
    gg_store_comment_list(a->store, id, after > 0 ? after : 0, 50, &page);
    int64_t ncom = 0;
    gg_store_comment_count(a->store, id, &ncom);
    const char *err = gg_req_query(r, "error");
    char path[64];
    snprintf(path, sizeof(path), "/i/%lld", (long long)id);
    gg_buf b;
    gg_buf_init(&b, 1 << 20);
    gg_html_head(&b, lang, jstr(idea, "title"), path);
    gg_buf_adds(&b, "<article class=\"idea-page\"><h1>");
    gg_html_esc(&b, jstr(idea, "title"));
    gg_buf_printf(&b, "</h1><p class=\"meta\"><span class=\"status\">%s</span> · <span "
                      "id=\"supporters\">%lld</span> %s · %lld %s</p><p class=\"text\">",
                  status_label(jstr(idea, "status"), lang),
                  (long long)json_integer_value(json_object_get(idea, "supporters")),
                  GG_T(lang, "pendukung", "supporters"), (long long)ncom,
                  GG_T(lang, "komentar", "comments"));
    gg_html_esc(&b, jstr(idea, "text"));
    gg_buf_adds(&b, "</p>");
    if (err && *err) {
        gg_buf_printf(&b, "<p class=\"error\" role=\"alert\">%s</p>", page_error(err, lang));
    }
    /* supports: a plain form, so it works without JavaScript */
    gg_buf_printf(&b,
                  "<form class=\"support\" method=\"post\" action=\"%s/support\">"
                  "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                  "<input type=\"hidden\" name=\"undo\" value=\"%d\">"
                  "<button type=\"submit\">%s</button></form>",
                  path, token, supported,
                  supported ? GG_T(lang, "Tarik dukungan", "Withdraw support")
                            : GG_T(lang, "Dukung gagasan ini", "Support this idea"));
    json_t *events = NULL;
    if (gg_store_idea_events(a->store, id, &events) == 0 && json_array_size(events) > 0) {
        /* the status timeline: what became of the idea, with reasons */
        gg_buf_printf(&b, "<section class=\"timeline\"><h2>%s</h2><ol>",
                      GG_T(lang, "Perjalanan gagasan", "Timeline"));
        size_t i;
        json_t *ev;
        json_array_foreach(events, i, ev)
        {
            gg_buf_printf(&b, "<li><small>%s</small> ", jstr(ev, "at"));
            if (*jstr(ev, "status"))
                gg_buf_printf(&b, "<strong>%s</strong>", status_label(jstr(ev, "status"), lang));
            else
                gg_buf_adds(&b, GG_T(lang, "Tanggapan resmi", "Official response"));
            if (*jstr(ev, "note")) {
                gg_buf_adds(&b, ": ");
                gg_html_esc(&b, jstr(ev, "note"));
            }
            gg_buf_adds(&b, "</li>");
        }
        gg_buf_adds(&b, "</ol></section>");
    }
    json_decref(events);
    const char *resp = jstr(idea, "official_response");
    if (*resp) {
        gg_buf_printf(&b, "<section class=\"response\"><h2>%s</h2><p>",
                      GG_T(lang, "Tanggapan resmi", "Official response"));
        gg_html_esc(&b, resp);
        gg_buf_adds(&b, "</p></section>");
    }
    gg_buf_printf(&b, "<section id=\"comments\"><h2>%s</h2>", GG_T(lang, "Diskusi", "Discussion"));
    comment_items(&b, json_object_get(page, "comments"), lang);
    json_t *next = json_object_get(page, "next_cursor");
    if (json_is_integer(next))
        gg_buf_printf(&b, "<p><a href=\"%s?after=%lld#comments\">%s</a></p>", path,
                      (long long)json_integer_value(next),
                      GG_T(lang, "Komentar berikutnya", "Next comments"));
    gg_buf_printf(&b,
                  "<form class=\"comment\" method=\"post\" action=\"%s/comment\">"
                  "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                  "<label for=\"comment\">%s</label>"
                  "<textarea id=\"comment\" name=\"text\" rows=\"3\" maxlength=\"2000\" "
                  "required></textarea>"
                  "<label for=\"parent\">%s</label>"
                  "<input id=\"parent\" name=\"parent_id\" inputmode=\"numeric\" "
                  "pattern=\"[0-9]*\">"
                  "<button type=\"submit\">%s</button></form></section>",
                  path, token, GG_T(lang, "Komentar Anda", "Your comment"),
                  GG_T(lang, "Balas komentar nomor (opsional)", "Reply to comment number (optional)"),
                  GG_T(lang, "Kirim komentar", "Post comment"));
    gg_buf_adds(&b, "</article><p><a href=\"/c/");
    gg_html_esc(&b, jstr(idea, "campaign"));
    gg_buf_printf(&b, "\">%s</a></p>", GG_T(lang, "Kembali ke kampanye", "Back to the campaign"));
    gg_html_foot(&b, lang);
    json_decref(idea);
    json_decref(page);
    gg_html_send(r, 200, &b);
    return 0;
}

static int h_idea_support(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    const char *participant = NULL;
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such idea");
    if (!form_ok(a, r, &participant))
        return gg_req_error(r, GG_ECSRF, "the form expired or cookies are off; reload the page");
    if (gg_api__rate_public(a, r, 1) != 0)
        return 0;
    char who[65], path[64];
    page_pseudonym(a, participant, who);
    snprintf(path, sizeof(path), "/i/%lld", (long long)id);
    const char *undo = gg_req_form(r, "undo");
    gg_engage_in in = {.op = undo && strcmp(undo, "1") == 0 ? GG_ENGAGE_UNSUPPORT
                                                             : GG_ENGAGE_SUPPORT,
                       .id = id, .participant = who};
    return page_write(a, r, &in, path, path);
}

static int h_idea_comment(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    const char *participant = NULL;
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such idea");
    if (!form_ok(a, r, &participant))
        return gg_req_error(r, GG_ECSRF, "the form expired or cookies are off; reload the page");
    char who[65], path[64], ok[96];
    snprintf(path, sizeof(path), "/i/%lld", (long long)id);
    const char *text = gg_req_form(r, "text");
    size_t n = text ? strlen(text) : 0;
    const char *parent = gg_req_form(r, "parent_id");
    int64_t pid = parent && *parent ? gg_api__id((gg_str){parent, strlen(parent)}) : 0;
    if (text == NULL || strspn(text, " \t\r\n") == n || n > 2000 || pid < 0) {
        char loc[96];
        snprintf(loc, sizeof(loc), "%s?error=invalid#comments", path);
        gg_req_redirect(r, loc);
        return 0;
    }
    if (gg_api__rate_public(a, r, 1) != 0)
        return 0;
    page_pseudonym(a, participant, who);
    snprintf(ok, sizeof(ok), "%s#comments", path);
    /* the abuse model's seam lives with the JSON API (api/engage.c) */
    gg_engage_in in = {.op = GG_ENGAGE_COMMENT, .id = id, .participant = who, .text = text,
                       .parent_id = pid, .held = gg_api__comment_held(a, id, text)};
    return page_write(a, r, &in, ok, path);
}

void gg_api__register_pages(gg_api *a, gg_http *h)
{
    gg_http_route(h, "GET", "/", "page_home", h_home, a);
    gg_http_route(h, "GET", "/c/{slug}", "page_campaign", h_campaign_page, a);
    gg_http_route(h, "POST", "/c/{slug}/submit", "page_submit", h_campaign_submit, a);
    gg_http_route(h, "GET", "/s/{id}", "page_thanks", h_thanks, a);
    gg_http_route(h, "GET", "/i/{id}", "page_idea", h_idea_page, a);
    gg_http_route(h, "POST", "/i/{id}/support", "page_support", h_idea_support, a);
    gg_http_route(h, "POST", "/i/{id}/comment", "page_comment", h_idea_comment, a);
    gg_http_route(h, "POST", "/p/{id}/vote", "page_vote", h_poll_vote, a);
}
