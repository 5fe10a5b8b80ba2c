// Saving images with chrome.downloads under templated names (the grid, the context menu,
// all tabs). CONTRACT STUB: helper X1 implements downloadImages.
import type { NameItem } from 'imago-wasm';

export type { NameItem };

export interface DownloadOptions {
  folderTemplate: string;
  nameTemplate: string;
}

export interface DownloadOutcome {
  url: string;
  /** The relative path given to chrome.downloads (under the download folder). */
  filename: string;
  ok: boolean;
  error?: string;
}
