// Screenshots of the grid on all-sources.html in English and Chinese. Each also checks the
// page speaks the browser's language. They go to target/screenshots/extension/ so a test
// run leaves the tree as committed; IMAGO_SAVE_SCREENSHOTS=1 writes them over the copies
// in e2e/screenshots/ that the README links, to refresh those on purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openGridFor, serveStatic } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const shots = process.env.IMAGO_SAVE_SCREENSHOTS === '1'
  ? path.join(here, 'screenshots')
  : path.join(here, '..', '..', 'target', 'screenshots', 'extension');
fs.mkdirSync(shots, { recursive: true });

for (const [locale, count, download] of [
  ['en', '19 images', 'Download'],
  ['zh-CN', '19 张图片', '下载'],
]) {
  test(`grid screenshot in ${locale}`, async (t) => {
    const site = await serveStatic();
    const browser = await launch({ locale });
    t.after(async () => {
      await browser.close();
      await site.close();
    });
    const { grid } = await openGridFor(browser, `${site.origin}/grid/all-sources.html`);
    assert.equal(await grid.textContent('#count'), count);
    assert.equal(await grid.textContent('#download'), download);
    await grid.setViewportSize({ width: 1280, height: 800 });
    // A few selected, so the picture shows what selection looks like.
    for (const i of [1, 2, 5]) await grid.click(`[data-index="${i}"]`);
    await grid.waitForTimeout(300);
    await grid.screenshot({ path: path.join(shots, `grid-${locale}.png`) });
  });
}
