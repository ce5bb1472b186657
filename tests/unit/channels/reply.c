/*
 * reply.c — outbound builder tests for src/channels/: the reply to a decoded
 * fixture event must equal the recorded request fixture byte for byte (path,
 * host, body, Idempotency-Key); the 24-hour window refuses late Messenger and
 * WhatsApp replies with GG_ECONFLICT; limits and unanswerable events fail.
 */
#include "fixture.h"

/* Decode `in` with decoder ch and keep event i. */
static gg_channel_batch B;

static const gg_event *event_of(const gg_channel *ch, const char *in, size_t i)
{
    fx_decode(ch, in, &B);
    cr_assert_gt(B.n, i);
    return &B.events[i];
}

/* The built request equals <stem>.headers + <stem>.json. */
static void expect_request(const gg_channel_request *r, const char *stem, const char *path_prefix)
{
    fx_head h;
    char file[256], line[512];
    size_t len;
    fx_head_load(&h, stem);
    snprintf(file, sizeof file, "%s.json", stem);
    char *want = fx_body(file, &len);
    snprintf(line, sizeof line, "%s %s%s HTTP/1.1", r->method, path_prefix, r->path);
    cr_assert_str_eq(line, h.start);
    if (r->host)
        cr_assert_str_eq(r->host, fx_header(&h, "Host"));
    cr_assert_str_eq(r->content_type, fx_header(&h, "Content-Type"));
    cr_assert_str_eq(r->body, want, "%s body", stem);
    cr_assert_eq(r->body_len, len);
    cr_assert_eq(r->body_len, (size_t)strtoul(fx_header(&h, "Content-Length"), NULL, 10));
    const char *key = fx_header(&h, "Idempotency-Key");
    if (key)
        cr_assert_str_eq(r->idempotency_key, key);
    else
        cr_assert_null(r->idempotency_key);
    free(want);
    fx_head_free(&h);
}

static void teardown(void)
{
    gg_channels_batch_dispose(&B);
}

TestSuite(channels_reply, .fini = teardown);

Test(channels_reply, facebook_comment)
{
    gg_channel_request r;
    const gg_event *e = event_of(&gg_channel_meta, "facebook/feed-comment-add.json", 0);
    gg_reply_opts o = {.text = "Terima kasih, Bu Siti! Usulan Anda sudah kami teruskan ke fraksi "
                               "di DPRD Sleman.",
                       .now = 1795145000};
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    cr_assert_eq(r.auth, GG_AUTH_BEARER);
    expect_request(&r, "facebook/graph-comment-reply.request", "");
    gg_channels_request_dispose(&r);
    /* A private reply goes to the Page's messages with recipient.comment_id. */
    o.private_reply = 1;
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    cr_assert_str_eq(r.path, "/v24.0/104729385610923/messages");
    cr_assert_str_eq(r.body,
                     "{\"recipient\":{\"comment_id\":\"122193847561038291_1092837465012345\"},"
                     "\"message\":{\"text\":\"Terima kasih, Bu Siti! Usulan Anda sudah kami "
                     "teruskan ke fraksi di DPRD Sleman.\"}}");
    gg_channels_request_dispose(&r);
    o.private_reply = 0;
    o.graph_version = "v25.0";
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    cr_assert_str_eq(r.path, "/v25.0/122193847561038291_1092837465012345/comments");
    gg_channels_request_dispose(&r);
}

Test(channels_reply, instagram_public_and_private)
{
    gg_channel_request r;
    const gg_event *e = event_of(&gg_channel_meta, "instagram/webhook-comments.json", 0);
    gg_reply_opts o = {.text = "Terima kasih, Kak Dewi! Usulan taman kota masuk daftar prioritas "
                               "kami."};
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    expect_request(&r, "instagram/graph-comment-reply.request", "");
    gg_channels_request_dispose(&r);
    gg_reply_opts p = {.text = "Halo Kak Dewi, boleh kami tahu lokasi taman yang dimaksud?",
                       .private_reply = 1};
    cr_assert_eq(gg_channels_build_reply(&r, e, &p), 0);
    expect_request(&r, "instagram/graph-private-reply.request", "");
    gg_channels_request_dispose(&r);
}

Test(channels_reply, messenger_window)
{
    gg_channel_request r;
    const gg_event *e = event_of(&gg_channel_meta, "messenger/webhook-message-text.json", 0);
    gg_reply_opts o = {.text = "Waalaikumsalam, terima kasih laporannya. Tim kami di Cianjur akan "
                               "menghubungi PDAM setempat minggu ini.",
                       .now = 1795144886 + 3600};
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    expect_request(&r, "messenger/send-api.request", "");
    gg_channels_request_dispose(&r);
    o.now = 1795144886 + 24 * 3600 - 1;
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    gg_channels_request_dispose(&r);
    o.now = 1795144886 + 24 * 3600;
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_ECONFLICT, "outside the 24-hour window");
    cr_assert_null(r.body);
    o.now = 0;
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_ECONFLICT, "now must be given");
}

Test(channels_reply, whatsapp_window)
{
    gg_channel_request r;
    const gg_event *e = event_of(&gg_channel_meta, "whatsapp/webhook-message-text.json", 0);
    gg_reply_opts o = {.text = "Terima kasih, Pak Budi. Aspirasi soal harga beras sudah kami catat "
                               "dan akan dibawa ke rapat fraksi Kamis ini.",
                       .now = 1795144897 + 600};
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    expect_request(&r, "whatsapp/send-text.request", "");
    gg_channels_request_dispose(&r);
    /* 131047 in the fixtures is what a late send turns into: refuse it up front. */
    o.now = 1795234867;
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_ECONFLICT);
    gg_channels_batch_dispose(&B);
    e = event_of(&gg_channel_meta, "whatsapp/webhook-status-failed-131047.json", 0);
    o.now = 1795234867;
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_EINVAL, "a status is not answerable");
}

Test(channels_reply, whatsapp_template_outside_the_window)
{
    gg_channel_request r;
    const gg_event *e = event_of(&gg_channel_meta, "whatsapp/webhook-message-text.json", 0);
    gg_reply_opts o = {.text = "Kabar terbaru:\n\ngagasan   \"Harga beras\" sedang ditelaah.\t",
                       .now = 1795144897 + 24 * 3600,
                       .wa_template = "gagas_kabar_gagasan",
                       .wa_template_lang = "id"};
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    cr_assert_str_eq(r.path, "/v24.0/109283746501928/messages");
    cr_assert_str_eq(
        r.body, "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\","
                "\"to\":\"6281234567890\",\"type\":\"template\",\"template\":{\"name\":"
                "\"gagas_kabar_gagasan\",\"language\":{\"code\":\"id\"},\"components\":[{"
                "\"type\":\"body\",\"parameters\":[{\"type\":\"text\",\"text\":"
                "\"Kabar terbaru: gagasan \\\"Harga beras\\\" sedang ditelaah.\"}]}]}}",
        "one line, single spaces: what WhatsApp accepts as a parameter");
    gg_channels_request_dispose(&r);
    /* inside the window the same settings send free text */
    o.now = 1795144897 + 600;
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    cr_assert(strstr(r.body, "\"type\":\"text\"") != NULL);
    gg_channels_request_dispose(&r);
    /* with the outbox key, WhatsApp echoes it in the message's statuses */
    o.idempotency_key = "gagas-outbox-42";
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    cr_assert(strstr(r.body, "\"biz_opaque_callback_data\":\"gagas-outbox-42\"") != NULL, "%s",
              r.body);
    gg_channels_request_dispose(&r);
    o.idempotency_key = NULL;
    /* no language: Indonesian; a bad name or an empty answer is refused */
    o.now = 1795144897 + 24 * 3600;
    o.wa_template_lang = NULL;
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    cr_assert(strstr(r.body, "\"code\":\"id\"") != NULL);
    gg_channels_request_dispose(&r);
    o.wa_template = "Kabar Gagasan";
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_EINVAL);
    o.wa_template = "gagas_kabar_gagasan";
    o.text = " \n\t ";
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_EINVAL);
    /* Messenger has no templates here: still refused */
    gg_channels_batch_dispose(&B);
    e = event_of(&gg_channel_meta, "messenger/webhook-message-text.json", 0);
    o.text = "Halo";
    o.now = 1795144886 + 24 * 3600;
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_ECONFLICT);
}

Test(channels_reply, x_reply_and_poll)
{
    gg_channel_request r;
    const gg_event *e = event_of(&gg_channel_x, "x/aaa-tweet-create-events.json", 0);
    gg_reply_opts o = {.text = "Terima kasih, Pak Budi. Usulan subsidi transportasi untuk pekerja "
                               "harian kami catat untuk dibahas di rapat kebijakan pekan depan."};
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    expect_request(&r, "x/create-reply.request", "");
    gg_channels_request_dispose(&r);

    const char *opts[] = {"Transportasi umum", "Banjir & drainase", "Harga pangan",
                          "Lapangan kerja"};
    gg_poll_opts p = {.question = "Menurut warga, program mana yang paling mendesak untuk Jakarta "
                                  "tahun 2027?",
                      .options = opts,
                      .n_options = 4,
                      .duration_s = 1440 * 60};
    cr_assert_eq(gg_channels_x_build_poll(&r, &p), 0);
    expect_request(&r, "x/create-poll.request", "");
    gg_channels_request_dispose(&r);
    p.n_options = 1;
    cr_assert_eq(gg_channels_x_build_poll(&r, &p), GG_EINVAL, "2-4 options");
    const char *five[] = {"a", "b", "c", "d", "e"};
    p.options = five, p.n_options = 5;
    cr_assert_eq(gg_channels_x_build_poll(&r, &p), GG_EINVAL);
    const char *longopt[] = {"ok", "an option that is over 25 characters"};
    p.options = longopt, p.n_options = 2;
    cr_assert_eq(gg_channels_x_build_poll(&r, &p), GG_EINVAL, "1-25 chars per option");
    p.options = opts, p.duration_s = 4 * 60;
    cr_assert_eq(gg_channels_x_build_poll(&r, &p), GG_EINVAL, "5-10080 minutes");
}

Test(channels_reply, telegram_message_and_polls)
{
    gg_channel_request r;
    const gg_event *e =
        event_of(&gg_channel_telegram, "telegram/update-message-group-reply.json", 0);
    gg_reply_opts o = {.text =
                           "Terima kasih, Kak Rina! Usulan lampu jalan di Jl. Palagan sudah kami "
                           "catat \xE2\x9C\x85"};
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    cr_assert_eq(r.auth, GG_AUTH_TELEGRAM_PATH);
    expect_request(&r, "telegram/sendMessage.request", "/bot{BOT_TOKEN}");
    gg_channels_request_dispose(&r);

    const char *opts[] = {"10%", "15%", "20%", "25%"};
    gg_poll_opts q = {.question = "Berapa persen minimal anggaran pendidikan menurut UUD 1945?",
                      .options = opts,
                      .n_options = 4,
                      .quiz = 1,
                      .correct_option = 2,
                      .explanation = "Pasal 31 ayat (4) UUD 1945: minimal 20% dari APBN dan APBD.",
                      .duration_s = 600};
    cr_assert_eq(gg_channels_telegram_build_poll(&r, "-1002233445566", &q), 0);
    expect_request(&r, "telegram/sendPoll-quiz.request", "/bot{BOT_TOKEN}");
    gg_channels_request_dispose(&r);

    gg_poll_opts reg = {
        .question = "Isu apa yang paling penting?", .options = opts, .n_options = 3, .multiple = 1};
    cr_assert_eq(gg_channels_telegram_build_poll(&r, "-1002233445566", &reg), 0);
    cr_assert_str_eq(r.body, "{\"chat_id\":-1002233445566,\"question\":\"Isu apa yang paling "
                             "penting?\",\"options\":[{\"text\":\"10%\"},{\"text\":\"15%\"},"
                             "{\"text\":\"20%\"}],\"is_anonymous\":false,\"type\":\"regular\","
                             "\"allows_multiple_answers\":true}");
    gg_channels_request_dispose(&r);
    q.correct_option = 4;
    cr_assert_eq(gg_channels_telegram_build_poll(&r, "-1002233445566", &q), GG_EINVAL);
    q.correct_option = 2;
    cr_assert_eq(gg_channels_telegram_build_poll(&r, "grup", &q), GG_EINVAL);
    q.duration_s = 3;
    cr_assert_eq(gg_channels_telegram_build_poll(&r, "-1002233445566", &q), GG_EINVAL);
    const char *bad[] = {"\xC3\x28", "b"};
    reg.options = bad, reg.n_options = 2;
    cr_assert_eq(gg_channels_telegram_build_poll(&r, "-1002233445566", &reg), GG_EINVAL);
    cr_assert_null(r.body);
}

Test(channels_reply, youtube)
{
    gg_channel_request r;
    const gg_event *e = NULL;
    size_t len;
    char *raw = fx_body("youtube/commentThreads-list.response.json", &len);
    cr_assert_eq(gg_channels_youtube_decode_page(raw, len, &B), 0);
    free(raw);
    e = &B.events[1];
    gg_reply_opts o = {.text =
                           "Terima kasih, Pak Budi. Usulan gudang desa dan koperasi sudah masuk "
                           "bahan rapat kebijakan pertanian."};
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    expect_request(&r, "youtube/comments-insert.request", "");
    gg_channels_request_dispose(&r);
    /* Answering the reply (events[2]) still attaches under the top-level thread. */
    cr_assert_eq(gg_channels_build_reply(&r, &B.events[2], &o), 0);
    expect_request(&r, "youtube/comments-insert.request", "");
    gg_channels_request_dispose(&r);
}

Test(channels_reply, mastodon_reply_and_poll)
{
    gg_channel_request r;
    const gg_event *e =
        event_of(&gg_channel_mastodon, "mastodon/admin-webhook-status-created.json", 0);
    gg_reply_opts o = {.text =
                           "Terima kasih, Pak Made! Usulan angkutan Denpasar\xE2\x80\x93Gianyar "
                           "kami catat.",
                       .idempotency_key = "reply-mastodon-115612345678901234-v1"};
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    cr_assert_null(r.host, "per-instance base URL");
    expect_request(&r, "mastodon/post-status-reply.request", "");
    gg_channels_request_dispose(&r);
    /* Already starting with the mention: not doubled. */
    o.text = "@madesuarta@bali.example.id Terima kasih, Pak Made! Usulan angkutan "
             "Denpasar\xE2\x80\x93Gianyar kami catat.";
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    expect_request(&r, "mastodon/post-status-reply.request", "");
    gg_channels_request_dispose(&r);
    o.idempotency_key = NULL;
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_EINVAL, "Idempotency-Key is required");

    const char *opts[] = {"Transportasi", "Air bersih", "Pendidikan", "Lapangan kerja"};
    gg_poll_opts p = {.question = "Jajak pendapat: isu apa yang paling penting untuk Pilkada 2027? "
                                  "#GagasanWarga",
                      .options = opts,
                      .n_options = 4,
                      .duration_s = 86400};
    cr_assert_eq(gg_channels_mastodon_build_poll(&r, &p, "poll-pilkada-2027-v1", NULL), 0);
    expect_request(&r, "mastodon/post-status-poll.request", "");
    gg_channels_request_dispose(&r);
    p.duration_s = 60;
    cr_assert_eq(gg_channels_mastodon_build_poll(&r, &p, "k", NULL), GG_EINVAL);
}

Test(channels_reply, mastodon_direct_stays_direct)
{
    gg_channel_request r;
    const char *st =
        "{\"event\":\"status.created\",\"object\":{\"id\":\"5\",\"visibility\":"
        "\"direct\",\"content\":\"hai\",\"account\":{\"id\":\"2\",\"acct\":\"a@b.id\"}}}";
    cr_assert_eq(gg_channel_mastodon.decode(st, strlen(st), &B), 0);
    gg_reply_opts o = {.text = "halo", .idempotency_key = "k1"};
    cr_assert_eq(gg_channels_build_reply(&r, &B.events[0], &o), 0);
    cr_assert_str_eq(r.body, "{\"status\":\"@a@b.id halo\",\"in_reply_to_id\":\"5\","
                             "\"visibility\":\"direct\",\"language\":\"id\"}");
    gg_channels_request_dispose(&r);
}

Test(channels_reply, tiktok)
{
    gg_channel_request r;
    const gg_event *e =
        event_of(&gg_channel_tiktok, "tiktok/business-webhook-comment-insert.json", 0);
    gg_reply_opts o = {.text = "Terima kasih, Kak Rina! Soal BPJS pekerja informal kami bahas di "
                               "live Jumat ini.",
                       .business_id = "-000Ab3CdEfGhIjKlMnOpQrStUvWxYz0123456"};
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), 0);
    cr_assert_eq(r.auth, GG_AUTH_ACCESS_TOKEN);
    expect_request(&r, "tiktok/business-comment-reply-create.request", "");
    gg_channels_request_dispose(&r);
    o.business_id = NULL;
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_EINVAL);
}

Test(channels_reply, unanswerable)
{
    gg_channel_request r;
    gg_reply_opts o = {.text = "ok", .now = 1795145500};
    const gg_event *e = event_of(&gg_channel_meta, "facebook/feed-comment-remove.json", 0);
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_EINVAL, "deleted comment");
    gg_channels_batch_dispose(&B);
    e = event_of(&gg_channel_telegram, "telegram/update-poll-answer.json", 0);
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_EINVAL, "poll answer");
    gg_channels_batch_dispose(&B);
    e = event_of(&gg_channel_meta, "facebook/feed-comment-add.json", 0);
    o.text = "\xC3\x28";
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_EINVAL, "invalid UTF-8");
    o.text = "";
    cr_assert_eq(gg_channels_build_reply(&r, e, &o), GG_EINVAL, "empty");
    cr_assert_eq(gg_channels_build_reply(&r, e, NULL), GG_EINVAL);
    cr_assert_eq(gg_channels_build_reply(&r, NULL, &o), GG_EINVAL);
    gg_channels_request_dispose(NULL);
}
