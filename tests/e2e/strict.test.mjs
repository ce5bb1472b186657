// Unknown fields are refused with a 400 that names them, and nothing is
// stored: a typo ("txt") must not become an empty or partial submission.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, USERS, assertError } from '../lib/server.mjs';

test('unknown JSON fields get a precise 400 and store nothing', async () => {
  const srv = await Server.start({ name: 'strict' });
  try {
    const before = (await srv.get('/metrics')).text.match(/gagas_submissions\{state="queued"\} (\d+)/)[1];
    const r = await srv.post('/api/v1/campaigns/demo/submissions', { text: 'Usul jalan desa', txt: 'typo' });
    assertError(r, 400);
    assert.match(r.json.error.message, /unknown field 'txt'/);
    const s = await srv.post('/api/v1/session', { email: USERS.admin.email, password: USERS.admin.password, remember: true });
    assertError(s, 400);
    assert.match(s.json.error.message, /unknown field 'remember'/);
    const after = (await srv.get('/metrics')).text.match(/gagas_submissions\{state="queued"\} (\d+)/)[1];
    assert.equal(after, before);
  } finally {
    await srv.stop();
  }
});
