// The collector: walks the live DOM and reports raw candidates in the core's Candidate
// shape. It runs inside web pages (injected by the extension, or by `imago grab --render`
// over the DevTools protocol), so it defines one global and touches nothing else.
import type { CollectOptions, CollectResult, ImagoCollector } from '../shared/collect.ts';
import { Found } from './found.ts';
import { resources } from './resources.ts';
import { autoScroll } from './scroll.ts';
import { walk } from './walk.ts';

const DEFAULT_MAX_ELEMENTS = 20_000;
const DEFAULT_TIME_MS = 5_000;
const DEFAULT_SCROLL_MS = 8_000;

function pass(found: Found, options: CollectOptions): void {
  walk(found, document, window, options);
  resources(found, window);
}

const collector: ImagoCollector = {
  async collect(options: CollectOptions = {}): Promise<CollectResult> {
    const budget = options.timeMs ?? DEFAULT_TIME_MS;
    const found = new Found(options.maxElements ?? DEFAULT_MAX_ELEMENTS, Date.now() + budget);
    pass(found, options);
    let scrolledTo: number | undefined;
    if (options.autoScroll) {
      scrolledTo = await autoScroll(window, options.scrollTimeMs ?? DEFAULT_SCROLL_MS);
      // A second pass over a fresh budget: what the lazy loaders revealed. Groups keep
      // counting, and the core merges what both passes saw by URL.
      found.nextPass(Date.now() + budget);
      pass(found, options);
      return result(found, true, scrolledTo);
    }
    return result(found, false, scrolledTo);
  },
};

function result(found: Found, scrolled: boolean, scrolledTo: number | undefined): CollectResult {
  const r: CollectResult = {
    pageUrl: location.href,
    title: document.title,
    candidates: found.candidates,
    frames: found.frames,
    scrolled,
    elements: found.elements,
    videos: found.videoReport(),
  };
  if (scrolledTo !== undefined) r.scrolledTo = scrolledTo;
  if (found.stopped) r.stopped = found.stopped;
  return r;
}

globalThis.imagoCollector = collector;
