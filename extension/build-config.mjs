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

/** EasyList and EasyPrivacy where Debian's uBlock Origin packages install them, one package
 * a paragraph: the file `imago list` reads them from too (crates/imago-engine). */
function debianLists() {
  const text = fs.readFileSync(path.join(root, '../crates/imago-engine/src/debian_lists.txt'), 'utf8');
  return text
    .split('\n\n')
    .map((para) => para.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')))
    .filter((files) => files.length > 0);
}

/** The ad/tracker list files the extension ships: those of `IMAGO_FILTER_LISTS` (split
 * like PATH), else Debian's EasyList + EasyPrivacy. `null` when neither is there. */
export function adListFiles(env = process.env) {
  const named = (env.IMAGO_FILTER_LISTS ?? '').split(path.delimiter).filter((p) => p !== '');
  if (named.length > 0) return named;
  return debianLists().find((files) => files.every((p) => fs.existsSync(p))) ?? null;
}
