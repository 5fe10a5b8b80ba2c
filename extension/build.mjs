// Builds the unpacked extension into dist/: bundles the TypeScript with esbuild, copies the
// pages, the locales, the manifest and the WebAssembly core (crates/imago-wasm/pkg/web, made
// by scripts/build-wasm-pkg.sh), and refreshes generated/collector.js.
//
// Usage: node build.mjs            (npm run build)
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { root, wasmPkg, collector, modules } from './build-config.mjs';

const dist = path.join(root, 'dist');
const wasmFile = path.join(wasmPkg, 'imago_wasm_bg.wasm');
if (!fs.existsSync(wasmFile)) {
  console.error(`build: ${wasmFile} is missing; build the core first: scripts/build-wasm-pkg.sh`);
  process.exit(2);
}

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(path.join(dist, 'wasm'), { recursive: true });

await esbuild.build({ ...collector, outfile: path.join(dist, 'collector.js') });
await esbuild.build({ ...modules, outdir: dist });

// `imago grab --render` embeds this copy (Rust's include_str! cannot run npm); the unit
// test generated.test.ts fails when it differs from a fresh build.
fs.copyFileSync(path.join(dist, 'collector.js'), path.join(root, 'generated/collector.js'));

for (const f of fs.readdirSync(path.join(root, 'static'))) {
  fs.copyFileSync(path.join(root, 'static', f), path.join(dist, f));
}
fs.cpSync(path.join(root, '_locales'), path.join(dist, '_locales'), { recursive: true });
fs.copyFileSync(path.join(root, 'manifest.json'), path.join(dist, 'manifest.json'));
fs.copyFileSync(wasmFile, path.join(dist, 'wasm/imago_wasm_bg.wasm'));

const size = (f) => fs.statSync(path.join(dist, f)).size;
console.log(
  `build: dist/ (collector.js ${size('collector.js')} B, grid.js ${size('grid.js')} B, ` +
    `wasm ${size('wasm/imago_wasm_bg.wasm')} B)`,
);
