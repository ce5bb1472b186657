/*
 * lookup.c — tests for src/channels/lookup.c: the read that finds our
 * post after an unreadable answer, per platform, and how its answer is
 * judged (found with its id, surely absent, unreadable); platforms with
 * no way to look say so.
 */
#include "fixture.h"

#include "channels/client.h"

static gg_channel_request sent_req(const char *method, const char *host, const char *path,
                                   const char *body, gg_channel_auth auth)
{
    gg_channel_request r;
    memset(&r, 0, sizeof r);
    r.method = method;
    r.host = host;
    r.path = (char *)path;
    r.body = (char *)body;
    r.body_len = body ? strlen(body) : 0;
    r.auth = auth;
    return r;
}

static int judge(const gg_lookup_opts *o, const char *body, char **id)
{
    return gg_channels_match_lookup(o, body, strlen(body), id);
}

Test(lookup, x_reply_found_on_our_timeline_with_its_link_shortened)
{
    gg_channel_request s = sent_req("POST", "api.x.com", "/2/tweets", "{}", GG_AUTH_BEARER);
    gg_lookup_opts o = {.channel = "x",
                        .sent = &s,
                        .parent_id = "1991999999999999999",
                        .self_id = "1578901234567890123",
                        .text = "Terima kasih! Lihat: http://gagas.test/i/7 & dukung"};
    gg_channel_request get;
    cr_assert_eq(gg_channels_build_lookup(&get, &o), 0);
    cr_assert_str_eq(get.method, "GET");
    cr_assert_str_eq(get.host, "api.x.com");
    cr_assert(strncmp(get.path, "/2/users/1578901234567890123/tweets?", 36) == 0, "%s", get.path);
    cr_assert(strstr(get.path, "referenced_tweets") != NULL);
    cr_assert_eq(get.auth, GG_AUTH_BEARER);
    gg_channels_request_dispose(&get);
    char *id = NULL;
    /* another reply with the same text to a different post, then ours */
    const char *page =
        "{\"data\":[{\"id\":\"1\",\"text\":\"Terima kasih! Lihat: https://t.co/x &amp; dukung\","
        "\"referenced_tweets\":[{\"type\":\"replied_to\",\"id\":\"5\"}]},"
        "{\"id\":\"2\",\"text\":\"Terima kasih! Lihat: https://t.co/Ab12 &amp; dukung\","
        "\"referenced_tweets\":[{\"type\":\"replied_to\",\"id\":\"1991999999999999999\"}]}],"
        "\"meta\":{\"result_count\":2}}";
    cr_assert_eq(judge(&o, page, &id), 0);
    cr_assert_str_eq(id, "2");
    free(id);
    /* a quote of the parent is not a reply to it */
    const char *quote = "{\"data\":[{\"id\":\"3\",\"text\":\"Terima kasih! Lihat: &amp; dukung\","
                        "\"referenced_tweets\":[{\"type\":\"quoted\",\"id\":\"1991999999999999999\"}]}]}";
    cr_assert_eq(judge(&o, quote, &id), GG_ENOTFOUND);
    cr_assert_null(id);
    cr_assert_eq(judge(&o, "{\"meta\":{\"result_count\":0}}", &id), GG_ENOTFOUND,
                 "an empty timeline: surely absent");
    cr_assert_eq(judge(&o, "{\"errors\":[{\"title\":\"x\"}]}", &id), GG_EINVAL);
    cr_assert_eq(judge(&o, "{\"data\":[", &id), GG_EINVAL, "cut short");
    /* a campaign call (no parent) matches only a post that replies to nothing */
    o.parent_id = NULL;
    cr_assert_eq(judge(&o, page, &id), GG_ENOTFOUND);
    const char *call = "{\"data\":[{\"id\":\"9\",\"text\":\"Terima kasih!  Lihat: https://t.co/Q "
                       "&amp; dukung\"}]}";
    cr_assert_eq(judge(&o, call, &id), 0);
    cr_assert_str_eq(id, "9");
    free(id);
    /* without our numeric user id there is nothing to read */
    o.self_id = "suarawarga";
    cr_assert_eq(gg_channels_build_lookup(&get, &o), GG_ENOTFOUND);
}

Test(lookup, youtube_reply_ours_by_author_and_text)
{
    gg_channel_request s = sent_req("POST", "www.googleapis.com", "/youtube/v3/comments?part=snippet",
                                    "{}", GG_AUTH_BEARER);
    gg_lookup_opts o = {.channel = "youtube",
                        .sent = &s,
                        .parent_id = "Ugx R4",
                        .self_id = "UCsuarawarga",
                        .text = "Terima kasih."};
    gg_channel_request get;
    cr_assert_eq(gg_channels_build_lookup(&get, &o), 0);
    cr_assert(strstr(get.path, "parentId=Ugx%20R4") != NULL, "%s", get.path);
    cr_assert(strncmp(get.path, "/youtube/v3/comments?part=snippet&", 34) == 0);
    gg_channels_request_dispose(&get);
    char *id = NULL;
    const char *list =
        "{\"items\":[{\"id\":\"a\",\"snippet\":{\"textOriginal\":\"Terima kasih.\","
        "\"authorChannelId\":{\"value\":\"UCsomeoneelse\"}}},"
        "{\"id\":\"b\",\"snippet\":{\"textOriginal\":\"Terima kasih.\","
        "\"authorChannelId\":{\"value\":\"UCsuarawarga\"}}}]}";
    cr_assert_eq(judge(&o, list, &id), 0);
    cr_assert_str_eq(id, "b", "the same words from someone else are not ours");
    free(id);
    cr_assert_eq(judge(&o, "{\"items\":[]}", &id), GG_ENOTFOUND);
    cr_assert_eq(judge(&o, "{\"error\":{\"code\":403}}", &id), GG_EINVAL);
}

Test(lookup, tiktok_owner_reply_under_the_comment)
{
    gg_channel_request s = sent_req("POST", "business-api.tiktok.com",
                                    "/open_api/v1.3/business/comment/reply/create/", "{}",
                                    GG_AUTH_ACCESS_TOKEN);
    gg_lookup_opts o = {.channel = "tiktok",
                        .sent = &s,
                        .parent_id = "7571234567890123456",
                        .video_id = "7570987654321098765",
                        .business_id = "-000Ab",
                        .text = "Terima kasih, Kak!"};
    gg_channel_request get;
    cr_assert_eq(gg_channels_build_lookup(&get, &o), 0);
    cr_assert_str_eq(get.path, "/open_api/v1.3/business/comment/reply/list/?business_id=-000Ab"
                               "&video_id=7570987654321098765&comment_id=7571234567890123456"
                               "&max_count=30");
    cr_assert_eq(get.auth, GG_AUTH_ACCESS_TOKEN);
    gg_channels_request_dispose(&get);
    char *id = NULL;
    /* 19-digit ids as bare numbers stay exact */
    const char *list = "{\"code\":0,\"data\":{\"comments\":["
                       "{\"comment_id\":7571999999999999001,\"text\":\"Terima kasih, Kak!\",\"owner\":false},"
                       "{\"comment_id\":7571999999999999002,\"text\":\"Terima kasih, Kak!\",\"owner\":true}]}}";
    cr_assert_eq(judge(&o, list, &id), 0);
    cr_assert_str_eq(id, "7571999999999999002");
    free(id);
    cr_assert_eq(judge(&o, "{\"code\":0,\"data\":{\"comments\":[]}}", &id), GG_ENOTFOUND);
    cr_assert_eq(judge(&o, "{\"code\":40100,\"message\":\"limit\"}", &id), GG_EINVAL,
                 "an error answer concludes nothing");
}

Test(lookup, graph_edges_read_back)
{
    gg_channel_request s = sent_req("POST", "graph.facebook.com", "/v24.0/104_9/comments",
                                    "{\"message\":\"Halo\"}", GG_AUTH_BEARER);
    gg_lookup_opts o = {.channel = "facebook", .sent = &s, .parent_id = "104_9", .text = "Halo"};
    gg_channel_request get;
    cr_assert_eq(gg_channels_build_lookup(&get, &o), 0);
    cr_assert_str_eq(get.path, "/v24.0/104_9/comments?fields=id,message,from&limit=100");
    gg_channels_request_dispose(&get);
    char *id = NULL;
    cr_assert_eq(judge(&o, "{\"data\":[{\"id\":\"c1\",\"message\":\"Halo\"}]}", &id), 0);
    cr_assert_str_eq(id, "c1");
    free(id);
    cr_assert_eq(judge(&o, "{\"data\":[]}", &id), GG_ENOTFOUND);
    /* a campaign call on the Page feed */
    gg_channel_request feed = sent_req("POST", "graph.facebook.com", "/v24.0/104/feed", "{}",
                                       GG_AUTH_BEARER);
    o.sent = &feed;
    cr_assert_eq(gg_channels_build_lookup(&get, &o), 0);
    gg_channels_request_dispose(&get);
    /* Instagram comment replies list "text" */
    gg_channel_request ig = sent_req("POST", "graph.instagram.com", "/v24.0/179/replies", "{}",
                                     GG_AUTH_BEARER);
    o.channel = "instagram";
    o.sent = &ig;
    cr_assert_eq(gg_channels_build_lookup(&get, &o), 0);
    cr_assert_str_eq(get.path, "/v24.0/179/replies?fields=id,text,from&limit=100");
    gg_channels_request_dispose(&get);
    cr_assert_eq(judge(&o, "{\"data\":[{\"id\":\"r1\",\"text\":\"Halo\"}]}", &id), 0);
    free(id);
}

Test(lookup, no_way_to_look)
{
    gg_channel_request get;
    gg_channel_request tg = sent_req("POST", "api.telegram.org", "/sendMessage", "{}",
                                     GG_AUTH_TELEGRAM_PATH);
    gg_lookup_opts o = {.channel = "telegram", .sent = &tg, .text = "Halo"};
    cr_assert_eq(gg_channels_build_lookup(&get, &o), GG_ENOTFOUND);
    gg_channel_request wa = sent_req("POST", "graph.facebook.com", "/v24.0/1092/messages",
                                     "{\"messaging_product\":\"whatsapp\"}", GG_AUTH_BEARER);
    o.channel = "whatsapp";
    o.sent = &wa;
    cr_assert_eq(gg_channels_build_lookup(&get, &o), GG_ENOTFOUND);
    /* a private reply goes to /messages with a recipient: not listable */
    gg_channel_request pr = sent_req("POST", "graph.facebook.com", "/v24.0/104/comments",
                                     "{\"recipient\":{\"comment_id\":\"1\"}}", GG_AUTH_BEARER);
    o.channel = "facebook";
    o.sent = &pr;
    cr_assert_eq(gg_channels_build_lookup(&get, &o), GG_ENOTFOUND);
    gg_channel_request ig = sent_req("POST", "graph.facebook.com", "/v24.0/1784/media_publish",
                                     "{}", GG_AUTH_BEARER);
    o.channel = "instagram";
    o.sent = &ig;
    cr_assert_eq(gg_channels_build_lookup(&get, &o), GG_ENOTFOUND);
    char *id = NULL;
    cr_assert_eq(gg_channels_match_lookup(&o, "{}", 2, &id), GG_EINVAL);
}

Test(lookup, whatsapp_status_names_our_outbox_row)
{
    const char *body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":"
        "\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{"
        "\"phone_number_id\":\"109283746501928\"},\"statuses\":[{\"id\":\"wamid.A\",\"status\":"
        "\"delivered\",\"timestamp\":\"1795145247\",\"recipient_id\":\"6281234567890\","
        "\"biz_opaque_callback_data\":\"gagas-outbox-17\"},{\"id\":\"wamid.B\",\"status\":\"read\","
        "\"timestamp\":\"1795145248\",\"recipient_id\":\"6281234567890\"}]}}]}]}";
    gg_channel_batch b;
    cr_assert_eq(gg_channel_meta.decode(body, strlen(body), &b), 0);
    cr_assert_eq(b.n, 2);
    cr_assert_eq(b.events[0].kind, GG_EVENT_STATUS);
    cr_assert_str_eq(b.events[0].callback, "gagas-outbox-17");
    cr_assert_str_eq(b.events[0].native_id, "wamid.A");
    cr_assert_null(b.events[1].callback, "a message sent without it");
    gg_channels_batch_dispose(&b);
}
