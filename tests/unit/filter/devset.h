/*
 * devset.h — test helper: loads ../shared/data/nlp/aspirasi-dev/dev.csv
 * (RFC 4180 quoting) for the dedup, coord and gazetteer evaluations.
 * The shared directory comes from env GAGAS_SHARED, default "../shared"
 * relative to the repo root (where the tests run). Header-only, static.
 */
#ifndef GG_TESTS_DEVSET_H
#define GG_TESTS_DEVSET_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEVSET_MAXCOL 16

typedef struct devrow {
    char *col[DEVSET_MAXCOL];
    int ncol;
} devrow;

typedef struct devset {
    devrow *rows; /* rows[0] is the header */
    int n;
} devset;

/* Path of a file under the shared data directory, into buf. */
static inline const char *devset_path(char *buf, size_t cap, const char *rel)
{
    const char *root = getenv("GAGAS_SHARED");
    snprintf(buf, cap, "%s/%s", root && *root ? root : "../shared", rel);
    return buf;
}

/* Read a whole CSV file; 0 or -1 when it cannot be opened. */
static inline int devset_load(devset *ds, const char *rel)
{
    char path[1024];
    FILE *f = fopen(devset_path(path, sizeof path, rel), "rb");
    if (!f)
        return -1;
    ds->rows = NULL;
    ds->n = 0;
    int cap = 0, c;
    size_t flen = 0, fcap = 256;
    char *field = malloc(fcap);
    devrow row = {0};
    int quoted = 0, any = 0;
    for (;;) {
        c = fgetc(f);
        if (quoted) {
            if (c == EOF)
                break;
            if (c == '"') {
                int d = fgetc(f);
                if (d == '"') {
                    field[flen++] = '"';
                } else {
                    quoted = 0;
                    if (d != EOF)
                        ungetc(d, f);
                }
            } else {
                field[flen++] = (char)c;
            }
        } else if (c == '"') {
            quoted = 1;
            any = 1;
        } else if (c == ',' || c == '\n' || c == EOF) {
            if (c == EOF && !any && flen == 0 && row.ncol == 0)
                break;
            if (flen && field[flen - 1] == '\r')
                flen--;
            field[flen] = '\0';
            if (row.ncol < DEVSET_MAXCOL)
                row.col[row.ncol++] = strdup(field);
            flen = 0;
            any = 0;
            if (c != ',') {
                if (ds->n == cap) {
                    cap = cap ? cap * 2 : 256;
                    ds->rows = realloc(ds->rows, (size_t)cap * sizeof *ds->rows);
                }
                ds->rows[ds->n++] = row;
                memset(&row, 0, sizeof row);
                if (c == EOF)
                    break;
            }
        } else {
            field[flen++] = (char)c;
            any = 1;
        }
        if (flen + 2 >= fcap) {
            fcap *= 2;
            field = realloc(field, fcap);
        }
    }
    free(field);
    fclose(f);
    return 0;
}

/* Column index of a header name, or -1. */
static inline int devset_col(const devset *ds, const char *name)
{
    for (int i = 0; ds->n > 0 && i < ds->rows[0].ncol; i++)
        if (strcmp(ds->rows[0].col[i], name) == 0)
            return i;
    return -1;
}

static inline void devset_free(devset *ds)
{
    for (int i = 0; i < ds->n; i++)
        for (int j = 0; j < ds->rows[i].ncol; j++)
            free(ds->rows[i].col[j]);
    free(ds->rows);
    ds->rows = NULL;
    ds->n = 0;
}

#endif
