/*
 * tests/unit/filter/dedup.c — exact and near-duplicate index: exact copies,
 * copies differing in case/emoji/hashtags, unrelated posts, short posts,
 * growth past the initial size, and the aspirasi-dev copies (g1, g2).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "filter/dedup.h"
#include "filter/feat.h"
#include "unit/filter/devset.h"

#define S(lit) (lit), strlen(lit)

static const char *BASE = "Kami petani minta partai perjuangkan pupuk subsidi lewat kartu tani digital "
                          "biar gk antri dan gk dimainin tengkulak";

Test(dedup, exact_copy_returns_first_id)
{
    gg_dedup *d = gg_dedup_new(NULL);
    double sim = -1;
    cr_assert_eq(gg_dedup_add(d, 10, S(BASE), &sim), -1);
    cr_assert_float_eq(sim, 0.0, 1e-9);
    cr_assert_eq(gg_dedup_add(d, 11, S(BASE), &sim), 10);
    cr_assert_float_eq(sim, 1.0, 1e-9);
    /* case and punctuation are not part of the token stream: still exact */
    cr_assert_eq(gg_dedup_add(d, 12, S("KAMI PETANI minta partai, perjuangkan pupuk subsidi lewat kartu "
                                       "tani digital!! biar gk antri dan gk dimainin tengkulak 🌾"), &sim), 10);
    cr_assert_float_eq(sim, 1.0, 1e-9);
    gg_dedup_stats st;
    gg_dedup_stats_get(d, &st);
    cr_assert_eq(st.added, 3);
    cr_assert_eq(st.exact, 2);
    cr_assert_eq(st.indexed, 1);
    gg_dedup_free(d);
}

Test(dedup, near_copy_found_unrelated_not)
{
    gg_dedup *d = gg_dedup_new(NULL);
    double sim;
    gg_dedup_add(d, 1, S(BASE), NULL);
    gg_dedup_add(d, 2, S("jalan di desa kami kec cibinong rusak parah udh 2 tahun gk diperbaiki tiap ujan kaya kolam lele"), NULL);
    int64_t r = gg_dedup_add(d, 3, S("Kami petani minta partai perjuangkan pupuk subsidi lewat kartu tani digital "
                                     "biar gk antri dan gk dimainin tengkulak salam dari Indramayu"), &sim);
    cr_assert_eq(r, 1, "near copy -> %lld (sim %.2f)", (long long)r, sim);
    cr_assert(sim >= 0.6 && sim < 1.0, "sim %.2f", sim);
    r = gg_dedup_query(d, S("tarif pdam di kota bekasi naik 30 persen tapi air masih mati tiga hari sekali"), &sim);
    cr_assert_eq(r, -1);
    cr_assert(sim < 0.6);
    /* a query does not add */
    cr_assert_eq(gg_dedup_query(d, S("tarif pdam di kota bekasi naik 30 persen tapi air masih mati tiga hari sekali"), NULL), -1);
    gg_dedup_free(d);
}

Test(dedup, similarity_orders_sensibly)
{
    gg_dedup *d = gg_dedup_new(NULL);
    double same = gg_dedup_similarity(d, S(BASE), S(BASE));
    double near = gg_dedup_similarity(d, S(BASE), S("kami petani minta partai perjuangkan pupuk subsidi lewat kartu tani "
                                                    "digital biar gk antri dan gk dimainin tengkulak tolong"));
    double far = gg_dedup_similarity(d, S(BASE), S("harga tiket pesawat domestik mahal banget ke papua lebih mahal dari ke luar negeri"));
    cr_assert_float_eq(same, 1.0, 1e-9);
    cr_assert(near > 0.7 && near < 1.0, "near %.2f", near);
    cr_assert(far < 0.1, "far %.2f", far);
    gg_dedup_free(d);
}

Test(dedup, short_posts_use_char_grams)
{
    gg_dedup *d = gg_dedup_new(NULL);
    double sim;
    gg_dedup_add(d, 1, S("tolak kenaikan pdam"), NULL);
    cr_assert_eq(gg_dedup_add(d, 2, S("tolak kenaikan pdam!!"), &sim), 1); /* exact after tokenizing */
    cr_assert_eq(gg_dedup_add(d, 3, S("tolak kenaikan pdamm"), &sim), 1, "sim %.2f", sim);
    cr_assert_eq(gg_dedup_add(d, 4, S("dukung program makan gratis"), &sim), -1);
    /* no word at all: not added, no answer */
    cr_assert_eq(gg_dedup_add(d, 5, S("!!! 🙏🙏 ..."), &sim), -1);
    cr_assert_eq(gg_dedup_add(d, 6, S(""), &sim), -1);
    gg_dedup_stats st;
    gg_dedup_stats_get(d, &st);
    cr_assert_eq(st.added, 4);
    gg_dedup_free(d);
}

Test(dedup, grows_and_keeps_finding)
{
    gg_dedup_opts o = {.expected = 8};
    gg_dedup *d = gg_dedup_new(&o);
    char buf[256];
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "usulan nomor %d tentang jalan desa %d dan sekolah %d di kampung %d yang rusak", i,
                 i * 7, i * 13, i * 31);
        cr_assert_eq(gg_dedup_add(d, i, buf, strlen(buf), NULL), -1, "post %d", i);
    }
    snprintf(buf, sizeof buf, "usulan nomor %d tentang jalan desa %d dan sekolah %d di kampung %d yang rusak parah", 77,
             77 * 7, 77 * 13, 77 * 31);
    double sim;
    cr_assert_eq(gg_dedup_query(d, buf, strlen(buf), &sim), 77, "sim %.2f", sim);
    gg_dedup_stats st;
    gg_dedup_stats_get(d, &st);
    cr_assert_eq(st.indexed, 5000);
    cr_assert(st.bytes / st.indexed < 1024, "%zu bytes per post", st.bytes / st.indexed);
    gg_dedup_free(d);
}

/* Pairs of posts the index puts together vs aspirasi-dev's coordinated
 * groups (every group is a set of near-identical copies). */
Test(dedup, devset_groups)
{
    devset ds;
    if (devset_load(&ds, "data/nlp/aspirasi-dev/dev.csv") != 0)
        cr_skip_test("aspirasi-dev not found (set GAGAS_SHARED)");
    int ct = devset_col(&ds, "text"), cg = devset_col(&ds, "coordinated_group");
    cr_assert(ct >= 0 && cg >= 0);
    gg_dedup *d = gg_dedup_new(NULL);
    int64_t *cl = calloc((size_t)ds.n, sizeof *cl);
    for (int i = 1; i < ds.n; i++) {
        int64_t r = gg_dedup_add(d, i, ds.rows[i].col[ct], strlen(ds.rows[i].col[ct]), NULL);
        cl[i] = r >= 0 ? r : i;
    }
    long tp = 0, fp = 0, fn = 0;
    for (int i = 1; i < ds.n; i++)
        for (int j = i + 1; j < ds.n; j++) {
            int gold = *ds.rows[i].col[cg] && strcmp(ds.rows[i].col[cg], ds.rows[j].col[cg]) == 0;
            int pred = cl[i] == cl[j];
            tp += gold && pred;
            fp += !gold && pred;
            fn += gold && !pred;
        }
    cr_log_info("dedup on aspirasi-dev: pairs tp=%ld fp=%ld fn=%ld", tp, fp, fn);
    cr_assert_eq(fn, 0);
    cr_assert_eq(fp, 0);
    free(cl);
    gg_dedup_free(d);
    devset_free(&ds);
}

/* Random bytes (invalid UTF-8, NULs, emoji halves) never crash, and no
 * answer names a post that was not added yet. */
Test(dedup, garbage_input)
{
    gg_dedup *d = gg_dedup_new(NULL);
    uint64_t x = 88172645463325252ULL;
    char buf[600];
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(round % 599) + 1;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf[i] = (x % 3) ? (char)('a' + x % 26) : (char)(x >> 8);
        }
        double sim;
        int64_t r = gg_dedup_add(d, round, buf, n, &sim);
        cr_assert(r < round);
        cr_assert(sim >= 0 && sim <= 1);
        int64_t q = gg_dedup_query(d, buf, n, &sim);
        cr_assert(q == -1 || q <= round);
    }
    gg_dedup_free(d);
}

/* Short posts need a higher similarity: a few shared words are not a copy. */
Test(dedup, short_posts_need_more)
{
    gg_dedup *d = gg_dedup_new(NULL);
    double sim;
    gg_dedup_add(d, 1, S("USER cacat lu"), NULL);
    cr_assert_eq(gg_dedup_add(d, 2, S("USER Cacat anjir"), &sim), -1, "sim %.2f", sim);
    gg_dedup_add(d, 3, S("slot gacor maxwin hari ini"), NULL);
    cr_assert_eq(gg_dedup_add(d, 4, S("slot gacor maxwin hari ini!!! 🎰"), &sim), 3);
    /* a letter added at the end: true 4-gram Jaccard 23/24 */
    cr_assert_eq(gg_dedup_add(d, 5, S("slot gacor maxwin hari inii"), &sim), 3, "sim %.2f", sim);
    /* a letter doubled inside a word changes four grams: true Jaccard 21/26 =
     * 0.81, on the 0.8 threshold, where being found is a coin flip of the
     * estimate (sd 0.05 with 64 rows) under any hash family; the estimate
     * itself must be near the truth */
    sim = gg_dedup_similarity(d, S("slot gacorr maxwin hari ini"), S("slot gacor maxwin hari ini"));
    cr_assert(fabs(sim - 21.0 / 26.0) < 0.15, "sim %.2f", sim);
    gg_dedup_free(d);
}

/* Every MinHash code path this CPU can run gives the one-hash-at-a-time
 * values bit for bit: widths that use the 32-, 8- and 1-value loops, shingle
 * counts from none to a long post, and the hash values at the edges. */
Test(dedup, minhash_paths_agree)
{
    static const int ks[] = {64, 37, 8, 128, 9};
    uint32_t hs[600];
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (size_t q = 0; q < sizeof ks / sizeof *ks; q++) {
        gg_dedup_opts o = {.num_hashes = ks[q]};
        gg_dedup *d = gg_dedup_new(&o);
        cr_assert_eq(gg_dedup_hashes(d), ks[q]);
        for (size_t n = 0; n <= 600; n = n < 40 ? n + 1 : n * 3 / 2) {
            for (size_t i = 0; i < n; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                hs[i] = i % 97 == 5 ? 0 : i % 89 == 7 ? UINT32_MAX : (uint32_t)(x >> 16);
            }
            cr_assert_eq(gg_dedup__minhash_paths_differ(d, hs, n), 0, "k %d, %zu shingles", ks[q], n);
        }
        gg_dedup_free(d);
    }
}

/* The estimate is the Jaccard similarity of the word 2-shingle sets, without
 * bias and with the spread of 64 independent rows (sqrt(J(1-J)/64) = 0.0625
 * at J = 0.5): 400 pairs of posts of 41 distinct words, the first 28 shared
 * (27 of 40 shingles: J = 27/53), each pair with words of its own. Hash
 * functions that were not independent enough across the seeds would widen
 * the spread; a biased family would move the mean. */
Test(dedup, estimate_is_unbiased)
{
    gg_dedup *d = gg_dedup_new(NULL);
    double sum = 0, sum2 = 0, jac = 27.0 / 53.0;
    int pairs = 400;
    for (int p = 0; p < pairs; p++) {
        char a[41 * 12 + 1], b[41 * 12 + 1];
        size_t al = 0, bl = 0;
        for (int w = 0; w < 41; w++) {
            al += (size_t)snprintf(a + al, sizeof a - al, "%sa%dx%d", w ? " " : "", p, w);
            if (w < 28)
                bl += (size_t)snprintf(b + bl, sizeof b - bl, "%sa%dx%d", w ? " " : "", p, w);
            else
                bl += (size_t)snprintf(b + bl, sizeof b - bl, " b%dx%d", p, w);
        }
        double s = gg_dedup_similarity(d, a, al, b, bl);
        sum += s;
        sum2 += s * s;
    }
    double mean = sum / pairs, sd = sqrt(sum2 / pairs - mean * mean);
    cr_log_info("estimate at J %.3f: mean %.4f, sd %.4f", jac, mean, sd);
    cr_assert(fabs(mean - jac) < 0.02, "mean %.4f vs J %.4f", mean, jac);
    cr_assert(sd > 0.045 && sd < 0.08, "sd %.4f (0.0625 expected)", sd);
    gg_dedup_free(d);
}

/* classify signs a plain post from the feature builder's tokens
 * (gg_dedup_sign_tokens) instead of splitting the text again: the kind, the
 * exact hash and every signature value must be what gg_dedup_sign gives for
 * the text, for long, short and tiny posts and with "?"/"!" tokens left out;
 * and the texts whose feature tokens are made by other rules must not be
 * called plain. */
Test(dedup, feature_tokens_sign_as_the_text)
{
    static const char *plain[] = {
        "Kami petani minta partai perjuangkan pupuk subsidi lewat kartu tani digital biar gk antri",
        "Jalan RUSAK parah di desa kami, tolong diperbaiki!! kapan ya??",
        "harga pupuk naik lagi",
        "ok",
        "Sekolah 2 jam, guru 10 orang; gaji 500rb/bulan?? tidak cukup buat hidup",
        "?? !!",
        "",
    };
    static const char *not_plain[] = {
        "bangeeeet mahal", "cek https://x.co/a sekarang", "[mention] halo semua",
        "don't stop", "kopi di café", "@pakbupati tolong",
    };
    gg_dedup *d = gg_dedup_new(NULL);
    gg_filter_fv fv;
    gg_filter_fv_init(&fv);
    for (size_t t = 0; t < sizeof plain / sizeof plain[0]; t++) {
        const char *x = plain[t];
        gg_filter_fv_build(&fv, x, strlen(x), GG_FILTER_BITS);
        cr_assert(gg_filter_fv_plain(&fv), "plain: %s", x);
        char buf[512];
        uint32_t pbuf[128];
        const char *w;
        const uint32_t *pairs;
        size_t len;
        size_t m = gg_filter_fv_words(&fv, buf, sizeof buf, pbuf, 64, &w, &len, &pairs);
        cr_assert_neq(m, (size_t)-1, "%s fits", x);
        uint32_t a[64], b[64];
        uint64_t ea = 0, eb = 0;
        int ka = gg_dedup_sign(d, x, strlen(x), a, &ea);
        int kb = gg_dedup_sign_tokens(d, w, len, pairs, m, b, &eb);
        cr_assert_eq(ka, kb, "kind of %s", x);
        cr_assert_eq(ea, eb, "exact hash of %s", x);
        if (ka)
            cr_assert(memcmp(a, b, sizeof a) == 0, "signature of %s", x);
    }
    for (size_t t = 0; t < sizeof not_plain / sizeof not_plain[0]; t++) {
        gg_filter_fv_build(&fv, not_plain[t], strlen(not_plain[t]), GG_FILTER_BITS);
        cr_assert(!gg_filter_fv_plain(&fv), "not plain: %s", not_plain[t]);
    }
    gg_filter_fv_dispose(&fv);
    gg_dedup_free(d);
}

/* Hinted adds (the prefetch's band slots handed to the add, two posts ahead
 * as classify does) answer exactly as plain adds: every dev post is followed,
 * two posts later, by a near copy that must find it through the slots it was
 * put in. The index starts small and grows on the way, so some hints are
 * taken before a growth (the add must not use those; a near copy still finds
 * its original through the bands whose slot did not move, so this part is
 * checked only for answers, not pinned). */
Test(dedup, hinted_adds_answer_as_plain_adds)
{
    devset ds;
    if (devset_load(&ds, "data/nlp/aspirasi-dev/dev.csv") != 0)
        cr_skip_test("aspirasi-dev not found (set GAGAS_SHARED)");
    int ct = devset_col(&ds, "text");
    cr_assert(ct >= 0);
    gg_dedup_opts small = {.expected = 16}; /* grows many times on the way */
    gg_dedup *plain = gg_dedup_new(&small), *hinted = gg_dedup_new(&small);
    int k = gg_dedup_hashes(plain);
    int n = 2 * (ds.n - 1);
    uint32_t *sig = calloc((size_t)n * (size_t)k, sizeof *sig);
    uint64_t *ex = calloc((size_t)n, sizeof *ex);
    int *kind = calloc((size_t)n, sizeof *kind);
    char buf[4096];
    for (int i = 0; i < n; i++) {
        /* order: A0 A1 B0 A2 B1 A3 B2 ...: B_j (A_j plus a few words) two after A_j */
        int j = i == 0 ? 0 : i % 2 ? (i + 1) / 2 : i / 2 - 1, copy = i > 0 && i % 2 == 0;
        if (j >= ds.n - 1) {
            j = ds.n - 2;
            copy = 1;
        }
        snprintf(buf, sizeof buf, "%s%s", ds.rows[j + 1].col[ct], copy ? " mohon segera ditindak" : "");
        kind[i] = gg_dedup_sign(plain, buf, strlen(buf), sig + (size_t)i * k, &ex[i]);
    }
    gg_dedup_hint h[3];
    int stale = 0, found = 0;
    for (int i = 0; i < n && i < 2; i++)
        gg_dedup_prefetch_bands(hinted, sig + (size_t)i * k, ex[i], &h[i % 3]);
    for (int i = 0; i < n; i++) {
        if (i + 2 < n)
            gg_dedup_prefetch_bands(hinted, sig + (size_t)(i + 2) * k, ex[i + 2], &h[(i + 2) % 3]);
        if (i + 1 < n)
            gg_dedup_prefetch_cands(hinted, &h[(i + 1) % 3]);
        gg_dedup_stats before;
        gg_dedup_stats_get(hinted, &before);
        double s1 = -1, s2 = -1;
        int64_t a = gg_dedup_add_signed(plain, i, kind[i], sig + (size_t)i * k, ex[i], &s1);
        int64_t b = gg_dedup_add_hinted(hinted, i, kind[i], sig + (size_t)i * k, ex[i], &h[i % 3], &s2);
        cr_assert_eq(a, b, "post %d: %lld plain, %lld hinted", i, (long long)a, (long long)b);
        cr_assert_float_eq(s1, s2, 1e-12);
        found += a >= 0;
        gg_dedup_stats after;
        gg_dedup_stats_get(hinted, &after);
        stale += after.bytes != before.bytes; /* the tables grew: later hints were taken before */
    }
    cr_assert_gt(stale, 2, "the index should have grown while hints were pending");
    cr_assert_gt(found, n / 3, "the near copies should find their originals");
    free(sig);
    free(ex);
    free(kind);
    gg_dedup_free(plain);
    gg_dedup_free(hinted);
    devset_free(&ds);
}
