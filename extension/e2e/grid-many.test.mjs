// 2,000 images: the grid counts them all, keeps only a screenful of cards in the DOM,
// and scrolling to the end shows the last one. Prints how long the first render took.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openGridFor, serveStatic } from './harness.mjs';

test('2,000 images stay responsive: virtualized cards, the last one reachable', async (t) => {
  const site = await serveStatic();
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await site.close();
  });
  const { grid } = await openGridFor(browser, `${site.origin}/grid/many.html`, { measured: false });
  await grid.waitForFunction(() => document.body.dataset.firstRenderMs !== undefined);
  const ms = Number(await grid.evaluate(() => document.body.dataset.firstRenderMs));
  t.diagnostic(`first render of 2,000 images (collect + merge + filter + sort + first cards): ${ms} ms`);
  assert.equal(await grid.textContent('#count'), '2000 images');
  assert.equal(await grid.textContent('#shown'), '2000 shown');
  const inDom = await grid.locator('[data-url]').count();
  assert.ok(inDom > 0 && inDom < 100, `only the visible rows are cards (${inDom})`);

  const last = `${site.origin}/grid/img/plain.png?n=2000`;
  assert.equal(await grid.locator(`[data-url="${last}"]`).count(), 0, 'the last card is not built yet');
  await grid.$eval('#grid', (g) => {
    g.scrollTop = g.scrollHeight;
  });
  await grid.waitForSelector(`[data-url="${last}"]`, { timeout: 5000 });
  assert.ok((await grid.locator('[data-url]').count()) < 100, 'still a screenful after scrolling');
  // A click selects at once while the probes run: timed inside the page (the handler
  // redraws synchronously), without Playwright's own round trips.
  const clickMs = await grid.$eval(`[data-url="${last}"]`, (card) => {
    const t0 = performance.now();
    card.click();
    return performance.now() - t0;
  });
  assert.equal(await grid.textContent('#selected-count'), '1 selected');
  t.diagnostic(`click to selected card redrawn, 2,000 images: ${clickMs.toFixed(1)} ms`);
  await grid.click('#select-all');
  assert.equal(await grid.textContent('#selected-count'), '2000 selected');
});
