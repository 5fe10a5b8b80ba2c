#!/usr/bin/env python3
"""Benchmark (2): download N images of 20-200 KB from the local nginx.

imago grab, aria2c -j16 (as usually run, and with --deferred-input, its faster
setting for long lists), wget (sequential: wget fetches one URL after the other) and
gallery-dl (generic extractor on the page; also sequential) each download into a fresh
folder. Wall time and peak RSS come from GNU time (`/usr/bin/time -f "%e %M"`); then every
file in the folder is hashed and matched against the originals' sha256 list, so a tool
only gets credit for complete, correct files.

Usage: download.py --www DIR --state DIR --count N [--imago BIN] [--tools a,b,c]
                   [--label TEXT] [--repeat K]
Appends to STATE/download.json; prints the table and writes STATE/download-N.md.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

PAGE = "http://127.0.0.1/dl/page-{n}.html"


def commands(tool, n, www, out, imago):
    urls = os.path.join(www, "dl", f"urls-{n}.txt")
    if tool == "imago":
        # --per-host 16: every image is on one host, and aria2c opens 16 connections to it.
        return [imago, "grab", PAGE.format(n=n), "-o", out, "--no-archive", "--no-hd",
                "-j", "16", "--per-host", "16", "--quiet"]
    if tool == "imago-nofsync":
        # A diagnosis, not a contender: imago fsyncs every file (and its folder) before
        # the rename that makes it visible; the peers do not. eatmydata turns fsync into a
        # no-op, which shows what that durability costs.
        return ["eatmydata"] + commands("imago", n, www, out, imago)
    if tool == "aria2c":
        return ["aria2c", "-q", "-j16", "-i", urls, "-d", out]
    if tool == "aria2c-deferred":
        # aria2c reads the whole input list up front and then slows down with its length
        # (quadratically here); --deferred-input reads it as it goes: its best setting.
        return ["aria2c", "-q", "-j16", "--deferred-input=true", "-i", urls, "-d", out]
    if tool == "wget":
        return ["wget", "-q", "-i", urls, "-P", out]
    if tool == "gallery-dl":
        return ["gallery-dl", "--config-ignore", "-q", "-D", out, "generic:" + PAGE.format(n=n)]
    raise ValueError(tool)


def expected_sums(www, n):
    sums = {}
    with open(os.path.join(www, "dl", f"sha256-{n}.txt")) as f:
        for line in f:
            digest, _ = line.split()
            sums[digest] = sums.get(digest, 0) + 1
    return sums


def verify(out, sums):
    """(files, matching, missing, stray): stray files are anything that is not one of
    the originals (a partial file, an HTML error page, a duplicate)."""
    left = dict(sums)
    files = matching = 0
    for root, _, names in os.walk(out):
        for name in names:
            files += 1
            h = hashlib.sha256()
            with open(os.path.join(root, name), "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
            d = h.hexdigest()
            if left.get(d, 0) > 0:
                left[d] -= 1
                matching += 1
    missing = sum(left.values())
    return files, matching, missing, files - matching


def run_one(tool, n, www, state, imago):
    out = os.path.join(state, "out", f"{tool}-{n}")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    cmd = commands(tool, n, www, out, imago)
    tfile = os.path.join(state, "time.txt")
    log = open(os.path.join(state, f"download-{tool}-{n}.log"), "wb")
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", tfile] + cmd,
                       stdout=log, stderr=subprocess.STDOUT, cwd=out)
    wall = time.perf_counter() - t
    log.close()
    try:
        e, m = open(tfile).read().split()[-2:]
        wall, rss_kib = float(e), int(m)
    except (OSError, ValueError):
        rss_kib = None
    files, ok, missing, stray = verify(out, expected_sums(www, n))
    total = sum(os.path.getsize(os.path.join(root, f))
                for root, _, fs in os.walk(out) for f in fs)
    shutil.rmtree(out, ignore_errors=True)
    return {"tool": tool, "count": n, "cmd": " ".join(cmd), "exit": p.returncode,
            "wall_s": wall, "rss_mib": rss_kib / 1024 if rss_kib else None,
            "files": files, "sha256_ok": ok, "missing": missing, "stray": stray,
            "bytes": total}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--www", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--imago")
    ap.add_argument("--tools", default="imago,imago-nofsync,aria2c,aria2c-deferred,wget,gallery-dl")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    tools = [t for t in args.tools.split(",")
             if t and (not t.startswith("imago") or args.imago)
             and (t != "imago-nofsync" or shutil.which("eatmydata"))]
    results = []
    for tool in tools:
        runs = []
        for _ in range(args.repeat):
            print(f"download: {tool}, {args.count} images", file=sys.stderr, flush=True)
            runs.append(run_one(tool, args.count, args.www, args.state, args.imago))
        best = min(runs, key=lambda r: r["wall_s"])
        best["runs_s"] = [r["wall_s"] for r in runs]
        results.append(best)

    size = sum(os.path.getsize(os.path.join(args.www, "dl", "img", line.split()[1]))
               for line in open(os.path.join(args.www, "dl", f"sha256-{args.count}.txt")))
    lines = [f"{args.count} images, {size / 1e6:.0f} MB, from nginx on 127.0.0.1"
             + (f" (best of {args.repeat})" if args.repeat > 1 else "") + ":", "",
             "| tool | wall time | images/s | MB/s | peak RSS | files | sha256 match | exit |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        rss = f"{r['rss_mib']:.1f} MiB" if r["rss_mib"] else "?"
        lines.append(f"| {r['tool']} | {r['wall_s']:.2f} s | {args.count / r['wall_s']:.0f} | "
                     f"{size / 1e6 / r['wall_s']:.0f} | {rss} | {r['files']} | "
                     f"{r['sha256_ok']}/{args.count} | {r['exit']} |")
    im = next((r for r in results if r["tool"] == "imago"), None)
    if im:
        lines.append("")
        for r in results:
            if r["tool"].startswith("imago"):
                continue
            ratio = r["wall_s"] / im["wall_s"]
            verdict = (f"imago **{ratio:.2f}x faster**" if ratio >= 1
                       else f"imago **{1 / ratio:.2f}x slower**")
            lines.append(f"- imago vs {r['tool']}: {im['wall_s']:.2f} s vs {r['wall_s']:.2f} s, "
                         f"{verdict}; peak RSS {im['rss_mib']:.1f} vs {r['rss_mib']:.1f} MiB")
        nf = next((r for r in results if r["tool"] == "imago-nofsync"), None)
        if nf:
            lines.append(f"- imago-nofsync is imago under `eatmydata` (fsync made a no-op), a "
                         f"diagnosis: fsync costs {im['wall_s'] - nf['wall_s']:.1f} s of imago's "
                         f"{im['wall_s']:.1f} s here.")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(args.state, f"download-{args.count}.md"), "w") as f:
        f.write(text)
    path = os.path.join(args.state, "download.json")
    old = json.load(open(path)) if os.path.exists(path) else []
    with open(path, "w") as f:
        json.dump(old + results, f, indent=1)


if __name__ == "__main__":
    main()
