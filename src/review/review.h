/*
 * review.h — the review module's pure parts (review layer, issue 4): the
 * agreement of reviewers (Cohen's kappa, overall, per reviewer and per
 * label), throughput, and retraining the filter from decisions. Depends on
 * core, store and filter; nothing here touches HTTP.
 */
#ifndef GG_REVIEW_REVIEW_H
#define GG_REVIEW_REVIEW_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/**
 * Cohen's kappa of two raters over n items (labels compared as strings).
 * *kappa gets (p_o - p_e) / (1 - p_e); when p_e is 1 (every label the same)
 * it is 1 if they agree on everything, else 0. GG_EINVAL when n is 0.
 */
int gg_review_kappa(const char *const *a, const char *const *b, size_t n, double *kappa);

/**
 * The quality report from gg_store_review_stats' raw figures (borrowed):
 * {"overall":{pairs,agreement,kappa}, "labels":[{label,n,kappa}],
 *  "reviewers":[{user_id,email,actions,per_hour,avg_secs,undos,pairs,kappa}],
 *  "decision_secs":[…]} as a new object. window_ms is the span the figures
 * cover (for per_hour).
 */
json_t *gg_review_quality(json_t *stats, int64_t window_ms);

/** Options of `gagas train --from-reviews`. */
typedef struct gg_retrain_opts {
    const char *db;         /* the live database */
    const char *model_dir;  /* current models (data/models) */
    const char *lexicon;    /* topic lexicon */
    const char *shipped_dir;/* shipped data to add (NULL: none): <head>.csv, aspirasi-dev/ */
    const char *work_dir;   /* where versions go: work_dir/vN/ */
    int min_decisions;      /* fewer decisions than this: do nothing */
    int dry_run;            /* evaluate, never swap */
    const char *actor;      /* who, in the audit rows of swaps and rollbacks */
} gg_retrain_opts;

/**
 * Retrain the spam, abusive and constructive heads from reviewer decisions,
 * the topic and kind heads from reviewers' relabels and the kind head from
 * rejections as spam or kasar (plus shipped data: shipped_dir/<head>.csv,
 * and shipped_dir/aspirasi-dev/dev.csv for topics and kind), evaluate new
 * and current on held-back items (every fifth by id), and swap the new head
 * in only when the held-back labels hold both classes (5 of each; two labels
 * for topics and kind) and its F1 (micro-F1 for topics and kind) is higher,
 * keeping the previous file as <head>.glm.prev for rollback and auditing
 * the swap (as o->actor). Report lines go to log. 0, GG_EIO, GG_EINVAL,
 * GG_ENOTFOUND (too few decisions).
 */
int gg_review_retrain(const gg_retrain_opts *o, FILE *log);
/** Put <head>.glm.prev back for every head of o->model_dir that has one,
 *  each audited in o->db as o->actor (no database: nothing is rolled back). */
int gg_review_rollback(const gg_retrain_opts *o, FILE *log);
/** `gagas train --from-reviews | --rollback` with its own flags (argv[0] is
 *  "train"); the process exit code. */
int gg_review_train_cli(int argc, char **argv);

#endif
