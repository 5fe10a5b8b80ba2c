// Auto-scroll: lazy loaders wait for an image to come into view, so scroll to the end in
// viewport-high steps (bounded in time), let the images start, and scroll back.

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits (at most `ms`) until no image that has a URL is still loading: the lazy loader
 * has had its say before the next step scrolls on. */
async function imagesSettled(doc: Document, ms: number): Promise<void> {
  const until = Date.now() + ms;
  const loading = () => Array.from(doc.images).some((i) => !i.complete && (i.currentSrc || i.src));
  while (Date.now() < until && loading()) await sleep(50);
}

/** Scrolls `view` to its end within `budgetMs`; restores the position; returns how far it got. */
export async function autoScroll(view: Window, budgetMs: number): Promise<number> {
  const doc = view.document;
  const start = { x: view.scrollX, y: view.scrollY };
  const until = Date.now() + Math.max(0, budgetMs);
  let furthest = start.y;
  let stillAtEnd = 0;
  while (Date.now() < until) {
    const end = Math.max(doc.documentElement.scrollHeight, doc.body?.scrollHeight ?? 0) - view.innerHeight;
    if (view.scrollY >= end - 1) {
      // At the end: an infinite list may append more; give it two short waits.
      if (++stillAtEnd > 2) break;
      await sleep(200);
      continue;
    }
    stillAtEnd = 0;
    view.scrollBy(0, Math.max(100, view.innerHeight));
    furthest = Math.max(furthest, view.scrollY);
    await sleep(120);
    await imagesSettled(doc, Math.min(600, until - Date.now()));
  }
  // Images that just started loading get a moment so their currentSrc is set.
  await sleep(150);
  view.scrollTo(start.x, start.y);
  return furthest;
}
