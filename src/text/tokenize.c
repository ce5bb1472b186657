/*
 * tokenize.c — gg_text_tokenize: normalized text -> tokens for models,
 * dedupe and search (text layer). Tokens go into one reusable byte buffer
 * (NUL-separated) with an offset/length array, so a worker that keeps its
 * gg_text_tokens allocates nothing per post. Stop words and stemmer
 * exceptions come from the tables of gg_text_init; the Snowball stemmer is
 * not thread-safe, so each gg_text_tokens owns one.
 */
#include "text/text.h"
#include "text/text_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <libstemmer.h>
#include <string.h>

void gg_text_tokens_init(gg_text_tokens *t)
{
    memset(t, 0, sizeof *t);
}

void gg_text_tokens_dispose(gg_text_tokens *t)
{
    if (!t)
        return;
    gg_free(t->buf);
    gg_free(t->off);
    gg_free(t->len);
    if (t->stemmer)
        sb_stemmer_delete(t->stemmer);
    gg_free(t->stem_cache);
    memset(t, 0, sizeof *t);
}

/* Bytes used in buf so far: the end of the last token and its NUL. */
static size_t used(const gg_text_tokens *t)
{
    return t->count ? t->off[t->count - 1] + t->len[t->count - 1] + 1 : 0;
}

static void push(gg_text_tokens *t, const char *s, size_t n)
{
    size_t u = used(t);
    if (u + n + 1 > t->buf_cap) {
        size_t nc = t->buf_cap ? t->buf_cap * 2 : 1024;
        while (nc < u + n + 1)
            nc *= 2;
        t->buf = gg_realloc(t->buf, nc);
        t->buf_cap = nc;
    }
    if (t->count == t->tok_cap) {
        t->tok_cap = t->tok_cap ? t->tok_cap * 2 : 128;
        t->off = gg_realloc(t->off, t->tok_cap * sizeof *t->off);
        t->len = gg_realloc(t->len, t->tok_cap * sizeof *t->len);
    }
    memcpy(t->buf + u, s, n);
    t->buf[u + n] = '\0';
    t->off[t->count] = (uint32_t)u;
    t->len[t->count] = (uint32_t)n;
    t->count++;
}

static int stemmer_ready(gg_text_tokens *t)
{
    if (!t->stemmer)
        t->stemmer = sb_stemmer_new("indonesian", "UTF_8");
    return t->stemmer != NULL;
}

/* The exception for w, also after the particles and possessives Snowball
 * would strip first (keluarganya -> keluarga, sepertinya -> seperti).
 * e: the entry of w when the caller has it, else NULL (looked up here). */
static const char *exception(const char *w, size_t n, const gg_text__entry *e, size_t *vn)
{
    static const char sfx[][4] = {"lah", "kah", "pun", "tah", "nya", "ku", "mu"};
    static const size_t sfx_len[] = {3, 3, 3, 3, 3, 2, 2};
    if (!e)
        e = gg_text__get(w, n);
    for (int round = 0;; round++) {
        if (e && (e->flags & GG_TEXT__F_STEMX)) {
            *vn = e->stem_len;
            return gg_text__str(e->stem_off);
        }
        if (round == 2)
            return NULL;
        size_t m = n;
        for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
            size_t k = sfx_len[i];
            if (n > k + 3 && memcmp(w + n - k, sfx[i], k) == 0) {
                m = n - k;
                break;
            }
        }
        if (m == n)
            return NULL;
        n = m;
        e = gg_text__get(w, n);
    }
}

/* A small direct-mapped cache of recent stems per gg_text_tokens: words
 * repeat a lot in posts and Snowball costs about 500 instructions a word. */
#define STEM_CACHE 2048
typedef struct stem_slot {
    uint32_t hash;
    uint8_t wlen, slen; /* wlen 0: empty */
    char w[27];
    char s[27];
} stem_slot;

static uint32_t word_hash(const char *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

static int stem_part(gg_text_tokens *t, const char *word, size_t len, const gg_text__entry *e,
                     char *out, size_t cap)
{
    size_t vn;
    stem_slot *slot = NULL;
    if (len < sizeof slot->w) {
        if (!t->stem_cache)
            t->stem_cache = gg_calloc(STEM_CACHE, sizeof(stem_slot));
        uint32_t h = word_hash(word, len) ^ (gg_text__tables_generation() * 0x9E3779B9u);
        slot = &((stem_slot *)t->stem_cache)[h & (STEM_CACHE - 1)];
        if (slot->wlen == len && slot->hash == h && memcmp(slot->w, word, len) == 0) {
            if ((size_t)slot->slen + 1 > cap)
                return GG_ELIMIT;
            memcpy(out, slot->s, slot->slen);
            out[slot->slen] = '\0';
            return slot->slen;
        }
        slot->wlen = 0;
        slot->hash = h;
    }
    const char *v = exception(word, len, e, &vn);
    if (!v) {
        if (!stemmer_ready(t))
            return GG_EINTERNAL;
        v = (const char *)sb_stemmer_stem(t->stemmer, (const sb_symbol *)word, (int)len);
        if (!v)
            return GG_EINTERNAL; /* libstemmer's out of memory */
        vn = (size_t)sb_stemmer_length(t->stemmer);
        /* "@out" entries repair Snowball outputs that are not words */
        char key[80];
        if (vn != len && vn + 1 < sizeof key) {
            key[0] = '@';
            memcpy(key + 1, v, vn);
            const gg_text__entry *fx = gg_text__get(key, vn + 1);
            if (fx && (fx->flags & GG_TEXT__F_STEMX))
                v = gg_text__str(fx->stem_off), vn = fx->stem_len;
        }
    }
    if (vn + 1 > cap)
        return GG_ELIMIT;
    memcpy(out, v, vn);
    out[vn] = '\0';
    if (slot && vn < sizeof slot->s) {
        memcpy(slot->w, word, len);
        memcpy(slot->s, v, vn);
        slot->wlen = (uint8_t)len;
        slot->slen = (uint8_t)vn;
    }
    return (int)vn;
}

int gg_text_stem(gg_text_tokens *t, const char *word, size_t len, char *out, size_t cap)
{
    return stem_part(t, word, len, NULL, out, cap);
}

static inline int ascii_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Is there a word character at s[i]? Sets *adv to its byte length. */
static inline int word_at(const char *s, size_t len, size_t i, size_t *adv)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *adv = 1;
        return ascii_alnum(c);
    }
    int32_t cp = gg_text__u8dec((const unsigned char *)s + i, adv);
    if (i + *adv > len)
        return 0;
    return !gg_text__emoji_start(cp) && gg_text__wordcp(cp);
}

/* One word: stop-word check, then stem (ASCII letters only; a hyphenated
 * word by its first part). */
static int add_word(gg_text_tokens *t, const char *w, size_t n, int flags)
{
    const gg_text__entry *e = gg_text__get(w, n);
    if ((flags & GG_TEXT_STOPWORDS) && e && (e->flags & GG_TEXT__F_STOP))
        return 0;
    if (!(flags & GG_TEXT_STEM) || n > 64) {
        push(t, w, n);
        return 0;
    }
    const char *h = memchr(w, '-', n);
    size_t part = n;
    if (h && !(e && (e->flags & GG_TEXT__F_STEMX))) {
        part = (size_t)(h - w);
        e = NULL;
    }
    for (size_t i = 0; i < part; i++)
        if (!(w[i] >= 'a' && w[i] <= 'z') && w[i] != '-') {
            push(t, w, n); /* digits, non-Latin letters: no Indonesian stemming */
            return 0;
        }
    char st[80];
    int r = stem_part(t, w, part, e, st, sizeof st);
    if (r < 0)
        return r;
    push(t, st, (size_t)r);
    return 0;
}

int gg_text_tokenize(gg_text_tokens *out, const char *s, size_t len, int flags)
{
    size_t i = 0, adv;
    int rc = 0;

    out->count = 0;
    /* norm can be longer than its input: "tq" -> "terima kasih" */
    if (len > 16 * (size_t)GG_TEXT_MAX)
        return GG_ELIMIT;
    if ((flags & GG_TEXT_STEM) && !stemmer_ready(out))
        return GG_EINTERNAL;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c == '[') { /* placeholder: "[url]", "[telepon]" … */
            size_t j = i + 1;
            while (j < len && j - i < 16 && s[j] >= 'a' && s[j] <= 'z')
                j++;
            if (j < len && s[j] == ']' && j > i + 1) {
                if (!(flags & GG_TEXT_NO_SPECIAL))
                    push(out, s + i, j + 1 - i);
                i = j + 1;
                continue;
            }
            i++;
            continue;
        }
        if (c >= 0x80) {
            int32_t cp = gg_text__u8dec((const unsigned char *)s + i, &adv);
            if (gg_text__emoji_start(cp)) {
                /* norm puts each emoji sequence between spaces */
                size_t j = i;
                while (j < len && s[j] != ' ')
                    j++;
                if (!(flags & GG_TEXT_NO_SPECIAL))
                    push(out, s + i, j - i);
                i = j;
                continue;
            }
        }
        if (!word_at(s, len, i, &adv)) {
            i += adv;
            continue;
        }
        /* a word: word characters, a hyphen between two of them, and a
         * '.' or ',' between two digits ("3.5", "1,5") */
        size_t j = i + adv;
        for (;;) {
            size_t a2;
            if (j >= len)
                break;
            unsigned char d = (unsigned char)s[j];
            if (word_at(s, len, j, &a2)) {
                j += a2;
            } else if (d == '-' && j + 1 < len && word_at(s, len, j + 1, &a2)) {
                j += 1 + a2;
            } else if ((d == '.' || d == ',') && j + 1 < len && s[j - 1] >= '0' &&
                       s[j - 1] <= '9' && s[j + 1] >= '0' && s[j + 1] <= '9') {
                j += 2;
            } else {
                break;
            }
        }
        rc = add_word(out, s + i, j - i, flags);
        if (rc < 0)
            goto done;
        i = j;
    }
done:
    if (rc < 0)
        out->count = 0;
    return rc;
}
