// Live intake end to end against the local fake platforms: X's filtered
// stream (rules kept in step, records with keep-alives, a malformed line, a
// connection dropped mid-record, an in-band disconnect, a silent stall) and
// Mastodon's hashtag stream (server-sent events with heartbeats, a drop in
// the middle of an event). Each reconnect backs off, and the gap is read back
// through the REST pull of the same query, so an event that only the REST API
// shows arrives too, and nothing arrives twice.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Server, runCli, sleep, USERS } from '../lib/server.mjs';
import { FakePlatforms, FIX } from '../fakes/platforms.mjs';

const X_ID = '1578901234567890123'; // @SuaraWargaID in the fixtures
const RULE = '(#GagasanWarga OR @SuaraWargaID) lang:in -is:retweet';
const ENV = { GAGAS_TOKEN_X: 'x-app-token', GAGAS_TOKEN_MASTODON: 'masto-test-token' };

function sql(db, q) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, q], { encoding: 'utf8' }).trim();
}

async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// the recorded transcripts, cut into their records
const xRaw = fs.readFileSync(path.join(FIX, 'x/filtered-stream.transcript.ndjson'), 'utf8');
const xRecords = xRaw.split('\r\n').filter((l) => l.length);
const [postA, postB, disconnect] = xRecords;
const sseRaw = fs.readFileSync(path.join(FIX, 'mastodon/streaming-hashtag.transcript.sse'), 'utf8');
const sseEvents = sseRaw.split('\n\n').filter((e) => e.startsWith('event:') || e.includes('\nevent:')).map((e) => e.slice(e.indexOf('event:')) + '\n\n');
const [update, statusUpdate, del] = sseEvents;

describe('live connections against the fake platforms', () => {
  let fake;
  let srv;
  const state = (channel, stream) => {
    const row = sql(srv.db, `SELECT json_object('watermark',watermark,'next_at',next_at,'failures',failures,'last_error',last_error,'last_event_at',last_event_at,'rate',json(rate_json)) FROM channel_state WHERE channel='${channel}' AND stream='${stream}'`);
    return row ? JSON.parse(row) : null;
  };
  const times = (channel, native) => Number(sql(srv.db, `SELECT count(*) FROM submissions WHERE channel='${channel}' AND native_id='${native}'`));

  before(async () => {
    assert.ok(postA.includes('1991827364501928371') && postB.includes('1991811122233344455') && disconnect.includes('operational-disconnect'));
    assert.ok(update.startsWith('event: update') && statusUpdate.startsWith('event: status.update') && del.startsWith('event: delete'));
    fake = await FakePlatforms.start();
    // X: one post, a keep-alive, a malformed line, then the second post cut
    // in half by a dropped connection; the next connection brings the second
    // post whole and X's in-band disconnect; the third says nothing at all
    fake.streamPlan('GET /2/tweets/search/stream',
      [{ write: `${postA}\r\n` }, { write: '\r\n' }, { write: '{"data":{"id":"19918",\r\n' }, { wait: 100 }, { write: postB.slice(0, 300) }, { wait: 50 }, { cut: true }],
      [{ write: `${postB}\r\n` }, { write: '\r\n' }, { write: `${disconnect}\r\n` }, { end: true }],
      [{ silent: true }]);
    // backfills before the drop find nothing; after it, the search shows an
    // event the stream never carried (the gap)
    const beforeDrop = () => fake.seen('GET /2/tweets/search/stream').length < 2;
    for (let i = 0; i < 8; i++) fake.script('GET /2/tweets/search/recent', { json: { meta: { result_count: 0 } }, when: beforeDrop });
    // Mastodon: hello, an update, a heartbeat, then a drop inside the next
    // event; the second connection carries the edit and a delete
    fake.streamPlan('GET /api/v1/streaming/hashtag',
      [{ write: ':)\n' }, { write: update }, { write: ':thump\n' }, { write: statusUpdate.slice(0, 120) }, { wait: 50 }, { cut: true }],
      [{ write: ':)\n' }, { write: statusUpdate }, { write: ':thump\n' }, { write: del }, { wait: 1500 }, { cut: true }],
      [{ write: ':)\n' }, { heartbeat: 200 }]);
    // the timeline backfill: empty, then a 429 — later reconnects must not
    // hurry the pull past the wait the instance asked for
    fake.script('GET /api/v1/timelines/tag/gagasanwarga', { json: [] },
      { status: 429, json: { error: 'Too many requests' }, headers: [['Retry-After', '30']] });
    Object.assign(process.env, ENV);
    srv = new Server({
      name: 'chstream',
      users: [USERS.admin],
      extraArgs: ['--channel-base-urls', `*=${fake.base}`, '--channel-tick-ms', '100', '--channel-poll-s', '1',
        '--channel-backoff-ms', '200', '--channel-stream-idle-s', '2'],
    });
    await srv.init();
    const add = (args) => runCli(['channel', 'add', '--db', srv.db, ...args]);
    await add(['--channel', 'x', '--account', X_ID, '--stream', `x_stream:${RULE}`]);
    await add(['--channel', 'mastodon', '--account', 'suarawarga', '--stream', 'mastodon_stream:gagasanwarga']);
    await srv.launch();
  });
  after(async () => {
    for (const k of Object.keys(ENV)) delete process.env[k];
    await srv?.stop();
    await fake?.stop();
  });

  test('X: rules are set, records arrive live, the gap is read back, nothing twice', async () => {
    // the rule went in once, tagged as ours, with the account's token
    await until('the rule', () => fake.rules.length === 1);
    assert.equal(fake.rules[0].value, RULE);
    assert.equal(fake.rules[0].tag, 'gagas');
    const streams = await until('the stream opened', () => {
      const l = fake.seen('GET /2/tweets/search/stream');
      return l.length ? l : null;
    });
    assert.equal(streams[0].headers.authorization, `Bearer ${ENV.GAGAS_TOKEN_X}`);
    assert.ok(streams[0].query.get('tweet.fields').includes('referenced_tweets'), 'the fields the decoder maps');
    // the live posts, and the post only the search shows (read after a reconnect)
    await until('both streamed posts', () => times('x', '1991827364501928371') && times('x', '1991811122233344455'));
    // the search's third item (an edit the stream never carried) is in
    const gapKey = `x|${X_ID}|1991790011223344556|edit|1991790077665544332`;
    const events = (key) => Number(sql(srv.db, `SELECT count(*) FROM channel_events WHERE dedupe_key='${key}'`));
    await until('the gap event from the backfill', () => events(gapKey));
    // the silent third connection is dropped after 2 s, and a fourth opens
    await until('a reconnect after the stall', () => fake.seen('GET /2/tweets/search/stream').length >= 4, 20000);
    const live = state('x', 'x_live');
    assert.ok(live.rate.connects >= 3, JSON.stringify(live));
    const searches = fake.seen('GET /2/tweets/search/recent');
    const reconnected = fake.seen('GET /2/tweets/search/stream')[1].at;
    const after = searches.filter((q) => q.at >= reconnected);
    assert.ok(after.length >= 1, 'a backfill after the reconnect');
    assert.equal(after[0].query.get('query'), RULE);
    // the backfill overlapped the stream: every post is one submission
    for (const id of ['1991827364501928371', '1991811122233344455']) assert.equal(times('x', id), 1, id);
    assert.equal(events(gapKey), 1);
    // reconnects wait (backoff with jitter), never a tight loop
    const at = fake.seen('GET /2/tweets/search/stream').map((r) => r.at);
    for (let i = 1; i < at.length; i++) assert.ok(at[i] - at[i - 1] >= 100, `reconnect ${i} waited ${at[i] - at[i - 1]} ms`);
    // after the stall the connection was dropped for its silence
    const m = await srv.get('/metrics');
    assert.match(m.text, /gagas_channel_stream_connects_total [1-9]/);
    const errs = Number(/gagas_channel_stream_errors_total (\d+)/.exec(m.text)[1]);
    assert.ok(errs >= 3, 'the malformed line and the drops are counted');
  });

  test('Mastodon: events arrive live, a half event is not applied, the edit and the gap arrive after the reconnect', async () => {
    await until('the streamed status', () => times('mastodon', '115612345678901234'));
    // the edit (status.update) came whole on the second connection
    await until('the edit applied', () => Number(sql(srv.db, "SELECT count(*) FROM submission_versions v JOIN submissions s ON s.id=v.submission_id WHERE s.channel='mastodon' AND s.native_id='115612345678901234'")) >= 1);
    const streams = fake.seen('GET /api/v1/streaming/hashtag');
    assert.equal(streams[0].query.get('tag'), 'gagasanwarga');
    assert.equal(streams[0].headers.accept, 'text/event-stream');
    assert.equal(streams[0].headers.authorization, `Bearer ${ENV.GAGAS_TOKEN_MASTODON}`);
    // the tag timeline was read again after a reconnect
    await until('the timeline backfill', () => fake.seen('GET /api/v1/timelines/tag/gagasanwarga').length >= 2);
    assert.equal(times('mastodon', '115612345678901234'), 1);
    // the 429: the third connection's kick waits for it
    await until('the third connection', () => fake.seen('GET /api/v1/streaming/hashtag').length >= 3);
    await sleep(1500);
    const tlCalls = fake.seen('GET /api/v1/timelines/tag/gagasanwarga');
    assert.equal(tlCalls.length, 2, 'no pull inside the rate-limit wait, reconnects or not');
    assert.ok(state('mastodon', 'mastodon_stream:gagasanwarga').failures >= 1);
    const live = state('mastodon', 'mastodon_live:gagasanwarga');
    assert.ok(live.rate.connects >= 3, JSON.stringify(live));
    assert.equal(live.rate.connected, true, 'the heartbeat keeps the second connection');
    const h = await srv.get('/api/v1/channels', { jar: (await srv.login(USERS.admin)).jar });
    assert.ok(h.json.streams.some((s) => s.stream === 'mastodon_live:gagasanwarga'));
    assert.ok(h.json.workers.stream_connects >= 4);
  });

  test('a stop ends every live connection at once', async () => {
    const n = fake.seen('GET /2/tweets/search/stream').length;
    const t0 = Date.now();
    await srv.shutdown();
    assert.ok(Date.now() - t0 < 5000, `stopped in ${Date.now() - t0} ms`);
    await srv.launch();
    // after a restart the connections open again and fill the gap once more
    await until('reconnected after the restart', () => fake.seen('GET /2/tweets/search/stream').length > n,
      20000).catch((e) => {
      throw new Error(`${e.message}: ${JSON.stringify(state('x', 'x_live'))} ${fake.requests.slice(-5).map((r) => r.route)}`);
    });
    for (const id of ['1991827364501928371', '1991811122233344455']) assert.equal(times('x', id), 1, id);
  });
});
