"""Zero-shot evaluation of an exported CLIP folder (clip_export.py) or a training checkpoint on ALL validation crops
(training/data/clip/val: seed 3001, scenes 0..399, rendered by clip_train.py / clip_data.py), with the metrics
of clip_train.evaluate (top-1 over all 80 colour-shape pairs, seen vs held-out pairs, single template vs the
template ensemble, plus shape / colour / size diagnostics):

    python training/clip_eval.py training/export/clip          # or training/runs/clip64/last.pt
"""
import argparse
import json
import os
import sys
from pathlib import Path

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_data as cd  # noqa: E402
import clip_train as ct  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", help="an exported folder (config.json + model.safetensors) or a last.pt checkpoint")
    ap.add_argument("--data", default=str(ROOT / "training" / "data" / "clip" / "val"))
    ap.add_argument("--val-scenes", type=int, default=400)
    a = ap.parse_args()
    torch.set_num_threads(1)
    from transformers import CLIPConfig, CLIPModel
    from transformers.utils import logging as hf_logging
    hf_logging.set_verbosity_error()
    path = Path(a.model)
    if path.is_dir():
        model = CLIPModel.from_pretrained(path, torch_dtype=torch.float32)
    else:
        state = torch.load(path, map_location="cpu", weights_only=False)
        model = CLIPModel(CLIPConfig.from_dict(state["config"]))
        model.load_state_dict(state["model"])
    val = cd.load(cd.generate("val", a.val_scenes, a.data))
    m = ct.evaluate(model.eval(), ct.load_tokenizer(), val)
    print(json.dumps(m, indent=1))


if __name__ == "__main__":
    main()
