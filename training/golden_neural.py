"""Writes Tests/NeuralCoreTests/Fixtures/neural/depthwise.safetensors: inputs, PyTorch-layout weights, biases and
PyTorch's outputs of depthwise convolutions (torch.nn.functional.conv2d, groups = channels, stride 1, padding
K // 2), for kernels 3, 7, 13 and 31 on odd sizes, float32. Deterministic:

    python training/golden_neural.py      # torch, safetensors (training/requirements.txt)
"""
from pathlib import Path

import torch
from safetensors.torch import save_file

# (name, kernel, dilation) of the branches of the 27×27 re-parameterised block.
REP27 = [("large", 13, 1), ("d2", 7, 2), ("d3", 5, 3), ("d6", 5, 6), ("d13", 3, 13), ("small", 3, 1)]

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
    # General convolutions: (in, out, kernel, stride, padding, dilation, groups, input size).
    import json
    cases = [(5, 7, (3, 3), (2, 2), (1, 1), (1, 1), 1, (13, 11)), (6, 9, (3, 3), (1, 1), (2, 2), (2, 2), 3, (12, 10)),
             (16, 8, (1, 1), (1, 1), (0, 0), (1, 1), 1, (9, 7)), (4, 4, (5, 5), (2, 2), (2, 2), (1, 1), 4, (15, 14)),
             (3, 5, (3, 5), (1, 2), (1, 2), (1, 1), 1, (10, 12))]
    conv, meta = {}, {}
    for i, (cin, cout, k, st, pad, dil, groups, (h, w)) in enumerate(cases):
        x = torch.randn(2, cin, h, w, generator=g)
        weight = torch.randn(cout, cin // groups, *k, generator=g) / 3
        bias = torch.randn(cout, generator=g)
        conv |= {f"c{i}.input": x, f"c{i}.weight": weight, f"c{i}.bias": bias,
                 f"c{i}.output": torch.nn.functional.conv2d(x, weight, bias, st, pad, dil, groups)}
        meta[f"c{i}"] = json.dumps({"stride": st, "padding": pad, "dilation": dil, "groups": groups})
    # Conv + BatchNorm (eval), and a RepLK block of four depthwise branches with batch norms.
    def batch_norm(c):
        bn = torch.nn.BatchNorm2d(c).eval()
        with torch.no_grad():
            bn.running_mean.copy_(torch.randn(c, generator=g))
            bn.running_var.copy_(torch.rand(c, generator=g) + 0.5)
            bn.weight.copy_(torch.randn(c, generator=g))
            bn.bias.copy_(torch.randn(c, generator=g))
        return bn
    def save_bn(prefix, bn):
        return {f"{prefix}.mean": bn.running_mean, f"{prefix}.var": bn.running_var, f"{prefix}.weight": bn.weight.detach(),
                f"{prefix}.bias": bn.bias.detach()}
    x = torch.randn(2, 4, 9, 8, generator=g)
    weight, bn = torch.randn(6, 4, 3, 3, generator=g) / 3, batch_norm(6)
    with torch.no_grad():
        conv |= {"bn.input": x, "bn.weight": weight, "bn.output": bn(torch.nn.functional.conv2d(x, weight, None, 1, 1))}
        conv |= save_bn("bn.bn", bn)
        c = 4
        x = torch.randn(2, c, 17, 15, generator=g)
        total = 0
        for name, k, d in [("large", 13, 1), ("small", 5, 1), ("dil2", 3, 2), ("dil3", 3, 3)]:
            weight, bn = torch.randn(c, 1, k, k, generator=g) / k, batch_norm(c)
            total = total + bn(torch.nn.functional.conv2d(x, weight, None, 1, d * (k - 1) // 2, d, c))
            conv |= {f"rep.{name}.weight": weight} | save_bn(f"rep.{name}.bn", bn)
        conv |= {"rep.input": x, "rep.output": total}
        # A UniRepLKNet-style block that merges to 27×27: kernels ≤ 13, dilations up to 13, each with a batch norm.
        x = torch.randn(2, c, 31, 29, generator=g)
        total = 0
        for name, k, d in REP27:
            weight, bn = torch.randn(c, 1, k, k, generator=g) / k, batch_norm(c)
            total = total + bn(torch.nn.functional.conv2d(x, weight, None, 1, d * (k - 1) // 2, d, c))
            conv |= {f"rep27.{name}.weight": weight} | save_bn(f"rep27.{name}.bn", bn)
        conv |= {"rep27.input": x, "rep27.output": total}
    save_file(conv, str(OUT / "conv.safetensors"), metadata=meta)
    x = torch.randn(2, 3, 11, 9, generator=g)
    F = torch.nn.functional
    pooling = {
        "input": x, "max_k3_s2_p1": F.max_pool2d(x, 3, 2, 1), "max_k2": F.max_pool2d(x, 2),
        "avg_k3_s1_p1": F.avg_pool2d(x, 3, 1, 1), "avg_k2": F.avg_pool2d(x, 2),
        "nearest_x2": F.interpolate(x, scale_factor=2, mode="nearest"),
        "bilinear_x2": F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False),
        "bilinear_x3": F.interpolate(x, scale_factor=3, mode="bilinear", align_corners=False),
    }
    save_file(pooling, str(OUT / "pooling.safetensors"), metadata={"torch": torch.__version__})
    # Multi-head self-attention as CLIP's: 4 heads of 6, with and without the causal mask.
    n, l, d, heads = 2, 7, 24, 4
    x = torch.randn(n, l, d, generator=g)
    proj = {f"{p}.{t}": (torch.randn(d, d, generator=g) / 5 if t == "weight" else torch.randn(d, generator=g) / 5)
            for p in ("q", "k", "v", "o") for t in ("weight", "bias")}
    def attention(causal):
        lin = lambda p, y: F.linear(y, proj[f"{p}.weight"], proj[f"{p}.bias"])
        split = lambda y: y.view(n, l, heads, d // heads).transpose(1, 2)
        q, k, v = split(lin("q", x)), split(lin("k", x)), split(lin("v", x))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        return lin("o", y.transpose(1, 2).reshape(n, l, d))
    save_file({"input": x, "output": attention(False), "output_causal": attention(True)} | proj,
              str(OUT / "attention.safetensors"), metadata={"heads": str(heads)})
    print(f"{OUT}: depthwise kernels 3, 7, 13, 31; linear 37 -> 29; activations, softmax, layer norm; "
          f"{len(cases)} convolutions, conv + batch norm, RepLK blocks merging to 13×13 and 27×27")


if __name__ == "__main__":
    main()
