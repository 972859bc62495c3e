#!/usr/bin/env bash
# tests/lab/test-kunit.sh: the kernel's own KUnit suites in the guest, on each kernel version
# the series is for (KVERS, default "7.3 7.2"), booted once per nesting semantics with
# kunit.enable=1 lazy_mmu_nesting=MODE. Their KTAP output (dmesg) is parsed:
#  - lazy_mmu_mode (upstream, mm/tests/lazy_mmu_mode_kunit.c) passes under nested and
#    noflush; under flat it fails exactly twice, both at its KUNIT_EXPECT_TRUE of
#    is_lazy_mmu_mode_active() (after the nested section and after the resume: flat ends the
#    mode there), as the cover letter and Documentation/mm/lazy_mmu_debug.rst say;
#  - lazy_mmu_debug (the series' own, mm/tests/lazy_mmu_debug_kunit.c) passes all its cases
#    under every boot-time semantics (each case selects its own, and restores the boot's);
#  - the boot parameter took effect: the debugfs knob reads it back.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh

scratch_out
debug_cases="nesting_nested nesting_flat nesting_noflush nesting_flat_pause_resume defer_count_from_enable"

# ktap FILE: the KTAP lines of a dmesg, timestamps removed.
ktap() { sed -E 's/^\[ *[0-9]+\.[0-9]+\] //' "$1" 2>/dev/null | tr -d '\r'; }

for kver in ${KVERS:-7.3 7.2}; do
	if ! src=$(KVER=$kver scripts/build-kernel --source 2>/dev/null); then
		fail "$kver: kernel source for the upstream suite's line numbers"
		continue
	fi
	# The line of the upstream suite's one true-expectation (inside its expect_active()).
	line=$(grep -n 'KUNIT_EXPECT_TRUE(test, is_lazy_mmu_mode_active())' \
		"$src/mm/tests/lazy_mmu_mode_kunit.c" | cut -d: -f1)
	for mode in nested flat noflush; do
		g=$out/$kver-$mode
		KVER=$kver scripts/guest-run -q --kernel patched --append "kunit.enable=1 lazy_mmu_nesting=$mode" \
			--out "$g" --timeout 60 -- \
			sh -c 'dmesg >/out/dmesg.txt; cat /sys/kernel/debug/lazy_mmu/nesting >/out/nesting.txt' \
			>"$g.console" 2>&1
		expect_eq "$kver $mode: guest run exits 0 (no WARNING, BUG or Oops)" 0 $?
		expect_eq "$kver $mode: lazy_mmu_nesting=$mode took effect" "$mode" "$(cat "$g/nesting.txt" 2>/dev/null)"
		k=$(ktap "$g/dmesg.txt")
		fails=$(printf '%s\n' "$k" | grep -E '^ +# [a-z_]+: EXPECTATION FAILED at ' | sed -E 's/^ +# //')

		# Upstream suite: one case.
		if [ "$mode" = flat ]; then
			expect_eq "$kver flat: lazy_mmu_mode fails" "not ok" \
				"$(printf '%s\n' "$k" | sed -nE 's/^(not ok|ok) [0-9]+ lazy_mmu_mode$/\1/p')"
			expect_eq "$kver flat: exactly its two expectations that the mode is active, at line $line" \
				"$(printf 'lazy_mmu_mode_active: EXPECTATION FAILED at mm/tests/lazy_mmu_mode_kunit.c:%s\n' "$line" "$line")" \
				"$(printf '%s\n' "$fails" | grep '^lazy_mmu_mode_active:')"
		else
			expect_eq "$kver $mode: lazy_mmu_mode passes" "ok" \
				"$(printf '%s\n' "$k" | sed -nE 's/^(not ok|ok) [0-9]+ lazy_mmu_mode$/\1/p')"
			expect_eq "$kver $mode: lazy_mmu_mode_active passes" "ok" \
				"$(printf '%s\n' "$k" | sed -nE 's/^ +(not ok|ok) [0-9]+ lazy_mmu_mode_active$/\1/p')"
		fi

		expect_eq "$kver $mode: two suites ran (KTAP plan)" "1..2" \
			"$(printf '%s\n' "$k" | grep -A1 -m1 '^KTAP version' | tail -n1)"

		# The series' suite: every case, whatever the boot's semantics.
		expect_eq "$kver $mode: lazy_mmu_debug passes" "ok" \
			"$(printf '%s\n' "$k" | sed -nE 's/^(not ok|ok) [0-9]+ lazy_mmu_debug$/\1/p')"
		for c in $debug_cases; do
			expect_eq "$kver $mode: lazy_mmu_debug $c passes" "ok" \
				"$(printf '%s\n' "$k" | sed -nE "s/^ +(not ok|ok) [0-9]+ $c\$/\\1/p")"
		done
		expect_eq "$kver $mode: lazy_mmu_debug totals" "pass:5 fail:0 skip:0 total:5" \
			"$(printf '%s\n' "$k" | sed -nE 's/^ *# lazy_mmu_debug: (pass:.*)$/\1/p')"
		expect_eq "$kver $mode: no expectation of lazy_mmu_debug failed" "" \
			"$(printf '%s\n' "$fails" | grep -vE '^lazy_mmu_mode_active:')"
	done
done
finish
