#!/usr/bin/env bash
# The hostile-input sweep of the `detectkit` command line (README, "Reliability"): every command that takes user
# input is fed numbers at the float limits, NaN and Infinity literals, huge and fractional ids, malformed,
# truncated, deeply nested, non-UTF-8 and empty JSON, corrupt and extreme images, corrupt model folders, absurd
# option values and unusable output paths.
#
#   scripts/hostile-inputs.sh [DETECTKIT]          # default .build/release/detectkit (swift build -c release)
#
# Each case runs under a timeout (HOSTILE_TIMEOUT, default 60 s) and must exit with the status it expects: 0 (a
# documented result), 1 (an error on stderr naming the file, record or option at fault) or 64 (an option refused
# before the command runs, also named). A case fails when the process dies on a signal or trap (status 128 and
# up), hangs, exits otherwise, says nothing naming the culprit, writes JSON that detectkit itself cannot read
# back, or, failing, leaves an existing output file other than it was. The script prints one line per case that
# fails, a count per outcome and per command, and exits 1 when any case failed.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/.build/release/detectkit}"
limit="${HOSTILE_TIMEOUT:-60}"
[ -x "$bin" ] || { echo "hostile-inputs: no $bin (swift build -c release first)" >&2; exit 2; }
detector_dir="$root/Sources/DetectKit/Models/detector"
clip_dir="$root/Sources/DetectKit/Models/clip"
tokenizer_dir="$root/Sources/CLIP/Resources/tokenizer"  # the bundled folder leaves the tokenizer to the CLIP module
samples="$root/samples"

work="$(mktemp -d "${TMPDIR:-/tmp}/detectkit-hostile.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
mkdir -p f o

# ---------------------------------------------------------------------------------------------------------------
# Fixtures.

unhex() { printf "$(sed 's/../\\x&/g')"; }
# A 1×1 RGB PNG; a PNG whose header claims 100000×100000; a valid 20000×1 and 1×20000 gray PNG.
echo 89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8cfc0000003010100f70341430000000049454e44ae426082 | unhex > f/one.png
echo 89504e470d0a1a0a0000000d49484452000186a0000186a0080200000027309c9f0000000b4944415478da636040050000100001aa19f8820000000049454e44ae426082 | unhex > f/huge.png
echo 89504e470d0a1a0a0000000d4948445200004e200000000108000000001edfc152000001ac4944415478daedcfd74208000040d1526820a1411a84a29422251a3293b434901295910889541ac86c50149576329a76146959953253f68eb2a2ad7ec3c33d7f700404fa0f921aa93c414bcf68aef9e2652bd77a6ddbb9e750d489e4cc9c4b85a5f76aeb5e7f6afed325242629ab386ee294e926a696f64e6eebb7ec08de17712c21ed6cfed59b15558f1bde35fe6cebe9377098dce8f193740de72cb459eab266a34fc0ee83478e279dcabe78bde46ecdb3571f9b5a3afb880e965118ab3e597fe67c0bbbe5ae1e9b7d83f6861f8d4f3d9377e54679e5a3fab75f7eb4feeb3b60e88851aa9a530d669b592f59b17ac356ff5d070ec72666645db876ebce83a72f3f7cfbdd212822212d3f464d7b9af1bc45b68eabd66dda1e181a161d97723af77251d9fd87cfdf7cfefeb75b587cc87025150d9d19b316583938bb7b7afb85ec8f8c39997eee7c41f1edea272fde7ffdd5ce9f3f7ffefcf9f3e7cf9f3f7ffefcf9f3e7cf9f3f7ffefcf9f3e7cf9f3f7ffefcf9f3e7cf9f3f7ffefcf9f3e7cf9f3f7ffefcf9f3e7cf9f3f7ffefcf9f3e7cf9f3f7ffefcf9f3e7cf9f3f7ffefcf9f3e7cf9f3f7ffeffcbbf1737d2e8cb31adf5f50000000049454e44ae426082 | unhex > f/thin.png
echo 89504e470d0a1a0a0000000d494844520000000100004e200800000000e2ba43e20000003e4944415478daedc2310d0000000220a31bddc7180cd200000000000000000000000000000000000000000000000000000000000000000000000000000037771b124a59fd920d0000000049454e44ae426082 | unhex > f/tall.png
cp "$samples/images/000000.png" f/good.png
cp "$samples/images/000002.jpg" f/photo.jpg
head -c 33 f/good.png > f/header-only.png
head -c 2000 f/good.png > f/truncated.png
head -c 600 f/photo.jpg > f/truncated.jpg
: > f/empty.png
printf 'not an image\n' > f/text.png
# The JPEG's frame header rewritten to claim 65000×65000.
sof=$(od -An -v -tu1 f/photo.jpg | awk '{ for (i = 1; i <= NF; i++) { n++; if (prev == 255 && $i == 192) { print n - 2; exit }; prev = $i } }')
cp f/photo.jpg f/huge.jpg
printf '\xfd\xe8\xfd\xe8' | dd of=f/huge.jpg bs=1 seek=$((sof + 5)) conv=notrunc status=none
mkdir -p f/batch && cp f/good.png f/one.png f/truncated.png f/empty.png f/huge.png f/batch/

# COCO results: one record per line, written from the arguments.
results() { local out="$1"; shift; { echo "["; local sep=""; for r in "$@"; do printf '%s%s\n' "$sep" "$r"; sep=","; done; echo "]"; } > "$out"; }
rec() { printf '{"image_id": %s, "category_id": %s, "bbox": %s, "score": %s%s}' "$1" "$2" "$3" "$4" "${5:-}"; }
results f/valid.json "$(rec 0 1 '[10, 10, 50, 40]' 0.9)" "$(rec 0 1 '[12, 11, 50, 40]' 0.8)" "$(rec 0 2 '[100, 80, 30, 30]' 0.7)"
results f/huge-box.json "$(rec '"good"' 1 '[0, 0, 1e30, 10]' 0.9)" "$(rec '"good"' 1 '[10, 10, 50, 40]' 0.8)"
# Finite extremes a Float can hold, mixed with ordinary boxes: far away, enormous, subnormal, overlapping giants.
results f/extremes.json "$(rec 0 1 '[10, 10, 50, 40]' 0.9 ', "bbox_std": [1, 1, 1, 1]')" \
    "$(rec 0 1 '[1e38, 1e38, 1e38, 1e38]' 0.8 ', "bbox_std": [1e38, 1e38, 1e38, 1e38]')" \
    "$(rec 0 1 '[-1e38, -1e38, 1e38, 1e38]' 0.7 ', "bbox_std": [1e-45, 1e-45, 1e-45, 1e-45]')" \
    "$(rec 0 1 '[-1e38, -1e38, 3e38, 3e38]' 0.6 ', "bbox_std": [1, 1, 1, 1]')" \
    "$(rec 0 1 '[1e-45, 1e-45, 1e-45, 1e-45]' 0.5 ', "bbox_std": [1, 1, 1, 1]')" \
    "$(rec 0 1 '[0, 0, 3.4e38, 3.4e38]' 1e-45 ', "bbox_std": [1, 1, 1, 1]')" \
    "$(rec 0 1 '[-3.4e38, 0, 3.4e38, 1e-45]' 3.4e38 ', "bbox_std": [1, 1, 1, 1]')" \
    "$(rec 0 1 '[5, 5, 0, 0]' -1e38 ', "bbox_std": [1, 1, 1, 1]')"
results f/float-max.json "$(rec 0 1 '[0, 0, 3.5e38, 10]' 0.9)"
results f/score-1e300.json "$(rec 0 1 '[0, 0, 10, 10]' 1e300)"
results f/x-1e300.json "$(rec 0 1 '[1e300, 0, 10, 10]' 0.5)"
results f/sum-overflow.json "$(rec 0 1 '[3e38, 0, 3e38, 10]' 0.5)"
results f/nan.json "$(rec 0 1 '[0, 0, NaN, 10]' 0.9)"
results f/infinity.json "$(rec 0 1 '[0, 0, 10, 10]' Infinity)"
results f/minus-infinity.json "$(rec 0 1 '[-Infinity, 0, 10, 10]' 0.5)"
for id in 1e20 2.5 -1 9223372036854775808 1e300 '"a\u0000b"'; do
    n=$(printf '%s' "$id" | tr -c 'A-Za-z0-9.-' _)
    results "f/image-id-$n.json" "$(rec "$id" 1 '[0, 0, 10, 10]' 0.9)" "$(rec "$id" 1 '[1, 1, 10, 10]' 0.8)"
    results "f/category-id-$n.json" "$(rec 0 "$id" '[0, 0, 10, 10]' 0.9)"
    results "f/model-$n.json" "$(rec 0 1 '[0, 0, 10, 10]' 0.9 ", \"model\": $id")"
done
printf '[{"image_id": 0, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9}' > f/truncated.json
printf '[{"image_id": 0, "category_id": 1 "bbox": [0, 0, 10, 10], "score": 0.9}]' > f/malformed.json
printf '%*s' 100000 '' | tr ' ' '[' > f/deep.json
printf '{"a":%s' "$(printf '%*s' 100000 '' | tr ' ' '[')" > f/deep-object.json
printf '[{"image_id": "\xff\xfe", "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9}]' > f/invalid-utf8.json
printf '[{"image_id": 0, "\xc3\x28": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9}]' > f/invalid-utf8-key.json
printf '\xef\xbb\xbf[]' > f/bom.json
: > f/empty.json
printf ' \n\t ' > f/blank.json
printf '{}' > f/object.json
printf 'null' > f/null.json
printf '[]' > f/empty-array.json

# Ground truth for eval and compare, and variants with one hostile value.
gt() {  # images annotations categories
    printf '{"images": [%s], "annotations": [%s], "categories": [%s]}\n' "$1" "$2" "$3"
}
img0='{"id": 0, "file_name": "good.png", "width": 395, "height": 504}'
cat0='{"id": 1, "name": "circle"}, {"id": 2, "name": "star"}'
ann0='{"id": 1, "image_id": 0, "category_id": 1, "bbox": [10, 10, 50, 40], "area": 2000, "iscrowd": 0}'
gt "$img0" "$ann0" "$cat0" > f/gt.json
gt "$img0" '{"id": 1, "image_id": 0, "category_id": 1, "bbox": [0, 0, 1e38, 1e38], "iscrowd": 0}' "$cat0" > f/gt-huge-box.json
gt "$img0" '{"id": 1, "image_id": 0, "category_id": 1, "bbox": [0, 0, 1e300, 1e300], "iscrowd": 0}' "$cat0" > f/gt-1e300-box.json
gt "$img0" '{"id": 1, "image_id": 0, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 1e300, "iscrowd": 1}' "$cat0" > f/gt-huge-area.json
gt "$img0" '{"id": 1, "image_id": 0, "category_id": 1, "bbox": [0, 0, 10, 10], "area": NaN}' "$cat0" > f/gt-nan-area.json
gt "$img0" '{"id": 1e300, "image_id": 0, "category_id": 1, "bbox": [0, 0, 10, 10]}' "$cat0" > f/gt-annotation-id-1e300.json
gt '{"id": 1e300, "file_name": "good.png"}' '{"id": 1, "image_id": 1e300, "category_id": 1, "bbox": [0, 0, 10, 10]}' "$cat0" > f/gt-image-id-1e300.json
gt '{"id": 0, "file_name": "good.png", "width": 1e20, "height": 2.5}' "$ann0" "$cat0" > f/gt-width-1e20.json
gt "$img0" "$ann0" '{"id": 1e20, "name": "a"}' > f/gt-category-1e20.json
gt "$img0" "$ann0" '{"id": 2.5, "name": "a"}' > f/gt-category-2.5.json
gt "$img0" "$ann0" '{"id": 9223372036854775808, "name": "a"}' > f/gt-category-2-63.json
gt "$img0" "$ann0" '{"id": 1, "name": "a"}, {"id": 1, "name": "b"}' > f/gt-category-twice.json
gt "$img0" "$ann0" $'{"id": 1, "name": "\xff\xfe"}' > f/gt-invalid-utf8.json
gt '{"id": 0, "file_name": "../../../../../../etc/passwd"}' '' "$cat0" > f/gt-escaping-name.json
gt '{"id": 0, "file_name": "good.png"}, {"id": 1, "file_name": "truncated.png"}, {"id": 2, "file_name": "huge.png"}, {"id": 3, "file_name": "tall.png"}, {"id": 4, "file_name": "thin.png"}, {"id": 5, "file_name": "missing.png"}' \
    "$ann0" "$cat0" > f/gt-images.json
results f/raw.json "$(rec 0 1 '[10, 10, 50, 40]' 0.9)" "$(rec 0 1 '[12, 11, 50, 40]' 0.8)" "$(rec 3 1 '[0, 0, 1, 20000]' 0.9)" \
    "$(rec 4 1 '[0, 0, 20000, 1]' 0.9)" "$(rec 0 2 '[1e38, 0, 1e38, 10]' 0.9)" "$(rec 0 1 '[-1e38, -1e38, 3e38, 3e38]' 0.9)"
results f/raw-unknown-image.json "$(rec 1e20 1 '[10, 10, 50, 40]' 0.9)"

# Detections drawn by annotate on the extreme images (by file name).
results f/draw.json "$(rec '"good"' 1 '[0, 0, 1e30, 10]' 0.9)" "$(rec '"good"' 2 '[-1e38, -1e38, 3e38, 3e38]' 0.8)" \
    "$(rec '"good"' 1 '[1e-45, 1e-45, 1e-45, 1e-45]' 0.7)" "$(rec '"good"' 1 '[394.6, 503.6, 0.1, 0.1]' 0.6)" \
    "$(rec '"good"' 99999999 '[5, 5, 20, 20]' 0.6)" "$(rec '"good"' -900000000000000 '[5, 5, 20, 20]' 0.6)" \
    "$(rec '"thin"' 1 '[0, 0, 20000, 1]' 0.9)" "$(rec '"tall"' 1 '[0, 0, 1, 20000]' 0.9)" "$(rec '"one"' 1 '[0, 0, 1, 1]' 0.9)" \
    "$(rec '"one"' 1 '[-5, -5, 1e-45, 1e-45]' 0.9)"

# COCO instances for --images.
printf '{"images": [{"id": 1e300, "file_name": "good.png"}], "categories": [{"id": 1, "name": "x"}]}' > f/catalog-id-1e300.json
printf '{"images": [{"id": 0, "file_name": "good.png"}], "categories": [{"id": 1e300, "name": "x"}]}' > f/catalog-category-1e300.json
printf '{"images": [{"id": 0, "file_name": "good.png"}], "categories": [{"id": 2.5, "name": "x"}]}' > f/catalog-category-2.5.json
printf '{"images": [{"id": 0, "file_name": "good.png"}], "categories": [{"id": -9223372036854775809, "name": "x"}]}' > f/catalog-category-2-63.json
printf '{"images": [{"id": NaN, "file_name": "good.png"}]}' > f/catalog-nan.json

# Model folders: the bundled ones with one file broken (the big files linked, not copied).
detector() {  # name sed-expression-for-config.json (or a command on $d)
    local d="f/detector-$1"; mkdir -p "$d"
    ln -s "$detector_dir/detector.safetensors" "$d/detector.safetensors"
    sed -e "$2" "$detector_dir/config.json" > "$d/config.json"
}
detector logvar-inverted 's/"logvar_min": -12.0/"logvar_min": 20.0/'
detector logvar-huge 's/"logvar_max": 12.0/"logvar_max": 1e30/'
detector box-max-huge 's/"box_t_max": 8.0/"box_t_max": 1e30/'
detector box-max-negative 's/"box_t_max": 8.0/"box_t_max": -5/'
detector input-1e30 's/"input_size": [0-9]*/"input_size": 1e30/'
detector input-2-40 's/"input_size": [0-9]*/"input_size": 1099511627776/'
detector input-0 's/"input_size": [0-9]*/"input_size": 0/'
detector input-fraction 's/"input_size": [0-9]*/"input_size": 512.5/'
detector channels-2-62 '/"channels": \[/,/\]/ s/128/4611686018427387904/'
detector channels-wrong '/"channels": \[/,/\]/ s/128/96/'
detector depth-huge '/"depths": \[/,/\]/ s/3$/1000000000000/'
detector kernel-huge 's/^   13,$/   4611686018427387903,/'
detector kernel-even 's/^   13,$/   12,/'
detector head-kernel-even 's/"head_kernel": 5/"head_kernel": 4/'
detector head-kernel-negative 's/"head_kernel": 5/"head_kernel": -5/'
detector ffn-huge 's/"ffn_ratio": 3/"ffn_ratio": 4611686018427387904/'
detector category-twice 's/"id": 2,/"id": 1,/'
detector score-nan 's/"score_threshold": 0.05/"score_threshold": NaN/'
detector score-2 's/"score_threshold": 0.05/"score_threshold": 2/'
detector bn-eps-negative 's/"bn_eps": 1e-05/"bn_eps": -1/'
detector fill-huge 's/"fill": 114/"fill": 1e300/'
detector weights-escape 's/"weights": "detector.safetensors"/"weights": "..\/..\/..\/..\/..\/etc\/passwd"/'
mkdir -p f/detector-missing-config && ln -s "$detector_dir/detector.safetensors" f/detector-missing-config/
mkdir -p f/detector-not-json && ln -s "$detector_dir/detector.safetensors" f/detector-not-json/ && printf 'weights: yes\n' > f/detector-not-json/config.json
mkdir -p f/detector-deep && ln -s "$detector_dir/detector.safetensors" f/detector-deep/ && cp f/deep-object.json f/detector-deep/config.json
mkdir -p f/detector-empty-config && ln -s "$detector_dir/detector.safetensors" f/detector-empty-config/ && : > f/detector-empty-config/config.json
mkdir -p f/detector-truncated && cp "$detector_dir/config.json" f/detector-truncated/ && head -c 100000 "$detector_dir/detector.safetensors" > f/detector-truncated/detector.safetensors
mkdir -p f/detector-header-only && cp "$detector_dir/config.json" f/detector-header-only/ && head -c 4 "$detector_dir/detector.safetensors" > f/detector-header-only/detector.safetensors
mkdir -p f/detector-no-weights && cp "$detector_dir/config.json" f/detector-no-weights/
mkdir -p f/detector-weights-folder/detector.safetensors && cp "$detector_dir/config.json" f/detector-weights-folder/
# Header length 2^64 - 1.
mkdir -p f/detector-header-length && cp "$detector_dir/config.json" f/detector-header-length/ && printf '\xff\xff\xff\xff\xff\xff\xff\xff{}' > f/detector-header-length/detector.safetensors

clip() {  # name sed-expression-for-config.json
    local d="f/clip-$1"; mkdir -p "$d"
    for file in model.safetensors vocab.json merges.txt templates.json; do ln -s "$clip_dir/$file" "$d/$file"; done
    sed -e "$2" "$clip_dir/config.json" > "$d/config.json"
}
clip hidden-0 '0,/"hidden_size": 64/ s/"hidden_size": 64/"hidden_size": 0/'
clip heads-3 '0,/"num_attention_heads": 4/ s/"num_attention_heads": 4/"num_attention_heads": 3/'
clip eps-negative '0,/"layer_norm_eps": 1e-05/ s/"layer_norm_eps": 1e-05/"layer_norm_eps": -1/'
clip eps-1e300 '0,/"layer_norm_eps": 1e-05/ s/"layer_norm_eps": 1e-05/"layer_norm_eps": 1e300/'
clip eos-1e20 's/"eos_token_id": 49407/"eos_token_id": 1e20/'
clip context-1 's/"max_position_embeddings": 77/"max_position_embeddings": 1/'
clip image-size-huge 's/"image_size": [0-9]*/"image_size": 999999999/; s/"patch_size": [0-9]*/"patch_size": 1/'
clip patch-0 's/"patch_size": [0-9]*/"patch_size": 0/'
clip layers-huge '0,/"num_hidden_layers": 4/ s/"num_hidden_layers": 4/"num_hidden_layers": 999999999/'
clip intermediate-huge '0,/"intermediate_size": 256/ s/"intermediate_size": 256/"intermediate_size": 999999999/'
clip activation 's/"hidden_act": "quick_gelu"/"hidden_act": "\xff"/'
mkdir -p f/clip-missing-config && ln -s "$clip_dir/model.safetensors" f/clip-missing-config/
mkdir -p f/clip-not-json && ln -s "$clip_dir/model.safetensors" f/clip-not-json/ && printf 'clip\n' > f/clip-not-json/config.json
mkdir -p f/clip-deep && ln -s "$clip_dir/model.safetensors" f/clip-deep/ && cp f/deep-object.json f/clip-deep/config.json
mkdir -p f/clip-truncated && cp "$clip_dir/config.json" f/clip-truncated/ && head -c 500000 "$clip_dir/model.safetensors" > f/clip-truncated/model.safetensors
mkdir -p f/clip-empty-weights && cp "$clip_dir/config.json" f/clip-empty-weights/ && : > f/clip-empty-weights/model.safetensors
# logit_scale (F16) set to infinity in a copy of the weights.
mkdir -p f/clip-logit-scale && cp "$clip_dir/config.json" "$clip_dir/model.safetensors" f/clip-logit-scale/
header=$(od -An -tu8 -N8 "$clip_dir/model.safetensors" | tr -d ' ')
scale=$(head -c $((8 + header)) "$clip_dir/model.safetensors" | tail -c "$header" | sed -n 's/.*"logit_scale":{"dtype":"F16","shape":\[[0-9,]*\],"data_offsets":\[\([0-9]*\),.*/\1/p')
[ -n "$scale" ] || { echo "hostile-inputs: no F16 logit_scale in $clip_dir/model.safetensors" >&2; exit 2; }
printf '\x00\x7c' | dd of=f/clip-logit-scale/model.safetensors bs=1 seek=$((8 + header + scale)) conv=notrunc status=none
mkdir -p f/clip-bad-vocab && cp "$clip_dir/config.json" f/clip-bad-vocab/ && ln -s "$clip_dir/model.safetensors" "$tokenizer_dir/merges.txt" f/clip-bad-vocab/ && printf '{"a": ' > f/clip-bad-vocab/vocab.json
mkdir -p f/clip-deep-vocab && cp "$clip_dir/config.json" f/clip-deep-vocab/ && ln -s "$clip_dir/model.safetensors" "$tokenizer_dir/merges.txt" f/clip-deep-vocab/ && cp f/deep.json f/clip-deep-vocab/vocab.json
mkdir -p f/clip-bad-merges && cp "$clip_dir/config.json" f/clip-bad-merges/ && ln -s "$clip_dir/model.safetensors" "$tokenizer_dir/vocab.json" f/clip-bad-merges/ && printf '#version\nab\n\xff \xfe\n' > f/clip-bad-merges/merges.txt
mkdir -p f/clip-bad-templates && cp "$clip_dir/config.json" f/clip-bad-templates/ && ln -s "$clip_dir/model.safetensors" f/clip-bad-templates/ && cp f/deep.json f/clip-bad-templates/templates.json
mkdir -p f/clip-empty-templates && cp "$clip_dir/config.json" f/clip-empty-templates/ && ln -s "$clip_dir/model.safetensors" f/clip-empty-templates/ && printf '["{}", ""]' > f/clip-empty-templates/templates.json

# Unusable output paths: into a missing folder, onto a folder, under a regular file.
mkdir -p o/folder
printf 'a file\n' > o/file

# ---------------------------------------------------------------------------------------------------------------
# The runner.

sentinel="existing output, must survive a failing run"
jobs_max="${HOSTILE_JOBS:-$(nproc 2>/dev/null || echo 2)}"
total=0

# run_case N NAME STATUS NEEDLE ARGS…: runs one case and writes its outcome to o/N.result.
run_case() {
    local n="$1" name="$2" expected="$3" needle="$4"; shift 4
    local out="o/$n.stdout" err="o/$n.stderr" status class=""
    [ -n "${GUARD:-}" ] && printf '%s\n' "$sentinel" > "$GUARD"
    timeout -s KILL "$limit" "$bin" "$@" < "${STDIN:-/dev/null}" > "$out" 2> "$err"
    status=$?
    if [ "$status" -eq 137 ]; then class=hang
    elif [ "$status" -ge 128 ]; then class=crash
    elif [ "$status" -ne "$expected" ]; then class=unexpected
    elif [ "$status" -ne 0 ] && ! grep -qF -- "$needle" "$err"; then class=unnamed
    elif [ "$status" -ne 0 ] && [ -n "${GUARD:-}" ] && [ "$(cat "$GUARD" 2>/dev/null)" != "$sentinel" ]; then class=clobbered
    elif [ "$status" -eq 0 ] && [ -n "${JSON:-}" ] && ! "$bin" suppress "$([ "$JSON" = stdout ] && echo "$out" || echo "$JSON")" > /dev/null 2>&1; then class=invalid-output
    elif [ -n "${THEN:-}" ] && ! eval "$THEN"; then class=unfulfilled
    fi
    local failed=1
    if [ -z "$class" ]; then
        failed=0
        case "$status" in 0) class=ok ;; 1) class=error ;; *) class=usage ;; esac
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$class" "$failed" "$name" "exit $status (expected $expected)" "detectkit $*" > "o/$n.result"
}

# check NAME STATUS NEEDLE ARGS…: runs `detectkit ARGS…` (up to HOSTILE_JOBS cases at a time, default one per
# core), which must exit with STATUS; a non-zero status must come with NEEDLE on stderr. Environment: STDIN (a
# file for standard input), GUARD (an output file, its own, that a failing run must leave as it was), JSON
# (`stdout` or a file: COCO results that `detectkit suppress` must read back), THEN (a shell test on the case's
# files, `$err` its stderr, that must hold afterwards).
check() {
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
    run_case "$total" "$@" &
    total=$((total + 1))
}

# ---------------------------------------------------------------------------------------------------------------
# suppress

check suppress/valid 0 "" suppress f/valid.json
JSON=stdout check suppress/huge-box 0 "" suppress f/huge-box.json
for m in nms soft-linear soft-gaussian softer weighted diou ciou cluster matrix-gaussian matrix-linear wbf; do
    JSON=stdout check "suppress/extremes-$m" 0 "" suppress f/extremes.json --method "$m"
    JSON=stdout check "suppress/extremes-agnostic-inclusive-$m" 0 "" suppress f/extremes.json --method "$m" --class-agnostic --pixel-inclusive
done
check suppress/float-max 1 "record 0" suppress f/float-max.json
check suppress/score-1e300 1 "record 0" suppress f/score-1e300.json
check suppress/x-1e300 1 "record 0" suppress f/x-1e300.json
check suppress/x2-overflow 1 "record 0" suppress f/sum-overflow.json
for f in nan infinity minus-infinity truncated malformed deep invalid-utf8 invalid-utf8-key empty blank object null bom; do
    check "suppress/$f" 1 "f/$f.json" suppress "f/$f.json"
done
JSON=stdout check suppress/empty-array 0 "" suppress f/empty-array.json
for id in 1e20 2.5 -1 9223372036854775808 _a_u0000b_; do
    JSON=stdout check "suppress/image-id-$id" 0 "" suppress "f/image-id-$id.json"
done
check suppress/image-id-1e300 1 "record 0" suppress f/image-id-1e300.json
for id in 1e20 2.5 9223372036854775808 1e300 _a_u0000b_; do
    check "suppress/category-id-$id" 1 "record 0" suppress "f/category-id-$id.json"
    check "suppress/model-$id" 1 "record 0" suppress "f/model-$id.json" --method wbf
done
JSON=stdout check suppress/category-id--1 0 "" suppress f/category-id--1.json
STDIN=f/empty.json check suppress/stdin-empty 1 "-:" suppress -
STDIN=f/deep.json check suppress/stdin-deep 1 "-:" suppress
check suppress/missing-file 1 "f/absent.json" suppress f/absent.json
check suppress/input-folder 1 "f/batch" suppress f/batch
for opt in "--iou nan" "--iou 2" "--iou -1" "--sigma 0" "--sigma -1" "--sigma inf" "--beta nan" "--score-threshold nan" \
    "--score-threshold inf" "--max-detections -1" "--max-per-class -5" "--vote-sigma 0" "--vote-iou 1.5"; do
    read -r o v <<< "$opt"
    m=nms; case "$o" in --sigma|--vote-sigma|--vote-iou) m=softer ;; --beta) m=diou ;; esac
    check "suppress/option$o=$v" 64 "$o" suppress f/valid.json --method "$m" $opt
done
check suppress/max-detections-int-max 0 "" suppress f/valid.json --max-detections 9223372036854775807
check suppress/max-detections-overflow 64 "--max-detections" suppress f/valid.json --max-detections 9223372036854775808
check suppress/method-unknown 64 "--method" suppress f/valid.json --method fastest
GUARD=o/kept.json check suppress/error-keeps-output 1 "f/nan.json" suppress f/nan.json -o o/kept.json
check suppress/output-missing-folder 1 "o/missing/kept.json" suppress f/valid.json -o o/missing/kept.json
check suppress/output-onto-folder 1 "o/folder" suppress f/valid.json -o o/folder
check suppress/output-under-file 1 "o/file/kept.json" suppress f/valid.json -o o/file/kept.json

# ---------------------------------------------------------------------------------------------------------------
# bench suppress and bench iou (the other benchmarks come with their modules below)

check bench/suppress-extremes 0 "" bench suppress f/extremes.json --method softer --samples 1
check bench/suppress-deep 1 "f/deep.json" bench suppress f/deep.json --samples 1
check bench/suppress-samples-0 64 "--samples" bench suppress f/valid.json --samples 0
check bench/suppress-iou-nan 64 "--iou" bench suppress f/valid.json --iou nan
check bench/iou 0 "" bench iou --samples 1
for v in 0 -1 99999999999999; do check "bench/iou-count=$v" 64 "--count" bench iou --count "$v"; done
check bench/iou-samples--3 64 "--samples" bench iou --samples -3
check bench/gemm-1 0 "" bench gemm --m 1 --n 1 --k 1 --samples 1
for o in m n k; do
    for v in 0 -1 3000000000; do check "bench/gemm-$o=$v" 64 "--$o" bench gemm "--$o" "$v"; done
done
check bench/gemm-product 64 "--m" bench gemm --m 65536 --n 65536 --k 1
check bench/gemm-samples-0 64 "--samples" bench gemm --samples 0
check bench/conv-small 0 "" bench conv --channels 1 --size 1 --kernel 1 --samples 1
for v in 0 2 -1 -3 100001; do check "bench/conv-kernel=$v" 64 "--kernel" bench conv --kernel "$v"; done
for o in channels size; do
    for v in 0 -1 1000000000; do check "bench/conv-$o=$v" 64 "--$o" bench conv "--$o" "$v"; done
done
check bench/conv-product 64 "--channels" bench conv --channels 65536 --size 2048 --kernel 1
for v in 0 -2 1000000; do check "bench/conv-threads=$v" 64 "--threads" bench conv --threads "$v"; done
check bench/conv-groups 64 "--groups" bench conv --groups all

# ---------------------------------------------------------------------------------------------------------------
# eval

check eval/valid 0 "" eval --ground-truth f/gt.json f/valid.json
for g in gt-huge-box gt-1e300-box gt-huge-area gt-annotation-id-1e300 gt-category-twice gt-invalid-utf8; do
    case "$g" in gt-category-twice|gt-invalid-utf8|gt-1e300-box) s=1 ;; *) s=0 ;; esac  # 1e300² overflows the area
    check "eval/$g" "$s" "f/$g.json" eval --ground-truth "f/$g.json" f/valid.json --json
done
check eval/gt-nan-area 1 "f/gt-nan-area.json" eval --ground-truth f/gt-nan-area.json f/valid.json
check eval/gt-image-id-1e300 1 "record 0" eval --ground-truth f/gt-image-id-1e300.json f/valid.json
check eval/gt-width-1e20 1 "images[0]" eval --ground-truth f/gt-width-1e20.json f/valid.json
for c in 1e20 2.5 2-63; do check "eval/gt-category-$c" 1 "categories[0]" eval --ground-truth "f/gt-category-$c.json" f/valid.json; done
check eval/extremes 0 "" eval --ground-truth f/gt.json f/extremes.json --json
check eval/extremes-on-huge-truth 0 "" eval --ground-truth f/gt-huge-box.json f/extremes.json --json
check eval/unknown-image 1 "record 0" eval --ground-truth f/gt.json f/raw-unknown-image.json
for f in nan deep truncated empty invalid-utf8 bom; do
    check "eval/gt-$f" 1 "f/$f.json" eval --ground-truth "f/$f.json" f/valid.json
    check "eval/detections-$f" 1 "f/$f.json" eval --ground-truth f/gt.json "f/$f.json"
done
for v in 0 -1 1000000; do check "eval/threads=$v" 64 "--threads" eval --ground-truth f/gt.json f/valid.json --threads "$v"; done

# ---------------------------------------------------------------------------------------------------------------
# compare

check compare/valid 0 "" compare --ground-truth f/gt.json f/valid.json --json
check compare/extremes 0 "" compare --ground-truth f/gt.json f/extremes.json --json
check compare/extremes-huge-truth 0 "" compare --ground-truth f/gt-huge-box.json f/extremes.json
THEN='test -s o/report-extremes/index.html' check compare/report-extremes 0 "" \
    compare --ground-truth f/gt-huge-box.json f/extremes.json --report o/report-extremes
# A batch of grids: the good image, a truncated one, one too large to decode, a 1×20000 and a 20000×1 image, a
# missing file; every bad one is named, the others written, the page written, exit 1.
THEN='grep -qF huge.png "$err" && grep -qF missing.png "$err" && test -s o/report/index.html && test -s o/report/grids/0-good.png && test -s o/report/grids/3-tall.png && test -s o/report/grids/4-thin.png' \
    check compare/report-images 1 "truncated.png" compare --ground-truth f/gt-images.json f/raw.json --report o/report --images f --methods nms,softer
check compare/report-escaping-name 1 "passwd" compare --ground-truth f/gt-escaping-name.json f/valid.json --report o/report-escape --images f
check compare/methods-nan 64 "--methods" compare --ground-truth f/gt.json f/valid.json --methods "nms:iou=nan"
check compare/methods-empty 64 "--methods" compare --ground-truth f/gt.json f/valid.json --methods ","
check compare/methods-garbage 64 "--methods" compare --ground-truth f/gt.json f/valid.json --methods "nms:iou=1e400,\xff"
check compare/grid-images--1 64 "--grid-images" compare --ground-truth f/gt.json f/valid.json --grid-images -1
check compare/draw-threshold-nan 64 "--draw-threshold" compare --ground-truth f/gt.json f/valid.json --draw-threshold nan
for v in 0 -1 1000000; do check "compare/threads=$v" 64 "--threads" compare --ground-truth f/gt.json f/valid.json --threads "$v"; done
check compare/max-detections--1 64 "--max-detections" compare --ground-truth f/gt.json f/valid.json --max-detections -1
check compare/score-threshold-nan 64 "--score-threshold" compare --ground-truth f/gt.json f/valid.json --score-threshold nan
check compare/deep-raw 1 "f/deep.json" compare --ground-truth f/gt.json f/deep.json
check compare/report-under-file 1 "o/file" compare --ground-truth f/gt.json f/valid.json --report o/file/report
check compare/report-onto-file 1 "o/file" compare --ground-truth f/gt.json f/valid.json --report o/file
mkdir -p o/samples && ln -s "$samples/annotations.json" o/samples/annotations.json && mkdir -p o/samples/images
check compare/samples-missing-images 1 "000000.png" compare o/samples --methods nms
check compare/samples-corrupt-detector 1 "config.json" compare "$samples" --detector f/detector-not-json --methods nms

# ---------------------------------------------------------------------------------------------------------------
# annotate

check annotate/valid 0 "" annotate f/good.png --detections f/valid.json -o o/a-valid
THEN='test -s o/a-huge/good.png' check annotate/huge-box 0 "" annotate f/good.png --detections f/huge-box.json -o o/a-huge
THEN='test -s o/a-draw/good.png && test -s o/a-draw/thin.png && test -s o/a-draw/tall.png && test -s o/a-draw/one.png' \
    check annotate/extremes 0 "" annotate f/good.png f/thin.png f/tall.png f/one.png --detections f/draw.json -o o/a-draw
THEN='test -s o/a-draw-jpg/thin.jpg' check annotate/extremes-jpeg 0 "" annotate f/thin.png f/tall.png --detections f/draw.json -o o/a-draw-jpg --format jpg
THEN='test -s o/a-method/good.png' check annotate/extremes-method 0 "" annotate f/good.png --detections f/extremes.json --images f/gt.json --method softer -o o/a-method
THEN='test -s o/a-labels/good.png && test -s o/a-labels/thin.png && test -s o/a-labels/tall.png' \
    check annotate/extremes-labels 0 "" annotate f/good.png f/thin.png f/tall.png f/one.png --detections f/draw.json --labels "red circle,blue star" -o o/a-labels
# One bad image among good ones: named, the others written, an existing output of the bad one kept, exit 1.
for bad in empty.png truncated.png header-only.png truncated.jpg huge.png huge.jpg text.png; do
    mkdir -p "o/a-$bad"
    GUARD="o/a-$bad/${bad%.*}.png" THEN="test -s o/a-$bad/good.png" check "annotate/batch-$bad" 1 "$bad" \
        annotate f/good.png "f/$bad" --detections f/valid.json -o "o/a-$bad"
done
mkdir -p o/a-folder && GUARD=o/a-folder/empty.png THEN='test -s o/a-folder/good.png && test -s o/a-folder/one.png' \
    check annotate/batch-folder 1 "truncated.png" annotate f/batch --detections f/valid.json -o o/a-folder
mkdir -p o/a-detector && GUARD=o/a-detector/huge.png THEN='test -s o/a-detector/good.png && test -s o/a-detector/one.png' \
    check annotate/batch-detector 1 "huge.png" annotate f/batch -o o/a-detector
check annotate/missing-input 1 "f/absent.png" annotate f/absent.png --detections f/valid.json -o o/a-missing
check annotate/invalid-utf8-name 1 "no such file" annotate $'f/\xff.png' --detections f/valid.json -o o/a-utf8
for f in deep nan invalid-utf8 invalid-utf8-key empty; do
    check "annotate/detections-$f" 1 "f/$f.json" annotate f/good.png --detections "f/$f.json" -o o/a-bad
done
for c in catalog-id-1e300; do
    check "annotate/images-$c" 0 "" annotate f/good.png --detections f/valid.json --images "f/$c.json" -o "o/a-$c"
done
for c in catalog-nan catalog-category-1e300 catalog-category-2.5 catalog-category-2-63; do
    check "annotate/images-$c" 1 "f/$c.json" annotate f/good.png --detections f/valid.json --images "f/$c.json" -o "o/a-$c"
done
check annotate/images-deep 1 "f/deep.json" annotate f/good.png --detections f/valid.json --images f/deep.json -o o/a-bad
THEN='test -s o/new/deeper/good.png' check annotate/output-missing-folder 0 "" annotate f/good.png --detections f/valid.json -o o/new/deeper
check annotate/output-onto-file 1 "o/file" annotate f/good.png --detections f/valid.json -o o/file
check annotate/output-under-file 1 "o/file" annotate f/good.png --detections f/valid.json -o o/file/annotated
for v in 0 -1; do check "annotate/max-pixels=$v" 64 "--max-pixels" annotate f/good.png --detections f/valid.json --max-pixels "$v"; done
for v in nan 2 -1; do check "annotate/detector-threshold=$v" 64 "--detector-threshold" annotate f/good.png --detector-threshold "$v" -o o/a-bad; done
check annotate/labels-empty 1 "--labels" annotate f/good.png --detections f/valid.json --labels ", ," -o o/a-bad
check annotate/labels-unicode 0 "" annotate f/good.png --detections f/valid.json --labels $'\xff\xfe,\u2603,a\tb' -o o/a-unicode

# ---------------------------------------------------------------------------------------------------------------
# detect

JSON=stdout check detect/valid 0 "" detect f/good.png f/photo.jpg f/one.png f/thin.png f/tall.png
JSON=stdout check detect/raw 0 "" detect f/good.png --raw
JSON=o/detect-labels.json check detect/labels 0 "" detect f/one.png f/thin.png f/tall.png --labels "red circle,blue star" -o o/detect-labels.json
for bad in empty.png truncated.png truncated.jpg huge.png huge.jpg text.png; do
    JSON=stdout check "detect/batch-$bad" 1 "$bad" detect f/good.png "f/$bad"
done
GUARD=o/detect-kept.json check detect/all-bad-keeps-output 1 "empty.png" detect f/empty.png -o o/detect-kept.json
check detect/output-under-file 1 "o/file" detect f/good.png -o o/file/out.json
check detect/output-missing-folder 1 "o/missing/out.json" detect f/good.png -o o/missing/out.json
check detect/output-onto-folder 1 "o/folder" detect f/good.png -o o/folder
for d in f/detector-*; do
    name=${d#f/detector-}
    case "$name" in
        channels-wrong|depth-huge|weights-escape|truncated|header-only|header-length|no-weights|weights-folder) needle=safetensors ;;
        *) needle=config.json ;;
    esac
    case "$name" in weights-escape) needle=passwd ;; channels-wrong) needle="tensor" ;; esac
    GUARD="o/detect-$name.json" check "detect/detector-$name" 1 "$needle" detect f/good.png --detector "$d" -o "o/detect-$name.json"
done
check detect/detector-missing 1 "f/absent" detect f/good.png --detector f/absent
check detect/detector-is-file 1 "o/file" detect f/good.png --detector o/file
for v in nan inf -1 2; do check "detect/detector-threshold=$v" 64 "--detector-threshold" detect f/good.png --detector-threshold "$v"; done
check detect/images-deep 1 "f/deep.json" detect f/good.png --images f/deep.json
check detect/labels-bad-model 1 "config.json" detect f/good.png --labels "a,b" --model f/clip-not-json

# ---------------------------------------------------------------------------------------------------------------
# decode

decoders="$root/Tests/DecodingTests/Fixtures"
v5="$decoders/yolov5/default/output.npy"
npy() {  # name header-dict body-bytes-as-printf: a version 1 .npy file
    local header="$2" pad
    pad=$(( (64 - (10 + ${#header} + 1) % 64) % 64 ))
    { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $(( (${#header} + pad + 1) % 256 )))\\x$(printf %02x $(( (${#header} + pad + 1) / 256 )))";
      printf '%s%*s\n' "$header" "$pad" ""; printf "$3"; } > "f/$1.npy"
}
npy nan "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 6), }" '\x00\x00\xc0\x7f\x00\x00\x00\x00\x00\x00\x80\x3f\x00\x00\x80\x3f\x00\x00\x80\x3f\x00\x00\x00\x00'
npy short "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 6), }" '\x00\x00\x80\x3f'
npy int "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1, 6), }" '\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00'
npy huge-shape "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }" ''
npy rank4 "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 1, 6), }" "$(printf '\\x00%.0s' {1..48})"
npy one-class "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 5, 6), }" "$(printf '\\x00%.0s' {1..120})"
npy big-values "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 6), }" '\xff\xff\x7f\x7f\xff\xff\x7f\xff\xff\xff\x7f\x7f\xff\xff\x7f\x7f\x00\x00\x80\x3f\x00\x00\x00\x00'
printf 'not numpy' > f/text.npy
size=(--input-size 320x320 --image-size 500x375)
JSON=stdout check decode/yolov5 0 "" decode --format yolov5 "$v5" "${size[@]}"
JSON=stdout check decode/yolov5-soft 0 "" decode --format yolov5 "$v5" "${size[@]}" --method soft-gaussian --conf 0.01
JSON=stdout check decode/end2end-big-values 0 "" decode --format yolo-end2end f/big-values.npy "${size[@]}"
JSON=stdout check decode/yolov8-one-class 0 "" decode --format yolov8 f/one-class.npy "${size[@]}" --conf 0
for f in nan short int huge-shape text rank4; do
    check "decode/$f" 1 "f/$f.npy" decode --format yolov8 "f/$f.npy" "${size[@]}"
done
check decode/missing 1 "f/absent.npy" decode --format yolov8 f/absent.npy "${size[@]}"
check decode/wrong-file-count 1 "takes 2" decode --format detr "$v5" --image-size 10x10
check decode/safetensors-missing-tensor 1 "no tensor" decode --format retinanet "$decoders/detr/default/outputs.safetensors" "${size[@]}"
printf '{"images": [], "annotations": [], "categories": [{"id": 5, "name": "only"}]}' > f/one-category.json
check decode/category-map-short 1 "category map" decode --format yolov5 "$v5" "${size[@]}" --category-map f/one-category.json
check decode/category-map-bad 1 "f/malformed.json" decode --format yolov5 "$v5" "${size[@]}" --category-map f/malformed.json
GUARD=f/decode-guard.json check decode/keeps-output 1 "f/nan.npy" decode --format yolov8 f/nan.npy "${size[@]}" -o f/decode-guard.json
check decode/output-in-missing-folder 1 "f/absent/" decode --format yolov5 "$v5" "${size[@]}" -o f/absent/r.json
for v in nan -0.5 2 1e30; do check "decode/conf=$v" 64 "--conf" decode --format yolov5 "$v5" "${size[@]}" --conf "$v"; done
for v in -1; do check "decode/max-det=$v" 64 "--max-det" decode --format yolov5 "$v5" "${size[@]}" --max-det "$v"; done
for v in 0x0 -1x5 1e30x5 99999999999999999999x1; do
    check "decode/input-size=$v" 64 "--input-size" decode --format yolov5 "$v5" --image-size 5x5 --input-size "$v"
done
check decode/iou-nan 64 "--iou" decode --format yolov5 "$v5" "${size[@]}" --iou nan
check decode/classes-bad 64 "--classes" decode --format yolov5 "$v5" "${size[@]}" --classes "1,-2"
check decode/format-bad 64 "--format" decode --format yolo "$v5" "${size[@]}"
check decode/detr-iou 64 "--iou" decode --format detr "$v5" --image-size 5x5 --iou 0.5

# ---------------------------------------------------------------------------------------------------------------
# embed and the model benchmarks

check embed/text 0 "" embed --text "a red circle" "" $'\xff\xfe' "$(printf 'word %.0s' {1..500})"
check embed/images 0 "" embed --image f/one.png f/thin.png f/tall.png f/good.png
for bad in empty.png truncated.png truncated.jpg huge.png huge.jpg text.png; do
    check "embed/image-$bad" 1 "$bad" embed --image "f/$bad"
done
for d in f/clip-*; do
    name=${d#f/clip-}
    case "$name" in
        truncated|empty-weights|logit-scale) needle=model.safetensors ;;
        bad-vocab|deep-vocab) needle=vocab.json ;;
        bad-merges) needle=merges.txt ;;
        bad-templates|empty-templates) needle=templates.json ;;
        intermediate-huge|layers-huge) needle=tensor ;;
        *) needle=config.json ;;
    esac
    case "$name" in
        bad-templates|empty-templates) check "annotate/model-$name" 1 "$needle" annotate f/good.png --detections f/valid.json --labels "a,b" --model "$d" -o o/a-bad ;;
        logit-scale) check "detect/model-$name" 1 "$needle" detect f/one.png --labels "a,b" --model "$d" ;;
        *) check "embed/model-$name" 1 "$needle" embed --text "a red circle" --image f/one.png --model "$d" ;;
    esac
done
check embed/model-missing 1 "f/absent" embed --text a --model f/absent
for v in 0 -1 1000000; do check "embed/threads=$v" 64 "--threads" embed --text a --threads "$v"; done
check bench/clip 0 "" bench clip --model "$clip_dir" --samples 1
check bench/clip-tokens-over-context 1 "--tokens 1000000" bench clip --model "$clip_dir" --tokens 1000000
for o in batch tokens threads samples; do
    for v in 0 -1; do check "bench/clip-$o=$v" 64 "--$o" bench clip --model "$clip_dir" "--$o" "$v"; done
done
check bench/clip-batch-huge 64 "--batch" bench clip --model "$clip_dir" --batch 1000000000
check bench/clip-model-deep 1 "config.json" bench clip --model f/clip-deep --samples 1
check bench/detector 0 "" bench detector --samples 1
check bench/detector-truncated 1 "safetensors" bench detector --model f/detector-truncated --samples 1
check bench/detector-logvar 1 "config.json" bench detector --model f/detector-logvar-inverted --samples 1
for v in 0 -1 1000000; do check "bench/detector-threads=$v" 64 "--threads" bench detector --threads "$v"; done
check bench/decode 0 "" bench decode f/good.png f/photo.jpg f/one.png f/thin.png --samples 1 --minimum-size 1x1 --resize-to 1x1
for bad in empty.png truncated.png truncated.jpg huge.png huge.jpg text.png; do
    check "bench/decode-$bad" 1 "$bad" bench decode "f/$bad" --samples 1
done
for v in 0x0 -1x5 x 1e30x5 99999999999999999999x1 5x5x5; do
    check "bench/decode-minimum-size=$v" 64 "--minimum-size" bench decode f/photo.jpg --minimum-size "$v"
    check "bench/decode-resize-to=$v" 64 "--resize-to" bench decode f/photo.jpg --resize-to "$v"
done
check bench/decode-resize-huge 64 "--resize-to" bench decode f/one.png --resize-to 100000x100000
check bench/decode-samples-0 64 "--samples" bench decode f/one.png --samples 0

# ---------------------------------------------------------------------------------------------------------------

wait
declare -A count=()
failed=0
for ((n = 0; n < total; n++)); do
    IFS=$'\t' read -r class bad name status command < "o/$n.result"
    for key in "${name%%/*},$class" "${name%%/*},cases" "all,$class" "all,cases"; do count[$key]=$((${count[$key]:-0} + 1)); done
    [ "$bad" -eq 0 ] && continue
    failed=$((failed + 1))
    echo "FAIL [$class] $name: $status: $command" >&2
    head -c 600 "o/$n.stderr" | sed 's/^/    /' >&2
done
# One row per command: cases, then how many exited 0 (ok), 1 with a named error, 64 with a named usage error,
# and how many failed (crash, hang, unexpected status, unnamed culprit, clobbered output, invalid JSON, unmet check).
echo "hostile-inputs: $total cases against $bin"
printf '  %-9s %6s %6s %6s %6s %7s\n' command cases ok error usage failed
for c in suppress eval compare annotate detect decode embed bench all; do
    bad=0
    for k in hang crash unexpected unnamed clobbered invalid-output unfulfilled; do bad=$((bad + ${count[$c,$k]:-0})); done
    printf '  %-9s %6d %6d %6d %6d %7d\n' "$c" "${count[$c,cases]:-0}" "${count[$c,ok]:-0}" "${count[$c,error]:-0}" \
        "${count[$c,usage]:-0}" "$bad"
done
[ "$failed" -eq 0 ] || { echo "hostile-inputs: $failed case(s) failed" >&2; exit 1; }
