#!/usr/bin/env python3
"""Benchmark (3): how much of a large JPEG `imago list --probe` reads to learn its format,
dimensions and size.

The page shows 20 camera-like JPEGs of 1-5 MB (large dimensions, EXIF with a thumbnail,
some with orientation 6/8 so width and height swap). Bytes read per image = nginx's
`$body_bytes_sent` summed over every request for that file (HEAD, ranged GETs), against
the file size. The same files are also served from /norange/, where nginx ignores Range
and answers 200 with the whole body: there only an early hang-up keeps the count low, and
what nginx logs includes what sat in socket buffers when the client closed.

Usage: probe.py --www DIR --state DIR --imago BIN
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

import report

LOG = re.compile(r'^(?P<method>[A-Z]+) (?P<path>\S+) \S+ (?P<status>\d+) (?P<bytes>\d+) "(?P<range>[^"]*)"')


def files(www):
    rows = []
    with open(os.path.join(www, "probe", "files.tsv")) as f:
        for line in f:
            name, size, w, h, orient = line.split("\t")
            rows.append({"name": name, "size": int(size), "w": int(w), "h": int(h),
                         "orientation": int(orient)})
    return rows


def served(log_path, prefix):
    """{file name: (requests, body bytes sent, ranges)} for requests under prefix."""
    out = {}
    with open(log_path) as f:
        for line in f:
            m = LOG.match(line.strip())
            if not m or not m["path"].startswith(prefix):
                continue
            name = m["path"][len(prefix):]
            n, b, ranges = out.get(name, (0, 0, []))
            ranges = ranges + [f'{m["method"]} {m["status"]} {m["range"]}']
            out[name] = (n + 1, b + int(m["bytes"]), ranges)
    return out


def run(imago, www, state, sub, rows):
    log_path = os.path.join(state, "nginx", "access.log")
    open(log_path, "w").close()  # nginx appends (O_APPEND): truncating starts a fresh log
    url = f"http://127.0.0.1/{sub}/page.html"
    cmd = [imago, "list", url, "--probe", "--json"]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, timeout=300)
    wall = time.perf_counter() - t
    time.sleep(0.5)  # let nginx log requests the client hung up on
    reported = {}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict) and "url" in obj:
            reported[obj["url"].rsplit("/", 1)[-1]] = obj
    sent = served(log_path, f"/{sub}/")
    table = []
    for r in rows:
        n, b, ranges = sent.get(r["name"], (0, 0, []))
        rep = reported.get(r["name"], {})
        w, h = (r["h"], r["w"]) if r["orientation"] in (5, 6, 7, 8) else (r["w"], r["h"])
        table.append({**r, "requests": n, "sent": b, "ranges": ranges,
                      "pct": 100.0 * b / r["size"],
                      "got_w": rep.get("width"), "got_h": rep.get("height"),
                      "got_format": rep.get("format"), "got_bytes": rep.get("bytes"),
                      "dims_ok": rep.get("width") == w and rep.get("height") == h,
                      "bytes_ok": rep.get("bytes") == r["size"]})
    return {"sub": sub, "cmd": " ".join(cmd), "exit": p.returncode, "wall_s": wall,
            "stderr": p.stderr.decode("utf-8", "replace")[-500:], "rows": table}


def summary(res):
    rows = res["rows"]
    pcts = [r["pct"] for r in rows]
    return (f"| {res['sub']} | {statistics.median(r['sent'] for r in rows) / 1024:.1f} KiB | "
            f"{statistics.median(pcts):.3f}% | {max(pcts):.3f}% | "
            f"{sum(r['sent'] for r in rows) / sum(r['size'] for r in rows) * 100:.3f}% | "
            f"{sum(r['dims_ok'] for r in rows)}/{len(rows)} | "
            f"{sum(r['bytes_ok'] for r in rows)}/{len(rows)} | {res['wall_s']:.2f} s |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--www", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--imago", required=True)
    args = ap.parse_args()
    rows = files(args.www)
    results = [run(args.imago, args.www, args.state, sub, rows) for sub in ("probe", "norange")]

    total = sum(r["size"] for r in rows)
    lines = [f"20 JPEGs, {min(r['size'] for r in rows) / 1e6:.1f}-"
             f"{max(r['size'] for r in rows) / 1e6:.1f} MB ({total / 1e6:.0f} MB in all), "
             "EXIF with thumbnail; bytes = nginx `$body_bytes_sent` over every request for "
             "the file:", "",
             "| server | bytes sent per image (median) | of file size (median) | worst | "
             "all bytes / all sizes | width x height right | size right | wall time |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [summary(r) for r in results]
    lines += ["", "`probe` honours Range; `norange` is nginx with `max_ranges 0` (whole body "
              "on every GET)."]
    first = results[0]["rows"][0]
    lines.append(f"Requests for {first['name']} ({first['size']} bytes) under /probe/: "
                 + "; ".join(first["ranges"]) + ".")
    for res in results:
        if res["exit"] != 0:
            lines.append(f"imago exited {res['exit']} on /{res['sub']}/: {res['stderr'].strip()}")
    text = "\n".join(lines) + "\n"
    report.keep(args.state, "probe", text, results)


if __name__ == "__main__":
    main()
