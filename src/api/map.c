/*
 * map.c — where a campaign's ideas come from, drawn on the server (api
 * layer, issue 5): an inline SVG choropleth of the provinces, so it works
 * without JavaScript and weighs ~10 KB inside the page. The outlines are
 * data/geo/provinces-map.tsv (scripts/province_map.py made them from the
 * insight map's TopoJSON); they are read once, and each province's
 * "<path d=…" part is kept ready, so a render only picks colour classes and
 * writes counts. Also the names the portal shows for region codes (the
 * gazetteer, text/gazetteer.h) and topic slugs.
 */
#include "api/map.h"
#include "core/alloc.h"
#include "core/log.h"
#include "text/gazetteer.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAP_MAX 64 /* provinces (38 in 2025) */

typedef struct province {
    char code[4];
    char *name;
    char *path; /* '<path d="…"' ready to be given a class */
} province;

static struct {
    pthread_once_t once;
    const char *dir; /* set before once runs */
    char viewbox[40];
    province p[MAP_MAX];
    int n;
    gg_geo *geo;
} map = {PTHREAD_ONCE_INIT, NULL, "", {{"", NULL, NULL}}, 0, NULL};

static void map_load(void)
{
    char path[600], *line = NULL;
    size_t cap = 0;
    ssize_t len;
    snprintf(path, sizeof(path), "%s/geo/provinces-map.tsv", map.dir);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        gg_log(GG_LOG_WARN, "province map outlines missing", "\"path\":\"%s\"", path);
    } else {
        while ((len = getline(&line, &cap, f)) > 0 && map.n < MAP_MAX) {
            line[strcspn(line, "\r\n")] = '\0';
            if (strncmp(line, "# viewBox ", 10) == 0) {
                size_t k = strcspn(line + 10, "\t");
                if (k < sizeof(map.viewbox))
                    snprintf(map.viewbox, sizeof(map.viewbox), "%.*s", (int)k, line + 10);
                continue;
            }
            char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
            /* the file is ours: codes are two digits, paths only [Mlz0-9 -] */
            if (line[0] == '#' || t2 == NULL || t1 - line != 2 ||
                strspn(t2 + 1, "Mlz0123456789 -") != strlen(t2 + 1))
                continue;
            province *p = &map.p[map.n++];
            memcpy(p->code, line, 2);
            p->name = gg_strndup(t1 + 1, (size_t)(t2 - t1 - 1));
            size_t n = strlen(t2 + 1) + 16;
            p->path = gg_malloc(n);
            snprintf(p->path, n, "<path d=\"%s\"", t2 + 1);
        }
        free(line);
        fclose(f);
    }
    if (map.viewbox[0] == '\0')
        map.n = 0; /* no size, no drawing */
    if (gg_geo_open(&map.geo, map.dir) != 0) {
        gg_log(GG_LOG_WARN, "region names unavailable", "\"dir\":\"%s\"", map.dir);
        map.geo = NULL;
    }
}

static void map_init(gg_api *a)
{
    map.dir = a->cfg->data_dir;
    pthread_once(&map.once, map_load);
}

const char *gg_api__region_name(gg_api *a, const char *code)
{
    map_init(a);
    return map.geo && code && *code ? gg_geo_name(map.geo, code) : NULL;
}

const char *gg_api__topic_label(const char *slug, const char *lang)
{
    /* the filter's topics (filter/filter.c); the slug is the Indonesian word */
    static const char *const t[][3] = {
        {"pendidikan", "pendidikan", "education"},  {"kesehatan", "kesehatan", "health"},
        {"ekonomi", "ekonomi", "economy"},           {"ketenagakerjaan", "ketenagakerjaan", "jobs"},
        {"infrastruktur", "infrastruktur", "infrastructure"},
        {"pertanian", "pertanian", "farming"},      {"lingkungan", "lingkungan", "environment"},
        {"hukum", "hukum", "law"},                  {"sosial", "sosial", "social affairs"},
        {"layanan-publik", "layanan publik", "public services"},
        {"digital", "digital", "digital"},          {"lainnya", "lainnya", "other"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (strcmp(t[i][0], slug) == 0)
            return lang[0] == 'e' ? t[i][2] : t[i][1];
    return slug;
}

static long long count_of(json_t *counts, const char *code)
{
    return (long long)json_integer_value(json_object_get(counts, code));
}

/* Four classes from 1 to the largest count, by equal steps: hi[k] is the
 * top of class k (1..4); classes that would be empty collapse. */
static int class_of(long long n, const long long hi[5])
{
    if (n <= 0)
        return 0;
    for (int k = 1; k < 4; k++)
        if (n <= hi[k])
            return k;
    return 4;
}

typedef struct ranked {
    const char *name;
    long long n;
} ranked;

static int by_count(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->n != b->n)
        return a->n < b->n ? 1 : -1;
    return strcmp(a->name, b->name);
}

void gg_api__province_map(gg_api *a, gg_buf *b, json_t *counts, const char *lang)
{
    map_init(a);
    long long max = 0, total = 0;
    const char *k;
    json_t *v;
    json_object_foreach(counts, k, v)
    {
        long long n = (long long)json_integer_value(v);
        total += n;
        if (*k && n > max)
            max = n;
    }
    long long hi[5] = {0};
    for (int c = 1; c <= 4; c++)
        hi[c] = (max * c + 3) / 4; /* ceil(max * c / 4) */
    gg_buf_printf(b, "<section class=\"map\" id=\"map\"><h2>%s</h2>",
                  GG_T(lang, "Asal gagasan", "Where the ideas come from"));
    if (map.n > 0) {
        /* one image for assistive technology (the list below says the same
         * in words); each province's <title> shows on hover */
        gg_buf_printf(b, "<svg viewBox=\"%s\" role=\"img\" aria-label=\"%s\">", map.viewbox,
                      GG_T(lang, "Peta provinsi Indonesia, diwarnai menurut jumlah gagasan",
                           "Map of Indonesia's provinces, shaded by number of ideas"));
        for (int i = 0; i < map.n; i++) {
            long long n = count_of(counts, map.p[i].code);
            gg_buf_adds(b, map.p[i].path);
            gg_buf_printf(b, " class=\"m%d\"><title>", class_of(n, hi));
            gg_html_esc(b, map.p[i].name);
            gg_buf_printf(b, ": %lld %s</title></path>", n, GG_T(lang, "gagasan", "ideas"));
        }
        gg_buf_adds(b, "</svg><ul class=\"legend\">");
        gg_buf_printf(b, "<li><i class=\"m0\"></i>0</li>");
        for (int c = 1; c <= 4; c++) {
            if (hi[c] <= hi[c - 1])
                continue;
            if (hi[c] == hi[c - 1] + 1)
                gg_buf_printf(b, "<li><i class=\"m%d\"></i>%lld</li>", c, hi[c]);
            else
                gg_buf_printf(b, "<li><i class=\"m%d\"></i>%lld–%lld</li>", c, hi[c - 1] + 1,
                              hi[c]);
        }
        gg_buf_adds(b, "</ul>");
    }
    /* the same counts in words, most first: what a screen reader reads */
    ranked r[MAP_MAX + 1];
    size_t nr = 0;
    json_object_foreach(counts, k, v)
    {
        long long n = (long long)json_integer_value(v);
        if (*k == '\0' || n <= 0 || nr >= MAP_MAX)
            continue;
        const char *name = gg_api__region_name(a, k);
        r[nr++] = (ranked){name ? name : k, n};
    }
    qsort(r, nr, sizeof(r[0]), by_count);
    if (total == 0) {
        gg_buf_printf(b, "<p class=\"empty\">%s</p>",
                      GG_T(lang, "Belum ada gagasan yang diterima.", "No accepted ideas yet."));
    } else {
        gg_buf_adds(b, "<ol class=\"places\">");
        for (size_t i = 0; i < nr; i++) {
            gg_buf_adds(b, "<li>");
            gg_html_esc(b, r[i].name);
            gg_buf_printf(b, " <strong>%lld</strong></li>", r[i].n);
        }
        gg_buf_adds(b, "</ol>");
        long long unknown = count_of(counts, "");
        if (unknown > 0)
            gg_buf_printf(b, "<p class=\"hint\">%s: <strong>%lld</strong></p>",
                          GG_T(lang, "Gagasan tanpa wilayah yang diketahui",
                               "Ideas from no known region"),
                          unknown);
    }
    gg_buf_adds(b, "</section>");
}
