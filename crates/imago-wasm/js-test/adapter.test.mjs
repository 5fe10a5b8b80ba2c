// The built package as the extension loads it: the `web` build (ES module, initSync with
// the .wasm bytes) and the `nodejs` build, called with plain JavaScript values.
// Build first: scripts/build-wasm-pkg.sh. Run: node --test crates/imago-wasm/js-test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../pkg/', import.meta.url));
if (!existsSync(`${pkg}web/imago_wasm.js`)) {
  throw new Error(`no package in ${pkg}: run scripts/build-wasm-pkg.sh first`);
}
const web = await import(`${pkg}web/imago_wasm.js`);
web.initSync({ module: readFileSync(`${pkg}web/imago_wasm_bg.wasm`) });
const node = createRequire(import.meta.url)(`${pkg}node/imago_wasm.js`);

const PAGE = 'https://shop.example.com/a/item.html';

// CRC-32 (IEEE) for PNG chunks.
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// A PNG's signature and IHDR chunk: width x height.
function pngHead(width, height) {
  const chunk = Buffer.alloc(17);
  chunk.write('IHDR', 0, 'latin1');
  chunk.writeUInt32BE(width, 4);
  chunk.writeUInt32BE(height, 8);
  chunk.set([8, 6, 0, 0, 0], 12);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(chunk));
  const len = Buffer.from([0, 0, 0, 13]);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([sig, len, chunk, crc]));
}

for (const [name, wasm] of [['web', web], ['nodejs', node]]) {
  test(`${name}: discover finds the lazy original and the largest srcset entry`, () => {
    const html = `<title>Shoes</title>
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="lazy/cat.jpg" alt="cat">
      <img src="small.jpg" srcset="small.jpg 300w, big.jpg 1200w, mid.jpg 600w">
      <div style="background-image: url('/bg/hero.webp')"></div>`;
    const found = wasm.discover(html, PAGE, { deep: false });
    assert.equal(found.title, 'Shoes');
    const images = wasm.merge(found.candidates);
    assert.deepEqual(images.map((i) => i.url), [
      'https://shop.example.com/a/lazy/cat.jpg',
      'https://shop.example.com/a/big.jpg',
      'https://shop.example.com/bg/hero.webp',
    ]);
    assert.equal(images[0].alt, 'cat');
    assert.deepEqual(images[2].sources, ['css-inline']);
  });
}

test('merge takes the live-DOM collector\'s candidates and names a bad one', () => {
  const images = web.merge([
    { url: 'https://x.example/thumb.jpg', kind: 'dom', group: 1, order: 0 },
    { url: 'https://x.example/full.jpg', kind: 'link', group: 1, order: 0, full_size: true },
  ]);
  assert.equal(images.length, 1);
  assert.equal(images[0].url, 'https://x.example/full.jpg');
  assert.deepEqual(images[0].alternates, ['https://x.example/thumb.jpg']);
  assert.throws(() => web.merge([{ url: 'https://x.example/a.jpg', kind: 'dom' }]), {
    name: 'Error',
    message: /^candidates\[0\]: missing field `order`/,
  });
});

test('discoverCss resolves against the stylesheet and lists imports', () => {
  const found = web.discoverCss("@import 'b.css'; .x{background:url(../i/x.png)}", 'https://c.example/css/a.css', 5);
  assert.deepEqual(found.imports, ['https://c.example/css/b.css']);
  assert.equal(found.candidates[0].url, 'https://c.example/i/x.png');
  assert.equal(found.candidates[0].kind, 'css-linked');
  assert.equal(found.candidates[0].order, 5);
});

test('hdCandidates turn alicdn and Amazon thumbnails into the originals', () => {
  assert.deepEqual(web.hdCandidates('https://img.alicdn.com/imgextra/i4/O1CN01xyz.jpg_220x220q90.jpg_.webp')[0], {
    url: 'https://img.alicdn.com/imgextra/i4/O1CN01xyz.jpg',
    rule: 'alicdn',
  });
  assert.deepEqual(web.hdCandidates('https://m.media-amazon.com/images/I/61abcDEF._AC_SY355_.jpg')[0], {
    url: 'https://m.media-amazon.com/images/I/61abcDEF.jpg',
    rule: 'amazon',
  });
  assert.deepEqual(web.hdCandidates('https://example.com/plain.jpg'), []);
});

test('a bad rule file gives its line, as a value and as a thrown error', () => {
  const bad = '# user rules\n[[rule]]\nname = "mine"\nhosts = ["*"]\npattern = \'(unclosed\'\n';
  const v = web.validateRules(bad, undefined);
  assert.equal(v.error.origin, 'hd-rules');
  assert.equal(v.error.line, 5);
  assert.match(v.error.message, /bad `pattern`/);
  assert.throws(() => web.hdCandidates('https://a.example/x.jpg', bad), { message: /^hd-rules:5: / });
  const site = web.validateRules(undefined, '[[site]]\nname = "s"\nmatch = ["a.com"]\nbogus = 1\n');
  assert.equal(site.error.origin, 'site-rules');
  assert.equal(site.error.line, 4);
  assert.deepEqual(web.validateRules('', ''), { ok: true });
});

test('renderNames makes unique, safe names from hostile titles', () => {
  const items = ['../../etc/passwd', 'CON', 'a<b>:c|d?*', 'Same', 'same', 'Same'].map((title, i) => ({
    url: `https://cdn.example.com/p/${i}`,
    pageUrl: PAGE,
    title,
    ext: 'jpg',
  }));
  const paths = web.renderNames('{title}.{ext}', '{page_host}', items, '2026-11-28');
  assert.deepEqual(paths.slice(0, 4), [
    'shop.example.com/_._.._etc_passwd.jpg',
    'shop.example.com/_CON.jpg',
    'shop.example.com/a_b__c_d__.jpg',
    'shop.example.com/Same.jpg',
  ]);
  // Unique even where case does not count (macOS, Windows), and never climbing out.
  assert.equal(new Set(paths.map((p) => p.toLowerCase())).size, paths.length);
  for (const p of paths) {
    assert.ok(!p.startsWith('/') && !p.split('/').some((c) => c === '..' || c === '.'), p);
  }
  assert.throws(() => web.renderNames('{nope}', '', [], '2026-11-28'), {
    message: /^name template "\{nope\}": unknown variable \{nope\} at column 1/,
  });
});

test('probeHeader reads a PNG\'s size, asks for more, refuses HTML', () => {
  assert.deepEqual(web.probeHeader(pngHead(1024, 768)), { format: 'png', width: 1024, height: 768 });
  const more = web.probeHeader(pngHead(1024, 768).subarray(0, 10));
  assert.ok(more.needMore > 10, JSON.stringify(more));
  const html = new TextEncoder().encode('<!doctype html><title>404</title>');
  assert.equal(typeof web.probeHeader(html, true).notImage, 'string');
});

test('filter rejects with the same reason text as the command line', () => {
  const image = (url, order) => ({ url, source: 'img', sources: ['img'], alternates: [], order });
  const items = [
    { image: image('https://a.example/small.jpg', 0), measured: { width: 120, height: 80 } },
    { image: image('https://a.example/big.jpg', 1), measured: { width: 1200, height: 800, format: 'jpeg', bytes: 300000 } },
    { image: image('https://ads.example.com/b.gif', 2) },
    { image: image('https://a.example/thumb/x.png', 3), measured: { format: 'png' } },
  ];
  const out = web.filter(items, {
    minWidth: 300,
    denyDomains: ['ads.example.com'],
    exclude: ['*/thumb/*'],
    formats: ['jpg'],
  });
  assert.deepEqual(out.kept, [1]);
  assert.deepEqual(out.rejected, [
    { index: 0, rule: 'width', reason: 'width 120 below --min-width 300' },
    { index: 2, rule: 'domain', reason: 'domain ads.example.com denied' },
    { index: 3, rule: 'exclude', reason: 'URL matches --exclude */thumb/*' },
  ]);
  assert.throws(() => web.filter(items, { minBytes: '20q' }), { message: /^minBytes 20q: bad size "20q"/ });
  assert.throws(() => web.filter(items, { minWidht: 3 }), { message: /unknown field `minWidht`/ });
  assert.deepEqual(web.sortImages(items, 'width', true), [1, 0, 2, 3]);
});

test('the TypeScript declarations type every export', () => {
  const dts = readFileSync(`${pkg}web/imago_wasm.d.ts`, 'utf8');
  for (const sig of [
    /export function discover\(html: string, pageUrl: string, options: PageOptions \| undefined\): Discovered;/,
    /export function merge\(candidates: Candidate\[\]\): Image\[\];/,
    /export function filter\(items: Item\[\], spec: FilterSpec\): Filtered;/,
    /export function probeHeader\(bytes: Uint8Array \| number\[\], complete\?: boolean \| null\): Probed;/,
    /export interface Candidate \{/,
  ]) {
    assert.match(dts, sig);
  }
});
