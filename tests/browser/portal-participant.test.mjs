// The participant's side of the portal on a 360x740 phone without
// JavaScript (issue 5): a draft close to an existing idea goes to the
// preview step, one idea is supported instead, another draft is sent anyway
// with a name and contact; a vote in the demo poll; the "my ideas" page;
// deleting one's data from it. Page weight and width are checked;
// screenshots land in tests/out/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { OUT_DIR, Server, USERS, marker, show } from '../lib/server.mjs';
import { keyboardWalk, lowContrast, unnamed } from '../lib/a11y.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PHONE = { width: 360, height: 740 };
const PAGE_BUDGET = 100 * 1024;
const BASE = 'Mohon perbaiki lampu penerangan jalan di gang sempit kampung kami karena gelap dan rawan kejahatan malam hari';

let srv;
let browser;
let ctx;
let ideaId;
let placedId;

before(async () => {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  srv = await Server.start({ name: 'portal-participant-browser' });
  const reviewer = await srv.login(USERS.reviewer);
  const sid = await srv.submitOk(BASE);
  const a = await srv.act(reviewer, sid, { action: 'accept', title: 'Lampu jalan gang kampung' });
  assert.equal(a.status, 200, show(a));
  ideaId = a.json.idea.id;
  // an idea with a known place, for the map and the idea page's region
  const sid2 = await srv.submitOk(`Sekolah dasar di Kabupaten Sleman kekurangan guru, kelas digabung ${marker()}`);
  const a2 = await srv.act(reviewer, sid2, { action: 'accept', title: 'Guru SD di Sleman' });
  assert.equal(a2.status, 200, show(a2));
  placedId = a2.json.idea.id;
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

async function weighed(page, url) {
  const sizes = [];
  page.on('response', (r) => sizes.push(r.body().then((b) => b.length, () => 0)));
  await page.goto(url);
  await page.waitForLoadState('load');
  const bytes = (await Promise.all(sizes)).reduce((x, y) => x + y, 0);
  assert.ok(bytes > 0 && bytes < PAGE_BUDGET, `${url} loads ${bytes} bytes (budget ${PAGE_BUDGET})`);
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= PHONE.width, `${url} is ${w}px wide`);
}

describe('participant on a phone, no JavaScript', () => {
  test('similar ideas before sending: support one instead, then send another anyway', async () => {
    const page = await ctx.newPage();
    await weighed(page, `${srv.base}/c/demo`);
    await page.getByLabel('Gagasan Anda').fill('Lampu penerangan jalan di gang kampung kami mati, gelap dan rawan kejahatan');
    await page.getByRole('button', { name: 'Kirim gagasan' }).click();
    await page.waitForLoadState('load');
    assert.ok(await page.getByRole('heading', { name: 'Sudah ada gagasan serupa' }).isVisible(), 'no preview step');
    await shot(page, 'portal-similar-preview.png');
    const before = (await srv.get(`/api/v1/ideas/${ideaId}`)).json.supporters;
    await page.locator(`form[action="/i/${ideaId}/support"] button`).click();
    await page.waitForLoadState('load');
    assert.ok(page.url().endsWith(`/i/${ideaId}`), `support instead lands on ${page.url()}`);
    assert.equal(Number(await page.locator('#supporters').textContent()), before + 1, 'support instead not counted');
    await shot(page, 'portal-supported-instead.png');

    await page.goto(`${srv.base}/c/demo`);
    const mine = `Lampu jalan gang kampung juga perlu tiang baru yang lebih tinggi ${marker()}`;
    await page.getByLabel('Gagasan Anda').fill(mine);
    await page.getByText('Nama dan kontak (opsional)').click();
    await page.getByLabel('Nama', { exact: true }).fill('Rina');
    await page.getByLabel('Nomor HP atau e-mail').fill('rina@contoh.id');
    await page.getByLabel(/Saya setuju/).check();
    await page.getByRole('button', { name: 'Kirim gagasan' }).click();
    await page.waitForLoadState('load');
    if (await page.getByRole('button', { name: 'Tetap kirim gagasan saya' }).count()) {
      await page.getByRole('button', { name: 'Tetap kirim gagasan saya' }).click();
      await page.waitForLoadState('load');
    }
    assert.match(page.url(), /\/s\/\d+$/, 'the idea was not sent');
    await shot(page, 'portal-sent-anyway.png');
    await page.close();
  });

  test('the campaign page shows its period, topics, newest ideas and the map; an idea its topics and region', async () => {
    const page = await ctx.newPage();
    await weighed(page, `${srv.base}/c/demo`);
    assert.ok(await page.locator('p.period', { hasText: 'Dibuka' }).isVisible(), 'no period');
    assert.ok(await page.locator('.topics li', { hasText: 'layanan publik' }).isVisible(), 'no topics');
    await page.screenshot({ path: path.join(OUT_DIR, 'portal-campaign-head.png') });
    const newest = page.locator('#new li').first();
    assert.equal(await newest.locator('a').getAttribute('href'), `/i/${placedId}`, 'the newest idea is not first');
    const map = page.locator('#map svg');
    assert.equal(await map.locator('path').count(), 38);
    const box = await map.boundingBox();
    assert.ok(box.width >= 300 && box.width <= 360 && box.height > 100, `map box ${JSON.stringify(box)}`);
    // Sleman is in DI Yogyakarta: its province is shaded, with its count in words below
    const diy = map.locator('path', { has: page.locator('title', { hasText: /^Daerah Istimewa Yogyakarta: [1-9]/ }) });
    assert.notEqual(await diy.getAttribute('class'), 'm0', 'DIY is not shaded');
    const fill = await diy.evaluate((el) => getComputedStyle(el).fill);
    const blank = await map.locator('path.m0').first().evaluate((el) => getComputedStyle(el).fill);
    assert.notEqual(fill, blank, 'a shaded province is drawn like an empty one');
    assert.ok(await page.locator('#map ol.places li', { hasText: 'Daerah Istimewa Yogyakarta' }).isVisible(), 'no list under the map');
    assert.ok(await page.locator('#map .legend li').count() >= 2, 'no legend');
    await page.locator('#map').screenshot({ path: path.join(OUT_DIR, 'portal-campaign-map.png') });
    await shot(page, 'portal-campaign.png');
    await page.goto(`${srv.base}/i/${placedId}`);
    assert.equal(await page.locator('p.place').textContent(), 'Wilayah: Kabupaten Sleman, Daerah Istimewa Yogyakarta');
    assert.ok(await page.locator('.topics li', { hasText: 'pendidikan' }).isVisible(), 'no topic on the idea page');
    await page.screenshot({ path: path.join(OUT_DIR, 'portal-idea-place.png') });
    await page.goto(`${srv.base}/c/demo?lang=en`);
    assert.ok(await page.getByRole('heading', { name: 'Where the ideas come from' }).isVisible());
    assert.ok(await page.getByRole('heading', { name: 'Newest ideas' }).isVisible());
    await page.goto(`${srv.base}/c/demo?lang=id`); // the switch is remembered: back to Indonesian
    await page.close();
  });

  test('voting in the demo poll', async () => {
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/c/demo`);
    const poll = page.locator('section.poll').first();
    await poll.locator('input[name="option"]').first().check();
    await poll.getByRole('button', { name: 'Pilih' }).click();
    await page.waitForLoadState('load');
    assert.match(page.url(), /#poll\d+$/, `the vote went to ${page.url()}`);
    await shot(page, 'portal-voted.png');
    await page.close();
  });

  test('"my ideas" shows what I sent, supported and voted; then I delete it all', async () => {
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/c/demo`);
    await page.getByRole('link', { name: 'Gagasan saya' }).click();
    await page.waitForLoadState('load');
    await weighed(page, `${srv.base}/me`);
    assert.ok(await page.locator('#sent article', { hasText: 'tiang baru' }).count() >= 1, 'my idea is not listed');
    assert.ok(await page.locator(`#supports a[href="/i/${ideaId}"]`).count() === 1, 'my support is not listed');
    assert.ok(await page.locator('#votes li:not(.empty)').count() >= 1, 'my vote is not listed');
    assert.ok(await page.locator('#contact', { hasText: 'rina@contoh.id' }).isVisible(), 'my contact is not shown to me');
    await shot(page, 'portal-my-ideas.png');
    await page.getByLabel(/Saya mengerti/).check();
    await page.getByRole('button', { name: 'Hapus semua data saya' }).click();
    await page.waitForLoadState('load');
    assert.ok(await page.getByText('Semua data Anda sudah dihapus.').isVisible(), 'no confirmation');
    assert.equal(await page.locator('#contact').count(), 0, 'the contact is still there');
    assert.equal(await page.locator(`#supports a[href="/i/${ideaId}"]`).count(), 0, 'the support is still there');
    await shot(page, 'portal-my-data-deleted.png');
    await page.close();
  });
});

describe('with JavaScript', () => {
  test('suggestions appear while typing (the inline script passes the page CSP)', async () => {
    const jsctx = await browser.newContext({ viewport: PHONE });
    const page = await jsctx.newPage();
    const blocked = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
    await page.goto(`${srv.base}/c/demo`);
    await page.getByLabel('Gagasan Anda').pressSequentially('lampu penerangan jalan gang kampung gelap rawan kejahatan', { delay: 5 });
    const link = page.locator(`#similar a[href="/i/${ideaId}"]`);
    await link.waitFor({ timeout: 5000 });
    assert.equal(blocked.length, 0, blocked.join('\n'));
    assert.equal(await page.locator(`#similar form[action="/i/${ideaId}/support"]`).count(), 1);
    await shot(page, 'portal-live-suggestions.png');
    await jsctx.close();
  });
});

describe('every portal page: light, 360 px, contrast, names, keyboard', () => {
  // Each page the public sees, in both languages where it matters, with
  // its error box showing: under 100 KB on first load, no sideways scroll,
  // text at WCAG AA contrast, every control named, every control reached
  // by Tab with a visible focus outline.
  test('campaign, idea, quiz, result, my ideas, home', { timeout: 120000 }, async () => {
    const c2 = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await c2.newPage();
    const quiz = (await srv.get('/api/v1/campaigns/demo/quizzes')).json.quizzes[0].id;
    await page.goto(`${srv.base}/q/${quiz}`);
    for (const [i, name] of ['20%', '17 tahun', 'APBN'].entries()) await page.locator(`fieldset#q${i}`).getByLabel(name).check();
    await page.getByRole('button', { name: 'Kirim jawaban' }).click();
    await page.waitForLoadState('load');
    const result = new URL(page.url()).pathname;
    assert.match(result, /^\/q\/\d+\/r\/[0-9a-f]{24}$/);
    const pages = ['/', '/c/demo', '/c/demo?error=invalid&poll_error=rate', '/c/demo?error=rate', `/i/${ideaId}`, `/i/${ideaId}?error=rate`,
      `/q/${quiz}`, `/q/${quiz}?error=rate`, result, '/me', '/me?error=rate', '/c/demo?lang=en', `/i/${ideaId}?lang=en`, result + '?lang=id'];
    for (const url of pages) {
      await weighed(page, `${srv.base}${url}`);
      const low = await lowContrast(page);
      assert.deepEqual(low, [], `${url}: text under WCAG AA contrast`);
      assert.deepEqual(await unnamed(page), [], `${url}: controls without a name`);
      const kb = await keyboardWalk(page);
      assert.ok(kb.reached >= 4, `${url}: Tab reached only ${kb.reached} controls`);
      assert.deepEqual(kb.missed, [], `${url}: not reached by Tab`);
      assert.deepEqual(kb.noOutline, [], `${url}: focus not visible`);
    }
    await shot(page, 'portal-a11y-last.png');
    // the checks themselves see a faint text, a nameless field and a
    // control the keyboard cannot reach
    await page.evaluate(() => {
      // (style through the CSSOM: the page's CSP refuses style attributes)
      const m = document.querySelector('main');
      m.insertAdjacentHTML('beforeend', '<p id="faint">pucat</p><input name="x"><a href="/x" tabindex="-1">lewat</a>');
      document.getElementById('faint').style.color = '#b0b0b0';
    });
    assert.deepEqual((await lowContrast(page)).map((x) => x.text), ['pucat']);
    assert.equal((await unnamed(page)).length, 1);
    assert.ok((await keyboardWalk(page)).missed.some((h) => h.includes('lewat')));
    await c2.close();
  });
});
