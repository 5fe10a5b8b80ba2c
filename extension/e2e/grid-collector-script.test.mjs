// generated/collector.js on its own, as `imago grab --render` uses it: evaluated in a page
// without the extension's help, then `imagoCollector.collect(options)`. Checks the
// candidates against what all-sources.html holds, and the bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, serveStatic } from './harness.mjs';

const script = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../generated/collector.js'), 'utf8');

async function collectIn(t, options) {
  const site = await serveStatic();
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await site.close();
  });
  const page = await browser.context.newPage();
  await page.goto(`${site.origin}/grid/all-sources.html`, { waitUntil: 'load' });
  await page.addScriptTag({ content: script });
  const result = await page.evaluate((o) => globalThis.imagoCollector.collect(o), options);
  const at = (n) => `${site.origin}/grid/img/${n}`;
  const of = (n) => result.candidates.filter((c) => c.url === at(n));
  return { site, result, at, of };
}

test('collect() finds each source with its kind, and keeps one picture in one group', async (t) => {
  const { site, result, of } = await collectIn(t, {});
  assert.equal(result.pageUrl, `${site.origin}/grid/all-sources.html`);
  assert.equal(result.title, 'All sources');
  assert.equal(result.frames, 1, 'the same-origin iframe');
  assert.equal(result.scrolled, false);
  assert.equal(result.stopped, undefined);
  const kinds = (n) => [...new Set(of(n).map((c) => c.kind))].sort();
  assert.deepEqual(kinds('og.jpg'), ['open-graph']);
  assert.deepEqual(kinds('twitter.png'), ['twitter']);
  assert.deepEqual(kinds('pic.webp').filter((k) => k !== 'img' && k !== 'resource'), ['picture']);
  assert.deepEqual(kinds('lazy-real.jpg'), ['lazy']);
  assert.deepEqual(kinds('poster.jpg'), ['poster', 'resource']);
  assert.deepEqual(kinds('svg-embedded.png'), ['resource', 'svg']);
  assert.deepEqual(kinds('button.gif'), ['input', 'resource']);
  assert.deepEqual(kinds('bare-link.png'), ['link']);
  assert.deepEqual(kinds('bg.png'), ['background', 'resource']);
  assert.deepEqual(kinds('before.png'), ['background', 'resource']);
  assert.deepEqual(kinds('shadow.png'), ['img', 'resource']);
  assert.deepEqual(kinds('frame-img.png'), ['img', 'resource']);
  assert.deepEqual(kinds('resource-only.png'), ['resource']);

  // srcset: both entries with their width, in the group of the <img>.
  const [w400] = of('w400.jpg').filter((c) => c.kind === 'srcset');
  const [w800] = of('w800.jpg');
  const [small] = of('small.jpg');
  assert.deepEqual(w800.descriptor, { width: 800 });
  assert.deepEqual(w400.descriptor, { width: 400 });
  assert.equal(w800.group, small.group);
  assert.equal(small.alt, 'srcset');
  // image-set: both densities, one group.
  const [x1] = of('set-1x.png').filter((c) => c.kind === 'background');
  const [x2] = of('set-2x.png').filter((c) => c.kind === 'background');
  assert.deepEqual([x1.descriptor, x2.descriptor], [{ density: 1 }, { density: 2 }]);
  assert.equal(x1.group, x2.group);
  // The link around the thumbnail is its full size, in its group.
  const [full] = of('full.jpg');
  assert.equal(full.full_size, true);
  assert.equal(full.group, of('thumb.jpg').find((c) => c.kind === 'img').group);
  // The lazy image's 1x1 GIF is a placeholder in the same group as the real URL.
  const gif = result.candidates.find((c) => c.url.startsWith('data:image/gif'));
  assert.equal(gif.placeholder, true);
  assert.equal(gif.group, of('lazy-real.jpg')[0].group);
  // A loaded <img> without srcset reports its natural size.
  assert.deepEqual(of('plain.png').filter((c) => c.kind === 'img').map((c) => [c.width, c.height]), [[200, 100]]);
  // Without `canvas: true`, no canvas.
  assert.equal(result.candidates.filter((c) => c.kind === 'canvas').length, 0);
  // Resources carry no group (they join the picture of the same URL).
  assert.ok(result.candidates.filter((c) => c.kind === 'resource').every((c) => c.group === undefined));
});

test('collect({canvas: true}) exports the canvas as a PNG of its size', async (t) => {
  const { result } = await collectIn(t, { canvas: true });
  const canvases = result.candidates.filter((c) => c.kind === 'canvas');
  assert.equal(canvases.length, 1);
  assert.deepEqual([canvases[0].width, canvases[0].height], [40, 20]);
  const png = Buffer.from(canvases[0].url.replace(/^data:image\/png;base64,/, ''), 'base64');
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [40, 20], 'IHDR width and height');
});

test('the walk is bounded and says where it stopped', async (t) => {
  const { result } = await collectIn(t, { maxElements: 5 });
  assert.equal(result.stopped, 'elements');
  assert.equal(result.elements, 5);
  // The first five elements: <html>, <head>, <meta charset>, <title>, <meta og:image>.
  assert.deepEqual(
    result.candidates.filter((c) => c.kind !== 'resource').map((c) => c.kind),
    ['open-graph'],
  );
});
