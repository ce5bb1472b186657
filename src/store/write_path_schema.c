/*
 * write_path_schema.c — migration 19 (store layer, issue 2): two indexes of
 * submissions cover only the rows they are searched for. Every index costs
 * the writer ~15,000 instructions per post (callgrind, bench/insight_write.c);
 * most posts have no idea yet (idea_id is set when a reviewer accepts or
 * merges), and web posts have no native id. Lookups by idea_id=? and by
 * (channel, native_id=?) imply NOT NULL, so SQLite still uses them.
 */

const char gg_store__m19_partial_indexes[] =
    "DROP INDEX submissions_idea;"
    "CREATE INDEX submissions_idea ON submissions(idea_id) WHERE idea_id IS NOT NULL;"
    "DROP INDEX submissions_native;"
    "CREATE INDEX submissions_native ON submissions(channel, native_id)"
    " WHERE native_id IS NOT NULL;";
