// Screenshots from the popup: the visible area lands in the download folder as a PNG of the
// window's size in device pixels (not the page's full 3000 px height); a dragged region
// lands as a PNG of the dragged size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveStatic, tabIdOf } from './harness.mjs';
import { filesUnder, launchSaving, pngSize, savedFiles, startServe, until } from './shell-harness.mjs';

const named = (files) => files.filter((f) => /^imago\/127\.0\.0\.1\/screenshot-\d{8}-\d{6}( \(\d+\))?\.png$/.test(f));

test('screenshots of the visible area and of a dragged region', async (t) => {
  const site = await serveStatic();
  const browser = await launchSaving();
  t.after(async () => { await browser.close(); await site.close(); });

  const page = await browser.context.newPage();
  await page.goto(`${site.origin}/shell/tall.html`);
  const tabId = await tabIdOf(browser.worker, page);
  const view = await page.evaluate(() => ({ w: innerWidth, h: innerHeight, dpr: devicePixelRatio, doc: document.documentElement.scrollHeight }));
  assert.ok(view.doc > view.h, 'the page is taller than the window');

  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tab=${tabId}`);
  await popup.click('#shot-visible');
  const [visible] = await until(async () => { const s = named((await savedFiles(browser)) ?? []); return s.length === 1 && s; }, 'the screenshot');
  assert.deepEqual(pngSize(path.join(browser.downloads, visible)), {
    width: Math.round(view.w * view.dpr),
    height: Math.round(view.h * view.dpr),
  });

  // Region: the popup asks, the overlay appears on the page, the user drags 200 x 100.
  await popup.click('#shot-region');
  await page.bringToFront();
  // The overlay's host is the last child of <html> (its content is in a closed shadow root).
  await page.waitForFunction(() => document.documentElement.lastElementChild?.tagName === 'DIV');
  await page.mouse.move(50, 60);
  await page.mouse.down();
  await page.mouse.move(150, 110, { steps: 4 });
  await page.mouse.move(250, 160, { steps: 4 });
  await page.mouse.up();
  const region = await until(async () => named((await savedFiles(browser)) ?? []).find((f) => f !== visible), 'the region screenshot');
  assert.deepEqual(pngSize(path.join(browser.downloads, region)), {
    width: Math.round(200 * view.dpr),
    height: Math.round(100 * view.dpr),
  });
});

test('a screenshot uploaded to imago serve instead of saved', async (t) => {
  const site = await serveStatic();
  const serve = await startServe();
  const browser = await launchSaving();
  t.after(async () => { await browser.close(); await site.close(); await serve.close(); });
  await browser.worker.evaluate(
    (server) => chrome.storage.local.set({ settings: { version: 1, server } }),
    { url: serve.url, key: serve.key },
  );

  const page = await browser.context.newPage();
  await page.goto(`${site.origin}/shell/tall.html`);
  const tabId = await tabIdOf(browser.worker, page);
  const view = await page.evaluate(() => ({ w: innerWidth, h: innerHeight, dpr: devicePixelRatio }));

  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tab=${tabId}`);
  await popup.check('#shot-upload');
  await popup.click('#shot-visible');
  await popup.waitForFunction((origin) => document.getElementById('status')?.textContent?.startsWith(origin), serve.url);
  const hostedUrl = await popup.textContent('#status');
  const file = path.join(browser.downloads, 'hosted.png');
  fs.writeFileSync(file, Buffer.from(await (await fetch(hostedUrl)).arrayBuffer()));
  assert.deepEqual(pngSize(file), { width: Math.round(view.w * view.dpr), height: Math.round(view.h * view.dpr) });
  assert.deepEqual(named(filesUnder(browser.downloads)), [], 'nothing was saved to the download folder');
});
