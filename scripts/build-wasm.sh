#!/usr/bin/env bash
# Builds a crate for wasm32-unknown-unknown.
#
# Why two routes: on a normal developer machine `rustup target add wasm32-unknown-unknown`
# gives a prebuilt standard library and a plain `cargo build --target` works. On the
# project's build machines rustup cannot download that target, so we fall back to
# Debian's Rust (packages rustc-web, cargo-web, rust-web-src, lld-22) and build the standard
# library from source with -Zbuild-std (RUSTC_BOOTSTRAP lets that stable compiler accept it).
#
# Usage: scripts/build-wasm.sh <crate> [extra cargo args...]
set -euo pipefail
crate=${1:?usage: scripts/build-wasm.sh <crate> [cargo args...]}
shift
cd "$(dirname "$0")/.."

if command -v rustup >/dev/null 2>&1 &&
   rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "build-wasm: rustup's wasm32 target" >&2
  exec cargo build --release --target wasm32-unknown-unknown -p "$crate" "$@"
fi

if [ ! -x /usr/bin/cargo ] || [ ! -d /usr/lib/rustlib/src/rust/library ]; then
  echo "build-wasm: no wasm32 target: run 'rustup target add wasm32-unknown-unknown', or as root" >&2
  echo "            scripts/install-test-deps.sh (Debian's rustc-web cargo-web rust-web-src lld-22)" >&2
  exit 2
fi

# Debian's lld is versioned (lld-22 installs `wasm-ld-22`); point rustc at it.
linker=""
for c in wasm-ld /usr/bin/wasm-ld-* /usr/lib/llvm-*/bin/wasm-ld; do
  if command -v "$c" >/dev/null 2>&1; then linker=$(command -v "$c"); break; fi
done
echo "build-wasm: Debian's $(/usr/bin/rustc --version) with -Zbuild-std${linker:+, linker $linker}" >&2
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
# A separate target dir: the two compilers' artifacts must not mix.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/wasm-debian}
if [ -n "$linker" ]; then
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$linker"
fi
exec /usr/bin/cargo build --release --target wasm32-unknown-unknown \
  -Zbuild-std=std,panic_abort -p "$crate" "$@"
