#!/usr/bin/env bash
# tests/lab/test-ltgen.sh: bench/ltgen writes valid recordings whose totals, as `lazytrace
# stats --json` reconstructs them, are exactly the ground truth ltgen prints; the dumps read
# them; the same seed gives the same bytes; bad options exit 2 with one line. Host only.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh
lt=build/host/lazytrace
gen=build/host/ltgen

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# same_totals TRUTH-JSON STATS-JSON: "ok", or the keys that differ
same_totals() {
	python3 - "$1" "$2" <<'PY'
import json, sys
truth = json.loads(sys.argv[1])
stats = json.load(open(sys.argv[2]))
keys = ["events", "sections", "nested_sections", "max_depth", "deferred_ptes", "flushes",
        "hazards_confirmed", "hazards_potential", "lost_events", "anomalies"]
bad = [f"{k}: ltgen {truth.get(k)}, stats {stats.get(k)}" for k in keys if truth.get(k) != stats.get(k)]
print("; ".join(bad) or "ok")
PY
}

n=200000
for seed in 1 4242; do
	for tasks in 1 3 8; do
		f="$tmp/s$seed-t$tasks.lt"
		truth=$("$gen" -o "$f" -n $n --seed $seed --tasks $tasks 2>"$tmp/err")
		expect_eq "seed $seed, $tasks tasks: ltgen exits 0" 0 $?
		"$lt" stats --json "$f" >"$tmp/stats.json" 2>"$tmp/err"
		expect_eq "... stats exits 0" 0 $?
		expect_eq "... stats totals are ltgen's" ok "$(same_totals "$truth" "$tmp/stats.json")"
	done
done
# the interesting figures are there at all (else the comparison proves little)
expect_match "hazards, nesting, losses and all events in the mix" \
	'"events":200000,.*"nested_sections":[1-9].*"max_depth":2,.*"hazards_confirmed":[1-9].*"hazards_potential":[1-9].*"lost_events":[1-9].*"anomalies":2' \
	"$truth"

for mode in nested flat; do
	truth=$("$gen" -o "$tmp/$mode.lt" -n 50000 --seed 7 --tasks 4 --nesting $mode)
	"$lt" stats --json "$tmp/$mode.lt" >"$tmp/stats.json"
	expect_eq "--nesting $mode: stats totals are ltgen's" ok "$(same_totals "$truth" "$tmp/stats.json")"
	expect_match "... and no hazard" '"hazards_confirmed":0,"hazards_potential":0' "$truth"
done

f="$tmp/s1-t3.lt"
"$lt" dump --format json "$f" >"$tmp/dump.json" 2>"$tmp/err"
expect_eq "dump --format json exits 0" 0 $?
expect_eq "... nothing on stderr" "" "$(cat "$tmp/err")"
expect_eq "... every line is JSON, the summary last" "summary_last=1" \
	"$(python3 tests/lab/ltjson.py counts "$tmp/dump.json" | grep '^summary_last=')"
"$lt" dump --format text --no-color "$f" >"$tmp/dump.txt" 2>"$tmp/err"
expect_eq "dump --format text exits 0" 0 $?
expect_match "... names the sites from the symbol table" 'enable  enter    depth 1  __zap_vma_range\+0xad8' \
	"$(grep -m1 'enter' "$tmp/dump.txt")"
expect_match "... shows a confirmed hazard with its stack" 'at el0t_64_sync\+0x154' \
	"$(grep -A13 -m1 'HAZARD confirmed' "$tmp/dump.txt" | tail -1)"
expect_match "... and the lost events" 'ANOMALY lost: [0-9]+ events lost' "$(grep -m1 'ANOMALY lost' "$tmp/dump.txt")"

# --comm on a file: the filter knows each tid's name from its task record. s1-t3 has tids 140
# and 147 named munmap-storm and 154 named kworker/u4:2; each task's items are the unfiltered
# dump's for that tid (section numbers aside: they count all tasks' sections).
comm_items() {	# comm_items FILTERED-JSON: "TID:COUNT ..." of the items with a task, or the lines that differ
	python3 - "$tmp/dump.json" "$1" <<'PY'
import json, re, sys
def items(path):
    per = {}
    for line in open(path):
        j = json.loads(line)
        if j.get("tid"):
            per.setdefault(j["tid"], []).append(re.sub(r'"section":[0-9]+,', "", line))
    return per
full, got = items(sys.argv[1]), items(sys.argv[2])
bad = [f"tid {t} differs" for t in got if got[t] != full.get(t)]
print("; ".join(bad) or " ".join(f"{t}:{len(got[t])}" for t in sorted(got)))
PY
}
"$lt" dump --format json --comm kworker/u4:2 "$f" >"$tmp/kw.json" 2>"$tmp/err"
expect_eq "dump --comm kworker/u4:2 exits 0" 0 $?
expect_eq "... only tid 154, all of its items" "154:$(grep -c '"tid":154,' "$tmp/dump.json")" \
	"$(comm_items "$tmp/kw.json")"
"$lt" dump --format json --comm munmap-storm "$f" >"$tmp/ms.json" 2>"$tmp/err"
expect_eq "dump --comm munmap-storm: tids 140 and 147, all of their items" \
	"140:$(grep -c '"tid":140,' "$tmp/dump.json") 147:$(grep -c '"tid":147,' "$tmp/dump.json")" \
	"$(comm_items "$tmp/ms.json")"
"$lt" dump --format json --comm nobody "$f" >"$tmp/none.json" 2>"$tmp/err"
expect_eq "dump --comm nobody: no task's items" "" "$(comm_items "$tmp/none.json")"

"$gen" -o "$tmp/again.lt" -n $n --seed 1 --tasks 3 >/dev/null
expect_eq "same seed, same bytes" same "$(cmp -s "$f" "$tmp/again.lt" && echo same || echo differ)"
"$gen" -o "$tmp/other.lt" -n $n --seed 2 --tasks 3 >/dev/null
expect_eq "another seed, other bytes" differ "$(cmp -s "$f" "$tmp/other.lt" && echo same || echo differ)"
"$gen" -o "$tmp/one.lt" -n 1 >/dev/null
expect_eq "a single event: stats reads it" '"events":1,' "$("$lt" stats --json "$tmp/one.lt" | grep -o '"events":[0-9]*,')"

run() { "$gen" "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }
expect_eq "--help exits 0" 0 "$(run --help)"
expect_match "... and documents --seed" '--seed N' "$(cat "$tmp/out")"
bad() {	# bad NAME EXPECTED-ERROR-REGEX ARGS...
	local name=$1 re=$2
	shift 2
	expect_eq "$name: exit 2" 2 "$(run "$@")"
	expect_match "$name: one-line error" "$re" "$(cat "$tmp/err")"
	expect_eq "$name: exactly one line on stderr" 1 "$(grep -c '' "$tmp/err")"
	expect_eq "$name: nothing on stdout" "" "$(cat "$tmp/out")"
}
bad "no options" '^ltgen: -o FILE and -n EVENTS are required' 
bad "no -n" '^ltgen: -o FILE and -n EVENTS are required' -o "$tmp/x.lt"
bad "zero events" "^ltgen: invalid value '0' for --events" -o "$tmp/x.lt" -n 0
bad "non-numeric events" "^ltgen: invalid value '1x' for --events" -o "$tmp/x.lt" -n 1x
bad "negative seed" "^ltgen: invalid value '-1' for --seed" -o "$tmp/x.lt" -n 5 --seed -1
bad "too many tasks" "^ltgen: invalid value '65' for --tasks" -o "$tmp/x.lt" -n 5 --tasks 65
bad "unknown nesting" "^ltgen: unknown nesting mode 'deep'" -o "$tmp/x.lt" -n 5 --nesting deep
bad "unknown option" "^ltgen: unknown option '--frob'" --frob
bad "missing value" "^ltgen: option '--seed' needs a value" -o "$tmp/x.lt" -n 5 --seed
bad "stray argument" "^ltgen: unexpected argument 'extra'" -o "$tmp/x.lt" -n 5 extra
expect_eq "no file left by the usage errors" "" "$(ls "$tmp"/x.lt 2>/dev/null)"
expect_eq "an existing file is refused: exit 1" 1 "$(run -o "$f" -n 5)"
expect_match "... saying so on one line" 'exists \(use --force to overwrite\)$' "$(cat "$tmp/err")"
expect_eq "--force overwrites it" 0 "$(run -o "$f" -n 5 --force)"

finish
