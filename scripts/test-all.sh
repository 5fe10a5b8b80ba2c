#!/usr/bin/env bash
# Every test of the project, in the order that fails fastest: format, lints, the Rust
# tests (with real PostgreSQL and Garage for the storage suites), the WebAssembly build
# of the pure core (it must stay free of I/O) and of the extension's adapter with its
# tests, then the upload page in a real Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "install what the tests need (only what is missing)"
scripts/install-test-deps.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "start the real backends of the storage suites (PostgreSQL, Garage)"
eval "$(scripts/services/up.sh)"
trap 'scripts/services/down.sh >/dev/null 2>&1 || true' EXIT

step "cargo test"
cargo test --workspace --quiet --no-fail-fast 2>&1 | tee target/test.log
# Reprint the totals so the last lines of the run say what passed.
awk '/^test result:/ { split($0, a, /[ ;.]+/); for (i in a) { if (a[i] == "passed") p += a[i-1]; if (a[i] == "failed") f += a[i-1]; if (a[i] == "ignored") s += a[i-1] } }
     END { printf "rust: %d passed, %d failed, %d skipped\n", p, f, s }' target/test.log

step "imago-core builds for wasm32-unknown-unknown"
scripts/build-wasm.sh imago-core --quiet
echo "wasm32: imago-core built"

step "imago-wasm: the extension's package, and its wasm-bindgen tests under Node"
scripts/build-wasm-pkg.sh --test

step "imago-wasm: the built package from JavaScript"
node --test crates/imago-wasm/js-test/

step "imago serve: the web page in Chromium"
scripts/e2e-web.sh

step "the browser extension: build, unit tests, Chromium e2e"
scripts/test-extension.sh
