// Seeds a test server's campaign with labelled submissions for the insight
// tests (issue 6): posts come in through the real intake, then the sqlite3
// tool gives each the labels, state, time and group the test wants, as the
// filter and the reviewers would. Deterministic (a fixed xorshift seed).

import { execFileSync } from 'node:child_process';

/** Runs SQL (on stdin) against db with the sqlite3 tool; rows of -json output. */
export function sql(db, query) {
  // the statements go on stdin: a seed script is longer than argv allows
  const out = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 10000', db], { input: query, encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

// A small deterministic generator, so a failure can be replayed.
export function rng(seed) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}
export const pick = (r, a) => a[Math.floor(r() * a.length)];
export const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
export const day = (offset) => new Date(Date.now() - offset * 86400e3).toISOString().slice(0, 10);

export const TOPICS = ['pendidikan', 'kesehatan', 'ekonomi', 'infrastruktur', 'lingkungan'];
const KINDS = ['gagasan', 'keluhan', 'pertanyaan', 'kritik'];
const CHANNELS = ['web', 'x', 'telegram', 'whatsapp', 'facebook'];
const REGIONS = [
  { province: '32', kabkota: '32.01', dapil: '3205' },
  { province: '32', kabkota: '32.73', dapil: '3201' },
  { province: '31', kabkota: '31.74', dapil: '3102' },
  { province: '35' },
  { province: '73', kabkota: '73.71', dapil: '7301' },
];

export function labelsFor(r) {
  const l = { lang: pick(r, ['ind', 'ind', 'jav', 'eng']) };
  const nt = Math.floor(r() * 3);
  const topics = [];
  for (let i = 0; i < nt; i++) {
    const t = pick(r, TOPICS);
    if (!topics.includes(t)) topics.push(t);
  }
  l.topics = topics.map((t) => ({ topic: t, score: 0.7 }));
  if (r() < 0.85) l.kind = pick(r, KINDS);
  if (r() < 0.8) l.sentiment = { label: pick(r, ['positive', 'neutral', 'negative']), score: 0.8 };
  const nr = Math.floor(r() * 3);
  l.region = [];
  for (let i = 0; i < nr; i++) {
    const g = pick(r, REGIONS);
    const e = { text: 'x', level: g.kabkota ? 'kabkota' : 'provinsi', province: g.province };
    if (g.kabkota) Object.assign(e, { code: g.kabkota, kabkota: g.kabkota, dapil: g.dapil });
    else e.code = g.province;
    l.region.push(e);
  }
  return l;
}


/**
 * Submits n posts to campaign `demo` of srv and rewrites them with labels,
 * states, times (the last 60 days), one coordinated group of 12 (+2 joining
 * later) and near-duplicates; then some are decided and relabelled.
 * Returns {campaignId, adminId, ids}.
 */
export async function seedInsight(srv, { adminEmail, n = 320, seed = 20261128 } = {}) {
  // a few through the real intake path too (labelled by the live filter)
  for (const t of ['Perbaiki jalan rusak di Kabupaten Bogor, sudah setahun berlubang.', 'Sekolah di Kota Makassar kekurangan guru honorer, tolong diperhatikan.'])
    await srv.submitOk(t);
  const campaignId = sql(srv.db, "SELECT id FROM campaigns WHERE slug='demo'")[0].id;
  const adminId = sql(srv.db, `SELECT id FROM staff_users WHERE email='${adminEmail}'`)[0].id;
  const r = rng(seed);
  // The rows come in through the real intake (which also fills the review
  // search index); then the test gives each the labels, state, time and
  // grouping it wants, as the filter and the reviewers would.
  const WORDS = ['jalan', 'sekolah', 'guru', 'puskesmas', 'banjir', 'pasar', 'harga', 'beras', 'listrik', 'air', 'bersih', 'sampah', 'angkot', 'beasiswa', 'petani', 'pupuk', 'nelayan', 'internet', 'desa', 'rusak'];
  const ids = [];
  for (let chunk = 0; chunk < Math.ceil(n / 20); chunk++) {
    const batch = [];
    for (let i = 0; i < 20 && chunk * 20 + i < n; i++) {
      const words = Array.from({ length: 8 }, () => pick(r, WORDS)).join(' ');
      batch.push(srv.submitOk(`Usulan ${chunk * 20 + i}: ${words} nomor ${Math.floor(r() * 1e9)}`, { author: `warga-${chunk}-${i}` }));
    }
    ids.push(...(await Promise.all(batch)));
  }
  const groupId = ids[0];
  const stmts = ['BEGIN;', `INSERT INTO coord_groups(id, campaign_id, members, evidence_json) VALUES(${groupId}, ${campaignId}, 12, '{"authors":12,"window_s":300}') ON CONFLICT(id) DO UPDATE SET members=12, evidence_json=excluded.evidence_json;`];
  ids.forEach((id, k) => {
    const i = k + 1;
    const state = pick(r, ['queued', 'queued', 'queued', 'rejected', 'accepted', 'merged', 'escalated']);
    const reason = state === 'rejected' ? pick(r, ['spam', 'kasar']) : null;
    const labels = i % 53 === 0 ? 'not json' : JSON.stringify(labelsFor(r));
    const created = new Date(Date.now() - Math.floor(r() * 60) * 86400e3 - Math.floor(r() * 86400e3)).toISOString();
    const group = i <= 12 ? groupId : null;
    const dup = i > 20 && r() < 0.15 ? ids[Math.floor(r() * (i - 1))] : null;
    stmts.push(
      `UPDATE submissions SET channel=${q(pick(r, CHANNELS))}, labels_json=${q(labels)}, state=${q(state)}, reason=${reason ? q(reason) : 'NULL'}, created_at=${q(created)}, group_id=${group ?? 'NULL'}, dup_of=${dup ?? 'NULL'}, idea_id=NULL WHERE id=${id};`,
    );
  });
  stmts.push('COMMIT;');
  sql(srv.db, stmts.join('\n'));
  // then life goes on: reviewers decide, labels change, a group grows
  sql(
    srv.db,
    `UPDATE submissions SET state='accepted', decided_by=${adminId}, decided_at=strftime('%Y-%m-%dT%H:%M:%fZ') WHERE id IN (SELECT id FROM submissions WHERE campaign_id=${campaignId} AND state='queued' ORDER BY id LIMIT 15);
     UPDATE submissions SET state='rejected', reason='off-topic', decided_by=${adminId}, decided_at=strftime('%Y-%m-%dT%H:%M:%fZ') WHERE id IN (SELECT id FROM submissions WHERE campaign_id=${campaignId} AND state='queued' ORDER BY id DESC LIMIT 7);
     UPDATE submissions SET labels_json=json_set(labels_json, '$.kind', 'gagasan') WHERE id IN (SELECT id FROM submissions WHERE campaign_id=${campaignId} AND json_valid(labels_json) ORDER BY id LIMIT 9);
     UPDATE submissions SET group_id=${groupId} WHERE id IN (${ids[Math.min(100, n - 1)]}, ${ids[Math.min(101, n - 1)]});`,
  );
  return { campaignId, adminId, ids };
}
