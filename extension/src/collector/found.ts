// The accumulator of one collection: resolves URLs, numbers groups and page order, and
// keeps the walk within its bounds.
import type { Candidate, SourceKind } from 'imago-wasm';
import type { CollectedVideo } from '../shared/collect.ts';
import { isPlaceholder, resolveUrl, videoKind } from './urls.ts';

/** What a candidate may carry besides its URL and kind. */
export type Extra = Partial<Pick<Candidate, 'descriptor' | 'alt' | 'width' | 'height' | 'mime' | 'full_size'>>;

/** The largest width, height or `w` descriptor believed: the core takes 32-bit numbers,
 * and a page that writes `width="1e12"` must not break the merge of every other image. */
export const MAX_SIZE = 1_000_000;

/** The most videos one frame reports (the core's own bound for a page's HTML). */
export const MAX_VIDEOS = 512;

/** What a video may carry besides its URL, kind and source. */
export type VideoExtra = Partial<Pick<CollectedVideo, 'poster' | 'duration'>>;

const size = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n > 0 && n <= MAX_SIZE ? n : undefined);

/** `extra` without sizes the core could not take; `undefined` for a descriptor out of
 * range (the candidate is dropped: without its descriptor it would count as 1x). */
export function sane(extra: Extra): Extra | undefined {
  const d = extra.descriptor;
  if (d && 'width' in d && !size(d.width)) return undefined;
  if (d && 'density' in d && !(Number.isFinite(d.density) && d.density > 0 && d.density <= 100)) return undefined;
  return { ...extra, width: size(extra.width), height: size(extra.height) };
}

export class Found {
  readonly candidates: Candidate[] = [];
  /** The videos, each URL once, in the order first seen. */
  readonly videos: CollectedVideo[] = [];
  private readonly videoAt = new Map<string, CollectedVideo>();
  /** Posters of `<video>` elements that play through Media Source Extensions (a `blob:`
   * src): their stream is only seen among the page's requests. */
  private readonly msePlayers = new Map<Element, string | undefined>();
  private nextGroup = 0;
  private order = 0;
  private readonly seen = new Set<string>();
  elements = 0;
  frames = 0;
  /** Why the walk stopped early, if it did. */
  stopped?: 'elements' | 'time';

  constructor(
    readonly maxElements: number,
    private deadline: number,
  ) {}

  /** Starts another pass over the page (after auto-scroll) with fresh bounds; groups,
   * order and what was found carry on. */
  nextPass(deadline: number): void {
    this.deadline = deadline;
    this.elements = 0;
    this.frames = 0;
    this.stopped = undefined;
  }

  private readonly groups = new WeakMap<Element, Map<string, number>>();

  /** The picture `el` shows (`part` tells apart several pictures of one element, such as
   * its ::before background): versions with the same group merge into one image. The same
   * element keeps its group in a second pass, so that pass adds nothing twice. */
  group(el: Element, part = ''): number {
    let parts = this.groups.get(el);
    if (!parts) {
      parts = new Map();
      this.groups.set(el, parts);
    }
    let g = parts.get(part);
    if (g === undefined) {
      g = this.nextGroup++;
      parts.set(part, g);
    }
    return g;
  }

  /** Adds `raw` (as the page wrote it, resolved against `base`) unless it is no URL. */
  add(kind: SourceKind, raw: string | null | undefined, base: string, group: number | undefined, extra: Extra = {}): void {
    const url = resolveUrl(raw, base);
    const fields = sane(extra);
    if (!url || !fields) return;
    // The same URL found the same way for the same picture says nothing new.
    const key = `${group ?? ''}\u0000${kind}\u0000${url}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const c: Candidate = { url, kind, order: this.order++ };
    if (group !== undefined) c.group = group;
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined && v !== '' && v !== false) (c as unknown as Record<string, unknown>)[k] = v;
    }
    if (isPlaceholder(url)) c.placeholder = true;
    this.candidates.push(c);
  }

  /** Adds the video at `raw` (resolved against `base`; http(s) only), of `kind` or, when
   * that is not given, of the kind its URL says (nothing when it says none). A URL seen
   * again keeps its first source and takes a poster or duration it lacked. */
  addVideo(raw: string | null | undefined, base: string, kind: CollectedVideo['kind'] | undefined, source: CollectedVideo['source'], extra: VideoExtra = {}): void {
    const url = resolveUrl(raw, base);
    if (!url || !/^https?:/i.test(url)) return;
    const k = kind ?? videoKind(url);
    if (!k) return;
    const duration = extra.duration !== undefined && Number.isFinite(extra.duration) && extra.duration > 0 ? extra.duration : undefined;
    const had = this.videoAt.get(url);
    if (had) {
      if (had.poster === undefined && extra.poster) had.poster = extra.poster;
      if (had.duration === undefined && duration !== undefined) had.duration = duration;
      return;
    }
    if (this.videos.length >= MAX_VIDEOS) return;
    const v: CollectedVideo = { url, kind: k, source, order: this.videos.length };
    if (extra.poster) v.poster = extra.poster;
    if (duration !== undefined) v.duration = duration;
    this.videos.push(v);
    this.videoAt.set(url, v);
  }

  /** Notes a `<video>` that plays through Media Source Extensions, with its poster. */
  msePlayer(el: Element, poster: string | undefined): void {
    this.msePlayers.set(el, poster);
  }

  /** The videos to report: when the frame has exactly one `<video>` playing through Media
   * Source Extensions, the HLS playlists it requested take its poster (that element is
   * what plays them; its `blob:` src names nothing). */
  videoReport(): CollectedVideo[] {
    const [poster, ...others] = this.msePlayers.values();
    if (poster && others.length === 0) {
      for (const v of this.videos) if (v.source === 'resource' && v.kind === 'hls' && v.poster === undefined) v.poster = poster;
    }
    return this.videos;
  }

  /** Counts one element; false once the walk must stop (too many elements, too long). */
  tick(): boolean {
    if (this.stopped) return false;
    if (this.elements >= this.maxElements) {
      this.stopped = 'elements';
      return false;
    }
    this.elements++;
    if ((this.elements & 255) === 0 && Date.now() > this.deadline) {
      this.stopped = 'time';
      return false;
    }
    return true;
  }
}
