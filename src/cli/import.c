/*
 * import.c — `gagas import FILE --campaign SLUG [--format F]` (cli layer):
 * exports and archives into a campaign. Formats:
 *   jsonl     one {"id","text","author","channel","created_at"} per line
 *   csv       header row naming id,text,author,channel,created_at (text required)
 *   x-v2      X API v2 pages ({"data":[…],"includes":…}), one per line or one file
 *   meta      Meta webhook bodies, one per line
 *   telegram  a Bot API getUpdates answer, or a Telegram Desktop export (result.json)
 * Every record becomes an event with a stable key, applied through the same
 * path as webhooks, so a re-run adds nothing twice; the byte offset reached
 * is saved after each batch, so an interrupted run resumes where it stopped.
 * A progress bar goes to a terminal; a bad record is counted and reported,
 * and the run goes on.
 */
#include "api/api.h"
#include "channels/channels.h"
#include "cli/cli.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/err.h"
#include "store/store.h"
#include "text/text.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#define BATCH 500

typedef struct importer {
    gg_store *store;
    gg_online *online;
    gg_online_policy policy;
    unsigned char secret[32];
    int64_t campaign_id;
    const char *campaign;
    /* the batch being built */
    gg_inbox_event ev[BATCH];
    gg_prepared prep[BATCH];
    char *owned[BATCH][5]; /* key, native id, created_at, text, channel of this batch */
    gg_channel_batch cb[BATCH]; /* decoded channel batches kept alive until applied */
    int ncb, n;
    long long added, bad, seen;
    char file_key[32];
    off_t size, offset;
    int tty;
    time_t last_bar;
} importer;

static void bar(importer *im, int final)
{
    if (!im->tty)
        return;
    time_t now = time(NULL);
    if (!final && now == im->last_bar)
        return;
    im->last_bar = now;
    int pct = im->size > 0 ? (int)(100 * im->offset / im->size) : 100;
    char b[41];
    for (int i = 0; i < 40; i++)
        b[i] = i < pct * 40 / 100 ? '#' : '.';
    b[40] = '\0';
    fprintf(stderr, "\r[%s] %3d%%  %lld records, %lld new, %lld bad", b, pct, im->seen, im->added,
            im->bad);
    if (final)
        fputc('\n', stderr);
}

static int flush(importer *im)
{
    if (im->n == 0 && im->ncb == 0)
        return 0;
    gg_inbox_result r = {.inbox_id = 0, .events = im->ev, .nevents = im->n};
    int applied = 0;
    char off[32];
    snprintf(off, sizeof(off), "%lld", (long long)im->offset);
    /* the records and the offset reached commit together: a kill between
     * batches resumes exactly after the last committed record */
    int rc = gg_store_inbox_apply_at(im->store, &r, 1, &applied, "import", im->file_key, "file",
                                     off);
    for (int i = 0; rc == 0 && i < im->n; i++)
        if (im->ev[i].submission_id > 0)
            gg_api_after_stored(im->store, im->online, im->campaign_id, im->ev[i].submission_id,
                                im->ev[i].sub.norm, im->ev[i].sub.author_key, 0,
                                im->ev[i].sub.group_id);
    for (int i = 0; i < im->n; i++) {
        if (im->ev[i].action == GG_INBOX_NEW)
            gg_api_prepared_dispose(&im->prep[i]);
        for (int k = 0; k < 5; k++)
            free(im->owned[i][k]);
        memset(im->owned[i], 0, sizeof(im->owned[i]));
    }
    for (int i = 0; i < im->ncb; i++)
        gg_channels_batch_dispose(&im->cb[i]);
    im->n = im->ncb = 0;
    if (rc != 0) {
        fprintf(stderr, "\ngagas import: %s\n", gg_store_errmsg(im->store));
        return rc;
    }
    im->added += applied;
    return 0;
}

/* Add one record (text required). key identifies it across runs. */
static int add_record(importer *im, const char *channel, const char *native_id, const char *text,
                      const char *author, const char *handle, const char *created_at)
{
    im->seen++;
    if (text == NULL || *text == '\0' || !gg_text_utf8_valid(text, strlen(text))) {
        im->bad++;
        return 0;
    }
    if (im->n == BATCH) {
        int rc = flush(im);
        if (rc)
            return rc;
    }
    int i = im->n;
    char key[600];
    snprintf(key, sizeof(key), "%s|import|%.400s|post|", channel, native_id);
    /* the store copies at apply time: keep the text alive until then */
    char *own_text = gg_strdup(text), *own_channel = gg_strdup(channel);
    channel = own_channel;
    if (created_at && *created_at == '\0')
        created_at = NULL;
    if (gg_api_prepare_filtered(&im->prep[i], im->secret, im->online, &im->policy,
                                im->campaign_id, channel, own_text, strlen(own_text), author,
                                native_id) != 0) {
        free(own_text);
        free(own_channel);
        im->bad++;
        return 0;
    }
    im->owned[i][3] = own_text;
    im->owned[i][4] = own_channel;
    im->owned[i][0] = gg_strdup(key);
    im->owned[i][1] = gg_strdup(native_id);
    im->owned[i][2] = created_at ? gg_strdup(created_at) : NULL;
    im->prep[i].in.native_id = im->owned[i][1];
    im->prep[i].in.author_handle = NULL; /* handles stay with the platform's own copy */
    (void)handle;
    im->prep[i].in.created_at = im->owned[i][2];
    im->ev[i] = (gg_inbox_event){.dedupe_key = im->owned[i][0], .channel = channel,
                                 .kind = "post", .native_id = im->owned[i][1],
                                 .action = GG_INBOX_NEW, .sub = im->prep[i].in};
    im->n++;
    return 0;
}

/* Records of a decoded channel batch; the batch stays alive until flushed. */
static int add_channel_batch(importer *im, gg_channel_batch *b)
{
    if (im->ncb == BATCH || im->n + (int)b->n > BATCH) {
        int rc = flush(im);
        if (rc)
            return rc;
    }
    im->cb[im->ncb] = *b;
    gg_channel_batch *kept = &im->cb[im->ncb++];
    gg_channels_batch_init(b);
    for (size_t k = 0; k < kept->n; k++) {
        const gg_event *e = &kept->events[k];
        if (e->flags & 1u /* GG_EVF_SELF */ || e->text == NULL)
            continue;
        char created[32] = "";
        if (e->created_at > 0) {
            time_t t = (time_t)e->created_at;
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
        }
        int rc = add_record(im, e->channel, e->native_id, e->text, e->author_id, e->author_handle,
                            created[0] ? created : NULL);
        if (rc)
            return rc;
    }
    return 0;
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (json_is_string(v))
        return json_string_value(v);
    return NULL;
}

/* A JSON id may be a number (Telegram exports) or a string. */
static const char *jid(json_t *o, const char *k, char *buf, size_t cap)
{
    json_t *v = json_object_get(o, k);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    return NULL;
}

static int line_jsonl(importer *im, const char *line, size_t len, long long lineno)
{
    json_error_t e;
    json_t *o = json_loadb(line, len, 0, &e);
    if (!json_is_object(o)) {
        json_decref(o);
        im->seen++;
        im->bad++;
        return 0;
    }
    char idbuf[32], lbuf[32];
    const char *id = jid(o, "id", idbuf, sizeof(idbuf));
    if (id == NULL) {
        snprintf(lbuf, sizeof(lbuf), "line-%lld", lineno);
        id = lbuf;
    }
    const char *ch = jstr(o, "channel");
    int rc = add_record(im, ch && *ch ? ch : "import", id, jstr(o, "text"), jstr(o, "author"),
                        NULL, jstr(o, "created_at"));
    json_decref(o);
    return rc;
}

/* ---- CSV: RFC 4180 quoting, one record may span lines ------------------- */

#define CSV_MAXF 32
typedef struct csv_rec {
    char *f[CSV_MAXF];
    int nf;
} csv_rec;

/* Parse one record from p (NUL-terminated buffer); returns the end or NULL
 * when the record is incomplete (needs more input). Fields are copies. */
static const char *csv_parse(const char *p, const char *end, csv_rec *r)
{
    gg_buf f;
    r->nf = 0;
    gg_buf_init(&f, 1 << 20);
    for (;;) {
        gg_buf_reset(&f);
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                if (p >= end) {
                    gg_buf_dispose(&f);
                    for (int i = 0; i < r->nf; i++)
                        free(r->f[i]);
                    r->nf = 0;
                    return NULL;
                }
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        gg_buf_addc(&f, '"');
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                gg_buf_addc(&f, *p++);
            }
        }
        while (p < end && *p != ',' && *p != '\n' && *p != '\r')
            gg_buf_addc(&f, *p++);
        if (r->nf < CSV_MAXF)
            r->f[r->nf++] = f.data ? gg_strndup(f.data, f.len) : gg_strdup("");
        if (p >= end || *p == '\n' || *p == '\r') {
            if (p < end && *p == '\r')
                p++;
            if (p < end && *p == '\n')
                p++;
            break;
        }
        p++; /* ',' */
    }
    gg_buf_dispose(&f);
    return p;
}

static void csv_free(csv_rec *r)
{
    for (int i = 0; i < r->nf; i++)
        free(r->f[i]);
    r->nf = 0;
}

static int import_csv(importer *im, const char *data, size_t len)
{
    const char *p = data, *end = data + len;
    csv_rec h = {0}, r = {0};
    int col[5] = {-1, -1, -1, -1, -1}; /* id text author channel created_at */
    static const char *names[5] = {"id", "text", "author", "channel", "created_at"};
    p = csv_parse(p, end, &h);
    if (p == NULL)
        return GG_EINVAL;
    for (int i = 0; i < h.nf; i++)
        for (int k = 0; k < 5; k++)
            if (strcmp(h.f[i], names[k]) == 0)
                col[k] = i;
    csv_free(&h);
    if (col[1] < 0) {
        fprintf(stderr, "gagas import: the CSV header has no 'text' column\n");
        return GG_EINVAL;
    }
    /* resume: skip to the saved offset (always a record boundary) */
    if (im->offset > (off_t)(p - data) && im->offset <= (off_t)len)
        p = data + im->offset;
    while (p < end) {
        const char *q = csv_parse(p, end, &r);
        if (q == NULL) {
            im->seen++;
            im->bad++; /* an unterminated quote at the end of the file */
            break;
        }
        char lbuf[32];
        snprintf(lbuf, sizeof(lbuf), "row-%lld", (long long)(p - data));
        const char *id = col[0] >= 0 && col[0] < r.nf && *r.f[col[0]] ? r.f[col[0]] : lbuf;
#define F(k) (col[k] >= 0 && col[k] < r.nf ? r.f[col[k]] : NULL)
        const char *ch = F(3);
        int rc = add_record(im, ch && *ch ? ch : "import", id, F(1), F(2), NULL, F(4));
#undef F
        csv_free(&r); /* add_record kept its own copies */
        if (rc)
            return rc;
        im->offset = q - data;
        p = q;
        bar(im, 0);
    }
    return 0;
}

/* Telegram Desktop export: {"messages":[{"id","type":"message","from","from_id",
 * "date_unixtime","text": string | [string | {"text"}]}]} */
static int import_telegram_export(importer *im, json_t *root)
{
    size_t i;
    json_t *m;
    const char *chat = jstr(root, "name");
    char chatid[32];
    const char *cid = jid(root, "id", chatid, sizeof(chatid));
    json_array_foreach(json_object_get(root, "messages"), i, m)
    {
        const char *type = jstr(m, "type");
        if (type && strcmp(type, "message") != 0)
            continue;
        json_t *t = json_object_get(m, "text");
        gg_buf text;
        gg_buf_init(&text, 64 * 1024);
        if (json_is_string(t)) {
            gg_buf_adds(&text, json_string_value(t));
        } else if (json_is_array(t)) {
            size_t k;
            json_t *part;
            json_array_foreach(t, k, part)
            {
                if (json_is_string(part))
                    gg_buf_adds(&text, json_string_value(part));
                else if (json_is_string(json_object_get(part, "text")))
                    gg_buf_adds(&text, json_string_value(json_object_get(part, "text")));
            }
        }
        char idb[32], native[96], created[32] = "";
        const char *mid = jid(m, "id", idb, sizeof(idb));
        snprintf(native, sizeof(native), "%s:%s", cid ? cid : (chat ? chat : "export"),
                 mid ? mid : "0");
        const char *ts = jstr(m, "date_unixtime");
        if (ts) {
            time_t tt = (time_t)strtoll(ts, NULL, 10);
            struct tm tm;
            gmtime_r(&tt, &tm);
            strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
        }
        int rc = add_record(im, "telegram", native, text.data, jstr(m, "from_id"), NULL,
                            created[0] ? created : NULL);
        gg_buf_dispose(&text);
        if (rc)
            return rc;
    }
    return 0;
}

typedef enum { F_JSONL, F_CSV, F_XV2, F_META, F_TELEGRAM } fmt_t;

/* One JSON document (x-v2 page, meta body, telegram updates or export). */
static int import_doc(importer *im, fmt_t fmt, const char *doc, size_t len)
{
    gg_channel_batch b;
    gg_channels_batch_init(&b);
    int rc = 0;
    if (fmt == F_XV2) {
        rc = gg_channels_x_decode_page(doc, len, NULL, &b);
    } else if (fmt == F_META) {
        rc = gg_channel_meta.decode(doc, len, &b);
    } else {
        json_t *root = json_loadb(doc, len, 0, NULL);
        if (json_is_object(root) && json_is_array(json_object_get(root, "messages"))) {
            rc = import_telegram_export(im, root);
            json_decref(root);
            return rc;
        }
        json_decref(root);
        rc = gg_channels_telegram_decode_updates(doc, len, &b);
    }
    if (rc != 0) {
        im->seen++;
        im->bad++;
        gg_channels_batch_dispose(&b);
        return 0;
    }
    return add_channel_batch(im, &b);
}

static int usage(void)
{
    fprintf(stderr, "usage: gagas import FILE --campaign SLUG [--format "
                    "jsonl|csv|x-v2|meta|telegram] [--db PATH]\n");
    return 2;
}

int gg_cli_import(gg_config *cfg, int argc, char **argv)
{
    const char *file = NULL, *slug = NULL, *format = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--campaign") == 0 && i + 1 < argc)
            slug = argv[++i];
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else if (argv[i][0] != '-' && file == NULL)
            file = argv[i];
        else
            return usage();
    }
    if (file == NULL || slug == NULL)
        return usage();
    fmt_t fmt;
    const char *dot = strrchr(file, '.');
    if (format == NULL)
        format = dot && strcmp(dot, ".csv") == 0 ? "csv" : "jsonl";
    if (strcmp(format, "jsonl") == 0)
        fmt = F_JSONL;
    else if (strcmp(format, "csv") == 0)
        fmt = F_CSV;
    else if (strcmp(format, "x-v2") == 0)
        fmt = F_XV2;
    else if (strcmp(format, "meta") == 0)
        fmt = F_META;
    else if (strcmp(format, "telegram") == 0)
        fmt = F_TELEGRAM;
    else
        return usage();

    FILE *f = fopen(file, "rb");
    if (f == NULL) {
        fprintf(stderr, "gagas import: cannot open %s\n", file);
        return 1;
    }
    struct stat stt;
    fstat(fileno(f), &stt);
    char *data = gg_malloc((size_t)stt.st_size + 1);
    size_t len = fread(data, 1, (size_t)stt.st_size, f);
    fclose(f);
    data[len] = '\0';

    importer *im = gg_calloc(1, sizeof(*im));
    int rc = 1;
    json_t *c = NULL;
    im->size = (off_t)len;
    im->tty = isatty(2);
    im->campaign = slug;
    gg_text_init(cfg->data_dir);
    if (gg_api_secret_load(cfg->secret_file, im->secret) != 0)
        goto done;
    if (gg_store_open(&im->store, cfg->db, 0) != 0) {
        fprintf(stderr, "gagas import: %s\n", gg_store_errmsg(NULL));
        goto done;
    }
    if (gg_store_campaign_get(im->store, slug, &c) != 0) {
        fprintf(stderr, "gagas import: no campaign '%s'\n", slug);
        goto done;
    }
    im->campaign_id = json_integer_value(json_object_get(c, "id"));
    json_t *pol = NULL;
    gg_store_campaign_policy(im->store, im->campaign_id, &pol);
    gg_online_policy_parse(&im->policy, pol);
    json_decref(pol);
    if (gg_online_open(&im->online, cfg->data_dir) != 0)
        im->online = NULL;
    gg_api_online_rebuild(im->store, im->online, 500000);
    /* the file's identity: its size and a hash of its first 64 KiB */
    snprintf(im->file_key, sizeof(im->file_key), "%llx-%lld",
             (unsigned long long)XXH3_64bits(data, len < 65536 ? len : 65536), (long long)len);
    char *cursor = NULL;
    gg_store_channel_cursor_get(im->store, "import", im->file_key, "file", &cursor);
    if (cursor) {
        im->offset = (off_t)strtoll(cursor, NULL, 10);
        free(cursor);
        if (im->offset > 0 && im->offset < (off_t)len)
            fprintf(stderr, "gagas import: resuming at byte %lld of %lld\n",
                    (long long)im->offset, (long long)len);
    }
    if (im->offset >= (off_t)len && len > 0) {
        im->offset = 0; /* finished before: run again; keys make it add nothing */
    }
    int irc = 0;
    if (fmt == F_CSV) {
        irc = import_csv(im, data, len);
    } else if (fmt == F_TELEGRAM && len && data[0] == '{' && strstr(data, "\"messages\"")) {
        irc = import_doc(im, fmt, data, len); /* one export document */
        im->offset = (off_t)len;
    } else {
        /* line-based: one record or document per line (a single-document
         * file is one long line) */
        size_t p = (size_t)im->offset;
        long long lineno = 0;
        while (p < len && irc == 0) {
            size_t e = p;
            while (e < len && data[e] != '\n')
                e++;
            lineno++;
            size_t l = e - p;
            while (l && (data[p + l - 1] == '\r' || data[p + l - 1] == ' '))
                l--;
            if (l > 0) {
                if (fmt == F_JSONL)
                    irc = line_jsonl(im, data + p, l, (long long)p);
                else
                    irc = import_doc(im, fmt, data + p, l);
            }
            p = e + 1;
            im->offset = (off_t)(p < len ? p : len);
            bar(im, 0);
        }
        (void)lineno;
    }
    if (irc == 0)
        irc = flush(im);
    bar(im, 1);
    if (irc != 0)
        goto done;
    printf("imported %s into '%s': %lld records read, %lld new, %lld already there, %lld bad\n",
           file, slug, im->seen, im->added, im->seen - im->added - im->bad, im->bad);
    rc = 0;
done:
    json_decref(c);
    gg_store_close(im->store);
    gg_online_close(im->online);
    free(im);
    free(data);
    return rc;
}
