#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Boots the DEBUG guest (guest-image/build.sh --debug: lockdep, SLUB debug,
# kmemleak, DEBUG_LIST/OBJECTS, 2 CPUs, preemption) under QEMU (TCG, no KVM).
# Its init (tests/fuzz/debug-init) runs the TAP suite, then the fuzzer, then
# a kmemleak scan, and reboots, which ends QEMU (-no-reboot). The console is
# saved to a log; the run fails on:
#   - a timeout, or a guest that did not get to the end,
#   - any "not ok", a TAP count short of the plan, a non-zero suite status,
#   - a fuzzer that did not make its calls or exited non-zero,
#   - any kernel report: lockdep, Oops, BUG, WARNING, Call Trace, list or
#     slab corruption, debugobjects, hung task, RCU stall, panic,
#   - kmemleak: any unreferenced object.
#
#   guest-image/tests/run-debug.sh [--dir DIR] [--log FILE] [--timeout S]
#       [--calls N] [--seed S] [--procs P] [--no-tests] [--no-fuzz] [--smp N]
#       [--avoid-known]   (fuzzer -X: skip inputs that hit known kernel bugs)
#
# DIR defaults to build.sh --debug's output, $KP_BUILD_DIR-debug/out.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=${KP_BUILD_DIR:-/var/tmp/kdbus-playground-build}-debug/out
log=
timeout=1500
calls=200000
seed=${KP_FUZZ_SEED:-$(date +%s)}
procs=4
tests=1
smp=2
fuzz_args=
mem=512

while [ $# -gt 0 ]; do
	case $1 in
	--dir) dir=$2; shift ;;
	--log) log=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--calls) calls=$2; shift ;;
	--seed) seed=$2; shift ;;
	--procs) procs=$2; shift ;;
	--smp) smp=$2; shift ;;
	--no-tests) tests=0 ;;
	--no-fuzz) calls=0 ;;
	--avoid-known) fuzz_args=-X ;;
	-h|--help) sed -n '2,23p' "$0"; exit 0 ;;
	*) echo "run-debug.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
	shift
done
log=${log:-$dir/console.log}

say() { printf '\033[1m[debug]\033[0m %s\n' "$*"; }
die() { printf '[debug] error: %s\n' "$*" >&2; exit 1; }

[ -f "$dir/bzImage" ] && [ -f "$dir/initrd.img" ] ||
	die "no debug guest in $dir (build it: bash guest-image/build.sh --debug)"
if ! command -v qemu-system-i386 >/dev/null; then
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null ||
		die "qemu-system-i386 is missing (as root: apt-get install qemu-system-x86)"
	say "installing qemu-system-x86"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null ||
		{ apt-get update -qq || true; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null; }
fi

# The fuzzer stops itself well before QEMU is killed, so a slow run ends
# with a short call count rather than a timeout.
fuzz_secs=$(( timeout * 2 / 3 ))
cmdline="console=ttyS0,115200 rdinit=/sbin/debug-init panic=-1 mitigations=off"
cmdline+=" slub_debug=FZPU kmemleak=on no_hash_pointers"
cmdline+=" kp_tests=$tests kp_fuzz_calls=$calls kp_fuzz_seed=$seed kp_fuzz_procs=$procs kp_fuzz_secs=$fuzz_secs${fuzz_args:+ kp_fuzz_args=$fuzz_args}"

say "booting $dir/bzImage under QEMU TCG (-smp $smp, ${mem} MiB, timeout ${timeout}s), log: $log"
say "fuzzer: $calls calls, seed $seed, $procs processes"
mkdir -p "$(dirname "$log")"
start=$(date +%s)
set +e
timeout -k 10 "$timeout" qemu-system-i386 -accel tcg,thread=multi -cpu max -smp "$smp" -m "$mem" \
	-display none -monitor none -serial stdio -no-reboot \
	-kernel "$dir/bzImage" -initrd "$dir/initrd.img" -append "$cmdline" \
	</dev/null 2>&1 | sed -u 's/\r$//' | tee "$log" |
	grep --line-buffered -E '^kp-debug:|^fuzz:|^not ok|^# |^\[ *[0-9.]+\] (WARNING|BUG|Oops|INFO|kmemleak|Kernel panic)'
rc=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - start ))

fail=()
case $rc in
0) ;;
124 | 137) fail+=("timeout after ${timeout}s (QEMU killed)") ;;
*) fail+=("QEMU exited with status $rc") ;;
esac
grep -q '^kp-debug: done' "$log" || fail+=("the guest did not reach the end of its run")

# Kernel reports. Lines are matched after the printk timestamp.
reports=$(sed -n 's/^\[ *[0-9.]*\] //p' "$log" | grep -nE \
	'^(WARNING:|BUG[: ]|Oops|general protection fault|kernel BUG at|Call Trace:|list_(add|del) corruption|ODEBUG:|INFO: task .* blocked|INFO: (possible|inconsistent)|rcu: INFO|Kernel panic|kmemleak: [0-9]+ new suspected|.*lock held when returning|.*DEBUG_LOCKS_WARN_ON|.*refcount_t:)' || true)
[ -z "$reports" ] || fail+=("kernel reports: $(echo "$reports" | wc -l) lines (see below)")

leaks=$(sed -n '/^kp-debug: kmemleak begin/,/^kp-debug: kmemleak end/p' "$log" | grep -c '^unreferenced object' || true)
grep -q '^kp-debug: kmemleak begin' "$log" || fail+=("no kmemleak scan result")
[ "$leaks" = 0 ] || fail+=("kmemleak: $leaks unreferenced objects")
grep -q '^kp-debug: ERROR' "$log" && fail+=("$(grep '^kp-debug: ERROR' "$log" | head -n 3 | tr '\n' ' ')")

# TAP suite
tap_note=
if [ "$tests" = 1 ]; then
	if grep -q '^kp-debug: tests absent' "$log"; then
		tap_note="the TAP suite is not in the debug initrd (it did not build): fuzzer only"
		say "WARNING: $tap_note"
	else
		tap=$(sed -n '/^kp-debug: TAP begin/,/^kp-debug: TAP end/p' "$log")
		plan=$(echo "$tap" | sed -n 's/^1\.\.\([0-9]*\).*/\1/p' | head -n 1)
		ok=$(echo "$tap" | grep -cE '^ok [0-9]+' || true)
		notok=$(echo "$tap" | grep -cE '^not ok [0-9]+' || true)
		trc=$(sed -n 's/^kp-debug: tests rc=\([0-9]*\).*/\1/p' "$log")
		tap_note="TAP: plan ${plan:-none}, $ok ok, $notok not ok, status ${trc:-none}"
		[ -n "$plan" ] || fail+=("TAP: no plan line")
		[ "$notok" = 0 ] || fail+=("TAP: $notok not ok: $(echo "$tap" | grep -E '^not ok' | head -n 5 | tr '\n' ';')")
		[ -z "$plan" ] || [ $((ok + notok)) = "$plan" ] || fail+=("TAP: $((ok + notok)) test points of $plan planned")
		[ "$trc" = 0 ] || fail+=("TAP: kdbus-tests exited with status ${trc:-none}")
	fi
fi

# Fuzzer
fuzz_note=
if [ "$calls" != 0 ]; then
	got=$(sed -n 's/^fuzz: \([0-9]*\) calls, seed.*/\1/p' "$log" | tail -n 1)
	frc=$(sed -n 's/^kp-debug: fuzz rc=\([0-9]*\).*/\1/p' "$log")
	span=$(sed -n 's/^kp-debug: fuzz rc=[0-9]* from \([0-9.]*\)s to \([0-9.]*\)s/\1 \2/p' "$log")
	fsecs=$(echo "$span" | awk '{ printf "%d", $2 - $1 }')
	fuzz_note="fuzzer: ${got:-no} calls of $calls in ${fsecs:-?}s, seed $seed"
	[ -n "$got" ] && [ -n "$fsecs" ] && [ "$fsecs" -gt 0 ] && fuzz_note+=", $((got / fsecs)) calls/s"
	[ -n "$got" ] && [ "$got" -ge "$calls" ] || fail+=("fuzzer: ${got:-no} calls of $calls")
	[ "$frc" = 0 ] || fail+=("fuzzer exited with status ${frc:-none}")
	grep -q '^fuzz: STALL' "$log" && fail+=("$(grep -m1 '^fuzz: STALL' "$log") (sysrq w/d/t dumps in the log)")
fi

say "QEMU ran ${elapsed}s; $(grep -m1 '^kp-debug: boot' "$log" || echo 'no boot marker')"
[ -z "$tap_note" ] || say "$tap_note"
[ -z "$fuzz_note" ] || say "$fuzz_note"
if [ -n "$reports" ]; then
	say "kernel reports (first 60 lines; full log: $log):"
	sed -n 's/^\[ *[0-9.]*\] //p' "$log" | grep -nE -A 25 \
		'^(WARNING:|BUG[: ]|Oops|general protection fault|kernel BUG at|list_(add|del) corruption|ODEBUG:|INFO: task .* blocked|INFO: (possible|inconsistent)|rcu: INFO|Kernel panic|kmemleak: [0-9]+ new suspected)' |
		head -n 60
fi
if [ "$leaks" != 0 ]; then
	say "kmemleak (first 40 lines):"
	sed -n '/^kp-debug: kmemleak begin/,/^kp-debug: kmemleak end/p' "$log" | sed -n '2,41p'
fi
if [ ${#fail[@]} != 0 ]; then
	for f in "${fail[@]}"; do echo "[debug] FAIL: $f" >&2; done
	exit 1
fi
say "debug guest clean: no kernel report, no leak"
