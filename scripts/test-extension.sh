#!/usr/bin/env bash
# The browser extension: builds it from the WebAssembly package (scripts/build-wasm-pkg.sh
# must have run), type-checks and unit-tests the TypeScript, then loads the unpacked build
# into Debian's chromium (playwright-core, no browser download) against local pages.
#
# Usage: scripts/test-extension.sh
set -euo pipefail
cd "$(dirname "$0")/../extension"

command -v node >/dev/null && command -v npm >/dev/null || {
  echo "test-extension: node and npm are needed (apt-get install nodejs npm)" >&2
  exit 2
}
if [ ! -d node_modules/esbuild ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# The upload e2e (grid-actions, shell-image-menu, shell-screenshot) talk to a real imago serve.
(cd .. && cargo build --quiet -p imago-server --example serve_for_e2e)
# The grid saves through the real desktop helper, target/debug/imago native-host (e2e/grid-native).
(cd .. && cargo build --quiet -p imago-cli)
npm run --silent build
npm test
npm run --silent e2e
