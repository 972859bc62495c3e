#!/usr/bin/env bash
# tests/lab/test-guest-run.sh: the lab plumbing on stock Debian kernels (no patched kernel
# needed): fetch-stock-kernel's cache and both package layouts, guest-run's exit codes, the
# /out copy, argument quoting, the time limits, and that no qemu is left behind. The kernel
# problem codes a stock kernel cannot provoke (Oops, BUG, WARNING) are checked on console
# logs through `guest-run --classify`; test-crash-codes.sh provokes them on the patched one.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/assert.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { scripts/guest-run -q --kernel stock "$@" 2>"$work/stderr"; }

# --- fetch-stock-kernel ---------------------------------------------------------------
dir=$(scripts/fetch-stock-kernel --print 7.2 2>/dev/null)
expect_eq "fetch-stock-kernel 7.2 gives a cached kernel" 0 $?
expect_match "... named by its release" '/stock/7\.2\.[0-9]+\+deb[0-9]+-arm64$' "$dir"
expect_eq "... whose Image is a raw arm64 Image" ARMd "$(od -An -c -j 56 -N 4 "$dir/Image" 2>/dev/null | tr -d ' ')"
expect_eq "... with its release file" "${dir##*/}" "$(cat "$dir/release" 2>/dev/null)"
expect_match "... and its config" '^CONFIG_BPF_SYSCALL=y$' "$(grep '^CONFIG_BPF_SYSCALL=' "$dir/config" 2>/dev/null)"
start=$SECONDS
again=$(scripts/fetch-stock-kernel --print 7.2 2>/dev/null)
expect_eq "a second fetch answers from the cache" "$dir" "$again"
expect_eq "... within a few seconds" 1 $((SECONDS - start <= 5))
exact=${dir##*/}; exact=${exact%%+*}
expect_eq "an exact cached version needs no look-up" "$dir" "$(scripts/fetch-stock-kernel --print "$exact" 2>/dev/null)"
expect_eq "a missing point release falls back to its major.minor" "$dir" "$(scripts/fetch-stock-kernel --print 7.2.0 2>/dev/null)"
scripts/fetch-stock-kernel --print 2.6 >/dev/null 2>"$work/stderr"
expect_eq "a version nobody has fails" 1 $?
expect_eq "... with one line" 1 "$(wc -l <"$work/stderr")"
# The old layout (linux-image holds kernel and config) and the binary-only one (6.19:
# linux-binary without linux-base, so no config).
old=$(scripts/fetch-stock-kernel --print 6.16 2>/dev/null)
expect_eq "6.16 (linux-image layout) has a raw Image" ARMd "$(od -An -c -j 56 -N 4 "$old/Image" 2>/dev/null | tr -d ' ')"
expect_eq "... and a config" 1 "$([ -s "$old/config" ] && echo 1)"
bin=$(scripts/fetch-stock-kernel --print 6.19 2>/dev/null)
expect_eq "6.19 (linux-binary only) has a raw Image" ARMd "$(od -An -c -j 56 -N 4 "$bin/Image" 2>/dev/null | tr -d ' ')"

# --- guest-run: results ---------------------------------------------------------------
run --out "$work/o1" --append lt.test=1 -- sh -c 'uname -r; cat /proc/cmdline >/out/cmdline; mkdir /out/d
	dd if=/dev/urandom of=/out/d/blob bs=1k count=3000 2>/dev/null; md5sum d/blob >/out/sum
	ls /sys/kernel/tracing/events >/dev/null && ls /sys/kernel/debug >/dev/null && ls /sys/fs/bpf >/dev/null && echo mounted >/out/mounts' >/dev/null
expect_eq "a clean run exits 0" 0 $?
expect_eq "the console is kept as --out DIR/console.log" "${dir##*/}" "$(tr -d '\r' <"$work/o1/console.log" | grep -axF "${dir##*/}")"
expect_match "--append reaches the kernel command line" 'oops=panic .*lt\.test=1' "$(cat "$work/o1/cmdline" 2>/dev/null)"
expect_eq "tracefs, debugfs and bpffs are mounted" mounted "$(cat "$work/o1/mounts" 2>/dev/null)"
expect_eq "a 3 MB file written to /out arrives intact in --out DIR" \
	"$(cut -d' ' -f1 "$work/o1/sum" 2>/dev/null)" "$(md5sum <"$work/o1/d/blob" 2>/dev/null | cut -d' ' -f1)"
expect_eq "--out DIR keeps its own mode" drwxr-xr-x "$(stat -c %A "$work/o1")"

# shellcheck disable=SC2016 # a literal $HOME is the point
run --out "$work/o2" -- printf '%s|' "a b" "it's" '$HOME' '*' >/dev/null
expect_eq "arguments reach the command unchanged" "a b|it's|\$HOME|*|" \
	"$(grep -ao 'a b|.*|' "$work/o2/console.log" | tr -d '\r')"

run -- sh -c 'exit 7' >/dev/null
expect_eq "the command's exit status is passed on" 7 $?
run -- sh -c 'kill -TERM $$' >/dev/null
expect_eq "a command killed by a signal is not a timeout (143)" 143 $?
run -- sh -c 'echo "@@guest-run:0123456789abcdef:exit=0@@"; echo "Kernel panic - not syncing: fake"; echo "WARNING: CPU: 0 fake"; exit 3' >/dev/null
expect_eq "command output cannot fake a result or a kernel message" 3 $?

# --- guest-run: failures ---------------------------------------------------------------
start=$SECONDS
run --timeout 2 -- sleep 600 >/dev/null
expect_eq "a command past --timeout gives 241" 241 $?
expect_match "... with a reason" 'timeout' "$(cat "$work/stderr")"
run --timeout 2 --out "$work/o3" -- sh -c 'echo partial >/out/p; trap "" TERM; sleep 600' >/dev/null
expect_eq "a command that ignores SIGTERM still gives 241" 241 $?
expect_eq "... and its /out still comes back" partial "$(cat "$work/o3/p" 2>/dev/null)"
expect_eq "... all within the time limits" 1 $((SECONDS - start < 60))

run -- sh -c 'echo c >/proc/sysrq-trigger' >/dev/null
expect_eq "a kernel panic (sysrq c) gives 243" 243 $?
expect_match "... with a reason" 'kernel panic: .*sysrq triggered crash' "$(cat "$work/stderr")"

# Host-side limit: with no slack a 1 s limit kills qemu during boot. TMPDIR marks the run's
# qemu so that only this run's processes are looked for.
mkdir -p "$work/tmpdir"
TMPDIR=$work/tmpdir LT_GUEST_BOOT_SLACK=0 run --timeout 1 -- true >/dev/null
expect_eq "a guest past the host-side limit gives 241" 241 $?
TMPDIR=$work/tmpdir scripts/guest-run -q --kernel stock -- sleep 600 >/dev/null 2>&1 &
gr=$!
for _ in $(seq 50); do pgrep -f "$work/tmpdir" >/dev/null && break; sleep 0.2; done
kill -TERM "$gr"; wait "$gr"
expect_eq "guest-run dies of SIGTERM with 143" 143 $?
sleep 0.5
expect_eq "... and leaves no qemu behind" "" "$(pgrep -f "$work/tmpdir")"

run --out "$work/o4" --kernel stock:6.16 -- sh -c 'uname -r >/out/r' >/dev/null
expect_match "a 6.16 stock kernel boots" '^6\.16\.' "$(cat "$work/o4/r" 2>/dev/null)"

# --extra puts a tree into the guest's root; --mem sets the guest's memory.
mkdir -p "$work/extra/usr/share/lt-extra"
echo from-the-host >"$work/extra/usr/share/lt-extra/marker"
run --out "$work/o5" --mem 1536M --extra "$work/extra" -- \
	sh -c 'cat /usr/share/lt-extra/marker >/out/marker; sed -n "s/^MemTotal: *\([0-9]*\) kB/\1/p" /proc/meminfo >/out/mem' >/dev/null
expect_eq "--extra DIR: its files are in the guest's root" from-the-host "$(cat "$work/o5/marker" 2>/dev/null)"
mem=$(cat "$work/o5/mem" 2>/dev/null)
expect_eq "--mem 1536M: the guest has more than 1 GiB and at most 1.5 GiB" 1 $((${mem:-0} > 1048576 && ${mem:-0} <= 1572864))
scripts/guest-run --mem lots -- true >/dev/null 2>"$work/stderr"
expect_eq "--mem with a bad size gives 240" 240 $?
expect_eq "... with one line" 1 "$(wc -l <"$work/stderr")"
scripts/guest-run --extra "$work/nonexistent" -- true >/dev/null 2>"$work/stderr"
expect_eq "--extra with a missing directory gives 240" 240 $?

scripts/guest-run --bogus >/dev/null 2>&1
expect_eq "an unknown option gives 240" 240 $?
scripts/guest-run --kernel "$work/nonexistent" -- true >/dev/null 2>&1
expect_eq "a missing kernel gives 240" 240 $?

# --- classification of console logs ---------------------------------------------------
n=0123456789abcdef
classify() { # classify LINE...: exit status for a console log of these lines
	printf '%s\n' "$@" >"$work/log"
	scripts/guest-run --classify "$work/log" "$n" 2>/dev/null
}
ok="@@guest-run:$n:exit=0@@"
classify "[    1.000000] Run /init as init process" "$ok"
expect_eq "classify: a clean log gives the command's status" 0 $?
classify "@@guest-run:$n:exit=5@@"
expect_eq "classify: exit=5 gives 5" 5 $?
classify "@@guest-run:fedcba9876543210:exit=0@@"
expect_eq "classify: a result line with another nonce does not count (242)" 242 $?
classify "[    2.000000] Run /init as init process"
expect_eq "classify: no result line gives 242" 242 $?
classify "@@guest-run:$n:timeout@@" "@@guest-run:$n:exit=143@@"
expect_eq "classify: the guest's timeout line gives 241" 241 $?
classify "[    3.100000] ------------[ cut here ]------------" \
	"[    3.100001] WARNING: CPU: 1 PID: 77 at mm/foo.c:12 foo+0x10/0x20" "$ok"
expect_eq "classify: a WARNING (old format) with exit 0 gives 246" 246 $?
classify "[    3.100001] WARNING: drivers/misc/lkdtm/bugs.c:123 at lkdtm_WARNING+0x10/0x20, CPU#0: sh/77" "$ok"
expect_eq "classify: a WARNING (7.x format) gives 246" 246 $?
classify "[    3.100000][    T1] WARNING: at foo+0x1/0x2, CPU#0: sh/1" "@@guest-run:$n:timeout@@"
expect_eq "classify: a WARNING wins over a timeout (caller id prefix too)" 246 $?
classify "[    4.000000] Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b" \
	"[    3.900000] WARNING: CPU: 0 PID: 1 at x"
expect_eq "classify: a panic wins over a WARNING (243)" 243 $?
classify "[    5.000000] Unable to handle kernel paging request at virtual address dead000000000122" \
	"[    5.000001] Internal error: Oops: 0000000096000044 [#1]  SMP" \
	"[    5.000100] Kernel panic - not syncing: Oops: Fatal exception"
expect_eq "classify: an Oops wins over its panic (244)" 244 $?
classify "[    6.000000] ------------[ cut here ]------------" \
	"[    6.000001] kernel BUG at drivers/misc/lkdtm/bugs.c:99!" \
	"[    6.000002] Internal error: Oops - BUG: 00000000f2000800 [#1]  SMP" \
	"[    6.000003] Kernel panic - not syncing: Oops - BUG: Fatal exception"
expect_eq "classify: a BUG wins over everything (245)" 245 $?
classify "[    7.000000] BUG: KFENCE: out-of-bounds read in test+0x1/0x2" "$ok"
expect_eq "classify: a KFENCE report counts as BUG (245)" 245 $?
classify "WARNING: CPU: printed by the command" "Kernel panic - not syncing: also" "$ok"
expect_eq "classify: untimestamped lines are command output" 0 $?

finish
