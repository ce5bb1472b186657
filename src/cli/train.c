/*
 * train.c — `gagas train`: rebuild every shipped filter model from the
 * staged corpora, or retrain one head from a reviewers' CSV (cli layer).
 * Thin: argument parsing, then src/filter/train.h does the work.
 */
#include "cli/cli.h"
#include "core/err.h"
#include "filter/train.h"
#include "review/review.h"
#include "text/text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: gagas train [--data DIR] [--out DIR] [--lexicon FILE]\n"
               "       gagas train --task TASK --csv FILE [--model-dir DIR] [--out DIR]\n"
               "  Without --task: rebuild every model deterministically from the staged\n"
               "  corpora (default $GAGAS_SHARED/data/nlp, else ../shared/data/nlp) into\n"
               "  --out (default data/models, which must hold kind-cues.tsv).\n"
               "  With --task (abusive, hate, spam, sentiment, lang, topics, kind,\n"
               "  constructive): train that head from a CSV with columns text,label\n"
               "  (topics: labels joined by ';'; binary heads: 1/0), e.g. reviewers'\n"
               "  decisions; stage 2 heads read the stage 1 models of --model-dir.\n");
}

/* The staged NLP corpora: $GAGAS_SHARED/data/nlp or ../shared/data/nlp. */
static const char *default_data(char *buf, size_t cap)
{
    const char *sh = getenv("GAGAS_SHARED");
    snprintf(buf, cap, "%s/data/nlp", sh && *sh ? sh : "../shared");
    return buf;
}

int gg_cli_train(int argc, char **argv)
{
    char dbuf[4096];
    const char *data = NULL, *out = "data/models", *lexicon = "data/lexicon/topics.tsv";
    const char *task = NULL, *csv = NULL, *model_dir = "data/models";
    /* from reviewers' decisions, and its rollback: src/review/retrain.c */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--from-reviews") == 0 || strcmp(argv[i], "--rollback") == 0)
            return gg_review_train_cli(argc, argv);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (!v) {
            usage(stderr);
            return 2;
        }
        if (strcmp(a, "--data") == 0)
            data = v;
        else if (strcmp(a, "--out") == 0)
            out = v;
        else if (strcmp(a, "--lexicon") == 0)
            lexicon = v;
        else if (strcmp(a, "--task") == 0)
            task = v;
        else if (strcmp(a, "--csv") == 0)
            csv = v;
        else if (strcmp(a, "--model-dir") == 0)
            model_dir = v;
        else {
            usage(stderr);
            return 2;
        }
        i++;
    }
    /* the models read gg_text_analyze's norm, with the slang rules loaded */
    if (gg_text_init("data") != 0)
        fprintf(stderr, "train: warning: text tables not loaded from data/\n");
    int rc;
    if (task) {
        if (!csv) {
            usage(stderr);
            return 2;
        }
        rc = gg_filter_train_csv(task, csv, model_dir, out, lexicon, stderr);
    } else {
        rc = gg_filter_train_all(data ? data : default_data(dbuf, sizeof dbuf), out, lexicon,
                                 stderr);
    }
    if (rc) {
        fprintf(stderr, "train: failed (%s)\n", gg_err_name(rc));
        return 1;
    }
    return 0;
}
