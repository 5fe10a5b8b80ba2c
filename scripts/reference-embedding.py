"""The reference outputs `crates/imago-search/tests/embedding.rs` checks tract against.

Run once, by hand, with ONNX Runtime (the runtime the model was exported for):

    python3 -m venv /tmp/ort && /tmp/ort/bin/pip install onnxruntime==1.32.0 numpy pillow
    /tmp/ort/bin/python scripts/reference-embedding.py "$(scripts/fetch-photos.sh)" \
        "$(scripts/fetch-model.sh)" > crates/imago-search/tests/fixtures/sscd_distilled.txt

Each photo is sampled to 320x320 by nearest neighbour in integers (pixel x of the input
is x * width // 320 of the photo), which the Rust test repeats exactly, so the fixture
checks the network alone, not a resizer. One line per photo: its name, then the 512
values.
"""

import sys

import numpy as np
import onnxruntime as ort
from PIL import Image

SIDE = 320
PHOTOS = ["astronaut.png", "coffee.png", "chelsea.png"]

photos, model = sys.argv[1], sys.argv[2]
session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
for name in PHOTOS:
    rgb = np.asarray(Image.open(f"{photos}/{name}").convert("RGB"), dtype=np.uint8)
    h, w, _ = rgb.shape
    ys = np.arange(SIDE) * h // SIDE
    xs = np.arange(SIDE) * w // SIDE
    sampled = np.ascontiguousarray(rgb[ys][:, xs])
    out = session.run(None, {"image": sampled[None]})[0][0]
    print(name, " ".join(f"{v:.7g}" for v in out))
