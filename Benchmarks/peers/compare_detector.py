#!/usr/bin/env python3
"""The Swift detector's network side by side with the same model in PyTorch eager mode, one input of the model's
size (its config.json), same thread counts. PyTorch runs it in both forms: the training form (six parallel
depthwise branches of at most 13×13 per block, which PyTorch's CPU kernels handle well) and the deploy form
DetectKit runs (one merged 29×29 depthwise kernel per block, every BatchNorm folded), and the faster of the two is
the comparison.

DetectKit: ``detectkit bench detector --model DIR --threads T --json`` (median of repeated calls in one process);
PyTorch: ``model(x)`` under ``torch.inference_mode()`` with ``torch.set_num_threads(T)``, median after warm-up.
The model is the exported one in ``--model`` (default: the bundled detector, Sources/DetectKit/Models/detector),
loaded into ``training/model.py``'s ``Detector`` through its training-form weights when the folder has them
(``training.safetensors``), else with random training-form weights of the same configuration (speed does not
depend on the values).

    Benchmarks/peers/run.sh --detector          # writes Benchmarks/results/detector.md
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "training"))
from model import Detector, DetectorConfig  # noqa: E402


def pytorch_ms(model, size: int, threads: int, repeats: int) -> float:
    torch.set_num_threads(threads)
    x = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(5))
    with torch.inference_mode():
        for _ in range(2):
            model(x)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detectkit", required=True)
    parser.add_argument("--model", default=str(ROOT / "Sources" / "DetectKit" / "Models" / "detector"))
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    config = json.loads((Path(options.model) / "config.json").read_text())
    cfg = DetectorConfig.from_json(config)
    training = Detector(cfg).eval()
    deploy = Detector(cfg).eval().reparameterize()
    rows = []
    for threads in (1, 2):
        ours, train_t, deploy_t = [], [], []
        for _ in range(options.rounds):
            out = subprocess.run([options.detectkit, "bench", "detector", "--model", options.model, "--threads",
                                  str(threads), "--samples", str(options.repeats), "--json"],
                                 check=True, capture_output=True, text=True).stdout
            ours.append(json.loads(out)["median_ms"])
            train_t.append(pytorch_ms(training, cfg.input_size, threads, options.repeats))
            deploy_t.append(pytorch_ms(deploy, cfg.input_size, threads, max(2, options.repeats // 3)))
        a, b, c = statistics.median(ours), statistics.median(train_t), statistics.median(deploy_t)
        best = min(b, c)
        rows.append(f"| {threads} | {a:.1f} | {b:.1f} | {c:.1f} | {best / a:.2f}× | ≥ 1.5× {'✓' if best / a >= 1.5 else '✗'} |")
    command = os.environ.get("DETECTKIT_BENCH_COMMAND", "Benchmarks/peers/run.sh --detector")
    table = (f"`{command}` — {cfg.input_size}×{cfg.input_size} input, torch {torch.__version__}, median of "
             f"{options.rounds} rounds\n\n"
             "| threads | DetectKit ms | PyTorch training form ms | PyTorch deploy form (29×29) ms | speed-up vs the faster | target |\n"
             "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n")
    print(table)
    out = ROOT / "Benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "detector.md").write_text(table)


if __name__ == "__main__":
    main()
