/*
 * channel.c — `gagas channel` (cli layer, issue 7): connect a platform
 * account (its access token read from standard input and sealed with the
 * key file beside the database before it is stored), list accounts without
 * their tokens, and set answer templates. The token never appears on the
 * command line, in the environment of child processes or in a log.
 */
#include "channels/accounts.h"
#include "cli/cli.h"
#include "core/err.h"
#include "store/store.h"
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: gagas channel add --channel C --account ID [--token-stdin] [--stream S]...\n"
    "                         [--publish] [--user-id ID] [--business-id ID] [--image-url URL]\n"
    "                         [--wa-template NAME [--wa-template-lang CODE]]\n"
    "       gagas channel list\n"
    "       gagas channel template --event E --lang id|en [--campaign SLUG] --text TEXT\n"
    "\n"
    "channels: facebook instagram messenger whatsapp x telegram youtube mastodon tiktok\n"
    "streams:  x_search:QUERY x_mentions youtube_channel:ID youtube_video:ID youtube_replies:ID\n"
    "          mastodon_tag:TAG mastodon_mentions telegram_updates tiktok_comments:VIDEO\n"
    "          live connections: x_stream:RULE (filtered stream) mastodon_stream:TAG\n"
    "          mastodon_stream_mentions\n"
    "events:   accepted merged rejected idea-ditelaah idea-diadopsi idea-ditolak\n";

static const char *const channels[] = {"facebook", "instagram", "messenger", "whatsapp", "x",
                                       "telegram", "youtube",   "mastodon",  "tiktok",   NULL};

static int known(const char *c)
{
    for (int i = 0; channels[i]; i++)
        if (strcmp(channels[i], c) == 0)
            return 1;
    return 0;
}

static int cmd_add(gg_config *cfg, gg_store *st, int argc, char **argv)
{
    const char *channel = NULL, *account = NULL;
    int token_stdin = 0, rc = 1;
    json_t *settings = json_object(), *streams = json_array();
    char *box = NULL, *settings_s = NULL;
    char token[8192];
    token[0] = '\0';
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--token-stdin") == 0) {
            token_stdin = 1;
        } else if (strcmp(a, "--publish") == 0) {
            json_object_set_new(settings, "publish", json_true());
        } else if (v == NULL) {
            fprintf(stderr, "gagas channel add: %s needs a value\n", a);
            goto done;
        } else if (strcmp(a, "--channel") == 0) {
            channel = v, i++;
        } else if (strcmp(a, "--account") == 0) {
            account = v, i++;
        } else if (strcmp(a, "--stream") == 0) {
            json_array_append_new(streams, json_string(v)), i++;
        } else if (strcmp(a, "--user-id") == 0) {
            json_object_set_new(settings, "user_id", json_string(v)), i++;
        } else if (strcmp(a, "--business-id") == 0) {
            json_object_set_new(settings, "business_id", json_string(v)), i++;
        } else if (strcmp(a, "--image-url") == 0) {
            json_object_set_new(settings, "image_url", json_string(v)), i++;
        } else if (strcmp(a, "--wa-template") == 0) {
            /* WhatsApp: the approved template for answers outside the
             * 24-hour window; its body must have one {{1}} for the answer */
            if (v[0] == '\0' || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(v)) {
                fprintf(stderr, "gagas channel add: --wa-template is a template name "
                                "(lower case letters, digits, _)\n");
                goto done;
            }
            json_object_set_new(settings, "wa_template", json_string(v)), i++;
        } else if (strcmp(a, "--wa-template-lang") == 0) {
            json_object_set_new(settings, "wa_template_lang", json_string(v)), i++;
        } else {
            fprintf(stderr, "gagas channel add: unknown argument '%s'\n%s", a, usage);
            goto done;
        }
    }
    if (channel == NULL || account == NULL || !known(channel)) {
        fprintf(stderr, "gagas channel add: --channel (a known one) and --account are needed\n%s",
                usage);
        goto done;
    }
    json_object_set(settings, "streams", streams);
    if (token_stdin) {
        if (fgets(token, sizeof(token), stdin) == NULL) {
            fprintf(stderr, "gagas channel add: no token on standard input\n");
            goto done;
        }
        token[strcspn(token, "\r\n")] = '\0';
        if (token[0] == '\0') {
            fprintf(stderr, "gagas channel add: empty token\n");
            goto done;
        }
        unsigned char key[GG_TOKENS_KEY_BYTES];
        char path[600];
        snprintf(path, sizeof(path), "%.500s.tokens.key", cfg->db);
        int k = gg_tokens_key_load(path, key);
        if (k == 0)
            k = gg_tokens_seal(key, token, &box);
        sodium_memzero(key, sizeof(key));
        if (k != 0) {
            fprintf(stderr, "gagas channel add: cannot seal the token (%s)\n", gg_err_name(k));
            goto done;
        }
    }
    settings_s = json_dumps(settings, JSON_COMPACT);
    if (gg_store_chaccount_put(st, channel, account, settings_s, box) != 0) {
        fprintf(stderr, "gagas channel add: %s\n", gg_store_errmsg(st));
        goto done;
    }
    printf("connected %s account %s%s\n", channel, account,
           box ? " (token stored encrypted)" : " (token from GAGAS_TOKEN_* variables)");
    rc = 0;
done:
    sodium_memzero(token, sizeof(token));
    free(box);
    free(settings_s);
    json_decref(settings);
    json_decref(streams);
    return rc;
}

static int cmd_list(gg_store *st)
{
    json_t *out = NULL;
    if (gg_store_chaccount_list(st, 0, &out) != 0) {
        fprintf(stderr, "gagas channel list: %s\n", gg_store_errmsg(st));
        return 1;
    }
    char *s = json_dumps(out, JSON_INDENT(2));
    puts(s ? s : "{}");
    free(s);
    json_decref(out);
    return 0;
}

static int cmd_template(gg_store *st, int argc, char **argv)
{
    const char *event = NULL, *lang = "id", *campaign = NULL, *text = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--event") == 0)
            event = argv[i + 1];
        else if (strcmp(argv[i], "--lang") == 0)
            lang = argv[i + 1];
        else if (strcmp(argv[i], "--campaign") == 0)
            campaign = argv[i + 1];
        else if (strcmp(argv[i], "--text") == 0)
            text = argv[i + 1];
        else {
            fprintf(stderr, "gagas channel template: unknown argument '%s'\n%s", argv[i], usage);
            return 2;
        }
    }
    if (event == NULL || text == NULL || (strcmp(lang, "id") != 0 && strcmp(lang, "en") != 0)) {
        fprintf(stderr, "%s", usage);
        return 2;
    }
    int64_t cid = 0;
    if (campaign) {
        json_t *c = NULL;
        if (gg_store_campaign_get(st, campaign, &c) != 0) {
            fprintf(stderr, "gagas channel template: no campaign '%s'\n", campaign);
            return 1;
        }
        cid = json_integer_value(json_object_get(c, "id"));
        json_decref(c);
    }
    if (gg_store_template_put(st, cid, event, lang, text) != 0) {
        fprintf(stderr, "gagas channel template: %s\n", gg_store_errmsg(st));
        return 1;
    }
    printf("template %s/%s stored\n", event, lang);
    return 0;
}

int gg_cli_channel(gg_config *cfg, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0) {
        fputs(usage, argc < 1 ? stderr : stdout);
        return argc < 1 ? 2 : 0;
    }
    gg_store *st = NULL;
    if (gg_store_open(&st, cfg->db, cfg->commit_batch) != 0) {
        fprintf(stderr, "gagas channel: cannot open %s: %s\n", cfg->db, gg_store_errmsg(NULL));
        return 1;
    }
    int rc;
    if (strcmp(argv[0], "add") == 0)
        rc = cmd_add(cfg, st, argc, argv);
    else if (strcmp(argv[0], "list") == 0)
        rc = cmd_list(st);
    else if (strcmp(argv[0], "template") == 0)
        rc = cmd_template(st, argc, argv);
    else {
        fprintf(stderr, "gagas channel: unknown action '%s'\n%s", argv[0], usage);
        rc = 2;
    }
    gg_store_close(st);
    return rc;
}
