/*
 * pull.c — tests for src/channels/pull.c: each pull request is spelled as
 * the API expects, and the cursors a decoder returns feed the next request
 * (X next_token with the same since_id, YouTube pageToken, Mastodon Link
 * URLs, Telegram offset, TikTok cursor).
 */
#include "fixture.h"

static char *build(const gg_pull_opts *o, gg_channel_request *r)
{
    cr_assert_eq(gg_channels_build_pull(r, o), 0);
    return r->path;
}

Test(channels_pull, x_search_pages_keep_since_id)
{
    gg_channel_request r;
    gg_channel_batch b;
    size_t len;
    gg_pull_opts o = {.kind = GG_PULL_X_SEARCH,
                      .target = "(#GagasanWarga OR @SuaraWargaID) lang:in -is:retweet",
                      .since = "1991700000000000000"};
    const char *p = build(&o, &r);
    cr_assert_str_eq(r.method, "GET");
    cr_assert_str_eq(r.host, "api.x.com");
    const char *want = "/2/tweets/search/recent?query=%28%23GagasanWarga%20OR%20%40SuaraWargaID"
                       "%29%20lang%3Ain%20-is%3Aretweet&max_results=100&tweet.fields=";
    cr_assert(strncmp(p, want, strlen(want)) == 0, "%s", p);
    cr_assert(strstr(p, "edit_history_tweet_ids") && strstr(p, "expansions=author_id"));
    cr_assert(strstr(p, "&since_id=1991700000000000000") != NULL);
    cr_assert_null(strstr(p, "next_token"));
    gg_channels_request_dispose(&r);

    char *raw = fx_body("x/recent-search.response.json", &len);
    cr_assert_eq(gg_channels_x_decode_page(raw, len, NULL, &b), 0);
    o.page = b.next_page;
    p = build(&o, &r);
    cr_assert(strstr(p, "&since_id=1991700000000000000&next_token="
                        "b26v89c19zqg8o3fpe1mpyrb8ttofwkfdv1b8ih9a5d5p") != NULL,
              "%s", p);
    gg_channels_request_dispose(&r);
    gg_channels_batch_dispose(&b);
    free(raw);

    gg_pull_opts m = {.kind = GG_PULL_X_MENTIONS, .target = "1578901234567890123", .page = "t1"};
    p = build(&m, &r);
    want = "/2/users/1578901234567890123/mentions?max_results=100&";
    cr_assert(strncmp(p, want, strlen(want)) == 0, "%s", p);
    cr_assert(strstr(p, "&pagination_token=t1") != NULL);
    gg_channels_request_dispose(&r);
    m.target = "../admin";
    cr_assert_eq(gg_channels_build_pull(&r, &m), GG_EINVAL, "user id must be digits");
    o.target = NULL;
    cr_assert_eq(gg_channels_build_pull(&r, &o), GG_EINVAL);
    cr_assert_null(r.path);
}

Test(channels_pull, telegram_offset)
{
    gg_channel_request r;
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("telegram/getUpdates.response.json", &len);
    cr_assert_eq(gg_channels_telegram_decode_updates(raw, len, &b), 0);
    gg_pull_opts o = {.kind = GG_PULL_TELEGRAM_UPDATES, .since = b.newest_id};
    cr_assert_eq(gg_channels_build_pull(&r, &o), 0);
    cr_assert_str_eq(r.method, "POST");
    cr_assert_str_eq(r.path, "/getUpdates");
    cr_assert_eq(r.auth, GG_AUTH_TELEGRAM_PATH);
    cr_assert_str_eq(r.body, "{\"offset\":804512379,\"limit\":100,\"timeout\":25,"
                             "\"allowed_updates\":[\"message\",\"edited_message\","
                             "\"channel_post\",\"poll_answer\",\"poll\"]}");
    gg_channels_request_dispose(&r);
    o.since = "12x";
    cr_assert_eq(gg_channels_build_pull(&r, &o), GG_EINVAL);
    gg_channels_batch_dispose(&b);
    free(raw);
}

Test(channels_pull, youtube_pages)
{
    gg_channel_request r;
    gg_channel_batch b;
    size_t len;
    gg_pull_opts o = {.kind = GG_PULL_YOUTUBE_VIDEO, .target = "k3Jd9X2mQpA"};
    cr_assert_str_eq(build(&o, &r), "/youtube/v3/commentThreads?part=snippet,replies&videoId="
                                    "k3Jd9X2mQpA&maxResults=100&order=time&textFormat=plainText");
    cr_assert_str_eq(r.host, "www.googleapis.com");
    gg_channels_request_dispose(&r);
    char *raw = fx_body("youtube/commentThreads-list.response.json", &len);
    cr_assert_eq(gg_channels_youtube_decode_page(raw, len, &b), 0);
    o.kind = GG_PULL_YOUTUBE_CHANNEL;
    o.target = "UCq3Ck8TV4vHGb1a2B3c4D5e";
    o.page = b.next_page;
    cr_assert_str_eq(build(&o, &r),
                     "/youtube/v3/commentThreads?part=snippet,replies&allThreadsRelatedToChannelId="
                     "UCq3Ck8TV4vHGb1a2B3c4D5e&maxResults=100&order=time&textFormat=plainText"
                     "&pageToken=Z2V0X25ld2VzdF9maXJzdC0tQ2cwUVhUZ0FHQUFnQUNnQk1BQT0%3D");
    gg_channels_request_dispose(&r);
    gg_pull_opts rep = {.kind = GG_PULL_YOUTUBE_REPLIES, .target = "UgxR4nT7bK2mPq9sVw14AaABAg"};
    cr_assert_str_eq(build(&rep, &r), "/youtube/v3/comments?part=snippet&parentId="
                                      "UgxR4nT7bK2mPq9sVw14AaABAg&maxResults=100"
                                      "&textFormat=plainText");
    gg_channels_request_dispose(&r);
    gg_channels_batch_dispose(&b);
    free(raw);
}

Test(channels_pull, mastodon_min_id_and_link_urls)
{
    gg_channel_request r;
    gg_channel_batch b;
    fx_head h;
    size_t len;
    gg_pull_opts o = {
        .kind = GG_PULL_MASTODON_TAG, .target = "gagasanwarga", .since = "115612345678800001"};
    cr_assert_str_eq(build(&o, &r),
                     "/api/v1/timelines/tag/gagasanwarga?limit=40&min_id=115612345678800001");
    cr_assert_null(r.host);
    gg_channels_request_dispose(&r);
    o.target = "gagasan warga/../x";
    o.since = NULL;
    cr_assert_str_eq(build(&o, &r), "/api/v1/timelines/tag/gagasan%20warga%2F..%2Fx?limit=40");
    gg_channels_request_dispose(&r);

    char *raw = fx_body("mastodon/notifications-mention.response.json", &len);
    fx_head_load(&h, "mastodon/notifications-mention.response");
    cr_assert_eq(gg_channels_mastodon_decode_page(raw, len, fx_header(&h, "Link"), &b), 0);
    gg_pull_opts m = {.kind = GG_PULL_MASTODON_MENTIONS};
    cr_assert_str_eq(build(&m, &r), "/api/v1/notifications?types%5B%5D=mention&limit=80");
    gg_channels_request_dispose(&r);
    m.page = b.prev_page; /* forward: the rel="prev" (min_id) URL */
    cr_assert_str_eq(build(&m, &r), "/api/v1/notifications?min_id=48213377&types%5B%5D=mention");
    gg_channels_request_dispose(&r);
    m.page = "not a url";
    cr_assert_eq(gg_channels_build_pull(&r, &m), GG_EINVAL);
    gg_channels_batch_dispose(&b);
    fx_head_free(&h);
    free(raw);
}

Test(channels_pull, tiktok_cursor)
{
    gg_channel_request r;
    gg_pull_opts o = {.kind = GG_PULL_TIKTOK_COMMENTS,
                      .target = "7570987654321098765",
                      .business_id = "-000Ab3CdEfGhIjKlMnOpQrStUvWxYz0123456",
                      .page = "30"};
    cr_assert_str_eq(build(&o, &r), "/open_api/v1.3/business/comment/list/?business_id="
                                    "-000Ab3CdEfGhIjKlMnOpQrStUvWxYz0123456&video_id="
                                    "7570987654321098765&cursor=30&max_count=30");
    cr_assert_eq(r.auth, GG_AUTH_ACCESS_TOKEN);
    gg_channels_request_dispose(&r);
    o.business_id = NULL;
    cr_assert_eq(gg_channels_build_pull(&r, &o), GG_EINVAL);
    gg_pull_opts bogus = {.kind = (gg_pull_kind)99};
    cr_assert_eq(gg_channels_build_pull(&r, &bogus), GG_EINVAL);
    cr_assert_eq(gg_channels_build_pull(&r, NULL), GG_EINVAL);
}
