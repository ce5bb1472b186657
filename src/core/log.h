/*
 * log.h — JSON-lines logging to stderr (core layer). One line per event:
 * {"ts":"…","level":"info","msg":"…", …extra fields}. Thread-safe (one
 * write(2) per line). Never pass secrets or raw bodies as fields.
 */
#ifndef GG_CORE_LOG_H
#define GG_CORE_LOG_H
#include <stddef.h>

enum { GG_LOG_DEBUG, GG_LOG_INFO, GG_LOG_WARN, GG_LOG_ERROR };

/** Minimum level written (default GG_LOG_INFO). */
void gg_log_set_level(int level);
int gg_log_level_parse(const char *s);

/**
 * Write one line. fields is NULL or a JSON object body fragment without the
 * braces, built with gg_log_kv…, e.g. "\"route\":\"/x\",\"status\":200".
 */
void gg_log(int level, const char *msg, const char *fmt_fields, ...)
    __attribute__((format(printf, 3, 4)));

/** Escape s as the inside of a JSON string into out (cap bytes, truncated). */
void gg_log_escape(char *out, size_t cap, const char *s);

#endif
