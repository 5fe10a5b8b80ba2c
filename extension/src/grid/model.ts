// The grid's data, without the DOM: which images, which versions, what was measured, and
// the selection rules (range, invert). Pure, so the unit tests run in node.
import type { Candidate, Image, Item, Measured } from 'imago-wasm';
import type { CollectResult } from '../shared/collect.ts';

/** Each frame numbers its own groups and order; spread them apart so two frames' pictures
 * never merge by group (the same URL still merges, as it should). */
export const FRAME_STRIDE = 1_000_000;

/** Every frame's candidates, renumbered so they can go to the core's `merge` together. */
export function frameCandidates(frames: CollectResult[]): Candidate[] {
  return frames.flatMap((f, i) =>
    f.candidates.map((c) => {
      const out: Candidate = { ...c, order: c.order + i * FRAME_STRIDE };
      if (c.group !== undefined) out.group = c.group + i * FRAME_STRIDE;
      return out;
    }),
  );
}

/** The cards to show: one per picture, or (unchecking "only the largest version") also
 * one per other version of it, right after it. */
export function versions(images: Image[], largestOnly: boolean): Image[] {
  if (largestOnly) return images;
  const seen = new Set(images.map((i) => i.url));
  const out: Image[] = [];
  for (const image of images) {
    out.push(image);
    for (const alt of image.alternates) {
      if (seen.has(alt)) continue;
      seen.add(alt);
      out.push({ url: alt, source: image.source, sources: image.sources, alt: image.alt, alternates: [], order: image.order });
    }
  }
  return out;
}

/** The core's filter/sort input: each image with what was measured of it. */
export function items(images: Image[], measured: Map<string, Measured>): Item[] {
  return images.map((image) => {
    const m = measured.get(image.url);
    // Only the fields the core knows: a probe's `error` is the grid's business.
    return m ? { image, measured: { width: m.width, height: m.height, format: m.format, bytes: m.bytes } } : { image };
  });
}

/** Shift-click: everything shown between the last clicked card and this one is selected
 * (both ends included), the rest of the selection stays. */
export function selectRange(shown: string[], anchor: string | undefined, target: string, selected: Set<string>): Set<string> {
  const out = new Set(selected);
  const a = anchor === undefined ? -1 : shown.indexOf(anchor);
  const b = shown.indexOf(target);
  if (b < 0) return out;
  if (a < 0) {
    out.add(target);
    return out;
  }
  for (let i = Math.min(a, b); i <= Math.max(a, b); i++) out.add(shown[i]!);
  return out;
}

/** Invert among what is shown; what is hidden by the filters stays as it was. */
export function invertSelection(shown: string[], selected: Set<string>): Set<string> {
  const out = new Set(selected);
  for (const u of shown) {
    if (out.has(u)) out.delete(u);
    else out.add(u);
  }
  return out;
}

/** `12.3 KB`, `1.5 MB`: file sizes as people read them (1 KB = 1000 bytes). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '';
  if (n < 1000) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** The last path segment of a URL, for an upload's file name (`image` when there is none). */
export function fileNameOf(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === 'data:') return 'image';
    return decodeURIComponent(u.pathname.split('/').pop() || '') || 'image';
  } catch {
    return 'image';
  }
}
