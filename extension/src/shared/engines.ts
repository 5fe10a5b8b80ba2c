// Search by image on other sites: a table of engines, each saying how it takes an image.
// Adding an engine is adding a row. `url` engines get the image's address in a URL;
// `page` engines only take an uploaded file, so the extension opens their page and hands
// the file over there (see handoffImage in background/injected.ts).
import type { EngineState, Settings } from './settings.ts';

export interface Engine {
  /** Stable id, kept in the settings (never rename one). */
  id: string;
  /** Shown as is in menus (a brand name, not translated). */
  name: string;
  kind: 'url' | 'page';
  /** `url` engines: the search address; `{url}` becomes the image URL, percent-encoded. */
  template?: string;
  /** `page` engines: the page with the engine's upload box. */
  page?: string;
  /** On for a user who has not arranged the engines yet. */
  enabledByDefault: boolean;
}

export const ENGINES: Engine[] = [
  { id: 'google-lens', name: 'Google Lens', kind: 'url', template: 'https://lens.google.com/uploadbyurl?url={url}', enabledByDefault: true },
  { id: 'bing', name: 'Bing', kind: 'url', template: 'https://www.bing.com/images/search?view=detailv2&iss=sbi&q=imgurl:{url}', enabledByDefault: true },
  { id: 'yandex', name: 'Yandex', kind: 'url', template: 'https://yandex.com/images/search?rpt=imageview&url={url}', enabledByDefault: true },
  { id: 'tineye', name: 'TinEye', kind: 'url', template: 'https://tineye.com/search?url={url}', enabledByDefault: true },
  { id: 'sogou', name: 'Sogou', kind: 'url', template: 'https://pic.sogou.com/ris?flag=1&drag=0&query={url}', enabledByDefault: false },
  { id: 'saucenao', name: 'SauceNAO', kind: 'url', template: 'https://saucenao.com/search.php?url={url}', enabledByDefault: false },
  { id: 'iqdb', name: 'IQDB', kind: 'url', template: 'https://iqdb.org/?url={url}', enabledByDefault: false },
  { id: 'trace-moe', name: 'trace.moe', kind: 'url', template: 'https://trace.moe/?url={url}', enabledByDefault: false },
  { id: 'taobao', name: 'Taobao', kind: 'page', page: 'https://s.taobao.com/', enabledByDefault: false },
  { id: '1688', name: '1688', kind: 'page', page: 'https://s.1688.com/youyuan/index.htm', enabledByDefault: false },
  { id: 'aliexpress', name: 'AliExpress', kind: 'page', page: 'https://www.aliexpress.com/', enabledByDefault: false },
  { id: 'alibaba', name: 'Alibaba', kind: 'page', page: 'https://www.alibaba.com/', enabledByDefault: false },
  { id: 'baidu', name: 'Baidu', kind: 'page', page: 'https://graph.baidu.com/pcpage/index?tpl_from=pc', enabledByDefault: false },
  { id: 'jd', name: 'JD', kind: 'page', page: 'https://www.jd.com/', enabledByDefault: false },
];

/** The pseudo-engine id of "Search on my imago server". */
export const SERVER_ENGINE_ID = 'imago-server';

/** Whether the user's server offers search by image (it said so in its config when the
 * options were saved): only then is "search on my imago server" offered. */
export function serverSearches(settings: Pick<Settings, 'server'>): boolean {
  return settings.server?.features?.includes('search') ?? false;
}

/** The search page of a server that lists `search` in its features:
 * `GET {server}/search?url=<image URL>` (`imago serve`'s search page, which runs the search at once). */
export const SERVER_SEARCH_TEMPLATE = '/search?url={url}';

/** `template` with every `{url}` replaced by the percent-encoded image URL (so `&`, `#`, `?`
 * and spaces of the image's own address cannot leak into the engine's query). */
export function fillTemplate(template: string, imageUrl: string): string {
  return template.split('{url}').join(encodeURIComponent(imageUrl));
}

/** Every engine of the table with the user's state, in the user's order; engines the user
 * never arranged (new rows) follow in table order with their default. Ids the table no
 * longer has are dropped. */
export function orderedEngines(states: EngineState[], table: Engine[] = ENGINES): { engine: Engine; enabled: boolean }[] {
  const byId = new Map(table.map((e) => [e.id, e]));
  const out: { engine: Engine; enabled: boolean }[] = [];
  const seen = new Set<string>();
  for (const s of states) {
    const engine = byId.get(s.id);
    if (!engine || seen.has(s.id)) continue;
    seen.add(s.id);
    out.push({ engine, enabled: s.enabled });
  }
  for (const engine of table) {
    if (!seen.has(engine.id)) out.push({ engine, enabled: engine.enabledByDefault });
  }
  return out;
}

/** Moves the engine `id` one place up (-1) or down (+1) in the full order, and returns the
 * states to store (every engine, so later table additions keep their place at the end). */
export function moveEngine(states: EngineState[], id: string, by: -1 | 1, table: Engine[] = ENGINES): EngineState[] {
  const rows = orderedEngines(states, table).map((r) => ({ id: r.engine.id, enabled: r.enabled }));
  const i = rows.findIndex((r) => r.id === id);
  const j = i + by;
  if (i < 0 || j < 0 || j >= rows.length) return rows;
  const a = rows[i];
  const b = rows[j];
  if (!a || !b) return rows;
  rows[i] = b;
  rows[j] = a;
  return rows;
}

/** Turns the engine `id` on or off, keeping the order. */
export function setEngineEnabled(states: EngineState[], id: string, enabled: boolean, table: Engine[] = ENGINES): EngineState[] {
  return orderedEngines(states, table).map((r) => ({ id: r.engine.id, enabled: r.engine.id === id ? enabled : r.enabled }));
}

/** One place a search opens. `open` is the address of the new tab; for a `page` engine it
 * is the engine's upload page and `handoff` says the image must be handed over there. */
export interface SearchTarget {
  id: string;
  name: string;
  open: string;
  handoff: boolean;
}

/** One target for an engine (or the imago server pseudo-engine), `null` for an unknown id. */
export function searchTarget(
  settings: Pick<Settings, 'server'>,
  id: string,
  imageUrl: string,
  table: Engine[] = ENGINES,
): SearchTarget | null {
  if (id === SERVER_ENGINE_ID) {
    if (!settings.server || !serverSearches(settings)) return null;
    return { id, name: 'imago', open: settings.server.url + fillTemplate(SERVER_SEARCH_TEMPLATE, imageUrl), handoff: false };
  }
  const engine = table.find((e) => e.id === id);
  if (!engine) return null;
  if (engine.kind === 'url' && engine.template) {
    return { id, name: engine.name, open: fillTemplate(engine.template, imageUrl), handoff: false };
  }
  if (engine.kind === 'page' && engine.page) return { id, name: engine.name, open: engine.page, handoff: true };
  return null;
}

/** What to open to search `imageUrl`: every enabled engine in the user's order, then the
 * user's imago server when one is configured. */
export function searchTargets(
  settings: Pick<Settings, 'server' | 'engines'>,
  imageUrl: string,
  table: Engine[] = ENGINES,
): SearchTarget[] {
  const out: SearchTarget[] = [];
  for (const { engine, enabled } of orderedEngines(settings.engines, table)) {
    if (!enabled) continue;
    const t = searchTarget(settings, engine.id, imageUrl, table);
    if (t) out.push(t);
  }
  const server = searchTarget(settings, SERVER_ENGINE_ID, imageUrl, table);
  if (server) out.push(server);
  return out;
}
