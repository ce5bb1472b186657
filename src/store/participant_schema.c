/*
 * participant_schema.c — migration 9: participants: consent, my ideas (issue 5).
 * A web participant may leave a name and a contact with the consent text
 * they agreed to; the row is keyed by the participant pseudonym (never the
 * cookie), is never shown publicly, and goes with DELETE /api/v1/me.
 * The indexes serve "my ideas" (a participant's submissions by author key),
 * the region of a poll voter, and channel poll answers by the portal poll
 * they were published for.
 */
const char gg_store__m9_participant[] =
    "CREATE TABLE participant_contacts("
    " participant TEXT PRIMARY KEY,"
    " name TEXT, contact TEXT,"
    /* the exact sentence the person ticked, in the language shown */
    " consent_text TEXT NOT NULL,"
    " lang TEXT NOT NULL DEFAULT 'id',"
    " consented_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ'))) WITHOUT ROWID;"
    "CREATE INDEX submissions_author ON submissions(author_key) WHERE author_key IS NOT NULL;"
    /* POST /api/v1/channels/polls with "poll_id": the portal poll a channel
     * poll stands for; its answers merge into that poll's results */
    "CREATE INDEX outbox_portal_poll ON outbox(json_extract(payload_json,'$.poll_id'))"
    " WHERE kind='poll';";
