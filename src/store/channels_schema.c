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

    "CREATE INDEX submissions_native ON submissions(channel, native_id);"

    /* how to answer the person on the channel they used (from the event's
     * reply target: to_id, chat_id, via_id, handle, window_start) */
    "ALTER TABLE submissions ADD COLUMN reply_json TEXT;"

    /* every message gagas sends out: replies and status news to people,
     * polls, campaign calls. dedupe_key makes "answer this change once"
     * hold across retries and restarts; the sender claims due rows, sends,
     * and records the platform's id or the error with a next attempt. */
    "CREATE TABLE outbox("
    " id INTEGER PRIMARY KEY,"
    " channel TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('reply','status','poll','publish')),"
    " submission_id INTEGER REFERENCES submissions(id),"
    " idea_id INTEGER REFERENCES ideas(id),"
    " campaign_id INTEGER REFERENCES campaigns(id),"
    " target_json TEXT NOT NULL DEFAULT '{}',"
    " text TEXT NOT NULL,"
    " payload_json TEXT NOT NULL DEFAULT '{}',"
    " lang TEXT NOT NULL DEFAULT 'id',"
    " dedupe_key TEXT UNIQUE,"
    " state TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (state IN ('pending','sending','sent','failed','skipped')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_at INTEGER NOT NULL DEFAULT 0,"
    " remote_id TEXT, error TEXT,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
    " sent_at TEXT);"
    "CREATE INDEX outbox_due ON outbox(state, next_at) WHERE state IN ('pending','sending');"

    /* connected accounts (channels/accounts.c): token_box is the access
     * token sealed with crypto_secretbox under the key file beside the
     * database (hex of nonce || ciphertext), never the plain token.
     * settings_json: streams to pull, publish flag, ids the builders need. */
    "CREATE TABLE channel_accounts("
    " channel TEXT NOT NULL, account TEXT NOT NULL,"
    " settings_json TEXT NOT NULL DEFAULT '{}',"
    " token_box TEXT,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
    " updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
    " PRIMARY KEY (channel, account)) WITHOUT ROWID;"

    /* answer templates per campaign (NULL: every campaign) and event
     * (accepted, merged, rejected, idea-diadopsi, …, publish); the sender
     * falls back to its built-in Indonesian and English defaults */
    "CREATE TABLE reply_templates("
    " id INTEGER PRIMARY KEY,"
    " campaign_id INTEGER REFERENCES campaigns(id),"
    " event TEXT NOT NULL, lang TEXT NOT NULL DEFAULT 'id', text TEXT NOT NULL,"
    " UNIQUE (campaign_id, event, lang));"

    /* votes that came back for polls we sent out (Telegram poll_answer):
     * one row per (channel, poll, voter); a changed vote replaces options */
    "CREATE TABLE poll_answers("
    " channel TEXT NOT NULL, poll_id TEXT NOT NULL, author_key TEXT NOT NULL,"
    " options TEXT NOT NULL DEFAULT '',"
    " outbox_id INTEGER REFERENCES outbox(id),"
    " at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
    " PRIMARY KEY (channel, poll_id, author_key)) WITHOUT ROWID;"

    /* what the platform said about a sent row: the send result or a later
     * fetch (reach and engagement counts where reported), capped JSON */
    "ALTER TABLE outbox ADD COLUMN result_json TEXT;"
    "CREATE INDEX outbox_remote ON outbox(channel, remote_id) WHERE remote_id IS NOT NULL;";
