// The options page: "test connection" asks the server's /healthz, a server and templates
// are saved to chrome.storage.local, and a rule with an error is shown with its line
// (and nothing is saved while it is wrong).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, serveStatic } from './harness.mjs';

const stored = (worker) => worker.evaluate(() => chrome.storage.local.get('settings').then((g) => g.settings));

test('options: server, templates and a rule error with its line', async (t) => {
  let healthz = 0;
  const server = await serveStatic(undefined, (req, res) => {
    // Saving asks what the server offers: this one says it searches by image.
    if (req.url === '/api/v2/config') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"features":["search"],"max_bytes":1}');
      return true;
    }
    if (req.url !== '/healthz') return false;
    healthz += 1;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return true;
  });
  const browser = await launch();
  t.after(async () => { await browser.close(); await server.close(); });

  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.waitForSelector('#engines li');
  await page.fill('#server-url', `${server.origin}/`);
  await page.fill('#server-key', 'secret-key');
  await page.click('#server-test');
  await page.waitForSelector('#server-result.ok');
  assert.equal(healthz, 1, 'the test asked /healthz once');

  // Engines: Bing off, TinEye moved up above Yandex.
  await page.uncheck('#engine-bing');
  await page.click('#engines li[data-engine="tineye"] button[title="Move up"]');
  const order = await page.$$eval('#engines li', (lis) => lis.slice(0, 4).map((li) => li.dataset.engine));
  assert.deepEqual(order, ['google-lens', 'bing', 'tineye', 'yandex']);

  await page.fill('#folder-template', 'pics/{host}');
  await page.waitForFunction(() => document.getElementById('name-preview')?.textContent === 'pics/example.com/cat.jpg');
  await page.click('#save');
  await page.waitForSelector('#status.ok');
  const saved = await stored(browser.worker);
  assert.deepEqual(
    saved.server,
    { url: server.origin, key: 'secret-key', features: ['search'] },
    'stored without the trailing slash, with what the server offers',
  );
  assert.equal(saved.folderTemplate, 'pics/{host}');
  assert.equal(saved.version, 1);
  assert.deepEqual(saved.engines.slice(0, 4), [
    { id: 'google-lens', enabled: true },
    { id: 'bing', enabled: false },
    { id: 'tineye', enabled: true },
    { id: 'yandex', enabled: true },
  ]);

  // Line 1 is a comment, line 2 is not TOML.
  await page.fill('#hd-rules', '# my rules\nthis is not = = toml\n');
  await page.click('#save');
  await page.waitForSelector('#status.error');
  const err = page.locator('#rules-error');
  assert.equal(await err.getAttribute('data-line'), '2');
  assert.equal(await err.getAttribute('data-origin'), 'hd-rules');
  assert.match(await err.textContent(), /HD rules, line 2/);
  assert.equal((await stored(browser.worker)).hdRules, '', 'the wrong rules were not saved');

  // Fixed, it saves.
  await page.fill('#hd-rules', '# my rules\n');
  await page.click('#save');
  await page.waitForSelector('#status.ok');
  assert.equal((await stored(browser.worker)).hdRules, '# my rules\n');
  assert.equal(await err.textContent(), '');

  // Export, then import the file back after clearing the text.
  await page.fill('#site-rules', '# site\n');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#rules-export')]);
  assert.equal(download.suggestedFilename(), 'imago-rules.json');
  const exported = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(exported, { imago: 'rules', version: 1, hdRules: '# my rules\n', siteRules: '# site\n' });
  await page.fill('#hd-rules', '');
  await page.fill('#site-rules', '');
  const file = path.join(os.tmpdir(), `imago-rules-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify({ hdRules: '# imported\n', siteRules: '[broken\n' }));
  t.after(() => fs.rmSync(file, { force: true }));
  await page.setInputFiles('#rules-import', file);
  await page.waitForFunction(() => document.getElementById('hd-rules').value === '# imported\n');
  // The imported site rules are wrong on line 1: shown at once.
  await page.waitForSelector('#rules-error[data-line="1"][data-origin="site-rules"]');
});
