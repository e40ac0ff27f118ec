#!/usr/bin/env bash
# Opens a `detectkit compare --report` page in headless Chromium (Debian's `chromium` package) and checks that it
# renders cleanly; keeps a screenshot.
#
#   scripts/check-report.sh REPORT_DIR/index.html SCREENSHOT.png
#
# Fails (exit 1) when
#   * the page logs anything to the browser console (script errors, console.error, …),
#   * it refers to anything outside itself that is not a local file next to it (a URL, an absolute path), or to a
#     local file that does not exist (Chromium does not log failed file:// loads, so they are checked here),
#   * Chromium does not write the screenshot.
# Name resolution is disabled for the browser, so a page that needed the network would not render its resources.
# The browser is $CHROMIUM when set, else the first of chromium, chromium-browser, google-chrome on PATH.
set -euo pipefail

page="${1:?usage: check-report.sh REPORT_DIR/index.html SCREENSHOT.png}"
shot="${2:?usage: check-report.sh REPORT_DIR/index.html SCREENSHOT.png}"
browser="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"
[ -n "$browser" ] || { echo "check-report: no chromium found on PATH (apt-get install chromium)" >&2; exit 2; }
[ -f "$page" ] || { echo "check-report: $page does not exist" >&2; exit 1; }
page="$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
folder="$(dirname "$page")"

failed=0
# Every src= and href= must be a relative path to an existing file.
while IFS= read -r ref; do
    case "$ref" in
        *://*|/*|//*) echo "check-report: external reference: $ref" >&2; failed=1 ;;
        \#*) ;;
        *) [ -f "$folder/$ref" ] || { echo "check-report: missing file: $ref" >&2; failed=1; } ;;
    esac
done < <(grep -oE '(src|href)="[^"]*"' "$page" | sed -E 's/^(src|href)="(.*)"$/\2/' | grep -v '^http://www.w3.org/2000/svg$' || true)

log="$(mktemp)"
profile="$(mktemp -d)"
trap 'rm -rf "$log" "$profile"' EXIT
rm -f "$shot"
timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$profile" --window-size=1400,2000 --enable-logging=stderr --v=0 \
    --host-resolver-rules="MAP * ~NOTFOUND" --screenshot="$shot" "file://$page" 2> "$log" > /dev/null || true
if grep -q ':CONSOLE' "$log"; then
    echo "check-report: the page logged to the console:" >&2
    grep ':CONSOLE' "$log" >&2
    failed=1
fi
if [ ! -s "$shot" ]; then
    echo "check-report: no screenshot written; browser log:" >&2
    grep -v dbus "$log" >&2 || true
    failed=1
fi
[ "$failed" = 0 ] && echo "check-report: $page renders cleanly; screenshot $shot"
exit "$failed"
