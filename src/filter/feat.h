/*
 * feat.h — hashed sparse features for the filter's linear models (filter
 * layer, depends on core). Text is canonicalized (case fold, elongation
 * squeeze, @mention -> "user", URL -> "url", emoji as tokens), then word
 * 1-2-grams and per-word character 2-5-grams are hashed into 2^bits dims,
 * counted, weighted by sublinear TF and L2-normalized per block. A few
 * "extra" dense slots above the hashed range carry lexicon and stacked-model
 * values. A gg_filter_fv is a reusable scratch: no allocation per token, only
 * an occasional growth per document. One fv per thread.
 */
#ifndef GG_FILTER_FEAT_H
#define GG_FILTER_FEAT_H
#include <stddef.h>
#include <stdint.h>

/** Hash bits of every shipped model; changing it needs a retrain. */
#define GG_FILTER_BITS 18
/** Character n-gram lengths (per word, with a space on each side). */
#ifndef GG_FILTER_CMIN
#define GG_FILTER_CMIN 3
#endif
#ifndef GG_FILTER_CMAX
#define GG_FILTER_CMAX 4
#endif
/** Number of dense extra slots stored after the 2^bits hashed dims. */
#define GG_FILTER_NEXTRA 64
/** Only the first this many bytes of a text make features (bounds the work). */
#define GG_FILTER_TEXT_CAP 8192

/** A slot of the count table (private to feat.c): the feature's position in
 *  idx/val, valid when gen is the text's; its key is idx[pos]. Eight bytes,
 *  so a slot's address is one scaled index and a new key two stores. */
struct gg_filter_slot {
    uint32_t gen, pos;
};

/** The per-thread word memo (private to feat.c and lexicon.c): a word met
 *  before costs one probe instead of its character n-gram hashing and its
 *  lexicon probes. Direct-mapped on a cheap hash of the word; the word
 *  itself is compared, so a collision only costs a recomputation. A slot is
 *  four cache lines, aligned: the fields a hit reads, the word and the keys
 *  of a word up to 8 bytes share the first two. */
#define GG_FILTER_WMEMO_SLOTS 8192
#define GG_FILTER_WMEMO_WORD 16 /* longer words are not memoized */
#define GG_FILTER_WMEMO_KEYS ((GG_FILTER_CMAX - GG_FILTER_CMIN + 1) * (GG_FILTER_WMEMO_WORD + 2))
#define GG_FILTER_WMEMO_CHAINS 3
struct gg_filter_wmemo {
    _Alignas(64) uint64_t h; /* the word's feature hash */
    uint64_t ver;     /* new at every word the slot takes (names its keys in filter.c) */
    uint32_t post;    /* the count table's generation of the last text that used it */
    uint32_t uses;    /* how many tokens of that text used it */
    uint32_t ukey;    /* its unigram feature */
    uint8_t len;      /* the word's bytes; 0: empty */
    uint8_t nkeys;    /* its character n-gram features, in the order they are counted */
    uint8_t lex_n[2]; /* lexicon chains of lex_id[k] (at most GG_FILTER_WMEMO_CHAINS) */
    uint32_t lex_id[2]; /* 0: not computed for any lexicon */
    char w[GG_FILTER_WMEMO_WORD];
    uint32_t keys[GG_FILTER_WMEMO_KEYS];
    const void *lex_chain[2][GG_FILTER_WMEMO_CHAINS];
};

/** One document's features: n (index, value) pairs, indices unique, unsorted. */
typedef struct gg_filter_fv {
    uint32_t *idx;
    float *val;
    size_t n, cap;
    /* scratch, private to feat.c */
    char *canon;
    size_t canon_len, canon_cap;
    uint32_t *tok;      /* token start/len pairs into canon */
    size_t ntok, tok_cap;
    int plain;          /* gg_filter_fv_plain */
    struct gg_filter_slot *slot; /* open-addressing count table */
    size_t nslot;
    size_t mask; /* this document's part of the table, minus 1 */
    uint32_t gen;
    struct gg_filter_wmemo *memo; /* GG_FILTER_WMEMO_SLOTS, allocated on first use */
    void *memo_mem;               /* its allocation (memo is memo_mem, aligned) */
    unsigned memo_bits;           /* hash width of the memo's keys */
    int32_t *tok_memo;            /* per token: its memo slot, or -1 */
    uint64_t *tok_h;              /* per token: the word's feature hash */
    uint64_t *tok_ver;            /* per token: the slot's ver when the token used it */
    size_t tokx_cap;
    uint64_t memo_ver;            /* the last ver handed to a memo slot */
    /* For the dot product by words (filter.c): the character block's value
     * of feature i is tf(count_i) * cinv, so its sum over the block is
     * cinv * (the n-gram occurrences' weights summed per word + for each
     * feature counted more than once, (tf(count) - count) * its weights). */
    size_t nword;   /* idx/val[0, nword): word 1-2-grams; then character n-grams */
    float cinv;     /* the character block's L2 factor (0: empty block) */
    uint32_t *rep;  /* keys of the character features counted more than once */
    float *rep_d;   /* tf(count) - count of each */
    size_t nrep;
    uint32_t *xkey; /* n-gram occurrences not reachable through a token's memo slot
                       (long words, slots a later word of the text took), in order */
    size_t nxkey;
    uint32_t *xneg; /* n-gram occurrences counted in the word block (their key is a word
                       feature's), which the per-word sums hold but the block must not */
    size_t nxneg;
    size_t xcap;    /* allocation of rep, rep_d and xkey */
    uint64_t *rmap; /* bit p: feature p of the character block was counted more than
                       once (xcap bits and a word more; all 0 between builds) */
} gg_filter_fv;

void gg_filter_fv_init(gg_filter_fv *fv);
void gg_filter_fv_dispose(gg_filter_fv *fv);

/**
 * Fill fv from text[0..len) (any bytes; invalid UTF-8 is skipped). Replaces
 * the previous content. bits: hash width (8..24). Word block and char block
 * are each L2-normalized. Always succeeds (0); memory comes from fv.
 */
int gg_filter_fv_build(gg_filter_fv *fv, const char *text, size_t len, unsigned bits);

/** Append extra slot k (0..GG_FILTER_NEXTRA-1) with value v (index 2^bits + k). */
void gg_filter_fv_extra(gg_filter_fv *fv, unsigned bits, unsigned k, float v);

/** The canonical text of the last build (borrowed, NUL-terminated, tokens split
 *  by single spaces). */
const char *gg_filter_fv_canon(const gg_filter_fv *fv, size_t *len_out);

/** Number of tokens of the last build; token i is (off, len) into the canon. */
size_t gg_filter_fv_ntok(const gg_filter_fv *fv);
void gg_filter_fv_token(const gg_filter_fv *fv, size_t i, uint32_t *off, uint32_t *len);
/** All of them, as ntok (off, len) pairs (borrowed). */
const uint32_t *gg_filter_fv_tokens(const gg_filter_fv *fv);
/** 1 when the last build's text was all ASCII and no rule but lower-casing
 *  made its tokens: no squeezed elongation, no URL, placeholder or mention
 *  turned into a word, no apostrophe joining two parts, nothing cut off. Its
 *  tokens other than "?" and "!" are then the text's runs of letters and
 *  digits, lower-cased: how the near-duplicate index splits a text
 *  (gg_dedup_sign_tokens can take them instead of splitting it again). Text
 *  with other characters splits there by rules of its own (emoji, marks,
 *  numbers), so it is never plain. */
int gg_filter_fv_plain(const gg_filter_fv *fv);
/** The last build's tokens but "?" and "!", joined by single spaces: *s,
 *  *len and the (offset, length) *pairs point into the canon when it has no
 *  such mark, else into buf (cap bytes) and pbuf (pcap pairs). Returns how
 *  many, or (size_t)-1 when they do not fit there. */
size_t gg_filter_fv_words(const gg_filter_fv *fv, char *buf, size_t cap, uint32_t *pbuf,
                          size_t pcap, const char **s, size_t *len, const uint32_t **pairs);

#endif
