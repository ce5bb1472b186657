/*
 * tests/unit/text/fastpath.c — the text layer's shortcuts must not change
 * what gg_text_analyze returns: the per-thread word memo (a word met again
 * replays its first result; the context bits are part of the key) and the
 * scanner's sixteen-bytes-at-a-time skips, whose block edges fall at
 * different places when the same text starts at another offset. Uses the
 * shipped tables (data/lexicon); run from the repo root or set GAGAS_ROOT.
 */
#include "text/text.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void setup(void)
{
    const char *env = getenv("GAGAS_ROOT");
    const char *roots[] = {env ? env : ".", ".", "..", "../.."};
    char path[4096];
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        snprintf(path, sizeof path, "%s/data/lexicon/slang.tsv", roots[i]);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        fclose(f);
        snprintf(path, sizeof path, "%s/data", roots[i]);
        cr_assert_eq(gg_text_init(path), 0, "cannot load tables from %s", path);
        return;
    }
    cr_assert_fail("data/lexicon not found (run from the repo root or set GAGAS_ROOT)");
}

TestSuite(text_fastpath, .init = setup);

/* norm of s, into out */
static void norm_of(const char *s, char *out, size_t cap)
{
    gg_text_doc d;
    cr_assert_eq(gg_text_analyze(&d, s, strlen(s)), 0, "analyze(%s)", s);
    snprintf(out, cap, "%s", d.norm);
    gg_text_doc_dispose(&d);
}

/* Each text twice: the second time its words come from the memo. */
static void check_twice(const char *in, const char *want)
{
    char got[4096];
    for (int round = 0; round < 2; round++) {
        norm_of(in, got, sizeof got);
        cr_expect_str_eq(got, want, "round %d: %s", round, in);
    }
}

Test(text_fastpath, memo_keeps_contexts_apart)
{
    /* LBH in capitals is an acronym, lbh is "lebih"; km after a number is
     * a unit, elsewhere "kamu": the same word in two contexts, twice */
    check_twice("LBH lbh LBH lbh km 5 km km 5 km", "lbh lebih lbh lebih kamu 5 km kamu 5 km");
    /* an English post gets no slang; the same words in an Indonesian post
     * after it still do */
    check_twice("Please fix the road near my house, it is dangerous for kids. I saw the ad on TV",
                "please fix the road near my house, it is dangerous for kids. i saw the ad on tv");
    check_twice("tolong min, jalan di depan rumah rusak, ad lubang besar. thx",
                "tolong admin, jalan di depan rumah rusak, ada lubang besar. terima kasih");
}

Test(text_fastpath, memo_word_lengths)
{
    /* 16 letters is the longest word the memo keeps, 17 skips it */
    check_twice("bangettttttttttt bangetttttttttttt", "banget banget");
    check_twice("pertanggungjawab pertanggungjawaba pertanggungjawabannya",
                "pertanggungjawab pertanggungjawaba pertanggungjawabannya");
    check_twice("yg yg anak2 anak2nya 10rb 10rb",
                "yang yang anak-anak anak-anaknya 10 ribu 10 ribu");
}

/* Text, entities and display of `in` must not depend on where it starts:
 * "kata " k times before it moves every block edge of the scanner. */
static void check_offsets(const char *in)
{
    gg_text_doc base, d;
    cr_assert_eq(gg_text_analyze(&base, in, strlen(in)), 0, "analyze(%s)", in);
    char *base_ents = json_dumps(base.entities, JSON_COMPACT | JSON_SORT_KEYS);
    for (int k = 1; k <= 20; k++) {
        char buf[1024], want_norm[1200], want_disp[1200];
        size_t o = 0;
        for (int r = 0; r < k; r++)
            o += (size_t)snprintf(buf + o, sizeof buf - o, "kata ");
        snprintf(buf + o, sizeof buf - o, "%s", in);
        snprintf(want_norm, sizeof want_norm, "%.*s%s", (int)o, buf, base.norm);
        if (base.norm_len == 0)
            want_norm[o - 1] = '\0'; /* no trailing space */
        snprintf(want_disp, sizeof want_disp, "%.*s%s", (int)o, buf, base.display);
        cr_assert_eq(gg_text_analyze(&d, buf, strlen(buf)), 0, "analyze(%s)", buf);
        char *ents = json_dumps(d.entities, JSON_COMPACT | JSON_SORT_KEYS);
        cr_expect_str_eq(ents, base_ents, "entities at offset %zu: %s", o, in);
        cr_expect_str_eq(d.norm, want_norm, "norm at offset %zu: %s", o, in);
        cr_expect_str_eq(d.display, want_disp, "display at offset %zu: %s", o, in);
        free(ents);
        gg_text_doc_dispose(&d);
    }
    free(base_ents);
    gg_text_doc_dispose(&base);
}

Test(text_fastpath, entities_do_not_depend_on_offset)
{
    /* in, norm, the non-empty entity lists (emoticons become emoji in norm
     * but are not emoji entities) */
    static const struct {
        const char *in, *norm, *ents;
    } cases[] = {
        {"xD mantap sekali, T_T sedih juga, XD lagi", "😆 mantap sekali, 😭 sedih juga, 😆 lagi",
         "{}"},
        {"Tolong TOLONG tolong, x-ray dan Xena tidak apa",
         "tolong tolong tolong, x-ray dan xena tidak apa", "{}"},
        {"kata, kata, xD kata, T.T kata", "kata, kata, 😆 kata, 😭 kata", "{}"},
        {"rumah di desa. com ya, lihat desa.com ya, detik.com/berita juga",
         "rumah di desa. com ya, lihat [url] ya, [url] juga",
         "{\"urls\":[\"desa.com\",\"detik.com/berita\"]}"},
        {"kirim ke budi@mail.co.id ya atau budi  [at] gmail [dot] com",
         "kirim ke [email] ya atau budi [at] gmail [dot] com",
         "{\"emails\":[\"budi@mail.co.id\"]}"},
        {"atau budi (at) gmail.com dan ani @ yahoo.com sekarang",
         "atau [email] dan [email] sekarang",
         "{\"emails\":[\"budi@gmail.com\",\"ani@yahoo.com\"]}"},
        {"hubungi 0812-3456-7890 ya, nik 3201231508900001 ok",
         "hubungi [telepon] ya, nik [nik] oke",
         "{\"nik\":[\"3201231508900001\"],\"phones\":[\"+6281234567890\"]}"},
        {"link bit.ly/abc dan http://x.co/a dan wa.me/6281234567890 cek",
         "link [url] dan [url] dan [telepon] cek",
         "{\"phones\":[\"+6281234567890\"],\"urls\":[\"bit.ly/abc\",\"http://x.co/a\"]}"},
        {"#PendidikanGratis sekarang @partai_x tolong, harga naik 50% lho",
         "pendidikan gratis sekarang [mention] tolong, harga naik 50% lho",
         "{\"hashtags\":[{\"tag\":\"pendidikangratis\",\"words\":\"pendidikan "
         "gratis\"}],\"mentions\":[\"partai_x\"]}"},
        {"re:pilpres jam 10:30, anak2 main2an, 10rb 5 km",
         "re:pilpres jam 10:30, anak-anak main-mainan, 10 ribu 5 km", "{}"},
        {"emoji 😂👍🏽 ok, naïve café ＪＡＬＡＮ rusak",
         "emoji 😂 👍 oke, naïve café jalan rusak", "{\"emoji\":[\"😂\",\"👍\"]}"},
        /* sentence ends: "word. next" is plain, "word.  (at) x" is not */
        {"Rumah rusak. Jalan juga! Kenapa? ya, tidak. @partai_x halo desa. com ya",
         "rumah rusak. jalan juga! kenapa? ya, tidak. [mention] halo desa. com ya",
         "{\"mentions\":[\"partai_x\"]}"},
        {"tolong ke budi.  (at) gmail.com ya. xD. Tolong. T_T. selesai",
         "tolong ke [email] ya. 😆 . tolong. 😭 . selesai", "{\"emails\":[\"budi.@gmail.com\"]}"},
        /* a non-ASCII capital early, a long ASCII tail: the piece still
         * goes through NFKC and case folding */
        {"NAÏVE rumah rakyat sejahtera, CAFÉ ＪＡＬＡＮ rusak parah sekali",
         "naïve rumah rakyat sejahtera, café jalan rusak parah sekali", "{}"},
        {"abcdefghijklmnopqrstuvwxyz abcdefghijklmnop, qrstuvwxyzabcdefg.",
         "abcdefghijklmnopqrstuvwxyz abcdefghijklmnop, qrstuvwxyzabcdefg.", "{}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gg_text_doc d;
        cr_assert_eq(gg_text_analyze(&d, cases[i].in, strlen(cases[i].in)), 0);
        cr_expect_str_eq(d.norm, cases[i].norm, "norm of %s", cases[i].in);
        json_t *nonempty = json_object();
        const char *key;
        json_t *val;
        json_object_foreach(d.entities, key, val)
        {
            if (json_array_size(val))
                json_object_set(nonempty, key, val);
        }
        char *ents = json_dumps(nonempty, JSON_COMPACT | JSON_SORT_KEYS);
        cr_expect_str_eq(ents, cases[i].ents, "entities of %s", cases[i].in);
        free(ents);
        json_decref(nonempty);
        gg_text_doc_dispose(&d);
        check_offsets(cases[i].in);
    }
}
