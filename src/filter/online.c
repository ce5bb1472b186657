/*
 * online.c — the filter as the server runs it (filter layer). Stateless
 * stages (models, gazetteer) run on the caller's thread with a per-thread
 * scratch; the near-duplicate index and the coordination detector are per
 * campaign behind one read-write lock (queries share it, additions take it
 * alone). Group ids are the id of the group's earliest post, so they are
 * unique across campaigns and stable across restarts.
 */
#include "filter/online.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/json.h"
#include "core/log.h"
#include "filter/coord.h"
#include "filter/dedup.h"
#include "filter/filter.h"
#include "text/gazetteer.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* A group whose members were all reported already. */
typedef struct announced {
    int64_t group;           /* the detector's number */
    int64_t id;              /* its public id (earliest post) */
    size_t seen, reported;   /* members now; members when the evidence was last sent */
} announced;

typedef struct camp {
    int64_t id;
    gg_dedup *dedup;
    gg_coord *coord;
    announced *announced;
    size_t nann, aann;
} camp;

struct gg_online {
    gg_filter *filter; /* NULL: no model found */
    gg_geo *geo;       /* NULL: no gazetteer */
    gg_dedup *proto;   /* an empty index with the campaigns' options: signatures
                          are computed from it before the write lock is taken */
    pthread_rwlock_t lock;
    camp *camps;
    int ncamps, acamps;
};

/* Each thread's scratch lives until the thread ends (the key's destructor
 * frees it). */
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p)
{
    gg_filter_scratch_dispose(p);
    free(p);
}

static void scratch_key_make(void)
{
    pthread_key_create(&scratch_key, scratch_free);
}

static gg_filter_scratch *thread_scratch(void)
{
    pthread_once(&scratch_once, scratch_key_make);
    gg_filter_scratch *s = pthread_getspecific(scratch_key);
    if (s == NULL) {
        s = gg_malloc(sizeof(*s));
        gg_filter_scratch_init(s);
        pthread_setspecific(scratch_key, s);
    }
    return s;
}

int gg_online_open(gg_online **out, const char *data_dir)
{
    gg_online *o = gg_calloc(1, sizeof(*o));
    char models[600], lex[600];
    const char *dir = data_dir ? data_dir : "data";
    snprintf(models, sizeof(models), "%s/models", dir);
    snprintf(lex, sizeof(lex), "%s/lexicon/topics.tsv", dir);
    int rc = gg_filter_open(&o->filter, models, lex);
    if (rc == GG_ENOTFOUND) {
        o->filter = NULL;
        gg_log(GG_LOG_WARN, "no filter models; scores are off until `gagas train` has run",
               "\"dir\":\"%s\"", models);
    } else if (rc != 0) {
        gg_log(GG_LOG_ERROR, "filter models are corrupt", "\"dir\":\"%s\"", models);
        free(o);
        return rc;
    }
    if (gg_geo_open(&o->geo, dir) != 0) {
        o->geo = NULL;
        gg_log(GG_LOG_WARN, "no gazetteer; regions are off", "\"dir\":\"%s\"", dir);
    }
    o->proto = gg_dedup_new(NULL);
    pthread_rwlock_init(&o->lock, NULL);
    *out = o;
    return 0;
}

void gg_online_close(gg_online *o)
{
    if (o == NULL)
        return;
    for (int i = 0; i < o->ncamps; i++) {
        gg_dedup_free(o->camps[i].dedup);
        gg_coord_free(o->camps[i].coord);
        free(o->camps[i].announced);
    }
    free(o->camps);
    gg_filter_close(o->filter);
    gg_geo_close(o->geo);
    gg_dedup_free(o->proto);
    pthread_rwlock_destroy(&o->lock);
    free(o);
}

int gg_online_has_models(const gg_online *o)
{
    return o->filter != NULL;
}

void gg_online_policy_parse(gg_online_policy *p, json_t *policy)
{
    p->spam_reject = 0.92;
    p->abuse_reject = 0.97;
    p->merge_duplicates = 1;
    json_t *v;
    if (json_is_number(v = json_object_get(policy, "spam_reject")))
        p->spam_reject = json_number_value(v);
    if (json_is_number(v = json_object_get(policy, "abuse_reject")))
        p->abuse_reject = json_number_value(v);
    if (json_is_boolean(v = json_object_get(policy, "merge_duplicates")))
        p->merge_duplicates = json_is_true(v);
}

/* The campaign's state; created on first use (write lock held). */
static camp *camp_get(gg_online *o, int64_t id, int create)
{
    for (int i = 0; i < o->ncamps; i++)
        if (o->camps[i].id == id)
            return &o->camps[i];
    if (!create)
        return NULL;
    if (o->ncamps == o->acamps) {
        o->acamps = o->acamps ? o->acamps * 2 : 8;
        o->camps = gg_realloc(o->camps, (size_t)o->acamps * sizeof(*o->camps));
    }
    camp *c = &o->camps[o->ncamps++];
    c->id = id;
    c->dedup = gg_dedup_new(NULL);
    c->coord = gg_coord_new(NULL);
    c->announced = NULL;
    c->nann = c->aann = 0;
    return c;
}

static json_t *num(double v)
{
    return json_real(round(v * 1000.0) / 1000.0);
}

/* Labels of the models, in the shape `gagas classify` prints. */
static void add_model_labels(json_t *l, const gg_filter_result *r)
{
    json_object_set_new(l, "lang", json_string(r->lang >= 0 ? gg_filter_langs[r->lang] : "und"));
    json_object_set_new(l, "lang_score", num(r->lang_p));
    json_t *topics = json_array();
    for (int t = 0; t < GG_FILTER_NTOPIC; t++)
        if (r->topic_on & (1u << t))
            json_array_append_new(topics, json_pack("{s:s,s:o}", "topic", gg_filter_topics[t],
                                                    "score", num(r->topic[t])));
    json_object_set_new(l, "topics", topics);
    json_object_set_new(l, "kind", r->kind >= 0 ? json_string(gg_filter_kinds[r->kind])
                                                : json_null());
    json_object_set_new(l, "kind_score", num(r->kind >= 0 ? r->kind_p[r->kind] : 0));
    json_object_set_new(l, "constructive", num(r->constructive));
    json_object_set_new(l, "abusive", num(r->abusive));
    json_object_set_new(l, "hate", num(r->hate));
    json_t *cats = json_array();
    const char *target = NULL;
    if (r->hate >= 0.5) {
        target = r->hatex[0] >= r->hatex[1] ? gg_filter_hatex[0] : gg_filter_hatex[1];
        for (int k = 2; k < GG_FILTER_NHATEX; k++)
            if (r->hatex[k] >= 0.5)
                json_array_append_new(cats, json_pack("{s:s,s:o}", "category", gg_filter_hatex[k],
                                                      "score", num(r->hatex[k])));
    }
    json_object_set_new(l, "hate_target", target ? json_string(target) : json_null());
    json_object_set_new(l, "hate_categories", cats);
    json_object_set_new(l, "spam", num(r->spam));
    json_object_set_new(l, "sentiment",
                        r->sentiment >= 0
                            ? json_pack("{s:s,s:o}", "label", gg_filter_sentiments[r->sentiment],
                                        "score", num(r->sent_p[r->sentiment]))
                            : json_null());
}

int gg_online_judge(gg_online *o, const gg_online_in *in, gg_online_verdict *out)
{
    gg_online_policy defaults;
    const gg_online_policy *p = in->policy;
    if (p == NULL) {
        gg_online_policy_parse(&defaults, NULL);
        p = &defaults;
    }
    memset(out, 0, sizeof(*out));
    json_t *l = json_object();
    json_t *rules = json_array();
    gg_filter_result r;
    int scored = 0;
    if (o->filter) {
        gg_filter_classify(o->filter, thread_scratch(), in->text, in->text_len, &r);
        add_model_labels(l, &r);
        scored = 1;
    }
    if (o->geo) {
        gg_geo_match m[16];
        int n = gg_geo_find(o->geo, in->text, in->text_len, m, 16);
        json_t *regions = json_array();
        for (int i = 0; i < n && i < 16; i++)
            json_array_append_new(regions, gg_geo_match_json(&m[i], in->text));
        json_object_set_new(l, "region", regions);
    }
    /* near-duplicate among the campaign's earlier posts */
    double sim = 0;
    int64_t dup = -1;
    pthread_rwlock_rdlock(&o->lock);
    camp *c = camp_get(o, in->campaign_id, 0);
    int64_t known_group = 0;
    if (c)
        dup = gg_dedup_query(c->dedup, in->norm, in->norm_len, &sim);
    if (c && dup > 0) {
        /* a copy of a post already in a coordinated group joins it now */
        int64_t g = gg_coord_group_of(c->coord, dup);
        for (size_t k = 0; g > 0 && k < c->nann; k++)
            if (c->announced[k].group == g)
                known_group = c->announced[k].id;
    }
    pthread_rwlock_unlock(&o->lock);
    out->group_id = known_group;
    out->dup_of = dup > 0 ? dup : 0;
    json_object_set_new(l, "dup_of", dup > 0 ? json_integer(dup) : json_null());
    if (dup > 0)
        json_object_set_new(l, "dup_similarity", num(sim));
    json_object_set_new(l, "coordinated",
                        out->group_id > 0 ? json_integer(out->group_id) : json_null());

    /* route: the first rule that fires decides; each records its evidence */
    out->state = "queued";
    out->reason = NULL;
    if (scored && r.spam >= p->spam_reject) {
        out->state = "rejected";
        out->reason = "spam";
        json_array_append_new(rules, json_pack("{s:s,s:o,s:o}", "rule", "spam_reject", "score",
                                               num(r.spam), "threshold", num(p->spam_reject)));
    } else if (scored && (r.abusive >= p->abuse_reject || r.hate >= p->abuse_reject) &&
               r.constructive < 0.5) {
        out->state = "rejected";
        out->reason = "kasar";
        json_array_append_new(rules, json_pack("{s:s,s:o,s:o,s:o}", "rule", "abuse_reject",
                                               "abusive", num(r.abusive), "hate", num(r.hate),
                                               "threshold", num(p->abuse_reject)));
    }
    if (dup > 0)
        json_array_append_new(rules, json_pack("{s:s,s:I,s:o}", "rule", "near_duplicate", "of",
                                               (json_int_t)dup, "similarity", num(sim)));
    /* priority: constructive posts first, then what the model is least sure
     * of (reviewing those teaches it most), then what is new */
    double pr = 0.5;
    if (scored) {
        double uncertain = 1.0 - fabs(r.constructive - 0.5) * 2.0;
        pr = 0.55 * r.constructive + 0.25 * uncertain + 0.20 * (dup > 0 ? 0.0 : 1.0);
    } else {
        pr = dup > 0 ? 0.3 : 0.5;
    }
    out->priority = round(pr * 1000.0) / 1000.0;
    json_object_set_new(l, "route", json_pack("{s:s,s:s?,s:o,s:o,s:b}", "decision",
                                              strcmp(out->state, "rejected") == 0 ? "reject"
                                                                                    : "queue",
                                              "reason", out->reason, "priority",
                                              num(out->priority), "rules", rules, "models",
                                              scored));
    out->labels_json = gg_json_compact(l); /* = json_dumps(COMPACT, REAL_PRECISION(6)) */
    out->labels = l;
    return 0;
}

void gg_online_verdict_dispose(gg_online_verdict *v)
{
    free(v->labels_json);
    v->labels_json = NULL;
    json_decref(v->labels);
    v->labels = NULL;
}

static int count_words(const char *s, size_t n)
{
    int w = 0, in = 0;
    for (size_t i = 0; i < n; i++) {
        int sp = s[i] == ' ' || s[i] == '\n' || s[i] == '\t';
        if (!sp && !in)
            w++;
        in = !sp;
    }
    return w;
}

void gg_online_after(gg_online *o, int64_t campaign_id, int64_t id, const char *norm,
                     size_t norm_len, const char *author_key, int64_t created_at,
                     int64_t stored_group, gg_online_group *grp)
{
    memset(grp, 0, sizeof(*grp));
    /* the signature needs no lock; only adding it does (every campaign's
     * index has the options of proto) */
    uint32_t sig[128];
    uint64_t exact;
    int kind = gg_dedup_hashes(o->proto) <= 128
                   ? gg_dedup_sign(o->proto, norm, norm_len, sig, &exact)
                   : -1;
    pthread_rwlock_wrlock(&o->lock);
    camp *c = camp_get(o, campaign_id, 1);
    double sim;
    int64_t cluster = kind >= 0 ? gg_dedup_add_signed(c->dedup, id, kind, sig, exact, &sim)
                                : gg_dedup_add(c->dedup, id, norm, norm_len, &sim);
    gg_coord_obs obs = {
        .id = id,
        .author = author_key,
        .author_len = author_key ? strlen(author_key) : 0,
        .created_at = created_at > 0 ? created_at : GG_COORD_NOTIME,
        .cluster = cluster > 0 ? cluster : id,
        .n_words = count_words(norm, norm_len),
    };
    int64_t g = gg_coord_observe(c->coord, &obs);
    if (g <= 0)
        goto done;
    /* A new group reports every member with its evidence. A known one
     * reports only the newcomer, and recomputes the evidence (which sorts
     * the members' times) only when its size doubles: a campaign of
     * thousands of copies must not cost the writer thread O(n log n) per
     * post. */
    size_t slot = c->nann;
    for (size_t k = 0; k < c->nann; k++)
        if (c->announced[k].group == g)
            slot = k;
    int known = slot < c->nann;
    if (known) {
        c->announced[slot].seen++;
        grp->members = gg_malloc(sizeof(int64_t));
        grp->members[0] = id;
        /* stored with its group already: nothing to flag, maybe evidence */
        grp->n = stored_group == c->announced[slot].id ? 0 : 1;
        grp->group = c->announced[slot].id;
        if (c->announced[slot].seen < 2 * c->announced[slot].reported) {
            if (grp->n == 0)
                grp->group = 0; /* nothing to do at all */
            goto done; /* membership only; evidence unchanged */
        }
        c->announced[slot].reported = c->announced[slot].seen;
    }
    gg_coord_group info;
    if (gg_coord_group_get(c->coord, g, &info) != 0)
        goto done;
    if (!known) {
        size_t n = info.members;
        grp->members = gg_malloc((n ? n : 1) * sizeof(int64_t));
        grp->n = (size_t)gg_coord_members(c->coord, g, grp->members, n);
        grp->group = info.cluster > 0 ? info.cluster : (grp->n ? grp->members[0] : id);
        if (c->nann == c->aann) {
            c->aann = c->aann ? c->aann * 2 : 16;
            c->announced = gg_realloc(c->announced, c->aann * sizeof(*c->announced));
        }
        c->announced[c->nann++] = (announced){g, grp->group, info.members, info.members};
    }
    json_t *tags = json_array();
    for (size_t k = 0; k < info.n_tags; k++)
        json_array_append_new(tags, json_string(info.tags[k]));
    json_t *ev = json_pack("{s:I,s:I,s:I,s:I,s:I,s:o}", "group", (json_int_t)grp->group,
                           "members", (json_int_t)info.members, "authors",
                           (json_int_t)info.authors, "same_second",
                           (json_int_t)info.same_second, "new_accounts",
                           (json_int_t)info.new_accounts, "hashtags", tags);
    if (info.first_at != GG_COORD_NOTIME) {
        json_object_set_new(ev, "first_at", json_integer(info.first_at));
        json_object_set_new(ev, "last_at", json_integer(info.last_at));
    }
    grp->evidence_json = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);
done:
    pthread_rwlock_unlock(&o->lock);
}

void gg_online_group_dispose(gg_online_group *g)
{
    free(g->members);
    free(g->evidence_json);
    memset(g, 0, sizeof(*g));
}
