#!/usr/bin/env python3
"""Rotated overlaps and rotated NMS side by side in one run, one thread: DetectKit's greedy NMS on exact IoU against
OpenCV's `cv2.dnn.NMSBoxesRotated`, and DetectKit's Fast NMS on ProbIoU against Ultralytics' OBB post-processing
(`TorchNMS.fast_nms(..., iou_func=batch_probiou)`, what `non_max_suppression(rotated=True)` runs); and one box
against all N (`detectkit bench rotated-iou`): exact IoU against shapely's vectorised polygon intersection and
OpenCV's `rotatedRectangleIntersection` (one call per pair, as its API goes), ProbIoU against Ultralytics'
`batch_probiou`, the values compared.

The boxes: `--sizes` (default 1,000 and 10,000) oriented boxes in clusters on a 2000x2000 canvas (sides 10-70 px,
any angle, random scores), written as an .npy of [N, 6] float32 for `detectkit bench rotated-nms`. Each side runs
`--repeats` times (DetectKit reports its own median); medians of the suppression alone, threshold 0.5. The
one-against-all overlaps, fractions of a millisecond, run `--one-repeats` times on both sides.

Survivors: Ultralytics' must be DetectKit's (the same set). OpenCV's differ where one box lies wholly inside the
other: its `rotatedRectIOU` returns 1 for an `INTERSECT_FULL` pair instead of the true IoU, so it suppresses nested
boxes the exact IoU keeps. The script shows this by replaying OpenCV's rule on OpenCV's own intersections (which
then gives exactly OpenCV's survivors) and the true IoU on the same intersections (which gives DetectKit's).

Usage (normally through ``Benchmarks/peers/run.sh --rotated``)::

    python compare_rotated.py --detectkit .build/release/detectkit
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import shapely
import torch
from ultralytics.utils.metrics import batch_probiou
from ultralytics.utils.nms import TorchNMS
from ultralytics.utils.ops import xywhr2xyxyxyxy

ROOT = Path(__file__).resolve().parents[2]


def make_boxes(n: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 2000, (max(1, n // 8), 2))
    c = centres[rng.integers(len(centres), size=n)] + rng.normal(0, 25, (n, 2))
    return np.column_stack([c, rng.uniform(10, 70, (n, 2)), rng.uniform(-math.pi, math.pi, n),
                            rng.permutation(n) / n * 0.9 + 0.05]).astype(np.float32)


def timed(fn, repeats: int):
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3, out


def opencv_replay(rows: np.ndarray, full_is_one: bool) -> list[int]:
    """Greedy NMS at 0.5 on OpenCV's own intersections, a nested pair counting as IoU 1 or as its true IoU."""
    rects = [((float(r[0]), float(r[1])), (float(r[2]), float(r[3])), float(r[4]) * 180 / math.pi) for r in rows]
    kept = []
    for i in np.argsort(-rows[:, 5], kind="stable"):
        keep = True
        for k in kept:
            if abs(rows[i, 0] - rows[k, 0]) > 110 or abs(rows[i, 1] - rows[k, 1]) > 110:
                continue
            res, pts = cv2.rotatedRectangleIntersection(rects[k], rects[i])
            if res == cv2.INTERSECT_NONE or pts is None:
                continue
            if res == cv2.INTERSECT_FULL and full_is_one:
                iou = 1.0
            else:
                inter = cv2.contourArea(pts)
                iou = inter / (rects[k][1][0] * rects[k][1][1] + rects[i][1][0] * rects[i][1][1] - inter)
            if iou > 0.5:
                keep = False
                break
        if keep:
            kept.append(int(i))
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detectkit", required=True)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one-repeats", type=int, default=51,
                        help="repeats of the one-against-all measurements (fractions of a millisecond), both sides")
    options = parser.parse_args()
    cv2.setNumThreads(1)
    torch.set_num_threads(1)
    command = os.environ.get("DETECTKIT_BENCH_COMMAND", "Benchmarks/peers/run.sh --rotated")
    table = (f"`{command}` — one thread, OpenCV {cv2.__version__}, torch {torch.__version__}, threshold 0.5, medians of "
             f"{options.repeats} ({options.one_repeats} one against all)\n\n| boxes | method | DetectKit | peer | speed-up | target | same survivors |\n"
             "|---|---|---:|---:|---:|---|---|\n")
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in options.sizes.split(",")):
            rows = make_boxes(n)
            path = Path(tmp) / f"boxes{n}.npy"
            np.save(path, rows)

            def ours(*flags):
                out = subprocess.run([options.detectkit, "bench", "rotated-nms", str(path), "--json", "--samples",
                                      str(options.repeats), *flags], check=True, capture_output=True, text=True).stdout
                r = json.loads(out)
                return r["median_ms"], r["kept"]

            ms, kept = ours("--overlap", "iou")
            rects = [((float(r[0]), float(r[1])), (float(r[2]), float(r[3])), float(r[4]) * 180 / math.pi) for r in rows]
            peer_ms, cv_kept = timed(lambda: cv2.dnn.NMSBoxesRotated(rects, rows[:, 5].tolist(), 0.0, 0.5), options.repeats)
            cv_kept = sorted(np.array(cv_kept).flatten().tolist())
            same = sorted(kept) == cv_kept
            table += (f"| {n} | greedy NMS, exact IoU | {ms:.2f} ms | OpenCV `NMSBoxesRotated` {peer_ms:.1f} ms | "
                      f"{peer_ms / ms:.1f}× | ≥ 10× {'✓' if peer_ms / ms >= 10 else '✗'} | "
                      f"{'yes' if same else f'no: {len(kept)} vs {len(cv_kept)} kept'} |\n")
            if not same and n <= 10000:
                as_opencv = sorted(opencv_replay(rows, True)) == cv_kept
                true_iou = sorted(opencv_replay(rows, False)) == sorted(kept)
                notes.append(f"{n} boxes: OpenCV's rule replayed (a nested pair is IoU 1) gives OpenCV's survivors: "
                             f"{as_opencv}; the true IoU on OpenCV's intersections gives DetectKit's: {true_iou}")
            ms, kept = ours("--overlap", "probiou", "--fast")
            b, s = torch.from_numpy(rows[:, :5].copy()), torch.from_numpy(rows[:, 5].copy())
            peer_ms, ul = timed(lambda: TorchNMS.fast_nms(b, s, 0.5, iou_func=batch_probiou), options.repeats)
            same = sorted(kept) == sorted(ul.tolist())
            table += (f"| {n} | Fast NMS, ProbIoU | {ms:.2f} ms | Ultralytics `fast_nms` + `batch_probiou` {peer_ms:.1f} ms | "
                      f"{peer_ms / ms:.1f}× | ≥ 10× {'✓' if peer_ms / ms >= 10 else '✗'} | {'yes' if same else 'no'} |\n")
            # One box against all N.
            def ours_iou(overlap):
                out = subprocess.run([options.detectkit, "bench", "rotated-iou", str(path), "--overlap", overlap, "--json",
                                      "--samples", str(options.one_repeats)], check=True, capture_output=True, text=True).stdout
                r = json.loads(out)
                return r["median_ms"], np.array(r["values"])

            ms, values = ours_iou("iou")
            polys = shapely.polygons(xywhr2xyxyxyxy(torch.from_numpy(rows[:, :5].astype(np.float64))).numpy())
            q = polys[0]

            def shapely_ious():
                inter = shapely.area(shapely.intersection(q, polys))
                return inter / (shapely.area(q) + shapely.area(polys) - inter)
            peer_ms, theirs = timed(shapely_ious, options.one_repeats)
            worst = float(np.max(np.abs(values - np.nan_to_num(theirs))))
            table += (f"| {n} | one against all, exact IoU | {ms:.3f} ms | shapely 2 (vectorised) {peer_ms:.1f} ms | "
                      f"{peer_ms / ms:.1f}× | ≥ 10× {'✓' if peer_ms / ms >= 10 else '✗'} | values within {worst:.1e} |\n")

            def opencv_ious():
                out = []
                for r in rects:
                    res, pts = cv2.rotatedRectangleIntersection(rects[0], r)
                    inter = cv2.contourArea(pts) if pts is not None and res != cv2.INTERSECT_NONE else 0.0
                    union = rects[0][1][0] * rects[0][1][1] + r[1][0] * r[1][1] - inter
                    out.append(inter / union if union > 0 else 0.0)
                return np.array(out)
            peer_ms, theirs = timed(opencv_ious, options.one_repeats)
            worst = float(np.max(np.abs(values - theirs)))
            table += (f"| {n} | one against all, exact IoU | {ms:.3f} ms | OpenCV `rotatedRectangleIntersection` {peer_ms:.1f} ms | "
                      f"{peer_ms / ms:.1f}× | ≥ 10× {'✓' if peer_ms / ms >= 10 else '✗'} | values within {worst:.1e} |\n")
            ms, values = ours_iou("probiou")
            peer_ms, theirs = timed(lambda: batch_probiou(b[:1], b), options.one_repeats)
            worst = float(np.max(np.abs(values - theirs.numpy().ravel())))
            table += (f"| {n} | one against all, ProbIoU | {ms:.3f} ms | Ultralytics `batch_probiou` {peer_ms:.2f} ms | "
                      f"{peer_ms / ms:.1f}× | ≥ 10× {'✓' if peer_ms / ms >= 10 else '✗'} | values within {worst:.1e} (float32) |\n")
    table += "".join(f"\n{line}" for line in notes)
    print(table)
    out = ROOT / "Benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "rotated.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
