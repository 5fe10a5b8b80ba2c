#!/usr/bin/env bash
# (8) Accuracy of search by image, built like thorn's `perception` benchmark: recall per
# edit at the threshold giving 99.99% precision on unrelated pairs, for imago's pHash,
# PDQ, embedding and combined ranking, and for Python's imagehash and perception on the
# same pairs in the same run. A benchmark, not a test: one run, a table printed.
#
#   bench/accuracy.sh [OUT.md]         all photos (scripts/fetch-bench-photos.sh)
#   ACCURACY_LIMIT=40 bench/accuracy.sh  the first 40 photos only
#
# Needs the search model (scripts/fetch-model.sh) and builds
# `cargo build --release -p imago-search --example accuracy`. Python packages go into a
# venv under target/ (Debian's python3 has no pip): imagehash, perception and pdqhash
# (perception's PDQ; it builds from source, a C++ compiler is needed), Pillow, numpy.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out_md="${1:-}"
work="${ACCURACY_DIR:-$root/target/bench-accuracy}"
limit="${ACCURACY_LIMIT:-}"
threads="${ACCURACY_THREADS:-2}"
started=$(date +%s)

model="$(scripts/fetch-model.sh)"
photos="$(scripts/fetch-bench-photos.sh)/photos"

venv="$root/target/bench-venv/accuracy"
[ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import imagehash, perception, pdqhash, PIL, numpy' 2>/dev/null ||
  "$venv/bin/pip" install -q imagehash perception pdqhash pillow numpy >&2
py="$venv/bin/python"

if [ -z "${IMAGO_ACCURACY_BIN:-}" ]; then
  cargo build -q --release -p imago-search --example accuracy
  IMAGO_ACCURACY_BIN="$root/target/release/examples/accuracy"
fi

# ACCURACY_REUSE=1 keeps the edits and the Python hashers' codes of an earlier run.
[ -n "${ACCURACY_REUSE:-}" ] || rm -rf "$work"
mkdir -p "$work"
t0=$(date +%s)
[ -d "$work/pictures" ] || "$py" bench/accuracy_bench.py edits "$photos" "$work/pictures" $limit
t1=$(date +%s)
IMAGO_MODEL="$model" "$IMAGO_ACCURACY_BIN" "$work/pictures" "$work/imago.tsv" "$threads"
t2=$(date +%s)
[ -s "$work/python.tsv" ] || "$py" bench/accuracy_bench.py hash "$work/pictures" "$work/python.tsv"
t3=$(date +%s)
{
  echo "imago $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%d); photos: $photos"
  echo "### All photos"
  echo
  "$py" bench/accuracy_bench.py report "$work/imago.tsv" "$work/python.tsv"
  echo
  # Stellarium's deep-sky pictures are all star fields on black, some of them neighbouring
  # fields of one nebula: the hardest unrelated pairs by far. The same table without them.
  echo "### Without the deep-sky pictures (stellarium-*)"
  echo
  "$py" bench/accuracy_bench.py report "$work/imago.tsv" "$work/python.tsv" stellarium-
  echo
  echo "times: edits $((t1 - t0)) s, imago (hashes + embedding, $threads threads) $((t2 - t1)) s, Python hashers $((t3 - t2)) s; whole run $(($(date +%s) - started)) s"
} | tee "$work/report.md"
[ -z "$out_md" ] || cp "$work/report.md" "$out_md"
