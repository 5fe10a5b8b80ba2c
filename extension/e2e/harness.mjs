// Starts what an end-to-end test needs: a static server on 127.0.0.1 for the test pages
// (e2e/pages/) and Debian's Chromium with the built extension (dist/, the build users load)
// loaded, through playwright-core (no browser download). Every test gets a fresh profile.
import zlib from 'node:zlib';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const dist = path.resolve(here, '../dist');
/** The build with the hooks only tests use (`npm run build:e2e`): the menu tests need it,
 * since a headless browser cannot open a context menu. */
export const distE2e = path.resolve(here, '../dist-e2e');
export const pages = path.join(here, 'pages');

const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.svg': 'image/svg+xml',
};

/** Serves `dir` on 127.0.0.1 (port 0). `routes` may answer paths itself: (req, res) => bool. */
export async function serveStatic(dir = pages, routes = () => false) {
  const server = http.createServer((req, res) => {
    if (routes(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    const file = path.join(dir, path.normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, ''));
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/** Chromium with the unpacked extension; returns the context, the extension's id and a
 * `downloads` folder the browser saves into without asking. */
export function launch({ locale = 'en-US', extensionDir } = {}) {
  return start({ locale, keepNames: false, extensionDir });
}

/** One Chromium with an unpacked extension (`extensionDir`, dist/ by default) and a fresh
 * profile (or `profile`). With `keepNames`, downloads keep the relative paths the extension
 * gives them under `downloads`: Playwright's own download handling saves every file under a
 * random id, so the profile's download folder is set in its Preferences and downloads are
 * handed back to the browser's default behaviour. */
async function start({ locale, keepNames, extensionDir = dist, profile: given }) {
  if (!fs.existsSync(path.join(extensionDir, 'manifest.json'))) {
    throw new Error(`${extensionDir} is not built: run \`npm run build\` in extension/`);
  }
  const profile = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'imago-ext-profile-'));
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'imago-ext-downloads-'));
  if (keepNames) {
    fs.mkdirSync(path.join(profile, 'Default'), { recursive: true });
    fs.writeFileSync(
      path.join(profile, 'Default', 'Preferences'),
      JSON.stringify({ download: { default_directory: downloads, prompt_for_download: false, directory_upgrade: true } }),
    );
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    locale,
    acceptDownloads: !keepNames,
    ...(keepNames ? {} : { downloadsPath: downloads }),
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--lang=${locale}`,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  });
  let [worker] = context.serviceWorkers();
  worker ??= await context.waitForEvent('serviceworker', { timeout: 15000 });
  const extensionId = new URL(worker.url()).host;
  if (keepNames) {
    const first = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(first);
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'default' });
    await cdp.detach();
  }
  const close = async () => {
    await context.close();
    if (!given) fs.rmSync(profile, { recursive: true, force: true });
    fs.rmSync(downloads, { recursive: true, force: true });
  };
  return { context, worker, extensionId, downloads, close };
}

/** The id Chrome gave `page`'s tab, asked from the service worker. */
export async function tabIdOf(worker, page) {
  const url = page.url();
  return worker.evaluate(async (u) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((t) => t.url === u)?.id ?? -1;
  }, url);
}

/** Like `launch`, but downloads keep the names the extension gives them (folders
 * included) under `downloads`; `extensionDir` and `profile` as for `start`. */
export function launchKeepingNames({ locale = 'en-US', extensionDir, profile } = {}) {
  return start({ locale, keepNames: true, extensionDir, profile });
}

/** Waits until every download the extension started is complete (or failed); answers
 * their states and full paths. */
export async function downloadsDone(worker, count, timeoutMs = 15000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const items = await worker.evaluate(async () =>
      (await chrome.downloads.search({})).map((d) => ({ state: d.state, filename: d.filename, url: d.url, error: d.error })),
    );
    if (items.length >= count && items.every((d) => d.state !== 'in_progress')) return items;
    if (Date.now() > until) throw new Error(`downloads not done after ${timeoutMs} ms: ${JSON.stringify(items)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Opens `url` in a tab, then the grid for that tab; waits for the first cards and, with
 * `measured`, until every image was probed. Returns both pages. */
export async function openGridFor(browser, url, { measured = true } = {}) {
  const page = await browser.context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const tabId = await tabIdOf(browser.worker, page);
  if (tabId < 0) throw new Error(`no tab id for ${url}`);
  const grid = await browser.context.newPage();
  await grid.goto(`chrome-extension://${browser.extensionId}/grid.html?tab=${tabId}`);
  await grid.waitForSelector('[data-url]', { timeout: 20000 });
  if (measured) await gridMeasured(grid);
  return { page, grid };
}

/** Waits until the grid has probed every image and redrawn. */
export async function gridMeasured(grid, timeout = 20000) {
  await grid.waitForFunction(() => document.body.dataset.probing === '0' && !document.body.dataset.collecting, null, { timeout });
  // Probes redraw at most every 250 ms: let the last one land.
  await grid.waitForTimeout(400);
}

/** The `data-url` of every card in the DOM, sorted. */
export async function cardUrls(grid) {
  return grid.$$eval('[data-url]', (cards) => cards.map((c) => c.getAttribute('data-url')).sort());
}

/** The entries of a stored ZIP, read through its central directory. */
export function unzip(buf) {
  const end = buf.length - 22;
  assert.equal(buf.readUInt32LE(end), 0x06054b50, 'end of central directory');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const out = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50);
    const crc = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    assert.equal(zlib.crc32(data), crc, `${name}: CRC`);
    out.set(name, data);
    at += 46 + nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return out;
}
