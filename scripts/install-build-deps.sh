#!/usr/bin/env bash
# Installs what building imago needs beside the Rust toolchain and a C compiler, when it
# is missing: cmake and nasm, which build the libjpeg-turbo 3 bundled by the `turbojpeg`
# crate (imago-media's JPEG decoder; Debian 12 ships libjpeg-turbo 2.1, whose API the
# crate does not bind). Called by ./run before it builds and by install-test-deps.sh.
set -euo pipefail

need_apt=()
command -v cmake >/dev/null || need_apt+=(cmake)
command -v nasm >/dev/null || need_apt+=(nasm)
if [ ${#need_apt[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-build-deps: building imago needs these; please install as root: apt-get install ${need_apt[*]}" >&2
  exit 2
fi
echo "install-build-deps: apt-get install ${need_apt[*]}" >&2
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}" >/dev/null
