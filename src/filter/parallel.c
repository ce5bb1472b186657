/*
 * parallel.c — parallel-sentence groups of a translated corpus (filter
 * layer, training only; see parallel.h). Each row becomes a sorted set of
 * word hashes; a language short of rows is aligned to the intact languages
 * by dynamic programming over a band (it can only have skipped as many
 * rows as it lacks), scoring a pairing by the summed Jaccard similarity of
 * the row to the reference rows at that position: names, numbers and
 * loanwords survive translation, and summing over several references makes
 * the signal strong even for English.
 */
#include "filter/parallel.h"
#include "core/alloc.h"
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

typedef struct wset {
    uint64_t *h;
    size_t n;
} wset;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int wordch(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch >= 0x80;
}

/* The distinct lower-cased words of s as sorted hashes. */
static void wset_build(wset *w, const char *s)
{
    size_t cap = 16;
    char buf[256];
    w->h = gg_malloc(cap * sizeof *w->h);
    w->n = 0;
    while (*s) {
        while (*s && !wordch((unsigned char)*s))
            s++;
        size_t l = 0;
        for (; *s && wordch((unsigned char)*s); s++)
            if (l < sizeof buf) {
                unsigned char ch = (unsigned char)*s;
                buf[l++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
            }
        if (!l)
            continue;
        if (w->n == cap) {
            cap *= 2;
            w->h = gg_realloc(w->h, cap * sizeof *w->h);
        }
        w->h[w->n++] = XXH64(buf, l, 0);
    }
    qsort(w->h, w->n, sizeof *w->h, cmp_u64);
    size_t o = 0;
    for (size_t i = 0; i < w->n; i++)
        if (!o || w->h[o - 1] != w->h[i])
            w->h[o++] = w->h[i];
    w->n = o;
}

static double jaccard(const wset *a, const wset *b)
{
    size_t i = 0, j = 0, both = 0;
    while (i < a->n && j < b->n) {
        if (a->h[i] == b->h[j]) {
            both++;
            i++;
            j++;
        } else if (a->h[i] < b->h[j]) {
            i++;
        } else {
            j++;
        }
    }
    size_t any = a->n + b->n - both;
    return any ? (double)both / (double)any : 0.0;
}

size_t gg_filter__parallel_groups(const char *const *text, const int *lang, size_t n, int nlang,
                                  uint64_t *out)
{
    size_t *cnt = gg_calloc((size_t)nlang, sizeof *cnt), m = 0;
    size_t **rows = gg_calloc((size_t)nlang, sizeof *rows);
    wset *ws = gg_malloc((n ? n : 1) * sizeof *ws);
    for (size_t i = 0; i < n; i++) {
        cnt[lang[i]]++;
        wset_build(&ws[i], text[i]);
    }
    for (int l = 0; l < nlang; l++) {
        if (cnt[l] > m)
            m = cnt[l];
        rows[l] = gg_malloc((cnt[l] ? cnt[l] : 1) * sizeof *rows[l]);
        cnt[l] = 0;
    }
    for (size_t i = 0; i < n; i++)
        rows[lang[i]][cnt[lang[i]]++] = i;
    for (int l = 0; l < nlang; l++) {
        size_t k = cnt[l];
        if (k == m) { /* a reference: its order is the group order */
            for (size_t i = 0; i < k; i++)
                out[rows[l][i]] = i;
            continue;
        }
        /* band DP: row i (0-based) pairs with position j, i <= j <= i + gap */
        size_t gap = m - k, bw = gap + 1;
        double *dp = gg_malloc((k + 1) * bw * sizeof *dp);
        unsigned char *take = gg_calloc((k + 1) * bw, 1);
        /* dp[i][d]: best score with the first i rows placed in the first
         * i + d positions (d = skipped positions so far) */
        for (size_t d = 0; d < bw; d++)
            dp[d] = 0;
        for (size_t i = 1; i <= k; i++) {
            const wset *t = &ws[rows[l][i - 1]];
            for (size_t d = 0; d < bw; d++) {
                size_t j = i - 1 + d; /* the position row i-1 would take */
                double s = 0;
                for (int r = 0; r < nlang; r++)
                    if (cnt[r] == m)
                        s += jaccard(t, &ws[rows[r][j]]);
                double best = dp[(i - 1) * bw + d] + s;
                take[i * bw + d] = 1;
                if (d > 0 && dp[i * bw + d - 1] > best) {
                    best = dp[i * bw + d - 1];
                    take[i * bw + d] = 0;
                }
                dp[i * bw + d] = best;
            }
        }
        /* walk back from all rows placed, all gaps used */
        size_t i = k, d = gap;
        while (i > 0) {
            if (take[i * bw + d]) {
                out[rows[l][i - 1]] = i - 1 + d;
                i--;
            } else {
                d--;
            }
        }
        gg_free(dp);
        gg_free(take);
    }
    for (size_t i = 0; i < n; i++)
        gg_free(ws[i].h);
    for (int l = 0; l < nlang; l++)
        gg_free(rows[l]);
    gg_free(ws);
    gg_free(rows);
    gg_free(cnt);
    return m;
}
