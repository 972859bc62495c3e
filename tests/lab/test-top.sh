#!/usr/bin/env bash
# tests/lab/test-top.sh: `lazytrace top`, counted in the kernel, against `lazytrace record` of
# the same process in the same boot (tests/guest/top-vs-record: both attached before the
# process runs, the same tracepoint hits feed both), on the patched kernel with
# debug_pagealloc=on: `seed 8 5` under each nesting mode, a munmap workload and a vmalloc one.
# vmalloc-big maps 2 MiB at once: 512 deferrals pending at its flush, more times than a task
# keeps (LT_TOP_MAX_PEND): the rest are counted as hist_overflow, every figure still exact.
# For each: top's final totals and every site's sections, nested, deferred PTEs, flushes and
# completed deferrals equal `stats --json` of the recording exactly (both by site and by
# function); the histograms' buckets add up to the totals (pending times: the completed
# deferrals; deferrals per flush: the flushes; section lengths: the sections closed); the
# intervals add up to the totals; nothing overflowed. Then the command line and a kernel
# without the tracepoints (a stock kernel: exit 1, one line).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/assert.sh
lt=build/host/lazytrace
scratch_out
g=$out/g

scripts/guest-run -q --kernel patched --append debug_pagealloc=on --out "$g" --timeout 300 -- sh -c '
	D=/sys/kernel/debug/lazy_mmu
	for m in nested flat noflush; do
		echo $m >$D/nesting
		top-vs-record seed-$m --interval 0.2 -- sh -c "echo seed 8 5 >$D/scenario"
	done
	echo nested >$D/nesting
	top-vs-record munmap --interval 0.2 -- lazy-workload -m 4 -r 2
	top-vs-record vmalloc --interval 0.2 --by function -- lazy-workload -m 1 -r 1 -V 8 -v 512
	top-vs-record vmalloc-big --interval 0.2 -- lazy-workload -m 1 -r 1 -V 2 -v 2048' \
	>"$out/console.log" 2>&1
expect_eq "guest run exits 0" 0 $?

check() {	# check NAME: top's JSON against stats of the recording
	local n=$1 f=$g/$1 by=site
	expect_eq "$n: the command, record and top exit 0" "command=0 record=0 top=0" "$(cat "$f.status" 2>/dev/null)"
	grep -q '"by":"function"' "$f.top.json" 2>/dev/null && by=function
	"$lt" stats --json --by "$by" "$f.lt" >"$f.stats.json" 2>"$f.stats.err"
	expect_eq "$n: stats of the recording exits 0" 0 $?
	python3 - "$f.top.json" "$f.stats.json" "$n" >"$f.facts" 2>&1 <<'PY'
import json, sys
tops = [json.loads(l) for l in open(sys.argv[1])]
st = json.load(open(sys.argv[2]))
name = sys.argv[3]
fin = tops[-1]
def out(k, v): print(f"{k}={v}")
out("objects", len(tops))
out("final_last", int(fin["final"] and all(not t["final"] for t in tops[:-1])))
tot = fin["total"]
for k in ("sections", "nested_sections", "max_depth", "deferred_ptes", "flushes"):
    out(f"total.{k}", f"{tot[k]} {st[k]}")
out("overflow", sum(tot[k] for k in ("depth_overflow", "pend_overflow", "no_state", "sites_full")))
out("hist_overflow", tot["hist_overflow"])
ts = {s["site"]: s for s in tot["sites"]}
ss = {s["site"]: s for s in st["sites"]}
out("site_names", "same" if set(ts) == set(ss) else f"top {sorted(set(ts) - set(ss))} stats {sorted(set(ss) - set(ts))}")
bad = []
for site in sorted(set(ts) & set(ss)):
    for k in ("sections", "nested", "deferred_ptes", "flushes", "completed"):
        if ts[site][k] != ss[site][k]:
            bad.append(f"{site}.{k}: top {ts[site][k]} stats {ss[site][k]}")
out("site_figures", "equal" if not bad else "; ".join(bad))
out("sites", len(ts))
h = tot["hist"]
hs = lambda key: sum(b["count"] for b in h[key])
out("hist.pending", f"{hs('pending_ns') + tot['hist_overflow']} {sum(s['completed'] for s in tot['sites'])}")
out("hist.batch", f"{hs('deferrals_per_flush')} {tot['flushes']}")
out("hist.section", f"{hs('section_ns')} {tot['sections']}")
# the intervals add up to the totals
for k in ("sections", "deferred_ptes", "flushes"):
    out(f"intervals.{k}", f"{sum(t['interval'][k] for t in tops)} {tot[k]}")
PY
	local facts
	facts=$(cat "$f.facts")
	expect_match "$n: top printed its intervals and ended with the totals" '^1$' "$(kv "$facts" final_last)"
	for k in sections nested_sections max_depth deferred_ptes flushes; do
		local pair
		pair=$(kv "$facts" "total.$k")
		expect_eq "$n: total $k: top = stats ($pair)" "${pair#* }" "${pair% *}"
	done
	expect_eq "$n: the same ${by}s" same "$(kv "$facts" site_names)"
	expect_eq "$n: every $by's sections, nested, deferred, flushes, completed: top = stats ($(kv "$facts" sites) ${by}s)" \
		equal "$(kv "$facts" site_figures)"
	expect_eq "$n: nothing overflowed or went uncounted" 0 "$(kv "$facts" overflow)"
	if [ "$n" = vmalloc-big ]; then
		expect_match "$n: pending times past the task's room counted (hist_overflow)" '^[1-9]' "$(kv "$facts" hist_overflow)"
	else
		expect_eq "$n: every pending time in the histogram" 0 "$(kv "$facts" hist_overflow)"
	fi
	for k in pending batch section; do
		local pair
		pair=$(kv "$facts" "hist.$k")
		expect_eq "$n: histogram $k: buckets (and pending times not kept) add up ($pair)" "${pair#* }" "${pair% *}"
	done
	for k in sections deferred_ptes flushes; do
		local pair
		pair=$(kv "$facts" "intervals.$k")
		expect_eq "$n: the intervals' $k add up to the total ($pair)" "${pair#* }" "${pair% *}"
	done
}
for n in seed-nested seed-flat seed-noflush munmap vmalloc vmalloc-big; do
	check "$n"
done
# The scenario's own section: 13 deferred under nested and noflush, 8 under flat.
for m in nested:13 flat:8 noflush:13; do
	expect_eq "seed-${m%%:*}: top's scenario_write deferrals" "${m#*:}" \
		"$(tail -1 "$g/seed-${m%%:*}.top.json" | python3 -c 'import json,sys; d=json.load(sys.stdin)
print(sum(s["deferred_ptes"] for s in d["total"]["sites"] if s["site"].startswith("scenario_write")))')"
done
expect_eq "vmalloc: a vmalloc workload deferred PTEs (vmap_*)" yes \
	"$(tail -1 "$g/vmalloc.top.json" | python3 -c 'import json,sys; d=json.load(sys.stdin)
print("yes" if any(s["site"].startswith("vmap") and s["deferred_ptes"] > 0 for s in d["total"]["sites"]) else d["total"]["sites"])')"

# --- the command line, and a kernel without the tracepoints (this x86-64 host)
run() { "$lt" "$@" >"$out/o" 2>"$out/e"; echo $?; }
expect_eq "top --help: exit 0" 0 "$(run top --help)"
expect_eq "top --interval 0: exit 2" 2 "$(run top --interval 0)"
expect_match "... one line" "^lazytrace top: invalid value '0' for --interval" "$(cat "$out/e")"
expect_eq "top --by line: exit 2" 2 "$(run top --by line)"
expect_eq "top stray: exit 2" 2 "$(run top extra)"
expect_eq "top on a kernel without arm64 lazy MMU mode: exit 1" 1 "$(run top --once)"
expect_eq "... one line" 1 "$(grep -c '' "$out/e")"
scripts/guest-run -q --kernel stock:7.2 --out "$out/s" --timeout 120 -- sh -c \
	'lazytrace top --once >/out/o 2>/out/e; echo $? >/out/rc' >"$out/console-stock.log" 2>&1
expect_eq "stock 7.2 (no lazy_mmu tracepoints): top exits 1" 1 "$(cat "$out/s/rc" 2>/dev/null)"
expect_match "... with one line saying why" "^lazytrace top: this kernel has no lazy_mmu tracepoints \(they come with kernel-patch/\)" \
	"$(cat "$out/s/e" 2>/dev/null)"
expect_eq "... and nothing else" "1 0" "$(grep -c '' "$out/s/e" 2>/dev/null) $(wc -c <"$out/s/o" 2>/dev/null)"
finish
