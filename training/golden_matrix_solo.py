#!/usr/bin/env python3
"""Golden fixture for DetectKit's Matrix NMS from the authors' own code: SOLOv2's `matrix_nms`
(WXinlong/SOLO, mmdet/core/post_processing/matrix_nms.py), run on boxes drawn as binary masks.

On whole-number boxes the mask of a box covers exactly its area, so SOLO's mask IoU (a matrix product of the
masks, in float32) is the box IoU; SOLO's Gaussian `sigma` multiplies where DetectKit's divides, so SOLO runs with
1 / sigma. SOLO takes the boxes of an image sorted by score (here: stable descending) with their labels and
decays within each label itself; survivors are the boxes whose new score is at least the score threshold. The
linear kernel divides by 1 - compensation, so its cases hold no two identical boxes of one label.

Writes SuppressionTests/Fixtures/matrix-solo.json under --out. SOLO is not a pip package: give a checkout
(`git clone https://github.com/WXinlong/SOLO`, tested at f4cd03b) with --solo; only that one file is imported.

    python training/golden_matrix_solo.py --solo /path/to/SOLO --out Tests
"""
import argparse
import importlib.util
from pathlib import Path

import numpy as np
import torch

import golden_suppression as gs


def solo_matrix_nms(checkout):
    """SOLO's own `matrix_nms` function, loaded from its file (the mmdet package around it is not needed)."""
    spec = importlib.util.spec_from_file_location("solo_matrix_nms", checkout / "mmdet/core/post_processing/matrix_nms.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.matrix_nms


def masks(boxes):
    """One binary mask per whole-number box on the 640 x 480 canvas."""
    out = torch.zeros((len(boxes), int(gs.HEIGHT), int(gs.WIDTH)), dtype=torch.float32)
    for k, (x1, y1, x2, y2) in enumerate(boxes.astype(np.int64)):
        out[k, y1:y2, x1:x2] = 1
    return out


def distinct_case(seed):
    """A small whole-number case with no box repeated within its category (SOLO's linear kernel divides by
    1 - IoU with the best earlier box)."""
    case = gs.small_case(seed)
    boxes = gs.integer_boxes(case["boxes"])
    seen, keep = set(), []
    for k, (box, category) in enumerate(zip(boxes.tolist(), case["categories"].tolist())):
        key = (tuple(box), category)
        if key not in seen:
            seen.add(key)
            keep.append(k)
    return {"boxes": boxes[keep], "scores": case["scores"][keep], "categories": case["categories"][keep]}


def expected(case, matrix_nms):
    eligible = np.flatnonzero(case["scores"] >= np.float32(case["score_threshold"]))
    if len(eligible) == 0:
        return {"indices": [], "scores": [], "boxes": []}
    order = eligible[gs.stable_descending(case["scores"][eligible])]
    labels = np.zeros(len(order), dtype=np.int64) if case["class_agnostic"] else case["categories"][order]
    kernel = "gaussian" if case["method"] == "matrix-gaussian" else "linear"
    sigma = 1.0 / case["params"]["sigma"] if kernel == "gaussian" else 2.0
    updated = matrix_nms(masks(case["boxes"][order]), torch.from_numpy(labels), torch.from_numpy(case["scores"][order]),
                         kernel=kernel, sigma=sigma).numpy()
    kept = np.flatnonzero(updated >= np.float32(case["score_threshold"]))
    # Grouped by category in DetectKit's order of groups (ascending category), each by descending new score.
    if not case["class_agnostic"]:
        kept = np.array(sorted(kept, key=lambda k: (case["categories"][order[k]], k)), dtype=np.int64)
    return {"indices": [int(order[k]) for k in kept], "scores": gs.f32_list(updated[kept]),
            "boxes": gs.f32_rows(case["boxes"][order[kept]].reshape(-1, 4))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solo", type=Path, required=True, help="a checkout of WXinlong/SOLO")
    parser.add_argument("--out", type=Path, required=True, help="the Swift package's Tests directory")
    a = parser.parse_args()
    matrix_nms = solo_matrix_nms(a.solo)
    cases = gs.sweep("matrix-gaussian", [{"sigma": s} for s in gs.SIGMAS], (0.001, 0.05), distinct_case)
    cases += gs.sweep("matrix-linear", [{}], (0.001, 0.05), distinct_case, range(8))
    documents = [gs.case_json(case, expected(case, matrix_nms)) for case in cases]
    header = {"generator": "training/golden_matrix_solo.py",
              "peer": f"WXinlong/SOLO matrix_nms on box masks ({gs.version('torch')})"}
    size = gs.write_json(a.out / "SuppressionTests/Fixtures/matrix-solo.json", header, documents)
    survivors = sum(len(d["expected"]["scores"]) for d in documents)
    print(f"matrix-solo {len(cases)} cases, {survivors} survivors, {size / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
