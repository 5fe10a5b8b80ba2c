// One card of the search page's result grid: the thumbnail linking to the image page,
// how it matched (exact, near, similar) and how well, its size, and a button copying its
// direct link. Text from the server goes in through textContent and attributes only.

import { fromTemplate } from './dom.js';
import { say, lang } from './i18n.js';

/** The kinds of match the server answers, best first. */
export const MATCHES = ['exact', 'near', 'similar'];

/** A score (0..1) as a percentage in the page's language: 0.97 -> "97%". */
export function percent(score) {
  const v = Math.min(1, Math.max(0, Number(score) || 0));
  return new Intl.NumberFormat(lang(), { style: 'percent', maximumFractionDigits: 0 }).format(v);
}

/** Copies `text`; when the browser refuses, shows it in `fallback` (a read-only field)
 * selected, for the person to copy. */
async function copy(button, text, fallback) {
  try {
    await navigator.clipboard.writeText(text);
    say(button, 'copy.done');
    button.classList.add('done');
  } catch {
    fallback.value = text;
    fallback.parentElement.hidden = false;
    fallback.focus();
    fallback.select();
    say(button, 'copy.failed');
  }
}

/** The card of one result of `POST /api/v2/search`. */
export function resultCard(result) {
  const li = fromTemplate('result-tpl');
  const match = MATCHES.includes(result.match) ? result.match : 'similar';
  li.dataset.match = match;
  li.dataset.id = String(result.id ?? '');
  if (result.mine) li.dataset.mine = '1';

  const thumb = li.querySelector('.result-thumb');
  thumb.href = result.url_viewer || result.url;
  const img = thumb.querySelector('img');
  img.src = result.thumb_url || result.medium_url || result.url;
  img.alt = result.title || '';

  const badge = li.querySelector('.badge');
  badge.classList.add(`badge-${match}`);
  say(badge, `match.${match}`);
  const score = li.querySelector('.score');
  say(score, 'result.score', { percent: percent(result.score) });

  const title = li.querySelector('.result-title');
  title.textContent = result.title || '';
  title.hidden = !result.title;
  const width = Number(result.width) || 0;
  const height = Number(result.height) || 0;
  li.querySelector('.dims').textContent = width && height ? `${width} × ${height}` : '';
  const kind = String(result.mime || '').replace(/^[a-z]+\//, '').toUpperCase();
  li.querySelector('.kind').textContent = kind;
  const mine = li.querySelector('.mine-tag');
  say(mine, 'result.mine');
  mine.hidden = !result.mine;

  const open = li.querySelector('.open');
  open.href = result.url_viewer || result.url;
  say(open, 'link.viewer');
  const button = li.querySelector('.copy');
  say(button, 'result.copy');
  say(li.querySelector('.fallback span'), 'link.direct');
  const fallback = li.querySelector('.link-value');
  button.addEventListener('click', () => copy(button, result.url, fallback));
  fallback.addEventListener('focus', () => fallback.select());
  return li;
}
