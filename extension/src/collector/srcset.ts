// srcset and image-set() text to URLs with descriptors. Pure, so the unit tests run in
// node; the collector hands the results to the core as Candidate descriptors.
import type { Descriptor } from 'imago-wasm';

/** One entry of a srcset: the URL as written and its descriptor, if any. */
export interface SrcsetEntry {
  url: string;
  descriptor?: Descriptor;
}

const SPACE = /\s/;

/** Parses a `srcset` (or `data-srcset`) value the way the HTML standard does: a URL is a
 * run of non-space characters, so commas inside it (`w_100,h_80`) stay in the URL, and a
 * trailing comma ends it without descriptors. Bad descriptors are dropped, not the URL. */
export function parseSrcset(text: string): SrcsetEntry[] {
  const out: SrcsetEntry[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (SPACE.test(text[i]!) || text[i] === ',')) i++;
    if (i >= n) break;
    let j = i;
    while (j < n && !SPACE.test(text[j]!)) j++;
    let url = text.slice(i, j);
    i = j;
    let descText = '';
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
    } else {
      // Descriptors run to the next comma outside parentheses.
      let depth = 0;
      while (i < n) {
        const ch = text[i]!;
        if (ch === '(') depth++;
        else if (ch === ')') depth = Math.max(0, depth - 1);
        else if (ch === ',' && depth === 0) break;
        descText += ch;
        i++;
      }
    }
    if (url) out.push(withDescriptor(url, descText));
  }
  return out;
}

function withDescriptor(url: string, text: string): SrcsetEntry {
  for (const d of text.trim().split(/\s+/)) {
    const m = /^(\d+(?:\.\d+)?)([wx])$/i.exec(d);
    if (!m) continue;
    const v = Number(m[1]);
    if (!(v > 0)) continue;
    return { url, descriptor: m[2]!.toLowerCase() === 'w' ? { width: Math.round(v) } : { density: v } };
  }
  return { url };
}

/** One URL of a CSS image value; inside `image-set()` it carries the density. */
export interface CssUrl {
  url: string;
  /** Which `image-set()` of the value it belongs to (0, 1, ...), if any. */
  set?: number;
  density?: number;
}

/** Every `url(...)` of a computed CSS image value (`background-image`, `content`), with the
 * density of each `image-set()` entry (`1x`, `2dppx`, `96dpi`; none means 1x). */
export function parseCssImages(value: string): CssUrl[] {
  const out: CssUrl[] = [];
  if (!value || value === 'none') return out;
  let set = -1;
  let setDepth = -1;
  let depth = 0;
  let i = 0;
  while (i < value.length) {
    const rest = value.slice(i);
    const setMatch = /^(?:-webkit-)?image-set\(/i.exec(rest);
    if (setMatch) {
      set++;
      setDepth = depth;
      depth++;
      i += setMatch[0].length;
      continue;
    }
    if (/^url\(/i.test(rest)) {
      const { url, end } = readUrl(value, i + 4);
      i = end;
      if (!url) continue;
      if (setDepth >= 0) out.push({ url, set, density: densityAfter(value.slice(i)) });
      else out.push({ url });
      continue;
    }
    if (setDepth >= 0 && (rest[0] === '"' || rest[0] === "'")) {
      // image-set("a.png" 1x): a bare string is a URL too.
      const { text, end } = readString(value, i);
      i = end;
      if (text) out.push({ url: text, set, density: densityAfter(value.slice(i)) });
      continue;
    }
    const ch = value[i]!;
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === setDepth) setDepth = -1;
    }
    i++;
  }
  return out;
}

function readUrl(value: string, start: number): { url: string; end: number } {
  let i = start;
  while (i < value.length && SPACE.test(value[i]!)) i++;
  if (value[i] === '"' || value[i] === "'") {
    const { text, end } = readString(value, i);
    const close = value.indexOf(')', end);
    return { url: text, end: close < 0 ? value.length : close + 1 };
  }
  const close = value.indexOf(')', i);
  const stop = close < 0 ? value.length : close;
  return { url: value.slice(i, stop).trim(), end: stop + 1 };
}

function readString(value: string, start: number): { text: string; end: number } {
  const quote = value[start]!;
  let text = '';
  let i = start + 1;
  while (i < value.length && value[i] !== quote) {
    if (value[i] === '\\' && i + 1 < value.length) i++;
    text += value[i];
    i++;
  }
  return { text, end: i + 1 };
}

function densityAfter(rest: string): number {
  const m = /^\s*(?:type\([^)]*\)\s*)?(\d+(?:\.\d+)?)(x|dppx|dpi|dpcm)/i.exec(rest);
  if (!m) return 1;
  const v = Number(m[1]);
  switch (m[2]!.toLowerCase()) {
    case 'dpi':
      return v / 96;
    case 'dpcm':
      return (v * 2.54) / 96;
    default:
      return v;
  }
}
