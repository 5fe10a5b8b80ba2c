// What the collector reports: the core's own Candidate, so the grid merges the live DOM's
// finds with the same `merge` the command line uses.
import type { Candidate, VideoRef } from 'imago-wasm';

export type { Candidate };

/** A video the collector saw: a `<video>`'s own URL (`currentSrc`/`src`, `<source
 * src>`) when it is http(s), or what the page requested (`resource`: the Performance API's
 * HLS playlists and video files, which is how a stream played through MSE (`blob:` src)
 * is found). The core's `VideoRef` shape, so the grid merges it with `videos(html)`. */
export interface CollectedVideo {
  url: string;
  kind: VideoRef['kind'];
  source: VideoRef['source'] | 'resource';
  /** The `<video poster>` (absolute), when the video element has one. */
  poster?: string;
  /** Seconds, when the `<video>` element already knows it (loaded metadata). */
  duration?: number;
  order: number;
}

/** How to collect (the grid's "auto-scroll" checkbox, `imago grab --render`). */
export interface CollectOptions {
  /** Scroll to the end in steps so lazy loaders fire, then collect again. */
  autoScroll?: boolean;
  /** Upper bound of the whole scroll, in milliseconds (default 8000). */
  scrollTimeMs?: number;
  /** Export `<canvas>` elements as PNG `data:` URLs (off by default: it can be slow). */
  canvas?: boolean;
  /** Stop the walk after this many elements (default 20,000)... */
  maxElements?: number;
  /** ...or after this many milliseconds per pass (default 5000); `stopped` says which. */
  timeMs?: number;
}

/** One frame's report (the top document includes its same-origin frames). */
export interface CollectResult {
  /** `location.href` of the document that ran the collector. */
  pageUrl: string;
  title: string;
  candidates: Candidate[];
  /** How many same-origin frames were walked besides the document itself. */
  frames: number;
  /** Whether auto-scroll ran (and how far it got, in CSS pixels). */
  scrolled: boolean;
  scrolledTo?: number;
  /** Elements visited (in the last pass). */
  elements?: number;
  /** Set when the walk stopped early: too many elements, or out of time. */
  stopped?: 'elements' | 'time';
  /** The videos of the frame, each URL once (the grid's video cards; `imago grab
   * --render` reads only the fields above). */
  videos?: CollectedVideo[];
}

/** What `collector.js` defines on `globalThis` (its only global). */
export interface ImagoCollector {
  collect(options?: CollectOptions): Promise<CollectResult>;
}

declare global {
  // eslint-disable-next-line no-var
  var imagoCollector: ImagoCollector | undefined;
}
