"""Golden token ids for DetectKit's Swift CLIP tokenizer (`Sources/CLIP/CLIPTokenizer.swift`), from three references:
open_clip's `SimpleTokenizer` (OpenAI's simple_tokenizer.py, Radford et al. 2021), Hugging Face's `CLIPTokenizer`
(slow, Python) and `CLIPTokenizerFast` (Rust `tokenizers`), the last two built from the bundled vocab.json and
merges.txt (run training/clip_tokenizer_files.py first).

    python training/golden_clip_tokenizer.py      # writes Tests/CLIPTests/Fixtures/tokenizer/cases.json

The strings (1,000+, deterministic) cover ASCII words, case, digits, punctuation runs, contractions, odd whitespace
(tabs, newlines, CR, NBSP, ideographic space, U+2028), accents precomposed and combining, Greek (final sigma),
Cyrillic, CJK, Hangul, Arabic, Hindi and more, emoji with ZWJ sequences, skin tones, flags and tag sequences, HTML
entities (named, numeric, upper-case, doubly escaped, without semicolon, next to "<"), curly quotes, ligatures,
full- and half-width forms, control characters and ANSI escapes, mojibake, special-token text, very long strings
past 77 tokens, the empty string and whitespace only.

What each reference does to the text before the regex split (as installed; see requirements.txt):

    open_clip   ftfy.fix_text, html.unescape twice, strip, " ".join(text.split()), str.lower; special tokens
                named <start_of_text>/<end_of_text> in its pattern (OpenAI's original: <|startoftext|>/<|endoftext|>)
    HF slow     splits out the added tokens <|startoftext|>/<|endoftext|> first, then per piece ftfy.fix_text,
                regex \\s+ -> " ", strip, str.lower (no HTML unescaping)
    HF fast     NFC, \\s+ -> " ", Rust lower-casing (no ftfy, no HTML unescaping, no final sigma), the split
                pattern matched case-sensitively; added tokens split out first

`ids` in the fixture are what the Swift tokenizer must give (`encode`, without start/end): open_clip's pipeline
with two documented differences, computed here by `swift_model_encode`:

  1. ftfy.fix_text without its mojibake repair (`fix_encoding=False`): the Swift cleaning reproduces every
     other default step of ftfy 6.3.1's fix_text on valid text -- HTML entities ("auto": not from the first
     line containing "<" on), C1 controls as Windows-1252, Latin ligatures, full-/half-width forms, curly
     quotes, line breaks, ANSI terminal escapes, control characters, NFC, repeated until nothing changes -- but
     not the heuristic re-decoding of mojibake (`fix_encoding`, `is_bad`). Cases tagged "ftfy-encoding".
  2. The special tokens are OpenAI's <|startoftext|>/<|endoftext|> (as in the bundled vocab.json), so text
     holding them gives their ids as in openai/CLIP. Cases tagged "special-token-text".

Each case records the references' ids only where they differ from `ids` (open_clip without start/end, HF with
them), with tags saying why, and the file's "summary" counts the agreement.
"""

from __future__ import annotations

import html
import json
import os
import random
import sys
import unicodedata

import ftfy
import regex

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VOCAB = os.path.join(ROOT, "Sources", "CLIP", "Resources", "tokenizer", "vocab.json")
MERGES = os.path.join(ROOT, "Sources", "CLIP", "Resources", "tokenizer", "merges.txt")
OUT = os.path.join(ROOT, "Tests", "CLIPTests", "Fixtures", "tokenizer", "cases.json")
SOT, EOT = 49406, 49407

# ---------------------------------------------------------------------------------------------------------------
# The Swift tokenizer's behaviour, in Python.

PATTERN = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE,
)


def bytes_to_unicode() -> dict[int, str]:
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


class SwiftModel:
    def __init__(self) -> None:
        with open(VOCAB, encoding="utf-8") as f:
            self.encoder: dict[str, int] = json.load(f)
        with open(MERGES, encoding="utf-8") as f:
            lines = f.read().split("\n")
        assert lines[0] == "#version: 0.2"
        merges = [tuple(line.split(" ")) for line in lines[1:] if line]
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.cache: dict[str, list[int]] = {}

    @staticmethod
    def clean(text: str) -> str:
        text = ftfy.fix_text(text, fix_encoding=False)
        text = html.unescape(html.unescape(text)).strip()
        return " ".join(text.split()).lower()

    def bpe(self, token: str) -> list[int]:
        if token in self.cache:
            return self.cache[token]
        word = list(token[:-1]) + [token[-1] + "</w>"]
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            out, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            word = out
        ids = [self.encoder[w] for w in word]
        self.cache[token] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for token in PATTERN.findall(self.clean(text)):
            if token == "<|startoftext|>":
                ids.append(SOT)
            elif token == "<|endoftext|>":
                ids.append(EOT)
            else:
                ids.extend(self.bpe("".join(self.byte_encoder[b] for b in token.encode("utf-8"))))
        return ids


# ---------------------------------------------------------------------------------------------------------------
# Strings.

WORDS = """a an the of in on at with and or to for from by photo picture image drawing painting sketch render
cat cats dog dogs bird horse cow sheep elephant bear zebra giraffe person people man woman child children boy girl
car cars truck bus train bicycle motorcycle airplane boat traffic light stop sign bench chair couch bed table
toilet tv laptop mouse keyboard phone book clock vase scissors teddy toothbrush pizza donut cake sandwich banana
apple orange broccoli carrot hot-dog bottle cup fork knife spoon bowl kitchen street beach mountain forest snow
rain sunset night city river lake sky cloud red green blue yellow black white purple orange small large big tiny
old new young happy sad running jumping sitting standing eating playing sleeping flying swimming driving cooking
close-up blurry bright dark vintage modern aerial macro portrait landscape photosynthesis xylophone quixotic
antidisestablishmentarianism supercalifragilisticexpialidocious jekyll hyde pokemon instagram selfie""".split()
NAMES = ["Paris", "London", "New York", "McDonald's", "O'Brien", "iPhone", "eBay", "NASA", "DetectKit", "YouTube",
         "van Gogh", "DaVinci", "JavaScript", "macOS", "Wi-Fi", "COVID-19", "R2-D2", "C-3PO", "AT&T", "H&M"]
NUMBERS = ["0", "7", "42", "2021", "1998", "3.14", "1,000,000", "#1", "100%", "$5", "$19.99", "4x4", "1st", "2nd",
           "3rd", "10th", "24/7", "9:30", "1080p", "4K", "5G", "-273.15", "1e9", "0xFF", "007", "12345678901234567890"]
PUNCT = ["!", "!!!", "?", "?!", "...", "…", "--", "—", "–", "-", "(", ")", "[", "]", "{", "}", "@", "#", "$", "%",
         "^", "&", "*", "_", "+", "=", "|", "\\", "/", "<", ">", "~", "`", ";", ":", ",", ".", '"', "'", "!?!?",
         "***", "->", "<-", "=>", ":)", ":-(", ";)", "<3", "¯\\_(ツ)_/¯", "@@", "##hashtag", "@user", "·", "•", "§",
         "¶", "†", "‰", "′", "″", "«", "»", "‹", "›", "¿", "¡", "©", "®", "™", "°", "±", "×", "÷", "€", "£", "¥", "¢"]
CONTRACTIONS = ["it's", "IT'S", "It'S", "we'll", "WE'LL", "We'Ll", "don't", "DON'T", "I'm", "I'M", "you're",
                "YOU'RE", "they've", "THEY'VE", "she'd", "SHE'D", "can't", "won't", "o'clock", "rock'n'roll",
                "Jones'", "''s", "'s", "'S", "'t", "'re", "'ve", "'m", "'ll", "'d", "'dd", "'lll", "'x", "y'all",
                "'tis", "ma'am", "'90s", "don’t", "it’s", "WE’LL", "l'amour", "aujourd'hui", "it'ſ", "'ſ"]
WHITESPACE = [" ", "  ", "   ", "\t", "\t\t", "\n", "\n\n", "\r\n", "\r", " \t \n ", "\u00a0", "\u00a0\u00a0",
              "\u2003", "\u2009", "\u202f", "\u3000", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1f", "\x85",
              "\u1680", "\u205f", "\u200b", "\ufeff"]
ACCENTED = ["café", "naïve", "résumé", "Ångström", "Zoë", "São Paulo", "Dvořák", "Łódź", "Straße", "ñandú",
            "Crème Brûlée", "Ærøskøbing", "façade", "jalapeño", "Mötley Crüe", "Škoda", "İstanbul", "Ελλάδα", "Việt Nam",
            "Nguyễn", "Håkon", "Þórr", "Ðakovo", "ÉCOLE", "ÜBER", "ĲSSEL", "smörgåsbord", "piñata", "Māori", "Ōsaka"]
SCRIPTS = ["Καλημέρα κόσμε", "ΟΔΟΣ", "Σίσυφος", "ΣΑΣ ΣΟΣ", "ΌΣΟΣ.", "λόγος", "Σ", "ΑΣ1", "Привет мир", "ЁЛКА",
           "Москва", "Київ", "Беларусь", "日本語", "東京タワー", "中文字符", "你好，世界！", "繁體中文", "한국어",
           "안녕하세요", "カタカナ", "ひらがな", "漢字かなカナ", "مرحبا بالعالم", "العربية", "٣٤٥", "नमस्ते दुनिया",
           "हिन्दी", "१२३", "שלום עולם", "สวัสดีชาวโลก", "Բարեւ", "გამარჯობა", "ሰላም", "ᚠᚢᚦ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
           "𝐁𝐨𝐥𝐝", "ⓐⓑⓒ", "ⅫⅣ", "½ ¾ ⅞", "x² + y³", "H₂O", "∑∫√∞≈≠", "ℕℤℚℝ", "Ω", "Ω", "K", "Å", "µ", "ﬅ"]
EMOJI = ["😀", "😂🤣", "👍", "👍🏽", "👋🏿", "👩‍👩‍👧‍👦", "👨‍💻", "👨🏻‍💻", "🏳️‍🌈", "🏳️‍⚧️", "🇯🇵", "🇺🇸", "🇫🇷🇩🇪", "🇬🇧",
         "❤️", "❤", "♥️", "1️⃣", "#️⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "🧑‍🤝‍🧑", "🐱", "🐶🐕", "🍕🍔", "🚗💨", "☀️", "⭐", "✨",
         "🎉🎉🎉", "🤷‍♀️", "🙏", "👁️‍🗨️", "©️", "™️", "🔥"]
ENTITIES = ["&amp;", "&#39;", "&quot;", "&lt;", "&gt;", "&nbsp;", "&eacute;", "&EACUTE;", "&Eacute;", "&#x2019;",
            "&#8220;", "&#8221;", "&#x201C;", "&amp;amp;", "&amp;amp;amp;", "&amp", "&amp;lt;", "&notit;", "&not",
            "&#128;", "&#0;", "&#xD800;", "&#1114112;", "&#12ab;", "&#x41;", "&#65", "&hellip;", "&mdash;", "&copy",
            "&copy;", "&AMP;", "&SZLIG;", "&szlig;", "&NTILDE;", "&nTILDE;", "&Jscr;", "&HilbertSpace;",
            "&checkmark;", "&#x1F600;", "&#128512;", "&unknown;", "& amp;", "&;", "&#;", "&#x;", "&ampx", "&lt",
            "&#9;", "&#10;", "&#x85;", "&#x9D;", "&#13;", "&#11;", "&#xFFFF;", "&#xFDD0;", "&frac12;", "&times;",
            "&NewLine;", "&Tab;", "&ThinSpace;", "&zwj;", "&shy;", "&apos;", "&lsquo;", "&rsquo;", "&ldquo;",
            "&rdquo;", "&fflig;", "&fjlig;", "&#xFF21;", "&#64257;", "&euro;", "&#8364;", "&#x80;"]
QUOTES = ["“quoted”", "‘single’", "„low“", "‚low‘", "‛reversed‛", "‟double‟", "ʼapostrophe", "«guillemets»",
          "it’s", "don‘t", "“”", "’s", "’’", "″inch″", "〝CJK〞", "＂fullwidth＂", "＇"]
LIGATURES = ["ﬁsh", "ﬂower", "oﬀer", "oﬃce", "baﬄe", "ﬅar", "ﬆop", "Ĳssel", "ĳs", "Ǆ", "ǅ", "ǆ", "Ǉ", "ǈ", "ǉ",
             "Ǌ", "ǋ", "ǌ", "Ǳ", "ǲ", "ǳ", "ŉ", "æther", "œuvre", "Æ", "Œ", "ﬓ", "ﬗ"]
WIDTH = ["ＬＯＵＤ　ＮＯＩＳＥＳ", "ｆｕｌｌｗｉｄｔｈ", "１２３４", "！？", "（ｐａｒｅｎ）", "＃１", "ｶﾀｶﾅ", "ﾊﾟﾝ", "ｶﾞｷﾞ",
         "ｳﾞ", "ﾟ", "ﾞ", "･", "｡｢｣､", "￥１００", "￦", "￠", "￡", "￢", "￣", "￤", "ﾠ", "ﾡﾢ", "ￂￃ", "￨", "￩￪￫￬",
         "￭", "￮", "｟｠", "＆ａｍｐ；", "＜ｂ＞", "Ａ　Ｂ"]
CONTROLS = ["\x1b[31mred\x1b[0m", "\x1b[1;32mbold green\x1b[m", "\x1b[٣m", "\x1b[", "\x00", "\x01", "\x07", "\x08",
            "\x7f", "\x0e", "\x1a", "\u206a", "\u206f", "\ufffc", "\ufff9", "\ufffd", "\x80", "\x81", "\x85", "\x8d",
            "\x91hi\x92", "\x93quoted\x94", "\x96", "\x9c", "\x9f", "\u200d", "\u200c", "\u200e", "\u200f", "\u202e",
            "\u2066", "\U000e0041", "\U0001d173", "\u00ad", "\u034f", "\u180e", "\u2060", "\u0345", "α\u0345",
            "ω\u0345ι", "a\u0345b"]
COMBINING = ["e\u0301", "E\u0301", "a\u0308", "n\u0303", "c\u0327", "o\u0302\u0301", "q\u0307", "\u0301", "x\u0301\u0323",
             "a\u0323\u0302", "\u1100\u1161", "\u1100\u1161\u11a8", "ᄀ", "\u0915\u093c", "\u0928\u093f",
             "\u0bc6\u0bbe", "\u05d1\u05bc", "i\u0307", "I\u0307", "\u212b", "\u2126", "\u212a", "ς", "ΐ"]
MOJIBAKE = ["cafÃ©", "â€œquotedâ€\x9d", "Ã¼ber", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "Ã  la carte", "hola Ã±", "NiÃ±o", "â€™s",
            "Ã©tÃ©", "donâ€™t", "æ–‡å­—åŒ–ã\x81‘", "Ã"]
SPECIAL = ["<|startoftext|>", "<|endoftext|>", "a<|endoftext|>b", "!<|endoftext|>", "<|ENDOFTEXT|>",
           "<|StartOfText|>", "<start_of_text>", "<end_of_text>", "<|ſtartoftext|>", "<|endoftext|><|endoftext|>",
           "<|endoftext", "endoftext|>", "< |endoftext| >", "x <|startoftext|> y", "<|endoftext|>!"]
CAPTIONS = [
    "a photo of a cat",
    "a photo of a dog.",
    "A man riding a wave on top of a surfboard.",
    "Two giraffes standing next to each other in a field.",
    "a black and white photo of a vintage car parked on the street",
    "An aerial view of New York City at night, with lights everywhere!",
    "a close-up of a red apple on a wooden table",
    "there's a bird sitting on the branch; it's singing.",
    "The quick brown fox jumps over the lazy dog",
    "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG",
    "itap of a {}.",
    "a bad photo of the {}.",
    "a origami {}.",
    "a photo of the large {}.",
    "art of the {}.",
    "a photo of a person wearing a mask during COVID-19",
    "a 3D render of a teapot",
    "a photo of my dog's toy",
    "a picture of two cats (one orange, one grey) sleeping on a couch",
    "Bananas & apples @ the market -- $1.99/lb",
]


def rcase(rng: random.Random, s: str) -> str:
    k = rng.randrange(5)
    if k == 0:
        return s.upper()
    if k == 1:
        return s.title()
    if k == 2:
        return "".join(c.upper() if rng.random() < 0.5 else c for c in s)
    return s


def fragment(rng: random.Random) -> str:
    pools = [(WORDS, 10), (NAMES, 2), (NUMBERS, 2), (PUNCT, 3), (CONTRACTIONS, 2), (ACCENTED, 2), (SCRIPTS, 2),
             (EMOJI, 2), (ENTITIES, 2), (QUOTES, 1), (LIGATURES, 1), (WIDTH, 1), (CONTROLS, 1), (COMBINING, 1)]
    pool = rng.choices([p for p, _ in pools], weights=[w for _, w in pools])[0]
    s = rng.choice(pool)
    if pool is WORDS or pool is NAMES:
        s = rcase(rng, s)
    if pool is ACCENTED and rng.random() < 0.5:
        s = unicodedata.normalize("NFD", s)
    return s


def separator(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.7:
        return " "
    if r < 0.85:
        return ""
    return rng.choice(WHITESPACE)


def random_string(rng: random.Random, max_fragments: int) -> str:
    n = rng.randint(1, max_fragments)
    parts = [fragment(rng)]
    for _ in range(n - 1):
        parts.append(separator(rng))
        parts.append(fragment(rng))
    s = "".join(parts)
    if rng.random() < 0.1:
        s = rng.choice(WHITESPACE) + s + rng.choice(WHITESPACE)
    return s


def strings() -> list[str]:
    out: list[str] = ["", " ", "   ", "\t", "\n", " \t\n\r ", "\u3000", "\u00a0", "\u00a0 \u2003", "\u200b", "&nbsp;"]
    for pool in (CAPTIONS, NAMES, NUMBERS, PUNCT, CONTRACTIONS, ACCENTED, SCRIPTS, EMOJI, ENTITIES, QUOTES, LIGATURES,
                 WIDTH, CONTROLS, COMBINING, MOJIBAKE, SPECIAL):
        out.extend(pool)
    out.extend(unicodedata.normalize("NFD", s) for s in ACCENTED)
    out.extend(s.upper() for s in ACCENTED + SCRIPTS[:12])
    out.extend(f"a photo of a {w}" for w in WORDS[::3])
    out.extend(f"{w}{p}{w}" for w, p in zip(WORDS[5::7], PUNCT))
    out.extend(f"word{ws}word" for ws in WHITESPACE)
    out.extend([
        # HTML next to "<": ftfy unescapes only before the first line with "<"; open_clip unescapes twice anyway
        "&amp; <b>&amp;</b>", "x &lt; y &amp;amp;", "fish &amp; chips\n<p>&amp;amp; more</p>\n&amp;amp;",
        "first &amp;amp; line\nsecond &amp;amp; line", "a < b &amp;amp;amp; c", "&lt;b&gt;bold&lt;/b&gt;",
        "&amp;lt;script&amp;gt;", "tom &amp; jerry", "rock &amp roll", "AT&amp;T", "&#39;quoted&#39;",
        "it&#39;s", "it&#8217;s", "it&rsquo;s", "WE&#39;LL", "caf&eacute; na&iuml;ve", "&EACUTE;COLE",
        "&quot;&quot;&quot;", "5 &lt; 6 &gt; 4", "&&&", "&amp;&amp;", "a&b", "&#x26;amp;", "&#38;amp;", "&#38;#38;",
        "&#38;#38;#38;", "&#x110000;", "&#99999999999999999999;", "&#xFFFFFFFFFFFFFFFFFFFF;",
        "&" + "a" * 40 + ";", "&" + "1" * 30 + ";", "&amp;" * 20,
        # final sigma and other case mappings
        "ΟΔΟΣ ΣΟΦΙΑΣ", "ΣΑΣ", "Σ.", "ΑΣ.Β", "ΑΣ'Β", "ΑΣ\u0301", "Α\u0345Σ", "ὈΔΥΣΣΕΎΣ", "İİ", "I\u0307", "ΣΣΣ", "aΣ",
        "ΑΣ🙂", "K Kelvin", "Ⅻ", "ǅungla", "ᾼ", "ß", "ẞ", "ﬀ", "ſ", "ſtop", "ΐ", "ǰ",
        # Hangul composition (Foundation's NFC on Linux gets LV + T and archaic jamo wrong; DetectKit composes them)
        "\uac1c\u11ad", "e\u0301\uac1c\u11ad", "\u1100\u1161\u11a8", "e\u0301\u1100\u1161\u11a8", "\u1113\u1161",
        "e\u0301\u1113\u1161", "\u1100\u1176", "e\u0301\uac00\u11c3", "\U0001f411\u1113\uffc2", "한국어 \u1112\u1161\u11ab",
        # whitespace-only and separators
        " \u2028 ", "\u2029", "a\u2028b", "a\x1cb", "a\x1fb", "a\x85b", "a\u0085\u0085b", "a\r\nb", "a\rb", "a\u000bb",
        "a\u000cb", "\t\ttabs\t\t", "trailing   ", "   leading", "mid    dle", "a\u200bb", "a\u00a0b", "a\u3000b",
        # digits and numbers from other scripts
        "٠١٢٣٤٥٦٧٨٩", "۱۲۳", "०१२", "১২৩", "௧௨௩", "๑๒๓", "①②③", "⑴⑵", "⒈⒉", "ⅰⅱⅲ", "〇一二三", "𝟙𝟚𝟛", "¹²³", "₁₂₃",
        # long runs
        "a" * 300, "!" * 200, "9" * 100, "ab" * 150, "🙂" * 40, "日本" * 60, "ﬁ" * 50, "&amp;" * 50, " " * 500,
        "supercalifragilisticexpialidocious" * 5, "".join(chr(c) for c in range(0x21, 0x7F)),
        "".join(chr(c) for c in range(0xA1, 0x180)),
    ])
    rng = random.Random(20240511)
    for _ in range(30):  # very long strings, past 77 tokens
        out.append(random_string(rng, 160))
    for _ in range(60):
        out.append(" ".join(rng.choice(CAPTIONS) for _ in range(rng.randint(3, 8))))
    while len(out) < 1250:
        out.append(random_string(rng, 12))
    seen: set[str] = set()
    unique = []
    for s in out:
        if s not in seen:
            seen.add(s)
            unique.append(s)
    return unique


# ---------------------------------------------------------------------------------------------------------------


def tags_for(text: str, model: SwiftModel, reference: str) -> list[str]:
    tags = []
    if ftfy.fix_text(text) != ftfy.fix_text(text, fix_encoding=False):
        tags.append("ftfy-encoding")
    lowered = " ".join(text.split()).lower()
    if any(s in lowered for s in ("<|startoftext|>", "<|endoftext|>", "<start_of_text>", "<end_of_text>",
                                  "<|ſtartoftext|>")):
        tags.append("special-token-text")
    if reference in ("hf_slow", "hf_fast"):
        fixed = ftfy.fix_text(text) if reference == "hf_slow" else unicodedata.normalize("NFC", text)
        if html.unescape(html.unescape(fixed)) != fixed:
            tags.append("html-unescape")
    if reference == "hf_fast":
        if ftfy.fix_text(text) != unicodedata.normalize("NFC", text):
            tags.append("ftfy")
        if "Σ" in text or "ϴ" in text or "ẞ" in text:
            tags.append("lowercase")
        if "ſ" in text or "\u0345" in text:
            tags.append("regex-case-folding")
    if not tags:
        tags.append("other")
    return tags


def main() -> int:
    import open_clip.tokenizer
    from transformers import CLIPTokenizer, CLIPTokenizerFast
    import tokenizers
    import transformers

    model = SwiftModel()
    reference = open_clip.tokenizer.SimpleTokenizer()
    slow = CLIPTokenizer(VOCAB, MERGES)
    fast = CLIPTokenizerFast(vocab_file=VOCAB, merges_file=MERGES)

    texts = strings()
    assert len(texts) >= 1000, len(texts)
    cases = []
    agree = {"open_clip": 0, "hf_slow": 0, "hf_fast": 0}
    tag_counts: dict[str, dict[str, int]] = {k: {} for k in agree}
    long_count = 0
    for text in texts:
        ids = model.encode(text)
        if len(ids) + 2 > 77:
            long_count += 1
        case: dict = {"text": text, "ids": ids}
        got = {
            "open_clip": reference.encode(text),
            "hf_slow": slow(text, add_special_tokens=True, truncation=False)["input_ids"],
            "hf_fast": fast(text, add_special_tokens=True, truncation=False)["input_ids"],
        }
        want = {"open_clip": ids, "hf_slow": [SOT] + ids + [EOT], "hf_fast": [SOT] + ids + [EOT]}
        for name in agree:
            if got[name] == want[name]:
                agree[name] += 1
            else:
                tags = tags_for(text, model, name)
                case[name] = got[name]
                case.setdefault("differs", {})[name] = tags
                for t in tags:
                    tag_counts[name][t] = tag_counts[name].get(t, 0) + 1
                if name == "open_clip":
                    assert set(tags) <= {"ftfy-encoding", "special-token-text"}, (text, tags)
        cases.append(case)

    summary = {
        "cases": len(cases),
        "longer_than_77_with_start_and_end": long_count,
        "agree_with_ids": agree,
        "differences_by_reason": tag_counts,
        "reasons": {
            "ftfy-encoding": "ftfy's mojibake repair (fix_encoding), which the Swift cleaning does not reproduce",
            "special-token-text": "text holding <|startoftext|>/<|endoftext|> (OpenAI's special tokens, split out "
            "by the regex in openai/CLIP and DetectKit, as added tokens in HF) or open_clip's <start_of_text>",
            "html-unescape": "HF does not unescape HTML entities; open_clip runs html.unescape twice after ftfy",
            "ftfy": "HF fast does not run ftfy (quotes, ligatures, widths, controls, line breaks, entities)",
            "lowercase": "Rust lower-casing has no final sigma",
            "regex-case-folding": "Python's case-insensitive regex lets ſ match the s of 's and makes U+0345 match "
            "nothing (a separator); the Rust split regex is case-sensitive",
            "other": "none of the above",
        },
    }
    doc = {
        "generator": "training/golden_clip_tokenizer.py",
        "versions": {
            "open_clip_torch": open_clip.__version__,
            "ftfy": ftfy.__version__,
            "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__,
            "regex": regex.__version__,
            "python_unicodedata": unicodedata.unidata_version,
        },
        "ids": "encode(text) without start/end: open_clip's SimpleTokenizer except for the reasons tagged",
        "summary": summary,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    print(f"wrote {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT):,} bytes, {len(cases)} cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
