/*
 * quiz_int.h — what store/quiz.c and store/console.c share (store layer,
 * private to the SQLite backend).
 */
#ifndef GG_STORE_QUIZ_INT_H
#define GG_STORE_QUIZ_INT_H
#include "store/quiz.h"
#include "store/sqlite_int.h"

/** An audit row of a staff write inside the current transaction. */
int gg_store__staff_audit(gg_conn *c, int64_t actor_id, const char *actor, const char *action,
                          const char *type, int64_t object_id, json_t *before, json_t *after,
                          const char *reason);

#endif
