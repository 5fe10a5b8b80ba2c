// "Download from all tabs": the images of each chosen tab, without those the ad/tracker
// lists name, filtered by the user's default filters, each tab into its own folder: the
// folder template followed by `{title}` (the tab's title; a repeated title gets " (2)",
// " (3)"...), unless the template already names `{title}`.
import type { CollectOptions, CollectResult } from '../shared/collect.ts';
import { loadCore } from '../shared/core.ts';
import { loadAdLists, withoutAds } from '../shared/adlists.ts';
import { loadSettings } from '../shared/settings.ts';
import type { NameItem } from '../shared/download.ts';
import type { TabOutcome } from './api.ts';
import { downloadImages } from './save.ts';

type Collect = (req: { tabId: number; options?: CollectOptions }) => Promise<CollectResult[]>;

/** The folder template for one tab of "all tabs". */
export function perTabFolder(folderTemplate: string): string {
  return folderTemplate.includes('{title}') ? folderTemplate : `${folderTemplate.replace(/\/+$/, '')}/{title}`;
}

/** Titles made distinct in order: the second "Shop" becomes "Shop (2)". */
export function distinctTitles(titles: string[]): string[] {
  const seen = new Map<string, number>();
  return titles.map((raw) => {
    const base = raw.trim() || 'tab';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

export async function downloadTabs(tabIds: number[], collect: Collect): Promise<TabOutcome[]> {
  const settings = await loadSettings();
  const core = await loadCore();
  // Lists that fail to load (a damaged install) hide nothing rather than stop the downloads.
  const adLists = settings.blockAds ? await loadAdLists(core).catch(() => null) : null;
  const tabs = await Promise.all(tabIds.map((id) => chrome.tabs.get(id).catch(() => null)));
  const titles = distinctTitles(tabs.map((tab) => tab?.title || (tab?.url ? new URL(tab.url).host : '')));
  const out: TabOutcome[] = [];
  for (const [k, tabId] of tabIds.entries()) {
    const tab = tabs[k];
    const title = titles[k] ?? 'tab';
    if (!tab?.url) {
      out.push({ tabId, title, folder: '', saved: 0, failed: 0, error: 'no such tab' });
      continue;
    }
    try {
      const frames = await collect({ tabId, options: { autoScroll: settings.autoScroll } });
      const images = withoutAds(core.merge(frames.flatMap((f) => f.candidates)), tab.url, adLists).kept;
      let kept = images.map((_, i) => i);
      try {
        kept = core.filter(images.map((image) => ({ image })), settings.filters).kept;
      } catch {
        // A filter the core cannot read (hand-edited storage) filters nothing.
      }
      const items: NameItem[] = kept.flatMap((i) => {
        const img = images[i];
        if (!img) return [];
        const item: NameItem = { url: img.url, pageUrl: tab.url ?? '', title };
        if (img.alt) item.alt = img.alt;
        if (img.width) item.width = img.width;
        if (img.height) item.height = img.height;
        return [item];
      });
      const done = await downloadImages(items, { folderTemplate: perTabFolder(settings.folderTemplate), nameTemplate: settings.nameTemplate });
      const first = done[0]?.filename ?? '';
      out.push({
        tabId,
        title,
        folder: first.includes('/') ? first.slice(0, first.lastIndexOf('/')) : '',
        saved: done.filter((d) => d.ok).length,
        failed: done.filter((d) => !d.ok).length,
      });
    } catch (e) {
      out.push({ tabId, title, folder: '', saved: 0, failed: 0, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
