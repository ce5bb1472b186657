// End-to-end (issue 5): the portal's participant side — similar ideas before
// sending (API list, the no-JavaScript preview step, support instead), the
// optional name and contact with consent, the "my ideas" page with its
// download and delete forms, and channel poll answers merged into a portal
// poll's results. Every refusal is checked with its status.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { CookieJar, Server, USERS, assertError, marker, show } from '../lib/server.mjs';

let srv;
let admin;
let reviewer;
let ideaId;
let baseSid;
const BASE = 'Tolong perbaiki saluran air di pasar induk kota karena setiap hujan deras pasar selalu banjir dan pedagang rugi';

const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' }).trim();
const csrfOf = (html) => (html.match(/name="csrf" value="([0-9a-f]{32})"/) || [])[1];

before(async () => {
  srv = await Server.start({ name: 'portal-participant' });
  admin = await srv.login(USERS.admin);
  reviewer = await srv.login(USERS.reviewer);
  const sid = await srv.submitOk(BASE);
  baseSid = sid;
  const a = await srv.act(reviewer, sid, { action: 'accept', title: 'Saluran air pasar induk' });
  assert.equal(a.status, 200, show(a));
  ideaId = a.json.idea.id;
});

after(async () => {
  if (srv) await srv.stop();
});

async function portal(jar) {
  const page = await srv.get('/c/demo', { jar });
  assert.equal(page.status, 200, show(page));
  const csrf = csrfOf(page.text);
  assert.ok(csrf, 'no csrf field on the campaign page');
  return csrf;
}

describe('similar ideas before sending', () => {
  test('the API lists up to 5, by shared words when the index has no copy; nothing for an unrelated draft', async () => {
    // other words, same matter: no near-copy, but the words are shared
    const draft = 'Pasar induk kota banjir tiap hujan, saluran air tersumbat, pedagang rugi terus';
    const r = await srv.get(`/api/v1/campaigns/demo/similar?text=${encodeURIComponent(draft)}`);
    assert.equal(r.status, 200, show(r));
    assert.ok(Array.isArray(r.json.ideas) && r.json.ideas.length <= 5, show(r));
    assert.ok(r.json.ideas.some((i) => i.id === ideaId), `the idea is not offered: ${show(r)}`);
    for (const i of r.json.ideas) assert.ok(i.title && typeof i.supporters === 'number' && i.status !== 'ditolak');
    const far = await srv.get(`/api/v1/campaigns/demo/similar?text=${encodeURIComponent('Mohon diadakan lomba layang-layang untuk anak')}`);
    assert.equal(far.status, 200, show(far));
    assert.ok(!far.json.ideas.some((i) => i.id === ideaId), 'an unrelated draft is matched');
    // FTS5 syntax in a draft is text, not a query
    const odd = await srv.get(`/api/v1/campaigns/demo/similar?text=${encodeURIComponent('pasar" OR NEAR( * banjir AND "')}`);
    assert.equal(odd.status, 200, show(odd));
    assertError(await srv.get(`/api/v1/campaigns/demo/similar?text=${'a'.repeat(5001)}`), 400, 'too long');
    assertError(await srv.get('/api/v1/campaigns/demo/similar?text=%FF%FE'), 400, 'not UTF-8');
  });

  test('the form goes to a preview that offers support instead; "send anyway" sends', async () => {
    const jar = new CookieJar();
    const csrf = await portal(jar);
    const draft = `Saluran air pasar induk kota tersumbat, setiap hujan deras pasar banjir ${marker()}`;
    const pv = await srv.req('POST', '/c/demo/submit', { form: { csrf, text: draft }, jar });
    assert.equal(pv.status, 200, show(pv));
    assert.ok(pv.text.includes(`action="/i/${ideaId}/support"`), 'no support-instead form on the preview');
    assert.ok(pv.text.includes('name="confirm" value="1"'), 'no send-anyway form');
    const before = (await srv.get(`/api/v1/ideas/${ideaId}`)).json.supporters;
    const sup = await srv.req('POST', `/i/${ideaId}/support`, { form: { csrf, undo: '0' }, jar });
    assert.equal(sup.status, 303, show(sup));
    assert.equal((await srv.get(`/api/v1/ideas/${ideaId}`)).json.supporters, before + 1, 'support instead is not counted');
    const again = await srv.req('POST', `/i/${ideaId}/support`, { form: { csrf, undo: '0' }, jar });
    assert.match(again.headers.location, /error=conflict/, 'a second support by the same participant');
    const sent = await srv.req('POST', '/c/demo/submit', { form: { csrf, text: draft, confirm: '1' }, jar });
    assert.equal(sent.status, 303, show(sent));
    assert.match(sent.headers.location, /^\/s\/\d+$/);
    // a draft nothing is like goes straight through
    const plain = await srv.req('POST', '/c/demo/submit', { form: { csrf, text: `Lomba layang-layang antar desa ${marker()}` }, jar });
    assert.equal(plain.status, 303, show(plain));
    assertError(await srv.req('POST', '/c/demo/submit', { form: { csrf: '0'.repeat(32), text: draft }, jar }), 403, 'forged token');
  });

  test('the campaign page carries the live script, allowed by its hash only', async () => {
    const page = await srv.get('/c/demo');
    const csp = page.headers['content-security-policy'];
    assert.match(csp, /script-src 'self' 'sha256-[A-Za-z0-9+/=]{44}'/);
    assert.ok(page.text.includes('id="similar"') && page.text.includes('<script>'), 'no live suggestions');
    assert.ok(Buffer.byteLength(page.text) < 100 * 1024);
  });
});

describe('name and contact with consent', () => {
  test('refused without the tick; kept with it, never public, in the download, gone with the deletion', async () => {
    const jar = new CookieJar();
    const csrf = await portal(jar);
    const text = `Lomba kebersihan kampung tiap bulan ${marker()}`;
    const no = await srv.req('POST', '/c/demo/submit', { form: { csrf, text, name: 'Siti', contact: '081234567890' }, jar });
    assert.equal(no.status, 303, show(no));
    assert.match(no.headers.location, /error=consent/);
    const long = await srv.req('POST', '/c/demo/submit', { form: { csrf, text, name: 'x'.repeat(121), consent: '1' }, jar });
    assert.match(long.headers.location, /error=contact/);
    assert.equal((await srv.get('/api/v1/me', { jar })).json.contact, null, 'a refused contact was kept');
    const ok = await srv.req('POST', '/c/demo/submit', { form: { csrf, text, name: 'Siti', contact: 'siti@contoh.id', consent: '1', confirm: '1' }, jar });
    assert.equal(ok.status, 303, show(ok));
    const sid = Number(ok.headers.location.split('/').pop());
    const me = await srv.get('/api/v1/me', { jar });
    assert.equal(me.json.contact.name, 'Siti');
    assert.equal(me.json.contact.contact, 'siti@contoh.id');
    assert.match(me.json.contact.consent_text, /Saya setuju/);
    assert.match(me.json.contact.consented_at, /^\d{4}-\d\d-\d\dT/);
    assert.ok(me.json.submissions.some((s) => s.id === sid), 'my submission is not in my data');
    const pub = await srv.get(`/api/v1/submissions/${sid}`);
    assert.ok(!JSON.stringify(pub.json || {}).includes('siti@contoh.id'), 'the contact shows publicly');
    assert.ok(!(await srv.get(`/s/${sid}`)).text.includes('siti@contoh.id'));
    const del = await srv.req('DELETE', '/api/v1/me', { jar });
    assert.equal(del.status, 200, show(del));
    const after = await srv.get('/api/v1/me', { jar });
    assert.equal(after.json.contact, null);
    assert.equal(after.json.submissions.length, 0, 'submissions still tied to the deleted participant');
    assert.equal(sql(`SELECT count(*) FROM participant_contacts WHERE contact='siti@contoh.id'`), '0');
  });
});

describe('my ideas page', () => {
  test('lists what I sent with its status and response, my supports and votes; linked from portal pages', async () => {
    const jar = new CookieJar();
    const csrf = await portal(jar);
    const text = `Bangun halte bus beratap di depan sekolah dasar ${marker()}`;
    const sent = await srv.req('POST', '/c/demo/submit', { form: { csrf, text, confirm: '1' }, jar });
    const sid = Number(sent.headers.location.split('/').pop());
    const acc = await srv.act(reviewer, sid, { action: 'accept', title: 'Halte sekolah' });
    assert.equal(acc.status, 200, show(acc));
    const mine = acc.json.idea.id;
    const patch = await srv.req('PATCH', `/api/v1/ideas/${mine}`, {
      json: { status: 'diadopsi', official_response: 'Masuk program kerja 2027.' }, jar: admin.jar, headers: { 'x-csrf-token': admin.csrf },
    });
    assert.equal(patch.status, 200, show(patch));
    await srv.post(`/api/v1/ideas/${ideaId}/supports`, {}, { jar });
    const page = await srv.get('/me', { jar });
    assert.equal(page.status, 200, show(page));
    assert.ok(page.text.includes(text), 'my idea is missing');
    assert.ok(page.text.includes('Masuk program kerja 2027.'), 'the official response is missing');
    assert.ok(page.text.includes('diadopsi'), 'the status is missing');
    assert.ok(page.text.includes(`href="/i/${ideaId}"`), 'my support is missing');
    assert.ok(page.text.includes('href="/api/v1/me"') && page.text.includes('action="/me/delete"'));
    for (const p of ['/', '/c/demo', `/i/${ideaId}`]) assert.ok((await srv.get(p)).text.includes('href="/me"'), `${p} does not link /me`);
    // a stranger sees nothing of it
    const other = await srv.get('/me', { jar: new CookieJar() });
    assert.ok(!other.text.includes(text));
  });

  test('the delete form needs its token and the box; then everything is gone', async () => {
    const jar = new CookieJar();
    const csrf = await portal(jar);
    await srv.post(`/api/v1/ideas/${ideaId}/supports`, {}, { jar });
    assertError(await srv.req('POST', '/me/delete', { form: { csrf: '0'.repeat(32), sure: '1' }, jar }), 403, 'forged token');
    const unsure = await srv.req('POST', '/me/delete', { form: { csrf }, jar });
    assert.match(unsure.headers.location, /error=invalid/);
    assert.equal((await srv.get('/api/v1/me', { jar })).json.supports.length, 1);
    const del = await srv.req('POST', '/me/delete', { form: { csrf, sure: '1' }, jar });
    assert.equal(del.status, 303, show(del));
    assert.equal(del.headers.location, '/me?deleted=1');
    assert.equal((await srv.get('/api/v1/me', { jar })).json.supports.length, 0);
  });
});

describe('channel poll answers in the results', () => {
  test('answers of a channel poll published for a portal poll count, by channel and region', async () => {
    const hdr = { 'x-csrf-token': admin.csrf };
    const p = await srv.post('/api/v1/campaigns/demo/polls', { question: `Prioritas? ${marker()}`, options: ['Air', 'Jalan', 'Sekolah'] }, { jar: admin.jar, headers: hdr });
    assert.equal(p.status, 201, show(p));
    const poll = p.json.id;
    const jar = new CookieJar();
    await portal(jar);
    assert.equal((await srv.post(`/api/v1/polls/${poll}/votes`, { options: [0] }, { jar })).status, 201);
    const q = await srv.post('/api/v1/channels/polls', { channel: 'telegram', chat_id: '-100123', poll_id: poll, key: `pp-${poll}` }, { jar: admin.jar, headers: hdr });
    assert.ok(q.status === 201 || q.status === 202, show(q));
    assertError(await srv.post('/api/v1/channels/polls', { channel: 'telegram', poll_id: 99999999 }, { jar: admin.jar, headers: hdr }), 404, 'no such portal poll');
    assertError(await srv.post('/api/v1/channels/polls', { channel: 'telegram', poll_id: 'x' }, { jar: admin.jar, headers: hdr }), 400, 'poll_id not an id');
    assertError(await srv.post('/api/v1/channels/polls', { channel: 'telegram', poll_id: poll }, { jar: admin.jar }), 403, 'no csrf');
    // the question and options came from the portal poll
    const row = JSON.parse(sql(`SELECT payload_json FROM outbox WHERE kind='poll' AND dedupe_key='pp-${poll}'`));
    assert.deepEqual(row.options, ['Air', 'Jalan', 'Sekolah']);
    // as the sender and the puller would leave them: sent with Telegram's poll id, two answers back
    sql(`UPDATE outbox SET state='sent', result_json='{"poll_id":"tg-${poll}"}' WHERE dedupe_key='pp-${poll}';`
      + `INSERT INTO poll_answers(channel,poll_id,author_key,options) VALUES('telegram','tg-${poll}','k1','2'),('telegram','tg-${poll}','k2','0'),('telegram','tg-${poll}','k3','');`
      // voter k1 also posted, and the filter placed that post in Jawa Barat
      + `UPDATE submissions SET author_key='k1', labels_json='{"region":[{"province":"Jawa Barat"}]}' WHERE id=${baseSid};`);
    const res = await srv.get(`/api/v1/polls/${poll}/results`);
    assert.equal(res.status, 200, show(res));
    assert.equal(res.json.voters, 3, show(res)); // one web vote, two channel answers (a retracted one does not count)
    assert.deepEqual(res.json.counts, [2, 0, 1]);
    assert.deepEqual(res.json.by_channel.telegram, { 0: 1, 2: 1 });
    assert.deepEqual(res.json.by_channel.web, { 0: 1 });
    assert.equal(res.json.by_region['Jawa Barat']['2'], 1, show(res));
    const page = await srv.get('/c/demo', { jar: new CookieJar() });
    assert.match(page.text, /Per kanal: [^<]*telegram 2/);
  });
});
