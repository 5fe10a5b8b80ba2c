// The ZIP writer, read back by a reader written here from the format's description
// (APPNOTE 4.3) and checked with zlib's own CRC-32.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { crc32, uniqueNames, zipParts, ZipError } from '../src/shared/zip.ts';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Reads a stored-only ZIP through its central directory, as unzip does. */
function readZip(zip: Uint8Array): { name: string; data: Uint8Array; crc: number; flags: number }[] {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  assert.equal(v.getUint32(end, true), 0x06054b50, 'end of central directory record');
  const count = v.getUint16(end + 10, true);
  let at = v.getUint32(end + 16, true);
  const out = [];
  for (let i = 0; i < count; i++) {
    assert.equal(v.getUint32(at, true), 0x02014b50, 'central directory header');
    const flags = v.getUint16(at + 8, true);
    assert.equal(v.getUint16(at + 10, true), 0, 'stored');
    const crc = v.getUint32(at + 16, true);
    const size = v.getUint32(at + 20, true);
    const nameLen = v.getUint16(at + 28, true);
    const extra = v.getUint16(at + 30, true);
    const comment = v.getUint16(at + 32, true);
    const local = v.getUint32(at + 42, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLen));
    assert.equal(v.getUint32(local, true), 0x04034b50, 'local header');
    const localName = v.getUint16(local + 26, true);
    const localExtra = v.getUint16(local + 28, true);
    const start = local + 30 + localName + localExtra;
    out.push({ name, data: zip.subarray(start, start + size), crc, flags });
    at += 46 + nameLen + extra + comment;
  }
  return out;
}

test('crc32 of the standard check string is CBF43926, and chunks continue', () => {
  const text = new TextEncoder().encode('123456789');
  assert.equal(crc32(text), 0xcbf43926);
  assert.equal(crc32(text.subarray(4), crc32(text.subarray(0, 4))), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
});

test('a ZIP holds each file byte-exact with its CRC and UTF-8 name', () => {
  const a = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]);
  const b = new Uint8Array(70_000).map((_, i) => (i * 7) % 251);
  const entries = readZip(concat(zipParts([
    { name: 'imago/a.png', data: a },
    { name: '图片/b.bin', data: b },
    { name: 'empty.txt', data: new Uint8Array() },
  ])));
  assert.deepEqual(entries.map((e) => e.name), ['imago/a.png', '图片/b.bin', 'empty.txt']);
  assert.deepEqual(entries[0]!.data, a);
  assert.deepEqual(entries[1]!.data, b);
  assert.equal(entries[2]!.data.length, 0);
  for (const e of entries) {
    assert.equal(e.crc, zlib.crc32(e.data), `${e.name}: CRC as zlib computes it`);
    assert.equal(e.flags & 0x0800, 0x0800, `${e.name}: UTF-8 flag`);
  }
});

test('an empty ZIP is just the end record', () => {
  const zip = concat(zipParts([]));
  assert.equal(zip.length, 22);
  assert.deepEqual(readZip(zip), []);
});

test('names are made unique, ignoring case, keeping the extension', () => {
  assert.deepEqual(uniqueNames(['a.png', 'A.png', 'a.png', 'dir/b', 'dir/b', '/abs.jpg', 'x\\y.gif']), [
    'a.png', 'A (2).png', 'a (3).png', 'dir/b', 'dir/b (2)', 'abs.jpg', 'x/y.gif',
  ]);
  assert.deepEqual(uniqueNames(['.hidden', '.hidden']), ['.hidden', '.hidden (2)']);
});

test('more files than a ZIP can count is a clear error', () => {
  const many = Array.from({ length: 65_536 }, (_, i) => ({ name: `${i}`, data: new Uint8Array() }));
  assert.throws(() => zipParts(many), (e: unknown) => e instanceof ZipError && /65,535/.test(e.message));
});
