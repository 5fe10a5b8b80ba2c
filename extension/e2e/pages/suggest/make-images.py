# Makes the images of lamp.html (committed; rerun only to change them):
# python3 make-images.py. Each file has its own size and colour; small/ are the
# thumbnails the page shows, large/ the pictures they link to.
import os
from PIL import Image

FILES = {
    "small/lamp-1.jpg": (200, 200), "small/lamp-2.jpg": (200, 150), "small/lamp-3.jpg": (150, 200),
    "large/lamp-1.jpg": (800, 800), "large/lamp-2.jpg": (800, 600), "large/lamp-3.jpg": (600, 800),
    "other-1.jpg": (300, 300), "other-2.jpg": (300, 240), "logo.png": (160, 48),
}
for i, (name, size) in enumerate(sorted(FILES.items())):
    color = ((i * 71 + 40) % 256, (i * 113 + 90) % 256, (i * 197 + 150) % 256)
    img = Image.new("RGB", size, color)
    fmt = {"jpg": "JPEG", "png": "PNG"}[name.rsplit(".", 1)[1]]
    os.makedirs(os.path.dirname(f"img/{name}") or "img", exist_ok=True)
    img.save(f"img/{name}", fmt)
