/*
 * csv.h — a small RFC 4180 reader for training and evaluation files (filter
 * layer). Reads a whole file with a header row; quoted fields may hold
 * commas, doubled quotes and line breaks. Bytes are kept as they are (some
 * staged corpora are not valid UTF-8; the feature code copes).
 */
#ifndef GG_FILTER_CSV_H
#define GG_FILTER_CSV_H
#include <stddef.h>

typedef struct gg_filter_csv {
    char *data;    /* owned: the unescaped cells, NUL-separated */
    size_t nrow;   /* data rows, header excluded */
    size_t ncol;   /* columns of the header */
    char **head;   /* ncol header names (into data) */
    char **cell;   /* nrow * ncol cells (into data); missing cells are "" */
} gg_filter_csv;

/** Read path. 0, GG_EIO (cannot read), GG_EINVAL (no header),
 *  GG_ELIMIT (over 512 MB). Dispose with gg_filter_csv_dispose. */
int gg_filter_csv_read(gg_filter_csv *out, const char *path);
void gg_filter_csv_dispose(gg_filter_csv *csv);
/** Column index of name, or -1. */
int gg_filter_csv_col(const gg_filter_csv *csv, const char *name);
/** Cell (borrowed); "" when col < 0. */
const char *gg_filter_csv_get(const gg_filter_csv *csv, size_t row, int col);

#endif
