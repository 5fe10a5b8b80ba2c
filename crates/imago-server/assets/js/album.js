// Albums: made from an upload, and the album page (/album/{id}) drawn from API v2.

import { $, show } from './dom.js';
import { say, sayCount } from './i18n.js';
import { api } from './api.js';

/** Creates an album and moves the uploaded images into it; the album's JSON. */
export async function albumFrom(images, name, visibility) {
  const album = await api('/api/v2/albums', { method: 'POST', body: { name, visibility } });
  for (const image of images) {
    await api(`/api/v2/images/${encodeURIComponent(image.name || image.id)}`, {
      method: 'PATCH',
      body: { album_id: album.id },
    });
  }
  return album;
}

/**
 * One image of a grid: its thumbnail, linking to its page. With `sign`, the image may
 * be in a private album, which an <img> (it cannot send the key) is not shown: it
 * gets signed links from the server instead, and links to the signed original.
 */
export function tile(image, sign = false) {
  const li = document.createElement('li');
  const a = document.createElement('a');
  a.href = image.url_viewer;
  const img = document.createElement('img');
  if (sign) {
    api(`/api/v2/images/${encodeURIComponent(image.id)}/signed`)
      .then((s) => { img.src = s.thumb_url || s.url; a.href = s.url; })
      .catch(() => { img.src = image.thumb_url || image.url; });
  } else {
    img.src = image.thumb_url || image.url;
  }
  img.alt = image.title || image.id;
  img.loading = 'lazy';
  a.append(img);
  const caption = document.createElement('div');
  caption.className = 'caption';
  caption.textContent = image.title || `${image.width} × ${image.height}`;
  li.append(a, caption);
  return li;
}

export async function showAlbum(id) {
  const title = $('album-title');
  const meta = $('album-meta');
  const error = $('album-error');
  const grid = $('album-grid');
  const more = $('album-more');
  say(meta, 'album.loading');
  let album;
  try {
    album = await api(`/api/v2/albums/${encodeURIComponent(id)}`);
  } catch {
    meta.textContent = '';
    say(error, 'album.notfound');
    show(error, true);
    return;
  }
  title.textContent = album.name;
  document.body.dataset.customTitle = '1';
  document.title = album.name;
  let count = 0;
  let before = null;
  const page = async () => {
    const q = new URLSearchParams({ limit: '60' });
    if (before) q.set('before', before);
    const data = await api(`/api/v2/albums/${encodeURIComponent(id)}/images?${q}`);
    const sign = album.visibility === 'private';
    for (const image of data.images || []) grid.append(tile(image, sign));
    count += (data.images || []).length;
    before = data.next_before || null;
    show(more, Boolean(before));
    if (count) sayCount(meta, 'album.count', count);
    else say(meta, 'album.empty');
  };
  more.addEventListener('click', () => { page().catch(() => show(more, false)); });
  try { await page(); } catch (e) { say(error, 'album.failed', { message: e.message }); show(error, true); }
}

let mineShown = 0;

/** The signed-in user's images, newest first, a page at a time. */
export function showMine() {
  // A newer call (another upload finished) replaces this one's list.
  const generation = ++mineShown;
  const grid = $('mine-grid');
  const more = $('mine-more');
  let before = null;
  const page = async () => {
    const q = new URLSearchParams({ limit: '24' });
    if (before) q.set('before', before);
    const data = await api(`/api/v2/images?${q}`);
    if (generation !== mineShown) return;
    const images = data.images || [];
    // Any of one's images in an album might be private: those get signed links.
    grid.append(...images.map((image) => tile(image, Boolean(image.album_id))));
    before = data.next_before || null;
    show(more, Boolean(before));
    show($('mine-empty'), grid.children.length === 0);
  };
  more.onclick = () => { page().catch(() => show(more, false)); };
  grid.replaceChildren();
  show($('mine'), true);
  return page().catch(() => show($('mine'), false));
}
