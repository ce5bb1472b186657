/*
 * youtube.c — pull-page tests for src/channels/youtube.c: commentThreads
 * and comments.list pages → events with the page cursor; error bodies
 * (quotaExceeded vs commentsDisabled); malformed pages.
 */
#include "fixture.h"

static int page(const char *file, gg_channel_batch *b)
{
    size_t len;
    char *raw = fx_body(file, &len);
    int rc = gg_channels_youtube_decode_page(raw, len, b);
    free(raw);
    return rc;
}

static void check_nur(const gg_event *e)
{
    fx_str_eq(e->channel, "youtube");
    cr_assert_eq(e->kind, GG_EVENT_COMMENT);
    fx_str_eq(e->native_id, "UgxR4nT7bK2mPq9sVw14AaABAg.AQ7rT2xYz9pAQ7rT5mNcLk");
    fx_str_eq(e->parent_id, "UgxR4nT7bK2mPq9sVw14AaABAg");
    fx_str_eq(e->thread_root_id, "UgxR4nT7bK2mPq9sVw14AaABAg");
    fx_str_eq(e->author_id, "UCn4Hk8Pq1Zw6Tx3Vb9Ls2Mr");
    fx_str_eq(e->author_handle, "nuraisyah.sbg");
    fx_str_eq(e->text, "@budisantoso1980 betul, di Subang juga sama. Koperasi desa harus "
                       "dihidupkan lagi.");
    cr_assert_eq(e->created_at, 1795141867); /* 2026-11-20T02:31:07Z */
    cr_assert_eq(e->edited_at, 1795141917);  /* updatedAt differs: an edit */
    fx_str_eq(e->version, "2026-11-20T02:31:57Z");
    fx_str_eq(e->reply.to_id, "UgxR4nT7bK2mPq9sVw14AaABAg"); /* under the top level */
}

Test(channels_youtube, comment_threads_page)
{
    gg_channel_batch b;
    cr_assert_eq(page("youtube/commentThreads-list.response.json", &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 3, "2 top-level comments + 1 reply");
    const gg_event *e = &b.events[0];
    fx_str_eq(e->native_id, "Ugy8LpQ0wZc3RtY7uJk94AaABAg");
    fx_str_eq(e->account_id, "UCq3Ck8TV4vHGb1a2B3c4D5e");
    fx_str_eq(e->author_id, "UCa2Gt5Yr8Ke1Qw4Zx7Vn0Mb");
    fx_str_eq(e->author_name, "@agus_lebak");
    fx_str_eq(e->author_handle, "agus_lebak");
    fx_str_eq(e->text, "Gimana rencana partai soal internet desa? Sinyal di Kabupaten Lebak "
                       "masih susah. #GagasanWarga");
    cr_assert_eq(e->created_at, 1795144807); /* 2026-11-20T03:20:07Z */
    cr_assert_eq(e->edited_at, 0);
    fx_str_eq(e->version, "");
    cr_assert_null(e->parent_id);
    fx_str_eq(e->thread_root_id, "Ugy8LpQ0wZc3RtY7uJk94AaABAg");
    fx_str_eq(e->detail, "k3Jd9X2mQpA");
    fx_str_eq(e->reply.to_id, "Ugy8LpQ0wZc3RtY7uJk94AaABAg");
    fx_str_eq(e->dedupe_key,
              "youtube|UCq3Ck8TV4vHGb1a2B3c4D5e|Ugy8LpQ0wZc3RtY7uJk94AaABAg|comment|");

    e = &b.events[1];
    fx_str_eq(e->native_id, "UgxR4nT7bK2mPq9sVw14AaABAg");
    /* textOriginal, not the HTML textDisplay (<br>, &amp;). */
    fx_str_eq(e->text, "Pak, tolong perjuangkan harga gabah petani di Karawang. Tengkulak "
                       "seenaknya beli Rp5.000/kg \xF0\x9F\x98\xA2\nKami butuh gudang desa & "
                       "koperasi yang jalan.");
    cr_assert_eq(e->flags & GG_EVF_HTML, 0);
    cr_assert_eq(e->created_at, 1795139467);
    check_nur(&b.events[2]);
    fx_str_eq(b.next_page, "Z2V0X25ld2VzdF9maXJzdC0tQ2cwUVhUZ0FHQUFnQUNnQk1BQT0=");
    gg_channels_batch_dispose(&b);
}

Test(channels_youtube, comments_list_replies_page)
{
    gg_channel_batch b;
    cr_assert_eq(page("youtube/comments-list-replies.response.json", &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 1);
    check_nur(&b.events[0]);
    cr_assert_null(b.next_page);
    gg_channels_batch_dispose(&b);

    /* The insert response is one resource, not a page. */
    cr_assert_eq(page("youtube/comments-insert.response.json", &b), GG_EINVAL,
                 "a single comment resource is not a list page");
}

Test(channels_youtube, errors)
{
    gg_channel_batch b;
    cr_assert_eq(page("youtube/error-quotaExceeded.response.json", &b), GG_ERATE);
    cr_assert(strstr(b.err, "quotaExceeded") != NULL, "%s", b.err);
    cr_assert(strstr(b.err, "403") != NULL, "%s", b.err);
    cr_assert_eq(page("youtube/error-commentsDisabled.response.json", &b), GG_EUPSTREAM);
    cr_assert(strstr(b.err, "commentsDisabled") != NULL, "%s", b.err);
    cr_assert_eq(b.n, 0);
}

Test(channels_youtube, malformed_and_self)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("youtube/commentThreads-list.response.json", &len);
    for (size_t n = 0; n < len; n += 97)
        cr_assert_eq(gg_channels_youtube_decode_page(raw, n, &b), GG_EINVAL, "prefix %zu", n);
    free(raw);
    cr_assert_eq(
        gg_channels_youtube_decode_page("{\"items\":[{\"kind\":\"youtube#comment\"}]}", 39, &b),
        GG_EINVAL);
    const char *own = "{\"items\":[{\"kind\":\"youtube#comment\",\"id\":\"A.b\",\"snippet\":{"
                      "\"channelId\":\"UC1\",\"authorChannelId\":{\"value\":\"UC1\"},"
                      "\"textDisplay\":\"<b>hi</b>\",\"parentId\":\"A\","
                      "\"publishedAt\":\"2026-11-20T03:23:07Z\"}}]}";
    cr_assert_eq(gg_channels_youtube_decode_page(own, strlen(own), &b), 0, "%s", b.err);
    cr_assert(b.events[0].flags & GG_EVF_SELF);
    cr_assert(b.events[0].flags & GG_EVF_HTML, "textDisplay fallback is HTML");
    fx_str_eq(b.events[0].text, "hi");
    gg_channels_batch_dispose(&b);
}
