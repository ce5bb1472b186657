/*
 * train.h — rebuilding, retraining and measuring the filter's heads (filter
 * layer). Every recipe is deterministic: splits come from hashes of the
 * canonical text, liblinear's primal L2R_LR solver has no random state, and
 * C and thresholds are tuned on a hash-chosen development fold of the
 * training part only. Logs go to the FILE given (may be NULL).
 */
#ifndef GG_FILTER_TRAIN_H
#define GG_FILTER_TRAIN_H
#include <stdio.h>

/**
 * Train every shipped head from the staged corpora in data_dir (the
 * directory holding aspirasi-dev/, id-multilabel-hatespeech/, smsa/, …) and
 * write <head>.glm files into out_dir (which must exist, and which must
 * already hold kind-cues.tsv for the stage 2 heads). lexicon_path: the topic
 * lexicon. 0, GG_EIO (a corpus or the output is unreadable), GG_EINVAL.
 */
int gg_filter_train_all(const char *data_dir, const char *out_dir, const char *lexicon_path,
                        FILE *log);

/**
 * Retrain one head ("abusive", "hate", "spam", "sentiment", "lang", "topics",
 * "kind", "constructive") from a CSV with columns text,label (topics:
 * labels joined by ';'; binary heads: 1/0). Stage 2 heads read the stage 1
 * heads of model_dir. Writes out_dir/<head>.glm. 0, GG_EIO, GG_EINVAL.
 */
int gg_filter_train_csv(const char *task, const char *csv_path, const char *model_dir,
                        const char *out_dir, const char *lexicon_path, FILE *log);

/**
 * Print precision, recall and F1 per label (and micro/macro averages) of
 * head `task` from model_dir on a labeled CSV (text,label as above) to out.
 * 0, GG_EIO, GG_EINVAL (unknown task or label), GG_ENOTFOUND (no model).
 */
int gg_filter_eval_csv(const char *task, const char *csv_path, const char *model_dir,
                       const char *lexicon_path, FILE *out);

/**
 * The quality protocol of docs/filter.md, from the corpora only (nothing is
 * read from or written to the model directory): hate-speech 80/20 split,
 * sentiment on the NusaX test set, language ID on NusaX-LID split by
 * parallel sentence (80/20 and 5-fold; whole sentences and first five
 * words), grouped 5-fold cross-validation over aspirasi-dev for topics,
 * kind, constructive and spam, and the main region and coordinated groups
 * on aspirasi-dev (gazetteer from geo_dir/geo). Prints a report to out.
 * kind-cues.tsv is read from cue_dir. Env GG_QUALITY_ONLY (hate, sent,
 * lang, dev, geo) runs some parts; GG_QUALITY_LOG=1 logs each error.
 */
int gg_filter_quality(const char *data_dir, const char *cue_dir, const char *lexicon_path,
                      const char *geo_dir, FILE *out);

#endif
