// Click-to-download: turned on from the popup for one tab, a click on an image inside a link
// saves the image under the folder template (imago/{host}) and does not follow the link;
// turned off, the same click follows the link again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveStatic, tabIdOf } from './harness.mjs';
import { filesUnder, launchSaving, savedFiles, until } from './shell-harness.mjs';

test('click-to-download saves the clicked image and stops the click', async (t) => {
  const site = await serveStatic();
  const browser = await launchSaving();
  t.after(async () => { await browser.close(); await site.close(); });

  const page = await browser.context.newPage();
  await page.goto(`${site.origin}/shell/click.html`);
  const tabId = await tabIdOf(browser.worker, page);

  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tab=${tabId}`);
  await popup.check('#click-mode');
  await popup.waitForFunction(() => document.getElementById('status')?.textContent !== '');
  const badge = await browser.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
  assert.equal(badge, 'ON', 'the toolbar badge shows the mode is on for the tab');

  await page.bringToFront();
  await page.click('#red');
  const saved = await until(async () => (await savedFiles(browser))?.find((f) => f.endsWith('red.png')), 'red.png in the downloads');
  assert.equal(saved, 'imago/127.0.0.1/red.png', 'saved under the default folder template imago/{host}');
  const original = fs.readFileSync(path.join(import.meta.dirname, 'pages/img/red.png'));
  assert.deepEqual(fs.readFileSync(path.join(browser.downloads, saved)), original, 'the saved file is the image');
  assert.equal(new URL(page.url()).pathname, '/shell/click.html', 'the link was not followed');

  // Off: the listener is gone and the link works again.
  await popup.bringToFront();
  await popup.uncheck('#click-mode');
  await until(
    () => browser.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId).then((b) => b === ''),
    'the badge to clear',
  );
  await page.bringToFront();
  await Promise.all([page.waitForURL('**/shell/elsewhere.html'), page.click('#red')]);
  assert.equal(filesUnder(browser.downloads).length, 1, 'no second download');
});
