/*
 * eval_stem.c — measures Snowball Indonesian stemming with and without the
 * gagas exception table (text layer tool, not part of the library).
 *   eval_stem pairs PAIRS.tsv       word<TAB>expected stem rows (Sastrawi
 *                                   test pairs): share stemmed as expected
 *   eval_stem roots ROOTS.txt < T   T: any texts, one per line; counts word
 *                                   tokens that are root words (ROOTS, one
 *                                   per line) and that the stemmer changes
 *                                   (over-stemming), per occurrence
 * "before" is plain Snowball, "after" gg_text_stem (exceptions applied).
 * Run from the repo root (tables from ./data) or set GAGAS_DATA.
 */
#include "text/text.h"
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct sb_stemmer *g_sb;
static gg_text_tokens g_tk;

static void snowball(const char *w, char *out)
{
    const sb_symbol *r = sb_stemmer_stem(g_sb, (const sb_symbol *)w, (int)strlen(w));
    int n = sb_stemmer_length(g_sb);
    memcpy(out, r, (size_t)n);
    out[n] = '\0';
}

static void ours(const char *w, char *out)
{
    if (gg_text_stem(&g_tk, w, strlen(w), out, 128) < 0)
        snprintf(out, 128, "?");
}

static int pairs(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[1024], a[128], b[128];
    size_t n = 0, before = 0, after = 0;
    if (!f)
        return 1;
    while (fgets(line, sizeof line, f)) {
        char *save = NULL;
        char *w = strtok_r(line, "\t\r\n", &save), *want = strtok_r(NULL, "\t\r\n", &save);
        if (!w || !want || strcmp(w, "word") == 0 || strchr(w, ' ') || strlen(w) > 100)
            continue;
        for (char *p = w; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        snowball(w, a);
        ours(w, b);
        n++;
        before += strcmp(a, want) == 0;
        after += strcmp(b, want) == 0;
        if (getenv("EVAL_SHOW") && strcmp(b, want) != 0)
            printf("%s\t%s\t%s\n", w, b, want);
    }
    fclose(f);
    printf("%zu pairs: Snowball %zu (%.1f%%), with exceptions %zu (%.1f%%)\n", n, before,
           100.0 * before / n, after, 100.0 * after / n);
    return 0;
}

/* a tiny string set for the root list */
#define HSIZE (1u << 17)
static char *g_set[HSIZE];
static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h & (HSIZE - 1);
}
static void set_add(const char *s)
{
    unsigned h = hash(s);
    while (g_set[h] && strcmp(g_set[h], s) != 0)
        h = (h + 1) & (HSIZE - 1);
    if (!g_set[h])
        g_set[h] = strdup(s);
}
static int set_has(const char *s)
{
    unsigned h = hash(s);
    while (g_set[h]) {
        if (strcmp(g_set[h], s) == 0)
            return 1;
        h = (h + 1) & (HSIZE - 1);
    }
    return 0;
}

static int roots(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[65536], a[128], b[128];
    size_t tokens = 0, rootocc = 0, over_b = 0, over_a = 0;
    gg_text_tokens tk;
    if (!f)
        return 1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0])
            set_add(line);
    }
    fclose(f);
    gg_text_tokens_init(&tk);
    while (fgets(line, sizeof line, stdin)) {
        gg_text_doc d;
        if (gg_text_analyze(&d, line, strcspn(line, "\r\n")) != 0)
            continue;
        gg_text_tokenize(&tk, d.norm, d.norm_len, GG_TEXT_NO_SPECIAL);
        for (size_t i = 0; i < tk.count; i++) {
            const char *w = gg_text_token(&tk, i);
            if (tk.len[i] > 100 || strspn(w, "abcdefghijklmnopqrstuvwxyz") != tk.len[i])
                continue;
            tokens++;
            if (!set_has(w))
                continue;
            rootocc++;
            snowball(w, a);
            ours(w, b);
            over_b += strcmp(a, w) != 0;
            over_a += strcmp(b, w) != 0;
        }
        gg_text_doc_dispose(&d);
    }
    gg_text_tokens_dispose(&tk);
    printf("%zu word tokens, %zu are root words; changed by the stemmer: Snowball %zu "
           "(%.2f%% of root tokens), with exceptions %zu (%.2f%%)\n",
           tokens, rootocc, over_b, 100.0 * over_b / rootocc, over_a, 100.0 * over_a / rootocc);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = getenv("GAGAS_DATA");
    if (gg_text_init(dir ? dir : "data") != 0) {
        fprintf(stderr, "cannot load the text tables (run from the repo root)\n");
        return 1;
    }
    g_sb = sb_stemmer_new("indonesian", NULL);
    gg_text_tokens_init(&g_tk);
    if (argc == 3 && strcmp(argv[1], "pairs") == 0)
        return pairs(argv[2]);
    if (argc == 3 && strcmp(argv[1], "roots") == 0)
        return roots(argv[2]);
    fprintf(stderr, "usage: eval_stem pairs PAIRS.tsv | eval_stem roots ROOTS.txt < texts\n");
    return 2;
}
