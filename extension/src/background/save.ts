// Saving and uploading go through the grid part's modules (shared/download.ts,
// shared/upload.ts, see shared/contracts.md). They are looked up at run time so this part
// builds and works before they are merged: until then a minimal fallback with the same
// contract is used. FALLBACK: delete `fallbackDownload`/`fallbackUpload` once both modules
// export their functions.
import * as downloadModule from '../shared/download.ts';
import type { DownloadOptions, DownloadOutcome, NameItem } from '../shared/download.ts';
import * as uploadModule from '../shared/upload.ts';
import type { UploadOutcome } from '../shared/upload.ts';
import type { ServerSettings } from '../shared/settings.ts';
import { loadCore } from '../shared/core.ts';

type DownloadImages = (items: NameItem[], opts: DownloadOptions) => Promise<DownloadOutcome[]>;
type UploadImage = (source: Blob | string, server: ServerSettings) => Promise<UploadOutcome>;

/** Today as the name templates' `{date}` (YYYY-MM-DD, local time). */
export function today(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Saves `items` under templated names, one outcome per item (see contracts.md). */
export function downloadImages(items: NameItem[], opts: DownloadOptions): Promise<DownloadOutcome[]> {
  const f = Reflect.get(downloadModule, 'downloadImages') as DownloadImages | undefined;
  return typeof f === 'function' ? f(items, opts) : fallbackDownload(items, opts);
}

/** Uploads one image to the user's server (see contracts.md). */
export function uploadImage(source: Blob | string, server: ServerSettings): Promise<UploadOutcome> {
  const f = Reflect.get(uploadModule, 'uploadImage') as UploadImage | undefined;
  return typeof f === 'function' ? f(source, server) : fallbackUpload(source, server);
}

async function fallbackDownload(items: NameItem[], opts: DownloadOptions): Promise<DownloadOutcome[]> {
  const core = await loadCore();
  const names = core.renderNames(opts.nameTemplate, opts.folderTemplate, items, today());
  const out: DownloadOutcome[] = [];
  for (const [i, item] of items.entries()) {
    const filename = names[i] ?? '';
    try {
      await chrome.downloads.download({ url: item.url, filename, saveAs: false, conflictAction: 'uniquify' });
      out.push({ url: item.url, filename, ok: true });
    } catch (e) {
      out.push({ url: item.url, filename, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

async function fallbackUpload(source: Blob | string, server: ServerSettings): Promise<UploadOutcome> {
  const form = new FormData();
  if (typeof source === 'string') form.append('source', source);
  else form.append('source', source, 'image.png');
  try {
    const res = await fetch(`${server.url}/api/1/upload`, { method: 'POST', body: form, headers: { 'X-API-Key': server.key } });
    const body = (await res.json().catch(() => ({}))) as {
      image?: { url?: string; url_viewer?: string };
      error?: { message?: string };
    };
    if (!res.ok || !body.image?.url) return { ok: false, error: body.error?.message ?? `HTTP ${res.status}` };
    const out: UploadOutcome = { ok: true, url: body.image.url };
    if (body.image.url_viewer) out.viewerUrl = body.image.url_viewer;
    return out;
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Saves a `data:` URL (a screenshot) as `filename` under the download folder. */
export async function saveDataUrl(dataUrl: string, filename: string): Promise<void> {
  await chrome.downloads.download({ url: dataUrl, filename, saveAs: false, conflictAction: 'uniquify' });
}

/** `blob` as a `data:` URL (a service worker has no URL.createObjectURL). */
export async function toDataUrl(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${blob.type || 'application/octet-stream'};base64,${btoa(bin)}`;
}
