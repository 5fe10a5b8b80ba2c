// What `npm run build` bundles, shared with the test that checks the committed copy of
// the collector (generated/collector.js, embedded by `imago grab --render`) is fresh.
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
