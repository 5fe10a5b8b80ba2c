// What the grid does with a selection, checked where it lands: files with the templated
// names in the download folder, a ZIP holding the files byte-exact, an upload that a real
// `imago serve` (crates/imago-server/examples/serve_for_e2e) then lists and serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { downloadsDone, launchKeepingNames, openGridFor, pages, serveStatic, unzip } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const imgFile = (name) => fs.readFileSync(path.join(pages, 'grid/img', name));
const today = () => {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};

async function setup(t, settings) {
  const site = await serveStatic();
  const browser = await launchKeepingNames();
  t.after(async () => {
    await browser.close();
    await site.close();
  });
  if (settings) await browser.worker.evaluate((s) => chrome.storage.local.set({ settings: s }), { version: 1, ...settings });
  const { grid } = await openGridFor(browser, `${site.origin}/grid/all-sources.html`);
  const select = async (...names) => {
    for (const n of names) await grid.click(`[data-url="${site.origin}/grid/img/${n}"]`);
    assert.equal(await grid.textContent('#selected-count'), `${names.length} selected`);
  };
  return { site, browser, grid, select };
}

test('downloading two selected images writes them under the templated names', async (t) => {
  const { browser, grid, select } = await setup(t, { folderTemplate: 'shots/{host}', nameTemplate: '{n:02}-{name}-{w}x{h}.{ext}' });
  await select('w800.jpg', 'plain.png');
  await grid.click('#download');
  await grid.waitForFunction(() => /saved/.test(document.getElementById('status').textContent));
  assert.equal(await grid.textContent('#status'), '2 saved, 0 failed.');
  const done = await downloadsDone(browser.worker, 2);
  assert.ok(done.every((d) => d.state === 'complete'), JSON.stringify(done));
  // {n} counts in the grid's order (page order: plain.png comes first); {w}x{h} as probed.
  const dir = path.join(browser.downloads, 'shots', '127.0.0.1');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['01-plain-200x100.png', '02-w800-800x400.jpg']);
  assert.deepEqual(fs.readFileSync(path.join(dir, '01-plain-200x100.png')), imgFile('plain.png'));
  assert.deepEqual(fs.readFileSync(path.join(dir, '02-w800-800x400.jpg')), imgFile('w800.jpg'));
});


test('a ZIP of three selected images holds them byte-exact', async (t) => {
  const { browser, grid, select } = await setup(t);
  await select('full.jpg', 'pic.webp', 'shadow.png');
  await grid.click('#zip');
  await grid.waitForFunction(() => /ZIP/.test(document.getElementById('status').textContent));
  assert.equal(await grid.textContent('#status'), 'ZIP of 3 files saved.');
  const [done] = await downloadsDone(browser.worker, 1);
  assert.equal(done.state, 'complete');
  // The default folder template imago/{host}; the default name template {name}.{ext}.
  const file = path.join(browser.downloads, 'imago', '127.0.0.1', `imago-127.0.0.1-${today()}.zip`);
  assert.equal(done.filename, file);
  const entries = unzip(fs.readFileSync(file));
  assert.deepEqual([...entries.keys()], ['pic.webp', 'full.jpg', 'shadow.png']);
  for (const [name, data] of entries) assert.deepEqual(data, imgFile(name), `${name} byte-exact`);
});

/** Starts serve_for_e2e (built by scripts/test-extension.sh) and reads its {url, key}. */
async function imagoServe(t) {
  const bin = path.resolve(here, '../../target/debug/examples/serve_for_e2e');
  assert.ok(fs.existsSync(bin), `${bin} is missing: cargo build -p imago-server --example serve_for_e2e`);
  const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGTERM'));
  const line = await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serve_for_e2e exited with ${code}`)));
  });
  return JSON.parse(line);
}

test('uploading a selected image puts it on the user imago server', async (t) => {
  const server = await imagoServe(t);
  const { grid, select } = await setup(t, { server: { url: server.url, key: server.key } });
  await select('plain.png');
  await grid.click('#upload');
  await grid.waitForFunction(() => /uploaded/.test(document.getElementById('status').textContent));
  assert.equal(await grid.textContent('#status'), '1 uploaded, 0 failed.');
  const link = grid.locator('#results a');
  const shownUrl = await link.textContent();
  assert.match(shownUrl, new RegExp(`^${server.url}/i/\\w+\\.png$`));
  assert.match(await link.getAttribute('href'), new RegExp(`^${server.url}/v/\\w+$`));
  // The server lists it for the key's user, and serves the very bytes.
  const list = await (await fetch(`${server.url}/api/v2/images`, { headers: { 'X-API-Key': server.key } })).json();
  assert.equal(list.images.length, 1);
  assert.equal(list.images[0].url, shownUrl);
  assert.equal(list.images[0].width, 200);
  assert.deepEqual(Buffer.from(await (await fetch(shownUrl)).arrayBuffer()), imgFile('plain.png'));
});

test('without a server the upload button says where to set one up', async (t) => {
  const { grid, select } = await setup(t);
  await select('plain.png');
  await grid.click('#upload');
  await grid.waitForFunction(() => /server/.test(document.getElementById('status').textContent));
  assert.equal(await grid.textContent('#status'), 'No imago server is set up: add one in the options.');
});
