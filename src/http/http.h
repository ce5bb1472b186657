/*
 * http.h — the HTTP server of gagas on h2o (http layer; depends on core
 * only, knows nothing of the store). One h2o event loop per thread, each
 * with its own SO_REUSEPORT listener; a router maps (method, pattern) to
 * handlers; responses are JSON or HTML; errors go through one table
 * (gg_http_status_of) and are always {"error":{"code","message"}}.
 *
 * Threads: handlers run on their loop's thread and must not block. Slow
 * work is handed off with gg_req_defer(); its gg_pending may be completed
 * from any thread, and the response is then sent on the loop's thread.
 */
#ifndef GG_HTTP_HTTP_H
#define GG_HTTP_HTTP_H
#include "core/buf.h"
#include <jansson.h>
#include <stdint.h>

typedef struct gg_http gg_http;
typedef struct gg_req gg_req;
typedef struct gg_pending gg_pending;

/** A handler returns 0 when it answered (or deferred) the request. */
typedef int (*gg_handler)(gg_req *r, void *ctx);

typedef struct gg_http_opts {
    const char *listen;   /* "host:port" */
    int threads;          /* event loops */
    size_t body_cap;      /* request bodies over this get 413 */
    const char *web_dir;  /* served under /static/, NULL: none */
    int tls;              /* cookies get Secure */
} gg_http_opts;

/** Create a server (not yet listening). Caller frees with gg_http_free. */
gg_http *gg_http_new(const gg_http_opts *opts);
void gg_http_free(gg_http *h);
/** Add a route. pattern: "/api/v1/campaigns/{slug}"; {x} matches one
 *  segment. name labels the route in /metrics. Call before gg_http_run. */
void gg_http_route(gg_http *h, const char *method, const char *pattern, const char *name,
                   gg_handler fn, void *ctx);
/** Bind and serve until gg_http_stop; 0 or GG_EIO (bind failed, message logged). */
int gg_http_run(gg_http *h);
/** Ask the loops to finish (async-signal-safe). */
void gg_http_stop(gg_http *h);
/** Append the server's Prometheus metrics to b. */
void gg_http_metrics(gg_http *h, gg_buf *b);

/** HTTP status for an error code (the one table). */
int gg_http_status_of(int code);

/* ---- request ---------------------------------------------------------- */

gg_str gg_req_method(gg_req *r);
gg_str gg_req_path(gg_req *r);
/** The path with its query string, as received. */
gg_str gg_req_path_full(gg_req *r);
/** Route parameter ({name} in the pattern); empty slice when absent. */
gg_str gg_req_param(gg_req *r, const char *name);
/** Decoded query parameter, NUL-terminated, in the request pool; NULL when absent. */
const char *gg_req_query(gg_req *r, const char *name);
/** Request header (lower-case name); empty slice when absent. */
gg_str gg_req_header(gg_req *r, const char *name);
/** Cookie value, NUL-terminated in the pool; NULL when absent. */
const char *gg_req_cookie(gg_req *r, const char *name);
gg_str gg_req_body(gg_req *r);
/** Decoded application/x-www-form-urlencoded field, NULL when absent. */
const char *gg_req_form(gg_req *r, const char *name);
/** Peer address as text ("127.0.0.1"), in the pool. */
const char *gg_req_ip(gg_req *r);
/** Memory that lives as long as the request. */
void *gg_req_alloc(gg_req *r, size_t n);
char *gg_req_strdup(gg_req *r, const char *s, size_t n);
/** Per-request slots for the api layer (session, participant …). */
void *gg_req_user(gg_req *r);
void gg_req_set_user(gg_req *r, void *u);
int gg_req_tls(gg_req *r);

/* ---- response --------------------------------------------------------- */

void gg_req_header_add(gg_req *r, const char *name, const char *value);
/** Send body (copied) with the content type. */
void gg_req_send(gg_req *r, int status, const char *content_type, const char *body, size_t len);
/** Send j as JSON (steals the reference). */
void gg_req_json(gg_req *r, int status, json_t *j);
/** Send the JSON error for code with a one-line message. Returns 0. */
int gg_req_error(gg_req *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/** Like gg_req_error with an explicit status (413, 404 for routes …). */
int gg_req_error_status(gg_req *r, int status, const char *code, const char *msg);
void gg_req_redirect(gg_req *r, const char *location);

/* ---- deferred responses ------------------------------------------------ */

/** Hand the request to other work; complete the returned pending exactly
 *  once, from any thread. If the client went away meanwhile, the completion
 *  is dropped quietly. */
gg_pending *gg_req_defer(gg_req *r);
/** Add a response header to a pending answer (before completing it; at most 4). */
void gg_pending_header(gg_pending *p, const char *name, const char *value);
/** Complete with JSON (steals j). */
void gg_pending_json(gg_pending *p, int status, json_t *j);
/** Complete with a redirect (303) to location (copied). */
void gg_pending_redirect(gg_pending *p, const char *location);
/** Complete with a JSON error for code. */
void gg_pending_error(gg_pending *p, int code, const char *msg);

#endif
