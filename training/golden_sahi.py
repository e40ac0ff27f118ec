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
* DetectKitTests/Fixtures/sahi/sliced-prediction.json: SAHI's whole sliced prediction,
  `sahi.predict.get_sliced_prediction` (auto_slice_resolution=False, numpy backend), run with a stand-in detector
  (`RegionModel`) on an image whose pixels say where they are (`position_image`), so that the detector knows which
  region SAHI runs it on and answers with predictions drawn beforehand for that region. {"generator", "peer", "cases":
  [{"name", "image": [W, H], "slice": [W, H], "overlap": [width ratio, height ratio], "full_image"
  (perform_standard_pred), "merge": {"method" (greedy-nmm, nmm or nms), "overlap" (ios or iou), "threshold",
  "class_agnostic"}, "region_suppression": {"method": "nms", "iou": 0.5, "class_agnostic": false}, "regions":
  [{"tile": [x, y, w, h], "boxes" (x1, y1, x2, y2 in the region's pixels), "scores", "categories", "kept"}],
  "expected": {"boxes", "scores", "categories"}}]}. `regions` in SAHI's order: the tiles of get_slice_bboxes, then the
  whole image when full_image and there is more than one tile. A region's boxes, scores and categories are the
  detector's raw output on it: each object at least 20 % visible in the region, cut to it, its score a step or two off
  the object's now and then, with duplicates jittered by quarter pixels and a few spurious boxes. `kept` is what the
  detector hands SAHI: the positions of the survivors of `region_suppression` (greedy NMS per category, suppressing on
  float32 IoU > 0.5 as DetectKit's GreedyNMS), by score descending, equal scores in input order. SAHI shifts them by
  the tile's origin (without clipping) and merges all regions' with `merge`; `expected` is its result in its own order
  (bbox.to_xyxy(), score.value, category.id). Coordinates are on the quarter-pixel grid and scores multiples of 0.05
  as float32, so that float32 and float64 see the same values; the cases are drawn again until no overlap the flow
  compares (the per-region IoUs, SAHI's float32 merge matrix, the double re-checks against merged boxes) is within
  1e-6 of its threshold. The detector's confidence_threshold is 0.25, not below SAHI's LOW_MODEL_CONFIDENCE (0.1),
  under which get_sliced_prediction would merge by NMS on IoU whatever it is asked.

    python training/golden_sahi.py --out Tests
"""
import argparse
import json
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sahi.models.base import DetectionModel
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


def position_image(width, height):
    """An RGB image whose pixel (x, y) is (x % 256, y % 256, x // 256 + 16 * (y // 256)): any crop of it says where
    it was cut from (width and height at most 4096)."""
    assert 0 < width <= 4096 and 0 < height <= 4096
    x, y = np.arange(width), np.arange(height)
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:, :, 0] = x % 256
    image[:, :, 1] = (y % 256)[:, None]
    image[:, :, 2] = (x // 256)[None, :] + 16 * (y // 256)[:, None]
    return image


class RegionModel(DetectionModel):
    """A stand-in detector: reads the region it is run on from the pixels of `position_image` (the origin from pixel
    (0, 0), the size from the array's shape) and returns the predictions prepared for that region, `model` being
    {(x, y, w, h): [(xyxy in the region's pixels, score, category), ...]}. Records the regions it was run on."""

    def load_model(self):
        raise ValueError("RegionModel takes its predictions as model=")

    def set_model(self, model, **kwargs):
        self.model = model
        self.category_mapping = {str(c): f"class{c}" for c in (1, 2, 3)}
        self.seen = []

    @property
    def category_names(self):
        return list(self.category_mapping.values())

    @property
    def num_categories(self):
        return len(self.category_mapping)

    @property
    def has_mask(self):
        return False

    def perform_inference(self, image):
        r, g, b = (int(v) for v in image[0, 0])
        height, width = image.shape[:2]
        region = (r + 256 * (b % 16), g + 256 * (b // 16), width, height)
        assert (image[-1, -1] == position_image(region[0] + width, region[1] + height)[-1, -1]).all()
        self.seen.append(region)
        self._original_predictions = [self.model[region]]
        self._original_shapes = [image.shape]

    def _create_object_prediction_list_from_original_predictions(self, shift_amount_list=[[0, 0]], full_shape_list=None):
        from sahi.prediction import ObjectPrediction
        from sahi.utils.compatibility import fix_full_shape_list, fix_shift_amount_list

        shifts, shapes = fix_shift_amount_list(shift_amount_list), fix_full_shape_list(full_shape_list)
        per_image = []
        for i, predictions in enumerate(self._original_predictions):
            shift = [int(v) for v in shifts[i]]
            assert tuple(shift) == self.seen[-1][:2] or shift == [0, 0]
            # as UltralyticsDetectionModel: full_shape is the whole image's [height, width] (the boxes are in the region's)
            full_shape = list(self._original_shapes[i][:2]) if shapes is None else [int(v) for v in shapes[i]]
            per_image.append([ObjectPrediction(bbox=list(box), category_id=c, category_name=self.category_mapping[str(c)],
                                               score=s, shift_amount=shift, full_shape=full_shape)
                              for box, s, c in predictions])
        self._object_prediction_list_per_image = per_image


def score_value(step):
    """Score `step` / 20, as the double of its float32."""
    return float(np.float32(step / 20))


def region_iou(a, b):
    """DetectKit's `OverlapKind.iou` in float32, in its order of operations: inter / ((area a + area b) - inter)."""
    a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    iw = max(min(a[2], b[2]) - max(a[0], b[0]), np.float32(0))
    ih = max(min(a[3], b[3]) - max(a[1], b[1]), np.float32(0))
    inter = iw * ih
    union = ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])) - inter
    return inter / union if union > 0 else np.float32(0)


def region_nms(boxes, scores, categories, threshold=0.5):
    """Greedy NMS per category, as DetectKit's `GreedyNMS` (suppress when IoU > threshold): positions of the kept
    boxes by score descending, equal scores in input order."""
    kept = []
    for i in sorted(range(len(scores)), key=lambda i: (-np.float32(scores[i]), i)):
        if all(categories[k] != categories[i] or region_iou(boxes[k], boxes[i]) <= threshold for k in kept):
            kept.append(i)
    return kept


def region_predictions(rng, objects, region):
    """What a detector with its own post-processing would see in `region` (x, y, w, h): every object at least 20 %
    visible, cut to the region, in the region's pixels and quarter pixels, its score sometimes a step or two off the
    object's; a few duplicates jittered by quarter pixels; a few spurious boxes. In a shuffled order."""
    x0, y0, rw, rh = (4 * v for v in region)
    raw = []
    for x1, y1, x2, y2, category, step in objects:
        cx1, cy1, cx2, cy2 = max(x1, x0), max(y1, y0), min(x2, x0 + rw), min(y2, y0 + rh)
        if cx2 <= cx1 or cy2 <= cy1 or 5 * (cx2 - cx1) * (cy2 - cy1) < (x2 - x1) * (y2 - y1):
            continue
        box = (cx1 - x0, cy1 - y0, cx2 - x0, cy2 - y0)
        step = int(np.clip(step + (rng.integers(-2, 3) if rng.random() < 0.4 else 0), 6, 19))
        raw.append((box, step, category))
        for _ in range(int(rng.choice([0, 0, 0, 1, 2]))):
            j = rng.integers(-2, 3, 4)
            d = (min(max(box[0] + j[0], 0), rw), min(max(box[1] + j[1], 0), rh),
                 min(max(box[2] + j[2], 0), rw), min(max(box[3] + j[3], 0), rh))
            if d[2] > d[0] and d[3] > d[1]:
                raw.append((tuple(int(v) for v in d), int(np.clip(step + rng.integers(-1, 2), 6, 19)), category))
    for _ in range(int(rng.integers(0, 3))):
        w, h = (int(rng.integers(16, min(240, m) + 1)) for m in (rw, rh))
        x, y = int(rng.integers(0, rw - w + 1)), int(rng.integers(0, rh - h + 1))
        raw.append(((x, y, x + w, y + h), int(rng.integers(6, 13)), int(rng.integers(1, 4))))
    raw = [raw[i] for i in rng.permutation(len(raw))]
    return ([[v / 4 for v in box] for box, _, _ in raw], [score_value(step) for _, step, _ in raw],
            [category for _, _, category in raw])


def near(value, threshold):
    return abs(float(value) - threshold) < 1e-6


def sliced_case(rng, width, height, slice_w, slice_h, overlap_w, overlap_h, full_image, method, overlap, threshold,
                agnostic):
    """One case of `sliced_cases`, drawn again while any overlap the flow compares is within 1e-6 of its threshold."""
    from sahi.postprocess import combine
    from sahi.postprocess._numpy_backend import _compute_metric_matrix_full
    from sahi.postprocess.utils import calculate_bbox_ios, calculate_bbox_iou
    from sahi.predict import get_sliced_prediction

    sahi_method = {"greedy-nmm": "GREEDYNMM", "nmm": "NMM", "nms": "NMS"}[method]
    tiles = get_slice_bboxes(height, width, slice_h, slice_w, False, overlap_h, overlap_w)
    regions = [(int(x1), int(y1), int(x2 - x1), int(y2 - y1)) for x1, y1, x2, y2 in tiles]
    if full_image and len(regions) > 1:
        regions.append((0, 0, width, height))
    assert len(set(regions)) == len(regions)
    while True:
        objects = []
        for _ in range(4 + width * height // 25000):
            big = rng.random() < 0.15
            w, h = (int(rng.integers(4 * 8, 4 * min(m, 400 if big else 160) + 1)) for m in (width, height))
            x, y = int(rng.integers(0, 4 * width - w + 1)), int(rng.integers(0, 4 * height - h + 1))
            objects.append((x, y, x + w, y + h, int(rng.integers(1, 4)), int(rng.integers(6, 20))))
        entries, table, borderline = [], {}, False
        shifted = []
        for region in regions:
            boxes, scores, categories = region_predictions(rng, objects, region)
            borderline |= any(near(region_iou(boxes[i], boxes[j]), 0.5) for i in range(len(boxes))
                              for j in range(i) if categories[i] == categories[j])
            kept = region_nms(boxes, scores, categories)
            table[region] = [(boxes[k], scores[k], categories[k]) for k in kept]
            shifted += [([b[0] + region[0], b[1] + region[1], b[2] + region[0], b[3] + region[1]], scores[k],
                         categories[k]) for k in kept for b in [boxes[k]]]
            entries.append({"tile": list(region), "boxes": boxes, "scores": scores, "categories": categories, "kept": kept})
        if shifted:
            b = np.array([s[0] for s in shifted], dtype=np.float32)
            areas = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
            m = _compute_metric_matrix_full(b, areas, overlap.upper())
            c = np.array([s[2] for s in shifted])
            same = np.ones_like(m, dtype=bool) if agnostic else c[:, None] == c[None, :]
            borderline |= bool((same & (np.abs(m - np.float32(threshold)) < 1e-6)).any())
        # the merges re-check each pair against the growing merged box (has_match, in double): record those too
        rechecked = []
        metric = calculate_bbox_iou if overlap == "iou" else calculate_bbox_ios

        original = combine.has_match

        def has_match(a, b, match_type, match_threshold):
            rechecked.append(metric(a, b))
            return original(a, b, match_type, match_threshold)

        # confidence_threshold at least LOW_MODEL_CONFIDENCE (0.1), or SAHI would merge by NMS on IoU whatever is asked
        model = RegionModel(model=table, confidence_threshold=0.25, device="cpu")
        combine.has_match = has_match
        try:
            result = get_sliced_prediction(
                position_image(width, height), model, slice_height=slice_h, slice_width=slice_w,
                overlap_height_ratio=overlap_h, overlap_width_ratio=overlap_w, perform_standard_pred=full_image,
                postprocess_type=sahi_method, postprocess_match_metric=overlap.upper(),
                postprocess_match_threshold=threshold, postprocess_class_agnostic=agnostic, verbose=0,
                auto_slice_resolution=False)
        finally:
            combine.has_match = original
        assert model.seen == regions, (model.seen, regions)
        if borderline or any(near(v, threshold) for v in rechecked):
            continue
        out = result.object_prediction_list
        expected = {"boxes": [[float(v) for v in p.bbox.to_xyxy()] for p in out],
                    "scores": [float(p.score.value) for p in out], "categories": [int(p.category.id) for p in out]}
        for box in [s[0] for s in shifted] + expected["boxes"]:
            assert all(float(np.float32(v)) == v and (4 * v).is_integer() for v in box), box
        return {"name": f"{width}x{height}-tile{slice_w}x{slice_h}-overlap{overlap_w}x{overlap_h}"
                        f"{'-full' if full_image else ''}-{method}-{overlap}{threshold}"
                        f"-{'agnostic' if agnostic else 'perclass'}",
                "image": [width, height], "slice": [slice_w, slice_h], "overlap": [overlap_w, overlap_h],
                "full_image": full_image,
                "merge": {"method": method, "overlap": overlap, "threshold": threshold, "class_agnostic": agnostic},
                "region_suppression": {"method": "nms", "iou": 0.5, "class_agnostic": False},
                "regions": entries, "expected": expected}


def sliced_cases():
    from sahi.postprocess.backends import set_postprocess_backend

    set_postprocess_backend("numpy")
    rng = np.random.default_rng(23)
    return [sliced_case(rng, *case) for case in (
        (600, 400, 256, 256, 0.2, 0.2, True, "greedy-nmm", "ios", 0.5, False),  # SAHI's defaults
        (600, 400, 256, 256, 0.2, 0.2, False, "nmm", "ios", 0.5, False),
        (1000, 1000, 256, 256, 0.25, 0.1, True, "nms", "iou", 0.5, False),
        (1000, 1000, 200, 300, 0.2, 0.2, True, "greedy-nmm", "iou", 0.3, True),
        (257, 513, 256, 256, 0.2, 0.2, True, "greedy-nmm", "ios", 0.5, False),  # a last column one pixel over
        (257, 513, 200, 300, 0.0, 0.0, False, "nmm", "iou", 0.3, True),
        (600, 400, 640, 640, 0.2, 0.2, True, "greedy-nmm", "ios", 0.5, False),  # one tile: no whole-image pass
        (1000, 1000, 256, 256, 0.0, 0.0, True, "nmm", "ios", 0.3, False),
        (600, 400, 200, 300, 0.25, 0.1, True, "nms", "ios", 0.3, True),
        (1000, 1000, 256, 256, 0.2, 0.2, False, "greedy-nmm", "iou", 0.5, True),
        (257, 513, 256, 256, 0.25, 0.1, True, "nms", "iou", 0.3, False),
        (800, 600, 320, 320, 0.2, 0.2, True, "nmm", "iou", 0.5, True),
        (600, 400, 256, 256, 0.2, 0.2, True, "greedy-nmm", "ios", 0.3, True),
    )]


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
    folder = out / "DetectKitTests/Fixtures/sahi"
    folder.mkdir(parents=True, exist_ok=True)
    write_cases(folder / "sliced-prediction.json",
                {"generator": "training/golden_sahi.py",
                 "peer": f"sahi {version('sahi')} get_sliced_prediction (numpy backend)"}, sliced_cases())

if __name__ == "__main__":
    main()
