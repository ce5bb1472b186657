/*
 * eval_norm.c — measures the informal-Indonesian normalizer (text layer
 * tool, not part of the library). Two modes:
 *   eval_norm pairs INF FOR   line-aligned informal/formal sentence files
 *                             (STIF): word accuracy = 1 - WER, before
 *                             (input as is) and after gg_text_analyze
 *   eval_norm lexicon CSV     slang,formal,... rows (colloquial lexicon):
 *                             share of slang words normalized to the formal
 * Run from the repo root (tables from ./data) or set GAGAS_DATA.
 */
#include "text/text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXW 512

static size_t split(char *s, char **w)
{
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(s, " \t\r\n", &save); t && n < MAXW;
         t = strtok_r(NULL, " \t\r\n", &save))
        w[n++] = t;
    return n;
}

/* Split '-' off as its own token ("jauh-jauh" vs the reference "jauh - jauh"). */
static void spread_hyphens(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 4 < cap; in++) {
        if (*in == '-') {
            out[o++] = ' ', out[o++] = '-', out[o++] = ' ';
        } else {
            out[o++] = *in;
        }
    }
    out[o] = '\0';
}

/* word-level Levenshtein distance */
static size_t edits(char **a, size_t na, char **b, size_t nb)
{
    static size_t d[MAXW + 1][MAXW + 1];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            size_t c = d[i - 1][j - 1] + (strcmp(a[i - 1], b[j - 1]) != 0);
            if (d[i - 1][j] + 1 < c)
                c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c)
                c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[na][nb];
}

/* STIF replaced handles, numbers and dates by xxxuserxxx, xxxnumberxxx …:
 * keep those tokens out of the normalizer (they would be squeezed as
 * elongation) by normalizing the text between them. */
static char *norm_keep_placeholders(const char *s);

static char *norm_of(const char *s, size_t n)
{
    gg_text_doc doc;
    if (gg_text_analyze(&doc, s, n) != 0)
        return strdup("");
    char *r = strdup(doc.norm);
    gg_text_doc_dispose(&doc);
    return r;
}

static char *norm_keep_placeholders(const char *s)
{
    size_t cap = strlen(s) * 4 + 64, o = 0;
    char *out = malloc(cap);
    const char *p = s;
    while (*p) {
        const char *x = strstr(p, "xxx");
        const char *e = x ? strstr(x + 3, "xxx") : NULL;
        if (!x || !e) {
            x = p + strlen(p);
            e = NULL;
        }
        if (x > p) {
            char *n = norm_of(p, (size_t)(x - p));
            o += (size_t)snprintf(out + o, cap - o, "%s ", n);
            free(n);
        }
        if (!e)
            break;
        o += (size_t)snprintf(out + o, cap - o, "%.*s ", (int)(e + 3 - x), x);
        p = e + 3;
    }
    out[o] = '\0';
    return out;
}

static int pairs(const char *inf, const char *form)
{
    FILE *fi = fopen(inf, "r"), *ff = fopen(form, "r");
    char a[8192], b[8192], bc[8192];
    char *wa[MAXW], *wb[MAXW];
    size_t ref = 0, e_before = 0, e_after = 0, sent = 0, exact_b = 0, exact_a = 0;
    if (!fi || !ff) {
        fprintf(stderr, "cannot open %s or %s\n", inf, form);
        return 1;
    }
    while (fgets(a, sizeof a, fi) && fgets(b, sizeof b, ff)) {
        a[strcspn(a, "\r\n")] = '\0';
        char *nrm0 = norm_keep_placeholders(a);
        char ac[16384], nrm[16384];
        spread_hyphens(a, ac, sizeof ac);
        spread_hyphens(nrm0, nrm, sizeof nrm);
        spread_hyphens(b, bc, sizeof bc);
        size_t nb = split(bc, wb);
        size_t na = split(ac, wa);
        size_t eb = edits(wa, na, wb, nb);
        na = split(nrm, wa);
        size_t ea = edits(wa, na, wb, nb);
        ref += nb, e_before += eb, e_after += ea, sent++;
        exact_b += eb == 0, exact_a += ea == 0;
        if (getenv("EVAL_SHOW") && ea > 0) {
            printf("- %s\n+ ", a);
            for (size_t i = 0; i < na; i++)
                printf("%s ", wa[i]);
            printf("\n= %s\n", b);
        }
        free(nrm0);
    }
    printf("%zu sentences, %zu reference words\n", sent, ref);
    printf("before: word accuracy %.1f%% (WER %.1f%%), exact sentences %.1f%%\n",
           100.0 * (1 - (double)e_before / ref), 100.0 * e_before / ref, 100.0 * exact_b / sent);
    printf("after:  word accuracy %.1f%% (WER %.1f%%), exact sentences %.1f%%\n",
           100.0 * (1 - (double)e_after / ref), 100.0 * e_after / ref, 100.0 * exact_a / sent);
    fclose(fi);
    fclose(ff);
    return 0;
}

static int lexicon(const char *csv)
{
    FILE *f = fopen(csv, "r");
    char line[8192];
    size_t n = 0, before = 0, after = 0, same = 0;
    if (!f) {
        fprintf(stderr, "cannot open %s\n", csv);
        return 1;
    }
    if (!fgets(line, sizeof line, f)) /* header */
        return 1;
    while (fgets(line, sizeof line, f)) {
        char *c1 = strchr(line, ',');
        if (!c1)
            continue;
        char *c2 = strchr(c1 + 1, ',');
        if (!c2)
            continue;
        *c1 = *c2 = '\0';
        const char *slang = line, *formal = c1 + 1;
        if (!*slang || !*formal)
            continue;
        if (strchr(slang, '"') || strchr(formal, '"'))
            continue; /* quoted fields are context sentences, not words */
        char *nrm = norm_of(slang, strlen(slang));
        char *nf = norm_of(formal, strlen(formal));
        n++;
        before += strcmp(slang, formal) == 0;
        after += strcmp(nrm, formal) == 0;
        same += strcmp(nrm, nf) == 0;
        if (getenv("EVAL_SHOW") && strcmp(nrm, nf) != 0)
            printf("%s\t%s\t%s\n", slang, nrm, formal);
        free(nrm);
        free(nf);
    }
    printf("%zu rows: slang equal to the target: before %.1f%%, after %.1f%%; "
           "slang and target normalized alike: %.1f%%\n",
           n, 100.0 * before / n, 100.0 * after / n, 100.0 * same / n);
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = getenv("GAGAS_DATA");
    if (gg_text_init(dir ? dir : "data") != 0) {
        fprintf(stderr, "cannot load the text tables (run from the repo root)\n");
        return 1;
    }
    if (argc == 4 && strcmp(argv[1], "pairs") == 0)
        return pairs(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "lexicon") == 0)
        return lexicon(argv[2]);
    fprintf(stderr, "usage: eval_norm pairs INF FOR | eval_norm lexicon CSV\n");
    return 2;
}
