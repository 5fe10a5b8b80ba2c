// The user's settings: versioned, stored in chrome.storage.local (never synced: it holds
// the server key). CONTRACT STUB: helper X1 implements migrate/load/save/onSettingsChanged.
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
