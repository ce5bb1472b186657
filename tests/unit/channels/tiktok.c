/*
 * tiktok.c — tests for src/channels/tiktok.c: comment.update webhooks
 * (insert, reply insert, delete) with 19-digit ids kept exact, Business
 * and Research comment lists, visibility actions, malformed content.
 */
#include "fixture.h"

#define TT (&gg_channel_tiktok)
#define OPENID "-000Ab3CdEfGhIjKlMnOpQrStUvWxYz0123456"

Test(channels_tiktok, webhook_insert_reply_delete)
{
    gg_channel_batch b;
    fx_decode(TT, "tiktok/business-webhook-comment-insert.json", &b);
    cr_assert_eq(b.n, 1);
    const gg_event *e = &b.events[0];
    fx_str_eq(e->channel, "tiktok");
    cr_assert_eq(e->kind, GG_EVENT_COMMENT);
    fx_str_eq(e->account_id, OPENID);
    fx_str_eq(e->native_id, "7571234567890123456"); /* > 2^53, exact */
    fx_str_eq(e->thread_root_id, "7570987654321098765");
    cr_assert_null(e->parent_id);
    fx_str_eq(e->author_handle, "rina.wulandari.id");
    fx_str_eq(e->text, "Kak, tolong bahas soal BPJS Kesehatan buat pekerja informal dong "
                       "\xF0\x9F\x99\x8F #GagasanWarga");
    cr_assert_eq(e->created_at, 1795144892);
    fx_str_eq(e->detail, "comment");
    fx_str_eq(e->reply.to_id, "7571234567890123456");
    fx_str_eq(e->reply.chat_id, "7570987654321098765");
    fx_str_eq(e->dedupe_key, "tiktok|" OPENID "|7571234567890123456|comment|");
    gg_channels_batch_dispose(&b);

    fx_decode(TT, "tiktok/business-webhook-comment-reply-insert.json", &b);
    cr_assert_eq(b.n, 1);
    e = &b.events[0];
    fx_str_eq(e->native_id, "7571234567890555111");
    fx_str_eq(e->parent_id, "7571234567890123456");
    fx_str_eq(e->author_handle, "yohanes.mnrg");
    fx_str_eq(e->text, "Setuju, iuran mandiri kelas 3 masih berat buat ojol.");
    cr_assert_eq(e->created_at, 1795145063);
    fx_str_eq(e->detail, "reply");
    gg_channels_batch_dispose(&b);

    fx_decode(TT, "tiktok/business-webhook-comment-delete.json", &b);
    cr_assert_eq(b.n, 1);
    e = &b.events[0];
    cr_assert_eq(e->kind, GG_EVENT_DELETE);
    fx_str_eq(e->native_id, "7571234567890555111");
    cr_assert_null(e->text);
    cr_assert_null(e->reply.to_id);
    cr_assert_eq(e->created_at, 1795145764);
    fx_str_eq(e->dedupe_key, "tiktok|" OPENID "|7571234567890555111|delete|");
    gg_channels_batch_dispose(&b);
}

static int decode_content(const char *content_json, gg_channel_batch *b)
{
    json_t *env = json_pack("{s:s, s:s, s:I, s:s, s:s}", "client_key", "k", "event",
                            "comment.update", "create_time", (json_int_t)1795145767, "user_openid",
                            OPENID, "content", content_json);
    char *s = json_dumps(env, JSON_COMPACT);
    int rc = TT->decode(s, strlen(s), b);
    free(s);
    json_decref(env);
    return rc;
}

Test(channels_tiktok, visibility_actions)
{
    gg_channel_batch b;
    cr_assert_eq(
        decode_content("{\"comment_id\":7571234567890123456,\"video_id\":7570987654321098765,"
                       "\"comment_action\":\"set_to_hidden\",\"timestamp\":1795145000}",
                       &b),
        0, "%s", b.err);
    cr_assert_eq(b.events[0].kind, GG_EVENT_HIDE);
    fx_str_eq(b.events[0].version, "1795145000");
    gg_channels_batch_dispose(&b);
    cr_assert_eq(decode_content("{\"comment_id\":1,\"video_id\":2,\"comment_action\":"
                                "\"set_to_friends_only\",\"timestamp\":5}",
                                &b),
                 0);
    cr_assert_eq(b.events[0].kind, GG_EVENT_HIDE);
    gg_channels_batch_dispose(&b);
    cr_assert_eq(decode_content("{\"comment_id\":1,\"video_id\":2,\"comment_action\":"
                                "\"set_to_public\",\"timestamp\":6}",
                                &b),
                 0);
    cr_assert_eq(b.events[0].kind, GG_EVENT_UNHIDE);
    fx_str_eq(b.events[0].dedupe_key, "tiktok|" OPENID "|1|unhide|6");
    gg_channels_batch_dispose(&b);
    cr_assert_eq(
        decode_content("{\"comment_id\":1,\"video_id\":2,\"comment_action\":\"explode\"}", &b),
        GG_EINVAL);
    cr_assert_eq(decode_content("{\"comment_id\":1,\"video_id\":2,\"comment_action\":", &b),
                 GG_EINVAL, "truncated inner JSON");
    cr_assert_eq(decode_content("{\"video_id\":2,\"comment_action\":\"insert\"}", &b), GG_EINVAL);
    /* A 20-digit id does not fit int64: refused, never rounded through a double. */
    cr_assert_eq(decode_content("{\"comment_id\":75712345678901234567,\"video_id\":2,"
                                "\"comment_action\":\"insert\"}",
                                &b),
                 GG_EINVAL);
}

Test(channels_tiktok, lists)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("tiktok/business-comment-list.response.json", &len);
    cr_assert_eq(gg_channels_tiktok_decode_list(raw, len, &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 1);
    const gg_event *e = &b.events[0];
    fx_str_eq(e->native_id, "7571234567890123456");
    fx_str_eq(e->thread_root_id, "7570987654321098765");
    fx_str_eq(e->author_id, "7098765432109876543");
    fx_str_eq(e->author_handle, "rina.wulandari.id");
    fx_str_eq(e->author_name, "Rina W");
    cr_assert_eq(e->created_at, 1795144892);
    fx_str_eq(e->detail, "PUBLIC");
    fx_str_eq(e->reply.chat_id, "7570987654321098765");
    cr_assert_null(b.next_page, "has_more false");
    gg_channels_batch_dispose(&b);
    free(raw);

    raw = fx_body("tiktok/research-comment-list.response.json", &len);
    cr_assert_eq(gg_channels_tiktok_decode_list(raw, len, &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 2);
    fx_str_eq(b.events[0].native_id, "7571234567890123456");
    cr_assert_null(b.events[0].parent_id, "parent == video id means top level");
    fx_str_eq(b.events[1].native_id, "7571234567890555111");
    fx_str_eq(b.events[1].parent_id, "7571234567890123456");
    fx_str_eq(b.events[1].text, "Setuju, iuran mandiri kelas 3 masih berat buat ojol.");
    cr_assert_eq(b.events[1].created_at, 1795145063);
    cr_assert_null(b.events[1].reply.to_id, "research data cannot be answered");
    gg_channels_batch_dispose(&b);
    free(raw);

    raw = fx_body("tiktok/business-comment-reply-create.response.json", &len);
    cr_assert_eq(gg_channels_tiktok_decode_list(raw, len, &b), GG_EINVAL);
    free(raw);
    const char *err = "{\"code\":40100,\"message\":\"Too many requests\",\"data\":{}}";
    cr_assert_eq(gg_channels_tiktok_decode_list(err, strlen(err), &b), GG_EUPSTREAM);
    const char *more = "{\"code\":0,\"data\":{\"comments\":[],\"cursor\":30,\"has_more\":true}}";
    cr_assert_eq(gg_channels_tiktok_decode_list(more, strlen(more), &b), 0);
    fx_str_eq(b.next_page, "30");
    gg_channels_batch_dispose(&b);
}

Test(channels_tiktok, malformed_envelope)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("tiktok/business-webhook-comment-insert.json", &len);
    for (size_t n = 0; n < len; n += 13)
        cr_assert_eq(TT->decode(raw, n, &b), GG_EINVAL, "prefix %zu", n);
    free(raw);
    const char *obj = "{\"event\":\"comment.update\",\"content\":{\"comment_id\":1}}";
    cr_assert_eq(TT->decode(obj, strlen(obj), &b), GG_EINVAL);
    const char *other = "{\"event\":\"authorization.removed\",\"content\":\"{}\"}";
    cr_assert_eq(TT->decode(other, strlen(other), &b), 0);
    cr_assert_eq(b.n, 0);
    gg_channels_batch_dispose(&b);
}
