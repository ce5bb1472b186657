/*
 * eval.c — `gagas eval`: precision, recall and F1 per label of one filter
 * head on a labeled CSV, or the whole quality protocol of docs/filter.md
 * (cli layer). Thin: src/filter/train.h does the work.
 */
#include "cli/cli.h"
#include "core/err.h"
#include "filter/train.h"
#include "text/text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: gagas eval --task TASK --data FILE [--model-dir DIR]\n"
               "       gagas eval --quality [--data DIR]\n"
               "  --task: abusive, hate, spam, sentiment, lang, topics, kind, constructive;\n"
               "  FILE is a CSV with columns text,label (topics: labels joined by ';').\n"
               "  --quality: retrain on the staged corpora (default $GAGAS_SHARED/data/nlp,\n"
               "  else ../shared/data/nlp) with held-out splits and print every figure of\n"
               "  docs/filter.md (region and coordinated groups: the gazetteer under\n"
               "  data/geo on aspirasi-dev); the shipped models are not touched.\n");
}

int gg_cli_eval(int argc, char **argv)
{
    const char *task = NULL, *data = NULL, *model_dir = "data/models";
    const char *lexicon = "data/lexicon/topics.tsv";
    int quality = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--quality") == 0) {
            quality = 1;
            continue;
        }
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            usage(stderr);
            return 2;
        }
        if (strcmp(a, "--task") == 0)
            task = v;
        else if (strcmp(a, "--data") == 0)
            data = v;
        else if (strcmp(a, "--model-dir") == 0)
            model_dir = v;
        else if (strcmp(a, "--lexicon") == 0)
            lexicon = v;
        else {
            usage(stderr);
            return 2;
        }
        i++;
    }
    if (gg_text_init("data") != 0)
        fprintf(stderr, "eval: warning: text tables not loaded from data/\n");
    int rc;
    if (quality) {
        char buf[4096];
        if (!data) {
            const char *sh = getenv("GAGAS_SHARED");
            snprintf(buf, sizeof buf, "%s/data/nlp", sh && *sh ? sh : "../shared");
            data = buf;
        }
        rc = gg_filter_quality(data, model_dir, lexicon, "data", stdout);
    } else {
        if (!task || !data) {
            usage(stderr);
            return 2;
        }
        rc = gg_filter_eval_csv(task, data, model_dir, lexicon, stdout);
    }
    if (rc) {
        fprintf(stderr, "eval: failed (%s)\n", gg_err_name(rc));
        return 1;
    }
    return 0;
}
