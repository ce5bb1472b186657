/*
 * mastodon.c — tests for src/channels/mastodon.c: admin webhook, the SSE
 * transcript and single events (update, status.update, bare-id delete),
 * the WebSocket frame (payload parsed twice), timeline and notification
 * pages with Link cursors, the 429 body, HTML → text, malformed input.
 */
#include "fixture.h"

static const char *MADE_15 = "Usul untuk Bali: angkutan umum Denpasar\xE2\x80\x93Gianyar tiap 15 "
                             "menit, & jalur sepeda aman ke sekolah. #GagasanWarga";

static void check_made(const gg_event *e, const char *text)
{
    fx_str_eq(e->channel, "mastodon");
    fx_str_eq(e->native_id, "115612345678901234");
    fx_str_eq(e->author_id, "109876543210987654");
    fx_str_eq(e->author_handle, "madesuarta@bali.example.id");
    fx_str_eq(e->author_name, "Made Suarta \xF0\x9F\x8C\xB4");
    fx_str_eq(e->text, text);
    cr_assert(e->flags & GG_EVF_HTML);
    fx_str_eq(e->lang, "id");
    cr_assert_eq(e->created_at, 1795144867);
    fx_str_eq(e->detail, "public");
    fx_str_eq(e->reply.to_id, "115612345678901234");
    fx_str_eq(e->reply.handle, "madesuarta@bali.example.id");
    cr_assert_null(e->parent_id);
}

Test(channels_mastodon, admin_webhook)
{
    gg_channel_batch b;
    fx_decode(&gg_channel_mastodon, "mastodon/admin-webhook-status-created.json", &b);
    cr_assert_eq(b.n, 1);
    cr_assert_eq(b.events[0].kind, GG_EVENT_POST);
    check_made(&b.events[0], MADE_15);
    fx_str_eq(b.events[0].version, "");
    fx_str_eq(b.events[0].dedupe_key, "mastodon||115612345678901234|post|");
    gg_channels_batch_dispose(&b);
    /* account.* / report.* events are not ideas. */
    const char *acct = "{\"event\":\"account.approved\",\"created_at\":\"2026-11-20T03:21:08Z\","
                       "\"object\":{\"id\":\"1\"}}";
    cr_assert_eq(gg_channel_mastodon.decode(acct, strlen(acct), &b), 0);
    cr_assert_eq(b.n, 0);
    gg_channels_batch_dispose(&b);
}

static void check_edit(const gg_event *e)
{
    cr_assert_eq(e->kind, GG_EVENT_EDIT);
    check_made(e, "Usul untuk Bali: angkutan umum Denpasar\xE2\x80\x93Gianyar tiap 10 menit, & "
                  "jalur sepeda aman ke sekolah. #GagasanWarga");
    fx_str_eq(e->version, "2026-11-20T03:26:07.000Z");
    cr_assert_eq(e->edited_at, 1795145167);
}

Test(channels_mastodon, single_stream_events)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("mastodon/streaming-event-update.data.json", &len);
    cr_assert_eq(gg_channels_mastodon_decode_event("update", raw, len, &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 1);
    cr_assert_eq(b.events[0].kind, GG_EVENT_POST);
    check_made(&b.events[0], MADE_15);
    gg_channels_batch_dispose(&b);
    free(raw);

    raw = fx_body("mastodon/streaming-event-status-update.data.json", &len);
    cr_assert_eq(gg_channels_mastodon_decode_event("status.update", raw, len, &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 1);
    check_edit(&b.events[0]);
    gg_channels_batch_dispose(&b);
    free(raw);

    /* delete carries a bare id, not JSON. */
    cr_assert_eq(gg_channels_mastodon_decode_event("delete", "115612345678905555", 18, &b), 0);
    cr_assert_eq(b.n, 1);
    cr_assert_eq(b.events[0].kind, GG_EVENT_DELETE);
    fx_str_eq(b.events[0].native_id, "115612345678905555");
    gg_channels_batch_dispose(&b);
    cr_assert_eq(gg_channels_mastodon_decode_event("delete", "\"x\" <b>", 8, &b), GG_EINVAL);
    cr_assert_eq(gg_channels_mastodon_decode_event("filters_changed", "", 0, &b), 0);
    cr_assert_eq(b.n, 0);
    gg_channels_batch_dispose(&b);
}

Test(channels_mastodon, sse_transcript)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("mastodon/streaming-hashtag.transcript.sse", &len);
    cr_assert_eq(gg_channels_mastodon_decode_sse(raw, len, &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 3, ":) and :thump are comments");
    cr_assert_eq(b.events[0].kind, GG_EVENT_POST);
    check_made(&b.events[0], MADE_15);
    check_edit(&b.events[1]);
    cr_assert_eq(b.events[2].kind, GG_EVENT_DELETE);
    fx_str_eq(b.events[2].native_id, "115612345678905555");
    fx_str_eq(b.events[2].dedupe_key, "mastodon||115612345678905555|delete|");
    gg_channels_batch_dispose(&b);
    /* An event without its closing blank line waits for the next chunk. */
    const char *half = "event: delete\ndata: 42\n";
    cr_assert_eq(gg_channels_mastodon_decode_sse(half, strlen(half), &b), 0);
    cr_assert_eq(b.n, 0);
    gg_channels_batch_dispose(&b);
    const char *crlf = "event: delete\r\ndata: 42\r\n\r\n";
    cr_assert_eq(gg_channels_mastodon_decode_sse(crlf, strlen(crlf), &b), 0);
    cr_assert_eq(b.n, 1);
    fx_str_eq(b.events[0].native_id, "42");
    gg_channels_batch_dispose(&b);
    /* A corrupt update in the stream is an error with a reason. */
    const char *bad = "event: update\ndata: {\"id\":\n\n";
    cr_assert_eq(gg_channels_mastodon_decode_sse(bad, strlen(bad), &b), GG_EINVAL);
    cr_assert(b.err[0]);
    free(raw);
}

Test(channels_mastodon, websocket_frame)
{
    gg_channel_batch b;
    size_t len;
    char *raw = fx_body("mastodon/streaming-websocket-update.frame.json", &len);
    cr_assert_eq(gg_channels_mastodon_decode_ws(raw, len, &b), 0, "%s", b.err);
    cr_assert_eq(b.n, 1);
    check_made(&b.events[0], MADE_15);
    gg_channels_batch_dispose(&b);
    free(raw);
    const char *del = "{\"stream\":[\"hashtag\",\"x\"],\"event\":\"delete\",\"payload\":\"99\"}";
    cr_assert_eq(gg_channels_mastodon_decode_ws(del, strlen(del), &b), 0);
    fx_str_eq(b.events[0].native_id, "99");
    gg_channels_batch_dispose(&b);
    const char *err = "{\"error\":\"Unknown stream type\",\"status\":400}";
    cr_assert_eq(gg_channels_mastodon_decode_ws(err, strlen(err), &b), GG_EUPSTREAM);
    const char *obj = "{\"event\":\"update\",\"payload\":{\"id\":\"1\"}}";
    cr_assert_eq(gg_channels_mastodon_decode_ws(obj, strlen(obj), &b), GG_EINVAL);
}

Test(channels_mastodon, rest_pages)
{
    gg_channel_batch b;
    fx_head h;
    size_t len;
    char *raw = fx_body("mastodon/timeline-tag.response.json", &len);
    fx_head_load(&h, "mastodon/timeline-tag.response");
    cr_assert_eq(gg_channels_mastodon_decode_page(raw, len, fx_header(&h, "Link"), &b), 0, "%s",
                 b.err);
    cr_assert_eq(b.n, 2);
    check_made(&b.events[0], MADE_15);
    const gg_event *e = &b.events[1];
    fx_str_eq(e->native_id, "115612345678800001");
    fx_str_eq(e->author_handle, "nuraisyah");
    fx_str_eq(e->author_name, "Nur Aisyah");
    fx_str_eq(e->text, "Kami di Bandung butuh TPS3R di tiap kelurahan, sampah numpuk di pinggir "
                       "jalan. #GagasanWarga");
    cr_assert_eq(e->created_at, 1795143967);
    fx_str_eq(
        b.next_page,
        "https://kabar.example.id/api/v1/timelines/tag/gagasanwarga?max_id=115612345678800001");
    fx_str_eq(
        b.prev_page,
        "https://kabar.example.id/api/v1/timelines/tag/gagasanwarga?min_id=115612345678901234");
    gg_channels_batch_dispose(&b);
    fx_head_free(&h);
    free(raw);

    raw = fx_body("mastodon/notifications-mention.response.json", &len);
    fx_head_load(&h, "mastodon/notifications-mention.response");
    cr_assert_eq(gg_channels_mastodon_decode_page(raw, len, fx_header(&h, "Link"), &b), 0, "%s",
                 b.err);
    cr_assert_eq(b.n, 1);
    e = &b.events[0];
    cr_assert_eq(e->kind, GG_EVENT_MENTION);
    fx_str_eq(e->native_id, "115612345679000777");
    fx_str_eq(e->author_handle, "madesuarta@bali.example.id");
    fx_str_eq(e->text, "@suarawarga kapan ada diskusi publik soal RUU Penyiaran di Yogyakarta?");
    cr_assert_eq(e->created_at, 1795144927);
    fx_str_eq(b.next_page,
              "https://kabar.example.id/api/v1/notifications?max_id=48213377&types%5B%5D=mention");
    fx_str_eq(b.prev_page,
              "https://kabar.example.id/api/v1/notifications?min_id=48213377&types%5B%5D=mention");
    gg_channels_batch_dispose(&b);
    fx_head_free(&h);
    free(raw);

    /* No Link header: no cursors. */
    cr_assert_eq(gg_channels_mastodon_decode_page("[]", 2, NULL, &b), 0);
    cr_assert_null(b.next_page);
    gg_channels_batch_dispose(&b);

    raw = fx_body("mastodon/rate-limited-429.response.json", &len);
    cr_assert_eq(gg_channels_mastodon_decode_page(raw, len, NULL, &b), GG_ERATE);
    free(raw);
    raw = fx_body("mastodon/post-status-reply.response.json", &len);
    cr_assert_eq(gg_channels_mastodon_decode_page(raw, len, NULL, &b), GG_EINVAL);
    /* Our own reply, seen as a stream update: a comment answering Made. */
    cr_assert_eq(gg_channels_mastodon_decode_event("update", raw, len, &b), 0);
    cr_assert_eq(b.events[0].kind, GG_EVENT_COMMENT);
    fx_str_eq(b.events[0].parent_id, "115612345678901234");
    gg_channels_batch_dispose(&b);
    free(raw);
}

Test(channels_mastodon, html_and_malformed)
{
    gg_channel_batch b;
    const char *st = "{\"event\":\"status.created\",\"object\":{\"id\":\"7\",\"reblog\":null,"
                     "\"content\":\"\\u003cp\\u003eA \\u0026lt;b\\u0026gt; \\u0026#x1F600;"
                     "\\u003cbr\\u003eB\\u003c/p\\u003e\\u003cp\\u003eC \\u0026#0; \\u0026bogus;"
                     "\\u003c/p\\u003e\",\"account\":{\"id\":\"2\",\"acct\":\"a\",\"bot\":true},"
                     "\"created_at\":\"2026-11-20T10:21:07+07:00\"}}";
    cr_assert_eq(gg_channel_mastodon.decode(st, strlen(st), &b), 0, "%s", b.err);
    fx_str_eq(b.events[0].text, "A <b> \xF0\x9F\x98\x80\nB\n\nC &#0; &bogus;");
    cr_assert(b.events[0].flags & GG_EVF_BOT);
    cr_assert_eq(b.events[0].created_at, 1795144867, "+07:00 offset applied");
    gg_channels_batch_dispose(&b);
    /* A boost is not new content. */
    const char *boost =
        "{\"event\":\"status.created\",\"object\":{\"id\":\"8\",\"reblog\":{\"id\":\"7\"}}}";
    cr_assert_eq(gg_channel_mastodon.decode(boost, strlen(boost), &b), 0);
    cr_assert_eq(b.n, 0);
    gg_channels_batch_dispose(&b);
    size_t len;
    char *raw = fx_body("mastodon/admin-webhook-status-created.json", &len);
    for (size_t n = 0; n < len; n += 53)
        cr_assert_eq(gg_channel_mastodon.decode(raw, n, &b), GG_EINVAL, "prefix %zu", n);
    raw[len / 2] = (char)0xFF;
    cr_assert_eq(gg_channel_mastodon.decode(raw, len, &b), GG_EUTF8);
    cr_assert_eq(gg_channel_mastodon.decode("{\"event\":\"status.created\"}", 26, &b), GG_EINVAL);
    free(raw);
}
