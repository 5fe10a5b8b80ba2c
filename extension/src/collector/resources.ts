// The images the page already loaded, from the Performance API: catches what the DOM no
// longer shows (a slideshow's previous slide, an image a script drew and removed).
import type { Found } from './found.ts';
import { isImageUrl, isSurelyNotImage } from './urls.ts';

/** Adds every image resource timing entry of `view` (its own kind: `resource`). */
export function resources(found: Found, view: Window): void {
  let entries: PerformanceEntryList;
  try {
    entries = view.performance.getEntriesByType('resource');
  } catch {
    return;
  }
  for (const e of entries) {
    const r = e as PerformanceResourceTiming;
    const url = r.name;
    // The browser's own favicon request is not one of the page's images.
    if (r.initiatorType === 'other' && /\/favicon\.ico$/i.test(url)) continue;
    const byInitiator = (r.initiatorType === 'img' || r.initiatorType === 'css') && !isSurelyNotImage(url);
    if (byInitiator || isImageUrl(url)) {
      // No group: a resource joins the picture with the same URL, and counts for no
      // picture of its own (the core takes a URL in many groups for a shared stand-in).
      found.add('resource', url, view.document.baseURI, undefined);
    }
  }
}
