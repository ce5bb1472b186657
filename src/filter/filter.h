/*
 * filter.h — the automatic filter's scores for one post (filter layer):
 * language, topics, kind, constructiveness, abuse, hate (target and
 * category), spam and sentiment, from linear models over hashed features.
 * A gg_filter is loaded once (gg_filter_open) and is then read-only: any
 * number of threads may classify with it, each with its own scratch.
 * Stage 1 heads read the text features only; stage 2 heads (topics, kind,
 * constructive) also read lexicon counts and stage 1 scores ("extras").
 */
#ifndef GG_FILTER_FILTER_H
#define GG_FILTER_FILTER_H
#include "filter/feat.h"
#include "filter/lexicon.h"
#include "filter/model.h"
#include <stddef.h>

#define GG_FILTER_NTOPIC 12
#define GG_FILTER_NKIND 8
#define GG_FILTER_NLANG 12
#define GG_FILTER_NHATEX 7

/** Label names in model column order (static). */
extern const char *const gg_filter_topics[GG_FILTER_NTOPIC];
extern const char *const gg_filter_kinds[GG_FILTER_NKIND];
extern const char *const gg_filter_langs[GG_FILTER_NLANG];
extern const char *const gg_filter_sentiments[3];
/** Hate detail columns: targets "individual","group", then categories
 *  "religion","race","physical","gender","other". */
extern const char *const gg_filter_hatex[GG_FILTER_NHATEX];

/** Extra-slot layout shared by training and prediction. */
enum {
    GG_FX_TOPIC = 0,                                   /* 12 topic lexicon slots */
    GG_FX_KIND = GG_FX_TOPIC + GG_FILTER_NTOPIC,       /* 8 kind cue slots */
    GG_FX_SPAM = GG_FX_KIND + GG_FILTER_NKIND,         /* stage 1 probabilities */
    GG_FX_ABUSIVE,
    GG_FX_HATE,
    GG_FX_POS,
    GG_FX_NEG,
    GG_FX_QUESTION,  /* a '?' token */
    GG_FX_LEN,       /* log(1 + tokens) / 5 */
    GG_FX_URL,
    GG_FX_MENTION,
    GG_FX_LANG_OTHER, /* not Indonesian */
    GG_FX_END
};

/** The heads, as model files <name>.glm in the model directory. */
typedef enum gg_filter_head {
    GG_HEAD_LANG,
    GG_HEAD_SENTIMENT,
    GG_HEAD_ABUSIVE,
    GG_HEAD_HATE,
    GG_HEAD_HATEX,
    GG_HEAD_SPAM,
    GG_HEAD_TOPICS,
    GG_HEAD_KIND,
    GG_HEAD_CONSTRUCTIVE,
    GG_HEAD_COUNT
} gg_filter_head;

/** File stem of a head ("lang", "hate-detail", …; static). */
const char *gg_filter_head_name(gg_filter_head h);

/** Columns of all heads together (12+3+1+1+7+1+12+8+1 = 46, padded). */
#define GG_FILTER_MAXCOL 48

/** Per-thread working memory for gg_filter_classify. */
typedef struct gg_filter_scratch {
    gg_filter_fv fv;
    char *buf; /* input cut to GG_FILTER_TEXT_CAP, invalid UTF-8 replaced */
    size_t cap;
    char *norm; /* copy of the normalized text of the last classify (for dedup) */
    size_t norm_len, norm_cap;
    size_t nhashed;  /* fv entries before the extras */
    float acc[GG_FILTER_MAXCOL]; /* hashed-feature logits of every head column */
    /* per word memo slot of fv: the summed int16 weights of the word's
     * character n-grams (exact in int32), valid while psum_ver[slot] is the
     * slot's ver and psum_gen the matrix's; allocated on first use */
    int32_t *psum;
    uint64_t *psum_ver;
    uint64_t psum_gen;
} gg_filter_scratch;

void gg_filter_scratch_init(gg_filter_scratch *s);
void gg_filter_scratch_dispose(gg_filter_scratch *s);

/** Scores of one post; a head whose model is missing leaves its defaults
 *  (probabilities 0, lang "und", kind -1, sentiment -1). */
typedef struct gg_filter_result {
    int lang;                        /* index into gg_filter_langs, -1 unknown */
    float lang_p;
    float topic[GG_FILTER_NTOPIC];   /* independent probabilities */
    unsigned topic_on;               /* bit t: topic t is predicted */
    unsigned topic_lex;              /* bit t: the topic lexicon matched topic t */
    int kind;                        /* index into gg_filter_kinds, -1 unknown */
    float kind_p[GG_FILTER_NKIND];
    float constructive, abusive, hate, spam;
    float hatex[GG_FILTER_NHATEX];   /* target and categories: only when hate >= 0.5, else 0 */
    int sentiment;                   /* index into gg_filter_sentiments, -1 unknown */
    float sent_p[3];
} gg_filter_result;

typedef struct gg_filter gg_filter;

/**
 * Load every head found in model_dir (<head>.glm) and the lexicons
 * (lexicon_path: the topic lexicon; model_dir/kind-cues.tsv). A missing head
 * is skipped, a corrupt one fails with GG_EINVAL; GG_ENOTFOUND when no head
 * at all is found. The heads are lean (gg_filter_get): the int16 matrix is
 * built from the files' rows. Free with gg_filter_close.
 */
int gg_filter_open(gg_filter **out, const char *model_dir, const char *lexicon_path);
void gg_filter_close(gg_filter *f);

/** An empty bundle (no head) with the kind cues at cue_path and the topic
 *  lexicon at lexicon_path (either may be NULL); heads come from
 *  gg_filter_set. 0, GG_EIO (a list is unreadable), GG_EINVAL. */
int gg_filter_new(gg_filter **out, const char *cue_path, const char *lexicon_path);

/** The model of head h, or NULL (borrowed). From gg_filter_open it is lean
 *  (model.h): labels, biases, thresholds and extra rows, but its hashed rows
 *  only in the filter's matrix: never pass it to gg_filter_model_prob (an
 *  assert), and gg_filter_model_save refuses it (GG_EINVAL). */
const gg_filter_model *gg_filter_get(const gg_filter *f, gg_filter_head h);
/** Replace head h (takes ownership of m, dense; frees the old one) and
 *  rebuild the matrix (lean heads keep their columns' values). Not
 *  thread-safe. */
void gg_filter_set(gg_filter *f, gg_filter_head h, gg_filter_model *m);

/** Module-internal (tests): the combined matrix (2^*bits rows of
 *  GG_FILTER_MAXCOL int16, NULL when no head), its per-column scales and
 *  biases, and each head's first column (-1: not in the matrix). Borrowed. */
const int16_t *gg_filter__matrix(const gg_filter *f, unsigned *bits, const float **scale,
                                 const float **bias, const int **col0);
/** The topic and kind lexicons (borrowed, may be NULL). */
const gg_filter_lex *gg_filter_topic_lex(const gg_filter *f);
const gg_filter_lex *gg_filter_kind_lex(const gg_filter *f);

/**
 * The text the models read: gg_text_analyze's `norm` (NFKC, case folding,
 * slang -> formal) of text[0..len) cut to GG_FILTER_TEXT_CAP bytes, invalid
 * UTF-8 bytes replaced by spaces first. Falls back to the raw text when the
 * text layer fails. Calls fn(arg, norm, norm_len) while the norm is alive.
 * Call gg_text_init before, once per process (without it the slang rules
 * are off and the models see a slightly different text).
 */
void gg_filter_normalize(gg_filter_scratch *s, const char *text, size_t len,
                         void (*fn)(void *arg, const char *norm, size_t n), void *arg);

/** gg_filter_normalize then gg_filter_fv_build into s->fv: the text
 *  features every head reads. */
void gg_filter_text_features(gg_filter_scratch *s, const char *text, size_t len, unsigned bits);

/** Score text[0..len) (any bytes). Thread-safe with one scratch per thread. */
void gg_filter_classify(const gg_filter *f, gg_filter_scratch *s, const char *text, size_t len,
                        gg_filter_result *out);

/**
 * Build features of text into s->fv and run stage 1 into out, then append the
 * stage 2 extras to s->fv (for training stage 2 heads on the same features
 * the classifier will see). Used by gg_filter_classify and the trainer.
 */
void gg_filter_features(const gg_filter *f, gg_filter_scratch *s, const char *text, size_t len,
                        gg_filter_result *out);

/** Decide the topic set from probabilities: none for spam; else every topic
 *  at or above its threshold (a lower one, GG_FILTER_LEX_TH, when the topic
 *  lexicon matched it: bit t of lex), or the best one when none is; at most
 *  GG_FILTER_TOPIC_MAX of them, the most probable. */
#ifndef GG_FILTER_LEX_TH
#define GG_FILTER_LEX_TH 0.25
#endif
/** A post is about one or two topics: a third one was far more often wrong
 *  than right (docs/filter.md, Topic thresholds). */
#ifndef GG_FILTER_TOPIC_MAX
#define GG_FILTER_TOPIC_MAX 2
#endif
unsigned gg_filter_topic_set(const gg_filter_model *m, const float *p, unsigned lex, int is_spam);

#endif
