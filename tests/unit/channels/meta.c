/*
 * meta.c — decode tests for src/channels/meta.c: every Facebook, Instagram,
 * Messenger and WhatsApp webhook fixture becomes the expected events, with
 * real ids, text, authors and times; malformed bodies give the right error.
 */
#include "fixture.h"

#define M (&gg_channel_meta)

Test(channels_meta, facebook_comment_add)
{
    gg_channel_batch b;
    fx_decode(M, "facebook/feed-comment-add.json", &b);
    cr_assert_eq(b.n, 1);
    const gg_event *e = &b.events[0];
    fx_str_eq(e->channel, "facebook");
    cr_assert_eq(e->kind, GG_EVENT_COMMENT);
    fx_str_eq(e->account_id, "104729385610923");
    fx_str_eq(e->native_id, "122193847561038291_1092837465012345");
    fx_str_eq(e->version, "");
    fx_str_eq(e->author_id, "8127364501928374");
    fx_str_eq(e->author_name, "Siti Rahmawati");
    cr_assert_null(e->author_handle);
    /* \u2014 and the surrogate pair \ud83d\ude4f decoded to UTF-8. */
    fx_str_eq(e->text, "Usul: perbaiki jalan rusak di Jl. Kaliurang km 7 \xE2\x80\x94 sudah 3 "
                       "bulan berlubang \xF0\x9F\x99\x8F Mohon ditindaklanjuti ya.");
    cr_assert_eq(e->created_at, 1795144867);
    fx_str_eq(e->thread_root_id, "104729385610923_122193847561038291");
    fx_str_eq(e->parent_id, "104729385610923_122193847561038291");
    fx_str_eq(e->reply.to_id, "122193847561038291_1092837465012345");
    fx_str_eq(e->reply.via_id, "104729385610923");
    cr_assert_eq(e->reply.window_start, 0);
    cr_assert_eq(e->flags & GG_EVF_SELF, 0);
    fx_str_eq(e->dedupe_key,
              "facebook|104729385610923|122193847561038291_1092837465012345|comment|");
    gg_channels_batch_dispose(&b);
    cr_assert_eq(b.n, 0);
    cr_assert_null(b.events);
}

Test(channels_meta, facebook_reply_edit_remove_post)
{
    gg_channel_batch b;
    fx_decode(M, "facebook/feed-comment-reply-add.json", &b);
    cr_assert_eq(b.n, 1);
    cr_assert_eq(b.events[0].kind, GG_EVENT_COMMENT);
    fx_str_eq(b.events[0].native_id, "122193847561038291_1092837465019876");
    fx_str_eq(b.events[0].parent_id, "122193847561038291_1092837465012345");
    fx_str_eq(b.events[0].author_name, "Agus Pratama");
    fx_str_eq(b.events[0].text, "Setuju, Bu Siti. Di depan SD Negeri 3 Ngaglik juga parah, "
                                "tolong dicek sekalian.");
    cr_assert_eq(b.events[0].created_at, 1795144960);
    gg_channels_batch_dispose(&b);

    fx_decode(M, "facebook/feed-comment-edited.json", &b);
    cr_assert_eq(b.n, 1);
    const gg_event *e = &b.events[0];
    cr_assert_eq(e->kind, GG_EVENT_EDIT);
    fx_str_eq(e->native_id, "122193847561038291_1092837465012345");
    cr_assert(strstr(e->text, "km 7,2 (depan pasar)") != NULL);
    /* Edits keep created_time: the version is a hash of the new text. */
    cr_assert_eq(e->created_at, 1795144867);
    cr_assert_eq(strlen(e->version), 16);
    char key[256];
    snprintf(key, sizeof key,
             "facebook|104729385610923|122193847561038291_1092837465012345|edit|%s", e->version);
    fx_str_eq(e->dedupe_key, key);
    gg_channels_batch_dispose(&b);

    fx_decode(M, "facebook/feed-comment-remove.json", &b);
    cr_assert_eq(b.n, 1);
    cr_assert_eq(b.events[0].kind, GG_EVENT_DELETE);
    fx_str_eq(b.events[0].native_id, "122193847561038291_1092837465019876");
    cr_assert_null(b.events[0].text);
    cr_assert_null(b.events[0].reply.to_id, "a removed comment cannot be answered");
    cr_assert_eq(b.events[0].created_at, 1795145465);
    gg_channels_batch_dispose(&b);

    fx_decode(M, "facebook/feed-visitor-post-add.json", &b);
    cr_assert_eq(b.n, 1);
    cr_assert_eq(b.events[0].kind, GG_EVENT_POST);
    fx_str_eq(b.events[0].native_id, "104729385610923_122193847561099001");
    fx_str_eq(b.events[0].author_id, "8127364501944552");
    fx_str_eq(b.events[0].author_name, "Yohanes Manurung");
    fx_str_eq(b.events[0].text, "Mohon partai memperjuangkan harga pupuk bersubsidi untuk petani "
                                "di Samosir. Stok di kios selalu habis.");
    cr_assert_eq(b.events[0].created_at, 1795146066);
    cr_assert_null(b.events[0].parent_id);
    fx_str_eq(b.events[0].reply.to_id, "104729385610923_122193847561099001");
    gg_channels_batch_dispose(&b);
}

Test(channels_meta, facebook_batch_skips_reaction)
{
    gg_channel_batch b;
    fx_decode(M, "facebook/feed-batch-two-entries.json", &b);
    cr_assert_eq(b.n, 1, "the reaction entry is not an idea");
    fx_str_eq(b.events[0].native_id, "122193847561038291_1092837465031111");
    fx_str_eq(b.events[0].author_name, "Rina Wulandari");
    fx_str_eq(b.events[0].text,
              "Kapan ada program beasiswa untuk mahasiswa dari desa? #GagasanWarga");
    cr_assert_eq(b.events[0].created_at, 1795146166);
    gg_channels_batch_dispose(&b);
}

Test(channels_meta, instagram)
{
    gg_channel_batch b;
    fx_decode(M, "instagram/webhook-comments.json", &b);
    cr_assert_eq(b.n, 1);
    const gg_event *e = &b.events[0];
    fx_str_eq(e->channel, "instagram");
    cr_assert_eq(e->kind, GG_EVENT_COMMENT);
    fx_str_eq(e->account_id, "17841405822304914");
    fx_str_eq(e->native_id, "17912345678901234");
    fx_str_eq(e->author_id, "5827364019283746");
    fx_str_eq(e->author_handle, "dewi.lestari_");
    fx_str_eq(e->text, "Tolong bangun lebih banyak taman kota untuk anak-anak \xF0\x9F\x8C\xB3 "
                       "#GagasanWarga");
    cr_assert_eq(e->created_at, 1795144870, "entry.time: comments carry no time");
    fx_str_eq(e->thread_root_id, "18045678901234567");
    fx_str_eq(e->parent_id, "18045678901234567");
    fx_str_eq(e->dedupe_key, "instagram|17841405822304914|17912345678901234|comment|");
    gg_channels_batch_dispose(&b);

    fx_decode(M, "instagram/webhook-comment-reply.json", &b);
    cr_assert_eq(b.n, 1);
    fx_str_eq(b.events[0].native_id, "17923456789012345");
    fx_str_eq(b.events[0].parent_id, "17912345678901234");
    fx_str_eq(b.events[0].author_handle, "madesuarta.bali");
    fx_str_eq(b.events[0].text,
              "@dewi.lestari_ betul, di Denpasar juga taman bermainnya sudah rusak.");
    cr_assert_eq(b.events[0].created_at, 1795144997);
    gg_channels_batch_dispose(&b);

    fx_decode(M, "instagram/webhook-mentions.json", &b);
    cr_assert_eq(b.n, 1);
    cr_assert_eq(b.events[0].kind, GG_EVENT_MENTION);
    fx_str_eq(b.events[0].native_id, "17945678901234567");
    fx_str_eq(b.events[0].thread_root_id, "18051234567890123");
    cr_assert(b.events[0].flags & GG_EVF_NEEDS_FETCH);
    cr_assert_null(b.events[0].text);
    cr_assert_eq(b.events[0].created_at, 1795145267);
    gg_channels_batch_dispose(&b);

    fx_decode(M, "instagram/webhook-messaging-dm.json", &b);
    cr_assert_eq(b.n, 1);
    e = &b.events[0];
    fx_str_eq(e->channel, "instagram");
    cr_assert_eq(e->kind, GG_EVENT_MESSAGE);
    cr_assert(strncmp(e->native_id, "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx", 42) == 0);
    fx_str_eq(e->author_id, "5827364019283746");
    fx_str_eq(e->text, "Halo min, kapan ada program beasiswa untuk mahasiswa dari desa?");
    cr_assert_eq(e->created_at, 1795144876, "messaging timestamps are milliseconds");
    fx_str_eq(e->reply.chat_id, "5827364019283746");
    fx_str_eq(e->reply.via_id, "17841405822304914");
    cr_assert_eq(e->reply.window_start, 1795144876);
    gg_channels_batch_dispose(&b);
}

Test(channels_meta, messenger)
{
    gg_channel_batch b;
    const char *mid = "m_Vx8pQ2rT5yUw3zA1bC4dE6fG7hI9jK0lM2nO4pQ6rS8tU0vW2xY4zA6bC8dE0fG2hI4jK6l"
                      "M8nO0pQ2rS4t";
    fx_decode(M, "messenger/webhook-message-text.json", &b);
    cr_assert_eq(b.n, 1);
    const gg_event *e = &b.events[0];
    fx_str_eq(e->channel, "messenger");
    cr_assert_eq(e->kind, GG_EVENT_MESSAGE);
    fx_str_eq(e->account_id, "104729385610923");
    fx_str_eq(e->native_id, mid);
    fx_str_eq(e->author_id, "7263548190273645");
    fx_str_eq(e->text, "Assalamualaikum, saya mau usul soal air bersih di Desa Sukamaju. Sudah 2 "
                       "minggu PDAM mati \xF0\x9F\x98\xA5");
    cr_assert_eq(e->created_at, 1795144886);
    fx_str_eq(e->thread_root_id, "7263548190273645");
    fx_str_eq(e->reply.to_id, mid);
    fx_str_eq(e->reply.chat_id, "7263548190273645");
    fx_str_eq(e->reply.via_id, "104729385610923");
    cr_assert_eq(e->reply.window_start, 1795144886);
    gg_channels_batch_dispose(&b);

    fx_decode(M, "messenger/webhook-message-reply-attachment.json", &b);
    cr_assert_eq(b.n, 1);
    e = &b.events[0];
    fx_str_eq(e->parent_id,
              "m_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8Nn7Mm6Ll5Kk4Jj3Ii2Hh1Gg0Ff9Ee8Dd7"
              "Cc6Bb5Aa4Zz3Yy");
    fx_str_eq(e->media, "https://scontent.xx.fbcdn.net/v/t1.15752-9/468123456_1234567890_n.jpg"
                        "?stp=dst-jpg&_nc_cat=1&oh=00_AYB1&oe=6750A1B2");
    fx_str_eq(e->text, "Ini fotonya, pipanya bocor di dekat balai desa.");
    cr_assert_eq(e->created_at, 1795145006);
    gg_channels_batch_dispose(&b);

    fx_decode(M, "messenger/webhook-message-edit.json", &b);
    cr_assert_eq(b.n, 1);
    e = &b.events[0];
    cr_assert_eq(e->kind, GG_EVENT_EDIT);
    fx_str_eq(e->native_id, mid);
    fx_str_eq(e->version, "1");
    cr_assert(strstr(e->text, "Desa Sukamaju, Kec. Cibeber") != NULL);
    cr_assert_eq(e->edited_at, 1795145066);
    char key[256];
    snprintf(key, sizeof key, "messenger|104729385610923|%s|edit|1", mid);
    fx_str_eq(e->dedupe_key, key);
    gg_channels_batch_dispose(&b);
}

Test(channels_meta, whatsapp_messages)
{
    gg_channel_batch b;
    const char *text_id = "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBBMUIyQzNENEU1RjYwNzA4MDkA";
    fx_decode(M, "whatsapp/webhook-message-text.json", &b);
    cr_assert_eq(b.n, 1);
    const gg_event *e = &b.events[0];
    fx_str_eq(e->channel, "whatsapp");
    cr_assert_eq(e->kind, GG_EVENT_MESSAGE);
    fx_str_eq(e->account_id, "109283746501928");
    fx_str_eq(e->native_id, text_id);
    fx_str_eq(e->author_id, "ID.7402958163027485193"); /* BSUID first */
    fx_str_eq(e->author_name, "Budi Santoso");
    fx_str_eq(e->text, "Selamat pagi. Harga beras di Pasar Kramat Jati naik terus, mohon partai "
                       "perjuangkan subsidi pangan \xF0\x9F\x99\x8F");
    cr_assert_eq(e->created_at, 1795144897, "timestamp is a decimal string");
    fx_str_eq(e->reply.to_id, text_id);
    fx_str_eq(e->reply.chat_id, "6281234567890");
    fx_str_eq(e->reply.via_id, "109283746501928");
    cr_assert_eq(e->reply.window_start, 1795144897);
    gg_channels_batch_dispose(&b);

    fx_decode(M, "whatsapp/webhook-message-reply-context.json", &b);
    cr_assert_eq(b.n, 1);
    fx_str_eq(b.events[0].parent_id,
              "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjk4QTdCNkM1RDRFM0YyMDExMgA=");
    fx_str_eq(b.events[0].author_id, "6281234567890");
    fx_str_eq(b.events[0].text, "Baik, terima kasih. Saya tunggu kabarnya ya.");
    cr_assert_eq(b.events[0].created_at, 1795145267);
    gg_channels_batch_dispose(&b);

    fx_decode(M, "whatsapp/webhook-message-location.json", &b);
    cr_assert_eq(b.n, 1);
    e = &b.events[0];
    cr_assert(e->flags & GG_EVF_HAS_GEO);
    cr_assert_float_eq(e->lat, -6.2724931, 1e-9);
    cr_assert_float_eq(e->lon, 106.8661012, 1e-9);
    fx_str_eq(e->detail, "Pasar Induk Kramat Jati, Jl. Raya Bogor, Kramat Jati, Jakarta Timur");
    cr_assert_null(e->text);
    cr_assert_eq(e->created_at, 1795145327);
    gg_channels_batch_dispose(&b);

    fx_decode(M, "whatsapp/webhook-message-image.json", &b);
    cr_assert_eq(b.n, 1);
    fx_str_eq(b.events[0].text, "Daftar harga hari ini");
    fx_str_eq(b.events[0].media, "1290384756102938");
    fx_str_eq(b.events[0].detail, "image");
    gg_channels_batch_dispose(&b);
}

Test(channels_meta, whatsapp_edit_revoke_status)
{
    gg_channel_batch b;
    fx_decode(M, "whatsapp/webhook-message-edit.json", &b);
    cr_assert_eq(b.n, 1);
    const gg_event *e = &b.events[0];
    cr_assert_eq(e->kind, GG_EVENT_EDIT);
    fx_str_eq(e->native_id, "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBBMUIyQzNENEU1RjYwNzA4MDkA");
    fx_str_eq(e->version, "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBFMUYyQTNCNEM1RDZFN0Y4OTAA");
    fx_str_eq(e->text, "Selamat pagi. Harga beras medium di Pasar Kramat Jati naik terus "
                       "(Rp15.500/kg), mohon partai perjuangkan subsidi pangan \xF0\x9F\x99\x8F");
    cr_assert_eq(e->edited_at, 1795145387);
    gg_channels_batch_dispose(&b);

    fx_decode(M, "whatsapp/webhook-message-revoke.json", &b);
    cr_assert_eq(b.n, 1);
    cr_assert_eq(b.events[0].kind, GG_EVENT_DELETE);
    fx_str_eq(b.events[0].native_id,
              "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBEOUU4RjdBNkI1QzRERDNFMkYA");
    cr_assert_null(b.events[0].reply.to_id);
    cr_assert_eq(b.events[0].created_at, 1795145427);
    gg_channels_batch_dispose(&b);

    fx_decode(M, "whatsapp/webhook-status-read.json", &b);
    cr_assert_eq(b.n, 1);
    cr_assert_eq(b.events[0].kind, GG_EVENT_STATUS);
    fx_str_eq(b.events[0].native_id,
              "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjk4QTdCNkM1RDRFM0YyMDExMgA=");
    fx_str_eq(b.events[0].version, "read");
    cr_assert_null(b.events[0].detail);
    cr_assert_eq(b.events[0].created_at, 1795145247);
    fx_str_eq(b.events[0].dedupe_key, "whatsapp|109283746501928|wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEY"
                                      "Ejk4QTdCNkM1RDRFM0YyMDExMgA=|status|read");
    gg_channels_batch_dispose(&b);

    fx_decode(M, "whatsapp/webhook-status-failed-131047.json", &b);
    cr_assert_eq(b.n, 1);
    fx_str_eq(b.events[0].version, "failed");
    fx_str_eq(b.events[0].detail, "131047 Re-engagement message");
    fx_str_eq(b.events[0].reply.chat_id, "6281234567890");
    cr_assert_eq(b.events[0].created_at, 1795234867);
    gg_channels_batch_dispose(&b);
}

static int decode_str(const char *s, gg_channel_batch *b)
{
    return gg_channel_meta.decode(s, strlen(s), b);
}

Test(channels_meta, malformed)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("facebook/feed-comment-add.json", &len);
    /* Truncated: every prefix of the body fails cleanly (never a crash). */
    for (size_t n = 0; n < len; n += 7) {
        int rc = gg_channel_meta.decode(raw, n, &b);
        cr_assert(rc == GG_EINVAL, "prefix %zu: rc=%d", n, rc);
        cr_assert_eq(b.n, 0);
        cr_assert(b.err[0] != '\0');
    }
    /* Bad UTF-8 in the raw bytes. */
    char *bad = strdup(raw);
    char *m = strstr(bad, "Usul");
    m[0] = (char)0xC3, m[1] = (char)0x28;
    cr_assert_eq(gg_channel_meta.decode(bad, len, &b), GG_EUTF8);
    /* A lone surrogate escape is not text either. */
    cr_assert_eq(decode_str("{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":"
                            "\"feed\",\"value\":{\"item\":\"comment\",\"verb\":\"add\","
                            "\"comment_id\":\"1_2\",\"message\":\"\\ud83d\"}}]}]}",
                            &b),
                 GG_EINVAL);
    cr_assert_eq(decode_str("[]", &b), GG_EINVAL);
    cr_assert_eq(decode_str("{\"object\":\"user\",\"entry\":[]}", &b), GG_EINVAL);
    cr_assert_eq(decode_str("{\"object\":\"page\"}", &b), GG_EINVAL);
    cr_assert_eq(
        decode_str("{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"changes\":[{"
                   "\"field\":\"feed\",\"value\":{\"item\":\"comment\",\"verb\":\"add\"}}]}]}",
                   &b),
        GG_EINVAL);
    cr_assert(strstr(b.err, "id") != NULL, "err: %s", b.err);
    cr_assert_eq(decode_str("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
                            "\"changes\":[{\"field\":\"messages\",\"value\":{}}]}]}",
                            &b),
                 GG_EINVAL);
    /* An empty batch is fine. */
    cr_assert_eq(decode_str("{\"object\":\"page\",\"entry\":[]}", &b), 0);
    cr_assert_eq(b.n, 0);
    gg_channels_batch_dispose(&b);
    /* Our own Page replying comes back flagged, not dropped. */
    cr_assert_eq(
        decode_str("{\"object\":\"page\",\"entry\":[{\"id\":\"9\",\"time\":1,\"changes\":[{"
                   "\"field\":\"feed\",\"value\":{\"from\":{\"id\":\"9\",\"name\":\"P\"},"
                   "\"item\":\"comment\",\"verb\":\"add\",\"comment_id\":\"1_2\","
                   "\"post_id\":\"9_1\",\"message\":\"ok\",\"created_time\":5}}]}]}",
                   &b),
        0);
    cr_assert_eq(b.n, 1);
    cr_assert(b.events[0].flags & GG_EVF_SELF);
    gg_channels_batch_dispose(&b);
    free(bad);
    free(raw);
}

Test(channels_meta, facebook_hide_unhide_and_page_mention)
{
    gg_channel_batch b;
    const char *hide = "{\"object\":\"page\",\"entry\":[{\"id\":\"104729385610923\",\"time\":1,"
                       "\"changes\":[{\"field\":\"feed\",\"value\":{\"item\":\"comment\",\"verb\":"
                       "\"hide\",\"comment_id\":\"1_2\",\"post_id\":\"104729385610923_1\","
                       "\"created_time\":1795145000}},{\"field\":\"feed\",\"value\":{\"item\":"
                       "\"comment\",\"verb\":\"unhide\",\"comment_id\":\"1_2\",\"post_id\":"
                       "\"104729385610923_1\",\"created_time\":1795145001}},{\"field\":\"feed\","
                       "\"value\":{\"item\":\"comment\",\"verb\":\"block\",\"comment_id\":\"1_3\"}}"
                       ",{\"field\":\"mention\",\"value\":{\"item\":\"post\",\"verb\":\"add\","
                       "\"post_id\":\"555_777\",\"message\":\"@Partai tolong\",\"from\":{\"id\":"
                       "\"42\",\"name\":\"Wati\"},\"created_time\":1795145002}}]}]}";
    cr_assert_eq(gg_channel_meta.decode(hide, strlen(hide), &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 3, "block is moderation bookkeeping, not an event");
    cr_assert_eq(b.events[0].kind, GG_EVENT_HIDE);
    cr_assert_eq(b.events[1].kind, GG_EVENT_UNHIDE);
    fx_str_eq(b.events[0].native_id, "1_2");
    cr_assert_null(b.events[0].reply.to_id);
    cr_assert_eq(b.events[2].kind, GG_EVENT_MENTION);
    fx_str_eq(b.events[2].native_id, "555_777");
    fx_str_eq(b.events[2].text, "@Partai tolong");
    fx_str_eq(b.events[2].reply.to_id, "555_777");
    /* Every key differs, so a redelivered batch dedupes event by event. */
    cr_assert_str_neq(b.events[0].dedupe_key, b.events[1].dedupe_key);
    gg_channels_batch_dispose(&b);
}

Test(channels_meta, whatsapp_interactive_and_bsuid_only)
{
    gg_channel_batch b;
    const char *body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{"
        "\"field\":"
        "\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"109283746501928\"},"
        "\"contacts\":[{\"profile\":{\"name\":\"Sari\"},\"user_id\":\"ID.99\"}],\"messages\":["
        "{\"from_user_id\":\"ID.99\",\"id\":\"wamid.A\",\"timestamp\":\"1795145000\",\"type\":"
        "\"interactive\",\"interactive\":{\"type\":\"button_reply\",\"button_reply\":{\"id\":"
        "\"b1\","
        "\"title\":\"Setuju\"}}},{\"from\":\"628111\",\"id\":\"wamid.B\",\"timestamp\":"
        "\"1795145001\","
        "\"type\":\"reaction\",\"reaction\":{\"message_id\":\"wamid.A\",\"emoji\":\"x\"}},"
        "{\"from\":\"628111\",\"id\":\"wamid.C\",\"timestamp\":\"1795145002\",\"type\":\"button\","
        "\"button\":{\"text\":\"Info\",\"payload\":\"p\"}}]}}]}]}";
    cr_assert_eq(gg_channel_meta.decode(body, strlen(body), &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 2, "reactions are not messages");
    fx_str_eq(b.events[0].text, "Setuju");
    fx_str_eq(b.events[0].author_id, "ID.99");
    fx_str_eq(b.events[0].author_name, "Sari");
    fx_str_eq(b.events[0].detail, "interactive");
    /* No phone number: the send API cannot address a BSUID-only user yet. */
    cr_assert_null(b.events[0].reply.chat_id);
    gg_channel_request r;
    gg_reply_opts o = {.text = "ok", .now = 1795145100};
    cr_assert_eq(gg_channels_build_reply(&r, &b.events[0], &o), GG_EINVAL);
    fx_str_eq(b.events[1].text, "Info");
    fx_str_eq(b.events[1].author_id, "628111");
    cr_assert_eq(gg_channels_build_reply(&r, &b.events[1], &o), 0);
    gg_channels_request_dispose(&r);
    gg_channels_batch_dispose(&b);
}
