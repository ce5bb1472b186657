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
#define PFX4_BITS 4096  /* 512 bytes; a few hundred prefix terms */

typedef struct term {
    uint64_t key;   /* hash of the first word (or prefix) */
    int label;
    int prefix;     /* 1: the single word is a prefix */
    char *rest;     /* following words, space-separated, or NULL */
    uint32_t rest1; /* length of rest's first word, without a trailing '*' */
    int rest1_pfx;  /* rest's first word ends in '*' (a prefix) */
    const struct term *next_rest; /* the chain's next term with a rest */
} term;

/* The terms that share a key: a hit of the key is a hit of every label in
 * `labels` (one-word terms need nothing more), and of the multi-word terms
 * whose rest the following tokens spell. Labels are below 64 (load checks). */
typedef struct chain {
    uint64_t key;
    uint64_t labels;  /* 0 with rest NULL: an empty slot */
    const term *rest; /* terms with a rest, or NULL */
} chain;

struct gg_filter_lex {
    int nlabel;
    chain *slot; /* open addressing on the key; the word memo of feat.c points into it */
    size_t nslot;
    size_t nterm;
    uint64_t prefix_lens; /* bit k: some prefix term has k bytes (k < 64) */
    uint64_t pfx4[PFX4_BITS / 64]; /* bit pfx4_bit: some prefix term begins with
                                      these four bytes (a hash: most words begin
                                      no prefix term, and hash none of their own) */
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

static inline unsigned pfx4_bit(const char *w)
{
    uint32_t x;
    memcpy(&x, w, 4);
    return (x * 0x9e3779b1u) >> (32 - 12);
}
_Static_assert(PFX4_BITS == 1 << 12, "pfx4_bit gives 12 bits");

/* The prefix lengths of lx to look up in a word w[0..len): those up to len
 * (every prefix term has 4 or more bytes), none when no prefix term begins
 * with the word's first four bytes. Keys are compared as 64-bit hashes
 * throughout (no bytes): a prefix found is one whose bytes begin the word. */
static inline uint64_t prefix_lens_in(const gg_filter_lex *lx, const char *w, uint32_t len)
{
    if (len < 4 || !(lx->pfx4[pfx4_bit(w) >> 6] >> (pfx4_bit(w) & 63) & 1))
        return 0;
    return lx->prefix_lens & ~15ull & (len >= 63 ? ~0ull : (2ull << len) - 1);
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

static inline int chain_empty(const chain *c)
{
    return !c->labels && !c->rest;
}

/* The chain of key, or the empty slot where it would go. */
static chain *lookup(const gg_filter_lex *lx, uint64_t key)
{
    size_t m = lx->nslot - 1, h = (size_t)key & m;
    while (!chain_empty(&lx->slot[h]) && lx->slot[h].key != key)
        h = (h + 1) & m;
    return &lx->slot[h];
}

/* The chain of key, or NULL (the bloom filter first). */
static inline const chain *find(const gg_filter_lex *lx, uint64_t key)
{
    if (!bloom_may(lx, key))
        return NULL;
    const chain *c = lookup(lx, key);
    return chain_empty(c) ? NULL : c;
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
    if (nlabel > 64) { /* a token's labels are one 64-bit mask */
        rc = GG_EINVAL;
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
            if (w1 < 64) {
                lx->prefix_lens |= (uint64_t)1 << w1;
                lx->pfx4[pfx4_bit(t) >> 6] |= 1ull << (pfx4_bit(t) & 63);
            }
        }
        tm->key = hkey(t, w1, tm->prefix);
        tm->rest = sp ? gg_strdup(sp + 1) : NULL;
        if (tm->rest) {
            size_t r1 = strcspn(tm->rest, " ");
            tm->rest1_pfx = r1 > 0 && tm->rest[r1 - 1] == '*';
            tm->rest1 = (uint32_t)(r1 - (size_t)tm->rest1_pfx);
        }
    }
    /* build the table once all terms are read (lx->all no longer moves) */
    lx->nslot = 64;
    while (lx->nslot < lx->nterm * 2 + 1)
        lx->nslot *= 2;
    lx->slot = gg_calloc(lx->nslot, sizeof *lx->slot);
    for (size_t i = 0; i < lx->nterm; i++) {
        term *tm = &lx->all[i];
        chain *c = lookup(lx, tm->key);
        c->key = tm->key;
        if (tm->rest) {
            tm->next_rest = c->rest;
            c->rest = tm;
        } else {
            c->labels |= 1ull << tm->label;
        }
        bloom_set(lx, tm->key);
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

/* Do the tokens after position t spell tm's rest ("w2 w3")? Its first
 * word is checked by length first: most rests fail there. */
static int rest_matches(const toks *tk, size_t t, const term *tm)
{
    if (t + 1 >= tk->n)
        return 0;
    uint32_t len1 = tk->tok[2 * t + 3];
    if (tm->rest1_pfx ? len1 < tm->rest1 : len1 != tm->rest1)
        return 0;
    const char *p = tm->rest;
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

/* have with the multi-word terms of chain c whose rest the tokens after
 * t spell (few chains have any: called only for those). */
__attribute__((noinline)) static uint64_t rest_hits(const chain *c, const toks *tk, size_t t,
                                                   uint64_t have)
{
    for (const term *tm = c->rest; tm; tm = tm->next_rest)
        if (!(have >> tm->label & 1) && rest_matches(tk, t, tm))
            have |= 1ull << tm->label;
    return have;
}

/* have with the labels chain c gives token t: its one-word terms' at once,
 * a multi-word term's when the following tokens spell its rest. */
static inline uint64_t chain_hits(const chain *c, const toks *tk, size_t t, uint64_t have)
{
    have |= c->labels;
    return c->rest ? rest_hits(c, tk, t, have) : have;
}

/* A token counts once for each label that some term matching there has. */
static inline void count_mask(uint64_t m, int *counts)
{
    for (; m; m &= m - 1)
        counts[__builtin_ctzll(m)]++;
}

void gg_filter_lex_count_tokens(const gg_filter_lex *lx, const char *text, const uint32_t *tok,
                                size_t ntok, int *counts)
{
    toks tk = {text, tok, ntok};
    memset(counts, 0, (size_t)lx->nlabel * sizeof *counts);
    if (!lx->nterm)
        return;
    for (size_t t = 0; t < ntok; t++) {
        uint32_t off = tok[2 * t], len = tok[2 * t + 1];
        uint64_t have = 0;
        const chain *c = find(lx, hkey(text + off, len, 0));
        if (c)
            have = chain_hits(c, &tk, t, have);
        uint64_t m = prefix_lens_in(lx, text + off, len), h = PSEED;
        for (uint32_t k = 1; m >> k; k++) {
            h = pstep(h, (unsigned char)text[off + k - 1]);
            if (!(m >> k & 1))
                continue;
            if ((c = find(lx, pfin(h))) != NULL)
                have = chain_hits(c, &tk, t, have);
        }
        count_mask(have, counts);
    }
}

/* The chains word w[0..len) starts in lx[k] (whole word first, then its
 * prefixes by length) into slot k of the memo entry, for each k of `need`
 * (bit k), hashing the word once for both; 0 when a lexicon has more than
 * the memo holds (the caller then takes the slow path). The order of the
 * chains does not matter: a token counts each label once. */
__attribute__((noinline)) static int memo_chains(const gg_filter_lex *const lx[2], unsigned need,
                       struct gg_filter_wmemo *me, const char *w, uint32_t len)
{
    const chain *ch[2][GG_FILTER_WMEMO_CHAINS];
    int n[2] = {0, 0}, full = 0;
    uint64_t wk = hkey(w, len, 0), pls[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        if (!(need >> k & 1))
            continue;
        const chain *c = find(lx[k], wk);
        if (c)
            ch[k][n[k]++] = c;
        pls[k] = prefix_lens_in(lx[k], w, len);
    }
    uint64_t h = PSEED, pl = pls[0] | pls[1];
    for (uint32_t j = 1; pl >> j; j++) {
        h = pstep(h, (unsigned char)w[j - 1]);
        if (!(pl >> j & 1))
            continue;
        uint64_t pk = pfin(h);
        for (int k = 0; k < 2; k++) {
            if (!(pls[k] >> j & 1))
                continue;
            const chain *c = find(lx[k], pk);
            if (!c)
                continue;
            if (n[k] == GG_FILTER_WMEMO_CHAINS)
                full |= 1 << k;
            else
                ch[k][n[k]++] = c;
        }
    }
    if (full)
        return 0;
    for (int k = 0; k < 2; k++) {
        if (!(need >> k & 1))
            continue;
        for (int i = 0; i < n[k]; i++)
            me->lex_chain[k][i] = ch[k][i];
        me->lex_n[k] = (uint8_t)n[k];
        me->lex_id[k] = lx[k]->id;
    }
    return 1;
}

/* The labels token t gets from the chains of memo entry me, into the
 * counts (the counts' stores may alias the entry's byte fields: the chain
 * counts are read first). */
static inline void memo_hits(const gg_filter_lex *const lx[2], const struct gg_filter_wmemo *me,
                             const toks *tk, size_t t, int *const counts[2])
{
    unsigned n0 = lx[0] ? me->lex_n[0] : 0, n1 = lx[1] ? me->lex_n[1] : 0;
    uint64_t have = 0;
    for (unsigned c = 0; c < n0; c++)
        have = chain_hits(me->lex_chain[0][c], tk, t, have);
    count_mask(have, counts[0]);
    have = 0;
    for (unsigned c = 0; c < n1; c++)
        have = chain_hits(me->lex_chain[1][c], tk, t, have);
    count_mask(have, counts[1]);
}

/* The same without the memo: the word and its prefixes hashed and looked
 * up (a word the memo does not hold). */
__attribute__((noinline)) static void hash_hits(const gg_filter_lex *const lx[2], const toks *tk, size_t t, int *const counts[2])
{
    const char *text = tk->text;
    uint32_t off = tk->tok[2 * t], len = tk->tok[2 * t + 1];
    uint64_t wk = hkey(text + off, len, 0), have[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        const chain *c = lx[k] ? find(lx[k], wk) : NULL;
        if (c)
            have[k] = chain_hits(c, tk, t, have[k]);
    }
    uint64_t pls[2] = {lx[0] ? prefix_lens_in(lx[0], text + off, len) : 0,
                       lx[1] ? prefix_lens_in(lx[1], text + off, len) : 0};
    uint64_t h = PSEED, pl = pls[0] | pls[1];
    for (uint32_t j = 1; pl >> j; j++) {
        h = pstep(h, (unsigned char)text[off + j - 1]);
        if (!(pl >> j & 1))
            continue;
        uint64_t pk = pfin(h);
        for (int k = 0; k < 2; k++) {
            const chain *c = pls[k] >> j & 1 ? find(lx[k], pk) : NULL;
            if (c)
                have[k] = chain_hits(c, tk, t, have[k]);
        }
    }
    for (int k = 0; k < 2; k++)
        if (lx[k])
            count_mask(have[k], counts[k]);
}

void gg_filter_lex_count2(const gg_filter_lex *a, const gg_filter_lex *b, const gg_filter_fv *fv,
                          int *counts_a, int *counts_b)
{
    const gg_filter_lex *lx[2] = {a && a->nterm ? a : NULL, b && b->nterm ? b : NULL};
    int *const counts[2] = {counts_a, counts_b};
    const char *text = gg_filter_fv_canon(fv, NULL);
    size_t ntok = gg_filter_fv_ntok(fv);
    const toks tk = {text, fv->tok, ntok};
    for (int k = 0; k < 2; k++)
        if (k == 0 ? a != NULL : b != NULL)
            memset(counts[k], 0, (size_t)(k == 0 ? a : b)->nlabel * sizeof *counts[k]);
    if (!lx[0] && !lx[1])
        return;
    /* A memo entry is current when its two lexicon ids are those of lx
     * (compared as one word, an absent lexicon masked out), and starts no
     * chain when its two counts are 0 (one 16-bit load): most tokens end
     * there. */
    const uint32_t ids[2] = {lx[0] ? lx[0]->id : 0, lx[1] ? lx[1]->id : 0};
    const uint32_t idm[2] = {lx[0] ? ~0u : 0, lx[1] ? ~0u : 0};
    const uint8_t nm[2] = {lx[0] ? 0xff : 0, lx[1] ? 0xff : 0};
    uint64_t want, wmask;
    uint16_t nmask;
    memcpy(&want, ids, 8);
    memcpy(&wmask, idm, 8);
    memcpy(&nmask, nm, 2);
    const int32_t *tok_memo = fv->tok_memo;
    const uint64_t *tok_ver = fv->tok_ver;
    struct gg_filter_wmemo *memo = fv->memo;
    for (size_t t = 0; t < ntok; t++) {
        /* the word memo of feat.c: the chains this word starts, found once
         * per word (whole word and prefixes); the rest of a multi-word term
         * is still checked against the following tokens here */
        int32_t ms = tok_memo ? tok_memo[t] : -1;
        struct gg_filter_wmemo *me = ms >= 0 ? &memo[ms] : NULL;
        /* a slot's ver changes whenever it takes another word: a later
         * token of this text took it when it differs */
        if (me && me->ver == tok_ver[t]) {
            uint64_t have_ids;
            memcpy(&have_ids, me->lex_id, 8);
            if ((have_ids & wmask) != want) {
                unsigned need = (lx[0] && me->lex_id[0] != ids[0] ? 1u : 0u) |
                                (lx[1] && me->lex_id[1] != ids[1] ? 2u : 0u);
                if (!memo_chains(lx, need, me, text + fv->tok[2 * t], fv->tok[2 * t + 1])) {
                    hash_hits(lx, &tk, t, counts);
                    continue;
                }
            }
            uint16_t ns;
            memcpy(&ns, me->lex_n, 2);
            if (ns & nmask)
                memo_hits(lx, me, &tk, t, counts);
            continue;
        }
        hash_hits(lx, &tk, t, counts);
    }
}

void gg_filter_lex_count(const gg_filter_lex *lx, const gg_filter_fv *fv, int *counts)
{
    gg_filter_lex_count_tokens(lx, gg_filter_fv_canon(fv, NULL), fv->tok, gg_filter_fv_ntok(fv),
                               counts);
}
