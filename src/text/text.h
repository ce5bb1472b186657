/*
 * text.h — the text layer's first step on every submission (text layer,
 * depends on core only). Validates UTF-8, normalizes (Unicode NFKC + case
 * folding, then the informal-Indonesian rules), extracts URLs, mentions,
 * hashtags, e-mails, phone numbers, NIKs and emoji, and builds a display
 * copy with personal data redacted. Pure functions: thread-safe once the
 * process-wide tables are loaded (gg_text_init).
 */
#ifndef GG_TEXT_TEXT_H
#define GG_TEXT_TEXT_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/** Result of gg_text_analyze; every member is owned by the doc. */
typedef struct gg_text_doc {
    char *norm; /* normalized text for matching/models, NUL-terminated */
    size_t norm_len;
    char *display; /* original text with e-mails, phones, NIKs redacted */
    size_t display_len;
    json_t *entities; /* {"urls":[…],"mentions":[…],"hashtags":[…],"emails":[…],
                         "phones":[…],"nik":[…],"emoji":[…]} (hashtags split, see docs) */
    size_t norm_cap, display_cap; /* the buffers' sizes: gg_text_doc_dispose
                         keeps them for the thread's next analysis */
} gg_text_doc;
/* Shapes, in order of appearance; every key is always present:
 *   urls      strings as written ("https://bit.ly/x", "www.detik.com", "bit.ly/x")
 *   mentions  lower-case handles without '@' ("pakbupati")
 *   hashtags  objects {"tag":"pendidikangratis","words":"pendidikan gratis"}:
 *             tag lower-cased without '#', words split at camel case, digits, '_'
 *   emails    lower-cased addresses
 *   phones    Indonesian numbers as "+62…" (08…, +62…, 62 8…, landlines 0[2-7]…,
 *             and WhatsApp chat links wa.me/62…)
 *   nik       16-digit NIK strings, also written in digit groups (province/date
 *             fields checked)
 *   emoji     UTF-8 emoji sequences, variation selectors and skin tones removed
 * norm is NFKC + case-folded with whitespace squeezed; URLs, mentions, e-mails,
 * phones and NIKs become the tokens [url] [mention] [email] [telepon] [nik],
 * a hashtag becomes its split words, each emoji (and each ASCII emoticon, as
 * the matching emoji) a space-separated token; with the tables loaded, the
 * informal rules (slang, elongation, reduplication, laughter, units glued to
 * numbers) apply; docs/text.md has the details. display is the input with e-mails, phones and NIKs
 * replaced by [email], [telepon], [NIK]; everything else is kept byte for byte. */

/** Load process-wide tables (slang lexicon …) from data_dir (NULL: built-in
 *  default "data"). Call once before threads start; 0 or GG_EIO (then the
 *  tables loaded before, if any, stay). Safe to skip: gg_text_analyze then
 *  runs without the lexicon-based rules. */
int gg_text_init(const char *data_dir);

/** 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates, no NUL). */
int gg_text_utf8_valid(const char *s, size_t len);

/** Analyze text[0..len). On success 0 and *out filled (dispose with
 *  gg_text_doc_dispose). GG_EUTF8 when the input is not valid UTF-8,
 *  GG_ELIMIT when it is longer than GG_TEXT_MAX bytes. */
#define GG_TEXT_MAX (64 * 1024)
int gg_text_analyze(gg_text_doc *out, const char *text, size_t len);
/** Free what doc holds and zero it; NULL and an already disposed doc are fine. */
void gg_text_doc_dispose(gg_text_doc *doc);

/** Flags of gg_text_analyze_ex. */
enum {
    GG_TEXT_NO_ENTITIES = 1 << 0 /* leave doc.entities NULL (about a third faster):
                                    for callers that read only norm/display */
};

/** gg_text_analyze with flags (0: the same as gg_text_analyze). */
int gg_text_analyze_ex(gg_text_doc *out, const char *text, size_t len, int flags);

/* ---- tokens ------------------------------------------------------------ */

/** Flags of gg_text_tokenize. */
enum {
    GG_TEXT_STOPWORDS = 1 << 0, /* drop stop words (data/lexicon/stopwords-id.txt;
                                   negations such as "tidak" are kept) */
    GG_TEXT_STEM = 1 << 1,      /* Snowball Indonesian stem, corrected by
                                   data/lexicon/stem-exceptions.tsv */
    GG_TEXT_NO_SPECIAL = 1 << 2 /* drop [url]/[mention]/… placeholders and emoji */
};

/** Tokens of one text, reusable across calls: one byte buffer holding every
 *  token NUL-terminated back to back, and offsets/lengths into it. A call
 *  reuses the memory of the previous one, so a worker that keeps one
 *  gg_text_tokens allocates nothing in the steady state. Not thread-safe:
 *  one per thread (it also owns that thread's Snowball stemmer). */
typedef struct gg_text_tokens {
    char *buf;     /* tokens, each NUL-terminated; owned */
    uint32_t *off; /* token i starts at buf + off[i]; owned */
    uint32_t *len; /* its length in bytes, without the NUL; owned */
    size_t count;  /* number of tokens */
    size_t buf_cap, tok_cap;
    void *stemmer;    /* struct sb_stemmer *, created on first GG_TEXT_STEM use */
    void *stem_cache; /* recent stems (private), created with the stemmer */
} gg_text_tokens;

/** Prepare an empty token list (no allocation). */
void gg_text_tokens_init(gg_text_tokens *t);
/** Free what the list holds (and its stemmer); NULL is fine. */
void gg_text_tokens_dispose(gg_text_tokens *t);

/** Split a normalized text (gg_text_doc.norm) into tokens, replacing what
 *  out held before. Tokens: words (letters, marks, digits; a hyphen inside a
 *  word keeps it whole, "anak-anak"; "3.5" stays one token), the
 *  placeholders "[url]" "[mention]" "[email]" "[telepon]" "[nik]", and emoji
 *  sequences; punctuation is dropped. Hashtag words are plain words in norm.
 *  flags: GG_TEXT_STOPWORDS, GG_TEXT_STEM (a hyphenated word is stemmed as its
 *  first part: "anak-anak" -> "anak"), GG_TEXT_NO_SPECIAL. Input must be
 *  valid UTF-8 (norm is). 0; GG_ELIMIT when len > 16 * GG_TEXT_MAX;
 *  GG_EINTERNAL when the stemmer cannot be created. Uses the tables of
 *  gg_text_init (without them, nothing counts as a stop word or exception). */
int gg_text_tokenize(gg_text_tokens *out, const char *norm, size_t len, int flags);

/** Token i (borrowed, NUL-terminated, valid until the next call on t). */
static inline const char *gg_text_token(const gg_text_tokens *t, size_t i)
{
    return t->buf + t->off[i];
}

/** Stem one lower-case word into out (at most cap bytes incl. NUL) with
 *  the exceptions applied; returns its length, or GG_ELIMIT when it does not
 *  fit. Uses (and creates) t's stemmer. */
int gg_text_stem(gg_text_tokens *t, const char *word, size_t len, char *out, size_t cap);

#endif
