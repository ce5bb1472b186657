/*
 * err.h — the one error-code enum of gagas (core layer, depends on nothing).
 * Functions return 0 on success or a negative GG_E… code; the human message
 * lives on the handle the caller already passes (store, request, job).
 * The mapping to HTTP statuses lives in http/ (one table, gg_http_status_of).
 */
#ifndef GG_CORE_ERR_H
#define GG_CORE_ERR_H

enum {
    GG_OK = 0,
    GG_EINVAL = -1,     /* bad input from outside: malformed, missing field */
    GG_ENOTFOUND = -2,  /* no such object */
    GG_ECONFLICT = -3,  /* already exists / state does not allow it */
    GG_ELIMIT = -4,     /* a cap was hit: body, field, buffer */
    GG_EUPSTREAM = -5,  /* an outside service failed */
    GG_EAUTH = -6,      /* not signed in / bad credentials / bad signature */
    GG_EFORBIDDEN = -7, /* signed in, but the role does not allow it */
    GG_ERATE = -8,      /* rate limit */
    GG_EIO = -9,        /* disk, database, socket */
    GG_EUTF8 = -10,     /* invalid UTF-8 at the edge */
    GG_ECSRF = -11,     /* missing or wrong CSRF token */
    GG_EINTERNAL = -12, /* a bug or an unexpected state */
};

/** Stable machine name of a code ("invalid", "not_found", …); never NULL. */
const char *gg_err_name(int code);

#endif
