/*
 * learn_schema.c — migration 10: reviewers' relabels (store layer, issue 4).
 * A reviewer may correct the topics and the kind the filter gave an item,
 * either on its own (action "relabel") or together with a decision. Each
 * correction is one row here, tied to the review_actions row that carried
 * it, with the labels before and after: undoing that action puts the
 * before-labels back, and `gagas train --from-reviews` reads the newest
 * correction per item whose action still stands as the training label for
 * the topic and kind heads. submissions.labels_json is updated in the same
 * transaction, so the queue's filters, the evidence and insight see the
 * reviewer's labels. Applied once, after migrations 1-9; once shipped, never
 * edited: add a new migration instead.
 */
const char gg_store__m10_learn[] =
    "CREATE TABLE review_relabels("
    " id INTEGER PRIMARY KEY,"
    " submission_id INTEGER NOT NULL REFERENCES submissions(id),"
    " action_id INTEGER NOT NULL REFERENCES review_actions(id),"
    " user_id INTEGER REFERENCES staff_users(id),"
    " topics_before TEXT, topics_after TEXT," /* labels_json's topics arrays; after NULL: unchanged */
    " kind_before TEXT, kind_after TEXT,"     /* kind names; NULL after: unchanged */
    " at INTEGER NOT NULL);"                  /* unix milliseconds */
    "CREATE INDEX review_relabels_sub ON review_relabels(submission_id, id);"
    "CREATE INDEX review_relabels_action ON review_relabels(action_id);";
