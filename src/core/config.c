/*
 * config.c — configuration from defaults, file, environment and flags (core
 * layer). One table describes every key, so the three sources cannot drift.
 */
#include "core/config.h"
#include "core/err.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_STR, T_INT, T_LONG };
static const struct key {
    const char *name;
    int type;
    size_t off, size;
} keys[] = {
#define S(f) {#f, T_STR, offsetof(gg_config, f), sizeof(((gg_config *)0)->f)}
#define I(f) {#f, T_INT, offsetof(gg_config, f), 0}
#define L(f) {#f, T_LONG, offsetof(gg_config, f), 0}
    S(listen), S(db),     S(web_dir),     S(data_dir),     S(secret_file), S(log_level),
    S(base_url), I(threads), L(body_cap), I(rate_submit), I(rate_login), I(tls), I(commit_batch),
    S(default_campaign), I(review_lease_s),
    S(secrets_file), S(channel_base_urls), I(channel_tick_ms), I(channel_poll_s),
    I(channel_backoff_ms), I(channel_max_attempts), I(channels_run), S(instagram_image_url),
    I(channel_stream_idle_s), I(channel_metrics_s),
#undef S
#undef I
#undef L
};

void gg_config_defaults(gg_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    snprintf(cfg->listen, sizeof(cfg->listen), "127.0.0.1:8080");
    snprintf(cfg->db, sizeof(cfg->db), "var/gagas.db");
    snprintf(cfg->web_dir, sizeof(cfg->web_dir), "web");
    snprintf(cfg->data_dir, sizeof(cfg->data_dir), "data");
    snprintf(cfg->log_level, sizeof(cfg->log_level), "info");
    snprintf(cfg->base_url, sizeof(cfg->base_url), "%s", GG_CONFIG_BASE_URL_DEFAULT);
    cfg->threads = 2;
    cfg->body_cap = 1024 * 1024;
    cfg->rate_submit = 30;
    cfg->rate_login = 10;
    cfg->commit_batch = 512;
    cfg->review_lease_s = 120;
    snprintf(cfg->default_campaign, sizeof(cfg->default_campaign), "demo");
    cfg->channel_tick_ms = 1000;
    cfg->channel_poll_s = 60;
    cfg->channel_backoff_ms = 2000;
    cfg->channel_max_attempts = 8;
    cfg->channels_run = 1;
    cfg->channel_stream_idle_s = 60;
    cfg->channel_metrics_s = 900;
}

static void norm_key(char *out, size_t cap, const char *in, size_t n)
{
    size_t i = 0;
    for (; i < n && i + 1 < cap; i++)
        out[i] = in[i] == '-' ? '_' : (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

int gg_config_set(gg_config *cfg, const char *key, const char *value)
{
    char k[64];
    norm_key(k, sizeof(k), key, strlen(key));
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (strcmp(keys[i].name, k) != 0)
            continue;
        char *p = (char *)cfg + keys[i].off;
        if (keys[i].type == T_STR) {
            if (strlen(value) >= keys[i].size)
                return GG_EINVAL;
            memcpy(p, value, strlen(value) + 1);
            return 0;
        }
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end)
            return GG_EINVAL;
        if (keys[i].type == T_INT)
            *(int *)p = (int)v;
        else
            *(long *)p = v;
        return 0;
    }
    return GG_ENOTFOUND;
}

static int load_file(gg_config *cfg, const char *path, char *err, size_t errcap)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errcap, "cannot open config file %s", path);
        return GG_EINVAL;
    }
    char line[1024];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *s = line;
        while (isspace((unsigned char)*s))
            s++;
        if (*s == '#' || *s == '\0')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            snprintf(err, errcap, "%s:%d: expected key = value", path, lineno);
            rc = GG_EINVAL;
            break;
        }
        char *ke = eq;
        while (ke > s && isspace((unsigned char)ke[-1]))
            ke--;
        *ke = '\0';
        char *v = eq + 1;
        while (isspace((unsigned char)*v))
            v++;
        size_t vl = strlen(v);
        while (vl && isspace((unsigned char)v[vl - 1]))
            v[--vl] = '\0';
        if (gg_config_set(cfg, s, v) != 0) {
            snprintf(err, errcap, "%s:%d: bad key or value for %s", path, lineno, s);
            rc = GG_EINVAL;
            break;
        }
    }
    fclose(f);
    return rc;
}

int gg_config_load(gg_config *cfg, int argc, char **argv, int *rest_argc, char *err, size_t errcap)
{
    /* the file first: --config on the command line, else GAGAS_CONFIG */
    const char *file = getenv("GAGAS_CONFIG");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            file = argv[i + 1];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            file = argv[i] + 9;
    }
    if (file && load_file(cfg, file, err, errcap) != 0)
        return GG_EINVAL;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char env[80] = "GAGAS_";
        size_t n = strlen(keys[i].name);
        for (size_t j = 0; j < n && j + 7 < sizeof(env); j++)
            env[6 + j] = (char)toupper((unsigned char)keys[i].name[j]);
        env[6 + n] = '\0';
        const char *v = getenv(env);
        if (v && gg_config_set(cfg, keys[i].name, v) != 0) {
            snprintf(err, errcap, "bad value in %s", env);
            return GG_EINVAL;
        }
    }
    int rest = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            argv[rest++] = a;
            continue;
        }
        char k[64];
        const char *eq = strchr(a, '=');
        const char *val;
        norm_key(k, sizeof(k), a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
        if (strcmp(k, "config") == 0) {
            if (!eq)
                i++;
            continue;
        }
        if (eq)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[i + 1];
        else
            val = NULL;
        int rc = val ? gg_config_set(cfg, k, val) : GG_ENOTFOUND;
        if (rc == GG_EINVAL) {
            snprintf(err, errcap, "bad value for --%s", k);
            return GG_EINVAL;
        }
        if (rc == GG_ENOTFOUND) {
            argv[rest++] = a; /* not ours: the command's own flag */
            continue;
        }
        if (!eq)
            i++;
    }
    *rest_argc = rest;
    return 0;
}
