"""Synthetic detection scenes for DetectKit's bundled detector: coloured shapes on textured backgrounds, with COCO
ground truth. Deterministic (numpy + Pillow only): the same seed and index give byte-identical images and JSON.

    python training/synth.py --seed 1000 --count 500 --out training/data/val       # held-out validation
    python training/synth.py --seed 2000 --count 40  --out training/data/samples   # held-out samples
    python training/synth.py --seed 3000 --count 300 --out /tmp/heldout            # held-out test (README)
    python training/synth.py --seed 3200 --count 300 --out /tmp/heldout-3200       # second held-out test
    python training/synth.py --seed 3000 --count 300 --crowded-only --out /tmp/heldout-crowded   # its crowded share
    python training/synth.py --seed 3100 --count 20 --size 2000 --small --out /tmp/heldout-large  # held-out large
    python training/synth.py --seed 3000 --count 300 --rotated --out /tmp/heldout-rotated   # held-out, rotated boxes

Seed ranges (never mix them): **train seed 1** (train.py renders scenes 0, 1, 2, ... of seed 1 on the fly, one
new scene per training sample), **val seed 1000**, **samples seed 2000**, **test seed 3000**, **second test seed
3200**, **large test seed 3100** (held-out large scenes of small objects, `--size 2000 --small`, for tiled /
slicing-aided inference). Scene
`i` of seed `S` is drawn from `numpy.random.default_rng([S, i])` alone, so any scene can be rebuilt without the
ones before it and `--workers` does not change the output.

Large scenes (tiled inference)
------------------------------
* `--size N`: the canvas is N x N px instead of the drawn 320..640 width and height. On its own it changes
  nothing else (normal and crowded scenes as below, 10..200 px objects, 30 at most).
* `--small` (meant with `--size`): many small objects: size log-uniform in 8..40 px (the same "longer side of the
  full, rotated extent", so visible boxes come out about 7..43 px: coverage >= 0.5, plus outlines), categories,
  rotation, colour, shading and outlines as below, placed uniformly (may run off the edge). The count is drawn
  uniformly from round(37.5 * A)..round(100 * A) with A the canvas area in megapixels (at least 1, at most 2500):
  150..400 objects on 2000 x 2000, the density of a normal 1..30-object scene on a ~0.23 Mpx canvas. No crowded
  clusters (`"crowded": false`; `--crowded-only` is refused). Image records get `"small": true`, and the
  annotation file's `info` records `size` / `small`. One 2000 x 2000 scene takes about 1 s to render plus about
  1 s to write as PNG on one core.
* Determinism: these scenes still draw the width, height and crowded flag first (then override them), so scenes
  without the flags use exactly the same draws as before; with the flags, everything after those first draws
  (background, objects) follows the new canvas and rules. Different flags give different scenes for the same seed
  and index, so keep to one flag set per seed range.

Scenes
------
* Image size: width and height drawn independently from 320..640 px.
* Background (one of three): a two- or three-stop linear gradient at a random angle; smooth multi-octave value
  noise between two colours; or a texture (stripes, checkerboard, or rings) over a gradient. A third of
  backgrounds get faint clutter (thin lines, small dots), and after the objects are painted, 70 % of scenes get
  Gaussian pixel noise (sigma 1..10) and a fifth a slight Gaussian blur (radius 0.4..1).
* Objects: 8 categories (CATEGORIES), size (the longer side of the full, rotated extent) log-uniform in
  10..200 px, random rotation, random colour (kept away from the local background colour) with a linear shading
  and sometimes an outline. Circles, squares and rings are regular; ellipses have aspect 0.3..0.65; triangles,
  crosses, stars and hexagons are stretched moderately. Shapes are drawn 4x supersampled, so edges are
  anti-aliased. Later objects paint over earlier ones.
* Normal scenes hold 1..30 objects placed uniformly (objects may run off the image edge). **Crowded** scenes
  (30 %, image field `"crowded": true`) hold 5..10 clusters of 2..5 objects of one category and similar size,
  each placed next to an earlier member of its cluster so that two equal boxes there would overlap at IoU
  0.35..0.8 (occlusion then trims the visible boxes, so most surviving pairs land at IoU 0.1..0.7: about 3.6
  same-category ground-truth pairs at 0.3..0.7 per crowded scene, where the choice of suppression matters),
  plus up to 4 loose objects; 30 objects at most.

Ground truth
------------
An object's pixels are those where its coverage is >= 0.5 (its fill or outline); after all objects are painted,
each pixel belongs to the last object that covered it. An object is kept in the ground truth only if at least
40 % of its full pixel count (counted before clipping to the image and before occlusion) stays visible. Its
`bbox` is the **tight box of its visible pixels**: [x, y, w, h] with x = leftmost visible column, w = rightmost
column + 1 - x (pixel-edge coordinates, integers), area = w * h, iscrowd = 0. Images are `images/000000.png`
...; every third image (index % 3 == 2) is a JPEG of quality 90 (`.jpg`), the rest PNG. Image records have id =
index + 1 (the scene index within its seed), file_name, width, height, crowded (and small: true with --small);
annotation ids start at 1 in image order; categories have ids 1..8 in CATEGORIES order.

Rotated ground truth (--rotated)
--------------------------------
The same scenes (the images are byte-identical to those without the flag); each annotation also carries `rbox`:
[cx, cy, w, h, angle], Ultralytics' xywhr (angle in radians, the width along (cos angle, sin angle), y down) in the
label convention of its ops.xyxyxyxy2xywhr (w >= h, angle in [-pi/4, 3pi/4)). The rbox is the shape's own
bounding rectangle in its rotated frame (the box of its aspect-stretched outline before the rotation) as rendered:
grown by the outline width, in pixel-edge coordinates like `bbox`, and not trimmed by occlusion or the image edge
(the objects kept are the same, by the visibility rule above). `bbox` is then the axis-aligned box enclosing the
rbox's corners and `area` the rbox's w * h (floats, rounded to 0.01 px, angles to 1e-5 rad). Circles and rings
have no preferred angle (a square rbox at the drawn rotation); squares repeat every quarter turn. The annotation
file's `info` records `rotated: true`.
"""
import argparse
import json
import math
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

CATEGORIES = ["circle", "ellipse", "square", "triangle", "star", "ring", "cross", "hexagon"]
MIN_VISIBLE = 0.4       # fraction of an object's pixels that must stay visible for it to be ground truth
SUPERSAMPLE = 4         # shapes are rasterised at 4x and box-averaged down (anti-aliased edges)
JPEG_EVERY = 3          # index % 3 == 2 -> JPEG
JPEG_QUALITY = 90
CROWDED_SHARE = 0.3
MAX_OBJECTS = 30        # objects painted per scene (ground truth keeps the visible ones)
SMALL_SIZE = (8, 40)    # --small: object size range (px, log-uniform)
SMALL_DENSITY = (37.5, 100.0)  # --small: objects per megapixel (150..400 on a 2000 x 2000 canvas)
SMALL_MAX_OBJECTS = 2500       # --small: cap on the objects painted per scene (reached above ~5000 x 5000)


# ----------------------------------------------------------------------------------------------------------------
# Shapes: each returns (outer contour, holes) in unit coordinates centred on 0 before aspect, rotation and scale.
def _regular(n, phase=0.0, radius=1.0):
    a = phase + 2 * math.pi * np.arange(n) / n
    return np.stack([radius * np.cos(a), radius * np.sin(a)], axis=1)


def _star(rng):
    points = 5
    inner = rng.uniform(0.38, 0.55)
    a = -math.pi / 2 + math.pi * np.arange(2 * points) / points
    r = np.where(np.arange(2 * points) % 2 == 0, 1.0, inner)
    return np.stack([r * np.cos(a), r * np.sin(a)], axis=1)


def _cross(rng):
    t = rng.uniform(0.22, 0.4)  # half thickness of an arm, arms reach 1
    return np.array([[-t, -1], [t, -1], [t, -t], [1, -t], [1, t], [t, t], [t, 1], [-t, 1], [-t, t], [-1, t],
                     [-1, -t], [-t, -t]], dtype=np.float64)


def shape_geometry(category, rng):
    """(contours, aspect range) for a category: contours = [outer, *holes] in unit coordinates."""
    if category == "circle":
        return [_regular(96)], (1.0, 1.0)
    if category == "ellipse":
        return [_regular(96)], (0.3, 0.65)
    if category == "square":
        return [_regular(4, math.pi / 4)], (1.0, 1.0)
    if category == "triangle":
        return [_regular(3, -math.pi / 2)], (0.6, 1.5)
    if category == "star":
        return [_star(rng)], (0.8, 1.25)
    if category == "ring":
        return [_regular(96), _regular(96, radius=rng.uniform(0.45, 0.72))], (1.0, 1.0)
    if category == "cross":
        return [_cross(rng)], (0.7, 1.4)
    if category == "hexagon":
        return [_regular(6)], (0.85, 1.15)
    raise ValueError(category)


def place_shape(category, size, cx, cy, rng):
    """Contours in image coordinates: aspect stretch (x), rotation, scaled so the rotated extent's long side is
    `size`, centred on (cx, cy)."""
    return placed_shape(category, size, cx, cy, rng)[0]


def placed_shape(category, size, cx, cy, rng):
    """place_shape's contours, and the shape's own bounding rectangle (cx, cy, w, h, theta) in the same contour
    coordinates: the box of the stretched outer contour before the rotation by theta (drawn in 0..2 pi), its
    width along (cos theta, sin theta) in the image (y down)."""
    contours, (lo, hi) = shape_geometry(category, rng)
    aspect = rng.uniform(lo, hi) if hi > lo else lo
    if category == "ellipse" and rng.random() < 0.5:
        aspect = 1 / aspect
    theta = rng.uniform(0, 2 * math.pi)
    c, s = math.cos(theta), math.sin(theta)
    rot = np.array([[c, -s], [s, c]])
    stretched = [p * np.array([aspect, 1.0]) for p in contours]
    out = [p @ rot.T for p in stretched]
    extent = out[0].max(axis=0) - out[0].min(axis=0)
    scale = size / extent.max()
    centre = (out[0].max(axis=0) + out[0].min(axis=0)) / 2
    low, high = stretched[0].min(axis=0), stretched[0].max(axis=0)
    rx, ry = (((low + high) / 2) @ rot.T - centre) * scale + np.array([cx, cy])
    w, h = (high - low) * scale
    return [(p - centre) * scale + np.array([cx, cy]) for p in out], (rx, ry, w, h, theta)


# ----------------------------------------------------------------------------------------------------------------
# Backgrounds (float32 H x W x 3 in 0..255).
def _colour(rng, lo=0, hi=256):
    return rng.integers(lo, hi, 3).astype(np.float32)


def _smooth_noise(rng, w, h, cells):
    grid = rng.random((max(2, h // cells + 2), max(2, w // cells + 2))).astype(np.float32)
    img = Image.fromarray(grid, mode="F").resize((w, h), Image.Resampling.BICUBIC)
    return np.asarray(img, dtype=np.float32)


def background(rng, w, h):
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    kind = rng.integers(0, 3)
    theta = rng.uniform(0, 2 * math.pi)
    t = x * math.cos(theta) + y * math.sin(theta)
    t = (t - t.min()) / max(1e-6, float(t.max() - t.min()))
    c0, c1 = _colour(rng), _colour(rng)
    if kind == 0:  # gradient, two or three stops
        if rng.random() < 0.5:
            img = c0 + (c1 - c0) * t[..., None]
        else:
            cm = _colour(rng)
            lo = np.clip(t * 2, 0, 1)[..., None]
            hi = np.clip(t * 2 - 1, 0, 1)[..., None]
            img = np.where(t[..., None] < 0.5, c0 + (cm - c0) * lo, cm + (c1 - cm) * hi)
    elif kind == 1:  # multi-octave value noise
        n = np.zeros((h, w), np.float32)
        total = 0.0
        for octave, cells in enumerate((96, 48, 24, 12, 6)):
            amp = 0.55 ** octave
            n += amp * _smooth_noise(rng, w, h, cells)
            total += amp
        n = np.clip(n / total, 0, 1)
        n = (n - n.min()) / max(1e-6, float(n.max() - n.min()))
        img = c0 + (c1 - c0) * n[..., None]
    else:  # texture over a gradient
        base = c0 + (_colour(rng, 0, 256) - c0) * t[..., None] * rng.uniform(0.2, 0.8)
        period = rng.uniform(6, 40)
        phi = rng.uniform(0, 2 * math.pi)
        u = x * math.cos(phi) + y * math.sin(phi)
        v = -x * math.sin(phi) + y * math.cos(phi)
        pattern = rng.integers(0, 3)
        if pattern == 0:
            p = np.sin(2 * math.pi * u / period)
        elif pattern == 1:
            p = np.sign(np.sin(math.pi * u / period) * np.sin(math.pi * v / period))
        else:
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            p = np.sin(2 * math.pi * np.hypot(x - cx, y - cy) / period)
        amp = rng.uniform(8, 40)
        img = base + (amp * p)[..., None] * (rng.uniform(0.5, 1.0, 3).astype(np.float32))
    img = img.astype(np.float32)
    if rng.random() < 0.33:  # faint clutter: thin lines and dots that are not objects
        layer = Image.new("L", (w, h), 0)
        draw = ImageDraw.Draw(layer)
        for _ in range(int(rng.integers(5, 30))):
            if rng.random() < 0.6:
                x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
                a, length = rng.uniform(0, 2 * math.pi), rng.uniform(10, 120)
                draw.line([(x0, y0), (x0 + length * math.cos(a), y0 + length * math.sin(a))], fill=255,
                          width=int(rng.integers(1, 3)))
            else:
                x0, y0, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(1, 3)
                draw.ellipse([x0 - r, y0 - r, x0 + r, y0 + r], fill=255)
        a = np.asarray(layer, np.float32)[..., None] / 255 * rng.uniform(0.15, 0.4)
        img = img * (1 - a) + _colour(rng) * a
    return np.clip(img, 0, 255)


# ----------------------------------------------------------------------------------------------------------------
# Rendering one object.
def rasterise(contours, outline_px, w, h):
    """Coverage of the object in a local patch: (x0, y0, fill alpha, outline alpha or None, full pixel count).
    The patch is in image coordinates and may extend past the image."""
    pts = np.concatenate(contours)
    pad = 2 + outline_px
    x0 = int(math.floor(pts[:, 0].min())) - pad
    y0 = int(math.floor(pts[:, 1].min())) - pad
    x1 = int(math.ceil(pts[:, 0].max())) + pad
    y1 = int(math.ceil(pts[:, 1].max())) + pad
    pw, ph = x1 - x0, y1 - y0
    s = SUPERSAMPLE

    def canvas():
        return Image.new("L", (pw * s, ph * s), 0)

    def local(p):
        return [(float((px - x0) * s), float((py - y0) * s)) for px, py in p]

    fill = canvas()
    draw = ImageDraw.Draw(fill)
    draw.polygon(local(contours[0]), fill=255)
    for hole in contours[1:]:
        draw.polygon(local(hole), fill=0)
    fill_a = np.asarray(fill.reduce(s), np.float32) / 255
    outline_a = None
    if outline_px > 0:
        line = canvas()
        draw = ImageDraw.Draw(line)
        for c in contours:
            p = local(c)
            draw.line(p + [p[0]], fill=255, width=outline_px * s, joint="curve")
        outline_a = np.asarray(line.reduce(s), np.float32) / 255
    cover = fill_a if outline_a is None else np.maximum(fill_a, outline_a)
    return x0, y0, fill_a, outline_a, int((cover >= 0.5).sum())


def _contrasting_colour(rng, reference, avoid=(), min_dist=90.0):
    best, best_d = None, -1.0
    for _ in range(12):
        c = _colour(rng)
        d = float(np.linalg.norm(c - reference))
        for a in avoid:
            d = min(d, float(np.linalg.norm(c - a)))
        if d >= min_dist:
            return c
        if d > best_d:
            best, best_d = c, d
    return best


class Canvas:
    """The image being painted and its owner map (index of the last object covering each pixel, -1 = none)."""

    def __init__(self, img):
        self.img = img
        self.h, self.w = img.shape[:2]
        self.owner = np.full((self.h, self.w), -1, np.int32)
        self.objects = []  # (category, full pixel count, colour)
        self.rboxes = []  # per object: its rendered bounding rectangle (cx, cy, w, h, theta)

    def paint(self, rng, category, contours, rbox, avoid_colours=()):
        """Paints one object; its rectangle `rbox` (placed_shape's) is recorded grown by the outline width."""
        outline_px = int(rng.integers(1, 4)) if rng.random() < 0.3 else 0
        rx, ry, w, h, theta = rbox
        self.rboxes.append((rx, ry, w + outline_px, h + outline_px, theta))
        x0, y0, fill_a, outline_a, full = rasterise(contours, outline_px, self.w, self.h)
        ph, pw = fill_a.shape
        ix0, iy0, ix1, iy1 = max(0, x0), max(0, y0), min(self.w, x0 + pw), min(self.h, y0 + ph)
        index = len(self.objects)
        if ix1 <= ix0 or iy1 <= iy0 or full == 0:
            self.objects.append((category, max(full, 1), None))
            return index
        sy, sx = slice(iy0 - y0, iy1 - y0), slice(ix0 - x0, ix1 - x0)
        region = self.img[iy0:iy1, ix0:ix1]
        colour = _contrasting_colour(rng, region.reshape(-1, 3).mean(axis=0), avoid_colours)
        # Linear shading across the object.
        yy, xx = np.mgrid[iy0:iy1, ix0:ix1].astype(np.float32)
        phi = rng.uniform(0, 2 * math.pi)
        centre = np.concatenate(contours).mean(axis=0)
        extent = max(8.0, float(np.ptp(contours[0], axis=0).max()))
        ramp = ((xx - centre[0]) * math.cos(phi) + (yy - centre[1]) * math.sin(phi)) / extent
        shade = colour + (rng.uniform(-60, 60) * ramp)[..., None]
        a = fill_a[sy, sx][..., None]
        region[:] = region * (1 - a) + np.clip(shade, 0, 255) * a
        cover = fill_a[sy, sx]
        if outline_a is not None:
            o = outline_a[sy, sx][..., None]
            tone = colour * 0.45 if colour.mean() > 110 else np.minimum(colour + 110, 255)
            region[:] = region * (1 - o) + tone * o
            cover = np.maximum(cover, outline_a[sy, sx])
        self.owner[iy0:iy1, ix0:ix1][cover >= 0.5] = index
        self.objects.append((category, full, colour))
        return index

    def ground_truth(self):
        """[(category, [x, y, w, h], rendered rectangle)] of the objects with at least MIN_VISIBLE of their pixels
        visible."""
        n = len(self.objects)
        counts = np.bincount(self.owner.ravel() + 1, minlength=n + 1)[1:]
        out = []
        ys, xs = np.nonzero(self.owner >= 0)
        ids = self.owner[ys, xs]
        for i, (category, full, _) in enumerate(self.objects):
            if counts[i] == 0 or counts[i] < MIN_VISIBLE * full:
                continue
            sel = ids == i
            x0, x1 = int(xs[sel].min()), int(xs[sel].max()) + 1
            y0, y1 = int(ys[sel].min()), int(ys[sel].max()) + 1
            out.append((category, [x0, y0, x1 - x0, y1 - y0], self.rboxes[i]))
        return out


def _log_uniform(rng, lo, hi):
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def _neighbour_centre(rng, cx, cy, size_a, size_b):
    """Centre for a box of side ~size_b next to one of side size_a at (cx, cy), so that two equal boxes would
    overlap at an IoU drawn from 0.3..0.7: IoU = r / (2 - r) with r = (1 - fx)(1 - fy) the overlap fraction."""
    iou = rng.uniform(0.35, 0.8)
    r = 2 * iou / (1 + iou)
    fx = rng.uniform(0, 1 - r)
    fy = 1 - r / (1 - fx)
    if rng.random() < 0.5:
        fx, fy = fy, fx
    side = (size_a + size_b) / 2
    return (cx + math.copysign(fx * side, rng.random() - 0.5), cy + math.copysign(fy * side, rng.random() - 0.5))


def _draw_size_and_kind(rng):
    """The first draws of every scene: its width, height and whether it is crowded."""
    w, h = (int(v) for v in rng.integers(320, 641, 2))
    return w, h, bool(rng.random() < CROWDED_SHARE)


def is_crowded(seed, index, small=False):
    """Whether scene `index` of `seed` is a crowded one, without rendering it (--small scenes never are)."""
    return not small and _draw_size_and_kind(np.random.default_rng([seed, index]))[2]


def small_object_range(w, h):
    """--small: (lo, hi) of the number of objects painted on a w x h canvas (SMALL_DENSITY per megapixel,
    at least 1, at most SMALL_MAX_OBJECTS)."""
    mpx = w * h / 1e6
    lo = min(SMALL_MAX_OBJECTS, max(1, int(round(SMALL_DENSITY[0] * mpx))))
    hi = min(SMALL_MAX_OBJECTS, max(lo, int(round(SMALL_DENSITY[1] * mpx))))
    return lo, hi


def render_scene(seed, index, canvas_size=None, small=False):
    """One scene: (uint8 H x W x 3 image, crowded flag, [(category name, [x, y, w, h], rendered rectangle (cx,
    cy, w, h, theta))]). `canvas_size`: an N x N canvas instead of the drawn width and height; `small`: many small
    objects and no clusters (see --small). The width, height and crowded flag are always drawn first, so the
    default scenes' draws are untouched."""
    rng = np.random.default_rng([seed, index])
    w, h, crowded = _draw_size_and_kind(rng)
    if canvas_size is not None:
        w = h = int(canvas_size)
    if small:
        crowded = False
    canvas = Canvas(background(rng, w, h))
    if small:
        lo, hi = small_object_range(w, h)
        for _ in range(int(rng.integers(lo, hi + 1))):
            category = CATEGORIES[int(rng.integers(len(CATEGORIES)))]
            size = _log_uniform(rng, *SMALL_SIZE)
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            canvas.paint(rng, category, *placed_shape(category, size, cx, cy, rng))
    elif not crowded:
        for _ in range(int(rng.integers(1, MAX_OBJECTS + 1))):
            category = CATEGORIES[int(rng.integers(len(CATEGORIES)))]
            size = _log_uniform(rng, 10, 200)
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            canvas.paint(rng, category, *placed_shape(category, size, cx, cy, rng))
    else:
        loose = int(rng.integers(0, 5))
        clusters = int(rng.integers(5, 11))
        plan = ["loose"] * loose + ["cluster"] * clusters
        rng.shuffle(plan)
        for item in plan:
            if len(canvas.objects) >= MAX_OBJECTS:
                break
            category = CATEGORIES[int(rng.integers(len(CATEGORIES)))]
            if item == "loose":
                size = _log_uniform(rng, 10, 200)
                canvas.paint(rng, category, *placed_shape(category, size, rng.uniform(0, w), rng.uniform(0, h), rng))
                continue
            base = _log_uniform(rng, 20, 150)
            members = []  # (cx, cy, size, colour)
            for k in range(int(rng.integers(2, 6))):
                if len(canvas.objects) >= MAX_OBJECTS:
                    break
                size = base * rng.uniform(0.85, 1.15)
                if not members:
                    cx, cy = rng.uniform(0.1 * w, 0.9 * w), rng.uniform(0.1 * h, 0.9 * h)
                else:
                    ax, ay, asize, _ = members[int(rng.integers(len(members)))]
                    cx, cy = _neighbour_centre(rng, ax, ay, asize, size)
                i = canvas.paint(rng, category, *placed_shape(category, size, cx, cy, rng),
                                 avoid_colours=[m[3] for m in members if m[3] is not None])
                members.append((cx, cy, size, canvas.objects[i][2]))
    img = canvas.img
    gt = canvas.ground_truth()
    if rng.random() < 0.7:
        img = img + rng.normal(0, rng.uniform(1, 10), img.shape).astype(np.float32)
    img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    if rng.random() < 0.2:
        img = np.asarray(Image.fromarray(img).filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.0))))
    return img, crowded, gt


def wrapped_angle(theta):
    """theta (radians) modulo pi in [-pi/4, 3pi/4) (a rectangle's angle in the OBB head's range), rounded to
    1e-5."""
    theta = round((theta + math.pi / 4) % math.pi - math.pi / 4, 5)
    return round(theta + math.pi, 5) if theta < -math.pi / 4 else theta  # rounded below the range


def rotated_box(rect):
    """A rendered rectangle as ground truth: [cx, cy, w, h, theta] in Ultralytics' label convention
    (ops.xyxyxyxy2xywhr: w the longer side, theta in [-pi/4, 3pi/4) radians), rounded to 0.01 px and 1e-5 rad."""
    cx, cy, w, h, theta = (float(v) for v in rect)
    if w < h:
        w, h, theta = h, w, theta + math.pi / 2
    return [round(cx, 2), round(cy, 2), round(w, 2), round(h, 2), wrapped_angle(theta)]


def enclosing_box(rbox):
    """[x, y, w, h] of the axis-aligned box enclosing the corners of rbox [cx, cy, w, h, theta], rounded to 0.01 px."""
    cx, cy, w, h, theta = rbox
    c, s = abs(math.cos(theta)), abs(math.sin(theta))
    ex, ey = (w * c + h * s) / 2, (w * s + h * c) / 2
    return [round(cx - ex, 2), round(cy - ey, 2), round(2 * ex, 2), round(2 * ey, 2)]


def file_name(index):
    return f"{index:06d}.jpg" if index % JPEG_EVERY == JPEG_EVERY - 1 else f"{index:06d}.png"


def encode(img, name):
    """The image bytes as written to disk (PNG, or JPEG quality 90)."""
    import io
    buf = io.BytesIO()
    if name.endswith(".jpg"):
        Image.fromarray(img).save(buf, format="JPEG", quality=JPEG_QUALITY)
    else:
        Image.fromarray(img).save(buf, format="PNG", compress_level=6)
    return buf.getvalue()


def _write_one(args):
    seed, index, images_dir, size, small = args
    img, crowded, gt = render_scene(seed, index, size, small)
    name = file_name(index)
    (Path(images_dir) / name).write_bytes(encode(img, name))
    return index, name, img.shape[1], img.shape[0], crowded, gt


def categories_json():
    return [{"id": i + 1, "name": n, "supercategory": "shape"} for i, n in enumerate(CATEGORIES)]


def generate(seed, count, out, start=0, workers=1, crowded_only=False, size=None, small=False, rotated=False):
    """Writes scenes start..start+count-1 of `seed` (only the crowded ones among them with `crowded_only`);
    `size` and `small` as in render_scene; `rotated`: rotated ground truth (see --rotated)."""
    out = Path(out)
    images_dir = out / "images"
    images_dir.mkdir(parents=True, exist_ok=True)
    indices = [i for i in range(start, start + count) if not crowded_only or is_crowded(seed, i, small)]
    jobs = [(seed, i, str(images_dir), size, small) for i in indices]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_write_one, jobs, chunksize=4))
    else:
        results = [_write_one(j) for j in jobs]
    images, annotations = [], []
    for index, name, w, h, crowded, gt in results:
        image = {"id": index + 1, "file_name": name, "width": w, "height": h, "crowded": crowded}
        if small:
            image["small"] = True
        images.append(image)
        for category, box, rect in gt:
            annotation = {"id": len(annotations) + 1, "image_id": index + 1,
                          "category_id": CATEGORIES.index(category) + 1, "bbox": box, "area": box[2] * box[3],
                          "iscrowd": 0}
            if rotated:
                rbox = rotated_box(rect)
                annotation.update(bbox=enclosing_box(rbox), area=round(rbox[2] * rbox[3], 2), rbox=rbox)
            annotations.append(annotation)
    coco = {"info": {"description": "DetectKit synthetic shapes (training/synth.py)", "seed": seed,
                     "start": start, "count": count},
            "images": images, "annotations": annotations, "categories": categories_json()}
    if size is not None:
        coco["info"]["size"] = int(size)
    if small:
        coco["info"]["small"] = True
    if rotated:
        coco["info"]["rotated"] = True
    (out / "annotations.json").write_text(json.dumps(coco, indent=1) + "\n")
    return coco


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--start", type=int, default=0, help="first scene index (default 0)")
    ap.add_argument("--workers", type=int, default=1, help="processes (the output does not depend on it)")
    ap.add_argument("--crowded-only", action="store_true",
                    help="write only the crowded scenes among the --count scenes (the crowded share of that set)")
    ap.add_argument("--size", type=int, default=None,
                    help="N x N pixel canvas instead of the drawn 320..640 width and height")
    ap.add_argument("--small", action="store_true",
                    help="many small objects (8..40 px, 37.5..100 per megapixel), no clusters; meant with --size")
    ap.add_argument("--rotated", action="store_true",
                    help="rotated ground truth: each object's rbox [cx, cy, w, h, angle] (the same images)")
    a = ap.parse_args()
    if a.size is not None and a.size < 16:
        ap.error("--size must be at least 16")
    if a.small and a.crowded_only:
        ap.error("--small scenes have no clusters, so --crowded-only would write nothing")
    coco = generate(a.seed, a.count, a.out, a.start, a.workers, a.crowded_only, a.size, a.small, a.rotated)
    n = len(coco["annotations"])
    crowded = sum(im["crowded"] for im in coco["images"])
    print(f"{a.out}: {len(coco['images'])} images ({crowded} crowded), {n} objects")


if __name__ == "__main__":
    main()
