// End-to-end: the review workspace (issue 4) against the real binary on
// 127.0.0.1 — every action (accept, merge, reject, escalate, undo), bulk on
// a near-duplicate cluster, claims so two reviewers never work one item,
// filters and stemmed search, the two-person rule, blind second reviews and
// kappa, the team (invitations, password rules, sessions), role and CSRF
// refusals, and the hash-chained audit log with tampering detected.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CookieJar, Server, USERS, assertError, marker, runCli, show } from '../lib/server.mjs';

let srv;
let rev; // reviewer session
let adm; // admin session
let ana; // analyst session
let rev2; // a second reviewer

const REV2 = { email: 'penelaah2@gagas.test', password: 'second-reviewer-pw-9', role: 'reviewer' };

before(async () => {
  srv = await Server.start({ name: 'review', users: [...Object.values(USERS), REV2] });
  rev = await srv.login(USERS.reviewer);
  adm = await srv.login(USERS.admin);
  ana = await srv.login(USERS.analyst);
  rev2 = await srv.login(REV2);
});

after(async () => {
  if (srv) await srv.stop();
});

const act = (s, id, body) => srv.act(s, id, body);
const item = async (s, id) => {
  const r = await srv.get(`/api/v1/review/items/${id}`, { jar: s.jar });
  assert.equal(r.status, 200, show(r));
  return r.json;
};
const queueOf = async (s, qs) => {
  const r = await srv.get(`/api/v1/review/queue?${qs}`, { jar: s.jar });
  assert.equal(r.status, 200, show(r));
  return r.json;
};

describe('actions', () => {
  test('accept creates an idea; merge joins it and counts the supporter', async () => {
    const a = await srv.submitOk(`Bangun perpustakaan desa untuk anak-anak ${marker('acc')}`);
    const b = await srv.submitOk(`Perpustakaan di desa kami sangat dibutuhkan ${marker('mrg')}`);
    const r = await act(rev, a, { action: 'accept', title: 'Perpustakaan desa' });
    assert.equal(r.status, 200, show(r));
    const idea = r.json.idea.id;
    assert.equal(r.json.idea.supporters, 1);
    const m = await act(rev, b, { action: 'merge', idea_id: idea });
    assert.equal(m.status, 200, show(m));
    assert.equal(m.json.submission.state, 'merged');
    assert.equal(m.json.submission.idea_id, idea);
    assert.equal(m.json.idea.supporters, 2, 'the merged author is a supporter');
    const g = await srv.get(`/api/v1/ideas/${idea}`);
    assert.equal(g.json.supporters, 2);
  });

  test('merge without a target and without a near-copy is 400; unknown idea is 404', async () => {
    const id = await srv.submitOk(`Usul tanpa kembaran apa pun ${marker('nomerge')}`);
    assertError(await act(rev, id, { action: 'merge' }), 400, 'merge without idea');
    assertError(await act(rev, id, { action: 'merge', idea_id: 99999999 }), 404, 'unknown idea');
    assertError(await act(rev, id, { action: 'merge', idea_id: 'x' }), 400, 'idea_id string');
    assert.equal((await item(rev, id)).state, 'queued', 'a refused merge changed the item');
  });

  test('escalate, then an admin decides the escalated item', async () => {
    const id = await srv.submitOk(`Isu sensitif yang perlu dilihat atasan ${marker('esc')}`);
    const e = await act(rev, id, { action: 'escalate', note: 'perlu pendapat tim hukum' });
    assert.equal(e.status, 200, show(e));
    assert.equal(e.json.submission.state, 'escalated');
    assertError(await act(rev, id, { action: 'escalate' }), 409, 'escalate twice');
    const q = await queueOf(adm, 'campaign=demo&state=escalated');
    assert.ok(q.items.some((i) => i.id === id), 'not in the escalated queue');
    const r = await act(adm, id, { action: 'reject', reason: 'other', note: 'di luar kewenangan' });
    assert.equal(r.status, 200, show(r));
    assert.equal(r.json.submission.state, 'rejected');
    assert.equal(r.json.submission.reason, 'other');
  });

  test('undo an accept: the item is back in the queue and its idea is gone', async () => {
    const id = await srv.submitOk(`Tambah halte bus di pasar ${marker('undo')}`);
    const a = await act(rev, id, { action: 'accept' });
    assert.equal(a.status, 200, show(a));
    const idea = a.json.idea.id;
    assertError(await act(rev2, id, { action: 'undo' }), 403, 'another reviewer undoes');
    const u = await act(rev, id, { action: 'undo' });
    assert.equal(u.status, 200, show(u));
    assert.equal(u.json.submission.state, 'queued');
    assert.equal(u.json.submission.idea_id, null);
    assert.equal((await srv.get(`/api/v1/ideas/${idea}`)).status, 404, 'the idea outlived the undo');
    assertError(await act(rev, id, { action: 'undo' }), 409, 'nothing left to undo');
    const h = (await item(rev, id)).evidence.history;
    assert.deepEqual(h.map((x) => x.action), ['accept', 'undo']);
    assert.ok(h[0].undone_by > 0, 'the accept is not marked undone');
  });

  test('undo a merge gives the supporter back; an admin may undo a reviewer', async () => {
    const a = await srv.submitOk(`Lampu jalan di gang sempit ${marker('um1')}`);
    const b = await srv.submitOk(`Gang kami gelap, pasang lampu ${marker('um2')}`);
    const idea = (await act(rev, a, { action: 'accept' })).json.idea.id;
    await act(rev, b, { action: 'merge', idea_id: idea });
    assert.equal((await srv.get(`/api/v1/ideas/${idea}`)).json.supporters, 2);
    const u = await act(adm, b, { action: 'undo' });
    assert.equal(u.status, 200, show(u));
    assert.equal(u.json.submission.state, 'queued');
    assert.equal((await srv.get(`/api/v1/ideas/${idea}`)).json.supporters, 1);
    // the accepted one cannot be undone while others joined... none now: it can
    assert.equal((await act(rev, a, { action: 'undo' })).status, 200);
  });

  test('bad bodies are 400 and change nothing', async () => {
    const id = await srv.submitOk(`Validasi badan permintaan ${marker('bad')}`);
    assertError(await act(rev, id, { action: 'accept', colour: 'red' }), 400, 'unknown field');
    assertError(await act(rev, id, { action: 'reject' }), 400, 'reject without reason');
    assertError(await act(rev, id, { action: 'reject', reason: 'boring' }), 400, 'bad reason');
    assertError(await act(rev, id, { action: 'accept', note: 5 }), 400, 'note number');
    assertError(await act(rev, id, { action: 'accept', note: 'x'.repeat(2001) }), 413, 'note too long');
    assertError(await act(rev, id, { action: 'bless' }), 400, 'unknown action');
    assert.equal((await item(rev, id)).state, 'queued');
  });
});

describe('claims and concurrency', () => {
  test('next claims an item; another reviewer cannot act on it and gets a different one', async () => {
    const tag = marker('claim');
    const ids = [];
    for (let k = 0; k < 3; k++) ids.push(await srv.submitOk(`Antrean klaim nomor ${k} ${tag}`));
    const n1 = await srv.get(`/api/v1/review/next?campaign=demo&q=${tag}`, { jar: rev.jar });
    assert.equal(n1.status, 200, show(n1));
    const mine = n1.json.item.id;
    assert.ok(ids.includes(mine), `next gave ${mine}, not one of ${ids}`);
    assert.ok(n1.json.item.evidence, 'next has no evidence');
    const n2 = await srv.get(`/api/v1/review/next?campaign=demo&q=${tag}`, { jar: rev2.jar });
    assert.ok(n2.json.item && n2.json.item.id !== mine, `both reviewers got ${mine}`);
    assertError(await act(rev2, mine, { action: 'accept' }), 409, 'acting on a claimed item');
    assertError(await srv.post(`/api/v1/review/items/${mine}/claim`, {}, { jar: rev2.jar, headers: { 'x-csrf-token': rev2.csrf } }), 409, 'claiming a held item');
    const q2 = await queueOf(rev2, `campaign=demo&q=${tag}`);
    assert.ok(!q2.items.some((i) => i.id === mine), 'the held item shows in the other queue');
    const r = await act(rev, mine, { action: 'reject', reason: 'not-constructive' });
    assert.equal(r.status, 200, show(r));
  });

  test('two reviewers, one item, at the same moment: exactly one wins', async () => {
    for (let round = 0; round < 8; round++) {
      const id = await srv.submitOk(`Balapan keputusan ${round} ${marker('race')}`);
      const [a, b] = await Promise.all([
        act(rev, id, { action: 'accept' }),
        act(rev2, id, { action: 'reject', reason: 'spam' }),
      ]);
      assert.deepEqual([a.status, b.status].sort(), [200, 409], `round ${round}: ${show(a)} / ${show(b)}`);
    }
  });

  test('queue counts stay right under concurrent decisions', async () => {
    const tag = marker('count');
    const ids = [];
    for (let k = 0; k < 12; k++) ids.push(await srv.submitOk(`Hitungan serentak ${k} ${tag}`));
    const before = (await queueOf(adm, 'campaign=demo')).counts;
    await Promise.all(ids.map((id, k) => act(k % 2 ? rev : rev2, id, { action: 'reject', reason: 'spam' })));
    const afterC = (await queueOf(adm, 'campaign=demo')).counts;
    assert.equal(afterC.queued, before.queued - 12);
    assert.equal(afterC.rejected, before.rejected + 12);
    const total = (await queueOf(adm, 'campaign=demo')).total;
    assert.equal(total, afterC.queued);
  });
});

describe('queue filters and search', () => {
  test('stemmed full-text search finds other forms of a word', async () => {
    const tag = marker('fts');
    const id = await srv.submitOk(`Pendidikan gratis untuk semua anak ${tag}`);
    const other = await srv.submitOk(`Jalan rusak di kampung ${tag}`);
    const q = await queueOf(rev, `campaign=demo&q=${encodeURIComponent(`mendidik ${tag}`)}`);
    assert.deepEqual(q.items.map((i) => i.id), [id], 'search for "mendidik" should find "pendidikan" only');
    const q2 = await queueOf(rev, `campaign=demo&q=${tag}`);
    assert.deepEqual(q2.items.map((i) => i.id).sort(), [id, other].sort());
    assert.equal(q2.total, 2);
  });

  test('filters by channel, priority and state; bad values are 400', async () => {
    const q = await queueOf(rev, 'campaign=demo&channel=web&sort=priority&limit=500');
    assert.ok(q.items.length > 0);
    assert.ok(q.items.every((i) => i.channel === 'web'));
    for (let k = 1; k < q.items.length; k++) assert.ok(q.items[k - 1].priority >= q.items[k].priority, 'not in priority order');
    const none = await queueOf(rev, 'campaign=demo&channel=nowhere');
    assert.equal(none.items.length, 0);
    assert.equal(none.total, 0);
    const hi = await queueOf(rev, 'campaign=demo&min_priority=0.6');
    assert.ok(hi.items.every((i) => i.priority >= 0.6));
    assertError(await srv.get('/api/v1/review/queue?campaign=demo&min_priority=2', { jar: rev.jar }), 400, 'priority > 1');
    assertError(await srv.get('/api/v1/review/queue?campaign=demo&state=maybe', { jar: rev.jar }), 400, 'bad state');
    assertError(await srv.get('/api/v1/review/queue?campaign=nope', { jar: rev.jar }), 404, 'unknown campaign');
  });
});

describe('bulk on a near-duplicate cluster', () => {
  test('accepting a cluster makes one idea with every copy as a supporter', async () => {
    const text = `Mohon perbaikan jembatan gantung di desa Sukamaju yang sudah lapuk dan berbahaya ${marker('clu')}`;
    const root = await srv.submitOk(text, { author: 'warga1' });
    const copies = [];
    for (let k = 2; k <= 4; k++) copies.push(await srv.submitOk(text, { author: `warga${k}` }));
    const ev = (await item(rev, copies[0])).evidence;
    assert.equal(ev.cluster.root, root, `cluster root: ${JSON.stringify(ev.cluster)}`);
    assert.equal(ev.cluster.size, 4);
    assert.ok(ev.duplicate && ev.duplicate.id > 0, 'no duplicate evidence');
    const r = await srv.post('/api/v1/review/bulk', { action: 'accept', cluster: root, title: 'Jembatan gantung Sukamaju' }, { jar: rev.jar, headers: { 'x-csrf-token': rev.csrf } });
    assert.equal(r.status, 200, show(r));
    assert.deepEqual(r.json.applied.sort(), [root, ...copies].sort());
    assert.equal(r.json.skipped.length, 0, JSON.stringify(r.json.skipped));
    const idea = await srv.get(`/api/v1/ideas/${r.json.idea.id}`);
    assert.equal(idea.json.supporters, 4);
    for (const id of copies) assert.equal((await srv.get(`/api/v1/submissions/${id}`)).json.state, 'merged');
  });

  test('bulk needs exactly one target, valid ids and the CSRF token', async () => {
    const h = { jar: rev.jar, headers: { 'x-csrf-token': rev.csrf } };
    assertError(await srv.post('/api/v1/review/bulk', { action: 'reject', reason: 'spam' }, h), 400, 'no target');
    assertError(await srv.post('/api/v1/review/bulk', { action: 'reject', reason: 'spam', ids: [1], cluster: 1 }, h), 400, 'two targets');
    assertError(await srv.post('/api/v1/review/bulk', { action: 'reject', reason: 'spam', ids: ['a'] }, h), 400, 'bad id');
    assertError(await srv.post('/api/v1/review/bulk', { action: 'undo', ids: [1] }, h), 400, 'bulk undo');
    assertError(await srv.post('/api/v1/review/bulk', { action: 'reject', reason: 'spam', ids: [1] }, { jar: rev.jar }), 403, 'no csrf');
    const a = await srv.submitOk(`Spam massal satu ${marker('bs')}`);
    const b = await srv.submitOk(`Spam massal dua ${marker('bs')}`);
    const r = await srv.post('/api/v1/review/bulk', { action: 'reject', reason: 'spam', ids: [a, b, 987654321] }, h);
    assert.equal(r.status, 200, show(r));
    assert.deepEqual(r.json.applied.sort(), [a, b].sort());
    assert.equal(r.json.skipped[0].id, 987654321);
  });
});

describe('roles and CSRF', () => {
  test('analyst may not act; wrong or missing CSRF is refused; anonymous is 401', async () => {
    const id = await srv.submitOk(`Peran dan token ${marker('role')}`);
    assertError(await act(ana, id, { action: 'accept' }), 403, 'analyst acts');
    assertError(await srv.get('/api/v1/review/next?campaign=demo', { jar: ana.jar }), 403, 'analyst next');
    assertError(await srv.post(`/api/v1/review/items/${id}/actions`, { action: 'accept' }, { jar: rev.jar }), 403, 'no csrf');
    assertError(await srv.post(`/api/v1/review/items/${id}/actions`, { action: 'accept' }, { jar: rev.jar, headers: { 'x-csrf-token': adm.csrf } }), 403, 'someone else\'s csrf');
    assertError(await srv.post(`/api/v1/review/items/${id}/actions`, { action: 'accept' }), 401, 'anonymous');
    assertError(await srv.get('/api/v1/audit/verify', { jar: rev.jar }), 403, 'reviewer verifies');
    assertError(await srv.req('PUT', '/api/v1/review/policy/demo', { json: { two_person: true }, jar: rev.jar, headers: { 'x-csrf-token': rev.csrf } }), 403, 'reviewer sets policy');
    assertError(await srv.get('/api/v1/team', { jar: rev.jar }), 403, 'reviewer lists team');
    assert.equal((await item(rev, id)).state, 'queued');
  });
});

describe('two-person rule and double review', () => {
  test('with two_person on, one accept waits and a second reviewer publishes', async () => {
    const put = (body) => srv.req('PUT', '/api/v1/review/policy/demo', { json: body, jar: adm.jar, headers: { 'x-csrf-token': adm.csrf } });
    const p = await put({ two_person: true });
    assert.equal(p.status, 200, show(p));
    assert.equal(p.json.policy.two_person, true);
    try {
      const id = await srv.submitOk(`Dua orang harus setuju ${marker('tp')}`);
      const a = await act(rev, id, { action: 'accept' });
      assert.equal(a.status, 202, show(a));
      assert.equal(a.json.pending, true);
      assert.equal((await item(rev, id)).state, 'queued', 'published on one accept');
      assertError(await act(rev, id, { action: 'accept' }), 409, 'same reviewer twice');
      const b = await act(rev2, id, { action: 'accept' });
      assert.equal(b.status, 200, show(b));
      assert.equal(b.json.submission.state, 'accepted');
    } finally {
      assert.equal((await put({ two_person: false })).status, 200);
    }
    assertError(await put({ two_person: 'yes' }), 400, 'bad policy');
  });

  test('a sampled decision gets a blind second review and kappa is reported', async () => {
    const put = (body) => srv.req('PUT', '/api/v1/review/policy/demo', { json: body, jar: adm.jar, headers: { 'x-csrf-token': adm.csrf } });
    assert.equal((await put({ double_review: 1 })).status, 200);
    const ids = [];
    try {
      // four unlike texts: near-copies of an accepted one would be merged, not queued
      const texts = ['Sampel telaah ganda: taman kota perlu lampu tambahan',
        'Sampel kedua soal jadwal bus sekolah yang sering terlambat',
        'Contoh ketiga tentang pungutan liar di kantor kelurahan',
        'Butir keempat: sungai di belakang pasar penuh sampah plastik'];
      for (let k = 0; k < 4; k++) {
        const id = await srv.submitOk(`${texts[k]} ${marker('dr')}`);
        ids.push(id);
        const body = k < 2 ? { action: 'accept' } : { action: 'reject', reason: 'spam' };
        assert.equal((await act(rev, id, body)).status, 200);
      }
    } finally {
      await put({ double_review: 0 });
    }
    const waiting = await srv.get('/api/v1/review/samples?campaign=demo', { jar: rev2.jar });
    assert.equal(waiting.status, 200, show(waiting));
    for (const id of ids) assert.ok(waiting.json.items.some((i) => i.id === id), `sample ${id} missing`);
    const mineToo = await srv.get('/api/v1/review/samples?campaign=demo', { jar: rev.jar });
    assert.ok(!mineToo.json.items.some((i) => ids.includes(i.id)), 'a reviewer is asked to second-review themselves');
    // the second reviewer agrees on three, disagrees on one
    const labels = ['accept', 'accept', 'reject:spam', 'accept'];
    for (let k = 0; k < 4; k++) assert.equal((await act(rev2, ids[k], { action: 'second', label: labels[k] })).status, 200);
    assertError(await act(rev2, ids[0], { action: 'second', label: 'accept' }), 409, 'second twice');
    const st = await srv.get('/api/v1/review/stats?campaign=demo', { jar: adm.jar });
    assert.equal(st.status, 200, show(st));
    assert.ok(st.json.overall.pairs >= 4);
    assert.equal(typeof st.json.overall.kappa, 'number');
    const me = st.json.reviewers.find((r) => r.email === USERS.reviewer.email);
    assert.ok(me && me.actions > 0 && me.per_hour > 0, JSON.stringify(st.json.reviewers));
    assert.ok(st.json.labels.some((l) => l.label === 'accept'));
    assert.ok(Array.isArray(st.json.decision_secs) && st.json.decision_secs.length > 0);
    assertError(await srv.get('/api/v1/review/stats', { jar: rev.jar }), 403, 'reviewer stats');
  });
});

describe('team', () => {
  test('invitation by link, password rules, one use only, then sign in', async () => {
    const h = { jar: adm.jar, headers: { 'x-csrf-token': adm.csrf } };
    assertError(await srv.post('/api/v1/team/invitations', { email: 'x', role: 'reviewer' }, h), 400, 'bad email');
    assertError(await srv.post('/api/v1/team/invitations', { email: 'a@b.c', role: 'boss' }, h), 400, 'bad role');
    assertError(await srv.post('/api/v1/team/invitations', { email: 'a@b.c', role: 'reviewer' }, { jar: adm.jar }), 403, 'no csrf');
    const email = `baru-${marker('inv')}@gagas.test`;
    const inv = await srv.post('/api/v1/team/invitations', { email, role: 'reviewer', campaigns: ['demo'], hours: 2 }, h);
    assert.equal(inv.status, 201, show(inv));
    assert.match(inv.json.url, /^\/console\/invite\/[0-9a-f]{48}$/);
    const page = await srv.get(inv.json.url);
    assert.equal(page.status, 200);
    const accept = `/api/v1/team/invitations/${inv.json.token}/accept`;
    assertError(await srv.post(accept, { password: 'short' }), 400, 'short password');
    assertError(await srv.post(accept, { password: 'aaaaaaaaaaaaaaa' }), 400, 'few distinct');
    const pw = 'jembatan-kuat-2024!';
    const ok = await srv.post(accept, { password: pw });
    assert.equal(ok.status, 201, show(ok));
    assertError(await srv.post(accept, { password: pw }), 404, 'used twice');
    const s = await srv.login({ email, password: pw });
    const q = await srv.get('/api/v1/review/queue?campaign=demo', { jar: s.jar });
    assert.equal(q.status, 200, show(q));
    const team = await srv.get('/api/v1/team', { jar: adm.jar });
    const u = team.json.users.find((x) => x.email === email);
    assert.deepEqual(u.campaigns, ['demo']);
  });

  test('sessions are listed; sign out everywhere ends the others', async () => {
    const a = await srv.login(USERS.reviewer);
    const b = await srv.login(USERS.reviewer);
    const list = await srv.get('/api/v1/team/sessions', { jar: a.jar });
    assert.equal(list.status, 200, show(list));
    assert.ok(list.json.sessions.length >= 2);
    assert.equal(list.json.sessions.filter((x) => x.current === 1).length, 1);
    const end = await srv.post('/api/v1/team/sessions/end-all', {}, { jar: a.jar, headers: { 'x-csrf-token': a.csrf } });
    assert.equal(end.status, 200, show(end));
    assert.ok(end.json.ended >= 1);
    assertError(await srv.get('/api/v1/review/queue?campaign=demo', { jar: b.jar }), 401, 'other session after end-all');
    assertError(await srv.get('/api/v1/review/queue?campaign=demo', { jar: rev.jar }), 401, 'the suite\'s reviewer session too');
    assert.equal((await srv.get('/api/v1/review/queue?campaign=demo', { jar: a.jar })).status, 200, 'this session survives');
    rev = a; // keep working with the surviving session
  });
});

describe('console pages without JavaScript', () => {
  test('team page and invitation by form (admin only, CSRF checked)', async () => {
    const page = await srv.get('/console/team', { jar: adm.jar });
    assert.equal(page.status, 200, show(page));
    assert.ok(page.text.includes(USERS.reviewer.email));
    assertError(await srv.get('/console/team', { jar: rev2.jar }), 403, 'reviewer team page');
    const email = `form-${marker('inv')}@gagas.test`;
    assertError(await srv.req('POST', '/console/team/invite', { form: { email, role: 'reviewer' }, jar: adm.jar }), 403, 'no csrf');
    assertError(await srv.req('POST', '/console/team/invite', { form: { email, role: 'reviewer', campaigns: 'nope', csrf: adm.csrf }, jar: adm.jar }), 400, 'unknown campaign');
    const r = await srv.req('POST', '/console/team/invite', { form: { email, role: 'reviewer', campaigns: 'demo', csrf: adm.csrf }, jar: adm.jar });
    assert.equal(r.status, 303, show(r));
    const tok = new URL(r.headers.location, srv.base).searchParams.get('invited');
    assert.match(tok, /^[0-9a-f]{48}$/);
    const join = await srv.get(`/console/invite/${tok}`);
    assert.equal(join.status, 200);
    assert.ok(join.text.includes(email));
    const done = await srv.req('POST', `/console/invite/${tok}`, { form: { password: 'sungai-jernih-77', password2: 'sungai-jernih-77' } });
    assert.equal(done.status, 303, show(done));
    assert.match(done.headers.location, /joined=1/);
    await srv.login({ email, password: 'sungai-jernih-77' });
  });

  test('quality page for admin and analyst; sessions page signs out everywhere else', async () => {
    const q = await srv.get('/console/quality', { jar: adm.jar });
    assert.equal(q.status, 200, show(q));
    assert.match(q.text, /kappa/);
    assert.equal((await srv.get('/console/quality', { jar: ana.jar })).status, 200);
    assertError(await srv.get('/console/quality', { jar: rev2.jar }), 403, 'reviewer quality page');
    const other = await srv.login(USERS.analyst);
    const s = await srv.get('/console/sessions', { jar: ana.jar });
    assert.equal(s.status, 200, show(s));
    const end = await srv.req('POST', '/console/sessions/end-all', { form: { csrf: ana.csrf }, jar: ana.jar });
    assert.equal(end.status, 303, show(end));
    assert.match(end.headers.location, /ended=[1-9]/);
    assertError(await srv.get('/api/v1/review/stats', { jar: other.jar }), 401, 'ended session');
    assert.equal((await srv.get('/api/v1/review/stats', { jar: ana.jar })).status, 200);
  });
});

describe('audit', () => {
  test('every action is chained; verify is ok; export is JSON lines', async () => {
    const r = await srv.get('/api/v1/audit?limit=1000', { jar: adm.jar });
    assert.equal(r.status, 200, show(r));
    const e = r.json.entries;
    for (let k = 0; k + 1 < e.length; k++) {
      if (e[k].id === e[k + 1].id + 1) assert.equal(e[k].prev_hash, e[k + 1].hash, `link ${e[k].id}`);
    }
    for (const a of ['accept', 'merge', 'reject', 'escalate', 'undo', 'approve', 'second-review', 'invite', 'join', 'sign-out', 'policy']) {
      assert.ok(e.some((x) => x.action === a), `no "${a}" in the audit log`);
    }
    const v = await srv.get('/api/v1/audit/verify', { jar: adm.jar });
    assert.equal(v.status, 200, show(v));
    assert.equal(v.json.ok, true, JSON.stringify(v.json.problems));
    const x = await srv.get('/api/v1/audit/export?limit=5', { jar: adm.jar });
    assert.equal(x.status, 200);
    const lines = x.text.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 5);
    assert.ok(lines.every((l) => /^[0-9a-f]{64}$/.test(l.hash)));
  });
});

describe('audit tampering (gagas audit verify)', () => {
  let t;
  before(async () => {
    t = await Server.start({ name: 'review-tamper', users: [USERS.reviewer] });
    const s = await t.login(USERS.reviewer);
    for (let k = 0; k < 3; k++) {
      const id = await t.submitOk(`Baris audit ${k} ${marker('tamper')}`);
      assert.equal((await t.act(s, id, { action: 'reject', reason: 'spam' })).status, 200);
    }
    await t.shutdown();
  });
  after(async () => {
    if (t) await t.stop();
  });
  const sqlite = (sql) => spawnSync('sqlite3', [t.db, sql], { encoding: 'utf8' });
  const haveSqlite = spawnSync('sqlite3', ['-version']).status === 0;

  test('an untouched log verifies', async () => {
    const r = await runCli(['audit', 'verify', '--db', t.db]);
    assert.match(r.stdout, /^ok: \d+ rows, 0 problems/m);
  });

  test('an edited row is detected', { skip: !haveSqlite && 'no sqlite3 command' }, async () => {
    const id = sqlite("SELECT max(id) FROM audit WHERE action='reject'").stdout.trim();
    const ed = sqlite(`DROP TRIGGER audit_no_update; UPDATE audit SET reason='kasar' WHERE id=${id};`);
    assert.equal(ed.status, 0, ed.stderr);
    const r = await runCli(['audit', 'verify', '--db', t.db], { check: false });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`row ${id}: row changed`));
  });

  test('a deleted row is detected', { skip: !haveSqlite && 'no sqlite3 command' }, async () => {
    const del = sqlite('DROP TRIGGER audit_no_delete; DROP TRIGGER audit_chain_no_delete; DELETE FROM audit_chain WHERE audit_id=2; DELETE FROM audit WHERE id=2;');
    assert.equal(del.status, 0, del.stderr);
    const r = await runCli(['audit', 'verify', '--db', t.db], { check: false });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /chain broken before this row/);
  });
});

test('SIGTERM stops the server with exit 0 and no sanitizer report', async () => {
  await srv.assertCleanStop();
});
