/*
 * arena.h — a bump allocator for work with one lifetime (core layer): a
 * pipeline batch, a CLI command, a request outside h2o. Everything
 * allocated from an arena is freed at once by gg_arena_reset or
 * gg_arena_dispose; nothing is freed one by one. A cap bounds the total:
 * past it allocations return NULL, which the caller turns into GG_ELIMIT.
 * (HTTP handlers use the request's h2o pool, which is the same idea.)
 * Not thread-safe: one arena per thread or per batch.
 */
#ifndef GG_CORE_ARENA_H
#define GG_CORE_ARENA_H
#include <stddef.h>

typedef struct gg_arena_block gg_arena_block;
typedef struct gg_arena {
    gg_arena_block *head;
    size_t used_total; /* bytes handed out since the last reset */
    size_t cap;        /* most bytes the arena may hand out (0: no cap) */
} gg_arena;

void gg_arena_init(gg_arena *a, size_t cap);
/** Free every block. */
void gg_arena_dispose(gg_arena *a);
/** Forget every allocation but keep the first block for reuse. */
void gg_arena_reset(gg_arena *a);
/** n bytes aligned to 16, or NULL past the cap. Owned by the arena. */
void *gg_arena_alloc(gg_arena *a, size_t n);
/** Copy of s[0..n) plus a NUL, or NULL past the cap. */
char *gg_arena_strndup(gg_arena *a, const char *s, size_t n);

#endif
