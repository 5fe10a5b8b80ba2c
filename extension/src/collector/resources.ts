// The images and videos the page already loaded, from the Performance API: catches what
// the DOM no longer shows (a slideshow's previous slide, an image a script drew and
// removed) or never names (an HLS stream a player script feeds to a `<video>` as `blob:`).
import type { Found } from './found.ts';
import { isImageUrl, isSurelyNotImage, videoKind } from './urls.ts';

/** Requests a script made: a video file fetched so is a segment an MSE player feeds (fMP4
 * `.mp4` pieces of an HLS or DASH stream), not a video of its own. */
const BY_SCRIPT = new Set(['xmlhttprequest', 'fetch']);

/** Adds every image resource timing entry of `view` (its own kind: `resource`), and every
 * HLS playlist and video file it requested as a video (`resource`). */
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
      continue;
    }
    // Chromium says the MIME type since 129 (empty across origins without CORS).
    const kind = videoKind(url, (r as { contentType?: string }).contentType ?? '');
    if (kind === 'hls' || (kind === 'file' && !BY_SCRIPT.has(r.initiatorType))) {
      found.addVideo(url, view.document.baseURI, kind, 'resource');
    }
  }
}
