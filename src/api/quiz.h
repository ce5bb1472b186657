/*
 * quiz.h — quizzes and the engagement console (api layer, issue 5;
 * private to the api layer like api_int.h).
 */
#ifndef GG_API_QUIZ_H
#define GG_API_QUIZ_H
#include "api/api_int.h"

void gg_api__register_quiz(gg_api *a, gg_http *h);
void gg_api__register_engage_console(gg_api *a, gg_http *h);
/** The campaign page's quiz box (newest open quiz of slug), appended to b. */
void gg_api__quiz_section(gg_api *a, gg_buf *b, const char *slug, const char *lang);
/** Queue quiz id as Telegram quiz polls (admin s); GG_EINVAL with *why
 *  when refused before queuing (done then does not run). */
int gg_api__quiz_publish(gg_api *a, gg_session *s, int64_t id, const char *channel,
                         const char *chat_id, const char *account, const char *lang,
                         gg_store_done_fn done, void *arg, const char **why);

#endif
