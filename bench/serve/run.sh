#!/usr/bin/env bash
# The `imago serve` benchmark (issues 3 and 8; not a test, CI never runs it): uploads per
# second of 1 MB JPEGs with thumbnails, the server's peak memory at 64 concurrent uploads
# of 1 MB and of ~4.7 MB photos and while 16 clients read a 41 MB file at once, and
# imago's thumbnailer against vipsthumbnail on the same files. About 10 minutes on 2 cores.
#
#   bench/serve/run.sh [OUT.md]        (bench/run.sh runs it as BENCH_PARTS=serve)
#
# Environment:
#   IMAGO_BENCH_DIR     work folder (default /tmp/imago-bench); inputs cached in serve/jpegs
#   IMAGO_BIN           the imago binary (default: build target/release/imago)
#   SERVE_COUNT         JPEGs (default 200)
#   SERVE_CONCURRENCY   upload concurrency levels (default 1,8,64)
#   SERVE_REPEAT        runs per thumbnail row, best kept (default 3)
#   SERVE_PARTS         uploads,thumbs,big,reads (default all four)
#   IMAGO_COMMIT        the commit IMAGO_BIN was built from, for the report (default:
#                       this checkout's HEAD when the binary is built here)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${IMAGO_BENCH_DIR:-/tmp/imago-bench}/serve
out=${1:-$dir/serve.md}
count=${SERVE_COUNT:-200}

parts=${SERVE_PARTS:-uploads,thumbs,big,reads}
case ",$parts," in
  *,thumbs,*) command -v vipsthumbnail >/dev/null 2>&1 || "$root/bench/setup.sh" ;;
  *) python3 -c 'import numpy, PIL' 2>/dev/null || python3 -m pip install -q numpy Pillow ;;
esac

imago=${IMAGO_BIN:-}
(
  cd "$root"
  if [ -z "$imago" ]; then
    cargo build --release --quiet -p imago-cli
  fi
  # The two helpers: imago's thumbnailer alone, and the load client.
  cargo build --release --quiet -p imago-media --example thumbs -p imago-server --example upload_load
)
if [ -z "$imago" ]; then
  commit=${IMAGO_COMMIT:-$(git -C "$root" rev-parse --short HEAD)}
else
  commit=${IMAGO_COMMIT:-"unknown (IMAGO_BIN given; set IMAGO_COMMIT)"}
fi
imago=${imago:-$root/target/release/imago}

# Inputs: made once, kept; a larger SERVE_COUNT only adds files. The bench uses the
# first SERVE_COUNT of them.
python3 "$here/gen_jpegs.py" "$dir/jpegs-all" --count "$count"
rm -rf "$dir/jpegs"
mkdir -p "$dir/jpegs"
for i in $(seq 1 "$count"); do
  ln -s "$dir/jpegs-all/$(printf 'photo-%04d.jpg' "$i")" "$dir/jpegs/"
done

# The memory parts' inputs: 64 photos of ~4.7 MB, one 41 MB PNG of noise.
case ",$parts," in *,big,*)
  python3 "$here/gen_jpegs.py" "$dir/photos5mb" --count 64 --distinct 16 --size 4000x3000 --target 4700000 ;;
esac
case ",$parts," in *,reads,*) python3 "$here/gen_noise_png.py" "$dir/noise-41mb.png" ;; esac

python3 "$here/serve_bench.py" --imago "$imago" \
  --thumbs "$root/target/release/examples/thumbs" \
  --load "$root/target/release/examples/upload_load" \
  --jpegs "$dir/jpegs" --work "$dir/work" --out "$out" \
  --concurrency "${SERVE_CONCURRENCY:-1,8,64}" --repeat "${SERVE_REPEAT:-3}" \
  --commit "$commit" --parts "$parts" --big-jpegs "$dir/photos5mb" --big-file "$dir/noise-41mb.png"
