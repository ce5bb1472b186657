/*
 * insight_schema.c — migration 4: insight aggregates (store layer, issue 6).
 * Applied once, in its own transaction, after migration 3. Until it is
 * shipped it may still be rewritten; after that, add a new migration.
 *
 * Two tables, kept in step with submissions by triggers so that dashboards
 * never scan submissions:
 *  - insight_facts: one narrow row per submission with what the filter's
 *    labels_json says, extracted once (day, channel, state, lang, kind,
 *    sentiment, topics, main region, dapil, coordinated group, cluster root,
 *    review time). It serves cross-filtered queries and exports.
 *  - insight_agg: per (dimension, campaign, selector, day, key, organic or
 *    coordinated) the counts by state and sentiment and the review times
 *    (selector: '' for plain dimensions, a topic for "t:" dimensions, a
 *    province code for "p:" dimensions); a facts row
 *    adds itself on insert and subtracts itself on delete, and a change of
 *    a submission replaces its facts row, so agg == sum(facts) always.
 *  - insight_clusters: members per near-duplicate cluster root.
 * Invariant: every submission has exactly one facts row.
 */

/* The plain dimension rows (dim, key) of a facts row R. */
#define AGG_BASE(R)                                                                              \
    "(SELECT 'all' AS dim, '' AS key"                                                            \
    " UNION ALL SELECT 'channel'," R ".channel"                                                   \
    " UNION ALL SELECT 'kind'," R ".kind"                                                         \
    " UNION ALL SELECT 'lang'," R ".lang"                                                         \
    " UNION ALL SELECT 'province'," R ".province"                                                 \
    " UNION ALL SELECT 'regency'," R ".regency WHERE " R ".regency<>''"                           \
    " UNION ALL SELECT 'dapil'," R ".dapil WHERE " R ".dapil<>''"                                 \
    " UNION ALL SELECT 'reason'," R ".reason WHERE " R ".reason<>''"                              \
    " UNION ALL SELECT 'topic',value FROM json_each(" R ".topics_json)"                           \
    " UNION ALL SELECT 'topic','' WHERE " R ".topics_json='[]')"

/* The counts a facts row R ("new" or "old") contributes, times S (1 or -1),
 * to every aggregate row it belongs to: the plain dimensions (sel ''), and
 * the same dimensions within each of its topics ("t:" rows, sel = topic)
 * and within its province ("p:" rows, sel = province code), so the two
 * cross-filters analysts use most (a topic on the map, the topics of a
 * province) read aggregates too. */
#define AGG_UPSERT(R, S)                                                                         \
    "INSERT INTO insight_agg(dim,campaign_id,sel,day,key,coord,n,received,filtered,queued,"      \
    "accepted,merged,rejected,escalated,withdrawn,auto_rejected,auto_merged,pos,neu,neg,"        \
    "reviewed,review_secs)"                                                                      \
    " SELECT d.dim," R ".campaign_id,d.sel," R ".day,d.key," R ".coord>0," S "," S "*(" R        \
    ".state='received')," S "*(" R ".state='filtered')," S "*(" R ".state='queued')," S "*(" R   \
    ".state='accepted')," S "*(" R ".state='merged')," S "*(" R ".state='rejected')," S "*(" R   \
    ".state='escalated')," S "*(" R ".state='withdrawn')," S "*(" R ".auto AND " R               \
    ".state='rejected')," S "*(" R ".auto AND " R ".state='merged')," S "*(" R                   \
    ".sentiment='positive')," S "*(" R ".sentiment='neutral')," S "*(" R                         \
    ".sentiment='negative')," S "*(" R ".review_secs IS NOT NULL)," S "*coalesce(" R             \
    ".review_secs,0)"                                                                            \
    " FROM (SELECT b.dim AS dim, '' AS sel, b.key AS key FROM " AGG_BASE(R) " b"                  \
    " UNION ALL SELECT 't:'||b.dim, t.value, b.key FROM " AGG_BASE(R) " b, json_each(" R         \
    ".topics_json) t"                                                       \
    " UNION ALL SELECT 'p:'||b.dim, " R ".province, b.key FROM " AGG_BASE(R) " b WHERE " R       \
    ".province<>'') d WHERE true"                                          \
    " ON CONFLICT DO UPDATE SET n=n+excluded.n,received=received+excluded.received,"             \
    "filtered=filtered+excluded.filtered,queued=queued+excluded.queued,"                         \
    "accepted=accepted+excluded.accepted,merged=merged+excluded.merged,"                         \
    "rejected=rejected+excluded.rejected,escalated=escalated+excluded.escalated,"                \
    "withdrawn=withdrawn+excluded.withdrawn,auto_rejected=auto_rejected+excluded.auto_rejected," \
    "auto_merged=auto_merged+excluded.auto_merged,pos=pos+excluded.pos,neu=neu+excluded.neu,"    \
    "neg=neg+excluded.neg,reviewed=reviewed+excluded.reviewed,"                                  \
    "review_secs=review_secs+excluded.review_secs;"

/* A submission row N ("new") as its facts row. Labels that are not valid
 * JSON count as unlabelled rather than failing the submission's write.
 * The labels are parsed once by json_each (SQLite 3.40 has no parse cache:
 * every json_extract on the whole text would parse it again), and the
 * small topics and region arrays are read from what that pass returned.
 * The main region is the first mention that names a kab/kota, else the
 * first that names a province; codes lose their dots ("32.01" -> "3201"),
 * as in the maps. The day is the post's own time (created_at). */
#define FACTS_INSERT(N)                                                                          \
    "INSERT INTO insight_facts(submission_id,campaign_id,day,channel,state,auto,reason,lang,"    \
    "kind,sentiment,topics_json,province,regency,dapil,coord,root,review_secs)"                  \
    " SELECT " N ".id," N ".campaign_id,"                                                         \
    " coalesce(CAST(julianday(" N ".created_at)-2440587.5 AS INTEGER),"                          \
    "  CAST(julianday(" N ".received_at)-2440587.5 AS INTEGER),0),"                              \
    " " N ".channel," N ".state," N ".decided_by IS NULL AND " N ".state IN ('rejected','merged'),"  \
    " coalesce(" N ".reason,''), coalesce(y.lang,''), coalesce(y.kind,''), coalesce(y.sent,''),"  \
    " coalesce((SELECT json_group_array(t) FROM (SELECT DISTINCT CASE type"                      \
    "  WHEN 'object' THEN json_extract(value,'$.topic') WHEN 'text' THEN value END AS t"         \
    "  FROM json_each(coalesce(y.topics,'[]'))) WHERE t IS NOT NULL AND t<>''),'[]'),"          \
    " coalesce(substr(replace(json_extract(y.mv,'$.kabkota'),'.',''),1,2),"                      \
    "  replace(json_extract(y.mv,'$.province'),'.',''),''),"                                     \
    " coalesce(replace(json_extract(y.mv,'$.kabkota'),'.',''),''),"                              \
    " coalesce(json_extract(y.mv,'$.dapil'),''),"                                                \
    " coalesce(" N ".group_id,0),"                                                               \
    " CASE WHEN " N ".dup_of IS NULL THEN 0 ELSE coalesce((SELECT nullif(root,0)"                \
    "  FROM insight_facts WHERE submission_id=" N ".dup_of)," N ".dup_of) END,"                  \
    " CASE WHEN " N ".decided_by IS NOT NULL AND " N ".decided_at IS NOT NULL THEN"              \
    "  max(0,CAST((julianday(" N ".decided_at)-julianday(" N ".received_at))*86400 AS INTEGER))" \
    "  END"                                                                                      \
    " FROM (SELECT x.lang, x.kind, x.sent, x.topics,"                                            \
    "  (SELECT value FROM json_each(coalesce(x.region,'[]')) WHERE type='object'"                \
    "   AND (json_type(value,'$.kabkota')='text' OR json_type(value,'$.province')='text')"       \
    "   ORDER BY json_type(value,'$.kabkota') IS NULL, key LIMIT 1) AS mv"                       \
    " FROM (SELECT max(CASE WHEN key='lang' AND type='text' THEN value END) AS lang,"            \
    "  max(CASE WHEN key='kind' AND type='text' THEN value END) AS kind,"                        \
    "  max(CASE WHEN key='sentiment' THEN CASE type WHEN 'text' THEN value"                      \
    "   WHEN 'object' THEN json_extract(value,'$.label') END END) AS sent,"                      \
    "  max(CASE WHEN key='topics' AND type='array' THEN value END) AS topics,"                   \
    "  max(CASE WHEN key='region' AND type='array' THEN value END) AS region"                    \
    "  FROM json_each(CASE WHEN json_valid(" N ".labels_json) AND json_type(" N ".labels_json)"  \
    "  ='object' THEN " N ".labels_json ELSE '{}' END)) x) y;"

const char gg_store__m4_insight[] =
    /* clustered by (campaign, day): a filtered dashboard reads one range */
    "CREATE TABLE insight_facts("
    " submission_id INTEGER NOT NULL,"
    " campaign_id INTEGER NOT NULL,"
    " day INTEGER NOT NULL," /* days since 1970-01-01 (UTC) of created_at */
    " channel TEXT NOT NULL, state TEXT NOT NULL,"
    " auto INTEGER NOT NULL," /* 1: rejected or merged by the filter, no reviewer */
    " reason TEXT NOT NULL, lang TEXT NOT NULL, kind TEXT NOT NULL, sentiment TEXT NOT NULL,"
    " topics_json TEXT NOT NULL," /* ["pendidikan",…] */
    " province TEXT NOT NULL, regency TEXT NOT NULL, dapil TEXT NOT NULL,"
    " coord INTEGER NOT NULL," /* coordinated group id, 0: organic */
    " root INTEGER NOT NULL,"  /* near-duplicate cluster root submission, 0: none */
    " review_secs INTEGER,"    /* decided_at - received_at for reviewer decisions */
    " PRIMARY KEY (campaign_id, day, submission_id)) WITHOUT ROWID;"
    "CREATE UNIQUE INDEX insight_facts_sub ON insight_facts(submission_id);"

    "CREATE TABLE insight_agg("
    " dim TEXT NOT NULL, campaign_id INTEGER NOT NULL,"
    " sel TEXT NOT NULL," /* '' for plain dims; the topic or province of t:/p: dims */
    " day INTEGER NOT NULL, key TEXT NOT NULL,"
    " coord INTEGER NOT NULL,"
    " n INTEGER NOT NULL, received INTEGER NOT NULL, filtered INTEGER NOT NULL,"
    " queued INTEGER NOT NULL, accepted INTEGER NOT NULL, merged INTEGER NOT NULL,"
    " rejected INTEGER NOT NULL, escalated INTEGER NOT NULL, withdrawn INTEGER NOT NULL,"
    " auto_rejected INTEGER NOT NULL, auto_merged INTEGER NOT NULL,"
    " pos INTEGER NOT NULL, neu INTEGER NOT NULL, neg INTEGER NOT NULL,"
    " reviewed INTEGER NOT NULL, review_secs INTEGER NOT NULL,"
    " PRIMARY KEY (dim, campaign_id, sel, day, key, coord)) WITHOUT ROWID;"

    "CREATE TABLE insight_clusters("
    " campaign_id INTEGER NOT NULL, root INTEGER NOT NULL, n INTEGER NOT NULL,"
    " PRIMARY KEY (campaign_id, root)) WITHOUT ROWID;"
    "CREATE INDEX insight_clusters_n ON insight_clusters(campaign_id, n DESC);"
    "CREATE INDEX insight_clusters_all ON insight_clusters(n DESC);" /* across campaigns */

    "CREATE TRIGGER insight_facts_add AFTER INSERT ON insight_facts BEGIN " AGG_UPSERT(
        "new", "1") " INSERT INTO insight_clusters SELECT new.campaign_id, new.root, 1"
                    " WHERE new.root>0 ON CONFLICT DO UPDATE SET n=n+1; END;"
    "CREATE TRIGGER insight_facts_sub AFTER DELETE ON insight_facts BEGIN " AGG_UPSERT(
        "old", "-1") " UPDATE insight_clusters SET n=n-1 WHERE old.root>0 AND"
                     " campaign_id=old.campaign_id AND root=old.root; END;"

    "CREATE TRIGGER insight_sub_ins AFTER INSERT ON submissions BEGIN " FACTS_INSERT(
        "new") " END;"
    "CREATE TRIGGER insight_sub_upd AFTER UPDATE OF state, reason, labels_json, group_id, dup_of,"
    " decided_at, decided_by, created_at, campaign_id, channel ON submissions BEGIN"
    " DELETE FROM insight_facts WHERE submission_id=old.id; " FACTS_INSERT("new") " END;"
    "CREATE TRIGGER insight_sub_del AFTER DELETE ON submissions BEGIN"
    " DELETE FROM insight_facts WHERE submission_id=old.id; END;"

    /* submissions stored before this migration */
    "INSERT INTO insight_facts(submission_id,campaign_id,day,channel,state,auto,reason,lang,kind,"
    "sentiment,topics_json,province,regency,dapil,coord,root,review_secs)"
    " SELECT id,campaign_id,coalesce(CAST(julianday(created_at)-2440587.5 AS INTEGER),0),"
    " channel,state,decided_by IS NULL AND state IN ('rejected','merged'),coalesce(reason,''),"
    " '','','','[]','','','',coalesce(group_id,0),coalesce(dup_of,0),NULL FROM submissions;";

/* Migration 15: the writer builds a new submission's facts row in C and
 * inserts it before the submission (store/insight_facts.c). An insert that
 * comes without one (SQL from outside gagas: the sqlite3 shell, data
 * generators, tests; or labels the C side leaves to SQL) touches its own
 * labels_json, and insight_sub_upd builds the row with the SQL above, so
 * both paths give the same row. The trigger's program is kept small on
 * purpose: SQLite allocates and zeroes a trigger's registers every time it
 * fires, WHEN clause or not, and FACTS_INSERT's frame alone cost the writer
 * ~20,000 instructions per post. */
const char gg_store__m15_insight_facts_c[] =
    "DROP TRIGGER insight_sub_ins;"
    "CREATE TRIGGER insight_sub_ins AFTER INSERT ON submissions WHEN NOT EXISTS"
    " (SELECT 1 FROM insight_facts WHERE submission_id=new.id) BEGIN"
    " UPDATE submissions SET labels_json=labels_json WHERE id=new.id; END;";

/* A change of group_id and nothing else a facts row holds: the coordinated
 * group filter (store/submissions.c, run_group) sets it with the labels'
 * "coordinated" mark, for every member as it joins. Exactly that, and no
 * other labels change, is what this tells apart. */
#define GROUP_ONLY                                                                               \
    "old.group_id IS NOT new.group_id AND old.state IS new.state AND old.reason IS new.reason"   \
    " AND old.dup_of IS new.dup_of AND old.decided_at IS new.decided_at"                          \
    " AND old.decided_by IS new.decided_by AND old.created_at IS new.created_at"                  \
    " AND old.campaign_id IS new.campaign_id AND old.channel IS new.channel"                      \
    " AND (old.labels_json IS new.labels_json OR CASE WHEN json_valid(old.labels_json) THEN"      \
    " json_set(old.labels_json,'$.coordinated',new.group_id) IS new.labels_json ELSE 0 END)"

/* Migration 18: a member joining a coordinated group rebuilt its whole
 * facts row from the labels (insight_sub_upd parses them again), ~250,000
 * instructions on the writer per member in a buzzer burst. Such a change
 * now only moves the facts row's coord, in place; a facts row changed in
 * place hands its old values (-1) and its new ones (+1) to the fold, as a
 * delete and an insert do. */
const char gg_store__m18_insight_group[] =
    "CREATE TRIGGER insight_facts_chg AFTER UPDATE ON insight_facts BEGIN"
    " INSERT INTO insight_pending VALUES(NULL,-1,old.campaign_id,old.day,old.channel,old.state,"
    "old.auto,old.reason,old.lang,old.kind,old.sentiment,old.topics_json,old.province,"
    "old.regency,old.dapil,old.coord,old.review_secs);"
    " INSERT INTO insight_pending VALUES(NULL,1,new.campaign_id,new.day,new.channel,new.state,"
    "new.auto,new.reason,new.lang,new.kind,new.sentiment,new.topics_json,new.province,"
    "new.regency,new.dapil,new.coord,new.review_secs);"
    " UPDATE insight_clusters SET n=n-1 WHERE old.root>0 AND old.root IS NOT new.root"
    "  AND campaign_id=old.campaign_id AND root=old.root;"
    " INSERT INTO insight_clusters SELECT new.campaign_id, new.root, 1"
    "  WHERE new.root>0 AND old.root IS NOT new.root ON CONFLICT DO UPDATE SET n=n+1; END;"
    "DROP TRIGGER insight_sub_upd;"
    "CREATE TRIGGER insight_sub_upd AFTER UPDATE OF state, reason, labels_json, group_id, dup_of,"
    " decided_at, decided_by, created_at, campaign_id, channel ON submissions"
    " WHEN NOT (" GROUP_ONLY ") BEGIN"
    " DELETE FROM insight_facts WHERE submission_id=old.id; " FACTS_INSERT("new") " END;"
    "CREATE TRIGGER insight_sub_grp AFTER UPDATE OF group_id ON submissions"
    " WHEN " GROUP_ONLY " BEGIN"
    " UPDATE insight_facts SET coord=coalesce(new.group_id,0) WHERE submission_id=new.id; END;";
