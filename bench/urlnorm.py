"""The rules both tools' finds are judged by, in one place so they are the same for both.

normalize(): the comparison key of a URL (scheme and host lowercased, default port and
fragment dropped, percent-encoding made canonical), so `HTTPS://Ex.com:443/a%7Eb.jpg#x`
and `https://ex.com/a~b.jpg` count as one image.

classify(): "real" for an image a person would want, otherwise why not:
- "placeholder": a data: URI whose payload decodes to under 100 bytes, a data: GIF or PNG
  whose header says 1x1, or a file named like a spacer (blank.gif, spacer.gif,
  pixel.gif, transparent.gif, 1x1.gif/png, clear.gif, empty.gif, s.gif, trans.gif);
- "not-image": a video, audio, style, script, page or font extension (.mp4 .webm .wav
  .css .js .html .json .webmanifest .woff ...): gallery-dl's generic pattern collects
  videos on purpose, and its src pattern picks up any attribute ending in "src";
- "malformed": not something a browser would fetch as written: a backslash (JSON-escaped
  `\\/` inside scripts), whitespace, quotes, angle or curly brackets, a CSS `url(` swallowed
  into the path, an srcset fragment (`1x,https://...`: a comma before a scheme), a piece
  of a query split at an undecoded `&amp;` (`/amp;image_uri=...`), a data: URI glued to a
  path (`/data:image/gif;base64,...`), or a host that is not a host name.

normalize() also resolves `.` and `..` segments the way a browser does: gallery-dl joins
relative URLs by string concatenation (`/corpus/../img/a.jpg`), and the server would see
`/img/a.jpg`.

Both tools' URLs go through html.unescape() first: gallery-dl prints `&amp;` as found in
the markup, and judging that as a different URL would be unfair to it.
"""

import base64
import html
import re
import urllib.parse

SPACER = re.compile(
    r"(?:^|/)(?:blank|spacer|pixel|transparent|1x1|clear|empty|s|trans|spacer[-_]?\w*)"
    r"\.(?:gif|png)$",
    re.I,
)
NOT_IMAGE = re.compile(
    r"\.(?:mp4|webm|mkv|mov|ogg|ogv|ogm|opus|wav|mp3|m4a|css|js|json|html?|xml|webmanifest"
    r"|txt|pdf|woff2?|ttf|eot)$",
    re.I,
)
HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")
BAD_CHARS = re.compile(r"[\\\s\"'<>{}|^`]|url\(|,(?:https?:)?//", re.I)
SAFE_PATH = "/:@!$&'()*+,;=-._~"
SAFE_QUERY = SAFE_PATH + "?"


def data_payload(uri):
    """The decoded bytes of a data: URI, or None when it does not decode."""
    head, sep, body = uri.partition(",")
    if not sep:
        return None
    try:
        if head.lower().endswith(";base64"):
            return base64.b64decode(urllib.parse.unquote(body) + "===", validate=False)
        return urllib.parse.unquote_to_bytes(body)
    except Exception:
        return None


def one_by_one(data):
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return data[6:10] == b"\x01\x00\x01\x00"
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return data[16:24] == b"\x00\x00\x00\x01\x00\x00\x00\x01"
    return False


def unescape(url):
    """The URL a browser would read from the markup."""
    return html.unescape(url.strip())


def classify(url):
    if url[:5].lower() == "data:":
        payload = data_payload(url)
        if payload is None or len(payload) < 100 or one_by_one(payload):
            return "placeholder"
        return "real"
    if BAD_CHARS.search(url):
        return "malformed"
    try:
        parts = urllib.parse.urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "malformed"
    if parts.scheme.lower() not in ("http", "https") or not HOST.match(host):
        return "malformed"
    if "/amp;" in parts.path or "/data:" in parts.path.lower():
        return "malformed"
    if NOT_IMAGE.search(parts.path):
        return "not-image"
    if SPACER.search(parts.path):
        return "placeholder"
    return "real"


def remove_dot_segments(path):
    """RFC 3986 section 5.2.4, as browsers apply it to every URL."""
    out = []
    for seg in path.split("/")[1:]:
        if seg == "..":
            if out:
                out.pop()
        elif seg != ".":
            out.append(seg)
    if path.endswith(("/.", "/..")):
        out.append("")
    return "/" + "/".join(out)


def normalize(url):
    if url[:5].lower() == "data:":
        return url
    try:
        p = urllib.parse.urlsplit(url.strip())
        scheme = p.scheme.lower()
        host = (p.hostname or "").lower()
        port = p.port
    except ValueError:
        return url
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc += f":{port}"
    path = urllib.parse.quote(urllib.parse.unquote(remove_dot_segments(p.path or "/")),
                              safe=SAFE_PATH)
    query = urllib.parse.quote(urllib.parse.unquote(p.query), safe=SAFE_QUERY)
    return urllib.parse.urlunsplit((scheme, netloc, path, query, ""))
