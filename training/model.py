"""DetectKit's bundled detector: a small RepLKNet / UniRepLKNet-style large-kernel convolutional network with an
anchor-free (FCOS / YOLOv8-style) head that also predicts a log-variance per box coordinate (KL loss, He et al.
2019). Only operations that DetectKit's NeuralCore runs: Conv2D (stride, padding, groups), BatchNorm folded into
the convolutions, SiLU, nearest 2x upsampling, addition.

    python training/model.py            # parameter counts and the merged == unmerged check (the test: exits 1
                                        # unless the re-parameterised model matches to 1e-4, typically ~5e-7),
                                        # and the export unfolded back (unfold_export) folds to the same tensors

Network (widths are DetectorConfig fields; defaults in brackets; "s" = stride, all convs keep "same" padding
(k - 1) // 2 * dilation, so an input of side S gives S/8 and S/16 maps; S must be a multiple of 16):

    stem1   conv 3x3 s2, 3 -> 16, BN, SiLU                                   S/2
    stem2   conv 3x3 s2, 16 -> 32, BN, SiLU                                  S/4
    down3   conv 3x3 s2, 32 -> C3 [64], BN, SiLU                             S/8
    stage3  depth3 [2] large-kernel blocks (C3)
    down4   conv 3x3 s2, C3 -> C4 [128], BN, SiLU                            S/16
    stage4  depth4 [3] large-kernel blocks (C4)
    neck    p4 = lat4(stage4)                       lat4 = conv 1x1 C4 -> N [64], BN, SiLU
            p3 = fuse3_pw(fuse3_dw(lat3(stage3) + upsample_nearest_2x(p4)))
                                                    lat3 = conv 1x1 C3 -> N, BN, SiLU
                                                    fuse3_dw = depthwise 5x5, BN, SiLU; fuse3_pw = 1x1 N -> N, BN, SiLU
    head3 / head4 (one per level, not shared), on p3 (stride 8) and p4 (stride 16):
            cls branch: cls_dw (depthwise 5x5, BN, SiLU), cls_pw (1x1 N -> N, BN, SiLU), cls_out (1x1 N -> classes)
            reg branch: reg_dw (depthwise 5x5, BN, SiLU), reg_pw (1x1 N -> N, BN, SiLU),
                        box_out (1x1 N -> 4: t_l, t_t, t_r, t_b), logvar_out (1x1 N -> 4: alpha x1, y1, x2, y2)

Large-kernel block (UniRepLKNet's dilated re-parameterised block with BatchNorm, and a ConvFFN):

    y = x + pw2(SiLU(pw1(LK(x))))           pw1 = conv 1x1 C -> rC, BN; pw2 = conv 1x1 rC -> C, BN (gamma = 0 at init)
    LK(x) = sum over branches (k, d) of BN_kd(depthwise_conv(x, k x k, dilation d, padding d (k - 1) / 2))

with branches (13, 1), (5, 7), (7, 4), (3, 9), (3, 13), (3, 1): one 13x13, four dilated ones and a 3x3. PyTorch
on CPU is slow for depthwise kernels >= 15, so training keeps them apart; `reparameterize()` merges them into
one depthwise conv of side K = max d (k - 1) + 1 = 29 with bias. Merging a branch: fold its BN, W' = W gamma /
sqrt(var + eps), b' = beta - mean gamma / sqrt(var + eps); a kernel k dilated by d is the dense kernel of side
d (k - 1) + 1 with the taps d apart and zeros between; centre it in the K x K kernel and add. Because every
branch zero-pads by half its dense side, the merged conv with padding K // 2 equals the sum exactly, borders
included. Every other Conv + BN folds the same way into a conv with bias.

Head decoding (`decode`): location (i, j) of a level of stride s sits at (cx, cy) = ((j + 0.5) s, (i + 0.5) s)
in the letterboxed input. With t = box_out and alpha = logvar_out there,

    l, t, r, b = s * (exp(min(t_*, 8)) - 1)         (> -s: a location up to one stride outside a tiny box works)
    x1, y1, x2, y2 = cx - l, cy - t, cx + r, cy + b
    score_c = sigmoid(cls_out_c); the location emits its best class if its score > score_threshold
    sigma_x1, sigma_y1, sigma_x2, sigma_y2 = s * exp(clamp(alpha, -12, 12) / 2)   (pixels of the input)

alpha is log sigma^2 of each corner coordinate measured in strides; scores are IoU-aware (the classification
target of a positive location is its normalised alignment with its object, see train.py).
"""
import copy
import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

CATEGORIES = ["circle", "ellipse", "square", "triangle", "star", "ring", "cross", "hexagon"]
BOX_T_MAX = 8.0          # box_out is clamped to <= 8 before exp
LOGVAR_RANGE = (-12.0, 12.0)


@dataclass
class DetectorConfig:
    num_classes: int = len(CATEGORIES)
    categories: list = field(default_factory=lambda: list(CATEGORIES))
    input_size: int = 512                  # letterboxed square input side (multiple of 16)
    stem_channels: tuple = (16, 32)
    channels: tuple = (64, 128)            # stage3 (stride 8), stage4 (stride 16)
    depths: tuple = (2, 3)
    ffn_ratio: int = 3
    branches: tuple = ((13, 1), (5, 7), (7, 4), (3, 9), (3, 13), (3, 1))   # (kernel, dilation)
    neck_channels: int = 64
    head_kernel: int = 5
    strides: tuple = (8, 16)
    activation: str = "silu"
    score_threshold: float = 0.05
    bn_eps: float = 1e-5

    @property
    def merged_kernel(self):
        return max(d * (k - 1) + 1 for k, d in self.branches)

    def to_json(self):
        d = asdict(self)
        d["merged_kernel"] = self.merged_kernel
        return d

    @staticmethod
    def from_json(d):
        keys = DetectorConfig.__dataclass_fields__
        d = dict(d)
        if d.get("categories") and isinstance(d["categories"][0], dict):   # config.json form
            d["categories"] = [c["name"] for c in sorted(d["categories"], key=lambda c: c["id"])]
        d = {k: (tuple(tuple(x) if isinstance(x, list) else x for x in v) if isinstance(v, list) and k != "categories"
                 else v) for k, v in d.items() if k in keys}
        return DetectorConfig(**d)


def fuse_conv_bn(conv: nn.Conv2d, bn: nn.BatchNorm2d):
    """(weight, bias) of the conv followed by the eval-mode BN as one conv."""
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    w = conv.weight * scale.reshape(-1, 1, 1, 1)
    b = bn.bias - bn.running_mean * scale
    if conv.bias is not None:
        b = b + conv.bias * scale
    return w.detach(), b.detach()


class ConvBN(nn.Module):
    """Conv2d (no bias) + BatchNorm2d (+ SiLU); after `fuse()`, one Conv2d with bias (+ SiLU)."""

    def __init__(self, cin, cout, k=1, stride=1, groups=1, act=True, eps=1e-5):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=eps)
        self.act = act

    def forward(self, x):
        x = self.conv(x)
        if self.bn is not None:
            x = self.bn(x)
        return F.silu(x) if self.act else x

    @torch.no_grad()
    def fuse(self):
        if self.bn is None:
            return
        w, b = fuse_conv_bn(self.conv, self.bn)
        c = self.conv
        fused = nn.Conv2d(c.in_channels, c.out_channels, c.kernel_size, c.stride, c.padding, c.dilation, c.groups,
                          bias=True)
        fused.weight.copy_(w)
        fused.bias.copy_(b)
        self.conv, self.bn = fused, None


class DilatedReparamConv(nn.Module):
    """Parallel depthwise branches (kernel k, dilation d), each with its BatchNorm, summed (training form)."""

    def __init__(self, channels, branches, eps=1e-5):
        super().__init__()
        self.channels = channels
        self.spec = [tuple(b) for b in branches]
        self.convs = nn.ModuleList(nn.Conv2d(channels, channels, k, 1, d * (k - 1) // 2, d, groups=channels, bias=False)
                                   for k, d in self.spec)
        self.bns = nn.ModuleList(nn.BatchNorm2d(channels, eps=eps) for _ in self.spec)

    def forward(self, x):
        out = None
        for conv, bn in zip(self.convs, self.bns):
            y = bn(conv(x))
            out = y if out is None else out + y
        return out

    @torch.no_grad()
    def merged(self):
        """The equivalent single depthwise conv (eval-mode BN): weight [C, 1, K, K] and bias [C]."""
        K = max(d * (k - 1) + 1 for k, d in self.spec)
        weight = torch.zeros(self.channels, 1, K, K)
        bias = torch.zeros(self.channels)
        for (k, d), conv, bn in zip(self.spec, self.convs, self.bns):
            w, b = fuse_conv_bn(conv, bn)
            side = d * (k - 1) + 1
            o = (K - side) // 2
            weight[:, :, o:o + side:d, o:o + side:d] += w
            bias += b
        return weight, bias

    def to_conv(self):
        w, b = self.merged()
        K = w.shape[-1]
        conv = nn.Conv2d(self.channels, self.channels, K, 1, K // 2, groups=self.channels, bias=True)
        with torch.no_grad():
            conv.weight.copy_(w)
            conv.bias.copy_(b)
        return conv


class LKBlock(nn.Module):
    """y = x + pw2(SiLU(pw1(LK(x)))) (see the module docstring)."""

    def __init__(self, c, cfg: DetectorConfig):
        super().__init__()
        self.lk = DilatedReparamConv(c, cfg.branches, cfg.bn_eps)
        self.pw1 = ConvBN(c, c * cfg.ffn_ratio, 1, act=True, eps=cfg.bn_eps)
        self.pw2 = ConvBN(c * cfg.ffn_ratio, c, 1, act=False, eps=cfg.bn_eps)
        nn.init.zeros_(self.pw2.bn.weight)

    def forward(self, x):
        return x + self.pw2(self.pw1(self.lk(x)))


class Head(nn.Module):
    def __init__(self, cfg: DetectorConfig):
        super().__init__()
        n, k, e = cfg.neck_channels, cfg.head_kernel, cfg.bn_eps
        self.cls_dw = ConvBN(n, n, k, groups=n, eps=e)
        self.cls_pw = ConvBN(n, n, 1, eps=e)
        self.cls_out = nn.Conv2d(n, cfg.num_classes, 1)
        self.reg_dw = ConvBN(n, n, k, groups=n, eps=e)
        self.reg_pw = ConvBN(n, n, 1, eps=e)
        self.box_out = nn.Conv2d(n, 4, 1)
        self.logvar_out = nn.Conv2d(n, 4, 1)
        nn.init.normal_(self.cls_out.weight, std=0.01)
        nn.init.constant_(self.cls_out.bias, -math.log((1 - 0.01) / 0.01))
        nn.init.normal_(self.box_out.weight, std=0.01)
        nn.init.constant_(self.box_out.bias, math.log(3.0))        # l = t = r = b = 2 strides at init
        nn.init.normal_(self.logvar_out.weight, std=1e-4)          # KL-loss init: sigma = 1 stride
        nn.init.zeros_(self.logvar_out.bias)

    def forward(self, x):
        c = self.cls_pw(self.cls_dw(x))
        r = self.reg_pw(self.reg_dw(x))
        return self.cls_out(c), self.box_out(r), self.logvar_out(r)


class Detector(nn.Module):
    def __init__(self, cfg: DetectorConfig = None):
        super().__init__()
        cfg = cfg or DetectorConfig()
        self.cfg = cfg
        s1, s2 = cfg.stem_channels
        c3, c4 = cfg.channels
        n, e = cfg.neck_channels, cfg.bn_eps
        self.stem1 = ConvBN(3, s1, 3, 2, eps=e)
        self.stem2 = ConvBN(s1, s2, 3, 2, eps=e)
        self.down3 = ConvBN(s2, c3, 3, 2, eps=e)
        self.stage3 = nn.Sequential(*[LKBlock(c3, cfg) for _ in range(cfg.depths[0])])
        self.down4 = ConvBN(c3, c4, 3, 2, eps=e)
        self.stage4 = nn.Sequential(*[LKBlock(c4, cfg) for _ in range(cfg.depths[1])])
        self.lat4 = ConvBN(c4, n, 1, eps=e)
        self.lat3 = ConvBN(c3, n, 1, eps=e)
        self.fuse3_dw = ConvBN(n, n, 5, groups=n, eps=e)
        self.fuse3_pw = ConvBN(n, n, 1, eps=e)
        self.head3 = Head(cfg)
        self.head4 = Head(cfg)
        for m in self.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.momentum = 0.03

    def forward(self, x):
        """x: [B, 3, S, S] RGB in 0..1. Returns [(cls [B, nc, S/8, S/8], box, logvar), (... S/16 ...)]."""
        x = self.stem2(self.stem1(x))
        f3 = self.stage3(self.down3(x))
        f4 = self.stage4(self.down4(f3))
        p4 = self.lat4(f4)
        p3 = self.fuse3_pw(self.fuse3_dw(self.lat3(f3) + F.interpolate(p4, scale_factor=2.0, mode="nearest")))
        return [self.head3(p3), self.head4(p4)]

    @torch.no_grad()
    def reparameterize(self):
        """In place: fold every BN into its conv and merge each block's branches into one depthwise conv. The
        model must be in eval mode (running statistics) and stays so."""
        self.eval()
        for m in list(self.modules()):
            if isinstance(m, LKBlock) and isinstance(m.lk, DilatedReparamConv):
                m.lk = m.lk.to_conv()
        for m in self.modules():
            if isinstance(m, ConvBN):
                m.fuse()
        return self


def read_export(folder):
    """(cfg, tensors, steps) of an export folder (config.json and detector.safetensors, as export.py writes them);
    steps: the training steps of the checkpoint it was exported from (0 when its config does not say)."""
    import json
    from pathlib import Path
    from safetensors.torch import load_file
    folder = Path(folder)
    config = json.loads((folder / "config.json").read_text())
    tensors = load_file(str(folder / config.get("weights", "detector.safetensors")))
    return DetectorConfig.from_json(config), tensors, int(config.get("training", {}).get("checkpoint_step", 0))


def _adds_bias(bn: nn.BatchNorm2d, bias):
    """Sets `bn` to add `bias` and nothing else in eval mode (mean 0, gamma 1, running_var + eps = 1)."""
    bn.running_mean.zero_()
    bn.running_var.fill_(1 - bn.eps)
    bn.weight.fill_(1)
    bn.bias.copy_(bias)


@torch.no_grad()
def unfold_export(model: "Detector", tensors, calibration, batch=8):
    """Loads exported (deploy-form) tensors into the training-form `model`, the inverse of `reparameterize()`, so
    that training can go on from an export when its checkpoint is gone. Returns the largest difference between the
    exported tensors and the model's own `reparameterize()` of them (the check that the unfolding is exact).

    Every conv + BN gets the folded weight W and a BN that, in eval mode, adds the folded bias b and nothing else;
    so does each block's large kernel, whose merged K x K kernel is split back over the branches that cover each
    tap, equally (the smallest-norm split; the merged kernel has no tap outside their union, being their sum). The
    BN statistics are then those of the conv outputs z on `calibration` ([N, 3, S, S] inputs in 0..1), mean mu
    and variance v per channel: running_mean = mu, running_var = v, gamma = sqrt(v + eps), beta = mu + b (a
    branch's share of b: all of it on the first branch). In eval mode that is z + b exactly; in training mode,
    where BN normalises by the batch's own statistics, it is z + b up to their difference from mu and v, so
    training starts from the export's function, not from a re-normalised one."""
    for n, m in model.named_modules():
        if isinstance(m, ConvBN):
            m.conv.weight.copy_(tensors[f"{n}.conv.weight"])
            _adds_bias(m.bn, tensors[f"{n}.conv.bias"])
        elif isinstance(m, DilatedReparamConv):
            merged, bias = tensors[f"{n}.weight"], tensors[f"{n}.bias"]
            K = merged.shape[-1]
            cover = torch.zeros(K, K)
            # Each branch's taps in the K x K kernel: its dense side d (k - 1) + 1 centred, every d-th row and column.
            taps = [slice((K - d * (k - 1) - 1) // 2, (K + d * (k - 1) + 1) // 2, d) for k, d in m.spec]
            for t in taps:
                cover[t, t] += 1
            outside = float(merged[..., cover == 0].abs().max()) if bool((cover == 0).any()) else 0.0
            if outside > 0:
                raise ValueError(f"{n}: the merged kernel has taps no branch covers (up to {outside:.3g})")
            share = merged / cover.clamp(min=1)
            for i, (t, conv, bn) in enumerate(zip(taps, m.convs, m.bns)):
                conv.weight.copy_(share[..., t, t])
                _adds_bias(bn, bias if i == 0 else torch.zeros_like(bias))
        elif isinstance(m, nn.Conv2d) and m.bias is not None:          # the heads' cls_out, box_out, logvar_out
            m.weight.copy_(tensors[f"{n}.weight"])
            m.bias.copy_(tensors[f"{n}.bias"])
    # Conv-output statistics, in eval mode (so every layer sees the deploy network's activations).
    bns = [bn for m in model.modules() for bn in ([m.bn] if isinstance(m, ConvBN) else
                                                    list(m.bns) if isinstance(m, DilatedReparamConv) else [])]
    sums = {id(bn): [0.0, 0.0, 0] for bn in bns}

    def record(bn, inputs):
        z = inputs[0].double()
        acc = sums[id(bn)]
        acc[0] += z.sum((0, 2, 3))
        acc[1] += (z * z).sum((0, 2, 3))
        acc[2] += z.numel() // z.shape[1]
    hooks = [bn.register_forward_pre_hook(record) for bn in bns]
    model.eval()
    calibration = calibration.to(next(model.parameters()).device)
    for i in range(0, len(calibration), batch):
        model(calibration[i:i + batch])
    for h in hooks:
        h.remove()
    for bn in bns:
        total, squares, n = sums[id(bn)]
        mean = total / n
        var = (squares / n - mean * mean).clamp(min=0)
        bn.bias.add_(mean.float())
        bn.running_mean.copy_(mean.float())
        bn.running_var.copy_(var.float())
        bn.weight.copy_(torch.sqrt(var + bn.eps).float())
    # The check: folded again, the model must give back the exported tensors.
    again = copy.deepcopy(model).reparameterize().state_dict()
    model.train()
    return max(float((again[k].cpu() - v.cpu()).abs().max()) for k, v in tensors.items())


def level_points(cfg: DetectorConfig, size=None, device="cpu"):
    """Centres [N, 2] (x, y) and strides [N] of all locations, level by level, row-major within a level."""
    size = size or cfg.input_size
    pts, strides = [], []
    for s in cfg.strides:
        n = size // s
        ys, xs = torch.meshgrid(torch.arange(n, device=device), torch.arange(n, device=device), indexing="ij")
        pts.append(torch.stack([(xs.reshape(-1) + 0.5) * s, (ys.reshape(-1) + 0.5) * s], 1).float())
        strides.append(torch.full((n * n,), float(s), device=device))
    return torch.cat(pts), torch.cat(strides)


def flatten_outputs(outputs):
    """[(cls, box, logvar)] per level -> cls [B, N, nc], box_t [B, N, 4], logvar [B, N, 4]."""
    def cat(i):
        return torch.cat([o[i].flatten(2) for o in outputs], 2).transpose(1, 2)
    return cat(0), cat(1), cat(2)


def boxes_from_t(box_t, points, strides):
    """Decoded xyxy boxes [..., N, 4] in input pixels from box_out values (see the module docstring)."""
    d = (torch.exp(box_t.clamp(max=BOX_T_MAX)) - 1) * strides[:, None]
    return torch.cat([points - d[..., :2], points + d[..., 2:]], -1)


def sigmas_from_logvar(logvar, strides):
    return torch.exp(logvar.clamp(*LOGVAR_RANGE) / 2) * strides[:, None]


@torch.no_grad()
def decode(outputs, cfg: DetectorConfig, score_threshold=None):
    """Raw detections per image (no suppression): list of dicts with boxes [M, 4] xyxy (input pixels), scores [M],
    classes [M] (0-based), sigmas [M, 4] (pixels), one per location whose best class score > threshold."""
    thr = cfg.score_threshold if score_threshold is None else score_threshold
    cls, box_t, logvar = flatten_outputs(outputs)
    size = outputs[0][0].shape[-1] * cfg.strides[0]
    points, strides = level_points(cfg, size, cls.device)
    boxes = boxes_from_t(box_t, points, strides)
    sigmas = sigmas_from_logvar(logvar, strides)
    scores, classes = torch.sigmoid(cls).max(-1)
    out = []
    for i in range(cls.shape[0]):
        keep = scores[i] > thr
        out.append({"boxes": boxes[i][keep], "scores": scores[i][keep], "classes": classes[i][keep],
                    "sigmas": sigmas[i][keep]})
    return out


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def _randomise_bn(model, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.running_mean.copy_(torch.randn(c, generator=g) * 0.2)
                m.running_var.copy_(torch.rand(c, generator=g) + 0.5)
                m.weight.copy_(torch.randn(c, generator=g) * 0.5 + 1)
                m.bias.copy_(torch.randn(c, generator=g) * 0.2)


def check_reparameterization(cfg=None, size=128, seed=0):
    """Max abs difference between the training-form model (eval mode) and its re-parameterised form."""
    torch.manual_seed(seed)
    model = Detector(cfg or DetectorConfig())
    _randomise_bn(model, seed)
    model.eval()
    x = torch.rand(2, 3, size, size, generator=torch.Generator().manual_seed(seed + 1))
    with torch.no_grad():
        ref = model(x)
        merged = copy.deepcopy(model).reparameterize()
        out = merged(x)
    diff = max(float((a - b).abs().max()) for ra, rb in zip(ref, out) for a, b in zip(ra, rb))
    scale = max(float(a.abs().max()) for ra in ref for a in ra)
    return diff, scale, merged


def main():
    cfg = DetectorConfig()
    model = Detector(cfg)
    diff, scale, merged = check_reparameterization(cfg)
    n_train, n_deploy = count_parameters(model), count_parameters(merged)
    print(f"parameters: {n_train} training form, {n_deploy} merged ({n_deploy * 4 / 1e6:.2f} MB fp32); merged "
          f"kernel {cfg.merged_kernel}x{cfg.merged_kernel}")
    print(f"merged vs unmerged (eval mode): max |diff| = {diff:.2e} (outputs up to {scale:.1f})")
    if diff > 1e-4:
        raise SystemExit("re-parameterisation check FAILED")
    # And back: the merged tensors unfolded into a fresh training-form model (train.py --init EXPORT_DIR).
    calibration = torch.rand(4, 3, 128, 128, generator=torch.Generator().manual_seed(7))
    back = unfold_export(Detector(cfg), {k: v.float() for k, v in merged.state_dict().items()}, calibration)
    print(f"unfolded export folded again: max |diff| = {back:.2e}")
    if back > 1e-4:
        raise SystemExit("unfolding check FAILED")


if __name__ == "__main__":
    main()
