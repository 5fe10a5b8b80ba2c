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

# The upload e2e (grid-actions, shell-image-menu, shell-screenshot) talk to a real imago
# serve; the grid saves through the real desktop helper, target/debug/imago native-host
# (e2e/grid-native). Built with --workspace so the features match `cargo test --workspace`
# and nothing already built for the tests is compiled again.
(cd .. && cargo build --quiet --workspace --example serve_for_e2e --bin imago)
# Unit tests first: one of them checks that the committed generated/collector.js is what
# src/collector builds to, and the build below rewrites that file, so after it the check
# would compare the build with itself.
npm test
npm run --silent build
npm run --silent build:e2e
# The store build must not carry the tests' hooks (they are only in dist-e2e/).
if grep -q 'imagoShell\|imagoMenus' dist/background.js; then
  echo "test-extension: dist/background.js carries the end-to-end hooks (imagoShell/imagoMenus)" >&2
  exit 1
fi
npm run --silent e2e
