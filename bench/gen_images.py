#!/usr/bin/env python3
"""Makes the download and probe inputs once, into a cache folder that nginx serves.

Download set: N real images (80% JPEG, 20% PNG) whose sizes are spread uniformly over
20-200 KB, a page that shows them all with <img src>, a urls.txt and a sha256 list.
Image i is the same on every run (seeded by i), so the cache is only ever extended:
asking for 20,000 after 5,000 makes 15,000 more and the first 5,000 keep their bytes.

Probe set: 20 JPEGs of 1-5 MB with large dimensions and a camera-like EXIF block (make,
model, date, orientation, exposure, and a 160x120 thumbnail in IFD1, as phones write),
and a page that shows them.

Usage: gen_images.py WWW_DIR --count N [--count M ...]
"""

import argparse
import hashlib
import io
import os
import sys
from multiprocessing import Pool

import numpy as np
from PIL import Image

KB = 1024
MIN_BYTES, MAX_BYTES = 20 * KB, 200 * KB
ASPECTS = [(4, 3), (3, 2), (1, 1), (16, 9), (3, 4), (2, 3)]
# Bytes per pixel at the noise level used below, measured once; only a first guess,
# corrected by one re-encode.
BPP = {"JPEG": 0.5, "PNG": 2.7}


def picture(rng, w, h):
    """A gradient with a coloured blob and grain: photo-like enough that encoders work
    as they do on photos, noisy enough that sizes are controlled by pixel count."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    c = rng.random(6, dtype=np.float32)
    r = 255 * (c[0] * x / max(w, 1) + c[1] * (1 - y / max(h, 1)))
    g = 255 * (c[2] * y / max(h, 1) + c[3] * 0.5)
    cx, cy = rng.random() * w, rng.random() * h
    b = 255 * c[4] * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * (0.3 * max(w, h)) ** 2))
    img = np.stack([r * 0.5, g * 0.5, b * 0.5 + 40 * c[5]], axis=-1)
    img += rng.random((h, w, 3), dtype=np.float32) * 96
    return Image.fromarray(img.clip(0, 255).astype(np.uint8))


def encode(im, fmt):
    buf = io.BytesIO()
    if fmt == "JPEG":
        im.save(buf, fmt, quality=85)
    else:
        im.save(buf, fmt, compress_level=1)
    return buf.getvalue()


def make_one(i):
    """Image number i (1-based): (file name, bytes)."""
    rng = np.random.default_rng(1_000_003 * i)
    target = int(rng.uniform(MIN_BYTES, MAX_BYTES))
    fmt = "PNG" if rng.random() < 0.2 else "JPEG"
    aw, ah = ASPECTS[int(rng.integers(len(ASPECTS)))]
    pixels = target / BPP[fmt]
    data = b""
    for _ in range(8):
        h = max(16, int((pixels * ah / aw) ** 0.5))
        w = max(16, int(pixels / h))
        data = encode(picture(rng, w, h), fmt)
        if abs(len(data) - target) <= target * 0.04 and MIN_BYTES <= len(data) <= MAX_BYTES:
            break
        pixels *= target / len(data)
    ext = "jpg" if fmt == "JPEG" else "png"
    return f"{i:05d}.{ext}", data


def download_set(www, count, workers):
    img_dir = os.path.join(www, "dl", "img")
    os.makedirs(img_dir, exist_ok=True)
    sums_path = os.path.join(www, "dl", "sha256-all.txt")
    known = {}
    if os.path.exists(sums_path):
        with open(sums_path) as f:
            for line in f:
                digest, name = line.split()
                if os.path.exists(os.path.join(img_dir, name)):
                    known[int(name.split(".")[0])] = (name, digest)
    todo = [i for i in range(1, count + 1) if i not in known]
    if todo:
        print(f"gen: making {len(todo)} images ({len(known)} cached)", file=sys.stderr)
        with Pool(workers) as pool:
            for n, (name, data) in enumerate(pool.imap_unordered(make_one, todo, chunksize=32)):
                with open(os.path.join(img_dir, name), "wb") as f:
                    f.write(data)
                known[int(name.split(".")[0])] = (name, hashlib.sha256(data).hexdigest())
                if n % 2000 == 1999:
                    print(f"gen: {n + 1}/{len(todo)}", file=sys.stderr)
        with open(sums_path, "w") as f:
            for i in sorted(known):
                f.write(f"{known[i][1]}  {known[i][0]}\n")

    chosen = [known[i] for i in range(1, count + 1)]
    base = "http://127.0.0.1/dl/img/"
    with open(os.path.join(www, "dl", f"urls-{count}.txt"), "w") as f:
        f.writelines(f"{base}{name}\n" for name, _ in chosen)
    with open(os.path.join(www, "dl", f"sha256-{count}.txt"), "w") as f:
        f.writelines(f"{digest}  {name}\n" for name, digest in chosen)
    with open(os.path.join(www, "dl", f"page-{count}.html"), "w") as f:
        f.write(f"<!doctype html>\n<html><head><meta charset=utf-8>"
                f"<title>{count} images</title></head><body>\n")
        f.writelines(f'<img src="img/{name}" alt="image {name}">\n' for name, _ in chosen)
        f.write("</body></html>\n")
    sizes = [os.path.getsize(os.path.join(img_dir, n)) for n, _ in chosen]
    print(f"gen: download set {count}: {sum(sizes) / 1e6:.1f} MB, "
          f"{min(sizes) / KB:.0f}-{max(sizes) / KB:.0f} KB", file=sys.stderr)


def exif_block(i, w, h, orientation):
    """A camera-like EXIF APP1 payload with an IFD1 JPEG thumbnail."""
    import piexif  # only here: the download set does not need it

    thumb = encode(picture(np.random.default_rng(i), 160, 120), "JPEG")
    zeroth = {
        piexif.ImageIFD.Make: b"ImagoCam",
        piexif.ImageIFD.Model: b"Bench 5000",
        piexif.ImageIFD.Orientation: orientation,
        piexif.ImageIFD.XResolution: (72, 1),
        piexif.ImageIFD.YResolution: (72, 1),
        piexif.ImageIFD.Software: b"imago bench/gen_images.py",
        piexif.ImageIFD.DateTime: b"2024:05:17 10:%02d:00" % i,
    }
    exif = {
        piexif.ExifIFD.DateTimeOriginal: b"2024:05:17 10:%02d:00" % i,
        piexif.ExifIFD.ExposureTime: (1, 250),
        piexif.ExifIFD.FNumber: (28, 10),
        piexif.ExifIFD.ISOSpeedRatings: 100,
        piexif.ExifIFD.FocalLength: (50, 1),
        piexif.ExifIFD.PixelXDimension: w,
        piexif.ExifIFD.PixelYDimension: h,
        piexif.ExifIFD.UserComment: b"ASCII\0\0\0" + b"benchmark image " * 40,
    }
    first = {piexif.ImageIFD.Compression: 6, piexif.ImageIFD.XResolution: (72, 1),
             piexif.ImageIFD.YResolution: (72, 1)}
    return piexif.dump({"0th": zeroth, "Exif": exif, "1st": first, "thumbnail": thumb})


def probe_set(www):
    d = os.path.join(www, "probe")
    os.makedirs(d, exist_ok=True)
    meta_path = os.path.join(d, "files.tsv")
    if os.path.exists(meta_path):
        return
    rows = []
    for i in range(1, 21):
        rng = np.random.default_rng(7_000_001 * i)
        target = int(rng.uniform(1.0, 5.0) * 1024 * KB)
        w, h = [(4000, 3000), (6000, 4000), (4032, 3024), (5472, 3648)][i % 4]
        orientation = [1, 6, 1, 8, 3][i % 5]
        # Smooth content at large dimensions with fine grain; the JPEG quality is the
        # knob that lands each file on its target size (the largest quality that fits).
        small = picture(rng, w // 8, h // 8).resize((w, h), Image.BICUBIC)
        grain = rng.random((h, w, 1), dtype=np.float32) * 8
        im = Image.fromarray((np.asarray(small, dtype=np.float32) + grain).clip(0, 255).astype(np.uint8))
        exif = exif_block(i, w, h, orientation)
        lo, hi, data = 20, 97, b""
        while lo <= hi:
            q = (lo + hi) // 2
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=q, exif=exif)
            if len(buf.getvalue()) <= target or not data:
                data = buf.getvalue()
            if len(buf.getvalue()) <= target:
                lo = q + 1
            else:
                hi = q - 1
        name = f"photo-{i:02d}.jpg"
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        rows.append((name, len(data), w, h, orientation))
        print(f"gen: probe {name} {len(data) / 1e6:.2f} MB {w}x{h} orientation {orientation}",
              file=sys.stderr)
    # The same files under /norange/, where nginx ignores Range (hard links: no copy).
    nr = os.path.join(www, "norange")
    os.makedirs(nr, exist_ok=True)
    for name, *_ in rows:
        dst = os.path.join(nr, name)
        if not os.path.exists(dst):
            os.link(os.path.join(d, name), dst)
    for sub in ("probe", "norange"):
        with open(os.path.join(www, sub, "page.html"), "w") as f:
            f.write("<!doctype html><html><head><title>photos</title></head><body>\n")
            f.writelines(f'<img src="{n}" alt="{n}">\n' for n, *_ in rows)
            f.write("</body></html>\n")
    with open(meta_path, "w") as f:
        f.writelines(f"{n}\t{b}\t{w}\t{h}\t{o}\n" for n, b, w, h, o in rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("www")
    ap.add_argument("--count", type=int, action="append", default=[])
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    for count in sorted(set(args.count)):
        download_set(args.www, count, args.workers)
    probe_set(args.www)


if __name__ == "__main__":
    main()
