/*
 * thread.c — thread names and background priority (core layer).
 */
#include "core/thread.h"
#include <pthread.h>
#include <stdio.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

void gg_thread_role(const char *name, int background)
{
    char n[16];
    snprintf(n, sizeof(n), "%s", name);
    pthread_setname_np(pthread_self(), n);
#ifdef __linux__
    /* per thread on Linux: a thread is a task with its own nice value */
    if (background)
        setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#else
    (void)background;
#endif
}
