// A ZIP archive built in the browser: store-only (images are compressed already), CRC-32,
// UTF-8 names made unique. The archive is a list of parts that becomes a Blob, so the
// files' bytes are never copied into one big buffer.

/** One file of the archive. */
export interface ZipEntry {
  /** Path inside the archive, `/` between folders. */
  name: string;
  data: Uint8Array;
  modified?: Date;
}

/** Why an archive cannot be written (ZIP without its 64-bit extension has limits). */
export class ZipError extends Error {
  override name = 'ZipError';
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (the ZIP and PNG one) of `data`, continuing from `crc` for chunked input. */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** The names made unique the way a file manager would: `a.png`, `a (2).png`, ... (ZIP
 * readers overwrite or refuse duplicates). Case-insensitive, for Windows and macOS. */
export function uniqueNames(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((raw) => {
    const name = raw.replace(/\\/g, '/').replace(/^\/+/, '') || 'file';
    let candidate = name;
    const dot = name.lastIndexOf('.');
    const slash = name.lastIndexOf('/');
    const [stem, ext] = dot > slash + 1 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

function dosTime(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

const LIMIT = 0xffffffff;

/** The archive as parts in file order: for each entry a local header then its bytes, then
 * the central directory and its end record. */
export function zipParts(entries: ZipEntry[]): Uint8Array[] {
  if (entries.length > 0xffff) throw new ZipError(`a ZIP holds at most 65,535 files; ${entries.length} were selected`);
  const enc = new TextEncoder();
  const names = uniqueNames(entries.map((e) => e.name));
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  entries.forEach((entry, i) => {
    const name = enc.encode(names[i]);
    const size = entry.data.length;
    if (size > LIMIT || offset > LIMIT) throw new ZipError(`"${names[i]}" does not fit: a ZIP without ZIP64 stops at 4 GiB`);
    const crc = crc32(entry.data);
    const { time, date } = dosTime(entry.modified ?? new Date());
    const local = new Uint8Array(30 + name.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true); // version needed: 2.0
    l.setUint16(6, 0x0800, true); // bit 11: the name is UTF-8
    l.setUint16(8, 0, true); // method 0: stored
    l.setUint16(10, time, true);
    l.setUint16(12, date, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, size, true);
    l.setUint32(22, size, true);
    l.setUint16(26, name.length, true);
    local.set(name, 30);
    parts.push(local, entry.data);

    const cen = new Uint8Array(46 + name.length);
    const c = new DataView(cen.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, 0x0800, true);
    c.setUint16(10, 0, true);
    c.setUint16(12, time, true);
    c.setUint16(14, date, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, size, true);
    c.setUint32(24, size, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true);
    cen.set(name, 46);
    central.push(cen);
    offset += local.length + size;
  });
  const cdSize = central.reduce((s, p) => s + p.length, 0);
  if (offset > LIMIT) throw new ZipError('the files do not fit: a ZIP without ZIP64 stops at 4 GiB');
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, entries.length, true);
  e.setUint16(10, entries.length, true);
  e.setUint32(12, cdSize, true);
  e.setUint32(16, offset, true);
  return [...parts, ...central, end];
}

/** The archive as a Blob (`application/zip`), ready for a Blob URL. */
export function buildZip(entries: ZipEntry[]): Blob {
  return new Blob(zipParts(entries) as BlobPart[], { type: 'application/zip' });
}
