#!/usr/bin/env python3
"""NumPy .npy fixtures for DetectKit's NumPyArrayFile reader, written by NumPy itself (numpy.lib.format).

Each readable file holds `np.arange(n) * 0.37 - 1.5` (or a named variant) in some dtype, version and shape;
`manifest.json` lists every file with its shape and values as float32 (what the reader must return), or the
part of the error message expected for the files it must refuse.

    python training/golden_npy.py --out Tests
"""
import argparse
import json
from pathlib import Path

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    folder = parser.parse_args().out / "NeuralCoreTests/Fixtures/npy"
    folder.mkdir(parents=True, exist_ok=True)
    base = (np.arange(24) * 0.37 - 1.5).reshape(2, 3, 4)
    readable, refused = [], []

    def write(name, array, version=None):
        with open(folder / name, "wb") as f:
            np.lib.format.write_array(f, array, version=version, allow_pickle=False)

    def ok(name, array, version=None):
        write(name, array, version)
        readable.append({"file": name, "shape": list(array.shape),
                         "values": [float(np.float32(v)) for v in np.asarray(array, dtype=np.float64).reshape(-1)]})

    ok("f4_v1.npy", base.astype("<f4"))
    ok("f2_v1.npy", base.astype("<f2"))
    ok("f8_v1.npy", np.array([1e-300, -1e300 / 1e300, 3.0e38, 1 / 3], dtype="<f8"))
    ok("f4_v2.npy", base.astype("<f4"), version=(2, 0))
    ok("f4_v3.npy", base.astype("<f4"), version=(3, 0))
    ok("scalar.npy", np.array(2.5, dtype="<f4"))
    ok("empty.npy", np.zeros((0, 3), dtype="<f4"))
    ok("f4_transposed_copy.npy", np.ascontiguousarray(base.astype("<f4").transpose(2, 0, 1)))
    ok("fortran.npy", np.asfortranarray(base.astype("<f4")))
    ok("fortran_transposed.npy", base.astype("<f2").transpose(1, 2, 0))
    write("big_endian.npy", base.astype(">f4"))
    refused.append({"file": "big_endian.npy", "message": "dtype '>f4' is not supported"})
    write("int32.npy", np.arange(6, dtype="<i4"))
    refused.append({"file": "int32.npy", "message": "dtype '<i4' is not supported"})
    data = (folder / "f4_v1.npy").read_bytes()
    (folder / "truncated.npy").write_bytes(data[:-5])
    refused.append({"file": "truncated.npy", "message": "truncated"})
    (folder / "trailing.npy").write_bytes(data + b"\0\0\0\0")
    refused.append({"file": "trailing.npy", "message": "4 bytes after the 24 values"})
    (folder / "not_npy.npy").write_bytes(b"PK\x03\x04 this is a zip")
    refused.append({"file": "not_npy.npy", "message": "not a NumPy .npy file"})
    manifest = {"generator": "training/golden_npy.py", "peer": f"numpy {np.__version__} numpy.lib.format.write_array",
                "readable": readable, "refused": refused}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


if __name__ == "__main__":
    main()
