/*
 * engage.c — comments, supports, polls, quizzes, participants (api layer, issue 5).
 */
#include "api/api_int.h"

void gg_api__register_engage(gg_api *a, gg_http *h)
{
    (void)a;
    (void)h;
}
