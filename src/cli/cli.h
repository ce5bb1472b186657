/*
 * cli.h — the gagas subcommands (cli layer). Each takes the arguments
 * after its name (argv[0] is the subcommand) and returns the process exit
 * code. Configuration flags (--db, --listen …) are handled by main.
 */
#ifndef GG_CLI_CLI_H
#define GG_CLI_CLI_H
#include "core/config.h"

int gg_cli_serve(gg_config *cfg, int argc, char **argv);
int gg_cli_demo(gg_config *cfg, int argc, char **argv);
int gg_cli_user(gg_config *cfg, int argc, char **argv);
int gg_cli_import(gg_config *cfg, int argc, char **argv);
int gg_cli_channel(gg_config *cfg, int argc, char **argv); /* cli/channel.c (issue 7) */
int gg_cli_backup(gg_config *cfg, int argc, char **argv);
int gg_cli_audit(gg_config *cfg, int argc, char **argv); /* cli/audit.c (issue 4) */
int gg_cli_classify(int argc, char **argv);
int gg_cli_train(int argc, char **argv);
int gg_cli_eval(int argc, char **argv);

#endif
