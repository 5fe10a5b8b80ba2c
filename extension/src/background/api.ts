// The requests the background answers for the popup, the options page and the small
// scripts it injects into pages (click-to-download). See shared/messages.ts.

/** What saving or uploading one image did. `filename` is relative to the download
 * folder; `url` is the hosted address after an upload. */
export interface SaveOutcome {
  ok: boolean;
  filename?: string;
  url?: string;
  error?: string;
}

/** One tab of "download from all tabs". */
export interface TabOutcome {
  tabId: number;
  title: string;
  /** The folder (under the download folder) this tab's images went to. */
  folder: string;
  saved: number;
  failed: number;
  error?: string;
}

/** A page's live DOM as HTML, and the address it was read at. */
export interface PageHtml {
  url: string;
  html: string;
}

declare module '../shared/messages.ts' {
  interface Api {
    /** Opens the grid for a tab, next to it. */
    openGrid: { req: { tabId: number }; res: null };
    /** Turns click-to-download on/off for a tab (toggles when `on` is absent); answers the new state. */
    clickMode: { req: { tabId: number; on?: boolean }; res: boolean };
    /** Whether click-to-download is on for a tab. */
    clickModeState: { req: { tabId: number }; res: boolean };
    /** From the click-to-download script: save the image clicked in the sender's tab. */
    clickSave: { req: { url: string; alt?: string }; res: SaveOutcome };
    /** Screenshot of the tab's visible area or of a region the user drags, then download or upload. */
    screenshot: { req: { tabId: number; region: boolean; upload: boolean }; res: SaveOutcome };
    /** Searches an image on one engine (an id of engines.ts, or `imago-server`) in a new tab
     * next to `tabId`; a page-only engine gets the file handed over on its page. */
    searchImage: { req: { engineId: string; imageUrl: string; tabId?: number }; res: null };
    /** The tab's page as it is now (its live DOM serialized, not the HTML it loaded), for
     * the core's product fields and its "only the product's images" read. Top frame only. */
    pageHtml: { req: { tabId: number }; res: PageHtml };
    /** Downloads the images of each tab into its own folder. */
    downloadTabs: { req: { tabIds: number[] }; res: TabOutcome[] };
  }
}
