#!/usr/bin/env bash
# Measures DetectKit against its peers on one core (see README.md): suppression against torchvision, OpenCV,
# ensemble-boxes and SAHI (compare_suppression.py); with --imaging, image decoding against Pillow (compare_imaging.py);
# with --neural, convolutions and matrix products against PyTorch, one and two threads (compare_neural.py);
# with --evaluation, `detectkit eval` against pycocotools, hotcoco and faster-coco-eval (compare_evaluation.py); with --clip,
# CLIP image and text features against transformers (compare_clip.py); with --detector, the detector network
# against the same model in PyTorch eager mode (compare_detector.py); with --decoders, `detectkit decode` against
# Ultralytics' YOLOv8 post-processing and transformers' DETR post-processing (compare_decoders.py).
# With --rotated, rotated NMS against OpenCV and Ultralytics (compare_rotated.py).
#
#   Benchmarks/peers/run.sh [compare_suppression.py options…]     e.g. --peers-only, --sizes 1000,10000
#   Benchmarks/peers/run.sh --imaging [compare_imaging.py options…]   e.g. --peers-only, --repeats 25
#   Benchmarks/peers/run.sh --neural [compare_neural.py options…]     e.g. --rounds 5
#   Benchmarks/peers/run.sh --evaluation [compare_evaluation.py options…]   e.g. --images 5000 --coco-scale
#   Benchmarks/peers/run.sh --clip [compare_clip.py options…]               e.g. --rounds 5
#   Benchmarks/peers/run.sh --rotated [compare_rotated.py options…]         e.g. --sizes 10000
#   Benchmarks/peers/run.sh --detector [compare_detector.py options…]       e.g. --model DIR
#   Benchmarks/peers/run.sh --decoders [compare_decoders.py options…]       e.g. --repeats 25
#
# 1. Creates (or reuses) a venv outside the repository: $DETECTKIT_VENV, default ~/.venvs/detectkit.
# 2. Installs requirements.txt into it from PyPI unless the pinned versions are already there.
# 3. Builds the CLI with a plain `swift build -c release --product detectkit` at the repository root
#    (skipped with --peers-only; $DETECTKIT_SCRATCH_PATH, if set, is passed as --scratch-path).
# 4. Runs the comparison script with the built binary and the other options.
set -euo pipefail

script=compare_suppression.py
mode=""
case "${1:-}" in
    --imaging) script=compare_imaging.py mode=" --imaging"; shift ;;
    --neural) script=compare_neural.py mode=" --neural"; shift ;;
    --evaluation) script=compare_evaluation.py mode=" --evaluation"; shift ;;
    --rotated) script=compare_rotated.py mode=" --rotated"; shift ;;
    --clip) script=compare_clip.py mode=" --clip"; shift ;;
    --detector) script=compare_detector.py mode=" --detector"; shift ;;
    --decoders) script=compare_decoders.py mode=" --decoders"; shift ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${DETECTKIT_VENV:-$HOME/.venvs/detectkit}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "creating venv $venv" >&2
    "$python" -m venv "$venv" || {
        echo "could not create a venv with $python (on Debian: apt-get install python3-venv)" >&2
        exit 1
    }
fi

# Installed versions equal to the pins? (A local tag such as torch's "+cu132" is ignored.)
if ! "$venv/bin/python" - "$here/requirements.txt" <<'EOF'
import sys
from importlib import metadata
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, wanted = line.partition("==")
    try:
        have = metadata.version(name.strip()).split("+", 1)[0]
    except metadata.PackageNotFoundError:
        sys.exit(1)
    if wanted and have != wanted.strip():
        sys.exit(1)
EOF
then
    echo "installing $here/requirements.txt into $venv" >&2
    "$venv/bin/python" -m pip install --upgrade pip >&2
    "$venv/bin/python" -m pip install -r "$here/requirements.txt" >&2
fi

# Ultralytics and SAHI without their declared dependencies (they would add opencv-python beside the headless
# build); what they import is in requirements.txt.
if ! "$venv/bin/python" -c "import ultralytics, sahi" 2>/dev/null; then
    "$venv/bin/python" -m pip install --no-deps -r "$here/requirements-no-deps.txt" >&2
fi

peers_only=0
for arg in "$@"; do
    [ "$arg" = "--peers-only" ] && peers_only=1
done

args=()
if [ "$peers_only" = 0 ]; then
    scratch=()
    [ -n "${DETECTKIT_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$DETECTKIT_SCRATCH_PATH")
    (cd "$root" && swift build -c release --product detectkit ${scratch[@]+"${scratch[@]}"} >&2)
    bin="$(cd "$root" && swift build -c release ${scratch[@]+"${scratch[@]}"} --show-bin-path)"
    args=(--detectkit "$bin/detectkit")
fi

command="Benchmarks/peers/run.sh$mode"
[ "$#" -gt 0 ] && command+="$(printf ' %q' "$@")"
export DETECTKIT_BENCH_COMMAND="$command"
cd "$root"
exec "$venv/bin/python" "$here/$script" ${args[@]+"${args[@]}"} "$@"
