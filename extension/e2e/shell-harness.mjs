// What the shell's end-to-end tests (shell-*.test.mjs) add to harness.mjs: a browser that
// saves chrome.downloads files under the names the extension gives them, and small waits.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dist } from './harness.mjs';

/** Like harness.mjs `launch`, but downloads keep their relative paths (`imago/host/a.png`)
 * under `downloads`: Playwright's own download handling renames every file to a GUID, so
 * the profile's download folder is set instead and Chrome's default behaviour restored. */
export async function launchSaving({ locale = 'en-US', extensionDir = dist, profile: given } = {}) {
  if (!fs.existsSync(path.join(dist, 'manifest.json'))) {
    throw new Error(`${dist} is not built: run \`npm run build\` in extension/`);
  }
  const profile = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'imago-ext-profile-'));
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'imago-ext-downloads-'));
  fs.mkdirSync(path.join(profile, 'Default'));
  fs.writeFileSync(
    path.join(profile, 'Default', 'Preferences'),
    JSON.stringify({ download: { default_directory: downloads, prompt_for_download: false, directory_upgrade: true } }),
  );
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    locale,
    acceptDownloads: true,
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
  const first = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(first);
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'default' });
  await cdp.detach();
  const close = async () => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    fs.rmSync(downloads, { recursive: true, force: true });
  };
  return { context, worker, extensionId, downloads, close };
}

/** Every file under `dir`, as relative paths with `/`, sorted. */
export function filesUnder(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.endsWith('.crdownload'))
    .map((d) => path.relative(dir, path.join(d.parentPath ?? d.path, d.name)).split(path.sep).join('/'))
    .sort();
}

/** Polls `fn` until it returns a truthy value (returned) or `ms` pass (throws `what`). */
export async function until(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Width and height of a PNG file, read from its IHDR chunk. */
export function pngSize(file) {
  const b = fs.readFileSync(file);
  if (b.toString('latin1', 1, 4) !== 'PNG') throw new Error(`${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** A real `imago serve` (crates/imago-server/examples/serve_for_e2e.rs: SQLite and a
 * temporary folder, one user) on 127.0.0.1; `{url, key, close}`. */
export async function startServe() {
  const { spawn } = await import('node:child_process');
  const bin = path.resolve(path.dirname(dist), '../target/debug/examples/serve_for_e2e');
  if (!fs.existsSync(bin)) {
    throw new Error(`${bin} is missing: cargo build -p imago-server --example serve_for_e2e`);
  }
  const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.on('exit', (code) => reject(new Error(`serve_for_e2e exited with ${code} before printing its address`)));
  });
  const { url, key } = JSON.parse(line);
  const close = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, key, close };
}
