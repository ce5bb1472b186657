// Shared helpers for the end-to-end and browser tests: start the real gagas
// binary on 127.0.0.1 with a temporary SQLite database, create staff users,
// and talk HTTP to it with node:http (raw bytes, cookies, no redirects
// followed), so a test sees exactly what the server sent.
//
// Invariants: every server listens on 127.0.0.1 only; every temporary
// directory is removed on stop() unless GAGAS_KEEP=1; the server's stdout and
// stderr go to tests/out/<name>-<pid>.log so a failing run can be read later.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT_DIR = path.join(REPO_ROOT, 'tests', 'out');
export const HOST = '127.0.0.1';

/** The binary under test: $GAGAS_BIN, else build/gagas in the repo. */
export function gagasBin() {
  const bin = process.env.GAGAS_BIN || path.join('build', 'gagas');
  return path.resolve(REPO_ROOT, bin);
}

/** The shared folder (fixtures, design): $GAGAS_SHARED, else ../shared. */
export function sharedDir() {
  return path.resolve(REPO_ROOT, process.env.GAGAS_SHARED || path.join('..', 'shared'));
}

/** Staff accounts every server gets; passwords are long enough for any policy. */
export const USERS = {
  admin: { email: 'admin@gagas.test', password: 'admin-password-123', role: 'admin' },
  reviewer: { email: 'penelaah@gagas.test', password: 'reviewer-password-123', role: 'reviewer' },
  analyst: { email: 'analis@gagas.test', password: 'analyst-password-123', role: 'analyst' },
  // Used only by the login-throttle test, so locking it out blocks nobody else.
  throttled: { email: 'throttle@gagas.test', password: 'throttle-password-123', role: 'reviewer' },
};

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `gagas ARGS...` to completion. Resolves {code, stdout, stderr};
 * rejects when it exits non-zero (unless opts.check === false) or runs past
 * opts.timeoutMs.
 */
export function runCli(args, { input, timeoutMs = 60000, check = true, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(gagasBin(), args, {
      cwd: REPO_ROOT,
      env: { ...process.env, GAGAS_SHARED: sharedDir(), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gagas ${args.join(' ')}: no exit after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`gagas ${args.join(' ')}: cannot start ${gagasBin()}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const res = { code, signal, stdout, stderr };
      if (check && code !== 0) {
        reject(new Error(`gagas ${args.join(' ')} exited ${code ?? signal}\nstdout: ${stdout}\nstderr: ${stderr}`));
      } else {
        resolve(res);
      }
    });
    child.stdin.on('error', () => {}); // the CLI may not read stdin at all
    child.stdin.end(input ?? '');
  });
}

/** A tiny cookie jar: name -> value, fed from Set-Cookie headers. */
export class CookieJar {
  constructor() {
    this.cookies = new Map();
  }
  update(setCookies) {
    for (const line of setCookies || []) {
      const first = line.split(';')[0];
      const eq = first.indexOf('=');
      if (eq <= 0) continue;
      const name = first.slice(0, eq).trim();
      const value = first.slice(eq + 1).trim();
      // Max-Age=0 or an empty value deletes the cookie.
      if (value === '' || /;\s*max-age=0\b/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  get(name) {
    return this.cookies.get(name);
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  clone() {
    const j = new CookieJar();
    j.cookies = new Map(this.cookies);
    return j;
  }
}

/**
 * One HTTP request over node:http; never follows redirects.
 * opts: json (serialised as the body), body (string|Buffer), form (object,
 * url-encoded), headers, jar (CookieJar, read and updated), timeoutMs, agent.
 * Resolves {status, headers, text, json, setCookies}; json is undefined when
 * the body is not JSON. If the server answers before it read the whole body
 * (e.g. 413) the answer is still returned.
 */
export function request(base, method, urlPath, opts = {}) {
  const url = new URL(urlPath, base);
  const headers = { ...(opts.headers || {}) };
  let body = null;
  if (opts.json !== undefined) {
    body = Buffer.from(JSON.stringify(opts.json));
    headers['content-type'] ??= 'application/json';
  } else if (opts.form !== undefined) {
    body = Buffer.from(new URLSearchParams(opts.form).toString());
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (opts.body !== undefined) {
    body = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
  }
  if (body) headers['content-length'] = String(body.length);
  if (opts.jar && opts.jar.cookies.size) headers.cookie = opts.jar.header();
  const timeoutMs = opts.timeoutMs ?? 15000;

  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: url.pathname + url.search,
        headers,
        agent: opts.agent ?? false,
      },
      (res) => {
        answered = true;
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          const raw = Buffer.concat(chunks);
          const text = raw.toString('utf8');
          let json;
          if (text.length && /json/i.test(res.headers['content-type'] || '')) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          const setCookies = res.headers['set-cookie'] || [];
          if (opts.jar) opts.jar.update(setCookies);
          resolve({ status: res.statusCode, headers: res.headers, text, raw, json, setCookies });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`${method} ${urlPath}: no answer after ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (e) => {
      // A server that answers early and closes makes our write fail (EPIPE);
      // that is fine once the response is in.
      if (answered && (e.code === 'EPIPE' || e.code === 'ECONNRESET')) return;
      clearTimeout(timer);
      reject(e);
    });
    if (body) req.write(body);
    req.end();
  });
}

/**
 * Sends one request over a bare TCP socket with "Expect: 100-continue", the
 * way curl uploads big bodies: the body goes only after "100 Continue" (or
 * after 1 s of silence), in 64 KiB pieces, and sending stops as soon as a
 * final answer comes. A server that refuses a huge body from its headers
 * can then answer before any of it is sent; without the Expect, its close
 * over our unread upload resets the connection and the answer can be lost.
 * Resolves {status, head, text} (status 0 when no answer came).
 */
export function rawUpload(base, method, urlPath, headers, body, { timeoutMs = 15000 } = {}) {
  const url = new URL(urlPath, base);
  const lines = [`${method} ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`, 'connection: close'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  lines.push(`content-length: ${body.length}`, 'expect: 100-continue');
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n');
  return new Promise((resolve) => {
    const sock = net.connect(Number(url.port), url.hostname);
    let got = [];
    let off = 0;
    let started = false;
    let waitTimer = null;
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(waitTimer);
      const raw = Buffer.concat(got).toString('latin1');
      const m = raw.match(/^HTTP\/1\.[01] (\d{3})/);
      const end = raw.indexOf('\r\n\r\n');
      resolve({ status: m ? Number(m[1]) : 0, head: end >= 0 ? raw.slice(0, end) : raw, text: end >= 0 ? raw.slice(end + 4) : '' });
    };
    const timer = setTimeout(() => sock.destroy(), timeoutMs);
    const pump = () => {
      while (off < body.length && got.length === 0) {
        const piece = body.subarray(off, off + 65536);
        off += piece.length;
        if (!sock.write(piece)) return sock.once('drain', pump);
      }
      return undefined;
    };
    const start = () => {
      if (started) return;
      started = true;
      pump();
    };
    sock.on('connect', () => {
      sock.write(head);
      waitTimer = setTimeout(start, 1000);
    });
    sock.on('data', (d) => {
      got.push(d);
      const raw = Buffer.concat(got).toString('latin1');
      const m = raw.match(/^HTTP\/1\.[01] 100[^\r]*\r\n\r\n/);
      if (m) {
        // interim answer: drop it and send the body
        got = [Buffer.from(raw.slice(m[0].length), 'latin1')].filter((b) => b.length);
        clearTimeout(waitTimer);
        start();
      }
    });
    sock.on('error', () => {});
    sock.on('close', finish);
  });
}

/** Short printable form of a response, for assertion messages. */
export function show(res) {
  const t = res.text.length > 600 ? res.text.slice(0, 600) + '…' : res.text;
  return `HTTP ${res.status} ${res.headers['content-type'] || ''} body: ${t}`;
}

/** Asserts the JSON error shape {"error":{"code","message"}} and the status. */
export function assertError(res, status, what = '') {
  assert.equal(res.status, status, `${what}: expected ${status}, got ${show(res)}`);
  assert.match(res.headers['content-type'] || '', /application\/json/, `${what}: error is not JSON: ${show(res)}`);
  assert.ok(res.json && typeof res.json.error === 'object' && res.json.error !== null, `${what}: no "error" object: ${show(res)}`);
  assert.equal(typeof res.json.error.code, 'string', `${what}: error.code is not a string: ${show(res)}`);
  assert.ok(res.json.error.code.length > 0, `${what}: empty error.code`);
  assert.equal(typeof res.json.error.message, 'string', `${what}: error.message is not a string: ${show(res)}`);
}

let logSeq = 0;

/** A running gagas serve with its own temp dir and database. */
export class Server {
  /**
   * opts: name (log file prefix), rateSubmit (number, or null to leave the
   * server's default rate limit on), users (list of USERS entries to create),
   * seed (run `gagas demo` first; default true), extraArgs.
   */
  static async start(opts = {}) {
    const s = new Server(opts);
    await s.init();
    await s.launch();
    return s;
  }

  constructor({ name = 'server', rateSubmit = 0, users = Object.values(USERS), seed = true, extraArgs = [] } = {}) {
    this.name = name;
    this.rateSubmit = rateSubmit;
    this.users = users;
    this.seed = seed;
    this.extraArgs = extraArgs;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `gagas-${name}-`));
    this.db = path.join(this.dir, 'gagas.db');
    fs.mkdirSync(OUT_DIR, { recursive: true });
    this.logPath = path.join(OUT_DIR, `${name}-${process.pid}-${++logSeq}.log`);
    this.log = fs.openSync(this.logPath, 'a');
    this.proc = null;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  async init() {
    if (this.seed) {
      const r = await runCli(['demo', '--db', this.db], { timeoutMs: 120000 });
      fs.writeSync(this.log, `# gagas demo\n${r.stdout}${r.stderr}`);
    }
    for (const u of this.users) {
      const r = await runCli(['user', 'add', '--db', this.db, '--email', u.email, '--role', u.role], {
        input: `${u.password}\n`,
      });
      fs.writeSync(this.log, `# gagas user add ${u.email}\n${r.stdout}${r.stderr}`);
    }
  }

  get base() {
    return `http://${HOST}:${this.port}`;
  }

  /** Starts `gagas serve` on a fresh port and waits for /healthz = 200. */
  async launch() {
    this.port = await freePort();
    const args = ['serve', '--listen', `${HOST}:${this.port}`, '--db', this.db];
    if (this.rateSubmit !== null && this.rateSubmit !== undefined) args.push('--rate-submit', String(this.rateSubmit));
    args.push(...this.extraArgs);
    fs.writeSync(this.log, `# gagas ${args.join(' ')}\n`);
    const proc = spawn(gagasBin(), args, {
      cwd: REPO_ROOT,
      env: { ...process.env, GAGAS_SHARED: sharedDir() },
      stdio: ['ignore', this.log, this.log],
    });
    this.proc = proc;
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
    proc.on('error', () => {});
    let gone = null;
    this.exited.then((x) => (gone = x));

    const deadline = Date.now() + 20000;
    for (;;) {
      if (gone) throw new Error(`gagas serve exited (${gone.code ?? gone.signal}) before /healthz answered; log:\n${this.logTail()}`);
      try {
        const r = await request(this.base, 'GET', '/healthz', { timeoutMs: 2000 });
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`gagas serve: /healthz not 200 within 20 s; log:\n${this.logTail()}`);
      await sleep(50);
    }
  }

  logTail(n = 4000) {
    try {
      const t = fs.readFileSync(this.logPath, 'utf8');
      return t.slice(-n);
    } catch {
      return '';
    }
  }

  /**
   * Sanitizer and crash reports in the server's log so far (AddressSanitizer,
   * LeakSanitizer, UBSan "runtime error:"), for builds made with make asan.
   */
  sanitizerReports() {
    let t = '';
    try {
      t = fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return [];
    }
    return t
      .split('\n')
      .filter((l) => /ERROR: (Address|Leak|Thread|Memory)Sanitizer|SUMMARY: \w+Sanitizer|runtime error:/.test(l));
  }

  /**
   * Stops the server with SIGTERM and asserts a clean stop: no sanitizer
   * report in its log (checked first: a leak report also turns the exit
   * status into 1), then exit status 0.
   */
  async assertCleanStop() {
    const exit = (await this.shutdown()) ?? this.lastExit;
    const reports = this.sanitizerReports();
    if (reports.length) {
      // the frames in our own code say where to look
      const ours = this.logTail(1e7)
        .split('\n')
        .filter((l) => /#\d+ 0x[0-9a-f]+ in (gg_|main)/.test(l))
        .map((l) => l.trim().replace(/^#\d+ 0x[0-9a-f]+ in /, ''));
      assert.fail(
        `sanitizer reports in ${path.basename(this.logPath)}:\n  ${reports.join('\n  ')}\n` +
          `frames in gagas code:\n  ${[...new Set(ours)].slice(0, 15).join('\n  ') || '(none: all inside libraries)'}`,
      );
    }
    assert.deepEqual(exit, { code: 0, signal: null }, `SIGTERM did not stop the server cleanly; log:\n${this.logTail(2000)}`);
  }

  /** SIGKILL: no chance to flush anything (the crash test). */
  async kill9() {
    if (!this.proc) return;
    this.proc.kill('SIGKILL');
    await this.exited;
    this.agent.destroy();
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    this.proc = null;
  }

  /** SIGTERM, then SIGKILL after 5 s. Resolves the exit {code, signal}. */
  async shutdown() {
    if (!this.proc) return null;
    const proc = this.proc;
    this.proc = null;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    const res = await this.exited;
    clearTimeout(t);
    this.lastExit = res;
    this.agent.destroy();
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    return res;
  }

  /** Stops the server and removes its temp dir (kept if GAGAS_KEEP=1). */
  async stop() {
    await this.shutdown();
    this.agent.destroy();
    try {
      fs.closeSync(this.log);
    } catch {
      // already closed
    }
    if (process.env.GAGAS_KEEP !== '1') fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** request() against this server, over a keep-alive agent. */
  req(method, urlPath, opts = {}) {
    return request(this.base, method, urlPath, { agent: this.agent, ...opts });
  }

  get(urlPath, opts) {
    return this.req('GET', urlPath, opts);
  }

  post(urlPath, json, opts = {}) {
    return this.req('POST', urlPath, { json, ...opts });
  }

  /** Posts one submission to a campaign (default demo); returns the response. */
  submit(text, { campaign = 'demo', author, headers } = {}) {
    const body = { text, channel: 'web' };
    if (author !== undefined) body.author = author;
    return this.post(`/api/v1/campaigns/${campaign}/submissions`, body, { headers });
  }

  /** Submits and asserts 202 {id, state:"queued"}; returns the id. */
  async submitOk(text, opts) {
    const r = await this.submit(text, opts);
    assert.equal(r.status, 202, `submit: ${show(r)}`);
    assert.ok(Number.isInteger(r.json?.id), `submit: id is not an integer: ${show(r)}`);
    assert.equal(r.json.state, 'queued', `submit: ${show(r)}`);
    return r.json.id;
  }

  /**
   * Signs in through the API. Returns {jar, csrf, res}; asserts 200 unless
   * opts.expect says otherwise.
   */
  async login(user, { password } = {}) {
    const jar = new CookieJar();
    const res = await this.post('/api/v1/session', { email: user.email, password: password ?? user.password }, { jar });
    assert.equal(res.status, 200, `login ${user.email}: ${show(res)}`);
    assert.equal(typeof res.json?.csrf, 'string', `login: no csrf token: ${show(res)}`);
    assert.ok(jar.get('gg_session'), `login: no gg_session cookie: ${JSON.stringify(res.setCookies)}`);
    return { jar, csrf: res.json.csrf, res };
  }

  /** POSTs a review action as a signed-in session. */
  act(session, id, action) {
    return this.post(`/api/v1/review/items/${id}/actions`, action, {
      jar: session.jar,
      headers: { 'x-csrf-token': session.csrf },
    });
  }

  /** The whole review queue for a campaign (large limit). */
  async queue(session, { campaign = 'demo', sort = 'new' } = {}) {
    const r = await this.get(`/api/v1/review/queue?campaign=${campaign}&sort=${sort}&limit=100000`, { jar: session.jar });
    assert.equal(r.status, 200, `queue: ${show(r)}`);
    assert.ok(Array.isArray(r.json?.items), `queue: no items array: ${show(r)}`);
    return r.json;
  }
}

/** Escapes text the way any HTML writer must (for "page contains text" checks). */
export function htmlEscape(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** True when the HTML shows the text, whichever quote escaping it used. */
export function htmlContainsText(html, text) {
  const decoded = decodeEntities(html);
  return decoded.includes(text) || html.includes(htmlEscape(text)) || html.includes(text);
}

/** Decodes the common named and numeric HTML entities. */
export function decodeEntities(s) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) ? String.fromCodePoint(cp) : m;
    }
    return named[e.toLowerCase()] ?? m;
  });
}

/** A marker unique to this process and call, to find our own rows: ten
 *  letters from a hash of the process, the time and a counter. Two markers
 *  share no long run of characters, so two short test posts that differ only
 *  in their markers are not near-copies to the filter (short posts compare
 *  character 4-grams: markers that shared the pid and most of the time made
 *  "Balapan keputusan 0 <m>" and "... 1 <m'>" about 0.8 alike, and the later
 *  one was merged at random). No letter repeats the one before it, so the
 *  text layer's elongation rule leaves the marker as written. */
let markSeq = 0;
export function marker(prefix = 'm') {
  const h = crypto.createHash('sha256').update(`${process.pid}:${Date.now()}:${++markSeq}`).digest();
  let s = '';
  let prev = -1;
  for (let i = 0; s.length < 10; i++) {
    let c = h[i] % 26;
    if (c === prev) c = (c + 1) % 26;
    s += String.fromCharCode(97 + c);
    prev = c;
  }
  return `${prefix}${s}`;
}
