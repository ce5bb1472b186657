/* csv.c — RFC 4180 reader (filter layer); see csv.h. */
#include "filter/csv.h"
#include "core/alloc.h"
#include "core/err.h"
#include <stdio.h>
#include <string.h>

#define CSV_MAX ((size_t)512 << 20)

void gg_filter_csv_dispose(gg_filter_csv *csv)
{
    if (!csv)
        return;
    gg_free(csv->data);
    gg_free(csv->head);
    gg_free(csv->cell);
    memset(csv, 0, sizeof *csv);
}

int gg_filter_csv_read(gg_filter_csv *out, const char *path)
{
    int rc = 0;
    char *raw = NULL;
    char **cells = NULL;
    size_t ncell = 0, cellcap = 0, rowcells = 0, ncol = 0, nrow = 0;
    FILE *f = fopen(path, "rb");
    memset(out, 0, sizeof *out);
    if (!f)
        return GG_EIO;
    if (fseek(f, 0, SEEK_END) != 0) {
        rc = GG_EIO;
        goto done;
    }
    long sz = ftell(f);
    if (sz < 0) {
        rc = GG_EIO;
        goto done;
    }
    if ((size_t)sz > CSV_MAX) {
        rc = GG_ELIMIT;
        goto done;
    }
    rewind(f);
    raw = gg_malloc((size_t)sz + 2);
    if (fread(raw, 1, (size_t)sz, f) != (size_t)sz) {
        rc = GG_EIO;
        goto done;
    }
    size_t n = (size_t)sz, i = 0, o = 0;
    if (n >= 3 && memcmp(raw, "\xef\xbb\xbf", 3) == 0)
        i = 3; /* byte-order mark */
    /* Unescape in place: output never outruns input. Each cell becomes a
     * NUL-terminated string; rows are padded/truncated to the header. */
    while (i < n) {
        size_t start = o;
        if (raw[i] == '"') {
            i++;
            while (i < n) {
                if (raw[i] == '"') {
                    if (i + 1 < n && raw[i + 1] == '"') {
                        raw[o++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                raw[o++] = raw[i++];
            }
            while (i < n && raw[i] != ',' && raw[i] != '\n' && raw[i] != '\r')
                raw[o++] = raw[i++]; /* junk after a closing quote: keep it */
        } else {
            while (i < n && raw[i] != ',' && raw[i] != '\n' && raw[i] != '\r')
                raw[o++] = raw[i++];
        }
        char term = i < n ? raw[i] : '\n';
        raw[o++] = '\0';
        if (ncell == cellcap) {
            cellcap = cellcap ? cellcap * 2 : 4096;
            cells = gg_realloc(cells, cellcap * sizeof *cells);
        }
        /* store offsets now; the buffer does not move, but keep it simple */
        cells[ncell++] = raw + start;
        rowcells++;
        if (term == ',') {
            i++;
            if (i >= n) { /* trailing comma at EOF: one more empty cell */
                raw[o++] = '\0';
                if (ncell == cellcap) {
                    cellcap *= 2;
                    cells = gg_realloc(cells, cellcap * sizeof *cells);
                }
                cells[ncell++] = raw + o - 1;
                rowcells++;
            } else {
                continue;
            }
        } else {
            /* raw[i] may already hold the NUL just written: use term */
            if (term == '\r') {
                i++;
                if (i < n && raw[i] == '\n')
                    i++;
            } else {
                i++;
            }
        }
        /* end of a row */
        if (ncol == 0) {
            ncol = rowcells;
        } else if (rowcells == 1 && cells[ncell - 1][0] == '\0') {
            ncell--; /* blank line */
            rowcells = 0;
            continue;
        } else {
            /* pad or cut to ncol */
            while (rowcells < ncol) {
                if (ncell == cellcap) {
                    cellcap *= 2;
                    cells = gg_realloc(cells, cellcap * sizeof *cells);
                }
                cells[ncell++] = raw + o - 1; /* an empty string: the last NUL */
                rowcells++;
            }
            if (rowcells > ncol)
                ncell -= rowcells - ncol;
            nrow++;
        }
        rowcells = 0;
    }
    if (rowcells > 0 && ncol > 0) { /* not reached: rows always end above */
        ncell -= rowcells;
    }
    if (ncol == 0) {
        rc = GG_EINVAL;
        goto done;
    }
    out->data = raw;
    out->ncol = ncol;
    out->nrow = nrow;
    out->head = gg_malloc(ncol * sizeof *out->head);
    memcpy(out->head, cells, ncol * sizeof *cells);
    out->cell = gg_malloc((nrow ? nrow : 1) * ncol * sizeof *out->cell);
    memcpy(out->cell, cells + ncol, nrow * ncol * sizeof *cells);
    raw = NULL;
done:
    fclose(f);
    gg_free(raw);
    gg_free(cells);
    return rc;
}

int gg_filter_csv_col(const gg_filter_csv *csv, const char *name)
{
    for (size_t c = 0; c < csv->ncol; c++)
        if (strcmp(csv->head[c], name) == 0)
            return (int)c;
    return -1;
}

const char *gg_filter_csv_get(const gg_filter_csv *csv, size_t row, int col)
{
    if (col < 0 || (size_t)col >= csv->ncol || row >= csv->nrow)
        return "";
    return csv->cell[row * csv->ncol + (size_t)col];
}
