#!/usr/bin/env bash
# What npm test needs from Debian: Chromium for the browser tests (never a
# downloaded browser), the i386 cross compiler for the C programs the
# tests run in the guest, and tshark, which must decode the pcap export.
# Installs what is missing when we are root; otherwise says what to run.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium fonts-dejavu-core)
command -v i686-linux-gnu-gcc >/dev/null || need+=(gcc-i686-linux-gnu libc6-dev-i386-cross)
command -v make >/dev/null || need+=(make)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v tshark >/dev/null || need+=(tshark)
. "$(dirname "$0")/debian-packages.sh"
install_or_explain test "npm test" "${need[@]}"
