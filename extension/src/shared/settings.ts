// The user's settings: versioned, stored in chrome.storage.local (never synced: it holds
// the server key). Helper X1 extends it (onSettingsChanged, more fields, migrations).
import type { FilterSpec } from 'imago-wasm';

/** The user's own imago server. */
export interface ServerSettings {
  /** Base URL, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  url: string;
  /** API key; sent as the `X-API-Key` header only. */
  key: string;
}

/** One search engine as the user arranged it. */
export interface EngineState {
  id: string;
  enabled: boolean;
}

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
  /** Search engines in the user's order. */
  engines: EngineState[];
  autoScroll: boolean;
}

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
};

/** Reads what storage holds (any version, or nothing) into the current shape. A value of
 * the wrong type falls back to its default rather than breaking the extension. */
export function migrate(raw: unknown): Settings {
  if (typeof raw !== 'object' || raw === null) return structuredClone(DEFAULT_SETTINGS);
  const r = raw as Record<string, unknown>;
  const d = structuredClone(DEFAULT_SETTINGS);
  const str = (v: unknown, def: string) => (typeof v === 'string' ? v : def);
  const server = r.server as Record<string, unknown> | null | undefined;
  return {
    version: 1,
    server:
      server && typeof server.url === 'string' && typeof server.key === 'string'
        ? { url: server.url.replace(/\/+$/, ''), key: server.key }
        : null,
    folderTemplate: str(r.folderTemplate, d.folderTemplate),
    nameTemplate: str(r.nameTemplate, d.nameTemplate),
    filters: typeof r.filters === 'object' && r.filters !== null ? (r.filters as FilterSpec) : d.filters,
    hdRules: str(r.hdRules, d.hdRules),
    siteRules: str(r.siteRules, d.siteRules),
    engines: Array.isArray(r.engines)
      ? r.engines.filter(
          (e): e is EngineState =>
            typeof e === 'object' && e !== null && typeof e.id === 'string' && typeof e.enabled === 'boolean',
        )
      : d.engines,
    autoScroll: typeof r.autoScroll === 'boolean' ? r.autoScroll : d.autoScroll,
  };
}

/** The settings, migrated to the current version. */
export async function loadSettings(): Promise<Settings> {
  const got = await chrome.storage.local.get(STORAGE_KEY);
  return migrate(got[STORAGE_KEY]);
}

export async function saveSettings(s: Settings): Promise<void> {
  await chrome.storage.local.set({ [STORAGE_KEY]: s });
}
