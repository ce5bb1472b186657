// End-to-end: three corners of the review workspace (issue 4), on a server
// whose claims last one second (review_lease_s = 1):
//  - a claim's lease runs out, another reviewer takes the item, and the
//    first reviewer's late action is refused with a 409 that says why;
//  - time to decision per campaign (median and p90, nearest rank) in
//    GET /api/v1/review/stats and on /console/quality, checked against
//    values computed here from each item's received_at and decided_at;
//  - the console's sessions page ends one session at a time (CSRF form,
//    audited), and ending the current one signs out here.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CookieJar, Server, USERS, assertError, decodeEntities, marker, show, sleep } from '../lib/server.mjs';

const REV2 = { email: 'penelaah2@gagas.test', password: 'second-reviewer-pw-9', role: 'reviewer' };

let srv;
let rev;
let rev2;
let adm;
const decided = []; // every item this file decides, for the time-to-decision check

before(async () => {
  srv = await Server.start({ name: 'workspace', users: [USERS.reviewer, USERS.admin, USERS.analyst, REV2], extraArgs: ['--review-lease-s', '1'] });
  rev = await srv.login(USERS.reviewer);
  rev2 = await srv.login(REV2);
  adm = await srv.login(USERS.admin);
});

after(async () => {
  if (srv) await srv.stop();
});

const claim = (s, id) => srv.post(`/api/v1/review/items/${id}/claim`, {}, { jar: s.jar, headers: { 'x-csrf-token': s.csrf } });

describe('claim expiry', () => {
  test('a lapsed claim lets another reviewer take the item; the late action is a clear 409', async () => {
    const id = await srv.submitOk(`Tambah armada bus sekolah untuk desa terpencil ${marker('lease')}`);
    const c1 = await claim(rev, id);
    assert.equal(c1.status, 200, show(c1));
    assert.ok(c1.json.expires_at - Date.now() <= 1500, `lease is not about one second: ${show(c1)}`);
    // while it runs, the item is the first reviewer's alone
    const held = await claim(rev2, id);
    assertError(held, 409, 'claim while held');
    assertError(await srv.act(rev2, id, { action: 'accept' }), 409, 'action while held');
    const q = await srv.get(`/api/v1/review/queue?campaign=demo&limit=1000`, { jar: rev2.jar });
    assert.ok(!q.json.items.some((x) => x.id === id), 'a held item shows in another reviewer\'s queue');

    await sleep(1300); // the lease runs out
    const q2 = await srv.get(`/api/v1/review/queue?campaign=demo&limit=1000`, { jar: rev2.jar });
    assert.ok(q2.json.items.some((x) => x.id === id), 'a lapsed claim still hides the item');
    const c2 = await claim(rev2, id);
    assert.equal(c2.status, 200, `the second reviewer cannot take a lapsed item: ${show(c2)}`);

    const late = await srv.act(rev, id, { action: 'accept' });
    assertError(late, 409, 'late action of the first reviewer');
    assert.match(late.json.error.message, /another reviewer holds a claim on this item/);
    assert.equal(late.json.error.code, 'conflict');

    const win = await srv.act(rev2, id, { action: 'reject', reason: 'off-topic' });
    assert.equal(win.status, 200, show(win));
    decided.push(id);
    const later = await srv.act(rev, id, { action: 'accept' });
    assertError(later, 409, 'action after the second reviewer decided');
    assert.match(later.json.error.message, /already rejected/);
    const it = await srv.get(`/api/v1/review/items/${id}`, { jar: rev.jar });
    assert.equal(it.json.state, 'rejected', 'the late action changed the item');
  });

  test('next hands out an item whose claim ran out', async () => {
    const id = await srv.submitOk(`Perbaiki jembatan gantung di dusun kami ${marker('lease')}`);
    assert.equal((await claim(rev, id)).status, 200);
    await sleep(1300);
    let got = null;
    for (let i = 0; i < 200 && got !== id; i++) {
      const n = await srv.get('/api/v1/review/next?campaign=demo', { jar: rev2.jar });
      assert.equal(n.status, 200, show(n));
      if (!n.json.item) break;
      got = n.json.item.id;
      if (got !== id) {
        // decide what comes first so the queue moves on
        const r = await srv.act(rev2, got, { action: 'escalate' });
        assert.equal(r.status, 200, show(r));
      }
    }
    assert.equal(got, id, 'next never reached the lapsed item');
    const r = await srv.act(rev2, id, { action: 'accept' });
    assert.equal(r.status, 200, show(r));
    decided.push(id);
  });
});

// the nearest-rank percentile: the smallest value with at least p of them at or below it
const nearestRank = (sorted, p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];

describe('time to decision', () => {
  test('median and p90 per campaign match the items\' own timestamps', async () => {
    // seven posts, decided one by one with growing pauses: distinct waits
    const ids = [];
    for (let k = 0; k < 7; k++) ids.push(await srv.submitOk(`Usulan nomor ${k}: perpanjang jam buka perpustakaan daerah ${marker('ttd')}`));
    for (let k = 0; k < ids.length; k++) {
      await sleep(40 * k);
      const body = k % 3 === 2 ? { action: 'reject', reason: 'other' } : { action: 'accept' };
      const r = await srv.act(rev, ids[k], body);
      assert.equal(r.status, 200, show(r));
      decided.push(ids[k]);
    }
    // an undone decision is not a decision: it must not count
    const undone = await srv.submitOk(`Sediakan tempat sampah terpilah di taman kota ${marker('ttd')}`);
    assert.equal((await srv.act(rev, undone, { action: 'accept' })).status, 200);
    assert.equal((await srv.act(rev, undone, { action: 'undo' })).status, 200);

    // each item's wait, from what the API shows of it
    const waits = [];
    for (const id of decided) {
      const r = await srv.get(`/api/v1/review/items/${id}`, { jar: adm.jar });
      assert.equal(r.status, 200, show(r));
      const { received_at: rec, decided_at: dec } = r.json;
      assert.ok(rec && dec, `item ${id} lacks received_at/decided_at: ${show(r)}`);
      waits.push((Date.parse(dec) - Date.parse(rec)) / 1000);
    }
    waits.sort((a, b) => a - b);
    const want = { n: waits.length, p50: nearestRank(waits, 0.5), p90: nearestRank(waits, 0.9), max: waits[waits.length - 1], avg: waits.reduce((a, b) => a + b, 0) / waits.length };

    const st = await srv.get('/api/v1/review/stats?campaign=demo', { jar: adm.jar });
    assert.equal(st.status, 200, show(st));
    const row = st.json.decision_secs.find((x) => x.campaign === 'demo');
    assert.ok(row, `no demo row: ${show(st)}`);
    assert.equal(row.n, want.n, `count: ${JSON.stringify(row)} vs ${JSON.stringify(want)}`);
    const near = (a, b, what) => assert.ok(Math.abs(a - b) < 0.005, `${what}: server ${a}, computed ${b} (${JSON.stringify(waits)})`);
    near(row.p50_secs, want.p50, 'median');
    near(row.p90_secs, want.p90, 'p90');
    near(row.max_secs, want.max, 'longest');
    near(row.avg_secs, want.avg, 'mean');
    assert.ok(row.p90_secs >= row.p50_secs);
    assert.ok(want.p90 > want.p50, 'the test\'s waits are not spread enough to tell p50 from p90');

    // the quality page shows the same figures (one decimal)
    const page = await srv.get('/console/quality', { jar: adm.jar });
    assert.equal(page.status, 200, show(page));
    const table = decodeEntities(page.text.slice(page.text.indexOf('id="decision-time"')));
    const cells = [...table.slice(0, table.indexOf('</table>')).matchAll(/<tr><td>demo<\/td>((?:<td>[^<]*<\/td>)+)<\/tr>/g)];
    assert.equal(cells.length, 1, `no demo row on the quality page: ${table.slice(0, 600)}`);
    const nums = [...cells[0][1].matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(nums.slice(0, 3), [String(want.n), row.p50_secs.toFixed(1), row.p90_secs.toFixed(1)]);

    // a narrower window that still holds every decision gives the same count
    const none = await srv.get('/api/v1/review/stats?campaign=demo&hours=1', { jar: adm.jar });
    assert.equal(none.json.decision_secs.find((x) => x.campaign === 'demo').n, want.n, 'the last hour holds every decision');
    assertError(await srv.get('/api/v1/review/stats?campaign=demo', { jar: rev.jar }), 403, 'reviewer reads stats');
  });
});

describe('sessions page', () => {
  // sign in with a user agent of our own, to find the session's row
  const loginAs = async (user, ua) => {
    const jar = new CookieJar();
    const r = await srv.post('/api/v1/session', { email: user.email, password: user.password }, { jar, headers: { 'user-agent': ua } });
    assert.equal(r.status, 200, show(r));
    return { jar, csrf: r.json.csrf };
  };
  const rowsOf = (html) =>
    [...html.matchAll(/<tr><td>.*?<\/tr>/g)].map((m) => ({ html: m[0], id: Number((m[0].match(/action="\/console\/sessions\/(\d+)\/end"/) || [])[1]) })).filter((r) => r.id);

  test('each session can be ended on its own by a CSRF-checked form, audited', async () => {
    const a = await loginAs(USERS.analyst, 'laptop-a');
    const b = await loginAs(USERS.analyst, 'phone-b');
    const c = await loginAs(USERS.analyst, 'tablet-c');
    const page = await srv.get('/console/sessions', { jar: a.jar });
    assert.equal(page.status, 200, show(page));
    const rows = rowsOf(page.text);
    assert.ok(rows.length >= 3, `sessions not listed with a form each: ${page.text.slice(0, 800)}`);
    const rb = rows.find((r) => r.html.includes('phone-b'));
    const ra = rows.find((r) => r.html.includes('laptop-a'));
    assert.ok(rb && ra, 'rows do not name their browsers');
    assert.match(rb.html, new RegExp(`name="csrf" value="${a.csrf}"`), 'the form lacks the CSRF token');
    assert.match(ra.html, /★/, 'the current session is not marked');

    assertError(await srv.req('POST', `/console/sessions/${rb.id}/end`, { form: {}, jar: a.jar }), 403, 'no csrf');
    assertError(await srv.req('POST', `/console/sessions/${rb.id}/end`, { form: { csrf: 'x'.repeat(64) }, jar: a.jar }), 403, 'wrong csrf');
    assert.equal((await srv.get('/api/v1/review/stats', { jar: b.jar })).status, 200, 'a refused form ended the session');

    const end = await srv.req('POST', `/console/sessions/${rb.id}/end`, { form: { csrf: a.csrf }, jar: a.jar });
    assert.equal(end.status, 303, show(end));
    assert.match(end.headers.location, /^\/console\/sessions\?ended=1$/);
    assertError(await srv.get('/api/v1/review/stats', { jar: b.jar }), 401, 'the ended session');
    assert.equal((await srv.get('/api/v1/review/stats', { jar: c.jar })).status, 200, 'another session ended too');
    assert.equal((await srv.get('/api/v1/review/stats', { jar: a.jar })).status, 200, 'this session ended');
    const again = await srv.get('/console/sessions', { jar: a.jar });
    assert.ok(!rowsOf(again.text).some((r) => r.id === rb.id), 'the ended session is still listed');
    assertError(await srv.req('POST', `/console/sessions/${rb.id}/end`, { form: { csrf: a.csrf }, jar: a.jar }), 404, 'ending it twice');

    // someone else's session is not ours to end
    const admRows = rowsOf((await srv.get('/console/sessions', { jar: adm.jar })).text);
    assertError(await srv.req('POST', `/console/sessions/${admRows[0].id}/end`, { form: { csrf: a.csrf }, jar: a.jar }), 404, 'another user\'s session');
    assert.equal((await srv.get('/api/v1/audit?limit=5', { jar: adm.jar })).status, 200, 'the admin was signed out by someone else');
    assertError(await srv.req('POST', '/console/sessions/abc/end', { form: { csrf: a.csrf }, jar: a.jar }), 404, 'bad id');

    // audited: who ended which session, one of them
    const au = await srv.get('/api/v1/audit?limit=50', { jar: adm.jar });
    const row = au.json.entries.find((e) => e.action === 'sign-out' && e.object_type === 'staff_session' && e.object_id === rb.id);
    assert.ok(row, `no audit row for ending session ${rb.id}`);
    assert.deepEqual(row.after, { ended: 1, everywhere: false });

    // ending the current session signs out here
    const self = await srv.req('POST', `/console/sessions/${ra.id}/end`, { form: { csrf: a.csrf }, jar: a.jar });
    assert.equal(self.status, 303, show(self));
    assert.equal(self.headers.location, '/console/login');
    assert.ok(!a.jar.get('gg_session'), 'the cookie was not cleared');
    assert.equal((await srv.get('/api/v1/review/stats', { jar: c.jar })).status, 200, 'signing out here ended another session');
  });
});
