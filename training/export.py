"""Exports a trained detector (the EMA weights of training/runs/<name>/last.pt) for DetectKit's Swift NeuralCore:
re-parameterised (every BatchNorm folded into its conv, each block's depthwise branches merged into one 29x29
depthwise conv), float32 safetensors plus config.json, and checks the export with a plain functional forward
(`reference_forward`, the exact op sequence Swift must run) against the training-form model.

    python training/export.py --name x896 --out Sources/DetectKit/Models/detector   # detector.safetensors and
        # config.json (the bundled model), golden.safetensors (Tests/DetectKitTests/Fixtures/bundled-detector)

The golden file holds the raw detections of the deploy network on the top-left input-size square of a sample
image (samples/images/000010.png by default; where the image is smaller than the input, the rest of the square is
the letterbox's gray 114), cropped and padded rather than letterboxed so that no resampling stands between
PyTorch and Swift; DetectKitTests checks the bundled detector against it.

Tensors (all float32, PyTorch layouts: conv weight [out, in / groups, kh, kw], bias [out]); every conv has a
bias; "same" padding (k - 1) // 2 everywhere; stride 2 only in stem1, stem2, down3, down4; groups = channels for
the depthwise ones (weight [C, 1, k, k]); N = neck_channels, C3/C4 = channels, r = ffn_ratio:

    stem1.conv           [16, 3, 3, 3]     s2, then SiLU
    stem2.conv           [32, 16, 3, 3]    s2, SiLU
    down3.conv           [C3, 32, 3, 3]    s2, SiLU
    stage3.{i}.lk        [C3, 1, 29, 29]   depthwise, padding 14, no activation
    stage3.{i}.pw1.conv  [r C3, C3, 1, 1]  SiLU
    stage3.{i}.pw2.conv  [C3, r C3, 1, 1]  no activation; then + block input (residual)
    down4.conv           [C4, C3, 3, 3]    s2, SiLU
    stage4.{i}.*         as stage3 with C4
    lat4.conv            [N, C4, 1, 1]     SiLU                       -> p4
    lat3.conv            [N, C3, 1, 1]     SiLU on stage3's output; + nearest 2x upsample of p4
    fuse3_dw.conv        [N, 1, 5, 5]      depthwise, SiLU
    fuse3_pw.conv        [N, N, 1, 1]      SiLU                       -> p3
    head3.* on p3 (stride 8), head4.* on p4 (stride 16), each:
      cls_dw.conv [N, 1, 5, 5] depthwise SiLU -> cls_pw.conv [N, N, 1, 1] SiLU -> cls_out [classes, N, 1, 1]
      reg_dw.conv [N, 1, 5, 5] depthwise SiLU -> reg_pw.conv [N, N, 1, 1] SiLU -> box_out [4, N, 1, 1]
                                                                           \\-> logvar_out [4, N, 1, 1]

(`.weight` and `.bias` after each name.) Decoding: see model.py's docstring and config.json's "decode".
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import BOX_T_MAX, LOGVAR_RANGE, Detector, DetectorConfig, count_parameters, decode  # noqa: E402
from train import FILL, HERE, read_rgb  # noqa: E402


def reference_forward(t, cfg: DetectorConfig, x):
    """The deploy network as plain functional ops on the exported tensors `t` (name -> tensor). x: [B, 3, S, S]
    RGB / 255. Returns [(cls, box, logvar) at stride 8, (...) at stride 16], raw (before sigmoid / exp)."""
    def conv(name, x, stride=1, groups=1, act=True):
        w, b = t[f"{name}.weight"], t[f"{name}.bias"]
        y = F.conv2d(x, w, b, stride, (w.shape[-1] - 1) // 2, 1, groups)
        return F.silu(y) if act else y

    def block(p, x):
        c = x.shape[1]
        y = conv(f"{p}.lk", x, groups=c, act=False)
        y = conv(f"{p}.pw1.conv", y)
        y = conv(f"{p}.pw2.conv", y, act=False)
        return x + y

    x = conv("stem1.conv", x, 2)
    x = conv("stem2.conv", x, 2)
    f3 = conv("down3.conv", x, 2)
    for i in range(cfg.depths[0]):
        f3 = block(f"stage3.{i}", f3)
    f4 = conv("down4.conv", f3, 2)
    for i in range(cfg.depths[1]):
        f4 = block(f"stage4.{i}", f4)
    n = cfg.neck_channels
    p4 = conv("lat4.conv", f4)
    p3 = conv("lat3.conv", f3) + F.interpolate(p4, scale_factor=2.0, mode="nearest")
    p3 = conv("fuse3_pw.conv", conv("fuse3_dw.conv", p3, groups=n))

    def head(h, p):
        c = conv(f"{h}.cls_pw.conv", conv(f"{h}.cls_dw.conv", p, groups=n))
        r = conv(f"{h}.reg_pw.conv", conv(f"{h}.reg_dw.conv", p, groups=n))
        return conv(f"{h}.cls_out", c, act=False), conv(f"{h}.box_out", r, act=False), \
            conv(f"{h}.logvar_out", r, act=False)
    return [head("head3", p3), head("head4", p4)]


def config_json(cfg: DetectorConfig, n_params, extra):
    c = cfg.to_json()
    c |= {
        "format": "detectkit-lk-detector/1",
        "weights": "detector.safetensors",
        "parameters": n_params,
        "categories": [{"id": i + 1, "name": n} for i, n in enumerate(cfg.categories)],
        "preprocess": {
            "letterbox": "scale = min(S/w, S/h); scaled size = round-half-up(w*scale) x round-half-up(h*scale); "
                         "bilinear (OpenCV INTER_LINEAR, no antialias); placed at ((S-sw)//2, (S-sh)//2)",
            "fill": 114, "channels": "RGB", "scale": 1 / 255, "mean": [0, 0, 0], "std": [1, 1, 1],
            "layout": "NCHW"},
        "activation": "silu",
        "upsample": "nearest, scale 2",
        "padding": "(k-1)//2 * dilation for every conv (dilation 1 after merging)",
        "levels": [{"name": "head3", "stride": 8, "grid": cfg.input_size // 8},
                   {"name": "head4", "stride": 16, "grid": cfg.input_size // 16}],
        "decode": {
            "location_centre": "((j + 0.5) * stride, (i + 0.5) * stride) for row i, column j",
            "box": "l,t,r,b = stride * (exp(min(box_out, box_t_max)) - 1); x1 = cx - l, y1 = cy - t, "
                   "x2 = cx + r, y2 = cy + b (letterboxed input pixels)",
            "box_out_order": ["l", "t", "r", "b"],
            "box_t_max": BOX_T_MAX,
            "score": "sigmoid(cls_out); a location emits its best class when that score > score_threshold",
            "sigma": "stride * exp(clamp(logvar_out, logvar_min, logvar_max) / 2), pixels, order x1, y1, x2, y2",
            "logvar_min": LOGVAR_RANGE[0], "logvar_max": LOGVAR_RANGE[1],
            "to_source": "x = (x_input - pad_x) / (sw / w), y = (y_input - pad_y) / (sh / h), clipped to the image"},
        "suppression": "none in the model: raw per-location boxes; apply any DetectKit suppressor per class",
    }
    return c | extra


def main():
    ap = argparse.ArgumentParser(description="Export the detector to safetensors + config.json.")
    ap.add_argument("--name", default="x896")
    ap.add_argument("--checkpoint", default=None, help="default training/runs/<name>/last.pt")
    ap.add_argument("--out", default=str(HERE / "export"))
    ap.add_argument("--raw", action="store_true", help="export the raw (non-EMA) weights")
    ap.add_argument("--golden-image", default=str(HERE.parent / "samples" / "images" / "000010.png"),
                    help="image whose top-left input-size square (padded with gray 114) is the golden input")
    ap.add_argument("--golden-out", default=None, help="where golden.safetensors goes (default: --out)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    ckpt = Path(args.checkpoint or HERE / "runs" / args.name / "last.pt")
    state = torch.load(ckpt, map_location="cpu", weights_only=False)
    cfg = DetectorConfig.from_json(state["config"])
    model = Detector(cfg)
    model.load_state_dict(state["model" if args.raw else "ema"])
    model.eval()
    train_params = count_parameters(model)

    # A real input for the checks: the top-left input-size square of a sample image, padded with gray 114.
    img_path, s = Path(args.golden_image), cfg.input_size
    img = read_rgb(img_path)[:s, :s]
    square = np.full((s, s, 3), FILL, np.uint8)
    square[:img.shape[0], :img.shape[1]] = img
    x = torch.from_numpy(np.ascontiguousarray(square.transpose(2, 0, 1)))[None].float() / 255
    with torch.no_grad():
        ref = model(x)
        model.reparameterize()
        tensors = {k: v.detach().float().contiguous() for k, v in model.state_dict().items()}
        deployed = reference_forward(tensors, cfg, x)
    diff = max(float((a - b).abs().max()) for ra, rb in zip(ref, deployed) for a, b in zip(ra, rb))
    n_params = sum(v.numel() for v in tensors.values())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    meta = {"format": "detectkit-lk-detector/1", "source": str(ckpt.relative_to(HERE.parent)) if
            ckpt.is_relative_to(HERE.parent) else ckpt.name, "step": str(state["step"])}
    save_file(tensors, str(out / "detector.safetensors"), metadata=meta)
    extra = {"training": {"checkpoint_step": state["step"], "weights": "raw" if args.raw else "ema",
                          "training_form_parameters": train_params, "export_check_max_abs_diff": diff}}
    (out / "config.json").write_text(json.dumps(config_json(cfg, n_params, extra), indent=1) + "\n")
    # Round trip and golden outputs for the Swift tests.
    back = load_file(str(out / "detector.safetensors"))
    assert all(torch.equal(back[k], tensors[k]) for k in tensors)
    dets = decode(deployed, cfg)[0]
    golden_dir = Path(args.golden_out or out)
    golden_dir.mkdir(parents=True, exist_ok=True)
    save_file({f"detections.{k}": v.float().contiguous() for k, v in dets.items()}, str(golden_dir / "golden.safetensors"),
              metadata={"image": img_path.name, "crop": f"0 0 {s} {s}", "pad": str(FILL), "step": str(state["step"]),
                        "score_threshold": str(cfg.score_threshold)})
    size = (out / "detector.safetensors").stat().st_size
    print(f"{out}/detector.safetensors: {len(tensors)} tensors, {n_params} parameters, {size / 1e6:.2f} MB "
          f"(step {state['step']}, {'raw' if args.raw else 'EMA'} weights); export vs training form max |diff| = "
          f"{diff:.2e}; golden: {img_path.name}, {len(dets['scores'])} raw detections > {cfg.score_threshold}")
    if diff > 1e-3:
        raise SystemExit(f"export check failed: max |diff| {diff}")


if __name__ == "__main__":
    main()
