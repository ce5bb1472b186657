/*
 * demo.c — `gagas demo` (cli layer): the demo campaign "demo" with sample
 * posts written for the project (no real person's words), sent through the
 * same first pipeline step as live traffic; a few are accepted so that a
 * newcomer sees public ideas at once. Running it again adds nothing twice:
 * each post has a fixed native id.
 */
#include "api/api.h"
#include "cli/cli.h"
#include "core/err.h"
#include "store/quiz.h"
#include "store/store.h"
#include "text/text.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char brief[] =
    "Partai kami sedang menyusun program untuk lima tahun ke depan dan ingin programnya lahir "
    "dari kebutuhan warga, bukan dari ruang rapat.\n\n"
    "Ceritakan satu masalah nyata di lingkungan Anda dan usulan konkret untuk mengatasinya: "
    "sekolah, puskesmas, jalan, harga pangan, lapangan kerja, layanan publik, apa saja. Setiap "
    "gagasan dibaca dan ditelaah tim kami; gagasan yang diterima tampil di halaman ini dan "
    "statusnya bisa Anda ikuti.";
static const char brief_en[] =
    "Our party is drafting its programme for the next five years and wants it to grow from "
    "what citizens need, not from a meeting room.\n\n"
    "Tell us one real problem where you live and a concrete proposal to fix it: schools, "
    "clinics, roads, food prices, jobs, public services, anything. Every idea is read and "
    "reviewed by our team; accepted ideas appear on this page and you can follow their status.";

static const struct post {
    const char *channel, *author, *text;
    int accept;
} posts[] = {
    {"x", "@rina_guru", "@partaixyz tolong perhatikan honor guru honorer di Kab. Garut, banyak yg "
                        "cuma digaji 300rb sebulan. usul: standar upah minimum guru honorer "
                        "dibiayai APBN 🙏 #GuruHonorer", 1},
    {"web", "warga-cibinong", "Usul saya: bangun jalur sepeda dan trotoar yang layak di sepanjang "
                              "Jalan Raya Bogor, kec. Cibinong. Setiap pagi anak sekolah harus "
                              "berjalan di bahu jalan bersama truk. Trotoar yang aman jauh lebih "
                              "murah daripada biaya kecelakaan.", 1},
    {"whatsapp", "+6281234500001", "pak, puskesmas di desa kami cuma buka sampai jam 12 siang. "
                                   "kalo ada yg sakit sore hari harus ke RSUD 40 km. mohon jam "
                                   "layanan diperpanjang & ada dokter jaga", 1},
    {"instagram", "sari.tani", "harga pupuk subsidi di Jember makin susah didapat, kios bilang "
                               "kuota habis terus. gmn kalo penyaluran pake kartu tani digital "
                               "biar gk dimainin tengkulak?", 1},
    {"facebook", "Budi Santoso", "Anak muda di kampung kami banyak yang nganggur setelah lulus "
                                 "SMK. Usul: kerja sama BLK dengan pabrik di kawasan industri "
                                 "Cikarang supaya ada magang berbayar yang jelas.", 1},
    {"telegram", "tg:55102", "Internet di sekolah anak saya di Kab. Sikka sering mati, ujian "
                             "online jadi kacau. Tolong program internet sekolah jangan cuma di "
                             "kota besar.", 0},
    {"x", "@andi_mks", "banjir lagi di Makassar, drainase di perumahan kami gk pernah dikeruk. "
                       "kapan ada normalisasi kanal?? #BanjirMakassar", 0},
    {"youtube", "yt:UCx81", "Setuju banget sama program makan siang gratis, tapi tolong "
                            "bahan pangannya dibeli dari petani lokal biar ekonomi desa ikut "
                            "jalan.", 0},
    {"web", "ibu-rumah-tangga", "Harga beras di pasar kami naik dari 12 ribu ke 15 ribu dalam "
                                "tiga bulan. Saya usul operasi pasar rutin tiap bulan di "
                                "kecamatan, bukan hanya menjelang lebaran.", 0},
    {"x", "@dewi.p", "kenapa pengurusan KTP di kantor dukcapil Jaksel masih harus antre dari jam "
                     "5 pagi? bisa gak antrean online beneran jalan?", 0},
    {"facebook", "Yohanes K", "Di Kupang air bersih masih dibeli per jeriken, 5 ribu sekali "
                              "isi. Usul: bangun embung dan sumur bor komunal per RW, dikelola "
                              "BUMDes.", 0},
    {"instagram", "mahasiswa.ntb", "beasiswa daerah di Lombok Timur pencairannya telat terus, "
                                   "udh semester 3 blm cair. mohon diawasi", 0},
    {"whatsapp", "+6285600000002", "Slot gacor hari ini maxwin!! deposit 10rb jadi jutaan, klik "
                                   "bit.ly/gacor-maxwin bosku 💰💰", 0},
    {"x", "@buzz_01", "Dukung program kartu pupuk digital! Petani sejahtera, Indonesia maju! "
                      "#KartuPupukDigital", 0},
    {"x", "@buzz_02", "Dukung program kartu pupuk digital!! Petani sejahtera, Indonesia maju "
                      "#KartuPupukDigital", 0},
    {"x", "@buzz_03", "dukung program kartu pupuk digital! petani sejahtera, indonesia maju! "
                      "#KartuPupukDigital", 0},
    {"telegram", "tg:77001", "Tolong ada program pelatihan digital buat UMKM di Kota Bandung, "
                             "banyak pedagang belum ngerti jualan online dan QRIS.", 0},
    {"web", "perawat-desa", "Saya perawat di puskesmas pembantu di Kab. Tapanuli Utara. Stok "
                            "obat sering kosong berminggu-minggu. Usul: sistem stok obat "
                            "terhubung antar-puskesmas supaya bisa saling pinjam.", 0},
    {"youtube", "yt:UCq22", "partai kalian sama aja, janji doang pas kampanye", 0},
    {"facebook", "Rahmat H", "Jalan kabupaten dari Kec. Leuwiliang ke Kec. Nanggung rusak parah "
                             "sejak 2022, tiap hujan motor terperosok. Mohon diperbaiki dan ada "
                             "jadwal pemeliharaan yang diumumkan.", 0},
    {"instagram", "kopi.senja", "jual followers murah 1k cuma 15rb, DM aja kak", 0},
    {"x", "@ojol_jkt", "ojol kayak kami gk punya BPJS ketenagakerjaan. usul: iuran dibagi "
                       "aplikator dan pemerintah, jangan dibebankan ke driver semua", 0},
    {"web", "guru-paud", "PAUD di desa kami menumpang di balai desa dan gurunya digaji dari "
                         "iuran orang tua. Usul: dana desa boleh dipakai untuk honor guru PAUD "
                         "dengan standar minimal.", 0},
    {"telegram", "tg:90210", "Kapan pendaftaran PPPK guru dibuka lagi? Info resminya di mana?", 0},
};

/* Wait for a queued write; the demo has no use for its JSON result. */
static int wait_done(gg_store_waiter *w)
{
    int rc = gg_store_waiter_wait(w);
    json_decref(w->result);
    w->result = NULL;
    return rc;
}

/* One engagement write, waited for. */
static int engage(gg_store *s, const gg_engage_in *in, int64_t *id_out)
{
    gg_store_waiter sd = GG_STORE_WAITER_INIT;
    int rc = gg_store_engage_put(s, in, gg_store_waiter_done, &sd);
    if (rc == 0)
        rc = wait_done(&sd);
    if (id_out)
        *id_out = sd.id;
    return rc;
}

/* A living campaign: the top ideas get a status, an official response, a
 * thread and supporters; a running poll. Seeded once (when the campaign
 * has no poll yet). Participants are fixed demo pseudonyms. */
static int seed_engagement(gg_store *s)
{
    json_t *polls = NULL, *ideas = NULL;
    int rc = gg_store_poll_list(s, "demo", &polls);
    size_t npolls = json_array_size(polls);
    json_decref(polls);
    if (rc != 0 || npolls > 0)
        return rc;
    if ((rc = gg_store_idea_list(s, "demo", "new", 3, &ideas)) != 0)
        return rc;
    static const char *const who[] = {"demo-warga-1", "demo-warga-2", "demo-warga-3"};
    static const char *const status[] = {
        "{\"status\":\"diadopsi\",\"official_response\":\"Terima kasih. Usulan ini masuk "
        "rancangan program kerja bidang yang bersangkutan dan akan kami kawal di DPRD.\"}",
        "{\"status\":\"ditelaah\",\"official_response\":\"Tim kebijakan sedang menghitung "
        "biayanya bersama para ahli; hasilnya kami umumkan di halaman ini.\"}",
        "{\"status\":\"diterima\"}",
    };
    static const char *const talk[] = {
        "Setuju sekali, di tempat kami masalahnya sama persis.",
        "Bagaimana pendanaannya? Apakah bisa dari dana desa?",
        "Bisa, asal ada aturan bupati yang mengizinkan. Di kabupaten tetangga sudah jalan.",
    };
    json_t *list = json_object_get(ideas, "ideas");
    for (size_t i = 0; rc == 0 && i < json_array_size(list); i++) {
        int64_t idea = json_integer_value(json_object_get(json_array_get(list, i), "id"));
        gg_engage_in st = {.op = GG_ENGAGE_IDEA, .id = idea, .json = status[i % 3]};
        rc = engage(s, &st, NULL);
        for (size_t k = 0; rc == 0 && k <= i && k < 3; k++) {
            gg_engage_in sup = {.op = GG_ENGAGE_SUPPORT, .id = idea, .participant = who[k]};
            rc = engage(s, &sup, NULL);
        }
        int64_t first = 0;
        for (size_t k = 0; rc == 0 && k < 3; k++) {
            gg_engage_in c = {.op = GG_ENGAGE_COMMENT, .id = idea, .participant = who[k],
                              .text = talk[k], .parent_id = k == 2 ? first : 0};
            int64_t cid = 0;
            rc = engage(s, &c, &cid);
            if (k == 1)
                first = cid; /* the answer replies to the question */
        }
    }
    json_decref(ideas);
    json_t *camp = NULL;
    if (rc == 0 && (rc = gg_store_campaign_get(s, "demo", &camp)) == 0) {
        gg_engage_in p = {
            .op = GG_ENGAGE_POLL,
            .id = json_integer_value(json_object_get(camp, "id")),
            .json = "{\"question\":\"Mana yang paling mendesak di daerah Anda?\",\"options\":"
                    "[\"Sekolah dan guru\",\"Puskesmas\",\"Jalan dan jembatan\","
                    "\"Harga pangan\",\"Lapangan kerja\"],\"closes_at\":\"2029-12-31T00:00:00Z\"}",
        };
        int64_t poll = 0;
        rc = engage(s, &p, &poll);
        for (size_t k = 0; rc == 0 && k < 3; k++) {
            char opt[8];
            snprintf(opt, sizeof(opt), "[%zu]", k % 2 + 1);
            gg_engage_in v = {.op = GG_ENGAGE_VOTE, .id = poll, .participant = who[k], .json = opt};
            rc = engage(s, &v, NULL);
        }
    }
    json_decref(camp);
    return rc;
}

/* A running quiz on the campaign's issues (issue 5), seeded once: when the
 * campaign has no quiz yet. The facts are from the constitution and laws. */
static const char demo_quiz[] =
    "{\"title\":\"Seberapa kenal Anda dengan anggaran publik?\","
    "\"intro\":\"Tiga pertanyaan singkat tentang uang negara yang sampai ke daerah Anda.\","
    "\"status\":\"open\",\"questions\":["
    "{\"question\":\"Berapa persen minimal anggaran pendidikan menurut UUD 1945?\","
    "\"options\":[\"10%\",\"15%\",\"20%\",\"25%\"],\"correct\":2,"
    "\"explanation\":\"Pasal 31 ayat (4) UUD 1945: minimal 20% dari APBN dan APBD.\"},"
    "{\"question\":\"Pada usia berapa warga negara boleh memilih dalam pemilu?\","
    "\"options\":[\"15 tahun\",\"17 tahun\",\"18 tahun\",\"21 tahun\"],\"correct\":1,"
    "\"explanation\":\"UU 7/2017 tentang Pemilu: 17 tahun, atau lebih muda bila sudah atau "
    "pernah kawin.\"},"
    "{\"question\":\"Dari mana Dana Desa berasal?\","
    "\"options\":[\"APBN\",\"APBD provinsi\",\"Pajak desa\",\"Pinjaman luar negeri\"],"
    "\"correct\":0,\"explanation\":\"UU 6/2014 tentang Desa, Pasal 72: Dana Desa bersumber "
    "dari APBN dan disalurkan lewat kabupaten/kota.\"}]}";

static int seed_quiz(gg_store *s, int64_t cid)
{
    json_t *list = NULL;
    int rc = gg_store_quiz_list(s, "demo", 1, &list);
    size_t n = json_array_size(list);
    json_decref(list);
    if (rc != 0 || n > 0)
        return rc;
    gg_quiz_in in = {.op = GG_QUIZ_SAVE, .campaign_id = cid, .json = demo_quiz, .actor = "demo"};
    gg_store_waiter w = GG_STORE_WAITER_INIT;
    rc = gg_store_quiz_put(s, &in, gg_store_waiter_done, &w);
    return rc == 0 ? wait_done(&w) : rc;
}

int gg_cli_demo(gg_config *cfg, int argc, char **argv)
{
    gg_store *s = NULL;
    gg_online *online = NULL;
    unsigned char secret[32];
    int rc = 1, added = 0, accepted = 0;
    if (argc > 0) {
        fprintf(stderr, "gagas demo: unknown argument '%s'\n", argv[0]);
        return 2;
    }
    gg_text_init(cfg->data_dir);
    if (gg_api_secret_load(cfg->secret_file, secret) != 0)
        return 1;
    if (gg_store_open(&s, cfg->db, 0) != 0) {
        fprintf(stderr, "gagas demo: %s\n", gg_store_errmsg(NULL));
        return 1;
    }
    /* the samples go through the same filter as live traffic */
    if (gg_online_open(&online, cfg->data_dir) != 0)
        online = NULL;
    gg_api_online_rebuild(s, online, 500000);
    gg_campaign_in c = {
        .slug = "demo",
        .title = "Suara Warga 2029",
        .question = "Apa satu perubahan yang paling Anda butuhkan di daerah Anda?",
        .brief = brief,
        .title_en = "Citizens' Voice 2029",
        .question_en = "What is the one change your area needs most?",
        .brief_en = brief_en,
        .topics_json = "[\"pendidikan\",\"kesehatan\",\"ekonomi\",\"ketenagakerjaan\","
                       "\"infrastruktur\",\"pertanian\",\"layanan-publik\"]",
        .hashtags_json = "[\"#SuaraWarga\"]",
    };
    int64_t cid = 0;
    if (gg_store_campaign_upsert(s, &c, &cid) != 0) {
        fprintf(stderr, "gagas demo: %s\n", gg_store_errmsg(s));
        goto done;
    }
    for (size_t i = 0; i < sizeof(posts) / sizeof(posts[0]); i++) {
        char native[32];
        gg_prepared p;
        snprintf(native, sizeof(native), "demo-%zu", i + 1);
        if (gg_api_prepare_filtered(&p, secret, online, NULL, cid, posts[i].channel,
                                    posts[i].text, strlen(posts[i].text), posts[i].author,
                                    native) != 0) {
            fprintf(stderr, "gagas demo: sample %zu could not be analyzed\n", i + 1);
            goto done;
        }
        gg_store_waiter sd = GG_STORE_WAITER_INIT;
        int prc = gg_store_submission_put(s, &p.in, gg_store_waiter_done, &sd);
        if (prc == 0)
            prc = wait_done(&sd);
        if (prc == 0)
            gg_api_after_stored(s, online, cid, sd.id, p.in.norm, p.in.author_key, 0,
                                p.in.group_id);
        gg_api_prepared_dispose(&p);
        if (prc == GG_ECONFLICT)
            continue; /* seeded by an earlier run */
        if (prc != 0) {
            fprintf(stderr, "gagas demo: %s\n", gg_store_errmsg(s));
            goto done;
        }
        added++;
        if (posts[i].accept) {
            gg_decision_in d = {.submission_id = sd.id, .actor = "demo", .action = "accept"};
            gg_store_waiter dd = GG_STORE_WAITER_INIT;
            if (gg_store_decide(s, &d, gg_store_waiter_done, &dd) == 0 && wait_done(&dd) == 0)
                accepted++;
        }
    }
    if (seed_engagement(s) != 0) {
        fprintf(stderr, "gagas demo: engagement: %s\n", gg_store_errmsg(s));
        goto done;
    }
    if (seed_quiz(s, cid) != 0) {
        fprintf(stderr, "gagas demo: quiz: %s\n", gg_store_errmsg(s));
        goto done;
    }
    printf("demo campaign 'demo' ready: %d sample posts added, %d accepted as public ideas\n",
           added, accepted);
    rc = 0;
done:
    gg_store_close(s);
    gg_online_close(online);
    return rc;
}
