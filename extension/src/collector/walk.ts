// The walk over a live document: every element, into open shadow roots and same-origin
// frames, within the bounds `Found` keeps.
import type { CollectOptions } from '../shared/collect.ts';
import type { Found } from './found.ts';
import { visit } from './elements.ts';
import { resources } from './resources.ts';

/** Visits every element under `root` (a document or a shadow root), depth first in page
 * order, descending into open shadow roots and same-origin `<iframe>`/`<frame>` documents. */
export function walk(found: Found, root: Document | ShadowRoot, view: Window, options: CollectOptions): void {
  // nodeType, not instanceof: a frame's document comes from another realm.
  const doc = root.nodeType === Node.DOCUMENT_NODE ? (root as Document) : (root.ownerDocument as Document);
  const it = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let node = it.nextNode(); node; node = it.nextNode()) {
    if (!found.tick()) return;
    const el = node as Element;
    visit(found, el, view, options);
    const shadow = (el as HTMLElement).shadowRoot;
    if (shadow) walk(found, shadow, view, options);
    if (el.localName === 'iframe' || el.localName === 'frame') {
      let inner: Document | null = null;
      try {
        inner = (el as HTMLIFrameElement).contentDocument;
      } catch {
        inner = null; // another origin: the extension injects into that frame itself
      }
      const innerView = inner?.defaultView;
      if (inner && innerView && inner.documentElement) {
        found.frames++;
        walk(found, inner, innerView, options);
        resources(found, innerView);
      }
    }
  }
}
