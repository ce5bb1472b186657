/*
 * stream_schema.c — migration 11: channel streams, reach and engagement (issue 7).
 * Reserved so that its number is fixed while the capability is built;
 * the empty string is a valid (no-op) migration until it is filled in.
 */
const char gg_store__m11_stream[] = "";
