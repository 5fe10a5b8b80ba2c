// What the image context menu (and click-to-download) does with one image: save it under
// the user's templates, save its original size (HD rules), upload it, search it.
import { loadCore } from '../shared/core.ts';
import { searchTarget } from '../shared/engines.ts';
import { t } from '../shared/i18n.ts';
import { loadSettings } from '../shared/settings.ts';
import type { NameItem } from '../shared/download.ts';
import type { SaveOutcome } from './api.ts';
import { handoffImage, type HandoffTexts } from './injected.ts';
import { downloadImages, toDataUrl, uploadImage } from './save.ts';

/** Where an image was seen. */
export interface ImageContext {
  url: string;
  pageUrl: string;
  title?: string;
  alt?: string;
}

/** The original-size candidates of `url`, best first: the HD rules' (the user's rules, then
 * the built-in ones); when the user's rules do not load, the built-in ones alone. */
export function originalCandidates(
  url: string,
  hdCandidates: (u: string, rules?: string | null) => { url: string }[],
  userRules: string,
): string[] {
  try {
    return hdCandidates(url, userRules || null).map((c) => c.url);
  } catch {
    return hdCandidates(url, null).map((c) => c.url);
  }
}

/** The first candidate `exists` confirms, else `url` itself (a rule may guess an address
 * the site does not have: fall back rather than save an error page). */
export async function firstExisting(candidates: string[], url: string, exists: (u: string) => Promise<boolean>): Promise<string> {
  for (const c of candidates) {
    if (c !== url && (await exists(c))) return c;
  }
  return url;
}

/** Whether `u` answers a HEAD with 2xx (or says it does not do HEAD: then try it anyway). */
async function answers(u: string): Promise<boolean> {
  try {
    const res = await fetch(u, { method: 'HEAD', credentials: 'include' });
    return res.ok || res.status === 405 || res.status === 501;
  } catch {
    return false;
  }
}

export async function saveImage(img: ImageContext, original: boolean): Promise<SaveOutcome> {
  const settings = await loadSettings();
  let url = img.url;
  if (original) url = await firstExisting(originalCandidates(url, (await loadCore()).hdCandidates, settings.hdRules), url, answers);
  const item: NameItem = { url, pageUrl: img.pageUrl };
  if (img.title) item.title = img.title;
  if (img.alt) item.alt = img.alt;
  const [done] = await downloadImages([item], { folderTemplate: settings.folderTemplate, nameTemplate: settings.nameTemplate });
  if (!done) return { ok: false, error: 'nothing was saved' };
  return done.ok ? { ok: true, filename: done.filename } : { ok: false, filename: done.filename, error: done.error ?? 'failed' };
}

export async function uploadOne(url: string): Promise<SaveOutcome> {
  const settings = await loadSettings();
  if (!settings.server) return { ok: false, error: t('errorNoServer') };
  // The bytes are fetched here, with the user's cookies for the page's site, and sent as a
  // file: a URL source would make the server fetch it, which fails for images behind a
  // login and for hosts the server's SSRF guard refuses (a local network).
  const res = await fetch(url, { credentials: 'include' });
  if (!res.ok) return { ok: false, error: `${url}: HTTP ${res.status}` };
  const up = await uploadImage(await res.blob(), settings.server);
  return up.ok ? { ok: true, ...(up.url ? { url: up.url } : {}) } : { ok: false, error: up.error ?? 'upload failed' };
}

/** Opens the engine `engineId` on `imageUrl` in a new tab next to `opener`. A `page`
 * engine gets the image handed over once its page has loaded (handoffImage). */
export async function search(engineId: string, imageUrl: string, opener?: chrome.tabs.Tab): Promise<void> {
  const settings = await loadSettings();
  const target = searchTarget(settings, engineId, imageUrl);
  if (!target) return;
  const props: chrome.tabs.CreateProperties = { url: target.open };
  if (opener?.index !== undefined) props.index = opener.index + 1;
  if (opener?.id !== undefined) props.openerTabId = opener.id;
  const tab = await chrome.tabs.create(props);
  if (!target.handoff || tab.id === undefined) return;
  const blob = await (await fetch(imageUrl)).blob();
  const dataUrl = await toDataUrl(blob);
  await loaded(tab.id);
  const texts: HandoffTexts = {
    title: t('handoffTitle'),
    copy: t('handoffCopy'),
    copied: t('handoffCopied'),
    copyFailed: t('handoffCopyFailed'),
    fed: t('handoffFed', target.name),
    hint: t('handoffHint', target.name),
  };
  const name = decodeURIComponent(new URL(imageUrl).pathname.split('/').pop() || 'image') || 'image';
  await chrome.scripting.executeScript({ target: { tabId: tab.id }, func: handoffImage, args: [dataUrl, name, texts] });
}

/** Resolves when the tab has finished loading (or after 30 s, to hand over anyway). */
function loaded(tabId: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      chrome.tabs.onUpdated.removeListener(listener);
      clearTimeout(timer);
      resolve();
    };
    const listener = (id: number, info: chrome.tabs.OnUpdatedInfo) => {
      if (id === tabId && info.status === 'complete') done();
    };
    const timer = setTimeout(done, 30_000);
    chrome.tabs.onUpdated.addListener(listener);
    void chrome.tabs.get(tabId).then((tab) => (tab.status === 'complete' ? done() : undefined), done);
  });
}
