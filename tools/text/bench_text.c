/*
 * bench_text.c — throughput of the text layer (tool, not part of the
 * library): gg_text_analyze(_ex) with and without gg_text_tokenize over
 * the tweets of a CSV whose second column is the text, repeated until a
 * couple of seconds have passed, on 1 and on N threads.
 *   bench_text FILE.csv [threads]
 * Run from the repo root (tables from ./data) or set GAGAS_DATA.
 */
#include "text/text.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char **g_text;
static size_t *g_len;
static size_t g_n, g_skipped;
static int g_tokens = 1;
static int g_flags;     /* gg_text_analyze_ex flags */
static size_t g_passes; /* BENCH_PASSES: a fixed amount of work (for perf stat) */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The text is everything between the first comma and the 12 label columns
 * at the end (the hate-speech CSV); for other CSVs: the second column. */
static void load(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[65536];
    size_t cap = 0;
    if (!f) {
        perror(path);
        exit(1);
    }
    if (!fgets(line, sizeof line, f))
        exit(1);
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        char *s = strchr(line, ',');
        if (!s)
            continue;
        s++;
        char *e = line + n;
        int commas = 0;
        while (e > s && commas < 12)
            if (*--e == ',')
                commas++;
        if (commas < 12)
            e = line + n;
        if (!gg_text_utf8_valid(s, (size_t)(e - s))) {
            g_skipped++; /* the hate-speech CSV has some; they would cost nothing */
            continue;
        }
        if (g_n == cap) {
            cap = cap ? cap * 2 : 1024;
            g_text = realloc(g_text, cap * sizeof *g_text);
            g_len = realloc(g_len, cap * sizeof *g_len);
        }
        g_len[g_n] = (size_t)(e - s);
        g_text[g_n] = strndup(s, g_len[g_n]);
        g_n++;
    }
    fclose(f);
}

typedef struct job {
    size_t posts, bytes, tokens;
    double secs, cpu; /* wall and this thread's CPU time */
} job;

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
    job *j = arg;
    double t0 = now(), c0 = thread_cpu();
    gg_text_tokens tk;
    gg_text_tokens_init(&tk);
    do {
        for (size_t i = 0; i < g_n; i++) {
            gg_text_doc d;
            if (gg_text_analyze_ex(&d, g_text[i], g_len[i], g_flags) == 0) {
                if (g_tokens && gg_text_tokenize(&tk, d.norm, d.norm_len,
                                                 GG_TEXT_STOPWORDS | GG_TEXT_STEM) == 0)
                    j->tokens += tk.count;
                gg_text_doc_dispose(&d);
            }
            j->bytes += g_len[i];
        }
        j->posts += g_n;
    } while (g_passes ? j->posts < g_passes * g_n : now() - t0 < 2.0);
    j->secs = now() - t0;
    j->cpu = thread_cpu() - c0;
    gg_text_tokens_dispose(&tk);
    return NULL;
}

static void run(int threads)
{
    pthread_t th[64];
    job jobs[64];
    double posts = 0, bytes = 0, cpu = 0, done = 0;
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < threads; i++)
        pthread_create(&th[i], NULL, worker, &jobs[i]);
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        posts += jobs[i].posts / jobs[i].secs;
        bytes += jobs[i].bytes / jobs[i].secs;
        cpu += jobs[i].cpu;
        done += (double)jobs[i].posts;
    }
    /* CPU time per post does not depend on what else the machine runs;
     * wall-clock posts/s does. */
    printf("%s%s, %d thread(s): %.0f posts/s wall (%.1f MB/s); %.2f us CPU/post\n",
           g_flags ? "analyze(no entities)" : "analyze", g_tokens ? "+tokens(stop,stem)" : "",
           threads, posts, bytes / 1e6, 1e6 * cpu / done);
}

int main(int argc, char **argv)
{
    const char *dir = getenv("GAGAS_DATA");
    if (argc < 2) {
        fprintf(stderr, "usage: bench_text FILE.csv [threads]\n");
        return 2;
    }
    if (gg_text_init(dir ? dir : "data") != 0) {
        fprintf(stderr, "cannot load the text tables (run from the repo root)\n");
        return 1;
    }
    load(argv[1]);
    printf("%zu posts loaded (%zu lines of invalid UTF-8 skipped)\n", g_n, g_skipped);
    if (getenv("BENCH_PASSES"))
        g_passes = (size_t)strtoul(getenv("BENCH_PASSES"), NULL, 10);
    if (getenv("BENCH_ONLY")) { /* one run, for callgrind: analyze, tokens, noent, noent-tokens */
        const char *m = getenv("BENCH_ONLY");
        g_tokens = strstr(m, "tokens") != NULL;
        g_flags = strstr(m, "noent") ? GG_TEXT_NO_ENTITIES : 0;
        run(1);
        return 0;
    }
    int threads = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2;
    if (threads < 1 || threads > 64)
        threads = 2;
    for (int mode = 0; mode < 4; mode++) {
        g_tokens = mode & 1;
        g_flags = mode & 2 ? GG_TEXT_NO_ENTITIES : 0;
        run(1);
        run(threads);
    }
    return 0;
}
