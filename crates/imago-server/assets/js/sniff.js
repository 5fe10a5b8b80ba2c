// What a file is, from its first bytes (as the server decides, never from its name or
// the type the browser guesses), so a wrong type is named before anything is sent.

const ascii = (b, at, s) => [...s].every((c, i) => b[at + i] === c.charCodeAt(0));

/** The format name ('jpeg', 'png', ..., 'svg') or null. */
export function sniffBytes(b) {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 'PNG\r\n\x1a\n')) return 'png';
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return 'gif';
  if (ascii(b, 0, 'BM') && b.length >= 14) return 'bmp';
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return 'webp';
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'webm';
  if (ascii(b, 4, 'ftyp')) {
    const brand = String.fromCharCode(...b.slice(8, 12));
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (brand === 'qt  ') return 'mov';
    if (/^hei|^mif1|^msf1|^hev/.test(brand)) return 'heic';
    return 'mp4';
  }
  if (ascii(b, 4, 'moov') || ascii(b, 4, 'wide') || ascii(b, 4, 'mdat')) return 'mov';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'svg';
  if (head.startsWith('<')) return 'html';
  if (b.length >= 4 && b[0] === 0x25 && ascii(b, 1, 'PDF')) return 'pdf';
  return null;
}

export async function sniff(file) {
  const head = new Uint8Array(await file.slice(0, 512).arrayBuffer());
  return sniffBytes(head);
}
