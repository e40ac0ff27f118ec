"""Writes samples/raw_detections.json: raw (not yet suppressed) detector-like COCO results, the fixed input of the
first step of the README's main job (`detectkit suppress` with every method), which needs no detector.

4 images of 640x480, 3 categories, objects of 16-200 px each with a cluster of jittered candidate boxes, every
record with an "id" and a "bbox_std" (pixels) growing with the jitter of the candidate. Deterministic:

    python training/make_sample_detections.py            # needs only numpy
"""
import json
from pathlib import Path

import numpy as np


def main() -> None:
    rng = np.random.default_rng(2026)
    records = []
    for image_id in range(1, 5):
        for _ in range(rng.integers(12, 20)):
            w, h = rng.uniform(16, 200, 2)
            x, y = rng.uniform(0, 640 - w), rng.uniform(0, 480 - h)
            category = int(rng.integers(1, 4))
            confidence = rng.uniform(0.4, 0.98)
            for _ in range(rng.integers(5, 30)):
                jitter = rng.normal(0, 0.08, 4) * [w, h, w, h]
                x1, y1 = x + jitter[0], y + jitter[1]
                x2, y2 = x + w + jitter[2], y + h + jitter[3]
                if x2 - x1 < 2 or y2 - y1 < 2:
                    continue
                std = np.abs(jitter) + rng.uniform(0.5, 3, 4)
                records.append({
                    "id": len(records) + 1,
                    "image_id": image_id,
                    "category_id": category,
                    "bbox": [round(x1, 2), round(y1, 2), round(x2 - x1, 2), round(y2 - y1, 2)],
                    "score": round(float(confidence * rng.uniform(0.2, 1)), 4),
                    "bbox_std": [round(float(s), 2) for s in std],
                })
    out = Path(__file__).resolve().parent.parent / "samples" / "raw_detections.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n")
    print(f"{out}: {len(records)} records")


if __name__ == "__main__":
    main()
