// The recent products list: newest first, one entry per page, bounded, and a damaged
// stored value read as what can be kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RECENT_MAX, readRecent, withRecent, type RecentProduct } from '../src/shared/recent.ts';

const entry = (n: number, url = `https://shop.example/p/${n}`): RecentProduct => ({
  url,
  title: `Item ${n}`,
  price: `${n}.00 EUR`,
  image: `https://shop.example/img/${n}.jpg`,
  time: 1_700_000_000_000 + n,
});

test('a product goes first; seeing a page again moves it up instead of adding it twice', () => {
  let list: RecentProduct[] = [];
  for (const n of [1, 2, 3]) list = withRecent(list, entry(n));
  assert.deepEqual(list.map((e) => e.title), ['Item 3', 'Item 2', 'Item 1']);
  list = withRecent(list, { ...entry(9), url: entry(1).url });
  assert.deepEqual(list.map((e) => e.title), ['Item 9', 'Item 3', 'Item 2']);
});

test(`the list keeps the newest ${RECENT_MAX}`, () => {
  let list: RecentProduct[] = [];
  for (let n = 0; n < RECENT_MAX + 7; n++) list = withRecent(list, entry(n));
  assert.equal(list.length, RECENT_MAX);
  assert.equal(list[0]!.title, `Item ${RECENT_MAX + 6}`);
  assert.equal(list.at(-1)!.title, 'Item 7');
});

test('what storage holds is read defensively', () => {
  assert.deepEqual(readRecent(undefined), []);
  assert.deepEqual(readRecent({ url: 'x' }), []);
  assert.deepEqual(readRecent([null, 3, { url: '', time: 1 }, { url: 'https://a.example/', time: 5, title: 7 }, entry(1)]), [
    { url: 'https://a.example/', title: '', price: '', image: '', time: 5 },
    entry(1),
  ]);
});
