#!/usr/bin/env bash
# Installs the system libraries DetectKit builds against, when missing: libpng and libjpeg(-turbo) headers,
# OpenBLAS (Linux; macOS uses Accelerate) and pkg-config (Debian/Ubuntu through apt-get, macOS through Homebrew).
# Safe to run repeatedly.
set -euo pipefail

needed="libpng libjpeg"
[ "$(uname)" = Linux ] && needed="$needed openblas"
if pkg-config --exists $needed 2>/dev/null; then
    exit 0
fi
if command -v apt-get >/dev/null; then
    apt=(apt-get)
    # As root apt drops privileges to the _apt user for downloads, which fails in some sandboxes; stay root.
    [ "$(id -u)" -eq 0 ] && apt=(apt-get -o APT::Sandbox::User=root) || apt=(sudo apt-get)
    echo "install-dependencies: installing libpng-dev libjpeg-dev libopenblas-dev pkg-config" >&2
    "${apt[@]}" update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq libpng-dev libjpeg-dev libopenblas-dev pkg-config >&2
elif command -v brew >/dev/null; then
    brew install libpng jpeg-turbo pkg-config >&2
else
    echo "install-dependencies: install libpng, libjpeg(-turbo), OpenBLAS and pkg-config with your package manager" >&2
    exit 1
fi
