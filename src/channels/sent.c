/*
 * sent.c — what a platform answered to one of our outbound calls (channels
 * layer): the id of the reply/poll we created, named the way decode names
 * it (so our own echo can be matched and an ambiguous retry checked), or the
 * error class with the wait the platform asked for. Pure: the HTTP status
 * and rate-limit headers other than Meta's usage header stay with the caller.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "channels/internal.h"
#include "core/alloc.h"
#include "core/err.h"

void gg_channels_sent_dispose(gg_channel_sent *s)
{
    if (s == NULL)
        return;
    gg_free(s->id);
    gg_free(s->poll_id);
    memset(s, 0, sizeof *s);
}

static int fail(gg_channel_sent *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(gg_channel_sent *s, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    return code;
}

static const char *or_q(const char *s)
{
    return s ? s : "?";
}

/* Meta x-business-use-case-usage: the largest estimated_time_to_regain_access (minutes). */
static int64_t buc_wait(const char *hdr)
{
    json_t *j = hdr ? json_loads(hdr, 0, NULL) : NULL;
    const char *k;
    json_t *arr, *it;
    size_t i;
    int64_t worst = 0;
    json_object_foreach(j, k, arr)
    {
        json_array_foreach(arr, i, it)
        {
            int64_t m = gg_channels__int(it, "estimated_time_to_regain_access");
            if (m > worst)
                worst = m;
        }
    }
    json_decref(j);
    return worst * 60;
}

static int graph(const json_t *r, const char *usage, gg_channel_sent *s)
{
    const json_t *err = json_object_get(r, "error");
    if (json_is_object(err)) {
        /* Throttling codes: app 4, user 17, page 32, 613, pages/IG business use case. */
        int64_t code = gg_channels__int(err, "code");
        int rate = code == 4 || code == 17 || code == 32 || code == 613 || code == 80001 ||
                   code == 80002 || code == 130429 || code == 131056;
        s->retry_after = buc_wait(usage);
        return fail(s, rate ? GG_ERATE : GG_EUPSTREAM, "Graph error: %.120s",
                    or_q(gg_channels__str(err, "message")));
    }
    /* Comment reply {"id"}; Send API {"message_id"}; WhatsApp {"messages":[{"id"}]}. */
    s->id = gg_channels__id(r, "message_id");
    if (s->id == NULL)
        s->id = gg_channels__id(json_array_get(json_object_get(r, "messages"), 0), "id");
    if (s->id == NULL)
        s->id = gg_channels__id(r, "id");
    return s->id ? 0 : fail(s, GG_EINVAL, "Graph response without an id");
}

static int x_sent(const json_t *r, gg_channel_sent *s)
{
    const json_t *data = json_object_get(r, "data");
    if (json_is_object(data) && (s->id = gg_channels__id(data, "id")) != NULL)
        return 0;
    json_int_t st = json_integer_value(json_object_get(r, "status"));
    const char *title = gg_channels__str(r, "title");
    if (title == NULL)
        title = gg_channels__str(json_array_get(json_object_get(r, "errors"), 0), "title");
    return fail(s, st == 429 ? GG_ERATE : GG_EUPSTREAM, "X error: %.120s", or_q(title));
}

static int telegram_sent(const json_t *r, gg_channel_sent *s)
{
    const json_t *res = json_object_get(r, "result");
    if (!json_is_true(json_object_get(r, "ok"))) {
        s->retry_after = gg_channels__int(json_object_get(r, "parameters"), "retry_after");
        return fail(s, gg_channels__int(r, "error_code") == 429 ? GG_ERATE : GG_EUPSTREAM,
                    "Telegram error: %.120s", or_q(gg_channels__str(r, "description")));
    }
    char *chat = gg_channels__id(json_object_get(res, "chat"), "id");
    char *msg = gg_channels__id(res, "message_id");
    if (chat && msg) /* the same "chat:message" id the decoder gives our echo */
        s->id = gg_channels__printf("%s:%s", chat, msg);
    gg_free(chat);
    gg_free(msg);
    s->poll_id = gg_channels__id(json_object_get(res, "poll"), "id");
    return s->id ? 0 : fail(s, GG_EINVAL, "Telegram result without chat/message_id");
}

static int youtube_sent(const json_t *r, gg_channel_sent *s)
{
    const json_t *err = json_object_get(r, "error");
    if (json_is_object(err)) {
        const char *reason =
            gg_channels__str(json_array_get(json_object_get(err, "errors"), 0), "reason");
        int rate = reason && (strcmp(reason, "quotaExceeded") == 0 ||
                              strcmp(reason, "rateLimitExceeded") == 0);
        return fail(s, rate ? GG_ERATE : GG_EUPSTREAM, "YouTube error: %.80s", or_q(reason));
    }
    s->id = gg_channels__id(r, "id");
    return s->id ? 0 : fail(s, GG_EINVAL, "YouTube response without an id");
}

static int mastodon_sent(const json_t *r, gg_channel_sent *s)
{
    const char *err = gg_channels__str(r, "error");
    if (err)
        return fail(s, strncmp(err, "Too many requests", 17) == 0 ? GG_ERATE : GG_EUPSTREAM,
                    "Mastodon error: %.120s", err);
    s->id = gg_channels__id(r, "id");
    return s->id ? 0 : fail(s, GG_EINVAL, "Mastodon response without an id");
}

static int tiktok_sent(const json_t *r, gg_channel_sent *s)
{
    /* HTTP 200 with a non-zero code is a failure: check code, not the status. */
    int64_t code = gg_channels__int(r, "code");
    if (code != 0 || !json_object_get(r, "code"))
        return fail(s, code == 40100 ? GG_ERATE : GG_EUPSTREAM, "TikTok error: %.120s",
                    or_q(gg_channels__str(r, "message")));
    s->id = gg_channels__id(json_object_get(r, "data"), "comment_id");
    return s->id ? 0 : fail(s, GG_EINVAL, "TikTok response without data.comment_id");
}

int gg_channels_decode_sent(const char *channel, const char *raw, size_t len,
                            const char *usage_header, gg_channel_sent *out)
{
    gg_channel_batch tmp;
    json_t *r = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    gg_channels_batch_init(&tmp);
    if (channel == NULL)
        return fail(out, GG_EINVAL, "no channel");
    if ((rc = gg_channels__load(raw, len, &r, &tmp)) != 0) {
        snprintf(out->err, sizeof out->err, "%s", tmp.err);
        return rc;
    }
    if (!json_is_object(r))
        rc = fail(out, GG_EINVAL, "response is not an object");
    else if (strcmp(channel, "facebook") == 0 || strcmp(channel, "instagram") == 0 ||
             strcmp(channel, "messenger") == 0 || strcmp(channel, "whatsapp") == 0)
        rc = graph(r, usage_header, out);
    else if (strcmp(channel, "x") == 0)
        rc = x_sent(r, out);
    else if (strcmp(channel, "telegram") == 0)
        rc = telegram_sent(r, out);
    else if (strcmp(channel, "youtube") == 0)
        rc = youtube_sent(r, out);
    else if (strcmp(channel, "mastodon") == 0)
        rc = mastodon_sent(r, out);
    else if (strcmp(channel, "tiktok") == 0)
        rc = tiktok_sent(r, out);
    else
        rc = fail(out, GG_EINVAL, "unknown channel %.20s", channel);
    json_decref(r);
    if (rc != 0) {
        gg_free(out->id);
        gg_free(out->poll_id);
        out->id = out->poll_id = NULL;
    }
    return rc;
}
