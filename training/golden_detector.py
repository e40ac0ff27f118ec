"""Writes Tests/DetectorTests/Fixtures/small/: a small randomly initialised detector of the bundled architecture
(model.py; 64 px input, narrow, one block per stage, randomised batch norms) for the Swift Detector's tests:

    config.json             as export.py writes it
    detector.safetensors    the deploy form (batch norms folded, branches merged into 29x29 kernels)
    training.safetensors    the training form (unmerged branches and batch norms), which Swift merges on load
    golden.safetensors      a 64x64 RGB image (no letterbox resize needed), the network input, the raw outputs
                            of both levels, and the decoded raw detections (model.decode, threshold 0.3)
    golden-letterbox.safetensors
                            a 97x41 RGB image, preprocessed exactly as training does (train.py's letterbox:
                            OpenCV INTER_LINEAR into 64x64 on gray 114, then / 255), the network input, and the
                            raw detections mapped back to the image's pixels as train.py's predict does (boxes
                            clamped to the image, sigmas divided by the scales)

Deterministic:

    python training/golden_detector.py      # torch, safetensors, opencv (training/requirements.txt)
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export import config_json, reference_forward  # noqa: E402
from model import Detector, DetectorConfig, _randomise_bn, count_parameters, decode  # noqa: E402
from train import letterbox, to_input  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "Tests" / "DetectorTests" / "Fixtures" / "small"


def main() -> None:
    torch.manual_seed(5)
    cfg = DetectorConfig(num_classes=3, categories=["dot", "bar", "ring"], input_size=64, stem_channels=(8, 16),
                         channels=(16, 32), depths=(1, 1), ffn_ratio=2, neck_channels=16, score_threshold=0.3)
    model = Detector(cfg)
    _randomise_bn(model, 5)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "bn" not in name:
                p.add_(torch.randn_like(p) * 0.05)
        for head in (model.head3, model.head4):
            head.cls_out.bias.zero_()
    model.eval()
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items() if "num_batches_tracked" not in k},
              str(OUT / "training.safetensors"))
    rng = np.random.default_rng(9)
    y, x = np.mgrid[0:64, 0:64]
    image = np.stack([x * 4, y * 4, (x * y) % 256], -1).astype(np.int16)
    image = (image + rng.integers(-50, 50, image.shape)).clip(0, 255).astype(np.uint8)
    inp = torch.from_numpy(image).permute(2, 0, 1)[None].float() / 255
    with torch.no_grad():
        training_outputs = model(inp)
        model.reparameterize()
        deployed = {k: v.contiguous() for k, v in model.state_dict().items() if "num_batches_tracked" not in k}
        outputs = reference_forward(deployed, cfg, inp)
    diff = max((a - b).abs().max().item() for o, t in zip(outputs, training_outputs) for a, b in zip(o, t))
    save_file(deployed, str(OUT / "detector.safetensors"))
    (OUT / "config.json").write_text(json.dumps(config_json(cfg, count_parameters(model), {}), indent=1) + "\n")
    dets = decode(outputs, cfg)[0]
    golden = {"image": torch.from_numpy(image.astype(np.float32)), "input": inp}
    for level, (cls, box, logvar) in zip(("p3", "p4"), outputs):
        golden |= {f"{level}.cls": cls, f"{level}.box": box, f"{level}.logvar": logvar}
    golden |= {f"detections.{k}": v.float() for k, v in dets.items()}
    save_file({k: v.contiguous() for k, v in golden.items()}, str(OUT / "golden.safetensors"))
    write_letterbox_golden(deployed, cfg, rng)
    print(f"{OUT}: {count_parameters(model)} parameters, training vs deploy {diff:.1e}, "
          f"{len(dets['scores'])} raw detections > {cfg.score_threshold}")


def write_letterbox_golden(deployed, cfg, rng) -> None:
    """An image of another size and aspect through training's own preprocessing, so that Swift and PyTorch are
    compared through the letterbox resize too."""
    h, w = 41, 97
    y, x = np.mgrid[0:h, 0:w]
    image = np.stack([(x * 7) % 256, (y * 11) % 256, (x * y) % 256], -1).astype(np.int16)
    image = (image + rng.integers(-40, 40, image.shape)).clip(0, 255).astype(np.uint8)
    boxed, (sx, sy, px, py) = letterbox(image, cfg.input_size)
    inp = to_input(torch.from_numpy(np.ascontiguousarray(boxed.transpose(2, 0, 1)))[None]).contiguous()
    with torch.no_grad():
        outputs = reference_forward(deployed, cfg, inp)
    d = decode(outputs, cfg)[0]
    boxes = d["boxes"].clone()
    boxes[:, 0::2] = ((boxes[:, 0::2] - px) / sx).clamp(0, w)
    boxes[:, 1::2] = ((boxes[:, 1::2] - py) / sy).clamp(0, h)
    golden = {"image": torch.from_numpy(image.astype(np.float32)), "input": inp, "detections.boxes": boxes,
              "detections.scores": d["scores"].float(), "detections.classes": d["classes"].float(),
              "detections.sigmas": d["sigmas"] / torch.tensor([sx, sy, sx, sy])}
    save_file({k: v.contiguous() for k, v in golden.items()}, str(OUT / "golden-letterbox.safetensors"))
    print(f"{OUT / 'golden-letterbox.safetensors'}: {w}x{h} image, scale {sx:.4f} x {sy:.4f}, pad {px}, {py}; "
          f"{len(d['scores'])} raw detections")


if __name__ == "__main__":
    main()
