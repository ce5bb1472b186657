/*
 * tests/unit/text/tokenize.c — unit tests of src/text/tokenize.c: word
 * splitting, placeholders and emoji, stop words, Snowball stemming with the
 * exception table, buffer reuse. Loads the shipped tables (data/lexicon);
 * run from the repo root or set GAGAS_ROOT.
 */
#include "text/text.h"
#include "core/err.h"
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gg_text_tokens tk;

static void setup(void)
{
    const char *root = getenv("GAGAS_ROOT");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/data", root ? root : ".");
    cr_assert_eq(gg_text_init(dir), 0, "cannot load %s (run from the repo root)", dir);
    gg_text_tokens_init(&tk);
}

static void teardown(void)
{
    gg_text_tokens_dispose(&tk);
}

/* Tokens of s joined by single spaces. */
static const char *joined(const char *s, int flags)
{
    static char out[4096];
    size_t o = 0;
    cr_assert_eq(gg_text_tokenize(&tk, s, strlen(s), flags), 0);
    out[0] = '\0';
    for (size_t i = 0; i < tk.count; i++) {
        cr_assert_eq(strlen(gg_text_token(&tk, i)), tk.len[i]);
        o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", i ? " " : "", gg_text_token(&tk, i));
    }
    return out;
}

TestSuite(text_tokenize, .init = setup, .fini = teardown);

Test(text_tokenize, words_and_punctuation)
{
    cr_assert_str_eq(joined("halo, dunia! apa kabar?", 0), "halo dunia apa kabar");
    cr_assert_str_eq(joined("  ", 0), "");
    cr_assert_str_eq(joined("", 0), "");
    cr_assert_eq(tk.count, 0);
    cr_assert_str_eq(joined("anak-anak main-mainan -x- 3.5 juta, 1,5 kg covid19", 0),
                     "anak-anak main-mainan x 3.5 juta 1,5 kg covid19");
    cr_assert_str_eq(joined("\"kutip\" (kurung) caf\xc3\xa9", 0), "kutip kurung caf\xc3\xa9");
}

Test(text_tokenize, placeholders_and_emoji)
{
    const char *norm =
        "halo [mention] cek [url] \xf0\x9f\x98\x82 \xf0\x9f\x87\xae\xf0\x9f\x87\xa9 [telepon]";
    cr_assert_str_eq(
        joined(norm, 0),
        "halo [mention] cek [url] \xf0\x9f\x98\x82 \xf0\x9f\x87\xae\xf0\x9f\x87\xa9 [telepon]");
    cr_assert_str_eq(joined(norm, GG_TEXT_NO_SPECIAL), "halo cek");
    cr_assert_str_eq(joined("[bukan placeholder] [x1]", 0), "bukan placeholder x1");
}

Test(text_tokenize, stop_words_keep_negations)
{
    cr_assert_str_eq(joined("saya tidak mau yang itu dan bukan ini", GG_TEXT_STOPWORDS),
                     "tidak bukan");
    cr_assert_str_eq(joined("jalan rusak di desa kami", GG_TEXT_STOPWORDS), "jalan rusak desa");
}

Test(text_tokenize, stemming)
{
    cr_assert_str_eq(joined("pendidikan perekonomian membangun", GG_TEXT_STEM),
                     "didik ekonomi bangun");
    /* hyphenated words are stemmed by their first part */
    cr_assert_str_eq(joined("anak-anak berkali-kali", GG_TEXT_STEM), "anak kali");
    /* digits and non-Latin words pass through */
    cr_assert_str_eq(joined("covid19 caf\xc3\xa9 [url]", GG_TEXT_STEM),
                     "covid19 caf\xc3\xa9 [url]");
}

Test(text_tokenize, stem_exceptions)
{
    /* Snowball alone: mereka -> reka, media -> dia, kalian -> kali, seperti -> sepert */
    cr_assert_str_eq(joined("mereka media kalian seperti", GG_TEXT_STEM),
                     "mereka media kalian seperti");
    /* the exception also applies under -nya/-lah, and repairs outputs */
    cr_assert_str_eq(joined("keluarganya sepertinya menunggu dipakai menangkap", GG_TEXT_STEM),
                     "keluarga seperti tunggu pakai tangkap");
}

Test(text_tokenize, stem_one_word)
{
    char out[16];
    cr_assert_eq(gg_text_stem(&tk, "pendidikan", 10, out, sizeof out), 5);
    cr_assert_str_eq(out, "didik");
    cr_assert_eq(gg_text_stem(&tk, "pendidikan", 10, out, 5), GG_ELIMIT);
}

Test(text_tokenize, reuse_keeps_memory)
{
    joined("satu dua tiga empat lima enam tujuh delapan sembilan sepuluh", 0);
    char *buf = tk.buf;
    uint32_t *off = tk.off;
    for (int i = 0; i < 100; i++)
        joined("halo dunia", GG_TEXT_STEM | GG_TEXT_STOPWORDS);
    cr_assert_eq(tk.buf, buf);
    cr_assert_eq(tk.off, off);
}

Test(text_tokenize, many_tokens_grow)
{
    static char big[64 * 1024];
    size_t o = 0;
    while (o + 3 < sizeof big)
        big[o++] = 'a', big[o++] = 'b', big[o++] = ' ';
    big[o] = '\0';
    cr_assert_eq(gg_text_tokenize(&tk, big, o, 0), 0);
    cr_assert_eq(tk.count, o / 3);
    cr_assert_str_eq(gg_text_token(&tk, tk.count - 1), "ab");
}

Test(text_tokenize, end_to_end_with_analyze)
{
    gg_text_doc d;
    const char *in =
        "Gw gk ngerti knp anak2 di #PendidikanGratis bayar mahal bangettt \xf0\x9f\x98\xa1";
    cr_assert_eq(gg_text_analyze(&d, in, strlen(in)), 0);
    cr_assert_str_eq(joined(d.norm, GG_TEXT_STOPWORDS | GG_TEXT_STEM),
                     "tidak erti anak didik gratis bayar mahal banget \xf0\x9f\x98\xa1");
    gg_text_doc_dispose(&d);
}

Test(text_tokenize, dispose_null_and_twice)
{
    gg_text_tokens_dispose(NULL);
    gg_text_tokens_dispose(&tk);
    gg_text_tokens_dispose(&tk);
}

/* ---- threads ------------------------------------------------------------ */

static const char *const thread_inputs[] = {
    "Gw gk ngerti knp anak2 di #PendidikanGratis bayar mahal bangettt \xf0\x9f\x98\xa1",
    "Mereka bilang perekonomian membaik, tapi harga2 naik terus @KemenkeuRI",
    "Keluarganya sepertinya menunggu bantuan dari pemerintah sejak kemarin",
    "hubungi Budi.Santoso@Gmail.com atau 0812-3456-7890, NIK 3201231508900001",
    "Cek https://bit.ly/abc123. jalan di desa kami rusak parahhh, tlg dibenerin min!!!",
};
#define NIN (sizeof thread_inputs / sizeof thread_inputs[0])
static char thread_want[NIN][1024];

/* analyze + tokenize(stop, stem) of input k, joined by spaces */
static void pipeline(gg_text_tokens *t, size_t k, char *out, size_t cap)
{
    gg_text_doc d;
    size_t o = 0;
    out[0] = '\0';
    if (gg_text_analyze(&d, thread_inputs[k], strlen(thread_inputs[k])) != 0)
        return;
    if (gg_text_tokenize(t, d.norm, d.norm_len, GG_TEXT_STOPWORDS | GG_TEXT_STEM) == 0)
        for (size_t i = 0; i < t->count && o < cap; i++)
            o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? " " : "", gg_text_token(t, i));
    gg_text_doc_dispose(&d);
}

static void *thread_main(void *arg)
{
    gg_text_tokens t;
    char got[1024];
    long bad = 0;
    (void)arg;
    gg_text_tokens_init(&t);
    for (int round = 0; round < 3000; round++) {
        size_t k = (size_t)round % NIN;
        pipeline(&t, k, got, sizeof got);
        bad += strcmp(got, thread_want[k]) != 0;
    }
    gg_text_tokens_dispose(&t);
    return (void *)bad;
}

/* The tables are shared read-only; each thread has its own gg_text_tokens
 * (and so its own stemmer): results must match the single-thread ones. */
Test(text_tokenize, threads_share_tables)
{
    pthread_t th[4];
    for (size_t k = 0; k < NIN; k++) {
        pipeline(&tk, k, thread_want[k], sizeof thread_want[k]);
        cr_assert(thread_want[k][0] != '\0');
    }
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, thread_main, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *bad;
        pthread_join(th[i], &bad);
        cr_assert_eq((long)bad, 0, "thread %d saw %ld different results", i, (long)bad);
    }
}

Test(text_tokenize, init_with_a_bad_directory_keeps_the_tables)
{
    cr_assert_eq(gg_text_init("/nonexistent/gagas-data"), GG_EIO);
    /* the tables of setup() are still there: stop words and exceptions work */
    cr_assert_str_eq(joined("yang mereka", GG_TEXT_STOPWORDS), "");
    cr_assert_str_eq(joined("media", GG_TEXT_STEM), "media");
}

/* The largest input, expanded by the slang table, still tokenizes. */
Test(text_tokenize, expanded_max_input, .timeout = 10)
{
    static char big[GG_TEXT_MAX];
    size_t o = 0;
    while (o + 3 <= sizeof big)
        memcpy(big + o, "tq ", 3), o += 3;
    gg_text_doc d;
    cr_assert_eq(gg_text_analyze(&d, big, o), 0);
    cr_assert_gt(d.norm_len, 4 * o);
    cr_assert_eq(gg_text_tokenize(&tk, d.norm, d.norm_len, GG_TEXT_STEM), 0);
    cr_assert_eq(tk.count, 2 * (o / 3));
    gg_text_doc_dispose(&d);
}
