/*
 * retrain.c — `gagas train --from-reviews` (review layer, issue 4): the
 * reviewers' standing decisions become training labels for the heads they
 * speak to (spam: rejected as spam or not; abusive: rejected as kasar or
 * accepted; constructive: accepted vs rejected as not constructive, spam,
 * kasar or off-topic), and reviewers' relabels become the labels of the
 * topic and kind heads (only explicit corrections: the filter's own labels
 * would teach the model what it already says), plus the shipped data when
 * given. Every fifth item (by id) is held back; a new head is trained with the filter's own
 * recipe (gg_filter_train_csv), both heads are measured on the held-back
 * decisions (gg_filter_eval_csv), and the new one replaces the current only
 * when its F1 (micro-F1 for topics and kind) is higher. Each run is a version directory vN/ with its CSVs,
 * the candidate heads and a report; the replaced head is kept as
 * <head>.glm.prev for `gagas train --rollback`. A running server loads
 * models at start: restart it to use a swapped head.
 */
#include "review/review.h"
#include "core/alloc.h"
#include "core/err.h"
#include "filter/csv.h"
#include "filter/train.h"
#include "store/workspace.h"
#include "text/text.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* stage 1 heads first: the stage 2 heads read them, so a stage 1 head
 * swapped in by this run is the one the later candidates are trained on */
#define NHEADS 5
#define H_TOPICS 3
#define H_KIND 4
static const char *const heads[NHEADS] = {"spam", "abusive", "constructive", "topics", "kind"};

/* The label a decision gives a head: "1", "0", or NULL (says nothing). */
static const char *label_for(int head, const char *action, const char *reason)
{
    int accept = strcmp(action, "accept") == 0 || strcmp(action, "merge") == 0;
    const char *r = reason ? reason : "";
    switch (head) {
    case 0: /* spam */
        return accept ? "0" : strcmp(r, "spam") == 0 ? "1" : "0";
    case 1: /* abusive */
        return accept ? "0" : strcmp(r, "kasar") == 0 ? "1" : NULL;
    default: /* constructive */
        if (accept)
            return "1";
        return strcmp(r, "not-constructive") == 0 || strcmp(r, "spam") == 0 ||
                       strcmp(r, "kasar") == 0 || strcmp(r, "off-topic") == 0
                   ? "0"
                   : NULL;
    }
}

static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s == '\r' || *s == '\n' ? ' ' : *s, f);
    }
    fputc('"', f);
}

typedef struct split {
    FILE *train[NHEADS], *held[NHEADS];
    long ntrain[NHEADS], nheld[NHEADS], decisions, relabels;
} split;

static void put_row(split *sp, int h, int held, const char *text, const char *label)
{
    FILE *f = held ? sp->held[h] : sp->train[h];
    csv_field(f, text);
    fprintf(f, ",%s\n", label);
    (held ? sp->nheld : sp->ntrain)[h]++;
}

static int on_label(void *arg, int64_t id, const char *text, const char *action,
                    const char *reason, const char *labels_json)
{
    split *sp = arg;
    sp->decisions++;
    int held = id % 5 == 0; /* held back for the comparison, never trained on */
    for (int h = 0; h < H_TOPICS; h++) {
        const char *l = label_for(h, action, reason);
        if (l == NULL || text == NULL)
            continue;
        put_row(sp, h, held, text, l);
    }
    return 0;
}

/* A reviewer's topics (JSON array) and kind: rows for the topic and kind
 * heads, held back by the same rule as decisions. */
static int on_relabel(void *arg, int64_t id, const char *text, const char *topics_json,
                      const char *kind)
{
    split *sp = arg;
    int held = id % 5 == 0;
    if (text == NULL)
        return 0;
    sp->relabels++;
    json_t *t = topics_json ? json_loads(topics_json, 0, NULL) : NULL;
    if (json_is_array(t) && json_array_size(t) > 0) {
        char label[512] = "";
        size_t i, n = 0;
        json_t *x;
        json_array_foreach(t, i, x)
        {
            /* the labels' shape: [{"topic","score"}] (plain names read too) */
            const char *name = json_string_value(json_is_object(x) ? json_object_get(x, "topic") : x);
            if (name && strlen(name) < 40)
                n += (size_t)snprintf(label + n, sizeof(label) - n, "%s%s", n ? ";" : "", name);
        }
        if (n > 0 && n < sizeof(label))
            put_row(sp, H_TOPICS, held, text, label);
    }
    json_decref(t);
    if (kind && *kind)
        put_row(sp, H_KIND, held, text, kind);
    return 0;
}

/* The shipped labeled posts (aspirasi-dev/dev.csv under dir: text, topics
 * joined by ';', kind) as training rows of the topic and kind heads. */
static long append_dev(FILE *f, const char *dir, const char *column)
{
    char path[4096];
    gg_filter_csv csv;
    snprintf(path, sizeof(path), "%s/aspirasi-dev/dev.csv", dir);
    if (access(path, R_OK) != 0 || gg_filter_csv_read(&csv, path) != 0)
        return 0;
    int ct = gg_filter_csv_col(&csv, "text"), cl = gg_filter_csv_col(&csv, column);
    long n = 0;
    for (size_t r = 0; ct >= 0 && cl >= 0 && r < csv.nrow; r++) {
        const char *l = gg_filter_csv_get(&csv, r, cl);
        if (!*l)
            continue; /* no topic (spam, off-topic): says nothing about topics */
        csv_field(f, gg_filter_csv_get(&csv, r, ct));
        fprintf(f, ",%s\n", l);
        n++;
    }
    gg_filter_csv_dispose(&csv);
    return n;
}

/* Append the rows (after the header) of a shipped CSV to f. */
static long append_csv(FILE *f, const char *path)
{
    FILE *in = fopen(path, "r");
    if (in == NULL)
        return 0;
    char line[1 << 14];
    long n = 0;
    int first = 1;
    while (fgets(line, sizeof(line), in)) {
        if (first) {
            first = 0;
            continue;
        }
        fputs(line, f);
        n++;
    }
    fclose(in);
    return n;
}

static int copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = NULL;
    int rc = 0;
    if (a == NULL)
        return GG_EIO;
    b = fopen(to, "wb");
    if (b == NULL) {
        fclose(a);
        return GG_EIO;
    }
    char buf[1 << 15];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), a)) > 0)
        if (fwrite(buf, 1, n, b) != n)
            rc = GG_EIO;
    fclose(a);
    if (fclose(b) != 0)
        rc = GG_EIO;
    return rc;
}

/* F1 of the first label line of gg_filter_eval_csv's report (the micro
 * average line for the many-label heads); -1 when the head could not be
 * measured. */
static double measure(const char *head, const char *csv, const char *model_dir,
                      const char *lexicon)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (m == NULL)
        return -1;
    int rc = gg_filter_eval_csv(head, csv, model_dir, lexicon, m);
    fclose(m);
    double f1 = -1;
    const char *p = text;
    if (p && (strcmp(head, "topics") == 0 || strcmp(head, "kind") == 0))
        p = strstr(p, "  micro ");
    p = p ? strstr(p, " F1 ") : NULL;
    if (rc == 0 && p)
        f1 = strtod(p + 4, NULL);
    free(text);
    return f1;
}

/* A directory holding the current heads with one replaced by the candidate. */
static int candidate_dir(const char *model_dir, const char *dir, const char *head,
                         const char *new_file)
{
    static const char *const files[] = {"lang.glm", "sentiment.glm", "abusive.glm", "hate.glm",
                                        "hate-detail.glm", "spam.glm", "topics.glm", "kind.glm",
                                        "constructive.glm", "kind-cues.tsv", NULL};
    char a[4096], b[4096];
    mkdir(dir, 0755);
    for (int i = 0; files[i]; i++) {
        snprintf(a, sizeof(a), "%.3000s/%s", model_dir, files[i]);
        snprintf(b, sizeof(b), "%.3000s/%s", dir, files[i]);
        if (access(a, R_OK) == 0 && copy_file(a, b) != 0)
            return GG_EIO;
    }
    snprintf(b, sizeof(b), "%.3000s/%s.glm", dir, head);
    return copy_file(new_file, b);
}

int gg_review_retrain(const gg_retrain_opts *o, FILE *log)
{
    gg_store *s = NULL;
    split sp;
    memset(&sp, 0, sizeof(sp));
    char vdir[2048], path[4096];
    int rc = 0, v = 1;
    mkdir(o->work_dir, 0755);
    for (;; v++) { /* the next free version number */
        snprintf(vdir, sizeof(vdir), "%.2000s/v%d", o->work_dir, v);
        if (mkdir(vdir, 0755) == 0)
            break;
        if (errno != EEXIST || v > 100000) {
            fprintf(log, "retrain: cannot create %s\n", vdir);
            return GG_EIO;
        }
    }
    if ((rc = gg_store_open(&s, o->db, 0)) != 0) {
        fprintf(log, "retrain: %s\n", gg_store_errmsg(NULL));
        return rc;
    }
    for (int h = 0; h < NHEADS; h++) {
        snprintf(path, sizeof(path), "%s/%s-train.csv", vdir, heads[h]);
        sp.train[h] = fopen(path, "w");
        snprintf(path, sizeof(path), "%s/%s-held.csv", vdir, heads[h]);
        sp.held[h] = fopen(path, "w");
        if (sp.train[h] == NULL || sp.held[h] == NULL) {
            rc = GG_EIO;
            goto done;
        }
        fputs("text,label\n", sp.train[h]);
        fputs("text,label\n", sp.held[h]);
    }
    rc = gg_store_review_labels(s, on_label, &sp);
    if (rc == 0)
        rc = gg_store_review_relabels(s, on_relabel, &sp);
    gg_store_close(s);
    s = NULL;
    if (rc != 0)
        goto done;
    fprintf(log, "retrain: %ld reviewer decisions, %ld relabelled items -> %s\n", sp.decisions,
            sp.relabels, vdir);
    /* a relabel is a reviewer's decision about labels: it counts too */
    if (sp.decisions + sp.relabels < o->min_decisions) {
        fprintf(log, "retrain: fewer than %d decisions; nothing trained\n", o->min_decisions);
        rc = GG_ENOTFOUND;
        goto done;
    }
    for (int h = 0; h < NHEADS; h++) {
        if (o->shipped_dir) {
            snprintf(path, sizeof(path), "%s/%s.csv", o->shipped_dir, heads[h]);
            long n = append_csv(sp.train[h], path);
            if (n)
                fprintf(log, "retrain: %s: + %ld shipped rows from %s\n", heads[h], n, path);
            if (h == H_TOPICS || h == H_KIND) {
                n = append_dev(sp.train[h], o->shipped_dir, h == H_TOPICS ? "topics" : "kind");
                if (n)
                    fprintf(log, "retrain: %s: + %ld shipped rows from %s/aspirasi-dev\n",
                            heads[h], n, o->shipped_dir);
            }
        }
        fclose(sp.train[h]);
        fclose(sp.held[h]);
        sp.train[h] = sp.held[h] = NULL;
    }
    FILE *rep = NULL;
    snprintf(path, sizeof(path), "%s/report.txt", vdir);
    rep = fopen(path, "w");
    for (int h = 0; h < NHEADS; h++) {
        const char *head = heads[h];
        char train[4096], held[4096], cand[4096], newf[4096], cur[4096];
        snprintf(train, sizeof(train), "%s/%s-train.csv", vdir, head);
        snprintf(held, sizeof(held), "%s/%s-held.csv", vdir, head);
        if (sp.ntrain[h] < 10 || sp.nheld[h] < 5) {
            fprintf(log, "retrain: %s: %ld training and %ld held-back labels: too few, skipped\n",
                    head, sp.ntrain[h], sp.nheld[h]);
            continue;
        }
        if (gg_filter_train_csv(head, train, o->model_dir, vdir, o->lexicon, log) != 0) {
            fprintf(log, "retrain: %s: training failed\n", head);
            continue;
        }
        snprintf(newf, sizeof(newf), "%s/%s.glm", vdir, head);
        snprintf(cand, sizeof(cand), "%s/candidate-%s", vdir, head);
        if (candidate_dir(o->model_dir, cand, head, newf) != 0) {
            rc = GG_EIO;
            break;
        }
        double f_cur = measure(head, held, o->model_dir, o->lexicon);
        double f_new = measure(head, held, cand, o->lexicon);
        int better = f_new > f_cur + 1e-9;
        char line[512];
        snprintf(line, sizeof(line),
                 "%s: held-back %ld, F1 current %.4f, new %.4f -> %s\n", head, sp.nheld[h], f_cur,
                 f_new, !better ? "kept the current head" : o->dry_run ? "better (dry run)"
                                                                      : "swapped in");
        fputs(line, log);
        if (rep)
            fputs(line, rep);
        if (!better || o->dry_run)
            continue;
        snprintf(cur, sizeof(cur), "%.3000s/%s.glm", o->model_dir, head);
        char prev[4200], tmp[4200];
        snprintf(prev, sizeof(prev), "%s.prev", cur);
        snprintf(tmp, sizeof(tmp), "%s.tmp", cur);
        /* keep the old head for rollback, then replace atomically */
        if (access(cur, R_OK) == 0 && copy_file(cur, prev) != 0) {
            rc = GG_EIO;
            break;
        }
        if (copy_file(newf, tmp) != 0 || rename(tmp, cur) != 0) {
            rc = GG_EIO;
            break;
        }
    }
    if (rep)
        fclose(rep);
done:
    for (int h = 0; h < NHEADS; h++) {
        if (sp.train[h])
            fclose(sp.train[h]);
        if (sp.held[h])
            fclose(sp.held[h]);
    }
    gg_store_close(s);
    return rc;
}

int gg_review_rollback(const char *model_dir, FILE *log)
{
    int n = 0;
    for (int h = 0; h < NHEADS; h++) {
        char cur[4096], prev[4200];
        snprintf(cur, sizeof(cur), "%s/%s.glm", model_dir, heads[h]);
        snprintf(prev, sizeof(prev), "%s.prev", cur);
        if (access(prev, R_OK) != 0)
            continue;
        if (rename(prev, cur) != 0) {
            fprintf(log, "rollback: cannot restore %s\n", cur);
            return GG_EIO;
        }
        fprintf(log, "rollback: %s restored\n", cur);
        n++;
    }
    if (n == 0)
        fprintf(log, "rollback: no previous heads in %s\n", model_dir);
    return n ? 0 : GG_ENOTFOUND;
}

int gg_review_train_cli(int argc, char **argv)
{
    gg_retrain_opts o = {.db = "var/gagas.db",
                         .model_dir = "data/models",
                         .lexicon = "data/lexicon/topics.tsv",
                         .work_dir = NULL,
                         .min_decisions = 50};
    int rollback = 0;
    char wd[4096];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--from-reviews") == 0)
            continue;
        if (strcmp(a, "--rollback") == 0) {
            rollback = 1;
            continue;
        }
        if (strcmp(a, "--dry-run") == 0) {
            o.dry_run = 1;
            continue;
        }
        if (v == NULL)
            goto usage;
        if (strcmp(a, "--db") == 0)
            o.db = v;
        else if (strcmp(a, "--model-dir") == 0)
            o.model_dir = v;
        else if (strcmp(a, "--lexicon") == 0)
            o.lexicon = v;
        else if (strcmp(a, "--with") == 0)
            o.shipped_dir = v;
        else if (strcmp(a, "--versions") == 0)
            o.work_dir = v;
        else if (strcmp(a, "--min") == 0)
            o.min_decisions = atoi(v);
        else
            goto usage;
        i++;
    }
    if (rollback)
        return gg_review_rollback(o.model_dir, stderr) == 0 ? 0 : 1;
    if (o.work_dir == NULL) {
        snprintf(wd, sizeof(wd), "%s/versions", o.model_dir);
        o.work_dir = wd;
    }
    if (gg_text_init("data") != 0)
        fprintf(stderr, "train: warning: text tables not loaded from data/\n");
    int rc = gg_review_retrain(&o, stderr);
    return rc == 0 ? 0 : rc == GG_ENOTFOUND ? 3 : 1;
usage:
    fprintf(stderr, "usage: gagas train --from-reviews [--db PATH] [--model-dir DIR]"
                    " [--with SHIPPED_CSV_DIR] [--versions DIR] [--min N] [--dry-run]\n"
                    "       gagas train --rollback [--model-dir DIR]\n");
    return 2;
}
