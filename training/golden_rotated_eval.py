"""Writes Tests/EvaluationTests/Fixtures/rotated-eval/cases.json: randomised COCO ground truth and detections of
oriented boxes with the 12 statistics pycocotools computes for them when its IoU is the exact IoU of the rotated
rectangles, for DetectKit's rotated-box evaluation to match, and Ultralytics' OBB validation metrics on the same
data for comparison.

Boxes are ``"rbox": [cx, cy, w, h, angle]`` (Ultralytics' xywhr, angle in radians, image coordinates with y down):
the width runs along (cos a, sin a), the height along (-sin a, cos a); the corners, in float64, are c + v1 + v2,
c + v1 - v2, c - v1 - v2, c - v1 + v2 with v1 = (w/2)(cos a, sin a), v2 = (h/2)(-sin a, cos a). Every
annotation and result also carries ``"bbox"``, the axis-aligned box enclosing the corners ([x, y, w, h]). Every
number written is a float32 value (written as the float64 ``repr`` of it), so a reader in Float gets the same
numbers; everything computed from them is computed in float64.

Each case holds the instances document (``ground_truth``), the ``results`` array and:

- ``stats``: pycocotools' 12 statistics (``repr`` strings, exact) from its own COCOeval (iouType "bbox") with
  only ``computeIoU`` replaced: the exact IoU of the two rectangles from shapely (intersection area over
  area(d) + area(g) - intersection, 0 when that is 0, and 0 for a box of zero width or height, which has no area),
  or intersection over the detection's own area for a crowd ground truth, in pycocotools' shape and order
  (detections by descending score, stable, cut at maxDets[-1]; ground truth in its order). A detection's area, for
  the area ranges, is the w*h of its rbox (loadRes would take it from the bbox); a ground truth's is its "area".
- ``ultralytics``: mAP50 and mAP50-95 the way Ultralytics' OBBValidator computes them: per image, the detections
  by descending score (stable) matched to the non-crowd ground truth with its own ``_process_batch`` (batch_probiou
  in float32 tensors, then ``match_predictions`` over ``torch.linspace(0.5, 0.95, 10)``), then ``OBBMetrics``
  (``ap_per_class``). Crowd annotations are left out, as Ultralytics' COCO conversion does; categories become
  class indices in document order. ``ultralytics_exact_iou`` is the same with the exact IoU (float64) in place of
  ProbIoU. ``notes`` says, from the numbers measured, where the differences to the COCO statistics come from:
  ProbIoU against exact IoU, COCO's crowd regions and 100-detection cap (pycocotools run again without them), and
  the rest, the AP estimate.

The cases cover clustered scenes (several jittered detections per object, false positives, missed objects,
several categories, the same box written as (h, w, a + pi/2) or (w, h, a - pi)), images without ground truth or
without detections, a category without ground truth, tied scores, more than 100 detections in an image, angles in
[-2pi, 2pi] with multiples of pi/2, very thin boxes, zero-size boxes, crowd regions, area fields that differ from
w*h and near-identical boxes. Deterministic:

    python training/golden_rotated_eval.py      # pycocotools, shapely, torch, ultralytics (training/requirements*.txt)
"""
import contextlib
import io
import json
import math
import random
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import numpy as np
import torch
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
from shapely.geometry import Polygon
from ultralytics.models.yolo.obb import OBBValidator
from ultralytics.utils.metrics import OBBMetrics

OUT = Path(__file__).resolve().parent.parent / "Tests" / "EvaluationTests" / "Fixtures" / "rotated-eval"
IMAGE_SIZE = 1024


def f32(v: float) -> float:
    return float(np.float32(v))


def corners(rbox: list) -> list:
    """The four corners in float64, in the documented order."""
    cx, cy, w, h, a = rbox
    v1 = (w / 2 * math.cos(a), w / 2 * math.sin(a))
    v2 = (-h / 2 * math.sin(a), h / 2 * math.cos(a))
    return [(cx + v1[0] + v2[0], cy + v1[1] + v2[1]), (cx + v1[0] - v2[0], cy + v1[1] - v2[1]),
            (cx - v1[0] - v2[0], cy - v1[1] - v2[1]), (cx - v1[0] + v2[0], cy - v1[1] + v2[1])]


def enclosing(rbox: list) -> list:
    """The axis-aligned box around the corners, [x, y, w, h] in float32."""
    xs, ys = zip(*corners(rbox))
    return [f32(min(xs)), f32(min(ys)), f32(max(xs) - min(xs)), f32(max(ys) - min(ys))]


def overlap(d: list, g: list, crowd: bool) -> float:
    """Exact IoU of two rotated rectangles (shapely, float64); over the detection's area alone for a crowd."""
    pd, pg = Polygon(corners(d)), Polygon(corners(g))
    if not (pd.is_valid and pg.is_valid):  # zero width or height: a degenerate polygon without area
        return 0.0
    inter = pd.intersection(pg).area
    union = pd.area if crowd else pd.area + pg.area - inter
    return inter / union if union > 0 else 0.0


class RotatedCOCOeval(COCOeval):
    """pycocotools' COCOeval with the IoU of the rboxes; matching, accumulate and summarize are its own."""

    def computeIoU(self, imgId, catId):
        gt, dt = self._gts[imgId, catId], self._dts[imgId, catId]
        if not gt or not dt:  # maskUtils.iou answers [] then
            return []
        order = np.argsort([-d["score"] for d in dt], kind="mergesort")
        dt = [dt[i] for i in order][: self.params.maxDets[-1]]
        return np.array([[overlap(d["rbox"], g["rbox"], g["iscrowd"]) for g in gt] for d in dt])


def coco_eval(gt: dict, dt: list, max_dets: int = 100) -> RotatedCOCOeval:
    """pycocotools' evaluation with the rotated IoU, evaluated and accumulated, its printing silenced; ``max_dets``
    in place of its 100 detections per image only for the notes."""
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO()
        coco.dataset = json.loads(json.dumps(gt))
        coco.createIndex()
        if dt:
            results = coco.loadRes(json.loads(json.dumps(dt)))
            for ann in results.dataset["annotations"]:  # loadRes took the area from the bbox
                ann["area"] = ann["rbox"][2] * ann["rbox"][3]
        else:  # loadRes refuses an empty list; an empty results set is a COCO with no annotations
            results = COCO()
            results.dataset = {"images": gt["images"], "categories": gt["categories"], "annotations": []}
            results.createIndex()
        e = RotatedCOCOeval(coco, results, "bbox")
        e.params.maxDets = [1, 10, max_dets]
        e.evaluate()
        e.accumulate()
    return e


def coco_stats(gt: dict, dt: list) -> list:
    """pycocotools' 12 statistics with the rotated IoU."""
    e = coco_eval(gt, dt)
    with contextlib.redirect_stdout(io.StringIO()):
        e.summarize()
    return [float(v) for v in e.stats]


class Matcher(OBBValidator):
    """OBBValidator's matching (``_process_batch``, ``match_predictions``) without a model, data or save directory."""

    def __init__(self):
        self.iouv = torch.linspace(0.5, 0.95, 10)  # as DetectionValidator.__init__
        self.niou = self.iouv.numel()

    def exact(self, preds: dict, batch: dict) -> dict:
        """``_process_batch`` with the exact IoU (float64) in place of batch_probiou."""
        if batch["cls"].shape[0] == 0 or preds["cls"].shape[0] == 0:
            return {"tp": np.zeros((preds["cls"].shape[0], self.niou), dtype=bool)}
        iou = torch.tensor([[overlap(p, g, False) for p in preds["bboxes"].tolist()] for g in batch["bboxes"].tolist()],
                           dtype=torch.float64)
        return {"tp": self.match_predictions(preds["cls"], batch["cls"], iou).cpu().numpy()}


def ultralytics_maps(gt: dict, dt: list, exact: bool) -> dict:
    """mAP50 and mAP50-95 as OBBValidator.update_metrics and get_stats compute them, image by image."""
    classes = {c["id"]: i for i, c in enumerate(gt["categories"])}
    matcher, metrics = Matcher(), OBBMetrics({i: c["name"] for i, c in enumerate(gt["categories"])})
    for image in gt["images"]:
        targets = [a for a in gt["annotations"] if a["image_id"] == image["id"] and not a["iscrowd"]]
        preds = sorted((r for r in dt if r["image_id"] == image["id"]), key=lambda r: -r["score"])  # NMS's order
        batch = {"cls": torch.tensor([classes[a["category_id"]] for a in targets], dtype=torch.float32),
                 "bboxes": torch.tensor([a["rbox"] for a in targets], dtype=torch.float32).reshape(-1, 5)}
        predn = {"cls": torch.tensor([classes[r["category_id"]] for r in preds], dtype=torch.float32),
                 "conf": torch.tensor([r["score"] for r in preds], dtype=torch.float32),
                 "bboxes": torch.tensor([r["rbox"] for r in preds], dtype=torch.float32).reshape(-1, 5)}
        cls = batch["cls"].numpy()
        metrics.update_stats({**(matcher.exact(predn, batch) if exact else matcher._process_batch(predn, batch)),
                              "target_cls": cls, "target_img": np.unique(cls), "conf": predn["conf"].numpy(),
                              "pred_cls": predn["cls"].numpy(), "im_name": str(image["id"])})
    metrics.process()
    return {"map50": float(metrics.box.map50), "map50_95": float(metrics.box.map)}


def box_near(rng: random.Random, centre: tuple, options: dict) -> list:
    """An object of a cluster: small, medium or large (COCO's area ranges), elongated, sometimes very thin or at a
    multiple of pi/2, its angle anywhere in [-2pi, 2pi]."""
    w = rng.choice([rng.uniform(4, 40), rng.uniform(40, 130), rng.uniform(130, 320)])
    h = w * (rng.uniform(0.005, 0.03) if rng.random() < options.get("thin", 0.05) else rng.uniform(0.2, 1.0))
    if rng.random() < options.get("right_angles", 0.1):
        a = rng.randint(-4, 4) * math.pi / 2
    else:
        a = rng.uniform(-2 * math.pi, 2 * math.pi)
    if rng.random() < options.get("zero_size", 0):
        w, h = rng.choice([(0.0, h), (w, 0.0), (0.0, 0.0)])
    spread = options.get("spread", 80)
    return [f32(v) for v in (centre[0] + rng.gauss(0, spread), centre[1] + rng.gauss(0, spread), w, h, a)]


def jitter(rng: random.Random, rbox: list, scale: float) -> list:
    """A detection of rbox: centre moved along the box's axes, sides scaled, angle turned, all by about ``scale``;
    now and then written the other ways the same rectangle can be: (h, w, a + pi/2) or (w, h, a - pi)."""
    cx, cy, w, h, a = rbox
    du, dv = rng.gauss(0, scale * w), rng.gauss(0, scale * h)
    cx, cy = cx + du * math.cos(a) - dv * math.sin(a), cy + du * math.sin(a) + dv * math.cos(a)
    w, h, a = w * (1 + rng.gauss(0, scale)), h * (1 + rng.gauss(0, scale)), a + rng.gauss(0, scale)
    form = rng.random()
    if form < 0.1:
        w, h, a = h, w, a + math.pi / 2
    elif form < 0.2:
        a = a - math.pi
    a = a + 2 * math.pi if a < -2 * math.pi else a - 2 * math.pi if a > 2 * math.pi else a  # the same rectangle
    return [f32(v) for v in (cx, cy, max(0.0, w), max(0.0, h), a)]


def make_case(seed: int, options: dict) -> tuple:
    """Images of clustered objects, their annotations, and detections of them plus false positives."""
    rng = random.Random(seed)
    n_categories = options.get("categories", 3)
    images = [{"id": rng.randrange(1, 10_000) * 10 + i, "file_name": f"{i}.png", "width": IMAGE_SIZE,
               "height": IMAGE_SIZE} for i in range(options.get("images", 6))]
    rng.shuffle(images)
    categories = [{"id": c * 3 + 1, "name": f"c{c}"} for c in range(n_categories)]
    if options.get("empty_category"):
        categories.append({"id": 99, "name": "never"})
    annotations, results = [], []

    def annotate(image_id: int, category: int, rbox: list, crowd: int) -> None:
        area = rbox[2] * rbox[3]
        if rng.random() < options.get("area_noise", 0):
            area *= rng.uniform(0.05, 1.5)  # a segmentation's area, not w*h
        annotations.append({"id": len(annotations) + 1, "image_id": image_id, "category_id": category,
                            "rbox": rbox, "bbox": enclosing(rbox), "area": f32(area), "iscrowd": crowd})

    def detect(image_id: int, category: int, rbox: list) -> None:
        if rng.random() < options.get("wrong_category", 0.05):
            category = rng.choice(categories)["id"]
        results.append({"image_id": image_id, "category_id": category, "rbox": rbox, "bbox": enclosing(rbox),
                        "score": f32(rng.random())})

    for image in images:
        with_gt = rng.random() >= options.get("no_gt", 0.1)
        with_dt = rng.random() >= options.get("no_dt", 0.1)
        objects = []
        for _ in range(rng.randint(1, options.get("clusters", 3))):
            centre = (rng.uniform(100, IMAGE_SIZE - 100), rng.uniform(100, IMAGE_SIZE - 100))
            category = rng.choice(categories[:n_categories])["id"]
            crowd = rng.random() < options.get("crowd", 0)
            if crowd and with_gt:  # a crowd region over the cluster; some of its objects are not annotated apart
                annotate(image["id"], category, [f32(centre[0]), f32(centre[1]), f32(rng.uniform(250, 400)),
                                                 f32(rng.uniform(250, 400)), f32(rng.uniform(-math.pi, math.pi))], 1)
            for _ in range(rng.randint(*options.get("per_cluster", (1, 5)))):
                rbox = box_near(rng, centre, options)
                if with_gt and not (crowd and rng.random() < 0.6):
                    annotate(image["id"], category, rbox, 0)
                if rng.random() < options.get("near_twin", 0):  # a second object almost on top of the first
                    twin = jitter(rng, rbox, 1e-4)
                    objects.append((twin, category))
                    if with_gt:
                        annotate(image["id"], category, twin, 0)
                objects.append((rbox, category))
        if not with_dt:
            continue
        for rbox, category in objects:
            for _ in range(rng.choice(options.get("per_object", [0, 1, 1, 1, 2, 3]))):
                detect(image["id"], category, jitter(rng, rbox, options.get("jitter", 0.06)))
        for _ in range(rng.randint(0, options.get("false", 6))):
            centre = (rng.uniform(0, IMAGE_SIZE), rng.uniform(0, IMAGE_SIZE))
            detect(image["id"], rng.choice(categories)["id"], box_near(rng, centre, options))
    if "ties" in options:
        for r in results:
            r["score"] = f32(rng.choice(options["ties"]))
    rng.shuffle(results)
    return {"images": images, "annotations": annotations, "categories": categories}, results


CASES = {
    "clustered": (1, {"clusters": 4, "per_cluster": (2, 6)}),
    "angles_and_thin": (2, {"right_angles": 0.5, "thin": 0.4, "jitter": 0.02}),
    "crowds": (3, {"crowd": 0.6, "images": 5}),
    "area_fields": (4, {"area_noise": 0.8}),
    "sparse": (5, {"images": 10, "no_gt": 0.35, "no_dt": 0.35, "empty_category": True, "clusters": 2}),
    "ties": (6, {"ties": [0.9, 0.5, 0.5, 0.3, 0.3, 0.1]}),
    "crowded_image": (7, {"images": 2, "categories": 1, "clusters": 1, "per_cluster": (50, 60), "spread": 250,
                          "no_gt": 0, "no_dt": 0, "per_object": [1, 2, 3, 3], "false": 50}),
    "degenerate": (8, {"zero_size": 0.25, "thin": 0.3, "right_angles": 0.4, "jitter": 0.0, "images": 4}),
    "near_identical": (9, {"near_twin": 0.5, "jitter": 0.002, "per_object": [1, 2]}),
}


def describe(gt: dict, dt: list, stats: list, ours: dict, exact: dict) -> str:
    """Where Ultralytics' mAP50/mAP50-95 part from COCO's AP50/AP (stats[1], stats[0]), measured step by step:
    ProbIoU in place of the exact IoU; COCO's crowd regions and 100-detection cap (COCO again without them); what
    is left is the AP estimate (and the order of tied scores)."""
    # summarize() takes stats[0] at maxDets=100 whatever params.maxDets holds: the means it takes, from the table
    precision = coco_eval({**gt, "annotations": [a for a in gt["annotations"] if not a["iscrowd"]]}, dt,
                          10 ** 6).eval["precision"][:, :, :, 0, 2]  # all areas, no cap; -1 where no ground truth
    rules = []
    if any(a["iscrowd"] for a in gt["annotations"]):
        rules.append("crowd regions, which Ultralytics drops so that detections on them are false positives")
    if max(Counter((r["image_id"], r["category_id"]) for r in dt).values(), default=0) > 100:
        rules.append("100-detection cap per image, which Ultralytics' metrics do not have")
    zero_area = any(b["rbox"][2] * b["rbox"][3] == 0 for b in gt["annotations"] + dt)
    ties = len({r["score"] for r in dt}) < len(dt)

    def delta(a: tuple, b: tuple) -> str:
        return f"{a[0] - b[0]:+.4f}/{a[1] - b[1]:+.4f}"

    coco, lax = (stats[1], stats[0]), (precision[0][precision[0] > -1].mean(), precision[precision > -1].mean())
    ul, ux = (ours["map50"], ours["map50_95"]), (exact["map50"], exact["map50_95"])
    return (f"COCO AP50/AP {coco[0]:.4f}/{coco[1]:.4f}, Ultralytics mAP50/mAP50-95 {ul[0]:.4f}/{ul[1]:.4f}. "
            f"ProbIoU instead of the exact IoU: {delta(ul, ux)}"
            + (" (a box without area has ProbIoU 0.9995 with itself, and two 0 x 0 boxes have it wherever they lie,"
               " where the exact IoU is 0)" if zero_area else "")
            + (f"; COCO's {' and '.join(rules)}: {delta(lax, coco)}" if rules else "")
            + f"; the AP estimate (precision envelope interpolated linearly and integrated with the trapezoid "
              f"rule, precision 1 at recall 0, instead of COCO's mean of the envelope at 101 recall steps"
            + ("; tied scores ranked by numpy's unstable argsort" if ties else "")
            + f"): {delta(ux, lax)}.")


def case(name: str, gt: dict, dt: list) -> dict:
    stats = coco_stats(gt, dt)
    ours, exact = ultralytics_maps(gt, dt, exact=False), ultralytics_maps(gt, dt, exact=True)
    return {"name": name, "ground_truth": gt, "results": dt, "stats": [repr(v) for v in stats],
            "ultralytics": {**{k: repr(v) for k, v in ours.items()}, "notes": describe(gt, dt, stats, ours, exact)},
            "ultralytics_exact_iou": {k: repr(v) for k, v in exact.items()}}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    cases = [case(name, *make_case(seed, options)) for name, (seed, options) in CASES.items()]
    cases.append(case("no_detections", make_case(10, {})[0], []))
    meta = {"generator": "training/golden_rotated_eval.py",
            **{package: version(package) for package in ("pycocotools", "ultralytics", "shapely", "numpy", "torch")}}
    (OUT / "cases.json").write_text(json.dumps({"meta": meta, "cases": cases}, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {OUT / 'cases.json'}")


if __name__ == "__main__":
    main()
