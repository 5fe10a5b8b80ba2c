#!/usr/bin/env bash
# Benchmark (6), not a test: HLS streams saved as MP4 by `imago video` against yt-dlp
# (PyPI; its default, one segment at a time, and `-N 8`, eight at once) and
# `ffmpeg -i URL -c copy out.mp4`, on the same loopback streams in one run (issue 11):
#
#   - a 30-segment stream whose server answers each segment 0.25 s late (the playlist at
#     once): bench/video_server.py, a small asyncio server, on 127.0.0.1:$VIDEO_PORT;
#   - a 200-segment stream at full speed from nginx (bench/lib/nginx.sh, 127.0.0.1:80);
#   - imago alone on a 1000-segment stream from nginx with windows of 4, 12 (its default)
#     and 32 segments: peak RSS against the stream's length and the window.
#
# Wall time, peak RSS and CPU from GNU time; each MP4 checked with ffprobe against the
# source segments (duration, video and audio frame counts); ratios printed. The streams
# (Debian's ffmpeg, testsrc2 + sine, 1 s MPEG-TS segments) are made once into
# $IMAGO_BENCH_DIR/www/video and kept. bench/video_bench.py runs the tools and the checks.
#
#   bench/video.sh [OUT.md]          alone (prints the tables, writes OUT.md)
#   BENCH_PARTS=video bench/run.sh   as a part of the benchmark (results.md)
#
# Environment:
#   IMAGO_BENCH_DIR     work folder (default /tmp/imago-bench)
#   IMAGO_BIN           the imago binary (default: cargo build --release -p imago-cli,
#                       in $CARGO_TARGET_DIR or target/)
#   IMAGO_COMMIT        the commit IMAGO_BIN was built from (default: HEAD, +dirty)
#   VIDEO_REPEAT        rounds over every tool and stream (default 3); best time kept
#   VIDEO_DELAY         the slow server's delay per segment, seconds (default 0.25)
#   VIDEO_PORT          the slow server's port on 127.0.0.1 (default 8089)
#   VIDEO_SHORT / VIDEO_MID / VIDEO_LONG   segments in the three streams (30, 200, 1000;
#                       VIDEO_LONG=0 skips the long one)
#   VIDEO_LONG_WINDOWS  imago's windows on the long stream (default 4,12,32)
#   VIDEO_TOOLS         default "imago,yt-dlp,yt-dlp -N 8,ffmpeg"
#
# Needs root (apt-get and pip through bench/setup.sh, nginx on port 80).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/dirs.sh"
out_md=${1:-$state/video.md}
short=${VIDEO_SHORT:-30}
mid=${VIDEO_MID:-200}
long=${VIDEO_LONG:-1000}
delay=${VIDEO_DELAY:-0.25}
port=${VIDEO_PORT:-8089}
repeat=${VIDEO_REPEAT:-3}
windows=${VIDEO_LONG_WINDOWS:-4,12,32}
tools=${VIDEO_TOOLS:-imago,yt-dlp,yt-dlp -N 8,ffmpeg}

# The peers (yt-dlp from PyPI, ffmpeg, nginx, GNU time) come from setup.sh like the others'.
"$here/setup.sh"
# yt-dlp as pip installed it, not through a version manager's shim (which adds its own
# start-up to every run): the scripts folder of the python3 that has yt_dlp, first in PATH.
pybin=$(python3 -c 'import os, sys; print(os.path.dirname(os.path.realpath(sys.executable)))')
[ -x "$pybin/yt-dlp" ] && export PATH="$pybin:$PATH"
command -v yt-dlp >/dev/null || { echo "video: no yt-dlp after setup" >&2; exit 1; }

imago=${IMAGO_BIN:-}
commit=${IMAGO_COMMIT:-}
if [ -z "$imago" ]; then
  echo "video: building imago (release)" >&2
  (cd "$root" && cargo build --release --quiet -p imago-cli)
  imago=${CARGO_TARGET_DIR:-$root/target}/release/imago
fi
if [ -z "$commit" ]; then
  commit=$(cd "$root" && git rev-parse --short HEAD)
  [ -z "$(cd "$root" && git status --porcelain --untracked-files=no)" ] || commit="$commit+dirty"
fi
"$imago" video --help >/dev/null 2>&1 || { echo "video: $imago has no 'video' command" >&2; exit 1; }

# The streams: one encode of the longest, cut into 1 s segments (a keyframe every 25
# frames, so every segment is exactly 1 s); each stream's playlist lists the first N.
vdir=$www/video
n_make=$mid
[ "$long" -gt "$n_make" ] && n_make=$long
[ "$short" -gt "$n_make" ] && n_make=$short
recipe="testsrc2=640x360@25 x264 ultrafast 1M g25 + sine 440 aac 96k, hls_time 1, $n_make s"
if [ "$(cat "$vdir/.made" 2>/dev/null)" != "$recipe" ]; then
  echo "video: making $n_make one-second segments in $vdir (once; a few minutes)" >&2
  rm -rf "$vdir"
  mkdir -p "$vdir"
  ffmpeg -nostdin -hide_banner -loglevel error \
    -f lavfi -i "testsrc2=size=640x360:rate=25" \
    -f lavfi -i "sine=frequency=440:sample_rate=44100" \
    -t "$n_make" -map 0:v -map 1:a \
    -c:v libx264 -preset ultrafast -b:v 1M -maxrate 1M -bufsize 2M \
    -g 25 -keyint_min 25 -sc_threshold 0 -pix_fmt yuv420p \
    -c:a aac -b:a 96k -ac 2 \
    -f hls -hls_time 1 -hls_list_size 0 -hls_segment_filename "$vdir/seg%04d.ts" \
    "$vdir/all.m3u8"
  echo "$recipe" >"$vdir/.made"
fi
for n in "$short" "$mid" "$long"; do
  [ "$n" -gt 0 ] || continue
  # The header of ffmpeg's playlist, then the first N segments with their EXTINF lines.
  awk -v n="$n" '
    /^#EXTINF/ { if (++seen > n) exit }
    /^#EXT-X-ENDLIST/ { next }
    { print }
    END { print "#EXT-X-ENDLIST" }' "$vdir/all.m3u8" >"$vdir/s$n.m3u8.new"
  cmp -s "$vdir/s$n.m3u8.new" "$vdir/s$n.m3u8" && rm "$vdir/s$n.m3u8.new" ||
    mv "$vdir/s$n.m3u8.new" "$vdir/s$n.m3u8"
done

# The servers: nginx (unless bench/run.sh has it up already) and the slow one.
source "$here/lib/nginx.sh"
mkdir -p "$state"
slow_pid=""
cleanup() {
  if [ -n "$slow_pid" ]; then kill "$slow_pid" 2>/dev/null || true; fi
  if [ -z "${VIDEO_NGINX_UP:-}" ]; then nginx_stop "$state/nginx"; fi
  rm -rf "$state/video-out"
}
trap cleanup EXIT
if [ -z "${VIDEO_NGINX_UP:-}" ]; then nginx_start "$www" "$state/nginx"; fi
: >"$state/video-slow.log"
python3 "$here/video_server.py" "$www" --port "$port" --delay "$delay" \
  --log "$state/video-slow.log" &
slow_pid=$!
for _ in $(seq 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/video/s$short.m3u8" 2>/dev/null && break
  kill -0 "$slow_pid" 2>/dev/null || { echo "video: the slow server did not start (port $port taken?)" >&2; exit 1; }
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1/video/s$mid.m3u8" ||
  { echo "video: nginx does not serve $vdir on 127.0.0.1:80" >&2; exit 1; }

body=$state/video-body.md
python3 "$here/video_bench.py" --www "$www" --state "$state" --imago "$imago" \
  --slow-base "http://127.0.0.1:$port/video/" --fast-base "http://127.0.0.1/video/" \
  --slow-log "$state/video-slow.log" --nginx-log "$state/nginx/access.log" \
  --delay "$delay" --short "$short" --mid "$mid" --long "$long" \
  --long-windows "$windows" --tools "$tools" --repeat "$repeat" --slow-pid "$slow_pid" \
  --out "$body" >/dev/null

{
  echo "imago at $commit; $(yt-dlp --version | sed 's/^/yt-dlp /') (Python $(python3 -c 'import platform; print(platform.python_version())'), requests $(python3 -c 'import requests; print(requests.__version__)' 2>/dev/null || echo 'absent')); $(ffmpeg -version | head -1 | awk '{print "ffmpeg " $3}'); nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'). Load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| tool | command |"
  echo "|---|---|"
  echo "| imago | \`imago video URL -o OUT --json --quiet\` (window 12) |"
  echo "| yt-dlp | \`yt-dlp -o 'OUT/%(title)s.%(ext)s' URL\` |"
  echo "| yt-dlp -N 8 | \`yt-dlp -N 8 -o 'OUT/%(title)s.%(ext)s' URL\` |"
  echo "| ffmpeg | \`ffmpeg -i URL -c copy OUT/out.mp4\` |"
  echo
  cat "$body"
} >"$out_md"
cat "$out_md"
