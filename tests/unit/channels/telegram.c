/*
 * telegram.c — decode tests for src/channels/telegram.c: every Update
 * fixture (group reply, private location, edit, channel post, poll answer,
 * poll closed), the getUpdates page and its next offset, the 429 body,
 * malformed input, and the webhook-answer body.
 */
#include "fixture.h"

#define T (&gg_channel_telegram)

static const char *RINA_TEXT = "\xF0\x9F\x92\xA1 Usul: tambah lampu jalan di Jl. Palagan dekat "
                               "Monjali, malam gelap sekali. #GagasanWarga";

static void check_rina(const gg_event *e)
{
    fx_str_eq(e->channel, "telegram");
    cr_assert_eq(e->kind, GG_EVENT_MESSAGE);
    fx_str_eq(e->native_id, "-1002233445566:5521");
    fx_str_eq(e->author_id, "6012345678");
    fx_str_eq(e->author_handle, "rinawlnd");
    fx_str_eq(e->author_name, "Rina Wulandari");
    fx_str_eq(e->lang, "id");
    fx_str_eq(e->text, RINA_TEXT);
    cr_assert_eq(e->created_at, 1795144867);
    fx_str_eq(e->detail, "supergroup");
    fx_str_eq(e->reply.to_id, "5521");
    fx_str_eq(e->reply.chat_id, "-1002233445566");
    cr_assert_eq(e->flags & GG_EVF_BOT, 0);
}

Test(channels_telegram, group_reply)
{
    gg_channel_batch b;
    fx_decode(T, "telegram/update-message-group-reply.json", &b);
    cr_assert_eq(b.n, 1);
    check_rina(&b.events[0]);
    fx_str_eq(b.events[0].parent_id, "-1002233445566:5517");
    fx_str_eq(b.events[0].thread_root_id, "-1002233445566:5517");
    fx_str_eq(b.events[0].version, "");
    fx_str_eq(b.events[0].dedupe_key, "telegram||-1002233445566:5521|message|");
    gg_channels_batch_dispose(&b);
}

Test(channels_telegram, private_location)
{
    gg_channel_batch b;
    fx_decode(T, "telegram/update-message-private-location.json", &b);
    cr_assert_eq(b.n, 1);
    const gg_event *e = &b.events[0];
    fx_str_eq(e->native_id, "6012345678:88");
    cr_assert(e->flags & GG_EVF_HAS_GEO);
    cr_assert_float_eq(e->lat, -7.747391, 1e-9);
    cr_assert_float_eq(e->lon, 110.371204, 1e-9);
    cr_assert_null(e->text);
    fx_str_eq(e->detail, "private");
    cr_assert_eq(e->created_at, 1795144912);
    fx_str_eq(e->reply.chat_id, "6012345678");
    gg_channels_batch_dispose(&b);
}

Test(channels_telegram, edited_and_channel_post)
{
    gg_channel_batch b;
    fx_decode(T, "telegram/update-edited-message.json", &b);
    cr_assert_eq(b.n, 1);
    const gg_event *e = &b.events[0];
    cr_assert_eq(e->kind, GG_EVENT_EDIT);
    fx_str_eq(e->native_id, "-1002233445566:5521");
    fx_str_eq(e->version, "1795144997");
    cr_assert_eq(e->edited_at, 1795144997);
    cr_assert_eq(e->created_at, 1795144867);
    fx_str_eq(e->text, "\xF0\x9F\x92\xA1 Usul: tambah lampu jalan di Jl. Palagan km 8 dekat "
                       "Monjali, malam gelap sekali. #GagasanWarga");
    fx_str_eq(e->dedupe_key, "telegram||-1002233445566:5521|edit|1795144997");
    gg_channels_batch_dispose(&b);

    fx_decode(T, "telegram/update-channel-post.json", &b);
    cr_assert_eq(b.n, 1);
    e = &b.events[0];
    cr_assert_eq(e->kind, GG_EVENT_POST);
    fx_str_eq(e->native_id, "-1001122334455:312");
    fx_str_eq(e->author_id, "-1001122334455");
    fx_str_eq(e->author_handle, "kabarsuarawarga");
    fx_str_eq(e->author_name, "Kabar Partai Suara Warga");
    fx_str_eq(e->text, "Rekap gagasan warga minggu ini: 214 usulan masuk, terbanyak soal "
                       "transportasi dan air bersih. Lihat https://suarawarga.example.id/rekap");
    cr_assert_eq(e->created_at, 1795145167);
    fx_str_eq(e->detail, "channel");
    gg_channels_batch_dispose(&b);
}

Test(channels_telegram, polls)
{
    gg_channel_batch b;
    fx_decode(T, "telegram/update-poll-answer.json", &b);
    cr_assert_eq(b.n, 1);
    const gg_event *e = &b.events[0];
    cr_assert_eq(e->kind, GG_EVENT_POLL_ANSWER);
    fx_str_eq(e->native_id, "5398123456789012345:6012345678");
    fx_str_eq(e->thread_root_id, "5398123456789012345");
    fx_str_eq(e->author_id, "6012345678");
    fx_str_eq(e->author_handle, "rinawlnd");
    fx_str_eq(e->detail, "2");
    fx_str_eq(e->version, "2");
    cr_assert_null(e->reply.to_id);
    gg_channels_batch_dispose(&b);

    fx_decode(T, "telegram/update-poll-closed.json", &b);
    cr_assert_eq(b.n, 1);
    e = &b.events[0];
    cr_assert_eq(e->kind, GG_EVENT_POLL_UPDATE);
    fx_str_eq(e->native_id, "5398123456789012345");
    fx_str_eq(e->detail, "closed");
    fx_str_eq(e->version, "closed");
    fx_str_eq(e->text, "Berapa persen minimal anggaran pendidikan menurut UUD 1945?");
    cr_assert_eq(e->created_at, 1795146367);
    gg_channels_batch_dispose(&b);

    /* A retracted vote: empty option list, its own version. */
    const char *retract = "{\"update_id\":1,\"poll_answer\":{\"poll_id\":\"7\",\"user\":{\"id\":5,"
                          "\"is_bot\":false,\"first_name\":\"A\"},\"option_ids\":[]}}";
    cr_assert_eq(T->decode(retract, strlen(retract), &b), 0, "%s", b.err);
    fx_str_eq(b.events[0].detail, "");
    fx_str_eq(b.events[0].dedupe_key, "telegram||7:5|poll_answer|");
    gg_channels_batch_dispose(&b);
}

Test(channels_telegram, get_updates_page)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("telegram/getUpdates.response.json", &len);
    cr_assert_eq(gg_channels_telegram_decode_updates(raw, len, &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 2);
    check_rina(&b.events[0]);
    fx_str_eq(b.events[1].native_id, "6012345678:88");
    cr_assert(b.events[1].flags & GG_EVF_HAS_GEO);
    fx_str_eq(b.newest_id, "804512379"); /* next offset = last update_id + 1 */
    gg_channels_batch_dispose(&b);
    free(raw);

    raw = fx_body("telegram/error-429.response.json", &len);
    cr_assert_eq(gg_channels_telegram_decode_updates(raw, len, &b), GG_ERATE);
    cr_assert_eq(b.retry_after, 7);
    cr_assert(strstr(b.err, "retry after 7") != NULL, "%s", b.err);
    free(raw);

    /* A send result is not an updates page. */
    raw = fx_body("telegram/sendMessage.response.json", &len);
    cr_assert_eq(gg_channels_telegram_decode_updates(raw, len, &b), GG_EINVAL);
    free(raw);
    cr_assert_eq(gg_channels_telegram_decode_updates("{\"ok\":true,\"result\":[]}", 23, &b), 0);
    cr_assert_eq(b.n, 0);
    cr_assert_null(b.newest_id);
    gg_channels_batch_dispose(&b);
}

Test(channels_telegram, malformed)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("telegram/update-message-group-reply.json", &len);
    for (size_t n = 0; n < len; n += 9)
        cr_assert_eq(T->decode(raw, n, &b), GG_EINVAL, "prefix %zu", n);
    cr_assert_eq(T->decode("{\"message\":{}}", 14, &b), GG_EINVAL);
    const char *cesu = "{\"update_id\":1,\"message\":{\"message_id\":1,\"chat\":{\"id\":1},"
                       "\"text\":\"\xED\xA0\xBD\"}}";
    cr_assert_eq(T->decode(cesu, strlen(cesu), &b), GG_EUTF8, "CESU surrogate bytes: %s", b.err);
    const char *nomsg = "{\"update_id\":1,\"message\":{\"text\":\"x\"}}";
    cr_assert_eq(T->decode(nomsg, strlen(nomsg), &b), GG_EINVAL);
    /* Update kinds we do not ingest decode to nothing. */
    const char *cb = "{\"update_id\":9,\"callback_query\":{\"id\":\"1\"}}";
    cr_assert_eq(T->decode(cb, strlen(cb), &b), 0);
    cr_assert_eq(b.n, 0);
    gg_channels_batch_dispose(&b);
    free(raw);
}

Test(channels_telegram, webhook_answer_matches_fixture)
{
    gg_channel_batch b;
    gg_buf body;
    size_t len;
    fx_decode(T, "telegram/update-message-private-location.json", &b);
    char *want = fx_body("telegram/webhook-inline-reply.response.json", &len);
    gg_buf_init(&body, 8192);
    cr_assert_eq(gg_channels_telegram_webhook_answer(&body, &b.events[0],
                                                     "Lokasi diterima. Terima kasih, Kak Rina!"),
                 0);
    cr_assert_str_eq(body.data, want);
    cr_assert_eq(body.len, len);
    cr_assert_eq(gg_channels_telegram_webhook_answer(&body, &b.events[0], ""), GG_EINVAL);
    gg_buf_dispose(&body);
    gg_channels_batch_dispose(&b);
    free(want);
}
