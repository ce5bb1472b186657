// Pull channels end to end against the local fake platforms
// (tests/fakes/platforms.mjs): X recent search and mentions, YouTube comment
// threads, Mastodon hashtag and mention timelines, Telegram getUpdates and
// TikTok comments are pulled on a one-second cadence; every page is
// ingested once across overlaps and a restart, watermarks move only after a
// round's last page, and the puller obeys 429s (Telegram retry_after,
// YouTube quotaExceeded), backs off after 5xx, truncated bodies and bad
// UTF-8, and recovers.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Server, runCli, sleep, USERS } from '../lib/server.mjs';
import { FakePlatforms } from '../fakes/platforms.mjs';

const X_ID = '1578901234567890123'; // @SuaraWargaID in the fixtures
const ENV = {
  GAGAS_TOKEN_YOUTUBE: 'yt-test-token',
  GAGAS_TOKEN_MASTODON: 'masto-test-token',
  GAGAS_TOKEN_TELEGRAM: '7712345678:TEST-bot-token',
  GAGAS_TOKEN_TIKTOK: 'tt-test-token',
};

function sql(db, q) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, q], { encoding: 'utf8' }).trim();
}

async function until(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const state = (db, channel, stream) => {
  const row = sql(db, `SELECT json_object('watermark',watermark,'cursor',cursor,'next_at',next_at,'failures',failures,'last_error',last_error,'rate',json(rate_json)) FROM channel_state WHERE channel='${channel}' AND stream='${stream}'`);
  return row ? JSON.parse(row) : null;
};

const counts = (db) => sql(db, "SELECT channel, count(*) FROM submissions WHERE channel IN ('x','youtube','mastodon','telegram','tiktok') GROUP BY channel ORDER BY channel");

describe('pull channels against the fake platforms', () => {
  let fake;
  let srv;
  before(async () => {
    fake = await FakePlatforms.start();
    Object.assign(process.env, ENV);
    srv = new Server({
      name: 'chpull',
      users: [USERS.admin],
      extraArgs: ['--channel-base-urls', `*=${fake.base}`, '--channel-tick-ms', '100', '--channel-poll-s', '1', '--channel-backoff-ms', '200'],
    });
    await srv.init();
    const add = (args, input) => runCli(['channel', 'add', '--db', srv.db, ...args], { input });
    // X with a sealed token from stdin; the others take theirs from GAGAS_TOKEN_*
    await add(['--channel', 'x', '--account', X_ID, '--token-stdin', '--stream', 'x_search:(#GagasanWarga OR @SuaraWargaID) lang:in', '--stream', 'x_mentions'], 'x-user-token\n');
    await add(['--channel', 'youtube', '--account', 'UCsuarawarga', '--stream', 'youtube_channel:UCsuarawarga', '--stream', 'youtube_replies:UgxR4nT7bK2mPq9sVw14AaABAg']);
    await add(['--channel', 'mastodon', '--account', 'suarawarga', '--stream', 'mastodon_tag:gagasanwarga', '--stream', 'mastodon_mentions']);
    await add(['--channel', 'telegram', '--account', 'bot', '--stream', 'telegram_updates']);
    await add(['--channel', 'tiktok', '--account', 'biz1', '--business-id', '-000Ab3CdEfGhIjKlMnOpQrStUvWxYz0123456', '--stream', 'tiktok_comments:7570987654321098765']);
    await srv.launch();
  });
  after(async () => {
    for (const k of Object.keys(ENV)) delete process.env[k];
    await srv?.stop();
    await fake?.stop();
  });

  test('every stream reaches its watermark and every platform is ingested', async () => {
    await until('watermarks', () => {
      const x = state(srv.db, 'x', 'x_mentions');
      const s = state(srv.db, 'x', 'x_search:(#GagasanWarga OR @SuaraWargaID) lang:in');
      const y = state(srv.db, 'youtube', 'youtube_channel:UCsuarawarga');
      const m = state(srv.db, 'mastodon', 'mastodon_tag:gagasanwarga');
      const n = state(srv.db, 'mastodon', 'mastodon_mentions');
      const t = state(srv.db, 'telegram', 'telegram_updates');
      return x?.watermark && s?.watermark && y?.watermark && m?.watermark && n?.watermark && t?.watermark && !s.cursor && !y.cursor;
    });
    await until('tiktok', () => sql(srv.db, "SELECT count(*) FROM submissions WHERE channel='tiktok'") !== '0');
    assert.equal(state(srv.db, 'x', 'x_mentions').watermark, '1991827364501928371', 'X watermark = meta.newest_id');
    assert.equal(state(srv.db, 'telegram', 'telegram_updates').watermark, '804512379', 'Telegram offset = last update_id + 1');
    assert.equal(state(srv.db, 'mastodon', 'mastodon_tag:gagasanwarga').watermark, '115612345678901234', 'Mastodon min_id from Link rel=prev');
    const c = counts(srv.db);
    for (const ch of ['x', 'youtube', 'mastodon', 'telegram', 'tiktok']) assert.match(c, new RegExp(`^${ch}\\|[1-9]`, 'm'), `${ch}: ${c}`);
    // X search and mentions return the same two mentions: one submission each
    assert.equal(sql(srv.db, "SELECT count(*) FROM submissions WHERE channel='x' AND native_id='1991827364501928371'"), '1');
    // pulled items keep how to answer them; X mentions are answerable
    const rj = JSON.parse(sql(srv.db, "SELECT reply_json FROM submissions WHERE channel='x' AND native_id='1991827364501928371'"));
    assert.equal(rj.kind, 'mention');
    assert.equal(rj.to_id, '1991827364501928371');
  });

  test('pagination: the next page is asked for, and later rounds start from the watermark', async () => {
    const search = fake.seen('GET /2/tweets/search/recent');
    assert.ok(search.some((r) => r.query.get('next_token') === 'b26v89c19zqg8o3fpe1mpyrb8ttofwkfdv1b8ih9a5d5p'), 'second page of the search');
    await until('a round with since_id', () => fake.seen('GET /2/tweets/search/recent').some((r) => r.query.get('since_id') === '1991827364501928371'));
    assert.ok(fake.seen('GET /youtube/v3/commentThreads').some((r) => r.query.get('pageToken')), 'YouTube second page');
    assert.ok(fake.seen('GET /youtube/v3/comments').some((r) => r.query.get('parentId') === 'UgxR4nT7bK2mPq9sVw14AaABAg'), 'YouTube replies of a thread');
    await until('Telegram offset', () => fake.seen('POST /getUpdates').some((r) => r.body?.offset === 804512379));
    await until('Mastodon min_id', () => fake.seen('GET /api/v1/timelines/tag/gagasanwarga').some((r) => r.query.get('min_id') === '115612345678901234'));
    // credentials: X's sealed token as a bearer, Telegram's token in the path only
    assert.equal(search[0].headers.authorization, 'Bearer x-user-token');
    assert.equal(fake.seen('POST /getUpdates')[0].token, ENV.GAGAS_TOKEN_TELEGRAM);
    assert.equal(fake.seen('POST /getUpdates')[0].headers.authorization, undefined);
    assert.equal(fake.seen('GET /open_api/v1.3/business/comment/list/')[0].headers['access-token'], ENV.GAGAS_TOKEN_TIKTOK);
  });

  test('overlapping rounds apply nothing twice', async () => {
    const before = counts(srv.db);
    const events = sql(srv.db, 'SELECT count(*) FROM channel_events');
    const rounds = fake.requests.length;
    await until('three more rounds', () => fake.requests.length > rounds + 15);
    assert.equal(counts(srv.db), before);
    assert.equal(sql(srv.db, 'SELECT count(*) FROM channel_events'), events);
  });

  test('a restart resumes from the stored watermarks and ingests nothing again', async () => {
    const before = counts(srv.db);
    await srv.shutdown();
    const mark = fake.requests.length;
    await srv.launch();
    await until('pulls after the restart', () => fake.requests.slice(mark).filter((r) => r.route === 'GET /2/users/1578901234567890123/mentions').length >= 2);
    const first = fake.requests.slice(mark).find((r) => r.route === 'GET /2/users/1578901234567890123/mentions');
    assert.equal(first.query.get('since_id'), '1991827364501928371', 'resumed from the watermark');
    const tg = fake.requests.slice(mark).find((r) => r.route === 'POST /getUpdates');
    if (tg) assert.equal(tg.body.offset, 804512379);
    assert.equal(counts(srv.db), before);
  });

  test('429 with Telegram retry_after is obeyed', async () => {
    fake.script('POST /getUpdates', { fixture: 'telegram/error-429.response' });
    await until('the 429', () => state(srv.db, 'telegram', 'telegram_updates')?.failures >= 1);
    const st = state(srv.db, 'telegram', 'telegram_updates');
    const now = Math.floor(Date.now() / 1000);
    assert.ok(st.next_at - now >= 5, `waits retry_after=7 s, next in ${st.next_at - now}`);
    assert.match(st.last_error, /429/);
    assert.equal(st.watermark, '804512379', 'the watermark did not move');
  });

  test('YouTube quotaExceeded waits for the quota day', async () => {
    // the quota restarts at midnight Pacific, 08:00 UTC: the next one after
    // now (a fixed "more than a minute" failed in the minute before 08:00)
    const t0 = Math.floor(Date.now() / 1000);
    let restart = t0 - (t0 % 86400) + 8 * 3600;
    if (restart <= t0) restart += 86400;
    fake.script('GET /youtube/v3/commentThreads', { fixture: 'youtube/error-quotaExceeded.response' });
    await until('the quota error', () => state(srv.db, 'youtube', 'youtube_channel:UCsuarawarga')?.failures >= 1);
    const st = state(srv.db, 'youtube', 'youtube_channel:UCsuarawarga');
    assert.ok(st.next_at >= restart, `not before the quota restarts (${st.next_at} < ${restart})`);
    assert.ok(st.rate.wait_until >= st.next_at - 1);
  });

  test('X 429, 5xx, a truncated body and bad UTF-8 back off and recover', async () => {
    const route = `GET /2/users/${X_ID}/mentions`;
    const st0 = state(srv.db, 'x', 'x_mentions');
    fake.script(route, { fixture: 'x/rate-limited-429.response' }, { status: 503, json: { title: 'Service Unavailable' } }, { truncate: 'x/mentions-timeline.response' }, { badUtf8: true });
    const errors = [];
    await until('four failures', () => {
      const st = state(srv.db, 'x', 'x_mentions');
      if (st.last_error && errors[errors.length - 1] !== st.last_error) errors.push(st.last_error);
      return st.failures >= 4;
    }, 30000);
    assert.ok(errors.some((e) => /429/.test(e)), errors.join(' / '));
    assert.ok(errors.some((e) => /503/.test(e)), errors.join(' / '));
    assert.ok(errors.some((e) => /cut short|transport/.test(e)), errors.join(' / '));
    await until('recovery', () => state(srv.db, 'x', 'x_mentions').failures === 0, 30000);
    const st = state(srv.db, 'x', 'x_mentions');
    assert.equal(st.watermark, st0.watermark);
    assert.equal(st.last_error, null);
    // backoff: the gaps between the failing calls grew
    const times = fake.seen(route).slice(-5).map((r) => r.at);
    assert.ok(times[4] - times[3] >= times[1] - times[0], `gaps ${times.map((t, i) => (i ? t - times[i - 1] : 0))}`);
  });

  test('Mastodon 429 backs off and recovers', async () => {
    fake.script('GET /api/v1/notifications', { fixture: 'mastodon/rate-limited-429.response' });
    await until('the 429', () => /429/.test(state(srv.db, 'mastodon', 'mastodon_mentions')?.last_error ?? ''));
    await until('recovery', () => state(srv.db, 'mastodon', 'mastodon_mentions').failures === 0, 20000);
    assert.equal(state(srv.db, 'mastodon', 'mastodon_mentions').watermark, '48213377');
  });

  test('health: GET /api/v1/channels and /metrics report every stream', async () => {
    const admin = await srv.login(USERS.admin);
    const r = await srv.get('/api/v1/channels', { jar: admin.jar });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.streams.length >= 7);
    assert.ok(r.json.accounts.every((a) => a.token_box === undefined), 'no token in the API');
    assert.ok(r.json.accounts.find((a) => a.channel === 'x').has_token);
    const m = await srv.get('/metrics');
    assert.match(m.text, /gagas_channel_stream_failures\{channel="telegram",account="bot",stream="telegram_updates"\} \d+/);
    assert.match(m.text, /gagas_channel_pull_pages_total [1-9]/);
    const page = await srv.get('/console/channels', { jar: admin.jar });
    assert.equal(page.status, 200);
    assert.match(page.text, /telegram_updates/);
    assert.doesNotMatch(page.text + r.text, /x-user-token/);
    // the token is sealed in the database, never plain
    assert.equal(sql(srv.db, "SELECT count(*) FROM channel_accounts WHERE token_box LIKE '%x-user-token%'"), '0');
    assert.equal(sql(srv.db, "SELECT length(token_box) > 80 FROM channel_accounts WHERE channel='x'"), '1');
  });
});
