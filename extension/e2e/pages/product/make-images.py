# Makes the images of shop.html (committed; rerun only to change them):
# python3 make-images.py. Each file has its own size and colour.
from PIL import Image

FILES = {
    "gallery-1.jpg": (800, 800), "gallery-2.jpg": (800, 600), "gallery-3.jpg": (600, 800),
    "related-1.jpg": (300, 300), "related-2.jpg": (300, 240), "logo.png": (160, 48),
    "payments.png": (240, 32),
}
for i, (name, size) in enumerate(sorted(FILES.items())):
    color = ((i * 71 + 40) % 256, (i * 113 + 90) % 256, (i * 197 + 150) % 256)
    img = Image.new("RGB", size, color)
    fmt = {"jpg": "JPEG", "png": "PNG"}[name.rsplit(".", 1)[1]]
    img.save(f"img/{name}", fmt)
