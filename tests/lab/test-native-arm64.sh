#!/usr/bin/env bash
# tests/lab/test-native-arm64.sh: lazytrace builds natively on arm64 from a clean tree with
# no kernel built, installs, and its man page renders. A copy of the tree (tracked files with
# their uncommitted changes, and new files not ignored) is built with `make all` in a Debian
# arm64 root (scripts/arm64-root) under qemu-user, where no lab kernel exists; the arm64
# binary must run there; `make install DESTDIR=... PREFIX=/usr` installs it and
# `man --warnings -l` renders its page without a warning, naming every command. As root.
# LT_KEEP=1 keeps the scratch copy (inside the root) for inspection.
set -uo pipefail
# A private mount namespace: the proc mount below cannot outlive the test, even killed.
if [ -z "${LT_NATIVE_NS:-}" ] && [ "$(id -u)" -eq 0 ] && unshare --mount --propagation private true 2>/dev/null; then
	LT_NATIVE_NS=1 exec unshare --mount --propagation private "$(readlink -f "$0")" "$@"
fi
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh

if [ "$(id -u)" -ne 0 ]; then
	fail "runs as root" "chroot and mount need root"
	finish
	exit
fi
tmp=$(mktemp -d)
root='' work=''
cleanup() {
	if [ -n "$root" ] && mountpoint -q "$root/proc"; then
		umount "$root/proc" || umount -l "$root/proc"
	fi
	if [ -n "$work" ] && [ -z "${LT_KEEP:-}" ]; then rm -rf "$work"; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the arm64 root (made once and cached; binfmt_misc registration if needed) -----------
t0=$(date +%s)
root=$(scripts/arm64-root 2>"$tmp/err")
rc=$?
t_root=$(( $(date +%s) - t0 ))
if [ $rc -ne 0 ] || [ ! -x "$root/bin/sh" ]; then
	root=
	fail "arm64 root ready (scripts/arm64-root)" "$(grep -v '^ ' "$tmp/err" | tail -n1)"
	finish
	exit
fi
pass "arm64 root ready (scripts/arm64-root, $t_root s)"

# --- a clean copy of the tree inside the root ------------------------------------------
work=$(mktemp -d "$root/tmp/lt-native.XXXXXX")
inner=/tmp/${work##*/}
mkdir "$work/src"
git ls-files -co --exclude-standard --deduplicate -z |
	while IFS= read -r -d '' f; do
		# a tracked file deleted in the working tree is not part of it
		if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
	done | tar --null -T - -cf - | tar -C "$work/src" -xf -
st=("${PIPESTATUS[@]}")
expect_eq "tree copied (git ls-files -co | tar)" "0 0 0 0" "${st[*]}"
expect_eq "... with the Makefile and no build/" "yes no" \
	"$([ -f "$work/src/Makefile" ] && echo yes || echo no) $([ -e "$work/src/build" ] && echo yes || echo no)"

mount -t proc proc "$root/proc"
expect_eq "proc mounted in the root" 0 $?

# in_root CMD: run a shell command in the copy, inside the root, with a clean environment
# (HOME=/root of the root: no lazytrace cache, no kernel).
in_root() {
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LANG=C.UTF-8 TERM=dumb chroot "$root" /bin/bash -c "cd $inner/src && $1"
}

expect_eq "the root runs arm64 programs natively" aarch64 "$(in_root 'uname -m' 2>&1)"
expect_eq "no lazytrace cache in the root" no \
	"$([ -e "$root/root/.cache/lazytrace" ] && echo yes || echo no)"
in_root 'scripts/build-kernel --print' >"$tmp/out" 2>"$tmp/err"
expect_eq "scripts/build-kernel --print fails there (no kernel built)" 1 $?
expect_match "... saying no kernel is built" '^build-kernel: error: no .*kernel .*built from' "$(cat "$tmp/err")"

# --- make all, natively ------------------------------------------------------------------
t0=$(date +%s)
in_root "make -j$(nproc) all" >"$tmp/build.log" 2>&1
rc=$?
t_build=$(( $(date +%s) - t0 ))
expect_eq "make all exits 0 on arm64 without a kernel ($t_build s under qemu-user)" 0 $rc
[ $rc -eq 0 ] || sed 's/^/     | /' "$tmp/build.log" | tail -n 40

bin=$work/src/build/arm64/lazytrace
expect_eq "build/arm64/lazytrace exists" yes "$([ -f "$bin" ] && [ -x "$bin" ] && echo yes || echo no)"
hdr=$(LC_ALL=C readelf -h "$bin" 2>/dev/null)
expect_match "... is an ELF64 aarch64 executable" 'ELF64 AArch64' \
	"$(printf '%s\n' "$hdr" | awk -F: '/Class:|Machine:/ {gsub(/^ +/, "", $2); printf "%s ", $2}')"
printf '     (%s)\n' "$(LC_ALL=C readelf -d "$bin" 2>/dev/null | grep -q NEEDED && echo "dynamically linked" || echo "statically linked")"

lt=build/arm64/lazytrace
in_root "$lt --help" >"$tmp/out" 2>"$tmp/err"
expect_eq "lazytrace --help exits 0 in the root" 0 $?
commands=$(awk '/^commands:/ {c = 1; next} c && /^  [a-z]+ / {printf "%s%s", s, $1; s = " "} c && /^$/ {c = 0}' "$tmp/out")
expect_match "... and lists its commands, probe and live among them" '(^| )probe .*live|live .*probe' "$commands"
in_root "$lt --version" >"$tmp/out" 2>"$tmp/err"
expect_eq "lazytrace --version exits 0" 0 $?
expect_match "... naming the ABI" '^lazytrace [0-9.]+ \(event ABI [0-9]+\)$' "$(cat "$tmp/out")"

# probe: the running kernel is not an arm64 one (qemu-user): a non-zero exit, not a crash,
# and one line saying why (on stderr, or the report's reason: line).
in_root "$lt probe" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_match "lazytrace probe fails without an arm64 kernel (exit 1-127)" '^([1-9]|[1-9][0-9]|1[01][0-9]|12[0-7])$' "$rc"
why=$(grep -c '' "$tmp/err")
[ "$why" -ne 0 ] || why=$(grep -c '^reason:' "$tmp/out")
expect_eq "... with a one-line reason" 1 "$why"
printf '     (exit %d: %s)\n' "$rc" "$(cat "$tmp/err" <(grep '^reason:' "$tmp/out") | head -n1)"

# --- make install and the man page -------------------------------------------------------
in_root "make install DESTDIR=$inner/inst PREFIX=/usr" >"$tmp/install.log" 2>&1
rc=$?
expect_eq "make install DESTDIR=... PREFIX=/usr exits 0" 0 $rc
[ $rc -eq 0 ] || sed 's/^/     | /' "$tmp/install.log" | tail -n 20
inst=$(cd "$work/inst" 2>/dev/null && find . -name lazytrace -type f -perm -u+x | sed 's/^\.//')
expect_match "... installs lazytrace under /usr" '^/usr/s?bin/lazytrace$' "$inst"
expect_eq "... the same binary as build/arm64/lazytrace" same \
	"$(cmp -s "$bin" "$work/inst$inst" && echo same || echo differs)"
man=/usr/share/man/man8/lazytrace.8
expect_eq "... and the man page $man" yes "$([ -f "$work/inst$man" ] && echo yes || echo no)"

in_root "MANWIDTH=80 man --warnings -l $inner/inst$man" >"$tmp/man" 2>"$tmp/err"
expect_eq "man --warnings -l renders it (exit 0)" 0 $?
expect_eq "... without a warning" "" "$(head -c 2000 "$tmp/err")"
expect_match "... with its name section" 'lazytrace' "$(head -n 5 "$tmp/man")"
missing=
for c in $commands; do grep -qw -- "$c" "$tmp/man" || missing+=" $c"; done
expect_eq "... naming every command of --help ($commands)" "" "${missing# }"

printf 'timings: arm64 root %d s, native make all %d s\n' "$t_root" "$t_build"
finish
