// The grid's product panel and its list of recent products. Page content is hostile:
// every value goes in as text or an attribute, never HTML.
import type { ProductJson, ProductSource } from 'imago-wasm';
import { t } from '../shared/i18n.ts';
import type { RecentProduct } from '../shared/recent.ts';
import { panelRows, type PanelField } from './product.ts';

/** Each field's label key (the suggestion panel names fields with them too). */
export const FIELD_LABELS: Record<PanelField, string> = {
  title: 'gridFieldTitle',
  price: 'gridFieldPrice',
  list_price: 'gridFieldListPrice',
  sku: 'gridFieldSku',
  mpn: 'gridFieldMpn',
  gtin: 'gridFieldGtin',
  brand: 'gridFieldBrand',
  availability: 'gridFieldAvailability',
};

/** Sources by their usual names; the two that are not a format's name are said in words. */
function sourceName(s: ProductSource): string {
  switch (s) {
    case 'siterule':
      return t('gridSourceSiteRule');
    case 'heuristic':
      return t('gridSourcePage');
    case 'jsonld':
      return 'JSON-LD';
    case 'microdata':
      return 'microdata';
    case 'rdfa':
      return 'RDFa';
    case 'meta':
      return 'meta';
  }
}

/** schema.org's availability names in words; others are shown as the page's data says. */
const AVAILABILITY: Record<string, string> = {
  InStock: 'gridAvailInStock',
  OutOfStock: 'gridAvailOutOfStock',
  SoldOut: 'gridAvailSoldOut',
  PreOrder: 'gridAvailPreOrder',
  BackOrder: 'gridAvailBackOrder',
  LimitedAvailability: 'gridAvailLimited',
  Discontinued: 'gridAvailDiscontinued',
};

function span(cls: string, text: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = text;
  return s;
}

/** Fills the panel's fields; `null` hides the panel (the page names no product). */
export function showProduct(panel: HTMLElement, fields: HTMLElement, product: ProductJson | null): void {
  panel.hidden = product === null;
  if (!product) {
    fields.replaceChildren();
    return;
  }
  fields.replaceChildren(
    ...panelRows(product).map((row) => {
      const div = document.createElement('div');
      div.className = 'field';
      div.dataset.field = row.field;
      const dt = document.createElement('dt');
      dt.textContent = t(FIELD_LABELS[row.field]);
      const dd = document.createElement('dd');
      const key = row.field === 'availability' ? AVAILABILITY[row.value] : undefined;
      const value = span('value', key ? t(key) : row.value);
      if (key) value.title = row.value;
      dd.append(value);
      if (row.raw) dd.append(' ', span('raw', row.raw));
      if (row.source) {
        const src = span('source', sourceName(row.source));
        src.dataset.source = row.source;
        src.title = t('gridFieldSource', sourceName(row.source));
        dd.append(' ', src);
      }
      div.append(dt, dd);
      return div;
    }),
  );
}

/** The recent products as links (their pictures are not loaded: opening the grid asks no
 * shop for anything); the list is hidden while empty. */
export function showRecent(box: HTMLDetailsElement, list: HTMLElement, count: HTMLElement, recent: RecentProduct[]): void {
  box.hidden = recent.length === 0;
  count.textContent = String(recent.length);
  list.replaceChildren(
    ...recent.map((r) => {
      const li = document.createElement('li');
      li.dataset.page = r.url;
      const a = document.createElement('a');
      a.href = r.url;
      a.target = '_blank';
      a.rel = 'noreferrer';
      a.textContent = r.title || r.url;
      li.append(a);
      if (r.price) li.append(' ', span('price', r.price));
      if (r.image) {
        const img = document.createElement('a');
        img.href = r.image;
        img.target = '_blank';
        img.rel = 'noreferrer';
        img.className = 'image';
        img.textContent = t('gridRecentImage');
        li.append(' ', img);
      }
      const time = document.createElement('time');
      time.dateTime = new Date(r.time).toISOString();
      time.textContent = new Date(r.time).toLocaleString();
      li.append(' ', time);
      return li;
    }),
  );
}
