"""Trains DetectKit's bundled zero-shot labeller: a small Hugging Face `CLIPModel`, contrastively, from scratch, on
CPU, on detector-style crops of synthetic scenes with colour / shape / size captions (training/clip_data.py).

The run (restart the same command to resume from the latest checkpoint; it first renders whatever crop shards are
missing under training/data/clip/, train seed 3 scenes 0..11999, val seed 3001 scenes 0..399):

    nohup nice -n 19 python training/clip_train.py --name clip64 > training/runs/clip64.out 2>&1 &
    tail -f training/runs/clip64/train.log

Then clip_export.py writes the folder DetectKit bundles (see its docstring). The bundled model is the mean
(clip_soup.py) of the 14 checkpoints of steps 17500..24000 of run clip64y, which continued run clip64x, which
continued run clip64 (5.4 hours in all on this 2-core machine). The schedules changed on resume, to fit the
machine's time: clip64 ran --steps 8000 for steps 0..3000, then 4500 for 3000..4500 (the first bundled model),
both with 12 % shape-only and 8 % colour-only captions; then a warm restart (the learning rate back to 37 % of its
peak) with --steps 7500 and the caption mix of the defaults now, 35 % shape-only and 15 % colour-only, for
4500..7500 (the second); clip64x restarted from there (the learning rate back to 21 %) with --steps 10500 and the
crops of 4000 off-palette scenes (the third); clip64y restarted from that (the learning rate back to 61 %) with
--steps 24000 (the default now), the crops of 6000 any-colour scenes added, on 2 threads, keeping the checkpoint
of every evaluation. To redo it exactly:

    python training/clip_train.py --name clip64 --steps 8000 --max-steps-this-run 3000 --shape-only 0.12 --colour-only 0.08
    python training/clip_train.py --name clip64 --steps 4500 --shape-only 0.12 --colour-only 0.08
    python training/clip_train.py --name clip64 --steps 7500
    python training/clip_train.py --name clip64x --steps 10500 --init-from training/runs/clip64/last.pt --off-palette-scenes 4000
    python training/clip_train.py --name clip64y --init-from training/runs/clip64x/last.pt --off-palette-scenes 4000 \
        --any-colour-scenes 6000 --threads 2 --keep-every 500
    python training/clip_soup.py --name clip64y --from-step 17500

Why the mix changed, and why off-palette crops: at step 4500 the shape word was right for 90 % of the crops of
seen colour-shape pairs but 36 % of those of held-out pairs (colour: 99 % on both), and 915 of the 916 wrong
held-out crops got a SEEN pair of the right colour. The image tower had learnt shape jointly with colour. Captions
that name the shape alone ask it for one embedding direction per shape, whatever the colour (36 -> 47 % by step
7500). Showing it every shape in four more colours that no label names (clip_data's offpalette split) is what
made that direction hold in colours it never saw a shape in. The control, the same restart without them
(python training/clip_train.py --name clip64c --steps 10500 --init-from training/runs/clip64/last.pt, stopped
at step 8500), on the 4000 evaluation crops, clip64x / clip64c: at step 8000 held-out pairs 75.4 / 55.5 %, seen
92.0 / 90.9 %, shape on held-out-pair crops 62.1 / 40.4 %; at step 8500 held-out 73.0 / 61.9 %, seen 92.1 /
92.2 %, shape on held-out-pair crops 63.5 / 45.9 %.

Why any-colour crops and the soup: with the four off-palette colours, shape on held-out-pair crops settled near
62 % (step 10500; worst pairs gray star 51 %, black hexagon 59 %). Crops of objects each in a colour of its own
(clip_data's anycolour split) show every shape across most of the colour space that no label names. Measured with
clip_eval.py on all 4650 crops: step 24000 of clip64y alone, seen 97.6 %, held-out 83.6 %, shape on held-out-pair
crops 83.8 %; the mean of its checkpoints of steps 17500..24000, seen 97.6 %, held-out 86.1 %, shape on
held-out-pair crops 86.1 %. The averaging range (the second half of the restart) was fixed before any mean over
it was evaluated. There was no control run without the any-colour crops, so this stage's gain mixes the colours
and 13500 more steps; on the 4000 evaluation crops, held-out pairs were at 76 % 500 steps after the restart (72 %
before it) and gray star went from 51 to 83 %.

Model (make_config): vision ViT image 64, patch 8, width 128, 4 layers, 4 heads, MLP 512; text width 64, 4
layers, 4 heads, MLP 256, 77 positions, CLIP's 49,408-token BPE vocabulary (bos 49406, eos = pad 49407, pooled at
the first end-of-text token); projection 64; quick_gelu; logit scale learnable from ln(1/0.07), clamped at ln 100.
(The token embedding is 49,408 x 64: 3.2 M of the 4.2 M parameters, 8.4 MB in float16.)

Captions: per crop and step one caption "TEMPLATE.format(PHRASE)" with a uniform template of
clip_data.TEMPLATES and a phrase that is "colour shape" (50 %), "shape" (--shape-only, 35 %) or "colour
shape-word" ("red shape", --colour-only, 15 %), with the size word ("small"/"large") in front for 30 % of the
crops that have one. A caption is TRUE of an image when every attribute it names matches the image (so "a photo
of a star." is true of every star, "a small red star" only of small red stars).

Off-palette crops (--off-palette-scenes N, default 0): the crops of N scenes of clip_data's offpalette split join
the training set, always captioned by their shape alone (no label names their colours). --any-colour-scenes N
does the same with clip_data's anycolour split (each object its own colour, clear of every named one).

Loss: symmetric InfoNCE with caption-level targets: logits = exp(s) * normalised image x text embeddings (B x B);
image i's target is uniform over the batch's captions that are true of it, caption j's target uniform over the
images it is true of (many crops share a caption or colour-shape pair; plain InfoNCE would push true pairs
apart); loss = mean of the two cross-entropies. Only the batch's distinct captions go through the text tower.
Augmentation: the 8 symmetries of the square (the shapes are drawn at random rotations anyway); no colour jitter
(colour is a label). Batch 128 (per image, one core runs batches of <= 192 about 1.4x faster than 256: cache),
24000 steps; AdamW (lr 1.5e-3, betas 0.9/0.98, eps 1e-6, weight decay 0.1 on matrices other than the
token/position embeddings), 200 warm-up steps, cosine to 2 % of lr, gradient norm clipped at 1. (Measured here:
shape is what the small ViT learns slowly, colour is ~97 % within 1000 steps; top-1 on seen pairs at steps
500 / 1000 / 1500 was 30 / 49 / 60 % with lr 5e-4 and 500 warm-up steps, 40 / 51 / 61 % with these settings. A
supervised 8-way shape probe of the same ViT reached only 37 % at step 600: the vision tower, not the loss, is
what learns slowly early on. By step 4500 shape was learnt for seen pairs, 90 %; what lags is shape in a colour
never seen with it: see above.)

Evaluation (every --eval-every steps and at the end, on the validation crops: seed 3001 scenes, half of the objects
from held-out pairs): zero-shot top-1 over ALL 80 colour-shape pairs (chance 1.25 %), with the single template "a
photo of a {}." and with the ensemble of all templates (mean of the normalised text embeddings, renormalised),
reported separately for crops of seen pairs and of held-out pairs; plus diagnostics: shape alone (8-way, "a photo
of a star."; also apart for the crops of seen and of held-out pairs), colour alone (10-way, "a photo of a red
shape."), and small-vs-large (2-way with the true colour and shape, on crops with a size word). Size is not part of
the zero-shot targets: a crop is resized to 64 px and loses its scale.

Files: training/runs/<name>/train.log (progress), metrics.jsonl (one line per evaluation), last.pt (model,
optimiser, step, config; written every --ckpt-minutes minutes, at each evaluation and at the end), stepN.pt (with
--keep-every K: a copy of the checkpoint of each evaluation at a multiple of K, for clip_soup.py). Threads:
torch.set_num_threads(--threads, default 1).
"""
import argparse
import json
import math
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_data as cd  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], np.float32)  # OpenAI CLIP, as CLIPImageProcessor
STD = np.array([0.26862954, 0.26130258, 0.27577711], np.float32)
NO = -1  # attribute not named by a caption


def make_config(a):
    from transformers import CLIPConfig
    return CLIPConfig(
        text_config=dict(vocab_size=49408, hidden_size=a.text_width, intermediate_size=4 * a.text_width,
                         num_hidden_layers=a.text_layers, num_attention_heads=a.text_heads,
                         max_position_embeddings=77, hidden_act="quick_gelu", bos_token_id=49406,
                         eos_token_id=49407, pad_token_id=49407),
        vision_config=dict(image_size=a.image_size, patch_size=a.patch_size, hidden_size=a.vision_width,
                           intermediate_size=4 * a.vision_width, num_hidden_layers=a.vision_layers,
                           num_attention_heads=a.vision_heads, hidden_act="quick_gelu"),
        projection_dim=a.projection, logit_scale_init_value=math.log(1 / 0.07))


class Captions:
    """Every caption the training can draw (template x phrase), tokenised once, with its attributes."""

    def __init__(self, tokenizer):
        self.phrases = []  # (colour index or NO, shape index or NO, size class 0/2 or NO)
        for z in (NO, 0, 2):
            for c in [NO] + list(range(len(cd.COLOUR_NAMES))):
                for s in [NO] + list(range(len(cd.SHAPES))):
                    if c == NO and s == NO:
                        continue
                    self.phrases.append((c, s, z))
        self.index = {p: i for i, p in enumerate(self.phrases)}
        texts = [t.format(self.text(*p)) for t in cd.TEMPLATES for p in self.phrases]
        self.tokens = tokenize(tokenizer, texts)
        self.attrs = torch.tensor([p for _ in cd.TEMPLATES for p in self.phrases])  # (T*P, 3)

    @staticmethod
    def text(c, s, z):
        return cd.phrase(cd.COLOUR_NAMES[c] if c != NO else None, cd.SHAPES[s] if s != NO else None,
                         cd.SIZE_WORDS[z] if z != NO else None)

    def caption_id(self, template, c, s, z):
        return template * len(self.phrases) + self.index[(c, s, z)]


def tokenize(tokenizer, texts):
    """(N, L) int64 ids: <|startoftext|> ... <|endoftext|>, padded with <|endoftext|> (49407) to the longest."""
    ids = tokenizer(texts)["input_ids"]
    assert max(map(len, ids)) <= 77
    L = max(map(len, ids))
    return torch.tensor([x + [49407] * (L - len(x)) for x in ids])


def load_tokenizer():
    from transformers import CLIPTokenizer
    d = cd.tokenizer_dir()
    return CLIPTokenizer(str(d / "vocab.json"), str(d / "merges.txt"))


def to_pixels(images):
    """uint8 (N, S, S, 3) -> normalised float32 (N, 3, S, S), as CLIPImageProcessor's rescale + normalise."""
    x = (images.astype(np.float32) / 255 - MEAN) / STD
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def dihedral(images, ks):
    out = np.empty_like(images)
    for i, k in enumerate(ks):
        im = np.rot90(images[i], k % 4)
        out[i] = im[:, ::-1] if k >= 4 else im
    return out


def text_features(model, tokens):
    # Position ids 0..L-1, causal attention: padding after the first end-of-text token changes nothing.
    return model.get_text_features(input_ids=tokens)


def image_features(model, pixels):
    return model.get_image_features(pixel_values=pixels)


def sample_captions(rng, caps, colour, shape, size, shape_only, colour_only):
    """One caption id per crop (see the module doc): a share `colour_only` names no shape, `shape_only` no colour."""
    n = len(colour)
    kind = rng.random(n)
    sizeword = rng.random(n) < 0.3
    templates = rng.integers(0, len(cd.TEMPLATES), n)
    ids = np.empty(n, np.int64)
    for i in range(n):
        c, s = int(colour[i]), int(shape[i])
        if c >= len(cd.COLOUR_NAMES):  # an off-palette colour: no label names it
            c = NO
        elif kind[i] >= 1 - colour_only:
            s = NO
        elif kind[i] >= 1 - colour_only - shape_only:
            c = NO
        z = int(size[i]) if sizeword[i] and size[i] != 1 else NO
        ids[i] = caps.caption_id(int(templates[i]), c, s, z)
    return ids


def contrastive_loss(img, txt, scale, truth):
    """Symmetric InfoNCE with caption-level targets; truth[i, j] = caption j true of image i (diagonal true)."""
    logits = scale * img @ txt.t()
    t = truth.float()
    li = -(t / t.sum(1, keepdim=True) * F.log_softmax(logits, 1)).sum(1).mean()
    lt = -(t / t.sum(0, keepdim=True) * F.log_softmax(logits, 0)).sum(0).mean()
    return (li + lt) / 2, logits


def truth_matrix(img_attrs, cap_attrs):
    """(B_img, B_cap) bool: every attribute the caption names (not NO) matches the image's."""
    a, c = img_attrs[:, None, :], cap_attrs[None, :, :]
    return ((c == NO) | (c == a)).all(-1)


@torch.no_grad()
def evaluate(model, tokenizer, val, batch=500):
    model.eval()
    feats = []
    for i in range(0, len(val["colour"]), batch):
        feats.append(F.normalize(image_features(model, to_pixels(val["images"][i:i + batch])), dim=-1))
    img = torch.cat(feats)
    colour = torch.from_numpy(val["colour"].astype(np.int64))
    shape = torch.from_numpy(val["shape"].astype(np.int64))
    size = torch.from_numpy(val["size_class"].astype(np.int64))

    def classifier(phrases, templates):
        texts = [t.format(p) for t in templates for p in phrases]
        e = F.normalize(text_features(model, tokenize(tokenizer, texts)), dim=-1)
        e = e.view(len(templates), len(phrases), -1).mean(0)
        return F.normalize(e, dim=-1)

    single, every = cd.TEMPLATES[:1], cd.TEMPLATES
    pairs = cd.ALL_COMBOS
    label = colour * len(cd.SHAPES) + shape  # ALL_COMBOS order: colour-major
    held = torch.tensor([(cd.COLOUR_NAMES[c], cd.SHAPES[s]) in cd.HELD_OUT
                         for c, s in zip(colour.tolist(), shape.tolist())])
    out = {"val_crops": len(label), "val_held_out_crops": int(held.sum())}
    per_combo = {}
    for name, templates in (("single", single), ("ensemble", every)):
        w = classifier([f"{c} {s}" for c, s in pairs], templates)
        pred = (img @ w.t()).argmax(1)
        ok = (pred == label).float()
        out[f"seen_{name}"] = float(ok[~held].mean())
        out[f"held_out_{name}"] = float(ok[held].mean())
        if name == "ensemble":
            for z, zname in enumerate(("small", "medium", "large")):
                m = (size == z) & ~held
                out[f"seen_ensemble_{zname}"] = float(ok[m].mean()) if m.any() else None
            for c, s in cd.HELD_OUT:
                k = cd.ALL_COMBOS.index((c, s))
                m = label == k
                per_combo[f"{c} {s}"] = round(float(ok[m].mean()), 4) if m.any() else None
    ws = classifier(cd.SHAPES, every)
    shape_ok = ((img @ ws.t()).argmax(1) == shape).float()
    out["shape_ensemble"] = float(shape_ok.mean())
    out["shape_seen_pairs"] = float(shape_ok[~held].mean())  # is shape learnt apart from colour?
    out["shape_held_out_pairs"] = float(shape_ok[held].mean())
    wc = classifier([f"{c} shape" for c in cd.COLOUR_NAMES], every)
    out["colour_ensemble"] = float(((img @ wc.t()).argmax(1) == colour).float().mean())
    sized = size != 1
    if sized.any():
        wz = classifier([f"{z} {c} {s}" for z in ("small", "large") for c, s in pairs], every).view(2, len(pairs), -1)
        lab = label[sized]
        sims = torch.stack([(img[sized] * wz[k, lab]).sum(-1) for k in range(2)], 1)
        out["size_small_vs_large"] = float((sims.argmax(1) == (size[sized] == 2).long()).float().mean())
    out["held_out_per_pair_ensemble"] = per_combo
    model.train()
    return out


def lr_at(step, a):
    if step < a.warmup:
        return a.lr * (step + 1) / a.warmup
    t = min(1.0, (step - a.warmup) / max(1, a.steps - a.warmup))
    return a.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * t)))


def param_groups(model, wd):
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        if p.ndim < 2 or "token_embedding" in n or "position_embedding" in n:
            no_decay.append(p)
        else:
            decay.append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]


def save(path, **state):
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--name", required=True)
    ap.add_argument("--steps", type=int, default=24000)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--wd", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0, help="initialisation, data order, augmentation, captions")
    ap.add_argument("--shape-only", type=float, default=0.35, help="share of captions that name the shape alone")
    ap.add_argument("--colour-only", type=float, default=0.15, help="share of captions that name the colour alone")
    ap.add_argument("--train-scenes", type=int, default=12000)
    ap.add_argument("--off-palette-scenes", type=int, default=0,
                    help="add the crops of this many scenes painted in colours no label names (shape captions only)")
    ap.add_argument("--any-colour-scenes", type=int, default=0,
                    help="scenes of clip_data's anycolour split added to training, captioned by shape alone")
    ap.add_argument("--val-scenes", type=int, default=400)
    ap.add_argument("--data", default=str(ROOT / "training" / "data" / "clip"))
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--eval-count", type=int, default=4000, help="validation crops per evaluation (0: all)")
    ap.add_argument("--log-every", type=int, default=25)
    ap.add_argument("--ckpt-minutes", type=float, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--image-size", type=int, default=cd.IMAGE_SIZE)
    ap.add_argument("--patch-size", type=int, default=8)
    ap.add_argument("--vision-width", type=int, default=128)
    ap.add_argument("--vision-layers", type=int, default=4)
    ap.add_argument("--vision-heads", type=int, default=4)
    ap.add_argument("--text-width", type=int, default=64)
    ap.add_argument("--text-layers", type=int, default=4)
    ap.add_argument("--text-heads", type=int, default=4)
    ap.add_argument("--projection", type=int, default=64)
    ap.add_argument("--init-from", default=None,
                    help="a checkpoint (another run's last.pt) to continue from when this run has none yet")
    ap.add_argument("--keep-every", type=int, default=0,
                    help="also keep the checkpoint of every evaluation at a multiple of this step as stepN.pt "
                         "(clip_soup.py averages them)")
    ap.add_argument("--max-steps-this-run", type=int, default=None, help="stop (with a checkpoint) after this many")
    ap.add_argument("--time-steps", type=int, default=0, help="only time this many steps, then exit (no files)")
    a = ap.parse_args()
    assert a.image_size == cd.IMAGE_SIZE, "the crop shards are rendered at clip_data.IMAGE_SIZE"

    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    from transformers import CLIPModel
    from transformers.utils import logging as hf_logging
    hf_logging.set_verbosity_error()

    run = ROOT / "training" / "runs" / a.name
    run.mkdir(parents=True, exist_ok=True)
    logf = open(run / "train.log", "a")

    def log(msg):
        line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {msg}"
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    data = Path(a.data)
    log(f"start: {' '.join(sys.argv)}")
    train_paths = cd.generate("train", a.train_scenes, data / "train", log=log)
    val_paths = cd.generate("val", a.val_scenes, data / "val", log=log)
    if a.off_palette_scenes:
        train_paths += cd.generate("offpalette", a.off_palette_scenes, data / "offpalette", log=log)
    if a.any_colour_scenes:
        train_paths += cd.generate("anycolour", a.any_colour_scenes, data / "anycolour", log=log)
    train, val = cd.load(train_paths), cd.load(val_paths)
    if a.eval_count and a.eval_count < len(val["colour"]):
        pick = np.random.default_rng([a.seed, 99]).choice(len(val["colour"]), a.eval_count, replace=False)
        pick.sort()
        val = {k: v[pick] for k, v in val.items()}
    assert cd.held_out_count(train) == 0, "held-out pairs in the training crops"
    N = len(train["colour"])
    log(f"data: {N} train crops ({a.train_scenes} scenes + {a.off_palette_scenes} off-palette + "
        f"{a.any_colour_scenes} any-colour), "
        f"{len(val['colour'])} val crops for evaluation")

    tokenizer = load_tokenizer()
    caps = Captions(tokenizer)
    config = make_config(a)
    torch.manual_seed(a.seed)
    model = CLIPModel(config)
    model.train()
    opt = torch.optim.AdamW(param_groups(model, a.wd), lr=a.lr, betas=(0.9, 0.98), eps=1e-6)
    step = 0
    ckpt = run / "last.pt"
    start_from = ckpt if ckpt.exists() else (Path(a.init_from) if a.init_from else None)
    if start_from is not None and not a.time_steps:
        state = torch.load(start_from, map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        step = state["step"]
        log(f"resumed from {start_from} at step {step}")
    nparams = sum(p.numel() for p in model.parameters())
    log(f"model: {nparams / 1e6:.2f} M parameters; config {json.dumps(config.to_diff_dict())}")

    perms = {}

    def batch_indices(s):
        pos = s * a.batch + np.arange(a.batch)
        epoch, within = pos // N, pos % N
        out = np.empty(a.batch, np.int64)
        for e in np.unique(epoch):
            if e not in perms:
                perms.clear()
                perms[e] = np.random.default_rng([a.seed, int(e), 11]).permutation(N)
            out[epoch == e] = perms[e][within[epoch == e]]
        return out

    def checkpoint(final=False):
        if a.time_steps:
            return
        save(ckpt, model=model.state_dict(), optimizer=opt.state_dict(), step=step, args=vars(a),
             config=config.to_dict(), final=final)

    def run_eval():
        t = time.time()
        m = evaluate(model, tokenizer, val)
        m.update(step=step, logit_scale=float(model.logit_scale.detach().exp()), eval_s=round(time.time() - t, 1))
        with open(run / "metrics.jsonl", "a") as f:
            f.write(json.dumps(m) + "\n")
        log(f"eval step {step}: seen single {m['seen_single']:.4f} ensemble {m['seen_ensemble']:.4f} | held-out "
            f"single {m['held_out_single']:.4f} ensemble {m['held_out_ensemble']:.4f} | shape {m['shape_ensemble']:.4f}"
            f" colour {m['colour_ensemble']:.4f} size {m.get('size_small_vs_large', float('nan')):.4f} "
            f"({m['eval_s']} s) held-out pairs {m['held_out_per_pair_ensemble']}")

    last_ckpt = time.time()
    t0, tl, losses, accs = time.time(), time.time(), [], []
    start_step = step
    stop_at = a.steps if a.max_steps_this_run is None else min(a.steps, step + a.max_steps_this_run)
    while step < stop_at:
        rng = np.random.default_rng([a.seed, step, 5])
        idx = batch_indices(step)
        images = dihedral(train["images"][idx], rng.integers(0, 8, a.batch))
        colour, shape, size = train["colour"][idx], train["shape"][idx], train["size_class"][idx]
        cap_ids = sample_captions(rng, caps, colour, shape, size, a.shape_only, a.colour_only)
        uniq, inverse = np.unique(cap_ids, return_inverse=True)
        img_attrs = torch.from_numpy(np.stack([colour, shape, size], 1).astype(np.int64))
        truth = truth_matrix(img_attrs, caps.attrs[cap_ids])
        tokens = caps.tokens[torch.from_numpy(uniq)]
        L = int((tokens != 49407).sum(1).max()) + 1  # up to the longest caption's end-of-text token
        tokens = tokens[:, :L]

        lr = lr_at(step, a)
        for g in opt.param_groups:
            g["lr"] = lr
        img = F.normalize(image_features(model, to_pixels(images)), dim=-1)
        txt = F.normalize(text_features(model, tokens), dim=-1)[torch.from_numpy(inverse)]
        scale = model.logit_scale.exp()
        loss, logits = contrastive_loss(img, txt, scale, truth)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        step += 1
        losses.append(float(loss.detach()))
        accs.append(float(truth[torch.arange(a.batch), logits.argmax(1)].float().mean()))
        if a.time_steps and step - start_step == 2:
            t0 = time.time()  # the first steps warm up
        if a.time_steps and step - start_step >= a.time_steps + 2:
            log(f"timing: {(time.time() - t0) / a.time_steps:.3f} s/step (batch {a.batch}, {a.threads} thread(s))")
            return
        if step % a.log_every == 0:
            dt = (time.time() - tl) / len(losses)
            log(f"step {step}/{a.steps} loss {np.mean(losses):.4f} batch i2t acc {np.mean(accs):.3f} "
                f"lr {lr:.2e} scale {float(scale.detach()):.1f} {dt:.2f} s/step")
            tl, losses, accs = time.time(), [], []
        if step % a.eval_every == 0 or step == a.steps:
            run_eval()
            checkpoint(final=step == a.steps)
            last_ckpt = time.time()
            if a.keep_every and step % a.keep_every == 0 and not a.time_steps:
                shutil.copyfile(ckpt, run / f"step{step}.pt")
        elif time.time() - last_ckpt > a.ckpt_minutes * 60:
            checkpoint()
            last_ckpt = time.time()
    if step == start_step and not a.time_steps:
        log("already at the last step; evaluating")
        run_eval()
    elif step < a.steps:
        checkpoint()
    log(f"done: {step} steps, {(time.time() - t0) / 3600:.2f} h this session")


if __name__ == "__main__":
    main()
