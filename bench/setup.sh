#!/usr/bin/env bash
# Installs the peers and tools the benchmark needs, from the ordinary registries only.
# Idempotent: a second run installs nothing and takes a second.
#
# Why each: nginx serves every input (a Python server would be the bottleneck and time
# itself, not the clients); aria2, wget and gallery-dl are the peers, yt-dlp and ffmpeg
# those of `imago video` (bench/video.sh; ffmpeg also makes its streams); GNU time gives peak
# RSS; Pillow makes the test images (real JPEG/PNG, EXIF); imagehash is listed by the
# issue for later image-search benchmarks; numpy and piexif make the pixels and the
# camera-like EXIF blocks; ImageMagick is the fallback image maker named in the issue.
set -euo pipefail

need_apt=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
command -v aria2c >/dev/null 2>&1 || need_apt+=(aria2)
command -v wget >/dev/null 2>&1 || need_apt+=(wget)
[ -x /usr/bin/time ] || need_apt+=(time)
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need_apt+=(ffmpeg)
# eatmydata: only to show what imago's fsyncs cost (a diagnostic row of the download race).
command -v eatmydata >/dev/null 2>&1 || need_apt+=(eatmydata)
# libvips-tools: vipsthumbnail, the peer of imago's thumbnailer (bench/serve).
command -v vipsthumbnail >/dev/null 2>&1 || need_apt+=(libvips-tools)
# /usr/local/bin/convert may be a stand-in on these machines: look for the real one.
[ -x /usr/bin/convert ] || need_apt+=(imagemagick)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q "${need_apt[@]}" >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    apt-get install -y -q "${need_apt[@]}" >/dev/null
  fi
fi

py_missing=()
python3 -c 'import gallery_dl' 2>/dev/null || py_missing+=(gallery-dl)
python3 -c 'import imagehash' 2>/dev/null || py_missing+=(imagehash)
python3 -c 'import PIL' 2>/dev/null || py_missing+=(pillow)
python3 -c 'import numpy' 2>/dev/null || py_missing+=(numpy)
python3 -c 'import piexif' 2>/dev/null || py_missing+=(piexif)
python3 -c 'import yt_dlp' 2>/dev/null || py_missing+=(yt-dlp)
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "setup: pip install ${py_missing[*]}" >&2
  python3 -m pip install -q "${py_missing[@]}"
fi

# A distribution nginx starts its own service on install; the benchmark runs its own
# instance on 127.0.0.1:80, so the packaged one must not hold the port.
if [ -f /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
  echo "setup: stopping the packaged nginx service (pid $(cat /run/nginx.pid))" >&2
  nginx -s quit 2>/dev/null || kill "$(cat /run/nginx.pid)" || true
  sleep 0.5
fi
