// The background's pure helpers: screenshot cropping, all-tabs folders, the original-size
// URL from the core's HD rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { distinctTitles, perTabFolder } from '../src/background/all-tabs.ts';
import { firstExisting, originalCandidates } from '../src/background/image-actions.ts';
import { cropBox, shotName } from '../src/background/screenshot.ts';
import { today } from '../src/background/save.ts';

const core = createRequire(import.meta.url)('../../crates/imago-wasm/pkg/node/imago_wasm.js') as typeof import('imago-wasm');

test('a region in CSS pixels is cropped in device pixels', () => {
  const r = { x: 10, y: 20, width: 100, height: 50, viewportWidth: 800, viewportHeight: 600 };
  assert.deepEqual(cropBox(r, 1600, 1200), { x: 20, y: 40, w: 200, h: 100 });
  assert.deepEqual(cropBox(r, 800, 600), { x: 10, y: 20, w: 100, h: 50 });
});

test('a region past the edge is clamped to the capture', () => {
  const r = { x: 700, y: 550, width: 300, height: 300, viewportWidth: 800, viewportHeight: 600 };
  assert.deepEqual(cropBox(r, 800, 600), { x: 700, y: 550, w: 100, h: 50 });
});

test('all tabs: the title folder is added once', () => {
  assert.equal(perTabFolder('imago/{host}'), 'imago/{host}/{title}');
  assert.equal(perTabFolder('imago/{host}/'), 'imago/{host}/{title}');
  assert.equal(perTabFolder('{title}/{date}'), '{title}/{date}');
});

test('all tabs: same titles get a number, empty ones a name', () => {
  assert.deepEqual(distinctTitles(['Shop', 'Blog', 'Shop', ' ', 'Shop']), ['Shop', 'Blog', 'Shop (2)', 'tab', 'Shop (3)']);
});

test('original size: the HD candidates, user rules first', () => {
  // The built-in twitter rule (see hdCandidates in crates/imago-wasm/README.md).
  assert.equal(originalCandidates('https://pbs.twimg.com/media/abc.jpg?name=small', core.hdCandidates, '')[0], 'https://pbs.twimg.com/media/abc.jpg?name=orig');
  assert.deepEqual(originalCandidates('http://127.0.0.1/img/red.png', core.hdCandidates, ''), []);
  const mine = "[[rule]]\nname = 'mine'\nhosts = ['127.0.0.1']\npattern = '/thumb/'\nreplace = ['/big/', '/']\n";
  assert.deepEqual(originalCandidates('http://127.0.0.1/thumb/a.png', core.hdCandidates, mine), ['http://127.0.0.1/big/a.png', 'http://127.0.0.1/a.png']);
  // Broken user rules fall back to the built-in ones instead of failing the download.
  assert.equal(
    originalCandidates('https://pbs.twimg.com/media/abc.jpg?name=small', core.hdCandidates, 'not = = toml')[0],
    'https://pbs.twimg.com/media/abc.jpg?name=orig',
  );
});

test('original size: the first candidate that exists, else the URL', async () => {
  const have = new Set(['http://h/b.png', 'http://h/c.png']);
  const exists = async (u: string) => have.has(u);
  assert.equal(await firstExisting(['http://h/a.png', 'http://h/b.png', 'http://h/c.png'], 'http://h/t.png', exists), 'http://h/b.png');
  assert.equal(await firstExisting(['http://h/a.png'], 'http://h/t.png', exists), 'http://h/t.png');
  assert.equal(await firstExisting([], 'http://h/t.png', exists), 'http://h/t.png');
});

test('screenshot names and dates', () => {
  const d = new Date(2026, 10, 28, 3, 4, 5);
  assert.equal(shotName(d), 'screenshot-20261128-030405');
  assert.equal(today(d), '2026-11-28');
});
