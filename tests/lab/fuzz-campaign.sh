#!/usr/bin/env bash
# tests/lab/fuzz-campaign.sh: the long fuzz campaign (`make fuzz-campaign`), outside `make
# check`: each libFuzzer target of tests/fuzz/ for FUZZ_RUNS executions (default 10 million)
# or FUZZ_MAX_SECONDS (default 6 h), both at once at the lowest CPU priority, on a copy of the
# seed corpus in build/fuzz/campaign-NAME/. Any crash, sanitizer report, leak, timeout (5 s)
# or RSS above 1 GiB fails, the input left in build/fuzz/campaign-artifacts-NAME/ (add it to
# tests/fuzz/corpus/NAME/ once fixed: the short pass of `make check` then replays it). Prints
# executions, time and coverage per target, and "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh
runs=${FUZZ_RUNS:-10000000}
secs=${FUZZ_MAX_SECONDS:-21600}
out=build/fuzz

make --no-print-directory -s fuzz-bins || { fail "build the fuzz targets"; finish; exit 1; }
targets=() pids=()
for src in tests/fuzz/fuzz_*.c; do
	t=${src##*/} t=${t%.c}
	name=${t#fuzz_}
	targets+=("$t")
	rm -rf "$out/campaign-$name" "$out/campaign-artifacts-$name"
	mkdir -p "$out/campaign-$name" "$out/campaign-artifacts-$name"
	cp tests/fuzz/corpus/"$name"/* "$out/campaign-$name/"
	nice -n 19 "$out/$t" -runs="$runs" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 \
		-print_final_stats=1 -artifact_prefix="$out/campaign-artifacts-$name/" \
		"$out/campaign-$name" >"$out/campaign-$t.log" 2>&1 &
	pids+=($!)
done
for i in "${!targets[@]}"; do
	t=${targets[$i]}
	wait "${pids[$i]}"
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/campaign-$t.log" | tail -n1)
	took=$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$out/campaign-$t.log" | tail -n1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$out/campaign-$t.log" | tail -n1)
	arts=$(find "$out/campaign-artifacts-${t#fuzz_}" -type f | wc -l)
	if [ "$rc" -eq 0 ] && [ "$arts" -eq 0 ] && [ "${execs:-0}" -ge "$runs" ]; then
		pass "$t: ${execs} executions (${took:-?}s; ${cov}), no crash, leak or timeout"
	elif [ "$rc" -eq 0 ] && [ "$arts" -eq 0 ]; then
		fail "$t: ${execs:-?} executions in the time given, fewer than $runs; no crash, leak or timeout"
	else
		fail "$t: exit $rc after ${execs:-?} executions, $arts artifact(s) in $out/campaign-artifacts-${t#fuzz_}/" \
			"$(grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$out/campaign-$t.log" | head -n 8)"
	fi
done
finish
