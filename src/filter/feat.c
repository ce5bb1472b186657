/*
 * feat.c — canonicalization and hashed n-gram features (filter layer).
 * Hot path of `gagas classify`: one pass over the bytes builds the canonical
 * text, tokens are hashed with xxhash (words) and an incremental multiply-xor
 * hash (character n-grams, so n = 2..5 cost one step each), and counts go to
 * an open-addressing table cleared by a generation stamp, not by memset.
 */
#include "filter/feat.h"
#include "core/alloc.h"
#include <math.h>
#include <pthread.h>
#include <strings.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#define XXH_INLINE_ALL
#include <xxhash.h>

void gg_filter_fv_init(gg_filter_fv *fv)
{
    memset(fv, 0, sizeof *fv);
}

void gg_filter_fv_dispose(gg_filter_fv *fv)
{
    if (!fv)
        return;
    gg_free(fv->idx);
    gg_free(fv->val);
    gg_free(fv->canon);
    gg_free(fv->tok);
    gg_free(fv->slot);
    gg_free(fv->memo_mem);
    gg_free(fv->tok_memo);
    gg_free(fv->tok_h);
    gg_free(fv->tok_ver);
    gg_free(fv->rep);
    gg_free(fv->rep_d);
    gg_free(fv->xkey);
    gg_free(fv->xneg);
    gg_free(fv->rmap);
    memset(fv, 0, sizeof *fv);
}

static void canon_reserve(gg_filter_fv *fv, size_t need)
{
    if (need <= fv->canon_cap)
        return;
    size_t c = fv->canon_cap ? fv->canon_cap : 1024;
    while (c < need)
        c *= 2;
    fv->canon = gg_realloc(fv->canon, c);
    fv->canon_cap = c;
}

/* canon_build reserves room for a token per input byte and one more */
static inline void tok_push(gg_filter_fv *fv, uint32_t off, uint32_t len)
{
    fv->tok[fv->ntok * 2] = off;
    fv->tok[fv->ntok * 2 + 1] = len;
    fv->ntok++;
}

/* Decode one UTF-8 sequence at s (n bytes left); returns its length and sets
 * *cp, or returns 1 with *cp = -1 for an invalid byte. */
static size_t decode(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned c = s[0];
    size_t need;
    int32_t v;
    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        need = 2;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        v = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        v = c & 0x07;
    } else {
        *cp = -1;
        return 1;
    }
    if (n < need) {
        *cp = -1;
        return 1;
    }
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = -1;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    if ((need == 3 && v < 0x800) || (need == 4 && (v < 0x10000 || v > 0x10ffff)) ||
        (v >= 0xd800 && v <= 0xdfff)) {
        *cp = -1;
        return 1;
    }
    *cp = v;
    return need;
}

/* Token under construction: squeezes elongations ("bangeeettt" -> "banget"):
 * a third identical byte in a row removes the second and the rest of the run
 * is skipped. Multi-byte characters are never squeezed. */
typedef struct tokstate {
    uint32_t start; /* offset of the token in canon, or UINT32_MAX when none */
    unsigned char last;
    int run;
} tokstate;

static inline __attribute__((always_inline)) void tok_add_ascii(gg_filter_fv *fv, tokstate *ts,
                                                            unsigned char c)
{
    if (ts->start == UINT32_MAX) {
        if (fv->canon_len > 0)
            fv->canon[fv->canon_len++] = ' ';
        ts->start = (uint32_t)fv->canon_len;
        ts->run = 0;
        ts->last = 0;
    }
    if (c == ts->last && ts->run > 0) {
        if (ts->run == 2) {
            fv->canon_len--; /* third in a row: drop the second, squeeze the run */
            ts->run = 3;
            fv->plain = 0;
            return;
        }
        if (ts->run >= 3)
            return;
        ts->run++;
    } else {
        ts->last = c;
        ts->run = 1;
    }
    fv->canon[fv->canon_len++] = (char)c;
}

static void tok_add_bytes(gg_filter_fv *fv, tokstate *ts, const unsigned char *p, size_t n)
{
    if (ts->start == UINT32_MAX) {
        if (fv->canon_len > 0)
            fv->canon[fv->canon_len++] = ' ';
        ts->start = (uint32_t)fv->canon_len;
    }
    memcpy(fv->canon + fv->canon_len, p, n);
    fv->canon_len += n;
    ts->last = 0;
    ts->run = 0;
}

static inline void tok_end(gg_filter_fv *fv, tokstate *ts)
{
    if (ts->start == UINT32_MAX)
        return;
    tok_push(fv, ts->start, (uint32_t)(fv->canon_len - ts->start));
    ts->start = UINT32_MAX;
}

static void tok_word(gg_filter_fv *fv, tokstate *ts, const char *w)
{
    tok_end(fv, ts);
    for (const char *p = w; *p; p++)
        tok_add_ascii(fv, ts, (unsigned char)*p);
    tok_end(fv, ts);
}

static inline int is_alnum(unsigned c)
{
    /* c | 32 maps exactly 'A'..'Z' onto 'a'..'z' */
    return (c | 32) - 'a' < 26u || c - '0' < 10u;
}

/* Length of a URL starting at s, 0 when s does not start one. */
static size_t url_len(const char *s, size_t n)
{
    size_t k = 0;
    if (n >= 7 && (strncasecmp(s, "http://", 7) == 0))
        k = 7;
    else if (n >= 8 && strncasecmp(s, "https://", 8) == 0)
        k = 8;
    else if (n >= 4 && strncasecmp(s, "www.", 4) == 0)
        k = 4;
    else
        return 0;
    while (k < n && (unsigned char)s[k] > ' ')
        k++;
    return k;
}

static void canon_build(gg_filter_fv *fv, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    tokstate ts = {UINT32_MAX, 0, 0};
    /* 4 output bytes per input byte is the worst case (case folding can grow
     * a character; markers add a space). */
    canon_reserve(fv, len * 4 + 16);
    if (len * 2 + 2 > fv->tok_cap) { /* a token per byte at most */
        size_t c = fv->tok_cap ? fv->tok_cap : 512;
        while (c < len * 2 + 2)
            c *= 2;
        fv->tok = gg_realloc(fv->tok, c * sizeof *fv->tok);
        fv->tok_cap = c;
    }
    fv->canon_len = 0;
    fv->ntok = 0;
    fv->plain = 1;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c == ' ') { /* the usual separator, which none of the rules below takes */
            tok_end(fv, &ts);
            i++;
            continue;
        }
        if (c < 0x80) {
            /* a run of ASCII letters and digits (most of the text) in a tight
             * loop: inside a word nothing but the squeeze applies; only a word's
             * first h/w may start a URL, so that one takes the full path */
            if (is_alnum(c) && (ts.start != UINT32_MAX ||
                                !(c == 'h' || c == 'H' || c == 'w' || c == 'W'))) {
                /* tok_add_ascii's squeeze with the state in locals: a char
                 * store may alias anything, so through fv and ts the compiler
                 * reloaded the length and the run after every byte */
                char *cv = fv->canon;
                size_t cl = fv->canon_len;
                unsigned char last = ts.last;
                int run = ts.run;
                if (ts.start == UINT32_MAX) { /* the separator, the token's start */
                    if (cl > 0)
                        cv[cl++] = ' ';
                    ts.start = (uint32_t)cl;
                    last = 0; /* no letter or digit: the first byte starts a run */
                    run = 0;
                }
#if defined(__SSE2__)
                /* sixteen bytes a step while no byte equals the one before
                 * it (then the squeeze cannot act): the run of letters and
                 * digits at the head is lower-cased and stored whole; a
                 * repeat, or the word's end, leaves the rest to the loop below */
                while (i + 16 <= len) {
                    __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
                    __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
                    /* bytes >= 0x80 are negative: in neither range */
                    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lo, _mm_set1_epi8('a' - 1)),
                                                  _mm_cmplt_epi8(lo, _mm_set1_epi8('z' + 1)));
                    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
                    unsigned am = (unsigned)_mm_movemask_epi8(_mm_or_si128(alpha, digit));
                    unsigned n = (unsigned)__builtin_ctz(~am); /* <= 16 */
                    if (n == 0)
                        break;
                    __m128i b = _mm_or_si128(v, _mm_and_si128(alpha, _mm_set1_epi8(0x20)));
                    /* byte k against byte k - 1, byte 0 against the last one kept */
                    __m128i prev = _mm_or_si128(_mm_slli_si128(b, 1), _mm_cvtsi32_si128(last));
                    if ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, prev)) & ((1u << n) - 1))
                        break;
                    _mm_storeu_si128((__m128i *)(cv + cl), b); /* room: canon_reserve */
                    cl += n;
                    i += n;
                    last = (unsigned char)cv[cl - 1];
                    run = 1;
                    if (n < 16)
                        goto word_done; /* the word ended: s[i] is no letter or digit */
                }
#endif
                while (i < len && is_alnum(c = s[i])) {
                    unsigned char b = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
                    i++;
                    if (b == last && run > 0) {
                        if (run == 2) {
                            cl--; /* third in a row: drop the second, squeeze the run */
                            run = 3;
                            fv->plain = 0; /* a char store: cv, cl are locals */
                            continue;
                        }
                        if (run >= 3)
                            continue;
                        run++;
                    } else {
                        last = b;
                        run = 1;
                    }
                    cv[cl++] = (char)b;
                }
#if defined(__SSE2__)
            word_done:
#endif
                fv->canon_len = cl;
                ts.last = last;
                ts.run = run;
                if (i < len && s[i] == ' ') { /* the usual end: the loop's first test */
                    tok_push(fv, ts.start, (uint32_t)(cl - ts.start));
                    ts.start = UINT32_MAX;
                    i++;
                }
                continue;
            }
            if ((c == 'h' || c == 'H' || c == 'w' || c == 'W') && ts.start == UINT32_MAX) {
                size_t u = url_len(text + i, len - i);
                if (u) {
                    i += u;
                    fv->plain = 0;
                    tok_word(fv, &ts, "url");
                    continue;
                }
            }
            if (c == '[' && ts.start == UINT32_MAX) {
                /* placeholders of the text layer: "[mention]" reads like the
                 * corpora's "USER", "[url]" like "URL" */
                static const struct { const char *ph; const char *word; } phs[] = {
                    {"[mention]", "user"}, {"[url]", "url"}, {"[email]", "email"},
                    {"[telepon]", "telepon"}, {"[nik]", "nik"}};
                size_t j;
                for (j = 0; j < sizeof phs / sizeof phs[0]; j++) {
                    size_t pl = strlen(phs[j].ph);
                    if (len - i >= pl && memcmp(text + i, phs[j].ph, pl) == 0) {
                        i += pl;
                        fv->plain = 0;
                        tok_word(fv, &ts, phs[j].word);
                        break;
                    }
                }
                if (j < sizeof phs / sizeof phs[0])
                    continue;
            }
            if (is_alnum(c)) {
                tok_add_ascii(fv, &ts, (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
                i++;
                continue;
            }
            if (c == '@' && i + 1 < len && (is_alnum(s[i + 1]) || s[i + 1] == '_')) {
                i++;
                while (i < len && (is_alnum(s[i]) || s[i] == '_' || s[i] == '.'))
                    i++;
                fv->plain = 0;
                tok_word(fv, &ts, "user");
                continue;
            }
            if (c == '\'' && ts.start != UINT32_MAX && i + 1 < len && is_alnum(s[i + 1])) {
                i++; /* "don't" stays one token */
                fv->plain = 0;
                continue;
            }
            tok_end(fv, &ts);
            if (c == '?' || c == '!') {
                /* keep question/exclamation marks: they carry kind and tone */
                char m[2] = {(char)c, 0};
                tok_word(fv, &ts, m);
                while (i + 1 < len && s[i + 1] == c)
                    i++;
            }
            i++;
            continue;
        }
        fv->plain = 0; /* not ASCII */
        int32_t cp;
        size_t k = decode(s + i, len - i, &cp);
        if (cp < 0) {
            tok_end(fv, &ts);
            i += k;
            continue;
        }
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ND) {
            int32_t lc = utf8proc_tolower(cp);
            unsigned char enc[4];
            utf8proc_ssize_t m = utf8proc_encode_char(lc, enc);
            tok_add_bytes(fv, &ts, enc, (size_t)m);
        } else if (cat == UTF8PROC_CATEGORY_SO || cat == UTF8PROC_CATEGORY_SK) {
            /* emoji and symbols: one token each, skin-tone modifiers dropped */
            tok_end(fv, &ts);
            if (!(cp >= 0x1f3fb && cp <= 0x1f3ff)) {
                tok_add_bytes(fv, &ts, s + i, k);
                tok_end(fv, &ts);
            }
        } else {
            tok_end(fv, &ts);
        }
        i += k;
    }
    tok_end(fv, &ts);
    fv->canon[fv->canon_len] = '\0';
}

static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static void table_reserve(gg_filter_fv *fv, size_t maxfeat)
{
    size_t want = 256;
    while (want < maxfeat * 2)
        want *= 2;
    /* a small post probes a small table (it stays in L1), even after a
     * long one grew the allocation */
    fv->mask = want - 1;
    if (want > fv->nslot) {
        gg_free(fv->slot);
        fv->slot = gg_calloc(want, sizeof *fv->slot);
        fv->nslot = want;
        /* gen goes on (the new slots' 0 is below it): the word memo's post
         * stamps are generations too, and must not meet an old one again */
    }
    if (maxfeat + GG_FILTER_NEXTRA > fv->cap) {
        size_t c = maxfeat + GG_FILTER_NEXTRA;
        fv->idx = gg_realloc(fv->idx, c * sizeof *fv->idx);
        fv->val = gg_realloc(fv->val, c * sizeof *fv->val);
        fv->cap = c;
    }
    if (maxfeat > fv->xcap) {
        gg_free(fv->rep);
        gg_free(fv->rep_d);
        gg_free(fv->xkey);
        gg_free(fv->xneg);
        gg_free(fv->rmap);
        fv->xneg = gg_malloc(maxfeat * sizeof *fv->xneg);
        fv->rmap = gg_calloc(maxfeat / 64 + 1, sizeof *fv->rmap);
        fv->rep = gg_malloc(maxfeat * sizeof *fv->rep);
        fv->rep_d = gg_malloc(maxfeat * sizeof *fv->rep_d);
        fv->xkey = gg_malloc(maxfeat * sizeof *fv->xkey);
        fv->xcap = maxfeat;
    }
    if (++fv->gen == 0) { /* wrapped: clear the stamps once every 2^32 docs */
        for (size_t i = 0; i < fv->nslot; i++)
            fv->slot[i].gen = 0;
        if (fv->memo)
            for (size_t i = 0; i < GG_FILTER_WMEMO_SLOTS; i++)
                fv->memo[i].post = 0;
        fv->gen = 1;
    }
}

/* The count table's state, in a local of gg_filter_fv_build for the whole
 * of its counting loops: through fv, every store of a slot, a key or a memo
 * field may alias fv's fields, so GCC reloaded the table, the generation
 * and the count at every key and every word. The functions below are
 * always inlined, so the struct lives in registers. */
typedef struct ctab {
    struct gg_filter_slot *slot;
    size_t mask; /* this document's part of the table, minus 1 */
    uint32_t gen;
    uint32_t *idx, *xneg;
    uint64_t *rmap;
    float *val;
    size_t n, nx; /* fv->n, fv->nxneg */
    size_t nword; /* the word block's end (the character block counts from there) */
} ctab;

/* Count a feature: a word feature (gram 0), or a character n-gram (gram 1)
 * one of whose keys is a word feature's (its slot's pos < nword) adds to
 * that feature and is noted in xneg for the per-word sums. A feature counted
 * again is marked in rmap, so weigh and weigh_chars visit only those and
 * not every feature. gram is a constant at every call: the two loops
 * compile apart. */
static inline __attribute__((always_inline)) void count_key(ctab *ct, uint32_t key, int gram)
{
    size_t h = key & ct->mask; /* a key is a hash's top bits already */
    for (;;) {
        struct gg_filter_slot *sl = &ct->slot[h];
        if (__builtin_expect(sl->gen != ct->gen, 1)) { /* most keys are new to the text */
            /* plain stores: GCC otherwise packs the two of the slot in a
             * vector register first, three instructions for two */
            sl->gen = ct->gen;
            __asm__("" : "+m"(sl->gen));
            sl->pos = (uint32_t)ct->n;
            ct->idx[ct->n] = key;
            ct->val[ct->n] = 1.0f;
            ct->n++;
            return;
        }
        uint32_t pos = sl->pos;
        if (ct->idx[pos] == key) {
            ct->val[pos] += 1.0f;
            if (gram && pos < ct->nword)
                ct->xneg[ct->nx++] = key;
            ct->rmap[pos >> 6] |= 1ULL << (pos & 63);
            return;
        }
        h = (h + 1) & ct->mask;
    }
}

static inline __attribute__((always_inline)) void count_word(ctab *ct, uint32_t key)
{
    count_key(ct, key, 0);
}

static inline __attribute__((always_inline)) void count_char(ctab *ct, uint32_t key)
{
    count_key(ct, key, 1);
}

/* count_char for a word's memoized keys: the same counts in the same order,
 * two keys a step (the loop's test and increment were a fifth of a key's
 * instructions). */
static inline __attribute__((always_inline)) void count_keys(ctab *ct, const uint32_t *keys,
                                                             unsigned nk)
{
    const uint32_t *k = keys, *end = keys + nk;
    if (nk & 1)
        count_char(ct, *k++);
    for (; k != end; k += 2) {
        count_char(ct, k[0]);
        count_char(ct, k[1]);
    }
}

/* A memo slot's word (m: a slot's w, at least 16 bytes) against a token of
 * the canonical text (t: canon_reserve leaves 16 bytes past any token):
 * one 16-byte compare for the words that fit, memcmp past that. */
_Static_assert(GG_FILTER_WMEMO_WORD >= 16, "word_eq reads 16 bytes of a memo slot's word");
_Static_assert(sizeof(struct gg_filter_wmemo) == 256, "a memo slot is four cache lines");
static inline int word_eq(const char *m, const char *t, size_t n)
{
#if defined(__SSE2__)
    if (n <= 16) {
        unsigned eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
            _mm_loadu_si128((const __m128i *)m), _mm_loadu_si128((const __m128i *)t)));
        return (~eq & ((1u << n) - 1)) == 0;
    }
#endif
    return memcmp(m, t, n) == 0;
}

/* A word's memo slot (t: a token of the canonical text, 1..GG_FILTER_WMEMO_WORD
 * bytes, with 16 readable bytes as for word_eq): a multiply-xor hash of its
 * first 16 bytes and its length, far cheaper than the feature hash it saves
 * on a hit. Words the hash confuses only share a slot (it holds the word). */
static inline uint32_t word_slot(const char *t, size_t n)
{
#if defined(__SSE2__)
    static const unsigned char keep[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                           0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    __m128i v = _mm_and_si128(_mm_loadu_si128((const __m128i *)t),
                              _mm_loadu_si128((const __m128i *)(keep + 16 - (n < 16 ? n : 16))));
    uint64_t lo = (uint64_t)_mm_cvtsi128_si64(v);
    uint64_t hi = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v));
    uint64_t x = (lo ^ hi * 0x9e3779b97f4a7c15ULL ^ n) * 0xff51afd7ed558ccdULL;
#else
    uint64_t x = XXH3_64bits(t, n);
#endif
    return (uint32_t)(x >> (64 - __builtin_ctz(GG_FILTER_WMEMO_SLOTS)));
}

/* 1 + logf(n) for the small counts (index n < TF_SMALL), filled once from
 * logf itself: the same floats without a call per repeated feature. */
#define TF_SMALL 32
static float tf_small[TF_SMALL];
static pthread_once_t tf_once = PTHREAD_ONCE_INIT;

static void tf_fill(void)
{
    for (int n = 2; n < TF_SMALL; n++)
        tf_small[n] = 1.0f + logf((float)n);
}

/* v[0..n) *= k, four floats a step (each element the same single multiply
 * as the scalar loop, which -O2 does not vectorize) */
static void scale(float *v, size_t n, float k)
{
    size_t i = 0;
#if defined(__SSE2__)
    __m128 kk = _mm_set1_ps(k);
    for (; i + 4 <= n; i += 4)
        _mm_storeu_ps(v + i, _mm_mul_ps(_mm_loadu_ps(v + i), kk));
#endif
    for (; i < n; i++)
        v[i] *= k;
}

/* ss + 1.0 + 1.0 + ... (k times, each sum rounded), done at once where no
 * step rounds: while ss + j stays in ss's binade (below 2^53, as every sum
 * of a text's squared weights is, its ulp is at most 1: ss + j is exact),
 * or when ss is a whole number. Only the one step into the next binade is
 * rounded on its own. */
static inline double add_ones(double ss, size_t k)
{
    while (k) {
        double t = ss + (double)(int64_t)k; /* the signed conversion is one instruction */
        uint64_t bs, bt;
        memcpy(&bs, &ss, sizeof bs);
        memcpy(&bt, &t, sizeof bt);
        if (__builtin_expect((bs >> 52) == (bt >> 52), 1) || ss == (double)(int64_t)ss)
            return t;
        /* the steps below the binade's end b (b - ss is exact), then one across */
        uint64_t bb = ((bs >> 52) + 1) << 52;
        double b;
        memcpy(&b, &bb, sizeof b);
        double room = b - ss;
        size_t j = (size_t)room;
        if ((double)j == room)
            j--;
        ss += (double)(int64_t)j;
        ss += 1.0;
        k -= j + 1;
    }
    return ss;
}

/* The character block: weigh() that also keeps, for the dot product by
 * words, the factor and the features counted more than once. Only those
 * (rmap's bits, in order) need a look: a feature counted once keeps 1 and
 * adds 1.0 to the sum of squares, and a run of such is added at once
 * (add_ones: the same double as adding its 1.0s one by one). rmap is left
 * zero for the next text. */
static void weigh_chars(gg_filter_fv *fv, size_t from, size_t to)
{
    double ss = 0;
    size_t nrep = 0, next = from; /* features [next, p) are counted once */
    float *val = fv->val;
    uint64_t *rmap = fv->rmap;
    pthread_once(&tf_once, tf_fill);
    if (to > from)
        for (size_t w = from >> 6; w <= (to - 1) >> 6; w++) {
            uint64_t m = rmap[w];
            if (!m)
                continue;
            rmap[w] = 0;
            do {
                size_t p = w * 64 + (size_t)__builtin_ctzll(m);
                m &= m - 1;
                ss = add_ones(ss, p - next);
                float c = val[p];
                float v = c < (float)TF_SMALL ? tf_small[(int)c] : 1.0f + logf(c);
                fv->rep[nrep] = fv->idx[p];
                fv->rep_d[nrep++] = v - c;
                val[p] = v;
                ss += (double)v * v;
                next = p + 1;
            } while (m);
        }
    ss = add_ones(ss, to - next);
    fv->nrep = nrep;
    fv->cinv = 0;
    if (ss <= 0)
        return;
    float inv = (float)(1.0 / sqrt(ss));
    fv->cinv = inv;
    scale(val + from, to - from, inv);
}

/* Sublinear TF then L2 over the word block val[0..to), visiting only the
 * features counted more than once (rmap's bits below to, which it clears;
 * those above are the character block's) as weigh_chars does. */
static void weigh(gg_filter_fv *fv, size_t to)
{
    double ss = 0;
    size_t next = 0; /* features [next, p) are counted once */
    float *val = fv->val;
    uint64_t *rmap = fv->rmap;
    pthread_once(&tf_once, tf_fill);
    for (size_t w = 0; w * 64 < to; w++) {
        uint64_t m = rmap[w];
        if (to - w * 64 < 64)
            m &= (1ULL << (to - w * 64)) - 1;
        if (!m)
            continue;
        rmap[w] &= ~m;
        do {
            size_t p = w * 64 + (size_t)__builtin_ctzll(m);
            m &= m - 1;
            ss = add_ones(ss, p - next);
            float c = val[p]; /* a count: a whole number, > 1 */
            float v = c < (float)TF_SMALL ? tf_small[(int)c] : 1.0f + logf(c);
            val[p] = v;
            ss += (double)v * v;
            next = p + 1;
        } while (m);
    }
    ss = add_ones(ss, to - next);
    if (ss <= 0)
        return;
    float inv = (float)(1.0 / sqrt(ss));
    scale(val, to, inv);
}

int gg_filter_fv_build(gg_filter_fv *fv, const char *text, size_t len, unsigned bits)
{
    int cut = len > GG_FILTER_TEXT_CAP;
    if (cut)
        len = GG_FILTER_TEXT_CAP;
    canon_build(fv, text, len);
    if (cut)
        fv->plain = 0;
    /* word uni+bigrams: 2 per token; character n-grams of one length: at
     * most L + 3 - n for a word of L bytes padded with a space on each side,
     * and the words' bytes are at most canon_len */
    size_t maxfeat = fv->ntok * 2 +
                     (size_t)(GG_FILTER_CMAX - GG_FILTER_CMIN + 1) *
                         (fv->canon_len + fv->ntok * (GG_FILTER_CMIN < 3 ? 3 - GG_FILTER_CMIN : 0)) +
                     8;
    table_reserve(fv, maxfeat);
    fv->n = 0;
    if (fv->ntok > fv->tokx_cap) {
        size_t cc = fv->tokx_cap ? fv->tokx_cap : 256;
        while (cc < fv->ntok)
            cc *= 2;
        fv->tok_memo = gg_realloc(fv->tok_memo, cc * sizeof *fv->tok_memo);
        fv->tok_h = gg_realloc(fv->tok_h, cc * sizeof *fv->tok_h);
        fv->tok_ver = gg_realloc(fv->tok_ver, cc * sizeof *fv->tok_ver);
        fv->tokx_cap = cc;
    }
    if (!fv->memo) { /* slots on cache-line boundaries (malloc gives 16 bytes) */
        size_t a = _Alignof(struct gg_filter_wmemo);
        fv->memo_mem = gg_calloc(1, GG_FILTER_WMEMO_SLOTS * sizeof *fv->memo + a);
        fv->memo = (struct gg_filter_wmemo *)(((uintptr_t)fv->memo_mem + a - 1) & ~(uintptr_t)(a - 1));
        fv->memo_bits = bits; /* empty already: no clearing (nor touching its 2 MiB) */
    }
    if (fv->memo_bits != bits) { /* the keys were hashed to another width */
        memset(fv->memo, 0, GG_FILTER_WMEMO_SLOTS * sizeof *fv->memo);
        fv->memo_bits = bits;
    }
    unsigned shift = 64 - bits;
    const char *c = fv->canon;
    uint64_t prev = 0;
    ctab ct = {fv->slot, fv->mask, fv->gen, fv->idx, fv->xneg, fv->rmap, fv->val, 0, 0, 0};
    for (size_t t = 0; t < fv->ntok; t++) {
        const char *w = c + fv->tok[t * 2];
        size_t wl = fv->tok[t * 2 + 1];
        fv->tok_memo[t] = -1;
        if (wl - 1 < GG_FILTER_WMEMO_WORD) {
            /* the word's memo slot, read in the next loops: the memo (2 MiB)
             * is mostly outside L2, and its first line was the miss of this
             * function; three lines hold the word, its counters and keys */
            uint32_t slot = word_slot(w, wl);
            const char *pm = (const char *)&fv->memo[slot];
            fv->tok_memo[t] = (int32_t)slot;
            __builtin_prefetch(pm);
            __builtin_prefetch(pm + 64);
            __builtin_prefetch(pm + 128);
        }
    }
    for (size_t t = 0; t < fv->ntok; t++) {
        const char *w = c + fv->tok[t * 2];
        size_t wl = fv->tok[t * 2 + 1];
        int32_t slot = fv->tok_memo[t];
        const struct gg_filter_wmemo *me = slot >= 0 ? &fv->memo[slot] : NULL;
        uint64_t h;
        uint32_t uk;
        if (me && me->len == wl && word_eq(me->w, w, wl)) {
            h = me->h; /* the word's hash and unigram key, from an earlier text */
            uk = me->ukey;
            fv->tok_ver[t] = me->ver; /* the next loop's hit, unless the slot moves on */
        } else {
            h = XXH3_64bits_withSeed(w, wl, 0x6767);
            uk = (uint32_t)(mix64(h) >> shift);
            fv->tok_ver[t] = UINT64_MAX; /* no slot's ver */
        }
        count_word(&ct, uk);
        if (t > 0)
            count_word(&ct, (uint32_t)(mix64(prev * 0x100000001b3ULL ^ h ^ 0xb16b00b5ULL) >> shift));
        prev = h;
        fv->tok_h[t] = h;
    }
    size_t nword = ct.n;
    ct.nword = nword;
    fv->nxkey = 0;
    for (size_t t = 0; t < fv->ntok; t++) {
        const unsigned char *w = (const unsigned char *)c + fv->tok[t * 2];
        size_t wl = fv->tok[t * 2 + 1];
        struct gg_filter_wmemo *me = NULL;
        int32_t slot = fv->tok_memo[t];
        if (slot >= 0) {
            me = &fv->memo[slot];
            /* the slot still has the word found above, or an earlier token
             * of this text brought it there */
            int same = me->ver == fv->tok_ver[t];
            if (same || (me->len == wl && word_eq(me->w, (const char *)w, wl))) {
                count_keys(&ct, me->keys, me->nkeys);
                if (me->post == ct.gen) {
                    me->uses++;
                } else {
                    me->post = ct.gen;
                    me->uses = 1;
                }
                if (!same)
                    fv->tok_ver[t] = me->ver;
                continue;
            }
            /* a new word takes the slot; when an earlier token of this text
             * used it, that token's n-grams stay in the sums as xkey */
            if (me->post == fv->gen && me->len)
                for (uint32_t u = 0; u < me->uses; u++)
                    for (unsigned i = 0; i < me->nkeys; i++)
                        fv->xkey[fv->nxkey++] = me->keys[i];
            me->h = fv->tok_h[t];
            me->ukey = (uint32_t)(mix64(me->h) >> shift);
            me->ver = ++fv->memo_ver;
            me->post = fv->gen;
            me->uses = 1;
            me->len = (uint8_t)wl;
            memcpy(me->w, w, wl);
            me->nkeys = 0;
            me->lex_id[0] = me->lex_id[1] = 0;
            fv->tok_ver[t] = me->ver;
        }
#if GG_FILTER_CMIN == 3 && GG_FILTER_CMAX == 4
        if (wl - 1 < 62) { /* a token has a byte at least */
            /* the padded word " w " in a buffer: at each start the 3-gram's
             * key, then the 4-gram's (its hash one step on), with no bounds
             * tests: the same keys in the same order as the loop below */
            unsigned char pb[64];
            pb[0] = ' ';
            memcpy(pb + 1, w, wl);
            pb[wl + 1] = ' ';
            uint32_t *out = me ? me->keys : fv->xkey + fv->nxkey;
            size_t m = 0, last = wl - 1; /* the last start (plen - 3) */
            for (size_t st = 0; st <= last; st++) {
                uint64_t h = (0x84222325cbf29ce4ULL ^ pb[st]) * 0x100000001b3ULL;
                h = (h ^ pb[st + 1]) * 0x100000001b3ULL;
                h = (h ^ pb[st + 2]) * 0x100000001b3ULL;
                uint32_t key = (uint32_t)(mix64(h + 2) >> shift);
                count_char(&ct, key);
                out[m++] = key;
                if (st < last) { /* a 4-gram fits */
                    h = (h ^ pb[st + 3]) * 0x100000001b3ULL;
                    key = (uint32_t)(mix64(h + 3) >> shift);
                    count_char(&ct, key);
                    out[m++] = key;
                }
            }
            if (me)
                me->nkeys = (uint8_t)m;
            else
                fv->nxkey += m;
            continue;
        }
#endif
        /* padded word " w " as a virtual array: position -1 and wl are spaces */
        long plen = (long)wl + 2;
        for (long st = 0; st + GG_FILTER_CMIN <= plen; st++) {
            uint64_t h = 0x84222325cbf29ce4ULL;
            for (long k = 0; k < GG_FILTER_CMAX && st + k < plen; k++) {
                long p = st + k - 1;
                unsigned char b = (p < 0 || p >= (long)wl) ? ' ' : w[p];
                h = (h ^ b) * 0x100000001b3ULL;
                if (k >= GG_FILTER_CMIN - 1) {
                    uint32_t key = (uint32_t)(mix64(h + (uint64_t)k) >> shift);
                    count_char(&ct, key);
                    if (me)
                        me->keys[me->nkeys++] = key;
                    else
                        fv->xkey[fv->nxkey++] = key;
                }
            }
        }
    }
    fv->n = ct.n;
    fv->nxneg = ct.nx;
    weigh(fv, nword);
    weigh_chars(fv, nword, fv->n);
    fv->nword = nword;
    return 0;
}

void gg_filter_fv_extra(gg_filter_fv *fv, unsigned bits, unsigned k, float v)
{
    if (k >= GG_FILTER_NEXTRA || v == 0.0f)
        return;
    if (fv->n >= fv->cap) {
        size_t c = fv->cap ? fv->cap * 2 : 64;
        fv->idx = gg_realloc(fv->idx, c * sizeof *fv->idx);
        fv->val = gg_realloc(fv->val, c * sizeof *fv->val);
        fv->cap = c;
    }
    fv->idx[fv->n] = (1u << bits) + k;
    fv->val[fv->n] = v;
    fv->n++;
}

const char *gg_filter_fv_canon(const gg_filter_fv *fv, size_t *len_out)
{
    if (len_out)
        *len_out = fv->canon_len;
    return fv->canon ? fv->canon : "";
}

size_t gg_filter_fv_ntok(const gg_filter_fv *fv)
{
    return fv->ntok;
}

const uint32_t *gg_filter_fv_tokens(const gg_filter_fv *fv)
{
    return fv->tok;
}

int gg_filter_fv_plain(const gg_filter_fv *fv)
{
    return fv->plain;
}

size_t gg_filter_fv_words(const gg_filter_fv *fv, char *buf, size_t cap, uint32_t *pbuf,
                          size_t pcap, const char **s, size_t *len, const uint32_t **pairs)
{
    const char *c = fv->canon;
    const uint32_t *tok = fv->tok;
    size_t n = fv->ntok, k = 0;
#define GG_MARK(i) (tok[2 * (i) + 1] == 1 && (c[tok[2 * (i)]] == '?' || c[tok[2 * (i)]] == '!'))
    while (k < n && !GG_MARK(k))
        k++;
    if (k == n) { /* no mark: the canon is the joined words */
        *s = c;
        *len = fv->canon_len;
        *pairs = tok;
        return n;
    }
    size_t o = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t off = tok[2 * i], l = tok[2 * i + 1];
        if (GG_MARK(i))
            continue;
        if (m == pcap || o + (m ? 1 : 0) + l + 1 > cap)
            return (size_t)-1;
        if (m)
            buf[o++] = ' ';
        pbuf[2 * m] = (uint32_t)o;
        pbuf[2 * m + 1] = l;
        memcpy(buf + o, c + off, l);
        o += l;
        m++;
    }
#undef GG_MARK
    buf[o] = '\0';
    *s = buf;
    *len = o;
    *pairs = pbuf;
    return m;
}

void gg_filter_fv_token(const gg_filter_fv *fv, size_t i, uint32_t *off, uint32_t *len)
{
    *off = fv->tok[i * 2];
    *len = fv->tok[i * 2 + 1];
}
