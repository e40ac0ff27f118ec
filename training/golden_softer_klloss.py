#!/usr/bin/env python3
"""Golden fixture for DetectKit's Softer-NMS from the authors' own code: KL-Loss's variance voting
(yihui-he/KL-Loss, detectron/utils/py_cpu_nms.py `soft`, the function Detectron runs with STD_NMS).

That code measures boxes pixel-inclusively (+1), picks the highest current score, votes over the unselected boxes
whose IoU with the pick exceeds STD_TH (0.01 when STD_TH > 0.1), weighting each coordinate by
exp(-(1 - IoU)^2 / STD.IOU_SIGMA) / std^2, then decays every overlapping box by exp(-IoU^2 / 0.5) and prunes
those below 0.001. DetectKit's `softer` runs with the same numbers (`pixel_inclusive`, sigma 0.5, vote_sigma =
IOU_SIGMA, vote_iou = the effective threshold, score threshold 0.001). The std columns are given to it in
coordinate order: the released Detectron code pairs them with the coordinates in a shuffled order (see
DetectKit's docs), a matter of its caller, not of this function. Scores are distinct, so the order of picks is
the same whatever the tie rule.

Writes SuppressionTests/Fixtures/softer-klloss.json under --out. KL-Loss is not a pip package: give a checkout
(`git clone https://github.com/yihui-he/KL-Loss`, tested at 66c0ed9) with --klloss; only that file is loaded, with
its config, plotting and IPython imports stubbed.

    python training/golden_softer_klloss.py --klloss /path/to/KL-Loss --out Tests
"""
import argparse
import sys
import types
from pathlib import Path

import numpy as np

import golden_suppression as gs


def klloss_soft(checkout, iou_sigma, std_th):
    """KL-Loss's own `soft` with its module-level config set to these values."""
    cfg = types.SimpleNamespace(STD_TH=std_th, STD_NMS=True,
                                STD=types.SimpleNamespace(METHOD="stdiou", SOFT="soft", IOU_SIGMA=iou_sigma),
                                TEST=types.SimpleNamespace(NMS=0.5))
    stubs = {"detectron": types.ModuleType("detectron"), "detectron.core": types.ModuleType("detectron.core"),
             "detectron.core.config": types.ModuleType("detectron.core.config"),
             "matplotlib": types.ModuleType("matplotlib"), "matplotlib.patches": types.ModuleType("matplotlib.patches"),
             "matplotlib.pyplot": types.ModuleType("matplotlib.pyplot"), "IPython": types.ModuleType("IPython")}
    stubs["detectron.core.config"].cfg = cfg
    stubs["matplotlib.patches"].Rectangle = None
    stubs["IPython"].embed = None
    sys.modules.update(stubs)
    namespace = {}
    source = (checkout / "detectron/utils/py_cpu_nms.py").read_text()
    exec(compile(source, "py_cpu_nms.py", "exec"), namespace)
    return namespace["soft"]


def distinct_case(seed):
    """A small detector case with distinct scores (all at least 0.011) and per-coordinate standard deviations in
    [0.5, 8] pixels."""
    case = gs.detector_case(seed, max_boxes=130, distinct_scores=True)
    rng = np.random.default_rng(300 + seed)
    std = np.round(rng.uniform(0.5, 8.0, case["boxes"].shape) * 64) / 64
    return {**case, "std": std.astype(np.float32)}


def expected(case, checkout):
    p = case["params"]
    std_th = p["vote_iou"]
    soft = klloss_soft(checkout, float(p["vote_sigma"]), std_th)
    indices, scores, boxes = [], [], []
    for members in gs.groups(case):
        if len(members) == 0:
            continue
        dets = np.concatenate([case["boxes"][members].astype(np.float64), case["scores"][members, None].astype(np.float64),
                               members[:, None].astype(np.float64)], axis=1)
        kept, _ = soft(dets.copy(), confidence=case["std"][members].astype(np.float64).copy())
        indices += [int(k) for k in kept[:, 5]]
        scores += list(kept[:, 4])
        boxes += list(kept[:, :4])
    return {"indices": indices, "scores": gs.f32_list(scores), "boxes": gs.f32_rows(np.reshape(boxes, (-1, 4)))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--klloss", type=Path, required=True, help="a checkout of yihui-he/KL-Loss")
    parser.add_argument("--out", type=Path, required=True, help="the Swift package's Tests directory")
    a = parser.parse_args()
    # vote_iou is KL-Loss's STD_TH when at most 0.1 (above, its code uses 0.01).
    settings = [{"sigma": 0.5, "vote_sigma": s, "vote_iou": t} for s, t in ((0.01, 0.01), (0.02, 0.05), (0.05, 0.1))]
    cases = gs.sweep("softer", settings, (0.001,), distinct_case)
    documents = []
    for case in cases:
        document = gs.case_json(case, expected(case, a.klloss))
        document["pixel_inclusive"] = True
        documents.append(document)
    header = {"generator": "training/golden_softer_klloss.py",
              "peer": "yihui-he/KL-Loss detectron/utils/py_cpu_nms.py soft (float64, +1 convention)"}
    size = gs.write_json(a.out / "SuppressionTests/Fixtures/softer-klloss.json", header, documents)
    survivors = sum(len(d["expected"]["scores"]) for d in documents)
    print(f"softer-klloss {len(cases)} cases, {survivors} survivors, {size / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
