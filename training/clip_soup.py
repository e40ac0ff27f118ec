"""Averages the weights of several checkpoints of one clip_train.py run into one checkpoint that clip_export.py
--checkpoint reads: a uniform "soup" of the run's trajectory, as stochastic weight averaging does it (Izmailov
et al. 2018, "Averaging Weights Leads to Wider Optima and Better Generalization"; Wortsman et al. 2022, "Model
soups"). Points late on one cosine schedule lie in one basin, so their mean is a model of its own, flatter and
steadier than any one of them.

    python training/clip_train.py --name clip64y ... --keep-every 500     # keeps training/runs/clip64y/stepN.pt
    python training/clip_soup.py --name clip64y --from-step 20000          # -> training/runs/clip64y/soup.pt

The output holds `model` (the mean of every floating-point tensor; integer buffers such as position ids from
the last checkpoint), `config`, `args`, `step` and `final` of the last checkpoint, and `soup` (the steps
averaged).
"""
import argparse
import os
import re
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--name", required=True, help="run name: training/runs/<name>/step*.pt")
    ap.add_argument("--from-step", type=int, required=True, help="average the kept checkpoints from this step on")
    ap.add_argument("--out", default=None, help="default: training/runs/<name>/soup.pt")
    a = ap.parse_args()
    run = ROOT / "training" / "runs" / a.name
    kept = sorted((int(m.group(1)), p) for p in run.glob("step*.pt") if (m := re.fullmatch(r"step(\d+)\.pt", p.name)))
    chosen = [(s, p) for s, p in kept if s >= a.from_step]
    if not chosen:
        raise SystemExit(f"no kept checkpoint at or after step {a.from_step} in {run}")
    total, last = None, None
    for _, p in chosen:
        last = torch.load(p, map_location="cpu", weights_only=False)
        model = last["model"]
        if total is None:
            total = {k: v.double() if v.is_floating_point() else v for k, v in model.items()}
        else:
            if model.keys() != total.keys():
                raise SystemExit(f"{p}: other weights than the first checkpoint")
            for k, v in model.items():
                if v.is_floating_point():
                    total[k] += v.double()
    soup = {k: (v / len(chosen)).to(last["model"][k].dtype) if v.is_floating_point() else last["model"][k]
            for k, v in total.items()}
    out = Path(a.out) if a.out else run / "soup.pt"
    tmp = out.with_suffix(".tmp")
    torch.save(dict(model=soup, config=last["config"], args=last["args"], step=last["step"],
                    final=last.get("final", False), soup=[s for s, _ in chosen]), tmp)
    os.replace(tmp, out)
    print(f"{out}: mean of {len(chosen)} checkpoints, steps {chosen[0][0]}..{chosen[-1][0]}")


if __name__ == "__main__":
    main()
