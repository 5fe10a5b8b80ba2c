// Saving images with chrome.downloads under templated names (the grid, the context menu,
// all tabs): names from the core's renderNames, so they are the command line's names.
import type { NameItem } from 'imago-wasm';

export type { NameItem };

export interface DownloadOptions {
  folderTemplate: string;
  nameTemplate: string;
  /** `{date}` of the templates (YYYY-MM-DD); today when absent. */
  date?: string;
}

export interface DownloadOutcome {
  url: string;
  /** The relative path given to chrome.downloads (under the download folder). */
  filename: string;
  ok: boolean;
  error?: string;
}

/** What downloading needs from outside: injected so the unit tests run without a browser. */
export interface DownloadDeps {
  renderNames: (template: string, folderTemplate: string, items: NameItem[], date: string) => string[];
  download: (o: chrome.downloads.DownloadOptions) => Promise<number>;
}

/** Today as `{date}` renders it: the local calendar day. */
export function today(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

async function defaultDeps(): Promise<DownloadDeps> {
  const { loadCore } = await import('./core.ts');
  const core = await loadCore();
  return { renderNames: core.renderNames, download: (o) => chrome.downloads.download(o) };
}

/** Saves every item without a Save-As dialog; one outcome per item, in order. A template
 * that does not parse throws before anything is saved. */
export async function downloadImages(
  items: NameItem[],
  opts: DownloadOptions,
  deps?: DownloadDeps,
): Promise<DownloadOutcome[]> {
  const d = deps ?? (await defaultDeps());
  const names = d.renderNames(opts.nameTemplate, opts.folderTemplate, items, opts.date ?? today());
  const out: DownloadOutcome[] = [];
  for (const [i, item] of items.entries()) {
    const filename = names[i]!;
    try {
      await d.download({ url: item.url, filename, saveAs: false, conflictAction: 'uniquify' });
      out.push({ url: item.url, filename, ok: true });
    } catch (e) {
      out.push({ url: item.url, filename, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
