// The page: which view to show, sign-in, the drop zone, pasting, the camera, the
// expiry choice, and the album made from an upload.

import { $, show } from './dom.js';
import { pick, use, say, sayCount, t, lang, bytes } from './i18n.js';
import { api, key, ApiFailure } from './api.js';
import { Queue, linkRow } from './queue.js';
import { albumFrom, showAlbum, showMine } from './album.js';

const state = { config: null, user: null, queue: null, shownUploaded: 0, signInMode: 'key' };

async function signIn(candidate, kind = 'api') {
  const previous = key.get();
  const previousKind = key.kind();
  key.set(candidate, kind);
  try {
    const usage = await api('/api/v2/account/usage');
    state.user = usage.user;
    return null;
  } catch (e) {
    if (previous && previous !== candidate) key.set(previous, previousKind); else key.clear();
    return e instanceof ApiFailure ? e.message : String(e);
  }
}

/** Trades a name and password for a session key; null, or the i18n key and args of
 * the reason it failed. */
async function passwordSignIn(name, password) {
  let session;
  try {
    session = await api('/api/v2/session', { method: 'POST', body: { name, password }, withKey: false });
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 401) return ['signin.wrong_password'];
    if (e instanceof ApiFailure && e.status === 429) return ['signin.too_many'];
    return ['signin.password_bad', { message: e instanceof ApiFailure ? e.message : String(e) }];
  }
  const problem = await signIn(session.key, 'session');
  return problem ? ['signin.password_bad', { message: problem }] : null;
}

function drawSignInMode() {
  const withPassword = state.signInMode === 'password';
  show($('signin'), !withPassword);
  show($('signin-password'), withPassword);
  say($('signin-switch'), withPassword ? 'signin.use_key' : 'signin.use_password');
}

function drawAccount() {
  const signedIn = Boolean(state.user);
  show($('signin-box'), !signedIn);
  show($('signed-in'), signedIn);
  if (signedIn) say($('who'), 'signin.as', { name: state.user });
  const note = $('guest-note');
  if (!signedIn) {
    say(note, state.config && state.config.guest_uploads ? 'guest.on' : 'guest.off');
    show(note, true);
  } else {
    show(note, false);
  }
  drawAlbumBox();
  if (!$('upload-view').hidden) {
    if (signedIn) showMine(); else show($('mine'), false);
  }
}

function drawLimits() {
  const c = state.config;
  say($('limits'), 'limits', { size: bytes(c.max_bytes), types: c.accepted.map((a) => a.toUpperCase()).join(', ') });
}

function drawAlbumBox() {
  const uploaded = state.queue ? state.queue.uploaded().length : 0;
  show($('album-box'), uploaded > 0);
  const signedIn = Boolean(state.user);
  $('album-create').disabled = !signedIn;
  const status = $('album-status');
  if (!signedIn && uploaded > 0) say(status, 'album.need_key');
  else if (status.dataset.i18n === 'album.need_key') status.textContent = '';
}

function wireSignIn() {
  $('signin').addEventListener('submit', async (e) => {
    e.preventDefault();
    const candidate = $('key').value.trim();
    if (!candidate) return;
    const err = $('signin-error');
    say(err, 'signin.checking');
    show(err, true);
    const problem = await signIn(candidate);
    if (problem) {
      say(err, 'signin.bad', { message: problem });
    } else {
      show(err, false);
      $('key').value = '';
    }
    drawAccount();
  });
  $('signin-password').addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = $('signin-name').value.trim();
    const password = $('signin-pass').value;
    if (!name || !password) return;
    const err = $('signin-error');
    say(err, 'signin.signing_in');
    show(err, true);
    const problem = await passwordSignIn(name, password);
    $('signin-pass').value = '';
    if (problem) {
      say(err, problem[0], problem[1]);
    } else {
      show(err, false);
      $('signin-name').value = '';
    }
    drawAccount();
  });
  $('signin-switch').addEventListener('click', () => {
    state.signInMode = state.signInMode === 'password' ? 'key' : 'password';
    show($('signin-error'), false);
    drawSignInMode();
    $(state.signInMode === 'password' ? 'signin-name' : 'key').focus();
  });
  $('signout').addEventListener('click', async () => {
    // A session ends on the server too; an API key stays valid for other clients.
    if (key.kind() === 'session') {
      try { await api('/api/v2/session', { method: 'DELETE' }); } catch { /* gone already */ }
    }
    key.clear();
    state.user = null;
    drawAccount();
  });
}

function wireLanguage() {
  const select = $('lang');
  select.value = lang();
  select.addEventListener('change', async () => {
    await use(select.value, true);
    if (state.config) drawLimits();
    if (!$('upload-view').hidden) drawAlbumName();
  });
}

function wireUpload() {
  const drop = $('drop');
  state.queue = new Queue($('queue'), state.config, {
    expiry: () => $('expiry').value,
    onChange: ({ percent, finished, count, uploaded }) => {
      show($('overall'), count > 0);
      $('overall-bar').value = percent;
      say($('overall-text'), 'overall', { done: finished, total: count, percent });
      drawAlbumBox();
      if (finished === count && uploaded > state.shownUploaded && state.user) {
        state.shownUploaded = uploaded;
        showMine();
      }
    },
  });
  const add = (files) => { if (files && files.length) state.queue.add(files); };
  for (const id of ['picker', 'camera']) {
    $(id).addEventListener('change', (e) => { add(e.target.files); e.target.value = ''; });
  }
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    add(e.dataTransfer && e.dataTransfer.files);
  });
  // A file dropped beside the zone must not make the browser leave the page for it.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  document.addEventListener('paste', (e) => {
    const files = e.clipboardData && e.clipboardData.files;
    if (files && files.length) { e.preventDefault(); add(files); }
  });

  const name = $('album-name');
  $('album-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const status = $('album-status');
    const images = state.queue.uploaded();
    if (!images.length || !state.user) return;
    const title = name.value.trim() || name.placeholder;
    $('album-create').disabled = true;
    say(status, 'album.creating');
    try {
      const album = await albumFrom(images, title, $('album-visibility').value);
      sayCount(status, 'album.created', images.length);
      const box = $('album-link');
      box.replaceChildren(linkRow('link.album', `${location.origin}/album/${album.id}`));
      show(box, true);
      const link = document.createElement('a');
      link.href = `/album/${album.id}`;
      link.id = 'album-open';
      say(link, 'link.album');
      status.append(' ', link);
    } catch (err) {
      say(status, 'album.failed', { message: err.message });
    } finally {
      $('album-create').disabled = !state.user;
    }
  });
}

async function main() {
  await use(pick());
  wireLanguage();
  wireSignIn();
  drawSignInMode();
  const albumMatch = location.pathname.match(/^\/album\/([A-Za-z0-9]+)$/);
  if (key.get()) {
    const problem = await signIn(key.get(), key.kind());
    if (problem) key.clear();
  }
  state.config = await api('/api/v2/config', { withKey: false });
  drawAccount();
  if (albumMatch) {
    show($('album-view'), true);
    await showAlbum(albumMatch[1]);
  } else {
    show($('upload-view'), true);
    drawLimits();
    wireUpload();
    drawAlbumName();
    if (state.user) showMine();
  }
  // Everything is wired: tests (and nothing else) wait for this.
  document.body.dataset.ready = '1';
}

function drawAlbumName() {
  const date = new Date().toLocaleString(lang(), { dateStyle: 'medium', timeStyle: 'short' });
  $('album-name').placeholder = t('album.default_name', { date });
}

main().catch((e) => {
  const err = $('signin-error');
  err.textContent = String(e && e.message ? e.message : e);
  show(err, true);
});
