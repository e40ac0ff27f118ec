"""Writes Tests/ImagingTests/Fixtures/resize/: OpenCV's cv2.resize results (INTER_LINEAR, INTER_AREA) for
DetectKit's bilinear and area filters, which must agree to within one level (OpenCV rounds its weights to 11
bits), and Pillow's Image.resize(BICUBIC) results for DetectKit's bicubic filter, which must be identical.
Deterministic:

    python training/golden_resize.py        # numpy, opencv-python-headless, pillow (training/requirements.txt)
"""
import json
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

OUT = Path(__file__).resolve().parent.parent / "Tests" / "ImagingTests" / "Fixtures" / "resize"
CASES = [  # (filter, width, height)
    ("bilinear", 80, 50), ("bilinear", 20, 13), ("bilinear", 61, 17), ("bilinear", 5, 40),
    ("area", 18, 11), ("area", 12, 7), ("area", 9, 5), ("area", 25, 16), ("area", 37, 8),
    ("bicubic", 18, 11), ("bicubic", 80, 50), ("bicubic", 5, 40), ("bicubic", 37, 7), ("bicubic", 13, 23),
    ("bicubic", 224, 139),
]


def main() -> None:
    rng = np.random.default_rng(7)
    h, w = 23, 37
    y, x = np.mgrid[0:h, 0:w]
    source = np.stack([x * 255 // (w - 1), y * 255 // (h - 1), (x * y) % 256], axis=-1).astype(np.int16)
    source = (source + rng.integers(-30, 30, source.shape)).clip(0, 255).astype(np.uint8)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "source.raw").write_bytes(source.tobytes())
    cases = []
    for name, tw, th in CASES:
        if name == "bicubic":
            out = np.asarray(Image.fromarray(source).resize((tw, th), Image.BICUBIC))
        else:
            interpolation = cv2.INTER_LINEAR if name == "bilinear" else cv2.INTER_AREA
            out = cv2.resize(source, (tw, th), interpolation=interpolation)
        file = f"{name}_{tw}x{th}.raw"
        (OUT / file).write_bytes(out.tobytes())
        cases.append({"filter": name, "width": tw, "height": th, "expected": file})
    manifest = {"generator": "training/golden_resize.py", "opencv": cv2.__version__, "pillow": Image.__version__,
                "source": {"file": "source.raw", "width": w, "height": h, "channels": 3}, "cases": cases}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"{OUT}: {len(cases)} cases")


if __name__ == "__main__":
    main()
