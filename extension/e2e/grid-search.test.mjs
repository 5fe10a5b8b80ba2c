// "Search by image" from the grid: the engine select lists the enabled engines in the
// user's order plus their own server, and searching opens that engine with the image's URL
// encoded into it. Only the user's server (a local page here) is opened: an outside engine
// would send traffic off this machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openGridFor, serveStatic } from './harness.mjs';

test('the grid searches one selected image on the chosen engine', async (t) => {
  const site = await serveStatic();
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await site.close();
  });
  const settings = {
    version: 1,
    server: { url: site.origin, key: 'k', features: ['search'] },
    engines: [
      { id: 'tineye', enabled: true },
      { id: 'google-lens', enabled: false },
    ],
  };
  await browser.worker.evaluate((s) => chrome.storage.local.set({ settings: s }), settings);
  const { grid } = await openGridFor(browser, `${site.origin}/grid/all-sources.html`, { measured: false });

  const options = await grid.$$eval('#search-engine option', (os) => os.map((o) => o.value));
  assert.equal(options[0], 'tineye', 'the user put TinEye first');
  assert.ok(!options.includes('google-lens'), 'a disabled engine is not offered');
  assert.equal(options.at(-1), 'imago-server', 'the own server comes last');

  const image = `${site.origin}/grid/img/plain.png`;
  await grid.click('#search');
  assert.match(await grid.textContent('#status'), /select/i, 'nothing selected: it says so');

  await grid.click(`[data-url="${image}"]`);
  await grid.selectOption('#search-engine', 'imago-server');
  const opened = browser.context.waitForEvent('page');
  await grid.click('#search');
  const tab = await opened;
  await tab.waitForLoadState('domcontentloaded').catch(() => {});
  assert.equal(tab.url(), `${site.origin}/search?url=${encodeURIComponent(image)}`);
});
