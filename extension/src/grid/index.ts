// The grid page: every image of one tab (`grid.html?tab=<tabId>`), merged, filtered,
// sorted and named by the core; measured by ranged fetches; shown in a virtualized grid.
import type { Candidate, FilterSpec, Image, ProductJson, SortKey, SourceKind } from 'imago-wasm';
import { call } from '../shared/messages.ts';
import { loadCore } from '../shared/core.ts';
import { loadAdLists, withoutAds, type Matcher } from '../shared/adlists.ts';
import { localize, t } from '../shared/i18n.ts';
import { Prober, extensionOf, type ProbeResult } from '../shared/probe.ts';
import { loadSettings, type Settings } from '../shared/settings.ts';
import type { DownloadDeps } from '../shared/download.ts';
import type { CollectResult } from '../shared/collect.ts';
import { fetchBytes, saveBlob, saveFiles, saveZip, uploadAll } from './actions.ts';
import { makeCard } from './card.ts';
import { controlsOf, specOf, type FilterControls } from './filters.ts';
import { frameCandidates, invertSelection, items, selectRange, versions } from './model.ts';
import { VirtualGrid } from './virtual.ts';
import { searchEngineChoices } from './search.ts';
import { nativeAllowed, nativePresent, nativeSave, nativeStitch, nativeVideo, type NativeConvert } from '../shared/native.ts';
import { saveSettings } from '../shared/settings.ts';
import { downloadImages, today } from '../shared/download.ts';
import type { PageHtml } from '../background/api.ts';
import { clearRecent, loadRecent, recordRecent } from '../shared/recent.ts';
import { exportProduct, firstImage, namesProduct, priceText, productCandidates } from './product.ts';
import { showProduct, showRecent } from './product-panel.ts';
import { addRule, ruleChecks } from './suggest.ts';
import { showSuggestions, type Added } from './suggest-panel.ts';
import { uploadImage } from '../shared/upload.ts';
import { mergeVideos, streamName, videoExt } from './video.ts';
import { showVideos, type VideoActions } from './video-panel.ts';

type Core = Awaited<ReturnType<typeof loadCore>>;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Everything the page knows; `render` turns it into the DOM. */
interface State {
  core: Core;
  settings: Settings;
  tabId: number;
  frames: CollectResult[];
  /** Every frame's candidates, renumbered for one merge. */
  candidates: Candidate[];
  /** The pictures the grid works on: every picture, or the product's own. */
  images: Image[];
  /** Every picture of the tab (after the ad lists). */
  allImages: Image[];
  /** The product's own pictures (`null` until the page was read). */
  productImages: Image[] | null;
  /** "Only the product's images". */
  onlyProduct: boolean;
  /** The product the page names, as the core reads it; `null` when it names none. */
  product: ProductJson | null;
  /** The cards in their shown order (after versions, filter and sort). */
  shown: Image[];
  measured: Map<string, ProbeResult>;
  failed: Set<string>;
  selected: Set<string>;
  anchor?: string;
  controls: FilterControls;
  largestOnly: boolean;
  sort: SortKey;
  /** The ad/tracker lists once built (`null` when the user turned them off or they
   * failed to load). */
  adLists: Promise<Matcher | null>;
}

let state: State;
let grid: VirtualGrid;
let prober: Prober;

function pageUrl(): string {
  return state.frames[0]?.pageUrl ?? '';
}

function setError(text: string): void {
  const el = $('error');
  el.hidden = !text;
  el.textContent = text;
}

function setStatus(text: string): void {
  $('status').textContent = text;
}

/** Re-runs versions, the core's filter and sort; then redraws. */
function apply(): void {
  const { core } = state;
  const all = versions(state.images, state.largestOnly);
  const list = items(all, state.measured);
  const spec: FilterSpec = specOf(state.controls, state.settings.filters);
  let kept: number[];
  try {
    core.checkFilterSpec(spec);
    const result = core.filter(list, spec);
    kept = result.kept;
    needsMeasure = result.needsMeasure || state.sort !== 'page';
    setError('');
  } catch (e) {
    setError(t('gridFilterError', e instanceof Error ? e.message : String(e)));
    kept = list.map((_, i) => i);
  }
  const keptItems = kept.map((i) => list[i]!);
  const order = core.sortImages(keptItems, state.sort, state.sort !== 'page');
  state.shown = order.map((i) => keptItems[i]!.image);
  grid.reset(state.shown.length);
  summary();
}

function summary(): void {
  $('count').textContent = t('gridCount', String(state.images.length));
  $('shown').textContent = t('gridShown', String(state.shown.length));
  $('selected-count').textContent = t('gridSelected', String(state.selected.size));
  $('progress').textContent = prober.pending > 0 ? t('gridMeasuring', String(prober.pending)) : '';
  document.body.dataset.probing = String(prober.pending);
}

let applyTimer = 0;
/** Whether a measurement can change what is shown or its order (the last filter said so,
 * or the sort is by size); if not, a probe only redraws the visible cards. */
let needsMeasure = true;
/** Probes land in bursts: filter again (or just redraw) at most every 250 ms. */
function applySoon(): void {
  if (applyTimer) return;
  applyTimer = window.setTimeout(() => {
    applyTimer = 0;
    if (needsMeasure) apply();
    else {
      grid.refresh();
      summary();
    }
  }, 250);
}

function measureAll(): void {
  for (const image of versions(state.images, false)) {
    if (state.measured.has(image.url)) continue;
    void prober.measure(image.url).then((m) => {
      state.measured.set(image.url, m);
      if (m.error) state.failed.add(image.url);
      applySoon();
    });
  }
  summary();
}

function markFailed(url: string): void {
  if (state.failed.has(url)) return;
  state.failed.add(url);
  grid.refresh();
}

function buildCard(index: number): HTMLElement {
  const image = state.shown[index]!;
  const card = makeCard(
    {
      image,
      measured: state.measured.get(image.url),
      selected: state.selected.has(image.url),
      failed: state.failed.has(image.url),
      index,
    },
    markFailed,
  );
  const toggle = (shift: boolean) => {
    const shown = state.shown.map((i) => i.url);
    if (shift) state.selected = selectRange(shown, state.anchor, image.url, state.selected);
    else if (state.selected.has(image.url)) state.selected.delete(image.url);
    else state.selected.add(image.url);
    state.anchor = image.url;
    grid.refresh();
    summary();
  };
  card.addEventListener('click', (ev) => toggle(ev.shiftKey));
  // Keyboard: Tab to a card, Space or Enter selects it (with Shift, the range).
  card.tabIndex = 0;
  card.addEventListener('keydown', (ev) => {
    if (ev.key !== ' ' && ev.key !== 'Enter') return;
    ev.preventDefault();
    toggle(ev.shiftKey);
    $<HTMLElement>('grid').querySelector<HTMLElement>(`[data-index="${index}"]`)?.focus();
  });
  return card;
}

/** The selected images in shown order (hidden ones stay selected but are not acted on). */
function selection(): Image[] {
  return state.shown.filter((i) => state.selected.has(i.url));
}

/** What the name templates know of each image; with `max`, the size it will have once the
 * desktop helper scaled it down (as `imago`'s resize rounds it). */
function nameItems(images: Image[], max?: number) {
  return images.map((image) => {
    const m = state.measured.get(image.url);
    let w = m?.width ?? image.width;
    let h = m?.height ?? image.height;
    if (max && w && h && Math.max(w, h) > max) {
      const scale = max / Math.max(w, h);
      [w, h] = [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
    }
    const ext = extensionOf(m?.format);
    return {
      url: image.url,
      pageUrl: pageUrl(),
      title: state.frames[0]?.title,
      ...(image.alt ? { alt: image.alt } : {}),
      ...(w ? { width: w } : {}),
      ...(h ? { height: h } : {}),
      ...(ext ? { ext } : {}),
    };
  });
}

function downloadDeps(): DownloadDeps {
  return { renderNames: state.core.renderNames, download: (o) => chrome.downloads.download(o) };
}

/** Runs an action on the selection with a busy status and its result line. */
async function act(run: (images: Image[]) => Promise<string>): Promise<void> {
  const images = selection();
  if (images.length === 0) {
    setStatus(t('gridNothingSelected'));
    return;
  }
  setStatus(t('gridWorking'));
  try {
    setStatus(await run(images));
  } catch (e) {
    setStatus(e instanceof Error ? e.message : String(e));
  }
}

function showResults(lines: { text: string; href?: string }[]): void {
  const list = $('results');
  list.replaceChildren(
    ...lines.map((l) => {
      const li = document.createElement('li');
      if (l.href) {
        const a = document.createElement('a');
        a.href = l.href;
        a.target = '_blank';
        a.rel = 'noreferrer';
        a.textContent = l.text;
        li.append(a);
      } else li.textContent = l.text;
      return li;
    }),
  );
}

function wireActions(): void {
  $('select-all').addEventListener('click', () => {
    for (const i of state.shown) state.selected.add(i.url);
    grid.refresh();
    summary();
  });
  $('select-none').addEventListener('click', () => {
    state.selected.clear();
    grid.refresh();
    summary();
  });
  $('select-invert').addEventListener('click', () => {
    state.selected = invertSelection(
      state.shown.map((i) => i.url),
      state.selected,
    );
    grid.refresh();
    summary();
  });
  $('download').addEventListener('click', () =>
    act(async (images) => {
      const r = await saveFiles(nameItems(images), state.settings, downloadDeps());
      showResults(r.errors.map((text) => ({ text })));
      return t('gridSaved', String(r.ok), String(r.failed));
    }),
  );
  $('zip').addEventListener('click', () =>
    act(async (images) => {
      const r = await saveZip(nameItems(images), state.settings, downloadDeps());
      showResults(r.errors.map((text) => ({ text })));
      return t('gridZipped', String(r.files));
    }),
  );
  $('copy').addEventListener('click', () =>
    act(async (images) => {
      await navigator.clipboard.writeText(images.map((i) => i.url).join('\n'));
      return t('gridCopied', String(images.length));
    }),
  );
  $('open').addEventListener('click', () =>
    act(async (images) => {
      for (const i of images) await chrome.tabs.create({ url: i.url, active: false });
      return '';
    }),
  );
  $('upload').addEventListener('click', () =>
    act(async (images) => {
      if (!state.settings.server) return t('gridNoServer');
      const outcomes = await uploadAll(
        images.map((i) => i.url),
        state.settings,
      );
      showResults(outcomes.map((o) => (o.ok ? { text: o.url ?? '', href: o.viewerUrl ?? o.url } : { text: `${o.source}: ${o.error ?? ''}` })));
      const ok = outcomes.filter((o) => o.ok).length;
      return t('gridUploaded', String(ok), String(outcomes.length - ok));
    }),
  );
}

/** The engines the user enabled, in their order, then their own server: one is picked in
 * the select, and the background opens it (page engines get the file handed over). */
function wireSearch(): void {
  const select = $('search-engine') as HTMLSelectElement;
  select.replaceChildren(
    ...searchEngineChoices(state.settings).map(({ id, name }) => {
      const o = document.createElement('option');
      o.value = id;
      o.textContent = name;
      return o;
    }),
  );
  $('search').toggleAttribute('disabled', select.options.length === 0);
  $('search').addEventListener('click', () =>
    act(async (images) => {
      if (images.length !== 1) return t('gridSearchOne');
      const engineId = select.value;
      await call('searchImage', { engineId, imageUrl: images[0]!.url, tabId: state.tabId });
      return t('gridSearchOpened', select.selectedOptions[0]?.textContent ?? engineId);
    }),
  );
}

/** "Save with imago": the desktop helper (`imago native-host`) saves the selection into any
 * folder with grab's downloader, skipping what that folder's archive already holds, and
 * converts or scales it down on the way. Shown only once the user allowed the helper in
 * the options; "stitch" only once the helper answers. */
async function wireNative(): Promise<void> {
  if (!(await nativeAllowed())) return;
  const folder = $('native-folder') as HTMLInputElement;
  folder.value = state.settings.nativeFolder;
  folder.placeholder = '~/Pictures/imago';
  $('native').hidden = false;
  $('native-save').addEventListener('click', () =>
    act(async (images) => {
      const into = await nativeFolder();
      if (!into) return t('gridNativeNoFolder');
      const convert = ($('native-convert') as HTMLSelectElement).value as NativeConvert | '';
      const max = Number(($('native-max') as HTMLSelectElement).value) || undefined;
      const names = state.core.renderNames(state.settings.nameTemplate, '', nameItems(images, max), today());
      const results = await nativeSave(
        images.map((image, i) => ({ url: image.url, filename: names[i] ?? '' })),
        into,
        { convert: convert || undefined, max },
      );
      showResults(results.filter((r) => !r.ok).map((r) => ({ text: `${r.url}: ${r.error ?? ''}` })));
      const saved = results.filter((r) => r.ok && !r.skipped).length;
      const skipped = results.filter((r) => r.ok && r.skipped).length;
      return t('gridNativeSaved', String(saved), String(skipped), String(results.length - saved - skipped));
    }),
  );
  $('native-stitch').addEventListener('click', () =>
    act(async (images) => {
      const into = await nativeFolder();
      if (!into) return t('gridNativeNoFolder');
      if (images.length > STITCH_MAX) return t('gridNativeStitchMany', String(STITCH_MAX));
      const done = await nativeStitch(
        images.map((i) => i.url),
        into,
        `stitched-${today()}.jpg`,
      );
      if ('error' in done) {
        showResults([]);
        return t('gridNativeStitchFailed', done.error);
      }
      showResults(done.paths.map((p) => ({ text: p })));
      return t('gridNativeStitched', String(images.length), String(done.paths.length));
    }),
  );
  // The helper starts only for a message: asked once, in the background.
  void nativePresent().then((here) => {
    $('native-stitch').hidden = !here;
  });
}

/** The desktop helper's folder as typed, remembered for next time; empty when none is. */
async function nativeFolder(): Promise<string> {
  const w = $<HTMLInputElement>('native-folder').value.trim();
  if (w && w !== state.settings.nativeFolder) {
    state.settings = { ...state.settings, nativeFolder: w };
    await saveSettings(state.settings);
  }
  return w;
}

/** Pictures in one stitch: the helper's own limit (`native_host/stitch.rs`). */
const STITCH_MAX = 50;

function chip(label: string, pressed: boolean, onToggle: (on: boolean) => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'chip';
  b.textContent = label;
  b.dataset.value = label;
  b.setAttribute('aria-pressed', String(pressed));
  b.addEventListener('click', () => {
    const on = b.getAttribute('aria-pressed') !== 'true';
    b.setAttribute('aria-pressed', String(on));
    onToggle(on);
  });
  return b;
}

function toggle<T>(list: T[], value: T, on: boolean): T[] {
  const rest = list.filter((v) => v !== value);
  return on ? [...rest, value] : rest;
}

function sourceChips(): void {
  const kinds = new Set<SourceKind>(state.images.flatMap((i) => i.sources));
  const order = state.core.vocabulary().sources.filter((k) => kinds.has(k) || state.controls.sources.includes(k));
  $('source-chips').replaceChildren(
    ...order.map((k) =>
      chip(k, state.controls.sources.includes(k), (on) => {
        state.controls.sources = toggle(state.controls.sources, k, on);
        apply();
      }),
    ),
  );
}

function wireFilters(): void {
  const c = state.controls;
  const slider = (id: 'min-width' | 'min-height', key: 'minWidth' | 'minHeight') => {
    const input = $<HTMLInputElement>(id);
    const out = $<HTMLOutputElement>(`${id}-value`);
    input.value = String(c[key]);
    out.textContent = String(c[key]);
    input.addEventListener('input', () => {
      c[key] = Number(input.value);
      out.textContent = input.value;
      apply();
    });
  };
  slider('min-width', 'minWidth');
  slider('min-height', 'minHeight');
  $('format-chips').replaceChildren(
    ...state.core.vocabulary().formats.map((f) =>
      chip(f, c.formats.includes(f), (on) => {
        c.formats = toggle(c.formats, f, on);
        apply();
      }),
    ),
  );
  const url = $<HTMLInputElement>('url-filter');
  url.value = c.urlText;
  url.placeholder = t('gridUrlFilter');
  url.addEventListener('input', () => {
    c.urlText = url.value;
    apply();
  });
  const largest = $<HTMLInputElement>('largest-only');
  largest.addEventListener('change', () => {
    state.largestOnly = largest.checked;
    measureAll();
    apply();
  });
  const sort = $<HTMLSelectElement>('sort');
  sort.addEventListener('change', () => {
    state.sort = sort.value as SortKey;
    apply();
  });
  const auto = $<HTMLInputElement>('auto-scroll');
  auto.checked = state.settings.autoScroll;
  auto.addEventListener('change', () => void collect(auto.checked));
  // Canvases are exported as PNG only on request: it costs time on pages full of them.
  $<HTMLInputElement>('canvas').addEventListener('change', () => void collect(auto.checked));
}

/** Auto-scroll in a tab the user does not see does nothing: a hidden page is not
 * rendered, so lazy loaders' IntersectionObservers never fire. Bring the tab to the
 * front while it scrolls, then come back to the grid. */
async function collectInFront(tabId: number, canvas: boolean): Promise<CollectResult[]> {
  const me = await chrome.tabs.getCurrent();
  await chrome.tabs.update(tabId, { active: true });
  try {
    return await call('collect', { tabId, options: { autoScroll: true, canvas } });
  } finally {
    if (me?.id !== undefined) await chrome.tabs.update(me.id, { active: true });
  }
}

/** Runs the collector in every frame of the tab and merges what it found. */
async function collect(autoScroll: boolean): Promise<void> {
  setStatus(t('gridCollecting'));
  document.body.dataset.collecting = 'true';
  try {
    const canvas = $<HTMLInputElement>('canvas').checked;
    const frames = autoScroll
      ? await collectInFront(state.tabId, canvas)
      : await call('collect', { tabId: state.tabId, options: { autoScroll, canvas } });
    state.frames = frames;
    state.candidates = frameCandidates(frames);
    const matcher = await state.adLists;
    const { kept, blocked } = withoutAds(state.core.merge(state.candidates), pageUrl(), matcher);
    state.allImages = kept;
    state.productImages = null;
    $<HTMLInputElement>('only-product').disabled = true;
    state.images = state.onlyProduct ? [] : kept;
    const stopped = frames.find((f) => f.stopped);
    setStatus(
      [stopped ? t('gridStopped', String(stopped.elements ?? '')) : '', blocked ? t('gridAdsHidden', String(blocked)) : '']
        .filter((s) => s !== '')
        .join(' '),
    );
    sourceChips();
    apply();
    measureAll();
    // After the cards are painted, the page's HTML as the collector left it (scrolled, lazy
    // pictures in): the core reads it twice (fields, pictures).
    document.body.dataset.product = 'reading';
    void call('pageHtml', { tabId: state.tabId })
      .catch(() => null)
      .then(async (page) => {
        readProduct(page, matcher);
        void tabVideos(frames, page);
        await remember();
      })
      .catch((e: unknown) => setError(t('gridProductFailed', e instanceof Error ? e.message : String(e))));
  } catch (e) {
    setStatus(e instanceof Error ? e.message : String(e));
  } finally {
    delete document.body.dataset.collecting;
  }
}

/** The product the page names (through the core, as `imago product` reads it) and its own
 * pictures: the grid's pictures whose file the core's main-mode read of the same HTML
 * keeps. Shows the panel; "only the product's images" works from here on. */
function readProduct(page: PageHtml | null, matcher: Matcher | null): void {
  const started = performance.now();
  let product: ProductJson | null = null;
  let main: Candidate[] = [];
  if (page) {
    const siteRules = state.settings.siteRules;
    try {
      const p = state.core.product(page.html, page.url, { siteRules });
      product = namesProduct(p) ? p : null;
      main = state.core.discover(page.html, page.url, { main: true, siteRules }).candidates;
    } catch (e) {
      setError(t('gridProductFailed', e instanceof Error ? e.message : String(e)));
    }
  }
  state.product = product;
  state.productImages = withoutAds(state.core.merge(productCandidates(state.candidates, main)), pageUrl(), matcher).kept;
  const only = $<HTMLInputElement>('only-product');
  only.disabled = false;
  $('only-product-count').textContent = String(state.productImages.length);
  showProduct($('product'), $('product-fields'), product);
  // The e2e reads how long the product took (the core's two reads of the page's HTML).
  document.body.dataset.productMs = String(Math.round(performance.now() - started));
  document.body.dataset.product = product ? 'named' : 'none';
  if (state.onlyProduct) showView();
}

/** The tab's videos as cards: what the collector saw in each frame (`<video>` elements,
 * the page's requests) and what the core reads in the page's HTML (scripts, JSON-LD,
 * lazy attributes). */
async function tabVideos(frames: CollectResult[], page: PageHtml | null): Promise<void> {
  let fromHtml: ReturnType<Core['videos']> = [];
  if (page) {
    try {
      fromHtml = state.core.videos(page.html, page.url);
    } catch {
      // The collector's finds still make cards.
    }
  }
  const videos = mergeVideos([
    ...frames.map((f) => ({ page: f.pageUrl, videos: f.videos ?? [] })),
    { page: page?.url ?? pageUrl(), videos: fromHtml },
  ]);
  await showVideos($('videos'), $('video-cards'), videos, videoActions());
}

/** What a name template gives one video (its own URL's name, the tab's page and title). */
function videoFileName(url: string, ext: string, size: { width?: number; height?: number } = {}): string | undefined {
  const item = {
    url,
    pageUrl: pageUrl(),
    ...(state.frames[0]?.title ? { title: state.frames[0].title } : {}),
    ...(size.width ? { width: size.width } : {}),
    ...(size.height ? { height: size.height } : {}),
    ext,
  };
  return state.core.renderNames(state.settings.nameTemplate, '', [item], today())[0];
}

function videoActions(): VideoActions {
  const server = state.settings.server;
  return {
    readPlaylist: (text, url) => state.core.readPlaylist(text, url),
    async fetchText(url) {
      const res = await fetch(url, { credentials: 'include', signal: AbortSignal.timeout(15_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.text();
    },
    async saveMp4(url, page, quality, size) {
      if (!(await nativeAllowed())) return { error: t('gridVideoNeedsHelper') };
      const folder = await nativeFolder();
      if (!folder) return { error: t('gridNativeNoFolder') };
      const name = streamName(videoFileName(url, 'mp4', size));
      return nativeVideo({ url, page, folder, quality, ...(name ? { name } : {}) });
    },
    async saveFile(url) {
      const ext = videoExt(url);
      const item = { url, pageUrl: pageUrl(), ...(state.frames[0]?.title ? { title: state.frames[0].title } : {}), ...(ext ? { ext } : {}) };
      const [o] = await downloadImages([item], { folderTemplate: state.settings.folderTemplate, nameTemplate: state.settings.nameTemplate }, downloadDeps());
      if (!o?.ok) return { error: o?.error ?? 'not saved' };
      return { filename: o.filename };
    },
    upload: server ? (url) => uploadImage(url, server) : null,
  };
}

/** The recent products list gets the product the panel shows. */
async function remember(): Promise<void> {
  const p = state.product;
  if (!p) return;
  const recent = await recordRecent({
    url: p.url,
    title: p.title ?? '',
    price: priceText(p.price),
    image: firstImage(p, (state.productImages ?? []).map((i) => i.url)),
    time: Date.now(),
  });
  showRecent($('recent') as HTMLDetailsElement, $('recent-list'), $('recent-count'), recent);
}

/** Every picture or only the product's, as the toggle says; then filter and redraw. */
function showView(): void {
  state.images = state.onlyProduct ? (state.productImages ?? []) : state.allImages;
  sourceChips();
  apply();
  measureAll();
}

/** "Export product": one ZIP of product.json, products.csv and the pictures: the
 * selection, else the product's own pictures (those shown, with the toggle on). */
async function exportClicked(): Promise<void> {
  const product = state.product;
  if (!product) return;
  let images = selection();
  if (images.length === 0) images = state.onlyProduct ? state.shown : (state.productImages ?? []);
  setStatus(t('gridWorking'));
  try {
    const r = await exportProduct(product, nameItems(images), state.settings, today(), {
      renderNames: state.core.renderNames,
      productCsv: state.core.productCsv,
      fetchBytes,
      saveBlob: (blob, filename) => saveBlob(blob, filename, downloadDeps()),
    });
    showResults(r.errors.map((text) => ({ text })));
    setStatus(t('gridProductExported', String(r.files.length), String(r.errors.length)));
  } catch (e) {
    setStatus(e instanceof Error ? e.message : String(e));
  }
}

function wireProduct(): void {
  const only = $<HTMLInputElement>('only-product');
  only.addEventListener('change', () => {
    state.onlyProduct = only.checked;
    showView();
  });
  $('export-product').addEventListener('click', () => void exportClicked());
  $('suggest-rules').addEventListener('click', () => void suggestClicked());
  $('recent-clear').addEventListener('click', () =>
    void clearRecent().then(() => showRecent($('recent') as HTMLDetailsElement, $('recent-list'), $('recent-count'), [])),
  );
  void loadRecent().then((recent) => showRecent($('recent') as HTMLDetailsElement, $('recent-list'), $('recent-count'), recent));
}

/** The user's rules as stored now (another page may have changed them since the grid
 * opened): the grid's own copy follows. */
async function freshRules(): Promise<Settings> {
  const fresh = await loadSettings();
  state.settings = { ...state.settings, hdRules: fresh.hdRules, siteRules: fresh.siteRules };
  return fresh;
}

/** "Suggest rules for this site": the tab's page as it is now, read by the core as
 * `imago rules suggest` and `suggest-hd` read it, with the rules in force as known. */
async function suggestClicked(): Promise<void> {
  const button = $<HTMLButtonElement>('suggest-rules');
  button.disabled = true;
  document.body.dataset.suggest = 'reading';
  try {
    const [page, s] = await Promise.all([call('pageHtml', { tabId: state.tabId }), freshRules()]);
    const started = performance.now();
    const said = (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) });
    let site;
    try {
      site = state.core.suggestSiteRule(page.html, page.url, { siteRules: s.siteRules });
    } catch (e) {
      site = said(e);
    }
    let hd;
    try {
      hd = state.core.suggestHdRules(page.html, page.url, { hdRules: s.hdRules });
    } catch (e) {
      hd = said(e);
    }
    // The e2e reads how long the two suggestions took.
    document.body.dataset.suggestMs = String(Math.round(performance.now() - started));
    showSuggestions($('suggest-results'), site, hd, addSuggested);
    document.body.dataset.suggest = 'shown';
  } catch (e) {
    setError(t('gridSuggestFailed', e instanceof Error ? e.message : String(e)));
    delete document.body.dataset.suggest;
  } finally {
    button.disabled = false;
  }
}

/** "Add to my site/HD rules": appended to the rules as stored now, checked by the core as
 * the options page checks an edit; a site rule then reads the page's product again. */
async function addSuggested(kind: 'site' | 'hd', rule: { name: string; ruleToml: string }): Promise<Added> {
  const fresh = await freshRules();
  const key = kind === 'site' ? 'siteRules' : 'hdRules';
  const which = t(kind === 'site' ? 'gridSuggestMySiteRules' : 'gridSuggestMyHdRules');
  const got = addRule(fresh[key], rule, ruleChecks(kind, state.core));
  if ('clash' in got) return { ok: false, text: t('gridSuggestClash', which, got.clash) };
  if ('broken' in got) return { ok: false, text: t('gridSuggestBroken', which, got.broken) };
  await saveSettings({ ...fresh, [key]: got.text });
  state.settings = { ...state.settings, [key]: got.text };
  if (kind === 'site') {
    const page = await call('pageHtml', { tabId: state.tabId }).catch(() => null);
    readProduct(page, await state.adLists);
  }
  return { ok: true, text: t('gridSuggestAdded', rule.name, which) };
}

async function main(): Promise<void> {
  localize();
  const tabId = Number(new URLSearchParams(location.search).get('tab'));
  if (!Number.isInteger(tabId) || tabId < 0 || new URLSearchParams(location.search).get('tab') === null) {
    setStatus(t('gridNoTab'));
    return;
  }
  const [core, settings] = await Promise.all([loadCore(), loadSettings()]);
  prober = new Prober({ fetch: (u, i) => fetch(u, i), probeHeader: core.probeHeader }, 4);
  const css = getComputedStyle(document.documentElement);
  const cellW = parseFloat(css.getPropertyValue('--card-w')) + 8 || 184;
  const cellH = parseFloat(css.getPropertyValue('--card-h')) + 8 || 222;
  grid = new VirtualGrid($('grid'), $('spacer'), buildCard, cellW, cellH, 8);
  state = {
    core,
    settings,
    tabId,
    frames: [],
    candidates: [],
    images: [],
    allImages: [],
    productImages: null,
    onlyProduct: false,
    product: null,
    shown: [],
    measured: new Map(),
    failed: new Set(),
    selected: new Set(),
    controls: controlsOf(settings.filters),
    largestOnly: true,
    sort: 'page',
    // Built while the tab is collected; a failure is said and the grid goes on without.
    adLists: settings.blockAds
      ? loadAdLists(core).catch((e: unknown) => {
          setError(t('gridAdListsFailed', e instanceof Error ? e.message : String(e)));
          return null;
        })
      : Promise.resolve(null),
  };
  wireFilters();
  wireActions();
  wireSearch();
  wireProduct();
  await wireNative();
  const started = performance.now();
  await collect(settings.autoScroll);
  // The e2e reads how long the first render took (collect + merge + first cards).
  document.body.dataset.firstRenderMs = String(Math.round(performance.now() - started));
}

main().catch((e: unknown) => {
  setStatus(e instanceof Error ? e.message : String(e));
});
