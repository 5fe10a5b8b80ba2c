#!/usr/bin/env bash
# Real photos for the search tests and benchmarks: the ones the scikit-image wheel ships
# under skimage/data/ (astronaut, coffee, chelsea, rocket, ...; their licences are in the
# wheel's skimage/data/README.txt and the package's documentation), taken from PyPI with
# pip at setup, never committed. Prints the folder they are in.
#   scripts/fetch-photos.sh            -> target/photos/skimage
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/target/photos/skimage"
version=0.26.0
if [ ! -f "$out/.done-$version" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  # Debian's python3 has no pip of its own; a venv has one.
  pip=(python3 -m pip)
  if ! python3 -m pip --version >/dev/null 2>&1; then
    venv="$root/target/photos/venv"
    [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
    pip=("$venv/bin/pip")
  fi
  "${pip[@]}" download -q --no-deps --only-binary=:all: --dest "$tmp" "scikit-image==$version" >&2
  mkdir -p "$out"
  python3 - "$tmp" "$out" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
wheel = next(f for f in os.listdir(src) if f.endswith(".whl"))
with zipfile.ZipFile(os.path.join(src, wheel)) as z:
    for info in z.infolist():
        name = info.filename
        if name.startswith("skimage/data/") and name.rsplit(".", 1)[-1] in ("png", "jpg", "txt"):
            with open(os.path.join(out, os.path.basename(name)), "wb") as f:
                f.write(z.read(info))
PY
  touch "$out/.done-$version"
fi
echo "$out"
