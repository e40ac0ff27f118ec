#!/usr/bin/env python3
"""``detectkit eval`` side by side with pycocotools' COCOeval, hotcoco and faster-coco-eval.

The data (written once to a temporary folder, deterministic): ``--images`` images (default 2,000), each with about
10 ground-truth boxes of 5 categories (sizes from small to large, a few crowd regions, ``area`` fields that differ
from w·h) and about 10 detections (jittered copies of the ground truth and random false positives); with
``--coco-scale``, COCO val2017's shape instead (80 categories, 7.25 boxes and exactly 100 detections per image:
5,000 images give about 36,000 boxes and 500,000 detections).

Each side runs as a fresh process, ``--repeats`` times, alternating, and medians of wall time are reported:
- pycocotools: ``COCOeval(gt, gt.loadRes(dt), "bbox")``'s ``evaluate()``, ``accumulate()`` and ``summarize()``, whole
  process; DetectKit's 12 statistics must agree with its to 1e-9 (they are expected to be identical);
- hotcoco (``hotcoco.COCOeval``, Rust) and faster-coco-eval (``faster_coco_eval.COCOeval_faster``, C++), on one
  thread and on two (``RAYON_NUM_THREADS`` for hotcoco, ``OMP_NUM_THREADS`` for faster-coco-eval, DetectKit's
  ``--threads``), timed inside their process from reading the files to the summary (their interpreter start and
  imports, about 0.25 s here, left out); DetectKit both ways: inside its process over the same steps (``eval
  --timing``) and as a whole process (its start, about 15 ms, included). The speed-up against hotcoco is given for
  both. Peak memory (``/usr/bin/time``'s maximum resident set, interpreter included for the peers) is reported for
  every side.

Usage (normally through ``Benchmarks/peers/run.sh --evaluation``)::

    python compare_evaluation.py --detectkit .build/release/detectkit [--images 5000 --coco-scale]

The markdown table is printed and written to ``Benchmarks/results/evaluation[-coco].md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEYS = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]
PYCOCOTOOLS = """
import json, sys, contextlib, io
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(sys.argv[1])
    e = COCOeval(gt, gt.loadRes(sys.argv[2]), "bbox")
    e.evaluate(); e.accumulate(); e.summarize()
print(json.dumps([float(v) for v in e.stats]))
"""
# The fast peers time themselves from reading the files to the summary, leaving out the interpreter's start and
# the imports (about 0.25 s here, more than the evaluation): DetectKit's time includes its process start (18 ms).
HOTCOCO = """
import json, sys, contextlib, io, time
import hotcoco
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    gt = hotcoco.COCO(sys.argv[1])
    e = hotcoco.COCOeval(gt, gt.load_res(sys.argv[2]), "bbox")
    e.evaluate(); e.accumulate(); e.summarize()
print(json.dumps({"seconds": time.perf_counter() - start, "stats": [float(v) for v in e.stats]}))
"""
FASTER = """
import json, sys, contextlib, io, time
from faster_coco_eval import COCO, COCOeval_faster
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(sys.argv[1])
    e = COCOeval_faster(gt, gt.loadRes(sys.argv[2]), "bbox")
    e.evaluate(); e.accumulate(); e.summarize()
print(json.dumps({"seconds": time.perf_counter() - start, "stats": [float(v) for v in e.stats[:12]]}))
"""


def make_data(folder: Path, n_images: int, seed: int = 5, coco_scale: bool = False) -> tuple[Path, Path]:
    """Writes gt.json and dt.json. Default: about 10 ground-truth boxes of 5 categories and 10 detections per image.
    ``coco_scale``: COCO val2017's shape instead, 80 categories, 1–14 ground-truth boxes per image (7.25 on average,
    36,000 for 5,000 images) and exactly 100 detections per image (the jittered ground truth, then random boxes
    with lower scores), as a detector's output cut at 100 is evaluated."""
    rng = random.Random(seed)
    n_categories = 80 if coco_scale else 5
    images, annotations, results = [], [], []
    categories = [{"id": c + 1, "name": f"class{c}"} for c in range(n_categories)]
    for i in range(n_images):
        images.append({"id": i + 1, "file_name": f"{i + 1:06d}.jpg", "width": 640, "height": 480})
        start = len(results)
        for _ in range(rng.randint(1, 13) + (rng.random() < 0.25) if coco_scale else rng.randint(7, 13)):
            w = rng.choice([rng.uniform(8, 32), rng.uniform(32, 96), rng.uniform(96, 300)])
            h = w * rng.uniform(0.5, 2)
            box = [rng.uniform(0, 640 - w), rng.uniform(0, max(1, 480 - h)), w, h]
            category = rng.randint(1, n_categories)
            crowd = 1 if rng.random() < 0.03 else 0
            area = w * h * (rng.uniform(0.6, 0.9) if rng.random() < 0.5 else 1)
            annotations.append({"id": len(annotations) + 1, "image_id": i + 1, "category_id": category,
                                "bbox": box, "area": area, "iscrowd": crowd})
            if rng.random() < 0.85:
                j = [box[0] + rng.gauss(0, 0.05 * w), box[1] + rng.gauss(0, 0.05 * h), w * rng.uniform(0.9, 1.1),
                     h * rng.uniform(0.9, 1.1)]
                results.append({"image_id": i + 1, "category_id": category, "bbox": j, "score": rng.random()})
        for _ in range(100 - (len(results) - start) if coco_scale else rng.randint(0, 3)):
            results.append({"image_id": i + 1, "category_id": rng.randint(1, n_categories),
                            "bbox": [rng.uniform(0, 600), rng.uniform(0, 440), rng.uniform(5, 100),
                                     rng.uniform(5, 100)], "score": rng.random() * 0.5})
    gt, dt = folder / "gt.json", folder / "dt.json"
    gt.write_text(json.dumps({"images": images, "annotations": annotations, "categories": categories}))
    dt.write_text(json.dumps(results))
    return gt, dt


def timed(command: list[str], env: dict[str, str] | None = None, stderr: bool = False):
    """Wall seconds, standard output and peak resident set (KiB, from /usr/bin/time) of one process, and with
    ``stderr`` what else it wrote there."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], check=True, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    lines = done.stderr.strip().splitlines()
    result = time.perf_counter() - start, done.stdout, int(lines[-1])
    return (*result, "\n".join(lines[:-1])) if stderr else result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detectkit", required=True, help="path to the detectkit binary")
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--coco-scale", action="store_true", help="COCO val2017's shape: 80 classes, 100 detections an image")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pycocotools-repeats", type=int, help="runs of pycocotools (default: --repeats)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        gt, dt = make_data(Path(tmp), options.images, coco_scale=options.coco_scale)
        n_gt = len(json.loads(gt.read_text())["annotations"])
        n_dt = len(json.loads(dt.read_text()))
        ours, theirs = [], []
        for k in range(max(options.repeats, options.pycocotools_repeats or 0)):
            if k < options.repeats:
                t, out, _ = timed([options.detectkit, "eval", "--ground-truth", str(gt), str(dt), "--json"])
                ours.append(t)
                ours_stats = json.loads(out)
            if k < (options.pycocotools_repeats or options.repeats):
                t, out, _ = timed([sys.executable, "-c", PYCOCOTOOLS, str(gt), str(dt)])
                theirs.append(t)
                their_stats = json.loads(out)
        # The fast peers, on one thread and on two.
        peers = {}
        for threads in (1, 2):
            runs = {"DetectKit": [], "DetectKit process": [], "hotcoco": [], "faster-coco-eval": []}
            memory, stats = {}, {}
            for _ in range(options.repeats):
                for name, command, env in [
                    ("DetectKit", [options.detectkit, "eval", "--ground-truth", str(gt), str(dt), "--json", "--timing",
                                   "--threads", str(threads)], None),
                    ("hotcoco", [sys.executable, "-c", HOTCOCO, str(gt), str(dt)], {"RAYON_NUM_THREADS": str(threads)}),
                    ("faster-coco-eval", [sys.executable, "-c", FASTER, str(gt), str(dt)], {"OMP_NUM_THREADS": str(threads)}),
                ]:
                    try:
                        t, out, kib, err = timed(command, env, stderr=True)
                    except (subprocess.CalledProcessError, FileNotFoundError) as error:
                        print(f"{name} failed: {error}", file=sys.stderr)
                        continue
                    loaded = json.loads(out)
                    if name == "DetectKit":
                        runs["DetectKit process"].append(t)
                        runs[name].append(json.loads(err.strip().splitlines()[0])["seconds"])
                        stats[name] = [loaded[k] for k in KEYS]
                    else:
                        runs[name].append(loaded["seconds"])
                        stats[name] = loaded["stats"]
                    memory[name] = max(memory.get(name, 0), kib)
            peers[threads] = (runs, memory, stats)
    worst = max(abs(ours_stats[k] - v) for k, v in zip(KEYS, their_stats))
    a, b = statistics.median(ours), statistics.median(theirs)
    from importlib import metadata
    command = os.environ.get("DETECTKIT_BENCH_COMMAND", "Benchmarks/peers/run.sh --evaluation")
    table = (f"`{command}` — {options.images} images, {n_gt} ground-truth boxes, {n_dt} detections, "
             f"pycocotools {metadata.version('pycocotools')}, hotcoco {metadata.version('hotcoco')}, "
             f"faster-coco-eval {metadata.version('faster-coco-eval')}, {os.cpu_count()} CPUs, medians of {options.repeats} runs "
             f"({len(theirs)} of pycocotools)\n\n"
             "| | DetectKit `eval` | pycocotools | speed-up | target | largest difference of the 12 statistics |\n"
             "|---|---|---|---|---|---|\n"
             f"| whole process, all cores | {a * 1e3:.0f} ms | {b * 1e3:.0f} ms | {b / a:.1f}× | ≥ 10× {'✓' if b / a >= 10 else '✗'} | "
             f"{worst:.1e} |\n")
    table += ("\n| threads | DetectKit `eval` (whole process) | hotcoco | faster-coco-eval | speed-up vs hotcoco (whole "
              "process) | target ≥ 1.5× | peak memory (DetectKit / hotcoco / faster-coco-eval) | largest difference from "
              "pycocotools (DetectKit / hotcoco / faster-coco-eval) |\n"
              "|---|---|---|---|---|---|---|---|\n")
    for threads, (runs, memory, stats) in peers.items():
        medians = {name: statistics.median(v) if v else float("nan") for name, v in runs.items()}
        ratio, whole = medians["hotcoco"] / medians["DetectKit"], medians["hotcoco"] / medians["DetectKit process"]
        def differs(name):
            return f"{max(abs(x - y) for x, y in zip(stats[name], their_stats)):.1e}" if name in stats else "–"
        table += (f"| {threads} | {medians['DetectKit'] * 1e3:.0f} ms ({medians['DetectKit process'] * 1e3:.0f} ms) | "
                  f"{medians['hotcoco'] * 1e3:.0f} ms | {medians['faster-coco-eval'] * 1e3:.0f} ms | {ratio:.2f}× ({whole:.2f}×) | "
                  f"{'✓' if ratio >= 1.5 else '✗'} ({'✓' if whole >= 1.5 else '✗'}) | "
                  f"{memory.get('DetectKit', 0) // 1024} / {memory.get('hotcoco', 0) // 1024} / "
                  f"{memory.get('faster-coco-eval', 0) // 1024} MiB | {differs('DetectKit')} / {differs('hotcoco')} / "
                  f"{differs('faster-coco-eval')} |\n")
    print(table)
    if worst > 1e-9:
        print(f"statistics differ: DetectKit {ours_stats}, pycocotools {their_stats}", file=sys.stderr)
        sys.exit(1)
    out = ROOT / "Benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"evaluation{'-coco' if options.coco_scale else ''}.md").write_text(table)


if __name__ == "__main__":
    main()
