/*
 * lexicon.c — the process-wide word tables of the text layer (slang, known
 * formal words, stop words, stemmer exceptions), loaded from data files by
 * gg_text_init. Each table is an open-addressing hash over one string pool;
 * tables are written only while loading (before threads start), then read
 * without locks. Lines: `key<TAB>value`, `#` starts a comment line.
 */
#include "text/text_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <stdio.h>
#include <string.h>

typedef struct entry {
    uint32_t hash; /* 0 marks an empty slot */
    uint32_t koff, voff;
    uint16_t klen, vlen;
} entry;

typedef struct table {
    entry *slots;
    size_t nslots; /* power of two */
    size_t count;
} table;

static table g_tables[GG_TEXT__NTABLES];
static char *g_pool;
static size_t g_pool_len, g_pool_alloc;
static int g_ready;

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

static entry *find_slot(table *t, const char *k, size_t n, uint32_t h)
{
    size_t mask = t->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        entry *e = &t->slots[i];
        if (e->hash == 0)
            return e;
        if (e->hash == h && e->klen == n && memcmp(g_pool + e->koff, k, n) == 0)
            return e;
    }
}

static void table_grow(table *t)
{
    size_t old_n = t->nslots;
    entry *old = t->slots;
    t->nslots = old_n ? old_n * 2 : 1024;
    t->slots = gg_calloc(t->nslots, sizeof(entry));
    for (size_t i = 0; i < old_n; i++) {
        if (old[i].hash == 0)
            continue;
        entry *e = find_slot(t, g_pool + old[i].koff, old[i].klen, old[i].hash);
        *e = old[i];
    }
    gg_free(old);
}

/* Insert or replace; later lines win, so a local file can override. Keys
 * and values longer than 255 bytes are ignored (no word is that long). */
static void table_put(int which, const char *k, size_t kn, const char *v, size_t vn)
{
    table *t = &g_tables[which];
    if (kn == 0 || kn > 255 || vn > 255)
        return;
    if ((t->count + 1) * 2 > t->nslots)
        table_grow(t);
    uint32_t h = hash_of(k, kn);
    entry *e = find_slot(t, k, kn, h);
    if (e->hash == 0) {
        e->hash = h;
        e->koff = pool_add(k, kn);
        e->klen = (uint16_t)kn;
        t->count++;
    }
    e->voff = pool_add(v, vn);
    e->vlen = (uint16_t)vn;
}

const char *gg_text__lookup(int which, const char *w, size_t n, size_t *vlen)
{
    table *t = &g_tables[which];
    if (t->count == 0 || n == 0 || n > 255)
        return NULL;
    entry *e = find_slot(t, w, n, hash_of(w, n));
    if (e->hash == 0)
        return NULL;
    if (vlen)
        *vlen = e->vlen;
    return g_pool + e->voff;
}

int gg_text__has(int which, const char *w, size_t n)
{
    return gg_text__lookup(which, w, n, NULL) != NULL;
}

int gg_text__tables_ready(void)
{
    return g_ready;
}

static void tables_free(void)
{
    for (int i = 0; i < GG_TEXT__NTABLES; i++) {
        gg_free(g_tables[i].slots);
        memset(&g_tables[i], 0, sizeof(table));
    }
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
        if (tab) {
            kn = (size_t)(tab - line);
            v = tab + 1;
            vn = n - kn - 1;
        }
        while (kn > 0 && line[kn - 1] == ' ') /* tolerate stray spaces */
            kn--;
        switch (kind) {
        case KIND_SLANG:
            if (vn == 0 || (vn == kn && memcmp(k, v, kn) == 0)) {
                table_put(GG_TEXT__KNOWN, k, kn, "", 0);
            } else {
                table_put(GG_TEXT__SLANG, k, kn, v, vn);
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
    tables_free();
    rc = load_file(dir, "slang.tsv", KIND_SLANG);
    if (rc < 0)
        goto done;
    /* The other two are optional: without them nothing is removed or
     * corrected, which is still a correct (if rougher) result. */
    (void)load_file(dir, "stopwords-id.txt", KIND_STOP);
    (void)load_file(dir, "stem-exceptions.tsv", KIND_STEMX);
    g_ready = 1;
done:
    if (rc < 0)
        tables_free();
    return rc;
}
