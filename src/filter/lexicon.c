/*
 * lexicon.c — term lists as an open-addressing table keyed by the xxhash of
 * the term (filter layer). Multi-word terms are stored under their first
 * word with the rest checked on a hit; prefixes are stored under the prefix
 * and looked up for every prefix length that some term uses (a bit mask),
 * so a token costs a handful of probes, not a scan of the list.
 */
#include "filter/lexicon.h"
#include "core/alloc.h"
#include "core/err.h"
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#define XXH_INLINE_ALL /* the same hashes; short keys cost no library call */
#include <xxhash.h>

#define BLOOM_WORDS 256 /* 16,384 bits: 2 KiB, in L1 */

typedef struct term {
    uint64_t key;   /* hash of the first word (or prefix) */
    int label;
    int prefix;     /* 1: the single word is a prefix */
    char *rest;     /* following words, space-separated, or NULL */
    struct term *next_same; /* chain of terms with the same key */
} term;

struct gg_filter_lex {
    int nlabel;
    term **slot;
    size_t nslot;
    size_t nterm;
    uint64_t prefix_lens; /* bit k: some prefix term has k bytes (k < 64) */
    uint64_t bloom[BLOOM_WORDS]; /* two bits per term key: most tokens and prefixes
                                    are no term, and end here without a probe */
    term *all;
    size_t cap;
    uint32_t id; /* unique per loaded lexicon: names it in the word memo of feat.c */
};

static atomic_uint lex_ids;

/* Prefix keys use a byte-at-a-time hash so that every prefix of a token
 * costs one step, not one hash of its own; whole words use xxhash. */
static uint64_t pstep(uint64_t h, unsigned char c)
{
    return (h ^ c) * 0x100000001b3ULL;
}

#define PSEED 0xcbf29ce484222325ULL

static uint64_t pfin(uint64_t h)
{
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 32);
}

static uint64_t hkey(const char *s, size_t n, int prefix)
{
    if (!prefix)
        return XXH3_64bits_withSeed(s, n, 0x574f);
    uint64_t h = PSEED;
    for (size_t i = 0; i < n; i++)
        h = pstep(h, (unsigned char)s[i]);
    return pfin(h);
}

static void bloom_set(gg_filter_lex *lx, uint64_t k)
{
    unsigned a = (unsigned)(k >> 40) % (BLOOM_WORDS * 64), b = (unsigned)(k >> 18) % (BLOOM_WORDS * 64);
    lx->bloom[a >> 6] |= 1ull << (a & 63);
    lx->bloom[b >> 6] |= 1ull << (b & 63);
}

/* 0: key is certainly no term's */
static int bloom_may(const gg_filter_lex *lx, uint64_t k)
{
    unsigned a = (unsigned)(k >> 40) % (BLOOM_WORDS * 64), b = (unsigned)(k >> 18) % (BLOOM_WORDS * 64);
    return (lx->bloom[a >> 6] >> (a & 63) & 1) && (lx->bloom[b >> 6] >> (b & 63) & 1);
}

static term **lookup(const gg_filter_lex *lx, uint64_t key)
{
    size_t m = lx->nslot - 1, h = (size_t)key & m;
    while (lx->slot[h] && lx->slot[h]->key != key)
        h = (h + 1) & m;
    return &lx->slot[h];
}

void gg_filter_lex_free(gg_filter_lex *lx)
{
    if (!lx)
        return;
    for (size_t i = 0; i < lx->nterm; i++)
        gg_free(lx->all[i].rest);
    gg_free(lx->all);
    gg_free(lx->slot);
    gg_free(lx);
}

static void trim(char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

int gg_filter_lex_load(gg_filter_lex **out, const char *path, const char *const *labels,
                       int nlabel)
{
    int rc = 0;
    char line[1024];
    gg_filter_lex *lx = gg_calloc(1, sizeof *lx);
    FILE *f = fopen(path, "r");
    *out = NULL;
    if (!f) {
        rc = GG_EIO;
        goto done;
    }
    lx->nlabel = nlabel;
    lx->id = atomic_fetch_add(&lex_ids, 1) + 1;
    if (lx->id == 0) /* wrapped after 2^32 loads: 0 means "none" in the memo */
        lx->id = atomic_fetch_add(&lex_ids, 1) + 1;
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\n");
        line[n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab) {
            rc = GG_EINVAL;
            goto done;
        }
        *tab = '\0';
        int lab = -1;
        for (int i = 0; i < nlabel; i++)
            if (strcmp(labels[i], line) == 0)
                lab = i;
        if (lab < 0)
            continue;
        char *t = tab + 1;
        size_t tn = strlen(t);
        trim(&t, &tn);
        if (tn == 0)
            continue;
        t[tn] = '\0';
        for (size_t i = 0; i < tn; i++)
            if (t[i] >= 'A' && t[i] <= 'Z')
                t[i] = (char)(t[i] + 32);
        if (lx->nterm == lx->cap) {
            lx->cap = lx->cap ? lx->cap * 2 : 256;
            lx->all = gg_realloc(lx->all, lx->cap * sizeof *lx->all);
        }
        term *tm = &lx->all[lx->nterm++];
        memset(tm, 0, sizeof *tm);
        tm->label = lab;
        char *sp = strchr(t, ' ');
        size_t w1 = sp ? (size_t)(sp - t) : tn;
        if (!sp && tn > 4 && t[tn - 1] == '*') {
            tm->prefix = 1;
            w1 = tn - 1;
            if (w1 < 64)
                lx->prefix_lens |= (uint64_t)1 << w1;
        }
        tm->key = hkey(t, w1, tm->prefix);
        tm->rest = sp ? gg_strdup(sp + 1) : NULL;
    }
    /* build the table once all terms are read (lx->all no longer moves) */
    lx->nslot = 64;
    while (lx->nslot < lx->nterm * 2 + 1)
        lx->nslot *= 2;
    lx->slot = gg_calloc(lx->nslot, sizeof *lx->slot);
    for (size_t i = 0; i < lx->nterm; i++) {
        term **s = lookup(lx, lx->all[i].key);
        lx->all[i].next_same = *s;
        *s = &lx->all[i];
        bloom_set(lx, lx->all[i].key);
    }
    *out = lx;
    lx = NULL;
done:
    if (f)
        fclose(f);
    gg_filter_lex_free(lx);
    return rc;
}

size_t gg_filter_lex_size(const gg_filter_lex *lx)
{
    return lx ? lx->nterm : 0;
}

typedef struct toks {
    const char *text;
    const uint32_t *tok; /* (off, len) pairs */
    size_t n;
} toks;

/* Do the tokens after position t spell rest ("w2 w3")? */
static int rest_matches(const toks *tk, size_t t, const char *rest)
{
    const char *p = rest;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t wl = e ? (size_t)(e - p) : strlen(p);
        if (++t >= tk->n)
            return 0;
        uint32_t off = tk->tok[2 * t], len = tk->tok[2 * t + 1];
        if (wl > 0 && p[wl - 1] == '*') {
            if (len < wl - 1 || memcmp(tk->text + off, p, wl - 1) != 0)
                return 0;
        } else if (len != wl || memcmp(tk->text + off, p, wl) != 0) {
            return 0;
        }
        p += wl;
        if (*p == ' ')
            p++;
    }
    return 1;
}

/* Count the terms of chain tm that match at token t, a label once a token:
 * seen[label] holds the mark (t + 1) of the last token that counted it, so
 * nothing is cleared between tokens. */
static void hit_chain(const term *tm, const toks *tk, size_t t, int *seen, int *counts)
{
    int mark = (int)t + 1;
    for (; tm; tm = tm->next_same) {
        if (seen[tm->label] == mark)
            continue;
        if (tm->rest && !rest_matches(tk, t, tm->rest))
            continue;
        seen[tm->label] = mark;
        counts[tm->label]++;
    }
}

void gg_filter_lex_count_tokens(const gg_filter_lex *lx, const char *text, const uint32_t *tok,
                                size_t ntok, int *counts)
{
    int seen[64] = {0};
    toks tk = {text, tok, ntok};
    memset(counts, 0, (size_t)lx->nlabel * sizeof *counts);
    if (!lx->nterm)
        return;
    for (size_t t = 0; t < ntok; t++) {
        uint32_t off = tok[2 * t], len = tok[2 * t + 1];
        term **s = lookup(lx, hkey(text + off, len, 0));
        hit_chain(*s, &tk, t, seen, counts);
        uint64_t m = lx->prefix_lens, h = PSEED;
        for (uint32_t k = 1; k <= len && k < 64; k++) {
            h = pstep(h, (unsigned char)text[off + k - 1]);
            if (k < 4 || !(m >> k & 1))
                continue;
            s = lookup(lx, pfin(h));
            hit_chain(*s, &tk, t, seen, counts);
        }
    }
}

/* The chains word w[0..len) starts in lx (whole word first, then its
 * prefixes by length) into slot k of the memo entry; 0 when there are more
 * than the memo holds (the caller then takes the slow path). The order of
 * the chains does not matter: a token counts each label once. */
static int memo_chains(const gg_filter_lex *lx, struct gg_filter_wmemo *me, int k, const char *w,
                       uint32_t len)
{
    const term *ch[GG_FILTER_WMEMO_CHAINS];
    int n = 0;
    uint64_t wk = hkey(w, len, 0);
    if (bloom_may(lx, wk) && *lookup(lx, wk))
        ch[n++] = *lookup(lx, wk);
    uint64_t h = PSEED;
    for (uint32_t j = 1; j <= len && j < 64; j++) {
        h = pstep(h, (unsigned char)w[j - 1]);
        if (j < 4 || !(lx->prefix_lens >> j & 1))
            continue;
        uint64_t pk = pfin(h);
        if (!bloom_may(lx, pk) || !*lookup(lx, pk))
            continue;
        if (n == GG_FILTER_WMEMO_CHAINS)
            return 0;
        ch[n++] = *lookup(lx, pk);
    }
    for (int i = 0; i < n; i++)
        me->lex_chain[k][i] = ch[i];
    me->lex_n[k] = (uint8_t)n;
    me->lex_id[k] = lx->id;
    return 1;
}

void gg_filter_lex_count2(const gg_filter_lex *a, const gg_filter_lex *b, const gg_filter_fv *fv,
                          int *counts_a, int *counts_b)
{
    const gg_filter_lex *lx[2] = {a && a->nterm ? a : NULL, b && b->nterm ? b : NULL};
    int *counts[2] = {counts_a, counts_b};
    int seen[2][64] = {{0}};
    const char *text = gg_filter_fv_canon(fv, NULL);
    size_t ntok = gg_filter_fv_ntok(fv);
    toks tk = {text, fv->tok, ntok};
    uint64_t m = 0;
    for (int k = 0; k < 2; k++) {
        if (k == 0 ? a != NULL : b != NULL)
            memset(counts[k], 0, (size_t)(k == 0 ? a : b)->nlabel * sizeof *counts[k]);
        if (lx[k])
            m |= lx[k]->prefix_lens;
    }
    if (!lx[0] && !lx[1])
        return;
    for (size_t t = 0; t < ntok; t++) {
        uint32_t off = fv->tok[2 * t], len = fv->tok[2 * t + 1];
        /* the word memo of feat.c: the chains this word starts, found once
         * per word (whole word and prefixes); the rest of a multi-word term
         * is still checked against the following tokens here */
        struct gg_filter_wmemo *me = NULL;
        if (fv->tok_memo && fv->tok_memo[t] >= 0) {
            me = &fv->memo[fv->tok_memo[t]];
            /* a slot's ver changes whenever it takes another word */
            if (me->ver != fv->tok_ver[t])
                me = NULL; /* a later token of this text took the slot */
        }
        if (me) {
            for (int k = 0; k < 2; k++) {
                if (!lx[k])
                    continue;
                if (me->lex_id[k] != lx[k]->id && !memo_chains(lx[k], me, k, text + off, len))
                    goto slow;
            }
            for (int k = 0; k < 2; k++) {
                /* the chain count in a local: the counts' stores may alias
                 * the slot's byte fields, which were reloaded per chain */
                unsigned nch = lx[k] ? me->lex_n[k] : 0;
                const void *const *ch = (const void *const *)me->lex_chain[k];
                for (unsigned c = 0; c < nch; c++)
                    hit_chain(ch[c], &tk, t, seen[k], counts[k]);
            }
            continue;
        }
    slow:;
        uint64_t wk = hkey(text + off, len, 0);
        for (int k = 0; k < 2; k++) {
            if (!lx[k])
                continue;
            if (bloom_may(lx[k], wk))
                hit_chain(*lookup(lx[k], wk), &tk, t, seen[k], counts[k]);
        }
        uint64_t h = PSEED;
        for (uint32_t j = 1; j <= len && j < 64; j++) {
            h = pstep(h, (unsigned char)text[off + j - 1]);
            if (j < 4 || !(m >> j & 1))
                continue;
            uint64_t pk = pfin(h);
            for (int k = 0; k < 2; k++)
                if (lx[k] && (lx[k]->prefix_lens >> j & 1) && bloom_may(lx[k], pk))
                    hit_chain(*lookup(lx[k], pk), &tk, t, seen[k], counts[k]);
        }
    }
}

void gg_filter_lex_count(const gg_filter_lex *lx, const gg_filter_fv *fv, int *counts)
{
    gg_filter_lex_count_tokens(lx, gg_filter_fv_canon(fv, NULL), fv->tok, gg_filter_fv_ntok(fv),
                               counts);
}
