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
#include "core/buf.h"
#include "core/err.h"
#include "filter/coord.h"
#include "filter/dedup.h"
#include "filter/filter.h"
#include "text/gazetteer.h"
#include "text/text.h"
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 512                 /* lines per unit of work */
#define LINE_MAX_BYTES (1u << 20) /* a longer line is answered with an error */
#define MAX_REGIONS 8

/* One input line and what became of it. */
typedef struct rec {
    const char *line; /* into the input buffer */
    size_t len;
    char *out;        /* malloc'd: the JSON object without its closing fields */
    size_t out_len;
    int ok;           /* 1: scored (dup_of/coordinated follow); 0: error line */
    char *id;         /* malloc'd JSON of the id ("null" when absent) */
    char *norm;       /* malloc'd normalized text, for the dedup index */
    size_t norm_len;
    char *author;     /* malloc'd or NULL */
    int64_t created_at;
    int64_t dup;      /* index of the earlier copy, -1 none */
} rec;

typedef struct shared {
    rec *recs;
    size_t n;
    size_t nbatch;
    atomic_size_t next;    /* next batch to take */
    atomic_int *done;      /* per batch: scored */
    const gg_filter *filter;
    const gg_geo *geo;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} shared;

/* ---------------------------------------------------------- JSON output */

static void put_str(gg_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    gg_buf_addc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        gg_buf_add(b, s + run, i - run);
        run = i + 1;
        char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        if (c == '"' || c == '\\') {
            e[1] = (char)c;
            gg_buf_add(b, e, 2);
        } else if (c == '\n') {
            gg_buf_add(b, "\\n", 2);
        } else {
            gg_buf_add(b, e, 6);
        }
    }
    gg_buf_add(b, s + run, n - run);
    gg_buf_addc(b, '"');
}

/* A probability with three decimals, without printf (it is the hot path). */
static void put_p(gg_buf *b, float x)
{
    int v = (int)(x * 1000.0f + 0.5f);
    if (v <= 0) {
        gg_buf_addc(b, '0');
        return;
    }
    if (v >= 1000) {
        gg_buf_addc(b, '1');
        return;
    }
    char d[5] = {'0', '.', (char)('0' + v / 100), (char)('0' + v / 10 % 10), (char)('0' + v % 10)};
    size_t n = 5;
    while (d[n - 1] == '0')
        n--;
    gg_buf_add(b, d, n);
}

/* a string literal only: sizeof of anything else is a pointer's */
#define LIT(b, s) gg_buf_add((b), "" s "", sizeof(s) - 1)

static void put_labels(gg_buf *b, const gg_filter_result *r)
{
    LIT(b, ",\"lang\":");
    if (r->lang >= 0) {
        put_str(b, gg_filter_langs[r->lang], 3);
        LIT(b, ",\"lang_score\":");
        put_p(b, r->lang_p);
    } else {
        LIT(b, "\"und\"");
    }
    LIT(b, ",\"topics\":[");
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
            gg_buf_addc(b, ',');
        LIT(b, "{\"topic\":\"");
        gg_buf_adds(b, gg_filter_topics[order[i]]);
        LIT(b, "\",\"score\":");
        put_p(b, r->topic[order[i]]);
        gg_buf_addc(b, '}');
    }
    LIT(b, "],\"kind\":");
    if (r->kind >= 0) {
        gg_buf_addc(b, '"');
        gg_buf_adds(b, gg_filter_kinds[r->kind]);
        LIT(b, "\",\"kind_score\":");
        put_p(b, r->kind_p[r->kind]);
    } else {
        LIT(b, "null");
    }
    LIT(b, ",\"constructive\":");
    put_p(b, r->constructive);
    LIT(b, ",\"abusive\":");
    put_p(b, r->abusive);
    LIT(b, ",\"hate\":");
    put_p(b, r->hate);
    /* target and categories only for posts judged hateful */
    LIT(b, ",\"hate_target\":");
    if (r->hate >= 0.5f) {
        gg_buf_addc(b, '"');
        gg_buf_adds(b, gg_filter_hatex[r->hatex[0] >= r->hatex[1] ? 0 : 1]);
        gg_buf_addc(b, '"');
    } else {
        LIT(b, "null");
    }
    LIT(b, ",\"hate_categories\":[");
    if (r->hate >= 0.5f) {
        int first = 1;
        for (int k = 2; k < GG_FILTER_NHATEX; k++) {
            if (r->hatex[k] < 0.5f)
                continue;
            if (!first)
                gg_buf_addc(b, ',');
            LIT(b, "{\"category\":\"");
            first = 0;
            gg_buf_adds(b, gg_filter_hatex[k]);
            LIT(b, "\",\"score\":");
            put_p(b, r->hatex[k]);
            gg_buf_addc(b, '}');
        }
    }
    LIT(b, "],\"spam\":");
    put_p(b, r->spam);
    LIT(b, ",\"sentiment\":");
    if (r->sentiment >= 0) {
        LIT(b, "{\"label\":\"");
        gg_buf_adds(b, gg_filter_sentiments[r->sentiment]);
        LIT(b, "\",\"score\":");
        put_p(b, r->sent_p[r->sentiment]);
        gg_buf_addc(b, '}');
    } else {
        LIT(b, "null");
    }
}

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
                gg_buf_addc(b, ',');
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
            gg_buf_addc(b, '}');
        }
    }
    gg_buf_addc(b, ']');
}

/* ---------------------------------------------------------- one line */

/* "2024-05-01T10:00:00Z", "…+07:00", "2024-05-01 10:00:00", or a number of
 * epoch seconds; GG_COORD_NOTIME when absent or unreadable. */
static int64_t parse_time(json_t *v)
{
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (json_is_real(v))
        return (int64_t)json_real_value(v);
    if (!json_is_string(v))
        return GG_COORD_NOTIME;
    const char *s = json_string_value(v);
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int used = 0;
    if (sscanf(s, "%4d-%2d-%2d%*1[T ]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
        return GG_COORD_NOTIME;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t t = (int64_t)timegm(&tm);
    const char *z = s + used;
    while (*z == '.' || (*z >= '0' && *z <= '9'))
        z++; /* fractional seconds */
    int oh, om;
    if ((*z == '+' || *z == '-') && sscanf(z + 1, "%2d:%2d", &oh, &om) == 2)
        t -= (*z == '+' ? 1 : -1) * (int64_t)(oh * 3600 + om * 60);
    return t;
}

static void error_line(rec *r, const char *id, const char *msg)
{
    gg_buf b;
    gg_buf_init(&b, 1 << 16);
    LIT(&b, "{\"id\":");
    gg_buf_adds(&b, id ? id : "null");
    LIT(&b, ",\"error\":");
    put_str(&b, msg, strlen(msg));
    LIT(&b, "}\n");
    r->out = gg_buf_detach(&b, &r->out_len);
    r->ok = 0;
}

static void score_line(rec *r, const shared *sh, gg_filter_scratch *s, gg_buf *b)
{
    json_error_t jerr;
    json_t *root = NULL;
    r->dup = -1;
    r->created_at = GG_COORD_NOTIME;
    if (r->len > LINE_MAX_BYTES) {
        error_line(r, NULL, "line too long");
        return;
    }
    root = json_loadb(r->line, r->len, 0, &jerr);
    if (!root) {
        char msg[256];
        snprintf(msg, sizeof msg, "invalid JSON: %s", jerr.text);
        error_line(r, NULL, msg);
        return;
    }
    if (!json_is_object(root)) {
        error_line(r, NULL, "not a JSON object");
        goto done;
    }
    json_t *id = json_object_get(root, "id");
    r->id = id ? json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT) : gg_strdup("null");
    json_t *text = json_object_get(root, "text");
    if (!json_is_string(text)) {
        error_line(r, r->id, text ? "text is not a string" : "missing text");
        goto done;
    }
    const char *t = json_string_value(text);
    size_t tl = json_string_length(text);
    json_t *au = json_object_get(root, "author");
    if (json_is_string(au))
        r->author = gg_strndup(json_string_value(au), json_string_length(au));
    r->created_at = parse_time(json_object_get(root, "created_at"));

    gg_filter_result res;
    gg_filter_classify(sh->filter, s, t, tl, &res);
    r->norm = gg_strndup(s->norm ? s->norm : "", s->norm_len);
    r->norm_len = s->norm_len;

    gg_buf_reset(b);
    LIT(b, "{\"id\":");
    gg_buf_adds(b, r->id);
    put_labels(b, &res);
    put_regions(b, sh->geo, t, tl);
    if (b->len >= b->cap - 1) {
        error_line(r, r->id, "output too large");
        goto done;
    }
    r->out = gg_strndup(b->data, b->len);
    r->out_len = b->len;
    r->ok = 1;
done:
    json_decref(root);
}

static void *worker(void *arg)
{
    shared *sh = arg;
    gg_filter_scratch s;
    gg_buf b;
    gg_filter_scratch_init(&s);
    gg_buf_init(&b, 1 << 20);
    for (;;) {
        size_t k = atomic_fetch_add(&sh->next, 1);
        if (k >= sh->nbatch)
            break;
        size_t end = (k + 1) * BATCH < sh->n ? (k + 1) * BATCH : sh->n;
        for (size_t i = k * BATCH; i < end; i++)
            score_line(&sh->recs[i], sh, &s, &b);
        pthread_mutex_lock(&sh->mu);
        atomic_store(&sh->done[k], 1);
        pthread_cond_broadcast(&sh->cv);
        pthread_mutex_unlock(&sh->mu);
    }
    gg_buf_dispose(&b);
    gg_filter_scratch_dispose(&s);
    return NULL;
}

/* ---------------------------------------------------------- the command */

static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 1 << 20, n = 0;
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

static void usage(FILE *f)
{
    fprintf(f, "usage: gagas classify [--model-dir DIR] [--data-dir DIR] [--threads N] < in.jsonl\n"
               "  One JSON object per input line ({\"id\",\"text\",\"channel\",\"author\",\n"
               "  \"created_at\"}; only text is required); one JSON line out per input line,\n"
               "  same order: id, lang, topics, kind, constructive, abusive, hate (with\n"
               "  hate_target, hate_categories), spam, sentiment, region, dup_of,\n"
               "  coordinated. A bad line gets {\"id\",\"error\"} and the run goes on.\n"
               "  --model-dir defaults to DATA/models, --data-dir (slang tables, topic\n"
               "  lexicon, gazetteer) to data.\n");
}

int gg_cli_classify(int argc, char **argv)
{
    const char *model_dir = NULL, *data_dir = "data";
    int nthreads = 2, rc = 1;
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
        else if (strcmp(a, "--threads") == 0)
            nthreads = atoi(v) > 0 && atoi(v) <= 64 ? atoi(v) : 2;
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
    gg_dedup *dedup = NULL;
    gg_coord *coord = NULL;
    char *input = NULL;
    shared sh;
    memset(&sh, 0, sizeof sh);
    pthread_t th[64];
    int started = 0;

    if (gg_text_init(data_dir) != 0)
        fprintf(stderr, "classify: warning: text tables not loaded from %s\n", data_dir);
    int e = gg_filter_open(&filter, model_dir, lbuf);
    if (e) {
        fprintf(stderr, "classify: cannot load models from %s (%s)\n", model_dir, gg_err_name(e));
        goto done;
    }
    if (gg_geo_open(&geo, data_dir) != 0) {
        fprintf(stderr, "classify: warning: no gazetteer under %s/geo; region stays []\n",
                data_dir);
        geo = NULL;
    }
    dedup = gg_dedup_new(NULL);
    coord = gg_coord_new(NULL);

    size_t len;
    input = read_all(stdin, &len);
    /* split lines; empty lines are skipped */
    size_t cap = 1024;
    sh.recs = gg_calloc(cap, sizeof *sh.recs);
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && input[j] != '\n')
            j++;
        size_t l = j - i;
        if (l && input[i + l - 1] == '\r')
            l--;
        if (l) {
            if (sh.n == cap) {
                sh.recs = gg_realloc(sh.recs, cap * 2 * sizeof *sh.recs);
                memset(sh.recs + cap, 0, cap * sizeof *sh.recs);
                cap *= 2;
            }
            sh.recs[sh.n].line = input + i;
            sh.recs[sh.n].len = l;
            sh.n++;
        }
        i = j + 1;
    }
    sh.nbatch = (sh.n + BATCH - 1) / BATCH;
    sh.done = gg_calloc(sh.nbatch ? sh.nbatch : 1, sizeof *sh.done);
    sh.filter = filter;
    sh.geo = geo;
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

    /* in input order, as batches complete: near-duplicates and coordination */
    for (size_t k = 0; k < sh.nbatch; k++) {
        pthread_mutex_lock(&sh.mu);
        while (!atomic_load(&sh.done[k]))
            pthread_cond_wait(&sh.cv, &sh.mu);
        pthread_mutex_unlock(&sh.mu);
        size_t end = (k + 1) * BATCH < sh.n ? (k + 1) * BATCH : sh.n;
        for (size_t i = k * BATCH; i < end; i++) {
            rec *r = &sh.recs[i];
            if (!r->ok)
                continue;
            r->dup = gg_dedup_add(dedup, (int64_t)i, r->norm, r->norm_len, NULL);
            gg_coord_obs o = {.id = (int64_t)i,
                              .author = r->author,
                              .author_len = r->author ? strlen(r->author) : 0,
                              .created_at = r->created_at,
                              .cluster = r->dup >= 0 ? r->dup : (int64_t)i};
            gg_coord_observe(coord, &o);
            gg_free(r->norm);
            r->norm = NULL;
        }
    }
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);

    /* write everything, closing each object with dup_of and coordinated */
    gg_buf out;
    gg_buf_init(&out, (size_t)1 << 40);
    for (size_t i = 0; i < sh.n; i++) {
        rec *r = &sh.recs[i];
        gg_buf_add(&out, r->out, r->out_len);
        if (r->ok) {
            LIT(&out, ",\"dup_of\":");
            if (r->dup >= 0)
                gg_buf_adds(&out, sh.recs[r->dup].id);
            else
                LIT(&out, "null");
            LIT(&out, ",\"coordinated\":");
            int64_t g = gg_coord_group_of(coord, (int64_t)i);
            if (g > 0)
                gg_buf_printf(&out, "%lld", (long long)g);
            else
                LIT(&out, "null");
            LIT(&out, "}\n");
        }
        if (out.len > (1 << 20)) {
            fwrite(out.data, 1, out.len, stdout);
            gg_buf_reset(&out);
        }
    }
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    gg_buf_dispose(&out);
    rc = fflush(stdout) == 0 ? 0 : 1;
done:
    for (size_t i = 0; i < sh.n; i++) {
        gg_free(sh.recs[i].out);
        gg_free(sh.recs[i].id);
        gg_free(sh.recs[i].norm);
        gg_free(sh.recs[i].author);
    }
    gg_free(sh.recs);
    gg_free((void *)sh.done);
    gg_free(input);
    gg_coord_free(coord);
    gg_dedup_free(dedup);
    gg_geo_close(geo);
    gg_filter_close(filter);
    return rc;
}
