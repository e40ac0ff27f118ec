"""Writes Tests/BoxesTests/Fixtures/rotated.json (oriented-box geometry as the references compute it, for
DetectKit's RotatedBox and RotatedOverlap) and Tests/SuppressionTests/Fixtures/rotated-nms.json (for RotatedNMS):

- "iou": exact IoU of pairs of rotated rectangles from shapely (Polygon.intersection(...).area / union area, in
  float64, corners from the boxes in float64);
- "probiou": Ultralytics' `batch_probiou` on the same pairs, in float64 tensors;
- "corners": Ultralytics' `xywhr2xyxyxyxy` in float32;
- "regularized": Ultralytics' `regularize_rboxes` in float32;
- rotated-nms.json, "sets": sets of boxes in clusters (distinct scores), with the survivors of Ultralytics' `TorchNMS.fast_nms` with
  `batch_probiou` (its OBB post-processing), of a greedy NMS on shapely's exact IoU in float64 (our reference, as
  OpenCV's float32 `NMSBoxesRotated` is not exact), and of the other two combinations (greedy on ProbIoU, fast on
  exact IoU, computed here on the same matrices), at IoU thresholds 0.3, 0.5 and 0.7.

Pairs: random boxes (sizes 1-200, angles in [-2pi, 2pi]), near-identical boxes, and the degenerate ones the issue
names: identical boxes, touching edges, one inside the other, zero width or height, angles 0, +-pi/2 and pi.
"edge_cases" (exact IoU only): for 24 boxes (centres up to +-2000, sides 0.01-300, angles on the axes or random), the
box written four ways, copies moved along its own axes by whole, half and nearly whole sides (touching and
shared edges), nested boxes sharing three edges, turns by 1e-7 to pi/3 about the centre and about an edge's
midpoint, jitter of a millionth, and boxes turned 45 degrees on each corner.
Deterministic:

    python training/golden_rotated.py     # shapely, torch, ultralytics (training/requirements.txt)
"""
import json
import math
from pathlib import Path

import numpy as np
import torch
from shapely.geometry import Polygon
from ultralytics.utils.metrics import batch_probiou
from ultralytics.utils.nms import TorchNMS
from ultralytics.utils.ops import regularize_rboxes, xywhr2xyxyxyxy

OUT = Path(__file__).resolve().parent.parent / "Tests" / "BoxesTests" / "Fixtures" / "rotated.json"
NMS_OUT = Path(__file__).resolve().parent.parent / "Tests" / "SuppressionTests" / "Fixtures" / "rotated-nms.json"


def f32(v):
    return float(np.float32(v))


def corners64(b):
    cx, cy, w, h, t = (float(v) for v in b)
    v1 = np.array([w / 2 * math.cos(t), w / 2 * math.sin(t)])
    v2 = np.array([-h / 2 * math.sin(t), h / 2 * math.cos(t)])
    c = np.array([cx, cy])
    return [c + v1 + v2, c + v1 - v2, c - v1 - v2, c - v1 + v2]


def shapely_iou(a, b):
    pa, pb = Polygon(corners64(a)), Polygon(corners64(b))
    inter = pa.intersection(pb).area if pa.is_valid and pb.is_valid else 0.0
    union = pa.area + pb.area - inter
    return inter / union if union > 0 else 0.0


def main() -> None:
    rng = np.random.default_rng(11)
    pairs = []
    for _ in range(300):
        a = [f32(rng.uniform(0, 300)), f32(rng.uniform(0, 300)), f32(rng.uniform(1, 200)), f32(rng.uniform(1, 200)),
             f32(rng.uniform(-2 * math.pi, 2 * math.pi))]
        if rng.random() < 0.5:  # near a: overlapping
            b = [f32(a[0] + rng.normal(0, 10)), f32(a[1] + rng.normal(0, 10)), f32(a[2] * rng.uniform(0.7, 1.3)),
                 f32(a[3] * rng.uniform(0.7, 1.3)), f32(a[4] + rng.normal(0, 0.3))]
        else:
            b = [f32(rng.uniform(0, 300)), f32(rng.uniform(0, 300)), f32(rng.uniform(1, 200)), f32(rng.uniform(1, 200)),
                 f32(rng.uniform(-2 * math.pi, 2 * math.pi))]
        pairs.append((a, b))
    half = f32(math.pi / 2)
    for t in [0.0, half, -half, f32(math.pi), f32(0.3)]:
        pairs += [
            ([50, 50, 40, 20, t], [50, 50, 40, 20, t]),                       # identical
            ([50, 50, 40, 20, t], [50, 50, 20, 10, t]),                       # one inside the other
            ([50, 50, 40, 20, t], [50 + 40 * f32(math.cos(t)), 50 + 40 * f32(math.sin(t)), 40, 20, t]),  # touching
            ([50, 50, 0, 20, t], [50, 50, 40, 20, t]),                        # zero width
            ([50, 50, 40, 0, t], [50, 50, 40, 20, t]),                        # zero height
            ([50, 50, 40, 20, t], [f32(50.001), 50, 40, 20, t]),             # near-identical
            ([50, 50, 40, 20, t], [50, 50, 20, 40, f32(t + half)]),          # the same rectangle, sides swapped
        ]
    pairs = [([f32(v) for v in a], [f32(v) for v in b]) for a, b in pairs]
    one = torch.tensor([a for a, _ in pairs], dtype=torch.float64)
    two = torch.tensor([b for _, b in pairs], dtype=torch.float64)
    prob = [float(batch_probiou(one[i:i + 1], two[i:i + 1])[0, 0]) for i in range(len(pairs))]
    boxes32 = torch.tensor([a for a, _ in pairs], dtype=torch.float32)
    corners = xywhr2xyxyxyxy(boxes32).tolist()
    regular = regularize_rboxes(boxes32).tolist()
    cases = [{"a": a, "b": b, "iou": shapely_iou(a, b), "probiou": p, "corners": c, "regularized": r}
             for (a, b), p, c, r in zip(pairs, prob, corners, regular)]
    edge_cases = [{"a": a, "b": b, "iou": shapely_iou(a, b)} for a, b in edge_pairs(np.random.default_rng(7))]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"cases": cases, "edge_cases": edge_cases}) + "\n")
    sets = nms_sets(rng)
    NMS_OUT.write_text(json.dumps({"sets": sets}) + "\n")
    print(f"{OUT}: {len(cases)} pairs; {NMS_OUT}: {len(sets)} sets")


def edge_pairs(rng):
    """Pairs on the edge of the geometry: shared and touching edges, nested boxes, tiny turns and shifts."""
    pairs = []
    for _ in range(24):
        cx, cy = rng.uniform(-2000, 2000, 2)
        w = rng.uniform(0.01, 1) if rng.random() < 0.3 else rng.uniform(1, 300)
        h = rng.uniform(0.5, 300)
        t = [0.0, math.pi / 2, -math.pi / 2, math.pi, rng.uniform(-math.pi, math.pi)][rng.integers(5)]
        cx, cy, w, h, t = (f32(v) for v in (cx, cy, w, h, t))
        c, s = math.cos(t), math.sin(t)
        others = [(cx, cy, w, h, t), (cx, cy, h, w, t + math.pi / 2), (cx, cy, w, h, t + math.pi),
                  (cx, cy, h, w, t - math.pi / 2)]
        for f in [1, 0.5, 0.25, 0.75, 0.999999, 1.000001]:
            others += [(cx + f * w * c, cy + f * w * s, w, h, t), (cx - f * h * s, cy + f * h * c, w, h, t)]
        for k in [0.5, 0.9, 1.0]:
            others += [(cx + (1 - k) / 2 * w * c, cy + (1 - k) / 2 * w * s, k * w, h, t),
                       (cx + (1 - k) / 2 * w * c, cy + (1 - k) / 2 * w * s, k * w, k * h, t)]
        for d in [1e-7, 1e-5, 1e-3, 0.1, math.pi / 4, math.pi / 3]:
            others += [(cx, cy, w, h, t + d), (cx + w / 2 * c, cy + w / 2 * s, w, h, t + d)]
        for _ in range(4):
            others.append((cx + rng.normal() * w * 1e-6, cy + rng.normal() * h * 1e-6, w * (1 + rng.normal() * 1e-6), h,
                           t + rng.normal() * 1e-6))
        for sx in (-1, 1):
            for sy in (-1, 1):
                r = min(w, h) / 2
                others.append((cx + sx * w / 2 * c - sy * h / 2 * s, cy + sx * w / 2 * s + sy * h / 2 * c, r, r,
                               t + math.pi / 4))
        a = [cx, cy, w, h, t]
        pairs += [(a, [f32(v) for v in b]) for b in others]
    return pairs


def greedy(matrix, order, threshold):
    kept = []
    for i in order:
        if all(matrix[k, i] <= threshold for k in kept):
            kept.append(int(i))
    return kept


def fast(matrix, order, threshold):
    return [int(order[k]) for k in range(len(order)) if all(matrix[order[j], order[k]] <= threshold for j in range(k))]


def nms_sets(rng):
    sets = []
    for s in range(12):
        n = int(rng.integers(5, 60))
        centres = rng.uniform(0, 400, (max(1, n // 6), 2))
        boxes = []
        for _ in range(n):
            c = centres[rng.integers(len(centres))]
            boxes.append([f32(c[0] + rng.normal(0, 8)), f32(c[1] + rng.normal(0, 8)), f32(rng.uniform(10, 80)),
                          f32(rng.uniform(10, 80)), f32(rng.uniform(-math.pi, math.pi))])
        scores = [f32(v) for v in rng.permutation(n) / n * 0.9 + 0.05]  # distinct: torch's argsort is not stable
        exact = np.array([[shapely_iou(a, b) for b in boxes] for a in boxes])
        t = torch.tensor(boxes, dtype=torch.float64)
        prob = batch_probiou(t, t).numpy()
        order = list(np.argsort(-np.array(scores), kind="stable"))
        out = {"boxes": boxes, "scores": scores}
        for threshold in (0.3, 0.5, 0.7):
            ultra = TorchNMS.fast_nms(t, torch.tensor(scores, dtype=torch.float64), threshold, iou_func=batch_probiou)
            out[f"fast_probiou@{threshold}"] = [int(i) for i in ultra]
            out[f"greedy_iou@{threshold}"] = greedy(exact, order, threshold)
            out[f"greedy_probiou@{threshold}"] = greedy(prob, order, threshold)
            out[f"fast_iou@{threshold}"] = fast(exact, order, threshold)
        sets.append(out)
    return sets


if __name__ == "__main__":
    main()
