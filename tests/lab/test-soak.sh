#!/usr/bin/env bash
# tests/lab/test-soak.sh: lazytrace live and record under a continuous munmap + vmalloc +
# seed workload in the guest (debug_pagealloc=on) for LT_SOAK_SECONDS each (default 120),
# with ftrace counting the same events for the same pid in the same run (tests/guest/soak).
#  - no kernel WARNING/BUG/Oops/panic (guest-run's exit status) and both exit 0;
#  - resident memory stays flat: after the first 10 s sample it grows by at most 256 KiB
#    and stays under 32 MiB;
#  - nothing lost silently at the default ring size: received + reported lost covers what
#    ftrace saw being produced (+1: lazytrace's record of the task's name), and any excess
#    in the reported count is within the programs' recursion misses, which are counted
#    before the pid filter can run; the summary's lost count is the one printed on stderr.
#    live runs the workload flat out (a consumer that falls behind loses events and must
#    count them; woken only a quarter full, it keeps up in the lab), record at a steady
#    rate the file can hold.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh
secs=${LT_SOAK_SECONDS:-120}
[[ $secs =~ ^[1-9][0-9]*$ ]] || { echo "LT_SOAK_SECONDS must be whole seconds" >&2; exit 2; }
scratch_out

start=$SECONDS
scripts/guest-run -q --append debug_pagealloc=on --out "$out" --timeout $((2 * secs + 120)) -- sh -c "
	soak live $secs -m 4 -r 1 -s 2 -V 2 -v 256
	soak record $secs -m 2 -r 1 -s 1 -V 1 -v 256 -i 200" >/dev/null 2>&1
expect_eq "guest run exits 0 (no kernel WARNING, BUG, Oops or panic)" 0 $?
echo "     guest run: $((SECONDS - start)) s"
expect_eq "console has no kernel WARNING" 0 "$(grep -cE '^\[ *[0-9.]+\].*(WARNING:|cut here)' "$out/console.log")"

for m in live record; do
	st=$(cat "$out/soak-$m.status" 2>/dev/null)
	echo "     $m: $st"
	val() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$st"; }
	expect_eq "$m: workload and lazytrace exit 0" "0 0" "$(val command) $(val lazytrace)"
	produced=$(val ftrace) events=$(val events) lost=$(val lost) slost=$(val stderr_lost)
	if ! [[ $produced =~ ^[0-9]+$ && $events =~ ^[0-9]+$ && $lost =~ ^[0-9]+$ ]]; then
		fail "$m: status has the counts" "$st"
		continue
	fi
	min=$((secs * 5000))
	expect_eq "$m: the workload produced at least $min events" 1 $((produced >= min))
	expect_eq "$m: summary lost count equals the one on stderr" "$lost" "$slost"
	# lazytrace's switch records are not among ftrace's events: at most the task's switches
	sw=$(val switches)
	expect_eq "$m: received <= produced + 1 + switches ($sw) and produced + 1 <= received + lost" 1 \
		$((events <= produced + 1 + ${sw:-0} && produced + 1 <= events + lost))
	misses=$(sed -n 's/.* \([0-9]*\) while another BPF program ran.*/\1/p' "$out/soak-$m.stderr" | tail -n 1)
	expect_eq "$m: reported losses exceed the real ones by at most the recursion misses (and switch records)" 1 \
		$((events + lost - produced - 1 <= ${misses:-0} + ${sw:-0}))
	IFS=, read -r -a rss <<<"$(val rss_kb)"
	n=${#rss[@]}
	expect_eq "$m: $((secs / 10 - 1)) or more RSS samples" 1 $((n >= secs / 10 - 1))
	if [ "$n" -ge 2 ]; then
		max=0
		for r in "${rss[@]:1}"; do [ "$r" -gt "$max" ] && max=$r; done
		expect_eq "$m: RSS flat after 10 s (${rss[1]} -> max $max KiB, growth <= 256 KiB)" 1 \
			$((max - rss[1] <= 256))
		expect_eq "$m: RSS under 32 MiB (max $max KiB)" 1 $((max < 32768))
	fi
done
finish
