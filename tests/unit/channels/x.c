/*
 * x.c — decode tests for src/channels/x.c: Account Activity create/delete,
 * X Activity API mention, recent search and mentions pages (cursors and
 * watermark), one stream record and the stream transcript, error bodies.
 */
#include "fixture.h"

static const char *BUDI_TEXT =
    "@SuaraWargaID Usul: subsidi transportasi umum untuk pekerja harian di Jabodetabek. Ongkos "
    "KRL + ojek bisa 30% gaji \xF0\x9F\x98\xA9 #GagasanWarga";

static void check_budi(const gg_event *e)
{
    fx_str_eq(e->channel, "x");
    fx_str_eq(e->native_id, "1991827364501928371");
    fx_str_eq(e->version, "");
    fx_str_eq(e->author_id, "1432109876543210987");
    fx_str_eq(e->author_handle, "budisantoso_id");
    fx_str_eq(e->author_name, "Budi Santoso");
    fx_str_eq(e->text, BUDI_TEXT);
    fx_str_eq(e->lang, "in"); /* Indonesian is "in" on X */
    cr_assert_eq(e->created_at, 1795144867);
    fx_str_eq(e->reply.to_id, "1991827364501928371");
}

Test(channels_x, aaa_create_and_delete)
{
    gg_channel_batch b;
    fx_decode(&gg_channel_x, "x/aaa-tweet-create-events.json", &b);
    cr_assert_eq(b.n, 1);
    check_budi(&b.events[0]);
    cr_assert_eq(b.events[0].kind, GG_EVENT_MENTION, "mentions for_user_id");
    fx_str_eq(b.events[0].account_id, "1578901234567890123");
    fx_str_eq(b.events[0].dedupe_key, "x|1578901234567890123|1991827364501928371|mention|");
    gg_channels_batch_dispose(&b);

    fx_decode(&gg_channel_x, "x/aaa-tweet-delete-events.json", &b);
    cr_assert_eq(b.n, 1);
    cr_assert_eq(b.events[0].kind, GG_EVENT_DELETE);
    fx_str_eq(b.events[0].native_id, "1991811122233344455");
    fx_str_eq(b.events[0].author_id, "1290011223344556677");
    cr_assert_eq(b.events[0].created_at, 1795148467);
    cr_assert_null(b.events[0].reply.to_id);
    gg_channels_batch_dispose(&b);
}

Test(channels_x, xaa_mention)
{
    gg_channel_batch b;
    fx_decode(&gg_channel_x, "x/xaa-post-mention-create.json", &b);
    cr_assert_eq(b.n, 1);
    check_budi(&b.events[0]);
    cr_assert_eq(b.events[0].kind, GG_EVENT_MENTION);
    fx_str_eq(b.events[0].account_id, "1578901234567890123");
    fx_str_eq(b.events[0].thread_root_id, "1991827364501928371");
    gg_channels_batch_dispose(&b);
}

Test(channels_x, recent_search_page)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("x/recent-search.response.json", &len);
    cr_assert_eq(gg_channels_x_decode_page(raw, len, NULL, &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 3);
    check_budi(&b.events[0]);
    cr_assert_eq(b.events[0].kind, GG_EVENT_POST);
    fx_str_eq(b.events[0].thread_root_id, "1991827364501928371");

    const gg_event *r = &b.events[1];
    cr_assert_eq(r->kind, GG_EVENT_COMMENT, "replied_to makes it a comment");
    fx_str_eq(r->native_id, "1991811122233344455");
    fx_str_eq(r->parent_id, "1991800000000000001");
    fx_str_eq(r->thread_root_id, "1991800000000000001");
    fx_str_eq(r->author_handle, "rinawlnd");
    fx_str_eq(r->author_name, "Rina Wulandari \xF0\x9F\x8C\xBB");
    fx_str_eq(r->detail, "Jakarta Selatan, DKI Jakarta");
    cr_assert_eq(r->created_at, 1795144627);

    /* An edited post: identity = first id of the history, version = this id. */
    const gg_event *ed = &b.events[2];
    cr_assert_eq(ed->kind, GG_EVENT_EDIT);
    fx_str_eq(ed->native_id, "1991790011223344556");
    fx_str_eq(ed->version, "1991790077665544332");
    fx_str_eq(ed->reply.to_id, "1991790077665544332");
    fx_str_eq(ed->author_handle, "aguspratama88");
    fx_str_eq(ed->text, "Gagasan: perpustakaan keliling untuk desa-desa di NTT. Anak-anak di sana "
                        "butuh buku. #GagasanWarga");
    cr_assert_eq(ed->created_at, 1795144267);
    fx_str_eq(ed->dedupe_key, "x||1991790011223344556|edit|1991790077665544332");

    fx_str_eq(b.next_page, "b26v89c19zqg8o3fpe1mpyrb8ttofwkfdv1b8ih9a5d5p");
    fx_str_eq(b.newest_id, "1991827364501928371");
    gg_channels_batch_dispose(&b);
    free(raw);
}

Test(channels_x, mentions_page_and_stream_record)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("x/mentions-timeline.response.json", &len);
    cr_assert_eq(gg_channels_x_decode_page(raw, len, "1578901234567890123", &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 2);
    check_budi(&b.events[0]);
    /* With our user id known, @mentions of it are MENTION events (answerable). */
    cr_assert_eq(b.events[0].kind, GG_EVENT_MENTION);
    cr_assert_eq(b.events[1].kind, GG_EVENT_MENTION);
    fx_str_eq(b.events[1].account_id, "1578901234567890123");
    fx_str_eq(b.events[1].parent_id, "1991800000000000001");
    fx_str_eq(b.events[1].native_id, "1991811122233344455");
    cr_assert_null(b.next_page, "last page");
    fx_str_eq(b.newest_id, "1991827364501928371");
    gg_channels_batch_dispose(&b);
    free(raw);

    raw = fx_body("x/filtered-stream-post.json", &len);
    cr_assert_eq(gg_channels_x_decode_page(raw, len, NULL, &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 1);
    check_budi(&b.events[0]);
    gg_channels_batch_dispose(&b);
    free(raw);
}

Test(channels_x, stream_transcript)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("x/filtered-stream.transcript.ndjson", &len);
    cr_assert_eq(gg_channels_x_decode_stream(raw, len, NULL, &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 2, "keep-alives produce nothing");
    check_budi(&b.events[0]);
    fx_str_eq(b.events[1].native_id, "1991811122233344455");
    fx_str_eq(b.events[1].author_name, "Rina Wulandari \xF0\x9F\x8C\xBB");
    fx_str_eq(b.notice, "operational-disconnect");
    cr_assert_null(b.next_page);
    gg_channels_batch_dispose(&b);
    /* Only keep-alives. */
    cr_assert_eq(gg_channels_x_decode_stream("\r\n\r\n", 4, NULL, &b), 0);
    cr_assert_eq(b.n, 0);
    gg_channels_batch_dispose(&b);
    /* A record cut in half is an error, not a silent drop. */
    cr_assert_eq(gg_channels_x_decode_stream(raw, 200, NULL, &b), GG_EINVAL);
    free(raw);
}

Test(channels_x, errors_and_malformed)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("x/rate-limited-429.response.json", &len);
    cr_assert_eq(gg_channels_x_decode_page(raw, len, NULL, &b), GG_ERATE);
    cr_assert(strstr(b.err, "429") != NULL, "%s", b.err);
    free(raw);
    raw = fx_body("x/aaa-tweet-create-events.json", &len);
    for (size_t n = 0; n < len; n += 11)
        cr_assert_eq(gg_channel_x.decode(raw, n, &b), GG_EINVAL, "prefix %zu", n);
    char *bad = strdup(raw);
    char *p = strstr(bad, "\xF0\x9F\x98\xA9");
    p[1] = 'x'; /* break the 4-byte sequence */
    cr_assert_eq(gg_channel_x.decode(bad, len, &b), GG_EUTF8);
    cr_assert_eq(gg_channel_x.decode("[1]", 3, &b), GG_EINVAL);
    const char *noid = "{\"tweet_create_events\":[{\"id\":1}]}";
    cr_assert_eq(gg_channel_x.decode(noid, strlen(noid), &b), GG_EINVAL);
    cr_assert(strstr(b.err, "id_str") != NULL, "%s", b.err);
    /* Events we do not ingest (likes, follows): no events, no error. */
    cr_assert_eq(gg_channel_x.decode("{\"favorite_events\":[]}", 22, &b), 0);
    cr_assert_eq(b.n, 0);
    gg_channels_batch_dispose(&b);
    const char *nopid = "{\"data\":[{\"text\":\"x\"}]}";
    cr_assert_eq(gg_channels_x_decode_page(nopid, strlen(nopid), NULL, &b), GG_EINVAL);
    free(bad);
    free(raw);
}

Test(channels_x, own_post_flagged_and_big_ids_exact)
{
    gg_channel_batch b;
    const char *body =
        "{\"for_user_id\":\"1578901234567890123\",\"tweet_create_events\":[{\"id\":"
        "1991827364501928999,\"id_str\":\"1991827364501928999\",\"text\":\"hai\","
        "\"user\":{\"id_str\":\"1578901234567890123\",\"screen_name\":\"SuaraWargaID\"},"
        "\"timestamp_ms\":\"1795144867000\"}]}";
    cr_assert_eq(gg_channel_x.decode(body, strlen(body), &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 1);
    fx_str_eq(b.events[0].native_id, "1991827364501928999");
    cr_assert(b.events[0].flags & GG_EVF_SELF);
    gg_channels_batch_dispose(&b);
    /* Without timestamp_ms the v1.1 created_at string is parsed. */
    const char *v1 = "{\"for_user_id\":\"1\",\"tweet_create_events\":[{\"id_str\":\"5\","
                     "\"text\":\"x\",\"created_at\":\"Fri Nov 20 03:21:07 +0000 2026\"}]}";
    cr_assert_eq(gg_channel_x.decode(v1, strlen(v1), &b), 0, "%s", b.err);
    cr_assert_eq(b.events[0].created_at, 1795144867);
    gg_channels_batch_dispose(&b);
}
