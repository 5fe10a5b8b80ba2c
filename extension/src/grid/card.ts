// One card of the grid: thumbnail, size, format, file size. Page content is hostile, so
// URLs and alt text go in as attributes and text nodes only.
import type { Image } from 'imago-wasm';
import type { ProbeResult } from '../shared/probe.ts';
import { t } from '../shared/i18n.ts';
import { formatBytes } from './model.ts';

/** What a card shows of one image. */
export interface CardState {
  image: Image;
  measured?: ProbeResult;
  selected: boolean;
  failed: boolean;
  index: number;
}

/** The size line: measured when known, else what the page declared, else `?`. */
export function sizeText(s: CardState): string {
  const w = s.measured?.width ?? s.image.width;
  const h = s.measured?.height ?? s.image.height;
  return w && h ? `${w} × ${h}` : '? × ?';
}

/** Builds the card; `onFailed` runs when the thumbnail does not load. */
export function makeCard(s: CardState, onFailed: (url: string) => void): HTMLElement {
  const card = document.createElement('figure');
  card.className = 'card';
  card.dataset.url = s.image.url;
  card.dataset.index = String(s.index);
  card.title = s.image.alt ? `${s.image.alt}\n${s.image.url}` : s.image.url;
  card.setAttribute('role', 'option');
  card.setAttribute('aria-selected', String(s.selected));
  if (s.selected) card.classList.add('selected');
  const thumb = document.createElement('div');
  thumb.className = 'thumb';
  if (s.failed) {
    // A failed image is not asked for again at every redraw; the card says it failed.
    const fail = document.createElement('span');
    fail.className = 'fail';
    fail.textContent = t('gridFailed');
    thumb.append(fail);
  } else {
    const img = document.createElement('img');
    img.decoding = 'async';
    img.alt = s.image.alt ?? '';
    img.addEventListener('error', () => onFailed(s.image.url), { once: true });
    img.src = s.image.url;
    thumb.append(img);
  }
  const caption = document.createElement('figcaption');
  const size = document.createElement('div');
  size.className = 'size';
  size.textContent = sizeText(s);
  const info = document.createElement('div');
  info.className = 'info';
  info.textContent = [s.measured?.format?.toUpperCase(), formatBytes(s.measured?.bytes), s.image.source]
    .filter(Boolean)
    .join(' · ');
  caption.append(size, info);
  if (s.failed) card.classList.add('failed');
  card.append(thumb, caption);
  return card;
}
