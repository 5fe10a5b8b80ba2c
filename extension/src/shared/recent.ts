// The products the grid showed lately: a short list in chrome.storage.local (never synced,
// never sent), newest first, one entry per page. Written when the grid's product panel
// shows a product; shown and cleared on the grid page.

/** One product seen: where, what it was called, its price as shown, its first picture. */
export interface RecentProduct {
  url: string;
  title: string;
  /** The price as the panel shows it (`24.90 EUR`), empty when the page names none. */
  price: string;
  /** The product's first picture (its URL only: nothing is fetched for the list). */
  image: string;
  /** When it was seen, milliseconds since 1970. */
  time: number;
}

/** The key under which chrome.storage.local holds the list. */
export const RECENT_KEY = 'recentProducts';

/** How many products the list keeps; the oldest goes first. */
export const RECENT_MAX = 50;

/** The list as stored, with anything malformed (an older or damaged entry) dropped. */
export function readRecent(raw: unknown): RecentProduct[] {
  if (!Array.isArray(raw)) return [];
  const out: RecentProduct[] = [];
  for (const e of raw) {
    if (typeof e !== 'object' || e === null) continue;
    const r = e as Record<string, unknown>;
    if (typeof r.url !== 'string' || r.url === '' || typeof r.time !== 'number') continue;
    out.push({
      url: r.url,
      title: typeof r.title === 'string' ? r.title : '',
      price: typeof r.price === 'string' ? r.price : '',
      image: typeof r.image === 'string' ? r.image : '',
      time: r.time,
    });
  }
  return out;
}

/** `entry` first, then the rest without another entry for the same page, at most `max`. */
export function withRecent(list: RecentProduct[], entry: RecentProduct, max = RECENT_MAX): RecentProduct[] {
  return [entry, ...list.filter((e) => e.url !== entry.url)].slice(0, Math.max(0, max));
}

export async function loadRecent(): Promise<RecentProduct[]> {
  const got = await chrome.storage.local.get(RECENT_KEY);
  return readRecent(got[RECENT_KEY]);
}

/** Adds (or moves to the top) one product; answers the new list. */
export async function recordRecent(entry: RecentProduct): Promise<RecentProduct[]> {
  const list = withRecent(await loadRecent(), entry);
  await chrome.storage.local.set({ [RECENT_KEY]: list });
  return list;
}

export async function clearRecent(): Promise<void> {
  await chrome.storage.local.remove(RECENT_KEY);
}
