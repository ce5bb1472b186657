/*
 * insight_summary.c — time gg_insight_summary on a database, without the
 * server (bench, issue 6): wall and this thread's CPU time per call (p50,
 * p95), so a figure can be read on a machine busy with other work (CPU
 * time barely moves with the load; wall time does). bench/insight.sh runs
 * it on its generated database for the same filters it asks the server.
 *
 *   insight_summary DB REPS CAMPAIGN_SLUG DAYS [levels=province] [topic=…]
 *                   [kind=…] [channel=…] [lang=…] [region=…] [dapil=…]
 *                   [coord=organic|coordinated]
 */
#include "insight/insight.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double ms(clockid_t clk)
{
    struct timespec t;
    clock_gettime(clk, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s DB REPS CAMPAIGN DAYS [key=value…]\n", argv[0]);
        return 2;
    }
    gg_store *s = NULL;
    if (gg_store_open(&s, argv[1], 64) != 0) {
        fprintf(stderr, "%s: %s\n", argv[1], gg_store_errmsg(NULL));
        return 1;
    }
    int reps = (int)strtol(argv[2], NULL, 10);
    if (reps < 1 || reps > 1000)
        reps = 20;
    json_t *camp = NULL;
    gg_insight_filter f = {0};
    if (gg_store_campaign_get(s, argv[3], &camp) == 0)
        f.campaign_id = (int64_t)json_integer_value(json_object_get(camp, "id"));
    json_decref(camp);
    f.day_to = (int)(time(NULL) / 86400);
    f.day_from = f.day_to - (int)strtol(argv[4], NULL, 10) + 1;
    for (int i = 5; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (eq == NULL)
            continue;
        *eq = '\0';
        const char *k = argv[i], *v = eq + 1;
        if (strcmp(k, "levels") == 0)
            f.no_regency = strcmp(v, "province") == 0;
        else if (strcmp(k, "topic") == 0)
            f.topic = v;
        else if (strcmp(k, "kind") == 0)
            f.kind = v;
        else if (strcmp(k, "channel") == 0)
            f.channel = v;
        else if (strcmp(k, "lang") == 0)
            f.lang = v;
        else if (strcmp(k, "region") == 0)
            f.region = v;
        else if (strcmp(k, "dapil") == 0)
            f.dapil = v;
        else if (strcmp(k, "coord") == 0)
            f.coord = strcmp(v, "organic") == 0 ? 1 : strcmp(v, "coordinated") == 0 ? 2 : 0;
    }
    double *wall = calloc((size_t)reps, sizeof(double)), *cpu = calloc((size_t)reps, sizeof(double));
    long long total = -1;
    for (int i = 0; i < reps; i++) {
        double w0 = ms(CLOCK_MONOTONIC), c0 = ms(CLOCK_THREAD_CPUTIME_ID);
        json_t *o = NULL;
        int rc = gg_insight_summary(s, &f, 10, &o);
        char *d = rc == 0 ? json_dumps(o, JSON_COMPACT) : NULL; /* as the server answers */
        wall[i] = ms(CLOCK_MONOTONIC) - w0;
        cpu[i] = ms(CLOCK_THREAD_CPUTIME_ID) - c0;
        if (rc != 0) {
            fprintf(stderr, "summary: %s\n", gg_store_errmsg(s));
            return 1;
        }
        total = (long long)json_integer_value(json_object_get(o, "total"));
        free(d);
        json_decref(o);
    }
    qsort(wall, (size_t)reps, sizeof(double), by_value);
    qsort(cpu, (size_t)reps, sizeof(double), by_value);
    int p95 = (int)(reps * 0.95 + 0.999) - 1;
    printf("wall_p50_ms %.1f wall_p95_ms %.1f cpu_p50_ms %.1f cpu_p95_ms %.1f posts %lld\n",
           wall[reps / 2], wall[p95], cpu[reps / 2], cpu[p95], total);
    free(wall);
    free(cpu);
    gg_store_close(s);
    return 0;
}
