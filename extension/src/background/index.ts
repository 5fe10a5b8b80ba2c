// The service worker: opens the grid for a tab, runs the collector in the tab's frames,
// keeps the context menus in step with the settings and answers the pages' typed requests.
import { serve } from '../shared/messages.ts';
import type { CollectOptions, CollectResult } from '../shared/collect.ts';
import { t } from '../shared/i18n.ts';
import { loadSettings, onSettingsChanged, type Settings } from '../shared/settings.ts';
import './api.ts';
import type { PageHtml } from './api.ts';
import { downloadTabs } from './all-tabs.ts';
import { isClickMode, setClickMode, watchClickTabs } from './click-mode.ts';
import { saveImage, search, uploadOne } from './image-actions.ts';
import { handoffImage } from './injected.ts';
import { installMenus, menuEntries, SEARCH_PREFIX } from './menus.ts';
import { screenshot } from './screenshot.ts';

/** Opens `grid.html?tab=<id>` for a tab, next to it. */
async function openGrid(tab: chrome.tabs.Tab): Promise<void> {
  if (tab.id === undefined) return;
  await chrome.tabs.create({
    url: chrome.runtime.getURL(`grid.html?tab=${tab.id}`),
    index: tab.index + 1,
    openerTabId: tab.id,
  });
}

async function collect({ tabId, options }: { tabId: number; options?: CollectOptions }): Promise<CollectResult[]> {
  await chrome.scripting.executeScript({ target: { tabId, allFrames: true }, files: ['collector.js'] });
  const results = await chrome.scripting.executeScript({
    target: { tabId, allFrames: true },
    func: (opts) => globalThis.imagoCollector?.collect(opts),
    args: [options ?? {}],
  });
  return results.map((r) => r.result as CollectResult | undefined).filter((r): r is CollectResult => !!r);
}

/** The top frame's live DOM as HTML (`document.documentElement.outerHTML`). */
async function pageHtml({ tabId }: { tabId: number }): Promise<PageHtml> {
  const [first] = await chrome.scripting.executeScript({
    target: { tabId },
    func: () => ({ url: location.href, html: document.documentElement.outerHTML }),
  });
  const got = first?.result as PageHtml | undefined;
  if (!got) throw new Error('the page could not be read');
  return got;
}

/** Applies the settings that shape the browser UI: the menus and the toolbar button. */
async function applySettings(s: Settings): Promise<void> {
  await chrome.action.setPopup({ popup: s.toolbarButton === 'popup' ? 'popup.html' : '' });
  await installMenus(menuEntries(s, t));
}

chrome.action.onClicked.addListener((tab) => void openGrid(tab));

chrome.commands.onCommand.addListener((command, tab) => {
  if (command !== 'open-grid') return;
  void (async () => {
    const target = tab ?? (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0];
    if (target) await openGrid(target);
  })();
});

/** The "all tabs" page: the popup's tab picker, opened as a page from a menu. */
function openTabPicker(): Promise<chrome.tabs.Tab> {
  return chrome.tabs.create({ url: chrome.runtime.getURL('popup.html?view=tabs') });
}

/** What a context menu entry does (see menus.ts for the entries). */
function onMenuClick(info: chrome.contextMenus.OnClickData, tab?: chrome.tabs.Tab): Promise<unknown> {
  const id = String(info.menuItemId);
  const src = info.srcUrl ?? '';
  const image = { url: src, pageUrl: info.pageUrl ?? tab?.url ?? '', ...(tab?.title ? { title: tab.title } : {}) };
  if (id === 'download') return saveImage(image, false);
  if (id === 'download-original') return saveImage(image, true);
  if (id === 'upload') return uploadOne(src);
  if (id.startsWith(SEARCH_PREFIX)) return search(id.slice(SEARCH_PREFIX.length), src, tab);
  if (id === 'all-tabs') return openTabPicker();
  if (tab?.id === undefined) return Promise.resolve(null);
  if (id === 'shot-visible') return screenshot(tab.id, false, false);
  if (id === 'shot-region') return screenshot(tab.id, true, false);
  if (id === 'click-mode') return setClickMode(tab.id);
  return Promise.resolve(null);
}

chrome.contextMenus.onClicked.addListener((info, tab) => {
  onMenuClick(info, tab).catch((e: unknown) => console.warn('imago: menu', info.menuItemId, e));
});

declare global {
  /** Only in the end-to-end build (`npm run build:e2e`; a headless browser cannot open a
   * context menu): what a menu click would do. Statements labelled `E2E:` are dropped
   * from the build users load (build.mjs, esbuild's dropLabels). */
  // eslint-disable-next-line no-var
  var imagoShell: { menuClick: typeof onMenuClick; handoffImage: typeof handoffImage } | undefined;
}
E2E: globalThis.imagoShell = { menuClick: onMenuClick, handoffImage };

watchClickTabs();
void loadSettings().then(applySettings);
onSettingsChanged((s) => void applySettings(s));

serve({
  collect,
  pageHtml,
  async openGrid({ tabId }) {
    await openGrid(await chrome.tabs.get(tabId));
    return null;
  },
  clickMode: ({ tabId, on }) => setClickMode(tabId, on),
  clickModeState: ({ tabId }) => isClickMode(tabId),
  async clickSave({ url, alt }, sender) {
    const tab = sender.tab;
    if (!tab?.id || !(await isClickMode(tab.id))) return { ok: false, error: 'click-to-download is off in this tab' };
    return saveImage({ url, pageUrl: sender.url ?? tab.url ?? '', ...(tab.title ? { title: tab.title } : {}), ...(alt ? { alt } : {}) }, false);
  },
  screenshot: ({ tabId, region, upload }) => screenshot(tabId, region, upload),
  downloadTabs: ({ tabIds }) => downloadTabs(tabIds, collect),
  async searchImage({ engineId, imageUrl, tabId }) {
    await search(engineId, imageUrl, tabId === undefined ? undefined : await chrome.tabs.get(tabId));
    return null;
  },
});
