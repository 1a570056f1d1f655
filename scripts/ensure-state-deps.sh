#!/usr/bin/env bash
# What npm run state (and so npm start and npm run build) needs from Debian:
# xz, which compresses the saved state (src/guest/state-encoding.ts says why).
# Installs it when we are root; otherwise says what to run.
set -euo pipefail
command -v xz >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "[state] installing xz-utils"
	apt-get update -qq || { sleep 10; apt-get update -qq; } || echo "[state] warning: apt-get update failed; using the lists we have"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xz-utils >/dev/null
else
	echo "[state] making the saved state needs xz: sudo apt-get install xz-utils" >&2
	exit 1
fi
