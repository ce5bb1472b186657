/*
 * pages.c — the citizen portal's HTML pages (api layer): campaign list,
 * campaign page with the idea form (works without JavaScript), the thanks
 * page of a submission, and the page of a public idea. Indonesian by
 * default, English with ?lang=en (remembered in a cookie).
 */
#include "api/api_int.h"
#include "api/map.h"
#include "api/quiz.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "store/places.h"
#include "store/store.h"
#include "text/text.h"
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* "2026-12-01T…" as "1 Desember 2026" / "1 December 2026" in a <time>;
 * anything else as it is. */
static void date_html(gg_buf *b, const char *iso, const char *lang)
{
    static const char *const id_m[] = {"Januari", "Februari", "Maret",     "April",
                                       "Mei",     "Juni",     "Juli",      "Agustus",
                                       "September", "Oktober", "November", "Desember"};
    static const char *const en_m[] = {"January", "February", "March",     "April",
                                       "May",     "June",     "July",      "August",
                                       "September", "October", "November", "December"};
    /* "YYYY-MM-DD" by hand: ten characters, digits where digits go */
    int ok = strlen(iso) >= 10 && iso[4] == '-' && iso[7] == '-';
    for (int i = 0; ok && i < 10; i++)
        ok = i == 4 || i == 7 || (iso[i] >= '0' && iso[i] <= '9');
    int y = 0, m = 0, d = 0;
    if (ok) {
        for (int i = 0; i < 4; i++)
            y = y * 10 + (iso[i] - '0');
        m = (iso[5] - '0') * 10 + (iso[6] - '0');
        d = (iso[8] - '0') * 10 + (iso[9] - '0');
    }
    if (!ok || m < 1 || m > 12 || d < 1 || d > 31) {
        gg_html_esc(b, iso);
        return;
    }
    gg_buf_printf(b, "<time datetime=\"%04d-%02d-%02d\">%d %s %d</time>", y, m, d, d,
                  (lang[0] == 'e' ? en_m : id_m)[m - 1], y);
}

/* The campaign's period and state: open since, closing on, or closed. UTC
 * ISO-8601 strings compare as text; the page cache's 10 s bound keeps the
 * state near the clock. */
int gg_api__campaign_phase(const char *status, const char *opens_at, const char *closes_at)
{
    char now[24];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if ((status && strcmp(status, "closed") == 0) ||
        (closes_at && *closes_at && strcmp(closes_at, now) <= 0))
        return GG_PHASE_CLOSED;
    if ((status && strcmp(status, "draft") == 0) ||
        (opens_at && *opens_at && strcmp(opens_at, now) > 0))
        return GG_PHASE_LATER;
    return GG_PHASE_OPEN;
}

static int phase_of(json_t *c)
{
    return gg_api__campaign_phase(jstr(c, "status"), jstr(c, "opens_at"), jstr(c, "closes_at"));
}

static void period_html(gg_buf *b, json_t *c, const char *lang)
{
    const char *o = jstr(c, "opens_at"), *cl = jstr(c, "closes_at");
    int phase = phase_of(c);
    int closed = phase == GG_PHASE_CLOSED, later = phase == GG_PHASE_LATER;
    gg_buf_printf(b, "<p class=\"period\"><strong>%s</strong> ",
                  closed  ? GG_T(lang, "Ditutup", "Closed")
                  : later ? GG_T(lang, "Segera dibuka", "Opening soon")
                          : GG_T(lang, "Dibuka", "Open"));
    if (*o && *cl) {
        gg_buf_adds(b, "· ");
        date_html(b, o, lang);
        gg_buf_adds(b, " – ");
        date_html(b, cl, lang);
    } else if (*o) {
        gg_buf_printf(b, "· %s ", later ? GG_T(lang, "mulai", "from") : GG_T(lang, "sejak", "since"));
        date_html(b, o, lang);
        gg_buf_printf(b, ", %s", GG_T(lang, "tanpa tanggal tutup", "no closing date"));
    } else if (*cl) {
        gg_buf_printf(b, "· %s ", closed ? GG_T(lang, "pada", "on") : GG_T(lang, "sampai", "until"));
        date_html(b, cl, lang);
    } else {
        gg_buf_printf(b, "· %s", GG_T(lang, "tanpa tanggal tutup", "no closing date"));
    }
    gg_buf_adds(b, "</p>");
}

/* Topic slugs (a JSON array) as a labelled list of tags. */
static void topics_html(gg_buf *b, json_t *topics, const char *lang)
{
    if (json_array_size(topics) == 0)
        return;
    gg_buf_printf(b, "<div class=\"topics\"><span>%s:</span><ul>", GG_T(lang, "Topik", "Topics"));
    size_t i;
    json_t *t;
    json_array_foreach(topics, i, t)
    {
        if (!json_is_string(t))
            continue;
        gg_buf_adds(b, "<li>");
        gg_html_esc(b, gg_api__topic_label(json_string_value(t), lang));
        gg_buf_adds(b, "</li>");
    }
    gg_buf_adds(b, "</ul></div>");
}

#define NAME_MAX_B 120    /* bytes of an optional name */
#define CONTACT_MAX_B 200 /* bytes of an optional phone or e-mail */

/* What a person agrees to when they leave a name or contact; the sentence
 * shown is the sentence stored with the consent (store/participant_schema.c). */
#define CONSENT_TEXT(lang)                                                                       \
    GG_T(lang,                                                                                   \
         "Saya setuju nama dan kontak ini disimpan untuk menghubungi saya tentang gagasan saya. " \
         "Tidak pernah ditampilkan publik dan dapat saya hapus kapan saja di halaman Gagasan "    \
         "saya.",                                                                                 \
         "I agree that this name and contact are kept to reach me about my idea. They are "      \
         "never shown publicly and I can delete them at any time on the My ideas page.")

/* Suggestions while typing: after a pause, the draft goes to /similar and
 * the answer is drawn as links with a "support this one" form each (the
 * form's own csrf field is reused). Built with DOM calls, never HTML from
 * the answer. Static, so one CSP hash allows it (send_with_script). */
static const char SIMILAR_JS[] =
    "(function(){var t=document.getElementById('text'),o=document.getElementById('similar'),"
    "k;if(!t||!o||!window.fetch)return;t.addEventListener('input',function(){clearTimeout(k);"
    "k=setTimeout(function(){var v=t.value.trim();if(v.length<12){o.textContent='';return}"
    "fetch(o.dataset.src+'?text='+encodeURIComponent(v.slice(0,2000))).then(function(r){"
    "return r.json()}).then(function(j){o.textContent='';if(!j.ideas||!j.ideas.length)return;"
    "var h=document.createElement('p'),u=document.createElement('ul');h.className='hint';"
    "h.textContent=o.dataset.h;u.className='similar';j.ideas.forEach(function(i){var l="
    "document.createElement('li'),a=document.createElement('a'),f=document.createElement("
    "'form'),c=document.createElement('input'),b=document.createElement('button');a.href="
    "'/i/'+i.id;a.textContent=i.title;f.method='post';f.action='/i/'+i.id+'/support';c.type="
    "'hidden';c.name='csrf';c.value=t.form.csrf.value;b.type='submit';b.textContent="
    "o.dataset.b;f.appendChild(c);f.appendChild(b);l.appendChild(a);l.appendChild(f);"
    "u.appendChild(l)});o.appendChild(h);o.appendChild(u)}).catch(function(){})},400)})})();";

/* 'sha256-…' of SIMILAR_JS for the page's Content-Security-Policy. */
static char similar_js_hash[64];

static void hash_script(void)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)SIMILAR_JS, strlen(SIMILAR_JS));
    sodium_bin2base64(similar_js_hash, sizeof(similar_js_hash), h, sizeof(h),
                      sodium_base64_VARIANT_ORIGINAL);
}

/* gg_html_send for a page that carries SIMILAR_JS: the same headers, with
 * that one inline script allowed by its hash. */
static void send_with_script(gg_req *r, int status, gg_buf *b)
{
    char csp[256];
    snprintf(csp, sizeof(csp),
             "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self' "
             "'sha256-%s'; form-action 'self'; frame-ancestors 'none'",
             similar_js_hash);
    gg_req_header_add(r, "cache-control", "no-store");
    gg_req_header_add(r, "x-frame-options", "DENY");
    gg_req_header_add(r, "content-security-policy", csp);
    gg_req_send(r, status, "text/html; charset=utf-8", b->data ? b->data : "", b->len);
    gg_buf_dispose(b);
}

static const char *submit_error(const char *code, const char *lang)
{
    if (strcmp(code, "consent") == 0)
        return GG_T(lang, "Centang persetujuan jika ingin meninggalkan nama atau kontak, "
                          "atau kosongkan keduanya.",
                    "Tick the consent box to leave a name or contact, or leave both empty.");
    if (strcmp(code, "rate") == 0)
        return GG_T(lang, "Terlalu sering; coba lagi sebentar lagi.",
                    "Too many tries; please wait a moment.");
    if (strcmp(code, "closed") == 0)
        return GG_T(lang, "Kampanye ini tidak menerima gagasan baru saat ini.",
                    "This campaign does not take new ideas now.");
    if (strcmp(code, "contact") == 0)
        return GG_T(lang, "Nama paling banyak 120 huruf dan kontak 200.",
                    "A name may have at most 120 characters and a contact 200.");
    return GG_T(lang, "Tulis gagasan Anda dulu sebelum mengirim.",
                "Please write your idea before sending.");
}

/* Optional name and contact, folded away: most people send anonymously. */
static void contact_fields(gg_buf *b, const char *lang, const char *name, const char *contact,
                           int consented)
{
    gg_buf_printf(b, "<details class=\"contact\"%s><summary>%s</summary>"
                     "<label for=\"name\">%s</label><input id=\"name\" name=\"name\" "
                     "maxlength=\"120\" autocomplete=\"name\" value=\"",
                  (name && *name) || (contact && *contact) ? " open" : "",
                  GG_T(lang, "Nama dan kontak (opsional)", "Name and contact (optional)"),
                  GG_T(lang, "Nama", "Name"));
    gg_html_esc(b, name);
    gg_buf_printf(b, "\"><label for=\"contact\">%s</label><input id=\"contact\" name=\"contact\" "
                     "maxlength=\"200\" value=\"",
                  GG_T(lang, "Nomor HP atau e-mail", "Phone or e-mail"));
    gg_html_esc(b, contact);
    gg_buf_printf(b, "\"><label class=\"check\"><input type=\"checkbox\" name=\"consent\" "
                     "value=\"1\"%s> %s</label></details>",
                  consented ? " checked" : "", CONSENT_TEXT(lang));
}

/* Hidden copies of what was typed, for the preview step's "send anyway". */
static void hidden_field(gg_buf *b, const char *name, const char *v)
{
    if (v == NULL)
        return;
    gg_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
    gg_html_esc(b, v);
    gg_buf_adds(b, "\">");
}

static void gg_page_similar_item(gg_buf *b, json_t *it, const char *token, const char *lang)
{
    json_int_t id = json_integer_value(json_object_get(it, "id"));
    gg_buf_printf(b, "<li><a href=\"/i/%lld\">", (long long)id);
    gg_html_esc(b, json_string_value(json_object_get(it, "title")));
    gg_buf_printf(b, "</a> <span class=\"meta\">%lld %s</span><p class=\"text\">",
                  (long long)json_integer_value(json_object_get(it, "supporters")),
                  GG_T(lang, "pendukung", "supporters"));
    gg_html_esc(b, json_string_value(json_object_get(it, "text")));
    gg_buf_printf(b, "</p><form method=\"post\" action=\"/i/%lld/support\">"
                     "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                     "<button type=\"submit\">%s</button></form></li>",
                  (long long)id, token, GG_T(lang, "Dukung ini saja", "Support this one instead"));
}

/* The step between "send" and the submission, without JavaScript: when
 * the draft is close to ideas that exist, they are listed with a support
 * button each and a "send mine anyway" form carrying the draft. Returns 1
 * when the page was sent, 0 when there is nothing similar (send at once). */
static int preview_step(gg_api *a, gg_req *r, const char *slug, const char *text, size_t n,
                        const char *name, const char *contact, int consented)
{
    json_t *c = NULL, *list = NULL;
    if (gg_store_campaign_head(a->store, slug, &c) != 0)
        return 0; /* intake answers the unknown campaign */
    int64_t cid = json_integer_value(json_object_get(c, "id"));
    json_decref(c);
    if (gg_api__similar(a, cid, text, n, &list) != 0 || json_array_size(list) == 0) {
        json_decref(list);
        return 0;
    }
    const char *lang = gg_api__lang(r);
    const char *token = gg_api__form_token(a, r, gg_api__participant(a, r));
    gg_buf b;
    gg_buf_init(&b, 1 << 20);
    gg_html_head(&b, lang, GG_T(lang, "Gagasan serupa", "Similar ideas"), NULL);
    gg_buf_printf(&b, "<h1>%s</h1><p>%s</p><blockquote>",
                  GG_T(lang, "Sudah ada gagasan serupa", "Similar ideas already exist"),
                  GG_T(lang, "Dukungan Anda membuat gagasan yang sudah ada lebih kuat. Dukung "
                             "salah satunya, atau tetap kirim gagasan Anda.",
                       "Your support makes an existing idea stronger. Support one of them, or "
                       "send yours anyway."));
    gg_html_esc(&b, text);
    gg_buf_adds(&b, "</blockquote><ul class=\"ideas similar\">");
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it) gg_page_similar_item(&b, it, token, lang);
    gg_buf_adds(&b, "</ul><form class=\"idea\" method=\"post\" action=\"/c/");
    gg_html_esc(&b, slug);
    gg_buf_printf(&b, "/submit\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                      "<input type=\"hidden\" name=\"confirm\" value=\"1\">",
                  token);
    hidden_field(&b, "text", text);
    hidden_field(&b, "name", name);
    hidden_field(&b, "contact", contact);
    if (consented)
        hidden_field(&b, "consent", "1");
    gg_buf_printf(&b, "<button type=\"submit\" name=\"send\" value=\"1\">%s</button></form>"
                      "<p><a href=\"/c/",
                  GG_T(lang, "Tetap kirim gagasan saya", "Send mine anyway"));
    gg_html_esc(&b, slug);
    gg_buf_printf(&b, "\">%s</a></p>", GG_T(lang, "Kembali ke kampanye", "Back to the campaign"));
    gg_html_foot(&b, lang);
    json_decref(list);
    gg_html_send(r, 200, &b);
    return 1;
}

/* ---- a small cache of the public bytes of the busiest pages ---------------
 * The campaign and idea pages are the same for everyone but for the form
 * token (per participant) and, on the idea page, the support button (does
 * this participant support it?). They are rendered once with two random
 * markers in those places and kept until the store's generation moves (any
 * write a public page could show) or PCACHE_TTL seconds pass (poll opening
 * and closing times depend on the clock). Each view copies the bytes and
 * puts the participant's token and button where the markers are. */
#define PCACHE_N 32
#define PCACHE_TTL 10 /* seconds */
#define PCACHE_KEY 200

typedef struct pcache_ent {
    char key[PCACHE_KEY];
    uint64_t gen;
    time_t at;
    char *body;
    size_t len;
} pcache_ent;

static pcache_ent pcache[PCACHE_N];
static pthread_mutex_t pcache_mu = PTHREAD_MUTEX_INITIALIZER;
static char ph_token[33], ph_support[33]; /* markers: random hex, set once */

static void pcache_init(void)
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(ph_token, sizeof(ph_token), raw, sizeof(raw));
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(ph_support, sizeof(ph_support), raw, sizeof(raw));
}

/* The cache key of r: lang and the full path with its query; 0 when the
 * request cannot be cached (too long a URI). */
static int pcache_key(gg_req *r, const char *lang, char key[PCACHE_KEY])
{
    gg_str p = gg_req_path_full(r);
    if (p.len + 4 >= PCACHE_KEY)
        return 0;
    snprintf(key, PCACHE_KEY, "%s %.*s", lang, (int)p.len, p.ptr);
    return 1;
}

static unsigned pcache_slot(const char *key)
{
    unsigned h = 2166136261u;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h % PCACHE_N;
}

/* A fresh copy of the cached bytes for key into out (initialized by the
 * caller); 1 when there was one. */
static int pcache_get(gg_api *a, const char *key, gg_buf *out)
{
    uint64_t gen = gg_store_generation(a->store);
    time_t now = time(NULL);
    int hit = 0;
    pcache_ent *e = &pcache[pcache_slot(key)];
    pthread_mutex_lock(&pcache_mu);
    if (e->body && e->gen == gen && now - e->at < PCACHE_TTL && strcmp(e->key, key) == 0) {
        gg_buf_add(out, e->body, e->len);
        hit = 1;
    }
    pthread_mutex_unlock(&pcache_mu);
    return hit;
}

static void pcache_put(const char *key, uint64_t gen, const gg_buf *b)
{
    pcache_ent *e = &pcache[pcache_slot(key)];
    char *copy = gg_malloc(b->len + 1);
    memcpy(copy, b->data, b->len);
    pthread_mutex_lock(&pcache_mu);
    char *old = e->body;
    snprintf(e->key, sizeof(e->key), "%s", key);
    e->gen = gen;
    e->at = time(NULL);
    e->body = copy;
    e->len = b->len;
    pthread_mutex_unlock(&pcache_mu);
    free(old);
}

/* The page for this participant: markers replaced in page (the cached or
 * just rendered template), into out. support: the support form's HTML or
 * NULL when the page has none. */
static void pcache_fill(const gg_buf *page, const char *token, const char *support, gg_buf *out)
{
    const char *p = page->data, *end = page->data + page->len;
    while (p < end) {
        const char *t = memmem(p, (size_t)(end - p), ph_token, 32);
        const char *u = support ? memmem(p, (size_t)(end - p), ph_support, 32) : NULL;
        const char *m = t && (!u || t < u) ? t : u;
        if (m == NULL) {
            gg_buf_add(out, p, (size_t)(end - p));
            break;
        }
        gg_buf_add(out, p, (size_t)(m - p));
        gg_buf_adds(out, m == t ? token : support);
        p = m + 32;
    }
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

/* One line of a poll's merged results: choices per channel or region
 * ({"telegram":{"0":3,…},…}), summed over options. */
static void by_line(gg_buf *b, json_t *by, const char *label, const char *lang)
{
    if (json_object_size(by) == 0)
        return;
    gg_buf_printf(b, "<p class=\"by\">%s: ", label);
    const char *k;
    json_t *v, *n;
    int first = 1;
    json_object_foreach(by, k, v)
    {
        const char *o;
        json_int_t sum = 0;
        json_object_foreach(v, o, n) sum += json_integer_value(n);
        gg_buf_adds(b, first ? "" : " · ");
        gg_html_esc(b, *k ? k : GG_T(lang, "tidak diketahui", "unknown"));
        gg_buf_printf(b, " %lld", (long long)sum);
        first = 0;
    }
    gg_buf_adds(b, "</p>");
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
        if (json_is_array(counts)) {
            by_line(b, json_object_get(res, "by_channel"), GG_T(lang, "Per kanal", "By channel"),
                    lang);
            by_line(b, json_object_get(res, "by_region"), GG_T(lang, "Per wilayah", "By region"),
                    lang);
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
    char who[65], limited[220];
    gg_api__participant_key(a, participant, who);
    snprintf(limited, sizeof(limited), "%s#poll%lld", back, (long long)id);
    if (gg_api__rate_write(a, r, who, limited, "poll_error") != 0) {
        json_decref(opts);
        return 0;
    }
    char *js = json_dumps(opts, JSON_COMPACT);
    json_decref(opts);
    gg_engage_in in = {.op = GG_ENGAGE_VOTE, .id = id, .participant = who, .json = js};
    page_write_q(a, r, &in, ok, fail, "poll_error");
    free(js);
    return 0;
}

/* The idea form, without JavaScript first; err: the ?error= of a refused send. */
static void idea_form(gg_buf *b, const char *s, const char *token, const char *err,
                      const char *lang)
{
    gg_buf_adds(b, "<form class=\"idea\" id=\"idea\" method=\"post\" action=\"/c/");
    gg_html_esc(b, s);
    gg_buf_printf(b, "/submit\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">", token);
    if (err)
        gg_buf_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", submit_error(err, lang));
    gg_buf_printf(b,
                  "<label for=\"text\">%s</label>"
                  "<textarea id=\"text\" name=\"text\" rows=\"5\" maxlength=\"5000\" required "
                  "placeholder=\"%s\"></textarea>"
                  "<p class=\"hint\">%s</p>",
                  GG_T(lang, "Gagasan Anda", "Your idea"),
                  GG_T(lang, "Contoh: Perbanyak bus sekolah gratis di kecamatan kami…",
                       "Example: More free school buses in our district…"),
                  GG_T(lang,
                       "Setiap gagasan ditelaah tim kami. Nomor telepon dan e-mail tidak "
                       "ditampilkan.",
                       "Every idea is reviewed by our team. Phone numbers and e-mails are never "
                       "shown."));
    contact_fields(b, lang, NULL, NULL, 0);
    /* live suggestions (SIMILAR_JS) land here; without JavaScript the
     * preview step after "send" lists them instead */
    gg_buf_adds(b, "<div id=\"similar\" aria-live=\"polite\" data-src=\"/api/v1/campaigns/");
    gg_html_esc(b, s);
    gg_buf_printf(b, "/similar\" data-h=\"%s\" data-b=\"%s\"></div><button type=\"submit\">%s</button>"
                      "</form><script>%s</script>",
                  GG_T(lang, "Gagasan serupa sudah ada:", "Similar ideas already exist:"),
                  GG_T(lang, "Dukung ini", "Support this one"),
                  GG_T(lang, "Kirim gagasan", "Send idea"), SIMILAR_JS);
}

static int h_campaign_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    const char *lang = gg_api__lang(r);
    gg_str slug = gg_req_param(r, "slug");
    char *s = gg_req_strdup(r, slug.ptr, slug.len);
    json_t *c = NULL, *ideas = NULL;
    char key[PCACHE_KEY];
    int cacheable = pcache_key(r, lang, key);
    uint64_t gen = gg_store_generation(a->store); /* before reading: a write in between
                                                      leaves the entry already stale */
    gg_buf b, out;
    gg_buf_init(&b, 1 << 20);
    gg_buf_init(&out, 1 << 20);
    if (cacheable && pcache_get(a, key, &b)) {
        pcache_fill(&b, gg_api__form_token(a, r, gg_api__participant(a, r)), NULL, &out);
        gg_buf_dispose(&b);
        send_with_script(r, 200, &out);
        return 0;
    }
    if (gg_store_campaign_head(a->store, s, &c) != 0) {
        gg_buf_dispose(&b);
        gg_buf_dispose(&out);
        gg_buf nf;
        gg_buf_init(&nf, 1 << 16);
        gg_html_head(&nf, lang, GG_T(lang, "Tidak ditemukan", "Not found"), NULL);
        gg_buf_printf(&nf, "<h1>%s</h1><p><a href=\"/\">%s</a></p>",
                      GG_T(lang, "Kampanye tidak ditemukan", "Campaign not found"),
                      GG_T(lang, "Lihat semua kampanye", "See all campaigns"));
        gg_html_foot(&nf, lang);
        gg_html_send(r, 404, &nf);
        return 0;
    }
    const char *token = ph_token; /* the participant's goes in by pcache_fill */
    gg_store_idea_list(a->store, s, "top", 10, &ideas);
    const char *err = gg_req_query(r, "error");
    char path[128];
    snprintf(path, sizeof(path), "/c/%s", s);

    gg_html_head(&b, lang, jlang(c, "title", lang), path);
    gg_buf_adds(&b, "<p class=\"kicker\">");
    gg_html_esc(&b, jlang(c, "title", lang));
    gg_buf_adds(&b, "</p><h1>");
    gg_html_esc(&b, jlang(c, "question", lang));
    gg_buf_adds(&b, "</h1>");
    period_html(&b, c, lang);
    topics_html(&b, json_object_get(c, "topics"), lang);
    gg_buf_adds(&b, "<section class=\"brief\">");
    paragraphs(&b, jlang(c, "brief", lang));
    gg_buf_adds(&b, "</section>");
    int phase = phase_of(c);
    if (phase == GG_PHASE_OPEN)
        idea_form(&b, s, token, err, lang);
    else /* the period line above says since when or from when */
        gg_buf_printf(&b, "<p class=\"notice\" id=\"idea\" role=\"status\">%s</p>",
                      phase == GG_PHASE_CLOSED
                          ? GG_T(lang, "Kampanye ini sudah ditutup: gagasan baru tidak diterima lagi. "
                                       "Anda masih bisa mendukung dan mendiskusikan gagasan yang ada.",
                                 "This campaign is closed to new ideas. You can still support and "
                                 "discuss the ideas below.")
                          : GG_T(lang, "Kampanye ini belum dibuka untuk gagasan baru.",
                                 "This campaign does not take ideas yet."));
    poll_sections(a, &b, s, token, lang, gg_req_query(r, "poll_error"));
    gg_api__quiz_section(a, &b, s, lang); /* api/quiz.c */
    gg_buf_printf(&b, "<section id=\"top\"><h2>%s</h2>", GG_T(lang, "Gagasan teratas", "Top ideas"));
    idea_list(&b, ideas, lang);
    gg_buf_adds(&b, "</section>");
    /* the newest besides the most supported: a new idea is seen before it
     * has supporters; the map counts every public idea by its province */
    json_t *newest = NULL, *places = NULL;
    if (json_array_size(json_object_get(ideas, "ideas")) > 0 &&
        gg_store_idea_list(a->store, s, "new", 10, &newest) == 0) {
        gg_buf_printf(&b, "<section id=\"new\"><h2>%s</h2>",
                      GG_T(lang, "Gagasan terbaru", "Newest ideas"));
        idea_list(&b, newest, lang);
        gg_buf_adds(&b, "</section>");
    }
    if (gg_store_idea_provinces(a->store, s, &places) == 0)
        gg_api__province_map(a, &b, places, lang);
    gg_html_foot(&b, lang);
    json_decref(c);
    json_decref(ideas);
    json_decref(newest);
    json_decref(places);
    if (cacheable)
        pcache_put(key, gen, &b);
    pcache_fill(&b, gg_api__form_token(a, r, gg_api__participant(a, r)), NULL, &out);
    gg_buf_dispose(&b);
    send_with_script(r, 200, &out);
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
    const char *name = gg_req_form(r, "name"), *contact = gg_req_form(r, "contact");
    const char *consent = gg_req_form(r, "consent"), *confirm = gg_req_form(r, "confirm");
    int consented = consent && strcmp(consent, "1") == 0;
    int has_contact = (name && strspn(name, " \t") < strlen(name)) ||
                      (contact && strspn(contact, " \t") < strlen(contact));
    const char *bad = NULL;
    if (text == NULL || strspn(text, " \t\r\n") == n)
        bad = "empty";
    else if ((name && (strlen(name) > NAME_MAX_B || !gg_text_utf8_valid(name, strlen(name)))) ||
             (contact &&
              (strlen(contact) > CONTACT_MAX_B || !gg_text_utf8_valid(contact, strlen(contact)))))
        bad = "contact";
    else if (has_contact && !consented) /* nothing is kept without the tick */
        bad = "consent";
    if (bad) {
        char loc[160];
        snprintf(loc, sizeof(loc), "/c/%s?error=%s", s, bad);
        gg_log(GG_LOG_INFO, "portal form refused", "\"slug\":\"%s\",\"why\":\"%s\"",
               strlen(s) < 64 ? s : "?", bad);
        gg_req_redirect(r, loc);
        return 0;
    }
    if (!(confirm && strcmp(confirm, "1") == 0) && n <= GG_TEXT_MAX &&
        gg_text_utf8_valid(text, n) && preview_step(a, r, s, text, n, name, contact, consented))
        return 0;
    if (has_contact && consented) {
        /* queued before the submission on the same writer: both or neither
         * are lost in a crash window; the contact never rides in the text */
        const char *lang = gg_api__lang(r);
        char who[65];
        gg_api__participant_key(a, participant, who);
        json_t *cj = json_pack("{s:s?,s:s?,s:s,s:s}", "name", name && *name ? name : NULL,
                               "contact", contact && *contact ? contact : NULL, "consent_text",
                               CONSENT_TEXT(lang), "lang", lang);
        char *cs = json_dumps(cj, JSON_COMPACT);
        json_decref(cj);
        gg_engage_in cin = {.op = GG_ENGAGE_CONTACT, .participant = who, .json = cs};
        if (gg_store_engage_put(a->store, &cin, NULL, NULL) != 0)
            gg_log(GG_LOG_WARN, "contact not queued", "\"slug\":\"%s\"", strlen(s) < 64 ? s : "?");
        free(cs);
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

/* An idea's topics and region (names, not codes): regency, province. */
static void place_html(gg_api *a, gg_buf *b, json_t *place, const char *lang)
{
    topics_html(b, json_object_get(place, "topics"), lang);
    const char *prov = jstr(place, "province"), *reg = jstr(place, "regency");
    const char *pn = gg_api__region_name(a, prov), *rn = gg_api__region_name(a, reg);
    gg_buf_printf(b, "<p class=\"place\"><span>%s:</span> ", GG_T(lang, "Wilayah", "Region"));
    if (rn) {
        gg_html_esc(b, rn);
        gg_buf_adds(b, ", ");
    }
    if (pn)
        gg_html_esc(b, pn);
    else
        gg_buf_adds(b, GG_T(lang, "tidak diketahui", "unknown"));
    gg_buf_adds(b, "</p>");
}

/* supports: a plain form, so it works without JavaScript */
static void support_form(gg_buf *b, const char *path, const char *token, int supported,
                         const char *lang)
{
    gg_buf_printf(b,
                  "<form class=\"support\" method=\"post\" action=\"%s/support\">"
                  "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                  "<input type=\"hidden\" name=\"undo\" value=\"%d\">"
                  "<button type=\"submit\">%s</button></form>",
                  path, token, supported,
                  supported ? GG_T(lang, "Tarik dukungan", "Withdraw support")
                            : GG_T(lang, "Dukung gagasan ini", "Support this idea"));
}

static int h_idea_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    const char *lang = gg_api__lang(r);
    int64_t id = gg_api__id(gg_req_param(r, "id"));
    json_t *idea = NULL, *page = NULL;
    if (id < 0)
        return gg_req_error(r, GG_ENOTFOUND, "no such idea");
    /* the participant's part: token and support button (a new cookie
     * supports nothing, so no query for it) */
    int known = gg_req_cookie(r, "gg_p") != NULL;
    const char *participant = gg_api__participant(a, r);
    const char *token = gg_api__form_token(a, r, participant);
    char who[65], path[64];
    gg_api__participant_key(a, participant, who);
    snprintf(path, sizeof(path), "/i/%lld", (long long)id);
    int supported = known && gg_store_supports(a->store, id, who);
    gg_buf sup, b, out;
    gg_buf_init(&sup, 4096);
    gg_buf_init(&b, 1 << 20);
    gg_buf_init(&out, 1 << 20);
    support_form(&sup, path, token, supported, lang);
    char key[PCACHE_KEY];
    int cacheable = pcache_key(r, lang, key);
    uint64_t gen = gg_store_generation(a->store);
    if (cacheable && pcache_get(a, key, &b))
        goto send;
    if (gg_store_idea_get(a->store, id, &idea) != 0) {
        gg_buf_dispose(&sup);
        gg_buf_dispose(&b);
        gg_buf_dispose(&out);
        return gg_req_error(r, GG_ENOTFOUND, "no such idea");
    }
    token = ph_token;
    const char *after_s = gg_req_query(r, "after");
    int64_t after = after_s ? gg_api__id((gg_str){after_s, strlen(after_s)}) : 0;
    gg_store_comment_list(a->store, id, after > 0 ? after : 0, 50, &page);
    int64_t ncom = 0;
    gg_store_comment_count(a->store, id, &ncom);
    const char *err = gg_req_query(r, "error");
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
    json_t *place = NULL;
    if (gg_store_idea_place(a->store, id, &place) == 0)
        place_html(a, &b, place, lang);
    json_decref(place);
    if (err && *err) {
        gg_buf_printf(&b, "<p class=\"error\" role=\"alert\">%s</p>", page_error(err, lang));
    }
    gg_buf_adds(&b, ph_support); /* support_form, per participant */
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
    if (cacheable)
        pcache_put(key, gen, &b);
send:
    pcache_fill(&b, gg_api__form_token(a, r, participant), sup.data, &out);
    gg_buf_dispose(&sup);
    gg_buf_dispose(&b);
    gg_html_send(r, 200, &out);
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
    char who[65], path[64];
    gg_api__participant_key(a, participant, who);
    snprintf(path, sizeof(path), "/i/%lld", (long long)id);
    if (gg_api__rate_write(a, r, who, path, NULL) != 0)
        return 0;
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
    gg_api__participant_key(a, participant, who);
    snprintf(ok, sizeof(ok), "%s#comments", path);
    if (gg_api__rate_write(a, r, who, ok, NULL) != 0)
        return 0;
    /* the abuse model's seam lives with the JSON API (api/engage.c) */
    gg_engage_in in = {.op = GG_ENGAGE_COMMENT, .id = id, .participant = who, .text = text,
                       .parent_id = pid, .held = gg_api__comment_held(a, id, text)};
    return page_write(a, r, &in, ok, path);
}

/* "My ideas": what this cookie's participant sent, supported and voted,
 * with each idea's timeline, official response and the answers sent back;
 * the download and the deletion (UU PDP) as plain forms. Never cached: it
 * is nobody else's page. */
static int h_me_page(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    const char *lang = gg_api__lang(r);
    const char *participant = gg_api__participant(a, r);
    const char *token = gg_api__form_token(a, r, participant);
    char who[65], akey[65];
    gg_api__participant_key(a, participant, who);
    gg_api__author_key(a, participant, akey);
    json_t *me = NULL;
    if (gg_store_my_ideas(a->store, who, akey, &me) != 0)
        return gg_req_error(r, GG_EIO, "%s", gg_store_errmsg(a->store));
    gg_buf b;
    gg_buf_init(&b, 1 << 20);
    gg_html_head(&b, lang, GG_T(lang, "Gagasan saya", "My ideas"), "/me");
    gg_buf_printf(&b, "<h1>%s</h1>", GG_T(lang, "Gagasan saya", "My ideas"));
    const char *flash = gg_req_query(r, "deleted");
    if (flash && strcmp(flash, "1") == 0)
        gg_buf_printf(&b, "<p class=\"flash\" role=\"status\">%s</p>",
                      GG_T(lang, "Semua data Anda sudah dihapus.", "All your data has been deleted."));
    const char *err = gg_req_query(r, "error");
    if (err)
        gg_buf_printf(&b, "<p class=\"error\" role=\"alert\">%s</p>", page_error(err, lang));
    gg_buf_printf(&b, "<section id=\"sent\"><h2>%s</h2>",
                  GG_T(lang, "Yang saya kirim", "What I sent"));
    size_t i, k;
    json_t *it, *ev;
    json_t *subs = json_object_get(me, "submissions");
    if (json_array_size(subs) == 0)
        gg_buf_printf(&b, "<p class=\"empty\">%s</p>",
                      GG_T(lang, "Belum ada gagasan dari Anda di perangkat ini.",
                           "No ideas from you on this device yet."));
    json_array_foreach(subs, i, it)
    {
        json_t *idea = json_object_get(it, "idea_id");
        gg_buf_printf(&b, "<article class=\"item mine\"><p class=\"meta\">#%lld · %s · ",
                      (long long)json_integer_value(json_object_get(it, "id")),
                      jstr(it, "created_at"));
        gg_html_esc(&b, jstr(it, "campaign"));
        gg_buf_adds(&b, "</p><p class=\"text\">");
        gg_html_esc(&b, jstr(it, "text"));
        gg_buf_printf(&b, "</p><p>%s: <strong class=\"status\">%s</strong>",
                      GG_T(lang, "Status", "Status"),
                      status_label(json_is_integer(idea) ? jstr(it, "status") : jstr(it, "state"),
                                   lang));
        if (json_is_integer(idea))
            gg_buf_printf(&b, " · <a href=\"/i/%lld\">%s</a> (%lld %s)",
                          (long long)json_integer_value(idea),
                          GG_T(lang, "lihat gagasan", "see the idea"),
                          (long long)json_integer_value(json_object_get(it, "supporters")),
                          GG_T(lang, "pendukung", "supporters"));
        gg_buf_adds(&b, "</p>");
        json_t *events = json_object_get(it, "events");
        if (json_array_size(events) > 0) {
            gg_buf_adds(&b, "<ol class=\"timeline\">");
            json_array_foreach(events, k, ev)
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
            gg_buf_adds(&b, "</ol>");
        }
        if (*jstr(it, "official_response")) {
            gg_buf_printf(&b, "<div class=\"response\"><strong>%s</strong><p>",
                          GG_T(lang, "Tanggapan resmi", "Official response"));
            gg_html_esc(&b, jstr(it, "official_response"));
            gg_buf_adds(&b, "</p></div>");
        }
        json_array_foreach(json_object_get(it, "replies"), k, ev)
        {
            gg_buf_printf(&b, "<p class=\"reply-sent\"><small>%s · %s</small> ",
                          jstr(ev, "created_at"), jstr(ev, "channel"));
            gg_html_esc(&b, jstr(ev, "text"));
            gg_buf_adds(&b, "</p>");
        }
        gg_buf_adds(&b, "</article>");
    }
    gg_buf_printf(&b, "</section><section id=\"supports\"><h2>%s</h2><ul class=\"ideas\">",
                  GG_T(lang, "Yang saya dukung", "What I support"));
    json_array_foreach(json_object_get(me, "supports"), i, it)
    {
        gg_buf_printf(&b, "<li><a href=\"/i/%lld\">",
                      (long long)json_integer_value(json_object_get(it, "idea_id")));
        gg_html_esc(&b, jstr(it, "title"));
        gg_buf_printf(&b, "</a> <span class=\"meta\">%s</span></li>",
                      status_label(jstr(it, "status"), lang));
    }
    if (json_array_size(json_object_get(me, "supports")) == 0)
        gg_buf_printf(&b, "<li class=\"empty\">%s</li>", GG_T(lang, "Belum ada.", "None yet."));
    gg_buf_printf(&b, "</ul></section><section id=\"votes\"><h2>%s</h2><ul class=\"ideas\">",
                  GG_T(lang, "Pilihan saya di jajak pendapat", "My poll votes"));
    json_array_foreach(json_object_get(me, "votes"), i, it)
    {
        gg_buf_adds(&b, "<li>");
        gg_html_esc(&b, jstr(it, "question"));
        gg_buf_adds(&b, " <span class=\"meta\">→ ");
        json_t *opts = json_object_get(it, "options");
        json_array_foreach(json_object_get(it, "chosen"), k, ev)
        {
            const char *o = json_string_value(json_array_get(opts, (size_t)json_integer_value(ev)));
            if (k)
                gg_buf_adds(&b, ", ");
            gg_html_esc(&b, o ? o : "?");
        }
        gg_buf_adds(&b, "</span></li>");
    }
    if (json_array_size(json_object_get(me, "votes")) == 0)
        gg_buf_printf(&b, "<li class=\"empty\">%s</li>", GG_T(lang, "Belum ada.", "None yet."));
    gg_buf_adds(&b, "</ul></section>");
    json_t *contact = json_object_get(me, "contact");
    if (json_is_object(contact)) {
        /* shown to its owner only: this page answers the cookie's holder */
        gg_buf_printf(&b, "<section id=\"contact\"><h2>%s</h2><p>",
                      GG_T(lang, "Kontak yang saya tinggalkan", "The contact I left"));
        gg_html_esc(&b, jstr(contact, "name"));
        gg_buf_adds(&b, " · ");
        gg_html_esc(&b, jstr(contact, "contact"));
        gg_buf_printf(&b, "</p><p class=\"hint\">%s %s: “", GG_T(lang, "Persetujuan", "Consent"),
                      jstr(contact, "consented_at"));
        gg_html_esc(&b, jstr(contact, "consent_text"));
        gg_buf_adds(&b, "”</p></section>");
    }
    gg_buf_printf(&b,
                  "<section id=\"mydata\"><h2>%s</h2><p><a href=\"/api/v1/me\" "
                  "download=\"gagas-data-saya.json\">%s</a></p>"
                  "<form class=\"forget\" method=\"post\" action=\"/me/delete\">"
                  "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                  "<label class=\"check\"><input type=\"checkbox\" name=\"sure\" value=\"1\" "
                  "required> %s</label><button type=\"submit\" class=\"reject\">%s</button></form>"
                  "</section>",
                  GG_T(lang, "Data saya", "My data"),
                  GG_T(lang, "Unduh semua data saya (JSON)", "Download all my data (JSON)"), token,
                  GG_T(lang,
                       "Saya mengerti: dukungan, pilihan, laporan dan kontak saya dihapus; komentar "
                       "saya dikosongkan; gagasan yang sudah diterima tetap ada tanpa nama saya.",
                       "I understand: my supports, votes, reports and contact are deleted; my "
                       "comments are emptied; accepted ideas stay, no longer tied to me."),
                  GG_T(lang, "Hapus semua data saya", "Delete all my data"));
    gg_html_foot(&b, lang);
    json_decref(me);
    gg_html_send(r, 200, &b);
    return 0;
}

static int h_me_delete(gg_req *r, void *ctx)
{
    gg_api *a = ctx;
    const char *participant = NULL;
    if (!form_ok(a, r, &participant))
        return gg_req_error(r, GG_ECSRF, "the form expired or cookies are off; reload the page");
    const char *sure = gg_req_form(r, "sure");
    if (sure == NULL || strcmp(sure, "1") != 0) {
        gg_req_redirect(r, "/me?error=invalid#mydata");
        return 0;
    }
    char who[65], akey[65];
    gg_api__participant_key(a, participant, who);
    if (gg_api__rate_write(a, r, who, "/me#mydata", NULL) != 0)
        return 0;
    gg_api__author_key(a, participant, akey);
    gg_engage_in in = {.op = GG_ENGAGE_FORGET, .participant = who, .author_key = akey};
    gg_log(GG_LOG_INFO, "participant data deleted", "\"via\":\"page\"");
    return page_write(a, r, &in, "/me?deleted=1", "/me");
}

void gg_api__register_pages(gg_api *a, gg_http *h)
{
    hash_script();
    pcache_init();
    gg_http_route(h, "GET", "/", "page_home", h_home, a);
    gg_http_route(h, "GET", "/c/{slug}", "page_campaign", h_campaign_page, a);
    gg_http_route(h, "POST", "/c/{slug}/submit", "page_submit", h_campaign_submit, a);
    gg_http_route(h, "GET", "/s/{id}", "page_thanks", h_thanks, a);
    gg_http_route(h, "GET", "/i/{id}", "page_idea", h_idea_page, a);
    gg_http_route(h, "POST", "/i/{id}/support", "page_support", h_idea_support, a);
    gg_http_route(h, "POST", "/i/{id}/comment", "page_comment", h_idea_comment, a);
    gg_http_route(h, "POST", "/p/{id}/vote", "page_vote", h_poll_vote, a);
    gg_http_route(h, "GET", "/me", "page_me", h_me_page, a);
    gg_http_route(h, "POST", "/me/delete", "page_me_delete", h_me_delete, a);
}
