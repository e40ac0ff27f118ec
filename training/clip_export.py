"""Exports the CLIP model trained by clip_train.py as DetectKit's default zero-shot labeller, in Hugging Face
`CLIPModel` format, and checks it end to end through transformers:

    python training/clip_export.py --name clip64 --out Sources/DetectKit/Models/clip --bundle \
        --golden-out Tests/DetectKitTests/Fixtures/bundled-clip     # training/runs/clip64/last.pt -> the bundle

The folder (default training/export/clip/) then holds
    config.json, model.safetensors   CLIPModel.save_pretrained, weights in float16 (--dtype; the token embedding
                                     alone is 49,408 x 64, so float32 would not fit the 10 MB budget)
    vocab.json, merges.txt           CLIP's BPE tokenizer (49,408 tokens), copied from Sources/CLIP/Resources/
                                     tokenizer/ (or built as clip_data.tokenizer_dir describes when missing);
                                     with --bundle removed again after the check, since DetectKit carries them there
    tokenizer_config.json            so that CLIPTokenizer / CLIPProcessor.from_pretrained(folder) work (77 tokens)
    preprocessor_config.json         CLIPImageProcessor: shortest edge and centre crop = the model's image size,
                                     bicubic, OpenAI mean/std
    templates.json                   the prompt templates, a JSON array of strings ("{}" = the label); the first,
                                     "a photo of a {}.", is the single template; the zero-shot ensemble averages
                                     the normalised text embeddings over all of them and renormalises
    clip_info.json                   colours, shapes, held-out pairs, the checkpoint's step and last evaluation
                                     (for a clip_soup.py checkpoint: the steps it averages instead)

The check: CLIPModel.from_pretrained(folder) (float32) against the checkpoint's float32 model on the same inputs,
then zero-shot labels with CLIPProcessor.from_pretrained(folder) on raw detector-style box crops of fresh
validation scenes (seed 3001, scenes 100000..), 80 colour-shape pairs, template ensemble; prints the total size.
"""
import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_data as cd  # noqa: E402
import clip_train as ct  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 10_000_000  # bytes, everything in the folder


def raw_crops(count, first_scene=100000):
    """Raw (not resized) box crops of validation-seed scenes, with their (colour, shape) names."""
    out = []
    index = first_scene
    while len(out) < count:
        img, canvas, rng = cd.render_named_scene("val", cd.VAL_SEED, index)
        H, W = img.shape[:2]
        for i, (x, y, bw, bh), vis in canvas.visible_objects():
            if vis < cd.MIN_VISIBLE or min(bw, bh) < 6 or max(bw, bh) < 12:
                continue
            m = rng.uniform(-0.03, 0.15, 4)
            x0, x1 = max(0, int(round(x - m[0] * bw))), min(W, int(round(x + bw + m[1] * bw)))
            y0, y1 = max(0, int(round(y - m[2] * bh))), min(H, int(round(y + bh + m[3] * bh)))
            shape, _, _, colour = canvas.objects[i]
            out.append((img[y0:y1, x0:x1], colour, shape))
        index += 1
    return out[:count]


GOLDEN_IMAGE = "000010.png"
GOLDEN_LABELS = ["red circle", "blue star", "green square", "yellow triangle", "white ring", "black cross",
                 "purple hexagon", "orange ellipse", "gray star", "pink circle"]


def write_golden(folder, model, processor, templates):
    """transformers' zero-shot labelling, with the exported weights, of the first ground-truth boxes of a sample
    image (cropped at integer pixel edges) over GOLDEN_LABELS: image features, single-template text features and
    ensemble probabilities, for DetectKitTests' check of the bundled model."""
    from PIL import Image
    coco = json.loads((ROOT / "samples" / "annotations.json").read_text())
    image = next(i for i in coco["images"] if i["file_name"] == GOLDEN_IMAGE)
    boxes = [a["bbox"] for a in coco["annotations"] if a["image_id"] == image["id"]][:4]
    with Image.open(ROOT / "samples" / "images" / GOLDEN_IMAGE) as im:
        rgb = im.convert("RGB")
        crops = [rgb.crop((x, y, x + w, y + h)) for x, y, w, h in boxes]
    with torch.no_grad():
        pix = processor(images=crops, return_tensors="pt")["pixel_values"]
        img = model.get_image_features(pixel_values=pix)
        one = model.get_text_features(**processor(text=[templates[0].format(t) for t in GOLDEN_LABELS],
                                                  return_tensors="pt", padding=True))
        txt = model.get_text_features(**processor(text=[t.format(lbl) for lbl in GOLDEN_LABELS for t in templates],
                                                  return_tensors="pt", padding=True))
        w = F.normalize(F.normalize(txt, dim=-1).view(len(GOLDEN_LABELS), len(templates), -1).mean(1), dim=-1)
        probs = (model.logit_scale.exp() * F.normalize(img, dim=-1) @ w.t()).softmax(-1)
    folder.mkdir(parents=True, exist_ok=True)
    from safetensors.torch import save_file
    save_file({"image_embeds": img.contiguous(), "text_embeds": one.contiguous(), "probabilities": probs.contiguous(),
               "boxes": torch.tensor([[x, y, x + w, y + h] for x, y, w, h in boxes], dtype=torch.float32)},
              str(folder / "golden.safetensors"),
              metadata={"image": GOLDEN_IMAGE, "labels": json.dumps(GOLDEN_LABELS)})
    print(f"golden: {folder / 'golden.safetensors'} ({len(boxes)} crops of {GOLDEN_IMAGE}, {len(GOLDEN_LABELS)} labels)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--name", default="clip64", help="run name: training/runs/<name>/last.pt")
    ap.add_argument("--checkpoint", default=None, help="a checkpoint file instead of the run's last.pt")
    ap.add_argument("--out", default=str(ROOT / "training" / "export" / "clip"))
    ap.add_argument("--dtype", choices=["float16", "float32", "bfloat16"], default="float16")
    ap.add_argument("--check-crops", type=int, default=400)
    ap.add_argument("--bundle", action="store_true",
                    help="after the check, leave out vocab.json and merges.txt, which DetectKit's CLIP module carries "
                         "(for the bundled copy in Sources/DetectKit/Models/clip)")
    ap.add_argument("--golden-out", default=None,
                    help="also write golden.safetensors here: transformers' zero-shot labelling of sample crops")
    a = ap.parse_args()
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPProcessor
    from transformers.utils import logging as hf_logging
    hf_logging.set_verbosity_error()
    torch.set_num_threads(1)

    ckpt = Path(a.checkpoint) if a.checkpoint else ROOT / "training" / "runs" / a.name / "last.pt"
    state = torch.load(ckpt, map_location="cpu", weights_only=False)
    config = CLIPConfig.from_dict(state["config"])
    model = CLIPModel(config).eval()
    model.load_state_dict(state["model"])
    size = config.vision_config.image_size

    out = Path(a.out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    export = CLIPModel(config).eval()
    export.load_state_dict(state["model"])
    export.to(getattr(torch, a.dtype)).save_pretrained(out, safe_serialization=True)
    cfg = json.loads((out / "config.json").read_text())  # explicit, although they are transformers' defaults
    cfg["text_config"].update(bos_token_id=49406, eos_token_id=49407)
    (out / "config.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    tok = cd.tokenizer_dir()
    for f in ("vocab.json", "merges.txt"):
        shutil.copyfile(tok / f, out / f)
    (out / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "CLIPTokenizer", "model_max_length": 77, "do_lower_case": True,
        "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>"}, indent=2) + "\n")
    CLIPImageProcessor(size={"shortest_edge": size}, crop_size={"height": size, "width": size},
                       do_center_crop=True, resample=3).save_pretrained(out)
    (out / "templates.json").write_text(json.dumps(cd.TEMPLATES, indent=2) + "\n")
    metrics = None
    mpath = ckpt.parent / "metrics.jsonl"
    if mpath.exists() and mpath.read_text().strip() and "soup" not in state:  # the run's evaluations are not the soup's
        metrics = [json.loads(line) for line in mpath.read_text().splitlines() if line.strip()][-1]
    info = {"checkpoint_step": state["step"], "final": state.get("final", False), "weights_dtype": a.dtype,
            "averaged_steps": state.get("soup"),
            "colours": {k: {"hue_degrees": v[0], "saturation": v[1], "value": v[2]} for k, v in cd.COLOURS.items()},
            "shapes": cd.SHAPES, "held_out_pairs": [f"{c} {s}" for c, s in cd.HELD_OUT],
            "size_words": {"small": f"longer side < {cd.SMALL_BELOW} px", "large": f"longer side > {cd.LARGE_ABOVE} px"},
            "last_evaluation": metrics, "made_by": "training/clip_train.py, training/clip_export.py"}
    (out / "clip_info.json").write_text(json.dumps(info, indent=1) + "\n")

    # Check 1: the saved folder loads with transformers and matches the checkpoint.
    loaded, loading = CLIPModel.from_pretrained(out, torch_dtype=torch.float32, output_loading_info=True)
    loaded.eval()
    assert not any(loading.values()), f"loading the export: {loading}"
    assert loaded.text_model.eos_token_id == 49407
    processor = CLIPProcessor.from_pretrained(out)
    crops = raw_crops(a.check_crops)
    with torch.no_grad():
        pix = processor(images=[c for c, _, _ in crops], return_tensors="pt")["pixel_values"]
        ref = np.stack([cd.clip_preprocess(c, size) for c, _, _ in crops])
        assert torch.allclose(pix, ct.to_pixels(ref), atol=1e-5), "CLIPProcessor differs from the training input"
        a_img = F.normalize(loaded.get_image_features(pixel_values=pix), dim=-1)
        b_img = F.normalize(model.get_image_features(pixel_values=pix), dim=-1)
        texts = [t.format(f"{c} {s}") for t in cd.TEMPLATES for c, s in cd.ALL_COMBOS]
        enc = processor(text=texts, return_tensors="pt", padding=True)
        a_txt = F.normalize(loaded.get_text_features(**enc), dim=-1)
        b_txt = F.normalize(model.get_text_features(**enc), dim=-1)
    cos_img = float((a_img * b_img).sum(-1).min())
    cos_txt = float((a_txt * b_txt).sum(-1).min())
    print(f"exported {a.dtype} vs checkpoint float32: min cosine image {cos_img:.5f}, text {cos_txt:.5f}")

    # Check 2: zero-shot labels of raw crops through CLIPProcessor (ensemble over templates.json).
    templates = json.loads((out / "templates.json").read_text())
    w = a_txt.view(len(templates), len(cd.ALL_COMBOS), -1).mean(0)
    w = F.normalize(w, dim=-1)
    probs = (loaded.logit_scale.detach().exp() * a_img @ w.t()).softmax(-1)
    pred = probs.argmax(-1)
    truth = torch.tensor([cd.ALL_COMBOS.index((c, s)) for _, c, s in crops])
    held = torch.tensor([(c, s) in cd.HELD_OUT for _, c, s in crops])
    ok = (pred == truth).float()
    for i in range(min(12, len(crops))):
        c, s = crops[i][1], crops[i][2]
        p = cd.ALL_COMBOS[int(pred[i])]
        print(f"  crop {i:2d} {crops[i][0].shape[1]:3d}x{crops[i][0].shape[0]:<3d} true {c} {s:8s} -> "
              f"{p[0]} {p[1]} ({float(probs[i, pred[i]]):.2f}){'' if (c, s) == p else '   WRONG'}"
              f"{'   [held-out pair]' if (c, s) in cd.HELD_OUT else ''}")
    print(f"zero-shot (ensemble, 80 pairs) on {len(crops)} raw crops via CLIPProcessor: seen "
          f"{float(ok[~held].mean()):.4f} ({int((~held).sum())}), held-out {float(ok[held].mean()):.4f} "
          f"({int(held.sum())})")
    if a.golden_out:
        write_golden(Path(a.golden_out), loaded, processor, templates)
    if a.bundle:  # DetectKit's CLIP module carries this tokenizer (Sources/CLIP/Resources/tokenizer): one copy
        for f in ("vocab.json", "merges.txt"):
            (out / f).unlink()
    total = 0
    for f in sorted(out.iterdir()):
        total += f.stat().st_size
        print(f"  {f.name:26s} {f.stat().st_size:>10,d} bytes")
    print(f"total {total:,d} bytes ({total / 1e6:.2f} MB) in {out}"
          f"{'' if total <= BUDGET else f'  OVER THE {BUDGET:,d}-BYTE BUDGET'}")


if __name__ == "__main__":
    main()
