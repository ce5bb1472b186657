/*
 * channels_schema.c — migration 5: the channels' durable inbox, processed
 * event keys, submission edit history and pull watermarks (store layer,
 * issue 7). Applied once, in its own transaction, after migration 4. Until
 * it is shipped it may still be rewritten; after that, add a new migration.
 *
 * inbox: raw webhook deliveries exactly as received (body bytes and the
 * headers that matter), written before the platform gets its 200; state
 * new -> processed | error (kept with its error, never retried blindly).
 * channel_events: one row per canonical event key (channel|account|native
 * id|kind|version): a redelivery or an overlapping pull finds its key and
 * does nothing, so every event is applied once.
 */
const char gg_store__m5_channels[] =
    "CREATE TABLE inbox("
    " id INTEGER PRIMARY KEY,"
    " channel TEXT NOT NULL,"
    " received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
    " headers_json TEXT NOT NULL DEFAULT '{}',"
    " body BLOB NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new','processed','error')),"
    " events INTEGER NOT NULL DEFAULT 0,"
    " error TEXT,"
    " processed_at TEXT);"
    "CREATE INDEX inbox_new ON inbox(state, id) WHERE state = 'new';"

    "CREATE TABLE channel_events("
    " dedupe_key TEXT PRIMARY KEY,"
    " inbox_id INTEGER REFERENCES inbox(id),"
    " channel TEXT NOT NULL, kind TEXT NOT NULL,"
    " submission_id INTEGER REFERENCES submissions(id),"
    " at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ'))) WITHOUT ROWID;"

    "CREATE TABLE submission_versions("
    " id INTEGER PRIMARY KEY,"
    " submission_id INTEGER NOT NULL REFERENCES submissions(id),"
    " text TEXT NOT NULL,"
    " version TEXT,"
    " replaced_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')));"
    "CREATE INDEX submission_versions_sub ON submission_versions(submission_id);"

    "CREATE TABLE channel_state("
    " channel TEXT NOT NULL, account TEXT NOT NULL, stream TEXT NOT NULL,"
    " watermark TEXT, cursor TEXT, next_at INTEGER NOT NULL DEFAULT 0,"
    " failures INTEGER NOT NULL DEFAULT 0, last_event_at TEXT, last_error TEXT,"
    " rate_json TEXT NOT NULL DEFAULT '{}',"
    " PRIMARY KEY (channel, account, stream)) WITHOUT ROWID;"

    "CREATE INDEX submissions_native ON submissions(channel, native_id);";
