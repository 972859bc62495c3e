#!/usr/bin/env bash
# tests/lab/test-fixtures.sh: recordings captured from the lab guest (tests/fixtures/recon/,
# each with how it was made in NAME.how) replayed on the host: the whole of `dump --json`,
# summed up by tests/lab/ltjson.py (counts per item type, per context, per map function,
# hazards, anomalies and the summary), must be what NAME.counts pins, and each recording
# must still show what it was captured for (interrupt context, a switch, a migration, the
# stock kernel's inferred shape). To pin a changed reconstruction on purpose:
#   for f in tests/fixtures/recon/*.lt; do build/host/lazytrace dump "$f" --json --cpu all |
#       tests/lab/ltjson.py counts /dev/stdin >"${f%.lt}.counts"; done
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh

lt=build/host/lazytrace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
for f in tests/fixtures/recon/*.lt; do
	name=$(basename "$f" .lt)
	n=$((n + 1))
	c=$("$lt" dump "$f" --json --cpu all | tests/lab/ltjson.py counts /dev/stdin)
	expect_eq "$name: the timeline is the one pinned in $name.counts" "$(cat "${f%.lt}.counts")" "$c"
	case $name in
	irq*)
		expect_match "$name: interrupt-context items" '^[1-9]' "$(kv "$c" context.irq.map)"
		expect_eq "$name: no anomaly but losses" 0 $(( $(kv "$c" summary.anomalies) - $(kv "$c" anomaly.lost) )) ;;
	migrate*)
		expect_match "$name: switches with lazy MMU state" '^[1-9]' "$(kv "$c" type.switch)"
		expect_eq "$name: no anomaly but losses" 0 $(( $(kv "$c" summary.anomalies) - $(kv "$c" anomaly.lost) ))
		expect_match "$name: both CPUs" '^0,1$' "$("$lt" dump "$f" --json --cpu all |
			python3 -c 'import json,sys; print(",".join(sorted({str(json.loads(l)["cpu"]) for l in sys.stdin if "\"cpu\"" in l and "summary" not in l})))')" ;;
	esac
done
expect_match "fixtures found" '^[1-9]' "$n"

# One run recorded at once with folded records and with --no-fold (tests/fixtures/fold/HOW,
# scripts/capture-fold-fixtures): the reconstruction unfolds what the folded records stand
# for, so both replay to the same timeline, item for item in every task and interrupt
# context, with the same figures; only the records differ, as many fewer as were folded.
d=tests/fixtures/fold
for v in folded unfolded; do
	dump=$("$lt" dump "$d/mixed.$v.lt" --json --cpu all)
	expect_eq "fold $v: the timeline is the one pinned in mixed.$v.counts" \
		"$(cat "$d/mixed.$v.counts")" "$(tests/lab/ltjson.py counts /dev/stdin <<<"$dump")"
	tests/lab/ltjson.py timelines /dev/stdin <<<"$dump" >"$tmp/$v.timelines"
done
fc=$(cat "$d/mixed.folded.counts") uc=$(cat "$d/mixed.unfolded.counts")
expect_eq "fold: the same timelines, item for item ($(wc -l <"$tmp/folded.timelines") lines)" "" \
	"$(diff "$tmp/folded.timelines" "$tmp/unfolded.timelines" | head -5)"
expect_match "fold: calls and updates were folded" '^[1-9]' "$(kv "$fc" summary.unfolded_events)"
expect_eq "fold: records + what they folded = the unfolded recording's records" \
	"$(kv "$uc" summary.events)" $(( $(kv "$fc" summary.events) + $(kv "$fc" summary.unfolded_events) ))
expect_eq "fold: the unfolded recording folded nothing" 0 "$(kv "$uc" summary.unfolded_events)"
expect_match "fold: interrupt-context calls among them" '^[1-9]' "$(kv "$fc" context.irq.map)"
expect_eq "fold: its confirmed hazard" 1 "$(kv "$fc" hazard.confirmed)"
expect_eq "fold: nothing lost on either side" "0 0" "$(kv "$fc" summary.lost_events) $(kv "$uc" summary.lost_events)"
expect_eq "fold: the folded recording says ABI 2, the other ABI 1" "2 1" \
	"$("$lt" stats --json "$d/mixed.folded.lt" | sed -n 's/.*"abi": *\([0-9]*\).*/\1/p' | head -1) $("$lt" stats --json "$d/mixed.unfolded.lt" | sed -n 's/.*"abi": *\([0-9]*\).*/\1/p' | head -1)"

# `compare` and `stats --by function` of real recordings (tests/fixtures/compare/HOW): the
# whole text, as pinned (scripts/capture-compare-fixtures --golden re-pins a changed format).
d=tests/fixtures/compare
golden() {	# golden NAME FILE COMMAND...
	local name=$1 file=$2 diffs
	shift 2
	if diffs=$("$@" 2>&1 | diff -u "$d/$file" -); then
		pass "$name: the output pinned in $d/$file"
	else
		fail "$name: the output pinned in $d/$file" "$(head -8 <<<"$diffs")"
	fi
}
golden "compare 7.2 (3 runs) against 7.3 (3 runs)" 7.2-vs-7.3.txt "$lt" compare "$d/7.2-nested" "$d/7.3-nested"
golden "compare nested against flat (3 runs each)" nested-vs-flat.txt "$lt" compare "$d/7.3-nested" "$d/7.3-flat"
golden "stats --by function" stats-by-function.txt "$lt" stats --by function "$d/7.3-nested/run-1.lt"
finish
