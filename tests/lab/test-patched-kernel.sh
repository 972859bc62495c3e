#!/usr/bin/env bash
# tests/lab/test-patched-kernel.sh: the kernel series and the lab kernel, end to end, on each
# kernel version the series is for (KVERS, default "7.3 7.2"):
#  - the series applies to the fetched source; checkpatch.pl --strict reports exactly what
#    the cover letter explains (scripts/build-kernel --check);
#  - booted with debug_pagealloc=on, "seed 8 5" under each nesting mode produces exactly the
#    lazy_mmu ftrace events that N=8, M=5 predict (the README's table);
#  - the debugfs files reject bad input with EINVAL;
#  - the scenario refuses to run without debug_pagealloc.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh

scratch_out

# kernel_checks VERSION: everything above, on the patched kernel of that version.
kernel_checks() {
	local kv=$1 out=$out/$1 src b bad m other
	mkdir -p "$out"
	if scripts/build-kernel --check >"$out/check.log" 2>&1; then
		pass "$kv: series applies, checkpatch --strict reports only what the cover letter explains"
	else
		fail "$kv: series applies, checkpatch --strict reports only what the cover letter explains" "$(tail -5 "$out/check.log")"
	fi

	# KSRC: a user's own tree (here: the fetched source, as a stand-in) takes the series too.
	src=$(scripts/build-kernel --source 2>/dev/null)
	if KSRC=$src scripts/build-kernel --check >"$out/ksrc.log" 2>&1; then
		pass "$kv: KSRC=<own $kv tree>: the series applies, checkpatch as explained"
	else
		fail "$kv: KSRC=<own $kv tree>: the series applies, checkpatch as explained" "$(tail -3 "$out/ksrc.log")"
	fi
	other=7.2
	[ "$kv" != 7.2 ] || other=7.3
	expect_match "$kv: KSRC=<a $other tree>: one-line error, exit 1" \
		"^build-kernel: error: KSRC=.* is Linux $other, not KVER=$kv rc=1$" \
		"$(KSRC=$(KVER=$other scripts/build-kernel --source 2>/dev/null) scripts/build-kernel --check 2>&1 | tr -d '\n'; echo " rc=${PIPESTATUS[0]}")"
	# Each patch on its own (a few minutes per version unless the verdict is cached).
	if scripts/build-kernel --bisect >"$out/bisect.log" 2>&1; then
		pass "$kv: each patch builds on its own ($(grep -c 'builds on its own:' "$out/bisect.log") of 6 steps built now, or a cached verdict)"
	else
		fail "$kv: each patch builds on its own" "$(tail -5 "$out/bisect.log")"
	fi
	expect_match "$kv: KSRC=/nonexistent: one-line error, exit 1" "^build-kernel: error: KSRC=/nonexistent is not a Linux source tree rc=1$" \
		"$(KSRC=/nonexistent scripts/build-kernel --check 2>&1 | tr -d '\n'; echo " rc=${PIPESTATUS[0]}")"

	scripts/guest-run --kernel patched --append debug_pagealloc=on --out "$out/g" --timeout 120 -- \
		sh -c 'for m in nested flat noflush; do lazy-mmu-seed-counts $m 8 5 || exit 1; done; lazy-mmu-bad-input >/out/bad-input.txt' \
		>"$out/console.log" 2>&1
	expect_eq "$kv: guest run exits 0" 0 $?

	# N=8 updates (A), the page made valid in the nested section (B), M=5 updates (C).
	#  nested:  the nested disable flushes A+B (9), the outer leave flushes C (5);
	#  flat:    the nested disable ends the section after A+B (9); C is immediate, never deferred;
	#  noflush: nothing is flushed before the outer leave, which completes all 14.
	common="complete=1 enable=2 enter=1 nest=1 disable=2 leave=1"
	expect_eq "$kv: nested counts" "mode=nested $common disable_flush=1 end=0 noflush=0 max_depth=2 defer=14 flush_events=2 flushed=14 flush_seq=9,5" \
		"$(cat "$out/g/counts-nested.txt" 2>/dev/null)"
	expect_eq "$kv: flat counts" "mode=flat $common disable_flush=0 end=1 noflush=0 max_depth=2 defer=9 flush_events=1 flushed=9 flush_seq=9" \
		"$(cat "$out/g/counts-flat.txt" 2>/dev/null)"
	expect_eq "$kv: noflush counts" "mode=noflush $common disable_flush=0 end=0 noflush=1 max_depth=2 defer=14 flush_events=1 flushed=14 flush_seq=14" \
		"$(cat "$out/g/counts-noflush.txt" 2>/dev/null)"

	defer() { sed -n 's/.* defer=\([0-9]*\) .*/\1/p' "$out/g/counts-$1.txt" 2>/dev/null; }
	expect_eq "$kv: flat defers exactly 5 fewer barriers than nested" 5 $(( $(defer nested) - $(defer flat) ))

	for m in nested flat noflush; do
		expect_match "$kv: scenario file reads back the $m run" \
			"^seed n=8 m=5 nesting=$m pid=[0-9]+ status=0 a=0xf[0-9a-f]+ b=0xf[0-9a-f]+ c=0xf[0-9a-f]+$" \
			"$(cat "$out/g/scenario-$m.txt" 2>/dev/null)"
	done

	# B is the page made valid in the nested section: its PTE is the one deferred there.
	b=$(sed -n 's/.* b=\(0x[0-9a-f]*\) .*/\1/p' "$out/g/scenario-noflush.txt" 2>/dev/null)
	expect_match "$kv: noflush trace defers a PTE in pageattr_pte_entry (B)" "caller=pageattr_pte_entry" \
		"$(grep 'lazy_mmu_defer:' "$out/g/trace-noflush.txt" 2>/dev/null | grep -v 'caller=scenario_' | head -n1)"
	[ -n "$b" ] || fail "$kv: scenario reports B's address"

	bad=$(cat "$out/g/bad-input.txt" 2>/dev/null)
	for v in "bogus" "" "nested flat" "NESTED"; do
		expect_match "$kv: nesting rejects '$v'" "^nesting '$v' Invalid argument$" "$(printf '%s\n' "$bad" | grep -F "nesting '$v' ")"
	done
	for v in flat noflush nested; do
		expect_match "$kv: nesting accepts '$v'" "^nesting '$v' ok$" "$(printf '%s\n' "$bad" | grep -F "nesting '$v' ")"
	done
	for v in "" "seed1" "seed 1" "seed 1 2 3" "seed -1 2" "seed x 2" "seed 513 1" "seed 1 513" "seeds 1 2" \
		"seed 1 2 sleepy" "seed sleep" "seed 1 2 sleep 3"; do
		expect_match "$kv: scenario rejects '$v'" "^scenario '$v' Invalid argument$" "$(printf '%s\n' "$bad" | grep -F "scenario '$v' ")"
	done
	expect_match "$kv: scenario accepts 'seed 0 0'" "^scenario 'seed 0 0' ok$" "$(printf '%s\n' "$bad" | grep -F "scenario 'seed 0 0' ")"
	expect_match "$kv: scenario accepts 'seed 0 0 sleep'" "^scenario 'seed 0 0 sleep' ok$" "$(printf '%s\n' "$bad" | grep -F "scenario 'seed 0 0 sleep' ")"
	expect_match "$kv: 'seed' alone runs N=4 M=4" "^scenario now seed n=4 m=4 nesting=nested .* status=0 " \
		"$(printf '%s\n' "$bad" | grep '^scenario now')"

	scripts/guest-run --kernel patched --timeout 60 -- sh -c 'echo seed >/sys/kernel/debug/lazy_mmu/scenario' \
		>"$out/console2.log" 2>&1
	expect_eq "$kv: scenario without debug_pagealloc fails (exit 1)" 1 $?
	expect_match "$kv: ... with EOPNOTSUPP" "Not supported|Operation not supported" "$(grep -i 'write error' "$out/console2.log")"
}

KVERS=${KVERS:-7.3 7.2}
for kver in $KVERS; do
	KVER=$kver kernel_checks "$kver"
done
finish
