// The collector's text parsers (srcset, CSS image values) and URL rules; the DOM walk
// itself is tested in Chromium (e2e/grid-collect.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCssImages, parseSrcset } from '../src/collector/srcset.ts';
import { isImageUrl, isPlaceholder, resolveUrl } from '../src/collector/urls.ts';
import { Found } from '../src/collector/found.ts';
import { core } from './grid-core.ts';

test('srcset: width and density descriptors, and a URL without one', () => {
  assert.deepEqual(parseSrcset('a.jpg 400w, b.jpg 800w'), [
    { url: 'a.jpg', descriptor: { width: 400 } },
    { url: 'b.jpg', descriptor: { width: 800 } },
  ]);
  assert.deepEqual(parseSrcset(' one.png,  two.png 2x '), [{ url: 'one.png' }, { url: 'two.png', descriptor: { density: 2 } }]);
  assert.deepEqual(parseSrcset('c.png 1.5x'), [{ url: 'c.png', descriptor: { density: 1.5 } }]);
});

test('srcset: commas inside a URL stay in it (image CDNs write w_100,h_80)', () => {
  assert.deepEqual(parseSrcset('https://cdn/x/w_100,h_80/p.jpg 100w, https://cdn/x/w_200,h_160/p.jpg 200w'), [
    { url: 'https://cdn/x/w_100,h_80/p.jpg', descriptor: { width: 100 } },
    { url: 'https://cdn/x/w_200,h_160/p.jpg', descriptor: { width: 200 } },
  ]);
});

test('srcset: junk descriptors keep the URL, empty text gives nothing', () => {
  assert.deepEqual(parseSrcset('a.jpg huge, b.jpg 0w'), [{ url: 'a.jpg' }, { url: 'b.jpg' }]);
  assert.deepEqual(parseSrcset(''), []);
  assert.deepEqual(parseSrcset(' , ,'), []);
});

test('CSS: every url() of a background, quoted or not', () => {
  assert.deepEqual(parseCssImages('url("http://h/a.png"), linear-gradient(red, blue), url(http://h/b.jpg)'), [
    { url: 'http://h/a.png' },
    { url: 'http://h/b.jpg' },
  ]);
  assert.deepEqual(parseCssImages('none'), []);
  assert.deepEqual(parseCssImages('url("http://h/a\\"q.png")'), [{ url: 'http://h/a"q.png' }]);
});

test('CSS: image-set() entries carry their density and which set they belong to', () => {
  // Chromium's computed form of `image-set(url(a) 1x, url(b) 2x)`.
  assert.deepEqual(parseCssImages('image-set(url("http://h/1x.png") 1x, url("http://h/2x.png") 2x)'), [
    { url: 'http://h/1x.png', set: 0, density: 1 },
    { url: 'http://h/2x.png', set: 0, density: 2 },
  ]);
  assert.deepEqual(parseCssImages('-webkit-image-set("a.png" 1x, "b.png" 192dpi), url(c.png)'), [
    { url: 'a.png', set: 0, density: 1 },
    { url: 'b.png', set: 0, density: 2 },
    { url: 'c.png' },
  ]);
});

test('URLs: resolved against the base; javascript:, about: and empty are not URLs', () => {
  assert.equal(resolveUrl('img/a.png', 'http://h/dir/page.html'), 'http://h/dir/img/a.png');
  assert.equal(resolveUrl('//cdn/x.jpg', 'https://h/'), 'https://cdn/x.jpg');
  assert.equal(resolveUrl('javascript:alert(1)', 'http://h/'), undefined);
  assert.equal(resolveUrl('about:blank', 'http://h/'), undefined);
  assert.equal(resolveUrl('  ', 'http://h/'), undefined);
  assert.equal(resolveUrl('data:text/html,<b>', 'http://h/'), undefined);
  assert.equal(resolveUrl('data:image/png;base64,AAAA', 'http://h/'), 'data:image/png;base64,AAAA');
});

test('URLs: image files by extension, placeholders by size or name', () => {
  assert.ok(isImageUrl('http://h/a/photo.JPG?x=1'));
  assert.ok(isImageUrl('http://h/a.webp#frag'));
  assert.ok(!isImageUrl('http://h/page.html'));
  assert.ok(!isImageUrl('http://h/photo.jpg/view'));
  assert.ok(isPlaceholder('data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'));
  assert.ok(isPlaceholder('http://h/img/blank.gif'));
  assert.ok(isPlaceholder('http://h/img/placeholder-400.png'));
  assert.ok(!isPlaceholder('http://h/img/blanket.jpg'));
  assert.ok(!isPlaceholder('http://h/img/photo.jpg'));
});

test('numbers a hostile page writes (width="1e12", 1e15w) are dropped, so the merge still runs', () => {
  const found = new Found(100, Date.now() + 1000);
  const g = 0;
  found.add('img', 'a.jpg', 'http://h/', g, { width: 1e12, height: 50, alt: 'a' });
  for (const e of parseSrcset('b.jpg 1000000000000000w, c.jpg 1000x, d.jpg 640w')) {
    found.add('srcset', e.url, 'http://h/', g, { descriptor: e.descriptor });
  }
  const c = found.candidates;
  assert.deepEqual(c[0], { url: 'http://h/a.jpg', kind: 'img', order: 0, group: 0, height: 50, alt: 'a' });
  // b.jpg (1e15w) and c.jpg (1000x) are out of range: dropped, not taken for 1x.
  assert.deepEqual(c.slice(1), [{ url: 'http://h/d.jpg', kind: 'srcset', order: 1, group: 0, descriptor: { width: 640 } }]);
  const [image] = core.merge(c);
  assert.equal(image!.url, 'http://h/d.jpg');
});

test('one element keeps its group in a second pass, and nothing is added twice', () => {
  const found = new Found(100, Date.now() + 1000);
  const el = {} as Element;
  const other = {} as Element;
  found.add('img', 'a.jpg', 'http://h/', found.group(el));
  found.nextPass(Date.now() + 1000);
  found.add('img', 'a.jpg', 'http://h/', found.group(el));
  found.add('img', 'b.jpg', 'http://h/', found.group(other));
  found.add('background', 'a.jpg', 'http://h/', found.group(el, '::before'));
  assert.deepEqual(
    found.candidates.map((c) => [c.url.slice(9), c.kind, c.group]),
    [['a.jpg', 'img', 0], ['b.jpg', 'img', 1], ['a.jpg', 'background', 2]],
  );
});
