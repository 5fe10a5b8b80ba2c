// The smallest path through the extension: a page with two <img>, the grid opened for its
// tab shows one card per picture with its URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, serveStatic, tabIdOf } from './harness.mjs';

test('the grid shows the images of a tab', async (t) => {
  const site = await serveStatic();
  const browser = await launch();
  t.after(async () => { await browser.close(); await site.close(); });

  const page = await browser.context.newPage();
  await page.goto(`${site.origin}/basic.html`);
  const tabId = await tabIdOf(browser.worker, page);
  assert.ok(tabId >= 0, 'the page tab has an id');

  const grid = await browser.context.newPage();
  await grid.goto(`chrome-extension://${browser.extensionId}/grid.html?tab=${tabId}`);
  await grid.waitForSelector('[data-url]');
  const urls = await grid.$$eval('[data-url]', (cards) => cards.map((c) => c.getAttribute('data-url')).sort());
  assert.deepEqual(urls, [`${site.origin}/img/blue.png`, `${site.origin}/img/red.png`]);
});
