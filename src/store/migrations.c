/*
 * migrations.c — the versioned schema of the SQLite backend (store layer).
 * Migration N is applied once, in its own transaction, when the database's
 * version is below N; never edit a shipped migration, add the next one.
 * Times are ISO-8601 UTC text; JSON columns end in _json.
 */
/* Migrations 2.. live beside the code that owns their tables; each file
 * defines one string. Their numbers are fixed here, in order. */
extern const char gg_store__m2_review[], gg_store__m3_engage[], gg_store__m4_insight[],
    gg_store__m5_channels[], gg_store__m6_filter[], gg_store__m7_speed[], gg_store__m8_quiz[],
    gg_store__m9_participant[], gg_store__m10_learn[], gg_store__m11_stream[],
    gg_store__m12_insight_week[], gg_store__m13_insight_facts_idx[], gg_store__m14_ideas_newest[],
    gg_store__m15_insight_facts_c[], gg_store__m16_review_fts_batch[],
    gg_store__m17_insight_pairs[], gg_store__m18_insight_group[],
    gg_store__m19_partial_indexes[];

const char *const gg_store__migrations[] = {
    /* 1: campaigns, submissions, ideas, staff, sessions, append-only audit */
    "CREATE TABLE campaigns("
    " id INTEGER PRIMARY KEY,"
    " slug TEXT NOT NULL UNIQUE,"
    " title TEXT NOT NULL, question TEXT NOT NULL, brief TEXT NOT NULL DEFAULT '',"
    " title_en TEXT, question_en TEXT, brief_en TEXT,"
    " topics_json TEXT NOT NULL DEFAULT '[]', hashtags_json TEXT NOT NULL DEFAULT '[]',"
    " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('draft','open','closed')),"
    " opens_at TEXT, closes_at TEXT,"
    " policy_json TEXT NOT NULL DEFAULT '{}',"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')));"

    "CREATE TABLE staff_users("
    " id INTEGER PRIMARY KEY,"
    " email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    " role TEXT NOT NULL CHECK (role IN ('admin','reviewer','analyst')),"
    " pw_hash TEXT NOT NULL,"
    " disabled INTEGER NOT NULL DEFAULT 0,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')));"

    "CREATE TABLE staff_sessions("
    " id INTEGER PRIMARY KEY,"
    " token_hash TEXT NOT NULL UNIQUE,"
    " user_id INTEGER NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,"
    " csrf TEXT NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " ip TEXT, user_agent TEXT,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')));"
    "CREATE INDEX staff_sessions_user ON staff_sessions(user_id);"

    "CREATE TABLE ideas("
    " id INTEGER PRIMARY KEY,"
    " campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    " title TEXT NOT NULL, text TEXT NOT NULL,"
    " topics_json TEXT NOT NULL DEFAULT '[]', regions_json TEXT NOT NULL DEFAULT '[]',"
    " status TEXT NOT NULL DEFAULT 'diterima'"
    "  CHECK (status IN ('baru','ditelaah','diterima','diadopsi','ditolak')),"
    " supporters INTEGER NOT NULL DEFAULT 0,"
    " official_response TEXT,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')),"
    " updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')));"
    "CREATE INDEX ideas_campaign ON ideas(campaign_id, supporters DESC, id DESC);"

    /* state: received -> filtered -> queued -> accepted | merged | rejected */
    "CREATE TABLE submissions("
    " id INTEGER PRIMARY KEY,"
    " campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    " channel TEXT NOT NULL,"
    " native_id TEXT,"
    " author_key TEXT, author_handle TEXT,"
    " text TEXT NOT NULL, display TEXT NOT NULL, norm TEXT NOT NULL,"
    " entities_json TEXT NOT NULL DEFAULT '{}',"
    " labels_json TEXT NOT NULL DEFAULT '{}',"
    " priority REAL NOT NULL DEFAULT 0,"
    " state TEXT NOT NULL CHECK (state IN"
    "  ('received','filtered','queued','accepted','merged','rejected','escalated','withdrawn')),"
    " reason TEXT, note TEXT,"
    " idea_id INTEGER REFERENCES ideas(id),"
    " dup_of INTEGER REFERENCES submissions(id),"
    " group_id INTEGER,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
    " received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
    " decided_at TEXT,"
    " decided_by INTEGER REFERENCES staff_users(id),"
    " UNIQUE (campaign_id, channel, native_id));"
    "CREATE INDEX submissions_queue ON submissions(campaign_id, state, id);"
    "CREATE INDEX submissions_priority ON submissions(campaign_id, state, priority DESC, id);"
    "CREATE INDEX submissions_idea ON submissions(idea_id);"

    /* counts by (campaign, state), kept in step by triggers so that
     * /metrics and dashboards never scan the submissions table */
    "CREATE TABLE state_counts("
    " campaign_id INTEGER NOT NULL, state TEXT NOT NULL, n INTEGER NOT NULL,"
    " PRIMARY KEY (campaign_id, state)) WITHOUT ROWID;"
    "CREATE TRIGGER submissions_count_ins AFTER INSERT ON submissions BEGIN"
    " INSERT INTO state_counts VALUES (new.campaign_id, new.state, 1)"
    "  ON CONFLICT DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER submissions_count_upd AFTER UPDATE OF state ON submissions"
    " WHEN old.state <> new.state BEGIN"
    " UPDATE state_counts SET n = n - 1 WHERE campaign_id = old.campaign_id AND state = old.state;"
    " INSERT INTO state_counts VALUES (new.campaign_id, new.state, 1)"
    "  ON CONFLICT DO UPDATE SET n = n + 1; END;"

    /* append-only: the triggers refuse any change to a written row */
    "CREATE TABLE audit("
    " id INTEGER PRIMARY KEY,"
    " at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
    " actor_id INTEGER REFERENCES staff_users(id),"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " object_type TEXT NOT NULL, object_id INTEGER NOT NULL,"
    " before_json TEXT, after_json TEXT,"
    " reason TEXT);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;",
    gg_store__m2_review,   /* store/review_schema.c: review workspace (issue 4) */
    gg_store__m3_engage,   /* store/engage_schema.c: threads, supports, polls, quizzes (issue 5) */
    gg_store__m4_insight,  /* store/insight_schema.c: aggregates (issue 6) */
    gg_store__m5_channels, /* store/channels_schema.c: inbox, outbox, watermarks (issue 7) */
    gg_store__m6_filter,   /* store/filter_schema.c: labels, dedup, groups (issue 3) */
    gg_store__m7_speed, /* store/speed_schema.c: batched aggregate and search-index upkeep (issues
                           2, 6) */
    gg_store__m8_quiz,  /* store/quiz_schema.c: quizzes (issue 5) */
    gg_store__m9_participant, /* store/participant_schema.c: participants: consent, my ideas (issue
                                 5) */
    gg_store__m10_learn,      /* store/learn_schema.c: review relabels, model versions (issue 4) */
    gg_store__m11_stream, /* store/stream_schema.c: channel streams, reach and engagement (issue 7)
                           */
    gg_store__m12_insight_week, /* store/insight_week_schema.c: week sums of the aggregates (issue 6) */
    gg_store__m13_insight_facts_idx, /* store/insight_week_schema.c: facts by channel, kind (issue 6) */
    gg_store__m14_ideas_newest, /* store/ideas_schema.c: a campaign's ideas newest first (issue 5) */
    gg_store__m15_insight_facts_c, /* store/insight_schema.c: facts rows built in C (issues 2, 6) */
    gg_store__m16_review_fts_batch, /* store/review_schema.c: search index per batch (issue 2) */
    gg_store__m17_insight_pairs, /* store/insight_pair_schema.c: aggregates for two filters (issue 6) */
    gg_store__m18_insight_group, /* store/insight_schema.c: a group's new member moves coord only (issues 6, 7) */
    gg_store__m19_partial_indexes, /* store/write_path_schema.c: idea and native-id indexes partial (issue 2) */
};
const int gg_store__nmigrations = sizeof(gg_store__migrations) / sizeof(gg_store__migrations[0]);
