#!/usr/bin/env python3
"""Makes the upload and thumbnail inputs once: N photo-like JPEGs of about 1 MB.

Each is 2000x1500 (every fourth one 1500x2000, portrait pixels, no EXIF orientation;
`--size` and `--target` make other sides and sizes, e.g. 4000x3000 near 4.7 MB),
baseline JPEG at quality 90 with 4:2:0 chroma, as Pillow (libjpeg-turbo) writes it.
The pixels are two smooth gradients, a few soft coloured blobs and grain; the grain's
strength is tuned per image (one re-encode) so that the file lands near 1 MB, as a phone
photo of that size does. Image i is the same on every run (seeded by i), so the cache is
made once and only extended.

With `--distinct N` only the first N pictures are drawn; image i > N is image
((i-1) % N) + 1 with a JPEG comment segment naming i after its SOI marker: other bytes
(another SHA-256, so no upload is a duplicate), the same pixels, made in no time.

Usage: gen_jpegs.py DIR [--count 200] [--size 2000x1500] [--target 1000000] [--distinct N]
"""

import argparse
import io
import os
import sys
from multiprocessing import Pool

import numpy as np
from PIL import Image

TARGET = 1_000_000
QUALITY = 90


def picture(rng, w, h, grain):
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    x /= w
    y /= h
    c = rng.random(9, dtype=np.float32)
    img = np.stack(
        [
            255 * (0.2 + 0.6 * c[0] * x + 0.2 * c[1] * (1 - y)),
            255 * (0.1 + 0.5 * c[2] * y + 0.3 * c[3] * x),
            255 * (0.3 + 0.4 * c[4] * (1 - x) * y),
        ],
        axis=-1,
    )
    for _ in range(4):
        cx, cy, r = rng.random(), rng.random(), 0.05 + 0.25 * rng.random()
        colour = rng.random(3, dtype=np.float32) * 160 - 80
        blob = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))
        img += blob[..., None] * colour
    img += (rng.random((h, w, 3), dtype=np.float32) - 0.5) * grain
    return Image.fromarray(img.clip(0, 255).astype(np.uint8))


def encode(im):
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=QUALITY, subsampling=2)
    return buf.getvalue()


def make_one(args):
    out, i, (long, short), target = args
    path = os.path.join(out, f"photo-{i:04d}.jpg")
    if os.path.exists(path):
        return os.path.getsize(path)
    rng_seed = 7_000_001 * i
    w, h = (short, long) if i % 4 == 0 else (long, short)
    grain = 24.0
    data = encode(picture(np.random.default_rng(rng_seed), w, h, grain))
    # At this level the size grows a little slower than the grain's amplitude (about as
    # its 0.8th power, measured): one correction lands within a few percent of 1 MB.
    grain *= (target / len(data)) ** 1.3
    data = encode(picture(np.random.default_rng(rng_seed), w, h, grain))
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return len(data)


def copy_of(out, i, distinct):
    """Image i as a copy of an earlier one with a comment segment (see the docstring)."""
    path = os.path.join(out, f"photo-{i:04d}.jpg")
    if not os.path.exists(path):
        with open(os.path.join(out, f"photo-{(i - 1) % distinct + 1:04d}.jpg"), "rb") as f:
            data = f.read()
        text = f"imago bench copy {i}".encode()
        com = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
        with open(path + ".tmp", "wb") as f:
            f.write(data[:2] + com + data[2:])
        os.replace(path + ".tmp", path)
    return os.path.getsize(path)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir")
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--size", default="2000x1500", help="WIDTHxHEIGHT of the landscape ones")
    p.add_argument("--target", type=int, default=TARGET, help="bytes per file, roughly")
    p.add_argument("--distinct", type=int, default=0, help="draw only this many pictures")
    a = p.parse_args()
    distinct = a.distinct if 0 < a.distinct < a.count else a.count
    sides = tuple(int(v) for v in a.size.split("x"))
    os.makedirs(a.dir, exist_ok=True)
    with Pool(os.cpu_count() or 2) as pool:
        sizes = pool.map(make_one, [(a.dir, i, sides, a.target) for i in range(1, distinct + 1)])
    sizes += [copy_of(a.dir, i, distinct) for i in range(distinct + 1, a.count + 1)]
    print(
        f"gen_jpegs: {len(sizes)} JPEGs in {a.dir}, {min(sizes)}-{max(sizes)} bytes, "
        f"mean {sum(sizes) // len(sizes)}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
