/*
 * thread.h — what a thread is for (core layer): its name, shown by
 * `top -H`, `ps -L` and gdb, and for background work a lower CPU priority,
 * so that in a burst the threads that answer requests and the store's
 * writer get the CPU first and the backlog is worked off when it is idle.
 */
#ifndef GG_CORE_THREAD_H
#define GG_CORE_THREAD_H

/** Name the calling thread (at most 15 bytes are kept); background != 0
 *  also lowers its priority (nice +10 on Linux; no effect elsewhere). */
void gg_thread_role(const char *name, int background);

#endif
