/*
 * lexicon.c — the process-wide word tables of the text layer (slang, known
 * formal words, stop words, stemmer exceptions), loaded from data files by
 * gg_text_init. One open-addressing hash over one string pool holds every
 * word with flags for the tables it is in, so the hot path asks once per
 * word. Written only while loading (before threads start), then read
 * without locks. Lines: `key<TAB>value[<TAB>conditions]`, `#` starts a
 * comment line; conditions (slang only): "nocaps", "nonum".
 */
#include "text/text_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <stdio.h>
#include <string.h>

static gg_text__entry *g_slots;
static size_t g_nslots, g_count; /* g_nslots: power of two */
static char *g_pool;
static size_t g_pool_len, g_pool_alloc;
static int g_ready;
static uint32_t g_generation; /* bumped by every load: caches key on it */

/* FNV-1a: keys are short words, so a simple byte hash is as fast as any. */
static uint32_t hash_of(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h ? h : 1;
}

static uint32_t pool_add(const char *s, size_t n)
{
    if (g_pool_len + n + 1 > g_pool_alloc) {
        size_t na = g_pool_alloc ? g_pool_alloc * 2 : 65536;
        while (na < g_pool_len + n + 1)
            na *= 2;
        g_pool = gg_realloc(g_pool, na);
        g_pool_alloc = na;
    }
    uint32_t off = (uint32_t)g_pool_len;
    memcpy(g_pool + g_pool_len, s, n);
    g_pool[g_pool_len + n] = '\0';
    g_pool_len += n + 1;
    return off;
}

static gg_text__entry *find_slot(const char *k, size_t n, uint32_t h)
{
    size_t mask = g_nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        gg_text__entry *e = &g_slots[i];
        if (e->hash == 0)
            return e;
        if (e->hash == h && e->klen == n && memcmp(g_pool + e->koff, k, n) == 0)
            return e;
    }
}

static void table_grow(void)
{
    size_t old_n = g_nslots;
    gg_text__entry *old = g_slots;
    g_nslots = old_n ? old_n * 2 : 4096;
    g_slots = gg_calloc(g_nslots, sizeof(gg_text__entry));
    for (size_t i = 0; i < old_n; i++) {
        if (old[i].hash == 0)
            continue;
        *find_slot(g_pool + old[i].koff, old[i].klen, old[i].hash) = old[i];
    }
    gg_free(old);
}

/* Add key to table `which` (with a value for SLANG and STEMX); later lines
 * win, so a local file can override. Keys and values longer than 255 bytes
 * are ignored (no word is that long). */
static void table_put(int which, const char *k, size_t kn, const char *v, size_t vn)
{
    if (kn == 0 || kn > 255 || vn > 255)
        return;
    /* a load factor under 1/4 keeps probe chains short for misses, which
     * are most lookups */
    if ((g_count + 1) * 4 > g_nslots)
        table_grow();
    uint32_t h = hash_of(k, kn);
    gg_text__entry *e = find_slot(k, kn, h);
    if (e->hash == 0) {
        e->hash = h;
        e->koff = pool_add(k, kn);
        e->klen = (uint16_t)kn;
        g_count++;
    }
    e->flags |= (uint8_t)(1u << which);
    if (which == GG_TEXT__SLANG) {
        e->slang_off = pool_add(v, vn);
        e->slang_len = (uint16_t)vn;
    } else if (which == GG_TEXT__STEMX) {
        e->stem_off = pool_add(v, vn);
        e->stem_len = (uint16_t)vn;
    }
}

/* Add condition flags to an existing entry. */
static void flag_put(const char *k, size_t kn, uint8_t flags)
{
    gg_text__entry *e = find_slot(k, kn, hash_of(k, kn));
    if (e->hash)
        e->flags |= flags;
}

const gg_text__entry *gg_text__get(const char *w, size_t n)
{
    if (g_count == 0 || n == 0 || n > 255)
        return NULL;
    gg_text__entry *e = find_slot(w, n, hash_of(w, n));
    return e->hash ? e : NULL;
}

const char *gg_text__str(uint32_t off)
{
    return g_pool + off;
}

const char *gg_text__lookup(int which, const char *w, size_t n, size_t *vlen)
{
    const gg_text__entry *e = gg_text__get(w, n);
    if (!e || !(e->flags & (1u << which)))
        return NULL;
    if (which == GG_TEXT__SLANG) {
        if (vlen)
            *vlen = e->slang_len;
        return g_pool + e->slang_off;
    }
    if (which == GG_TEXT__STEMX) {
        if (vlen)
            *vlen = e->stem_len;
        return g_pool + e->stem_off;
    }
    if (vlen)
        *vlen = 0;
    return "";
}

int gg_text__has(int which, const char *w, size_t n)
{
    return gg_text__lookup(which, w, n, NULL) != NULL;
}

int gg_text__tables_ready(void)
{
    return g_ready;
}

uint32_t gg_text__tables_generation(void)
{
    return g_generation;
}

static void tables_free(void)
{
    gg_free(g_slots);
    g_slots = NULL;
    g_nslots = g_count = 0;
    gg_free(g_pool);
    g_pool = NULL;
    g_pool_len = g_pool_alloc = 0;
    g_ready = 0;
}

/* Every space-separated word of a formal value is a known formal word. */
static void add_known_words(const char *v, size_t vn)
{
    size_t i = 0;
    while (i < vn) {
        while (i < vn && (v[i] == ' ' || v[i] == '-'))
            i++;
        size_t s = i;
        while (i < vn && v[i] != ' ' && v[i] != '-')
            i++;
        if (i > s)
            table_put(GG_TEXT__KNOWN, v + s, i - s, "", 0);
    }
    if (memchr(v, '-', vn)) /* "anak-anak" as a whole, too */
        table_put(GG_TEXT__KNOWN, v, vn, "", 0);
}

/* English function words for the language vote of the slang rules: none
 * of them is an Indonesian word, so a post full of them is English. */
static void add_english(void)
{
    static const char *const en[] = {
        "the",  "and",   "is",     "are",   "was",   "were", "you",  "your", "to",    "of",
        "in",   "for",   "this",   "that",  "with",  "it",   "its",  "my",   "we",    "our",
        "they", "their", "have",   "has",   "not",   "on",   "what", "will", "can",   "be",
        "from", "would", "should", "there", "about", "just", "but",  "if",   "or",    "do",
        "does", "an",    "by",     "how",   "why",   "when", "who",  "been", "which", "than"};
    for (size_t i = 0; i < sizeof en / sizeof en[0]; i++) {
        size_t n = strlen(en[i]);
        if ((g_count + 1) * 4 > g_nslots)
            table_grow();
        uint32_t h = hash_of(en[i], n);
        gg_text__entry *e = find_slot(en[i], n, h);
        if (e->hash == 0) {
            e->hash = h;
            e->koff = pool_add(en[i], n);
            e->klen = (uint16_t)n;
            g_count++;
        }
        e->flags |= GG_TEXT__F_EN;
    }
}

enum { KIND_SLANG, KIND_STOP, KIND_STEMX };

/* Read one table file. Returns 0, or GG_EIO when it cannot be opened. */
static int load_file(const char *dir, const char *name, int kind)
{
    char path[4096];
    char line[1024];
    FILE *f = NULL;
    int rc = 0;

    if ((size_t)snprintf(path, sizeof path, "%s/lexicon/%s", dir, name) >= sizeof path)
        return GG_EIO;
    f = fopen(path, "r");
    if (!f) {
        rc = GG_EIO;
        goto done;
    }
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char *tab = memchr(line, '\t', n);
        const char *k = line, *v = "";
        size_t kn = n, vn = 0;
        uint8_t extra = 0;
        if (tab) {
            kn = (size_t)(tab - line);
            v = tab + 1;
            vn = n - kn - 1;
            /* optional third column: conditions, "nocaps" and/or "nonum" */
            char *tab2 = memchr(v, '\t', vn);
            if (tab2) {
                *tab2 = '\0';
                if (strstr(tab2 + 1, "nocaps"))
                    extra |= GG_TEXT__F_NOCAPS;
                if (strstr(tab2 + 1, "nonum"))
                    extra |= GG_TEXT__F_NONUM;
                vn = (size_t)(tab2 - v);
            }
        }
        while (kn > 0 && line[kn - 1] == ' ') /* tolerate stray spaces */
            kn--;
        switch (kind) {
        case KIND_SLANG:
            if (vn == 0 || (vn == kn && memcmp(k, v, kn) == 0)) {
                table_put(GG_TEXT__KNOWN, k, kn, "", 0);
            } else {
                table_put(GG_TEXT__SLANG, k, kn, v, vn);
                if (extra)
                    flag_put(k, kn, extra);
                add_known_words(v, vn);
            }
            break;
        case KIND_STOP:
            table_put(GG_TEXT__STOP, k, kn, "", 0);
            table_put(GG_TEXT__KNOWN, k, kn, "", 0);
            break;
        case KIND_STEMX:
            if (vn > 0)
                table_put(GG_TEXT__STEMX, k, kn, v, vn);
            break;
        }
    }
done:
    if (f)
        fclose(f);
    return rc;
}

int gg_text__tables_load(const char *dir)
{
    int rc;
    char path[4096];
    FILE *probe;

    /* A bad directory leaves the tables already loaded in place. */
    if ((size_t)snprintf(path, sizeof path, "%s/lexicon/slang.tsv", dir) >= sizeof path)
        return GG_EIO;
    probe = fopen(path, "r");
    if (!probe)
        return GG_EIO;
    fclose(probe);
    tables_free();
    g_generation++;
    rc = load_file(dir, "slang.tsv", KIND_SLANG);
    if (rc < 0)
        goto done;
    /* The other two are optional: without them nothing is removed or
     * corrected, which is still a correct (if rougher) result. */
    (void)load_file(dir, "stopwords-id.txt", KIND_STOP);
    (void)load_file(dir, "stem-exceptions.tsv", KIND_STEMX);
    add_english();
    g_ready = 1;
done:
    if (rc < 0)
        tables_free();
    return rc;
}
