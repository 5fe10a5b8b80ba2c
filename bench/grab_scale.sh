#!/usr/bin/env bash
# Benchmark (2c), not a test: does `imago grab`'s peak RSS stay flat as the number of
# images grows? Pages of 1,000 tiny images each (distinct bytes, so none is skipped as a
# duplicate), served by nginx on 127.0.0.1:80 (bench/lib/nginx.sh), read with
# `imago grab -i urls.txt` at 20,000 and at 200,000 images; peak RSS from GNU time,
# images/s from the wall time. Prints a table and writes it to OUT.md (markdown).
#
#   sudo bench/grab_scale.sh [OUT.md]          alone
#   sudo BENCH_PARTS=grabscale bench/run.sh    as a part of the benchmark (results.md)
#
# Environment:
#   IMAGO_BENCH_DIR    work folder (default /tmp/imago-bench); the 200,000 images take
#                      about 0.9 GB there (4 KB blocks), the output as much again during a
#                      run (removed after each run)
#   IMAGO_BIN          the imago binary (default: build target/release/imago)
#   IMAGO_COMMIT       the commit IMAGO_BIN was built from (default: this checkout's HEAD)
#   GRAB_SCALE_BINS    more binaries to measure in the same runs, interleaved with the
#                      first: "COMMIT=PATH COMMIT=PATH" (e.g. the code before a change)
#   GRAB_SCALE_COUNTS  image counts (default "20000 200000")
#   GRAB_SCALE_REPEAT  rounds over every binary and count (default 2); every run is listed
#
# Needs root (apt-get for nginx and GNU time when missing; nginx on port 80).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/dirs.sh"
out_md=${1:-$state/grabscale.md}
counts=${GRAB_SCALE_COUNTS:-20000 200000}
repeat=${GRAB_SCALE_REPEAT:-2}
per_page=1000

need_apt=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "grab_scale: apt-get install ${need_apt[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}" >/dev/null
fi
# A distribution nginx starts its own service on install; ours needs port 80.
if [ -f /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
  nginx -s quit 2>/dev/null || kill "$(cat /run/nginx.pid)" || true
  sleep 0.5
fi

imago=${IMAGO_BIN:-}
commit=${IMAGO_COMMIT:-}
if [ -z "$imago" ]; then
  echo "grab_scale: building imago (release)" >&2
  (cd "$root" && cargo build --release --quiet -p imago-cli)
  imago=$root/target/release/imago
fi
if [ -z "$commit" ]; then
  commit=$(cd "$root" && git rev-parse --short HEAD)
  # A binary built from uncommitted changes is not the commit it would be stamped with.
  [ -z "$(cd "$root" && git status --porcelain --untracked-files=no)" ] || commit="$commit+dirty"
fi
bins=("$commit=$imago")
for b in ${GRAB_SCALE_BINS:-}; do bins+=("$b"); done

# The inputs: page P (0-based) is scale/p<P>.html with 1,000 <img> of scale/i/<P>/<J>.png;
# urls-<N>.txt lists the first N/1000 pages. Made once, kept for later runs.
max=0
for n in $counts; do [ "$n" -gt "$max" ] && max=$n; done
mkdir -p "$www/scale" "$state"
python3 - "$www/scale" "$max" "$per_page" $counts <<'PY'
import os, struct, sys, zlib

base, total, per_page = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
counts = [int(c) for c in sys.argv[4:]]

def png(i):
    # An 8x8 RGB PNG whose first pixels spell i: every image has its own bytes (and
    # sha256), so none is skipped as "same content", and each is about 75 bytes.
    raw = bytearray()
    for y in range(8):
        row = bytearray(24)
        if y == 0:
            row[0:8] = i.to_bytes(8, "big")
        raw += b"\x00" + row
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))

pages = (total + per_page - 1) // per_page
made = 0
for p in range(pages):
    page = os.path.join(base, f"p{p:04d}.html")
    if os.path.exists(page):
        continue  # written last, so its images are all there
    d = os.path.join(base, "i", str(p))
    os.makedirs(d, exist_ok=True)
    imgs = []
    for j in range(per_page):
        with open(os.path.join(d, f"{j}.png"), "wb") as f:
            f.write(png(p * per_page + j))
        imgs.append(f'<img src="i/{p}/{j}.png">')
    with open(page, "w") as f:
        f.write(f"<!doctype html><title>Page {p}</title><body>\n" + "\n".join(imgs) + "\n</body>\n")
    made += 1
for n in counts:
    with open(os.path.join(base, f"urls-{n}.txt"), "w") as f:
        for p in range(n // per_page):
            f.write(f"http://127.0.0.1/scale/p{p:04d}.html\n")
print(f"grab_scale: {pages} pages of {per_page} images in {base} ({made} new)", file=sys.stderr)
PY

source "$here/lib/nginx.sh"
if [ -z "${GRAB_SCALE_NGINX_UP:-}" ]; then
  nginx_start "$www" "$state/nginx"
  trap 'nginx_stop "$state/nginx"; rm -rf "$state/grabscale-out"' EXIT
fi

# One run: prints "wall_s peak_kib files exit".
one_run() {
  local bin=$1 n=$2 out=$state/grabscale-out tfile=$state/grabscale-time.txt rc=0
  rm -rf "$out"
  sync
  /usr/bin/time -v -o "$tfile" "$bin" grab -i "$www/scale/urls-$n.txt" -o "$out" \
    --no-archive --no-hd -j 16 --per-host 16 --quiet >/dev/null 2>"$state/grabscale-err.txt" || rc=$?
  local wall rss files
  # GNU time's "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:43.21"
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tfile")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tfile")
  files=$(find "$out" -type f -name '*.png' | wc -l)
  rm -rf "$out"
  echo "$wall $rss $files $rc"
}

rows=$state/grabscale-rows.txt
: >"$rows"
for round in $(seq "$repeat"); do
  for n in $counts; do
    for b in "${bins[@]}"; do
      c=${b%%=*} bin=${b#*=}
      echo "grab_scale: round $round, $c, $n images" >&2
      read -r wall rss files rc < <(one_run "$bin" "$n")
      echo "$c $n $round $wall $rss $files $rc $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$rows" >&2
    done
  done
done

python3 - "$rows" "$out_md" "$per_page" <<'PY'
import sys
from collections import defaultdict

rows_file, out_md, per_page = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = []
for line in open(rows_file):
    c, n, rnd, wall, rss, files, rc, load = line.split()
    rows.append(dict(c=c, n=int(n), round=int(rnd), wall=float(wall), rss=int(rss) / 1024,
                     files=int(files), rc=int(rc), load=float(load)))
out = []
out.append(f"`imago grab -i urls-N.txt -o OUT --no-archive --no-hd -j 16 --per-host 16 --quiet`, "
           f"pages of {per_page} tiny PNGs (about 75 bytes each, every one distinct) from nginx "
           "on 127.0.0.1; peak RSS = GNU time's maximum resident set size. Every run:")
out.append("")
out.append("| imago at | images | round | wall time | images/s | peak RSS | files saved | exit | load avg |")
out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    out.append(f"| {r['c']} | {r['n']} | {r['round']} | {r['wall']:.2f} s | {r['n'] / r['wall']:.0f} "
               f"| {r['rss']:.1f} MiB | {r['files']} | {r['rc']} | {r['load']:.1f} |")
out.append("")
by = defaultdict(list)
for r in rows:
    by[(r["c"], r["n"])].append(r)
commits = list(dict.fromkeys(r["c"] for r in rows))
ns = sorted(set(r["n"] for r in rows))
for c in commits:
    best = {n: min(by[(c, n)], key=lambda r: r["wall"]) for n in ns if by[(c, n)]}
    peak = {n: max(r["rss"] for r in by[(c, n)]) for n in ns if by[(c, n)]}
    parts = [f"{n}: {peak[n]:.1f} MiB, {n / best[n]['wall']:.0f} images/s" for n in ns if n in peak]
    line = f"- **{c}** (highest peak RSS, fastest run): " + "; ".join(parts)
    if len(peak) >= 2:
        lo, hi = ns[0], ns[-1]
        grow = (peak[hi] - peak[lo]) * 1024 / (hi - lo)
        line += (f". Peak RSS at {hi} is **{peak[hi] / peak[lo]:.2f}x** that at {lo} "
                 f"({grow * 1024:.0f} bytes more per image)")
    out.append(line + ".")
text = "\n".join(out) + "\n"
open(out_md, "w").write(text)
print(text)
PY
