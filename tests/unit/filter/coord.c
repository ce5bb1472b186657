/*
 * tests/unit/filter/coord.c — coordinated-campaign detector: the k-th author
 * turns a run into a group (earlier members included), one author repeating
 * is no campaign, time windows split runs, evidence (tags, timing, new
 * accounts), and dedup + coord on aspirasi-dev (pairwise precision/recall).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "core/err.h"
#include "filter/coord.h"
#include "filter/dedup.h"
#include "unit/filter/devset.h"

static int64_t obs(gg_coord *c, int64_t id, const char *author, int64_t t, int64_t cluster)
{
    gg_coord_obs o = {.id = id, .author = author, .author_len = author ? strlen(author) : 0,
                      .created_at = t, .cluster = cluster};
    return gg_coord_observe(c, &o);
}

Test(coord, third_author_makes_group_for_all)
{
    gg_coord *c = gg_coord_new(NULL);
    cr_assert_eq(obs(c, 1, "a", 1000, 1), 0);
    cr_assert_eq(obs(c, 2, "b", 1100, 1), 0);
    cr_assert_eq(obs(c, 3, "x", 1150, 3), 0); /* another cluster */
    int64_t g = obs(c, 4, "c", 1200, 1);
    cr_assert_gt(g, 0);
    cr_assert_eq(obs(c, 5, "d", 1300, 1), g);
    cr_assert_eq(gg_coord_group_of(c, 1), g);
    cr_assert_eq(gg_coord_group_of(c, 2), g);
    cr_assert_eq(gg_coord_group_of(c, 3), 0);
    cr_assert_eq(gg_coord_group_of(c, 99), 0);
    cr_assert_eq(gg_coord_count(c), 1);
    int64_t ids[8];
    cr_assert_eq(gg_coord_members(c, g, ids, 8), 4);
    cr_assert_eq(ids[0], 1);
    cr_assert_eq(ids[3], 5);
    gg_coord_group grp;
    cr_assert_eq(gg_coord_group_get(c, g, &grp), 0);
    cr_assert_eq(grp.members, 4);
    cr_assert_eq(grp.authors, 4);
    cr_assert_eq(grp.first_at, 1000);
    cr_assert_eq(grp.last_at, 1300);
    cr_assert_eq(grp.cluster, 1);
    cr_assert_eq(gg_coord_group_get(c, 2, &grp), GG_ENOTFOUND);
    /* an id seen before is refused */
    cr_assert_eq(obs(c, 4, "e", 1300, 1), GG_EINVAL);
    gg_coord_free(c);
}

Test(coord, one_author_repeating_is_not_a_campaign)
{
    gg_coord *c = gg_coord_new(NULL);
    for (int i = 0; i < 10; i++)
        cr_assert_eq(obs(c, i, "same", 1000 + i, 0), 0);
    cr_assert_eq(obs(c, 10, "other", 1000, 0), 0);
    cr_assert_eq(gg_coord_count(c), 0);
    gg_coord_free(c);
}

Test(coord, window_splits_runs)
{
    gg_coord_opts o = {.window = 3600, .min_authors = 3};
    gg_coord *c = gg_coord_new(&o);
    cr_assert_eq(obs(c, 1, "a", 0, 7), 0);
    cr_assert_eq(obs(c, 2, "b", 1800, 7), 0);
    /* a day later: a new run, the old one stays below k */
    cr_assert_eq(obs(c, 3, "c", 86400, 7), 0);
    cr_assert_eq(obs(c, 4, "d", 86400 + 60, 7), 0);
    int64_t g = obs(c, 5, "e", 86400 + 120, 7);
    cr_assert_gt(g, 0);
    cr_assert_eq(gg_coord_group_of(c, 1), 0);
    cr_assert_eq(gg_coord_group_of(c, 3), g);
    /* unknown time joins the current run */
    cr_assert_eq(obs(c, 6, "f", GG_COORD_NOTIME, 7), g);
    gg_coord_free(c);
}

Test(coord, evidence_tags_timing_new_accounts)
{
    gg_coord *c = gg_coord_new(NULL);
    const char *t1[] = {"pdamnaikairmati"};
    const char *t2[] = {"pdamnaikairmati", "bekasi"};
    const char *t3[] = {"pdamnaikairmati", "dprdbekasi"};
    const char *authors[] = {"a", "b", "c", "d"};
    const char *const *tags[] = {t1, t2, t3, t1};
    size_t ntags[] = {1, 2, 2, 1};
    int64_t t0 = 1700000000, times[] = {t0, t0, t0, t0 + 100};
    for (int i = 0; i < 4; i++) {
        gg_coord_obs o = {.id = 100 + i, .author = authors[i], .author_len = 1, .created_at = times[i],
                          .cluster = 100, .hashtags = tags[i], .n_hashtags = ntags[i],
                          .author_created_at = i < 2 ? t0 - 86400 : t0 - 400 * 86400};
        gg_coord_observe(c, &o);
    }
    gg_coord_group g;
    cr_assert_eq(gg_coord_group_get(c, 1, &g), 0);
    cr_assert_eq(g.same_second, 3);
    cr_assert_eq(g.new_accounts, 2);
    cr_assert_eq(g.n_tags, 1);
    cr_assert_str_eq(g.tags[0], "pdamnaikairmati");
    gg_coord_free(c);
}

Test(coord, unknown_authors_count_as_distinct)
{
    gg_coord *c = gg_coord_new(NULL);
    obs(c, 1, NULL, GG_COORD_NOTIME, 1);
    obs(c, 2, NULL, GG_COORD_NOTIME, 1);
    cr_assert_gt(obs(c, 3, NULL, GG_COORD_NOTIME, 1), 0);
    gg_coord_free(c);
}

Test(coord, chained_clusters_stay_one)
{
    gg_coord *c = gg_coord_new(NULL);
    /* 2 copies of post 1; post 4 is closest to copy 3, which dedup filed under 1 */
    obs(c, 1, "a", 100, 1);
    obs(c, 2, "b", 110, 1);
    obs(c, 3, "c", 120, 1);
    cr_assert_gt(gg_coord_group_of(c, 1), 0);
    cr_assert_eq(obs(c, 4, "d", 130, 3), gg_coord_group_of(c, 1));
    gg_coord_free(c);
}

Test(coord, short_posts_never_group)
{
    gg_coord *c = gg_coord_new(NULL);
    for (int i = 0; i < 10; i++) {
        char a[8];
        snprintf(a, sizeof a, "u%d", i);
        gg_coord_obs o = {.id = i, .author = a, .author_len = strlen(a), .created_at = 100 + i, .cluster = 0,
                          .n_words = 2}; /* "setuju pak" */
        cr_assert_eq(gg_coord_observe(c, &o), 0);
    }
    cr_assert_eq(gg_coord_count(c), 0);
    cr_assert_eq(gg_coord_group_of(c, 3), 0);
    gg_coord_free(c);
}

/* A week of steady #tolakkenaikan by many, and one hour in which 30 new
 * accounts push #gantiketua with different texts. */
Test(coord, hashtag_bursts)
{
    gg_coord *c = gg_coord_new(NULL);
    int64_t t0 = 1700000000, id = 0;
    const char *steady[] = {"tolakkenaikan"}, *push[] = {"gantiketua", "tolakkenaikan"};
    for (int h = 0; h < 7 * 24; h++)
        for (int k = 0; k < 5; k++) {
            char a[16];
            snprintf(a, sizeof a, "s%d", (h * 5 + k) % 400);
            gg_coord_obs o = {.id = id, .author = a, .author_len = strlen(a), .created_at = t0 + h * 3600 + k * 600,
                              .cluster = id, .hashtags = steady, .n_hashtags = 1};
            id++;
            gg_coord_observe(c, &o);
        }
    gg_coord_burst b[4];
    cr_assert_eq(gg_coord_bursts(c, b, 4), 0); /* steady use is no burst */
    for (int k = 0; k < 30; k++) {
        char a[16];
        snprintf(a, sizeof a, "b%d", k);
        gg_coord_obs o = {.id = id, .author = a, .author_len = strlen(a), .created_at = t0 + 50 * 3600 + k * 60,
                          .cluster = id, .hashtags = push, .n_hashtags = 2,
                          .author_created_at = t0 + 49 * 3600};
        id++;
        gg_coord_observe(c, &o);
    }
    /* both tags burst in that hour: the pushed one and the one it rode on */
    int n = gg_coord_bursts(c, b, 4);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(b[0].tag, "tolakkenaikan"); /* 5 steady + 30 pushed authors */
    cr_assert_eq(b[0].peak_authors, 35);
    cr_assert_str_eq(b[1].tag, "gantiketua");
    cr_assert_eq(b[1].peak_authors, 30);
    cr_assert_eq(b[1].peak_new_accounts, 30);
    cr_assert_eq(b[1].peak_start, t0 + 50 * 3600);
    cr_assert_gt(b[1].ratio, 100);
    cr_assert_eq(gg_coord_bursts(c, b, 1), 2); /* count beyond max */
    cr_assert_eq(gg_coord_count(c), 0); /* different texts: no text group */
    gg_coord_free(c);
}

/* dedup -> coord over aspirasi-dev, as `gagas classify` would run them: no
 * times (same window), no authors (each post its own author). */
Test(coord, devset_pairwise)
{
    devset ds;
    if (devset_load(&ds, "data/nlp/aspirasi-dev/dev.csv") != 0)
        cr_skip_test("aspirasi-dev not found (set GAGAS_SHARED)");
    int ct = devset_col(&ds, "text"), cg = devset_col(&ds, "coordinated_group");
    cr_assert(ct >= 0 && cg >= 0);
    gg_dedup *d = gg_dedup_new(NULL);
    gg_coord *c = gg_coord_new(NULL);
    for (int i = 1; i < ds.n; i++) {
        int64_t r = gg_dedup_add(d, i, ds.rows[i].col[ct], strlen(ds.rows[i].col[ct]), NULL);
        obs(c, i, NULL, GG_COORD_NOTIME, r >= 0 ? r : i);
    }
    long tp = 0, fp = 0, fn = 0;
    for (int i = 1; i < ds.n; i++)
        for (int j = i + 1; j < ds.n; j++) {
            int gold = *ds.rows[i].col[cg] && strcmp(ds.rows[i].col[cg], ds.rows[j].col[cg]) == 0;
            int64_t gi = gg_coord_group_of(c, i), gj = gg_coord_group_of(c, j);
            int pred = gi > 0 && gi == gj;
            tp += gold && pred;
            fp += !gold && pred;
            fn += gold && !pred;
        }
    double p = tp + fp ? (double)tp / (double)(tp + fp) : 0, r = tp + fn ? (double)tp / (double)(tp + fn) : 0;
    cr_log_info("coord on aspirasi-dev: groups=%zu pairs tp=%ld fp=%ld fn=%ld precision=%.3f recall=%.3f",
                gg_coord_count(c), tp, fp, fn, p, r);
    cr_assert_geq(p, 0.90);
    cr_assert_geq(r, 0.90);
    cr_assert_eq(gg_coord_count(c), 2);
    gg_coord_free(c);
    gg_dedup_free(d);
    devset_free(&ds);
}
