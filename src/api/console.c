/*
 * console.c — the staff console's HTML pages (api layer, issue 4): sign-in,
 * the review queue with its filters, each item with why the filter routed
 * it (scores, rules, regions, near-duplicate, coordinated group), and the
 * actions as plain forms carrying the session's CSRF token, so the console
 * works without JavaScript. web/console/review.js turns the same page into
 * a keyboard-first workspace over the JSON API (no page loads).
 */
#include "api/api_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include "review/review.h"
#include "store/workspace.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    const char *joined = gg_req_query(r, "joined");
    gg_buf b;
    gg_buf_init(&b, 1 << 16);
    gg_html_head(&b, lang, GG_T(lang, "Masuk", "Sign in"), "/console/login");
    gg_buf_printf(&b, "<h1>%s</h1>", GG_T(lang, "Masuk konsol staf", "Staff console sign-in"));
    if (joined)
        gg_buf_printf(&b, "<p class=\"flash\" role=\"status\">%s</p>",
                      GG_T(lang, "Akun Anda siap. Silakan masuk.",
                           "Your account is ready. Please sign in."));
    if (err)
        gg_buf_printf(&b, "<p class=\"error\" role=\"alert\">%s</p>",
                      strcmp(err, "2") == 0
                          ? GG_T(lang, "Terlalu banyak percobaan gagal. Coba lagi nanti.",
                                 "Too many failed attempts. Try again later.")
                      : strcmp(err, "3") == 0
                          ? GG_T(lang, "Undangan sudah dipakai atau kedaluwarsa.",
                                 "The invitation is used or expired.")
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

static const char *const reason_names[][4] = {
    /* value, Indonesian, English, key */
    {"spam", "Spam / promosi", "Spam / promotion", "1"},
    {"kasar", "Kasar / kebencian", "Abusive / hateful", "2"},
    {"off-topic", "Di luar topik", "Off-topic", "3"},
    {"not-constructive", "Tidak konstruktif", "Not constructive", "4"},
    {"duplicate", "Duplikat", "Duplicate", "5"},
    {"other", "Lainnya", "Other", "6"},
};

/* The filter parameters the page keeps (and passes to the JSON API). */
static const char *const filter_keys[] = {"campaign", "q",      "channel", "kind",  "topic",
                                          "region",   "dapil",  "state",   "sort",  NULL};

static void esc_attr_query(gg_buf *b, gg_req *r)
{
    int first = 1;
    for (int i = 0; filter_keys[i]; i++) {
        const char *v = gg_req_query(r, filter_keys[i]);
        if (v == NULL || !*v || strlen(v) > 200)
            continue;
        gg_buf_printf(b, "%s%s=", first ? "" : "&amp;", filter_keys[i]);
        for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                *p == '-' || *p == '_' || *p == '.')
                gg_buf_addc(b, (char)*p);
            else
                gg_buf_printf(b, "%%%02X", *p);
        }
        first = 0;
    }
}

static void pct(gg_buf *b, const char *label, json_t *v)
{
    if (json_is_number(v))
        gg_buf_printf(b, "<span class=\"score\">%s %d%%</span>", label,
                      (int)(json_number_value(v) * 100.0 + 0.5));
}

/* Why the filter routed the item: scores, rules, regions, copies, group. */
static void evidence(gg_buf *b, const char *lang, json_t *it)
{
    json_t *l = json_object_get(it, "labels");
    gg_buf_adds(b, "<p class=\"why\">");
    gg_buf_printf(b, "<span class=\"score\">%s %.2f</span>", GG_T(lang, "prioritas", "priority"),
                  json_number_value(json_object_get(it, "priority")));
    if (json_is_object(l)) {
        pct(b, "spam", json_object_get(l, "spam"));
        pct(b, GG_T(lang, "konstruktif", "constructive"), json_object_get(l, "constructive"));
        pct(b, GG_T(lang, "kasar", "abusive"), json_object_get(l, "abusive"));
        const char *kind = json_string_value(json_object_get(l, "kind"));
        if (kind) {
            gg_buf_adds(b, "<span class=\"tag\">");
            gg_html_esc(b, kind);
            gg_buf_adds(b, "</span>");
        }
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(l, "topics"), i, t)
        {
            const char *name = json_is_object(t) ? json_string_value(json_object_get(t, "topic"))
                                                 : json_string_value(t);
            if (name) {
                gg_buf_adds(b, "<span class=\"tag\">#");
                gg_html_esc(b, name);
                gg_buf_adds(b, "</span>");
            }
        }
        json_array_foreach(json_object_get(l, "region"), i, t)
        {
            if (i >= 3)
                break;
            gg_buf_adds(b, "<span class=\"tag region\">📍 ");
            gg_html_esc(b, jstr(t, "text"));
            if (*jstr(t, "dapil")) {
                gg_buf_adds(b, " · dapil ");
                gg_html_esc(b, jstr(t, "dapil_name")[0] ? jstr(t, "dapil_name") : jstr(t, "dapil"));
            }
            gg_buf_adds(b, "</span>");
        }
        json_t *route = json_object_get(l, "route");
        json_array_foreach(json_object_get(route, "rules"), i, t)
        {
            gg_buf_adds(b, "<span class=\"tag rule\">");
            gg_html_esc(b, jstr(t, "rule"));
            gg_buf_adds(b, "</span>");
        }
    }
    long long dup = (long long)json_integer_value(json_object_get(it, "dup_of"));
    long long grp = (long long)json_integer_value(json_object_get(it, "group_id"));
    if (dup > 0)
        gg_buf_printf(b, "<span class=\"tag dup\">%s #%lld</span>",
                      GG_T(lang, "mirip", "copy of"), dup);
    if (grp > 0)
        gg_buf_printf(b, "<span class=\"tag coord\">%s #%lld</span>",
                      GG_T(lang, "kelompok terkoordinasi", "coordinated group"), grp);
    const char *by = json_string_value(json_object_get(it, "claimed_by"));
    if (by) {
        gg_buf_adds(b, "<span class=\"tag claim\">🔒 ");
        gg_html_esc(b, by);
        gg_buf_adds(b, "</span>");
    }
    gg_buf_adds(b, "</p>");
}

static void filters_form(gg_buf *b, gg_req *r, const char *lang)
{
    static const char *const shown[][3] = {
        {"q", "Cari", "Search"},           {"campaign", "Kampanye", "Campaign"},
        {"channel", "Kanal", "Channel"},   {"kind", "Jenis", "Kind"},
        {"topic", "Topik", "Topic"},       {"region", "Wilayah", "Region"},
        {"dapil", "Dapil", "District"},
    };
    int any = 0;
    for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
        any |= gg_req_query(r, shown[i][0]) != NULL && *gg_req_query(r, shown[i][0]);
    gg_buf_printf(b, "<details class=\"filters-box\"%s><summary>%s</summary>", any ? " open" : "",
                  GG_T(lang, "Saring dan cari", "Filter and search"));
    gg_buf_adds(b, "<form class=\"filters\" method=\"get\" action=\"/console/queue\" role=\"search\">");
    for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
        const char *v = gg_req_query(r, shown[i][0]);
        gg_buf_printf(b, "<div class=\"f\"><label for=\"f-%s\">%s</label><input id=\"f-%s\" name=\"%s\"%s value=\"",
                      shown[i][0], lang[0] == 'e' ? shown[i][2] : shown[i][1], shown[i][0],
                      shown[i][0], strcmp(shown[i][0], "q") == 0 ? " type=\"search\"" : "");
        gg_html_esc(b, v && strlen(v) <= 200 ? v : "");
        gg_buf_adds(b, "\"></div>");
    }
    const char *state = gg_req_query(r, "state"), *sort = gg_req_query(r, "sort");
    gg_buf_printf(b, "<div class=\"f\"><label for=\"f-state\">%s</label><select id=\"f-state\" name=\"state\">",
                  GG_T(lang, "Status", "State"));
    static const char *const st[] = {"queued", "escalated", NULL};
    for (int i = 0; st[i]; i++)
        gg_buf_printf(b, "<option value=\"%s\"%s>%s</option>", st[i],
                      state && strcmp(state, st[i]) == 0 ? " selected" : "", st[i]);
    gg_buf_printf(b, "</select></div><div class=\"f\"><label for=\"f-sort\">%s</label>"
                     "<select id=\"f-sort\" name=\"sort\">"
                     "<option value=\"priority\"%s>%s</option><option value=\"new\"%s>%s</option>"
                     "</select></div><button type=\"submit\">%s</button></form></details>",
                  GG_T(lang, "Urutkan", "Sort"),
                  sort && strcmp(sort, "new") == 0 ? "" : " selected",
                  GG_T(lang, "prioritas", "priority"),
                  sort && strcmp(sort, "new") == 0 ? " selected" : "",
                  GG_T(lang, "terbaru", "newest"), GG_T(lang, "Saring", "Filter"));
}

static const char *qv(gg_req *r, const char *k)
{
    const char *v = gg_req_query(r, k);
    return v && *v && strlen(v) <= 200 ? v : NULL;
}

static int h_queue_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN | GG_ROLE_REVIEWER, 0, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    const char *lang = gg_api__lang(r);
    const char *sort = gg_req_query(r, "sort");
    const char *campaign = qv(r, "campaign"), *state = qv(r, "state");
    gg_review_query q = {.by_priority = !(sort && strcmp(sort, "new") == 0),
                         .limit = 50,
                         .q = gg_api__search_text(r, qv(r, "q")),
                         .channel = qv(r, "channel"),
                         .kind = qv(r, "kind"),
                         .topic = qv(r, "topic"),
                         .region = qv(r, "region"),
                         .dapil = qv(r, "dapil"),
                         .viewer = s->user_id};
    /* the old sort=new default of this page stays reachable; priority is
     * what reviewers work by */
    if (sort == NULL)
        q.by_priority = 0;
    if (state && (strcmp(state, "queued") == 0 || strcmp(state, "escalated") == 0))
        q.state = state;
    if (campaign && gg_store_review_campaign_id(a->store, campaign, &q.campaign_id) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no campaign '%.60s'", campaign);
    if (s->role != GG_ROLE_ADMIN && gg_store_team_assigned(a->store, s->user_id))
        q.assigned_to = s->user_id;
    json_t *out = NULL;
    if (gg_store_review_queue(a->store, &q, &out) != 0)
        return gg_req_error(r, GG_EIO, "%s", gg_store_errmsg(a->store));

    gg_buf b;
    gg_buf_init(&b, 4 << 20);
    gg_html_head(&b, lang, GG_T(lang, "Antrean telaah", "Review queue"), "/console/queue");
    gg_buf_adds(&b, "<link rel=\"stylesheet\" href=\"/static/console.css\">");
    gg_buf_printf(&b,
                  "<div class=\"bar\"><h1>%s <span class=\"count\" id=\"count\">%lld</span></h1>"
                  "<form method=\"post\" action=\"/console/logout\">"
                  "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                  "<button class=\"link\" type=\"submit\">%s</button></form></div>",
                  GG_T(lang, "Antrean telaah", "Review queue"),
                  (long long)json_integer_value(json_object_get(out, "total")), s->csrf,
                  GG_T(lang, "Keluar", "Sign out"));
    gg_buf_printf(&b, "<nav class=\"staff\"><a href=\"/console/sessions\">%s</a>%s%s</nav>",
                  GG_T(lang, "Sesi saya", "My sessions"),
                  s->role == GG_ROLE_ADMIN ? GG_T(lang, " · <a href=\"/console/team\">Tim</a>",
                                                  " · <a href=\"/console/team\">Team</a>")
                                           : "",
                  s->role == GG_ROLE_ADMIN
                      ? GG_T(lang, " · <a href=\"/console/quality\">Kualitas telaah</a>",
                             " · <a href=\"/console/quality\">Review quality</a>")
                      : "");
    gg_buf_printf(&b, "<p class=\"sort\">%s: <a href=\"/console/queue?sort=new\"%s>%s</a> · "
                      "<a href=\"/console/queue?sort=priority\"%s>%s</a></p>",
                  GG_T(lang, "Urutkan", "Sort"), q.by_priority ? "" : " aria-current=\"true\"",
                  GG_T(lang, "terbaru", "newest"), q.by_priority ? " aria-current=\"true\"" : "",
                  GG_T(lang, "prioritas", "priority"));
    filters_form(&b, r, lang);
    const char *done = gg_req_query(r, "done");
    const char *idea = gg_req_query(r, "idea");
    gg_buf_adds(&b, "<div id=\"flash\" aria-live=\"polite\">");
    if (done && (strcmp(done, "accepted") == 0 || strcmp(done, "merged") == 0) && idea &&
        gg_api__id(gg_str_c(idea)) > 0)
        gg_buf_printf(&b, "<p class=\"flash\" role=\"status\">%s <a href=\"/i/%s\">%s #%s</a></p>",
                      strcmp(done, "merged") == 0 ? GG_T(lang, "Digabung ke", "Merged into")
                                                  : GG_T(lang, "Diterima:", "Accepted:"),
                      idea, GG_T(lang, "gagasan", "idea"), idea);
    else if (done && strcmp(done, "rejected") == 0)
        gg_buf_printf(&b, "<p class=\"flash\" role=\"status\">%s</p>",
                      GG_T(lang, "Ditolak, alasan tercatat.", "Rejected, reason recorded."));
    else if (done && strcmp(done, "escalated") == 0)
        gg_buf_printf(&b, "<p class=\"flash\" role=\"status\">%s</p>",
                      GG_T(lang, "Dinaikkan ke admin.", "Escalated to an admin."));
    else if (done && strcmp(done, "conflict") == 0)
        gg_buf_printf(&b, "<p class=\"error\" role=\"alert\">%s</p>",
                      GG_T(lang, "Item itu sudah diputuskan atau sedang ditelaah orang lain.",
                           "Another reviewer already decided or holds that item."));
    else if (done && strcmp(done, "error") == 0)
        gg_buf_printf(&b, "<p class=\"error\" role=\"alert\">%s</p>",
                      GG_T(lang, "Tindakan itu tidak bisa dilakukan.", "That action failed."));
    gg_buf_adds(&b, "</div>");
    gg_buf_printf(&b, "<p class=\"keys\" id=\"keys-hint\">%s</p>",
                  GG_T(lang,
                       "Papan ketik: j/k pindah · a terima · m gabung · 1–6 tolak dengan alasan · "
                       "e naikkan · c terima seluruh klaster · t topik · y jenis · u urungkan · "
                       "/ cari · ? bantuan",
                       "Keyboard: j/k move · a accept · m merge · 1–6 reject with reason · "
                       "e escalate · c accept whole cluster · t topics · y kind · u undo · "
                       "/ search · ? help"));
    gg_buf_printf(&b, "<div id=\"review\" data-csrf=\"%s\" data-lang=\"%s\" data-query=\"",
                  s->csrf, lang);
    esc_attr_query(&b, r);
    gg_buf_adds(&b, "\"><div id=\"items\">");

    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(out, "items"), i, it)
    {
        long long id = (long long)json_integer_value(json_object_get(it, "id"));
        long long dup = (long long)json_integer_value(json_object_get(it, "dup_of"));
        gg_buf_printf(&b,
                      "<article class=\"item\" data-id=\"%lld\" data-dup=\"%lld\" "
                      "data-group=\"%lld\" data-priority=\"%.3f\" tabindex=\"-1\">"
                      "<p class=\"meta\">#%lld · ",
                      id, dup, (long long)json_integer_value(json_object_get(it, "group_id")),
                      json_number_value(json_object_get(it, "priority")), id);
        gg_html_esc(&b, jstr(it, "channel"));
        gg_buf_adds(&b, " · ");
        gg_html_esc(&b, jstr(it, "campaign"));
        gg_buf_adds(&b, " · <time>");
        gg_html_esc(&b, jstr(it, "received_at"));
        gg_buf_adds(&b, "</time></p><p class=\"text\">");
        gg_html_esc(&b, jstr(it, "display"));
        gg_buf_adds(&b, "</p>");
        evidence(&b, lang, it);
        gg_buf_printf(&b,
                      "<div class=\"actions\">"
                      "<form method=\"post\" action=\"/console/items/%lld/accept\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                      "<button class=\"accept\" type=\"submit\" data-key=\"a\">%s</button></form>"
                      "<form method=\"post\" action=\"/console/items/%lld/escalate\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                      "<button class=\"escalate\" type=\"submit\" data-key=\"e\">%s</button></form>",
                      id, s->csrf, GG_T(lang, "Terima", "Accept"), id, s->csrf,
                      GG_T(lang, "Naikkan", "Escalate"));
        if (dup > 0)
            gg_buf_printf(&b,
                          "<form method=\"post\" action=\"/console/items/%lld/merge\">"
                          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                          "<button class=\"merge\" type=\"submit\" data-key=\"m\">%s #%lld</button>"
                          "</form>",
                          id, s->csrf, GG_T(lang, "Gabung seperti", "Merge like"), dup);
        gg_buf_printf(&b,
                      "<form method=\"post\" action=\"/console/items/%lld/reject\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                      "<label class=\"sr\" for=\"reason-%lld\">%s</label>"
                      "<select id=\"reason-%lld\" name=\"reason\">",
                      id, s->csrf, id, GG_T(lang, "Alasan", "Reason"), id);
        for (size_t k = 0; k < sizeof(reason_names) / sizeof(reason_names[0]); k++)
            gg_buf_printf(&b, "<option value=\"%s\">%s %s</option>", reason_names[k][0],
                          reason_names[k][3],
                          lang[0] == 'e' ? reason_names[k][2] : reason_names[k][1]);
        gg_buf_printf(&b, "</select><button class=\"reject\" type=\"submit\">%s</button></form>"
                          "</div></article>",
                      GG_T(lang, "Tolak", "Reject"));
    }
    gg_buf_adds(&b, "</div>");
    gg_buf_printf(&b, "<p class=\"empty\"%s>%s</p>", i == 0 ? "" : " hidden",
                  GG_T(lang, "Antrean kosong. Kerja bagus!", "The queue is empty. Well done!"));
    gg_buf_adds(&b, "<aside id=\"evidence\" aria-live=\"polite\"></aside></div>"
                    "<script type=\"module\" src=\"/static/console/review.js\"></script>");
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
        const char *state =
            json_string_value(json_object_get(json_object_get(result, "submission"), "state"));
        if (json_is_object(idea) && state)
            snprintf(loc, sizeof(loc), "/console/queue?done=%s&idea=%lld", state,
                     (long long)json_integer_value(json_object_get(idea, "id")));
        else
            snprintf(loc, sizeof(loc), "/console/queue?done=%s", state ? state : "rejected");
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
    const char *idea = gg_req_form(r, "idea_id");
    gg_review_act d = {.submission_id = id,
                       .actor_id = s->user_id,
                       .actor = s->email,
                       .admin = s->role == GG_ROLE_ADMIN,
                       .action = action,
                       .reason = strcmp(action, "reject") == 0 ? reason : NULL,
                       .title = gg_req_form(r, "title"),
                       .note = gg_req_form(r, "note"),
                       .idea_id = idea ? gg_api__id(gg_str_c(idea)) : 0};
    if (d.idea_id < 0)
        return gg_req_error(r, GG_EINVAL, "idea_id must be a positive id");
    gg_pending *p = gg_req_defer(r);
    if (gg_store_review_act(a->store, &d, on_form_decided, p) != 0)
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

static int h_merge(gg_req *r, void *ctx)
{
    return decide_form(ctx, r, "merge");
}

static int h_escalate(gg_req *r, void *ctx)
{
    return decide_form(ctx, r, "escalate");
}

/* ---- team, sessions, quality (no JavaScript needed) --------------------------- */

static void page_start(gg_buf *b, const char *lang, const char *title, const char *path)
{
    gg_buf_init(b, 1 << 20);
    gg_html_head(b, lang, title, path);
    gg_buf_adds(b, "<link rel=\"stylesheet\" href=\"/static/console.css\">");
    gg_buf_printf(b, "<p><a href=\"/console/queue\">← %s</a></p><h1>", GG_T(lang, "Antrean",
                                                                          "Queue"));
    gg_html_esc(b, title);
    gg_buf_adds(b, "</h1>");
}

static int h_team_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    const char *lang = gg_api__lang(r);
    json_t *team = NULL;
    if (gg_store_team_list(a->store, &team) != 0)
        return gg_req_error(r, GG_EIO, "%s", gg_store_errmsg(a->store));
    gg_buf b;
    page_start(&b, lang, GG_T(lang, "Tim", "Team"), "/console/team");
    gg_buf_printf(&b, "<table class=\"grid\"><thead><tr><th>E-mail</th><th>%s</th><th>%s</th>"
                      "<th>%s</th></tr></thead><tbody>",
                  GG_T(lang, "Peran", "Role"), GG_T(lang, "Kampanye", "Campaigns"),
                  GG_T(lang, "Sesi aktif", "Live sessions"));
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(team, "users"), i, u)
    {
        gg_buf_adds(&b, "<tr><td>");
        gg_html_esc(&b, jstr(u, "email"));
        gg_buf_printf(&b, "%s</td><td>",
                      json_integer_value(json_object_get(u, "disabled")) ? " (nonaktif)" : "");
        gg_html_esc(&b, jstr(u, "role"));
        gg_buf_adds(&b, "</td><td>");
        json_t *c = json_object_get(u, "campaigns");
        size_t k;
        json_t *slug;
        json_array_foreach(c, k, slug)
        {
            gg_buf_adds(&b, k ? ", " : "");
            gg_html_esc(&b, json_string_value(slug));
        }
        if (json_array_size(c) == 0)
            gg_buf_adds(&b, GG_T(lang, "semua", "all"));
        gg_buf_printf(&b, "</td><td>%lld</td></tr>",
                      (long long)json_integer_value(json_object_get(u, "sessions")));
    }
    gg_buf_adds(&b, "</tbody></table>");
    const char *link = gg_req_query(r, "invited");
    if (link && strlen(link) == 48 && strspn(link, "0123456789abcdef") == 48)
        gg_buf_printf(&b, "<p class=\"flash\" role=\"status\">%s <code>/console/invite/%s</code></p>",
                      GG_T(lang, "Kirim tautan ini (sekali pakai):",
                           "Send this link (works once):"),
                      link);
    gg_buf_printf(&b,
                  "<h2>%s</h2><form class=\"login\" method=\"post\" action=\"/console/team/invite\">"
                  "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                  "<label for=\"inv-email\">E-mail</label>"
                  "<input id=\"inv-email\" name=\"email\" type=\"email\" required>"
                  "<label for=\"inv-role\">%s</label><select id=\"inv-role\" name=\"role\">"
                  "<option value=\"reviewer\">reviewer</option><option value=\"analyst\">analyst"
                  "</option><option value=\"admin\">admin</option></select>"
                  "<label for=\"inv-camp\">%s</label><input id=\"inv-camp\" name=\"campaigns\">"
                  "<p class=\"hint\">%s</p><button type=\"submit\">%s</button></form>",
                  GG_T(lang, "Undang", "Invite"), s->csrf, GG_T(lang, "Peran", "Role"),
                  GG_T(lang, "Kampanye (slug, pisahkan dengan koma)",
                       "Campaigns (slugs, comma-separated)"),
                  GG_T(lang, "Kosong: semua kampanye. Tautan berlaku 72 jam.",
                       "Empty: every campaign. The link works for 72 hours."),
                  GG_T(lang, "Buat tautan undangan", "Create the invitation link"));
    json_decref(team);
    gg_html_foot(&b, lang);
    gg_html_send(r, 200, &b);
    return 0;
}

static int h_team_invite_form(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    const char *email = gg_req_form(r, "email"), *role = gg_req_form(r, "role");
    const char *camps = gg_req_form(r, "campaigns");
    if (email == NULL || strchr(email, '@') == NULL || strlen(email) > 254)
        return gg_req_error(r, GG_EINVAL, "email must be an e-mail address");
    if (role == NULL || (strcmp(role, "admin") && strcmp(role, "reviewer") &&
                         strcmp(role, "analyst")))
        return gg_req_error(r, GG_EINVAL, "role must be admin, reviewer or analyst");
    /* "demo, pilkada" -> ["demo","pilkada"], each a known campaign */
    json_t *arr = json_array();
    if (camps && strlen(camps) < 2000) {
        char *copy = gg_req_strdup(r, camps, strlen(camps)), *save = NULL;
        for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
            int64_t cid;
            if (gg_store_review_campaign_id(a->store, t, &cid) != 0) {
                json_decref(arr);
                return gg_req_error(r, GG_EINVAL, "no campaign '%.60s'", t);
            }
            json_array_append_new(arr, json_string(t));
        }
    }
    char *cj = json_dumps(arr, JSON_COMPACT), tok[49], loc[128];
    json_decref(arr);
    int64_t id, exp;
    int rc = gg_api__invite(a, s, email, role, cj, 72, tok, &id, &exp);
    free(cj);
    if (rc != 0)
        return gg_req_error(r, rc, "%s", gg_store_errmsg(a->store));
    snprintf(loc, sizeof(loc), "/console/team?invited=%s", tok);
    gg_req_redirect(r, loc);
    return 0;
}

static int h_sessions_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ANY, 0, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    const char *lang = gg_api__lang(r);
    char th[65];
    const char *tok = gg_req_cookie(r, "gg_session");
    if (tok && strlen(tok) == 64)
        gg_api__token_hash(tok, th);
    else
        th[0] = '\0';
    json_t *out = NULL;
    if (gg_store_team_sessions(a->store, s->user_id, th, &out) != 0)
        return gg_req_error(r, GG_EIO, "%s", gg_store_errmsg(a->store));
    gg_buf b;
    page_start(&b, lang, GG_T(lang, "Sesi saya", "My sessions"), "/console/sessions");
    const char *ended = gg_req_query(r, "ended");
    if (ended && gg_api__id(gg_str_c(ended)) >= 0)
        gg_buf_printf(&b, "<p class=\"flash\" role=\"status\">%s %s</p>",
                      GG_T(lang, "Sesi diakhiri:", "Sessions ended:"),
                      gg_api__id(gg_str_c(ended)) > 0 ? ended : "0");
    gg_buf_printf(&b, "<table class=\"grid\"><thead><tr><th>%s</th><th>IP</th><th>%s</th>"
                      "<th></th></tr></thead><tbody>",
                  GG_T(lang, "Mulai", "Started"), GG_T(lang, "Peramban", "Browser"));
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(out, "sessions"), i, x)
    {
        gg_buf_adds(&b, "<tr><td>");
        gg_html_esc(&b, jstr(x, "created_at"));
        gg_buf_adds(&b, json_integer_value(json_object_get(x, "current")) ? " ★" : "");
        gg_buf_adds(&b, "</td><td>");
        gg_html_esc(&b, jstr(x, "ip"));
        gg_buf_adds(&b, "</td><td>");
        gg_html_esc(&b, jstr(x, "user_agent"));
        /* each session ends on its own: a plain form with the CSRF token */
        int cur = json_integer_value(json_object_get(x, "current")) != 0;
        gg_buf_printf(&b, "</td><td><form method=\"post\" action=\"/console/sessions/%lld/end\">"
                          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                          "<button type=\"submit\">%s</button></form></td></tr>",
                      (long long)json_integer_value(json_object_get(x, "id")), s->csrf,
                      cur ? GG_T(lang, "Keluar di sini", "Sign out here")
                          : GG_T(lang, "Akhiri sesi ini", "End this session"));
    }
    gg_buf_printf(&b, "</tbody></table><form method=\"post\" action=\"/console/sessions/end-all\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                      "<button type=\"submit\">%s</button></form>",
                  s->csrf, GG_T(lang, "Keluar dari semua perangkat lain",
                                "Sign out everywhere else"));
    json_decref(out);
    gg_html_foot(&b, lang);
    gg_html_send(r, 200, &b);
    return 0;
}

static int h_sessions_end_form(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ANY, 1, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    char th[65], loc[64];
    const char *tok = gg_req_cookie(r, "gg_session");
    int n = 0;
    if (tok == NULL || strlen(tok) != 64)
        return gg_req_error(r, GG_EAUTH, "sign in first");
    gg_api__token_hash(tok, th);
    if (gg_store_team_sessions_end(a->store, s->user_id, s->user_id, 0, th, &n) != 0)
        return gg_req_error(r, GG_EIO, "%s", gg_store_errmsg(a->store));
    snprintf(loc, sizeof(loc), "/console/sessions?ended=%d", n);
    gg_req_redirect(r, loc);
    return 0;
}

/* End one of the caller's own sessions (the current one signs out here). */
static int h_session_end_form(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ANY, 1, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    char th[65], loc[64];
    const char *tok = gg_req_cookie(r, "gg_session");
    int n = 0, current = 0;
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such session");
    if (tok && strlen(tok) == 64) {
        /* is it this very session? then the cookie goes too */
        json_t *out = NULL;
        gg_api__token_hash(tok, th);
        if (gg_store_team_sessions(a->store, s->user_id, th, &out) == 0) {
            size_t i;
            json_t *x;
            json_array_foreach(json_object_get(out, "sessions"), i, x)
            if (json_integer_value(json_object_get(x, "id")) == id)
                current = json_integer_value(json_object_get(x, "current")) != 0;
        }
        json_decref(out);
    }
    /* only the caller's own: another user's session id ends nothing (404) */
    if (gg_store_team_sessions_end(a->store, s->user_id, s->user_id, id, NULL, &n) != 0)
        return gg_req_error(r, GG_EIO, "%s", gg_store_errmsg(a->store));
    if (n == 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such session of yours");
    if (current) {
        gg_req_header_add(r, "set-cookie", "gg_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
        gg_req_redirect(r, "/console/login");
        return 0;
    }
    snprintf(loc, sizeof(loc), "/console/sessions?ended=%d", n);
    gg_req_redirect(r, loc);
    return 0;
}

/* A table cell with v to `decimals` places, or a dash. */
static void num_cell(gg_buf *b, json_t *v, int decimals)
{
    if (json_is_number(v))
        gg_buf_printf(b, "<td>%.*f</td>", decimals, json_number_value(v));
    else
        gg_buf_adds(b, "<td>–</td>");
}

static int h_quality_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    if (gg_api__staff(a, r, GG_ROLE_ADMIN | GG_ROLE_ANALYST, 0, GG_AUTH_HTML) == NULL)
        return 0;
    const char *lang = gg_api__lang(r);
    int64_t window = 24LL * 3600000;
    json_t *raw = NULL;
    if (gg_store_review_stats(a->store, 0, (int64_t)time(NULL) * 1000 - window, &raw) != 0)
        return gg_req_error(r, GG_EIO, "%s", gg_store_errmsg(a->store));
    json_t *q = gg_review_quality(raw, window);
    json_decref(raw);
    gg_buf b;
    page_start(&b, lang, GG_T(lang, "Kualitas telaah (24 jam)", "Review quality (24 hours)"),
               "/console/quality");
    json_t *o = json_object_get(q, "overall");
    gg_buf_printf(&b, "<p>%s: %lld · ", GG_T(lang, "Pasangan telaah ganda", "Double-review pairs"),
                  (long long)json_integer_value(json_object_get(o, "pairs")));
    if (json_is_number(json_object_get(o, "kappa")))
        gg_buf_printf(&b, "kappa %.3f · %s %.0f%%</p>", json_number_value(json_object_get(o, "kappa")),
                      GG_T(lang, "sepakat", "agreement"),
                      json_number_value(json_object_get(o, "agreement")) * 100.0);
    else
        gg_buf_adds(&b, "kappa –</p>");
    gg_buf_printf(&b, "<table class=\"grid\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                      "<th>%s</th><th>%s</th><th>kappa</th></tr></thead><tbody>",
                  GG_T(lang, "Penelaah", "Reviewer"), GG_T(lang, "Tindakan", "Actions"),
                  GG_T(lang, "per jam kerja", "per working hour"),
                  GG_T(lang, "detik/item", "secs/item"), GG_T(lang, "urung", "undos"));
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(q, "reviewers"), i, x)
    {
        gg_buf_adds(&b, "<tr><td>");
        gg_html_esc(&b, jstr(x, "email"));
        gg_buf_printf(&b, "</td><td>%lld</td>",
                      (long long)json_integer_value(json_object_get(x, "actions")));
        num_cell(&b, json_object_get(x, "per_hour_active"), 0);
        num_cell(&b, json_object_get(x, "avg_secs"), 1);
        gg_buf_printf(&b, "<td>%lld</td>", (long long)json_integer_value(json_object_get(x, "undos")));
        num_cell(&b, json_object_get(x, "kappa"), 3);
        gg_buf_adds(&b, "</tr>");
    }
    gg_buf_printf(&b, "</tbody></table><h2>%s</h2><table class=\"grid\"><thead><tr><th>%s</th>"
                      "<th>n</th><th>kappa</th></tr></thead><tbody>",
                  GG_T(lang, "Per label", "Per label"), GG_T(lang, "Label", "Label"));
    json_array_foreach(json_object_get(q, "labels"), i, x)
    {
        gg_buf_adds(&b, "<tr><td>");
        gg_html_esc(&b, jstr(x, "label"));
        gg_buf_printf(&b, "</td><td>%lld</td>", (long long)json_integer_value(json_object_get(x, "n")));
        num_cell(&b, json_object_get(x, "kappa"), 3);
        gg_buf_adds(&b, "</tr>");
    }
    gg_buf_printf(&b, "</tbody></table><h2>%s</h2><table class=\"grid\" id=\"decision-time\">"
                      "<thead><tr><th>%s</th><th>n</th><th>%s</th><th>p90 (%s)</th><th>%s</th>"
                      "<th>%s</th></tr></thead><tbody>",
                  GG_T(lang, "Waktu sampai keputusan", "Time to decision"),
                  GG_T(lang, "Kampanye", "Campaign"), GG_T(lang, "median (detik)", "median (s)"),
                  GG_T(lang, "detik", "s"), GG_T(lang, "rata-rata (detik)", "mean (s)"),
                  GG_T(lang, "terlama (detik)", "longest (s)"));
    json_array_foreach(json_object_get(q, "decision_secs"), i, x)
    {
        gg_buf_adds(&b, "<tr><td>");
        gg_html_esc(&b, jstr(x, "campaign"));
        gg_buf_printf(&b, "</td><td>%lld</td>", (long long)json_integer_value(json_object_get(x, "n")));
        num_cell(&b, json_object_get(x, "p50_secs"), 1);
        num_cell(&b, json_object_get(x, "p90_secs"), 1);
        num_cell(&b, json_object_get(x, "avg_secs"), 1);
        num_cell(&b, json_object_get(x, "max_secs"), 1);
        gg_buf_adds(&b, "</tr>");
    }
    gg_buf_adds(&b, "</tbody></table>");
    json_decref(q);
    gg_html_foot(&b, lang);
    gg_html_send(r, 200, &b);
    return 0;
}

void gg_api__register_console(gg_api *a, gg_http *h)
{
    gg_http_route(h, "GET", "/console/team", "console_team", h_team_page, a);
    gg_http_route(h, "POST", "/console/team/invite", "console_team_invite", h_team_invite_form, a);
    gg_http_route(h, "GET", "/console/sessions", "console_sessions", h_sessions_page, a);
    gg_http_route(h, "POST", "/console/sessions/end-all", "console_sessions_end",
                  h_sessions_end_form, a);
    gg_http_route(h, "POST", "/console/sessions/{id}/end", "console_session_end",
                  h_session_end_form, a);
    gg_http_route(h, "GET", "/console/quality", "console_quality", h_quality_page, a);
    gg_http_route(h, "GET", "/console", "console", h_console_root, a);
    gg_http_route(h, "GET", "/console/login", "console_login_page", h_login_page, a);
    gg_http_route(h, "GET", "/console/queue", "console_queue", h_queue_page, a);
    gg_http_route(h, "POST", "/console/items/{id}/accept", "console_accept", h_accept, a);
    gg_http_route(h, "POST", "/console/items/{id}/reject", "console_reject", h_reject, a);
    gg_http_route(h, "POST", "/console/items/{id}/merge", "console_merge", h_merge, a);
    gg_http_route(h, "POST", "/console/items/{id}/escalate", "console_escalate", h_escalate, a);
}
