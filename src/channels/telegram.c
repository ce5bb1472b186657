/*
 * telegram.c — Telegram Bot API connector (channels layer): webhook check
 * (X-Telegram-Bot-Api-Secret-Token equals the secret_token we set; no HMAC),
 * Update → events for webhook bodies and getUpdates pages, and builders for
 * sendMessage (reply_parameters) and sendPoll (regular and quiz, Bot API
 * ≥ 9.6 correct_option_ids). Invariant: message_id is unique only within a
 * chat, so native ids are "<chat id>:<message id>"; chat ids are negative
 * 64-bit numbers kept as digit text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "channels/internal.h"
#include "core/alloc.h"
#include "core/err.h"

static int tg_verify(const gg_channel_secrets *s, const char *method, const gg_channel_headers *h,
                     const char *raw, size_t len, int64_t now)
{
    (void)raw, (void)len, (void)now;
    if (method == NULL || strcmp(method, "POST") != 0)
        return GG_EINVAL;
    if (s == NULL || !gg_channels__has(s->telegram_secret_token) || h == NULL)
        return GG_EAUTH;
    const char *tok = h->get(h->ctx, "X-Telegram-Bot-Api-Secret-Token");
    return gg_channels__secret_eq(tok, s->telegram_secret_token) ? 0 : GG_EAUTH;
}

static char *chat_msg(const json_t *chat, const json_t *msg, const char *key)
{
    char *c = gg_channels__id(chat, "id"), *m = gg_channels__id(msg, key);
    char *r = (c && m) ? gg_channels__printf("%s:%s", c, m) : NULL;
    gg_free(c);
    gg_free(m);
    return r;
}

static char *full_name(const char *first, const char *last)
{
    if (first == NULL)
        return gg_channels__dup(last);
    return last ? gg_channels__printf("%s %s", first, last) : gg_strdup(first);
}

static int decode_message(gg_channel_batch *b, const json_t *m, gg_event_kind kind)
{
    gg_event *e;
    const json_t *chat = json_object_get(m, "chat");
    const json_t *from = json_object_get(m, "from");
    const json_t *sender_chat = json_object_get(m, "sender_chat");
    const json_t *reply_to = json_object_get(m, "reply_to_message");
    int rc;
    if (!json_is_object(m) || !json_is_object(chat) || !json_object_get(m, "message_id"))
        return gg_channels__fail(b, GG_EINVAL, "Telegram message without chat/message_id");
    if ((rc = gg_channels__push(b, "telegram", kind, &e)) != 0)
        return rc;
    e->native_id = chat_msg(chat, m, "message_id");
    if (e->native_id == NULL)
        return gg_channels__fail(b, GG_EINVAL, "Telegram message ids are not integers");
    if (json_is_object(from)) {
        e->author_id = gg_channels__id(from, "id");
        e->author_handle = gg_channels__dup(gg_channels__str(from, "username"));
        e->author_name =
            full_name(gg_channels__str(from, "first_name"), gg_channels__str(from, "last_name"));
        e->lang = gg_channels__dup(gg_channels__str(from, "language_code")); /* UI language */
        if (json_is_true(json_object_get(from, "is_bot")))
            e->flags |= GG_EVF_BOT;
    } else if (json_is_object(sender_chat)) { /* channel posts, anonymous admins */
        e->author_id = gg_channels__id(sender_chat, "id");
        e->author_handle = gg_channels__dup(gg_channels__str(sender_chat, "username"));
        e->author_name = gg_channels__dup(gg_channels__str(sender_chat, "title"));
    }
    const char *text = gg_channels__str(m, "text");
    e->text = gg_channels__dup(text ? text : gg_channels__str(m, "caption"));
    e->created_at = gg_channels__int(m, "date");
    e->edited_at = gg_channels__int(m, "edit_date");
    if (kind == GG_EVENT_EDIT) /* the same message_id with a new edit_date */
        e->version = gg_channels__id(m, "edit_date");
    if (json_is_object(reply_to))
        e->parent_id = chat_msg(chat, reply_to, "message_id");
    if (json_object_get(m, "message_thread_id"))
        e->thread_root_id = chat_msg(chat, m, "message_thread_id");
    else
        e->thread_root_id = gg_channels__dup(e->parent_id);
    const json_t *loc = json_object_get(m, "location");
    if (json_is_object(loc)) {
        e->lat = json_number_value(json_object_get(loc, "latitude"));
        e->lon = json_number_value(json_object_get(loc, "longitude"));
        e->flags |= GG_EVF_HAS_GEO;
    }
    const json_t *photo = json_object_get(m, "photo"); /* sizes, largest last */
    if (json_array_size(photo) > 0)
        e->media = gg_channels__id(json_array_get(photo, json_array_size(photo) - 1), "file_id");
    e->detail = gg_channels__dup(gg_channels__str(chat, "type"));
    e->reply.to_id = gg_channels__id(m, "message_id");
    e->reply.chat_id = gg_channels__id(chat, "id");
    return 0;
}

static int decode_update(gg_channel_batch *b, const json_t *u)
{
    static const struct {
        const char *key;
        gg_event_kind kind;
    } msgs[] = {
        {"message", GG_EVENT_MESSAGE},          {"business_message", GG_EVENT_MESSAGE},
        {"channel_post", GG_EVENT_POST},        {"edited_message", GG_EVENT_EDIT},
        {"edited_channel_post", GG_EVENT_EDIT}, {"edited_business_message", GG_EVENT_EDIT},
    };
    gg_event *e;
    int rc;
    if (!json_is_object(u) || !json_is_integer(json_object_get(u, "update_id")))
        return gg_channels__fail(b, GG_EINVAL, "not a Telegram Update (update_id)");
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        json_t *m = json_object_get(u, msgs[i].key);
        if (m)
            return decode_message(b, m, msgs[i].kind);
    }
    const json_t *ans = json_object_get(u, "poll_answer");
    if (json_is_object(ans)) {
        const json_t *user = json_object_get(ans, "user");
        if ((rc = gg_channels__push(b, "telegram", GG_EVENT_POLL_ANSWER, &e)) != 0)
            return rc;
        e->thread_root_id = gg_channels__id(ans, "poll_id");
        e->author_id = gg_channels__id(user, "id");
        if (e->author_id == NULL) /* anonymous admin votes come as voter_chat */
            e->author_id = gg_channels__id(json_object_get(ans, "voter_chat"), "id");
        e->author_handle = gg_channels__dup(gg_channels__str(user, "username"));
        e->author_name =
            full_name(gg_channels__str(user, "first_name"), gg_channels__str(user, "last_name"));
        if (e->thread_root_id == NULL || e->author_id == NULL)
            return gg_channels__fail(b, GG_EINVAL, "poll_answer without poll_id/user");
        /* One vote per person per poll; a changed vote is a new version. */
        e->native_id = gg_channels__printf("%s:%s", e->thread_root_id, e->author_id);
        gg_buf opts;
        gg_buf_init(&opts, 4096);
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(ans, "option_ids"), i, o)
        {
            if (gg_buf_printf(&opts, "%s%" JSON_INTEGER_FORMAT, i ? "," : "",
                              json_integer_value(o)) != 0)
                break;
        }
        e->detail = gg_strdup(opts.data ? opts.data : "");
        e->version = gg_strdup(e->detail);
        gg_buf_dispose(&opts);
        return 0;
    }
    const json_t *poll = json_object_get(u, "poll");
    if (json_is_object(poll)) {
        int closed = json_is_true(json_object_get(poll, "is_closed"));
        if ((rc = gg_channels__push(b, "telegram", GG_EVENT_POLL_UPDATE, &e)) != 0)
            return rc;
        e->native_id = gg_channels__id(poll, "id");
        e->text = gg_channels__dup(gg_channels__str(poll, "question"));
        e->detail = gg_strdup(closed ? "closed" : "open");
        e->version = closed ? gg_strdup("closed")
                            : gg_channels__printf(
                                  "%lld", (long long)gg_channels__int(poll, "total_voter_count"));
        e->created_at = gg_channels__int(poll, "close_date");
        if (e->native_id == NULL)
            return gg_channels__fail(b, GG_EINVAL, "poll without id");
        return 0;
    }
    return 0; /* callback_query, chat_member, reactions: not ingested here */
}

static int finish(gg_channel_batch *b, json_t *root, int rc)
{
    json_decref(root);
    if (rc != 0) {
        char keep[sizeof b->err];
        int64_t wait = b->retry_after;
        memcpy(keep, b->err, sizeof keep);
        gg_channels_batch_dispose(b);
        memcpy(b->err, keep, sizeof keep);
        b->retry_after = wait;
        return rc;
    }
    gg_channels__finish(b, 0);
    return 0;
}

static int tg_decode(const char *raw, size_t len, gg_channel_batch *b)
{
    json_t *root = NULL;
    gg_channels_batch_init(b);
    int rc = gg_channels__load(raw, len, &root, b);
    if (rc == 0)
        rc = decode_update(b, root);
    return finish(b, root, rc);
}

int gg_channels_telegram_decode_updates(const char *raw, size_t len, gg_channel_batch *b)
{
    json_t *root = NULL;
    size_t i;
    json_t *u;
    json_int_t last = -1;
    gg_channels_batch_init(b);
    int rc = gg_channels__load(raw, len, &root, b);
    if (rc != 0)
        return finish(b, root, rc);
    if (json_is_true(json_object_get(root, "ok")) &&
        !json_is_array(json_object_get(root, "result")))
        return finish(b, root, gg_channels__fail(b, GG_EINVAL, "not a getUpdates response"));
    if (!json_is_true(json_object_get(root, "ok"))) {
        const char *d = gg_channels__str(root, "description");
        int64_t code = gg_channels__int(root, "error_code");
        /* 429 carries parameters.retry_after: obey it, never retry sooner. */
        b->retry_after = gg_channels__int(json_object_get(root, "parameters"), "retry_after");
        rc = gg_channels__fail(b,
                               !json_is_object(root) ? GG_EINVAL
                               : code == 429         ? GG_ERATE
                                                     : GG_EUPSTREAM,
                               "getUpdates failed: %.120s", d ? d : "no result");
        return finish(b, root, rc);
    }
    json_array_foreach(json_object_get(root, "result"), i, u)
    {
        if ((rc = decode_update(b, u)) != 0)
            break;
        json_int_t id = json_integer_value(json_object_get(u, "update_id"));
        if (id > last)
            last = id;
    }
    /* offset = last update_id + 1 confirms everything up to it. */
    if (rc == 0 && last >= 0)
        b->newest_id = gg_channels__printf("%" JSON_INTEGER_FORMAT, last + 1);
    return finish(b, root, rc);
}

const gg_channel gg_channel_telegram = {
    .name = "telegram",
    .verify = tg_verify,
    .decode = tg_decode,
    .handshake = NULL,
};

/* ------------------------------------------------------------------ replies */

static int parse_i64(const char *s, json_int_t *out)
{
    char *end = NULL;
    if (s == NULL || *s == '\0')
        return GG_EINVAL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return GG_EINVAL;
    *out = (json_int_t)v;
    return 0;
}

static int bot_request(gg_channel_request *out, const char *method, json_t *body)
{
    int rc = GG_EINVAL;
    if (body == NULL)
        goto done;
    out->method = "POST";
    out->host = "api.telegram.org";
    out->path = gg_channels__printf("/%s", method);
    out->content_type = "application/json";
    out->auth = GG_AUTH_TELEGRAM_PATH;
    rc = gg_channels__set_body(out, body);
done:
    json_decref(body);
    if (rc != 0)
        gg_channels_request_dispose(out);
    return rc;
}

int gg_channels__telegram_reply(gg_channel_request *out, const gg_event *ev, const gg_reply_opts *o)
{
    json_int_t chat, msg;
    size_t n = gg_channels__chars(o->text);
    if (n < 1 || n > 4096 || parse_i64(ev->reply.chat_id, &chat) != 0 ||
        parse_i64(ev->reply.to_id, &msg) != 0)
        return GG_EINVAL;
    /* allow_sending_without_reply: still answer if the message was deleted. */
    return bot_request(out, "sendMessage",
                       json_pack("{s:I, s:o, s:{s:I, s:b}, s:{s:b}}", "chat_id", chat, "text",
                                 gg_channels__jstr(o->text), "reply_parameters", "message_id", msg,
                                 "allow_sending_without_reply", 1, "link_preview_options",
                                 "is_disabled", 1));
}

int gg_channels_telegram_webhook_answer(gg_buf *body, const gg_event *ev, const char *text)
{
    json_int_t chat, msg;
    size_t n = gg_channels__chars(text);
    if (body == NULL || ev == NULL || strcmp(ev->channel, "telegram") != 0 || n < 1 || n > 4096 ||
        parse_i64(ev->reply.chat_id, &chat) != 0 || parse_i64(ev->reply.to_id, &msg) != 0)
        return GG_EINVAL;
    json_t *j = json_pack("{s:s, s:I, s:o, s:{s:I}}", "method", "sendMessage", "chat_id", chat,
                          "text", gg_channels__jstr(text), "reply_parameters", "message_id", msg);
    if (j == NULL)
        return GG_EINVAL;
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (s == NULL)
        return GG_EINVAL;
    gg_buf_reset(body);
    int rc = gg_buf_adds(body, s);
    free(s);
    return rc;
}

int gg_channels_telegram_build_poll(gg_channel_request *out, const char *chat_id,
                                    const gg_poll_opts *p)
{
    json_int_t chat;
    json_t *body = NULL, *opts = NULL;
    memset(out, 0, sizeof *out);
    if (p == NULL || parse_i64(chat_id, &chat) != 0 || p->question == NULL)
        return GG_EINVAL;
    size_t qn = gg_channels__chars(p->question);
    /* Bot API 10.1 allows 1–12 options; older servers need 2–10. Ask for ≥ 2. */
    if (qn < 1 || qn > 300 || p->n_options < 2 || p->n_options > 12)
        return GG_EINVAL;
    if (p->quiz && (p->correct_option < 0 || (size_t)p->correct_option >= p->n_options))
        return GG_EINVAL;
    if (p->explanation && gg_channels__chars(p->explanation) > 200)
        return GG_EINVAL;
    if (p->duration_s != 0 && (p->duration_s < 5 || p->duration_s > 2628000))
        return GG_EINVAL;
    opts = json_array();
    for (size_t i = 0; i < p->n_options; i++) {
        size_t n = gg_channels__chars(p->options[i]);
        json_t *t = gg_channels__jstr(p->options[i]);
        if (n < 1 || n > 100 || t == NULL) {
            json_decref(t);
            json_decref(opts);
            return GG_EINVAL;
        }
        json_array_append_new(opts, json_pack("{s:o}", "text", t));
    }
    body = json_object();
    json_object_set_new(body, "chat_id", json_integer(chat));
    json_object_set_new(body, "question", gg_channels__jstr(p->question));
    json_object_set_new(body, "options", opts);
    /* Anonymous polls (the API default) never send poll_answer updates. */
    json_object_set_new(body, "is_anonymous", json_boolean(p->anonymous));
    json_object_set_new(body, "type", json_string(p->quiz ? "quiz" : "regular"));
    if (p->multiple && !p->quiz)
        json_object_set_new(body, "allows_multiple_answers", json_true());
    if (p->quiz) {
        json_object_set_new(body, "correct_option_ids",
                            json_pack("[I]", (json_int_t)p->correct_option));
        if (p->explanation)
            json_object_set_new(body, "explanation", gg_channels__jstr(p->explanation));
    }
    if (p->duration_s)
        json_object_set_new(body, "open_period", json_integer(p->duration_s));
    /* json_string refuses invalid UTF-8: a missing member means bad input. */
    if (!json_object_get(body, "question") ||
        (p->quiz && p->explanation && !json_object_get(body, "explanation"))) {
        json_decref(body);
        return GG_EINVAL;
    }
    return bot_request(out, "sendPoll", body);
}
