/*
 * curl_dl.h — libcurl, loaded when a channel first sends (channels layer).
 * libcurl and the two dozen libraries it pulls in (TLS, Kerberos, LDAP,
 * SSH, IDN ...) cost ~7 ms of symbol binding at every start of the binary
 * when linked (`perf stat -e task-clock`: 12.5 ms for a program linked with
 * all of gagas's libraries, 5.5 ms without libcurl's); most commands, and
 * `gagas classify` on its critical path, never send. The types come from
 * <curl/curl.h>; the calls go through gg_curl, filled once by
 * gg_curl_load.
 */
#ifndef GG_CHANNELS_CURL_DL_H
#define GG_CHANNELS_CURL_DL_H

#include <curl/curl.h>
#include <time.h>

typedef struct gg_curl_api {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    void (*easy_cleanup)(CURL *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    time_t (*getdate)(const char *, const time_t *);
} gg_curl_api;

/** The entry points, valid once gg_curl_load has returned 0. */
extern gg_curl_api gg_curl;

/** Load libcurl once (thread-safe); 0 when it is there, -1 (and a log
 *  line, once) when it cannot be loaded. */
int gg_curl_load(void);

#endif
