/*
 * curl_dl.c — libcurl loaded on first use (channels layer): see curl_dl.h.
 * The library's name is the SONAME the build found (GG_CURL_SONAME, from
 * the Makefile), so the same libcurl the headers came with.
 */
#include "channels/curl_dl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#ifndef GG_CURL_SONAME
#define GG_CURL_SONAME "libcurl.so.4"
#endif

gg_curl_api gg_curl;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded = -1;

/* one symbol into *slot; 0 when found */
static int sym(void *lib, const char *name, void *slot)
{
    void *p = dlsym(lib, name);
    if (p == NULL)
        return -1;
    *(void **)slot = p; /* POSIX: dlsym's object pointers convert to function pointers */
    return 0;
}

static void load(void)
{
    void *lib = dlopen(GG_CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "channels: cannot load %s: %s\n", GG_CURL_SONAME, dlerror());
        return;
    }
    gg_curl_api a;
    if (sym(lib, "curl_easy_init", &a.easy_init) || sym(lib, "curl_easy_setopt", &a.easy_setopt) ||
        sym(lib, "curl_easy_perform", &a.easy_perform) ||
        sym(lib, "curl_easy_getinfo", &a.easy_getinfo) ||
        sym(lib, "curl_easy_strerror", &a.easy_strerror) ||
        sym(lib, "curl_easy_cleanup", &a.easy_cleanup) ||
        sym(lib, "curl_slist_append", &a.slist_append) ||
        sym(lib, "curl_slist_free_all", &a.slist_free_all) || sym(lib, "curl_getdate", &a.getdate)) {
        fprintf(stderr, "channels: %s lacks a libcurl entry point\n", GG_CURL_SONAME);
        return; /* the library stays loaded: harmless */
    }
    /* curl_easy_init would run this on first use, but not thread-safely */
    CURLcode (*global_init)(long);
    if (sym(lib, "curl_global_init", &global_init) == 0)
        global_init(CURL_GLOBAL_DEFAULT);
    gg_curl = a;
    loaded = 0;
}

int gg_curl_load(void)
{
    pthread_once(&once, load);
    return loaded;
}
