// "Suggest rules for this site" in the grid, on a local shop page with no structured data
// (pages/suggest/lamp.html: a classed price, SKU and stock line, a gallery of thumbnails
// each linking to its larger self under a parallel path): the site rule shows the price's
// selector and value, "Add" appends it to the stored rules (after the user's own), and the
// product panel then reads the price by the site rule; the HD rule says it was checked on
// the page's pairs, a name another page took meanwhile is refused, and the options page,
// open all along, takes what was added, so its "Save" keeps it. Nothing is asked of
// anyone but the local server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openGridFor, serveStatic } from './harness.mjs';

const stored = (worker) => worker.evaluate(() => chrome.storage.local.get('settings').then((g) => g.settings));
const store = (worker, patch) =>
  worker.evaluate(async (p) => {
    const { settings } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({ settings: { version: 1, ...settings, ...p } });
  }, patch);

const MINE = '# my shops\n[[site]]\nname = "teapots"\nmatch = ["teapots.example"]\n[site.fields]\nprice = "#buy .now"\n';

test('suggest a site rule and an HD rule from the tab, add them, and the panel reads the price by the rule', async (t) => {
  const site = await serveStatic();
  const browser = await launch();
  const requests = [];
  browser.context.on('request', (r) => requests.push(r.url()));
  t.after(async () => {
    await browser.close();
    await site.close();
  });
  await store(browser.worker, { siteRules: MINE });

  const shop = `${site.origin}/suggest/lamp.html`;
  const img = (p) => `${site.origin}/suggest/img/${p}`;
  const { grid } = await openGridFor(browser, shop);
  await grid.waitForFunction(() => ['named', 'none'].includes(document.body.dataset.product ?? ''), null, { timeout: 20000 });
  const field = (f, part = 'value') => grid.textContent(`#product-fields [data-field="${f}"] .${part}`);
  // Without a rule the price comes from the page text (the heuristics).
  assert.equal(await field('price'), '89.50 EUR');
  assert.equal(await field('price', 'source'), 'page text');

  await grid.click('#suggest-rules');
  await grid.waitForFunction(() => document.body.dataset.suggest === 'shown', null, { timeout: 20000 });
  const siteRule = '#suggest-results article[data-kind="site"]';
  assert.equal(await grid.textContent(`${siteRule} h3`), 'Site rule for 127.0.0.1');
  const row = (f, part) => grid.textContent(`${siteRule} li[data-field="${f}"] .${part}`);
  assert.deepEqual(
    [await row('price', 'name'), await row('price', 'value'), await row('price', 'selector')],
    ['Price', '89.50', '.price-current'],
  );
  assert.deepEqual([await row('sku', 'value'), await row('sku', 'selector')], ['LMP-2041', '.sku']);
  assert.deepEqual([await row('availability', 'value'), await row('availability', 'selector')], ['InStock', '.stock-status']);
  assert.equal(await grid.textContent(`${siteRule} .gallery`), 'Gallery: 3 pictures (div.product-gallery)');
  const siteToml = await grid.textContent(`${siteRule} pre.toml`);
  assert.ok(siteToml.includes('price = ".price-current"'), siteToml);

  const hdRule = '#suggest-results article[data-kind="hd"]';
  assert.equal(await grid.locator(hdRule).count(), 1);
  assert.equal(await grid.textContent(`${hdRule} .checked`), 'Checked 3 of 3 pairs, for example:');
  assert.deepEqual(
    await grid.$$eval(`${hdRule} .examples li`, (lis) => lis.map((li) => [li.querySelector('.thumb').textContent, li.querySelector('.full').textContent])),
    [1, 2, 3].map((n) => [img(`small/lamp-${n}.jpg`), img(`large/lamp-${n}.jpg`)]),
  );
  const hdToml = await grid.textContent(`${hdRule} pre.toml`);
  const suggestMs = Number(await grid.evaluate(() => document.body.dataset.suggestMs));
  t.diagnostic(`the two suggestions took ${suggestMs} ms`);

  // The options page is open meanwhile (as loaded: the user's rule only).
  const options = await browser.context.newPage();
  await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await options.waitForSelector('#engines li');
  assert.equal(await options.inputValue('#site-rules'), MINE);
  assert.ok((await options.textContent('#rules-suggest-help')).includes('Suggest rules for this site'));

  // Add the site rule: appended after the user's own, and the panel reads it at once.
  await grid.click(`${siteRule} button.add`);
  await grid.waitForSelector(`${siteRule}[data-added]`);
  assert.equal(await grid.textContent(`${siteRule} .outcome`), 'Added “suggested-127.0.0.1” to your site rules (the options show them).');
  assert.equal((await stored(browser.worker)).siteRules, `${MINE}\n${siteToml}`);
  await grid.waitForFunction(() => document.querySelector('#product-fields [data-field="price"] .source')?.dataset.source === 'siterule');
  assert.equal(await field('price'), '89.50 EUR');
  assert.equal(await field('price', 'source'), 'site rule');
  assert.equal(await field('sku', 'source'), 'site rule');

  // Another page took the HD rule's name meanwhile: refused, the stored text untouched.
  const taken = '[[rule]]\nname = "suggested-127.0.0.1"\nhosts = ["127.0.0.1"]\npattern = "/thumbs/"\nreplace = ["/big/"]\n';
  await store(browser.worker, { hdRules: taken });
  await grid.click(`${hdRule} button.add`);
  await grid.waitForSelector(`${hdRule}[data-added="no"]`);
  assert.equal(
    await grid.textContent(`${hdRule} .outcome`),
    'Not added: your HD rules already have a rule named “suggested-127.0.0.1”. Rename or remove it in the options first.',
  );
  assert.equal((await stored(browser.worker)).hdRules, taken);
  // Once it is gone, the same button adds it.
  await store(browser.worker, { hdRules: '' });
  await grid.click(`${hdRule} button.add`);
  await grid.waitForSelector(`${hdRule}[data-added="yes"]`);
  assert.equal((await stored(browser.worker)).hdRules, hdToml);

  // A second look learns nothing the rules now read.
  await grid.click('#suggest-rules');
  await grid.waitForFunction(() => document.querySelector('#suggest-results .none[data-kind="site"]'));
  assert.equal(
    await grid.textContent('#suggest-results .none[data-kind="site"]'),
    'No site rule: nothing to suggest: the rules in force already read what this page shows',
  );
  assert.equal(await grid.locator('#suggest-results .none[data-kind="hd"]').count(), 1);

  // The options page, open all along, took both texts; its "Save" keeps them.
  await options.waitForFunction((want) => document.getElementById('hd-rules').value === want, hdToml);
  assert.equal(await options.inputValue('#site-rules'), `${MINE}\n${siteToml}`);
  await options.click('#save');
  await options.waitForSelector('#status.ok');
  const after = await stored(browser.worker);
  assert.deepEqual([after.siteRules, after.hdRules], [`${MINE}\n${siteToml}`, hdToml]);

  // Privacy: the page, its pictures and the extension's own files, nothing else.
  assert.ok(requests.includes(shop), 'requests are seen');
  const elsewhere = requests.filter((u) => !u.startsWith(`${site.origin}/`) && !/^(chrome-extension|data|blob):/.test(u));
  assert.deepEqual(elsewhere, []);
});

test('a page without a product or pairs says why there is nothing to suggest', async (t) => {
  const site = await serveStatic();
  const browser = await launch({ locale: 'zh-CN' });
  t.after(async () => {
    await browser.close();
    await site.close();
  });
  const { grid } = await openGridFor(browser, `${site.origin}/product/plain.html`);
  assert.equal(await grid.textContent('#suggest-rules'), '为此网站建议规则');
  await grid.click('#suggest-rules');
  await grid.waitForFunction(() => document.body.dataset.suggest === 'shown', null, { timeout: 20000 });
  assert.match(await grid.textContent('#suggest-results .none[data-kind="site"]'), /^没有网站规则：nothing to suggest: /);
  assert.match(await grid.textContent('#suggest-results .none[data-kind="hd"]'), /^没有高清规则：/);
  assert.equal(await grid.locator('#suggest-results button.add').count(), 0);
  assert.equal((await stored(browser.worker))?.siteRules ?? '', '');
});
