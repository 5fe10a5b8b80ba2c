// "Save with imago" from the grid through the REAL desktop helper: `imago native-host`
// (target/debug/imago, built by scripts/test-extension.sh) registered for the test profile
// with its own `--install --user-data-dir`, then Chromium starts it when the grid asks.
// The permission is optional and granted only through a prompt a headless browser cannot
// answer, so this loads a copy of dist/ whose manifest asks for it up front.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dist, openGridFor, pages, serveStatic } from './harness.mjs';
import { launchSaving } from './shell-harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const imago = process.env.IMAGO_BIN ?? path.resolve(here, '../../target/debug/imago');
const imgFile = (name) => fs.readFileSync(path.join(pages, 'grid/img', name));

test('the grid saves a selection into a folder through imago native-host, then skips it', async (t) => {
  assert.ok(fs.existsSync(imago), `${imago} is missing: cargo build -p imago-cli (or set IMAGO_BIN)`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imago-native-grid-'));
  const ext = path.join(work, 'ext');
  fs.cpSync(dist, ext, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(ext, 'manifest.json'), 'utf8'));
  manifest.permissions.push('nativeMessaging');
  manifest.optional_permissions = (manifest.optional_permissions ?? []).filter((p) => p !== 'nativeMessaging');
  fs.writeFileSync(path.join(ext, 'manifest.json'), JSON.stringify(manifest));
  const profile = path.join(work, 'profile');
  fs.mkdirSync(profile);
  const site = await serveStatic();
  const browser = await launchSaving({ extensionDir: ext, profile });
  t.after(async () => {
    await browser.close();
    await site.close();
    fs.rmSync(work, { recursive: true, force: true });
  });
  // Chrome reads the host manifest when the extension connects, so the id known only now
  // can be named in it.
  const installed = execFileSync(imago, [
    'native-host', '--install', '--extension-id', browser.extensionId, '--user-data-dir', profile,
  ]).toString();
  assert.match(installed, /dev\.imago\.host\.json/);

  await browser.worker.evaluate((s) => chrome.storage.local.set({ settings: s }), {
    version: 1, nameTemplate: '{name}-{w}x{h}.{ext}',
  });
  const { grid } = await openGridFor(browser, `${site.origin}/grid/all-sources.html`);
  await grid.waitForSelector('#native:not([hidden])');
  for (const n of ['w800.jpg', 'plain.png']) await grid.click(`[data-url="${site.origin}/grid/img/${n}"]`);

  const folder = path.join(work, 'saved');
  await grid.fill('#native-folder', folder);
  await grid.click('#native-save');
  await grid.waitForFunction(() => /Desktop helper/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 30000 });
  assert.equal(await grid.textContent('#status'), 'Desktop helper: 2 saved, 0 already there, 0 failed.');
  assert.deepEqual(fs.readFileSync(path.join(folder, 'plain-200x100.png')), imgFile('plain.png'));
  assert.deepEqual(fs.readFileSync(path.join(folder, 'w800-800x400.jpg')), imgFile('w800.jpg'));

  // Again: the folder's download archive already holds both.
  await grid.click('#native-save');
  await grid.waitForFunction(() => /already there/.test(document.getElementById('status')?.textContent ?? '') &&
    !/^Desktop helper: 2 saved/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 30000 });
  assert.equal(await grid.textContent('#status'), 'Desktop helper: 0 saved, 2 already there, 0 failed.');
  // Converted: the JPEG is saved as a PNG of the same size, named with .png.
  const converted = path.join(work, 'as-png');
  await grid.fill('#native-folder', converted);
  await grid.selectOption('#native-convert', 'png');
  await grid.click('#native-save');
  await grid.waitForFunction(() => /Desktop helper: 2 saved/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 30000 });
  const png = fs.readFileSync(path.join(converted, 'w800-800x400.png'));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [800, 400]);
  assert.deepEqual(fs.readFileSync(path.join(converted, 'plain-200x100.png')), imgFile('plain.png'), 'a PNG stays as it was');
  assert.ok(!fs.existsSync(path.join(converted, 'w800-800x400.jpg')));

  // The folder is remembered for next time.
  const stored = await browser.worker.evaluate(() => chrome.storage.local.get('settings'));
  assert.equal(stored.settings.nativeFolder, converted);
});
