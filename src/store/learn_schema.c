/*
 * learn_schema.c — migration 10: review relabels, model versions (issue 4).
 * Reserved so that its number is fixed while the capability is built;
 * the empty string is a valid (no-op) migration until it is filled in.
 */
const char gg_store__m10_learn[] = "";
