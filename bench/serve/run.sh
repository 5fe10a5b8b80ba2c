#!/usr/bin/env bash
# The `imago serve` benchmark (issue 3; not a test, CI never runs it): uploads per second
# of 1 MB JPEGs with thumbnails, the server's peak memory at 64 concurrent uploads, and
# imago's thumbnailer against vipsthumbnail on the same files. About 5 minutes on 2 cores.
#
#   bench/serve/run.sh [OUT.md]        (bench/run.sh runs it as BENCH_PARTS=serve)
#
# Environment:
#   IMAGO_BENCH_DIR     work folder (default /tmp/imago-bench); inputs cached in serve/jpegs
#   IMAGO_BIN           the imago binary (default: build target/release/imago)
#   SERVE_COUNT         JPEGs (default 200)
#   SERVE_CONCURRENCY   upload concurrency levels (default 1,8,64)
#   SERVE_REPEAT        runs per thumbnail row, best kept (default 3)
#   SERVE_PARTS         uploads,thumbs (default both)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${IMAGO_BENCH_DIR:-/tmp/imago-bench}/serve
out=${1:-$dir/serve.md}
count=${SERVE_COUNT:-200}

command -v vipsthumbnail >/dev/null 2>&1 || "$root/bench/setup.sh"

imago=${IMAGO_BIN:-}
(
  cd "$root"
  if [ -z "$imago" ]; then
    cargo build --release --quiet -p imago-cli
  fi
  # The two helpers: imago's thumbnailer alone, and the load client.
  cargo build --release --quiet -p imago-media --example thumbs -p imago-server --example upload_load
)
imago=${imago:-$root/target/release/imago}

# Inputs: made once, kept; a larger SERVE_COUNT only adds files. The bench uses the
# first SERVE_COUNT of them.
python3 "$here/gen_jpegs.py" "$dir/jpegs-all" --count "$count"
rm -rf "$dir/jpegs"
mkdir -p "$dir/jpegs"
for i in $(seq 1 "$count"); do
  ln -s "$dir/jpegs-all/$(printf 'photo-%04d.jpg' "$i")" "$dir/jpegs/"
done

python3 "$here/serve_bench.py" --imago "$imago" \
  --thumbs "$root/target/release/examples/thumbs" \
  --load "$root/target/release/examples/upload_load" \
  --jpegs "$dir/jpegs" --work "$dir/work" --out "$out" \
  --concurrency "${SERVE_CONCURRENCY:-1,8,64}" --repeat "${SERVE_REPEAT:-3}" \
  --parts "${SERVE_PARTS:-uploads,thumbs}"
