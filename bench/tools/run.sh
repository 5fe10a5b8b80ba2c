#!/usr/bin/env bash
# The image tools against libvips (`vips`, `vipsthumbnail`) and ImageMagick (`convert`,
# `mogrify`) on the same 200 real photos, in one run: resize to 1000 px, JPEG -> WebP
# (lossy, quality 80 for all), JPEG -> AVIF (quality 60 for all), stitch 10 images; each
# on one core (taskset, one thread or job each) and on all cores. Prints wall time, peak
# memory of the largest process, output bytes, and PSNR of the outputs against each
# other; ratios against imago. A benchmark, not a test.
#
#   bench/tools/run.sh            # builds imago (release), makes the photos once
#   TOOLS_JOBS="resize stitch" bench/tools/run.sh   # some jobs only (resize webp avif stitch);
#                                                   # the rows of the others are kept
#
# Inputs and outputs go to IMAGO_BENCH_DIR (default /tmp/imago-bench)/tools.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/dirs.sh"
work=$dir/tools
mkdir -p "$work"

# Peers from Debian, the photos' source packages downloaded (not installed).
need=()
command -v vips >/dev/null || need+=(libvips-tools)
command -v mogrify >/dev/null || need+=(imagemagick)
[ ${#need[@]} -eq 0 ] || { apt-get install -y -q "${need[@]}" >/dev/null; }
if [ ! -d "$work/photos" ] || [ "$(ls "$work/photos" | wc -l)" -lt 200 ]; then
  mkdir -p "$work/debs" "$work/wall"
  (cd "$work/debs" && apt-get download mate-backgrounds ukui-wallpapers >/dev/null 2>&1)
  for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/wall"; done
  python3 "$here/tools/photos.py" "$work/wall" "$work/photos"
fi
# The stitch input: 10 photos at one width (1200), so no tool has to scale them.
if [ ! -d "$work/stitch-in" ]; then
  mkdir -p "$work/stitch-in"
  python3 - "$work/photos" "$work/stitch-in" <<'PY'
import sys, os
from PIL import Image
src, out = sys.argv[1], sys.argv[2]
for i in range(1, 11):
    im = Image.open(os.path.join(src, f"photo-{i:03d}.jpg"))
    w, h = im.size
    im.resize((1200, round(h * 1200 / w)), Image.LANCZOS).save(
        os.path.join(out, f"s{i:02d}.jpg"), quality=90, subsampling=2)
PY
fi

(cd "$root" && cargo build --release -q -p imago-cli)
imago=$root/target/release/imago
cores=$(nproc)
photos=$work/photos

# run NAME CMD...: wall seconds and peak KB of the largest process, into $work/times.
jobs=${TOOLS_JOBS:-resize webp avif stitch}
# Rows of the jobs not run this time stay (report.py reads them all).
touch "$work/times"
for job in $jobs; do sed -i "/^$job-/d" "$work/times"; done
run() {
  local name=$1
  shift
  case " $jobs " in *" ${name%%-*} "*) ;; *) return 0 ;; esac
  local out=$work/out/$name
  rm -rf "$out" && mkdir -p "$out"
  sync
  /usr/bin/time -f "%e %M" -o "$work/t" bash -c "$*" >/dev/null 2>"$work/err" ||
    { echo "$name failed:"; tail -3 "$work/err"; exit 1; }
  local bytes
  bytes=$(du -sb "$out" | cut -f1)
  echo "$name $(cat "$work/t") $bytes" | tee -a "$work/times"
}

for mode in one all; do
  if [ $mode = one ]; then
    pin="taskset -c 0"; j=1; vc=1; im_threads="-limit thread 1"
  else
    pin=""; j=$cores; vc=$cores; im_threads=""
  fi
  o=$work/out
  # Resize to 1000 px (longest side), JPEG quality 85.
  run "resize-imago-$mode" "$pin $imago resize $photos --max 1000 --no-upscale --quality 85 -j $j -q -o $o/resize-imago-$mode"
  if [ $mode = one ]; then
    run "resize-vips-$mode" "VIPS_CONCURRENCY=1 $pin vipsthumbnail --size 1000 -o $o/resize-vips-$mode/%s.jpg[Q=85] $photos/*.jpg"
    run "resize-magick-$mode" "$pin mogrify $im_threads -path $o/resize-magick-$mode -resize 1000x1000 -quality 85 $photos/*.jpg"
  else
    run "resize-vips-$mode" "printf '%s\n' $photos/*.jpg | xargs -P $cores -n 100 vipsthumbnail --size 1000 -o $o/resize-vips-$mode/%s.jpg[Q=85]"
    run "resize-magick-$mode" "printf '%s\n' $photos/*.jpg | xargs -P $cores -n 100 mogrify -path $o/resize-magick-$mode -resize 1000x1000 -quality 85"
  fi
  # JPEG -> WebP, lossy, quality 80.
  run "webp-imago-$mode" "$pin $imago convert $photos --to webp --quality 80 -j $j -q -o $o/webp-imago-$mode"
  run "webp-vips-$mode" "printf '%s\n' $photos/*.jpg | VIPS_CONCURRENCY=$vc $pin xargs -P $j -I{} sh -c 'vips webpsave {} $o/webp-vips-$mode/\$(basename {} .jpg).webp --Q 80'"
  run "webp-magick-$mode" "printf '%s\n' $photos/*.jpg | $pin xargs -P $j -n 100 mogrify $im_threads -path $o/webp-magick-$mode -format webp -quality 80"
  # JPEG -> AVIF, quality 60 (aom through libheif for imago and libvips, at their default
  # speeds: imago 6, vips effort 4; ImageMagick through its libheif delegate).
  run "avif-imago-$mode" "$pin $imago convert $photos --to avif --quality 60 -j $j -q -o $o/avif-imago-$mode"
  run "avif-vips-$mode" "printf '%s\n' $photos/*.jpg | VIPS_CONCURRENCY=$vc $pin xargs -P $j -I{} sh -c 'vips heifsave {} $o/avif-vips-$mode/\$(basename {} .jpg).avif --compression av1 --Q 60'"
  run "avif-magick-$mode" "printf '%s\n' $photos/*.jpg | $pin xargs -P $j -n 100 mogrify $im_threads -path $o/avif-magick-$mode -format avif -quality 60"
  # Stitch 10 photos of one width into one long JPEG.
  s=$work/stitch-in
  run "stitch-imago-$mode" "$pin $imago stitch $s --vertical --quality 85 -o $o/stitch-imago-$mode/long.jpg"
  run "stitch-vips-$mode" "VIPS_CONCURRENCY=$vc $pin vips arrayjoin \"\$(ls $s/*.jpg | tr '\n' ' ')\" $o/stitch-vips-$mode/long.jpg[Q=85] --across 1"
  run "stitch-magick-$mode" "$pin convert $im_threads $s/*.jpg -append -quality 85 $o/stitch-magick-$mode/long.jpg"
done

python3 "$here/tools/report.py" "$work"
