"""Writes Tests/SuppressionTests/Fixtures/fast-nms.json (PeerFixtureTests' format): Ultralytics' own Fast NMS
(`TorchNMS.fast_nms` with its default `box_iou`, YOLACT's rule: a box is dropped when any higher-scored box
overlaps it above the threshold) on random clustered axis-aligned boxes with distinct scores (torch's argsort is
not stable), at thresholds 0.3, 0.5 and 0.7, class-agnostic and per class (Ultralytics' class offsets), for
DetectKit's `fast-nms`. Deterministic:

    python training/golden_fast_nms.py     # torch, ultralytics (training/requirements*.txt)
"""
import json
from pathlib import Path

import numpy as np
import torch
from ultralytics.utils.nms import TorchNMS

OUT = Path(__file__).resolve().parent.parent / "Tests" / "SuppressionTests" / "Fixtures" / "fast-nms.json"


def main() -> None:
    rng = np.random.default_rng(21)
    cases = []
    for k in range(8):
        n = int(rng.integers(3, 120))
        centres = rng.uniform(0, 500, (max(1, n // 5), 2))
        c = centres[rng.integers(len(centres), size=n)] + rng.normal(0, 10, (n, 2))
        wh = rng.uniform(5, 90, (n, 2))
        boxes = np.concatenate([c - wh / 2, c + wh / 2], 1).astype(np.float32)
        scores = (rng.permutation(n) / n * 0.9 + 0.05).astype(np.float32)
        categories = rng.integers(0, 3, n)
        for agnostic in (True, False):
            for t in (0.3, 0.5, 0.7):
                # Per class as Ultralytics does it: boxes offset by class * max_wh (7680) so classes never overlap.
                shifted = boxes if agnostic else boxes + (categories[:, None] * 7680.0).astype(np.float32)
                keep = TorchNMS.fast_nms(torch.from_numpy(shifted), torch.from_numpy(scores), t).tolist()
                cases.append({"name": f"set{k}-{'agnostic' if agnostic else 'perclass'}-{t}", "method": "fast-nms",
                              "params": {"threshold": t}, "score_threshold": 0.0, "class_agnostic": agnostic,
                              "boxes": boxes.tolist(), "scores": scores.tolist(), "categories": categories.tolist(),
                              "expected": {"indices": keep, "scores": scores[keep].tolist(),
                                           "boxes": boxes[keep].tolist()}})
    OUT.write_text(json.dumps({"peer": f"ultralytics TorchNMS.fast_nms (torch {torch.__version__})", "cases": cases}) + "\n")
    print(f"{OUT}: {len(cases)} cases")


if __name__ == "__main__":
    main()
