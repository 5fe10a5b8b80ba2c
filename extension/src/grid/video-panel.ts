// The grid's "Videos" strip: one card per stream or file of the tab, with its poster,
// length and variants, and what can be done with it: an HLS stream saved as MP4 by the
// desktop helper (`imago native-host`'s `video`), a file saved as the images are, either
// sent to the user's imago server by URL. Page content is hostile: URLs go in as
// attributes and text nodes only.
import type { PlaylistInfo } from 'imago-wasm';
import { t } from '../shared/i18n.ts';
import type { NativeVideoSaved } from '../shared/native.ts';
import type { UploadOutcome } from '../shared/upload.ts';
import { distinctStreams, durationText, qualityChoices, variantLabel, videoFileName, type PageVideo } from './video.ts';

/** What the cards do, given by the grid (the core, the helper, the settings). */
export interface VideoActions {
  /** The core's playlist reader. */
  readPlaylist(text: string, url: string): PlaylistInfo;
  /** A playlist's text (fetched by the extension page, with the site's cookies). */
  fetchText(url: string): Promise<string>;
  /** Saves a stream as MP4 through the desktop helper, in the quality asked for, with
   * the page it was found in as Referer. */
  saveMp4(url: string, page: string, quality: string, size: { width?: number; height?: number }): Promise<NativeVideoSaved | { error: string }>;
  /** Saves a file as the grid saves images (chrome.downloads): the name it got. */
  saveFile(url: string): Promise<{ filename: string } | { error: string }>;
  /** Sends the URL to the user's imago server; `null` when none is set up. */
  upload: ((url: string) => Promise<UploadOutcome>) | null;
}

type Read = { info: PlaylistInfo } | { error: string };

/** Each playlist is fetched and read once per grid page (a second collect reuses it). */
const reads = new Map<string, Promise<Read>>();

function readOnce(url: string, actions: VideoActions): Promise<Read> {
  let r = reads.get(url);
  if (!r) {
    r = actions.fetchText(url).then(
      (text) => {
        try {
          return { info: actions.readPlaylist(text, url) };
        } catch (e) {
          return { error: e instanceof Error ? e.message : String(e) };
        }
      },
      (e: unknown) => {
        // Not kept: the next collect tries again.
        reads.delete(url);
        return { error: e instanceof Error ? e.message : String(e) };
      },
    );
    reads.set(url, r);
  }
  return r;
}

let generation = 0;

/** Shows `videos` in `section` (hidden when there are none): the HLS playlists are read
 * first, so a master and the variants a player requested make one card. A later call
 * replaces an earlier one still reading. */
export async function showVideos(section: HTMLElement, box: HTMLElement, videos: PageVideo[], actions: VideoActions): Promise<void> {
  const mine = ++generation;
  section.hidden = videos.length === 0;
  if (videos.length === 0) {
    box.replaceChildren();
    section.dataset.state = 'none';
    return;
  }
  section.dataset.state = 'reading';
  $count(section).textContent = t('gridVideosReading');
  const hls = videos.filter((v) => v.kind === 'hls');
  const read = new Map<string, Read>();
  await Promise.all(hls.map(async (v) => read.set(v.url, await readOnce(v.url, actions))));
  if (mine !== generation) return;
  const infos = new Map<string, PlaylistInfo>();
  for (const [url, r] of read) if ('info' in r) infos.set(url, r.info);
  const streams = distinctStreams(videos, infos);
  box.replaceChildren(...streams.map((v) => card(v, read.get(v.url), actions)));
  $count(section).textContent = String(streams.length);
  section.dataset.state = 'shown';
}

function $count(section: HTMLElement): HTMLElement {
  return section.querySelector<HTMLElement>('.count') ?? section;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function card(v: PageVideo, read: Read | undefined, actions: VideoActions): HTMLElement {
  const info = read && 'info' in read ? read.info : undefined;
  const box = el('article', 'video-card');
  box.dataset.video = v.url;
  box.dataset.kind = v.kind;
  if (info) box.dataset.playlist = info.kind;

  const poster = el('div', 'poster');
  if (v.kind === 'file') {
    // The length (and, without a poster, the first frame) from the file's own header.
    const video = document.createElement('video');
    video.preload = 'metadata';
    video.muted = true;
    if (v.poster) video.poster = v.poster;
    video.addEventListener('loadedmetadata', () => {
      if (!duration.textContent) duration.textContent = durationText(video.duration);
    });
    video.src = v.url;
    poster.append(video);
  } else if (v.poster) {
    const img = document.createElement('img');
    img.alt = '';
    img.decoding = 'async';
    img.addEventListener('error', () => img.remove(), { once: true });
    img.src = v.poster;
    poster.append(img);
  }
  poster.append(el('span', 'badge', v.kind === 'hls' ? 'HLS' : (/\.(\w+)$/.exec(new URL(v.url).pathname)?.[1] ?? 'video').toUpperCase()));

  const title = el('div', 'name', videoFileName(v.url));
  title.title = v.url;
  const duration = el('span', 'duration', durationText(v.duration));
  const meta = el('div', 'meta');
  meta.append(duration);
  if (info?.live) meta.append(' ', el('span', 'live', t('gridVideoLive')));
  box.append(poster, title, meta);

  const buttons = el('div', 'buttons');
  const outcome = el('p', 'outcome');
  const busy = async (button: HTMLButtonElement, run: () => Promise<{ ok: boolean; text: string; href?: string }>) => {
    button.disabled = true;
    box.dataset.busy = 'true';
    outcome.className = 'outcome';
    delete outcome.dataset.outcome;
    outcome.textContent = t('gridWorking');
    let r: { ok: boolean; text: string; href?: string };
    try {
      r = await run();
    } catch (e) {
      r = { ok: false, text: t('gridVideoFailed', e instanceof Error ? e.message : String(e)) };
    }
    outcome.className = `outcome ${r.ok ? 'ok' : 'error'}`;
    outcome.dataset.outcome = r.ok ? 'ok' : 'error';
    if (r.href) {
      const a = document.createElement('a');
      a.href = r.href;
      a.target = '_blank';
      a.rel = 'noreferrer';
      a.textContent = r.text;
      outcome.replaceChildren(a);
    } else outcome.textContent = r.text;
    button.disabled = false;
    delete box.dataset.busy;
  };

  if (v.kind === 'hls') {
    if (read && 'error' in read) box.append(el('p', 'note error', t('gridVideoUnreadable', read.error)));
    const variants = info?.kind === 'master' ? info.variants : [];
    if (variants.length > 0) {
      const list = el('ul', 'variants');
      list.append(
        ...variants.map((x) => {
          const li = el('li', 'variant', variantLabel(x));
          if (x.height) li.dataset.height = String(x.height);
          if (x.codecs) li.title = x.codecs;
          return li;
        }),
      );
      box.append(list);
    }
    if (info?.kind === 'media') duration.textContent = info.live ? '' : durationText(info.duration);
    else if (info?.kind === 'master' && variants[0]) {
      // A master says no length: its best variant's playlist does.
      const best = variants[0].url;
      void readOnce(best, actions).then((r) => {
        if ('info' in r && r.info.kind === 'media') {
          duration.textContent = r.info.live ? '' : durationText(r.info.duration);
          if (r.info.live) meta.append(' ', el('span', 'live', t('gridVideoLive')));
        }
        box.dataset.duration = duration.textContent ?? '';
      });
    }
    const quality = el('select', 'quality');
    quality.title = t('gridVideoQuality');
    quality.append(
      ...qualityChoices(variants).map((q) => {
        const o = document.createElement('option');
        o.value = q;
        o.textContent = q === 'best' ? t('gridVideoBest') : q;
        return o;
      }),
    );
    quality.hidden = quality.options.length < 2;
    const save = el('button', 'save-mp4', t('gridVideoSaveMp4'));
    save.type = 'button';
    save.addEventListener('click', () =>
      void busy(save, async () => {
        const q = quality.value || 'best';
        const h = q === 'best' ? undefined : Number.parseInt(q, 10);
        const chosen = h === undefined ? variants[0] : variants.find((x) => x.height === h);
        const got = await actions.saveMp4(v.url, v.page, q, { width: chosen?.width ?? undefined, height: chosen?.height ?? undefined });
        if ('error' in got) return { ok: false, text: t('gridVideoFailed', got.error) };
        box.dataset.savedPath = got.path;
        return { ok: true, text: t('gridVideoSavedMp4', got.path, `${got.width}×${got.height}`, durationText(got.duration)) };
      }),
    );
    buttons.append(quality, save);
  } else {
    const save = el('button', 'save', t('gridVideoSave'));
    save.type = 'button';
    save.addEventListener('click', () =>
      void busy(save, async () => {
        const got = await actions.saveFile(v.url);
        if ('error' in got) return { ok: false, text: t('gridVideoFailed', got.error) };
        return { ok: true, text: t('gridVideoSaved', got.filename) };
      }),
    );
    buttons.append(save);
  }
  const upload = actions.upload;
  if (upload) {
    const up = el('button', 'upload', t('gridVideoUpload'));
    up.type = 'button';
    up.title = t('gridVideoUploadTitle');
    up.addEventListener('click', () =>
      void busy(up, async () => {
        const r = await upload(v.url);
        if (!r.ok) return { ok: false, text: t('gridVideoFailed', r.error ?? '') };
        return { ok: true, text: r.url ?? '', href: r.viewerUrl ?? r.url };
      }),
    );
    buttons.append(up);
  }
  box.append(buttons, outcome);
  return box;
}
