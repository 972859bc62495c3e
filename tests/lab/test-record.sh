#!/usr/bin/env bash
# tests/lab/test-record.sh: record and replay, end to end.
#  - one guest run records seed 8 5 under each nesting mode with `live --json --record`: the
#    live JSON stream equals `dump --format json` of the recording, byte for byte;
#  - compare: flat defers exactly 5 fewer PTE updates than nested at the scenario's site;
#    noflush shows the hazard;
#  - Perfetto and SVG output of a real recording are well formed;
#  - kill -9 during record: dump reads every complete chunk and reports truncation (exit 0);
#  - mode 0600, --force, the flight recorder writes the hazard;
#  - record leaves out its own process: a second recorder, told --pid of the first, sees the
#    first one's page mapping (its file writes under debug_pagealloc), the first none of it;
#  - folded records: one run recorded at once with and without --no-fold (lazytrace-pair)
#    replays to the same timeline in every task, from fewer records.
#  - --kprobes: one run recorded at once through fentry/fexit and through kprobes (the per-PTE
#    update computed at its callback's entry) replays to the same timeline; kprobes with and
#    without --no-fold give the same figures.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh
. tests/lab/pairs.sh
lt=build/host/lazytrace
scratch_out
g=$out/g

scripts/guest-run -q --kernel patched --append debug_pagealloc=on --out "$g" --timeout 240 -- sh -c '
	D=/sys/kernel/debug/lazy_mmu
	for m in nested flat noflush; do
		echo $m >$D/nesting
		v=; [ $m = flat ] && v="--file-version 1"
		lazytrace-capture seed-$m --record /out/seed-$m.lt $v -- sh -c "echo seed 8 5 >$D/scenario"
	done
	echo noflush >$D/nesting
	LT_RECORD=1 lazytrace-capture fr --flight-recorder 1 -- sh -c "echo seed 8 5 >$D/scenario"
	echo nested >$D/nesting
	lazytrace record -o /out/usr1.lt --flight-recorder 1 2>/out/usr1.err &
	fr=$!
	sleep 2; lazy-workload -m 1 -r 1 >/dev/null; kill -USR1 $fr; sleep 1
	stat -c %s /out/usr1.lt >/out/usr1.size 2>&1
	kill -INT $fr; wait $fr; echo $? >/out/usr1.rc
	record-kill9 /out/killed.lt >/out/kill9.txt
	stat -c %a /out/seed-nested.lt >/out/mode.txt
	lazytrace record -o /out/seed-nested.lt --duration 1 2>/out/force1.err; echo $? >/out/force1.rc
	stat -c %a /out/seed-nested.lt >>/out/mode.txt
	cp /out/seed-flat.lt /out/forced.lt
	lazytrace record -o /out/forced.lt --force --duration 1 2>/out/force2.err; echo $? >/out/force2.rc
	stat -c %a /out/forced.lt >>/out/mode.txt
	mkfifo /tmp/ra /tmp/rb
	lazytrace record -o /out/self-a.lt --ready-fd 3 3>/tmp/ra 2>/out/self-a.err &
	a=$!
	read -r _ </tmp/ra
	lazytrace record -o /out/self-b.lt --pid $a --ready-fd 3 3>/tmp/rb 2>/out/self-b.err &
	b=$!
	read -r _ </tmp/rb
	lazy-workload -m 4 -r 2 >/dev/null &
	w=$!
	wait $w
	sleep 1
	kill -INT $a; wait $a; echo $? >/out/self-a.rc
	kill -INT $b; wait $b; echo $? >/out/self-b.rc
	echo $a $b $w >/out/self.pids
	echo noflush >$D/nesting
	lazytrace-pair fold-seed fold -- sh -c "echo seed 8 5 >$D/scenario"
	echo nested >$D/nesting
	lazytrace-pair fold-work fold -- lazy-workload -m 4 -r 2 -V 4 -v 1024
	echo noflush >$D/nesting
	lazytrace-pair kprobes-seed kprobes -- sh -c "echo seed 8 5 >$D/scenario"
	lazytrace-pair kfold-seed fold --kprobes -- sh -c "echo seed 8 5 >$D/scenario"
	echo nested >$D/nesting
	lazytrace-pair kprobes-work kprobes -- lazy-workload -m 4 -r 2 -V 4 -v 1024' >"$out/console.log" 2>&1
expect_eq "guest run exits 0" 0 $?

# --file-version 1 (flat): every record 64 bytes, as readers before the packed format read
# (tests/lab/ltseq.py's "format VERSION plain=N packed=M": the events chunks of each kind)
file_format() { tests/lab/ltseq.py "$1" | sed -n 's/^format //p'; }
expect_match "seed-nested: format version 2, events packed, by default" '^2 plain=0 packed=[1-9]' "$(file_format "$g/seed-nested.lt")"
expect_match "seed-flat: --file-version 1 wrote version 1, events plain" '^1 plain=[1-9][0-9]* packed=0$' "$(file_format "$g/seed-flat.lt")"

# Round trip: the same records, shown live and replayed from the file (flat: from version 1).
for m in nested flat noflush; do
	"$lt" dump --format json "$g/seed-$m.lt" >"$out/dump-$m.json" 2>"$out/dump-$m.err"
	expect_eq "dump seed-$m exits 0" 0 $?
	if cmp -s "$out/dump-$m.json" "$g/seed-$m.json" && [ -s "$out/dump-$m.json" ]; then
		pass "seed-$m: live --json equals dump --format json of its recording ($(wc -l <"$out/dump-$m.json") lines)"
	else
		fail "seed-$m: live --json equals dump --format json of its recording" \
			"$(diff "$g/seed-$m.json" "$out/dump-$m.json" | head -3)"
	fi
done

# compare: the scenario's own call site; flat's C updates are not deferred.
site_delta() {	# site_delta A B SITE-PREFIX KEY
	"$lt" compare --json "$1" "$2" | python3 -c '
import json, sys
d = json.load(sys.stdin)
rows = [s for s in d["sites"] if s["site"].startswith(sys.argv[1])]
print(rows[0][sys.argv[2]]["delta"] if len(rows) == 1 else "rows=%d" % len(rows))' "$3" "$4"
}
expect_eq "compare nested flat: flat defers exactly 5 fewer at scenario_write" -5 \
	"$(site_delta "$g/seed-nested.lt" "$g/seed-flat.lt" scenario_write deferred_ptes)"
expect_eq "compare nested noflush: the same deferrals at scenario_write" 0 \
	"$(site_delta "$g/seed-nested.lt" "$g/seed-noflush.lt" scenario_write deferred_ptes)"
expect_eq "compare nested noflush: the hazard shows (confirmed +1)" 1 \
	"$("$lt" compare --json "$g/seed-nested.lt" "$g/seed-noflush.lt" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["hazards_confirmed"]["delta"])')"
"$lt" compare "$g/seed-nested.lt" "$g/seed-flat.lt" --svg "$out/cmp.svg" >"$out/cmp.txt"
expect_eq "compare --svg exits 0" 0 $?
expect_eq "compare --svg writes well-formed XML" ok \
	"$(python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1]); print("ok")' "$out/cmp.svg" 2>&1)"

# Perfetto: JSON, every B has its E on the same track in order, every flow joins events.
"$lt" dump --format perfetto "$g/seed-noflush.lt" >"$out/p.json"
expect_eq "dump --format perfetto exits 0" 0 $?
nhz=$("$lt" stats --json "$g/seed-noflush.lt" | python3 -c 'import json,sys; d=json.load(sys.stdin); t=d.get("totals", d); print(t["hazards_confirmed"] + t["hazards_potential"])')
expect_eq "perfetto: well formed, slices nest, a flow per hazard joins events" "ok hazards=$nhz" "$(python3 - "$out/p.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
stacks, starts, ends, bad = {}, set(), [], []
for e in d["traceEvents"]:
    ph, track = e.get("ph"), (e.get("pid"), e.get("tid"))
    if ph == "B":
        stacks.setdefault(track, []).append(e)
    elif ph == "E":
        st = stacks.get(track)
        if not st or st[-1]["ts"] > e["ts"]:
            bad.append("E without B")
        else:
            st.pop()
    elif ph == "s":
        starts.add(e["id"])
    elif ph == "f":
        ends.append(e["id"])
if any(stacks.values()):
    bad.append("unclosed B")
if any(i not in starts for i in ends):
    bad.append("flow end without start")
print(" ".join(bad) if bad else "ok hazards=%d" % len(ends))
PY
)"
"$lt" dump --format svg "$g/seed-noflush.lt" >"$out/t.svg"
expect_eq "dump --format svg writes well-formed XML" ok \
	"$(python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1]); print("ok")' "$out/t.svg" 2>&1)"

# Crash consistency: kill -9 mid-record.
expect_eq "kill -9: lazytrace was killed" "lazytrace exit 137" "$(head -1 "$g/kill9.txt")"
"$lt" stats "$g/killed.lt" >"$out/killed.txt" 2>"$out/killed.err"
expect_eq "kill -9: stats of the file exits 0" 0 $?
expect_match "kill -9: truncation reported" "^lazytrace: .*killed.lt: truncated after chunk [0-9]+ \([1-9][0-9]* events read\)$" \
	"$(cat "$out/killed.err")"
expect_match "kill -9: what was read is counted" '^events +[1-9][0-9]*$' "$(grep '^events ' "$out/killed.txt")"

# File mode and --force.
expect_eq "recordings are mode 0600 (kill -9, live --record, after --force)" "mode 600|600|600|600|" \
	"$( (sed -n 2p "$g/kill9.txt"; cat "$g/mode.txt") | tr '\n' '|')"
expect_eq "an existing file is not overwritten without --force (exit 1)" 1 "$(cat "$g/force1.rc")"
expect_match "... saying so" "exists \(use --force to overwrite\)$" "$(cat "$g/force1.err")"
expect_eq "--force overwrites (exit 0)" 0 "$(cat "$g/force2.rc")"
expect_eq "... and the old content is gone (cmp: differ)" 1 "$(cmp -s "$g/forced.lt" "$g/seed-flat.lt"; echo $?)"

# Flight recorder: the hazard triggers the write; the file holds it.
expect_match "flight recorder: written on the hazard" "flight recorder: hazard" "$(cat "$g/fr.stderr")"
expect_match "flight recorder: the file has the confirmed hazard" '^hazards_confirmed +1$' \
	"$("$lt" stats "$g/fr.lt" 2>&1 | grep '^hazards_confirmed')"

# Flight recorder on SIGUSR1 (the file exists before the exit), then again at exit.
expect_match "flight recorder: written on SIGUSR1" "flight recorder: SIGUSR1" "$(cat "$g/usr1.err")"
expect_match "... the file exists right after the signal" '^[1-9][0-9]*$' "$(cat "$g/usr1.size")"
expect_eq "... record exits 0 on SIGINT" 0 "$(cat "$g/usr1.rc")"
expect_match "... the file reads to its end, with events" '^events +[1-9][0-9]*$' \
	"$("$lt" stats "$g/usr1.lt" 2>&1 | grep '^events ')"

# record leaves out its own process. Oracle: a second recorder with --pid of the first.
expect_eq "self: both recorders exit 0" "0 0" "$(cat "$g/self-a.rc") $(cat "$g/self-b.rc")"
read -r self_a self_b self_w <"$g/self.pids"
self_pids() {	# self_pids FILE: "pid count" lines of its events
	"$lt" dump --format json "$1" | python3 -c '
import collections, json, sys
recs = (json.loads(l) for l in sys.stdin if l.strip())
c = collections.Counter(r["pid"] for r in recs if r["type"] not in ("anomaly", "summary"))
for p, n in sorted(c.items()):
    print(p, n)'
}
self_pids "$g/self-a.lt" >"$out/self-a.pids"
self_pids "$g/self-b.lt" >"$out/self-b.pids"
expect_eq "self: the first recorder has no event of its own process ($self_a)" "" \
	"$(awk -v p="$self_a" '$1 == p' "$out/self-a.pids")"
expect_match "self: ... but has the second recorder's (another process: $self_b)" \
	"^$self_b [1-9][0-9]*\$" "$(awk -v p="$self_b" '$1 == p' "$out/self-a.pids")"
expect_match "self: ... and has the workload's ($self_w)" "^$self_w [1-9][0-9]*$" \
	"$(awk -v p="$self_w" '$1 == p' "$out/self-a.pids")"
expect_match "self: the second recorder saw the first one's events, and only those" \
	"^$self_a [1-9][0-9]*\$" "$(tr '\n' ' ' <"$out/self-b.pids" | sed 's/ $//')"
expect_match "self: ... its map_pages calls among them (the file's pages)" '^[1-9][0-9]*$' \
	"$("$lt" dump --format json "$g/self-b.lt" | grep -c '"func":"__kernel_map_pages"')"

# Folded records (include/lazytrace.h): the same run recorded at once with folded records and
# with --no-fold. Oracle: the unfolded recording. A task's items are the same, one for one
# (interrupts too when neither recorder missed one: each recorder's programs can miss an
# interrupt's event on their own, counted as lost); the records are fewer by what was folded.
# An unfolded set_memory_valid() return is where its carrier ran (items compared without CPU).
for n in fold-seed fold-work; do
	expect_eq "$n: the workload and both recorders exit 0" "command=0 folded=0 unfolded=0" \
		"$(cat "$g/$n.status" 2>/dev/null)"
	pair_load "$n" "$g/$n" folded unfolded
	if [ "$PLOST" = 0 ]; then
		pair_same "$n" "$n" folded unfolded whole
		expect_eq "$n: records + what they folded = the unfolded recording's records" \
			"$(kv "$PB" summary.events)" $(( $(kv "$PA" summary.events) + $(kv "$PA" summary.unfolded_events) ))
	else
		pair_sums "$n"
	fi
	expect_match "$n: calls and updates were folded" '^[1-9]' "$(kv "$PA" summary.unfolded_events)"
	expect_eq "$n: the --no-fold recording folded nothing" 0 "$(kv "$PB" summary.unfolded_events)"
	[ $n = fold-seed ] &&
		expect_eq "$n: the noflush hazard, found from folded records too" "1 1" \
			"$(kv "$PA" hazard.confirmed) $(kv "$PB" hazard.confirmed)"
done

# --kprobes, in the same run as fentry/fexit with --pte-at-return: the per-PTE callback's
# kprobe computes the update at its entry from the walk's masks (no kretprobe), and folds
# like fentry. The two recordings must be the same timeline: fentry/fexit read the entry
# after the callback wrote it, an independent check of every value computed at entry (as
# the default fentry alone computes it too).
for n in kprobes-seed kprobes-work; do
	expect_eq "$n: the workload and both recorders exit 0" "command=0 fentry=0 kprobes=0" \
		"$(cat "$g/$n.status" 2>/dev/null)"
	expect_eq "$n: the per-PTE callback by its kprobe alone" 1 \
		"$(grep -c "^lazytrace: kprobe pageattr_pte_entry (the update from the walk's masks, no kretprobe)" "$g/$n.kprobes.stderr")"
	expect_eq "$n: --pte-at-return: the per-PTE callback by fentry/fexit" 1 \
		"$(grep -c "^lazytrace: fentry/fexit pageattr_pte_entry$" "$g/$n.fentry.stderr")"
	expect_eq "$n: no value computed at entry differed from the kernel's" "" \
		"$(grep 'computed at the callback' "$g/$n.kprobes.stderr")"
	pair_load "$n" "$g/$n" fentry kprobes
	expect_match "$n: updates were folded through kprobes" '^[1-9]' "$(kv "$PB" summary.unfolded_events)"
	if [ "$PLOST" = 0 ]; then
		pair_same "$n" "$n" fentry kprobes whole
		expect_eq "$n: as many records, as many folded" \
			"$(kv "$PA" summary.events) $(kv "$PA" summary.unfolded_events)" \
			"$(kv "$PB" summary.events) $(kv "$PB" summary.unfolded_events)"
	else
		pair_sums "$n"
	fi
	[ $n = kprobes-seed ] &&
		expect_eq "$n: the noflush hazard, through fentry and through kprobes" "1 1" \
			"$(kv "$PA" hazard.confirmed) $(kv "$PB" hazard.confirmed)"
done
# kprobes with folded records and with --no-fold: the same events (with --no-fold a per-PTE
# update's record is made at the callback's entry, before its deferral's: the timelines order
# them differently, the figures are the same)
n=kfold-seed
expect_eq "$n: the workload and both recorders exit 0" "command=0 folded=0 unfolded=0" \
	"$(cat "$g/$n.status" 2>/dev/null)"
for v in folded unfolded; do
	"$lt" dump --format json --cpu all "$g/$n.$v.lt" >"$out/$n.$v.json"
	eval "c_$v=\$(tests/lab/ltjson.py counts \"\$out/\$n.\$v.json\")"
done
fc=$c_folded uc=$c_unfolded
if [ $(( $(kv "$fc" summary.lost_events) + $(kv "$uc" summary.lost_events) )) = 0 ]; then
	expect_eq "$n: records + what they folded = the --no-fold recording's records" \
		"$(kv "$uc" summary.events)" $(( $(kv "$fc" summary.events) + $(kv "$fc" summary.unfolded_events) ))
	for k in summary.deferred_ptes summary.flushes summary.sections type.pte hazard.confirmed; do
		expect_eq "$n: $k the same" "$(kv "$uc" $k)" "$(kv "$fc" $k)"
	done
else
	expect_eq "$n: events lost: hazards the same" "$(kv "$uc" hazard.confirmed)" "$(kv "$fc" hazard.confirmed)"
fi
expect_eq "$n: the noflush hazard, from folded kprobe records" 1 "$(kv "$fc" hazard.confirmed)"

finish
