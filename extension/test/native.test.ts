// The desktop helper's answers (X3's `imago native-host`: pong, saved, error) are read
// strictly: a malformed answer is an error, and an item the helper did not report failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcomes, parseReply, type NativeItem } from '../src/shared/native.ts';

test('pong, saved and error answers', () => {
  assert.deepEqual(parseReply({ type: 'pong', version: '0.3.0' }), { type: 'pong', version: '0.3.0' });
  assert.deepEqual(parseReply({ type: 'error', message: 'bad frame' }), { type: 'error', message: 'bad frame' });
  assert.deepEqual(
    parseReply({
      type: 'saved',
      results: [
        { url: 'http://a/1.png', ok: true, path: '/home/u/Pictures/1.png' },
        { url: 'http://a/2.png', ok: true, skipped: true },
        { url: 'http://a/3.png', ok: false, error: 'HTTP 404' },
        { ok: true },
      ],
    }),
    {
      type: 'saved',
      results: [
        { url: 'http://a/1.png', ok: true, path: '/home/u/Pictures/1.png' },
        { url: 'http://a/2.png', ok: true, skipped: true },
        { url: 'http://a/3.png', ok: false, error: 'HTTP 404' },
      ],
    },
  );
});

test('a stitch answers with the files it wrote; one without any is an error', () => {
  assert.deepEqual(parseReply({ type: 'stitched', paths: ['/home/u/long-1.jpg', '/home/u/long-2.jpg'] }), {
    type: 'stitched',
    paths: ['/home/u/long-1.jpg', '/home/u/long-2.jpg'],
  });
  assert.equal(parseReply({ type: 'stitched', paths: [] }).type, 'error');
  assert.equal(parseReply({ type: 'stitched', paths: [3] }).type, 'error');
});

test('anything else is an error naming what came', () => {
  const r = parseReply({ type: 'surprise' });
  assert.equal(r.type, 'error');
  assert.match(r.type === 'error' ? r.message : '', /surprise/);
  assert.equal(parseReply(null).type, 'error');
  assert.equal(parseReply('pong').type, 'error');
});

test('one outcome per requested item, in request order', () => {
  const items: NativeItem[] = [
    { url: 'http://a/1.png', filename: '1.png' },
    { url: 'http://a/2.png', filename: '2.png' },
    { url: 'http://a/3.png', filename: '3.png' },
  ];
  const got = outcomes(items, {
    type: 'saved',
    results: [
      { url: 'http://a/3.png', ok: false, error: 'HTTP 404' },
      { url: 'http://a/1.png', ok: true, path: '/p/1.png' },
    ],
  });
  assert.deepEqual(got, [
    { url: 'http://a/1.png', ok: true, path: '/p/1.png' },
    { url: 'http://a/2.png', ok: false, error: 'the helper did not report this item' },
    { url: 'http://a/3.png', ok: false, error: 'HTTP 404' },
  ]);
  assert.deepEqual(outcomes(items.slice(0, 1), { type: 'error', message: 'disk full' }), [
    { url: 'http://a/1.png', ok: false, error: 'disk full' },
  ]);
});

test('the same URL twice is matched to two results, not one', () => {
  const items: NativeItem[] = [
    { url: 'http://a/1.png', filename: 'x/1.png' },
    { url: 'http://a/1.png', filename: 'y/1.png' },
  ];
  const got = outcomes(items, { type: 'saved', results: [{ url: 'http://a/1.png', ok: true, path: '/x/1.png' }] });
  assert.equal(got[0]?.ok, true);
  assert.equal(got[1]?.ok, false);
});

test("a stream saved as MP4 answers with the file; one without a path is an error", () => {
  const saved = { url: 'http://a/v/master.m3u8', path: '/home/u/Videos/master.mp4', width: 1280, height: 720, duration: 4.0, bytes: 123456 };
  assert.deepEqual(parseReply({ type: 'videoSaved', ...saved }), { type: 'videoSaved', ...saved });
  // Numbers the helper left out are 0, not NaN in the card.
  assert.deepEqual(parseReply({ type: 'videoSaved', url: saved.url, path: saved.path }), { type: 'videoSaved', url: saved.url, path: saved.path, width: 0, height: 0, duration: 0, bytes: 0 });
  assert.equal(parseReply({ type: 'videoSaved', url: saved.url }).type, 'error');
  assert.equal(parseReply({ type: 'videoSaved', url: saved.url, path: '' }).type, 'error');
});
