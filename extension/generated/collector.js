"use strict";
(() => {
  // src/collector/index.ts
  function collectOnce(doc) {
    const out = [];
    let order = 0;
    doc.querySelectorAll("img").forEach((img, group) => {
      const url = img.currentSrc || img.src;
      if (url) out.push({ url, kind: "img", group, order: order++ });
    });
    return out;
  }
  var collector = {
    async collect(_options) {
      return {
        pageUrl: location.href,
        title: document.title,
        candidates: collectOnce(document),
        frames: 0,
        scrolled: false
      };
    }
  };
  globalThis.imagoCollector = collector;
})();
