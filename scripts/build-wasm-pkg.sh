#!/usr/bin/env bash
# Builds the browser extension's WebAssembly core: crates/imago-wasm for wasm32 (through
# scripts/build-wasm.sh, which uses rustup's target or falls back to Debian's rustc-web),
# then wasm-bindgen writes the JavaScript glue and the TypeScript types:
#   crates/imago-wasm/pkg/web/   ES module for the extension (--target web)
#   crates/imago-wasm/pkg/node/  CommonJS module for the Node test (--target nodejs)
#
# Usage: scripts/build-wasm-pkg.sh           build both
#        scripts/build-wasm-pkg.sh --test    build both, then run the wasm-bindgen tests
#                                            (crates/imago-wasm/tests/wasm.rs) under Node
set -euo pipefail
cd "$(dirname "$0")/.."

run_tests=false
case "${1:-}" in
  --test) run_tests=true ;;
  "") ;;
  *) echo "usage: scripts/build-wasm-pkg.sh [--test]" >&2; exit 2 ;;
esac

# wasm-bindgen-cli reads a private format the wasm-bindgen crate writes into the .wasm:
# the two must be the same version, the one Cargo.lock holds.
version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$version" ]; then
  echo "build-wasm-pkg: no wasm-bindgen in Cargo.lock" >&2
  exit 2
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$version" ]; then
  echo "build-wasm-pkg: installing wasm-bindgen-cli $version (found: ${have:-none}); it builds from crates.io in a few minutes" >&2
  # --locked builds what the release was tested with; a registry mirror that lacks one of
  # those exact versions makes it fail, and then the newest compatible versions will do.
  if ! cargo install wasm-bindgen-cli --version "$version" --locked; then
    echo "build-wasm-pkg: --locked failed (a pinned dependency is missing from the registry); retrying unlocked" >&2
    cargo install wasm-bindgen-cli --version "$version"
  fi
fi

# Where scripts/build-wasm.sh puts the .wasm: the same choice of route it makes.
if command -v rustup >/dev/null 2>&1 &&
   rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  route=rustup
  target_dir=${CARGO_TARGET_DIR:-target}
else
  route=debian
  target_dir=${CARGO_TARGET_DIR:-target/wasm-debian}
fi

start=$SECONDS
scripts/build-wasm.sh imago-wasm --quiet
wasm=$target_dir/wasm32-unknown-unknown/release/imago_wasm.wasm
pkg=crates/imago-wasm/pkg
rm -rf "$pkg/web" "$pkg/node"
wasm-bindgen --target web --out-dir "$pkg/web" "$wasm"
wasm-bindgen --target nodejs --out-dir "$pkg/node" "$wasm"
echo "build-wasm-pkg: $pkg/web and $pkg/node ($(wc -c <"$pkg/web/imago_wasm_bg.wasm") bytes of wasm, $((SECONDS - start)) s)"

$run_tests || exit 0

# The wasm-bindgen tests: cargo runs each test binary through wasm-bindgen-test-runner
# (installed with wasm-bindgen-cli), which runs it under Node.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
if [ "$route" = rustup ]; then
  exec cargo test --release --target wasm32-unknown-unknown -p imago-wasm --test wasm
fi
# Debian's route, as in scripts/build-wasm.sh; `test` joins the crates built from source
# because a test binary links libtest.
linker=""
for c in wasm-ld /usr/bin/wasm-ld-* /usr/lib/llvm-*/bin/wasm-ld; do
  if command -v "$c" >/dev/null 2>&1; then linker=$(command -v "$c"); break; fi
done
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$target_dir
if [ -n "$linker" ]; then
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$linker"
fi
exec /usr/bin/cargo test --release --target wasm32-unknown-unknown \
  -Zbuild-std=std,panic_abort,test -p imago-wasm --test wasm
