// The grid's product with the real core: the panel's rows and whether a page names a
// product, which live pictures are the product's own, and the ZIP "Export product" writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Candidate, ProductJson } from 'imago-wasm';
import { exportProduct, firstImage, namesProduct, panelRows, priceText, productCandidates, stem } from '../src/grid/product.ts';
import { core } from './grid-core.ts';

const pages = path.resolve(import.meta.dirname, '../e2e/pages/product');
const SHOP_URL = 'http://127.0.0.1:8000/product/shop.html';
const shopHtml = () => fs.readFileSync(path.join(pages, 'shop.html'), 'utf8');

test('the shop page names its product: title, price with currency, SKU, GTIN, brand, stock', () => {
  const p = core.product(shopHtml(), SHOP_URL, {});
  assert.equal(namesProduct(p), true);
  assert.deepEqual(
    panelRows(p).map((r) => [r.field, r.value, r.source]),
    [
      ['title', 'Blue teapot, 1.2 l', 'jsonld'],
      ['price', '24.90 EUR', 'jsonld'],
      ['sku', 'TP-42', 'jsonld'],
      ['gtin', '4006381333931', 'jsonld'],
      ['brand', 'Kettle & Co', 'jsonld'],
      ['availability', 'InStock', 'jsonld'],
    ],
  );
  assert.equal(p.mpn, null, 'what the page does not say is null, as in product.json');
  assert.equal(firstImage(p), 'http://127.0.0.1:8000/product/img/gallery-1.jpg');
});

test('a page without a product: an og:title or a number in the URL is not one', () => {
  const plain = fs.readFileSync(path.join(pages, 'plain.html'), 'utf8');
  const p = core.product(plain, 'http://127.0.0.1:8000/blog/post-1234567', {});
  assert.equal(namesProduct(p), false, JSON.stringify(p));
  const micro = core.product('<div itemscope itemtype="https://schema.org/Product"><span itemprop="sku">A-1</span></div>', 'https://s.example/x', {});
  assert.equal(namesProduct(micro), true, 'an SKU in structured data names a product');
});

test('a price shows its range and the raw text when the page wrote it otherwise', () => {
  assert.equal(priceText({ amount: '35.5', max: '42', currency: 'CNY', raw: '¥35.5-42' }), '35.5–42 CNY');
  const p = core.product('<h1>Lamp</h1><span class="price">1.299,00 €</span>', 'https://shop.example.de/lamp', {});
  const price = panelRows(p).find((r) => r.field === 'price');
  assert.deepEqual(price, { field: 'price', value: '1299.00 EUR', raw: '1.299,00 €', source: 'heuristic' });
});

test("the user's site rules reach the product fields", () => {
  const siteRules = '[[site]]\nname = "t"\nmatch = ["127.0.0.1"]\n[site.fields]\nmpn = "h1"\n';
  const p = core.product(shopHtml(), SHOP_URL, { siteRules });
  assert.equal(p.mpn, 'Blue teapot, 1.2 l');
  assert.equal(p.source.mpn, 'siterule');
});

const cand = (url: string, order: number): Candidate => ({ url, kind: 'dom', order });

test("only the product's images: live candidates whose file the main-mode read kept", () => {
  const main = core.discover(shopHtml(), SHOP_URL, { main: true }).candidates;
  const base = 'http://127.0.0.1:8000/product/img/';
  const live = ['gallery-1.jpg?w=800', 'gallery-2.jpg#zoom', 'logo.png', 'related-1.jpg', 'payments.png', 'gallery-1.jpg?w=1600'].map((n, i) =>
    cand(base + n, i),
  );
  assert.deepEqual(
    productCandidates(live, main).map((c) => c.url.slice(base.length)),
    ['gallery-1.jpg?w=800', 'gallery-2.jpg#zoom', 'gallery-1.jpg?w=1600'],
  );
  assert.equal(stem('https://a.example/x.jpg?v=2#top'), 'https://a.example/x.jpg');
});

/** The entries of a stored ZIP, by name. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const end = buf.length - 22;
  assert.equal(buf.readUInt32LE(end), 0x06054b50);
  const out = new Map<string, Buffer>();
  let at = buf.readUInt32LE(end + 16);
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    assert.equal(zlib.crc32(data), buf.readUInt32LE(at + 16), name);
    out.set(name, data);
    at += 46 + nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return out;
}

test('Export product: one ZIP of product.json (with files), products.csv and the pictures', async () => {
  const p: ProductJson = core.product(shopHtml(), SHOP_URL, {});
  const img = (n: string) => `http://127.0.0.1:8000/product/img/${n}`;
  const items = [
    ...['gallery-1.jpg?w=800', 'gallery-2.jpg', 'missing.jpg'].map((n) => ({ url: img(n), pageUrl: SHOP_URL })),
    { url: img('products'), pageUrl: SHOP_URL, ext: 'csv' },
  ];
  let saved: { blob: Blob; filename: string } | undefined;
  const r = await exportProduct(p, items, { nameTemplate: '{name}.{ext}', folderTemplate: 'imago/{host}' }, '2026-12-07', {
    renderNames: core.renderNames,
    productCsv: core.productCsv,
    fetchBytes: async (url) => {
      if (url.includes('missing')) throw new Error(`${url}: HTTP 404`);
      return new TextEncoder().encode(`bytes of ${url}`);
    },
    saveBlob: async (blob, filename) => {
      saved = { blob, filename };
    },
  });
  assert.equal(r.filename, 'imago/127.0.0.1/imago-product-127.0.0.1-2026-12-07.zip');
  // A picture named like one of the data files is renamed, not overwriting it.
  assert.deepEqual(r.files, ['gallery-1.jpg', 'gallery-2.jpg', 'products (2).csv']);
  assert.deepEqual(r.errors, [`${img('missing.jpg')}: HTTP 404`]);
  assert.ok(saved);
  assert.equal(saved.filename, r.filename);
  const zip = unzip(Buffer.from(await saved.blob.arrayBuffer()));
  assert.deepEqual([...zip.keys()], ['product.json', 'products.csv', 'gallery-1.jpg', 'gallery-2.jpg', 'products (2).csv']);
  const json = JSON.parse(zip.get('product.json')!.toString('utf8'));
  assert.equal(json.price.amount, '24.90');
  assert.deepEqual(json, { ...p, files: r.files });
  const csv = zip.get('products.csv')!.toString('utf8');
  assert.ok(csv.startsWith('\ufeffurl,title,price,price_max,currency,price_raw,'), csv);
  const [, row] = csv.split('\r\n');
  assert.ok(
    row!.startsWith(
      `${SHOP_URL},"Blue teapot, 1.2 l",24.90,,EUR,24.90,,TP-42,,4006381333931,Kettle & Co,InStock,,` +
      `img/gallery-1.jpg|img/gallery-2.jpg|img/gallery-3.jpg,,gallery-1.jpg|gallery-2.jpg|products (2).csv,jsonld`,
    ),
    row,
  );
  assert.equal(zip.get('gallery-2.jpg')!.toString(), `bytes of ${img('gallery-2.jpg')}`);
});
