// Screenshots of the grid on all-sources.html in English and Chinese, saved to
// e2e/screenshots/ (committed; the README links them). Each also checks the page speaks
// the browser's language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openGridFor, serveStatic } from './harness.mjs';

const shots = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

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
