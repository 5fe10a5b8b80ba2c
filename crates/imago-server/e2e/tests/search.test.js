// The search page (/search) in a real browser: a picked file and an image address (as the
// browser extension opens `/search?url=`) find the uploaded images, best first, with their
// kind of match, score, size, page and link; a file that is no image gets the server's
// reason; in Chinese and at a phone's width; and no request leaves the server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startServer, openPage, open, signIn, apiUpload, waitForSearch, foreignRequests,
  SHARED, SCREENSHOTS,
} from './support.js';

const JPG = join(SHARED, 'formats', 'sample.jpg');
const PNG = join(SHARED, 'formats', 'sample.png');

let server;
let jpg;
let png;
let notImage;
before(async () => {
  server = await startServer();
  for (const path of [JPG, PNG]) {
    const up = await apiUpload(server, path);
    assert.equal(up.status, 200, JSON.stringify(up.body));
    if (path === JPG) jpg = up.body.image; else png = up.body.image;
  }
  const dir = mkdtempSync(join(tmpdir(), 'imago-e2e-search-'));
  notImage = join(dir, 'notes.txt');
  writeFileSync(notImage, 'These are notes, not a picture.\n'.repeat(20));
});
after(() => server && server.stop());

/** What the API itself answers for `path` sent as the file to search for. */
async function apiSearch(path, withKey = true) {
  const form = new FormData();
  form.append('source', new Blob([readFileSync(path)]), 'query');
  const res = await fetch(`${server.url}/api/v2/search`, {
    method: 'POST', headers: withKey ? { 'X-API-Key': server.key } : {}, body: form,
  });
  return { status: res.status, body: await res.json() };
}

const first = (page) => page.locator('#results .result').first();

/** The first result card, as the page shows it. */
async function firstCard(page) {
  const card = first(page);
  return {
    match: await card.getAttribute('data-match'),
    badge: await card.locator('.badge').textContent(),
    score: await card.locator('.score').textContent(),
    dims: await card.locator('.dims').textContent(),
    open: await card.locator('.open').getAttribute('href'),
    thumbLink: await card.locator('.result-thumb').getAttribute('href'),
    thumb: await card.locator('.result-thumb img').getAttribute('src'),
  };
}

async function thumbnailsDecoded(page) {
  await page.waitForFunction(() => [...document.querySelectorAll('#results img')]
    .every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 20000 });
}

test('the server offers search (the page depends on it)', async () => {
  const config = await (await fetch(`${server.url}/api/v2/config`)).json();
  assert.ok((config.features || []).includes('search'), `features: ${JSON.stringify(config.features)}`);
});

test('a picked file finds the same image first, as an exact match', { timeout: 120000 }, async () => {
  const { context, page, requests, problems } = await openPage(server, 'en-US');
  try {
    await signIn(page, server);
    // The upload page links to the search page, and back.
    assert.equal(await page.locator('.nav a[href="/search"]').textContent(), 'Search by image');
    await page.click('.nav a[href="/search"]');
    await page.waitForURL('**/search');
    await page.waitForSelector('body[data-ready="1"]', { state: 'attached' });
    assert.equal(await page.title(), 'Search by image · imago');
    assert.equal(await page.locator('#search-off').isHidden(), true);
    assert.equal(await page.locator('.drop-title').textContent(), 'Drop an image to find it on this server');
    assert.equal(await page.locator('#who').textContent(), `Signed in as ${server.name}`);
    assert.equal(await page.locator('#scope').textContent(), 'Your own unlisted and private images are searched too.');
    assert.equal(await page.locator('#camera').getAttribute('capture'), 'environment');
    assert.equal(await page.locator('#camera').getAttribute('accept'), 'image/*');
    assert.equal(await page.locator('.nav a[href="/"]').textContent(), 'Upload');

    // By file: the same JPEG comes first, as an exact match.
    await page.setInputFiles('#picker', [JPG]);
    assert.equal(await waitForSearch(page), 'done', await page.locator('#search-error').textContent());
    const api = await apiSearch(JPG);
    assert.equal(api.status, 200);
    const card = await firstCard(page);
    assert.equal(card.match, 'exact');
    assert.equal(card.badge, 'Exact');
    assert.equal(card.open, jpg.url_viewer);
    assert.equal(card.thumbLink, jpg.url_viewer);
    assert.equal(card.thumb.split('?')[0], (api.body.results[0].thumb_url || api.body.results[0].url).split('?')[0]);
    assert.match(card.score, /^\d{1,3}% match$/);
    assert.equal(card.score, `${Math.round(api.body.results[0].score * 100)}% match`);
    assert.equal(card.dims, `${jpg.width} × ${jpg.height}`);
    assert.equal(await page.locator('#results .result').count(), api.body.results.length);
    const count = api.body.results.length;
    assert.equal(await page.locator('#search-status').textContent(), count === 1 ? '1 matching image' : `${count} matching images`);
    // The server says whether it has the model; without it the page says what it finds.
    assert.equal(await page.locator('#no-model').isVisible(), api.body.model === false);
    await thumbnailsDecoded(page);
    // The query is shown from the file itself, and the address has nothing to come back to.
    assert.match(await page.locator('#query-img').getAttribute('src'), /^blob:/);
    assert.equal(await page.locator('#query-name').textContent(), 'sample.jpg');
    assert.equal(await page.evaluate(() => location.pathname + location.search), '/search');

    // "Copy link" copies the direct link.
    const copy = first(page).locator('button.copy');
    assert.equal(await copy.textContent(), 'Copy link');
    await copy.click();
    await page.waitForFunction((el) => el.textContent === 'Copied', await copy.elementHandle());
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), jpg.url);
    await page.screenshot({ path: join(SCREENSHOTS, 'search-en.png'), fullPage: true });

    assert.deepEqual(foreignRequests(requests), []);
    // The key never appeared in any address.
    assert.deepEqual(requests.filter((u) => u.includes(server.key.split('.')[1])), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an image address, as the extension opens /search?url=, finds that image first', { timeout: 120000 }, async () => {
  const { context, page, requests, problems } = await openPage(server, 'en-US');
  const bodies = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/v2/search')) bodies.push([r.headers()['content-type'], r.postData()]); });
  try {
    await signIn(page, server);
    // The page shows the address as text, never loads it itself (the server fetches it),
    // and sends it as JSON.
    await open(page, server, `/search?url=${encodeURIComponent(png.url)}`);
    const state = await waitForSearch(page);
    assert.equal(await page.locator('#query-name').textContent(), png.url);
    assert.equal(await page.locator('#query-thumb').isHidden(), true);
    assert.equal(await page.locator('#query-img').getAttribute('src'), null);
    assert.equal(await page.locator('#url').inputValue(), png.url);
    assert.deepEqual(bodies.map(([type, body]) => [type, JSON.parse(body)]), [['application/json', { source: png.url, k: 20 }]]);
    assert.equal(state, 'done', await page.locator('#search-error').textContent());
    const byUrl = await firstCard(page);
    assert.equal(byUrl.open, png.url_viewer);
    assert.equal(byUrl.match, 'exact');
    await thumbnailsDecoded(page);
    if (byUrl.thumb !== png.url) assert.ok(!requests.includes(png.url), 'the page loaded the address it searched for');

    // Typed into the field: the JPEG's address finds the JPEG, and the address shows it.
    await page.fill('#url', jpg.url);
    await page.click('#url-go');
    await page.waitForFunction((u) => {
      const a = document.querySelector('#results .result .open');
      return document.getElementById('search-view').dataset.state === 'done' && a && a.getAttribute('href') === u;
    }, jpg.url_viewer, { timeout: 60000 });
    assert.equal(await page.evaluate(() => location.search), `?url=${encodeURIComponent(jpg.url)}`);

    assert.deepEqual(foreignRequests(requests), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a file that is no image gets the server\'s reason; a bad address is refused in the page', { timeout: 90000 }, async () => {
  const { context, page, requests, problems } = await openPage(server, 'en-US');
  try {
    await signIn(page, server);
    await open(page, server, '/search');
    await page.setInputFiles('#picker', [notImage]);
    assert.equal(await waitForSearch(page), 'failed');
    const refused = await apiSearch(notImage);
    assert.ok(refused.status >= 400 && refused.status < 500, `${refused.status}`);
    const message = refused.body.error && refused.body.error.message;
    assert.ok(message, JSON.stringify(refused.body));
    const alert = page.locator('[role=alert]#search-error');
    assert.equal(await alert.isVisible(), true);
    assert.equal(await alert.textContent(), `The search failed: ${message}`);
    assert.equal(await page.locator('#results .result').count(), 0);
    assert.equal(await page.locator('#query-thumb').isHidden(), true);

    // The next search clears the alert.
    await page.setInputFiles('#picker', [JPG]);
    assert.equal(await waitForSearch(page), 'done');
    assert.equal(await alert.isHidden(), true);

    // Signed out: public images only, said so; an address that is not http(s) is never sent.
    await page.evaluate(() => { localStorage.removeItem('imago.key'); localStorage.removeItem('imago.key.kind'); });
    const sent = requests.filter((u) => u.endsWith('/api/v2/search')).length;
    await open(page, server, `/search?url=${encodeURIComponent('javascript:alert(1)')}`);
    assert.equal(await page.locator('#who').isHidden(), true);
    assert.equal(await page.locator('#scope').textContent(), 'Only public images are searched.');
    assert.equal(await page.locator('#scope-link').isVisible(), true);
    assert.equal(await alert.textContent(), 'This is not the address of an image on the web (it must start with http or https).');
    assert.equal(await page.locator('#url').inputValue(), 'javascript:alert(1)');
    assert.equal(requests.filter((u) => u.endsWith('/api/v2/search')).length, sent);

    assert.deepEqual(foreignRequests(requests), []);
    // The refused search is a 4xx the browser logs; nothing else went wrong.
    assert.deepEqual(problems.filter((p) => !/status of 4\d\d/.test(p)), []);
  } finally {
    await context.close();
  }
});

test('in Simplified and Traditional Chinese', { timeout: 90000 }, async () => {
  const { context, page, requests, problems } = await openPage(server, 'zh-CN');
  try {
    await signIn(page, server);
    await open(page, server, '/search');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    assert.equal(await page.title(), '以图搜图 · imago 图床');
    assert.equal(await page.locator('.drop-title').textContent(), '把图片拖到这里，在本服务器上查找');
    assert.equal(await page.locator('label[for=picker]').textContent(), '选择图片');
    assert.equal(await page.locator('#url-go').textContent(), '搜索');
    await page.setInputFiles('#picker', [PNG]);
    assert.equal(await waitForSearch(page), 'done');
    const card = await firstCard(page);
    assert.equal(card.open, png.url_viewer);
    assert.equal(card.badge, '相同');
    assert.match(card.score, /^匹配度 \d{1,3}%$/);
    assert.match(await page.locator('#search-status').textContent(), /^\d+ 张匹配的图片$/);
    assert.equal(await first(page).locator('button.copy').textContent(), '复制链接');
    await thumbnailsDecoded(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'search-zh-CN.png'), fullPage: true });

    // The switcher re-translates the results in place.
    await page.selectOption('#lang', 'zh-TW');
    await page.waitForFunction(() => document.querySelector('.drop-title').textContent === '把圖片拖到這裡，在本伺服器上尋找');
    assert.equal(await page.title(), '以圖搜圖 · imago 圖床');
    assert.equal(await first(page).locator('.badge').textContent(), '相同');
    assert.match(await first(page).locator('.score').textContent(), /^相符度 \d{1,3}%$/);
    assert.equal(await first(page).locator('button.copy').textContent(), '複製連結');
    assert.match(await page.locator('#search-status').textContent(), /^\d+ 張相符的圖片$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'search-zh-TW.png'), fullPage: true });

    assert.deepEqual(foreignRequests(requests), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('on a phone: the camera is offered and the results fit the screen', { timeout: 90000 }, async () => {
  const { context, page, requests, problems } = await openPage(server, 'zh-CN', true);
  try {
    await signIn(page, server);
    await open(page, server, '/search');
    const camera = page.locator('label[for=camera]');
    assert.equal(await camera.isVisible(), true);
    assert.equal(await camera.textContent(), '拍照');
    await page.setInputFiles('#camera', [JPG]);
    assert.equal(await waitForSearch(page), 'done');
    assert.equal((await firstCard(page)).open, jpg.url_viewer);
    await thumbnailsDecoded(page);
    // Nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${overflow}px wider than the screen`);
    // A viewport shot: a full-page one resets the touch emulation (see web.test.js).
    await page.screenshot({ path: join(SCREENSHOTS, 'search-phone-zh-CN.png') });
    assert.deepEqual(foreignRequests(requests), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
