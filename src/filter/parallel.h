/*
 * parallel.h — recover the parallel-sentence groups of a corpus of
 * translations (filter layer, training only). NusaX is parallel: row k of
 * each language is the translation of the same source sentence, except
 * where the staging dropped a few rows. A language-ID split must keep all
 * translations of a sentence on one side, as the real NusaX test split
 * does; a split that leaves the translations of a held-out sentence in
 * training teaches the model that its names and numbers belong to the
 * other languages.
 */
#ifndef GG_FILTER_PARALLEL_H
#define GG_FILTER_PARALLEL_H
#include <stddef.h>
#include <stdint.h>

/**
 * Group ids for n rows of text[] with language lang[] (0..nlang-1), rows of
 * one language in corpus order. Languages with the most rows (the intact
 * ones) are the references: every other language is aligned to them in
 * order (a monotone alignment with gaps that maximizes the summed word
 * Jaccard similarity to all references), and row i gets the position of
 * its aligned reference row in out[i] (0..max rows - 1). Deterministic.
 * out is the caller's array of n. Returns the number of groups.
 */
size_t gg_filter__parallel_groups(const char *const *text, const int *lang, size_t n, int nlang,
                                  uint64_t *out);

#endif
