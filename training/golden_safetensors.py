"""Writes Tests/NeuralCoreTests/Fixtures/safetensors/: files written by the `safetensors` library from PyTorch
tensors (F32, F16, BF16, plus an I64 that must be refused as a float), the values PyTorch reads back as float32
(expected.json), and damaged files, one per kind of damage DetectKit must name. Deterministic:

    python training/golden_safetensors.py      # torch, safetensors (training/requirements.txt)
"""
import json
import struct
from pathlib import Path

import safetensors
import torch
from safetensors.torch import save_file

OUT = Path(__file__).resolve().parent.parent / "Tests" / "NeuralCoreTests" / "Fixtures" / "safetensors"


def raw(header: dict, data: bytes) -> bytes:
    """A safetensors file from a header dict and data bytes, without the library's checks."""
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    g = torch.Generator().manual_seed(0)
    tensors = {
        "conv.weight": torch.randn(4, 3, 3, 3, generator=g),
        "linear.weight": torch.randn(5, 7, generator=g),
        "half": torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 6e-8, 1e-5, float("inf"), -float("inf")],
                             dtype=torch.float16),
        "bfloat": torch.randn(2, 3, generator=g).to(torch.bfloat16),
        "scalar": torch.tensor(3.25),
        "empty": torch.zeros(0, 4),
        "step": torch.tensor([7], dtype=torch.int64),
    }
    save_file(tensors, str(OUT / "good.safetensors"), metadata={"format": "pt", "source": "golden"})
    # Values as float32 bit patterns: exact, and infinities stay valid JSON.
    expected = {name: {"shape": list(t.shape), "bits": t.float().flatten().view(torch.int32).tolist()}
                for name, t in tensors.items() if t.is_floating_point()}
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")

    f32 = struct.pack("<4f", 1, 2, 3, 4)
    bad = {
        "short.safetensors": b"\x05\x00\x00",
        "header_past_end.safetensors": struct.pack("<Q", 10_000) + b"{}",
        "not_json.safetensors": struct.pack("<Q", 5) + b"{oops",
        "duplicate.safetensors": (lambda h: struct.pack("<Q", len(h)) + h + f32)(
            b'{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},'
            b' "a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}'),
        "unknown_dtype.safetensors": raw({"a": {"dtype": "F99", "shape": [4], "data_offsets": [0, 16]}}, f32),
        "offsets_outside.safetensors": raw({"a": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}}, f32),
        "shape_mismatch.safetensors": raw({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 16]}}, f32),
        "overlap.safetensors": raw({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]},
                                    "b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}, f32),
        "negative_shape.safetensors": raw({"a": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}}, f32),
    }
    for name, content in bad.items():
        (OUT / name).write_bytes(content)
    print(f"{OUT}: good.safetensors ({len(tensors)} tensors, safetensors {safetensors.__version__}, "
          f"torch {torch.__version__}), {len(bad)} damaged files")


if __name__ == "__main__":
    main()
