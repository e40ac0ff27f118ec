#!/usr/bin/env python3
"""Time the peers of DetectKit's raw-output decoders on CPU PyTorch, one thread (not run by the tests):

* Ultralytics non_max_suppression + scale_boxes on a synthetic YOLOv8 output [1, 84, 8400] (640 x 640 input,
  80 classes): about 50 objects, each a cluster of anchors with a peaked class score, over background anchors
  whose class scores are sigmoid(N(-9, 1.5)); at conf 0.25 about 270 anchors pass, at conf 0.001 nearly all
  (8387).
* transformers DetrImageProcessor.post_process_object_detection on synthetic DETR logits [1, 100, 92] and
  pred_boxes [1, 100, 4].

The tensors are written to a temporary directory (output.npy, outputs.safetensors) so that DetectKit decodes the
same files; with --detectkit PATH each case also runs

    PATH bench raw-output --format yolov8 FILE --input-size 640x640 --image-size 640x640 --conf T --json

(the median of in-process calls, decoding and suppression alone, as `decode --timing` times one), and the ratio
is printed.

    Benchmarks/peers/run.sh --decoders [--repeats 15]        (builds detectkit and passes --detectkit)
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

os.environ.update({"YOLO_OFFLINE": "1", "YOLO_AUTOINSTALL": "0", "YOLO_VERBOSE": "0",
                   "YOLO_CONFIG_DIR": tempfile.mkdtemp(prefix="bench-decoders-yolo-")})

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


def yolov8_output(seed=0, size=640, classes=80, objects=50):
    """[1, 4 + classes, anchors]: xywh in input pixels, then per-class sigmoid scores."""
    rng = np.random.default_rng(seed)
    centres, strides = [], []
    for stride in (8, 16, 32):
        n = size // stride
        ys, xs = np.mgrid[0:n, 0:n]
        centres.append(np.stack([xs.ravel() + 0.5, ys.ravel() + 0.5], 1) * stride)
        strides.append(np.full(n * n, stride, dtype=np.float64))
    centres, strides = np.concatenate(centres), np.concatenate(strides)
    anchors = len(centres)
    boxes = np.empty((anchors, 4))
    boxes[:, :2] = centres + rng.normal(0, 0.3, (anchors, 2)) * strides[:, None]
    boxes[:, 2:] = strides[:, None] * rng.uniform(1, 4, (anchors, 2))
    logits = rng.normal(-9.0, 1.5, (anchors, classes))
    for _ in range(objects):
        c = rng.uniform(0, size, 2)
        wh = np.exp(rng.uniform(np.log(16), np.log(400), 2))
        k, peak = rng.integers(classes), rng.uniform(0.45, 0.95)
        d = np.linalg.norm(centres - c, axis=1) / (0.05 * wh.min() + strides)
        near = np.flatnonzero(d < 1.0)
        boxes[near, :2] = c + rng.normal(0, 0.04, (len(near), 2)) * wh
        boxes[near, 2:] = wh * np.exp(rng.normal(0, 0.08, (len(near), 2)))
        p = np.clip(peak * np.exp(-3 * d[near] ** 2), 1e-6, 1 - 1e-6)
        logits[near, k] = np.maximum(logits[near, k], np.log(p / (1 - p)))
        if rng.random() < 0.3:  # a confusable second class
            logits[near, rng.integers(classes)] = np.log(p / (1 - p)) - 1.0
    scores = 1 / (1 + np.exp(-logits))
    return np.concatenate([boxes, scores], 1).T[None].astype(np.float32)


def detr_output(seed=0, queries=100, classes=91):
    rng = np.random.default_rng(seed)
    logits = rng.normal(-1.0, 1.2, (queries, classes + 1))
    hits = rng.choice(queries, 30, replace=False)
    logits[hits, rng.integers(classes, size=30)] += rng.uniform(3, 9, 30)
    logits[:, -1] += 3.0
    logits[hits, -1] -= 4.0
    boxes = 1 / (1 + np.exp(-np.stack([rng.normal(0, 1.3, queries), rng.normal(0, 1.3, queries),
                                       rng.normal(-1.6, 0.9, queries), rng.normal(-1.6, 0.9, queries)], 1)))
    return logits.astype(np.float32)[None], boxes.astype(np.float32)[None]


def median_seconds(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run_detectkit(binary, args, repeats):
    """DetectKit's median over `repeats` in-process calls (`detectkit bench raw-output --json`: decoding and
    suppression, reading excluded, as the peers are timed), and its candidate count."""
    p = subprocess.run([binary, "bench", "raw-output", *args, "--samples", str(repeats), "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        print(f"  detectkit failed ({p.returncode}): {p.stderr.strip()[-300:]}")
        return None, None
    row = json.loads(p.stdout.strip().splitlines()[-1])
    return row["median_ms"] / 1e3, row["candidates"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detectkit", help="path of the detectkit binary (optional)")
    parser.add_argument("--repeats", type=int, default=15)
    a = parser.parse_args()

    from transformers import DetrImageProcessor
    from ultralytics.utils import nms, ops

    with tempfile.TemporaryDirectory(prefix="bench-decoders-") as tmp:
        tmp = Path(tmp)
        output = yolov8_output()
        np.save(tmp / "output.npy", output)
        pred = torch.from_numpy(output)
        for conf in (0.25, 0.001):
            candidates = int((output[0, 4:].max(0) > np.float32(conf)).sum())

            def decode():
                det = nms.non_max_suppression(pred, conf, 0.7, max_det=300)[0]
                ops.scale_boxes((640, 640), det[:, :4], (640, 640))
                return det

            kept = len(decode())
            t = median_seconds(decode, a.repeats)
            print(f"yolov8 conf {conf}: {candidates} candidates, {kept} kept, ultralytics {t * 1e3:.3f} ms")
            if a.detectkit:
                dk, n = run_detectkit(a.detectkit, ["--format", "yolov8", str(tmp / "output.npy"), "--input-size",
                                                    "640x640", "--image-size", "640x640", "--conf", str(conf)],
                                      a.repeats)
                if dk:
                    print(f"  detectkit {dk * 1e3:.3f} ms ({n} candidates): {t / dk:.1f}x")

        from safetensors.numpy import save_file

        logits, boxes = detr_output()
        save_file({"logits": logits, "pred_boxes": boxes}, str(tmp / "outputs.safetensors"))
        processor = DetrImageProcessor()

        class Outputs:
            pass

        outputs = Outputs()
        outputs.logits, outputs.pred_boxes = torch.from_numpy(logits), torch.from_numpy(boxes)
        for threshold in (0.5, 0.001):
            def post():
                return processor.post_process_object_detection(outputs, threshold=threshold,
                                                               target_sizes=[(480, 640)])[0]

            kept = len(post()["scores"])
            t = median_seconds(post, a.repeats)
            print(f"detr threshold {threshold}: 100 queries, {kept} kept, transformers {t * 1e3:.3f} ms")
            if a.detectkit:
                dk, _ = run_detectkit(a.detectkit, ["--format", "detr", str(tmp / "outputs.safetensors"),
                                                    "--image-size", "640x480", "--conf", str(threshold)], a.repeats)
                if dk:
                    print(f"  detectkit {dk * 1e3:.3f} ms: {t / dk:.1f}x")


if __name__ == "__main__":
    main()
