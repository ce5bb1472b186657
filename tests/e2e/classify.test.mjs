// gagas classify on a fixed input: the output is byte for byte the golden
// file, with one worker thread or two. The input mixes 600 bench-style posts
// (copies and near copies, so dup_of and coordinated have work) with lines
// that test the JSON reader: escapes, surrogate pairs, nested and real
// values, duplicate keys, and every kind of bad line. A speed change must
// leave this output alone; a retrained model changes it on purpose
// (regenerate with: gagas classify < tests/golden/classify-in.jsonl).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gagasBin, REPO_ROOT } from '../lib/server.mjs';

const IN = path.join(REPO_ROOT, 'tests', 'golden', 'classify-in.jsonl');
const OUT = path.join(REPO_ROOT, 'tests', 'golden', 'classify-out.jsonl');

const classify = (input, ...args) => {
  const r = spawnSync(gagasBin(), ['classify', '--data-dir', path.join(REPO_ROOT, 'data'), ...args], {
    input,
    maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout.toString('utf8');
};

// the first differing line, shown whole, is what a reader needs
const sameLines = (got, want) => {
  const g = got.split('\n');
  const w = want.split('\n');
  for (let i = 0; i < Math.max(g.length, w.length); i++)
    assert.equal(g[i], w[i], `line ${i + 1} differs`);
};

describe('gagas classify', () => {
  const input = fs.readFileSync(IN);
  const want = fs.readFileSync(OUT, 'utf8');

  test('output equals the golden file (one thread)', () => {
    sameLines(classify(input, '--threads', '1'), want);
  });

  test('output equals the golden file (two threads)', () => {
    sameLines(classify(input, '--threads', '2'), want);
  });

  test('an escaped text scores like the same text written plainly', () => {
    const out = classify(
      [
        JSON.stringify({ id: 'a', text: 'Harga pupuk di Kab. Garut naik, petani café 😀 susah' }),
        '{"id":"b","text":"Harga pupuk di Kab. Garut naik, petani caf\\u00e9 \\ud83d\\ude00 susah"}',
      ].join('\n') + '\n',
    )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(out.length, 2);
    const strip = (o) => ({ ...o, id: null, dup_of: null });
    assert.deepEqual(strip(out[1]), strip(out[0]));
    assert.equal(out[1].dup_of, 'a', 'the escaped copy is an exact copy of the first');
    assert.equal(out[0].region[0].code, '32.05');
  });

  test('a bad --threads value is refused with a message', () => {
    for (const v of ['0', '65', 'two', '']) {
      const r = spawnSync(gagasBin(), ['classify', '--threads', v], { input: '' });
      assert.equal(r.status, 2, `--threads '${v}'`);
      assert.match(r.stderr.toString(), /--threads wants a number from 1 to 64/);
    }
  });

  test('bad lines get an error with their id and the run goes on', () => {
    const out = classify('{"id":1}\n{"id":2,"text":[1]}\nnot json\n{"id":"x\\u0041","text":"ok"}\n')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(out[0], { id: 1, error: 'missing text' });
    assert.deepEqual(out[1], { id: 2, error: 'text is not a string' });
    assert.equal(out[2].id, null);
    assert.match(out[2].error, /^invalid JSON/);
    assert.equal(out[3].id, 'xA');
    assert.equal(typeof out[3].lang, 'string');
  });
});
