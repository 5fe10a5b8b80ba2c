// The collector and the grid in Chromium on pages/grid/all-sources.html: every place an
// image hides shows up as a card, lazy images after auto-scroll, broken ones are marked,
// and the filters narrow the cards to what the images' sizes and formats say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardUrls, gridMeasured, launch, openGridFor, serveStatic } from './harness.mjs';

// One picture per source of all-sources.html, as its best version (the largest srcset
// entry, the <picture> source over the fallback, the linked full size over the thumbnail,
// the 2x of image-set, the data-src over the placeholder GIF).
const EXPECTED = [
  'og.jpg', // <meta property="og:image">
  'twitter.png', // <meta name="twitter:image">
  'plain.png', // <img src>
  'w800.jpg', // srcset 800w (over small.jpg and w400.jpg)
  'pic.webp', // <picture><source type="image/webp"> (over pic-fallback.png)
  'lazy-real.jpg', // data-src behind a 1x1 GIF placeholder
  'poster.jpg', // <video poster>
  'svg-embedded.png', // <svg><image href>
  'button.gif', // <input type="image">
  'full.jpg', // <a href> around thumb.jpg
  'bare-link.png', // a link to an image file
  'vector.svg', // <img> of an SVG file
  'missing.png', // <img> whose file is not there (404)
  'bg.png', // computed background-image
  'before.png', // ::before background
  'set-2x.png', // image-set(1x, 2x)
  'shadow.png', // <img> in an open shadow root
  'frame-img.png', // <img> in a same-origin iframe
  'resource-only.png', // new Image(), never in the DOM: Performance API
];
// What the measured sizes (make-images.py) and formats are.
const SIZE = {
  'og.jpg': [1200, 630], 'twitter.png': [600, 300], 'plain.png': [200, 100], 'w800.jpg': [800, 400],
  'pic.webp': [300, 300], 'lazy-real.jpg': [320, 240], 'poster.jpg': [640, 360], 'svg-embedded.png': [120, 120],
  'button.gif': [80, 30], 'full.jpg': [1000, 1000], 'bare-link.png': [90, 90], 'vector.svg': [500, 250],
  'bg.png': [250, 250], 'before.png': [50, 50], 'set-2x.png': [200, 200], 'shadow.png': [180, 180],
  'frame-img.png': [220, 220], 'resource-only.png': [400, 100],
};

async function setup(t) {
  const site = await serveStatic();
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await site.close();
  });
  const at = (name) => `${site.origin}/grid/img/${name}`;
  const { page, grid } = await openGridFor(browser, `${site.origin}/grid/all-sources.html`);
  return { site, browser, page, grid, at };
}

const names = (urls, site) => urls.map((u) => u.replace(`${site.origin}/grid/img/`, '')).sort();

test('the grid shows every source of the page, once each', async (t) => {
  const { site, grid } = await setup(t);
  assert.deepEqual(names(await cardUrls(grid), site), [...EXPECTED].sort());
  assert.match(await grid.textContent('#count'), /^19 images$/);
  // Sizes are measured (probe) or taken from the page; each card says it.
  const full = grid.locator('[data-url$="/full.jpg"]');
  assert.equal(await full.locator('.size').textContent(), '1000 × 1000');
  assert.match(await full.locator('.info').textContent(), /^JPEG · 17 KB · link$/);
});

test('an image that fails to load is marked, not dropped', async (t) => {
  const { grid } = await setup(t);
  const broken = grid.locator('[data-url$="/missing.png"]');
  assert.equal(await broken.getAttribute('class'), 'card failed');
  assert.equal(await broken.locator('.fail').textContent(), 'failed to load');
  assert.equal(await grid.locator('.card.failed').count(), 1);
});

test('auto-scroll reveals the image a lazy loader sets only in view, and scrolls back', async (t) => {
  const { site, page, grid, at } = await setup(t);
  assert.equal(await grid.locator(`[data-url="${at('io-only.png')}"]`).count(), 0, 'not there before scrolling');
  await grid.check('#auto-scroll');
  await grid.waitForSelector(`[data-url="${at('io-only.png')}"]`, { timeout: 20000 });
  await gridMeasured(grid);
  assert.deepEqual(names(await cardUrls(grid), site), [...EXPECTED, 'io-only.png'].sort());
  assert.equal(await page.evaluate(() => window.scrollY), 0, 'the page is back where it was');
});

test('"canvases as PNG" adds the drawn canvas as a PNG card of its size', async (t) => {
  const { grid } = await setup(t);
  assert.equal(await grid.locator('[data-url^="data:image/png"]').count(), 0, 'no canvas until asked');
  await grid.check('#canvas');
  const card = grid.locator('[data-url^="data:image/png"]');
  await card.waitFor({ timeout: 20000 });
  assert.equal(await card.count(), 1);
  await gridMeasured(grid);
  // all-sources.html draws into <canvas width="40" height="20">.
  assert.equal(await card.locator('.size').textContent(), '40 × 20');
  assert.match(await card.locator('.info').textContent(), /canvas$/);
});

async function setSlider(grid, id, value) {
  await grid.$eval(`#${id}`, (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

test('filters narrow the cards: min width, a format chip, URL text, and together', async (t) => {
  const { site, grid } = await setup(t);
  const shown = async () => names(await cardUrls(grid), site);
  // Unknown sizes pass a size filter (as on the command line): missing.png stays.
  const wide = Object.entries(SIZE).filter(([, [w]]) => w >= 300).map(([n]) => n);
  await setSlider(grid, 'min-width', 300);
  assert.deepEqual(await shown(), [...wide, 'missing.png'].sort());
  assert.equal(await grid.textContent('#min-width-value'), '300');

  await setSlider(grid, 'min-width', 0);
  await grid.click('#format-chips [data-value="jpeg"]');
  assert.deepEqual(await shown(), ['full.jpg', 'lazy-real.jpg', 'missing.png', 'og.jpg', 'poster.jpg', 'w800.jpg']);
  await grid.click('#format-chips [data-value="jpeg"]');

  await grid.fill('#url-filter', 'set-');
  assert.deepEqual(await shown(), ['set-2x.png']);
  await grid.fill('#url-filter', 're:(');
  assert.match(await grid.textContent('#error'), /^Filter not applied: /);
  await grid.fill('#url-filter', 're:/(bg|before)\\.png$');
  assert.deepEqual(await shown(), ['before.png', 'bg.png']);
  assert.equal(await grid.isHidden('#error'), true);
  await grid.fill('#url-filter', '');

  await setSlider(grid, 'min-width', 300);
  await grid.click('#format-chips [data-value="png"]');
  assert.deepEqual(await shown(), ['missing.png', 'resource-only.png', 'twitter.png']);
  // Resource Timing lists failed requests too: missing.png was asked for by the page.
  await grid.click('#source-chips [data-value="resource"]');
  assert.deepEqual(await shown(), ['missing.png', 'resource-only.png']);
});

test('every version shows when "only the largest" is off; sort by area puts the largest first', async (t) => {
  const { site, grid } = await setup(t);
  await grid.uncheck('#largest-only');
  await gridMeasured(grid);
  const all = names(await cardUrls(grid), site);
  for (const v of ['small.jpg', 'w400.jpg', 'pic-fallback.png', 'thumb.jpg', 'set-1x.png']) assert.ok(all.includes(v), `${v} shown`);
  assert.ok(!all.some((u) => u.startsWith('data:')), 'the placeholder GIF is no version');
  await grid.check('#largest-only');
  await grid.selectOption('#sort', 'area');
  const first = await grid.$$eval('[data-url]', (cards) =>
    cards.sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index)).slice(0, 3).map((c) => c.dataset.url.split('/').pop()),
  );
  // full 1000x1000 > og 1200x630 > w800 800x400 (make-images.py).
  assert.deepEqual(first, ['full.jpg', 'og.jpg', 'w800.jpg']);
});

test('selection: click, shift-click range, invert, none, with a count', async (t) => {
  const { grid } = await setup(t);
  const byIndex = (i) => grid.locator(`[data-index="${i}"]`);
  await byIndex(1).click();
  await byIndex(4).click({ modifiers: ['Shift'] });
  assert.equal(await grid.locator('.card.selected').count(), 4);
  assert.equal(await grid.textContent('#selected-count'), '4 selected');
  await byIndex(2).click();
  assert.equal(await grid.textContent('#selected-count'), '3 selected');
  await grid.click('#select-invert');
  assert.equal(await grid.textContent('#selected-count'), '16 selected');
  assert.equal(await byIndex(2).getAttribute('aria-selected'), 'true');
  assert.equal(await byIndex(1).getAttribute('aria-selected'), 'false');
  await grid.click('#select-none');
  assert.equal(await grid.textContent('#selected-count'), '0 selected');
  await grid.click('#select-all');
  assert.equal(await grid.textContent('#selected-count'), '19 selected');
  await grid.click('#select-none');
  await byIndex(0).focus();
  await grid.keyboard.press('Space');
  assert.equal(await grid.textContent('#selected-count'), '1 selected');
  assert.equal(await grid.evaluate(() => document.activeElement?.dataset.index), '0', 'focus stays on the card');
});

test('the default filters from the settings are the starting filters', async (t) => {
  const site = await serveStatic();
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await site.close();
  });
  await browser.worker.evaluate(() => chrome.storage.local.set({ settings: { version: 1, filters: { minWidth: 1000, formats: ['jpeg'] } } }));
  const { grid } = await openGridFor(browser, `${site.origin}/grid/all-sources.html`);
  assert.equal(await grid.inputValue('#min-width'), '1000');
  assert.equal(await grid.getAttribute('#format-chips [data-value="jpeg"]', 'aria-pressed'), 'true');
  // JPEGs at least 1000 wide: og 1200 and full 1000; missing.png is unknown, so it passes.
  assert.deepEqual(names(await cardUrls(grid), site), ['full.jpg', 'missing.png', 'og.jpg']);
});

test('copy URLs puts the selected URLs on the clipboard; open opens each in a tab', async (t) => {
  const { browser, grid, at } = await setup(t);
  await grid.click(`[data-url="${at('plain.png')}"]`);
  await grid.click(`[data-url="${at('w800.jpg')}"]`);
  await grid.click('#copy');
  await grid.waitForFunction(() => /copied/.test(document.getElementById('status').textContent));
  assert.equal(await grid.textContent('#status'), '2 URLs copied.');
  // Read back the way a user would: paste into a text box.
  const box = await browser.context.newPage();
  await box.setContent('<textarea id="t"></textarea>');
  await box.focus('#t');
  await box.keyboard.press('Control+V');
  assert.equal(await box.inputValue('#t'), `${at('plain.png')}\n${at('w800.jpg')}`);
  await box.close();
  const opened = [];
  browser.context.on('page', (p) => opened.push(p));
  await grid.click('#open');
  await grid.waitForFunction(() => document.getElementById('status').textContent === '');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(opened.map((p) => p.url()).sort(), [at('plain.png'), at('w800.jpg')]);
});
