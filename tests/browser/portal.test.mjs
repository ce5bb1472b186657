// The portal and the console as people use them, in Debian's Chromium at a
// cheap phone's size (360x740): a citizen sends an idea with JavaScript off,
// a reviewer signs in and accepts it, and the public idea page shows it.
// Screenshots land in tests/out/ for a person to look at.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { OUT_DIR, Server, USERS, marker, show } from '../lib/server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PHONE = { width: 360, height: 740 };
// Bytes (uncompressed) that the campaign page may load in all: HTML, CSS, JS,
// images. Today it is about 5 KB; a framework bundle would blow this.
const PAGE_BUDGET = 100 * 1024;

let srv;
let browser;
let citizen; // context with JavaScript off: the form must work without it
let staff; // context with JavaScript on
const pageErrors = [];
const offSite = [];

const shot = (page, name) => page.screenshot({ path: path.join(OUT_DIR, name) });

/** Fails the test if the page is wider than the phone (horizontal scrolling). */
async function assertFitsPhone(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= PHONE.width, `${what} is ${w}px wide on a ${PHONE.width}px phone (scrolls sideways)`);
}

/** Watches a context: JS errors, and any request that leaves the test server. */
function watch(ctx) {
  ctx.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(`${p.url()}: ${e.message}`)));
  ctx.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:', 'about:'].includes(u.protocol)) offSite.push(r.url());
  });
  // Only the test server may be reached; anything else is aborted.
  return ctx.route(/.*/, (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === '127.0.0.1') return route.continue();
    return route.abort();
  });
}

before(async () => {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  srv = await Server.start({ name: 'browser', users: [USERS.reviewer] });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  citizen = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false, locale: 'id-ID' });
  staff = await browser.newContext({ viewport: PHONE, locale: 'id-ID' });
  await watch(citizen);
  await watch(staff);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

describe('citizen -> reviewer -> public idea, on a phone', () => {
  const text = `Mohon dibangun jembatan penyeberangan di depan SD Negeri 3 agar anak-anak aman ${marker('web')}`;
  let subId;
  let ideaId;

  test('a citizen opens /c/demo and sends an idea without JavaScript', { timeout: 60000 }, async () => {
    const page = await citizen.newPage();
    const camp = (await srv.get('/api/v1/campaigns/demo')).json;
    const sizes = [];
    page.on('response', (r) => sizes.push(r.body().then((b) => b.length, () => 0)));
    const res = await page.goto(`${srv.base}/c/demo`);
    assert.equal(res.status(), 200);
    await page.waitForLoadState('networkidle');
    // a cheap phone on a slow network: the page with everything it loads stays small
    const bytes = (await Promise.all(sizes)).reduce((x, y) => x + y, 0);
    assert.ok(bytes <= PAGE_BUDGET, `/c/demo loads ${bytes} bytes (budget ${PAGE_BUDGET})`);
    await assert.doesNotReject(page.getByText(camp.question.trim(), { exact: false }).first().waitFor({ timeout: 5000 }), 'the question is not shown');
    const box = page.locator('form[action="/c/demo/submit"] textarea[name="text"]');
    assert.equal(await box.count(), 1, 'no textarea name="text" in the form');
    const labels = await box.evaluate((el) => [...el.labels].map((l) => l.textContent.trim()));
    assert.ok(labels.length > 0 && labels[0].length > 0, 'the textarea has no label');
    await assertFitsPhone(page, '/c/demo');
    await shot(page, 'portal-campaign.png');

    await box.fill(text);
    const submit = page.locator('form[action="/c/demo/submit"] button:not([type=button]):not([type=reset]), form[action="/c/demo/submit"] input[type=submit]').first();
    await Promise.all([page.waitForURL(/\/s\/\d+$/, { timeout: 15000 }), submit.click()]);
    subId = Number(new URL(page.url()).pathname.split('/').pop());
    assert.ok(subId > 0);
    await assert.doesNotReject(page.getByText('Terima kasih').first().waitFor({ timeout: 5000 }), 'no "Terima kasih" on the thanks page');
    await assertFitsPhone(page, '/s/{id}');
    await shot(page, 'portal-thanks.png');

    const g = await srv.get(`/api/v1/submissions/${subId}`);
    assert.equal(g.status, 200, show(g));
    assert.equal(g.json.text, text);
    await page.close();
  });

  test('a reviewer signs in, finds the item in the queue and clicks "Terima"', { timeout: 60000 }, async () => {
    assert.ok(subId, 'no submission from the previous step');
    const page = await staff.newPage();
    await page.goto(`${srv.base}/console/login`);
    await page.locator('input[name="email"]').fill(USERS.reviewer.email);
    await page.locator('input[name="password"]').fill(USERS.reviewer.password);
    for (const name of ['email', 'password']) {
      const n = await page.locator(`input[name="${name}"]`).evaluate((el) => el.labels.length);
      assert.ok(n > 0, `the ${name} input has no label`);
    }
    const btn = page.locator('form button:not([type=button]):not([type=reset]), form input[type=submit]').first();
    await Promise.all([page.waitForURL(/\/console\/queue/, { timeout: 15000 }), btn.click()]);

    const item = page.locator(`.item[data-id="${subId}"]`);
    await assert.doesNotReject(item.waitFor({ timeout: 10000 }), `no .item[data-id="${subId}"] in /console/queue`);
    await item.scrollIntoViewIfNeeded();
    assert.equal(await item.locator('select[name="reason"]').count(), 1, 'the item has no reason <select>');
    assert.ok((await item.getByRole('button', { name: 'Tolak' }).count()) >= 1, 'the item has no "Tolak" button');
    await assertFitsPhone(page, '/console/queue');
    await shot(page, 'console-queue.png');

    await item.getByRole('button', { name: 'Terima' }).click();
    // The idea id, from the API; the queue page must then link to it.
    let sub;
    for (let k = 0; k < 50; k++) {
      sub = (await srv.get(`/api/v1/submissions/${subId}`)).json;
      if (sub?.state === 'accepted') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(sub?.state, 'accepted', `after "Terima" the submission is ${sub?.state}`);
    ideaId = sub.idea_id;
    assert.ok(Number.isInteger(ideaId), `no idea_id on the accepted submission: ${JSON.stringify(sub)}`);
    await assert.doesNotReject(
      page.locator(`a[href="/i/${ideaId}"], a[href="${srv.base}/i/${ideaId}"]`).first().waitFor({ timeout: 10000 }),
      `the queue page shows no link to /i/${ideaId} after accepting`,
    );
    await page.close();
  });

  test('the public idea page shows the text', { timeout: 60000 }, async () => {
    assert.ok(ideaId, 'no idea from the previous step');
    const page = await citizen.newPage();
    const res = await page.goto(`${srv.base}/i/${ideaId}`);
    assert.equal(res.status(), 200);
    await assert.doesNotReject(page.getByText(text).first().waitFor({ timeout: 5000 }), 'the idea text is not on /i/{id}');
    await assertFitsPhone(page, '/i/{id}');
    await shot(page, 'idea.png');
    await page.close();
  });

  test('no JavaScript errors and no request left 127.0.0.1', () => {
    assert.deepEqual(pageErrors, [], 'JavaScript errors on the pages');
    assert.deepEqual(offSite, [], 'requests to other hosts');
  });

  test('the server stops cleanly with no sanitizer report', async () => {
    await srv.assertCleanStop();
  });
});
