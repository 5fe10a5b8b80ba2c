// Shared by the browser tests: a real server (SQLite + local store in a temp folder),
// Debian's chromium through playwright-core, and test files.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..', '..', '..');
export const SHARED = process.env.IMAGO_SHARED_IMAGES || join(ROOT, '..', 'shared', 'images');
// Screenshots go to target/ so a test run leaves the tree as committed;
// IMAGO_SAVE_SCREENSHOTS=1 refreshes the committed ones in e2e/screenshots/ on purpose.
export const SCREENSHOTS = process.env.IMAGO_SAVE_SCREENSHOTS === '1'
  ? join(here, '..', 'screenshots')
  : join(ROOT, 'target', 'screenshots', 'serve');
mkdirSync(SCREENSHOTS, { recursive: true });
export const LIMIT = 1024 * 1024;

/**
 * Starts the server. IMAGO_E2E_SERVER is the command (default: the serve_for_e2e
 * example); it must print one JSON line {"url", "key", "name", "password"} on stdout.
 */
export async function startServer() {
  const cmd = process.env.IMAGO_E2E_SERVER || join(ROOT, 'target', 'debug', 'examples', 'serve_for_e2e');
  const [bin, ...args] = cmd.split(' ').filter(Boolean);
  const child = spawn(bin, [...args, '--body-limit', String(LIMIT)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start in 30 s')), 30000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    lines.once('line', (line) => { clearTimeout(timer); resolve(line); });
  });
  const { url, key, name, password } = JSON.parse(first);
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`unexpected server url ${url}`);
  return { url, key, name, password, stop: () => child.kill('SIGTERM') };
}

/** A fresh browser (own profile) in `locale` (a phone's screen and touch if `phone`),
 * with every request recorded. */
export async function openPage(server, locale = 'en-US', phone = false) {
  const profile = mkdtempSync(join(tmpdir(), 'imago-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    locale,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--lang=${locale}`],
    viewport: phone ? { width: 390, height: 844 } : { width: 1100, height: 1000 },
    ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const requests = [];
  const problems = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return { context, page, requests, problems };
}

/** Opens `path` and waits until the page has wired its handlers. */
export async function open(page, server, path = '/') {
  await page.goto(server.url + path);
  await page.waitForSelector('body[data-ready="1"]', { state: 'attached' });
}

export async function signIn(page, server) {
  await open(page, server, '/');
  await page.fill('#key', server.key);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#signed-in:not([hidden])');
}

/** Test files that the tests make: too large, an SVG, a bad PNG, a unique BMP. */
export function madeFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'imago-e2e-files-'));
  mkdirSync(dir, { recursive: true });
  // Starts like a JPEG so that only its size is wrong.
  const big = Buffer.alloc(LIMIT + 1, 0x20);
  big.set([0xff, 0xd8, 0xff, 0xe0], 0);
  writeFileSync(join(dir, 'too-large.jpg'), big);
  writeFileSync(join(dir, 'drawing.svg'), readFileSync(join(SHARED, 'hostile', 'logo.svg')));
  return { dir, big: join(dir, 'too-large.jpg'), svg: join(dir, 'drawing.svg') };
}

/** A 3x2 24-bit BMP with random pixels: bytes no earlier upload had. */
export function uniqueBmp(dir, name) {
  const w = 3; const h = 2; const row = 12; // 9 bytes padded to 4
  const size = 54 + row * h;
  const b = Buffer.alloc(size);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(size, 2); b.writeUInt32LE(54, 10); b.writeUInt32LE(40, 14);
  b.writeInt32LE(w, 18); b.writeInt32LE(h, 22); b.writeUInt16LE(1, 26); b.writeUInt16LE(24, 28);
  b.writeUInt32LE(row * h, 34);
  for (let i = 54; i < size; i += 1) b[i] = Math.floor(Math.random() * 256);
  const path = join(dir, name);
  writeFileSync(path, b);
  return path;
}

/** POST /api/1/upload from the test itself (not through the page). */
export async function apiUpload(server, path) {
  const form = new FormData();
  form.append('source', new Blob([readFileSync(path)]), 'api-upload');
  const res = await fetch(`${server.url}/api/1/upload`, { method: 'POST', headers: { 'X-API-Key': server.key }, body: form });
  return { status: res.status, body: await res.json() };
}

export async function apiGet(server, path) {
  const res = await fetch(server.url + path, { headers: { 'X-API-Key': server.key } });
  return { status: res.status, body: await res.json() };
}

/** Waits until every queued file has finished (uploaded or failed). */
export async function waitForQueue(page, count) {
  await page.waitForFunction((n) => {
    const items = [...document.querySelectorAll('#queue .item')];
    return items.length === n && items.every((li) => li.dataset.state === 'done' || li.dataset.state === 'failed');
  }, count, { timeout: 60000 });
}

/** Every request the browser made went to the server (blob:/data: stay in the page). */
export function foreignRequests(requests) {
  return requests.filter((u) => {
    const url = new URL(u);
    if (url.protocol === 'data:') return false;
    if (url.protocol === 'blob:') return !u.startsWith('blob:http://127.0.0.1:');
    return url.hostname !== '127.0.0.1';
  });
}

/** Waits until the search page has an answer (results, none, an error) or says search is
 * off; its state ('done', 'empty', 'failed' or 'off'). */
export async function waitForSearch(page, timeout = 60000) {
  await page.waitForFunction(() => {
    const s = document.getElementById('search-view').dataset.state;
    return s === 'done' || s === 'empty' || s === 'failed' || s === 'off';
  }, null, { timeout });
  return page.locator('#search-view').getAttribute('data-state');
}
