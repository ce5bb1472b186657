// Answers, polls and campaign calls end to end against the local fake
// platforms (tests/fakes/platforms.mjs). Citizens' posts arrive by webhook
// (the recorded inbound fixtures, plus fresh Messenger and WhatsApp messages
// inside the 24-hour window) and by pull (X mentions, YouTube threads); a
// reviewer accepts them; the sender answers each on its own channel with the
// request shape of the recorded *.request.* fixture (only the text is ours),
// backs off on a 429, retries a 5xx, refuses outside the 24-hour window,
// never re-sends an ambiguous answer or anything after a restart; polls and
// campaign calls reach every platform, and replies under a published call
// join its campaign.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Server, request, runCli, sleep, USERS } from '../lib/server.mjs';
import { FakePlatforms, FIX, requestFixture } from '../fakes/platforms.mjs';

const SECRETS = JSON.parse(fs.readFileSync(path.join(FIX, 'test-secrets.json'), 'utf8'));
const pick = (k) => SECRETS[k] ?? SECRETS[k.toLowerCase()] ?? Object.entries(SECRETS).find(([n]) => n.toUpperCase().includes(k))?.[1];
const X_ID = '1578901234567890123';
const PAGE = '104729385610923';
const IG = '17841405822304914';
const CHAT = '-1002233445566';
const ENV = {
  GAGAS_META_APP_SECRET: pick('META_APP_SECRET'),
  GAGAS_META_VERIFY_TOKEN: pick('META_VERIFY_TOKEN'),
  GAGAS_X_CONSUMER_SECRET: pick('X_CONSUMER_SECRET'),
  GAGAS_TELEGRAM_SECRET_TOKEN: pick('TELEGRAM_SECRET_TOKEN'),
  GAGAS_TIKTOK_CLIENT_SECRET: pick('TIKTOK_CLIENT_SECRET'),
  GAGAS_MASTODON_WEBHOOK_SECRET: pick('MASTODON_WEBHOOK_SECRET'),
  GAGAS_TOKEN_FACEBOOK: 'fb-page-token',
  GAGAS_TOKEN_INSTAGRAM: 'ig-token',
  GAGAS_TOKEN_MESSENGER: 'fb-page-token',
  GAGAS_TOKEN_WHATSAPP: 'wa-system-token',
  GAGAS_TOKEN_X: 'x-user-token',
  GAGAS_TOKEN_YOUTUBE: 'yt-token',
  GAGAS_TOKEN_MASTODON: 'masto-token',
  GAGAS_TOKEN_TELEGRAM: '7712345678:TEST-bot-token',
  GAGAS_TOKEN_TIKTOK: 'tt-token',
};

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

/** One recorded delivery: {path, headers, body}. */
function inbound(name) {
  const head = fs.readFileSync(path.join(FIX, `${name}.headers`), 'utf8').split('\n');
  const dir = path.dirname(path.join(FIX, name));
  const stem = path.basename(name);
  const bodyFile = fs.readdirSync(dir).find((x) => x.startsWith(stem + '.') && !x.endsWith('.headers'));
  const headers = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    if (k !== 'host' && k !== 'content-length') headers[k] = line.slice(i + 1).trim();
  }
  const body = fs.readFileSync(path.join(dir, bodyFile));
  const p = /^POST (\S+) HTTP/.exec(head[0])[1];
  if (headers['tiktok-signature']) {
    const t = Math.floor(Date.now() / 1000);
    const s = crypto.createHmac('sha256', ENV.GAGAS_TIKTOK_CLIENT_SECRET).update(`${t}.`).update(body).digest('hex');
    headers['tiktok-signature'] = `t=${t},s=${s}`;
  }
  return { path: p, headers, body };
}

/** A Meta delivery with new bytes, signed the way Meta signs. */
function metaSigned(bodyText) {
  const body = Buffer.from(bodyText);
  const sig = crypto.createHmac('sha256', ENV.GAGAS_META_APP_SECRET).update(body).digest('hex');
  return { path: '/hooks/meta', headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${sig}` }, body };
}

const groupBy = (list, key) => {
  const o = {};
  for (const x of list) (o[key(x)] ??= []).push(x);
  return o;
};

const post = (srv, d) => request(srv.base, 'POST', d.path, { headers: d.headers, body: d.body });

/** deepEqual of a sent body with the recorded request once our text is put in. */
function sameShape(actual, fixtureName, setText, what) {
  const want = structuredClone(requestFixture(fixtureName).json);
  setText(want, actual);
  assert.deepEqual(actual, want, `${what}: the request differs from ${fixtureName}`);
}

const ACCEPTED = /^Terima kasih! Gagasan Anda untuk ".+" sudah kami terima dan kini terbuka untuk didukung warga: http:\/\/gagas\.test\/i\/\d+$/;

describe('answers, polls and campaign calls against the fake platforms', () => {
  let fake;
  let srv;
  let reviewer;
  let admin;
  const nowS = Math.floor(Date.now() / 1000);
  const freshWamid = 'wamid.FRESH' + nowS;
  before(async () => {
    fake = await FakePlatforms.start();
    fake.youtubeChannel = 'UCsuarawarga'; // our connected YouTube channel
    Object.assign(process.env, ENV);
    srv = new Server({
      name: 'chsend',
      users: [USERS.admin, USERS.reviewer],
      extraArgs: ['--channel-base-urls', `*=${fake.base}`, '--channel-tick-ms', '100', '--channel-poll-s', '1',
        '--channel-backoff-ms', '300', '--base-url', 'http://gagas.test', '--channel-metrics-s', '1'],
    });
    await srv.init();
    sql(srv.db, `INSERT INTO campaigns(slug,title,question,hashtags_json) VALUES('pilkada','Pilkada 2027','Isu apa yang paling penting untuk Pilkada 2027?','["#Pilkada2027"]')`);
    const add = (args) => runCli(['channel', 'add', '--db', srv.db, ...args]);
    await add(['--channel', 'x', '--account', X_ID, '--publish', '--stream', 'x_mentions', '--stream', 'x_search:#GagasanWarga']);
    await add(['--channel', 'youtube', '--account', 'UCsuarawarga', '--stream', 'youtube_channel:UCsuarawarga']);
    await add(['--channel', 'tiktok', '--account', 'biz1', '--business-id', '-000Ab3CdEfGhIjKlMnOpQrStUvWxYz0123456']);
    await add(['--channel', 'facebook', '--account', PAGE, '--publish']);
    await add(['--channel', 'instagram', '--account', IG, '--publish', '--image-url', 'https://gagas.test/img/call.jpg']);
    await add(['--channel', 'telegram', '--account', CHAT, '--publish', '--stream', 'telegram_updates']);
    await add(['--channel', 'mastodon', '--account', 'suarawarga', '--publish']);
    // WhatsApp: past the 24-hour window, answers go as this approved template
    await add(['--channel', 'whatsapp', '--account', '109283746501928', '--wa-template', 'gagas_kabar_gagasan', '--wa-template-lang', 'id']);
    await srv.launch();
    reviewer = await srv.login(USERS.reviewer);
    admin = await srv.login(USERS.admin);
  });
  after(async () => {
    for (const k of Object.keys(ENV)) delete process.env[k];
    await srv?.stop();
    await fake?.stop();
  });

  const sub = (channel, native) => sql(srv.db, `SELECT id FROM submissions WHERE channel='${channel}' AND native_id='${native}'`);
  const outbox = (where) => sql(srv.db, `SELECT json_group_array(json_object('id',id,'channel',channel,'kind',kind,'state',state,'attempts',attempts,'error',error,'remote_id',remote_id,'next_at',next_at,'submission_id',submission_id,'campaign_id',campaign_id,'dedupe_key',dedupe_key,'result',json(result_json))) FROM outbox WHERE ${where}`);
  const rows = (where) => JSON.parse(outbox(where));
  const accept = async (id) => {
    const r = await srv.act(reviewer, Number(id), { action: 'accept' });
    assert.equal(r.status, 200, `accept ${id}: ${r.status} ${r.text}`);
  };

  const NATIVE = {
    facebook: '122193847561038291_1092837465012345',
    instagram: '17912345678901234',
    telegram: `${CHAT}:5521`,
    mastodon: '115612345678901234',
    x: '1991827364501928371',
    youtube: 'UgxR4nT7bK2mPq9sVw14AaABAg',
  };

  test('posts arrive by webhook and by pull on all nine channels', async () => {
    // an X search hit that does not @mention us (X forbids answering it)
    fake.script('GET /2/tweets/search/recent', { json: { data: [{ id: '1991900000000000001', text: 'Usul: perbanyak bus listrik di Bekasi #GagasanWarga', author_id: '1517283940516273849', created_at: '2026-11-28T00:00:00.000Z', lang: 'in', conversation_id: '1991900000000000001', edit_history_tweet_ids: ['1991900000000000001'] }], meta: { newest_id: '1991900000000000001', oldest_id: '1991900000000000001', result_count: 1 } } });
    for (const name of ['facebook/feed-comment-add', 'instagram/webhook-comments', 'messenger/webhook-message-text', 'whatsapp/webhook-message-text',
      'telegram/update-message-group-reply', 'mastodon/admin-webhook-status-created', 'tiktok/business-webhook-comment-insert']) {
      const r = await post(srv, inbound(name));
      assert.equal(r.status, 200, `${name}: ${r.text}`);
    }
    // fresh Messenger and WhatsApp messages: their 24-hour window is open
    const ms = fs.readFileSync(path.join(FIX, 'messenger/webhook-message-text.json'), 'utf8')
      .replaceAll('1795144887118', String(Date.now())).replaceAll('1795144886504', String(Date.now()))
      .replace('"mid":"m_', '"mid":"m_fresh').replace('Desa Sukamaju', 'Desa Sukamaju (lagi)');
    assert.equal((await post(srv, metaSigned(ms))).status, 200);
    const wa = fs.readFileSync(path.join(FIX, 'whatsapp/webhook-message-text.json'), 'utf8')
      .replace('"timestamp":"1795144897"', `"timestamp":"${nowS}"`)
      .replace('wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBBMUIyQzNENEU1RjYwNzA4MDkA', freshWamid)
      .replace('Harga beras', 'Harga beras dan minyak');
    assert.equal((await post(srv, metaSigned(wa))).status, 200);
    await until('a submission on every channel', () => {
      const have = sql(srv.db, "SELECT group_concat(DISTINCT channel) FROM submissions WHERE reply_json IS NOT NULL").split(',');
      return ['facebook', 'instagram', 'messenger', 'whatsapp', 'x', 'telegram', 'youtube', 'mastodon', 'tiktok'].every((c) => have.includes(c));
    });
    await until('the X search hit', () => sub('x', '1991900000000000001'));
    for (const [c, n] of Object.entries(NATIVE)) assert.ok(sub(c, n), `${c} ${n}`);
  });

  test('accepting answers each person on their channel, in the recorded request shape', async () => {
    // the first X reply meets a 429 and the first Telegram reply a 502
    fake.script('POST /2/tweets', { fixture: 'x/rate-limited-429.response' });
    fake.script('POST /sendMessage', { status: 502, json: { ok: false, error_code: 502, description: 'Bad Gateway' } });
    // the first YouTube answer meets comments turned off: final, not retried
    fake.script('POST /youtube/v3/comments', { fixture: 'youtube/error-commentsDisabled.response' });
    const ids = sql(srv.db, "SELECT id FROM submissions WHERE reply_json IS NOT NULL AND state='queued' AND channel <> 'web'").split('\n').filter(Boolean);
    for (const id of ids) await accept(id);
    await until('every answer settled', () => {
      const r = rows("kind='status'");
      return r.length >= ids.length && r.every((x) => ['sent', 'failed', 'skipped'].includes(x.state));
    }, 40000);

    const one = (route, pred) => {
      const got = fake.seen(route).filter((r) => r.method === 'POST' && pred(r));
      assert.ok(got.length >= 1, `no ${route}`);
      return got[got.length - 1];
    };
    const fb = one(`POST /v24.0/${NATIVE.facebook}/comments`, () => true);
    assert.match(fb.body.message, ACCEPTED);
    sameShape(fb.body, 'facebook/graph-comment-reply.request', (w, a) => (w.message = a.message), 'facebook');
    assert.equal(fb.headers.authorization, `Bearer ${ENV.GAGAS_TOKEN_FACEBOOK}`);

    const ig = one(`POST /v24.0/${NATIVE.instagram}/replies`, () => true);
    sameShape(ig.body, 'instagram/graph-comment-reply.request', (w, a) => (w.message = a.message), 'instagram');

    const ms = one(`POST /v24.0/${PAGE}/messages`, (r) => r.body?.recipient?.id === '7263548190273645');
    sameShape(ms.body, 'messenger/send-api.request', (w, a) => (w.message.text = a.message.text), 'messenger');

    const wa = one('POST /v24.0/109283746501928/messages', (r) => r.body?.type === 'text');
    assert.equal(wa.body.context.message_id, freshWamid);
    sameShape(wa.body, 'whatsapp/send-text.request', (w, a) => { w.text.body = a.text.body; w.context.message_id = a.context.message_id; w.biz_opaque_callback_data = a.biz_opaque_callback_data; }, 'whatsapp');
    const waRow = rows(`kind='status' AND channel='whatsapp' AND state='sent'`).find((x) => x.submission_id === Number(sub('whatsapp', freshWamid)));
    assert.equal(wa.body.biz_opaque_callback_data, `gagas-outbox-${waRow.id}`, 'its statuses will name the outbox row');

    const xr = one('POST /2/tweets', (r) => r.body?.reply?.in_reply_to_tweet_id === NATIVE.x);
    sameShape(xr.body, 'x/create-reply.request', (w, a) => (w.text = a.text), 'x');
    assert.match(xr.body.text, ACCEPTED);

    const tg = one('POST /sendMessage', (r) => r.body?.reply_parameters?.message_id === 5521);
    sameShape(tg.body, 'telegram/sendMessage.request', (w, a) => (w.text = a.text), 'telegram');
    assert.equal(tg.token, ENV.GAGAS_TOKEN_TELEGRAM);

    const yt = one('POST /youtube/v3/comments', (r) => r.body?.snippet?.parentId === NATIVE.youtube);
    assert.equal(yt.query.get('part'), 'snippet');
    sameShape(yt.body, 'youtube/comments-insert.request', (w, a) => (w.snippet.textOriginal = a.snippet.textOriginal), 'youtube');

    const md = one('POST /api/v1/statuses', (r) => r.body?.in_reply_to_id === NATIVE.mastodon);
    assert.match(md.body.status, /^@madesuarta@bali\.example\.id Terima kasih!/);
    sameShape(md.body, 'mastodon/post-status-reply.request', (w, a) => (w.status = a.status), 'mastodon');
    const mrow = rows(`kind='status' AND channel='mastodon'`)[0];
    assert.equal(md.headers['idempotency-key'], `gagas-outbox-${mrow.id}`, 'Idempotency-Key = the outbox id');

    const tt = one('POST /open_api/v1.3/business/comment/reply/create/', () => true);
    sameShape(tt.body, 'tiktok/business-comment-reply-create.request', (w, a) => (w.text = a.text), 'tiktok');
    assert.equal(tt.headers['access-token'], ENV.GAGAS_TOKEN_TIKTOK);

    const ytRows = rows("kind='status' AND channel='youtube'");
    const off = ytRows.filter((r) => r.state === 'failed');
    assert.equal(off.length, 1, outbox("channel='youtube'"));
    assert.match(off[0].error, /HTTP 403/);
    assert.equal(off[0].attempts, 1, 'a refusal is not retried');
    // every answerable row was sent once, with the platform's id kept
    for (const c of ['facebook', 'instagram', 'x', 'telegram', 'youtube', 'mastodon', 'tiktok']) {
      const sent = rows(`kind='status' AND channel='${c}' AND state='sent'`);
      assert.ok(sent.length >= 1, `${c}: ${outbox(`channel='${c}'`)}`);
      assert.ok(sent.every((r) => r.remote_id), `${c}: remote ids`);
    }
    assert.equal(rows(`kind='status' AND channel='x' AND state='sent' AND remote_id='1991830000000000042'`).length >= 1, true);
  });

  test('a rejection by a reviewer goes back to the person with its reason, in their language', async () => {
    const fix = inbound('telegram/update-message-group-reply');
    const upd = JSON.parse(fix.body.toString('utf8'));
    upd.update_id += 500;
    upd.message.message_id = 5601;
    upd.message.text = 'Jual pulsa murah dan kuota internet, hubungi saya di grup ini ya kak #GagasanWarga';
    delete upd.message.entities;
    const r = await post(srv, { ...fix, body: Buffer.from(JSON.stringify(upd)) });
    assert.equal(r.status, 200, r.text);
    const id = await until('the post', () => sub('telegram', `${CHAT}:5601`));
    const act = await srv.act(reviewer, Number(id), { action: 'reject', reason: 'off-topic' });
    assert.equal(act.status, 200, act.text);
    const sent = await until('the answer', () => fake.seen('POST /sendMessage').find((x) => x.body?.reply_parameters?.message_id === 5601));
    assert.match(sent.body.text, /belum dapat kami terbitkan \(di luar topik kampanye\)/);
    await until('its outbox row settled', () => rows(`kind='status' AND submission_id=${id} AND dedupe_key='status:${id}:rejected'`).length === 1);
  });

  test('a private reply to an Instagram comment goes as recorded', async () => {
    // queued the way other code queues a reply: target = the submission's reply_json
    const target = sql(srv.db, `SELECT reply_json FROM submissions WHERE channel='instagram' AND native_id='${NATIVE.instagram}'`);
    sql(srv.db, `INSERT INTO outbox(channel,kind,target_json,text,payload_json,dedupe_key) VALUES('instagram','reply','${target}','Terima kasih, Kak Dewi!','{"private":true}','private:ig:1')`);
    const row = await until('the private reply', () => {
      const x = rows("dedupe_key='private:ig:1'")[0];
      return x && x.state === 'sent' ? x : null;
    });
    const sent = fake.seen(`POST /v24.0/${IG}/messages`).find((r) => r.body?.recipient?.comment_id);
    sameShape(sent.body, 'instagram/graph-private-reply.request', (w, a) => (w.message.text = a.message.text), 'instagram private reply');
    assert.ok(row.remote_id);
  });

  test('a 429 is waited out and a 502 retried, each sent exactly once in the end', () => {
    const x = fake.seen('POST /2/tweets').filter((r) => r.body?.reply);
    const byTarget = groupBy(x, (r) => r.body.reply.in_reply_to_tweet_id);
    const twice = Object.values(byTarget).find((l) => l.length === 2);
    assert.ok(twice, `one X reply was tried twice: ${Object.entries(byTarget).map(([k, v]) => `${k}:${v.length}`)}`);
    assert.deepEqual(twice[0].body, twice[1].body);
    assert.ok(twice[1].at - twice[0].at >= 250, `waited before the retry (${twice[1].at - twice[0].at} ms)`);
    assert.ok(Object.values(byTarget).every((l) => l.length <= 2));
    const tg = fake.seen('POST /sendMessage').filter((r) => r.body?.reply_parameters);
    const tgBy = groupBy(tg, (r) => String(r.body.reply_parameters.message_id));
    assert.ok(Object.values(tgBy).some((l) => l.length === 2), 'the 502 was retried');
    assert.ok(rows("kind='status' AND channel='x'").every((r) => r.state === 'sent' || r.state === 'skipped'), outbox("channel='x'"));
    assert.ok(rows("kind='status' AND channel='telegram'").every((r) => r.state === 'sent'), outbox("channel='telegram'"));
    assert.ok(rows("kind='status' AND attempts >= 2 AND state='sent'").length >= 2);
  });

  test('outside the 24-hour window: WhatsApp sends the approved template, Messenger nothing', () => {
    const oldMs = rows(`kind='status' AND channel='messenger' AND submission_id=${sub('messenger', 'm_Vx8pQ2rT5yUw3zA1bC4dE6fG7hI9jK0lM2nO4pQ6rS8tU0vW2xY4zA6bC8dE0fG2hI4jK6lM8nO0pQ2rS4t')}`);
    assert.equal(oldMs.length, 1);
    assert.equal(oldMs[0].state, 'failed');
    assert.match(oldMs[0].error, /24-hour window/);
    assert.equal(fake.seen(`POST /v24.0/${PAGE}/messages`).length, 1, 'only the fresh Messenger message was answered');
    // both sides of the window on one WhatsApp number
    const sent = fake.seen('POST /v24.0/109283746501928/messages');
    const inside = sent.filter((r) => r.body.type === 'text');
    assert.equal(inside.length, 1);
    assert.equal(inside[0].body.context.message_id, freshWamid, 'the fresh message: free text, in context');
    const outside = sent.filter((r) => r.body.type === 'template');
    assert.equal(outside.length, 1, 'the old message: one template');
    const t = outside[0].body;
    assert.equal(t.to, '6281234567890');
    assert.equal(t.messaging_product, 'whatsapp');
    assert.equal(t.context, undefined);
    assert.equal(t.template.name, 'gagas_kabar_gagasan');
    assert.deepEqual(t.template.language, { code: 'id' });
    assert.equal(t.template.components.length, 1);
    assert.equal(t.template.components[0].type, 'body');
    assert.match(t.template.components[0].parameters[0].text, ACCEPTED, 'the answer fills the parameter');
    assert.equal(outside[0].headers.authorization, `Bearer ${ENV.GAGAS_TOKEN_WHATSAPP}`);
    const waRows = rows("kind='status' AND channel='whatsapp'");
    assert.equal(waRows.length, 2);
    assert.ok(waRows.every((r) => r.state === 'sent' && r.remote_id), JSON.stringify(waRows));
    assert.match(t.biz_opaque_callback_data, /^gagas-outbox-\d+$/);
  });

  test('X answers only mentions: a search hit without @mention is skipped', () => {
    const skipped = rows("kind='status' AND channel='x' AND state='skipped'");
    assert.ok(skipped.length >= 1, outbox("channel='x'"));
    assert.match(skipped[0].error, /mention/);
    assert.equal(fake.seen('POST /2/tweets').filter((r) => r.body?.reply?.in_reply_to_tweet_id === '1991900000000000001').length, 0);
    assert.equal(skipped[0].submission_id, Number(sub('x', '1991900000000000001')));
  });

  // a submission ready for review (the filter has run), not just stored
  const queued = (what, channel, native) => until(what, () => sql(srv.db, `SELECT id FROM submissions WHERE channel='${channel}' AND native_id='${native}' AND state='queued'`));
  const settled = (what, where) => until(what, () => {
    const x = rows(where)[0];
    return x && x.state !== 'pending' && x.state !== 'sending' ? x : null;
  });
  // a reply queued by other code (target = the submission's reply_json)
  const queueReply = (channel, native, text, key) => {
    const target = sql(srv.db, `SELECT reply_json FROM submissions WHERE channel='${channel}' AND native_id='${native}'`);
    assert.ok(target, `${channel} ${native} has a reply target`);
    sql(srv.db, `INSERT INTO outbox(channel,kind,target_json,text,dedupe_key) VALUES('${channel}','reply','${target}','${text}','${key}')`);
  };

  test('an unreadable 2xx: the reply is looked for, never posted twice', async () => {
    // Facebook: the answer is cut short, but the comment is there: sent, once
    let r = await post(srv, inbound('facebook/feed-comment-reply-add'));
    assert.equal(r.status, 200);
    const native = '122193847561038291_1092837465019876';
    const id = await queued('the reply comment', 'facebook', native);
    fake.script(`POST /v24.0/${native}/comments`, { truncate: 'facebook/graph-comment-reply.response' });
    await accept(id);
    const row = await settled('its answer settled', `kind='status' AND submission_id=${id}`);
    assert.equal(row.state, 'sent', JSON.stringify(row));
    assert.match(row.error, /found/);
    assert.equal(row.remote_id, fake.comments.get(native)[0].id, 'the id of the comment found');
    assert.ok(fake.seen(`GET /v24.0/${native}/comments`).length >= 1, 'looked under the parent');
    await sleep(1000);
    assert.equal(fake.seen(`POST /v24.0/${native}/comments`).length, 1);

    // a cut-short answer for a comment that was lost: looked for twice
    // (platforms index late), then sent again, once
    const body = fs.readFileSync(path.join(FIX, 'facebook/feed-comment-add.json'), 'utf8')
      .replace('122193847561038291_1092837465012345', '122193847561038291_1092837465055555')
      .replace(/"message":"[^"]*"/, '"message":"Usul: trotoar di Jl. Magelang diperlebar untuk pejalan kaki #GagasanWarga"');
    assert.equal((await post(srv, metaSigned(body))).status, 200);
    const lost = '122193847561038291_1092837465055555';
    const id2 = await queued('the second comment', 'facebook', lost);
    fake.script(`POST /v24.0/${lost}/comments`, { truncate: 'facebook/graph-comment-reply.response', drop: true });
    await accept(id2);
    const row2 = await until('sent after the check', () => {
      const x = rows(`kind='status' AND submission_id=${id2}`)[0];
      return x && x.state === 'sent' ? x : null;
    });
    assert.equal(fake.seen(`POST /v24.0/${lost}/comments`).length, 2, 'sent again, once');
    assert.equal(fake.seen(`GET /v24.0/${lost}/comments`).length, 2, 'looked after the answer and again before the re-send');
    assert.equal(row2.attempts, 2);

    // X: our own timeline shows the reply (its link as t.co): sent, once
    const before = sql(srv.db, "SELECT coalesce(max(id),0) FROM submissions WHERE channel='x'");
    const xa = inbound('x/xaa-post-mention-create');
    const xbody = Buffer.from(xa.body.toString('utf8').replaceAll('1991827364501928371', '1991999999999999999')
      .replace('1991827364501928990', '1991999999999999990').replace('subsidi transportasi umum untuk pekerja harian di Jabodetabek', 'bus sekolah gratis untuk anak-anak di Bandung Raya'));
    const xsig = crypto.createHmac('sha256', ENV.GAGAS_X_CONSUMER_SECRET).update(xbody).digest('base64');
    const xr = await post(srv, { path: xa.path, headers: { ...xa.headers, 'x-twitter-webhooks-signature': `sha256=${xsig}` }, body: xbody });
    assert.equal(xr.status, 200, xr.text);
    const xid = await until('the X mention', () => sql(srv.db, `SELECT id FROM submissions WHERE channel='x' AND id > ${before} AND state='queued'`));
    const xnative = sql(srv.db, `SELECT native_id FROM submissions WHERE id=${xid}`);
    const toX = (q) => q.body?.reply?.in_reply_to_tweet_id === xnative;
    fake.script('POST /2/tweets', { truncate: 'x/create-reply.response', when: toX });
    await accept(xid);
    const xrow = await settled('the X answer settled', `kind='status' AND submission_id=${xid}`);
    assert.equal(xrow.state, 'sent', JSON.stringify(xrow));
    assert.match(xrow.error, /found/);
    assert.equal(xrow.remote_id, fake.posts.find((p) => p.referenced_tweets?.[0]?.id === xnative).id);
    const look = fake.seen(`GET /2/users/${X_ID}/tweets`);
    assert.ok(look.length >= 1, 'looked at our own timeline');
    assert.equal(look[0].headers.authorization, `Bearer ${ENV.GAGAS_TOKEN_X}`);
    await sleep(1000);
    assert.equal(fake.seen('POST /2/tweets').filter(toX).length, 1);
  });

  test('no answer after the request left: looked for, never posted twice', async () => {
    // YouTube: the connection drops after the request; the reply exists
    const yText = 'Terima kasih, masukan Anda kami catat.';
    queueReply('youtube', NATIVE.youtube, yText, 'hangup:yt:1');
    fake.script('POST /youtube/v3/comments', { hangup: true, when: (q) => q.body?.snippet?.textOriginal === yText });
    const yt = await settled('the YouTube reply settled', "dedupe_key='hangup:yt:1'");
    assert.equal(yt.state, 'sent', JSON.stringify(yt));
    assert.match(yt.error, /found/);
    assert.equal(yt.remote_id, fake.ytReplies.get(NATIVE.youtube).find((c) => c.snippet.textOriginal === yText).id);
    const ylook = fake.seen('GET /youtube/v3/comments').filter((q) => q.query.get('parentId') === NATIVE.youtube);
    assert.ok(ylook.length >= 1);
    assert.equal(fake.seen('POST /youtube/v3/comments').filter((q) => q.body?.snippet?.textOriginal === yText).length, 1);

    // TikTok: cut short and lost: not there twice, then sent again, once
    const tText = 'Terima kasih, Kak! Kami bahas di live.';
    queueReply('tiktok', '7571234567890123456', tText, 'cut:tt:1');
    fake.script('POST /open_api/v1.3/business/comment/reply/create/', { truncate: 'tiktok/business-comment-reply-create.response', drop: true, when: (q) => q.body?.text === tText });
    const tt = await until('the TikTok reply sent', () => {
      const x = rows("dedupe_key='cut:tt:1'")[0];
      return x && x.state === 'sent' ? x : null;
    });
    assert.equal(tt.attempts, 2);
    assert.equal(fake.seen('POST /open_api/v1.3/business/comment/reply/create/').filter((q) => q.body?.text === tText).length, 2);
    const tlook = fake.seen('GET /open_api/v1.3/business/comment/reply/list/');
    assert.equal(tlook.length, 2);
    assert.equal(tlook[0].query.get('comment_id'), '7571234567890123456');
    assert.equal(tlook[0].headers['access-token'], ENV.GAGAS_TOKEN_TIKTOK);
  });

  test('where nothing can be looked up (Telegram) the send is unknown, not retried, and shown', async () => {
    const text = 'Terima kasih atas gagasan Anda.';
    queueReply('telegram', NATIVE.telegram, text, 'cut:tg:1');
    fake.script('POST /sendMessage', { truncate: 'telegram/sendMessage.response', when: (q) => q.body?.text === text });
    const row = await settled('the Telegram reply settled', "dedupe_key='cut:tg:1'");
    assert.equal(row.state, 'failed', JSON.stringify(row));
    assert.match(row.error, /^unknown whether it was posted .*no way to check; not re-sent/);
    assert.equal(sql(srv.db, "SELECT delivery FROM outbox WHERE dedupe_key='cut:tg:1'"), 'unknown');
    await sleep(1200);
    assert.equal(fake.seen('POST /sendMessage').filter((q) => q.body?.text === text).length, 1, 'not re-sent');
    // health: the API and /metrics name it 'unknown', the console lists it
    const h = await srv.get('/api/v1/channels', { jar: admin.jar });
    assert.equal(h.status, 200);
    assert.ok(h.json.outbox.some((c) => c.channel === 'telegram' && c.state === 'unknown' && c.n === 1), JSON.stringify(h.json.outbox));
    const recent = h.json.recent.find((x) => x.dedupe_key === 'cut:tg:1');
    assert.equal(recent.state, 'unknown');
    assert.equal(recent.delivery, 'unknown');
    const m = await srv.get('/metrics', { jar: admin.jar });
    assert.match(m.text, /gagas_outbox\{channel="telegram",kind="reply",state="unknown"\} 1/);
    const page = await srv.get('/console/channels', { jar: admin.jar });
    assert.equal(page.status, 200);
    assert.match(page.text, /class="unknown"/);

    // an admin who looked settles it: not there → sent again, once; audited
    const id = row.id;
    const resolve = (body, who = admin, csrf = true) => srv.post(`/api/v1/channels/outbox/${id}/resolve`, body, { jar: who.jar, headers: csrf ? { 'x-csrf-token': who.csrf } : {} });
    assert.equal((await resolve({ posted: false }, admin, false)).status, 403, 'CSRF');
    assert.equal((await resolve({ posted: false }, reviewer)).status, 403, 'admins only');
    assert.equal((await resolve({ posted: 'no' })).status, 400);
    assert.equal((await resolve({ posted: false, remote_id: 'x' })).status, 400, 'an id only for a post found');
    assert.equal((await resolve({ posted: false, extra: 1 })).status, 400);
    assert.equal((await srv.post('/api/v1/channels/outbox/999999/resolve', { posted: true }, { jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } })).status, 404);
    const ok = await resolve({ posted: false });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.state, 'pending');
    const again = await until('sent again', () => {
      const x = rows("dedupe_key='cut:tg:1'")[0];
      return x.state === 'sent' ? x : null;
    });
    assert.equal(again.attempts, 2);
    assert.equal(fake.seen('POST /sendMessage').filter((q) => q.body?.text === text).length, 2, 'sent again, once');
    assert.equal((await resolve({ posted: true })).status, 409, 'only an unknown send is settled by hand');
    const audit = sql(srv.db, `SELECT actor || ' ' || reason FROM audit WHERE action='outbox.resolve' AND object_id=${id}`);
    assert.equal(audit, `${USERS.admin.email} not posted`);
  });

  test('WhatsApp: its status webhook settles an unknown send, and reports a late failure', async () => {
    const text = 'Terima kasih, Pak Budi. Kami kabari lagi.';
    queueReply('whatsapp', freshWamid, text, 'cut:wa:1');
    fake.script('POST /v24.0/109283746501928/messages', { truncate: 'whatsapp/send-text.response', when: (q) => q.body?.text?.body === text });
    const row = await settled('the WhatsApp reply settled', "dedupe_key='cut:wa:1'");
    assert.equal(row.state, 'failed');
    assert.match(row.error, /^unknown whether it was posted .*status webhook will settle it/);
    assert.equal(rows("dedupe_key='cut:wa:1'")[0].remote_id, null);
    const sent = fake.seen('POST /v24.0/109283746501928/messages').find((q) => q.body?.text?.body === text);
    assert.equal(sent.body.biz_opaque_callback_data, `gagas-outbox-${row.id}`);
    // WhatsApp tells us by webhook: delivered, with the message id
    const status = (callback, wamid, st, errors) => metaSigned(JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '102938475610293', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '6281110002026', phone_number_id: '109283746501928' },
        statuses: [{ id: wamid, status: st, timestamp: String(nowS + 5), recipient_id: '6281234567890', biz_opaque_callback_data: callback, ...(errors ? { errors } : {}) }] } }] }],
    }));
    assert.equal((await post(srv, status(`gagas-outbox-${row.id}`, 'wamid.LATE1', 'delivered'))).status, 200);
    const done = await until('settled by its status', () => {
      const x = rows("dedupe_key='cut:wa:1'")[0];
      return x.state === 'sent' ? x : null;
    });
    assert.equal(done.remote_id, 'wamid.LATE1');
    assert.match(done.error, /reported it delivered/);
    assert.equal(sql(srv.db, `SELECT delivery FROM outbox WHERE id=${row.id}`), 'found');
    assert.equal(fake.seen('POST /v24.0/109283746501928/messages').filter((q) => q.body?.text?.body === text).length, 1, 'never re-sent');
    // a template that went out fine, then failed at WhatsApp: the row says so
    const tpl = rows("kind='status' AND channel='whatsapp' AND state='sent'").find((x) => fake.seen('POST /v24.0/109283746501928/messages').some((q) => q.body.type === 'template' && q.body.biz_opaque_callback_data === `gagas-outbox-${x.id}`));
    assert.ok(tpl, 'the template row');
    const errors = [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }];
    assert.equal((await post(srv, status(`gagas-outbox-${tpl.id}`, tpl.remote_id, 'failed', errors))).status, 200);
    const failed = await until('the late failure', () => {
      const x = rows(`id=${tpl.id}`)[0];
      return x.state === 'failed' ? x : null;
    });
    assert.match(failed.error, /reported the message failed: 131026 Message undeliverable/);
    // a status naming a row of another channel changes nothing
    const tg = rows("dedupe_key='cut:tg:1'")[0];
    assert.equal((await post(srv, status(`gagas-outbox-${tg.id}`, 'wamid.OTHER', 'failed', errors))).status, 200);
    await sleep(500);
    assert.equal(rows("dedupe_key='cut:tg:1'")[0].state, 'sent');
  });

  test('a restart sends nothing twice and queues nothing new', async () => {
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.route !== 'POST /getUpdates').length;
    const before = outbox('1');
    await srv.shutdown();
    await srv.launch();
    reviewer = await srv.login(USERS.reviewer);
    admin = await srv.login(USERS.admin);
    await sleep(2000);
    assert.equal(fake.requests.filter((r) => r.method === 'POST' && r.route !== 'POST /getUpdates').length, posts);
    assert.equal(outbox('1'), before);
  });

  test('publishing a campaign call reaches every connected account, now or later', async () => {
    const r = await srv.post('/api/v1/campaigns/pilkada/publish', {}, { jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.queued.length, 5);
    const again = await srv.post('/api/v1/campaigns/pilkada/publish', {}, { jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } });
    assert.equal(again.status, 202);
    assert.equal(again.json.duplicates, 5, 'a double click queues nothing more');
    await until('all published', () => rows("kind='publish'").every((x) => x.state === 'sent'));
    const fb = fake.seen(`POST /v24.0/${PAGE}/feed`)[0];
    assert.match(fb.body.message, /^Isu apa yang paling penting untuk Pilkada 2027\? Kirim gagasan Anda: http:\/\/gagas\.test\/c\/pilkada #Pilkada2027$/);
    assert.equal(fb.body.link, 'http://gagas.test/c/pilkada');
    const media = fake.seen(`POST /v24.0/${IG}/media`)[0];
    assert.equal(media.body.image_url, 'https://gagas.test/img/call.jpg');
    const pub = fake.seen(`POST /v24.0/${IG}/media_publish`)[0];
    assert.match(pub.body.creation_id, /^container/);
    assert.ok(fake.seen('POST /2/tweets').some((x) => !x.body.reply && !x.body.poll && /c\/pilkada/.test(x.body.text)));
    assert.ok(fake.seen('POST /sendMessage').some((x) => x.body.chat_id === Number(CHAT) && /c\/pilkada/.test(x.body.text)));
    assert.ok(fake.seen('POST /api/v1/statuses').some((x) => /c\/pilkada/.test(x.body.status ?? '') && x.headers['idempotency-key']));
    assert.ok(rows("kind='publish'").every((x) => x.remote_id && x.result?.http_status >= 200 && x.result?.http_status < 300));

    // scheduled: queued with its time, not sent before it
    const at = Math.floor(Date.now() / 1000) + 3600;
    const later = await srv.post('/api/v1/campaigns/pilkada/publish', { at, channels: ['x'] }, { jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } });
    assert.equal(later.status, 202, later.text);
    const row = rows(`id=${later.json.queued[0]}`)[0];
    assert.equal(row.next_at, at);
    await sleep(500);
    assert.equal(rows(`id=${later.json.queued[0]}`)[0].state, 'pending');
    const typo = await srv.post('/api/v1/campaigns/pilkada/publish', { chanels: ['x'] }, { jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } });
    assert.equal(typo.status, 400, 'an unknown field is refused, not ignored');
    assert.match(typo.json.error.message, /chanels/);
    // admin only, with CSRF
    const noCsrf = await srv.post('/api/v1/campaigns/pilkada/publish', {}, { jar: admin.jar });
    assert.equal(noCsrf.status, 403);
    const asReviewer = await srv.post('/api/v1/campaigns/pilkada/publish', {}, { jar: reviewer.jar, headers: { 'x-csrf-token': reviewer.csrf } });
    assert.equal(asReviewer.status, 403);
  });

  test('reach and engagement of the calls are pulled, refreshed and shown', async () => {
    const calls = () => Object.fromEntries(rows("kind='publish' AND state='sent'").map((x) => [x.channel, x]));
    const metrics = (c) => JSON.parse(sql(srv.db, `SELECT coalesce(metrics_json,'null') FROM outbox WHERE kind='publish' AND state='sent' AND channel='${c}'`));
    // every call gets its counts soon after it went out, then again each period
    await until('counts of every call', () => ['x', 'facebook', 'instagram', 'mastodon'].every((c) => metrics(c)?.counts) && metrics('telegram')?.unavailable);
    const c = calls();
    const x1 = metrics('x');
    assert.ok(x1.counts.likes >= 10 && x1.counts.impressions >= 100 && x1.counts.reposts >= 1, JSON.stringify(x1));
    const xr = fake.seen(`GET /2/tweets/${c.x.remote_id}`);
    assert.equal(xr[0].query.get('tweet.fields'), 'public_metrics');
    assert.equal(xr[0].headers.authorization, `Bearer ${ENV.GAGAS_TOKEN_X}`);
    const fb = metrics('facebook').counts;
    assert.ok(fb.impressions > 0 && fb.reach > 0 && fb.clicks > 0 && fb.likes >= 4, JSON.stringify(fb));
    assert.equal(fake.seen(`GET /v24.0/${c.facebook.remote_id}/insights`)[0].query.get('metric'), 'post_impressions,post_impressions_unique,post_clicks,post_reactions_by_type_total');
    const ig = metrics('instagram').counts;
    assert.ok(ig.reach > 0 && ig.views > 0 && ig.likes > 0 && ig.replies > 0 && ig.saves > 0, JSON.stringify(ig));
    const md = metrics('mastodon').counts;
    assert.deepEqual(Object.keys(md).sort(), ['likes', 'replies', 'reposts']);
    assert.match(metrics('telegram').unavailable, /no counts/);
    // refreshed: a later read reports more, and Telegram is not asked again
    await until('a second read', () => metrics('x').counts.likes > x1.counts.likes, 10000);
    // the API: per call and summed, for admins and analysts only
    const r = await srv.get('/api/v1/campaigns/pilkada/reach', { jar: admin.jar });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.calls.length, 5);
    const sum = r.json.calls.reduce((t, k) => t + (k.metrics?.counts?.likes ?? 0), 0);
    assert.equal(r.json.totals.likes, sum);
    assert.ok(r.json.calls.find((k) => k.channel === 'x').metrics.fetched_at > 0);
    assert.equal((await srv.get('/api/v1/campaigns/pilkada/reach', { jar: reviewer.jar })).status, 403);
    assert.equal((await srv.get('/api/v1/campaigns/nope/reach', { jar: admin.jar })).status, 404);
    assert.equal((await srv.get('/api/v1/campaigns/pilkada/reach')).status, 401);
    // the console's channel page shows them
    const page = await srv.get('/console/channels', { jar: admin.jar });
    assert.match(page.text, /class="reach"/);
    assert.ok(page.text.includes(`<td>${c.mastodon.remote_id}</td>`));
  });

  test('a Graph page rate limit waits the estimated time to regain access', async () => {
    fake.script(`POST /v24.0/${PAGE}/feed`, { fixture: 'facebook/graph-error-rate-limit.response' });
    const r = await srv.post('/api/v1/campaigns/pilkada/publish', { channels: ['facebook'], lang: 'en' }, { jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } });
    assert.equal(r.status, 202, r.text);
    const row = await until('the limited call', () => {
      const x = rows(`id=${r.json.queued[0]}`)[0];
      return x.state === 'pending' && x.attempts === 1 ? x : null;
    });
    assert.match(row.error, /rate limited/);
    assert.ok(row.next_at - Math.floor(Date.now() / 1000) >= 11 * 60, 'estimated_time_to_regain_access: 12 minutes');
  });

  test('a comment under the published call joins that campaign without its hashtag', async () => {
    const postId = rows("kind='publish' AND channel='facebook'")[0].remote_id;
    const body = fs.readFileSync(path.join(FIX, 'facebook/feed-comment-add.json'), 'utf8')
      .replaceAll('104729385610923_122193847561038291', postId)
      .replace('122193847561038291_1092837465012345', '555_777')
      .replace(/"message":"[^"]*"/, '"message":"Menurut saya air bersih harus jadi prioritas utama."');
    assert.equal((await post(srv, metaSigned(body))).status, 200);
    const cid = await until('the comment', () => sql(srv.db, "SELECT campaign_id FROM submissions WHERE native_id='555_777'"));
    assert.equal(cid, sql(srv.db, "SELECT id FROM campaigns WHERE slug='pilkada'"));
  });

  test('polls and quizzes go out as recorded, and votes come back', async () => {
    const h = { jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } };
    const quiz = requestFixture('telegram/sendPoll-quiz.request').json;
    let r = await srv.post('/api/v1/channels/polls', {
      channel: 'telegram', chat_id: CHAT, question: quiz.question, options: quiz.options.map((o) => o.text),
      quiz: true, correct_option: 2, explanation: quiz.explanation, duration_s: 600, campaign: 'pilkada',
    }, h);
    assert.equal(r.status, 202, r.text);
    const xp = requestFixture('x/create-poll.request').json;
    r = await srv.post('/api/v1/channels/polls', { channel: 'x', question: xp.text, options: xp.poll.options, duration_s: 86400 }, h);
    assert.equal(r.status, 202, r.text);
    const mp = requestFixture('mastodon/post-status-poll.request').json;
    r = await srv.post('/api/v1/channels/polls', { channel: 'mastodon', question: mp.status, options: mp.poll.options, duration_s: 86400 }, h);
    assert.equal(r.status, 202, r.text);
    const bad = await srv.post('/api/v1/channels/polls', { channel: 'whatsapp', question: 'q', options: ['a', 'b'] }, h);
    assert.equal(bad.status, 400);
    await until('polls sent', () => { const p = rows("kind='poll'"); return p.length === 3 && p.every((x) => x.state === 'sent'); });
    assert.deepEqual(fake.seen('POST /sendPoll')[0].body, quiz);
    assert.deepEqual(fake.seen('POST /2/tweets').find((x) => x.body.poll).body, xp);
    const mpost = fake.seen('POST /api/v1/statuses').find((x) => x.body.poll);
    assert.deepEqual(mpost.body, mp);
    const tgPoll = rows("kind='poll' AND channel='telegram'")[0];
    assert.equal(tgPoll.result.poll_id, '5398123456789012345');
    // a vote arrives through getUpdates
    const vote = JSON.parse(fs.readFileSync(path.join(FIX, 'telegram/update-poll-answer.json'), 'utf8'));
    fake.script('POST /getUpdates', { json: { ok: true, result: [vote] } });
    const got = await until('the vote', () => sql(srv.db, "SELECT options || '|' || outbox_id FROM poll_answers WHERE poll_id='5398123456789012345'"));
    assert.equal(got, `2|${tgPoll.id}`);
  });

  test('X and Mastodon report only totals per option: they are read back and join the portal poll\'s results by channel', async () => {
    const h = { jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } };
    const xp = requestFixture('x/create-poll.request').json;
    const made = await srv.post('/api/v1/campaigns/pilkada/polls', { question: xp.text, options: xp.poll.options }, h);
    assert.equal(made.status, 201, made.text);
    const pollId = made.json.id;
    for (const channel of ['x', 'mastodon']) {
      const r = await srv.post('/api/v1/channels/polls', { channel, poll_id: pollId, duration_s: 86400 }, h);
      assert.equal(r.status, 202, r.text);
    }
    const ours = (c) => rows(`kind='poll' AND channel='${c}' AND json_extract(payload_json,'$.poll_id')=${pollId}`)[0];
    const totals = (c) => JSON.parse(sql(srv.db, `SELECT coalesce(json_extract(metrics_json,'$.counts'),'{}') FROM outbox WHERE id=${ours(c).id}`));
    await until('both polls sent and their totals read', () => ['x', 'mastodon'].every((c) => ours(c)?.state === 'sent' && Array.isArray(totals(c).poll)));
    const xq = fake.seen(`GET /2/tweets/${ours('x').remote_id}`).at(-1).query;
    assert.equal(xq.get('expansions'), 'attachments.poll_ids');
    assert.equal(xq.get('poll.fields'), 'options');
    // the results equal the totals the platforms reported (read again if a refresh came between)
    await until('results equal to the stored totals', async () => {
      const tx = totals('x').poll, tm = totals('mastodon');
      const res = (await srv.get(`/api/v1/polls/${pollId}/results`)).json;
      const asObj = (a) => Object.fromEntries(a.map((v, k) => [String(k), v]).filter(([, v]) => v > 0));
      // X counts by position: option k has (k+1)·n votes in the fake, whatever order it lists them
      assert.ok(tx[1] === 2 * tx[0] && tx[3] === 4 * tx[0] && tx[0] > 0, JSON.stringify(tx));
      return JSON.stringify(res.by_channel.x) === JSON.stringify(asObj(tx)) &&
        JSON.stringify(res.by_channel.mastodon) === JSON.stringify(asObj(tm.poll)) &&
        res.counts.every((v, k) => v === tx[k] + tm.poll[k]) &&
        res.voters === tx.reduce((a, b) => a + b, 0) + tm.poll_voters;
    });
  });
});
