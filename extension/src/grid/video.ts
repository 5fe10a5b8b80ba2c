// The grid's videos, without the DOM: the tab's videos merged from every source (the
// collector's `<video>` elements and requests, the core's read of the page's HTML), the
// streams they make (a master playlist and its variants are one), and how their variants,
// bitrates and lengths are written. Pure, so the unit tests run in node.
import type { PlaylistInfo, PlaylistVariant, VideoRef } from 'imago-wasm';
import type { CollectedVideo } from '../shared/collect.ts';

/** One video of the tab, each URL once. */
export interface PageVideo {
  url: string;
  kind: 'hls' | 'file';
  /** Where it was seen, first first (`video`, `source`, `resource`, `script`, ...). */
  sources: string[];
  poster?: string;
  /** Seconds, when a `<video>` playing it knew. */
  duration?: number;
  /** The page (frame) it was found in: the Referer its server may insist on. */
  page: string;
}

/** The videos one document gave, and that document's address. */
export interface FoundVideos {
  page: string;
  videos: readonly (CollectedVideo | VideoRef)[];
}

/** `url` as the URL parser writes it (so `a/../b.m3u8` and `b.m3u8` meet), or as given. */
export function normalUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** Every video once, by URL, in the order of `lists` (the frames' finds, then the
 * HTML's) and within each list by `order`; the first mention says in which page, a later
 * one adds its source, and a poster or duration the first one lacked. Only http(s) URLs:
 * the others play only in the tab. */
export function mergeVideos(lists: readonly FoundVideos[]): PageVideo[] {
  const out: PageVideo[] = [];
  const at = new Map<string, PageVideo>();
  for (const { page, videos } of lists) {
    for (const v of [...videos].sort((a, b) => a.order - b.order)) {
      if (!/^https?:/i.test(v.url)) continue;
      const url = normalUrl(v.url);
      const duration = 'duration' in v ? v.duration : undefined;
      const had = at.get(url);
      if (had) {
        if (!had.sources.includes(v.source)) had.sources.push(v.source);
        if (had.poster === undefined && v.poster) had.poster = v.poster;
        if (had.duration === undefined && duration !== undefined) had.duration = duration;
        continue;
      }
      const p: PageVideo = { url, kind: v.kind, sources: [v.source], page };
      if (v.poster) p.poster = v.poster;
      if (duration !== undefined) p.duration = duration;
      out.push(p);
      at.set(url, p);
    }
  }
  return out;
}

/** The streams to show, each once: an HLS playlist that a master playlist among `videos`
 * lists as a variant or an audio rendition is that master's stream (a player requests the
 * master, then the variant and the audio it plays), so only the master stays, taking the variant's poster when it had
 * none. `infos` holds what each HLS URL read as; one not read (yet, or it failed) stays. */
export function distinctStreams(videos: readonly PageVideo[], infos: ReadonlyMap<string, PlaylistInfo>): PageVideo[] {
  const partOf = new Map<string, string>();
  for (const v of videos) {
    const info = infos.get(v.url);
    if (v.kind !== 'hls' || info?.kind !== 'master') continue;
    for (const part of [...info.variants.map((x) => x.url), ...(info.renditions ?? [])]) {
      const u = normalUrl(part);
      if (u !== v.url && !partOf.has(u)) partOf.set(u, v.url);
    }
  }
  const kept = new Map<string, PageVideo>();
  for (const v of videos) {
    if (v.kind === 'hls' && partOf.has(v.url)) continue;
    kept.set(v.url, { ...v, sources: [...v.sources] });
  }
  for (const v of videos) {
    const master = kept.get(partOf.get(v.url) ?? '');
    if (!master) continue;
    if (master.poster === undefined && v.poster) master.poster = v.poster;
    for (const s of v.sources) if (!master.sources.includes(s)) master.sources.push(s);
  }
  return [...kept.values()];
}

/** A bitrate as people read it: `2.5 Mb/s`, `800 kb/s`, `12 Mb/s` (1 kb = 1000 bits). */
export function bitrateText(bitsPerSecond: number): string {
  if (!Number.isFinite(bitsPerSecond) || bitsPerSecond <= 0) return '';
  const [v, unit] = bitsPerSecond >= 1e6 ? [bitsPerSecond / 1e6, 'Mb/s'] : bitsPerSecond >= 1e3 ? [bitsPerSecond / 1e3, 'kb/s'] : [bitsPerSecond, 'b/s'];
  const shown = v < 10 ? Math.round(v * 10) / 10 : Math.round(v);
  return `${shown} ${unit}`;
}

/** One variant's line: `1280×720 · 2.5 Mb/s` (the size when the playlist says it). */
export function variantLabel(v: Pick<PlaylistVariant, 'width' | 'height' | 'bandwidth'>): string {
  const size = v.width && v.height ? `${v.width}×${v.height}` : v.height ? `${v.height}p` : '';
  return [size, bitrateText(v.bandwidth)].filter((s) => s !== '').join(' · ');
}

/** What the quality select offers, as the desktop helper's `quality` takes it: `best`,
 * then each height the variants have, tallest first (`720p`). */
export function qualityChoices(variants: readonly Pick<PlaylistVariant, 'height'>[]): string[] {
  const heights = [...new Set(variants.map((v) => v.height).filter((h): h is number => !!h && h > 0))].sort((a, b) => b - a);
  return ['best', ...heights.map((h) => `${h}p`)];
}

/** A length as a player shows it: `0:04`, `12:30`, `1:02:05`; empty when unknown. */
export function durationText(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The file name the desktop helper gets for a stream: what the name template rendered
 * with `{ext}` = `mp4`, without `.mp4` (the helper adds it, and `-2` when the name is
 * taken), as `imago grab --video` names streams. `undefined` (the helper names it from
 * the playlist's URL) unless it is one plain file name ending in `.mp4`. */
export function streamName(rendered: string | undefined): string | undefined {
  if (!rendered || /[/\\]/.test(rendered) || !rendered.toLowerCase().endsWith('.mp4')) return undefined;
  const stem = rendered.slice(0, -4).trim();
  return stem !== '' && stem !== '.' && stem !== '..' ? stem : undefined;
}

/** A video file's extension by its URL (`mp4`, `webm`, `mov`, `m4v`, `ogv`), for the
 * name template's `{ext}` (the core knows image extensions only); `undefined` otherwise. */
export function videoExt(url: string): string | undefined {
  try {
    return /\.(mp4|webm|mov|m4v|ogv)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The last path segment of a video's URL, for its card (`video` when there is none). */
export function videoFileName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() || '') || 'video';
  } catch {
    return 'video';
  }
}
