/*
 * audit.c — `gagas audit verify|export` (cli layer, issue 4). verify walks
 * the hash-chained audit log and exits 1 when any row was edited, deleted
 * or slipped in around the chain (each problem printed); export writes the
 * rows with their links as JSON lines, for keeping a copy elsewhere. The
 * head hash verify prints can be written down: a later verify that ends on
 * another head after the same rows means the tail was cut.
 */
#include "cli/cli.h"
#include "core/err.h"
#include "store/store.h"
#include "store/workspace.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] = "usage: gagas audit verify [--db PATH] [--json]\n"
                            "       gagas audit export [--db PATH] [--out FILE] [--after ID]\n";

static int write_line(void *arg, json_t *row)
{
    FILE *f = arg;
    return json_dumpf(row, f, JSON_COMPACT | JSON_SORT_KEYS) == 0 && fputc('\n', f) != EOF
               ? 0
               : GG_EIO;
}

int gg_cli_audit(gg_config *cfg, int argc, char **argv)
{
    const char *verb = argc > 0 ? argv[0] : NULL, *out = NULL;
    long long after = 0;
    int as_json = 0;
    if (verb == NULL || (strcmp(verb, "verify") != 0 && strcmp(verb, "export") != 0)) {
        fputs(usage, stderr);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            as_json = 1;
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--after") == 0 && i + 1 < argc)
            after = strtoll(argv[++i], NULL, 10);
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (access(cfg->db, F_OK) != 0) {
        fprintf(stderr, "gagas audit: no database at %s\n", cfg->db);
        return 1;
    }
    gg_store *s = NULL;
    if (gg_store_open(&s, cfg->db, 0) != 0) {
        fprintf(stderr, "gagas audit: %s\n", gg_store_errmsg(NULL));
        return 1;
    }
    int rc = 0;
    if (strcmp(verb, "verify") == 0) {
        json_t *rep = NULL;
        int bad = 0;
        rc = gg_store_audit_verify(s, &bad, &rep);
        if (rc != 0) {
            fprintf(stderr, "gagas audit verify: %s\n", gg_store_errmsg(s));
            rc = 1;
        } else {
            if (as_json) {
                json_dumpf(rep, stdout, JSON_COMPACT);
                fputc('\n', stdout);
            } else {
                size_t i;
                json_t *p;
                json_array_foreach(json_object_get(rep, "problems"), i, p)
                    printf("row %lld: %s\n",
                           (long long)json_integer_value(json_object_get(p, "id")),
                           json_string_value(json_object_get(p, "problem")));
                printf("%s: %lld rows, %d problem%s, head %s\n", bad ? "FAILED" : "ok",
                       (long long)json_integer_value(json_object_get(rep, "rows")), bad,
                       bad == 1 ? "" : "s", json_string_value(json_object_get(rep, "head")));
            }
            rc = bad ? 1 : 0;
            json_decref(rep);
        }
    } else {
        FILE *f = out ? fopen(out, "w") : stdout;
        if (f == NULL) {
            fprintf(stderr, "gagas audit export: cannot write %s\n", out);
            rc = 1;
        } else {
            rc = gg_store_audit_walk(s, after, 0, write_line, f) == 0 ? 0 : 1;
            if (out && fclose(f) != 0)
                rc = 1;
            if (rc)
                fprintf(stderr, "gagas audit export: write failed\n");
        }
    }
    gg_store_close(s);
    return rc;
}
