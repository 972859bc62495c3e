# shellcheck shell=bash
# tests/lab/pairs.sh: two recordings of one guest run (tests/guest/lazytrace-pair: one
# workload, two recorders at once) read back and compared. Sourced after assert.sh; uses
# $lt (the host's lazytrace) and $out (scratch).

# pair_load NAME PREFIX A B: dumps PREFIX.A.lt and PREFIX.B.lt; leaves their timelines in
# $out/NAME.{A,B}.tl, their counts (ltjson.py counts) in PA and PB, and what both sides lost
# in PLOST. Items are compared without their CPU: the two recorders' programs of one call
# run one after the other, preemptible between them, so the task can move in between.
pair_load() {
	local v

	for v in "$3" "$4"; do
		"$lt" dump --format json --cpu all "$2.$v.lt" >"$out/$1.$v.json"
		tests/lab/ltjson.py timelines "$out/$1.$v.json" |
			sed -E '/^tid/s/ cpu=[0-9]+//' >"$out/$1.$v.tl"
	done
	PA=$(tests/lab/ltjson.py counts "$out/$1.$3.json" 2>&1)
	PB=$(tests/lab/ltjson.py counts "$out/$1.$4.json" 2>&1)
	PLOST=$(( $(kv "$PA" summary.lost_events) + $(kv "$PB" summary.lost_events) ))
}

# pair_same LABEL NAME A B [whole]: with nothing lost, each task's items one for one, and
# with "whole" every item and figure of the timelines, and as many switches. Switches are
# compared by number: a task preempted between the two recorders' programs of one event is
# switched out before it on one side, after it on the other.
pair_same() {
	# two empty timelines would compare equal: each side has items
	expect_match "$1: items on both sides" '^[1-9][0-9]* [1-9][0-9]*$' \
		"$(grep -c '^tid' "$out/$2.$3.tl" 2>/dev/null) $(grep -c '^tid' "$out/$2.$4.tl" 2>/dev/null)"
	expect_eq "$1: nothing lost: each task's items, one for one ($(grep -c '^tid' "$out/$2.$4.tl") items)" "" \
		"$(diff <(grep '^tid' "$out/$2.$3.tl" | grep -v ' type=switch') \
			<(grep '^tid' "$out/$2.$4.tl" | grep -v ' type=switch') | head -4)"
	[ "${5:-}" = whole ] || return 0
	expect_eq "$1: every item and figure the same" "" \
		"$(diff <(grep -v ' type=switch' "$out/$2.$3.tl") <(grep -v ' type=switch' "$out/$2.$4.tl") | head -4)"
	expect_eq "$1: as many switches" "$(kv "$PA" type.switch)" "$(kv "$PB" type.switch)"
}

# pair_sums LABEL: with events lost, records + folded + lost the same on both sides (PA,
# PB), within the recursion misses. An event one side's program missed (another of its
# programs ran on the CPU: an interrupt's, or a task's preempted inside that program) is
# lost on that side only, and what follows may read differently; recursion misses count
# every skipped run, also of programs whose event would not have been a record.
pair_sums() {
	local sa sb rec

	sa=$(( $(kv "$PA" summary.events) + $(kv "$PA" summary.unfolded_events) + $(kv "$PA" summary.lost_events) ))
	sb=$(( $(kv "$PB" summary.events) + $(kv "$PB" summary.unfolded_events) + $(kv "$PB" summary.lost_events) ))
	rec=$(( $(kv "$PA" summary.lost_recursion) + $(kv "$PB" summary.lost_recursion) ))
	expect_eq "$1: $PLOST lost: records + folded + lost the same on both sides ($sa, $sb), within the $rec recursion misses" \
		1 $(( sa - sb <= rec && sb - sa <= rec ))
}
