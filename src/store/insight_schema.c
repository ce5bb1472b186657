/*
 * insight_schema.c — migration 4: insight aggregates (store layer, issue 6).
 * Applied once, in its own transaction, after migration 3. Until it is
 * shipped it may still be rewritten; after that, add a new migration.
 */
const char gg_store__m4_insight[] = "SELECT 1;";
