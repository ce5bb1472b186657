/*
 * bench/dedup_mem.c — memory and speed of the near-duplicate index at scale
 * (a tool, not part of the library). Feeds N synthetic posts (Zipf-distributed
 * made-up words, 8-60 per post; 5% exact copies, 5% edited copies of an
 * earlier post) to gg_dedup_add and reports heap bytes per post, peak RSS,
 * adds per second, and how many edited copies were found / how many fresh
 * posts were wrongly called duplicates.
 *
 *   make build/libgagas.a
 *   cc -std=c11 -O2 -Isrc -o build/dedup_mem bench/dedup_mem.c build/libgagas.a -lxxhash -lutf8proc -lm
 *   build/dedup_mem 1000000
 */
#define _GNU_SOURCE
#include "filter/dedup.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VOCAB 30000
#define MAXW 64

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char *words[VOCAB];
static double cdf[VOCAB];

static int zipf(void)
{
    double u = (double)(next() % 1000000007ULL) / 1000000007.0;
    int lo = 0, hi = VOCAB - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* post i's words, regenerated from its own seed so nothing is kept */
static int post_words(uint64_t seed, int *w)
{
    uint64_t save = rng;
    rng = seed * 0x9E3779B97F4A7C15ULL + 1;
    int n = 8 + (int)(next() % 53);
    for (int i = 0; i < n; i++)
        w[i] = zipf();
    rng = save;
    return n;
}

/* exact Jaccard of the word 2-shingle sets (the index's estimate target) */
static double jaccard2(const int *a, int na, const int *b, int nb)
{
    long inter = 0, ua = 0, ub = 0;
    for (int i = 0; i + 1 < na; i++) {
        int dup = 0, hit = 0;
        for (int k = 0; k < i && !dup; k++)
            dup = a[k] == a[i] && a[k + 1] == a[i + 1];
        if (dup)
            continue;
        ua++;
        for (int k = 0; k + 1 < nb && !hit; k++)
            hit = b[k] == a[i] && b[k + 1] == a[i + 1];
        inter += hit;
    }
    for (int i = 0; i + 1 < nb; i++) {
        int dup = 0;
        for (int k = 0; k < i && !dup; k++)
            dup = b[k] == b[i] && b[k + 1] == b[i + 1];
        ub += !dup;
    }
    return ua + ub - inter ? (double)inter / (double)(ua + ub - inter) : 1.0;
}

static size_t render(const int *w, int n, char *buf)
{
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(words[w[i]]);
        if (i)
            buf[len++] = ' ';
        memcpy(buf + len, words[w[i]], l);
        len += l;
    }
    buf[len] = '\0';
    return len;
}

static long rss_kib(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, strlen(field)) == 0)
            v = strtol(line + strlen(field) + 1, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    static const char *syl[] = {"ba", "ka", "ma", "sa", "ta", "ra", "la", "na", "pa", "da", "ga", "ja",
                                "be", "ke", "me", "se", "te", "ri", "li", "ni", "pu", "du", "gu", "jo",
                                "ng", "an", "in", "un", "ku", "mu", "si", "wa"};
    double z = 0;
    for (int i = 0; i < VOCAB; i++) {
        char b[16];
        int k = 2 + (int)(next() % 3);
        size_t bl = 0;
        for (int j = 0; j < k; j++)
            bl += (size_t)snprintf(b + bl, sizeof b - bl, "%s", syl[next() % 32]);
        words[i] = strdup(b);
        z += 1.0 / (i + 1);
        cdf[i] = z;
    }
    for (int i = 0; i < VOCAB; i++)
        cdf[i] /= z;

    long base_rss = rss_kib("VmRSS:");
    gg_dedup *d = gg_dedup_new(NULL);
    int w[MAXW + 4], orig[MAXW + 4], olen = 0;
    long *fresh_ids = malloc((size_t)n * sizeof *fresh_ids), nfresh = 0;
    long edited_j[3] = {0}, found_j[3] = {0}, miss_est_low = 0;
    char buf[MAXW * 16];
    long edited = 0, edited_found = 0, fresh = 0, fresh_flagged = 0;
    double t0 = now();
    for (long i = 0; i < n; i++) {
        uint64_t r = next() % 100;
        int len;
        int kind = 0; /* 0 fresh, 1 exact copy, 2 edited copy */
        if (i > 100 && r < 5) {
            kind = 1;
            len = post_words((uint64_t)fresh_ids[next() % (uint64_t)nfresh], w);
        } else if (i > 100 && r < 10) {
            kind = 2;
            len = post_words((uint64_t)fresh_ids[next() % (uint64_t)nfresh], w);
            /* an edit: one word replaced, two words added at the end; its
             * true Jaccard (word 2-shingles) with the original is recorded */
            memcpy(orig, w, sizeof w);
            olen = len;
            w[next() % (uint64_t)len] = zipf();
            w[len++] = zipf();
            w[len++] = zipf();
        } else {
            len = post_words((uint64_t)i, w);
            fresh_ids[nfresh++] = i;
        }
        size_t bl = render(w, len, buf);
        int64_t dup = gg_dedup_add(d, i, buf, bl, NULL);
        if (kind == 2) {
            double j = jaccard2(orig, olen, w, len);
            int b = j >= 0.7 ? 2 : j >= 0.6 ? 1 : 0;
            edited_j[b]++;
            if (b == 2 && dup < 0) {
                char ob[MAXW * 16];
                size_t ol = render(orig, olen, ob);
                double est = gg_dedup_similarity(d, ob, ol, buf, bl);
                miss_est_low += est < 0.6;
            }
            found_j[b] += dup >= 0;
            edited++;
            edited_found += dup >= 0;
        } else if (kind == 0) {
            fresh++;
            fresh_flagged += dup >= 0;
        }
    }
    double t1 = now();
    /* query latency on fresh texts */
    int q = 20000;
    double t2 = now();
    long qhits = 0;
    for (int i = 0; i < q; i++) {
        int len = post_words((uint64_t)(n + 1000 + i), w);
        size_t bl = render(w, len, buf);
        qhits += gg_dedup_query(d, buf, bl, NULL) >= 0;
    }
    double t3 = now();
    gg_dedup_stats st;
    gg_dedup_stats_get(d, &st);
    printf("posts: %ld (indexed %zu, exact %zu, near %zu)\n", n, st.indexed, st.exact, st.near);
    printf("index heap: %.1f MiB (%.0f bytes per post added, %.0f per indexed post)\n", st.bytes / 1048576.0,
           (double)st.bytes / (double)n, (double)st.bytes / (double)st.indexed);
    printf("RSS: %.1f MiB now, peak %.1f MiB (process start %.1f MiB)\n", rss_kib("VmRSS:") / 1024.0,
           rss_kib("VmHWM:") / 1024.0, base_rss / 1024.0);
    printf("add: %.0f posts/s (%.2f s)\n", n / (t1 - t0), t1 - t0);
    printf("query: %.1f us each (%d fresh texts, %ld called duplicates)\n", (t3 - t2) * 1e6 / q, q, qhits);
    printf("edited copies found: %ld / %ld (%.4f)\n", edited_found, edited,
           edited ? (double)edited_found / (double)edited : 0);
    printf("  by true Jaccard: <0.6 %ld/%ld, 0.6-0.7 %ld/%ld, >=0.7 %ld/%ld (%.4f)\n", found_j[0], edited_j[0],
           found_j[1], edited_j[1], found_j[2], edited_j[2], edited_j[2] ? (double)found_j[2] / edited_j[2] : 0);
    printf("  misses at >=0.7 whose MinHash estimate is < 0.6: %ld\n", miss_est_low);
    printf("fresh posts called duplicates: %ld / %ld (%.6f)\n", fresh_flagged, fresh,
           fresh ? (double)fresh_flagged / (double)fresh : 0);
    gg_dedup_free(d);
    free(fresh_ids);
    return 0;
}
