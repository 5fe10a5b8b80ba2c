// The ad/tracker lists in the extension: the lists the build ships (Debian's EasyList and
// EasyPrivacy), matched by the real core, drop from a saved news page what `imago list`
// drops (crates/imago-cli/tests/filter_lists.rs counts the same page) and keep the article.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
// @ts-expect-error: a plain .mjs module without types
import { adListFiles as listFiles } from '../build-config.mjs';
import { loadAdLists, withoutAds } from '../src/shared/adlists.ts';
import { core } from './grid-core.ts';

const adListFiles = listFiles as () => string[] | null;
const corpus = path.resolve(import.meta.dirname, '../../../shared/corpus');

function shipped() {
  const files = adListFiles();
  assert.ok(files, 'EasyList/EasyPrivacy missing: apt-get install webext-ublock-origin-chromium (scripts/install-test-deps.sh does)');
  return new core.AdLists(files.map((f: string) => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') })));
}

function corpusPage(prefix: string): { html: string; url: string } {
  for (const line of fs.readFileSync(path.join(corpus, 'manifest.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { file: string; url: string };
    if (path.basename(row.file).startsWith(prefix)) {
      return { html: zlib.gunzipSync(fs.readFileSync(path.join(corpus, row.file))).toString('utf8'), url: row.url };
    }
  }
  throw new Error(`${prefix}: not in the corpus`);
}

test('the shipped lists drop the BBC page\'s Outbrain block and counting pixel, and keep the story', () => {
  const lists = shipped();
  const page = corpusPage('article-bbc-1.');
  const images = core.merge(core.discover(page.html, page.url, {}).candidates);
  const { kept, blocked } = withoutAds(images, page.url, lists);
  const dropped = new Map<string, number>();
  for (const i of images.filter((i) => !kept.includes(i))) {
    const host = new URL(i.url).host;
    dropped.set(host, (dropped.get(host) ?? 0) + 1);
  }
  // The same hosts and counts as `imago list` on this page (filter_lists.rs).
  assert.deepEqual(Object.fromEntries([...dropped].sort()), {
    'images.outbrain.com': 6,
    'stats.bbc.co.uk': 1,
    'widgets.outbrain.com': 4,
  });
  assert.equal(blocked, 11);
  for (const article of [
    'http://ichef.bbci.co.uk/news/1024/cpsprodpb/3D8B/production/_84455751_84455749.jpg',
    'http://ichef-1.bbci.co.uk/news/555/cpsprodpb/142FD/production/_84458628_shirtreuters.jpg',
  ]) {
    assert.ok(kept.some((i) => i.url === article), `${article} lost`);
  }
  lists.free();
});

test('first-party, third-party and data: URLs as a browser would see them', () => {
  const lists = shipped();
  const page = 'https://shop.example/p/1';
  const urls = [
    'https://shop.example/p/shoe.jpg',
    'https://shop.example/adbanners/sale.png', // EasyList: /adbanners/*$image
    'https://b.scorecardresearch.com/p?c1=2', // EasyPrivacy: ||scorecardresearch.com^$third-party
    'data:image/gif;base64,R0lGODlhAQABAAAAACw=',
  ];
  assert.deepEqual(lists.blocked(urls, page), [1, 2]);
  // The counter's own site loading its own image is first-party.
  assert.deepEqual(lists.blocked([urls[2]!], 'https://www.scorecardresearch.com/'), []);
  lists.free();
});

test('lists are read from lists/index.json in its order, built once, and a bad one is named', async () => {
  const files: Record<string, string> = {
    'lists/index.json': '["mine.txt", "easyprivacy.txt"]',
    'lists/mine.txt': '! mine\n/adbanners/*$image\n',
    'lists/easyprivacy.txt': '||pixel.example^\n',
  };
  const read: string[] = [];
  const reader = async (p: string) => {
    read.push(p);
    const text = files[p];
    if (text === undefined) throw new Error(`${p}: missing`);
    return text;
  };
  const lists = await loadAdLists(core, reader);
  assert.deepEqual(read, ['lists/index.json', 'lists/mine.txt', 'lists/easyprivacy.txt']);
  assert.equal(lists.rules, 2);
  assert.equal(await loadAdLists(core, reader), lists, 'built once per page');
  assert.deepEqual(
    withoutAds([{ url: 'https://a.example/adbanners/x.png' }, { url: 'https://pixel.example/t.gif' }, { url: 'https://a.example/ok.png' }], 'https://a.example/', lists),
    { kept: [{ url: 'https://a.example/ok.png' }], blocked: 2 },
  );
  assert.throws(() => new core.AdLists([{ name: 'empty.txt', text: '! nothing\n' }]), /^Error: empty\.txt: holds no filter rule/);
  assert.throws(() => new core.AdLists([]), /no list given/);
});

test('without lists (turned off, or failed to load) nothing is hidden', () => {
  const images = [{ url: 'https://a.example/adbanners/x.png' }];
  assert.deepEqual(withoutAds(images, 'https://a.example/', null), { kept: images, blocked: 0 });
});
