/*
 * bench/coord_mem.c — memory and speed of the coordination detector (a tool,
 * not part of the library): N posts by N/2 authors over a week, 95% unique,
 * 5% copies spread over 2,000 clusters (some of them campaigns).
 *
 *   make build/libgagas.a
 *   cc -std=c11 -O2 -Isrc -o build/coord_mem bench/coord_mem.c build/libgagas.a -lxxhash
 *   build/coord_mem 1000000
 */
#define _GNU_SOURCE
#include "filter/coord.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    long base = rss_kib("VmRSS:");
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    gg_coord *c = gg_coord_new(NULL);
    const char *tags[] = {"tolakkenaikan"};
    for (long i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        char author[24];
        snprintf(author, sizeof author, "a%lu", (unsigned long)(x % (uint64_t)(n / 2 + 1)));
        int64_t cluster = i;
        if (i >= 2000 && x % 100 < 5)
            cluster = (int64_t)((x >> 20) % 2000); /* a copy of one of the first 2,000 posts */
        gg_coord_obs o = {.id = i, .author = author, .author_len = strlen(author),
                          .created_at = 1700000000 + i * (7 * 86400) / n, .cluster = cluster,
                          .hashtags = tags, .n_hashtags = 1, .n_words = 12};
        gg_coord_observe(c, &o);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    long grouped = 0;
    for (long i = 0; i < n; i++)
        grouped += gg_coord_group_of(c, i) > 0;
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("posts %ld: %.0f observe/s, groups %zu, posts in groups %ld, RSS %.1f MiB (+%.1f)\n", n, n / s,
           gg_coord_count(c), grouped, rss_kib("VmRSS:") / 1024.0, (rss_kib("VmRSS:") - base) / 1024.0);
    gg_coord_burst bursts[4];
    clock_gettime(CLOCK_MONOTONIC, &a);
    int nb = gg_coord_bursts(c, bursts, 4);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("bursts: %d in %.3f s (one tag with %ld uses)\n", nb,
           (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9, n);
    gg_coord_free(c);
    return 0;
}
