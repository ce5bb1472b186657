/*
 * participant_schema.c — migration 9: participants: consent, my ideas (issue 5).
 * Reserved so that its number is fixed while the capability is built;
 * the empty string is a valid (no-op) migration until it is filled in.
 */
const char gg_store__m9_participant[] = "";
