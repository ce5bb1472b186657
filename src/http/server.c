/*
 * server.c — h2o server, router and responses (http layer). Each loop
 * thread owns an h2o context, a SO_REUSEPORT listener and a message queue;
 * the kernel spreads connections over the listeners. Deferred responses
 * come back to the owning loop through that queue, and a refcount shared
 * with the request's pool makes a late completion for a closed connection
 * a no-op instead of a use-after-free.
 */
#define H2O_USE_EPOLL 1
#include "http/http.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "core/thread.h"
#include <arpa/inet.h>
#include <errno.h>
#include <h2o.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_ROUTES 160
#define MAX_SEGS 12
#define MAX_PARAMS 4

/* statuses counted one by one in /metrics; anything else is "other" */
static const int counted_status[] = {200, 201, 202, 204, 301, 302, 303, 304, 400, 401, 403,
                                     404, 405, 409, 413, 415, 422, 429, 500, 502, 503};
#define NSTATUS ((int)(sizeof(counted_status) / sizeof(counted_status[0])) + 1)
/* latency histogram upper bounds in seconds */
static const double lat_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                    0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
#define NLAT ((int)(sizeof(lat_bounds) / sizeof(lat_bounds[0])))

typedef struct route {
    char method[8];
    int nseg;
    char *seg[MAX_SEGS]; /* "{name}" segments capture */
    const char *name;
    gg_handler fn;
    void *ctx;
} route;

typedef struct loop_ctx {
    gg_http *h;
    h2o_evloop_t *loop;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept;
    h2o_multithread_queue_t *queue;
    h2o_multithread_receiver_t recv;
    h2o_socket_t *listener;
    int fd;
    int inflight; /* deferred requests not yet answered (loop thread only) */
    pthread_t tid;
} loop_ctx;

struct gg_http {
    gg_http_opts opts;
    char *listen, *web_dir;
    route routes[MAX_ROUTES];
    int nroutes;
    h2o_globalconf_t config;
    loop_ctx *loops;
    volatile sig_atomic_t stop;
    _Atomic uint64_t hits[MAX_ROUTES + 1][NSTATUS];
    _Atomic uint64_t lat[NLAT + 1];
    _Atomic uint64_t lat_sum_us, lat_count;
};

struct gg_req {
    h2o_req_t *req;
    loop_ctx *lc;
    int route; /* index, or MAX_ROUTES when unmatched */
    int nparams;
    const char *pname[MAX_PARAMS];
    gg_str pval[MAX_PARAMS];
    void *user;
    int responded;
};

struct gg_pending {
    h2o_multithread_message_t msg; /* first: messages are cast back */
    gg_req *r;                     /* NULL once the request is gone */
    loop_ctx *lc;
    int refs; /* touched only on the loop thread */
    int status;
    json_t *body;
    char *location;
    int nhdr;
    char *hname[4], *hval[4];
};

typedef struct gg_h2o_handler {
    h2o_handler_t super;
    gg_http *h;
} gg_h2o_handler;

int gg_http_status_of(int code)
{
    switch (code) {
    case GG_OK: return 200;
    case GG_EINVAL: return 400;
    case GG_EUTF8: return 400;
    case GG_ENOTFOUND: return 404;
    case GG_ECONFLICT: return 409;
    case GG_ELIMIT: return 413;
    case GG_EAUTH: return 401;
    case GG_EFORBIDDEN: return 403;
    case GG_ECSRF: return 403;
    case GG_ERATE: return 429;
    case GG_EUPSTREAM: return 502;
    case GG_EIO: return 503;
    }
    return 500;
}

/* ---- metrics ----------------------------------------------------------- */

static void count(gg_req *r, int status)
{
    gg_http *h = r->lc->h;
    int si = NSTATUS - 1;
    for (int i = 0; i < NSTATUS - 1; i++)
        if (counted_status[i] == status)
            si = i;
    atomic_fetch_add(&h->hits[r->route][si], 1);
    struct timeval now;
    gettimeofday(&now, NULL);
    const struct timeval *t0 = &r->req->processed_at.at;
    int64_t us = (int64_t)(now.tv_sec - t0->tv_sec) * 1000000 + (now.tv_usec - t0->tv_usec);
    if (us < 0)
        us = 0;
    double s = (double)us / 1e6;
    int b = NLAT;
    for (int i = 0; i < NLAT; i++)
        if (s <= lat_bounds[i]) {
            b = i;
            break;
        }
    atomic_fetch_add(&h->lat[b], 1);
    atomic_fetch_add(&h->lat_sum_us, (uint64_t)us);
    atomic_fetch_add(&h->lat_count, 1);
}

void gg_http_metrics(gg_http *h, gg_buf *b)
{
    gg_buf_adds(b, "# HELP gagas_http_requests_total HTTP requests by route and status.\n"
                   "# TYPE gagas_http_requests_total counter\n");
    for (int r = 0; r <= h->nroutes; r++) {
        int ri = r == h->nroutes ? MAX_ROUTES : r;
        const char *name = ri == MAX_ROUTES ? "unmatched" : h->routes[ri].name;
        for (int s = 0; s < NSTATUS; s++) {
            uint64_t n = atomic_load(&h->hits[ri][s]);
            if (n == 0)
                continue;
            if (s == NSTATUS - 1)
                gg_buf_printf(b, "gagas_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
                              name, (unsigned long long)n);
            else
                gg_buf_printf(b, "gagas_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                              name, counted_status[s], (unsigned long long)n);
        }
    }
    gg_buf_adds(b, "# HELP gagas_http_request_duration_seconds Time to answer a request.\n"
                   "# TYPE gagas_http_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (int i = 0; i <= NLAT; i++) {
        cum += atomic_load(&h->lat[i]);
        if (i < NLAT)
            gg_buf_printf(b, "gagas_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                          lat_bounds[i], (unsigned long long)cum);
        else
            gg_buf_printf(b, "gagas_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                          (unsigned long long)cum);
    }
    gg_buf_printf(b, "gagas_http_request_duration_seconds_sum %.6f\n",
                  (double)atomic_load(&h->lat_sum_us) / 1e6);
    gg_buf_printf(b, "gagas_http_request_duration_seconds_count %llu\n",
                  (unsigned long long)atomic_load(&h->lat_count));
}

/* ---- responses --------------------------------------------------------- */

void gg_req_header_add(gg_req *r, const char *name, const char *value)
{
    /* h2o keeps pointers: copy both into the request's pool */
    h2o_iovec_t n = h2o_strdup(&r->req->pool, name, strlen(name));
    h2o_iovec_t v = h2o_strdup(&r->req->pool, value, strlen(value));
    h2o_add_header_by_str(&r->req->pool, &r->req->res.headers, n.base, n.len, 1, NULL, v.base,
                          v.len);
}

void gg_req_send(gg_req *r, int status, const char *content_type, const char *body, size_t len)
{
    assert(!r->responded);
    r->responded = 1;
    count(r, status);
    r->req->res.status = status;
    r->req->res.reason = "";
    h2o_add_header(&r->req->pool, &r->req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                   content_type, strlen(content_type));
    /* h2o_send_inline leaves the length unknown; h2o's chunked encoder then
     * gives up on keep-alive for every status but 200. A known length keeps
     * the connection for 202s, redirects and errors too. */
    r->req->res.content_length = len;
    h2o_send_inline(r->req, body, len);
}

void gg_req_json(gg_req *r, int status, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(j);
    gg_req_header_add(r, "cache-control", "no-store");
    gg_req_send(r, status, "application/json; charset=utf-8", s ? s : "{}", s ? strlen(s) : 2);
    free(s);
}

int gg_req_error_status(gg_req *r, int status, const char *code, const char *msg)
{
    gg_req_json(r, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
    return 0;
}

int gg_req_error(gg_req *r, int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    int status = gg_http_status_of(code);
    if (status >= 500)
        gg_log(GG_LOG_ERROR, "request failed", "\"path\":\"%.*s\",\"status\":%d,\"error\":\"%s\"",
               (int)(r->req->path.len > 200 ? 200 : r->req->path.len), r->req->path.base, status,
               gg_err_name(code));
    return gg_req_error_status(r, status, gg_err_name(code), msg);
}

void gg_req_redirect(gg_req *r, const char *location)
{
    gg_req_header_add(r, "location", location);
    gg_req_send(r, 303, "text/plain; charset=utf-8", "", 0);
}

/* ---- deferred ---------------------------------------------------------- */

static void pending_unref(gg_pending *p)
{
    if (--p->refs > 0)
        return;
    if (p->body)
        json_decref(p->body);
    free(p->location);
    for (int i = 0; i < p->nhdr; i++) {
        free(p->hname[i]);
        free(p->hval[i]);
    }
    free(p);
}

static void on_pool_dispose(void *obj)
{
    gg_pending *p = *(gg_pending **)obj;
    p->r = NULL;
    pending_unref(p);
}

gg_pending *gg_req_defer(gg_req *r)
{
    gg_pending *p = gg_calloc(1, sizeof(*p));
    p->r = r;
    p->lc = r->lc;
    p->refs = 2; /* the pool's slot and the completion */
    r->lc->inflight++;
    gg_pending **slot = h2o_mem_alloc_shared(&r->req->pool, sizeof(*slot), on_pool_dispose);
    *slot = p;
    return p;
}

void gg_pending_header(gg_pending *p, const char *name, const char *value)
{
    assert(p->nhdr < 4);
    p->hname[p->nhdr] = gg_strdup(name);
    p->hval[p->nhdr++] = gg_strdup(value);
}

static void pending_post(gg_pending *p)
{
    h2o_multithread_send_message(&p->lc->recv, &p->msg);
}

void gg_pending_json(gg_pending *p, int status, json_t *j)
{
    p->status = status;
    p->body = j;
    pending_post(p);
}

void gg_pending_redirect(gg_pending *p, const char *location)
{
    p->status = 303;
    p->location = gg_strdup(location);
    pending_post(p);
}

void gg_pending_error(gg_pending *p, int code, const char *msg)
{
    gg_pending_json(p, gg_http_status_of(code),
                    json_pack("{s:{s:s,s:s}}", "error", "code", gg_err_name(code), "message", msg));
}

static void on_messages(h2o_multithread_receiver_t *recv, h2o_linklist_t *messages)
{
    while (!h2o_linklist_is_empty(messages)) {
        gg_pending *p = (gg_pending *)messages->next;
        h2o_linklist_unlink(&p->msg.link);
        p->lc->inflight--;
        if (p->r) {
            for (int i = 0; i < p->nhdr; i++)
                gg_req_header_add(p->r, p->hname[i], p->hval[i]);
            if (p->location) {
                gg_req_redirect(p->r, p->location);
            } else {
                json_t *j = p->body;
                p->body = NULL;
                gg_req_json(p->r, p->status, j ? j : json_object());
            }
        }
        pending_unref(p);
    }
}

/* ---- request accessors ------------------------------------------------- */

gg_str gg_req_method(gg_req *r)
{
    return (gg_str){r->req->method.base, r->req->method.len};
}

gg_str gg_req_path(gg_req *r)
{
    size_t n = r->req->query_at != SIZE_MAX ? r->req->query_at : r->req->path.len;
    return (gg_str){r->req->path.base, n};
}

gg_str gg_req_path_full(gg_req *r)
{
    return (gg_str){r->req->path.base, r->req->path.len};
}

gg_str gg_req_param(gg_req *r, const char *name)
{
    for (int i = 0; i < r->nparams; i++)
        if (strcmp(r->pname[i], name) == 0)
            return r->pval[i];
    return (gg_str){"", 0};
}

gg_str gg_req_header(gg_req *r, const char *name)
{
    /* h2o takes Host (HTTP/1) and :authority (HTTP/2) out of the headers */
    if (strcmp(name, "host") == 0)
        return (gg_str){r->req->input.authority.base ? r->req->input.authority.base : "",
                        r->req->input.authority.len};
    ssize_t i = h2o_find_header_by_str(&r->req->headers, name, strlen(name), -1);
    if (i < 0)
        return (gg_str){"", 0};
    h2o_iovec_t v = r->req->headers.entries[i].value;
    return (gg_str){v.base, v.len};
}

gg_str gg_req_body(gg_req *r)
{
    return (gg_str){r->req->entity.base ? r->req->entity.base : "", r->req->entity.len};
}

void *gg_req_alloc(gg_req *r, size_t n)
{
    return h2o_mem_alloc_pool(&r->req->pool, n);
}

char *gg_req_strdup(gg_req *r, const char *s, size_t n)
{
    char *p = gg_req_alloc(r, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void *gg_req_user(gg_req *r)
{
    return r->user;
}

void gg_req_set_user(gg_req *r, void *u)
{
    r->user = u;
}

int gg_req_tls(gg_req *r)
{
    return r->lc->h->opts.tls;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Find name in an urlencoded list "a=1&b=2" and decode its value. */
static const char *urlenc_get(gg_req *r, const char *s, size_t n, const char *name)
{
    size_t nl = strlen(name), i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && s[end] != '&')
            end++;
        size_t eq = i;
        while (eq < end && s[eq] != '=')
            eq++;
        if (eq - i == nl && memcmp(s + i, name, nl) == 0) {
            const char *v = eq < end ? s + eq + 1 : s + end;
            size_t vl = eq < end ? end - eq - 1 : 0;
            char *out = gg_req_alloc(r, vl + 1);
            size_t o = 0;
            for (size_t k = 0; k < vl; k++) {
                if (v[k] == '+') {
                    out[o++] = ' ';
                } else if (v[k] == '%' && k + 2 < vl && hexval(v[k + 1]) >= 0 &&
                           hexval(v[k + 2]) >= 0) {
                    out[o++] = (char)(hexval(v[k + 1]) * 16 + hexval(v[k + 2]));
                    k += 2;
                } else {
                    out[o++] = v[k];
                }
            }
            out[o] = '\0';
            return out;
        }
        i = end + 1;
    }
    return NULL;
}

const char *gg_req_query(gg_req *r, const char *name)
{
    if (r->req->query_at == SIZE_MAX)
        return NULL;
    size_t q = r->req->query_at + 1;
    return urlenc_get(r, r->req->path.base + q, r->req->path.len - q, name);
}

const char *gg_req_form(gg_req *r, const char *name)
{
    return urlenc_get(r, r->req->entity.base ? r->req->entity.base : "", r->req->entity.len,
                      name);
}

const char *gg_req_cookie(gg_req *r, const char *name)
{
    size_t nl = strlen(name);
    for (ssize_t i = -1; (i = h2o_find_header(&r->req->headers, H2O_TOKEN_COOKIE, i)) != -1;) {
        h2o_iovec_t v = r->req->headers.entries[i].value;
        size_t p = 0;
        while (p < v.len) {
            while (p < v.len && (v.base[p] == ' ' || v.base[p] == ';'))
                p++;
            size_t st = p;
            while (p < v.len && v.base[p] != ';')
                p++;
            if (p - st > nl && memcmp(v.base + st, name, nl) == 0 && v.base[st + nl] == '=')
                return gg_req_strdup(r, v.base + st + nl + 1, p - st - nl - 1);
        }
    }
    return NULL;
}

const char *gg_req_ip(gg_req *r)
{
    struct sockaddr_storage ss;
    char *out = gg_req_alloc(r, INET6_ADDRSTRLEN);
    socklen_t n = r->req->conn->callbacks->get_peername(r->req->conn, (struct sockaddr *)&ss);
    snprintf(out, INET6_ADDRSTRLEN, "unknown");
    if (n == 0)
        return out;
    if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, INET6_ADDRSTRLEN);
    else if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, INET6_ADDRSTRLEN);
    return out;
}

/* ---- routing ----------------------------------------------------------- */

void gg_http_route(gg_http *h, const char *method, const char *pattern, const char *name,
                   gg_handler fn, void *ctx)
{
    assert(h->nroutes < MAX_ROUTES);
    route *rt = &h->routes[h->nroutes++];
    snprintf(rt->method, sizeof(rt->method), "%s", method);
    rt->name = name;
    rt->fn = fn;
    rt->ctx = ctx;
    const char *p = pattern;
    while (*p == '/')
        p++;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        assert(rt->nseg < MAX_SEGS);
        rt->seg[rt->nseg++] = gg_strndup(p, n);
        p += n;
        while (*p == '/')
            p++;
    }
}

static int match(const route *rt, gg_req *r, gg_str path)
{
    size_t i = 0;
    int seg = 0;
    r->nparams = 0;
    while (i < path.len && path.ptr[i] == '/')
        i++;
    while (i < path.len) {
        size_t st = i;
        while (i < path.len && path.ptr[i] != '/')
            i++;
        if (seg >= rt->nseg)
            return 0;
        const char *want = rt->seg[seg++];
        size_t wl = strlen(want);
        if (want[0] == '{') {
            if (i == st || r->nparams >= MAX_PARAMS)
                return 0;
            r->pname[r->nparams] = want; /* "{slug}": compared below without braces */
            r->pval[r->nparams++] = (gg_str){path.ptr + st, i - st};
        } else if (wl != i - st || memcmp(want, path.ptr + st, wl) != 0) {
            return 0;
        }
        if (i < path.len)
            i++;
    }
    return seg == rt->nseg;
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    gg_http *h = ((gg_h2o_handler *)self)->h;
    loop_ctx *lc = (loop_ctx *)((char *)req->conn->ctx - offsetof(loop_ctx, ctx));
    gg_req *r = h2o_mem_alloc_pool(&req->pool, sizeof(*r));
    memset(r, 0, sizeof(*r));
    r->req = req;
    r->lc = lc;
    r->route = MAX_ROUTES;
    gg_str path = gg_req_path(r);
    int path_matched = 0;
    for (int i = 0; i < h->nroutes; i++) {
        if (!match(&h->routes[i], r, path))
            continue;
        path_matched = 1;
        if (!h2o_memis(req->method.base, req->method.len, h->routes[i].method,
                       strlen(h->routes[i].method)) &&
            !(strcmp(h->routes[i].method, "GET") == 0 &&
              h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"))))
            continue;
        /* strip the braces from captured names once matched */
        for (int k = 0; k < r->nparams; k++) {
            size_t n = strlen(r->pname[k]);
            r->pname[k] = gg_req_strdup(r, r->pname[k] + 1, n - 2);
        }
        r->route = i;
        if (req->entity.len > h->opts.body_cap)
            return gg_req_error_status(r, 413, "too_large", "request body is over the limit");
        int rc = h->routes[i].fn(r, h->routes[i].ctx);
        if (rc != 0 && !r->responded)
            gg_req_error(r, GG_EINTERNAL, "internal error");
        return 0;
    }
    if (path_matched)
        return gg_req_error_status(r, 405, "method_not_allowed", "method not allowed here");
    return gg_req_error_status(r, 404, "not_found", "no such page");
}

/* ---- server lifecycle -------------------------------------------------- */

gg_http *gg_http_new(const gg_http_opts *opts)
{
    gg_http *h = gg_calloc(1, sizeof(*h));
    h->opts = *opts;
    h->listen = gg_strdup(opts->listen);
    h->web_dir = opts->web_dir ? gg_strdup(opts->web_dir) : NULL;
    h->opts.listen = h->listen;
    h->opts.web_dir = h->web_dir;
    if (h->opts.threads < 1)
        h->opts.threads = 1;
    return h;
}

void gg_http_free(gg_http *h)
{
    /* The loops' h2o contexts are never disposed (h2o 2.2 cannot dispose a
     * context while idle keep-alive connections still hang on it), and
     * they point into h. Only a server that never ran is freed; one that
     * ran stays reachable until the process ends, which is when serve
     * calls this. */
    static gg_http *retired __attribute__((used));
    if (h == NULL)
        return;
    if (h->loops != NULL) {
        retired = h;
        return;
    }
    for (int i = 0; i < h->nroutes; i++)
        for (int k = 0; k < h->routes[i].nseg; k++)
            free(h->routes[i].seg[k]);
    free(h->listen);
    free(h->web_dir);
    free(h);
}

void gg_http_stop(gg_http *h)
{
    h->stop = 1;
}

static int open_listener(const char *listen_addr)
{
    char host[128];
    const char *colon = strrchr(listen_addr, ':');
    if (colon == NULL || (size_t)(colon - listen_addr) >= sizeof(host))
        return -1;
    memcpy(host, listen_addr, (size_t)(colon - listen_addr));
    host[colon - listen_addr] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port < 0 || port > 65535)
        return -1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa.sin_addr) != 1)
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, SOMAXCONN) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    if (err != NULL)
        return;
    loop_ctx *lc = listener->data;
    h2o_socket_t *sock;
    /* accept a few per wake-up: fewer loop turns under connection bursts */
    for (int i = 0; i < 16 && (sock = h2o_evloop_socket_accept(listener)) != NULL; i++)
        h2o_accept(&lc->accept, sock);
}

static void *loop_main(void *arg)
{
    loop_ctx *lc = arg;
    gg_thread_role("gg-http", 0);
    gg_http *h = lc->h;
    lc->loop = h2o_evloop_create();
    h2o_context_init(&lc->ctx, lc->loop, &h->config);
    lc->accept.ctx = &lc->ctx;
    lc->accept.hosts = h->config.hosts;
    lc->queue = h2o_multithread_create_queue(lc->loop);
    h2o_multithread_register_receiver(lc->queue, &lc->recv, on_messages);
    lc->listener = h2o_evloop_socket_create(lc->loop, lc->fd, H2O_SOCKET_FLAG_DONT_READ);
    lc->listener->data = lc;
    h2o_socket_read_start(lc->listener, on_accept);
    while (!h->stop)
        h2o_evloop_run(lc->loop, 100);
    /* stop: accept nothing new, close connections after their response, and
     * answer every deferred request still in flight (a write the store
     * commits gets its 202) before the thread ends; 5 s at most */
    h2o_socket_read_stop(lc->listener);
    h2o_socket_close(lc->listener);
    lc->ctx.shutdown_requested = 1;
    for (int i = 0; i < 50 && lc->inflight > 0; i++)
        h2o_evloop_run(lc->loop, 100);
    if (lc->inflight > 0)
        gg_log(GG_LOG_WARN, "stopped with requests in flight", "\"count\":%d", lc->inflight);
    /* the context and its connections live until the process exits: h2o 2.2
     * cannot dispose a context that still has (idle) connections */
    return NULL;
}

int gg_http_run(gg_http *h)
{
    h2o_config_init(&h->config);
    h->config.max_request_entity_size = h->opts.body_cap * 4; /* over this h2o answers 413 itself */
    h->config.http1.req_timeout = 15000;                       /* header/body read timeout */
    h->config.http2.idle_timeout = 30000;
    h2o_hostconf_t *host = h2o_config_register_host(&h->config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    if (h->web_dir) {
        h2o_pathconf_t *pc = h2o_config_register_path(host, "/static", 0);
        h2o_file_register(pc, h->web_dir, NULL, NULL, 0);
    }
    h2o_pathconf_t *pc = h2o_config_register_path(host, "/", 0);
    gg_h2o_handler *hd = (gg_h2o_handler *)h2o_create_handler(pc, sizeof(*hd));
    hd->super.on_req = on_req;
    hd->h = h;

    h->loops = gg_calloc((size_t)h->opts.threads, sizeof(*h->loops));
    for (int i = 0; i < h->opts.threads; i++) {
        h->loops[i].h = h;
        h->loops[i].fd = open_listener(h->opts.listen);
        if (h->loops[i].fd < 0) {
            gg_log(GG_LOG_ERROR, "cannot listen", "\"listen\":\"%s\",\"errno\":%d",
                   h->opts.listen, errno);
            for (int k = 0; k < i; k++)
                close(h->loops[k].fd);
            return GG_EIO;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < h->opts.threads; i++)
        pthread_create(&h->loops[i].tid, NULL, loop_main, &h->loops[i]);
    gg_log(GG_LOG_INFO, "listening", "\"listen\":\"%s\",\"threads\":%d", h->opts.listen,
           h->opts.threads);
    for (int i = 0; i < h->opts.threads; i++)
        pthread_join(h->loops[i].tid, NULL); /* each closed its listener */
    return 0;
}
