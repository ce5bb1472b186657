/*
 * sqlite_int.h — internals shared by the SQLite backend's files (store
 * layer, private). Connections carry a small prepared-statement cache keyed
 * by the address of the SQL string literal, so every query is prepared once
 * per connection and always bound, never formatted.
 */
#ifndef GG_STORE_SQLITE_INT_H
#define GG_STORE_SQLITE_INT_H
#include "store/store.h"
#include <sqlite3.h>

#define GG_STMT_CACHE 96

typedef struct gg_conn {
    sqlite3 *db;
    int nstmt;
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cache[GG_STMT_CACHE];
} gg_conn;

/** A queued write: run() executes on the writer thread inside the batch's
 *  transaction (wrapped in its own savepoint). */
typedef struct gg_job gg_job;
struct gg_job {
    gg_job *next;
    int (*run)(gg_store *s, gg_conn *c, gg_job *j);
    void (*dispose)(gg_job *j); /* frees data; NULL: free(data) */
    void *data;
    gg_store_done_fn done;
    void *arg;
    int rc;
    int64_t id;
    json_t *result;  /* handed to done, then decref'd */
    int bumps;       /* 1: changes what public read caches hold */
    char *err;       /* writer: the failure's message, handed to done's thread */
    int background;  /* 1: derived work; batches take it after what callers wait for */
    int64_t queued_ms;
};

/** The calling thread's read connection (opened on first use). */
gg_conn *gg_store__reader(gg_store *s);
/** Prepared, reset statement for sql (a string literal) on c. */
sqlite3_stmt *gg_store__stmt(gg_conn *c, const char *sql);
/** Record err on the thread's message and return rc. */
int gg_store__fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Map the connection's last SQLite error to a GG_E code with a message. */
int gg_store__sqlfail(gg_conn *c, const char *what);
/** Current row as a JSON object: integers, reals, text; NULL as null;
 *  columns named *_json are parsed and stored under the name without it. */
json_t *gg_store__row(sqlite3_stmt *st);
/** gg_store__call for derived work nobody is waiting on (applying channel
 *  deliveries already acknowledged, flagging groups): the writer runs it
 *  when no other job waits, or once it has waited 500 ms. Blocking. */
int gg_store__call_background(gg_store *s, int (*run)(gg_store *, gg_conn *, gg_job *),
                              void *data);
/** Queue j (takes ownership). */
int gg_store__submit(gg_store *s, gg_job *j);
/** Queue j and wait for it; returns its rc (and id, result via j copies). */
int gg_store__submit_wait(gg_store *s, gg_job *j, int64_t *id_out, json_t **result_out);

/** What a submission's labels_json says, for its insight_facts row
 *  (store/insight_facts.c); ok == 0: leave the row to the SQL trigger. */
typedef struct gg_facts {
    int ok;
    char lang[32], kind[64], sentiment[32];
    char province[16], regency[32], dapil[32];
    char topics_json[1024];
} gg_facts;
void gg_store__facts_of(const char *labels_json, gg_facts *f);
/** The same from labels already parsed (json NULL: parse labels_json). */
void gg_store__facts_of_json(const json_t *labels, const char *labels_json, gg_facts *f);
/** Insert the facts row of submission id (before the submission itself:
 *  the trigger then leaves it alone). */
int gg_store__facts_insert(gg_conn *c, int64_t id, const gg_submission_in *in,
                           const gg_facts *f);
/** Insert a submission inside the current transaction, with its facts row
 *  (f: from gg_store__facts_of, or NULL to parse the labels here);
 *  GG_ECONFLICT with the stored id when (campaign, channel, native_id)
 *  exists. */
int gg_store__submission_insert(gg_conn *c, const gg_submission_in *in, const gg_facts *f,
                                int64_t *id_out);
/** Queue an outbox row inside the current transaction (writer thread). */
int gg_store__outbox_put(gg_conn *c, const gg_outbox_in *in, int64_t *id_out);
/** Step st to its end, collecting every row (gg_store__row) into a new
 *  array in *out; resets st. 0 or the mapped SQLite error. */
int gg_store__rows(gg_conn *c, sqlite3_stmt *st, json_t **out);
/** Step st once: the row as a new object in *out (0), or GG_ENOTFOUND when
 *  there is none; resets st. */
int gg_store__one(gg_conn *c, sqlite3_stmt *st, json_t **out);
/** Run `run` on the writer thread, inside a batch, and wait for its commit.
 *  data is borrowed (it lives in the caller's frame while we wait). */
int gg_store__call(gg_store *s, int (*run)(gg_store *, gg_conn *, gg_job *), void *data,
                   int64_t *id_out, json_t **result_out);
/** A dispose that frees nothing: for jobs whose data the waiting caller owns. */
void gg_store__keep(gg_job *j);
/** Bind text or NULL. */
void gg_store__bind_text(sqlite3_stmt *st, int i, const char *v);

#endif
