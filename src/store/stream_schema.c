/*
 * stream_schema.c — migration 11: what the channels learn after a send
 * (issue 7). Applied once, after migration 10.
 *
 * outbox.delivery: what we know about a send whose answer could not be
 * read (a 2xx cut short or not JSON, or the connection lost after the
 * request went out): NULL = nothing to say; 'recheck' = our post was not
 * found under its parent, so the next attempt looks once more before it
 * sends again; 'found' = it was found and its id kept; 'unknown' = the
 * platform offers no way to look (Telegram, WhatsApp, Messenger) or the
 * look failed: the row is final ('failed') and is never re-sent blindly —
 * a person decides (the console and /metrics show these rows as
 * 'unknown').
 *
 * outbox.metrics_json / metrics_at: reach and engagement counts of a sent
 * campaign call as the platform last reported them, and when (unix
 * seconds) they are due to be fetched again.
 *
 * The streaming connections (X filtered stream, Mastodon streaming) keep
 * their position in channel_state like the pull loops, so they need no
 * table of their own.
 */
const char gg_store__m11_stream[] =
    "ALTER TABLE outbox ADD COLUMN delivery TEXT"
    " CHECK (delivery IS NULL OR delivery IN ('recheck','found','unknown'));"
    "ALTER TABLE outbox ADD COLUMN metrics_json TEXT;"
    "ALTER TABLE outbox ADD COLUMN metrics_at INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX outbox_unknown ON outbox(channel) WHERE delivery = 'unknown';"
    "CREATE INDEX outbox_metrics_due ON outbox(metrics_at)"
    " WHERE kind = 'publish' AND state = 'sent';";
