// The grid's product on a local shop page (pages/product/shop.html: JSON-LD, a gallery
// whose third picture a script adds, a strip of other products, a logo, a footer badge):
// the panel shows the core's fields from the live DOM, "only the product's images" leaves
// the gallery, "Export product" saves one ZIP read back here, the product lands in the
// recent list; a page without a product shows no panel. Nothing is asked of anyone but
// the local server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cardUrls, downloadsDone, gridMeasured, launchKeepingNames, openGridFor, pages, serveStatic, unzip } from './harness.mjs';

const imgFile = (name) => fs.readFileSync(path.join(pages, 'product/img', name));
const today = () => {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};


async function setup(t) {
  const site = await serveStatic();
  const browser = await launchKeepingNames();
  const requests = [];
  browser.context.on('request', (r) => requests.push(r.url()));
  t.after(async () => {
    await browser.close();
    await site.close();
  });
  return { site, browser, requests };
}

/** Waits until the grid read the page's product (`named` or `none`). */
async function productRead(grid) {
  await grid.waitForFunction(() => ['named', 'none'].includes(document.body.dataset.product ?? ''), null, { timeout: 20000 });
  return grid.evaluate(() => document.body.dataset.product);
}

test('the product panel, only the product images, Export product and the recent list', async (t) => {
  const { site, browser, requests } = await setup(t);
  const shop = `${site.origin}/product/shop.html`;
  const img = (n) => `${site.origin}/product/img/${n}`;
  const { grid } = await openGridFor(browser, shop);
  assert.equal(await productRead(grid), 'named');
  assert.equal(await grid.isVisible('#product'), true);

  const field = (f, part = 'value') => grid.textContent(`#product-fields [data-field="${f}"] .${part}`);
  assert.equal(await field('title'), 'Blue teapot, 1.2 l');
  assert.equal(await field('price'), '24.90 EUR');
  assert.equal(await field('sku'), 'TP-42');
  assert.equal(await field('gtin'), '4006381333931');
  assert.equal(await field('brand'), 'Kettle & Co');
  assert.equal(await field('availability'), 'In stock');
  assert.equal(await field('price', 'source'), 'JSON-LD');
  assert.equal(await grid.$('#product-fields [data-field="price"] .raw'), null, "the raw text is the amount's: not repeated");
  assert.equal(await grid.$('#product-fields [data-field="mpn"]'), null, 'a field the page does not name is not shown');

  // Every picture first; the toggle leaves the gallery's three (the third added by script).
  const gallery = [img('gallery-1.jpg?w=800'), img('gallery-2.jpg'), img('gallery-3.jpg')].sort();
  const all = await cardUrls(grid);
  for (const u of [...gallery, img('logo.png'), img('related-1.jpg'), img('related-2.jpg'), img('payments.png')]) {
    assert.ok(all.includes(u), `${u} in ${all.join(', ')}`);
  }
  assert.equal(await grid.textContent('#only-product-count'), '3');
  await grid.check('#only-product');
  await grid.waitForFunction(() => document.querySelectorAll('[data-url]').length === 3);
  await gridMeasured(grid);
  assert.deepEqual(await cardUrls(grid), gallery);
  assert.equal(await grid.textContent('#shown'), '3 shown');

  // Export with nothing selected: the product's pictures, named by the name template.
  await grid.click('#export-product');
  await grid.waitForFunction(() => /Product exported/.test(document.getElementById('status').textContent));
  assert.equal(await grid.textContent('#status'), 'Product exported: ZIP with product.json, products.csv and 3 images (0 failed).');
  const [done] = await downloadsDone(browser.worker, 1);
  assert.equal(done.state, 'complete', JSON.stringify(done));
  const zipPath = path.join(browser.downloads, 'imago', '127.0.0.1', `imago-product-127.0.0.1-${today()}.zip`);
  assert.equal(done.filename, zipPath);
  const zip = unzip(fs.readFileSync(zipPath));
  assert.deepEqual([...zip.keys()].sort(), ['gallery-1.jpg', 'gallery-2.jpg', 'gallery-3.jpg', 'product.json', 'products.csv']);
  for (const n of ['gallery-1.jpg', 'gallery-2.jpg', 'gallery-3.jpg']) assert.deepEqual(zip.get(n), imgFile(n), n);
  const json = JSON.parse(zip.get('product.json').toString('utf8'));
  assert.equal(json.url, shop);
  assert.equal(json.title, 'Blue teapot, 1.2 l');
  assert.deepEqual(json.price, { amount: '24.90', currency: 'EUR', raw: '24.90' });
  assert.equal(json.sku, 'TP-42');
  assert.equal(json.availability, 'InStock');
  assert.equal(json.mpn, null);
  assert.equal(json.source.price, 'jsonld');
  assert.deepEqual([...json.files].sort(), ['gallery-1.jpg', 'gallery-2.jpg', 'gallery-3.jpg']);
  const csv = zip.get('products.csv').toString('utf8');
  const [header, row, rest] = csv.split('\r\n');
  assert.ok(header.startsWith('\ufeffurl,title,price,price_max,currency,price_raw,list_price,sku,'), header);
  assert.ok(row.startsWith(`${shop},"Blue teapot, 1.2 l",24.90,,EUR,24.90,,TP-42,,4006381333931,Kettle & Co,InStock,`), row);
  assert.ok(row.includes(`,,${json.files.join('|')},jsonld`), row);
  assert.equal(rest, '', 'one row');

  // The recent list has it, stored locally; "clear" empties it.
  assert.equal(await grid.isVisible('#recent'), true);
  assert.equal(await grid.textContent('#recent-count'), '1');
  assert.equal(await grid.getAttribute('#recent-list li', 'data-page'), shop);
  const stored = await browser.worker.evaluate(() => chrome.storage.local.get('recentProducts'));
  assert.deepEqual(
    stored.recentProducts.map((r) => [r.url, r.title, r.price, r.image]),
    [[shop, 'Blue teapot, 1.2 l', '24.90 EUR', img('gallery-1.jpg')]],
  );
  await grid.click('#recent summary');
  await grid.click('#recent-clear');
  await grid.waitForSelector('#recent', { state: 'hidden' });
  assert.deepEqual(await browser.worker.evaluate(() => chrome.storage.local.get('recentProducts')), {});

  // Privacy: the page, its pictures and the extension's own files, nothing else.
  assert.ok(requests.includes(shop) && requests.includes(img('related-1.jpg')), 'requests are seen');
  const elsewhere = requests.filter((u) => !u.startsWith(`${site.origin}/`) && !/^(chrome-extension|data|blob):/.test(u));
  assert.deepEqual(elsewhere, []);
});

test('a page that names no product shows no panel and records nothing', async (t) => {
  const { site, browser } = await setup(t);
  const { grid } = await openGridFor(browser, `${site.origin}/product/plain.html`);
  assert.equal(await productRead(grid), 'none');
  assert.equal(await grid.isHidden('#product'), true);
  assert.equal(await grid.isHidden('#recent'), true);
  assert.deepEqual(await browser.worker.evaluate(() => chrome.storage.local.get('recentProducts')), {});
});
