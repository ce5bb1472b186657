// End-to-end: engagement on the public side — supports (one per
// participant, withdrawable), comment threads with replies, cursor pages,
// edit/delete of one's own comment and reports, polls (single and multiple
// choice, one vote per participant, hidden results, closed polls), and a
// participant's own data (export and deletion). Participants are told apart
// only by their gg_p cookie.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { CookieJar, Server, USERS, assertError, marker, show } from '../lib/server.mjs';

let srv;
let admin;
let ideaId;
const alice = new CookieJar();
const bob = new CookieJar();

before(async () => {
  srv = await Server.start({ name: 'engage' });
  admin = await srv.login(USERS.admin);
  const reviewer = await srv.login(USERS.reviewer);
  const sid = await srv.submitOk(`Perbanyak taman kota yang teduh di setiap kecamatan ${marker()}`);
  const a = await srv.act(reviewer, sid, { action: 'accept', title: 'Taman kota' });
  assert.equal(a.status, 200, show(a));
  ideaId = a.json.idea.id;
  // both participants get their cookie from the portal
  await srv.get('/c/demo', { jar: alice });
  await srv.get('/c/demo', { jar: bob });
  assert.ok(alice.get('gg_p') && bob.get('gg_p') && alice.get('gg_p') !== bob.get('gg_p'), 'no distinct gg_p cookies');
});

after(async () => {
  if (srv) await srv.stop();
});

const idea = async () => {
  const r = await srv.get(`/api/v1/ideas/${ideaId}`);
  assert.equal(r.status, 200, show(r));
  return r.json;
};

describe('supports', () => {
  test('a support counts once; the second by the same participant is 409', async () => {
    const before = (await idea()).supporters;
    const r = await srv.post(`/api/v1/ideas/${ideaId}/supports`, {}, { jar: alice });
    assert.equal(r.status, 201, show(r));
    assert.equal(r.json.supporters, before + 1);
    assertError(await srv.post(`/api/v1/ideas/${ideaId}/supports`, {}, { jar: alice }), 409, 'second support');
    const b = await srv.post(`/api/v1/ideas/${ideaId}/supports`, {}, { jar: bob });
    assert.equal(b.status, 201, show(b));
    assert.equal((await idea()).supporters, before + 2);
  });

  test('withdrawing gives the support back; withdrawing twice is 404', async () => {
    const before = (await idea()).supporters;
    const r = await srv.req('DELETE', `/api/v1/ideas/${ideaId}/supports`, { jar: bob });
    assert.equal(r.status, 200, show(r));
    assert.equal(r.json.supporters, before - 1);
    assertError(await srv.req('DELETE', `/api/v1/ideas/${ideaId}/supports`, { jar: bob }), 404, 'withdraw twice');
  });

  test('unknown idea is 404', async () => {
    assertError(await srv.post('/api/v1/ideas/99999999/supports', {}, { jar: alice }), 404, 'no idea');
    assertError(await srv.post('/api/v1/ideas/abc/supports', {}, { jar: alice }), 404, 'bad id');
  });
});

describe('comments', () => {
  let first;
  test('a comment and a reply; comments_count follows', async () => {
    const r = await srv.post(`/api/v1/ideas/${ideaId}/comments`, { text: 'Setuju, taman bikin sejuk.' }, { jar: alice });
    assert.equal(r.status, 201, show(r));
    assert.equal(r.json.state, 'visible');
    assert.equal(r.json.parent_id, null);
    first = r.json.id;
    const rep = await srv.post(`/api/v1/ideas/${ideaId}/comments`, { text: 'Betul, dan ada bangku.', parent_id: first }, { jar: bob });
    assert.equal(rep.status, 201, show(rep));
    assert.equal(rep.json.parent_id, first);
    assert.equal((await idea()).comments_count, 2);
  });

  test('bad comments are refused with a precise 4xx', async () => {
    const u = `/api/v1/ideas/${ideaId}/comments`;
    assertError(await srv.post(u, {}, { jar: alice }), 400, 'no text');
    assertError(await srv.post(u, { text: '   ' }, { jar: alice }), 400, 'blank');
    assertError(await srv.post(u, { text: 'x'.repeat(2001) }, { jar: alice }), 413, 'too long');
    assertError(await srv.post(u, { text: 'ok', colour: 1 }, { jar: alice }), 400, 'unknown field');
    assertError(await srv.post(u, { text: 'ok', parent_id: 'x' }, { jar: alice }), 400, 'parent not a number');
    assertError(await srv.post(u, { text: 'ok', parent_id: 99999999 }, { jar: alice }), 400, 'parent elsewhere');
    assertError(await srv.post('/api/v1/ideas/99999999/comments', { text: 'ok' }, { jar: alice }), 404, 'no idea');
    assertError(await srv.req('POST', u, { body: '{"text":', headers: { 'content-type': 'application/json' } }), 400, 'bad JSON');
    assert.equal((await idea()).comments_count, 2, 'a refused comment was stored');
  });

  test('only the author edits or deletes a comment', async () => {
    assertError(await srv.req('PATCH', `/api/v1/comments/${first}`, { json: { text: 'bukan punyaku' }, jar: bob }), 404, 'edit by another');
    const e = await srv.req('PATCH', `/api/v1/comments/${first}`, { json: { text: 'Setuju sekali.' }, jar: alice });
    assert.equal(e.status, 200, show(e));
    assert.equal(e.json.text, 'Setuju sekali.');
    assert.ok(e.json.edited_at, 'edited_at not set');
    assertError(await srv.req('DELETE', `/api/v1/comments/${first}`, { jar: bob }), 404, 'delete by another');
    const d = await srv.req('DELETE', `/api/v1/comments/${first}`, { jar: alice });
    assert.equal(d.status, 200, show(d));
    assert.equal(d.json.state, 'deleted');
    assert.equal((await idea()).comments_count, 1);
    const list = await srv.get(`/api/v1/ideas/${ideaId}/comments`);
    assert.ok(!list.json.comments.some((c) => c.id === first), 'deleted comment still listed');
  });

  test('three reports by different people hold a comment; one person reports once', async () => {
    const c = await srv.post(`/api/v1/ideas/${ideaId}/comments`, { text: 'Komentar yang dilaporkan' }, { jar: alice });
    assert.equal(c.status, 201, show(c));
    const jars = [new CookieJar(), new CookieJar(), new CookieJar()];
    for (const j of jars) await srv.get('/c/demo', { jar: j });
    const r1 = await srv.post(`/api/v1/comments/${c.json.id}/reports`, {}, { jar: jars[0] });
    assert.equal(r1.status, 201, show(r1));
    assertError(await srv.post(`/api/v1/comments/${c.json.id}/reports`, {}, { jar: jars[0] }), 409, 'report twice');
    let list = await srv.get(`/api/v1/ideas/${ideaId}/comments`);
    assert.ok(list.json.comments.some((x) => x.id === c.json.id), 'held after one report');
    await srv.post(`/api/v1/comments/${c.json.id}/reports`, {}, { jar: jars[1] });
    await srv.post(`/api/v1/comments/${c.json.id}/reports`, {}, { jar: jars[2] });
    list = await srv.get(`/api/v1/ideas/${ideaId}/comments`);
    assert.ok(!list.json.comments.some((x) => x.id === c.json.id), 'still visible after three reports');
  });

  test('cursor pages walk the whole thread once, in order', async () => {
    const want = [];
    for (let i = 0; i < 25; i++) {
      const r = await srv.post(`/api/v1/ideas/${ideaId}/comments`, { text: `komentar ${i}` }, { jar: bob });
      assert.equal(r.status, 201, show(r));
      want.push(r.json.id);
    }
    const seen = [];
    let cursor = '';
    for (let pages = 0; pages < 20; pages++) {
      const r = await srv.get(`/api/v1/ideas/${ideaId}/comments?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, show(r));
      assert.ok(r.json.comments.length <= 10);
      seen.push(...r.json.comments.map((c) => c.id));
      if (r.json.next_cursor === null) break;
      cursor = r.json.next_cursor;
    }
    for (let k = 1; k < seen.length; k++) assert.ok(seen[k] > seen[k - 1], 'pages not in id order');
    for (const id of want) assert.ok(seen.includes(id), `comment ${id} missing from the pages`);
    assert.equal(seen.length, (await idea()).comments_count);
    assertError(await srv.get(`/api/v1/ideas/${ideaId}/comments?cursor=abc`), 400, 'bad cursor');
    assertError(await srv.get(`/api/v1/ideas/${ideaId}/comments?limit=0`), 400, 'bad limit');
  });
});

describe('polls', () => {
  let single;
  let multi;
  let hidden;
  let closed;
  const create = (body, session = admin) =>
    srv.post('/api/v1/campaigns/demo/polls', body, { jar: session.jar, headers: { 'x-csrf-token': session.csrf } });

  test('an admin creates polls; others and missing CSRF are refused', async () => {
    const a = await create({ question: 'Prioritas anggaran?', options: ['Taman', 'Jalan', 'Sekolah'] });
    assert.equal(a.status, 201, show(a));
    single = a.json.id;
    multi = (await create({ question: 'Fasilitas taman?', options: ['Bangku', 'Lampu', 'Toilet'], multi: true })).json.id;
    hidden = (await create({ question: 'Rahasia?', options: ['Ya', 'Tidak'], hide_results: true })).json.id;
    closed = (await create({ question: 'Sudah tutup?', options: ['Ya', 'Tidak'], closes_at: '2020-01-01T00:00:00Z' })).json.id;
    assert.ok([multi, hidden, closed].every(Number.isInteger));
    const reviewer = await srv.login(USERS.reviewer);
    assertError(await create({ question: 'q', options: ['a', 'b'] }, reviewer), 403, 'reviewer');
    assertError(await srv.post('/api/v1/campaigns/demo/polls', { question: 'q', options: ['a', 'b'] }, { jar: admin.jar }), 403, 'no csrf');
    assertError(await create({ question: 'q', options: ['a'] }), 400, 'one option');
    assertError(await create({ question: 'q', options: ['a', 'b'], closes_at: 'tomorrow' }), 400, 'bad time');
    const list = await srv.get('/api/v1/campaigns/demo/polls');
    assert.equal(list.status, 200, show(list));
    assert.ok(list.json.polls.some((p) => p.id === single));
  });

  test('one vote per participant; counts by option and channel', async () => {
    const v = await srv.post(`/api/v1/polls/${single}/votes`, { options: [1] }, { jar: alice });
    assert.equal(v.status, 201, show(v));
    assertError(await srv.post(`/api/v1/polls/${single}/votes`, { options: [0] }, { jar: alice }), 409, 'second vote');
    assert.equal((await srv.post(`/api/v1/polls/${single}/votes`, { options: [1] }, { jar: bob })).status, 201);
    const r = await srv.get(`/api/v1/polls/${single}/results`);
    assert.equal(r.status, 200, show(r));
    assert.deepEqual(r.json.counts, [0, 2, 0]);
    assert.equal(r.json.voters, 2);
    assert.equal(r.json.by_channel.web['1'], 2);
    assert.equal(r.json.state, 'open');
  });

  test('bad votes are 400 and change nothing', async () => {
    const carol = new CookieJar();
    await srv.get('/c/demo', { jar: carol });
    const u = `/api/v1/polls/${single}/votes`;
    assertError(await srv.post(u, { options: [0, 1] }, { jar: carol }), 400, 'two on single');
    assertError(await srv.post(u, { options: [7] }, { jar: carol }), 400, 'out of range');
    assertError(await srv.post(u, { options: [] }, { jar: carol }), 400, 'empty');
    assertError(await srv.post(u, { options: 'Taman' }, { jar: carol }), 400, 'not a list');
    assertError(await srv.post(`/api/v1/polls/${multi}/votes`, { options: [0, 0] }, { jar: carol }), 400, 'repeat');
    assertError(await srv.post('/api/v1/polls/99999999/votes', { options: [0] }, { jar: carol }), 404, 'no poll');
    assert.equal((await srv.get(`/api/v1/polls/${single}/results`)).json.voters, 2);
    const m = await srv.post(`/api/v1/polls/${multi}/votes`, { options: [0, 2] }, { jar: carol });
    assert.equal(m.status, 201, show(m));
    assert.deepEqual((await srv.get(`/api/v1/polls/${multi}/results`)).json.counts, [1, 0, 1]);
  });

  test('hidden results stay hidden while open; a closed poll refuses votes', async () => {
    assert.equal((await srv.post(`/api/v1/polls/${hidden}/votes`, { options: [0] }, { jar: alice })).status, 201);
    const h = await srv.get(`/api/v1/polls/${hidden}/results`);
    assert.equal(h.json.hidden, true, show(h));
    assert.equal(h.json.counts, undefined, 'counts leaked');
    assertError(await srv.post(`/api/v1/polls/${closed}/votes`, { options: [0] }, { jar: alice }), 409, 'closed');
    assert.equal((await srv.get(`/api/v1/polls/${closed}/results`)).json.state, 'closed');
  });
});

describe('my data (UU PDP)', () => {
  test('export lists what I did; deletion removes it and frees my votes and supports', async () => {
    const dave = new CookieJar();
    await srv.get('/c/demo', { jar: dave });
    const before = (await idea()).supporters;
    assert.equal((await srv.post(`/api/v1/ideas/${ideaId}/supports`, {}, { jar: dave })).status, 201);
    const c = await srv.post(`/api/v1/ideas/${ideaId}/comments`, { text: 'Data saya' }, { jar: dave });
    assert.equal(c.status, 201);
    const me = await srv.get('/api/v1/me', { jar: dave });
    assert.equal(me.status, 200, show(me));
    assert.equal(me.json.supports.length, 1);
    assert.equal(me.json.comments[0].text, 'Data saya');
    const other = await srv.get('/api/v1/me', { jar: bob });
    assert.ok(!other.json.comments.some((x) => x.text === 'Data saya'), 'another participant sees my data');
    const d = await srv.req('DELETE', '/api/v1/me', { jar: dave });
    assert.equal(d.status, 200, show(d));
    const again = await srv.get('/api/v1/me', { jar: dave });
    assert.deepEqual([again.json.supports.length, again.json.comments.length, again.json.votes.length], [0, 0, 0]);
    assert.equal((await idea()).supporters, before);
    const list = await srv.get(`/api/v1/ideas/${ideaId}/comments?limit=200`);
    assert.ok(!list.json.comments.some((x) => x.text === 'Data saya'), 'deleted text still public');
  });
});

describe('idea page without JavaScript', () => {
  const csrfOf = (html) => (html.match(/name="csrf" value="([0-9a-f]{32})"/) || [])[1];

  test('support, comment and reply by plain forms; each answers 303 back to the page', async () => {
    const eve = new CookieJar();
    let page = await srv.get(`/i/${ideaId}`, { jar: eve });
    assert.equal(page.status, 200, show(page));
    assert.match(page.text, /<label for="comment">/);
    const csrf = csrfOf(page.text);
    assert.ok(csrf, 'no csrf field on the idea page');
    const before = (await idea()).supporters;
    const s = await srv.req('POST', `/i/${ideaId}/support`, { form: { csrf, undo: '0' }, jar: eve });
    assert.equal(s.status, 303, show(s));
    assert.equal((await idea()).supporters, before + 1);
    page = await srv.get(`/i/${ideaId}`, { jar: eve });
    assert.match(page.text, /Tarik dukungan/, 'the page does not offer to withdraw');
    const again = await srv.req('POST', `/i/${ideaId}/support`, { form: { csrf, undo: '0' }, jar: eve });
    assert.equal(again.status, 303);
    assert.match(again.headers.location, /error=conflict/);
    const text = `Komentar tanpa JS ${marker()}`;
    const c = await srv.req('POST', `/i/${ideaId}/comment`, { form: { csrf, text }, jar: eve });
    assert.equal(c.status, 303, show(c));
    assert.match(c.headers.location, /#comments$/);
    const mine = (await srv.get('/api/v1/me', { jar: eve })).json.comments.find((x) => x.text === text);
    assert.ok(mine, 'the form comment is not stored for this participant');
    const rep = await srv.req('POST', `/i/${ideaId}/comment`, { form: { csrf, text: 'balasan', parent_id: String(mine.id) }, jar: eve });
    assert.equal(rep.status, 303, show(rep));
    const blank = await srv.req('POST', `/i/${ideaId}/comment`, { form: { csrf, text: '  ' }, jar: eve });
    assert.match(blank.headers.location || '', /error=invalid/);
    const forged = await srv.req('POST', `/i/${ideaId}/comment`, { form: { csrf: '0'.repeat(32), text: 'x' }, jar: eve });
    assertError(forged, 403, 'wrong form token');
    const u = await srv.req('POST', `/i/${ideaId}/support`, { form: { csrf, undo: '1' }, jar: eve });
    assert.equal(u.status, 303);
    assert.equal((await idea()).supporters, before);
  });
});

describe('status and official response (staff)', () => {
  test('an admin moves the status and answers; the page shows the timeline', async () => {
    const patch = (body, session = admin) =>
      srv.req('PATCH', `/api/v1/ideas/${ideaId}`, { json: body, jar: session.jar, headers: { 'x-csrf-token': session.csrf } });
    const r = await patch({ status: 'diadopsi', official_response: 'Masuk program kerja 2029.' });
    assert.equal(r.status, 200, show(r));
    const i = await idea();
    assert.equal(i.status, 'diadopsi');
    assert.equal(i.official_response, 'Masuk program kerja 2029.');
    const page = await srv.get(`/i/${ideaId}`);
    assert.match(page.text, /Masuk program kerja 2029\./);
    assert.match(page.text, /class="timeline"/);
    assertError(await patch({ status: 'ditolak' }), 400, 'rejected without a reason');
    assertError(await patch({ status: 'hilang' }), 400, 'unknown status');
    assertError(await patch({}), 400, 'nothing to change');
    assertError(await patch({ status: 'baru', extra: 1 }), 400, 'unknown field');
    assertError(await srv.req('PATCH', '/api/v1/ideas/99999999', { json: { status: 'baru' }, jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } }), 404, 'no idea');
    assertError(await srv.req('PATCH', `/api/v1/ideas/${ideaId}`, { json: { status: 'baru' }, jar: admin.jar }), 403, 'no csrf');
    assertError(await srv.req('PATCH', `/api/v1/ideas/${ideaId}`, { json: { status: 'baru' } }), 401, 'anonymous');
    const reviewer = await srv.login(USERS.reviewer);
    assertError(await patch({ status: 'baru' }, reviewer), 403, 'reviewer');
    assert.equal((await idea()).status, 'diadopsi', 'a refused change was applied');
    const rej = await patch({ status: 'ditolak', reason: 'Sudah berjalan di program lain.' });
    assert.equal(rej.status, 200, show(rej));
    assert.match((await srv.get(`/i/${ideaId}`)).text, /Sudah berjalan di program lain\./);
  });
});

describe('polls on the campaign page without JavaScript', () => {
  test('the demo poll is on /c/demo; a vote by form counts once', async () => {
    const frank = new CookieJar();
    const page = await srv.get('/c/demo', { jar: frank });
    const polls = (await srv.get('/api/v1/campaigns/demo/polls')).json.polls;
    const demo = polls.find((p) => /paling mendesak/.test(p.question));
    assert.ok(demo, 'the demo poll is missing');
    const poll = demo.id;
    assert.ok(page.text.includes(`action="/p/${poll}/vote"`), 'no form for the demo poll on the campaign page');
    assert.match(page.text, /<legend>/, 'the poll has no legend');
    const csrf = page.text.match(/name="csrf" value="([0-9a-f]{32})"/)[1];
    const before = (await srv.get(`/api/v1/polls/${poll}/results`)).json;
    const v = await srv.req('POST', `/p/${poll}/vote`, { form: { csrf, option: '0' }, jar: frank });
    assert.equal(v.status, 303, show(v));
    assert.match(v.headers.location, new RegExp(`^/c/demo#poll${poll}$`));
    const afterRes = (await srv.get(`/api/v1/polls/${poll}/results`)).json;
    assert.equal(afterRes.voters, before.voters + 1);
    assert.equal(afterRes.counts[0], before.counts[0] + 1);
    const again = await srv.req('POST', `/p/${poll}/vote`, { form: { csrf, option: '1' }, jar: frank });
    assert.match(again.headers.location, /poll_error=conflict/);
    const none = await srv.req('POST', `/p/${poll}/vote`, { form: { csrf }, jar: frank });
    assert.match(none.headers.location, /poll_error=invalid/);
    assertError(await srv.req('POST', `/p/${poll}/vote`, { form: { csrf: 'f'.repeat(32), option: '0' }, jar: frank }), 403, 'forged');
    assert.equal((await srv.get(`/api/v1/polls/${poll}/results`)).json.voters, before.voters + 1);
  });
});

describe('similar ideas before sending', () => {
  test('a draft close to an accepted idea finds it; an unrelated draft finds none', async () => {
    const reviewer = await srv.login(USERS.reviewer);
    const base = 'Tolong bangun jembatan gantung baru di desa Sukamaju karena jembatan lama sudah lapuk dan berbahaya bagi anak sekolah';
    const sid = await srv.submitOk(base);
    const a = await srv.act(reviewer, sid, { action: 'accept', title: 'Jembatan Sukamaju' });
    assert.equal(a.status, 200, show(a));
    const near = await srv.get(`/api/v1/campaigns/demo/similar?text=${encodeURIComponent(base + ' ya')}`);
    assert.equal(near.status, 200, show(near));
    assert.ok(near.json.ideas.some((i) => i.id === a.json.idea.id), `the accepted idea is not offered: ${show(near)}`);
    const far = await srv.get(`/api/v1/campaigns/demo/similar?text=${encodeURIComponent('Harga cabai di pasar naik terus, mohon operasi pasar')}`);
    assert.equal(far.status, 200, show(far));
    assert.ok(!far.json.ideas.some((i) => i.id === a.json.idea.id), 'an unrelated draft is matched');
    assertError(await srv.get('/api/v1/campaigns/demo/similar'), 400, 'no text');
    assertError(await srv.get('/api/v1/campaigns/nope/similar?text=x'), 404, 'no campaign');
  });
});

describe('the page cache never carries one visitor to another', () => {
  // The campaign and idea pages are cached as bytes with markers where
  // the form token and the support button go (api/pages.c). Two
  // participants: one supports, votes and takes the quiz; the other's
  // page, served from the entry the first one's view just filled, must
  // show none of it, and the only difference between the two pages must be
  // those per-participant places.
  const csrfs = (html) => [...html.matchAll(/name="csrf" value="([0-9a-f]+)"/g)].map((m) => m[1]);
  const one = (html, who) => {
    const t = [...new Set(csrfs(html))];
    assert.equal(t.length, 1, `${who}: not exactly one form token on the page: ${t}`);
    return t[0];
  };

  test('support, vote and quiz of one participant stay off the other\'s pages', async () => {
    const carol = new CookieJar();
    const dan = new CookieJar();
    const tokC = one((await srv.get('/c/demo', { jar: carol })).text, 'carol');
    const tokD = one((await srv.get('/c/demo', { jar: dan })).text, 'dan');
    assert.notEqual(tokC, tokD);
    // carol supports the idea, votes in the demo's poll and takes its quiz
    const sup = await srv.req('POST', `/i/${ideaId}/support`, { form: { csrf: tokC, undo: '0' }, jar: carol });
    assert.equal(sup.status, 303, show(sup));
    const pollId = (await srv.get('/api/v1/campaigns/demo/polls')).json.polls.find((p) => !p.closes_at || p.closes_at > new Date().toISOString()).id;
    const vote = await srv.req('POST', `/p/${pollId}/vote`, { form: { csrf: tokC, option: '0' }, jar: carol });
    assert.equal(vote.status, 303, show(vote));
    assert.doesNotMatch(vote.headers.location, /error/, 'the vote was refused');
    const quizId = (await srv.get('/api/v1/campaigns/demo/quizzes')).json.quizzes[0].id;
    const att = await srv.post(`/api/v1/quizzes/${quizId}/attempts`, { answers: [2, 1, 0] }, { jar: carol });
    assert.equal(att.status, 201, show(att));
    const share = att.json.share;
    const carolSecrets = [tokC, carol.get('gg_p'), share];

    for (const round of [1, 2]) {
      // carol's view fills the cache entry (the writes above moved the
      // store's generation); dan's view right after is served from it
      const ic = (await srv.get(`/i/${ideaId}`, { jar: carol })).text;
      const id = (await srv.get(`/i/${ideaId}`, { jar: dan })).text;
      assert.match(ic, /Tarik dukungan/, `round ${round}: carol does not see her support`);
      assert.doesNotMatch(id, /Tarik dukungan/, `round ${round}: dan sees carol's support`);
      assert.match(id, /Dukung gagasan ini/);
      assert.equal(one(ic, 'carol'), tokC);
      assert.equal(one(id, 'dan'), tokD);
      for (const s of carolSecrets) assert.ok(!id.includes(s), `round ${round}: carol's ${s} on dan's idea page`);
      // apart from the token and the support form, the bytes are the same
      const norm = (h, tok) => h.replaceAll(tok, 'TOKEN').replace(/<form class="support"[^]*?<\/form>/, 'SUPPORT');
      assert.equal(norm(id, tokD), norm(ic, tokC), 'the idea pages differ beyond the participant\'s places');

      const cc = (await srv.get('/c/demo', { jar: carol })).text;
      const cd = (await srv.get('/c/demo', { jar: dan })).text;
      assert.equal(one(cc, 'carol'), tokC);
      assert.equal(one(cd, 'dan'), tokD);
      for (const s of carolSecrets) assert.ok(!cd.includes(s), `round ${round}: carol's ${s} on dan's campaign page`);
      assert.equal(cd.replaceAll(tokD, 'TOKEN'), cc.replaceAll(tokC, 'TOKEN'), 'the campaign pages differ beyond the token');
      // and dan's own quiz page offers the quiz, not carol's score
      const qd = (await srv.get(`/q/${quizId}`, { jar: dan })).text;
      assert.doesNotMatch(qd, /sudah mengikuti kuis ini/, 'dan is told he took the quiz');
      assert.ok(!qd.includes(share));
      // the other way round: dan's view fills the entry, carol still sees hers
      const w = await srv.req('POST', `/i/${ideaId}/support`, { form: { csrf: tokD, undo: '0' }, jar: dan });
      assert.equal(w.status, 303, show(w));
      const id2 = (await srv.get(`/i/${ideaId}`, { jar: dan })).text;
      const ic2 = (await srv.get(`/i/${ideaId}`, { jar: carol })).text;
      assert.match(id2, /Tarik dukungan/);
      assert.match(ic2, /Tarik dukungan/);
      assert.ok(!ic2.includes(tokD) && !ic2.includes(dan.get('gg_p')), 'dan\'s token or cookie on carol\'s page');
      // dan withdraws again for the next round
      const u = await srv.req('POST', `/i/${ideaId}/support`, { form: { csrf: tokD, undo: '1' }, jar: dan });
      assert.equal(u.status, 303, show(u));
      const id3 = (await srv.get(`/i/${ideaId}`, { jar: dan })).text;
      assert.match(id3, /Dukung gagasan ini/, 'dan\'s withdrawal is not shown to him');
    }
  });
});

describe('campaign page: period, topics, newest ideas, the map; idea page: topics and region', () => {
  // The map's counts come from one GROUP BY (store/places.c); the idea
  // pages' regions from a lookup per idea. The test tallies the second and
  // expects the first, on the cached page, right after each change.
  const mapCounts = (html) => {
    const m = /<section class="map" id="map">(.*?)<\/section>/s.exec(html);
    assert.ok(m, 'no map section');
    const out = {};
    for (const t of m[1].matchAll(/<path d="[^"]+" class="m(\d)"><title>([^<:]+): (\d+) (?:gagasan|ideas)<\/title><\/path>/g)) {
      out[t[2]] = { cls: Number(t[1]), n: Number(t[3]) };
    }
    return { svg: out, html: m[1] };
  };
  const section = (html, id) => new RegExp(`<section id="${id}">(.*?)</section>`, 's').exec(html)?.[1] ?? '';
  const regionOf = (html) => /<p class="place"><span>(?:Wilayah|Region):<\/span> ([^<]*)<\/p>/.exec(html)?.[1];
  const tallyFromIdeaPages = async () => {
    const ideas = (await srv.get('/api/v1/campaigns/demo/ideas?limit=500')).json.ideas;
    const t = {};
    for (const i of ideas) {
      const r = regionOf((await srv.get(`/i/${i.id}`)).text);
      assert.ok(r, `idea ${i.id}: no region line`);
      const prov = r.split(', ').pop();
      if (prov !== 'tidak diketahui') t[prov] = (t[prov] || 0) + 1;
    }
    return t;
  };
  const shownCounts = (svg) => Object.fromEntries(Object.entries(svg).filter(([, v]) => v.n > 0).map(([k, v]) => [k, v.n]));

  test('topics and the open period, in both languages', async () => {
    const id = await srv.get('/c/demo?lang=id');
    assert.match(id.text, /<p class="period"><strong>Dibuka<\/strong> · tanpa tanggal tutup<\/p>/);
    assert.match(id.text, /<div class="topics"><span>Topik:<\/span><ul><li>pendidikan<\/li>.*<li>layanan publik<\/li><\/ul><\/div>/);
    const en = await srv.get('/c/demo?lang=en');
    assert.match(en.text, /<p class="period"><strong>Open<\/strong> · no closing date<\/p>/);
    assert.match(en.text, /<span>Topics:<\/span><ul><li>education<\/li>.*<li>public services<\/li>/);
    // a campaign with a period, then closed by moving its end into the past
    const form = { csrf: admin.csrf, slug: 'periode', title: 'Periode', question: 'Kapan?', topics: 'kesehatan, air bersih', status: 'open', opens_at: '2026-01-05T00:00', closes_at: '2099-03-31T12:00' };
    const made = await srv.req('POST', '/console/campaigns', { form, jar: admin.jar });
    assert.equal(made.status, 303, show(made));
    const cid = /\/console\/campaigns\/(\d+)/.exec(made.headers.location)[1];
    const p = await srv.get('/c/periode?lang=id');
    assert.match(p.text, /<strong>Dibuka<\/strong> · <time datetime="2026-01-05">5 Januari 2026<\/time> – <time datetime="2099-03-31">31 Maret 2099<\/time>/);
    assert.match(p.text, /<li>kesehatan<\/li><li>air bersih<\/li>/, 'a topic outside the filter\'s list is shown as written');
    const edit = await srv.req('POST', `/console/campaigns/${cid}`, { form: { ...form, closes_at: '2026-02-01T00:00' }, jar: admin.jar });
    assert.equal(edit.status, 303, show(edit));
    const c = await srv.get('/c/periode?lang=en');
    assert.match(c.text, /<strong>Closed<\/strong> · <time datetime="2026-01-05">5 January 2026<\/time> – <time datetime="2026-02-01">1 February 2026<\/time>/);
    assert.match(c.text, /<section class="map" id="map">.*No accepted ideas yet\./s);
  });

  test('a campaign takes ideas only while it is open: the page says so, the API answers 409, the form comes back', async () => {
    const refused = (res, why) => {
      assertError(res, 409, why);
      assert.match(res.json.error.message, new RegExp(`^campaign 'musim' ${why}$`));
    };
    const form = { csrf: admin.csrf, slug: 'musim', title: 'Musim', question: 'Apa usulmu?', topics: 'pertanian', status: 'open', opens_at: '2026-01-05T00:00', closes_at: '2099-03-31T12:00' };
    const made = await srv.req('POST', '/console/campaigns', { form, jar: admin.jar });
    assert.equal(made.status, 303, show(made));
    const cid = /\/console\/campaigns\/(\d+)/.exec(made.headers.location)[1];
    const text = `Pupuk bersubsidi sering terlambat datang di desa kami, mohon diatur ulang ${marker('musim')}`;
    const open = await srv.get('/c/musim');
    assert.match(open.text, /<form class="idea" id="idea" method="post" action="\/c\/musim\/submit">/);
    const ok = await srv.submit(text, { campaign: 'musim' });
    assert.equal(ok.status, 202, show(ok));

    // closed by its end date
    let edit = await srv.req('POST', `/console/campaigns/${cid}`, { form: { ...form, closes_at: '2026-02-01T00:00' }, jar: admin.jar });
    assert.equal(edit.status, 303, show(edit));
    const closed = await srv.get('/c/musim?lang=id');
    assert.doesNotMatch(closed.text, /<form class="idea"/, 'no idea form on a closed campaign');
    assert.match(closed.text, /<p class="notice" id="idea" role="status">Kampanye ini sudah ditutup: gagasan baru tidak diterima lagi\./);
    refused(await srv.submit(`${text} lagi`, { campaign: 'musim' }), 'is closed to new ideas');
    const jar = new CookieJar();
    const page = await srv.get('/c/demo', { jar }); // a participant and its form token
    const token = /name="csrf" value="([0-9a-f]+)"/.exec(page.text)[1];
    const sent = await srv.req('POST', '/c/musim/submit', { form: { csrf: token, text: `${text} juga` }, jar });
    assert.equal(sent.status, 303, show(sent));
    assert.equal(sent.headers.location, '/c/musim?error=closed#idea');
    assert.equal((await srv.get('/api/v1/campaigns/musim')).status, 200, 'the campaign itself stays public');

    // not open yet: from a date ahead, and a draft
    edit = await srv.req('POST', `/console/campaigns/${cid}`, { form: { ...form, opens_at: '2098-01-01T00:00' }, jar: admin.jar });
    assert.equal(edit.status, 303, show(edit));
    assert.match((await srv.get('/c/musim?lang=en')).text, /<p class="notice" id="idea" role="status">This campaign does not take ideas yet\.<\/p>/);
    refused(await srv.submit(`${text} nanti`, { campaign: 'musim' }), 'does not take ideas yet');
    edit = await srv.req('POST', `/console/campaigns/${cid}`, { form: { ...form, status: 'draft' }, jar: admin.jar });
    assert.equal(edit.status, 303, show(edit));
    refused(await srv.submit(`${text} draf`, { campaign: 'musim' }), 'does not take ideas yet');
    // open again: ideas come in again
    edit = await srv.req('POST', `/console/campaigns/${cid}`, { form, jar: admin.jar });
    assert.equal(edit.status, 303, show(edit));
    assert.equal((await srv.submit(`${text} kembali`, { campaign: 'musim' })).status, 202);
  });

  test('a newly accepted idea shows at once: newest list, its region, the map; a declined one leaves the map', async () => {
    const before = await srv.get('/c/demo'); // fills the page cache
    const m0 = mapCounts(before.text);
    assert.equal(Object.keys(m0.svg).length, 38, 'not 38 provinces on the map');
    assert.deepEqual(shownCounts(m0.svg), await tallyFromIdeaPages(), 'map and idea pages disagree');
    const jabar0 = m0.svg['Jawa Barat'].n;

    const reviewer = await srv.login(USERS.reviewer);
    const sid = await srv.submitOk(`Jalan desa di Kabupaten Bandung rusak parah dan berlubang, mohon diperbaiki ${marker('map')}`);
    const a = await srv.act(reviewer, sid, { action: 'accept', title: `Jalan rusak Bandung ${marker()}` });
    assert.equal(a.status, 200, show(a));
    const id = a.json.idea.id;

    const after = await srv.get('/c/demo');
    const newest = section(after.text, 'new');
    assert.match(newest, new RegExp(`^<h2>Gagasan terbaru</h2><ul class="ideas"><li><a href="/i/${id}">`), 'the new idea is not first among the newest');
    const m1 = mapCounts(after.text);
    assert.equal(m1.svg['Jawa Barat'].n, jabar0 + 1, 'the cached map did not count the new idea');
    assert.ok(m1.svg['Jawa Barat'].cls >= 1 && m1.svg.Bali.cls === 0, 'shading classes');
    assert.match(m1.html, /<ol class="places"><li>Jawa Barat <strong>\d+<\/strong><\/li>/);
    assert.deepEqual(shownCounts(m1.svg), await tallyFromIdeaPages());

    const page = await srv.get(`/i/${id}`);
    assert.equal(regionOf(page.text), 'Kabupaten Bandung, Jawa Barat');
    assert.match(page.text, /<div class="topics"><span>Topik:<\/span><ul><li>infrastruktur<\/li>/);
    assert.equal(regionOf((await srv.get(`/i/${id}?lang=en`)).text), 'Kabupaten Bandung, Jawa Barat');

    const no = await srv.req('PATCH', `/api/v1/ideas/${id}`, { json: { status: 'ditolak', reason: 'Sudah ada programnya.' }, jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } });
    assert.equal(no.status, 200, show(no));
    const m2 = mapCounts((await srv.get('/c/demo')).text);
    assert.equal(m2.svg['Jawa Barat'].n, jabar0, 'a declined idea still counts on the map');
  });
});

describe('public writes are limited per participant and per address, with clear messages', () => {
  // rate_submit 3 a minute. Requests leave from different loopback
  // addresses (127.0.0.x), so one cookie can move between addresses and
  // one address can carry many cookies, as on mobile data and school
  // networks.
  let lim;
  let idea;
  let addr = 10;
  const from = () => new http.Agent({ localAddress: `127.0.0.${addr++}` });
  before(async () => {
    lim = await Server.start({ name: 'engage-rate', rateSubmit: 3 });
    idea = (await lim.get('/api/v1/campaigns/demo/ideas?sort=new')).json.ideas[0].id;
  });
  after(async () => {
    if (lim) await lim.stop();
  });
  const comment = (jar, agent, n) => lim.req('POST', `/api/v1/ideas/${idea}/comments`, { json: { text: `Komentar uji ${n}` }, jar, agent });

  test('one cookie over four addresses: the fourth write is 429 "from you"', async () => {
    const jar = new CookieJar();
    await lim.get('/c/demo', { jar });
    const codes = [];
    let last;
    for (let k = 0; k < 4; k++) {
      last = await comment(jar, from(), k);
      codes.push(last.status);
    }
    assert.deepEqual(codes, [201, 201, 201, 429]);
    assertError(last, 429, 'per participant');
    assert.match(last.json.error.message, /too many writes from you; try again in \d+ seconds/);
    assert.ok(Number(last.headers['retry-after']) > 0, 'no Retry-After');
    // the quiz shares the participant's budget
    const q = (await lim.get('/api/v1/campaigns/demo/quizzes')).json.quizzes[0].id;
    assertError(await lim.post(`/api/v1/quizzes/${q}/attempts`, { answers: [0, 0, 0] }, { jar, agent: from() }), 429, 'quiz after three comments');
  });

  test('four cookies from one address: the fourth write is 429 "from your address"', async () => {
    const agent = from();
    const codes = [];
    let last;
    for (let k = 0; k < 4; k++) {
      last = await lim.req('POST', `/api/v1/ideas/${idea}/supports`, { jar: new CookieJar(), agent });
      codes.push(last.status);
    }
    assert.deepEqual(codes, [201, 201, 201, 429]);
    assert.match(last.json.error.message, /too many writes from your address; try again in \d+ seconds/);
  });

  test('a limited form comes back to its page, which says so', async () => {
    const jar = new CookieJar();
    const page = await lim.get(`/i/${idea}`, { jar });
    const csrf = /name="csrf" value="([0-9a-f]+)"/.exec(page.text)[1];
    for (let k = 0; k < 3; k++) assert.equal((await comment(jar, from(), k)).status, 201);
    const r = await lim.req('POST', `/i/${idea}/comment`, { form: { csrf, text: 'Satu lagi' }, jar, agent: from() });
    assert.equal(r.status, 303, show(r));
    assert.equal(r.headers.location, `/i/${idea}?error=rate#comments`);
    const shown = await lim.get(r.headers.location.split('#')[0], { jar });
    assert.match(shown.text, /role="alert">Terlalu sering; coba lagi sebentar lagi\./);
    const en = await lim.get(`/i/${idea}?error=rate&lang=en`, { jar: new CookieJar() });
    assert.match(en.text, /role="alert">Too many tries; please wait a moment\./);
    // the poll form and the quiz form and the deletion form likewise
    const c = await lim.get('/c/demo', { jar });
    const poll = /action="\/p\/(\d+)\/vote"/.exec(c.text)[1];
    const v = await lim.req('POST', `/p/${poll}/vote`, { form: { csrf, option: '0' }, jar, agent: from() });
    assert.equal(v.status, 303, show(v));
    assert.match(v.headers.location, new RegExp(`^/c/demo\\?poll_error=rate#poll${poll}$`));
    const vp = await lim.get(v.headers.location.split('#')[0], { jar });
    assert.match(vp.text, /role="alert">Terlalu sering/);
    const q = (await lim.get('/api/v1/campaigns/demo/quizzes')).json.quizzes[0].id;
    const qp = await lim.req('POST', `/q/${q}`, { form: { csrf, a0: '0', a1: '0', a2: '0' }, jar, agent: from() });
    assert.equal(qp.headers.location, `/q/${q}?error=rate`);
    assert.match((await lim.get(qp.headers.location, { jar })).text, /role="alert">Terlalu sering/);
    const d = await lim.req('POST', '/me/delete', { form: { csrf, sure: '1' }, jar, agent: from() });
    assert.equal(d.headers.location, '/me?error=rate#mydata');
    assert.match((await lim.get('/me?error=rate', { jar })).text, /role="alert">Terlalu sering/);
  });

  test('the idea form and the submission API share the same budget, per participant and per address', async () => {
    // the form: one cookie, a new address each time; the fourth comes back
    // to the campaign page (not raw JSON), which says so in its language
    const jar = new CookieJar();
    const page = await lim.get('/c/demo', { jar });
    const csrf = /name="csrf" value="([0-9a-f]+)"/.exec(page.text)[1];
    const send = (k) => lim.req('POST', '/c/demo/submit', { form: { csrf, confirm: '1', text: `Gagasan uji batas ${k} ${marker('form')}` }, jar, agent: from() });
    for (let k = 0; k < 3; k++) {
      const r = await send(k);
      assert.equal(r.status, 303, show(r));
      assert.match(r.headers.location, /^\/s\/\d+$/, show(r));
    }
    const r = await send(3);
    assert.equal(r.status, 303, `a limited form answers ${show(r)}`);
    assert.equal(r.headers.location, '/c/demo?error=rate#idea');
    assert.ok(Number(r.headers['retry-after']) > 0, 'no Retry-After');
    const shown = await lim.get('/c/demo?error=rate', { jar });
    assert.match(shown.text, /<form class="idea" id="idea"[^>]*>.*role="alert">Terlalu sering; coba lagi sebentar lagi\./s);
    const en = await lim.get('/c/demo?error=rate&lang=en', { jar: new CookieJar() });
    assert.match(en.text, /role="alert">Too many tries; please wait a moment\./);
    // the JSON API with the same cookie from yet another address: "from you"
    const api = await lim.req('POST', '/api/v1/campaigns/demo/submissions', { json: { text: `Lewat API ${marker('api')}` }, jar, agent: from() });
    assertError(api, 429, 'API submission after three forms');
    assert.match(api.json.error.message, /too many writes from you; try again in \d+ seconds/);
    // without a cookie, one address: counted per address
    const agent = from();
    const codes = [];
    let last;
    for (let k = 0; k < 4; k++) {
      last = await lim.req('POST', '/api/v1/campaigns/demo/submissions', { json: { text: `Tanpa cookie ${k} ${marker('ip')}` }, agent });
      codes.push(last.status);
    }
    assert.deepEqual(codes, [202, 202, 202, 429]);
    assert.match(last.json.error.message, /too many writes from your address; try again in \d+ seconds/);
  });
});
