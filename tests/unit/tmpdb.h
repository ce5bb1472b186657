/*
 * tmpdb.h — a fresh database path for a unit test, and its removal with
 * the WAL and shared-memory files SQLite leaves beside it.
 */
#ifndef GG_TESTS_TMPDB_H
#define GG_TESTS_TMPDB_H
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* path: a name no file has yet, "/tmp/gagas-<tag>-<pid>-XXXXXX" made unique */
static inline void tmpdb_path(char *path, size_t n, const char *tag)
{
    snprintf(path, n, "/tmp/gagas-%s-%d-XXXXXX", tag, (int)getpid());
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
}

static inline void tmpdb_remove(const char *path)
{
    char p[80];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

#endif
