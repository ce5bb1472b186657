// The idea page as a citizen uses it on a 360x740 phone with JavaScript off:
// support an idea of the demo campaign, withdraw, comment and reply, see the
// official response and timeline, then delete one's data. Checks the page's
// weight (everything it loads) and that nothing scrolls sideways.
// Screenshots land in tests/out/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { OUT_DIR, Server, marker, show } from '../lib/server.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PHONE = { width: 360, height: 740 };
const PAGE_BUDGET = 100 * 1024;

let srv;
let browser;
let ctx;
let ideaId;

before(async () => {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  srv = await Server.start({ name: 'engage-browser' });
  const list = await srv.get('/api/v1/campaigns/demo/ideas?sort=new');
  assert.equal(list.status, 200, show(list));
  // the demo gives its newest ideas an official response and a thread
  const withResponse = list.json.ideas.find((i) => i.official_response);
  assert.ok(withResponse, 'the demo has no idea with an official response');
  ideaId = withResponse.id;
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

describe('idea page on a phone, no JavaScript', () => {
  test('it is light and fits the phone; the demo thread and response show', async () => {
    const page = await ctx.newPage();
    const sizes = []; // every response's body, read before the page closes
    page.on('response', (r) => sizes.push(r.body().then((b) => b.length, () => 0)));
    await page.goto(`${srv.base}/i/${ideaId}`);
    await page.waitForLoadState('load');
    const bytes = (await Promise.all(sizes)).reduce((x, y) => x + y, 0);
    assert.ok(bytes > 0 && bytes < PAGE_BUDGET, `the idea page loads ${bytes} bytes (budget ${PAGE_BUDGET})`);
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= PHONE.width, `the idea page is ${w}px wide`);
    assert.ok(await page.locator('.response').isVisible(), 'no official response');
    assert.ok((await page.locator('ol.comments li').count()) >= 3, 'the demo thread is missing');
    assert.ok(await page.getByLabel(/Komentar Anda/).isVisible(), 'the comment box has no label');
    await shot(page, 'engage-idea-phone.png');
    await page.close();
  });

  test('support, withdraw, comment and reply by keyboard-usable forms', async () => {
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/i/${ideaId}`);
    const count = async () => Number(await page.locator('#supporters').textContent());
    const before = await count();
    await page.getByRole('button', { name: 'Dukung gagasan ini' }).click();
    await page.waitForLoadState('load');
    assert.equal(await count(), before + 1, 'support not counted');
    await shot(page, 'engage-supported.png');
    await page.getByRole('button', { name: 'Tarik dukungan' }).click();
    await page.waitForLoadState('load');
    assert.equal(await count(), before, 'withdrawal not counted');

    const text = `Saya ikut mendukung, semoga segera jalan ${marker()}`;
    await page.getByLabel(/Komentar Anda/).fill(text);
    await page.getByRole('button', { name: 'Kirim komentar' }).click();
    await page.waitForLoadState('load');
    const mine = page.locator('ol.comments li', { hasText: text });
    assert.equal(await mine.count(), 1, 'the comment is not on the page');
    const cid = (await mine.getAttribute('id')).slice(1);
    await page.getByLabel(/Komentar Anda/).fill('Balasan untuk komentar saya sendiri');
    await page.getByLabel(/Balas komentar/).fill(cid);
    await page.getByRole('button', { name: 'Kirim komentar' }).click();
    await page.waitForLoadState('load');
    const reply = page.locator('ol.comments li.reply', { hasText: 'Balasan untuk komentar saya sendiri' });
    assert.equal(await reply.count(), 1, 'the reply is not shown as a reply');
    assert.equal(await reply.locator(`a[href="#c${cid}"]`).count(), 1, 'the reply does not point at its parent');
    await shot(page, 'engage-commented.png');
    await page.close();
  });

  test('deleting my data takes my comments off the page', async () => {
    const cookies = await ctx.cookies();
    const p = cookies.find((c) => c.name === 'gg_p');
    assert.ok(p, 'no participant cookie in the browser');
    const headers = { cookie: `gg_p=${p.value}` };
    const me = await srv.get('/api/v1/me', { headers });
    assert.ok(me.json.comments.length >= 2, show(me));
    const del = await srv.req('DELETE', '/api/v1/me', { headers });
    assert.equal(del.status, 200, show(del));
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/i/${ideaId}`);
    assert.equal(await page.locator('ol.comments li', { hasText: 'Balasan untuk komentar saya sendiri' }).count(), 0);
    await shot(page, 'engage-deleted.png');
    await page.close();
  });
});
