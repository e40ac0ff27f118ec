#!/usr/bin/env bash
# Builds DetectKit's libFuzzer targets (FuzzPNG, FuzzJPEG) with AddressSanitizer and runs each for SECONDS
# (default 30), starting from the test fixtures. Exits non-zero when a fuzzer finds a crash, a sanitizer report,
# a leak or a timeout, printing where the input that triggered it was saved.
#
#   Fuzz/run.sh            # 30 s per fuzzer, as CI does
#   Fuzz/run.sh 600        # longer
#
# Works from any directory; writes nothing into the repository but Fuzz/.build and Fuzz/Package.resolved (both
# ignored by git). The corpus and crash files go to a temporary directory (kept, and printed, when something was
# found), or to FUZZ_WORK_DIR when set, so that a corpus grows over repeated runs. Needs a Swift toolchain with
# libFuzzer (swift.org's Linux toolchains; Xcode's has none) and libpng/libjpeg headers, which
# ../scripts/install-dependencies.sh installs when missing.
set -euo pipefail

seconds="${1:-30}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fixtures="$fuzz_dir/../Tests/ImagingTests/Fixtures"
cd "$fuzz_dir"

command -v swift >/dev/null || { echo "run.sh: swift is not on PATH" >&2; exit 1; }
"$fuzz_dir/../scripts/install-dependencies.sh"

# -sanitize=fuzzer,address: libFuzzer and ASan (with LeakSanitizer) for the Swift code; -parse-as-library: no
# top-level `main` of our own; -Xcc -fsanitize=fuzzer-no-link,address: the same coverage and ASan for the C shim
# (CCodecShims). The system libpng/libjpeg are not instrumented.
build=(swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
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
echo "built in $((SECONDS - start)) s: $bin/FuzzPNG, $bin/FuzzJPEG" >&2

# Crashes are reported by libFuzzer and ASan (symbolized stack, input saved). Swift's own backtracer would
# report them too, but its helper process is left behind when libFuzzer exits, holding our output open.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"

failed=()
for fuzzer in FuzzPNG FuzzJPEG; do
    corpus="$work/corpus/$fuzzer"
    artifacts="$work/artifacts/$fuzzer"
    mkdir -p "$corpus" "$artifacts"
    if [ "$fuzzer" = FuzzPNG ]; then seeds=("$fixtures"/png/*.png); else seeds=("$fixtures"/jpeg/*.jpg); fi
    cp "${seeds[@]}" "$fixtures"/bad/* "$corpus"/
    log="$work/$fuzzer.log"
    echo "== $fuzzer: $seconds s, corpus $corpus ($(ls "$corpus" | wc -l) files)" >&2
    status=0
    "$bin/$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?
    grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" "$log" >&2 || true
    # A crash-, leak-, timeout- or oom- file comes with a non-zero exit status; slow-unit- files (inputs slower
    # than -report_slow_units, 10 s) do not fail the run.
    if [ "$status" -ne 0 ]; then
        echo "!! $fuzzer failed (exit $status); its report:" >&2
        grep -v -E "^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)" "$log" | tail -n 80 >&2
        for file in "$artifacts"/{crash,leak,timeout,oom}-*; do
            if [ -e "$file" ]; then echo "!! $fuzzer input saved to $file (reproduce: $bin/$fuzzer $file)" >&2; fi
        done
        failed+=("$fuzzer")
    fi
done

if [ "${#failed[@]}" -ne 0 ]; then
    echo "FAILED: ${failed[*]}; inputs, corpus and logs kept in $work" >&2
    exit 1
fi
if [ "$keep" -eq 0 ]; then rm -rf "$work"; fi
echo "OK: no crash in $seconds s per fuzzer" >&2
