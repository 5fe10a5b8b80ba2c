// The ad/tracker lists the extension ships (EasyList, EasyPrivacy) in Chromium: the grid
// hides the image EasyList names and says so; with the option off it shows it again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardUrls, launch, openGridFor, serveStatic } from './harness.mjs';

async function gridOf(t, settings) {
  const site = await serveStatic();
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await site.close();
  });
  if (settings) await browser.worker.evaluate((s) => chrome.storage.local.set({ settings: s }), { version: 1, ...settings });
  const { grid } = await openGridFor(browser, `${site.origin}/grid/ads.html`);
  return { site, grid };
}

test('the grid hides the image EasyList names and says how many it hid', async (t) => {
  const { site, grid } = await gridOf(t);
  assert.deepEqual(await cardUrls(grid), [`${site.origin}/img/blue.png`, `${site.origin}/img/red.png`]);
  assert.equal(await grid.textContent('#status'), 'Hidden as ads or trackers (EasyList, EasyPrivacy): 1.');
  assert.equal(await grid.textContent('#error'), '');
});

test('with "hide ads and trackers" off, the ad is a card like the others', async (t) => {
  const { site, grid } = await gridOf(t, { blockAds: false });
  assert.deepEqual(await cardUrls(grid), [
    `${site.origin}/grid/adbanners/sale.png`,
    `${site.origin}/img/blue.png`,
    `${site.origin}/img/red.png`,
  ]);
  assert.equal(await grid.textContent('#status'), '');
});
