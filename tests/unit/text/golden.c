/*
 * tests/unit/text/golden.c — runs the data-file tests in
 * tests/golden/normalize.txt through gg_text_analyze with the shipped tables
 * (data/lexicon). The file format is described at its top, so a linguist can
 * add cases without writing C. Run from the repo root, or set GAGAS_ROOT.
 */
#include "text/text.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Open path relative to the repo root: $GAGAS_ROOT, ".", "..", "../..". */
static FILE *open_rel(const char *rel, char *dir_out, size_t cap)
{
    const char *env = getenv("GAGAS_ROOT");
    const char *roots[] = {env ? env : ".", ".", "..", "../.."};
    char path[4096];
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", roots[i], rel);
        FILE *f = fopen(path, "r");
        if (f) {
            snprintf(dir_out, cap, "%s", roots[i]);
            return f;
        }
    }
    return NULL;
}

/* Undo the \n \t \\ escapes in place. */
static void unescape(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            *o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

typedef struct stanza {
    int line;
    char *key[16];
    char *val[16];
    int n;
} stanza;

/* Entities of one kind joined with " | " (hashtags: their split words). */
static void joined(json_t *ents, const char *key, char *out, size_t cap)
{
    json_t *arr = json_object_get(ents, key);
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *e = json_array_get(arr, i);
        const char *s = json_is_object(e) ? json_string_value(json_object_get(e, "words"))
                                          : json_string_value(e);
        o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? " | " : "", s ? s : "?");
        if (o >= cap)
            break;
    }
}

/* Tokens of norm joined by single spaces. */
static void tokens_of(const char *norm, size_t len, int flags, char *out, size_t cap)
{
    gg_text_tokens tk;
    size_t o = 0;
    gg_text_tokens_init(&tk);
    out[0] = '\0';
    if (gg_text_tokenize(&tk, norm, len, flags) == 0)
        for (size_t i = 0; i < tk.count && o < cap; i++)
            o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? " " : "", gg_text_token(&tk, i));
    gg_text_tokens_dispose(&tk);
}

static int run_stanza(const stanza *st)
{
    const char *in = NULL;
    int fails = 0;
    for (int i = 0; i < st->n; i++)
        if (strcmp(st->key[i], "in") == 0)
            in = st->val[i];
    if (!in) {
        cr_log_error("line %d: stanza without `in:`", st->line);
        return 1;
    }
    gg_text_doc doc;
    int rc = gg_text_analyze(&doc, in, strlen(in));
    if (rc != 0) {
        cr_log_error("line %d: analyze failed (%d)", st->line, rc);
        return 1;
    }
    for (int i = 0; i < st->n; i++) {
        const char *k = st->key[i], *want = st->val[i];
        char got[8192];
        if (strcmp(k, "in") == 0)
            continue;
        if (strcmp(k, "norm") == 0)
            snprintf(got, sizeof got, "%s", doc.norm);
        else if (strcmp(k, "display") == 0)
            snprintf(got, sizeof got, "%s", doc.display);
        else if (strcmp(k, "tokens") == 0 || strcmp(k, "stems") == 0)
            tokens_of(doc.norm, doc.norm_len, k[0] == 's' ? GG_TEXT_STOPWORDS | GG_TEXT_STEM : 0,
                      got, sizeof got);
        else if (json_object_get(doc.entities, k))
            joined(doc.entities, k, got, sizeof got);
        else {
            cr_log_error("line %d: unknown key `%s`", st->line, k);
            fails++;
            continue;
        }
        if (strcmp(got, want) != 0) {
            cr_log_error("line %d: %s\n   in:   %s\n   want: %s\n   got:  %s", st->line, k, in,
                         want, got);
            fails++;
        }
    }
    gg_text_doc_dispose(&doc);
    return fails;
}

Test(text_golden, normalize_txt)
{
    char root[4096], data[4200], line[8192];
    FILE *f = open_rel("tests/golden/normalize.txt", root, sizeof root);
    cr_assert_not_null(f, "tests/golden/normalize.txt not found (run from the repo root)");
    snprintf(data, sizeof data, "%s/data", root);
    cr_assert_eq(gg_text_init(data), 0, "cannot load tables from %s", data);

    stanza st = {0};
    int lineno = 0, fails = 0, cases = 0;
    for (;;) {
        char *got = fgets(line, sizeof line, f);
        lineno++;
        size_t n = got ? strcspn(line, "\r\n") : 0;
        if (got)
            line[n] = '\0';
        if (!got || n == 0) { /* end of a stanza */
            if (st.n > 0) {
                fails += run_stanza(&st);
                cases++;
            }
            for (int i = 0; i < st.n; i++)
                free(st.key[i]), free(st.val[i]);
            memset(&st, 0, sizeof st);
            if (!got)
                break;
            continue;
        }
        if (line[0] == '#')
            continue;
        char *colon = strchr(line, ':');
        cr_assert_not_null(colon, "line %d: expected `key: value`", lineno);
        cr_assert_lt(st.n, 16, "line %d: too many keys in one stanza", lineno);
        *colon = '\0';
        char *v = colon + 1;
        if (*v == ' ')
            v++;
        unescape(v);
        if (st.n == 0)
            st.line = lineno;
        st.key[st.n] = strdup(line);
        st.val[st.n] = strdup(v);
        st.n++;
    }
    fclose(f);
    cr_log_info("%d golden cases", cases);
    cr_assert_eq(fails, 0, "%d golden expectation(s) failed, see above", fails);
    cr_assert_gt(cases, 0);
}
