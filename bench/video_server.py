#!/usr/bin/env python3
"""The slow server of the video benchmark (bench/video.sh): serves a folder on 127.0.0.1
and answers every segment (a path ending in .ts, .m4s or .mp4) DELAY seconds late, as a
distant CDN would; playlists and anything else are answered at once.

nginx cannot hold an answer back, hence this small asyncio server (Python stdlib only).
Each request waits on its own: N segments asked for at once all arrive DELAY later, so a
client that fetches in parallel gains what a sequential one loses. HTTP/1.1 keep-alive,
GET and HEAD, single `Range: bytes=A-B` (for EXT-X-BYTERANGE clients). At 0.25 s per
segment and a few dozen requests per run its own CPU is negligible.

  video_server.py ROOT --port P [--delay 0.25] [--log FILE]

Writes one line per answer to --log: `METHOD PATH STATUS BYTES START_S END_S` (seconds
since the server started, START when the request was read), so a run shows how many
segments each client had in flight.
"""
import argparse
import asyncio
import email.utils
import os
import sys
import time
import urllib.parse

SEGMENT_EXT = (".ts", ".m4s", ".mp4", ".aac", ".m4a")
TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".aac": "audio/aac",
    ".m4a": "audio/mp4",
    ".html": "text/html; charset=utf-8",
}


class Server:
    def __init__(self, root, delay, log):
        self.root = os.path.realpath(root)
        self.delay = delay
        self.log = log
        self.t0 = time.monotonic()

    def now(self):
        return time.monotonic() - self.t0

    async def handle(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                keep = await self.answer(head, writer)
                await writer.drain()
                if not keep:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            try:
                writer.close()
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass

    async def answer(self, head, writer):
        start = self.now()
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            return False
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        conn = headers.get("connection", "").lower()
        keep = (version == "HTTP/1.1" and conn != "close") or conn == "keep-alive"

        path = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
        full = os.path.realpath(os.path.join(self.root, path.lstrip("/")))
        status, body, extra = 200, b"", {}
        if method not in ("GET", "HEAD"):
            status = 405
        elif not (full == self.root or full.startswith(self.root + os.sep)) or not os.path.isfile(full):
            status = 404
        else:
            if full.endswith(SEGMENT_EXT):
                await asyncio.sleep(self.delay)
            with open(full, "rb") as f:
                body = f.read()
            ext = os.path.splitext(full)[1]
            extra["Content-Type"] = TYPES.get(ext, "application/octet-stream")
            extra["Last-Modified"] = email.utils.formatdate(os.path.getmtime(full), usegmt=True)
            extra["Accept-Ranges"] = "bytes"
            rng = headers.get("range", "")
            if rng.startswith("bytes=") and "," not in rng:
                a, _, b = rng[6:].partition("-")
                size = len(body)
                try:
                    if a == "":
                        lo, hi = max(0, size - int(b)), size - 1
                    else:
                        lo, hi = int(a), min(int(b) if b else size - 1, size - 1)
                    if lo > hi or lo >= size:
                        raise ValueError
                    extra["Content-Range"] = f"bytes {lo}-{hi}/{size}"
                    body, status = body[lo:hi + 1], 206
                except ValueError:
                    extra["Content-Range"] = f"bytes */{size}"
                    body, status = b"", 416
        reason = {200: "OK", 206: "Partial Content", 404: "Not Found", 405: "Method Not Allowed",
                  416: "Range Not Satisfiable"}[status]
        out = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}",
               f"Date: {email.utils.formatdate(usegmt=True)}",
               "Connection: " + ("keep-alive" if keep else "close")]
        out += [f"{k}: {v}" for k, v in extra.items()]
        writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
        if method == "GET":
            writer.write(body)
        if self.log:
            self.log.write(f"{method} {path} {status} {len(body) if method == 'GET' else 0} "
                           f"{start:.3f} {self.now():.3f}\n")
            self.log.flush()
        return keep


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--delay", type=float, default=0.25)
    ap.add_argument("--log")
    a = ap.parse_args()
    log = open(a.log, "a", buffering=1) if a.log else None
    srv = Server(a.root, a.delay, log)
    server = await asyncio.start_server(srv.handle, "127.0.0.1", a.port, backlog=256,
                                        reuse_address=True)
    print(f"video_server: {a.root} on 127.0.0.1:{a.port}, segments {a.delay} s late",
          file=sys.stderr, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
