// Probing with the real core's probeHeader against answers shaped like servers send them
// (ranged 206, plain 200 without a length, 404, not an image).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROBE_BYTES, Prober, extensionOf, probeUrl, type ProbeDeps } from '../src/shared/probe.ts';
import { core } from './grid-core.ts';

const img = (name: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../e2e/pages/grid/img', name)));

/** A fetch that answers from `files` like a server honouring Range, and records requests. */
function server(files: Record<string, Uint8Array<ArrayBuffer>>, { ranges = true } = {}) {
  const asked: { url: string; range: string | null }[] = [];
  const fetch: ProbeDeps['fetch'] = async (url, init) => {
    const range = new Headers(init.headers).get('range');
    asked.push({ url, range });
    const body = files[url];
    if (!body) return new Response('not found', { status: 404 });
    if (ranges && range) {
      const m = /bytes=(\d+)-(\d+)/.exec(range)!;
      const part = body.subarray(Number(m[1]), Number(m[2]) + 1);
      return new Response(part, { status: 206, headers: { 'content-range': `bytes ${m[1]}-${Number(m[1]) + part.length - 1}/${body.length}` } });
    }
    // A plain stream without Content-Length, as the e2e static server sends.
    return new Response(new Blob([body]).stream(), { status: 200 });
  };
  return { fetch, asked };
}

const deps = (fetch: ProbeDeps['fetch']): ProbeDeps => ({ fetch, probeHeader: core.probeHeader });

test('a ranged answer gives format, size and the whole file length from Content-Range', async () => {
  const full = img('full.jpg'); // 1000 x 1000, made by make-images.py
  const big = new Uint8Array(PROBE_BYTES * 3);
  big.set(full);
  const { fetch, asked } = server({ 'http://h/full.jpg': big });
  const m = await probeUrl('http://h/full.jpg', deps(fetch));
  assert.deepEqual(m, { format: 'jpeg', width: 1000, height: 1000, bytes: PROBE_BYTES * 3 });
  assert.deepEqual(asked, [{ url: 'http://h/full.jpg', range: `bytes=0-${PROBE_BYTES - 1}` }]);
});

test('a server that ignores Range: the body is read to 64 KiB, a short file is measured whole', async () => {
  const png = img('plain.png'); // 200 x 100
  const { fetch } = server({ 'http://h/p.png': png }, { ranges: false });
  assert.deepEqual(await probeUrl('http://h/p.png', deps(fetch)), { format: 'png', width: 200, height: 100, bytes: png.length });
  const long = new Uint8Array(PROBE_BYTES * 2);
  long.set(png);
  const { fetch: f2 } = server({ 'http://h/long.png': long }, { ranges: false });
  assert.deepEqual(await probeUrl('http://h/long.png', deps(f2)), { format: 'png', width: 200, height: 100, bytes: null });
});

test('a 404 and a page that is no image are errors, not sizes', async () => {
  const { fetch } = server({ 'http://h/page': new TextEncoder().encode('<!doctype html><html><body>hi</body></html>') });
  assert.deepEqual(await probeUrl('http://h/missing.png', deps(fetch)), { error: 'HTTP 404' });
  const page = await probeUrl('http://h/page', deps(fetch));
  assert.ok(page.error, 'an HTML page is reported as not an image');
  assert.equal(page.format, undefined);
  const failing: ProbeDeps['fetch'] = async () => {
    throw new TypeError('network down');
  };
  assert.match((await probeUrl('http://h/x.png', deps(failing))).error ?? '', /network down/);
});

test('the prober asks each URL once and runs at most `concurrency` at a time', async () => {
  let running = 0;
  let most = 0;
  const calls: string[] = [];
  const png = img('plain.png');
  const fetch: ProbeDeps['fetch'] = async (url) => {
    calls.push(url);
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    return new Response(png, { status: 200 });
  };
  const prober = new Prober(deps(fetch), 2);
  const urls = Array.from({ length: 7 }, (_, i) => `http://h/${i}.png`);
  const all = await Promise.all([...urls, ...urls].map((u) => prober.measure(u)));
  assert.equal(calls.length, 7);
  assert.equal(most, 2);
  assert.equal(prober.pending, 0);
  assert.ok(all.every((m) => m.width === 200 && m.height === 100));
});

test('probed formats name files the usual way', () => {
  assert.equal(extensionOf('jpeg'), 'jpg');
  assert.equal(extensionOf('png'), 'png');
  assert.equal(extensionOf(null), undefined);
});
