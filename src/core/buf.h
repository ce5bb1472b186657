/*
 * buf.h — string slices and growable byte buffers with a hard cap (core layer).
 * A gg_buf never grows past its cap: appends past it fail with GG_ELIMIT and
 * leave the buffer as it was, so a caller turns it into a 413/422, never into
 * unbounded growth. The data is always NUL-terminated for convenience.
 */
#ifndef GG_CORE_BUF_H
#define GG_CORE_BUF_H
#include <stdarg.h>
#include <stddef.h>

/** A borrowed (ptr, len) slice; not NUL-terminated in general. */
typedef struct gg_str {
    const char *ptr;
    size_t len;
} gg_str;

#define GG_STR(lit) ((gg_str){(lit), sizeof(lit) - 1})
gg_str gg_str_c(const char *s);
int gg_str_eq(gg_str a, gg_str b);
int gg_str_eq_c(gg_str a, const char *c);

typedef struct gg_buf {
    char *data; /* owned, NUL-terminated, NULL until the first append */
    size_t len;
    size_t alloc;
    size_t cap; /* hard maximum of len */
} gg_buf;

/** Prepare an empty buffer that may hold at most cap bytes. */
void gg_buf_init(gg_buf *b, size_t cap);
void gg_buf_dispose(gg_buf *b);
void gg_buf_reset(gg_buf *b);
/** Append n bytes; GG_ELIMIT (buffer unchanged) when over the cap. */
int gg_buf_add(gg_buf *b, const void *p, size_t n);
int gg_buf_adds(gg_buf *b, const char *s);
int gg_buf_addc(gg_buf *b, char c);
int gg_buf_printf(gg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int gg_buf_vprintf(gg_buf *b, const char *fmt, va_list ap);
/** Hand the bytes to the caller (who frees them); the buffer is left empty. */
char *gg_buf_detach(gg_buf *b, size_t *len_out);

#endif
