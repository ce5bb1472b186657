/*
 * fuzz/text_analyze.c — libFuzzer target for the text layer: any bytes go
 * through gg_text_utf8_valid, gg_text_analyze and gg_text_tokenize (with
 * the shipped tables). Checks the invariants the rest of gagas relies on:
 * valid UTF-8 out, NUL-terminated strings of the stated length, no doubled
 * spaces in norm, tokens that match their lengths. Build and run:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Isrc \
 *     fuzz/text_analyze.c src/text/normalize.c src/text/lexicon.c src/text/tokenize.c \
 *     src/core/alloc.c -ljansson -lutf8proc -lstemmer -o build/fuzz_text_analyze
 *   build/fuzz_text_analyze fuzz/corpus/text_analyze      (from the repo root)
 * The corpus is replayed by the unit tests (tests/unit/text/replay.c).
 */
#include "text/text.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    static gg_text_tokens tk;
    if (!ready) {
        gg_text_init(getenv("GAGAS_DATA") ? getenv("GAGAS_DATA") : "data");
        gg_text_tokens_init(&tk);
        ready = 1;
    }
    const char *s = (const char *)data;
    gg_text_doc d;
    int valid = gg_text_utf8_valid(s, size);
    int rc = gg_text_analyze(&d, s, size);
    if (!valid || size > GG_TEXT_MAX) {
        check(rc != 0);
        return 0;
    }
    check(rc == 0);
    check(strlen(d.norm) == d.norm_len && strlen(d.display) == d.display_len);
    check(gg_text_utf8_valid(d.norm, d.norm_len) && gg_text_utf8_valid(d.display, d.display_len));
    check(strstr(d.norm, "  ") == NULL);
    check(d.norm_len == 0 || (d.norm[0] != ' ' && d.norm[d.norm_len - 1] != ' '));
    check(json_array_size(json_object_get(d.entities, "emoji")) <= size);
    check(gg_text_tokenize(&tk, d.norm, d.norm_len, GG_TEXT_STOPWORDS | GG_TEXT_STEM) == 0);
    for (size_t i = 0; i < tk.count; i++)
        check(tk.len[i] > 0 && strlen(gg_text_token(&tk, i)) == tk.len[i] &&
              gg_text_utf8_valid(gg_text_token(&tk, i), tk.len[i]));
    gg_text_doc_dispose(&d);
    return 0;
}
