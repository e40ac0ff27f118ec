#!/usr/bin/env python3
"""Golden fixtures for DetectKit's Imaging module (PNG through libpng, JPEG through libjpeg-turbo).

Writes Tests/ImagingTests/Fixtures/ (or the folder given by --out):

* png/*.png, jpeg/*.jpg: small test images (13x11, 31x17, 64x48 and other odd sizes; content is smooth
  gradients plus noise plus sharp edges, saturated 0/255 patches and a 1-pixel checkerboard, so any decoding
  difference shows);
* *.raw next to each: the expected decoded pixels, row-major, interleaved, 8-bit, `channels` bytes per pixel,
  no header;
* bad/*: files that must make the decoder throw;
* manifest.json:
      {"generator": "training/golden_imaging.py", "pillow": "13.0.0", "pillow_libjpeg_turbo": "3.2.0",
       "libpng_system": "1.6.39", "libjpeg_turbo_system": "2.1.5",
       "images": [{"file", "format" ("png"/"jpeg"), "width", "height", "channels", "expected", "exact", "note",
                   optional "orientation" (EXIF, JPEG), "stored_width"/"stored_height" (before EXIF rotation),
                   "expected_cmyk" (4-component JPEGs: Pillow's CMYK, 4 bytes a pixel),
                   "max_abs_diff" (only where exact is false: Pillow vs the system libjpeg),
                   "pillow_agrees": false (only where the expectation is libpng's and Pillow differs)}, ...],
       "bad": [{"file", "error", "note"}, ...]}
  `width`/`height`/`channels` describe the .raw (for EXIF orientations 5-8 they are the rotated, displayed
  size).

How the files are made: PNGs are written byte by byte here (zlib + struct), cycling through all five filter
types row by row and splitting IDAT into several chunks, so that interlacing (Adam7), tRNS, 1/2/4/16-bit samples
and odd widths can be produced; one PNG is written by Pillow as a second encoder. JPEGs come from Pillow's
encoder (4:4:4, 4:2:2, 4:2:0, progressive, optimised Huffman, custom qtables, CMYK, EXIF) and from Debian's
`cjpeg` (4:4:0 = -sample 1x2, 4:1:1 = -sample 4x1, restart markers, arithmetic coding, RGB colour space). The
YCCK JPEG is Pillow's Adobe CMYK JPEG with the APP14 transform byte changed from 0 to 2, which makes decoders
read the same coefficients as YCCK.

Expected pixels come from Pillow decoding each file, converted to DetectKit's convention (below), and for every
PNG are also asserted equal to the samples this script wrote. For JPEGs the generator also decodes each file
with the system libjpeg-turbo 2.1.5 (Debian's `djpeg`, and a small C helper linked against the system libjpeg
and libpng that applies exactly DetectKit's decoder settings) and sets "exact" to whether they agree with
Pillow (whose wheel bundles its own libjpeg-turbo 3.x). The generator asserts every PNG expectation against
the same helper (system libpng 1.6.39).

DetectKit's decoding convention
  PNG (libpng: png_set_expand, png_set_strip_16, png_set_interlace_handling):
    gray 1/2/4/8 bit    -> 1 channel, expanded like png_set_expand_gray_1_2_4_to_8 (1-bit 0/255, 2-bit v*85,
                           4-bit v*17)                                           (Pillow convert("L"))
    gray+alpha          -> 2 channels                                            (Pillow "LA")
    RGB -> 3, RGBA -> 4
    palette w/o tRNS    -> 3 channels RGB                                        (Pillow convert("RGB"))
    palette with tRNS   -> 4 channels RGBA (entries past the tRNS length opaque)  (Pillow convert("RGBA"))
    gray with tRNS      -> 2 channels, alpha 0 where the sample equals the tRNS gray (compared at the file's
                           bit depth), else 255                                  (Pillow convert("LA"))
    RGB with tRNS       -> 4 channels RGBA                                       (Pillow convert("RGBA"))
    16-bit anything     -> high byte of each sample (png_set_strip_16, no rounding); computed here as
                           value >> 8 from the 16-bit samples written (Pillow's 8-bit path is not used).
                           16-bit with tRNS: the tRNS comparison is made on the full 16-bit sample first.
  JPEG (libjpeg defaults: JDCT_ISLOW, fancy upsampling; output gray -> 1 channel, YCbCr/RGB -> 3 channels RGB):
    CMYK / YCCK         -> libjpeg out_color_space JCS_CMYK gives the stored (Adobe: inverted) samples; then
                           RGB = Pillow's cmyk2rgb applied to Pillow's CMYK, where Pillow's CMYK = 255 - stored
                           (Pillow always loads 4-component JPEGs as "CMYK;I"):
                               nk = 255 - K;  R = nk - MULDIV255(C, nk)   (same for G with M, B with Y)
                               MULDIV255(a, b) = ((t >> 8) + t) >> 8 with t = a*b + 128, i.e. round(a*b/255)
                           With s = stored samples this is R = round(sC*sK/255), which is also libjpeg-turbo's
                           cmyk_to_rgb in djpeg. "expected_cmyk" holds Pillow's CMYK (255 - stored).
    EXIF orientation    -> pixels rotated/flipped like PIL.ImageOps.exif_transpose; 5-8 swap width/height.
  Bad files: see "bad"; a truncated JPEG is only a *warning* in libjpeg (JWRN_JPEG_EOF, rest filled grey), so
  DetectKit must turn libjpeg warnings into errors; the huge PNG/JPEG headers pass libpng's and libjpeg's own
  limits (1,000,000 px and 65,500 px a side), so DetectKit must refuse them by its own pixel limit before
  allocating.

Rerun from the repository root (Debian bookworm; the dev packages are already needed by the Swift build):

    apt-get install -y libjpeg-turbo-progs libjpeg62-turbo-dev libpng-dev gcc   # cjpeg, djpeg, helper
    # (where apt's sandbox user cannot write /dev/null: apt-get -o APT::Sandbox::User=root ...)
    python training/golden_imaging.py            # writes Tests/ImagingTests/Fixtures
    python training/golden_imaging.py --check    # decodes the committed fixtures with the system libraries

with the pinned environment (training/requirements.txt: pillow==13.0.0, numpy). The output is deterministic
(fixed seeds); regenerated image bytes can differ with another zlib or Pillow build, the expected pixels not.
`--check` does not write anything: it decodes every good file with the system `djpeg` (JPEG) and the C helper
(PNG and JPEG) and prints, per file, whether the result equals the committed .raw, then that each bad file is
rejected by the helper (which, like DetectKit should, refuses images over 2**26 pixels from the header and treats
libjpeg warnings as failures; djpeg is not run on the huge JPEG: libjpeg itself would stream all 10.8 GB).
"""

import argparse
import io
import json
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
import PIL
from PIL import Image, ImageOps, features

GENERATOR = "training/golden_imaging.py"
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "Tests" / "ImagingTests" / "Fixtures"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
EXIF_TRANSPOSE = {  # orientation -> numpy op on an (H, W, C) array, as PIL.ImageOps.exif_transpose does
    1: lambda a: a,
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1, :],
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: a[::-1, ::-1].transpose(1, 0, 2),
    8: lambda a: np.rot90(a, 1),
}

# ---------------------------------------------------------------------------------------------------------------
# Image content


def content(width, height, channels, seed, maxval=255):
    """(H, W, C) samples in 0..maxval: smooth waves + ramps + noise, a vertical step edge, a diagonal edge,
    saturated 0 and maxval corners and a 1-pixel checkerboard patch (constant across channels)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = x / max(width - 1, 1), y / max(height - 1, 1)
    planes = []
    for c in range(channels):
        fx, fy, phase = rng.uniform(0.4, 1.6), rng.uniform(0.4, 1.6), rng.uniform(0, 2 * np.pi)
        value = 0.5 + 0.3 * np.sin(2 * np.pi * (fx * u + fy * v) + phase) + 0.15 * (u - v) * (1 if c % 2 else -1)
        value += rng.normal(0.0, 0.035, (height, width))
        step = int(rng.integers(width // 4, 3 * width // 4 + 1))
        value = np.where(x >= step, value + (0.3 if c % 2 == 0 else -0.3), value)
        value = np.where(y * width > (x + rng.uniform(-0.3, 0.3) * width) * height * 0.8, value * 0.6, value)
        planes.append(value)
    value = np.clip(np.stack(planes, axis=-1), 0.0, 1.0)
    k = max(1, min(width, height) // 6)
    value[:k, :k] = 0.0
    value[-k:, -k:] = 1.0
    cy, cx = height // 2, width // 2
    patch = ((x + y) % 2)[cy - k: cy + k, cx - k: cx + k]
    value[cy - k: cy + k, cx - k: cx + k] = np.where(patch[..., None] > 0, 0.8, 0.2)
    return np.rint(value * maxval).astype(np.uint16 if maxval > 255 else np.uint8)


# ---------------------------------------------------------------------------------------------------------------
# PNG writer


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_row(samples, bit_depth):
    """One row of samples (W, C) as PNG bytes."""
    flat = samples.reshape(-1).astype(np.uint32)
    if bit_depth == 16:
        return flat.astype(">u2").tobytes()
    if bit_depth == 8:
        return flat.astype(np.uint8).tobytes()
    per_byte = 8 // bit_depth
    padded = np.zeros(-(-len(flat) // per_byte) * per_byte, np.uint32)
    padded[: len(flat)] = flat
    groups = padded.reshape(-1, per_byte)
    shifts = np.array([8 - bit_depth * (i + 1) for i in range(per_byte)], np.uint32)
    return (groups << shifts).sum(axis=1).astype(np.uint8).tobytes()


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind, row, prior, bpp):
    out = bytearray(len(row))
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        predictor = (0, a, b, (a + b) // 2, paeth(a, b, c))[kind]
        out[i] = (x - predictor) & 0xFF
    return bytes([kind]) + bytes(out)


def filtered_image(samples, bit_depth, first_filter):
    """Filter lines of one (sub)image, cycling filter types None, Sub, Up, Average, Paeth."""
    height, width, channels = samples.shape
    if height == 0 or width == 0:
        return b""
    bpp = max(1, channels * bit_depth // 8)
    data, prior = bytearray(), None
    for r in range(height):
        row = pack_row(samples[r], bit_depth)
        prior = prior if prior is not None else bytes(len(row))
        data += filter_row((first_filter + r) % 5, row, prior, bpp)
        prior = row
    return bytes(data)


def png_bytes(samples, bit_depth, color_type, plte=None, trns=None, interlace=False, extra=(), idat_size=97,
              level=9):
    height, width = samples.shape[:2]
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    if interlace:
        raw = b"".join(filtered_image(samples[y0::dy, x0::dx], bit_depth, p)
                       for p, (x0, y0, dx, dy) in enumerate(ADAM7))
    else:
        raw = filtered_image(samples, bit_depth, 0)
    compressed = zlib.compress(raw, level)
    out = PNG_SIGNATURE + chunk(b"IHDR", ihdr)
    for kind, data in extra:
        out += chunk(kind, data)
    if plte is not None:
        out += chunk(b"PLTE", bytes(np.asarray(plte, np.uint8).reshape(-1)))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    for i in range(0, len(compressed), idat_size):
        out += chunk(b"IDAT", compressed[i: i + idat_size])
    return out + chunk(b"IEND", b"")


# ---------------------------------------------------------------------------------------------------------------
# Helper linked against the system libpng / libjpeg, decoding with DetectKit's settings

HELPER_C = r"""
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include <jpeglib.h>

#define STR_(x) #x
#define STR(x) STR_(x)
#define MAX_PIXELS (1ull << 26)

static int decode_png(FILE *f) {
    png_structp p = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(p);
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(p))) {
        png_destroy_read_struct(&p, &info, NULL);
        free(pixels); free(rows);
        return 1;
    }
    png_init_io(p, f);
    png_read_info(p, info);
    png_uint_32 w = png_get_image_width(p, info), h = png_get_image_height(p, info);
    if ((unsigned long long)w * h > MAX_PIXELS) { fprintf(stderr, "too large: %ux%u\n", w, h); png_error(p, "too large"); }
    png_set_expand(p);
    png_set_strip_16(p);
    png_set_interlace_handling(p);
    png_read_update_info(p, info);
    unsigned c = png_get_channels(p, info);
    size_t rowbytes = png_get_rowbytes(p, info);
    pixels = malloc(rowbytes * h);
    rows = malloc(sizeof(png_bytep) * h);
    for (png_uint_32 i = 0; i < h; i++) rows[i] = pixels + i * rowbytes;
    png_read_image(p, rows);
    png_read_end(p, NULL);
    printf("%u %u %u\n", w, h, c);
    fwrite(pixels, 1, rowbytes * h, stdout);
    png_destroy_read_struct(&p, &info, NULL);
    free(pixels); free(rows);
    return 0;
}

struct err { struct jpeg_error_mgr pub; jmp_buf jb; };
static void on_error(j_common_ptr c) {
    char msg[JMSG_LENGTH_MAX];
    (*c->err->format_message)(c, msg);
    fprintf(stderr, "libjpeg error: %s\n", msg);
    longjmp(((struct err *)c->err)->jb, 1);
}
static void on_output(j_common_ptr c) {
    char msg[JMSG_LENGTH_MAX];
    (*c->err->format_message)(c, msg);
    fprintf(stderr, "libjpeg warning: %s\n", msg);
}

static int decode_jpeg(FILE *f) {
    struct jpeg_decompress_struct cinfo;
    struct err jerr;
    unsigned char *volatile pixels = NULL;
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = on_error;
    jerr.pub.output_message = on_output;
    if (setjmp(jerr.jb)) { jpeg_destroy_decompress(&cinfo); free(pixels); return 1; }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    jpeg_read_header(&cinfo, TRUE);
    if ((unsigned long long)cinfo.image_width * cinfo.image_height > MAX_PIXELS) {
        fprintf(stderr, "too large: %ux%u\n", cinfo.image_width, cinfo.image_height);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo.out_color_space = JCS_GRAYSCALE; break;
    case JCS_CMYK: case JCS_YCCK: cinfo.out_color_space = JCS_CMYK; break;
    default: cinfo.out_color_space = JCS_RGB; break;
    }
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * cinfo.output_components;
    pixels = malloc(stride * cinfo.output_height);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    int warnings = (int)jerr.pub.num_warnings;
    printf("%u %u %u\n", cinfo.output_width, cinfo.output_height, cinfo.output_components);
    fwrite(pixels, 1, stride * cinfo.output_height, stdout);
    jpeg_destroy_decompress(&cinfo);
    free(pixels);
    return warnings ? 2 : 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--versions") == 0) {
        printf("libpng %s libjpeg-turbo %s\n", png_get_libpng_ver(NULL), STR(LIBJPEG_TURBO_VERSION));
        return 0;
    }
    if (argc != 3) return 64;
    FILE *f = fopen(argv[2], "rb");
    if (!f) return 66;
    int rc = strcmp(argv[1], "png") == 0 ? decode_png(f) : decode_jpeg(f);
    fclose(f);
    return rc;
}
"""


class System:
    """The system decoders: djpeg and the helper above."""

    def __init__(self, workdir):
        for tool in ("cjpeg", "djpeg", "cc"):
            if shutil.which(tool) is None:
                sys.exit(f"{tool} not found: apt-get install -y libjpeg-turbo-progs libjpeg62-turbo-dev "
                         "libpng-dev gcc")
        source = Path(workdir) / "helper.c"
        source.write_text(HELPER_C)
        self.helper = Path(workdir) / "helper"
        subprocess.run(["cc", "-O1", "-o", str(self.helper), str(source), "-lpng16", "-ljpeg"], check=True)
        self.versions = subprocess.run([str(self.helper), "--versions"], capture_output=True, text=True,
                                       check=True).stdout.split()

    def helper_decode(self, kind, path):
        """(rc, (H, W, C) array or None, stderr)."""
        run = subprocess.run([str(self.helper), kind, str(path)], capture_output=True)
        if run.returncode not in (0, 2):
            return run.returncode, None, run.stderr.decode(errors="replace").strip()
        header, _, body = run.stdout.partition(b"\n")
        w, h, c = map(int, header.split())
        return run.returncode, np.frombuffer(body, np.uint8).reshape(h, w, c), run.stderr.decode().strip()

    @staticmethod
    def djpeg(path):
        """(rc, (H, W, C) array or None, stderr) from `djpeg -pnm` (default ISLOW, fancy upsampling)."""
        run = subprocess.run(["djpeg", "-pnm", str(path)], capture_output=True)
        if run.returncode not in (0, 2) or not run.stdout:
            return run.returncode, None, run.stderr.decode(errors="replace").strip()
        return run.returncode, read_pnm(run.stdout), run.stderr.decode(errors="replace").strip()


def read_pnm(data):
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    magic, w, h, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    assert maxval == 255, maxval
    c = {b"P5": 1, b"P6": 3}[magic]
    return np.frombuffer(data[pos:pos + w * h * c], np.uint8).reshape(h, w, c)


# ---------------------------------------------------------------------------------------------------------------
# Fixture writer


class Writer:
    def __init__(self, out, system):
        self.out = Path(out)
        self.system = system
        self.images, self.bad, self.disagreements = [], [], []

    def write(self, name, data):
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def expect(self, name, fmt, pixels, note, exact=True, **extra):
        pixels = np.ascontiguousarray(pixels, np.uint8)
        if pixels.ndim == 2:
            pixels = pixels[..., None]
        raw = name.rsplit(".", 1)[0] + ".raw"
        self.write(raw, pixels.tobytes())
        entry = {"file": name, "format": fmt, "width": int(pixels.shape[1]), "height": int(pixels.shape[0]),
                 "channels": int(pixels.shape[2]), "expected": raw, "exact": bool(exact), "note": note}
        entry.update(extra)
        self.images.append(entry)
        return entry

    # PNG ---------------------------------------------------------------------------------------------------------

    def png(self, name, data, convention, note, pillow_mode, pillow_may_differ=False):
        """Write a PNG; expected = `convention` (computed from the written samples), asserted equal to the system
        libpng's decode and, unless `pillow_may_differ`, to Pillow's decode converted to `pillow_mode` (None:
        16-bit, where Pillow's own 8-bit reduction is compared, or for "I;16" its samples >> 8)."""
        path = self.write(name, data)
        with Image.open(path) as im:
            im.load()
            if pillow_mode is None:
                pillow = self.pillow_16(im, convention)
            else:
                pillow = np.asarray(im.convert(pillow_mode))
            pillow = pillow[..., None] if pillow.ndim == 2 else pillow
            if pillow_mode is None and pillow.shape[2] == 1 and convention.shape[2] == 2:
                convention_part = convention[..., :1]  # gray16 + tRNS: Pillow gives the gray only
            else:
                convention_part = convention
            agrees = pillow.shape == convention_part.shape and np.array_equal(pillow, convention_part)
            assert agrees or pillow_may_differ, f"{name}: Pillow differs from the convention"
        rc, decoded, err = self.system.helper_decode("png", path)
        assert rc == 0 and np.array_equal(decoded, convention), f"{name}: system libpng differs ({rc} {err})"
        extra = {} if agrees else {"pillow_agrees": False}
        if not agrees:
            self.disagreements.append((name, {"Pillow vs libpng": max_diff(pillow, convention)}))
        self.expect(name, "png", convention, note, **extra)

    @staticmethod
    def pillow_16(im, convention):
        """16-bit files: Pillow's samples >> 8 for "I;16" modes, else Pillow's own 8-bit mode."""
        if im.mode in ("I;16", "I;16B", "I"):
            return (np.asarray(im, np.uint32) >> 8).astype(np.uint8)
        return np.asarray(im.convert({1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[convention.shape[2]]))

    # JPEG --------------------------------------------------------------------------------------------------------

    def jpeg(self, name, data, note, orientation=None):
        path = self.write(name, data)
        with Image.open(path) as im:
            im.load()
            stored = (im.width, im.height)
            extra = {}
            if im.mode == "CMYK":
                cmyk = np.asarray(im)
                expected = np.asarray(im.convert("RGB"))
                assert np.array_equal(expected, cmyk_to_rgb(cmyk)), f"{name}: cmyk2rgb formula"
                cmyk_name = name.rsplit(".", 1)[0] + ".cmyk.raw"
                self.write(cmyk_name, cmyk.tobytes())
                extra["expected_cmyk"] = cmyk_name
            elif orientation is not None:
                assert im.getexif().get(0x0112) == orientation, name
                expected = np.asarray(ImageOps.exif_transpose(im))
                assert np.array_equal(expected, EXIF_TRANSPOSE[orientation](np.asarray(im))), name
                extra.update(orientation=orientation, stored_width=stored[0], stored_height=stored[1])
            else:
                expected = np.asarray(im)
        expected = expected[..., None] if expected.ndim == 2 else expected
        diffs = self.system_jpeg_diffs(path, expected, extra.get("expected_cmyk") and cmyk, orientation)
        exact = max(diffs.values()) == 0
        if not exact:
            extra["max_abs_diff"] = max(diffs.values())
            self.disagreements.append((name, diffs))
        self.expect(name, "jpeg", expected, note, exact=exact, **extra)

    def system_jpeg_diffs(self, path, expected, cmyk, orientation):
        op = EXIF_TRANSPOSE[orientation or 1]
        diffs = {}
        rc, djpeg, err = self.system.djpeg(path)
        assert rc == 0 and djpeg is not None, (path, rc, err)
        diffs["djpeg"] = max_diff(op(djpeg), expected)
        rc, helper, err = self.system.helper_decode("jpeg", path)
        assert rc == 0, (path, rc, err)
        if cmyk is not None:
            diffs["helper_cmyk"] = max_diff(255 - helper, cmyk)
            diffs["helper"] = max_diff(cmyk_to_rgb(255 - helper), expected)
        else:
            diffs["helper"] = max_diff(op(helper), expected)
        return diffs

    def bad_file(self, name, data, error, note):
        self.write(name, data)
        self.bad.append({"file": name, "error": error, "note": note})


def max_diff(a, b):
    if a.shape != b.shape:
        return 256
    return int(np.abs(a.astype(np.int16) - b.astype(np.int16)).max(initial=0))


def cmyk_to_rgb(cmyk):
    """Pillow's cmyk2rgb (src/libImaging/Convert.c) on Pillow's (non-inverted) CMYK."""
    c = cmyk.astype(np.int32)
    nk = 255 - c[..., 3:4]
    t = c[..., :3] * nk + 128
    return np.clip(nk - (((t >> 8) + t) >> 8), 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------------------------------------------
# The cases


def make_pngs(w):
    seed = iter(range(100, 1000))

    # Gray 1/2/4/8 bit, 13x11 (rows do not end on a byte boundary) and 31x17.
    for bits, (width, height) in ((1, (13, 11)), (2, (13, 11)), (4, (13, 11)), (8, (31, 17))):
        levels = (1 << bits) - 1
        g = (content(width, height, 1, next(seed)).astype(np.uint32) * levels + 127) // 255
        scale = 255 // levels
        w.png(f"png/gray{bits}.png", png_bytes(g, bits, 0), (g * scale).astype(np.uint8),
              f"gray {bits}-bit, {width}x{height}" + (f"; expected = sample * {scale}" if bits < 8 else ""), "L")
    # Gray with tRNS (8-bit and 2-bit: the 2-bit tRNS value is compared before expansion).
    g = content(31, 17, 1, next(seed))
    t = int(g[8, 15, 0])
    la = np.concatenate([g, np.where(g == t, 0, 255).astype(np.uint8)], axis=-1)
    w.png("png/gray8_trns.png", png_bytes(g, 8, 0, trns=struct.pack(">H", t)), la,
          f"gray 8-bit + tRNS gray {t} ({int((g == t).sum())} px) -> LA", "LA")
    g2 = (content(13, 11, 1, next(seed)).astype(np.uint32) * 3 + 127) // 255
    la2 = np.concatenate([g2 * 85, np.where(g2 == 2, 0, 255)], axis=-1).astype(np.uint8)
    w.png("png/gray2_trns.png", png_bytes(g2, 2, 0, trns=struct.pack(">H", 2)), la2,
          "gray 2-bit + tRNS gray 2 (-> 170 after expansion) -> LA. Pillow 13 differs: it keeps the tRNS value "
          f"unexpanded (2) and convert('LA') leaves every pixel opaque; expected is libpng's "
          f"({int((g2 == 2).sum())} px transparent)",
          "LA", pillow_may_differ=True)
    # Gray + alpha, RGB, RGBA 8-bit.
    for name, ct, ch, mode in (("graya8", 4, 2, "LA"), ("rgb8", 2, 3, "RGB"), ("rgba8", 6, 4, "RGBA")):
        s = content(31, 17, ch, next(seed))
        w.png(f"png/{name}.png", png_bytes(s, 8, ct), s, f"{mode} 8-bit, 31x17, filters cycled per row", mode)
    # RGB with tRNS.
    s = content(31, 17, 3, next(seed))
    key = s[8, 15].copy()
    for i in range(3):  # near misses: one channel off by one
        s[0, 8 + i] = key
        s[0, 8 + i, i] ^= 1
    alpha = np.where((s == key).all(axis=-1, keepdims=True), 0, 255).astype(np.uint8)
    w.png("png/rgb8_trns.png", png_bytes(s, 8, 2, trns=struct.pack(">HHH", *map(int, key))),
          np.concatenate([s, alpha], axis=-1),
          f"RGB 8-bit + tRNS {tuple(map(int, key))} ({int((alpha == 0).sum())} px) -> RGBA", "RGBA")
    # 16-bit: expected = high byte (png_set_strip_16).
    for name, ct, ch in (("gray16", 0, 1), ("graya16", 4, 2), ("rgb16", 2, 3), ("rgba16", 6, 4)):
        s = content(31, 17, ch, next(seed), maxval=65535)
        w.png(f"png/{name}.png", png_bytes(s, 16, ct), (s >> 8).astype(np.uint8),
              "16-bit; expected = high byte of each sample (png_set_strip_16)", None)
    s = content(31, 17, 1, next(seed), maxval=65535)
    t = int(s[8, 15, 0])
    s[0, 8:14, 0] = [t ^ 1, t ^ 2, t ^ 0x80, t ^ 1, t ^ 0x40, t ^ 3]  # same high byte, different 16-bit value
    gray_hi = (s >> 8).astype(np.uint8)
    confusable = int(((gray_hi == (t >> 8)) & (s != t)).sum())
    w.png("png/gray16_trns.png", png_bytes(s, 16, 0, trns=struct.pack(">H", t)),
          np.concatenate([gray_hi, np.where(s == t, 0, 255).astype(np.uint8)], axis=-1),
          f"gray 16-bit + tRNS {t}: alpha 0 only where the full 16-bit sample matches ({int((s == t).sum())} px; "
          f"{confusable} px share its high byte and stay opaque); gray = high byte", None)
    # Palette 1/2/4/8 bit, with and without tRNS.
    for bits, (width, height) in ((1, (13, 11)), (2, (13, 11)), (4, (31, 17)), (8, (31, 17))):
        entries = {1: 2, 2: 4, 4: 13, 8: 200}[bits]
        rng = np.random.default_rng(next(seed))
        plte = rng.integers(0, 256, (entries, 3), dtype=np.uint8)
        plte[0], plte[-1] = 0, 255
        idx = (content(width, height, 1, next(seed)).astype(np.uint32) * (entries - 1) + 127) // 255
        w.png(f"png/pal{bits}.png", png_bytes(idx, bits, 3, plte=plte), plte[idx[..., 0]],
              f"palette {bits}-bit, {entries} entries -> RGB", "RGB")
        trns = rng.integers(0, 256, max(1, entries - 1 if bits < 8 else 150), dtype=np.uint8)
        trns[0] = 0
        alpha = np.full(entries, 255, np.uint8)
        alpha[: len(trns)] = trns
        rgba = np.concatenate([plte, alpha[:, None]], axis=-1)
        w.png(f"png/pal{bits}_trns.png", png_bytes(idx, bits, 3, plte=plte, trns=trns.tobytes()),
              rgba[idx[..., 0]],
              f"palette {bits}-bit, {entries} entries, tRNS of {len(trns)} (later entries opaque) -> RGBA", "RGBA")
    # Adam7 interlaced.
    s = content(31, 17, 1, next(seed))
    w.png("png/gray8_adam7.png", png_bytes(s, 8, 0, interlace=True), s, "gray 8-bit, Adam7", "L")
    g1 = content(13, 11, 1, next(seed)) >> 7
    w.png("png/gray1_adam7.png", png_bytes(g1, 1, 0, interlace=True), g1 * 255, "gray 1-bit, Adam7", "L")
    for name, ch, mode, (width, height) in (("rgb8_adam7", 3, "RGB", (31, 17)), ("rgba8_adam7", 4, "RGBA", (31, 17)),
                                            ("rgb8_adam7_5x3", 3, "RGB", (5, 3)),
                                            ("rgba8_adam7_1x1", 4, "RGBA", (1, 1))):
        s = content(width, height, ch, next(seed))
        ct = 2 if ch == 3 else 6
        w.png(f"png/{name}.png", png_bytes(s, 8, ct, interlace=True), s,
              f"{mode} 8-bit, {width}x{height}, Adam7" + (" (some passes empty)" if width < 8 else ""), mode)
    s = content(31, 17, 3, next(seed), maxval=65535)
    w.png("png/rgb16_adam7.png", png_bytes(s, 16, 2, interlace=True), (s >> 8).astype(np.uint8),
          "RGB 16-bit, Adam7; expected = high byte", None)
    rng = np.random.default_rng(next(seed))
    plte = rng.integers(0, 256, (16, 3), dtype=np.uint8)
    trns = rng.integers(0, 256, 9, dtype=np.uint8)
    idx = content(31, 17, 1, next(seed)) >> 4
    alpha = np.full(16, 255, np.uint8)
    alpha[:9] = trns
    w.png("png/pal4_trns_adam7.png", png_bytes(idx, 4, 3, plte=plte, trns=trns.tobytes(), interlace=True),
          np.concatenate([plte, alpha[:, None]], axis=-1)[idx[..., 0]],
          "palette 4-bit + tRNS of 9, Adam7 -> RGBA", "RGBA")
    # Ancillary chunks the decoder must ignore (gAMA is not applied; prVt is an unknown private chunk), one IDAT.
    s = content(31, 17, 3, next(seed))
    extra = ((b"gAMA", struct.pack(">I", 45455)), (b"pHYs", struct.pack(">IIB", 2835, 2835, 1)),
             (b"tEXt", b"Comment\x00DetectKit fixture"), (b"prVt", b"ignore me"))
    w.png("png/rgb8_ancillary.png", png_bytes(s, 8, 2, extra=extra, idat_size=1 << 20), s,
          "RGB 8-bit with gAMA/pHYs/tEXt/unknown ancillary chunk, single IDAT; gamma not applied", "RGB")
    # Written by Pillow (a second encoder: its own filter choice and zlib-ng).
    s = content(37, 23, 4, next(seed))
    buffer = io.BytesIO()
    Image.fromarray(s, "RGBA").save(buffer, "PNG", optimize=True)
    w.png("png/rgba8_pillow.png", buffer.getvalue(), s, "RGBA 8-bit written by Pillow (optimize=True)", "RGBA")


def pillow_jpeg(array, mode, **options):
    buffer = io.BytesIO()
    Image.fromarray(array.squeeze(-1) if mode == "L" else array, mode).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def cjpeg(array, *options):
    height, width, channels = array.shape
    magic = b"P5" if channels == 1 else b"P6"
    pnm = magic + f"\n{width} {height}\n255\n".encode() + array.tobytes()
    run = subprocess.run(["cjpeg", *options], input=pnm, capture_output=True, check=True)
    return run.stdout


def exif_app1(orientation, big_endian):
    """A minimal Exif APP1 payload (TIFF header + IFD0 with Orientation)."""
    e = ">" if big_endian else "<"
    tiff = (b"MM" if big_endian else b"II") + struct.pack(e + "HI", 42, 8)
    tiff += struct.pack(e + "H", 1) + struct.pack(e + "HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(e + "I", 0)
    return b"Exif\x00\x00" + tiff


def make_jpegs(w):
    seed = iter(range(2000, 3000))
    g = content(61, 43, 1, next(seed))
    w.jpeg("jpeg/gray_baseline.jpg", pillow_jpeg(g, "L", quality=90), "gray baseline, Pillow q90")
    w.jpeg("jpeg/gray_progressive.jpg", pillow_jpeg(g, "L", quality=90, progressive=True),
           "gray progressive, Pillow q90")
    # Chroma subsampling, 64x48 and odd sizes, baseline and progressive.
    for size in ((64, 48), (61, 45)):
        s = content(*size, 3, next(seed))
        tag = "" if size == (64, 48) else "_odd"
        dims = f"{size[0]}x{size[1]}"
        for sub, pillow_sub in (("444", 0), ("422", 1), ("420", 2)):
            for prog in (False, True):
                name = f"jpeg/rgb_{sub}{tag}{'_prog' if prog else ''}.jpg"
                w.jpeg(name, pillow_jpeg(s, "RGB", quality=85, subsampling=pillow_sub, progressive=prog),
                       f"YCbCr {sub[0]}:{sub[1]}:{sub[2]} {'progressive' if prog else 'baseline'} {dims}, Pillow q85")
        for sub, sample in (("440", "1x2"), ("411", "4x1")):
            for prog in (False, True):
                name = f"jpeg/rgb_{sub}{tag}{'_prog' if prog else ''}.jpg"
                opts = ["-quality", "85", "-sample", f"{sample},1x1,1x1"] + (["-progressive"] if prog else [])
                w.jpeg(name, cjpeg(s, *opts),
                       f"YCbCr {sub[0]}:{sub[1]}:{sub[2]} (-sample {sample}) "
                       f"{'progressive' if prog else 'baseline'} {dims}, cjpeg q85")
    # Tiny sizes with 4:2:0 (partial MCUs).
    for size in ((1, 1), (13, 11)):
        s = content(*size, 3, next(seed))
        w.jpeg(f"jpeg/rgb_420_{size[0]}x{size[1]}.jpg", pillow_jpeg(s, "RGB", quality=90, subsampling=2),
               f"YCbCr 4:2:0 {size[0]}x{size[1]} (one partial MCU), Pillow q90")
    # Encoder variations.
    s = content(64, 48, 3, next(seed))
    w.jpeg("jpeg/rgb_420_q100.jpg", pillow_jpeg(s, "RGB", quality=100, subsampling=2), "4:2:0, Pillow q100")
    w.jpeg("jpeg/rgb_420_q5.jpg", pillow_jpeg(s, "RGB", quality=5, subsampling=2), "4:2:0, Pillow q5 (heavy clamping)")
    w.jpeg("jpeg/rgb_444_qtables1.jpg", pillow_jpeg(s, "RGB", qtables=[[1] * 64, [1] * 64], subsampling=0),
           "4:4:4, all quantisation steps 1 (Pillow qtables=), extreme coefficients")
    w.jpeg("jpeg/rgb_420_optimize.jpg", pillow_jpeg(s, "RGB", quality=80, optimize=True),
           "4:2:0, optimised Huffman tables (Pillow optimize=True)")
    w.jpeg("jpeg/rgb_420_restart.jpg", cjpeg(s, "-quality", "80", "-restart", "1B"),
           "4:2:0 with a restart marker after every MCU (cjpeg -restart 1B)")
    w.jpeg("jpeg/rgb_420_arithmetic.jpg", cjpeg(s, "-quality", "80", "-arithmetic"),
           "4:2:0 arithmetic coding (cjpeg -arithmetic, SOF9)")
    w.jpeg("jpeg/rgb_colorspace.jpg", cjpeg(s, "-quality", "85", "-rgb"),
           "3 components stored as RGB, no YCbCr transform (cjpeg -rgb; component ids 'R','G','B')")
    w.jpeg("jpeg/rgb_420_prog_restart.jpg", cjpeg(s, "-quality", "80", "-progressive", "-restart", "2"),
           "4:2:0 progressive with restart markers every 2 MCU rows (cjpeg)")
    # CMYK (Adobe APP14, transform 0, inverted samples as Photoshop writes them) and YCCK.
    c = content(40, 30, 4, next(seed))
    cmyk = pillow_jpeg(c, "CMYK", quality=90)
    assert cmyk[2:4] == b"\xff\xee" and cmyk[6:11] == b"Adobe" and cmyk[15] == 0, "expected Adobe APP14 t=0"
    w.jpeg("jpeg/cmyk_adobe.jpg", cmyk,
           "CMYK, Adobe APP14 transform 0, inverted (Pillow save); expected = Pillow convert('RGB'); "
           "expected_cmyk = Pillow's CMYK = 255 - libjpeg JCS_CMYK output")
    ycck = bytearray(cmyk)
    ycck[15] = 2
    w.jpeg("jpeg/ycck_adobe.jpg", bytes(ycck),
           "YCCK: cmyk_adobe.jpg with the APP14 transform byte set to 2; libjpeg converts YCCK -> CMYK "
           "(JCS_CMYK); expected = Pillow convert('RGB'); expected_cmyk = 255 - libjpeg output")
    app14 = 2 + 2 + struct.unpack(">H", cmyk[4:6])[0]
    w.jpeg("jpeg/cmyk_no_adobe.jpg", cmyk[:2] + cmyk[app14:],
           "CMYK without any APP14 marker (cmyk_adobe.jpg with APP14 removed): libjpeg does not invert, Pillow "
           "still loads it as inverted ('CMYK;I'), so the convention is: always treat 4-component samples as "
           "Adobe-inverted; same pixels as cmyk_adobe")
    w.jpeg("jpeg/cmyk_adobe_prog.jpg", pillow_jpeg(c, "CMYK", quality=90, progressive=True),
           "CMYK progressive, Adobe APP14 transform 0, inverted (Pillow save)")
    # EXIF orientation 1-8 (little-endian TIFF from Pillow), and 6 again as a big-endian TIFF written here.
    s = content(37, 23, 3, next(seed))
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        w.jpeg(f"jpeg/exif_orientation{orientation}.jpg",
               pillow_jpeg(s, "RGB", quality=90, subsampling=0, exif=exif),
               f"EXIF orientation {orientation} (little-endian Exif from Pillow); expected = exif_transpose",
               orientation=orientation)
    w.jpeg("jpeg/exif_orientation6_motorola.jpg",
           pillow_jpeg(s, "RGB", quality=90, subsampling=0, exif=exif_app1(6, big_endian=True)),
           "EXIF orientation 6 in a big-endian ('MM') TIFF header; expected = exif_transpose", orientation=6)


def make_bad(w):
    rng = np.random.default_rng(7)
    w.bad_file("bad/empty.png", b"", "empty", "0 bytes")
    w.bad_file("bad/random7.bin", bytes(rng.integers(0, 256, 7, dtype=np.uint8)), "unrecognized",
               "7 random bytes, neither PNG nor JPEG signature")
    w.bad_file("bad/text.png", b"This is not a PNG file, only text with a .png name.\n", "unrecognized",
               "a text file named .png")
    good = png_bytes(content(31, 17, 3, 5), 8, 2, idat_size=1 << 20)
    idat = good.index(b"IDAT")
    length = struct.unpack(">I", good[idat - 4: idat])[0]
    w.bad_file("bad/truncated.png", good[: idat + 4 + length // 2], "truncated",
               f"cut in the middle of the only IDAT ({length} bytes of zlib data, half present), no IEND")
    crc = bytearray(good)
    crc[29] ^= 0x5A  # last byte of IHDR's CRC (8 signature + 4 length + 4 type + 13 data = 29..32)
    w.bad_file("bad/ihdr_crc.png", bytes(crc), "crc", "IHDR CRC wrong (critical chunk: libpng errors)")
    z = bytearray(good)
    z[idat + 6] |= 0x06  # first deflate block header after the 2-byte zlib header: BTYPE = 11 (reserved)
    fixed = bytes(z[idat: idat + 4 + length])
    z[idat + 4 + length: idat + 8 + length] = struct.pack(">I", zlib.crc32(fixed) & 0xFFFFFFFF)
    w.bad_file("bad/zlib.png", bytes(z), "zlib",
               "IDAT deflate data with an invalid block type (CRC recomputed, so only inflate fails)")
    huge = PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
    huge += chunk(b"IDAT", zlib.compress(bytes(301), 9)) + chunk(b"IEND", b"")
    w.bad_file("bad/huge.png", huge, "too-large",
               "IHDR declares 100000x100000 RGB (30 GB decoded); under libpng's default 1,000,000 limit, so "
               "it must be refused by DetectKit's pixel limit before allocating")
    jpeg = pillow_jpeg(content(64, 48, 3, 6), "RGB", quality=85, subsampling=2)
    sos = jpeg.index(b"\xff\xda")
    scan_len = len(jpeg) - sos
    w.bad_file("bad/truncated.jpg", jpeg[: sos + scan_len // 2], "truncated",
               "cut in the middle of the entropy-coded scan, no EOI; libjpeg only WARNS (JWRN_JPEG_EOF) "
               "and pads with grey, so warnings must be errors")
    junk = bytes(b for b in rng.integers(0, 255, 2048, dtype=np.uint8) if b != 0xFF)
    w.bad_file("bad/garbage_after_soi.jpg", b"\xff\xd8" + junk, "corrupt",
               "SOI followed by 2 KB of random bytes containing no 0xFF (no marker at all); libjpeg: "
               "extraneous-data/premature-EOF warnings, then 'JPEG datastream contains no image'")
    sof = jpeg.index(b"\xff\xc0")
    big = bytearray(jpeg)
    big[sof + 5: sof + 9] = struct.pack(">HH", 60000, 60000)
    w.bad_file("bad/huge.jpg", bytes(big), "too-large",
               "SOF0 declares 60000x60000 (within libjpeg's 65500 limit, 10.8 GB decoded); must be refused "
               "from the header before allocating")


# ---------------------------------------------------------------------------------------------------------------


def generate(out, system):
    out = Path(out)
    if out.exists():
        for sub in ("png", "jpeg", "bad"):
            shutil.rmtree(out / sub, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    w = Writer(out, system)
    make_pngs(w)
    make_jpegs(w)
    make_bad(w)
    for entry in w.bad:
        check_bad_with_pillow(out / entry["file"])
    manifest = {"generator": GENERATOR, "pillow": PIL.__version__,
                "pillow_libjpeg_turbo": features.version_feature("libjpeg_turbo"),
                "libpng_system": system.versions[1], "libjpeg_turbo_system": system.versions[3],
                "images": w.images, "bad": w.bad}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {len(w.images)} images and {len(w.bad)} bad files to {out} ({total} bytes)")
    for name, diffs in w.disagreements:
        print(f"  Pillow and the system library disagree on {name}: max abs diff {diffs}")
    jpeg_disagreements = [name for name, _ in w.disagreements if name.startswith("jpeg/")]
    if not jpeg_disagreements:
        print("  every JPEG: Pillow (bundled libjpeg-turbo) == djpeg == helper (system libjpeg-turbo)")


def check_bad_with_pillow(path):
    try:
        with Image.open(path) as im:
            im.load()
    except Exception:  # noqa: BLE001 - any failure is what we want
        return
    raise AssertionError(f"Pillow decoded {path}, expected a failure")


def check(out, system):
    out = Path(out)
    manifest = json.loads((out / "manifest.json").read_text())
    agree = disagree = 0
    for entry in manifest["images"]:
        path = out / entry["file"]
        shape = (entry["height"], entry["width"], entry["channels"])
        expected = np.fromfile(out / entry["expected"], np.uint8).reshape(shape)
        op = EXIF_TRANSPOSE[entry.get("orientation", 1)]
        results = []
        if entry["format"] == "jpeg":
            rc, pixels, err = system.djpeg(path)
            results.append(("djpeg", rc, None if pixels is None else op(pixels), err))
        rc, pixels, err = system.helper_decode(entry["format"], path)
        if pixels is not None and "expected_cmyk" in entry:
            cmyk = np.fromfile(out / entry["expected_cmyk"], np.uint8).reshape(shape[:2] + (4,))
            results.append(("helper CMYK", rc, 255 - pixels, err))
            expected_cmyk = cmyk
            pixels = cmyk_to_rgb(255 - pixels)
        results.append(("helper", rc, None if pixels is None else op(pixels), err))
        for tool, rc, pixels, err in results:
            target = expected_cmyk if tool == "helper CMYK" else expected
            diff = 256 if pixels is None else max_diff(pixels, target)
            ok = rc == 0 and diff == 0
            agree += ok
            disagree += not ok
            status = "agree" if ok else f"DIFFER (rc {rc}, max abs diff {diff}) {err}"
            print(f"{entry['file']:42} {tool:12} {status}{'' if entry['exact'] else '  [manifest: not exact]'}")
    for entry in manifest["bad"]:
        path = out / entry["file"]
        tools = [("helper", "jpeg" if path.suffix == ".jpg" else "png")]
        for name, kind in tools:
            rc, pixels, err = system.helper_decode(kind, path)
            rejected = rc != 0
            agree += rejected
            disagree += not rejected
            print(f"{entry['file']:42} {name:12} {'rejected' if rejected else 'DECODED'} (rc {rc}): "
                  f"{err.splitlines()[-1] if err else ''}")
        if path.suffix == ".jpg" and entry["error"] != "too-large":  # djpeg streams 10.8 GB for huge.jpg
            rc, pixels, err = system.djpeg(path)
            print(f"{entry['file']:42} {'djpeg':12} rc {rc}: {err.splitlines()[-1] if err else ''}")
    print(f"{agree} passed, {disagree} failed")
    return disagree == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="fixture folder (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="decode the fixtures with the system libraries")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        system = System(workdir)
        if args.check:
            sys.exit(0 if check(args.out, system) else 1)
        generate(args.out, system)


if __name__ == "__main__":
    main()
