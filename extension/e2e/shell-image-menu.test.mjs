// The image context menu's actions, run as a click on the entry would run them (a headless
// browser cannot open a context menu; the entries themselves are checked by
// shell-menus.test.mjs): download, download in original size through the user's HD rule
// (its first candidate is missing, so the second is saved), upload to a real local
// `imago serve`, and handing an image to a page-only search engine's upload box.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { distE2e, serveStatic, tabIdOf } from './harness.mjs';
import { launchSaving, savedFiles, pngSize, startServe, until } from './shell-harness.mjs';

const red = fs.readFileSync(path.join(import.meta.dirname, 'pages/img/red.png'));

/** Runs a menu entry in the service worker for the image `srcUrl` of `page`'s tab. */
function menuClick(browser, tabId, menuItemId, srcUrl, pageUrl) {
  return browser.worker.evaluate(
    async ({ tabId, menuItemId, srcUrl, pageUrl }) =>
      globalThis.imagoShell.menuClick({ menuItemId, srcUrl, pageUrl, editable: false }, await chrome.tabs.get(tabId)),
    { tabId, menuItemId, srcUrl, pageUrl },
  );
}

async function setSettings(worker, patch) {
  await worker.evaluate(async (p) => {
    const got = (await chrome.storage.local.get('settings')).settings ?? { version: 1 };
    await chrome.storage.local.set({ settings: { ...got, version: 1, ...p } });
  }, patch);
}

test('image menu: download, original size, upload, hand-over', async (t) => {
  const site = await serveStatic();
  const serve = await startServe();
  const browser = await launchSaving({ extensionDir: distE2e });
  t.after(async () => { await browser.close(); await site.close(); await serve.close(); });

  const page = await browser.context.newPage();
  await page.goto(`${site.origin}/shell/a.html`);
  const tabId = await tabIdOf(browser.worker, page);
  const pageUrl = page.url();

  // Download: under imago/{host}, the file's own name.
  const plain = await menuClick(browser, tabId, 'download', `${site.origin}/img/blue.png`, pageUrl);
  assert.deepEqual(plain, { ok: true, filename: 'imago/127.0.0.1/blue.png' });

  // Original size: the thumbnail URL does not exist; the rule proposes /shell/missing/
  // (404) then /img/ (the real file).
  await setSettings(browser.worker, {
    hdRules: "[[rule]]\nname = 'local'\nhosts = ['127.0.0.1']\npattern = '/shell/thumb/'\nreplace = ['/shell/missing/', '/img/']\n",
  });
  const original = await menuClick(browser, tabId, 'download-original', `${site.origin}/shell/thumb/red.png`, pageUrl);
  assert.deepEqual(original, { ok: true, filename: 'imago/127.0.0.1/red.png' });
  await until(async () => (await savedFiles(browser))?.length === 2, 'two downloads');
  assert.deepEqual(fs.readFileSync(path.join(browser.downloads, 'imago/127.0.0.1/red.png')), red);
  assert.ok(fs.statSync(path.join(browser.downloads, 'imago/127.0.0.1/blue.png')).size > 0);

  // Upload: refused without a server, then the hosted copy is the same picture.
  const refused = await menuClick(browser, tabId, 'upload', `${site.origin}/img/red.png`, pageUrl);
  assert.equal(refused.ok, false);
  assert.match(refused.error, /No imago server/);
  await setSettings(browser.worker, { server: { url: serve.url, key: serve.key, features: ['search'] } });
  const up = await menuClick(browser, tabId, 'upload', `${site.origin}/img/red.png`, pageUrl);
  assert.equal(up.ok, true, JSON.stringify(up));
  assert.ok(up.url.startsWith(serve.url), up.url);
  const hosted = Buffer.from(await (await fetch(up.url)).arrayBuffer());
  const local = path.join(browser.downloads, 'hosted.png');
  fs.writeFileSync(local, hosted);
  const wanted = path.join(browser.downloads, 'want.png');
  fs.writeFileSync(wanted, red);
  assert.deepEqual(pngSize(local), pngSize(wanted), 'the hosted image has the size of the original');

  // Search on my imago server: a new tab at {server}/search?url=<encoded image URL>.
  const img = `${site.origin}/img/red.png?a=1&b=2`;
  await menuClick(browser, tabId, 'search:imago-server', img, pageUrl);
  const want = `${serve.url}/search?url=${encodeURIComponent(img)}`;
  const opened = await until(
    () => browser.worker.evaluate(async (u) => (await chrome.tabs.query({})).some((t) => (t.pendingUrl ?? t.url) === u), want),
    'the search tab',
  );
  assert.ok(opened);

  // Hand-over to a page-only engine: the file lands in the page's file input and the
  // banner is there.
  const engine = await browser.context.newPage();
  await engine.goto(`${site.origin}/shell/upload.html`);
  const engineTab = await tabIdOf(browser.worker, engine);
  const did = await browser.worker.evaluate(async ({ tabId, img }) => {
    const blob = await (await fetch(img)).blob();
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const dataUrl = `data:image/png;base64,${btoa(String.fromCharCode(...bytes))}`;
    const texts = { title: 'T', copy: 'Copy', copied: 'C', copyFailed: 'F', fed: 'fed', hint: 'hint' };
    const [r] = await chrome.scripting.executeScript({
      target: { tabId },
      func: globalThis.imagoShell.handoffImage,
      args: [dataUrl, 'red.png', texts],
    });
    return r.result;
  }, { tabId: engineTab, img: `${site.origin}/img/red.png` });
  assert.equal(did, 'fed');
  const file = await engine.evaluate(() => {
    const f = document.getElementById('file').files[0];
    return f && { name: f.name, size: f.size, type: f.type };
  });
  assert.deepEqual(file, { name: 'red.png', size: red.length, type: 'image/png' });
});
