// The collector: walks the live DOM and reports raw candidates in the core's Candidate
// shape. It runs inside web pages (injected by the extension, or by `imago grab --render`
// over the DevTools protocol), so it defines one global and touches nothing else.
//
// MINIMAL FIRST VERSION: <img> only. The full walk (shadow roots, frames, computed
// backgrounds, lazy attributes, auto-scroll, Performance API, ...) replaces it.
import type { Candidate, CollectOptions, CollectResult, ImagoCollector } from '../shared/collect.ts';

function collectOnce(doc: Document): Candidate[] {
  const out: Candidate[] = [];
  let order = 0;
  doc.querySelectorAll('img').forEach((img, group) => {
    const url = img.currentSrc || img.src;
    if (url) out.push({ url, kind: 'img', group, order: order++ });
  });
  return out;
}

const collector: ImagoCollector = {
  async collect(_options?: CollectOptions): Promise<CollectResult> {
    return {
      pageUrl: location.href,
      title: document.title,
      candidates: collectOnce(document),
      frames: 0,
      scrolled: false,
    };
  },
};

globalThis.imagoCollector = collector;
