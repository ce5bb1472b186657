/*
 * json.c — compact JSON writer (core layer). See json.h.
 */
#include "core/json.h"
#include "core/alloc.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct out {
    char *p;
    size_t n, cap;
} out;

static void grow(out *o, size_t more)
{
    if (o->n + more + 1 <= o->cap)
        return;
    size_t c = o->cap ? o->cap : 256;
    while (c < o->n + more + 1)
        c *= 2;
    o->p = gg_realloc(o->p, c);
    o->cap = c;
}

static void put(out *o, const char *s, size_t n)
{
    grow(o, n);
    memcpy(o->p + o->n, s, n);
    o->n += n;
}

static void putc_(out *o, char c)
{
    grow(o, 1);
    o->p[o->n++] = c;
}

static void put_int(out *o, long long v)
{
    char b[24];
    int k = sizeof(b);
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        b[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        b[--k] = '-';
    put(o, b + k, sizeof(b) - (size_t)k);
}

/* as jansson's jsonp_dtostr with precision 6: "%.6g", ".0" after an
 * integer-looking result, no '+' and no leading zeros in the exponent */
static void put_real(out *o, double v)
{
    double m = round(v * 1000.0);
    if (fabs(v) < 1000.0 && fabs(v * 1000.0 - m) < 1e-6 && (m != 0.0 || v == 0.0)) {
        /* three decimals at most: %.6g prints them exactly, no exponent */
        long long q = llabs((long long)m);
        if (q == 0) {
            put(o, signbit(v) ? "-0.0" : "0.0", signbit(v) ? 4 : 3);
            return;
        }
        if (v < 0)
            putc_(o, '-');
        put_int(o, q / 1000);
        putc_(o, '.');
        int f = (int)(q % 1000);
        if (f == 0) {
            putc_(o, '0');
            return;
        }
        char d[3] = {(char)('0' + f / 100), (char)('0' + f / 10 % 10), (char)('0' + f % 10)};
        put(o, d, d[2] != '0' ? 3 : d[1] != '0' ? 2 : 1);
        return;
    }
    char b[64];
    int n = snprintf(b, sizeof(b), "%.6g", v);
    if (n <= 0 || n >= (int)sizeof(b))
        return;
    if (strspn(b, "0123456789-") == (size_t)n) {
        put(o, b, (size_t)n);
        put(o, ".0", 2);
        return;
    }
    char *e = strchr(b, 'e');
    if (e == NULL) {
        put(o, b, (size_t)n);
        return;
    }
    put(o, b, (size_t)(e - b) + 1);
    const char *x = e + 1;
    if (*x == '+')
        x++;
    else if (*x == '-')
        putc_(o, *x++);
    while (*x == '0' && x[1])
        x++;
    put(o, x, strlen(x));
}

static void put_string(out *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    grow(o, n + 2);
    o->p[o->n++] = '"';
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(o, s + run, i - run);
        run = i + 1;
        char e[6] = {'\\', 0};
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            put(o, "\\u00", 4);
            putc_(o, hex[c >> 4]);
            putc_(o, hex[c & 15]);
            continue;
        }
        put(o, e, 2);
    }
    put(o, s + run, n - run);
    putc_(o, '"');
}

static int put_value(out *o, const json_t *v, int depth)
{
    if (depth > 2048)
        return -1; /* json_dumps refuses deeper nesting too */
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        putc_(o, '{');
        const char *k;
        json_t *x;
        int first = 1;
        json_object_foreach((json_t *)v, k, x)
        {
            if (!first)
                putc_(o, ',');
            first = 0;
            put_string(o, k, strlen(k));
            putc_(o, ':');
            if (put_value(o, x, depth + 1) != 0)
                return -1;
        }
        putc_(o, '}');
        return 0;
    }
    case JSON_ARRAY: {
        putc_(o, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                putc_(o, ',');
            if (put_value(o, json_array_get(v, i), depth + 1) != 0)
                return -1;
        }
        putc_(o, ']');
        return 0;
    }
    case JSON_STRING: put_string(o, json_string_value(v), json_string_length(v)); return 0;
    case JSON_INTEGER: put_int(o, (long long)json_integer_value(v)); return 0;
    case JSON_REAL: put_real(o, json_real_value(v)); return 0;
    case JSON_TRUE: put(o, "true", 4); return 0;
    case JSON_FALSE: put(o, "false", 5); return 0;
    case JSON_NULL: put(o, "null", 4); return 0;
    }
    return -1;
}

char *gg_json_compact(const json_t *v)
{
    if (v == NULL)
        return NULL;
    out o = {0};
    if (put_value(&o, v, 0) != 0) {
        free(o.p);
        return NULL;
    }
    grow(&o, 0);
    o.p[o.n] = '\0';
    return o.p;
}
