// What the grid does with the selected images: save them (files or one ZIP), copy or
// open their URLs, upload them to the user's imago server.
import type { NameItem } from 'imago-wasm';
import { downloadImages, today, type DownloadDeps } from '../shared/download.ts';
import type { Settings } from '../shared/settings.ts';
import { uploadImage, type UploadOutcome } from '../shared/upload.ts';
import { buildZip, type ZipEntry } from '../shared/zip.ts';
import { fileNameOf } from './model.ts';

/** Saves each item as its own file; answers how many were saved and how many failed. */
export async function saveFiles(items: NameItem[], settings: Settings, deps: DownloadDeps): Promise<{ ok: number; failed: number; errors: string[] }> {
  const outcomes = await downloadImages(items, { folderTemplate: settings.folderTemplate, nameTemplate: settings.nameTemplate }, deps);
  const failed = outcomes.filter((o) => !o.ok);
  return { ok: outcomes.length - failed.length, failed: failed.length, errors: failed.map((o) => `${o.url}: ${o.error ?? ''}`) };
}

/** A picture's bytes, fetched with the page's cookies (as the page itself loads it). */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url, { credentials: 'include' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Fetches the items, packs them into one ZIP (entries named by the name template) and
 * saves it in the folder the folder template gives the first item. */
export async function saveZip(items: NameItem[], settings: Settings, deps: DownloadDeps): Promise<{ files: number; filename: string; errors: string[] }> {
  const date = today();
  const names = deps.renderNames(settings.nameTemplate, '', items, date);
  const folderOf = deps.renderNames('x', settings.folderTemplate, items.slice(0, 1), date)[0] ?? '';
  const folder = folderOf.includes('/') ? folderOf.slice(0, folderOf.lastIndexOf('/') + 1) : '';
  const entries: ZipEntry[] = [];
  const errors: string[] = [];
  for (const [i, item] of items.entries()) {
    try {
      entries.push({ name: names[i]!, data: await fetchBytes(item.url) });
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  let host = 'page';
  try {
    host = new URL(items[0]?.pageUrl ?? '').hostname || host;
  } catch {
    // keep "page"
  }
  const filename = `${folder}imago-${host}-${date}.zip`;
  await saveBlob(buildZip(entries), filename, deps);
  return { files: entries.length, filename, errors };
}

/** Saves `blob` as `filename` under the download folder, without a dialog. */
export async function saveBlob(blob: Blob, filename: string, deps: Pick<DownloadDeps, 'download'>): Promise<void> {
  const blobUrl = URL.createObjectURL(blob);
  try {
    await deps.download({ url: blobUrl, filename, saveAs: false, conflictAction: 'uniquify' });
  } finally {
    // chrome.downloads reads the Blob after the call returns: give it time before freeing.
    setTimeout(() => URL.revokeObjectURL(blobUrl), 120_000);
  }
}

/** Uploads each URL's bytes (fetched here, with the page's cookies, so a private image
 * reaches the server too). One outcome per URL, in order. */
export async function uploadAll(urls: string[], settings: Settings): Promise<(UploadOutcome & { source: string })[]> {
  const server = settings.server;
  if (!server) return urls.map((source) => ({ source, ok: false, error: 'no server' }));
  const out: (UploadOutcome & { source: string })[] = [];
  for (const url of urls) {
    try {
      const res = await fetch(url, { credentials: 'include' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const blob = await res.blob();
      out.push({ source: url, ...(await uploadImage(blob, server, { filename: fileNameOf(url) })) });
    } catch (e) {
      out.push({ source: url, ok: false, error: `${url}: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  return out;
}
