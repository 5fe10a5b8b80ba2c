// Images in a private album on the web page: an <img> cannot send the key, so the page
// shows them through signed links, and without those the server shows them to no one.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, openPage, open, signIn, foreignRequests, SHARED } from './support.js';

let server;
before(async () => { server = await startServer(); });
after(() => server && server.stop());

async function privateImage() {
  const headers = { 'X-API-Key': server.key };
  const album = await (await fetch(`${server.url}/api/v2/albums`, {
    method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Private one', visibility: 'private' }),
  })).json();
  const form = new FormData();
  form.append('source', new Blob([readFileSync(join(SHARED, 'formats', 'sample.png'))]), 'p.png');
  form.append('album_id', album.id);
  const up = await (await fetch(`${server.url}/api/1/upload`, { method: 'POST', headers, body: form })).json();
  return { album, image: up.image };
}

test('private album images show to their owner through signed links', { timeout: 90000 }, async () => {
  const { album, image } = await privateImage();
  // Without a key the plain link is refused: this is why the page signs.
  assert.equal((await fetch(image.thumb.url)).status, 404);

  const { context, page, requests, problems } = await openPage(server, 'en-US');
  try {
    await signIn(page, server);
    // "Your images" and the album page both show it, loaded from a signed link.
    for (const [where, path] of [['#mine-grid', '/'], ['#album-grid', `/album/${album.id}`]]) {
      await open(page, server, path);
      const img = page.locator(`${where} img`).first();
      await page.waitForFunction((sel) => {
        const el = document.querySelector(`${sel} img`);
        return el && el.complete && el.naturalWidth > 0;
      }, where, { timeout: 20000 });
      const src = await img.getAttribute('src');
      assert.match(src, new RegExp(`/i/${image.id_encoded}\\.th\\.\\w+\\?exp=\\d+&sig=[0-9a-f]+$`), where);
      const href = await page.locator(`${where} a`).first().getAttribute('href');
      assert.match(href, /\?exp=\d+&sig=[0-9a-f]+$/, where);
      // The signed link works for anyone holding it, here outside the browser.
      assert.equal((await fetch(src)).status, 200);
    }
    assert.deepEqual(foreignRequests(requests), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
