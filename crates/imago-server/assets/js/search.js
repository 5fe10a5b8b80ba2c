// The search page (/search): finds images on this server like a given one. The picture
// comes as a file (picked, photographed, dropped anywhere on the page or pasted) or as
// the address of an image (typed, pasted, dropped, or `?url=` from the browser
// extension's "Search on my imago server", which runs at once). The page never loads
// a foreign address itself: the server fetches it, the page only shows its text.

import { $, show } from './dom.js';
import { pick, use, say, sayCount, lang } from './i18n.js';
import { api, key, serverMessage, ApiFailure } from './api.js';
import { sniff } from './sniff.js';
import { resultCard } from './results.js';

/** How many results to ask for (the server takes 1..100). */
const K = 20;
/** Formats a browser shows in an <img>: only these get a local preview. */
const PREVIEWABLE = ['jpeg', 'png', 'gif', 'bmp', 'webp', 'avif'];

const state = { config: null, user: null, on: false, generation: 0, controller: null, preview: null };

/** `text` if it is the address of something on the web (http or https), else null. */
export function imageAddress(text) {
  const s = String(text || '').trim();
  if (!s || /\s/.test(s)) return null;
  let u;
  try { u = new URL(s); } catch { return null; }
  return u.protocol === 'http:' || u.protocol === 'https:' ? s : null;
}

/** The first address of a text/uri-list (lines starting with # are comments). */
function firstUri(list) {
  const line = String(list || '').split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
  return imageAddress(line);
}

/** The file to search for among several: the first image, else the first file (the
 * server then says why it cannot search for it). */
function firstFile(files) {
  const all = [...(files || [])];
  return all.find((f) => (f.type || '').startsWith('image/')) || all[0] || null;
}

function clear(el) {
  el.textContent = '';
  delete el.dataset.i18n;
  delete el.dataset.i18nArgs;
}

function setState(s) { $('search-view').dataset.state = s; }

/** POST /api/v2/search with the key if there is one; the answer's JSON. */
async function post(body, signal) {
  const headers = { Accept: 'application/json' };
  const k = key.get();
  if (k) headers['X-API-Key'] = k;
  let payload = body;
  if (!(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch('/api/v2/search', { method: 'POST', headers, body: payload, credentials: 'omit', signal });
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) throw new ApiFailure(res.status, serverMessage(data));
  return data;
}

async function drawQuery(query, generation) {
  if (state.preview) { URL.revokeObjectURL(state.preview); state.preview = null; }
  const img = $('query-img');
  const name = $('query-name');
  img.removeAttribute('src');
  show($('query-thumb'), false);
  name.classList.toggle('address', Boolean(query.url));
  if (query.url) {
    clear(name);
    name.textContent = query.url;
    $('url').value = query.url;
  } else {
    $('url').value = '';
    if (query.file.name) { clear(name); name.textContent = query.file.name; } else say(name, 'search.pasted');
    let format = null;
    try { format = await sniff(query.file); } catch { format = null; }
    if (generation !== state.generation) return;
    if (PREVIEWABLE.includes(format)) {
      state.preview = URL.createObjectURL(query.file);
      img.src = state.preview;
      show($('query-thumb'), true);
    }
  }
  show($('query'), true);
}

function drawResults(data) {
  const list = Array.isArray(data && data.results) ? data.results : [];
  $('results').replaceChildren(...list.map((r) => resultCard(r)));
  // Without the embedding model only copies of the same picture are found: said quietly.
  show($('no-model'), Boolean(data) && data.model === false);
  const status = $('search-status');
  if (list.length) {
    sayCount(status, 'search.count', list.length);
    setState('done');
  } else {
    say(status, 'search.none');
    setState('empty');
  }
}

function fail(e) {
  const err = $('search-error');
  if (e instanceof ApiFailure) say(err, 'search.failed', { message: e.message });
  else say(err, 'reason.network');
  show(err, true);
  clear($('search-status'));
  setState('failed');
}

/** Runs one search, {file} or {url}; a newer one cancels it. */
async function search(query) {
  if (!query || (!query.file && !query.url)) return;
  const generation = ++state.generation;
  if (state.controller) state.controller.abort();
  const controller = new AbortController();
  state.controller = controller;

  setState('busy');
  const results = $('results');
  results.replaceChildren();
  results.setAttribute('aria-busy', 'true');
  show($('search-error'), false);
  show($('no-model'), false);
  say($('search-status'), 'search.busy');

  let body;
  if (query.file) {
    body = new FormData();
    body.append('source', query.file, query.file.name || 'pasted');
    body.append('k', String(K));
    // The address says what is shown: a file has no address to come back to.
    history.replaceState(null, '', '/search');
  } else {
    body = { source: query.url, k: K };
    history.replaceState(null, '', `/search?url=${encodeURIComponent(query.url)}`);
  }
  const drawn = drawQuery(query, generation);
  try {
    const data = await post(body, controller.signal);
    await drawn;
    if (generation !== state.generation) return;
    drawResults(data);
  } catch (e) {
    if (generation !== state.generation || (e && e.name === 'AbortError')) return;
    fail(e);
  } finally {
    if (generation === state.generation) {
      results.removeAttribute('aria-busy');
      state.controller = null;
    }
  }
}

function badAddress(given) {
  const err = $('search-error');
  if (given !== undefined) $('url').value = given;
  say(err, 'search.url.bad');
  show(err, true);
  $('url').focus();
}

function drawAccount() {
  const who = $('who');
  if (state.user) say(who, 'signin.as', { name: state.user });
  show(who, Boolean(state.user));
  // Signed in, one's own unlisted and private images are searched too.
  say($('scope'), state.user ? 'search.scope.mine' : 'search.scope.public');
  show($('scope-link'), !state.user);
}

function wireLanguage() {
  const select = $('lang');
  select.value = lang();
  select.addEventListener('change', () => use(select.value, true));
}

function wireInputs() {
  const drop = $('drop');
  for (const id of ['picker', 'camera']) {
    $(id).addEventListener('change', (e) => {
      const file = firstFile(e.target.files);
      e.target.value = '';
      if (file) search({ file });
    });
  }

  // A file (or an image dragged from another page: its address) dropped anywhere.
  let depth = 0;
  window.addEventListener('dragenter', () => { depth += 1; drop.classList.add('over'); });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) drop.classList.remove('over');
  });
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => {
    // Never let the browser leave the page for the dropped file.
    e.preventDefault();
    depth = 0;
    drop.classList.remove('over');
    const dt = e.dataTransfer;
    if (!dt) return;
    const file = firstFile(dt.files);
    if (file) { search({ file }); return; }
    const url = firstUri(dt.getData('text/uri-list')) || imageAddress(dt.getData('text/plain'));
    if (url) search({ url });
  });

  // An image, or the address of one, pasted anywhere; text pasted into a field stays
  // text, except an address pasted into the empty address field, which searches.
  const field = $('url');
  document.addEventListener('paste', (e) => {
    const cd = e.clipboardData;
    if (!cd) return;
    const file = firstFile(cd.files);
    if (file) { e.preventDefault(); search({ file }); return; }
    const url = imageAddress(cd.getData('text/plain'));
    const target = e.target;
    const inField = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
    const fieldEmpty = target === field && (!field.value || field.selectionEnd - field.selectionStart === field.value.length);
    if (!url || (inField && !fieldEmpty)) return;
    e.preventDefault();
    search({ url });
  });

  $('url-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const url = imageAddress(field.value);
    if (url) search({ url }); else badAddress();
  });
  $('query-img').addEventListener('error', () => show($('query-thumb'), false));
}

async function main() {
  await use(pick());
  wireLanguage();
  if (key.get()) {
    try {
      state.user = (await api('/api/v2/account/usage')).user;
    } catch (e) {
      // A key the server no longer takes is forgotten, as on the upload page.
      if (e instanceof ApiFailure && (e.status === 401 || e.status === 403)) key.clear();
    }
  }
  state.config = await api('/api/v2/config', { withKey: false });
  state.on = (state.config.features || []).includes('search');
  drawAccount();
  show($('search-off'), !state.on);
  show($('search-input'), state.on);
  if (!state.on) {
    setState('off');
    // A file dropped on the page must still not replace it.
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => e.preventDefault());
  } else {
    wireInputs();
    // The extension's "Search on my imago server": /search?url=<image address>.
    const given = new URLSearchParams(location.search).get('url');
    if (given !== null) {
      const url = imageAddress(given);
      if (url) search({ url }); else badAddress(given);
    }
  }
  // Everything is wired: tests (and nothing else) wait for this.
  document.body.dataset.ready = '1';
}

main().catch((e) => {
  const err = $('search-error');
  err.textContent = String(e && e.message ? e.message : e);
  show(err, true);
  setState('failed');
});
