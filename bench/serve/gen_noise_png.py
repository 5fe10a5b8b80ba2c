#!/usr/bin/env python3
"""Makes the large file of the serve benchmark's read part once: a PNG of noise (which
no compressor shrinks), SIDE x SIDE RGB, about 3 x SIDE^2 bytes; 3700 makes 41 MB.
Seeded, so the same bytes every time.

Usage: gen_noise_png.py FILE [--side 3700]
"""

import argparse
import os

import numpy as np
from PIL import Image


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--side", type=int, default=3700)
    a = p.parse_args()
    if os.path.exists(a.file):
        return
    rng = np.random.default_rng(41)
    pixels = rng.integers(0, 256, (a.side, a.side, 3), dtype=np.uint8)
    tmp = a.file + ".tmp"
    Image.fromarray(pixels).save(tmp, "PNG", compress_level=1)
    os.replace(tmp, a.file)


if __name__ == "__main__":
    main()
