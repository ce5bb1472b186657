// gagas backup: a consistent copy while the server keeps taking writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Server, runCli } from '../lib/server.mjs';

const sql = (db, q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, q], { encoding: 'utf8' }).trim();

test('a backup taken under write load is consistent and holds every earlier 202', async () => {
  const srv = await Server.start({ name: 'backup' });
  try {
    const acked = [];
    for (let i = 0; i < 200; i++) acked.push((await srv.submitOk(`sebelum backup ${i}: perbaiki jalan`)));
    let stop = false;
    const load = (async () => {
      let i = 0;
      while (!stop) await srv.submit(`selama backup ${i++}: tambah lampu jalan`);
    })();
    const out = path.join(srv.dir, 'copy.db');
    const r = await runCli(['backup', '--db', srv.db, '--out', out]);
    stop = true;
    await load;
    assert.match(r.stdout, /backup written/);
    assert.equal(sql(out, 'PRAGMA integrity_check'), 'ok');
    const ids = new Set(sql(out, "SELECT id FROM submissions WHERE text LIKE 'sebelum backup%'").split('\n').map(Number));
    for (const id of acked) assert.ok(ids.has(id), `submission ${id} acknowledged before the backup is missing`);
    const again = await runCli(['backup', '--db', srv.db, '--out', out], { check: false });
    assert.equal(again.code, 2, 'an existing file is never overwritten');
    assert.ok(fs.statSync(out).size > 0);
  } finally {
    await srv.stop();
  }
});
