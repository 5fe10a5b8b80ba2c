// downloadImages names with the real core's renderNames and hands chrome.downloads what the
// contract says (no Save-As, uniquify); a failed download is reported, not thrown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downloadImages, today, type DownloadDeps } from '../src/shared/download.ts';
import { core } from './grid-core.ts';

function recorder(fail: (url: string) => boolean = () => false) {
  const calls: chrome.downloads.DownloadOptions[] = [];
  const deps: DownloadDeps = {
    renderNames: core.renderNames,
    download: async (o) => {
      calls.push(o);
      if (fail(o.url)) throw new Error('Invalid URL');
      return calls.length;
    },
  };
  return { calls, deps };
}

test('each item is saved under its templated name, without a dialog', async () => {
  const { calls, deps } = recorder();
  const items = [
    { url: 'https://shop.example/img/red.png', pageUrl: 'https://shop.example/p/1' },
    { url: 'https://cdn.example/x/red.png', pageUrl: 'https://shop.example/p/1' },
    { url: 'https://cdn.example/y/photo', pageUrl: 'https://shop.example/p/1', ext: 'jpg' },
  ];
  const out = await downloadImages(items, { folderTemplate: 'imago/{host}', nameTemplate: '{n:03}-{name}.{ext}', date: '2026-11-28' }, deps);
  assert.deepEqual(out.map((o) => o.filename), [
    'imago/shop.example/001-red.png',
    'imago/shop.example/002-red.png',
    'imago/shop.example/003-photo.jpg',
  ]);
  assert.ok(out.every((o) => o.ok));
  assert.deepEqual(calls[0], {
    url: 'https://shop.example/img/red.png',
    filename: 'imago/shop.example/001-red.png',
    saveAs: false,
    conflictAction: 'uniquify',
  });
});

test('a download that fails is an outcome with its error; the others go on', async () => {
  const { calls, deps } = recorder((u) => u.includes('bad'));
  const out = await downloadImages(
    [
      { url: 'http://h/bad.png', pageUrl: 'http://h/' },
      { url: 'http://h/good.png', pageUrl: 'http://h/' },
    ],
    { folderTemplate: '', nameTemplate: '{name}.{ext}', date: '2026-01-01' },
    deps,
  );
  assert.equal(calls.length, 2);
  assert.deepEqual(out, [
    { url: 'http://h/bad.png', filename: 'bad.png', ok: false, error: 'Invalid URL' },
    { url: 'http://h/good.png', filename: 'good.png', ok: true },
  ]);
});

test('a template that does not parse throws before anything is saved', async () => {
  const { calls, deps } = recorder();
  await assert.rejects(
    downloadImages([{ url: 'http://h/a.png', pageUrl: 'http://h/' }], { folderTemplate: '', nameTemplate: '{nope', date: '2026-01-01' }, deps),
    /template/i,
  );
  assert.equal(calls.length, 0);
});

test('today is the local calendar date as {date} wants it', () => {
  assert.equal(today(new Date(2026, 0, 5, 23, 59)), '2026-01-05');
});
