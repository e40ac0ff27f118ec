"""Training throughput of the detector's recipe and of each lever, side by side in one run, on this machine.

    python training/throughput.py [--steps 6] [--warmup 2] [--batch 16] [--threads 2] [--device cpu]

Every configuration trains the same freshly initialised network (training/model.py, seed 0) with train.py's own
step (`train_step`: forward, loss, backward, clipping, AdamW, EMA) on the same scenes (128 generated with
synth.py's training seed into a temporary folder), first --warmup steps untimed, then --steps timed ones. It
reports the median seconds per step, the scenes (crops) per second, the input pixels per second, and the share of
each step spent waiting for the data loader. The configurations:

- `baseline`: the bundled detector's recipe, whole 512x512 letterboxed scenes, float32, one loader worker;
- `crop 320`, `crop 256`: random 320x320 or 256x256 crops of the letterboxed scenes at the same object scale
  (`--crop`; inference stays on the whole image);
- `bf16`: bfloat16 autocast of the forward pass (`--bf16`; useful only on CPUs with AVX-512 BF16 or AMX);
- `crop 320 + bf16`;
- `workers 0`, `workers 2`: the data read on the training thread, or by two worker processes;
- `768 crop 320`, `896 crop 448`: the recipe's later runs, 320x320 crops of scenes letterboxed to 768x768 and
  448x448 crops of scenes letterboxed to 896x896 (objects larger by 1.5 and 1.75 than at 512).

Whether a lever helps the *curve* (AP per CPU hour) needs training runs; this measures only what each costs.
The table is printed and written to training/throughput.md (git-ignored: README quotes the run it shows).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train  # noqa: E402
from model import Detector, DetectorConfig  # noqa: E402

HERE = Path(__file__).resolve().parent
CONFIGS = [
    ("baseline", dict()),
    ("crop 320", dict(crop=320)),
    ("crop 256", dict(crop=256)),
    ("bf16", dict(bf16=True)),
    ("crop 320 + bf16", dict(crop=320, bf16=True)),
    ("workers 0", dict(workers=0)),
    ("workers 2", dict(workers=2)),
    ("768 crop 320", dict(size=768, crop=320)),
    ("896 crop 448", dict(size=896, crop=448)),
]


def measure(data: Path, options, size=512, crop=0, bf16=False, workers=1):
    """Median seconds per step and mean seconds waiting for data per step, over options.steps timed steps."""
    torch.manual_seed(0)
    cfg = DetectorConfig(input_size=size)
    model = Detector(cfg).to(options.device, memory_format=torch.channels_last)
    ema = train.EMA(model)
    opt = torch.optim.AdamW(train.param_groups(model, 0.05), lr=1e-3)
    loss_fn = train.DetectionLoss(cfg, crop or size, device=options.device)
    dataset = train.CocoScenes(data, size, augment=True, seed=0, crop=crop)
    n = options.warmup + options.steps
    batches = [b for epoch in range(n) for b in train.batches_for_epoch(len(dataset), options.batch, epoch, 0)][:n]
    model.train()
    step_times, waits = [], []
    iterator = iter(train.loader(dataset, batches, workers))
    for k in range(n):
        start = time.perf_counter()
        batch = next(iterator)
        ready = time.perf_counter()
        train.train_step(model, opt, ema, loss_fn, batch, 1e-3, bf16, options.device)
        if options.device != "cpu":
            torch.cuda.synchronize() if options.device.startswith("cuda") else None
        done = time.perf_counter()
        if k >= options.warmup:
            step_times.append(done - start)
            waits.append(ready - start)
    return statistics.median(step_times), statistics.mean(waits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--only", default=None, help="comma-separated configuration names")
    options = parser.parse_args()
    torch.set_num_threads(options.threads)
    chosen = [c for c in CONFIGS if options.only is None or c[0] in options.only.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "scenes"
        train.ensure_data(data, train.TRAIN_SEED, 128)
        rows = []
        for name, kwargs in chosen:
            seconds, wait = measure(data, options, **kwargs)
            side = kwargs.get("crop") or kwargs.get("size", 512)
            rows.append((name, seconds, wait, side))
            print(f"{name}: {seconds:.2f} s/step", file=sys.stderr, flush=True)
    base = next((s for n, s, _, _ in rows if n == "baseline"), None)
    cpu = " ".join(open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].split(":")[1].split()) \
        if Path("/proc/cpuinfo").exists() else "?"
    table = (f"`python training/throughput.py --steps {options.steps} --batch {options.batch} --threads "
             f"{options.threads}` — {cpu}, torch {torch.__version__}, device {options.device}, median of "
             f"{options.steps} steps after {options.warmup}\n\n"
             "| configuration | s / step | scenes / s | Mpixel / s | waiting for data | vs baseline |\n"
             "|---|---:|---:|---:|---:|---:|\n")
    for name, seconds, wait, side in rows:
        scenes = options.batch / seconds
        table += (f"| {name} | {seconds:.2f} | {scenes:.1f} | {scenes * side * side / 1e6:.2f} | "
                  f"{100 * wait / seconds:.0f} % | {base / seconds if base else float('nan'):.2f}× |\n")
    print(table)
    (HERE / "throughput.md").write_text(table)


if __name__ == "__main__":
    main()
