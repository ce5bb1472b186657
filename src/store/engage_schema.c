/*
 * engage_schema.c — migration 3: engagement: comments, supports, polls, quizzes, participants (store layer, issue 5).
 * Applied once, in its own transaction, after migration 2. Until it is
 * shipped it may still be rewritten; after that, add a new migration.
 */
const char gg_store__m3_engage[] = "SELECT 1;";
