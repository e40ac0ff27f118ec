#!/usr/bin/env python3
"""DetectKit's CLIP image and text features side by side with `transformers`' `CLIPModel` on CPU: same weights
(a randomly initialised model saved with `save_pretrained`, loaded by both), same inputs' shapes, same threads.

Configurations: ``base32`` (ViT-B/32's shape: vision 768 wide, 12 layers, 224 px, 32 px patches; text 512 wide,
12 layers) and ``small`` (the shape of DetectKit's bundled zero-shot model: 64 px, 8 px patches, 128 wide).
DetectKit: ``detectkit bench clip --model DIR --batch B --tokens 12 --threads T --json`` (median of repeated calls
in one process); transformers: ``get_image_features(pixel_values)`` and ``get_text_features(input_ids)`` under
``torch.inference_mode()`` with ``torch.set_num_threads(T)``, median after warm-up. DetectKit cases run before
PyTorch's in each round (PyTorch's OpenMP threads spin on after their work).

    Benchmarks/peers/run.sh --clip            # writes Benchmarks/results/clip.md
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import torch
from transformers import CLIPConfig, CLIPModel

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = {
    "base32": dict(text_config=dict(hidden_size=512, intermediate_size=2048, num_attention_heads=8, num_hidden_layers=12),
                   vision_config=dict(hidden_size=768, intermediate_size=3072, num_attention_heads=12,
                                      num_hidden_layers=12, image_size=224, patch_size=32), projection_dim=512),
    "small": dict(text_config=dict(hidden_size=64, intermediate_size=256, num_attention_heads=4, num_hidden_layers=4),
                  vision_config=dict(hidden_size=128, intermediate_size=512, num_attention_heads=4, num_hidden_layers=4,
                                     image_size=64, patch_size=8), projection_dim=64),
}
CASES = [("base32", 1, 1), ("base32", 8, 1), ("base32", 8, 2), ("small", 16, 1), ("small", 16, 2)]


def detectkit(binary: str, folder: Path, batch: int, threads: int, repeats: int) -> dict:
    out = subprocess.run([binary, "bench", "clip", "--model", str(folder), "--batch", str(batch), "--tokens", "12",
                          "--threads", str(threads), "--samples", str(repeats), "--json"],
                         check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    return {r["name"].split()[1]: r["median_ms"] for r in rows}


def pytorch(model: CLIPModel, config: CLIPConfig, batch: int, threads: int, repeats: int) -> dict:
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(3)
    size = config.vision_config.image_size
    pixels = torch.rand(batch, 3, size, size, generator=g) * 4 - 2
    ids = torch.randint(1, 1000, (batch, 12), generator=g)
    ids[:, 0], ids[:, -1] = 49406, 49407
    result = {}
    with torch.inference_mode():
        for name, call in (("image", lambda: model.get_image_features(pixel_values=pixels)),
                           ("text", lambda: model.get_text_features(input_ids=ids))):
            for _ in range(3):
                call()
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                call()
                times.append(time.perf_counter() - start)
            result[name] = statistics.median(times) * 1e3
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detectkit", required=True)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        models = {}
        for name, spec in CONFIGS.items():
            torch.manual_seed(0)
            config = CLIPConfig(**spec)
            model = CLIPModel(config).eval()
            model.save_pretrained(Path(tmp) / name, safe_serialization=True)
            models[name] = (model, config)
        ours = {i: [] for i in range(len(CASES))}
        theirs = {i: [] for i in range(len(CASES))}
        for _ in range(options.rounds):
            for i, (name, batch, threads) in enumerate(CASES):
                ours[i].append(detectkit(options.detectkit, Path(tmp) / name, batch, threads, options.repeats))
            for i, (name, batch, threads) in enumerate(CASES):
                theirs[i].append(pytorch(*models[name], batch, threads, options.repeats))
    lines = ["| model | batch | threads | embedding | DetectKit ms | transformers ms | speed-up | target |",
             "|---|---|---|---|---|---|---|---|"]
    for i, (name, batch, threads) in enumerate(CASES):
        for kind in ("image", "text"):
            a = statistics.median(r[kind] for r in ours[i])
            b = statistics.median(r[kind] for r in theirs[i])
            lines.append(f"| {name} | {batch} | {threads} | {kind} | {a:.2f} | {b:.2f} | {b / a:.2f}× | "
                         f"≥ 1× {'✓' if b >= a else '✗'} |")
    command = os.environ.get("DETECTKIT_BENCH_COMMAND", "Benchmarks/peers/run.sh --clip")
    table = (f"`{command}` — torch {torch.__version__}, median of {options.rounds} rounds × {options.repeats} calls\n\n"
             + "\n".join(lines) + "\n")
    print(table)
    out = ROOT / "Benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "clip.md").write_text(table)


if __name__ == "__main__":
    main()
