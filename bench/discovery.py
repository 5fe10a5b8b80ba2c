#!/usr/bin/env python3
"""Benchmark (1): image discovery over the 270 corpus pages, imago list vs gallery-dl -g.

Both tools read the same decompressed pages from the same nginx (http://127.0.0.1/corpus/),
so relative URLs resolve against the same base for both. The image URLs inside the pages
point at the original hosts, which are unreachable here: `imago list` without --probe and
`gallery-dl -g` only print URLs, so this measures discovery, not downloading.

imago list also fetches each page's linked stylesheets (CSS images are images too). Their
hosts are unreachable here, and the sandbox's resolver sometimes takes 5 s to say so; so
both tools run with HTTP(S)_PROXY pointing at a closed local port (NO_PROXY=127.0.0.1):
an outside request is refused at once, no DNS involved. imago runs with --retries 0,
otherwise every refused stylesheet is retried three times with backoff (0.5+1+2 s) and
the benchmark would time the backoff, not discovery. On the real web those stylesheet
fetches cost network round trips that this benchmark does not include.

Each tool runs once with all 270 URLs in a single call (startup paid once): that gives the
counts, the overlap and the time per page. gallery-dl -g prints bare URLs, so a tiny
marker page goes between two corpus pages to split its output (270 extra small pages in
its time: a few ms each). Then each tool runs once per page, a process each, on every
10th page: the time a user waits for one page.

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

import report
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


# Outside hosts fail at once: a proxy on a closed port, local pages exempt.
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "NO_PROXY": "127.0.0.1,localhost"}
ENV = {**os.environ, **OFFLINE, **{k.lower(): v for k, v in OFFLINE.items()}}
IMAGO_FLAGS = ["--json", "--retries", "0"]


def timed(cmd, timeout=600):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, timeout=timeout, env=ENV)
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


MARKER = "http://127.0.0.1/__marker__/{:04d}.png"


def write_markers(www, n):
    """Tiny pages put between the real ones in gallery-dl's single call: `-g` prints bare
    URLs, and each marker's one image says where a page's output ends."""
    d = os.path.join(www, "marker")
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        with open(os.path.join(d, f"{i:04d}.html"), "w") as f:
            f.write(f'<html><body><img src="{MARKER.format(i)}"></body></html>\n')


def run_gallery_dl(pages, sample, log):
    """Per page URLs from one call for all pages, and per-process times on the sample."""
    args = []
    for i, (name, _, _) in enumerate(pages):
        args += [BASE + name, f"http://127.0.0.1/marker/{i:04d}.html"]
    log(f"discovery: gallery-dl, one call for {len(pages)} pages")
    dt_batch, p = timed(gallery_dl_cmd(args), timeout=3600)
    per_page, current, i = {}, [], 0
    for url in gdl_urls(p.stdout):
        if i < len(pages) and url == MARKER.format(i):
            per_page[pages[i][0]] = current
            current, i = [], i + 1
        else:
            current.append(url)
    if i != len(pages):
        log(f"discovery: gallery-dl's output ended after {i} of {len(pages)} pages")
        for name, _, _ in pages[i:]:
            per_page.setdefault(name, [])
    log(f"discovery: gallery-dl, one process per page on {len(sample)} pages")
    times = [timed(gallery_dl_cmd([BASE + name]))[0] for name in sample]
    return per_page, times, dt_batch


def run_imago(imago, pages, sample, extra, log):
    """Images per page from one call for all pages, and per-process times on the sample."""
    dt_batch, p = timed([imago, "list"] + IMAGO_FLAGS + extra + [BASE + n for n, _, _ in pages])
    if p.returncode not in (0, 1):
        log(f"discovery: imago list exited {p.returncode}: "
            f"{p.stderr.decode('utf-8', 'replace').strip()[-300:]}")
    imgs, bad = imago_images(p.stdout)
    per_page = {name: [] for name, _, _ in pages}
    for im in imgs:
        name = str(im.get("page", "")).rsplit("/", 1)[-1]
        if name in per_page:
            per_page[name].append(im)
        else:
            bad += 1
    times = [timed([imago, "list", BASE + name] + IMAGO_FLAGS + extra)[0] for name in sample]
    return per_page, times, dt_batch, bad


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
            i_real, i_all_urls, i_real_urls, i_classes = [], set(), set(), {}
            for im in imgs:
                best = urlnorm.unescape(im["url"])
                c = urlnorm.classify(best)
                i_classes[c] = i_classes.get(c, 0) + 1
                keys = set()
                for u in [best] + [urlnorm.unescape(a) for a in im.get("alternates") or []]:
                    keys.add(urlnorm.normalize(u))
                    if urlnorm.classify(u) == "real":
                        i_real_urls.add(urlnorm.normalize(u))
                i_all_urls |= keys
                if c == "real":
                    i_real.append((best, keys))
            row.update({"imago_images": len(imgs), "imago_real": len(i_real),
                        "imago_real_urls": len(i_real_urls),
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
    # Per-process times on every 10th page: a process per page is what a user runs on
    # one page, but gallery-dl's 0.5-1 s of startup would make 270 of them too long.
    sample = [name for name, _, _ in pages[::10]]
    results["sample"] = sample
    imago_runs = {}
    if args.imago:
        variants = [("imago list", [])]
        if imago_supports(args.imago, "--deep"):
            variants.append(("imago list --deep", ["--deep"]))
        for label, extra in variants:
            log(f"discovery: {label}")
            per_page, times, dt_batch, bad = run_imago(args.imago, pages, sample, extra, log)
            imago_runs[label] = per_page
            results[label] = {"times": times, "batch_s": dt_batch, "unparsable_lines": bad}
    write_markers(args.www, len(pages))
    g_pages, g_times, g_batch = run_gallery_dl(pages, sample, log)
    results["gallery-dl"] = {"times": g_times, "batch_s": g_batch}

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
                 "| real URLs (with srcset sizes and thumbnails) "
                 f"| time per page, one call for all {n} pages "
                 f"| time per page, a process each ({len(sample)} pages, median) |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for label, per_page in imago_runs.items():
        rows, missed_g, missed_i = compare(pages, args.www, g_pages, per_page)
        total = sum(r["imago_images"] for r in rows)
        real = sum(r["imago_real"] for r in rows)
        med = statistics.median(r["imago_real"] for r in rows)
        t = results[label]
        pp = statistics.median(t["times"])
        bpp = t["batch_s"] / n
        real_urls = sum(r["imago_real_urls"] for r in rows)
        lines.append(f"| {label} | {total} | {real} | {med:g} | {real_urls} | {fmt_ms(bpp)} "
                     f"| {fmt_ms(pp)} |")
        gdl_miss = sum(r["gdl_misses"] for r in rows)
        imago_miss = sum(r["imago_misses"] for r in rows)
        in_script = sum(r["imago_misses_in_script"] for r in rows)
        classes = {}
        for r in rows:
            for c, k in r["imago_classes"].items():
                classes[c] = classes.get(c, 0) + k
        t.update({"images": total, "real": real, "median_real": med, "per_page_s": pp,
                  "real_urls": real_urls,
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
                 f"{g_real_total} | {g_med:g} | {g_real_total} | {fmt_ms(g_batch_pp)} "
                 f"| {fmt_ms(g_pp)} |")
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
        lines.append(f"- speed, {label} vs gallery-dl: **{t['speedup_batch']:.0f}x** with one call "
                     f"for all pages, **{t['speedup_process']:.0f}x** with a process per page.")
    text = "\n".join(lines) + "\n"
    report.keep(args.state, "discovery", text, results)


if __name__ == "__main__":
    main()
