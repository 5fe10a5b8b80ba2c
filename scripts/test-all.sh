#!/usr/bin/env bash
# Every test of the project, in the order that fails fastest: format, lints, the Rust
# tests (with real PostgreSQL and Garage for the storage suites), a short run of every
# fuzz target, the WebAssembly build
# of the pure core (it must stay free of I/O) and of the extension's adapter with its
# tests, then the upload page in a real Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

# What the tree looked like before: the run must leave it so (in CI, a clean clone, that
# is "nothing changed"). A build that rewrites a committed file, or a test that writes
# into the source tree, fails the run at the end.
tree_before=$(git status --porcelain 2>/dev/null || true)

step "install what the tests need (only what is missing)"
scripts/install-test-deps.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "start the real backends of the storage suites (PostgreSQL, Garage)"
trap 'scripts/services/down.sh >/dev/null 2>&1 || true' EXIT
# Not `eval "$(up.sh)"`: a failing command substitution inside eval is silently ignored.
if ! services_env=$(scripts/services/up.sh); then
  echo "test-all: scripts/services/up.sh failed: PostgreSQL or Garage did not start (its messages are above); the storage suites cannot run" >&2
  exit 1
fi
eval "$services_env"

step "cargo test"
cargo test --workspace --quiet --no-fail-fast 2>&1 | tee target/test.log
# Reprint the totals so the last lines of the run say what passed.
awk '/^test result:/ { split($0, a, /[ ;.]+/); for (i in a) { if (a[i] == "passed") p += a[i-1]; if (a[i] == "failed") f += a[i-1]; if (a[i] == "ignored") s += a[i-1] } }
     END { printf "rust: %d passed, %d failed, %d skipped\n", p, f, s }' target/test.log

step "fuzz targets: a short run of each (scripts/fuzz.sh smoke)"
scripts/fuzz.sh smoke

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

step "the run left the tree as it found it"
tree_after=$(git status --porcelain 2>/dev/null || true)
if [ "$tree_after" != "$tree_before" ]; then
  echo "test-all: the test run changed the tree (a build or a test writes into tracked files):" >&2
  diff <(printf '%s\n' "$tree_before") <(printf '%s\n' "$tree_after") >&2 || true
  exit 1
fi
if [ "${CI:-}" = true ] && [ -n "$tree_after" ]; then
  echo "test-all: CI runs on a clean clone, yet the tree is not clean:" >&2
  printf '%s\n' "$tree_after" >&2
  exit 1
fi
echo "tree: unchanged"
