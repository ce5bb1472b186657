/*
 * normalize.c — gg_text_analyze: the first pipeline step on every submission
 * (text layer). One hand-written left-to-right scanner over the original
 * bytes finds URLs, mentions, hashtags, e-mails, phone numbers, NIKs and
 * emoji; text between them goes through NFKC + case folding (utf8proc) and
 * the informal-Indonesian word rules into `norm`, and is copied verbatim into
 * `display`. No regex, no per-character allocation: a tweet costs a few µs.
 */
#include "text/text.h"
#include "text/text_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- output buffers ---------------------------------------------------- */

/* A growable byte buffer private to this file: the inputs are capped at
 * GG_TEXT_MAX, so outputs are bounded by a small multiple of it and need no
 * separate cap (each placeholder or expansion is a few bytes). */
typedef struct obuf {
    char *p;
    size_t len, cap;
} obuf;

static void ob_grow(obuf *b, size_t n)
{
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->len + n + 1)
        nc *= 2;
    b->p = gg_realloc(b->p, nc);
    b->cap = nc;
}

static inline void ob_add(obuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        ob_grow(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static inline void ob_addc(obuf *b, char c)
{
    if (b->len + 2 > b->cap)
        ob_grow(b, 1);
    b->p[b->len++] = c;
}

#define OB_LIT(b, lit) ob_add((b), (lit), sizeof(lit) - 1)

/* Separate a token in norm by a space (runs of spaces are squeezed later). */
static inline void ob_space(obuf *b)
{
    if (b->len > 0 && b->p[b->len - 1] != ' ')
        ob_addc(b, ' ');
}

/* ---- character classes ------------------------------------------------- */

static inline int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}
static inline int is_lower(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}
static inline int is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}
static inline int is_alpha(unsigned char c)
{
    return is_lower(c) || is_upper(c);
}
static inline int is_alnum(unsigned char c)
{
    return is_alpha(c) || is_digit(c);
}
static inline unsigned char lower(unsigned char c)
{
    return is_upper(c) ? (unsigned char)(c + 32) : c;
}

/* Bytes that continue a word for entity boundaries: an entity never starts
 * in the middle of one ("abc@def" is not a mention, "x08123…" no phone). */
static inline int is_wordish(unsigned char c)
{
    return is_alnum(c) || c == '_' || c >= 0x80;
}

/* Byte classes for the scanner's fast paths, one load per byte (each class
 * is one of the predicates above, or a set of bytes the scanner cares about). */
enum {
    K_ALNUM = 1,  /* is_alnum */
    K_PLAIN = 2,  /* a letter that starts no emoticon at a boundary (not x X T) */
    K_NEXT = 4,   /* after a word, may make it a URL or an e-mail: . @ - _ + % : [ ( */
    K_NEXT2 = 8,  /* after a word and a space, may start an obfuscated e-mail: @ [ ( */
    K_INERT = 16, /* ASCII that ends a word and starts nothing at a boundary */
    K_ADDR = 32,  /* may be in an e-mail address before its '@': alnum . _ - + % */
};
#define K_IS_ALPHA(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define K_IS_ALNUM(c) (K_IS_ALPHA(c) || ((c) >= '0' && (c) <= '9'))
#define K_OF(c)                                                                                    \
    ((K_IS_ALNUM(c) ? K_ALNUM : 0) |                                                               \
     (K_IS_ALPHA(c) && (c) != 'x' && (c) != 'X' && (c) != 'T' ? K_PLAIN : 0) |                     \
     ((c) == '.' || (c) == '@' || (c) == '-' || (c) == '_' || (c) == '+' || (c) == '%' ||          \
              (c) == ':' || (c) == '[' || (c) == '('                                               \
          ? K_NEXT                                                                                 \
          : 0) |                                                                                   \
     ((c) == '@' || (c) == '[' || (c) == '(' ? K_NEXT2 : 0) |                                      \
     ((c) < 0x80 && !K_IS_ALNUM(c) && (c) != '_' && (c) != ':' && (c) != ';' && (c) != '=' &&      \
              (c) != '<' && (c) != '-' && (c) != '^' && (c) != '#' && (c) != '@' && (c) != '+' &&  \
              (c) != '('                                                                           \
          ? K_INERT                                                                                \
          : 0) |                                                                                   \
     (K_IS_ALNUM(c) || (c) == '.' || (c) == '_' || (c) == '-' || (c) == '+' || (c) == '%' ? K_ADDR \
                                                                                          : 0))
#define K_4(c) K_OF(c), K_OF((c) + 1), K_OF((c) + 2), K_OF((c) + 3)
#define K_16(c) K_4(c), K_4((c) + 4), K_4((c) + 8), K_4((c) + 12)
#define K_64(c) K_16(c), K_16((c) + 16), K_16((c) + 32), K_16((c) + 48)
static const uint8_t kcls[256] = {K_64(0), K_64(64), K_64(128), K_64(192)};

/* The end of the run of ASCII letters and digits at t[j] (j <= len). */
static inline size_t alnum_end(const unsigned char *t, size_t len, size_t j)
{
#if defined(__SSE2__)
    /* sixteen bytes a step: c | 32 in 'a'..'z', or c in '0'..'9', compared
     * as unsigned ranges by moving them to the bottom of the signed range */
    const __m128i k32 = _mm_set1_epi8(32), la = _mm_set1_epi8((char)('a' + 128));
    const __m128i d0 = _mm_set1_epi8((char)('0' + 128));
    const __m128i l26 = _mm_set1_epi8(26 - 128), l10 = _mm_set1_epi8(10 - 128);
    for (; j + 16 <= len; j += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(t + j));
        __m128i a = _mm_cmplt_epi8(_mm_sub_epi8(_mm_or_si128(v, k32), la), l26);
        __m128i d = _mm_cmplt_epi8(_mm_sub_epi8(v, d0), l10);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(a, d)) ^ 0xFFFFu;
        if (m)
            return j + (size_t)__builtin_ctz(m);
    }
#endif
    while (j < len && (kcls[t[j]] & K_ALNUM))
        j++;
    return j;
}

/* An entity ends where no ASCII word character follows (emoji may). */
static inline int end_ok(const unsigned char *t, size_t len, size_t j)
{
    return j >= len || !(is_alnum(t[j]) || t[j] == '_');
}

int gg_text__wordcp(int32_t cp)
{
    if (cp < 0x80)
        return is_alnum((unsigned char)cp);
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return 1;
    default: return 0;
    }
}

int gg_text__emoji_start(int32_t cp)
{
    if (cp >= 0x1F000 && cp <= 0x1FAFF)
        return !(cp >= 0x1F3FB && cp <= 0x1F3FF); /* a lone skin tone is not */
    if (cp >= 0x2600 && cp <= 0x27BF)
        return 1;
    switch (cp) {
    case 0x203C:
    case 0x2049:
    case 0x2139:
    case 0x21A9:
    case 0x21AA:
    case 0x231A:
    case 0x231B:
    case 0x2328:
    case 0x23CF:
    case 0x24C2:
    case 0x25AA:
    case 0x25AB:
    case 0x25B6:
    case 0x25C0:
    case 0x2934:
    case 0x2935:
    case 0x2B05:
    case 0x2B06:
    case 0x2B07:
    case 0x2B1B:
    case 0x2B1C:
    case 0x2B50:
    case 0x2B55:
    case 0x3030:
    case 0x303D:
    case 0x3297:
    case 0x3299: return 1;
    default:
        return (cp >= 0x2194 && cp <= 0x2199) || (cp >= 0x23E9 && cp <= 0x23F3) ||
               (cp >= 0x23F8 && cp <= 0x23FA) || (cp >= 0x25FB && cp <= 0x25FE);
    }
}

/* ---- UTF-8 validation -------------------------------------------------- */

int gg_text_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    if (len > 0 && !s)
        return 0;
    while (i < len) {
        /* ASCII fast path, 16 then 8 bytes at a time (most posts are ASCII) */
#if defined(__SSE2__)
        while (i + 16 <= len) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
            /* any byte >= 0x80 (its top bit), or any zero byte */
            if (_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_setzero_si128()))))
                break;
            i += 16;
        }
        /* the last sixteen bytes, overlapping ones already checked (i is
         * at a character's start): all ASCII and no zero ends the text */
        if (i < len && i + 16 > len && len >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + len - 16));
            if (!_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_setzero_si128()))))
                break;
        }
#endif
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            /* any byte >= 0x80, or any zero byte, leaves the fast path */
            if ((w & 0x8080808080808080ull) ||
                ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = p[i];
        if (c < 0x80) {
            if (c == 0)
                return 0;
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return 0; /* continuation byte, C0/C1 overlong lead, or > U+10FFFF lead */
        }
        if (len - i < n)
            return 0;
        for (size_t k = 1; k < n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n;
    }
    return 1;
}

/* ---- the analysis state ------------------------------------------------ */

typedef struct scan {
    const unsigned char *t;
    size_t len;
    obuf norm, display;
    obuf tmp; /* scratch for case-folded text pieces */
    json_t *urls, *mentions, *hashtags, *emails, *phones, *nik, *emoji;
    /* language vote for the slang rules: English function words, Indonesian
     * stop words, and how many slang replacements were made */
    unsigned en, id, slang, no_slang;
    struct wmemo *memo; /* this thread's word memo, or NULL */
} scan;

/* ---- per-thread word memo -----------------------------------------------
 * emit_word is a pure function of the word, its context bits and the
 * tables: what it appends and how it moves the language vote. A word met
 * before (most words of a post) replays that instead of the table probes,
 * the squeeze and the slang rules. Two-way sets; the word is compared.
 * An entry is 32 bytes, a set of two one 64-byte cache line: the key (the
 * word zero-padded to sixteen bytes, the context bits in the free top bits
 * of its first ASCII bytes: one 16-byte compare; 99.98 % of the bench's
 * words fit, longer ones skip the memo), how the vote moved, and the output
 * when it is not the word itself (most words come out unchanged: a hit then
 * copies them from the input). An output of more than WM_OUT bytes that
 * differs from the word is not memoized. 8,192 entries (256 KiB a thread,
 * half the L2, of which a post touches one line per distinct word): on the
 * 20,000 bench posts emit_word ran 47,814 times with 4,096 direct-mapped
 * entries, 21,856 with 4,096 in two ways, 8,817 with 8,192 in two ways. */
#define WM_SET_BITS 12
#define WM_SLOTS (2 << WM_SET_BITS)
#define WM_WORD 16
#define WM_OUT 12
#define WM_COPY 16 /* a hit copies this many bytes (from the input or out) */

/* An entry's meta: the vote moves (slang replacements, English function
 * words, Indonesian stop words: a word moves each by one or two) in fields
 * of 3 bits at bits 0, 8 and 16, the output length, and two flags. A hit
 * adds the moves to a running WM_VOTE, whose fields of 21 bits hold them
 * at once: one multiply puts the three fields where WM_VOTE has them, and
 * a mask drops the other products (they land at bits 8-10, 13-18, 26-31
 * and 34-36, outside every field). The memo serves pieces of at most
 * WM_PIECE_MAX bytes, so at most 32,768 words each moving a field by at
 * most WM_VOTE_MAX: a field cannot overflow into the next. (NFKC can make
 * a piece longer than the input; such a piece goes without the memo.) */
#define WM_VOTE(slang, en, id) ((uint64_t)(slang) | (uint64_t)(en) << 21 | (uint64_t)(id) << 42)
#define WM_VOTE_MAX 7
#define WM_PIECE_MAX 65536
#define WM_FIELD(v, k) ((unsigned)((v) >> (21 * (k))) & ((1u << 21) - 1))
#define WM_META(slang, en, id, outn)                                                              \
    ((uint32_t)(slang) | (uint32_t)(en) << 8 | (uint32_t)(id) << 16 | (uint32_t)(outn) << 27)
#define WM_META_N(m) ((m) >> 27) /* the top bits: no mask */
#define WM_SPACED (1u << 24) /* the output is not empty and does not end in a space */
#define WM_SAME (1u << 25)   /* the output is the word: a hit copies the input */
/* WM_META's moves as a WM_VOTE */
static inline uint64_t wm_votes(uint32_t m)
{
    return ((m & 0x070707u) * (1 | 1ull << 13 | 1ull << 26)) & WM_VOTE(7, 7, 7);
}

typedef struct wm_entry {
    unsigned char key[WM_WORD]; /* all zero: empty (a word has a first byte) */
    uint32_t meta;              /* WM_META | WM_SPACED | WM_SAME */
    char out[WM_OUT];           /* the output unless WM_SAME */
} wm_entry;
_Static_assert(sizeof(wm_entry) == 32, "two memo entries are one cache line");
_Static_assert((WM_PIECE_MAX + 1) / 2 * WM_VOTE_MAX < 1u << 21, "vote fields cannot overflow");
_Static_assert(WM_OUT <= WM_COPY && WM_WORD <= WM_COPY && WM_WORD < 32,
               "a hit's copy covers its output; its length fits WM_META_N");

struct wmemo {
    uint32_t gen; /* gg_text__tables_generation() of the entries */
    wm_entry *e;  /* WM_SLOTS entries, 64-byte aligned inside e_mem */
    void *e_mem;
    /* buffers kept from one analysis to the next (a post's norm, display
     * and scratch cost three mallocs and frees, ~5% of a classify run):
     * the scratch, and the buffers of docs disposed on this thread */
    obuf tmp;
    obuf spare[2];
};

static pthread_key_t wm_tkey;
static pthread_once_t wm_once = PTHREAD_ONCE_INIT;
static int wm_key_ok;

/* The calling thread's memo once wm_get made it: a thread-local read
 * instead of pthread_once and pthread_getspecific, twice a post. */
static _Thread_local struct wmemo *wm_mine;

static void wm_free(void *p)
{
    struct wmemo *m = p;
    wm_mine = NULL; /* destructors run on the exiting thread */
    gg_free(m->tmp.p);
    gg_free(m->spare[0].p);
    gg_free(m->spare[1].p);
    gg_free(m->e_mem);
    gg_free(m);
}

static void wm_key_make(void)
{
    wm_key_ok = pthread_key_create(&wm_tkey, wm_free) == 0;
}

/* The calling thread's memo (created on first use, freed when the thread
 * ends), emptied when the tables were reloaded; NULL without a key. */
static struct wmemo *wm_get(void)
{
    struct wmemo *m = wm_mine;
    if (m && m->gen == gg_text__tables_generation())
        return m;
    pthread_once(&wm_once, wm_key_make);
    if (!wm_key_ok)
        return NULL;
    m = pthread_getspecific(wm_tkey);
    if (!m) {
        m = gg_calloc(1, sizeof *m);
        if (pthread_setspecific(wm_tkey, m) != 0) {
            gg_free(m);
            return NULL;
        }
        /* two entries for the alignment, one for WM_COPY past the last */
        m->e_mem = gg_calloc(WM_SLOTS + 3, sizeof(wm_entry));
        m->e = (wm_entry *)(((uintptr_t)m->e_mem + 63) & ~(uintptr_t)63);
        m->gen = gg_text__tables_generation();
    }
    if (m->gen != gg_text__tables_generation()) {
        memset(m->e, 0, WM_SLOTS * sizeof(wm_entry));
        m->gen = gg_text__tables_generation();
    }
    wm_mine = m;
    return m;
}

static void push_str(json_t *arr, const char *s, size_t n)
{
    if (!arr) /* GG_TEXT_NO_ENTITIES */
        return;
    json_array_append_new(arr, json_stringn_nocheck(s, n));
}

/* ---- informal-Indonesian word rules ------------------------------------ */

/* Is the word of entry e one the tables know (a formal word or a slang key)? */
static inline int known_e(const gg_text__entry *e)
{
    return e && (e->flags & (GG_TEXT__F_KNOWN | GG_TEXT__F_SLANG));
}

static int known(const char *w, size_t n)
{
    return known_e(gg_text__get(w, n));
}

/* Roman numerals ("viii", "xiii", "iii") repeat letters on purpose. */
static int roman(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("ivxlcdm", w[i]))
            return 0;
    return 1;
}

/* Squeeze letter runs: 3+ repeats are elongation ("bangettt", "maaaaf");
 * the run becomes one letter, or two when only that makes a known word
 * ("maaf", "saat"). A double letter is undone only when the result is a
 * known word and the word itself is not ("bangett" -> "banget", "saat" stays).
 * e is the table entry of w (NULL: none). Writes at most n bytes to out;
 * returns the new length (n exactly when nothing changed). */
static size_t squeeze(const char *w, size_t n, const gg_text__entry *e, char *out)
{
    char one[256], two[256];
    size_t n1 = 0, n2 = 0, i;
    int has3 = 0;

    for (i = 0; i + 1 < n && w[i] != w[i + 1]; i++)
        ;
    if (i + 1 >= n || !gg_text__tables_ready() || roman(w, n)) {
        memcpy(out, w, n); /* no repeated letter (most words), or "viii" */
        return n;
    }
    for (i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && w[j] == w[i])
            j++;
        size_t run = j - i;
        if (run >= 3) {
            has3 = 1;
            one[n1++] = w[i];
            two[n2++] = w[i];
            two[n2++] = w[i];
        } else {
            for (size_t k = 0; k < run; k++)
                one[n1++] = w[i], two[n2++] = w[i];
        }
        i = j;
    }
    if (has3) {
        if (known(one, n1) || !known(two, n2)) {
            memcpy(out, one, n1);
            return n1;
        }
        memcpy(out, two, n2);
        return n2;
    }
    memcpy(out, w, n);
    if (n < 4 || known_e(e))
        return n;
    /* try undoing each double letter on its own */
    for (i = 0; i + 1 < n; i++) {
        if (w[i] != w[i + 1])
            continue;
        memcpy(out, w, i);
        memcpy(out + i, w + i + 1, n - i - 1);
        if (known(out, n - 1))
            return n - 1;
    }
    memcpy(out, w, n);
    return n;
}

static int has_vowel(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strchr("aiueo", w[i]))
            return 1;
    return 0;
}

static int suffix_ok(const char *s, size_t n)
{
    static const char *const sfx[] = {"nya", "an", "ku", "mu", "lah", "kah", "pun", "kan"};
    if (n == 0)
        return 1;
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
        if (strlen(sfx[i]) == n && memcmp(sfx[i], s, n) == 0)
            return 1;
    return 0;
}

/* Where a word stands, for slang entries that depend on it. */
enum {
    CTX_CAPS = 1,      /* written in capitals: "LBH" is an acronym, not "lbh" (lebih) */
    CTX_AFTER_NUM = 2, /* right after a number: "5 km", "2 cm" are units */
    CTX_NO_SLANG = 4   /* an English post: no Indonesian slang at all */
};

/* May the slang replacement of entry e be used here? */
static inline int slang_ok(const gg_text__entry *e, unsigned ctx)
{
    if (!e || !(e->flags & GG_TEXT__F_SLANG) || (ctx & CTX_NO_SLANG))
        return 0;
    if ((ctx & CTX_CAPS) && (e->flags & GG_TEXT__F_NOCAPS))
        return 0;
    return !((ctx & CTX_AFTER_NUM) && (e->flags & GG_TEXT__F_NONUM));
}

/* Append one letters-only word, with elongation squeezed and slang
 * replaced; e is the table entry of w (NULL: none). */
static void emit_base(obuf *o, const char *w, size_t n, const gg_text__entry *e, unsigned ctx,
                      scan *s)
{
    char sq[256];
    /* Laughter and other repeated syllables: "wkwkwkwk", "hahahaha",
     * "hehehe" -> "wkwk", "haha", "hehe" (one form for the models). */
    if (n >= 6 && w[0] != w[1]) { /* 6+: "kakak" is a word */
        size_t i = 2;
        while (i < n && w[i] == w[i - 2])
            i++;
        if (i == n) {
            ob_add(o, w, 4);
            return;
        }
    }
    size_t m = squeeze(w, n, e, sq);
    if (m != n)
        e = gg_text__get(sq, m);
    if (slang_ok(e, ctx)) {
        ob_add(o, gg_text__str(e->slang_off), e->slang_len);
        s->slang++;
    } else {
        ob_add(o, sq, m);
    }
}

/* One word of lower-case letters and digits (ASCII): the informal rules. */
static void emit_word(obuf *o, const char *w, size_t n, unsigned ctx, scan *s)
{
    if (n > 255) {
        ob_add(o, w, n);
        return;
    }
    /* whole-word slang first: keys may hold digits ("7an", "d4") */
    const gg_text__entry *e = gg_text__get(w, n);
    if (e) { /* the language vote costs nothing here: the entry is at hand */
        unsigned lang = e->flags & (GG_TEXT__F_EN | GG_TEXT__F_STOP);
        s->en += lang == GG_TEXT__F_EN;
        s->id += lang == GG_TEXT__F_STOP;
    }
    if (slang_ok(e, ctx)) {
        ob_add(o, gg_text__str(e->slang_off), e->slang_len);
        s->slang++;
        return;
    }
    size_t digits = 0, two = n;
    for (size_t i = 0; i < n; i++)
        if (is_digit((unsigned char)w[i]))
            digits++, two = i;
    /* a number glued to an abbreviated unit: 10rb -> 10 ribu, 3thn -> 3 tahun */
    if (digits > 0 && digits < n && two + 1 == digits && n - digits >= 2) {
        const gg_text__entry *u = gg_text__get(w + digits, n - digits);
        if (slang_ok(u, ctx | CTX_AFTER_NUM)) {
            s->slang++;
            ob_add(o, w, digits);
            ob_addc(o, ' ');
            ob_add(o, gg_text__str(u->slang_off), u->slang_len);
            return;
        }
    }
    if (digits == 0) {
        emit_base(o, w, n, e, ctx, s);
        return;
    }
    /* Reduplication: base + "2" (+ suffix), anak2 -> anak-anak,
     * anak2nya -> anak-anaknya, main2an -> main-mainan,
     * berkali2 -> berkali-kali, sebaik2nya -> sebaik-baiknya. */
    if (digits == 1 && w[two] == '2' && two >= 2 && has_vowel(w, two) &&
        suffix_ok(w + two + 1, n - two - 1)) {
        const char *b = w;
        size_t bn = two, pre = 0;
        const char *sfx = w + two + 1;
        size_t sn = n - two - 1;
        char first[512];
        obuf fb = {first, 0, sizeof first}; /* stays on the stack: bounded */
        if (bn >= 7 && (memcmp(b, "ber", 3) == 0 || memcmp(b, "ter", 3) == 0))
            pre = 3;
        else if (bn >= 5 && memcmp(b, "se", 2) == 0 && sn == 3 && memcmp(sfx, "nya", 3) == 0)
            pre = 2;
        else if (bn >= 5 && memcmp(b, "di", 2) == 0 && sn == 3 && memcmp(sfx, "kan", 3) == 0)
            pre = 2;
        emit_base(&fb, b, bn, gg_text__get(b, bn), ctx, s);
        ob_add(o, fb.p, fb.len);
        ob_addc(o, '-');
        if (pre) {
            ob_add(o, b + pre, bn - pre);
        } else {
            ob_add(o, fb.p, fb.len);
        }
        ob_add(o, sfx, sn);
        return;
    }
    ob_add(o, w, n);
}

/* The memo key of the ASCII word w[0..n), n <= WM_WORD, in context ctx
 * (below 8); w[0..16) must be readable (informal's piece is padded). */
#if defined(__SSE2__)
typedef __m128i wm_k;
static inline wm_k wm_key_of(const char *w, size_t n, unsigned ctx)
{
    /* sixteen 0xFF then sixteen zeros: from byte 16 - n, a mask of n bytes */
    static const unsigned char ones[32] = {255, 255, 255, 255, 255, 255, 255, 255,
                                           255, 255, 255, 255, 255, 255, 255, 255};
    /* bit 7 of bytes 0..2 carry the three context bits */
    static const unsigned char ctxbits[8][16]
        __attribute__((aligned(16))) = {{0},         {128},         {0, 128},      {128, 128},
                                        {0, 0, 128}, {128, 0, 128}, {0, 128, 128}, {128, 128, 128}};
    __m128i k = _mm_and_si128(_mm_loadu_si128((const __m128i *)w),
                              _mm_loadu_si128((const __m128i *)(ones + 16 - n)));
    return _mm_or_si128(k, _mm_load_si128((const __m128i *)ctxbits[ctx & 7]));
}
static inline uint64_t wm_half(wm_k k, int hi)
{
    return (uint64_t)_mm_cvtsi128_si64(hi ? _mm_unpackhi_epi64(k, k) : k);
}
static inline int wm_is(const wm_entry *e, wm_k k)
{
    return _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_load_si128((const __m128i *)e->key), k)) == 0xFFFF;
}
static inline void wm_store(wm_entry *e, wm_k k)
{
    _mm_store_si128((__m128i *)e->key, k);
}
#else
typedef struct {
    unsigned char b[WM_WORD];
} wm_k;
static inline wm_k wm_key_of(const char *w, size_t n, unsigned ctx)
{
    wm_k k = {{0}};
    memcpy(k.b, w, n);
    k.b[0] |= (unsigned char)((ctx & 1) << 7);
    k.b[1] |= (unsigned char)((ctx & 2) << 6);
    k.b[2] |= (unsigned char)((ctx & 4) << 5);
    return k;
}
static inline uint64_t wm_half(wm_k k, int hi)
{
    uint64_t x;
    memcpy(&x, k.b + (hi ? 8 : 0), 8);
    return x;
}
static inline int wm_is(const wm_entry *e, wm_k k)
{
    return memcmp(e->key, k.b, WM_WORD) == 0;
}
static inline void wm_store(wm_entry *e, wm_k k)
{
    memcpy(e->key, k.b, WM_WORD);
}
#endif

/* The set of two entries for key k: multiplicative hashing of its halves,
 * the top bits pick the set. */
static inline wm_entry *wm_set(wm_entry *slots, wm_k k)
{
    uint64_t x = ((wm_half(k, 0) * 0x9E3779B97F4A7C15ull) ^ wm_half(k, 1)) * 0xC2B2AE3D27D4EB4Full;
    return &slots[(x >> (64 - WM_SET_BITS)) * 2];
}

/* A memo miss: emit_word, and its result into the first entry of the set
 * (its old entry moves to the second: first in, first out). */
static void wm_miss(obuf *o, const char *w, size_t n, unsigned ctx, scan *s, wm_entry *e, wm_k k)
{
    e[1] = e[0];
    size_t at = o->len;
    unsigned sl = s->slang, en = s->en, id = s->id;
    emit_word(o, w, n, ctx, s);
    size_t outn = o->len - at;
    if (outn > WM_WORD || s->slang - sl > WM_VOTE_MAX || s->en - en > WM_VOTE_MAX ||
        s->id - id > WM_VOTE_MAX) {
        memset(e->key, 0, sizeof e->key);
        return;
    }
    int same = outn == n && memcmp(o->p + at, w, n) == 0;
    if (!same && outn > WM_OUT) {
        memset(e->key, 0, sizeof e->key);
        return;
    }
    wm_store(e, k);
    e->meta = WM_META(s->slang - sl, s->en - en, s->id - id, outn) |
              (outn > 0 && o->p[at + outn - 1] != ' ' ? WM_SPACED : 0) | (same ? WM_SAME : 0);
    memcpy(e->out, o->p + at, same ? 0 : outn);
}

/* Were the letters of orig[0..n) all capitals (2 or more of them)? */
static int all_caps(const unsigned char *orig, size_t n)
{
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_lower(orig[i]))
            return 0;
        letters += is_upper(orig[i]);
    }
    return letters >= 2;
}

/* Informal rules over a case-folded piece: words go through emit_word,
 * everything else is copied, whitespace becomes single spaces. orig is the
 * piece before folding when it has the same offsets (ASCII), else NULL.
 * p[n..n+16) must be readable zeros (flush_plain pads the piece).
 * The output buffer and the vote live in locals, written back around the
 * calls that need them: a store through op may alias any field, and GCC
 * would reload them after each. */
static void informal(scan *s, const char *p, size_t n, const unsigned char *orig)
{
    obuf *o = &s->norm;
    char *op = o->p;
    size_t ol = o->len, oc = o->cap;
    uint64_t votes = 0; /* WM_VOTE: memo hits since the last sync */
    wm_entry *const slots = s->memo && n <= WM_PIECE_MAX ? s->memo->e : NULL;
    const unsigned nosl = s->no_slang ? CTX_NO_SLANG : 0;
    unsigned ctx0 = nosl; /* the next word's context: nosl, CTX_AFTER_NUM */
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i k32 = _mm_set1_epi8(32), la = _mm_set1_epi8((char)('a' + 128));
    const __m128i d0 = _mm_set1_epi8((char)('0' + 128));
    const __m128i l26 = _mm_set1_epi8(26 - 128), l10 = _mm_set1_epi8(10 - 128);
#endif
/* room for k more bytes and the final NUL */
#define RESERVE(k)                                                                                 \
    do {                                                                                           \
        if (ol + (k) + 1 > oc) {                                                                   \
            o->len = ol;                                                                           \
            ob_grow(o, (k));                                                                       \
            op = o->p, oc = o->cap;                                                                \
        }                                                                                          \
    } while (0)
/* around a call that appends to o or moves the vote */
#define SYNC_OUT()                                                                                 \
    (o->len = ol, s->slang += WM_FIELD(votes, 0), s->en += WM_FIELD(votes, 1),                     \
     s->id += WM_FIELD(votes, 2), votes = 0)
#define SYNC_IN() (op = o->p, ol = o->len, oc = o->cap)
#define SPACE()                                                                                    \
    do {                                                                                           \
        if (ol > 0 && op[ol - 1] != ' ') {                                                         \
            RESERVE(1);                                                                            \
            op[ol++] = ' ';                                                                        \
        }                                                                                          \
    } while (0)

    while (i < n) {
        unsigned char c = (unsigned char)p[i];
        if (kcls[c] & K_ALNUM) {
            size_t j;
            int ascii = 1, number;
#if defined(__SSE2__)
            /* The word's letters and digits sixteen at a time (the padding
             * makes the load safe and ends every word by byte n). A word
             * of 16+ or one that a non-ASCII byte ends takes the loop. */
            __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
            __m128i d = _mm_cmplt_epi8(_mm_sub_epi8(v, d0), l10);
            __m128i a = _mm_cmplt_epi8(_mm_sub_epi8(_mm_or_si128(v, k32), la), l26);
            unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(a, d)) ^ 0xFFFFu;
            unsigned k = stop ? (unsigned)__builtin_ctz(stop) : 16;
            if (k < 16 && (unsigned char)p[i + k] < 0x80) {
                unsigned low = (1u << k) - 1;
                j = i + k;
                number = is_digit(c) && ((unsigned)_mm_movemask_epi8(d) & low) == low;
                goto word;
            }
#endif
            j = i + 1;
            number = is_digit(c);
            while (j < n) {
                unsigned char b = (unsigned char)p[j];
                if (is_alnum(b)) {
                    number &= is_digit(b);
                    j++;
                } else if (b >= 0x80) {
                    size_t adv;
                    int32_t cp = gg_text__u8dec((const unsigned char *)p + j, &adv);
                    if (!gg_text__wordcp(cp))
                        break;
                    ascii = 0;
                    j += adv;
                } else {
                    break;
                }
            }
#if defined(__SSE2__)
        word:
#endif
            if (!ascii) {
                RESERVE(j - i);
                memcpy(op + ol, p + i, j - i);
                ol += j - i;
            } else {
                size_t wn = j - i;
                unsigned ctx =
                    ctx0 | (orig && is_upper(orig[i]) && all_caps(orig + i, wn) ? CTX_CAPS : 0);
                if (slots && wn <= WM_WORD) {
                    wm_k key = wm_key_of(p + i, wn, ctx);
                    wm_entry *e = wm_set(slots, key);
                    const wm_entry *hit = wm_is(e, key) ? e : wm_is(e + 1, key) ? e + 1 : NULL;
                    if (hit) {
                        uint32_t m = hit->meta;
                        RESERVE(WM_COPY);
                        /* a fixed-size copy: no call, and the bytes past
                         * the output are overwritten by what comes next
                         * (the piece is padded; out is followed by the
                         * next entry) */
                        memcpy(op + ol, m & WM_SAME ? p + i : hit->out, WM_COPY);
                        ol += WM_META_N(m);
                        votes += wm_votes(m);
                        /* the space after it: room is left from WM_COPY */
                        if ((m & WM_SPACED) && p[j] == ' ')
                            op[ol++] = ' ', j++;
                    } else {
                        SYNC_OUT();
                        wm_miss(o, p + i, wn, ctx, s, e, key);
                        SYNC_IN();
                    }
                } else {
                    SYNC_OUT();
                    emit_word(o, p + i, wn, ctx, s);
                    SYNC_IN();
                }
            }
            ctx0 = nosl | (number ? CTX_AFTER_NUM : 0);
            i = j;
            /* the space after a word, most often, without another turn
             * (p[n] is a zero) */
            if (p[i] == ' ') {
                SPACE();
                i++;
            }
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            SPACE();
            i++;
        } else {
            RESERVE(1);
            op[ol++] = (char)c;
            i++;
        }
    }
    SYNC_OUT();
#undef RESERVE
#undef SYNC_OUT
#undef SYNC_IN
#undef SPACE
}

/* NFKC + case folding of t[0..n) into s->tmp, then the informal rules into
 * norm. ASCII needs no table: NFKC is the identity and folding is tolower. */
#define FOLD_OPTS                                                                                  \
    (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE |  \
     UTF8PROC_STRIPCC | UTF8PROC_LUMP)

static void flush_plain(scan *s, size_t from, size_t to)
{
    const unsigned char *t = s->t + from;
    size_t n = to - from;
    int ascii = 1;
    if (n == 0)
        return;
    ob_add(&s->display, (const char *)t, n);
    s->tmp.len = 0;
    if (s->tmp.cap < n + 1)
        ob_grow(&s->tmp, n);
    /* ASCII: control characters to spaces, capitals to lower case, sixteen
     * bytes a step; a byte >= 0x80 stops it and the piece goes through NFKC */
    size_t i = 0;
    char *o = s->tmp.p;
#if defined(__SSE2__)
    const __m128i up_lo = _mm_set1_epi8('A' - 1), up_hi = _mm_set1_epi8('Z' + 1);
    const __m128i ctl = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F), sp = _mm_set1_epi8(' ');
    const __m128i k32 = _mm_set1_epi8(32);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(t + i));
        if (_mm_movemask_epi8(v)) /* a byte >= 0x80 (negative as signed) */
            break;
        /* bytes are < 0x80 here: signed compares are the unsigned ones */
        __m128i isup = _mm_and_si128(_mm_cmpgt_epi8(v, up_lo), _mm_cmplt_epi8(v, up_hi));
        __m128i isctl = _mm_or_si128(_mm_cmplt_epi8(v, ctl), _mm_cmpeq_epi8(v, del));
        v = _mm_add_epi8(v, _mm_and_si128(isup, k32));
        v = _mm_or_si128(_mm_andnot_si128(isctl, v), _mm_and_si128(isctl, sp));
        _mm_storeu_si128((__m128i *)(o + i), v);
    }
    /* the last sixteen bytes, overlapping ones already done (the same
     * bytes in, the same out): no byte loop for the tail (unless the loop
     * stopped at a byte >= 0x80) */
    if (i < n && i + 16 > n && n >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(t + n - 16));
        if (!_mm_movemask_epi8(v)) {
            __m128i isup = _mm_and_si128(_mm_cmpgt_epi8(v, up_lo), _mm_cmplt_epi8(v, up_hi));
            __m128i isctl = _mm_or_si128(_mm_cmplt_epi8(v, ctl), _mm_cmpeq_epi8(v, del));
            v = _mm_add_epi8(v, _mm_and_si128(isup, k32));
            v = _mm_or_si128(_mm_andnot_si128(isctl, v), _mm_and_si128(isctl, sp));
            _mm_storeu_si128((__m128i *)(o + n - 16), v);
            i = n;
        }
    }
#endif
    for (; i < n; i++) {
        if (t[i] >= 0x80) {
            ascii = 0;
            break;
        }
        o[i] = (char)(t[i] < 0x20 || t[i] == 0x7F ? ' ' : lower(t[i]));
    }
    if (ascii) {
        s->tmp.len = n;
    } else {
        utf8proc_int32_t stackbuf[1024];
        utf8proc_int32_t *buf = stackbuf;
        utf8proc_ssize_t cap = 1024;
        utf8proc_ssize_t r = utf8proc_decompose(t, (utf8proc_ssize_t)n, buf, cap, FOLD_OPTS);
        if (r > cap) { /* rare: a long non-ASCII piece */
            cap = r;
            buf = gg_malloc((size_t)cap * sizeof *buf);
            r = utf8proc_decompose(t, (utf8proc_ssize_t)n, buf, cap, FOLD_OPTS);
        }
        if (r >= 0)
            r = utf8proc_reencode(buf, r, FOLD_OPTS);
        if (r > 0)
            ob_add(&s->tmp, (const char *)buf, (size_t)r);
        if (buf != stackbuf)
            gg_free(buf);
    }
    /* sixteen zeros after the piece: informal loads words as vectors */
    if (s->tmp.len + 17 > s->tmp.cap)
        ob_grow(&s->tmp, 16);
    memset(s->tmp.p + s->tmp.len, 0, 16);
    informal(s, s->tmp.p, s->tmp.len, ascii ? t : NULL);
}

/* ---- entity recognizers ------------------------------------------------
 * Each gets the start position (at a word boundary) and returns the end of
 * the entity, or 0 when there is none there. */

static int ieq(const unsigned char *a, const char *lit, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower(a[i]) != (unsigned char)lit[i])
            return 0;
    return 1;
}

/* Top-level domains accepted for a bare domain ("detik.com", "bit.ly/x").
 * The first group is accepted alone; the second only before a path, since
 * "ke.to" or "log.in" are more often typos than links. */
static int tld_ok(const unsigned char *s, size_t n, int has_path)
{
    static const char *const strong[] = {"com", "net", "org", "id", "info", "xyz",
                                         "ly",  "io",  "gl",  "me", "be",   "gd"};
    static const char *const weak[] = {
        "co",  "to",  "cc", "in", "tv", "app", "link", "site", "online", "news", "asia",
        "edu", "gov", "sg", "my", "us", "uk",  "ai",   "tk",   "ws",     "su",   "la"};
    for (size_t i = 0; i < sizeof strong / sizeof strong[0]; i++)
        if (strlen(strong[i]) == n && ieq(s, strong[i], n))
            return 1;
    if (!has_path)
        return 0;
    for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++)
        if (strlen(weak[i]) == n && ieq(s, weak[i], n))
            return 1;
    return 0;
}

/* The rest of a URL after its host: up to whitespace, quotes, angle
 * brackets or non-ASCII; trailing sentence punctuation is not part of it. */
static size_t url_tail(const unsigned char *t, size_t len, size_t i)
{
    size_t j = i, open = 0;
    while (j < len && t[j] > ' ' && t[j] < 0x7F && t[j] != '"' && t[j] != '<' && t[j] != '>') {
        if (t[j] == '(')
            open++;
        j++;
    }
    while (j > i) {
        unsigned char c = t[j - 1];
        if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
            c == ']' || c == '}' || (c == ')' && open == 0))
            j--;
        else
            break;
    }
    return j;
}

/* *fail_to: when there is no bare-host URL at i, none starts before it
 * either (a later start in the same host has the same TLD), so the caller
 * skips those starts: "a.a.a.a…" stays linear. */
static size_t match_url(const unsigned char *t, size_t len, size_t i, size_t *fail_to)
{
    size_t j;
    if (len - i >= 8 && ieq(t + i, "https://", 8))
        j = i + 8;
    else if (len - i >= 7 && ieq(t + i, "http://", 7))
        j = i + 7;
    else
        j = 0;
    if (j) {
        size_t e = url_tail(t, len, j);
        return e > j ? e : 0;
    }
    /* bare host: labels of [a-z0-9-] joined by dots, "www." or a known TLD */
    size_t h = i, last_dot = 0;
    int alpha_tld = 1;
    while (h < len &&
           (is_alnum(t[h]) || t[h] == '-' ||
            (t[h] == '.' && h + 1 < len && is_alnum(t[h + 1]) && h > i && t[h - 1] != '.'))) {
        if (t[h] == '.')
            last_dot = h;
        h++;
    }
    *fail_to = h;
    if (!last_dot)
        return 0;
    if (h < len && (t[h] == '@' || !end_ok(t, len, h)))
        return 0; /* an e-mail, or a host glued to other letters */
    for (size_t k = last_dot + 1; k < h; k++)
        if (!is_alpha(t[k]))
            alpha_tld = 0;
    int has_path = h < len && t[h] == '/';
    int www = len - i >= 4 && ieq(t + i, "www.", 4);
    if (!www && (!alpha_tld || !tld_ok(t + last_dot + 1, h - last_dot - 1, has_path)))
        return 0;
    if (has_path)
        return url_tail(t, len, h);
    return h;
}

/* *fail_to as for match_url: no e-mail starts before it when the local
 * part run does not end in '@'. */
static size_t match_email(const unsigned char *t, size_t len, size_t i, size_t *fail_to)
{
    size_t j = i;
    while (j < len && (is_alnum(t[j]) || t[j] == '.' || t[j] == '_' || t[j] == '-' || t[j] == '+' ||
                       t[j] == '%'))
        j++;
    *fail_to = j < len && t[j] == '@' ? 0 : j;
    if (j == i || j >= len || t[j] != '@' || t[j - 1] == '.')
        return 0;
    size_t d = ++j, last_dot = 0;
    while (j < len &&
           (is_alnum(t[j]) || t[j] == '-' ||
            (t[j] == '.' && j + 1 < len && is_alnum(t[j + 1]) && t[j - 1] != '.' && j > d))) {
        if (t[j] == '.')
            last_dot = j;
        j++;
    }
    if (!last_dot || j - last_dot - 1 < 2)
        return 0;
    for (size_t k = last_dot + 1; k < j; k++)
        if (!is_alpha(t[k]))
            return 0;
    if (!end_ok(t, len, j))
        return 0;
    return j;
}

/* "[at]"/"(at)" (and "[dot]"/"(dot)") at t[k]? Returns its length or 0. */
static size_t obf_word(const unsigned char *t, size_t len, size_t k, const char *w)
{
    if (k + 4 > len || (t[k] != '[' && t[k] != '('))
        return 0;
    size_t n = strlen(w);
    if (k + n + 2 > len || !ieq(t + k + 1, w, n))
        return 0;
    unsigned char close = t[k] == '[' ? ']' : ')';
    return t[k + 1 + n] == close ? n + 2 : 0;
}

static size_t skip_spaces(const unsigned char *t, size_t len, size_t k, size_t max)
{
    size_t n = 0;
    while (k < len && t[k] == ' ' && n < max)
        k++, n++;
    return k;
}

/* E-mail addresses written to dodge scrapers: "nama [at] gmail [dot] com",
 * "nama(at)gmail.com", "nama @ gmail.com". out gets the plain lower-case
 * address. *fail_to as for match_email. */
static size_t match_email_obf(const unsigned char *t, size_t len, size_t i, char *out, size_t *outn,
                              size_t *fail_to)
{
    size_t j = i, o = 0, k, at, labels = 0, last = 0;
    while (j < len && (is_alnum(t[j]) || t[j] == '.' || t[j] == '_' || t[j] == '-' || t[j] == '+' ||
                       t[j] == '%'))
        j++;
    *fail_to = j;
    if (j == i || j - i > 64)
        return 0;
    k = skip_spaces(t, len, j, 2);
    if (k < len && t[k] == '@') {
        if (k == j && k + 1 < len && t[k + 1] != ' ')
            return 0; /* a plain address: match_email's job */
        at = 1;
    } else {
        at = obf_word(t, len, k, "at");
    }
    if (!at)
        return 0;
    *fail_to = 0;
    for (size_t x = i; x < j; x++)
        out[o++] = (char)lower(t[x]);
    out[o++] = '@';
    k = skip_spaces(t, len, k + at, 2);
    for (;;) {
        size_t s0 = k;
        while (k < len && (is_alnum(t[k]) || t[k] == '-') && o < 250)
            out[o++] = (char)lower(t[k++]);
        if (k == s0)
            return 0;
        labels++;
        last = s0;
        size_t d = 0, m = skip_spaces(t, len, k, 1);
        if (k + 1 < len && t[k] == '.' && is_alnum(t[k + 1]))
            d = 1, m = k;
        else if ((d = obf_word(t, len, m, "dot")) == 0)
            break;
        k = skip_spaces(t, len, m + d, 1);
        out[o++] = '.';
    }
    if (labels < 2 || k - last < 2 || !end_ok(t, len, k))
        return 0;
    for (size_t x = last; x < k; x++)
        if (!is_alpha(t[x]))
            return 0;
    *outn = o;
    return k;
}

/* A 16-digit NIK: province code 11..94, day 01..31 (+40 for women), month
 * 01..12 — enough to tell it from other long numbers without a registry. */
static int nik_ok(const unsigned char *d)
{
    int prov = (d[0] - '0') * 10 + (d[1] - '0');
    int day = (d[6] - '0') * 10 + (d[7] - '0');
    int mon = (d[8] - '0') * 10 + (d[9] - '0');
    if (prov < 11 || prov > 94 || mon < 1 || mon > 12)
        return 0;
    return (day >= 1 && day <= 31) || (day >= 41 && day <= 71);
}

/* A NIK at t[i]: 16 digits, written together or in groups of 2+ digits
 * with single spaces, dashes or dots between them ("3201 2315 0890 0001",
 * "320123-150890-0001"). The 16 digits go to out. Returns the end or 0. */
static size_t match_nik(const unsigned char *t, size_t len, size_t i, char *out)
{
    size_t nd = 0, j = i;
    for (;;) {
        size_t g = j;
        while (j < len && is_digit(t[j]) && nd < 17)
            out[nd++] = (char)t[j++];
        if (nd > 16 || j - g < 2 || (j < len && is_digit(t[j])))
            return 0;
        if (nd == 16)
            break;
        if (j + 1 < len && (t[j] == ' ' || t[j] == '-' || t[j] == '.') && is_digit(t[j + 1]))
            j++;
        else
            return 0;
    }
    out[16] = '\0';
    return end_ok(t, len, j) && nik_ok((const unsigned char *)out) ? j : 0;
}

/* Indonesian phone numbers: 08…, +62…, 62 8…, landlines 0[2-7]…, written
 * with single spaces, dashes or dots between digit groups. The longest
 * digit-group prefix that is a valid length wins. out gets "+62…". */
static size_t match_phone(const unsigned char *t, size_t len, size_t i, char *out, size_t *outn)
{
    char d[24];
    size_t nd = 0, j = i, best = 0, bestn = 0;
    int plus = 0;
    if (t[j] == '(' && j + 1 < len && t[j + 1] == '0')
        j++; /* "(021) 555 1234" */
    else if (t[j] == '+') {
        plus = 1;
        j++;
        if (j < len && t[j] == ' ')
            j++;
    }
    char sep = 0;
    while (j < len && is_digit(t[j])) {
        size_t g = j;
        while (j < len && is_digit(t[j]) && nd < sizeof d - 1)
            d[nd++] = (char)t[j++];
        /* a short group after a space is the next number ("… 7890 2 orang") */
        if (sep == ' ' && j - g < 3)
            break;
        if (j < len && is_digit(t[j]))
            break; /* too many digits for a phone number */
        if (!end_ok(t, len, j))
            break;
        /* is d[0..nd) a phone number ending here? */
        size_t ok = 0;
        if (plus || (nd >= 2 && d[0] == '6' && d[1] == '2' && nd > 2 && d[2] == '8')) {
            if (nd >= 2 && d[0] == '6' && d[1] == '2' && nd >= 10 && nd <= 14 && d[2] != '0')
                ok = 1;
        } else if (d[0] == '0' && nd >= 2 && d[1] == '8') {
            ok = nd >= 10 && nd <= 13;
        } else if (d[0] == '0' && nd >= 2 && d[1] >= '2' && d[1] <= '7') {
            ok = nd >= 9 && nd <= 11;
        }
        if (ok) {
            best = j;
            bestn = nd;
        }
        if (nd >= 14)
            break;
        /* a single separator followed by a digit continues the number */
        if (j + 1 < len && (t[j] == ' ' || t[j] == '-' || t[j] == '.') && is_digit(t[j + 1]))
            sep = (char)t[j++];
        else if (j + 2 < len && t[j] == ')' && t[j + 1] == ' ' && is_digit(t[j + 2]))
            sep = 0, j += 2;
        else
            break;
    }
    if (!best)
        return 0;
    size_t o = 0;
    out[o++] = '+';
    if (d[0] == '0') {
        out[o++] = '6', out[o++] = '2';
        memcpy(out + o, d + 1, bestn - 1);
        o += bestn - 1;
    } else {
        memcpy(out + o, d, bestn);
        o += bestn;
    }
    *outn = o;
    return best;
}

/* Is u[0..n) a WhatsApp chat link (wa.me/628…, api.whatsapp.com/send?phone=628…)?
 * Then out gets the number as "+62…". */
static int wa_link(const unsigned char *u, size_t n, char *out, size_t *outn)
{
    static const char *const marks[] = {"wa.me/",
                                        "whatsapp.com/send?phone=", "whatsapp.com/send/?phone="};
    for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
        size_t k = strlen(marks[m]);
        for (size_t i = 0; i + k <= n && i < 40; i++) {
            if (!ieq(u + i, marks[m], k))
                continue;
            size_t j = i + k, d = 0;
            if (j < n && u[j] == '+')
                j++;
            out[0] = '+';
            while (j < n && is_digit(u[j]) && d < 15)
                out[1 + d++] = (char)u[j++];
            if (d < 9)
                return 0;
            if (out[1] == '0') { /* a local 08… number */
                memmove(out + 3, out + 2, d - 1);
                out[1] = '6', out[2] = '2';
                d++;
            }
            *outn = d + 1;
            return 1;
        }
    }
    return 0;
}

/* Hashtag body t[i..e) -> lower-case words: "PendidikanGratis" ->
 * "pendidikan gratis", "KPKLemah" -> "kpk lemah", "2019GantiPresiden" ->
 * "2019 ganti presiden", "save_kpk" -> "save kpk". */
static void split_tag(obuf *o, const unsigned char *t, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        unsigned char c = t[k];
        if (c == '_') {
            ob_space(o);
            continue;
        }
        if (k > 0 && t[k - 1] != '_') {
            unsigned char p = t[k - 1];
            int brk = (is_upper(c) && is_lower(p)) ||
                      (is_upper(c) && is_upper(p) && k + 1 < n && is_lower(t[k + 1])) ||
                      (is_digit(c) != is_digit(p));
            if (brk)
                ob_space(o);
        }
        ob_addc(o, (char)lower(c));
    }
}

/* Emoji sequence starting at t[i] (cp already known to start one): base,
 * then variation selectors, skin tones, keycap, tags, ZWJ + emoji, or a
 * second regional indicator for a flag. Appends the sequence without FE0F
 * and skin tones (fewer variants for the models) to o. Returns the end. */
static size_t emoji_seq(const unsigned char *t, size_t len, size_t i, int32_t cp, obuf *o)
{
    size_t adv;
    int ri = cp >= 0x1F1E6 && cp <= 0x1F1FF;
    gg_text__u8dec(t + i, &adv);
    ob_add(o, (const char *)t + i, adv);
    i += adv;
    while (i < len && t[i] >= 0x80) {
        int32_t c = gg_text__u8dec(t + i, &adv);
        if (c == 0xFE0F || c == 0xFE0E || (c >= 0x1F3FB && c <= 0x1F3FF)) {
            i += adv;
        } else if (c == 0x20E3 || (c >= 0xE0020 && c <= 0xE007F)) {
            ob_add(o, (const char *)t + i, adv);
            i += adv;
        } else if (ri && c >= 0x1F1E6 && c <= 0x1F1FF) {
            ob_add(o, (const char *)t + i, adv);
            i += adv;
            ri = 0;
        } else if (c == 0x200D && i + adv < len) {
            size_t adv2;
            int32_t nx = gg_text__u8dec(t + i + adv, &adv2);
            if (!gg_text__emoji_start(nx))
                break;
            ob_add(o, (const char *)t + i, adv + adv2);
            i += adv + adv2;
        } else {
            break;
        }
    }
    return i;
}

/* ASCII emoticons -> the emoji with the same meaning, so sentiment models
 * see one token for ":)" and "🙂". The last character may repeat (":)))",
 * "xDDD"); the emoticon must end before a space, punctuation or the end. */
static const struct emoticon {
    const char *text, *emoji;
} emoticons[] = {
    {":-)", "\xf0\x9f\x99\x82"}, {":)", "\xf0\x9f\x99\x82"},  {"=)", "\xf0\x9f\x99\x82"},
    {":-(", "\xf0\x9f\x99\x81"}, {":(", "\xf0\x9f\x99\x81"},  {"=(", "\xf0\x9f\x99\x81"},
    {":-D", "\xf0\x9f\x98\x80"}, {":D", "\xf0\x9f\x98\x80"},  {"=D", "\xf0\x9f\x98\x80"},
    {";-)", "\xf0\x9f\x98\x89"}, {";)", "\xf0\x9f\x98\x89"},  {":'(", "\xf0\x9f\x98\xa2"},
    {":-p", "\xf0\x9f\x98\x9b"}, {":-P", "\xf0\x9f\x98\x9b"}, {":p", "\xf0\x9f\x98\x9b"},
    {":P", "\xf0\x9f\x98\x9b"},  {"<3", "\xe2\x9d\xa4"},      {":o", "\xf0\x9f\x98\xae"},
    {":O", "\xf0\x9f\x98\xae"},  {":-/", "\xf0\x9f\x98\x95"}, {":/", "\xf0\x9f\x98\x95"},
    {":*", "\xf0\x9f\x98\x98"},  {"xD", "\xf0\x9f\x98\x86"},  {"XD", "\xf0\x9f\x98\x86"},
    {"-_-", "\xf0\x9f\x98\x91"}, {"^_^", "\xf0\x9f\x98\x8a"}, {"^^", "\xf0\x9f\x98\x8a"},
    {"T_T", "\xf0\x9f\x98\xad"}, {"T.T", "\xf0\x9f\x98\xad"},
};

static size_t match_emoticon(const unsigned char *t, size_t len, size_t i, const char **emoji)
{
    /* cheap rejection first: this runs on every ':' '-' '=' … of the text */
    if (i + 1 >= len || !strchr(")(D'pPoO/*-_^3.", t[i + 1]) || t[i + 1] == '\0')
        return 0;
    for (size_t k = 0; k < sizeof emoticons / sizeof emoticons[0]; k++) {
        const char *e = emoticons[k].text;
        if (e[0] != (char)t[i] || e[1] != (char)t[i + 1])
            continue;
        size_t n = strlen(e);
        if (len - i < n || memcmp(t + i, e, n) != 0)
            continue;
        size_t j = i + n;
        while (j < len && t[j] == (unsigned char)e[n - 1] && j - i < 16)
            j++;
        if (j < len && (is_alnum(t[j]) || t[j] == '_' || t[j] == '/'))
            continue; /* ":pasti", ":/path", "xDemo" */
        *emoji = emoticons[k].emoji;
        return j;
    }
    return 0;
}

/* ---- the scanner ------------------------------------------------------- */

static void put_token(scan *s, const char *tok, size_t n)
{
    ob_space(&s->norm);
    ob_add(&s->norm, tok, n);
    ob_addc(&s->norm, ' ');
}

#if defined(__SSE2__)
/* The masks of 16 bytes at q for run_scan's skip: letters (let), spaces
 * (sp), commas, '!' and '?' (pun), dots (dot), and x, X, T (xt). */
typedef struct skip_m {
    unsigned let, sp, pun, dot, xt;
} skip_m;

static inline skip_m skip_masks(const unsigned char *q)
{
    const __m128i k32 = _mm_set1_epi8(32), la = _mm_set1_epi8((char)('a' + 128));
    const __m128i l26 = _mm_set1_epi8(26 - 128);
    __m128i v = _mm_loadu_si128((const __m128i *)q);
    __m128i pun = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')), _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))),
        _mm_cmpeq_epi8(v, _mm_set1_epi8('?')));
    __m128i let = _mm_cmplt_epi8(_mm_sub_epi8(_mm_or_si128(v, k32), la), l26);
    /* x or X is c | 32 == 'x' */
    __m128i x = _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(v, k32), _mm_set1_epi8('x')),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8('T')));
    skip_m m;
    m.let = (unsigned)_mm_movemask_epi8(let);
    m.sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
    m.pun = (unsigned)_mm_movemask_epi8(pun);
    m.dot = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
    m.xt = (unsigned)_mm_movemask_epi8(x);
    return m;
}
#endif

static void run_scan(scan *s)
{
    const unsigned char *t = s->t;
    size_t len = s->len, i = 0, plain = 0;
    int boundary = 1; /* previous character does not continue a word */
    size_t url_fail = 0, mail_fail = 0, obf_fail = 0; /* no URL / e-mail starts before */

    while (i < len) {
        unsigned char c = t[i];
        size_t e = 0;
        int checked = 0; /* the plain-word test below already failed here */

#if defined(__SSE2__)
        /* 32 or 16 bytes at once where they are letters and separators
         * (spaces, commas, '!', '?', a '.' before a space) up to the first
         * other byte f: every word starting there before the last one
         * starting at or before f ends at a separator followed by another
         * word, so it is a plain word (below: the general dispatch finds
         * no URL, e-mail or anything else in "word. next"), unless it
         * starts with x, X or T (an emoticon check). Skip to the last such
         * start, or to the first x/X/T start; the word there goes on below. */
        if (i + 16 <= len) {
            skip_m m0 = skip_masks(t + i), m1 = {0, 0, 0, 0, 0};
            uint64_t sp = m0.sp;
            if (i + 32 <= len && ((m0.let | m0.sp | m0.pun | m0.dot) == 0xFFFF)) {
                m1 = skip_masks(t + i + 16);
                sp |= (uint64_t)m1.sp << 16;
            }
            /* a dot counts when a space follows it in the window */
            uint64_t sepm = sp | (m0.pun | (uint64_t)m1.pun << 16) |
                            ((m0.dot | (uint64_t)m1.dot << 16) & (sp >> 1));
            uint64_t okm = sepm | (m0.let | (uint64_t)m1.let << 16);
            unsigned f = (unsigned)__builtin_ctzll(~okm); /* 16 or 32 when all are */
            uint64_t starts = okm & ~sepm & ((sepm << 1) | (uint64_t)boundary) & ((2ull << f) - 1);
            uint64_t xts = (m0.xt | (uint64_t)m1.xt << 16) & starts;
            unsigned p = xts      ? (unsigned)__builtin_ctzll(xts)
                         : starts ? 63u - (unsigned)__builtin_clzll(starts)
                                  : 0;
            if (p > 0) {
                i += p;
                boundary = 1;
                continue;
            }
        }
#endif

        /* Most of a post: plain words at boundaries, spaces and
         * punctuation. The general dispatch below would find nothing in
         * the word (its first letter starts no emoticon, and no URL or
         * e-mail check runs unless one of K_NEXT follows it) nor in
         * inert bytes, which only set `boundary`. */
        if (kcls[c] & K_INERT) {
            do
                i++;
            while (i < len && (kcls[t[i]] & K_INERT));
            boundary = 1;
            continue;
        }
        if (boundary && (kcls[c] & K_PLAIN)) {
            size_t j = alnum_end(t, len, i + 1);
            if (j < len && ((kcls[t[j]] & K_NEXT) ||
                            (t[j] == ' ' && j + 1 < len && (kcls[t[j + 1]] & K_NEXT2)))) {
                checked = 1;
                goto dispatch;
            }
            i = j;
            boundary = 0;
            while (i < len && (kcls[t[i]] & K_INERT))
                i++, boundary = 1;
            continue;
        }
    dispatch:
        if (c >= 0x80) {
            size_t adv;
            int32_t cp = gg_text__u8dec(t + i, &adv);
            if (gg_text__emoji_start(cp)) {
                flush_plain(s, plain, i);
                size_t mark = s->tmp.len;
                e = emoji_seq(t, len, i, cp, &s->tmp);
                push_str(s->emoji, s->tmp.p + mark, s->tmp.len - mark);
                put_token(s, s->tmp.p + mark, s->tmp.len - mark);
                ob_add(&s->display, (const char *)t + i, e - i);
                i = plain = e;
                boundary = 1;
                continue;
            }
            boundary = !gg_text__wordcp(cp);
            i += adv;
            continue;
        }
        if (c == ':' || c == ';' || c == '=' || c == '<' || c == '-' || c == '^' ||
            (boundary && (c == 'x' || c == 'X' || c == 'T'))) {
            const char *emo;
            if ((e = match_emoticon(t, len, i, &emo)) != 0) {
                flush_plain(s, plain, i);
                put_token(s, emo, strlen(emo));
                ob_add(&s->display, (const char *)t + i, e - i);
                i = plain = e;
                boundary = 1;
                continue;
            }
        }
        if (!boundary) {
            boundary = !is_wordish(c);
            i++;
            continue;
        }
        if (c == '#' && i + 1 < len && (is_alnum(t[i + 1]) || t[i + 1] == '_')) {
            size_t j = i + 1;
            int alpha = 0;
            while (j < len && (is_alnum(t[j]) || t[j] == '_'))
                alpha |= is_alpha(t[j]), j++;
            if (alpha) {
                flush_plain(s, plain, i);
                size_t mark = s->tmp.len;
                for (size_t k = i + 1; k < j; k++)
                    ob_addc(&s->tmp, (char)lower(t[k]));
                size_t tagn = s->tmp.len - mark;
                split_tag(&s->tmp, t + i + 1, j - i - 1);
                if (s->hashtags) {
                    json_t *h = json_object();
                    json_object_set_new_nocheck(h, "tag",
                                                json_stringn_nocheck(s->tmp.p + mark, tagn));
                    json_object_set_new_nocheck(
                        h, "words",
                        json_stringn_nocheck(s->tmp.p + mark + tagn, s->tmp.len - mark - tagn));
                    json_array_append_new(s->hashtags, h);
                }
                put_token(s, s->tmp.p + mark + tagn, s->tmp.len - mark - tagn);
                ob_add(&s->display, (const char *)t + i, j - i);
                i = plain = j;
                continue;
            }
        } else if (c == '@' && i + 1 < len && (is_alnum(t[i + 1]) || t[i + 1] == '_')) {
            size_t j = i + 1;
            while (j < len && (is_alnum(t[j]) || t[j] == '_') && j - i <= 50)
                j++;
            if (end_ok(t, len, j)) {
                flush_plain(s, plain, i);
                size_t mark = s->tmp.len;
                for (size_t k = i + 1; k < j; k++)
                    ob_addc(&s->tmp, (char)lower(t[k]));
                push_str(s->mentions, s->tmp.p + mark, j - i - 1);
                put_token(s, "[mention]", 9);
                ob_add(&s->display, (const char *)t + i, j - i);
                i = plain = j;
                continue;
            }
        } else if (is_alnum(c) || c == '+' || c == '(') {
            char ph[24];
            size_t phn = 0;
            size_t we = i + 1; /* the end of the word's letters and digits */
            if (is_alnum(c))
                we = alnum_end(t, len, i + 1);
            if (is_alpha(c) && !checked) {
                /* Fast path for plain words, most of the text: a URL or an
                 * e-mail needs one of these right after the first letters. */
                unsigned char nx = we < len ? t[we] : 0;
                unsigned char nx2 = we + 1 < len ? t[we + 1] : 0;
                if (!(nx == '.' || nx == '@' || nx == '-' || nx == '_' || nx == '+' || nx == '%' ||
                      nx == ':' || nx == '[' || nx == '(' ||
                      (nx == ' ' && (nx2 == '@' || nx2 == '[' || nx2 == '(')))) {
                    i = we;
                    boundary = 0;
                    continue;
                }
            }
            if (is_alpha(c) && i >= url_fail) {
                /* match_url's host goes on past the word only over '-' or
                 * a '.' before a letter or digit, and "http(s)" needs ':'.
                 * Without one it fails there: set its mark as it would. */
                unsigned char nx = we < len ? t[we] : 0;
                if (!(nx == '-' || nx == ':' || (nx == '.' && we + 1 < len && is_alnum(t[we + 1]))))
                    url_fail = we;
            }
            if (is_alpha(c) && i >= url_fail && (e = match_url(t, len, i, &url_fail)) != 0) {
                flush_plain(s, plain, i);
                if (wa_link(t + i, e - i, ph, &phn)) {
                    /* a WhatsApp link is a phone number: redact it as one */
                    push_str(s->phones, ph, phn);
                    put_token(s, "[telepon]", 9);
                    OB_LIT(&s->display, "[telepon]");
                    i = plain = e;
                    continue;
                }
                push_str(s->urls, (const char *)t + i, e - i);
                put_token(s, "[url]", 5);
                ob_add(&s->display, (const char *)t + i, e - i);
                i = plain = e;
                continue;
            }
            if (c != '+' && c != '(' && (i >= mail_fail || i >= obf_fail)) {
                /* Both e-mail checks start with the same run of address
                 * bytes and need '@', "[at]" or "(at)" after it (at most
                 * two spaces on). Without one, set their fail marks as
                 * they would and skip them: most words that come here
                 * are followed by '.' or are numbers. */
                size_t r = i + 1;
                while (r < len && (kcls[t[r]] & K_ADDR))
                    r++;
                size_t k = skip_spaces(t, len, r, 2);
                if (!(k < len && (t[k] == '@' || t[k] == '[' || t[k] == '('))) {
                    mail_fail = i >= mail_fail ? r : mail_fail;
                    obf_fail = i >= obf_fail ? r : obf_fail;
                }
            }
            if (c != '+' && c != '(' && i >= mail_fail &&
                (e = match_email(t, len, i, &mail_fail)) != 0) {
                flush_plain(s, plain, i);
                size_t mark = s->tmp.len;
                for (size_t k = i; k < e; k++)
                    ob_addc(&s->tmp, (char)lower(t[k]));
                push_str(s->emails, s->tmp.p + mark, e - i);
                put_token(s, "[email]", 7);
                OB_LIT(&s->display, "[email]");
                i = plain = e;
                continue;
            }
            char em[256];
            size_t emn = 0;
            if (c != '+' && c != '(' && i >= obf_fail &&
                (e = match_email_obf(t, len, i, em, &emn, &obf_fail)) != 0) {
                flush_plain(s, plain, i);
                push_str(s->emails, em, emn);
                put_token(s, "[email]", 7);
                OB_LIT(&s->display, "[email]");
                i = plain = e;
                continue;
            }
            if (is_digit(c)) {
                char nik[17];
                size_t j = match_nik(t, len, i, nik);
                if (j) {
                    flush_plain(s, plain, i);
                    push_str(s->nik, nik, 16);
                    put_token(s, "[nik]", 5);
                    OB_LIT(&s->display, "[NIK]");
                    i = plain = j;
                    continue;
                }
            }
            if ((is_digit(c) || ((c == '+' || c == '(') && i + 1 < len)) &&
                (e = match_phone(t, len, i, ph, &phn)) != 0) {
                flush_plain(s, plain, i);
                push_str(s->phones, ph, phn);
                put_token(s, "[telepon]", 9);
                OB_LIT(&s->display, "[telepon]");
                i = plain = e;
                continue;
            }
            if (is_alnum(c)) {
                /* nothing starts here: nor inside the word, which has no
                 * boundary ("desa." tried the URL and e-mail checks once) */
                i = we;
                boundary = 0;
                continue;
            }
        }
        boundary = !is_wordish(c);
        i++;
    }
    flush_plain(s, plain, len);
}

/* Squeeze runs of spaces and trim, in place. */
static void squeeze_spaces(obuf *b)
{
    size_t o = 0, i = 0;
    /* most texts have neither a leading nor a double space: the bytes before
     * the first one stay where they are (sixteen pairs compared a step) */
    if (b->len && b->p[0] != ' ') {
        i = 1;
#if defined(__SSE2__)
        const __m128i sp = _mm_set1_epi8(' ');
        for (; i + 16 <= b->len; i += 16) {
            __m128i a = _mm_loadu_si128((const __m128i *)(b->p + i - 1));
            __m128i c = _mm_loadu_si128((const __m128i *)(b->p + i));
            if (_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, sp), _mm_cmpeq_epi8(c, sp))))
                break;
        }
        /* the last sixteen pairs, overlapping ones already compared (when
         * the loop found none): no byte loop for the tail when they hold
         * no double space either */
        if (i < b->len && i + 16 > b->len && b->len >= 17) {
            __m128i a = _mm_loadu_si128((const __m128i *)(b->p + b->len - 17));
            __m128i c = _mm_loadu_si128((const __m128i *)(b->p + b->len - 16));
            if (!_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, sp), _mm_cmpeq_epi8(c, sp))))
                i = b->len;
        }
#endif
        while (i < b->len && !(b->p[i] == ' ' && b->p[i - 1] == ' '))
            i++;
        o = i;
    }
    for (; i < b->len; i++) {
        if (b->p[i] == ' ' && (o == 0 || b->p[o - 1] == ' '))
            continue;
        b->p[o++] = b->p[i];
    }
    while (o > 0 && b->p[o - 1] == ' ')
        o--;
    b->len = o;
}

/* ---- public API -------------------------------------------------------- */

int gg_text_init(const char *data_dir)
{
    return gg_text__tables_load(data_dir ? data_dir : "data");
}

int gg_text_analyze(gg_text_doc *out, const char *text, size_t len)
{
    return gg_text_analyze_ex(out, text, len, 0);
}

int gg_text_analyze_ex(gg_text_doc *out, const char *text, size_t len, int flags)
{
    scan s;
    int rc = 0;

    memset(out, 0, sizeof *out);
    memset(&s, 0, sizeof s);
    if (len > GG_TEXT_MAX)
        return GG_ELIMIT;
    if (!gg_text_utf8_valid(text, len))
        return GG_EUTF8;

    s.t = (const unsigned char *)text;
    s.len = len;
    s.memo = wm_get();
    if (s.memo) {
        s.tmp = s.memo->tmp;
        s.norm = s.memo->spare[0];
        s.display = s.memo->spare[1];
        memset(&s.memo->tmp, 0, sizeof s.memo->tmp);
        memset(s.memo->spare, 0, sizeof s.memo->spare);
        s.tmp.len = s.norm.len = s.display.len = 0;
    }
    if (s.norm.cap < len + 17)
        ob_grow(&s.norm, len + 16);
    if (s.display.cap < len + 17)
        ob_grow(&s.display, len + 16);
    if (s.tmp.cap < 257)
        ob_grow(&s.tmp, 256);
    if (flags & GG_TEXT_NO_ENTITIES)
        goto scan; /* every entity array stays NULL: nothing is collected */
    out->entities = json_object();
    s.urls = json_array();
    s.mentions = json_array();
    s.hashtags = json_array();
    s.emails = json_array();
    s.phones = json_array();
    s.nik = json_array();
    s.emoji = json_array();
    json_object_set_new_nocheck(out->entities, "urls", s.urls);
    json_object_set_new_nocheck(out->entities, "mentions", s.mentions);
    json_object_set_new_nocheck(out->entities, "hashtags", s.hashtags);
    json_object_set_new_nocheck(out->entities, "emails", s.emails);
    json_object_set_new_nocheck(out->entities, "phones", s.phones);
    json_object_set_new_nocheck(out->entities, "nik", s.nik);
    json_object_set_new_nocheck(out->entities, "emoji", s.emoji);
scan:
    run_scan(&s);
    /* An English post ("please check the ad") must not get Indonesian slang
     * ("ad" -> "ada"): when English function words clearly outvote
     * Indonesian stop words and a replacement was made, scan again without
     * slang. Rare, so the common path pays only the counting. */
    if (s.slang > 0 && s.en >= 3 && s.en > 2 * s.id) {
        s.no_slang = 1;
        s.norm.len = s.display.len = 0;
        json_t *arrs[] = {s.urls, s.mentions, s.hashtags, s.emails, s.phones, s.nik, s.emoji};
        for (size_t k = 0; k < sizeof arrs / sizeof arrs[0]; k++)
            if (arrs[k])
                json_array_clear(arrs[k]);
        run_scan(&s);
    }
    squeeze_spaces(&s.norm);

    s.norm.p[s.norm.len] = '\0';
    s.display.p[s.display.len] = '\0';
    out->norm = s.norm.p;
    out->norm_len = s.norm.len;
    out->display = s.display.p;
    out->display_len = s.display.len;
    out->norm_cap = s.norm.cap;
    out->display_cap = s.display.cap;
    s.norm.p = s.display.p = NULL;
    if (s.memo)
        s.memo->tmp = s.tmp;
    else
        gg_free(s.tmp.p);
    return rc;
}

void gg_text_doc_dispose(gg_text_doc *doc)
{
    if (!doc)
        return;
    /* the buffers go to this thread's spares while it has room (a doc
     * disposed on another thread than it was made on is fine too) */
    struct wmemo *m = doc->norm_cap || doc->display_cap ? wm_get() : NULL;
    char *p[2] = {doc->norm, doc->display};
    size_t cap[2] = {doc->norm_cap, doc->display_cap};
    for (int k = 0; k < 2; k++) {
        if (!p[k])
            continue;
        if (m && cap[k] && !m->spare[k].p) {
            m->spare[k].p = p[k];
            m->spare[k].cap = cap[k];
        } else {
            gg_free(p[k]);
        }
    }
    json_decref(doc->entities);
    memset(doc, 0, sizeof *doc);
}
