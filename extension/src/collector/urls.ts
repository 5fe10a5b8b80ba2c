// What counts as an image URL, and turning what a page wrote into an absolute URL.

const IMAGE_EXT = /\.(?:jpe?g|jfif|pjpeg|png|apng|gif|webp|avif|svg|bmp|ico|tiff?|heic|heif)$/i;
const NOT_IMAGE_EXT = /\.(?:woff2?|ttf|otf|eot|css|js|mjs|json|html?|php|xml|txt|mp4|webm|m3u8)$/i;

/** The URL `raw` as written on the page, made absolute against `base`; `undefined` for
 * nothing, `javascript:`, `about:` or text that is not a URL. */
export function resolveUrl(raw: string | null | undefined, base: string): string | undefined {
  const s = raw?.trim();
  if (!s || s === '#' || s === 'none') return undefined;
  try {
    const u = new URL(s, base);
    if (!['http:', 'https:', 'data:', 'blob:', 'file:'].includes(u.protocol)) return undefined;
    if (u.protocol === 'data:' && !/^data:image\//i.test(s)) return undefined;
    return u.href;
  } catch {
    return undefined;
  }
}

const HLS_EXT = /\.m3u8?$/i;
const VIDEO_EXT = /\.(?:mp4|webm|mov|m4v|ogv)$/i;

/** What an http(s) URL plays, as the core's `video_kind` reads it (`.m3u8` an HLS
 * playlist; `.mp4`, `.webm`, `.mov`, `.m4v`, `.ogv` a file), or by `mpegurl` in the URL or
 * its MIME type (`application/vnd.apple.mpegurl`), or a `video/` MIME type (MPEG-TS
 * excepted: those are a stream's segments); `undefined` for anything else. */
export function videoKind(url: string, mime = ''): 'hls' | 'file' | undefined {
  let path: string;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    path = u.pathname;
  } catch {
    return undefined;
  }
  if (HLS_EXT.test(path) || /mpegurl/i.test(url) || /mpegurl/i.test(mime)) return 'hls';
  if (VIDEO_EXT.test(path) || (/^video\//i.test(mime) && !/mp2t/i.test(mime))) return 'file';
  return undefined;
}

/** Whether an absolute URL names an image by its extension (or is a `data:image/`). */
export function isImageUrl(url: string): boolean {
  if (/^data:image\//i.test(url)) return true;
  try {
    return IMAGE_EXT.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

/** Whether an absolute URL names something that is surely not an image (a font, a script). */
export function isSurelyNotImage(url: string): boolean {
  try {
    return NOT_IMAGE_EXT.test(new URL(url).pathname);
  } catch {
    return true;
  }
}

/** A stand-in a lazy loader shows until the real image loads: a tiny `data:` URI or a
 * file named like a spacer. The core drops a picture whose every version is one. */
export function isPlaceholder(url: string): boolean {
  if (url.startsWith('data:')) return url.length < 200;
  try {
    const name = new URL(url).pathname.split('/').pop()?.toLowerCase() ?? '';
    return /placeholder|^(?:spacer|blank)(?![a-z])|^(?:pixel|1x1|transparent|clear)\.(?:gif|png|svg)$/.test(name);
  } catch {
    return false;
  }
}
