/*
 * text_int.h — private to src/text (not a public header): the process-wide
 * word tables that gg_text_init loads and the helpers the normalizer and the
 * tokenizer share. Tables are filled once before threads start and are
 * read-only afterwards, so lookups need no lock.
 */
#ifndef GG_TEXT_TEXT_INT_H
#define GG_TEXT_TEXT_INT_H
#include <stddef.h>
#include <stdint.h>

/** Which table a lookup goes to. */
enum {
    GG_TEXT__SLANG = 0, /* informal word -> formal replacement (data/lexicon/slang.tsv) */
    GG_TEXT__KNOWN,     /* formal words (targets of the slang table, stop words) */
    GG_TEXT__STOP,      /* stop words (data/lexicon/stopwords-id.txt) */
    GG_TEXT__STEMX,     /* word -> stem where Snowball over-stems (stem-exceptions.tsv) */
    GG_TEXT__NTABLES
};

/** All tables live in one hash keyed by the word, so one probe answers
 *  every question about a word; flags say which tables hold it. */
enum {
    GG_TEXT__F_SLANG = 1 << GG_TEXT__SLANG,
    GG_TEXT__F_KNOWN = 1 << GG_TEXT__KNOWN,
    GG_TEXT__F_STOP = 1 << GG_TEXT__STOP,
    GG_TEXT__F_STEMX = 1 << GG_TEXT__STEMX,
    GG_TEXT__F_NOCAPS = 1 << 4, /* slang entry not used when written in capitals */
    GG_TEXT__F_NONUM = 1 << 5,  /* slang entry not used right after a number */
    GG_TEXT__F_EN = 1 << 6,     /* an English function word (language vote) */
};

typedef struct gg_text__entry {
    uint32_t hash;                      /* 0: empty slot */
    uint32_t koff, slang_off, stem_off; /* offsets into the string pool */
    uint16_t klen, slang_len, stem_len;
    uint8_t flags;
} gg_text__entry;

/** The entry of word w[0..n), or NULL; borrowed, valid until the next load. */
const gg_text__entry *gg_text__get(const char *w, size_t n);

/** The string at offset off of the tables' pool (entry values). */
const char *gg_text__str(uint32_t off);

/** Value stored for key w[0..n) in table `which`, or NULL; *vlen gets its
 *  length. The pointer is borrowed from the table and lives until exit. */
const char *gg_text__lookup(int which, const char *w, size_t n, size_t *vlen);

/** 1 when w[0..n) is a key of table `which`. */
int gg_text__has(int which, const char *w, size_t n);

/** Load the tables from dir (data/lexicon/ below it); 0, or GG_EIO when the
 *  slang table cannot be read. Not thread-safe: call before threads start. */
int gg_text__tables_load(const char *dir);

/** 1 once gg_text__tables_load succeeded. */
int gg_text__tables_ready(void);

/** Changes with every load, so per-thread caches of table results can tell
 *  that they are stale. */
uint32_t gg_text__tables_generation(void);

/** Length of the UTF-8 sequence whose lead byte is c (1 for ASCII and for
 *  continuation bytes, which valid input never starts with). */
static inline size_t gg_text__u8len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/** Decode the code point at s (input already validated). */
static inline int32_t gg_text__u8dec(const unsigned char *s, size_t *adv)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *adv = 1;
        return c;
    }
    if (c < 0xE0) {
        *adv = 2;
        return ((int32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
    }
    if (c < 0xF0) {
        *adv = 3;
        return ((int32_t)(c & 0x0F) << 12) | ((int32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    }
    *adv = 4;
    return ((int32_t)(c & 0x07) << 18) | ((int32_t)(s[1] & 0x3F) << 12) |
           ((int32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/** 1 when cp starts an emoji (pictographs, dingbats, flags …). */
int gg_text__emoji_start(int32_t cp);

/** 1 when cp is a letter, mark or digit (part of a word). */
int gg_text__wordcp(int32_t cp);

#endif
