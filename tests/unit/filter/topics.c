/*
 * topics.c — unit tests of the topic decision rule (gg_filter_topic_set):
 * the per-column bar, the lower bar when the lexicon named the topic, the
 * best topic when none passes, no topic for spam, and at most
 * GG_FILTER_TOPIC_MAX topics, the most probable.
 */
#include "filter/filter.h"
#include "filter/model.h"
#include <criterion/criterion.h>

static gg_filter_model *topic_model(double bar)
{
    gg_filter_model *m = gg_filter_model_new("topics", 8, GG_FILTER_NTOPIC, 0, gg_filter_topics);
    for (int t = 0; t < GG_FILTER_NTOPIC; t++)
        m->thresh[t] = bar;
    return m;
}

Test(filter_topics, bars_lexicon_and_fallback)
{
    gg_filter_model *m = topic_model(0.8);
    float p[GG_FILTER_NTOPIC] = {0};
    p[0] = 0.7f; /* under the bar */
    p[3] = 0.3f; /* under the bar, but the lexicon named it */
    cr_assert_eq(gg_filter_topic_set(m, p, 1u << 3, 0), 1u << 3);
    /* none passes: the most probable one */
    cr_assert_eq(gg_filter_topic_set(m, p, 0, 0), 1u << 0);
    p[5] = 0.85f;
    cr_assert_eq(gg_filter_topic_set(m, p, 0, 0), 1u << 5);
    /* spam has no topic */
    cr_assert_eq(gg_filter_topic_set(m, p, 1u << 3, 1), 0u);
    gg_filter_model_free(m);
}

Test(filter_topics, at_most_the_most_probable)
{
    gg_filter_model *m = topic_model(0.5);
    float p[GG_FILTER_NTOPIC] = {0};
    p[1] = 0.9f;
    p[2] = 0.6f;
    p[4] = 0.95f;
    p[7] = 0.3f; /* lexicon bar */
    unsigned on = gg_filter_topic_set(m, p, 1u << 7, 0);
    cr_assert_eq(__builtin_popcount(on), GG_FILTER_TOPIC_MAX);
    cr_assert(on & (1u << 4));
    if (GG_FILTER_TOPIC_MAX == 2)
        cr_assert_eq(on, (1u << 4) | (1u << 1));
    gg_filter_model_free(m);
}
