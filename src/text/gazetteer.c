/*
 * gazetteer.c — region mentions -> Kemendagri codes and DPR RI dapil (text
 * layer). Tables are loaded once into flat arrays and three open-addressing
 * string tables (alias by normalized words, alias by hashtag key, kecamatan
 * by name); gg_geo_find only reads them, so it is thread-safe. A find scans
 * the text once into bitmaps and a lower-cased copy (SSE2 where there is
 * one), reads the ASCII word tokens off them, makes one left-to-right pass
 * over the tokens a cheap test lets through, longest n-gram first, then a
 * resolution pass that uses the other mentions as context.
 */
#include "text/gazetteer.h"
#include "core/alloc.h"
#include "core/err.h"
#include <assert.h>
#include <ctype.h>
#include <strings.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#define XXH_INLINE_ALL /* the same hashes; short keys cost no library call */
#include <xxhash.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define F_CUE 1   /* bare form needs a cue */
#define F_MULTI 2 /* member of a multi-unit region */
#define F_LOWER 4 /* a cue word (di/ke/dari) suffices even in lower case */
#define MAX_NGRAM 8
#define KEY_MAX 128
#define MAX_CTX 64 /* distinct settled units used as context */
#define WMAX 16    /* the longest word of a word list (finding) */
#define GEO_WSLOTS 128

typedef struct unit {
    char code[16];   /* dotted */
    char plain[12];
    uint8_t level;   /* gg_geo_level */
    uint8_t is_kota;
    int32_t parent, prov, dapil; /* indexes or -1 */
    char *name;
} unit;

typedef struct dapil {
    char code[8];
    char *name;
    char prov[4];  /* province code, plain */
} dapil;

/* One slot of a string table: all a probe and a hit read, in half a cache
 * line (two slots a line), a key of up to SK_IN bytes in place: a hit
 * reads this line and the values, not four arrays and the key elsewhere. */
#define SK_IN 16
typedef struct sslot {
    uint64_t h;     /* khash of the key; 0 = empty */
    uint32_t first; /* its values: vunit[first], vflags[first], count of them */
    uint16_t count;
    uint16_t klen;
    union {
        char in[SK_IN];  /* klen <= SK_IN */
        const char *out; /* else: borrowed (g->text) */
    } k;
} sslot;
_Static_assert(sizeof(sslot) == 32, "two slots a cache line");

static inline const char *skey(const sslot *e)
{
    return e->klen <= SK_IN ? e->k.in : e->k.out;
}

/* string -> list of (unit, flags) */
typedef struct stab {
    sslot *sl;         /* slots, 64-byte aligned in sl_mem */
    void *sl_mem;
    uint64_t *bloom;   /* two bits per key, from the hash, in one 512-bit block
                          (a cache line; 64-byte aligned in bloom_mem): most
                          misses end here, with one line read of a few KiB,
                          not with a cache miss in the slots */
    void *bloom_mem;
    uint64_t bmask;    /* bits - 1 */
    size_t slots;
    int32_t *vunit;
    uint8_t *vflags;
    size_t nval;
} stab;

struct gg_geo {
    char *text[5];        /* the tables' files, read whole and split in place,
                             and the kecamatan keys: every name and key points
                             into them (no string of its own) */
    unit *units;
    size_t nunits;
    dapil *dapils;
    size_t ndapils;
    int32_t *prov_dapil;  /* per unit: the only dapil of a province, or -1 */
    stab by_code, alias, alias_key, kec;
    stab dapil_alias;     /* "dapil jabar v" -> dapil index (in vunit) */
    stab starts;          /* every string prefix of an alias key: a token that is
                             not one cannot begin an alias (skips most lookups) */
    uint64_t start3[(36 * 36 * 36 + 63) / 64]; /* bit: some key of `starts` begins with
                             these three letters/digits; a token of 3+ bytes
                             without its bit starts no alias (no key, no probe),
                             and a token of 3 bytes with it is a start */
    uint64_t start12[(37 * 37 + 63) / 64]; /* bit: this one or two letters/digits
                             are a key of `starts` (tok12_index) */
    uint64_t start4[(1u << 15) / 64]; /* bit quad_index(k): some key of `starts`
                             begins with these four bytes (a hash: several
                             fours share a bit, so a set bit still probes) */
    uint64_t tail4[(1u << 17) / 64]; /* bit tail_index(k, n): some key of `starts`
                             of n bytes ends with these four (a hash too). 4 + 16
                             KiB: tested at random for most tokens, they stay in
                             L2 better than 8 + 32 KiB did, and let by 1 % more
                             tokens (28,755 of 316,487 bench tokens of 4+ bytes,
                             22,458 of them starts) */
    uint64_t alias12[(37 * 37 + 63) / 64]; /* bit: an `alias` key of these one or two
                             letters/digits (tok12_index) */
    uint64_t alias3[(36 * 36 * 36 + 63) / 64]; /* bit: an `alias` key of these three */
    uint64_t lead3[(36 * 36 * 36 + 63) / 64]; /* bit: a level prefix word or "dapil"
                             begins with these three (tri_index) */
    int max_ngram;
    int glued_keys;       /* every alias key is its name without spaces: a phrase
                             whose glued form is no prefix of a key ends the
                             n-gram search (checked at load) */
    struct wslot {        /* the words of the finder's word lists (tok_words):
                             up to WMAX bytes as two loads, len 0 = empty */
        uint64_t lo, hi;
        uint16_t bits;
        uint8_t len;
    } wtab[GEO_WSLOTS];
};

/* ---- string tables ------------------------------------------------------- */

typedef struct entry {
    const char *key; /* borrowed: in g->text */
    uint32_t klen;
    int32_t unit;
    uint8_t flags;
} entry;

typedef struct entries {
    entry *v;
    size_t n, cap;
} entries;

static void entries_add(entries *e, const char *key, size_t klen, int32_t u, uint8_t flags)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 1024;
        e->v = gg_realloc(e->v, e->cap * sizeof *e->v);
    }
    e->v[e->n].key = key;
    e->v[e->n].klen = (uint32_t)klen;
    e->v[e->n].unit = u;
    e->v[e->n].flags = flags;
    e->n++;
}

static uint64_t khash(const char *k, size_t n)
{
    uint64_t h = XXH3_64bits(k, n);
    return h ? h : 1;
}

/* Index of the first three bytes of k when all are ASCII letters (either
 * case) or digits, else -1: the bit of g->start3 that stands for them. */
/* 1 + the base-36 digit of a byte (letters either case), 0 for any other */
static const uint8_t d36[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
    ['f'] = 16, ['g'] = 17, ['h'] = 18, ['i'] = 19, ['j'] = 20, ['k'] = 21, ['l'] = 22,
    ['m'] = 23, ['n'] = 24, ['o'] = 25, ['p'] = 26, ['q'] = 27, ['r'] = 28, ['s'] = 29,
    ['t'] = 30, ['u'] = 31, ['v'] = 32, ['w'] = 33, ['x'] = 34, ['y'] = 35, ['z'] = 36,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16, ['G'] = 17,
    ['H'] = 18, ['I'] = 19, ['J'] = 20, ['K'] = 21, ['L'] = 22, ['M'] = 23, ['N'] = 24,
    ['O'] = 25, ['P'] = 26, ['Q'] = 27, ['R'] = 28, ['S'] = 29, ['T'] = 30, ['U'] = 31,
    ['V'] = 32, ['W'] = 33, ['X'] = 34, ['Y'] = 35, ['Z'] = 36,
};

static inline int tri_index(const char *k)
{
    const unsigned char *u = (const unsigned char *)k;
    int a = d36[u[0]], b = d36[u[1]], c = d36[u[2]];
    if (!a || !b || !c)
        return -1;
    return ((a - 1) * 36 + (b - 1)) * 36 + (c - 1);
}

/* Bit of g->start4 for the first four bytes at k. */
static inline unsigned quad_index(const char *k)
{
    uint32_t x;
    memcpy(&x, k, 4);
    return (x * 0x9e3779b1u) >> (32 - 15);
}

/* Bit of g->tail4 for the last four bytes of the n (>= 4) bytes at k. */
static inline unsigned tail_index(const char *k, size_t n)
{
    uint32_t x;
    memcpy(&x, k + n - 4, 4);
    return ((x ^ (uint32_t)n * 0x85ebca6bu) * 0x9e3779b1u) >> (32 - 17);
}

/* May the n (>= 4) bytes at k be a key of `starts`? 0: surely not (no key
 * begins with their first four bytes, or none of n bytes ends with their
 * last four), 1: probe. */
static inline int maybe_start(const gg_geo *g, const char *k, size_t n)
{
    unsigned q = quad_index(k), r = tail_index(k, n);
    return (g->start4[q >> 6] >> (q & 63) & 1) && (g->tail4[r >> 6] >> (r & 63) & 1);
}

/* Index of a key of one or two letters/digits (either case) in start12,
 * or -1 for any other byte. */
static int tok12_index(const char *k, size_t n)
{
    const unsigned char *u = (const unsigned char *)k;
    int a = d36[u[0]], b = n > 1 ? d36[u[1]] : 0;
    if (!a || (n > 1 && !b))
        return -1;
    return a * 37 + b;
}

/* An empty table for up to n keys and nval values (zeroed; slots at least
 * twice the keys, a bloom filter of 16 bits a key). */
static void stab_alloc(stab *t, size_t n, size_t nval)
{
    t->slots = 64;
    while (t->slots < n * 2)
        t->slots *= 2;
    t->sl_mem = gg_calloc(t->slots + 2, sizeof *t->sl);
    t->sl = (sslot *)(((uintptr_t)t->sl_mem + 63) & ~(uintptr_t)63);
    t->vunit = gg_calloc(nval, sizeof *t->vunit);
    t->vflags = gg_calloc(nval, sizeof *t->vflags);
    t->nval = 0;
    size_t bits = 1024;
    while (bits < n * 16)
        bits *= 2;
    t->bloom_mem = gg_calloc(bits / 64 + 8, sizeof *t->bloom);
    t->bloom = (uint64_t *)(((uintptr_t)t->bloom_mem + 63) & ~(uintptr_t)63);
    t->bmask = bits - 1;
}

/* The bloom block of hash h (its low bits) and the two bits in it (two
 * fields of its high bits): the two tests read one cache line, where two
 * bits anywhere read two (on a hit, and on a miss the first bit let by). */
static inline uint64_t *bloom_block(const stab *t, uint64_t h)
{
    return t->bloom + ((h & t->bmask) >> 9) * 8;
}
#define BLOOM_A(h) ((unsigned)((h) >> 40) & 511)
#define BLOOM_B(h) ((unsigned)((h) >> 52) & 511)

static inline void bloom_add(stab *t, uint64_t h)
{
    uint64_t *b = bloom_block(t, h);
    unsigned a = BLOOM_A(h), c = BLOOM_B(h);
    b[a >> 6] |= 1ull << (a & 63);
    b[c >> 6] |= 1ull << (c & 63);
}

static inline int bloom_may(const stab *t, uint64_t h)
{
    const uint64_t *b = bloom_block(t, h);
    unsigned a = BLOOM_A(h), c = BLOOM_B(h);
    return (b[a >> 6] >> (a & 63) & 1) && (b[c >> 6] >> (c & 63) & 1);
}

/* Fill the empty slot e with key k[0..n), whose khash is h, and its bloom bits. */
static void stab_put(stab *t, sslot *e, const char *k, size_t n, uint64_t h)
{
    assert(n <= UINT16_MAX);
    e->h = h;
    e->klen = (uint16_t)n;
    if (n <= SK_IN)
        memcpy(e->k.in, k, n);
    else
        e->k.out = k;
    bloom_add(t, h);
}

/* Build a table from entries (consumed; the keys stay where they are and
 * must outlive the table). A key's values are its entries' units in
 * ascending order, one per unit (the flags of its entries or'ed). The
 * entries are grouped by hashing them in, not by sorting (qsort of the
 * ~16,000 names was a third of the gazetteer's start-up): a key's entries
 * are chained in input order, then its few units sorted on their own. */
static void stab_build(stab *t, entries *e)
{
    stab_alloc(t, e->n, e->n + 1);
    /* next[i]: the next entry of i's key; tail[s]: the last entry of slot s */
    uint32_t *next = gg_malloc((e->n + 1) * sizeof *next);
    uint32_t *tail = gg_malloc(t->slots * sizeof *tail);
    entry *grp = NULL;
    size_t gcap = 0;
    for (size_t i = 0; i < e->n; i++) {
        const entry *v = &e->v[i];
        uint64_t h = khash(v->key, v->klen);
        size_t s = (size_t)h & (t->slots - 1);
        sslot *sl = t->sl;
        while (sl[s].h && !(sl[s].h == h && sl[s].klen == v->klen &&
                            memcmp(skey(&sl[s]), v->key, v->klen) == 0))
            s = (s + 1) & (t->slots - 1);
        next[i] = UINT32_MAX;
        if (sl[s].h) { /* a key met before: chain the entry */
            next[tail[s]] = (uint32_t)i;
            tail[s] = (uint32_t)i;
            sl[s].count++;
            continue;
        }
        stab_put(t, &sl[s], v->key, v->klen, h);
        sl[s].first = (uint32_t)i; /* the chain's head until the values are laid out */
        sl[s].count = 1;
        tail[s] = (uint32_t)i;
    }
    for (size_t s = 0; s < t->slots; s++) {
        sslot *sp = &t->sl[s];
        if (!sp->h)
            continue;
        size_t n = 0;
        if (sp->count > gcap) {
            gcap = sp->count;
            grp = gg_realloc(grp, gcap * sizeof *grp);
        }
        for (uint32_t i = sp->first; i != UINT32_MAX; i = next[i]) {
            /* insertion by unit, stable (one key has a few entries) */
            size_t k = n++;
            for (; k > 0 && grp[k - 1].unit > e->v[i].unit; k--)
                grp[k] = grp[k - 1];
            grp[k] = e->v[i];
        }
        sp->first = (uint32_t)t->nval;
        for (size_t j = 0; j < n; j++) {
            /* the same unit twice under one key (two spellings) counts once */
            if (j == 0 || grp[j].unit != grp[j - 1].unit) {
                t->vunit[t->nval] = grp[j].unit;
                t->vflags[t->nval] = grp[j].flags;
                t->nval++;
            } else {
                t->vflags[t->nval - 1] |= grp[j].flags;
            }
        }
        sp->count = (uint16_t)(t->nval - sp->first);
    }
    gg_free(grp);
    gg_free(tail);
    gg_free(next);
    gg_free(e->v);
    memset(e, 0, sizeof *e);
}

/* Slot of key, whose khash is h, or -1. */
static long stab_get_h(const stab *t, const char *k, size_t n, uint64_t h)
{
    if (t->slots == 0)
        return -1;
    if (!bloom_may(t, h))
        return -1;
    size_t s = (size_t)h & (t->slots - 1);
    const sslot *sl = t->sl;
    while (sl[s].h) {
        if (sl[s].h == h && sl[s].klen == n && memcmp(skey(&sl[s]), k, n) == 0)
            return (long)s;
        s = (s + 1) & (t->slots - 1);
    }
    return -1;
}

/* Slot of key, or -1. */
static long stab_get(const stab *t, const char *k, size_t n)
{
    return t->slots == 0 ? -1 : stab_get_h(t, k, n, khash(k, n));
}

/* The table of every prefix of every key of `keys` (one value, unit 0, per
 * prefix: only a prefix's presence is asked). The prefixes are hashed in
 * directly, with no entries, copies or sort (the alias keys have ~28,000
 * prefixes: sorting them was a third of the gazetteer's start-up); its
 * keys point into keys' strings (not NUL-terminated: the table compares
 * lengths and bytes), so `keys` must outlive it. */
static void starts_build(stab *t, const stab *keys)
{
    size_t total = 0;
    for (size_t k = 0; k < keys->slots; k++)
        if (keys->sl[k].h)
            total += keys->sl[k].klen;
    memset(t, 0, sizeof *t);
    stab_alloc(t, total, 1);
    t->nval = 1;
    for (size_t k = 0; k < keys->slots; k++) {
        if (!keys->sl[k].h)
            continue;
        const char *p = skey(&keys->sl[k]);
        for (uint32_t l = 1; l <= keys->sl[k].klen; l++) {
            uint64_t h = khash(p, l);
            size_t s = (size_t)h & (t->slots - 1);
            sslot *sl = t->sl;
            while (sl[s].h && !(sl[s].h == h && sl[s].klen == l && memcmp(skey(&sl[s]), p, l) == 0))
                s = (s + 1) & (t->slots - 1);
            if (sl[s].h)
                continue; /* a prefix met before */
            /* a prefix of more than SK_IN bytes points into its key, which
             * keys borrows from g->text: never into keys' slots */
            stab_put(t, &sl[s], l <= SK_IN ? p : keys->sl[k].k.out, l, h);
            sl[s].count = 1;
        }
    }
}

static void stab_dispose(stab *t)
{
    gg_free(t->sl_mem); /* the long keys are borrowed (g->text) */
    gg_free(t->bloom_mem);
    gg_free(t->vunit);
    gg_free(t->vflags);
}

/* ---- loading -------------------------------------------------------------- */

/* Split a line on tabs in place; returns the field count. */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

static FILE *open_table(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/geo/%s", dir ? dir : "data", name);
    return fopen(path, "rb");
}

/* Which of g->text holds what */
enum { TX_DAPIL, TX_REGIONS, TX_KEC, TX_ALIASES, TX_DAPIL_ALIASES };

/* Read the table `name` whole into g->text[which], NUL-terminated: one read
 * instead of a call a line, and its names and keys are used where they lie
 * instead of copied one malloc each. */
static int read_table(gg_geo *g, const char *dir, const char *name, int which, size_t *len_out)
{
    FILE *f = open_table(dir, name);
    if (!f)
        return GG_EIO;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 1u << 16;
            buf = gg_realloc(buf, cap);
        }
        size_t r = fread(buf + len, 1, cap - len - 1, f);
        if (r == 0)
            break;
        len += r;
    }
    int bad = ferror(f);
    fclose(f);
    buf[len] = '\0';
    g->text[which] = buf; /* freed by gg_geo_close, on error too */
    if (len_out)
        *len_out = len;
    return bad ? GG_EIO : 0;
}

/* The next line at *pp, cut off (NUL-terminated in place, the newline and
 * any CR before it dropped), or NULL at the end of the text. */
static char *next_line(char **pp)
{
    char *l = *pp;
    if (!*l)
        return NULL;
    char *nl = strchr(l, '\n');
    char *e = nl ? nl : l + strlen(l);
    *pp = nl ? nl + 1 : e;
    while (e > l && (e[-1] == '\n' || e[-1] == '\r'))
        e--;
    *e = '\0';
    return l;
}

/* Normalized form as in aliases.tsv: lower case, punctuation -> one space. */
static size_t norm_name(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    int sp = 0;
    for (; *s && n + 2 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        /* ASCII tests, as isalnum and tolower in the C locale gagas runs in */
        if (d36[c] || c >= 0x80) {
            if (sp && n)
                out[n++] = ' ';
            sp = 0;
            out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        } else {
            sp = 1;
        }
    }
    out[n] = '\0';
    return n;
}

static int32_t unit_by_plain(const gg_geo *g, const char *plain)
{
    long s = stab_get(&g->by_code, plain, strlen(plain));
    return s < 0 ? -1 : g->by_code.vunit[g->by_code.sl[s].first];
}

/* Index of the dapil of code `code` (the last with it), or -1. *memo keeps
 * the last answer: the tables list a dapil's rows together, and 84 string
 * compares a row were most of the dapil lookups' cost. */
static int32_t dapil_by_code(const gg_geo *g, const char *code, int32_t *memo)
{
    if (*memo >= 0 && strcmp(g->dapils[*memo].code, code) == 0)
        return *memo;
    int32_t d = -1;
    for (size_t i = 0; i < g->ndapils; i++)
        if (strcmp(g->dapils[i].code, code) == 0)
            d = (int32_t)i;
    if (d >= 0)
        *memo = d;
    return d;
}

static void dot_code(const char *plain, char *out)
{
    size_t n = strlen(plain), o = 0;
    for (size_t i = 0; i < n && o + 2 < 16; i++) {
        /* 2 digits province, 2 kab/kota, 2 kecamatan, 4 desa */
        if (i == 2 || i == 4 || i == 6)
            out[o++] = '.';
        out[o++] = plain[i];
    }
    out[o] = '\0';
}

static int load_regions(gg_geo *g, const char *dir)
{
    /* each unit's parent and dapil code until the tables are built (codes
     * are short: a longer one is an error) */
    typedef char code16[16];
    code16 *parent = NULL, *dapilc = NULL;
    size_t cap = 0, tlen, kat = 0;
    entries codes = {0}, kec = {0};
    char *line, *at;
    int rc = read_table(g, dir, "regions.tsv", TX_REGIONS, &tlen);
    if (rc != 0)
        return rc;
    /* the kecamatan keys (no longer than their lines) */
    char *kpool = g->text[TX_KEC] = gg_malloc(tlen + 1);
    at = g->text[TX_REGIONS];
    while ((line = next_line(&at)) != NULL) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *fl[6];
        if (split_tabs(line, fl, 6) != 6 || strlen(fl[0]) >= sizeof g->units[0].plain ||
            strlen(fl[2]) >= sizeof parent[0] || strlen(fl[5]) >= sizeof dapilc[0]) {
            rc = GG_EINVAL;
            goto done;
        }
        if (g->nunits == cap) {
            cap = cap ? cap * 2 : 8192;
            g->units = gg_realloc(g->units, cap * sizeof *g->units);
            parent = gg_realloc(parent, cap * sizeof *parent);
            dapilc = gg_realloc(dapilc, cap * sizeof *dapilc);
        }
        unit *u = &g->units[g->nunits];
        memset(u, 0, sizeof *u);
        memcpy(u->plain, fl[0], strlen(fl[0]) + 1); /* fits: checked above */
        dot_code(u->plain, u->code);
        u->level = strcmp(fl[1], "provinsi") == 0 ? GG_GEO_PROVINSI
                   : strcmp(fl[1], "kecamatan") == 0 ? GG_GEO_KECAMATAN : GG_GEO_KABKOTA;
        u->is_kota = strcmp(fl[1], "kota") == 0;
        u->name = fl[3];
        memcpy(parent[g->nunits], fl[2], strlen(fl[2]) + 1);
        memcpy(dapilc[g->nunits], fl[5], strlen(fl[5]) + 1);
        entries_add(&codes, fl[0], strlen(fl[0]), (int32_t)g->nunits, 0);
        if (u->level == GG_GEO_KECAMATAN) {
            char k[KEY_MAX];
            size_t kn = norm_name(fl[4], k, sizeof k), w = 0;
            for (size_t r = 0; r < kn; r++) /* glued: "Muara Gembong" = "Muaragembong" */
                if (k[r] != ' ')
                    k[w++] = k[r];
            k[w] = '\0';
            kn = w;
            if (kn) {
                memcpy(kpool + kat, k, kn);
                entries_add(&kec, kpool + kat, kn, (int32_t)g->nunits, 0);
                kat += kn;
            }
        }
        g->nunits++;
    }
    stab_build(&g->by_code, &codes);
    stab_build(&g->kec, &kec);
    for (size_t i = 0; i < g->nunits; i++) {
        unit *u = &g->units[i];
        u->parent = *parent[i] ? unit_by_plain(g, parent[i]) : -1;
        u->dapil = -1;
        u->prov = u->level == GG_GEO_PROVINSI ? (int32_t)i : -1;
    }
    /* parents come before children in code order, so one pass finds provinces */
    for (size_t i = 0; i < g->nunits; i++) {
        unit *u = &g->units[i];
        if (u->parent >= 0)
            u->prov = g->units[u->parent].prov;
    }
    g->prov_dapil = gg_malloc(g->nunits * sizeof *g->prov_dapil);
    /* dapil codes are resolved after dapil.tsv is read: keep them for now */
    int32_t dmemo = -1;
    for (size_t i = 0; i < g->nunits; i++) {
        g->prov_dapil[i] = -1;
        g->units[i].dapil = -1;
        if (*dapilc[i]) {
            g->units[i].dapil = dapil_by_code(g, dapilc[i], &dmemo);
            if (g->units[i].dapil < 0) {
                rc = GG_EINVAL;
                goto done;
            }
        }
    }
    /* kecamatan take their kab/kota's dapil; provinces with one dapil get it */
    for (size_t i = 0; i < g->nunits; i++) {
        unit *u = &g->units[i];
        if (u->level == GG_GEO_KECAMATAN && u->parent >= 0)
            u->dapil = g->units[u->parent].dapil;
        if (u->level == GG_GEO_KABKOTA && u->dapil >= 0 && u->prov >= 0) {
            int32_t *pd = &g->prov_dapil[u->prov];
            *pd = *pd == -1 ? u->dapil : *pd == u->dapil ? *pd : -2;
        }
    }
done:
    if (codes.v) /* error before the tables were built: they take the keys */
        stab_build(&g->by_code, &codes);
    if (kec.v)
        stab_build(&g->kec, &kec);
    gg_free(parent);
    gg_free(dapilc);
    return rc;
}

static int load_dapils(gg_geo *g, const char *dir)
{
    size_t cap = 0;
    char *line, *at;
    int rc = read_table(g, dir, "dapil.tsv", TX_DAPIL, NULL);
    if (rc != 0)
        return rc;
    at = g->text[TX_DAPIL];
    while ((line = next_line(&at)) != NULL) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *fl[4];
        if (split_tabs(line, fl, 4) != 4 || strlen(fl[0]) >= sizeof g->dapils[0].code)
            return GG_EINVAL;
        if (g->ndapils == cap) {
            cap = cap ? cap * 2 : 128;
            g->dapils = gg_realloc(g->dapils, cap * sizeof *g->dapils);
        }
        if (strlen(fl[2]) >= sizeof g->dapils[0].prov)
            return GG_EINVAL;
        snprintf(g->dapils[g->ndapils].code, sizeof g->dapils[0].code, "%s", fl[0]);
        snprintf(g->dapils[g->ndapils].prov, sizeof g->dapils[0].prov, "%s", fl[2]);
        g->dapils[g->ndapils].name = fl[1];
        g->ndapils++;
    }
    return 0;
}

static int load_aliases(gg_geo *g, const char *dir)
{
    entries byn = {0}, byk = {0};
    char *line, *at;
    int rc = read_table(g, dir, "aliases.tsv", TX_ALIASES, NULL);
    if (rc != 0)
        return rc;
    g->glued_keys = 1;
    at = g->text[TX_ALIASES];
    while ((line = next_line(&at)) != NULL) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *fl[4];
        int32_t u;
        if (split_tabs(line, fl, 4) != 4 || (u = unit_by_plain(g, fl[2])) < 0) {
            gg_free(byn.v);
            gg_free(byk.v);
            return GG_EINVAL;
        }
        uint8_t flags = (strchr(fl[3], 'c') ? F_CUE : 0) | (strchr(fl[3], 'm') ? F_MULTI : 0) |
                        (strchr(fl[3], 'l') ? F_LOWER : 0);
        entries_add(&byn, fl[0], strlen(fl[0]), u, flags);
        const char *a = fl[0], *b = fl[1];
        for (; *a; a++)
            if (*a != ' ' && *a != *b++)
                break;
        if (*a || *b)
            g->glued_keys = 0;
        entries_add(&byk, fl[1], strlen(fl[1]), u, flags);
        int words = 1;
        for (const char *p = fl[0]; *p; p++)
            words += *p == ' ';
        if (words > g->max_ngram)
            g->max_ngram = words < MAX_NGRAM ? words : MAX_NGRAM;
    }
    stab_build(&g->alias, &byn);
    stab_build(&g->alias_key, &byk);
    starts_build(&g->starts, &g->alias_key);
    for (size_t k = 0; k < g->starts.slots; k++) {
        if (!g->starts.sl[k].h)
            continue;
        size_t kl = g->starts.sl[k].klen;
        const char *key = skey(&g->starts.sl[k]);
        int b = kl >= 3 ? tri_index(key) : tok12_index(key, kl);
        if (b >= 0 && kl >= 3)
            g->start3[b >> 6] |= 1ull << (b & 63);
        else if (b >= 0)
            g->start12[b >> 6] |= 1ull << (b & 63);
        if (kl >= 4) {
            unsigned q = quad_index(key), r = tail_index(key, kl);
            g->start4[q >> 6] |= 1ull << (q & 63);
            g->tail4[r >> 6] |= 1ull << (r & 63);
        }
    }
    for (size_t k = 0; k < g->alias.slots; k++) {
        if (!g->alias.sl[k].h || g->alias.sl[k].klen > 3)
            continue;
        size_t kl = g->alias.sl[k].klen;
        const char *key = g->alias.sl[k].k.in;
        int b = kl == 3 ? tri_index(key) : tok12_index(key, kl);
        if (b >= 0 && kl == 3)
            g->alias3[b >> 6] |= 1ull << (b & 63);
        else if (b >= 0)
            g->alias12[b >> 6] |= 1ull << (b & 63);
    }
    return 0;
}

static int load_dapil_aliases(gg_geo *g, const char *dir)
{
    entries e = {0};
    char *line, *at;
    int32_t dmemo = -1;
    int rc = read_table(g, dir, "dapil_aliases.tsv", TX_DAPIL_ALIASES, NULL);
    if (rc != 0)
        return rc;
    at = g->text[TX_DAPIL_ALIASES];
    while ((line = next_line(&at)) != NULL) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *fl[2];
        int32_t d = -1;
        if (split_tabs(line, fl, 2) == 2)
            d = dapil_by_code(g, fl[1], &dmemo);
        if (d < 0) {
            rc = GG_EINVAL;
            break;
        }
        entries_add(&e, fl[0], strlen(fl[0]), d, 0);
    }
    stab_build(&g->dapil_alias, &e); /* on error too: it frees the entries */
    return rc;
}

static void words_build(gg_geo *g);

int gg_geo_open(gg_geo **out, const char *data_dir)
{
    int rc;
    gg_geo *g = gg_calloc(1, sizeof *g);
    *out = NULL;
    if ((rc = load_dapils(g, data_dir)) != 0)
        goto done;
    if ((rc = load_regions(g, data_dir)) != 0)
        goto done;
    if ((rc = load_aliases(g, data_dir)) != 0)
        goto done;
    if ((rc = load_dapil_aliases(g, data_dir)) != 0)
        goto done;
    words_build(g);
    *out = g;
    g = NULL;
done:
    gg_geo_close(g);
    return rc;
}

void gg_geo_close(gg_geo *g)
{
    if (g == NULL)
        return;
    gg_free(g->units);
    gg_free(g->dapils);
    gg_free(g->prov_dapil);
    stab_dispose(&g->by_code);
    stab_dispose(&g->alias);
    stab_dispose(&g->alias_key);
    stab_dispose(&g->kec);
    stab_dispose(&g->starts);
    stab_dispose(&g->dapil_alias);
    for (size_t i = 0; i < sizeof g->text / sizeof g->text[0]; i++)
        gg_free(g->text[i]);
    gg_free(g);
}

const char *gg_geo_name(const gg_geo *g, const char *code)
{
    char plain[16];
    size_t n = 0;
    for (; *code && n + 1 < sizeof plain; code++)
        if (*code != '.')
            plain[n++] = *code;
    plain[n] = '\0';
    int32_t u = unit_by_plain(g, plain);
    return u < 0 ? NULL : g->units[u].name;
}

static int32_t unit_by_code(const gg_geo *g, const char *code)
{
    char plain[16];
    size_t n = 0;
    for (; *code && n + 1 < sizeof plain; code++)
        if (*code != '.')
            plain[n++] = *code;
    plain[n] = '\0';
    return unit_by_plain(g, plain);
}

int gg_geo_lookup(const gg_geo *g, const char *code, gg_geo_unit *out)
{
    int32_t i = unit_by_code(g, code);
    if (i < 0)
        return GG_ENOTFOUND;
    const unit *u = &g->units[i];
    memset(out, 0, sizeof *out);
    snprintf(out->code, sizeof out->code, "%s", u->code);
    out->level = (gg_geo_level)u->level;
    out->is_kota = u->is_kota;
    out->name = u->name;
    if (u->parent >= 0)
        snprintf(out->parent, sizeof out->parent, "%s", g->units[u->parent].code);
    if (u->prov >= 0)
        snprintf(out->province, sizeof out->province, "%.3s", g->units[u->prov].code);
    int32_t d = u->level == GG_GEO_PROVINSI ? g->prov_dapil[i] : u->dapil;
    if (d >= 0) {
        snprintf(out->dapil, sizeof out->dapil, "%.7s", g->dapils[d].code);
        out->dapil_name = g->dapils[d].name;
    }
    return 0;
}

int gg_geo_dapil_count(const gg_geo *g)
{
    return (int)g->ndapils;
}

int gg_geo_dapil_at(const gg_geo *g, int i, const char **code, const char **name, const char **province)
{
    if (i < 0 || (size_t)i >= g->ndapils)
        return GG_ENOTFOUND;
    *code = g->dapils[i].code;
    *name = g->dapils[i].name;
    *province = g->dapils[i].prov;
    return 0;
}

const char *gg_geo_level_name(gg_geo_level level)
{
    switch (level) {
    case GG_GEO_PROVINSI: return "provinsi";
    case GG_GEO_KABKOTA: return "kabkota";
    case GG_GEO_KECAMATAN: return "kecamatan";
    case GG_GEO_DAPIL: return "dapil";
    default: return "";
    }
}

/* ---- finding ---------------------------------------------------------------- */

enum { T_CAP = 1, T_HASH = 2, T_INHASH = 4, T_SKIP = 8, T_BREAK = 16, T_WORDS = 32, T_LOOK = 64 };

typedef struct tok {
    size_t start, end;   /* bytes in the text */
    size_t hash_end;     /* for T_HASH: end of the whole hashtag body (only
                            set for hashtag pieces) */
    uint8_t flags;       /* T_BREAK: a phrase may not continue past this token;
                            T_LOOK: a rule may start here (quick_look) */
    uint16_t words;      /* W_* bits of the word lists it is, once T_WORDS is set */
} tok;

/* Candidate mention while resolving. */
typedef struct cand_m {
    size_t t0, t1;       /* token range (t1 exclusive) */
    size_t start, end;   /* bytes */
    int nu;
    int multi, needs_cue, has_cue, lower_ok;
    int bare_kec;        /* a kecamatan name without Kec.: dropped if the post's
                            other places are elsewhere ("Jl. Raya Kemang, Jakarta
                            Selatan" is not Kemang in Kab. Bogor) */
    int32_t dapil;       /* an explicit dapil mention, else -1 */
    const char *how;
    int dropped;
    int32_t units[32];   /* last: a new candidate clears the fields above only
                            (units[0..nu) is all read) */
} cand_m;

/* Byte classes of the "C" locale's isspace (the program never sets another),
 * ASCII letters and digits, the bytes a phrase runs over ('.', '-', '\'' and
 * NUL, which strchr(".-'", c) used to find as the terminator) and the bytes
 * where a URL, e-mail or @mention shows ('@', "://", "www."). The scalar
 * scan reads them; the SSE2 one computes the same sets. */
enum { CC_SPACE = 1, CC_ALNUM = 2, CC_JOIN = 4, CC_MARK = 8 };
static const uint8_t cclass[256] = {
    ['\t'] = CC_SPACE, ['\n'] = CC_SPACE, ['\v'] = CC_SPACE, ['\f'] = CC_SPACE, ['\r'] = CC_SPACE,
    [' '] = CC_SPACE,
    ['0'] = CC_ALNUM, ['1'] = CC_ALNUM, ['2'] = CC_ALNUM, ['3'] = CC_ALNUM, ['4'] = CC_ALNUM,
    ['5'] = CC_ALNUM, ['6'] = CC_ALNUM, ['7'] = CC_ALNUM, ['8'] = CC_ALNUM, ['9'] = CC_ALNUM,
    ['A'] = CC_ALNUM, ['B'] = CC_ALNUM, ['C'] = CC_ALNUM, ['D'] = CC_ALNUM, ['E'] = CC_ALNUM,
    ['F'] = CC_ALNUM, ['G'] = CC_ALNUM, ['H'] = CC_ALNUM, ['I'] = CC_ALNUM, ['J'] = CC_ALNUM,
    ['K'] = CC_ALNUM, ['L'] = CC_ALNUM, ['M'] = CC_ALNUM, ['N'] = CC_ALNUM, ['O'] = CC_ALNUM,
    ['P'] = CC_ALNUM, ['Q'] = CC_ALNUM, ['R'] = CC_ALNUM, ['S'] = CC_ALNUM, ['T'] = CC_ALNUM,
    ['U'] = CC_ALNUM, ['V'] = CC_ALNUM, ['W'] = CC_ALNUM, ['X'] = CC_ALNUM, ['Y'] = CC_ALNUM,
    ['Z'] = CC_ALNUM,
    ['a'] = CC_ALNUM, ['b'] = CC_ALNUM, ['c'] = CC_ALNUM, ['d'] = CC_ALNUM, ['e'] = CC_ALNUM,
    ['f'] = CC_ALNUM, ['g'] = CC_ALNUM, ['h'] = CC_ALNUM, ['i'] = CC_ALNUM, ['j'] = CC_ALNUM,
    ['k'] = CC_ALNUM, ['l'] = CC_ALNUM, ['m'] = CC_ALNUM, ['n'] = CC_ALNUM, ['o'] = CC_ALNUM,
    ['p'] = CC_ALNUM, ['q'] = CC_ALNUM, ['r'] = CC_ALNUM, ['s'] = CC_ALNUM, ['t'] = CC_ALNUM,
    ['u'] = CC_ALNUM, ['v'] = CC_ALNUM, ['w'] = CC_ALNUM, ['x'] = CC_ALNUM, ['y'] = CC_ALNUM,
    ['z'] = CC_ALNUM,
    ['.'] = CC_JOIN | CC_MARK, ['-'] = CC_JOIN, ['\''] = CC_JOIN, [0] = CC_JOIN,
    ['@'] = CC_MARK, [':'] = CC_MARK,
};

static inline int is_space_c(unsigned char c)
{
    return cclass[c] & CC_SPACE;
}

/* isupper/islower of the "C" locale */
static inline int is_up(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static inline int is_lo(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

/* Room for at least n + 1 elements of size sz in *p (capacity *cap), which
 * starts as the caller's stack buffer stack: the first growth moves to the
 * heap (a tweet stays on the stack: no malloc per post). */
static void grow_from(void **p, size_t *cap, size_t n, size_t sz, const void *stack)
{
    if (n < *cap)
        return;
    size_t nc = *cap * 2;
    if (*p == stack) {
        void *h = gg_malloc(nc * sz);
        memcpy(h, *p, n * sz);
        *p = h;
    } else {
        *p = gg_realloc(*p, nc * sz);
    }
    *cap = nc;
}

/* The text as bitmaps, one bit a byte (bit j of word w is byte 64w + j), and
 * lower-cased: the tokenizer finds words and phrase breaks by counting bits
 * instead of running several byte loops over each chunk, and every key is a
 * slice of lw or a copy of slices (no per-key lowering). */
typedef struct scan {
    char *lw;          /* the text with ASCII capitals lowered, then >= 16 zero
                          bytes: 8- and 16-byte loads at a token are safe */
    uint64_t *alnum;   /* ASCII letters and digits */
    uint64_t *brk;     /* bytes that end a phrase: '\n' and every byte but
                          whitespace, letters, digits, '.', '-', '\'' and NUL */
    uint64_t *mark;    /* '@', ':' and '.' (a URL, e-mail or mention may be there) */
    uint64_t *skip;    /* the chunks (whitespace-delimited) tokenize skips */
    size_t nw;         /* words per bitmap: len / 64 + 1, so a clear bit ends
                          the last token and every bit past the text is 0 */
} scan;

#if defined(__SSE2__)
/* bytes in [lo, lo + n): shifted so the range is the lowest signed bytes */
static inline __m128i in_range(__m128i v, char lo, int n)
{
    return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - lo))),
                          _mm_set1_epi8((char)(0x80 + n)));
}
#endif

/* Fill sc's bitmaps and lw from s[0..len), sixteen bytes a step (four steps
 * a bitmap word); bytes past the text read as NUL, which is none of alnum,
 * brk or mark. */
static void scan_text(const char *s, size_t len, scan *sc)
{
    for (size_t w = 0; w < sc->nw; w++) {
        uint64_t an = 0, quiet = 0, mark = 0; /* quiet: no break (a newline is not) */
#if defined(__SSE2__)
        for (unsigned b = 0; b < 4; b++) {
            const size_t at = w * 64 + 16 * b;
            __m128i v;
            if (at + 16 <= len) {
                v = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
            } else if (at < len) {
                char tail[16] = {0};
                memcpy(tail, s + at, len - at);
                v = _mm_loadu_si128((const __m128i *)(const void *)tail);
            } else { /* past the text: NUL bytes */
                _mm_storeu_si128((__m128i *)(void *)(sc->lw + at), _mm_setzero_si128());
                quiet |= (uint64_t)0xffff << (16 * b);
                continue;
            }
            __m128i let = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 26);
            __m128i a = _mm_or_si128(let, in_range(v, '0', 10));
            _mm_storeu_si128((__m128i *)(void *)(sc->lw + at), _mm_or_si128(v, _mm_and_si128(let, _mm_set1_epi8(0x20))));
            __m128i dot = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
            /* '\t' and '\v' '\f' '\r' (11-13), ' ', '.', '-', '\'', NUL */
            __m128i q = _mm_or_si128(_mm_or_si128(a, in_range(v, '\v', 3)),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')), dot));
            q = _mm_or_si128(q, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                                             _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))));
            q = _mm_or_si128(q, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')),
                                             _mm_cmpeq_epi8(v, _mm_setzero_si128())));
            __m128i mk = _mm_or_si128(dot, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')),
                                                        _mm_cmpeq_epi8(v, _mm_set1_epi8(':'))));
            an |= (uint64_t)(unsigned)_mm_movemask_epi8(a) << (16 * b);
            quiet |= (uint64_t)(unsigned)_mm_movemask_epi8(q) << (16 * b);
            mark |= (uint64_t)(unsigned)_mm_movemask_epi8(mk) << (16 * b);
        }
#else
        for (unsigned j = 0; j < 64; j++) {
            const size_t at = w * 64 + j;
            unsigned char c = at < len ? (unsigned char)s[at] : 0;
            unsigned k = cclass[c];
            sc->lw[at] = (char)(is_up(c) ? c + 32 : c);
            an |= (uint64_t)((k & CC_ALNUM) != 0) << j;
            quiet |= (uint64_t)((k & (CC_ALNUM | CC_SPACE | CC_JOIN)) != 0 && c != '\n') << j;
            mark |= (uint64_t)((k & CC_MARK) != 0) << j;
        }
#endif
        sc->alnum[w] = an;
        sc->brk[w] = ~quiet;
        sc->mark[w] = mark;
    }
    memset(sc->lw + sc->nw * 64, 0, 16);
}

#define NO_BIT ((size_t)-1)

/* Position of the first set bit at or after pos, or NO_BIT. */
static inline size_t next_one(const uint64_t *m, size_t nw, size_t pos)
{
    size_t w = pos >> 6;
    if (w >= nw)
        return NO_BIT;
    uint64_t x = m[w] & (~0ull << (pos & 63));
    while (!x) {
        if (++w >= nw)
            return NO_BIT;
        x = m[w];
    }
    return w * 64 + (size_t)__builtin_ctzll(x);
}

/* Mark the chunks that hold '@', "://" or "www." (URLs, e-mails and
 * @mentions are skipped whole) in sc->skip; 0 when there is none. Each chunk
 * is walked once: the marks after one that hit lie in it or past it. */
static int mark_skips(const char *s, size_t len, scan *sc)
{
    int any = 0;
    size_t pos = 0, p;
    while ((p = next_one(sc->mark, sc->nw, pos)) != NO_BIT) {
        pos = p + 1;
        if (!(s[p] == '@' || (s[p] == ':' && p + 2 < len && s[p + 1] == '/' && s[p + 2] == '/') ||
              (s[p] == '.' && p >= 3 && s[p - 1] == 'w' && s[p - 2] == 'w' && s[p - 3] == 'w')))
            continue;
        if (!any)
            memset(sc->skip, 0, sc->nw * sizeof *sc->skip);
        any = 1;
        size_t c0 = p, c1 = p + 1;
        while (c0 > 0 && !is_space_c((unsigned char)s[c0 - 1]))
            c0--;
        while (c1 < len && !is_space_c((unsigned char)s[c1]))
            c1++;
        for (size_t b = c0; b < c1; b++)
            sc->skip[b >> 6] |= 1ull << (b & 63);
        pos = c1;
    }
    return any;
}

/* bit l: a level prefix word (PFX_*) of l letters begins with this byte:
 * every one starts with k or p and has 3, 4, 5, 8 or 9 letters */
static const uint16_t pfx_lens[256] = {['k'] = 0x338, ['p'] = 0x338};
/* the same, and "dapil" (5 letters) */
static const uint16_t look_lens[256] = {['k'] = 0x338, ['p'] = 0x338, ['d'] = 1 << 5};

/* May a rule of find_at start at a token? w: its bytes lower-cased, tl
 * bytes, fl: its flags, prev_ok: the token before it is in its phrase. 0:
 * surely not (most tokens); 1: find_at looks. The tests, cheapest first: a
 * hashtag; a capitalised word of 5+ bytes after a token of its phrase (a bare
 * kecamatan); a start of an alias key by the start4/tail4 hashes (4+ bytes)
 * or the start3/start12 bitmaps; a level prefix or "dapil" by its first
 * letter and length, then its first three letters (lead3). A token's d36
 * digits are never 0. */
__attribute__((always_inline)) static inline int quick_look(const gg_geo *g, const unsigned char *w, size_t tl, unsigned fl, int prev_ok)
{
    if (fl & T_SKIP)
        return 0;
    if ((fl & T_HASH) || ((fl & (T_CAP | T_INHASH)) == T_CAP && tl >= 5 && prev_ok))
        return 1;
    if (tl >= 4) {
        if (tl + 2 <= KEY_MAX && maybe_start(g, (const char *)w, tl))
            return 1;
    } else if (tl == 3) {
        int bit = (d36[w[0]] * 36 + d36[w[1]]) * 36 + d36[w[2]] - (36 * 36 + 36 + 1); /* tri_index */
        if (g->start3[bit >> 6] >> (bit & 63) & 1)
            return 1;
    } else {
        int bit = d36[w[0]] * 37 + (tl > 1 ? d36[w[1]] : 0);
        return (int)(g->start12[bit >> 6] >> (bit & 63) & 1);
    }
    if (tl < 16 && (look_lens[w[0]] >> tl & 1)) {
        int bit = (d36[w[0]] * 36 + d36[w[1]]) * 36 + d36[w[2]] - (36 * 36 + 36 + 1);
        return (int)(g->lead3[bit >> 6] >> (bit & 63) & 1);
    }
    return 0;
}

/* A token array full at n elements (n was its capacity) with room for 2n:
 * the first growth moves it from the caller's stack buffer to the heap. */
static tok *tok_grow(tok *t, size_t n, const tok *stack)
{
    if (t == stack) {
        tok *h = gg_malloc(2 * n * sizeof *h);
        memcpy(h, t, n * sizeof *t);
        return h;
    }
    return gg_realloc(t, 2 * n * sizeof *t);
}

/* The pieces of the hashtag body [k, e) as tokens t[n..] (returns the new
 * count): split at lower->Upper humps, #KabBogor -> Kab Bogor; an all-caps
 * run keeps its last capital for the next word: #DPRDBekasi -> DPRD Bekasi */
static size_t hash_pieces(const gg_geo *g, const char *s, const char *lw, size_t k, size_t e, tok **tp,
                          size_t n, size_t *cap, const tok *stack)
{
    for (size_t p = k; p < e;) {
        size_t q = p + 1;
        while (q < e) {
            unsigned char a = (unsigned char)s[q - 1], b = (unsigned char)s[q];
            if (is_lo(a) && is_up(b))
                break;
            if (is_up(a) && is_up(b) && q + 1 < e && is_lo((unsigned char)s[q + 1]))
                break;
            q++;
        }
        if (n == *cap) {
            *tp = tok_grow(*tp, n, stack);
            *cap *= 2;
        }
        tok *t = &(*tp)[n++];
        t->start = p;
        t->end = q;
        t->hash_end = e;
        t->flags = (uint8_t)(T_INHASH | (is_up((unsigned char)s[p]) ? T_CAP : 0) | (p == k ? T_HASH : 0));
        if (quick_look(g, (const unsigned char *)lw + p, q - p, t->flags, 0)) /* no bare kecamatan in a hashtag */
            t->flags |= T_LOOK;
        p = q;
    }
    (*tp)[n - 1].flags |= T_BREAK; /* no phrase runs out of a hashtag */
    return n;
}

/* Tokens: ASCII alphanumeric runs; hashtag bodies split at camel-case humps.
 * A token gets T_BREAK (no phrase continues past it) when a brk byte lies
 * between it and the next token (a newline, or punctuation other than '.',
 * '-' and '\'') or when it ends a hashtag. The runs are read off the edges
 * of the alnum bitmap, a bit at a time. *out starts as buf (cap elements). */
static size_t tokenize(const gg_geo *g, const char *s, size_t len, scan *sc, tok **out, tok *buf, size_t cap)
{
    const char *lw = sc->lw;
    size_t n = 0, nw = sc->nw;
    tok *t = buf;
    const uint64_t *an = sc->alnum, *brk = sc->brk;
    /* nb: a breaking byte at or after pe (the last token's end), or the
     * first one after an earlier end: looked up again only when passed */
    size_t nb = next_one(brk, nw, 0), k = 0, pe = 0;
    uint64_t carry = 0; /* the last byte of the previous word is in a run */
    /* the last token ends a hashtag: the only T_BREAK it can have before
     * the test below sets one (kept here, not reloaded from the token) */
    int last_hash = 0;
    for (size_t wi = 0; wi < nw; wi++) {
        const uint64_t a = an[wi];
        /* bits where a run starts or where one ended the byte before: they
         * alternate, so a word is read a start and an end at a time (a run
         * that goes on past the word ends at the next word's first edge) */
        uint64_t edge = a ^ (a << 1 | carry);
        const int inside = (int)carry;
        carry = a >> 63;
        if (!edge)
            continue;
        if (!inside) {
            k = wi * 64 + (size_t)__builtin_ctzll(edge);
            edge &= edge - 1;
        }
        while (edge) {
            const size_t e = wi * 64 + (size_t)__builtin_ctzll(edge);
            edge &= edge - 1;
            /* a phrase continues over spaces, '.', '-' and '\'' only */
            int prev_ok = 0; /* the token before is in this one's phrase */
            if (n) {
                if (nb < pe)
                    nb = next_one(brk, nw, pe);
                if (nb < k)
                    t[n - 1].flags |= T_BREAK;
                else
                    prev_ok = !last_hash;
            }
            last_hash = k > 0 && s[k - 1] == '#';
            if (last_hash) {
                tok *tt = t; /* t and cap stay unaliased in the loop */
                size_t cc = cap;
                n = hash_pieces(g, s, lw, k, e, &tt, n, &cc, buf);
                t = tt;
                cap = cc;
            } else {
                if (n == cap) {
                    t = tok_grow(t, n, buf);
                    cap *= 2;
                }
                const uint8_t f2 = is_up((unsigned char)s[k]) ? T_CAP : 0;
                t[n].start = k;
                t[n].end = e;
                t[n].flags = (uint8_t)(f2 | (quick_look(g, (const unsigned char *)lw + k, e - k, f2, prev_ok) ? T_LOOK : 0));
                n++;
            }
            pe = e;
            if (!edge)
                break; /* the next run starts in a later word */
            k = wi * 64 + (size_t)__builtin_ctzll(edge);
            edge &= edge - 1;
        }
    }
    if (n) {
        if (nb < pe)
            nb = next_one(brk, nw, pe);
        if (nb != NO_BIT)
            t[n - 1].flags |= T_BREAK;
    }
    /* the tokens of a skipped chunk, found afterwards (most texts have none):
     * no rule starts at one, and no n-gram runs into one */
    if (mark_skips(s, len, sc))
        for (size_t j = 0; j < n; j++)
            if (sc->skip[t[j].start >> 6] >> (t[j].start & 63) & 1)
                t[j].flags = (uint8_t)((t[j].flags | T_SKIP) & ~T_LOOK);
    *out = t;
    return n;
}

/* Lower-cased key of tokens [a, b) joined by single spaces (or by nothing
 * when glue is 0: "Muara Gembong" = "Muaragembong"); 0 if too long. The
 * bytes come from the lower-cased text lw. */
static size_t key_of(const char *lw, const tok *t, size_t a, size_t b, char *k, int glue)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++) {
        const char *src = lw + t[i].start;
        size_t l = t[i].end - t[i].start;
        if (n + l + 2 > KEY_MAX)
            return 0;
        if (i > a && glue)
            k[n++] = ' ';
        memcpy(k + n, src, l);
        n += l;
    }
    k[n] = '\0';
    return n;
}

/* The longest phrase of n0 to nmax tokens from token a that is a key of tab
 * (spaced, or glued when glue is 0): its slot, or -1, and its length in
 * tokens in *len. A phrase stops at a skipped token, after a token that ends
 * a phrase and, with caps, at a token not written with a capital. */
static long longest_key(const stab *tab, const char *lw, const tok *t, size_t nt, size_t a,
                        size_t n0, size_t nmax, int glue, int caps, char *key, size_t *len)
{
    long best = -1;
    *len = 0;
    for (size_t n = n0; n <= nmax && a + n <= nt; n++) {
        const tok *e = &t[a + n - 1];
        if ((e->flags & T_SKIP) || (caps && !(e->flags & T_CAP)))
            break;
        size_t kn = key_of(lw, t, a, a + n, key, glue);
        long sl = kn ? stab_get(tab, key, kn) : -1;
        if (sl >= 0) {
            *len = n;
            best = sl;
        }
        if (e->flags & T_BREAK)
            break;
    }
    return best;
}

/* longest_key over `alias` (spaced) from token a, n-grams of 1 to nmax
 * tokens, that also stops where the glued n-gram begins no key of
 * alias_key (with glued_keys, an alias phrase glued is such a key, so no
 * longer phrase can be one): after "Kota" most n-grams end at the first or
 * second token instead of being looked up to nmax. The same result. */
static long longest_alias(const gg_geo *g, const char *lw, const tok *t, size_t nt, size_t a,
                          size_t nmax, char *key, size_t *len)
{
    if (!g->glued_keys)
        return longest_key(&g->alias, lw, t, nt, a, 1, nmax, 1, 0, key, len);
    char kg[KEY_MAX];
    size_t ng = 0;
    long best = -1;
    *len = 0;
    for (size_t n = 1; n <= nmax && a + n <= nt; n++) {
        const tok *e = &t[a + n - 1];
        if (e->flags & T_SKIP)
            break;
        size_t kn = key_of(lw, t, a, a + n, key, 1);
        if (!kn)
            break; /* too long, and so is every longer one */
        size_t l = e->end - e->start;
        memcpy(kg + ng, lw + e->start, l); /* ng + l < kn + 2 <= KEY_MAX */
        ng += l;
        if (ng >= 4 && !maybe_start(g, kg, ng))
            break;
        uint64_t hg = khash(kg, ng);
        if (stab_get_h(&g->starts, kg, ng, hg) < 0)
            break;
        /* one token: the spaced key is the glued one */
        long sl = n == 1 ? stab_get_h(&g->alias, key, kn, hg) : stab_get(&g->alias, key, kn);
        if (sl >= 0) {
            *len = n;
            best = sl;
        }
        if (e->flags & T_BREAK)
            break;
    }
    return best;
}

/* Append l bytes of lw at src to k[at..] sixteen at a time: k has 16 bytes
 * of slack past KEY_MAX and lw 16 zero bytes past the text. */
static inline void key_add(char *k, size_t at, const char *src, size_t l)
{
    for (size_t o = 0; o < l; o += 16)
        memcpy(k + at + o, src + o, 16);
}

/* level prefixes: part of the name as written ("Kab. Bogor") */
static const char *const PFX_KAB[] = {"kab", "kabupaten", NULL};
static const char *const PFX_KOTA[] = {"kota", "kodya", "kotamadya", NULL};
static const char *const PFX_PROV[] = {"prov", "provinsi", "propinsi", NULL};
static const char *const PFX_KEC[] = {"kec", "kecamatan", NULL};
/* words that name the level of the next name but are not part of it */
static const char *const LVL_KAB[] = {"pemkab", "bupati", "kabupatennya", NULL};
static const char *const LVL_KOTA[] = {"pemkot", "walikota", "wakot", "pemkot", NULL};
static const char *const LVL_PROV[] = {"pemprov", "gubernur", "pemda", NULL};
/* words before a bare name that say "this is a place" */
static const char *const CUES[] = {"di", "ke", "dari", "dr", "daerah", "wilayah", "warga", "asal", "sekitar",
                                   "kawasan", "dprd", "dapil", "kab", "kabupaten", "kota", "pemkab", "pemkot",
                                   "prov", "provinsi", "pemprov", "bupati", "walikota", "gubernur", "wilayahnya",
                                   "masyarakat", "rakyat", "pemda", "menuju", "tinggal",
                                   NULL};
static const char *const LOCATIVES[] = {"di", "ke", "dari", "dr", NULL};
/* words after a name that make it the everyday word ("di medan perang") */
static const char *const NOT_PLACE_NEXT[] = {"perang", "laga", "tempur", "pertempuran", "juang", "jihad",
                                             "dakwah", "politik", "tugas", "kerja", NULL};
/* words before a bare kecamatan name: strong ones ("jl. raya Parung",
 * "Stasiun Bojonggede") suffice for a name no other kecamatan has; after a
 * weak one ("di Koja") a related kab/kota or province must be named too,
 * since most kecamatan names are also village names elsewhere */
static const char *const KEC_STRONG[] = {"stasiun", "jl", "jln", "jalan", "raya", "pasar", "terminal", "camat",
                                         NULL};
static const char *const KEC_WEAK[] = {"di", "warga", "daerah", NULL};

/* A token's lists as bits: one lookup in g->wtab per token that is asked,
 * instead of a walk over each list it is compared with. */
enum {
    W_KAB = 1 << 0, W_KOTA = 1 << 1, W_PROV = 1 << 2, W_KEC = 1 << 3,
    W_LVL_KAB = 1 << 4, W_LVL_KOTA = 1 << 5, W_LVL_PROV = 1 << 6,
    W_CUE = 1 << 7, W_LOC = 1 << 8, W_NOT_PLACE_NEXT = 1 << 9,
    W_KEC_STRONG = 1 << 10, W_KEC_WEAK = 1 << 11,
};

static const struct {
    const char *const *words;
    uint16_t bit;
} WLISTS[] = {
    {PFX_KAB, W_KAB}, {PFX_KOTA, W_KOTA}, {PFX_PROV, W_PROV}, {PFX_KEC, W_KEC},
    {LVL_KAB, W_LVL_KAB}, {LVL_KOTA, W_LVL_KOTA}, {LVL_PROV, W_LVL_PROV},
    {CUES, W_CUE}, {LOCATIVES, W_LOC}, {NOT_PLACE_NEXT, W_NOT_PLACE_NEXT},
    {KEC_STRONG, W_KEC_STRONG}, {KEC_WEAK, W_KEC_WEAK},
};

static inline uint64_t load8(const char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

/* The first l (1..8) bytes of a load8, in memory order on any byte order. */
static inline uint64_t head_mask(size_t l)
{
    static const unsigned char ff[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    return load8((const char *)ff + 8 - l);
}

static inline size_t wslot_of(uint64_t lo, uint64_t hi, size_t l)
{
    return (size_t)(((lo ^ (hi * 0xff51afd7ed558ccdull)) + l) * 0x9e3779b97f4a7c15ull >> 57) &
           (GEO_WSLOTS - 1);
}

/* The lists' words into g->wtab (open addressing; the words are < WMAX bytes
 * and fewer than half the slots: checked by the asserts). */
static void words_build(gg_geo *g)
{
    for (size_t li = 0; li < sizeof WLISTS / sizeof WLISTS[0]; li++)
        for (const char *const *w = WLISTS[li].words; *w; w++) {
            char b[16] = {0};
            size_t l = strlen(*w);
            assert(l > 0 && l <= WMAX);
            memcpy(b, *w, l);
            uint64_t lo = load8(b), hi = load8(b + 8);
            size_t s = wslot_of(lo, hi, l), probes = 0;
            while (g->wtab[s].len && !(g->wtab[s].lo == lo && g->wtab[s].hi == hi && g->wtab[s].len == l)) {
                s = (s + 1) & (GEO_WSLOTS - 1);
                probes++;
                assert(probes < GEO_WSLOTS / 2);
            }
            g->wtab[s].lo = lo;
            g->wtab[s].hi = hi;
            g->wtab[s].len = (uint8_t)l;
            g->wtab[s].bits |= WLISTS[li].bit;
            if (WLISTS[li].bit & (W_KAB | W_KOTA | W_PROV | W_KEC)) {
                int tb = tri_index(*w); /* every prefix word has 3+ letters */
                g->lead3[tb >> 6] |= 1ull << (tb & 63);
            }
        }
    int b = tri_index("dapil");
    g->lead3[b >> 6] |= 1ull << (b & 63);
}

/* The W_* bits of token t (remembered in it): tok_is of every list at once,
 * the token lower-cased ((c | 0x20) of a letter or digit) against the lists'
 * lower-case words. */
static unsigned tok_words(const gg_geo *g, const char *lw, tok *t)
{
    if (t->flags & T_WORDS)
        return t->words;
    size_t l = t->end - t->start;
    uint16_t bits = 0;
    if (l <= WMAX) {
        const char *p = lw + t->start;
        uint64_t lo = l >= 8 ? load8(p) : load8(p) & head_mask(l);
        uint64_t hi = l <= 8 ? 0 : l >= 16 ? load8(p + 8) : load8(p + 8) & head_mask(l - 8);
        for (size_t s = wslot_of(lo, hi, l); g->wtab[s].len; s = (s + 1) & (GEO_WSLOTS - 1))
            if (g->wtab[s].lo == lo && g->wtab[s].hi == hi && g->wtab[s].len == l) {
                bits = g->wtab[s].bits;
                break;
            }
    }
    t->words = bits;
    t->flags |= T_WORDS;
    return bits;
}

/* Fill cm->units from table slot s; 0 if none survive the level filter. */
static int take_units(const gg_geo *g, const stab *t, long s, cand_m *cm, int want_level, int want_kota)
{
    cm->nu = 0;
    cm->multi = 0;
    cm->needs_cue = 0;
    cm->lower_ok = 0;
    const sslot *e = &t->sl[s];
    for (uint32_t i = 0; i < e->count; i++) {
        int32_t u = t->vunit[e->first + i];
        uint8_t fl = t->vflags[e->first + i];
        const unit *un = &g->units[u];
        if (want_level && un->level != want_level)
            continue;
        if (want_kota >= 0 && un->level == GG_GEO_KABKOTA && un->is_kota != want_kota)
            continue;
        if (cm->nu < (int)(sizeof cm->units / sizeof cm->units[0]))
            cm->units[cm->nu++] = u;
        if (fl & F_MULTI)
            cm->multi = 1;
        if (fl & F_CUE)
            cm->needs_cue = 1;
        if (fl & F_LOWER)
            cm->lower_ok = 1;
    }
    return cm->nu;
}

/* Is unit a the same as, or an ancestor/descendant of, unit b? */
static int related(const gg_geo *g, int32_t a, int32_t b)
{
    for (int32_t x = a; x >= 0; x = g->units[x].parent)
        if (x == b)
            return 1;
    for (int32_t x = b; x >= 0; x = g->units[x].parent)
        if (x == a)
            return 1;
    return 0;
}

/* Copy with truncation (codes always fit; this keeps the compiler sure). */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void fill_match(const gg_geo *g, const cand_m *cm, gg_geo_match *m)
{
    memset(m, 0, sizeof *m);
    m->start = cm->start;
    m->len = cm->end - cm->start;
    m->how = cm->how;
    if (cm->dapil >= 0) {
        const dapil *d = &g->dapils[cm->dapil];
        m->level = GG_GEO_DAPIL;
        copy_str(m->dapil, sizeof m->dapil, d->code);
        m->dapil_name = d->name;
        copy_str(m->province, sizeof m->province, d->prov);
        return;
    }
    if (cm->nu == 1 && !cm->multi) {
        const unit *u = &g->units[cm->units[0]];
        m->level = (gg_geo_level)u->level;
        copy_str(m->code, sizeof m->code, u->code);
        m->name = u->name;
        if (u->prov >= 0)
            copy_str(m->province, sizeof m->province, g->units[u->prov].code);
        if (u->level == GG_GEO_KABKOTA)
            copy_str(m->kabkota, sizeof m->kabkota, u->code);
        else if (u->level == GG_GEO_KECAMATAN && u->parent >= 0)
            copy_str(m->kabkota, sizeof m->kabkota, g->units[u->parent].code);
        int32_t d = u->level == GG_GEO_PROVINSI ? g->prov_dapil[cm->units[0]] : u->dapil;
        if (d >= 0) {
            copy_str(m->dapil, sizeof m->dapil, g->dapils[d].code);
            m->dapil_name = g->dapils[d].name;
        }
        return;
    }
    /* several units: what they share */
    m->ambiguous = !cm->multi;
    m->multi = cm->multi;
    int32_t prov = g->units[cm->units[0]].prov, lvl = g->units[cm->units[0]].level;
    int32_t d0 = g->units[cm->units[0]].level == GG_GEO_PROVINSI ? g->prov_dapil[cm->units[0]]
                                                                  : g->units[cm->units[0]].dapil;
    for (int i = 0; i < cm->nu; i++) {
        const unit *u = &g->units[cm->units[i]];
        int32_t d = u->level == GG_GEO_PROVINSI ? g->prov_dapil[cm->units[i]] : u->dapil;
        if (u->prov != prov)
            prov = -1;
        if (u->level != lvl)
            lvl = GG_GEO_NONE;
        if (d != d0)
            d0 = -1;
        if (m->n_cand < GG_GEO_MAX_CAND)
            copy_str(m->cand[m->n_cand++], sizeof m->cand[0], u->code);
    }
    m->level = (gg_geo_level)lvl;
    if (prov >= 0)
        copy_str(m->province, sizeof m->province, g->units[prov].code);
    if (d0 >= 0) {
        copy_str(m->dapil, sizeof m->dapil, g->dapils[d0].code);
        m->dapil_name = g->dapils[d0].name;
    }
}

/* The state of one gg_geo_find: the lower-cased text, its tokens and the
 * candidates so far (cm starts as the caller's stack buffer cmbuf). */
typedef struct finder {
    const gg_geo *g;
    const char *lw;
    tok *t;
    size_t nt;
    cand_m *cm, *cmbuf;
    size_t ncm, capm;
} finder;

/* A fresh candidate at cm[ncm] (made only where a table hit may make a
 * mention: most tokens never need one). */
static cand_m *cand_new(finder *f)
{
    if (f->ncm >= f->capm) {
        void *p = f->cm;
        grow_from(&p, &f->capm, f->ncm, sizeof *f->cm, f->cmbuf);
        f->cm = p;
    }
    cand_m *c = &f->cm[f->ncm];
    memset(c, 0, offsetof(cand_m, units));
    c->dapil = -1;
    return c;
}

/* The rules at token i (not a skipped one), in order: a dapil, a hashtag, a
 * prefix, the longest alias, a bare kecamatan. Returns the token after the
 * mention found, or i + 1. gg_geo_find calls it only for the tokens
 * quick_look let through; it repeats the tests, exactly. */
__attribute__((noinline)) static size_t find_at(finder *f, size_t i)
{
    const gg_geo *g = f->g;
    const char *lw = f->lw;
    tok *t = f->t;
    const size_t nt = f->nt;
    const uint8_t fl = t[i].flags;
    char key[KEY_MAX];
    const size_t st = t[i].start, tl = t[i].end - st;
    const char *w = lw + st; /* the token, lower-cased */
    cand_m *c;

    /* 0. "Dapil Jabar V", "dapil DKI Jakarta 2" */
    if (tl == 5 && i + 1 < nt && !(fl & T_BREAK) && memcmp(w, "dapil", 5) == 0) {
        size_t bd;
        long sd = longest_key(&g->dapil_alias, lw, t, nt, i, 2, 6, 1, 0, key, &bd);
        if (sd >= 0) {
            c = cand_new(f);
            c->t0 = i;
            c->t1 = i + bd;
            c->dapil = g->dapil_alias.vunit[g->dapil_alias.sl[sd].first];
            c->has_cue = 1;
            c->how = "dapil";
            f->ncm++;
            return c->t1;
        }
    }

    /* 1. a whole hashtag: #Sumbar, #KabBogor, #AcehBarat */
    if (fl & T_HASH) {
        size_t he = t[i].hash_end, e = i;
        while (e < nt && t[e].start < he)
            e++;
        size_t kn = he - st < KEY_MAX - 1 ? he - st : KEY_MAX - 1;
        long sl = stab_get(&g->alias_key, w, kn);
        /* a hashtag is a deliberate cue, except for letter abbreviations
         * that are also people (#SBY) or chat (#smg) */
        if (sl >= 0) {
            c = cand_new(f);
            if (take_units(g, &g->alias_key, sl, c, 0, -1) && !(c->needs_cue && kn <= 3)) {
                c->t0 = i;
                c->t1 = e;
                c->has_cue = 1;
                c->how = "hashtag";
                f->ncm++;
                return e;
            }
        }
    }

    /* 2. a prefix: Kab./Kota/Prov./Kec. + name */
    int lvl = 0, kota = -1, kec = 0;
    if (tl < 16 && (pfx_lens[(unsigned char)w[0]] >> tl & 1) &&
        (g->lead3[tri_index(w) >> 6] >> (tri_index(w) & 63) & 1)) {
        unsigned wb = tok_words(g, lw, &t[i]);
        kec = (wb & W_KEC) != 0;
        if (wb & W_KAB)
            lvl = GG_GEO_KABKOTA, kota = 0;
        else if (wb & W_KOTA)
            lvl = GG_GEO_KABKOTA, kota = 1;
        else if (wb & W_PROV)
            lvl = GG_GEO_PROVINSI;
    }
    int prefixed = (lvl || kec) && !(fl & T_BREAK) && i + 1 < nt;

    /* 3. the longest alias n-gram at i (it may include the prefix);
     * spacing variants ("Tanjung Pinang") through the glued key */
    size_t best = 0;
    long bslot = -1;
    const stab *btab = &g->alias;
    int can_start;
    uint64_t h1 = 0; /* the token's hash, when the starts probe took it */
    /* the bitmaps answer for tokens of up to three bytes, the start4/tail4
     * hashes turn most longer ones away; the rest probe the table */
    if (tl < 3) {
        int bit = d36[(unsigned char)w[0]] * 37 + (tl > 1 ? d36[(unsigned char)w[1]] : 0);
        can_start = (int)(g->start12[bit >> 6] >> (bit & 63) & 1);
    } else if (tl == 3) {
        int bit = tri_index(w);
        can_start = (int)(g->start3[bit >> 6] >> (bit & 63) & 1);
    } else if (tl + 2 > KEY_MAX) {
        can_start = 0; /* no key this long */
    } else if (!maybe_start(g, w, tl)) {
        can_start = 0; /* no key begins or ends so */
    } else {
        h1 = khash(w, tl);
        can_start = stab_get_h(&g->starts, w, tl, h1) >= 0;
    }
    if (can_start) {
        /* the n-gram's keys grow a token a step: spaced (ks, for
         * `alias`) and glued (kg, for `starts` and `alias_key`); an
         * n-gram over KEY_MAX has no key, nor has any longer one */
        char ks[KEY_MAX + 16], kg[KEY_MAX + 16];
        size_t ns = tl, ng = tl;
        int sok = tl + 2 <= KEY_MAX, gok = sok, glue_ok = tl >= 3;
        for (size_t n = 1; n <= (size_t)g->max_ngram && i + n <= nt; n++) {
            const tok *tj = &t[i + n - 1];
            const uint8_t fj = tj->flags;
            if (fj & T_SKIP)
                break;
            long sl;
            const stab *tab = &g->alias;
            if (n == 1) {
                /* a key of up to three letters/digits is in a bitmap */
                int b = tl > 3 ? 0 : tl == 3 ? tri_index(w) : tok12_index(w, tl);
                if (!sok || (tl == 3 && !(g->alias3[b >> 6] >> (b & 63) & 1)) ||
                    (tl < 3 && !(g->alias12[b >> 6] >> (b & 63) & 1)))
                    sl = -1;
                else
                    sl = h1 ? stab_get_h(&g->alias, w, tl, h1) : stab_get(&g->alias, w, tl);
            } else {
                const size_t sj = tj->start, lj = tj->end - sj;
                if (n == 2 && gok)
                    key_add(kg, 0, w, tl);
                /* key_of's test, n + l + 2 > KEY_MAX before the space:
                 * the spaced key may fail before the glued one */
                if (gok && ng + lj + 2 > KEY_MAX)
                    gok = 0;
                if (gok) {
                    key_add(kg, ng, lw + sj, lj);
                    ng += lj;
                }
                glue_ok = glue_ok && lj >= 3;
                uint64_t hg = 0;
                /* "di" starts "Dili…", "di sana" starts nothing: stop there
                 * (before the spaced key is built) */
                if (g->glued_keys) {
                    if (!gok || (ng >= 4 && !maybe_start(g, kg, ng)))
                        break;
                    hg = khash(kg, ng);
                    if (stab_get_h(&g->starts, kg, ng, hg) < 0)
                        break;
                }
                if (n == 2 && sok)
                    key_add(ks, 0, w, tl);
                if (sok && ns + lj + 2 > KEY_MAX)
                    sok = 0;
                if (sok) {
                    ks[ns++] = ' ';
                    key_add(ks, ns, lw + sj, lj);
                    ns += lj;
                }
                sl = sok ? stab_get(&g->alias, ks, ns) : -1;
                /* glued only from words of 3+ letters: "en de" is not Ende */
                if (sl < 0 && glue_ok) {
                    sl = !gok ? -1 : hg ? stab_get_h(&g->alias_key, kg, ng, hg) : stab_get(&g->alias_key, kg, ng);
                    tab = &g->alias_key;
                }
            }
            if (sl >= 0) {
                best = n;
                bslot = sl;
                btab = tab;
            }
            if (fj & T_BREAK)
                break;
        }
    }
    if (prefixed && best <= 1) {
        /* prefix + name: kecamatan names for Kec., aliases otherwise */
        const stab *tab = kec ? &g->kec : &g->alias;
        size_t b2;
        long s2 = kec ? longest_key(tab, lw, t, nt, i + 1, 1, 4, 0, 0, key, &b2)
                      : longest_alias(g, lw, t, nt, i + 1, (size_t)g->max_ngram, key, &b2);
        if (s2 >= 0) {
            c = cand_new(f);
            if (take_units(g, tab, s2, c, kec ? GG_GEO_KECAMATAN : lvl, kec ? -1 : kota)) {
                c->t0 = i;
                c->t1 = i + 1 + b2;
                c->has_cue = 1;
                c->how = kec ? "kecamatan" : "prefix";
                f->ncm++;
                return c->t1;
            }
        }
    }
    if (bslot >= 0) {
        tok *prev = i > 0 && !(t[i - 1].flags & T_BREAK) ? &t[i - 1] : NULL;
        c = cand_new(f);
        if (take_units(g, btab, bslot, c, 0, -1)) {
            c->t0 = i;
            c->t1 = i + best;
            c->how = "alias";
            if (prefixed && best > 1) {
                c->how = "prefix";
                c->has_cue = 1;
            }
            unsigned pw = prev ? tok_words(g, lw, prev) : 0;
            /* a cue word before a bare name written like a name; for a few
             * names a locative suffices in lower case too ("di malang") */
            if ((pw & W_CUE) && (fl & T_CAP))
                c->has_cue = 1;
            if (c->lower_ok && (pw & W_LOC) &&
                !(i + best < nt && (tok_words(g, lw, &t[i + best]) & W_NOT_PLACE_NEXT)))
                c->has_cue = 1;
            /* "Pemkab"/"Bupati"/"Kota" before a bare name decides its level */
            if (prev) {
                int l2 = 0, k2 = -1;
                if (pw & (W_KAB | W_LVL_KAB))
                    l2 = GG_GEO_KABKOTA, k2 = 0;
                else if (pw & (W_KOTA | W_LVL_KOTA))
                    l2 = GG_GEO_KABKOTA, k2 = 1;
                else if (pw & (W_PROV | W_LVL_PROV))
                    l2 = GG_GEO_PROVINSI;
                cand_m tmp;
                if (l2) {
                    tmp = *c;
                    if (take_units(g, btab, bslot, &tmp, l2, k2)) {
                        *c = tmp;
                        c->has_cue = 1;
                    }
                }
            }
            f->ncm++;
            return c->t1;
        }
    }
    /* 4. a bare kecamatan name, only capitalised and after a place word */
    if ((fl & (T_CAP | T_INHASH)) == T_CAP && tl >= 5 && /* "Jaya" (Pasar Jaya) is a word */
        i > 0 && !(t[i - 1].flags & T_BREAK)) {
        unsigned pw = tok_words(g, lw, &t[i - 1]);
        int strong = (pw & W_KEC_STRONG) != 0;
        if (strong || (pw & W_KEC_WEAK)) {
            size_t b2;
            long s2 = longest_key(&g->kec, lw, t, nt, i, 1, 3, 0, 1, key, &b2);
            if (s2 >= 0) {
                c = cand_new(f);
                if (take_units(g, &g->kec, s2, c, GG_GEO_KECAMATAN, -1)) {
                    c->t0 = i;
                    c->t1 = i + b2;
                    c->how = "kecamatan";
                    c->bare_kec = 1;
                    /* a name found in several kab/kota needs a related mention */
                    c->has_cue = c->nu == 1 && strong;
                    c->needs_cue = !c->has_cue;
                    f->ncm++;
                    return c->t1;
                }
            }
        }
    }
    return i + 1;
}

/* 1 when find_at at token i surely finds nothing there (it would return
 * i + 1): a token of up to three bytes that is no hashtag, no level prefix
 * and no alias key by itself, and whose two-token phrase begins no key
 * (the start4/tail4 hashes say so, as in find_at's n-gram loop). Such
 * tokens ("di", "ke", "dan": each begins some key) are most of what
 * quick_look lets through; find_at would reach the same break after
 * setting up its keys. 0: ask find_at. */
static inline int short_miss(const gg_geo *g, const char *lw, const tok *t, size_t nt, size_t i)
{
    const uint8_t fl = t[i].flags;
    const size_t st = t[i].start, tl = t[i].end - st;
    const char *w = lw + st;
    if (tl > 3 || (fl & T_HASH))
        return 0;
    if (tl == 3) {
        int b = tri_index(w);
        if ((pfx_lens[(unsigned char)w[0]] >> 3 & 1) && (g->lead3[b >> 6] >> (b & 63) & 1))
            return 0; /* "kab", "kec": the prefix rule */
        if (g->alias3[b >> 6] >> (b & 63) & 1)
            return 0;
    } else {
        int b = tok12_index(w, tl);
        if (g->alias12[b >> 6] >> (b & 63) & 1)
            return 0;
    }
    if ((fl & T_BREAK) || i + 1 >= nt || (t[i + 1].flags & T_SKIP))
        return 1;
    if (!g->glued_keys)
        return 0;
    const size_t sj = t[i + 1].start, lj = t[i + 1].end - sj, ng = tl + lj;
    if (ng + 2 > KEY_MAX)
        return 1;
    if (ng < 4)
        return 0;
    char kg[KEY_MAX + 16];
    key_add(kg, 0, w, tl);
    key_add(kg, tl, lw + sj, lj);
    return !maybe_start(g, kg, ng);
}

int gg_geo_find(const gg_geo *g, const char *s, size_t len, gg_geo_match *out, int max)
{
    /* the scan of a text of up to STACK_TEXT bytes stays on the stack */
    enum { STACK_TEXT = 2048, STACK_WORDS = STACK_TEXT / 64 + 1 };
    char lwbuf[STACK_WORDS * 64 + 16];
    uint64_t mbuf[4 * STACK_WORDS];
    void *heap = NULL;
    scan sn;
    sn.nw = len / 64 + 1;
    uint64_t *m = mbuf;
    sn.lw = lwbuf;
    if (sn.nw > STACK_WORDS) {
        heap = gg_malloc(4 * sn.nw * sizeof *m + sn.nw * 64 + 16);
        m = heap;
        sn.lw = (char *)(m + 4 * sn.nw);
    }
    sn.alnum = m;
    sn.brk = m + sn.nw;
    sn.mark = m + 2 * sn.nw;
    sn.skip = m + 3 * sn.nw;
    scan_text(s, len, &sn);
    const char *lw = sn.lw;

    tok tbuf[64], *t = NULL;
    size_t nt = tokenize(g, s, len, &sn, &t, tbuf, sizeof tbuf / sizeof tbuf[0]);
    cand_m cmbuf[8];
    int found = 0;

    finder f = {g, lw, t, nt, cmbuf, cmbuf, 0, sizeof cmbuf / sizeof cmbuf[0]};
    for (size_t i = 0; i < nt;) {
        /* most tokens: no rule may start there (a tight run over them) */
        while (!(t[i].flags & T_LOOK))
            if (++i == nt)
                goto found;
        i = short_miss(g, lw, t, nt, i) ? i + 1 : find_at(&f, i);
    }
found:;
    cand_m *cm = f.cm;
    size_t ncm = f.ncm;

    /* resolution: the other mentions are the context. The distinct settled
     * units are gathered first (at most MAX_CTX), so a text of thousands of
     * mentions costs linear time, not quadratic. */
    for (int pass = 0; pass < 2; pass++) {
        int32_t ctx[MAX_CTX];
        int nctx = 0;
        for (size_t b = 0; b < ncm && nctx < MAX_CTX; b++) {
            const cand_m *o = &cm[b];
            if (o->dropped || o->multi || o->dapil >= 0 || o->bare_kec || o->nu != 1 ||
                (o->needs_cue && !o->has_cue))
                continue; /* a bare kecamatan is too weak to be context */
            int seen = 0;
            for (int k = 0; k < nctx && !seen; k++)
                seen = ctx[k] == o->units[0];
            if (!seen)
                ctx[nctx++] = o->units[0];
        }
        for (size_t a = 0; a < ncm; a++) {
            cand_m *c = &cm[a];
            if (c->dropped || c->multi || c->dapil >= 0)
                continue;
            int settled = c->nu == 1 && (!c->needs_cue || c->has_cue);
            if (settled && !c->bare_kec)
                continue;
            /* score each candidate against the units named unambiguously
             * elsewhere: 3 = is, contains or lies in a named kab/kota or
             * kecamatan; 2 = lies in a named province; 1 = same province.
             * The best-scoring candidates stay. */
            int keep[32], nk = 0, any_ctx = nctx > 0, best = 0;
            for (int u = 0; u < c->nu; u++) {
                int score = 0;
                for (int k = 0; k < nctx; k++) {
                    int32_t x = c->units[u], y = ctx[k];
                    int sc = related(g, x, y) ? (g->units[y].level == GG_GEO_PROVINSI ? 2 : 3)
                             : g->units[x].prov >= 0 && g->units[x].prov == g->units[y].prov ? 1
                                                                                          : 0;
                    if (sc > score)
                        score = sc;
                }
                if (score > best) {
                    best = score;
                    nk = 0;
                }
                if (score > 0 && score == best)
                    keep[nk++] = c->units[u];
            }
            if (c->bare_kec && nctx > 0 && best == 0) {
                c->dropped = 1; /* the post's places are all elsewhere */
                continue;
            }
            if (settled)
                continue;
            /* an everyday word takes context only when written like a name */
            if (c->needs_cue && !c->has_cue && !(t[c->t0].flags & (T_CAP | T_INHASH)))
                nk = 0;
            if (nk >= 1) {
                memcpy(c->units, keep, (size_t)nk * sizeof *keep);
                c->nu = nk;
                c->has_cue = 1;
                if (nk == 1)
                    c->how = "context";
            } else if (c->needs_cue && !c->has_cue && (pass == 1 || !any_ctx)) {
                /* an everyday word with no cue and no related mention */
                if (pass == 1)
                    c->dropped = 1;
            }
        }
    }

    for (size_t a = 0; a < ncm; a++) {
        cand_m *c = &cm[a];
        if (c->dropped || (c->needs_cue && !c->has_cue))
            continue;
        c->start = t[c->t0].start;
        c->end = t[c->t1 - 1].end;
        if (c->how && strcmp(c->how, "hashtag") == 0)
            c->end = t[c->t0].hash_end; /* the whole hashtag body */
        if (found < max)
            fill_match(g, c, &out[found]);
        found++;
    }
    if (t != tbuf)
        gg_free(t);
    if (cm != cmbuf)
        gg_free(cm);
    gg_free(heap);
    return found;
}

int gg_geo_main(const gg_geo_match *m, int n, const char *text)
{
    static const char *const CMP[] = {"kayak", "kyk", "seperti", "spt", "macam", "contohnya", "misalnya", NULL};
    for (int i = 0; i < n; i++) {
        /* look at the (at most) two words before the mention */
        size_t b = m[i].start, words = 0;
        int cmp = 0;
        while (b > 0 && words < 2 && !cmp) {
            while (b > 0 && !isalnum((unsigned char)text[b - 1]))
                b--;
            size_t e = b;
            while (b > 0 && isalnum((unsigned char)text[b - 1]))
                b--;
            for (const char *const *w = CMP; *w && e > b; w++)
                cmp |= strlen(*w) == e - b && strncasecmp(text + b, *w, e - b) == 0;
            words++;
        }
        if (!cmp)
            return i;
    }
    return n > 0 ? 0 : -1;
}

json_t *gg_geo_match_json(const gg_geo_match *m, const char *text)
{
    json_t *o = json_object();
    json_object_set_new(o, "text", json_stringn(text + m->start, m->len));
    json_object_set_new(o, "start", json_integer((json_int_t)m->start));
    json_object_set_new(o, "len", json_integer((json_int_t)m->len));
    if (m->level != GG_GEO_NONE)
        json_object_set_new(o, "level", json_string(gg_geo_level_name(m->level)));
    if (*m->code)
        json_object_set_new(o, "code", json_string(m->code));
    if (m->name)
        json_object_set_new(o, "name", json_string(m->name));
    if (*m->province)
        json_object_set_new(o, "province", json_string(m->province));
    if (*m->kabkota)
        json_object_set_new(o, "kabkota", json_string(m->kabkota));
    if (*m->dapil) {
        json_object_set_new(o, "dapil", json_string(m->dapil));
        json_object_set_new(o, "dapil_name", json_string(m->dapil_name));
    }
    if (m->ambiguous)
        json_object_set_new(o, "ambiguous", json_true());
    if (m->multi)
        json_object_set_new(o, "multi", json_true());
    if (m->n_cand) {
        json_t *a = json_array();
        for (int i = 0; i < m->n_cand; i++)
            json_array_append_new(a, json_string(m->cand[i]));
        json_object_set_new(o, "candidates", a);
    }
    if (m->how)
        json_object_set_new(o, "how", json_string(m->how));
    return o;
}
