#!/usr/bin/env python3
"""Golden fixtures for DetectKit's raw-output decoders: the real libraries' own post-processing run on raw model
outputs, so that the Swift tests can compare with no Python at test time.

Writes, under the directory given by --out (the Swift package's Tests/), DecodingTests/Fixtures/:

* <format>/<case>/: the raw output as the decoder receives it (`output.npy`, float32 C order little-endian, or
  `outputs.safetensors`, all tensors F32), and `expected.json`:
  {"generator", "peer", "format", "input_size": [W, H] (the network input), "image_size": [W, H] (the image the
  boxes are mapped back to), "params": {every post-processing parameter}, "detections": [{"box": [x1, y1, x2, y2],
  "score", "class"}, ...] in the peer's own order, "network_detections" (the same before the mapping back, in
  network input coordinates, where the peer has such a step), "checks" (margins: how far the nearest score lies
  from each threshold or top-k cut, how far the nearest IoU lies from the NMS threshold)}. Floats are float32
  values written exactly (repr of the float64 that holds them).
* coco80.json: Ultralytics' coco80_to_coco91_class(), the COCO category id of each of the 80 class indices.

Formats and peers (every model is built with random initialisation; nothing is downloaded):

  yolov8        ultralytics YOLO("yolov8n.yaml"), BatchNorm statistics taken from eight sample scenes and the
                classification head scaled and biased so that tens of boxes pass conf 0.25, exported to ONNX (opset
                17, static shape) and run by Ultralytics' own predictor on its ONNX Runtime backend (LetterBox,
                non_max_suppression, scale_boxes). output.npy is the raw [1, 4 + 80, N] output the predictor
                post-processed; the case also holds image.png (the original the predictor was given) and
                letterboxed.png (the predictor's LetterBox result, as fed to the network), both plain RGB PNGs.
                non_max_suppression and scale_boxes called directly on output.npy are asserted equal to the
                predictor's results, and scale_boxes to numpy float32 (v - pad) / float32(gain).
  yolo-end2end  ultralytics YOLO("yolov10n.yaml") exported with nms=False (the NMS-free one-to-one head, top-k in
                the graph): output.npy [1, 300, 6] (x1, y1, x2, y2, score, class), run by the predictor as above.
  yolov8-obb    a synthetic [1, 4 + 15 + 1, N] output (clusters of candidates jittered in centre, size and angle: xywh
                in network pixels, 15 class scores, then the angle in radians as the OBB head emits it,
                (sigmoid - 0.25) * pi in [-pi/4, 3pi/4)) run through Ultralytics' OBBPredictor.postprocess
                (non_max_suppression with rotated=True, then construct_result's scale_boxes with xywh=True), asserted
                equal to those two called directly, to a numpy replay of the mapping back and to a float64 ProbIoU Fast
                NMS per class without the class offset. Detections are {"rbox": [cx, cy, w, h, angle], "score",
                "class"} (network_detections: the rboxes before scale_boxes).
  yolov5        a synthetic [1, N, 5 + C] output (clustered xywh boxes, objectness and class probabilities) run
                through YOLOv5's own non_max_suppression and scale_boxes (utils/general.py), taken by name from the
                installed `yolov5` package's file (importing the module needs pkg_resources, which setuptools no
                longer ships), or with --yolov5 from an ultralytics/yolov5 checkout (master at 5081342 gives
                byte-identical fixtures; its general.py takes xywh2xyxy and clip_boxes from ultralytics).
  detr          synthetic logits [1, Q, C + 1] and pred_boxes [1, Q, 4] through transformers
                DetrImageProcessor.post_process_object_detection.
  rtdetr        synthetic logits [1, Q, C] and pred_boxes [1, Q, 4] through transformers
                RTDetrImageProcessor.post_process_object_detection (use_focal_loss=True).
  retinanet     torchvision retinanet_resnet50_fpn (random init, 5 classes, small min_size/max_size) run on a small
                scene the way RetinaNet.forward runs it (transform, backbone, head, anchor generator); the head
                outputs and anchors are saved as postprocess_detections receives them, and the expected result is
                postprocess_detections then transform.postprocess, asserted equal to model([image]).
  ssd           torchvision ssd300_vgg16 and ssdlite320_mobilenet_v3_large (random init, 4 classes counting the
                background) the same way.

Conventions a decoder has to follow to match (all found in the peers' code and checked here):
* Thresholds on scores compare in float32 (torch casts the Python threshold to the tensor's dtype), strictly:
  score > Float(conf). torchvision's nms compares the float32 IoU, widened, with the float64 threshold:
  Double(iou) > iouThreshold suppresses; IoU = inter / ((area_i + area_j) - inter), areas (x2 - x1) * (y2 - y1).
* Ultralytics: candidates are anchors whose best class score > conf; boxes offset by class * max_wh (7680) in
  float32 before torchvision nms unless agnostic; max_nms only sorts and cuts above 30000; LetterBox and
  scale_boxes round with Python's round (half to even) and pad = round((in - unpadded) / 2 - 0.1); scale_boxes
  divides by the per-axis float32(unpadded / original), then clamps to [0, W] x [0, H].
* Ultralytics OBB: the same candidates (best of the C class scores > conf; the angle is the channel after them),
  boxes kept as xywh, then sorted by score descending (torch.argsort, not stable: scores here have no ties) and
  Fast NMS on ProbIoU (batch_probiou, float32, eps 1e-7): a box is dropped when any higher-scored box of its class,
  kept or itself dropped, has ProbIoU > float32(iou); unless agnostic, class * max_wh is added to both x and y in
  float32 first (it moves ProbIoU by up to ~1e-3; every pair here lies on the same side of the threshold with and
  without it). Then max_det. The angle is passed through as emitted: regularize_rboxes is not called. scale_boxes
  with xywh=True: x = (x - pad_x) / float32(gain_x), y likewise with pad_y, gain_y, w / float32(gain_x),
  h / float32(gain_y), the angle untouched, nothing clipped.
* YOLOv5: objectness > conf first, score = objectness * class probability (float32), pad (in - original * gain) / 2
  not rounded, one gain for both axes.
* DETR: softmax over C + 1, best of the first C, kept in query order, boxes not clipped. RT-DETR: sigmoid, top-Q over
  the flattened Q x C scores (flat index query * C + class), then score > threshold.
* torchvision: scores recomputed with exp differ from numpy float32 by up to 1.2e-7, decoded boxes by a few ulp, so
  every decision (threshold, top-k cut, NMS IoU, output order) is checked to lie well clear of such noise.

The output is deterministic for the pinned environment (training/requirements.txt; ultralytics and yolov5 are
installed from training/requirements-no-deps.txt with `pip install --no-deps`). Rerun from the repository root:

    python training/golden_decoders.py --out Tests
    python training/golden_decoders.py --out Tests --only yolov8-obb     # one format (see --only)
"""
import argparse
import ast
import contextlib
import importlib.metadata
import importlib.util
import json
import math
import os
import shutil
import tempfile
import time
from pathlib import Path

# Ultralytics: no network, no auto-install, settings in a throwaway directory.
_SETTINGS = tempfile.mkdtemp(prefix="golden-decoders-yolo-")
os.environ.update({"YOLO_OFFLINE": "1", "YOLO_AUTOINSTALL": "0", "YOLO_VERBOSE": "0",
                   "ULTRALYTICS_SKIP_REQUIREMENTS_CHECKS": "1", "YOLO_CONFIG_DIR": _SETTINGS})

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402
from safetensors.numpy import save_file  # noqa: E402

GENERATOR = "training/golden_decoders.py"
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples/images"


def version(package):
    return f"{package} {importlib.metadata.version(package)}"


def f32(value):
    """A float32 value as the Python float that round-trips it exactly."""
    return float(np.float32(value))


def detections(boxes, scores, classes):
    boxes, scores, classes = (np.asarray(t.detach().cpu() if torch.is_tensor(t) else t) for t in (boxes, scores, classes))
    assert boxes.dtype == np.float32 and scores.dtype == np.float32, (boxes.dtype, scores.dtype)
    return [{"box": [f32(v) for v in b], "score": f32(s), "class": int(c)} for b, s, c in zip(boxes, scores, classes)]


def rotated_detections(rboxes, scores, classes):
    return [{"rbox": d["box"], "score": d["score"], "class": d["class"]} for d in detections(rboxes, scores, classes)]


def write_expected(path, document):
    """Compact JSON with one detection a line."""
    parts = []
    for key, value in document.items():
        if key in ("detections", "network_detections"):
            rows = ",\n".join(json.dumps(d, separators=(",", ":")) for d in value)
            parts.append(f'"{key}":[\n{rows}]' if value else f'"{key}":[]')
        else:
            parts.append(f'"{key}":' + json.dumps(value, separators=(",", ":")))
    path.write_text("{" + ",\n".join(parts) + "}\n")


def save_npy(path, array):
    array = np.ascontiguousarray(array, dtype="<f4")
    np.save(path, array)


def case_dir(out, fmt, case):
    d = out / fmt / case
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


# ----------------------------------------------------------------------------------------------------------------
# Margins: how far the data lies from every decision, so that a decoder off by an ulp in exp or sigmoid still
# takes the same decisions (asserted above MIN_MARGIN where the decoder recomputes scores or boxes).

MIN_MARGIN = 1e-5


def score_margin(scores, threshold):
    """The distance from the threshold (as float32, the way torch compares) to the nearest score."""
    scores = np.asarray(scores, dtype=np.float32).ravel()
    return float(np.min(np.abs(scores.astype(np.float64) - np.float64(np.float32(threshold))))) if scores.size else 1.0


def gap_margin(scores):
    """The smallest gap between two distinct positions of a descending ordering (ties give 0)."""
    s = np.sort(np.asarray(scores, dtype=np.float64).ravel())
    return float(np.min(np.diff(s))) if s.size > 1 else 1.0


def iou_matrix(boxes):
    """torchvision's IoU (float32)."""
    b = torch.as_tensor(np.asarray(boxes, dtype=np.float32))
    return torchvision.ops.box_iou(b, b).numpy()


def iou_margin(boxes, groups, threshold):
    """The distance from the NMS threshold (float64, as torchvision compares) to the nearest IoU of two boxes of one
    group that overlap at all."""
    boxes, groups = np.asarray(boxes, dtype=np.float32), np.asarray(groups)
    best = 1.0
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        if len(idx) < 2:
            continue
        iou = iou_matrix(boxes[idx])[np.triu_indices(len(idx), 1)]
        iou = iou[iou > 0]
        if iou.size:
            best = min(best, float(np.min(np.abs(iou.astype(np.float64) - threshold))))
    return best


# ----------------------------------------------------------------------------------------------------------------
# Images


def sample(name, size, crop=None):
    """A sample scene (BGR), optionally cropped (x, y, w, h), resized with INTER_AREA to size (W, H)."""
    img = cv2.imread(str(SAMPLES / name), cv2.IMREAD_COLOR)
    if crop is not None:
        x, y, w, h = crop
        img = img[y:y + h, x:x + w]
    return np.ascontiguousarray(cv2.resize(img, size, interpolation=cv2.INTER_AREA))


def write_png(path, bgr):
    assert cv2.imwrite(str(path), bgr, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    assert np.array_equal(cv2.imread(str(path), cv2.IMREAD_COLOR), bgr)


# ----------------------------------------------------------------------------------------------------------------
# Ultralytics (yolov8, yolo-end2end)

YOLO_CALIBRATION = ["000010.png", "000012.png", "000013.png", "000015.png", "000018.png", "000019.png",
                    "000025.png", "000027.png"]


@contextlib.contextmanager
def working_directory(path):
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def yolo_onnx(yaml, imgsz, seed, workdir, nms=None):
    """A randomly initialised Ultralytics model exported to ONNX at imgsz ((H, W) or an int). Its BatchNorm
    statistics come from eight sample scenes (random weights with identity statistics give an output that hardly
    depends on the image), its classification weights are scaled by 1.5 and biases drawn from U(-9, -6) (so that
    tens, not thousands, of boxes pass 0.25) and its box-distribution logits favour short distances (boxes of tens of pixels)."""
    from ultralytics import YOLO
    from ultralytics.data.augment import LetterBox

    torch.manual_seed(seed)
    model = YOLO(yaml)
    net = model.model
    letterbox = LetterBox(160, auto=False)
    batch = np.stack([letterbox(image=cv2.imread(str(SAMPLES / n)))[..., ::-1] for n in YOLO_CALIBRATION])
    batch = torch.from_numpy(batch.copy()).permute(0, 3, 1, 2).float() / 255
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the calibration batch
    net.train()
    with torch.no_grad():
        net(batch)
    net.eval()
    head = net.model[-1]
    g = torch.Generator().manual_seed(seed)
    for name in ("cv3", "one2one_cv3"):
        for branch in getattr(head, name, None) or []:
            branch[-1].weight.data *= 1.5
            branch[-1].bias.data = torch.empty(head.nc).uniform_(-9.0, -6.0, generator=g)
    for name in ("cv2", "one2one_cv2"):
        for branch in getattr(head, name, None) or []:
            branch[-1].weight.data *= 1.5
            branch[-1].bias.data = (-0.3 * torch.arange(head.reg_max, dtype=torch.float32)).repeat(4)
    with working_directory(workdir):
        path = model.export(format="onnx", imgsz=imgsz, simplify=False, opset=17, dynamic=False, nms=nms)
    return Path(workdir) / path


def predict_capturing(onnx_model, image, **args):
    """Run the Ultralytics predictor on one BGR image, capturing the letterboxed image it built and the raw output
    it post-processed."""
    from ultralytics.engine.predictor import BasePredictor
    from ultralytics.models.yolo.detect.predict import DetectionPredictor

    captured = {}
    pre_transform, postprocess = BasePredictor.pre_transform, DetectionPredictor.postprocess

    def capture_pre(self, im):
        out = pre_transform(self, im)
        captured["letterboxed"] = out[0].copy()
        return out

    def capture_post(self, preds, img, orig_imgs, **kwargs):
        raw = preds[0] if isinstance(preds, (list, tuple)) else preds
        captured["output"] = raw.detach().cpu().numpy().copy()
        captured["input_shape"] = tuple(img.shape)
        return postprocess(self, preds, img, orig_imgs, **kwargs)

    BasePredictor.pre_transform, DetectionPredictor.postprocess = capture_pre, capture_post
    try:
        results = onnx_model.predict(image, verbose=False, **args)
    finally:
        BasePredictor.pre_transform, DetectionPredictor.postprocess = pre_transform, postprocess
    assert len(results) == 1
    return results[0], captured


def ultralytics_case(out, fmt, case, onnx_model, image, params, end2end, save_images):
    """One predictor run, checked against non_max_suppression + scale_boxes called directly on the saved output."""
    from ultralytics.data.augment import LetterBox
    from ultralytics.utils import nms, ops

    h0, w0 = image.shape[:2]
    result, cap = predict_capturing(onnx_model, image, imgsz=params["imgsz"], conf=params["conf"], iou=params["iou"],
                                    max_det=params["max_det"], agnostic_nms=params["agnostic"],
                                    classes=params["classes"])
    output = cap["output"].astype(np.float32)
    _, _, hin, win = cap["input_shape"]

    # The same two steps called directly on the saved output.
    det = nms.non_max_suppression(torch.from_numpy(output.copy()), params["conf"], params["iou"], params["classes"],
                                  params["agnostic"], multi_label=False, max_det=params["max_det"],
                                  max_nms=params["max_nms"], max_wh=params["max_wh"], end2end=end2end)[0]
    network = det.clone()
    det[:, :4] = ops.scale_boxes((hin, win), det[:, :4], (h0, w0))
    assert torch.equal(det, result.boxes.data), "predictor and direct calls differ"

    # The mapping back, re-done in numpy float32 arithmetic: (v - pad) / float32(gain), clamped to the image.
    gain = min(hin / h0, win / w0)
    new_h, new_w = max(round(h0 * gain), 1), max(round(w0 * gain), 1)
    pad_x, pad_y = round((win - new_w) / 2 - 0.1), round((hin - new_h) / 2 - 0.1)
    b = network[:, :4].numpy().copy()
    b[:, 0::2] = np.clip((b[:, 0::2] - np.float32(pad_x)) / np.float32(new_w / w0), 0, w0)
    b[:, 1::2] = np.clip((b[:, 1::2] - np.float32(pad_y)) / np.float32(new_h / h0), 0, h0)
    assert np.array_equal(b, det[:, :4].numpy()), "scale_boxes is not (v - pad) / float32(gain)"

    # The letterbox the predictor used (auto=False for a fixed-size ONNX model).
    lb = LetterBox((hin, win), auto=False)
    lp = lb.get_params({"img": image})
    assert np.array_equal(lb(image=image), cap["letterboxed"])
    assert (lp["left"], lp["top"]) == (pad_x, pad_y) and lp["new_unpad"] == (new_w, new_h)

    d = case_dir(out, fmt, case)
    save_npy(d / "output.npy", output)
    if save_images:
        write_png(d / "image.png", image)
        write_png(d / "letterboxed.png", cap["letterboxed"])

    # Margins: scores are read from the file (no recomputation), the IoU is torchvision's on offset boxes.
    if end2end:
        scores, boxes, groups = output[0, :, 4], None, None
        ordering = 1.0
    else:
        cls = output[0, 4:]
        best = cls.max(0)
        scores = best
        passed = best > np.float32(params["conf"])
        boxes = ops.xywh2xyxy(torch.from_numpy(output[0, :4].T[passed].copy())).numpy()
        labels = cls.argmax(0)[passed]
        groups = np.zeros_like(labels) if params["agnostic"] else labels
        ordering = gap_margin(best[passed])
    assert ordering > 0, "tied candidate scores: the NMS order would be the sort's"
    checks = {"score_margin": score_margin(scores, params["conf"]), "score_gap": ordering}
    if boxes is not None:
        checks["iou_margin"] = iou_margin(boxes, groups, params["iou"])
        checks["same_without_class_offset"] = same_without_offset(output, params)

    p = dict(params)
    p["letterbox"] = {"new_shape": [win, hin], "auto": False, "scale_fill": False, "scaleup": True, "center": True,
                      "stride": 32, "padding_value": 114, "interpolation": "cv2.INTER_LINEAR",
                      "new_unpad": [new_w, new_h], "left": lp["left"], "top": lp["top"], "right": lp["right"],
                      "bottom": lp["bottom"]}
    p["scale_boxes"] = {"gain": [new_w / w0, new_h / h0], "pad": [pad_x, pad_y]}
    document = {
        "generator": GENERATOR,
        "peer": (f"{version('ultralytics')} DetectionPredictor on its ONNX Runtime backend ({version('onnxruntime')}): "
                 "LetterBox, ultralytics.utils.nms.non_max_suppression"
                 + (" (end2end: confidence, classes, max_det)" if end2end else "")
                 + f", ultralytics.utils.ops.scale_boxes; {version('torch')}, {version('torchvision')}"),
        "format": fmt,
        "input_size": [win, hin],
        "image_size": [w0, h0],
        "params": p,
        "detections": detections(det[:, :4], det[:, 4], det[:, 5]),
        "network_detections": detections(network[:, :4], network[:, 4], network[:, 5]),
        "checks": checks,
    }
    write_expected(d / "expected.json", document)
    return document


def same_without_offset(output, params):
    """Whether plain per-class NMS (no max_wh class offset, which rounds the boxes of high classes to float32 steps
    of up to 1/16 px) keeps the same rows in the same order as Ultralytics' non_max_suppression."""
    from ultralytics.utils.nms import non_max_suppression

    pred = torch.from_numpy(output.copy())
    kept = non_max_suppression(pred, params["conf"], params["iou"], params["classes"], params["agnostic"],
                               max_det=params["max_det"], max_nms=params["max_nms"], max_wh=params["max_wh"])[0]
    if params["agnostic"]:
        return True
    # every candidate (nothing has IoU > 1), sorted by score, then torchvision nms per class
    x = non_max_suppression(pred, params["conf"], 1.0, params["classes"], True, max_det=10**9,
                            max_nms=params["max_nms"])[0]
    rows = [x[x[:, 5] == c][torchvision.ops.nms(x[x[:, 5] == c][:, :4], x[x[:, 5] == c][:, 4], params["iou"])]
            for c in x[:, 5].unique()]
    rows = torch.cat(rows) if rows else x[:0]
    rows = rows[rows[:, 4].argsort(descending=True, stable=True)][: params["max_det"]]
    return bool(torch.equal(kept, rows))


YOLOV8_CASES = [
    # case, sample, crop, original size (W, H), imgsz (H, W), params
    ("downscale-default", "000000.png", None, (320, 201), (160, 160),
     {"conf": 0.25, "iou": 0.7, "max_det": 300, "agnostic": False, "classes": None}),
    ("upscale-agnostic", "000001.png", (150, 60, 304, 382), (152, 191), (160, 160),
     {"conf": 0.05, "iou": 0.5, "max_det": 300, "agnostic": True, "classes": None}),
    ("rect-classes", "000016.png", None, (299, 260), (128, 192),
     {"conf": 0.05, "iou": 0.6, "max_det": 10, "agnostic": False, "classes": None}),
]
END2END_CASES = [
    ("downscale-default", "000000.png", None, (320, 201), (160, 160),
     {"conf": 0.25, "iou": 0.7, "max_det": 300, "agnostic": False, "classes": None}),
    ("upscale-classes", "000001.png", (150, 60, 304, 382), (152, 191), (160, 160),
     {"conf": 0.05, "iou": 0.7, "max_det": 5, "agnostic": False, "classes": None}),
]


def yolo_fixtures(out, fmt, yaml, cases, seed, end2end):
    from ultralytics import YOLO

    documents = []
    with tempfile.TemporaryDirectory(prefix="golden-decoders-onnx-") as tmp:
        models = {}
        for name, sample_name, crop, size, imgsz, params in cases:
            if imgsz not in models:
                workdir = Path(tmp) / f"{imgsz[0]}x{imgsz[1]}"
                workdir.mkdir()
                path = yolo_onnx(yaml, list(imgsz), seed, workdir, nms=False if end2end else None)
                models[imgsz] = YOLO(str(path), task="detect")
            image = sample(sample_name, size, crop)
            p = {"imgsz": list(imgsz), **params, "multi_label": False, "max_nms": 30000, "max_wh": 7680,
                 "end2end": end2end}
            if name.endswith("classes") and p["classes"] is None:
                p["classes"] = classes_present(models[imgsz], image, p)
            documents.append(ultralytics_case(out, fmt, name, models[imgsz], image, p, end2end,
                                              save_images=not end2end))
            print(f"{fmt}/{name}: {len(documents[-1]['detections'])} detections, checks {documents[-1]['checks']}")
    return documents


def classes_present(onnx_model, image, params):
    """The most frequent classes of the unfiltered run, as many as it takes to find more than max_det boxes (so that
    the class filter drops some boxes and max_det then cuts the rest)."""
    result, _ = predict_capturing(onnx_model, image, imgsz=params["imgsz"], conf=params["conf"], iou=params["iou"],
                                  max_det=300, agnostic_nms=params["agnostic"], classes=None)
    counts = np.bincount(result.boxes.cls.numpy().astype(int))
    chosen, total = [], 0
    for c in np.argsort(-counts, kind="stable"):
        if total > params["max_det"]:
            break
        chosen.append(int(c))
        total += counts[c]
    assert total > params["max_det"] and len(chosen) < np.count_nonzero(counts), "no class filter case here"
    return sorted(chosen)


# ----------------------------------------------------------------------------------------------------------------
# YOLOv8-OBB

OBB_CLASSES = 15  # as DOTA v1
OBB_CASES = [
    # case, seed, input (W, H), image (W, H), params
    ("downscale-default", 6, (320, 320), (500, 333),
     {"conf": 0.25, "iou": 0.7, "max_det": 300, "agnostic": False, "classes": None}),
    ("upscale-agnostic", 4, (256, 256), (150, 200),
     {"conf": 0.1, "iou": 0.5, "max_det": 300, "agnostic": True, "classes": None}),
    ("rect-classes", 2, (320, 192), (333, 500),
     {"conf": 0.15, "iou": 0.3, "max_det": 8, "agnostic": False, "classes": [0, 2, 3, 5, 7, 11, 13]}),
]


def obb_output(seed, input_size, content, num_classes, rows):
    """A YOLOv8-OBB-like raw output [1, 4 + C + 1, rows]: xywh in network pixels, C class scores (no objectness),
    then the angle in radians in the head's range [-pi/4, 3pi/4) ((sigmoid - 0.25) * pi). Objects are clusters of
    candidates jittered in centre, size and angle (angles wrapped into the head's range, so a cluster near its ends
    holds angles near both), with one main class and sometimes a confusable second one, centred in the letterboxed
    image `content` (x, y, w, h) or up to 5 % past its edges. The rest are background rows with low scores anywhere
    in the input. Rows are shuffled."""
    rng = np.random.default_rng([9, seed])
    w_in, h_in = input_size
    x0, y0, w0, h0 = content
    low = -math.pi / 4
    out = []
    for _ in range(14):
        cx, cy = x0 + w0 * rng.uniform(-0.05, 1.05), y0 + h0 * rng.uniform(-0.05, 1.05)
        w, h = np.exp(rng.uniform(np.log(10), np.log(150), 2))
        theta = rng.uniform(low, low + math.pi)
        main = rng.integers(num_classes)
        second = rng.integers(num_classes) if rng.random() < 0.4 else None
        quality = rng.uniform(0.35, 0.97)
        for _ in range(rng.integers(6, 28)):
            row = np.zeros(4 + num_classes + 1)
            row[0] = cx + rng.normal(0, 0.06 * max(w, h))
            row[1] = cy + rng.normal(0, 0.06 * max(w, h))
            row[2] = w * np.exp(rng.normal(0, 0.12))
            row[3] = h * np.exp(rng.normal(0, 0.12))
            row[4:-1] = rng.uniform(0, 0.05, num_classes)
            row[4 + main] = quality * rng.uniform(0.2, 1.0)
            if second is not None:
                row[4 + second] = max(row[4 + second], quality * rng.uniform(0.1, 0.6))
            row[-1] = low + (theta + rng.normal(0, 0.12) - low) % math.pi
            out.append(row)
    while len(out) < rows:
        row = np.zeros(4 + num_classes + 1)
        row[0], row[1] = rng.uniform(-10, w_in + 10), rng.uniform(-10, h_in + 10)
        row[2:4] = np.exp(rng.uniform(np.log(4), np.log(250), 2))
        row[4:-1] = rng.uniform(0, 0.03, num_classes)
        row[4 + rng.integers(num_classes)] = rng.beta(0.6, 10)
        row[-1] = rng.uniform(low, low + math.pi)
        out.append(row)
    out = np.asarray(out[:rows], dtype=np.float32)
    return np.ascontiguousarray(out[rng.permutation(len(out))].T[None])


def probiou64(rboxes):
    """Ultralytics' batch_probiou (eps 1e-7) of every pair of xywhr rows, in float64 numpy ([i, j]: row i against
    row j)."""
    x, y, w, h, t = np.asarray(rboxes, dtype=np.float64).T
    eps = 1e-7
    p, q, cos, sin = w**2 / 12, h**2 / 12, np.cos(t), np.sin(t)
    a, b, c = p * cos**2 + q * sin**2, p * sin**2 + q * cos**2, (p - q) * cos * sin
    sa, sb, sc = a[:, None] + a[None], b[:, None] + b[None], c[:, None] + c[None]
    dx, dy = x[:, None] - x[None], y[:, None] - y[None]
    det = sa * sb - sc**2
    t1 = (sa * dy**2 + sb * dx**2) / (det + eps) * 0.25
    t2 = (sc * -dx * dy) / (det + eps) * 0.5
    own = np.clip(a * b - c**2, 0, None)
    t3 = np.log(det / (4 * np.sqrt(own[:, None] * own[None]) + eps) + eps) * 0.5
    bd = np.clip(t1 + t2 + t3, eps, 100.0)
    return 1 - np.sqrt(1 - np.exp(-bd) + eps)


def probiou_nms64(rboxes, scores, groups, threshold, fast=True):
    """Indices kept by ProbIoU NMS in float64 without the class offset, in descending score order. fast (Ultralytics'
    TorchNMS.fast_nms): a box is dropped when any higher-scored box of its group, kept or not, overlaps it at
    ProbIoU > float32(threshold); otherwise greedy: only kept boxes suppress."""
    order = np.argsort(-np.asarray(scores), kind="stable")
    over = probiou64(np.asarray(rboxes)[order]) > np.float64(np.float32(threshold))
    over &= np.asarray(groups)[order][:, None] == np.asarray(groups)[order][None]
    if fast:
        return order[~np.triu(over, 1).any(0)]
    keep = []
    for k in range(len(order)):
        if not over[keep, k].any():
            keep.append(k)
    return order[keep]


def obb_fixtures(out):
    from types import SimpleNamespace

    from ultralytics.models.yolo.obb.predict import OBBPredictor
    from ultralytics.utils import nms, ops
    from ultralytics.utils.metrics import batch_probiou

    documents = []
    for name, seed, (win, hin), (w0, h0), params in OBB_CASES:
        gain = min(hin / h0, win / w0)
        new_w, new_h = max(round(w0 * gain), 1), max(round(h0 * gain), 1)
        pad_x, pad_y = round((win - new_w) / 2 - 0.1), round((hin - new_h) / 2 - 0.1)
        output = obb_output(seed, (win, hin), (pad_x, pad_y, new_w, new_h), OBB_CLASSES, 600)

        # The predictor's own post-processing (postprocess: non_max_suppression, then construct_result) ...
        predictor = OBBPredictor(overrides={"conf": params["conf"], "iou": params["iou"], "max_det": params["max_det"],
                                            "agnostic_nms": params["agnostic"], "classes": params["classes"]})
        predictor.model = SimpleNamespace(names={c: f"class{c}" for c in range(OBB_CLASSES)}, end2end=False)
        predictor.batch = (["synthetic"],)
        result = predictor.postprocess(torch.from_numpy(output.copy()), torch.zeros(1, 3, hin, win),
                                       [np.zeros((h0, w0, 3), np.uint8)])[0]
        # ... equal to the same two steps called directly: rows (x, y, w, h, score, class, angle).
        det = nms.non_max_suppression(torch.from_numpy(output.copy()), params["conf"], params["iou"], params["classes"],
                                      params["agnostic"], max_det=params["max_det"], nc=OBB_CLASSES, rotated=True)[0]
        network = torch.cat([det[:, :4], det[:, 6:7]], 1)
        rboxes = network.clone()
        rboxes[:, :4] = ops.scale_boxes((hin, win), rboxes[:, :4], (h0, w0), xywh=True)
        assert torch.equal(torch.cat([rboxes, det[:, 4:6]], 1), result.obb.data), "predictor and direct calls differ"

        # The mapping back in numpy float32: centres (v - pad) / float32(gain), sizes v / float32(gain), per axis;
        # the angle untouched, nothing clipped.
        gain_x, gain_y = np.float32(new_w / w0), np.float32(new_h / h0)
        b = network.numpy().copy()
        b[:, 0], b[:, 1] = (b[:, 0] - np.float32(pad_x)) / gain_x, (b[:, 1] - np.float32(pad_y)) / gain_y
        b[:, 2], b[:, 3] = b[:, 2] / gain_x, b[:, 3] / gain_y
        assert np.array_equal(b, rboxes.numpy()), "scale_boxes(xywh=True) is not (v - pad) / gain, v / gain"

        # The candidates, and the NMS replayed in float64 per class without the max_wh offset.
        x = output[0].T
        scores, labels = x[:, 4:-1].max(1), x[:, 4:-1].argmax(1)
        cand = np.flatnonzero(scores > np.float32(params["conf"]))
        filtered = cand if params["classes"] is None else cand[np.isin(labels[cand], params["classes"])]
        rb, sc, lb = x[filtered][:, [0, 1, 2, 3, -1]], scores[filtered], labels[filtered]
        groups = np.zeros_like(lb) if params["agnostic"] else lb
        fast = probiou_nms64(rb, sc, groups, params["iou"])
        greedy = probiou_nms64(rb, sc, groups, params["iou"], fast=False)
        kept = fast[: params["max_det"]]
        same = bool(np.array_equal(rb[kept], network.numpy()) and np.array_equal(sc[kept], det[:, 4].numpy())
                    and np.array_equal(lb[kept], det[:, 5].numpy()))
        assert same, "float64 ProbIoU Fast NMS per class keeps other rows than non_max_suppression"

        # Margins: scores are read from the file (no recomputation); ProbIoU both as the peer computes it (float32,
        # offset boxes: x + 14 * 7680 rounds to float32 steps of 1/128 px, which moves ProbIoU by up to ~1e-3) and in
        # float64 without the offset.
        shifted = rb.copy()
        shifted[:, :2] += (groups.astype(np.float32) * np.float32(7680))[:, None]
        iou32 = batch_probiou(torch.from_numpy(shifted), torch.from_numpy(shifted)).numpy()
        plain32 = batch_probiou(torch.from_numpy(rb), torch.from_numpy(rb)).numpy()
        iou64 = probiou64(rb)
        pairs = np.triu(groups[:, None] == groups[None], 1)
        threshold = np.float64(np.float32(params["iou"]))
        assert np.array_equal(iou32[pairs] > threshold, iou64[pairs] > threshold), "the class offset flips a pair"
        checks = {"score_margin": score_margin(scores, params["conf"]), "score_gap": gap_margin(sc),
                  "iou_margin": float(min(np.min(np.abs(iou32[pairs] - threshold)),
                                          np.min(np.abs(iou64[pairs] - threshold)))),
                  "probiou_offset_float32_vs_float64": float(np.max(np.abs(iou32[pairs] - iou64[pairs]))),
                  "probiou_float32_vs_float64": float(np.max(np.abs(plain32[pairs] - iou64[pairs]))),
                  "same_without_class_offset": same, "candidates": int(len(cand)),
                  "after_class_filter": int(len(filtered)), "kept_before_max_det": int(len(fast)),
                  "greedy_would_keep": int(len(greedy))}
        assert checks["score_margin"] > MIN_MARGIN and checks["iou_margin"] > MIN_MARGIN, checks
        assert checks["score_gap"] > 0, "tied candidate scores: the NMS order would be the sort's"

        d = case_dir(out, "yolov8-obb", name)
        save_npy(d / "output.npy", output)
        document = {
            "generator": GENERATOR,
            "peer": (f"{version('ultralytics')} OBBPredictor.postprocess: ultralytics.utils.nms.non_max_suppression "
                     "(rotated=True: TorchNMS.fast_nms with batch_probiou), ultralytics.utils.ops.scale_boxes "
                     f"(xywh=True); {version('torch')}"),
            "format": "yolov8-obb",
            "input_size": [win, hin],
            "image_size": [w0, h0],
            "params": {**params, "multi_label": False, "max_nms": 30000, "max_wh": 7680, "num_classes": OBB_CLASSES,
                       "scale_boxes": {"new_unpad": [new_w, new_h], "gain": [new_w / w0, new_h / h0],
                                       "pad": [pad_x, pad_y], "xywh": True}},
            "detections": rotated_detections(rboxes, det[:, 4], det[:, 5]),
            "network_detections": rotated_detections(network, det[:, 4], det[:, 5]),
            "checks": checks,
        }
        write_expected(d / "expected.json", document)
        documents.append(document)
        print(f"yolov8-obb/{name}: {len(document['detections'])} detections, checks {checks}")
    return documents


# ----------------------------------------------------------------------------------------------------------------
# YOLOv5


def yolov5_functions(checkout):
    """non_max_suppression, scale_boxes and what they call, from YOLOv5's utils/general.py (the installed package's
    file, or a checkout's), without importing the module itself."""
    if checkout is not None:
        path, origin = Path(checkout) / "utils/general.py", f"ultralytics/yolov5 checkout {checkout}"
    else:
        spec = importlib.util.find_spec("yolov5")
        path = Path(spec.submodule_search_locations[0]) / "utils/general.py"
        origin = f"{version('yolov5')} yolov5/utils/general.py"
    source = path.read_text()
    wanted = {"non_max_suppression", "scale_boxes", "clip_boxes", "xywh2xyxy", "box_iou"}
    chunks = [ast.get_source_segment(source, n) for n in ast.parse(source).body
              if isinstance(n, ast.FunctionDef) and n.name in wanted]
    from ultralytics.utils import ops

    # master imports xywh2xyxy and clip_boxes from ultralytics.utils.ops (the same arithmetic as the package's own);
    # box_iou only serves merge-NMS (off)
    namespace = {"torch": torch, "torchvision": torchvision, "np": np, "time": time, "xywh2xyxy": ops.xywh2xyxy,
                 "clip_boxes": ops.clip_boxes, "box_iou": torchvision.ops.box_iou,
                 "LOGGER": __import__("logging").getLogger("yolov5")}
    exec("\n\n".join(chunks), namespace)  # noqa: S102 - the peer's own code
    return namespace, origin


def yolov5_output(seed, input_size, num_classes, rows):
    """A YOLOv5-like raw output [1, rows, 5 + C]: xywh in network pixels, objectness, per-class probabilities.
    Objects are clusters of jittered candidates (one main class, sometimes a confusable second one); the rest are
    background rows with small objectness. Rows are shuffled."""
    rng = np.random.default_rng([5, seed])
    w_in, h_in = input_size
    out = []
    for _ in range(14):
        cx, cy = rng.uniform(0, w_in), rng.uniform(0, h_in)
        w, h = np.exp(rng.uniform(np.log(12), np.log(170), 2))
        main = rng.integers(num_classes)
        second = rng.integers(num_classes) if rng.random() < 0.4 else None
        quality = rng.uniform(0.35, 0.97)
        for _ in range(rng.integers(6, 28)):
            row = np.zeros(5 + num_classes)
            row[0] = cx + rng.normal(0, 0.08 * w)
            row[1] = cy + rng.normal(0, 0.08 * h)
            row[2] = w * np.exp(rng.normal(0, 0.12))
            row[3] = h * np.exp(rng.normal(0, 0.12))
            row[4] = quality * rng.uniform(0.3, 1.0)
            row[5:] = rng.uniform(0, 0.08, num_classes)
            row[5 + main] = rng.uniform(0.5, 0.99)
            if second is not None:
                row[5 + second] = max(row[5 + second], rng.uniform(0.2, 0.6))
            out.append(row)
    while len(out) < rows:
        row = np.zeros(5 + num_classes)
        row[0], row[1] = rng.uniform(-10, w_in + 10), rng.uniform(-10, h_in + 10)
        row[2:4] = np.exp(rng.uniform(np.log(4), np.log(250), 2))
        row[4] = rng.beta(0.6, 12)
        row[5:] = rng.uniform(0, 0.3, num_classes) ** 2
        out.append(row)
    out = np.asarray(out[:rows], dtype=np.float32)
    return out[rng.permutation(len(out))][None]


YOLOV5_CASES = [
    # case, seed, input (W, H), image (W, H), params
    ("default", 0, (320, 320), (500, 375),
     {"conf": 0.25, "iou": 0.45, "max_det": 300, "agnostic": False, "multi_label": False, "classes": None}),
    ("fractional-pad-agnostic-classes", 1, (320, 320), (333, 500),
     {"conf": 0.1, "iou": 0.5, "max_det": 6, "agnostic": True, "multi_label": False, "classes": [0, 2, 3, 5, 7]}),
    ("multi-label", 2, (320, 256), (640, 480),
     {"conf": 0.15, "iou": 0.6, "max_det": 300, "agnostic": False, "multi_label": True, "classes": None}),
]


def yolov5_fixtures(out, checkout):
    v5, origin = yolov5_functions(checkout)
    documents = []
    for name, seed, (win, hin), (w0, h0), params in YOLOV5_CASES:
        output = yolov5_output(seed, (win, hin), 8, 500)
        pred = torch.from_numpy(output.copy())
        det = v5["non_max_suppression"](pred, params["conf"], params["iou"], classes=params["classes"],
                                        agnostic=params["agnostic"], multi_label=params["multi_label"],
                                        max_det=params["max_det"])[0]
        network = det.clone()
        det[:, :4] = v5["scale_boxes"]((hin, win), det[:, :4], (h0, w0))

        # The mapping back in numpy float32: (v - float32(pad)) / float32(gain), pad not rounded.
        gain = min(hin / h0, win / w0)
        pad = (win - w0 * gain) / 2, (hin - h0 * gain) / 2
        b = network[:, :4].numpy().copy()
        b[:, 0::2] = np.clip((b[:, 0::2] - np.float32(pad[0])) / np.float32(gain), 0, w0)
        b[:, 1::2] = np.clip((b[:, 1::2] - np.float32(pad[1])) / np.float32(gain), 0, h0)
        assert np.array_equal(b, det[:, :4].numpy()), "yolov5 scale_boxes is not (v - pad) / float32(gain)"

        x = output[0]
        obj_pass = x[:, 4] > np.float32(params["conf"])
        conf = x[obj_pass, 5:] * x[obj_pass, 4:5]
        boxes = v5["xywh2xyxy"](torch.from_numpy(x[obj_pass, :4].copy())).numpy()
        if params["multi_label"]:
            i, j = np.nonzero(conf > np.float32(params["conf"]))
            cand_scores, cand_boxes, cand_labels = conf[i, j], boxes[i], j
        else:
            keep = conf.max(1) > np.float32(params["conf"])
            cand_scores, cand_boxes, cand_labels = conf.max(1)[keep], boxes[keep], conf.argmax(1)[keep]
        if params["classes"] is not None:
            keep = np.isin(cand_labels, params["classes"])
            cand_scores, cand_boxes, cand_labels = cand_scores[keep], cand_boxes[keep], cand_labels[keep]
        checks = {"objectness_margin": score_margin(x[:, 4], params["conf"]),
                  "score_margin": score_margin(conf, params["conf"]),
                  "score_gap": gap_margin(cand_scores),
                  "iou_margin": iou_margin(cand_boxes, np.zeros_like(cand_labels) if params["agnostic"] else cand_labels,
                                           params["iou"])}
        assert checks["score_gap"] > 0, "tied candidate scores: the NMS order would be the sort's"

        d = case_dir(out, "yolov5", name)
        save_npy(d / "output.npy", output)
        document = {
            "generator": GENERATOR,
            "peer": f"YOLOv5 non_max_suppression + scale_boxes ({origin}; {version('torch')}, {version('torchvision')})",
            "format": "yolov5",
            "input_size": [win, hin],
            "image_size": [w0, h0],
            "params": {**params, "max_nms": 30000, "max_wh": 7680, "num_classes": 8,
                       "scale_boxes": {"gain": gain, "pad": list(pad)}},
            "detections": detections(det[:, :4], det[:, 4], det[:, 5]),
            "network_detections": detections(network[:, :4], network[:, 4], network[:, 5]),
            "checks": checks,
        }
        write_expected(d / "expected.json", document)
        documents.append(document)
        print(f"yolov5/{name}: {len(document['detections'])} detections, checks {checks}")
    return documents


# ----------------------------------------------------------------------------------------------------------------
# DETR, RT-DETR (transformers)


class Outputs:
    """The two fields post_process_object_detection reads."""

    def __init__(self, logits, pred_boxes):
        self.logits, self.pred_boxes = torch.from_numpy(logits.copy()), torch.from_numpy(pred_boxes.copy())


def detr_like(seed, queries, classes, objects, background_column):
    """Synthetic logits [1, Q, C (+ 1)] and sigmoid'd pred_boxes [1, Q, 4] (cx, cy, w, h relative to the image):
    `objects` queries hold one confident class (some a second one), the rest favour no-object (DETR) or have low
    logits everywhere (RT-DETR). A few boxes run past the image edge."""
    rng = np.random.default_rng([7, seed])
    logits = rng.normal(-1.0 if background_column else -4.5, 1.2, (queries, classes))
    hits = rng.choice(queries, objects, replace=False)
    for q in hits:
        logits[q, rng.integers(classes)] += rng.uniform(2.0, 8.0)
        if rng.random() < 0.3:
            logits[q, rng.integers(classes)] += rng.uniform(1.0, 4.0)
    if background_column:
        noobj = rng.normal(3.0, 1.5, (queries, 1))
        noobj[hits] = rng.normal(-1.0, 1.5, (objects, 1))
        logits = np.concatenate([logits, noobj], axis=1)
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    boxes = np.stack([sig(rng.normal(0, 1.3, queries)), sig(rng.normal(0, 1.3, queries)),
                      sig(rng.normal(-1.6, 0.9, queries)), sig(rng.normal(-1.6, 0.9, queries))], axis=1)
    return logits.astype(np.float32)[None], boxes.astype(np.float32)[None]


DETR_CASES = [("default", 0, (640, 480), 0.5), ("low-threshold", 1, (333, 500), 0.05)]
RTDETR_CASES = [("default", 0, (640, 480), 0.5), ("top-k-bound", 1, (500, 333), 0.005)]


def assert_detr_boxes(pred_boxes, result, classes, size, passed):
    """The boxes are exactly (cx -+ 0.5 * w) * float32(W) in float32. DETR: one row per query whose best class
    passes, in query order (`passed`: the query mask). RT-DETR (`passed` None): the top-k over the flattened
    query x class scores, the flat index being query * C + class."""
    cx, cy, w, h = (pred_boxes[0][:, k] for k in range(4))
    half = np.float32(0.5)
    width, height = np.float32(size[0]), np.float32(size[1])
    boxes = np.stack([(cx - half * w) * width, (cy - half * h) * height, (cx + half * w) * width,
                      (cy + half * h) * height], axis=1)
    if passed is not None:
        assert np.array_equal(boxes[passed], result["boxes"].numpy())
    else:
        kept = len(result["scores"])
        flat = torch.topk(result["flat_scores"], len(boxes)).indices.numpy()[:kept]
        assert np.array_equal(boxes[flat // classes], result["boxes"].numpy())
        assert np.array_equal(flat % classes, result["labels"].numpy())


def processed_size(processor, w, h):
    pixels = processor(images=np.zeros((h, w, 3), dtype=np.uint8), return_tensors="pt")["pixel_values"]
    return [int(pixels.shape[-1]), int(pixels.shape[-2])]


def detr_fixtures(out):
    from transformers import DetrImageProcessor, RTDetrImageProcessor

    documents = []
    detr = DetrImageProcessor()
    for name, seed, (w, h), threshold in DETR_CASES:
        logits, boxes = detr_like(seed, 25, 10, 9, background_column=True)
        result = detr.post_process_object_detection(Outputs(logits, boxes), threshold=threshold,
                                                    target_sizes=[(h, w)])[0]
        prob = torch.softmax(torch.from_numpy(logits), -1)[..., :-1].max(-1).values.numpy()
        assert_detr_boxes(boxes, result, 10, (w, h), prob[0] > np.float32(threshold))
        checks = {"score_margin": score_margin(prob, threshold)}
        assert checks["score_margin"] > MIN_MARGIN
        d = case_dir(out, "detr", name)
        save_file({"logits": logits, "pred_boxes": boxes}, str(d / "outputs.safetensors"))
        document = {
            "generator": GENERATOR,
            "peer": f"{version('transformers')} DetrImageProcessor.post_process_object_detection ({version('torch')})",
            "format": "detr",
            "input_size": processed_size(detr, w, h),
            "image_size": [w, h],
            "params": {"threshold": threshold, "target_sizes": [[h, w]], "num_queries": 25, "num_classes": 10},
            "detections": detections(result["boxes"], result["scores"], result["labels"]),
            "checks": checks,
        }
        write_expected(d / "expected.json", document)
        documents.append(document)
        print(f"detr/{name}: {len(document['detections'])} detections, checks {checks}")

    rtdetr = RTDetrImageProcessor()
    for name, seed, (w, h), threshold in RTDETR_CASES:
        queries, classes = 30, 12
        logits, boxes = detr_like(seed + 10, queries, classes, 12, background_column=False)
        result = rtdetr.post_process_object_detection(Outputs(logits, boxes), threshold=threshold,
                                                      target_sizes=[(h, w)], use_focal_loss=True)[0]
        assert_detr_boxes(boxes, {**result, "flat_scores": torch.sigmoid(torch.from_numpy(logits)).flatten()}, classes,
                          (w, h), None)
        scores = np.sort(torch.sigmoid(torch.from_numpy(logits)).numpy().ravel())[::-1]
        checks = {"score_margin": score_margin(scores[:queries], threshold),
                  "score_gap": gap_margin(scores[: queries + 1]),
                  "top_k_bound": bool(scores[queries - 1] > np.float32(threshold))}
        assert checks["score_margin"] > MIN_MARGIN and checks["score_gap"] > MIN_MARGIN
        d = case_dir(out, "rtdetr", name)
        save_file({"logits": logits, "pred_boxes": boxes}, str(d / "outputs.safetensors"))
        document = {
            "generator": GENERATOR,
            "peer": f"{version('transformers')} RTDetrImageProcessor.post_process_object_detection ({version('torch')})",
            "format": "rtdetr",
            "input_size": processed_size(rtdetr, w, h),
            "image_size": [w, h],
            "params": {"threshold": threshold, "target_sizes": [[h, w]], "use_focal_loss": True,
                       "num_top_queries": queries, "num_queries": queries, "num_classes": classes},
            "detections": detections(result["boxes"], result["scores"], result["labels"]),
            "checks": checks,
        }
        write_expected(d / "expected.json", document)
        documents.append(document)
        print(f"rtdetr/{name}: {len(document['detections'])} detections, checks {checks}")
    return documents


# ----------------------------------------------------------------------------------------------------------------
# RetinaNet, SSD (torchvision)


def torchvision_run(model, image):
    """RetinaNet.forward / SSD.forward in eval mode, step by step; returns what postprocess_detections receives, what
    it hands to batched_nms, and what it and transform.postprocess return."""
    original_sizes = [tuple(image.shape[-2:])]
    calls = []
    batched_nms = torchvision.ops.boxes.batched_nms

    def capture(boxes, scores, idxs, iou_threshold):
        calls.append((boxes.clone(), scores.clone(), idxs.clone(), iou_threshold))
        return batched_nms(boxes, scores, idxs, iou_threshold)

    with torch.no_grad():
        images, _ = model.transform([image])
        features = model.backbone(images.tensors)
        if isinstance(features, torch.Tensor):
            features = {"0": features}
        features = list(features.values())
        head = model.head(features)
        anchors = model.anchor_generator(images, features)
        torchvision.ops.boxes.batched_nms = capture
        try:
            if isinstance(model, torchvision.models.detection.RetinaNet):
                per_level = [x.size(2) * x.size(3) for x in features]
                a = head["cls_logits"].size(1) // sum(per_level)
                per_level = [hw * a for hw in per_level]
                split = {k: list(v.split(per_level, dim=1)) for k, v in head.items()}
                split_anchors = [list(x.split(per_level)) for x in anchors]
                network = model.postprocess_detections(split, split_anchors, images.image_sizes)
            else:
                per_level = None
                network = model.postprocess_detections(head, anchors, images.image_sizes)
        finally:
            torchvision.ops.boxes.batched_nms = batched_nms
        network_copy = [{k: v.clone() for k, v in r.items()} for r in network]
        final = model.transform.postprocess(network, images.image_sizes, original_sizes)
        direct = model([image])
    for k in ("boxes", "scores", "labels"):
        assert torch.equal(final[0][k], direct[0][k]), f"step by step differs from forward in {k}"
    assert len(calls) == 1
    return {"head": head, "anchors": anchors[0], "per_level": per_level, "image_size": images.image_sizes[0],
            "tensor_size": tuple(images.tensors.shape[-2:]), "network": network_copy[0], "final": final[0],
            "nms_input": calls[0], "original_size": original_sizes[0]}


def tv_image(name, size):
    bgr = sample(name, size)
    return torch.from_numpy(bgr[..., ::-1].copy()).permute(2, 0, 1).float() / 255


TV_CALIBRATION = ["000030.png", "000031.png", "000033.png", "000034.png"]


def last_convs(module_list):
    return [[m for m in branch.modules() if isinstance(m, torch.nn.Conv2d)][-1] for branch in module_list]


def prepare_torchvision(model, cls_convs, reg_convs, cls_std, reg_std, cls_bias):
    """Random weights give near-constant outputs: take the BatchNorm statistics from four sample scenes, then scale
    the final classification and regression convolutions so that their outputs (less bias) have the given standard
    deviation, and set the classification bias to cls_bias(column count)."""
    batch = [tv_image(n, (160, 120)) for n in TV_CALIBRATION]
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average over the calibration batch
    for c in cls_convs + reg_convs:
        c.bias.data.zero_()
    model.eval()
    with torch.no_grad():
        images, _ = model.transform(batch)
        for m in bns:
            m.train()
        model.backbone(images.tensors)
        for m in bns:
            m.eval()
        head = model.head(list(model.backbone(images.tensors).values()))
    for convs, key, std in ((cls_convs, "cls_logits", cls_std), (reg_convs, "bbox_regression", reg_std)):
        factor = std / float(head[key].std())
        for c in convs:
            c.weight.data *= factor
    for c in cls_convs:
        c.bias.data = cls_bias(c.bias.numel())
    return model


def torchvision_checks(model, run, score_fn):
    """Margins of the decisions that recomputed scores and boxes (sigmoid or softmax, exp) could flip: every score
    against score_thresh; per score list that top-k cuts, the gap at the cut; among the candidates handed to
    batched_nms, the IoU of same-class pairs against nms_thresh and the score gap of every same-class pair above
    it (which of the two suppresses the other); the gaps between the kept scores (the output order)."""
    thresh, k = np.float32(model.score_thresh), model.topk_candidates
    score_lists = score_fn(run)
    checks = {"score_margin": min(score_margin(s, model.score_thresh) for s in score_lists)}
    cut = [1.0]
    for s in score_lists:
        s = np.sort(s[s > thresh])[::-1]
        if s.size > k:
            cut.append(float(s[k - 1] - s[k]))
    checks["top_k_gap"] = min(cut)
    boxes, scores, labels, nms_thresh = (t.numpy() if torch.is_tensor(t) else t for t in run["nms_input"])
    iou_gap, pair_gap = 1.0, 1.0
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        iou = iou_matrix(boxes[idx])
        iu = np.triu_indices(len(idx), 1)
        values = iou[iu]
        overlapping = values > 0
        if overlapping.any():
            iou_gap = min(iou_gap, float(np.min(np.abs(values[overlapping].astype(np.float64) - nms_thresh))))
        near = values > nms_thresh
        if near.any():
            sc = scores[idx]
            pair_gap = min(pair_gap, float(np.min(np.abs(sc[iu[0][near]] - sc[iu[1][near]]))))
    checks["iou_margin"] = iou_gap
    checks["suppression_score_gap"] = pair_gap
    checks["final_score_gap"] = gap_margin(run["network"]["scores"].numpy())
    checks["nms_candidates"] = int(len(scores))
    checks["batched_nms_path"] = "vanilla (per class)" if boxes.size > 4000 else "coordinate trick (class offset)"
    return checks


def numpy_recomputation(model, run, checks, softmax):
    """How far numpy float32 arithmetic (np.exp) lands from torch on every anchor's decoded box and score (the
    tolerance a decoder with another exp needs), and that the mapping back is exactly v * (float32(original) /
    float32(resized))."""
    head = run["head"]
    rel = head["bbox_regression"][0].numpy()
    anchors = run["anchors"].numpy()
    wx, wy, ww, wh = (np.float32(w) for w in model.box_coder.weights)
    clip = np.float32(model.box_coder.bbox_xform_clip)
    widths, heights = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    ctr_x, ctr_y = anchors[:, 0] + np.float32(0.5) * widths, anchors[:, 1] + np.float32(0.5) * heights
    dx, dy = rel[:, 0] / wx, rel[:, 1] / wy
    dw, dh = np.minimum(rel[:, 2] / ww, clip), np.minimum(rel[:, 3] / wh, clip)
    px, py = dx * widths + ctr_x, dy * heights + ctr_y
    pw, ph = np.exp(dw) * widths, np.exp(dh) * heights
    boxes = np.stack([px - np.float32(0.5) * pw, py - np.float32(0.5) * ph,
                      px + np.float32(0.5) * pw, py + np.float32(0.5) * ph], axis=1)
    with torch.no_grad():
        reference = model.box_coder.decode_single(head["bbox_regression"][0], run["anchors"]).numpy()
    assert boxes.dtype == np.float32
    checks["numpy_decode_max_abs_diff"] = float(np.max(np.abs(boxes - reference)))
    checks["clamped_dw_dh"] = int(np.count_nonzero(rel[:, 2] / ww > clip) + np.count_nonzero(rel[:, 3] / wh > clip))
    logits = head["cls_logits"][0].numpy()
    if softmax:
        e = np.exp(logits - logits.max(-1, keepdims=True))
        scores, reference = e / e.sum(-1, keepdims=True), torch.softmax(head["cls_logits"][0], -1).numpy()
    else:
        scores, reference = np.float32(1) / (np.float32(1) + np.exp(-logits)), torch.sigmoid(head["cls_logits"][0]).numpy()
    checks["numpy_score_max_abs_diff"] = float(np.max(np.abs(scores - reference)))
    (h, w), (h0, w0) = run["image_size"], run["original_size"]
    net = run["network"]["boxes"].numpy()
    mapped = net * np.array([np.float32(w0) / np.float32(w), np.float32(h0) / np.float32(h)] * 2, dtype=np.float32)
    assert np.array_equal(mapped, run["final"]["boxes"].numpy()), "transform.postprocess is not v * (o / r)"
    return checks


def assert_margins(checks):
    for key, least in (("score_margin", 1e-6), ("top_k_gap", 1e-6), ("iou_margin", 1e-5),
                       ("suppression_score_gap", 1e-6), ("final_score_gap", 1e-6)):
        assert checks[key] > least, f"{key} {checks[key]} too small: a one-ulp difference could change the result"


def torchvision_document(fmt, model, run, image, params, checks):
    h0, w0 = image.shape[-2:]
    hin, win = run["image_size"]
    th, tw = run["tensor_size"]
    head = run["head"]
    tensors = {"cls_logits": head["cls_logits"].numpy().astype(np.float32),
               "bbox_regression": head["bbox_regression"].numpy().astype(np.float32),
               "anchors": run["anchors"].numpy().astype(np.float32)}
    if run["per_level"] is not None:
        tensors["num_anchors_per_level"] = np.asarray(run["per_level"], dtype=np.float32)
    coder = model.box_coder
    net, final = run["network"], run["final"]
    return tensors, {
        "generator": GENERATOR,
        "peer": (f"{version('torchvision')} {type(model).__name__}.postprocess_detections + "
                 f"GeneralizedRCNNTransform.postprocess ({version('torch')})"),
        "format": fmt,
        "input_size": [win, hin],
        "image_size": [w0, h0],
        "padded_input_size": [tw, th],
        "num_anchors_per_level": run["per_level"],
        "params": {**params, "score_thresh": model.score_thresh, "nms_thresh": model.nms_thresh,
                   "detections_per_img": model.detections_per_img, "topk_candidates": model.topk_candidates,
                   "box_coder_weights": list(coder.weights), "bbox_xform_clip": coder.bbox_xform_clip,
                   "num_classes": int(head["cls_logits"].shape[-1])},
        "detections": detections(final["boxes"], final["scores"], final["labels"]),
        "network_detections": detections(net["boxes"], net["scores"], net["labels"]),
        "checks": checks,
    }


RETINANET_CASES = [
    # case, seed, sample, image (W, H), min_size, max_size, overrides
    ("default", 100, "000021.png", (160, 120), 96, 128, {}),
    ("topk-unpadded", 101, "000022.png", (150, 110), 96, 128,
     {"score_thresh": 0.1, "topk_candidates": 40, "nms_thresh": 0.4, "detections_per_img": 25}),
]
SSD_CASES = [
    # case, seed, builder, sample, image (W, H), classification output std, overrides
    ("ssd300-vgg16", 200, "ssd300_vgg16", "000024.png", (200, 150), 2.0, {}),
    ("ssdlite320-mobilenet-v3", 201, "ssdlite320_mobilenet_v3_large", "000003.png", (180, 240), 1.2,
     {"score_thresh": 0.2, "topk_candidates": 50, "nms_thresh": 0.5, "detections_per_img": 60}),
]


def retinanet_fixtures(out):
    from torchvision.models.detection import retinanet_resnet50_fpn

    def scores(run):
        s = torch.sigmoid(run["head"]["cls_logits"][0]).numpy()
        return [part.ravel() for part in np.split(s, np.cumsum(run["per_level"])[:-1])]

    documents = []
    for name, seed, sample_name, size, min_size, max_size, overrides in RETINANET_CASES:
        torch.manual_seed(seed)
        model = retinanet_resnet50_fpn(weights=None, weights_backbone=None, num_classes=5, min_size=min_size,
                                       max_size=max_size)
        g = torch.Generator().manual_seed(seed)
        prepare_torchvision(model, [model.head.classification_head.cls_logits],
                            [model.head.regression_head.bbox_reg], 1.5, 0.25,
                            lambda n: torch.empty(n).uniform_(-9.0, -7.0, generator=g))
        for key, value in overrides.items():
            setattr(model, key, value)
        image = tv_image(sample_name, size)
        run = torchvision_run(model, image)
        checks = numpy_recomputation(model, run, torchvision_checks(model, run, scores), softmax=False)
        tensors, document = torchvision_document("retinanet", model, run, image,
                                                 {"min_size": min_size, "max_size": max_size}, checks)
        print(f"retinanet/{name}: {len(document['detections'])} detections, anchors {tensors['anchors'].shape}, "
              f"checks {checks}")
        assert_margins(checks)
        d = case_dir(out, "retinanet", name)
        save_file(tensors, str(d / "outputs.safetensors"))
        write_expected(d / "expected.json", document)
        documents.append(document)
    return documents


def ssd_fixtures(out):
    from torchvision.models import detection

    def scores(run):
        s = torch.softmax(run["head"]["cls_logits"][0], -1).numpy()
        return [s[:, c] for c in range(1, s.shape[1])]

    documents = []
    for name, seed, builder, sample_name, size, cls_std, overrides in SSD_CASES:
        torch.manual_seed(seed)
        model = getattr(detection, builder)(weights=None, weights_backbone=None, num_classes=4)
        g = torch.Generator().manual_seed(seed)

        def background_first(n):  # per anchor: the background column favoured
            b = torch.empty(n).uniform_(-1.0, 0.5, generator=g).view(-1, 4)
            b[:, 0] += 2.0
            return b.view(-1)

        prepare_torchvision(model, last_convs(model.head.classification_head.module_list),
                            last_convs(model.head.regression_head.module_list), cls_std, 1.0, background_first)
        for key, value in overrides.items():
            setattr(model, key, value)
        image = tv_image(sample_name, size)
        run = torchvision_run(model, image)
        checks = numpy_recomputation(model, run, torchvision_checks(model, run, scores), softmax=True)
        tensors, document = torchvision_document("ssd", model, run, image, {"builder": builder}, checks)
        print(f"ssd/{name}: {len(document['detections'])} detections, anchors {tensors['anchors'].shape}, "
              f"checks {checks}")
        assert_margins(checks)
        d = case_dir(out, "ssd", name)
        save_file(tensors, str(d / "outputs.safetensors"))
        write_expected(d / "expected.json", document)
        documents.append(document)
    return documents


# ----------------------------------------------------------------------------------------------------------------


def coco80(out):
    from ultralytics.data.converter import coco80_to_coco91_class

    ids = [int(i) for i in coco80_to_coco91_class()]
    assert len(ids) == 80
    document = {"generator": GENERATOR, "peer": f"{version('ultralytics')} ultralytics.data.converter.coco80_to_coco91_class",
                "coco91": ids}
    (out / "coco80.json").write_text(json.dumps(document, separators=(",", ":")) + "\n")


FORMATS = ("yolov8", "yolo-end2end", "yolov8-obb", "yolov5", "detr", "retinanet", "ssd", "coco80")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the Swift package's Tests directory")
    parser.add_argument("--yolov5", type=Path, help="a checkout of ultralytics/yolov5 (default: the yolov5 package)")
    parser.add_argument("--only", default=",".join(FORMATS), help=f"comma-separated subset of {','.join(FORMATS)}")
    a = parser.parse_args()
    torch.set_num_threads(1)
    out = a.out / "DecodingTests/Fixtures"
    out.mkdir(parents=True, exist_ok=True)
    only = set(a.only.split(","))
    if "yolov8" in only:
        yolo_fixtures(out, "yolov8", "yolov8n.yaml", YOLOV8_CASES, 8, end2end=False)
    if "yolo-end2end" in only:
        yolo_fixtures(out, "yolo-end2end", "yolov10n.yaml", END2END_CASES, 10, end2end=True)
    if "yolov8-obb" in only:
        obb_fixtures(out)
    if "yolov5" in only:
        yolov5_fixtures(out, a.yolov5)
    if "detr" in only:
        detr_fixtures(out)
    if "retinanet" in only:
        retinanet_fixtures(out)
    if "ssd" in only:
        ssd_fixtures(out)
    if "coco80" in only:
        coco80(out)
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"fixtures {total / 1024:.1f} KiB under {out}")
    shutil.rmtree(_SETTINGS, ignore_errors=True)


if __name__ == "__main__":
    main()
