/* alloc.c — allocation wrapper: abort on out-of-memory (core layer). */
#include "core/alloc.h"
#include <stdio.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"out of memory\",\"bytes\":%zu}\n", n);
    abort();
}

void *gg_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        oom(n);
    return p;
}

void *gg_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        oom(n * size);
    return p;
}

void *gg_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        oom(n);
    return q;
}

char *gg_strndup(const char *s, size_t n)
{
    char *p = gg_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *gg_strdup(const char *s)
{
    return gg_strndup(s, strlen(s));
}
