/*
 * puller.c — the pull loops of every connected account, on one thread
 * (channels layer, issue 7). Each stream named in an account's settings
 * ("x_search:<query>", "x_mentions", "youtube_channel:<id>",
 * "youtube_video:<id>", "youtube_replies:<comment id>", "mastodon_tag:<tag>", "mastodon_mentions",
 * "telegram_updates", "tiktok_comments:<video>") keeps its state in
 * channel_state: the watermark (newest item fully taken in), the page in
 * progress, when to try next, consecutive failures and the last rate-limit
 * signal. Pages are applied through the webhook sink with inbox id 0, so an
 * overlap (on purpose: since_id kept on every page, YouTube re-reading its
 * newest page) or a page read again after a restart applies nothing twice.
 * The watermark moves only after the last page of a round, and the state is
 * written after every page, so a crash resumes at the page it was on.
 */
#include "channels/client.h"
#include "channels/internal.h"
#include "channels/workers.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "core/thread.h"
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PAGES 5 /* per stream and round: one busy stream cannot starve the rest */

struct gg_puller {
    gg_chnet_opts o;
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    volatile int stop; /* also read by curl's progress callback to cancel a long poll */
    _Atomic uint64_t pages, applied, errors;
};

int gg_chnet_action(const gg_event *e)
{
    if (e->flags & GG_EVF_SELF)
        return GG_INBOX_RECORD;
    switch (e->kind) {
    case GG_EVENT_POST:
    case GG_EVENT_COMMENT:
    case GG_EVENT_MESSAGE:
    case GG_EVENT_MENTION:
        return e->text && *e->text ? GG_INBOX_NEW : GG_INBOX_RECORD;
    case GG_EVENT_EDIT:
        return e->text && *e->text ? GG_INBOX_EDIT : GG_INBOX_RECORD;
    case GG_EVENT_DELETE:
    case GG_EVENT_HIDE:
        return GG_INBOX_WITHDRAW;
    case GG_EVENT_UNHIDE:
        return GG_INBOX_RESTORE;
    default:
        return GG_INBOX_RECORD;
    }
}

typedef struct stream {
    const char *channel; /* static */
    gg_pull_kind kind;
    const char *target; /* points into the stream name or the account */
    int live;           /* a backfill of a live connection: pulled when kicked */
} stream;

/* ---- kicks: a live connection (re)connected, fill its gap now ------------- */

#define MAX_KICKS 64
static pthread_mutex_t kick_mu = PTHREAD_MUTEX_INITIALIZER;
static char kicks[MAX_KICKS][300];

void gg_chnet_kick(const char *channel, const char *account, const char *stream_name)
{
    char key[300];
    snprintf(key, sizeof(key), "%s|%s|%s", channel, account, stream_name);
    pthread_mutex_lock(&kick_mu);
    int free_at = -1, have = 0;
    for (int i = 0; i < MAX_KICKS && !have; i++) {
        if (kicks[i][0] == '\0' && free_at < 0)
            free_at = i;
        else if (strcmp(kicks[i], key) == 0)
            have = 1;
    }
    if (!have && free_at >= 0)
        memcpy(kicks[free_at], key, sizeof(key));
    pthread_mutex_unlock(&kick_mu);
}

/* 1 (and forgotten) when the stream was kicked since the last look. A
 * kick that lands while its stream is being pulled stays for the next
 * tick, so no reconnect goes without a backfill that starts after it. */
static int take_kick(const char *channel, const char *account, const char *stream_name)
{
    char key[300];
    snprintf(key, sizeof(key), "%s|%s|%s", channel, account, stream_name);
    int got = 0;
    pthread_mutex_lock(&kick_mu);
    for (int i = 0; i < MAX_KICKS && !got; i++)
        if (kicks[i][0] && strcmp(kicks[i], key) == 0) {
            kicks[i][0] = '\0';
            got = 1;
        }
    pthread_mutex_unlock(&kick_mu);
    return got;
}

/* Parse "kind[:target]" into s; 0 or GG_EINVAL. */
static int parse_stream(const char *name, const char *account, stream *s)
{
    static const struct {
        const char *name, *channel;
        gg_pull_kind kind;
        int needs_target;
    } kinds[] = {
        {"x_search", "x", GG_PULL_X_SEARCH, 1},
        {"x_mentions", "x", GG_PULL_X_MENTIONS, 0},
        {"youtube_channel", "youtube", GG_PULL_YOUTUBE_CHANNEL, 1},
        {"youtube_video", "youtube", GG_PULL_YOUTUBE_VIDEO, 1},
        {"youtube_replies", "youtube", GG_PULL_YOUTUBE_REPLIES, 1},
        {"mastodon_tag", "mastodon", GG_PULL_MASTODON_TAG, 1},
        {"mastodon_mentions", "mastodon", GG_PULL_MASTODON_MENTIONS, 0},
        {"telegram_updates", "telegram", GG_PULL_TELEGRAM_UPDATES, 0},
        {"tiktok_comments", "tiktok", GG_PULL_TIKTOK_COMMENTS, 1},
        /* live connections (stream.c): the same REST reads fill their gaps */
        {"x_stream", "x", GG_PULL_X_SEARCH, 1},
        {"mastodon_stream", "mastodon", GG_PULL_MASTODON_TAG, 1},
        {"mastodon_stream_mentions", "mastodon", GG_PULL_MASTODON_MENTIONS, 0},
    };
    const char *colon = strchr(name, ':');
    size_t n = colon ? (size_t)(colon - name) : strlen(name);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strlen(kinds[i].name) != n || strncmp(kinds[i].name, name, n) != 0)
            continue;
        s->channel = kinds[i].channel;
        s->kind = kinds[i].kind;
        s->live = strstr(kinds[i].name, "_stream") != NULL;
        s->target = colon ? colon + 1 : kinds[i].kind == GG_PULL_X_MENTIONS ? account : NULL;
        if (kinds[i].needs_target && (s->target == NULL || *s->target == '\0'))
            return GG_EINVAL;
        return 0;
    }
    return GG_EINVAL;
}

/* The value of key= in a URL's query (Mastodon Link rel="prev" → min_id). */
static char *url_param(const char *url, const char *key)
{
    size_t kn = strlen(key);
    for (const char *p = url ? strchr(url, '?') : NULL; p && *p; p = strchr(p, '&')) {
        p++;
        if (strncmp(p, key, kn) == 0 && p[kn] == '=') {
            size_t n = strcspn(p + kn + 1, "&#");
            char *v = gg_malloc(n + 1);
            memcpy(v, p + kn + 1, n);
            v[n] = '\0';
            return v;
        }
    }
    return NULL;
}

/* Apply one decoded page through the sink (inbox id 0); votes in our polls
 * are recorded for the poll they belong to. Returns events applied or < 0. */
int gg_chnet_apply(const gg_chnet_opts *opts, gg_channel_batch *b)
{
    size_t n = b->n;
    if (n == 0)
        return 0;
    gg_inbox_event *ev = gg_calloc(n, sizeof(*ev));
    void **cookies = gg_calloc(n, sizeof(void *));
    for (size_t k = 0; k < n; k++) {
        const gg_event *e = &b->events[k];
        gg_inbox_event *o = &ev[k];
        o->dedupe_key = e->dedupe_key;
        o->channel = e->channel;
        o->kind = gg_channels_kind_name(e->kind);
        o->native_id = e->native_id;
        o->version = e->version;
        o->action = gg_chnet_action(e);
        if ((o->action == GG_INBOX_NEW || o->action == GG_INBOX_EDIT) && opts->sink.prepare &&
            opts->sink.prepare(opts->sink.arg, e, &o->sub, &cookies[k]) != 0)
            o->action = GG_INBOX_RECORD;
        /* a vote in a poll we sent, under the voter's pseudonymous author
         * key, so poll results can place it in the voter's region */
        gg_inbox_poll_answer(opts->store, opts->install_secret, e);
    }
    gg_inbox_result res = {.inbox_id = 0, .events = ev, .nevents = (int)n};
    int applied = 0;
    int rc = gg_store_inbox_apply(opts->store, &res, 1, &applied);
    for (size_t k = 0; rc == 0 && opts->sink.after && k < n; k++)
        if (ev[k].submission_id > 0) /* the filter's in-memory indexes learn it */
            opts->sink.after(opts->sink.arg, &b->events[k], &ev[k]);
    for (size_t k = 0; k < n; k++)
        if (cookies[k])
            opts->sink.release(opts->sink.arg, cookies[k]);
    free(cookies);
    free(ev);
    return rc == 0 ? applied : rc;
}

static int decode(const stream *s, const char *user_id, gg_chclient_resp *r, gg_channel_batch *b)
{
    const char *body = r->body.data ? r->body.data : "";
    size_t len = r->body.len;
    switch (s->kind) {
    case GG_PULL_X_SEARCH:
    case GG_PULL_X_MENTIONS:
        return gg_channels_x_decode_page(body, len, user_id, b);
    case GG_PULL_TELEGRAM_UPDATES:
        return gg_channels_telegram_decode_updates(body, len, b);
    case GG_PULL_MASTODON_TAG:
    case GG_PULL_MASTODON_MENTIONS:
        return gg_channels_mastodon_decode_page(body, len, r->link[0] ? r->link : NULL, b);
    case GG_PULL_TIKTOK_COMMENTS:
        return gg_channels_tiktok_decode_list(body, len, b);
    default:
        return gg_channels_youtube_decode_page(body, len, b);
    }
}

static char *dupn(const char *s)
{
    return s ? gg_strdup(s) : NULL;
}

/* One round of one stream: pages until the end, the watermark, an error
 * or MAX_PAGES. All state goes back to channel_state after every page. */
static void pull_stream(gg_puller *p, json_t *acct, const char *name, json_t *accounts)
{
    const gg_chnet_opts *o = &p->o;
    const char *account = json_string_value(json_object_get(acct, "account"));
    json_t *settings = json_object_get(acct, "settings");
    stream s;
    if (parse_stream(name, account, &s) != 0) {
        gg_log(GG_LOG_WARN, "unknown pull stream", "\"stream\":\"%.80s\"", name);
        return;
    }
    const char *channel = json_string_value(json_object_get(acct, "channel"));
    if (channel == NULL || strcmp(channel, s.channel) != 0)
        return; /* a stream of another platform under this account */
    int64_t now = (int64_t)time(NULL);
    json_t *row = NULL;
    gg_store_chstate_get(o->store, channel, account, name, &row);
    /* a kick (a live connection reconnected) moves a scheduled round up,
     * but never a backoff or a rate-limit wait; a round that runs covers
     * every kick made before it */
    int due = json_integer_value(json_object_get(row, "next_at")) <= now;
    int backing_off = json_integer_value(json_object_get(row, "failures")) > 0 ||
                      json_integer_value(json_object_get(json_object_get(row, "rate"),
                                                         "wait_until")) > now;
    if (due)
        take_kick(channel, account, name);
    else if (backing_off || !take_kick(channel, account, name)) {
        json_decref(row);
        return;
    }
    char *watermark = dupn(json_string_value(json_object_get(row, "watermark")));
    json_t *cur = json_loads(json_string_value(json_object_get(row, "cursor")) ?
                                 json_string_value(json_object_get(row, "cursor")) : "null",
                             JSON_DECODE_ANY, NULL);
    char *page = dupn(json_string_value(json_object_get(cur, "page")));
    char *pending = dupn(json_string_value(json_object_get(cur, "pending")));
    int failures = (int)json_integer_value(json_object_get(row, "failures"));
    json_decref(cur);
    json_decref(row);
    const char *user_id = json_string_value(json_object_get(settings, "user_id"));
    if (user_id == NULL && strcmp(channel, "x") == 0)
        user_id = account;
    char *token = NULL;
    if (gg_tokens_for(o->token_key, accounts, channel, account, &token) != 0) {
        gg_chstate st = {channel, account, name, watermark, NULL, now + o->poll_s, failures + 1,
                         "no access token for this account", NULL, 0};
        gg_store_chstate_put(o->store, &st);
        goto done;
    }
    for (int n = 0; n < MAX_PAGES; n++) {
        gg_pull_opts po = {.kind = s.kind,
                           .target = s.target,
                           .since = s.kind == GG_PULL_YOUTUBE_CHANNEL ||
                                            s.kind == GG_PULL_YOUTUBE_VIDEO ||
                                            s.kind == GG_PULL_TIKTOK_COMMENTS
                                        ? NULL
                                        : watermark,
                           .page = page,
                           .business_id = json_string_value(json_object_get(settings, "business_id"))};
        if (po.business_id == NULL)
            po.business_id = account;
        gg_channel_request rq;
        gg_chclient_resp r;
        gg_channel_batch b;
        gg_channels_batch_init(&b);
        memset(&r, 0, sizeof(r));
        char err[240] = "";
        int64_t wait = 0;
        int ok = 0, more = 0, got = 0;
        json_t *rate = json_object();
        if (gg_channels_build_pull(&rq, &po) != 0) {
            snprintf(err, sizeof(err), "cannot build the pull request");
            wait = 3600;
        } else {
            gg_chclient_send_cancel(o->base_urls, &rq, token, &p->stop, &r);
            gg_channels_request_dispose(&rq);
            atomic_fetch_add(&p->pages, 1);
            now = (int64_t)time(NULL);
            wait = gg_chclient_wait(&r, now);
            if (r.rl_remaining >= 0)
                json_object_set_new(rate, "remaining", json_integer(r.rl_remaining));
            if (r.rl_reset >= 0)
                json_object_set_new(rate, "reset", json_integer(r.rl_reset));
            if (wait > 0)
                json_object_set_new(rate, "wait_until", json_integer(now + wait));
            int drc;
            if (r.status == 0) {
                snprintf(err, sizeof(err), "%s", r.err[0] ? r.err : "no answer");
            } else if (r.status < 200 || r.status >= 300) {
                snprintf(err, sizeof(err), "HTTP %d%s", r.status,
                         r.status == 429 || wait > 0 ? " (rate limited)" : "");
            } else if (r.truncated) {
                snprintf(err, sizeof(err), "body cut short (HTTP %d)", r.status);
            } else if ((drc = decode(&s, user_id, &r, &b)) != 0) {
                snprintf(err, sizeof(err), "%s: %.150s", gg_err_name(drc),
                         b.err[0] ? b.err : "cannot decode");
                if (b.retry_after > wait)
                    wait = b.retry_after;
            } else {
                ok = 1;
            }
        }
        if (ok) {
            int a = gg_chnet_apply(&p->o, &b);
            if (a < 0) {
                ok = 0;
                snprintf(err, sizeof(err), "store: could not apply the page");
            } else {
                atomic_fetch_add(&p->applied, (uint64_t)a);
                got = b.n > 0;
            }
        }
        if (ok) {
            /* advance per platform */
            failures = 0;
            switch (s.kind) {
            case GG_PULL_X_SEARCH:
            case GG_PULL_X_MENTIONS:
                if (page == NULL && b.newest_id) {
                    free(pending);
                    pending = gg_strdup(b.newest_id);
                }
                break;
            case GG_PULL_TELEGRAM_UPDATES:
                if (b.newest_id) {
                    free(watermark);
                    watermark = gg_strdup(b.newest_id);
                }
                more = b.n > 0;
                break;
            case GG_PULL_MASTODON_TAG:
            case GG_PULL_MASTODON_MENTIONS: {
                char *min = url_param(b.prev_page, "min_id");
                if (min) {
                    more = watermark == NULL || strcmp(min, watermark) != 0;
                    free(watermark);
                    watermark = min;
                }
                more = more && b.n > 0 && watermark != NULL;
                break;
            }
            case GG_PULL_YOUTUBE_CHANNEL:
            case GG_PULL_YOUTUBE_VIDEO:
            case GG_PULL_YOUTUBE_REPLIES: {
                /* newest first: stop at the first page that reaches the watermark */
                int64_t wm = watermark ? strtoll(watermark, NULL, 10) : 0, newest = 0,
                        oldest = INT64_MAX;
                for (size_t i = 0; i < b.n; i++) {
                    int64_t t = b.events[i].created_at;
                    if (t > newest)
                        newest = t;
                    if (t > 0 && t < oldest)
                        oldest = t;
                }
                int64_t pend = pending ? strtoll(pending, NULL, 10) : 0;
                if (newest > pend) {
                    free(pending);
                    pending = gg_channels__printf("%" PRId64, newest);
                }
                if (wm > 0 && oldest <= wm) {
                    free(b.next_page);
                    b.next_page = NULL; /* reached what we hold */
                }
                break;
            }
            default:
                break;
            }
            if (b.next_page && s.kind != GG_PULL_TELEGRAM_UPDATES &&
                s.kind != GG_PULL_MASTODON_TAG && s.kind != GG_PULL_MASTODON_MENTIONS) {
                free(page);
                page = gg_strdup(b.next_page);
                more = 1;
            } else if (s.kind != GG_PULL_TELEGRAM_UPDATES && s.kind != GG_PULL_MASTODON_TAG &&
                       s.kind != GG_PULL_MASTODON_MENTIONS) {
                /* the last page: the round is complete, the watermark moves */
                free(page);
                page = NULL;
                if (pending) {
                    free(watermark);
                    watermark = pending;
                    pending = NULL;
                }
            }
        } else {
            failures++;
            atomic_fetch_add(&p->errors, 1);
        }
        /* a live connection's backfill runs when kicked, and seldom otherwise */
        int64_t next = now + (s.live ? 60 * (int64_t)o->poll_s : o->poll_s);
        if (!ok) {
            int64_t b_s = (gg_chnet_backoff_ms(o->backoff_ms, failures) + 999) / 1000;
            next = now + (wait > b_s ? wait : b_s);
        } else if (more && n + 1 < MAX_PAGES) {
            next = 0;
        } else if (more) {
            next = now; /* more pages wait for the next tick, after other streams */
        }
        json_t *cj = NULL;
        if (page || pending) {
            cj = json_object();
            if (page)
                json_object_set_new(cj, "page", json_string(page));
            if (pending)
                json_object_set_new(cj, "pending", json_string(pending));
        }
        char *cs = cj ? json_dumps(cj, JSON_COMPACT) : NULL;
        char *rs = json_dumps(rate, JSON_COMPACT);
        json_decref(cj);
        json_decref(rate);
        gg_chstate st = {channel, account, name, watermark, cs, next, failures,
                         ok ? NULL : err, rs, got};
        gg_store_chstate_put(o->store, &st);
        free(cs);
        free(rs);
        if (!ok)
            gg_log(GG_LOG_WARN, "pull failed; backing off",
                   "\"channel\":\"%s\",\"stream\":\"%.80s\",\"error\":\"%s\",\"next_in\":%lld",
                   channel, name, err, (long long)(next - now));
        gg_channels_batch_dispose(&b);
        gg_chclient_resp_dispose(&r);
        if (!ok || !more || next != 0)
            break;
        int stop;
        pthread_mutex_lock(&p->mu);
        stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
    }
done:
    gg_tokens_free(token);
    free(watermark);
    free(page);
    free(pending);
}

static void round_all(gg_puller *p)
{
    json_t *accounts = NULL;
    if (gg_store_chaccount_list(p->o.store, 1, &accounts) != 0)
        return;
    json_t *list = json_object_get(accounts, "accounts");
    size_t i, k;
    json_t *a, *sname;
    json_array_foreach(list, i, a)
    {
        json_array_foreach(json_object_get(json_object_get(a, "settings"), "streams"), k, sname)
        {
            pthread_mutex_lock(&p->mu);
            int stop = p->stop;
            pthread_mutex_unlock(&p->mu);
            if (stop)
                break;
            if (json_is_string(sname))
                pull_stream(p, a, json_string_value(sname), list);
        }
    }
    json_decref(accounts);
}

static void *puller_main(void *arg)
{
    gg_puller *p = arg;
    gg_thread_role("gg-pull", 1);
    for (;;) {
        pthread_mutex_lock(&p->mu);
        if (!p->stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t ns = ts.tv_nsec + (int64_t)p->o.tick_ms * 1000000;
            ts.tv_sec += (time_t)(ns / 1000000000);
            ts.tv_nsec = (long)(ns % 1000000000);
            pthread_cond_timedwait(&p->cv, &p->mu, &ts);
        }
        int stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
        round_all(p);
    }
    return NULL;
}

int gg_puller_start(gg_puller **out, const gg_chnet_opts *o)
{
    gg_puller *p = gg_calloc(1, sizeof(*p));
    p->o = *o;
    if (p->o.tick_ms <= 0)
        p->o.tick_ms = 1000;
    if (p->o.poll_s <= 0)
        p->o.poll_s = 60;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->tid, NULL, puller_main, p) != 0) {
        free(p);
        return GG_EINTERNAL;
    }
    *out = p;
    return 0;
}

void gg_puller_stop(gg_puller *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->tid, NULL);
    sodium_memzero(p->o.token_key, sizeof(p->o.token_key));
    free(p);
}

void gg_puller_stats(gg_puller *p, uint64_t *pages, uint64_t *applied, uint64_t *errors)
{
    *pages = atomic_load(&p->pages);
    *applied = atomic_load(&p->applied);
    *errors = atomic_load(&p->errors);
}
