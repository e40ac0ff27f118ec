#!/usr/bin/env bash
# DetectKit's main job on the bundled samples: builds the command-line tool (release) and runs every
# suppression method over samples/raw_detections.json, writing the survivors to out/suppressed/<method>.json
# and printing, per method, the boxes kept and the median suppression time. It then runs the bundled detector on
# the 40 sample scenes: annotated images in out/annotated/ (each box named zero-shot by the bundled CLIP model
# from colour-shape labels), and the comparison of every method against their ground truth (HTML report with
# image grids in out/report/).
#
#   bash run.sh
#
# Needs a Swift 6.1+ toolchain (https://swift.org/install); installs libpng and libjpeg headers when missing.
set -euo pipefail
cd "$(dirname "$0")"

command -v swift >/dev/null || { echo "run.sh: Swift 6.1 or newer is needed: https://swift.org/install" >&2; exit 1; }

scripts/install-dependencies.sh
swift build -c release --product detectkit >&2
detectkit="$(swift build -c release --show-bin-path)/detectkit"
input=samples/raw_detections.json
mkdir -p out/suppressed

echo "Suppressing $(grep -c '"image_id"' "$input") raw detections from $input (4 images, 3 classes):"
for method in $("$detectkit" methods --names); do
    "$detectkit" suppress --method "$method" "$input" -o "out/suppressed/$method.json"
    "$detectkit" bench suppress --method "$method" --samples 9 "$input" | sed 's/^/  /'
done
echo "Survivors: out/suppressed/<method>.json"

colours="red orange yellow green blue purple pink white gray black"
shapes="circle ellipse square triangle star ring cross hexagon"
labels=$(for c in $colours; do for s in $shapes; do printf '%s %s,' "$c" "$s"; done; done)
"$detectkit" annotate samples/images -o out/annotated --labels "${labels%,}"
echo "Annotated (boxes named zero-shot among 80 colour-shape labels): out/annotated/"
echo "Suppression methods compared on samples/ (the detector's raw boxes against samples/annotations.json):"
"$detectkit" compare samples --report out/report
echo "Report: out/report/index.html"
