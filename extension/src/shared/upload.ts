// Uploading to the user's own imago server through its Chevereto API (`POST
// /api/1/upload`, multipart `source`, the key in the X-API-Key header, never in a URL).
import type { ServerSettings } from './settings.ts';

export interface UploadOutcome {
  ok: boolean;
  url?: string;
  viewerUrl?: string;
  error?: string;
}

export interface UploadOptions {
  /** File name sent with a Blob (the server keeps it as the image's name). */
  filename?: string;
  /** Injected by the unit tests; the browser's fetch otherwise. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** Chevereto's answer, as much of it as the extension reads. */
interface CheveretoReply {
  status_code?: number;
  image?: { url?: string; url_viewer?: string };
  error?: { message?: string } | string;
}

/** Uploads one image (its bytes, or a URL the server fetches itself). Never throws:
 * a failure is `{ok: false, error}` with the server's own message when it sent one. */
export async function uploadImage(source: Blob | string, server: ServerSettings, opts: UploadOptions = {}): Promise<UploadOutcome> {
  const doFetch = opts.fetch ?? ((u: string, i: RequestInit) => fetch(u, i));
  const form = new FormData();
  if (typeof source === 'string') form.append('source', source);
  else form.append('source', source, opts.filename ?? 'image');
  form.append('format', 'json');
  const endpoint = `${server.url.replace(/\/+$/, '')}/api/1/upload`;
  let res: Response;
  try {
    res = await doFetch(endpoint, { method: 'POST', headers: { 'X-API-Key': server.key }, body: form });
  } catch (e) {
    return { ok: false, error: `${endpoint}: ${e instanceof Error ? e.message : String(e)}` };
  }
  let body: CheveretoReply | undefined;
  try {
    body = (await res.json()) as CheveretoReply;
  } catch {
    body = undefined;
  }
  if (res.ok && body?.image?.url) {
    const out: UploadOutcome = { ok: true, url: body.image.url };
    if (body.image.url_viewer) out.viewerUrl = body.image.url_viewer;
    return out;
  }
  const msg = typeof body?.error === 'string' ? body.error : body?.error?.message;
  return { ok: false, error: msg ? `${msg} (HTTP ${res.status})` : `the server answered HTTP ${res.status}` };
}
