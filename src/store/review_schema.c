/*
 * review_schema.c — migration 2: the review workspace (store layer, issue 4),
 * and the two SQL extensions its schema needs on every connection:
 *  - gg_audit_hash(prev, id, at, actor_id, actor, action, type, object_id,
 *    before, after, reason): SHA-256 (hex) of the previous link and the row,
 *    which a trigger stores in audit_chain for every audit row anyone
 *    inserts, so `gagas audit verify` can detect an edited or deleted row;
 *  - the FTS5 tokenizer "gg_stem": words of the normalized text, stemmed with
 *    Snowball Indonesian, so "pendidikan" finds "didik" and "mendidik".
 * They are registered through sqlite3_auto_extension from a constructor of
 * this file (always linked: migrations.c needs its migration), so every
 * connection the store opens has them before the schema is read.
 * Applied once, in its own transaction, after migration 1; until shipped it
 * may still be rewritten, after that add a new migration.
 */
#include "store/sqlite_int.h"
#include "store/workspace.h"
#include <libstemmer.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

const char gg_store__m2_review[] =
    /* the hash chain over the append-only audit table: one link per row */
    "CREATE TABLE audit_chain("
    " audit_id INTEGER PRIMARY KEY,"
    " prev_hash TEXT NOT NULL,"
    " hash TEXT NOT NULL);"
    "CREATE TRIGGER audit_chain_link AFTER INSERT ON audit BEGIN"
    " INSERT INTO audit_chain(audit_id, prev_hash, hash)"
    " SELECT new.id, p.h, gg_audit_hash(p.h, new.id, new.at, new.actor_id, new.actor,"
    "  new.action, new.object_type, new.object_id, new.before_json, new.after_json, new.reason)"
    " FROM (SELECT coalesce((SELECT hash FROM audit_chain ORDER BY audit_id DESC LIMIT 1),'')"
    "  AS h) p; END;"
    "CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
    "CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"

    /* every reviewer action, in order: undo, agreement, throughput and the
     * training labels read it. undone_by points at the undo's own row. */
    "CREATE TABLE review_actions("
    " id INTEGER PRIMARY KEY,"
    " submission_id INTEGER NOT NULL REFERENCES submissions(id),"
    " campaign_id INTEGER NOT NULL,"
    " user_id INTEGER REFERENCES staff_users(id),"
    " action TEXT NOT NULL,"
    " reason TEXT, note TEXT,"
    " idea_id INTEGER,"
    " created_idea INTEGER NOT NULL DEFAULT 0,"
    " before_state TEXT NOT NULL, after_state TEXT NOT NULL,"
    " before_idea INTEGER,"
    " secs REAL," /* seconds the reviewer held the item (claim to action) */
    " at INTEGER NOT NULL," /* unix milliseconds */
    " undone_by INTEGER);"
    "CREATE INDEX review_actions_sub ON review_actions(submission_id, id);"
    "CREATE INDEX review_actions_user ON review_actions(user_id, at);"
    "CREATE INDEX review_actions_campaign ON review_actions(campaign_id, at);"

    /* leases: one reviewer works an item at a time */
    "CREATE TABLE review_claims("
    " submission_id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,"
    " claimed_at INTEGER NOT NULL," /* unix ms */
    " expires_at INTEGER NOT NULL);" /* unix ms */
    "CREATE INDEX review_claims_user ON review_claims(user_id);"

    /* a random sample of decisions gets a blind second review */
    "CREATE TABLE review_samples("
    " submission_id INTEGER PRIMARY KEY,"
    " campaign_id INTEGER NOT NULL,"
    " first_user INTEGER NOT NULL, first_label TEXT NOT NULL,"
    " second_user INTEGER, second_label TEXT,"
    " created_at INTEGER NOT NULL, second_at INTEGER);"
    "CREATE INDEX review_samples_open ON review_samples(campaign_id) WHERE second_user IS NULL;"

    /* the two-person rule: the first accept waits here for a second reviewer */
    "CREATE TABLE review_approvals("
    " submission_id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL, title TEXT, idea_id INTEGER, at INTEGER NOT NULL);"

    /* team: invitations by link, campaign assignments */
    "CREATE TABLE staff_invites("
    " id INTEGER PRIMARY KEY,"
    " token_hash TEXT NOT NULL UNIQUE,"
    " email TEXT NOT NULL COLLATE NOCASE,"
    " role TEXT NOT NULL CHECK (role IN ('admin','reviewer','analyst')),"
    " campaigns_json TEXT NOT NULL DEFAULT '[]',"
    " created_by INTEGER REFERENCES staff_users(id),"
    " expires_at INTEGER NOT NULL," /* unix seconds */
    " used_at INTEGER,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')));"
    "CREATE TABLE campaign_staff("
    " campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
    " user_id INTEGER NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,"
    " PRIMARY KEY (campaign_id, user_id)) WITHOUT ROWID;"

    /* full-text search over the normalized text, stemmed; external content */
    "CREATE VIRTUAL TABLE review_fts USING fts5(norm, content='submissions',"
    " content_rowid='id', tokenize='gg_stem');"
    "CREATE TRIGGER review_fts_ins AFTER INSERT ON submissions BEGIN"
    " INSERT INTO review_fts(rowid, norm) VALUES (new.id, new.norm); END;"
    "CREATE TRIGGER review_fts_upd AFTER UPDATE OF norm ON submissions BEGIN"
    " INSERT INTO review_fts(review_fts, rowid, norm) VALUES ('delete', old.id, old.norm);"
    " INSERT INTO review_fts(rowid, norm) VALUES (new.id, new.norm); END;"
    "CREATE TRIGGER review_fts_del AFTER DELETE ON submissions BEGIN"
    " INSERT INTO review_fts(review_fts, rowid, norm) VALUES ('delete', old.id, old.norm); END;"
    "INSERT INTO review_fts(review_fts) VALUES ('rebuild');"

    /* the filter's automatic rejections are decisions too: audited as they
     * are stored, with the route that decided them */
    "CREATE TRIGGER review_audit_auto AFTER INSERT ON submissions WHEN new.state='rejected'"
    " BEGIN INSERT INTO audit(actor,action,object_type,object_id,after_json,reason)"
    " VALUES('filter','reject','submission',new.id,json_object('state',new.state,'reason',"
    "new.reason,'route',CASE WHEN json_valid(new.labels_json) THEN"
    " json_extract(new.labels_json,'$.route') END),new.reason); END;"

    /* audit rows written before this migration join the chain in id order */
    "INSERT INTO audit_chain(audit_id, prev_hash, hash)"
    " WITH RECURSIVE ch(id, prev, h) AS ("
    "  SELECT 0, '', ''"
    "  UNION ALL SELECT a.id, ch.h, gg_audit_hash(ch.h, a.id, a.at, a.actor_id, a.actor, a.action,"
    "   a.object_type, a.object_id, a.before_json, a.after_json, a.reason)"
    "  FROM ch JOIN audit a ON a.id = (SELECT min(id) FROM audit WHERE id > ch.id))"
    " SELECT id, prev, h FROM ch WHERE id > 0;";

/* ---- the audit hash ------------------------------------------------------ */

/* Each field goes in as "<len>:<bytes>;" and NULL as "~;", so no two
 * different rows can encode alike. */
static void hash_field(crypto_hash_sha256_state *st, const char *v, size_t n)
{
    char head[32];
    if (v == NULL) {
        crypto_hash_sha256_update(st, (const unsigned char *)"~;", 2);
        return;
    }
    int hl = snprintf(head, sizeof(head), "%zu:", n);
    crypto_hash_sha256_update(st, (const unsigned char *)head, (unsigned long long)hl);
    crypto_hash_sha256_update(st, (const unsigned char *)v, n);
    crypto_hash_sha256_update(st, (const unsigned char *)";", 1);
}

void gg_store_audit_hash(const char *const fields[GG_AUDIT_NFIELDS],
                         const size_t lens[GG_AUDIT_NFIELDS], char out[65])
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)"gagas-audit-1;", 14);
    for (int i = 0; i < GG_AUDIT_NFIELDS; i++)
        hash_field(&st, fields[i], lens[i]);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

static void sql_audit_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *f[GG_AUDIT_NFIELDS];
    size_t n[GG_AUDIT_NFIELDS];
    char out[65];
    for (int i = 0; i < GG_AUDIT_NFIELDS; i++) {
        if (i >= argc || sqlite3_value_type(argv[i]) == SQLITE_NULL) {
            f[i] = NULL;
            n[i] = 0;
        } else {
            /* integers hash as their decimal text, like the verifier reads them */
            f[i] = (const char *)sqlite3_value_text(argv[i]);
            n[i] = (size_t)sqlite3_value_bytes(argv[i]);
        }
    }
    gg_store_audit_hash(f, n, out);
    sqlite3_result_text(ctx, out, 64, SQLITE_TRANSIENT);
}

/* ---- the stemming FTS5 tokenizer ------------------------------------------ */

typedef struct stem_tok {
    struct sb_stemmer *stemmer;
} stem_tok;

static int stem_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    stem_tok *t = sqlite3_malloc(sizeof(*t));
    if (t == NULL)
        return SQLITE_NOMEM;
    t->stemmer = sb_stemmer_new("indonesian", "UTF_8");
    if (t->stemmer == NULL) {
        sqlite3_free(t);
        return SQLITE_ERROR;
    }
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void stem_delete(Fts5Tokenizer *p)
{
    stem_tok *t = (stem_tok *)p;
    if (t) {
        sb_stemmer_delete(t->stemmer);
        sqlite3_free(t);
    }
}

/* Word bytes: ASCII letters and digits, and every byte of a multi-byte UTF-8
 * sequence (the text was NFKC-folded before it was stored). */
static int word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static int stem_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
                         int (*emit)(void *, int, const char *, int, int, int))
{
    stem_tok *t = (stem_tok *)p;
    char word[GG_FTS_WORD_MAX];
    int i = 0;
    while (i < n) {
        while (i < n && !word_byte((unsigned char)text[i]))
            i++;
        int start = i, alpha = 1;
        while (i < n && word_byte((unsigned char)text[i]))
            i++;
        int len = i - start;
        if (len == 0)
            break;
        const char *tok = text + start;
        int tl = len;
        if (len < (int)sizeof(word)) {
            for (int k = 0; k < len; k++) {
                unsigned char c = (unsigned char)tok[k];
                word[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
                if (!(word[k] >= 'a' && word[k] <= 'z'))
                    alpha = 0;
            }
            tok = word;
            /* numbers and non-ASCII words go in as they are; short words
             * are left alone (the stemmer would empty "di", "ke") */
            if (alpha && len > 3) {
                const sb_symbol *s = sb_stemmer_stem(t->stemmer, (const sb_symbol *)word, len);
                int sl = sb_stemmer_length(t->stemmer);
                if (s && sl > 0) {
                    tok = (const char *)s;
                    tl = sl;
                }
            }
        } else {
            tl = len; /* over-long "words" (hashes, runs) stay raw */
        }
        int rc = emit(ctx, 0, tok, tl, start, start + len);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

static fts5_api *fts5_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

static int ext_init(sqlite3 *db, char **err, const struct sqlite3_api_routines *api_unused)
{
    (void)api_unused;
    int rc = sqlite3_create_function_v2(db, "gg_audit_hash", GG_AUDIT_NFIELDS,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                        NULL, sql_audit_hash, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return rc;
    fts5_api *f = fts5_of(db);
    if (f == NULL || f->iVersion < 2)
        return SQLITE_OK; /* no FTS5 in this SQLite: migration 2 will say so */
    static fts5_tokenizer tok = {stem_create, stem_delete, stem_tokenize};
    return f->xCreateTokenizer(f, "gg_stem", NULL, &tok, NULL);
}

/* The entry point's official type takes a const api pointer; auto_extension
 * wants void(*)(void). */
__attribute__((constructor)) static void register_ext(void)
{
    sqlite3_auto_extension((void (*)(void))ext_init);
}

/* Migration 16: the search index takes a batch's new posts at once. FTS5
 * writes its pending terms out as a new segment at every savepoint, and
 * the writer opens one per job (store/sqlite.c), so indexing inside the
 * insert made one segment per post, and merging them cost the writer more
 * than the rest of the post's write. Now an insert only notes its id in
 * review_fts_pending; the writer indexes the noted posts in one statement
 * after the batch's jobs, before its COMMIT, so every commit still reads
 * as "every submission is searchable". An edit or delete of a noted post
 * needs no index change (it is indexed as it stands at the batch's end). */
const char gg_store__m16_review_fts_batch[] =
    "CREATE TABLE review_fts_pending(id INTEGER PRIMARY KEY);"
    "DROP TRIGGER review_fts_ins;"
    "DROP TRIGGER review_fts_upd;"
    "DROP TRIGGER review_fts_del;"
    "CREATE TRIGGER review_fts_ins AFTER INSERT ON submissions BEGIN"
    " INSERT OR IGNORE INTO review_fts_pending VALUES (new.id); END;"
    "CREATE TRIGGER review_fts_upd AFTER UPDATE OF norm ON submissions WHEN NOT EXISTS"
    " (SELECT 1 FROM review_fts_pending WHERE id=old.id) BEGIN"
    " INSERT INTO review_fts(review_fts, rowid, norm) VALUES ('delete', old.id, old.norm);"
    " INSERT INTO review_fts(rowid, norm) VALUES (new.id, new.norm); END;"
    "CREATE TRIGGER review_fts_del AFTER DELETE ON submissions BEGIN"
    " INSERT INTO review_fts(review_fts, rowid, norm) SELECT 'delete', old.id, old.norm"
    "  WHERE NOT EXISTS (SELECT 1 FROM review_fts_pending WHERE id=old.id);"
    " DELETE FROM review_fts_pending WHERE id=old.id; END;";
