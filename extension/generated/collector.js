"use strict";
(() => {
  // src/collector/urls.ts
  var IMAGE_EXT = /\.(?:jpe?g|jfif|pjpeg|png|apng|gif|webp|avif|svg|bmp|ico|tiff?|heic|heif)$/i;
  var NOT_IMAGE_EXT = /\.(?:woff2?|ttf|otf|eot|css|js|mjs|json|html?|php|xml|txt|mp4|webm|m3u8)$/i;
  function resolveUrl(raw, base) {
    const s = raw?.trim();
    if (!s || s === "#" || s === "none") return void 0;
    try {
      const u = new URL(s, base);
      if (!["http:", "https:", "data:", "blob:", "file:"].includes(u.protocol)) return void 0;
      if (u.protocol === "data:" && !/^data:image\//i.test(s)) return void 0;
      return u.href;
    } catch {
      return void 0;
    }
  }
  var HLS_EXT = /\.m3u8?$/i;
  var VIDEO_EXT = /\.(?:mp4|webm|mov|m4v|ogv)$/i;
  function videoKind(url, mime = "") {
    let path;
    try {
      const u = new URL(url);
      if (u.protocol !== "http:" && u.protocol !== "https:") return void 0;
      path = u.pathname;
    } catch {
      return void 0;
    }
    if (HLS_EXT.test(path) || /mpegurl/i.test(url) || /mpegurl/i.test(mime)) return "hls";
    if (VIDEO_EXT.test(path) || /^video\//i.test(mime) && !/mp2t/i.test(mime)) return "file";
    return void 0;
  }
  function isImageUrl(url) {
    if (/^data:image\//i.test(url)) return true;
    try {
      return IMAGE_EXT.test(new URL(url).pathname);
    } catch {
      return false;
    }
  }
  function isSurelyNotImage(url) {
    try {
      return NOT_IMAGE_EXT.test(new URL(url).pathname);
    } catch {
      return true;
    }
  }
  function isPlaceholder(url) {
    if (url.startsWith("data:")) return url.length < 200;
    try {
      const name = new URL(url).pathname.split("/").pop()?.toLowerCase() ?? "";
      return /placeholder|^(?:spacer|blank)(?![a-z])|^(?:pixel|1x1|transparent|clear)\.(?:gif|png|svg)$/.test(name);
    } catch {
      return false;
    }
  }

  // src/collector/found.ts
  var MAX_SIZE = 1e6;
  var MAX_VIDEOS = 512;
  var size = (n) => n !== void 0 && Number.isInteger(n) && n > 0 && n <= MAX_SIZE ? n : void 0;
  function sane(extra) {
    const d = extra.descriptor;
    if (d && "width" in d && !size(d.width)) return void 0;
    if (d && "density" in d && !(Number.isFinite(d.density) && d.density > 0 && d.density <= 100)) return void 0;
    return { ...extra, width: size(extra.width), height: size(extra.height) };
  }
  var Found = class {
    constructor(maxElements, deadline) {
      this.maxElements = maxElements;
      this.deadline = deadline;
    }
    maxElements;
    deadline;
    candidates = [];
    /** The videos, each URL once, in the order first seen. */
    videos = [];
    videoAt = /* @__PURE__ */ new Map();
    /** Posters of `<video>` elements that play through Media Source Extensions (a `blob:`
     * src): their stream is only seen among the page's requests. */
    msePlayers = /* @__PURE__ */ new Map();
    nextGroup = 0;
    order = 0;
    seen = /* @__PURE__ */ new Set();
    elements = 0;
    frames = 0;
    /** Why the walk stopped early, if it did. */
    stopped;
    /** Starts another pass over the page (after auto-scroll) with fresh bounds; groups,
     * order and what was found carry on. */
    nextPass(deadline) {
      this.deadline = deadline;
      this.elements = 0;
      this.frames = 0;
      this.stopped = void 0;
    }
    groups = /* @__PURE__ */ new WeakMap();
    /** The picture `el` shows (`part` tells apart several pictures of one element, such as
     * its ::before background): versions with the same group merge into one image. The same
     * element keeps its group in a second pass, so that pass adds nothing twice. */
    group(el, part = "") {
      let parts = this.groups.get(el);
      if (!parts) {
        parts = /* @__PURE__ */ new Map();
        this.groups.set(el, parts);
      }
      let g = parts.get(part);
      if (g === void 0) {
        g = this.nextGroup++;
        parts.set(part, g);
      }
      return g;
    }
    /** Adds `raw` (as the page wrote it, resolved against `base`) unless it is no URL. */
    add(kind, raw, base, group, extra = {}) {
      const url = resolveUrl(raw, base);
      const fields = sane(extra);
      if (!url || !fields) return;
      const key = `${group ?? ""}\0${kind}\0${url}`;
      if (this.seen.has(key)) return;
      this.seen.add(key);
      const c = { url, kind, order: this.order++ };
      if (group !== void 0) c.group = group;
      for (const [k, v] of Object.entries(fields)) {
        if (v !== void 0 && v !== "" && v !== false) c[k] = v;
      }
      if (isPlaceholder(url)) c.placeholder = true;
      this.candidates.push(c);
    }
    /** Adds the video at `raw` (resolved against `base`; http(s) only), of `kind` or, when
     * that is not given, of the kind its URL says (nothing when it says none). A URL seen
     * again keeps its first source and takes a poster or duration it lacked. */
    addVideo(raw, base, kind, source, extra = {}) {
      const url = resolveUrl(raw, base);
      if (!url || !/^https?:/i.test(url)) return;
      const k = kind ?? videoKind(url);
      if (!k) return;
      const duration = extra.duration !== void 0 && Number.isFinite(extra.duration) && extra.duration > 0 ? extra.duration : void 0;
      const had = this.videoAt.get(url);
      if (had) {
        if (had.poster === void 0 && extra.poster) had.poster = extra.poster;
        if (had.duration === void 0 && duration !== void 0) had.duration = duration;
        return;
      }
      if (this.videos.length >= MAX_VIDEOS) return;
      const v = { url, kind: k, source, order: this.videos.length };
      if (extra.poster) v.poster = extra.poster;
      if (duration !== void 0) v.duration = duration;
      this.videos.push(v);
      this.videoAt.set(url, v);
    }
    /** Notes a `<video>` that plays through Media Source Extensions, with its poster. */
    msePlayer(el, poster) {
      this.msePlayers.set(el, poster);
    }
    /** The videos to report: when the frame has exactly one `<video>` playing through Media
     * Source Extensions, the HLS playlists it requested take its poster (that element is
     * what plays them; its `blob:` src names nothing). */
    videoReport() {
      const [poster, ...others] = this.msePlayers.values();
      if (poster && others.length === 0) {
        for (const v of this.videos) if (v.source === "resource" && v.kind === "hls" && v.poster === void 0) v.poster = poster;
      }
      return this.videos;
    }
    /** Counts one element; false once the walk must stop (too many elements, too long). */
    tick() {
      if (this.stopped) return false;
      if (this.elements >= this.maxElements) {
        this.stopped = "elements";
        return false;
      }
      this.elements++;
      if ((this.elements & 255) === 0 && Date.now() > this.deadline) {
        this.stopped = "time";
        return false;
      }
      return true;
    }
  };

  // src/collector/resources.ts
  var BY_SCRIPT = /* @__PURE__ */ new Set(["xmlhttprequest", "fetch"]);
  function resources(found, view) {
    let entries;
    try {
      entries = view.performance.getEntriesByType("resource");
    } catch {
      return;
    }
    for (const e of entries) {
      const r = e;
      const url = r.name;
      if (r.initiatorType === "other" && /\/favicon\.ico$/i.test(url)) continue;
      const byInitiator = (r.initiatorType === "img" || r.initiatorType === "css") && !isSurelyNotImage(url);
      if (byInitiator || isImageUrl(url)) {
        found.add("resource", url, view.document.baseURI, void 0);
        continue;
      }
      const kind = videoKind(url, r.contentType ?? "");
      if (kind === "hls" || kind === "file" && !BY_SCRIPT.has(r.initiatorType)) {
        found.addVideo(url, view.document.baseURI, kind, "resource");
      }
    }
  }

  // src/collector/scroll.ts
  var sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  async function imagesSettled(doc, ms) {
    const until = Date.now() + ms;
    const loading = () => Array.from(doc.images).some((i) => !i.complete && (i.currentSrc || i.src));
    while (Date.now() < until && loading()) await sleep(50);
  }
  async function autoScroll(view, budgetMs) {
    const doc = view.document;
    const start = { x: view.scrollX, y: view.scrollY };
    const until = Date.now() + Math.max(0, budgetMs);
    let furthest = start.y;
    let stillAtEnd = 0;
    while (Date.now() < until) {
      const end = Math.max(doc.documentElement.scrollHeight, doc.body?.scrollHeight ?? 0) - view.innerHeight;
      if (view.scrollY >= end - 1) {
        if (++stillAtEnd > 2) break;
        await sleep(200);
        continue;
      }
      stillAtEnd = 0;
      view.scrollBy(0, Math.max(100, view.innerHeight));
      furthest = Math.max(furthest, view.scrollY);
      await sleep(120);
      await imagesSettled(doc, Math.min(600, until - Date.now()));
    }
    await sleep(150);
    view.scrollTo(start.x, start.y);
    return furthest;
  }

  // src/collector/srcset.ts
  var SPACE = /\s/;
  function parseSrcset(text) {
    const out = [];
    let i = 0;
    const n = text.length;
    while (i < n) {
      while (i < n && (SPACE.test(text[i]) || text[i] === ",")) i++;
      if (i >= n) break;
      let j = i;
      while (j < n && !SPACE.test(text[j])) j++;
      let url = text.slice(i, j);
      i = j;
      let descText = "";
      if (url.endsWith(",")) {
        url = url.replace(/,+$/, "");
      } else {
        let depth = 0;
        while (i < n) {
          const ch = text[i];
          if (ch === "(") depth++;
          else if (ch === ")") depth = Math.max(0, depth - 1);
          else if (ch === "," && depth === 0) break;
          descText += ch;
          i++;
        }
      }
      if (url) out.push(withDescriptor(url, descText));
    }
    return out;
  }
  function withDescriptor(url, text) {
    for (const d of text.trim().split(/\s+/)) {
      const m = /^(\d+(?:\.\d+)?)([wx])$/i.exec(d);
      if (!m) continue;
      const v = Number(m[1]);
      if (!(v > 0)) continue;
      return { url, descriptor: m[2].toLowerCase() === "w" ? { width: Math.round(v) } : { density: v } };
    }
    return { url };
  }
  function parseCssImages(value) {
    const out = [];
    if (!value || value === "none") return out;
    let set = -1;
    let setDepth = -1;
    let depth = 0;
    let i = 0;
    while (i < value.length) {
      const rest = value.slice(i);
      const setMatch = /^(?:-webkit-)?image-set\(/i.exec(rest);
      if (setMatch) {
        set++;
        setDepth = depth;
        depth++;
        i += setMatch[0].length;
        continue;
      }
      if (/^url\(/i.test(rest)) {
        const { url, end } = readUrl(value, i + 4);
        i = end;
        if (!url) continue;
        if (setDepth >= 0) out.push({ url, set, density: densityAfter(value.slice(i)) });
        else out.push({ url });
        continue;
      }
      if (setDepth >= 0 && (rest[0] === '"' || rest[0] === "'")) {
        const { text, end } = readString(value, i);
        i = end;
        if (text) out.push({ url: text, set, density: densityAfter(value.slice(i)) });
        continue;
      }
      const ch = value[i];
      if (ch === "(") depth++;
      else if (ch === ")") {
        depth--;
        if (depth === setDepth) setDepth = -1;
      }
      i++;
    }
    return out;
  }
  function readUrl(value, start) {
    let i = start;
    while (i < value.length && SPACE.test(value[i])) i++;
    if (value[i] === '"' || value[i] === "'") {
      const { text, end } = readString(value, i);
      const close2 = value.indexOf(")", end);
      return { url: text, end: close2 < 0 ? value.length : close2 + 1 };
    }
    const close = value.indexOf(")", i);
    const stop = close < 0 ? value.length : close;
    return { url: value.slice(i, stop).trim(), end: stop + 1 };
  }
  function readString(value, start) {
    const quote = value[start];
    let text = "";
    let i = start + 1;
    while (i < value.length && value[i] !== quote) {
      if (value[i] === "\\" && i + 1 < value.length) i++;
      text += value[i];
      i++;
    }
    return { text, end: i + 1 };
  }
  function densityAfter(rest) {
    const m = /^\s*(?:type\([^)]*\)\s*)?(\d+(?:\.\d+)?)(x|dppx|dpi|dpcm)/i.exec(rest);
    if (!m) return 1;
    const v = Number(m[1]);
    switch (m[2].toLowerCase()) {
      case "dpi":
        return v / 96;
      case "dpcm":
        return v * 2.54 / 96;
      default:
        return v;
    }
  }

  // src/collector/elements.ts
  var SVG_NS = "http://www.w3.org/2000/svg";
  var XLINK_NS = "http://www.w3.org/1999/xlink";
  var LAZY_NAMES = /* @__PURE__ */ new Set([
    "src",
    "srcset",
    "original",
    "lazy",
    "lazySrc",
    "lazySrcset",
    "lazyload",
    "echo",
    "bg",
    "background",
    "backgroundImage",
    "image",
    "img",
    "hiRes",
    "hires",
    "large",
    "full",
    "zoomImage",
    "zoom",
    "originalSrc",
    "fullSrc",
    "largeSrc",
    "srcRetina",
    "retina",
    "defer",
    "deferSrc",
    "actualsrc"
  ]);
  var FULL_SIZE = /^(?:zoom|large|full|hires|hiRes|original(?:Src|Url)?$|big|highres)/;
  function sizeOf(el) {
    if (el.localName === "img") {
      const img2 = el;
      if (img2.complete && img2.naturalWidth > 0 && !img2.srcset) return { width: img2.naturalWidth, height: img2.naturalHeight };
      if (img2.srcset) return {};
    }
    const w = Number(el.getAttribute("width"));
    const h = Number(el.getAttribute("height"));
    return {
      width: Number.isInteger(w) && w > 0 ? w : void 0,
      height: Number.isInteger(h) && h > 0 ? h : void 0
    };
  }
  function addSrcset(found, kind, text, base, group, extra = {}) {
    if (!text) return;
    for (const e of parseSrcset(text)) found.add(kind, e.url, base, group, { ...extra, descriptor: e.descriptor });
  }
  function addLazy(found, el, base, group) {
    const data = el.dataset;
    if (!data) return;
    for (const [name, value] of Object.entries(data)) {
      if (!value || value.length > 4096) continue;
      const known = LAZY_NAMES.has(name);
      const fullSize = FULL_SIZE.test(name);
      if (/srcset$/i.test(name) || known && /\s\d+(?:\.\d+)?[wx]\s*(?:,|$)/.test(value)) {
        addSrcset(found, "lazy", value, base, group);
        continue;
      }
      const css = parseCssImages(value);
      const raw = css.length > 0 ? css[0].url : value;
      const url = resolveUrl(raw, base);
      if (!url) continue;
      const plausible = known || fullSize ? !/\s/.test(raw.trim()) && !isSurelyNotImage(url) : isImageUrl(url);
      if (!plausible) continue;
      found.add("lazy", url, base, group, fullSize ? { full_size: true } : {});
    }
  }
  function linkAround(el, base) {
    const a = el.closest("a[href]");
    if (!a) return void 0;
    const url = resolveUrl(a.getAttribute("href"), base);
    return url && isImageUrl(url) ? url : void 0;
  }
  function img(found, el, base) {
    const g = found.group(el);
    const alt = el.getAttribute("alt") ?? void 0;
    const size2 = sizeOf(el);
    if (el.currentSrc) found.add("img", el.currentSrc, base, g, { alt, ...size2 });
    const src = el.getAttribute("src");
    if (src) found.add("img", src, base, g, { alt, ...resolveUrl(src, base) === el.currentSrc ? size2 : {} });
    addSrcset(found, "srcset", el.getAttribute("srcset"), base, g, { alt });
    const picture = el.parentElement;
    if (picture?.localName === "picture") {
      for (const source of picture.querySelectorAll(":scope > source")) {
        const mime = source.getAttribute("type") ?? void 0;
        addSrcset(found, "picture", source.getAttribute("srcset"), base, g, { alt, mime });
        addSrcset(found, "lazy", source.getAttribute("data-srcset"), base, g, { alt, mime });
      }
    }
    addLazy(found, el, base, g);
    const link = linkAround(el, base);
    if (link) found.add("link", link, base, g, { alt, full_size: true });
  }
  function backgrounds(found, el, view) {
    for (const pseudo of [null, "::before", "::after"]) {
      let style;
      try {
        style = view.getComputedStyle(el, pseudo);
      } catch {
        continue;
      }
      const values = [style.backgroundImage];
      if (pseudo) values.push(style.content);
      for (const value of values) {
        if (!value || value === "none" || !value.includes("url(")) continue;
        let n = 0;
        for (const u of parseCssImages(value)) {
          const base = el.ownerDocument.baseURI;
          const part = `${pseudo ?? ""}:${value === style.content ? "content" : "bg"}:`;
          if (u.set === void 0) {
            found.add("background", u.url, base, found.group(el, `${part}${n++}`));
          } else {
            found.add("background", u.url, base, found.group(el, `${part}set${u.set}`), { descriptor: { density: u.density ?? 1 } });
          }
        }
      }
    }
  }
  function video(found, el, base) {
    const posterRaw = el.getAttribute("poster");
    if (posterRaw) found.add("poster", posterRaw, base, found.group(el), sizeOf(el));
    const poster = resolveUrl(posterRaw, base);
    const extra = { poster, duration: el.duration };
    const kindOf = (raw, type) => {
      if (type && /mpegurl/i.test(type)) return "hls";
      const url = resolveUrl(raw, base);
      return url && videoKind(url) || "file";
    };
    const src = el.getAttribute("src");
    found.addVideo(src, base, kindOf(src, null), "video", extra);
    for (const source of el.querySelectorAll(":scope > source")) {
      const s = source.getAttribute("src");
      found.addVideo(s, base, kindOf(s, source.getAttribute("type")), "source", extra);
    }
    const current = el.currentSrc;
    found.addVideo(current, base, kindOf(current, null), "video", extra);
    if (/^blob:/i.test(current) || /^blob:/i.test(src ?? "") || el.srcObject) found.msePlayer(el, poster);
  }
  function meta(found, el, base) {
    const key = (el.getAttribute("property") ?? el.getAttribute("name") ?? "").toLowerCase();
    if (/^og:image(?::url|:secure_url)?$/.test(key)) found.add("open-graph", el.content, base, found.group(el));
    else if (/^twitter:image(?::src)?$/.test(key)) found.add("twitter", el.content, base, found.group(el));
  }
  function canvas(found, el, base) {
    if (el.width === 0 || el.height === 0) return;
    try {
      found.add("canvas", el.toDataURL("image/png"), base, found.group(el), { width: el.width, height: el.height });
    } catch {
    }
  }
  function visit(found, el, view, options) {
    const base = el.ownerDocument.baseURI;
    const name = el.localName;
    if (el.namespaceURI === SVG_NS) {
      if (name === "image" || name === "feImage") {
        const href = el.getAttribute("href") ?? el.getAttributeNS(XLINK_NS, "href");
        found.add("svg", href, base, found.group(el), sizeOf(el));
      }
    } else {
      switch (name) {
        case "img":
          img(found, el, base);
          break;
        case "video":
          video(found, el, base);
          break;
        case "input":
          if (el.type === "image") found.add("input", el.getAttribute("src"), base, found.group(el), { alt: el.getAttribute("alt") ?? void 0 });
          break;
        case "meta":
          meta(found, el, base);
          break;
        case "link":
          if (/(?:^|\s)image_src(?:\s|$)/i.test(el.getAttribute("rel") ?? "")) found.add("image-src", el.getAttribute("href"), base, found.group(el));
          break;
        case "a": {
          if (el.querySelector("img")) break;
          const url = resolveUrl(el.getAttribute("href"), base);
          if (url && isImageUrl(url)) found.add("link", url, base, found.group(el), { full_size: true });
          break;
        }
        case "canvas":
          if (options.canvas) canvas(found, el, base);
          break;
      }
      if (name !== "img" && el.dataset && Object.keys(el.dataset).length > 0) {
        addLazy(found, el, base, found.group(el, "data"));
      }
    }
    backgrounds(found, el, view);
  }

  // src/collector/walk.ts
  function walk(found, root, view, options) {
    const doc = root.nodeType === Node.DOCUMENT_NODE ? root : root.ownerDocument;
    const it = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let node = it.nextNode(); node; node = it.nextNode()) {
      if (!found.tick()) return;
      const el = node;
      visit(found, el, view, options);
      const shadow = el.shadowRoot;
      if (shadow) walk(found, shadow, view, options);
      if (el.localName === "iframe" || el.localName === "frame") {
        let inner = null;
        try {
          inner = el.contentDocument;
        } catch {
          inner = null;
        }
        const innerView = inner?.defaultView;
        if (inner && innerView && inner.documentElement) {
          found.frames++;
          walk(found, inner, innerView, options);
          resources(found, innerView);
        }
      }
    }
  }

  // src/collector/index.ts
  var DEFAULT_MAX_ELEMENTS = 2e4;
  var DEFAULT_TIME_MS = 5e3;
  var DEFAULT_SCROLL_MS = 8e3;
  function pass(found, options) {
    walk(found, document, window, options);
    resources(found, window);
  }
  var collector = {
    async collect(options = {}) {
      const budget = options.timeMs ?? DEFAULT_TIME_MS;
      const found = new Found(options.maxElements ?? DEFAULT_MAX_ELEMENTS, Date.now() + budget);
      pass(found, options);
      let scrolledTo;
      if (options.autoScroll) {
        scrolledTo = await autoScroll(window, options.scrollTimeMs ?? DEFAULT_SCROLL_MS);
        found.nextPass(Date.now() + budget);
        pass(found, options);
        return result(found, true, scrolledTo);
      }
      return result(found, false, scrolledTo);
    }
  };
  function result(found, scrolled, scrolledTo) {
    const r = {
      pageUrl: location.href,
      title: document.title,
      candidates: found.candidates,
      frames: found.frames,
      scrolled,
      elements: found.elements,
      videos: found.videoReport()
    };
    if (scrolledTo !== void 0) r.scrolledTo = scrolledTo;
    if (found.stopped) r.stopped = found.stopped;
    return r;
  }
  globalThis.imagoCollector = collector;
})();
