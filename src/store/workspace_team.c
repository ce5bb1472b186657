/*
 * workspace_team.c — the review team in the SQLite backend (store layer,
 * issue 4): invitations by link (only the token's hash is stored, used
 * once, with an expiry), users' roles and campaign assignments, sessions
 * listed and ended (one, or everywhere).
 */
#include "store/sqlite_int.h"
#include "store/workspace.h"
#include "core/alloc.h"
#include "core/err.h"
#include <string.h>
#include <time.h>

/* One audit row for a team change, as actor (0: system). */
static int team_audit(gg_conn *c, int64_t actor, const char *action, const char *type,
                      int64_t object, const char *after_json)
{
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO audit(actor_id,actor,action,object_type,object_id,after_json)"
           " VALUES(?1,coalesce((SELECT email FROM staff_users WHERE id=?1),'system'),?2,?3,?4,?5)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    if (actor > 0)
        sqlite3_bind_int64(st, 1, actor);
    gg_store__bind_text(st, 2, action);
    gg_store__bind_text(st, 3, type);
    sqlite3_bind_int64(st, 4, object);
    gg_store__bind_text(st, 5, after_json);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "audit");
    sqlite3_reset(st);
    return rc;
}

/* shared with workspace.c (the campaign policy change) */
int gg_store__team_audit(gg_conn *c, int64_t actor, const char *action, const char *type,
                         int64_t object, const char *after_json);
int gg_store__team_audit(gg_conn *c, int64_t actor, const char *action, const char *type,
                         int64_t object, const char *after_json)
{
    return team_audit(c, actor, action, type, object, after_json);
}

static int valid_role(const char *r)
{
    return r && (strcmp(r, "admin") == 0 || strcmp(r, "reviewer") == 0 ||
                 strcmp(r, "analyst") == 0);
}

typedef struct invite_job {
    const char *token_hash, *email, *role, *campaigns, *pw_hash;
    int64_t created_by, expires_at;
} invite_job;

static int run_invite_put(gg_store *s, gg_conn *c, gg_job *j)
{
    invite_job *v = j->data;
    sqlite3_stmt *st = gg_store__stmt(
        c, "INSERT INTO staff_invites(token_hash,email,role,campaigns_json,created_by,expires_at)"
           " VALUES(?1,?2,?3,?4,?5,?6) RETURNING id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, v->token_hash);
    gg_store__bind_text(st, 2, v->email);
    gg_store__bind_text(st, 3, v->role);
    gg_store__bind_text(st, 4, v->campaigns ? v->campaigns : "[]");
    if (v->created_by > 0)
        sqlite3_bind_int64(st, 5, v->created_by);
    sqlite3_bind_int64(st, 6, v->expires_at);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        j->id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return gg_store__sqlfail(c, "invite");
    /* the token's hash stays out of the log */
    char after[512];
    json_t *a = json_pack("{s:s,s:s,s:I}", "email", v->email, "role", v->role, "expires_at",
                          (json_int_t)v->expires_at);
    char *d = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(after, sizeof(after), "%s", d ? d : "{}");
    free(d);
    json_decref(a);
    return team_audit(c, v->created_by, "invite", "staff_invite", j->id, after);
}

int gg_store_invite_put(gg_store *s, const char *token_hash, const char *email, const char *role,
                        const char *campaigns_json, int64_t created_by, int64_t expires_at,
                        int64_t *id_out)
{
    if (!valid_role(role))
        return gg_store__fail(GG_EINVAL, "role must be admin, reviewer or analyst");
    invite_job v = {token_hash, email, role, campaigns_json, NULL, created_by, expires_at};
    return gg_store__call(s, run_invite_put, &v, id_out, NULL);
}

int gg_store_invite_get(gg_store *s, const char *token_hash, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT id, email, role, campaigns_json, expires_at FROM"
                                         " staff_invites WHERE token_hash=?1 AND used_at IS NULL"
                                         " AND expires_at>=?2");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, token_hash);
    sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
    int rc = gg_store__one(c, st, out);
    return rc == GG_ENOTFOUND ? gg_store__fail(rc, "the invitation is used, expired or unknown")
                              : rc;
}

/* Replace a user's campaign assignments with the slugs of arr (JSON text). */
static int set_campaigns(gg_conn *c, int64_t user, const char *arr)
{
    sqlite3_stmt *st = gg_store__stmt(c, "DELETE FROM campaign_staff WHERE user_id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, user);
    sqlite3_step(st);
    sqlite3_reset(st);
    st = gg_store__stmt(c, "INSERT OR IGNORE INTO campaign_staff(campaign_id,user_id)"
                           " SELECT c.id, ?1 FROM json_each(?2) j JOIN campaigns c ON"
                           " c.slug=j.value");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, user);
    gg_store__bind_text(st, 2, arr);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "assignments");
    sqlite3_reset(st);
    return rc;
}

static int run_invite_use(gg_store *s, gg_conn *c, gg_job *j)
{
    invite_job *v = j->data;
    sqlite3_stmt *st = gg_store__stmt(
        c, "UPDATE staff_invites SET used_at=?2 WHERE token_hash=?1 AND used_at IS NULL AND"
           " expires_at>=?2 RETURNING email, role, campaigns_json");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    gg_store__bind_text(st, 1, v->token_hash);
    sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return gg_store__fail(GG_ENOTFOUND, "the invitation is used, expired or unknown");
    }
    char *email = gg_strdup((const char *)sqlite3_column_text(st, 0));
    char *role = gg_strdup((const char *)sqlite3_column_text(st, 1));
    char *camps = gg_strdup((const char *)sqlite3_column_text(st, 2));
    sqlite3_reset(st);
    int rc = 0;
    st = gg_store__stmt(c, "INSERT INTO staff_users(email,role,pw_hash) VALUES(?1,?2,?3)"
                           " RETURNING id");
    if (st == NULL) {
        rc = gg_store__sqlfail(c, "prepare");
        goto done;
    }
    gg_store__bind_text(st, 1, email);
    gg_store__bind_text(st, 2, role);
    gg_store__bind_text(st, 3, v->pw_hash);
    if (sqlite3_step(st) == SQLITE_ROW)
        j->id = sqlite3_column_int64(st, 0);
    else
        rc = gg_store__sqlfail(c, "user insert");
    sqlite3_reset(st);
    if (rc == GG_ECONFLICT)
        gg_store__fail(rc, "a staff user with that e-mail exists");
    if (rc == 0)
        rc = set_campaigns(c, j->id, camps);
    if (rc == 0) {
        st = gg_store__stmt(c, "INSERT INTO audit(actor_id,actor,action,object_type,object_id,"
                               "after_json) VALUES(?1,?2,'join','staff_user',?1,"
                               "json_object('role',?3,'campaigns',json(?4)))");
        if (st == NULL) {
            rc = gg_store__sqlfail(c, "prepare");
            goto done;
        }
        sqlite3_bind_int64(st, 1, j->id);
        gg_store__bind_text(st, 2, email);
        gg_store__bind_text(st, 3, role);
        gg_store__bind_text(st, 4, camps);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "audit");
        sqlite3_reset(st);
    }
done:
    free(email);
    free(role);
    free(camps);
    return rc;
}

int gg_store_invite_use(gg_store *s, const char *token_hash, const char *pw_hash,
                        int64_t *user_out)
{
    invite_job v = {.token_hash = token_hash, .pw_hash = pw_hash};
    return gg_store__call(s, run_invite_use, &v, user_out, NULL);
}

int gg_store_team_list(gg_store *s, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    json_t *users = NULL, *inv = NULL;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT u.id, u.email, u.role, u.disabled, u.created_at,"
           " (SELECT json_group_array(c.slug) FROM campaign_staff cs JOIN campaigns c ON"
           " c.id=cs.campaign_id WHERE cs.user_id=u.id) AS campaigns_json,"
           " (SELECT count(*) FROM staff_sessions ss WHERE ss.user_id=u.id AND ss.expires_at>=?1)"
           " AS sessions FROM staff_users u ORDER BY u.id");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
    if (gg_store__rows(c, st, &users) != 0)
        return gg_store__sqlfail(c, "team");
    st = gg_store__stmt(c, "SELECT id, email, role, campaigns_json, expires_at, used_at,"
                           " created_at FROM staff_invites ORDER BY id DESC LIMIT 100");
    if (st == NULL || gg_store__rows(c, st, &inv) != 0) {
        json_decref(users);
        return gg_store__sqlfail(c, "invites");
    }
    *out = json_pack("{s:o,s:o}", "users", users, "invites", inv);
    return 0;
}

typedef struct user_set_job {
    int64_t actor, user;
    const char *role;
    int disabled;
    char *campaigns;
} user_set_job;

static int run_user_set(gg_store *s, gg_conn *c, gg_job *j)
{
    user_set_job *u = j->data;
    sqlite3_stmt *st = gg_store__stmt(
        c, "UPDATE staff_users SET role=coalesce(?2,role), disabled=CASE WHEN ?3<0 THEN disabled"
           " ELSE ?3 END WHERE id=?1");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, u->user);
    gg_store__bind_text(st, 2, u->role);
    sqlite3_bind_int(st, 3, u->disabled);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "user update");
    sqlite3_reset(st);
    if (rc)
        return rc;
    if (sqlite3_changes(c->db) == 0)
        return gg_store__fail(GG_ENOTFOUND, "no staff user %lld", (long long)u->user);
    if (u->disabled == 1) {
        st = gg_store__stmt(c, "DELETE FROM staff_sessions WHERE user_id=?1");
        if (st == NULL)
            return gg_store__sqlfail(c, "prepare");
        sqlite3_bind_int64(st, 1, u->user);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    if (u->campaigns)
        rc = set_campaigns(c, u->user, u->campaigns);
    if (rc)
        return rc;
    json_t *a = json_pack("{s:s?,s:i,s:s?}", "role", u->role, "disabled", u->disabled,
                          "campaigns", u->campaigns);
    char *d = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(a);
    rc = team_audit(c, u->actor, "change", "staff_user", u->user, d);
    free(d);
    return rc;
}

int gg_store_team_user_set(gg_store *s, int64_t actor_id, int64_t user_id, const char *role,
                           int disabled, json_t *campaigns)
{
    if (role && !valid_role(role))
        return gg_store__fail(GG_EINVAL, "role must be admin, reviewer or analyst");
    user_set_job u = {actor_id, user_id, role, disabled,
                      campaigns ? json_dumps(campaigns, JSON_COMPACT) : NULL};
    int rc = gg_store__call(s, run_user_set, &u, NULL, NULL);
    free(u.campaigns);
    return rc;
}

int gg_store_team_sessions(gg_store *s, int64_t user_id, const char *current_hash, json_t **out)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return GG_EIO;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT id, created_at, expires_at, ip, user_agent, token_hash=?2 AS current FROM"
           " staff_sessions WHERE user_id=?1 AND expires_at>=?3 ORDER BY id DESC");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, user_id);
    gg_store__bind_text(st, 2, current_hash);
    sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
    json_t *arr = NULL;
    int rc = gg_store__rows(c, st, &arr);
    if (rc == 0)
        *out = json_pack("{s:o}", "sessions", arr);
    return rc;
}

typedef struct end_job {
    int64_t actor, user, session;
    const char *keep;
} end_job;

static int run_sessions_end(gg_store *s, gg_conn *c, gg_job *j)
{
    end_job *e = j->data;
    sqlite3_stmt *st =
        e->session > 0
            ? gg_store__stmt(c, "DELETE FROM staff_sessions WHERE id=?2 AND (?1=0 OR user_id=?1)")
            : gg_store__stmt(c, "DELETE FROM staff_sessions WHERE user_id=?1 AND"
                                " (?3 IS NULL OR token_hash<>?3)");
    if (st == NULL)
        return gg_store__sqlfail(c, "prepare");
    sqlite3_bind_int64(st, 1, e->user);
    if (e->session > 0)
        sqlite3_bind_int64(st, 2, e->session);
    else
        gg_store__bind_text(st, 3, e->keep);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : gg_store__sqlfail(c, "sessions end");
    sqlite3_reset(st);
    j->id = rc == 0 ? sqlite3_changes(c->db) : 0;
    if (rc == 0 && j->id > 0) {
        char after[96];
        snprintf(after, sizeof(after), "{\"ended\":%lld,\"everywhere\":%s}", (long long)j->id,
                 e->session > 0 ? "false" : "true");
        rc = team_audit(c, e->actor, "sign-out", "staff_session",
                        e->session > 0 ? e->session : e->user, after);
    }
    return rc;
}

int gg_store_team_sessions_end(gg_store *s, int64_t actor_id, int64_t user_id,
                               int64_t session_id, const char *keep_hash, int *n_out)
{
    end_job e = {actor_id, user_id, session_id, keep_hash};
    int64_t n = 0;
    int rc = gg_store__call(s, run_sessions_end, &e, &n, NULL);
    if (n_out)
        *n_out = (int)n;
    return rc;
}

int gg_store_team_may_review(gg_store *s, int64_t user_id, int64_t campaign_id)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return 0;
    sqlite3_stmt *st = gg_store__stmt(
        c, "SELECT NOT EXISTS(SELECT 1 FROM campaign_staff WHERE user_id=?1) OR"
           " EXISTS(SELECT 1 FROM campaign_staff WHERE user_id=?1 AND campaign_id=?2)");
    if (st == NULL)
        return 0;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int64(st, 2, campaign_id);
    int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return ok;
}

int gg_store_team_assigned(gg_store *s, int64_t user_id)
{
    gg_conn *c = gg_store__reader(s);
    if (c == NULL)
        return 0;
    sqlite3_stmt *st = gg_store__stmt(c, "SELECT EXISTS(SELECT 1 FROM campaign_staff WHERE"
                                         " user_id=?1)");
    if (st == NULL)
        return 0;
    sqlite3_bind_int64(st, 1, user_id);
    int yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return yes;
}
