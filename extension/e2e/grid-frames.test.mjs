// A frame from another origin cannot be walked from the page (no contentDocument): the
// extension runs the collector in it too, and the grid merges both frames' reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardUrls, launch, openGridFor, serveStatic } from './harness.mjs';

test('images of a cross-origin frame show next to the page’s own', async (t) => {
  const other = await serveStatic();
  const site = await serveStatic(undefined, (req, res) => {
    if (req.url !== '/cross.html') return false;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>cross</title><img src="/grid/img/plain.png" alt="top">
<iframe src="${other.origin}/grid/frame.html" width="300" height="200"></iframe>`);
    return true;
  });
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await site.close();
    await other.close();
  });
  assert.notEqual(site.origin, other.origin);
  const { grid } = await openGridFor(browser, `${site.origin}/cross.html`);
  // Both frames numbered their only <img> group 0: still two pictures.
  assert.deepEqual(await cardUrls(grid), [`${other.origin}/grid/img/frame-img.png`, `${site.origin}/grid/img/plain.png`].sort());
  assert.equal(await grid.textContent('#count'), '2 images');
});
