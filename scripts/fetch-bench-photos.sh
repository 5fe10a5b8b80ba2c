#!/usr/bin/env bash
# Real, mutually unrelated photos for the accuracy benchmark (bench/accuracy.sh), from the
# package registries only: the photographs among Debian's desktop wallpapers, OpenCV's
# sample pictures and Stellarium's deep-sky pictures (packages downloaded with
# `apt-get download`, unpacked with `dpkg-deb -x`, never installed), the scikit-image
# photos (scripts/fetch-photos.sh) and the sample photos of the scikit-learn and
# matplotlib wheels (pip download). Each is shrunk to at most 1024 px (JPEG sources stay
# JPEG, quality 95; PNG stay PNG), copies of one picture are dropped (16x16 grey
# thumbnails compared), and README.txt says where each came from and under which licence
# (each package's copyright file is kept in licences/). Never committed. Prints the
# folder, and the number of photos on stderr.
#   scripts/fetch-bench-photos.sh      -> target/photos/bench
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/target/photos/bench"
version=1
if [ -f "$out/.done-$version" ]; then
  echo "fetch-bench-photos: $(ls "$out"/photos | wc -l) photos in $out/photos" >&2
  echo "$out"
  exit 0
fi

# Which files of each package are photographs was judged by eye (contact sheets):
# abstract art, renders, logos, drawings, calibration boards and second views of one
# scene are left out.
debs=(mate-backgrounds plasma-workspace-wallpapers lomiri-wallpapers-16.04
  lomiri-wallpapers-20.04 lxqt-themes opencv-doc stellarium-data)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The packages (470 MB, most of it Stellarium's) are kept in target/photos/debs for the
# next run.
cache="$root/target/photos/debs"
mkdir -p "$cache"
(
  cd "$cache"
  missing=()
  for d in "${debs[@]}"; do
    ls "${d}"_*.deb >/dev/null 2>&1 || missing+=("$d")
  done
  if [ ${#missing[@]} -gt 0 ] && ! apt-get download -q "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    apt-get download -q "${missing[@]}" >/dev/null
  fi
  for d in "${debs[@]}"; do
    mkdir -p "$tmp/x/$d"
    dpkg-deb -x "$(ls "${d}"_*.deb | head -1)" "$tmp/x/$d"
    dpkg-deb -f "$(ls "${d}"_*.deb | head -1)" Version >"$tmp/x/$d.version"
  done
)

# Pillow, for the shrinking; Debian's python3 has no pip of its own, a venv has one.
py=python3
if ! python3 -c 'import PIL' 2>/dev/null; then
  venv="$root/target/photos/venv"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  "$venv/bin/python3" -c 'import PIL' 2>/dev/null || "$venv/bin/pip" install -q pillow >&2
  py="$venv/bin/python3"
  pip=("$venv/bin/pip")
else
  pip=(python3 -m pip)
  python3 -m pip --version >/dev/null 2>&1 || {
    venv="$root/target/photos/venv"
    [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
    pip=("$venv/bin/pip")
  }
fi
mkdir -p "$cache/wheels"
"${pip[@]}" download -q --no-deps --only-binary=:all: --dest "$cache/wheels" \
  "scikit-learn==1.5.2" "matplotlib==3.9.2" >&2
skimage="$("$root/scripts/fetch-photos.sh")"

rm -rf "$out"
mkdir -p "$out/photos" "$out/licences"
"$py" - "$tmp" "$out" "$skimage" "$cache/wheels" <<'PY'
import io, os, sys, zipfile
from PIL import Image, ImageOps

Image.MAX_IMAGE_PIXELS = None
tmp, out, skimage, wheeldir = sys.argv[1:]
x = os.path.join(tmp, "x")

def deb(pkg, sub, names):
    return [(pkg, os.path.join(x, pkg, sub, n)) for n in names]

sources = []
sources += deb("mate-backgrounds", "usr/share/backgrounds/mate/nature", [
    "Garden.jpg", "Dune.jpg", "Wood.jpg", "Aqua.jpg", "TwoWings.jpg", "Storm.jpg",
    "GreenMeadow.jpg", "RainDrops.jpg", "Blinds.jpg", "FreshFlower.jpg", "LadyBird.jpg",
    "YellowFlower.jpg"])
sources += deb("lomiri-wallpapers-16.04", "usr/share/backgrounds", [
    "Picture_1A_by_freespace.jpg", "Wine_by_Jakkub_Mede.jpg", "greentock_by_Peter_Nerlich.jpg",
    "seeding_by_Clements_Engelhardt.jpg", "aitzgorri_by_Aitzol_Berasategi.jpg",
    "Dragonfly_by_Bolly.jpg", "friends_by_Aitzol_Berasategi.jpg",
    "sunset_by_Aitzol_Berasategi.jpg", "free_by_Peter_Nerlich.jpg",
    "picosdeeuropa_by_Aitzol_Berasategi.jpg", "Picture_0B_by_freespace.jpg",
    "life_by_Aitzol_Berasategi.jpg", "analogpattern_by_Peter_Nerlich.jpg",
    "Bridge_by_Sander_Klootwijk.jpg"])
sources += deb("lomiri-wallpapers-20.04", "usr/share/backgrounds", ["Kleiber_by_Lukas_Baubkus.jpg"])
sources += deb("lxqt-themes", "usr/share/lxqt/wallpapers", [
    "flowers.png", "fog.jpg", "after-the-rain.jpg", "Butterfly-Kenneth-Wimer.jpg", "beam.png",
    "Valendas.png", "appleflower.png", "cloud.png", "drop.png", "this-is-not-windows.jpg",
    "butterfly.png"])
plasma = os.path.join(x, "plasma-workspace-wallpapers", "usr/share/wallpapers")
for name in ["BytheWater", "ColdRipple", "DarkestHour", "EveningGlow", "FallenLeaf", "Grey",
             "Kite", "MilkyWay", "OneStandsOut", "Path", "summer_1am"]:
    d = os.path.join(plasma, name, "contents", "images")
    # The largest landscape picture of each.
    best = max(os.listdir(d), key=lambda f: (int(f.split("x")[0]) > int(f.split("x")[1].split(".")[0]),
                                              int(f.split("x")[0])))
    sources.append(("plasma-workspace-wallpapers", os.path.join(d, best), name))
sources += deb("opencv-doc", "usr/share/doc/opencv-doc/examples/data", [
    "aero1.jpg", "aloeL.jpg", "apple.jpg", "baboon.jpg", "basketball1.png", "board.jpg",
    "box_in_scene.png", "building.jpg", "butterfly.jpg", "chicky_512.png", "ela_original.jpg",
    "fruits.jpg", "graf1.png", "home.jpg", "leuvenA.jpg", "licenseplate_motion.jpg",
    "messi5.jpg", "orange.jpg", "rubberwhale1.png", "squirrel_cls.jpg", "stuff.jpg"])
# Deep-sky photographs: the 60 largest files (the most detailed pictures).
neb = os.path.join(x, "stellarium-data", "usr/share/stellarium/nebulae/default")
files = sorted((f for f in os.listdir(neb) if f.endswith((".png", ".jpg"))),
               key=lambda f: (-os.path.getsize(os.path.join(neb, f)), f))
sources += [("stellarium-data", os.path.join(neb, f)) for f in files[:60]]
# scikit-image: the photos the search tests use (tests/support/mod.rs).
sources += [("scikit-image", os.path.join(skimage, f)) for f in [
    "astronaut.png", "camera.png", "chelsea.png", "coffee.png", "coins.png",
    "hubble_deep_field.jpg", "ihc.png", "motorcycle_left.png", "moon.png", "retina.jpg",
    "rocket.jpg", "brick.png", "grass.png", "gravel.png"]]
wheels = {}
for w in sorted(os.listdir(wheeldir)):
    z = zipfile.ZipFile(os.path.join(wheeldir, w))
    for member in z.namelist():
        if member == "sklearn/datasets/images/README.txt":
            open(os.path.join(out, "licences", "scikit-learn-images.README.txt"), "wb").write(z.read(member))
        if member in ("sklearn/datasets/images/china.jpg", "sklearn/datasets/images/flower.jpg",
                      "matplotlib/mpl-data/sample_data/grace_hopper.jpg"):
            pkg = w.split("-")[0].replace("_", "-") + " " + w.split("-")[1]
            p = os.path.join(tmp, os.path.basename(member))
            open(p, "wb").write(z.read(member))
            sources.append((pkg, p))

def thumb(im):
    g = list(im.convert("L").resize((16, 16), Image.BILINEAR).getdata())
    mean = sum(g) / len(g)
    sd = (sum((v - mean) ** 2 for v in g) / len(g)) ** 0.5 or 1.0
    return [(v - mean) / sd for v in g], g

def same(t, u):
    # The same picture again (another size, another file): the same layout of light and
    # dark (correlation of the normalised thumbnails) and the same brightness.
    corr = sum(a * b for a, b in zip(t[0], u[0])) / len(t[0])
    diff = sum(abs(a - b) for a, b in zip(t[1], u[1])) / len(t[1])
    return corr > 0.9 and diff < 12

kept, thumbs, seen = [], [], set()
for src in sources:
    pkg, path = src[0], src[1]
    label = src[2] if len(src) > 2 else os.path.splitext(os.path.basename(path))[0]
    im = Image.open(path)
    im = ImageOps.exif_transpose(im)
    if im.mode in ("RGBA", "LA", "P"):
        im = im.convert("RGBA")
        bg = Image.new("RGB", im.size, "white")
        bg.paste(im, mask=im.split()[-1])
        im = bg
    im = im.convert("RGB")
    if max(im.size) > 1024:
        im.thumbnail((1024, 1024), Image.LANCZOS)
    t = thumb(im)
    dup = next((k for k, u in zip(kept, thumbs) if same(t, u)), None)
    if dup:
        print(f"fetch-bench-photos: {pkg} {label} is {dup[1]} again, dropped", file=sys.stderr)
        continue
    short = {"mate-backgrounds": "mate", "plasma-workspace-wallpapers": "plasma",
             "lomiri-wallpapers-16.04": "lomiri", "lomiri-wallpapers-20.04": "lomiri",
             "lxqt-themes": "lxqt", "opencv-doc": "opencv", "stellarium-data": "stellarium",
             "scikit-image": "skimage"}.get(pkg, pkg.split()[0])
    name = f"{short}-{label}".replace(" ", "_")
    while name in seen:
        name += "_"
    seen.add(name)
    ext = ".jpg" if path.lower().endswith((".jpg", ".jpeg")) else ".png"
    if ext == ".jpg":
        im.save(os.path.join(out, "photos", name + ext), quality=95)
    else:
        im.save(os.path.join(out, "photos", name + ext))
    kept.append((pkg, name + ext, os.path.basename(path)))
    thumbs.append(t)

licences = {}
for pkg in sorted({k[0] for k in kept}):
    base = pkg.split()[0]
    c = os.path.join(x, base, "usr/share/doc", base, "copyright")
    if os.path.exists(c):
        text = open(c, encoding="utf-8", errors="replace").read()
        open(os.path.join(out, "licences", base + ".copyright"), "w").write(text)
        names = sorted({l.split(":", 1)[1].strip() for l in text.splitlines()
                        if l.startswith("License:")})
        version = open(os.path.join(x, base + ".version")).read().strip()
        licences[pkg] = f"Debian bookworm package {base} {version}; licences in its copyright file " \
                        f"(licences/{base}.copyright): {', '.join(names)}"
if os.path.exists(os.path.join(skimage, "README.txt")):
    open(os.path.join(out, "licences", "scikit-image-data.README.txt"), "w").write(open(os.path.join(skimage, "README.txt")).read())
licences["scikit-image"] = "PyPI scikit-image 0.26.0 (scripts/fetch-photos.sh): one licence per photo, listed in licences/scikit-image-data.README.txt (from skimage/data/README.txt)"
for pkg in {k[0] for k in kept}:
    if pkg.startswith("scikit-learn"):
        licences[pkg] = f"PyPI {pkg} wheel, sklearn/datasets/images (their licence: licences/scikit-learn-images.README.txt, from the wheel)"
    if pkg.startswith("matplotlib"):
        licences[pkg] = f"PyPI {pkg} wheel, mpl-data/sample_data/grace_hopper.jpg (US Navy photograph, public domain)"
with open(os.path.join(out, "README.txt"), "w") as f:
    f.write("Photos for bench/accuracy.sh, made by scripts/fetch-bench-photos.sh; shrunk to at most\n"
            "1024 px, duplicates dropped. Not to be committed or redistributed apart from their\n"
            "packages' terms.\n\nSources:\n")
    for pkg in sorted(licences):
        n = sum(1 for k in kept if k[0] == pkg)
        if n:
            f.write(f"- {pkg} ({n} photos): {licences[pkg]}\n")
    f.write("\nFiles (name <- original file name, source):\n")
    for pkg, name, orig in kept:
        f.write(f"{name} <- {orig} ({pkg})\n")
print(len(kept))
PY
touch "$out/.done-$version"
echo "fetch-bench-photos: $(ls "$out"/photos | wc -l) photos in $out/photos" >&2
echo "$out"
