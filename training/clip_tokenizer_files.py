"""Builds CLIP's tokenizer files for DetectKit's bundled CLIP model from the BPE merges that the `open_clip_torch`
wheel ships (`open_clip/bpe_simple_vocab_16e6.txt.gz`, OpenAI's file from openai/CLIP), in the layout of Hugging
Face's CLIP repositories, and the data tables of the Swift tokenizer's text cleaning:

    python training/clip_tokenizer_files.py      # writes the three files below and checks them

    Sources/CLIP/Resources/tokenizer/vocab.json   49,408 entries, one line, in id order: the 256 byte-level
                                                  characters, the same with "</w>", one per merge, then
                                                  "<|startoftext|>" 49406 and "<|endoftext|>" 49407
    Sources/CLIP/Resources/tokenizer/merges.txt   "#version: 0.2", then the 48,894 merges (lines 1..48894 of
                                                  the BPE file, as openai/CLIP's simple_tokenizer.py reads them)
    Sources/CLIP/TextCleaningTables.swift         Python's `html.entities.html5` and `html`'s numeric-reference
                                                  tables, ftfy's upper-case entities and its width map, and the
                                                  code points NFC's quick check does not pass (Python's Unicode)

The vocabulary is built exactly as openai/CLIP's `SimpleTokenizer.__init__` builds its encoder (open_clip's copy
names the two special tokens `<start_of_text>`/`<end_of_text>`; OpenAI and Hugging Face use `<|...|>`). The check
at the end builds `transformers.CLIPTokenizer` (slow) and `CLIPTokenizerFast` from the written files and compares
their ids with open_clip's `SimpleTokenizer` on a few strings.
"""

from __future__ import annotations

import gzip
import html
import html.entities
import json
import os
import sys
import unicodedata

import ftfy
import ftfy.chardata
import open_clip
import open_clip.tokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESOURCES = os.path.join(ROOT, "Sources", "CLIP", "Resources", "tokenizer")
TABLES = os.path.join(ROOT, "Sources", "CLIP", "TextCleaningTables.swift")
MERGE_COUNT = 49152 - 256 - 2  # openai/CLIP: merges[1:49152-256-2+1]


def read_merges() -> list[tuple[str, str]]:
    path = os.path.join(os.path.dirname(open_clip.__file__), "bpe_simple_vocab_16e6.txt.gz")
    lines = gzip.open(path).read().decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1 : MERGE_COUNT + 1]]
    assert len(merges) == MERGE_COUNT and all(len(m) == 2 for m in merges)
    assert all(line == " ".join(m) for line, m in zip(lines[1 : MERGE_COUNT + 1], merges))
    return merges  # type: ignore[return-value]


def build_vocab(merges: list[tuple[str, str]]) -> dict[str, int]:
    byte_chars = list(open_clip.tokenizer.bytes_to_unicode().values())
    tokens = byte_chars + [c + "</w>" for c in byte_chars] + ["".join(m) for m in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    vocab = {t: i for i, t in enumerate(tokens)}
    assert len(vocab) == len(tokens) == 49408, "duplicate token strings"
    return vocab


def write_files(vocab: dict[str, int], merges: list[tuple[str, str]]) -> tuple[str, str]:
    os.makedirs(RESOURCES, exist_ok=True)
    vocab_path = os.path.join(RESOURCES, "vocab.json")
    merges_path = os.path.join(RESOURCES, "merges.txt")
    with open(vocab_path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(vocab, ensure_ascii=False))
    with open(merges_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")
    return vocab_path, merges_path


def check(vocab_path: str, merges_path: str) -> None:
    from transformers import CLIPTokenizer, CLIPTokenizerFast

    slow = CLIPTokenizer(vocab_path, merges_path)
    fast = CLIPTokenizerFast(vocab_file=vocab_path, merges_file=merges_path)
    reference = open_clip.tokenizer.SimpleTokenizer()
    assert slow.vocab_size == 49408 and len(fast) == 49408
    assert slow.bos_token_id == fast.bos_token_id == reference.sot_token_id == 49406
    assert slow.eos_token_id == fast.eos_token_id == reference.eot_token_id == 49407
    texts = [
        "a photo of a cat",
        "A Photo of TWO dogs, playing in the snow!",
        "it's a 3-legged stool (1998) -- isn't it?",
        "Ελληνικά, русский, 日本語のテキスト, हिन्दी, العربية",
        "emoji 👩‍👩‍👧 🇫🇷 ❤️ and accents: café naïve",
        "",
    ]
    for text in texts:
        ids = [49406] + reference.encode(text) + [49407]
        assert slow(text)["input_ids"] == ids, (text, slow(text)["input_ids"], ids)
        assert fast(text)["input_ids"] == ids, (text, fast(text)["input_ids"], ids)
    print(f"checked: transformers CLIPTokenizer, CLIPTokenizerFast and open_clip agree on {len(texts)} strings")


def swift_string(text: str) -> str:
    """A Swift string literal: printable ASCII as is, everything else as \\u{...}."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif " " <= c <= "~":
            out.append(c)
        else:
            out.append("\\u{%X}" % ord(c))
    return '"' + "".join(out) + '"'


def scalars(text: str) -> str:
    return " ".join("%X" % ord(c) for c in text)


def nfc_ranges() -> list[tuple[int, int]]:
    """Code points that are not NFC_Quick_Check=Yes or have a non-zero combining class."""
    maybe = set()  # second characters of primary composites (NFC_Quick_Check=Maybe)
    for cp in range(0x110000):
        c = chr(cp)
        d = unicodedata.decomposition(c)
        if d and not d.startswith("<"):
            parts = [chr(int(x, 16)) for x in d.split()]
            if len(parts) == 2 and unicodedata.normalize("NFC", "".join(parts)) == c:
                maybe.add(ord(parts[1]))
    # Hangul: vowels and trailing consonants compose algorithmically, not through decomposition mappings.
    maybe.update(range(0x1161, 0x1176))
    maybe.update(range(0x11A8, 0x11C3))
    needs = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        if unicodedata.combining(c) or cp in maybe or unicodedata.normalize("NFC", c) != c:
            needs.append(cp)
    assert min(needs) >= 0x300
    ranges: list[tuple[int, int]] = []
    for cp in needs:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return ranges


def write_tables() -> None:
    html5 = html.entities.html5  # type: ignore[attr-defined]
    ftfy_upper = {
        name: char for name, char in ftfy.chardata.HTML_ENTITIES.items() if name[1:] not in html5
    }
    assert all(name.startswith("&") and name.endswith(";") for name in ftfy_upper)
    assert set(ftfy.chardata.HTML_ENTITIES) == {"&" + n for n in html5 if n.endswith(";")} | set(ftfy_upper)
    from html import _invalid_charrefs, _invalid_codepoints  # type: ignore[attr-defined]

    width = ftfy.chardata.WIDTH_MAP
    lines = [
        "// Generated by training/clip_tokenizer_files.py from Python's html module and ftfy "
        f"{ftfy.__version__}; do not edit.",
        "",
        "/// The data tables of ``TextCleaning``: HTML entity names, numeric character reference fix-ups and",
        "/// ftfy's width map, as Python's `html` module (WHATWG's HTML5 entity list) and ftfy define them.",
        "enum TextCleaningTables {",
        "    /// Python's `html.entities.html5`: `name value` per line (value as hex scalars separated by `,`);",
        "    /// names end with `;` except the legacy ones HTML accepts without it.",
        "    static let html5Entities: String = \"\"\"",
    ]
    for name in sorted(html5):
        lines.append(f"        {name} {','.join('%X' % ord(c) for c in html5[name])}")
    lines += [
        '        """',
        "",
        "    /// ftfy's extra entities: the all-capitals spelling of lower-case HTML5 names (`&EACUTE;` -> `É`),",
        "    /// for names that are not entities in that spelling, mapped to the upper-cased character.",
        "    static let ftfyUpperCaseEntities: String = \"\"\"",
    ]
    for name in sorted(ftfy_upper):
        lines.append(f"        {name[1:]} {','.join('%X' % ord(c) for c in ftfy_upper[name])}")
    lines += [
        '        """',
        "",
        "    /// `html._invalid_charrefs`: numeric references HTML replaces (Windows-1252 for 0x80-0x9F).",
        "    static let invalidCharacterReferences: [UInt32: String] = [",
    ]
    for num in sorted(_invalid_charrefs):
        lines.append(f"        0x{num:X}: {swift_string(_invalid_charrefs[num])},")
    lines += [
        "    ]",
        "",
        "    /// `html._invalid_codepoints`: numeric references HTML drops.",
        "    static let invalidCodePoints: Set<UInt32> = [",
    ]
    cps = sorted(_invalid_codepoints)
    for i in range(0, len(cps), 10):
        lines.append("        " + ", ".join(f"0x{c:X}" for c in cps[i : i + 10]) + ",")
    lines += [
        "    ]",
        "",
        "    /// ftfy's `WIDTH_MAP`: U+3000 to a space and each half-/full-width form U+FF01-U+FFEF to its NFKC form.",
        "    static let widthMap: [UInt32: String] = [",
    ]
    for cp in sorted(width):
        lines.append(f"        0x{cp:X}: {swift_string(width[cp])},")
    lines += [
        "    ]",
        "",
        "    /// The code points that can make text not NFC (NFC quick check not Yes, or combining class not 0), as",
        "    /// ranges `first, last` (Unicode %s): text without any of them is already in NFC." % unicodedata.unidata_version,
        "    static let nfcQuickCheckRanges: [UInt32] = [",
    ]
    ranges = nfc_ranges()
    for i in range(0, len(ranges), 4):
        lines.append("        " + " ".join(f"0x{a:X}, 0x{b:X}," for a, b in ranges[i : i + 4]))
    lines += ["    ]", "}", ""]
    with open(TABLES, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))


def main() -> int:
    merges = read_merges()
    vocab = build_vocab(merges)
    vocab_path, merges_path = write_files(vocab, merges)
    write_tables()
    for path in (vocab_path, merges_path, TABLES):
        print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path):,} bytes)")
    check(vocab_path, merges_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
