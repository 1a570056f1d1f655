#!/usr/bin/env bash
# What npm run state (and so npm start and npm run build) needs from Debian:
# xz, which compresses the saved state (src/guest/state-encoding.ts says why).
# Installs it when we are root; otherwise says what to run.
set -euo pipefail
command -v xz >/dev/null && exit 0
. "$(dirname "$0")/debian-packages.sh"
install_or_explain state "making the saved state" xz-utils
