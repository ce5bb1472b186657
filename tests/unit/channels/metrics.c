/*
 * metrics.c — tests for src/channels/metrics.c: the read of a post's
 * reach and engagement per platform, and its answer under common names.
 */
#include "fixture.h"

#include "channels/client.h"

static json_t *counts_of(const char *channel, const char *body, int want)
{
    json_t *c = NULL;
    cr_assert_eq(gg_channels_decode_metrics(channel, body, strlen(body), &c), want, "%s", body);
    return c;
}

Test(metrics, requests_per_platform)
{
    gg_channel_request r;
    cr_assert_eq(gg_channels_build_metrics(&r, "x", "1991830000000000042", NULL), 0);
    cr_assert_str_eq(r.path, "/2/tweets/1991830000000000042?tweet.fields=public_metrics"
                             "&expansions=attachments.poll_ids&poll.fields=options");
    cr_assert_str_eq(r.host, "api.x.com");
    gg_channels_request_dispose(&r);
    cr_assert_eq(gg_channels_build_metrics(&r, "facebook", "104_55", "v23.0"), 0);
    cr_assert(strncmp(r.path, "/v23.0/104_55/insights?metric=post_impressions,", 47) == 0, "%s",
              r.path);
    gg_channels_request_dispose(&r);
    cr_assert_eq(gg_channels_build_metrics(&r, "instagram", "17900", NULL), 0);
    cr_assert_str_eq(r.host, "graph.instagram.com");
    gg_channels_request_dispose(&r);
    cr_assert_eq(gg_channels_build_metrics(&r, "mastodon", "115612345678901234", NULL), 0);
    cr_assert_null(r.host, "the instance from the base URL map");
    cr_assert_str_eq(r.path, "/api/v1/statuses/115612345678901234");
    gg_channels_request_dispose(&r);
    cr_assert_eq(gg_channels_build_metrics(&r, "telegram", "-100:5", NULL), GG_ENOTFOUND);
    cr_assert_eq(gg_channels_build_metrics(&r, "x", "1/../../2/users", NULL), GG_EINVAL,
                 "an id is one path segment");
    cr_assert_eq(gg_channels_build_metrics(&r, "x", "", NULL), GG_EINVAL);
}

Test(metrics, answers_under_common_names)
{
    json_t *c = counts_of("x",
                          "{\"data\":{\"id\":\"1\",\"public_metrics\":{\"retweet_count\":2,"
                          "\"reply_count\":3,\"like_count\":40,\"quote_count\":1,"
                          "\"bookmark_count\":5,\"impression_count\":900}}}",
                          0);
    cr_assert_eq(json_integer_value(json_object_get(c, "likes")), 40);
    cr_assert_eq(json_integer_value(json_object_get(c, "reposts")), 2);
    cr_assert_eq(json_integer_value(json_object_get(c, "impressions")), 900);
    cr_assert_eq(json_object_size(c), 6);
    json_decref(c);
    c = counts_of("facebook",
                  "{\"data\":[{\"name\":\"post_impressions\",\"values\":[{\"value\":120}]},"
                  "{\"name\":\"post_reactions_by_type_total\",\"values\":[{\"value\":"
                  "{\"like\":7,\"love\":2}}]},{\"name\":\"unknown_metric\",\"values\":[{\"value\":1}]}]}",
                  0);
    cr_assert_eq(json_integer_value(json_object_get(c, "impressions")), 120);
    cr_assert_eq(json_integer_value(json_object_get(c, "likes")), 9, "reactions summed");
    cr_assert_eq(json_object_size(c), 2);
    json_decref(c);
    c = counts_of("instagram",
                  "{\"data\":[{\"name\":\"reach\",\"total_value\":{\"value\":55}},"
                  "{\"name\":\"saved\",\"values\":[{\"value\":4}]}]}",
                  0);
    cr_assert_eq(json_integer_value(json_object_get(c, "reach")), 55);
    cr_assert_eq(json_integer_value(json_object_get(c, "saves")), 4);
    json_decref(c);
    c = counts_of("mastodon",
                  "{\"id\":\"9\",\"replies_count\":1,\"reblogs_count\":2,\"favourites_count\":3}", 0);
    cr_assert_eq(json_integer_value(json_object_get(c, "likes")), 3);
    json_decref(c);
    /* polls: X lists options with a 1-based position (in any order),
     * Mastodon in order, with votes_count null while hidden */
    c = counts_of("x",
                  "{\"data\":{\"id\":\"7\",\"public_metrics\":{\"like_count\":1}},"
                  "\"includes\":{\"polls\":[{\"id\":\"p\",\"options\":["
                  "{\"position\":2,\"label\":\"b\",\"votes\":5},"
                  "{\"position\":1,\"label\":\"a\",\"votes\":3},"
                  "{\"position\":3,\"label\":\"c\",\"votes\":0}]}]}}",
                  0);
    json_t *p = json_object_get(c, "poll");
    cr_assert_eq(json_array_size(p), 3);
    cr_assert_eq(json_integer_value(json_array_get(p, 0)), 3);
    cr_assert_eq(json_integer_value(json_array_get(p, 1)), 5);
    cr_assert_eq(json_integer_value(json_array_get(p, 2)), 0);
    json_decref(c);
    c = counts_of("mastodon",
                  "{\"id\":\"9\",\"replies_count\":0,\"poll\":{\"id\":\"34\",\"voters_count\":6,"
                  "\"options\":[{\"title\":\"a\",\"votes_count\":4},{\"title\":\"b\","
                  "\"votes_count\":null},{\"title\":\"c\",\"votes_count\":3}]}}",
                  0);
    p = json_object_get(c, "poll");
    cr_assert_eq(json_array_size(p), 3);
    cr_assert_eq(json_integer_value(json_array_get(p, 0)), 4);
    cr_assert_eq(json_integer_value(json_array_get(p, 1)), 0, "a hidden count is none");
    cr_assert_eq(json_integer_value(json_array_get(p, 2)), 3);
    cr_assert_eq(json_integer_value(json_object_get(c, "poll_voters")), 6);
    json_decref(c);
    /* error answers and cut bodies are not counts of zero */
    cr_assert_null(counts_of("x", "{\"errors\":[{\"title\":\"Not Found Error\"}]}", GG_EINVAL));
    cr_assert_null(counts_of("facebook", "{\"error\":{\"code\":100}}", GG_EINVAL));
    cr_assert_null(counts_of("facebook", "{\"data\":[]}", GG_EINVAL));
    cr_assert_null(counts_of("mastodon", "{\"error\":\"Record not found\"}", GG_EINVAL));
    cr_assert_null(counts_of("x", "{\"data\":{\"public_metrics\":{", GG_EINVAL));
}
