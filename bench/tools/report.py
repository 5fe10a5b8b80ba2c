#!/usr/bin/env python3
"""The image tools benchmark's table: times, memory, bytes, ratios against imago, and PSNR
of imago's pictures against each peer's (the same job's outputs, file by file, decoded by
Pillow; sides that differ by a rounding pixel are compared on their common part).

Usage: report.py WORK_DIR   (bench/tools/run.sh calls it)
"""

import math
import os
import sys

import numpy as np
from PIL import Image

work = sys.argv[1]
rows = {}
for line in open(os.path.join(work, "times")):
    name, secs, kb, size = line.split()
    job, tool, mode = name.split("-")
    rows[(job, tool, mode)] = (float(secs), int(kb), int(size))


def psnr(a, b):
    a = np.asarray(Image.open(a).convert("RGB"), dtype=np.float64)
    b = np.asarray(Image.open(b).convert("RGB"), dtype=np.float64)
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    mse = np.mean((a[:h, :w] - b[:h, :w]) ** 2)
    return 99.0 if mse == 0 else 10 * math.log10(255 * 255 / mse)


def mean_psnr(job, peer):
    ours = os.path.join(work, "out", f"{job}-imago-all")
    theirs = os.path.join(work, "out", f"{job}-{peer}-all")
    values = []
    for f in sorted(os.listdir(ours))[:40]:
        stem = os.path.splitext(f)[0]
        match = [g for g in os.listdir(theirs) if os.path.splitext(g)[0] == stem]
        if match:
            values.append(psnr(os.path.join(ours, f), os.path.join(theirs, match[0])))
    return sum(values) / len(values) if values else float("nan")


print()
print("| job | cores | tool | wall s | vs imago | peak MB | output MB | PSNR vs imago (dB) |")
print("|---|---|---|---|---|---|---|---|")
for job in ["resize", "webp", "avif", "stitch"]:
    for mode in ["one", "all"]:
        base = rows.get((job, "imago", mode))
        for tool in ["imago", "vips", "magick"]:
            r = rows.get((job, tool, mode))
            if not r or not base:
                continue
            ratio = r[0] / base[0] if base[0] else float("nan")
            q = "" if tool == "imago" or mode == "one" else f"{mean_psnr(job, tool):.1f}"
            print(
                f"| {job} | {mode} | {tool} | {r[0]:.2f} | {ratio:.2f}x | {r[1] / 1024:.0f} "
                f"| {r[2] / 1e6:.1f} | {q} |"
            )
