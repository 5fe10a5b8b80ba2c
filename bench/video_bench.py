#!/usr/bin/env python3
"""Benchmark (6), driven by bench/video.sh: HLS to MP4 with `imago video`, yt-dlp (its
default, and `-N 8`) and `ffmpeg -i URL -c copy`, on the same loopback streams in one run.

Each run: a fresh output folder, the tool under `/usr/bin/time -f "%e %M %U %S"` (wall
time, peak RSS of the process or of its largest child, CPU), then the MP4 it left is
checked with ffprobe against the source segments: H.264 + AAC, duration within 0.5 s,
the same number of video and audio frames (packets) as the segments hold. A tool only
gets a ratio against a complete file. Every server request during the run is counted
from the server's log (and, for the slow server, how many segments were in flight at
once), and anything left in the folder beside the MP4 is listed.

Writes a markdown section to --out and the raw runs to --out with .json.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

FPS = 25


def tool_cmd(tool, url, out, imago, window=None):
    if tool == "imago":
        cmd = [imago, "video", url, "-o", out, "--json", "--quiet"]
        if window:
            cmd += ["--segments", str(window)]
        return cmd
    if tool == "yt-dlp":
        return ["yt-dlp", "-o", os.path.join(out, "%(title)s.%(ext)s"), url]
    if tool == "yt-dlp -N 8":
        return ["yt-dlp", "-N", "8", "-o", os.path.join(out, "%(title)s.%(ext)s"), url]
    if tool == "ffmpeg":
        return ["ffmpeg", "-i", url, "-c", "copy", os.path.join(out, "out.mp4")]
    raise ValueError(tool)


def probe(path, count_packets=True):
    """{duration, video: {codec, packets, w, h}, audio: {codec, packets}} or {error}."""
    cmd = ["ffprobe", "-v", "error"] + (["-count_packets"] if count_packets else []) + [
        "-show_entries",
        "format=duration,format_name:stream=codec_type,codec_name,width,height,nb_read_packets",
        "-of", "json", path]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["ffprobe failed"])[-1]}
    j = json.loads(p.stdout)
    r = {"duration": float(j.get("format", {}).get("duration") or 0),
         "format": j.get("format", {}).get("format_name")}
    for s in j.get("streams", []):
        kind = s.get("codec_type")
        if kind in ("video", "audio") and kind not in r:
            r[kind] = {"codec": s.get("codec_name"), "packets": int(s.get("nb_read_packets") or 0),
                       "w": s.get("width"), "h": s.get("height")}
    return r


def reference(vdir, name):
    """The source of stream NAME (a playlist in vdir): its segments' duration and frame
    counts, read once with ffprobe over their concatenation and cached beside it."""
    pl = os.path.join(vdir, f"{name}.m3u8")
    cache = os.path.join(vdir, f"{name}.ref.json")
    if os.path.exists(cache) and os.path.getmtime(cache) >= os.path.getmtime(pl):
        return json.load(open(cache))
    segs, extinf = [], 0.0
    for line in open(pl):
        line = line.strip()
        if line.startswith("#EXTINF:"):
            extinf += float(line[8:].split(",")[0])
        elif line and not line.startswith("#"):
            segs.append(os.path.join(vdir, line))
    cat = os.path.join(vdir, f".{name}.concat.ts")
    with open(cat, "wb") as f:
        for s in segs:
            with open(s, "rb") as g:
                shutil.copyfileobj(g, f)
    p = probe(cat)
    os.remove(cat)
    ref = {"segments": len(segs), "extinf_s": extinf, "bytes": sum(os.path.getsize(s) for s in segs),
           "video_packets": p["video"]["packets"], "audio_packets": p["audio"]["packets"],
           "w": p["video"]["w"], "h": p["video"]["h"], "ts_duration": p["duration"]}
    json.dump(ref, open(cache, "w"))
    return ref


def check(out, ref):
    """The largest file in out, probed against ref; and what else was left there."""
    files, dirs = [], []
    for root, ds, fs in os.walk(out):
        files += [os.path.join(root, f) for f in fs]
        dirs += [os.path.join(root, d) for d in ds]
    if not files:
        return {"file": None, "complete": False, "why": "no file", "left": [os.path.relpath(d, out) for d in dirs]}
    main = max(files, key=os.path.getsize)
    left = sorted(os.path.relpath(f, out) for f in files if f != main) + \
        sorted(os.path.relpath(d, out) + "/" for d in dirs)
    p = probe(main)
    r = {"file": os.path.basename(main), "bytes": os.path.getsize(main), "left": left, "probe": p}
    why = []
    if "error" in p:
        why.append("unreadable: " + p["error"])
    else:
        if "mp4" not in (p.get("format") or "") and "mov" not in (p.get("format") or ""):
            why.append(f"not MP4 ({p.get('format')})")
        v, a = p.get("video"), p.get("audio")
        if not v or v["codec"] != "h264":
            why.append("no H.264 video")
        elif v["packets"] != ref["video_packets"]:
            why.append(f"video frames {v['packets']}/{ref['video_packets']}")
        if not a or a["codec"] != "aac":
            why.append("no AAC audio")
        elif abs(a["packets"] - ref["audio_packets"]) > 2:
            why.append(f"audio frames {a['packets']}/{ref['audio_packets']}")
        if abs(p["duration"] - ref["extinf_s"]) > 0.5:
            why.append(f"duration {p['duration']:.2f}/{ref['extinf_s']:.2f} s")
    r["complete"] = not why
    r["why"] = "; ".join(why)
    return r


def server_log_stats(kind, path, since=0):
    """Requests the server answered during the run: (segments, playlists, other, max
    segments in flight at once or None when the log has no timings)."""
    segs = pls = other = 0
    spans = []
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return None
    for line in lines:
        f = line.split()
        if kind == "slow":
            if len(f) < 6:
                continue
            method, p, status, start, end = f[0], f[1], f[2], float(f[4]), float(f[5])
        else:  # nginx: `GET /path HTTP/1.1 200 bytes "range"`
            if len(f) < 4:
                continue
            method, p, status = f[0], f[1], f[3]
            start = end = None
        if p.endswith(".ts"):
            segs += 1
            if start is not None:
                spans.append((start, end))
        elif p.endswith(".m3u8"):
            pls += 1
        else:
            other += 1
    inflight = None
    if spans:
        ev = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
        cur = inflight = 0
        for _, d in ev:
            cur += d
            inflight = max(inflight, cur)
    return {"segments": segs, "playlists": pls, "other": other, "inflight": inflight}


def downloader_of(log_text, tool):
    if not tool.startswith("yt-dlp"):
        return None
    names = []
    for m in re.finditer(r"^\[(\w+)\]", log_text, re.M):
        n = m.group(1)
        if n in ("hlsnative", "ffmpeg", "FixupM3u8", "Merger", "FFmpegFixupM3u8") and n not in names:
            names.append(n)
    frag = re.search(r"\[hlsnative\] Total fragments: (\d+)", log_text)
    return {"names": names, "fragments": int(frag.group(1)) if frag else None}


def own_peak(timep, every=0.01):
    """The tool's own peak RSS in MiB (without its children: GNU time's %M is the largest of
    the process and its children, and the ffmpeg remux that imago and yt-dlp start can
    hide them): its VmHWM, a high-water mark, read every 10 ms until it exits; the last
    reading misses at most what it grew in its last 10 ms."""
    pid, hwm, rss = None, None, []
    t0 = time.monotonic()
    while timep.poll() is None:
        if pid is None:
            try:
                kids = open(f"/proc/{timep.pid}/task/{timep.pid}/children").read().split()
                pid = int(kids[0]) if kids else None
            except (OSError, ValueError):
                pass
        if pid is not None:
            try:
                for line in open(f"/proc/{pid}/status"):
                    if line.startswith("VmHWM:"):
                        hwm = int(line.split()[1]) / 1024
                    elif line.startswith("VmRSS:"):
                        rss.append((time.monotonic() - t0, int(line.split()[1]) / 1024))
            except OSError:
                pass
        time.sleep(every)
    return hwm, rss


def rss_at(samples, fractions=(0.25, 0.5, 0.75)):
    """The sampled own RSS at these fractions of the run: flat when memory is bounded."""
    if not samples:
        return "?"
    end = samples[-1][0]
    out = []
    for f in fractions:
        out.append(min(samples, key=lambda s: abs(s[0] - f * end))[1])
    return " / ".join(f"{x:.0f}" for x in out) + " MiB"


def run_one(tool, stream, url, kind, args, ref, window=None, label=None):
    label = label or tool
    out = os.path.join(args.state, "video-out", re.sub(r"[^\w.-]+", "_", f"{label}-{stream}"))
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    log_path = args.slow_log if kind == "slow" else args.nginx_log
    open(log_path, "w").close()  # both servers append (O_APPEND): truncating starts afresh
    cmd = tool_cmd(tool, url, out, args.imago, window)
    tfile = os.path.join(args.state, "video-time.txt")
    logf = os.path.join(args.state, "video-logs", re.sub(r"[^\w.-]+", "_", f"{label}-{stream}.log"))
    os.makedirs(os.path.dirname(logf), exist_ok=True)
    t = time.perf_counter()
    with open(logf, "wb") as log:
        p = subprocess.Popen(["/usr/bin/time", "-f", "%e %M %U %S", "-o", tfile] + cmd,
                             stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=out)
        own, own_rss = own_peak(p)
        p.wait()
    wall = time.perf_counter() - t
    rss = cpu = None
    try:
        e, m, u, s = open(tfile).read().split()[-4:]
        wall, rss, cpu = float(e), int(m) / 1024, float(u) + float(s)
    except (OSError, ValueError):
        pass
    time.sleep(0.05)  # let the server write its last log line
    srv = server_log_stats(kind, log_path)
    text = open(logf, errors="replace").read()
    c = check(out, ref)
    shutil.rmtree(out, ignore_errors=True)
    return {"tool": label, "stream": stream, "cmd": " ".join(cmd), "exit": p.returncode,
            "wall_s": wall, "rss_mib": rss, "own_mib": own, "own_rss": own_rss, "cpu_s": cpu, "check": c, "server": srv,
            "downloader": downloader_of(text, tool), "log": logf,
            "load": float(open("/proc/loadavg").read().split()[0])}


def mib(x):
    return f"{x:.1f} MiB" if x else "?"


def fmt_check(c, ref):
    if c.get("file") is None:
        return "no file", "-", "-"
    p = c["probe"]
    if "error" in p:
        return "unreadable", "-", "-"
    v, a = p.get("video") or {}, p.get("audio") or {}
    frames = f"{v.get('packets', 0)}/{ref['video_packets']} v, {a.get('packets', 0)}/{ref['audio_packets']} a"
    ok = "**yes**" if c["complete"] else f"**no**: {c['why']}"
    return f"{p['duration']:.2f} s", frames, ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--www", required=True, help="the folder both servers serve (video/ inside)")
    ap.add_argument("--state", required=True)
    ap.add_argument("--imago", required=True)
    ap.add_argument("--slow-base", required=True, help="e.g. http://127.0.0.1:8089/video/")
    ap.add_argument("--fast-base", default="http://127.0.0.1/video/")
    ap.add_argument("--slow-log", required=True)
    ap.add_argument("--nginx-log", required=True)
    ap.add_argument("--delay", type=float, default=0.25)
    ap.add_argument("--short", type=int, default=30)
    ap.add_argument("--mid", type=int, default=200)
    ap.add_argument("--long", type=int, default=1000)
    ap.add_argument("--long-windows", default="4,12,32")
    ap.add_argument("--tools", default="imago,yt-dlp,yt-dlp -N 8,ffmpeg")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", required=True)
    ap.add_argument("--slow-pid", type=int, help="the slow server's pid: its CPU is reported")
    args = ap.parse_args()

    vdir = os.path.join(args.www, "video")
    tools = [t for t in args.tools.split(",") if t]
    short, mid = f"s{args.short}", f"s{args.mid}"
    longs = f"s{args.long}" if args.long else None
    refs = {s: reference(vdir, s) for s in [short, mid] + ([longs] if longs else [])}
    streams = [(short, args.slow_base + short + ".m3u8", "slow"),
               (mid, args.fast_base + mid + ".m3u8", "fast")]
    runs = []
    for rnd in range(1, args.repeat + 1):
        for stream, url, kind in streams:
            for tool in tools:
                print(f"video: round {rnd}, {tool}, {stream} ({kind})", file=sys.stderr, flush=True)
                r = run_one(tool, stream, url, kind, args, refs[stream])
                r["round"] = rnd
                runs.append(r)
                print(f"video:   {r['wall_s']:.2f} s, {r['rss_mib'] or 0:.1f} MiB, exit {r['exit']}, "
                      f"complete {r['check']['complete']} {r['check']['why']}", file=sys.stderr, flush=True)
        if longs:
            for w in [int(x) for x in args.long_windows.split(",") if x]:
                label = "imago" if w == 12 else f"imago --segments {w}"
                print(f"video: round {rnd}, {label}, {longs} (fast)", file=sys.stderr, flush=True)
                r = run_one("imago", longs, args.fast_base + longs + ".m3u8", "fast", args,
                            refs[longs], window=None if w == 12 else w, label=label)
                r["round"] = rnd
                r["window"] = w
                runs.append(r)
                print(f"video:   {r['wall_s']:.2f} s, {r['rss_mib'] or 0:.1f} MiB, exit {r['exit']}, "
                      f"complete {r['check']['complete']} {r['check']['why']}", file=sys.stderr, flush=True)

    json.dump(runs, open(os.path.splitext(args.out)[0] + ".json", "w"), indent=1)
    slow_cpu = None
    if args.slow_pid:
        try:
            f = open(f"/proc/{args.slow_pid}/stat").read().rsplit(")", 1)[1].split()
            slow_cpu = (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass

    def best(tool, stream):
        rs = [r for r in runs if r["tool"] == tool and r["stream"] == stream]
        if not rs:
            return None, rs
        ok = [r for r in rs if r["check"]["complete"] and r["exit"] == 0]
        b = min(ok or rs, key=lambda r: r["wall_s"])
        return b, rs

    L = []
    seg_mb = refs[mid]["bytes"] / refs[mid]["segments"] / 1e6
    r0 = refs[short]
    L.append(f"Streams made by Debian's ffmpeg (`testsrc2` 640x360 at {FPS} fps, H.264 ultrafast "
             f"1 Mbit/s with a keyframe every second, `sine` AAC 96 kbit/s), cut by its HLS muxer "
             f"into MPEG-TS segments of 1 s ({seg_mb * 1000:.0f} KB on average), media "
             f"playlists with `EXT-X-ENDLIST`. Every tool reads the same URLs in one run, "
             f"{args.repeat} round(s), tools interleaved; the best wall time of the complete runs is kept, "
             "peak RSS is the highest of all runs. *Peak RSS with children* is GNU time's `%M`: the "
             "largest of the process and its waited-for children (the ffmpeg that imago and yt-dlp "
             "start to write the MP4 included), not their sum. *Own peak RSS* is the tool's process "
             "alone, its `VmHWM` read every 10 ms until it exits (and its `VmRSS` with it: the "
             "last table shows it at a quarter, half and three quarters of the run).")
    L.append("")
    sections = [(short, f"{args.short} segments ({r0['extinf_s']:.0f} s, {r0['bytes'] / 1e6:.1f} MB), "
                        f"each answered {args.delay} s late by `bench/video_server.py` (the playlist at once)"),
                (mid, f"{args.mid} segments ({refs[mid]['extinf_s']:.0f} s, {refs[mid]['bytes'] / 1e6:.1f} MB) "
                      f"at full speed from nginx")]
    bests = {}
    for stream, title in sections:
        ref = refs[stream]
        L.append(f"**{title}**:")
        L.append("")
        L.append("| tool | wall time | every run | imago faster by | peak RSS with children | own peak RSS | CPU | MP4 duration | frames (video, audio) | complete | segments requested (max at once) | left beside the MP4 | exit |")
        L.append("|---|---:|---|---:|---:|---:|---:|---:|---|---|---:|---|---:|")
        im, _ = best("imago", stream)
        for tool in tools:
            b, rs = best(tool, stream)
            if not b:
                continue
            bests[(tool, stream)] = b
            dur, frames, ok = fmt_check(b["check"], ref)
            every = " / ".join(f"{r['wall_s']:.2f}" + ("" if r["check"]["complete"] else "✗") for r in rs)
            rss = max((r["rss_mib"] or 0) for r in rs)
            own = mib(max((r["own_mib"] or 0) for r in rs))
            if tool == "imago" or not im:
                ratio = "-"
            elif not im["check"]["complete"]:
                ratio = "n/a: imago's file incomplete"
            elif not b["check"]["complete"]:
                ratio = "n/a: incomplete file"
            else:
                x = b["wall_s"] / im["wall_s"]
                ratio = f"**{x:.2f}x**" if x >= 1 else f"**{1 / x:.2f}x slower**"
            s = b["server"] or {}
            req = f"{s.get('segments', '?')}" + (f" ({s['inflight']})" if s.get("inflight") is not None else "")
            left = ", ".join(f"`{x}`" for x in b["check"]["left"]) or "nothing"
            L.append(f"| {tool} | {b['wall_s']:.2f} s | {every} | {ratio} | {rss:.1f} MiB | {own} | "
                     f"{b['cpu_s']:.2f} s | {dur} | {frames} | {ok} | {req} | {left} | {b['exit']} |")
        L.append("")

    # Goals of issue 11 on the slow stream.
    im = bests.get(("imago", short))
    yd = bests.get(("yt-dlp", short))
    yn = bests.get(("yt-dlp -N 8", short))
    ff = bests.get(("ffmpeg", short))
    if im:
        L.append("Against the goals (issue 11), on the slow stream:")
        L.append("")
        good = im["check"]["complete"]
        if yd:
            x = yd["wall_s"] / im["wall_s"]
            met = good and yd and x >= 4
            L.append(f"- at least 4x faster than yt-dlp's default: {im['wall_s']:.2f} s vs "
                     f"{yd['wall_s']:.2f} s, **{x:.2f}x**: {'met' if met else 'NOT met'}")
        if yn:
            x = yn["wall_s"] / im["wall_s"]
            met = good and x > 1
            L.append(f"- faster than `yt-dlp -N 8`: {im['wall_s']:.2f} s vs {yn['wall_s']:.2f} s, "
                     f"**{x:.2f}x**: {'met' if met else 'NOT met'}")
        if ff:
            L.append(f"- (not a goal) against `ffmpeg -i URL -c copy`: {ff['wall_s'] / im['wall_s']:.2f}x")
        L.append(f"- floor: {args.short} segments x {args.delay} s = {args.short * args.delay:.1f} s one "
                 f"at a time; with 12 at once, {-(-args.short // 12)} waves = "
                 f"{-(-args.short // 12) * args.delay:.2f} s")
        if slow_cpu is not None:
            n = sum(sum((r["server"] or {}).get(k, 0) for k in ("segments", "playlists", "other"))
                    for r in runs if r["stream"] == short)
            L.append(f"- the slow server used {slow_cpu:.2f} s of CPU for the {n} requests of "
                     f"{sum(1 for r in runs if r['stream'] == short)} runs "
                     f"({slow_cpu / max(n, 1) * 1000:.1f} ms per request, its start-up included)")
        L.append("")

    # yt-dlp's downloader, as its own output says.
    for tool in tools:
        if tool.startswith("yt-dlp"):
            b = bests.get((tool, short)) or bests.get((tool, mid))
            if b and b["downloader"]:
                d = b["downloader"]
                L.append(f"- `{tool}` used: {', '.join('`[' + n + ']`' for n in d['names']) or 'unknown'}"
                         + (f" ({d['fragments']} fragments)" if d["fragments"] else "")
                         + " (from its output: `[hlsnative]` is its own HLS downloader, "
                           "`[FixupM3u8]` the ffmpeg pass that puts the MPEG-TS into MP4).")
    L.append("")

    if longs:
        ref = refs[longs]
        L.append(f"**imago's peak RSS against the stream's length and the window** "
                 f"(full speed from nginx; {args.long} segments = {ref['extinf_s']:.0f} s, "
                 f"{ref['bytes'] / 1e6:.0f} MB):")
        L.append("")
        L.append("| stream | window (`--segments`) | wall time | peak RSS with children | own peak RSS | own RSS at 1/4, 1/2, 3/4 of the run | CPU | complete | exit |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---|---:|")
        for stream, note in [(short, f"{args.short} segments, slow server"), (mid, f"{args.mid} segments")]:
            b, rs = best("imago", stream)
            if b:
                L.append(f"| {note} | 12 | {b['wall_s']:.2f} s | {max(r['rss_mib'] or 0 for r in rs):.1f} MiB | "
                         f"{mib(max(r['own_mib'] or 0 for r in rs))} | {rss_at(b['own_rss'])} | "
                         f"{b['cpu_s']:.2f} s | {fmt_check(b['check'], refs[stream])[2]} | {b['exit']} |")
        for w in [int(x) for x in args.long_windows.split(",") if x]:
            label = "imago" if w == 12 else f"imago --segments {w}"
            b, rs = best(label, longs)
            if b:
                L.append(f"| {args.long} segments | {w} | {b['wall_s']:.2f} s | "
                         f"{max(r['rss_mib'] or 0 for r in rs):.1f} MiB | "
                         f"{mib(max(r['own_mib'] or 0 for r in rs))} | {rss_at(b['own_rss'])} | {b['cpu_s']:.2f} s | "
                         f"{fmt_check(b['check'], ref)[2]} | {b['exit']} |")
        L.append("")

    text = "\n".join(L) + "\n"
    print(text)
    open(args.out, "w").write(text)


if __name__ == "__main__":
    main()
