#!/usr/bin/env bash
# tests/lab/test-caps.sh: least privilege, in the patched-kernel guest.
#  - uid 65534 holding only CAP_BPF + CAP_PERFMON + CAP_SYSLOG (run-with-caps) traces `seed 8 5`
#    with the same section, deferrals, flushes and conversions as root in the same boot; the
#    memory layout then comes from kernel memory through BPF (/proc/kcore needs CAP_SYS_RAWIO);
#  - once attached, lazytrace holds no capability (CapEff and CapPrm 0), as root too;
#  - without CAP_BPF, CAP_PERFMON or both: one line naming what is missing, exit 1;
#  - without CAP_SYSLOG: it runs, and says what it cannot do (no kallsyms addresses).
# LT_KEEP=DIR keeps the guest's output.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh

scratch_out

scripts/guest-run -q --kernel patched --append debug_pagealloc=on --out "$out/g" --timeout 240 -- sh -c '
	D=/sys/kernel/debug/lazy_mmu
	echo nested >$D/nesting
	# seed NAME [WRAPPER...]: lazytrace live around one seed scenario
	seed() {
		name=$1; shift
		rm -f /tmp/ready.$name; mkfifo /tmp/ready.$name
		"$@" lazytrace live --json --no-color --ready-fd 3 --all-accesses \
			--access-probe __free_pages:1:page >/out/$name.json 2>/out/$name.err 3>/tmp/ready.$name &
		pid=$!
		read -r _ </tmp/ready.$name
		grep -E "^(CapEff|CapPrm|Uid):" /proc/$pid/status | tr -s "\t " " " >/out/$name.status
		echo seed 8 5 >$D/scenario; cat $D/scenario >/out/$name.scenario
		sleep 0.5
		kill -INT $pid; wait $pid; echo $? >/out/$name.rc
	}
	seed root
	seed caps run-with-caps bpf,perfmon,syslog
	for c in perfmon,syslog bpf,syslog syslog; do
		run-with-caps $c lazytrace live --duration 1 >/dev/null 2>/out/only-$c.err; echo $? >/out/only-$c.rc
	done
	run-with-caps bpf,perfmon lazytrace live --json --duration 2 >/out/nosyslog.json 2>/out/nosyslog.err
	echo $? >/out/nosyslog.rc' >"$out/console.log" 2>&1
expect_eq "guest run exits 0" 0 $?
g=$out/g

for n in root caps; do
	expect_eq "$n: lazytrace exits 0" 0 "$(cat "$g/$n.rc" 2>/dev/null)"
	expect_eq "$n: no capability left once attached" "CapPrm: 0000000000000000|CapEff: 0000000000000000|" \
		"$(grep Cap "$g/$n.status" 2>/dev/null | tr '\n' '|')"
done
expect_match "caps: ran as uid 65534" '^Uid: 65534 ' "$(grep Uid "$g/caps.status" 2>/dev/null)"
expect_match "root: layout from /proc/kcore" '^lazytrace: layout page=4K .* from VMCOREINFO \(/proc/kcore\)$' \
	"$(grep '^lazytrace: layout' "$g/root.err")"
expect_match "caps: layout from kernel memory through BPF" \
	'^lazytrace: layout page=4K .* from VMCOREINFO \(kernel memory, via BPF\)$' "$(grep '^lazytrace: layout' "$g/caps.err")"
expect_match "caps: the pending bit read from the kernel's code through BPF" ' tif_pending=31 from ' \
	"$(grep '^lazytrace: layout' "$g/caps.err")"
expect_eq "caps: the same layout as root" "$(sed -n 's/^lazytrace: layout \(.*\) from .*/\1/p' "$g/root.err")" \
	"$(sed -n 's/^lazytrace: layout \(.*\) from .*/\1/p' "$g/caps.err")"

wr=$(tests/lab/ltjson.py window "$g/root.json" scenario_ 2>&1)
wc=$(tests/lab/ltjson.py window "$g/caps.json" scenario_ 2>&1)
expect_eq "root: the scenario's section (nested)" "defer=14 flush=2 max_depth=2" \
	"defer=$(kv "$wr" defer) flush=$(kv "$wr" flush) max_depth=$(kv "$wr" max_depth)"
for k in complete enable enable.enter enable.nest disable disable.leave disable.flush defer flush flushed flush_seq max_depth hazard.confirmed hazard.potential; do
	expect_eq "caps: $k in the scenario's section as root" "$(kv "$wr" $k)" "$(kv "$wc" $k)"
done
# The oracle below pairs each task's __kernel_map_pages with its set_memory_valid; tid 0 is
# every CPU's idle task, whose interrupts on two CPUs interleave (captured in this test's run).
c=$(tests/lab/ltjson.py counts tests/fixtures/ltjson/idle-irqs-two-cpus.json 2>&1)
expect_eq "oracle: interrupts in two CPUs' idle tasks paired by CPU" "match=2 mismatch=0" \
	"match=$(kv "$c" kmp_addr.match) mismatch=$(kv "$c" kmp_addr.mismatch)"
for n in root caps; do
	c=$(tests/lab/ltjson.py counts "$g/$n.json" 2>&1)
	b=$(sed -n 's/.* b=\(0x[0-9a-f]*\) .*/\1/p' "$g/$n.scenario" 2>/dev/null)
	expect_match "$n: __kernel_map_pages struct pages converted" '^[1-9][0-9]*$' "$(kv "$c" kmp_addr.match)"
	expect_eq "$n: ... none to another address" 0 "$(kv "$c" kmp_addr.mismatch)"
	expect_match "$n: __free_pages of B converted to B's address" ",$b," ",$(kv "$c" access_addrs.__free_pages),"
done

line() { cat "$g/$1.err" 2>/dev/null; }
expect_eq "without CAP_BPF: exit 1" 1 "$(cat "$g/only-perfmon,syslog.rc" 2>/dev/null)"
expect_eq "... one line naming it" "lazytrace: missing CAP_BPF: run as root, or with CAP_BPF and CAP_PERFMON (+ CAP_SYSLOG for symbols); see CAPABILITIES in lazytrace(8)" \
	"$(line only-perfmon,syslog)"
expect_eq "without CAP_PERFMON: exit 1" 1 "$(cat "$g/only-bpf,syslog.rc" 2>/dev/null)"
expect_eq "... one line naming it" "lazytrace: missing CAP_PERFMON: run as root, or with CAP_BPF and CAP_PERFMON (+ CAP_SYSLOG for symbols); see CAPABILITIES in lazytrace(8)" \
	"$(line only-bpf,syslog)"
expect_eq "without both: exit 1" 1 "$(cat "$g/only-syslog.rc" 2>/dev/null)"
expect_eq "... one line naming both" "lazytrace: missing CAP_BPF and CAP_PERFMON: run as root, or with CAP_BPF and CAP_PERFMON (+ CAP_SYSLOG for symbols); see CAPABILITIES in lazytrace(8)" \
	"$(line only-syslog)"
expect_eq "without CAP_SYSLOG: still traces (exit 0)" 0 "$(cat "$g/nosyslog.rc" 2>/dev/null)"
expect_match "... and says the layout is unknown, and why" \
	'^lazytrace: memory layout unknown \(/proc/kcore: Permission denied \(needs CAP_SYS_RAWIO\); kallsyms has no vmcoreinfo_data' \
	"$(grep 'memory layout' "$g/nosyslog.err")"

finish
