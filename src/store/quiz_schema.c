/*
 * quiz_schema.c — migration 8: quizzes (issue 5).
 * Reserved so that its number is fixed while the capability is built;
 * the empty string is a valid (no-op) migration until it is filled in.
 */
const char gg_store__m8_quiz[] = "";
