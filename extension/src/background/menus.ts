// The context menus, as data built from the settings: the image menu (download, original
// size, upload when a server is set, search by image with the enabled engines) and the
// page/toolbar-button menu (all tabs, screenshots, click-to-download).
import { orderedEngines, serverSearches, SERVER_ENGINE_ID } from '../shared/engines.ts';
import type { Settings } from '../shared/settings.ts';

/** A context of chrome.contextMenus ('image', 'page', 'action'...). */
type Context = `${chrome.contextMenus.ContextType}`;

export interface MenuEntry {
  id: string;
  title: string;
  contexts: [Context, ...Context[]];
  parentId?: string;
}

/** Prefix of the search submenu's ids: `search:<engine id>`. */
export const SEARCH_PREFIX = 'search:';

/** Every entry, parents before children. `t` looks a text up in the locales. */
export function menuEntries(s: Pick<Settings, 'server' | 'engines'>, t: (key: string) => string): MenuEntry[] {
  const image: [Context] = ['image'];
  const pageAndButton: [Context, Context] = ['page', 'action'];
  const out: MenuEntry[] = [
    { id: 'download', title: t('menuDownload'), contexts: image },
    { id: 'download-original', title: t('menuDownloadOriginal'), contexts: image },
  ];
  if (s.server) out.push({ id: 'upload', title: t('menuUpload'), contexts: image });
  const engines = orderedEngines(s.engines).filter((e) => e.enabled);
  if (engines.length > 0 || serverSearches(s)) {
    out.push({ id: 'search', title: t('menuSearch'), contexts: image });
    for (const { engine } of engines) {
      out.push({ id: SEARCH_PREFIX + engine.id, title: engine.name, contexts: image, parentId: 'search' });
    }
    if (serverSearches(s)) {
      out.push({ id: SEARCH_PREFIX + SERVER_ENGINE_ID, title: t('menuSearchServer'), contexts: image, parentId: 'search' });
    }
  }
  out.push(
    { id: 'all-tabs', title: t('menuAllTabs'), contexts: pageAndButton },
    { id: 'shot-visible', title: t('menuShotVisible'), contexts: pageAndButton },
    { id: 'shot-region', title: t('menuShotRegion'), contexts: pageAndButton },
    { id: 'click-mode', title: t('menuClickMode'), contexts: pageAndButton },
  );
  return out;
}

declare global {
  /** The entries last installed, only in the end-to-end build (Chrome cannot list menus):
   * the `E2E:` statements are dropped from the build users load. */
  // eslint-disable-next-line no-var
  var imagoMenus: MenuEntry[] | undefined;
}

const MENUS_KEY = 'menus';

let installing: Promise<void> = Promise.resolve();

/** Replaces the extension's menus with `entries`. Calls are chained so two quick settings
 * changes cannot interleave their removeAll/create and leave duplicate ids. */
export function installMenus(entries: MenuEntry[]): Promise<void> {
  installing = installing.catch(() => undefined).then(async () => {
    // The worker starts often (each message may wake it); Chrome keeps the menus between
    // starts, so they are rebuilt only when they differ from the last ones installed.
    const key = JSON.stringify(entries);
    const last = (await chrome.storage.session.get(MENUS_KEY))[MENUS_KEY];
    if (last === key) {
      E2E: globalThis.imagoMenus = entries;
      return;
    }
    await chrome.contextMenus.removeAll();
    for (const e of entries) {
      await new Promise<void>((resolve) => {
        const props: chrome.contextMenus.CreateProperties = { id: e.id, title: e.title, contexts: e.contexts };
        if (e.parentId) props.parentId = e.parentId;
        chrome.contextMenus.create(props, () => {
          // A failure here is a bug in the entries (a duplicate id); keep the others.
          if (chrome.runtime.lastError) console.warn('imago: menu', e.id, chrome.runtime.lastError.message);
          resolve();
        });
      });
    }
    await chrome.storage.session.set({ [MENUS_KEY]: key });
    E2E: globalThis.imagoMenus = entries;
  });
  return installing;
}
