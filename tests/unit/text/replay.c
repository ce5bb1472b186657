/*
 * tests/unit/text/replay.c — replays the fuzz corpus of the text layer
 * (fuzz/corpus/text_analyze/, see fuzz/text_analyze.c) through the same
 * checks as the fuzz target, so inputs the fuzzer found stay fixed. Run
 * from the repo root or set GAGAS_ROOT.
 */
#include "text/text.h"
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the target itself (it has no main) */
#include "../../../fuzz/text_analyze.c"

Test(text_replay, fuzz_corpus)
{
    const char *root = getenv("GAGAS_ROOT");
    char dir[4096], path[8192];
    snprintf(dir, sizeof dir, "%s/fuzz/corpus/text_analyze", root ? root : ".");
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s not found (run from the repo root)", dir);
    static unsigned char buf[GG_TEXT_MAX + 2];
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, len); /* aborts on a broken invariant */
        n++;
    }
    closedir(d);
    cr_log_info("%d corpus inputs replayed", n);
    cr_assert_gt(n, 0);
}
