// What each kind of element holds: one function per element kind, called by the walk.
import type { CollectOptions } from '../shared/collect.ts';
import type { Extra, Found } from './found.ts';
import { parseCssImages, parseSrcset } from './srcset.ts';
import { isImageUrl, isSurelyNotImage, resolveUrl, videoKind } from './urls.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

/** data-* names lazy loaders use; any other data-* counts only when it looks like an image. */
const LAZY_NAMES = new Set([
  'src', 'srcset', 'original', 'lazy', 'lazySrc', 'lazySrcset', 'lazyload', 'echo', 'bg',
  'background', 'backgroundImage', 'image', 'img', 'hiRes', 'hires', 'large', 'full', 'zoomImage', 'zoom',
  'originalSrc', 'fullSrc', 'largeSrc', 'srcRetina', 'retina', 'defer', 'deferSrc', 'actualsrc',
]);
/** data-* names that point at a bigger version than what is shown. */
const FULL_SIZE = /^(?:zoom|large|full|hires|hiRes|original(?:Src|Url)?$|big|highres)/;

/** `width`/`height` hints of an element: measured when it has loaded, else as declared. */
function sizeOf(el: Element): Extra {
  if (el.localName === 'img') {
    const img = el as HTMLImageElement;
    // With a srcset the browser divides the natural size by the chosen density (a 400w
    // file in a 100px slot reports 100): no measurement then, the probe gets it right.
    if (img.complete && img.naturalWidth > 0 && !img.srcset) return { width: img.naturalWidth, height: img.naturalHeight };
    if (img.srcset) return {};
  }
  const w = Number(el.getAttribute('width'));
  const h = Number(el.getAttribute('height'));
  return {
    width: Number.isInteger(w) && w > 0 ? w : undefined,
    height: Number.isInteger(h) && h > 0 ? h : undefined,
  };
}

function addSrcset(found: Found, kind: 'srcset' | 'picture' | 'lazy', text: string | null, base: string, group: number, extra: Extra = {}): void {
  if (!text) return;
  for (const e of parseSrcset(text)) found.add(kind, e.url, base, group, { ...extra, descriptor: e.descriptor });
}

/** Lazy loaders keep the real URL in data-* until the image scrolls into view. */
function addLazy(found: Found, el: HTMLElement | SVGElement, base: string, group: number): void {
  const data = (el as HTMLElement).dataset;
  if (!data) return;
  for (const [name, value] of Object.entries(data)) {
    if (!value || value.length > 4096) continue;
    const known = LAZY_NAMES.has(name);
    const fullSize = FULL_SIZE.test(name);
    if (/srcset$/i.test(name) || (known && /\s\d+(?:\.\d+)?[wx]\s*(?:,|$)/.test(value))) {
      addSrcset(found, 'lazy', value, base, group);
      continue;
    }
    // Some loaders write `url(...)` into data-bg.
    const css = parseCssImages(value);
    const raw = css.length > 0 ? css[0]!.url : value;
    const url = resolveUrl(raw, base);
    // A lazy loader's own attribute may hold an extensionless CDN URL; any other data-*
    // must look like an image file.
    if (!url) continue;
    const plausible = known || fullSize ? !/\s/.test(raw.trim()) && !isSurelyNotImage(url) : isImageUrl(url);
    if (!plausible) continue;
    found.add('lazy', url, base, group, fullSize ? { full_size: true } : {});
  }
}

/** The closest `<a href>` around `el` when it links to an image file (a full-size view). */
function linkAround(el: Element, base: string): string | undefined {
  const a = el.closest('a[href]');
  if (!a) return undefined;
  const url = resolveUrl(a.getAttribute('href'), base);
  return url && isImageUrl(url) ? url : undefined;
}

function img(found: Found, el: HTMLImageElement, base: string): void {
  const g = found.group(el);
  const alt = el.getAttribute('alt') ?? undefined;
  const size = sizeOf(el);
  if (el.currentSrc) found.add('img', el.currentSrc, base, g, { alt, ...size });
  const src = el.getAttribute('src');
  if (src) found.add('img', src, base, g, { alt, ...(resolveUrl(src, base) === el.currentSrc ? size : {}) });
  addSrcset(found, 'srcset', el.getAttribute('srcset'), base, g, { alt });
  const picture = el.parentElement;
  if (picture?.localName === 'picture') {
    for (const source of picture.querySelectorAll(':scope > source')) {
      const mime = source.getAttribute('type') ?? undefined;
      addSrcset(found, 'picture', source.getAttribute('srcset'), base, g, { alt, mime });
      addSrcset(found, 'lazy', source.getAttribute('data-srcset'), base, g, { alt, mime });
    }
  }
  addLazy(found, el, base, g);
  const link = linkAround(el, base);
  if (link) found.add('link', link, base, g, { alt, full_size: true });
}

/** Computed `background-image` (and `content`) of the element and its ::before/::after;
 * all URLs of one `image-set()` form one picture, so the core keeps the densest. */
function backgrounds(found: Found, el: Element, view: Window): void {
  for (const pseudo of [null, '::before', '::after']) {
    let style: CSSStyleDeclaration;
    try {
      style = view.getComputedStyle(el, pseudo);
    } catch {
      continue;
    }
    const values = [style.backgroundImage];
    if (pseudo) values.push(style.content);
    for (const value of values) {
      if (!value || value === 'none' || !value.includes('url(')) continue;
      let n = 0;
      for (const u of parseCssImages(value)) {
        // Computed values are absolute already; the document base is a fallback.
        const base = el.ownerDocument.baseURI;
        // Each url() of a layered background is a picture; an image-set() is one.
        const part = `${pseudo ?? ''}:${value === style.content ? 'content' : 'bg'}:`;
        if (u.set === undefined) {
          found.add('background', u.url, base, found.group(el, `${part}${n++}`));
        } else {
          found.add('background', u.url, base, found.group(el, `${part}set${u.set}`), { descriptor: { density: u.density ?? 1 } });
        }
      }
    }
  }
}

/** A `<video>`: its poster is a picture; its own http(s) URLs (`src`, each `<source
 * src>`, `currentSrc`) are videos, an HLS playlist when the URL or the `<source type>`
 * says so, else a file (what a `<video>` plays). A `blob:` src is a stream played through
 * Media Source Extensions: the page's requests name it (resources.ts). */
function video(found: Found, el: HTMLVideoElement, base: string): void {
  const posterRaw = el.getAttribute('poster');
  if (posterRaw) found.add('poster', posterRaw, base, found.group(el), sizeOf(el));
  const poster = resolveUrl(posterRaw, base);
  const extra = { poster, duration: el.duration };
  const kindOf = (raw: string | null, type: string | null) => {
    if (type && /mpegurl/i.test(type)) return 'hls';
    const url = resolveUrl(raw, base);
    return (url && videoKind(url)) || 'file';
  };
  const src = el.getAttribute('src');
  found.addVideo(src, base, kindOf(src, null), 'video', extra);
  for (const source of el.querySelectorAll(':scope > source')) {
    const s = source.getAttribute('src');
    found.addVideo(s, base, kindOf(s, source.getAttribute('type')), 'source', extra);
  }
  const current = el.currentSrc;
  found.addVideo(current, base, kindOf(current, null), 'video', extra);
  if (/^blob:/i.test(current) || /^blob:/i.test(src ?? '') || el.srcObject) found.msePlayer(el, poster);
}

function meta(found: Found, el: HTMLMetaElement, base: string): void {
  const key = (el.getAttribute('property') ?? el.getAttribute('name') ?? '').toLowerCase();
  if (/^og:image(?::url|:secure_url)?$/.test(key)) found.add('open-graph', el.content, base, found.group(el));
  else if (/^twitter:image(?::src)?$/.test(key)) found.add('twitter', el.content, base, found.group(el));
}

function canvas(found: Found, el: HTMLCanvasElement, base: string): void {
  if (el.width === 0 || el.height === 0) return;
  try {
    found.add('canvas', el.toDataURL('image/png'), base, found.group(el), { width: el.width, height: el.height });
  } catch {
    // A canvas that drew another site's image is tainted: it cannot be read, and says so.
  }
}

/** Everything one element holds, by its kind, then what every element may hold. */
export function visit(found: Found, el: Element, view: Window, options: CollectOptions): void {
  const base = el.ownerDocument.baseURI;
  const name = el.localName;
  if (el.namespaceURI === SVG_NS) {
    if (name === 'image' || name === 'feImage') {
      const href = el.getAttribute('href') ?? el.getAttributeNS(XLINK_NS, 'href');
      found.add('svg', href, base, found.group(el), sizeOf(el));
    }
  } else {
    switch (name) {
      case 'img':
        img(found, el as HTMLImageElement, base);
        break;
      case 'video':
        video(found, el as HTMLVideoElement, base);
        break;
      case 'input':
        if ((el as HTMLInputElement).type === 'image') found.add('input', el.getAttribute('src'), base, found.group(el), { alt: el.getAttribute('alt') ?? undefined });
        break;
      case 'meta':
        meta(found, el as HTMLMetaElement, base);
        break;
      case 'link':
        if (/(?:^|\s)image_src(?:\s|$)/i.test(el.getAttribute('rel') ?? '')) found.add('image-src', el.getAttribute('href'), base, found.group(el));
        break;
      case 'a': {
        // A link around an <img> joins that picture (see img); a bare link is its own.
        if (el.querySelector('img')) break;
        const url = resolveUrl(el.getAttribute('href'), base);
        if (url && isImageUrl(url)) found.add('link', url, base, found.group(el), { full_size: true });
        break;
      }
      case 'canvas':
        if (options.canvas) canvas(found, el as HTMLCanvasElement, base);
        break;
    }
    if (name !== 'img' && (el as HTMLElement).dataset && Object.keys((el as HTMLElement).dataset).length > 0) {
      addLazy(found, el as HTMLElement, base, found.group(el, 'data'));
    }
  }
  backgrounds(found, el, view);
}
