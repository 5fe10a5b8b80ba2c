# Makes the images of all-sources.html (committed; rerun only to change them):
# python3 make-images.py. Each file has its own size, so a test can tell them apart by
# what the grid measures.
from PIL import Image

FILES = {
    "plain.png": (200, 100), "small.jpg": (100, 50), "w400.jpg": (400, 200), "w800.jpg": (800, 400),
    "pic.webp": (300, 300), "pic-fallback.png": (150, 150), "lazy-real.jpg": (320, 240),
    "io-only.png": (260, 130), "poster.jpg": (640, 360), "svg-embedded.png": (120, 120),
    "button.gif": (80, 30), "og.jpg": (1200, 630), "twitter.png": (600, 300), "thumb.jpg": (100, 100),
    "full.jpg": (1000, 1000), "bare-link.png": (90, 90), "bg.png": (250, 250), "before.png": (50, 50),
    "set-1x.png": (100, 100), "set-2x.png": (200, 200), "shadow.png": (180, 180),
    "frame-img.png": (220, 220), "resource-only.png": (400, 100),
}
for i, (name, size) in enumerate(sorted(FILES.items())):
    color = ((i * 67) % 256, (i * 131) % 256, (i * 199) % 256)
    img = Image.new("RGB", size, color)
    fmt = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}[name.rsplit(".", 1)[1]]
    img.save(f"img/{name}", fmt)
