/*
 * console.c — the staff console's HTML pages (api layer): sign-in, the
 * review queue, accept and reject as plain forms (each carrying the
 * session's CSRF token), so the console works without JavaScript too.
 */
#include "api/api_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <stdio.h>
#include <string.h>

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static int h_console_root(gg_req *r, void *ctx)
{
    gg_req_redirect(r, "/console/queue");
    return 0;
}

static int h_login_page(gg_req *r, void *ctx)
{
    const char *lang = gg_api__lang(r);
    const char *err = gg_req_query(r, "error");
    gg_buf b;
    gg_buf_init(&b, 1 << 16);
    gg_html_head(&b, lang, GG_T(lang, "Masuk", "Sign in"), "/console/login");
    gg_buf_printf(&b, "<h1>%s</h1>", GG_T(lang, "Masuk konsol staf", "Staff console sign-in"));
    if (err)
        gg_buf_printf(&b, "<p class=\"error\" role=\"alert\">%s</p>",
                      strcmp(err, "2") == 0
                          ? GG_T(lang, "Terlalu banyak percobaan gagal. Coba lagi nanti.",
                                 "Too many failed attempts. Try again later.")
                          : GG_T(lang, "E-mail atau kata sandi salah.",
                                 "Wrong e-mail or password."));
    gg_buf_printf(&b,
                  "<form class=\"login\" method=\"post\" action=\"/console/login\">"
                  "<label for=\"email\">E-mail</label>"
                  "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" "
                  "required>"
                  "<label for=\"password\">%s</label>"
                  "<input id=\"password\" name=\"password\" type=\"password\" "
                  "autocomplete=\"current-password\" required>"
                  "<button type=\"submit\">%s</button></form>",
                  GG_T(lang, "Kata sandi", "Password"), GG_T(lang, "Masuk", "Sign in"));
    gg_html_foot(&b, lang);
    gg_html_send(r, 200, &b);
    return 0;
}

static const char *const reason_names[][3] = {
    {"spam", "Spam / promosi", "Spam / promotion"},
    {"kasar", "Kasar / kebencian", "Abusive / hateful"},
    {"off-topic", "Di luar topik", "Off-topic"},
    {"not-constructive", "Tidak konstruktif", "Not constructive"},
    {"duplicate", "Duplikat", "Duplicate"},
    {"other", "Lainnya", "Other"},
};

static int h_queue_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN | GG_ROLE_REVIEWER, 0, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    const char *lang = gg_api__lang(r);
    const char *sort = gg_req_query(r, "sort");
    const char *campaign = gg_req_query(r, "campaign");
    if (campaign && !*campaign)
        campaign = NULL;
    int by_priority = sort && strcmp(sort, "priority") == 0;
    gg_queue_query q = {.campaign = campaign, .by_priority = by_priority, .limit = 50};
    json_t *out = NULL;
    if (gg_store_queue(a->store, &q, &out) != 0)
        return gg_req_error(r, GG_EIO, "%s", gg_store_errmsg(a->store));

    gg_buf b;
    gg_buf_init(&b, 4 << 20);
    gg_html_head(&b, lang, GG_T(lang, "Antrean telaah", "Review queue"), "/console/queue");
    gg_buf_printf(&b,
                  "<div class=\"bar\"><h1>%s <span class=\"count\">%lld</span></h1>"
                  "<form method=\"post\" action=\"/console/logout\">"
                  "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                  "<button class=\"link\" type=\"submit\">%s</button></form></div>",
                  GG_T(lang, "Antrean telaah", "Review queue"),
                  (long long)json_integer_value(json_object_get(out, "total")), s->csrf,
                  GG_T(lang, "Keluar", "Sign out"));
    gg_buf_printf(&b, "<p class=\"sort\">%s: <a href=\"/console/queue?sort=new\"%s>%s</a> · "
                      "<a href=\"/console/queue?sort=priority\"%s>%s</a></p>",
                  GG_T(lang, "Urutkan", "Sort"), by_priority ? "" : " aria-current=\"true\"",
                  GG_T(lang, "terbaru", "newest"), by_priority ? " aria-current=\"true\"" : "",
                  GG_T(lang, "prioritas", "priority"));
    const char *done = gg_req_query(r, "done");
    const char *idea = gg_req_query(r, "idea");
    if (done && strcmp(done, "accepted") == 0 && idea && gg_api__id(gg_str_c(idea)) > 0)
        gg_buf_printf(&b, "<p class=\"flash\" role=\"status\">%s <a href=\"/i/%s\">%s #%s</a></p>",
                      GG_T(lang, "Diterima:", "Accepted:"), idea, GG_T(lang, "gagasan", "idea"),
                      idea);
    else if (done && strcmp(done, "rejected") == 0)
        gg_buf_printf(&b, "<p class=\"flash\" role=\"status\">%s</p>",
                      GG_T(lang, "Ditolak, alasan tercatat.", "Rejected, reason recorded."));
    else if (done && strcmp(done, "conflict") == 0)
        gg_buf_printf(&b, "<p class=\"error\" role=\"alert\">%s</p>",
                      GG_T(lang, "Item itu sudah diputuskan penelaah lain.",
                           "Another reviewer already decided that item."));

    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(out, "items"), i, it)
    {
        long long id = (long long)json_integer_value(json_object_get(it, "id"));
        gg_buf_printf(&b, "<article class=\"item\" data-id=\"%lld\"><p class=\"meta\">#%lld · ",
                      id, id);
        gg_html_esc(&b, jstr(it, "channel"));
        gg_buf_adds(&b, " · ");
        gg_html_esc(&b, jstr(it, "campaign"));
        gg_buf_adds(&b, " · <time>");
        gg_html_esc(&b, jstr(it, "received_at"));
        gg_buf_adds(&b, "</time></p><p class=\"text\">");
        gg_html_esc(&b, jstr(it, "display"));
        gg_buf_printf(&b,
                      "</p><div class=\"actions\">"
                      "<form method=\"post\" action=\"/console/items/%lld/accept\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                      "<button class=\"accept\" type=\"submit\">%s</button></form>"
                      "<form method=\"post\" action=\"/console/items/%lld/reject\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                      "<label class=\"sr\" for=\"reason-%lld\">%s</label>"
                      "<select id=\"reason-%lld\" name=\"reason\">",
                      id, s->csrf, GG_T(lang, "Terima", "Accept"), id, s->csrf, id,
                      GG_T(lang, "Alasan", "Reason"), id);
        for (size_t k = 0; k < sizeof(reason_names) / sizeof(reason_names[0]); k++)
            gg_buf_printf(&b, "<option value=\"%s\">%s</option>", reason_names[k][0],
                          lang[0] == 'e' ? reason_names[k][2] : reason_names[k][1]);
        gg_buf_printf(&b, "</select><button class=\"reject\" type=\"submit\">%s</button></form>"
                          "</div></article>",
                      GG_T(lang, "Tolak", "Reject"));
    }
    if (i == 0)
        gg_buf_printf(&b, "<p class=\"empty\">%s</p>",
                      GG_T(lang, "Antrean kosong. Kerja bagus!", "The queue is empty. Well done!"));
    gg_html_foot(&b, lang);
    json_decref(out);
    gg_html_send(r, 200, &b);
    return 0;
}

static void on_form_decided(void *arg, int rc, int64_t id, json_t *result)
{
    gg_pending *p = arg;
    char loc[96];
    if (rc == 0) {
        json_t *idea = json_object_get(result, "idea");
        if (json_is_object(idea))
            snprintf(loc, sizeof(loc), "/console/queue?done=accepted&idea=%lld",
                     (long long)json_integer_value(json_object_get(idea, "id")));
        else
            snprintf(loc, sizeof(loc), "/console/queue?done=rejected");
    } else {
        snprintf(loc, sizeof(loc), "/console/queue?done=%s",
                 rc == GG_ECONFLICT ? "conflict" : "error");
    }
    gg_pending_redirect(p, loc);
}

static int decide_form(gg_api *a, gg_req *r, const char *action)
{
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN | GG_ROLE_REVIEWER, 1, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such item");
    const char *reason = gg_req_form(r, "reason");
    if (strcmp(action, "reject") == 0 && !gg_api__reason_ok(reason))
        return gg_req_error(r, GG_EINVAL, "unknown rejection reason");
    gg_decision_in d = {.submission_id = id,
                        .actor_id = s->user_id,
                        .actor = s->email,
                        .action = action,
                        .reason = strcmp(action, "reject") == 0 ? reason : NULL,
                        .title = gg_req_form(r, "title"),
                        .note = gg_req_form(r, "note")};
    gg_pending *p = gg_req_defer(r);
    if (gg_store_decide(a->store, &d, on_form_decided, p) != 0)
        gg_pending_error(p, GG_EINVAL, gg_store_errmsg(a->store));
    return 0;
}

static int h_accept(gg_req *r, void *ctx)
{
    return decide_form(ctx, r, "accept");
}

static int h_reject(gg_req *r, void *ctx)
{
    return decide_form(ctx, r, "reject");
}

void gg_api__register_console(gg_api *a, gg_http *h)
{
    gg_http_route(h, "GET", "/console", "console", h_console_root, a);
    gg_http_route(h, "GET", "/console/login", "console_login_page", h_login_page, a);
    gg_http_route(h, "GET", "/console/queue", "console_queue", h_queue_page, a);
    gg_http_route(h, "POST", "/console/items/{id}/accept", "console_accept", h_accept, a);
    gg_http_route(h, "POST", "/console/items/{id}/reject", "console_reject", h_reject, a);
}
