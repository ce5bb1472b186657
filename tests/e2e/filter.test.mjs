// The filter on live intake: every submission carries its labels and route;
// regions resolve to Kemendagri codes and dapil; copies of one message from
// several authors form a coordinated group that stays in the queue,
// flagged; a near-copy of a post that already became an idea joins that
// idea as a supporter; spam and abuse over the campaign's thresholds are
// auto-rejected with the rule that fired (when models are trained).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Server, USERS, REPO_ROOT, sleep } from '../lib/server.mjs';

// the models ship in data/models: this test needs them

describe('filter on intake', () => {
  let srv, admin;
  before(async () => {
    srv = await Server.start({ name: 'filter' });
    admin = await srv.login(USERS.admin);
  });
  after(async () => srv?.stop());

  const item = async (id) => {
    const r = await srv.get(`/api/v1/review/items/${id}`, { jar: admin.jar });
    assert.equal(r.status, 200);
    return r.json;
  };

  test('a submission carries labels, a route and its region with dapil', async () => {
    const r = await srv.submit('Tolong perbaiki jalan rusak di Kab. Bogor dekat pasar Cibinong, sudah setahun berlubang');
    assert.equal(r.status, 202);
    const it = await item(r.json.id);
    assert.equal(it.labels.route.decision, 'queue');
    assert.equal(typeof it.labels.route.priority, 'number');
    const bogor = it.labels.region.find((g) => g.code === '32.01');
    assert.ok(bogor, `Kab. Bogor not found: ${JSON.stringify(it.labels.region)}`);
    assert.equal(bogor.level, 'kabkota');
    assert.ok(bogor.dapil, 'the regency resolves to its DPR RI dapil');
    assert.equal(typeof it.priority, 'number');
  });

  test('the same slogan from three accounts becomes one coordinated group, kept for review', async () => {
    const slogan = 'Dukung penuh program sertifikat tanah gratis sekarang juga, rakyat sejahtera negeri jaya!';
    const ids = [];
    for (const who of ['buzz-a', 'buzz-b', 'buzz-c', 'buzz-d']) {
      const r = await srv.submit(slogan, { author: who });
      assert.equal(r.status, 202);
      ids.push(r.json.id);
    }
    let items = [];
    for (let i = 0; i < 40; i++) {
      items = await Promise.all(ids.map(item));
      if (items.every((x) => x.group_id)) break;
      await sleep(50);
    }
    const groups = new Set(items.map((x) => x.group_id));
    assert.equal(groups.size, 1, `one group for all copies: ${items.map((x) => x.group_id)}`);
    assert.ok([...groups][0] > 0);
    for (const x of items) {
      assert.equal(x.state, 'queued', 'quarantined for review, not deleted');
      assert.equal(x.labels.coordinated, x.group_id);
    }
    // one author repeating itself is not a campaign
    const solo = [];
    for (let i = 0; i < 3; i++) solo.push((await srv.submit('Saya ulangi lagi: tolong bangun jembatan desa Sukamaju yang putus karena banjir kemarin', { author: 'same-person' })).json.id);
    await sleep(200);
    for (const id of solo) assert.equal((await item(id)).group_id, null);
  });

  test('a near-copy of an accepted idea joins it as a supporter', async () => {
    const text = 'Usul: bangun posyandu baru di Desa Cikoneng karena ibu hamil harus jalan 5 km ke puskesmas';
    const first = await srv.submit(text, { author: 'warga-1' });
    const acc = await srv.act(admin, first.json.id, { action: 'accept' });
    assert.equal(acc.status, 200);
    const ideaId = acc.json.idea.id;
    const before = (await srv.get(`/api/v1/ideas/${ideaId}`)).json.supporters;
    const copy = await srv.submit(text + ' 🙏', { author: 'warga-2' });
    assert.equal(copy.status, 202);
    assert.equal(copy.json.state, 'merged');
    const it = await item(copy.json.id);
    assert.equal(it.idea_id, ideaId);
    assert.equal(it.dup_of, first.json.id);
    assert.equal((await srv.get(`/api/v1/ideas/${ideaId}`)).json.supporters, before + 1);
    const audit = await srv.get('/api/v1/audit?limit=50', { jar: admin.jar });
    assert.ok(audit.json.entries.some((e) => e.action === 'merge' && e.object_id === copy.json.id && e.actor === 'filter'));
  });

  test('spam over the threshold is rejected with the rule and its score', async () => {
    assert.ok(fs.existsSync(path.join(REPO_ROOT, 'data', 'models', 'spam.glm')), 'data/models/spam.glm ships with gagas');
    const r = await srv.submit('Slot gacor hari ini maxwin!! deposit 10rb jadi jutaan, klik bit.ly/gacor88 bosku 💰💰💰 daftar sekarang');
    assert.equal(r.status, 202);
    assert.equal(r.json.state, 'rejected');
    const it = await item(r.json.id);
    assert.equal(it.reason, 'spam');
    assert.equal(it.labels.route.rules[0].rule, 'spam_reject');
    assert.ok(it.labels.spam >= it.labels.route.rules[0].threshold);
  });
});
