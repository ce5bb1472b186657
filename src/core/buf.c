/* buf.c — capped growable buffers and slices (core layer). */
#include "core/buf.h"
#include "core/alloc.h"
#include "core/err.h"
#include <stdio.h>
#include <string.h>

gg_str gg_str_c(const char *s)
{
    return (gg_str){s, s ? strlen(s) : 0};
}

int gg_str_eq(gg_str a, gg_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

int gg_str_eq_c(gg_str a, const char *c)
{
    return gg_str_eq(a, gg_str_c(c));
}

void gg_buf_init(gg_buf *b, size_t cap)
{
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    b->cap = cap;
}

void gg_buf_dispose(gg_buf *b)
{
    free(b->data);
    gg_buf_init(b, b->cap);
}

void gg_buf_reset(gg_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int reserve(gg_buf *b, size_t extra)
{
    if (extra > b->cap - b->len)
        return GG_ELIMIT;
    size_t need = b->len + extra + 1;
    if (need <= b->alloc)
        return 0;
    size_t n = b->alloc ? b->alloc : 64;
    while (n < need)
        n *= 2;
    if (n - 1 > b->cap) /* not n > cap + 1: that overflows for cap SIZE_MAX */
        n = b->cap + 1;
    b->data = gg_realloc(b->data, n);
    b->alloc = n;
    return 0;
}

int gg_buf_add(gg_buf *b, const void *p, size_t n)
{
    if (reserve(b, n) != 0)
        return GG_ELIMIT;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int gg_buf_adds(gg_buf *b, const char *s)
{
    return gg_buf_add(b, s, strlen(s));
}

int gg_buf_addc(gg_buf *b, char c)
{
    return gg_buf_add(b, &c, 1);
}

int gg_buf_vprintf(gg_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return GG_EINVAL;
    if (reserve(b, (size_t)n) != 0)
        return GG_ELIMIT;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int gg_buf_printf(gg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = gg_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *gg_buf_detach(gg_buf *b, size_t *len_out)
{
    char *p = b->data;
    if (p == NULL)
        p = gg_strdup("");
    if (len_out)
        *len_out = b->len;
    gg_buf_init(b, b->cap);
    return p;
}
