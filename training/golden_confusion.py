"""Writes Tests/EvaluationTests/Fixtures/confusion-matrix.json: randomised and hand-made detection cases with the
confusion matrix Ultralytics (pip `ultralytics`, pinned in requirements-no-deps.txt) computes for them, for
DetectKit's confusion matrix to match exactly.

    {"generator", "peer", "orientation", "cases": [{"name", "description", "num_classes", "conf", "iou",
      "images": [{"gt_boxes": [[x1, y1, x2, y2], ...], "gt_classes": [...], "boxes": [[x1, y1, x2, y2], ...],
                  "scores": [...], "classes": [...]}],
      "expected": {"matrix", "orientation", "per_image"}}]}

Each case is run the way Ultralytics' detection validator runs it (models/yolo/detect/val.py update_metrics): one
``ultralytics.utils.metrics.ConfusionMatrix(names={0: "0", ...})`` per case (task "detect", num_classes + 1 square,
float64 counts), ``process_batch(detections, ground_truth, conf=conf, iou_thres=iou)`` once per image, in order,
with float32 tensors: detections {"bboxes": (N, 4) xyxy, "conf": (N,), "cls": (N,)}, ground truth {"bboxes": (M, 4)
xyxy, "cls": (M,)}. Class ids are 0-based. ``expected.matrix`` is ConfusionMatrix.matrix as Ultralytics stores it,
written as ints: ``matrix[p][t]``, rows = predicted class, columns = true class, index num_classes (the last row and
column) = background: the last column counts unmatched detections (false positives), the last row unmatched ground
truths (false negatives), [num_classes][num_classes] stays 0. ``expected.per_image`` is, for each image, the
non-zero cells [row, column, count] of the matrix a fresh ConfusionMatrix makes from that image alone.

Ultralytics 8.4.190 matches greedily, class-agnostically and one to one: detections with score > conf (float32,
strict) in descending score order (equal scores: input order) each claim the unclaimed ground truth they overlap
most (equal IoUs: the first), if that float32 IoU (box_iou, with its eps 1e-7) is > iou (strict). See the cases'
descriptions for what each one exercises.

Coordinates are on a quarter-pixel grid in a 640 × 480 image, boxes at least 4 px wide and high, so box_iou's
float32 arithmetic is exact up to its final division (every IoU is the correctly rounded float32 of the exact
ratio; checked against Ultralytics' box_iou) and its eps vanishes. Scores have at most four decimals. The generator
redraws any random image where an IoU lies within 1e-6 of the IoU threshold or a score within 1e-6 of conf without
being exactly equal to it, or where two IoUs above the threshold in one detection's column lie within 1e-6 of each
other without being exact ties of equal unions. Exactly equal values are deliberate: IoUs equal to the threshold as
exact ratios (a box shifted along one axis by d with (w - d) / (w + d) = iou, e.g. 9/20 at 0.45, and touching boxes
at iou 0) and scores equal to conf (0.001, 0.25, 0.3, 0.5, 0.1, 0.0); Ultralytics compares float32 with
float32(threshold), so none of them passes. The matrices are checked to be the same when the matching is redone in
exact rational arithmetic without eps and in float64 with and without eps, so that a Float or a Double
implementation can match them — but only one that compares like with like: Float(score) > Float(conf), not
Double(Float(score)) > conf (Float(0.001), Float(0.1), Float(0.3) are above their Double values; "validator",
"nms_iou", "float32_thresholds", "ties" and "single_class" have scores or IoUs that such a comparison lets through).
Deterministic:

    python training/golden_confusion.py     # ultralytics, torch, numpy (training/requirements*.txt)
"""
import json
from fractions import Fraction
from importlib.metadata import version
from pathlib import Path

import numpy as np
import torch
from ultralytics.utils.metrics import ConfusionMatrix, box_iou

OUT = Path(__file__).resolve().parent.parent / "Tests" / "EvaluationTests" / "Fixtures" / "confusion-matrix.json"
ORIENTATION = ("matrix[p][t]: rows = predicted class, columns = true class, 0-based; index num_classes (last row "
               "and column) = background: last column = unmatched detections (FP), last row = unmatched ground "
               "truths (FN)")
WIDTH, HEIGHT = 640, 480
MIN_SIDE = 4.0
CLOSE = Fraction(1, 10**6)


# ----------------------------------------------------------------------------------------------------------------
# Ultralytics


def ultralytics_matrices(num_classes, images, conf, iou):
    """ConfusionMatrix.matrix over all the images, and the matrix of each image alone."""
    names = {i: str(i) for i in range(num_classes)}
    total = ConfusionMatrix(names=names)
    per_image = []
    for im in images:
        detections = {"bboxes": torch.tensor(im["boxes"], dtype=torch.float32).reshape(-1, 4),
                      "conf": torch.tensor(im["scores"], dtype=torch.float32).reshape(-1),
                      "cls": torch.tensor(im["classes"], dtype=torch.float32).reshape(-1)}
        truth = {"bboxes": torch.tensor(im["gt_boxes"], dtype=torch.float32).reshape(-1, 4),
                 "cls": torch.tensor(im["gt_classes"], dtype=torch.float32).reshape(-1)}
        one = ConfusionMatrix(names=names)
        for cm in (total, one):
            cm.process_batch({k: v.clone() for k, v in detections.items()}, {k: v.clone() for k, v in truth.items()},
                             conf=conf, iou_thres=iou)
        per_image.append(counts(one.matrix))
    assert (total.matrix == total.matrix.round()).all() and total.matrix[num_classes, num_classes] == 0
    assert sum((np.array(m) for m in per_image), np.zeros_like(total.matrix)).tolist() == total.matrix.tolist()
    return total.matrix.astype(int).tolist(), [sparse(m) for m in per_image]


def counts(matrix):
    return matrix.astype(int).tolist()


def sparse(matrix):
    return [[r, c, v] for r, row in enumerate(matrix) for c, v in enumerate(row) if v]


# ----------------------------------------------------------------------------------------------------------------
# Independent matching, exact and in float64, to show that the fixture does not depend on float32 rounding


def iou_parts(g, d):
    """Exact intersection and union of two boxes (Fractions)."""
    g, d = [Fraction(v) for v in g], [Fraction(v) for v in d]
    w = max(min(g[2], d[2]) - max(g[0], d[0]), 0)
    h = max(min(g[3], d[3]) - max(g[1], d[1]), 0)
    inter = w * h
    return inter, (g[2] - g[0]) * (g[3] - g[1]) + (d[2] - d[0]) * (d[3] - d[1]) - inter


def matrix_by(num_classes, images, conf, iou, mode):
    """The matrix, matching as Ultralytics does but with IoUs and comparisons exact ("exact"), or in float64 with
    ("float64-eps") or without ("float64") box_iou's eps; thresholds as exact decimals / float64."""
    nc = num_classes
    m = [[0] * (nc + 1) for _ in range(nc + 1)]
    if mode == "exact":
        conf_t, iou_t = Fraction(str(conf)), Fraction(str(iou))
    else:
        conf_t, iou_t = conf, iou
    for im in images:
        score = [Fraction(str(s)) if mode == "exact" else s for s in im["scores"]]
        kept = [i for i in range(len(score)) if score[i] > conf_t]
        table = []
        for g in im["gt_boxes"]:
            row = []
            for i in kept:
                inter, union = iou_parts(g, im["boxes"][i])
                if mode == "exact":
                    row.append(inter / union)
                else:
                    row.append(float(inter) / (float(union) + (1e-7 if mode == "float64-eps" else 0.0)))
            table.append(row)
        match = [-1] * len(im["gt_boxes"])
        for d in sorted(range(len(kept)), key=lambda d: -score[kept[d]]):
            best = None
            for g in range(len(table)):
                if match[g] < 0 and (best is None or table[g][d] > table[best][d]):
                    best = g
            if best is not None and table[best][d] > iou_t:
                match[best] = d
        for g, gc in enumerate(im["gt_classes"]):
            if match[g] >= 0:
                m[im["classes"][kept[match[g]]]][gc] += 1
            else:
                m[nc][gc] += 1
        for d in set(range(len(kept))) - set(match):
            m[im["classes"][kept[d]]][nc] += 1
    return m


def fragile(image, conf, iou):
    """Why float32 and exact arithmetic could disagree on this image, or None: a score or IoU within 1e-6 of its
    threshold and not equal to it, or two IoUs above the threshold in one column within 1e-6 and not an exact tie
    of equal unions."""
    conf_t, iou_t = Fraction(str(conf)), Fraction(str(iou))
    kept = []
    for i, s in enumerate(image["scores"]):
        s = Fraction(str(s))
        if s != conf_t and abs(s - conf_t) < CLOSE:
            return f"score {float(s)} near conf"
        if s > conf_t:
            kept.append(i)
    for i in kept:
        column = []
        for g in image["gt_boxes"]:
            inter, union = iou_parts(g, image["boxes"][i])
            v = inter / union
            if v != iou_t and abs(v - iou_t) < CLOSE:
                return f"IoU {float(v)} near the threshold"
            if v > iou_t:
                column.append((v, union))
        for a in range(len(column)):
            for b in range(a + 1, len(column)):
                (va, ua), (vb, ub) = column[a], column[b]
                if abs(va - vb) < CLOSE and (va != vb or ua != ub):
                    return "near tie"
    return None


def exact_counts(images, conf, iou):
    """How many kept detection-ground truth pairs have IoU exactly iou, how many scores equal conf, and how many
    kept detections have two ground truths with equal IoUs above iou."""
    at_iou = at_conf = ties = 0
    for im in images:
        for i, s in enumerate(im["scores"]):
            at_conf += Fraction(str(s)) == Fraction(str(conf))
            if Fraction(str(s)) > Fraction(str(conf)):
                column = [Fraction(a) / b for a, b in (iou_parts(g, im["boxes"][i]) for g in im["gt_boxes"])]
                at_iou += sum(v == Fraction(str(iou)) for v in column)
                above = [v for v in column if v > Fraction(str(iou))]
                ties += len(above) != len(set(above))
    return at_iou, at_conf, ties


def check_box_iou(image):
    """Ultralytics' float32 box_iou is the correctly rounded exact IoU for every pair (the grid makes it exact)."""
    if not image["gt_boxes"] or not image["boxes"]:
        return
    ours = box_iou(torch.tensor(image["gt_boxes"], dtype=torch.float32),
                   torch.tensor(image["boxes"], dtype=torch.float32)).numpy()
    for r, g in enumerate(image["gt_boxes"]):
        for c, d in enumerate(image["boxes"]):
            inter, union = iou_parts(g, d)
            assert ours[r, c] == np.float32(float(inter / union)), (g, d, ours[r, c])


# ----------------------------------------------------------------------------------------------------------------
# Drawing


def q(v):
    """v on the quarter-pixel grid."""
    return float(np.round(4 * v) / 4)


def clip(box):
    x1, y1, x2, y2 = box
    x1, x2 = min(max(x1, 0.0), WIDTH - MIN_SIDE), min(max(x2, 0.0), WIDTH)
    y1, y2 = min(max(y1, 0.0), HEIGHT - MIN_SIDE), min(max(y2, 0.0), HEIGHT)
    return [q(x1), q(y1), q(max(x2, x1 + MIN_SIDE)), q(max(y2, y1 + MIN_SIDE))]


def random_box(rng, small=10, large=180):
    w, h = q(rng.uniform(small, large)), q(rng.uniform(small, large))
    x, y = q(rng.uniform(0, WIDTH - w)), q(rng.uniform(0, HEIGHT - h))
    return [x, y, x + w, y + h]


def jitter(rng, box, spread):
    """The box with each side moved by a normal amount, spread × the box's size."""
    w, h = box[2] - box[0], box[3] - box[1]
    return clip([v + rng.normal(0, spread) * s for v, s in zip(box, (w, h, w, h))])


def threshold_box(rng, iou):
    """A ground truth 20-200 px wide and a box shifted along x with IoU exactly iou: (w - d) / (w + d) = p / q for
    w = (q + p) k / 4, d = (q - p) k / 4 (touching boxes when iou is 0)."""
    t = Fraction(str(iou))
    p, qq = t.numerator, t.denominator
    k = int(rng.integers(-(-80 // (qq + p)), 800 // (qq + p), endpoint=True))
    w, d = (qq + p) * k / 4, (qq - p) * k / 4
    h = q(rng.uniform(12, 150))
    x, y = q(rng.uniform(0, WIDTH - w - d)), q(rng.uniform(0, HEIGHT - h))
    if rng.random() < 0.5:  # the box on the left of the ground truth
        gt, det = [x + d, y, x + d + w, y + h], [x, y, x + w, y + h]
    else:
        gt, det = [x, y, x + w, y + h], [x + d, y, x + d + w, y + h]
    inter, union = iou_parts(gt, det)
    assert inter / union == t
    return gt, det


def near_box(rng, gt, iou, above):
    """gt shifted horizontally by the quarter-pixel step that brings its IoU with gt nearest iou, above or below."""
    w = gt[2] - gt[0]
    best = None
    for step in range(0, int(4 * w) + 1):
        d = step / 4
        det = [gt[0] + d, gt[1], gt[2] + d, gt[3]]
        if det[2] > WIDTH:
            det = [gt[0] - d, gt[1], gt[2] - d, gt[3]]
        if det[0] < 0:
            continue
        inter, union = iou_parts(gt, det)
        v = inter / union
        if (v > iou) if above else (v < iou):
            if best is None or abs(v - Fraction(str(iou))) < best[0]:
                best = (abs(v - Fraction(str(iou))), det)
    return best[1] if best else jitter(rng, gt, 0.3)


def score(rng, conf, kind):
    """A score: "high" for good detections, "low" for spurious ones, "edge" at or next to conf."""
    if kind == "edge":
        step = 0.01 if conf >= 0.05 else (0.0005 if conf > 0 else 0.001)
        return float(rng.choice([round(conf + k * step, 4) for k in (-1, 0, 1) if conf + k * step >= 0]))
    lo, hi = (0.3, 0.99) if kind == "high" else (0.0, 0.6)
    return float(round(rng.uniform(lo, hi), 3))


def draw_image(rng, nc, conf, iou, objects=(0, 9), background=(0, 4), edge=0.15, exact=0.1, duplicate=0.25):
    """One image: ground truths of nc classes, and for each one a detection of its class, of another class, a
    poorly placed one (IoU just above or below iou), one at IoU exactly iou, or none (missed), sometimes with a
    duplicate (jittered, or the same box with another class: multi-label NMS output); plus background boxes.
    Scores: high for good detections, low for bad ones, at or next to conf with probability edge."""
    gts, gcls, boxes, scores, classes = [], [], [], [], []

    def add(box, c, kind):
        boxes.append(box)
        classes.append(int(c))
        scores.append(score(rng, conf, "edge" if rng.random() < edge else kind))

    for _ in range(int(rng.integers(*objects, endpoint=True))):
        c = int(rng.integers(nc))
        r = rng.random()
        if r < exact:
            gt, det = threshold_box(rng, iou)
            gts.append(gt)
            gcls.append(c)
            add(det, c, "high")
            continue
        gt = random_box(rng)
        gts.append(gt)
        gcls.append(c)
        r = rng.random()
        if r < 0.5:
            add(jitter(rng, gt, 0.04), c, "high")
        elif r < 0.62 and nc > 1:
            add(jitter(rng, gt, 0.04), (c + int(rng.integers(1, nc))) % nc, "high")
        elif r < 0.72:
            add(near_box(rng, gt, iou, above=bool(rng.random() < 0.5)), c, "high")
        elif r < 0.8:
            add(jitter(rng, gt, 0.25), int(rng.integers(nc)), "low")
        else:
            continue  # missed
        if rng.random() < duplicate:
            if rng.random() < 0.4:  # same box, other class
                add(list(boxes[-1]), int(rng.integers(nc)), "low")
            else:
                add(jitter(rng, gt, 0.08), c if rng.random() < 0.7 else int(rng.integers(nc)),
                    "high" if rng.random() < 0.5 else "low")
    for _ in range(int(rng.integers(*background, endpoint=True))):
        add(random_box(rng, 8, 120), int(rng.integers(nc)), "low")
    order = rng.permutation(len(boxes))  # detections in no particular order
    return {"gt_boxes": gts, "gt_classes": gcls, "boxes": [boxes[i] for i in order],
            "scores": [scores[i] for i in order], "classes": [classes[i] for i in order]}


def crowded_image(rng, nc, conf, iou):
    """Clusters of 3-5 heavily overlapping ground truths with 1-3 detections each: detections that overlap several
    ground truths above the threshold, so that a higher-scoring one claims a ground truth another one overlaps more
    and the loser falls back to its next best."""
    gts, gcls, boxes, scores, classes = [], [], [], [], []
    for _ in range(int(rng.integers(1, 4))):
        base = random_box(rng, 40, 140)
        for _ in range(int(rng.integers(3, 6))):
            gt = jitter(rng, base, 0.12)
            c = int(rng.integers(nc))
            gts.append(gt)
            gcls.append(c)
            for _ in range(int(rng.integers(0, 4))):
                boxes.append(jitter(rng, gt, 0.1))
                classes.append(c if rng.random() < 0.75 else int(rng.integers(nc)))
                scores.append(score(rng, conf, "high" if rng.random() < 0.7 else "low"))
    order = rng.permutation(len(boxes))
    return {"gt_boxes": gts, "gt_classes": gcls, "boxes": [boxes[i] for i in order],
            "scores": [scores[i] for i in order], "classes": [classes[i] for i in order]}


def tie_image(rng, nc, conf, iou):
    """draw_image with scores from {0.9, 0.6, 0.3, 0.1}, plus a detection centred between two equal ground truths
    of different classes (an exact IoU tie with equal unions: the first ground truth wins)."""
    im = draw_image(rng, nc, conf, iou, objects=(2, 7), background=(0, 2), edge=0.0)
    im["scores"] = [float(rng.choice([0.9, 0.6, 0.3, 0.1])) for _ in im["scores"]]
    w, h = q(rng.uniform(40, 120)), q(rng.uniform(20, 100))
    s = q(w * rng.uniform(0.05, 0.15))
    x, y = q(rng.uniform(0, WIDTH - w - 2 * s)), q(rng.uniform(0, HEIGHT - h))
    a, b = int(rng.integers(nc)), int(rng.integers(nc))
    im["gt_boxes"] += [[x, y, x + w, y + h], [x + 2 * s, y, x + 2 * s + w, y + h]]
    im["gt_classes"] += [a, b]
    im["boxes"].append([x + s, y, x + s + w, y + h])
    im["scores"].append(0.9)
    im["classes"].append(int(rng.integers(nc)))
    return im


def empty_image(rng, nc, conf, iou):
    """Images without ground truth, without detections, with neither, or with every detection at or below conf."""
    kind = int(rng.integers(4))
    im = draw_image(rng, nc, conf, iou, objects=(1, 6), background=(0, 3))
    if kind == 0:
        im.update(gt_boxes=[], gt_classes=[])
    elif kind == 1:
        im.update(boxes=[], scores=[], classes=[])
    elif kind == 2:
        im = {"gt_boxes": [], "gt_classes": [], "boxes": [], "scores": [], "classes": []}
    else:
        im["scores"] = [float(rng.choice([conf, round(conf / 2, 4), 0.0])) for _ in im["scores"]]
    return im


def touching_image(rng, nc, conf, iou):
    """draw_image at iou 0 plus boxes touching a ground truth along an edge (IoU exactly 0: no match)."""
    im = draw_image(rng, nc, conf, iou, objects=(1, 6), background=(1, 3))
    gt = random_box(rng, 20, 100)
    im["gt_boxes"].append(gt)
    im["gt_classes"].append(int(rng.integers(nc)))
    w = gt[2] - gt[0]
    touch = [gt[2], gt[1], gt[2] + w, gt[3]] if gt[2] + w <= WIDTH else [gt[0] - w, gt[1], gt[0], gt[3]]
    im["boxes"].append(touch)
    im["scores"].append(0.8)
    im["classes"].append(im["gt_classes"][-1])
    return im


def edges():
    """Hand-made, conf 0.25, iou 0.5, 3 classes, one situation per image: (0) a perfect box scored exactly conf is
    dropped, the object missed; (1) IoU exactly 1/2 (box shifted by a third of its width): no match, FP + FN; (2)
    IoU just above 1/2: TP; (3) the higher-scoring of two right-class boxes claims the object though the other
    overlaps it more: TP + FP; (4) a wrong-class box scored higher claims the object from the right-class one:
    confusion cell + FP; (5) fallback: the higher-scoring box claims its best object, the other one takes the next
    object above the threshold (the 8.3-era IoU-first matching counted FP + FN here); (6) equal scores: the first
    detection claims the object; (7) a box centred between two objects (equal IoUs): the first object is claimed;
    (8) the same box twice with two classes (multi-label NMS): the higher score claims it, the other is FP; (9) no
    ground truth: kept detections FP, ones below or at conf nothing; (10) no detections: FN; (11) nothing; (12) all
    detections at or below conf: FN; (13) a detection of a class absent from the image matched to an object:
    confusion cell."""
    a = [100.0, 100.0, 160.0, 200.0]  # 60 × 100
    b = [300.0, 50.0, 420.0, 130.0]
    images = [
        {"gt_boxes": [a], "gt_classes": [0], "boxes": [a], "scores": [0.25], "classes": [0]},
        {"gt_boxes": [a], "gt_classes": [1], "boxes": [[120.0, 100.0, 180.0, 200.0]], "scores": [0.9],
         "classes": [1]},
        {"gt_boxes": [a], "gt_classes": [1], "boxes": [[119.75, 100.0, 179.75, 200.0]], "scores": [0.9],
         "classes": [1]},
        {"gt_boxes": [a], "gt_classes": [2], "boxes": [a, [104.0, 100.0, 164.0, 200.0]], "scores": [0.6, 0.8],
         "classes": [2, 2]},
        {"gt_boxes": [b], "gt_classes": [0], "boxes": [b, [302.0, 50.0, 422.0, 130.0]], "scores": [0.7, 0.95],
         "classes": [0, 1]},
        # gt0 and gt1 overlap; det0 (0.9) overlaps gt0 most, det1 (0.8) overlaps gt0 more than gt1 but both > 0.5
        {"gt_boxes": [[100.0, 100.0, 200.0, 200.0], [120.0, 100.0, 220.0, 200.0]], "gt_classes": [0, 1],
         "boxes": [[102.0, 100.0, 202.0, 200.0], [108.0, 100.0, 208.0, 200.0]], "scores": [0.9, 0.8],
         "classes": [0, 1]},
        {"gt_boxes": [b], "gt_classes": [2], "boxes": [[302.0, 50.0, 422.0, 130.0], b], "scores": [0.5, 0.5],
         "classes": [1, 2]},
        {"gt_boxes": [[100.0, 100.0, 200.0, 200.0], [120.0, 100.0, 220.0, 200.0]], "gt_classes": [1, 2],
         "boxes": [[110.0, 100.0, 210.0, 200.0]], "scores": [0.9], "classes": [0]},
        {"gt_boxes": [a], "gt_classes": [0], "boxes": [a, a], "scores": [0.4, 0.75], "classes": [0, 1]},
        {"gt_boxes": [], "gt_classes": [], "boxes": [a, b, [10.0, 10.0, 50.0, 50.0]], "scores": [0.3, 0.25, 0.1],
         "classes": [0, 2, 1]},
        {"gt_boxes": [a, b], "gt_classes": [2, 1], "boxes": [], "scores": [], "classes": []},
        {"gt_boxes": [], "gt_classes": [], "boxes": [], "scores": [], "classes": []},
        {"gt_boxes": [a, b], "gt_classes": [0, 0], "boxes": [a, b], "scores": [0.25, 0.2], "classes": [0, 0]},
        {"gt_boxes": [a], "gt_classes": [0], "boxes": [a, [400.0, 300.0, 450.0, 350.0]], "scores": [0.6, 0.6],
         "classes": [2, 0]},
    ]
    return images


# ----------------------------------------------------------------------------------------------------------------
# Cases


def random_images(draw, count, nc, conf, iou, seed):
    rng = np.random.default_rng(seed)
    images, redrawn = [], 0
    while len(images) < count:
        im = draw(rng, nc, conf, iou)
        if fragile(im, conf, iou):
            redrawn += 1
            continue
        images.append(im)
    return images, redrawn


CASES = [
    # name, description, draw, images, num_classes, conf, iou, seed
    ("validator", "the detection validator's settings (conf 0.001, matching iou 0.45): every kind of detection, "
                  "scores 0.0005 / 0.001 / 0.0015 around conf, IoUs exactly 9/20", draw_image, 14, 5, 0.001, 0.45,
     1),
    ("predict_defaults", "ConfusionMatrix.process_batch's own defaults, conf 0.25, iou 0.45", draw_image, 10, 3, 0.25,
     0.45, 2),
    ("nms_iou", "conf 0.001 with iou 0.7 (the validator's NMS IoU, mistaken for the matching one)", draw_image, 10, 4,
     0.001, 0.7, 3),
    ("strict", "conf 0.5, iou 0.5: many detections dropped, IoUs exactly 1/2", draw_image, 12, 4, 0.5, 0.5, 4),
    ("float32_thresholds", "conf 0.3, iou 0.3: Float(0.3) > 0.3 in Double; scores exactly 0.3 and IoUs exactly 3/10 "
                           "must not pass", draw_image, 10, 3, 0.3, 0.3, 5),
    ("crowded", crowded_image.__doc__, crowded_image, 8, 3, 0.25, 0.45, 6),
    ("ties", tie_image.__doc__ + " conf 0.1: scores exactly 0.1 dropped.", tie_image, 10, 3, 0.1, 0.5, 7),
    ("empty_images", empty_image.__doc__, empty_image, 10, 3, 0.25, 0.45, 8),
    ("single_class", "one class: no confusion cells, only TP, FP and FN", draw_image, 8, 1, 0.001, 0.45, 9),
    ("zero_thresholds", "conf 0 and iou 0: scores of 0 dropped, any overlap matches, touching boxes do not",
     touching_image, 8, 3, 0.0, 0.0, 10),
]


def main() -> None:
    cases = []
    for name, description, draw, count, nc, conf, iou, seed in CASES:
        images, redrawn = random_images(draw, count, nc, conf, iou, seed)
        cases.append((name, description, nc, conf, iou, images, redrawn))
    cases.append(("edges", edges.__doc__, 3, 0.25, 0.5, edges(), 0))
    out = []
    for name, description, nc, conf, iou, images, redrawn in cases:
        for im in images:
            check_box_iou(im)
            assert not fragile(im, conf, iou), (name, fragile(im, conf, iou))
            assert all(b[2] - b[0] >= MIN_SIDE and b[3] - b[1] >= MIN_SIDE for b in im["gt_boxes"] + im["boxes"])
            assert all(v == q(v) for b in im["gt_boxes"] + im["boxes"] for v in b)
            assert all(0 <= c < nc for c in im["gt_classes"] + im["classes"])
            assert len(im["boxes"]) == len(im["scores"]) == len(im["classes"]) and len(im["gt_boxes"]) == len(
                im["gt_classes"])
        matrix, per_image = ultralytics_matrices(nc, images, conf, iou)
        for mode in ("exact", "float64", "float64-eps"):
            assert matrix_by(nc, images, conf, iou, mode) == matrix, (name, mode)
        out.append({"name": name, "description": " ".join(description.split()), "num_classes": nc, "conf": conf,
                    "iou": iou, "images": images,
                    "expected": {"matrix": matrix, "orientation": ORIENTATION, "per_image": per_image}})
        m = np.array(matrix)
        at_iou, at_conf, ties = exact_counts(images, conf, iou)
        print(f"{name:18s} images {len(images):2d} gt {sum(len(i['gt_classes']) for i in images):3d} "
              f"detections {sum(len(i['scores']) for i in images):3d}: TP {np.trace(m[:-1, :-1]):3d} "
              f"confused {m[:-1, :-1].sum() - np.trace(m[:-1, :-1]):3d} FP {m[:-1, -1].sum():3d} "
              f"FN {m[-1, :-1].sum():3d}; IoU = iou {at_iou:2d}, score = conf {at_conf:2d}, IoU ties {ties}; "
              f"redrawn {redrawn}")
    document = {
        "generator": "training/golden_confusion.py",
        "peer": f"ultralytics {version('ultralytics')} ultralytics.utils.metrics.ConfusionMatrix.process_batch "
                f"(task detect, per image) (torch {torch.__version__}, numpy {np.__version__})",
        "orientation": ORIENTATION,
        "cases": out,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w") as f:
        f.write(json.dumps({k: v for k, v in document.items() if k != "cases"}, separators=(",", ":"))[:-1]
                + ',"cases":[\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in out))
        f.write("\n]}\n")
    print(f"wrote {len(out)} cases to {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
