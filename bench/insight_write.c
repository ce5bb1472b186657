/*
 * insight_write.c — what insight costs the writer (bench, issues 2 and 6).
 * Queues N submissions with varied labels through gg_store_submission_put
 * (the writer thread, group commit) into a fresh store, once as shipped and
 * once without insight's share of each write (the facts row's indexes and
 * its pending row, hence the fold), until the store is closed (the last
 * fold included), and prints both rates and their ratio.
 *
 *   insight_write DIR [N]      (DIR: a scratch directory; default N 20000)
 */
#include "store/store.h"
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int left, failed;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void on_done(void *arg, int rc, int64_t id, json_t *result)
{
    (void)arg, (void)id, (void)result;
    pthread_mutex_lock(&mu);
    failed += rc != 0;
    left--;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

/* Labels in the shape the filter writes, varied the way real posts vary:
 * 5 kinds, 3 languages, 1-2 of 12 topics, 3 sentiments, 7 channels, and a
 * main region among 500 kab/kota of 34 provinces (each with its dapil), so
 * the fold sees as many distinct aggregate rows as a campaign does. */
static const char *const kinds[] = {"gagasan", "keluhan", "pertanyaan", "kritik", "dukungan"};
static const char *const langs[] = {"ind", "jav", "sun"};
static const char *const topics[] = {"pendidikan", "kesehatan", "infrastruktur", "ekonomi",
                                     "lingkungan", "pertanian", "transportasi", "keamanan",
                                     "sosial", "pemerintahan", "energi", "perumahan"};
static const char *const sentiments[] = {"positive", "neutral", "negative"};
static const char *const channels[] = {"web", "x", "facebook", "instagram",
                                       "whatsapp", "telegram", "youtube"};

static unsigned rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static void labels_of(int i, char *out, size_t cap)
{
    unsigned s = (unsigned)i * 2654435761u + 1;
    int prov = 11 + (int)(rnd(&s) % 34), kab = 1 + (int)(rnd(&s) % 15);
    int t1 = (int)(rnd(&s) % 12), t2 = (int)(rnd(&s) % 12);
    char second[64] = "";
    if (rnd(&s) % 3 == 0 && t2 != t1)
        snprintf(second, sizeof(second), ",{\"topic\":\"%s\",\"score\":0.55}", topics[t2]);
    snprintf(out, cap,
             "{\"lang\":\"%s\",\"topics\":[{\"topic\":\"%s\",\"score\":0.91}%s],"
             "\"kind\":\"%s\",\"constructive\":0.8,\"sentiment\":{\"label\":\"%s\","
             "\"score\":0.7},\"region\":[{\"text\":\"x\",\"level\":\"kabkota\","
             "\"province\":\"%d\",\"kabkota\":\"%d.%02d\",\"dapil\":\"%d%02d\"}],"
             "\"dup_of\":null,\"coordinated\":null,\"route\":{\"decision\":\"queue\","
             "\"priority\":0.62,\"rules\":[],\"models\":true}}",
             langs[rnd(&s) % 3], topics[t1], second, kinds[rnd(&s) % 5],
             sentiments[rnd(&s) % 3], prov, prov, kab, prov, 1 + kab % 8);
}

/* bare != 0: the same writes without what insight adds to each (the facts
 * row's indexes, its pending row and so the fold), as the baseline */
static double run(const char *path, int n, int bare)
{
    gg_store *s;
    int64_t cid;
    unlink(path);
    if (gg_store_open(&s, path, 512) != 0)
        return -1;
    gg_campaign_in c = {.slug = "w", .title = "W", .question = "Q?", .brief = ""};
    gg_store_campaign_upsert(s, &c, &cid);
    gg_store_close(s);
    if (bare) {
        sqlite3 *db;
        sqlite3_open(path, &db);
        sqlite3_exec(db,
                     "DROP TRIGGER insight_facts_add; DROP INDEX insight_facts_regency;"
                     " DROP INDEX insight_facts_dapil; DROP INDEX insight_facts_channel;"
                     " DROP INDEX insight_facts_kind;",
                     NULL, NULL, NULL);
        sqlite3_close(db);
    }
    if (gg_store_open(&s, path, 512) != 0)
        return -1;
    left = n;
    double t = now_ms();
    for (int i = 0; i < n; i++) {
        char text[96], nat[32], lab[1024];
        snprintf(text, sizeof(text), "usulan %d: perbaiki sekolah dan jalan di desa kami", i);
        snprintf(nat, sizeof(nat), "w%d", i);
        labels_of(i, lab, sizeof(lab));
        gg_submission_in in = {.campaign_id = cid, .channel = channels[i % 7],
                               .native_id = nat, .text = text, .state = "queued",
                               .labels_json = lab};
        gg_store_submission_put(s, &in, on_done, NULL);
    }
    pthread_mutex_lock(&mu);
    while (left > 0)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    double ms = now_ms() - t;
    gg_store_close(s); /* folds what is left: part of the cost */
    ms = now_ms() - t;
    return ms > 0 ? n / (ms / 1000.0) : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: insight_write DIR [N]\n");
        return 2;
    }
    int n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 20000;
    char path[512];
    snprintf(path, sizeof(path), "%s/write.db", argv[1]);
    double with = run(path, n, 0);
    double without = run(path, n, 1);
    printf("insight_write_per_s: %.0f with insight's share of each write, %.0f without it"
           " (ratio %.2f), %d submissions with varied labels through the writer%s\n",
           with, without, without > 0 ? with / without : 0, n, failed ? " (SOME FAILED)" : "");
    return failed != 0;
}
