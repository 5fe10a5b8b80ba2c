// Click-to-download, per tab: while on, a small script in the tab saves the clicked image
// and stops the click; off removes it. The set of tabs survives the service worker's
// restarts in storage.session and is re-applied when such a tab loads a new page.
import { clickerOff, clickerOn } from './injected.ts';

const KEY = 'clickTabs';

async function tabsOn(): Promise<number[]> {
  const got = await chrome.storage.session.get(KEY);
  const v = got[KEY];
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
}

export async function isClickMode(tabId: number): Promise<boolean> {
  return (await tabsOn()).includes(tabId);
}

/** Sets the mode of a tab (toggles when `on` is undefined) and answers the new state. */
export async function setClickMode(tabId: number, on?: boolean): Promise<boolean> {
  const tabs = await tabsOn();
  const now = on ?? !tabs.includes(tabId);
  const next = tabs.filter((t) => t !== tabId);
  if (now) next.push(tabId);
  await chrome.storage.session.set({ [KEY]: next });
  await apply(tabId, now);
  return now;
}

async function apply(tabId: number, on: boolean): Promise<void> {
  await chrome.action.setBadgeText({ tabId, text: on ? 'ON' : '' });
  try {
    await chrome.scripting.executeScript({ target: { tabId, allFrames: true }, func: on ? clickerOn : clickerOff });
  } catch (e) {
    // Pages the extension may not script (the web store, chrome://) keep the badge off.
    if (on) {
      await chrome.storage.session.set({ [KEY]: (await tabsOn()).filter((t) => t !== tabId) });
      await chrome.action.setBadgeText({ tabId, text: '' });
      throw e;
    }
  }
}

/** Keeps the mode across navigations and forgets closed tabs. */
export function watchClickTabs(): void {
  chrome.tabs.onUpdated.addListener((tabId, info) => {
    if (info.status !== 'complete') return;
    void isClickMode(tabId).then((on) => (on ? apply(tabId, true).catch(() => undefined) : undefined));
  });
  chrome.tabs.onRemoved.addListener((tabId) => {
    void tabsOn().then((tabs) => chrome.storage.session.set({ [KEY]: tabs.filter((t) => t !== tabId) }));
  });
}
