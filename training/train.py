"""Trains DetectKit's bundled detector (training/model.py) on synthetic scenes (training/synth.py), on CPU.

The runs (reproducible: fixed seeds, fixed data, 2 threads; restart the same command to resume from the latest
checkpoint, which is written every few minutes). The bundled weights come from three (about 8.5 hours on this
2-core machine, shared with other work):

    # 12,800 steps of 320x320 crops of the 512x512 letterboxed scenes: a 16,000-step cosine schedule stopped at
    # 12,800 (its learning rate then at 12 % of the peak)
    nohup nice -n 19 python training/train.py --name crop320 --crop 320 --steps 16000 --max-steps-this-run 12800 &
    # then 3,000 steps at 768x768 from those weights (same crops, larger objects), exported
    nohup nice -n 19 python training/train.py --name s768 --init training/runs/crop320/last.pt --size 768 \
        --crop 320 --steps 3000 --lr 6e-4 --warmup 100 --eval-every 500 &
    python training/export.py --name s768 --out Sources/DetectKit/Models/detector
    # then 1,800 steps of 448x448 crops at 896x896 from that export; the bundled weights are its end
    nohup nice -n 19 python training/train.py --name x896 --init Sources/DetectKit/Models/detector --size 896 \
        --crop 448 --steps 1800 --lr 4e-4 --warmup 100 --eval-every 600 &
    tail -f training/runs/x896/train.log

(crop320 was stopped and resumed several times; resuming does not change its schedule. x896 ran on another
machine than the others, from the export because s768's checkpoint was not there; it was started with --steps
2400 --eval-every 800 and resumed at step 324 with the arguments above, and its EMA started from zero updates,
where --init from an export now starts it at full decay.) The checkpoints stay on the machine that made them
(training/runs/ is not in the repository); `--init Sources/DetectKit/Models/detector` starts a run from the
bundled export itself, unfolded back into the training form (model.unfold_export: each folded conv gets a
BatchNorm that adds its bias, each merged 29x29 kernel is split over its branches, and the BN statistics come
from 64 training crops, so the run starts from the export's function). Earlier weights, 6,400 whole-image steps
at 512 (`--name lk512`, default arguments apart from schedule changes on resume), gave 0.693 AP on the held-out
scenes where these give 0.824 (Sources/DetectKit/DetectKit.docc/TheBundledModels.md).

It first generates what is missing under training/data/ (train: seed 1, scenes 0..11999; val: seed 1000, scenes
0..499), then trains for --steps steps of --batch letterboxed images, logs every --log-every steps, evaluates
the EMA weights on --eval-count validation scenes every --eval-every steps (COCO AP, AP50, AP75 after class-wise
greedy NMS at IoU 0.6), and at the end on the whole validation set with NMS at several IoU thresholds.
Checkpoints: training/runs/<name>/last.pt (model, EMA, optimiser, step); metrics: metrics.jsonl next to it.
`--eval-only DIR` evaluates last.pt (EMA) on a COCO directory written by synth.py (e.g. seed 2000 samples).

Input pipeline (what DetectKit does in Swift): decode with Pillow (RGB), letterbox into S x S (scale = min(S/w,
S/h), scaled size round-half-up(w scale) x round-half-up(h scale), OpenCV INTER_LINEAR resize, placed at
((S - sw) // 2, (S - sh) // 2) on gray 114), pixels / 255, RGB planes. Training adds random horizontal and
vertical flips and transposition (the 8 symmetries of the square) of the letterboxed image.

Assignment and losses (per image; N locations over both levels, M objects):
* Task-aligned assignment (TOOD / YOLOv8): candidates of an object are the locations whose centres lie inside
  its box, widened about its centre to at least 1.5 strides of the location's level (so tiny objects get a
  location too). Alignment a = score_c^0.5 * IoU^6 (score of the object's class and IoU of the predicted box,
  both detached); the top 10 candidates by a are positives; a location positive for several objects goes to
  the one its box overlaps most. The classification target of a positive is a / max_pos(a) * max_pos(IoU)
  for its object (IoU-aware scores), 0 elsewhere.
* Classification: binary cross-entropy over all locations and classes, summed, / T where T = sum of targets.
* Box: (1 - GIoU(predicted, object)) weighted by the target score, summed / T.
* Box L1: SmoothL1_beta=1(e) on each corner coordinate in units of the location's stride, e = (x_g - x_e) / s,
  summed over the 4 coordinates, weighted by the target score, summed / T (the KL loss below at alpha = 0).
* KL loss (He et al. 2019, "Bounding Box Regression with Uncertainty") for the variances, on the same stride-normalised coordinates,
  alpha = predicted log sigma^2: L = exp(-alpha) SmoothL1_beta=1(e) + alpha / 2, summed over the 4 coordinates,
  weighted by the target score, summed / T. Its minimum over alpha is sigma^2 = 2 SmoothL1(e) (= e^2 for
  |e| <= 1): sigma is the expected error of that coordinate. Here the KL term trains alpha only (the box enters
  it detached). With the box attached, as in the paper's Detectron code, its box gradient is weighted by
  exp(-alpha) = 1 / sigma^2, which grows as the variances shrink: in a first run its backbone gradient was 9x
  the classification's by step 800 and the classes barely separated (AP50 0.12 class-aware, 0.78 class-agnostic).
* Total = 1.0 cls + 7.5 GIoU + 1.5 L1 + 1.0 KL (YOLOv8's box/DFL gains with L1 in the DFL's place; cls doubled).
Optimiser AdamW (lr 2e-3, weight decay 0.05 on conv weights only, betas 0.9/0.999), 300 warm-up steps, cosine
to 2 % of lr; gradient norm clipped at 10; EMA of the weights (decay 0.998 (1 - exp(-step / 300))), which is what
gets evaluated and exported.
"""
import argparse
import copy
import dataclasses
import json
import math
import os
import sys
import time
from pathlib import Path

# Idle OpenMP threads sleep instead of spinning. On this shared 2-core machine, with other jobs running, spinning
# threads made a 2-thread step 4-5x slower than a 1-thread one and burned CPU others need (measured: batch 4 at
# 512, 4.4 s wall / 4.6 s CPU spinning, 1.2 s / 1.2 s passive). Must be set before torch loads libgomp.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import torchvision  # noqa: E402
from PIL import Image  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402
from model import (Detector, DetectorConfig, boxes_from_t, decode, flatten_outputs, level_points,  # noqa: E402
                   read_export, unfold_export, LOGVAR_RANGE)

HERE = Path(__file__).resolve().parent
TRAIN_SEED, VAL_SEED, SAMPLES_SEED = 1, 1000, 2000
FILL = 114


# ----------------------------------------------------------------------------------------------------------------
# Data
def round_half_up(x):
    return int(math.floor(x + 0.5))


def letterbox(img, size, fill=FILL):
    """img uint8 H x W x 3 -> (size x size x 3, (scale_x, scale_y, pad_x, pad_y)) as DetectKit's Letterbox."""
    h, w = img.shape[:2]
    scale = min(size / w, size / h)
    sw = max(1, min(size, round_half_up(w * scale)))
    sh = max(1, min(size, round_half_up(h * scale)))
    px, py = (size - sw) // 2, (size - sh) // 2
    out = np.full((size, size, 3), fill, np.uint8)
    scaled = img if (sw, sh) == (w, h) else cv2.resize(img, (sw, sh), interpolation=cv2.INTER_LINEAR)
    out[py:py + sh, px:px + sw] = scaled
    return out, (sw / w, sh / h, px, py)


def read_rgb(path):
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


class CocoScenes(torch.utils.data.Dataset):
    """A synth.py directory: items (index, epoch) -> (uint8 [3, S, S], boxes [M, 4] xyxy input px, labels [M])."""

    def __init__(self, root, size, augment=False, seed=0, crop=0):
        self.root = Path(root)
        self.crop = crop
        coco = json.loads((self.root / "annotations.json").read_text())
        self.images = coco["images"]
        self.categories = coco["categories"]
        self.cat_index = {c["id"]: i for i, c in enumerate(self.categories)}
        self.anns = {im["id"]: [] for im in self.images}
        for a in coco["annotations"]:
            self.anns[a["image_id"]].append(a)
        self.size, self.augment, self.seed = size, augment, seed

    def __len__(self):
        return len(self.images)

    def load(self, i):
        im = self.images[i]
        img = read_rgb(self.root / "images" / im["file_name"])
        lb, (sx, sy, px, py) = letterbox(img, self.size)
        anns = self.anns[im["id"]]
        boxes = np.array([[a["bbox"][0], a["bbox"][1], a["bbox"][0] + a["bbox"][2], a["bbox"][1] + a["bbox"][3]]
                          for a in anns], np.float32).reshape(-1, 4)
        boxes = boxes * np.array([sx, sy, sx, sy], np.float32) + np.array([px, py, px, py], np.float32)
        labels = np.array([self.cat_index[a["category_id"]] for a in anns], np.int64)
        return lb, boxes, labels, (sx, sy, px, py)

    def __getitem__(self, item):
        i, epoch = item if isinstance(item, tuple) else (item, 0)
        img, boxes, labels, _ = self.load(i)
        if self.augment:
            rng = np.random.default_rng([self.seed, epoch, i])
            flip_x, flip_y, transpose = rng.random(3) < 0.5
            s = self.size
            if transpose:
                img = img.transpose(1, 0, 2)
                boxes = boxes[:, [1, 0, 3, 2]]
            if flip_x:
                img = img[:, ::-1]
                boxes = np.stack([s - boxes[:, 2], boxes[:, 1], s - boxes[:, 0], boxes[:, 3]], 1)
            if flip_y:
                img = img[::-1]
                boxes = np.stack([boxes[:, 0], s - boxes[:, 3], boxes[:, 2], s - boxes[:, 1]], 1)
            if self.crop:
                img, boxes, labels = random_crop(img, boxes, labels, self.crop, rng)
        x = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))
        return x, torch.from_numpy(np.ascontiguousarray(boxes, np.float32)), torch.from_numpy(labels)


def random_crop(img, boxes, labels, side, rng):
    """A side x side window of the letterboxed image at a random place, at the same object scale (what the network
    sees of an object does not change, only how much background comes with it). Boxes are clipped to the window and
    kept when at least 10 % of their area and 2 px a side remain (Ultralytics' box_candidates rule)."""
    h, w = img.shape[:2]
    x0, y0 = int(rng.integers(0, w - side + 1)), int(rng.integers(0, h - side + 1))
    img = img[y0:y0 + side, x0:x0 + side]
    shifted = boxes - np.array([x0, y0, x0, y0], np.float32)
    clipped = shifted.clip(0, side)
    cw, ch = clipped[:, 2] - clipped[:, 0], clipped[:, 3] - clipped[:, 1]
    area = (shifted[:, 2] - shifted[:, 0]) * (shifted[:, 3] - shifted[:, 1])
    keep = (cw > 2) & (ch > 2) & (cw * ch > 0.1 * np.maximum(area, 1e-9))
    return img, clipped[keep], labels[keep]


def collate(batch):
    imgs = torch.stack([b[0] for b in batch])
    m = max(1, max(len(b[2]) for b in batch))
    boxes = torch.zeros(len(batch), m, 4)
    labels = torch.zeros(len(batch), m, dtype=torch.long)
    mask = torch.zeros(len(batch), m, dtype=torch.bool)
    for i, (_, b, l) in enumerate(batch):
        boxes[i, :len(l)], labels[i, :len(l)], mask[i, :len(l)] = b, l, True
    return imgs, boxes, labels, mask


def nested(fn, x):
    """`fn` applied to every tensor of the network's output (a list of per-level tuples)."""
    return type(x)(nested(fn, v) for v in x) if isinstance(x, (list, tuple)) else fn(x)


def to_input(imgs_uint8):
    return (imgs_uint8.float() / 255.0).contiguous(memory_format=torch.channels_last)


def ensure_data(root, seed, count, workers=2):
    root = Path(root)
    ann = root / "annotations.json"
    if ann.exists() and json.loads(ann.read_text())["info"].get("count") == count:
        return
    t = time.time()
    synth.generate(seed, count, root, 0, workers)
    print(f"generated {root} (seed {seed}, {count} scenes) in {time.time() - t:.0f} s", flush=True)


# ----------------------------------------------------------------------------------------------------------------
# Assignment and loss
def pairwise_iou(a, b, eps=1e-9):
    """a [B, M, 4], b [B, N, 4] xyxy -> IoU [B, M, N]."""
    lt = torch.maximum(a[:, :, None, :2], b[:, None, :, :2])
    rb = torch.minimum(a[:, :, None, 2:], b[:, None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    area_a = (a[..., 2:] - a[..., :2]).clamp(min=0).prod(-1)
    area_b = (b[..., 2:] - b[..., :2]).clamp(min=0).prod(-1)
    return inter / (area_a[:, :, None] + area_b[:, None, :] - inter + eps)


class DetectionLoss:
    def __init__(self, cfg: DetectorConfig, size, topk=10, alpha=0.5, beta=6.0, min_candidate=1.5,
                 gains=(1.0, 7.5, 1.5, 1.0), device="cpu"):
        self.cfg = cfg
        self.points, self.strides = (t.to(device) for t in level_points(cfg, size))
        self.topk, self.alpha, self.beta, self.min_candidate = topk, alpha, beta, min_candidate
        self.gains = gains

    @torch.no_grad()
    def assign(self, scores, pred_boxes, gt_boxes, gt_labels, gt_mask):
        B, N, C = scores.shape
        M = gt_boxes.shape[1]
        px, py = self.points[:, 0], self.points[:, 1]
        half = self.min_candidate * self.strides / 2                                  # [N]
        cx = (gt_boxes[..., 0] + gt_boxes[..., 2]) / 2
        cy = (gt_boxes[..., 1] + gt_boxes[..., 3]) / 2
        hw = torch.maximum((gt_boxes[..., 2] - gt_boxes[..., 0])[..., None] / 2, half)  # [B, M, N]
        hh = torch.maximum((gt_boxes[..., 3] - gt_boxes[..., 1])[..., None] / 2, half)
        inside = ((px - cx[..., None]).abs() < hw) & ((py - cy[..., None]).abs() < hh) & gt_mask[..., None]
        ious = pairwise_iou(gt_boxes, pred_boxes).clamp(min=0) * inside
        cls = scores.transpose(1, 2).gather(1, gt_labels[..., None].expand(B, M, N))   # [B, M, N]
        metric = cls.pow(self.alpha) * ious.pow(self.beta) * inside
        k = min(self.topk, N)
        top = metric.topk(k, dim=-1).indices
        pos = torch.zeros_like(inside).scatter_(-1, top, True) & inside
        multi = pos.sum(1) > 1                                                          # [B, N]
        if multi.any():
            best = F.one_hot(ious.argmax(1), M).transpose(1, 2).bool()                  # [B, M, N]
            pos = torch.where(multi[:, None, :], best & inside, pos)
        fg = pos.any(1)                                                                 # [B, N]
        gt_idx = pos.float().argmax(1)                                                  # [B, N]
        metric = metric * pos
        ious_pos = ious * pos
        norm = (metric * ious_pos.amax(-1, keepdim=True) / (metric.amax(-1, keepdim=True) + 1e-9)).amax(1)
        t_boxes = gt_boxes.gather(1, gt_idx[..., None].expand(B, N, 4))
        t_labels = gt_labels.gather(1, gt_idx)
        t_scores = F.one_hot(t_labels, C).float() * (norm * fg)[..., None]
        return fg, t_boxes, t_scores

    def __call__(self, outputs, gt_boxes, gt_labels, gt_mask):
        cls, box_t, logvar = flatten_outputs(outputs)
        cls, box_t, logvar = cls.float(), box_t.float(), logvar.float()
        pred = boxes_from_t(box_t, self.points, self.strides)
        fg, t_boxes, t_scores = self.assign(torch.sigmoid(cls).detach(), pred.detach(), gt_boxes, gt_labels,
                                            gt_mask)
        total_t = t_scores.sum().clamp(min=1.0)
        l_cls = F.binary_cross_entropy_with_logits(cls, t_scores, reduction="sum") / total_t
        if fg.any():
            w = t_scores.sum(-1)[fg]
            p, t = pred[fg], t_boxes[fg]
            l_iou = (torchvision.ops.generalized_box_iou_loss(p, t, reduction="none") * w).sum() / total_t
            s = self.strides.expand(fg.shape)[fg][:, None]
            alpha = logvar[fg].clamp(*LOGVAR_RANGE)
            e = (t - p) / s
            l1 = F.smooth_l1_loss(p / s, t / s, reduction="none", beta=1.0)
            l_l1 = (l1.sum(-1) * w).sum() / total_t
            kl = torch.exp(-alpha) * l1.detach() + alpha / 2          # trains alpha only (see the docstring)
            l_kl = (kl.sum(-1) * w).sum() / total_t
            with torch.no_grad():
                mean_abs_err = e.abs().mean()
                mean_sigma = torch.exp(alpha / 2).mean()
        else:
            l_iou = l_l1 = l_kl = pred.sum() * 0
            mean_abs_err = mean_sigma = torch.zeros(())
        g = self.gains
        loss = g[0] * l_cls + g[1] * l_iou + g[2] * l_l1 + g[3] * l_kl
        stats = {"cls": l_cls.item(), "giou": l_iou.item(), "l1": l_l1.item(), "kl": l_kl.item(),
                 "pos": int(fg.sum()),
                 "err_strides": float(mean_abs_err), "sigma_strides": float(mean_sigma)}
        return loss, stats


# ----------------------------------------------------------------------------------------------------------------
# COCO evaluation (bbox, all areas, maxDets 100, no crowd): the pycocotools COCOeval algorithm.
def coco_iou(d, g):
    """d [D, 4], g [G, 4] xywh -> IoU [D, G] as pycocotools (no +1)."""
    dx1, dy1, dx2, dy2 = d[:, 0], d[:, 1], d[:, 0] + d[:, 2], d[:, 1] + d[:, 3]
    gx1, gy1, gx2, gy2 = g[:, 0], g[:, 1], g[:, 0] + g[:, 2], g[:, 1] + g[:, 3]
    iw = np.clip(np.minimum(dx2[:, None], gx2) - np.maximum(dx1[:, None], gx1), 0, None)
    ih = np.clip(np.minimum(dy2[:, None], gy2) - np.maximum(dy1[:, None], gy1), 0, None)
    inter = iw * ih
    union = (d[:, 2] * d[:, 3])[:, None] + (g[:, 2] * g[:, 3])[None] - inter
    return inter / union


def coco_eval(gt, results, max_dets=100):
    """gt: COCO instances dict; results: COCO results list. Returns {AP, AP50, AP75} (pycocotools' numbers for
    iscrowd-free ground truth and area range 'all')."""
    iou_thrs = np.linspace(0.5, 0.95, 10)
    rec_thrs = np.linspace(0.0, 1.00, 101)
    img_ids = sorted(im["id"] for im in gt["images"])
    cat_ids = sorted(c["id"] for c in gt["categories"])
    gts, dts = {}, {}
    for a in gt["annotations"]:
        gts.setdefault((a["image_id"], a["category_id"]), []).append(a["bbox"])
    for r in results:
        dts.setdefault((r["image_id"], r["category_id"]), []).append((r["bbox"], r["score"]))
    precision = -np.ones((len(iou_thrs), len(rec_thrs), len(cat_ids)))
    for k, c in enumerate(cat_ids):
        scores, matches, npig = [], [], 0
        for i in img_ids:
            g = np.array(gts.get((i, c), []), np.float64).reshape(-1, 4)
            d = dts.get((i, c), [])
            npig += len(g)
            if not d:
                continue
            order = np.argsort([-s for _, s in d], kind="mergesort")[:max_dets]
            db = np.array([d[j][0] for j in order], np.float64).reshape(-1, 4)
            ds = np.array([d[j][1] for j in order], np.float64)
            m = np.zeros((len(iou_thrs), len(ds)), bool)
            if len(g):
                ious = coco_iou(db, g)
                for t, thr in enumerate(iou_thrs):
                    taken = np.zeros(len(g), bool)
                    for di in range(len(ds)):
                        best, iou = -1, min(thr, 1 - 1e-10)
                        for gi in range(len(g)):
                            if taken[gi] or ious[di, gi] < iou:
                                continue
                            iou, best = ious[di, gi], gi
                        if best >= 0:
                            taken[best] = True
                            m[t, di] = True
            scores.append(ds)
            matches.append(m)
        if npig == 0:
            continue
        if not scores:
            precision[:, :, k] = 0
            continue
        s = np.concatenate(scores)
        order = np.argsort(-s, kind="mergesort")
        tps = np.concatenate(matches, axis=1)[:, order]
        fps = ~tps
        tp_sum = np.cumsum(tps, axis=1).astype(float)
        fp_sum = np.cumsum(fps, axis=1).astype(float)
        for t in range(len(iou_thrs)):
            tp, fp = tp_sum[t], fp_sum[t]
            rc = tp / npig
            pr = (tp / (fp + tp + np.spacing(1))).tolist()
            for i in range(len(pr) - 1, 0, -1):
                if pr[i] > pr[i - 1]:
                    pr[i - 1] = pr[i]
            inds = np.searchsorted(rc, rec_thrs, side="left")
            q = np.zeros(len(rec_thrs))
            for ri, pi in enumerate(inds):
                if pi < len(pr):
                    q[ri] = pr[pi]
            precision[t, :, k] = q

    def mean(p):
        p = p[p > -1]
        return float(p.mean()) if p.size else -1.0
    return {"AP": mean(precision), "AP50": mean(precision[0]), "AP75": mean(precision[5])}


@torch.no_grad()
def predict(model, dataset, count=None, batch=8, score_threshold=0.001):
    """Raw detections (no suppression) per image in source pixels: list of (image record, dict of tensors)."""
    model.eval()
    cfg = model.cfg
    n = len(dataset) if count is None else min(count, len(dataset))
    out = []
    for start in range(0, n, batch):
        idx = list(range(start, min(n, start + batch)))
        items = [dataset.load(i) for i in idx]
        x = to_input(torch.stack([torch.from_numpy(np.ascontiguousarray(it[0].transpose(2, 0, 1))) for it in items]))
        outputs = model(x.to(next(model.parameters()).device))
        dets = decode(nested(lambda t: t.cpu(), outputs), cfg, score_threshold)
        for i, it, d in zip(idx, items, dets):
            sx, sy, px, py = it[3]
            im = dataset.images[i]
            b = d["boxes"].clone()
            b[:, 0::2] = ((b[:, 0::2] - px) / sx).clamp(0, im["width"])
            b[:, 1::2] = ((b[:, 1::2] - py) / sy).clamp(0, im["height"])
            sig = d["sigmas"] / torch.tensor([sx, sy, sx, sy])
            out.append((im, {"boxes": b, "scores": d["scores"], "classes": d["classes"], "sigmas": sig}))
    return out


def to_results(raw, dataset, iou=0.6, max_det=300, pre_nms=3000):
    """Class-wise greedy NMS (torchvision) on raw detections -> COCO results list."""
    results = []
    for im, d in raw:
        scores, order = d["scores"].sort(descending=True)
        order = order[:pre_nms]
        b, s, c = d["boxes"][order], d["scores"][order], d["classes"][order]
        keep = torchvision.ops.batched_nms(b, s, c, iou)[:max_det] if iou is not None else torch.arange(len(s))
        for j in keep.tolist():
            x1, y1, x2, y2 = b[j].tolist()
            results.append({"image_id": im["id"], "category_id": dataset.categories[int(c[j])]["id"],
                            "bbox": [x1, y1, x2 - x1, y2 - y1], "score": float(s[j])})
    return results


def evaluate(model, dataset, count=None, ious=(0.6,)):
    t = time.time()
    raw = predict(model, dataset, count)
    ids = {im["id"] for im, _ in raw}
    gt = {"images": [im for im in dataset.images if im["id"] in ids], "categories": dataset.categories,
          "annotations": [a for i in ids for a in dataset.anns[i]]}
    out = {}
    for iou in ious:
        out[f"nms{iou}"] = coco_eval(gt, to_results(raw, dataset, iou))
    out["images"], out["seconds"] = len(raw), round(time.time() - t, 1)
    out["raw_per_image@0.01"] = round(sum(int((d["scores"] > 0.01).sum()) for _, d in raw) / max(1, len(raw)), 1)
    return out


# ----------------------------------------------------------------------------------------------------------------
# Training
class EMA:
    def __init__(self, model, decay=0.998, tau=300.0):
        self.model = copy.deepcopy(model).eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.decay, self.tau, self.updates = decay, tau, 0

    @torch.no_grad()
    def update(self, model):
        self.updates += 1
        d = self.decay * (1 - math.exp(-self.updates / self.tau))
        msd = model.state_dict()
        for k, v in self.model.state_dict().items():
            if v.dtype.is_floating_point:
                v.mul_(d).add_(msd[k].detach(), alpha=1 - d)
            else:
                v.copy_(msd[k])


def lr_at(step, total, base, warmup):
    if step < warmup:
        return base * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return base * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, p))))


def param_groups(model, weight_decay):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (decay if p.ndim == 4 else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def save_checkpoint(path, **state):
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def train_step(model, opt, ema, loss_fn, batch, lr, bf16=False, device="cpu"):
    """One optimisation step on a collated batch: forward (under bfloat16 autocast when `bf16`; the loss always in
    float32), backward, gradient norm clipped at 10, AdamW, EMA. Returns the loss's statistics with "loss" and
    "grad_norm"."""
    imgs, boxes, labels, mask = (t.to(device) for t in batch)
    for g in opt.param_groups:
        g["lr"] = lr
    with torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=bf16):
        out = model(to_input(imgs))
    if bf16:
        out = nested(lambda t: t.float(), out)
    loss, stats = loss_fn(out, boxes, labels, mask)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    gn = float(torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0))
    opt.step()
    ema.update(model)
    return stats | {"loss": loss.item(), "grad_norm": gn}


def loader(dataset, batches, workers):
    """Batches of `dataset` in the order given, read by `workers` processes ahead of the training loop."""
    return torch.utils.data.DataLoader(dataset, batch_sampler=batches, collate_fn=collate, num_workers=workers,
                                       prefetch_factor=2 if workers else None, persistent_workers=False,
                                       worker_init_fn=lambda _: torch.set_num_threads(1))


def batches_for_epoch(n, batch, epoch, seed):
    g = torch.Generator().manual_seed(seed * 100003 + epoch)
    perm = torch.randperm(n, generator=g).tolist()
    return [[(i, epoch) for i in perm[k:k + batch]] for k in range(0, n - batch + 1, batch)]


def main():
    ap = argparse.ArgumentParser(description="Train the DetectKit detector on synthetic scenes (CPU).")
    ap.add_argument("--name", default="lk512")
    ap.add_argument("--size", type=int, default=512, help="letterboxed input side (multiple of 16)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--steps", type=int, default=6400)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--train-count", type=int, default=12000)
    ap.add_argument("--val-count", type=int, default=500, help="validation scenes generated (seed 1000)")
    ap.add_argument("--eval-count", type=int, default=200, help="validation scenes used by the periodic eval")
    ap.add_argument("--data", default=str(HERE / "data"))
    ap.add_argument("--log-every", type=int, default=20)
    ap.add_argument("--eval-every", type=int, default=400)
    ap.add_argument("--ckpt-minutes", type=float, default=5.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=1, help="DataLoader worker processes")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--eval-only", default=None, help="evaluate the run's EMA weights on this synth.py directory")
    ap.add_argument("--max-steps-this-run", type=int, default=None, help="stop (with a checkpoint) after this many")
    ap.add_argument("--crop", type=int, default=0,
                    help="train on random crops of this side of the letterboxed scenes (0: whole; inference stays whole)")
    ap.add_argument("--bf16", action="store_true", help="bfloat16 autocast for the network's forward pass")
    ap.add_argument("--device", default="cpu", help="torch device (cpu, cuda, mps); nothing depends on a GPU")
    ap.add_argument("--init", default=None,
                    help="a new run starts from this checkpoint's weights and EMA (its optimiser and step are not "
                         "taken; the schedule starts at step 0 with its warm-up), or from an export folder such as "
                         "the bundled Sources/DetectKit/Models/detector (model.unfold_export); ignored on resume")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    run = HERE / "runs" / args.name
    run.mkdir(parents=True, exist_ok=True)
    ckpt_path = run / "last.pt"
    log_file = open(run / "train.log", "a")

    def log(msg):
        line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {msg}"
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    def metric(record):
        with open(run / "metrics.jsonl", "a") as f:
            f.write(json.dumps(record) + "\n")

    cfg = DetectorConfig(input_size=args.size)
    model = Detector(cfg).to(args.device, memory_format=torch.channels_last)
    ema = EMA(model)
    opt = torch.optim.AdamW(param_groups(model, args.weight_decay), lr=args.lr, betas=(0.9, 0.999))
    step, from_export = 0, False
    if ckpt_path.exists():
        state = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"])
        ema.model.load_state_dict(state["ema"])
        ema.updates = state["ema_updates"]
        opt.load_state_dict(state["optimizer"])
        step = state["step"]
        log(f"resumed from {ckpt_path} at step {step}")
    elif args.init and Path(args.init).is_dir():
        # Read and checked now; unfolded below, once the training scenes are at hand for its BN statistics.
        from_export = True
        export_cfg, tensors, export_steps = read_export(args.init)
        if dataclasses.replace(export_cfg, input_size=cfg.input_size) != cfg:
            raise SystemExit(f"{args.init}: another architecture than train.py's ({export_cfg})")
    elif args.init:
        state = torch.load(args.init, map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"])
        ema.model.load_state_dict(state["ema"])
        ema.updates = state["ema_updates"]
        log(f"initialised from {args.init} (its step {state['step']})")

    val_dir = Path(args.data) / "val"
    if args.eval_only:
        ds = CocoScenes(args.eval_only, args.size)
        res = evaluate(ema.model, ds, None, ious=(0.5, 0.6, 0.7))
        log(f"eval-only {args.eval_only} step {step}: {json.dumps(res)}")
        return

    log(f"config {json.dumps(cfg.to_json())} args {json.dumps(vars(args))}")
    ensure_data(val_dir, VAL_SEED, args.val_count)
    train_dir = Path(args.data) / "train"
    ensure_data(train_dir, TRAIN_SEED, args.train_count)
    train_ds = CocoScenes(train_dir, args.size, augment=True, seed=args.seed, crop=args.crop)
    val_ds = CocoScenes(val_dir, args.size)
    loss_fn = DetectionLoss(cfg, args.crop or args.size, device=args.device)
    if from_export:
        calibration = to_input(collate([train_ds[(i, 0)] for i in range(64)])[0])
        diff = unfold_export(model, tensors, calibration)
        # The exported weights are an EMA already: the new one starts at full decay, as it does from a checkpoint
        # (whose EMA update count --init takes), rather than following the first steps' raw weights.
        ema = EMA(model)
        ema.updates = export_steps
        log(f"initialised from the export {args.init} (step {export_steps}): unfolded into the training form (BN "
            f"statistics of 64 training crops); folded again it differs from the export by {diff:.2e}")
        if diff > 1e-4:
            raise SystemExit("unfolding the export failed")
    n_params = sum(p.numel() for p in model.parameters())
    log(f"model {n_params} parameters; train {len(train_ds)} scenes, val {len(val_ds)}; "
        f"{len(train_ds) // args.batch} steps per epoch")

    steps_per_epoch = len(train_ds) // args.batch
    last_ckpt = time.time()
    stop_at = args.steps if args.max_steps_this_run is None else min(args.steps, step + args.max_steps_this_run)

    def checkpoint():
        save_checkpoint(ckpt_path, model=model.state_dict(), ema=ema.model.state_dict(), ema_updates=ema.updates,
                        optimizer=opt.state_dict(), step=step, config=cfg.to_json(), args=vars(args))

    agg, t_log = {}, time.time()
    while step < stop_at:
        epoch, offset = divmod(step, steps_per_epoch)
        batches = batches_for_epoch(len(train_ds), args.batch, epoch, args.seed)[offset:]
        model.train()
        for batch in loader(train_ds, batches, args.workers):
            lr = lr_at(step, args.steps, args.lr, args.warmup)
            stats = train_step(model, opt, ema, loss_fn, batch, lr, args.bf16, args.device)
            step += 1
            stats |= {"n": 1}
            for k, v in stats.items():
                agg[k] = agg.get(k, 0.0) + v
            if step % args.log_every == 0:
                n = agg.pop("n")
                dt = (time.time() - t_log) / n
                msg = " ".join(f"{k} {v / n:.4f}" for k, v in agg.items())
                log(f"step {step}/{args.steps} epoch {epoch} lr {lr:.2e} {msg} | {dt:.2f} s/step")
                metric({"step": step, "lr": lr, "s_per_step": dt} | {k: v / n for k, v in agg.items()})
                agg, t_log = {}, time.time()
            if time.time() - last_ckpt > args.ckpt_minutes * 60:
                checkpoint()
                last_ckpt = time.time()
            if step % args.eval_every == 0 or step == args.steps:
                checkpoint()
                last_ckpt = time.time()
                final = step == args.steps
                res = evaluate(ema.model, val_ds, None if final else args.eval_count,
                               ious=(0.5, 0.6, 0.7) if final else (0.6,))
                log(f"eval step {step}: {json.dumps(res)}")
                metric({"step": step, "eval": res})
                model.train()
                t_log = time.time()
            if step >= stop_at:
                break
    checkpoint()
    log(f"stopped at step {step}; checkpoint {ckpt_path}")


if __name__ == "__main__":
    main()
