// "Suggest rules for this site": what the core would add, shown before anything is stored.
// A site rule with the fields it reads (selector and value) and its gallery's picture
// count; each HD rule with "checked N of N pairs" and a few thumbnail -> full pairs; the
// TOML itself; and a button that adds it to the user's rules. Page content is hostile:
// every value goes in as text, never HTML.
import type { HdRuleSuggestion, SiteRuleSuggestion } from 'imago-wasm';
import { t } from '../shared/i18n.ts';
import { FIELD_LABELS } from './product-panel.ts';
import { fieldRows, galleryCount, hdExamples } from './suggest.ts';

/** What pressing "Add" did, in words. */
export interface Added {
  ok: boolean;
  text: string;
}

export type Adder = (kind: 'site' | 'hd', rule: { name: string; ruleToml: string }) => Promise<Added>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The TOML, the "Add" button and where its outcome is said. */
function addPart(article: HTMLElement, kind: 'site' | 'hd', rule: { name: string; ruleToml: string }, add: Adder): void {
  const pre = el('pre', 'toml', rule.ruleToml);
  const button = el('button', 'add', t(kind === 'site' ? 'gridSuggestAddSite' : 'gridSuggestAddHd'));
  const outcome = el('span', 'outcome');
  outcome.setAttribute('role', 'status');
  button.addEventListener('click', () => {
    button.disabled = true;
    void add(kind, rule)
      .catch((e: unknown): Added => ({ ok: false, text: e instanceof Error ? e.message : String(e) }))
      .then((r) => {
        outcome.textContent = r.text;
        outcome.className = `outcome ${r.ok ? 'ok' : 'error'}`;
        article.dataset.added = r.ok ? 'yes' : 'no';
        button.disabled = r.ok;
      });
  });
  const p = el('p', 'actions');
  p.append(button, ' ', outcome);
  article.append(pre, p);
}

function siteArticle(s: SiteRuleSuggestion, add: Adder): HTMLElement {
  const a = el('article', 'suggestion');
  a.dataset.kind = 'site';
  a.dataset.name = s.name;
  a.append(el('h3', '', t('gridSuggestSite', s.host)));
  const list = el('ul', 'fields');
  for (const row of fieldRows(s)) {
    const li = el('li', '');
    li.dataset.field = row.field;
    const key = FIELD_LABELS[row.field as keyof typeof FIELD_LABELS];
    li.append(el('span', 'name', key ? t(key) : row.field), ': ', el('span', 'value', row.value), ' ', el('code', 'selector', row.selector));
    list.append(li);
  }
  a.append(list);
  const pictures = galleryCount(s);
  if (pictures !== null) {
    const g = el('p', 'gallery', t('gridSuggestGallery', String(pictures), s.gallery.join(', ')));
    g.dataset.pictures = String(pictures);
    a.append(g);
  }
  if (s.covered.length) a.append(el('p', 'covered', t('gridSuggestCovered', s.covered.join(', '))));
  addPart(a, 'site', s, add);
  return a;
}

function hdArticle(s: HdRuleSuggestion, add: Adder): HTMLElement {
  const a = el('article', 'suggestion');
  a.dataset.kind = 'hd';
  a.dataset.name = s.name;
  a.append(el('h3', '', t('gridSuggestHd', s.host)));
  a.append(el('p', 'checked', t('gridSuggestChecked', String(s.checked), String(s.pairs))));
  const list = el('ul', 'examples');
  for (const [thumb, full] of hdExamples(s)) {
    const li = el('li', '');
    li.append(el('span', 'thumb', thumb), ' → ', el('span', 'full', full));
    list.append(li);
  }
  a.append(list);
  addPart(a, 'hd', s, add);
  return a;
}

/** Fills `box` with both suggestions, or with why there is none of a kind. */
export function showSuggestions(
  box: HTMLElement,
  site: SiteRuleSuggestion | { error: string },
  hd: HdRuleSuggestion[] | { error: string },
  add: Adder,
): void {
  const parts: HTMLElement[] = [];
  if ('error' in site) {
    const p = el('p', 'none', t('gridSuggestNoSite', site.error));
    p.dataset.kind = 'site';
    parts.push(p);
  } else {
    parts.push(siteArticle(site, add));
  }
  if (!Array.isArray(hd) || hd.length === 0) {
    const p = el('p', 'none', Array.isArray(hd) ? t('gridSuggestNoHd') : t('gridSuggestHdFailed', hd.error));
    p.dataset.kind = 'hd';
    parts.push(p);
  } else {
    parts.push(...hd.map((s) => hdArticle(s, add)));
  }
  box.replaceChildren(...parts);
  box.hidden = false;
}
