// Accessibility checks the portal's browser tests share (issue 5: labels,
// contrast, keyboard). They run inside the page through playwright and
// return what fails, so a test can print the offending elements.

/**
 * Text whose colour against its effective background is under WCAG AA:
 * 4.5:1, or 3:1 for large text (>= 24px, or >= 18.66px bold). The
 * background is the first non-transparent background-color up the tree
 * (the page's own colour at the top). Returns [{text, ratio, fg, bg}].
 */
export function lowContrast(page) {
  return page.evaluate(() => {
    const rgb = (s) => {
      const m = /rgba?\(([^)]+)\)/.exec(s);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const lum = ({ r, g, b }) => {
      const f = (v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const bgOf = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const el = n.parentElement;
      const st = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      if (st.visibility === 'hidden' || st.display === 'none' || box.width === 0 || box.height === 0) continue;
      if (el.closest('.sr, details:not([open]) > :not(summary)')) continue;
      const fg = rgb(st.color);
      const bg = bgOf(el);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(st.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push({ text: n.textContent.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100, fg: st.color, bg: `rgb(${bg.r}, ${bg.g}, ${bg.b})` });
    }
    return out;
  });
}

/** Form controls (not hidden inputs) without a label or aria-label, and
 *  buttons or links without a name. Returns their outerHTML, cut. */
export function unnamed(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('input:not([type=hidden]), textarea, select')) {
      if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')) out.push(el.outerHTML.slice(0, 120));
    }
    for (const el of document.querySelectorAll('button, a[href]')) {
      if (!el.textContent.trim() && !el.getAttribute('aria-label')) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
}

/**
 * Tab through the page from the top: the controls never reached by the
 * keyboard (links, buttons, inputs that are visible), and whether each
 * focused control showed an outline. Returns {missed: [...], noOutline: [...]}.
 */
export async function keyboardWalk(page) {
  const all = await page.evaluate(() => {
    const vis = (el) => {
      const b = el.getBoundingClientRect();
      return b.width > 0 && b.height > 0 && getComputedStyle(el).visibility !== 'hidden' && !el.closest('details:not([open]) > :not(summary)');
    };
    const els = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), textarea, select, summary')].filter(vis);
    els.forEach((el, i) => el.setAttribute('data-kb', String(i)));
    return els.length;
  });
  const seen = new Set();
  const noOutline = [];
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  // radio groups take one Tab stop (arrows move inside): at most one of
  // each name is expected to be reached
  for (let k = 0; k < all * 2 + 5; k++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const st = getComputedStyle(el);
      return { id: el.getAttribute('data-kb'), outline: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0, html: el.outerHTML.slice(0, 80) };
    });
    if (!f || f.id === null) continue;
    if (seen.has(f.id)) break;
    seen.add(f.id);
    if (!f.outline) noOutline.push(f.html);
  }
  const missed = await page.evaluate((got) => {
    const radioNames = new Set();
    for (const id of got) {
      const el = document.querySelector(`[data-kb="${id}"]`);
      if (el && el.type === 'radio') radioNames.add(el.name);
    }
    return [...document.querySelectorAll('[data-kb]')]
      .filter((el) => !got.includes(el.getAttribute('data-kb')))
      .filter((el) => !(el.type === 'radio' && radioNames.has(el.name)))
      .map((el) => el.outerHTML.slice(0, 100));
  }, [...seen]);
  return { reached: seen.size, missed, noOutline };
}
