// End-to-end: `gagas train --from-reviews` (issue 4). Reviewers decide
// generated posts — shop adverts mild enough to pass the filter, proposals,
// rude complaints — and the command turns the standing decisions into labels
// (spam, abusive, constructive; a rejection as spam or kasar also labels the
// kind head unless the reviewer relabelled the kind), trains new heads with
// the filter's recipe, measures new and current on the held-back decisions
// (every item whose id is a multiple of 5), and swaps a head only when the
// held-back labels hold both classes and the new one is better. Swaps and
// rollbacks are rows of the hash-chained audit log.
//
// Three databases, each with its own decisions:
//  - honest: every decision is what the post is;
//  - oneclass: the held-back items are all accepted, so the held-back set of
//    the spam and constructive heads has one class: no comparison, no swap;
//  - contradict: first honest decisions and a bad current spam head (a swap),
//    then many decisions that contradict the first ones on the trained items
//    only — the next candidate is measurably worse on the held-back items
//    and is kept out; --rollback then restores the head before the swap.
// Runs on copies of data/models: the shipped models are never touched.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, Server, USERS, marker, runCli } from '../lib/server.mjs';

// Deterministic posts of three sorts; any two share few word pairs, so the
// filter's near-duplicate merge leaves them alone.
function makePosts(seed, n, tag) {
  let x = seed >>> 0;
  const pick = (a) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return a[(x >>> 16) % a.length];
  };
  const ad = () => [
    pick(['Mampir ke', 'Kunjungi', 'Cek', 'Datang ke', 'Yuk belanja di', 'Jangan lupa singgah di']),
    pick(['toko', 'warung', 'lapak', 'butik', 'kedai', 'gerai', 'kios']),
    pick(['kami yang jual', 'keluarga kami dengan', 'online kami berisi', 'kecil kami menawarkan', 'baru kami ada', 'langganan anda punya']),
    pick(['kue kering', 'baju muslim', 'sepatu anak', 'kopi bubuk', 'madu hutan', 'tas kulit', 'kerudung motif', 'sambal botol']),
    pick(['di pasar baru,', 'dekat alun-alun,', 'samping terminal,', 'di ruko depan masjid,', 'di jalan merdeka,', 'belakang stasiun,']),
    pick(['ada diskon', 'harga miring', 'promo minggu ini', 'gratis ongkir', 'beli dua dapat tiga', 'potongan harga']),
    pick(['untuk pelanggan baru', 'selama persediaan ada', 'khusus hari jumat', 'sampai akhir bulan', 'bagi pembeli pertama', 'setiap pagi']),
    pick(['pesan sekarang', 'hubungi admin', 'ikuti akun kami', 'stok terbatas', 'kirim pesan saja', 'bisa antar']),
  ].join(' ');
  const idea = () => [
    pick(['Mohon', 'Tolong', 'Usul agar pemerintah', 'Saya harap partai bisa', 'Sebaiknya dewan', 'Kami minta bupati']),
    pick(['perbaiki', 'tambah', 'bangun', 'perluas', 'awasi', 'anggarkan']),
    pick(['jalan desa', 'jam layanan puskesmas', 'taman bermain anak', 'beasiswa siswa miskin', 'saluran irigasi sawah', 'lampu penerangan jalan', 'pasar tradisional', 'angkutan umum']),
    pick(['di kecamatan kami', 'di kelurahan Sukamaju', 'di desa Cibodas', 'untuk kabupaten ini', 'di kampung nelayan', 'di pinggiran kota']),
    pick(['karena banyak warga', 'sebab para ibu', 'karena petani', 'sebab anak sekolah', 'karena para lansia', 'sebab pedagang kecil']),
    pick(['kesulitan setiap hari', 'sering mengeluh', 'merasa dirugikan', 'butuh bantuan', 'menunggu lama', 'terpaksa berjalan jauh']),
    pick(['sejak tahun lalu', 'selama musim hujan', 'tiap akhir pekan', 'sejak pandemi', 'pada malam hari', 'di musim panen']),
    pick(['terima kasih', 'mohon ditindaklanjuti', 'semoga didengar', 'kami siap membantu', 'tolong segera', 'salam dari warga']),
  ].join(' ');
  const rude = () => [
    pick(['Dasar', 'Hei', 'Dengar ya', 'Memang']),
    pick(['pejabat', 'anggota dewan', 'lurah', 'camat', 'petugas dinas']),
    pick(['bodoh', 'tolol', 'goblok', 'bego']),
    pick(['tidak becus kerja', 'cuma makan gaji buta', 'kerjanya tidur saja', 'otaknya kosong']),
    pick(['urus kota ini', 'urus jalan kampung', 'urus pasar', 'urus sampah']),
    pick(['dari dulu', 'tiap tahun', 'sampai sekarang', 'terus menerus']),
  ].join(' ');
  const out = [];
  for (let k = 0; k < n; k++) {
    // drawn, not cycled: ids are consecutive, so a cycle of sorts would put
    // one sort in the held-back fifth always or never
    const sort = pick(['idea', 'idea', 'ad', 'ad', 'rude']);
    out.push({ sort, text: `${(sort === 'ad' ? ad : sort === 'idea' ? idea : rude)()} ${tag}` });
  }
  return out;
}

const HONEST = { ad: { action: 'reject', reason: 'spam' }, idea: { action: 'accept' }, rude: { action: 'reject', reason: 'kasar' } };
const INVERTED = { ad: { action: 'accept' }, idea: { action: 'reject', reason: 'spam' }, rude: { action: 'accept' } };
const heldBack = (id) => id % 5 === 0;

// Submits the posts and decides the queued ones with decide(id, sort) → body;
// returns [{id, sort, body}] of the decided ones.
async function decideAll(srv, s, posts, decide) {
  const done = [];
  for (const p of posts) {
    const sub = await srv.submit(p.text);
    assert.equal(sub.status, 202);
    if (sub.json.state !== 'queued') continue; // the filter decided it already
    const body = decide(sub.json.id, p.sort);
    const r = await srv.act(s, sub.json.id, body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    done.push({ id: sub.json.id, sort: p.sort, text: p.text, body });
  }
  return done;
}

function copyModels(dir) {
  fs.mkdirSync(dir);
  for (const f of fs.readdirSync(path.join(REPO_ROOT, 'data', 'models'))) {
    const p = path.join(REPO_ROOT, 'data', 'models', f);
    if (fs.statSync(p).isFile()) fs.copyFileSync(p, path.join(dir, f));
  }
}

const sha = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function retrain(srv, models, extra = []) {
  return runCli(['train', '--from-reviews', '--db', srv.db, '--model-dir', models, '--versions', path.join(srv.dir, 'versions'), '--min', '50', ...extra], { timeoutMs: 280000, check: false });
}

// The model rows of the audit log, through `gagas audit export`.
async function modelAudit(srv) {
  const r = await runCli(['audit', 'export', '--db', srv.db]);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((a) => a.object_type === 'model');
}

async function verifyAudit(srv) {
  const r = await runCli(['audit', 'verify', '--db', srv.db], { check: false });
  assert.equal(r.code, 0, `audit verify: ${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^ok: \d+ rows, 0 problems/m);
}

// CSV rows (text,label) of a version file; fields are always quoted text then a bare label.
function csvRows(file) {
  return fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => {
    const i = l.lastIndexOf(',');
    return { text: l.slice(1, i - 1).replaceAll('""', '"'), label: l.slice(i + 1) };
  });
}

const reportLine = (text, head) => text.split('\n').find((l) => l.startsWith(`${head}: held-back`));
const f1s = (line) => {
  const m = /F1 current ([0-9.-]+), new ([0-9.]+)/.exec(line);
  assert.ok(m, `no F1 figures in: ${line}`);
  return { cur: Number(m[1]), neu: Number(m[2]) };
};

const servers = [];
after(async () => {
  for (const s of servers) await s.stop();
});

let honest;
let honestDecided;
let relabelled;
const honestTag = marker('rt');
before(async () => {
  honest = await Server.start({ name: 'retrain', users: [USERS.reviewer] });
  servers.push(honest);
  const s = await honest.login(USERS.reviewer);
  honestDecided = await decideAll(honest, s, makePosts(7, 220, honestTag), (id, sort) => {
    // one trained advert is rejected as spam but its kind relabelled: the
    // relabel, not the reason, is its kind label
    if (sort === 'ad' && !heldBack(id) && !relabelled) {
      relabelled = id;
      return { action: 'reject', reason: 'spam', kind: 'lainnya' };
    }
    return HONEST[sort];
  });
  await honest.shutdown();
});

test('decisions become labels: spam and kasar rejections teach spam, abusive and kind; both classes held back are compared', { timeout: 300000 }, async () => {
  const models = path.join(honest.dir, 'models');
  copyModels(models);
  const r = await retrain(honest, models);
  assert.equal(r.code, 0, r.stderr);
  const v1 = path.join(honest.dir, 'versions', 'v1');
  const trained = honestDecided.filter((d) => !heldBack(d.id));
  const count = (list, pred) => list.filter(pred).length;
  const isReject = (why) => (d) => d.body.action === 'reject' && d.body.reason === why;
  // the demo data's own decisions are there too: count only this test's posts
  const mine = (file) => csvRows(path.join(v1, file)).filter((x) => x.text.endsWith(honestTag));
  // spam: every decision, 1 for a rejection as spam
  const spamRows = mine('spam-train.csv');
  assert.equal(spamRows.length, trained.length);
  assert.equal(count(spamRows, (x) => x.label === '1'), count(trained, isReject('spam')));
  // abusive: 1 for kasar, 0 for accepted; a spam rejection says nothing
  const abRows = mine('abusive-train.csv');
  assert.equal(count(abRows, (x) => x.label === '1'), count(trained, isReject('kasar')));
  assert.equal(abRows.length, count(trained, isReject('kasar')) + count(trained, (d) => d.body.action === 'accept'));
  // kind: spam / kasar from the reasons, the relabel wins over the reason
  const kindRows = mine('kind-train.csv');
  assert.ok(relabelled, 'no advert was queued');
  assert.equal(count(kindRows, (x) => x.label === 'spam'), count(trained, isReject('spam')) - 1);
  assert.equal(count(kindRows, (x) => x.label === 'kasar'), count(trained, isReject('kasar')));
  const rel = honestDecided.find((d) => d.id === relabelled);
  assert.deepEqual(kindRows.filter((x) => x.text === rel.text).map((x) => x.label), ['lainnya']);
  assert.ok(count(trained, isReject('kasar')) > 0, 'no rude post reached the queue');
  assert.match(r.stderr, /kind: \d+ labels from rejections as spam or kasar/);
  // held back: never trained on; both classes of spam and constructive there
  const held = honestDecided.filter((d) => heldBack(d.id));
  const heldSpam = mine('spam-held.csv');
  assert.equal(heldSpam.length, held.length);
  assert.ok(count(heldSpam, (x) => x.label === '1') >= 5 && count(heldSpam, (x) => x.label === '0') >= 5, 'the data does not hold back 5 of each class');
  const heldTexts = new Set(held.map((d) => d.text));
  assert.ok(spamRows.every((x) => !heldTexts.has(x.text)), 'a held-back item was trained on');
  const report = fs.readFileSync(path.join(v1, 'report.txt'), 'utf8');
  for (const head of ['spam', 'constructive']) {
    assert.match(report, new RegExp(`^${head}: held-back \\d+, F1 current [0-9.]+, new [0-9.]+ -> (swapped in|kept the current head)$`, 'm'));
  }
  // spam and kasar alone say nothing about the other kinds: a kind head
  // judged on them would win by calling everything spam or kasar
  assert.match(report, /^kind: held-back \d+, the held-back labels are only spam and kasar \(rejections\): no fair comparison -> kept the current head$/m);
  assert.equal(sha(path.join(models, 'kind.glm')), sha(path.join(REPO_ROOT, 'data', 'models', 'kind.glm')));
  // what was swapped is audited, one row each, and the chain still verifies
  const swapped = report.split('\n').filter((l) => / -> swapped in$/.test(l)).map((l) => l.split(':')[0]);
  const rows = await modelAudit(honest);
  assert.deepEqual(rows.map((a) => a.after.head).sort(), swapped.sort());
  await verifyAudit(honest);
});

test('one class in the held-back decisions: no comparison, the current head stays, and the output says why', { timeout: 300000 }, async () => {
  const srv = await Server.start({ name: 'retrain-oneclass', users: [USERS.reviewer] });
  servers.push(srv);
  const s = await srv.login(USERS.reviewer);
  // every held-back item accepted, the others decided honestly
  const decided = await decideAll(srv, s, makePosts(11, 160, marker('rt1')), (id, sort) => (heldBack(id) ? { action: 'accept' } : HONEST[sort]));
  await srv.shutdown();
  assert.ok(decided.filter((d) => heldBack(d.id)).length >= 10, 'too few held-back decisions to make the point');
  const models = path.join(srv.dir, 'models');
  copyModels(models);
  const before = { spam: sha(path.join(models, 'spam.glm')), constructive: sha(path.join(models, 'constructive.glm')) };
  const r = await retrain(srv, models);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^spam: held-back \d+, \d+ positive and \d+ negative held-back labels, fewer than 5 of each class: no fair comparison -> kept the current head$/m);
  assert.match(r.stderr, /^constructive: held-back \d+, \d+ positive and 0 negative held-back labels, fewer than 5 of each class: no fair comparison -> kept the current head$/m);
  const report = fs.readFileSync(path.join(srv.dir, 'versions', 'v1', 'report.txt'), 'utf8');
  assert.match(report, /^constructive: .* no fair comparison -> kept the current head$/m);
  assert.deepEqual(csvRows(path.join(srv.dir, 'versions', 'v1', 'constructive-held.csv')).map((x) => x.label).filter((l) => l !== '1'), []);
  for (const head of ['spam', 'constructive']) {
    assert.equal(sha(path.join(models, `${head}.glm`)), before[head], `${head} was replaced`);
    assert.ok(!fs.existsSync(path.join(models, `${head}.glm.prev`)));
  }
  assert.deepEqual(await modelAudit(srv), []);
});

test('a better head is swapped in and audited; a measurably worse one is kept out; --rollback restores the previous head, audited', { timeout: 600000 }, async () => {
  const srv = await Server.start({ name: 'retrain-contradict', users: [USERS.reviewer] });
  servers.push(srv);
  const s = await srv.login(USERS.reviewer);
  const first = await decideAll(srv, s, makePosts(13, 150, marker('rt2')), (id, sort) => HONEST[sort]);
  await srv.shutdown();
  const models = path.join(srv.dir, 'models');
  copyModels(models);
  // a bad current spam head: the abusive head calls no advert spam
  const spamPath = path.join(models, 'spam.glm');
  fs.copyFileSync(path.join(models, 'abusive.glm'), spamPath);
  const bad = sha(spamPath);

  // run 1: the candidate beats the bad head and is swapped in
  const r1 = await retrain(srv, models);
  assert.equal(r1.code, 0, r1.stderr);
  const line1 = reportLine(r1.stderr, 'spam');
  assert.match(line1, / -> swapped in$/);
  const v1 = f1s(line1);
  const good = sha(spamPath);
  assert.notEqual(good, bad);
  assert.equal(good, sha(path.join(srv.dir, 'versions', 'v1', 'spam.glm')), 'the swapped-in head is not the v1 candidate');
  assert.equal(sha(`${spamPath}.prev`), bad, 'the old head was not kept');
  let rows = await modelAudit(srv);
  const swap = rows.find((a) => a.action === 'model-swap' && a.after.head === 'spam');
  assert.ok(swap, `no model-swap row: ${JSON.stringify(rows)}`);
  assert.equal(swap.object_id, 1);
  assert.match(swap.actor, /^(cli:.+|system)$/);
  assert.deepEqual(swap.before, { head: 'spam', sha256: bad, version: null });
  assert.equal(swap.after.sha256, good);
  assert.equal(swap.after.version, 'v1');
  assert.ok(first.filter((d) => heldBack(d.id)).length >= 10);
  assert.equal(swap.after.held_back, csvRows(path.join(srv.dir, 'versions', 'v1', 'spam-held.csv')).length);
  assert.ok(Math.abs(swap.after.f1_current - v1.cur) < 1e-4 && Math.abs(swap.after.f1_new - v1.neu) < 1e-4, JSON.stringify(swap.after));
  await verifyAudit(srv);

  // run 2: many more decisions that contradict the first ones on the trained
  // items (adverts accepted, proposals rejected as spam); the held-back ones
  // stay honest, so the candidate learns the opposite of what is checked
  await srv.launch();
  const s2 = await srv.login(USERS.reviewer);
  await decideAll(srv, s2, makePosts(17, 450, marker('rt3')), (id, sort) => (heldBack(id) ? HONEST : INVERTED)[sort]);
  await srv.shutdown();
  const nrows = rows.length;
  const r2 = await retrain(srv, models, ['--actor', USERS.reviewer.email]);
  assert.equal(r2.code, 0, r2.stderr);
  const line2 = reportLine(r2.stderr, 'spam');
  assert.match(line2, / -> kept the current head$/);
  const v2 = f1s(line2);
  assert.ok(v2.neu < v2.cur - 0.2, `the candidate is not measurably worse: ${line2}`);
  assert.equal(sha(spamPath), good, 'the worse candidate replaced the head');
  assert.equal(sha(`${spamPath}.prev`), bad, 'the rollback copy changed');
  rows = await modelAudit(srv);
  assert.equal(rows.filter((a) => a.action === 'model-swap' && a.after.head === 'spam').length, 1, 'a kept head was audited as a swap');

  // rollback: the head before the swap comes back, audited as the reviewer
  const rb = await runCli(['train', '--rollback', '--db', srv.db, '--model-dir', models, '--versions', path.join(srv.dir, 'versions'), '--actor', USERS.reviewer.email], { check: false });
  assert.equal(rb.code, 0, rb.stderr);
  assert.equal(sha(spamPath), bad, 'rollback did not restore the previous head');
  assert.ok(!fs.existsSync(`${spamPath}.prev`));
  rows = await modelAudit(srv);
  const back = rows.slice(nrows).find((a) => a.action === 'model-rollback' && a.after.head === 'spam');
  assert.ok(back, `no model-rollback row: ${JSON.stringify(rows)}`);
  assert.equal(back.actor, USERS.reviewer.email);
  assert.ok(Number.isInteger(back.actor_id) && back.actor_id > 0, 'the staff user was not resolved');
  assert.deepEqual(back.before, { head: 'spam', sha256: good, version: 'v1' });
  assert.deepEqual(back.after, { head: 'spam', sha256: bad, version: null });
  await verifyAudit(srv);
  // nothing left to roll back
  const rb2 = await runCli(['train', '--rollback', '--db', srv.db, '--model-dir', models], { check: false });
  assert.equal(rb2.code, 1);
  assert.match(rb2.stderr, /no previous heads/);
});

test('too few decisions trains nothing (exit 3)', async () => {
  const models = path.join(honest.dir, 'models-few');
  const r = await runCli(['train', '--from-reviews', '--db', honest.db, '--model-dir', models, '--versions', path.join(honest.dir, 'versions'), '--min', '100000'], { check: false });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /nothing trained/);
});

test('rollback without a database is refused: it could not be audited', async () => {
  const models = path.join(honest.dir, 'models-nodb');
  copyModels(models);
  fs.copyFileSync(path.join(models, 'abusive.glm'), path.join(models, 'spam.glm.prev'));
  const before = sha(path.join(models, 'spam.glm'));
  const r = await runCli(['train', '--rollback', '--db', path.join(honest.dir, 'missing.db'), '--model-dir', models], { check: false });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /nothing rolled back/);
  assert.equal(sha(path.join(models, 'spam.glm')), before);
});
