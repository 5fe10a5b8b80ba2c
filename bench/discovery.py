#!/usr/bin/env python3
"""Benchmark (1): image discovery over the 270 corpus pages, imago list vs gallery-dl -g.

Both tools read the same decompressed pages from the same nginx (http://127.0.0.1/corpus/),
so relative URLs resolve against the same base for both. The image URLs inside the pages
point at the original hosts, which are unreachable here: `imago list` without --probe and
`gallery-dl -g` only print URLs, so this measures discovery, not downloading.

Each tool runs twice: once per page (a process per page, as a user runs it on one page)
and once with all 270 URLs in a single call (startup paid once). The per-page runs give
the per-page counts and the overlap; both give times.

Usage: discovery.py --www DIR --manifest manifest.jsonl --state DIR [--imago BIN]
Writes STATE/discovery.md (the table) and STATE/discovery.json (the figures); prints the
table. The lists of URLs each tool missed go to STATE/discovery-missed-*.txt.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

import urlnorm

BASE = "http://127.0.0.1/corpus/"
SCRIPT_BLOCK = re.compile(rb"<script\b[^>]*>.*?</script\s*>", re.I | re.S)


def pages_from(manifest):
    rows = []
    with open(manifest) as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                name = os.path.basename(rec["file"])[: -len(".gz")]
                rows.append((name, rec["url"], rec.get("set", "")))
    return rows


def timed(cmd, timeout=600):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, timeout=timeout)
    return time.perf_counter() - t, p


def gallery_dl_cmd(urls):
    return ["gallery-dl", "--config-ignore", "-g"] + ["generic:" + u for u in urls]


def gdl_urls(stdout):
    out = []
    for line in stdout.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line.startswith("| "):
            line = line[2:]
        if line:
            out.append(line)
    return out


def imago_images(stdout):
    """(images, errors): each image a dict of the `list --json` line."""
    images, bad = [], 0
    for line in stdout.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(obj, dict) and "url" in obj:
            images.append(obj)
    return images, bad


def imago_supports(imago, flag):
    try:
        p = subprocess.run([imago, "list", "--help"], capture_output=True, timeout=30)
        return flag.encode() in p.stdout + p.stderr
    except (OSError, subprocess.TimeoutExpired):
        return False


def in_script(page_bytes, raw):
    """Whether the raw text of a URL occurs only inside <script> blocks of the page."""
    needle = raw.encode("utf-8", "replace")
    pos = page_bytes.find(needle)
    if pos < 0:
        # Relative URLs were resolved by gallery-dl: look for the path's tail.
        tail = raw.rsplit("/", 1)[-1].encode("utf-8", "replace")
        pos = page_bytes.find(tail) if len(tail) > 6 else -1
        if pos < 0:
            return None
        needle = tail
    spans = [m.span() for m in SCRIPT_BLOCK.finditer(page_bytes)]
    start = 0
    while True:
        pos = page_bytes.find(needle, start)
        if pos < 0:
            return True
        if not any(a <= pos < b for a, b in spans):
            return False
        start = pos + 1


def run_gallery_dl(pages, log):
    per_page, times = {}, []
    for i, (name, _, _) in enumerate(pages):
        dt, p = timed(gallery_dl_cmd([BASE + name]))
        times.append(dt)
        per_page[name] = gdl_urls(p.stdout)
        if i % 50 == 49:
            log(f"discovery: gallery-dl {i + 1}/{len(pages)} pages")
    dt_batch, p = timed(gallery_dl_cmd([BASE + n for n, _, _ in pages]), timeout=1800)
    batch_lines = len(gdl_urls(p.stdout))
    return per_page, times, dt_batch, batch_lines


def run_imago(imago, pages, extra, log):
    per_page, times, bad = {}, [], 0
    for i, (name, _, _) in enumerate(pages):
        dt, p = timed([imago, "list", BASE + name, "--json"] + extra)
        times.append(dt)
        imgs, b = imago_images(p.stdout)
        bad += b
        if p.returncode not in (0, 1):
            log(f"discovery: imago list {name} exited {p.returncode}: "
                f"{p.stderr.decode('utf-8', 'replace').strip()[:200]}")
        per_page[name] = imgs
        if i % 90 == 89:
            log(f"discovery: imago{' ' + ' '.join(extra) if extra else ''} {i + 1}/{len(pages)} pages")
    dt_batch, p = timed([imago, "list", "--json"] + extra + [BASE + n for n, _, _ in pages])
    batch_imgs, _ = imago_images(p.stdout)
    return per_page, times, dt_batch, len(batch_imgs), bad


def judge(urls):
    """{normalized url: class} of raw URLs."""
    out = {}
    for raw in urls:
        u = urlnorm.unescape(raw)
        out.setdefault(urlnorm.normalize(u), urlnorm.classify(u))
    return out


def compare(pages, www, gdl, imago):
    """Counts per page and the overlap, with the same rules for both tools."""
    rows = []
    missed_by_gdl, missed_by_imago = [], []
    for name, _, _ in pages:
        g = judge(gdl[name])
        g_real = {u for u, c in g.items() if c == "real"}
        row = {"page": name, "gdl_printed": len(g), "gdl_real": len(g_real),
               "gdl_classes": {}}
        for c in g.values():
            row["gdl_classes"][c] = row["gdl_classes"].get(c, 0) + 1
        if imago is not None:
            imgs = imago[name]
            i_real, i_all_urls, i_classes = [], set(), {}
            for im in imgs:
                best = urlnorm.unescape(im["url"])
                c = urlnorm.classify(best)
                i_classes[c] = i_classes.get(c, 0) + 1
                keys = {urlnorm.normalize(best)}
                for alt in im.get("alternates") or []:
                    keys.add(urlnorm.normalize(urlnorm.unescape(alt)))
                i_all_urls |= keys
                if c == "real":
                    i_real.append((best, keys))
            row.update({"imago_images": len(imgs), "imago_real": len(i_real),
                        "imago_classes": i_classes})
            # An imago image counts as found by gallery-dl when gallery-dl printed its
            # best URL or any of its alternates.
            gdl_missed = [best for best, keys in i_real if not keys & set(g)]
            # A gallery-dl URL counts as found by imago when it is any imago URL
            # (best or alternate).
            imago_missed = sorted(g_real - i_all_urls)
            row["gdl_misses"] = len(gdl_missed)
            row["imago_misses"] = len(imago_missed)
            page_bytes = open(os.path.join(www, "corpus", name), "rb").read()
            raw_by_norm = {}
            for raw in gdl[name]:
                raw_by_norm.setdefault(urlnorm.normalize(urlnorm.unescape(raw)), raw)
            scripted = 0
            for u in imago_missed:
                s = in_script(page_bytes, raw_by_norm.get(u, u))
                scripted += bool(s)
                missed_by_imago.append(f"{name}\t{'script' if s else 'markup'}\t{u}")
            row["imago_misses_in_script"] = scripted
            missed_by_gdl.extend(f"{name}\t{u}" for u in gdl_missed)
        rows.append(row)
    return rows, missed_by_gdl, missed_by_imago


def fmt_ms(s):
    return f"{s * 1000:.1f} ms" if s < 10 else f"{s:.1f} s"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--www", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--imago")
    args = ap.parse_args()

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    pages = pages_from(args.manifest)
    corpus_bytes = sum(os.path.getsize(os.path.join(args.www, "corpus", n)) for n, _, _ in pages)
    log(f"discovery: {len(pages)} pages, {corpus_bytes / 1e6:.1f} MB of HTML")

    results = {"pages": len(pages), "corpus_bytes": corpus_bytes}
    imago_runs = {}
    if args.imago:
        variants = [("imago list", [])]
        if imago_supports(args.imago, "--deep"):
            variants.append(("imago list --deep", ["--deep"]))
        for label, extra in variants:
            per_page, times, dt_batch, n_batch, bad = run_imago(args.imago, pages, extra, log)
            imago_runs[label] = per_page
            results[label] = {"times": times, "batch_s": dt_batch, "batch_images": n_batch,
                              "unparsable_lines": bad}
    log("discovery: gallery-dl, one process per page (Python startup included)")
    g_pages, g_times, g_batch, g_batch_lines = run_gallery_dl(pages, log)
    results["gallery-dl"] = {"times": g_times, "batch_s": g_batch, "batch_urls": g_batch_lines}

    out_rows = []
    lines = []
    n = len(pages)
    g_rows, _, _ = compare(pages, args.www, g_pages, None)
    g_real_total = sum(r["gdl_real"] for r in g_rows)
    g_classes = {}
    for r in g_rows:
        for c, k in r["gdl_classes"].items():
            g_classes[c] = g_classes.get(c, 0) + k
    g_med = statistics.median(r["gdl_real"] for r in g_rows)
    g_pp = statistics.median(g_times)
    g_batch_pp = g_batch / n

    lines.append("| tool | images printed | real images | real per page (median) "
                 "| time per page, process per page (median) | time per page, one call for all pages |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for label, per_page in imago_runs.items():
        rows, missed_g, missed_i = compare(pages, args.www, g_pages, per_page)
        total = sum(r["imago_images"] for r in rows)
        real = sum(r["imago_real"] for r in rows)
        med = statistics.median(r["imago_real"] for r in rows)
        t = results[label]
        pp = statistics.median(t["times"])
        bpp = t["batch_s"] / n
        lines.append(f"| {label} | {total} | {real} | {med:g} | {fmt_ms(pp)} | {fmt_ms(bpp)} |")
        gdl_miss = sum(r["gdl_misses"] for r in rows)
        imago_miss = sum(r["imago_misses"] for r in rows)
        in_script = sum(r["imago_misses_in_script"] for r in rows)
        classes = {}
        for r in rows:
            for c, k in r["imago_classes"].items():
                classes[c] = classes.get(c, 0) + k
        t.update({"images": total, "real": real, "median_real": med, "per_page_s": pp,
                  "batch_per_page_s": bpp, "gdl_misses": gdl_miss, "imago_misses": imago_miss,
                  "imago_misses_in_script": in_script, "classes": classes,
                  "speedup_process": g_pp / pp if pp else None,
                  "speedup_batch": g_batch_pp / bpp if bpp else None})
        tag = label.replace(" ", "_").replace("-", "")
        with open(os.path.join(args.state, f"discovery-missed-by-gallery-dl.{tag}.txt"), "w") as f:
            f.write("\n".join(missed_g) + "\n")
        with open(os.path.join(args.state, f"discovery-missed-by-imago.{tag}.txt"), "w") as f:
            f.write("\n".join(missed_i) + "\n")
        out_rows.append(label)
    lines.insert(2, f"| gallery-dl -g generic: | {sum(r['gdl_printed'] for r in g_rows)} | "
                 f"{g_real_total} | {g_med:g} | {fmt_ms(g_pp)} | {fmt_ms(g_batch_pp)} |")
    results["gallery-dl"].update({"printed": sum(r["gdl_printed"] for r in g_rows),
                                  "real": g_real_total, "median_real": g_med,
                                  "per_page_s": g_pp, "batch_per_page_s": g_batch_pp,
                                  "classes": g_classes})

    lines.append("")
    cls = ", ".join(f"{k} {v}" for k, v in sorted(g_classes.items()))
    lines.append(f"gallery-dl's printed URLs by class: {cls}.")
    for label in out_rows:
        t = results[label]
        cls = ", ".join(f"{k} {v}" for k, v in sorted(t["classes"].items()))
        lines.append(f"{label}'s images by class: {cls}.")
        lines.append(f"- {label}: real images gallery-dl misses: **{t['gdl_misses']}**; "
                     f"real gallery-dl URLs {label} misses: **{t['imago_misses']}** "
                     f"({t['imago_misses_in_script']} of them only inside `<script>`).")
        lines.append(f"- speed, {label} vs gallery-dl: **{t['speedup_process']:.0f}x** per page "
                     f"(a process each), **{t['speedup_batch']:.0f}x** with one call for all pages.")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(args.state, "discovery.md"), "w") as f:
        f.write(text)
    with open(os.path.join(args.state, "discovery.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
