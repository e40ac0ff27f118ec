"""Writes Tests/CLIPTests/Fixtures/preprocess.safetensors (CLIPImageProcessor's pixel values for a few odd-sized
images) and Tests/CLIPTests/Fixtures/models/<name>/: small randomly initialised Hugging Face `CLIPModel`s
(`config.json` + `model.safetensors`, exactly as `save_pretrained` writes them) and `expected.safetensors` with
inputs and `transformers`' outputs: `get_image_features` for random pixel values and `get_text_features` for
random token sequences, one sequence at a time. No download: the models are built from configs.

    quickgelu   OpenAI-style: quick_gelu, eos_token_id 2 (legacy pooling at the largest token id)
    gelu        gelu in both towers, eos_token_id 999 (pooling at the first end-of-text token), other widths

Deterministic:

    python training/golden_clip.py      # torch, transformers, safetensors (training/requirements.txt)
"""
from pathlib import Path

import numpy as np
import torch
import transformers
from PIL import Image
from safetensors.torch import save_file
from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPTokenizer

OUT = Path(__file__).resolve().parent.parent / "Tests" / "CLIPTests" / "Fixtures" / "models"

MODELS = {
    "quickgelu": dict(
        text_config=dict(hidden_size=32, intermediate_size=64, num_attention_heads=4, num_hidden_layers=2,
                         vocab_size=1000, max_position_embeddings=16, eos_token_id=2),
        vision_config=dict(hidden_size=24, intermediate_size=48, num_attention_heads=3, num_hidden_layers=2,
                           image_size=32, patch_size=8),
        projection_dim=16),
    "gelu": dict(
        text_config=dict(hidden_size=24, intermediate_size=40, num_attention_heads=2, num_hidden_layers=3,
                         vocab_size=1000, max_position_embeddings=12, eos_token_id=999, bos_token_id=998,
                         hidden_act="gelu"),
        vision_config=dict(hidden_size=16, intermediate_size=32, num_attention_heads=4, num_hidden_layers=1,
                           image_size=24, patch_size=6, hidden_act="gelu"),
        projection_dim=8),
}


def main() -> None:
    for name, spec in MODELS.items():
        torch.manual_seed(sum(map(ord, name)))
        config = CLIPConfig(**spec)
        model = CLIPModel(config).eval()
        with torch.no_grad():  # larger than the default init, so the layers matter
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.05)
        folder = OUT / name
        model.save_pretrained(folder, safe_serialization=True)
        g = torch.Generator().manual_seed(7)
        size = config.vision_config.image_size
        pixels = torch.randn(3, 3, size, size, generator=g)
        expected = {"pixel_values": pixels}
        with torch.no_grad():
            expected["image_embeds"] = model.get_image_features(pixel_values=pixels)
            eos = config.text_config.eos_token_id
            for i, length in enumerate([2, 5, config.text_config.max_position_embeddings]):
                ids = torch.randint(1, 990, (1, length), generator=g)
                if eos != 2:  # an end token at the end and, for the first sequence, padding after it
                    ids[0, -1] = eos
                if i == 0 and eos != 2:
                    ids = torch.cat([ids, torch.tensor([[eos, 5]])], dim=1)
                expected[f"input_ids_{i}"] = ids[0].to(torch.int64).float()
                expected[f"text_embeds_{i}"] = model.get_text_features(input_ids=ids)[0]
        save_file({k: v.contiguous() for k, v in expected.items()}, str(folder / "expected.safetensors"),
                  metadata={"transformers": transformers.__version__, "torch": torch.__version__})
        print(f"{folder}: {sum(p.numel() for p in model.parameters())} parameters")
    # CLIPImageProcessor on odd-sized RGB images (bicubic resize of the shorter side, centre crop, normalise).
    rng = np.random.default_rng(3)
    processor = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    preprocess = {}
    for i, (w, h) in enumerate([(50, 37), (37, 64), (32, 32), (20, 90)]):
        y, x = np.mgrid[0:h, 0:w]
        image = np.stack([x * 255 // max(1, w - 1), y * 255 // max(1, h - 1), (x * y) % 256], -1).astype(np.int16)
        image = (image + rng.integers(-40, 40, image.shape)).clip(0, 255).astype(np.uint8)
        preprocess[f"image_{i}"] = torch.from_numpy(image.astype(np.float32))
        pixels = processor(images=Image.fromarray(image), return_tensors="pt")["pixel_values"][0]
        preprocess[f"pixel_values_{i}"] = pixels
    save_file(preprocess, str(OUT.parent / "preprocess.safetensors"), metadata={"transformers": transformers.__version__})
    zero_shot(rng)


def zero_shot(rng) -> None:
    """A model with CLIP's full vocabulary (narrow, float16) and transformers' zero-shot probabilities for two
    images and three labels, prompts from two templates (normalised text features averaged per label and
    renormalised, images' normalised features, softmax of exp(logit_scale) · cosine)."""
    torch.manual_seed(11)
    config = CLIPConfig(
        text_config=dict(hidden_size=8, intermediate_size=16, num_attention_heads=2, num_hidden_layers=1),
        vision_config=dict(hidden_size=8, intermediate_size=16, num_attention_heads=2, num_hidden_layers=1,
                           image_size=16, patch_size=8),
        projection_dim=8)
    model = CLIPModel(config).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.5)
        model.logit_scale.fill_(3.0)
    folder = OUT / "zeroshot"
    model.half().save_pretrained(folder, safe_serialization=True)
    model = CLIPModel.from_pretrained(folder, dtype=torch.float32).eval()
    tokenizer_dir = OUT.parents[3] / "Sources" / "CLIP" / "Resources" / "tokenizer"
    tokenizer = CLIPTokenizer(str(tokenizer_dir / "vocab.json"), str(tokenizer_dir / "merges.txt"))
    labels, templates = ["red circle", "blue star", "green square"], ["a photo of a {}.", "a drawing of a {}."]
    processor = CLIPImageProcessor(size={"shortest_edge": 16}, crop_size={"height": 16, "width": 16})
    expected = {}
    with torch.no_grad():
        rows = []
        for label in labels:
            ids = tokenizer([t.replace("{}", label) for t in templates], padding=True, return_tensors="pt")
            f = model.get_text_features(**ids)
            f = f / f.norm(dim=-1, keepdim=True)
            mean = f.mean(dim=0)
            rows.append(mean / mean.norm())
        text = torch.stack(rows)
        images = []
        for i, (w, h) in enumerate([(20, 16), (16, 30)]):
            image = rng.integers(0, 256, (h, w, 3)).astype(np.uint8)
            images.append(processor(images=Image.fromarray(image), return_tensors="pt")["pixel_values"][0])
            expected[f"image_{i}"] = torch.from_numpy(image.astype(np.float32))
        f = model.get_image_features(pixel_values=torch.stack(images))
        f = f / f.norm(dim=-1, keepdim=True)
        expected["probabilities"] = (model.logit_scale.exp() * f @ text.T).softmax(dim=-1)
    save_file(expected, str(folder / "expected.safetensors"),
              metadata={"labels": "|".join(labels), "templates": "|".join(templates)})
    print(f"{folder}: zero-shot probabilities {expected['probabilities'].tolist()}")


if __name__ == "__main__":
    main()
