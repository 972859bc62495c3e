#!/usr/bin/env bash
# tests/lab/test-drops.sh: drops that never reach a BPF program are counted by cause, against
# the kernel's own counters read through another interface (patched kernel, debug_pagealloc=on).
#
# Kprobe misses: an access probe on bpf_ringbuf_output, which lazytrace's own kprobe programs
# call while their kprobe runs, so that every such call is a kprobe hit the kernel skips and
# counts (the kprobe is re-entered). ftrace kprobe events placed at the same functions before
# lazytrace starts (not enabled, so nothing is traced) share each kprobe with lazytrace's, and
# the kernel counts a missed hit for every probe at that address: their nmissed, read from
# tracefs's kprobe_profile, is the oracle. lazytrace's summary must give exactly that many
# kprobe misses, and kretprobe misses as the ftrace return probes count them; each loss is
# reported with its cause, and the state across them (an interrupt's or lazytrace's own
# events) is kept: the workload's sections and deferrals are all there, as ftrace's
# tracepoints count them. Per-PTE map and task-name losses are counted the same way in
# src/ and checked by the unit tests (tests/unit/test_recon.c, test_tracefile.c); the guest
# cannot make them happen on demand.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh

scratch_out
lt=build/host/lazytrace

scripts/guest-run -q --kernel patched --append "debug_pagealloc=on" --out "$out/g" --timeout 200 -- \
	env LT_KEEP_TRACE="${LT_KEEP:+1}" sh -c '
	T=/sys/kernel/tracing
	echo 0 >$T/tracing_on
	echo >$T/kprobe_events
	# the functions lazytrace --kprobes attaches kprobes (p) and kretprobes (r) to
	for f in __kernel_map_pages set_memory_valid pageattr_pte_entry clear_page copy_page bpf_ringbuf_output; do
		echo "p:ltm_p_$f $f" >>$T/kprobe_events || echo "cannot place p:$f" >&2
	done
	# (pageattr_pte_entry: a kprobe only, lazytrace knows its update at entry)
	for f in __kernel_map_pages set_memory_valid; do
		echo "r:ltm_r_$f $f" >>$T/kprobe_events || echo "cannot place r:$f" >&2
	done
	cp $T/kprobe_profile /out/profile.before
	# the workload exists, blocked before its exec, before either tracer starts (events are
	# then taken by pid on both sides: ftrace names a pid by its last comm)
	mkfifo /tmp/go /tmp/up /tmp/ready
	sh -c "echo up >/tmp/up; read x </tmp/go; exec lazy-workload -m 4 -r 4 -s 4 >/dev/null" &
	wpid=$!
	read x </tmp/up
	sleep 0.2
	echo 16384 >$T/buffer_size_kb
	echo >$T/trace
	echo $wpid >$T/set_event_pid
	echo 1 >$T/events/lazy_mmu/enable
	echo 1 >$T/tracing_on
	lazytrace record -o /out/kmiss.lt --kprobes --access-probe bpf_ringbuf_output:1 \
		--pid $wpid --ready-fd 3 3>/tmp/ready 2>/out/kmiss.stderr &
	lp=$!
	read x </tmp/ready
	echo go >/tmp/go
	wait $wpid
	sleep 0.3
	kill -INT $lp
	wait $lp
	echo $? >/out/kmiss.rc
	echo 0 >$T/tracing_on
	cp $T/kprobe_profile /out/profile.after
	# the workload'"'"'s tracepoint events (set_event_pid; lazytrace: --pid)
	for e in lazy_mmu_enable lazy_mmu_defer; do
		echo "$e $(grep -c " $e:" $T/trace)"
	done >/out/kmiss.ftrace
	[ -n "${LT_KEEP_TRACE:-}" ] && cp $T/trace /out/kmiss.trace
	cat $T/per_cpu/cpu*/stats | awk "/^overrun:/ { s += \$2 } END { print \"overrun\", s + 0 }" >>/out/kmiss.ftrace
	echo >$T/kprobe_events' >"$out/console.log" 2>&1
expect_eq "guest run exits 0" 0 $?
g=$out/g
expect_eq "record exits 0" 0 "$(cat "$g/kmiss.rc" 2>/dev/null)"
expect_eq "ftrace placed every probe" "" "$(grep 'cannot place' "$out/console.log")"

# kprobe_profile: "name hits missed" per probe event; before lazytrace, nothing missed
missed() { awk -v p="$1" '$1 ~ "^" p { s += $3 } END { print s + 0 }' "$2"; }
expect_eq "before: ftrace's probes missed nothing" "0 0" \
	"$(missed ltm_p_ "$g/profile.before") $(missed ltm_r_ "$g/profile.before")"
kp=$(missed ltm_p_ "$g/profile.after")
krp=$(missed ltm_r_ "$g/profile.after")
expect_match "ftrace counts kprobe misses (lazytrace's programs re-enter bpf_ringbuf_output: ${kp:-?} entry, ${krp:-?} return)" \
	'^[1-9][0-9]*$' "$kp"

sj() { "$lt" stats --json "$g/kmiss.lt" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
expect_eq "stats: lost_kprobe_missed = ftrace's nmissed of its entry probes" "$kp" "$(sj lost_kprobe_missed)"
expect_eq "stats: lost_kretprobe_missed = ftrace's nmissed of its return probes" "$krp" "$(sj lost_kretprobe_missed)"
expect_eq "stats: no ring-full loss, no map-full loss, no name lost" "0 0 0" \
	"$(sj lost_ring_full) $(sj lost_map_full) $(sj lost_names)"
expect_match "record's closing line names the kprobe misses" \
	"^lazytrace: [0-9]+ events lost:.* $kp kprobe hits missed" "$(grep 'events lost' "$g/kmiss.stderr")"

# the misses are reported where they were noticed, with their cause, and keep the state
"$lt" dump --json "$g/kmiss.lt" >"$out/kmiss.json" 2>"$out/dump.err"
expect_eq "dump exits 0" 0 $?
expect_eq "dump: the kprobe-miss anomalies add up to ftrace's count" "$kp" \
	"$(python3 - "$out/kmiss.json" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
print(sum(o["count"] for o in objs if o["type"] == "anomaly" and o.get("cause") == "kprobe_missed"))
PY
)"
c=$(tests/lab/ltjson.py counts "$out/kmiss.json" 2>&1)
ft() { awk -v e="$1" '$1 == e { print $2 }' "$g/kmiss.ftrace"; }
expect_eq "ftrace overwrote nothing" 0 "$(ft overrun)"
expect_match "the workload ran sections (ftrace)" '^[1-9][0-9]*$' "$(ft lazy_mmu_enable)"
same_as_ftrace "enables as ftrace's tracepoint counts them" "$(ft lazy_mmu_enable)" \
	"$(kv "$c" type.enable)" "$(kv "$c" summary.lost_recursion)"
same_as_ftrace "deferrals as ftrace's tracepoint counts them" "$(ft lazy_mmu_defer)" \
	"$(kv "$c" type.defer)" "$(kv "$c" summary.lost_recursion)"
# kprobe misses make no gap; a kretprobe miss (none expected: arm64 takes kprobes with
# interrupts masked, so only lazytrace's own calls re-enter) would make one each
expect_eq "gaps: one per kretprobe-miss report, none for the kprobe misses" \
	"$(python3 - "$out/kmiss.json" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
print(sum(1 for o in objs if o["type"] == "anomaly" and o.get("cause") == "kretprobe_missed"))
PY
)" "$(sj gaps)"

finish
