// End-to-end: the analyst's side (issue 6). Submissions come in through the
// API, then get filter labels, states, times and groups written into the test
// database with the sqlite3 tool (as the filter and reviewers would), and
// some are decided, regrouped and relabelled again afterwards;
// the dashboard summary must match counts this test computes itself from the
// submissions table (not from the aggregate tables the server reads), with
// and without filters. Also: exports (roles, CSV shape, pseudonymization),
// the pages, and bad parameters.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CookieJar, Server, USERS, assertError, show } from '../lib/server.mjs';
import { day, seedInsight, sql } from '../lib/insight-seed.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let srv;
let analyst;
let reviewer;
let campaignId;


// The documented reading of labels_json, written again here from the spec
// (docs/insight.md), not taken from the server.
function readLabels(json) {
  let l;
  try {
    l = JSON.parse(json);
  } catch {
    l = {};
  }
  if (!l || typeof l !== 'object') l = {};
  const topics = [...new Set((Array.isArray(l.topics) ? l.topics : []).map((t) => (typeof t === 'string' ? t : t?.topic)).filter((t) => t))];
  const regs = (Array.isArray(l.region) ? l.region : []).filter((e) => e && typeof e === 'object');
  const main = regs.find((e) => typeof e.kabkota === 'string') || regs.find((e) => typeof e.province === 'string');
  const regency = main?.kabkota ? main.kabkota.replace(/\./g, '') : '';
  const province = regency ? regency.slice(0, 2) : main?.province ? main.province.replace(/\./g, '') : '';
  return {
    lang: typeof l.lang === 'string' ? l.lang : '',
    kind: typeof l.kind === 'string' ? l.kind : '',
    topics,
    regency,
    province,
    dapil: main?.dapil || '',
  };
}

function expected(rows, f = {}) {
  const e = { total: 0, organic: 0, coordinated: 0, by_state: {}, by_channel: {}, by_topic: {}, by_kind: {}, by_region: {}, by_dapil: {}, auto_rejected: 0 };
  const inc = (o, k) => {
    if (k !== '') o[k] = (o[k] || 0) + 1;
  };
  for (const s of rows) {
    const d = s.created_at.slice(0, 10);
    if (f.from && d < f.from) continue;
    if (f.to && d > f.to) continue;
    const l = readLabels(s.labels_json);
    if (f.topic && !l.topics.includes(f.topic)) continue;
    if (f.region && l.province !== f.region && l.regency !== f.region) continue;
    if (f.kind && l.kind !== f.kind) continue;
    if (f.lang && l.lang !== f.lang) continue;
    if (f.dapil && l.dapil !== f.dapil) continue;
    if (f.channel && s.channel !== f.channel) continue;
    if (f.coord === 'organic' && s.group_id) continue;
    if (f.coord === 'coordinated' && !s.group_id) continue;
    e.total++;
    if (s.group_id) e.coordinated++;
    else e.organic++;
    inc(e.by_state, s.state);
    inc(e.by_channel, s.channel);
    for (const t of l.topics) inc(e.by_topic, t);
    inc(e.by_kind, l.kind);
    inc(e.by_region, l.province);
    inc(e.by_region, l.regency);
    inc(e.by_dapil, l.dapil);
    if (s.state === 'rejected' && s.decided_by === null) e.auto_rejected++;
  }
  return e;
}

function dbRows() {
  return sql(srv.db, `SELECT id, channel, state, labels_json, created_at, group_id, decided_by FROM submissions WHERE campaign_id=${campaignId}`);
}

function assertSummary(got, exp, what) {
  assert.equal(got.total, exp.total, `${what}: total`);
  assert.equal(got.organic, exp.organic, `${what}: organic`);
  assert.equal(got.coordinated, exp.coordinated, `${what}: coordinated`);
  for (const k of ['by_state', 'by_channel', 'by_topic', 'by_kind', 'by_region', 'by_dapil'])
    assert.deepEqual(got[k], exp[k], `${what}: ${k}`);
  assert.equal(got.funnel.auto_rejected.n, exp.auto_rejected, `${what}: auto-rejected`);
  assert.equal(got.funnel.received, exp.total, `${what}: funnel received`);
}

before(async () => {
  srv = await Server.start({ name: 'insight' });
  analyst = await srv.login(USERS.analyst);
  reviewer = await srv.login(USERS.reviewer);
  ({ campaignId } = await seedInsight(srv, { adminEmail: USERS.admin.email }));
});

after(async () => {
  if (srv) await srv.stop();
});

describe('insight summary', () => {
  test('counts by state, topic, kind, channel and region match the database', async () => {
    const res = await srv.get(`/api/v1/insight/summary?campaign=demo&from=${day(70)}&to=${day(0)}`, { jar: analyst.jar });
    assert.equal(res.status, 200, show(res));
    const exp = expected(dbRows(), { from: day(70), to: day(0) });
    assert.ok(exp.total > 300, `seeded rows: ${exp.total}`);
    assertSummary(res.json, exp, 'whole campaign');
    // voices: organic + one per coordinated group
    const groups = sql(srv.db, `SELECT count(*) AS n FROM coord_groups WHERE campaign_id=${campaignId} AND members>0`)[0].n;
    assert.equal(res.json.voices, exp.organic + groups);
    assert.equal(res.json.query.campaign, 'demo');
    // the most supported ideas, as the database orders them
    const top = sql(srv.db, `SELECT id, supporters FROM ideas WHERE campaign_id=${campaignId} AND status<>'ditolak' ORDER BY supporters DESC, id DESC LIMIT 10`);
    assert.ok(top.length > 0, 'the demo has ideas');
    assert.deepEqual(res.json.top_ideas.map((i) => [i.id, i.supporters]), top.map((i) => [i.id, i.supporters]));
  });

  test('a shorter period counts only its days', async () => {
    const f = { from: day(20), to: day(5) };
    const res = await srv.get(`/api/v1/insight/summary?campaign=demo&from=${f.from}&to=${f.to}`, { jar: analyst.jar });
    assert.equal(res.status, 200, show(res));
    const exp = expected(dbRows(), f);
    assertSummary(res.json, exp, 'period');
    assert.equal(res.json.series.days.length, 16);
    assert.equal(res.json.series.total.reduce((a, b) => a + b, 0), exp.total, 'series adds up to the total');
  });

  test('every filter: topic, kind, channel, language, region, dapil, organic/coordinated, and two together', async () => {
    const f = { from: day(70), to: day(0) };
    for (const extra of [
      { topic: 'pendidikan' },
      { kind: 'keluhan' },
      { channel: 'x' },
      { lang: 'jav' },
      { region: '32' },
      { region: '3201' },
      { dapil: '3205' },
      { coord: 'organic' },
      { coord: 'coordinated' },
      { topic: 'kesehatan', region: '32' },
      { kind: 'keluhan', channel: 'web' },
      { kind: 'gagasan', lang: 'ind' },
      { channel: 'telegram', topic: 'ekonomi', coord: 'organic' },
    ]) {
      const qs = new URLSearchParams({ campaign: 'demo', ...f, ...extra }).toString();
      const res = await srv.get(`/api/v1/insight/summary?${qs}`, { jar: analyst.jar });
      assert.equal(res.status, 200, show(res));
      assertSummary(res.json, expected(dbRows(), { ...f, ...extra }), JSON.stringify(extra));
    }
  });

  test('across campaigns, clusters, ideas and groups', async () => {
    const res = await srv.get(`/api/v1/insight/summary?from=${day(70)}&to=${day(0)}`, { jar: reviewer.jar });
    assert.equal(res.status, 200, show(res));
    const all = sql(srv.db, `SELECT count(*) AS n FROM submissions WHERE substr(created_at,1,10) BETWEEN '${day(70)}' AND '${day(0)}'`)[0].n;
    assert.equal(res.json.total, all);
    assert.ok(Array.isArray(res.json.clusters) && Array.isArray(res.json.top_ideas) && Array.isArray(res.json.rising));
    const g = res.json.groups.find((x) => x.members === 12);
    assert.ok(g, `the seeded coordinated group is listed: ${JSON.stringify(res.json.groups)}`);
    assert.equal(g.evidence.authors, 12);
    // the largest cluster's size is its members plus its root, from the database
    const roots = {};
    const parent = Object.fromEntries(sql(srv.db, 'SELECT id, dup_of FROM submissions').map((x) => [x.id, x.dup_of]));
    const rootOf = (id) => (parent[id] ? rootOf(parent[id]) : id);
    for (const [id, d] of Object.entries(parent)) if (d) roots[rootOf(Number(id))] = (roots[rootOf(Number(id))] || 0) + 1;
    const best = Math.max(0, ...Object.values(roots));
    assert.ok(best > 0, 'the seed has near-duplicates');
    assert.equal(res.json.clusters[0].size, best + 1);
    // each cluster is shown by its root's (redacted) text
    for (const c of res.json.clusters) {
      assert.equal(c.size, roots[c.id] + 1, `cluster ${c.id} size`);
      assert.equal(c.text, sql(srv.db, `SELECT display FROM submissions WHERE id=${c.id}`)[0].display);
    }
  });

  test('rising this week against the four before (burst detection), by topic and province', async () => {
    // a burst: 25 posts become this week's talk of "lingkungan" in Papua (94)
    sql(srv.db, `UPDATE submissions SET created_at='${day(1)}T10:00:00Z', labels_json=json_set(labels_json, '$.topics', json_array(json_object('topic','lingkungan','score',0.9)), '$.region', json_array(json_object('level','provinsi','province','94','code','94')))
      WHERE id IN (SELECT id FROM submissions WHERE campaign_id=${campaignId} ORDER BY id LIMIT 25 OFFSET 100)`);
    const res = await srv.get(`/api/v1/insight/summary?campaign=demo&from=${day(70)}&to=${day(0)}`, { jar: analyst.jar });
    assert.equal(res.status, 200, show(res));
    // the documented rule, computed here from the submissions table
    const week = {};
    const prev = {};
    for (const r of dbRows()) {
      const d = r.created_at.slice(0, 10);
      const l = readLabels(r.labels_json);
      const keys = [...l.topics.map((t) => `topic:${t}`), ...(l.province ? [`province:${l.province}`] : [])];
      const into = d >= day(6) && d <= day(0) ? week : d >= day(34) && d <= day(7) ? prev : null;
      if (into) for (const k of keys) into[k] = (into[k] || 0) + 1;
    }
    const want = Object.keys(week)
      .map((k) => {
        const mean = (prev[k] || 0) / 4;
        return { k, week: week[k], z: (week[k] - mean) / Math.sqrt(mean + 1) };
      })
      .filter((x) => x.week >= 3 && x.z >= 2)
      .sort((a, b) => b.z - a.z || (a.k.split(':')[1] < b.k.split(':')[1] ? -1 : 1))
      .slice(0, 10);
    assert.ok(want.some((x) => x.k === 'topic:lingkungan') && want.some((x) => x.k === 'province:94'), JSON.stringify(want));
    assert.deepEqual(
      res.json.rising.map((r) => [`${r.dim}:${r.key}`, r.week, r.z]),
      want.map((x) => [x.k, x.week, Math.round(x.z * 100) / 100]),
    );
  });

  test('bad parameters are refused, unknown campaign is 404, sign-in required', async () => {
    assertError(await srv.get('/api/v1/insight/summary?from=2026-13-01', { jar: analyst.jar }), 400, 'bad date');
    assertError(await srv.get('/api/v1/insight/summary?from=2026-02-01&to=2026-01-01', { jar: analyst.jar }), 400, 'reversed');
    assertError(await srv.get('/api/v1/insight/summary?region=32%27', { jar: analyst.jar }), 400, 'bad region');
    assertError(await srv.get('/api/v1/insight/summary?coord=maybe', { jar: analyst.jar }), 400, 'bad coord');
    assertError(await srv.get('/api/v1/insight/summary?campaign=tidak-ada', { jar: analyst.jar }), 404, 'no campaign');
    assertError(await srv.get('/api/v1/insight/summary'), 401, 'anonymous');
  });
});

describe('exports', () => {
  test('ideas.csv for analysts: one line per idea, header first', async () => {
    const res = await srv.get('/api/v1/export/ideas.csv?campaign=demo', { jar: analyst.jar });
    assert.equal(res.status, 200, show(res));
    assert.match(res.headers['content-type'], /text\/csv/);
    const n = sql(srv.db, `SELECT count(*) AS n FROM ideas WHERE campaign_id=${campaignId}`)[0].n;
    const lines = res.text.split('\r\n').filter((l) => l !== '');
    assert.ok(n > 0, 'the demo has ideas');
    assert.equal(lines.length, n + 1, res.text.slice(0, 400));
    assert.match(lines[0], /^id,campaign,title,/);
  });

  test('submissions.json is pseudonymized and paged', async () => {
    const res = await srv.get('/api/v1/export/submissions.json?campaign=demo&limit=50', { jar: analyst.jar });
    assert.equal(res.status, 200, show(res));
    assert.equal(res.json.items.length, 50);
    for (const it of res.json.items) {
      assert.equal(it.author_handle, undefined);
      assert.equal(it.native_id, undefined);
      assert.ok('author' in it && 'text' in it && 'topics' in it);
    }
    assert.equal(res.json.next_after, res.json.items[49].id);
    const next = await srv.get(`/api/v1/export/submissions.json?campaign=demo&limit=50&after=${res.json.next_after}`, { jar: analyst.jar });
    assert.ok(next.json.items[0].id > res.json.items[49].id);
  });

  test('aggregates.csv carries the numbers behind the charts', async () => {
    const res = await srv.get(`/api/v1/export/aggregates.csv?campaign=demo&from=${day(70)}&to=${day(0)}`, { jar: analyst.jar });
    assert.equal(res.status, 200, show(res));
    const sum = await srv.get(`/api/v1/insight/summary?campaign=demo&from=${day(70)}&to=${day(0)}`, { jar: analyst.jar });
    const lines = res.text.split('\r\n');
    const cols = lines[0].split(',');
    const row = lines.map((l) => l.split(',')).find((c) => c[cols.indexOf('dim')] === 'topic' && c[cols.indexOf('key')] === 'pendidikan');
    assert.ok(row, 'a topic row');
    assert.equal(Number(row[cols.indexOf('n')]), sum.json.by_topic.pendidikan);
    // every chart's numbers, with the columns of every kind of row in the header
    const recs = lines.slice(1).filter((l) => l).map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
    const of = (dim) => recs.filter((r) => r.dim === dim);
    const exp = expected(dbRows(), { from: day(70), to: day(0) });
    // the time chart: per day and channel, adding up to the counts from the database
    const days = of('day');
    assert.equal(days.length, 71);
    for (const ch of Object.keys(exp.by_channel)) {
      assert.ok(cols.includes(`channel_${ch}`), `a column for ${ch}`);
      assert.equal(days.reduce((a, r) => a + Number(r[`channel_${ch}`]), 0), exp.by_channel[ch], `${ch} over the days`);
    }
    assert.equal(days.reduce((a, r) => a + Number(r.organic), 0), exp.organic);
    assert.equal(days.reduce((a, r) => a + Number(r.coordinated), 0), exp.coordinated);
    // the funnel and its reasons
    const funnel = Object.fromEntries(of('funnel').map((r) => [r.key, Number(r.n)]));
    assert.equal(funnel.received, exp.total);
    assert.equal(funnel.auto_rejected, exp.auto_rejected);
    assert.equal(funnel.queued, exp.by_state.queued || 0);
    const autoReasons = of('funnel_reason').filter((r) => r.key.startsWith('auto_rejected:'));
    assert.equal(autoReasons.reduce((a, r) => a + Number(r.n), 0), exp.auto_rejected);
    assert.equal(Number(of('review').find((r) => r.key === 'decided').n), sum.json.funnel.review.decided);
    // regions and bursts
    assert.deepEqual(Object.fromEntries(of('dapil').map((r) => [r.key, Number(r.n)])), exp.by_dapil);
    assert.deepEqual(of('rising').map((r) => [r.key, Number(r.n), Number(r.z)]), sum.json.rising.map((r) => [`${r.dim}:${r.key}`, r.week, r.z]));
    // the JSON export carries the same rows
    const js = await srv.get(`/api/v1/export/aggregates.json?campaign=demo&from=${day(70)}&to=${day(0)}`, { jar: analyst.jar });
    assert.equal(js.json.items.length, recs.length);
  });

  test('exports are for analysts and admins only', async () => {
    assertError(await srv.get('/api/v1/export/ideas.csv?campaign=demo', { jar: reviewer.jar }), 403, 'reviewer');
    assertError(await srv.get('/api/v1/export/ideas.csv?campaign=demo'), 401, 'anonymous');
    assertError(await srv.get('/api/v1/export/secrets.csv', { jar: analyst.jar }), 404, 'unknown export');
  });
});

describe('exports of votes, supports and polls', () => {
  // What this test does itself, so the exported counts can be checked
  // against its own tally (and against SQL on the database).
  let admin;
  let single;
  let multi;
  let other;
  const people = [new CookieJar(), new CookieJar(), new CookieJar()];
  const tally = {}; // poll id -> counts per option
  const totals = {}; // poll id -> the X / Mastodon totals per option
  const supportedBefore = {}; // idea id -> support rows before this test's
  let webBefore; // web votes the demo came with
  const vote = async (jar, poll, options) => {
    const r = await srv.post(`/api/v1/polls/${poll}/votes`, { options }, { jar });
    assert.equal(r.status, 201, show(r));
    for (const o of options) tally[poll][o]++;
  };
  const csvLines = (text) => text.split('\r\n').filter((l) => l !== '');

  before(async () => {
    admin = await srv.login(USERS.admin);
    const create = async (slug, body) => {
      const r = await srv.post(`/api/v1/campaigns/${slug}/polls`, body, { jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } });
      assert.equal(r.status, 201, show(r));
      tally[r.json.id] = body.options.map(() => 0);
      return r.json.id;
    };
    sql(srv.db, "INSERT INTO campaigns(slug,title,question) VALUES('lain','Kampanye lain','Apa lagi?')");
    single = await create('demo', { question: 'Prioritas anggaran?', options: ['Taman', 'Jalan', 'Sekolah'] });
    multi = await create('demo', { question: 'Fasilitas?', options: ['Bangku', 'Lampu', 'Toilet'], multi: true });
    other = await create('lain', { question: 'Di kampanye lain?', options: ['Ya', 'Tidak'] });
    for (const jar of people) await srv.get('/c/demo', { jar });
    webBefore = sql(srv.db, `SELECT count(*) AS n FROM poll_votes v JOIN polls p ON p.id=v.poll_id WHERE p.campaign_id=${campaignId}`)[0].n;
    await vote(people[0], single, [1]);
    await vote(people[1], single, [1]);
    await vote(people[2], single, [0]);
    await vote(people[0], multi, [0, 2]);
    await vote(people[1], multi, [2]);
    await vote(people[0], other, [1]);
    // answers that came back on Telegram, as the channel connector stores
    // them: two for the portal poll `single` (one withdrawn), and a poll
    // sent on its own with two answers
    sql(srv.db, `INSERT INTO outbox(channel,kind,campaign_id,text,payload_json,result_json,state) VALUES
      ('telegram','poll',${campaignId},'Prioritas anggaran?','{"poll_id":${single},"question":"Prioritas anggaran?","options":["Taman","Jalan","Sekolah"]}','{"poll_id":"tg-1"}','sent'),
      ('telegram','poll',${campaignId},'Jam layanan?','{"question":"Jam layanan?","options":["Pagi","Malam"]}','{"poll_id":"tg-2"}','sent');
      INSERT INTO poll_answers(channel,poll_id,author_key,options) VALUES
      ('telegram','tg-1','${'a'.repeat(64)}','2'),('telegram','tg-1','${'b'.repeat(64)}',''),
      ('telegram','tg-2','${'a'.repeat(64)}','1'),('telegram','tg-2','${'c'.repeat(64)}','0,1');`);
    tally[single][2]++;
    // X and Mastodon give only totals per option, read back into the sent
    // poll's metrics (channels/metrics.c): for `single` on X, for `multi`
    // on Mastodon (a multiple-choice poll says how many voted), and a
    // Mastodon poll sent on its own
    sql(srv.db, `INSERT INTO outbox(channel,kind,campaign_id,text,payload_json,result_json,state,metrics_json) VALUES
      ('x','poll',${campaignId},'Prioritas anggaran?','{"poll_id":${single},"question":"Prioritas anggaran?","options":["Taman","Jalan","Sekolah"]}','{"poll_id":"x-1"}','sent','{"counts":{"poll":[2,0,5]}}'),
      ('mastodon','poll',${campaignId},'Fasilitas?','{"poll_id":${multi},"question":"Fasilitas?","options":["Bangku","Lampu","Toilet"],"multiple":true}','{"poll_id":"m-1"}','sent','{"counts":{"poll":[1,3,0],"poll_voters":3}}'),
      ('mastodon','poll',${campaignId},'Hari libur?','{"question":"Hari libur?","options":["Sabtu","Minggu"]}','{"poll_id":"m-2"}','sent','{"counts":{"poll":[4,6],"poll_voters":10}}');`);
    totals[single] = [2, 0, 5];
    totals[multi] = [1, 3, 0];
    // supports: two people back ideas of the demo
    const ideas = sql(srv.db, `SELECT id FROM ideas WHERE campaign_id=${campaignId} AND status<>'ditolak' ORDER BY id LIMIT 2`);
    assert.equal(ideas.length, 2, 'the demo has ideas to support');
    for (const i of ideas) supportedBefore[i.id] = sql(srv.db, `SELECT count(*) AS n FROM supports WHERE idea_id=${i.id}`)[0].n;
    for (const jar of people.slice(0, 2))
      for (const i of ideas) {
        const r = await srv.post(`/api/v1/ideas/${i.id}/supports`, {}, { jar });
        assert.equal(r.status, 201, show(r));
      }
  });

  test('votes: web and channel, only the campaign asked for, voters pseudonymized', async () => {
    const res = await srv.get('/api/v1/export/votes.json?campaign=demo', { jar: analyst.jar });
    assert.equal(res.status, 200, show(res));
    // the demo's own web votes, 5 of this test's, 1 Telegram vote for
    // `single` (the withdrawn one is not a vote), 2 for the poll sent on its own
    const want = webBefore + 5 + 3;
    assert.equal(res.json.items.length, want, JSON.stringify(res.json.items));
    const web = sql(srv.db, `SELECT count(*) AS n FROM poll_votes v JOIN polls p ON p.id=v.poll_id WHERE p.campaign_id=${campaignId}`)[0].n;
    assert.equal(res.json.items.filter((v) => v.source === 'web').length, web);
    assert.equal(web, webBefore + 5);
    assert.equal(res.json.items.filter((v) => v.source === 'channel').length, 3);
    assert.ok(!res.json.items.some((v) => v.poll_id === other), 'no vote of the other campaign');
    const cookies = people.map((j) => j.get('gg_p'));
    for (const v of res.json.items) {
      assert.ok(!cookies.includes(v.voter), 'never the participant cookie');
      assert.ok(Array.isArray(v.options), 'options as a list');
      assert.equal(v.campaign, 'demo');
    }
    // this test's participants appear as an HMAC (64 hex digits), one per person
    const mine = res.json.items.filter((v) => v.source === 'web' && (v.poll_id === single || v.poll_id === multi));
    assert.equal(mine.length, 5);
    for (const v of mine) assert.match(v.voter, /^[0-9a-f]{64}$/, 'a pseudonym');
    assert.equal(new Set(mine.map((v) => v.voter)).size, 3);
    const tg = res.json.items.find((v) => v.source === 'channel' && v.poll_id === single);
    assert.deepEqual(tg.options, [2]);
    const all = await srv.get('/api/v1/export/votes.json', { jar: analyst.jar });
    assert.equal(all.json.items.length, want + 1, 'every campaign: the other campaign\'s vote too');
    const csv = await srv.get('/api/v1/export/votes.csv?campaign=demo', { jar: analyst.jar });
    assert.equal(csv.status, 200, show(csv));
    const lines = csvLines(csv.text);
    assert.equal(lines.length, want + 1, csv.text);
    assert.match(lines[0], /^id,source,campaign,poll_id,outbox_id,channel,voter,options,region,at$/);
    // paged like the other exports
    const p1 = await srv.get(`/api/v1/export/votes.json?campaign=demo&limit=${want - 2}`, { jar: analyst.jar });
    const p2 = await srv.get(`/api/v1/export/votes.json?campaign=demo&limit=${want - 2}&after=${p1.json.next_after}`, { jar: analyst.jar });
    assert.equal(p1.json.items.length, want - 2);
    assert.deepEqual([...p1.json.items, ...p2.json.items], res.json.items);
    assert.equal(p2.json.next_after, null);
  });

  test('polls: each poll of the campaign with voters and counts per option, X and Mastodon totals included', async () => {
    const res = await srv.get('/api/v1/export/polls.json?campaign=demo', { jar: analyst.jar });
    assert.equal(res.status, 200, show(res));
    const byId = Object.fromEntries(res.json.items.filter((p) => p.source === 'portal').map((p) => [p.poll_id, p]));
    assert.ok(!(other in byId), 'the other campaign\'s poll is not listed');
    for (const id of [single, multi]) {
      assert.ok(byId[id], `poll ${id} listed`);
      // this test's ballots plus the totals the platforms reported
      assert.deepEqual(byId[id].counts, tally[id].map((n, k) => n + totals[id][k]), `poll ${id} counts`);
      assert.deepEqual(byId[id].options.length, tally[id].length);
      // the same numbers as the poll's results
      const results = await srv.get(`/api/v1/polls/${id}/results`);
      assert.equal(results.status, 200, show(results));
      assert.deepEqual(byId[id].counts, results.json.counts, `poll ${id}: export and results agree`);
      assert.equal(byId[id].voters, results.json.voters, `poll ${id}: voters`);
    }
    // 3 web votes, 1 Telegram answer, 7 X voters (one choice each)
    assert.equal(byId[single].voters, 11);
    assert.equal(byId[single].voters_web, 3);
    assert.equal(byId[single].voters_channel, 8);
    // 2 web votes, 3 Mastodon voters (as Mastodon says; 4 choices)
    assert.equal(byId[multi].voters, 5);
    assert.equal(byId[multi].voters_channel, 3);
    const alone = res.json.items.find((p) => p.source === 'channel' && p.question === 'Jam layanan?');
    assert.ok(alone, 'the channel poll sent on its own');
    assert.deepEqual(alone.counts, [1, 2]);
    assert.equal(alone.voters, 2);
    const masto = res.json.items.find((p) => p.source === 'channel' && p.question === 'Hari libur?');
    assert.ok(masto, 'the Mastodon poll sent on its own');
    assert.equal(masto.channel, 'mastodon');
    assert.deepEqual(masto.counts, [4, 6]);
    assert.equal(masto.voters, 10);
    assert.equal(masto.voters_channel, 10);
    const lain = await srv.get('/api/v1/export/polls.json?campaign=lain', { jar: analyst.jar });
    assert.deepEqual(lain.json.items.map((p) => [p.poll_id, p.counts]), [[other, tally[other]]]);
    const csv = await srv.get('/api/v1/export/polls.csv?campaign=demo', { jar: analyst.jar });
    assert.equal(csvLines(csv.text).length, res.json.items.length + 1, csv.text);
    assert.match(csvLines(csv.text)[0], /,counts/);
  });

  test('supports: one row per supporter of the campaign\'s ideas, pseudonymized', async () => {
    const res = await srv.get('/api/v1/export/supports.json?campaign=demo', { jar: analyst.jar });
    assert.equal(res.status, 200, show(res));
    const n = sql(srv.db, `SELECT count(*) AS n FROM supports s JOIN ideas i ON i.id=s.idea_id WHERE i.campaign_id=${campaignId}`)[0].n;
    assert.ok(n >= 4, `supports in the database: ${n}`);
    assert.equal(res.json.items.length, n);
    // the two ideas this test supported have two rows more each
    const per = {};
    for (const s of res.json.items) per[s.idea_id] = (per[s.idea_id] || 0) + 1;
    for (const [id, k] of Object.entries(supportedBefore)) assert.equal(per[id], k + 2, `idea ${id}`);
    const cookies = people.map((j) => j.get('gg_p'));
    for (const s of res.json.items) {
      assert.ok(!cookies.includes(s.supporter), 'never the participant cookie');
      assert.equal(s.campaign, 'demo');
    }
    // the same person is the same pseudonym in the votes export
    const voters = new Set((await srv.get('/api/v1/export/votes.json?campaign=demo', { jar: analyst.jar })).json.items.map((v) => v.voter));
    const newest = res.json.items.filter((s) => s.idea_id in supportedBefore).slice(-4);
    for (const s of newest) {
      assert.match(s.supporter, /^[0-9a-f]{64}$/);
      assert.ok(voters.has(s.supporter), 'a supporter who voted carries the same pseudonym');
    }
    const csv = await srv.get('/api/v1/export/supports.csv?campaign=demo', { jar: analyst.jar });
    assert.equal(csvLines(csv.text).length, n + 1);
    assert.equal((await srv.get('/api/v1/export/supports.json?campaign=lain', { jar: analyst.jar })).json.items.length, 0);
  });

  test('reviewers and anonymous callers get none of them', async () => {
    for (const f of ['votes.csv', 'votes.json', 'supports.csv', 'supports.json', 'polls.csv', 'polls.json']) {
      assertError(await srv.get(`/api/v1/export/${f}?campaign=demo`, { jar: reviewer.jar }), 403, `reviewer ${f}`);
      assertError(await srv.get(`/api/v1/export/${f}?campaign=demo`), 401, `anonymous ${f}`);
    }
  });
});

describe('pages', () => {
  test('the charts are the npm package pinned by the lockfile, served as is', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'web/package.json'), 'utf8'));
    const lock = JSON.parse(fs.readFileSync(path.join(REPO, 'web/package-lock.json'), 'utf8'));
    for (const name of ['echarts', 'topojson-client']) {
      const locked = lock.packages[`node_modules/${name}`];
      assert.equal(locked.version, pkg.dependencies[name], `${name}: an exact version, the one locked`);
      assert.match(locked.integrity, /^sha512-/, `${name}: the lockfile pins its hash`);
    }
    const res = await srv.get('/static/vendor/echarts.min.js');
    assert.equal(res.status, 200);
    assert.ok(res.text.includes(`version="${pkg.dependencies.echarts}"`), 'the served ECharts is the locked version');
  });


  test('dashboard, map and report render for analysts', async () => {
    for (const [p, marker] of [
      ['/console/insight?campaign=demo', 'chart-volume'],
      ['/console/insight/map?campaign=demo', 'chart-map'],
      ['/console/insight/report?campaign=demo', 'id="chart-topics"'],
    ]) {
      const res = await srv.get(p, { jar: analyst.jar });
      assert.equal(res.status, 200, `${p}: ${show(res)}`);
      assert.ok(res.text.includes(marker), `${p} has ${marker}`);
      assert.ok(res.text.includes('/static/vendor/echarts.min.js'), `${p} loads the chart library`);
    }
    // the dapil table for the candidates: name, seats and volume per dapil, from the database
    const dapils = Object.fromEntries(
      fs.readFileSync(path.join(REPO, 'data/geo/dapil.tsv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')).map((c) => [c[0], { name: c[1], seats: Number(c[3]) }]),
    );
    const map = await srv.get(`/console/insight/map?campaign=demo&from=${day(70)}&to=${day(0)}&lang=en`, { jar: analyst.jar });
    const table = map.text.slice(map.text.indexOf('id="dapil"'), map.text.indexOf('</table>', map.text.indexOf('id="dapil"')));
    const rows = [...table.matchAll(/<tr><td>([^<]*)<\/td><td>(\d+)<\/td><td>(\d+)<\/td>/g)].map((m) => [m[1], Number(m[2]), Number(m[3])]);
    const exp = expected(dbRows(), { from: day(70), to: day(0) }).by_dapil;
    assert.ok(Object.keys(exp).length >= 3, 'the seed has dapil');
    assert.deepEqual(
      rows.sort(),
      Object.entries(exp).map(([code, n]) => [dapils[code].name, dapils[code].seats, n]).sort(),
    );
    const rep = await srv.get('/console/insight/report?campaign=demo&lang=en', { jar: analyst.jar });
    assert.ok(rep.text.includes('Method') && rep.text.includes('Top ideas per topic'), 'report has the method and top ideas');
    const anon = await srv.get('/console/insight');
    assert.ok([302, 303].includes(anon.status), `anonymous is sent to sign in: ${anon.status}`);
  });
});
