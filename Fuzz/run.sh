#!/usr/bin/env bash
# Builds DetectKit's libFuzzer targets with AddressSanitizer and runs each in turn for SECONDS (default 30), or for
# N executions, starting from seeds made of the repository's fixtures and Fuzz/Seeds. Exits non-zero when a fuzzer
# finds a crash, a sanitizer report, a leak, a timeout or an out-of-memory, printing where the input that
# triggered it was saved.
#
#   Fuzz/run.sh                          # every target, 30 s each, as CI does
#   Fuzz/run.sh 600                      # longer
#   Fuzz/run.sh 600 FuzzConfig FuzzPNG   # some targets only
#   Fuzz/run.sh -runs=10000000 FuzzPNG   # a fixed number of executions instead of a time
#
# Works from any directory; writes nothing into the repository but Fuzz/.build and Fuzz/Package.resolved (both
# ignored by git). The corpus and crash files go to a temporary directory (kept, and printed, when something was
# found), or to FUZZ_WORK_DIR when set, so that a corpus grows over repeated runs. Needs a Swift toolchain with
# libFuzzer (swift.org's Linux toolchains; Xcode's has none) and libpng/libjpeg headers, which
# ../scripts/install-dependencies.sh installs when missing.
set -euo pipefail

# Every target, in the order they run.
targets=(FuzzPNG FuzzJPEG FuzzCOCOResults FuzzCOCOGroundTruth FuzzSafeTensors FuzzConfig FuzzNumPy)

usage="usage: $0 [SECONDS | -runs=N] [TARGET...] (targets: ${targets[*]})"
limit="${1:-30}"
if [[ "$limit" =~ ^[0-9]+$ ]]; then
    limit_flag="-max_total_time=$limit"
    what="$limit s"
elif [[ "$limit" =~ ^-runs=[0-9]+$ ]]; then
    limit_flag="$limit"
    what="${limit#-runs=} executions"
else
    echo "$usage" >&2
    exit 2
fi
shift $(($# > 0 ? 1 : 0))
selected=("$@")
[ "${#selected[@]}" -ne 0 ] || selected=("${targets[@]}")
for fuzzer in "${selected[@]}"; do
    [[ " ${targets[*]} " == *" $fuzzer "* ]] || { echo "run.sh: no target $fuzzer; $usage" >&2; exit 2; }
done

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$fuzz_dir/.." && pwd)"
cd "$fuzz_dir"

command -v swift >/dev/null || { echo "run.sh: swift is not on PATH" >&2; exit 1; }
"$repo/scripts/install-dependencies.sh"

# -c release: optimised as users build it, and faster (on the long runs' corpora, 60 s each, two side by side:
# FuzzJPEG 2,638 executions/s against 1,547 in debug, FuzzCOCOGroundTruth 17,531 against 2,380); the library has
# no `assert`, and preconditions and overflow checks stay in optimised Swift code.
# -sanitize=fuzzer,address: libFuzzer and ASan (with LeakSanitizer) for the Swift code; -parse-as-library: no
# top-level `main` of our own; -Xcc -fsanitize=fuzzer-no-link,address: the same coverage and ASan for the C
# targets (CCodecShims, the kernels). The system libpng/libjpeg/OpenBLAS are not instrumented.
build=(swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
    -Xcc -fsanitize=fuzzer-no-link,address)
if [ -n "${FUZZ_WORK_DIR:-}" ]; then
    work="$FUZZ_WORK_DIR"
    mkdir -p "$work"
    keep=1
else
    work="$(mktemp -d "${TMPDIR:-/tmp}/detectkit-fuzz.XXXXXX")"
    keep=0
fi

echo "+ ${build[*]}" >&2
start=$SECONDS
status=0
"${build[@]}" >"$work/build.log" 2>&1 || status=$?
grep -v "Cannot export local symbol" "$work/build.log" >&2 || true  # ld.gold's noise about ASan's symbols
[ "$status" -eq 0 ] || { echo "run.sh: build failed (exit $status)" >&2; exit 1; }
bin="$("${build[@]}" --show-bin-path)"
echo "built in $((SECONDS - start)) s: $bin/{$(IFS=,; echo "${selected[*]}")}" >&2

# Seeds: the fixtures of the tests and samples, small ones or cut small (libFuzzer's default -max_len is the
# largest seed's length, and long inputs make every run slow), and the hand-made ones in Fuzz/Seeds/TARGET.
# JSON cut from samples/: the first records of the results, one per line; the first images of the pretty-printed
# ground truth with a few of their annotations, and every category, whitespace squeezed.
first_records() {  # N: the first N records of samples/raw_detections.json as an array
    head -n "$(($1 + 1))" "$repo/samples/raw_detections.json" | sed '$ s/,$//'
    echo "]"
}
first_truth() {  # IMAGES ANNOTATIONS: samples/annotations.json with its first images, at most ANNOTATIONS of each
    awk -v images="$1" -v annotations="$2" '
        function flush() { sub(/,$/, "", block); printf "%s%s", (kept++ ? ",\n" : ""), block }
        /^ "[a-z_]+": \[$/ { section = $1; kept = 0; print; next }
        /^ \]/ { section = ""; print ""; print; next }
        section != "" && /^  \{$/ { block = $0; id = ""; next }
        section != "" && block != "" {
            block = block "\n" $0
            if ($1 == "\"id\":" && section == "\"images\":") id = $2
            if ($1 == "\"image_id\":") id = $2
            if ($0 !~ /^  \},?$/) next
            sub(/,$/, "", id)
            if (section == "\"images\":" && kept < images) { image[id] = 0; flush() }
            else if (section == "\"annotations\":" && (id in image) && image[id]++ < annotations) flush()
            else if (section != "\"images\":" && section != "\"annotations\":") flush()
            block = ""
            next
        }
        { print }
    ' "$repo/samples/annotations.json" | tr -s " \n" " "
}
seed() {  # TARGET CORPUS
    local fixtures="$repo/Tests/ImagingTests/Fixtures" corpus="$2" file
    case "$1" in
        FuzzPNG) cp "$fixtures"/png/*.png "$fixtures"/bad/* "$corpus"/ ;;
        FuzzJPEG) cp "$fixtures"/jpeg/*.jpg "$fixtures"/bad/* "$corpus"/ ;;
        FuzzCOCOResults)
            first_records 3 >"$corpus/samples-3.json"
            first_records 40 >"$corpus/samples-40.json"
            ;;
        FuzzCOCOGroundTruth)
            first_truth 1 3 >"$corpus/samples-1-3.json"
            first_truth 3 4 >"$corpus/samples-3-4.json"
            ;;
        FuzzSafeTensors)
            # The readers' own fixtures, damaged ones included, and the golden files that are small.
            find "$repo/Tests" -name "*.safetensors" -size -16k -exec cp {} "$corpus"/ \;
            ;;
        FuzzNumPy)
            # Files numpy wrote (every dtype, version and order the reader takes, and those it refuses) and the
            # decoders' YOLO outputs that are small.
            cp "$repo"/Tests/NeuralCoreTests/Fixtures/npy/*.npy "$corpus"/
            find "$repo/Tests/DecodingTests/Fixtures" -name "*.npy" -size -64k -exec sh -c 'cp "$1" "$2/$(echo "$1" | tr / _)"' _ {} "$corpus" \;
            ;;
        FuzzConfig)
            # The first byte picks the reader: 0 CLIP, 1 the detector.
            for file in "$repo"/Sources/DetectKit/Models/clip/config.json "$repo"/Tests/CLIPTests/Fixtures/models/*/config.json; do
                { printf 0; cat "$file"; } >"$corpus/clip-$(basename "$(dirname "$file")").json"
            done
            for file in "$repo"/Sources/DetectKit/Models/detector/config.json "$repo"/Tests/DetectorTests/Fixtures/*/config.json; do
                { printf 1; cat "$file"; } >"$corpus/detector-$(basename "$(dirname "$file")").json"
            done
            ;;
    esac
    if [ -d "$fuzz_dir/Seeds/$1" ]; then cp "$fuzz_dir/Seeds/$1"/* "$corpus"/; fi
}

# Crashes are reported by libFuzzer and ASan (symbolized stack, input saved). Swift's own backtracer would
# report them too, but its helper process is left behind when libFuzzer exits, holding our output open.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"

failed=()
for fuzzer in "${selected[@]}"; do
    corpus="$work/corpus/$fuzzer"
    artifacts="$work/artifacts/$fuzzer"
    mkdir -p "$corpus" "$artifacts"
    seed "$fuzzer" "$corpus"
    options=()
    case "$fuzzer" in
        FuzzPNG | FuzzJPEG) ;;
        FuzzNumPy) options+=(-dict="$fuzz_dir/Dictionaries/npy.dict") ;;
        *) options+=(-dict="$fuzz_dir/Dictionaries/json.dict") ;;
    esac
    log="$work/$fuzzer.log"
    echo "== $fuzzer: $what, corpus $corpus ($(ls "$corpus" | wc -l) files)" >&2
    status=0
    "$bin/$fuzzer" "$limit_flag" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 ${options[@]+"${options[@]}"} \
        -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?
    grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" "$log" >&2 || true
    # A crash-, leak-, timeout- or oom- file comes with a non-zero exit status; slow-unit- files (inputs slower
    # than -report_slow_units, 10 s) do not fail the run.
    if [ "$status" -ne 0 ]; then
        echo "!! $fuzzer failed (exit $status); its report follows the last target's" >&2
        failed+=("$fuzzer")
    fi
done

# The reports come last, so that a log read from its end (as CI shows it) holds them: the fuzzer's output without
# its progress lines, and each input that failed, in base64 when small enough to copy out of a log
# (`base64 -d > input`, then `$bin/TARGET input` reproduces it). Each saved input is run again on its own: a crash
# or a leak fails the run whether or not it comes back, and so does anything that comes back; an out-of-memory or
# a timeout that does not come back on its own (the process's memory after many inputs, or a busy machine) is
# reported and kept but does not fail it.
failing=()
for fuzzer in ${failed[@]+"${failed[@]}"}; do
    echo "!! $fuzzer's report:" >&2
    grep -v -E "^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)" "$work/$fuzzer.log" | tail -n 80 >&2
    inputs=0 excused=0
    for file in "$work/artifacts/$fuzzer"/{crash,leak,timeout,oom}-*; do
        [ -e "$file" ] || continue
        echo "!! $fuzzer input saved to $file (reproduce: $bin/$fuzzer $file)" >&2
        if [ "$(wc -c <"$file")" -le 8192 ]; then
            echo "!! its base64:" >&2
            base64 "$file" >&2
        fi
        kind="$(basename "$file")"
        kind="${kind%%-*}"
        inputs=$((inputs + 1))
        if "$bin/$fuzzer" -rss_limit_mb=2048 -timeout=10 "$file" >"$file.again.log" 2>&1; then
            echo "!! run again on its own, it passes ($kind; log: $file.again.log)" >&2
            if [ "$kind" = oom ] || [ "$kind" = timeout ]; then excused=$((excused + 1)); fi
        else
            echo "!! run again on its own, it fails again:" >&2
            tail -n 20 "$file.again.log" >&2
        fi
    done
    if [ "$inputs" -eq 0 ] || [ "$excused" -lt "$inputs" ]; then
        failing+=("$fuzzer")
    else
        echo "!! $fuzzer: what it ran out of does not come back on its own; not counted as a failure" >&2
    fi
done
if [ "${#failing[@]}" -ne 0 ]; then
    echo "FAILED: ${failing[*]}; inputs, corpus and logs kept in $work" >&2
    exit 1
fi
[ "${#failed[@]}" -eq 0 ] || keep=1
if [ "$keep" -eq 0 ]; then rm -rf "$work"; fi
if [ "${#failed[@]}" -ne 0 ]; then
    echo "OK, but for what did not come back in ${failed[*]} (kept in $work): no crash in $what per fuzzer" >&2
else
    echo "OK: no crash in $what per fuzzer (${selected[*]})" >&2
fi
