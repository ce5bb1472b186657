/*
 * gazetteer.h — finds the Indonesian regions a post names (text layer,
 * depends on core; jansson only for gg_geo_match_json): provinces, kabupaten/kota and kecamatan in the forms
 * people write ("Kab. Bogor", "Kota Bandung", "Jaksel", "#Sumbar",
 * "kec. Cibinong", "Jogja", "DKI"), resolved to Kemendagri codes and to the
 * DPR RI dapil (2024). A name that fits several units ("Bandung", "Bogor") is
 * resolved from context (prefix, a co-mentioned unit) or reported as
 * ambiguous with its candidates; a name that is also an everyday word
 * ("batu", "malang", "padang") needs a cue. Tables: data/geo/ (*.tsv).
 * Read-only after gg_geo_open: any number of threads may call gg_geo_find.
 */
#ifndef GG_TEXT_GAZETTEER_H
#define GG_TEXT_GAZETTEER_H
#include <stddef.h>

typedef struct gg_geo gg_geo;

typedef enum gg_geo_level {
    GG_GEO_NONE = 0,      /* ambiguous between levels (e.g. "Jogja": DIY or Kota Yogyakarta) */
    GG_GEO_PROVINSI = 1,
    GG_GEO_KABKOTA = 2,   /* kabupaten or kota */
    GG_GEO_KECAMATAN = 3,
    GG_GEO_DAPIL = 4,     /* an explicit dapil mention ("Dapil Jabar V"): code is "",
                             dapil, dapil_name and province are set */
} gg_geo_level;

#define GG_GEO_MAX_CAND 8

/** One region mention. Codes are Kemendagri codes in dotted form ("32",
 *  "32.01", "32.01.04"); an empty string means unknown/not applicable.
 *  Name pointers are borrowed from the gg_geo and live until gg_geo_close. */
typedef struct gg_geo_match {
    size_t start, len;       /* byte span in the text as written ("Kab. Bogor"; a
                                hashtag's span leaves out the '#') */
    gg_geo_level level;
    char code[16];           /* the unit; "" when ambiguous (see cand) */
    const char *name;        /* official name ("Kabupaten Bogor"), NULL when ambiguous */
    char province[4];        /* province code; also set when every candidate shares it */
    char kabkota[8];         /* kab/kota code for kabkota and kecamatan matches */
    char dapil[8];           /* DPR RI 2024 dapil code ("3205"), when known (a province
                                with one dapil, or every candidate in the same dapil) */
    const char *dapil_name;  /* "JAWA BARAT V", NULL when dapil is "" */
    int ambiguous;           /* 1: several units fit and context did not decide */
    int multi;               /* 1: a multi-unit region ("Jabodetabek"); cand lists members */
    int n_cand;              /* candidates (ambiguous/multi), at most GG_GEO_MAX_CAND kept */
    char cand[GG_GEO_MAX_CAND][16];
    const char *how;         /* why it matched: "prefix", "alias", "hashtag", "context",
                                "cue", "kecamatan" (static string) */
} gg_geo_match;

/**
 * Load the tables from data_dir (the directory holding geo/regions.tsv,
 * geo/aliases.tsv, geo/dapil.tsv, geo/dapil_aliases.tsv; NULL = "data").
 * On success 0 and *out
 * (free with gg_geo_close); GG_EIO when a file is missing or unreadable,
 * GG_EINVAL when a table is malformed.
 */
int gg_geo_open(gg_geo **out, const char *data_dir);

/** Free the tables; NULL is allowed. */
void gg_geo_close(gg_geo *g);

/**
 * Find the region mentions in text[0..len) (the ORIGINAL text: capitals
 * and punctuation are cues). Writes up to max matches into out in text order
 * and returns how many it found (which may exceed max; only max are written;
 * out may be NULL when max is 0). Never fails; thread-safe. Costs one pass
 * over the tokens plus a pass over the mentions per mention (context).
 */
int gg_geo_find(const gg_geo *g, const char *text, size_t len, gg_geo_match *out, int max);

/**
 * The main region among n matches of text (as gg_geo_find wrote them): the
 * first mention that is not a comparison ("kayak di Bali", "seperti di …");
 * the first mention when all are. Returns its index, or -1 when n is 0.
 * This is the rule measured in docs/geo.md.
 */
int gg_geo_main(const gg_geo_match *m, int n, const char *text);

/** Name of the unit with dotted or plain code ("32.01" or "3201"), borrowed;
 *  NULL when unknown. */
const char *gg_geo_name(const gg_geo *g, const char *code);

/** One administrative unit, for dashboards and reports. */
typedef struct gg_geo_unit {
    char code[16];          /* dotted */
    gg_geo_level level;
    int is_kota;            /* kab/kota level: 1 kota, 0 kabupaten */
    const char *name;       /* borrowed, lives until gg_geo_close */
    char parent[16];        /* dotted parent code, "" for a province */
    char province[4];
    char dapil[8];          /* DPR RI 2024 dapil: kab/kota, kecamatan, one-dapil province */
    const char *dapil_name;
} gg_geo_unit;

/** Look up a unit by dotted or plain code: 0 and *out, or GG_ENOTFOUND. Thread-safe. */
int gg_geo_lookup(const gg_geo *g, const char *code, gg_geo_unit *out);

/** Number of DPR RI dapil (84 for 2024). */
int gg_geo_dapil_count(const gg_geo *g);

/** Dapil i (0..count-1): its code ("3205"), name ("JAWA BARAT V") and province
 *  code ("32"), borrowed until gg_geo_close. 0, or GG_ENOTFOUND for i out of range. */
int gg_geo_dapil_at(const gg_geo *g, int i, const char **code, const char **name, const char **province);

/** Level name: "provinsi", "kabkota", "kecamatan", "dapil" or "" (static). */
const char *gg_geo_level_name(gg_geo_level level);

/**
 * One match as a JSON object for `gagas classify` and the API:
 * {"text","start","len","level","code","name","province","kabkota","dapil",
 *  "dapil_name","ambiguous","multi","candidates","how"}; empty fields are
 * left out. text is the text the match came from (for "text"). New
 * reference, caller owns (json_decref); never NULL.
 */
struct json_t;
struct json_t *gg_geo_match_json(const gg_geo_match *m, const char *text);

#endif
