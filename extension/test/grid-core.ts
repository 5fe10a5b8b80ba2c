// The real core for unit tests: the Node build of crates/imago-wasm (scripts/build-wasm-pkg.sh
// makes it next to the web one), so names, probes and filters are the core's, not a fake's.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(here, '../../crates/imago-wasm/pkg/node/imago_wasm.js');

/** The core's functions, typed as the web build declares them. */
export const core = createRequire(import.meta.url)(pkg) as typeof import('imago-wasm');
