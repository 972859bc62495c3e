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

# expect_match NAME REGEX TEXT
expect_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then pass "$1"; else fail "$1" "'$3' does not match /$2/"; fi
}

finish() {
	printf '%s: %d passed, %d failed\n' "${0##*/}" "$PASSED" "$FAILED"
	[ "$FAILED" -eq 0 ]
}
