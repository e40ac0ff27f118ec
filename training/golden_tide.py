"""Writes Tests/EvaluationTests/Fixtures/tide.json: randomised and hand-made COCO ground truth and detections with
what TIDE (Bolya et al., ECCV 2020; pip `tidecv`, pinned in requirements-no-deps.txt) computes for them in box mode,
for DetectKit's TIDE error analysis to match to 1e-9.

    {"generator", "peer", "error_types": ["Cls", "Loc", "Both", "Dupe", "Bkg", "Miss"],
     "special_error_types": ["FalsePos", "FalseNeg"], "thresholds": tidecv's TIDE.COCO_THRESHOLDS,
     "cases": [{"name", "description", "ground_truth", "results", "params": {"pos_threshold",
                "background_threshold", "max_dets"}, "expected": {...}}]}

``ground_truth`` is a COCO instances document (images, annotations, categories) without ``segmentation``:
tidecv's loader (datasets.COCO) reads every annotation's segmentation and fails without one, so the generator hands
it ``[[x, y, x+w, y, x+w, y+h, x, y+h]]`` (the box as a polygon), which box mode never looks at. ``results`` is a
COCO results array in file order (tidecv keeps that order: it breaks score ties). ``expected`` holds, as ``repr``
strings so that the values are exact (all on tidecv's 0-100 scale):

* ``ap``: tidecv's AP at pos_threshold (TIDERun.ap, the mean over the classes of its AP data, see below);
* ``main``: get_main_errors(), ΔAP for Cls, Loc, Both, Dupe, Bkg, Miss (each clamped at 0 by tidecv);
* ``special``: get_special_errors(), ΔAP for FalsePos and FalseNeg (not clamped: may be negative);
* ``counts``: count_errors(), the number of errors of each main type (ints; errors of crowd-ignored detections
  included, as tidecv counts them);
* ``class_ap``: [[category_id, number of ground truths, AP], ...]: the terms of ``ap`` in tidecv's order (classes
  with neither ground truth nor kept detections are not there; a class with detections and no ground truth is,
  with AP 0);
* ``ap_by_threshold``: the AP at each of ``thresholds`` (TIDE.evaluate_range), whose mean tidecv prints as
  "AP @ [50-95]";
* ``detections``: one string per result, in order: "TP:g" (matched with the ground truth of annotation id g),
  "Loc:g+" / "Loc:g-" / "Loc:g!" and "Cls:g+" / "Cls:g-" / "Cls:g!" (the error's target ground truth g; "+" when
  the error's fix turns it into a true positive, "-" when the fix removes it because another Cls or Loc error
  aimed at g has the best score (ties: the first), "!" when g is matched already and the fix removes it),
  "Dupe:g" (g: the ground truth the suppressing detection matched), "Bkg", "Both", or "" when tidecv never
  evaluates it (beyond the 100 highest-scoring detections of its image, or on an image the ground truth does not
  list); a leading "~" marks a detection ignored because it lies in a crowd region (no data point for AP, but
  still an error);
* ``missed``: the annotation ids of the Miss errors, in tidecv's order.

The cases cover crowded images with overlapping objects of several classes, localisation and class errors, both,
duplicates, background boxes, missed objects, images without ground truth, images without detections, crowd
regions (``iscrowd``; detections inside them ignored, an image whose only ground truth is a crowd), a category
listed without ground truth and one not listed at all, detections on an image the ground truth lacks, more than 100
detections in an image, tied scores across images (tidecv's rebuilt AP data orders them differently from its
baseline: negative FalseNeg, clamped main errors), IoUs exactly at both thresholds, other thresholds, string image
ids and unrounded coordinates. Coordinates are on a quarter-pixel grid except in "float_string_ids". Deterministic:

    python training/golden_tide.py     # tidecv, pycocotools, numpy (training/requirements*.txt)
"""
import contextlib
import io
import json
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")  # tidecv imports matplotlib (for plots we never draw)

import numpy as np  # noqa: E402
from tidecv import TIDE, datasets  # noqa: E402
from tidecv.errors.main_errors import (BackgroundError, BoxError, ClassError, DuplicateError,  # noqa: E402
                                       MissedError, OtherError)

OUT = Path(__file__).resolve().parent.parent / "Tests" / "EvaluationTests" / "Fixtures" / "tide.json"
MAIN = [ClassError, BoxError, OtherError, DuplicateError, BackgroundError, MissedError]  # TIDE._error_types
WIDTH, HEIGHT = 640, 480


# ----------------------------------------------------------------------------------------------------------------
# tidecv


def with_segmentation(gt: dict) -> dict:
    """A copy of the ground truth with the polygon of each box as its segmentation (datasets.COCO needs one)."""
    g = json.loads(json.dumps(gt))
    for a in g["annotations"]:
        x, y, w, h = a["bbox"]
        a["segmentation"] = [[x, y, x + w, y, x + w, y + h, x, y + h]]
    return g


def load(gt: dict, dt: list, folder: str):
    """tidecv's own loaders (datasets.COCO, datasets.COCOResult) on the case written as JSON files."""
    gt_path, dt_path = os.path.join(folder, "gt.json"), os.path.join(folder, "dt.json")
    Path(gt_path).write_text(json.dumps(with_segmentation(gt)))
    Path(dt_path).write_text(json.dumps(dt))
    return datasets.COCO(gt_path), datasets.COCOResult(dt_path)


def tide(gt: dict, dt: list, pos: float, bg: float) -> dict:
    with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()):
        gt_data, dt_data = load(gt, dt, folder)
        t = TIDE(pos_threshold=pos, background_threshold=bg, mode=TIDE.BOX)
        run = t.evaluate(gt_data, dt_data, mode=TIDE.BOX)
        main = t.get_main_errors()[dt_data.name]
        special = t.get_special_errors()[dt_data.name]
        counts = run.count_errors()
        class_ap = [[k, obj.num_gt_positives, repr(float(obj.get_ap()))]
                    for k, obj in run.ap_data.objs.items() if not obj.is_empty()]

        annotation_ids = [a["id"] for a in gt["annotations"]]  # tidecv's GT _id is the index in the file
        labels = [""] * len(dt)
        for k, obj in run.ap_data.objs.items():
            for pred_id, (_, correct, info) in obj.data_points.items():
                if correct:
                    labels[pred_id] = f"TP:{annotation_ids[info['matched_with']]}"
        missed = []
        for error in run.errors:
            if isinstance(error, MissedError):
                missed.append(annotation_ids[error.gt["_id"]])
                continue
            pred = error.pred
            if isinstance(error, (ClassError, BoxError)):
                _, point = error.fixed
                mark = "!" if error.match is None else "+" if point is not None else "-"
                label = f"{error.short_name}:{annotation_ids[error.gt['_id']]}{mark}"
            elif isinstance(error, DuplicateError):
                label = f"Dupe:{annotation_ids[error.suppressor['matched_with']]}"
            else:
                label = error.short_name
            labels[pred["_id"]] = ("~" if pred["used"] is None else "") + label

    with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()):
        gt_data, dt_data = load(gt, dt, folder)
        t = TIDE(pos_threshold=pos, background_threshold=bg, mode=TIDE.BOX)
        t.evaluate_range(gt_data, dt_data, mode=TIDE.BOX)
        by_threshold = [repr(float(r.ap)) for r in t.run_thresholds[dt_data.name]]

    return {
        "ap": repr(float(run.ap)),
        "main": {e.short_name: repr(float(main[e.short_name])) for e in MAIN},
        "special": {k: repr(float(v)) for k, v in special.items()},
        "counts": {e.short_name: counts[e] for e in MAIN},
        "class_ap": class_ap,
        "ap_by_threshold": by_threshold,
        "detections": labels,
        "missed": missed,
    }


# ----------------------------------------------------------------------------------------------------------------
# Random cases


class Maker:
    """Draws one case: images, ground truth around clusters, and detections that make each kind of error."""

    def __init__(self, seed: int, quantise: bool = True):
        self.rng = np.random.default_rng(seed)
        self.quantise = quantise
        self.annotations, self.results = [], []

    def q(self, v: float) -> float:
        return float(np.round(v * 4) / 4) if self.quantise else float(v)

    def box(self, x, y, w, h) -> list:
        w, h = max(w, 1.0), max(h, 1.0)
        x, y = min(max(x, 0.0), WIDTH - w), min(max(y, 0.0), HEIGHT - h)
        return [self.q(x), self.q(y), self.q(w), self.q(h)]

    def score(self, low: float, high: float) -> float:
        return round(float(self.rng.uniform(low, high)), 4)

    def add_gt(self, image, category, bbox, crowd=0) -> dict:
        a = {"id": len(self.annotations) + 1, "image_id": image, "category_id": category, "bbox": bbox,
             "area": bbox[2] * bbox[3], "iscrowd": crowd}
        self.annotations.append(a)
        return a

    def add_dt(self, image, category, bbox, score):
        self.results.append({"image_id": image, "category_id": category, "bbox": bbox, "score": score})

    def jitter(self, b, s):
        x, y, w, h = b
        r = self.rng
        return self.box(x + r.normal(0, s * w), y + r.normal(0, s * h), w * r.uniform(0.85, 1.15),
                        h * r.uniform(0.85, 1.15))

    def shifted(self, b):
        """A box that overlaps b by an IoU of about 0.1 to 0.5."""
        x, y, w, h = b
        r = self.rng
        angle, distance = r.uniform(0, 2 * np.pi), r.uniform(0.3, 0.75)
        return self.box(x + np.cos(angle) * distance * w, y + np.sin(angle) * distance * h, w * r.uniform(0.7, 1.4),
                        h * r.uniform(0.7, 1.4))

    def other(self, category, categories):
        return int(self.rng.choice([c for c in categories if c != category]))

    def image(self, image, categories, n_gt, clusters=2, spread=40.0, size=(20, 120), outcome=None,
              background=2.0, crowd=0.0):
        """Ground truth around a few cluster centres (so boxes overlap) and detections for each of them."""
        r = self.rng
        centres = [(r.uniform(60, WIDTH - 60), r.uniform(60, HEIGHT - 60)) for _ in range(clusters)]
        gts = []
        for _ in range(n_gt):
            cx, cy = centres[int(r.integers(len(centres)))]
            w = r.uniform(*size)
            h = w * r.uniform(0.5, 2.0)
            b = self.box(cx + r.normal(0, spread) - w / 2, cy + r.normal(0, spread) - h / 2, w, h)
            gts.append(self.add_gt(image, int(r.choice(categories)), b))
        if crowd and r.random() < crowd:
            cx, cy = centres[0]
            c = self.add_gt(image, int(r.choice(categories)), self.box(cx - 100, cy - 80, 200, 160), crowd=1)
            for _ in range(int(r.integers(1, 4))):  # detections inside the crowd region: ignored when of its class
                x, y, w, h = c["bbox"]
                bw, bh = r.uniform(15, 50), r.uniform(15, 50)
                category = c["category_id"] if r.random() < 0.75 else int(r.choice(categories))
                self.add_dt(image, category, self.box(x + r.uniform(0, w - bw), y + r.uniform(0, h - bh), bw, bh),
                            self.score(0.05, 0.9))
        outcome = outcome or {"tp": 0.45, "dupe": 0.1, "loc": 0.12, "cls": 0.08, "both": 0.05, "miss": 0.2}
        kinds, p = list(outcome), np.array(list(outcome.values()))
        for g in gts:
            kind = kinds[int(r.choice(len(kinds), p=p / p.sum()))]
            b, c = g["bbox"], g["category_id"]
            if kind in ("tp", "dupe"):
                self.add_dt(image, c, self.jitter(b, 0.04), self.score(0.3, 1.0))
            if kind == "dupe":
                self.add_dt(image, c, self.jitter(b, 0.06), self.score(0.05, 0.95))
            if kind == "loc":
                self.add_dt(image, c, self.shifted(b), self.score(0.05, 0.9))
            if kind == "cls":
                self.add_dt(image, self.other(c, categories), self.jitter(b, 0.04), self.score(0.05, 0.9))
            if kind == "both":
                self.add_dt(image, self.other(c, categories), self.shifted(b), self.score(0.05, 0.9))
        for _ in range(int(r.poisson(background))):
            w, h = r.uniform(10, 150), r.uniform(10, 150)
            self.add_dt(image, int(r.choice(categories)),
                        self.box(r.uniform(0, WIDTH - w), r.uniform(0, HEIGHT - h), w, h), self.score(0.01, 0.8))

    def document(self, images, categories) -> dict:
        return {"images": [{"id": i, "file_name": f"{i}.jpg", "width": WIDTH, "height": HEIGHT} for i in images],
                "annotations": self.annotations,
                "categories": [{"id": c, "name": f"class{c}"} for c in categories]}

    def shuffled_results(self) -> list:
        order = self.rng.permutation(len(self.results))
        return [self.results[int(i)] for i in order]


def image_ids(rng, n):
    """Distinct ids, in an order unlike their sorted one (tidecv walks the images in file order)."""
    return [int(v) for v in rng.choice(np.arange(1, 1000), size=n, replace=False)]


def crowded(seed):
    m = Maker(seed)
    cats = [1, 2, 3]
    images = image_ids(m.rng, 6)
    for i in images:
        m.image(i, cats, int(m.rng.integers(15, 31)), clusters=2, spread=35, size=(25, 90), background=3)
    return m.document(images, cats), m.shuffled_results()


def mixed(seed):
    m = Maker(seed)
    cats = [1, 3, 5, 7]
    images = image_ids(m.rng, 20)
    for k, i in enumerate(images):
        if k % 7 == 3:  # no ground truth: every detection is background
            m.image(i, cats, 0, background=3)
        elif k % 7 == 5:  # ground truth, no detections: all missed
            m.image(i, cats, int(m.rng.integers(1, 6)), outcome={"miss": 1.0}, background=0)
        else:
            m.image(i, cats, int(m.rng.integers(1, 12)), clusters=3, crowd=0.2)
    return m.document(images, cats), m.shuffled_results()


def crowd_regions(seed):
    m = Maker(seed)
    cats = [2, 4]
    images = image_ids(m.rng, 10)
    for k, i in enumerate(images):
        if k == 0:  # the only ground truth is a crowd: its detections are ignored for AP, yet counted as Bkg
            c = m.add_gt(i, 2, m.box(100, 100, 300, 200), crowd=1)
            for j in range(4):
                m.add_dt(i, 2 if j < 3 else 4, m.box(120 + 60 * j, 130, 40, 50), m.score(0.1, 0.9))
            m.add_dt(i, 2, m.box(500, 300, 60, 60), m.score(0.1, 0.9))
        else:
            m.image(i, cats, int(m.rng.integers(2, 9)), clusters=2, crowd=0.9, background=1)
    return m.document(images, cats), m.shuffled_results()


def unknown_categories(seed):
    """Category 9 is listed without ground truth, 11 is not listed at all, 5 has ground truth and no detection;
    some detections are on image 4242, which the ground truth does not list."""
    m = Maker(seed)
    cats = [1, 3]
    images = image_ids(m.rng, 8)
    for i in images:
        m.image(i, cats, int(m.rng.integers(2, 8)), background=1)
        if m.rng.random() < 0.5:
            m.add_gt(i, 5, m.box(m.rng.uniform(0, 500), m.rng.uniform(0, 350), 60, 60))
    for _ in range(5):
        i = int(m.rng.choice(images))
        for c in (9, 11):
            m.add_dt(i, c, m.box(m.rng.uniform(0, 500), m.rng.uniform(0, 350), 50, 50), m.score(0.05, 0.95))
    if m.annotations:  # a class-9 detection right on a class-1 ground truth: a Cls error of an unlisted class
        a = next(a for a in m.annotations if a["category_id"] == 1 and not a["iscrowd"])
        m.add_dt(a["image_id"], 9, list(a["bbox"]), 0.97)
    for _ in range(3):
        m.add_dt(4242, 1, m.box(10, 10, 40, 40), m.score(0.05, 0.95))
    return m.document(images, cats + [5, 9]), m.shuffled_results()


def ties(seed):
    """Scores from four values only, so ties cross images and error kinds."""
    gt, dt = mixed(seed)
    rng = np.random.default_rng(seed + 1000)
    for r in dt:
        r["score"] = float(rng.choice([0.9, 0.7, 0.5, 0.5, 0.3]))
    return gt, dt


def many_detections(seed):
    """One image with 130 detections: tidecv keeps its 100 highest-scoring (ties in file order)."""
    m = Maker(seed)
    cats = [1, 2]
    images = image_ids(m.rng, 5)
    m.image(images[0], cats, 40, clusters=4, spread=60, size=(15, 60), background=0,
            outcome={"tp": 0.6, "dupe": 0.3, "loc": 0.1})
    while sum(r["image_id"] == images[0] for r in m.results) < 130:
        w, h = m.rng.uniform(10, 80, size=2)
        m.add_dt(images[0], int(m.rng.choice(cats)),
                 m.box(m.rng.uniform(0, WIDTH - w), m.rng.uniform(0, HEIGHT - h), w, h),
                 round(float(m.rng.choice([0.05, 0.1, m.rng.uniform(0, 1)])), 4))
    for i in images[1:]:
        m.image(i, cats, int(m.rng.integers(3, 10)))
    return m.document(images, cats), m.shuffled_results()


def float_string_ids(seed):
    m = Maker(seed, quantise=False)
    cats = [1, 2, 3]
    images = [f"img-{k:02d}" for k in m.rng.permutation(12)]
    for i in images:
        m.image(i, cats, int(m.rng.integers(0, 10)), clusters=2, crowd=0.15)
    for r in m.results:
        r["score"] = float(m.rng.uniform(0, 1))  # unrounded too
    return m.document(images, cats), m.shuffled_results()


# ----------------------------------------------------------------------------------------------------------------
# Hand-made cases


def document(images, annotations, categories):
    return {"images": [{"id": i, "file_name": f"{i}.jpg", "width": WIDTH, "height": HEIGHT} for i in images],
            "annotations": [{"id": k + 1, "image_id": i, "category_id": c, "bbox": b, "area": b[2] * b[3],
                             "iscrowd": crowd} for k, (i, c, b, crowd) in enumerate(annotations)],
            "categories": [{"id": c, "name": f"class{c}"} for c in categories]}


def dt(i, c, b, s):
    return {"image_id": i, "category_id": c, "bbox": b, "score": s}


def edges():
    """IoUs exactly at the thresholds (0.5 = 50/100, 0.1 = 10/100 in doubles): matched at IoU = pos (>=), Loc at
    IoU = pos against a matched ground truth (Loc's test is bg <= IoU <= pos and comes before Dupe), Loc at IoU =
    bg, Bkg below bg, Cls at other-class IoU = pos, ignored by a crowd only above pos (crowd IoU = inter / det
    area), argmax ties to the first ground truth."""
    gt = document([1, 2, 3, 4], [
        (1, 1, [0, 0, 10, 10], 0), (1, 1, [100, 0, 10, 10], 0), (1, 2, [200, 0, 10, 10], 0),
        (2, 1, [0, 0, 10, 10], 0), (2, 1, [0, 0, 10, 10], 0), (2, 2, [50, 50, 20, 20], 0),
        (3, 1, [0, 0, 100, 100], 1), (3, 1, [300, 300, 10, 10], 0),
        (4, 1, [0, 0, 10, 10], 0), (4, 2, [0, 0, 10, 10], 0),
    ], [1, 2])
    results = [
        dt(1, 1, [0, 0, 10, 5], 0.9),  # IoU 0.5 with GT 1: matched
        dt(1, 1, [0, 5, 10, 5], 0.8),  # IoU 0.5 with GT 1, already matched: Loc, not Dupe
        dt(1, 1, [100, 0, 10, 1], 0.7),  # IoU 0.1 with GT 2: Loc
        dt(1, 1, [100, 0, 10, 0.75], 0.6),  # IoU 0.075: Bkg
        dt(1, 1, [200, 0, 10, 5], 0.5),  # other-class IoU 0.5 with GT 3: Cls
        dt(2, 1, [0, 0, 10, 10], 0.9),  # two identical GT: takes the first
        dt(2, 1, [0, 0, 10, 10], 0.9),  # then the second
        dt(2, 1, [0, 0, 10, 10], 0.4),  # both taken: Dupe
        dt(2, 2, [50, 50, 20, 10], 0.3),  # IoU 0.5: matched
        dt(3, 1, [0, 0, 10, 10], 0.8),  # inside the crowd region: ignored (crowd IoU 1)
        dt(3, 1, [95, 0, 10, 10], 0.7),  # half inside: crowd IoU 0.5, not > 0.5, not ignored: Bkg
        dt(3, 2, [20, 20, 10, 10], 0.6),  # inside, other class: not ignored: Bkg
        dt(4, 2, [0, 0, 10, 10], 0.5),  # class 2 matches GT 10
        dt(4, 1, [0, 0, 10, 10], 0.5),  # class 1 matches GT 9 (same score, file order)
    ]
    return gt, results


def tie_order():
    """True positives and a background error of one score, in three images: the baseline AP orders them by the
    ground truth's image order (TP, FP, TP), tidecv's rebuilt AP data (every fix, FalsePos, FalseNeg) puts the
    errors first (FP, TP, TP), so fixing nothing already costs AP: FalseNeg (no ground truth is missed) is
    negative, and the main errors other than Bkg are clamped to 0."""
    gt = document([7, 3, 5], [(7, 1, [10, 10, 50, 50], 0), (5, 1, [200, 200, 40, 40], 0)], [1])
    results = [dt(3, 1, [400, 300, 30, 30], 0.6), dt(7, 1, [10, 10, 50, 50], 0.6),
               dt(5, 1, [200, 200, 40, 40], 0.6), dt(5, 1, [0, 0, 20, 20], 0.2)]
    return gt, results


def oracle():
    """The oracles' one-fix-per-ground-truth rule: a Loc (0.8) and a Cls (0.7) error aim at one ground truth, so
    fixing Cls alone removes the Cls error (the Loc one holds the best score); a Loc error against a matched ground
    truth is removed by its fix; a crowd-ignored detection that is also a Cls error becomes a true positive when
    Cls is fixed; a ground truth aimed at by an error is not a Miss."""
    gt = document([1, 2, 3], [
        (1, 1, [100, 100, 80, 80], 0), (1, 2, [300, 100, 60, 60], 0),
        (2, 1, [50, 50, 100, 100], 0),
        (3, 1, [0, 0, 300, 300], 1), (3, 2, [100, 100, 40, 40], 0), (3, 1, [400, 50, 40, 40], 0),
    ], [1, 2])
    results = [
        dt(1, 1, [140, 140, 80, 80], 0.8),  # Loc on GT 1
        dt(1, 2, [102, 100, 80, 80], 0.7),  # Cls on GT 1 (lower score: suppressed)
        dt(1, 1, [150, 100, 80, 80], 0.3),  # Loc on GT 1 as well
        dt(1, 2, [300, 100, 60, 60], 0.95),  # TP on GT 2
        dt(2, 1, [50, 50, 100, 100], 0.9),  # TP on GT 3
        dt(2, 1, [100, 100, 100, 100], 0.85),  # IoU 0.14 with matched GT 3: Loc, removed by its fix
        dt(3, 1, [101, 100, 40, 40], 0.6),  # in the class-1 crowd: ignored; Cls on GT 5 (class 2)
        dt(3, 2, [0, 300, 20, 20], 0.5),  # Bkg
    ]
    return gt, results


# ----------------------------------------------------------------------------------------------------------------

CASES = [
    ("crowded", "6 images with 15-30 overlapping objects of 3 classes in 2 clusters each", crowded, 11, 0.5, 0.1),
    ("mixed", "20 images, 4 classes: every error kind, images without ground truth, images without detections, "
              "crowd regions", mixed, 12, 0.5, 0.1),
    ("crowd_regions", "crowd regions with detections inside them, an image whose only ground truth is a crowd",
     crowd_regions, 13, 0.5, 0.1),
    ("unknown_categories", "a category listed without ground truth (9), one not listed (11), one with ground truth "
                           "and no detection (5), detections on an image not in the ground truth",
     unknown_categories, 14, 0.5, 0.1),
    ("ties", "a case drawn as mixed, its scores then drawn from {0.9, 0.7, 0.5, 0.3}: ties across images and "
             "error kinds", ties, 15, 0.5, 0.1),
    ("strict", "pos_threshold 0.75, background_threshold 0.2", mixed, 16, 0.75, 0.2),
    ("loose", "pos_threshold 0.3, background_threshold 0.05", crowded, 17, 0.3, 0.05),
    ("many_detections", "130 detections in one image (tidecv keeps 100 per image, all classes together)",
     many_detections, 18, 0.5, 0.1),
    ("float_string_ids", "unrounded coordinates and scores, string image ids", float_string_ids, 19, 0.5, 0.1),
    ("edges", edges.__doc__, lambda _: edges(), 0, 0.5, 0.1),
    ("tie_order", tie_order.__doc__, lambda _: tie_order(), 0, 0.5, 0.1),
    ("oracle", oracle.__doc__, lambda _: oracle(), 0, 0.5, 0.1),
]


def main() -> None:
    cases = []
    for name, description, make, seed, pos, bg in CASES:
        gt, results = make(seed)
        expected = tide(gt, results, pos, bg)
        cases.append({"name": name, "description": " ".join(description.split()), "ground_truth": gt,
                      "results": results, "params": {"pos_threshold": pos, "background_threshold": bg,
                                                     "max_dets": 100},
                      "expected": expected})
        print(f"{name:20s} images {len(gt['images']):3d} gt {len(gt['annotations']):4d} results {len(results):4d} "
              f"AP {float(expected['ap']):7.3f} counts {expected['counts']}")
    document = {
        "generator": "training/golden_tide.py",
        "peer": f"tidecv {version('tidecv')} TIDE(mode=TIDE.BOX).evaluate on datasets.COCO / datasets.COCOResult "
                f"(pycocotools {version('pycocotools')}, numpy {version('numpy')})",
        "error_types": [e.short_name for e in MAIN],
        "special_error_types": ["FalsePos", "FalseNeg"],
        "thresholds": list(TIDE.COCO_THRESHOLDS),
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
