// bench/review.mjs — server time of review actions (issue 4), run by
// bench/review.sh. Seeds N queued items, then R reviewers work the queue the
// way the console does (claim the next item, act on it) over keep-alive
// connections on 127.0.0.1, and reports the time of each request: the
// action (target: p95 under 50 ms), the next-item claim, and as a baseline
// measured in the same run a GET /healthz round trip.
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

const actions = [];
const nexts = [];
let conflicts = 0;
const t0 = Date.now();
await Promise.all(
  sessions.map(async (s, i) => {
    for (let k = 0; ; k++) {
      const nx = await req('GET', `/api/v1/review/next?campaign=demo&sort=priority&q=${tag}`, s);
      nexts.push(nx.ms);
      const it = nx.json?.item;
      if (!it) break;
      const body = k % 3 === 0 ? { action: 'reject', reason: 'spam' } : { action: 'accept' };
      const a = await req('POST', `/api/v1/review/items/${it.id}/actions`, { ...s, body });
      if (a.status === 409) conflicts++;
      else if (a.status !== 200) throw new Error(`action: ${a.status} ${JSON.stringify(a.json)}`);
      else actions.push(a.ms);
    }
  }),
);
const wall = (Date.now() - t0) / 1000;
const f = (x) => x.toFixed(2);
console.log(`review_items: ${actions.length} by ${R} reviewers in ${f(wall)} s (${conflicts} conflicts)`);
console.log(`healthz_p50_ms: ${f(pct(health, 50))}`);
console.log(`review_action_p50_ms: ${f(pct(actions, 50))} (ratio ${f(pct(actions, 50) / pct(health, 50))} vs baseline healthz ${f(pct(health, 50))} ms)`);
console.log(`review_action_p95_ms: ${f(pct(actions, 95))} (ratio ${f(pct(actions, 95) / 50)} vs target 50 ms)`);
console.log(`review_action_p99_ms: ${f(pct(actions, 99))}`);
console.log(`review_next_p95_ms: ${f(pct(nexts, 95))} (ratio ${f(pct(nexts, 95) / 50)} vs target 50 ms)`);
const perReviewerHour = ((actions.length / wall) * 3600) / R;
console.log(`review_items_per_reviewer_hour_server_bound: ${Math.round(perReviewerHour)} (ratio ${f(perReviewerHour / 500)} vs target 500)`);
agent.destroy();
