// "Download from all tabs": two local pages with different titles, picked in the popup's
// tab list, are saved into one folder per tab (folder template + the tab's title).
// Saving goes through shared/download.ts (the grid part's downloadImages) once merged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic } from './harness.mjs';
import { launchSaving, savedFiles, until } from './shell-harness.mjs';

test('all tabs: one folder per tab', async (t) => {
  const site = await serveStatic();
  const browser = await launchSaving();
  t.after(async () => { await browser.close(); await site.close(); });

  for (const name of ['a', 'b']) {
    const page = await browser.context.newPage();
    await page.goto(`${site.origin}/shell/${name}.html`);
  }
  const picker = await browser.context.newPage();
  await picker.goto(`chrome-extension://${browser.extensionId}/popup.html?view=tabs`);
  await picker.waitForSelector('#tab-list li');
  const listed = await picker.$$eval('#tab-list li', (lis) => lis.map((li) => li.textContent));
  assert.deepEqual(listed.sort(), ['Page A', 'Page B'], 'the web tabs are listed by title (not the extension page)');
  await picker.click('#tabs-download');
  await picker.waitForSelector('#tab-results li');

  const files = await until(async () => {
    const f = await savedFiles(browser);
    return f?.length >= 2 && f;
  }, 'two downloads');
  assert.deepEqual(files, ['imago/127.0.0.1/Page A/red.png', 'imago/127.0.0.1/Page B/blue.png']);
  const results = await picker.$$eval('#tab-results li', (lis) => lis.map((li) => li.textContent));
  assert.ok(results.some((r) => r.includes('Page A') && r.includes('imago/127.0.0.1/Page A')), results.join(' | '));
});
