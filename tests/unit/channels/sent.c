/*
 * sent.c — tests for src/channels/sent.c: every recorded *.response fixture
 * of an outbound call gives the created id, or the right error class with
 * the wait the platform asked for.
 */
#include "fixture.h"

static int sent(const char *channel, const char *stem, gg_channel_sent *s)
{
    fx_head h;
    char file[256];
    size_t len;
    snprintf(file, sizeof file, "%s.json", stem);
    char *raw = fx_body(file, &len);
    fx_head_load(&h, stem);
    int rc =
        gg_channels_decode_sent(channel, raw, len, fx_header(&h, "x-business-use-case-usage"), s);
    fx_head_free(&h);
    free(raw);
    return rc;
}

#define OK_ID(ch, stem, want)                                                                      \
    do {                                                                                           \
        gg_channel_sent s_;                                                                        \
        cr_assert_eq(sent(ch, stem, &s_), 0, "%s: %s", stem, s_.err);                              \
        fx_str_eq(s_.id, want);                                                                    \
        gg_channels_sent_dispose(&s_);                                                             \
    } while (0)

Test(channels_sent, created_ids)
{
    OK_ID("facebook", "facebook/graph-comment-reply.response",
          "122193847561038291_1092837465020001");
    OK_ID("instagram", "instagram/graph-comment-reply.response", "17934567890123456");
    OK_ID("instagram", "instagram/graph-private-reply.response",
          "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0OjM0MDI4MjM2Njg0MTcxMDMwMTI0"
          "NDI3NjAxNzQ3Mjk1Njg2NzMxNjozMTk0NjU2NzAwOTk4ODc3NjY1");
    OK_ID("messenger", "messenger/send-api.response",
          "m_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8Nn7Mm6Ll5Kk4Jj3Ii2Hh1Gg0Ff9Ee8Dd7Cc6Bb5Aa4Zz3Yy");
    OK_ID("whatsapp", "whatsapp/send-text.response",
          "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjk4QTdCNkM1RDRFM0YyMDExMgA=");
    OK_ID("x", "x/create-reply.response", "1991830000000000042");
    OK_ID("x", "x/create-poll.response", "1991830000000000077");
    OK_ID("youtube", "youtube/comments-insert.response",
          "UgxR4nT7bK2mPq9sVw14AaABAg.AQ7rUa3Bc5dAQ7rUa3Bc5d");
    OK_ID("mastodon", "mastodon/post-status-reply.response", "115612345679100001");
    OK_ID("mastodon", "mastodon/post-status-poll.response", "115612345679200002");
    OK_ID("tiktok", "tiktok/business-comment-reply-create.response", "7571234567890999888");
    OK_ID("telegram", "telegram/sendMessage.response", "-1002233445566:5522");

    gg_channel_sent s;
    cr_assert_eq(sent("telegram", "telegram/sendPoll-quiz.response", &s), 0);
    fx_str_eq(s.id, "-1002233445566:5530");
    fx_str_eq(s.poll_id, "5398123456789012345"); /* what update-poll-answer carries */
    gg_channels_sent_dispose(&s);
}

Test(channels_sent, errors)
{
    gg_channel_sent s;
    cr_assert_eq(sent("facebook", "facebook/graph-error-rate-limit.response", &s), GG_ERATE);
    cr_assert_eq(s.retry_after, 12 * 60, "estimated_time_to_regain_access is in minutes");
    cr_assert(strstr(s.err, "Page request limit") != NULL, "%s", s.err);
    cr_assert_null(s.id);
    cr_assert_eq(sent("telegram", "telegram/error-429.response", &s), GG_ERATE);
    cr_assert_eq(s.retry_after, 7);
    cr_assert_eq(sent("x", "x/rate-limited-429.response", &s), GG_ERATE);
    cr_assert_eq(sent("mastodon", "mastodon/rate-limited-429.response", &s), GG_ERATE);
    cr_assert_eq(sent("youtube", "youtube/error-quotaExceeded.response", &s), GG_ERATE);
    cr_assert_eq(sent("youtube", "youtube/error-commentsDisabled.response", &s), GG_EUPSTREAM);
    cr_assert(strstr(s.err, "commentsDisabled") != NULL, "%s", s.err);
    const char *tt = "{\"code\":40001,\"message\":\"No permission\",\"data\":{}}";
    cr_assert_eq(gg_channels_decode_sent("tiktok", tt, strlen(tt), NULL, &s), GG_EUPSTREAM);
    cr_assert_eq(gg_channels_decode_sent("tiktok", "[]", 2, NULL, &s), GG_EINVAL);
    cr_assert_eq(gg_channels_decode_sent("myspace", "{}", 2, NULL, &s), GG_EINVAL);
    cr_assert_eq(gg_channels_decode_sent("x", "{\"data\":", 8, NULL, &s), GG_EINVAL);
    cr_assert_eq(gg_channels_decode_sent("x", "\"\xFF\"", 3, NULL, &s), GG_EUTF8);
    cr_assert_eq(gg_channels_decode_sent("facebook", "{}", 2, "not json", &s), GG_EINVAL);
    gg_channels_sent_dispose(NULL);
}

Test(channels_sent, telegram_echo_matches_decoded_id)
{
    /* The id we record for our reply equals the native id its echo decodes to. */
    gg_channel_sent s;
    gg_channel_batch b;
    cr_assert_eq(sent("telegram", "telegram/sendMessage.response", &s), 0);
    const char *echo =
        "{\"update_id\":5,\"message\":{\"message_id\":5522,\"from\":{\"id\":7712345678,"
        "\"is_bot\":true,\"first_name\":\"Bot\"},\"chat\":{\"id\":-1002233445566,"
        "\"type\":\"supergroup\"},\"date\":1795144887,\"text\":\"ok\"}}";
    cr_assert_eq(gg_channel_telegram.decode(echo, strlen(echo), &b), 0);
    cr_assert_str_eq(b.events[0].native_id, s.id);
    cr_assert(b.events[0].flags & GG_EVF_BOT);
    gg_channels_batch_dispose(&b);
    gg_channels_sent_dispose(&s);
}
