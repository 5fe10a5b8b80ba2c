#!/usr/bin/env bash
# The fuzz targets of fuzz/ (cargo-fuzz, libFuzzer): installs
# cargo-fuzz when missing, builds every target, seeds each from ../shared/corpus and
# ../shared/images (into fuzz/corpus/<target>/, never committed) and runs each for a
# while, then prints: target, CPU seconds, executions, crashes.
#
#   scripts/fuzz.sh smoke            # CI: 20 s per target
#   scripts/fuzz.sh long SECONDS     # a long run: SECONDS per target
#   scripts/fuzz.sh long 600 srcset probe   # only the targets named
#
# A crash, a timeout (an input taking over 10 s), an out-of-memory (over 2 GB) or, in the
# discovery targets, an input much slower per byte than an ordinary page (see
# fuzz/fuzz_targets/common/linear.rs) is a finding: libFuzzer writes the input to
# fuzz/artifacts/<target>/ and the script exits 1 after the table. Reproduce one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/<file>
#
# Only stable Rust is needed: RUSTC_BOOTSTRAP=1 lets it take cargo-fuzz's nightly flags
# (-Zsanitizer). Runs at nice 10: the machine is shared.
#
# The smoke run builds without a sanitizer (the targets are safe Rust: a panic, a hang or
# runaway memory is what it looks for, and the build takes a third of the time); a long
# run adds AddressSanitizer. IMAGO_FUZZ_SANITIZER=address|none overrides either. The
# build goes to IMAGO_FUZZ_TARGET_DIR (default ~/.cache/imago-fuzz-target), kept between
# runs like garage in ~/.cargo/bin, so CI rebuilds only imago's own crates.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-smoke}
case "$mode" in
smoke)
    seconds=20
    sanitizer=${IMAGO_FUZZ_SANITIZER:-none}
    # The same mutations each run (as far as 20 s reach), so CI does not fail one run in
    # ten on a new random finding: new ground is the long run's job.
    seed_opt=(-seed=1)
    ;;
long)
    seconds=${2:?usage: scripts/fuzz.sh long SECONDS [TARGET...]}
    sanitizer=${IMAGO_FUZZ_SANITIZER:-address}
    seed_opt=()
    shift
    ;;
*)
    echo "usage: scripts/fuzz.sh smoke | long SECONDS [TARGET...]" >&2
    exit 2
    ;;
esac
shift || true
[[ $seconds =~ ^[0-9]+$ ]] || {
    echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2
    exit 2
}

shared=${IMAGO_SHARED:-$(cd .. && pwd)/shared}
for d in "$shared/corpus/pages" "$shared/images"; do
    [[ -d $d ]] || {
        echo "fuzz.sh: $d is missing (set IMAGO_SHARED to the folder holding corpus/ and images/)" >&2
        exit 2
    }
done

export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

all_targets=$(cargo fuzz list)
targets=${*:-$all_targets}

target_dir=${IMAGO_FUZZ_TARGET_DIR:-$HOME/.cache/imago-fuzz-target}
fuzz_opts=(--sanitizer "$sanitizer" --target-dir "$target_dir")
# The kept target dir would otherwise grow by every build's fuzz binaries and imago
# libraries (~65 MB a target, new hashes whenever features or flags change: 7 GB after a
# day). They are rebuilt anyway when imago's sources change, so drop the old ones first;
# the dependencies, the slow part, stay.
for d in "$target_dir"/*/release/deps; do
    [ -d "$d" ] || continue
    for t in $all_targets; do rm -f "$d/$t"-*; done
    rm -f "$d"/libimago_*-* "$d"/imago_*-*
done
echo "== building the fuzz targets (release, sanitizer: $sanitizer, into $target_dir)"
build_start=$SECONDS
nice -n 10 cargo fuzz build "${fuzz_opts[@]}"
echo "built in $((SECONDS - build_start)) s"

corpus=fuzz/corpus
rm -rf "$corpus.seeds"
mkdir -p "$corpus.seeds"

# --- Seeds ------------------------------------------------------------------------
# Pages: the whole corpus for a long run; the smaller pages for the smoke run, whose
# 20 s would otherwise go into the first pass over 110 MB.
seed() { mkdir -p "$corpus.seeds/$1" && cat >"$corpus.seeds/$1/$2"; }
n=0
for gz in "$shared"/corpus/pages/*.html.gz; do
    name=$(basename "$gz" .html.gz)
    page=$(gzip -dc "$gz" | tr -d '\000')
    if [[ $mode == smoke && ${#page} -gt 150000 ]]; then
        continue
    fi
    printf '%s' "$page" | seed discover_html "$name"
    [[ $name == product-* ]] && printf '%s' "$page" | seed product_html "$name"
    # The text of its <style> blocks, its srcset values and its data: URIs.
    flat=$(printf '%s' "$page" | tr '\n' ' ')
    printf '%s' "$flat" | grep -oiP '<style[^>]*>\K.*?(?=</style)' | head -c 200000 |
        seed discover_css "$name" || true
    printf '%s' "$flat" | grep -oiP '(?:srcset|data-srcset)="\K[^"]+' | head -n 20 |
        while IFS= read -r s; do printf '%s' "$s" | seed srcset "$name-$((n++))"; done || true
    printf '%s' "$flat" | grep -oiP '"\Kdata:[^"]{0,4000}' | head -n 5 |
        while IFS= read -r s; do printf '%s' "$s" | seed data_uri "$name-$((n++))"; done || true
done
find "$corpus.seeds/discover_css" -size 0 -delete 2>/dev/null || true

# Images: every shared file (valid, odd, hostile), for the probe and the containers.
for f in "$shared"/images/*/*; do
    name=$(basename "$(dirname "$f")")-$(basename "$f")
    seed probe "$name" <"$f"
    seed media_container "$name" <"$f"
done

# The rule files the project ships.
seed hd_rules hd.toml <crates/imago-core/rules/hd.toml
seed site_rules sites.toml <crates/imago-core/rules/sites.toml

# Upload bodies: the Content-Type on the first line, then the body.
b=imagoboundary
for f in "$shared"/images/formats/*; do
    {
        printf 'multipart/form-data; boundary=%s\n' "$b"
        printf -- '--%s\r\nContent-Disposition: form-data; name="key"\r\n\r\nabc\r\n' "$b"
        printf -- '--%s\r\nContent-Disposition: form-data; name="source"; filename="%s"\r\nContent-Type: application/octet-stream\r\n\r\n' "$b" "$(basename "$f")"
        head -c 20000 "$f"
        printf '\r\n--%s--\r\n' "$b"
    } | seed multipart "$(basename "$f")"
done
printf 'multipart/form-data; boundary="q q"\n--q q\r\nContent-Disposition: form-data; name="source"\r\n\r\nhttps://example.com/a.jpg\r\n--q q--\r\n' |
    seed multipart url

# Native-messaging frames: a length in native (little-endian) order, then JSON.
frame() { printf "\\x$(printf %02x $((${#1} & 255)))\\x$(printf %02x $((${#1} >> 8 & 255)))\\x00\\x00%s" "$1"; }
{ frame '{"type":"ping"}'; frame '{"type":"save","items":[{"url":"https://a/b.jpg","filename":"b.jpg"}],"folder":"x"}'; } |
    seed native_frame two
printf '\xff\xff\xff\x7f{' | seed native_frame huge

# cookies.txt, as browser extensions export it.
printf '# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tFALSE\t0\tsid\tabc\n#HttpOnly_www.example.com\tFALSE\t/a\tTRUE\t1900000000\ttok\tx=y\n' |
    seed cookies netscape

# HLS playlists: a master with an audio group, a media playlist with keys, maps, byte
# ranges and a discontinuity.
printf '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",DEFAULT=YES,URI="a.m3u8"\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001f,mp4a.40.2",AUDIO="a"\nlow/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720\nhigh/index.m3u8\n' |
    seed hls_playlist master
printf '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:7\n#EXT-X-MAP:URI="init.mp4",BYTERANGE="800@0"\n#EXT-X-KEY:METHOD=AES-128,URI="k.key",IV=0x0102\n#EXTINF:2.0,\n#EXT-X-BYTERANGE:1000@800\nall.mp4\n#EXT-X-DISCONTINUITY\n#EXT-X-KEY:METHOD=NONE\n#EXTINF:1.5,\n#EXT-X-BYTERANGE:500\nall.mp4\n#EXT-X-ENDLIST\n' |
    seed hls_playlist media

# --- Runs ---------------------------------------------------------------------------
mkdir -p fuzz/artifacts
declare -A max_len=([discover_html]=262144 [product_html]=262144 [discover_css]=131072 [media_container]=65536 [probe]=65536 [multipart]=65536)
rows=()
found=0
for t in $targets; do
    grep -qx "$t" <<<"$all_targets" || {
        echo "fuzz.sh: no target '$t' (targets: $(echo $all_targets))" >&2
        exit 2
    }
    mkdir -p "$corpus/$t" "fuzz/artifacts/$t" "$corpus.seeds/$t"
    before=$(find "fuzz/artifacts/$t" -type f | wc -l)
    log=fuzz/artifacts/$t.log
    echo "== $t: $seconds s"
    TIMEFORMAT='%U %S'
    cpu=$({ time nice -n 10 cargo fuzz run "${fuzz_opts[@]}" "$t" "$corpus/$t" "$corpus.seeds/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 "${seed_opt[@]}" \
        -max_len="${max_len[$t]:-16384}" -print_final_stats=1 \
        -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1 || true; } 2>&1 | tail -n 1)
    cpu=$(awk '{ printf "%.0f", $1 + $2 }' <<<"$cpu")
    execs=$(grep -oP 'stat::number_of_executed_units:\s*\K[0-9]+' "$log" | tail -n 1 || true)
    crashes=$(($(find "fuzz/artifacts/$t" -type f | wc -l) - before))
    if ((crashes > 0)); then
        found=1
        grep -m1 -E 'panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer' "$log" || true
        echo "   input: $(ls -t "fuzz/artifacts/$t" | head -n 1), log: $log"
    fi
    rows+=("$(printf '%-16s %8s %12s %8s' "$t" "$cpu" "${execs:-?}" "$crashes")")
done

echo
printf '%-16s %8s %12s %8s\n' target "CPU s" executions crashes
printf '%s\n' "${rows[@]}"
exit "$found"
