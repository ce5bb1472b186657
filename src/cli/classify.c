/*
 * classify.c — `gagas classify`: JSON lines in, one JSON line of labels out
 * per input line, in input order (cli layer). Worker threads parse and score
 * batches of lines (models, lexicons and the gazetteer are read-only and
 * shared); the main thread feeds the near-duplicate index and the
 * coordination detector in input order as batches complete (both are
 * single-writer). A coordinated group only shows after its k-th copy, so
 * every line is held until the input ends, then written at once.
 */
#include "cli/cli.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "filter/coord.h"
#include "filter/dedup.h"
#include "filter/filter.h"
#include "text/gazetteer.h"
#include "text/text.h"
#include <jansson.h>
#define XXH_INLINE_ALL
#include <xxhash.h>
#include <pthread.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define BATCH 512                 /* lines per unit of work */
#define LINE_MAX_BYTES (1u << 20) /* a longer line is answered with an error */
#define MAX_REGIONS 8

/* One input line: its bytes in the input buffer. */
typedef struct span {
    const char *p;
    size_t len;
} span;

/* What became of an input line. Only the workers and the index write
 * these, so their pages are first touched on the workers' way, not while
 * the input is split before any worker can start. */
typedef struct rec {
    char *out;        /* in the batch's arena: the JSON object without its closing fields */
    size_t out_len;
    int ok;           /* 1: scored (dup_of/coordinated follow); 0: error line */
    char *id;         /* JSON of the id ("null" when absent), in the batch's arena */
    int sig_kind;     /* gg_dedup_sign's answer; the values are in the batch's sigs */
    uint64_t exact;
    char *author;     /* in the batch's arena, or NULL */
    int64_t created_at;
    int64_t dup;      /* index of the earlier copy, -1 none */
} rec;

typedef struct shared {
    span *lines;
    rec *recs;             /* one per line */
    size_t n;
    size_t nbatch;
    atomic_size_t next;    /* next batch to take */
    atomic_int *done;      /* per batch: scored */
    uint32_t **sigs;       /* per batch: BATCH near-duplicate signatures, freed once indexed */
    gg_arena *arenas;      /* per batch: its records' strings, freed at the end */
    int nhash;             /* values per signature */
    const gg_dedup *dedup; /* read only by the workers (gg_dedup_sign) */
    const gg_filter *filter;
    const gg_geo *geo;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} shared;

/* ---------------------------------------------------------- JSON output */

/* gg_buf_add and friends without the call when the bytes fit the buffer's
 * allocation (which never exceeds its cap + 1): every output line is a few
 * dozen small appends. */
static inline void bput(gg_buf *b, const void *p, size_t n)
{
    if (b->data && b->len + n + 1 <= b->alloc) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return;
    }
    gg_buf_add(b, p, n);
}

static inline void bputc(gg_buf *b, char c)
{
    bput(b, &c, 1);
}

static inline void bputs(gg_buf *b, const char *s)
{
    bput(b, s, strlen(s));
}

static void put_str(gg_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    bputc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        bput(b, s + run, i - run);
        run = i + 1;
        char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        if (c == '"' || c == '\\') {
            e[1] = (char)c;
            bput(b, e, 2);
        } else if (c == '\n') {
            bput(b, "\\n", 2);
        } else {
            bput(b, e, 6);
        }
    }
    bput(b, s + run, n - run);
    bputc(b, '"');
}

/* "0.xyz" without its trailing zeros for v = 1..999 (byte 5: the length),
 * filled by p_table_init before any worker runs */
static char p_text[1000][6];

static void p_table_init(void)
{
    for (int v = 1; v < 1000; v++) {
        char *d = p_text[v];
        d[0] = '0';
        d[1] = '.';
        d[2] = (char)('0' + v / 100);
        d[3] = (char)('0' + v / 10 % 10);
        d[4] = (char)('0' + v % 10);
        int n = 5;
        while (d[n - 1] == '0')
            n--;
        d[5] = (char)n;
    }
}

/* A probability with three decimals, without printf (it is the hot path),
 * at o; returns the end. At most 5 bytes. */
static inline char *w_p(char *o, float x)
{
    int v = (int)(x * 1000.0f + 0.5f);
    if (v <= 0) {
        *o = '0';
        return o + 1;
    }
    if (v >= 1000) {
        *o = '1';
        return o + 1;
    }
    memcpy(o, p_text[v], 5); /* the whole: the caller's room holds it */
    return o + p_text[v][5];
}

/* a string literal only: sizeof of anything else is a pointer's */
#define LIT(b, s) bput((b), "" s "", sizeof(s) - 1)
/* the same at a cursor into room known to suffice */
#define WLIT(o, s) (memcpy((o), "" s "", sizeof(s) - 1), (o) += sizeof(s) - 1)

/* one of the label tables' names (short, plain ASCII: no escaping) */
static inline char *w_name(char *o, const char *s)
{
    size_t n = strlen(s);
    memcpy(o, s, n);
    return o + n;
}

/* Every label field but the regions: bounded (the label tables' names are
 * constants of a few dozen bytes at most, each number at most 5 bytes: all
 * of it stays under 2 KiB), so it is written with a cursor into a stack
 * buffer and appended once, not with a bounds check per piece. */
static void put_labels(gg_buf *b, const gg_filter_result *r)
{
    char buf[4096], *o = buf;
    WLIT(o, ",\"lang\":");
    if (r->lang >= 0) {
        *o++ = '"';
        memcpy(o, gg_filter_langs[r->lang], 3);
        o += 3;
        *o++ = '"';
        WLIT(o, ",\"lang_score\":");
        o = w_p(o, r->lang_p);
    } else {
        WLIT(o, "\"und\"");
    }
    WLIT(o, ",\"topics\":[");
    /* best first */
    int order[GG_FILTER_NTOPIC], n = 0;
    for (int t = 0; t < GG_FILTER_NTOPIC; t++)
        if (r->topic_on >> t & 1) {
            int k = n++;
            while (k > 0 && r->topic[order[k - 1]] < r->topic[t]) {
                order[k] = order[k - 1];
                k--;
            }
            order[k] = t;
        }
    for (int i = 0; i < n; i++) {
        if (i)
            *o++ = ',';
        WLIT(o, "{\"topic\":\"");
        o = w_name(o, gg_filter_topics[order[i]]);
        WLIT(o, "\",\"score\":");
        o = w_p(o, r->topic[order[i]]);
        *o++ = '}';
    }
    WLIT(o, "],\"kind\":");
    if (r->kind >= 0) {
        *o++ = '"';
        o = w_name(o, gg_filter_kinds[r->kind]);
        WLIT(o, "\",\"kind_score\":");
        o = w_p(o, r->kind_p[r->kind]);
    } else {
        WLIT(o, "null");
    }
    WLIT(o, ",\"constructive\":");
    o = w_p(o, r->constructive);
    WLIT(o, ",\"abusive\":");
    o = w_p(o, r->abusive);
    WLIT(o, ",\"hate\":");
    o = w_p(o, r->hate);
    /* target and categories only for posts judged hateful */
    WLIT(o, ",\"hate_target\":");
    if (r->hate >= 0.5f) {
        *o++ = '"';
        o = w_name(o, gg_filter_hatex[r->hatex[0] >= r->hatex[1] ? 0 : 1]);
        *o++ = '"';
    } else {
        WLIT(o, "null");
    }
    WLIT(o, ",\"hate_categories\":[");
    if (r->hate >= 0.5f) {
        int first = 1;
        for (int k = 2; k < GG_FILTER_NHATEX; k++) {
            if (r->hatex[k] < 0.5f)
                continue;
            if (!first)
                *o++ = ',';
            WLIT(o, "{\"category\":\"");
            first = 0;
            o = w_name(o, gg_filter_hatex[k]);
            WLIT(o, "\",\"score\":");
            o = w_p(o, r->hatex[k]);
            *o++ = '}';
        }
    }
    WLIT(o, "],\"spam\":");
    o = w_p(o, r->spam);
    WLIT(o, ",\"sentiment\":");
    if (r->sentiment >= 0) {
        WLIT(o, "{\"label\":\"");
        o = w_name(o, gg_filter_sentiments[r->sentiment]);
        WLIT(o, "\",\"score\":");
        o = w_p(o, r->sent_p[r->sentiment]);
        *o++ = '}';
    } else {
        WLIT(o, "null");
    }
    bput(b, buf, (size_t)(o - buf));
}
#undef WLIT

static void put_regions(gg_buf *b, const gg_geo *geo, const char *text, size_t len)
{
    LIT(b, ",\"region\":[");
    if (geo) {
        gg_geo_match m[MAX_REGIONS];
        int n = gg_geo_find(geo, text, len, m, MAX_REGIONS);
        if (n > MAX_REGIONS)
            n = MAX_REGIONS;
        for (int i = 0; i < n; i++) {
            if (i)
                bputc(b, ',');
            LIT(b, "{\"text\":");
            put_str(b, text + m[i].start, m[i].len);
            LIT(b, ",\"code\":");
            if (m[i].code[0])
                put_str(b, m[i].code, strlen(m[i].code));
            else
                LIT(b, "null");
            LIT(b, ",\"level\":");
            const char *lv = gg_geo_level_name(m[i].level);
            if (*lv)
                put_str(b, lv, strlen(lv));
            else
                LIT(b, "null");
            LIT(b, ",\"dapil\":");
            if (m[i].dapil[0])
                put_str(b, m[i].dapil, strlen(m[i].dapil));
            else
                LIT(b, "null");
            bputc(b, '}');
        }
    }
    bputc(b, ']');
}

/* ---------------------------------------------------------- one line */

/* "2024-05-01T10:00:00Z", "…+07:00", "2024-05-01 10:00:00" (NUL-terminated);
 * GG_COORD_NOTIME when unreadable. */
/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (m
 * 1..12; d may run past the month's end, as timegm allows: it is linear). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int dig2(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static int64_t parse_time_str(const char *s)
{
    int64_t t;
    const char *z;
    /* the common form "YYYY-MM-DDTHH:MM:SS" without sscanf and timegm; the
     * same seconds (timegm is linear in day, hour, minute and second) */
    /* the shape "dddd-dd-ddTdd:dd:dd" spelled out: && stops at the first
     * byte that differs (the NUL of a shorter string among them) */
#define GG_D(i) ((unsigned)(s[i] - '0') < 10u)
    int plain = GG_D(0) && GG_D(1) && GG_D(2) && GG_D(3) && s[4] == '-' && GG_D(5) && GG_D(6) &&
                s[7] == '-' && GG_D(8) && GG_D(9) && (s[10] == 'T' || s[10] == ' ') && GG_D(11) &&
                GG_D(12) && s[13] == ':' && GG_D(14) && GG_D(15) && s[16] == ':' && GG_D(17) &&
                GG_D(18);
#undef GG_D
    int mon = plain ? dig2(s + 5) : 0;
    if (plain && mon >= 1 && mon <= 12) {
        int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + dig2(s + 2);
        t = days_from_civil(y, mon, dig2(s + 8)) * 86400 + dig2(s + 11) * 3600 +
            dig2(s + 14) * 60 + dig2(s + 17);
        z = s + 19;
    } else {
        struct tm tm;
        memset(&tm, 0, sizeof tm);
        int used = 0;
        if (sscanf(s, "%4d-%2d-%2d%*1[T ]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
            return GG_COORD_NOTIME;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        t = (int64_t)timegm(&tm);
        z = s + used;
    }
    while (*z == '.' || (*z >= '0' && *z <= '9'))
        z++; /* fractional seconds */
    int oh, om;
    if ((*z == '+' || *z == '-') && sscanf(z + 1, "%2d:%2d", &oh, &om) == 2)
        t -= (*z == '+' ? 1 : -1) * (int64_t)(oh * 3600 + om * 60);
    return t;
}

/* The same from a JSON value: a string as above or epoch seconds;
 * GG_COORD_NOTIME when absent or unreadable. */
static int64_t parse_time(json_t *v)
{
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (json_is_real(v))
        return (int64_t)json_real_value(v);
    if (!json_is_string(v))
        return GG_COORD_NOTIME;
    return parse_time_str(json_string_value(v));
}

/* ---------------------------------------------------------- fast input path */

/* The fields of one input line that classify reads. */
typedef struct fields {
    const char *id;     /* compact JSON of the id; NULL when absent */
    size_t id_len;
    int text_type;      /* 0 absent, 1 string, 2 something else */
    const char *text;
    size_t text_len;
    const char *author; /* NULL when absent or not a string */
    size_t author_len;
    int64_t created_at;
} fields;

/* Growable scratch for unescaped strings (one per worker). */
typedef struct ubuf {
    char *p;
    size_t len, cap;
} ubuf;

static char *ubuf_room(ubuf *u, size_t n)
{
    if (u->len + n > u->cap) {
        size_t c = u->cap ? u->cap : 4096;
        while (c < u->len + n)
            c *= 2;
        u->p = gg_realloc(u->p, c);
        u->cap = c;
    }
    return u->p + u->len;
}

/* Length of the valid UTF-8 sequence at s (n bytes left, s[0] >= 0x80), or 0
 * (the rules of RFC 3629: no overlong forms, surrogates or code points past
 * U+10FFFF — what jansson accepts). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t need;
    uint32_t v;
    if (c >= 0xc2 && c <= 0xdf)
        need = 2, v = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        need = 3, v = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 4, v = c & 0x07;
    else
        return 0;
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if ((need == 3 && v < 0x800) || (need == 4 && (v < 0x10000 || v > 0x10ffff)) ||
        (v >= 0xd800 && v <= 0xdfff))
        return 0;
    return need;
}

static int hex4(const char *p, const char *end, uint32_t *out)
{
    uint32_t v = 0;
    if (end - p < 4)
        return 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

/* A JSON string at *pp (on its opening quote). Sets *out and *olen to its value
 * (into the line when it has no escape, else into u) and *raw to whether the
 * bytes between the quotes are the value as is. 0 when the fast path must
 * not decide (anything jansson might treat differently). */
static int fp_string(const char **pp, const char *end, ubuf *u, const char **out, size_t *olen,
                     int *raw)
{
    const char *p = *pp + 1, *start = p;
    /* first pass: find the end, validate, note escapes */
    int esc = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  space = _mm_set1_epi8(0x20);
#endif
    while (p < end) {
#if defined(__SSE2__)
        /* sixteen plain bytes at a time: a signed compare with 0x20 also
         * flags the bytes >= 0x80, which are checked below one by one */
        if (end - p >= 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)p);
            int m = _mm_movemask_epi8(_mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
                _mm_cmplt_epi8(x, space)));
            if (m == 0) {
                p += 16;
                continue;
            }
            p += __builtin_ctz((unsigned)m);
        }
#endif
        if (*p == '"')
            break;
        unsigned char c = (unsigned char)*p;
        if (c == '\\') {
            esc = 1;
            p += 2;
        } else if (c < 0x20) {
            return 0;
        } else if (c < 0x80) {
            p++;
        } else {
            size_t k = utf8_seq((const unsigned char *)p, (size_t)(end - p));
            if (!k)
                return 0;
            p += k;
        }
    }
    if (p >= end)
        return 0;
    *pp = p + 1;
    *raw = !esc;
    if (!esc) {
        *out = start;
        *olen = (size_t)(p - start);
        return 1;
    }
    /* decode escapes into u */
    char *o = ubuf_room(u, (size_t)(p - start) + 1), *o0 = o;
    for (const char *q = start; q < p;) {
        if (*q != '\\') {
            *o++ = *q++;
            continue;
        }
        char e = q[1];
        q += 2;
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            uint32_t v, lo;
            if (!hex4(q, p, &v))
                return 0;
            q += 4;
            if (v == 0 || (v >= 0xdc00 && v <= 0xdfff))
                return 0;
            if (v >= 0xd800 && v <= 0xdbff) {
                if (p - q < 6 || q[0] != '\\' || q[1] != 'u' || !hex4(q + 2, p, &lo) ||
                    lo < 0xdc00 || lo > 0xdfff)
                    return 0;
                q += 6;
                v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
            }
            /* \uXXXX is 6 bytes and a pair 12: the UTF-8 form is never longer */
            if (v < 0x80) {
                *o++ = (char)v;
            } else if (v < 0x800) {
                *o++ = (char)(0xc0 | v >> 6);
                *o++ = (char)(0x80 | (v & 0x3f));
            } else if (v < 0x10000) {
                *o++ = (char)(0xe0 | v >> 12);
                *o++ = (char)(0x80 | (v >> 6 & 0x3f));
                *o++ = (char)(0x80 | (v & 0x3f));
            } else {
                *o++ = (char)(0xf0 | v >> 18);
                *o++ = (char)(0x80 | (v >> 12 & 0x3f));
                *o++ = (char)(0x80 | (v >> 6 & 0x3f));
                *o++ = (char)(0x80 | (v & 0x3f));
            }
            break;
        }
        default:
            return 0;
        }
    }
    *out = o0;
    *olen = (size_t)(o - o0);
    u->len += *olen;
    return 1;
}

static const char *skip_ws(const char *p, const char *end)
{
    if (p < end && (unsigned char)*p > ' ')
        return p; /* compact JSON: no space at all */
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* An integer written the way jansson prints it back (no leading zero, no
 * "-0", at most 18 digits); 0 for any other number. */
static int fp_int(const char **pp, const char *end, int64_t *v)
{
    const char *p = *pp;
    int neg = 0;
    if (p < end && *p == '-')
        neg = 1, p++;
    const char *d = p;
    int64_t x = 0;
    while (p < end && *p >= '0' && *p <= '9' && p - d < 19)
        x = x * 10 + (*p++ - '0');
    size_t nd = (size_t)(p - d);
    if (nd == 0 || nd > 18 || (nd > 1 && *d == '0') || (neg && x == 0))
        return 0;
    if (p < end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E'))
        return 0;
    *v = neg ? -x : x;
    *pp = p;
    return 1;
}

/* Parse a flat JSON object of strings, plain integers, true, false and null
 * into f. Returns 1 when done, 0 when jansson must decide instead (nested
 * values, reals, escaped keys, invalid input of any kind): both paths give
 * the same answer for every line, this one without building a tree. */
static int fast_parse(const char *line, size_t len, fields *f, ubuf *u)
{
    const char *p = line, *end = line + len;
    memset(f, 0, sizeof *f);
    f->created_at = GG_COORD_NOTIME;
    u->len = 0;
    p = skip_ws(p, end);
    if (p == end || *p != '{')
        return 0;
    p = skip_ws(p + 1, end);
    if (p < end && *p == '}') {
        p++;
        goto tail;
    }
    for (;;) {
        if (p == end || *p != '"')
            return 0;
        const char *k = p + 1, *ke = k;
        /* an escape, a control character or a byte from 0x80 (keys we read
         * are ASCII; jansson checks the others) leaves the line to jansson */
#if defined(__SSE2__)
        if (end - ke >= 16) { /* a key is short: its quote is in the first 16 bytes */
            __m128i x = _mm_loadu_si128((const __m128i *)ke);
            unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')));
            /* bytes below 0x20 or from 0x80 (signed: below 0x20), and '\\' */
            unsigned bad = (unsigned)_mm_movemask_epi8(
                _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)),
                             _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));
            if (q) {
                unsigned at = (unsigned)__builtin_ctz(q);
                if (bad & ((1u << at) - 1))
                    return 0;
                ke += at;
                goto key_done;
            }
        }
#endif
        for (unsigned char c; ke < end && (c = (unsigned char)*ke) != '"'; ke++)
            if (c == '\\' || (unsigned)(c - 0x20) >= 0x60)
                return 0;
        if (ke == end)
            return 0;
#if defined(__SSE2__)
    key_done:;
#endif
        size_t kl = (size_t)(ke - k);
        int which = kl == 2 && memcmp(k, "id", 2) == 0            ? 1
                    : kl == 4 && memcmp(k, "text", 4) == 0        ? 2
                    : kl == 6 && memcmp(k, "author", 6) == 0      ? 3
                    : kl == 10 && memcmp(k, "created_at", 10) == 0 ? 4
                                                                  : 0;
        p = skip_ws(ke + 1, end);
        if (p == end || *p != ':')
            return 0;
        p = skip_ws(p + 1, end);
        if (p == end)
            return 0;
        const char *v0 = p;
        if (*p == '"') {
            const char *sv;
            size_t sl;
            int raw;
            if (!fp_string(&p, end, u, &sv, &sl, &raw))
                return 0;
            if (which == 1) {
                if (!raw)
                    return 0; /* jansson re-escapes its own way */
                f->id = v0;
                f->id_len = (size_t)(p - v0);
            } else if (which == 2) {
                f->text_type = 1;
                f->text = sv;
                f->text_len = sl;
            } else if (which == 3) {
                f->author = sv;
                f->author_len = sl;
            } else if (which == 4) {
                char tb[64];
                if (sl >= sizeof tb)
                    return 0;
                memcpy(tb, sv, sl);
                tb[sl] = '\0';
                if (strlen(tb) != sl)
                    return 0;
                f->created_at = parse_time_str(tb);
            }
        } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
            int64_t x;
            if (!fp_int(&p, end, &x))
                return 0;
            if (which == 1) {
                f->id = v0;
                f->id_len = (size_t)(p - v0);
            } else if (which == 2) {
                f->text_type = 2;
            } else if (which == 3) {
                f->author = NULL;
            } else if (which == 4) {
                f->created_at = x;
            }
        } else {
            size_t l = (size_t)(end - p);
            size_t n = l >= 4 && memcmp(p, "null", 4) == 0   ? 4
                       : l >= 4 && memcmp(p, "true", 4) == 0 ? 4
                       : l >= 5 && memcmp(p, "false", 5) == 0 ? 5
                                                             : 0;
            if (!n)
                return 0; /* objects, arrays, anything else */
            p += n;
            if (which == 1) {
                f->id = v0;
                f->id_len = n;
            } else if (which == 2) {
                f->text_type = 2;
            } else if (which == 3) {
                f->author = NULL;
            } else if (which == 4) {
                f->created_at = GG_COORD_NOTIME;
            }
        }
        p = skip_ws(p, end);
        if (p == end)
            return 0;
        if (*p == '}') {
            p++;
            break;
        }
        if (*p != ',')
            return 0;
        p = skip_ws(p + 1, end);
    }
tail:
    return skip_ws(p, end) == end;
}

static void error_line(rec *r, gg_arena *a, const char *id, const char *msg)
{
    gg_buf b;
    gg_buf_init(&b, 1 << 16);
    LIT(&b, "{\"id\":");
    bputs(&b, id ? id : "null");
    LIT(&b, ",\"error\":");
    put_str(&b, msg, strlen(msg));
    LIT(&b, "}\n");
    r->out_len = b.len;
    r->out = gg_arena_strndup(a, b.data, b.len);
    gg_buf_dispose(&b);
    r->ok = 0;
}

/* What a worker keeps from line to line. */
/* A worker's memory of recent texts: an exact copy of a text it scored
 * lately (a retweet, a campaign's template) takes its labels, regions and
 * signature from here instead of being scored again. Direct-mapped on the
 * text's hash; the text itself is compared, so a collision only costs a
 * recomputation. */
#define CACHE_SLOTS 1024
typedef struct centry {
    uint64_t h;        /* 0: empty */
    const char *text;  /* the input's bytes, or own when the text was decoded */
    size_t text_len;
    char *own;         /* malloc'd, own_cap */
    size_t own_cap;
    const char *labels; /* the output after the id, without the closing fields: in
                           the line's arena that filled the entry, which lives to
                           the end of the run */
    size_t labels_len;
    int sig_kind;
    uint64_t exact;
    uint32_t *sig;     /* malloc'd, nhash values */
} centry;

typedef struct wctx {
    gg_filter_scratch s;
    gg_buf b;
    ubuf u;
    centry *cache;     /* CACHE_SLOTS */
} wctx;

/* The near-duplicate signature of the post just classified: from the
 * feature builder's tokens when they are the index's own (plain text: the
 * same signature without splitting the text again), else from the text. */
static int sign(const gg_dedup *d, const gg_filter_scratch *s, uint32_t *sig, uint64_t *exact)
{
    char buf[GG_FILTER_TEXT_CAP + 8]; /* plain text: the canon is no longer */
    uint32_t pbuf[2 * 256];
    const char *w;
    const uint32_t *pairs;
    size_t wl, n;
    if (s->norm && gg_filter_fv_plain(&s->fv) &&
        (n = gg_filter_fv_words(&s->fv, buf, sizeof buf, pbuf, 256, &w, &wl, &pairs)) != (size_t)-1)
        return gg_dedup_sign_tokens(d, w, wl, pairs, n, sig, exact);
    return gg_dedup_sign(d, s->norm ? s->norm : "", s->norm_len, sig, exact);
}

static void score_line(rec *r, const span *ln, const shared *sh, wctx *w, uint32_t *sig,
                       gg_arena *a)
{
    json_error_t jerr;
    json_t *root = NULL;
    fields f;
    gg_buf *b = &w->b;
    r->dup = -1;
    r->created_at = GG_COORD_NOTIME;
    if (ln->len > LINE_MAX_BYTES) {
        error_line(r, a, NULL, "line too long");
        return;
    }
    if (fast_parse(ln->p, ln->len, &f, &w->u)) {
        r->id = f.id ? gg_arena_strndup(a, f.id, f.id_len) : gg_arena_strndup(a, "null", 4);
    } else {
        root = json_loadb(ln->p, ln->len, 0, &jerr);
        if (!root) {
            char msg[256];
            snprintf(msg, sizeof msg, "invalid JSON: %s", jerr.text);
            error_line(r, a, NULL, msg);
            return;
        }
        if (!json_is_object(root)) {
            error_line(r, a, NULL, "not a JSON object");
            goto done;
        }
        json_t *id = json_object_get(root, "id");
        char *ids = id ? json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        r->id = ids ? gg_arena_strndup(a, ids, strlen(ids)) : gg_arena_strndup(a, "null", 4);
        free(ids);
        json_t *text = json_object_get(root, "text");
        f.text_type = json_is_string(text) ? 1 : text ? 2 : 0;
        f.text = json_string_value(text);
        f.text_len = json_string_length(text);
        json_t *au = json_object_get(root, "author");
        f.author = json_string_value(au);
        f.author_len = json_string_length(au);
        f.created_at = parse_time(json_object_get(root, "created_at"));
    }
    if (f.text_type != 1) {
        error_line(r, a, r->id, f.text_type ? "text is not a string" : "missing text");
        goto done;
    }
    const char *t = f.text;
    size_t tl = f.text_len;
    if (f.author)
        r->author = gg_arena_strndup(a, f.author, f.author_len);
    r->created_at = f.created_at;

    size_t nsig = (size_t)sh->nhash * sizeof *sig;
    uint64_t h = XXH3_64bits(t, tl) | 1;
    centry *ce = &w->cache[h & (CACHE_SLOTS - 1)];
    int hit = ce->h == h && ce->text_len == tl && memcmp(ce->text, t, tl) == 0;
    const char *labels = ce->labels;
    size_t labels_len = ce->labels_len;
    if (!hit) {
        gg_filter_result res;
        gg_filter_scratch *s = &w->s;
        gg_filter_classify(sh->filter, s, t, tl, &res);
        gg_buf_reset(b);
        put_labels(b, &res);
        put_regions(b, sh->geo, t, tl);
        if (b->len >= b->cap - 1) {
            error_line(r, a, r->id, "output too large");
            goto done;
        }
        labels = b->data;
        labels_len = b->len;
        ce->sig_kind = sign(sh->dedup, s, sig, &ce->exact);
        if (!ce->sig)
            ce->sig = gg_malloc(nsig);
        memcpy(ce->sig, sig, nsig);
        ce->h = h;
        ce->text_len = tl;
        if (t >= ln->p && t + tl <= ln->p + ln->len) {
            ce->text = t; /* the input lives to the end of the run */
        } else {
            if (tl + 1 > ce->own_cap) { /* grows, never shrinks */
                ce->own_cap = tl + 1 > 256 ? tl + 1 : 256;
                gg_free(ce->own);
                ce->own = gg_malloc(ce->own_cap);
            }
            memcpy(ce->own, t, tl);
            ce->text = ce->own;
        }
    } else {
        memcpy(sig, ce->sig, nsig);
    }
    r->sig_kind = ce->sig_kind;
    r->exact = ce->exact;
    size_t il = strlen(r->id);
    r->out_len = 6 + il + labels_len;
    r->out = gg_arena_alloc(a, r->out_len + 1);
    memcpy(r->out, "{\"id\":", 6);
    memcpy(r->out + 6, r->id, il);
    memcpy(r->out + 6 + il, labels, labels_len);
    r->out[r->out_len] = '\0';
    if (!hit) {
        ce->labels = r->out + 6 + il;
        ce->labels_len = labels_len;
    }
    r->ok = 1;
done:
    json_decref(root);
}

static void *worker(void *arg)
{
    shared *sh = arg;
    wctx w;
    memset(&w, 0, sizeof w);
    gg_filter_scratch_init(&w.s);
    gg_buf_init(&w.b, 1 << 20);
    w.cache = gg_calloc(CACHE_SLOTS, sizeof *w.cache);
    for (;;) {
        size_t k = atomic_fetch_add(&sh->next, 1);
        if (k >= sh->nbatch)
            break;
        size_t end = (k + 1) * BATCH < sh->n ? (k + 1) * BATCH : sh->n;
        uint32_t *sigs = gg_malloc((size_t)BATCH * (size_t)sh->nhash * sizeof *sigs);
        gg_arena *a = &sh->arenas[k];
        gg_arena_init(a, 0);
        for (size_t i = k * BATCH; i < end; i++)
            score_line(&sh->recs[i], &sh->lines[i], sh, &w,
                       sigs + (i - k * BATCH) * (size_t)sh->nhash, a);
        sh->sigs[k] = sigs;
        pthread_mutex_lock(&sh->mu);
        atomic_store(&sh->done[k], 1);
        pthread_cond_broadcast(&sh->cv);
        pthread_mutex_unlock(&sh->mu);
    }
    gg_buf_dispose(&w.b);
    gg_filter_scratch_dispose(&w.s);
    gg_free(w.u.p);
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        gg_free(w.cache[i].own);
        gg_free(w.cache[i].sig);
    }
    gg_free(w.cache);
    return NULL;
}

/* ---------------------------------------------------------- the command */

/* The whole input. A regular file (stdin redirected from one) is mapped
 * with its pages populated at once (*mapped set; munmap it): reading it into
 * fresh heap memory cost a page fault and a zeroed page per 4 KiB, and the
 * copy. Anything else is read. Either way nothing reads past *len. */
static char *read_all(FILE *f, size_t *len, size_t *mapped)
{
    size_t cap = 1 << 20, n = 0;
    struct stat st;
    int fd = fileno(f);
    *mapped = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        off_t at = lseek(fd, 0, SEEK_CUR);
        if (at == 0) {
            void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
            if (m != MAP_FAILED) {
                *len = *mapped = (size_t)st.st_size;
                return m;
            }
        }
        /* a file: its size at once, not a chain of doublings */
        cap = (size_t)st.st_size + (1 << 16) + 1;
    }
    char *p = gg_malloc(cap);
    for (;;) {
        if (cap - n < (1 << 16)) {
            cap *= 2;
            p = gg_realloc(p, cap);
        }
        size_t got = fread(p + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    p[n] = '\0';
    *len = n;
    return p;
}

/* The input's non-empty lines, a trailing CR cut, into sh->lines (sized
 * once: the lines are counted first, which is cheaper than a chain of
 * doublings), and their records, allocated but not touched here. */
static void split_lines(shared *sh, const char *input, size_t len)
{
    size_t nl = 0;
    for (const char *p = input, *end = input + len; (p = memchr(p, '\n', (size_t)(end - p)));
         p++)
        nl++;
    sh->lines = gg_malloc((nl + 1) * sizeof *sh->lines);
    sh->n = 0;
    for (size_t i = 0; i < len;) {
        const char *p = memchr(input + i, '\n', len - i);
        size_t j = p ? (size_t)(p - input) : len;
        size_t l = j - i;
        if (l && input[i + l - 1] == '\r')
            l--;
        if (l) {
            sh->lines[sh->n].p = input + i;
            sh->lines[sh->n].len = l;
            sh->n++;
        }
        i = j + 1;
    }
    sh->recs = gg_calloc(sh->n + 1, sizeof *sh->recs);
}

/* The models, on a thread of their own while the main one reads the text
 * tables and the gazetteer, and a third reads the input (10-25 ms each). */
typedef struct loader {
    const char *model_dir, *lexicon;
    gg_filter *filter;
    int rc;
} loader;

static void *load_models(void *arg)
{
    loader *l = arg;
    l->rc = gg_filter_open(&l->filter, l->model_dir, l->lexicon);
    return NULL;
}

/* The input, read and split into sh->lines. */
typedef struct reader {
    shared *sh;
    char *input;
    size_t len, mapped;
} reader;

static void *load_input(void *arg)
{
    reader *rd = arg;
    rd->input = read_all(stdin, &rd->len, &rd->mapped);
    split_lines(rd->sh, rd->input, rd->len);
    return NULL;
}

/* writev(2) all of iov (n entries), whatever part each call takes */
static int writev_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, iov, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        while (n > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
    return 0;
}

/* Each line's coordinated group (0: none), from the groups' member lists:
 * few posts are in one, and a lookup per line was a cache miss per line. */
static int64_t *groups_of(const shared *sh, const gg_coord *coord)
{
    int64_t *grp = gg_calloc(sh->n ? sh->n : 1, sizeof *grp);
    size_t mcap = 64;
    int64_t *mem = gg_malloc(mcap * sizeof *mem);
    for (int64_t g = 1; g <= (int64_t)gg_coord_count(coord); g++) {
        int64_t m = gg_coord_members(coord, g, mem, mcap);
        if (m < 0)
            continue;
        if ((size_t)m > mcap && (size_t)m <= sh->n) { /* a post is in one group at most */
            mcap = (size_t)m;
            gg_free(mem);
            mem = gg_malloc(mcap * sizeof *mem);
            m = gg_coord_members(coord, g, mem, mcap);
        }
        for (size_t j = 0; j < (size_t)m && j < mcap; j++)
            if (mem[j] >= 0 && (size_t)mem[j] < sh->n)
                grp[mem[j]] = g;
    }
    gg_free(mem);
    return grp;
}

/* Every line to standard output in input order: each scored line's object
 * as its worker wrote it, then its closing fields (dup_of, coordinated),
 * formatted here WRITE_LINES lines at a time. The objects go out from the
 * batches' arenas by writev, not copied into a buffer first (37 MB for the
 * 100,000 bench posts). */
#define WRITE_LINES 512 /* two iovecs a line: IOV_MAX is 1024 */
static int write_all(const shared *sh, const int64_t *grp)
{
    struct iovec iov[2 * WRITE_LINES];
    size_t toff[WRITE_LINES + 1];
    gg_buf tails;
    int rc = 0;
    if (fflush(stdout) != 0)
        return -1;
    gg_buf_init(&tails, (size_t)1 << 40);
    for (size_t i0 = 0; i0 < sh->n && rc == 0; i0 += WRITE_LINES) {
        size_t i1 = i0 + WRITE_LINES < sh->n ? i0 + WRITE_LINES : sh->n;
        gg_buf_reset(&tails);
        for (size_t i = i0; i < i1; i++) {
            const rec *r = &sh->recs[i];
            toff[i - i0] = tails.len;
            if (!r->ok)
                continue; /* an error line is whole */
            LIT(&tails, ",\"dup_of\":");
            if (r->dup >= 0)
                bputs(&tails, sh->recs[r->dup].id);
            else
                LIT(&tails, "null");
            LIT(&tails, ",\"coordinated\":");
            int64_t g = grp[i];
            if (g > 0)
                gg_buf_printf(&tails, "%lld", (long long)g);
            else
                LIT(&tails, "null");
            LIT(&tails, "}\n");
        }
        toff[i1 - i0] = tails.len;
        /* the tails' buffer is complete: its pointers hold now */
        int n = 0;
        for (size_t i = i0; i < i1; i++) {
            const rec *r = &sh->recs[i];
            iov[n].iov_base = r->out;
            iov[n++].iov_len = r->out_len;
            size_t tl = toff[i - i0 + 1] - toff[i - i0];
            if (tl) {
                iov[n].iov_base = tails.data + toff[i - i0];
                iov[n++].iov_len = tl;
            }
        }
        rc = writev_all(STDOUT_FILENO, iov, n);
    }
    gg_buf_dispose(&tails);
    return rc;
}

/* What the writing no longer reads, freed on a thread of its own while the
 * output goes out (the tables' and the index's pages are given back in
 * parallel, not after the last line). */
typedef struct release {
    gg_coord *coord;
    gg_dedup *dedup, *proto;
    gg_geo *geo;
    gg_filter *filter;
} release;

static void *release_all(void *arg)
{
    release *rl = arg;
    gg_coord_free(rl->coord);
    gg_dedup_free(rl->dedup);
    gg_dedup_free(rl->proto);
    gg_geo_close(rl->geo);
    gg_filter_close(rl->filter);
    return NULL;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: gagas classify [--model-dir DIR] [--data-dir DIR] [--threads N] < in.jsonl\n"
               "  One JSON object per input line ({\"id\",\"text\",\"channel\",\"author\",\n"
               "  \"created_at\"}; only text is required); one JSON line out per input line,\n"
               "  same order: id, lang, topics, kind, constructive, abusive, hate (with\n"
               "  hate_target, hate_categories), spam, sentiment, region, dup_of,\n"
               "  coordinated. A bad line gets {\"id\",\"error\"} and the run goes on.\n"
               "  --model-dir defaults to DATA/models, --data-dir (slang tables, topic\n"
               "  lexicon, gazetteer) to data, --threads (workers) to the CPUs online.\n");
}

int gg_cli_classify(int argc, char **argv)
{
    const char *model_dir = NULL, *data_dir = "data";
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int nthreads = ncpu < 1 ? 1 : ncpu > 64 ? 64 : (int)ncpu, rc = 1;
    char mbuf[4096], lbuf[4096];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (!v) {
            usage(stderr);
            return 2;
        }
        if (strcmp(a, "--model-dir") == 0)
            model_dir = v;
        else if (strcmp(a, "--data-dir") == 0)
            data_dir = v;
        else if (strcmp(a, "--threads") == 0) {
            char *end;
            long t = strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || t < 1 || t > 64) {
                fprintf(stderr, "classify: --threads wants a number from 1 to 64, not '%s'\n", v);
                return 2;
            }
            nthreads = (int)t;
        }
        else {
            usage(stderr);
            return 2;
        }
        i++;
    }
    if (!model_dir) {
        snprintf(mbuf, sizeof mbuf, "%s/models", data_dir);
        model_dir = mbuf;
    }
    snprintf(lbuf, sizeof lbuf, "%s/lexicon/topics.tsv", data_dir);

    gg_filter *filter = NULL;
    gg_geo *geo = NULL;
    gg_dedup *dedup = NULL, *proto = NULL;
    gg_coord *coord = NULL;
    char *input = NULL;
    size_t input_mapped = 0;
    shared sh;
    memset(&sh, 0, sizeof sh);
    pthread_t th[64];
    int started = 0;

    /* the models and the input load on threads of their own while this one
     * reads the text tables and the gazetteer */
    loader ld = {model_dir, lbuf, NULL, 0};
    reader rd = {&sh, NULL, 0, 0};
    pthread_t lt, rt;
    int lthread = pthread_create(&lt, NULL, load_models, &ld) == 0;
    if (!lthread)
        load_models(&ld);
    int rthread = pthread_create(&rt, NULL, load_input, &rd) == 0;
    if (!rthread)
        load_input(&rd);
    if (gg_text_init(data_dir) != 0)
        fprintf(stderr, "classify: warning: text tables not loaded from %s\n", data_dir);
    if (gg_geo_open(&geo, data_dir) != 0) {
        fprintf(stderr, "classify: warning: no gazetteer under %s/geo; region stays []\n",
                data_dir);
        geo = NULL;
    }
    coord = gg_coord_new(NULL);
    /* the workers sign with a small index of the same options (signing reads
     * only those); the index itself is made once they run, off their path */
    proto = gg_dedup_new(NULL);
    sh.dedup = proto;
    sh.nhash = gg_dedup_hashes(proto);
    if (lthread)
        pthread_join(lt, NULL);
    if (rthread)
        pthread_join(rt, NULL);
    input = rd.input;
    input_mapped = rd.mapped;
    sh.nbatch = (sh.n + BATCH - 1) / BATCH;
    sh.done = gg_calloc(sh.nbatch ? sh.nbatch : 1, sizeof *sh.done);
    sh.sigs = gg_calloc(sh.nbatch ? sh.nbatch : 1, sizeof *sh.sigs);
    sh.arenas = gg_calloc(sh.nbatch ? sh.nbatch : 1, sizeof *sh.arenas);
    filter = ld.filter;
    if (ld.rc) {
        fprintf(stderr, "classify: cannot load models from %s (%s)\n", model_dir,
                gg_err_name(ld.rc));
        goto done;
    }
    sh.filter = filter;
    sh.geo = geo;
    p_table_init();
    atomic_init(&sh.next, 0);
    pthread_mutex_init(&sh.mu, NULL);
    pthread_cond_init(&sh.cv, NULL);
    for (; started < nthreads; started++)
        if (pthread_create(&th[started], NULL, worker, &sh) != 0)
            break;
    if (started == 0) {
        fprintf(stderr, "classify: cannot start threads\n");
        goto done;
    }
    /* sized for the whole input: no rehash of the band tables on the way */
    gg_dedup_opts dopts = {.expected = sh.n};
    dedup = gg_dedup_new(&dopts);

    /* in input order, as batches complete: near-duplicates and coordination */
    for (size_t k = 0; k < sh.nbatch; k++) {
        pthread_mutex_lock(&sh.mu);
        while (!atomic_load(&sh.done[k]))
            pthread_cond_wait(&sh.cv, &sh.mu);
        pthread_mutex_unlock(&sh.mu);
        size_t end = (k + 1) * BATCH < sh.n ? (k + 1) * BATCH : sh.n, b0 = k * BATCH;
        /* the index's random reads, two posts ahead: the band slots of post
         * i + 2, then the signatures those of post i + 1 point to (hints) */
        gg_dedup_hint hint[3];
#define GG_SIG_AT(j) (sh.sigs[k] + ((j) - b0) * (size_t)sh.nhash)
#define GG_INDEXED(j) (sh.recs[j].ok && sh.recs[j].sig_kind)
        for (size_t j = b0; j < end && j < b0 + 2; j++)
            if (GG_INDEXED(j))
                gg_dedup_prefetch_bands(dedup, GG_SIG_AT(j), sh.recs[j].exact, &hint[j % 3]);
        for (size_t i = b0; i < end; i++) {
            rec *r = &sh.recs[i];
            if (i + 2 < end && GG_INDEXED(i + 2))
                gg_dedup_prefetch_bands(dedup, GG_SIG_AT(i + 2), sh.recs[i + 2].exact,
                                        &hint[(i + 2) % 3]);
            if (i + 1 < end && GG_INDEXED(i + 1))
                gg_dedup_prefetch_cands(dedup, &hint[(i + 1) % 3]);
            if (!r->ok)
                continue;
            r->dup = gg_dedup_add_hinted(dedup, (int64_t)i, r->sig_kind, GG_SIG_AT(i), r->exact,
                                         GG_INDEXED(i) ? &hint[i % 3] : NULL, NULL);
            gg_coord_obs o = {.id = (int64_t)i,
                              .author = r->author,
                              .author_len = r->author ? strlen(r->author) : 0,
                              .created_at = r->created_at,
                              .cluster = r->dup >= 0 ? r->dup : (int64_t)i};
            gg_coord_observe(coord, &o);
        }
#undef GG_SIG_AT
#undef GG_INDEXED
        gg_free(sh.sigs[k]);
        sh.sigs[k] = NULL;
    }
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);

    /* write everything, closing each object with dup_of and coordinated */
    int64_t *grp = groups_of(&sh, coord);
    release rl = {coord, dedup, proto, geo, filter};
    pthread_t relt;
    int relthread = pthread_create(&relt, NULL, release_all, &rl) == 0;
    if (relthread)
        coord = NULL, dedup = proto = NULL, geo = NULL, filter = NULL; /* the thread's now */
    rc = write_all(&sh, grp) == 0 && fflush(stdout) == 0 ? 0 : 1;
    gg_free(grp);
    if (relthread)
        pthread_join(relt, NULL);
done:
    for (size_t k = 0; sh.arenas && k < sh.nbatch; k++)
        gg_arena_dispose(&sh.arenas[k]);
    gg_free(sh.arenas);
    gg_free(sh.recs);
    gg_free(sh.lines);
    for (size_t k = 0; sh.sigs && k < sh.nbatch; k++)
        gg_free(sh.sigs[k]);
    gg_free(sh.sigs);
    gg_free((void *)sh.done);
    if (input_mapped)
        munmap(input, input_mapped);
    else
        gg_free(input);
    gg_coord_free(coord);
    gg_dedup_free(dedup);
    gg_dedup_free(proto);
    gg_geo_close(geo);
    gg_filter_close(filter);
    return rc;
}
