#!/usr/bin/env bash
# The benchmark (not a test: CI never runs it). Runs imago and its peers on the same inputs
# from one local nginx, prints the tables and ratios, and writes bench/results.md.
#
#   bench/run.sh                      everything (about 10-15 minutes on 2 cores)
#   BENCH_PARTS=download bench/run.sh one part: discovery, throughput, download, probe, serve,
#                                     grabscale, grid, video
#                                     (serve: `imago serve` uploads and thumbnails vs
#                                     vipsthumbnail, bench/serve/run.sh; grabscale: imago grab's
#                                     peak RSS at 20,000 and 200,000 images, bench/grab_scale.sh;
#                                     grid: the extension's grid with 2,000 images,
#                                     bench/grid.sh; video: `imago video` HLS to MP4 vs yt-dlp
#                                     and ffmpeg, bench/video.sh; each has its own knobs there)
#
# Environment:
#   IMAGO_BENCH_DIR  work folder: served files, image cache, logs (default /tmp/imago-bench)
#   IMAGO_BIN        the imago binary (default: build target/release/imago)
#   BENCH_COUNT      images in the download race (default 5000)
#   BENCH_BIG        images in imago's memory run (default 20000; 0 skips it)
#   BENCH_REPEAT     runs per download tool, best kept (default 1)
#
# Needs root (apt-get, nginx on port 80). Stops the nginx it started on exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/dirs.sh"
count=${BENCH_COUNT:-5000}
big=${BENCH_BIG:-20000}
repeat=${BENCH_REPEAT:-1}
parts=${BENCH_PARTS:-discovery,throughput,download,probe,grabscale,serve,grid,video}
corpus=${IMAGO_CORPUS:-$root/../shared/corpus}
[ -d "$corpus/pages" ] || corpus=/work/shared/corpus
started=$(date -u +%s)

want() { [[ ",$parts," == *",$1,"* ]]; }
say() { printf '\n== %s\n' "$*" >&2; }
# The parts that race the peers on the corpus and the generated images; serve and
# grabscale make their own inputs and need neither the peers nor those files.
peers=false
for p in discovery throughput download probe; do want "$p" && peers=true; done

if $peers; then
  say "setup"
  "$here/setup.sh"
fi
mkdir -p "$www" "$state"

imago=${IMAGO_BIN:-}
if [ -z "$imago" ]; then
  say "building imago (release)"
  if (cd "$root" && cargo build --release --quiet -p imago-cli); then
    imago=$root/target/release/imago
  fi
fi
# The placeholder CLI of an early checkout has no `list`: then only the peers run.
if [ -n "$imago" ] && ! "$imago" list --help >/dev/null 2>&1; then
  echo "bench: $imago has no working 'list' command: running the peers only" >&2
  imago=""
fi
imago_args=()
[ -n "$imago" ] && imago_args=(--imago "$imago")

# The serve part uploads its own JPEGs to imago itself: no nginx, no page corpus.
if $peers; then
  say "inputs"
  mkdir -p "$www/corpus"
  n_pages=$(ls "$corpus"/pages/*.html.gz | wc -l)
  if [ "$(ls "$www/corpus" | wc -l)" -ne "$n_pages" ]; then
    for f in "$corpus"/pages/*.html.gz; do
      b=$(basename "$f" .gz)
      gzip -dc "$f" >"$www/corpus/$b"
    done
  fi
  echo "bench: $n_pages corpus pages in $www/corpus" >&2
  counts=(--count "$count")
  [ "$big" -gt 0 ] && counts+=(--count "$big")
  python3 "$here/gen_images.py" "$www" "${counts[@]}"

  source "$here/lib/nginx.sh"
  nginx_start "$www" "$state/nginx"
  trap 'nginx_stop "$state/nginx"' EXIT
fi

# Each part writes its own section; results.md is assembled from all of them, so running
# one part keeps the others' last figures (each section says when it was measured).
mkdir -p "$state/sections"
# Each section is stamped with the commit it ran on (and says so when the tree had
# uncommitted changes), so a part kept from an older run never carries a newer commit.
commit_stamp() {
  local rev dirty=""
  rev=$(cd "$root" && git rev-parse --short HEAD 2>/dev/null) || { echo "no git checkout"; return; }
  [ -n "$(cd "$root" && git status --porcelain --untracked-files=no 2>/dev/null)" ] &&
    dirty=" with uncommitted changes"
  echo "commit $rev ($(cd "$root" && git log -1 --format=%cs))$dirty"
}
section() { # section FILE TITLE < body
  { printf '\n## %s\n\n_Measured %s on %s._\n\n' "$2" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(commit_stamp)"; cat; } \
    >"$state/sections/$1.md"
}

if want discovery; then
  say "(1) discovery: imago list vs gallery-dl -g over $n_pages pages"
  python3 "$here/discovery.py" --www "$www" --manifest "$corpus/manifest.jsonl" \
    --state "$state" "${imago_args[@]}"
  section 1-discovery "(1) Discovery over the $n_pages corpus pages" <"$state/discovery.md"
fi

if want throughput; then
  say "(1b) discovery throughput in memory (crates/imago-core/benches/discover.rs)"
  if (cd "$root" && IMAGO_CORPUS=$corpus cargo bench --quiet -p imago-core --bench discover) \
      >"$state/throughput.txt" 2>"$state/throughput.err"; then
    cat "$state/throughput.txt"
    { echo '```text'; cat "$state/throughput.txt"; echo '```'; } |
      section 1b-throughput "(1b) Discovery in memory, one core"
  else
    echo "bench: the discover bench failed (see $state/throughput.err)" >&2
    tail -5 "$state/throughput.err" >&2
    echo "The in-memory bench failed on this checkout: $(tail -1 "$state/throughput.err")" |
      section 1b-throughput "(1b) Discovery in memory, one core"
  fi
fi

if want download; then
  say "(2) download: $count images"
  rm -f "$state/download.json"
  python3 "$here/download.py" --www "$www" --state "$state" --count "$count" \
    --repeat "$repeat" "${imago_args[@]}"
  cat "$state/download-$count.md" | section 2-download "(2) Downloading $count images of 20-200 KB"
  if [ -n "$imago" ] && [ "$big" -gt 0 ]; then
    say "(2b) imago alone with $big images: does RSS grow with the count?"
    python3 "$here/download.py" --www "$www" --state "$state" --count "$big" \
      --tools imago "${imago_args[@]}"
    cat "$state/download-$big.md" | section 2b-big "(2b) imago with $big images"
  fi
fi

if want grabscale && [ -n "$imago" ]; then
  say "(2c) imago grab at 20,000 and 200,000 images: peak RSS against the count"
  # It starts its own nginx unless this run's is up (same root, same port).
  GRAB_SCALE_NGINX_UP=$($peers && echo 1 || true) IMAGO_BIN=$imago IMAGO_BENCH_DIR=$dir \
    "$here/grab_scale.sh" "$state/grabscale.md"
  section 2c-grabscale "(2c) imago grab's memory against the number of images" <"$state/grabscale.md"
fi

if want probe && [ -n "$imago" ]; then
  say "(3) probe: bytes read of 20 large JPEGs"
  python3 "$here/probe.py" --www "$www" --state "$state" --imago "$imago"
  section 3-probe "(3) Probe: bytes read per 1-5 MB JPEG" <"$state/probe.md"
fi

if want serve && [ -n "$imago" ]; then
  say "(4) imago serve: uploads of 1 MB JPEGs, and thumbnails vs vipsthumbnail"
  IMAGO_BIN=$imago IMAGO_BENCH_DIR=$dir "$here/serve/run.sh" "$state/serve.md"
  section 4-serve "(4) imago serve: uploads and thumbnails" <"$state/serve.md"
fi

if want grid; then
  say "(5) the extension's grid with 2,000 images"
  IMAGO_BENCH_DIR=$dir "$here/grid.sh" "$state/grid.md"
  section 5-grid "(5) The extension's grid: 2,000 images" <"$state/grid.md"
fi

if want video && [ -n "$imago" ]; then
  say "(6) imago video: HLS to MP4 against yt-dlp and ffmpeg"
  # Its own streams and its slow server; nginx is this run's when it is up (same root).
  VIDEO_NGINX_UP=$($peers && echo 1 || true) IMAGO_BIN=$imago IMAGO_BENCH_DIR=$dir \
    "$here/video.sh" "$state/video.md"
  section 6-video "(6) Video: HLS to MP4" <"$state/video.md"
fi

elapsed=$(( $(date -u +%s) - started ))
{
  echo "# imago benchmark results"
  echo
  echo "Written by \`bench/run.sh\` (parts: $parts) on $(date -u '+%Y-%m-%d %H:%M UTC'), in ${elapsed} s."
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"
  echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: expect noise)."
  echo "Every input of (1)-(3) was served by nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') on 127.0.0.1:80; (4) uploads to imago itself on 127.0.0.1; (6) reads from nginx and from bench/video_server.py on 127.0.0.1."
  echo
  echo "| tool | version |"
  echo "|---|---|"
  if [ -n "$imago" ]; then
    echo "| imago | this run: $(commit_stamp); each part below says the commit it was measured on |"
  else
    echo "| imago | not run: no working CLI on this checkout |"
  fi
  echo "| gallery-dl | $(gallery-dl --version) |"
  echo "| aria2c | $(aria2c --version | head -1 | sed 's/aria2 version //') |"
  echo "| wget | $(wget --version | head -1 | awk '{print $3}') |"
  echo "| vipsthumbnail | $(vips --version 2>/dev/null || echo 'not installed') |"
  echo "| yt-dlp | $(python3 -c 'import yt_dlp.version as v; print(v.__version__)' 2>/dev/null || echo 'not installed') |"
  echo "| ffmpeg | $(ffmpeg -version 2>/dev/null | head -1 | awk '{print $3}' || echo 'not installed') |"
  for part in 1-discovery 1b-throughput 2-download 2b-big 2c-grabscale 3-probe 4-serve 5-grid 6-video; do
    [ -f "$state/sections/$part.md" ] && cat "$state/sections/$part.md"
  done
} >"$here/results.md"
say "wrote $here/results.md"
