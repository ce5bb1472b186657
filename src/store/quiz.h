/*
 * quiz.h — quizzes and the engagement console's writes (store layer, issue
 * 5; backend-neutral like store.h, implemented in store/quiz.c and
 * store/console.c).
 */
#ifndef GG_STORE_QUIZ_H
#define GG_STORE_QUIZ_H
#include "store/store.h"

/** What a quiz write does. */
typedef enum gg_quiz_op {
    GG_QUIZ_SAVE = 1, /* id: quiz (0: new in campaign_id); json: {title, intro?, status?,
                         questions:[{question, options[], correct, explanation?}]}; staff */
    GG_QUIZ_ATTEMPT,  /* id: quiz; participant; json: answers, one option index or null each;
                         GG_ECONFLICT for a second attempt or a closed quiz */
    GG_QUIZ_PUBLISH,  /* id: quiz; channel; json: target {chat_id?, account?}; lang; staff:
                         one quiz poll per question queued in the outbox */
} gg_quiz_op;

typedef struct gg_quiz_in {
    gg_quiz_op op;
    int64_t id, campaign_id;
    const char *participant; /* pseudonym (64 hex), never the raw cookie */
    const char *json, *channel, *lang;
    int64_t actor_id;        /* staff user of SAVE / PUBLISH (audited) */
    const char *actor;
} gg_quiz_in;

/** Queue one quiz write (strings copied). done gets the quiz with its
 *  answers (SAVE), {attempt_id, share, score, total, results:[…]} (ATTEMPT)
 *  or {queued:[outbox ids], duplicates} (PUBLISH); on failure {"message"}. */
int gg_store_quiz_put(gg_store *s, const gg_quiz_in *in, gg_store_done_fn done, void *arg);
/** 0 when def is a valid quiz definition, else GG_EINVAL with a message. */
int gg_store_quiz_check(json_t *def);
/** A quiz with its questions; with_answers adds correct and explanation. */
int gg_store_quiz_get(gg_store *s, int64_t id, int with_answers, json_t **out);
/** Quizzes of a campaign, newest first (array); drafts only when all. */
int gg_store_quiz_list(gg_store *s, const char *slug, int all, json_t **out);
/** The attempt of participant at quiz_id {id, share, score, total}; GG_ENOTFOUND. */
int gg_store_quiz_attempt_of(gg_store *s, int64_t quiz_id, const char *participant,
                             json_t **out);
/** The attempt behind a share token with its answers [{question_id, option}]. */
int gg_store_quiz_result(gg_store *s, const char *share, json_t **out);
/** Answers and right answers per question and channel (web attempts and
 *  the channel votes of the quiz's polls), attempts and average score. */
int gg_store_quiz_stats(gg_store *s, int64_t quiz_id, json_t **out);
/** 0 when (channel, poll_id) is a quiz poll we sent (quiz and question
 *  set), GG_ENOTFOUND otherwise: such votes belong to the quiz, not to a
 *  campaign poll. */
int gg_store_quiz_poll(gg_store *s, const char *channel, const char *poll_id, int64_t *quiz_id,
                       int64_t *question_id);

typedef enum gg_console_op {
    GG_CONSOLE_CAMPAIGN = 1, /* id: campaign (0: new); json: {slug (new only), title, question,
                                brief, *_en, topics[], status, opens_at, closes_at} */
    GG_CONSOLE_POLL,         /* id: poll (0: new in campaign_id); json: {question, options[],
                                multi, hide_results, opens_at, closes_at} */
    GG_CONSOLE_COMMENT,      /* id: comment; json: {action: approve|remove, reason?} */
} gg_console_op;

typedef struct gg_console_in {
    gg_console_op op;
    int64_t id, campaign_id;
    const char *json;
    int64_t actor_id;
    const char *actor;
} gg_console_in;

/** Queue a staff write and its audit row (one transaction). done gets the
 *  row after the write, or {"message"}: GG_EINVAL, GG_ENOTFOUND,
 *  GG_ECONFLICT (slug taken, options of a voted poll, comment not waiting). */
int gg_store_console_put(gg_store *s, const gg_console_in *in, gg_store_done_fn done, void *arg);
/** Comments held by the abuse filter or reported, oldest first, id > after. */
int gg_store_comments_to_moderate(gg_store *s, int64_t after, int limit, json_t **out);
/** A campaign's editable fields by id; GG_ENOTFOUND. */
int gg_store_campaign_by_id(gg_store *s, int64_t id, json_t **out);
/** A poll's definition with its voter count; GG_ENOTFOUND. */
int gg_store_poll_get(gg_store *s, int64_t id, json_t **out);


#endif
