// Builds the unpacked extension into dist/: bundles the TypeScript with esbuild, copies the
// pages, the locales, the manifest, the WebAssembly core (crates/imago-wasm/pkg/web, made
// by scripts/build-wasm-pkg.sh) and the ad/tracker lists, and refreshes
// generated/collector.js.
//
// Usage: node build.mjs            (npm run build)      the extension users load
//        node build.mjs --e2e      (npm run build:e2e)  dist-e2e/: the same, plus the hooks
//                                                       the browser tests drive (statements
//                                                       labelled `E2E:`, dropped from dist/)
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { root, wasmPkg, collector, modules, adListFiles } from './build-config.mjs';

const e2e = process.argv.includes('--e2e');
const dist = path.join(root, e2e ? 'dist-e2e' : 'dist');
const wasmFile = path.join(wasmPkg, 'imago_wasm_bg.wasm');
if (!fs.existsSync(wasmFile)) {
  console.error(`build: ${wasmFile} is missing; build the core first: scripts/build-wasm-pkg.sh`);
  process.exit(2);
}

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(path.join(dist, 'wasm'), { recursive: true });

await esbuild.build({ ...collector, outfile: path.join(dist, 'collector.js') });
await esbuild.build({ ...modules, outdir: dist, dropLabels: e2e ? [] : ['E2E'] });

// `imago grab --render` embeds this copy (Rust's include_str! cannot run npm); the unit
// test generated.test.ts fails when it differs from a fresh build.
if (!e2e) fs.copyFileSync(path.join(dist, 'collector.js'), path.join(root, 'generated/collector.js'));

for (const f of fs.readdirSync(path.join(root, 'static'))) {
  fs.copyFileSync(path.join(root, 'static', f), path.join(dist, f));
}
// locales/<lang>/<surface>.json are merged into _locales/<lang>/messages.json, so each
// surface keeps its own strings; a key defined twice is a build error, not a silent win.
for (const lang of fs.readdirSync(path.join(root, 'locales'))) {
  const merged = {};
  for (const f of fs.readdirSync(path.join(root, 'locales', lang)).sort()) {
    const part = JSON.parse(fs.readFileSync(path.join(root, 'locales', lang, f), 'utf8'));
    for (const [k, v] of Object.entries(part)) {
      if (k in merged) {
        console.error(`build: locales/${lang}/${f}: "${k}" is already defined by another file`);
        process.exit(2);
      }
      merged[k] = v;
    }
  }
  fs.mkdirSync(path.join(dist, '_locales', lang), { recursive: true });
  fs.writeFileSync(path.join(dist, '_locales', lang, 'messages.json'), JSON.stringify(merged, null, 1));
}
fs.copyFileSync(path.join(root, 'manifest.json'), path.join(dist, 'manifest.json'));
fs.copyFileSync(wasmFile, path.join(dist, 'wasm/imago_wasm_bg.wasm'));

// The ad/tracker lists the grid matches with the core's engine (src/shared/adlists.ts):
// shipped inside the extension, so matching never asks anyone. lists/index.json names them.
const lists = adListFiles();
if (!lists) {
  console.error(
    'build: no ad/tracker lists: install EasyList and EasyPrivacy with ' +
      '`apt-get install webext-ublock-origin-chromium` (scripts/install-test-deps.sh does), ' +
      'or name list files in IMAGO_FILTER_LISTS (separated by ' + JSON.stringify(path.delimiter) + ')',
  );
  process.exit(2);
}
fs.mkdirSync(path.join(dist, 'lists'));
const listNames = [];
for (const file of lists) {
  const name = path.basename(file);
  if (listNames.includes(name)) {
    console.error(`build: two ad/tracker lists are named ${name}; rename one`);
    process.exit(2);
  }
  fs.copyFileSync(file, path.join(dist, 'lists', name));
  listNames.push(name);
}
fs.writeFileSync(path.join(dist, 'lists/index.json'), JSON.stringify(listNames));

const size = (f) => fs.statSync(path.join(dist, f)).size;
console.log(
  `build: ${path.basename(dist)}/ (collector.js ${size('collector.js')} B, grid.js ${size('grid.js')} B, ` +
    `wasm ${size('wasm/imago_wasm_bg.wasm')} B, lists ${listNames.map((n) => `${n} ${size(`lists/${n}`)} B`).join(', ')})`,
);
