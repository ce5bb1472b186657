// End-to-end: quizzes and the engagement console. The demo's quiz over the
// JSON API (no answers before an attempt, one graded attempt per
// participant, refusals 400/404/409/429), the no-JavaScript quiz form and
// its shareable result page (score in Open Graph tags, nothing personal),
// the staff quiz API and console forms (401/403/CSRF, audit rows), and a
// quiz published to Telegram as quiz polls whose answers come back through
// getUpdates from the fake platform and count into the statistics.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CookieJar, Server, USERS, assertError, runCli, show, sleep } from '../lib/server.mjs';
import { FakePlatforms, FIX } from '../fakes/platforms.mjs';

const sql = (db, q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, q], { encoding: 'utf8' }).trim();

async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const csrfOf = (html) => /name="csrf" value="([0-9a-f]+)"/.exec(html)?.[1];

const QUIZ = {
  title: 'Kuis air bersih',
  intro: 'Dua pertanyaan.',
  questions: [
    { question: 'Berapa liter air per orang per hari?', options: ['10', '60', '500'], correct: 1, explanation: 'Kira-kira 60 liter.' },
    { question: 'Siapa yang mengelola PDAM?', options: ['Pemerintah daerah', 'Swasta asing'], correct: 0, explanation: 'PDAM adalah BUMD.' },
  ],
};

describe('quizzes and the engagement console', () => {
  let srv;
  let admin;
  let reviewer;
  let demoQuiz;
  before(async () => {
    srv = await Server.start({ name: 'quiz' });
    admin = await srv.login(USERS.admin);
    reviewer = await srv.login(USERS.reviewer);
  });
  after(async () => {
    if (srv) await srv.stop();
  });
  const staff = (s) => ({ jar: s.jar, headers: { 'x-csrf-token': s.csrf } });

  test('the demo quiz is listed and served without its answers', async () => {
    const l = await srv.get('/api/v1/campaigns/demo/quizzes');
    assert.equal(l.status, 200, show(l));
    assert.equal(l.json.quizzes.length, 1);
    demoQuiz = l.json.quizzes[0];
    assert.equal(demoQuiz.questions, 3);
    const q = await srv.get(`/api/v1/quizzes/${demoQuiz.id}`);
    assert.equal(q.status, 200, show(q));
    assert.equal(q.json.questions.length, 3);
    for (const x of q.json.questions) {
      assert.ok(Array.isArray(x.options) && x.options.length >= 2);
      assert.equal(x.correct, undefined, 'the right answer leaks before an attempt');
      assert.equal(x.explanation, undefined, 'the explanation leaks before an attempt');
    }
    assertError(await srv.get('/api/v1/quizzes/999999'), 404, 'unknown quiz');
    assertError(await srv.get('/api/v1/quizzes/abc'), 404, 'bad id');
    assertError(await srv.get('/api/v1/campaigns/nope/quizzes'), 404, 'unknown campaign');
    const page = await srv.get('/c/demo');
    assert.match(page.text, new RegExp(`href="/q/${demoQuiz.id}"`), 'the campaign page does not show the quiz');
  });

  test('an attempt is graded once per participant; bad answers are 400', async () => {
    const jar = new CookieJar();
    const url = `/api/v1/quizzes/${demoQuiz.id}/attempts`;
    assertError(await srv.post(url, { answers: [0, 0] }, { jar }), 400, 'too few answers');
    assertError(await srv.post(url, { answers: [0, 0, 9] }, { jar }), 400, 'option out of range');
    assertError(await srv.post(url, { answers: [0, 'x', 0] }, { jar }), 400, 'not an index');
    assertError(await srv.post(url, { answers: 'abc' }, { jar }), 400, 'not a list');
    assertError(await srv.post(url, { answers: [0, 0, 0], extra: 1 }, { jar }), 400, 'unknown field');
    assertError(await srv.req('POST', url, { body: '{"answers":[', headers: { 'content-type': 'application/json' }, jar }), 400, 'broken JSON');
    assertError(await srv.post('/api/v1/quizzes/999999/attempts', { answers: [0] }, { jar }), 404, 'unknown quiz');
    const r = await srv.post(url, { answers: [2, 1, null] }, { jar });
    assert.equal(r.status, 201, show(r));
    assert.equal(r.json.score, 2);
    assert.equal(r.json.total, 3);
    assert.deepEqual(r.json.results.map((x) => x.right), [true, true, false]);
    assert.ok(r.json.results.every((x) => typeof x.explanation === 'string' && Number.isInteger(x.correct)));
    assert.match(r.json.url, new RegExp(`^/q/${demoQuiz.id}/r/[0-9a-f]{24}$`));
    assertError(await srv.post(url, { answers: [2, 1, 0] }, { jar }), 409, 'second attempt');
    // the shareable result: score and explanations, Open Graph, nothing personal
    const res = await srv.get(r.json.url);
    assert.equal(res.status, 200, show(res));
    assert.match(res.text, /<meta property="og:title" content="Skor 2\/3 · /);
    // no base_url configured: the links name the address this server was
    // reached at (a random port here, never the default :8080)
    assert.notEqual(srv.port, 8080);
    assert.equal(r.json.share_url, `http://127.0.0.1:${srv.port}${r.json.url}`);
    assert.ok(res.text.includes(`<meta property="og:url" content="http://127.0.0.1:${srv.port}${r.json.url}"`), 'og:url is not this server');
    assert.ok(res.text.includes(`class="share" readonly aria-label="Tautan hasil" value="http://127.0.0.1:${srv.port}${r.json.url}"`), 'the share box is not this server');
    const proxied = await srv.get(r.json.url, { headers: { host: 'gagasan.example.id:8443' } });
    assert.ok(proxied.text.includes(`content="http://gagasan.example.id:8443${r.json.url}"`), 'the Host header is not used');
    const hostile = await srv.get(r.json.url, { headers: { host: 'x"><script>alert(1)</script>' } });
    assert.doesNotMatch(hostile.text, /<script>alert/, 'a hostile Host reached the page');
    assert.match(res.text, /Pasal 31 ayat \(4\)/);
    assert.doesNotMatch(res.text, /Jawaban Anda/, 'a stranger sees the taker\'s answers');
    assert.doesNotMatch(res.text, new RegExp(jar.get('gg_p')), 'the participant cookie is on the page');
    const own = await srv.get(r.json.url, { jar });
    assert.match(own.text, /Jawaban Anda/, 'the taker does not see their answers');
    // page routes answer an HTML page with 404
    assert.equal((await srv.get(`/q/${demoQuiz.id}/r/000000000000000000000000`)).status, 404, 'unknown share');
    assert.equal((await srv.get(`/q/${demoQuiz.id + 1}/r/${r.json.url.split('/').pop()}`)).status, 404, 'share of another quiz');
    assert.equal((await srv.get('/q/999999')).status, 404, 'unknown quiz page');
  });

  test('UU PDP: the attempt is in the download and goes with the deletion', async () => {
    const stats = async () => {
      const st = await srv.get(`/api/v1/quizzes/${demoQuiz.id}/stats`, { jar: admin.jar });
      assert.equal(st.status, 200, show(st));
      return st.json;
    };
    const before = await stats();
    const jar = new CookieJar();
    const r = await srv.post(`/api/v1/quizzes/${demoQuiz.id}/attempts`, { answers: [2, 0, null] }, { jar });
    assert.equal(r.status, 201, show(r));
    const share = r.json.url.split('/').pop();
    const me = await srv.get('/api/v1/me', { jar });
    assert.equal(me.status, 200, show(me));
    assert.equal(me.json.quiz_attempts.length, 1, show(me));
    const at = me.json.quiz_attempts[0];
    assert.equal(at.quiz_id, demoQuiz.id);
    assert.equal(at.quiz, demoQuiz.title);
    assert.equal(at.score, r.json.score);
    assert.equal(at.total, 3);
    assert.equal(at.share, share);
    assert.deepEqual(at.answers.map((x) => x.option), [2, 0, -1]);
    assert.deepEqual(at.answers.map((x) => x.right), [1, 0, 0]);
    assert.equal((await srv.get('/api/v1/me', { jar: new CookieJar() })).json.quiz_attempts.length, 0, 'another cookie sees the attempt');
    const mid = await stats();
    assert.equal(mid.attempts, before.attempts + 1);
    // deleting: the attempt, its answers and its result page go; the
    // statistics no longer count it (nothing of it is kept)
    const del = await srv.req('DELETE', '/api/v1/me', { jar });
    assert.equal(del.status, 200, show(del));
    assert.deepEqual((await srv.get('/api/v1/me', { jar })).json.quiz_attempts, []);
    const after = await stats();
    assert.equal(after.attempts, before.attempts);
    assert.deepEqual(after.questions.map((q) => q.by_channel.web), before.questions.map((q) => q.by_channel.web));
    assert.equal((await srv.get(r.json.url)).status, 404, 'the result page outlives the deletion');
    const again = await srv.post(`/api/v1/quizzes/${demoQuiz.id}/attempts`, { answers: [2, 1, 0] }, { jar });
    assert.equal(again.status, 201, 'a deleted participant cannot take the quiz again');
  });

  test('the English switch: every quiz page speaks English, the questions stay as written', async () => {
    const jar = new CookieJar();
    const q = (await srv.get(`/api/v1/quizzes/${demoQuiz.id}`)).json;
    const en = await srv.get(`/q/${demoQuiz.id}?lang=en`, { jar });
    assert.equal(en.status, 200, show(en));
    assert.match(en.text, /<html lang="en">/);
    for (const s of ['>Quiz<', 'Submit answers', 'Back to the campaign', 'Bahasa Indonesia']) assert.ok(en.text.includes(s), `no "${s}"`);
    for (const s of ['Kirim jawaban', 'Kembali ke kampanye', '>Kuis<']) assert.ok(!en.text.includes(s), `Indonesian "${s}" on the English page`);
    assert.ok(en.text.includes(q.questions[0].question), 'the question is not shown as written');
    // the choice is a cookie: the next pages without ?lang stay English
    const camp = await srv.get('/c/demo', { jar });
    assert.match(camp.text, new RegExp(`<section class="quiz" id="quiz${demoQuiz.id}"><h2>Quiz</h2>`));
    const bad = await srv.get(`/q/${demoQuiz.id}?error=invalid`, { jar });
    assert.match(bad.text, /role="alert">The answers could not be read/);
    const csrf = csrfOf(en.text);
    const ok = await srv.req('POST', `/q/${demoQuiz.id}`, { form: { csrf, a0: '2', a1: '0', a2: '0' }, jar });
    assert.equal(ok.status, 303, show(ok));
    const res = await srv.get(ok.headers.location, { jar });
    for (const s of ['Quiz result', 'right answers', 'Right answer:', 'Your answer:', 'Share this result:', 'aria-label="Result link"', 'Take this quiz']) assert.ok(res.text.includes(s), `no "${s}" on the English result`);
    assert.match(res.text, /<meta property="og:title" content="Score 2\/3 · /);
    assert.ok(!/Jawaban benar|Bagikan hasil|Hasil kuis/.test(res.text), 'Indonesian on the English result');
    const back = await srv.get(`/q/${demoQuiz.id}?lang=id`, { jar });
    assert.match(back.text, /<html lang="id">/);
    assert.match(back.text, /sudah mengikuti kuis ini/);
  });

  test('the quiz form works without JavaScript and answers with the result page', async () => {
    const jar = new CookieJar();
    const page = await srv.get(`/q/${demoQuiz.id}`, { jar });
    assert.equal(page.status, 200, show(page));
    const csrf = csrfOf(page.text);
    assert.ok(csrf, 'no csrf field on the quiz form');
    assert.equal((page.text.match(/type="radio"/g) || []).length, 12);
    assertError(await srv.req('POST', `/q/${demoQuiz.id}`, { form: { a0: '2', a1: '1', a2: '0' }, jar }), 403, 'no csrf');
    const bad = await srv.req('POST', `/q/${demoQuiz.id}`, { form: { csrf, a0: 'x' }, jar });
    assert.equal(bad.status, 303);
    assert.match(bad.headers.location, /\?error=invalid$/);
    const ok = await srv.req('POST', `/q/${demoQuiz.id}`, { form: { csrf, a0: '2', a1: '1', a2: '0' }, jar });
    assert.equal(ok.status, 303, show(ok));
    assert.match(ok.headers.location, /^\/q\/\d+\/r\/[0-9a-f]{24}$/);
    const res = await srv.get(ok.headers.location, { jar });
    assert.match(res.text, /id="score">3\/3</);
    const again = await srv.req('POST', `/q/${demoQuiz.id}`, { form: { csrf, a0: '2', a1: '1', a2: '0' }, jar });
    assert.match(again.headers.location, /\?error=conflict$/);
    const back = await srv.get(`/q/${demoQuiz.id}`, { jar });
    assert.match(back.text, /sudah mengikuti kuis ini/);
  });

  test('staff quiz API: admin only, CSRF, precise 400s, drafts stay private, audited', async () => {
    const url = '/api/v1/campaigns/demo/quizzes';
    assertError(await srv.post(url, QUIZ), 401, 'anonymous');
    assertError(await srv.post(url, QUIZ, staff(reviewer)), 403, 'reviewer');
    assertError(await srv.post(url, QUIZ, { jar: admin.jar }), 403, 'no csrf');
    const bad = structuredClone(QUIZ);
    bad.questions[0].correct = 5;
    const b = await srv.post(url, bad, staff(admin));
    assertError(b, 400, 'correct out of range');
    assert.match(b.json.error.message, /correct of question 1/);
    assertError(await srv.post(url, { ...QUIZ, questions: [] }, staff(admin)), 400, 'no questions');
    const c = await srv.post(url, { ...QUIZ, status: 'draft' }, staff(admin));
    assert.equal(c.status, 201, show(c));
    const id = c.json.id;
    assertError(await srv.get(`/api/v1/quizzes/${id}`), 404, 'a draft is public');
    assertError(await srv.post(`/api/v1/quizzes/${id}/attempts`, { answers: [1, 0] }), 404, 'attempt at a draft');
    const e = await srv.req('PATCH', `/api/v1/quizzes/${id}`, { json: { ...QUIZ, status: 'open' }, ...staff(admin) });
    assert.equal(e.status, 200, show(e));
    assert.equal((await srv.get(`/api/v1/quizzes/${id}`)).status, 200);
    const a = await srv.post(`/api/v1/quizzes/${id}/attempts`, { answers: [1, 1] }, { jar: new CookieJar() });
    assert.equal(a.status, 201, show(a));
    const st = await srv.get(`/api/v1/quizzes/${id}/stats`, { jar: admin.jar });
    assert.equal(st.status, 200, show(st));
    assert.equal(st.json.attempts, 1);
    assert.deepEqual(st.json.questions.map((q) => q.by_channel.web), [
      { answers: 1, right: 1, share_right: 1 }, { answers: 1, right: 0, share_right: 0 }]);
    assertError(await srv.get(`/api/v1/quizzes/${id}/stats`), 401, 'stats anonymous');
    const closed = await srv.req('PATCH', `/api/v1/quizzes/${id}`, { json: { ...QUIZ, status: 'closed' }, ...staff(admin) });
    assert.equal(closed.status, 200, show(closed));
    assertError(await srv.post(`/api/v1/quizzes/${id}/attempts`, { answers: [1, 0] }, { jar: new CookieJar() }), 409, 'closed quiz');
    const audit = sql(srv.db, `SELECT group_concat(action) FROM audit WHERE object_type='quiz' AND object_id=${id}`);
    assert.equal(audit, 'quiz.create,quiz.edit,quiz.edit');
  });

  test('console forms: 401 without a session, 403 for the wrong role or without CSRF', async () => {
    const page = await srv.get('/console/engage', { jar: admin.jar });
    assert.equal(page.status, 200, show(page));
    const form = { csrf: admin.csrf, slug: 'air', title: 'Air bersih', question: 'Bagaimana air di tempat Anda?', topics: 'air, sanitasi', status: 'open' };
    assertError(await srv.req('POST', '/console/campaigns', { form }), 401, 'no session');
    assertError(await srv.req('POST', '/console/campaigns', { form: { ...form, csrf: reviewer.csrf }, jar: reviewer.jar }), 403, 'reviewer');
    assertError(await srv.req('POST', '/console/campaigns', { form: { ...form, csrf: 'x' }, jar: admin.jar }), 403, 'wrong csrf');
    const made = await srv.req('POST', '/console/campaigns', { form, jar: admin.jar });
    assert.equal(made.status, 303, show(made));
    const cid = /\/console\/campaigns\/(\d+)\?saved=1$/.exec(made.headers.location)?.[1];
    assert.ok(cid, made.headers.location);
    const dup = await srv.req('POST', '/console/campaigns', { form, jar: admin.jar });
    assert.match(dup.headers.location, /error=/, 'a taken slug is not refused');
    const head = await srv.get('/api/v1/campaigns/air');
    assert.equal(head.status, 200, show(head));
    // a poll and a quiz by form; the quiz shows up on the campaign page
    const poll = await srv.req('POST', `/console/campaigns/${cid}/polls`, {
      form: { csrf: admin.csrf, question: 'Sumber air Anda?', options: 'PDAM\nSumur\nHujan', multi: '1', hide_results: '1' }, jar: admin.jar });
    assert.equal(poll.status, 303, show(poll));
    assert.match(poll.headers.location, /^\/console\/polls\/\d+\?saved=1$/);
    const polls = await srv.get('/api/v1/campaigns/air/polls');
    assert.deepEqual(polls.json.polls[0].options, ['PDAM', 'Sumur', 'Hujan']);
    const qf = { csrf: admin.csrf, title: 'Kuis air', status: 'open', q0: 'Air minum harus dimasak?', o0: 'Ya\nTidak', c0: '1', e0: 'Didihkan dulu.', q1: '' };
    assertError(await srv.req('POST', `/console/campaigns/${cid}/quizzes`, { form: qf }), 401, 'quiz form anonymous');
    const quiz = await srv.req('POST', `/console/campaigns/${cid}/quizzes`, { form: qf, jar: admin.jar });
    assert.equal(quiz.status, 303, show(quiz));
    const qid = /\/console\/quizzes\/(\d+)\?saved=1$/.exec(quiz.headers.location)?.[1];
    assert.ok(qid, quiz.headers.location);
    assert.match((await srv.get('/c/air')).text, new RegExp(`href="/q/${qid}"`));
    const badQuiz = await srv.req('POST', `/console/quizzes/${qid}`, { form: { ...qf, c0: '7' }, jar: admin.jar });
    assert.match(decodeURIComponent(badQuiz.headers.location), /error=correct of question 1/);
    assert.equal((await srv.get(`/console/quizzes/${qid}`, { jar: admin.jar })).status, 200);
    assertError(await srv.get(`/console/quizzes/${qid}`, { jar: reviewer.jar }), 403, 'reviewer on a quiz page');
    const actions = sql(srv.db, "SELECT group_concat(action) FROM audit WHERE action LIKE 'campaign.%' OR action LIKE 'poll.%'");
    assert.equal(actions, 'campaign.create,poll.create');
  });

  test('official response and status from the console reuse the idea update and are audited', async () => {
    const ideas = await srv.get('/api/v1/campaigns/demo/ideas?sort=new');
    const id = ideas.json.ideas[0].id;
    const form = { csrf: admin.csrf, status: 'diadopsi', official_response: 'Masuk program kerja 2029.' };
    assertError(await srv.req('POST', `/console/ideas/${id}`, { form }), 401, 'no session');
    assertError(await srv.req('POST', `/console/ideas/${id}`, { form: { ...form, csrf: reviewer.csrf }, jar: reviewer.jar }), 403, 'reviewer');
    assertError(await srv.req('POST', `/console/ideas/${id}`, { form: { ...form, csrf: '' }, jar: admin.jar }), 403, 'no csrf');
    const r = await srv.req('POST', `/console/ideas/${id}`, { form, jar: admin.jar });
    assert.equal(r.status, 303, show(r));
    assert.match(r.headers.location, /\?saved=1$/);
    const idea = await srv.get(`/api/v1/ideas/${id}`);
    assert.equal(idea.json.status, 'diadopsi');
    assert.equal(idea.json.official_response, 'Masuk program kerja 2029.');
    const rej = await srv.req('POST', `/console/ideas/${id}`, { form: { csrf: admin.csrf, status: 'ditolak' }, jar: admin.jar });
    assert.match(rej.headers.location, /error=a%20rejected%20idea%20needs%20a%20reason|error=a\+rejected/);
    assert.equal(sql(srv.db, `SELECT count(*) FROM audit WHERE action='idea.update' AND object_id=${id} AND actor='${USERS.admin.email}'`), '1');
  });

  test('held and reported comments: a reviewer approves or removes them', async () => {
    const ideas = await srv.get('/api/v1/campaigns/demo/ideas?sort=new');
    const id = ideas.json.ideas[1].id;
    const c = await srv.post(`/api/v1/ideas/${id}/comments`, { text: 'Komentar yang dilaporkan.' }, { jar: new CookieJar() });
    assert.equal(c.status, 201, show(c));
    for (let k = 0; k < 3; k++) {
      const rep = await srv.post(`/api/v1/comments/${c.json.id}/reports`, {}, { jar: new CookieJar() });
      assert.equal(rep.status, 201, show(rep));
    }
    const c2 = await srv.post(`/api/v1/ideas/${id}/comments`, { text: 'Satu laporan saja.' }, { jar: new CookieJar() });
    await srv.post(`/api/v1/comments/${c2.json.id}/reports`, {}, { jar: new CookieJar() });
    const hub = await srv.get('/console/engage', { jar: reviewer.jar });
    assert.equal(hub.status, 200, show(hub));
    assert.match(hub.text, new RegExp(`id="c${c.json.id}"`));
    assert.match(hub.text, new RegExp(`id="c${c2.json.id}"`));
    assert.doesNotMatch(hub.text, /console\/campaigns\/new/, 'a reviewer is offered campaign editing');
    assertError(await srv.req('POST', `/console/comments/${c.json.id}/approve`, { form: { csrf: reviewer.csrf } }), 401, 'no session');
    assertError(await srv.req('POST', `/console/comments/${c.json.id}/approve`, { form: {}, jar: reviewer.jar }), 403, 'no csrf');
    const analyst = await srv.login(USERS.analyst);
    assertError(await srv.req('POST', `/console/comments/${c.json.id}/approve`, { form: { csrf: analyst.csrf }, jar: analyst.jar }), 403, 'analyst');
    const ap = await srv.req('POST', `/console/comments/${c.json.id}/approve`, { form: { csrf: reviewer.csrf }, jar: reviewer.jar });
    assert.equal(ap.status, 303, show(ap));
    const rm = await srv.req('POST', `/console/comments/${c2.json.id}/remove`, { form: { csrf: reviewer.csrf }, jar: reviewer.jar });
    assert.equal(rm.status, 303, show(rm));
    const thread = await srv.get(`/api/v1/ideas/${id}/comments?limit=200`);
    const ids = thread.json.comments.map((x) => x.id);
    assert.ok(ids.includes(c.json.id), 'the approved comment is not back');
    assert.ok(!ids.includes(c2.json.id), 'the removed comment is still shown');
    const again = await srv.req('POST', `/console/comments/${c2.json.id}/remove`, { form: { csrf: reviewer.csrf }, jar: reviewer.jar });
    assert.match(again.headers.location, /error=/);
    assert.equal(sql(srv.db, `SELECT group_concat(action) FROM audit WHERE object_type='comment'`), 'comment.approve,comment.remove');
  });
});

describe('quiz attempts are rate limited per address and participant', () => {
  let srv;
  before(async () => {
    srv = await Server.start({ name: 'quiz-rate', rateSubmit: 3 });
  });
  after(async () => {
    if (srv) await srv.stop();
  });
  test('the fourth write in a minute is 429 with Retry-After', async () => {
    const id = (await srv.get('/api/v1/campaigns/demo/quizzes')).json.quizzes[0].id;
    const codes = [];
    let last;
    for (let k = 0; k < 4; k++) {
      last = await srv.post(`/api/v1/quizzes/${id}/attempts`, { answers: [0, 0, 0] }, { jar: new CookieJar() });
      codes.push(last.status);
    }
    assert.deepEqual(codes, [201, 201, 201, 429]);
    assertError(last, 429, 'fourth attempt');
    assert.ok(Number(last.headers['retry-after']) > 0, 'no Retry-After');
  });
});

describe('with base_url configured the share link names it', () => {
  let srv;
  before(async () => {
    srv = await Server.start({ name: 'quiz-base', extraArgs: ['--base-url', 'https://gagasan.example.id/'] });
  });
  after(async () => {
    if (srv) await srv.stop();
  });
  test('share_url, og:url and the share box use base_url, whatever the Host', async () => {
    const id = (await srv.get('/api/v1/campaigns/demo/quizzes')).json.quizzes[0].id;
    const r = await srv.post(`/api/v1/quizzes/${id}/attempts`, { answers: [0, 0, 0] }, { jar: new CookieJar() });
    assert.equal(r.status, 201, show(r));
    assert.equal(r.json.share_url, `https://gagasan.example.id${r.json.url}`);
    const page = await srv.get(r.json.url, { headers: { host: 'internal:9999' } });
    assert.ok(page.text.includes(`<meta property="og:url" content="https://gagasan.example.id${r.json.url}"`), 'og:url');
    assert.ok(page.text.includes(`value="https://gagasan.example.id${r.json.url}"`), 'share box');
    assert.doesNotMatch(page.text, /internal:9999/);
  });
});

describe('a quiz as Telegram quiz polls', () => {
  const CHAT = '-1002233445566';
  const SECRETS = JSON.parse(fs.readFileSync(path.join(FIX, 'test-secrets.json'), 'utf8'));
  const HOOK_TOKEN = SECRETS.TELEGRAM_SECRET_TOKEN;
  let fake;
  let srv;
  let admin;
  let quizId;
  before(async () => {
    fake = await FakePlatforms.start();
    process.env.GAGAS_TOKEN_TELEGRAM = '7712345678:TEST-bot-token';
    process.env.GAGAS_TELEGRAM_SECRET_TOKEN = HOOK_TOKEN;
    srv = new Server({
      name: 'quiz-tg',
      users: [USERS.admin],
      extraArgs: ['--channel-base-urls', `*=${fake.base}`, '--channel-tick-ms', '100', '--channel-poll-s', '1', '--channel-backoff-ms', '200'],
    });
    await srv.init();
    await runCli(['channel', 'add', '--db', srv.db, '--channel', 'telegram', '--account', CHAT, '--publish', '--stream', 'telegram_updates']);
    await srv.launch();
    admin = await srv.login(USERS.admin);
  });
  after(async () => {
    if (srv) await srv.stop();
    if (fake) await fake.stop();
  });

  test('one quiz poll per question goes out; poll answers count per question and channel', async () => {
    const h = { jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } };
    const c = await srv.post('/api/v1/campaigns/demo/quizzes', QUIZ, h);
    assert.equal(c.status, 201, show(c));
    const id = c.json.id;
    quizId = id;
    assertError(await srv.post(`/api/v1/quizzes/${id}/publish`, { channel: 'x' }, h), 400, 'not telegram');
    assertError(await srv.post(`/api/v1/quizzes/${id}/publish`, { channel: 'telegram', chat_id: 'abc' }, h), 400, 'bad chat');
    assertError(await srv.post(`/api/v1/quizzes/${id}/publish`, { channel: 'telegram' }, { jar: admin.jar }), 403, 'no csrf');
    assertError(await srv.post('/api/v1/quizzes/999999/publish', { channel: 'telegram' }, h), 404, 'unknown quiz');
    const sent = JSON.parse(fs.readFileSync(path.join(FIX, 'telegram/sendPoll-quiz.response.json'), 'utf8'));
    const answer = (pollId) => {
      const x = structuredClone(sent);
      x.result.poll.id = pollId;
      return { json: x };
    };
    fake.script('POST /sendPoll', answer('7000000000000000001'), answer('7000000000000000002'));
    const p = await srv.post(`/api/v1/quizzes/${id}/publish`, { channel: 'telegram', chat_id: CHAT }, h);
    assert.equal(p.status, 202, show(p));
    assert.equal(p.json.queued.length, 2);
    const twice = await srv.post(`/api/v1/quizzes/${id}/publish`, { channel: 'telegram', chat_id: CHAT }, h);
    assert.equal(twice.json.duplicates, 2, 'publishing twice to the same chat queues again');
    await until('quiz polls sent', () => sql(srv.db, `SELECT count(*) FROM outbox o JOIN quiz_polls q ON q.outbox_id=o.id WHERE q.quiz_id=${id} AND o.state='sent'`) === '2');
    const bodies = fake.seen('POST /sendPoll').map((x) => x.body);
    assert.deepEqual(bodies.map((b) => [b.type, b.question, b.correct_option_ids[0], b.is_anonymous]),
      [['quiz', QUIZ.questions[0].question, 1, false], ['quiz', QUIZ.questions[1].question, 0, false]]);
    // three people answer the first question (two right), one the second (wrong)
    const vote = (n, pollId, opt) => ({ update_id: 905000000 + n, poll_answer: { poll_id: pollId, user: { id: 6100000000 + n, is_bot: false, first_name: `W${n}` }, option_ids: [opt] } });
    fake.script('POST /getUpdates', { json: { ok: true, result: [
      vote(1, '7000000000000000001', 1), vote(2, '7000000000000000001', 1), vote(3, '7000000000000000001', 0),
      vote(4, '7000000000000000002', 1)] } });
    await until('the answers', () => sql(srv.db, "SELECT count(*) FROM poll_answers WHERE poll_id LIKE '70000000000000000%'") === '4');
    const st = await srv.get(`/api/v1/quizzes/${id}/stats`, { jar: admin.jar });
    assert.equal(st.status, 200, show(st));
    const tg = st.json.questions.map((q) => q.by_channel.telegram);
    assert.deepEqual(tg[0], { answers: 3, right: 2, share_right: 2 / 3 });
    assert.deepEqual(tg[1], { answers: 1, right: 0, share_right: 0 });
    assert.equal(sql(srv.db, `SELECT count(*) FROM audit WHERE action='quiz.publish' AND object_id=${id}`), '2');
  });

  test('status back to people: the sender and a merged supporter on Telegram hear of each new status', async () => {
    const h = { jar: admin.jar, headers: { 'x-csrf-token': admin.csrf } };
    const msg = (n, user, text) => ({ update_id: 907000000 + n, message: { message_id: 100 + n, from: { id: user, is_bot: false, first_name: `S${n}` }, chat: { id: user, type: 'private' }, date: Math.floor(Date.now() / 1000), text } });
    const people = [[1, 6300000001, 'Tolong perbaiki drainase di Jalan Kaliurang km 9, tiap hujan banjir sampai lutut dan motor mogok.'],
      [2, 6300000002, 'Saluran air di Kaliurang km 9 selalu meluap saat hujan deras, mohon dibersihkan dan diperbesar gorong-gorongnya.']];
    for (const [n, user, text] of people) {
      const r = await srv.req('POST', '/hooks/telegram', { body: JSON.stringify(msg(n, user, text)), headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': HOOK_TOKEN } });
      assert.equal(r.status, 200, show(r));
    }
    const sub = (user, n) => sql(srv.db, `SELECT id FROM submissions WHERE channel='telegram' AND native_id='${user}:${100 + n}'`);
    await until('both submissions', () => sub(6300000001, 1) && sub(6300000002, 2));
    const [s1, s2] = [sub(6300000001, 1), sub(6300000002, 2)];
    const a = await srv.act(admin, s1, { action: 'accept', title: 'Drainase Kaliurang km 9' });
    assert.equal(a.status, 200, show(a));
    const idea = a.json.idea.id;
    const m = await srv.act(admin, s2, { action: 'merge', idea_id: idea });
    assert.equal(m.status, 200, show(m));
    const p = await srv.req('PATCH', `/api/v1/ideas/${idea}`, { json: { status: 'diadopsi', official_response: 'Masuk program kerja 2027: normalisasi saluran.' }, ...h });
    assert.equal(p.status, 200, show(p));
    const sent = (sid) => sql(srv.db, `SELECT state FROM outbox WHERE kind='status' AND dedupe_key='status:${sid}:idea-diadopsi'`);
    await until('both told of the adoption', () => sent(s1) === 'sent' && sent(s2) === 'sent', 40000);
    const to = (user) => fake.seen('POST /sendMessage').filter((x) => String(x.body.chat_id) === String(user)).map((x) => x.body.text);
    for (const [, user] of people) {
      const texts = to(user);
      assert.ok(texts.length >= 2, `${user} got ${texts.length} messages: ${texts}`);
      assert.ok(texts.some((t) => t.includes(`/i/${idea}`)), `no link to the idea for ${user}: ${texts}`);
    }
    // a decline later, with its reason, reaches them again, once each
    const d = await srv.req('PATCH', `/api/v1/ideas/${idea}`, { json: { status: 'ditolak', reason: 'Sudah dikerjakan pemerintah daerah.' }, ...h });
    assert.equal(d.status, 200, show(d));
    const dec = (sid) => sql(srv.db, `SELECT count(*) || state FROM outbox WHERE kind='status' AND dedupe_key='status:${sid}:idea-ditolak'`);
    await until('both told of the decline', () => dec(s1) === '1sent' && dec(s2) === '1sent', 40000);
  });

  test('poll answers delivered by the webhook count the same as through getUpdates', async () => {
    assert.ok(HOOK_TOKEN, 'no TELEGRAM_SECRET_TOKEN in the test secrets');
    assert.ok(quizId, 'the quiz of the previous test is missing');
    const tgOf = async () => {
      const st = await srv.get(`/api/v1/quizzes/${quizId}/stats`, { jar: admin.jar });
      assert.equal(st.status, 200, show(st));
      return st.json.questions.map((q) => q.by_channel.telegram);
    };
    const before = await tgOf();
    const hook = (body, token) => srv.req('POST', '/hooks/telegram', {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(token ? { 'x-telegram-bot-api-secret-token': token } : {}) },
    });
    const vote = (n, pollId, opt) => ({ update_id: 906000000 + n, poll_answer: { poll_id: pollId, user: { id: 6200000000 + n, is_bot: false, first_name: `H${n}` }, option_ids: [opt] } });
    // unsigned or wrongly signed: refused, nothing counted
    assert.equal((await hook(vote(1, '7000000000000000002', 0))).status, 401, 'no secret token');
    assert.equal((await hook(vote(1, '7000000000000000002', 0), HOOK_TOKEN + 'x')).status, 401, 'wrong secret token');
    // two right answers to the second question, one wrong to the first
    for (const [n, poll, opt] of [[1, '7000000000000000002', 0], [2, '7000000000000000002', 0], [3, '7000000000000000001', 2]]) {
      const r = await hook(vote(n, poll, opt), HOOK_TOKEN);
      assert.equal(r.status, 200, show(r));
    }
    await until('the webhook answers', () => sql(srv.db, "SELECT count(*) FROM poll_answers WHERE poll_id LIKE '70000000000000000%'") === '7');
    const tg = await tgOf();
    assert.deepEqual(tg[0], { answers: before[0].answers + 1, right: before[0].right, share_right: before[0].right / (before[0].answers + 1) });
    assert.deepEqual(tg[1], { answers: before[1].answers + 2, right: before[1].right + 2, share_right: (before[1].right + 2) / (before[1].answers + 2) });
    // the voter is stored under a pseudonym, never the Telegram user id
    assert.equal(sql(srv.db, "SELECT count(*) FROM poll_answers WHERE author_key LIKE '%6200000001%'"), '0');
    // Telegram redelivers after a timeout: the same update changes nothing
    assert.equal((await hook(vote(1, '7000000000000000002', 0), HOOK_TOKEN)).status, 200);
    await until('the redelivery processed', () => sql(srv.db, "SELECT count(*) FROM inbox WHERE state='new'") === '0');
    assert.deepEqual(await tgOf(), tg);
  });
});
