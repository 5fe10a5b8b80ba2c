"""Runs bench/search.sh's comparison: makes the JPEGs, times `imago index -j 1` and
imagehash's phash over them (one core each), prints the table."""
import os
import subprocess
import sys
import time

from PIL import Image

imago, photos, work, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
jpegs = os.path.join(work, f"jpegs-{count}")
SOURCES = ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "coins.png",
           "hubble_deep_field.jpg", "ihc.png", "motorcycle_left.png", "moon.png",
           "retina.jpg", "rocket.jpg", "brick.png", "grass.png", "gravel.png"]


def make():
    if os.path.isdir(jpegs) and len(os.listdir(jpegs)) == count:
        return
    os.makedirs(jpegs, exist_ok=True)
    bases = []
    for name in SOURCES:
        im = Image.open(os.path.join(photos, name)).convert("RGB")
        scale = 820 / max(im.size)
        bases.append(im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS))
    for i in range(count):
        im = bases[i % len(bases)]
        dx, dy = (i // len(bases)) % 20, (i // len(bases) // 20) % 20
        w, h = im.width - 20, im.height - 20
        im.crop((dx, dy, dx + w, dy + h)).save(os.path.join(jpegs, f"{i:05}.jpg"), quality=85)


def timed(argv):
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of `argv`."""
    t = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *argv], capture_output=True, text=True)
    if t.returncode != 0:
        sys.exit(f"{argv[0]} failed: {t.stderr[-2000:]}")
    wall, user, sys_, rss = t.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(sys_), int(rss)


IMAGEHASH = """
import os, sys, imagehash
from PIL import Image
d = sys.argv[1]
n = 0
for f in sorted(os.listdir(d)):
    with Image.open(os.path.join(d, f)) as im:
        imagehash.phash(im)
    n += 1
print(n)
"""


def main():
    make()
    files = len(os.listdir(jpegs))
    db = os.path.join(work, "bench.db")
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    imago_t = timed(["taskset", "-c", "0", imago, "index", jpegs, "--db", db, "-j", "1", "-q"])
    py_t = timed(["taskset", "-c", "0", sys.executable, "-c", IMAGEHASH, jpegs])
    rate = lambda t: files / t[0]
    print(f"{files} JPEGs of 800 px, one core each (taskset -c 0), GNU time\n")
    print("| tool | wall | CPU | pictures/s | peak RSS | imago is |")
    print("|---|---|---|---|---|---|")
    print(f"| imago index -j 1 (pHash + PDQ, x2 with the trimmed copy, SQLite) | {imago_t[0]:.2f} s | {imago_t[1]:.2f} s | **{rate(imago_t):.0f}** | {imago_t[2] / 1024:.0f} MiB | |")
    ratio = py_t[0] / imago_t[0]
    said = f"{ratio:.2f}x faster" if ratio >= 1 else f"{1 / ratio:.2f}x slower"
    print(f"| imagehash.phash (Pillow decode) | {py_t[0]:.2f} s | {py_t[1]:.2f} s | {rate(py_t):.0f} | {py_t[2] / 1024:.0f} MiB | {said} |")


main()
