/*
 * json.c — compact JSON writer (core layer). See json.h.
 */
#include "core/json.h"
#include "core/buf.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_int(gg_buf *o, long long v)
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
    gg_buf_add(o, b + k, sizeof(b) - (size_t)k);
}

/* as jansson's jsonp_dtostr with precision 6: "%.6g", ".0" after an
 * integer-looking result, no '+' and no leading zeros in the exponent */
static void put_real(gg_buf *o, double v)
{
    double m = round(v * 1000.0);
    if (fabs(v) < 1000.0 && fabs(v * 1000.0 - m) < 1e-6 && (m != 0.0 || v == 0.0)) {
        /* three decimals at most: %.6g prints them exactly, no exponent */
        long long q = llabs((long long)m);
        if (q == 0) {
            gg_buf_add(o, signbit(v) ? "-0.0" : "0.0", signbit(v) ? 4 : 3);
            return;
        }
        if (v < 0)
            gg_buf_addc(o, '-');
        put_int(o, q / 1000);
        gg_buf_addc(o, '.');
        int f = (int)(q % 1000);
        if (f == 0) {
            gg_buf_addc(o, '0');
            return;
        }
        char d[3] = {(char)('0' + f / 100), (char)('0' + f / 10 % 10), (char)('0' + f % 10)};
        gg_buf_add(o, d, d[2] != '0' ? 3 : d[1] != '0' ? 2 : 1);
        return;
    }
    char b[64];
    int n = snprintf(b, sizeof(b), "%.6g", v);
    if (n <= 0 || n >= (int)sizeof(b))
        return;
    if (strspn(b, "0123456789-") == (size_t)n) {
        gg_buf_add(o, b, (size_t)n);
        gg_buf_add(o, ".0", 2);
        return;
    }
    char *e = strchr(b, 'e');
    if (e == NULL) {
        gg_buf_add(o, b, (size_t)n);
        return;
    }
    gg_buf_add(o, b, (size_t)(e - b) + 1);
    const char *x = e + 1;
    if (*x == '+')
        x++;
    else if (*x == '-')
        gg_buf_addc(o, *x++);
    while (*x == '0' && x[1])
        x++;
    gg_buf_add(o, x, strlen(x));
}

static void put_string(gg_buf *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    gg_buf_addc(o, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        gg_buf_add(o, s + run, i - run);
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
            gg_buf_add(o, "\\u00", 4);
            gg_buf_addc(o, hex[c >> 4]);
            gg_buf_addc(o, hex[c & 15]);
            continue;
        }
        gg_buf_add(o, e, 2);
    }
    gg_buf_add(o, s + run, n - run);
    gg_buf_addc(o, '"');
}

static int put_value(gg_buf *o, const json_t *v, int depth)
{
    if (depth > 2048)
        return -1; /* json_dumps refuses deeper nesting too */
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        gg_buf_addc(o, '{');
        const char *k;
        json_t *x;
        int first = 1;
        json_object_foreach((json_t *)v, k, x)
        {
            if (!first)
                gg_buf_addc(o, ',');
            first = 0;
            put_string(o, k, strlen(k));
            gg_buf_addc(o, ':');
            if (put_value(o, x, depth + 1) != 0)
                return -1;
        }
        gg_buf_addc(o, '}');
        return 0;
    }
    case JSON_ARRAY: {
        gg_buf_addc(o, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                gg_buf_addc(o, ',');
            if (put_value(o, json_array_get(v, i), depth + 1) != 0)
                return -1;
        }
        gg_buf_addc(o, ']');
        return 0;
    }
    case JSON_STRING: put_string(o, json_string_value(v), json_string_length(v)); return 0;
    case JSON_INTEGER: put_int(o, (long long)json_integer_value(v)); return 0;
    case JSON_REAL: put_real(o, json_real_value(v)); return 0;
    case JSON_TRUE: gg_buf_add(o, "true", 4); return 0;
    case JSON_FALSE: gg_buf_add(o, "false", 5); return 0;
    case JSON_NULL: gg_buf_add(o, "null", 4); return 0;
    }
    return -1;
}

char *gg_json_compact(const json_t *v)
{
    if (v == NULL)
        return NULL;
    gg_buf o;
    gg_buf_init(&o, SIZE_MAX);
    if (put_value(&o, v, 0) != 0) {
        gg_buf_dispose(&o);
        return NULL;
    }
    return gg_buf_detach(&o, NULL);
}
