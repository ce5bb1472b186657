// bench/review.mjs — server time of review actions (issue 4), run by
// bench/review.sh. Seeds N queued items, then R reviewers work the queue the
// way the console does (claim the next item, act on it: accept, merge,
// reject, escalate, relabel, undo in turn) over keep-alive connections on
// 127.0.0.1, then bulk-accepts near-duplicate clusters, and reports the time
// of each request: every action kind (target: p95 under 50 ms), the
// next-item claim, and as a baseline measured in the same run a GET /healthz
// round trip.
import http from 'node:http';

const [base, n = '600', reviewers = '2', password = ''] = process.argv.slice(2);
const N = Number(n);
const R = Number(reviewers);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function req(method, path, { body, cookie, csrf } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers = {};
    if (data) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = data.length;
    }
    if (cookie) headers.cookie = cookie;
    if (csrf) headers['x-csrf-token'] = csrf;
    const t0 = process.hrtime.bigint();
    const r = http.request(`${base}${path}`, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const text = Buffer.concat(chunks).toString();
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, json, ms, headers: res.headers });
      });
    });
    r.on('error', reject);
    if (data) r.write(data);
    r.end();
  });
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

const tag = `bench${Date.now().toString(36)}`;
// seed, a few at a time
for (let k = 0; k < N; k += 32) {
  await Promise.all(
    Array.from({ length: Math.min(32, N - k) }, (_, j) =>
      req('POST', '/api/v1/campaigns/demo/submissions', { body: { text: `Usulan bench ${k + j} perbaiki fasilitas umum nomor ${k + j} ${tag}`, author: `b${k + j}` } }),
    ),
  );
}

const sessions = [];
for (let i = 0; i < R; i++) {
  // one staff user per reviewer: claims are per person
  const r = await req('POST', '/api/v1/session', { body: { email: `bench${i + 1}@gagas.test`, password } });
  if (r.status !== 200) throw new Error(`sign-in: ${r.status}`);
  const cookie = r.headers['set-cookie'].map((c) => c.split(';')[0]).join('; ');
  sessions.push({ cookie, csrf: r.json.csrf });
}

const health = [];
for (let k = 0; k < 200; k++) health.push((await req('GET', '/healthz')).ms);

// every action the console sends, in turn: accept (creates an idea), merge
// into it, reject, escalate, relabel then accept, accept then undo (the
// item comes back and is worked again)
const plan = ['accept', 'merge', 'reject', 'escalate', 'relabel', 'undo'];
const byAction = Object.fromEntries(['accept', 'merge', 'reject', 'escalate', 'relabel', 'undo', 'bulk'].map((a) => [a, []]));
// the server's own histogram of answer times (all routes), read around the
// reviewers' work: what the server spent, without the client's scheduling
async function histogram() {
  const r = await new Promise((resolve, reject) => {
    http.get(`${base}/metrics`, { agent }, (res) => {
      let t = '';
      res.on('data', (c) => (t += c));
      res.on('end', () => resolve({ status: res.statusCode, text: t }));
    }).on('error', reject);
  });
  const h = {};
  for (const m of r.text.matchAll(/^gagas_http_request_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)) h[m[1]] = Number(m[2]);
  return h;
}
const actions = [];
const nexts = [];
let conflicts = 0;
const conflictWhy = {};
let bulkApplied = 0;
const h0 = await histogram();
const t0 = Date.now();
const act = async (s, id, body) => {
  const a = await req('POST', `/api/v1/review/items/${id}/actions`, { ...s, body });
  if (a.status === 409) {
    conflicts++;
    conflictWhy[`${body.action}: ${a.json?.error?.message ?? a.json?.error ?? ''}`] = (conflictWhy[`${body.action}: ${a.json?.error?.message ?? a.json?.error ?? ''}`] || 0) + 1;
    return null;
  }
  if (a.status !== 200) throw new Error(`${body.action}: ${a.status} ${JSON.stringify(a.json)}`);
  byAction[body.action].push(a.ms);
  actions.push(a.ms);
  return a.json;
};
await Promise.all(
  sessions.map(async (s) => {
    let idea = 0;
    for (let k = 0; ; k++) {
      const nx = await req('GET', `/api/v1/review/next?campaign=demo&sort=priority&q=${tag}`, s);
      nexts.push(nx.ms);
      const it = nx.json?.item;
      if (!it) break;
      const step = plan[k % plan.length];
      if (step === 'accept' || (step === 'merge' && !idea)) {
        const r = await act(s, it.id, { action: 'accept' });
        idea = r?.idea?.id ?? idea;
      } else if (step === 'merge') {
        await act(s, it.id, { action: 'merge', idea_id: idea });
      } else if (step === 'reject') {
        await act(s, it.id, { action: 'reject', reason: 'spam' });
      } else if (step === 'escalate') {
        await act(s, it.id, { action: 'escalate', note: 'bench' });
      } else if (step === 'relabel') {
        if (await act(s, it.id, { action: 'relabel', topics: ['infrastruktur'], kind: 'gagasan' })) await act(s, it.id, { action: 'accept' });
      } else if (await act(s, it.id, { action: 'reject', reason: 'off-topic' })) {
        await act(s, it.id, { action: 'undo' }); // back in the queue: worked again later
      }
    }
  }),
);
const wall = (Date.now() - t0) / 1000;
const h1 = await histogram();

// bulk: near-duplicate clusters of 5 copies by 5 authors, each accepted as one idea
const clusters = Number(process.env.BENCH_REVIEW_CLUSTERS || 30);
const vocab = ('jalan jembatan sekolah puskesmas pasar sawah irigasi lampu sampah banjir air bersih listrik guru bidan '
  + 'angkutan terminal taman beasiswa pupuk nelayan harga beras minyak gas lapangan kerja pelatihan modal usaha '
  + 'desa kampung kecamatan kota anak lansia ibu petani pedagang buruh mohon tolong usul bangun perbaiki tambah').split(' ');
for (let c = 0; c < clusters; c++) {
  // words drawn per cluster, so no cluster is a near-copy of another
  let x = (c + 1) * 2654435761;
  const words = Array.from({ length: 14 }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return vocab[(x >>> 16) % vocab.length];
  });
  const text = `${words.join(' ')} ${tag}`;
  let root = 0;
  for (let j = 0; j < 5; j++) {
    const r = await req('POST', '/api/v1/campaigns/demo/submissions', { body: { text, author: `k${c}-${j}` } });
    if (!root) root = r.json?.id;
  }
  const b = await req('POST', '/api/v1/review/bulk', { ...sessions[0], body: { action: 'accept', cluster: root } });
  if (b.status !== 200) throw new Error(`bulk: ${b.status} ${JSON.stringify(b.json)}`);
  byAction.bulk.push(b.ms);
  bulkApplied += b.json.applied.length;
}

const f = (x) => x.toFixed(2);
console.log(`review_items: ${actions.length} actions by ${R} reviewers in ${f(wall)} s (${conflicts} conflicts: ${JSON.stringify(conflictWhy)}); bulk: ${bulkApplied} items in ${byAction.bulk.length} requests`);
console.log(`healthz_p50_ms: ${f(pct(health, 50))}`);
console.log(`review_action_p50_ms: ${f(pct(actions, 50))} (ratio ${f(pct(actions, 50) / pct(health, 50))} vs baseline healthz ${f(pct(health, 50))} ms)`);
console.log(`review_action_p95_ms: ${f(pct(actions, 95))} (ratio ${f(pct(actions, 95) / 50)} vs target 50 ms)`);
console.log(`review_action_p99_ms: ${f(pct(actions, 99))}`);
for (const [a, xs] of Object.entries(byAction)) {
  console.log(`review_${a}_ms: n ${xs.length}, p50 ${f(pct(xs, 50))}, p95 ${f(pct(xs, 95))}, max ${f(Math.max(...xs))} (ratio p95 ${f(pct(xs, 95) / 50)} vs target 50 ms)${a === 'bulk' ? ' — a cluster of 5 per request' : ''}`);
}
{
  const n = (le) => (h1[le] ?? 0) - (h0[le] ?? 0);
  const all = n('+Inf');
  const pc = (le) => ((100 * n(le)) / all).toFixed(2);
  console.log(`review_server_side: ${all} requests (next + actions) answered by the server within 10 ms: ${pc('0.01')} %, 25 ms: ${pc('0.025')} %, 50 ms: ${pc('0.05')} % (its /metrics histogram)`);
}
console.log(`review_next_p95_ms: ${f(pct(nexts, 95))} (ratio ${f(pct(nexts, 95) / 50)} vs target 50 ms)`);
const perReviewerHour = ((actions.length / wall) * 3600) / R;
console.log(`review_items_per_reviewer_hour_server_bound: ${Math.round(perReviewerHour)} (ratio ${f(perReviewerHour / 500)} vs target 500)`);
agent.destroy();
