"""Writes Tests/EvaluationTests/Fixtures/eval/cases.json: randomised COCO ground truth and detections with the
12 statistics pycocotools computes for them (COCOeval, iouType "bbox"), for DetectKit's evaluation to match.

Each case holds the instances document, the results array and pycocotools' ``stats`` (as ``repr`` floats, so
the values are exact). The cases cover what makes COCO evaluation easy to get wrong: crowd regions (matched
again and again, IoU over the detection's area), ``area`` fields that differ from w·h, images without ground
truth or without detections, categories without ground truth, tied scores (input order decides), more than
100 detections in an image, integer and fractional coordinates, zero-sized boxes, string image ids, a ground
truth with id 0 (never counted as matched, a pycocotools quirk). Deterministic:

    python training/golden_evaluation.py      # pycocotools, numpy (training/requirements.txt)
"""
import contextlib
import io
import json
import random
from pathlib import Path

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

OUT = Path(__file__).resolve().parent.parent / "Tests" / "EvaluationTests" / "Fixtures" / "eval"


def evaluate(gt: dict, dt: list) -> list:
    """pycocotools' 12 statistics, its printing silenced."""
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO()
        coco.dataset = json.loads(json.dumps(gt))
        coco.createIndex()
        results = coco.loadRes(json.loads(json.dumps(dt))) if dt else COCO()
        if not dt:  # loadRes refuses an empty list; an empty results set is a COCO with no annotations
            results.dataset = {"images": gt["images"], "categories": gt["categories"], "annotations": []}
            results.createIndex()
        e = COCOeval(coco, results, "bbox")
        e.evaluate()
        e.accumulate()
        e.summarize()
    return [float(v) for v in e.stats]


def jitter(rng: random.Random, box: list, scale: float) -> list:
    x, y, w, h = box
    return [x + rng.gauss(0, scale * w), y + rng.gauss(0, scale * h), max(0.0, w * rng.uniform(0.8, 1.2)),
            max(0.0, h * rng.uniform(0.8, 1.2))]


def make_case(seed: int, options: dict) -> dict:
    rng = random.Random(seed)
    n_images, n_categories = options.get("images", 8), options.get("categories", 3)
    string_ids = options.get("string_ids", False)
    integer = options.get("integer", False)
    images = [{"id": f"img{i:03d}" if string_ids else rng.randrange(1, 10_000) * 10 + i, "file_name": f"{i}.png",
               "width": 640, "height": 480} for i in range(n_images)]
    rng.shuffle(images)
    categories = [{"id": c * 3 + 1, "name": f"c{c}"} for c in range(n_categories)]
    if options.get("empty_category"):
        categories.append({"id": 99, "name": "never"})
    annotations, results = [], []
    next_id = 0 if options.get("zero_id") else 1
    for image in images:
        if rng.random() < options.get("no_gt", 0.15):
            n_gt = 0
        else:
            n_gt = rng.randint(1, options.get("max_gt", 12))
        gts = []
        for _ in range(n_gt):
            w, h = rng.choice([rng.uniform(2, 30), rng.uniform(30, 100), rng.uniform(100, 300)]), 0
            h = w * rng.uniform(0.5, 2)
            box = [rng.uniform(0, 600), rng.uniform(0, 440), w, h]
            if integer:
                box = [float(round(v)) for v in box]
            if rng.random() < options.get("zero_size", 0):
                box[2] = 0.0
            category = rng.choice(categories[:n_categories])["id"]
            area = box[2] * box[3]
            if rng.random() < options.get("area_noise", 0.3):
                area *= rng.uniform(0.3, 1.5)  # a segmentation area, not w·h
            crowd = 1 if rng.random() < options.get("crowd", 0.1) else 0
            if crowd:
                box = [box[0], box[1], box[2] * 2, box[3] * 2]
            annotations.append({"id": next_id, "image_id": image["id"], "category_id": category, "bbox": box,
                                "area": area, "iscrowd": crowd})
            next_id += 1
            gts.append((box, category))
        if rng.random() < options.get("no_dt", 0.15):
            continue
        for box, category in gts:
            for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
                b = jitter(rng, box, options.get("jitter", 0.08))
                results.append({"image_id": image["id"], "category_id": category, "bbox": b, "score": rng.random()})
        for _ in range(rng.randint(0, options.get("false", 5))):
            b = [rng.uniform(0, 600), rng.uniform(0, 440), rng.uniform(1, 200), rng.uniform(1, 200)]
            results.append({"image_id": image["id"], "category_id": rng.choice(categories[:n_categories])["id"],
                            "bbox": b, "score": rng.random()})
    if options.get("ties"):
        for r in results:
            r["score"] = rng.choice([0.9, 0.5, 0.5, 0.3])
    if integer:
        for r in results:
            r["bbox"] = [float(round(v)) for v in r["bbox"]]
            r["score"] = round(r["score"], 2)
    rng.shuffle(results)
    return {"images": images, "annotations": annotations, "categories": categories}, results


CASES = {
    "plain": (1, {}),
    "crowds": (2, {"crowd": 0.35, "max_gt": 8}),
    "area_fields": (3, {"area_noise": 0.9}),
    "sparse": (4, {"no_gt": 0.5, "no_dt": 0.4}),
    "empty_category": (5, {"empty_category": True}),
    "ties": (6, {"ties": True, "integer": True}),
    "crowded_image": (7, {"images": 3, "categories": 1, "max_gt": 40, "false": 80}),
    "string_ids": (8, {"string_ids": True}),
    "zero_id": (9, {"zero_id": True, "images": 4}),
    "zero_size": (10, {"zero_size": 0.2, "jitter": 0.0}),
    "many": (11, {"images": 40, "categories": 5}),
    "integer": (12, {"integer": True, "crowd": 0.2}),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, (seed, options) in CASES.items():
        gt, dt = make_case(seed, options)
        cases.append({"name": name, "ground_truth": gt, "detections": dt, "stats": [repr(v) for v in evaluate(gt, dt)]})
    # A case with no detections at all, and one where nothing matches.
    gt, _ = make_case(13, {})
    cases.append({"name": "no_detections", "ground_truth": gt, "detections": [],
                  "stats": [repr(v) for v in evaluate(gt, [])]})
    import numpy as np
    meta = {"iou_thresholds": [repr(float(v)) for v in np.linspace(.5, 0.95, int(np.round((0.95 - .5) / .05)) + 1)],
            "recall_thresholds": [repr(float(v)) for v in np.linspace(.0, 1.00, int(np.round((1.00 - .0) / .01)) + 1)]}
    (OUT / "cases.json").write_text(json.dumps({"meta": meta, "cases": cases}, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {OUT / 'cases.json'}")


if __name__ == "__main__":
    main()
