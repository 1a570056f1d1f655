#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Builds the kdbus-playground guest from Debian packages and this repo:
#   bzImage     Linux 6.1 (linux-source-6.1), i386, tinyconfig + kernel/playground.config
#   initrd.img  busybox-static:i386 + our tools + rootfs/, as a sorted newc cpio (uncompressed)
#   bios.bin, vgabios-stdvga.bin   Debian's seabios, as shipped
# and writes them with manifest.json to public/guest/ (or --out DIR).
#
#   guest-image/build.sh            build and install into public/guest/
#   guest-image/build.sh --check    build into a scratch folder and compare every
#                                   sha256 with the committed manifest (CI)
#   guest-image/build.sh --debug    a debug guest for tests/run-debug.sh: also merges
#                                   kernel/debug.config, adds the TAP suite and the
#                                   fuzzer to the initrd; builds in $KP_BUILD_DIR-debug,
#                                   writes bzImage + initrd.img to its out/ (or --out)
#
# Reproducible: the build runs in a fixed folder (KP_BUILD_DIR), with fixed
# KBUILD_* identity and timestamps, so the same Debian inputs give the same bytes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${KP_BUILD_DIR:-/var/tmp/kdbus-playground-build}
out=$top/public/guest
check=0
debug=0
epoch=1427846400 # 2015-04-01 00:00:00 UTC, the month kdbus was proposed for 4.1
jobs=$(nproc)

while [ $# -gt 0 ]; do
	case $1 in
	--check) check=1 ;;
	--out) out=$2; shift ;;
	--debug) debug=1 ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "build.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
	shift
done
[ $check = 1 ] && out=$build/check-out
if [ $debug = 1 ]; then
	[ $check = 0 ] || { echo "build.sh: --debug and --check do not mix" >&2; exit 2; }
	build=$build-debug
	[ "$out" != "$top/public/guest" ] || out=$build/out
fi

# Debian packages the build reads; their versions go into the manifest.
pkgs_input="linux-source-6.1 gcc-i686-linux-gnu libc6-dev-i386-cross seabios"
pkgs_tools="make bc flex bison cpio gzip lz4 xz-utils patch gcc libc6-dev"

say() { printf '\033[1m[guest]\033[0m %s\n' "$*"; }
die() { printf '[guest] error: %s\n' "$*" >&2; exit 1; }

# A mirror in the middle of a sync makes apt-get update fail now and then:
# try again, then go on with the lists we have (an install that really
# cannot find its packages still fails, and says so).
apt_update() {
	apt-get update -qq || { sleep 10; apt-get update -qq; } ||
		say "warning: apt-get update failed twice; going on with the package lists we have"
}

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }

ensure_packages() {
	local missing=() p
	for p in $pkgs_input $pkgs_tools; do
		[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] ||
			missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		die "missing Debian packages: ${missing[*]} (as root: apt-get install ${missing[*]})"
	fi
	say "installing ${missing[*]}"
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# busybox-static:i386 is unpacked from its .deb, never installed over the host's busybox.
fetch_busybox() {
	local dir=$build/busybox deb
	if ! dpkg --print-foreign-architectures | grep -qx i386; then
		[ "$(id -u)" = 0 ] || die "dpkg needs the i386 architecture: dpkg --add-architecture i386 && apt-get update"
		dpkg --add-architecture i386
		apt_update
	fi
	rm -rf "$dir" && mkdir -p "$dir"
	(cd "$dir" && apt-get download -qq busybox-static:i386 >/dev/null 2>&1) ||
		{ apt_update && (cd "$dir" && apt-get download -qq busybox-static:i386 >/dev/null); } ||
		die "could not download busybox-static:i386"
	deb=$(ls "$dir"/busybox-static_*_i386.deb)
	busybox_version=$(dpkg-deb -f "$deb" Version)
	dpkg-deb -x "$deb" "$dir/root"
}

# musl-dev:i386, unpacked like busybox: the libc of our user-space programs
# in the initramfs. Every initramfs byte stays in RAM and so in every saved
# state; a static musl program is ~40 KB where glibc's is ~800 KB.
fetch_musl() {
	local dir=$build/musl deb d
	rm -rf "$dir" && mkdir -p "$dir/uapi"
	(cd "$dir" && apt-get download -qq musl-dev:i386 >/dev/null 2>&1) ||
		die "could not download musl-dev:i386"
	deb=$(ls "$dir"/musl-dev_*_i386.deb)
	musl_version=$(dpkg-deb -f "$deb" Version)
	dpkg-deb -x "$deb" "$dir/root"
	# musl has no kernel headers: take linux/ and asm/ from the cross libc's.
	for d in linux asm asm-generic; do
		ln -s "/usr/i686-linux-gnu/include/$d" "$dir/uapi/$d"
	done
	sed -e "s|/usr/include/i386-linux-musl|$dir/root/usr/include/i386-linux-musl -isystem $dir/uapi|g" \
		-e "s|/usr/lib/i386-linux-musl|$dir/root/usr/lib/i386-linux-musl|g" \
		"$dir/root/usr/lib/i386-linux-musl/musl-gcc.specs" >"$dir/musl-gcc.specs"
}

kmake() {
	make -C "$build/linux" ARCH=i386 CROSS_COMPILE=i686-linux-gnu- -j"$jobs" -s \
		KBUILD_BUILD_TIMESTAMP="$(LC_ALL=C date -u -d @$epoch)" KBUILD_BUILD_USER=kdbus \
		KBUILD_BUILD_HOST=playground KBUILD_BUILD_VERSION=1 "$@"
}

prepare_kernel_tree() {
	local want stamp=$build/linux/.kp-source
	want=$(pkg_version linux-source-6.1)
	if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
		say "unpacking linux-source-6.1 $want"
		rm -rf "$build/linux" "$build/linux-source-6.1"
		tar -C "$build" -xf /usr/src/linux-source-6.1.tar.xz
		mv "$build/linux-source-6.1" "$build/linux"
		echo "$want" >"$stamp"
	fi
}

# Our few changes to Debian's kernel source (guest-image/kernel/patches/),
# applied once per tree: a patch that reverses cleanly is in already.
patch_kernel() {
	local p
	for p in "$here"/kernel/patches/*.patch; do
		[ -e "$p" ] || continue
		patch -d "$build/linux" -p1 -R --dry-run -s -f <"$p" >/dev/null 2>&1 && continue
		patch -d "$build/linux" -p1 -s -f <"$p" || die "kernel patch does not apply: ${p#"$top"/}"
	done
}

configure_kernel() {
	local frags=$here/kernel/playground.config line
	[ $debug = 0 ] || frags="$frags $here/kernel/debug.config"
	kmake tinyconfig >/dev/null
	# shellcheck disable=SC2086 # $frags is a list of paths without spaces
	(cd "$build/linux" && ARCH=i386 scripts/kconfig/merge_config.sh -m .config $frags >/dev/null 2>&1)
	kmake olddefconfig
	# A later fragment (debug.config) may set a symbol an earlier one unsets:
	# the last line naming a symbol is the one that must hold.
	# shellcheck disable=SC2086
	while read -r line; do
		case $line in CONFIG_* | "# CONFIG_"*) grep -qxF "$line" "$build/linux/.config" ||
			die "kernel option did not take (missing dependency?): $line" ;;
		esac
	done < <(cat $frags | grep -E '^(# )?CONFIG_' | tac |
		awk '{ s = $0; sub(/^# /, "", s); sub(/[= ].*/, "", s); if (!seen[s]++) print }')
}

# kdbus is built into the kernel (it may then use any kernel function, not
# only exported ones): its sources are copied to ipc/kdbus/ with mtimes kept,
# so an unchanged file is not rebuilt, and its uapi header to include/uapi/.
add_kdbus() {
	local src=$here/kdbus dst=$build/linux/ipc/kdbus
	[ -f "$src/Makefile" ] || return 0
	mkdir -p "$dst"
	find "$dst" -maxdepth 1 -type f \( -name '*.[ch]' -o -name Makefile \) | while read -r f; do
		[ -e "$src/$(basename "$f")" ] || rm -f "$f" "${f%.c}.o"
	done
	cp -p "$src"/Makefile "$src"/*.[ch] "$dst"/ 2>/dev/null || cp -p "$src"/Makefile "$dst"/
	cp -p "$src/uapi/linux/kdbus.h" "$build/linux/include/uapi/linux/kdbus.h"
	grep -qx 'obj-y += kdbus/' "$build/linux/ipc/Makefile" || echo 'obj-y += kdbus/' >>"$build/linux/ipc/Makefile"
}

build_kernel() {
	say "configuring the kernel"
	patch_kernel
	configure_kernel
	add_kdbus
	say "building bzImage ($jobs jobs)"
	kmake bzImage
	kernel_release=$(kmake -s kernelrelease)
}

build_tools() {
	local cflags="-specs=$build/musl/musl-gcc.specs -static -Os -s -Wall -Wextra -Werror -ffile-prefix-map=$top/= -Wl,--build-id=none -I$here/kdbus/uapi"
	# tools/nolibc/ is built against the kernel's own tiny libc: these
	# programs sit in every saved state, where a static glibc costs 800 KB.
	local nolibc="-static -nostdlib -fno-builtin -Os -s -Wall -Wextra -Werror -fno-asynchronous-unwind-tables -fno-ident -Wl,--build-id=none -I$build/linux/tools/include/nolibc"
	rm -rf "$build/tools" && mkdir -p "$build/tools"
	for src in "$here"/tools/*.c; do
		[ -e "$src" ] || continue
		i686-linux-gnu-gcc $cflags -o "$build/tools/$(basename "$src" .c)" "$src"
	done
	for src in "$here"/tools/nolibc/*.c; do
		i686-linux-gnu-gcc $nolibc -o "$build/tools/$(basename "$src" .c)" "$src" -lgcc
	done
	# guest-image/examples/: small programs for learners, in /usr/bin.
	rm -rf "$build/examples" && mkdir -p "$build/examples"
	for src in "$here"/examples/*.c; do
		[ -e "$src" ] || continue
		i686-linux-gnu-gcc $cflags -o "$build/examples/$(basename "$src" .c)" "$src"
	done
	# guest-image/cli/: the kdbus command line, one program from many files
	# (sorted, so the link order and the binary do not depend on the locale).
	i686-linux-gnu-gcc $cflags -o "$build/examples/kdbus" $(LC_ALL=C ls "$here"/cli/*.c)
	# guest-image/agent/: the trace agent /sbin/kdbus-agent, started by rcS
	# (docs/trace-protocol.md); one segment less of page padding in RAM.
	i686-linux-gnu-gcc $cflags -Wl,-z,noseparate-code -o "$build/tools/kdbus-agent" \
		$(LC_ALL=C ls "$here"/agent/*.c)
	[ $debug = 1 ] || return 0
	# The debug initrd also carries the fuzzer, the TAP suite (if it builds)
	# and the init that runs them: /usr/libexec/kdbus-{fuzz,tests}, /sbin/debug-init.
	rm -rf "$build/libexec" && mkdir -p "$build/libexec"
	make -s -C "$here/tests/fuzz" OUT="$build/libexec" >&2
	cp "$here/tests/fuzz/debug-init" "$build/tools/debug-init"
	make -s -C "$here/tests" OUT="$build/libexec" >&2 ||
		say "WARNING: the TAP suite (tests/) did not build: the debug initrd has only the fuzzer"
}

# Everything the initramfs holds is first copied into a staging folder with
# fixed modes and mtimes: gen_init_cpio takes a file's mtime from the file,
# and a checkout's or a fresh build's mtimes differ from machine to machine.
stage_files() {
	local stage=$build/stage f
	rm -rf "$stage" && mkdir -p "$stage/sbin" "$stage/bin"
	cp "$build/busybox/root/bin/busybox" "$stage/bin/busybox"
	cp "$build"/tools/* "$stage/sbin/"
	mkdir -p "$stage/usr/bin"
	find "$build/examples" -type f -exec cp {} "$stage/usr/bin/" \;
	[ $debug = 0 ] || { mkdir -p "$stage/usr/libexec" && cp "$build"/libexec/* "$stage/usr/libexec/"; }
	(cd "$here/rootfs" && find . -type f | LC_ALL=C sort) | while read -r f; do
		mkdir -p "$stage/$(dirname "$f")"
		cp "$here/rootfs/$f" "$stage/$f"
	done
	find "$stage" -exec touch -h -d "@$epoch" {} +
}

# The initramfs, described as a gen_init_cpio list so modes, owners and
# device nodes do not depend on the checkout or on who builds.
initramfs_list() {
	local stage=$build/stage applet f mode
	for d in bin sbin usr usr/bin usr/sbin etc etc/init.d dev proc sys tmp run root \
		home mnt mnt/host var usr/local usr/local/bin; do
		echo "dir /$d 0755 0 0"
	done
	echo "dir /home/user 0755 1000 1000"
	[ $debug = 0 ] || echo "dir /usr/libexec 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	"$stage/bin/busybox" --list-full >"$build/applets" ||
		die "cannot run the i386 busybox to list its applets (does this kernel run 32-bit programs?)"
	# The applets are hard links to /bin/busybox, not symlinks: the kernel
	# makes a link without an inode and a page of its own, which is quicker
	# to unpack at boot and leaves fewer pages in the saved state.
	links=$(LC_ALL=C sort "$build/applets" | grep -vx bin/busybox | sed 's|^|/|' | tr '\n' ' ')
	echo "slink /init /bin/busybox 0777 0 0"
	(cd "$stage" && find . -type f | LC_ALL=C sort) | while read -r f; do
		mode=0644
		case $f in ./bin/* | ./sbin/* | ./usr/bin/* | ./etc/init.d/* | ./usr/libexec/*) mode=0755 ;; esac
		if [ "$f" = ./bin/busybox ]; then
			line="file /bin/busybox $stage/bin/busybox $mode 0 0 ${links% }"
			# gen_init_cpio reads lines of at most 2 * PATH_MAX + 50 bytes
			[ ${#line} -lt 8000 ] || die "the busybox line of the initramfs list is too long (${#line} bytes)"
			echo "$line"
		else
			echo "file ${f#.} $stage/${f#./} $mode 0 0"
		fi
	done
}

build_initramfs() {
	say "packing the initramfs"
	stage_files
	initramfs_list >"$build/initramfs.list"
	[ -x "$build/linux/usr/gen_init_cpio" ] ||
		gcc -O2 -o "$build/linux/usr/gen_init_cpio" "$build/linux/usr/gen_init_cpio.c"
	# Uncompressed: the kernel unpacks it with a copy (no decompressor is built
	# in), and a host that gzips sends it smaller than lz4 would be.
	"$build/linux/usr/gen_init_cpio" -t "$epoch" "$build/initramfs.list" >"$build/initrd.img"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

write_manifest() {
	local f first=1
	{
		echo '{'
		echo '  "kernelRelease": "'"$kernel_release"'",'
		echo '  "cmdline": "'"$(tr -s ' \n' '  ' <"$here/kernel/cmdline" | sed 's/ $//')"'",'
		echo '  "files": {'
		for f in bzImage initrd.img bios.bin vgabios-stdvga.bin; do
			[ $first = 1 ] || echo ','
			first=0
			printf '    "%s": { "sha256": "%s", "size": %s }' "$f" "$(sha "$out/$f")" "$(stat -c %s "$out/$f")"
		done
		echo
		echo '  },'
		echo '  "debian": {'
		for p in $pkgs_input; do
			echo "    \"$p\": \"$(pkg_version "$p")\","
		done
		echo "    \"busybox-static:i386\": \"$busybox_version\","
		echo "    \"musl-dev:i386\": \"$musl_version\""
		echo '  }'
		echo '}'
	} >"$out/manifest.json"
}

compare_with_committed() {
	local committed=$top/public/guest/manifest.json f a b bad=0
	[ -f "$committed" ] || die "no committed manifest at $committed"
	if ! diff <(sed -n '/"debian"/,/}/p' "$committed") <(sed -n '/"debian"/,/}/p' "$out/manifest.json") >"$build/debian.diff"; then
		say "the Debian inputs changed since the artifacts were committed:"
		cat "$build/debian.diff"
		say "byte comparison skipped: rebuild with 'npm run guest' and commit public/guest/"
		[ "${KP_STRICT:-0}" = 1 ] && exit 1
		return 0
	fi
	for f in bzImage initrd.img bios.bin vgabios-stdvga.bin; do
		a=$(grep -o "\"$f\": { \"sha256\": \"[0-9a-f]*\"" "$committed" | grep -o '[0-9a-f]\{64\}')
		b=$(sha "$out/$f")
		if [ "$a" = "$b" ]; then
			say "reproduced $f ($b)"
		else
			echo "[guest] MISMATCH $f: manifest $a, rebuilt $b" >&2
			bad=1
		fi
	done
	[ $bad = 0 ] || die "the rebuilt guest differs from public/guest/manifest.json"
	say "all artifacts reproduced bit for bit"
}

main() {
	ensure_packages
	mkdir -p "$build" "$out"
	fetch_busybox
	fetch_musl
	prepare_kernel_tree
	build_kernel
	build_tools
	build_initramfs
	cp "$build/linux/arch/x86/boot/bzImage" "$build/initrd.img" "$out/"
	if [ $debug = 1 ]; then
		say "debug guest $kernel_release written to $out (run: guest-image/tests/run-debug.sh)"
		return 0
	fi
	cp /usr/share/seabios/bios.bin /usr/share/seabios/vgabios-stdvga.bin "$out/"
	write_manifest
	if [ $check = 1 ]; then
		compare_with_committed
	else
		say "guest $kernel_release written to ${out#"$top"/}: $(du -b "$out/bzImage" | cut -f1) B kernel, $(du -b "$out/initrd.img" | cut -f1) B initrd"
	fi
}

main
