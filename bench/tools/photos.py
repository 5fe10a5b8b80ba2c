#!/usr/bin/env python3
"""Makes the image tools' benchmark input once: 200 JPEG photos cut from real photographs.

The photographs come from Debian packages (`apt-get download`, extracted, never
installed): the nature photos of `mate-backgrounds` (CC BY-SA) and the photos of
`ukui-wallpapers` (GPL). Each of the 16 is cut into windows at different places and
sizes (4:3, every fourth 3:4, 1200 to 3200 pixels wide, never enlarged) and saved as a
baseline JPEG at quality 90 with 4:2:0 chroma, as cameras and phones write them: 200
files of real photo content, 1.1 to 7.4 megapixels (2.2 on average). The same files on every run (seeded).

Usage: photos.py WALLPAPER_ROOT OUT_DIR
"""

import os
import random
import sys

from PIL import Image

SOURCES = [
    "usr/share/backgrounds/mate/nature/" + n
    for n in [
        "Aqua.jpg", "Blinds.jpg", "Dune.jpg", "FreshFlower.jpg", "Garden.jpg",
        "GreenMeadow.jpg", "LadyBird.jpg", "RainDrops.jpg", "Storm.jpg", "TwoWings.jpg",
        "Wood.jpg", "YellowFlower.jpg",
    ]
] + ["usr/share/backgrounds/" + n for n in ["calla.png", "city.png", "desert.png", "goldfish.png"]]
COUNT = 200


def main():
    root, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    photos = [Image.open(os.path.join(root, s)).convert("RGB") for s in SOURCES]
    rng = random.Random(9)
    for i in range(COUNT):
        path = os.path.join(out, f"photo-{i + 1:03d}.jpg")
        if os.path.exists(path):
            continue
        src = photos[i % len(photos)]
        sw, sh = src.size
        portrait = i % 4 == 3
        # The largest 4:3 (or 3:4) window the photo holds, then 60-100% of it.
        if portrait:
            h = min(sh, sw * 4 // 3)
            w = h * 3 // 4
        else:
            w = min(sw, sh * 4 // 3)
            h = w * 3 // 4
        scale = rng.uniform(0.6, 1.0)
        w, h = max(1200 if not portrait else 900, int(w * scale)), 0
        h = w * 4 // 3 if portrait else w * 3 // 4
        w, h = min(w, sw), min(h, sh)
        x = rng.randint(0, sw - w)
        y = rng.randint(0, sh - h)
        src.crop((x, y, x + w, y + h)).save(path, "JPEG", quality=90, subsampling=2)
    print(f"{COUNT} photos in {out}")


if __name__ == "__main__":
    main()
