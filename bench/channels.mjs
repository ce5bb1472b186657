// Outbox sender speed (issue 7): N Telegram answers queued at once against
// the local fake platform (127.0.0.1), time until every row is 'sent';
// prints sends/s and the time to the last one. One sender thread, one
// libcurl handle per call, a durable outbox write per result.
//
//   node bench/channels.mjs BUILD [N]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakePlatforms } from '../tests/fakes/platforms.mjs';
import { freePort, sleep } from '../tests/lib/server.mjs';

const build = path.resolve(process.argv[2] || 'build');
const n = Number(process.argv[3] || 2000);
const bin = path.join(build, 'gagas');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gagas-chbench-'));
const db = path.join(dir, 'g.db');
const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, q], { encoding: 'utf8' }).trim();
const fake = await FakePlatforms.start();
execFileSync(bin, ['demo', '--db', db], { stdio: 'ignore' });
sql(`WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ${n})
  INSERT INTO outbox(channel,kind,target_json,text,dedupe_key)
  SELECT 'telegram','reply',json_object('to_id',CAST(5000 + i AS TEXT),'chat_id','-1002233445566','kind','message'),
         'Terima kasih, gagasan Anda sudah kami catat.','bench:' || i FROM k`);
const port = await freePort();
const t0 = Date.now();
const proc = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--channel-base-urls', `*=${fake.base}`, '--channel-tick-ms', '50'], {
  env: { ...process.env, GAGAS_TOKEN_TELEGRAM: 'bench:token' },
  stdio: ['ignore', 'ignore', 'ignore'],
});
let sent = 0;
for (;;) {
  await sleep(100);
  sent = Number(sql("SELECT count(*) FROM outbox WHERE state='sent'"));
  if (sent >= n || Date.now() - t0 > 120000) break;
}
const secs = (Date.now() - t0) / 1000;
proc.kill('SIGTERM');
await new Promise((r) => proc.on('exit', r));
await fake.stop();
fs.rmSync(dir, { recursive: true, force: true });
console.log(`channels: outbox sends ${sent}/${n} in ${secs.toFixed(2)} s = ${(sent / secs).toFixed(0)} sends/s (Telegram sendMessage to the local fake, start-up included)`);
if (sent < n) process.exit(1);
