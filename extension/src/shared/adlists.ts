// The ad/tracker lists (EasyList, EasyPrivacy) shipped in the extension's lists/ folder,
// matched by the core's engine (the one `imago list` and `imago grab` use), so the grid and
// "all tabs" drop the images the command line drops. Read from the extension's own files:
// matching asks no one.
import type { AdLists, Image } from 'imago-wasm';

/** What building the matcher needs from the core, passed in so tests need no WebAssembly. */
export interface AdListsCore {
  AdLists: new (lists: { name: string; text: string }[]) => AdLists;
}

/** What the grid needs of a matcher: the indices of the blocked URLs. */
export interface Matcher {
  blocked(urls: string[], pageUrl: string): number[];
}

let ready: Promise<AdLists> | undefined;

/** The lists named by lists/index.json, built once per page or worker. */
export function loadAdLists(core: AdListsCore, read: (path: string) => Promise<string> = readOwn): Promise<AdLists> {
  ready ??= (async () => {
    const names = JSON.parse(await read('lists/index.json')) as string[];
    const lists = await Promise.all(names.map(async (name) => ({ name, text: await read(`lists/${name}`) })));
    return new core.AdLists(lists);
  })();
  // A failed build (a damaged install) is tried again on the next call.
  ready.catch(() => {
    ready = undefined;
  });
  return ready;
}

async function readOwn(path: string): Promise<string> {
  const res = await fetch(chrome.runtime.getURL(path));
  if (!res.ok) throw new Error(`${path}: ${res.status} (the extension's own file is missing: reinstall it)`);
  return res.text();
}

/** The images the lists do not name, in order, and how many they named. */
export function withoutAds<T extends Pick<Image, 'url'>>(images: T[], pageUrl: string, lists: Matcher | null): { kept: T[]; blocked: number } {
  if (!lists || images.length === 0) return { kept: images, blocked: 0 };
  const drop = new Set(lists.blocked(images.map((i) => i.url), pageUrl));
  return { kept: images.filter((_, i) => !drop.has(i)), blocked: drop.size };
}
