/*
 * main.c — the gagas command line (cli layer): reads the configuration
 * (file, GAGAS_* environment, flags) and dispatches to a subcommand.
 */
#include "cli/cli.h"
#include "core/log.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: gagas COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  serve     run the server      (--listen HOST:PORT --db PATH --threads N)\n"
    "  demo      seed the demo campaign 'demo' with sample posts (--db PATH)\n"
    "  user add  add a staff user    (--db PATH --email E --role admin|reviewer|analyst;\n"
    "            password from standard input, or a prompt on a terminal)\n"
    "  channel   add|list|template: connect accounts (token from stdin, stored encrypted)\n"
    "  import    FILE --campaign SLUG [--format jsonl|csv|x-v2|meta|telegram]\n"
    "  backup    --out FILE: a consistent copy of the live database\n"
    "  audit     verify|export: check the hash-chained audit log, or write it as JSON lines\n"
    "  classify  JSON lines in, labels out (see README)\n"
    "  train     rebuild the shipped models\n"
    "  eval      precision/recall/F1 of a model on a labeled CSV\n"
    "\n"
    "configuration: --config FILE, GAGAS_<KEY> environment variables, or --key value flags;\n"
    "keys: listen db web_dir data_dir secret_file log_level base_url threads body_cap\n"
    "      rate_submit rate_login tls commit_batch default_campaign\n"
    "      secrets_file channel_base_urls channel_tick_ms channel_poll_s channel_backoff_ms\n"
    "      channel_max_attempts channels_run instagram_image_url channel_stream_idle_s\n"
    "      channel_metrics_s\n";

/* The filter's commands live in their own files; until a build has them,
 * these weak fallbacks say so instead of failing the link. */
static int missing(const char *name)
{
    fprintf(stderr, "gagas %s: not part of this build\n", name);
    return 2;
}
__attribute__((weak)) int gg_cli_classify(int argc, char **argv)
{
    return missing("classify");
}
__attribute__((weak)) int gg_cli_train(int argc, char **argv)
{
    return missing("train");
}
__attribute__((weak)) int gg_cli_eval(int argc, char **argv)
{
    return missing("eval");
}

/* a subcommand with the configuration, or one of the filter's own */
typedef struct cmd {
    const char *name;
    int (*with_cfg)(gg_config *, int, char **);
    int (*plain)(int, char **);
} cmd;

static const cmd cmds[] = {
    {"serve", gg_cli_serve, NULL},       {"demo", gg_cli_demo, NULL},
    {"user", gg_cli_user, NULL},         {"import", gg_cli_import, NULL}, {"channel", gg_cli_channel, NULL},
    {"backup", gg_cli_backup, NULL},     {"audit", gg_cli_audit, NULL},         {"classify", NULL, gg_cli_classify},
    {"train", NULL, gg_cli_train},       {"eval", NULL, gg_cli_eval},
};

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "gagas: libsodium failed to start\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strcmp(argv[1], cmds[i].name) != 0)
            continue;
        if (cmds[i].plain)
            return cmds[i].plain(argc - 1, argv + 1);
        gg_config cfg;
        char err[256];
        int rest = 0;
        gg_config_defaults(&cfg);
        if (gg_config_load(&cfg, argc - 1, argv + 1, &rest, err, sizeof(err)) != 0) {
            fprintf(stderr, "gagas %s: %s\n", argv[1], err);
            return 2;
        }
        gg_log_set_level(gg_log_level_parse(cfg.log_level));
        if (cfg.secret_file[0] == '\0')
            snprintf(cfg.secret_file, sizeof(cfg.secret_file), "%.500s.secret", cfg.db);
        /* gg_config_load moved the command's own arguments (not
         * configuration keys) to the front of argv + 1 */
        return cmds[i].with_cfg(&cfg, rest, argv + 1);
    }
    fprintf(stderr, "gagas: unknown command '%s'\n\n%s", argv[1], usage);
    return 2;
}
