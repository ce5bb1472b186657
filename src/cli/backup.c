/*
 * backup.c — `gagas backup --db PATH --out FILE` (cli layer): a consistent
 * copy of the live database (SQLite online backup), safe while `gagas
 * serve` keeps running. The install secret is not part of the database:
 * keep <db>.secret with the copy (the command says so) — without it the
 * copy's pseudonymous author keys cannot be matched to new posts.
 */
#include "cli/cli.h"
#include "core/err.h"
#include "store/store.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int gg_cli_backup(gg_config *cfg, int argc, char **argv)
{
    const char *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else {
            fprintf(stderr, "usage: gagas backup --db PATH --out FILE\n");
            return 2;
        }
    }
    if (out == NULL) {
        fprintf(stderr, "usage: gagas backup --db PATH --out FILE\n");
        return 2;
    }
    if (access(out, F_OK) == 0) {
        fprintf(stderr, "gagas backup: %s exists; choose a new file\n", out);
        return 2;
    }
    if (access(cfg->db, F_OK) != 0) {
        fprintf(stderr, "gagas backup: no database at %s\n", cfg->db);
        return 1;
    }
    gg_store *s = NULL;
    if (gg_store_open(&s, cfg->db, 0) != 0) {
        fprintf(stderr, "gagas backup: %s\n", gg_store_errmsg(NULL));
        return 1;
    }
    int rc = gg_store_backup(s, out);
    if (rc != 0)
        fprintf(stderr, "gagas backup: %s\n", gg_store_errmsg(s));
    else
        printf("backup written to %s (schema %d); keep %s with it\n", out,
               gg_store_schema_version(s), cfg->secret_file);
    gg_store_close(s);
    return rc == 0 ? 0 : 1;
}
