// gagas import: every format lands in the campaign, a re-run adds nothing,
// bad records are counted and skipped, and a run killed mid-file resumes
// where it stopped and ends with every record exactly once.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, gagasBin, sharedDir, REPO_ROOT, sleep } from '../lib/server.mjs';

const FIX = path.join(sharedDir(), 'fixtures', 'channels');
const sql = (db, q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, q], { encoding: 'utf8' }).trim();

describe('gagas import', () => {
  let dir, db;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gagas-import-'));
    db = path.join(dir, 'g.db');
    await runCli(['demo', '--db', db]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const imp = (file, ...args) => runCli(['import', file, '--campaign', 'demo', '--db', db, ...args], { check: false });

  test('jsonl: good lines stored, bad lines counted, a re-run adds nothing', async () => {
    const f = path.join(dir, 'a.jsonl');
    fs.writeFileSync(f, [
      JSON.stringify({ id: 'j1', text: 'Usul: jalan desa di Kab. Bogor diaspal', author: 'u1', channel: 'facebook' }),
      JSON.stringify({ id: 'j2', text: 'Tolong air bersih di kampung kami' }),
      'this is not json',
      JSON.stringify({ id: 'j3', text: '' }),
    ].join('\n') + '\n');
    const r1 = await imp(f);
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stdout, /4 records read, 2 new, 0 already there, 2 bad/);
    const r2 = await imp(f);
    assert.match(r2.stdout, /4 records read, 0 new, 2 already there, 2 bad/);
    assert.equal(sql(db, "SELECT channel||':'||native_id FROM submissions WHERE native_id IN ('j1','j2') ORDER BY native_id"), 'facebook:j1\nimport:j2');
    // the author is pseudonymized, the state is queued
    assert.equal(sql(db, "SELECT count(*) FROM submissions WHERE native_id='j1' AND author_key IS NOT NULL AND author_key <> 'u1' AND state='queued'"), '1');
  });

  test('csv: quoted fields with commas, quotes and newlines', async () => {
    const f = path.join(dir, 'b.csv');
    fs.writeFileSync(f, 'id,text,author,created_at\nc1,"Perbaiki ""drainase"", kampung\nkami banjir",w1,2026-11-01T10:00:00Z\nc2,Sekolah rusak,w2,\n');
    const r = await imp(f);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 records read, 2 new/);
    assert.equal(sql(db, "SELECT text FROM submissions WHERE native_id='c1'"), 'Perbaiki "drainase", kampung\nkami banjir');
    assert.equal(sql(db, "SELECT created_at FROM submissions WHERE native_id='c1'"), '2026-11-01T10:00:00Z');
  });

  test('x-v2, telegram and meta exports through the channel decoders', async () => {
    const rx = await imp(path.join(FIX, 'x', 'recent-search.response.json'), '--format', 'x-v2');
    assert.equal(rx.code, 0, rx.stderr);
    assert.match(rx.stdout, /3 new/);
    assert.equal(sql(db, "SELECT count(*) FROM submissions WHERE channel='x' AND native_id NOT LIKE 'demo-%'"), '3');
    const rt = await imp(path.join(FIX, 'telegram', 'getUpdates.response.json'), '--format', 'telegram');
    assert.equal(rt.code, 0, rt.stderr);
    const exp = path.join(dir, 'result.json');
    fs.writeFileSync(exp, JSON.stringify({
      name: 'Aspirasi Warga', id: 777, messages: [
        { id: 1, type: 'service', action: 'create_group' },
        { id: 2, type: 'message', from_id: 'user42', date_unixtime: '1795144867', text: ['Usul: ', { type: 'hashtag', text: '#PendidikanGratis' }, ' untuk SD'] },
      ],
    }));
    const re = await imp(exp, '--format', 'telegram');
    assert.equal(re.code, 0, re.stderr);
    assert.equal(sql(db, "SELECT text FROM submissions WHERE native_id='777:2'"), 'Usul: #PendidikanGratis untuk SD');
    const meta = path.join(dir, 'meta.jsonl');
    fs.writeFileSync(meta, fs.readFileSync(path.join(FIX, 'facebook', 'feed-comment-add.json'), 'utf8').replace(/\n/g, '') + '\n');
    const rm = await imp(meta, '--format', 'meta');
    assert.equal(rm.code, 0, rm.stderr);
    assert.match(sql(db, "SELECT text FROM submissions WHERE channel='facebook' AND native_id LIKE '%1092837465012345'"), /Kaliurang/);
  });

  test('refusals: unknown campaign, missing file, unknown format', async () => {
    const f = path.join(dir, 'a.jsonl');
    const a = await runCli(['import', f, '--campaign', 'nope', '--db', db], { check: false });
    assert.notEqual(a.code, 0);
    assert.match(a.stderr, /no campaign 'nope'/);
    const b = await imp(path.join(dir, 'missing.csv'));
    assert.notEqual(b.code, 0);
    const c = await imp(f, '--format', 'xml');
    assert.equal(c.code, 2);
  });

  test('a run killed mid-file resumes and ends with every record once', async () => {
    const f = path.join(dir, 'big.jsonl');
    const N = 20000;
    const lines = [];
    for (let i = 0; i < N; i++) lines.push(JSON.stringify({ id: `big${i}`, text: `Usul nomor ${i}: perbaiki jalan RT ${i % 90}` }));
    fs.writeFileSync(f, lines.join('\n') + '\n');
    const child = spawn(gagasBin(), ['import', f, '--campaign', 'demo', '--db', db], { cwd: REPO_ROOT, stdio: 'ignore' });
    // kill as soon as the first batches are committed
    for (let i = 0; i < 200; i++) {
      await sleep(25);
      const n = Number(sql(db, "SELECT count(*) FROM submissions WHERE native_id LIKE 'big%'"));
      if (n >= 500) break;
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const partial = Number(sql(db, "SELECT count(*) FROM submissions WHERE native_id LIKE 'big%'"));
    assert.ok(partial > 0 && partial < N, `killed after ${partial} of ${N}`);
    // slow builds (sanitizers) need more than the default minute
    const r = await runCli(['import', f, '--campaign', 'demo', '--db', db], { check: false, timeoutMs: 300000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /resuming at byte \d+/);
    assert.equal(sql(db, "SELECT count(*), count(DISTINCT native_id) FROM submissions WHERE native_id LIKE 'big%'"), `${N}|${N}`);
  });
});
