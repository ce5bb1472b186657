// The demo quiz as a citizen takes it on a 360x740 phone with JavaScript
// off: the quiz page is light and fits the phone, every option is a
// labelled radio button, and after sending the answers the result page
// shows the score, the right answers and each explanation. Screenshots
// land in tests/out/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { OUT_DIR, Server, show } from '../lib/server.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PHONE = { width: 360, height: 740 };
const PAGE_BUDGET = 100 * 1024;

let srv;
let browser;
let ctx;
let quizId;

before(async () => {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  srv = await Server.start({ name: 'quiz-browser' });
  const list = await srv.get('/api/v1/campaigns/demo/quizzes');
  assert.equal(list.status, 200, show(list));
  quizId = list.json.quizzes[0]?.id;
  assert.ok(quizId, 'the demo has no quiz');
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  ctx = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
  await ctx.route(/.*/, (route) => {
    const u = new URL(route.request().url());
    return u.hostname === '127.0.0.1' ? route.continue() : route.abort();
  });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const shot = (page, name) => page.screenshot({ path: path.join(OUT_DIR, name), fullPage: true });

/** Loads url and returns the bytes of everything it pulled in. */
async function weigh(page, url) {
  const sizes = [];
  page.on('response', (r) => sizes.push(r.body().then((b) => b.length, () => 0)));
  await page.goto(url);
  await page.waitForLoadState('load');
  return (await Promise.all(sizes)).reduce((x, y) => x + y, 0);
}

describe('quiz on a phone, no JavaScript', () => {
  test('from the campaign page to the score and the explanations', async () => {
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/c/demo`);
    await page.getByRole('link', { name: /Ikuti kuis/ }).click();
    await page.waitForLoadState('load');
    assert.match(page.url(), new RegExp(`/q/${quizId}$`));
    const bytes = await weigh(page, page.url());
    assert.ok(bytes > 0 && bytes < PAGE_BUDGET, `the quiz page loads ${bytes} bytes (budget ${PAGE_BUDGET})`);
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= PHONE.width, `the quiz page is ${w}px wide`);
    // the right answers of the demo quiz: 20%, 17 tahun, APBN (two of three picked right)
    await page.getByLabel('20%').check();
    await page.getByLabel('17 tahun').check();
    await page.getByLabel('Pajak desa').check();
    await shot(page, 'quiz-answers.png');
    await page.getByRole('button', { name: 'Kirim jawaban' }).click();
    await page.waitForLoadState('load');
    assert.match(page.url(), new RegExp(`/q/${quizId}/r/[0-9a-f]{24}$`));
    assert.equal(await page.locator('#score').textContent(), '2/3');
    const expl = await page.locator('.explanation').allTextContents();
    assert.equal(expl.length, 3, 'not every explanation is shown');
    assert.match(expl[2], /Dana Desa bersumber dari APBN/);
    assert.equal(await page.locator('.wrong').count(), 1, 'the wrong answer is not marked');
    const og = await page.locator('meta[property="og:title"]').getAttribute('content');
    assert.match(og, /^Skor 2\/3 · /);
    const rw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(rw <= PHONE.width, `the result page is ${rw}px wide`);
    const resultBytes = await weigh(await ctx.newPage(), page.url());
    assert.ok(resultBytes < PAGE_BUDGET, `the result page loads ${resultBytes} bytes`);
    await shot(page, 'quiz-result.png');
    await page.close();
  });
});
