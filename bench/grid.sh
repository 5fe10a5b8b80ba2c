#!/usr/bin/env bash
# Benchmark (5), not a test: how fast the extension's grid is with 2,000 images. Builds
# the extension (dist/, what users load), then opens Debian's Chromium on the 2,000-image
# page of extension/e2e/pages/grid/ several times through the same harness as the browser
# tests (extension/e2e/grid-many.test.mjs, which checks the behaviour; this reads the
# times it reports): first render (collect + merge + filter + sort + first cards) and a
# click to a redrawn selected card, both timed inside the page.
#
#   bench/grid.sh [OUT.md]              alone
#   BENCH_PARTS=grid bench/run.sh       as a part of the benchmark (results.md)
#
# Environment:
#   GRID_REPEAT   runs (default 5); every run is listed, then the median
#   IMAGO_COMMIT  the commit measured (default: this checkout's HEAD)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${1:-${IMAGO_BENCH_DIR:-/tmp/imago-bench}/state/grid.md}
repeat=${GRID_REPEAT:-5}
commit=${IMAGO_COMMIT:-$(git -C "$root" rev-parse --short HEAD)}
mkdir -p "$(dirname "$out")"

# The extension is built on the core compiled to WebAssembly (a few minutes the first time).
[ -f "$root/crates/imago-wasm/pkg/web/imago_wasm_bg.wasm" ] || "$root/scripts/build-wasm-pkg.sh"
cd "$root/extension"
[ -d node_modules ] || npm ci --no-audit --no-fund --silent
npm run --silent build >/dev/null

first=()
click=()
for i in $(seq 1 "$repeat"); do
  log=$(node --test --test-reporter=tap e2e/grid-many.test.mjs 2>&1) || {
    printf '%s\n' "$log" >&2
    echo "grid.sh: run $i failed (above)" >&2
    exit 1
  }
  f=$(printf '%s\n' "$log" | sed -n 's/.*first render of 2,000 images.*: \([0-9.]*\) ms.*/\1/p' | head -1)
  c=$(printf '%s\n' "$log" | sed -n 's/.*click to selected card redrawn, 2,000 images: \([0-9.]*\) ms.*/\1/p' | head -1)
  [ -n "$f" ] && [ -n "$c" ] || {
    echo "grid.sh: run $i printed no timings (the test's diagnostics changed?)" >&2
    exit 1
  }
  first+=("$f")
  click+=("$c")
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
{
  echo "_Measured $(date -u '+%Y-%m-%d %H:%M UTC') on imago $commit; Chromium $(chromium --version 2>/dev/null | awk '{print $2}'); load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)._"
  echo
  echo "\`bench/grid.sh\`: the built extension's grid on a page of 2,000 images (extension/e2e/pages/grid/many.html), $repeat runs, each a fresh Chromium and profile."
  echo
  echo "| run | first render, ms | click to redrawn card, ms |"
  echo "|---:|---:|---:|"
  for i in $(seq 0 $((repeat - 1))); do
    echo "| $((i + 1)) | ${first[$i]} | ${click[$i]} |"
  done
  echo "| **median** | **$(median "${first[@]}")** | **$(median "${click[@]}")** |"
} | tee "$out"
