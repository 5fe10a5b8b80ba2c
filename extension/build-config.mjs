// What `npm run build` bundles, shared with the test that checks the committed copy of
// the collector (generated/collector.js, embedded by `imago grab --render`) is fresh.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.dirname(fileURLToPath(import.meta.url));
export const wasmPkg = path.resolve(root, '../crates/imago-wasm/pkg/web');

const common = {
  bundle: true,
  target: 'chrome120',
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'warning',
  alias: { 'imago-wasm': path.join(wasmPkg, 'imago_wasm.js') },
};

/** The collector: one classic script (an IIFE) that defines `globalThis.imagoCollector`,
 * injected by the extension with chrome.scripting and by `imago grab --render` over the
 * DevTools protocol. Not minified, so a reader can check what runs in their pages. */
export const collector = {
  ...common,
  entryPoints: [path.join(root, 'src/collector/index.ts')],
  format: 'iife',
};

/** The extension's own pages and service worker: ES modules. */
export const modules = {
  ...common,
  entryPoints: {
    background: path.join(root, 'src/background/index.ts'),
    grid: path.join(root, 'src/grid/index.ts'),
    options: path.join(root, 'src/options/index.ts'),
    popup: path.join(root, 'src/popup/index.ts'),
  },
  format: 'esm',
  sourcemap: 'linked',
};

/** EasyList and EasyPrivacy where Debian's uBlock Origin packages install them (the same
 * files `imago list` reads by default, see crates/imago-engine/src/filter_lists.rs). */
const DEBIAN_LISTS = [
  [
    '/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easylist.txt',
    '/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easyprivacy.txt',
  ],
  [
    '/usr/share/mozilla/extensions/{ec8030f7-c20a-464f-9b0e-13a3a9e97384}/uBlock0@raymondhill.net/assets/thirdparties/easylist/easylist.txt',
    '/usr/share/mozilla/extensions/{ec8030f7-c20a-464f-9b0e-13a3a9e97384}/uBlock0@raymondhill.net/assets/thirdparties/easylist/easyprivacy.txt',
  ],
];

/** The ad/tracker list files the extension ships: those of `IMAGO_FILTER_LISTS` (split
 * like PATH), else Debian's EasyList + EasyPrivacy. `null` when neither is there. */
export function adListFiles(env = process.env) {
  const named = (env.IMAGO_FILTER_LISTS ?? '').split(path.delimiter).filter((p) => p !== '');
  if (named.length > 0) return named;
  return DEBIAN_LISTS.find((pair) => pair.every((p) => fs.existsSync(p))) ?? null;
}
