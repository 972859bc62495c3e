#!/usr/bin/env bash
# tests/lab/test-fuzz.sh: the libFuzzer targets of tests/fuzz/ (fuzz_tracefile: the trace
# file reader and the dump/stats replay; fuzz_recon: ring-buffer records into the
# reconstruction and all four sinks), each for FUZZ_SECONDS (default 15: the short pass of
# `make check`; `make fuzz` passes its own), both at once, on a copy of the seed corpus in
# build/fuzz/. Any crash, sanitizer report, leak, timeout (-timeout=5) or RSS above 1 GiB
# fails; the inputs that did are left in build/fuzz/artifacts-TARGET/.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh
secs=${FUZZ_SECONDS:-15}
out=build/fuzz

if ! make --no-print-directory -s fuzz-bins >"$out.build.log" 2>&1; then
	fail "build the fuzz targets" "$(tail -n 20 "$out.build.log")"
	finish
	exit 1
fi
rm -f "$out.build.log"

targets=()
for src in tests/fuzz/fuzz_*.c; do
	t=${src##*/} t=${t%.c}
	name=${t#fuzz_}
	targets+=("$t")
	rm -rf "$out/corpus-$name" "$out/artifacts-$name"
	mkdir -p "$out/corpus-$name" "$out/artifacts-$name"
	cp tests/fuzz/corpus/"$name"/* "$out/corpus-$name/"
	"$out/$t" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts-$name/" "$out/corpus-$name" \
		>"$out/$t.log" 2>&1 &
	pids+=($!)
done

for i in "${!targets[@]}"; do
	t=${targets[$i]}
	wait "${pids[$i]}"
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -n1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$out/$t.log" | tail -n1)
	arts=$(find "$out/artifacts-${t#fuzz_}" -type f | wc -l)
	if [ "$rc" -eq 0 ] && [ "$arts" -eq 0 ] && [ -n "$execs" ]; then
		pass "$t: ${execs} executions in ${secs} s (${cov}), no crash, leak or timeout"
	else
		fail "$t: exit $rc after ${execs:-?} executions, $arts artifact(s) in $out/artifacts-${t#fuzz_}/" \
			"$(grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$out/$t.log" | head -n 8)"
	fi
done
finish
