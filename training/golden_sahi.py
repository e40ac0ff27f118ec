#!/usr/bin/env python3
"""Golden fixtures from SAHI itself (pip `sahi`, pinned in requirements-no-deps.txt) for DetectKit's tiling.

Writes, under the directory given by --out (the Swift package's Tests/):

* BoxesTests/Fixtures/sahi-overlaps.json: {"generator", "peer", "a", "b", "ios", "iou"}: the boxes of
  BoxesTests/Fixtures/overlaps.json plus degenerate ones (zero width or height, identical, nested, touching), and
  the matrices SAHI's numpy backend matches predictions with (`_compute_metric_matrix_full`, float32, "IOS" and
  "IOU"), cut to the a × b block.
* SuppressionTests/Fixtures/greedy-nmm.json and nmm.json: SAHI's GreedyNMMPostprocess and NMMPostprocess (its
  numpy backend, set_postprocess_backend("numpy")), in the format of the other peer fixtures there: {"generator",
  "peer", "cases": [{"name", "method", "params": {"threshold"}, "overlap" (iou or ios), "score_threshold",
  "class_agnostic", "boxes", "scores", "categories", "expected": {"boxes", "scores", "categories"}}]}, on
  predictions made the way tiles make them: objects seen whole by one tile and cut by the border of the next, a
  few classes, scores on a coarse grid so that ties are common, coordinates on a quarter-pixel grid (exact in
  float32, so that SAHI's float64 merge checks see the same values as DetectKit's Float boxes). `expected` is in
  SAHI's own order.
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


def tile_predictions(rng, objects, size=600, tile=256, overlap=0.25):
    """Predictions of a detector run on tiles: each object, seen by every tile it touches, cut to the tile."""
    boxes, scores, categories = [], [], []
    tiles = get_slice_bboxes(size, size, tile, tile, False, overlap, overlap)
    for _ in range(objects):
        w, h = rng.uniform(8, 120, 2)
        x, y = rng.uniform(0, size - w), rng.uniform(0, size - h)
        category = int(rng.integers(1, 4))
        for tx1, ty1, tx2, ty2 in tiles:
            x1, y1, x2, y2 = max(x, tx1), max(y, ty1), min(x + w, tx2), min(y + h, ty2)
            if x2 - x1 < 2 or y2 - y1 < 2:
                continue
            jitter = rng.normal(0, 1.5, 4)
            q = [float(np.round(4 * max(v, 0)) / 4) for v in (x1 + jitter[0], y1 + jitter[1], x2 + jitter[2], y2 + jitter[3])]
            if q[2] <= q[0] or q[3] <= q[1]:
                continue
            boxes.append(q)
            scores.append(float(np.float32(np.round(rng.uniform(0.3, 0.95) * 20) / 20)))
            categories.append(category if rng.random() > 0.1 else int(rng.integers(1, 4)))
    return boxes, scores, categories


def merging_cases(method):
    import copy

    from sahi.postprocess.backends import set_postprocess_backend
    from sahi.postprocess.combine import GreedyNMMPostprocess, NMMPostprocess
    from sahi.prediction import ObjectPrediction

    set_postprocess_backend("numpy")
    postprocess = {"greedy-nmm": GreedyNMMPostprocess, "nmm": NMMPostprocess}[method]
    rng = np.random.default_rng(12)
    cases = []
    for seed in range(4):
        boxes, scores, categories = tile_predictions(rng, objects=8 + 8 * seed)
        predictions = [ObjectPrediction(bbox=b, score=s, category_id=c, shift_amount=[0, 0], full_shape=None)
                       for b, s, c in zip(boxes, scores, categories)]
        for overlap in ("ios", "iou"):
            for threshold in (0.5, 0.25, 0.8, 0.0):
                if threshold == 0.0 and seed > 0:
                    continue
                for agnostic in (False, True):
                    post = postprocess(match_threshold=threshold, match_metric=overlap.upper(), class_agnostic=agnostic)
                    out = post(copy.deepcopy(predictions))
                    cases.append({
                        "name": f"seed{seed}-{overlap}{threshold}-{'agnostic' if agnostic else 'perclass'}",
                        "method": method, "params": {"threshold": threshold}, "overlap": overlap, "score_threshold": 0.0,
                        "class_agnostic": agnostic, "boxes": boxes, "scores": scores, "categories": categories,
                        "expected": {"boxes": [[float(v) for v in p.bbox.to_xyxy()] for p in out],
                                     "scores": [float(p.score.value) for p in out],
                                     "categories": [int(p.category.id) for p in out]}})
    return cases


def write_cases(path, header, cases):
    """header's fields, then "cases" one per line."""
    with open(path, "w") as f:
        f.write(json.dumps(header, separators=(",", ":"))[:-1] + ',"cases":[\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
        f.write("\n]}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the Swift package's Tests directory")
    out = parser.parse_args().out
    (out / "BoxesTests/Fixtures/sahi-overlaps.json").write_text(json.dumps(overlaps(out), separators=(",", ":")) + "\n")
    folder = out / "ImagingTests/Fixtures/sahi"
    folder.mkdir(parents=True, exist_ok=True)
    write_cases(folder / "slices.json",
                {"generator": "training/golden_sahi.py", "peer": f"sahi {version('sahi')} get_slice_bboxes"}, slicing_cases())
    for method, cls in (("greedy-nmm", "GreedyNMMPostprocess"), ("nmm", "NMMPostprocess")):
        write_cases(out / f"SuppressionTests/Fixtures/{method}.json",
                    {"generator": "training/golden_sahi.py", "peer": f"sahi {version('sahi')} {cls} (numpy backend)"},
                    merging_cases(method))

if __name__ == "__main__":
    main()
