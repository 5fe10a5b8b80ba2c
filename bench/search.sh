#!/usr/bin/env bash
# Benchmark (7), not a test: fingerprint speed of `imago index` against Python's
# `imagehash` (PyPI, with Pillow decoding) on the same 800-pixel JPEGs, one core each, in
# one run (issue 12's goal: >= 250 pictures per second per core, decode included, and
# >= 20x imagehash).
#
# The JPEGs are made once from the scikit-image wheel's photos (scripts/fetch-photos.sh):
# each photo scaled to 800 px on its longer side, then shifted and cropped a few pixels
# per copy so every file is its own picture, quality 85. imago runs `index -j 1` into a
# new index (decode, orientation, grey, trim, pHash and PDQ of the picture and of its
# trimmed self, SQLite writes); imagehash computes `phash` alone (decode included) in one
# process. Wall and CPU time from GNU time; ratios printed.
#
# Then the same index with the search model (the SSCD embedding, tract-onnx), and the same
# network under ONNX Runtime in Python (one thread, Pillow decoding and resizing) on the
# same files: embeddings per second per core.
#
# Then hash queries over 1 and 10 million stored codes (goal: median under 0.5 and 5 ms):
# crates/imago-search/examples/query_speed.rs, random codes and queries of eight
# orientations, multi-index hashing against the scan, and the memory per picture.
#
#   bench/search.sh            prints the table
#
# Environment:
#   IMAGO_BENCH_DIR   work folder (default /tmp/imago-bench)
#   IMAGO_BIN         the imago binary (default: cargo build --release -p imago-cli)
#   SEARCH_FILES      JPEGs to make (default 2000)
#   SEARCH_CODES      stored codes of the query part (default "1000000 10000000")
#   SEARCH_VECTORS    stored vectors of the HNSW part (default 20000): examples/vector_speed.rs,
#                     the graph's recall@10 against the exact scan, query times, memory
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/dirs.sh"
files=${SEARCH_FILES:-2000}
work=$dir/search
mkdir -p "$work"

imago=${IMAGO_BIN:-}
if [ -z "$imago" ]; then
  (cd "$root" && cargo build --release --quiet -p imago-cli)
  imago=${CARGO_TARGET_DIR:-$root/target}/release/imago
fi
photos=$("$root/scripts/fetch-photos.sh")
venv=$work/venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "ImageHash==4.3.2" "pillow==11.*"
fi
"$venv/bin/python" -c 'import onnxruntime' 2>/dev/null || "$venv/bin/pip" install -q "onnxruntime==1.32.0"
model=$("$root/scripts/fetch-model.sh")
command -v /usr/bin/time >/dev/null || { echo "search.sh: GNU time is missing: apt-get install time" >&2; exit 2; }

"$venv/bin/python" "$here/search_bench.py" "$imago" "$photos" "$work" "$files" "$model"
echo
(cd "$root" && cargo run --release --quiet -p imago-search --example query_speed -- ${SEARCH_CODES:-1000000 10000000})
echo
(cd "$root" && cargo run --release --quiet -p imago-search --example vector_speed -- ${SEARCH_VECTORS:-20000})
