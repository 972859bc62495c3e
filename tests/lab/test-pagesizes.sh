#!/usr/bin/env bash
# tests/lab/test-pagesizes.sh: the kernel model (src/kmodel.h) on every arm64 page size and
# VA layout the lab can boot, each checked against what the kernel itself says.
#  - the patched kernel built with 64K pages (make kernel PAGES=64k), debug_pagealloc=on:
#    `seed 8 5` under each nesting mode: the noflush hazard exactly on B, none otherwise;
#    every __kernel_map_pages struct page converted to the address its set_memory_valid got;
#    a recording of it replayed on this x86-64 host gives the live run's section and hazard;
#    a ring buffer of one 64K page works, 16 KiB is refused in one line;
#  - the patched 4K kernel (VA_BITS 52) on a CPU without FEAT_LPA2 (-cpu max,lpa2=off): it
#    runs with 48-bit VAs; the same seed facts;
#  - stock Debian arm64-16k 7.2, kfence.sample_interval=1, with LPA2 and without (47-bit VAs
#    in effect): probe shows the 16K layout;
#    free_page(addr) -> ___free_pages(page): every struct page converts to the kernel's addr;
#    a 16 KiB ring buffer works, 4 KiB is refused in one line.
# LT_KEEP=DIR keeps the guests' output.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh

scratch_out
LT=build/host/lazytrace

# seed_checks DIR LABEL: the seed facts of a run made by seed_script.
seed_checks() {
	local d=$1 l=$2 m w c b
	for m in nested flat noflush; do
		expect_eq "$l seed-$m: command and lazytrace exit 0" "command=0 lazytrace=0" \
			"$(sed 's/ ftrace_lost=.*//' "$d/seed-$m.status" 2>/dev/null)"
		w=$(tests/lab/ltjson.py window "$d/seed-$m.json" scenario_ 2>&1)
		b=$(sed -n 's/.* b=\(0x[0-9a-f]*\) .*/\1/p' "$d/seed-$m.scenario" 2>/dev/null)
		case $m in
		nested) expect_eq "$l seed-nested: deferrals and flushes" "defer=14 flush=2" \
			"defer=$(kv "$w" defer) flush=$(kv "$w" flush)" ;;
		flat) expect_eq "$l seed-flat: deferrals and flushes" "defer=9 flush=1" \
			"defer=$(kv "$w" defer) flush=$(kv "$w" flush)" ;;
		noflush) expect_eq "$l seed-noflush: deferrals and flushes" "defer=14 flush=1" \
			"defer=$(kv "$w" defer) flush=$(kv "$w" flush)" ;;
		esac
		if [ $m = noflush ]; then
			expect_eq "$l seed-noflush: exactly one confirmed hazard" 1 "$(kv "$w" hazard.confirmed)"
			expect_eq "$l seed-noflush: ... on B's address ($b)" "$b" "$(kv "$w" confirmed_addrs)"
		else
			expect_eq "$l seed-$m: no confirmed hazard" none "$(kv "$w" confirmed_addrs)"
		fi
		c=$(tests/lab/ltjson.py counts "$d/seed-$m.json" 2>&1)
		expect_match "$l seed-$m: __kernel_map_pages struct pages converted to set_memory_valid's addresses" \
			'^[1-9][0-9]*$' "$(kv "$c" kmp_addr.match)"
		expect_eq "$l seed-$m: ... none to another address" 0 "$(kv "$c" kmp_addr.mismatch)"
		expect_match "$l seed-$m: --access-probe __free_pages:1:page sees B freed" ",$b," \
			",$(kv "$c" access_addrs.__free_pages),"
	done
}
seed_script='
	D=/sys/kernel/debug/lazy_mmu
	lazytrace probe >/out/probe.txt 2>&1; echo $? >/out/probe.rc
	for m in nested flat noflush; do
		echo $m >$D/nesting
		lazytrace-capture seed-$m --access-probe __free_pages:1:page --all-accesses -- sh -c "echo seed 8 5 >$D/scenario"
		cat $D/scenario >/out/seed-$m.scenario
	done'

# --- 64K pages -------------------------------------------------------------------------
scripts/guest-run -q --kernel patched-64k --append debug_pagealloc=on --out "$out/k64" --timeout 300 -- sh -c "$seed_script"'
	lazytrace-capture rec-noflush --record /out/rec-noflush.lt --access-probe __free_pages:1:page --all-accesses -- sh -c "echo seed 8 5 >$D/scenario"
	cat $D/scenario >/out/rec-noflush.scenario
	echo nested >$D/nesting
	lazytrace live --json --ringbuf-kb 64 --duration 1 >/out/rb64.json 2>/out/rb64.err; echo $? >/out/rb64.rc
	lazytrace live --json --ringbuf-kb 16 --duration 1 >/out/rb16.json 2>/out/rb16.err; echo $? >/out/rb16.rc' \
	>"$out/console-64k.log" 2>&1
rc=$?
expect_eq "64K: guest run exits 0" 0 $rc
guest_report $rc "$out/console-64k.log" "$out/k64/console.log"
d=$out/k64
expect_eq "64K: probe exits 0" 0 "$(cat "$d/probe.rc" 2>/dev/null)"
expect_eq "64K: probe reads the layout from the kernel" \
	"page size:     64K|layout:        from VMCOREINFO (/proc/kcore)|" \
	"$(grep -E '^(page size|layout):' "$d/probe.txt" | tr '\n' '|')"
expect_match "64K: VA bits built and in effect" '^VA bits: +(48|52) built, (48|52) in effect$' \
	"$(grep '^VA bits:' "$d/probe.txt")"
expect_eq "64K: the pending bit read from the kernel's code" \
	"pending flag:  TIF_LAZY_MMU_PENDING = bit 31, from pageattr_pte_entry's code (/proc/kcore)" \
	"$(grep '^pending flag:' "$d/probe.txt")"
seed_checks "$d" 64K
expect_eq "64K: a ring buffer of one 64K page works" 0 "$(cat "$d/rb64.rc" 2>/dev/null)"
expect_eq "64K: a 16 KiB ring buffer is refused (exit 1)" 1 "$(cat "$d/rb16.rc" 2>/dev/null)"
expect_eq "64K: ... in one line naming the page size" \
	"lazytrace: a ring buffer of 16 KiB is not a multiple of this kernel's 64 KiB pages (--ringbuf-kb)" \
	"$(cat "$d/rb16.err" 2>/dev/null)"

# What live showed was also recorded (--record): replayed on this host, the same section and
# the same hazards, item for item.
f=$d/rec-noflush.lt
b=$(sed -n 's/.* b=\(0x[0-9a-f]*\) .*/\1/p' "$d/rec-noflush.scenario" 2>/dev/null)
$LT dump --json "$f" >"$out/rec.json" 2>"$out/rec.err"
expect_eq "64K replay on $(uname -m): dump exits 0" 0 $?
expect_match "64K replay: the file carries the 64K layout" '^layout +page=64K va_bits=' \
	"$($LT stats "$f" 2>&1 | grep '^layout')"
w=$(tests/lab/ltjson.py window "$out/rec.json" scenario_ 2>&1)
wl=$(tests/lab/ltjson.py window "$d/rec-noflush.json" scenario_ 2>&1)
for k in defer flush flushed flush_seq max_depth enable.enter enable.nest disable.noflush hazard.confirmed hazard.potential; do
	expect_eq "64K replay: $k in the scenario's section as live" "$(kv "$wl" $k)" "$(kv "$w" $k)"
done
expect_eq "64K replay: the confirmed hazard on the recorded run's B ($b)" "$b" "$(kv "$w" confirmed_addrs)"
hz() { python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("type") == "hazard":
        print(json.dumps(o, sort_keys=True))' "$1"; }
expect_match "64K replay: hazards in live" '^[1-9]' "$(hz "$d/rec-noflush.json" | grep -c .)"
expect_eq "64K replay: every hazard as live showed it" "$(hz "$d/rec-noflush.json")" "$(hz "$out/rec.json")"

# --- 4K pages, 52-bit kernel on a CPU without LPA2: 48-bit VAs ----------------------------
scripts/guest-run -q --kernel patched --cpu-opts lpa2=off --append debug_pagealloc=on --out "$out/k48" \
	--timeout 300 -- sh -c "$seed_script" >"$out/console-48.log" 2>&1
rc=$?
expect_eq "4K/48-bit: guest run exits 0" 0 $rc
guest_report $rc "$out/console-48.log" "$out/k48/console.log"
d=$out/k48
expect_eq "4K/48-bit: probe reads the layout from the kernel" \
	"page size:     4K|layout:        from VMCOREINFO (/proc/kcore)|VA bits:       52 built, 48 in effect|" \
	"$(grep -E '^(page size|layout|VA bits):' "$d/probe.txt" | tr '\n' '|')"
expect_eq "4K/48-bit: the pending bit read from the kernel's code" \
	"pending flag:  TIF_LAZY_MMU_PENDING = bit 31, from pageattr_pte_entry's code (/proc/kcore)" \
	"$(grep '^pending flag:' "$d/probe.txt")"
seed_checks "$d" 4K/48-bit

# --- stock Debian arm64-16k: with LPA2 (52-bit VAs) and without (47 bits in effect) -------
stock16k() {	# stock16k LABEL DIR VABITS [GUEST-RUN OPTION...]
	local l=$1 d=$2 va=$3 rc
	shift 3
	scripts/guest-run -q --kernel stock-16k:7.2 "$@" --append kfence.sample_interval=1 --out "$d" --timeout 200 -- sh -c '
	lazytrace probe >/out/probe.txt 2>&1; echo $? >/out/probe.rc
	mkfifo /tmp/ready
	lazytrace live --json --duration 4 --all-accesses --access-probe free_pages:1 \
		--access-probe ___free_pages:1:page --ready-fd 3 3>/tmp/ready >/out/live.json 2>/out/live.err &
	lp=$!
	read x </tmp/ready	# attached: the workload runs now (attaching may take seconds)
	for i in 1 2 3 4 5 6 7 8; do cat /proc/self/cmdline >/dev/null; done
	wait $lp; echo $? >/out/live.rc
	lazytrace live --json --ringbuf-kb 16 --duration 1 >/out/rb16.json 2>/out/rb16.err; echo $? >/out/rb16.rc
	lazytrace live --json --ringbuf-kb 4 --duration 1 >/out/rb4.json 2>/out/rb4.err; echo $? >/out/rb4.rc' \
		>"$d.console.log" 2>&1
	rc=$?
	expect_eq "$l: guest run exits 0" 0 $rc
	guest_report $rc "$d.console.log" "$d/console.log"
	expect_eq "$l: probe reads the layout from the kernel" \
		"page size:     16K|layout:        from VMCOREINFO (/proc/kcore)|VA bits:       52 built, $va in effect|" \
		"$(grep -E '^(page size|layout|VA bits):' "$d/probe.txt" | tr '\n' '|')"
	expect_eq "$l: the pending bit read from the kernel's code" \
		"pending flag:  TIF_LAZY_MMU_PENDING = bit 31, from pageattr_pte_entry's code (/proc/kcore)" \
		"$(grep '^pending flag:' "$d/probe.txt")"
	expect_eq "$l: live with a 16 KiB ring buffer exits 0" 0 "$(cat "$d/rb16.rc" 2>/dev/null)"
	expect_eq "$l: live exits 0" 0 "$(cat "$d/live.rc" 2>/dev/null)"
	# free_page(addr) calls ___free_pages(virt_to_page(addr), 0, FPI_NONE) at once, on the
	# same task (__free_pages() is inlined there in Debian's build; the task may migrate in
	# between): among the ___free_pages calls that follow in that context before its next
	# free_pages, one must convert to exactly addr. A task and the interrupts taken on it
	# (comm irq/N, with the interrupted task's tid) are separate contexts: an interrupt
	# between a task's free_pages and its ___free_pages may call both itself, and taken as
	# the task's, its free_pages would close the task's pair before the task's own free.
	# free_pages(0) frees nothing; a free_pages with no ___free_pages seen after it proves
	# nothing either way and is not counted; nor does one open across reported lost
	# events; the idle tasks (tid 0 on every CPU) are left out. Losses are reported after the
	# poll that saw them, so a pair may close before its loss is: a mismatch is allowed only
	# as far as the run's counted losses explain it (with none lost, none may mismatch).
	expect_match "$l: each free_pages(addr) is followed by ___free_pages(struct page of addr)" '^pairs=[1-9][0-9]* unexplained=0 ' \
		"$(python3 - "$d/live.json" <<'PY'
import json, sys
open_, pairs, bad, first, lost = {}, 0, 0, "", 0
def close(k):
    global pairs, bad, first
    addr, seen = open_.pop(k)
    if seen:
        pairs += 1
        if addr not in seen:
            bad += 1
            first = first or " (tid %d%s: free_pages %s, then %s)" % (k[0], k[1] and " " + k[1], addr, sorted(seen))
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("type") == "anomaly" and o.get("kind") == "lost":
        open_.clear()
    if o.get("type") == "summary":
        lost = o["lost_events"]
    if o.get("type") != "access" or o["tid"] == 0:
        continue
    f = (o.get("site") or "").split("+")[0]
    k = (o["tid"], o["comm"] if o["comm"].startswith("irq/") else "")
    if f == "free_pages":
        if k in open_:
            close(k)
        if int(o["addr"], 16):
            open_[k] = (o["addr"], set())
    elif f == "___free_pages" and k in open_:
        open_[k][1].add(o["addr"])
for k in list(open_):
    close(k)
print("pairs=%d unexplained=%d (bad=%d lost=%d)%s" % (pairs, max(0, bad - lost), bad, lost, first))
PY
)"
	expect_match "$l: KFENCE's set_memory_valid calls traced, each on a 16K page of the linear map" '^calls=[1-9][0-9]* bad=0$' \
		"$(python3 - "$d/live.json" <<'PY'
import json, sys
calls = bad = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("type") == "map" and o.get("func") == "set_memory_valid":
        calls += 1
        a = int(o["addr"], 16)
        bad += a % 16384 != 0 or a < 0xfff0000000000000
print("calls=%d bad=%d" % (calls, bad))
PY
)"
	expect_eq "$l: a 4 KiB ring buffer is refused (exit 1)" 1 "$(cat "$d/rb4.rc" 2>/dev/null)"
	expect_eq "$l: ... in one line naming the page size" \
		"lazytrace: a ring buffer of 4 KiB is not a multiple of this kernel's 16 KiB pages (--ringbuf-kb)" \
		"$(cat "$d/rb4.err" 2>/dev/null)"
}
stock16k 16K "$out/s16" 52
stock16k "16K/47-bit" "$out/s16-47" 47 --cpu-opts lpa2=off

finish
