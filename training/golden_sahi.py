#!/usr/bin/env python3
"""Golden fixtures from SAHI itself (pip `sahi`, pinned in requirements-no-deps.txt) for DetectKit's tiling.

Writes, under the directory given by --out (the Swift package's Tests/):

* BoxesTests/Fixtures/sahi-overlaps.json: {"generator", "peer", "a", "b", "ios", "iou"}: the boxes of
  BoxesTests/Fixtures/overlaps.json plus degenerate ones (zero width or height, identical, nested, touching), and
  the matrices SAHI's numpy backend matches predictions with (`_compute_metric_matrix_full`, float32, "IOS" and
  "IOU"), cut to the a × b block.
* ImagingTests/Fixtures/sahi/slices.json: {"generator", "peer", "cases": [{"image": [W, H], "slice": [W, H],
  "overlap": [width ratio, height ratio], "tiles": [[x_min, y_min, x_max, y_max], ...]}]}, the tiles of
  `sahi.slicing.get_slice_bboxes(image_height, image_width, slice_height, slice_width,
  auto_slice_resolution=False, overlap_height_ratio, overlap_width_ratio)` in SAHI's order, for hand-picked edge
  cases (exact fits, tiles larger than the image, one-pixel images, ratios whose product with the slice is not a
  whole number) and 100 random ones.

    python training/golden_sahi.py --out Tests
"""
import argparse
import json
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sahi.slicing import get_slice_bboxes


def slicing_cases():
    cases = [
        (1024, 1024, 512, 512, 0.0, 0.0),  # exact fit: four tiles, no extra one at the edges
        (1024, 1024, 512, 512, 0.2, 0.2),
        (250, 100, 100, 100, 0.29, 0.29),  # int(0.29 * 100) = 28, and a last tile flush with the edge
        (250, 100, 100, 100, 0.57, 0.57),
        (400, 300, 512, 512, 0.2, 0.2),  # a tile larger than the image: one tile, the image's size
        (480, 640, 640, 640, 0.2, 0.2),
        (1, 1, 1, 1, 0.0, 0.0),
        (1, 1, 640, 640, 0.5, 0.5),
        (2000, 2000, 512, 512, 0.2, 0.2),
        (4000, 3000, 640, 480, 0.25, 0.1),
        (1000, 700, 300, 200, 0.999, 0.5),  # the largest overlap below 1
        (40, 30, 3, 3, 0.2, 0.2),  # overlap below one pixel: 0
        (513, 512, 512, 512, 0.2, 0.2),
    ]
    rng = np.random.default_rng(17)
    for _ in range(100):
        w, h = (int(v) for v in rng.integers(1, 2500, 2))
        sw, sh = (int(v) for v in rng.integers(64, 1200, 2))
        ow, oh = (round(float(v), 3) for v in rng.uniform(0, 0.95, 2))
        cases.append((w, h, sw, sh, ow, oh))
    out = []
    for w, h, sw, sh, ow, oh in cases:
        tiles = get_slice_bboxes(image_height=h, image_width=w, slice_height=sh, slice_width=sw,
                                 auto_slice_resolution=False, overlap_height_ratio=oh, overlap_width_ratio=ow)
        out.append({"image": [w, h], "slice": [sw, sh], "overlap": [ow, oh], "tiles": [[int(v) for v in t] for t in tiles]})
    return out


def overlaps(tests):
    from sahi.postprocess._numpy_backend import _compute_metric_matrix_full

    base = json.loads((tests / "BoxesTests/Fixtures/overlaps.json").read_text())
    extra = [[10, 10, 10, 30], [10, 10, 30, 10], [0, 0, 0, 0], [10, 10, 30, 30], [15, 15, 20, 20], [30, 10, 50, 30],
             [10, 30, 30, 50], [0.5, 0.25, 1000.75, 999.5]]
    a = np.array(base["a"] + extra, dtype=np.float32)
    b = np.array(base["b"] + extra[::-1], dtype=np.float32)
    boxes = np.concatenate([a, b])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])

    def block(metric):
        return _compute_metric_matrix_full(boxes, areas, metric)[: len(a), len(a):].astype(np.float32)

    def rows(m):
        return [[float(v) for v in row] for row in m]

    return {"generator": "training/golden_sahi.py", "peer": f"sahi {version('sahi')} _compute_metric_matrix_full (numpy)",
            "a": rows(a), "b": rows(b), "ios": rows(block("IOS")), "iou": rows(block("IOU"))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the Swift package's Tests directory")
    out = parser.parse_args().out
    (out / "BoxesTests/Fixtures/sahi-overlaps.json").write_text(json.dumps(overlaps(out), separators=(",", ":")) + "\n")
    folder = out / "ImagingTests/Fixtures/sahi"
    folder.mkdir(parents=True, exist_ok=True)
    document = {"generator": "training/golden_sahi.py", "peer": f"sahi {version('sahi')} get_slice_bboxes",
                "cases": slicing_cases()}
    with open(folder / "slices.json", "w") as f:
        f.write(json.dumps({k: v for k, v in document.items() if k != "cases"})[:-1] + ',"cases":[\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in document["cases"]))
        f.write("\n]}\n")


if __name__ == "__main__":
    main()
