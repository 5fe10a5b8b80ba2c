#!/usr/bin/env bash
# Installs what the tests need when it is missing, so a fresh Debian machine with the Rust
# toolchain runs every test. Only the package managers' normal clients are used.
set -euo pipefail

need_apt=()
# The WebAssembly build of imago-core (see scripts/build-wasm.sh): Debian's Rust with its
# std sources, unless rustup already has the wasm32 target.
if ! (command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown); then
  [ -x /usr/bin/cargo ] && [ -d /usr/lib/rustlib/src/rust/library ] || need_apt+=(rustc-web cargo-web rust-web-src)
  command -v wasm-ld-22 >/dev/null || need_apt+=(lld-22)
fi
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
# The browser tests of the upload page (driven by playwright-core, which downloads none).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# The PostgreSQL suites (scripts/services/postgres.sh starts a throwaway cluster).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# The video tests of imago serve (poster frames, duration, metadata) run the real ffmpeg.
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || need_apt+=(ffmpeg)
command -v rustfmt >/dev/null || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-test-deps: please install as root: apt-get install ${need_apt[*]}" >&2
    exit 2
  fi
  echo "install-test-deps: apt-get install ${need_apt[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}" >/dev/null
fi
echo "install-test-deps: ok"
