/*
 * tests/unit/text/normalize.c — unit tests of src/text/normalize.c: UTF-8
 * validation, NFKC + case folding, entity extraction and redaction. These
 * run without the lexicon tables (gg_text_init is not called), so only the
 * table-free rules are checked here; the golden file covers the rest.
 */
#include "text/text.h"
#include "core/err.h"
#include <criterion/criterion.h>
#include <string.h>

static gg_text_doc doc;

static void analyze(const char *s)
{
    gg_text_doc_dispose(&doc);
    int rc = gg_text_analyze(&doc, s, strlen(s));
    cr_assert_eq(rc, 0, "analyze(%s) = %d", s, rc);
}

static void teardown(void)
{
    gg_text_doc_dispose(&doc);
}

/* The i-th string of entities[key] (NULL when absent). */
static const char *ent(const char *key, size_t i)
{
    return json_string_value(json_array_get(json_object_get(doc.entities, key), i));
}

static size_t nent(const char *key)
{
    return json_array_size(json_object_get(doc.entities, key));
}

TestSuite(text_normalize, .fini = teardown);

Test(text_normalize, utf8_valid_accepts_good_input)
{
    cr_assert(gg_text_utf8_valid("", 0));
    cr_assert(gg_text_utf8_valid("halo dunia", 10));
    cr_assert(gg_text_utf8_valid("caf\xc3\xa9", 5));
    cr_assert(gg_text_utf8_valid("\xe2\x82\xac", 3));     /* € */
    cr_assert(gg_text_utf8_valid("\xf0\x9f\x98\x82", 4)); /* 😂 */
    cr_assert(gg_text_utf8_valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
    cr_assert(gg_text_utf8_valid("abcdefghijklmnop\xc3\xa9xyz", 21));
}

Test(text_normalize, utf8_valid_rejects_bad_input)
{
    cr_assert_not(gg_text_utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    cr_assert_not(gg_text_utf8_valid("\xe0\x80\xaf", 3));     /* overlong */
    cr_assert_not(gg_text_utf8_valid("\xf0\x80\x80\xaf", 4)); /* overlong */
    cr_assert_not(gg_text_utf8_valid("\xed\xa0\x80", 3));     /* surrogate D800 */
    cr_assert_not(gg_text_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    cr_assert_not(gg_text_utf8_valid("\x80", 1));             /* lone continuation */
    cr_assert_not(gg_text_utf8_valid("\xc3", 1));             /* truncated */
    cr_assert_not(gg_text_utf8_valid("ab\xe2\x82", 4));       /* truncated at end */
    cr_assert_not(gg_text_utf8_valid("\xff", 1));
    cr_assert_not(gg_text_utf8_valid("abcdefgh\0ijklmnop", 17)); /* NUL in fast path */
    cr_assert_not(gg_text_utf8_valid("a\0b", 3));
}

Test(text_normalize, analyze_rejects_bad_utf8_and_huge_input)
{
    cr_assert_eq(gg_text_analyze(&doc, "a\xc0\xaf", 3), GG_EUTF8);
    cr_assert_null(doc.norm);
    static char big[GG_TEXT_MAX + 2];
    memset(big, 'a', sizeof big);
    cr_assert_eq(gg_text_analyze(&doc, big, GG_TEXT_MAX + 1), GG_ELIMIT);
    cr_assert_eq(gg_text_analyze(&doc, big, GG_TEXT_MAX), 0); /* disposed by fini */
    cr_assert_eq(doc.norm_len, GG_TEXT_MAX);
}

Test(text_normalize, empty_input)
{
    analyze("");
    cr_assert_str_eq(doc.norm, "");
    cr_assert_str_eq(doc.display, "");
    cr_assert_eq(nent("urls"), 0);
    cr_assert_eq(nent("emoji"), 0);
}

Test(text_normalize, nfkc_and_case_folding)
{
    /* fullwidth, mathematical bold, ß, ligature, NBSP, em dash */
    analyze("\xef\xbc\xa6\xef\xbc\xb5\xef\xbc\xac\xef\xbc\xac "
            "\xf0\x9d\x90\x81\xf0\x9d\x90\x94\xf0\x9d\x90\x98"
            " Stra\xc3\x9f"
            "e \xef\xac\x81le\xc2\xa0JALAN");
    cr_assert_str_eq(doc.norm, "full buy strasse file jalan");
    /* NFKC composes: e + combining acute == é */
    analyze("cafe\xcc\x81");
    cr_assert_str_eq(doc.norm, "caf\xc3\xa9");
    /* whitespace and control characters collapse, ends are trimmed */
    analyze("  Halo\t\tDunia \r\n ");
    cr_assert_str_eq(doc.norm, "halo dunia");
    cr_assert_str_eq(doc.display, "  Halo\t\tDunia \r\n ");
    /* zero-width space is ignorable */
    analyze("ja\xe2\x80\x8blan");
    cr_assert_str_eq(doc.norm, "jalan");
}

Test(text_normalize, urls)
{
    analyze("Cek https://bit.ly/abc123. dan http://Example.com/a?b=c&d=(e) "
            "juga www.detik.com, bit.ly/xyz serta kompas.co.id/a/b!");
    cr_assert_eq(nent("urls"), 5);
    cr_assert_str_eq(ent("urls", 0), "https://bit.ly/abc123");
    cr_assert_str_eq(ent("urls", 1), "http://Example.com/a?b=c&d=(e)");
    cr_assert_str_eq(ent("urls", 2), "www.detik.com");
    cr_assert_str_eq(ent("urls", 3), "bit.ly/xyz");
    cr_assert_str_eq(ent("urls", 4), "kompas.co.id/a/b");
    cr_assert_str_eq(doc.norm, "cek [url] . dan [url] juga [url] , [url] serta [url] !");
    /* URLs stay in the display copy */
    cr_assert(strstr(doc.display, "https://bit.ly/abc123") != NULL);
}

Test(text_normalize, not_urls)
{
    analyze("harga 3.5 juta. selesai.lalu pulang jam 10.30 e.g. dll.");
    cr_assert_eq(nent("urls"), 0);
    analyze("bare domain detik.com ok tapi ke.to tidak");
    cr_assert_eq(nent("urls"), 1);
    cr_assert_str_eq(ent("urls", 0), "detik.com");
}

Test(text_normalize, mentions_and_hashtags)
{
    analyze("Halo @PakBupati dan @dpr_RI! #PendidikanGratis #KPKLemah #2019GantiPresiden "
            "#save_kpk #ayo");
    cr_assert_eq(nent("mentions"), 2);
    cr_assert_str_eq(ent("mentions", 0), "pakbupati");
    cr_assert_str_eq(ent("mentions", 1), "dpr_ri");
    json_t *h = json_object_get(doc.entities, "hashtags");
    cr_assert_eq(json_array_size(h), 5);
    const char *want[][2] = {{"pendidikangratis", "pendidikan gratis"},
                             {"kpklemah", "kpk lemah"},
                             {"2019gantipresiden", "2019 ganti presiden"},
                             {"save_kpk", "save kpk"},
                             {"ayo", "ayo"}};
    for (size_t i = 0; i < 5; i++) {
        json_t *o = json_array_get(h, i);
        cr_assert_str_eq(json_string_value(json_object_get(o, "tag")), want[i][0]);
        cr_assert_str_eq(json_string_value(json_object_get(o, "words")), want[i][1]);
    }
    cr_assert_str_eq(doc.norm, "halo [mention] dan [mention] ! pendidikan gratis kpk lemah "
                               "2019 ganti presiden save kpk ayo");
    /* not a hashtag: digits only, or inside a word */
    analyze("nomor #1 dan abc#def");
    cr_assert_eq(nent("hashtags"), 0);
}

Test(text_normalize, emails_redacted)
{
    analyze("kirim ke Budi.Santoso@Gmail.com ya, atau x+y@kab-bogor.go.id.");
    cr_assert_eq(nent("emails"), 2);
    cr_assert_str_eq(ent("emails", 0), "budi.santoso@gmail.com");
    cr_assert_str_eq(ent("emails", 1), "x+y@kab-bogor.go.id");
    cr_assert_str_eq(doc.display, "kirim ke [email] ya, atau [email].");
    cr_assert_str_eq(doc.norm, "kirim ke [email] ya, atau [email] .");
    cr_assert_eq(nent("mentions"), 0);
}

Test(text_normalize, obfuscated_emails_redacted)
{
    analyze("kirim ke Budi [at] Gmail [dot] com, atau budi(at)kab-bogor.go.id, atau "
            "budi @ yahoo.co.id ya");
    cr_assert_eq(nent("emails"), 3);
    cr_assert_str_eq(ent("emails", 0), "budi@gmail.com");
    cr_assert_str_eq(ent("emails", 1), "budi@kab-bogor.go.id");
    cr_assert_str_eq(ent("emails", 2), "budi@yahoo.co.id");
    cr_assert_str_eq(doc.display, "kirim ke [email], atau [email], atau [email] ya");
    /* not addresses */
    analyze("saya (at) rumah, harga [at] 5 ribu, halo @budi dan kami @ rumah");
    cr_assert_eq(nent("emails"), 0);
    cr_assert_eq(nent("mentions"), 1);
}

Test(text_normalize, phones_redacted)
{
    analyze("WA 0812-3456-7890 / +62 812 3456 7890 / 628123456789 / 08123456789. "
            "Kantor (021) 5551234 atau 021-5551234");
    cr_assert_eq(nent("phones"), 6);
    cr_assert_str_eq(ent("phones", 0), "+6281234567890");
    cr_assert_str_eq(ent("phones", 1), "+6281234567890");
    cr_assert_str_eq(ent("phones", 2), "+628123456789");
    cr_assert_str_eq(ent("phones", 3), "+628123456789");
    cr_assert_str_eq(ent("phones", 4), "+62215551234");
    cr_assert_str_eq(ent("phones", 5), "+62215551234");
    cr_assert_str_eq(doc.display, "WA [telepon] / [telepon] / [telepon] / [telepon]. "
                                  "Kantor [telepon] atau [telepon]");
}

Test(text_normalize, whatsapp_links_are_phones)
{
    analyze(
        "chat wa.me/6281234567890 atau https://api.whatsapp.com/send?phone=081234567890&text=hi "
        "dan https://wa.me/+628123456789?text=halo, bukan wa.me/abc");
    cr_assert_eq(nent("phones"), 3);
    cr_assert_str_eq(ent("phones", 0), "+6281234567890");
    cr_assert_str_eq(ent("phones", 1), "+6281234567890");
    cr_assert_str_eq(ent("phones", 2), "+628123456789");
    cr_assert_eq(nent("urls"), 1);
    cr_assert_str_eq(ent("urls", 0), "wa.me/abc");
    cr_assert_str_eq(doc.display, "chat [telepon] atau [telepon] dan [telepon], bukan wa.me/abc");
}

Test(text_normalize, phone_stops_at_following_number)
{
    analyze("hubungi 0812 3456 7890 2 orang");
    cr_assert_eq(nent("phones"), 1);
    cr_assert_str_eq(ent("phones", 0), "+6281234567890");
    cr_assert_str_eq(doc.display, "hubungi [telepon] 2 orang");
}

Test(text_normalize, not_phones)
{
    analyze("tanggal 2019-08-17, 62 orang, Rp 1.500.000, tahun 2024, kode 12345678901");
    cr_assert_eq(nent("phones"), 0);
    cr_assert_eq(nent("nik"), 0);
}

Test(text_normalize, nik_redacted)
{
    analyze("NIK saya 3201231508900001, istri 3201235508920002.");
    cr_assert_eq(nent("nik"), 2);
    cr_assert_str_eq(ent("nik", 0), "3201231508900001");
    cr_assert_str_eq(doc.display, "NIK saya [NIK], istri [NIK].");
    cr_assert_str_eq(doc.norm, "nik saya [nik] , istri [nik] .");
    /* written in groups */
    analyze("NIK: 3201 2315 0890 0001 / 320123-150890-0001 / 3201.2315.0890.0001");
    cr_assert_eq(nent("nik"), 3);
    for (size_t i = 0; i < 3; i++)
        cr_assert_str_eq(ent("nik", i), "3201231508900001");
    cr_assert_str_eq(doc.display, "NIK: [NIK] / [NIK] / [NIK]");
    /* groups that do not add up to 16 digits are left alone */
    analyze("3201 2315 0890 001 dan 3201 2315 0890 00011");
    cr_assert_eq(nent("nik"), 0);
    /* 16 digits that cannot be a NIK (month 13), and 17 digits */
    analyze("3201231513900001 32012315089000012");
    cr_assert_eq(nent("nik"), 0);
}

Test(text_normalize, emoji_tokens)
{
    /* 😂😂, 👍🏽 (skin tone dropped), family ZWJ sequence, flag, ❤️ (FE0F dropped) */
    analyze("keren\xf0\x9f\x98\x82\xf0\x9f\x98\x82 \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd "
            "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 "
            "\xf0\x9f\x87\xae\xf0\x9f\x87\xa9 \xe2\x9d\xa4\xef\xb8\x8f");
    cr_assert_eq(nent("emoji"), 6);
    cr_assert_str_eq(ent("emoji", 0), "\xf0\x9f\x98\x82");
    cr_assert_str_eq(ent("emoji", 2), "\xf0\x9f\x91\x8d");
    cr_assert_str_eq(ent("emoji", 3),
                     "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7");
    cr_assert_str_eq(ent("emoji", 4), "\xf0\x9f\x87\xae\xf0\x9f\x87\xa9");
    cr_assert_str_eq(ent("emoji", 5), "\xe2\x9d\xa4");
    cr_assert_str_eq(doc.norm,
                     "keren \xf0\x9f\x98\x82 \xf0\x9f\x98\x82 \xf0\x9f\x91\x8d "
                     "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 "
                     "\xf0\x9f\x87\xae\xf0\x9f\x87\xa9 \xe2\x9d\xa4");
    /* display keeps the original bytes */
    cr_assert(strstr(doc.display, "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd") != NULL);
}

Test(text_normalize, entity_next_to_emoji)
{
    analyze("@budi\xf0\x9f\x98\x82 08123456789\xf0\x9f\x98\x82");
    cr_assert_eq(nent("mentions"), 1);
    cr_assert_eq(nent("phones"), 1);
    cr_assert_eq(nent("emoji"), 2);
}

Test(text_normalize, entities_object_always_complete)
{
    analyze("tanpa apa-apa");
    const char *keys[] = {"urls", "mentions", "hashtags", "emails", "phones", "nik", "emoji"};
    for (size_t i = 0; i < 7; i++)
        cr_assert(json_is_array(json_object_get(doc.entities, keys[i])), "%s", keys[i]);
}

Test(text_normalize, dispose_twice_and_null)
{
    analyze("x");
    gg_text_doc_dispose(&doc);
    gg_text_doc_dispose(&doc);
    gg_text_doc_dispose(NULL);
}

/* ---- pathological and random inputs ------------------------------------ */

/* Fill a GG_TEXT_MAX buffer with copies of pat and analyze it. */
static void analyze_repeated(const char *pat)
{
    static char big[GG_TEXT_MAX + 1];
    size_t n = strlen(pat), o = 0;
    while (o + n <= GG_TEXT_MAX) {
        memcpy(big + o, pat, n);
        o += n;
    }
    gg_text_doc_dispose(&doc);
    cr_assert_eq(gg_text_analyze(&doc, big, o), 0, "pattern \"%s\"", pat);
    cr_assert(gg_text_utf8_valid(doc.norm, doc.norm_len), "pattern \"%s\"", pat);
    cr_assert(gg_text_utf8_valid(doc.display, doc.display_len), "pattern \"%s\"", pat);
}

/* Each must stay linear: 64 KiB in well under the time limit. */
Test(text_normalize, pathological_inputs_stay_fast, .timeout = 10)
{
    const char *pats[] = {"a",
                          "a.",
                          "a-",
                          "a_",
                          "1.",
                          "a@",
                          "@a",
                          "#a",
                          "#",
                          "@",
                          ".",
                          "0812 ",
                          "08123456789 ",
                          "+62",
                          "+",
                          "(0",
                          "(021) ",
                          "http://",
                          "www.",
                          "bit.ly/",
                          "x.com ",
                          "a.com@",
                          "anak2 ",
                          "2",
                          "aaab",
                          "\xf0\x9f\x98\x82",
                          "\xe2\x80\x8d",
                          "\xf0\x9f\x87\xae",
                          "\xef\xb8\x8f",
                          "e\xcc\x81",
                          "\xef\xbc\xa1",
                          "3201231508900001",
                          "1234567890123456 ",
                          "a.b@c.de ",
                          "a [at] ",
                          "a @ a.",
                          "a(at)b(dot)",
                          "a [at] b [dot] c ",
                          ":)",
                          "-_",
                          "xD ",
                          "VIII ",
                          "wkwkwk",
                          "3201 ",
                          "wa.me/62",
                          "tq ",
                          "5 km "};
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++)
        analyze_repeated(pats[i]);
}

/* Encode cp as UTF-8 into out; returns the length. */
static size_t put_cp(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Random texts drawn from the characters the scanner cares about: every
 * output must be valid UTF-8, norm has no doubled or edge spaces. */
Test(text_normalize, random_inputs_keep_invariants)
{
    static const unsigned alphabet[] = {
        'a',    'b',     'k',    'g',    'x',    'w',     'h',     't',     'p',     's',
        ':',    '/',     'A',    'Z',    '0',    '8',     '2',     '6',     '1',     '9',
        ' ',    ' ',     '.',    ',',    '-',    '_',     '@',     '#',     '+',     '(',
        ')',    '\n',    '\t',   '!',    '[',    ']',     0xE9,    0x301,   0xDF,    0xFB01,
        0xFF21, 0x1D400, 0x200B, 0x200D, 0xFE0F, 0x1F602, 0x1F44D, 0x1F3FD, 0x1F1EE, 0x1F1E9,
        0x2764, 0x20E3,  0x3000, 0xA0,   0x2019, 0x201C,  0x5B57,  0x627};
    unsigned seed = 12345;
    char buf[600];
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = 0, want = (size_t)(iter % 120);
        for (size_t k = 0; k < want; k++) {
            seed = seed * 1103515245u + 12345u;
            n += put_cp(buf + n, alphabet[(seed >> 16) % (sizeof alphabet / sizeof alphabet[0])]);
        }
        cr_assert(gg_text_utf8_valid(buf, n));
        gg_text_doc_dispose(&doc);
        cr_assert_eq(gg_text_analyze(&doc, buf, n), 0);
        cr_assert(gg_text_utf8_valid(doc.norm, doc.norm_len), "input %.*s", (int)n, buf);
        cr_assert(gg_text_utf8_valid(doc.display, doc.display_len), "input %.*s", (int)n, buf);
        cr_assert_eq(strlen(doc.norm), doc.norm_len);
        cr_assert(strstr(doc.norm, "  ") == NULL, "double space in \"%s\"", doc.norm);
        if (doc.norm_len)
            cr_assert(doc.norm[0] != ' ' && doc.norm[doc.norm_len - 1] != ' ');
    }
}

Test(text_normalize, no_entities_flag)
{
    const char *in = "Halo @budi #AyoSekolah 08123456789 budi@x.com \xf0\x9f\x98\x82 bit.ly/x";
    gg_text_doc full;
    cr_assert_eq(gg_text_analyze(&full, in, strlen(in)), 0);
    gg_text_doc_dispose(&doc);
    cr_assert_eq(gg_text_analyze_ex(&doc, in, strlen(in), GG_TEXT_NO_ENTITIES), 0);
    cr_assert_null(doc.entities);
    cr_assert_str_eq(doc.norm, full.norm);
    cr_assert_str_eq(doc.display, full.display);
    gg_text_doc_dispose(&full);
}
