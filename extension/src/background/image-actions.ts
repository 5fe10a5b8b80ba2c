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

/** The original-size address of `url`: the HD rules' first candidate (built-in rules plus
 * the user's), or `url` itself when no rule applies or the user's rules do not load. */
export function originalUrl(url: string, hdCandidates: (u: string, rules?: string | null) => { url: string }[], userRules: string): string {
  try {
    return hdCandidates(url, userRules || null)[0]?.url ?? url;
  } catch {
    return hdCandidates(url, null)[0]?.url ?? url;
  }
}

export async function saveImage(img: ImageContext, original: boolean): Promise<SaveOutcome> {
  const settings = await loadSettings();
  let url = img.url;
  if (original) url = originalUrl(url, (await loadCore()).hdCandidates, settings.hdRules);
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
  // The server fetches a URL source itself; a page-only image (blob:, data:) is sent as bytes.
  const source = /^https?:/i.test(url) ? url : await (await fetch(url)).blob();
  const up = await uploadImage(source, settings.server);
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
