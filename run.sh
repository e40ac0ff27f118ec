#!/usr/bin/env bash
# DetectKit's main job on the bundled samples: builds the command-line tool (release) and runs every
# suppression method over samples/raw_detections.json, writing the survivors to out/suppressed/<method>.json
# and printing, per method, the boxes kept and the median suppression time. When the build bundles the trained
# detector, it then annotates samples/images into out/annotated/ and prints the comparison of every method on
# the 40 sample scenes against their ground truth (HTML report in out/report/).
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
for method in nms soft-linear soft-gaussian softer weighted diou ciou cluster matrix-gaussian matrix-linear wbf; do
    "$detectkit" suppress --method "$method" "$input" -o "out/suppressed/$method.json"
    "$detectkit" bench suppress --method "$method" --samples 9 "$input" | sed 's/^/  /'
done
echo "Survivors: out/suppressed/<method>.json"

if "$detectkit" bench detector --samples 1 >/dev/null 2>&1; then
    "$detectkit" annotate samples/images -o out/annotated
    echo "Annotated: out/annotated/"
    echo "Suppression methods compared on samples/ (detector's raw boxes against samples/annotations.json):"
    "$detectkit" compare samples --report out/report
    echo "Report: out/report/index.html"
else
    echo "This build has no bundled detector yet (training/train.py makes it); skipping annotate and compare."
fi
