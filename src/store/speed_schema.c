/*
 * speed_schema.c — migration 7: batched aggregate and search-index upkeep (issues 2, 6).
 * Reserved so that its number is fixed while the capability is built;
 * the empty string is a valid (no-op) migration until it is filled in.
 */
const char gg_store__m7_speed[] = "";
