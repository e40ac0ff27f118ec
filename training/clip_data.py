"""Crop dataset for DetectKit's bundled CLIP model: detector-style box crops of synthetic scenes (training/synth.py's
backgrounds, shapes, shading, occlusion and noise) whose objects are painted in NAMED colours, with captions made
of colour, shape and size words. Deterministic (numpy + Pillow): the same seed and scene index give the same crops.

    python training/clip_data.py --split train --scenes 12000 --out training/data/clip/train   # seed 3
    python training/clip_data.py --split val --scenes 400 --out training/data/clip/val         # seed 3001

(clip_train.py runs both itself when its data are missing, so this command is only needed on its own to look at
the data.) Output: shards `shard_FIRST_COUNT.npz` of SHARD_SCENES scenes each (written atomically; an interrupted run
resumes at the first missing shard), each with `images` (N x 64 x 64 x 3 uint8, already CLIP-preprocessed up to
the mean/std normalisation), `colour`, `shape`, `size_class` (0 small, 1 medium, 2 large), `box` (visible tight
box x, y, w, h in the scene), `visible` (visible fraction), `scene` (scene index).

Seeds (never mix them): train **seed 3**, validation **seed 3001**, off-palette **seed 4**, any-colour **seed 5**
(the detector uses 1 / 1000 / 2000). Scene `i` of seed `S` is drawn from `numpy.random.default_rng([S, i, 77])`
alone.

Colours (COLOURS): 10 names, each a box in HSV (hue degrees, saturation, value); an object's base colour is drawn
uniformly from its name's box (up to 12 draws, keeping the first at RGB distance >= 60 from the mean colour under
the object, else the farthest), then shaded linearly across the object by up to +-20 levels (synth.py uses +-30:
less here so that shading does not cross into a neighbouring colour name), outlined sometimes (darker or lighter
tone of the same colour, as synth.py), and the scene gets synth.py's Gaussian noise / blur, and every third scene
a JPEG round trip at quality 90 (synth.py's file format mix).

Held-out combinations (HELD_OUT, 10 of the 80 colour-shape pairs: red hexagon, orange ring, yellow cross, green
triangle, blue star, purple circle, pink square, white ellipse, gray star, black hexagon; each colour once):
never painted in a training scene at all (neither as the cropped object nor as a neighbour). Validation scenes
draw half their objects from the held-out pairs and half from the seen ones, so both halves of the evaluation
have thousands of crops.

Off-palette scenes (`--split offpalette`, used by clip_train.py --off-palette-scenes): the same scenes with every
object in one of OFF_PALETTE's colours that no label names (lime, teal, brown, olive; check_off_palette asserts
that each keeps clear of every named colour), all 8 shapes; their crops carry colour index >= 10
(ALL_COLOUR_NAMES) and are captioned by shape alone, to show the image tower each shape in more colours.
Any-colour scenes (`--split anycolour`, clip_train.py --any-colour-scenes) go further: every object gets a colour
of its own, drawn uniformly in the HSV cube among the colours that apart() keeps clear of every named box (about
a third of the cube: saturation >= 0.21, value >= 0.29, and off every named hue range or its saturation / value
range by the margins), colour index ANY_COLOUR, again captioned by shape alone.

Scenes follow synth.render_scene: 320..640 px, 70 % normal (1..30 objects, size log-uniform 14..200 px) and
30 % crowded (clusters of 2..5 objects of one shape and similar size next to each other, distinct colours where
possible, plus up to 4 loose ones), later objects paint over earlier ones.

Crops (what DetectKit does with a detector's box): an object is cropped when at least MIN_VISIBLE = 60 % of its
pixels stay visible and its visible tight box is at least 6 px on the short side and 12 px on the long side.
The box is that tight box of visible pixels, each side moved outwards by a random -3 %..+15 % of the box's width
(left/right) or height (top/bottom), rounded, clipped to the image; the crop then goes through CLIP's
preprocessing exactly as transformers' CLIPImageProcessor does it: shorter side resized to IMAGE_SIZE with
Pillow's bicubic filter (longer side int(IMAGE_SIZE * long / short)), centre crop IMAGE_SIZE x IMAGE_SIZE at
((h - S) // 2, (w - S) // 2) (pixels kept as uint8 here; mean/std are applied by the trainer).

Size words: "small" when the longer side of the visible box is < 40 px, "large" when > 100 px, none in between.
A crop alone has lost the object's scale (only blur and pixel structure hint at it), so size words appear in some
training captions but are NOT part of the zero-shot targets (clip_train.py reports a small-vs-large accuracy as a
diagnostic only).
"""
import argparse
import colorsys
import io
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synth  # noqa: E402

IMAGE_SIZE = 64
SHAPES = list(synth.CATEGORIES)  # circle, ellipse, square, triangle, star, ring, cross, hexagon
# name: ((hue lo, hue hi) degrees, (saturation lo, hi), (value lo, hi)) in HSV
COLOURS = {
    "red": ((-8, 8), (0.70, 1.00), (0.60, 1.00)),
    "orange": ((22, 36), (0.75, 1.00), (0.85, 1.00)),
    "yellow": ((50, 62), (0.65, 1.00), (0.85, 1.00)),
    "green": ((95, 140), (0.55, 1.00), (0.40, 0.90)),
    "blue": ((208, 240), (0.60, 1.00), (0.55, 1.00)),
    "purple": ((268, 292), (0.50, 0.90), (0.45, 0.85)),
    "pink": ((315, 345), (0.30, 0.55), (0.90, 1.00)),
    "white": ((0, 360), (0.00, 0.06), (0.93, 1.00)),
    "gray": ((0, 360), (0.00, 0.06), (0.42, 0.62)),
    "black": ((0, 360), (0.00, 0.25), (0.00, 0.14)),
}
COLOUR_NAMES = list(COLOURS)
# Never in training: each colour once; shapes star and hexagon twice, the others once.
HELD_OUT = [("red", "hexagon"), ("orange", "ring"), ("yellow", "cross"), ("green", "triangle"), ("blue", "star"),
            ("purple", "circle"), ("pink", "square"), ("white", "ellipse"), ("gray", "star"), ("black", "hexagon")]
# Colours that no label names (clip_train.py --off-palette-scenes): each shape painted in more colours than the
# named ones, captioned by its shape alone, so that the image tower sees shape apart from colour. Each box keeps
# >= 10 degrees of hue from every chromatic named box, or leaves its saturation / value range by >= 0.15, and
# none lies next to a held-out pair's colour in a way that would show that pair (no blue-violet, no grays):
# lime between yellow and green, teal between green and blue, brown and olive below orange's and yellow's value.
OFF_PALETTE = {
    "lime": ((72, 84), (0.60, 1.00), (0.60, 1.00)),
    "teal": ((160, 185), (0.50, 1.00), (0.45, 1.00)),
    "brown": ((18, 32), (0.60, 1.00), (0.30, 0.55)),
    "olive": ((50, 62), (0.60, 1.00), (0.35, 0.60)),
}
ANY_COLOUR = "other"  # the anycolour split: each object a colour of its own, apart from every named box (any_colour)
ALL_COLOUR_NAMES = COLOUR_NAMES + list(OFF_PALETTE) + [ANY_COLOUR]  # shard colour index; >= 10: no label names it
OFF_PALETTE_SEED, ANY_COLOUR_SEED = 4, 5
ALL_COMBOS = [(c, s) for c in COLOUR_NAMES for s in SHAPES]
SEEN = [p for p in ALL_COMBOS if p not in HELD_OUT]
SIZE_WORDS = ["small", None, "large"]  # index = size class
SMALL_BELOW, LARGE_ABOVE = 40, 100
# Prompt templates: the first is the single template of the evaluation; all are used in training and in the
# ensemble. "{}" is replaced by the phrase, e.g. "red star", "small red star", "star", "red shape".
TEMPLATES = [
    "a photo of a {}.",
    "a {}.",
    "a picture of a {}.",
    "a drawing of a {}.",
    "a rendering of a {}.",
    "a cropped photo of a {}.",
    "a close-up photo of a {}.",
    "a photo of the {}.",
    "there is a {} in the image.",
    "a {} on a background.",
]
TRAIN_SEED, VAL_SEED = 3, 3001
SEEDS = {"train": TRAIN_SEED, "val": VAL_SEED, "offpalette": OFF_PALETTE_SEED, "anycolour": ANY_COLOUR_SEED}
SHARD_SCENES = 500
MIN_VISIBLE = 0.6
SIZE_RANGE = (14, 200)
SHADE = 40.0      # shading slope: base colour +- SHADE * ramp, ramp in -0.5..0.5 across the object
CONTRAST = 60.0


def size_class(long_side):
    return 0 if long_side < SMALL_BELOW else (2 if long_side > LARGE_ABOVE else 1)


def phrase(colour=None, shape=None, size=None):
    """'small red star', 'red star', 'star', 'red shape' (shape None -> 'shape')."""
    words = [w for w in (size, colour, shape if shape is not None else "shape") if w]
    return " ".join(words)


def named_colour(rng, name):
    """An RGB colour (float32 0..255) drawn uniformly in name's HSV box; ANY_COLOUR: any_colour."""
    if name == ANY_COLOUR:
        return any_colour(rng)
    (h0, h1), (s0, s1), (v0, v1) = COLOURS[name] if name in COLOURS else OFF_PALETTE[name]
    h = (rng.uniform(h0, h1) % 360) / 360
    r, g, b = colorsys.hsv_to_rgb(h, rng.uniform(s0, s1), rng.uniform(v0, v1))
    return np.array([r, g, b], np.float32) * 255


def _contrasting_named(rng, name, reference):
    best, best_d = None, -1.0
    for _ in range(12):
        c = named_colour(rng, name)
        d = float(np.linalg.norm(c - reference))
        if d >= CONTRAST:
            return c
        if d > best_d:
            best, best_d = c, d
    return best


class NamedCanvas(synth.Canvas):
    """synth.Canvas painting with a named colour; objects: (shape, full pixel count, rgb, colour name)."""

    def paint_named(self, rng, category, contours, colour_name):
        outline_px = int(rng.integers(1, 4)) if rng.random() < 0.3 else 0
        x0, y0, fill_a, outline_a, full = synth.rasterise(contours, outline_px, self.w, self.h)
        ph, pw = fill_a.shape
        ix0, iy0, ix1, iy1 = max(0, x0), max(0, y0), min(self.w, x0 + pw), min(self.h, y0 + ph)
        index = len(self.objects)
        if ix1 <= ix0 or iy1 <= iy0 or full == 0:
            self.objects.append((category, max(full, 1), None, colour_name))
            return index
        sy, sx = slice(iy0 - y0, iy1 - y0), slice(ix0 - x0, ix1 - x0)
        region = self.img[iy0:iy1, ix0:ix1]
        mask = fill_a[sy, sx] >= 0.5
        under = region[mask].mean(axis=0) if mask.any() else region.reshape(-1, 3).mean(axis=0)
        colour = _contrasting_named(rng, colour_name, under)
        yy, xx = np.mgrid[iy0:iy1, ix0:ix1].astype(np.float32)
        phi = rng.uniform(0, 2 * math.pi)
        centre = np.concatenate(contours).mean(axis=0)
        extent = max(8.0, float(np.ptp(contours[0], axis=0).max()))
        ramp = ((xx - centre[0]) * math.cos(phi) + (yy - centre[1]) * math.sin(phi)) / extent
        shade = colour + (rng.uniform(-SHADE, SHADE) * ramp)[..., None]
        a = fill_a[sy, sx][..., None]
        region[:] = region * (1 - a) + np.clip(shade, 0, 255) * a
        cover = fill_a[sy, sx]
        if outline_a is not None:
            o = outline_a[sy, sx][..., None]
            tone = colour * 0.45 if colour.mean() > 110 else np.minimum(colour + 110, 255)
            region[:] = region * (1 - o) + tone * o
            cover = np.maximum(cover, outline_a[sy, sx])
        self.owner[iy0:iy1, ix0:ix1][cover >= 0.5] = index
        self.objects.append((category, full, colour, colour_name))
        return index

    def visible_objects(self):
        """[(object index, [x, y, w, h] tight box of visible pixels, visible fraction)] of objects with any
        visible pixel."""
        n = len(self.objects)
        counts = np.bincount(self.owner.ravel() + 1, minlength=n + 1)[1:]
        ys, xs = np.nonzero(self.owner >= 0)
        ids = self.owner[ys, xs]
        out = []
        for i, (_, full, _, _) in enumerate(self.objects):
            if counts[i] == 0:
                continue
            sel = ids == i
            x0, x1 = int(xs[sel].min()), int(xs[sel].max()) + 1
            y0, y1 = int(ys[sel].min()), int(ys[sel].max()) + 1
            out.append((i, [x0, y0, x1 - x0, y1 - y0], float(counts[i]) / full))
        return out


def apart(a, b, margin_hue=10, margin_sv=0.15):
    """True when HSV box a (an off-palette colour) keeps clear of named box b: hue ranges disjoint by margin_hue
    degrees, or saturation / value ranges by margin_sv. For an achromatic name hue means nothing: saturation must
    part them (gray, white), or value for a dark one (black: a saturated colour at value 0.15 still looks black)."""
    (h0, h1), (s0, s1), (v0, v1) = a
    (H0, H1), (S0, S1), (V0, V1) = b
    if S1 <= 0.25:
        return v0 - V1 >= margin_sv if V1 < 0.3 else s0 - S1 >= margin_sv
    after, before = (H0 - h1) % 360, (h0 - H1) % 360  # gaps going round the hue circle from a to b, b to a
    disjoint = abs(after + before + (h1 - h0) + (H1 - H0) - 360) < 1e-9
    hue = disjoint and min(after, before) >= margin_hue
    return hue or s0 - S1 >= margin_sv or S0 - s1 >= margin_sv or v0 - V1 >= margin_sv or V0 - v1 >= margin_sv


def check_off_palette():
    """Asserts what OFF_PALETTE's comment promises: every off-palette box is apart from every named box."""
    for off, box in OFF_PALETTE.items():
        for name, named in COLOURS.items():
            assert apart(box, named), (off, name)


def any_colour(rng):
    """An RGB colour (float32 0..255) drawn uniformly in the HSV cube among the colours apart from every named box
    (rejection sampling; about a third of the cube qualifies)."""
    while True:
        h, s, v = rng.uniform(0, 360), rng.uniform(0, 1), rng.uniform(0, 1)
        if all(apart(((h, h), (s, s), (v, v)), named) for named in COLOURS.values()):
            r, g, b = colorsys.hsv_to_rgb(h / 360, s, v)
            return np.array([r, g, b], np.float32) * 255


def held_out_count(d):
    """How many crops of shard dict d show a held-out colour-shape pair."""
    return sum((ALL_COLOUR_NAMES[c], SHAPES[s]) in HELD_OUT for c, s in zip(d["colour"], d["shape"]))


def _combo(rng, split, shape=None):
    """A (colour, shape) pair: train draws from the seen pairs; val half from the held-out ones; offpalette from
    the off-palette colours with every shape, anycolour ANY_COLOUR with every shape."""
    if split in ("offpalette", "anycolour"):
        colour = list(OFF_PALETTE)[int(rng.integers(len(OFF_PALETTE)))] if split == "offpalette" else ANY_COLOUR
        return colour, shape if shape is not None else SHAPES[int(rng.integers(len(SHAPES)))]
    pool = SEEN if split == "train" or rng.random() >= 0.5 else HELD_OUT
    if shape is not None:
        pool = [p for p in pool if p[1] == shape] or [p for p in SEEN if p[1] == shape]
    return pool[int(rng.integers(len(pool)))]


def render_named_scene(split, seed, index):
    """(uint8 H x W x 3 image, canvas) with named-colour objects, following synth.render_scene."""
    rng = np.random.default_rng([seed, index, 77])
    w, h = (int(v) for v in rng.integers(320, 641, 2))
    crowded = bool(rng.random() < synth.CROWDED_SHARE)
    canvas = NamedCanvas(synth.background(rng, w, h))
    lo, hi = SIZE_RANGE

    def loose():
        colour, shape = _combo(rng, split)
        size = synth._log_uniform(rng, lo, hi)
        canvas.paint_named(rng, shape, synth.place_shape(shape, size, rng.uniform(0, w), rng.uniform(0, h), rng),
                           colour)

    if not crowded:
        for _ in range(int(rng.integers(1, synth.MAX_OBJECTS + 1))):
            loose()
    else:
        plan = ["loose"] * int(rng.integers(0, 5)) + ["cluster"] * int(rng.integers(5, 11))
        rng.shuffle(plan)
        for item in plan:
            if len(canvas.objects) >= synth.MAX_OBJECTS:
                break
            if item == "loose":
                loose()
                continue
            shape = _combo(rng, split)[1]
            base = synth._log_uniform(rng, max(lo, 20), 150)
            members, used = [], []
            for _ in range(int(rng.integers(2, 6))):
                if len(canvas.objects) >= synth.MAX_OBJECTS:
                    break
                colour = None
                for _ in range(4):  # distinct colours within a cluster where possible
                    colour = _combo(rng, split, shape)[0]
                    if colour not in used:
                        break
                used.append(colour)
                size = base * rng.uniform(0.85, 1.15)
                if not members:
                    cx, cy = rng.uniform(0.1 * w, 0.9 * w), rng.uniform(0.1 * h, 0.9 * h)
                else:
                    ax, ay, asize = members[int(rng.integers(len(members)))]
                    cx, cy = synth._neighbour_centre(rng, ax, ay, asize, size)
                canvas.paint_named(rng, shape, synth.place_shape(shape, size, cx, cy, rng), colour)
                members.append((cx, cy, size))
    img = canvas.img
    if rng.random() < 0.7:
        img = img + rng.normal(0, rng.uniform(1, 10), img.shape).astype(np.float32)
    img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    if rng.random() < 0.2:
        img = np.asarray(Image.fromarray(img).filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.0))))
    if index % synth.JPEG_EVERY == synth.JPEG_EVERY - 1:
        buf = io.BytesIO()
        Image.fromarray(img).save(buf, format="JPEG", quality=synth.JPEG_QUALITY)
        img = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    return img, canvas, rng


def clip_preprocess(crop, size=IMAGE_SIZE):
    """uint8 H x W x 3 -> uint8 size x size x 3 as CLIPImageProcessor (shortest_edge=size, bicubic, centre crop)
    before rescale/normalise."""
    h, w = crop.shape[:2]
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(size * long / short)
    nw, nh = (size, new_long) if w <= h else (new_long, size)
    out = np.asarray(Image.fromarray(crop).resize((nw, nh), Image.Resampling.BICUBIC))
    top, left = (nh - size) // 2, (nw - size) // 2
    return out[top:top + size, left:left + size]


def scene_crops(split, seed, index, size=IMAGE_SIZE):
    img, canvas, rng = render_named_scene(split, seed, index)
    H, W = img.shape[:2]
    rows = []
    for i, (x, y, bw, bh), vis in canvas.visible_objects():
        if vis < MIN_VISIBLE or min(bw, bh) < 6 or max(bw, bh) < 12:
            continue
        m = rng.uniform(-0.03, 0.15, 4)
        x0 = max(0, int(round(x - m[0] * bw)))
        x1 = min(W, int(round(x + bw + m[1] * bw)))
        y0 = max(0, int(round(y - m[2] * bh)))
        y1 = min(H, int(round(y + bh + m[3] * bh)))
        shape, _, _, colour = canvas.objects[i]
        rows.append(dict(image=clip_preprocess(img[y0:y1, x0:x1], size), colour=ALL_COLOUR_NAMES.index(colour),
                         shape=SHAPES.index(shape), size_class=size_class(max(bw, bh)), box=[x, y, bw, bh],
                         visible=vis, scene=index))
    return rows


def write_shard(split, seed, first, count, path, size=IMAGE_SIZE):
    rows = []
    for index in range(first, first + count):
        rows.extend(scene_crops(split, seed, index, size))
    arrays = dict(images=np.stack([r["image"] for r in rows]),
                  colour=np.array([r["colour"] for r in rows], np.int8),
                  shape=np.array([r["shape"] for r in rows], np.int8),
                  size_class=np.array([r["size_class"] for r in rows], np.int8),
                  box=np.array([r["box"] for r in rows], np.int16),
                  visible=np.array([r["visible"] for r in rows], np.float32),
                  scene=np.array([r["scene"] for r in rows], np.int32))
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)
    return len(rows)


def generate(split, scenes, out, seed=None, log=print, size=IMAGE_SIZE):
    """Writes the missing shards for scenes 0..scenes-1 of the split under out; returns the shard paths."""
    seed = seed if seed is not None else SEEDS[split]
    if split == "offpalette":
        check_off_palette()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for first in range(0, scenes, SHARD_SCENES):
        count = min(SHARD_SCENES, scenes - first)
        path = out / f"shard_{first:06d}_{count}.npz"
        paths.append(path)
        if path.exists():
            continue
        t = time.time()
        n = write_shard(split, seed, first, count, path, size)
        log(f"{path}: scenes {first}..{first + count - 1} of seed {seed}, {n} crops, {time.time() - t:.0f} s")
    return paths


ROOT = Path(__file__).resolve().parent.parent
TOKENIZER_RESOURCES = ROOT / "Sources" / "CLIP" / "Resources" / "tokenizer"
MERGE_COUNT = 49152 - 256 - 2  # openai/CLIP's SimpleTokenizer: merges[1 : 49152 - 256 - 2 + 1]


def tokenizer_dir(fallback=ROOT / "training" / "data" / "clip" / "tokenizer"):
    """The folder holding CLIP's vocab.json (49,408 tokens) and merges.txt: the Swift package's resources when they
    are there, else built into `fallback` the same way (from open_clip's bundled bpe_simple_vocab_16e6.txt.gz:
    the 256 byte-level characters, the same with "</w>", one token per merge of the first 48,894 merges, then
    "<|startoftext|>" and "<|endoftext|>"; merges.txt = "#version: 0.2" and those merges)."""
    if (TOKENIZER_RESOURCES / "vocab.json").exists() and (TOKENIZER_RESOURCES / "merges.txt").exists():
        return TOKENIZER_RESOURCES
    fallback = Path(fallback)
    if not ((fallback / "vocab.json").exists() and (fallback / "merges.txt").exists()):
        import gzip
        import json
        import open_clip
        import open_clip.tokenizer
        bpe = Path(open_clip.__file__).parent / "bpe_simple_vocab_16e6.txt.gz"
        lines = gzip.open(bpe).read().decode("utf-8").split("\n")[1:MERGE_COUNT + 1]
        merges = [tuple(line.split()) for line in lines]
        chars = list(open_clip.tokenizer.bytes_to_unicode().values())
        tokens = chars + [c + "</w>" for c in chars] + ["".join(m) for m in merges]
        tokens += ["<|startoftext|>", "<|endoftext|>"]
        assert len(tokens) == len(set(tokens)) == 49408
        fallback.mkdir(parents=True, exist_ok=True)
        (fallback / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(tokens)}, ensure_ascii=False))
        (fallback / "merges.txt").write_text("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")
    return fallback


def load(paths):
    parts = [dict(np.load(p)) for p in paths]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=list(SEEDS), required=True)
    ap.add_argument("--scenes", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=None,
                    help="default: " + ", ".join(f"{seed} for {split}" for split, seed in SEEDS.items()))
    a = ap.parse_args()
    paths = generate(a.split, a.scenes, a.out, a.seed)
    d = load(paths)
    pairs = set(zip(d["colour"].tolist(), d["shape"].tolist()))
    held = held_out_count(d)
    print(f"{a.out}: {len(d['colour'])} crops, {len(pairs)} colour-shape pairs, {held} of held-out pairs, "
          f"sizes small/medium/large {np.bincount(d['size_class'], minlength=3).tolist()}")


if __name__ == "__main__":
    main()
