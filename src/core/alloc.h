/*
 * alloc.h — the one allocation wrapper (core layer). Out of memory aborts:
 * no caller checks for NULL from these.
 */
#ifndef GG_CORE_ALLOC_H
#define GG_CORE_ALLOC_H
#include <stddef.h>

void *gg_malloc(size_t n);
void *gg_calloc(size_t n, size_t size);
void *gg_realloc(void *p, size_t n);
/** Copy of s[0..n) with a NUL after it; caller frees. */
char *gg_strndup(const char *s, size_t n);
char *gg_strdup(const char *s);
#define gg_free free
#include <stdlib.h>

#endif
