// The grid's product: whether the tab's page names one, the panel's rows, which of the
// grid's pictures are the product's own, and what "Export product" packs. Pure (the core
// and the network are passed in), so the unit tests run in node with the real core.
import type { Candidate, NameItem, ProductCsvOptions, ProductCsvRow, ProductJson, ProductPrice, ProductSource } from 'imago-wasm';
import { uniqueNames, buildZip, type ZipEntry } from '../shared/zip.ts';

/** The fields the panel shows, in its order. */
export const PANEL_FIELDS = ['title', 'price', 'list_price', 'sku', 'mpn', 'gtin', 'brand', 'availability'] as const;
export type PanelField = (typeof PANEL_FIELDS)[number];

/** Whether the page names a product: a price, or an identifying field its structured
 * data (or a site rule) gives. A page title alone (`og:title`) is every page's, and the
 * page heuristics' SKU can be any long number in a URL: neither makes a product. */
export function namesProduct(p: ProductJson): boolean {
  if (p.price) return true;
  const trusted = (f: keyof ProductJson['source'], also: ProductSource[] = []) => {
    const s = p.source[f];
    return s !== undefined && s !== 'heuristic' && (s !== 'meta' || also.includes('meta'));
  };
  return (
    (['sku', 'mpn', 'gtin', 'brand', 'availability'] as const).some((f) => p[f] !== null && trusted(f, ['meta'])) ||
    (p.title !== null && trusted('title'))
  );
}

/** A price as people read it: `24.90 EUR`, a range `35.50–42 CNY`. */
export function priceText(p: ProductPrice | null): string {
  if (!p) return '';
  const amount = p.max ? `${p.amount}–${p.max}` : p.amount;
  return p.currency ? `${amount} ${p.currency}` : amount;
}

/** One row of the panel: the value shown, the page's own text beside it when it says
 * more (a price's raw text), and the source. */
export interface PanelRow {
  field: PanelField;
  value: string;
  raw?: string;
  source?: ProductSource;
}

/** The rows of the fields the page names, in `PANEL_FIELDS` order. */
export function panelRows(p: ProductJson): PanelRow[] {
  const rows: PanelRow[] = [];
  for (const field of PANEL_FIELDS) {
    const v = p[field];
    if (v === null || v === undefined) continue;
    const source = p.source[field];
    const row: PanelRow = { field, value: typeof v === 'string' ? v : priceText(v) };
    // The page's own text when it says more than the number (`1.299,00 €`, `from £9.99`).
    if (typeof v !== 'string' && v.raw.trim() && ![v.amount, row.value].includes(v.raw.trim())) row.raw = v.raw.trim();
    if (source) row.source = source;
    rows.push(row);
  }
  return rows;
}

/** A URL without its query and fragment: the same file whatever the page appended. */
export function stem(url: string): string {
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : url.slice(0, cut);
}

/** The live DOM's candidates that are the product's pictures: those whose file (URL
 * without query and fragment) the core's main-mode read of the same page kept, as
 * `imago grab --render --main` keeps the browser's finds. */
export function productCandidates(live: Candidate[], mainMode: Pick<Candidate, 'url'>[]): Candidate[] {
  const kept = new Set(mainMode.map((c) => stem(c.url)));
  return live.filter((c) => kept.has(stem(c.url)));
}

/** The product's first picture for the recent list: its structured data's first image
 * (resolved against the page), else the first picture the grid keeps for it. */
export function firstImage(p: ProductJson, fallback: string[] = []): string {
  for (const raw of p.images) {
    try {
      return new URL(raw, p.url).href;
    } catch {
      // not a URL: try the next
    }
  }
  return fallback[0] ?? '';
}

/** The names inside the product ZIP that are not pictures. */
export const PRODUCT_JSON = 'product.json';
export const PRODUCTS_CSV = 'products.csv';

/** What exporting needs from outside: the core's names and CSV, the network, the disk. */
export interface ProductExportDeps {
  renderNames: (template: string, folderTemplate: string, items: NameItem[], date: string) => string[];
  productCsv: (rows: ProductCsvRow[], options?: ProductCsvOptions) => string;
  fetchBytes: (url: string) => Promise<Uint8Array>;
  /** Saves the archive as `filename` (relative to the download folder). */
  saveBlob: (blob: Blob, filename: string) => Promise<void>;
}

export interface ProductExport {
  /** The ZIP's name under the download folder. */
  filename: string;
  /** The pictures' names in the ZIP, in order (those that downloaded). */
  files: string[];
  /** What could not be fetched, one line each. */
  errors: string[];
}

/** The product's ZIP: `product.json` (the core's product object plus `files`, the
 * pictures' names in the archive), `products.csv` (the header and its row, with a BOM for
 * spreadsheets) and the pictures, named by the user's name template as "Download as ZIP"
 * names them. Saved in the folder the folder template gives the first picture. */
export async function exportProduct(
  product: ProductJson,
  items: NameItem[],
  templates: { nameTemplate: string; folderTemplate: string },
  date: string,
  deps: ProductExportDeps,
): Promise<ProductExport> {
  const rendered = items.length > 0 ? deps.renderNames(templates.nameTemplate, '', items, date) : [];
  // The two data files keep their names; a picture that would take one is renamed.
  const names = uniqueNames([PRODUCT_JSON, PRODUCTS_CSV, ...rendered]).slice(2);
  const pictures: ZipEntry[] = [];
  const errors: string[] = [];
  for (const [i, item] of items.entries()) {
    try {
      pictures.push({ name: names[i]!, data: await deps.fetchBytes(item.url) });
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  const files = pictures.map((p) => p.name);
  const enc = new TextEncoder();
  const json = JSON.stringify({ ...product, files }, null, 2) + '\n';
  const csv = deps.productCsv([{ url: product.url, product, folder: '', files }], { bom: true });
  const entries: ZipEntry[] = [
    { name: PRODUCT_JSON, data: enc.encode(json) },
    { name: PRODUCTS_CSV, data: enc.encode(csv) },
    ...pictures,
  ];
  const folderOf = deps.renderNames('x', templates.folderTemplate, [items[0] ?? { url: product.url, pageUrl: product.url }], date)[0] ?? '';
  const folder = folderOf.includes('/') ? folderOf.slice(0, folderOf.lastIndexOf('/') + 1) : '';
  let host = 'page';
  try {
    host = new URL(product.url).hostname || host;
  } catch {
    // keep "page"
  }
  const filename = `${folder}imago-product-${host}-${date}.zip`;
  await deps.saveBlob(buildZip(entries), filename);
  return { filename, files, errors };
}
