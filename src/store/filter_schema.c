/*
 * filter_schema.c — migration 6: the automatic filter's groups (store
 * layer, issue 3). Applied once, in its own transaction, after migration 5.
 * Until it is shipped it may still be rewritten; after that, add a new one.
 *
 * coord_groups: one row per coordinated group ("buzzer" copies from many
 * authors), id = the group's earliest submission, with its evidence; the
 * members carry submissions.group_id and stay in the review queue, flagged,
 * so reviewers decide them together and analytics count them as one voice.
 */
const char gg_store__m6_filter[] =
    "CREATE TABLE coord_groups("
    " id INTEGER PRIMARY KEY,"
    " campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    " members INTEGER NOT NULL DEFAULT 0,"
    " evidence_json TEXT NOT NULL DEFAULT '{}',"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
    " updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')));"
    "CREATE INDEX submissions_group ON submissions(group_id) WHERE group_id IS NOT NULL;"
    "CREATE INDEX submissions_dup ON submissions(dup_of) WHERE dup_of IS NOT NULL;";
