// The user's settings: versioned, stored in chrome.storage.local (never synced: it holds
// the server key). Older shapes are migrated on read, one step per version, so a user who
// skipped releases still lands on the current shape.
import type { FilterSpec, Validation } from 'imago-wasm';

/** The user's own imago server. */
export interface ServerSettings {
  /** Base URL, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  url: string;
  /** API key; sent as the `X-API-Key` header only. */
  key: string;
  /** What the server said it offers in `GET /api/v2/config` `features` when the options
   * were saved (`search`: its search-by-image page). Absent: nothing beyond uploads. */
  features?: string[];
}

/** One search engine as the user arranged it. */
export interface EngineState {
  id: string;
  enabled: boolean;
}

/** What the toolbar button does: open the grid at once, or show the popup menu. */
export type ToolbarButton = 'grid' | 'popup';

export interface Settings {
  version: 1;
  server: ServerSettings | null;
  /** Folder template under the browser's download folder (`imago/{host}`). */
  folderTemplate: string;
  /** File name template (`{name}.{ext}`, see the core's name variables). */
  nameTemplate: string;
  /** Default filters of the grid. */
  filters: FilterSpec;
  /** The user's HD rules and site rules (TOML), checked by the core. */
  hdRules: string;
  siteRules: string;
  /** Search engines in the user's order (engines the user never arranged follow, see
   * `orderedEngines` in engines.ts). */
  engines: EngineState[];
  autoScroll: boolean;
  /** Hide the images EasyList and EasyPrivacy name as ads or trackers (the lists ship
   * with the extension; see adlists.ts). */
  blockAds: boolean;
  toolbarButton: ToolbarButton;
  /** The folder on disk the desktop helper saves into (`~/` allowed); empty until set. */
  nativeFolder: string;
}

/** The version `migrate` produces. */
export const SETTINGS_VERSION = 1;

/** The key under which chrome.storage.local holds the settings object. */
export const STORAGE_KEY = 'settings';

export const DEFAULT_SETTINGS: Settings = {
  version: 1,
  server: null,
  folderTemplate: 'imago/{host}',
  nameTemplate: '{name}.{ext}',
  filters: {},
  hdRules: '',
  siteRules: '',
  engines: [],
  autoScroll: false,
  blockAds: true,
  toolbarButton: 'grid',
  nativeFolder: '',
};

type Raw = Record<string, unknown>;

/** Version 0 (before settings carried a version) was flat: `serverUrl`, `apiKey`, `folder`,
 * `filenameTemplate`, `minWidth`/`minHeight` and `enabledEngines` (ids, in order). */
function v0ToV1(r: Raw): Raw {
  const out: Raw = { version: 1 };
  if (typeof r.serverUrl === 'string' && r.serverUrl.trim() !== '') {
    out.server = { url: r.serverUrl.trim(), key: typeof r.apiKey === 'string' ? r.apiKey : '' };
  }
  if (typeof r.folder === 'string') out.folderTemplate = r.folder;
  if (typeof r.filenameTemplate === 'string') out.nameTemplate = r.filenameTemplate;
  const filters: FilterSpec = {};
  if (typeof r.minWidth === 'number') filters.minWidth = r.minWidth;
  if (typeof r.minHeight === 'number') filters.minHeight = r.minHeight;
  out.filters = filters;
  if (Array.isArray(r.enabledEngines)) {
    out.engines = r.enabledEngines.filter((id) => typeof id === 'string').map((id) => ({ id, enabled: true }));
  }
  if (typeof r.autoScroll === 'boolean') out.autoScroll = r.autoScroll;
  return out;
}

/** `MIGRATIONS[n]` turns a version-n object into version n+1. Add a row per new version. */
const MIGRATIONS: Record<number, (r: Raw) => Raw> = { 0: v0ToV1 };

/** Reads what storage holds (any version, or nothing) into the current shape. A value of
 * the wrong type falls back to its default rather than breaking the extension; a version
 * newer than this build is read as the current one (unknown fields are dropped). */
export function migrate(raw: unknown): Settings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return structuredClone(DEFAULT_SETTINGS);
  let r = raw as Raw;
  let version = typeof r.version === 'number' && Number.isInteger(r.version) ? r.version : 0;
  while (version < SETTINGS_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) break;
    r = step(r);
    version += 1;
  }
  return normalize(r);
}

/** The current shape from a version-1 object, each field checked. */
function normalize(r: Raw): Settings {
  const d = structuredClone(DEFAULT_SETTINGS);
  const str = (v: unknown, def: string) => (typeof v === 'string' ? v : def);
  const server = r.server as Raw | null | undefined;
  return {
    version: 1,
    server:
      server && typeof server === 'object' && typeof server.url === 'string' && typeof server.key === 'string'
        ? {
            url: server.url.trim().replace(/\/+$/, ''),
            key: server.key,
            ...(Array.isArray(server.features)
              ? { features: server.features.filter((f): f is string => typeof f === 'string') }
              : {}),
          }
        : null,
    folderTemplate: str(r.folderTemplate, d.folderTemplate),
    nameTemplate: str(r.nameTemplate, d.nameTemplate),
    filters:
      typeof r.filters === 'object' && r.filters !== null && !Array.isArray(r.filters)
        ? (r.filters as FilterSpec)
        : d.filters,
    hdRules: str(r.hdRules, d.hdRules),
    siteRules: str(r.siteRules, d.siteRules),
    engines: Array.isArray(r.engines) ? uniqueEngines(r.engines) : d.engines,
    autoScroll: typeof r.autoScroll === 'boolean' ? r.autoScroll : d.autoScroll,
    blockAds: typeof r.blockAds === 'boolean' ? r.blockAds : d.blockAds,
    toolbarButton: r.toolbarButton === 'popup' || r.toolbarButton === 'grid' ? r.toolbarButton : d.toolbarButton,
    nativeFolder: typeof r.nativeFolder === 'string' ? r.nativeFolder : d.nativeFolder,
  };
}

/** Well-formed rows only, the first of each id (a hand-edited import may repeat one). */
function uniqueEngines(rows: unknown[]): EngineState[] {
  const seen = new Set<string>();
  const out: EngineState[] = [];
  for (const e of rows) {
    if (typeof e !== 'object' || e === null) continue;
    const { id, enabled } = e as Raw;
    if (typeof id !== 'string' || typeof enabled !== 'boolean' || seen.has(id)) continue;
    seen.add(id);
    out.push({ id, enabled });
  }
  return out;
}

/** Where a rule text is wrong, for the options page to point at. */
export interface RuleProblem {
  /** `hd-rules` or `site-rules`. */
  origin: string;
  /** 1-based line of the rule text. */
  line: number;
  message: string;
}

/** Checks the user's HD and site rules with the core's `validateRules` (passed in, so this
 * stays testable without loading WebAssembly): `null` when both load. */
export function checkRules(
  s: Pick<Settings, 'hdRules' | 'siteRules'>,
  validateRules: (hd?: string | null, site?: string | null) => Validation,
): RuleProblem | null {
  let v: Validation;
  try {
    v = validateRules(s.hdRules, s.siteRules);
  } catch (e) {
    return { origin: 'rules', line: 0, message: e instanceof Error ? e.message : String(e) };
  }
  return 'error' in v ? { origin: v.error.origin, line: v.error.line, message: v.error.message } : null;
}

/** The settings, migrated to the current version. */
export async function loadSettings(): Promise<Settings> {
  const got = await chrome.storage.local.get(STORAGE_KEY);
  return migrate(got[STORAGE_KEY]);
}

export async function saveSettings(s: Settings): Promise<void> {
  await chrome.storage.local.set({ [STORAGE_KEY]: s });
}

/** Calls `cb` with the new settings whenever they change in storage (from any page);
 * returns the function that stops listening. */
export function onSettingsChanged(cb: (s: Settings) => void): () => void {
  const listener = (changes: Record<string, chrome.storage.StorageChange>, area: string) => {
    const change = changes[STORAGE_KEY];
    if (area === 'local' && change) cb(migrate(change.newValue));
  };
  chrome.storage.onChanged.addListener(listener);
  return () => chrome.storage.onChanged.removeListener(listener);
}
