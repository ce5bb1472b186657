/*
 * engage_console.c — the staff console's engagement screens (api layer,
 * issue 5), plain server-rendered forms like the review console: campaigns
 * (admin), polls and quizzes with their Telegram publishing and statistics
 * (admin), official responses and status changes of ideas (admin, through
 * the same store operation as PATCH /api/v1/ideas/{id}), and the comments
 * held by the abuse filter or reported (admin or reviewer). Every form
 * carries the session's CSRF token; every write is audited by the store.
 */
#include "api/quiz.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "store/quiz.h"
#include "text/text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROLES_MOD (GG_ROLE_ADMIN | GG_ROLE_REVIEWER)

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void start(gg_buf *b, const char *lang, const char *title, const char *path)
{
    gg_buf_init(b, 1 << 20);
    gg_html_head(b, lang, title, path);
    gg_buf_printf(b, "<link rel=\"stylesheet\" href=\"/static/console.css\">"
                     "<p><a href=\"/console/queue\">← %s</a> · <a href=\"/console/engage\">%s</a>"
                     "</p><h1>",
                  GG_T(lang, "Antrean", "Queue"), GG_T(lang, "Keterlibatan", "Engagement"));
    gg_html_esc(b, title);
    gg_buf_adds(b, "</h1>");
}

/* ?error= (a store message, escaped) and ?saved= flashes. */
static void flash(gg_buf *b, gg_req *r, const char *lang)
{
    const char *err = gg_req_query(r, "error");
    if (err && *err) {
        gg_buf_adds(b, "<p class=\"error\" role=\"alert\">");
        gg_html_esc(b, strlen(err) < 300 ? err : "refused");
        gg_buf_adds(b, "</p>");
    } else if (gg_req_query(r, "saved")) {
        gg_buf_printf(b, "<p class=\"flash\" role=\"status\">%s</p>",
                      GG_T(lang, "Tersimpan.", "Saved."));
    }
}

static void url_add(gg_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.')
            gg_buf_addc(b, (char)*p);
        else
            gg_buf_printf(b, "%%%02X", *p);
    }
}

/* back to a form with the message of a refusal */
static void redirect_error(gg_req *r, gg_pending *p, const char *back, const char *msg)
{
    gg_buf loc;
    gg_buf_init(&loc, 1024);
    gg_buf_printf(&loc, "%s%serror=", back, strchr(back, '?') ? "&" : "?");
    url_add(&loc, msg && strlen(msg) < 200 ? msg : "refused");
    if (p)
        gg_pending_redirect(p, loc.data);
    else
        gg_req_redirect(r, loc.data);
    gg_buf_dispose(&loc);
}

static void hidden_csrf(gg_buf *b, gg_session *s)
{
    gg_buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", s->csrf);
}

static void input(gg_buf *b, const char *name, const char *label, const char *value,
                  const char *extra)
{
    gg_buf_printf(b, "<label for=\"f-%s\">%s</label><input id=\"f-%s\" name=\"%s\" %s value=\"",
                  name, label, name, name, extra ? extra : "");
    gg_html_esc(b, value ? value : "");
    gg_buf_adds(b, "\">");
}

static void textarea(gg_buf *b, const char *name, const char *label, const char *value, int rows)
{
    gg_buf_printf(b, "<label for=\"f-%s\">%s</label><textarea id=\"f-%s\" name=\"%s\" rows=\"%d\">",
                  name, label, name, name, rows);
    gg_html_esc(b, value ? value : "");
    gg_buf_adds(b, "</textarea>");
}

static void select_status(gg_buf *b, const char *lang, const char *name, const char *cur)
{
    static const char *const st[][3] = {{"open", "buka", "open"},
                                        {"closed", "tutup", "closed"},
                                        {"draft", "draf", "draft"}};
    gg_buf_printf(b, "<label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\">", name,
                  GG_T(lang, "Status", "Status"), name, name);
    for (int i = 0; i < 3; i++)
        gg_buf_printf(b, "<option value=\"%s\"%s>%s</option>", st[i][0],
                      cur && strcmp(cur, st[i][0]) == 0 ? " selected" : "",
                      lang[0] == 'e' ? st[i][2] : st[i][1]);
    gg_buf_adds(b, "</select>");
}

/* A form's time field: "" -> null, "2026-01-31T23:59" (datetime-local, UTC)
 * or the full "2026-01-31T23:59:00Z" -> the stored shape; anything else is
 * passed on for the store to refuse with its message. */
static json_t *form_time(gg_req *r, const char *name)
{
    const char *v = gg_req_form(r, name);
    if (v == NULL || *v == '\0')
        return json_null();
    char t[32];
    if (strlen(v) == 16)
        snprintf(t, sizeof(t), "%s:00Z", v);
    else
        snprintf(t, sizeof(t), "%.30s", v);
    return json_string(t);
}

/* One option a line. */
static json_t *form_lines(const char *v)
{
    json_t *arr = json_array();
    const char *p = v ? v : "";
    while (*p) {
        size_t n = strcspn(p, "\r\n");
        size_t s = 0;
        while (s < n && (p[s] == ' ' || p[s] == '\t'))
            s++;
        size_t e = n;
        while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t'))
            e--;
        if (e > s) {
            json_t *str = json_stringn(p + s, e - s);
            json_array_append_new(arr, str ? str : json_string("?"));
        }
        p += n;
        while (*p == '\r' || *p == '\n')
            p++;
    }
    return arr;
}

/* form value as a JSON string (NULL when not valid UTF-8) */
static json_t *fstr(gg_req *r, const char *name)
{
    const char *v = gg_req_form(r, name);
    return json_string(v ? v : "");
}

/* ---- writes: the store's done callback redirects ------------------------------- */

typedef struct form_done {
    gg_pending *p;
    char ok[160];   /* "%lld" is replaced by the written row's id */
    char back[160]; /* the form, for refusals */
} form_done;

static void on_form_done(void *arg, int rc, int64_t id, json_t *result)
{
    form_done *d = arg;
    if (rc == 0) {
        char loc[200];
        const char *m = strstr(d->ok, "%lld"); /* the id goes where %lld stands */
        if (m)
            snprintf(loc, sizeof(loc), "%.*s%lld%s", (int)(m - d->ok), d->ok, (long long)id, m + 4);
        else
            snprintf(loc, sizeof(loc), "%s", d->ok);
        gg_pending_redirect(d->p, loc);
    } else {
        const char *m = json_string_value(json_object_get(result, "message"));
        redirect_error(NULL, d->p, d->back, m ? m : gg_err_name(rc));
    }
    free(d);
}

static form_done *form_defer(gg_req *r, const char *ok, const char *back)
{
    form_done *d = gg_malloc(sizeof(*d));
    snprintf(d->ok, sizeof(d->ok), "%s", ok);
    snprintf(d->back, sizeof(d->back), "%s", back);
    d->p = gg_req_defer(r);
    return d;
}

static int console_write(gg_api *a, gg_req *r, gg_session *s, gg_console_op op, int64_t id,
                         int64_t campaign_id, json_t *def, const char *ok, const char *back)
{
    char *js = json_dumps(def, JSON_COMPACT);
    json_decref(def);
    if (js == NULL) { /* a field was not valid UTF-8 */
        redirect_error(r, NULL, back, "a field is not valid UTF-8");
        return 0;
    }
    form_done *d = form_defer(r, ok, back);
    gg_console_in in = {.op = op, .id = id, .campaign_id = campaign_id, .json = js,
                        .actor_id = s->user_id, .actor = s->email};
    if (gg_store_console_put(a->store, &in, on_form_done, d) != 0) {
        redirect_error(NULL, d->p, back, gg_store_errmsg(a->store));
        free(d);
    }
    free(js);
    return 0;
}

/* ---- the hub --------------------------------------------------------------------- */

static void moderation_list(gg_api *a, gg_buf *b, gg_session *s, const char *lang)
{
    json_t *list = NULL;
    if (gg_store_comments_to_moderate(a->store, 0, 100, &list) != 0)
        return;
    gg_buf_printf(b, "<h2 id=\"moderation\">%s <span class=\"count\">%zu</span></h2>",
                  GG_T(lang, "Komentar ditahan atau dilaporkan", "Held or reported comments"),
                  json_array_size(list));
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        long long id = (long long)json_integer_value(json_object_get(c, "id"));
        gg_buf_printf(b, "<article class=\"item%s\" id=\"c%lld\"><p class=\"meta\">#%lld · ",
                      strcmp(jstr(c, "state"), "held") == 0 ? " held" : "", id, id);
        gg_buf_printf(b, "<a href=\"/i/%lld\">", (long long)json_integer_value(json_object_get(c, "idea_id")));
        gg_html_esc(b, jstr(c, "idea_title"));
        gg_buf_printf(b, "</a> · %s · %lld %s</p><p class=\"text\">",
                      strcmp(jstr(c, "state"), "held") == 0 ? GG_T(lang, "ditahan", "held")
                                                            : GG_T(lang, "tampil", "visible"),
                      (long long)json_integer_value(json_object_get(c, "reports")),
                      GG_T(lang, "laporan", "reports"));
        gg_html_esc(b, jstr(c, "text"));
        gg_buf_printf(b, "</p><div class=\"actions\"><form method=\"post\" "
                         "action=\"/console/comments/%lld/approve\">",
                      id);
        hidden_csrf(b, s);
        gg_buf_printf(b, "<button class=\"accept\" type=\"submit\">%s</button></form>"
                         "<form method=\"post\" action=\"/console/comments/%lld/remove\">",
                      GG_T(lang, "Setujui", "Approve"), id);
        hidden_csrf(b, s);
        gg_buf_printf(b, "<button class=\"reject\" type=\"submit\">%s</button></form></div>"
                         "</article>",
                      GG_T(lang, "Hapus", "Remove"));
    }
    if (i == 0)
        gg_buf_printf(b, "<p class=\"empty\">%s</p>",
                      GG_T(lang, "Tidak ada komentar yang menunggu.", "No comments waiting."));
    json_decref(list);
}

static int h_hub(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, ROLES_MOD, 0, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    const char *lang = gg_api__lang(r);
    gg_buf b;
    start(&b, lang, GG_T(lang, "Keterlibatan warga", "Citizen engagement"), "/console/engage");
    flash(&b, r, lang);
    if (s->role == GG_ROLE_ADMIN) {
        json_t *list = NULL;
        if (gg_store_campaign_list(a->store, &list) == 0) {
            gg_buf_printf(&b, "<h2>%s</h2><ul>", GG_T(lang, "Kampanye", "Campaigns"));
            size_t i;
            json_t *c;
            json_array_foreach(json_object_get(list, "campaigns"), i, c)
            {
                gg_buf_printf(&b, "<li><a href=\"/console/campaigns/%lld\">",
                              (long long)json_integer_value(json_object_get(c, "id")));
                gg_html_esc(&b, jstr(c, "title"));
                gg_buf_adds(&b, "</a> <small>");
                gg_html_esc(&b, jstr(c, "slug"));
                gg_buf_adds(&b, " · ");
                gg_html_esc(&b, jstr(c, "status"));
                gg_buf_adds(&b, "</small></li>");
            }
            gg_buf_printf(&b, "</ul><p><a href=\"/console/campaigns/new\">+ %s</a></p>",
                          GG_T(lang, "Kampanye baru", "New campaign"));
        }
        json_decref(list);
    }
    moderation_list(a, &b, s, lang);
    gg_html_foot(&b, lang);
    gg_html_send(r, 200, &b);
    return 0;
}

static int comment_act(gg_req *r, void *ctx, const char *action)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, ROLES_MOD, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such comment");
    json_t *def = json_pack("{s:s}", "action", action);
    return console_write(a, r, s, GG_CONSOLE_COMMENT, id, 0, def, "/console/engage?saved=1",
                         "/console/engage");
}

static int h_comment_approve(gg_req *r, void *ctx) { return comment_act(r, ctx, "approve"); }
static int h_comment_remove(gg_req *r, void *ctx) { return comment_act(r, ctx, "remove"); }

/* ---- campaigns ------------------------------------------------------------------- */

static void campaign_form(gg_buf *b, gg_session *s, const char *lang, json_t *c)
{
    long long id = c ? (long long)json_integer_value(json_object_get(c, "id")) : 0;
    if (id)
        gg_buf_printf(b, "<form class=\"login\" method=\"post\" action=\"/console/campaigns/%lld\">", id);
    else
        gg_buf_adds(b, "<form class=\"login\" method=\"post\" action=\"/console/campaigns\">");
    hidden_csrf(b, s);
    if (!id)
        input(b, "slug", GG_T(lang, "Slug (alamat /c/…)", "Slug (address /c/…)"), "",
              "required pattern=\"[a-z0-9-]{2,40}\"");
    input(b, "title", GG_T(lang, "Judul", "Title"), jstr(c, "title"), "required maxlength=\"200\"");
    input(b, "question", GG_T(lang, "Pertanyaan", "Question"), jstr(c, "question"),
          "required maxlength=\"500\"");
    textarea(b, "brief", GG_T(lang, "Ringkasan isu", "Issue brief"), jstr(c, "brief"), 6);
    gg_buf_adds(b, "<details><summary>English</summary>");
    input(b, "title_en", "Title (en)", jstr(c, "title_en"), "maxlength=\"200\"");
    input(b, "question_en", "Question (en)", jstr(c, "question_en"), "maxlength=\"500\"");
    textarea(b, "brief_en", "Brief (en)", jstr(c, "brief_en"), 4);
    gg_buf_adds(b, "</details>");
    gg_buf t;
    gg_buf_init(&t, 4096);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(c, "topics"), i, x)
        gg_buf_printf(&t, "%s%s", i ? ", " : "", json_string_value(x) ? json_string_value(x) : "");
    input(b, "topics", GG_T(lang, "Topik (pisahkan dengan koma)", "Topics (comma-separated)"),
          t.data ? t.data : "", "");
    gg_buf_dispose(&t);
    char o[20] = "", cl[20] = "";
    snprintf(o, sizeof(o), "%.16s", jstr(c, "opens_at"));
    snprintf(cl, sizeof(cl), "%.16s", jstr(c, "closes_at"));
    input(b, "opens_at", GG_T(lang, "Dibuka (UTC)", "Opens (UTC)"), o, "type=\"datetime-local\"");
    input(b, "closes_at", GG_T(lang, "Ditutup (UTC)", "Closes (UTC)"), cl, "type=\"datetime-local\"");
    select_status(b, lang, "status", c ? jstr(c, "status") : "open");
    gg_buf_printf(b, "<button type=\"submit\">%s</button></form>", GG_T(lang, "Simpan", "Save"));
}

static int h_campaign_new(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    const char *lang = gg_api__lang(r);
    gg_buf b;
    start(&b, lang, GG_T(lang, "Kampanye baru", "New campaign"), "/console/campaigns/new");
    flash(&b, r, lang);
    campaign_form(&b, s, lang, NULL);
    gg_html_foot(&b, lang);
    gg_html_send(r, 200, &b);
    return 0;
}

static void list_polls(gg_api *a, gg_buf *b, const char *slug, const char *lang, long long cid)
{
    json_t *polls = NULL;
    gg_buf_printf(b, "<h2>%s</h2><ul>", GG_T(lang, "Jajak pendapat", "Polls"));
    if (gg_store_poll_list(a->store, slug, &polls) == 0) {
        size_t i;
        json_t *p;
        json_array_foreach(polls, i, p)
        {
            gg_buf_printf(b, "<li><a href=\"/console/polls/%lld\">",
                          (long long)json_integer_value(json_object_get(p, "id")));
            gg_html_esc(b, jstr(p, "question"));
            gg_buf_adds(b, "</a></li>");
        }
    }
    json_decref(polls);
    gg_buf_printf(b, "</ul><p><a href=\"/console/campaigns/%lld/polls/new\">+ %s</a></p>", cid,
                  GG_T(lang, "Jajak pendapat baru", "New poll"));
}

static void list_quizzes(gg_api *a, gg_buf *b, const char *slug, const char *lang, long long cid)
{
    json_t *qs = NULL;
    gg_buf_printf(b, "<h2>%s</h2><ul>", GG_T(lang, "Kuis", "Quizzes"));
    if (gg_store_quiz_list(a->store, slug, 1, &qs) == 0) {
        size_t i;
        json_t *q;
        json_array_foreach(qs, i, q)
        {
            gg_buf_printf(b, "<li><a href=\"/console/quizzes/%lld\">",
                          (long long)json_integer_value(json_object_get(q, "id")));
            gg_html_esc(b, jstr(q, "title"));
            gg_buf_printf(b, "</a> <small>%s · %lld %s</small></li>", jstr(q, "status"),
                          (long long)json_integer_value(json_object_get(q, "attempts")),
                          GG_T(lang, "peserta web", "web attempts"));
        }
    }
    json_decref(qs);
    gg_buf_printf(b, "</ul><p><a href=\"/console/campaigns/%lld/quizzes/new\">+ %s</a></p>", cid,
                  GG_T(lang, "Kuis baru", "New quiz"));
}

static int h_campaign_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    const char *lang = gg_api__lang(r);
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *c = NULL, *ideas = NULL;
    if (id < 0 || gg_store_campaign_by_id(a->store, id, &c) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such campaign");
    char path[64];
    snprintf(path, sizeof(path), "/console/campaigns/%lld", (long long)id);
    gg_buf b;
    start(&b, lang, jstr(c, "title"), path);
    flash(&b, r, lang);
    gg_buf_adds(&b, "<p><a href=\"/c/");
    gg_html_esc(&b, jstr(c, "slug"));
    gg_buf_printf(&b, "\">%s</a></p>", GG_T(lang, "Lihat halaman publik", "See the public page"));
    campaign_form(&b, s, lang, c);
    list_polls(a, &b, jstr(c, "slug"), lang, (long long)id);
    list_quizzes(a, &b, jstr(c, "slug"), lang, (long long)id);
    gg_buf_printf(&b, "<h2>%s</h2><ul>", GG_T(lang, "Gagasan: tanggapan dan status",
                                             "Ideas: responses and status"));
    if (gg_store_idea_list(a->store, jstr(c, "slug"), "new", 50, &ideas) == 0) {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(ideas, "ideas"), i, it)
        {
            gg_buf_printf(&b, "<li><a href=\"/console/ideas/%lld\">",
                          (long long)json_integer_value(json_object_get(it, "id")));
            gg_html_esc(&b, jstr(it, "title"));
            gg_buf_printf(&b, "</a> <small>%s%s</small></li>", jstr(it, "status"),
                          *jstr(it, "official_response")
                              ? GG_T(lang, " · sudah ditanggapi", " · answered")
                              : "");
        }
    }
    gg_buf_adds(&b, "</ul>");
    json_decref(ideas);
    json_decref(c);
    gg_html_foot(&b, lang);
    gg_html_send(r, 200, &b);
    return 0;
}

static json_t *campaign_def(gg_req *r, int with_slug)
{
    json_t *d = json_object();
    static const char *const keys[] = {"title", "question", "brief", "title_en", "question_en",
                                       "brief_en", NULL};
    for (int i = 0; keys[i]; i++)
        json_object_set_new(d, keys[i], fstr(r, keys[i]));
    if (with_slug)
        json_object_set_new(d, "slug", fstr(r, "slug"));
    json_t *topics = json_array();
    const char *t = gg_req_form(r, "topics");
    if (t && strlen(t) < 4000) {
        char *copy = gg_req_strdup(r, t, strlen(t)), *save = NULL;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
            while (*w == ' ')
                w++;
            size_t n = strlen(w);
            while (n && w[n - 1] == ' ')
                w[--n] = '\0';
            if (n) {
                json_t *v = json_string(w);
                json_array_append_new(topics, v ? v : json_string("?"));
            }
        }
    }
    json_object_set_new(d, "topics", topics);
    json_object_set_new(d, "status", fstr(r, "status"));
    json_object_set_new(d, "opens_at", form_time(r, "opens_at"));
    json_object_set_new(d, "closes_at", form_time(r, "closes_at"));
    return d;
}

static int h_campaign_create(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    return console_write(a, r, s, GG_CONSOLE_CAMPAIGN, 0, 0, campaign_def(r, 1),
                         "/console/campaigns/%lld?saved=1", "/console/campaigns/new");
}

static int h_campaign_save(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such campaign");
    char back[64];
    snprintf(back, sizeof(back), "/console/campaigns/%lld", (long long)id);
    return console_write(a, r, s, GG_CONSOLE_CAMPAIGN, id, 0, campaign_def(r, 0),
                         "/console/campaigns/%lld?saved=1", back);
}

/* ---- polls ------------------------------------------------------------------------ */

static int poll_page(gg_req *r, gg_api *a, gg_session *s, int64_t campaign_id, json_t *p)
{
    const char *lang = gg_api__lang(r);
    long long id = p ? (long long)json_integer_value(json_object_get(p, "id")) : 0;
    char path[80];
    if (id)
        snprintf(path, sizeof(path), "/console/polls/%lld", id);
    else
        snprintf(path, sizeof(path), "/console/campaigns/%lld/polls/new", (long long)campaign_id);
    gg_buf b;
    start(&b, lang, id ? GG_T(lang, "Ubah jajak pendapat", "Edit poll")
                       : GG_T(lang, "Jajak pendapat baru", "New poll"), path);
    flash(&b, r, lang);
    if (id)
        gg_buf_printf(&b, "<p>%lld %s · <a href=\"/console/campaigns/%lld\">%s</a></p>"
                          "<form class=\"login\" method=\"post\" action=\"%s\">",
                      (long long)json_integer_value(json_object_get(p, "voters")),
                      GG_T(lang, "pemilih", "voters"),
                      (long long)json_integer_value(json_object_get(p, "campaign_id")),
                      GG_T(lang, "Kembali ke kampanye", "Back to the campaign"), path);
    else
        gg_buf_printf(&b, "<form class=\"login\" method=\"post\" "
                          "action=\"/console/campaigns/%lld/polls\">",
                      (long long)campaign_id);
    hidden_csrf(&b, s);
    input(&b, "question", GG_T(lang, "Pertanyaan", "Question"), jstr(p, "question"),
          "required maxlength=\"300\"");
    gg_buf t;
    gg_buf_init(&t, 8192);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(p, "options"), i, x)
        gg_buf_printf(&t, "%s\n", json_string_value(x) ? json_string_value(x) : "");
    textarea(&b, "options", GG_T(lang, "Pilihan (satu per baris, 2–10)", "Options (one a line, 2–10)"),
             t.data ? t.data : "", 5);
    gg_buf_dispose(&t);
    gg_buf_printf(&b, "<label><input type=\"checkbox\" name=\"multi\" value=\"1\"%s> %s</label>"
                      "<label><input type=\"checkbox\" name=\"hide_results\" value=\"1\"%s> %s"
                      "</label>",
                  json_integer_value(json_object_get(p, "multi")) ? " checked" : "",
                  GG_T(lang, "Boleh memilih lebih dari satu", "Multiple choice"),
                  json_integer_value(json_object_get(p, "hide_results")) ? " checked" : "",
                  GG_T(lang, "Sembunyikan hasil sampai ditutup", "Hide results until it closes"));
    char o[20] = "", cl[20] = "";
    snprintf(o, sizeof(o), "%.16s", jstr(p, "opens_at"));
    snprintf(cl, sizeof(cl), "%.16s", jstr(p, "closes_at"));
    input(&b, "opens_at", GG_T(lang, "Dibuka (UTC)", "Opens (UTC)"), o, "type=\"datetime-local\"");
    input(&b, "closes_at", GG_T(lang, "Ditutup (UTC)", "Closes (UTC)"), cl, "type=\"datetime-local\"");
    gg_buf_printf(&b, "<button type=\"submit\">%s</button></form>", GG_T(lang, "Simpan", "Save"));
    gg_html_foot(&b, lang);
    gg_html_send(r, 200, &b);
    (void)a;
    return 0;
}

static int h_poll_new(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    int64_t cid = gg_api__id(gg_req_param(r, "id"));
    json_t *c = NULL;
    if (cid < 0 || gg_store_campaign_by_id(a->store, cid, &c) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such campaign");
    json_decref(c);
    return poll_page(r, a, s, cid, NULL);
}

static int h_poll_edit(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *p = NULL;
    if (id < 0 || gg_store_poll_get(a->store, id, &p) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such poll");
    int rc = poll_page(r, a, s, 0, p);
    json_decref(p);
    return rc;
}

static json_t *poll_def(gg_req *r)
{
    json_t *d = json_object();
    json_object_set_new(d, "question", fstr(r, "question"));
    json_object_set_new(d, "options", form_lines(gg_req_form(r, "options")));
    json_object_set_new(d, "multi", json_boolean(gg_req_form(r, "multi") != NULL));
    json_object_set_new(d, "hide_results", json_boolean(gg_req_form(r, "hide_results") != NULL));
    json_object_set_new(d, "opens_at", form_time(r, "opens_at"));
    json_object_set_new(d, "closes_at", form_time(r, "closes_at"));
    return d;
}

static int h_poll_create(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t cid = gg_api__id(gg_req_param(r, "id"));
    if (cid < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such campaign");
    char back[80];
    snprintf(back, sizeof(back), "/console/campaigns/%lld/polls/new", (long long)cid);
    return console_write(a, r, s, GG_CONSOLE_POLL, 0, cid, poll_def(r),
                         "/console/polls/%lld?saved=1", back);
}

static int h_poll_save(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such poll");
    char back[64];
    snprintf(back, sizeof(back), "/console/polls/%lld", (long long)id);
    return console_write(a, r, s, GG_CONSOLE_POLL, id, 0, poll_def(r),
                         "/console/polls/%lld?saved=1", back);
}

/* ---- quizzes ---------------------------------------------------------------------- */

static void quiz_stats(gg_api *a, gg_buf *b, int64_t id, const char *lang)
{
    json_t *st = NULL;
    if (gg_store_quiz_stats(a->store, id, &st) != 0)
        return;
    gg_buf_printf(b, "<h2>%s</h2><p>%lld %s · %s %.2f</p><table class=\"grid\"><thead><tr>"
                     "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                  GG_T(lang, "Statistik", "Statistics"),
                  (long long)json_integer_value(json_object_get(st, "attempts")),
                  GG_T(lang, "peserta web", "web attempts"),
                  GG_T(lang, "skor rata-rata", "average score"),
                  json_number_value(json_object_get(st, "average_score")),
                  GG_T(lang, "Pertanyaan", "Question"), GG_T(lang, "Kanal", "Channel"),
                  GG_T(lang, "Jawaban", "Answers"), GG_T(lang, "Benar", "Right"));
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(st, "questions"), i, q)
    {
        const char *ch;
        json_t *v;
        json_object_foreach(json_object_get(q, "by_channel"), ch, v)
        {
            gg_buf_adds(b, "<tr><td>");
            gg_html_esc(b, jstr(q, "question"));
            gg_buf_adds(b, "</td><td>");
            gg_html_esc(b, ch);
            gg_buf_printf(b, "</td><td>%lld</td><td>%.0f%%</td></tr>",
                          (long long)json_integer_value(json_object_get(v, "answers")),
                          json_number_value(json_object_get(v, "share_right")) * 100.0);
        }
    }
    gg_buf_adds(b, "</tbody></table>");
    json_decref(st);
}

static int quiz_page(gg_req *r, gg_api *a, gg_session *s, int64_t campaign_id, json_t *q)
{
    const char *lang = gg_api__lang(r);
    long long id = q ? (long long)json_integer_value(json_object_get(q, "id")) : 0;
    char path[80];
    if (id)
        snprintf(path, sizeof(path), "/console/quizzes/%lld", id);
    else
        snprintf(path, sizeof(path), "/console/campaigns/%lld/quizzes/new", (long long)campaign_id);
    gg_buf b;
    start(&b, lang, id ? GG_T(lang, "Ubah kuis", "Edit quiz") : GG_T(lang, "Kuis baru", "New quiz"),
          path);
    flash(&b, r, lang);
    if (gg_req_query(r, "published"))
        gg_buf_printf(&b, "<p class=\"flash\" role=\"status\">%s</p>",
                      GG_T(lang, "Kuis diantrekan ke Telegram.", "The quiz is queued for Telegram."));
    if (id)
        gg_buf_printf(&b, "<p><a href=\"/q/%lld\">%s</a> · <a href=\"/console/campaigns/%lld\">%s</a>"
                          "</p><form class=\"login\" method=\"post\" action=\"%s\">",
                      id, GG_T(lang, "Lihat halaman kuis", "See the quiz page"),
                      (long long)json_integer_value(json_object_get(q, "campaign_id")),
                      GG_T(lang, "Kembali ke kampanye", "Back to the campaign"), path);
    else
        gg_buf_printf(&b, "<form class=\"login\" method=\"post\" "
                          "action=\"/console/campaigns/%lld/quizzes\">",
                      (long long)campaign_id);
    hidden_csrf(&b, s);
    input(&b, "title", GG_T(lang, "Judul", "Title"), jstr(q, "title"), "required maxlength=\"200\"");
    textarea(&b, "intro", GG_T(lang, "Pengantar", "Introduction"), jstr(q, "intro"), 2);
    select_status(&b, lang, "status", q ? jstr(q, "status") : "open");
    json_t *qs = json_object_get(q, "questions");
    size_t n = json_array_size(qs) + 2;
    if (n > 30)
        n = 30;
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(qs, i);
        char name[16], label[64];
        gg_buf_printf(&b, "<fieldset><legend>%s %zu</legend>", GG_T(lang, "Pertanyaan", "Question"),
                      i + 1);
        snprintf(name, sizeof(name), "q%zu", i);
        snprintf(label, sizeof(label), "%s", GG_T(lang, "Pertanyaan (kosong: lewati)",
                                                   "Question (empty: skipped)"));
        input(&b, name, label, jstr(x, "question"), "maxlength=\"300\"");
        gg_buf t;
        gg_buf_init(&t, 8192);
        size_t k;
        json_t *o;
        json_array_foreach(json_object_get(x, "options"), k, o)
            gg_buf_printf(&t, "%s\n", json_string_value(o) ? json_string_value(o) : "");
        snprintf(name, sizeof(name), "o%zu", i);
        textarea(&b, name, GG_T(lang, "Pilihan (satu per baris)", "Options (one a line)"),
                 t.data ? t.data : "", 4);
        gg_buf_dispose(&t);
        snprintf(name, sizeof(name), "c%zu", i);
        char cur[24] = "1";
        if (x)
            snprintf(cur, sizeof(cur), "%lld", (long long)json_integer_value(json_object_get(x, "correct")) + 1);
        input(&b, name, GG_T(lang, "Nomor jawaban benar (1 = pilihan pertama)",
                             "Number of the right option (1 = first)"),
              cur, "inputmode=\"numeric\" pattern=\"[0-9]{1,2}\"");
        snprintf(name, sizeof(name), "e%zu", i);
        textarea(&b, name, GG_T(lang, "Penjelasan", "Explanation"), jstr(x, "explanation"), 2);
        gg_buf_adds(&b, "</fieldset>");
    }
    gg_buf_printf(&b, "<button type=\"submit\">%s</button></form>", GG_T(lang, "Simpan", "Save"));
    if (id) {
        gg_buf_printf(&b, "<h2>%s</h2><form class=\"login\" method=\"post\" "
                          "action=\"/console/quizzes/%lld/publish\">",
                      GG_T(lang, "Kirim ke Telegram sebagai kuis", "Send to Telegram as quiz polls"),
                      id);
        hidden_csrf(&b, s);
        input(&b, "chat_id", GG_T(lang, "ID obrolan Telegram (kosong: akun terhubung)",
                                  "Telegram chat id (empty: the connected account)"),
              "", "inputmode=\"numeric\" pattern=\"-?[0-9]+\"");
        gg_buf_printf(&b, "<button type=\"submit\">%s</button></form>",
                      GG_T(lang, "Kirim kuis", "Send the quiz"));
        quiz_stats(a, &b, id, lang);
    }
    gg_html_foot(&b, lang);
    gg_html_send(r, 200, &b);
    return 0;
}

static int h_quiz_new(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    int64_t cid = gg_api__id(gg_req_param(r, "id"));
    json_t *c = NULL;
    if (cid < 0 || gg_store_campaign_by_id(a->store, cid, &c) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such campaign");
    json_decref(c);
    return quiz_page(r, a, s, cid, NULL);
}

static int h_quiz_edit(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *q = NULL;
    if (id < 0 || gg_store_quiz_get(a->store, id, 1, &q) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such quiz");
    int rc = quiz_page(r, a, s, 0, q);
    json_decref(q);
    return rc;
}

/* The quiz form's fields as a definition; blank questions are skipped. */
static json_t *quiz_def(gg_req *r)
{
    json_t *d = json_object(), *qs = json_array();
    json_object_set_new(d, "title", fstr(r, "title"));
    json_object_set_new(d, "intro", fstr(r, "intro"));
    json_object_set_new(d, "status", fstr(r, "status"));
    for (int i = 0; i < 32; i++) {
        char name[16];
        snprintf(name, sizeof(name), "q%d", i);
        const char *q = gg_req_form(r, name);
        if (q == NULL || strspn(q, " \t\r\n") == strlen(q))
            continue;
        snprintf(name, sizeof(name), "o%d", i);
        json_t *opts = form_lines(gg_req_form(r, name));
        snprintf(name, sizeof(name), "c%d", i);
        const char *c = gg_req_form(r, name);
        int cor = c && *c && strlen(c) <= 2 && strspn(c, "0123456789") == strlen(c) ? atoi(c) - 1 : -1;
        json_t *item = json_pack("{s:o,s:o,s:i}", "question", json_string(q), "options", opts,
                                 "correct", cor);
        snprintf(name, sizeof(name), "e%d", i);
        json_object_set_new(item, "explanation", fstr(r, name));
        json_array_append_new(qs, item);
    }
    json_object_set_new(d, "questions", qs);
    return d;
}

static int quiz_write(gg_req *r, gg_api *a, gg_session *s, int64_t id, int64_t cid,
                      const char *back)
{
    json_t *def = quiz_def(r);
    if (gg_store_quiz_check(def) != 0) { /* the message, before queuing */
        json_decref(def);
        redirect_error(r, NULL, back, gg_store_errmsg(a->store));
        return 0;
    }
    char *js = json_dumps(def, JSON_COMPACT);
    json_decref(def);
    if (js == NULL) {
        redirect_error(r, NULL, back, "a field is not valid UTF-8");
        return 0;
    }
    form_done *d = form_defer(r, "/console/quizzes/%lld?saved=1", back);
    gg_quiz_in in = {.op = GG_QUIZ_SAVE, .id = id, .campaign_id = cid, .json = js,
                     .actor_id = s->user_id, .actor = s->email};
    if (gg_store_quiz_put(a->store, &in, on_form_done, d) != 0) {
        redirect_error(NULL, d->p, back, gg_store_errmsg(a->store));
        free(d);
    }
    free(js);
    return 0;
}

static int h_quiz_create(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t cid = gg_api__id(gg_req_param(r, "id"));
    if (cid < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such campaign");
    char back[80];
    snprintf(back, sizeof(back), "/console/campaigns/%lld/quizzes/new", (long long)cid);
    return quiz_write(r, a, s, 0, cid, back);
}

static int h_quiz_save(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such quiz");
    char back[64];
    snprintf(back, sizeof(back), "/console/quizzes/%lld", (long long)id);
    return quiz_write(r, a, s, id, 0, back);
}

static int h_quiz_publish(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *q = NULL;
    if (id < 0 || gg_store_quiz_get(a->store, id, 0, &q) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such quiz");
    json_decref(q);
    char back[64];
    snprintf(back, sizeof(back), "/console/quizzes/%lld", (long long)id);
    const char *chat = gg_req_form(r, "chat_id");
    form_done *d = form_defer(r, "/console/quizzes/%lld?published=1", back);
    const char *why = NULL;
    if (gg_api__quiz_publish(a, s, id, "telegram", chat && *chat ? chat : NULL, NULL, NULL,
                             on_form_done, d, &why) != 0) {
        redirect_error(NULL, d->p, back, why);
        free(d);
    }
    return 0;
}

/* ---- ideas: official response and status ------------------------------------------- */

static int h_idea_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 0, GG_AUTH_HTML);
    if (s == NULL)
        return 0;
    const char *lang = gg_api__lang(r);
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *idea = NULL, *events = NULL;
    if (id < 0 || gg_store_idea_get(a->store, id, &idea) != 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such idea");
    char path[64];
    snprintf(path, sizeof(path), "/console/ideas/%lld", (long long)id);
    gg_buf b;
    start(&b, lang, jstr(idea, "title"), path);
    flash(&b, r, lang);
    gg_buf_printf(&b, "<p><a href=\"/i/%lld\">%s</a> · %s: <strong>%s</strong></p><p class=\"text\">",
                  (long long)id, GG_T(lang, "Halaman publik", "Public page"),
                  GG_T(lang, "Status", "Status"), jstr(idea, "status"));
    gg_html_esc(&b, jstr(idea, "text"));
    gg_buf_adds(&b, "</p>");
    if (gg_store_idea_events(a->store, id, &events) == 0 && json_array_size(events)) {
        gg_buf_adds(&b, "<ol>");
        size_t i;
        json_t *ev;
        json_array_foreach(events, i, ev)
        {
            gg_buf_adds(&b, "<li><small>");
            gg_html_esc(&b, jstr(ev, "at"));
            gg_buf_adds(&b, "</small> ");
            gg_html_esc(&b, jstr(ev, "status"));
            gg_buf_adds(&b, " ");
            gg_html_esc(&b, jstr(ev, "note"));
            gg_buf_adds(&b, "</li>");
        }
        gg_buf_adds(&b, "</ol>");
    }
    json_decref(events);
    gg_buf_printf(&b, "<form class=\"login\" method=\"post\" action=\"%s\">", path);
    hidden_csrf(&b, s);
    static const char *const st[] = {"baru", "ditelaah", "diterima", "diadopsi", "ditolak"};
    gg_buf_printf(&b, "<label for=\"f-status\">%s</label><select id=\"f-status\" name=\"status\">"
                      "<option value=\"\">%s</option>",
                  GG_T(lang, "Status baru", "New status"), GG_T(lang, "(tetap)", "(unchanged)"));
    for (int i = 0; i < 5; i++)
        gg_buf_printf(&b, "<option value=\"%s\">%s</option>", st[i], st[i]);
    gg_buf_adds(&b, "</select>");
    input(&b, "reason", GG_T(lang, "Alasan (wajib untuk ditolak)", "Reason (needed for ditolak)"),
          "", "maxlength=\"4000\"");
    textarea(&b, "official_response", GG_T(lang, "Tanggapan resmi", "Official response"),
             jstr(idea, "official_response"), 5);
    gg_buf_printf(&b, "<p class=\"hint\">%s</p><button type=\"submit\">%s</button></form>",
                  GG_T(lang, "Warga yang mengirim atau mendukung lewat kanal akan mendapat balasan.",
                       "People who sent or supported it through a channel get an answer there."),
                  GG_T(lang, "Simpan", "Save"));
    json_decref(idea);
    gg_html_foot(&b, lang);
    gg_html_send(r, 200, &b);
    return 0;
}

/* The same store operation as PATCH /api/v1/ideas/{id} (GG_ENGAGE_IDEA). */
static int h_idea_save(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    gg_session *s = gg_api__staff(a, r, GG_ROLE_ADMIN, 1, GG_AUTH_JSON);
    if (s == NULL)
        return 0;
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such idea");
    char back[64];
    snprintf(back, sizeof(back), "/console/ideas/%lld", (long long)id);
    json_t *d = json_object();
    static const char *const keys[] = {"status", "reason", "official_response"};
    for (int i = 0; i < 3; i++) {
        const char *v = gg_req_form(r, keys[i]);
        if (v && *v && strlen(v) <= 4000 && gg_text_utf8_valid(v, strlen(v)))
            json_object_set_new(d, keys[i], json_string(v));
        else if (v && strlen(v) > 4000) {
            json_decref(d);
            redirect_error(r, NULL, back, "a field is longer than 4000 bytes");
            return 0;
        }
    }
    /* an unchanged response is not a new one */
    json_t *idea = NULL;
    if (gg_store_idea_get(a->store, id, &idea) == 0 &&
        strcmp(jstr(idea, "official_response"), jstr(d, "official_response")) == 0)
        json_object_del(d, "official_response");
    json_decref(idea);
    char *js = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    form_done *fd = form_defer(r, "/console/ideas/%lld?saved=1", back);
    gg_engage_in in = {.op = GG_ENGAGE_IDEA, .id = id, .parent_id = s->user_id, .json = js};
    if (gg_store_engage_put(a->store, &in, on_form_done, fd) != 0) {
        redirect_error(NULL, fd->p, back, gg_store_errmsg(a->store));
        free(fd);
    }
    free(js);
    return 0;
}

void gg_api__register_engage_console(gg_api *a, gg_http *h)
{
    gg_http_route(h, "GET", "/console/engage", "console_engage", h_hub, a);
    gg_http_route(h, "POST", "/console/comments/{id}/approve", "console_comment_approve",
                  h_comment_approve, a);
    gg_http_route(h, "POST", "/console/comments/{id}/remove", "console_comment_remove",
                  h_comment_remove, a);
    gg_http_route(h, "GET", "/console/campaigns/new", "console_campaign_new", h_campaign_new, a);
    gg_http_route(h, "POST", "/console/campaigns", "console_campaign_create", h_campaign_create, a);
    gg_http_route(h, "GET", "/console/campaigns/{id}", "console_campaign", h_campaign_page, a);
    gg_http_route(h, "POST", "/console/campaigns/{id}", "console_campaign_save", h_campaign_save, a);
    gg_http_route(h, "GET", "/console/campaigns/{id}/polls/new", "console_poll_new", h_poll_new, a);
    gg_http_route(h, "POST", "/console/campaigns/{id}/polls", "console_poll_create", h_poll_create, a);
    gg_http_route(h, "GET", "/console/polls/{id}", "console_poll", h_poll_edit, a);
    gg_http_route(h, "POST", "/console/polls/{id}", "console_poll_save", h_poll_save, a);
    gg_http_route(h, "GET", "/console/campaigns/{id}/quizzes/new", "console_quiz_new", h_quiz_new, a);
    gg_http_route(h, "POST", "/console/campaigns/{id}/quizzes", "console_quiz_create", h_quiz_create, a);
    gg_http_route(h, "GET", "/console/quizzes/{id}", "console_quiz", h_quiz_edit, a);
    gg_http_route(h, "POST", "/console/quizzes/{id}", "console_quiz_save", h_quiz_save, a);
    gg_http_route(h, "POST", "/console/quizzes/{id}/publish", "console_quiz_publish",
                  h_quiz_publish, a);
    gg_http_route(h, "GET", "/console/ideas/{id}", "console_idea", h_idea_page, a);
    gg_http_route(h, "POST", "/console/ideas/{id}", "console_idea_save", h_idea_save, a);
}
