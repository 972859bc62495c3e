#!/usr/bin/env bash
# tests/lab/test-fuzz.sh: the libFuzzer targets of tests/fuzz/ (fuzz_tracefile: the trace
# file reader and the dump/stats replay; fuzz_recon: ring-buffer records into the
# reconstruction and all four sinks), both at once, on a copy of the seed corpus in
# build/fuzz/. Any crash, sanitizer report, leak, timeout (-timeout=5) or RSS above 1 GiB
# fails; the inputs that did are left in build/fuzz/${FUZZ_NAME}artifacts-TARGET/ (add them to
# tests/fuzz/corpus/TARGET/ once fixed: this pass then replays them).
#   FUZZ_SECONDS  how long each target runs (default 15: the short pass of `make check`;
#                 `make fuzz` passes its own)
#   FUZZ_RUNS     for the long campaign (`make fuzz-campaign`): the executions each target
#                 must reach, within FUZZ_SECONDS; fewer is a failure
#   FUZZ_NICE     CPU niceness of the targets (the campaign: 19)
#   FUZZ_NAME     prefix of the corpus, artifact and log names ("campaign-")
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh
secs=${FUZZ_SECONDS:-15}
runs=${FUZZ_RUNS:-}
pre=${FUZZ_NAME:-}
out=build/fuzz

if ! make --no-print-directory -s fuzz-bins >"$out.build.log" 2>&1; then
	fail "build the fuzz targets" "$(tail -n 20 "$out.build.log")"
	finish
	exit 1
fi
rm -f "$out.build.log"

targets=() pids=()
for src in tests/fuzz/fuzz_*.c; do
	t=${src##*/} t=${t%.c}
	name=${t#fuzz_}
	targets+=("$t")
	rm -rf "$out/${pre}corpus-$name" "$out/${pre}artifacts-$name"
	mkdir -p "$out/${pre}corpus-$name" "$out/${pre}artifacts-$name"
	cp tests/fuzz/corpus/"$name"/* "$out/${pre}corpus-$name/"
	nice -n "${FUZZ_NICE:-0}" "$out/$t" ${runs:+-runs="$runs"} -max_total_time="$secs" \
		-timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix="$out/${pre}artifacts-$name/" "$out/${pre}corpus-$name" \
		>"$out/$pre$t.log" 2>&1 &
	pids+=($!)
done

for i in "${!targets[@]}"; do
	t=${targets[$i]}
	wait "${pids[$i]}"
	rc=$?
	log=$out/$pre$t.log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n1)
	took=$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$log" | grep -oE '[0-9]+ second' | tail -n1)
	# libFuzzer reports a unit as slow by wall-clock time (above 10 s), so a target starved by
	# other work (the campaign runs at nice 19 beside builds and CI) can report one that is not
	# slow. Each is run again, 100 times with the same -timeout: if that passes, the report was
	# the machine's, not the code's; it is shown and set aside, never silently dropped.
	for a in "$out/${pre}artifacts-${t#fuzz_}"/slow-unit-*; do
		[ -e "$a" ] || continue
		# The rerun's log is kept beside the artifacts, not among them (where it would count).
		rerun=$out/$pre$t.rerun-${a##*/}.log
		t0=$(date +%s%N)
		if "$out/$t" -timeout=5 -runs=100 "$a" >"$rerun" 2>&1; then
			ms=$(( ($(date +%s%N) - t0) / 100000000 ))
			mkdir -p "$out/${pre}slow-not-reproduced-${t#fuzz_}"
			mv "$a" "$rerun" "$out/${pre}slow-not-reproduced-${t#fuzz_}/"
			pass "$t: slow-unit report ${a##*/} not reproduced: 100 runs of it in ~$ms ms each ($(grep -oE 'Slowest unit: [0-9]+ s' "$log" | tail -n1) in the campaign, set aside)"
		fi
	done
	arts=$(find "$out/${pre}artifacts-${t#fuzz_}" -type f | wc -l)
	if [ "$rc" -ne 0 ] || [ "$arts" -ne 0 ] || [ -z "$execs" ]; then
		fail "$t: exit $rc after ${execs:-?} executions, $arts artifact(s) in $out/${pre}artifacts-${t#fuzz_}/" \
			"$(grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -n 8)"
	elif [ -n "$runs" ] && [ "$execs" -lt "$runs" ]; then
		fail "$t: ${execs} executions in ${secs} s, fewer than the $runs asked (${cov}); no crash, leak or timeout"
	else
		pass "$t: ${execs} executions in ${took:-$secs s} (${cov}), no crash, leak or timeout"
	fi
done
finish
