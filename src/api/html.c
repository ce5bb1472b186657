/*
 * html.c — the HTML shell shared by portal and console pages (api layer).
 * Pages are rendered on the server so they work without JavaScript and
 * stay small on slow phones: one stylesheet, no web fonts, no framework.
 */
#include "api/api_int.h"
#include <string.h>

void gg_html_esc(gg_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': gg_buf_adds(b, "&lt;"); break;
        case '>': gg_buf_adds(b, "&gt;"); break;
        case '&': gg_buf_adds(b, "&amp;"); break;
        case '"': gg_buf_adds(b, "&quot;"); break;
        case '\'': gg_buf_adds(b, "&#39;"); break;
        default: gg_buf_addc(b, *s);
        }
    }
}

void gg_html_head(gg_buf *b, const char *lang, const char *title, const char *switch_path)
{
    gg_buf_printf(b,
                  "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                  "<title>",
                  lang);
    gg_html_esc(b, title);
    gg_buf_adds(b, " · gagas</title><link rel=\"stylesheet\" href=\"/static/app.css\">"
                   "</head><body><header class=\"top\"><a class=\"brand\" href=\"/\">gagas</a>"
                   "<nav>");
    /* the portal's pages link the participant's own page; the console's do not */
    if (switch_path == NULL || strncmp(switch_path, "/console", 8) != 0)
        gg_buf_printf(b, "<a class=\"mine\" href=\"/me\">%s</a> ",
                      GG_T(lang, "Gagasan saya", "My ideas"));
    if (switch_path) {
        gg_buf_adds(b, "<a class=\"lang\" href=\"");
        gg_html_esc(b, switch_path);
        gg_buf_adds(b, strchr(switch_path, '?') ? "&amp;" : "?");
        gg_buf_adds(b, lang[0] == 'e' ? "lang=id\">Bahasa Indonesia</a>" : "lang=en\">English</a>");
    }
    gg_buf_adds(b, "</nav></header><main>");
}

void gg_html_foot(gg_buf *b, const char *lang)
{
    gg_buf_adds(b, "</main><footer>");
    gg_buf_adds(b, GG_T(lang, "Suara warga, ditelaah manusia, dijawab terbuka.",
                        "Citizens' voices, reviewed by people, answered in the open."));
    gg_buf_adds(b, "</footer></body></html>");
}

void gg_html_send(gg_req *r, int status, gg_buf *b)
{
    gg_req_header_add(r, "cache-control", "no-store");
    gg_req_header_add(r, "x-frame-options", "DENY");
    gg_req_header_add(r, "content-security-policy",
                      "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                      "form-action 'self'; frame-ancestors 'none'");
    gg_req_send(r, status, "text/html; charset=utf-8", b->data ? b->data : "", b->len);
    gg_buf_dispose(b);
}
