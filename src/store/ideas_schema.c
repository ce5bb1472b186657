/*
 * ideas_schema.c — migration 14 (store layer, issue 5): the campaign page's
 * "newest ideas" list read in id order from an index. ideas_campaign is in
 * supporters order, so the newest ten of a campaign sorted every idea it has
 * (~6.5 ms at 10,000 ideas on each cache miss of the page); with this index
 * it reads ten rows.
 */

const char gg_store__m14_ideas_newest[] =
    "CREATE INDEX ideas_campaign_newest ON ideas(campaign_id, id DESC);";
