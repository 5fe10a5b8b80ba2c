// What the shell's end-to-end tests (shell-*.test.mjs) add to harness.mjs: a browser that
// saves chrome.downloads files under the names the extension gives them, and small waits.
import fs from 'node:fs';
import path from 'node:path';
import { dist, launchKeepingNames } from './harness.mjs';

/** The browser of the shell's tests: downloads keep their relative paths
 * (`imago/host/a.png`) under `downloads` (harness.mjs `launchKeepingNames`). */
export const launchSaving = launchKeepingNames;

/** Every file under `dir`, as relative paths with `/`, sorted. */
export function filesUnder(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.endsWith('.crdownload'))
    .map((d) => path.relative(dir, path.join(d.parentPath ?? d.path, d.name)).split(path.sep).join('/'))
    .sort();
}

/** The files under the browser's download folder (as `filesUnder`), or null while a
 * download is in progress: Chromium creates the final name empty when a download starts and
 * fills it only at the end, so a name alone does not mean the bytes are there. */
export async function savedFiles(browser) {
  const busy = await browser.worker.evaluate(async () => (await chrome.downloads.search({ state: 'in_progress' })).length);
  return busy ? null : filesUnder(browser.downloads);
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
