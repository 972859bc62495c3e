# shellcheck shell=bash
# tests/lab/assert.sh: assertions for the lab tests (sourced). Each test script ends with
# `finish`, which prints "N passed, M failed" and exits non-zero on any failure.
PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); printf 'ok   %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$1"; [ -z "${2:-}" ] || printf '     %s\n' "$2"; }

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}

# expect_pair NAME "A B": two numbers, equal. A missing or half pair (a run that printed
# nothing to compare) fails: two empty strings are not two equal counts.
expect_pair() {
	if ! printf '%s\n' "$2" | grep -Eq '^-?[0-9]+ -?[0-9]+$'; then
		fail "$1" "not two numbers: '$2'"
	else
		expect_eq "$1" "${2#* }" "${2% *}"
	fi
}

# expect_match NAME REGEX TEXT
expect_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then pass "$1"; else fail "$1" "'$3' does not match /$2/"; fi
}

# same_as_ftrace NAME FTRACE LAZYTRACE LOST: equal when lazytrace lost nothing; otherwise
# lazytrace saw no more than ftrace, and what it missed is within what it reported lost
# (recursion misses: an interrupt's events while one of lazytrace's programs ran).
same_as_ftrace() {
	if [ "${4:-0}" -eq 0 ]; then
		expect_eq "$1 (ftrace: $2)" "$2" "$3"
	elif [ "${3:-0}" -le "${2:-0}" ] && [ $(( ${2:-0} - ${3:-0} )) -le "$4" ]; then
		pass "$1 (ftrace: $2, lazytrace: $3, $4 reported lost)"
	else
		fail "$1" "ftrace $2, lazytrace $3, reported lost $4"
	fi
}

# kv "$facts" KEY: the value of KEY in a listing of KEY=VALUE lines
kv() { sed -n "s/^$2=//p" <<<"$1"; }

# scratch_out: $out, a scratch directory removed at exit (copied to $LT_KEEP first, if set,
# to look at a failed run's files)
scratch_out() {
	out=$(mktemp -d)
	trap '[ -n "${LT_KEEP:-}" ] && cp -r "$out" "$LT_KEEP"; rm -rf "$out"' EXIT
}

# guest_report RC LOG CONSOLE: after a guest-run that ended with a kernel problem or without
# its result (240-246), what it printed (its one-line reason) and the kernel's first report
# from the console it kept (--out: -q does not stream it), so that a run that cannot be
# repeated says why; nothing otherwise
guest_report() {
	[ "$1" -ge 240 ] || return 0
	sed 's/^/     /' "$2"
	grep -a -m1 -B5 -A40 -E '\] (\[ *[TC][0-9]+\] )?(Internal error|Unable to handle|Kernel panic|kernel BUG|BUG:|WARNING:|------------\[ cut here)' \
		"$3" | sed 's/^/     /'
	return 0
}

finish() {
	printf '%s: %d passed, %d failed\n' "${0##*/}" "$PASSED" "$FAILED"
	[ "$FAILED" -eq 0 ]
}
