/*
 * quiz_schema.c — migration 8: quizzes about a campaign's issues (store
 * layer, issue 5). A quiz has ordered questions, each with its options, the
 * index of the right one and an explanation. An attempt is one per
 * participant pseudonym per quiz; its per-question answers are kept as rows
 * so the statistics are one GROUP BY. The share token names a result page
 * without naming the participant. Also: the index the console's list of
 * held and reported comments walks.
 */
const char gg_store__m8_quiz[] =
    "CREATE TABLE quizzes("
    " id INTEGER PRIMARY KEY,"
    " campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    " title TEXT NOT NULL, intro TEXT NOT NULL DEFAULT '',"
    " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('draft','open','closed')),"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')),"
    " updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')));"
    "CREATE INDEX quizzes_campaign ON quizzes(campaign_id, id);"
    "CREATE TABLE quiz_questions("
    " id INTEGER PRIMARY KEY,"
    " quiz_id INTEGER NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,"
    " pos INTEGER NOT NULL,"
    " question TEXT NOT NULL,"
    " options_json TEXT NOT NULL,"
    " correct INTEGER NOT NULL,"
    " explanation TEXT NOT NULL DEFAULT '',"
    " UNIQUE (quiz_id, pos));"
    "CREATE TABLE quiz_attempts("
    " id INTEGER PRIMARY KEY,"
    " quiz_id INTEGER NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,"
    " participant TEXT NOT NULL,"
    " share TEXT NOT NULL UNIQUE,"
    " score INTEGER NOT NULL, total INTEGER NOT NULL,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')),"
    " UNIQUE (quiz_id, participant));"
    "CREATE INDEX quiz_attempts_participant ON quiz_attempts(participant);"
    /* option -1: left unanswered */
    "CREATE TABLE quiz_answers("
    " attempt_id INTEGER NOT NULL REFERENCES quiz_attempts(id) ON DELETE CASCADE,"
    " question_id INTEGER NOT NULL REFERENCES quiz_questions(id) ON DELETE CASCADE,"
    " option INTEGER NOT NULL, right INTEGER NOT NULL,"
    " PRIMARY KEY (attempt_id, question_id)) WITHOUT ROWID;"
    "CREATE INDEX quiz_answers_question ON quiz_answers(question_id);"
    /* a question sent out as a channel quiz poll (one outbox row each):
     * the poll_answers of that poll count into the quiz's statistics */
    "CREATE TABLE quiz_polls("
    " outbox_id INTEGER PRIMARY KEY REFERENCES outbox(id),"
    " quiz_id INTEGER NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,"
    " question_id INTEGER NOT NULL REFERENCES quiz_questions(id) ON DELETE CASCADE);"
    "CREATE INDEX quiz_polls_quiz ON quiz_polls(quiz_id);"
    /* the console's moderation list: held by the filter, or reported */
    "CREATE INDEX comments_review ON comments(id) WHERE state='held' OR"
    " (state='visible' AND reports>0);";
