// End-to-end: the real gagas binary on 127.0.0.1 with a temporary database,
// driven over HTTP the way the portal, the console and other programs do.
// Covers the whole flow (submit -> queue -> sign in -> accept/reject ->
// public idea -> audit), every documented error status, idempotency, roles,
// CSRF, metrics and the no-JavaScript pages.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CookieJar,
  Server,
  USERS,
  assertError,
  decodeEntities,
  htmlContainsText,
  marker,
  rawUpload,
  show,
} from '../lib/server.mjs';
import { elements, forms, hasLabel, hasSubmit, startTags, textOf } from '../lib/html.mjs';

const SUBMISSIONS = '/api/v1/campaigns/demo/submissions';

let srv;
let reviewer; // {jar, csrf}
let admin;
let analyst;

before(async () => {
  srv = await Server.start({ name: 'flow' });
  reviewer = await srv.login(USERS.reviewer);
  admin = await srv.login(USERS.admin);
  analyst = await srv.login(USERS.analyst);
});

after(async () => {
  if (srv) await srv.stop();
});


/** Finds the value of `want` anywhere in an object tree (for "with its reason"). */
function containsValue(obj, want) {
  if (obj === want) return true;
  if (obj && typeof obj === 'object') return Object.values(obj).some((v) => containsValue(v, want));
  return false;
}

describe('health, campaign', () => {
  test('GET /healthz is 200', async () => {
    const r = await srv.get('/healthz');
    assert.equal(r.status, 200, show(r));
  });

  test('GET /api/v1/campaigns/demo has slug, title, question, brief', async () => {
    const r = await srv.get('/api/v1/campaigns/demo');
    assert.equal(r.status, 200, show(r));
    assert.match(r.headers['content-type'] || '', /application\/json/);
    assert.equal(r.json.slug, 'demo');
    for (const k of ['title', 'question', 'brief']) {
      assert.equal(typeof r.json[k], 'string', `campaign.${k} missing: ${show(r)}`);
      assert.ok(r.json[k].length > 0, `campaign.${k} is empty`);
    }
  });

  test('GET unknown campaign is 404 JSON error', async () => {
    assertError(await srv.get('/api/v1/campaigns/no-such-campaign'), 404, 'unknown campaign');
  });
});

describe('the whole flow', () => {
  const acceptText = `Perbaiki jalan desa ke sekolah agar anak aman saat hujan ${marker('acc')}`;
  const rejectText = `Beli pulsa murah di sini ${marker('rej')}`;
  let acceptId;
  let rejectId;
  let ideaId;

  test('citizen submits: 202 {id, state: queued}, then GET shows it', async () => {
    const r = await srv.submit(acceptText, { author: 'Budi' });
    assert.equal(r.status, 202, show(r));
    assert.ok(Number.isInteger(r.json.id), `id not an integer: ${show(r)}`);
    assert.equal(r.json.state, 'queued');
    acceptId = r.json.id;

    const g = await srv.get(`/api/v1/submissions/${acceptId}`);
    assert.equal(g.status, 200, show(g));
    assert.equal(g.json.id, acceptId);
    assert.equal(g.json.campaign, 'demo');
    assert.equal(g.json.text, acceptText);
    assert.equal(typeof g.json.state, 'string');

    rejectId = await srv.submitOk(rejectText);
    assert.notEqual(rejectId, acceptId, 'two submissions got the same id');
  });

  test('both appear in the review queue as queued, with channel and received_at', async () => {
    const q = await srv.queue(reviewer);
    assert.equal(typeof q.total, 'number', `total missing: ${JSON.stringify(q).slice(0, 300)}`);
    assert.ok(q.total >= 2, `total ${q.total} < 2`);
    for (const [id, text] of [
      [acceptId, acceptText],
      [rejectId, rejectText],
    ]) {
      const it = q.items.find((i) => i.id === id);
      assert.ok(it, `submission ${id} not in the queue (${q.items.length} items)`);
      assert.equal(it.text, text);
      assert.equal(it.state, 'queued');
      assert.equal(it.channel, 'web');
      assert.ok(it.received_at !== undefined && it.received_at !== null && it.received_at !== '', 'received_at missing');
    }
  });

  test('queue sort=priority also answers with our items', async () => {
    const q = await srv.queue(reviewer, { sort: 'priority' });
    assert.ok(q.items.some((i) => i.id === acceptId), 'accept item missing from sort=priority');
  });

  test('queue sort=new is newest first', async () => {
    const q = await srv.queue(reviewer, { sort: 'new' });
    const times = q.items.map((i) => (typeof i.received_at === 'number' ? i.received_at : Date.parse(i.received_at)));
    assert.ok(times.every(Number.isFinite), `received_at not a time: ${q.items.slice(0, 3).map((i) => i.received_at)}`);
    for (let k = 1; k < times.length; k++) {
      assert.ok(times[k - 1] >= times[k], `item ${k} (${q.items[k].received_at}) newer than item ${k - 1} (${q.items[k - 1].received_at})`);
    }
  });

  test('reviewer accepts: 200 with submission accepted and the idea', async () => {
    const r = await srv.act(reviewer, acceptId, { action: 'accept', title: 'Jalan aman ke sekolah' });
    assert.equal(r.status, 200, show(r));
    assert.equal(r.json.submission?.state, 'accepted', show(r));
    assert.equal(r.json.submission.id, acceptId);
    assert.ok(Number.isInteger(r.json.submission.idea_id), `submission.idea_id: ${show(r)}`);
    assert.ok(Number.isInteger(r.json.idea?.id), `idea.id: ${show(r)}`);
    assert.equal(r.json.idea.id, r.json.submission.idea_id);
    ideaId = r.json.idea.id;

    const g = await srv.get(`/api/v1/submissions/${acceptId}`);
    assert.equal(g.json?.state, 'accepted', show(g));
  });

  test('GET /api/v1/ideas/{id} has the text', async () => {
    const r = await srv.get(`/api/v1/ideas/${ideaId}`);
    assert.equal(r.status, 200, show(r));
    assert.equal(r.json.id, ideaId);
    assert.equal(r.json.campaign, 'demo');
    assert.equal(r.json.title, 'Jalan aman ke sekolah');
    assert.equal(r.json.text, acceptText);
    assert.equal(typeof r.json.status, 'string');
    assert.equal(typeof r.json.supporters, 'number');
  });

  test('the campaign idea list has it', async () => {
    const r = await srv.get('/api/v1/campaigns/demo/ideas');
    assert.equal(r.status, 200, show(r));
    assert.ok(Array.isArray(r.json.ideas), show(r));
    assert.ok(
      r.json.ideas.some((i) => i.id === ideaId),
      `idea ${ideaId} not in /api/v1/campaigns/demo/ideas (${r.json.ideas.length} ideas)`,
    );
  });

  test('the public page /i/{id} shows the text', async () => {
    const r = await srv.get(`/i/${ideaId}`);
    assert.equal(r.status, 200, show(r));
    assert.match(r.headers['content-type'] || '', /text\/html/);
    assert.ok(htmlContainsText(r.text, acceptText), `/i/${ideaId} does not show the text`);
  });

  test('reviewer rejects with a reason: 200 rejected, reason kept', async () => {
    const r = await srv.act(reviewer, rejectId, { action: 'reject', reason: 'spam', note: 'iklan pulsa' });
    assert.equal(r.status, 200, show(r));
    assert.equal(r.json.submission?.state, 'rejected', show(r));
    assert.ok(containsValue(r.json.submission, 'spam'), `reason "spam" not in the submission: ${show(r)}`);
    const g = await srv.get(`/api/v1/submissions/${rejectId}`);
    assert.equal(g.json?.state, 'rejected', show(g));
  });

  test('decided items leave the queue', async () => {
    const q = await srv.queue(reviewer);
    assert.ok(!q.items.some((i) => i.id === acceptId || i.id === rejectId), 'a decided item is still in the queue');
  });

  test('acting again on a decided item is 409', async () => {
    assertError(await srv.act(reviewer, acceptId, { action: 'reject', reason: 'spam' }), 409, 'reject after accept');
    assertError(await srv.act(reviewer, rejectId, { action: 'accept' }), 409, 'accept after reject');
  });

  test('the audit log shows the accept and the reject', async () => {
    const r = await srv.get('/api/v1/audit', { jar: admin.jar });
    assert.equal(r.status, 200, show(r));
    assert.ok(Array.isArray(r.json.entries), show(r));
    const about = (id) => r.json.entries.filter((e) => String(e.object_id) === String(id));
    const acc = [...about(acceptId), ...about(ideaId)].find((e) => /accept/i.test(e.action));
    assert.ok(acc, `no accept entry for submission ${acceptId}: ${JSON.stringify(r.json.entries.slice(0, 5))}`);
    const rej = about(rejectId).find((e) => /reject/i.test(e.action));
    assert.ok(rej, `no reject entry for submission ${rejectId}: ${JSON.stringify(r.json.entries.slice(0, 5))}`);
    assert.equal(rej.reason, 'spam');
    for (const e of [acc, rej]) {
      for (const k of ['id', 'at', 'actor', 'action', 'object_type', 'object_id']) {
        assert.ok(e[k] !== undefined && e[k] !== null && e[k] !== '', `audit entry lacks ${k}: ${JSON.stringify(e)}`);
      }
    }
  });
});

describe('review actions: validation', () => {
  test('unknown action is 400', async () => {
    const id = await srv.submitOk(`Tambah lampu jalan di gang ${marker('act')}`);
    assertError(await srv.act(reviewer, id, { action: 'bless' }), 400, 'unknown action');
    const g = await srv.get(`/api/v1/submissions/${id}`);
    assert.equal(g.json?.state, 'queued', 'a bad action changed the state');
  });

  test('reject with a reason outside the list is 400', async () => {
    const id = await srv.submitOk(`Perbanyak taman kota ${marker('rsn')}`);
    assertError(await srv.act(reviewer, id, { action: 'reject', reason: 'because' }), 400, 'bad reason');
  });

  test('every listed reject reason is accepted', async () => {
    for (const reason of ['spam', 'kasar', 'off-topic', 'not-constructive', 'duplicate', 'other']) {
      const id = await srv.submitOk(`Usulan untuk alasan ${reason} ${marker('rr')}`);
      const r = await srv.act(reviewer, id, { action: 'reject', reason });
      assert.equal(r.status, 200, `reason ${reason}: ${show(r)}`);
      assert.equal(r.json.submission?.state, 'rejected');
    }
  });

  test('two reviewers deciding one item at once: one wins, the other gets 409', async () => {
    const other = await srv.login(USERS.admin);
    for (let round = 0; round < 5; round++) {
      const id = await srv.submitOk(`Keputusan serentak ${round} ${marker('race')}`);
      const [a, b] = await Promise.all([
        srv.act(reviewer, id, { action: 'accept' }),
        srv.act(other, id, { action: 'reject', reason: 'duplicate' }),
      ]);
      const statuses = [a.status, b.status].sort();
      assert.deepEqual(statuses, [200, 409], `round ${round}: ${show(a)} / ${show(b)}`);
      const win = a.status === 200 ? a : b;
      const g = await srv.get(`/api/v1/submissions/${id}`);
      assert.equal(g.json?.state, win.json.submission.state, 'the stored state is not the winner\'s');
    }
  });

  test('action on an unknown item is 404', async () => {
    assertError(await srv.act(reviewer, 987654321, { action: 'accept' }), 404, 'unknown item');
  });
});

describe('submission errors', () => {
  test('malformed JSON is 400', async () => {
    assertError(
      await srv.req('POST', SUBMISSIONS, { body: '{"text": "ide bagus",', headers: { 'content-type': 'application/json' } }),
      400,
      'malformed JSON',
    );
  });

  test('missing "text" is 400', async () => {
    assertError(await srv.post(SUBMISSIONS, { author: 'Ani', channel: 'web' }), 400, 'missing text');
  });

  test('empty text is 400', async () => {
    assertError(await srv.post(SUBMISSIONS, { text: '', channel: 'web' }), 400, 'empty text');
  });

  test('whitespace-only text is 400', async () => {
    assertError(await srv.post(SUBMISSIONS, { text: '  \n\t ', channel: 'web' }), 400, 'blank text');
  });

  test('text that is not a string is 400', async () => {
    assertError(await srv.post(SUBMISSIONS, { text: 42, channel: 'web' }), 400, 'numeric text');
  });

  test('a JSON array body is 400', async () => {
    assertError(await srv.post(SUBMISSIONS, ['ide']), 400, 'array body');
  });

  test('invalid UTF-8 bytes in the JSON string are 400', async () => {
    const body = Buffer.concat([Buffer.from('{"text":"ide bagus '), Buffer.from([0xff, 0xfe]), Buffer.from('","channel":"web"}')]);
    assertError(await srv.req('POST', SUBMISSIONS, { body, headers: { 'content-type': 'application/json' } }), 400, 'invalid UTF-8');
  });

  test('a lone surrogate escape is 400', async () => {
    const body = '{"text":"ide \\ud800 bagus","channel":"web"}';
    assertError(await srv.req('POST', SUBMISSIONS, { body, headers: { 'content-type': 'application/json' } }), 400, 'lone surrogate');
  });

  test('a body just over 1 MiB is 413 JSON error', async () => {
    const text = 'a'.repeat(1024 * 1024 + 16);
    assertError(await srv.post(SUBMISSIONS, { text, channel: 'web' }), 413, 'body > 1 MiB');
  });

  test('a 6 MiB body is 413', async () => {
    const body = Buffer.from(JSON.stringify({ text: 'b'.repeat(6 * 1024 * 1024), channel: 'web' }));
    const r = await rawUpload(srv.base, 'POST', SUBMISSIONS, { 'content-type': 'application/json' }, body);
    assert.equal(r.status, 413, `6 MiB body: ${r.head}`);
  });

  test('unknown campaign is 404', async () => {
    assertError(
      await srv.post('/api/v1/campaigns/no-such-campaign/submissions', { text: 'ide bagus', channel: 'web' }),
      404,
      'unknown campaign',
    );
  });

  test('unknown submission id is 404', async () => {
    assertError(await srv.get('/api/v1/submissions/987654321'), 404, 'unknown submission');
  });

  test('unknown idea id is 404', async () => {
    assertError(await srv.get('/api/v1/ideas/987654321'), 404, 'unknown idea');
  });

  test('the server still works after the bad requests', async () => {
    const id = await srv.submitOk(`Setelah permintaan rusak ${marker('ok')}`);
    assert.equal((await srv.get(`/api/v1/submissions/${id}`)).status, 200);
  });
});

describe('idempotency', () => {
  test('the same Idempotency-Key returns the same id and stores once', async () => {
    const key = marker('idem');
    const text = `Sediakan air bersih di pasar ${key}`;
    const headers = { 'idempotency-key': key };
    const a = await srv.submit(text, { headers });
    assert.equal(a.status, 202, show(a));
    const b = await srv.submit(text, { headers });
    assert.ok([200, 202].includes(b.status), `repeat: ${show(b)}`);
    assert.equal(b.json?.id, a.json.id, 'repeat got another id');
    const c = await srv.submit(text, { headers });
    assert.equal(c.json?.id, a.json.id, 'third try got another id');

    const q = await srv.queue(reviewer);
    const n = q.items.filter((i) => typeof i.text === 'string' && i.text.includes(key)).length;
    assert.equal(n, 1, `the text is in the queue ${n} times`);
  });

  test('8 concurrent retries with one key get one id and one stored row', async () => {
    const key = marker('idemc');
    const text = `Perbaiki pompa air desa ${key}`;
    const rs = await Promise.all(
      Array.from({ length: 8 }, () => srv.submit(text, { headers: { 'idempotency-key': key } })),
    );
    for (const r of rs) assert.ok([200, 202].includes(r.status), `concurrent retry: ${show(r)}`);
    const ids = new Set(rs.map((r) => r.json?.id));
    assert.equal(ids.size, 1, `concurrent retries got ids ${[...ids]}`);
    const q = await srv.queue(reviewer);
    const n = q.items.filter((i) => typeof i.text === 'string' && i.text.includes(key)).length;
    assert.equal(n, 1, `the text is in the queue ${n} times`);
  });

  test('different keys make different submissions', async () => {
    const text = `Ide yang sama dikirim dua kali ${marker('idem2')}`;
    const a = await srv.submit(text, { headers: { 'idempotency-key': marker('k') } });
    const b = await srv.submit(text, { headers: { 'idempotency-key': marker('k') } });
    assert.equal(a.status, 202, show(a));
    assert.equal(b.status, 202, show(b));
    assert.notEqual(a.json.id, b.json.id);
  });
});

describe('sessions and roles', () => {
  test('login sets gg_session HttpOnly, SameSite=Lax, Path=/ and returns csrf + user', async () => {
    const s = await srv.login(USERS.reviewer);
    assert.deepEqual(
      { email: s.res.json.user?.email, role: s.res.json.user?.role },
      { email: USERS.reviewer.email, role: 'reviewer' },
    );
    assert.ok(s.csrf.length >= 16, 'csrf token is short');
    const line = s.res.setCookies.find((c) => c.startsWith('gg_session='));
    assert.ok(line, `no gg_session Set-Cookie: ${s.res.setCookies}`);
    assert.match(line, /;\s*HttpOnly/i);
    assert.match(line, /;\s*SameSite=Lax/i);
    assert.match(line, /;\s*Path=\/(;|$)/i);
  });

  test('wrong password is 401', async () => {
    assertError(await srv.post('/api/v1/session', { email: USERS.reviewer.email, password: 'wrong-password' }), 401, 'bad password');
  });

  test('unknown email is 401', async () => {
    assertError(await srv.post('/api/v1/session', { email: 'nobody@gagas.test', password: 'whatever-123' }), 401, 'unknown user');
  });

  test('11th bad login for the same email is 429; others still sign in', async () => {
    const bad = { email: USERS.throttled.email, password: 'not-the-password' };
    for (let k = 1; k <= 10; k++) {
      const r = await srv.post('/api/v1/session', bad);
      assert.equal(r.status, 401, `bad login #${k}: ${show(r)}`);
    }
    assertError(await srv.post('/api/v1/session', bad), 429, 'bad login #11');
    // the lock is per address+email: the reviewer is not locked out
    await srv.login(USERS.reviewer);
  });

  test('queue without a session is 401', async () => {
    assertError(await srv.get('/api/v1/review/queue?campaign=demo&sort=new'), 401, 'no session');
  });

  test('queue with a forged session cookie is 401', async () => {
    const jar = new CookieJar();
    jar.cookies.set('gg_session', 'forged-session-value-0000000000');
    assertError(await srv.get('/api/v1/review/queue?campaign=demo&sort=new', { jar }), 401, 'forged session');
  });

  test('analyst on the queue is 403', async () => {
    assertError(await srv.get('/api/v1/review/queue?campaign=demo&sort=new', { jar: analyst.jar }), 403, 'analyst queue');
  });

  test('analyst acting on an item is 403', async () => {
    const id = await srv.submitOk(`Analis tidak boleh menelaah ${marker('an')}`);
    assertError(await srv.act(analyst, id, { action: 'accept' }), 403, 'analyst accept');
  });

  test('admin can read the queue', async () => {
    await srv.queue(admin);
  });

  test('reviewer on the audit log is 403; no session is 401', async () => {
    assertError(await srv.get('/api/v1/audit', { jar: reviewer.jar }), 403, 'reviewer audit');
    assertError(await srv.get('/api/v1/audit'), 401, 'anonymous audit');
  });

  test('staff POST without a session is 401', async () => {
    const id = await srv.submitOk(`Tanpa sesi ${marker('ns')}`);
    assertError(await srv.post(`/api/v1/review/items/${id}/actions`, { action: 'accept' }), 401, 'no session POST');
  });

  test('staff POST without X-CSRF-Token is 403', async () => {
    const id = await srv.submitOk(`Tanpa token ${marker('csrf')}`);
    assertError(
      await srv.post(`/api/v1/review/items/${id}/actions`, { action: 'accept' }, { jar: reviewer.jar }),
      403,
      'missing CSRF',
    );
    const g = await srv.get(`/api/v1/submissions/${id}`);
    assert.equal(g.json?.state, 'queued', 'the action ran despite the 403');
  });

  test('staff POST with a wrong X-CSRF-Token is 403', async () => {
    const id = await srv.submitOk(`Token salah ${marker('csrf')}`);
    assertError(
      await srv.post(`/api/v1/review/items/${id}/actions`, { action: 'accept' }, { jar: reviewer.jar, headers: { 'x-csrf-token': 'x' + reviewer.csrf.slice(1) } }),
      403,
      'wrong CSRF',
    );
  });

  test("another session's CSRF token is 403", async () => {
    const id = await srv.submitOk(`Token sesi lain ${marker('csrf')}`);
    assertError(
      await srv.post(`/api/v1/review/items/${id}/actions`, { action: 'accept' }, { jar: reviewer.jar, headers: { 'x-csrf-token': admin.csrf } }),
      403,
      'cross-session CSRF',
    );
  });

  test('DELETE /api/v1/session is 204 and the cookie stops working', async () => {
    const s = await srv.login(USERS.reviewer);
    const old = s.jar.clone();
    const r = await srv.req('DELETE', '/api/v1/session', { jar: s.jar, headers: { 'x-csrf-token': s.csrf } });
    assert.equal(r.status, 204, show(r));
    assertError(await srv.get('/api/v1/review/queue?campaign=demo&sort=new', { jar: old }), 401, 'after sign-out');
  });
});

describe('metrics', () => {
  test('/metrics has request counters, a duration histogram, submission gauges and queue depth', async () => {
    // some traffic of several kinds first
    await srv.submitOk(`Untuk metrik ${marker('met')}`);
    await srv.get('/api/v1/campaigns/no-such-campaign');
    await srv.get('/api/v1/campaigns/demo');

    const r = await srv.get('/metrics');
    assert.equal(r.status, 200, show(r));
    assert.match(r.headers['content-type'] || '', /text\/plain/);
    const lines = r.text.split('\n');
    const samples = lines.filter((l) => l && !l.startsWith('#'));

    const reqs = samples.filter((l) => l.startsWith('gagas_http_requests_total{'));
    assert.ok(reqs.length > 0, 'no gagas_http_requests_total samples');
    for (const l of reqs) {
      assert.match(l, /route="[^"]*"/, `no route label: ${l}`);
      assert.match(l, /status="\d{3}"/, `no status label: ${l}`);
      assert.match(l, /\}\s+\d+(\.\d+)?(e\+?\d+)?\s*$/, `bad value: ${l}`);
    }
    const sum = (re) => reqs.filter((l) => re.test(l)).reduce((a, l) => a + Number(l.split(/\s+/).pop()), 0);
    assert.ok(sum(/status="202"/) >= 1, 'no status="202" request counted');
    assert.ok(sum(/status="404"/) >= 1, 'no status="404" request counted');
    assert.ok(sum(/status="200"/) >= 1, 'no status="200" request counted');

    assert.ok(lines.some((l) => /^# TYPE gagas_http_requests_total counter/.test(l)), 'no TYPE line for the counter');
    assert.ok(lines.some((l) => /^# TYPE gagas_http_request_duration_seconds histogram/.test(l)), 'no TYPE histogram line');
    assert.ok(samples.some((l) => /^gagas_http_request_duration_seconds_bucket\{.*le="\+Inf".*\}/.test(l)), 'no +Inf bucket');
    assert.ok(samples.some((l) => /^gagas_http_request_duration_seconds_sum(\{|\s)/.test(l)), 'no histogram _sum');
    assert.ok(samples.some((l) => /^gagas_http_request_duration_seconds_count(\{|\s)/.test(l)), 'no histogram _count');

    const queued = samples.find((l) => /^gagas_submissions\{.*state="queued".*\}/.test(l));
    assert.ok(queued, 'no gagas_submissions{state="queued"} gauge');
    assert.ok(Number(queued.split(/\s+/).pop()) >= 1, `queued gauge: ${queued}`);
    const depth = samples.find((l) => /^gagas_queue_depth(\{|\s)/.test(l));
    assert.ok(depth, 'no gagas_queue_depth gauge');
    assert.ok(Number.isFinite(Number(depth.split(/\s+/).pop())), `queue depth: ${depth}`);
  });

  test('route labels are route patterns, not raw paths with ids', async () => {
    const id = await srv.submitOk(`Label rute ${marker('rt')}`);
    await srv.get(`/api/v1/submissions/${id}`);
    const r = await srv.get('/metrics');
    const routes = [...r.text.matchAll(/gagas_http_requests_total\{[^}]*route="([^"]*)"/g)].map((m) => m[1]);
    assert.ok(routes.length > 0);
    const raw = routes.filter((x) => x.includes(`/${id}`));
    assert.deepEqual(raw, [], `route labels carry ids (unbounded label values): ${raw}`);
  });
});

describe('pages (no JavaScript)', () => {
  test('/c/demo: Indonesian page with the question and the idea form', async () => {
    const camp = (await srv.get('/api/v1/campaigns/demo')).json;
    const r = await srv.get('/c/demo');
    assert.equal(r.status, 200, show(r));
    assert.match(r.headers['content-type'] || '', /text\/html/);
    assert.match(r.text, /<html[^>]*\blang="id"/i, 'the page is not lang="id"');
    assert.ok(textOf(r.text).includes(camp.question.trim()), `the page does not show the question "${camp.question}"`);

    const f = forms(r.text).find((x) => x.attrs.action === '/c/demo/submit');
    assert.ok(f, `no <form action="/c/demo/submit">: ${forms(r.text).map((x) => x.attrs.action)}`);
    assert.equal((f.attrs.method || '').toLowerCase(), 'post');
    const ta = f.textareas.find((t) => t.attrs.name === 'text');
    assert.ok(ta, 'no <textarea name="text">');
    assert.ok(hasLabel(r.text, ta, f.inner), 'the textarea has no <label>');
    assert.ok('csrf' in f.fields, `no hidden csrf field: ${JSON.stringify(f.fields)}`);
    assert.ok(hasSubmit(f), 'no submit button');
  });

  test('?lang=en switches to English and sets a cookie that keeps it', async () => {
    const jar = new CookieJar();
    const en = await srv.get('/c/demo?lang=en', { jar });
    assert.equal(en.status, 200, show(en));
    assert.match(en.text, /<html[^>]*\blang="en"/i, 'the ?lang=en page is not lang="en"');
    assert.ok(en.setCookies.length > 0, 'no cookie set by ?lang=en');
    const again = await srv.get('/c/demo', { jar });
    assert.match(again.text, /<html[^>]*\blang="en"/i, 'the language cookie is not honoured');
    const id = await srv.get('/c/demo');
    assert.match(id.text, /<html[^>]*\blang="id"/i, 'without the cookie the page is not Indonesian');
  });

  test('unknown campaign page is 404', async () => {
    const r = await srv.get('/c/no-such-campaign');
    assert.equal(r.status, 404, show(r));
  });

  test('posting the form redirects 303 to /s/{id}, which thanks the citizen', async () => {
    const jar = new CookieJar();
    const page = await srv.get('/c/demo', { jar });
    const f = forms(page.text).find((x) => x.attrs.action === '/c/demo/submit');
    assert.ok(f, 'no form');
    const text = `Tambah bus sekolah gratis di Kabupaten Garut — jam 06.30 & 13.00 ${marker('form')}`;
    const r = await srv.req('POST', '/c/demo/submit', { form: { ...f.fields, text }, jar });
    assert.equal(r.status, 303, show(r));
    const loc = new URL(r.headers.location || '', srv.base);
    const m = loc.pathname.match(/^\/s\/(\d+)$/);
    assert.ok(m, `Location is not /s/{id}: ${r.headers.location}`);
    const id = Number(m[1]);

    const s = await srv.get(loc.pathname, { jar });
    assert.equal(s.status, 200, show(s));
    assert.ok(textOf(s.text).includes('Terima kasih'), 'the status page does not say "Terima kasih"');

    const g = await srv.get(`/api/v1/submissions/${id}`);
    assert.equal(g.status, 200, show(g));
    assert.equal(g.json.text, text, 'the form text was not stored as typed (URL decoding / UTF-8)');
    assert.equal(g.json.campaign, 'demo');
  });

  test('posting the form with an empty text does not create a submission', async () => {
    const jar = new CookieJar();
    const page = await srv.get('/c/demo', { jar });
    const f = forms(page.text).find((x) => x.attrs.action === '/c/demo/submit');
    const r = await srv.req('POST', '/c/demo/submit', { form: { ...f.fields, text: '' }, jar });
    // a 4xx, or the form again (200, or 303 back to it) with a message: anything but a thank-you
    assert.ok(r.status < 500, `empty form: ${show(r)}`);
    assert.ok(!(r.status === 303 && /\/s\/\d+$/.test(r.headers.location || '')), `empty form was accepted: ${show(r)}`);
  });

  test('idea page escapes HTML in the text', async () => {
    const evil = `<script>alert("x")</script><img src=x onerror=alert(1)> ${marker('xss')}`;
    const id = await srv.submitOk(evil);
    const a = await srv.act(reviewer, id, { action: 'accept', title: '<b>judul</b>' });
    assert.equal(a.status, 200, show(a));
    const r = await srv.get(`/i/${a.json.idea.id}`);
    assert.equal(r.status, 200, show(r));
    assert.ok(!r.text.includes('<script>alert("x")'), 'raw <script> from the text is in the page');
    assert.ok(!r.text.includes('<img src=x'), 'raw <img> from the text is in the page');
    assert.ok(!r.text.includes('<b>judul</b>'), 'raw HTML from the title is in the page');
    assert.ok(decodeEntities(r.text).includes(evil), 'the escaped text is not shown');
  });

  test('unknown idea page is 404', async () => {
    const r = await srv.get('/i/987654321');
    assert.equal(r.status, 404, show(r));
  });

  test('/console/login has labelled email and password inputs and a button', async () => {
    const r = await srv.get('/console/login');
    assert.equal(r.status, 200, show(r));
    const f = forms(r.text).find((x) => x.inputs.some((i) => i.attrs.name === 'email'));
    assert.ok(f, 'no form with an email input');
    assert.equal((f.attrs.method || '').toLowerCase(), 'post');
    const email = f.inputs.find((i) => i.attrs.name === 'email');
    const pw = f.inputs.find((i) => i.attrs.name === 'password');
    assert.ok(pw, 'no password input');
    assert.equal(pw.attrs.type, 'password');
    assert.ok(hasLabel(r.text, email, f.inner), 'email input has no label');
    assert.ok(hasLabel(r.text, pw, f.inner), 'password input has no label');
    assert.ok(hasSubmit(f), 'no submit button');
  });

  test('console: sign in by form (303 to /console/queue), the queue lists the item with Terima/Tolak', async () => {
    const id = await srv.submitOk(`Perbaiki drainase di Jalan Merdeka ${marker('con')}`);
    const jar = new CookieJar();
    const page = await srv.get('/console/login', { jar });
    const f = forms(page.text).find((x) => x.inputs.some((i) => i.attrs.name === 'email'));
    const action = f.attrs.action || '/console/login';
    const r = await srv.req('POST', action, {
      form: { ...f.fields, email: USERS.reviewer.email, password: USERS.reviewer.password },
      jar,
    });
    assert.equal(r.status, 303, show(r));
    assert.equal(new URL(r.headers.location || '', srv.base).pathname, '/console/queue');
    assert.ok(jar.get('gg_session'), 'no session cookie after the form login');

    const q = await srv.get('/console/queue', { jar });
    assert.equal(q.status, 200, show(q));
    const items = startTags(q.text, '[a-z0-9]+').filter((t) => /(^|\s)item(\s|$)/.test(t.attrs.class || ''));
    assert.ok(items.length > 0, 'no element with class "item"');
    const k = items.findIndex((t) => t.attrs['data-id'] === String(id));
    assert.ok(k >= 0, `no .item with data-id="${id}" (found ${items.slice(0, 5).map((t) => t.attrs['data-id'])})`);
    const end = k + 1 < items.length ? items[k + 1].start : q.text.length;
    const chunk = q.text.slice(items[k].start, end);
    assert.ok(/Terima/.test(textOf(chunk)), 'the item has no "Terima" button');
    assert.ok(/Tolak/.test(textOf(chunk)), 'the item has no "Tolak" button');
    assert.ok(startTags(chunk, 'select').some((s) => s.attrs.name === 'reason'), 'the item has no <select name="reason">');
    const opts = elements(chunk, 'option').map((o) => o.attrs.value ?? textOf(o.inner));
    for (const reason of ['spam', 'kasar', 'off-topic', 'not-constructive', 'duplicate', 'other']) {
      assert.ok(opts.includes(reason), `reason option "${reason}" missing: ${opts}`);
    }
  });

  test('console in English says Accept / Reject', async () => {
    await srv.submitOk(`Queue in English ${marker('en')}`);
    const jar = reviewer.jar.clone();
    await srv.get('/console/queue?lang=en', { jar });
    const q = await srv.get('/console/queue', { jar });
    assert.equal(q.status, 200, show(q));
    assert.ok(/\bAccept\b/.test(textOf(q.text)), 'no "Accept"');
    assert.ok(/\bReject\b/.test(textOf(q.text)), 'no "Reject"');
  });

  test('/console/queue without a session does not show the queue', async () => {
    const r = await srv.get('/console/queue');
    assert.ok([302, 303, 401].includes(r.status), `anonymous /console/queue: ${show(r)}`);
  });
});

describe('rate limit (default limits on)', () => {
  let limited;
  before(async () => {
    limited = await Server.start({ name: 'ratelimit', rateSubmit: null, users: [] });
  });
  after(async () => {
    if (limited) await limited.stop();
  });

  test('too many public writes from one address get 429 JSON errors', async () => {
    let got;
    let accepted = 0;
    for (let k = 0; k < 2000; k++) {
      const r = await limited.submit(`Kiriman ke-${k} ${marker('rl')}`);
      if (r.status === 429) {
        got = r;
        break;
      }
      assert.equal(r.status, 202, `submission ${k}: ${show(r)}`);
      accepted++;
    }
    assert.ok(got, `no 429 after ${accepted} submissions`);
    assertError(got, 429, 'rate limit');
    const ra = got.headers['retry-after'];
    if (ra !== undefined) assert.match(ra, /^\d+$/, `Retry-After is not a number of seconds: ${JSON.stringify(ra)}`);
    // reads are not limited
    assert.equal((await limited.get('/api/v1/campaigns/demo')).status, 200);
  });

  test('it stops cleanly too', async () => {
    await limited.assertCleanStop();
  });
});

// Last: everything above ran against this server; it must stop cleanly and,
// in a sanitizer build (make asan), have reported nothing.
test('SIGTERM stops the server with exit 0 and no sanitizer report', async () => {
  await srv.assertCleanStop();
});
