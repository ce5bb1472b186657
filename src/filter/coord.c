/*
 * coord.c — coordinated-campaign detector (filter layer). Each near-duplicate
 * cluster has a current "run" of posts chained in time; a run turns into a
 * group when its distinct authors reach min_authors, and every member, the
 * earlier ones too, belongs to it from then on. Open-addressing maps
 * (id -> run, cluster -> current run, solo posts) keep observe O(1)
 * amortized; a post nobody copied costs ~64-128 bytes, not a run.
 */
#include "filter/coord.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>
#define XXH_INLINE_ALL /* the same hashes; short keys cost no library call */
#include <xxhash.h>

typedef struct tagcount {
    char *tag;
    size_t count;
} tagcount;

typedef struct run {
    int64_t cluster;
    int64_t group;           /* 0 until it has enough authors */
    int64_t first_at, last_at; /* known times only; GG_COORD_NOTIME when none */
    int64_t *ids, *times;
    size_t n, cap;
    uint64_t *authors;       /* open-addressing set, 0 = empty */
    size_t aslots, acount;
    size_t new_accounts;
    tagcount *tags;
    size_t ntags, tcap;
    size_t n_tagged;         /* members whose hashtags were seen (a seeded root's were not) */
} run;

/* A post no other post has copied yet: kept compactly, since most posts stay
 * alone; it seeds a run when its first copy arrives. */
typedef struct solo {
    uint64_t author;
    int64_t t;
    uint8_t new_account, used, short_post;
} solo;

/* int64 -> size_t map, open addressing; key INT64_MIN = empty */
typedef struct imap {
    int64_t *keys;
    size_t *vals;
    size_t slots, count;
} imap;

/* Every timed use of a hashtag, for burst detection. */
typedef struct tag_use {
    int64_t t;
    uint64_t author;
    uint8_t new_account;
} tag_use;

typedef struct tag_series {
    char *tag;
    tag_use *v;
    size_t n, cap;
} tag_series;

struct gg_coord {
    int min_authors, min_words, burst_authors;
    int64_t window, new_account, burst_window;
    double burst_ratio;
    int64_t t_min, t_max;   /* known times seen, GG_COORD_NOTIME when none */
    tag_series *series;     /* hashtag uses; index by the tags map */
    size_t nseries, secap;
    uint64_t *tkeys;        /* tag hash -> series index + 1 (0 = empty) */
    size_t *tvals;
    size_t tslots;
    run *runs;
    size_t nruns, rcap;
    size_t *groups; /* group id - 1 -> run index */
    size_t ngroups, gcap;
    imap by_id, by_cluster; /* run members -> run; cluster -> its current run */
    int64_t *skeys;         /* solo posts: open addressing, INT64_MIN = empty */
    solo *svals;
    size_t sslots, scount;
};

/* ---- maps ------------------------------------------------------------------ */

static void imap_init(imap *m, size_t slots)
{
    m->slots = slots;
    m->count = 0;
    m->keys = gg_malloc(slots * sizeof *m->keys);
    m->vals = gg_malloc(slots * sizeof *m->vals);
    for (size_t i = 0; i < slots; i++)
        m->keys[i] = INT64_MIN;
}

static size_t imap_slot(const imap *m, int64_t key)
{
    size_t mask = m->slots - 1, s = (size_t)XXH3_64bits(&key, sizeof key) & mask;
    while (m->keys[s] != INT64_MIN && m->keys[s] != key)
        s = (s + 1) & mask;
    return s;
}

static const size_t *imap_get(const imap *m, int64_t key)
{
    size_t s = imap_slot(m, key);
    return m->keys[s] == key ? &m->vals[s] : NULL;
}

static void imap_put(imap *m, int64_t key, size_t val)
{
    if ((m->count + 1) * 2 > m->slots) {
        imap old = *m;
        imap_init(m, old.slots * 2);
        for (size_t i = 0; i < old.slots; i++)
            if (old.keys[i] != INT64_MIN)
                imap_put(m, old.keys[i], old.vals[i]);
        gg_free(old.keys);
        gg_free(old.vals);
    }
    size_t s = imap_slot(m, key);
    if (m->keys[s] != key) {
        m->keys[s] = key;
        m->count++;
    }
    m->vals[s] = val;
}

static void imap_dispose(imap *m)
{
    gg_free(m->keys);
    gg_free(m->vals);
}

static size_t solo_slot(const gg_coord *c, int64_t id)
{
    size_t mask = c->sslots - 1, s = (size_t)XXH3_64bits(&id, sizeof id) & mask;
    while (c->skeys[s] != INT64_MIN && c->skeys[s] != id)
        s = (s + 1) & mask;
    return s;
}

static solo *solo_get(const gg_coord *c, int64_t id)
{
    size_t s = solo_slot(c, id);
    return c->skeys[s] == id ? &c->svals[s] : NULL;
}

static void solo_put(gg_coord *c, int64_t id, const solo *v)
{
    if ((c->scount + 1) * 2 > c->sslots) {
        int64_t *ok = c->skeys;
        solo *ov = c->svals;
        size_t on = c->sslots;
        c->sslots = on * 2;
        c->skeys = gg_malloc(c->sslots * sizeof *c->skeys);
        c->svals = gg_malloc(c->sslots * sizeof *c->svals);
        for (size_t i = 0; i < c->sslots; i++)
            c->skeys[i] = INT64_MIN;
        for (size_t i = 0; i < on; i++)
            if (ok[i] != INT64_MIN) {
                size_t s = solo_slot(c, ok[i]);
                c->skeys[s] = ok[i];
                c->svals[s] = ov[i];
            }
        gg_free(ok);
        gg_free(ov);
    }
    size_t s = solo_slot(c, id);
    if (c->skeys[s] != id)
        c->scount++;
    c->skeys[s] = id;
    c->svals[s] = *v;
}

/* ---- runs ------------------------------------------------------------------- */

/* Add an author hash to the run's set; 1 when it was new. */
static int author_add(run *r, uint64_t h)
{
    if (h == 0)
        h = 1;
    if ((r->acount + 1) * 2 > r->aslots) {
        uint64_t *old = r->authors;
        size_t oldn = r->aslots;
        r->aslots = oldn ? oldn * 2 : 8;
        r->authors = gg_calloc(r->aslots, sizeof *r->authors);
        r->acount = 0;
        for (size_t i = 0; i < oldn; i++)
            if (old[i])
                author_add(r, old[i]);
        gg_free(old);
    }
    size_t mask = r->aslots - 1, s = (size_t)h & mask;
    while (r->authors[s] && r->authors[s] != h)
        s = (s + 1) & mask;
    if (r->authors[s] == h)
        return 0;
    r->authors[s] = h;
    r->acount++;
    return 1;
}

static void tag_add(run *r, const char *tag)
{
    for (size_t i = 0; i < r->ntags; i++)
        if (strcmp(r->tags[i].tag, tag) == 0) {
            r->tags[i].count++;
            return;
        }
    if (r->ntags == 64)
        return; /* cap: a run's evidence needs its common tags, not every tag */
    if (r->ntags == r->tcap) {
        r->tcap = r->tcap ? r->tcap * 2 : 4;
        r->tags = gg_realloc(r->tags, r->tcap * sizeof *r->tags);
    }
    r->tags[r->ntags].tag = gg_strdup(tag);
    r->tags[r->ntags].count = 1;
    r->ntags++;
}

static size_t run_new(gg_coord *c, int64_t cluster)
{
    if (c->nruns == c->rcap) {
        c->rcap = c->rcap ? c->rcap * 2 : 64;
        c->runs = gg_realloc(c->runs, c->rcap * sizeof *c->runs);
    }
    run *r = &c->runs[c->nruns];
    memset(r, 0, sizeof *r);
    r->cluster = cluster;
    r->first_at = r->last_at = GG_COORD_NOTIME;
    imap_put(&c->by_cluster, cluster, c->nruns);
    return c->nruns++;
}

/* Does a post at time t continue run r? Unknown times always do. */
static int run_takes(const gg_coord *c, const run *r, int64_t t)
{
    if (t == GG_COORD_NOTIME || r->last_at == GG_COORD_NOTIME)
        return 1;
    return t <= r->last_at + c->window && t >= r->first_at - c->window;
}

gg_coord *gg_coord_new(const gg_coord_opts *opts)
{
    gg_coord_opts o = {0};
    if (opts)
        o = *opts;
    gg_coord *c = gg_calloc(1, sizeof *c);
    c->min_authors = o.min_authors > 1 ? o.min_authors : 3;
    c->window = o.window > 0 ? o.window : 6 * 3600;
    c->new_account = o.new_account > 0 ? o.new_account : 30 * 86400;
    c->min_words = o.min_words > 0 ? o.min_words : 5;
    c->burst_authors = o.burst_authors > 1 ? o.burst_authors : 20;
    c->burst_window = o.burst_window > 0 ? o.burst_window : 3600;
    c->burst_ratio = o.burst_ratio > 0 ? o.burst_ratio : 3.0;
    c->t_min = c->t_max = GG_COORD_NOTIME;
    imap_init(&c->by_id, 1024);
    imap_init(&c->by_cluster, 1024);
    c->sslots = 1024;
    c->skeys = gg_malloc(c->sslots * sizeof *c->skeys);
    c->svals = gg_malloc(c->sslots * sizeof *c->svals);
    for (size_t i = 0; i < c->sslots; i++)
        c->skeys[i] = INT64_MIN;
    return c;
}

void gg_coord_free(gg_coord *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nruns; i++) {
        run *r = &c->runs[i];
        gg_free(r->ids);
        gg_free(r->times);
        gg_free(r->authors);
        for (size_t j = 0; j < r->ntags; j++)
            gg_free(r->tags[j].tag);
        gg_free(r->tags);
    }
    gg_free(c->runs);
    gg_free(c->groups);
    imap_dispose(&c->by_id);
    imap_dispose(&c->by_cluster);
    gg_free(c->skeys);
    gg_free(c->svals);
    for (size_t i = 0; i < c->nseries; i++) {
        gg_free(c->series[i].tag);
        gg_free(c->series[i].v);
    }
    gg_free(c->series);
    gg_free(c->tkeys);
    gg_free(c->tvals);
    gg_free(c);
}

/* Record a timed hashtag use. Tags are matched by a 64-bit hash of their
 * text (a collision would merge two tags' series: 1 in 2^64 per pair). */
static void series_add(gg_coord *c, const char *tag, int64_t t, uint64_t author, int new_account)
{
    uint64_t h = XXH3_64bits(tag, strlen(tag));
    if ((c->nseries + 1) * 2 > c->tslots) {
        uint64_t *ok = c->tkeys;
        size_t *ov = c->tvals, on = c->tslots;
        c->tslots = on ? on * 2 : 256;
        c->tkeys = gg_calloc(c->tslots, sizeof *c->tkeys);
        c->tvals = gg_malloc(c->tslots * sizeof *c->tvals);
        for (size_t i = 0; i < on; i++)
            if (ok[i]) {
                size_t s = (size_t)ok[i] & (c->tslots - 1);
                while (c->tkeys[s])
                    s = (s + 1) & (c->tslots - 1);
                c->tkeys[s] = ok[i];
                c->tvals[s] = ov[i];
            }
        gg_free(ok);
        gg_free(ov);
    }
    if (h == 0)
        h = 1;
    size_t s = (size_t)h & (c->tslots - 1);
    while (c->tkeys[s] && c->tkeys[s] != h)
        s = (s + 1) & (c->tslots - 1);
    if (!c->tkeys[s]) {
        if (c->nseries == c->secap) {
            c->secap = c->secap ? c->secap * 2 : 64;
            c->series = gg_realloc(c->series, c->secap * sizeof *c->series);
        }
        memset(&c->series[c->nseries], 0, sizeof c->series[0]);
        c->series[c->nseries].tag = gg_strdup(tag);
        c->tkeys[s] = h;
        c->tvals[s] = c->nseries++;
    }
    tag_series *ts = &c->series[c->tvals[s]];
    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 4;
        ts->v = gg_realloc(ts->v, ts->cap * sizeof *ts->v);
    }
    ts->v[ts->n++] = (tag_use){.t = t, .author = author, .new_account = (uint8_t)new_account};
}

/* Add one member to run ri; tags may be NULL (not known). */
static void run_add(gg_coord *c, size_t ri, int64_t id, int64_t t, uint64_t author, int new_account,
                    const char *const *tags, size_t ntags, int tags_known)
{
    run *r = &c->runs[ri];
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 4;
        r->ids = gg_realloc(r->ids, r->cap * sizeof *r->ids);
        r->times = gg_realloc(r->times, r->cap * sizeof *r->times);
    }
    r->ids[r->n] = id;
    r->times[r->n] = t;
    r->n++;
    if (t != GG_COORD_NOTIME) {
        if (r->first_at == GG_COORD_NOTIME || t < r->first_at)
            r->first_at = t;
        if (r->last_at == GG_COORD_NOTIME || t > r->last_at)
            r->last_at = t;
    }
    r->new_accounts += new_account != 0;
    author_add(r, author);
    if (tags_known) {
        r->n_tagged++;
        for (size_t i = 0; i < ntags; i++)
            if (tags && tags[i])
                tag_add(r, tags[i]);
    }
    imap_put(&c->by_id, id, ri);
    if (r->group == 0 && r->acount >= (size_t)c->min_authors) {
        if (c->ngroups == c->gcap) {
            c->gcap = c->gcap ? c->gcap * 2 : 16;
            c->groups = gg_realloc(c->groups, c->gcap * sizeof *c->groups);
        }
        c->groups[c->ngroups++] = ri;
        r->group = (int64_t)c->ngroups;
    }
}

int64_t gg_coord_observe(gg_coord *c, const gg_coord_obs *obs)
{
    if (obs->id < 0 || imap_get(&c->by_id, obs->id) != NULL || solo_get(c, obs->id) != NULL)
        return GG_EINVAL;
    int64_t t = obs->created_at, cluster = obs->cluster;
    /* an unknown author counts as one more distinct author */
    solo me = {.author = obs->author ? XXH3_64bits(obs->author, obs->author_len)
                                     : XXH3_64bits_withSeed(&obs->id, sizeof obs->id, 0x616e6f6eULL),
               .t = t,
               .new_account = t != GG_COORD_NOTIME && obs->author_created_at > 0 &&
                              t - obs->author_created_at < c->new_account,
               .short_post = obs->n_words > 0 && obs->n_words < c->min_words};
    if (t != GG_COORD_NOTIME) {
        if (c->t_min == GG_COORD_NOTIME || t < c->t_min)
            c->t_min = t;
        if (c->t_max == GG_COORD_NOTIME || t > c->t_max)
            c->t_max = t;
    }
    if (t != GG_COORD_NOTIME && obs->hashtags)
        for (size_t i = 0; i < obs->n_hashtags; i++)
            if (obs->hashtags[i])
                series_add(c, obs->hashtags[i], t, me.author, me.new_account);
    /* dedup answers the earliest similar post, which may itself be a copy
     * filed under an older cluster: follow it so a chain stays one cluster */
    const size_t *via = cluster != obs->id ? imap_get(&c->by_id, cluster) : NULL;
    if (via)
        cluster = c->runs[*via].cluster;
    solo *root = via || cluster == obs->id ? NULL : solo_get(c, cluster);
    /* short posts ("setuju pak") never group: many people write them alike
     * on their own. A post nobody copied (yet) is kept as a solo. */
    if (me.short_post || cluster == obs->id || (root && root->short_post)) {
        solo_put(c, obs->id, &me);
        return 0;
    }
    const size_t *cur = imap_get(&c->by_cluster, cluster);
    size_t ri;
    if (cur && run_takes(c, &c->runs[*cur], t)) {
        ri = *cur;
    } else {
        ri = run_new(c, cluster);
        /* the first copy of a solo post brings the original into the run,
         * when it is within the window (its hashtags were not kept) */
        if (root && !root->used && (t == GG_COORD_NOTIME || root->t == GG_COORD_NOTIME ||
                                    (t - root->t <= c->window && root->t - t <= c->window))) {
            root->used = 1;
            run_add(c, ri, cluster, root->t, root->author, root->new_account, NULL, 0, 0);
        }
    }
    run_add(c, ri, obs->id, t, me.author, me.new_account, obs->hashtags, obs->n_hashtags, 1);
    return c->runs[ri].group;
}

int64_t gg_coord_group_of(const gg_coord *c, int64_t id)
{
    const size_t *ri = imap_get(&c->by_id, id);
    return ri ? c->runs[*ri].group : 0;
}

size_t gg_coord_count(const gg_coord *c)
{
    return c->ngroups;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int gg_coord_group_get(const gg_coord *c, int64_t group, gg_coord_group *out)
{
    if (group < 1 || (size_t)group > c->ngroups)
        return GG_ENOTFOUND;
    const run *r = &c->runs[c->groups[group - 1]];
    memset(out, 0, sizeof *out);
    out->group = group;
    out->cluster = r->cluster;
    out->members = r->n;
    out->authors = r->acount;
    out->first_at = r->first_at;
    out->last_at = r->last_at;
    out->new_accounts = r->new_accounts;

    /* identical timing: members whose second another member shares */
    int64_t *ts = gg_malloc(r->n * sizeof *ts);
    size_t nt = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->times[i] != GG_COORD_NOTIME)
            ts[nt++] = r->times[i];
    qsort(ts, nt, sizeof *ts, cmp_i64);
    for (size_t i = 0; i < nt; i++)
        if ((i > 0 && ts[i - 1] == ts[i]) || (i + 1 < nt && ts[i + 1] == ts[i]))
            out->same_second++;
    gg_free(ts);

    /* shared hashtags: used by at least half of the members, most used
     * first (selection of the top GG_COORD_MAX_TAGS; ties keep first use) */
    int taken[64] = {0};
    while (out->n_tags < GG_COORD_MAX_TAGS) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < r->ntags; i++)
            if (!taken[i] && r->tags[i].count * 2 >= r->n_tagged &&
                (best == SIZE_MAX || r->tags[i].count > r->tags[best].count))
                best = i;
        if (best == SIZE_MAX)
            break;
        taken[best] = 1;
        out->tags[out->n_tags++] = r->tags[best].tag;
    }
    return 0;
}

int64_t gg_coord_members(const gg_coord *c, int64_t group, int64_t *ids, size_t max)
{
    if (group < 1 || (size_t)group > c->ngroups)
        return GG_ENOTFOUND;
    const run *r = &c->runs[c->groups[group - 1]];
    for (size_t i = 0; i < r->n && i < max; i++)
        ids[i] = r->ids[i];
    return (int64_t)r->n;
}

static int cmp_use(const void *a, const void *b)
{
    const tag_use *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

/* Busiest window of one series: two pointers over the uses sorted by time,
 * distinct authors counted in a small open-addressing multiset. */
static void series_peak(const gg_coord *c, const tag_series *ts, gg_coord_burst *b)
{
    tag_use *v = gg_malloc(ts->n * sizeof *v);
    memcpy(v, ts->v, ts->n * sizeof *v);
    qsort(v, ts->n, sizeof *v, cmp_use);
    size_t slots = 16;
    while (slots < ts->n * 2)
        slots *= 2;
    uint64_t *key = gg_calloc(slots, sizeof *key);
    uint32_t *cnt = gg_calloc(slots, sizeof *cnt);
    size_t distinct = 0, total_distinct = 0, new_in = 0, lo = 0;
    memset(b, 0, sizeof *b);
    b->tag = ts->tag;
    b->uses = ts->n;
    for (size_t hi = 0; hi < ts->n; hi++) {
        uint64_t h = v[hi].author ? v[hi].author : 1;
        size_t s = (size_t)h & (slots - 1);
        while (key[s] && key[s] != h)
            s = (s + 1) & (slots - 1);
        if (!key[s]) {
            key[s] = h;
            total_distinct++;
        }
        distinct += cnt[s]++ == 0;
        new_in += v[hi].new_account;
        while (v[hi].t - v[lo].t >= c->burst_window) {
            uint64_t g = v[lo].author ? v[lo].author : 1;
            size_t r = (size_t)g & (slots - 1);
            while (key[r] != g)
                r = (r + 1) & (slots - 1);
            distinct -= --cnt[r] == 0;
            new_in -= v[lo].new_account;
            lo++;
        }
        if (distinct > b->peak_authors) {
            b->peak_authors = distinct;
            b->peak_start = v[lo].t;
            b->peak_new_accounts = new_in;
        }
    }
    b->authors = total_distinct;
    /* mean distinct authors per window over the whole stream: a tag that
     * appears from nowhere in one hour of a week has a high ratio, a tag
     * used steadily all week a low one */
    double span = (double)(c->t_max - c->t_min) + (double)c->burst_window;
    double windows = span / (double)c->burst_window;
    /* uses per window bounds the distinct authors per window from above */
    double mean = windows > 1 ? (double)ts->n / windows : (double)total_distinct;
    b->ratio = mean > 0 ? (double)b->peak_authors / mean : 0;
    gg_free(v);
    gg_free(key);
    gg_free(cnt);
}

static int cmp_burst(const void *a, const void *b)
{
    const gg_coord_burst *x = a, *y = b;
    return (x->peak_authors < y->peak_authors) - (x->peak_authors > y->peak_authors);
}

int gg_coord_bursts(const gg_coord *c, gg_coord_burst *out, int max)
{
    gg_coord_burst *all = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < c->nseries; i++) {
        const tag_series *ts = &c->series[i];
        if (ts->n < (size_t)c->burst_authors)
            continue; /* cannot have enough authors */
        gg_coord_burst b;
        series_peak(c, ts, &b);
        if (b.peak_authors < (size_t)c->burst_authors || b.ratio < c->burst_ratio)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            all = gg_realloc(all, cap * sizeof *all);
        }
        all[n++] = b;
    }
    if (n)
        qsort(all, n, sizeof *all, cmp_burst);
    for (size_t i = 0; i < n && (int)i < max; i++)
        out[i] = all[i];
    gg_free(all);
    return (int)n;
}
