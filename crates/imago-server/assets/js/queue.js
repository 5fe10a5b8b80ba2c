// The upload queue: each file is checked here first (size against the server's limit,
// type by its bytes), then sent with its own progress bar; a file that fails shows
// why while the others go on.

import { fromTemplate } from './dom.js';
import { say, t, bytes, exact } from './i18n.js';
import { sniff } from './sniff.js';
import { sendFile, serverMessage, key } from './api.js';
import { linksOf } from './links.js';

const PARALLEL = 2;

/** A row of label, read-only text and a copy button. */
export function linkRow(labelKey, text) {
  const row = fromTemplate('link-tpl');
  say(row.querySelector('.link-label'), labelKey);
  const input = row.querySelector('.link-value');
  input.value = text;
  input.addEventListener('focus', () => input.select());
  const button = row.querySelector('.copy');
  say(button, 'copy.button');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      say(button, 'copy.done');
      button.classList.add('done');
    } catch {
      input.focus();
      input.select();
      say(button, 'copy.failed');
    }
  });
  return row;
}

export class Queue {
  /** config: {max_bytes, max_video_bytes, videos, accepted, guest_uploads}; expiry(): the chosen ISO duration. */
  constructor(list, config, { expiry, onChange }) {
    this.list = list;
    this.config = config;
    this.expiry = expiry;
    this.onChange = onChange;
    this.items = [];
    this.running = 0;
  }

  /** The uploaded images, in the order they were added. */
  uploaded() { return this.items.filter((i) => i.state === 'done').map((i) => i.image); }

  async add(files) {
    const fresh = [...files].map((file) => this.make(file));
    // Checked one after the other so the queue keeps the order files were given in.
    for (const item of fresh) await this.check(item);
    this.pump();
    this.update();
  }

  make(file) {
    const el = fromTemplate('item-tpl');
    const item = { file, el, state: 'waiting', loaded: 0, total: file.size || 1, image: null };
    el.querySelector('.name').textContent = file.name || t('drop.title');
    el.querySelector('.size').textContent = bytes(file.size);
    el.dataset.name = file.name || '';
    this.list.append(el);
    this.items.push(item);
    this.show(item);
    return item;
  }

  async check(item) {
    const { file } = item;
    const accepted = this.config.accepted || [];
    const types = accepted.map((a) => a.toUpperCase()).join(', ');
    if (!file.size) return this.fail(item, 'reason.empty');
    let format;
    try { format = await sniff(file); } catch { return this.fail(item, 'reason.read'); }
    if (!format || !accepted.includes(format)) {
      const found = format ? format.toUpperCase() : t('reason.unknown_type');
      return this.fail(item, 'reason.wrong_type', { found, types });
    }
    // Videos have their own, larger limit on the server.
    const video = (this.config.videos || []).includes(format);
    const max = video ? this.config.max_video_bytes : this.config.max_bytes;
    if (file.size > max) {
      let size = bytes(file.size);
      let limit = bytes(max);
      // Just over the limit rounds to the same text: then say it to the byte.
      if (size === limit) [size, limit] = [exact(file.size), exact(max)];
      return this.fail(item, 'reason.too_large', { size, limit });
    }
    item.video = video;
    if (!key.get() && !this.config.guest_uploads) return this.fail(item, 'reason.need_key');
    // A video has no picture to preview until the server made its poster.
    if (item.video) return undefined;
    const img = item.el.querySelector('.thumb img');
    item.preview = URL.createObjectURL(file);
    img.src = item.preview;
    return undefined;
  }

  fail(item, reasonKey, args) {
    item.state = 'failed';
    const reason = item.el.querySelector('.reason');
    say(reason, reasonKey, args);
    reason.hidden = false;
    this.show(item);
  }

  pump() {
    while (this.running < PARALLEL) {
      const next = this.items.find((i) => i.state === 'waiting');
      if (!next) return;
      this.running += 1;
      this.send(next).finally(() => { this.running -= 1; this.pump(); this.update(); });
    }
  }

  async send(item) {
    item.state = 'sending';
    this.show(item);
    const fields = { format: 'json', expiration: this.expiry() };
    const res = await sendFile(item.file, fields, (loaded, total, finished) => {
      item.loaded = loaded;
      item.total = total || 1;
      if (finished) { item.loaded = item.total; item.state = 'processing'; }
      this.show(item);
      this.update();
    });
    if (res.ok) {
      item.state = 'done';
      item.loaded = item.total;
      item.image = res.body.image;
      this.showLinks(item);
    } else if (res.status === 0) {
      this.fail(item, 'reason.network');
    } else {
      this.fail(item, 'reason.server', { message: serverMessage(res.body) || `HTTP ${res.status}` });
    }
    this.show(item);
  }

  showLinks(item) {
    const box = item.el.querySelector('.links');
    box.replaceChildren(...linksOf(item.image, item.file.name).map((l) => linkRow(l.key, l.text)));
    box.hidden = false;
    const img = item.el.querySelector('.thumb img');
    img.src = item.image.url;
    img.alt = item.file.name || '';
    if (item.preview) { URL.revokeObjectURL(item.preview); item.preview = null; }
  }

  percentOf(item) {
    if (item.state === 'done') return 100;
    return Math.min(100, Math.floor((100 * item.loaded) / (item.total || 1)));
  }

  show(item) {
    const { el } = item;
    el.dataset.state = item.state;
    el.classList.toggle('failed', item.state === 'failed');
    el.classList.toggle('done', item.state === 'done');
    const pct = this.percentOf(item);
    const bar = el.querySelector('.bar');
    bar.hidden = item.state === 'failed' && item.loaded === 0;
    bar.querySelector('progress').value = pct;
    el.querySelector('.percent').textContent = `${pct}%`;
    say(el.querySelector('.state'), `state.${item.state}`);
  }

  /** The overall bar: files that were sent (or are to be), weighted by their size. */
  update() {
    const sent = this.items.filter((i) => !(i.state === 'failed' && i.loaded === 0));
    const total = sent.reduce((n, i) => n + i.file.size, 0);
    const done = sent.reduce((n, i) => n + (i.file.size * this.percentOf(i)) / 100, 0);
    const finished = this.items.filter((i) => i.state === 'done' || i.state === 'failed').length;
    // Nothing to send (every file refused here) is finished, not stuck at 0%.
    const fallback = finished === this.items.length ? 100 : 0;
    const percent = total ? Math.floor((100 * done) / total) : fallback;
    this.onChange({ percent, finished, count: this.items.length, uploaded: this.uploaded().length });
  }
}
