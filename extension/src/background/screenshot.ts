// Screenshots: the visible area of a tab (chrome.tabs.captureVisibleTab), or a region the
// user drags over it (pickRegion, then cropped here with OffscreenCanvas), saved as a PNG
// or uploaded to the user's server.
import { loadCore } from '../shared/core.ts';
import { t } from '../shared/i18n.ts';
import { loadSettings } from '../shared/settings.ts';
import type { SaveOutcome } from './api.ts';
import { pickRegion, type Region } from './injected.ts';
import { saveDataUrl, toDataUrl, today, uploadImage } from './save.ts';

/** The part of a capture that `r` covers, scaled from CSS pixels to the capture's pixels
 * (the capture is the viewport times the device pixel ratio). Clamped to the capture. */
export function cropBox(r: Region, captureWidth: number, captureHeight: number): { x: number; y: number; w: number; h: number } {
  const sx = captureWidth / r.viewportWidth;
  const sy = captureHeight / r.viewportHeight;
  const x = Math.max(0, Math.min(captureWidth, Math.round(r.x * sx)));
  const y = Math.max(0, Math.min(captureHeight, Math.round(r.y * sy)));
  const w = Math.max(1, Math.min(captureWidth - x, Math.round(r.width * sx)));
  const h = Math.max(1, Math.min(captureHeight - y, Math.round(r.height * sy)));
  return { x, y, w, h };
}

async function crop(png: Blob, r: Region): Promise<Blob> {
  const bitmap = await createImageBitmap(png);
  const b = cropBox(r, bitmap.width, bitmap.height);
  const canvas = new OffscreenCanvas(b.w, b.h);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas in this browser');
  ctx.drawImage(bitmap, b.x, b.y, b.w, b.h, 0, 0, b.w, b.h);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/png' });
}

/** `screenshot-YYYYMMDD-HHMMSS` (local time). */
export function shotName(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `screenshot-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export async function screenshot(tabId: number, region: boolean, upload: boolean): Promise<SaveOutcome> {
  const settings = await loadSettings();
  if (upload && !settings.server) return { ok: false, error: t('errorNoServer') };
  let tab = await chrome.tabs.get(tabId);
  // captureVisibleTab shows the window's active tab: the popup opened as a page (or the
  // options) may have taken its place.
  if (!tab.active) {
    tab = (await chrome.tabs.update(tabId, { active: true })) ?? tab;
    // Give the tab that just came to the front a moment to paint.
    await new Promise((r) => setTimeout(r, 200));
  }
  let r: Region | null = null;
  if (region) {
    const [res] = await chrome.scripting.executeScript({ target: { tabId }, func: pickRegion, args: [t('shotRegionHint')] });
    r = (res?.result as Region | null | undefined) ?? null;
    if (!r) return { ok: false, error: t('shotCancelled') };
  }
  const capture = await chrome.tabs.captureVisibleTab(tab.windowId, { format: 'png' });
  let png = await (await fetch(capture)).blob();
  if (r) png = await crop(png, r);
  if (upload && settings.server) {
    const up = await uploadImage(png, settings.server);
    return up.ok ? { ok: true, ...(up.url ? { url: up.url } : {}) } : { ok: false, error: up.error ?? 'upload failed' };
  }
  const core = await loadCore();
  const pageUrl = tab.url ?? 'about:blank';
  // The folder comes from the user's template (`{host}`, `{title}` of the page); the name is
  // fixed text, so the template language is only used for the folder and for sanitizing.
  const [filename] = core.renderNames(`${shotName()}.png`, settings.folderTemplate, [{ url: pageUrl, pageUrl, title: tab.title ?? '' }], today());
  if (!filename) return { ok: false, error: 'no file name' };
  await saveDataUrl(await toDataUrl(png), filename);
  return { ok: true, filename };
}
