// The grid's pure parts: frames renumbered for one merge, versions, selection rules, the
// filter spec the controls stand for (checked by the real core), file sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Candidate, Image } from 'imago-wasm';
import type { CollectResult } from '../src/shared/collect.ts';
import { controlsOf, specOf } from '../src/grid/filters.ts';
import { FRAME_STRIDE, fileNameOf, formatBytes, frameCandidates, invertSelection, items, selectRange, versions } from '../src/grid/model.ts';
import { core } from './grid-core.ts';

const frame = (candidates: Candidate[]): CollectResult => ({ pageUrl: 'http://h/', title: '', candidates, frames: 0, scrolled: false });

test('two frames that both number a group 0 stay two pictures after merge', () => {
  const top = frame([
    { url: 'http://h/a-small.jpg', kind: 'img', group: 0, order: 0 },
    { url: 'http://h/a-big.jpg', kind: 'srcset', group: 0, order: 1, descriptor: { width: 900 } },
  ]);
  const inner = frame([{ url: 'http://h/frame.png', kind: 'img', group: 0, order: 0 }]);
  const all = frameCandidates([top, inner]);
  assert.equal(all[2]!.group, FRAME_STRIDE);
  assert.equal(all[2]!.order, FRAME_STRIDE);
  const merged = core.merge(all);
  assert.deepEqual(merged.map((i) => i.url), ['http://h/a-big.jpg', 'http://h/frame.png']);
  assert.deepEqual(merged[0]!.alternates, ['http://h/a-small.jpg']);
});

const img = (url: string, alternates: string[] = []): Image => ({ url, source: 'img', sources: ['img'], alternates, order: 0 });

test('versions: the largest only, or each other version right after its picture', () => {
  const imgs = [img('http://h/a.jpg', ['http://h/a-s.jpg', 'http://h/b.jpg']), img('http://h/b.jpg')];
  assert.deepEqual(versions(imgs, true).map((i) => i.url), ['http://h/a.jpg', 'http://h/b.jpg']);
  // b.jpg is a picture of its own too: shown once.
  assert.deepEqual(versions(imgs, false).map((i) => i.url), ['http://h/a.jpg', 'http://h/a-s.jpg', 'http://h/b.jpg']);
});

test('shift-click selects the range from the last click, both ways, keeping the rest', () => {
  const shown = ['a', 'b', 'c', 'd', 'e'];
  assert.deepEqual([...selectRange(shown, 'b', 'd', new Set(['e']))].sort(), ['b', 'c', 'd', 'e']);
  assert.deepEqual([...selectRange(shown, 'd', 'a', new Set())].sort(), ['a', 'b', 'c', 'd']);
  assert.deepEqual([...selectRange(shown, undefined, 'c', new Set())], ['c']);
  assert.deepEqual([...selectRange(shown, 'gone', 'c', new Set())], ['c']);
});

test('invert flips what is shown and leaves hidden selections alone', () => {
  assert.deepEqual([...invertSelection(['a', 'b', 'c'], new Set(['a', 'hidden']))].sort(), ['b', 'c', 'hidden']);
});

test('the controls make the filter spec the core applies', () => {
  const defaults = { minBytes: '10k', include: ['first', 'second'], formats: ['png'] };
  const c = controlsOf(defaults);
  assert.deepEqual(c, { minWidth: 0, minHeight: 0, formats: ['png'], urlText: 'first', sources: [] });
  c.minWidth = 300;
  c.urlText = 'set-';
  c.formats = ['jpeg', 'webp'];
  const spec = specOf(c, defaults);
  assert.deepEqual(spec, { minBytes: '10k', include: ['set-', 'second'], formats: ['jpeg', 'webp'], minWidth: 300 });
  core.checkFilterSpec(spec);
  const list = items(
    [img('http://h/set-a.jpg'), img('http://h/set-b.jpg'), img('http://h/other.jpg')],
    new Map([
      ['http://h/set-a.jpg', { width: 400, height: 10, format: 'jpeg' as const, bytes: 20_000 }],
      ['http://h/set-b.jpg', { width: 200, height: 10, format: 'jpeg' as const, bytes: 20_000, error: undefined }],
    ]),
  );
  const kept = core.filter(list, specOf({ ...c, urlText: 'set-' }, {})).kept;
  assert.deepEqual(kept, [0], 'set-b is too narrow, other.jpg does not match the URL text');
  assert.throws(() => core.checkFilterSpec(specOf({ ...c, urlText: 're:(' }, {})));
});

test('file sizes and upload names read as people expect', () => {
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1500), '1.5 KB');
  assert.equal(formatBytes(16_504), '17 KB');
  assert.equal(formatBytes(2_500_000), '2.5 MB');
  assert.equal(formatBytes(undefined), '');
  assert.equal(fileNameOf('http://h/a/b%20c.png?x=1'), 'b c.png');
  assert.equal(fileNameOf('http://h/'), 'image');
  assert.equal(fileNameOf('data:image/png;base64,AAAA'), 'image');
});
