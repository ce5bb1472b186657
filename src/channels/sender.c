/*
 * sender.c — the outbox sender and the status notifier, on one thread
 * (channels layer, issue 7). Each round: (1) the notifier queues news for
 * decided channel submissions that have none yet, keyed
 * 'status:<submission>:<state>' so a change is announced once whatever
 * happens; (2) due outbox rows are claimed, built with the pure builders,
 * sent with the client and recorded: 'sent' with the platform's id, pending
 * again after a wait (429, 5xx, no answer) or 'failed' with the reason.
 * Never double-sends: a row is re-sent only when the platform surely did not
 * take it (an error status, or the request never left), or when it is
 * idempotent (Mastodon's Idempotency-Key). An ambiguous send (a 2xx that
 * cannot be read, or no answer after the request left) is looked for
 * (lookup.c: Graph edges, X's own timeline, YouTube and TikTok replies):
 * found → sent with its id; absent → pending, and looked for once more
 * before the re-send; no way to look (Telegram, WhatsApp, Messenger) or the
 * look failed → 'failed' with delivery 'unknown', left to a person.
 */
#include "channels/client.h"
#include "channels/workers.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "core/thread.h"
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct gg_sender {
    gg_chnet_opts o;
    pthread_t tid;
    pthread_mutex_t mu, work;
    pthread_cond_t cv;
    int stop, started;
    _Atomic uint64_t sent, retried, failed;
};

int64_t gg_chnet_backoff_ms(int base_ms, int failures)
{
    if (base_ms <= 0)
        base_ms = 1000;
    if (failures < 1)
        failures = 1;
    int64_t ms = base_ms;
    for (int i = 1; i < failures && ms < 3600000; i++)
        ms *= 2;
    if (ms > 3600000)
        ms = 3600000;
    /* ±25 % so that many rows failing together do not retry together */
    int64_t j = ms / 4;
    if (j > 0)
        ms += (int64_t)randombytes_uniform((uint32_t)(2 * j + 1)) - j;
    return ms;
}

/* ---- templates ------------------------------------------------------------ */

typedef struct tpl {
    const char *event, *id, *en;
} tpl;

/* Built-in wording; reply_templates rows (per campaign or install-wide)
 * override any of them. Placeholders: {campaign} {title} {link} {reason}. */
static const tpl defaults[] = {
    {"accepted",
     "Terima kasih! Gagasan Anda untuk \"{campaign}\" sudah kami terima dan kini terbuka untuk "
     "didukung warga: {link}",
     "Thank you! Your idea for \"{campaign}\" has been accepted and is now open for support: "
     "{link}"},
    {"merged",
     "Terima kasih! Gagasan Anda kami gabungkan dengan gagasan serupa dari warga lain: {link}",
     "Thank you! We joined your idea with similar ideas from other citizens: {link}"},
    {"rejected",
     "Terima kasih atas masukan Anda. Kali ini gagasan Anda belum dapat kami terbitkan "
     "({reason}).",
     "Thank you for your input. This time we could not publish your idea ({reason})."},
    {"idea-ditelaah", "Kabar terbaru: gagasan \"{title}\" sedang ditelaah tim kebijakan. {link}",
     "News: the idea \"{title}\" is being reviewed by the policy team. {link}"},
    {"idea-diadopsi", "Kabar baik: gagasan \"{title}\" diadopsi! Terima kasih. {link}",
     "Good news: the idea \"{title}\" has been adopted! Thank you. {link}"},
    {"idea-ditolak", "Kabar terbaru: gagasan \"{title}\" belum dapat ditindaklanjuti. {link}",
     "News: the idea \"{title}\" cannot be taken forward for now. {link}"},
};

static const char *reason_text(const char *r, int en)
{
    static const char *const map[][3] = {
        {"spam", "terdeteksi sebagai spam", "it looked like spam"},
        {"kasar", "bahasanya kurang santun", "the language was abusive"},
        {"off-topic", "di luar topik kampanye", "it is off the campaign's topic"},
        {"not-constructive", "belum berisi usulan", "it holds no proposal yet"},
        {"duplicate", "sudah ada gagasan yang sama", "the same idea is already there"},
    };
    for (size_t i = 0; r && i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(r, map[i][0]) == 0)
            return map[i][en ? 2 : 1];
    return en ? "see the campaign's rules" : "lihat aturan kampanye";
}

/* Fill {name} placeholders into b. */
static void render(gg_buf *b, const char *t, const char *const *kv)
{
    for (const char *p = t; *p; p++) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            int done = 0;
            for (size_t i = 0; end && kv[i]; i += 2) {
                size_t n = strlen(kv[i]);
                if ((size_t)(end - p - 1) == n && strncmp(p + 1, kv[i], n) == 0) {
                    gg_buf_adds(b, kv[i + 1] ? kv[i + 1] : "");
                    p = end;
                    done = 1;
                    break;
                }
            }
            if (done)
                continue;
        }
        gg_buf_addc(b, *p);
    }
}

/* ---- the notifier --------------------------------------------------------- */

static int queue_news(gg_sender *s, json_t *row, const char *event, const char *key)
{
    const gg_chnet_opts *o = &s->o;
    int64_t sid = json_integer_value(json_object_get(row, "id"));
    int64_t cid = json_integer_value(json_object_get(row, "campaign_id"));
    int64_t iid = json_integer_value(json_object_get(row, "idea_id"));
    const char *lang_label =
        json_string_value(json_object_get(json_object_get(row, "labels"), "lang"));
    int en = lang_label && (strcmp(lang_label, "eng") == 0 || strcmp(lang_label, "en") == 0);
    const char *lang = en ? "en" : "id";
    char *stored = NULL;
    const char *t = NULL;
    if (gg_store_template_get(o->store, cid, event, lang, &stored) == 0)
        t = stored;
    for (size_t i = 0; t == NULL && i < sizeof(defaults) / sizeof(defaults[0]); i++)
        if (strcmp(defaults[i].event, event) == 0)
            t = en ? defaults[i].en : defaults[i].id;
    if (t == NULL)
        t = en ? "Thank you." : "Terima kasih.";
    char link[512];
    if (iid > 0)
        snprintf(link, sizeof(link), "%s/i/%lld", o->base_url, (long long)iid);
    else
        snprintf(link, sizeof(link), "%s/c/%s", o->base_url,
                 json_string_value(json_object_get(row, "slug")));
    const char *ctitle = json_string_value(json_object_get(row, en ? "campaign_title_en" : "campaign_title"));
    if (ctitle == NULL)
        ctitle = json_string_value(json_object_get(row, "campaign_title"));
    const char *kv[] = {"campaign", ctitle,
                        "title", json_string_value(json_object_get(row, "idea_title")),
                        "link", link,
                        "reason", reason_text(json_string_value(json_object_get(row, "reason")), en),
                        NULL, NULL};
    gg_buf text;
    gg_buf_init(&text, 8192);
    render(&text, t, kv);
    free(stored);
    char *target = json_dumps(json_object_get(row, "reply"), JSON_COMPACT);
    gg_outbox_in in = {.channel = json_string_value(json_object_get(row, "channel")),
                       .kind = "status",
                       .submission_id = sid,
                       .idea_id = iid,
                       .campaign_id = cid,
                       .target_json = target,
                       .text = text.data ? text.data : "",
                       .lang = lang,
                       .dedupe_key = key};
    int64_t id = 0;
    int rc = gg_store_outbox_put(o->store, &in, &id);
    free(target);
    gg_buf_dispose(&text);
    return rc;
}

static int notify(gg_sender *s)
{
    json_t *rows = NULL;
    int queued = 0;
    if (gg_store_status_unanswered(s->o.store, 0, 200, &rows) != 0)
        return 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        long long sid = (long long)json_integer_value(json_object_get(row, "id"));
        const char *state = json_string_value(json_object_get(row, "state"));
        const char *ist = json_string_value(json_object_get(row, "idea_status"));
        char key[128];
        snprintf(key, sizeof(key), "status:%lld:%s", sid, state);
        if (queue_news(s, row, state, key) == 0)
            queued++;
        if (ist && (strcmp(ist, "ditelaah") == 0 || strcmp(ist, "diadopsi") == 0 ||
                    strcmp(ist, "ditolak") == 0)) {
            char ev[64];
            snprintf(ev, sizeof(ev), "idea-%s", ist);
            snprintf(key, sizeof(key), "status:%lld:idea-%s", sid, ist);
            if (queue_news(s, row, ev, key) == 0)
                queued++;
        }
    }
    json_decref(rows);
    return queued;
}

/* ---- sending ---------------------------------------------------------------- */

static gg_event_kind kind_of(const char *k)
{
    if (k == NULL)
        return GG_EVENT_COMMENT;
    if (strcmp(k, "mention") == 0)
        return GG_EVENT_MENTION;
    if (strcmp(k, "message") == 0)
        return GG_EVENT_MESSAGE;
    if (strcmp(k, "post") == 0)
        return GG_EVENT_POST;
    return GG_EVENT_COMMENT;
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static json_t *account_of(json_t *accounts, const char *channel, const char *account)
{
    size_t i;
    json_t *a;
    json_array_foreach(accounts, i, a)
    {
        if (strcmp(jstr(a, "channel") ? jstr(a, "channel") : "", channel) != 0)
            continue;
        if (account == NULL || strcmp(jstr(a, "account") ? jstr(a, "account") : "", account) == 0)
            return a;
    }
    return NULL;
}

typedef struct outcome {
    const char *state; /* sent | pending | failed | skipped */
    char remote[256];
    char error[240];
    int64_t wait_s; /* pending: seconds */
    json_t *result; /* kept as result_json, may be NULL */
    int ambiguous;  /* the platform may have posted: look before any re-send */
    const char *delivery; /* outbox.delivery to record, NULL: leave it */
} outcome;

static void finish_from(outcome *oc, int channel_is_mastodon, const char *channel,
                        gg_chclient_resp *r, int attempts, const gg_chnet_opts *o)
{
    int64_t now = (int64_t)time(NULL);
    if (r->status == 0 && r->request_sent) {
        /* the request left and no answer came back (cut off, timed out):
         * the platform may have posted, exactly like an unreadable 2xx */
        oc->ambiguous = 1;
        if (channel_is_mastodon && attempts < o->max_attempts) {
            oc->state = "pending";
            oc->wait_s = (gg_chnet_backoff_ms(o->backoff_ms, attempts) + 999) / 1000;
        } else {
            oc->state = "failed";
        }
        snprintf(oc->error, sizeof(oc->error), "no answer after the request left (%.80s); %s",
                 r->err[0] ? r->err : "connection lost",
                 channel_is_mastodon ? "retried with the same Idempotency-Key"
                                     : "not re-sent to avoid a double post");
        return;
    }
    if (r->status == 0) { /* nothing left: the connection never carried the request */
        oc->state = attempts >= o->max_attempts ? "failed" : "pending";
        snprintf(oc->error, sizeof(oc->error), "%s", r->err[0] ? r->err : "no answer");
        oc->wait_s = (gg_chnet_backoff_ms(o->backoff_ms, attempts) + 999) / 1000;
        return;
    }
    gg_channel_sent sent;
    memset(&sent, 0, sizeof(sent));
    int rc = gg_channels_decode_sent(channel, r->body.data, r->body.len,
                                     r->usage[0] ? r->usage : NULL, &sent);
    int64_t wait = gg_chclient_wait(r, now);
    if (sent.retry_after > wait)
        wait = sent.retry_after;
    if (r->status >= 200 && r->status < 300 && rc == 0 && !r->truncated) {
        oc->state = "sent";
        snprintf(oc->remote, sizeof(oc->remote), "%s", sent.id ? sent.id : "");
        oc->result = json_object();
        if (sent.poll_id)
            json_object_set_new(oc->result, "poll_id", json_string(sent.poll_id));
        json_object_set_new(oc->result, "http_status", json_integer(r->status));
        if (r->rl_remaining >= 0)
            json_object_set_new(oc->result, "rate_remaining", json_integer(r->rl_remaining));
    } else if (r->status >= 200 && r->status < 300) {
        /* the platform took something, but we cannot read what: re-sending
         * could post twice, except where the key makes it idempotent */
        oc->ambiguous = 1;
        if (channel_is_mastodon && attempts < o->max_attempts) {
            oc->state = "pending";
            oc->wait_s = (gg_chnet_backoff_ms(o->backoff_ms, attempts) + 999) / 1000;
        } else {
            oc->state = "failed";
        }
        snprintf(oc->error, sizeof(oc->error), "ambiguous answer (HTTP %d, %.60s); %s", r->status,
                 r->truncated ? "body cut short" : sent.err[0] ? sent.err : "unreadable",
                 channel_is_mastodon ? "retried with the same Idempotency-Key"
                                     : "not re-sent to avoid a double post");
    } else if (r->status == 429 || rc == GG_ERATE || wait > 0) {
        oc->state = attempts >= o->max_attempts ? "failed" : "pending";
        int64_t b = (gg_chnet_backoff_ms(o->backoff_ms, attempts) + 999) / 1000;
        oc->wait_s = wait > b ? wait : b;
        snprintf(oc->error, sizeof(oc->error), "rate limited (HTTP %d): wait %llds", r->status,
                 (long long)oc->wait_s);
    } else if (r->status >= 500) {
        oc->state = attempts >= o->max_attempts ? "failed" : "pending";
        oc->wait_s = (gg_chnet_backoff_ms(o->backoff_ms, attempts) + 999) / 1000;
        snprintf(oc->error, sizeof(oc->error), "platform error HTTP %d", r->status);
    } else {
        oc->state = "failed";
        snprintf(oc->error, sizeof(oc->error), "refused (HTTP %d): %.180s", r->status,
                 sent.err[0] ? sent.err : "no reason given");
    }
    gg_channels_sent_dispose(&sent);
}

/* Build the request for one outbox row; rc != 0 leaves oc filled. */
static int build_row(gg_sender *s, json_t *row, json_t *acct, gg_channel_request *rq, outcome *oc,
                     char *idem, size_t idemcap)
{
    const char *channel = jstr(row, "channel");
    const char *kind = jstr(row, "kind");
    json_t *target = json_object_get(row, "target");
    json_t *payload = json_object_get(row, "payload");
    json_t *settings = json_object_get(acct, "settings");
    long long id = (long long)json_integer_value(json_object_get(row, "id"));
    snprintf(idem, idemcap, "gagas-outbox-%lld", id); /* Mastodon Idempotency-Key */
    int rc;
    if (strcmp(kind, "reply") == 0 || strcmp(kind, "status") == 0) {
        gg_event ev;
        memset(&ev, 0, sizeof(ev));
        ev.channel = channel;
        ev.kind = kind_of(jstr(target, "kind"));
        ev.account_id = (char *)jstr(target, "account_id");
        ev.reply.to_id = (char *)jstr(target, "to_id");
        ev.reply.chat_id = (char *)jstr(target, "chat_id");
        ev.reply.via_id = (char *)jstr(target, "via_id");
        ev.reply.handle = (char *)jstr(target, "handle");
        ev.reply.window_start = json_integer_value(json_object_get(target, "window_start"));
        if (strcmp(channel, "x") == 0 && ev.kind != GG_EVENT_MENTION) {
            oc->state = "skipped";
            snprintf(oc->error, sizeof(oc->error),
                     "X lets us reply only where the author mentioned us");
            return GG_EINVAL;
        }
        gg_reply_opts ro = {.text = jstr(row, "text"),
                            .now = (int64_t)time(NULL),
                            .private_reply = json_is_true(json_object_get(payload, "private")),
                            .idempotency_key = idem,
                            .business_id = jstr(settings, "business_id"),
                            .language = jstr(row, "lang"),
                            .wa_template = jstr(settings, "wa_template"),
                            .wa_template_lang = jstr(settings, "wa_template_lang")};
        rc = gg_channels_build_reply(rq, &ev, &ro);
        if (rc == GG_ECONFLICT) {
            oc->state = "failed";
            snprintf(oc->error, sizeof(oc->error),
                     strcmp(channel, "whatsapp") == 0
                         ? "outside the 24-hour window: no approved template is configured "
                           "for this number (gagas channel add --wa-template NAME)"
                         : "outside the 24-hour window: the platform allows no free-form reply");
        } else if (rc != 0) {
            oc->state = "failed";
            snprintf(oc->error, sizeof(oc->error), "cannot answer on %s: %s", channel,
                     gg_err_name(rc));
        }
        return rc;
    }
    if (strcmp(kind, "poll") == 0) {
        const char *opts[12];
        size_t n = 0, i;
        json_t *v;
        json_array_foreach(json_object_get(payload, "options"), i, v)
        {
            if (n < 12 && json_is_string(v))
                opts[n++] = json_string_value(v);
        }
        gg_poll_opts p = {.question = jstr(payload, "question"),
                          .options = opts,
                          .n_options = n,
                          .quiz = json_is_true(json_object_get(payload, "quiz")),
                          .correct_option =
                              (int)json_integer_value(json_object_get(payload, "correct_option")),
                          .explanation = jstr(payload, "explanation"),
                          .anonymous = json_is_true(json_object_get(payload, "anonymous")),
                          .multiple = json_is_true(json_object_get(payload, "multiple")),
                          .duration_s = json_integer_value(json_object_get(payload, "duration_s"))};
        if (p.question == NULL)
            p.question = jstr(row, "text");
        if (strcmp(channel, "telegram") == 0) {
            const char *chat = jstr(target, "chat_id");
            if (chat == NULL)
                chat = jstr(acct, "account");
            rc = chat ? gg_channels_telegram_build_poll(rq, chat, &p) : GG_EINVAL;
        } else if (strcmp(channel, "x") == 0) {
            rc = gg_channels_x_build_poll(rq, &p);
        } else if (strcmp(channel, "mastodon") == 0) {
            rc = gg_channels_mastodon_build_poll(rq, &p, idem, jstr(row, "lang"));
        } else {
            rc = GG_EINVAL;
        }
        if (rc != 0) {
            oc->state = "failed";
            snprintf(oc->error, sizeof(oc->error), "cannot build a poll on %s: %s", channel,
                     gg_err_name(rc));
        }
        return rc;
    }
    /* publish: a campaign call */
    const char *account = jstr(target, "account");
    if (account == NULL)
        account = jstr(acct, "account");
    gg_publish_opts po = {.channel = channel,
                          .account = account,
                          .text = jstr(row, "text"),
                          .link = jstr(payload, "link"),
                          .image_url = jstr(payload, "image_url"),
                          .idempotency_key = idem,
                          .language = jstr(row, "lang")};
    if (po.image_url == NULL && s->o.instagram_image && *s->o.instagram_image)
        po.image_url = s->o.instagram_image;
    rc = gg_channels_build_publish(rq, &po);
    if (rc != 0) {
        oc->state = "failed";
        snprintf(oc->error, sizeof(oc->error), "cannot publish on %s: %s", channel,
                 gg_err_name(rc));
    }
    return rc;
}

/* The look after an unreadable answer (lookup.c). */
enum { LOOK_FOUND, LOOK_ABSENT, LOOK_FAILED, LOOK_NO_WAY };

static int look_for(gg_sender *s, json_t *row, json_t *acct, const gg_channel_request *sent_rq,
                    const char *token, char *found, size_t cap)
{
    const char *channel = jstr(row, "channel");
    json_t *target = json_object_get(row, "target");
    json_t *settings = json_object_get(acct, "settings");
    const char *kind = jstr(row, "kind");
    int reply = kind && (strcmp(kind, "reply") == 0 || strcmp(kind, "status") == 0);
    const char *self = jstr(settings, "user_id");
    if (self == NULL)
        self = jstr(acct, "account");
    gg_lookup_opts lo = {.channel = channel,
                         .sent = sent_rq,
                         .parent_id = reply ? jstr(target, "to_id") : NULL,
                         .video_id = jstr(target, "chat_id"),
                         .business_id = jstr(settings, "business_id"),
                         .self_id = self,
                         .text = jstr(row, "text")};
    gg_channel_request get;
    if (gg_channels_build_lookup(&get, &lo) != 0)
        return LOOK_NO_WAY;
    gg_chclient_resp r;
    gg_chclient_send(s->o.base_urls, &get, token, &r);
    int out = LOOK_FAILED;
    char *id = NULL;
    if (r.status == 200 && !r.truncated) {
        int rc = gg_channels_match_lookup(&lo, r.body.data, r.body.len, &id);
        if (rc == 0) {
            snprintf(found, cap, "%s", id);
            out = LOOK_FOUND;
        } else if (rc == GG_ENOTFOUND) {
            out = LOOK_ABSENT;
        }
    }
    gg_log(GG_LOG_INFO, "outbox: looked for a send whose answer was unreadable",
           "\"id\":%lld,\"channel\":\"%s\",\"http\":%d,\"result\":\"%s\"",
           (long long)json_integer_value(json_object_get(row, "id")), channel, r.status,
           out == LOOK_FOUND ? "found" : out == LOOK_ABSENT ? "absent" : "unreadable");
    free(id);
    gg_chclient_resp_dispose(&r);
    gg_channels_request_dispose(&get);
    return out;
}

/* An ambiguous send (or a re-send of one): decide from the look. */
static void settle_ambiguous(gg_sender *s, int look, int attempts, const char *channel,
                             outcome *oc, const char *found)
{
    char why[sizeof(oc->error)];
    memcpy(why, oc->error, sizeof(why));
    if (look == LOOK_FOUND) {
        oc->state = "sent";
        oc->delivery = "found";
        snprintf(oc->remote, sizeof(oc->remote), "%s", found);
        snprintf(oc->error, sizeof(oc->error), "answer was unreadable; the post was found");
    } else if (look == LOOK_ABSENT && attempts < s->o.max_attempts) {
        /* platforms index with a delay: look once more before sending */
        oc->state = "pending";
        oc->delivery = "recheck";
        oc->wait_s = (gg_chnet_backoff_ms(s->o.backoff_ms, attempts) + 999) / 1000;
        snprintf(oc->error, sizeof(oc->error),
                 "answer was unreadable and the post is not there: looking again, then sending");
    } else {
        oc->state = "failed";
        oc->delivery = "unknown";
        snprintf(oc->error, sizeof(oc->error), "unknown whether it was posted (%.100s): %s", why,
                 look != LOOK_NO_WAY ? "the check failed; not re-sent"
                 : strcmp(channel, "whatsapp") == 0
                     ? "the platform offers no way to check; not re-sent (its status webhook "
                       "will settle it)"
                     : "the platform offers no way to check; not re-sent");
    }
}

static void send_row(gg_sender *s, json_t *row, json_t *accounts)
{
    const gg_chnet_opts *o = &s->o;
    int64_t id = json_integer_value(json_object_get(row, "id"));
    int attempts = (int)json_integer_value(json_object_get(row, "attempts"));
    const char *channel = jstr(row, "channel");
    const char *kind = jstr(row, "kind");
    json_t *target = json_object_get(row, "target");
    /* the sending account: Page/IG/phone id for Meta, our account otherwise */
    const char *acct_id = jstr(target, "via_id");
    if (acct_id == NULL)
        acct_id = jstr(target, "account_id");
    if (acct_id == NULL)
        acct_id = jstr(target, "account");
    json_t *acct = account_of(accounts, channel, acct_id);
    if (acct == NULL)
        acct = account_of(accounts, channel, NULL);
    outcome oc;
    memset(&oc, 0, sizeof(oc));
    gg_channel_request rq;
    memset(&rq, 0, sizeof(rq));
    gg_chclient_resp r;
    memset(&r, 0, sizeof(r));
    char idem[64];
    char *token = NULL;
    if (channel == NULL || kind == NULL || build_row(s, row, acct, &rq, &oc, idem, sizeof(idem)) != 0)
        goto record;
    if (gg_tokens_for(o->token_key, accounts, channel,
                      acct ? jstr(acct, "account") : acct_id, &token) != 0) {
        oc.state = attempts >= o->max_attempts ? "failed" : "pending";
        oc.wait_s = 60;
        snprintf(oc.error, sizeof(oc.error), "no access token for %s", channel);
        goto record;
    }
    int is_mastodon = strcmp(channel, "mastodon") == 0;
    const char *delivery = jstr(row, "delivery");
    if (delivery && strcmp(delivery, "recheck") == 0 && !is_mastodon) {
        /* the last answer was unreadable and our post was not there yet:
         * look once more; only when it is still absent, send again */
        char found[256] = "";
        int look = look_for(s, row, acct, &rq, token, found, sizeof(found));
        if (look != LOOK_ABSENT) {
            snprintf(oc.error, sizeof(oc.error), "a re-check before re-sending");
            settle_ambiguous(s, look, o->max_attempts, channel, &oc, found);
            goto record;
        }
        oc.delivery = ""; /* sending again: the row starts afresh */
    }
    gg_chclient_send(o->base_urls, &rq, token, &r);
    finish_from(&oc, is_mastodon, channel, &r, attempts, o);
    if (oc.ambiguous && !is_mastodon) {
        char found[256] = "";
        int look = look_for(s, row, acct, &rq, token, found, sizeof(found));
        settle_ambiguous(s, look, attempts, channel, &oc, found);
    }
    /* Instagram publishes in two steps: the container, then media_publish */
    if (strcmp(kind, "publish") == 0 && strcmp(channel, "instagram") == 0 &&
        strcmp(oc.state, "sent") == 0) {
        char creation[256];
        snprintf(creation, sizeof(creation), "%s", oc.remote);
        json_decref(oc.result);
        memset(&oc, 0, sizeof(oc));
        gg_channels_request_dispose(&rq);
        gg_chclient_resp_dispose(&r);
        gg_publish_opts po = {.channel = channel,
                              .account = acct ? jstr(acct, "account") : acct_id,
                              .text = jstr(row, "text"),
                              .creation_id = creation};
        if (gg_channels_build_publish(&rq, &po) == 0 &&
            gg_chclient_send(o->base_urls, &rq, token, &r) >= 0) {
            finish_from(&oc, 0, channel, &r, attempts, o);
            if (oc.ambiguous) /* media_publish cannot be looked up */
                settle_ambiguous(s, LOOK_NO_WAY, attempts, channel, &oc, "");
        } else {
            oc.state = "failed";
            snprintf(oc.error, sizeof(oc.error), "cannot build media_publish");
        }
        if (oc.result)
            json_object_set_new(oc.result, "creation_id", json_string(creation));
    }
record:
    gg_tokens_free(token);
    if (oc.state == NULL)
        oc.state = "failed";
    int64_t next = (int64_t)time(NULL) + oc.wait_s;
    if (strcmp(oc.state, "sent") == 0)
        atomic_fetch_add(&s->sent, 1);
    else if (strcmp(oc.state, "pending") == 0)
        atomic_fetch_add(&s->retried, 1);
    else
        atomic_fetch_add(&s->failed, 1);
    if (oc.result) {
        /* a send result is small; cap what we keep anyway */
        if (r.body.data && r.body.len && r.body.len < 4096) {
            json_t *body = json_loadb(r.body.data, r.body.len, 0, NULL);
            if (body)
                json_object_set_new(oc.result, "response", body);
        }
        char *rj = json_dumps(oc.result, JSON_COMPACT);
        if (rj)
            gg_store_outbox_result(o->store, id, rj);
        free(rj);
        json_decref(oc.result);
    }
    if (oc.delivery &&
        gg_store_outbox_delivery(o->store, id, oc.delivery[0] ? oc.delivery : NULL) != 0)
        gg_log(GG_LOG_ERROR, "outbox delivery not stored", "\"id\":%lld", (long long)id);
    if (gg_store_outbox_done(o->store, id, oc.state, oc.remote[0] ? oc.remote : NULL,
                             oc.error[0] ? oc.error : NULL, next) != 0)
        gg_log(GG_LOG_ERROR, "outbox result not stored", "\"id\":%lld", (long long)id);
    gg_log(strcmp(oc.state, "sent") == 0 ? GG_LOG_INFO : GG_LOG_WARN, "outbox row handled",
           "\"id\":%lld,\"channel\":\"%s\",\"kind\":\"%s\",\"state\":\"%s\",\"http\":%d",
           (long long)id, channel ? channel : "", kind ? kind : "", oc.state, r.status);
    gg_channels_request_dispose(&rq);
    gg_chclient_resp_dispose(&r);
}

/* ---- reach and engagement of campaign calls -------------------------------- */

#define METRICS_DAYS 14 /* counts are followed this long after a call goes out */

static int64_t iso_secs(const char *iso)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (iso == NULL || strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
        return 0;
    return (int64_t)timegm(&tm);
}

/* Fetch the counts of sent campaign calls that are due, a few per round. */
static int metrics_round(gg_sender *s, json_t *accounts)
{
    const gg_chnet_opts *o = &s->o;
    int64_t now = (int64_t)time(NULL);
    json_t *due = NULL;
    if (gg_store_outbox_metrics_due(o->store, now, 8, &due) != 0)
        return 0;
    int n = 0;
    size_t i;
    json_t *row;
    json_array_foreach(due, i, row)
    {
        int64_t id = json_integer_value(json_object_get(row, "id"));
        const char *channel = jstr(row, "channel");
        const char *remote = jstr(row, "remote_id");
        json_t *old = json_object_get(row, "metrics");
        int64_t period = o->metrics_s > 0 ? o->metrics_s : 900;
        int64_t sent = iso_secs(jstr(row, "sent_at"));
        gg_channel_request rq;
        int rc = gg_channels_build_metrics(&rq, channel ? channel : "", remote, NULL);
        if (rc != 0 || (sent > 0 && now - sent > METRICS_DAYS * 86400)) {
            /* nothing to read on this platform, or followed long enough */
            json_t *m = json_is_object(old) ? json_deep_copy(old) : json_object();
            if (rc != 0)
                json_object_set_new(m, "unavailable",
                                    json_string(rc == GG_ENOTFOUND
                                                    ? "the platform reports no counts for this post"
                                                    : "no post id to ask about"));
            char *mj = json_dumps(m, JSON_COMPACT);
            gg_store_outbox_metrics_put(o->store, id, mj, INT64_MAX);
            free(mj);
            json_decref(m);
            if (rc == 0)
                gg_channels_request_dispose(&rq);
            continue;
        }
        const char *target_account = jstr(json_object_get(row, "target"), "account");
        json_t *acct = account_of(accounts, channel, target_account);
        if (acct == NULL)
            acct = account_of(accounts, channel, NULL);
        char *token = NULL;
        gg_chclient_resp r;
        memset(&r, 0, sizeof(r));
        json_t *m = json_is_object(old) ? json_deep_copy(old) : json_object();
        int64_t next = now + period;
        if (gg_tokens_for(o->token_key, accounts, channel,
                          acct ? jstr(acct, "account") : target_account, &token) != 0) {
            json_object_set_new(m, "error", json_string("no access token for this account"));
        } else {
            gg_chclient_send(o->base_urls, &rq, token, &r);
            json_t *counts = NULL;
            int drc = r.status == 200 && !r.truncated
                          ? gg_channels_decode_metrics(channel, r.body.data, r.body.len, &counts)
                          : GG_EUPSTREAM;
            if (drc == 0) {
                json_object_set_new(m, "counts", counts);
                json_object_set_new(m, "fetched_at", json_integer(now));
                json_object_del(m, "error");
                n++;
            } else {
                char err[120];
                snprintf(err, sizeof(err), "HTTP %d: %s", r.status,
                         r.status == 200 ? gg_err_name(drc) : "no counts");
                json_object_set_new(m, "error", json_string(err));
                int64_t wait = gg_chclient_wait(&r, now);
                if (now + wait > next)
                    next = now + wait; /* a rate limit: wait what it asks */
            }
        }
        json_object_set_new(m, "next_at", json_integer(next));
        char *mj = json_dumps(m, JSON_COMPACT);
        if (gg_store_outbox_metrics_put(o->store, id, mj, next) != 0)
            gg_log(GG_LOG_ERROR, "call counts not stored", "\"id\":%lld", (long long)id);
        free(mj);
        json_decref(m);
        gg_tokens_free(token);
        gg_chclient_resp_dispose(&r);
        gg_channels_request_dispose(&rq);
    }
    json_decref(due);
    return n;
}

int gg_sender_round(gg_sender *s)
{
    pthread_mutex_lock(&s->work);
    int n = notify(s);
    json_t *claimed = NULL, *accounts = NULL;
    if (gg_store_outbox_claim(s->o.store, (int64_t)time(NULL), 32, &claimed) == 0) {
        gg_store_chaccount_list(s->o.store, 1, &accounts);
        size_t i;
        json_t *row;
        json_array_foreach(json_object_get(claimed, "items"), i, row)
        {
            send_row(s, row, json_object_get(accounts, "accounts"));
            n++;
        }
    }
    json_decref(claimed);
    if (accounts == NULL)
        gg_store_chaccount_list(s->o.store, 1, &accounts);
    metrics_round(s, json_object_get(accounts, "accounts")); /* not counted: no rows were sent */
    json_decref(accounts);
    pthread_mutex_unlock(&s->work);
    return n;
}

static void *sender_main(void *arg)
{
    gg_sender *s = arg;
    gg_thread_role("gg-send", 1);
    for (;;) {
        pthread_mutex_lock(&s->mu);
        if (!s->stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t ns = ts.tv_nsec + (int64_t)s->o.tick_ms * 1000000;
            ts.tv_sec += (time_t)(ns / 1000000000);
            ts.tv_nsec = (long)(ns % 1000000000);
            pthread_cond_timedwait(&s->cv, &s->mu, &ts);
        }
        int stop = s->stop;
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
        /* a full claim means more rows are due: go on without waiting a tick */
        while (gg_sender_round(s) >= 32) {
            pthread_mutex_lock(&s->mu);
            stop = s->stop;
            pthread_mutex_unlock(&s->mu);
            if (stop)
                break;
        }
    }
    return NULL;
}

int gg_sender_start(gg_sender **out, const gg_chnet_opts *o)
{
    gg_sender *s = gg_calloc(1, sizeof(*s));
    s->o = *o;
    if (s->o.tick_ms <= 0)
        s->o.tick_ms = 1000;
    if (s->o.max_attempts <= 0)
        s->o.max_attempts = 8;
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->work, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pthread_create(&s->tid, NULL, sender_main, s) != 0) {
        free(s);
        return GG_EINTERNAL;
    }
    *out = s;
    return 0;
}

void gg_sender_stop(gg_sender *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->tid, NULL);
    sodium_memzero(s->o.token_key, sizeof(s->o.token_key));
    free(s);
}

void gg_sender_stats(gg_sender *s, uint64_t *sent, uint64_t *retried, uint64_t *failed)
{
    *sent = atomic_load(&s->sent);
    *retried = atomic_load(&s->retried);
    *failed = atomic_load(&s->failed);
}
