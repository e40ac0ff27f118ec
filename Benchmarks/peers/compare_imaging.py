#!/usr/bin/env python3
"""DetectKit's image decoding side by side with Pillow's, on one core, on the same files.

What is compared (both sides decode the same file bytes, already in memory):

* ``decode``: ``detectkit bench decode --json FILE`` against ``Image.open(io.BytesIO(data)); im.load()``, for
  a 4000×3000 JPEG (quality 90, 4:2:0), a 1920×1080 JPEG (baseline and progressive), a 1920×1080 gray JPEG, and
  PNGs: RGB 1920×1080, RGBA 1024×768, gray 2000×1500.
* ``decode ≥1000×750``: the 4000×3000 JPEG decoded through DCT scaling (1/4, so exactly 1000×750):
  ``detectkit bench decode --minimum-size 1000x750`` against Pillow's ``im.draft('RGB', (1000, 750)); im.load()``.
* ``full decode + area resize``: the same JPEG decoded at full size, then shrunk to 1000×750 (area filter):
  DetectKit's decode plus its area resize, against Pillow's ``im.load(); im.resize((1000, 750), Image.BOX)``.
  DetectKit's figure is ``detectkit bench decode --resize-to 1000x750`` (full decode, then area resize). Builds
  without ``--resize-to`` only resize after a DCT-scaled decode; for them the figure is composed: the full decode
  of the JPEG plus the time ``--minimum-size 1000x750 --resize`` adds to the decode of an uncompressed (stored)
  4000×3000 PNG of the same picture (a PNG is never DCT-scaled). The row
  says so.

The speed-up of DCT scaling, (full decode + resize) / (DCT-scaled decode), is printed for both libraries; the
target is ≥ 3× for DetectKit. The target for ``decode`` is DetectKit time / Pillow time ≤ 1.1.

Agreement: ``detectkit annotate FILES --detections EMPTY.json -o DIR`` (no detections: the decoded image
unchanged, written as PNG) must give exactly Pillow's pixels (same mode: L, RGB or RGBA), and
``bench decode`` must report Pillow's sizes (for the DCT-scaled decode, those after ``draft``). Pillow's
wheel bundles its own libjpeg-turbo and decodes PNG with its own code over zlib; DetectKit uses the system's
libjpeg-turbo and libpng (versions in the report), so a JPEG mismatch may be a library-version difference.

The test images are synthetic and deterministic (fixed seed) but photo-like, so they compress as photos do:
a sky-like vertical gradient, a 1/f-like sum of smooth random fields (octaves from a few cells to ~16 px),
a few dozen shaded ellipses and rectangles with hard edges, low-frequency colour variation, and mild sensor
noise. They are written with Pillow to a temporary folder.

Timings are medians. Pillow: of ``--repeats`` timed calls after a warm-up call, in a fresh worker process
(this script run with ``--pillow-worker``), as DetectKit is timed in a fresh ``detectkit`` process: one process
per file and side. Fresh processes matter: a decode needs megabytes (36-48 MB at 4000×3000), and whether glibc
hands out pages the process already touched (no page faults) or fresh ones (~1,500 faults per 6 MB, ~10,000
at 4000×3000: 15-25 ms here) depends on what the process did before. In this script's own process, warm from
making the images, Pillow gets reused pages (``--pillow-in-process`` times it there). DetectKit:
the median ``detectkit bench decode --json`` measures over ``--detectkit-repeats`` decodes in one process (the
file is read once, before timing; every decode includes sniffing the format and parsing the header). Both are
measured in ``--rounds`` rounds, DetectKit then Pillow, and the median of the round medians is reported, so a
passing load on the machine weighs on both alike. Both run
on one thread, and (on Linux) this process and the ``detectkit`` processes it starts are pinned to one CPU.

Usage (normally through ``Benchmarks/peers/run.sh --imaging``, which builds the CLI and sets up the venv)::

    python compare_imaging.py --detectkit .build/release/detectkit
    python compare_imaging.py --peers-only          # Pillow alone, no DetectKit binary needed

The markdown table is printed and written to ``Benchmarks/results/imaging.md``; the raw numbers go to
``Benchmarks/results/imaging.json``.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import math
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

# One thread for every numeric library, set before they are imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402
from PIL import Image, features  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RESULTS = REPO_ROOT / "Benchmarks" / "results"

DECODE_TARGET = 1.1  # DetectKit decode time / Pillow decode time must not exceed this
DCT_TARGET = 3.0  # (full decode + resize) / DCT-scaled decode must reach this
THUMB = (1000, 750)  # the size the 4000×3000 JPEG is wanted at


# ----------------------------------------------------------------------------------------------------------
# Test images
# ----------------------------------------------------------------------------------------------------------


@dataclass
class TestImage:
    """One test file: how it is made and what it is called in the table."""

    key: str  # file stem, unique (detectkit annotate names its output after it)
    label: str  # the table's "image" column (the file size is appended)
    fmt: str  # "JPEG" or "PNG"
    mode: str  # Pillow mode: "L", "RGB" or "RGBA"
    size: tuple[int, int]  # width, height
    save: dict[str, Any]  # Pillow save options
    in_table: bool = True  # False: a helper file, not timed as a row of its own
    path: Path | None = None
    data: bytes = b""

    @property
    def file_name(self) -> str:
        return f"{self.key}.{'jpg' if self.fmt == 'JPEG' else 'png'}"


def test_images() -> list[TestImage]:
    return [
        TestImage("jpeg_4000x3000", "JPEG 4000×3000 q90 4:2:0", "JPEG", "RGB", (4000, 3000),
                  {"quality": 90, "subsampling": 2}),
        TestImage("jpeg_1920x1080", "JPEG 1920×1080 q90 4:2:0", "JPEG", "RGB", (1920, 1080),
                  {"quality": 90, "subsampling": 2}),
        TestImage("jpeg_progressive_1920x1080", "JPEG progressive 1920×1080 q90 4:2:0", "JPEG", "RGB", (1920, 1080),
                  {"quality": 90, "subsampling": 2, "progressive": True}),
        TestImage("jpeg_gray_1920x1080", "JPEG gray 1920×1080 q90", "JPEG", "L", (1920, 1080), {"quality": 90}),
        TestImage("png_rgb_1920x1080", "PNG RGB 1920×1080", "PNG", "RGB", (1920, 1080), {"compress_level": 6}),
        TestImage("png_rgba_1024x768", "PNG RGBA 1024×768", "PNG", "RGBA", (1024, 768), {"compress_level": 6}),
        TestImage("png_gray_2000x1500", "PNG gray 2000×1500", "PNG", "L", (2000, 1500), {"compress_level": 6}),
        # Helper: the 4000×3000 picture as a stored (uncompressed) PNG, to time DetectKit's area resize alone.
        TestImage("png_stored_4000x3000", "PNG RGB 4000×3000 stored", "PNG", "RGB", (4000, 3000),
                  {"compress_level": 0}, in_table=False),
    ]


def interpolation_matrix(n: int, cells: int) -> np.ndarray:
    """(n, cells + 1) weights that spread a coarse grid over n pixels, smoothstep between grid points (C1)."""
    x = (np.arange(n, dtype=np.float64) + 0.5) / n * cells
    i = np.minimum(np.floor(x).astype(np.int64), cells - 1)
    f = x - i
    f = f * f * (3.0 - 2.0 * f)
    m = np.zeros((n, cells + 1), dtype=np.float32)
    m[np.arange(n), i] = 1.0 - f
    m[np.arange(n), i + 1] = f
    return m


def smooth_field(rng: np.random.Generator, w: int, h: int, cells: int) -> np.ndarray:
    """A smooth random field, unit variance at the grid points, ``cells`` grid cells along the longer side."""
    cx = max(1, round(cells * w / max(w, h)))
    cy = max(1, round(cells * h / max(w, h)))
    grid = rng.standard_normal((cy + 1, cx + 1)).astype(np.float32)
    return interpolation_matrix(h, cy) @ grid @ interpolation_matrix(w, cx).T


def fractal_field(rng: np.random.Generator, w: int, h: int, finest_px: float, decay: float = 2.0) -> np.ndarray:
    """Octaves of smooth fields from 3 cells to cells of ~``finest_px``; each octave has 3× the cells and
    1/``decay`` the amplitude (3 would be a 1/f spectrum; less keeps more fine detail, as foliage or fabric)."""
    out = np.zeros((h, w), dtype=np.float32)
    cells, amp = 3, 1.0
    while max(w, h) / cells >= finest_px:
        out += np.float32(amp) * smooth_field(rng, w, h, cells)
        cells, amp = cells * 3, amp / decay
    return out


@functools.lru_cache(maxsize=2)
def photo_like(w: int, h: int, seed: int) -> np.ndarray:
    """A deterministic (h, w, 3) float32 picture in 0–255 that compresses like a photo: gradients, a 1/f-like
    texture, shaded shapes with hard edges, smooth colour variation and mild noise. The same ``seed`` gives
    the same scene at any size (coordinates are relative), though not the same noise."""
    scene = np.random.default_rng([seed, 1])  # shapes and colours: independent of the size
    rng = np.random.default_rng([seed, 2, w, h])  # fields and noise
    yy = (np.arange(h, dtype=np.float32) / h)[:, None]

    # Luminance: sky-like vertical gradient plus a 1/f-like texture; chroma: slow colour drifts.
    lum = 170.0 - 60.0 * yy + 20.0 * fractal_field(rng, w, h, finest_px=4.0, decay=1.5)
    chroma_u = 14.0 * smooth_field(rng, w, h, 4) + 6.0 * smooth_field(rng, w, h, 16)
    chroma_v = 14.0 * smooth_field(rng, w, h, 4) + 6.0 * smooth_field(rng, w, h, 16)
    img = np.stack([lum + chroma_v, lum - 0.4 * chroma_u - 0.5 * chroma_v, lum + chroma_u], axis=-1)

    # Shapes: shaded ellipses and rectangles, hard edges, painted back to front.
    detail = 7.0 * fractal_field(rng, w, h, finest_px=3.0, decay=1.15)  # surface texture inside the shapes
    for i in range(160):  # 40 large shapes, then smaller and smaller ones (the scene's clutter)
        cx, cy = scene.uniform(0.0, 1.0, 2)
        rx, ry = scene.uniform(0.02, 0.18, 2) / (1.0 + i / 40.0)
        gray = scene.uniform(30.0, 220.0)
        color = (gray + 0.45 * (scene.uniform(20.0, 235.0, 3) - gray)).astype(np.float32)  # muted, as in photos
        shade = scene.uniform(-40.0, 40.0)  # brightness change across the shape, top to bottom
        x0, x1 = max(0, int((cx - rx) * w)), min(w, int(math.ceil((cx + rx) * w)))
        y0, y1 = max(0, int((cy - ry) * h)), min(h, int(math.ceil((cy + ry) * h)))
        if x1 <= x0 or y1 <= y0:
            continue
        xs = (np.arange(x0, x1, dtype=np.float32) + 0.5) / w
        ys = (np.arange(y0, y1, dtype=np.float32) + 0.5) / h
        if scene.uniform() < 0.5:
            mask = ((xs[None, :] - cx) / rx) ** 2 + ((ys[:, None] - cy) / ry) ** 2 <= 1.0
        else:
            mask = np.ones((y1 - y0, x1 - x0), dtype=bool)
        ramp = shade * ((ys[:, None] - (cy - ry)) / (2 * ry) - 0.5)  # (rows, 1)
        patch = color[None, None, :] + ramp[..., None] + detail[y0:y1, x0:x1, None]
        region = img[y0:y1, x0:x1]
        region[mask] = patch[mask]

    # Fine texture (foliage, gravel, fabric) over part of the picture: 2×2-blurred white noise.
    fine = rng.standard_normal((h + 1, w + 1), dtype=np.float32)
    fine = 0.5 * (fine[1:, 1:] + fine[:-1, 1:] + fine[1:, :-1] + fine[:-1, :-1])
    where = np.clip(1.5 * smooth_field(rng, w, h, 6) - 0.3, 0.0, 1.0)
    img += (14.0 * fine * where)[..., None]

    # Mild sensor noise: mostly luminance, a little per channel.
    img += 2.5 * rng.standard_normal((h, w, 1), dtype=np.float32)
    img += 1.2 * rng.standard_normal((h, w, 3), dtype=np.float32)
    return img  # cached: callers must not modify it


def make_pixels(t: TestImage, seed: int) -> np.ndarray:
    w, h = t.size
    img = photo_like(w, h, seed)
    if t.mode == "L":
        gray = img @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        return np.clip(np.rint(gray), 0, 255).astype(np.uint8)
    rgb = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    if t.mode == "RGB":
        return rgb
    # RGBA: a cut-out, opaque over most of the picture, transparent in a few regions, with soft borders.
    rng = np.random.default_rng([seed, 3, w, h])
    alpha = np.clip(255.0 * (1.2 + smooth_field(rng, w, h, 5)), 0, 255)
    return np.dstack([rgb, np.rint(alpha).astype(np.uint8)])


def write_images(folder: Path, seed: int) -> list[TestImage]:
    images = test_images()
    for t in images:
        t.path = folder / t.file_name
        Image.fromarray(make_pixels(t, seed), t.mode).save(t.path, t.fmt, **t.save)
        t.data = t.path.read_bytes()
        log(f"  {t.file_name}: {len(t.data) / 1e6:.2f} MB "
            f"({8 * len(t.data) / (t.size[0] * t.size[1]):.2f} bits/pixel)")
    return images


# ----------------------------------------------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Timing:
    """Median and all samples of one measured operation, in seconds per call."""

    median: float
    samples: list[float]
    note: str = ""  # how a composed figure was obtained


def time_call(fn: Callable[[], Any], repeats: int) -> tuple[Timing, Any]:
    """Median seconds per call of ``fn`` after one warm-up call, and its last result."""
    result = fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t0)
    return Timing(statistics.median(samples), samples), result


def combine(rounds: list[Timing]) -> Timing:
    """One figure from several rounds: the median of the rounds' medians (the samples are those medians)."""
    medians = [t.median for t in rounds]
    return Timing(statistics.median(medians), medians)


def pillow_decode(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def pillow_draft(data: bytes, size: tuple[int, int]) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.draft("RGB", size)
    im.load()
    return im


def pillow_resize(data: bytes, size: tuple[int, int]) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im.resize(size, Image.Resampling.BOX)


PILLOW_OPS: dict[str, Callable[[bytes], Image.Image]] = {
    "decode": pillow_decode,
    "draft": lambda data: pillow_draft(data, THUMB),
    "resize": lambda data: pillow_resize(data, THUMB),
}


def pillow_worker(op: str, files: list[Path], repeats: int) -> None:
    """``--pillow-worker``: times ``op`` on each file in this (fresh) process, as ``detectkit bench decode``
    does in its own; one JSON line per file."""
    fn = PILLOW_OPS[op]
    for path in files:
        data = path.read_bytes()
        timing, im = time_call(lambda: fn(data), repeats)
        print(json.dumps({"name": path.name, "width": im.size[0], "height": im.size[1],
                          "median_s": timing.median, "samples_s": timing.samples}), flush=True)


# ----------------------------------------------------------------------------------------------------------
# DetectKit
# ----------------------------------------------------------------------------------------------------------


class DetectKit:
    """Runs the ``detectkit`` CLI and reads what it reports."""

    def __init__(self, binary: Path, repeats: int, timeout_s: float):
        self.binary = binary
        self.repeats = repeats
        self.timeout_s = timeout_s
        help_text = self._run([str(binary), "bench", "decode", "--help"]).stdout
        # `--resize-to WxH` times a full decode followed by an area resize directly; older builds only had
        # `--resize` (after a DCT-scaled decode), for which the figure is composed (see the module docstring).
        self.resize_to = "--resize-to" in help_text
        self.resize_args = ["--resize", "true"] if "--resize <" in help_text else ["--resize"]

    def _run(self, cmd: list[str]) -> subprocess.CompletedProcess:
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"{shlex.join(cmd)} ran past {self.timeout_s:g} s") from None
        if proc.returncode != 0:
            raise RuntimeError(f"{shlex.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()}")
        return proc

    def bench_decode(self, files: list[Path], extra: list[str] | None = None) -> dict[str, dict[str, Any]]:
        """``detectkit bench decode [extra] --json FILES``: its JSON line per file, by file name."""
        cmd = [str(self.binary), "bench", "decode", *(extra or []), "--samples", str(self.repeats), "--json",
               *map(str, files)]
        proc = self._run(cmd)
        lines = [json.loads(l) for l in proc.stdout.splitlines() if l.strip().startswith("{")]
        found = {Path(l["name"]).name: l for l in lines}
        missing = [f.name for f in files if f.name not in found]
        if missing:
            raise RuntimeError(f"{shlex.join(cmd)} printed no line for {missing}:\n{proc.stdout.strip()}")
        return found

    def annotate(self, files: list[Path], out: Path) -> None:
        """Writes each file's decode, unchanged (no detections), to ``out/<stem>.png``."""
        empty = out / "empty.json"
        out.mkdir(parents=True, exist_ok=True)
        empty.write_text("[]\n")
        self._run([str(self.binary), "annotate", *map(str, files), "--detections", str(empty), "-o", str(out)])


# ----------------------------------------------------------------------------------------------------------
# Rows
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table plus what the agreement check found."""

    operation: str
    image: str
    pillow: Timing
    detectkit: Timing | None = None
    size: tuple[int, int] | None = None  # output size (Pillow's)
    agreement: str = "not checked"
    ok: bool | None = None
    target: float | None = None  # the ratio this row must not exceed, if any
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.detectkit is None or self.pillow.median <= 0:
            return None
        return self.detectkit.median / self.pillow.median

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        return self.ratio <= self.target


def duration(t: float) -> str:
    """Seconds as µs, ms or s, whichever reads best."""
    if t < 1e-3:
        return f"{t * 1e6:.1f} µs"
    return f"{t * 1e3:.2f} ms" if t < 1.0 else f"{t:.3f} s"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pillow_array(im: Image.Image) -> np.ndarray:
    """Pixels as DetectKit stores them: gray (L), RGB or RGBA, uint8."""
    if im.mode not in ("L", "RGB", "RGBA"):
        im = im.convert("RGBA" if "A" in im.getbands() else "RGB")
    return np.asarray(im)


def compare_pixels(ours: Path, theirs: np.ndarray) -> tuple[bool, str]:
    if not ours.is_file():
        return False, f"no output {ours.name}"
    with Image.open(ours) as im:
        dk = pillow_array(im)
    if dk.shape != theirs.shape:
        return False, f"shape {dk.shape} vs Pillow's {theirs.shape}"
    diff = np.abs(dk.astype(np.int16) - theirs.astype(np.int16))
    if not diff.any():
        return True, "pixels identical"
    return False, (f"{np.count_nonzero(diff)} of {diff.size} samples differ "
                   f"(max {int(diff.max())}, mean {float(diff.mean()):.4f})")


class Benchmark:
    """Makes the images, runs each comparison, collects the rows, and writes the report."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.detectkit = None if args.peers_only else DetectKit(args.detectkit, args.detectkit_repeats,
                                                                  args.detectkit_timeout)
        self.tmp = Path(tempfile.mkdtemp(prefix="detectkit-imaging-"))
        self.rows: list[Row] = []
        self.dct: dict[str, Any] = {}
        log(f"images in {self.tmp}")
        self.images = write_images(self.tmp, args.seed)
        self.by_key = {t.key: t for t in self.images}

    def label(self, t: TestImage) -> str:
        return f"{t.label} ({len(t.data) / 1e6:.2f} MB)"

    def add(self, row: Row) -> None:
        dk = duration(row.detectkit.median) if row.detectkit else "-"
        ratio = f", ratio {row.ratio:.2f}" if row.ratio else ""
        log(f"  {row.operation:28} {row.image:46} Pillow {duration(row.pillow.median)}, DetectKit {dk}{ratio}; "
            f"{row.agreement}")
        self.rows.append(row)

    def pillow(self, op: str, images: list[TestImage]) -> dict[str, tuple[Timing, tuple[int, int]]]:
        """Pillow's timing of ``op`` on each image, and the size it produced, by file name: in a fresh worker
        process (as DetectKit's are timed), or with ``--pillow-in-process`` in this one."""
        out: dict[str, tuple[Timing, tuple[int, int]]] = {}
        if self.args.pillow_in_process:
            fn = PILLOW_OPS[op]
            for t in images:
                timing, im = time_call(lambda: fn(t.data), self.args.repeats)
                out[t.file_name] = (timing, im.size)
            return out
        cmd = [sys.executable, str(Path(__file__).resolve()), "--pillow-worker", op, "--repeats",
               str(self.args.repeats), *(str(t.path) for t in images)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=self.args.detectkit_timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"{shlex.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()}")
        for line in proc.stdout.splitlines():
            if line.startswith("{"):
                r = json.loads(line)
                out[r["name"]] = (Timing(r["median_s"], r["samples_s"]), (r["width"], r["height"]))
        return out

    def dk_timing(self, line: dict[str, Any]) -> Timing:
        median = float(line["median_ms"]) * 1e-3
        return Timing(median, [median])

    # -- plain decodes ---------------------------------------------------------------------------------------

    def decodes(self) -> None:
        table = [t for t in self.images if t.in_table]
        names = [t.file_name for t in table]
        pillow: dict[str, list[Timing]] = {t.file_name: [] for t in table}
        dk: dict[str, list[dict[str, Any]]] = {t.file_name: [] for t in table}
        decoded = {t.file_name: pillow_decode(t.data) for t in table}  # for the pixel check (not timed)
        failure = None
        if self.detectkit:
            try:
                self.detectkit.annotate([t.path for t in table], self.tmp / "annotated")
            except RuntimeError as e:
                failure = e
        # Rounds alternate DetectKit and Pillow, so a passing load on the machine hits both alike; every file gets
        # fresh processes, so no figure depends on what an earlier file left in the allocator.
        for _ in range(self.args.rounds):
            for t in table:
                if self.detectkit and failure is None:
                    try:
                        dk[t.file_name].append(self.detectkit.bench_decode([t.path])[t.file_name])
                    except RuntimeError as e:
                        failure = e
                pillow[t.file_name].append(self.pillow("decode", [t])[t.file_name][0])
        if failure:
            log(f"WARNING: {failure}")
        for t, name in zip(table, names):
            im = decoded[name]
            row = Row("decode", self.label(t), combine(pillow[name]), size=im.size, target=DECODE_TARGET)
            if dk[name] and failure is None:
                row.detectkit = combine([self.dk_timing(l) for l in dk[name]])
                sizes = {(int(l["width"]), int(l["height"])) for l in dk[name]}
                if sizes != {im.size}:
                    row.ok, row.agreement = False, f"size {sorted(sizes)} vs Pillow's {im.size}"
                else:
                    row.ok, row.agreement = compare_pixels(self.tmp / "annotated" / f"{t.key}.png", pillow_array(im))
            elif self.detectkit:
                row.ok, row.agreement = False, "DetectKit FAILED: " + " ".join(str(failure).split())[:300]
            self.add(row)

    # -- DCT scaling -----------------------------------------------------------------------------------------

    def dct_scaling(self) -> None:
        t = self.by_key["jpeg_4000x3000"]
        probe = self.by_key["png_stored_4000x3000"]
        size_arg = f"{THUMB[0]}x{THUMB[1]}"
        p: dict[str, list[Timing]] = {"draft": [], "full": [], "resize": []}
        d: dict[str, list[Timing]] = {"scaled": [], "full_resize": [], "jpeg_full": [], "png": [], "png_resize": []}
        sizes: dict[str, set[tuple[int, int]]] = {"scaled": set(), "full_resize": set()}
        dk = self.detectkit
        failure = None

        def dk_run(key: str, path: Path, extra: list[str], size_key: str | None = None) -> None:
            line = dk.bench_decode([path], extra)[path.name]
            d[key].append(self.dk_timing(line))
            if size_key:
                sizes[size_key].add((int(line["width"]), int(line["height"])))

        for _ in range(self.args.rounds):
            if dk and failure is None:
                try:
                    dk_run("scaled", t.path, ["--minimum-size", size_arg], "scaled")
                    if dk.resize_to:
                        dk_run("full_resize", t.path, ["--resize-to", size_arg], "full_resize")
                    else:
                        # Full decode of the JPEG + what an area resize 4000×3000 → 1000×750 adds to a PNG decode.
                        dk_run("jpeg_full", t.path, [])
                        dk_run("png", probe.path, [])
                        dk_run("png_resize", probe.path, ["--minimum-size", size_arg, *dk.resize_args], "full_resize")
                except RuntimeError as e:
                    failure = e
            timing, draft_size = self.pillow("draft", [t])[t.file_name]
            p["draft"].append(timing)
            p["full"].append(self.pillow("decode", [t])[t.file_name][0])
            timing, resized_size = self.pillow("resize", [t])[t.file_name]
            p["resize"].append(timing)
        if failure:
            log(f"WARNING: {failure}")
        p_draft, p_full, p_resize = combine(p["draft"]), combine(p["full"]), combine(p["resize"])
        scaled = Row(f"decode ≥{THUMB[0]}×{THUMB[1]} (DCT scaling)", self.label(t), p_draft, size=draft_size)
        full = Row(f"full decode + area resize to {THUMB[0]}×{THUMB[1]}", self.label(t), p_resize,
                   size=resized_size)
        scaled.extra["pillow_call"] = f"draft('RGB', {THUMB}) + load()"
        full.extra["pillow_call"] = f"load() + resize({THUMB}, Image.BOX)"
        d_scaled = d_full = None
        if dk and failure is None:
            d_scaled = scaled.detectkit = combine(d["scaled"])
            scaled.ok = sizes["scaled"] == {draft_size}
            scaled.agreement = (f"size {draft_size[0]}×{draft_size[1]} as Pillow's draft (pixels not "
                                "compared: the CLI cannot write a scaled decode)" if scaled.ok
                                else f"size {sorted(sizes['scaled'])} vs Pillow's draft {draft_size}")
            if dk.resize_to:
                d_full = combine(d["full_resize"])
                d_full.note = f"bench decode --resize-to {size_arg}"
            else:
                jpeg_full, png_plain, png_resized = combine(d["jpeg_full"]), combine(d["png"]), combine(d["png_resize"])
                resize_s = png_resized.median - png_plain.median
                d_full = Timing(jpeg_full.median + resize_s, [jpeg_full.median, resize_s],
                                note=(f"composed: JPEG full decode {duration(jpeg_full.median)} + area resize "
                                      f"{duration(resize_s)} (= stored 4000×3000 PNG decode with "
                                      f"--minimum-size {size_arg} --resize {duration(png_resized.median)} − "
                                      f"without {duration(png_plain.median)})"))
                full.extra.update(jpeg_full_s=jpeg_full.median, resize_s=resize_s,
                                  png_stored_decode_s=png_plain.median, png_stored_decode_resize_s=png_resized.median)
            full.detectkit = d_full
            full.ok = sizes["full_resize"] == {resized_size}
            full.agreement = (f"size {resized_size[0]}×{resized_size[1]}; " if full.ok else
                              f"size {sorted(sizes['full_resize'])} vs Pillow's {resized_size}; ") + d_full.note
        elif dk:
            for r in (scaled, full):
                r.ok, r.agreement = False, "DetectKit FAILED: " + " ".join(str(failure).split())[:300]
        self.add(scaled)
        self.add(full)
        self.dct = {
            "image": t.label, "size": list(THUMB),
            "pillow": {"draft_s": p_draft.median, "full_decode_s": p_full.median,
                       "full_decode_resize_s": p_resize.median, "speedup": p_resize.median / p_draft.median},
            "detectkit": None if d_scaled is None or d_full is None else {
                "scaled_s": d_scaled.median, "full_decode_resize_s": d_full.median,
                "speedup": d_full.median / d_scaled.median, "composed": not dk.resize_to},
        }

    # -- report ----------------------------------------------------------------------------------------------

    def table(self) -> str:
        lines = ["| operation | image | DetectKit | Pillow | ratio (DetectKit/Pillow time) |",
                 "|---|---|---:|---:|---:|"]
        for r in self.rows:
            dk = duration(r.detectkit.median) if r.detectkit else "-"
            if r.detectkit and r.detectkit.note.startswith("composed"):
                dk += " ¹"
            ratio = f"{r.ratio:.2f}" if r.ratio else "-"
            if r.meets_target is False:
                ratio = f"**{ratio}** (> {r.target:g})"
            lines.append(f"| {r.operation} | {r.image} | {dk} | {duration(r.pillow.median)} | {ratio} |")
        return "\n".join(lines)

    def dct_lines(self) -> list[str]:
        if not self.dct:
            return []
        p = self.dct["pillow"]
        out = []
        d = self.dct["detectkit"]
        if d:
            verdict = "meets" if d["speedup"] >= DCT_TARGET else "**misses**"
            out.append(f"DCT scaling, {self.dct['image']} wanted at {THUMB[0]}×{THUMB[1]}: DetectKit "
                       f"{duration(d['full_decode_resize_s'])} (full decode + area resize) / "
                       f"{duration(d['scaled_s'])} (decode at 1/4) = **{d['speedup']:.2f}×** faster "
                       f"({verdict} the ≥ {DCT_TARGET:g}× target).")
        out.append(f"For reference, Pillow: {duration(p['full_decode_resize_s'])} (load + resize BOX) / "
                   f"{duration(p['draft_s'])} (draft + load) = {p['speedup']:.2f}×; its full decode alone "
                   f"takes {duration(p['full_decode_s'])}.")
        if d and d.get("composed"):
            full = next((r for r in self.rows if r.operation.startswith("full decode")), None)
            if full and full.detectkit:
                out.append("")
                out.append(f"¹ {full.detectkit.note}. `detectkit bench decode` cannot time a full decode followed "
                           "by a resize in one run: `--resize` needs `--minimum-size`, which always DCT-scales a "
                           "JPEG.")
        return out

    def checks_table(self) -> str:
        lines = ["| operation | image | size | agreement |", "|---|---|---|---|"]
        for r in self.rows:
            size = f"{r.size[0]}×{r.size[1]}" if r.size else "-"
            lines.append(f"| {r.operation} | {r.image} | {size} | {r.agreement} |")
        return "\n".join(lines)

    def machine(self) -> dict[str, Any]:
        from importlib import metadata

        cpu = platform.processor() or platform.machine()
        try:
            with open("/proc/cpuinfo") as f:
                cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
        except OSError:
            pass
        versions = {}
        for pkg in ("numpy", "pillow"):
            try:
                versions[pkg] = metadata.version(pkg)
            except metadata.PackageNotFoundError:
                versions[pkg] = None
        return {"cpu": cpu, "platform": platform.platform(), "python": platform.python_version(),
                "pinned_cpu": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
                "packages": versions,
                "pillow_libjpeg": features.version("libjpeg_turbo") or features.version("jpg"), "pillow_zlib": features.version("zlib"),
                "system_libs": system_library_versions()}

    def report(self, command: str) -> None:
        machine = self.machine()
        pkgs = ", ".join(f"{k} {v}" for k, v in machine["packages"].items())
        libs = ", ".join(f"{k} {v}" for k, v in machine["system_libs"].items() if v)
        text = "\n".join([
            "# DetectKit image decoding vs Pillow (one core)", "",
            f"Command: `{command}`", "",
            f"Machine: {machine['cpu']}, {machine['platform']}; Python {machine['python']}; {pkgs} "
            f"(libjpeg-turbo {machine['pillow_libjpeg']}, zlib {machine['pillow_zlib']}). "
            f"DetectKit links the system's {libs or 'libjpeg and libpng'}.", "",
            f"Median of {self.args.repeats} runs after a warm-up (Pillow, `Image.open(BytesIO(data))` + `load()`, "
            + ("in the script's own process" if self.args.pillow_in_process else "in a fresh process like DetectKit's")
            + ") "
            f"and of {self.args.detectkit_repeats} runs (DetectKit: `detectkit bench decode --json`, in one process, "
            f"file bytes already in memory), in {self.args.rounds} alternating round"
            f"{'s' if self.args.rounds != 1 else ''}: the figure is the median of "
            f"the round medians. Ratio = DetectKit time / Pillow time; target ≤ {DECODE_TARGET:g} for "
            "decoding.", "",
            self.table(), "",
            *self.dct_lines(), "",
            "## Agreement", "",
            self.checks_table(), "",
        ])
        print(text)
        out = self.args.results_dir
        out.mkdir(parents=True, exist_ok=True)
        (out / "imaging.md").write_text(text)
        raw = {
            "command": command, "machine": machine, "seed": self.args.seed, "rounds": self.args.rounds,
            "repeats": self.args.repeats, "detectkit_repeats": self.args.detectkit_repeats,
            "images": [{"file": t.file_name, "label": t.label, "mode": t.mode, "size": list(t.size),
                        "bytes": len(t.data), "save": t.save} for t in self.images],
            "rows": [{
                "operation": r.operation, "image": r.image, "size": list(r.size) if r.size else None,
                "pillow_median_s": r.pillow.median, "pillow_round_medians_s": r.pillow.samples,
                "detectkit_median_s": r.detectkit.median if r.detectkit else None,
                "detectkit_round_medians_s": r.detectkit.samples if r.detectkit else None,
                "detectkit_note": r.detectkit.note if r.detectkit else None,
                "ratio": r.ratio, "target": r.target, "meets_target": r.meets_target,
                "agreement": r.agreement, "ok": r.ok, **r.extra,
            } for r in self.rows],
            "dct_scaling": self.dct,
        }
        (out / "imaging.json").write_text(json.dumps(raw, indent=2) + "\n")
        log(f"wrote {out / 'imaging.md'} and {out / 'imaging.json'}")


def system_library_versions() -> dict[str, str | None]:
    """Versions of the system libjpeg-turbo and libpng DetectKit links (pkg-config), where known."""
    out: dict[str, str | None] = {}
    for name, pc in (("libjpeg-turbo", "libjpeg"), ("libpng", "libpng"), ("zlib", "zlib")):
        try:
            proc = subprocess.run(["pkg-config", "--modversion", pc], capture_output=True, text=True, timeout=10)
            out[name] = proc.stdout.strip() or None
        except (OSError, subprocess.TimeoutExpired):
            out[name] = None
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--detectkit", type=Path, default=REPO_ROOT / ".build" / "release" / "detectkit",
                   help="the detectkit binary (default: .build/release/detectkit)")
    p.add_argument("--peers-only", action="store_true", help="time Pillow alone; no DetectKit binary needed")
    p.add_argument("--repeats", type=int, default=15, help="timed Pillow runs per measurement (default 15)")
    p.add_argument("--detectkit-repeats", type=int, default=16,
                   help="decodes per `detectkit bench decode` measurement (default 16)")
    p.add_argument("--pillow-in-process", action="store_true",
                   help="time Pillow in this process (whose heap is warm from making the images) instead of a "
                        "fresh worker process per measurement, as DetectKit is")
    p.add_argument("--pillow-worker", choices=sorted(PILLOW_OPS), help=argparse.SUPPRESS)
    p.add_argument("files", nargs="*", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--rounds", type=int, default=5,
                   help="rounds, each timing DetectKit then Pillow; the median of the round medians is reported "
                        "(default 5)")
    p.add_argument("--detectkit-timeout", type=float, default=600.0,
                   help="seconds one detectkit run may take before its row is marked failed (default 600)")
    p.add_argument("--seed", type=int, default=20240601, help="seed of the synthetic images")
    p.add_argument("--results-dir", type=Path, default=DEFAULT_RESULTS, help="where the table and JSON go")
    p.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when DetectKit disagrees with Pillow or misses a target")
    p.add_argument("--keep-files", action="store_true", help="keep the temporary images (path is printed)")
    args = p.parse_args()
    if args.pillow_worker:
        pillow_worker(args.pillow_worker, args.files, args.repeats)
        return 0

    if not args.peers_only and not args.detectkit.is_file():
        p.error(f"no detectkit binary at {args.detectkit} (build it, pass --detectkit, or use --peers-only)")
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # inherited by the detectkit runs
    command = os.environ.get("DETECTKIT_BENCH_COMMAND") or shlex.join([Path(sys.executable).name, *sys.argv])

    bench = Benchmark(args)
    bench.decodes()
    bench.dct_scaling()
    bench.report(command)
    if not args.keep_files:
        shutil.rmtree(bench.tmp, ignore_errors=True)

    bad = [r for r in bench.rows if r.ok is False]
    slow = [r for r in bench.rows if r.meets_target is False]
    for r in bad:
        log(f"WARNING: {r.operation} of {r.image} disagrees with Pillow: {r.agreement}")
    for r in slow:
        log(f"WARNING: {r.operation} of {r.image}: DetectKit/Pillow = {r.ratio:.2f} > {r.target:g}")
    dct = bench.dct.get("detectkit")
    missed_dct = bool(dct) and dct["speedup"] < DCT_TARGET
    if missed_dct:
        log(f"WARNING: DCT scaling speed-up {dct['speedup']:.2f}× < {DCT_TARGET:g}×")
    return 1 if args.strict and (bad or slow or missed_dct) else 0


if __name__ == "__main__":
    sys.exit(main())
