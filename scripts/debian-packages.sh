# SPDX-License-Identifier: MIT
# Sourced by the ensure-*-deps.sh scripts: install_or_explain TAG WHAT PACKAGE...
# installs the Debian packages when we are root (Debian 12), otherwise says
# what to run and fails. TAG prefixes the messages, WHAT names who needs them.
install_or_explain() {
	local tag=$1 what=$2
	shift 2
	[ $# = 0 ] && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "[$tag] installing $*"
		apt-get update -qq || { sleep 10; apt-get update -qq; } || echo "[$tag] warning: apt-get update failed; using the lists we have"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
	else
		echo "[$tag] $what needs these Debian packages: sudo apt-get install $*" >&2
		exit 1
	fi
}
