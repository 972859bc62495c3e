#!/usr/bin/env bash
# tests/lab/test-crash-codes.sh: a provoked kernel oops, WARNING and panic (LKDTM, built into
# the patched kernel) make scripts/guest-run fail with the code for each.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh

provoke() {
	scripts/guest-run --kernel patched --timeout 60 -- \
		sh -c "echo $1 >/sys/kernel/debug/provoke-crash/DIRECT; echo survived" >/dev/null 2>&1
}

provoke EXCEPTION; expect_eq "oops (LKDTM EXCEPTION) exits 244" 244 $?
provoke WARNING;   expect_eq "warning (LKDTM WARNING) exits 246" 246 $?
provoke PANIC;     expect_eq "panic (LKDTM PANIC) exits 243" 243 $?
provoke BUG;       expect_eq "BUG (LKDTM BUG) exits 245" 245 $?

scripts/guest-run --kernel patched --timeout 60 -- true >/dev/null 2>&1
expect_eq "a clean run exits 0" 0 $?

finish
