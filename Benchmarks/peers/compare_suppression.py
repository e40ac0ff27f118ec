#!/usr/bin/env python3
"""DetectKit's box suppression side by side with its best-known peers, on one core, on the same boxes.

What is compared (every system gets the same boxes, written once to COCO results JSON for DetectKit):

* ``nms``: ``detectkit suppress --method nms --iou 0.5`` against ``torchvision.ops.nms(boxes, scores, 0.5)``,
  at 1,000 / 10,000 / 100,000 boxes. DetectKit's kept records must be torchvision's ``keep``, in order.
* ``soft-gaussian``: ``detectkit suppress --method soft-gaussian --sigma 0.5 --score-threshold 0.001`` against
  OpenCV's ``softNMSBoxes`` (Gaussian, sigma 0.5, score threshold 0.001, top_k 0), at 1,000 / 10,000 boxes.
  OpenCV only takes integer rectangles, so both sides get the boxes rounded to integers (a separate JSON).
  The kept indices must agree and their decayed scores must agree to ~1e-5 relative.
* ``wbf``: ``detectkit suppress --method wbf --iou 0.55`` against ``ensemble_boxes.weighted_boxes_fusion``
  (iou_thr 0.55, skip_box_thr 0, conf_type avg), at 1,000 / 10,000 boxes normalised to [0, 1].
* ``greedy-nmm``: ``detectkit suppress --method greedy-nmm:overlap=ios,threshold=0.5`` against SAHI's
  ``greedy_nmm`` (IOS, 0.5), the matching that ``GreedyNMMPostprocess`` runs, on its numba backend (the one SAHI
  picks on a CPU) and its numpy backend, at 10,000 / 100,000 boxes; the speed-up is against the faster. SAHI then
  builds the merged predictions in Python (``GreedyNMMPostprocess`` on ``ObjectPrediction`` lists, timed once and
  shown too); DetectKit's time includes that merge. Its merged boxes and scores must be SAHI's.
* IoU one-against-many: ``detectkit bench iou --json`` against ``torchvision.ops.box_iou(box[None], boxes)`` and
  a vectorised numpy expression, all float32, one thread.

Timings are medians of several runs after a warm-up. For DetectKit they are the median that
``detectkit bench suppress --json`` measures in one process: suppression only, without reading or writing JSON
(the output itself comes from a separate ``detectkit suppress`` run and is checked against the peer). Peer timings
are the library call only, on inputs already converted to the library's types. Everything runs on one thread,
and (on Linux) the process and its children are pinned to one CPU.

The boxes are detector-like: objects of 10-200 px with varied aspect ratios, ~20 jittered candidates per
object whose scores are the object's confidence times a jitter, plus 10% low-scoring background boxes, all one
category in one image. The canvas grows with the number of boxes, so the density stays that of a real detector
output. Coordinates are float32 multiples of 1/64 px, so x, y, w = x2 - x1 and x + w are all exact in float32
and every system sees the same numbers; scores are distinct float32 values, so no result depends on how ties
are broken.

Usage (normally through ``Benchmarks/peers/run.sh``, which builds the CLI and sets up the peers' venv)::

    python compare_suppression.py --detectkit .build/release/detectkit
    python compare_suppression.py --peers-only          # the peers alone, no DetectKit binary needed

The markdown table is printed and written to ``Benchmarks/results/suppression.md``; the raw numbers go to
``Benchmarks/results/suppression.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

# One thread for every numeric library, set before they are imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RESULTS = REPO_ROOT / "Benchmarks" / "results"

# Shape of the synthetic detector output.
CANDIDATES_PER_OBJECT = 20  # mean number of candidate boxes per object
BACKGROUND_FRACTION = 0.10  # share of low-scoring boxes not on any object
AREA_PER_OBJECT = 128.0**2  # canvas px² per object: the canvas grows with N, the density does not
QUANTUM = 1.0 / 64.0  # coordinates are multiples of this (exact float32 arithmetic for x + w)

# Method parameters (the same numbers on both sides).
NMS_IOU = 0.5
SOFT_SIGMA = 0.5
SOFT_SCORE_THRESHOLD = 0.001
WBF_IOU = 0.55
NMM_THRESHOLD = 0.5
SOFT_SCORE_RTOL = 1e-5  # decayed scores of soft-gaussian must agree to this relative tolerance
WBF_ATOL = 1e-5  # fused boxes (normalised) and scores of wbf must agree to this


# ----------------------------------------------------------------------------------------------------------
# Boxes
# ----------------------------------------------------------------------------------------------------------


@dataclass
class BoxSet:
    """One synthetic detector output: ``n`` float32 xyxy boxes and distinct float32 scores on a square canvas."""

    n: int
    side: float  # canvas side in px
    boxes: np.ndarray  # (n, 4) float32 xyxy, multiples of QUANTUM
    scores: np.ndarray  # (n,) float32, all distinct

    @property
    def int_boxes(self) -> np.ndarray:
        """The boxes rounded to integer corners, as OpenCV ``Rect`` ``(x, y, w, h)`` int32 with w, h >= 1."""
        corners = np.floor(self.boxes.astype(np.float64) + 0.5).astype(np.int64)  # monotone, unlike rint
        x1, y1 = corners[:, 0], corners[:, 1]
        w = np.maximum(corners[:, 2] - x1, 1)
        h = np.maximum(corners[:, 3] - y1, 1)
        return np.stack([x1, y1, w, h], axis=1).astype(np.int32)

    @property
    def norm_scale(self) -> float:
        """The power of two >= the canvas side: dividing by it normalises to [0, 1] without rounding."""
        return float(2 ** math.ceil(math.log2(self.side)))


def distinct_scores(scores: np.ndarray) -> np.ndarray:
    """Nudges equal float32 scores up by one ulp until all are distinct (deterministic)."""
    s = scores.astype(np.float32).copy()
    while True:
        order = np.argsort(s, kind="stable")
        dup = np.flatnonzero(np.diff(s[order]) == 0) + 1
        if dup.size == 0:
            return s
        s[order[dup]] = np.nextafter(s[order[dup]], np.float32(np.inf))


def make_boxes(n: int, seed: int) -> BoxSet:
    """Detector-like clustered boxes, deterministic in ``(n, seed)``."""
    rng = np.random.default_rng([seed, n])
    n_background = int(round(n * BACKGROUND_FRACTION))
    n_candidates = n - n_background
    n_objects = max(1, round(n_candidates / CANDIDATES_PER_OBJECT))
    side = math.sqrt(n_objects * AREA_PER_OBJECT / (1.0 - BACKGROUND_FRACTION))

    # Objects: log-uniform size 10-200 px, log-uniform aspect ratio 1:3-3:1, fully inside the canvas.
    size = np.exp(rng.uniform(math.log(10.0), math.log(200.0), n_objects))
    aspect = np.exp(rng.uniform(math.log(1 / 3), math.log(3.0), n_objects))
    ow, oh = size * np.sqrt(aspect), size / np.sqrt(aspect)
    ocx = rng.uniform(ow / 2, side - ow / 2)
    ocy = rng.uniform(oh / 2, side - oh / 2)
    confidence = rng.uniform(0.05, 1.0, n_objects)

    # Candidates: centre jittered by a few px (plus 5% of the size), size jittered by ~8%.
    owner = rng.integers(0, n_objects, n_candidates)
    w = ow[owner] * np.exp(rng.normal(0.0, 0.08, n_candidates))
    h = oh[owner] * np.exp(rng.normal(0.0, 0.08, n_candidates))
    cx = ocx[owner] + rng.normal(0.0, 2.0 + 0.05 * ow[owner])
    cy = ocy[owner] + rng.normal(0.0, 2.0 + 0.05 * oh[owner])
    score = confidence[owner] * rng.uniform(0.5, 1.0, n_candidates)

    # Background: small boxes anywhere, low scores.
    bw = np.exp(rng.uniform(math.log(8.0), math.log(64.0), n_background))
    bh = bw * np.exp(rng.uniform(math.log(0.5), math.log(2.0), n_background))
    bcx = rng.uniform(0.0, side, n_background)
    bcy = rng.uniform(0.0, side, n_background)
    bscore = rng.uniform(0.001, 0.15, n_background)

    cx, cy = np.concatenate([cx, bcx]), np.concatenate([cy, bcy])
    w, h = np.concatenate([w, bw]), np.concatenate([h, bh])
    scores = np.concatenate([score, bscore])
    order = rng.permutation(n)  # a detector's output is not sorted by score
    cx, cy, w, h, scores = cx[order], cy[order], w[order], h[order], scores[order]

    def snap(v: np.ndarray) -> np.ndarray:
        return np.round(v / QUANTUM) * QUANTUM

    x1 = snap(np.clip(cx - w / 2, 0.0, side - 1.0))
    y1 = snap(np.clip(cy - h / 2, 0.0, side - 1.0))
    x2 = snap(np.clip(cx + w / 2, x1 + 1.0, side))
    y2 = snap(np.clip(cy + h / 2, y1 + 1.0, side))
    boxes = np.stack([x1, y1, x2, y2], axis=1).astype(np.float32)
    assert np.array_equal(boxes.astype(np.float64), np.stack([x1, y1, x2, y2], axis=1)), "coordinates not exact"
    return BoxSet(n=n, side=side, boxes=boxes, scores=distinct_scores(scores))


def write_results_json(path: Path, xywh: np.ndarray, scores: np.ndarray) -> None:
    """COCO results JSON, one image, one category; ``id`` (the input index) rides along unchanged."""
    records = [
        {"image_id": 1, "category_id": 1, "bbox": [float(v) for v in b], "score": float(s), "id": i}
        for i, (b, s) in enumerate(zip(xywh.tolist(), scores.tolist()))
    ]
    with open(path, "w") as f:
        json.dump(records, f, separators=(",", ":"))


def xyxy_to_xywh(boxes: np.ndarray) -> np.ndarray:
    """float64 ``[x1, y1, x2 - x1, y2 - y1]`` of float32 xyxy boxes (exact for QUANTUM-snapped values)."""
    b = boxes.astype(np.float64)
    return np.stack([b[:, 0], b[:, 1], b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]], axis=1)


def records_to_arrays(records: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(xyxy float64 boxes, float64 scores, ids or None) of COCO result records, in file order."""
    b = np.array([r["bbox"] for r in records], dtype=np.float64).reshape(-1, 4)
    xyxy = np.stack([b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]], axis=1)
    scores = np.array([r["score"] for r in records], dtype=np.float64)
    ids = np.array([r["id"] for r in records], dtype=np.int64) if all("id" in r for r in records) else None
    return xyxy, scores, ids


# ----------------------------------------------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Timing:
    """Median and all samples of one measured operation, in seconds per call."""

    median: float
    samples: list[float]


def time_call(fn: Callable[[], Any], repeats: int, min_sample_s: float = 0.0) -> tuple[Timing, Any]:
    """Median seconds per call of ``fn`` after one warm-up call, and its last result.

    A sample loops ``fn`` until it has run ``min_sample_s`` (for calls too short for the clock).
    """
    t0 = time.perf_counter()
    result = fn()  # warm-up, also timed to size the samples
    once = time.perf_counter() - t0
    loops = max(1, math.ceil(min_sample_s / max(once, 1e-9)))
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(loops):
            result = fn()
        samples.append((time.perf_counter() - t0) / loops)
    return Timing(statistics.median(samples), samples), result


# ----------------------------------------------------------------------------------------------------------
# DetectKit
# ----------------------------------------------------------------------------------------------------------


class DetectKit:
    """Runs the ``detectkit`` CLI and reads what it reports."""

    def __init__(self, binary: Path, repeats: int, timeout_s: float):
        self.binary = binary
        self.repeats = repeats
        self.timeout_s = timeout_s

    def _run(self, cmd: list[str]) -> subprocess.CompletedProcess:
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"{shlex.join(cmd)} ran past {self.timeout_s:g} s") from None
        if proc.returncode != 0:
            raise RuntimeError(f"{shlex.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()}")
        return proc

    def suppress(self, method_args: list[str], source: Path, out: Path) -> tuple[Timing, list[dict[str, Any]]]:
        """The records ``detectkit suppress ... SOURCE -o OUT`` writes, and the median suppression time that
        ``detectkit bench suppress ... --json`` measures in one process after a warm-up run, like the peers'."""
        self._run([str(self.binary), "suppress", *method_args, str(source), "-o", str(out)])
        with open(out) as f:
            records = json.load(f)
        cmd = [str(self.binary), "bench", "suppress", *method_args, "--samples", str(self.repeats + 1), "--json",
               str(source)]
        proc = self._run(cmd)
        lines = [json.loads(l) for l in proc.stdout.splitlines() if l.strip().startswith("{")]
        if not lines:
            raise RuntimeError(f"{shlex.join(cmd)} printed no JSON line:\n{proc.stdout.strip()}")
        median = float(lines[-1]["median_ms"]) * 1e-3
        return Timing(median, [median]), records

    def bench_iou(self) -> list[dict[str, Any]]:
        """The ``iou`` lines of ``detectkit bench iou --json``."""
        cmd = [str(self.binary), "bench", "iou", "--json"]
        proc = self._run(cmd)
        lines = [json.loads(l) for l in proc.stdout.splitlines() if l.strip().startswith("{")]
        found = [l for l in lines if l.get("name") == "iou"]
        if not found:
            raise RuntimeError(f"{shlex.join(cmd)} printed no line with \"name\": \"iou\":\n{proc.stdout.strip()}")
        return found


# ----------------------------------------------------------------------------------------------------------
# Comparisons
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table plus what the agreement check found."""

    operation: str
    boxes: int
    peer: str
    peer_time: Timing
    detectkit_time: Timing | None = None
    peer_kept: int | None = None
    detectkit_kept: int | None = None
    agreement: str = "not checked"
    ok: bool | None = None  # None: not checked (peers only)
    extra: dict[str, Any] | None = None

    @property
    def speedup(self) -> float | None:
        if self.detectkit_time is None or self.detectkit_time.median <= 0:
            return None
        return self.peer_time.median / self.detectkit_time.median


def ids_of(records: list[dict[str, Any]], scores: np.ndarray) -> np.ndarray:
    """Input indices of output records: their ``id`` field, else found by their (unchanged, distinct) score."""
    _, out_scores, ids = records_to_arrays(records)
    if ids is not None:
        return ids
    by_score = {float(s): i for i, s in enumerate(scores.astype(np.float64))}
    return np.array([by_score.get(float(np.float32(s)), -1) for s in out_scores], dtype=np.int64)


def check_nms(records: list[dict[str, Any]], data: BoxSet, keep: np.ndarray) -> tuple[bool, str]:
    """DetectKit's nms output must be torchvision's keep, in the same order, with the input boxes and scores."""
    ids = ids_of(records, data.scores)
    if not np.array_equal(ids, keep):
        only_dk = np.setdiff1d(ids, keep).size
        only_tv = np.setdiff1d(keep, ids).size
        same_set = only_dk == 0 and only_tv == 0
        what = "same set, different order" if same_set else f"{only_dk} kept only by DetectKit, {only_tv} only by torchvision"
        return False, f"MISMATCH: {what}"
    xyxy, out_scores, _ = records_to_arrays(records)
    if not (np.array_equal(xyxy, data.boxes[keep].astype(np.float64))
            and np.array_equal(out_scores.astype(np.float32), data.scores[keep])):
        return False, "MISMATCH: same indices but boxes or scores changed"
    return True, "same kept indices, same order"


def check_soft(records: list[dict[str, Any]], cv_indices: np.ndarray,
               cv_scores: np.ndarray) -> tuple[bool, str]:
    """Same kept indices as OpenCV and decayed scores within SOFT_SCORE_RTOL (borderline drops near the
    score threshold, within that tolerance of it, are tolerated and counted)."""
    _, dk_scores, ids = records_to_arrays(records)
    if ids is None:
        return False, "MISMATCH: DetectKit's records lost their id field, cannot match them"
    dk = dict(zip(ids.tolist(), dk_scores.tolist()))
    cv = dict(zip(cv_indices.tolist(), cv_scores.astype(np.float64).tolist()))
    near = SOFT_SCORE_THRESHOLD * (1 + 10 * SOFT_SCORE_RTOL)
    only_dk = [i for i in dk if i not in cv]
    only_cv = [i for i in cv if i not in dk]
    hard = [i for i in only_dk if dk[i] > near] + [i for i in only_cv if cv[i] > near]
    common = [i for i in dk if i in cv]
    rel = max((abs(dk[i] - cv[i]) / max(abs(cv[i]), 1e-30) for i in common), default=0.0)
    border = len(only_dk) + len(only_cv) - len(hard)
    text = f"max rel. score diff {rel:.1e}"
    if border:
        text += f", {border} borderline drop(s) at the threshold"
    if hard or rel > SOFT_SCORE_RTOL:
        return False, f"MISMATCH: {len(only_dk)} kept only by DetectKit, {len(only_cv)} only by OpenCV; {text}"
    return True, f"same kept indices; {text}"


def check_wbf(records: list[dict[str, Any]], peer_boxes: np.ndarray, peer_scores: np.ndarray) -> tuple[bool, str]:
    """Same number of fused boxes; sorted by score, boxes (normalised) and scores within WBF_ATOL."""
    xyxy, scores, _ = records_to_arrays(records)
    if len(scores) != len(peer_scores):
        return False, f"MISMATCH: {len(scores)} fused boxes, ensemble-boxes has {len(peer_scores)}"
    a = np.argsort(-scores, kind="stable")
    b = np.argsort(-peer_scores, kind="stable")
    box_diff = float(np.max(np.abs(xyxy[a] - peer_boxes[b]), initial=0.0))
    score_diff = float(np.max(np.abs(scores[a] - peer_scores[b]), initial=0.0))
    text = f"max box diff {box_diff:.1e}, max score diff {score_diff:.1e}"
    if box_diff > WBF_ATOL or score_diff > WBF_ATOL:
        return False, f"MISMATCH: {text}"
    return True, f"same fused boxes; {text}"


# ----------------------------------------------------------------------------------------------------------
# The benchmark
# ----------------------------------------------------------------------------------------------------------


def check_merged(records: list[dict[str, Any]], peer_boxes: np.ndarray, peer_scores: np.ndarray) -> tuple[bool, str]:
    """The same merged boxes and scores, as multisets (sorted by score, then box), boxes to two float32 spacings
    of the largest coordinate (DetectKit's records carry ``[x, y, w, h]`` with ``w`` rounded to float32)."""
    boxes, scores, _ = records_to_arrays(records)
    if len(scores) != len(peer_scores):
        return False, f"{len(scores)} merged boxes, SAHI {len(peer_scores)}"
    ours = np.lexsort((boxes[:, 3], boxes[:, 2], boxes[:, 1], boxes[:, 0], -scores))
    theirs = np.lexsort((peer_boxes[:, 3], peer_boxes[:, 2], peer_boxes[:, 1], peer_boxes[:, 0], -peer_scores))
    worst = float(np.abs(boxes[ours] - peer_boxes[theirs]).max(initial=0))
    same_scores = bool(np.array_equal(scores[ours].astype(np.float32), peer_scores[theirs].astype(np.float32)))
    tolerance = 2 * float(np.spacing(np.float32(np.abs(peer_boxes).max(initial=1))))
    ok = same_scores and worst <= tolerance
    return ok, f"same merged boxes (largest difference {worst:.1e} px) and scores" if ok else \
        f"scores equal: {same_scores}, largest box difference {worst:.3g} px"


def numpy_iou_one_to_many(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one xyxy box against many, float32, 0 where the union is 0."""
    iw = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    ih = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    inter = iw * ih
    union = (box[2] - box[0]) * (box[3] - box[1]) + (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def duration(t: float) -> str:
    """Seconds as µs, ms or s, whichever reads best."""
    if t < 1e-3:
        return f"{t * 1e6:.2f} µs"
    return f"{t * 1e3:.3f} ms" if t < 0.1 else f"{t:.3f} s"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Benchmark:
    """Runs each comparison, collects its table row, and writes the report."""

    def __init__(self, args: argparse.Namespace):
        import cv2
        import torch
        import torchvision

        torch.set_num_threads(1)
        cv2.setNumThreads(1)
        self.torch, self.cv2, self.ops = torch, cv2, torchvision.ops
        self.args = args
        self.detectkit = None if args.peers_only else DetectKit(args.detectkit, args.detectkit_repeats,
                                                                  args.detectkit_timeout)
        self.tmp = Path(tempfile.mkdtemp(prefix="detectkit-peers-"))
        self.rows: list[Row] = []
        self.iou: dict[str, Any] = {}
        self.data: dict[int, BoxSet] = {}

    def boxes(self, n: int) -> BoxSet:
        if n not in self.data:
            self.data[n] = make_boxes(n, self.args.seed)
        return self.data[n]

    def add(self, row: Row) -> None:
        dk = f"{row.detectkit_time.median * 1e3:.3f} ms" if row.detectkit_time else "-"
        sp = f", {row.speedup:.1f}x" if row.speedup else ""
        log(f"  {row.operation:14} {row.boxes:>7}: {row.peer} {row.peer_time.median * 1e3:.3f} ms, "
            f"DetectKit {dk}{sp}; kept {row.peer_kept} / {row.detectkit_kept}; {row.agreement}")
        self.rows.append(row)

    def run_detectkit(self, row: Row, method_args: list[str], src: Path,
                      check: Callable[[list[dict[str, Any]]], tuple[bool, str]]) -> None:
        """Times ``detectkit suppress`` on ``src`` into ``row`` and checks its output; a failure is recorded in
        the row (and reported), not raised, so the other rows still run."""
        try:
            t, records = self.detectkit.suppress(method_args, src, self.tmp / f"out_{src.name}")
        except RuntimeError as e:
            row.ok, row.agreement = False, "DetectKit FAILED: " + " ".join(str(e).split())[:300]
            return
        row.detectkit_time, row.detectkit_kept = t, len(records)
        row.ok, row.agreement = check(records)

    # -- nms ------------------------------------------------------------------------------------------------

    def nms(self, n: int) -> None:
        torch, ops = self.torch, self.ops
        data = self.boxes(n)
        tb, ts = torch.from_numpy(data.boxes), torch.from_numpy(data.scores)
        t, keep = time_call(lambda: ops.nms(tb, ts, NMS_IOU), self.args.repeats, 0.05)
        keep = keep.numpy().astype(np.int64)
        row = Row("nms", n, "torchvision.ops.nms", t, peer_kept=len(keep))
        if self.detectkit:
            src = self.tmp / f"boxes_{n}.json"
            write_results_json(src, xyxy_to_xywh(data.boxes), data.scores)
            self.run_detectkit(row, ["--method", "nms", "--iou", str(NMS_IOU)], src,
                               lambda records: check_nms(records, data, keep))
        self.add(row)

    # -- soft-gaussian --------------------------------------------------------------------------------------

    def soft_gaussian(self, n: int) -> None:
        cv2 = self.cv2
        soft = getattr(cv2, "softNMSBoxes", None) or cv2.dnn.softNMSBoxes  # cv2.dnn in OpenCV 4 and 5
        gaussian = getattr(cv2.dnn, "SOFT_NMSMETHOD_SOFTNMS_GAUSSIAN", 2)
        data = self.boxes(n)
        rects = data.int_boxes
        # NMS threshold is unused by the Gaussian method; 0.3 is OpenCV's customary value.
        t, (cv_scores, cv_indices) = time_call(
            lambda: soft(rects, data.scores, SOFT_SCORE_THRESHOLD, 0.3, 0, SOFT_SIGMA, gaussian),
            self.args.repeats, 0.05)
        cv_indices = np.asarray(cv_indices, dtype=np.int64).reshape(-1)
        cv_scores = np.asarray(cv_scores, dtype=np.float32).reshape(-1)
        row = Row("soft-gaussian", n, "OpenCV softNMSBoxes", t, peer_kept=len(cv_indices))
        if self.detectkit:
            src = self.tmp / f"int_boxes_{n}.json"
            write_results_json(src, rects.astype(np.float64), data.scores)
            self.run_detectkit(
                row, ["--method", "soft-gaussian", "--sigma", str(SOFT_SIGMA), "--score-threshold",
                      str(SOFT_SCORE_THRESHOLD)], src,
                lambda records: check_soft(records, cv_indices, cv_scores))
        self.add(row)

    # -- wbf ------------------------------------------------------------------------------------------------

    def wbf(self, n: int) -> None:
        from ensemble_boxes import weighted_boxes_fusion

        data = self.boxes(n)
        scale = data.norm_scale
        norm = (data.boxes / np.float32(scale)).astype(np.float32)  # exact: scale is a power of two
        boxes64, scores64 = norm.astype(np.float64), data.scores.astype(np.float64)
        labels = np.zeros(n)
        t, (fused, fused_scores, _) = time_call(
            lambda: weighted_boxes_fusion([boxes64], [scores64], [labels], iou_thr=WBF_IOU, skip_box_thr=0.0,
                                          conf_type="avg"),
            self.args.repeats)
        row = Row("wbf", n, "ensemble_boxes WBF", t, peer_kept=len(fused_scores))
        if self.detectkit:
            src = self.tmp / f"norm_boxes_{n}.json"
            write_results_json(src, xyxy_to_xywh(norm), data.scores)
            self.run_detectkit(row, ["--method", "wbf", "--iou", str(WBF_IOU)], src,
                               lambda records: check_wbf(records, np.asarray(fused), np.asarray(fused_scores)))
        self.add(row)

    # -- greedy-nmm (SAHI) ----------------------------------------------------------------------------------

    def greedy_nmm(self, n: int) -> None:
        from sahi.postprocess.backends import set_postprocess_backend
        from sahi.postprocess.combine import GreedyNMMPostprocess, greedy_nmm
        from sahi.prediction import ObjectPrediction

        data = self.boxes(n)
        predictions = np.concatenate([data.boxes, data.scores[:, None], np.zeros((n, 1), np.float32)], 1).astype(np.float32)
        timings = {}
        for backend in ("numba", "numpy"):
            set_postprocess_backend(backend)
            timings[backend], merged = time_call(
                lambda: greedy_nmm(predictions, match_metric="IOS", match_threshold=NMM_THRESHOLD), self.args.repeats)
            log(f"  greedy-nmm {n}: SAHI greedy_nmm ({backend}) {timings[backend].median * 1e3:.1f} ms, "
                f"{len(merged)} keepers")
        backend = min(timings, key=lambda b: timings[b].median)
        set_postprocess_backend("numpy")
        objects = [ObjectPrediction(bbox=[float(v) for v in b], score=float(s), category_id=0, shift_amount=[0, 0],
                                    full_shape=None) for b, s in zip(data.boxes, data.scores)]
        t0 = time.perf_counter()
        out = GreedyNMMPostprocess(match_threshold=NMM_THRESHOLD, match_metric="IOS", class_agnostic=False)(objects)
        whole = time.perf_counter() - t0
        peer_boxes = np.array([p.bbox.to_xyxy() for p in out], dtype=np.float64).reshape(-1, 4)
        peer_scores = np.array([p.score.value for p in out], dtype=np.float64)
        row = Row("greedy-nmm", n, f"SAHI greedy_nmm ({backend})", timings[backend], peer_kept=len(out),
                  extra={"GreedyNMMPostprocess_s": whole, "backends_s": {b: t.median for b, t in timings.items()}})
        log(f"  greedy-nmm {n}: SAHI GreedyNMMPostprocess (matching and merging, numpy) {whole:.2f} s")
        if self.detectkit:
            src = self.tmp / f"boxes_{n}.json"
            write_results_json(src, xyxy_to_xywh(data.boxes), data.scores)
            self.run_detectkit(row, ["--method", f"greedy-nmm:overlap=ios,threshold={NMM_THRESHOLD}"], src,
                               lambda records: check_merged(records, peer_boxes, peer_scores))
        self.add(row)

    # -- IoU throughput -------------------------------------------------------------------------------------

    def iou_throughput(self) -> None:
        torch, ops = self.torch, self.ops
        dk_lines: list[dict[str, Any]] = []
        if self.detectkit:
            try:
                dk_lines = self.detectkit.bench_iou()
            except RuntimeError as e:
                log(f"WARNING: detectkit bench iou failed: {e}")
        count = int(dk_lines[0]["count"]) if dk_lines else self.args.iou_count
        pool = self.boxes(max(self.args.sizes, default=100_000)).boxes
        boxes = np.resize(pool, (count, 4)).astype(np.float32)  # the detector-like boxes, tiled to `count`
        box = boxes[count // 2].copy()
        tb, tbox = torch.from_numpy(boxes), torch.from_numpy(box[None])
        tt, tv = time_call(lambda: ops.box_iou(tbox, tb), self.args.repeats, 0.2)
        nt, nv = time_call(lambda: numpy_iou_one_to_many(box, boxes), self.args.repeats, 0.2)
        assert np.allclose(tv.numpy()[0], nv, atol=1e-6), "torch and numpy IoU disagree"
        self.iou = {
            "count": count,
            "detectkit": dk_lines,
            "torchvision_box_iou": {"median_s": tt.median, "samples_s": tt.samples, "per_second": count / tt.median},
            "numpy": {"median_s": nt.median, "samples_s": nt.samples, "per_second": count / nt.median},
        }
        dk = f"{dk_lines[0]['per_second'] / 1e9:.2f} G IoU/s" if dk_lines else "-"
        log(f"  iou one-to-many {count}: torchvision {count / tt.median / 1e9:.3f} G IoU/s, "
            f"numpy {count / nt.median / 1e9:.3f} G IoU/s, DetectKit {dk}")

    # -- report ---------------------------------------------------------------------------------------------

    def table(self) -> str:
        lines = ["| operation | boxes | DetectKit | peer | peer time | speed-up |",
                 "|---|---:|---:|---|---:|---:|"]
        for r in self.rows:
            dk = duration(r.detectkit_time.median) if r.detectkit_time else "-"
            sp = f"{r.speedup:.1f}×" if r.speedup else "-"
            lines.append(f"| {r.operation} | {r.boxes:,} | {dk} | {r.peer} | {duration(r.peer_time.median)} | {sp} |")
        if self.iou:
            n = self.iou["count"]
            dk_line = self.iou["detectkit"][0] if self.iou["detectkit"] else None
            dk_rate = dk_line["per_second"] if dk_line else None
            dk = f"{duration(dk_line['median_ms'] / 1e3)} ({dk_rate / 1e9:.2f} G IoU/s)" if dk_line else "-"
            for name, key in (("torchvision box_iou", "torchvision_box_iou"), ("numpy", "numpy")):
                peer = self.iou[key]
                sp = f"{dk_rate / peer['per_second']:.1f}×" if dk_rate else "-"
                lines.append(f"| IoU one-against-many | {n:,} | {dk} | {name} | {duration(peer['median_s'])} "
                             f"({peer['per_second'] / 1e9:.3f} G IoU/s) | {sp} |")
        return "\n".join(lines)

    def checks_table(self) -> str:
        lines = ["| operation | boxes | kept (DetectKit) | kept (peer) | agreement |", "|---|---:|---:|---:|---|"]
        for r in self.rows:
            dk = f"{r.detectkit_kept:,}" if r.detectkit_kept is not None else "-"
            lines.append(f"| {r.operation} | {r.boxes:,} | {dk} | {r.peer_kept:,} | {r.agreement} |")
        return "\n".join(lines)

    def machine(self) -> dict[str, Any]:
        from importlib import metadata

        cpu = platform.processor() or platform.machine()
        try:
            with open("/proc/cpuinfo") as f:
                cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
        except OSError:
            pass
        versions = {}
        for pkg in ("numpy", "torch", "torchvision", "opencv-python-headless", "ensemble-boxes", "sahi", "numba"):
            try:
                versions[pkg] = metadata.version(pkg)
            except metadata.PackageNotFoundError:
                versions[pkg] = None
        return {"cpu": cpu, "platform": platform.platform(), "python": platform.python_version(),
                "pinned_cpu": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
                "packages": versions}

    def report(self, command: str) -> None:
        machine = self.machine()
        pkgs = ", ".join(f"{k} {v}" for k, v in machine["packages"].items())
        text = "\n".join([
            "# DetectKit suppression vs peers (one core)", "",
            f"Command: `{command}`", "",
            f"Machine: {machine['cpu']}, {machine['platform']}; Python {machine['python']}; {pkgs}.", "",
            f"Median of {self.args.repeats} runs after a warm-up (peers) and of {self.args.detectkit_repeats} runs "
            "(DetectKit: `detectkit bench suppress --json`, suppression only, in one process). "
            "Speed-up = peer time / DetectKit time.", "",
            self.table(), "",
            "## Agreement", "",
            self.checks_table(), "",
        ])
        print(text)
        out = self.args.results_dir
        out.mkdir(parents=True, exist_ok=True)
        (out / "suppression.md").write_text(text)
        raw = {
            "command": command, "machine": machine, "seed": self.args.seed,
            "rows": [{
                "operation": r.operation, "boxes": r.boxes, "peer": r.peer,
                "peer_median_s": r.peer_time.median, "peer_samples_s": r.peer_time.samples,
                "detectkit_median_s": r.detectkit_time.median if r.detectkit_time else None,
                "detectkit_samples_s": r.detectkit_time.samples if r.detectkit_time else None,
                "speedup": r.speedup, "peer_kept": r.peer_kept, "detectkit_kept": r.detectkit_kept,
                "agreement": r.agreement, "ok": r.ok,
            } for r in self.rows],
            "iou_one_against_many": self.iou,
        }
        (out / "suppression.json").write_text(json.dumps(raw, indent=2) + "\n")
        log(f"wrote {out / 'suppression.md'} and {out / 'suppression.json'}")


def sizes(text: str) -> list[int]:
    """``1000,10000`` (underscores allowed) -> ``[1000, 10000]``; an empty string -> ``[]``."""
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--detectkit", type=Path, default=REPO_ROOT / ".build" / "release" / "detectkit",
                   help="the detectkit binary (default: .build/release/detectkit)")
    p.add_argument("--peers-only", action="store_true", help="time the peers alone; no DetectKit binary needed")
    p.add_argument("--sizes", type=sizes, default=[1_000, 10_000, 100_000], help="nms sizes (default 1000,10000,100000)")
    p.add_argument("--soft-sizes", type=sizes, default=[1_000, 10_000], help="soft-gaussian sizes (default 1000,10000)")
    p.add_argument("--wbf-sizes", type=sizes, default=[1_000, 10_000], help="wbf sizes (default 1000,10000)")
    p.add_argument("--nmm-sizes", type=sizes, default=[10_000, 100_000],
                   help="greedy-nmm sizes (default 10000,100000)")
    p.add_argument("--repeats", type=int, default=5, help="timed runs per peer measurement (default 5)")
    p.add_argument("--detectkit-repeats", type=int, default=7, help="timed detectkit runs per measurement (default 7)")
    p.add_argument("--detectkit-timeout", type=float, default=600.0,
                   help="seconds one detectkit run may take before its row is marked failed (default 600)")
    p.add_argument("--iou-count", type=int, default=100_000,
                   help="boxes for the IoU peers when DetectKit does not say (default 100000)")
    p.add_argument("--seed", type=int, default=20240601, help="seed of the synthetic boxes")
    p.add_argument("--results-dir", type=Path, default=DEFAULT_RESULTS, help="where the table and JSON go")
    p.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    p.add_argument("--strict", action="store_true", help="exit 1 when DetectKit disagrees with a peer")
    p.add_argument("--keep-files", action="store_true", help="keep the temporary JSON files (path is printed)")
    args = p.parse_args()

    if not args.peers_only and not args.detectkit.is_file():
        p.error(f"no detectkit binary at {args.detectkit} (build it, pass --detectkit, or use --peers-only)")
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # inherited by the detectkit runs
    command = os.environ.get("DETECTKIT_BENCH_COMMAND") or shlex.join([Path(sys.executable).name, *sys.argv])

    bench = Benchmark(args)
    log(f"boxes in {bench.tmp}")
    for n in args.sizes:
        bench.nms(n)
    for n in args.soft_sizes:
        bench.soft_gaussian(n)
    for n in args.wbf_sizes:
        bench.wbf(n)
    for n in args.nmm_sizes:
        bench.greedy_nmm(n)
    bench.iou_throughput()
    bench.report(command)
    if not args.keep_files:
        shutil.rmtree(bench.tmp, ignore_errors=True)

    bad = [r for r in bench.rows if r.ok is False]
    for r in bad:
        log(f"WARNING: {r.operation} at {r.boxes:,} boxes disagrees with {r.peer}: {r.agreement}")
    return 1 if bad and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
