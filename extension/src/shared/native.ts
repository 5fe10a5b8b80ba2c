// The optional desktop helper (`imago native-host`, Chrome native messaging). The
// extension works fully without it; with it, a selection can be saved anywhere on disk by
// the engine (archive, conversions). Only used after the user grants the optional
// `nativeMessaging` permission on the options page.

/** The host name `imago native-host --install` registers. */
export const NATIVE_HOST = 'dev.imago.host';

/** One file to save: `filename` is relative to `folder`. */
export interface NativeItem {
  url: string;
  filename: string;
}

/** What the helper can re-encode a selection as (`imago native-host`'s `convert`). */
export type NativeConvert = 'png' | 'jpeg' | 'webp';

export type NativeRequest =
  | { type: 'ping' }
  | { type: 'save'; items: NativeItem[]; folder: string; convert?: NativeConvert; max?: number }
  | { type: 'stitch'; items: { url: string }[]; folder: string; filename?: string }
  | NativeVideoRequest;

/** One HLS stream saved as MP4 (`imago native-host`'s `video`, the engine step of `imago
 * video`): `page` is sent as Referer, `name` is the file name without `.mp4` (the
 * playlist's when absent), `quality` is `best` (default), `worst` or a height (`720p`). */
export interface NativeVideoRequest {
  type: 'video';
  url: string;
  page?: string;
  folder: string;
  name?: string;
  quality?: string;
}

/** What the helper saved of a stream: the MP4's path, its size, length (seconds) and bytes. */
export interface NativeVideoSaved {
  url: string;
  path: string;
  width: number;
  height: number;
  duration: number;
  bytes: number;
}

/** Per-item outcome of a `save`. `skipped`: the download archive already held it. */
export interface NativeResult {
  url: string;
  ok: boolean;
  path?: string;
  error?: string;
  skipped?: boolean;
}

export type NativeReply =
  | { type: 'pong'; version: string }
  | { type: 'saved'; results: NativeResult[] }
  | { type: 'stitched'; paths: string[] }
  | ({ type: 'videoSaved' } & NativeVideoSaved)
  | { type: 'error'; message: string };

/** Reads the host's answer; anything else becomes an `error` reply naming what came. */
export function parseReply(raw: unknown): NativeReply {
  if (typeof raw !== 'object' || raw === null) return { type: 'error', message: `the helper answered ${JSON.stringify(raw)}` };
  const r = raw as Record<string, unknown>;
  if (r.type === 'pong') return { type: 'pong', version: typeof r.version === 'string' ? r.version : '?' };
  if (r.type === 'error') return { type: 'error', message: typeof r.message === 'string' ? r.message : 'unknown error' };
  if (r.type === 'saved' && Array.isArray(r.results)) {
    const results: NativeResult[] = [];
    for (const x of r.results) {
      if (typeof x !== 'object' || x === null) continue;
      const o = x as Record<string, unknown>;
      if (typeof o.url !== 'string' || typeof o.ok !== 'boolean') continue;
      const res: NativeResult = { url: o.url, ok: o.ok };
      if (typeof o.path === 'string') res.path = o.path;
      if (typeof o.error === 'string') res.error = o.error;
      if (o.skipped === true) res.skipped = true;
      results.push(res);
    }
    return { type: 'saved', results };
  }
  if (r.type === 'stitched' && Array.isArray(r.paths) && r.paths.length > 0 && r.paths.every((p) => typeof p === 'string')) {
    return { type: 'stitched', paths: r.paths as string[] };
  }
  if (r.type === 'videoSaved' && typeof r.url === 'string' && typeof r.path === 'string' && r.path !== '') {
    const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
    return { type: 'videoSaved', url: r.url, path: r.path, width: n(r.width), height: n(r.height), duration: n(r.duration), bytes: n(r.bytes) };
  }
  return { type: 'error', message: `unexpected answer from the helper: ${JSON.stringify(raw).slice(0, 200)}` };
}

/** One outcome per requested item, in request order: items the host did not report on
 * count as failed (a partial answer must not look like success). */
export function outcomes(items: NativeItem[], reply: NativeReply): NativeResult[] {
  if (reply.type === 'error') return items.map((i) => ({ url: i.url, ok: false, error: reply.message }));
  if (reply.type !== 'saved') return items.map((i) => ({ url: i.url, ok: false, error: 'the helper did not save' }));
  const pending = [...reply.results];
  return items.map((i) => {
    const k = pending.findIndex((r) => r.url === i.url);
    if (k < 0) return { url: i.url, ok: false, error: 'the helper did not report this item' };
    const [r] = pending.splice(k, 1);
    return r ?? { url: i.url, ok: false, error: 'the helper did not report this item' };
  });
}

/** Whether the user granted the optional permission. */
export function nativeAllowed(): Promise<boolean> {
  return chrome.permissions.contains({ permissions: ['nativeMessaging'] });
}

/** Asks for the permission (must run in a click handler of an extension page). */
export function allowNative(): Promise<boolean> {
  return chrome.permissions.request({ permissions: ['nativeMessaging'] });
}

/** Sends one request over a fresh port and waits for one answer (or the port's error:
 * the host is not installed, it crashed...), at most `timeoutMs`. */
export function nativeCall(req: NativeRequest, timeoutMs = 120_000): Promise<NativeReply> {
  return new Promise((resolve) => {
    let port: chrome.runtime.Port;
    try {
      port = chrome.runtime.connectNative(NATIVE_HOST);
    } catch (e) {
      resolve({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      return;
    }
    let done = false;
    const finish = (r: NativeReply) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      port.disconnect();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ type: 'error', message: `no answer from ${NATIVE_HOST} in ${timeoutMs} ms` }), timeoutMs);
    port.onMessage.addListener((msg: unknown) => finish(parseReply(msg)));
    port.onDisconnect.addListener(() =>
      finish({ type: 'error', message: chrome.runtime.lastError?.message ?? `${NATIVE_HOST} closed the connection` }),
    );
    port.postMessage(req);
  });
}

/** What the helper does to each saved image: re-encode it (`convert`), scale down what
 * is larger than `max` pixels on its longest side. */
export interface NativeSaveOptions {
  convert?: NativeConvert;
  max?: number;
}

/** Saves `items` into `folder` (any folder on disk) through the desktop helper: one
 * outcome per item, in order; when the helper is missing, every item fails with why. */
export async function nativeSave(items: NativeItem[], folder: string, options: NativeSaveOptions = {}): Promise<NativeResult[]> {
  if (!(await nativeAllowed())) return outcomes(items, { type: 'error', message: 'the desktop helper is not allowed (options page)' });
  const { convert, max } = options;
  return outcomes(items, await nativeCall({ type: 'save', items, folder, ...(convert ? { convert } : {}), ...(max ? { max } : {}) }));
}

/** Whether the helper answers (installed, allowed, started by the browser): the grid
 * offers what only the helper does ("stitch") then. */
export async function nativePresent(timeoutMs = 5000): Promise<boolean> {
  if (!(await nativeAllowed())) return false;
  return (await nativeCall({ type: 'ping' }, timeoutMs)).type === 'pong';
}

/** Joins the pictures at `urls`, in order, top to bottom into one long image in `folder`
 * (the helper's `stitch`: a common width, split into numbered parts when taller than
 * marketplaces take). The files written, or why none was. */
export async function nativeStitch(urls: string[], folder: string, filename?: string): Promise<{ paths: string[] } | { error: string }> {
  const reply = await nativeCall({ type: 'stitch', items: urls.map((url) => ({ url })), folder, ...(filename ? { filename } : {}) });
  if (reply.type === 'stitched') return { paths: reply.paths };
  if (reply.type === 'error') return { error: reply.message };
  return { error: 'the helper did not stitch' };
}

/** How long a stream may take: the helper answers once, when the MP4 is complete (a live
 * stream is saved for at most an hour, `native_host/video.rs`). */
export const VIDEO_TIMEOUT_MS = 2 * 3600 * 1000;

/** Saves one HLS stream as MP4 into `req.folder` through the desktop helper: what it
 * saved, or why not. */
export async function nativeVideo(req: Omit<NativeVideoRequest, 'type'>, timeoutMs = VIDEO_TIMEOUT_MS): Promise<NativeVideoSaved | { error: string }> {
  if (!(await nativeAllowed())) return { error: 'the desktop helper is not allowed (options page)' };
  const reply = await nativeCall({ type: 'video', ...req }, timeoutMs);
  if (reply.type === 'videoSaved') {
    const { type: _type, ...saved } = reply;
    return saved;
  }
  if (reply.type === 'error') return { error: reply.message };
  return { error: 'the helper did not save the video' };
}
