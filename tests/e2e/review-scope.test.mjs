// End-to-end: the parts of the review workspace (issue 4) that the other
// review tests leave out — every queue filter (topic, kind, language, region
// by province and kab/kota, dapil, spam and constructiveness ranges,
// near-duplicate cluster, coordinated group), bulk on a coordinated group,
// invitations that expire, one session ended by id, disabling a user, and
// per-campaign assignment of reviewers (queue, next and actions refused on
// a campaign they are not assigned to), accept attaching to an existing
// idea, reject with a note, and exact agreement figures (Cohen's kappa
// overall, per reviewer and per label) from blind second reviews.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CookieJar, REPO_ROOT, Server, USERS, assertError, marker, show } from '../lib/server.mjs';

const haveSqlite = spawnSync('sqlite3', ['-version']).status === 0;
const sqlite = (db, q) => {
  const r = spawnSync('sqlite3', [db, q], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

const REV2 = { email: 'penelaah2@gagas.test', password: 'second-reviewer-pw-9', role: 'reviewer' };
let srv;
let rev;
let adm;

before(async () => {
  srv = new Server({ name: 'review-scope', users: [USERS.admin, USERS.reviewer, USERS.analyst, REV2] });
  await srv.init();
  // a second campaign, for assignments
  if (haveSqlite) sqlite(srv.db, "INSERT INTO campaigns(slug,title,question) VALUES('pilkada','Pilkada 2027','Isu apa yang paling penting?')");
  await srv.launch();
  rev = await srv.login(USERS.reviewer);
  adm = await srv.login(USERS.admin);
});

after(async () => {
  if (srv) await srv.stop();
});

const queue = async (s, qs) => {
  const r = await srv.get(`/api/v1/review/queue?${qs}`, { jar: s.jar });
  assert.equal(r.status, 200, show(r));
  return r.json;
};
const item = async (s, id) => {
  const r = await srv.get(`/api/v1/review/items/${id}`, { jar: s.jar });
  assert.equal(r.status, 200, show(r));
  return r.json;
};
const csrf = (s) => ({ jar: s.jar, headers: { 'x-csrf-token': s.csrf } });
async function until(what, fn, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('queue filters', () => {
  const tag = marker('flt');
  let bogor; // Kab. Bogor, a complaint about a road
  let surabaya; // Kota Surabaya, a question about rice prices
  let english; // no region, English
  before(async () => {
    bogor = await item(rev, await srv.submitOk(`Tolong perbaiki jalan rusak di Kab. Bogor dekat pasar Cibinong yang berlubang besar ${tag}`));
    surabaya = await item(rev, await srv.submitOk(`Kapan jadwal operasi pasar beras murah di Kota Surabaya bulan ini? Di mana lokasinya? ${tag}`));
    english = await item(rev, await srv.submitOk(`Please open more evening classes for adult learners at the public library ${tag}`));
  });

  // ids of the filtered queue among this suite's three posts
  const ids = async (qs) => (await queue(rev, `campaign=demo&limit=500&q=${tag}&${qs}`)).items.map((i) => i.id).sort((a, b) => a - b);

  test('the three posts differ in what the filters look at', () => {
    assert.equal(bogor.labels.region[0].kabkota, '32.01', JSON.stringify(bogor.labels.region));
    assert.equal(bogor.labels.region[0].province, '32');
    assert.ok(bogor.labels.region[0].dapil, 'no dapil for Kab. Bogor');
    assert.ok(surabaya.labels.region.length > 0, 'no region for Surabaya');
    assert.notEqual(surabaya.labels.region[0].province, '32');
    assert.notEqual(surabaya.labels.region[0].dapil, bogor.labels.region[0].dapil);
    assert.deepEqual(english.labels.region, []);
    assert.notEqual(english.labels.lang, bogor.labels.lang);
    assert.ok(new Set([bogor, surabaya, english].map((x) => x.labels.kind)).size > 1, 'one kind for all three');
    assert.ok(bogor.labels.topics.some((t) => t.topic === 'infrastruktur'), JSON.stringify(bogor.labels.topics));
    assert.ok(!surabaya.labels.topics.some((t) => t.topic === 'infrastruktur'), JSON.stringify(surabaya.labels.topics));
    assert.deepEqual(english.labels.topics.filter((t) => t.topic === 'infrastruktur'), []);
  });

  test('region (kab/kota and province), dapil, language, kind, topic', async () => {
    assert.deepEqual(await ids(''), [bogor.id, surabaya.id, english.id].sort((a, b) => a - b));
    assert.deepEqual(await ids('region=32.01'), [bogor.id]);
    assert.deepEqual(await ids('region=32'), [bogor.id]);
    assert.deepEqual(await ids(`region=${surabaya.labels.region[0].province}`), [surabaya.id]);
    assert.deepEqual(await ids(`dapil=${bogor.labels.region[0].dapil}`), [bogor.id]);
    assert.deepEqual(await ids(`lang=${english.labels.lang}`), [english.id]);
    for (const k of new Set([bogor, surabaya, english].map((x) => x.labels.kind))) {
      assert.deepEqual(await ids(`kind=${k}`), [bogor, surabaya, english].filter((x) => x.labels.kind === k).map((x) => x.id).sort((a, b) => a - b), `kind=${k}`);
    }
    assert.deepEqual(await ids('topic=infrastruktur'), [bogor.id]);
    assert.deepEqual(await ids('region=99.99'), []);
  });

  test('spam and constructiveness ranges are inclusive and exclude the rest', async () => {
    const s = bogor.labels.spam;
    const c = bogor.labels.constructive;
    assert.ok((await ids(`min_spam=${s}&max_spam=${s}`)).includes(bogor.id));
    assert.ok(!(await ids(`min_spam=${Math.min(1, s + 0.001)}`)).includes(bogor.id));
    assert.ok(!(await ids(`max_spam=${Math.max(0, s - 0.001)}`)).includes(bogor.id));
    assert.ok((await ids(`min_constructive=${c}&max_constructive=${c}`)).includes(bogor.id));
    assert.ok(!(await ids(`min_constructive=${Math.min(1, c + 0.001)}`)).includes(bogor.id));
    for (const x of (await queue(rev, 'campaign=demo&limit=500&min_constructive=0.8')).items) assert.ok(x.labels.constructive >= 0.8, `${x.id}: ${x.labels.constructive}`);
    assertError(await srv.get('/api/v1/review/queue?campaign=demo&max_spam=-1', { jar: rev.jar }), 400, 'spam < 0');
    assertError(await srv.get('/api/v1/review/queue?campaign=demo&min_constructive=x', { jar: rev.jar }), 400, 'not a number');
  });

  test('near-duplicate cluster and coordinated group', async () => {
    const text = `Kami warga menolak rencana penggusuran pasar lama di kota kami tanpa dialog terbuka ${marker('grp')}`;
    const members = [];
    for (let k = 1; k <= 3; k++) members.push(await srv.submitOk(text, { author: `warga-flt-${k}` }));
    const other = await srv.submitOk(`Pasar lama perlu atap baru sebelum musim hujan tiba tahun ini ${marker('grp')}`);
    const group = await until('a coordinated group', async () => (await item(rev, members[2])).group_id);
    const q = (qs) => queue(rev, `campaign=demo&limit=500&${qs}`);
    assert.deepEqual((await q(`group=${group}`)).items.map((i) => i.id).sort((a, b) => a - b), members);
    assert.deepEqual((await q(`cluster=${members[0]}`)).items.map((i) => i.id).sort((a, b) => a - b), members);
    assert.ok(!(await q(`cluster=${members[0]}`)).items.some((i) => i.id === other));
    assertError(await srv.get('/api/v1/review/queue?campaign=demo&group=abc', { jar: rev.jar }), 400, 'bad group');
  });
});

describe('bulk on a coordinated group', () => {
  test('accepting a group makes one idea with every member as a supporter; rejecting one rejects all', async () => {
    const mk = async (text, prefix) => {
      const ids = [];
      for (let k = 1; k <= 4; k++) ids.push(await srv.submitOk(text, { author: `${prefix}-${k}` }));
      const g = await until('a coordinated group', async () => (await item(rev, ids[3])).group_id);
      return { ids, g };
    };
    const a = await mk(`Usul kami: bangun jembatan penyeberangan di depan sekolah dasar negeri dua ${marker('ga')}`, 'ga');
    const r = await srv.post('/api/v1/review/bulk', { action: 'accept', group: a.g, title: 'Jembatan penyeberangan SDN 2' }, csrf(rev));
    assert.equal(r.status, 200, show(r));
    assert.deepEqual(r.json.applied.sort((x, y) => x - y), a.ids);
    assert.deepEqual(r.json.skipped, []);
    const idea = await srv.get(`/api/v1/ideas/${r.json.idea.id}`);
    assert.equal(idea.json.supporters, 4);
    const states = await Promise.all(a.ids.map(async (id) => (await item(rev, id)).state));
    assert.equal(states.filter((s) => s === 'accepted').length, 1);
    assert.equal(states.filter((s) => s === 'merged').length, 3);

    const b = await mk(`Pilih calon nomor satu saja, yang lain tidak usah dipilih sama sekali ${marker('gb')}`, 'gb');
    const rj = await srv.post('/api/v1/review/bulk', { action: 'reject', reason: 'spam', group: b.g }, csrf(rev));
    assert.equal(rj.status, 200, show(rj));
    assert.deepEqual(rj.json.applied.sort((x, y) => x - y), b.ids);
    for (const id of b.ids) {
      const it = await item(rev, id);
      assert.equal(it.state, 'rejected');
      assert.equal(it.reason, 'spam');
    }
    // a group that is gone: nothing left to apply
    const again = await srv.post('/api/v1/review/bulk', { action: 'reject', reason: 'spam', group: b.g }, csrf(rev));
    assert.equal(again.json?.applied?.length ?? 0, 0, show(again));
  });
});

describe('actions', () => {
  test('accept with idea_id attaches the item to that idea as one more supporter', async () => {
    const a = await srv.submitOk(`Perpanjang jam buka perpustakaan daerah sampai malam ${marker('att')}`);
    const b = await srv.submitOk(`Buka taman baca di setiap balai warga supaya anak rajin membaca ${marker('att')}`);
    const first = await srv.act(rev, a, { action: 'accept', title: 'Literasi warga' });
    assert.equal(first.status, 200, show(first));
    const idea = first.json.idea.id;
    const r = await srv.act(rev, b, { action: 'accept', idea_id: idea });
    assert.equal(r.status, 200, show(r));
    assert.equal(r.json.submission.state, 'accepted');
    assert.equal(r.json.submission.idea_id, idea);
    assert.equal((await srv.get(`/api/v1/ideas/${idea}`)).json.supporters, 2);
    assertError(await srv.act(rev, await srv.submitOk(`Satu lagi ${marker('att')}`), { action: 'accept', idea_id: 987654321 }), 404, 'unknown idea');
  });

  test('merge without idea_id joins the idea the near-copy joined, which the evidence suggests', async () => {
    const text = `Sediakan ambulans desa yang siaga dua puluh empat jam untuk warga pelosok ${marker('sg')}`;
    const original = await srv.submitOk(text, { author: 'sg-1' });
    const copy = await srv.submitOk(text, { author: 'sg-2' });
    const acc = await srv.act(rev, original, { action: 'accept' });
    assert.equal(acc.status, 200, show(acc));
    const idea = acc.json.idea.id;
    const ev = (await item(rev, copy)).evidence;
    assert.equal(ev.duplicate?.id, original, JSON.stringify(ev.duplicate));
    assert.deepEqual(ev.suggestions.map((x) => x.id), [idea], JSON.stringify(ev.suggestions));
    const m = await srv.act(rev, copy, { action: 'merge' });
    assert.equal(m.status, 200, show(m));
    assert.equal(m.json.submission.state, 'merged');
    assert.equal(m.json.submission.idea_id, idea);
    assert.equal((await srv.get(`/api/v1/ideas/${idea}`)).json.supporters, 2);
  });

  test('reject needs a known reason; other carries its note to the item and the audit row', async () => {
    const id = await srv.submitOk(`Iklan terselubung lowongan kerja luar negeri tanpa izin resmi ${marker('rj')}`);
    assertError(await srv.act(rev, id, { action: 'reject' }), 400, 'no reason');
    assertError(await srv.act(rev, id, { action: 'reject', reason: 'jelek' }), 400, 'unknown reason');
    const note = 'penipuan lowongan kerja, dilaporkan ke dinas';
    const r = await srv.act(rev, id, { action: 'reject', reason: 'other', note });
    assert.equal(r.status, 200, show(r));
    const it = await item(adm, id);
    assert.equal(it.state, 'rejected');
    assert.equal(it.reason, 'other');
    assert.equal(it.note, note);
    const log = await srv.get('/api/v1/audit?limit=50', { jar: adm.jar });
    const row = log.json.entries.find((e) => e.action === 'reject' && e.object_id === id);
    assert.ok(row, 'no audit row');
    assert.equal(row.actor, USERS.reviewer.email);
    assert.match(JSON.stringify(row), /penipuan lowongan kerja/);
  });
});

describe('quality figures', () => {
  test('kappa overall, per reviewer and per label are exact for known pairs', async () => {
    const rev2 = await srv.login(REV2);
    const put = (body) => srv.req('PUT', '/api/v1/review/policy/demo', { json: body, ...csrf(adm) });
    assert.equal((await put({ double_review: 1 })).status, 200);
    const ids = [];
    try {
      for (let k = 0; k < 4; k++) {
        const id = await srv.submitOk(`Telaah ganda nomor ${k} tentang fasilitas olahraga warga ${marker('kp')}`);
        ids.push(id);
        assert.equal((await srv.act(rev, id, k < 2 ? { action: 'accept' } : { action: 'reject', reason: 'spam' })).status, 200);
      }
    } finally {
      assert.equal((await put({ double_review: 0 })).status, 200);
    }
    // first: accept accept spam spam; second: accept accept spam accept.
    // p_o = 3/4; p_e = (2/4)(3/4) + (2/4)(1/4) = 1/2; kappa = (3/4 - 1/2) / (1/2) = 0.5
    const second = ['accept', 'accept', 'reject:spam', 'accept'];
    for (let k = 0; k < 4; k++) assert.equal((await srv.act(rev2, ids[k], { action: 'second', label: second[k] })).status, 200);
    const st = await srv.get('/api/v1/review/stats?campaign=demo', { jar: adm.jar });
    assert.equal(st.status, 200, show(st));
    assert.equal(st.json.overall.pairs, 4);
    assert.equal(st.json.overall.agreement, 0.75);
    assert.equal(st.json.overall.kappa, 0.5);
    const me = st.json.reviewers.find((r) => r.email === USERS.reviewer.email);
    assert.equal(me.pairs, 4);
    assert.equal(me.kappa, 0.5);
    assert.ok(me.actions >= 4 && me.per_hour > 0, JSON.stringify(me));
    for (const label of ['accept', 'reject:spam']) {
      const l = st.json.labels.find((x) => x.label === label);
      assert.ok(l, `no label ${label}: ${JSON.stringify(st.json.labels)}`);
      assert.equal(l.kappa, 0.5, `${label}: one against the rest is the same 2x2 table`);
    }
    const dec = st.json.decision_secs.find((d) => d.campaign === 'demo');
    assert.ok(dec && dec.n >= 4 && dec.p50_secs >= 0 && dec.p90_secs >= dec.p50_secs, JSON.stringify(st.json.decision_secs));
  });
});

describe('every staff route checks the session, the role and the CSRF token', () => {
  // who may call each staff route of docs/openapi.yaml (docs/review.md, Roles);
  // a route missing here fails the test, so a new one gets its row
  const ALLOWED = {
    'get /api/v1/review/queue': ['admin', 'reviewer'],
    'get /api/v1/review/next': ['admin', 'reviewer'],
    'get /api/v1/review/items/{id}': ['admin', 'reviewer'],
    'post /api/v1/review/items/{id}/claim': ['admin', 'reviewer'],
    'post /api/v1/review/items/{id}/actions': ['admin', 'reviewer'],
    'post /api/v1/review/bulk': ['admin', 'reviewer'],
    'get /api/v1/review/stats': ['admin', 'analyst'],
    'get /api/v1/review/samples': ['admin', 'reviewer'],
    'put /api/v1/review/policy/{slug}': ['admin'],
    'get /api/v1/audit': ['admin'],
    'get /api/v1/audit/verify': ['admin'],
    'get /api/v1/audit/export': ['admin'],
    'get /api/v1/team': ['admin'],
    'post /api/v1/team/invitations': ['admin'],
    'post /api/v1/team/users/{id}': ['admin'],
    'get /api/v1/team/sessions': ['admin', 'reviewer', 'analyst'],
    'delete /api/v1/team/sessions/{id}': ['admin', 'reviewer', 'analyst'],
    'post /api/v1/team/sessions/end-all': ['admin', 'reviewer', 'analyst'],
  };
  const doc = parse(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'openapi.yaml'), 'utf8'));
  const routes = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    if (!/^\/api\/v1\/(review|audit|team)(\/|$)/.test(p)) continue;
    for (const m of ['get', 'post', 'put', 'delete']) {
      const sec = item[m]?.security;
      if (!sec) continue; // public (the invitation's own accept)
      routes.push({ key: `${m} ${p}`, method: m.toUpperCase(), csrf: sec.some((x) => 'csrf' in x), url: p.replace('{id}', '1').replace('{slug}', 'demo') });
    }
  }

  test('the table names every staff route of the contract', () => {
    assert.ok(routes.length >= 18, `only ${routes.length} staff routes read from docs/openapi.yaml`);
    assert.deepEqual(routes.map((r) => r.key).filter((k) => !ALLOWED[k]), [], 'staff routes without a row in ALLOWED');
  });

  test('anonymous: 401; no or a wrong CSRF token on a write: 403; a role the route is not for: 403', async () => {
    const sessions = { reviewer: await srv.login(USERS.reviewer), analyst: await srv.login(USERS.analyst), admin: await srv.login(USERS.admin) };
    const call = (r, jar, token) => srv.req(r.method, r.url, { jar, json: r.method === 'GET' ? undefined : {}, headers: token ? { 'x-csrf-token': token } : {} });
    for (const r of routes) {
      assertError(await call(r, new CookieJar()), 401, `anonymous ${r.key}`);
      if (r.csrf) {
        assertError(await call(r, sessions.admin.jar), 403, `no csrf ${r.key}`);
        assertError(await call(r, sessions.admin.jar, sessions.reviewer.csrf), 403, `another session's csrf ${r.key}`);
      }
      for (const role of ['reviewer', 'analyst']) {
        if (ALLOWED[r.key].includes(role)) continue;
        assertError(await call(r, sessions[role].jar, sessions[role].csrf), 403, `${role} ${r.key}`);
      }
    }
  });
});

describe('team', () => {
  test('an expired invitation neither shows nor accepts; hours outside 1..720 are refused', { skip: !haveSqlite && 'no sqlite3 command' }, async () => {
    const h = csrf(adm);
    assertError(await srv.post('/api/v1/team/invitations', { email: 'a@b.id', role: 'reviewer', hours: 0 }, h), 400, 'hours 0');
    assertError(await srv.post('/api/v1/team/invitations', { email: 'a@b.id', role: 'reviewer', hours: 721 }, h), 400, 'hours 721');
    const email = `kedaluwarsa-${marker('exp')}@gagas.test`;
    const inv = await srv.post('/api/v1/team/invitations', { email, role: 'reviewer', hours: 1 }, h);
    assert.equal(inv.status, 201, show(inv));
    assert.ok(inv.json.expires_at * 1000 - Date.now() > 3590 * 1000, `expires_at ${inv.json.expires_at}`);
    assert.equal((await srv.get(inv.json.url)).status, 200);
    // an hour later (the clock of the row moved back, not the server's)
    sqlite(srv.db, `UPDATE staff_invites SET expires_at = CAST(strftime('%s','now') AS INTEGER) - 1 WHERE id=${Number(inv.json.id)}`);
    const page = await srv.get(inv.json.url);
    assert.ok(page.status === 404 || page.status === 410, show(page));
    assert.match(page.text, /expired|kedaluwarsa/);
    assertError(await srv.post(`/api/v1/team/invitations/${inv.json.token}/accept`, { password: 'jembatan-kuat-2024!' }), 404, 'expired accept');
    const team = await srv.get('/api/v1/team', { jar: adm.jar });
    assert.ok(!team.json.users.some((u) => u.email === email), 'an expired invitation made a user');
  });

  test('password rules: a common password, one containing the e-mail name, or over 1024 bytes is refused with the rule', async () => {
    const local = `rahmawati${marker('pw')}`;
    const inv = await srv.post('/api/v1/team/invitations', { email: `${local}@gagas.test`, role: 'analyst' }, csrf(adm));
    assert.equal(inv.status, 201, show(inv));
    const accept = (password) => srv.post(`/api/v1/team/invitations/${inv.json.token}/accept`, { password });
    const refused = async (password, rule) => {
      const r = await accept(password);
      assertError(r, 400, rule.source);
      assert.match(r.json.error.message, rule);
    };
    await refused('Indonesia123', /too common/);
    await refused(`xx-${local.toUpperCase()}-42!`, /e-mail name/);
    await refused(`a1!${'z'.repeat(1022)}`, /longer than 1024/);
    await refused('abcdabcdabcd', /5 different/);
    const ok = await accept('pelita-harapan-bangsa-7');
    assert.equal(ok.status, 201, show(ok));
    await srv.login({ email: `${local}@gagas.test`, password: 'pelita-harapan-bangsa-7' });
  });

  test('one session ends by id (CSRF-checked); another user\'s session id ends nothing', async () => {
    const a = await srv.login(USERS.analyst);
    const b = await srv.login(USERS.analyst);
    const other = await srv.login(USERS.reviewer);
    const list = await srv.get('/api/v1/team/sessions', { jar: a.jar });
    const bId = list.json.sessions.find((x) => x.current !== 1 && x.id)?.id;
    assert.ok(bId, show(list));
    const mine = (await srv.get('/api/v1/team/sessions', { jar: other.jar })).json.sessions.find((x) => x.current === 1).id;
    assertError(await srv.req('DELETE', `/api/v1/team/sessions/${mine}`, csrf(a)), 404, 'someone else\'s session');
    assert.equal((await srv.get('/api/v1/review/stats', { jar: other.jar })).status, 403, 'the reviewer is still signed in (403: the role, not 401)');
    assertError(await srv.req('DELETE', `/api/v1/team/sessions/${bId}`, { jar: a.jar }), 403, 'no csrf');
    // the newest other session is b (sessions are listed newest first)
    const d = await srv.req('DELETE', `/api/v1/team/sessions/${bId}`, csrf(a));
    assert.equal(d.status, 204, show(d));
    assertError(await srv.get('/api/v1/review/stats', { jar: b.jar }), 401, 'ended session');
    assert.equal((await srv.get('/api/v1/review/stats', { jar: a.jar })).status, 200, 'the caller\'s session survives');
  });

  test('disabling a user ends their sessions and refuses their sign-in; an admin cannot disable themselves', async () => {
    const s = await srv.login(USERS.analyst);
    const team = await srv.get('/api/v1/team', { jar: adm.jar });
    const u = team.json.users.find((x) => x.email === USERS.analyst.email);
    const me = team.json.users.find((x) => x.email === USERS.admin.email);
    assertError(await srv.post(`/api/v1/team/users/${me.id}`, { disabled: true }, csrf(adm)), 409, 'disable self');
    const off = await srv.post(`/api/v1/team/users/${u.id}`, { disabled: true }, csrf(adm));
    assert.equal(off.status, 200, show(off));
    try {
      assertError(await srv.get('/api/v1/review/stats', { jar: s.jar }), 401, 'session of a disabled user');
      const login = await srv.post('/api/v1/session', { email: USERS.analyst.email, password: USERS.analyst.password });
      assert.ok(login.status === 401 || login.status === 403, show(login));
    } finally {
      assert.equal((await srv.post(`/api/v1/team/users/${u.id}`, { disabled: false }, csrf(adm))).status, 200);
    }
    await srv.login(USERS.analyst);
  });

  test('a reviewer assigned to one campaign works only that one', { skip: !haveSqlite && 'no sqlite3 command' }, async () => {
    const p = await srv.submit(`Perbaiki saluran air di terminal lama ${marker('pk')}`, { campaign: 'pilkada' });
    assert.equal(p.status, 202, show(p));
    assert.equal(p.json.state, 'queued');
    const team = await srv.get('/api/v1/team', { jar: adm.jar });
    const u = team.json.users.find((x) => x.email === USERS.reviewer.email);
    const set = await srv.post(`/api/v1/team/users/${u.id}`, { campaigns: ['demo'] }, csrf(adm));
    assert.equal(set.status, 200, show(set));
    try {
      const s = await srv.login(USERS.reviewer);
      assertError(await srv.get('/api/v1/review/queue?campaign=pilkada', { jar: s.jar }), 403, 'queue of another campaign');
      assertError(await srv.get('/api/v1/review/next?campaign=pilkada', { jar: s.jar }), 403, 'next of another campaign');
      assertError(await srv.act(s, p.json.id, { action: 'accept' }), 403, 'act on another campaign');
      const all = await queue(s, 'limit=500');
      assert.ok(all.items.length > 0 && all.items.every((i) => i.campaign === 'demo'), 'the unfiltered queue shows another campaign');
      assert.equal((await item(adm, p.json.id)).state, 'queued');
      // the admin and unassigned reviewers may
      assert.ok((await queue(adm, 'campaign=pilkada')).items.some((i) => i.id === p.json.id));
    } finally {
      assert.equal((await srv.post(`/api/v1/team/users/${u.id}`, { campaigns: [] }, csrf(adm))).status, 200);
    }
    const s2 = await srv.login(USERS.reviewer);
    const ok = await srv.act(s2, p.json.id, { action: 'accept' });
    assert.equal(ok.status, 200, show(ok));
  });
});

describe('support raises a queued post', () => {
  test('a near-copy from another person moves the original up the queue; the same person repeating does not', async () => {
    const tag = marker('sup');
    const text = `Mohon dibangun jembatan gantung baru di desa kami karena jembatan lama sudah lapuk dan berbahaya bagi anak sekolah ${tag}`;
    const orig = await srv.submitOk(text, { author: `warga-a-${tag}` });
    const p0 = (await item(rev, orig)).priority;
    assert.equal(typeof p0, 'number');
    // the same person again: no support
    const again = await srv.submit(`${text}!`, { author: `warga-a-${tag}` });
    assert.equal(again.status, 202, show(again));
    const p1 = (await item(rev, orig)).priority;
    assert.equal(p1, p0, 'a person repeating themself is not support');
    // another person, nearly the same words: support
    const copy = await srv.submit(`${text} tolong`, { author: `warga-b-${tag}` });
    assert.equal(copy.status, 202, show(copy));
    const c = await item(rev, copy.json.id);
    assert.equal(c.dup_of, orig, `the copy points at the original: ${JSON.stringify(c).slice(0, 300)}`);
    const p2 = (await item(rev, orig)).priority;
    assert.equal(p2, Math.round((p0 + (1 - p0) * 0.1) * 1000) / 1000, 'a tenth of the way to 1');
    // the queue by priority shows the change
    const q = await queue(rev, `campaign=demo&sort=priority&limit=500&q=${tag}`);
    assert.equal(q.items.find((i) => i.id === orig)?.priority, p2);
  });
});

describe('search reads the query as the index reads posts', () => {
  test('a reduplication or an elongation written either way finds the post', async () => {
    // the index holds normalized text: "anak2" is stored as "anak-anak", "bangettt" as "banget"
    const tag = marker('srch');
    const id = await srv.submitOk(`Tolong sediakan taman bermain untuk anak2 di kampung kami, penting bangettt ${tag}`);
    const found = async (words) => (await queue(rev, `campaign=demo&limit=50&q=${encodeURIComponent(`${words} ${tag}`)}`)).items.map((i) => i.id);
    assert.deepEqual(await found('anak2'), [id]);
    assert.deepEqual(await found('anak-anak'), [id]);
    assert.deepEqual(await found('bangettt'), [id]);
    assert.deepEqual(await found('banget'), [id]);
    // the console's search box goes the same way
    const page = await srv.get(`/console/queue?campaign=demo&q=${encodeURIComponent(`anak2 ${tag}`)}`, { jar: rev.jar });
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`data-id="${id}"`));
  });
});
