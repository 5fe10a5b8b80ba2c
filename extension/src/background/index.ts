// The service worker: opens the grid for a tab, runs the collector in the tab's frames and
// answers the pages' typed requests.
import { serve } from '../shared/messages.ts';
import type { CollectResult } from '../shared/collect.ts';

/** Opens `grid.html?tab=<id>` for a tab, next to it. */
async function openGrid(tab: chrome.tabs.Tab): Promise<void> {
  if (tab.id === undefined) return;
  await chrome.tabs.create({
    url: chrome.runtime.getURL(`grid.html?tab=${tab.id}`),
    index: tab.index + 1,
    openerTabId: tab.id,
  });
}

chrome.action.onClicked.addListener((tab) => void openGrid(tab));

serve({
  async collect({ tabId, options }) {
    await chrome.scripting.executeScript({ target: { tabId, allFrames: true }, files: ['collector.js'] });
    const results = await chrome.scripting.executeScript({
      target: { tabId, allFrames: true },
      func: (opts) => globalThis.imagoCollector?.collect(opts),
      args: [options ?? {}],
    });
    return results.map((r) => r.result as CollectResult | undefined).filter((r): r is CollectResult => !!r);
  },
});
