#!/usr/bin/env bash
# tests/lab/test-busy.sh: the reconstruction on a busy machine, end to end in the lab guest
# (patched kernel, debug_pagealloc=on, kfence.sample_interval=1), each figure against an
# oracle that does not go through src/:
#  - migration: a workload moved from CPU to CPU every 500 us (lazy-workload -M), under each
#    nesting mode, recorded with ftrace on the same pid: counts equal ftrace's, no anomaly, no
#    hazard, and `dump --cpu N` is the unfiltered output's items on CPU N, item for item (a
#    64 MiB ring buffer: a recorder starved of CPU on a loaded host lost 11 records from the
#    default 8 MiB once, and the counts are exact only without ring-full losses);
#  - interrupts: sections, nested sections and max depth equal what the lazy_mmu tracepoints
#    say in ftrace's trace of the same run, map calls in interrupt context (ftrace's context
#    flags) equal lazytrace's interrupt-context items, and nothing is an anomaly;
#  - forced losses (4 and 16 KiB ring buffers, the recorder stopped for 0.2 s and resumed for
#    0.2 s in turn while the workload runs, so that records follow the holes): the losses reported per CPU, with place and
#    count, are the holes of each CPU's sequence numbers that tests/lab/ltseq.py reads from the
#    file; their sum is what BPF counted; no hazard spans a hole on its CPU;
#  - the flight recorder (1 MiB, wrapped many times, two windows; the workload on CPU 0): one
#    EVICTED gap before each window, exactly the numbers missing from CPU 0's sequence there;
#  - a section that sleeps ("seed 8 5 sleep" under noflush): switched out with its barriers
#    pending, the switch makes them visible (7.2's __switch_to dsb), so the access to B that
#    is a confirmed hazard without the sleep is none with it; ftrace shows the switch.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh

scratch_out
lt=build/host/lazytrace

scripts/guest-run -q --kernel patched --append "debug_pagealloc=on kfence.sample_interval=1" \
	--out "$out/g" --timeout 400 -- sh -c '
	D=/sys/kernel/debug/lazy_mmu
	for m in nested flat noflush; do
		echo $m >$D/nesting
		LT_RECORD=1 lazytrace-capture migrate-$m --ringbuf-kb 65536 -- lazy-workload -m 4 -r 4 -s 2 -M 500
	done
	echo nested >$D/nesting
	LT_KEEP_TRACE=1 lazytrace-capture irq -- lazy-workload -m 8 -r 4 -f 10 -V 4
	echo noflush >$D/nesting
	for kb in 4 16; do
		LT_RECORD=1 LT_STOP_CONSUMER=0.2 lazytrace-capture loss$kb --ringbuf-kb $kb --no-default-access \
			-- lazy-workload -m 4 -r 4 -s 20
	done
	# a section switched out with its barriers pending (the scenario sleeps before clear_page)
	for sl in "" " sleep"; do
		LT_KEEP_TRACE=1 lazytrace-capture "sleep-noflush${sl:+-sleep}" -- sh -c "echo seed 8 5$sl >$D/scenario"
	done
	echo nested >$D/nesting
	mkfifo /tmp/fr.ready
	lazytrace record -o /out/flight.lt --flight-recorder 1 --no-default-access --ready-fd 3 \
		--comm lazy-workload 3>/tmp/fr.ready 2>/out/flight.stderr &
	lp=$!
	read x </tmp/fr.ready
	taskset 1 lazy-workload -m 16 -r 4 >/dev/null
	kill -USR1 $lp
	sleep 1
	taskset 1 lazy-workload -m 16 -r 4 >/dev/null
	kill -INT $lp
	wait $lp
	echo $? >/out/flight.rc' >"$out/console.log" 2>&1
rc=$?
expect_eq "guest run exits 0" 0 $rc
guest_report $rc "$out/console.log" "$out/g/console.log"

# ---------------------------------------------------------------- migration and --cpu
for m in nested flat noflush; do
	f=$out/g/migrate-$m
	expect_eq "migrate-$m: command and lazytrace exit 0, ftrace lost nothing" \
		"command=0 lazytrace=0 ftrace_lost=0" "$(cat "$f.status" 2>/dev/null)"
	"$lt" dump "$f.lt" --json --cpu all >"$f.json" 2>"$f.dump.err"
	expect_eq "migrate-$m: dump exits 0" 0 $?
	c=$(tests/lab/ltjson.py counts "$f.json" 2>&1)
	ft() { awk -v e="$1" '$1 == e { print $2 }' "$f.ftrace" 2>/dev/null; }
	for pair in "type.enable lazy_mmu_enable" "type.disable lazy_mmu_disable" "type.defer lazy_mmu_defer" \
		"type.flush lazy_mmu_flush" "map.set_memory_valid lt_entry_set_memory_valid" \
		"map.__kernel_map_pages lt_entry___kernel_map_pages"; do
		set -- $pair
		same_as_ftrace "migrate-$m: lazytrace $1 = ftrace $2" "$(ft "$2")" "$(kv "$c" "$1")" \
			"$(kv "$c" summary.lost_recursion)"
	done
	expect_eq "migrate-$m: no ring-full loss, no anomaly but recursion misses" \
		"0 0" "$(kv "$c" summary.lost_ring_full) $(( $(kv "$c" summary.anomalies) - $(kv "$c" anomaly.lost) ))"
	# seed 8 5 gives one confirmed hazard under noflush (B touched while deferred), none else.
	# A seed's section the migrations switched out (each switch's dsb makes the pending
	# updates visible: "made_visible") may have had B made visible before clear_page touched
	# it: then no hazard is right, so only a section no switch made anything visible in
	# must have its hazard, and one that did at most one.
	w=$(tests/lab/ltjson.py windows "$f.json" scenario_write 2>&1)
	if [ $m = noflush ]; then
		sv=$(kv "$w" switched_visible)
		expect_eq "migrate-$m: 2 seeds; each one unswitched has one confirmed hazard, a switched one at most one" \
			"2 0 $((2 - ${sv:-0})) ok" "$(kv "$w" windows) $(kv "$w" unswitched_without_hazard) $( \
			kv "$w" hazard.confirmed.unswitched) $( \
			[ "$(kv "$w" hazard.confirmed.switched)" -le "${sv:-0}" ] && echo ok)"
		expect_eq "migrate-$m: the run's confirmed hazards are the seeds' ($(kv "$w" switched_visible) of 2 switched)" \
			"$(( $(kv "$w" hazard.confirmed.switched) + $(kv "$w" hazard.confirmed.unswitched) ))" \
			"$(kv "$c" summary.hazards_confirmed)"
	else
		expect_eq "migrate-$m: 2 seeds, no confirmed hazard" "2 0" \
			"$(kv "$w" windows) $(kv "$c" summary.hazards_confirmed)"
	fi
	# the workload's own items (--pid: the workload only): both CPUs, and many moves
	expect_match "migrate-$m: the workload moved between the CPUs" '^cpus=2 moves=([1-9][0-9]+)$' \
		"$(python3 - "$f.json" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
wl = [o for o in objs if o["type"] not in ("summary", "anomaly") and o.get("context") is None]
moves = sum(1 for a, b in zip(wl, wl[1:]) if a["cpu"] != b["cpu"])
print("cpus=%d moves=%d" % (len({o["cpu"] for o in wl}), moves))
PY
)"
	for cpu in 0 1; do
		"$lt" dump "$f.lt" --json --cpu $cpu >"$f.cpu$cpu.json" 2>/dev/null
		expect_eq "migrate-$m: dump --cpu $cpu is the unfiltered output's items on CPU $cpu, item for item" "same" \
			"$(python3 - "$f.json" "$f.cpu$cpu.json" $cpu <<'PY'
import json, sys
full = [l for l in open(sys.argv[1]) if '"type":"summary"' not in l]
sel = [l for l in open(sys.argv[2]) if '"type":"summary"' not in l]
cpu = int(sys.argv[3])
# losses are the machine's, kept whatever the CPU; all else: what happened on CPU N
want = [l for l in full if json.loads(l).get("cpu") == cpu or '"kind":"lost"' in l]
if want == sel and sel:
    print("same")
else:
    n = next((i for i, (a, b) in enumerate(zip(want, sel)) if a != b), min(len(want), len(sel)))
    print("%d kept, %d expected; first difference at %d: %s / %s" % (len(sel), len(want), n,
          sel[n].strip() if n < len(sel) else "-", want[n].strip() if n < len(want) else "-"))
PY
)"
	done
done

# ---------------------------------------------------------------- a section that sleeps
# noflush, seed 8 5: without the sleep, clear_page() touches B while its barrier is deferred
# (one confirmed hazard); with it, the task is switched out with A's 8 and B's deferrals
# pending, and 7.2's __switch_to() issues dsb(ish) before the task runs again: B is visible
# to the walker by the time clear_page() touches it, so no confirmed hazard (the potential
# one, at the hand-back of B before the sleep, stands).
for v in sleep-noflush sleep-noflush-sleep; do
	f=$out/g/$v
	expect_eq "$v: command and lazytrace exit 0, ftrace lost nothing" \
		"command=0 lazytrace=0 ftrace_lost=0" "$(cat "$f.status" 2>/dev/null)"
done
w0=$(tests/lab/ltjson.py window "$out/g/sleep-noflush.json" scenario_write 2>&1)
w1=$(tests/lab/ltjson.py window "$out/g/sleep-noflush-sleep.json" scenario_write 2>&1)
expect_eq "without the sleep: one confirmed hazard, no switch before the access" "1 1 0" \
	"$(kv "$w0" hazard.confirmed) $(kv "$w0" hazard.potential) $(kv "$w0" made_visible_before_access)"
expect_eq "with the sleep: the same section (2 enables, 14 deferrals, one flush of 14)" \
	"2 14 14" "$(kv "$w1" enable) $(kv "$w1" defer) $(kv "$w1" flush_seq)"
expect_eq "with the sleep: switched out with A's 8 and B pending, all 9 made visible before the access" \
	"9" "$(kv "$w1" made_visible_before_access)"
expect_eq "with the sleep: no confirmed hazard, B's potential one stands" "0 1" \
	"$(kv "$w1" hazard.confirmed) $(kv "$w1" hazard.potential)"
# ftrace's sched_switch of the task, in uninterruptible sleep (prev_state=D) in the section:
# the oracle that it was switched out there
expect_match "with the sleep: ftrace shows the task switched out asleep (prev_state=D)" \
	'prev_state=D ' "$(grep 'sched_switch:' "$out/g/sleep-noflush-sleep.trace" 2>/dev/null | grep -m1 'prev_state=D ')"
expect_eq "with the sleep: lazytrace's switch items are within ftrace's switches of the task" "ok" \
	"$(sw=$(awk '$1 == "sched_switch" { print $2 }' "$out/g/sleep-noflush-sleep.ftrace"); \
	   [ "$(kv "$w1" switch)" -ge 1 ] && [ "$(kv "$w1" switch)" -le "${sw:-0}" ] && echo ok)"

# ---------------------------------------------------------------- interrupts
f=$out/g/irq
expect_eq "irq: command and lazytrace exit 0, ftrace lost nothing" "command=0 lazytrace=0 ftrace_lost=0" \
	"$(cat "$f.status" 2>/dev/null)"
# From ftrace's own trace: the tracepoints' actions and counts, and the context flags of each
# event (hard/soft interrupt, NMI, or bottom halves off: the kernel's in_interrupt()).
oracle=$(python3 - "$f.trace" <<'PY'
import re, sys
sec = nested = depth = irq_map = irq_ign = 0
line_re = re.compile(r"\[\d+\]\s+(\S+)\s+[\d.]+:\s+(\S+):\s*(.*)")
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    m = line_re.search(line)
    if not m:
        continue
    flags, ev, rest = m.group(1), m.group(2).rstrip(":"), m.group(3)
    irq = flags[2:3] in ("h", "s", "H", "z", "Z") or flags[0:1] in ("b", "D")
    if ev == "lazy_mmu_enable":
        a = re.search(r"action=(\S+)", rest).group(1)
        ec = int(re.search(r"enable_count=(\d+)", rest).group(1))
        if a in ("enter", "nest"):
            sec += 1
            nested += a == "nest"
            depth = max(depth, ec)
        irq_ign += a == "ignored_irq"
    elif ev in ("lt_entry___kernel_map_pages", "lt_entry_set_memory_valid") and irq:
        irq_map += 1
print("sections=%d nested=%d max_depth=%d irq_map=%d irq_ignored=%d" % (sec, nested, depth, irq_map, irq_ign))
PY
)
mine=$(python3 - "$f.json" <<'PY'
import json, sys
st, irq_map, irq_ign, other = {}, 0, 0, 0
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["type"] == "summary":
        st = o
    elif o["type"] == "anomaly":
        other += o["kind"] != "lost"
    elif o.get("context") == "irq":
        irq_map += o["type"] == "map"
        irq_ign += o["type"] == "enable" and o.get("action") == "ignored_irq"
print("sections=%d nested=%d max_depth=%d" % (st.get("sections", -1), st.get("nested_sections", -1),
      st.get("max_depth", -1)))
print("irq_map=%d irq_ignored=%d" % (irq_map, irq_ign))
print("anomalies=%d lost_ring_full=%d" % (other, st.get("lost_ring_full", -1)))
print("lost_recursion=%d" % st.get("lost_recursion", -1))
PY
)
expect_eq "irq: sections, nested sections, max depth = the tracepoints' in ftrace" \
	"${oracle%% irq_map=*}" "$(sed -n 1p <<<"$mine")"
rec=$(sed -n 's/^lost_recursion=//p' <<<"$mine")
for k in irq_map irq_ignored; do
	same_as_ftrace "irq: $k (interrupt-context events, by ftrace's context flags)" \
		"$(sed -n "s/.*$k=\([0-9]*\).*/\1/p" <<<"$oracle")" "$(sed -n "s/.*$k=\([0-9]*\).*/\1/p" <<<"$mine")" "$rec"
done
expect_match "irq: interrupt-context map calls happened (the check is not empty)" 'irq_map=[1-9]' "$oracle"
expect_eq "irq: no anomaly, nothing lost with the ring full" "anomalies=0 lost_ring_full=0" "$(sed -n 3p <<<"$mine")"

# ---------------------------------------------------------------- forced losses
for kb in 4 16; do
	f=$out/g/loss$kb
	expect_match "loss$kb: command and lazytrace exit 0" '^command=0 lazytrace=0 ' "$(cat "$f.status" 2>/dev/null)"
	"$lt" dump "$f.lt" --json >"$f.json" 2>/dev/null
	tests/lab/ltseq.py "$f.lt" >"$f.seq"
	bpf_full=$(sed -n 's/.* \([0-9]*\) with the ring buffer full.*/\1/p' "$f.stderr")
	expect_match "loss$kb: events were lost (the check is not empty)" '^[1-9]' "$(grep -c '^hole' "$f.seq")"
	expect_eq "loss$kb: each loss reported where its CPU's numbers have a hole, with its count" "same" \
		"$(python3 - "$f.json" "$f.seq" <<'PY'
import json, sys
rep = sorted((o["cpu"], o["ts_ns"], o["count"]) for o in map(json.loads, open(sys.argv[1]))
             if o["type"] == "anomaly" and o.get("kind") == "lost" and o.get("cpu_known"))
holes = sorted(tuple(int(x) for x in l.split()[1:]) for l in open(sys.argv[2]) if l.startswith("hole"))
print("same" if rep == holes else "reported %d %s..., holes %d %s..." % (len(rep), rep[:3], len(holes), holes[:3]))
PY
)"
	expect_eq "loss$kb: lost with the ring full = BPF's count (holes, and any after a CPU's last record)" \
		"$bpf_full" "$("$lt" stats "$f.lt" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["lost_ring_full"])')"
	expect_eq "loss$kb: no hazard spans a hole on its CPU" "0" "$(python3 - "$f.json" "$f.seq" <<'PY'
import json, sys
holes = [tuple(int(x) for x in l.split()[1:]) for l in open(sys.argv[2]) if l.startswith("hole")]
bad = 0
for o in map(json.loads, open(sys.argv[1])):
    if o["type"] == "hazard":
        bad += any(c == o["cpu"] and o["defer_ts_ns"] <= ts < o["ts_ns"] for c, ts, _ in holes)
print(bad)
PY
)"
done

# ---------------------------------------------------------------- the flight recorder
f=$out/g/flight
expect_eq "flight: record exits 0" 0 "$(cat "$f.rc" 2>/dev/null)"
tests/lab/ltseq.py "$f.lt" >"$f.seq"
st=$("$lt" stats "$f.lt" --json 2>/dev/null)
sj() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$st" "$1" 2>/dev/null; }
evicted=$(sed -n 's/^evicted_chunks \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$f.seq")
expect_match "flight: one EVICTED gap before each of the two windows" '^2 [1-9][0-9]*$' "$evicted"
# The workload ran on CPU 0 only (taskset): its numbers before the first window and between
# the two are exactly what the recorder says it dropped there.
lostc=$(sed -n 's/^lost_chunks //p' "$f.seq")
expect_eq "flight: the workload's records are all on CPU 0" "0" "$(sed -n 's/^cpus \([0-9]*\):.*/\1/p' "$f.seq")"
expect_eq "flight: the holes in CPU 0's numbers are the EVICTED counts, window by window (no ring-full loss: $lostc)" \
	"$(sed -n 's/^evicted_list //p' "$f.seq")" "$(awk '/^hole 0 / { printf "%s%s", sep, $4; sep = " " }' "$f.seq")"
expect_eq "flight: stats: lost_evicted is what the file says was dropped" "${evicted#* }" "$(sj lost_evicted)"
expect_eq "flight: stats: ring-full losses are those the file noted" "$lostc" "$(sj lost_ring_full)"
expect_eq "flight: dump reports the two windows' gaps, each with its count" \
	"$(sed -n 's/^evicted_list //p' "$f.seq")" \
	"$("$lt" dump "$f.lt" --json | python3 -c '
import json, sys
print(" ".join(str(o["count"]) for o in map(json.loads, sys.stdin)
               if o["type"] == "anomaly" and o.get("cause") == "evicted"))')"

finish
