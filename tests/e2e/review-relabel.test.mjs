// End-to-end: reviewers correct the topics and kind of an item (issue 4).
// A relabel goes alone (action "relabel") or with a decision; it is stored
// with the labels before it (migration 10), written into the item's labels,
// audited with before/after, undone with the action that carried it, kept
// across a restart, and refused with a precise 400 when a name is unknown.
// Then `gagas train --from-reviews` retrains the topic and kind heads from
// those labels plus the shipped posts: reviewers who file questions about
// reporting broken street lights under public services, as questions (the
// filter says infrastructure, and wavers on the kind) get new heads swapped in; a second
// run, whose candidates are no better than the heads now in place, keeps
// them; --rollback restores the shipped ones.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, Server, USERS, assertError, marker, runCli, sharedDir, show } from '../lib/server.mjs';

let srv;
let rev;
let adm;

before(async () => {
  srv = await Server.start({ name: 'relabel', users: [USERS.reviewer, USERS.admin] });
  rev = await srv.login(USERS.reviewer);
  adm = await srv.login(USERS.admin);
});

after(async () => {
  if (srv) await srv.stop();
});

const item = async (s, id) => {
  const r = await srv.get(`/api/v1/review/items/${id}`, { jar: s.jar });
  assert.equal(r.status, 200, show(r));
  return r.json;
};
const labelsOf = (it) => it.labels || {};
// topic names of a topics label ([{topic, score}], as the filter writes them)
const names = (topics) => (topics || []).map((t) => t.topic ?? t);

describe('relabel actions', () => {
  test('a relabel alone changes topics and kind, keeps the state, and is audited before/after', async () => {
    const id = await srv.submitOk(`Tolong sediakan wifi gratis di balai desa untuk belajar daring ${marker('rl')}`);
    const before = labelsOf(await item(rev, id));
    const r = await srv.act(rev, id, { action: 'relabel', topics: ['pendidikan', 'digital'], kind: 'gagasan', note: 'wifi untuk belajar' });
    assert.equal(r.status, 200, show(r));
    assert.equal(r.json.submission.state, 'queued', 'a relabel decides nothing');
    const now = await item(rev, id);
    assert.deepEqual(names(labelsOf(now).topics), ['pendidikan', 'digital']);
    assert.equal(labelsOf(now).kind, 'gagasan');
    const rl = now.evidence.relabels;
    assert.equal(rl.length, 1, JSON.stringify(now.evidence));
    assert.equal(rl[0].by, USERS.reviewer.email);
    assert.equal(rl[0].kind_after, 'gagasan');
    assert.equal(rl[0].kind_before ?? null, before.kind ?? null);
    assert.deepEqual(names(rl[0].topics_after), ['pendidikan', 'digital']);
    assert.deepEqual(rl[0].topics_before, before.topics ?? null);
    // the audit row carries both sides
    const a = await srv.get('/api/v1/audit?limit=20', { jar: adm.jar });
    assert.equal(a.status, 200, show(a));
    const row = a.json.entries.find((e) => e.action === 'relabel' && e.object_id === id);
    assert.ok(row, `no relabel audit row: ${JSON.stringify(a.json.entries.slice(0, 3))}`);
    assert.deepEqual(row.after, { topics: ['pendidikan', 'digital'], kind: 'gagasan' });
    assert.deepEqual(row.before, { topics: before.topics ? names(before.topics) : null, kind: before.kind ?? null });
    assert.equal(row.reason, 'wifi untuk belajar');
    // the queue's filters see the reviewer's labels
    const q = await srv.get(`/api/v1/review/queue?campaign=demo&topic=digital&limit=500`, { jar: rev.jar });
    assert.equal(q.status, 200, show(q));
    assert.ok(q.json.items.some((x) => x.id === id), 'topic filter misses the relabelled item');
  });

  test('labels ride along with a decision; undo puts back both the state and the labels', async () => {
    const id = await srv.submitOk(`Sampah menumpuk di pasar induk sudah seminggu ${marker('rl')}`);
    const before = labelsOf(await item(rev, id));
    const r = await srv.act(rev, id, { action: 'accept', topics: ['lingkungan', 'layanan-publik'], kind: 'keluhan' });
    assert.equal(r.status, 200, show(r));
    assert.equal(r.json.submission.state, 'accepted');
    let now = await item(rev, id);
    assert.deepEqual(names(labelsOf(now).topics), ['lingkungan', 'layanan-publik']);
    assert.equal(labelsOf(now).kind, 'keluhan');
    const u = await srv.act(rev, id, { action: 'undo' });
    assert.equal(u.status, 200, show(u));
    now = await item(rev, id);
    assert.equal(now.state, 'queued');
    assert.deepEqual(labelsOf(now).topics, before.topics, 'undo did not restore the topics');
    assert.equal(labelsOf(now).kind, before.kind, 'undo did not restore the kind');
    // a relabel on its own is undone like any action, and leaves the state alone
    await srv.act(rev, id, { action: 'reject', reason: 'other' });
    const k = await srv.act(rev, id, { action: 'relabel', kind: 'lainnya' });
    assert.equal(k.status, 200, show(k));
    assert.equal(k.json.submission.state, 'rejected', 'a decided item can be relabelled');
    await srv.act(rev, id, { action: 'undo' });
    now = await item(rev, id);
    assert.equal(now.state, 'rejected', 'undoing the relabel undid the decision');
    assert.equal(labelsOf(now).kind, before.kind);
  });

  test('bad labels are 400 with the reason, and change nothing', async () => {
    const id = await srv.submitOk(`Perbaiki drainase di jalan utama kecamatan ${marker('rl')}`);
    const cases = [
      [{ action: 'relabel' }, /needs topics, kind or both/],
      [{ action: 'relabel', topics: [] }, /array of 1 to 12/],
      [{ action: 'relabel', topics: 'hukum' }, /array of 1 to 12/],
      [{ action: 'relabel', topics: ['hukum', 'politik'] }, /unknown topic 'politik'/],
      [{ action: 'relabel', topics: ['hukum', 'hukum'] }, /given twice/],
      [{ action: 'relabel', topics: [3] }, /unknown topic/],
      [{ action: 'relabel', kind: 'usulan' }, /unknown kind 'usulan'/],
      [{ action: 'relabel', kind: 5 }, /must be a string/],
      [{ action: 'undo', kind: 'keluhan' }, /go with accept/],
    ];
    for (const [body, msg] of cases) {
      const r = await srv.act(rev, id, body);
      assertError(r, 400, JSON.stringify(body));
      assert.match(r.json.error.message, msg, JSON.stringify(body));
    }
    const bulk = await srv.post('/api/v1/review/bulk', { action: 'relabel', ids: [id], kind: 'keluhan' }, { jar: rev.jar, headers: { 'x-csrf-token': rev.csrf } });
    assertError(bulk, 400, 'bulk relabel');
    assertError(await srv.post(`/api/v1/review/items/${id}/actions`, { action: 'relabel', kind: 'keluhan' }, { jar: rev.jar }), 403, 'relabel without CSRF');
    assert.equal((await item(rev, id)).evidence.relabels.length, 0);
  });

  test('relabels survive a restart', async () => {
    const id = await srv.submitOk(`Harga pupuk naik terus, petani kecil kesulitan ${marker('rl')}`);
    assert.equal((await srv.act(rev, id, { action: 'relabel', topics: ['pertanian', 'ekonomi'], kind: 'keluhan' })).status, 200);
    await srv.shutdown();
    await srv.launch();
    rev = await srv.login(USERS.reviewer);
    adm = await srv.login(USERS.admin);
    const now = await item(rev, id);
    assert.deepEqual(names(labelsOf(now).topics), ['ekonomi', 'pertanian'], 'topics are kept in the filter\'s order');
    assert.equal(labelsOf(now).kind, 'keluhan');
    assert.equal(now.evidence.relabels.length, 1);
  });
});

describe('gagas train --from-reviews retrains topics and kind from relabels', () => {
  let models;
  const versions = () => path.join(srv.dir, 'versions');
  const train = () =>
    runCli(['train', '--from-reviews', '--db', srv.db, '--model-dir', models, '--versions', versions(), '--with', path.join(sharedDir(), 'data', 'nlp'), '--min', '50'], { timeoutMs: 280000, check: false });

  before(async () => {
    // how and where to report a broken street light: the filter files these
    // under infrastructure and calls them questions, complaints or other;
    // these reviewers file them under public services, as questions
    const places = ['gang mawar', 'jalan melati', 'perumahan griya asri', 'dekat masjid raya', 'depan sekolah dasar', 'jalan pahlawan', 'kampung baru', 'pertigaan pasar', 'jalan kenanga', 'komplek guru'];
    const forms = [
      (p) => `Apakah ada jadwal perbaikan lampu jalan di ${p} bulan ini?`,
      (p) => `Berapa lama biasanya perbaikan lampu jalan di ${p}?`,
      (p) => `Siapa yang harus dihubungi kalau lampu jalan di ${p} mati?`,
      (p) => `Ke mana warga ${p} melapor lampu penerangan jalan yang padam?`,
      (p) => `Apakah petugas PJU bisa datang ke ${p} minggu ini?`,
      (p) => `Bagaimana cara melaporkan lampu jalan mati di ${p}?`,
      (p) => `Nomor pengaduan lampu jalan untuk ${p} berapa ya?`,
      (p) => `Apakah lampu jalan di ${p} masuk anggaran perbaikan tahun ini?`,
    ];
    const s = await srv.login(USERS.reviewer);
    let done = 0;
    for (let k = 0; done < 100 && k < 160; k++) {
      const text = `${forms[k % forms.length](places[Math.floor(k / forms.length) % places.length])} ${marker('pju')}`;
      const sub = await srv.submit(text);
      assert.equal(sub.status, 202, show(sub));
      if (sub.json.state !== 'queued') continue; // the filter decided it already
      // half with the decision, half alone: both are reviewer labels
      const body = done % 2 ? { action: 'accept', topics: ['layanan-publik'], kind: 'pertanyaan' } : { action: 'relabel', topics: ['layanan-publik'], kind: 'pertanyaan' };
      const r = await srv.act(s, sub.json.id, body);
      assert.equal(r.status, 200, show(r));
      done++;
    }
    assert.ok(done >= 80, `only ${done} posts reached the queue`);
    models = path.join(srv.dir, 'models');
    fs.mkdirSync(models);
    for (const f of fs.readdirSync(path.join(REPO_ROOT, 'data', 'models'))) {
      const p = path.join(REPO_ROOT, 'data', 'models', f);
      if (fs.statSync(p).isFile()) fs.copyFileSync(p, path.join(models, f));
    }
  });

  test('better topic and kind heads are swapped in, a no-better run keeps them, rollback restores', { timeout: 600000 }, async () => {
    const shipped = { topics: fs.readFileSync(path.join(models, 'topics.glm')), kind: fs.readFileSync(path.join(models, 'kind.glm')) };
    const r1 = await train();
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stderr, /\d+ relabelled items/);
    assert.match(r1.stderr, /topics: \+ \d+ shipped rows from .*aspirasi-dev/);
    for (const head of ['topics', 'kind']) {
      assert.match(r1.stderr, new RegExp(`^${head}: held-back \\d+, F1 current [0-9.]+, new [0-9.]+ -> swapped in$`, 'm'), r1.stderr);
      const line = r1.stderr.split('\n').find((l) => l.startsWith(`${head}:`) && l.includes('held-back'));
      const [, cur, neu] = line.match(/F1 current ([0-9.]+), new ([0-9.]+)/);
      assert.ok(Number(neu) > Number(cur), line);
      assert.notDeepEqual(fs.readFileSync(path.join(models, `${head}.glm`)), shipped[head], `${head} not replaced`);
      assert.deepEqual(fs.readFileSync(path.join(models, `${head}.glm.prev`)), shipped[head], `${head}: the old head was not kept`);
    }
    const report1 = fs.readFileSync(path.join(versions(), 'v1', 'report.txt'), 'utf8');
    assert.match(report1, /^topics: .*swapped in$/m);
    assert.ok(fs.existsSync(path.join(versions(), 'v1', 'topics-held.csv')));

    // the swapped heads classify the reviewers' way now
    const probe = 'Ke mana warga gang anggrek melapor kalau lampu jalan mati?';
    const c = await runCli(['classify', '--model-dir', models], { input: `${JSON.stringify({ text: probe })}\n` });
    const out = JSON.parse(c.stdout.trim().split('\n')[0]);
    assert.ok(out.topics.map((t) => t.topic).includes('layanan-publik'), c.stdout);
    assert.equal(out.kind, 'pertanyaan', c.stdout);

    // same labels again: the candidates equal the heads in place, so nothing is swapped
    const now = { topics: fs.readFileSync(path.join(models, 'topics.glm')), kind: fs.readFileSync(path.join(models, 'kind.glm')) };
    const r2 = await train();
    assert.equal(r2.code, 0, r2.stderr);
    for (const head of ['topics', 'kind']) {
      assert.match(r2.stderr, new RegExp(`^${head}: held-back \\d+, F1 current [0-9.]+, new [0-9.]+ -> kept the current head$`, 'm'), r2.stderr);
      assert.deepEqual(fs.readFileSync(path.join(models, `${head}.glm`)), now[head], `${head} changed though not better`);
    }
    assert.ok(fs.existsSync(path.join(versions(), 'v2', 'report.txt')), 'no second version');

    const rb = await runCli(['train', '--rollback', '--db', srv.db, '--model-dir', models, '--versions', versions()], { check: false });
    assert.equal(rb.code, 0, rb.stderr);
    for (const head of ['topics', 'kind']) assert.deepEqual(fs.readFileSync(path.join(models, `${head}.glm`)), shipped[head], `rollback of ${head}`);
    // both swaps and both rollbacks are in the audit log, which still verifies
    const ex = await runCli(['audit', 'export', '--db', srv.db]);
    const rows = ex.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((a) => a.object_type === 'model');
    assert.deepEqual(rows.map((a) => `${a.action} ${a.after.head}`).sort(), ['model-rollback kind', 'model-rollback topics', 'model-swap kind', 'model-swap topics']);
    for (const a of rows.filter((x) => x.action === 'model-rollback')) assert.equal(a.before.version, 'v1');
    const ver = await runCli(['audit', 'verify', '--db', srv.db], { check: false });
    assert.equal(ver.code, 0, ver.stdout);
  });
});
