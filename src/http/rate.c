/* rate.c — fixed-window counters in a fixed table (http layer). */
#include "http/rate.h"
#include "core/alloc.h"
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

typedef struct slot {
    uint64_t key;
    int64_t window;
    int count;
} slot;

#define SHARDS 16

struct gg_rate {
    int nslots, window_s;
    slot *slots;
    pthread_mutex_t mu[SHARDS];
};

gg_rate *gg_rate_new(int nslots, int window_s)
{
    gg_rate *r = gg_calloc(1, sizeof(*r));
    r->nslots = nslots > 0 ? nslots : 4096;
    r->window_s = window_s > 0 ? window_s : 60;
    r->slots = gg_calloc((size_t)r->nslots, sizeof(slot));
    for (int i = 0; i < SHARDS; i++)
        pthread_mutex_init(&r->mu[i], NULL);
    return r;
}

void gg_rate_free(gg_rate *r)
{
    if (r == NULL)
        return;
    free(r->slots);
    free(r);
}

int gg_rate_add(gg_rate *r, const char *key, int n)
{
    uint64_t h = XXH3_64bits(key, strlen(key));
    int i = (int)(h % (uint64_t)r->nslots);
    int64_t win = (int64_t)time(NULL) / r->window_s;
    pthread_mutex_t *mu = &r->mu[i % SHARDS];
    pthread_mutex_lock(mu);
    slot *s = &r->slots[i];
    if (s->window != win) {
        s->key = h;
        s->window = win;
        s->count = 0;
    }
    s->count += n;
    int c = s->count;
    pthread_mutex_unlock(mu);
    return c;
}

int gg_rate_retry_after(gg_rate *r, const char *key)
{
    (void)key;
    int64_t now = (int64_t)time(NULL);
    return (int)(r->window_s - now % r->window_s);
}
