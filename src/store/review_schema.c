/*
 * review_schema.c — migration 2: review workspace (store layer, issue 4).
 * Applied once, in its own transaction, after migration 1. Until it is
 * shipped it may still be rewritten; after that, add a new migration.
 */
const char gg_store__m2_review[] = "SELECT 1;";
