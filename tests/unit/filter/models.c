/*
 * models.c — unit tests of the filter's features, CSV reader, lexicons,
 * linear models (train, save, load, predict) and, when the shipped models
 * are present under data/models, of a few end-to-end classifications.
 * Run from the repository root (tests/run.sh does).
 */
#include "filter/csv.h"
#include "filter/feat.h"
#include "filter/filter.h"
#include "filter/lexicon.h"
#include "filter/model.h"
#include "text/text.h"
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *canon_of(gg_filter_fv *fv, const char *s)
{
    gg_filter_fv_build(fv, s, strlen(s), 12);
    return gg_filter_fv_canon(fv, NULL);
}

Test(filter_feat, canonical_text)
{
    gg_filter_fv fv;
    gg_filter_fv_init(&fv);
    cr_assert_str_eq(canon_of(&fv, "Halooo @partai_xyz BANGETTT"), "halo user banget");
    cr_assert_str_eq(canon_of(&fv, "cek https://bit.ly/x?a=1 dong!!!"), "cek url dong !");
    cr_assert_str_eq(canon_of(&fv, "maaf, saat ini"), "maaf saat ini");
    cr_assert_str_eq(canon_of(&fv, "[mention] lapor [url]"), "user lapor url");
    cr_assert_str_eq(canon_of(&fv, "Keren 😍👍🏽"), "keren 😍 👍");
    /* invalid UTF-8 is skipped, never read past */
    cr_assert_str_eq(canon_of(&fv, "ok\xf0\x9f end"), "ok end");
    gg_filter_fv_dispose(&fv);
}

Test(filter_feat, unique_indices_and_unit_blocks)
{
    gg_filter_fv fv;
    gg_filter_fv_init(&fv);
    const char *t = "jalan jalan rusak parah, jalan rusak lagi";
    gg_filter_fv_build(&fv, t, strlen(t), 16);
    cr_assert_gt(fv.n, 10);
    double ss = 0;
    for (size_t i = 0; i < fv.n; i++) {
        cr_assert_lt(fv.idx[i], 1u << 16);
        for (size_t j = i + 1; j < fv.n; j++)
            cr_assert_neq(fv.idx[i], fv.idx[j]);
        ss += (double)fv.val[i] * fv.val[i];
    }
    /* word block and char block are each L2-normalized */
    cr_assert_float_eq(ss, 2.0, 1e-4);
    /* same text, same features: the build is deterministic */
    uint32_t first = fv.idx[0];
    gg_filter_fv_build(&fv, t, strlen(t), 16);
    cr_assert_eq(fv.idx[0], first);
    gg_filter_fv_extra(&fv, 16, 3, 0.5f);
    cr_assert_eq(fv.idx[fv.n - 1], (1u << 16) + 3);
    gg_filter_fv_dispose(&fv);
}

static char *tmpfile_with(const char *content)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/gg_filter_test_XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    return path;
}

Test(filter_csv, quotes_newlines_and_short_rows)
{
    char *p = tmpfile_with("\xef\xbb\xbftext,label\r\n"
                           "\"a, \"\"quoted\"\"\nline\",1\r\n"
                           "\n"
                           "short\n"
                           "x,0,extra\n"
                           "last,");
    gg_filter_csv c;
    cr_assert_eq(gg_filter_csv_read(&c, p), 0);
    cr_assert_eq(c.ncol, 2);
    cr_assert_eq(c.nrow, 4);
    int t = gg_filter_csv_col(&c, "text"), l = gg_filter_csv_col(&c, "label");
    cr_assert_str_eq(gg_filter_csv_get(&c, 0, t), "a, \"quoted\"\nline");
    cr_assert_str_eq(gg_filter_csv_get(&c, 0, l), "1");
    cr_assert_str_eq(gg_filter_csv_get(&c, 1, l), "");
    cr_assert_str_eq(gg_filter_csv_get(&c, 2, t), "x");
    cr_assert_str_eq(gg_filter_csv_get(&c, 3, t), "last");
    cr_assert_str_eq(gg_filter_csv_get(&c, 3, gg_filter_csv_col(&c, "nope")), "");
    gg_filter_csv_dispose(&c);
    unlink(p);
    cr_assert_neq(gg_filter_csv_read(&c, "/nonexistent/x.csv"), 0);
}

Test(filter_lexicon, words_prefixes_and_phrases)
{
    char *p = tmpfile_with("# comment\n"
                           "a\tsekolah*\n"
                           "a\tguru\n"
                           "b\tair bersih\n"
                           "b\tpdam\n"
                           "zzz\tignored\n");
    static const char *const labels[2] = {"a", "b"};
    gg_filter_lex *lx = NULL;
    cr_assert_eq(gg_filter_lex_load(&lx, p, labels, 2), 0);
    cr_assert_eq(gg_filter_lex_size(lx), 4);
    gg_filter_fv fv;
    gg_filter_fv_init(&fv);
    int cnt[2];
    const char *t = "Sekolahnya jauh, guru kurang; PDAM mati, air bersih susah, air kotor";
    gg_filter_fv_build(&fv, t, strlen(t), 12);
    gg_filter_lex_count(lx, &fv, cnt);
    cr_assert_eq(cnt[0], 2);
    cr_assert_eq(cnt[1], 2);
    t = "sekola air";
    gg_filter_fv_build(&fv, t, strlen(t), 12);
    gg_filter_lex_count(lx, &fv, cnt);
    cr_assert_eq(cnt[0] + cnt[1], 0);
    gg_filter_fv_dispose(&fv);
    gg_filter_lex_free(lx);
    unlink(p);
}

Test(filter_model, train_save_load_predict)
{
    const char *pos[] = {"bagus sekali mantap", "mantap keren bagus", "keren sekali",
                         "bagus bagus", "mantap jiwa"};
    const char *neg[] = {"jelek sekali parah", "parah rusak jelek", "rusak total",
                         "jelek jelek", "parah banget"};
    gg_filter_ds ds;
    gg_filter_fv fv;
    unsigned char y[10];
    gg_filter_ds_init(&ds, 12);
    gg_filter_fv_init(&fv);
    for (int i = 0; i < 5; i++) {
        gg_filter_fv_build(&fv, pos[i], strlen(pos[i]), 12);
        gg_filter_ds_add(&ds, &fv);
        y[2 * i] = 1;
        gg_filter_fv_build(&fv, neg[i], strlen(neg[i]), 12);
        gg_filter_ds_add(&ds, &fv);
        y[2 * i + 1] = 0;
    }
    static const char *const lab[1] = {"good"};
    gg_filter_model *m = NULL, *m2 = NULL;
    cr_assert_eq(gg_filter_model_train(&m, &ds, NULL, 0, y, "good", lab, 1, 0, 4.0, 1.0), 0);
    char path[] = "/tmp/gg_filter_model_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    cr_assert_eq(gg_filter_model_save(m, path), 0);
    cr_assert_eq(gg_filter_model_load(&m2, path), 0);
    cr_assert_eq(m2->ncol, 1);
    cr_assert_str_eq(m2->labels[0], "good");
    float p1, p2;
    const char *t = "mantap bagus";
    gg_filter_fv_build(&fv, t, strlen(t), 12);
    gg_filter_model_prob(m, &fv, &p1);
    gg_filter_model_prob(m2, &fv, &p2);
    cr_assert_gt(p1, 0.5f);
    cr_assert_float_eq(p1, p2, 1e-6);
    t = "rusak parah";
    gg_filter_fv_build(&fv, t, strlen(t), 12);
    gg_filter_model_prob(m2, &fv, &p2);
    cr_assert_lt(p2, 0.5f);
    unlink(path);
    /* a truncated file is refused */
    FILE *f = fopen(path, "wb");
    fwrite("GGLM\1\0\0\0", 1, 8, f);
    fclose(f);
    gg_filter_model *bad = NULL;
    cr_assert_eq(gg_filter_model_load(&bad, path), -1);
    cr_assert_null(bad);
    unlink(path);
    gg_filter_model_free(m);
    gg_filter_model_free(m2);
    gg_filter_fv_dispose(&fv);
    gg_filter_ds_dispose(&ds);
}

/* End to end on the shipped models (skipped when they are absent). */
Test(filter_shipped, obvious_posts)
{
    gg_filter *f = NULL;
    if (access("data/models/kind.glm", R_OK) != 0)
        cr_skip_test("no shipped models under data/models");
    gg_text_init("data");
    cr_assert_eq(gg_filter_open(&f, "data/models", "data/lexicon/topics.tsv"), 0);
    gg_filter_scratch s;
    gg_filter_result r;
    gg_filter_scratch_init(&s);
    const char *spam = "Slot gacor hari ini maxwin!! deposit 10rb jadi jutaan, klik link di bio";
    gg_filter_classify(f, &s, spam, strlen(spam), &r);
    cr_assert_gt(r.spam, 0.5f);
    cr_assert_str_eq(gg_filter_kinds[r.kind], "spam");
    const char *idea = "usul: sekolah di desa kami butuh guru tambahan dan buku pelajaran gratis";
    gg_filter_classify(f, &s, idea, strlen(idea), &r);
    cr_assert_str_eq(gg_filter_langs[r.lang], "ind");
    cr_assert(r.topic_on & 1u, "pendidikan expected");
    cr_assert_gt(r.constructive, 0.5f);
    const char *eng = "The service at this hotel was wonderful and the staff were friendly";
    gg_filter_classify(f, &s, eng, strlen(eng), &r);
    cr_assert_str_eq(gg_filter_langs[r.lang], "eng");
    cr_assert_str_eq(gg_filter_sentiments[r.sentiment], "positive");
    /* empty and broken inputs still get an answer */
    gg_filter_classify(f, &s, "", 0, &r);
    gg_filter_classify(f, &s, "\xff\xfe", 2, &r);
    gg_filter_scratch_dispose(&s);
    gg_filter_close(f);
}
