/*
 * lexicon.h — term lists that give labels evidence (filter layer): the topic
 * lexicon (data/lexicon/topics.tsv) and the kind cue list. A file holds
 * "label<TAB>term" lines ('#' starts a comment). A term is one or more
 * words matched against the canonical tokens of gg_filter_fv; a trailing
 * '*' on the last word makes it a prefix (at least 4 bytes before the '*').
 * Read-only after load: any number of threads may call gg_filter_lex_count.
 */
#ifndef GG_FILTER_LEXICON_H
#define GG_FILTER_LEXICON_H
#include "filter/feat.h"
#include <stddef.h>
#include <stdint.h>

typedef struct gg_filter_lex gg_filter_lex;

/**
 * Load path. labels[0..nlabel) fixes the label order of the counts; lines
 * whose label is not listed are ignored. 0 and *out (free with
 * gg_filter_lex_free), GG_EIO (unreadable), GG_EINVAL (a line without a tab).
 */
int gg_filter_lex_load(gg_filter_lex **out, const char *path, const char *const *labels,
                       int nlabel);
void gg_filter_lex_free(gg_filter_lex *lx);

/** Count term hits per label over the tokens of the last build of fv into
 *  counts[nlabel] (zeroed first). Each token position counts once per label. */
void gg_filter_lex_count(const gg_filter_lex *lx, const gg_filter_fv *fv, int *counts);

/** The same over any tokens: ntok (offset, length) pairs into text. */
void gg_filter_lex_count_tokens(const gg_filter_lex *lx, const char *text, const uint32_t *tok,
                                size_t ntok, int *counts);

/** gg_filter_lex_count of two lexicons (either may be NULL; its counts are
 *  then left alone) in one pass: each token is hashed once for both. */
void gg_filter_lex_count2(const gg_filter_lex *a, const gg_filter_lex *b, const gg_filter_fv *fv,
                          int *counts_a, int *counts_b);

/** Number of terms loaded. */
size_t gg_filter_lex_size(const gg_filter_lex *lx);

#endif
