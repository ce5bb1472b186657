/*
 * insight_fold.c — from facts rows to aggregate rows (store layer, issues 2
 * and 6). A facts row (or its pending copy, see speed_schema.c) belongs to
 * one aggregate row per (selector, dimension, key): the plain dimensions
 * (selector ''), and the same dimensions within each of its topics ("t:"),
 * its province ("p:"), its kind ("k:"), its channel ("c:") and its language
 * ("l:"), and within each pair of those ("tk:", "kl:", …), so one or two
 * filters on any of those read aggregates. The writer folds
 * every pending row into insight_agg once per batch, summing equal aggregate
 * rows in memory first so each is upserted once; readers expand the rows
 * not folded yet with the same code, so both always agree.
 */
#include "store/insight_fold.h"
#include "core/alloc.h"
#include "core/err.h"
#include <jansson.h>
#include <string.h>

const int64_t gg_store_insight_review_upper[GG_INSIGHT_NHIST] = {
    60,    120,   300,   600,    1200,   1800,   3600,   7200, /* 1 min .. 2 h */
    14400, 28800, 43200, 86400, 172800, 345600, 604800, -1};  /* 4 h .. 1 week, open */

int gg_store_insight_review_bucket(int64_t secs)
{
    for (int i = 0; i < GG_INSIGHT_NHIST - 1; i++)
        if (secs < gg_store_insight_review_upper[i])
            return i;
    return GG_INSIGHT_NHIST - 1;
}

static const char *const state_names[] = {"received", "filtered", "queued",   "accepted",
                                          "merged",   "rejected", "escalated", "withdrawn"};

void gg_store__insight_vector(const char *state, int aut, const char *sentiment, int reviewed,
                              int64_t secs, int64_t sign, int64_t v[GG_INSIGHT_NCOL])
{
    memset(v, 0, sizeof(int64_t) * GG_INSIGHT_NCOL);
    v[GG_INSIGHT_N] = sign;
    for (int i = 0; i < 8; i++)
        if (state && strcmp(state, state_names[i]) == 0)
            v[GG_INSIGHT_RECEIVED + i] = sign;
    v[GG_INSIGHT_AUTO_REJECTED] = aut ? v[GG_INSIGHT_REJECTED] : 0;
    v[GG_INSIGHT_AUTO_MERGED] = aut ? v[GG_INSIGHT_MERGED] : 0;
    if (sentiment) {
        v[GG_INSIGHT_POS] = strcmp(sentiment, "positive") == 0 ? sign : 0;
        v[GG_INSIGHT_NEU] = strcmp(sentiment, "neutral") == 0 ? sign : 0;
        v[GG_INSIGHT_NEG] = strcmp(sentiment, "negative") == 0 ? sign : 0;
    }
    if (reviewed) {
        v[GG_INSIGHT_REVIEWED] = sign;
        v[GG_INSIGHT_REVIEW_SECS] = sign * secs;
        v[GG_INSIGHT_H0 + gg_store_insight_review_bucket(secs)] = sign;
    }
}

/* Topics beyond this many on one post are not counted (the filter gives a
 * handful; the cap bounds the work a strange label can cause). */
#define MAX_TOPICS 32

/* The selectors a fact's rows are kept under: plain (""), each single
 * filter value ("t:" topic, "p:" province, "k:" kind, "c:" channel, "l:"
 * language) and each pair of two of them on different dimensions (prefix
 * the two letters in that order, "tk:", "kl:", …; sel the two values
 * joined by '|', "pendidikan|keluhan"), so any one or two of those filters
 * read aggregates. Values holding a '|' get no pair rows (they would be
 * ambiguous; the API's filter words cannot hold one, so such a pair reads
 * the facts). A post with nt topics has 1 + nt + 4 single and 4 nt + 6
 * pair selectors: at most 171 with the topic cap. */
#define MAX_SELS (1 + MAX_TOPICS + 4 + 4 * MAX_TOPICS + 6)

void gg_store__insight_expand(const gg_fact *f, const char *want_prefix, const char *want_sel,
                              gg_fact_fn fn, void *arg)
{
    const char *topics[MAX_TOPICS];
    int nt = 0;
    /* topics_json is written by the facts trigger: an array of names */
    json_t *t = f->topics_json ? json_loads(f->topics_json, 0, NULL) : NULL;
    size_t i;
    json_t *e;
    json_array_foreach(t, i, e) if (json_is_string(e) && nt < MAX_TOPICS)
        topics[nt++] = json_string_value(e);

    /* the single selectors: letter and value */
    struct {
        char letter;
        const char *v;
    } one[MAX_TOPICS + 4];
    int n1 = 0;
    for (int k = 0; k < nt; k++)
        one[n1].letter = 't', one[n1++].v = topics[k];
    if (*f->province)
        one[n1].letter = 'p', one[n1++].v = f->province;
    if (*f->kind)
        one[n1].letter = 'k', one[n1++].v = f->kind;
    if (*f->channel)
        one[n1].letter = 'c', one[n1++].v = f->channel;
    if (*f->lang)
        one[n1].letter = 'l', one[n1++].v = f->lang;

    struct {
        char prefix[4];
        const char *sel;
    } sels[MAX_SELS];
    int ns = 0;
    strcpy(sels[ns].prefix, "");
    sels[ns++].sel = "";
    for (int k = 0; k < n1; k++) {
        sels[ns].prefix[0] = one[k].letter, sels[ns].prefix[1] = ':', sels[ns].prefix[2] = 0;
        sels[ns++].sel = one[k].v;
    }
    /* pair values joined in one buffer: a|b\0 per pair */
    size_t need = 0;
    for (int a = 0; a < n1; a++)
        need += strlen(one[a].v) + 1;
    need *= (size_t)n1;
    char small[4096], *buf = need + 1 > sizeof(small) ? gg_malloc(need + 1) : small, *w = buf;
    for (int a = 0; a < n1; a++) {
        if (strchr(one[a].v, '|'))
            continue;
        for (int b = a + 1; b < n1; b++) {
            /* topics are first and in one run: a topic pairs with the rest */
            if (one[b].letter == one[a].letter || strchr(one[b].v, '|'))
                continue;
            sels[ns].prefix[0] = one[a].letter, sels[ns].prefix[1] = one[b].letter;
            sels[ns].prefix[2] = ':', sels[ns].prefix[3] = 0;
            size_t la = strlen(one[a].v), lb = strlen(one[b].v);
            memcpy(w, one[a].v, la);
            w[la] = '|';
            memcpy(w + la + 1, one[b].v, lb + 1);
            sels[ns++].sel = w;
            w += la + 1 + lb + 1;
        }
    }

    for (int s = 0; s < ns; s++) {
        const char *p = sels[s].prefix, *sel = sels[s].sel;
        if (want_prefix && (strcmp(p, want_prefix) != 0 || strcmp(sel, want_sel) != 0))
            continue;
        fn(arg, p, sel, "all", "");
        fn(arg, p, sel, "channel", f->channel);
        fn(arg, p, sel, "kind", f->kind);
        fn(arg, p, sel, "lang", f->lang);
        fn(arg, p, sel, "province", f->province);
        if (*f->regency)
            fn(arg, p, sel, "regency", f->regency);
        if (*f->dapil)
            fn(arg, p, sel, "dapil", f->dapil);
        if (*f->reason)
            fn(arg, p, sel, "reason", f->reason);
        if (nt == 0)
            fn(arg, p, sel, "topic", "");
        for (int k = 0; k < nt; k++)
            fn(arg, p, sel, "topic", topics[k]);
    }
    if (buf != small)
        free(buf);
    json_decref(t);
}

static const char *col(sqlite3_stmt *st, int i)
{
    const char *v = (const char *)sqlite3_column_text(st, i);
    return v ? v : "";
}

void gg_store__insight_pending_row(sqlite3_stmt *st, gg_fact *f, int64_t v[GG_INSIGHT_NCOL])
{
    /* columns as in GG_STORE__PENDING_SELECT */
    f->campaign_id = sqlite3_column_int64(st, 1);
    f->day = sqlite3_column_int(st, 2);
    f->channel = col(st, 3);
    f->reason = col(st, 6);
    f->lang = col(st, 7);
    f->kind = col(st, 8);
    f->topics_json = col(st, 10);
    f->province = col(st, 11);
    f->regency = col(st, 12);
    f->dapil = col(st, 13);
    f->coord = sqlite3_column_int64(st, 14) > 0;
    gg_store__insight_vector(col(st, 4), sqlite3_column_int(st, 5), col(st, 9),
                             sqlite3_column_type(st, 15) != SQLITE_NULL,
                             sqlite3_column_int64(st, 15), sqlite3_column_int64(st, 0), v);
}

/* ---- the fold ------------------------------------------------------------- */

/* One aggregate row being summed: its key is "dim\0sel\0key\0" (dim with
 * its selector prefix) at names + off, plus campaign, day and coord. */
typedef struct fold_ent {
    size_t off, len;
    int64_t campaign_id;
    int day, coord;
    int64_t v[GG_INSIGHT_NCOL];
} fold_ent;

/* The sums of one pass: entries in a dense array (in arrival order), their
 * names in one growing buffer, and an open-addressing index of 8-byte
 * slots (entry number + 1, and 32 bits of the hash so most probes never
 * touch an entry). The index stays small enough for the CPU's caches;
 * probing a table of 300-byte entries directly missed them on every step. */
typedef struct fold_acc {
    fold_ent *e;
    size_t n, ecap;
    char *names;
    size_t nlen, ncap;
    uint64_t *slot; /* (hash >> 32) << 32 | (index + 1); 0: free */
    size_t scap;
    const gg_fact *f; /* the row being expanded */
    const int64_t *v;
    int nz[GG_INSIGHT_NCOL], nnz; /* the columns of v that are not 0 (a handful) */
} fold_acc;

static uint64_t ent_hash(const char *name, size_t len, int64_t campaign, int day, int coord)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)name[i]) * 1099511628211ull;
    h = (h ^ (uint64_t)campaign) * 1099511628211ull;
    h = (h ^ (uint64_t)(uint32_t)day) * 1099511628211ull;
    h = (h ^ (uint64_t)coord) * 1099511628211ull;
    return h ^ (h >> 29); /* the low bits pick the slot: mix the high ones in */
}

static void acc_regrow(fold_acc *a)
{
    size_t ncap = a->scap ? a->scap * 2 : 8192;
    uint64_t *ns = gg_calloc(ncap, sizeof(uint64_t));
    for (size_t i = 0; i < a->scap; i++) {
        uint64_t sv = a->slot[i];
        if (sv == 0)
            continue;
        fold_ent *o = &a->e[(sv & 0xffffffffu) - 1];
        size_t j = ent_hash(a->names + o->off, o->len, o->campaign_id, o->day, o->coord) &
                   (ncap - 1);
        while (ns[j])
            j = (j + 1) & (ncap - 1);
        ns[j] = sv;
    }
    free(a->slot);
    a->slot = ns;
    a->scap = ncap;
}

/* Add the fact's counts to the summed row (name, the fact's campaign and
 * coord, day). */
static void acc_add(fold_acc *a, const char *name, size_t len, int day)
{
    if ((a->n + 1) * 2 > a->scap)
        acc_regrow(a);
    const gg_fact *f = a->f;
    uint64_t h = ent_hash(name, len, f->campaign_id, day, f->coord);
    uint64_t tag = h >> 32 << 32;
    size_t j = h & (a->scap - 1);
    fold_ent *e = NULL;
    for (;; j = (j + 1) & (a->scap - 1)) {
        uint64_t sv = a->slot[j];
        if (sv == 0)
            break;
        if ((sv & ~(uint64_t)0xffffffffu) != tag)
            continue;
        fold_ent *o = &a->e[(sv & 0xffffffffu) - 1];
        if (o->len == len && o->campaign_id == f->campaign_id && o->day == day &&
            o->coord == f->coord && memcmp(a->names + o->off, name, len) == 0) {
            e = o;
            break;
        }
    }
    if (e == NULL) {
        if (a->n == a->ecap) {
            a->ecap = a->ecap ? a->ecap * 2 : 4096;
            a->e = gg_realloc(a->e, a->ecap * sizeof(fold_ent));
        }
        if (a->nlen + len > a->ncap) {
            a->ncap = (a->ncap ? a->ncap * 2 : 1 << 16) + len;
            a->names = gg_realloc(a->names, a->ncap);
        }
        e = &a->e[a->n];
        memset(e, 0, sizeof(*e));
        e->off = a->nlen;
        e->len = len;
        memcpy(a->names + a->nlen, name, len);
        a->nlen += len;
        e->campaign_id = f->campaign_id;
        e->day = day;
        e->coord = f->coord;
        a->slot[j] = tag | (uint64_t)(a->n + 1);
        a->n++;
    }
    for (int k = 0; k < a->nnz; k++)
        e->v[a->nz[k]] += a->v[a->nz[k]];
}

/* One aggregate row of the fact: its day row, and its week row ("W" in
 * front of the dimension, day = the Monday: see insight_week_schema.c)
 * except for "all" and "channel", which are read per day anyway, and for
 * the pair selectors ("kl:", …): a pair holds a few hundredths of the
 * posts, so its day rows are few, and week rows would add a quarter to
 * what every post costs the fold. */
static void on_tuple(void *arg, const char *prefix, const char *sel, const char *dim,
                     const char *key)
{
    fold_acc *a = arg;
    char small[512], *buf = small;
    size_t pl = strlen(prefix), dl = strlen(dim), sl = strlen(sel), kl = strlen(key);
    size_t len = pl + dl + 1 + sl + 1 + kl + 1;
    if (len + 1 > sizeof(small))
        buf = gg_malloc(len + 1);
    char *name = buf + 1; /* buf[0] takes the "W" */
    memcpy(name, prefix, pl);
    memcpy(name + pl, dim, dl + 1);
    memcpy(name + pl + dl + 1, sel, sl + 1);
    memcpy(name + pl + dl + 1 + sl + 1, key, kl + 1);
    acc_add(a, name, len, a->f->day);
    if (pl < 3 && strcmp(dim, "all") != 0 && strcmp(dim, "channel") != 0) {
        buf[0] = 'W';
        acc_add(a, buf, len + 1, a->f->day - (a->f->day + 3) % 7);
    }
    if (buf != small)
        free(buf);
}

static void acc_dispose(fold_acc *a)
{
    free(a->e);
    free(a->names);
    free(a->slot);
}

#define AGG_COUNTS                                                                               \
    "n,received,filtered,queued,accepted,merged,rejected,escalated,withdrawn,auto_rejected,"     \
    "auto_merged,pos,neu,neg,reviewed,review_secs,h0,h1,h2,h3,h4,h5,h6,h7,h8,h9,h10,h11,h12,"    \
    "h13,h14,h15"
#define ADD(c) c "=" c "+excluded." c
static const char SQL_UPSERT[] =
    "INSERT INTO insight_agg(dim,campaign_id,sel,day,key,coord," AGG_COUNTS ")"
    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,"
    "?23,?24,?25,?26,?27,?28,?29,?30,?31,?32,?33,?34,?35,?36,?37,?38)"
    " ON CONFLICT DO UPDATE SET " ADD("n") "," ADD("received") "," ADD("filtered") "," ADD(
        "queued") "," ADD("accepted") "," ADD("merged") "," ADD("rejected") "," ADD("escalated") ","
        ADD("withdrawn") "," ADD("auto_rejected") "," ADD("auto_merged") "," ADD("pos") "," ADD(
            "neu") "," ADD("neg") "," ADD("reviewed") "," ADD("review_secs") "," ADD("h0") ","
            ADD("h1") "," ADD("h2") "," ADD("h3") "," ADD("h4") "," ADD("h5") "," ADD("h6") ","
            ADD("h7") "," ADD("h8") "," ADD("h9") "," ADD("h10") "," ADD("h11") "," ADD(
                "h12") "," ADD("h13") "," ADD("h14") "," ADD("h15");
#undef ADD

/* Aggregate-table key order (dim, campaign_id, sel, day, key, coord), the
 * order of insight_agg's primary key, so a flush walks the B-tree forwards
 * instead of jumping about it. */
static const char *sort_names; /* qsort has no argument: the flushing pass's buffer */

static int ent_cmp(const void *x, const void *y)
{
    const fold_ent *a = *(const fold_ent *const *)x, *b = *(const fold_ent *const *)y;
    const char *an = sort_names + a->off, *bn = sort_names + b->off;
    int c = strcmp(an, bn); /* dim */
    if (c)
        return c;
    if (a->campaign_id != b->campaign_id)
        return a->campaign_id < b->campaign_id ? -1 : 1;
    size_t dl = strlen(an) + 1;
    if ((c = strcmp(an + dl, bn + dl)) != 0) /* sel */
        return c;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    size_t sl = strlen(an + dl) + 1;
    if ((c = strcmp(an + dl + sl, bn + dl + sl)) != 0) /* key */
        return c;
    return a->coord - b->coord;
}

/* Upsert every summed row (skipping those that cancelled out) in key order
 * and empty a. Runs on the writer thread only (sort_names). */
static int acc_flush(gg_conn *c, fold_acc *a)
{
    int rc = 0;
    if (a->n == 0)
        return 0;
    fold_ent **order = gg_malloc(a->n * sizeof(fold_ent *));
    for (size_t i = 0; i < a->n; i++)
        order[i] = &a->e[i];
    sort_names = a->names;
    qsort(order, a->n, sizeof(fold_ent *), ent_cmp);
    sqlite3_stmt *st = gg_store__stmt(c, SQL_UPSERT);
    if (st == NULL)
        rc = gg_store__sqlfail(c, "prepare");
    for (size_t i = 0; i < a->n && rc == 0; i++) {
        fold_ent *e = order[i];
        int zero = 1;
        for (int k = 0; k < GG_INSIGHT_NCOL && zero; k++)
            zero = e->v[k] == 0;
        if (zero)
            continue;
        const char *nm = a->names + e->off;
        size_t dl = strlen(nm), sl = strlen(nm + dl + 1);
        sqlite3_bind_text(st, 1, nm, (int)dl, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, e->campaign_id);
        sqlite3_bind_text(st, 3, nm + dl + 1, (int)sl, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, e->day);
        sqlite3_bind_text(st, 5, nm + dl + 1 + sl + 1, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 6, e->coord);
        for (int k = 0; k < GG_INSIGHT_NCOL; k++)
            sqlite3_bind_int64(st, 7 + k, e->v[k]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = gg_store__sqlfail(c, "insight fold");
        sqlite3_reset(st);
    }
    free(order);
    a->n = 0;
    a->nlen = 0;
    memset(a->slot, 0, a->scap * sizeof(uint64_t));
    return rc;
}

/* Summed aggregate rows held before a flush (about 300 bytes each). A
 * flush happens only where the (campaign, day) of the pending rows
 * changes, so no aggregate row is upserted twice in one fold unless a
 * single day alone holds more than FOLD_HARD rows. */
#define FOLD_FLUSH (1u << 18)
#define FOLD_HARD (1u << 21)
/* Pending rows above which the fold takes a larger page cache for its
 * duration (a bulk load by another program: the startup fold). */
#define FOLD_BIG 100000

/* Add one pending row (fact f, signed counts v) to the sums. */
static void acc_fact(fold_acc *a, const gg_fact *f, const int64_t *v)
{
    a->f = f;
    a->v = v;
    a->nnz = 0;
    for (int k = 0; k < GG_INSIGHT_NCOL; k++)
        if (v[k] != 0)
            a->nz[a->nnz++] = k;
    gg_store__insight_expand(f, NULL, NULL, on_tuple, a);
}

/* Delete the pending rows summed: every one up to seq hi. */
static int delete_folded(gg_conn *c, int64_t hi)
{
    sqlite3_stmt *del = gg_store__stmt(c, "DELETE FROM insight_pending WHERE seq<=?1");
    if (del == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(del, 1, hi);
    int rc = sqlite3_step(del) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "insight pending delete");
    sqlite3_reset(del);
    return rc;
}

int gg_store__insight_fold(gg_conn *c, int64_t *folded_out)
{
    /* Everything pending up to now, in (campaign, day) order: rows of one
     * day share their aggregate rows, so summing a run of days in memory
     * and upserting each sum once in key order is what makes a backlog
     * cheap. (Read in seq order in chunks, rows spread over 180 days and
     * 514 kab/kota merged little and upserted all over the table: 10^6
     * rows took minutes.) */
    sqlite3_stmt *hi_st = gg_store__stmt(c, "SELECT max(seq), min(seq) FROM insight_pending");
    if (hi_st == NULL)
        return gg_store__sqlfail(c, "prepare");
    int64_t hi = 0, lo = 0;
    if (sqlite3_step(hi_st) == SQLITE_ROW) {
        hi = sqlite3_column_int64(hi_st, 0);
        lo = sqlite3_column_int64(hi_st, 1);
    }
    sqlite3_reset(hi_st);
    if (folded_out)
        *folded_out = 0;
    if (hi == 0)
        return 0;
    sqlite3_stmt *st = gg_store__stmt(c, GG_STORE__PENDING_SELECT " WHERE seq<=?1"
                                                                  " ORDER BY campaign_id, day");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    /* a backlog gets ~256 MB of page cache for the agg table while it is
     * folded; the connection's own size comes back after */
    int64_t cache = 0;
    int big = hi - lo >= FOLD_BIG;
    if (big) {
        sqlite3_stmt *cs = NULL;
        if (sqlite3_prepare_v2(c->db, "PRAGMA cache_size", -1, &cs, NULL) == SQLITE_OK &&
            sqlite3_step(cs) == SQLITE_ROW)
            cache = sqlite3_column_int64(cs, 0);
        sqlite3_finalize(cs);
        big = cache != 0;
        if (big)
            sqlite3_exec(c->db, "PRAGMA cache_size=-262144", NULL, NULL, NULL);
    }
    fold_acc a = {0};
    int64_t total = 0, campaign = -1;
    int day = 0, rc = 0, step;
    sqlite3_bind_int64(st, 1, hi);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        gg_fact f;
        int64_t v[GG_INSIGHT_NCOL];
        gg_store__insight_pending_row(st, &f, v);
        if ((a.n >= FOLD_FLUSH && (f.campaign_id != campaign || f.day != day)) ||
            a.n >= FOLD_HARD) {
            if ((rc = acc_flush(c, &a)) != 0)
                break;
        }
        campaign = f.campaign_id;
        day = f.day;
        acc_fact(&a, &f, v);
        total++;
    }
    sqlite3_reset(st);
    if (rc == 0 && step != SQLITE_DONE)
        rc = gg_store__sqlfail(c, "insight pending");
    if (rc == 0)
        rc = acc_flush(c, &a);
    acc_dispose(&a);
    if (rc == 0)
        rc = delete_folded(c, hi);
    if (big) {
        char sql[64];
        snprintf(sql, sizeof(sql), "PRAGMA cache_size=%lld", (long long)cache);
        sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    }
    if (folded_out)
        *folded_out = total;
    return rc;
}

/* ---- the fold off the writer's thread --------------------------------- */

struct gg_fold {
    fold_acc a;
    int64_t hi; /* the last seq read: every pending row up to it is in a (0: none) */
};

gg_fold *gg_store__fold_collect(gg_conn *c, int64_t max_rows)
{
    /* seq order from the oldest: the rows read are exactly those up to the
     * last seq read (new rows get larger ones, and only a fold deletes) */
    sqlite3_stmt *st = gg_store__stmt(c, GG_STORE__PENDING_SELECT " ORDER BY seq LIMIT ?1");
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, max_rows);
    gg_fold *g = gg_calloc(1, sizeof(*g));
    /* at most 2^18 sums (~75 MB) at a time; the rest waits for the next */
    while (g->a.n < (1u << 18) && sqlite3_step(st) == SQLITE_ROW) {
        gg_fact f;
        int64_t v[GG_INSIGHT_NCOL];
        gg_store__insight_pending_row(st, &f, v);
        acc_fact(&g->a, &f, v);
        g->hi = sqlite3_column_int64(st, 16);
    }
    sqlite3_reset(st);
    if (g->hi == 0) {
        gg_store__fold_free(g);
        return NULL;
    }
    return g;
}

int gg_store__fold_apply(gg_conn *c, gg_fold *g)
{
    int rc = acc_flush(c, &g->a);
    return rc ? rc : delete_folded(c, g->hi);
}

void gg_store__fold_free(gg_fold *g)
{
    if (g == NULL)
        return;
    acc_dispose(&g->a);
    free(g);
}
