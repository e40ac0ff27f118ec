#!/usr/bin/env python3
"""Golden fixtures for DetectKit's overlap measures and suppression methods.

Writes, under the directory given by --out (the Swift package's Tests/):

* BoxesTests/Fixtures/overlaps.json: pairwise IoU, GIoU, DIoU and CIoU matrices between two box sets (random
  boxes plus edge cases: identical, disjoint, touching, nested, same centre with another aspect, very thin),
  from torchvision.ops box_iou / generalized_box_iou / distance_box_iou / complete_box_iou on float32 tensors.
* SuppressionTests/Fixtures/<method>.json, one file per DetectKit method, each holding about a dozen
  detector-like cases (clusters of jittered candidates around a few objects plus random boxes on a 640x480
  canvas) and the survivors a peer produced for them. Suppression runs per category unless the case is
  class-agnostic; peers:
    nms                          torchvision.ops.batched_nms / nms (checked equal to per-category nms)
    diou, ciou                   greedy loop over torchvision.ops.distance_box_iou / complete_box_iou
                                 (diou with beta != 1: torchvision's own rho^2 and c^2, penalty raised to beta)
    cluster                      transcription of Cluster-NMS (Zzh-tju/CIoU layers/functions/detection.py),
                                 asserted equal to torchvision.ops.nms
    soft-linear, soft-gaussian   OpenCV cv2.dnn.softNMSBoxes on integer boxes
    softer, weighted             our own re-implementations, regression fixtures (torchvision box_iou)
    matrix-gaussian/-linear      numpy transcription of SOLOv2 matrix_nms (WXinlong/SOLO) on box IoU
    wbf                          ensemble_boxes.weighted_boxes_fusion on boxes normalised into [0, 1]

All inputs and outputs are float32 values written as exact JSON numbers. The output is deterministic (fixed
numpy seeds). Rerun from the repository root with the pinned environment (training/requirements.txt):

    python training/golden_suppression.py --out Tests
"""

import argparse
import importlib.metadata
import json
import math
from pathlib import Path

import cv2
import numpy as np
import torch
from ensemble_boxes import weighted_boxes_fusion
from torchvision import ops

GENERATOR = "training/golden_suppression.py"
WIDTH, HEIGHT = 640.0, 480.0
SEEDS = range(4)
IOU_THRESHOLDS = (0.3, 0.5, 0.7)
SIGMAS = (0.3, 0.5, 1.0)
CATEGORY_IDS = (0, 1, 2, 3, 5)
CATEGORY_COUNTS = (1, 2, 3, 3)  # by seed % 4; seeds 3, 7, ... are class-agnostic
WBF_MODELS = 3


def version(package):
    return f"{package} {importlib.metadata.version(package)}"


def f32(value):
    """A float32 value as the Python float that round-trips it exactly."""
    return float(np.float32(value))


def f32_rows(array):
    return [[f32(v) for v in row] for row in np.asarray(array)]


def f32_list(array):
    return [f32(v) for v in np.asarray(array).ravel()]


# ----------------------------------------------------------------------------------------------------------------
# Overlap matrices


def overlap_boxes():
    """Two box sets; pair k of the first 12 rows is an edge case, the rest are random."""
    edge_pairs = [
        ((10.25, 20.5, 110.75, 90.0), (10.25, 20.5, 110.75, 90.0)),  # identical
        ((0.0, 0.0, 10.0, 10.0), (20.0, 20.0, 30.0, 30.0)),  # disjoint
        ((0.0, 0.0, 10.0, 10.0), (10.0, 0.0, 20.0, 10.0)),  # touching edges
        ((0.0, 0.0, 10.0, 10.0), (10.0, 10.0, 20.0, 20.0)),  # touching corners
        ((0.0, 0.0, 100.0, 100.0), (25.0, 25.0, 75.0, 50.0)),  # nested
        ((40.0, 10.0, 60.0, 90.0), (10.0, 40.0, 90.0, 60.0)),  # same centre, other aspect
        ((30.0, 30.0, 70.0, 70.0), (45.0, 45.0, 55.0, 55.0)),  # concentric
        ((5.0, 0.0, 5.01, 100.0), (0.0, 50.0, 100.0, 50.01)),  # very thin, crossing
        ((5.0, 5.0, 5.01, 50.0), (5.0, 5.0, 5.01, 50.0)),  # very thin, identical
        ((0.0, 0.0, 100.0, 100.0), (50.0, 0.0, 50.01, 100.0)),  # very thin inside a box
        ((100.0, 100.0, 200.0, 150.0), (100.01, 100.0, 200.01, 150.0)),  # shifted by 0.01
        ((0.0, 0.0, 1.0, 1.0), (600.0, 400.0, 640.0, 480.0)),  # far apart
    ]
    rng = np.random.default_rng(1000)

    def random_boxes(n):
        xy = rng.uniform(0.0, 560.0, (n, 2))
        wh = rng.uniform(0.5, 200.0, (n, 2))
        return np.concatenate([xy, xy + wh], axis=1)

    a = np.concatenate([np.array([p[0] for p in edge_pairs]), random_boxes(40 - len(edge_pairs))])
    b = np.concatenate([np.array([p[1] for p in edge_pairs]), random_boxes(50 - len(edge_pairs))])
    a, b = (np.round(x, 2).astype(np.float32) for x in (a, b))
    assert np.all(a[:, 2:] > a[:, :2]) and np.all(b[:, 2:] > b[:, :2]), "zero-area box"
    return a, b


def overlaps_fixture():
    a, b = overlap_boxes()
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    measures = {
        "iou": ops.box_iou,
        "giou": ops.generalized_box_iou,
        "diou": ops.distance_box_iou,
        "ciou": ops.complete_box_iou,
    }
    document = {"generator": GENERATOR, "peer": version("torchvision"), "a": f32_rows(a), "b": f32_rows(b)}
    for name, measure in measures.items():
        matrix = measure(ta, tb).numpy()
        assert matrix.dtype == np.float32 and np.all(np.isfinite(matrix)), name
        document[name] = f32_rows(matrix)
    return document


# ----------------------------------------------------------------------------------------------------------------
# Detector-like cases


def detector_case(seed, *, max_boxes=200, distinct_scores=False):
    """60 to max_boxes boxes (float32, 1 decimal) with scores (float32, 3 decimals, in (0.01, 1)) and categories.

    Each object gets a cluster of jittered candidates, scored by object confidence and jitter; about 10% of
    the boxes are random low-scored ones and about 10% of candidates get a wrong category. Unless
    distinct_scores, a few candidates are duplicated (same box; some with the same score too).
    """
    rng = np.random.default_rng(seed)
    n = int(rng.integers(60, max_boxes + 1))
    categories_used = rng.choice(CATEGORY_IDS, CATEGORY_COUNTS[seed % 4], replace=False)
    n_objects = int(rng.integers(3, 10))
    centres = rng.uniform((40.0, 40.0), (WIDTH - 40.0, HEIGHT - 40.0), (n_objects, 2))
    sizes = rng.uniform(16.0, 220.0, (n_objects, 2))
    object_category = rng.choice(categories_used, n_objects)
    object_confidence = rng.uniform(0.5, 0.99, n_objects)

    n_random = n // 10
    owner = rng.integers(0, n_objects, n - n_random)
    extent = np.tile(sizes[owner], 2)
    jitter = rng.normal(0.0, 0.08, (len(owner), 4))
    candidates = np.concatenate([centres[owner] - sizes[owner] / 2, centres[owner] + sizes[owner] / 2], axis=1)
    candidates += jitter * extent
    quality = np.exp(-np.abs(jitter).sum(axis=1))
    candidate_scores = object_confidence[owner] * quality * rng.uniform(0.6, 1.0, len(owner))
    candidate_categories = np.where(
        rng.random(len(owner)) < 0.1, rng.choice(categories_used, len(owner)), object_category[owner]
    )
    corner = rng.uniform(0.0, (WIDTH - 20.0, HEIGHT - 20.0), (n_random, 2))
    randoms = np.concatenate([corner, corner + rng.uniform(8.0, 160.0, (n_random, 2))], axis=1)

    boxes = np.concatenate([candidates, randoms])
    scores = np.concatenate([candidate_scores, rng.uniform(0.011, 0.4, n_random)])
    categories = np.concatenate([candidate_categories, rng.choice(categories_used, n_random)])
    if distinct_scores:
        grid = np.sort(rng.choice(np.arange(11, 1000), n, replace=False)) / 1000.0
        scores[np.argsort(scores, kind="stable")] = grid
    else:
        copies = rng.choice(n, 3, replace=False)
        boxes = np.concatenate([boxes, boxes[copies]])
        scores = np.concatenate([scores, scores[copies[:2]], rng.uniform(0.011, 0.999, 1)])
        categories = np.concatenate([categories, categories[copies]])

    order = rng.permutation(len(boxes))
    boxes, scores, categories = boxes[order], scores[order], categories[order]
    boxes[:, 0] = np.clip(boxes[:, 0], 0.0, WIDTH - 1.0)
    boxes[:, 1] = np.clip(boxes[:, 1], 0.0, HEIGHT - 1.0)
    boxes[:, 2] = np.clip(boxes[:, 2], boxes[:, 0] + 1.0, WIDTH)
    boxes[:, 3] = np.clip(boxes[:, 3], boxes[:, 1] + 1.0, HEIGHT)
    boxes = np.round(boxes, 1).astype(np.float32)
    scores = np.round(np.clip(scores, 0.011, 0.999), 3).astype(np.float32)
    assert np.all(boxes[:, 2:] > boxes[:, :2]) and len(boxes) <= 1000
    return {"boxes": boxes, "scores": scores, "categories": categories.astype(np.int64)}


def groups(case):
    """Input indices of each suppression group, after dropping records below the score threshold."""
    eligible = case["scores"] >= np.float32(case["score_threshold"])
    if case["class_agnostic"]:
        yield np.flatnonzero(eligible)
        return
    for category in np.unique(case["categories"]):
        yield np.flatnonzero(eligible & (case["categories"] == category))


def per_group(case, suppress):
    """Merge the survivors of suppress(members) -> (positions in members, scores, boxes) over all groups."""
    indices, scores, boxes = [], [], []
    for members in groups(case):
        if len(members) == 0:
            continue
        positions, kept_scores, kept_boxes = suppress(members)
        indices += [int(members[p]) for p in positions]
        scores += list(kept_scores)
        boxes += list(kept_boxes)
    return {"indices": indices, "scores": f32_list(scores), "boxes": f32_rows(np.reshape(boxes, (-1, 4)))}


def unchanged(case, indices):
    """Survivors that keep their input score and box."""
    return {
        "indices": [int(i) for i in indices],
        "scores": f32_list(case["scores"][indices]),
        "boxes": f32_rows(case["boxes"][indices].reshape(-1, 4)),
    }


def kept_per_group(case, keep):
    """Survivors that keep their input score and box, from keep(members) -> positions in members."""

    def suppress(members):
        positions = keep(members)
        return positions, case["scores"][members][positions], case["boxes"][members][positions]

    return per_group(case, suppress)


def stable_descending(scores):
    return torch.sort(torch.from_numpy(scores), descending=True, stable=True).indices.numpy()


def greedy(criterion, threshold):
    """Greedy NMS over boxes in score order: keep i unless suppressed; then suppress every later j with
    criterion[i, j] > threshold."""
    suppressed = np.zeros(len(criterion), dtype=bool)
    keep = []
    for i in range(len(criterion)):
        if suppressed[i]:
            continue
        keep.append(i)
        suppressed[i + 1 :] |= criterion[i, i + 1 :] > threshold
    return keep


def iou_matrix(boxes):
    """torchvision's float32 box_iou of a group with itself."""
    t = torch.from_numpy(boxes)
    return ops.box_iou(t, t).numpy()


# ----------------------------------------------------------------------------------------------------------------
# Peers, one per method: each maps a case to its "expected" survivors.


def expected_nms(case):
    """torchvision batched_nms (nms when class-agnostic) over the records at or above the score threshold."""
    iou = case["params"]["iou"]
    eligible = np.flatnonzero(case["scores"] >= np.float32(case["score_threshold"]))
    boxes = torch.from_numpy(case["boxes"][eligible])
    scores = torch.from_numpy(case["scores"][eligible])
    if case["class_agnostic"]:
        keep = ops.nms(boxes, scores, iou)
    else:
        keep = ops.batched_nms(boxes, scores, torch.from_numpy(case["categories"][eligible]), iou)
    kept = eligible[keep.numpy()]
    separate = kept_per_group(
        case, lambda m: ops.nms(torch.from_numpy(case["boxes"][m]), torch.from_numpy(case["scores"][m]), iou).numpy()
    )
    assert sorted(kept.tolist()) == sorted(separate["indices"]), f"{case['name']}: batched_nms != per-group nms"
    return unchanged(case, kept)


def expected_greedy(case, criterion):
    """Greedy loop per group over criterion(score-sorted boxes) > iou."""
    threshold = np.float32(case["params"]["iou"])

    def keep(members):
        order = stable_descending(case["scores"][members])
        matrix = criterion(torch.from_numpy(case["boxes"][members][order])).numpy()
        return order[greedy(matrix, threshold)]

    return kept_per_group(case, keep)


def diou_terms(boxes):
    """IoU, rho^2 and c^2 + eps of a box set with itself, as torchvision.ops.boxes._box_diou_iou computes them."""
    iou = ops.box_iou(boxes, boxes)
    lti = torch.min(boxes[:, None, :2], boxes[:, :2])
    rbi = torch.max(boxes[:, None, 2:], boxes[:, 2:])
    whi = (rbi - lti).clamp(min=0)
    c2 = (whi[..., 0] ** 2) + (whi[..., 1] ** 2) + 1e-7
    x = (boxes[:, 0] + boxes[:, 2]) / 2
    y = (boxes[:, 1] + boxes[:, 3]) / 2
    rho2 = ((x[:, None] - x[None, :]) ** 2) + ((y[:, None] - y[None, :]) ** 2)
    return iou, rho2, c2


def expected_diou(case):
    """torchvision distance_box_iou; with beta != 1, IoU - (rho^2 / (c^2 + 1e-7))^beta from the same terms."""
    beta = case["params"]["beta"]

    def criterion(boxes):
        iou, rho2, c2 = diou_terms(boxes)
        diou = ops.distance_box_iou(boxes, boxes)
        assert torch.equal(iou - rho2 / c2, diou), "diou_terms differs from torchvision"
        return diou if beta == 1.0 else iou - (rho2 / c2) ** beta

    return expected_greedy(case, criterion)


def expected_ciou(case):
    return expected_greedy(case, lambda boxes: ops.complete_box_iou(boxes, boxes))


def cluster_nms(boxes, threshold):
    """Cluster-NMS of Zzh-tju/CIoU (layers/functions/detection.py) on score-sorted boxes, iterated until
    convergence instead of at most 200 times; returns the keep mask."""
    iou = ops.box_iou(boxes, boxes).triu_(diagonal=1)
    B = iou
    while True:
        A = B
        maxA, _ = torch.max(A, dim=0)
        E = (maxA <= threshold).float().unsqueeze(1).expand_as(A)
        B = iou.mul(E)
        if A.equal(B):
            break
    return (maxA <= threshold).numpy()


def expected_cluster(case):
    """Cluster-NMS per group, asserted equal (same indices, same order) to torchvision nms."""
    iou = case["params"]["iou"]

    def keep(members):
        boxes, scores = case["boxes"][members], case["scores"][members]
        order = stable_descending(scores)
        kept = order[cluster_nms(torch.from_numpy(boxes[order]), iou)]
        reference = ops.nms(torch.from_numpy(boxes), torch.from_numpy(scores), iou).numpy()
        assert kept.tolist() == reference.tolist(), f"{case['name']}: Cluster-NMS != torchvision nms"
        return kept

    return kept_per_group(case, keep)


def expected_soft(case):
    """OpenCV softNMSBoxes (top_k 0) per group on the case's integer boxes; scores are the updated ones."""
    params = case["params"]
    if "sigma" in params:
        method, nms_threshold, sigma = cv2.dnn.SOFT_NMSMETHOD_SOFTNMS_GAUSSIAN, 0.0, params["sigma"]
    else:
        method, nms_threshold, sigma = cv2.dnn.SOFT_NMSMETHOD_SOFTNMS_LINEAR, params["iou"], 0.5

    def suppress(members):
        boxes = case["boxes"][members]
        rects = [(int(x1), int(y1), int(x2 - x1), int(y2 - y1)) for x1, y1, x2, y2 in boxes]
        updated, picks = cv2.dnn.softNMSBoxes(
            rects, case["scores"][members].tolist(), case["score_threshold"], nms_threshold,
            top_k=0, sigma=sigma, method=method,
        )
        picks = np.asarray(picks, dtype=np.int64).ravel()
        return picks, np.asarray(updated, dtype=np.float32).ravel(), boxes[picks]

    return per_group(case, suppress)


def expected_softer(case):
    """Our re-implementation of `softer` (as SofterNMS documents it): on each pick M (highest current score, ties to the lower index; stop below
    the threshold), vote over M and the remaining b with IoU(M, b) > vote_iou with weights
    exp(-(1 - IoU)^2 / vote_sigma) / std^2 per coordinate (float64, original coordinates), then decay every
    remaining score by exp(-IoU^2 / sigma) (float32) and drop those below the threshold."""
    sigma, vote_sigma, vote_iou = (np.float32(case["params"][k]) for k in ("sigma", "vote_sigma", "vote_iou"))
    threshold = np.float32(case["score_threshold"])

    def suppress(members):
        boxes, std = case["boxes"][members].astype(np.float64), case["std"][members].astype(np.float64)
        iou = iou_matrix(case["boxes"][members])
        current = case["scores"][members].copy()
        remaining = np.ones(len(members), dtype=bool)
        picks, scores, voted = [], [], []
        while remaining.any():
            m = max(np.flatnonzero(remaining), key=lambda i: (current[i], -i))
            if current[m] < threshold:
                break
            remaining[m] = False
            numerator, denominator = np.zeros(4), np.zeros(4)
            for b in [m] + [b for b in np.flatnonzero(remaining) if iou[m, b] > vote_iou]:
                d = 1.0 - float(iou[m, b])
                weight = math.exp(-(d * d) / float(vote_sigma)) / (std[b] * std[b])
                numerator += weight * boxes[b]
                denominator += weight
            picks.append(m)
            scores.append(current[m])
            voted.append(numerator / denominator)
            for b in np.flatnonzero(remaining):
                current[b] = current[b] * np.exp(-(iou[m, b] * iou[m, b]) / sigma)
                remaining[b] = current[b] >= threshold
        return picks, scores, voted

    return per_group(case, suppress)


def expected_weighted(case):
    """Our re-implementation of `weighted` (as WeightedNMS documents it): M = highest remaining (stable order); the cluster is M and the remaining
    b with IoU(M, b) > iou; emit the mean box weighted by s_b * IoU(M, b) (w_M = s_M; float64, M first, then by
    input index) with score s_M; remove the cluster."""
    threshold = np.float32(case["params"]["iou"])

    def suppress(members):
        boxes, scores = case["boxes"][members], case["scores"][members]
        iou = iou_matrix(boxes)
        removed = np.zeros(len(members), dtype=bool)
        picks, fused = [], []
        for m in stable_descending(scores):
            if removed[m]:
                continue
            removed[m] = True
            cluster = [b for b in np.flatnonzero(~removed) if iou[m, b] > threshold]
            removed[cluster] = True
            total, weight_sum = boxes[m].astype(np.float64) * float(scores[m]), float(scores[m])
            for b in cluster:
                weight = float(scores[b]) * float(iou[m, b])
                total = total + weight * boxes[b].astype(np.float64)
                weight_sum += weight
            picks.append(m)
            fused.append(total / weight_sum)
        return picks, scores[picks], fused

    return per_group(case, suppress)


def matrix_nms(scores, iou, kernel, sigma):
    """SOLOv2 matrix_nms (WXinlong/SOLO mmdet/core/post_processing/matrix_nms.py) in numpy for one group sorted
    by score, on box IoU; SOLO's sigma is 1/sigma here, and a linear 1 - comp of 0 gives decay 1."""
    iou_upper = np.triu(iou, k=1)
    compensate = np.broadcast_to(iou_upper.max(axis=0)[:, None], iou_upper.shape)
    if kernel == "gaussian":
        solo_sigma = np.float32(1.0 / sigma)
        decay = np.exp(-solo_sigma * iou_upper**2) / np.exp(-solo_sigma * compensate**2)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            decay = np.where(compensate == 1, np.float32(1), (1 - iou_upper) / (1 - compensate))
    return scores * decay.min(axis=0)


def expected_matrix(case):
    """Matrix NMS per group on stable score-sorted boxes; survivors are those with new score >= threshold."""
    kernel = "gaussian" if case["method"] == "matrix-gaussian" else "linear"
    sigma = case["params"].get("sigma", 0.5)
    threshold = np.float32(case["score_threshold"])

    def suppress(members):
        order = stable_descending(case["scores"][members])
        boxes, scores = case["boxes"][members][order], case["scores"][members][order]
        updated = matrix_nms(scores, iou_matrix(boxes), kernel, sigma)
        assert updated.dtype == np.float32
        kept = np.flatnonzero(updated >= threshold)
        return order[kept], updated[kept], boxes[kept]

    return per_group(case, suppress)


def expected_wbf(case):
    """ensemble_boxes.weighted_boxes_fusion (conf_type avg, unit weights) with one list per model."""
    per_model = [np.flatnonzero(case["models"] == k) for k in range(WBF_MODELS)]
    boxes, scores, labels = weighted_boxes_fusion(
        [case["boxes"][i].tolist() for i in per_model],
        [case["scores"][i].tolist() for i in per_model],
        [case["categories"][i].tolist() for i in per_model],
        weights=None, iou_thr=case["params"]["iou"], skip_box_thr=case["score_threshold"], conf_type="avg",
    )
    return {"scores": f32_list(scores), "boxes": f32_rows(boxes), "categories": [int(c) for c in labels]}


# ----------------------------------------------------------------------------------------------------------------
# Cases per method


def integer_boxes(boxes):
    """Whole-number boxes with width and height at least 1."""
    x1y1 = np.round(boxes[:, :2])
    x2y2 = np.maximum(np.round(boxes[:, 2:]), x1y1 + 1)
    return np.concatenate([x1y1, x2y2], axis=1).astype(np.float32)


def soft_case(seed):
    """A detector case on whole-number boxes (OpenCV's softNMSBoxes takes integer rectangles)."""
    case = detector_case(seed)
    return {**case, "boxes": integer_boxes(case["boxes"])}


def small_case(seed):
    """A detector case of at most 130 boxes, for fixtures whose survivors are many or large."""
    return detector_case(seed, max_boxes=130)


def softer_case(seed):
    """A small detector case with per-coordinate standard deviations in [0.5, 8] pixels (multiples of 1/64)."""
    case = small_case(seed)
    rng = np.random.default_rng(100 + seed)
    std = np.round(rng.uniform(0.5, 8.0, case["boxes"].shape) * 64) / 64
    return {**case, "std": std.astype(np.float32)}


def wbf_case(seed):
    """A detector case with distinct scores, boxes normalised into [0, 1] and a model (0..2) per box."""
    case = detector_case(seed, distinct_scores=True)
    rng = np.random.default_rng(200 + seed)
    scale = np.array([WIDTH, HEIGHT, WIDTH, HEIGHT], dtype=np.float32)
    models = rng.integers(0, WBF_MODELS, len(case["boxes"]))
    assert set(models.tolist()) == set(range(WBF_MODELS))
    return {**case, "boxes": case["boxes"] / scale, "models": models}


def case_name(seed, params, agnostic):
    return "-".join([f"seed{seed}", *(f"{k}{v}" for k, v in params.items()), "agnostic" if agnostic else "perclass"])


def sweep(method, settings, score_thresholds, data=detector_case, seeds=SEEDS, agnostic_seeds=True):
    """Every seed with every parameter setting; score thresholds rotate; with agnostic_seeds, seeds 3, 7, ... are
    class-agnostic."""
    cases = []
    for seed in seeds:
        agnostic = agnostic_seeds and seed % 4 == 3
        for k, params in enumerate(settings):
            case = {
                "name": case_name(seed, params, agnostic),
                "method": method,
                "params": params,
                "score_threshold": score_thresholds[(seed + k) % len(score_thresholds)],
                "class_agnostic": agnostic,
                **data(seed),
            }
            cases.append(case)
    return cases


def fixture_plan():
    """(method, peer, cases, expected) for every suppression fixture."""
    torchvision, opencv = version("torchvision"), version("opencv-python-headless")
    ious = [{"iou": t} for t in IOU_THRESHOLDS]
    sigmas = [{"sigma": s} for s in SIGMAS]
    softer_settings = [
        {"sigma": 0.5, "vote_sigma": 0.02, "vote_iou": 0.0},
        {"sigma": 0.3, "vote_sigma": 0.01, "vote_iou": 0.1},
        {"sigma": 1.0, "vote_sigma": 0.05, "vote_iou": 0.5},
    ]
    diou = sweep("diou", [{"iou": t, "beta": 1.0} for t in IOU_THRESHOLDS], (0.0, 0.05))
    diou += sweep("diou", [{"iou": 0.5, "beta": 0.6}], (0.0,), seeds=(0, 3))
    matrix = f"SOLOv2 matrix_nms transcription ({version('numpy')}), box IoU from {torchvision} box_iou"
    return [
        ("nms", f"{torchvision} batched_nms / nms", sweep("nms", ious, (0.0, 0.05)), expected_nms),
        ("soft-linear", f"{opencv} cv2.dnn.softNMSBoxes SOFTNMS_LINEAR",
         sweep("soft-linear", ious, (0.001, 0.05), soft_case), expected_soft),
        ("soft-gaussian", f"{opencv} cv2.dnn.softNMSBoxes SOFTNMS_GAUSSIAN",
         sweep("soft-gaussian", sigmas, (0.001, 0.05), soft_case), expected_soft),
        ("softer", f"DetectKit's own softer re-implementation (a regression fixture), IoU from {torchvision} box_iou",
         sweep("softer", softer_settings, (0.001,), softer_case), expected_softer),
        ("weighted", f"DetectKit's own weighted re-implementation (a regression fixture), IoU from {torchvision} box_iou",
         sweep("weighted", ious, (0.0, 0.05)), expected_weighted),
        ("diou", f"greedy loop over {torchvision} distance_box_iou", diou, expected_diou),
        ("ciou", f"greedy loop over {torchvision} complete_box_iou", sweep("ciou", ious, (0.0, 0.05)), expected_ciou),
        ("cluster", f"Zzh-tju/CIoU Cluster-NMS transcription ({version('torch')}), equal to {torchvision} nms",
         sweep("cluster", ious, (0.0, 0.05)), expected_cluster),
        ("matrix-gaussian", matrix, sweep("matrix-gaussian", sigmas, (0.001, 0.05), small_case), expected_matrix),
        ("matrix-linear", matrix, sweep("matrix-linear", [{}], (0.001, 0.05), small_case, range(12)),
         expected_matrix),
        ("wbf", f"{version('ensemble-boxes')} weighted_boxes_fusion",
         sweep("wbf", ious, (0.0, 0.1), wbf_case, agnostic_seeds=False), expected_wbf),
    ]


# ----------------------------------------------------------------------------------------------------------------
# Output


def case_json(case, expected):
    out = {k: case[k] for k in ("name", "method", "params", "score_threshold", "class_agnostic")}
    out["boxes"] = f32_rows(case["boxes"])
    out["scores"] = f32_list(case["scores"])
    out["categories"] = [int(c) for c in case["categories"]]
    if "std" in case:
        out["std"] = f32_rows(case["std"])
    if "models" in case:
        out["models"] = [int(m) for m in case["models"]]
    out["expected"] = expected
    return out


def write_json(path, header, cases=None):
    """Compact JSON; with cases, one case per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(header, separators=(",", ":"))
    if cases is not None:
        lines = ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases)
        text = text[:-1] + ',"cases":[\n' + lines + "\n]}"
    path.write_text(text + "\n")
    return path.stat().st_size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the Swift package's Tests directory")
    out = parser.parse_args().out

    size = write_json(out / "BoxesTests/Fixtures/overlaps.json", overlaps_fixture())
    print(f"{'overlaps':16s} 40 x 50 boxes, 4 measures                {size / 1024:6.1f} KiB")
    for method, peer, cases, expected in fixture_plan():
        documents = [case_json(case, expected(case)) for case in cases]
        header = {"generator": GENERATOR, "peer": peer}
        size = write_json(out / f"SuppressionTests/Fixtures/{method}.json", header, documents)
        boxes = sum(len(c["scores"]) for c in documents)
        survivors = sum(len(c["expected"]["scores"]) for c in documents)
        print(f"{method:16s} {len(cases):3d} cases {boxes:5d} boxes {survivors:5d} survivors  {size / 1024:6.1f} KiB")


if __name__ == "__main__":
    main()
