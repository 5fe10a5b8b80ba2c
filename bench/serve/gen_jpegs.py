#!/usr/bin/env python3
"""Makes the upload and thumbnail inputs once: N photo-like JPEGs of about 1 MB.

Each is 2000x1500 (every fourth one 1500x2000, portrait pixels, no EXIF orientation),
baseline JPEG at quality 90 with 4:2:0 chroma, as Pillow (libjpeg-turbo) writes it.
The pixels are two smooth gradients, a few soft coloured blobs and grain; the grain's
strength is tuned per image (one re-encode) so that the file lands near 1 MB, as a phone
photo of that size does. Image i is the same on every run (seeded by i), so the cache is
made once and only extended.

Usage: gen_jpegs.py DIR [--count 200]
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
    out, i = args
    path = os.path.join(out, f"photo-{i:04d}.jpg")
    if os.path.exists(path):
        return os.path.getsize(path)
    rng_seed = 7_000_001 * i
    w, h = (1500, 2000) if i % 4 == 0 else (2000, 1500)
    grain = 24.0
    data = encode(picture(np.random.default_rng(rng_seed), w, h, grain))
    # At this level the size grows a little slower than the grain's amplitude (about as
    # its 0.8th power, measured): one correction lands within a few percent of 1 MB.
    grain *= (TARGET / len(data)) ** 1.3
    data = encode(picture(np.random.default_rng(rng_seed), w, h, grain))
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return len(data)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir")
    p.add_argument("--count", type=int, default=200)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    with Pool(os.cpu_count() or 2) as pool:
        sizes = pool.map(make_one, [(a.dir, i) for i in range(1, a.count + 1)])
    print(
        f"gen_jpegs: {len(sizes)} JPEGs in {a.dir}, {min(sizes)}-{max(sizes)} bytes, "
        f"mean {sum(sizes) // len(sizes)}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
