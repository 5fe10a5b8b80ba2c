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
  const { browser, site } = await withHelper(t, work);

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

  // Scaled down on the way: og.jpg (1200 x 630) to 1000 px, named for its new size;
  // plain.png (200 x 100) is within it and saved as downloaded.
  const scaled = path.join(work, 'scaled');
  await grid.click(`[data-url="${site.origin}/grid/img/w800.jpg"]`);
  await grid.click(`[data-url="${site.origin}/grid/img/og.jpg"]`);
  await grid.fill('#native-folder', scaled);
  await grid.selectOption('#native-convert', '');
  await grid.selectOption('#native-max', '1000');
  await grid.click('#native-save');
  await grid.waitForFunction(() => /Desktop helper: 2 saved/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 30000 });
  assert.deepEqual(fs.readdirSync(scaled).filter((f) => !f.startsWith('.')).sort(), ['og-1000x525.jpg', 'plain-200x100.png']);
  assert.deepEqual(jpegSize(fs.readFileSync(path.join(scaled, 'og-1000x525.jpg'))), [1000, 525]);
  assert.deepEqual(fs.readFileSync(path.join(scaled, 'plain-200x100.png')), imgFile('plain.png'));
});

/** A JPEG's [width, height] from its first start-of-frame marker. */
function jpegSize(jpeg) {
  let i = 2;
  while (i + 9 < jpeg.length) {
    const marker = jpeg[i + 1];
    const length = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return [jpeg.readUInt16BE(i + 7), jpeg.readUInt16BE(i + 5)];
    }
    i += 2 + length;
  }
  throw new Error('no start-of-frame marker');
}

test('stitch selected: the helper joins the selection into one long image in the folder', async (t) => {
  assert.ok(fs.existsSync(imago), `${imago} is missing: cargo build -p imago-cli (or set IMAGO_BIN)`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imago-native-stitch-'));
  const { browser, site } = await withHelper(t, work);
  const { grid } = await openGridFor(browser, `${site.origin}/grid/all-sources.html`);
  // Shown once the helper answered its ping.
  await grid.waitForSelector('#native-stitch:not([hidden])', { timeout: 30000 });
  for (const n of ['w800.jpg', 'plain.png', 'og.jpg']) await grid.click(`[data-url="${site.origin}/grid/img/${n}"]`);
  const folder = path.join(work, 'listing');
  await grid.fill('#native-folder', folder);
  await grid.click('#native-stitch');
  await grid.waitForFunction(() => /stitched into/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 30000 });
  assert.equal(await grid.textContent('#status'), 'Desktop helper: 3 images stitched into 1 file(s).');
  const files = fs.readdirSync(folder);
  assert.equal(files.length, 1, files.join(', '));
  assert.match(files[0], /^stitched-.*\.jpg$/);
  assert.equal(await grid.textContent('#results li'), path.join(folder, files[0]));
  // At the narrowest width (plain.png's 200): 800x400 -> 200x100, 200x100, 1200x630 -> 200x105.
  assert.deepEqual(jpegSize(fs.readFileSync(path.join(folder, files[0]))), [200, 305]);
});

test('stitch selected stays hidden when the helper does not answer', async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imago-native-absent-'));
  const { browser, site } = await withHelper(t, work, { install: false });
  const { grid } = await openGridFor(browser, `${site.origin}/grid/all-sources.html`);
  await grid.waitForSelector('#native:not([hidden])');
  // The ping fails at once (no host manifest); give the answer time to arrive anyway.
  await grid.waitForTimeout(1500);
  assert.equal(await grid.isHidden('#native-stitch'), true);
});

/** A browser with a copy of dist/ that holds the nativeMessaging permission, a static
 * site, and (unless `install: false`) the real helper registered for its profile. */
async function withHelper(t, work, { install = true } = {}) {
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
  if (install) {
    // Chrome reads the host manifest when the extension connects, so the id known only
    // now can be named in it.
    const installed = execFileSync(imago, [
      'native-host', '--install', '--extension-id', browser.extensionId, '--user-data-dir', profile,
    ]).toString();
    assert.match(installed, /dev\.imago\.host\.json/);
  }
  return { browser, site };
}
