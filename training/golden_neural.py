"""Writes Tests/NeuralCoreTests/Fixtures/neural/depthwise.safetensors: inputs, PyTorch-layout weights, biases and
PyTorch's outputs of depthwise convolutions (torch.nn.functional.conv2d, groups = channels, stride 1, padding
K // 2), for kernels 3, 7, 13 and 31 on odd sizes, float32. Deterministic:

    python training/golden_neural.py      # torch, safetensors (training/requirements.txt)
"""
from pathlib import Path

import torch
from safetensors.torch import save_file

OUT = Path(__file__).resolve().parent.parent / "Tests" / "NeuralCoreTests" / "Fixtures" / "neural"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    g = torch.Generator().manual_seed(31)
    tensors = {}
    for k, (c, h, w) in {3: (3, 9, 70), 7: (4, 13, 11), 13: (2, 17, 19), 31: (3, 20, 23)}.items():
        x = torch.randn(2, c, h, w, generator=g)
        weight = torch.randn(c, 1, k, k, generator=g) / k
        bias = torch.randn(c, generator=g)
        y = torch.nn.functional.conv2d(x, weight, bias, stride=1, padding=k // 2, groups=c)
        tensors |= {f"k{k}.input": x, f"k{k}.weight": weight, f"k{k}.bias": bias, f"k{k}.output": y}
    save_file(tensors, str(OUT / "depthwise.safetensors"), metadata={"torch": torch.__version__})
    x = torch.randn(3, 5, 37, generator=g)
    weight = torch.randn(29, 37, generator=g) / 6
    bias = torch.randn(29, generator=g)
    linear = {"input": x, "weight": weight, "bias": bias, "output": torch.nn.functional.linear(x, weight, bias),
              "output_nobias": torch.nn.functional.linear(x, weight)}
    save_file(linear, str(OUT / "linear.safetensors"), metadata={"torch": torch.__version__})
    x = torch.randn(4, 6, 33, generator=g) * 3
    weight, bias = torch.randn(33, generator=g), torch.randn(33, generator=g)
    elementwise = {
        "input": x,
        "relu": torch.nn.functional.relu(x), "gelu": torch.nn.functional.gelu(x),
        "gelu_tanh": torch.nn.functional.gelu(x, approximate="tanh"), "silu": torch.nn.functional.silu(x),
        "softmax": torch.softmax(x, dim=-1), "ln_weight": weight, "ln_bias": bias,
        "layer_norm": torch.nn.functional.layer_norm(x, (33,), weight, bias, eps=1e-5),
    }
    save_file(elementwise, str(OUT / "elementwise.safetensors"), metadata={"torch": torch.__version__})
    print(f"{OUT}: depthwise kernels 3, 7, 13, 31; linear 37 -> 29; activations, softmax, layer norm")


if __name__ == "__main__":
    main()
