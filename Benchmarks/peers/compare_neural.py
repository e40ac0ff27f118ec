#!/usr/bin/env python3
"""DetectKit's neural-core kernels side by side with PyTorch's CPU kernels, same shapes, same thread counts.

What is compared (float32, batch 1, stride 1, "same" padding, bias on, inference with no autograd):

* depthwise convolutions, C=64 on 64×64, kernels 31×31, 13×13 and 7×7 (and 3×3 for reference):
  ``detectkit bench conv --groups depthwise`` against ``torch.nn.functional.conv2d(..., groups=C)``, on one
  thread and on two;
* dense convolutions: 1×1 with C=128 on 40×40, and 3×3 with C=64 on 64×64 (``--groups dense``, groups=1);
* matrix products 256³ and 1024³: ``detectkit bench gemm`` (OpenBLAS sgemm) against ``torch.mm``.

Targets (issue 4): depthwise 31×31 ≥ 8× PyTorch's speed, 13×13 and 7×7 ≥ 1×, 1×1 dense and GEMM ≥ 0.8×, all on
one thread; and DetectKit's two-thread speed ≥ 1.7× its one-thread speed on the depthwise kernels.

Timing: medians. DetectKit reports the median of ``--repeats`` calls in one ``detectkit bench … --json``
process (inputs made before timing); PyTorch is timed the same way in this process after warm-up calls, with
``torch.set_num_threads`` set to the same count. Each round times every case with DetectKit, then every case
with PyTorch (whose OpenMP threads spin on after their work and would slow a DetectKit run that followed at
once); the median of ``--rounds`` round medians is reported, so a passing load weighs on both alike. Run it on a
quiet machine: on two cores that share their vector units, anything else running slows both sides.

Usage (normally through ``Benchmarks/peers/run.sh --neural``, which builds the CLI and sets up the venv)::

    python compare_neural.py --detectkit .build/release/detectkit

The markdown table is printed and written to ``Benchmarks/results/neural.md``; raw numbers to ``neural.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]

# (label, kind, shape, threads, target speed-up over PyTorch or None)
CASES = [
    ("depthwise 31×31, C=64, 64×64", "depthwise", (64, 64, 31), 1, 8.0),
    ("depthwise 13×13, C=64, 64×64", "depthwise", (64, 64, 13), 1, 1.0),
    ("depthwise 7×7, C=64, 64×64", "depthwise", (64, 64, 7), 1, 1.0),
    ("depthwise 3×3, C=64, 64×64", "depthwise", (64, 64, 3), 1, None),
    ("depthwise 31×31, C=64, 64×64", "depthwise", (64, 64, 31), 2, None),
    ("depthwise 13×13, C=64, 64×64", "depthwise", (64, 64, 13), 2, None),
    ("depthwise 7×7, C=64, 64×64", "depthwise", (64, 64, 7), 2, None),
    ("depthwise 3×3, C=64, 64×64", "depthwise", (64, 64, 3), 2, None),
    ("dense 1×1, C=128, 40×40", "dense", (128, 40, 1), 1, 0.8),
    ("dense 3×3, C=64, 64×64", "dense", (64, 64, 3), 1, None),
    ("dense 3×3, C=64, 64×64", "dense", (64, 64, 3), 2, None),
    ("GEMM 256×256×256", "gemm", (256, 256, 256), 1, 0.8),
    ("GEMM 1024×1024×1024", "gemm", (1024, 1024, 1024), 1, 0.8),
]


def detectkit_ms(binary: str, kind: str, shape: tuple, threads: int, repeats: int) -> float:
    if kind == "gemm":
        m, n, k = shape
        args = ["bench", "gemm", "--m", str(m), "--n", str(n), "--k", str(k)]
    else:
        c, s, k = shape
        args = ["bench", "conv", "--groups", kind, "--channels", str(c), "--size", str(s), "--kernel", str(k),
                "--threads", str(threads)]
    out = subprocess.run([binary, *args, "--samples", str(repeats), "--json"], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["median_ms"]


def machine_ceiling(binary: str, repeats: int) -> float:
    """How much faster two cores do twice the work than one core does it once, measured with two independent
    single-threaded ``detectkit bench conv`` processes (31×31 depthwise, no shared data, no synchronisation) run
    at the same time against one alone. On two virtual CPUs that the host places on one physical core's two
    hyper-threads, floating-point-bound work cannot scale and this is ≈ 1; on two real cores it is ≈ 2."""
    command = [binary, "bench", "conv", "--groups", "depthwise", "--channels", "64", "--size", "64", "--kernel", "31",
               "--threads", "1", "--samples", str(repeats), "--json"]
    alone = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)["median_ms"]
    pair = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    together = statistics.mean(json.loads(p.communicate()[0])["median_ms"] for p in pair)
    return 2 * alone / together


def pytorch_ms(kind: str, shape: tuple, threads: int, repeats: int) -> float:
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(7)
    if kind == "gemm":
        m, n, k = shape
        a, b = torch.rand(m, k, generator=g) - 0.5, torch.rand(k, n, generator=g) - 0.5
        call = lambda: torch.mm(a, b)  # noqa: E731
    else:
        c, s, k = shape
        groups = c if kind == "depthwise" else 1
        x = torch.rand(1, c, s, s, generator=g) - 0.5
        w = torch.rand(c, c // groups, k, k, generator=g) - 0.5
        bias = torch.rand(c, generator=g) - 0.5
        call = lambda: torch.nn.functional.conv2d(x, w, bias, padding=k // 2, groups=groups)  # noqa: E731
    times = []
    with torch.inference_mode():
        for _ in range(3):
            call()
        for _ in range(repeats):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detectkit", required=True, help="path to the detectkit binary")
    parser.add_argument("--repeats", type=int, default=31, help="timed calls per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per case; the median round is reported")
    options = parser.parse_args()

    # Per round, every DetectKit case, then every PyTorch case: PyTorch's OpenMP threads keep spinning for a
    # while after a parallel region, which would slow a DetectKit run started right after it.
    ours = {i: [] for i in range(len(CASES))}
    theirs = {i: [] for i in range(len(CASES))}
    ceilings = []
    for _ in range(options.rounds):
        ceilings.append(machine_ceiling(options.detectkit, options.repeats))
        for i, (_, kind, shape, threads, _) in enumerate(CASES):
            ours[i].append(detectkit_ms(options.detectkit, kind, shape, threads, options.repeats))
        for i, (_, kind, shape, threads, _) in enumerate(CASES):
            theirs[i].append(pytorch_ms(kind, shape, threads, options.repeats))
    rows = []
    for i, (label, kind, shape, threads, target) in enumerate(CASES):
        rows.append({"case": label, "kind": kind, "shape": shape, "threads": threads, "target": target,
                     "detectkit_ms": statistics.median(ours[i]), "pytorch_ms": statistics.median(theirs[i])})
        r = rows[-1]
        print(f"{label} t{threads}: DetectKit {r['detectkit_ms']:.3f} ms, PyTorch {r['pytorch_ms']:.3f} ms", flush=True)

    single = {(r["case"]): r for r in rows if r["threads"] == 1}
    lines = [
        "| case | threads | DetectKit ms | PyTorch ms | speed-up vs PyTorch | target | two-thread scaling (DetectKit / PyTorch) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        speedup = r["pytorch_ms"] / r["detectkit_ms"]
        target = f"≥ {r['target']:g}×" if r["target"] else ""
        if r["target"]:
            target += " ✓" if speedup >= r["target"] else " ✗"
        scaling = ""
        if r["threads"] == 2 and r["case"] in single:
            one = single[r["case"]]
            ours, theirs = one["detectkit_ms"] / r["detectkit_ms"], one["pytorch_ms"] / r["pytorch_ms"]
            scaling = f"{ours:.2f}× / {theirs:.2f}×"
            if r["kind"] == "depthwise" and r["case"].split(",")[0] != "depthwise 3×3":
                scaling += " (target ≥ 1.7×" + (" ✓)" if ours >= 1.7 else " ✗)")
        lines.append(f"| {r['case']} | {r['threads']} | {r['detectkit_ms']:.3f} | {r['pytorch_ms']:.3f} | "
                     f"{speedup:.2f}× | {target} | {scaling} |")
    command = os.environ.get("DETECTKIT_BENCH_COMMAND", "Benchmarks/peers/run.sh --neural")
    header = (f"`{command}` — {platform.machine()}, {os.cpu_count()} CPUs, PyTorch {torch.__version__}, "
              f"median of {options.rounds} rounds × {options.repeats} calls")
    ceiling = (f"Two-core ceiling of this machine during the run (two independent one-thread processes against one): "
               f"median {statistics.median(ceilings):.2f}×, rounds {', '.join(f'{c:.2f}' for c in ceilings)}.")
    table = header + "\n\n" + "\n".join(lines) + "\n\n" + ceiling + "\n"
    print("\n" + table)
    out = ROOT / "Benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "neural.md").write_text(table)
    (out / "neural.json").write_text(json.dumps({"rows": rows, "ceilings": ceilings}, indent=1))


if __name__ == "__main__":
    main()
