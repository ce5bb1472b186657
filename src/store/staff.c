/*
 * staff.c — staff users and their sessions in the SQLite backend (store
 * layer). Only hashes of session tokens are stored: a leaked database does
 * not hand out live sessions.
 */
#include "store/sqlite_int.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>
#include <time.h>

typedef struct user_job {
    char *email, *role, *pw_hash;
} user_job;

static void dispose_user(gg_job *j)
{
    user_job *u = j->data;
    free(u->email);
    free(u->role);
    free(u->pw_hash);
    free(u);
}

static int run_user_add(gg_store *s, gg_conn *c, gg_job *j)
{
    user_job *u = j->data;
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO staff_users(email,role,pw_hash) VALUES(?1,?2,?3) RETURNING id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, u->email);
    gg_store__bind_text(st, 2, u->role);
    gg_store__bind_text(st, 3, u->pw_hash);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        j->id = sqlite3_column_int64(st, 0);
    rc = rc == SQLITE_ROW ? 0 : gg_store__sqlfail(c, "user insert");
    sqlite3_reset(st);
    return rc;
}

int gg_store_user_add(gg_store *s, const char *email, const char *role, const char *pw_hash,
                      int64_t *id_out)
{
    if (strcmp(role, "admin") != 0 && strcmp(role, "reviewer") != 0 &&
        strcmp(role, "analyst") != 0)
        return gg_store__fail(GG_EINVAL, "role must be admin, reviewer or analyst");
    gg_job *j = gg_calloc(1, sizeof(*j));
    user_job *u = gg_calloc(1, sizeof(*u));
    u->email = gg_strdup(email);
    u->role = gg_strdup(role);
    u->pw_hash = gg_strdup(pw_hash);
    j->data = u;
    j->dispose = dispose_user;
    j->run = run_user_add;
    int rc = gg_store__submit_wait(s, j, id_out, NULL);
    if (rc == GG_ECONFLICT)
        gg_store__fail(rc, "a staff user with that e-mail exists");
    return rc;
}

int gg_store_user_get(gg_store *s, const char *email, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT id, email, role, pw_hash FROM staff_users"
                                         " WHERE email=?1 AND disabled=0");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, email);
    int rc = gg_store__one(c, st, out);
    return rc == GG_ENOTFOUND ? gg_store__fail(rc, "no such user") : rc;
}

typedef struct session_job {
    int64_t user_id, expires_at;
    char *token_hash, *csrf, *ip, *ua;
} session_job;

static void dispose_session(gg_job *j)
{
    session_job *x = j->data;
    free(x->token_hash);
    free(x->csrf);
    free(x->ip);
    free(x->ua);
    free(x);
}

static int run_session_put(gg_store *s, gg_conn *c, gg_job *j)
{
    session_job *x = j->data;
    sqlite3_stmt *st = gg_store__stmt(c, "INSERT INTO staff_sessions(token_hash,user_id,csrf,"
                                         "expires_at,ip,user_agent) VALUES(?1,?2,?3,?4,?5,?6)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, x->token_hash);
    sqlite3_bind_int64(st, 2, x->user_id);
    gg_store__bind_text(st, 3, x->csrf);
    sqlite3_bind_int64(st, 4, x->expires_at);
    gg_store__bind_text(st, 5, x->ip);
    gg_store__bind_text(st, 6, x->ua);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "session insert");
    sqlite3_reset(st);
    /* expired sessions go when new ones come: the table stays small */
    st = gg_store__stmt(c, "DELETE FROM staff_sessions WHERE expires_at < ?1");
    if (st) {
        sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    return rc;
}

int gg_store_session_put(gg_store *s, int64_t user_id, const char *token_hash, const char *csrf,
                         int64_t expires_at, const char *ip, const char *user_agent)
{
    gg_job *j = gg_calloc(1, sizeof(*j));
    session_job *x = gg_calloc(1, sizeof(*x));
    x->user_id = user_id;
    x->expires_at = expires_at;
    x->token_hash = gg_strdup(token_hash);
    x->csrf = gg_strdup(csrf);
    x->ip = ip ? gg_strdup(ip) : NULL;
    x->ua = user_agent ? gg_strndup(user_agent, strnlen(user_agent, 256)) : NULL;
    j->data = x;
    j->dispose = dispose_session;
    j->run = run_session_put;
    return gg_store__submit_wait(s, j, NULL, NULL);
}

int gg_store_session_get(gg_store *s, const char *token_hash, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT ss.user_id, u.email, u.role, ss.csrf, ss.expires_at FROM staff_sessions ss"
           " JOIN staff_users u ON u.id=ss.user_id WHERE ss.token_hash=?1 AND ss.expires_at>=?2"
           " AND u.disabled=0");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, token_hash);
    sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
    int rc = gg_store__one(c, st, out);
    return rc == GG_ENOTFOUND ? gg_store__fail(rc, "no session") : rc;
}

static int run_session_delete(gg_store *s, gg_conn *c, gg_job *j)
{
    sqlite3_stmt *st = gg_store__stmt(c, "DELETE FROM staff_sessions WHERE token_hash=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, j->data);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "session delete");
    sqlite3_reset(st);
    return rc;
}

int gg_store_session_delete(gg_store *s, const char *token_hash)
{
    gg_job *j = gg_calloc(1, sizeof(*j));
    j->data = gg_strdup(token_hash);
    j->run = run_session_delete;
    return gg_store__submit_wait(s, j, NULL, NULL);
}
