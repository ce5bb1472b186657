/*
 * sqlite.c — SQLite backend core (store layer): connections, migrations and
 * the single writer thread. Writes are jobs queued to the writer, which
 * takes up to batch_max of them, runs each inside its own SAVEPOINT of one
 * BEGIN IMMEDIATE … COMMIT (so one bad job does not sink its batch), then
 * reports every job's outcome. With WAL and synchronous=FULL the COMMIT
 * returns only once the batch is on disk: group commit turns N fsyncs into
 * one while keeping "acknowledged means durable". The writer's own
 * connection commits without waiting for the disk (synchronous=NORMAL) and
 * hands the committed batch to the syncer thread, which fdatasyncs the WAL
 * and only then reports the jobs: the next batch runs while the disk
 * flushes the last one, and a job is still never reported before its
 * commit is on disk (one fdatasync covers every commit written before it).
 * Work that is cheaper
 * once per batch than once per row (the search index) runs after the
 * jobs, before the COMMIT, in the same transaction (fts_upkeep); the insight
 * aggregates are folded by a thread of their own (folder_main).
 */
#include "store/sqlite_int.h"
#include "store/insight_fold.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "core/thread.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern const char *const gg_store__migrations[];
extern const int gg_store__nmigrations;

struct gg_store {
    char *path;
    int batch_max;
    gg_conn wconn; /* the writer's connection */
    pthread_t writer;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    gg_job *head, *tail;   /* foreground: what someone is waiting to hear back about */
    gg_job *bhead, *btail; /* background: derived work (gg_store__call_background) */
    int pending;
    int stopping;
    pthread_key_t reader_key;
    pthread_mutex_t readers_mu;
    gg_conn **readers; /* every reader opened, closed at gg_store_close */
    int nreaders, areaders;
    int schema_version;
    _Atomic uint64_t generation;
    /* checkpoints run on their own thread and connection, so the writer's
     * commits never wait for the database file's fsync */
    pthread_t checkpointer;
    pthread_cond_t ccv;
    gg_conn cconn;
    _Atomic int wal_pages;
    /* the insight fold's own thread: it sums pending rows on its read
     * connection and hands the sums to the writer as a background job */
    pthread_t folder;
    pthread_cond_t fcv;
    int fstop;
    /* committed batches waiting for the WAL's fdatasync (syncer thread) */
    pthread_t syncer;
    pthread_mutex_t smu;
    pthread_cond_t scv;
    gg_job *shead, *stail;
    int sdirty; /* a commit was written since the last fdatasync */
    int sstop;
    int walfd;  /* the -wal file; -1: commits sync themselves (synchronous=FULL) */
};

static __thread char tls_err[512];

int gg_store__fail(int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tls_err, sizeof(tls_err), fmt, ap);
    va_end(ap);
    return rc;
}

const char *gg_store_errmsg(gg_store *s)
{
    (void)s;
    return tls_err;
}

int gg_store__sqlfail(gg_conn *c, const char *what)
{
    int ext = sqlite3_extended_errcode(c->db);
    int rc = GG_EIO;
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        rc = GG_ECONFLICT;
    else if ((ext & 0xff) == SQLITE_CONSTRAINT)
        rc = GG_EINVAL;
    return gg_store__fail(rc, "%s: %s", what, sqlite3_errmsg(c->db));
}

sqlite3_stmt *gg_store__stmt(gg_conn *c, const char *sql)
{
    for (int i = 0; i < c->nstmt; i++) {
        if (c->cache[i].sql == sql) {
            sqlite3_reset(c->cache[i].st);
            sqlite3_clear_bindings(c->cache[i].st);
            return c->cache[i].st;
        }
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        gg_log(GG_LOG_ERROR, "prepare failed", "\"error\":\"%s\"", sqlite3_errmsg(c->db));
        return NULL;
    }
    if (c->nstmt < GG_STMT_CACHE) {
        c->cache[c->nstmt].sql = sql;
        c->cache[c->nstmt].st = st;
        c->nstmt++;
    }
    return st; /* over the cache size: leaks one statement per call site; assert in tests */
}

void gg_store__bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

json_t *gg_store__row(sqlite3_stmt *st)
{
    json_t *o = json_object();
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(st, i);
        size_t nl = strlen(name);
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            json_object_set_new(o, name, json_integer(sqlite3_column_int64(st, i)));
            break;
        case SQLITE_FLOAT:
            json_object_set_new(o, name, json_real(sqlite3_column_double(st, i)));
            break;
        case SQLITE_NULL:
            if (nl > 5 && strcmp(name + nl - 5, "_json") == 0) {
                char k[64];
                snprintf(k, sizeof(k), "%.*s", (int)(nl - 5), name);
                json_object_set_new(o, k, json_null());
            } else {
                json_object_set_new(o, name, json_null());
            }
            break;
        default: {
            const char *t = (const char *)sqlite3_column_text(st, i);
            int tl = sqlite3_column_bytes(st, i);
            if (nl > 5 && strcmp(name + nl - 5, "_json") == 0) {
                char k[64];
                snprintf(k, sizeof(k), "%.*s", (int)(nl - 5), name);
                json_t *v = json_loadb(t, (size_t)tl, JSON_DECODE_ANY, NULL);
                json_object_set_new(o, k, v ? v : json_null());
            } else {
                json_object_set_new(o, name, json_stringn(t, (size_t)tl));
            }
        }
        }
    }
    return o;
}

static int conn_open(gg_conn *c, const char *path, int flags)
{
    memset(c, 0, sizeof(*c));
    if (sqlite3_open_v2(path, &c->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        int rc = gg_store__fail(GG_EIO, "open %s: %s", path,
                                c->db ? sqlite3_errmsg(c->db) : "out of memory");
        sqlite3_close(c->db);
        c->db = NULL;
        return rc;
    }
    sqlite3_busy_timeout(c->db, 10000);
    /* synchronous=FULL: in WAL mode this fsyncs the log at every commit,
     * which is what makes an acknowledged write durable. */
    const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                          "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                          "PRAGMA cache_size=-32000;";
    if (sqlite3_exec(c->db, pragmas, NULL, NULL, NULL) != SQLITE_OK)
        return gg_store__sqlfail(c, "pragmas");
    return 0;
}

static void conn_close(gg_conn *c)
{
    if (c == NULL || c->db == NULL)
        return;
    for (int i = 0; i < c->nstmt; i++)
        sqlite3_finalize(c->cache[i].st);
    sqlite3_close(c->db);
    c->db = NULL;
}

gg_conn *gg_store__reader(gg_store *s)
{
    gg_conn *c = pthread_getspecific(s->reader_key);
    if (c)
        return c;
    c = gg_calloc(1, sizeof(*c));
    if (conn_open(c, s->path, SQLITE_OPEN_READWRITE) != 0) {
        free(c);
        return NULL;
    }
    sqlite3_exec(c->db, "PRAGMA query_only=ON", NULL, NULL, NULL);
    pthread_setspecific(s->reader_key, c);
    pthread_mutex_lock(&s->readers_mu);
    if (s->nreaders == s->areaders) {
        s->areaders = s->areaders ? s->areaders * 2 : 8;
        s->readers = gg_realloc(s->readers, (size_t)s->areaders * sizeof(*s->readers));
    }
    s->readers[s->nreaders++] = c;
    pthread_mutex_unlock(&s->readers_mu);
    return c;
}

static int migrate(gg_store *s)
{
    gg_conn *c = &s->wconn;
    sqlite3_stmt *st = NULL;
    int rc = 0, version = 0;
    if (sqlite3_exec(c->db,
                     "CREATE TABLE IF NOT EXISTS schema_migrations("
                     "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return gg_store__sqlfail(c, "migrations table");
    if (sqlite3_prepare_v2(c->db, "SELECT coalesce(max(version),0) FROM schema_migrations", -1,
                           &st, NULL) != SQLITE_OK)
        return gg_store__sqlfail(c, "schema version");
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version > gg_store__nmigrations)
        return gg_store__fail(GG_EINVAL, "database schema %d is newer than this gagas (%d)",
                              version, gg_store__nmigrations);
    for (int v = version + 1; v <= gg_store__nmigrations; v++) {
        char *err = NULL;
        char mark[128];
        snprintf(mark, sizeof(mark),
                 "INSERT INTO schema_migrations VALUES(%d, strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ'))",
                 v);
        if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(c->db, gg_store__migrations[v - 1], NULL, NULL, &err) != SQLITE_OK ||
            sqlite3_exec(c->db, mark, NULL, NULL, &err) != SQLITE_OK ||
            sqlite3_exec(c->db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
            rc = gg_store__fail(GG_EIO, "migration %d: %s", v, err ? err : sqlite3_errmsg(c->db));
            sqlite3_free(err);
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
        gg_log(GG_LOG_INFO, "migration applied", "\"version\":%d", v);
    }
    s->schema_version = gg_store__nmigrations;
    return 0;
}

static void finish_job(gg_job *j)
{
    if (j->err) /* the message the writer thread recorded, for the callback */
        snprintf(tls_err, sizeof(tls_err), "%s", j->err);
    free(j->err);
    if (j->done)
        j->done(j->arg, j->rc, j->id, j->result);
    if (j->result)
        json_decref(j->result);
    if (j->dispose)
        j->dispose(j);
    else
        free(j->data);
    free(j);
}

/* Savepoint statements run once per job: prepared once, not parsed each time. */
static const char SQL_SAVEPOINT[] = "SAVEPOINT job";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO job";
static const char SQL_RELEASE[] = "RELEASE job";

static void step_once(gg_conn *c, const char *sql)
{
    sqlite3_stmt *st = gg_store__stmt(c, sql);
    if (st) {
        sqlite3_step(st);
        sqlite3_reset(st);
    }
}

/* The writer's WAL hook: count pages and wake the checkpointer past 1000. */
static int on_wal(void *arg, sqlite3 *db, const char *name, int pages)
{
    gg_store *s = arg;
    atomic_store(&s->wal_pages, pages);
    if (pages >= 1000) {
        pthread_mutex_lock(&s->mu);
        pthread_cond_signal(&s->ccv);
        pthread_mutex_unlock(&s->mu);
    }
    return SQLITE_OK;
}

static void *checkpoint_main(void *arg)
{
    gg_store *s = arg;
    gg_thread_role("gg-checkpoint", 1);
    pthread_mutex_lock(&s->mu);
    while (!s->stopping) {
        if (atomic_load(&s->wal_pages) >= 1000) {
            atomic_store(&s->wal_pages, 0);
            pthread_mutex_unlock(&s->mu);
            /* PASSIVE: copies what it can without blocking the writer */
            sqlite3_wal_checkpoint_v2(s->cconn.db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
            pthread_mutex_lock(&s->mu);
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&s->ccv, &s->mu, &ts);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* A background job waits for a moment with no foreground job, but no
 * longer than this. */
#define BACKGROUND_MS 500

/* The insight fold (store/insight_fold.c) runs on a thread of its own: it
 * reads the rows the triggers queued in insight_pending, sums their
 * aggregate rows in memory, and hands the sums to the writer as one
 * background job that upserts them and deletes the rows it summed. Folding
 * many rows at once is what makes it cheap (one upsert per distinct
 * aggregate row, not ~200 per post with the pair aggregates): with varied
 * posts (bench/insight_write.c, 30,000 posts) folds of 4,096 rows or 1 s let
 * the writer take 2,300 posts/s, of 16,384 rows or 4 s 5,500/s, and with
 * the summing off the writer's thread more. Readers add what is still
 * pending (expanding only their own selector's rows), so every commit reads
 * as aggregates == facts. */
#define FOLD_ROWS 16384
#define FOLD_MS 4000
#define FOLD_POLL_MS 250

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After a batch's jobs, before its COMMIT (a failure sinks the batch): the
 * posts the batch added join the search index in one statement, so FTS5
 * writes one segment per batch (migration 16, store/review_schema.c). */
static int fts_upkeep(gg_conn *c)
{
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT 1 FROM review_fts_pending LIMIT 1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    int any = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    if (!any)
        return 0;
    st = gg_store__stmt(c, "INSERT INTO review_fts(rowid, norm) SELECT s.id, s.norm"
                           " FROM review_fts_pending p JOIN submissions s ON s.id=p.id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "search index");
    sqlite3_reset(st);
    if (rc)
        return rc;
    st = gg_store__stmt(c, "DELETE FROM review_fts_pending");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "search index");
    sqlite3_reset(st);
    return rc;
}

static int run_fold_apply(gg_store *s, gg_conn *c, gg_job *j)
{
    (void)s;
    return gg_store__fold_apply(c, j->data);
}

static void *folder_main(void *arg)
{
    gg_store *s = arg;
    gg_thread_role("gg-fold", 0);
    int64_t folded_at = mono_ms();
    pthread_mutex_lock(&s->mu);
    while (!s->fstop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += FOLD_POLL_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->fcv, &s->mu, &ts);
        if (s->fstop)
            break;
        pthread_mutex_unlock(&s->mu);
        gg_conn *c = gg_store__reader(s);
        int64_t waiting = -1;
        sqlite3_stmt *st = c ? gg_store__stmt(c, "SELECT (SELECT max(seq) FROM insight_pending)"
                                                 " - (SELECT min(seq) FROM insight_pending)")
                             : NULL;
        if (st) {
            /* two seeks on the rowid, not a count; NULL: none pending */
            if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
                waiting = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
        }
        int64_t now = mono_ms();
        if (waiting >= 0 && (waiting + 1 >= FOLD_ROWS || now - folded_at >= FOLD_MS)) {
            gg_fold *g = gg_store__fold_collect(c, FOLD_ROWS);
            if (g) {
                if (gg_store__call_background(s, run_fold_apply, g) != 0)
                    gg_log(GG_LOG_ERROR, "insight fold not applied; will retry",
                           "\"error\":\"%s\"", gg_store_errmsg(s));
                gg_store__fold_free(g);
            }
            folded_at = now;
        }
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void *writer_main(void *arg)
{
    gg_store *s = arg;
    gg_thread_role("gg-writer", 0);
    gg_conn *c = &s->wconn;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (s->head == NULL && s->bhead == NULL && !s->stopping)
            pthread_cond_wait(&s->cv, &s->mu);
        if (s->head == NULL && s->bhead == NULL && s->stopping) {
            pthread_mutex_unlock(&s->mu);
            break;
        }
        gg_job *batch = NULL, *last = NULL;
        int n = 0;
        if (s->head) {
            batch = last = s->head;
            n = 1;
            while (last->next && n < s->batch_max) {
                last = last->next;
                n++;
            }
            s->head = last->next;
            if (s->head == NULL)
                s->tail = NULL;
            last->next = NULL;
        }
        /* one background job per batch: when nothing in the foreground
         * waits, or when it has waited BACKGROUND_MS (it is not starved) */
        if (s->bhead && (batch == NULL || mono_ms() - s->bhead->queued_ms >= BACKGROUND_MS)) {
            gg_job *b = s->bhead;
            s->bhead = b->next;
            if (s->bhead == NULL)
                s->btail = NULL;
            b->next = NULL;
            if (last)
                last->next = b;
            else
                batch = b;
            last = b;
            n++;
        }
        s->pending -= n;
        pthread_mutex_unlock(&s->mu);

        int bumps = 0, commit_rc = 0;
        if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            commit_rc = gg_store__sqlfail(c, "begin");
        for (gg_job *j = batch; j; j = j->next) {
            if (commit_rc) {
                j->rc = commit_rc;
                continue;
            }
            step_once(c, SQL_SAVEPOINT);
            j->rc = j->run(s, c, j);
            if (j->rc != 0 && j->rc != GG_ECONFLICT)
                gg_log(GG_LOG_WARN, "write failed", "\"rc\":\"%s\",\"error\":\"%s\"",
                       gg_err_name(j->rc), tls_err);
            if (j->rc != 0) {
                step_once(c, SQL_ROLLBACK_TO);
                j->err = gg_strdup(tls_err);
            }
            step_once(c, SQL_RELEASE);
            bumps |= j->rc == 0 && j->bumps;
        }
        if (!commit_rc && (commit_rc = fts_upkeep(c)) != 0) {
            gg_log(GG_LOG_ERROR, "batch upkeep failed", "\"error\":\"%s\"", tls_err);
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
            for (gg_job *j = batch; j; j = j->next)
                j->rc = commit_rc;
        } else if (!commit_rc && sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            commit_rc = gg_store__sqlfail(c, "commit");
            gg_log(GG_LOG_ERROR, "commit failed", "\"error\":\"%s\"", sqlite3_errmsg(c->db));
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
            for (gg_job *j = batch; j; j = j->next)
                j->rc = commit_rc;
        }
        if (bumps && !commit_rc)
            atomic_fetch_add(&s->generation, 1);
        if (commit_rc)
            for (gg_job *j = batch; j; j = j->next)
                if (j->err == NULL)
                    j->err = gg_strdup(tls_err);
        if (s->walfd < 0) {
            while (batch) {
                gg_job *next = batch->next;
                finish_job(batch);
                batch = next;
            }
            continue;
        }
        /* to the syncer, in commit order; a failed batch goes the same way,
         * because a job may have failed on a row an earlier batch stored
         * (a redelivery): its answer waits for that row to be on disk */
        gg_job *tail = batch;
        while (tail->next)
            tail = tail->next;
        pthread_mutex_lock(&s->smu);
        if (s->stail)
            s->stail->next = batch;
        else
            s->shead = batch;
        s->stail = tail;
        s->sdirty |= !commit_rc;
        pthread_cond_signal(&s->scv);
        pthread_mutex_unlock(&s->smu);
    }
    return NULL;
}

static void *syncer_main(void *arg)
{
    gg_store *s = arg;
    gg_thread_role("gg-sync", 0);
    pthread_mutex_lock(&s->smu);
    for (;;) {
        while (s->shead == NULL && !s->sstop)
            pthread_cond_wait(&s->scv, &s->smu);
        if (s->shead == NULL)
            break; /* stopping, and nothing left */
        gg_job *list = s->shead;
        int dirty = s->sdirty;
        s->shead = s->stail = NULL;
        s->sdirty = 0;
        pthread_mutex_unlock(&s->smu);
        int rc = 0;
        if (dirty && fdatasync(s->walfd) != 0) {
            /* committed but maybe not on disk: the callers hear an error
             * and may retry (submissions are idempotent on native_id) */
            rc = GG_EIO;
            gg_log(GG_LOG_ERROR, "wal fdatasync failed", "\"errno\":%d", errno);
        }
        while (list) {
            gg_job *next = list->next;
            if (rc && list->rc == 0) {
                list->rc = rc;
                list->err = gg_strdup("the write may not be on disk (fdatasync failed)");
            }
            finish_job(list);
            list = next;
        }
        pthread_mutex_lock(&s->smu);
    }
    pthread_mutex_unlock(&s->smu);
    return NULL;
}

/* The writer's commits skip their own fsync when the syncer can fdatasync
 * the WAL file for them; without one (no WAL file: an in-memory database)
 * they keep synchronous=FULL. Called after the migrations wrote the WAL. */
static void open_wal_fd(gg_store *s)
{
    char wal[4096];
    s->walfd = -1;
    if (snprintf(wal, sizeof(wal), "%s-wal", s->path) >= (int)sizeof(wal))
        return;
    int fd = open(wal, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return;
    if (sqlite3_exec(s->wconn.db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
        close(fd);
        return;
    }
    s->walfd = fd;
}

int gg_store__submit(gg_store *s, gg_job *j)
{
    j->next = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->stopping) {
        pthread_mutex_unlock(&s->mu);
        j->rc = gg_store__fail(GG_EIO, "store is closing");
        finish_job(j); /* the job's done callback reports the failure */
        return 0;
    }
    if (j->background) {
        j->queued_ms = mono_ms();
        if (s->btail)
            s->btail->next = j;
        else
            s->bhead = j;
        s->btail = j;
    } else {
        if (s->tail)
            s->tail->next = j;
        else
            s->head = j;
        s->tail = j;
    }
    s->pending++;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

void gg_store__keep(gg_job *j)
{
    (void)j;
}

int gg_store__rows(gg_conn *c, sqlite3_stmt *st, json_t **out)
{
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, gg_store__row(st));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return gg_store__sqlfail(c, "query");
    }
    *out = arr;
    return 0;
}

int gg_store__one(gg_conn *c, sqlite3_stmt *st, json_t **out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = gg_store__row(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? GG_ENOTFOUND : gg_store__sqlfail(c, "query");
}

static int call(gg_store *s, int (*run)(gg_store *, gg_conn *, gg_job *), void *data,
                int background, int64_t *id_out, json_t **result_out)
{
    gg_job *j = gg_calloc(1, sizeof(*j));
    j->run = run;
    j->data = data;
    j->dispose = gg_store__keep;
    j->background = background;
    return gg_store__submit_wait(s, j, id_out, result_out);
}

int gg_store__call(gg_store *s, int (*run)(gg_store *, gg_conn *, gg_job *), void *data,
                   int64_t *id_out, json_t **result_out)
{
    return call(s, run, data, 0, id_out, result_out);
}

int gg_store__call_background(gg_store *s, int (*run)(gg_store *, gg_conn *, gg_job *),
                              void *data)
{
    return call(s, run, data, 1, NULL, NULL);
}

void gg_store_waiter_done(void *arg, int rc, int64_t id, json_t *result)
{
    gg_store_waiter *w = arg;
    pthread_mutex_lock(&w->mu);
    w->rc = rc;
    w->id = id;
    w->result = result ? json_incref(result) : NULL;
    w->finished = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

int gg_store_waiter_wait(gg_store_waiter *w)
{
    pthread_mutex_lock(&w->mu);
    while (!w->finished)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
    return w->rc;
}

int gg_store__submit_wait(gg_store *s, gg_job *j, int64_t *id_out, json_t **result_out)
{
    gg_store_waiter w = GG_STORE_WAITER_INIT;
    j->done = gg_store_waiter_done;
    /* the job points at this frame's waiter: safe because we block below
     * until the callback ran */
    j->arg = &w; // cppcheck-suppress autoVariables
    gg_store__submit(s, j);
    gg_store_waiter_wait(&w);
    if (id_out && w.rc == 0)
        *id_out = w.id;
    if (result_out)
        *result_out = w.result;
    else if (w.result)
        json_decref(w.result);
    if (w.rc)
        gg_store__fail(w.rc, "write failed (%s)", gg_err_name(w.rc));
    return w.rc;
}

/* Rows a writer other than ours (the sqlite3 shell, a migration that
 * rebuilds the aggregates) left for the fold: folded before the first batch. */
static int fold_leftovers(gg_conn *c)
{
    int64_t n = 0;
    int rc = 0;
    if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return gg_store__sqlfail(c, "begin");
    if ((rc = fts_upkeep(c)) != 0 || (rc = gg_store__insight_fold(c, &n)) != 0 ||
        sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = rc ? rc : gg_store__sqlfail(c, "commit");
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (n > 0)
        gg_log(GG_LOG_INFO, "insight rows folded at open", "\"rows\":%lld", (long long)n);
    return 0;
}

int gg_store_open(gg_store **out, const char *path, int batch_max)
{
    gg_store *s = gg_calloc(1, sizeof(*s));
    int rc;
    s->path = gg_strdup(path);
    s->batch_max = batch_max > 0 ? batch_max : 512;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_cond_init(&s->ccv, NULL);
    pthread_cond_init(&s->fcv, NULL);
    pthread_mutex_init(&s->smu, NULL);
    pthread_cond_init(&s->scv, NULL);
    s->walfd = -1;
    pthread_mutex_init(&s->readers_mu, NULL);
    pthread_key_create(&s->reader_key, NULL);
    if ((rc = conn_open(&s->wconn, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) != 0)
        goto fail;
    if ((rc = migrate(s)) != 0 || (rc = fold_leftovers(&s->wconn)) != 0)
        goto fail;
    if ((rc = conn_open(&s->cconn, path, SQLITE_OPEN_READWRITE)) != 0)
        goto fail;
    sqlite3_wal_autocheckpoint(s->wconn.db, 0);
    open_wal_fd(s);
    sqlite3_wal_hook(s->wconn.db, on_wal, s);
    if (pthread_create(&s->syncer, NULL, syncer_main, s) != 0 ||
        pthread_create(&s->writer, NULL, writer_main, s) != 0 ||
        pthread_create(&s->checkpointer, NULL, checkpoint_main, s) != 0 ||
        pthread_create(&s->folder, NULL, folder_main, s) != 0) {
        rc = gg_store__fail(GG_EINTERNAL, "cannot start the store's threads");
        goto fail;
    }
    *out = s;
    return 0;
fail:
    if (s->walfd >= 0)
        close(s->walfd);
    conn_close(&s->cconn);
    conn_close(&s->wconn);
    pthread_key_delete(s->reader_key);
    free(s->path);
    free(s);
    return rc;
}

void gg_store_close(gg_store *s)
{
    if (s == NULL)
        return;
    /* the folder first: its last job needs the writer */
    pthread_mutex_lock(&s->mu);
    s->fstop = 1;
    pthread_cond_signal(&s->fcv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->folder, NULL);
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_cond_signal(&s->cv);
    pthread_cond_signal(&s->ccv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->writer, NULL);
    pthread_mutex_lock(&s->smu);
    s->sstop = 1; /* the writer is done: the syncer reports what is left */
    pthread_cond_signal(&s->scv);
    pthread_mutex_unlock(&s->smu);
    pthread_join(s->syncer, NULL);
    pthread_join(s->checkpointer, NULL);
    if (s->walfd >= 0)
        close(s->walfd);
    sqlite3_wal_checkpoint_v2(s->cconn.db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    conn_close(&s->cconn);
    for (int i = 0; i < s->nreaders; i++) {
        conn_close(s->readers[i]);
        free(s->readers[i]);
    }
    free(s->readers);
    pthread_key_delete(s->reader_key);
    conn_close(&s->wconn);
    free(s->path);
    free(s);
}

int gg_store_schema_version(gg_store *s)
{
    return s->schema_version;
}

int gg_store_pending_writes(gg_store *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->pending;
    pthread_mutex_unlock(&s->mu);
    return n;
}

uint64_t gg_store_generation(gg_store *s)
{
    return atomic_load(&s->generation);
}

int gg_store_backup(gg_store *s, const char *path)
{
    sqlite3 *dst = NULL;
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        int rc = gg_store__fail(GG_EIO, "backup: cannot create %s", path);
        sqlite3_close(dst);
        return rc;
    }
    /* the read connection is query_only; backup reads through it page by
     * page, 1024 pages a step, letting the writer commit in between */
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", c->db, "main");
    int rc = 0;
    if (b == NULL) {
        rc = gg_store__fail(GG_EIO, "backup: %s", sqlite3_errmsg(dst));
    } else {
        int step;
        while ((step = sqlite3_backup_step(b, 1024)) == SQLITE_OK || step == SQLITE_BUSY ||
               step == SQLITE_LOCKED)
            sqlite3_sleep(5);
        if (step != SQLITE_DONE)
            rc = gg_store__fail(GG_EIO, "backup: %s", sqlite3_errstr(step));
        sqlite3_backup_finish(b);
    }
    sqlite3_close(dst);
    return rc;
}
