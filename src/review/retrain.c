/*
 * retrain.c — `gagas train --from-reviews` (review layer, issue 4): the
 * reviewers' standing decisions become training labels for the heads they
 * speak to (spam: rejected as spam or not; abusive: rejected as kasar or
 * accepted; constructive: accepted vs rejected as not constructive, spam,
 * kasar or off-topic), and reviewers' relabels become the labels of the
 * topic and kind heads (only explicit corrections: the filter's own labels
 * would teach the model what it already says), plus the shipped data when
 * given. A rejection as spam or kasar is also a label of the kind head (kind
 * spam / kasar) unless a reviewer relabelled that item's kind. Every fifth
 * item (by id) is held back; a new head is trained with the filter's own
 * recipe (gg_filter_train_csv), both heads are measured on the held-back
 * decisions (gg_filter_eval_csv), and the new one replaces the current only
 * when its F1 (micro-F1 for topics and kind) is higher — and only when the
 * held-back labels can tell two heads apart: at least MIN_CLASS of each
 * class for a binary head, two different labels for topics and kind
 * (otherwise an all-positive head "wins" on an all-positive set). Each run
 * is a version directory vN/ with its CSVs, the candidate heads and a
 * report; the replaced head is kept as <head>.glm.prev for `gagas train
 * --rollback`. Every swap and rollback is a row of the hash-chained audit
 * log (action model-swap / model-rollback, object model vN, before/after:
 * the head's SHA-256 and version, the held-back figures). A running server
 * loads models at start: restart it to use a swapped head.
 */
#include "review/review.h"
#include "core/alloc.h"
#include "core/err.h"
#include "filter/csv.h"
#include "filter/train.h"
#include "store/workspace.h"
#include "text/text.h"
#include "store/store.h"
#include <errno.h>
#include <pwd.h>
#include <sodium.h>
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
/* a binary head is compared only on held-back labels with this many of each class */
#define MIN_CLASS 5
/* distinct held-back labels counted per head (topics 12, kinds 8) */
#define MAXLAB 24

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

/* How often each label occurs among a head's held-back rows (topics: each
 * topic of a row). */
typedef struct labset {
    char name[MAXLAB][40];
    long n[MAXLAB];
    int k;
} labset;

static void labset_add(labset *ls, const char *name, size_t len)
{
    if (len == 0 || len >= sizeof(ls->name[0]))
        return;
    for (int i = 0; i < ls->k; i++)
        if (strlen(ls->name[i]) == len && memcmp(ls->name[i], name, len) == 0) {
            ls->n[i]++;
            return;
        }
    if (ls->k == MAXLAB)
        return;
    memcpy(ls->name[ls->k], name, len);
    ls->name[ls->k][len] = '\0';
    ls->n[ls->k++] = 1;
}

static long labset_count(const labset *ls, const char *name)
{
    for (int i = 0; i < ls->k; i++)
        if (strcmp(ls->name[i], name) == 0)
            return ls->n[i];
    return 0;
}

typedef struct split {
    FILE *train[NHEADS], *held[NHEADS];
    long ntrain[NHEADS], nheld[NHEADS], decisions, relabels;
    labset heldlab[NHEADS], trainlab[NHEADS];
    /* items whose kind a reviewer relabelled (ascending): their rejection
     * reason does not speak for the kind head */
    int64_t *kind_ids;
    size_t nkind, capkind;
    long kind_from_rejects;
} split;

static void put_row(split *sp, int h, int held, const char *text, const char *label)
{
    FILE *f = held ? sp->held[h] : sp->train[h];
    csv_field(f, text);
    fprintf(f, ",%s\n", label);
    (held ? sp->nheld : sp->ntrain)[h]++;
    for (const char *p = label;;) { /* topics: names joined by ';' */
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        labset_add(held ? &sp->heldlab[h] : &sp->trainlab[h], p, n);
        if (e == NULL)
            break;
        p = e + 1;
    }
}

static int kind_relabelled(const split *sp, int64_t id)
{
    size_t lo = 0, hi = sp->nkind;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sp->kind_ids[mid] == id)
            return 1;
        if (sp->kind_ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int on_label(void *arg, int64_t id, const char *text, const char *action,
                    const char *reason, const char *labels_json)
{
    split *sp = arg;
    sp->decisions++;
    if (text == NULL)
        return 0;
    int held = id % 5 == 0; /* held back for the comparison, never trained on */
    for (int h = 0; h < H_TOPICS; h++) {
        const char *l = label_for(h, action, reason);
        if (l != NULL)
            put_row(sp, h, held, text, l);
    }
    /* rejected as spam or kasar: the reviewer says what kind of post it is
     * (a relabel of its kind, read before, says it more precisely) */
    if (strcmp(action, "reject") == 0 && reason &&
        (strcmp(reason, "spam") == 0 || strcmp(reason, "kasar") == 0) &&
        !kind_relabelled(sp, id)) {
        put_row(sp, H_KIND, held, text, reason);
        sp->kind_from_rejects++;
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
    if (kind && *kind) {
        put_row(sp, H_KIND, held, text, kind);
        if (sp->nkind == sp->capkind) {
            sp->capkind = sp->capkind ? 2 * sp->capkind : 64;
            sp->kind_ids = gg_realloc(sp->kind_ids, sp->capkind * sizeof(*sp->kind_ids));
        }
        sp->kind_ids[sp->nkind++] = id; /* the walk is in id order */
    }
    return 0;
}

/* 1 when a label set holds a kind other than the two a rejection gives */
static int other_kind(const labset *ls)
{
    for (int i = 0; i < ls->k; i++)
        if (strcmp(ls->name[i], "spam") != 0 && strcmp(ls->name[i], "kasar") != 0)
            return 1;
    return 0;
}

/* Why the labels of head h cannot train a head or tell a better head from a
 * worse one (written to why), or NULL when they can. Rejections give the
 * kind head only spam and kasar: alone they would train a head that calls
 * every post one of the two, and win on a held-back set of only those. */
static const char *held_unfit(const split *sp, int h, char *why, size_t cap)
{
    const labset *ls = &sp->heldlab[h];
    if (h == H_KIND && !other_kind(&sp->trainlab[h])) {
        snprintf(why, cap, "the training labels are only spam and kasar (rejections), a kind"
                 " head needs the other kinds too (relabels, --with)");
        return why;
    }
    if (h == H_KIND && !other_kind(ls)) {
        snprintf(why, cap, "the held-back labels are only spam and kasar (rejections): no fair"
                 " comparison");
        return why;
    }
    if (h < H_TOPICS) {
        long pos = labset_count(ls, "1"), neg = labset_count(ls, "0");
        if (pos >= MIN_CLASS && neg >= MIN_CLASS)
            return NULL;
        snprintf(why, cap, "%ld positive and %ld negative held-back labels, fewer than %d of each"
                 " class: no fair comparison", pos, neg, MIN_CLASS);
        return why;
    }
    if (ls->k >= 2)
        return NULL;
    snprintf(why, cap, "the held-back labels are all \"%s\": no fair comparison",
             ls->k ? ls->name[0] : "");
    return why;
}

/* SHA-256 (hex) of a file; "" when it cannot be read. */
static void file_sha256(const char *path, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES], buf[1 << 15];
    crypto_hash_sha256_state st;
    FILE *f = fopen(path, "rb");
    out[0] = '\0';
    if (f == NULL)
        return;
    crypto_hash_sha256_init(&st);
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        crypto_hash_sha256_update(&st, buf, n);
    fclose(f);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

/* The version vN under work_dir whose candidate head has this hash (0: none,
 * e.g. the shipped head). */
static int version_of(const char *work_dir, const char *head, const char *sha)
{
    char dir[4096], file[4200], h[65];
    if (!*sha)
        return 0;
    for (int v = 1; v < 100000; v++) {
        snprintf(dir, sizeof(dir), "%.3000s/v%d", work_dir, v);
        if (access(dir, F_OK) != 0)
            break;
        snprintf(file, sizeof(file), "%s/%s.glm", dir, head);
        file_sha256(file, h);
        if (strcmp(h, sha) == 0)
            return v;
    }
    return 0;
}

/* {"head", "sha256", "version": "vN" | null} of a head file. */
static json_t *head_id(const char *work_dir, const char *head, const char *file, int *v_out)
{
    char sha[65];
    file_sha256(file, sha);
    int v = version_of(work_dir, head, sha);
    if (v_out)
        *v_out = v;
    json_t *o = json_pack("{s:s,s:s}", "head", head, "sha256", sha);
    if (v > 0)
        json_object_set_new(o, "version", json_sprintf("v%d", v));
    else
        json_object_set_new(o, "version", json_null());
    return o;
}

/* One audit row; before and after are consumed. */
static int audit_row(gg_store *s, const char *actor, const char *action, int64_t object,
                     json_t *before, json_t *after, const char *reason, FILE *log)
{
    char *b = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
    char *a = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    int rc = gg_store_audit_append(s, actor, action, "model", object, b, a, reason);
    if (rc != 0)
        fprintf(log, "retrain: cannot write the audit row (%s)\n", gg_store_errmsg(s));
    free(b);
    free(a);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* The shipped labeled posts (aspirasi-dev/dev.csv under dir: text, topics
 * joined by ';', kind) as training rows of the topic and kind heads. */
static long append_dev(FILE *f, const char *dir, const char *column, labset *seen)
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
        labset_add(seen, l, strlen(l));
        n++;
    }
    gg_filter_csv_dispose(&csv);
    return n;
}

/* Append the rows (after the header) of a shipped CSV to f; their labels
 * (the last field) are counted in seen. */
static long append_csv(FILE *f, const char *path, labset *seen)
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
        char *comma = strrchr(line, ',');
        if (comma)
            labset_add(seen, comma + 1, strcspn(comma + 1, "\r\n"));
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
    /* relabels first: a relabelled kind outranks a rejection's reason */
    rc = gg_store_review_relabels(s, on_relabel, &sp);
    if (rc == 0)
        rc = gg_store_review_labels(s, on_label, &sp);
    if (rc != 0)
        goto done;
    fprintf(log, "retrain: %ld reviewer decisions, %ld relabelled items -> %s\n", sp.decisions,
            sp.relabels, vdir);
    if (sp.kind_from_rejects)
        fprintf(log, "retrain: kind: %ld labels from rejections as spam or kasar\n",
                sp.kind_from_rejects);
    /* a relabel is a reviewer's decision about labels: it counts too */
    if (sp.decisions + sp.relabels < o->min_decisions) {
        fprintf(log, "retrain: fewer than %d decisions; nothing trained\n", o->min_decisions);
        rc = GG_ENOTFOUND;
        goto done;
    }
    for (int h = 0; h < NHEADS; h++) {
        if (o->shipped_dir) {
            snprintf(path, sizeof(path), "%s/%s.csv", o->shipped_dir, heads[h]);
            long n = append_csv(sp.train[h], path, &sp.trainlab[h]);
            if (n)
                fprintf(log, "retrain: %s: + %ld shipped rows from %s\n", heads[h], n, path);
            if (h == H_TOPICS || h == H_KIND) {
                n = append_dev(sp.train[h], o->shipped_dir, h == H_TOPICS ? "topics" : "kind",
                               &sp.trainlab[h]);
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
    for (int h = 0; h < NHEADS && rc == 0; h++) {
        const char *head = heads[h];
        char train[4096], held[4096], cand[4096], newf[4096], cur[4096], why[256], line[512];
        snprintf(train, sizeof(train), "%s/%s-train.csv", vdir, head);
        snprintf(held, sizeof(held), "%s/%s-held.csv", vdir, head);
        if (sp.ntrain[h] < 10 || sp.nheld[h] < 5) {
            fprintf(log, "retrain: %s: %ld training and %ld held-back labels: too few, skipped\n",
                    head, sp.ntrain[h], sp.nheld[h]);
            continue;
        }
        if (held_unfit(&sp, h, why, sizeof(why))) {
            snprintf(line, sizeof(line), "%s: held-back %ld, %s -> kept the current head\n", head,
                     sp.nheld[h], why);
            fputs(line, log);
            if (rep)
                fputs(line, rep);
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
        json_t *before = head_id(o->work_dir, head, cur, NULL);
        int had_prev = access(prev, F_OK) == 0, had_cur = access(cur, R_OK) == 0;
        char keep[4300];
        snprintf(keep, sizeof(keep), "%s.keep", prev);
        /* the .prev of an earlier swap stays aside until this one is audited */
        if (had_prev && rename(prev, keep) != 0) {
            json_decref(before);
            rc = GG_EIO;
            break;
        }
        /* keep the old head for rollback, then replace atomically */
        if ((had_cur && copy_file(cur, prev) != 0) || copy_file(newf, tmp) != 0 ||
            rename(tmp, cur) != 0) {
            json_decref(before);
            unlink(tmp);
            if (had_prev)
                rename(keep, prev);
            rc = GG_EIO;
            break;
        }
        json_t *after = head_id(o->work_dir, head, cur, NULL);
        json_object_set_new(after, "held_back", json_integer(sp.nheld[h]));
        json_object_set_new(after, "f1_current", json_real(f_cur));
        json_object_set_new(after, "f1_new", json_real(f_new));
        char reason[200];
        snprintf(reason, sizeof(reason), "held-back F1 %.4f -> %.4f on %ld reviewer labels",
                 f_cur, f_new, sp.nheld[h]);
        if (audit_row(s, o->actor, "model-swap", v, before, after, reason, log) != 0) {
            /* not audited: not swapped */
            if (had_cur)
                rename(prev, cur);
            else
                unlink(cur);
            if (had_prev)
                rename(keep, prev);
            fprintf(log, "retrain: %s: swap undone\n", head);
            rc = GG_EIO;
            break;
        }
        if (had_prev)
            unlink(keep);
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
    free(sp.kind_ids);
    gg_store_close(s);
    return rc;
}

int gg_review_rollback(const gg_retrain_opts *o, FILE *log)
{
    gg_store *s = NULL;
    /* a rollback is audited like a swap: no database, no rollback */
    if (access(o->db, F_OK) != 0 || gg_store_open(&s, o->db, 0) != 0) {
        fprintf(log, "rollback: cannot open the database %s for the audit row; nothing rolled"
                     " back\n", o->db);
        return GG_EIO;
    }
    int n = 0, rc = 0;
    for (int h = 0; h < NHEADS && rc == 0; h++) {
        char cur[4096], prev[4200], back[4300];
        snprintf(cur, sizeof(cur), "%s/%s.glm", o->model_dir, heads[h]);
        snprintf(prev, sizeof(prev), "%s.prev", cur);
        snprintf(back, sizeof(back), "%s.rolled", cur);
        if (access(prev, R_OK) != 0)
            continue;
        int v = 0; /* the version rolled back, when it came from one */
        json_t *before = head_id(o->work_dir, heads[h], cur, &v);
        json_t *after = head_id(o->work_dir, heads[h], prev, NULL);
        int had_cur = access(cur, F_OK) == 0;
        /* the current head stays aside until the rollback is audited */
        if ((had_cur && rename(cur, back) != 0) || rename(prev, cur) != 0) {
            if (had_cur)
                rename(back, cur);
            json_decref(before);
            json_decref(after);
            fprintf(log, "rollback: cannot restore %s\n", cur);
            rc = GG_EIO;
            break;
        }
        if (audit_row(s, o->actor, "model-rollback", v, before, after,
                      "gagas train --rollback: the previous head put back", log) != 0) {
            rename(cur, prev);
            if (had_cur)
                rename(back, cur);
            rc = GG_EIO;
            break;
        }
        if (had_cur)
            unlink(back);
        fprintf(log, "rollback: %s restored\n", cur);
        n++;
    }
    gg_store_close(s);
    if (rc != 0)
        return rc;
    if (n == 0)
        fprintf(log, "rollback: no previous heads in %s\n", o->model_dir);
    return n ? 0 : GG_ENOTFOUND;
}

/* Who runs the command, for the audit log: "cli:<login>", else "system". */
static const char *cli_actor(char *buf, size_t cap)
{
    struct passwd *pw = getpwuid(geteuid());
    if (pw == NULL || pw->pw_name == NULL || !*pw->pw_name)
        return "system";
    snprintf(buf, cap, "cli:%s", pw->pw_name);
    return buf;
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
        else if (strcmp(a, "--actor") == 0)
            o.actor = v;
        else
            goto usage;
        i++;
    }
    if (o.work_dir == NULL) {
        snprintf(wd, sizeof(wd), "%s/versions", o.model_dir);
        o.work_dir = wd;
    }
    char who[300];
    if (o.actor == NULL || !*o.actor)
        o.actor = cli_actor(who, sizeof(who));
    if (sodium_init() < 0)
        return 1;
    if (rollback)
        return gg_review_rollback(&o, stderr) == 0 ? 0 : 1;
    if (gg_text_init("data") != 0)
        fprintf(stderr, "train: warning: text tables not loaded from data/\n");
    int rc = gg_review_retrain(&o, stderr);
    return rc == 0 ? 0 : rc == GG_ENOTFOUND ? 3 : 1;
usage:
    fprintf(stderr, "usage: gagas train --from-reviews [--db PATH] [--model-dir DIR]"
                    " [--with SHIPPED_CSV_DIR] [--versions DIR] [--min N] [--dry-run]"
                    " [--actor NAME]\n"
                    "       gagas train --rollback [--db PATH] [--model-dir DIR] [--versions DIR]"
                    " [--actor NAME]\n");
    return 2;
}
