/*
 * engage_schema.c — migration 3: engagement: supports, comment threads,
 * polls and their votes (store layer, issue 5). Participants are stored
 * only as a pseudonym (HMAC of the portal cookie or the channel author key);
 * a support keeps ideas.supporters in step through triggers.
 */
const char gg_store__m3_engage[] =
    "CREATE TABLE supports("
    " idea_id INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,"
    " participant TEXT NOT NULL,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')),"
    " PRIMARY KEY (idea_id, participant)) WITHOUT ROWID;"
    "CREATE INDEX supports_participant ON supports(participant);"
    "CREATE TRIGGER supports_add AFTER INSERT ON supports BEGIN"
    " UPDATE ideas SET supporters=supporters+1 WHERE id=NEW.idea_id; END;"
    "CREATE TRIGGER supports_del AFTER DELETE ON supports BEGIN"
    " UPDATE ideas SET supporters=max(supporters-1,0) WHERE id=OLD.idea_id; END;"

    /* state: visible | held (flagged by the abuse model or reports, waits
     * for review) | deleted (by its author; the row stays so replies keep
     * their parent) */
    "CREATE TABLE comments("
    " id INTEGER PRIMARY KEY,"
    " idea_id INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,"
    " parent_id INTEGER REFERENCES comments(id),"
    " participant TEXT NOT NULL,"
    " text TEXT NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'visible' CHECK (state IN ('visible','held','deleted')),"
    " reports INTEGER NOT NULL DEFAULT 0,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')),"
    " edited_at TEXT);"
    /* the thread's pages walk this index from a cursor: O(page), not O(offset) */
    "CREATE INDEX comments_visible ON comments(idea_id, id) WHERE state='visible';"
    "CREATE INDEX comments_participant ON comments(participant);"
    /* visible comments per idea, kept by triggers: an idea page reads one
     * row instead of counting 10,000 index entries */
    "CREATE TABLE comment_counts(idea_id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
    "CREATE TRIGGER comments_count_add AFTER INSERT ON comments WHEN NEW.state='visible' BEGIN"
    " INSERT INTO comment_counts VALUES(NEW.idea_id,1)"
    "  ON CONFLICT(idea_id) DO UPDATE SET n=n+1; END;"
    "CREATE TRIGGER comments_count_state AFTER UPDATE OF state ON comments"
    " WHEN OLD.state IS NOT NEW.state AND (OLD.state='visible' OR NEW.state='visible') BEGIN"
    " INSERT INTO comment_counts VALUES(NEW.idea_id, CASE WHEN NEW.state='visible' THEN 1 ELSE 0 END)"
    "  ON CONFLICT(idea_id) DO UPDATE SET"
    "  n=n+CASE WHEN NEW.state='visible' THEN 1 ELSE -1 END; END;"
    "CREATE TABLE comment_reports("
    " comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,"
    " participant TEXT NOT NULL,"
    " PRIMARY KEY (comment_id, participant)) WITHOUT ROWID;"

    "CREATE TABLE polls("
    " id INTEGER PRIMARY KEY,"
    " campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    " question TEXT NOT NULL,"
    " options_json TEXT NOT NULL,"
    " multi INTEGER NOT NULL DEFAULT 0,"
    " hide_results INTEGER NOT NULL DEFAULT 0,"
    " opens_at TEXT, closes_at TEXT,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')));"
    "CREATE INDEX polls_campaign ON polls(campaign_id, id);"
    "CREATE TABLE poll_votes("
    " poll_id INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,"
    " participant TEXT NOT NULL,"
    " channel TEXT NOT NULL DEFAULT 'web',"
    " region TEXT,"
    " options_json TEXT NOT NULL,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')),"
    " PRIMARY KEY (poll_id, participant)) WITHOUT ROWID;"
    "CREATE INDEX poll_votes_participant ON poll_votes(participant);"

    /* the status timeline of an idea (baru -> ditelaah -> diterima ->
     * diadopsi, or ditolak with its reason) and official responses */
    "CREATE TABLE idea_events("
    " id INTEGER PRIMARY KEY,"
    " idea_id INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,"
    " status TEXT, note TEXT, response TEXT, by_user INTEGER,"
    " at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')));"
    "CREATE INDEX idea_events_idea ON idea_events(idea_id, id);";
