// End-to-end: `gagas train --from-reviews` (issue 4). Reviewers decide 120
// posts (spam rejected as spam, proposals accepted, rude ones rejected as
// kasar); the command turns the standing decisions into labels, trains new
// spam / abusive / constructive heads with the filter's recipe, measures new
// and current on held-back decisions, swaps a head only when it is better
// (keeping <head>.glm.prev), and --rollback puts the previous ones back.
// Runs on a copy of data/models: the shipped models are never touched.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, Server, USERS, marker, runCli } from '../lib/server.mjs';

let srv;
let models;

before(async () => {
  srv = await Server.start({ name: 'retrain', users: [USERS.reviewer] });
  const s = await srv.login(USERS.reviewer);
  // adverts mild enough to pass the automatic filter: the reviewers call them spam
  const spam = ['Mampir ke warung kopi kami di alun-alun, ada diskon', 'Cek katalog kue kering buatan kami, pesan sekarang', 'Kunjungi toko baju kami di pasar baru, harga miring', 'Ikuti akun jualan kami untuk promo minggu ini'];
  const good = ['Mohon perbaiki jalan desa yang berlubang', 'Tambah jam layanan puskesmas di kecamatan', 'Bangun taman bermain anak di kelurahan', 'Perbanyak beasiswa untuk siswa miskin'];
  const rude = ['Dasar pejabat bodoh tidak becus kerja', 'Goblok semua yang urus kota ini'];
  for (let k = 0; k < 120; k++) {
    const kind = k % 5 === 4 ? 'rude' : k % 2 ? 'spam' : 'good';
    const base = kind === 'spam' ? spam : kind === 'good' ? good : rude;
    const sub = await srv.submit(`${base[k % base.length]} nomor ${k} ${marker('rt')}`);
    assert.equal(sub.status, 202);
    if (sub.json.state !== 'queued') continue; // the filter already rejected it
    const id = sub.json.id;
    const body = kind === 'spam' ? { action: 'reject', reason: 'spam' } : kind === 'good' ? { action: 'accept' } : { action: 'reject', reason: 'kasar' };
    const r = await srv.act(s, id, body);
    assert.equal(r.status, 200);
  }
  await srv.shutdown();
  models = path.join(srv.dir, 'models');
  fs.mkdirSync(models);
  for (const f of fs.readdirSync(path.join(REPO_ROOT, 'data', 'models'))) {
    const p = path.join(REPO_ROOT, 'data', 'models', f);
    if (fs.statSync(p).isFile()) fs.copyFileSync(p, path.join(models, f));
  }
});

after(async () => {
  if (srv) await srv.stop();
});

test('train --from-reviews measures new against current on held-back decisions', { timeout: 300000 }, async () => {
  const before = fs.readFileSync(path.join(models, 'spam.glm'));
  const r = await runCli(['train', '--from-reviews', '--db', srv.db, '--model-dir', models, '--versions', path.join(srv.dir, 'versions'), '--min', '50'], { timeoutMs: 280000, check: false });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /reviewer decisions/);
  const report = fs.readFileSync(path.join(srv.dir, 'versions', 'v1', 'report.txt'), 'utf8');
  for (const head of ['spam', 'constructive']) {
    assert.match(report, new RegExp(`^${head}: held-back \\d+, F1 current [0-9.-]+, new [0-9.]+ -> (swapped in|kept the current head)$`, 'm'));
  }
  // a swap keeps the old head for rollback; a kept head is untouched
  const spamLine = report.split('\n').find((l) => l.startsWith('spam:'));
  const prev = path.join(models, 'spam.glm.prev');
  if (/swapped in/.test(spamLine)) {
    assert.ok(fs.existsSync(prev), 'no spam.glm.prev after a swap');
    assert.deepEqual(fs.readFileSync(prev), before);
    const rb = await runCli(['train', '--rollback', '--model-dir', models], { check: false });
    assert.equal(rb.code, 0, rb.stderr);
    assert.deepEqual(fs.readFileSync(path.join(models, 'spam.glm')), before, 'rollback did not restore the head');
  } else {
    assert.deepEqual(fs.readFileSync(path.join(models, 'spam.glm')), before);
  }
});

test('a worse current head is swapped out, kept as .prev, and --rollback restores it', { timeout: 300000 }, async () => {
  // the abusive head standing in for spam: it calls no spam message spam
  const spamPath = path.join(models, 'spam.glm');
  fs.copyFileSync(path.join(models, 'abusive.glm'), spamPath);
  const worse = fs.readFileSync(spamPath);
  const r = await runCli(['train', '--from-reviews', '--db', srv.db, '--model-dir', models, '--versions', path.join(srv.dir, 'versions'), '--min', '50'], { timeoutMs: 280000, check: false });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^spam: held-back \d+, F1 current [0-9.]+, new [0-9.]+ -> swapped in$/m);
  assert.notDeepEqual(fs.readFileSync(spamPath), worse, 'the head was not replaced');
  assert.deepEqual(fs.readFileSync(`${spamPath}.prev`), worse, 'the old head was not kept');
  assert.ok(fs.existsSync(path.join(srv.dir, 'versions', 'v2', 'report.txt')), 'no new version directory');
  const rb = await runCli(['train', '--rollback', '--model-dir', models], { check: false });
  assert.equal(rb.code, 0, rb.stderr);
  assert.deepEqual(fs.readFileSync(spamPath), worse, 'rollback did not restore the old head');
});

test('too few decisions trains nothing (exit 3)', async () => {
  const r = await runCli(['train', '--from-reviews', '--db', srv.db, '--model-dir', models, '--versions', path.join(srv.dir, 'versions'), '--min', '100000'], { check: false });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /nothing trained/);
});
