/*
 * insight_facts.c — a new submission's insight_facts row, built in C
 * (store layer, issues 2 and 6). The row is what the filter's labels_json
 * says about the post: language, kind, sentiment, topics, main region and
 * its dapil. The trigger insight_sub_ins (migration 4) extracted these with
 * json_each and json_extract on every INSERT; in SQLite 3.40 that parsed
 * the labels several times and cost the single writer about as much as the
 * rest of the submission's write together. Here the labels are parsed
 * once, by jansson, when the job is made (on the caller's thread), and the
 * writer only binds the values.
 *
 * Since migration 15 the trigger runs only when no facts row exists for the
 * new id, so a writer that inserts submissions by SQL alone (the sqlite3
 * shell, data generators) still gets its rows from it. The two paths must
 * agree value for value; tests/unit/store/insight_facts.c holds them to it.
 */
#include "store/sqlite_int.h"
#include "core/alloc.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* s without its dots ("32.01" -> "3201"), at most n bytes of it, into
 * out; 0 when it does not fit */
static int undot(char *out, size_t cap, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; s[i] && i < n; i++)
        if (s[i] != '.') {
            if (k + 1 >= cap)
                return 0;
            out[k++] = s[i];
        }
    out[k] = '\0';
    return 1;
}

/* 0 when s does not fit: the caller leaves the row to the trigger */
static int copy(char *out, size_t cap, const char *s)
{
    return snprintf(out, cap, "%s", s ? s : "") < (int)cap;
}

/* a JSON string as SQLite's json_group_array writes it */
static void append_quoted(gg_facts *f, size_t *k, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    char *o = f->topics_json;
    size_t cap = sizeof(f->topics_json);
    size_t need = strlen(s) * 6 + 4;
    if (*k + need >= cap) {
        f->ok = 0; /* more topics than a post has: the trigger writes this row */
        return;
    }
    o[(*k)++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            o[(*k)++] = '\\';
            o[(*k)++] = (char)*p;
        } else if (*p < 0x20) {
            const char *esc = *p == '\b'   ? "b"
                              : *p == '\f' ? "f"
                              : *p == '\n' ? "n"
                              : *p == '\r' ? "r"
                              : *p == '\t' ? "t"
                                           : NULL;
            o[(*k)++] = '\\';
            if (esc)
                o[(*k)++] = *esc;
            else {
                memcpy(o + *k, "u00", 3);
                *k += 3;
                o[(*k)++] = hex[*p >> 4];
                o[(*k)++] = hex[*p & 15];
            }
        } else
            o[(*k)++] = (char)*p;
    }
    o[(*k)++] = '"';
}

static void topics_of(gg_facts *f, const json_t *topics)
{
    const char *seen[32];
    int nseen = 0;
    size_t k = 0;
    f->topics_json[k++] = '[';
    size_t i;
    json_t *v;
    json_array_foreach(topics, i, v)
    {
        const char *t = json_is_object(v) ? json_string_value(json_object_get(v, "topic"))
                                          : json_string_value(v);
        if (t == NULL || *t == '\0')
            continue;
        int dup = 0;
        for (int j = 0; j < nseen && !dup; j++)
            dup = strcmp(seen[j], t) == 0;
        if (dup)
            continue;
        if (nseen == (int)(sizeof(seen) / sizeof(seen[0]))) {
            f->ok = 0;
            return;
        }
        seen[nseen++] = t;
        if (k > 1)
            f->topics_json[k++] = ',';
        append_quoted(f, &k, t);
    }
    f->topics_json[k++] = ']';
    f->topics_json[k] = '\0';
}

/* The main region: the first mention that names a kab/kota, else the first
 * that names a province (a mention with a kabkota key of any type sorts
 * first, as json_type(...) IS NULL does in the trigger). */
static void region_of(gg_facts *f, const json_t *region)
{
    json_t *best = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(region, i, v)
    {
        if (!json_is_object(v))
            continue;
        json_t *kk = json_object_get(v, "kabkota");
        if (!json_is_string(kk) && !json_is_string(json_object_get(v, "province")))
            continue;
        if (kk != NULL) {
            best = v;
            break;
        }
        if (best == NULL)
            best = v;
    }
    if (best == NULL)
        return;
    const char *kab = json_string_value(json_object_get(best, "kabkota"));
    const char *prov = json_string_value(json_object_get(best, "province"));
    int fit = 1;
    if (kab)
        fit = undot(f->regency, sizeof(f->regency), kab, (size_t)-1) &&
              undot(f->province, sizeof(f->province), f->regency, 2);
    else if (prov)
        fit = undot(f->province, sizeof(f->province), prov, (size_t)-1);
    json_t *d = json_object_get(best, "dapil");
    if (json_is_string(d))
        fit &= copy(f->dapil, sizeof(f->dapil), json_string_value(d));
    else if (json_is_integer(d))
        snprintf(f->dapil, sizeof(f->dapil), "%lld", (long long)json_integer_value(d));
    else if (d != NULL && !json_is_null(d))
        fit = 0; /* a dapil of another type: as the trigger reads it */
    if (!fit)
        f->ok = 0;
}

static void facts_init(gg_facts *f)
{
    memset(f, 0, sizeof(*f));
    strcpy(f->topics_json, "[]");
    f->ok = 1; /* labels that are not a JSON object count as unlabelled */
}

static void facts_read(const json_t *l, gg_facts *f)
{
    if (!json_is_object(l))
        return;
    json_t *s = json_object_get(l, "sentiment");
    f->ok = copy(f->lang, sizeof(f->lang), json_string_value(json_object_get(l, "lang"))) &&
            copy(f->kind, sizeof(f->kind), json_string_value(json_object_get(l, "kind"))) &&
            copy(f->sentiment, sizeof(f->sentiment),
                 json_is_object(s) ? json_string_value(json_object_get(s, "label"))
                                   : json_string_value(s));
    json_t *t = json_object_get(l, "topics");
    if (f->ok && json_is_array(t))
        topics_of(f, t);
    json_t *r = json_object_get(l, "region");
    if (f->ok && json_is_array(r))
        region_of(f, r);
}

void gg_store__facts_of(const char *labels_json, gg_facts *f)
{
    facts_init(f);
    if (labels_json == NULL || *labels_json == '\0')
        return;
    json_t *l = json_loads(labels_json, JSON_DECODE_ANY, NULL);
    if (l == NULL)
        f->ok = 0; /* jansson and SQLite may judge odd JSON apart: the trigger decides */
    facts_read(l, f);
    json_decref(l);
}

void gg_store__facts_of_json(const json_t *labels, const char *labels_json, gg_facts *f)
{
    if (labels == NULL) {
        gg_store__facts_of(labels_json, f);
        return;
    }
    facts_init(f);
    facts_read(labels, f);
}

int gg_store__facts_insert(gg_conn *c, int64_t id, const gg_submission_in *in, const gg_facts *f)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO insight_facts(submission_id,campaign_id,day,channel,state,auto,reason,"
           "lang,kind,sentiment,topics_json,province,regency,dapil,coord,root,review_secs)"
           " VALUES(?1,?2,coalesce(CAST(julianday(?3)-2440587.5 AS INTEGER),"
           "CAST(julianday('now')-2440587.5 AS INTEGER)),?4,?5,?5 IN ('rejected','merged'),"
           "coalesce(?6,''),?7,?8,?9,?10,?11,?12,?13,?14,"
           "CASE WHEN ?15 IS NULL THEN 0 ELSE coalesce((SELECT nullif(root,0) FROM insight_facts"
           " WHERE submission_id=?15),?15) END,NULL)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, in->campaign_id);
    gg_store__bind_text(st, 3, in->created_at);
    gg_store__bind_text(st, 4, in->channel);
    gg_store__bind_text(st, 5, in->state);
    gg_store__bind_text(st, 6, in->reason);
    gg_store__bind_text(st, 7, f->lang);
    gg_store__bind_text(st, 8, f->kind);
    gg_store__bind_text(st, 9, f->sentiment);
    gg_store__bind_text(st, 10, f->topics_json);
    gg_store__bind_text(st, 11, f->province);
    gg_store__bind_text(st, 12, f->regency);
    gg_store__bind_text(st, 13, f->dapil);
    sqlite3_bind_int64(st, 14, in->group_id > 0 ? in->group_id : 0);
    if (in->dup_of > 0)
        sqlite3_bind_int64(st, 15, in->dup_of);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "facts insert");
    sqlite3_reset(st);
    return rc;
}
