// A fake of every platform API gagas calls (Graph for Facebook, Instagram,
// Messenger and WhatsApp; X v2; Telegram Bot API; YouTube Data v3;
// Mastodon; TikTok Business), served on 127.0.0.1 only. It answers with
// the recorded *.response.* fixtures of ../shared/fixtures/channels (status
// line, headers and body byte for byte, Content-Length recomputed), records
// every request it gets, and can be scripted per route to answer a 429,
// a 5xx, a truncated body, bad UTF-8 or any fixture instead.
//
// Paging is modelled the way the real APIs behave so overlaps are real:
// X with since_id >= newest gives an empty page and a next_token page gives
// the same posts again without a next_token; YouTube's pageToken page repeats
// the items without nextPageToken; Telegram's offset past the last update and
// Mastodon's min_id at the newest give empty answers.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { sharedDir } from '../lib/server.mjs';

export const FIX = path.join(sharedDir(), 'fixtures', 'channels');

/** The JSON body of a recorded request or response (NAME.json). */
function fixtureJson(name) {
  return JSON.parse(fs.readFileSync(path.join(FIX, `${name}.json`), 'utf8'));
}

/** A recorded response: {status, headers: [[name, value]], body: Buffer}. */
export function fixture(name) {
  const dir = path.dirname(path.join(FIX, name));
  const stem = path.basename(name);
  const head = fs.readFileSync(path.join(FIX, `${name}.headers`), 'utf8').split('\n').filter((l) => l.length);
  const bodyFile = fs.readdirSync(dir).find((f) => f.startsWith(stem + '.') && !f.endsWith('.headers'));
  const body = fs.readFileSync(path.join(dir, bodyFile));
  const m = /^HTTP\/1\.1 (\d{3})/.exec(head[0]);
  const headers = [];
  for (const l of head.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers.push([l.slice(0, i).trim(), l.slice(i + 1).trim()]);
  }
  return { status: m ? Number(m[1]) : 200, headers, body };
}

/** The JSON body of a recorded request our server should send. */
export function requestFixture(name) {
  const head = fs.readFileSync(path.join(FIX, `${name}.headers`), 'utf8').split('\n');
  const body = fs.readFileSync(path.join(FIX, `${name}.json`), 'utf8');
  const [method, target] = head[0].split(' ');
  return { method, path: target, head, json: JSON.parse(body) };
}

const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const json = (obj, status = 200, headers = []) => ({
  status,
  headers: [['Content-Type', 'application/json; charset=utf-8'], ...headers],
  body: Buffer.from(JSON.stringify(obj)),
});

export class FakePlatforms {
  static async start() {
    const f = new FakePlatforms();
    await new Promise((resolve) => f.server.listen(0, '127.0.0.1', resolve));
    f.port = f.server.address().port;
    return f;
  }

  constructor() {
    this.requests = [];
    this.scripts = new Map(); // route key -> [response spec, …] used first
    this.comments = new Map(); // Graph object id -> comments we posted under it
    this.posts = []; // X posts we created, newest first (GET /2/users/:id/tweets)
    this.ytReplies = new Map(); // YouTube parent comment id -> replies we posted
    this.ttReplies = new Map(); // TikTok comment id -> replies we posted
    this.youtubeChannel = 'UCq3Ck8TV4vHGb1a2B3c4D5e'; // the author of our YouTube replies
    this.rules = []; // X filtered-stream rules {id, value, tag}
    this.plans = new Map(); // streaming route -> [session, …], one per connection
    this.live = new Set(); // open streaming responses (ended on stop)
    this.seq = 0;
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
  }

  get base() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Script the next connections of a streaming route ('GET /2/tweets/search/stream',
   *  'GET /api/v1/streaming/hashtag', …): each session is a list of steps
   *  {write: text}, {wait: ms}, {cut: true} (drop the connection), {end: true}
   *  (close it cleanly), {silent: true} (say nothing, keep it open). A
   *  connection with no session left gets a heartbeat every 200 ms. */
  streamPlan(route, ...sessions) {
    const q = this.plans.get(route) || [];
    q.push(...sessions);
    this.plans.set(route, q);
  }

  async serveStream(rec, res) {
    const x = rec.route === 'GET /2/tweets/search/stream';
    const beat = x ? '\r\n' : ':thump\n';
    res.writeHead(200, x
      ? { 'Content-Type': 'application/json; charset=utf-8', 'x-rate-limit-limit': '50', 'x-rate-limit-remaining': '49' }
      : { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    res.flushHeaders();
    this.live.add(res);
    res.on('close', () => this.live.delete(res));
    const session = this.plans.get(rec.route)?.shift() ?? [{ heartbeat: 200 }];
    const write = (t) => new Promise((resolve) => (res.writableEnded || res.destroyed ? resolve() : res.write(t, () => resolve())));
    for (const step of session) {
      if (res.destroyed) return;
      if (step.write !== undefined) await write(step.write);
      if (step.wait) await sleepMs(step.wait);
      if (step.cut) {
        res.socket?.destroy();
        return;
      }
      if (step.end) {
        res.end();
        return;
      }
      if (step.silent) return; // open, quiet: the client must notice
      if (step.heartbeat) {
        while (!res.destroyed && !res.writableEnded && this.live.has(res)) {
          await write(beat);
          await sleepMs(step.heartbeat);
        }
        return;
      }
    }
  }

  stop() {
    for (const r of this.live) r.socket?.destroy();
    this.live.clear();
    return new Promise((resolve) => {
      this.server.closeAllConnections?.();
      this.server.close(() => resolve());
    });
  }

  /** Answer the next calls of route ('POST /2/tweets', 'GET /youtube/v3/commentThreads'
   *  — Telegram as 'POST /sendMessage', the bot token stripped) with these specs:
   *  {fixture}, {status, json}, {truncate: fixtureName}, {badUtf8: true},
   *  {hangup: true} (the request is taken, the connection dropped without an
   *  answer); drop: true with any of them = the post is lost, not kept;
   *  when: (request) => bool aims a spec at the requests it accepts. */
  script(route, ...specs) {
    const q = this.scripts.get(route) || [];
    q.push(...specs);
    this.scripts.set(route, q);
  }

  /** Requests seen on a route key, in order. */
  seen(route) {
    return this.requests.filter((r) => r.route === route);
  }

  handle(req, res) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url, 'http://x');
      let p = url.pathname;
      let token = null;
      const tg = /^\/bot([^/]+)(\/.*)$/.exec(p);
      if (tg) {
        token = tg[1];
        p = tg[2];
      }
      const route = `${req.method} ${p}`;
      let body;
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch {
        body = undefined;
      }
      const rec = { route, method: req.method, path: p, query: url.searchParams, headers: req.headers, raw, body, token, at: Date.now() };
      this.requests.push(rec);
      // the first queued spec for this route whose `when` (if any) accepts
      // this request: a spec aimed at one send is never used up by another
      const queued = this.scripts.get(route) || [];
      const at = queued.findIndex((x) => !x.when || x.when(rec));
      const spec = at >= 0 ? queued.splice(at, 1)[0] : null;
      // Graph comment replies are kept, so GET /{parent}/comments lists them
      // (the sender looks there after an unreadable answer); a spec with
      // drop: true answers without keeping the comment (it was lost)
      const gm = /^\/v[\d.]+\/([^/]+)\/(comments|replies)$/.exec(p);
      if (req.method === 'POST' && gm && !spec?.drop) {
        const list = this.comments.get(gm[1]) || [];
        list.push({ id: `${gm[1]}_c${++this.seq}`, message: body?.message, text: body?.message, from: { id: 'us' } });
        this.comments.set(gm[1], list);
      }
      if (req.method === 'GET' && gm) {
        this.reply(res, json({ data: this.comments.get(gm[1]) || [] }));
        return;
      }
      // what we post on X, YouTube and TikTok is kept the same way, so the
      // sender's look at our own timeline / the parent's replies finds it
      if (!spec && req.method === 'GET' && (route === 'GET /2/tweets/search/stream' || p.startsWith('/api/v1/streaming/'))) {
        this.serveStream(rec, res);
        return;
      }
      if (!spec?.drop) this.keep(rec);
      if (spec?.hangup) {
        // the request arrived and was acted on, but no answer goes back
        res.socket?.destroy();
        return;
      }
      this.reply(res, spec ? this.fromSpec(spec) : this.route(rec));
    });
  }

  /** How many times a post's counts were read (they grow with each read). */
  bump(key) {
    this.reads ??= new Map();
    const n = (this.reads.get(key) || 0) + 1;
    this.reads.set(key, n);
    return n;
  }

  keep(rec) {
    const { method, path: p, body } = rec;
    if (method === 'POST' && p === '/2/tweets' && body?.text) {
      const id = `19920000000${String(++this.seq).padStart(8, '0')}`;
      const post = { id, text: body.text.replace(/https?:\/\/\S+/g, 'https://t.co/Ab12Cd34Ef'), edit_history_tweet_ids: [id] };
      if (body.reply?.in_reply_to_tweet_id) post.referenced_tweets = [{ type: 'replied_to', id: body.reply.in_reply_to_tweet_id }];
      this.posts.unshift(post);
    }
    if (method === 'POST' && p === '/youtube/v3/comments' && body?.snippet?.parentId) {
      const parent = body.snippet.parentId;
      const list = this.ytReplies.get(parent) || [];
      list.push({ kind: 'youtube#comment', id: `${parent}.AQ${++this.seq}`, snippet: { parentId: parent, textOriginal: body.snippet.textOriginal, textDisplay: body.snippet.textOriginal, authorChannelId: { value: this.youtubeChannel } } });
      this.ytReplies.set(parent, list);
    }
    if (method === 'POST' && p === '/open_api/v1.3/business/comment/reply/create/' && body?.comment_id) {
      const list = this.ttReplies.get(String(body.comment_id)) || [];
      list.push({ comment_id: `75719999${String(++this.seq).padStart(11, '0')}`, video_id: body.video_id, parent_comment_id: body.comment_id, text: body.text, owner: true, status: 'PUBLIC' });
      this.ttReplies.set(String(body.comment_id), list);
    }
  }

  fromSpec(spec) {
    if (spec.fixture) return fixture(spec.fixture);
    if (spec.truncate) {
      const f = fixture(spec.truncate);
      // announce the full length, send half, then cut the connection
      return { ...f, cut: Math.floor(f.body.length / 2) };
    }
    if (spec.badUtf8) {
      return { status: 200, headers: [['Content-Type', 'application/json']], body: Buffer.concat([Buffer.from('{"data":[{"id":"1","text":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}]}')]) };
    }
    return json(spec.json ?? {}, spec.status ?? 200, spec.headers ?? []);
  }

  reply(res, r) {
    const headers = {};
    for (const [k, v] of r.headers) if (k.toLowerCase() !== 'content-length') headers[k] = v;
    headers['Content-Length'] = String(r.body.length);
    res.writeHead(r.status, headers);
    if (r.cut !== undefined) {
      // half the announced body, then the connection ends once those bytes
      // are flushed (not on a timer: under load a timer may cut before the
      // bytes leave, and the client would see no answer at all)
      const sock = res.socket;
      res.write(r.body.subarray(0, r.cut), () => sock?.end());
      return;
    }
    res.end(r.body);
  }

  /** Default answers: the recorded fixtures, with the paging rules above. */
  route(rec) {
    const { method, path: p, query, body } = rec;
    const id = () => `${Date.now()}${++this.seq}`;
    // ---- X
    if (method === 'GET' && p === '/2/tweets/search/recent') {
      if (query.get('since_id') && query.get('since_id') >= '1991827364501928371') return json({ meta: { result_count: 0 } });
      const f = fixture('x/recent-search.response');
      if (query.get('next_token')) {
        const d = JSON.parse(f.body);
        delete d.meta.next_token; // the last page: the same posts again (an overlap)
        return { ...f, body: Buffer.from(JSON.stringify(d)) };
      }
      return f;
    }
    if (method === 'GET' && /^\/2\/users\/\d+\/mentions$/.test(p)) {
      if (query.get('since_id') && query.get('since_id') >= '1991827364501928371') return json({ meta: { result_count: 0 } });
      return fixture('x/mentions-timeline.response');
    }
    if (method === 'POST' && p === '/2/tweets') return fixture(body?.poll ? 'x/create-poll.response' : 'x/create-reply.response');
    if (p === '/2/tweets/search/stream/rules') {
      if (method === 'GET') return json(this.rules.length ? { data: this.rules, meta: { result_count: this.rules.length } } : { meta: { result_count: 0 } });
      if (method === 'POST' && body?.add) {
        const added = body.add.map((r) => ({ value: r.value, tag: r.tag, id: `19917000000000${String(++this.seq).padStart(5, '0')}` }));
        this.rules.push(...added);
        return json({ data: added, meta: { summary: { created: added.length, not_created: 0, valid: added.length, invalid: 0 } } }, 201);
      }
      if (method === 'POST' && body?.delete?.ids) {
        const before = this.rules.length;
        this.rules = this.rules.filter((r) => !body.delete.ids.includes(r.id));
        return json({ meta: { summary: { deleted: before - this.rules.length, not_deleted: 0 } } });
      }
      return json({ errors: [{ message: 'fake: bad rules request' }] }, 400);
    }
    // reach and engagement of our posts: counts that grow with every read
    let mm;
    if (method === 'GET' && (mm = /^\/2\/tweets\/(\d+)$/.exec(p))) {
      const n = this.bump(`x:${mm[1]}`);
      const tweet = { id: mm[1], text: 'fake', public_metrics: { retweet_count: n, reply_count: 2 * n, like_count: 10 * n, quote_count: 0, bookmark_count: 1, impression_count: 100 * n } };
      // our poll (x/create-poll.response): with expansions=attachments.poll_ids and
      // poll.fields=options, X adds includes.polls[{id, options[{position, label, votes}]}]
      const xPoll = fixtureJson('x/create-poll.response').data.id;
      if (mm[1] === xPoll && query.get('expansions') === 'attachments.poll_ids') {
        const labels = fixtureJson('x/create-poll.request').poll.options;
        tweet.attachments = { poll_ids: ['1991830000000000100'] };
        return json({ data: tweet, includes: { polls: [{ id: '1991830000000000100', options: labels.map((label, k) => ({ position: k + 1, label, votes: (k + 1) * n })).reverse() }] } });
      }
      return json({ data: tweet });
    }
    if (method === 'GET' && (mm = /^\/v[\d.]+\/([^/]+)\/insights$/.exec(p))) {
      const n = this.bump(`graph:${mm[1]}`);
      const value = (name) => (name === 'post_reactions_by_type_total' ? { like: 3 * n, love: n } : name.length * n);
      const data = (query.get('metric') || '').split(',').filter(Boolean).map((name) => ({ name, period: 'lifetime', values: [{ value: value(name) }], id: `${mm[1]}/insights/${name}/lifetime` }));
      return json({ data });
    }
    if (method === 'GET' && (mm = /^\/api\/v1\/statuses\/(\d+)$/.exec(p))) {
      const n = this.bump(`mastodon:${mm[1]}`);
      const status = { id: mm[1], uri: `https://kabar.example.id/statuses/${mm[1]}`, content: '<p>fake</p>', replies_count: n, reblogs_count: 2 * n, favourites_count: 5 * n };
      // our poll (mastodon/post-status-poll.response): the status carries its poll
      const mPoll = fixtureJson('mastodon/post-status-poll.response');
      if (mm[1] === mPoll.id) {
        const options = mPoll.poll.options.map((o, k) => ({ ...o, votes_count: (k + 2) * n }));
        status.poll = { ...mPoll.poll, options, votes_count: options.reduce((t, o) => t + o.votes_count, 0), voters_count: options.reduce((t, o) => t + o.votes_count, 0) };
      }
      return json(status);
    }
    if (method === 'GET' && /^\/2\/users\/\d+\/tweets$/.test(p)) {
      const data = this.posts.slice(0, Number(query.get('max_results') || 10));
      return data.length ? json({ data, meta: { result_count: data.length, newest_id: data[0].id, oldest_id: data[data.length - 1].id } }) : json({ meta: { result_count: 0 } });
    }
    // ---- Telegram
    if (method === 'POST' && p === '/getUpdates') {
      if ((body?.offset ?? 0) > 804512378) return json({ ok: true, result: [] });
      return fixture('telegram/getUpdates.response');
    }
    if (method === 'POST' && p === '/sendMessage') return fixture('telegram/sendMessage.response');
    if (method === 'POST' && p === '/sendPoll') return fixture('telegram/sendPoll-quiz.response');
    // ---- YouTube
    if (method === 'GET' && p === '/youtube/v3/commentThreads') {
      const f = fixture('youtube/commentThreads-list.response');
      if (query.get('pageToken')) {
        const d = JSON.parse(f.body);
        delete d.nextPageToken;
        return { ...f, body: Buffer.from(JSON.stringify(d)) };
      }
      return f;
    }
    if (method === 'GET' && p === '/youtube/v3/comments') {
      const mine = this.ytReplies.get(query.get('parentId'));
      if (mine) return json({ kind: 'youtube#commentListResponse', items: mine });
      return fixture('youtube/comments-list-replies.response');
    }
    if (method === 'POST' && p === '/youtube/v3/comments') return fixture('youtube/comments-insert.response');
    // ---- Mastodon
    if (method === 'GET' && p.startsWith('/api/v1/timelines/tag/')) {
      if (query.get('min_id') === '115612345678901234') return json([]);
      return fixture('mastodon/timeline-tag.response');
    }
    if (method === 'GET' && p === '/api/v1/notifications') {
      if (query.get('min_id') === '48213377') return json([]);
      return fixture('mastodon/notifications-mention.response');
    }
    if (method === 'POST' && p === '/api/v1/statuses') {
      if (body?.poll) return fixture('mastodon/post-status-poll.response');
      if (body?.in_reply_to_id) return fixture('mastodon/post-status-reply.response');
      return json({ id: id(), uri: 'https://kabar.example.id/statuses/x', visibility: 'public', content: '<p>ok</p>', replies_count: 0, reblogs_count: 0, favourites_count: 0 });
    }
    // ---- Graph (Facebook, Instagram, Messenger, WhatsApp)
    let m;
    if (method === 'POST' && (m = /^\/v[\d.]+\/([^/]+)\/(comments|replies|messages|feed|media|media_publish)$/.exec(p))) {
      const [, obj, edge] = m;
      if (edge === 'comments') return fixture('facebook/graph-comment-reply.response');
      if (edge === 'replies') return fixture('instagram/graph-comment-reply.response');
      if (edge === 'messages') {
        if (body?.messaging_product === 'whatsapp') return fixture('whatsapp/send-text.response');
        if (body?.recipient?.comment_id) return fixture('instagram/graph-private-reply.response');
        return fixture('messenger/send-api.response');
      }
      if (edge === 'feed') return json({ id: `${obj}_${id()}` });
      if (edge === 'media') return json({ id: `container${id()}` });
      return json({ id: `ig${id()}` });
    }
    // ---- TikTok Business
    if (method === 'GET' && p === '/open_api/v1.3/business/comment/list/') return fixture('tiktok/business-comment-list.response');
    if (method === 'POST' && p === '/open_api/v1.3/business/comment/reply/create/') return fixture('tiktok/business-comment-reply-create.response');
    if (method === 'GET' && p === '/open_api/v1.3/business/comment/reply/list/') {
      const comments = this.ttReplies.get(query.get('comment_id')) || [];
      return json({ code: 0, message: 'OK', request_id: `fake${++this.seq}`, data: { comments, cursor: comments.length, has_more: false } });
    }
    return json({ error: { message: `fake: no route ${method} ${p}` } }, 404);
  }
}
