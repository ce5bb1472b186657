// The analyst's pages in Debian's Chromium (issue 6): the dashboard draws
// its charts with the npm chart library, the map colours Indonesia by
// province, kab/kota and dapil and a click on an area lists the posts behind
// it, and the printable report prints to PDF. Screenshots and the PDF land in
// tests/out/ for a person to look at.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { OUT_DIR, Server, USERS } from '../lib/server.mjs';
import { fileURLToPath } from 'node:url';
import { seedInsight } from '../lib/insight-seed.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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

let srv;
let browser;
let ctx;
const pageErrors = [];
const offSite = [];

before(async () => {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  srv = await Server.start({ name: 'insight-browser' });
  await seedInsight(srv, { adminEmail: USERS.admin.email, n: 160 });
  const analyst = await srv.login(USERS.analyst);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  ctx.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(`${p.url()}: ${e.message}`)));
  await ctx.route(/.*/, (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === '127.0.0.1') return route.continue();
    offSite.push(u.href);
    return route.abort();
  });
  await ctx.addCookies([{ name: 'gg_session', value: analyst.jar.get('gg_session'), url: srv.base }]);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

describe('insight pages', () => {
  test('dashboard draws its charts', async () => {
    const page = await ctx.newPage();
    const res = await page.goto(`${srv.base}/console/insight?campaign=demo`);
    assert.equal(res.status(), 200);
    await page.waitForSelector('body[data-charts="4"]', { timeout: 20000 });
    for (const id of ['chart-volume', 'chart-funnel', 'chart-topics', 'chart-kinds'])
      assert.ok(await page.locator(`#${id} canvas`).count(), `${id} has a canvas`);
    // the server-rendered numbers are there too (the page reads without JS)
    const total = await page.locator('dd[data-kpi="0"]').textContent();
    assert.ok(Number(total) >= 160, `received: ${total}`);
    await page.screenshot({ path: path.join(OUT_DIR, 'insight-dashboard.png'), fullPage: true });
    await page.close();
  });

  test('map: province colours, a click lists the posts, dapil per 100,000', async () => {
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/console/insight/map?campaign=demo`);
    await page.waitForSelector('body[data-map="province"]', { timeout: 20000 });
    // click Jawa Barat (around Bandung), which the seed fills
    const box = await page.locator('#chart-map').boundingBox();
    const xy = await page.evaluate(() => {
      const c = window.echarts.getInstanceByDom(document.getElementById('chart-map'));
      return c.convertToPixel({ seriesIndex: 0 }, [107.6, -6.9]);
    });
    await page.mouse.click(box.x + xy[0], box.y + xy[1]);
    await page.waitForSelector('#drill[data-count]', { timeout: 10000 });
    const n = Number(await page.getAttribute('#drill', 'data-count'));
    assert.ok(n > 0, 'the posts behind Jawa Barat are listed');
    assert.match(await page.locator('#drill h2').textContent(), /Jawa Barat/i);
    await page.screenshot({ path: path.join(OUT_DIR, 'insight-map.png'), fullPage: true });
    await page.selectOption('#map-level', 'dapil');
    await page.selectOption('#map-measure', 'per100k');
    await page.waitForSelector('body[data-map="dapil"]');
    await page.screenshot({ path: path.join(OUT_DIR, 'insight-map-dapil.png'), fullPage: true });
    // what the map coloured: each dapil's count from the summary API, and
    // per 100,000 inhabitants of the population file, worked out here
    const drawn = () =>
      page.evaluate(() => {
        const c = window.echarts.getInstanceByDom(document.getElementById('chart-map'));
        // the series lists every area of the layer; those with posts carry n
        return c.getOption().series[0].data.filter((d) => d.n !== undefined).map((d) => [d.name, d.value, d.n]);
      });
    const pop = JSON.parse(fs.readFileSync(path.join(REPO, 'web/insight/population.json'), 'utf8')).population;
    const sum = await (await ctx.request.get(`${srv.base}/api/v1/insight/summary?campaign=demo`)).json();
    const dapil = await drawn();
    assert.deepEqual(
      dapil.map(([code, , n]) => [code, n]).sort(),
      sum.regions.dapil.filter((r) => r.code !== '').map((r) => [r.code, r.n]).sort(),
    );
    for (const [code, v, n] of dapil) assert.equal(v, Math.round((n * 1e7) / pop[`d${code}`]) / 100, `dapil ${code} per 100,000`);
    // kab/kota, raw counts
    await page.selectOption('#map-measure', 'raw');
    await page.selectOption('#map-level', 'regency');
    await page.waitForSelector('body[data-map="regency"]');
    const reg = await drawn();
    assert.deepEqual(
      reg.map(([code, v]) => [code, v]).sort(),
      sum.regions.regency.filter((r) => r.code !== '').map((r) => [r.code, r.n]).sort(),
    );
    await page.screenshot({ path: path.join(OUT_DIR, 'insight-map-regency.png'), fullPage: true });
    await page.close();
  });

  test('report prints to PDF without the console chrome', async () => {
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/console/insight/report?campaign=demo`);
    await page.waitForSelector('body[data-charts="2"]', { timeout: 20000 });
    assert.ok(await page.locator('#chart-volume svg').count(), 'report charts are SVG (crisp in print)');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.insight-nav').isVisible(), false, 'navigation is hidden in print');
    await page.screenshot({ path: path.join(OUT_DIR, 'insight-report.png'), fullPage: true });
    const pdf = path.join(OUT_DIR, 'insight-report.pdf');
    await page.pdf({ path: pdf, format: 'A4' });
    assert.ok(fs.statSync(pdf).size > 10000, 'a PDF with content');
    await page.close();
  });

  test('no script errors, nothing fetched from elsewhere', () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(offSite, []);
  });
});
