/*
 * insight_write.c — what the insight triggers cost the writer (bench, issue
 * 6). Queues N labelled submissions through gg_store_submission_put (the
 * writer thread, group commit) into a fresh store, once as shipped and once
 * with the insight triggers dropped, and prints both rates and their ratio.
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

/* labels in the shape the filter writes, with its route evidence */
static const char *const labels[] = {
    "{\"lang\":\"ind\",\"topics\":[{\"topic\":\"pendidikan\",\"score\":0.91},{\"topic\":"
    "\"infrastruktur\",\"score\":0.55}],\"kind\":\"gagasan\",\"constructive\":0.8,\"abusive\":0.02,"
    "\"hate\":0.01,\"hate_detail\":{\"categories\":[]},\"spam\":0.03,\"sentiment\":{\"label\":"
    "\"negative\",\"score\":0.7},\"region\":[{\"text\":\"Kab. Bogor\",\"start\":20,\"len\":10,"
    "\"level\":\"kabkota\",\"code\":\"32.01\",\"name\":\"Kabupaten Bogor\",\"province\":\"32\","
    "\"kabkota\":\"32.01\",\"dapil\":\"3205\",\"dapil_name\":\"JAWA BARAT V\",\"how\":\"prefix\"}],"
    "\"dup_of\":null,\"coordinated\":null,\"route\":{\"decision\":\"queue\",\"priority\":0.62,"
    "\"rules\":[],\"models\":true}}",
    "{\"lang\":\"jav\",\"topics\":[{\"topic\":\"kesehatan\",\"score\":0.8}],\"kind\":\"keluhan\","
    "\"sentiment\":{\"label\":\"neutral\",\"score\":0.6},\"region\":[],\"dup_of\":null,"
    "\"coordinated\":null,\"route\":{\"decision\":\"queue\",\"priority\":0.5,\"rules\":[],"
    "\"models\":true}}",
};

static double run(const char *path, int n, int drop)
{
    gg_store *s;
    int64_t cid;
    unlink(path);
    if (gg_store_open(&s, path, 512) != 0)
        return -1;
    gg_campaign_in c = {.slug = "w", .title = "W", .question = "Q?", .brief = ""};
    gg_store_campaign_upsert(s, &c, &cid);
    gg_store_close(s);
    if (drop) {
        sqlite3 *db;
        sqlite3_open(path, &db);
        sqlite3_exec(db, "DROP TRIGGER insight_sub_ins; DROP TRIGGER insight_sub_upd;", NULL,
                     NULL, NULL);
        sqlite3_close(db);
    }
    if (gg_store_open(&s, path, 512) != 0)
        return -1;
    left = n;
    double t = now_ms();
    for (int i = 0; i < n; i++) {
        char text[96], nat[32];
        snprintf(text, sizeof(text), "usulan %d: perbaiki sekolah dan jalan di desa kami", i);
        snprintf(nat, sizeof(nat), "w%d", i);
        gg_submission_in in = {.campaign_id = cid, .channel = i % 2 ? "x" : "web",
                               .native_id = nat, .text = text, .state = "queued",
                               .labels_json = labels[i % 2]};
        gg_store_submission_put(s, &in, on_done, NULL);
    }
    pthread_mutex_lock(&mu);
    while (left > 0)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    double ms = now_ms() - t;
    gg_store_close(s);
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
    printf("insight_write_per_s: %.0f with the insight triggers, %.0f without (ratio %.2f), "
           "%d submissions through the writer%s\n",
           with, without, without > 0 ? with / without : 0, n, failed ? " (SOME FAILED)" : "");
    return failed != 0;
}
