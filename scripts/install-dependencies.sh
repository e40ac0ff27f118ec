#!/usr/bin/env bash
# Installs what DetectKit builds and tests against, when missing: libpng and libjpeg(-turbo) headers, OpenBLAS
# (Linux; macOS uses Accelerate), pkg-config, and on Linux Debian's chromium, the headless browser the report
# test opens `detectkit compare --report` pages in (Debian/Ubuntu through apt-get, macOS through Homebrew).
# Safe to run repeatedly.
set -euo pipefail

needed="libpng libjpeg"
[ "$(uname)" = Linux ] && needed="$needed openblas"
packages=()
pkg-config --exists $needed 2>/dev/null || packages+=(libpng-dev libjpeg-dev libopenblas-dev pkg-config)
if [ "$(uname)" = Linux ] && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
    packages+=(chromium)
fi
[ "${#packages[@]}" -eq 0 ] && exit 0
if command -v apt-get >/dev/null; then
    apt=(apt-get)
    # As root apt drops privileges to the _apt user for downloads, which fails in some sandboxes; stay root.
    [ "$(id -u)" -eq 0 ] && apt=(apt-get -o APT::Sandbox::User=root) || apt=(sudo apt-get)
    echo "install-dependencies: installing ${packages[*]}" >&2
    "${apt[@]}" update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${packages[@]}" >&2
elif command -v brew >/dev/null; then
    brew install libpng jpeg-turbo pkg-config >&2
else
    echo "install-dependencies: install libpng, libjpeg(-turbo), OpenBLAS, pkg-config and chromium with your package manager" >&2
    exit 1
fi
