// Functions the background runs inside pages with chrome.scripting.executeScript. Chrome
// sends each function's source text, so they must be self-contained: no imports, no
// module-level names. They run in the extension's isolated world (the page cannot see or
// call their state), and they build their UI with DOM nodes and text, never HTML.

/** Click-to-download on: a capture-phase click listener that saves the clicked image
 * (an `<img>` or an element with a CSS background image) and stops the click, so the page
 * does not follow a link or open a lightbox. */
export function clickerOn(): void {
  const w = window as unknown as { __imagoClicker?: (e: MouseEvent) => void };
  if (w.__imagoClicker) return;
  const imageOf = (e: MouseEvent): { url: string; alt?: string; el: Element } | null => {
    for (const node of e.composedPath()) {
      if (!(node instanceof Element)) continue;
      if (node instanceof HTMLImageElement && (node.currentSrc || node.src)) {
        return { url: node.currentSrc || node.src, alt: node.alt, el: node };
      }
      // A page background is not "the image clicked": clicks on text would save it.
      if (node === document.body || node === document.documentElement) break;
      const bg = getComputedStyle(node).backgroundImage;
      const m = /url\(\s*["']?([^"')]+)["']?\s*\)/.exec(bg);
      if (m && m[1]) return { url: new URL(m[1], document.baseURI).href, el: node };
    }
    return null;
  };
  const handler = (e: MouseEvent) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    const hit = imageOf(e);
    if (!hit) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    const el = hit.el as HTMLElement;
    const before = el.style.outline;
    el.style.outline = '3px solid #2a7';
    setTimeout(() => (el.style.outline = before), 600);
    void chrome.runtime.sendMessage({ type: 'clickSave', url: hit.url, alt: hit.alt });
  };
  document.addEventListener('click', handler, true);
  w.__imagoClicker = handler;
  document.documentElement.style.cursor = 'copy';
}

/** Click-to-download off: removes the listener (the page behaves as before). */
export function clickerOff(): void {
  const w = window as unknown as { __imagoClicker?: (e: MouseEvent) => void };
  if (!w.__imagoClicker) return;
  document.removeEventListener('click', w.__imagoClicker, true);
  delete w.__imagoClicker;
  document.documentElement.style.cursor = '';
}

/** A region of the viewport in CSS pixels, with the viewport's size (to scale to the
 * screenshot's pixels). */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
  viewportWidth: number;
  viewportHeight: number;
}

/** Lets the user drag a rectangle over the page; resolves with it, or `null` on Escape or
 * a click without dragging. The overlay is gone (and painted away) before it resolves, so
 * the screenshot that follows does not show it. */
export function pickRegion(hint: string): Promise<Region | null> {
  return new Promise((resolve) => {
    const host = document.createElement('div');
    const root = host.attachShadow({ mode: 'closed' });
    const veil = document.createElement('div');
    veil.style.cssText =
      'position:fixed;inset:0;z-index:2147483647;cursor:crosshair;background:rgba(0,0,0,.25);user-select:none';
    const box = document.createElement('div');
    box.style.cssText = 'position:fixed;border:2px dashed #fff;background:rgba(255,255,255,.15);display:none';
    const label = document.createElement('div');
    label.textContent = hint;
    label.style.cssText =
      'position:fixed;top:8px;left:50%;transform:translateX(-50%);background:#222;color:#fff;padding:4px 10px;font:14px sans-serif;border-radius:4px';
    veil.append(box, label);
    root.append(veil);
    document.documentElement.append(host);
    let start: { x: number; y: number } | null = null;
    let rect = { x: 0, y: 0, width: 0, height: 0 };
    const finish = (r: Region | null) => {
      window.removeEventListener('keydown', onKey, true);
      host.remove();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(r)));
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        finish(null);
      }
    };
    window.addEventListener('keydown', onKey, true);
    veil.addEventListener('mousedown', (e) => {
      start = { x: e.clientX, y: e.clientY };
      label.style.display = 'none';
    });
    veil.addEventListener('mousemove', (e) => {
      if (!start) return;
      rect = {
        x: Math.min(start.x, e.clientX),
        y: Math.min(start.y, e.clientY),
        width: Math.abs(e.clientX - start.x),
        height: Math.abs(e.clientY - start.y),
      };
      Object.assign(box.style, {
        display: 'block',
        left: `${rect.x}px`,
        top: `${rect.y}px`,
        width: `${rect.width}px`,
        height: `${rect.height}px`,
      });
    });
    veil.addEventListener('mouseup', () => {
      if (!start || rect.width < 2 || rect.height < 2) return finish(null);
      finish({ ...rect, viewportWidth: window.innerWidth, viewportHeight: window.innerHeight });
    });
  });
}

/** Texts of the hand-over banner (from the extension's locales). */
export interface HandoffTexts {
  title: string;
  copy: string;
  copied: string;
  copyFailed: string;
  fed: string;
  hint: string;
}

/** On a `page` engine's site: shows a small banner with the image and a "copy image"
 * button (paste it into the engine's search box), and hands the file to the first
 * `<input type=file>` that takes images when the page has one. Answers what it did. */
export async function handoffImage(dataUrl: string, fileName: string, texts: HandoffTexts): Promise<'fed' | 'banner'> {
  const blob = await (await fetch(dataUrl)).blob();
  const file = new File([blob], fileName, { type: blob.type });
  let fed = false;
  const input = [...document.querySelectorAll<HTMLInputElement>('input[type=file]')].find(
    (i) => !i.accept || /image|\.(jpe?g|png|webp)/i.test(i.accept),
  );
  if (input) {
    try {
      const dt = new DataTransfer();
      dt.items.add(file);
      input.files = dt.files;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
      fed = true;
    } catch {
      fed = false;
    }
  }
  const host = document.createElement('div');
  const root = host.attachShadow({ mode: 'closed' });
  const panel = document.createElement('div');
  panel.style.cssText =
    'position:fixed;top:12px;right:12px;z-index:2147483647;background:#fff;color:#222;border:1px solid #999;border-radius:6px;padding:10px;font:13px sans-serif;max-width:260px;box-shadow:0 2px 10px rgba(0,0,0,.3)';
  const title = document.createElement('strong');
  title.textContent = texts.title;
  const img = document.createElement('img');
  img.src = dataUrl;
  img.style.cssText = 'display:block;max-width:100%;max-height:160px;margin:6px 0';
  const hint = document.createElement('p');
  hint.textContent = fed ? texts.fed : texts.hint;
  const copy = document.createElement('button');
  copy.textContent = texts.copy;
  copy.addEventListener('click', async () => {
    try {
      // The clipboard takes PNG only: redraw other formats.
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
      const png = await canvas.convertToBlob({ type: 'image/png' });
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]);
      copy.textContent = texts.copied;
    } catch {
      copy.textContent = texts.copyFailed;
    }
  });
  const close = document.createElement('button');
  close.textContent = '×';
  close.style.cssText = 'position:absolute;top:4px;right:4px;border:none;background:none;font-size:16px;cursor:pointer';
  close.addEventListener('click', () => host.remove());
  panel.append(close, title, img, hint, copy);
  root.append(panel);
  document.documentElement.append(host);
  return fed ? 'fed' : 'banner';
}
