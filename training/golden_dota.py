"""Writes Tests/COCOTests/Fixtures/dota.json (DOTA label files as the references read them, for DetectKit's DOTA
reader and its quadrilateral -> oriented box conversion):

- "quads": ~300 quadrilaterals (corners as float32 values, in file order x1 y1 ... x4 y4), each with
  - "cv2": OpenCV's raw `cv2.minAreaRect` on the corners in float32, as ((cx, cy), (w, h), angle in degrees);
  - "xywhr": Ultralytics' `ops.xyxyxyxy2xywhr` on the corners as a float64 NumPy array (its float64 result: cx, cy, w,
    h are float32 values from OpenCV, the angle is float64 arithmetic on OpenCV's float32 degrees);
  - "xywhr32": the same on a float32 tensor (the dtype of its OBB training path, `Format` in data/augment.py);
  - "exact": the minimum-area rectangle in float64 (one side on a convex-hull edge, every edge tried), put in the
    same canonical form as Ultralytics (w the longer side, angle in [-pi/4, 3pi/4));
  - "ambiguous": why the numbers of a correct answer may differ from "xywhr" by more than rounding, so a test must
    compare rectangles (corners as a set) rather than numbers: "square" (w ~ h: angle theta or theta + pi/2),
    "wrap" (angle ~ -pi/4 or 3pi/4: theta or theta + pi), "tie" (two or more different rectangles of the same area
    within 1e-5, all listed in "alternatives", "exact" first); empty when the numbers are unambiguous;
  - "signed_area" (shoelace; > 0: clockwise on the image, y down) and, per kind, "angle_deg", "order", "base"...
  A test in float64 passes with |d cx, cy, w, h| <= 1e-6 * max(1, largest |coordinate|) and |d theta| <= 1e-5 rad
  where "ambiguous" is empty, and with corners as a set within the same and theta modulo pi/2 against one of
  "alternatives" (or "exact") otherwise: OpenCV's float32 errors use a quarter of that (checked when run).
  Kinds: exact rotated rectangles at many angles (0, +-90, 45, multiples of 90 and near them), squares and near
  squares, integer rectangles, the same rectangles with the corners in every order (both turning directions, every
  starting corner), rectangles with noisy corners (hand-labelled), general convex quads, axis-aligned, thin,
  small, large coordinates (images of 4000 px and more), rhombi/kites/trapezoids (ties).
- "invalid": raw label lines a strict reader refuses (non-convex, self-intersecting, degenerate, non-numeric token,
  too few fields, non-finite tokens that Python and Swift parse), each with its reason, what `cv2.minAreaRect` and
  Ultralytics return anyway, and what Ultralytics' `convert_dota_to_yolo_obb` does with the line (run for real on a
  one-line label file); "lenient": lines the reference tools accept that a strict reader may not.
- "files": small complete DOTA label files (with and without the "imagesource:"/"gsd:" header, difficult 0/1,
  hyphenated categories, trailing whitespace, a CRLF file, a blank line, no final newline) with the records
  expected from them (category, difficult, quad as parsed by Python's float(), OpenCV's and Ultralytics' boxes on
  it (they round the corners to float32 first), the float64 "exact" box and its "ambiguous" flags as above); the
  header is {"imagesource": text or null, "gsd": number, or null for "gsd:null" or no header}.

Floats are written exactly (Python's repr, shortest round trip). Non-finite numbers (only in "invalid") are written
as the strings "nan", "inf", "-inf". Deterministic; prints the float32-vs-float64 comparison:

    python training/golden_dota.py     # numpy, opencv-python-headless, torch, ultralytics (training/requirements.txt)
"""
import contextlib
import io
import json
import math
import tempfile
from pathlib import Path

import cv2
import numpy as np
import torch
from ultralytics.data.converter import convert_dota_to_yolo_obb
from ultralytics.utils.ops import xyxyxyxy2xywhr

OUT = Path(__file__).resolve().parent.parent / "Tests" / "COCOTests" / "Fixtures" / "dota.json"

POS_TOL = 1e-6  # recommended test tolerance on cx, cy, w, h, times max(1, largest |coordinate| of the quad)
ANGLE_TOL = 1e-5  # recommended test tolerance on theta, radians
SQUARE_TOL = 1e-4  # relative |w - h| / w under which w and h may swap
WRAP_TOL = 1e-4  # radians from -pi/4 or 3pi/4 under which theta may come out pi away
TIE_TOL = 1e-5  # relative area gap under which two rectangles tie (OpenCV's float32 choice errs by up to ~2e-7)


def f32(v):
    return float(np.float32(v))


def jnum(v):
    v = float(v)
    return v if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))


# ---------------------------------------------------------------- references


def cv2_raw(quad):
    (cx, cy), (w, h), a = cv2.minAreaRect(np.asarray(quad, dtype=np.float32).reshape(4, 2))
    return [[jnum(cx), jnum(cy)], [jnum(w), jnum(h)], jnum(a)]


def ultralytics64(quads):
    return [[float(v) for v in row] for row in xyxyxyxy2xywhr(np.asarray(quads, dtype=np.float64).reshape(-1, 8))]


def ultralytics32(quads):
    return xyxyxyxy2xywhr(torch.tensor(quads, dtype=torch.float32).reshape(-1, 8)).tolist()


def canonical(cx, cy, w, h, t):
    """Ultralytics' canonical form: w >= h, theta in [-pi/4, 3pi/4)."""
    if w < h:
        w, h, t = h, w, t + math.pi / 2
    while t >= 3 * math.pi / 4:
        t -= math.pi
    while t < -math.pi / 4:
        t += math.pi
    return [cx, cy, w, h, t]


def hull(points):
    """Convex hull (Andrew's monotone chain, collinear points dropped), counter-clockwise in y-up axes."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def candidates(quad):
    """For every hull edge, the bounding rectangle with a side on it: (area, canonical xywhr), float64."""
    pts = hull([(float(quad[2 * i]), float(quad[2 * i + 1])) for i in range(4)])
    out = []
    for i in range(len(pts)):
        (x0, y0), (x1, y1) = pts[i], pts[(i + 1) % len(pts)]
        n = math.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / n, (y1 - y0) / n
        a = [px * ux + py * uy for px, py in pts]
        b = [-px * uy + py * ux for px, py in pts]
        w, h = max(a) - min(a), max(b) - min(b)
        ma, mb = (max(a) + min(a)) / 2, (max(b) + min(b)) / 2
        out.append((w * h, canonical(ma * ux - mb * uy, ma * uy + mb * ux, w, h, math.atan2(uy, ux))))
    return out


def corners(b):
    cx, cy, w, h, t = b
    c, s = math.cos(t), math.sin(t)
    return [(cx + dx * c - dy * s, cy + dx * s + dy * c) for dx, dy in
            [(w / 2, h / 2), (-w / 2, h / 2), (-w / 2, -h / 2), (w / 2, -h / 2)]]


def rect_distance(a, b):
    """Largest distance from a corner of either rectangle to the nearest corner of the other."""
    ca, cb = corners(a), corners(b)
    d = lambda p, q: math.hypot(p[0] - q[0], p[1] - q[1])
    return max(max(min(d(p, q) for q in cb) for p in ca), max(min(d(p, q) for q in ca) for p in cb))


def same(a, b, m):
    """Equal within half the recommended tolerances (corners as a set; theta modulo pi/2)."""
    dt = abs(a[4] - b[4]) % (math.pi / 2)
    return rect_distance(a, b) <= POS_TOL / 2 * m and min(dt, math.pi / 2 - dt) <= ANGLE_TOL / 2


def exact(quad):
    """The float64 minimum-area rectangle, its ambiguity flags and the alternatives of a tie."""
    cands = candidates(quad)
    best_area, best = min(cands, key=lambda c: c[0])
    m = max(1.0, max(abs(v) for v in quad))
    alts = []
    for area, r in cands:
        if area <= best_area * (1 + TIE_TOL) and not any(same(r, o, m) for o in alts):
            alts.append(r)
    flags = []
    if best[2] - best[3] <= max(SQUARE_TOL * best[2], POS_TOL * m):
        flags.append("square")
    if min(abs(best[4] + math.pi / 4), abs(best[4] - 3 * math.pi / 4)) <= WRAP_TOL:
        flags.append("wrap")
    if len(alts) > 1:
        flags.append("tie")
    return best, flags, (alts if len(alts) > 1 else [])


# ---------------------------------------------------------------- quads


def rect_quad(cx, cy, w, h, deg):
    return [f32(v) for p in corners([cx, cy, w, h, math.radians(deg)]) for v in p]


def is_convex(q):
    """Strictly convex, simple (not self-intersecting) quadrilateral."""
    p = [(q[2 * i], q[2 * i + 1]) for i in range(4)]
    cr = [(p[(i + 1) % 4][0] - p[i][0]) * (p[(i + 2) % 4][1] - p[(i + 1) % 4][1])
          - (p[(i + 1) % 4][1] - p[i][1]) * (p[(i + 2) % 4][0] - p[(i + 1) % 4][0]) for i in range(4)]
    return all(c > 0 for c in cr) or all(c < 0 for c in cr)


def orders(q):
    """The 8 orders of the corners: 4 starting corners x 2 turning directions, with their names."""
    p = [q[2 * i:2 * i + 2] for i in range(4)]
    out = []
    for rev in (False, True):
        seq = p[::-1] if rev else p
        for s in range(4):
            r = seq[s:] + seq[:s]
            out.append(([v for c in r for v in c], f"{'reversed' if rev else 'given'}-start{s}"))
    return out


def signed_area(q):
    return 0.5 * sum(q[2 * i] * q[(2 * i + 3) % 8] - q[(2 * i + 2) % 8] * q[2 * i + 1] for i in range(4))


def make_quads(rng):
    cases = []

    def add(kind, q, **extra):
        q = [f32(v) for v in q]
        assert is_convex(q), (kind, q)
        cases.append({"kind": kind, "quad": q, **extra})

    angles = [0, 90, -90, 180, -180, 270, 360, 45, -45, 135, -135, 225, 30, 60, 120, 150, -30, -60, 1e-4, 1e-3, 0.01,
              0.1, 0.5, 1, -0.01, -1, 89, 89.9, 89.99, 89.999, 90.001, 90.01, 90.1, 91, -89.99, -90.01, 179.9, 179.99,
              180.01, 44.9, 44.99, 44.999, 45.001, 45.01, 45.1, -44.99, -45.01, 134.99, 135.01, 17.3]
    for d in angles:  # exact rotated rectangles (corners rounded to float32)
        add("rect", rect_quad(512.25, 300.5, 60, 20, d), angle_deg=d)
    for d in [0, 10, 30, 45, 60, 90, -30, 44.99, 45.01, 135]:  # squares
        add("square", rect_quad(200, 150, 32, 32, d), angle_deg=d)
    for r in [1 + 1e-6, 1 + 1e-4, 1 + 1e-3, 1 + 1e-2]:  # near squares
        add("near-square", rect_quad(200, 150, 32 * r, 32, 20), angle_deg=20, aspect=r)
    # exact integer rectangles: sides along (a, b) and (-b, a)
    for (a, b), k, m, o in [((1, 0), 40, 10, (10, 20)), ((0, 1), 40, 10, (100, 20)), ((1, 1), 20, 5, (300, 40)),
                            ((2, 1), 12, 4, (50, 300)), ((1, 2), 12, 4, (60, 310)), ((3, 4), 8, 3, (400, 400)),
                            ((4, 3), 8, 3, (400, 400)), ((5, 12), 3, 1, (700, 100)), ((12, 5), 3, 1, (700, 100)),
                            ((-1, 1), 20, 5, (300, 240)), ((-2, 1), 12, 4, (250, 300)), ((-3, 4), 8, 3, (420, 500)),
                            ((8, 15), 2, 1, (900, 600)), ((7, 24), 2, 1, (80, 900)), ((1, -3), 10, 2, (500, 700)),
                            ((1, 0), 1, 1, (0, 0)), ((1, 1), 10, 10, (500, 500)), ((3, 4), 5, 5, (600, 600)),
                            ((1, 0), 4000, 3, (0, 3997)), ((2, -1), 50, 3, (1000, 1500))]:
        p0 = np.array(o, float)
        u, v = np.array([a, b], float) * k, np.array([-b, a], float) * m
        add("rect-int", [*p0, *(p0 + u), *(p0 + u + v), *(p0 + v)], direction=[a, b])
    bases = [rect_quad(512.25, 300.5, 60, 20, 30), rect_quad(80, 90, 50, 50, 10), [10, 20, 50, 20, 50, 30, 10, 30],
             [f32(v) for v in [1054, 1028, 1063, 1011, 1111, 1040, 1112, 1062]],  # a real DOTA label
             [100, 90, 120, 100, 100, 110, 80, 100]]  # a rhombus: a tie, OpenCV answers the same for every order
    for i, base in enumerate(bases):  # every corner order
        for q, name in orders(base):
            add("order", q, base=i, order=name)
    for i in range(60):  # hand-labelled: noisy corners, integer (DOTA v1.0) or one decimal (v1.5/v2.0 write ".0")
        while True:
            w = rng.uniform(5, 300)
            h = rng.uniform(3, w)
            q = rect_quad(rng.uniform(0, 1024), rng.uniform(0, 1024), w, h, rng.uniform(-180, 180))
            q = [v + rng.normal(0, [0.3, 1, 2][i % 3]) for v in q]
            q = [float(round(v)) for v in q] if i % 2 == 0 else [round(v, 1) for v in q]
            if is_convex([f32(v) for v in q]):
                break
        add("noisy-int" if i % 2 == 0 else "noisy-fraction", q)
    for i in range(40):  # general convex quads
        while True:
            t = np.sort(rng.uniform(0, 2 * math.pi, 4))
            r = rng.uniform(0.4, 1.0, 4) * rng.uniform(5, 200)
            sx, rot = rng.uniform(0.3, 1), rng.uniform(0, math.pi)
            c = rng.uniform(0, 1024, 2)
            pts = [(r[j] * math.cos(t[j]) * sx, r[j] * math.sin(t[j])) for j in range(4)]
            pts = [(c[0] + x * math.cos(rot) - y * math.sin(rot), c[1] + x * math.sin(rot) + y * math.cos(rot))
                   for x, y in pts]
            q = [v for p in pts for v in p]
            q = [float(round(v)) for v in q] if i % 2 == 0 else q
            if is_convex([f32(v) for v in q]):
                break
        add("convex", q)
    for q in [[0, 0, 10, 0, 10, 5, 0, 5], [0, 0, 0, 5, 10, 5, 10, 0], [100, 200, 300, 200, 300, 260, 100, 260],
              [300, 260, 100, 260, 100, 200, 300, 200], [0.5, 0.25, 7.75, 0.25, 7.75, 3.5, 0.5, 3.5],
              [1023, 0, 1024, 0, 1024, 1, 1023, 1], [10, 10, 11, 10, 11, 30, 10, 30], [5, 5, 25, 5, 25, 6, 5, 6],
              [3999, 3990, 4000, 3990, 4000, 4000, 3999, 4000], [0.1, 0.1, 0.2, 0.1, 0.2, 0.2, 0.1, 0.2],
              [12.5, 7.5, 12.5, 107.5, 2.5, 107.5, 2.5, 7.5], [640, 480, 0, 480, 0, 0, 640, 0]]:
        add("axis-aligned", q)
    for hh in [1, 0.5, 0.1, 0.01]:  # thin
        for d in [0, 30, 90, 135]:
            add("thin", rect_quad(400.5, 250.25, 100, hh, d), thickness=hh, angle_deg=d)
    for i in range(30):  # large coordinates
        big = 20000 if i >= 25 else 4000
        w = rng.uniform(2, 500)
        h = rng.uniform(1, w)
        q = rect_quad(rng.uniform(big - 500, big), rng.uniform(0, big), w, h, rng.uniform(-180, 180))
        if i % 3 == 1:
            q = [v + rng.normal(0, 1) for v in q]
        if i % 3 != 2:
            q = [float(round(v)) for v in q]
        if not is_convex([f32(v) for v in q]):
            q = rect_quad(big - 250, big / 2, 300, 100, 20 + i)
        add("large", q, image=big)
    for i in range(8):  # tiny boxes at large coordinates: OpenCV's float32 centre against a 1-5 px box
        big = [4000, 20000][i % 2]
        add("large-tiny", rect_quad(rng.uniform(big - 100, big), rng.uniform(big - 100, big), rng.uniform(2, 5),
                                    rng.uniform(1, 2), rng.uniform(-180, 180)), image=big)
    for q in [[0, -10, 20, 0, 0, 10, -20, 0], [100, 90, 120, 100, 100, 110, 80, 100],  # rhombi, diagonals on the axes
              [0, -10, 20, 0, 0, 10, -20, 0][2:] + [0, -10], [0, -30, 10, 0, 0, 30, -10, 0],
              [0, 0, 40, -20, 80, 0, 40, 20], [500, 500, 530, 520, 500, 540, 470, 520],
              [0, -10, 5, 0, 0, 30, -5, 0], [200, 100, 230, 110, 200, 190, 170, 110],  # kites
              [0, 0, 40, 0, 30, 10, 10, 10], [0, 0, 100, 0, 60, 30, 40, 30],  # trapezoids
              [0, 0, 30, 0, 20, 40, 10, 40]]:
        add("tie-shape", q)
    c30, s30 = math.cos(math.pi / 6), math.sin(math.pi / 6)  # a rhombus with its diagonals at 30 degrees
    add("tie-shape", [300 + 20 * c30, 200 + 20 * s30, 300 - 10 * s30, 200 + 10 * c30,
                      300 - 20 * c30, 200 - 20 * s30, 300 + 10 * s30, 200 - 10 * c30])
    for i in range(10):  # small (small-vehicle), integer
        while True:
            q = rect_quad(rng.uniform(0, 1024), rng.uniform(0, 1024), rng.uniform(4, 10), rng.uniform(2, 4),
                          rng.uniform(-180, 180))
            q = [float(round(v)) for v in q]
            if is_convex([f32(v) for v in q]):
                break
        add("small", q)
    return cases


# ---------------------------------------------------------------- invalid lines and files


def converter_on(line, tmp):
    """What Ultralytics' convert_dota_to_yolo_obb writes for a one-line label file (or the exception it raises)."""
    root = Path(tmp)
    for phase in ("train", "val"):
        (root / "images" / phase).mkdir(parents=True, exist_ok=True)
        (root / "labels" / f"{phase}_original").mkdir(parents=True, exist_ok=True)
    img = root / "images" / "train" / "P0000.png"
    if not img.exists():
        cv2.imwrite(str(img), np.zeros((100, 200, 3), np.uint8))  # width 200, height 100
    (root / "labels" / "train_original" / "P0000.txt").write_text(line + "\n")
    out = root / "labels" / "train" / "P0000.txt"
    out.unlink(missing_ok=True)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):  # its progress bars
            convert_dota_to_yolo_obb(str(root))
    except Exception as e:  # noqa: BLE001 - recorded
        return f"raises {type(e).__name__}: {e}"
    text = out.read_text() if out.exists() else ""
    return f"writes {text.strip()!r}" if text.strip() else "skips the line"


def parse_floats(tokens):
    try:
        return [float(t) for t in tokens]
    except ValueError:
        return None


def reference_boxes(quad):
    """cv2 and Ultralytics on a quad that may be degenerate or non-finite."""
    try:
        raw = cv2_raw(quad)
    except cv2.error as e:
        return f"cv2.error: {e}".splitlines()[0], None
    try:
        ultra = [jnum(v) for v in xyxyxyxy2xywhr(np.asarray([quad], dtype=np.float64))[0]]
    except Exception as e:  # noqa: BLE001 - recorded
        ultra = f"raises {type(e).__name__}: {e}"
    return raw, ultra


INVALID = [
    ("non-convex", "one corner pushed inside (an arrowhead): the hull is a triangle",
     "100 100 200 100 200 200 180 120 plane 0"),
    ("non-convex", "one corner pushed just past the diagonal", "0 0 40 0 40 20 21 9 small-vehicle 0"),
    ("self-intersecting", "bow-tie: corners 3 and 4 swapped (the hull is the rectangle)",
     "10 10 60 10 10 40 60 40 large-vehicle 0"),
    ("self-intersecting", "bow-tie: corners 2 and 3 swapped", "10 10 60 40 60 10 10 40 ship 1"),
    ("degenerate", "all four corners collinear", "0 0 10 10 20 20 30 30 bridge 0"),
    ("degenerate", "all four corners collinear, vertical", "50 10 50 20 50 30 50 40 bridge 0"),
    ("degenerate", "all four corners the same point", "5 5 5 5 5 5 5 5 small-vehicle 0"),
    ("degenerate", "two points, each repeated (zero area)", "0 0 0 0 30 40 30 40 harbor 0"),
    ("degenerate", "a repeated corner (a triangle)", "0 0 10 0 10 0 0 10 plane 0"),
    ("degenerate", "a corner on the segment between its neighbours (a triangle)", "0 0 10 0 20 0 10 10 plane 0"),
    ("non-numeric", "a non-numeric coordinate", "10 20 30 40 abc 60 70 80 plane 0"),
    ("non-numeric", "a coordinate with a comma decimal", "10 20 30,5 20 30 40 10 40 plane 0"),
    ("non-numeric", "the difficult flag is not 0/1", "10 20 30 20 30 40 10 40 plane x"),
    ("too-few-fields", "eight numbers, no category", "10 20 30 20 30 40 10 40"),
    ("too-few-fields", "six numbers", "10 20 30 20 30 40 plane 0"),
    ("non-finite", "'nan' parses as a number in Python and Swift", "nan 20 30 20 30 40 10 40 plane 0"),
    ("non-finite", "'inf' parses as a number in Python and Swift", "10 20 inf 20 30 40 10 40 plane 0"),
    ("non-finite", "'1e999' overflows to infinity", "10 20 30 20 1e999 40 10 40 plane 0"),
]

LENIENT = [
    ("missing-difficult", "nine fields: DOTA devkit reads difficult as '0'; Ultralytics ignores difficult",
     "10 20 30 20 30 40 10 40 plane"),
    ("extra-fields", "eleven fields: DOTA devkit and Ultralytics ignore the extra ones",
     "10 20 30 20 30 40 10 40 plane 0 extra"),
    ("tabs", "tab separated: Ultralytics' split() accepts, DOTA devkit's split(' ') does not",
     "10\t20\t30\t20\t30\t40\t10\t40\tplane\t0"),
    ("double-space", "two spaces: Ultralytics' split() accepts, DOTA devkit's split(' ') gets an empty field",
     "10  20 30 20 30 40 10 40 plane 0"),
]


def line_entry(kind, why, line, tmp):
    toks = line.split()
    quad = parse_floats(toks[:8]) if len(toks) >= 8 else None
    raw, ultra = reference_boxes(quad) if quad is not None else (None, None)
    return {"line": line, "reason": kind, "detail": why, "quad": [jnum(v) for v in quad] if quad else None,
            "cv2": raw, "xywhr": ultra, "converter": converter_on(line, tmp)}


FILES = [
    ("P0001.txt", "DOTA v1.0: header, integer corners, LF, trailing spaces, final newline",
     "imagesource:GoogleEarth\n"
     "gsd:0.146343590398\n"
     "1054 1028 1063 1011 1111 1040 1112 1062 ship 1\n"
     "807 331 800 324 817 309 823 316 small-vehicle 0 \n"
     "2345 1200 2520 1180 2540 1388 2362 1410 ground-track-field 0\n"
     "100 100 140 100 140 120 100 120 large-vehicle 0\n"
     "512 300 560 316 552 340 504 324 plane 1  \n"),
    ("P0002.txt", "DOTA v1.5/v2.0: no header, one-decimal corners, CRLF, a blank line, no final newline",
     "2753.0 2408.0 2861.0 2385.0 2888.0 2468.0 2805.0 2502.0 container-crane 0\r\n"
     "1229.5 843.0 1251.0 843.0 1251.0 860.5 1229.5 860.5 swimming-pool 1\r\n"
     "\r\n"
     "3920.0 3950.0 3999.0 3950.0 3999.0 3999.0 3920.0 3999.0 harbor 0 \r\n"
     "17.3 25.8 41.9 18.2 45.6 30.4 21.0 38.0 small-vehicle 1"),
    ("P0003.txt", "DOTA v1.0 header with gsd:null, corners counter-clockwise and starting at any corner",
     "imagesource:GF2\n"
     "gsd:null\n"
     "200 150 200 170 260 170 260 150 tennis-court 0\n"
     "330 410 300 380 330 350 360 380 roundabout 0\n"
     "88 64 92 60 96 64 92 68 baseball-diamond 1\n"),
]


def parse_file(text):
    header, records = {"imagesource": None, "gsd": None}, []
    for i, line in enumerate(text.splitlines()):
        s = line.strip()
        if s.startswith("imagesource:"):
            header["imagesource"] = s[len("imagesource:"):]
        elif s.startswith("gsd:"):
            g = s[len("gsd:"):]
            header["gsd"] = None if g == "null" else float(g)
        elif s:
            t = s.split()
            assert len(t) == 10, line
            quad = [float(v) for v in t[:8]]
            best, flags, alts = exact(quad)
            records.append({"line": i, "category": t[8], "difficult": int(t[9]), "quad": quad, "cv2": cv2_raw(quad),
                            "xywhr": ultralytics64([quad])[0], "exact": best, "ambiguous": flags,
                            **({"alternatives": alts} if alts else {})})
    return header, records


# ---------------------------------------------------------------- main


def main() -> None:
    cv2.setNumThreads(1)
    rng = np.random.default_rng(2017)  # DOTA's year
    cases = make_quads(rng)
    quads = [c["quad"] for c in cases]
    u64, u32 = ultralytics64(quads), ultralytics32(quads)
    for c, a, b in zip(cases, u64, u32):
        c["signed_area"] = signed_area(c["quad"])  # > 0: clockwise on the image (y down)
        c["cv2"] = cv2_raw(c["quad"])
        c["xywhr"], c["xywhr32"] = a, b
        best, flags, alts = exact(c["quad"])
        c["exact"], c["ambiguous"] = best, flags
        if alts:
            c["alternatives"] = alts
    with tempfile.TemporaryDirectory() as tmp:
        invalid = [line_entry(k, why, line, tmp) for k, why, line in INVALID]
        lenient = [line_entry(k, why, line, tmp) for k, why, line in LENIENT]
    files = []
    for name, what, text in FILES:
        header, records = parse_file(text)
        files.append({"name": name, "detail": what, "text": text, "header": header, "records": records})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"quads": cases, "invalid": invalid, "lenient": lenient, "files": files},
                              allow_nan=False) + "\n")
    print(f"{OUT}: {len(cases)} quads, {len(invalid)} invalid lines, {len(lenient)} lenient, {len(files)} files")
    report(cases)


def report(cases):
    """float32 OpenCV (through Ultralytics) against the float64 minimum-area rectangle."""
    plain = [c for c in cases if not c["ambiguous"]]
    names = ["cx", "cy", "w", "h", "theta"]
    print(f"unambiguous: {len(plain)} of {len(cases)}; ambiguous:",
          {k: sum(k in c["ambiguous"] for c in cases) for k in ("square", "wrap", "tie")})
    for lo, hi in [(0, 1100), (1100, 4200), (4200, 21000)]:
        group = [c for c in plain if lo <= max(abs(v) for v in c["quad"]) < hi]
        print(f"  unambiguous, largest coordinate in [{lo}, {hi}): {len(group)} quads")
        for i, n in enumerate(names):
            worst = max(group, key=lambda c: abs(c["xywhr"][i] - c["exact"][i]))
            print(f"    max |{n} ultralytics - exact| = {abs(worst['xywhr'][i] - worst['exact'][i]):.3g}"
                  f" ({worst['kind']}, quad {worst['quad']})")
    rel = lambda c: max(abs(c["xywhr"][i] - c["exact"][i]) for i in range(4)) / max(abs(v) for v in c["quad"])
    worst = max(plain, key=rel)
    print(f"  max over cx, cy, w, h of |diff| / max|coordinate| = {rel(worst):.3g} ({worst['kind']})")
    ties = [c for c in cases if "tie" in c["ambiguous"]]
    exact_ties, near = 0, 0.0
    for c in ties:
        areas = sorted(a[2] * a[3] for a in c["alternatives"])
        exact_ties += areas[1] - areas[0] <= 1e-12 * areas[0]
        near = max(near, min(max(abs(c["xywhr"][i] - a[i]) for i in range(5)) for a in c["alternatives"]))
    spread = max(max(rect_distance(a, b) for a in c["alternatives"] for b in c["alternatives"]) for c in ties)
    print(f"  ties: {len(ties)} ({exact_ties} with equal areas in float64); alternatives up to {spread:.3g} px apart;"
          f" Ultralytics' answer is within {near:.3g} (largest component) of one of them")
    picked = sum(min(range(len(c["alternatives"])), key=lambda k: rect_distance(c["xywhr"], c["alternatives"][k])) != 0
                 for c in ties)
    print(f"  ties where OpenCV picked another rectangle than the float64 search (first edge wins): {picked}")
    other = [c for c in cases if c["ambiguous"] and "tie" not in c["ambiguous"]]
    far = max(rect_distance(c["xywhr"], c["exact"]) for c in other)
    print(f"  square/wrap: corner distance to exact at most {far:.3g};"
          f" {sum(abs(c['xywhr'][4] - c['exact'][4]) > 1e-3 for c in other)} of {len(other)} have another theta")
    worst = {"xywhr": 0.0, "xywhr32": 0.0}
    for c in cases:  # the test the fixture is for: numbers where unambiguous, else rectangles, within the tolerances
        m = max(1.0, max(abs(v) for v in c["quad"]))
        for key in worst:
            if not c["ambiguous"]:
                r = max(max(abs(c[key][i] - c["exact"][i]) for i in range(4)) / (POS_TOL * m),
                        abs(c[key][4] - c["exact"][4]) / ANGLE_TOL)
            else:  # corners as a set, theta modulo pi/2
                dt = [abs(c[key][4] - a[4]) % (math.pi / 2) for a in c.get("alternatives", [c["exact"]])]
                r = min(max(rect_distance(c[key], a) / (POS_TOL * m), min(t, math.pi / 2 - t) / ANGLE_TOL)
                        for a, t in zip(c.get("alternatives", [c["exact"]]), dt))
            worst[key] = max(worst[key], r)
    assert max(worst.values()) < 1, worst
    print(f"  with tolerances {POS_TOL} x max(1, max|coordinate|) and {ANGLE_TOL} rad, the largest error is"
          f" {worst['xywhr']:.2f} of the tolerance (float32 tensor: {worst['xywhr32']:.2f})")
    d32 = max(max(abs(a - b) for a, b in zip(c["xywhr"], c["xywhr32"])) for c in cases)
    print(f"  max |xywhr (float64) - xywhr32 (float32 tensor)| = {d32:.3g}")
    by_base = {}
    for c in cases:
        if c["kind"] == "order":
            by_base.setdefault(c["base"], set()).add(json.dumps(c["cv2"]))
    print("  distinct cv2 results over the 8 corner orders, per base:", {k: len(v) for k, v in by_base.items()})
    angles = [c["cv2"][2] for c in cases]
    print(f"  cv2 angle range [{min(angles)}, {max(angles)}];"
          f" theta range [{min(c['xywhr'][4] for c in cases):.9g}, {max(c['xywhr'][4] for c in cases):.9g}]")


if __name__ == "__main__":
    main()
