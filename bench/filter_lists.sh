#!/usr/bin/env bash
# Benchmark, not a test: how many of the images `imago list` reports on the corpus's saved
# pages EasyList + EasyPrivacy name, and what loading the lists costs a run.
#
# Each page of the set is decompressed and read twice with the real binary, a process
# each: `imago list --no-linked-css --base-url URL FILE` with the lists (Debian's
# webext-ublock-origin-chromium, found by default) and with `--no-filter-lists`. Linked
# stylesheets are not fetched (their hosts are unreachable here), so the counts are those
# of the HTML. The load time is what `-v` reports; wall time and peak RSS of each process
# come from GNU time (apt-get install time); each is the median over the pages.
#
#   bench/filter_lists.sh                  the news pages (article-*), 130 pages
#   FILTER_SET=product bench/filter_lists.sh
#
# Environment:
#   IMAGO_BIN     the imago binary (default: build target/release/imago)
#   IMAGO_COMMIT  the commit IMAGO_BIN was built from (default: HEAD when built here)
#   IMAGO_CORPUS  the saved pages (default ../shared/corpus)
#   FILTER_SET    article or product (default article)
#   FILTER_SHOW   1: print each URL the lists drop, with its page
#
# Needs webext-ublock-origin-chromium (scripts/install-test-deps.sh installs it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
corpus=${IMAGO_CORPUS:-$root/../shared/corpus}
set_name=${FILTER_SET:-article}
imago=${IMAGO_BIN:-}
commit=${IMAGO_COMMIT:-}
if [ -z "$imago" ]; then
  (cd "$root" && cargo build --release --quiet -p imago-cli)
  imago=$root/target/release/imago
  commit=${commit:-$(cd "$root" && git describe --always --dirty 2>/dev/null || echo '?')}
fi
[ -x /usr/bin/time ] || { echo "filter_lists: GNU time is missing: apt-get install time" >&2; exit 2; }
lists=/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist
[ -f "$lists/easylist.txt" ] || {
  echo "filter_lists: $lists/easylist.txt is missing: apt-get install webext-ublock-origin-chromium" >&2
  exit 2
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pages=0 before=0 after=0 with=0
: >"$work/ms"; : >"$work/time-all"; : >"$work/time-kept"
while IFS=$'\t' read -r file url; do
  html=$work/page.html
  gzip -dc "$corpus/$file" >"$html"
  /usr/bin/time -a -o "$work/time-all" -f '%e %M' \
    "$imago" list --no-linked-css --no-filter-lists --base-url "$url" "$html" >"$work/all"
  /usr/bin/time -a -o "$work/time-kept" -f '%e %M' \
    "$imago" list -v --no-linked-css --base-url "$url" "$html" >"$work/kept" 2>"$work/err"
  grep -o 'read in [0-9]* ms' "$work/err" | grep -o '[0-9]*' >>"$work/ms" || {
    echo "filter_lists: no lists in force for $file: $(cat "$work/err")" >&2
    exit 1
  }
  n_all=$(wc -l <"$work/all")
  n_kept=$(wc -l <"$work/kept")
  pages=$((pages + 1)) before=$((before + n_all)) after=$((after + n_kept))
  [ "$n_all" = "$n_kept" ] || with=$((with + 1))
  if [ "${FILTER_SHOW:-}" = 1 ]; then
    sort "$work/all" >"$work/a"; sort "$work/kept" >"$work/k"
    comm -23 "$work/a" "$work/k" | sed "s|^|  $file\t|"
  fi
done < <(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        r = json.loads(line)
        if r.get("set") == sys.argv[2]:
            print(r["file"] + "\t" + r["url"])
' "$corpus/manifest.jsonl" "$set_name")

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
median_ms=$(median <"$work/ms")
dropped=$((before - after))
echo "imago: $imago (commit ${commit:-unknown: set IMAGO_COMMIT})"
echo "lists: $(grep -c '' "$lists/easylist.txt") + $(grep -c '' "$lists/easyprivacy.txt") lines (EasyList + EasyPrivacy, $(dpkg-query -W -f '${Package} ${Version}' webext-ublock-origin-chromium 2>/dev/null || echo '?'))"
echo
echo "| $set_name pages | images without the lists | with the lists | dropped | pages with one or more dropped |"
echo "|---:|---:|---:|---:|---:|"
printf '| %d | %d | %d | %d (%.1f%%) | %d |\n' "$pages" "$before" "$after" "$dropped" \
  "$(awk -v d="$dropped" -v b="$before" 'BEGIN {print b ? 100 * d / b : 0}')" "$with"
echo
echo "loading the lists (read + build, as -v reports): median ${median_ms} ms per run"
for run in all kept; do
  wall=$(awk '{print $1 * 1000}' "$work/time-$run" | median)
  rss=$(awk '{print $2}' "$work/time-$run" | median)
  label=$([ $run = all ] && echo "without the lists" || echo "with the lists   ")
  printf 'a process per page %s: median %d ms wall, %.1f MiB peak RSS\n' "$label" "$wall" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')"
done
