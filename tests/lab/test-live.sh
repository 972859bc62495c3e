#!/usr/bin/env bash
# tests/lab/test-live.sh: `lazytrace live` end to end in the lab guest.
#  - patched kernel, debug_pagealloc=on: "seed 8 5" under each nesting mode, exact counts in
#    the scenario's section, the noflush hazard on B's address; ftrace on the same pid in the
#    same run counts what lazytrace must have seen;
#  - a munmap workload shows sections nested through zap_pte_range -> __kernel_map_pages;
#  - a 4 KiB ring buffer: events received + events reported lost = events produced;
#  - stock Debian 7.2, 6.19 and 6.16 kernels: probe and live run in their degraded modes; a
#    workload recorded through fentry/fexit and through kprobes at once gives the same items.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh
. tests/lab/pairs.sh
lt=build/host/lazytrace

scratch_out

scripts/guest-run -q --kernel patched --append debug_pagealloc=on --out "$out/p" --timeout 240 -- sh -c '
	D=/sys/kernel/debug/lazy_mmu
	for m in nested flat noflush; do
		echo $m >$D/nesting
		lazytrace-capture seed-$m --access-probe __free_pages:1:page --all-accesses -- sh -c "echo seed 8 5 >$D/scenario"
		cat $D/scenario >/out/seed-$m.scenario
	done
	echo nested >$D/nesting
	lazytrace-capture seed-kprobes --kprobes -- sh -c "echo seed 8 5 >$D/scenario"
	lazytrace-capture storm -- lazy-workload -m 4 -r 2
	LT_STOP_CONSUMER=0.5 lazytrace-capture overflow --ringbuf-kb 4 --no-default-access -- lazy-workload -m 4 -r 2
	lazytrace probe >/out/probe.txt; echo $? >/out/probe.rc
	(sleep 2; lazy-workload -m 2 -r 1 >/dev/null) &
	lazytrace live --json --comm lazy-workload --duration 5 >/out/comm.json 2>/out/comm.err
	(sleep 2; taskset 1 lazy-workload -m 2 -r 1 >/dev/null; taskset 2 lazy-workload -m 2 -r 1 >/dev/null) &
	lazytrace live --json --cpu 1 --duration 5 >/out/cpu.json 2>/out/cpu.err' >"$out/console.log" 2>&1
expect_eq "patched-kernel guest run exits 0" 0 $?

common="complete=1 disable=2 disable.leave=1 enable=2 enable.enter=1 enable.nest=1 max_depth=2"
for m in nested flat noflush; do
	f=$out/p/seed-$m
	expect_eq "seed-$m: command and lazytrace exit 0, ftrace lost nothing" \
		"command=0 lazytrace=0 ftrace_lost=0" "$(cat "$f.status" 2>/dev/null)"
	expect_eq "seed-$m: tracepoints and fentry/fexit attached (fentry alone on the per-PTE callback), no fallback to kprobes" \
		"tp_btf lazy_mmu_{enable,disable,pause,resume}, lazy_mmu_{defer,flush}|fentry/fexit __kernel_map_pages|fentry/fexit set_memory_valid|fentry pageattr_pte_entry (the update from the walk's masks, no fexit)|tp_btf sched_switch (tasks switched out in a section or with barriers pending)|" \
		"$(sed -n 's/^lazytrace: \(tp_btf\|fentry\|kprobe\/\|loading\)/\1/p' "$f.stderr" | tr '\n' '|')"
	expect_eq "seed-$m: no per-PTE update computed at entry differed from the kernel's" "" \
		"$(grep 'computed at the callback' "$f.stderr")"
	w=$(tests/lab/ltjson.py window "$f.json" scenario_ 2>&1 | tr '\n' ' ')
	case $m in
	nested) want="disable.flush=1 defer=14 flush=2 flushed=14 flush_seq=9,5" ;;
	flat) want="disable.end=1 defer=9 flush=1 flushed=9 flush_seq=9" ;;
	noflush) want="disable.noflush=1 defer=14 flush=1 flushed=14 flush_seq=14" ;;
	esac
	# B's update is the section's one through pageattr_pte_entry (A and C are set_pte_at()s of
	# the scenario's own): the probe read the entry before it, invalid (debug_pagealloc had
	# unmapped the page); no update without that evidence
	for kvp in $common $want pte_was.invalid=1 pte_was.unknown= pte_was.valid= pte_was.same=; do
		expect_eq "seed-$m: ${kvp%%=*} in the scenario's section" "${kvp#*=}" "$(kv "$(tr ' ' '\n' <<<"$w")" "${kvp%%=*}")"
	done
	b=$(sed -n 's/.* b=\(0x[0-9a-f]*\) .*/\1/p' "$f.scenario" 2>/dev/null)
	if [ $m = noflush ]; then
		expect_eq "seed-noflush: exactly one confirmed hazard" 1 "$(kv "$(tr ' ' '\n' <<<"$w")" hazard.confirmed)"
		expect_eq "seed-noflush: ... a translation hazard, by the entry's old value" "translation/entry" \
			"$(kv "$(tr ' ' '\n' <<<"$w")" confirmed_classes)"
		expect_eq "seed-noflush: ... on B's address" "$b" "$(kv "$(tr ' ' '\n' <<<"$w")" confirmed_addrs)"
		expect_eq "seed-noflush: one potential hazard (B handed back still deferred)" 1 \
			"$(kv "$(tr ' ' '\n' <<<"$w")" hazard.potential)"
	else
		expect_eq "seed-$m: no confirmed hazard" "none" "$(kv "$(tr ' ' '\n' <<<"$w")" confirmed_addrs)"
		expect_eq "seed-$m: no potential hazard" 0 "$(kv "$(tr ' ' '\n' <<<"$w")" hazard.potential)"
	fi

	# Whole run of the pid: lazytrace against ftrace, when lazytrace lost nothing.
	c=$(tests/lab/ltjson.py counts "$f.json" 2>&1)
	ft() { awk -v e="$1" '$1 == e { print $2 }' "$f.ftrace" 2>/dev/null; }
	expect_eq "seed-$m: the JSON ends with the summary" 1 "$(kv "$c" summary_last)"
	expect_match "seed-$m: lost events counted" '^[0-9]+$' "$(kv "$c" summary.lost_events)"
	for pair in "map.set_memory_valid lt_entry_set_memory_valid" "map_ret.set_memory_valid lt_ret_set_memory_valid" \
		"map.__kernel_map_pages lt_entry___kernel_map_pages" "map_ret.__kernel_map_pages lt_ret___kernel_map_pages" \
		"type.enable lazy_mmu_enable" "type.disable lazy_mmu_disable" "type.flush lazy_mmu_flush"; do
		set -- $pair
		same_as_ftrace "seed-$m: lazytrace $1 = ftrace $2" "$(ft "$2")" "$(kv "$c" "$1")" \
			"$(kv "$c" summary.lost_events)"
	done
done

# --kprobes: the same facts through kprobes/kretprobes instead of fentry/fexit (the per-PTE
# callback's kprobe alone: our kernel's BTF has the walk's masks).
f=$out/p/seed-kprobes
expect_eq "seed-kprobes: kprobes attached, as asked" \
	"kprobe/kretprobe __kernel_map_pages|kprobe/kretprobe set_memory_valid|kprobe pageattr_pte_entry (the update from the walk's masks, no kretprobe)|" \
	"$(sed -n 's/^lazytrace: \(fentry\|kprobe\/\|kprobe pageattr\)/\1/p' "$f.stderr" | tr '\n' '|')"
expect_eq "seed-kprobes: every value computed at the callback's entry was the kernel's" "" \
	"$(grep 'computed at the callback' "$f.stderr")"
w=$(tests/lab/ltjson.py window "$f.json" scenario_ 2>&1)
for kvp in $common disable.flush=1 defer=14 flush=2 flushed=14 flush_seq=9,5 pte_was.invalid=1 pte_was.unknown=; do
	expect_eq "seed-kprobes: ${kvp%%=*} in the scenario's section" "${kvp#*=}" "$(kv "$w" "${kvp%%=*}")"
done
c=$(tests/lab/ltjson.py counts "$f.json" 2>&1)
same_as_ftrace "seed-kprobes: lazytrace set_memory_valid calls = ftrace's" \
	"$(awk '$1 == "lt_entry_set_memory_valid" { print $2 }' "$f.ftrace")" "$(kv "$c" map.set_memory_valid)" \
	"$(kv "$c" summary.lost_events)"

# The struct page of __kernel_map_pages and of --access-probe FUNC:ARG:page become addresses.
for m in nested flat noflush; do
	c=$(tests/lab/ltjson.py counts "$out/p/seed-$m.json" 2>&1)
	b=$(sed -n 's/.* b=\(0x[0-9a-f]*\) .*/\1/p' "$out/p/seed-$m.scenario" 2>/dev/null)
	expect_match "seed-$m: __kernel_map_pages addresses equal their set_memory_valid's" '^[1-9][0-9]*$' \
		"$(kv "$c" kmp_addr.match)"
	expect_eq "seed-$m: ... with no mismatch" 0 "$(kv "$c" kmp_addr.mismatch)"
	expect_match "seed-$m: --access-probe __free_pages:1:page sees B freed" ",$b," \
		",$(kv "$c" access_addrs.__free_pages),"
done

# The natural workload: munmap nests __kernel_map_pages sections inside zap_pte_range's.
c=$(tests/lab/ltjson.py counts "$out/p/storm.json" 2>&1)
expect_eq "storm: command and lazytrace exit 0, ftrace lost nothing" "command=0 lazytrace=0 ftrace_lost=0" \
	"$(cat "$out/p/storm.status" 2>/dev/null)"
expect_match "storm: nested sections seen" '^[1-9][0-9]*$' "$(kv "$c" summary.nested_sections)"
# A lost event can pair a call with the wrong neighbour: mismatches only count without losses.
mm=$(kv "$c" kmp_addr.mismatch) lost=$(kv "$c" summary.lost_events)
if [ "${mm:-x}" = 0 ] || { [ -n "$mm" ] && [ "$mm" -le "${lost:-0}" ]; }; then
	pass "storm: __kernel_map_pages addresses equal their set_memory_valid's ($(kv "$c" kmp_addr.match) pairs, $mm mismatched, $lost lost)"
else
	fail "storm: __kernel_map_pages addresses equal their set_memory_valid's" "$mm mismatched with $lost lost"
fi
same_as_ftrace "storm: lazytrace __kernel_map_pages calls = ftrace's" \
	"$(awk '$1 == "lt_entry___kernel_map_pages" { print $2 }' "$out/p/storm.ftrace")" "$(kv "$c" map.__kernel_map_pages)" \
	"$(kv "$c" summary.lost_events)"
expect_match "storm: a nested section opened under zap_pte_range (inlined in __zap_vma_range on 7.2)" \
	'^(__zap_vma_range|zap_pte_range|zap_pmd_range|unmap_page_range)' \
	"$(python3 - "$out/p/storm.json" <<'PY'
import json, sys
open_sites = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("type") == "enable" and o.get("depth") == 1:
        open_sites[o["tid"]] = o.get("site", "")
    if o.get("type") == "enable" and o.get("depth") == 2:
        print(open_sites.get(o["tid"], "")); break
PY
)"

# A 4 KiB ring buffer overflows (its consumer stopped for 0.5 s in turn: a running one on the
# other CPU sometimes kept up with it, and nothing was lost to count): what arrived plus what
# was counted lost is what was produced:
# ftrace counts every event lazytrace emits for the pid (a record, or folded into one: a
# set_memory_valid() call in its __kernel_map_pages()'s, a PTE update in its deferral's;
# summary.unfolded_events), plus one LT_TASK record, except the
# switch records, sent only when the task is switched out in a section or with barriers
# pending (ftrace cannot filter on that): at least those that arrived, at most every switch
# out of the task that ftrace saw.
c=$(tests/lab/ltjson.py counts "$out/p/overflow.json" 2>&1)
produced=$(awk '$1 != "sched_switch" { s += $2 } END { print s + 1 }' "$out/p/overflow.ftrace" 2>/dev/null)
sw_all=$(awk '$1 == "sched_switch" { print $2 }' "$out/p/overflow.ftrace" 2>/dev/null)
sw_got=$(kv "$c" type.switch)
lost=$(kv "$c" summary.lost_events)
expect_match "overflow: events were lost" '^[1-9][0-9]*$' "$lost"
got=$(( $(kv "$c" summary.events) + $(kv "$c" summary.unfolded_events) + ${lost:-0} ))
expect_eq "overflow: received + lost ($got) = produced ($produced) + switch records (${sw_got:-0} received, ftrace saw ${sw_all:-0} switches)" \
	1 $(( got >= produced + ${sw_got:-0} && got <= produced + ${sw_all:-0} ))
expect_match "overflow: lazytrace reports the loss" "lost" "$(cat "$out/p/overflow.stderr" "$out/p/overflow.json" 2>/dev/null | grep -i lost | head -1)"

# BPF-side filters: only what matches reaches userspace. The filter sees the current task:
# an interrupt taken while lazy-workload ran passes it and is its CPU's interrupt context
# (comm irq/N) carrying lazy-workload's tid.
expect_eq "--comm lazy-workload: every item is from lazy-workload or an interrupt of it" "ok" \
	"$(python3 - "$out/p/comm.json" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
items = [o for o in objs if o.get("type") not in ("summary", "anomaly") and "comm" in o]
own = [o for o in items if o.get("context") != "irq"]
tids = {o["tid"] for o in own if o["comm"] == "lazy-workload"}
bad = [o for o in own if o["comm"] != "lazy-workload"]
bad += [o for o in items if o.get("context") == "irq" and o["tid"] not in tids]
print("ok" if own and not bad else "items=%d other=%d" % (len(items), len(bad)))
PY
)"
expect_eq "--cpu 1: every item is from CPU 1 (a workload ran on each CPU)" "ok" "$(python3 - "$out/p/cpu.json" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
items = [o for o in objs if o.get("type") not in ("summary",) and "cpu" in o and o.get("type") != "anomaly"]
bad = [o for o in items if o["cpu"] != 1]
print("ok" if items and not bad else "items=%d other=%d" % (len(items), len(bad)))
PY
)"

expect_eq "patched probe exits 0" 0 "$(cat "$out/p/probe.rc" 2>/dev/null)"
expect_match "patched probe: mode tracepoints" '^mode: +tracepoints$' "$(grep '^mode:' "$out/p/probe.txt" 2>/dev/null)"

# Stock kernels: no tracepoints; KFENCE with sample_interval=1 calls set_memory_valid (for
# the allocations of a workload run meanwhile: an idle 6.16 made none in 3 s). A workload
# with secret memory (-S: per-PTE updates of its own, where KFENCE's come from any task) is
# also recorded through fentry/fexit and through kprobes at once (lazytrace-pair): the per-PTE
# callback's kprobe computes the update at entry (6.16: change_page_range, its data argument;
# 6.18+: pageattr_pte_entry, its walk's private data), checked here against fentry/fexit
# reading it at the callback's return (--pte-at-return).
for v in 7.2 6.19 6.16; do
	case $v in 7.2) mode='probes\+lazy_mmu_state' ;; 6.*) mode='probes\+TIF_LAZY_MMU' ;; esac
	case $v in 6.16) cb=change_page_range ;; *) cb=pageattr_pte_entry ;; esac
	scripts/guest-run -q --kernel stock:$v --append kfence.sample_interval=1 --out "$out/s$v" --timeout 160 -- sh -c '
		lazytrace probe >/out/probe.txt; echo $? >/out/probe.rc
		mkfifo /tmp/ready
		lazytrace live --json --duration 3 --ready-fd 3 3>/tmp/ready >/out/live.json 2>/out/live.stderr &
		lp=$!
		read x </tmp/ready
		lazy-workload -m 8 -r 4 >/dev/null
		wait $lp; echo $? >/out/live.rc
		lazytrace-pair kp kprobes -- lazy-workload -m 8 -r 2 -S 64' \
		>"$out/console-$v.log" 2>&1
	expect_eq "stock $v: guest run exits 0" 0 $?
	expect_eq "stock $v: probe exits 0" 0 "$(cat "$out/s$v/probe.rc" 2>/dev/null)"
	expect_match "stock $v: probe reports the degraded mode" "^mode: +$mode\$" "$(grep '^mode:' "$out/s$v/probe.txt" 2>/dev/null)"
	expect_eq "stock $v: live exits 0" 0 "$(cat "$out/s$v/live.rc" 2>/dev/null)"
	expect_match "stock $v: live reports the mode" "mode $mode" "$(cat "$out/s$v/live.stderr" 2>/dev/null)"
	c=$(tests/lab/ltjson.py counts "$out/s$v/live.json" 2>&1)
	expect_match "stock $v: set_memory_valid calls traced" '^[1-9][0-9]*$' "$(kv "$c" map.set_memory_valid)"
	expect_match "stock $v: with the nesting state" '"depth": ?[0-9]' \
		"$(grep '"type": \?"map"' "$out/s$v/live.json" | grep set_memory_valid | head -1)"
	expect_eq "stock $v: probe: the per-PTE update known at the callback's entry" \
		"per-PTE update: known at the callback's entry (page_change_data's masks in BTF): no fexit or kretprobe" \
		"$(grep '^per-PTE update:' "$out/s$v/probe.txt")"
	k=$out/s$v/kp
	expect_eq "stock $v: fentry and kprobe recorders exit 0" "command=0 fentry=0 kprobes=0" "$(cat "$k.status" 2>/dev/null)"
	expect_eq "stock $v: $cb by its kprobe alone" 1 \
		"$(grep -c "^lazytrace: kprobe $cb (the update from the walk's masks, no kretprobe)" "$k.kprobes.stderr")"
	pair_load "kp$v" "$k" fentry kprobes
	cf=$PA ck=$PB
	expect_eq "stock $v: per-PTE updates recorded, at least the secret memory's 64" 1 \
		"$(( $(kv "$ck" type.pte) + 0 >= 64 ))"
	if [ "$PLOST" = 0 ]; then
		pair_same "stock $v: fentry and kprobes" "kp$v" fentry kprobes
	else
		expect_eq "stock $v: $PLOST events lost: as many per-PTE updates on both sides, within them" 1 \
			"$(( $(kv "$cf" type.pte) - $(kv "$ck" type.pte) <= PLOST && $(kv "$ck" type.pte) - $(kv "$cf" type.pte) <= PLOST ))"
	fi
	expect_eq "stock $v: the same deferred PTE updates" "$(kv "$cf" summary.deferred_ptes)" "$(kv "$ck" summary.deferred_ptes)"
done

finish
