/*
 * log.c — JSON-lines logger (core layer). Each line is built in a stack
 * buffer and written with a single write(2) so concurrent threads never
 * interleave inside a line. Lines longer than the buffer are truncated.
 */
#include "core/log.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int min_level = GG_LOG_INFO;
static const char *names[] = {"debug", "info", "warn", "error"};

void gg_log_set_level(int level)
{
    min_level = level;
}

int gg_log_level_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return GG_LOG_INFO;
}

void gg_log_escape(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    for (; s && *s && o + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
}

void gg_log(int level, const char *msg, const char *fmt_fields, ...)
{
    if (level < min_level)
        return;
    char line[4096], emsg[1024];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    gg_log_escape(emsg, sizeof(emsg), msg);
    int n = snprintf(line, sizeof(line),
                     "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"level\":\"%s\",\"msg\":\"%s\"",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec / 1000000, names[level & 3], emsg);
    if (fmt_fields && *fmt_fields && n > 0 && (size_t)n < sizeof(line) - 3) {
        line[n++] = ',';
        va_list ap;
        va_start(ap, fmt_fields);
        int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 2, fmt_fields, ap);
        va_end(ap);
        if (m > 0)
            n += m < (int)(sizeof(line) - (size_t)n - 2) ? m : (int)(sizeof(line) - (size_t)n - 3);
    }
    if (n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '}';
    line[n++] = '\n';
    ssize_t w = write(2, line, (size_t)n);
    (void)w;
}
