/* arena.c — bump allocator over a list of blocks (core layer). */
#include "core/arena.h"
#include "core/alloc.h"
#include <string.h>

#define BLOCK 65536

struct gg_arena_block {
    gg_arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void gg_arena_init(gg_arena *a, size_t cap)
{
    a->head = NULL;
    a->used_total = 0;
    a->cap = cap;
}

void gg_arena_dispose(gg_arena *a)
{
    while (a->head) {
        gg_arena_block *n = a->head->next;
        free(a->head);
        a->head = n;
    }
    a->used_total = 0;
}

void gg_arena_reset(gg_arena *a)
{
    if (a->head == NULL)
        return;
    /* keep the oldest block (the last in the list): steady state allocates nothing */
    gg_arena_block *b = a->head;
    while (b->next) {
        gg_arena_block *n = b->next;
        free(b);
        b = n;
    }
    b->used = 0;
    a->head = b;
    a->used_total = 0;
}

void *gg_arena_alloc(gg_arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (a->cap && (need > a->cap || a->used_total > a->cap - need))
        return NULL;
    gg_arena_block *b = a->head;
    if (b == NULL || b->size - b->used < need) {
        size_t size = need > BLOCK ? need : BLOCK;
        gg_arena_block *nb = gg_malloc(sizeof(*nb) + size);
        nb->size = size;
        nb->used = 0;
        nb->next = a->head;
        a->head = b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used_total += need;
    return p;
}

char *gg_arena_strndup(gg_arena *a, const char *s, size_t n)
{
    char *p = gg_arena_alloc(a, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
