"""Writes raw (not yet suppressed) detector-like COCO results with rotated boxes for scenes written by
`training/synth.py --rotated`, the input of a comparison of suppression methods on rotated boxes, which needs no
detector.

Per ground-truth object, a cluster of 5-29 candidates jittered in centre (along the object's own axes, sd 6 % of
its width and height), size (log sd 0.1) and angle (sd 0.08 rad), all of its category, with scores of a per-object
confidence (0.4-0.98) times 0.2-1; per image, 0-3 false-positive clusters of 1-4 candidates anywhere in the image
(10-150 px, any category, confidence 0.1-0.6). Candidate angles are wrapped into [-pi/4, 3pi/4) like the OBB
head's, without the long-side convention of the ground truth (w may be less than h). Each record: "id",
"image_id", "category_id", "rbox" [cx, cy, w, h, angle] (radians, Ultralytics xywhr), "bbox" (the axis-aligned box
enclosing the rbox's corners, [x, y, w, h]) and "score". Deterministic (image i uses numpy.random.default_rng([seed,
i]) alone):

    python training/synth.py --seed 3000 --count 300 --rotated --out /tmp/heldout-rotated
    python training/make_rotated_detections.py /tmp/heldout-rotated/annotations.json /tmp/heldout-rotated/raw.json
"""
import argparse
import json
import math
from pathlib import Path

import numpy as np

from synth import enclosing_box, wrapped_angle


def candidate(image_id, category_id, rbox, score):
    """A record; the angle wrapped into [-pi/4, 3pi/4), rounded to 0.01 px and 1e-5 rad."""
    cx, cy, w, h, theta = (float(v) for v in rbox)
    rbox = [round(cx, 2), round(cy, 2), round(w, 2), round(h, 2), wrapped_angle(theta)]
    return {"image_id": image_id, "category_id": category_id, "rbox": rbox, "bbox": enclosing_box(rbox),
            "score": round(float(score), 4)}


def cluster(rng, image_id, category_id, rbox, confidence, count):
    cx, cy, w, h, theta = rbox
    out = []
    for _ in range(count):
        du, dv = rng.normal(0, 0.06, 2) * [w, h]
        jw, jh = w * math.exp(rng.normal(0, 0.1)), h * math.exp(rng.normal(0, 0.1))
        t = theta + rng.normal(0, 0.08)
        if jw < 2 or jh < 2:
            continue
        x, y = cx + du * math.cos(theta) - dv * math.sin(theta), cy + du * math.sin(theta) + dv * math.cos(theta)
        out.append(candidate(image_id, category_id, (x, y, jw, jh, t), confidence * rng.uniform(0.2, 1)))
    return out


def detections(coco, seed):
    categories = [c["id"] for c in coco["categories"]]
    objects = {}
    for a in coco["annotations"]:
        objects.setdefault(a["image_id"], []).append(a)
    records = []
    for image in sorted(coco["images"], key=lambda im: im["id"]):
        rng = np.random.default_rng([seed, image["id"]])
        for a in objects.get(image["id"], []):
            records += cluster(rng, image["id"], a["category_id"], a["rbox"], rng.uniform(0.4, 0.98),
                               int(rng.integers(5, 30)))
        for _ in range(int(rng.integers(0, 4))):
            w, h = np.exp(rng.uniform(math.log(10), math.log(150), 2))
            rbox = (rng.uniform(0, image["width"]), rng.uniform(0, image["height"]), w, h, rng.uniform(0, math.pi))
            records += cluster(rng, image["id"], int(rng.choice(categories)), rbox, rng.uniform(0.1, 0.6),
                               int(rng.integers(1, 5)))
    return [{"id": i + 1, **r} for i, r in enumerate(records)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("annotations", type=Path, help="annotations.json of `synth.py --rotated`")
    ap.add_argument("out", type=Path, help="where to write the COCO results (JSON list)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    coco = json.loads(a.annotations.read_text())
    if not coco["info"].get("rotated"):
        ap.error(f"{a.annotations} has no rotated ground truth (write it with synth.py --rotated)")
    records = detections(coco, a.seed)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n")
    print(f"{a.out}: {len(records)} records for {len(coco['images'])} images")


if __name__ == "__main__":
    main()
