#!/usr/bin/env bash
# Installs what building imago needs beside the Rust toolchain and a C compiler, when it
# is missing. Called by ./run before it builds and by install-test-deps.sh.
#
# - cmake and nasm: the libjpeg-turbo 3 bundled by the `turbojpeg` crate (imago-media's
#   JPEG codec; Debian 12 ships libjpeg-turbo 2.1, whose API the crate does not bind), and
#   the libheif 1.23 bundled by `libheif-rs` (Debian 12 ships 1.15, older than any
#   binding).
# - pkg-config and the codec libraries libheif is built against: libde265 (HEVC, to read
#   HEIC), dav1d (AV1, to read AVIF), and x265 and aom (HEVC and AV1 encoders: libheif
#   writes AVIF with aom and the HEIC fixtures of the tests with x265),
#   and libnuma, which the static link of x265 names.
set -euo pipefail

need_apt=()
command -v cmake >/dev/null || need_apt+=(cmake)
command -v nasm >/dev/null || need_apt+=(nasm)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
# pkg-config module, then the Debian package that provides it.
for pair in libde265:libde265-dev dav1d:libdav1d-dev x265:libx265-dev numa:libnuma-dev aom:libaom-dev; do
  pkg-config --exists "${pair%%:*}" 2>/dev/null || need_apt+=("${pair#*:}")
done
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
