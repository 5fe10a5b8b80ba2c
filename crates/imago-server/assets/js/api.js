// Talking to the server. The key (an API key, or the session key a password sign-in
// gives) lives in localStorage and travels only as the X-API-Key header, never in a URL
// or a cookie.

const KEY = 'imago.key';
// 'session' when the key came from a password sign-in (signing out then ends it on the
// server too); an API key is only forgotten by the page.
const KIND = 'imago.key.kind';

export const key = {
  get: () => localStorage.getItem(KEY) || '',
  kind: () => localStorage.getItem(KIND) || 'api',
  set: (k, kind = 'api') => { localStorage.setItem(KEY, k); localStorage.setItem(KIND, kind); },
  clear: () => { localStorage.removeItem(KEY); localStorage.removeItem(KIND); },
};

/** The server's own reason in an error answer ({error: {message}}), or null. */
export function serverMessage(body) {
  const m = body && body.error && body.error.message;
  return typeof m === 'string' && m ? m : null;
}

export class ApiFailure extends Error {
  constructor(status, message) { super(message || `HTTP ${status}`); this.status = status; }
}

/** JSON from the API, with the key if there is one. */
export async function api(path, { method = 'GET', body, withKey = true } = {}) {
  const headers = { Accept: 'application/json' };
  const k = key.get();
  if (withKey && k) headers['X-API-Key'] = k;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
  if (res.status === 204) return null;
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) throw new ApiFailure(res.status, serverMessage(data));
  return data;
}

/**
 * Sends one file to /api/1/upload with upload progress. Resolves to
 * {ok, status, body}; never rejects on HTTP errors (the caller shows the reason).
 */
export function sendFile(file, fields, onProgress) {
  return new Promise((resolve) => {
    const form = new FormData();
    form.append('source', file, file.name || 'pasted');
    for (const [k, v] of Object.entries(fields)) if (v) form.append(k, v);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/1/upload');
    const k = key.get();
    if (k) xhr.setRequestHeader('X-API-Key', k);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.upload.onload = () => onProgress(1, 1, true);
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      resolve({ ok: xhr.status === 200 && body && body.image, status: xhr.status, body });
    };
    xhr.onerror = () => resolve({ ok: false, status: 0, body: null });
    xhr.send(form);
  });
}
