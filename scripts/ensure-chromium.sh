#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a downloaded browser).
# Installs it when missing and we are root; otherwise says what to run.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "[test] installing Debian's chromium for the browser tests"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
else
	echo "[test] the browser tests need Debian's Chromium: sudo apt-get install chromium" >&2
	exit 1
fi
