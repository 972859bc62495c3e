#!/usr/bin/env bash
# tests/lab/test-top.sh: `lazytrace top`, counted in the kernel, against `lazytrace record` of
# the same process in the same boot (tests/guest/top-vs-record: both attached before the
# process runs, the same tracepoint hits feed both), on the patched kernel with
# debug_pagealloc=on: `seed 8 5` under each nesting mode, a munmap workload and a vmalloc one.
# migrate-noflush: a mix moved from CPU to CPU every 500 us (without --hazards each task's state
# lives in its CPU's slot while it runs, and goes back to its task storage at each switch).
# vmalloc-big maps 2 MiB at once: 512 deferrals pending at its flush, more times than a task
# keeps (LT_TOP_MAX_PEND): the rest are counted as hist_overflow, every figure still exact.
# For each: top's final totals and every site's sections, nested, deferred PTEs, flushes and
# completed deferrals equal `stats --json` of the recording exactly (both by site and by
# function); the histograms' buckets add up to the totals (pending times: the completed
# deferrals; deferrals per flush: the flushes; section lengths: the sections closed); the
# intervals add up to the totals; nothing overflowed. --openmetrics: the file passes
# `promtool check metrics` (Debian's prometheus package, scripts/fetch-promtool) and its
# counters, gauges and histograms equal the final JSON totals; an unwritable path is one line
# and exit 1. --hazards (the seed runs, a munmap storm under noflush, a pipe whose ring of 64
# pages overflows the 32 pages a task keeps): confirmed and potential hazards per site equal
# stats', and top's hazard records (page, sites, whole stack) are the recording's one for one;
# page_overflow equals what the recording shows pending past 32. --source dwarf (the lab
# vmlinux's site table, kprobes at the inlined helpers as on a stock kernel): `seed 8 5` under
# nested and noflush and a munmap/vmalloc/fork/scenario mix, against `record --source dwarf`
# of the same process, every figure exact. Then the command line and a kernel without the
# tracepoints or debug info (a stock kernel: exit 1, one line).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/assert.sh
lt=build/host/lazytrace
scratch_out
g=$out/g

# --source dwarf: the lab vmlinux's site table, made here as for a host without debug info
mkdir -p "$out/extra/etc/lazytrace"
"$lt" sites --debuginfo "$(scripts/build-kernel --print)/vmlinux" -o "$out/extra/etc/lazytrace/sites" 2>"$out/sites.err"
expect_eq "the lab vmlinux's site table (lazytrace sites)" 0 $?

scripts/guest-run -q --kernel patched --append debug_pagealloc=on --extra "$out/extra" --out "$g" --timeout 400 -- sh -c '
	D=/sys/kernel/debug/lazy_mmu S=/etc/lazytrace/sites
	for m in nested flat noflush; do
		echo $m >$D/nesting
		top-vs-record seed-$m --interval 0.2 --hazards -- sh -c "echo seed 8 5 >$D/scenario"
		cat $D/scenario >/out/seed-$m.scenario
	done
	echo nested >$D/nesting
	top-vs-record munmap --interval 0.2 --openmetrics /out/munmap.prom -- lazy-workload -m 4 -r 2
	lazytrace top --once --interval 0.1 --openmetrics /nonexistent/top.prom >/out/om-bad.out 2>/out/om-bad.err
	echo $? >/out/om-bad.rc
	top-vs-record vmalloc --interval 0.2 --by function -- lazy-workload -m 1 -r 1 -V 8 -v 512
	top-vs-record vmalloc-big --interval 0.2 -- lazy-workload -m 1 -r 1 -V 2 -v 2048
	top-vs-record pipe --interval 0.2 --hazards -- lazy-workload -m 1 -r 1 -P 4096
	echo noflush >$D/nesting
	# moved from CPU to CPU every 500 us: switched out and in with sections open and
	# deferrals pending, its state each time back to its storage and into the other CPU
	top-vs-record migrate-noflush --interval 0.2 -- lazy-workload -m 4 -r 4 -s 4 -V 4 -v 256 -M 500
	top-vs-record munmap-noflush --interval 0.2 --hazards --openmetrics /out/munmap-noflush.prom -- lazy-workload -m 4 -r 2
	echo nested >$D/nesting
	mkfifo /tmp/ready
	lazytrace top --hazards --duration 2 --interval 10 --no-color --ready-fd 3 \
		>/out/text.out 2>/out/text.err 3>/tmp/ready &
	read -r _ </tmp/ready
	echo noflush >$D/nesting; echo seed 8 5 >$D/scenario; echo nested >$D/nesting
	wait
	# every task, fork-heavy: a task'"'"'s first event makes its task storage, whose allocation
	# can take a page that debug_pagealloc maps: events of the same task inside it
	for i in 1 2 3; do
		rm -f /tmp/ready; mkfifo /tmp/ready
		ps=; [ $i = 1 ] && ps=--prog-stats
		lazytrace top --json --hazards $ps --ready-fd 3 3>/tmp/ready >/out/forks-$i.json 2>/out/forks-$i.err &
		read -r _ </tmp/ready
		lazy-workload -m 2 -r 1 -f 200 -V 4 -v 64 >/out/forks-$i.wl
		# the kernel'"'"'s own counters of top'"'"'s programs, between two of its intervals
		sleep 1.5
		grep -c "" /out/forks-$i.json >/out/forks-$i.lines
		cat /proc/$!/fdinfo/* >/out/forks-$i.fdinfo 2>/dev/null
		kill -INT $!; wait $!; echo $? >/out/forks-$i.rc
	done
	# the DWARF sites: top and record from the same kprobes (as on a stock kernel)
	export RECORD_OPTS="--source dwarf --sites $S"
	for m in nested noflush; do
		echo $m >$D/nesting
		top-vs-record dwarf-seed-$m --interval 0.2 --source dwarf --sites $S --hazards -- sh -c "echo seed 8 5 >$D/scenario"
	done
	echo nested >$D/nesting
	top-vs-record dwarf-mix --interval 0.2 --source dwarf --sites $S -v -- lazy-workload -m 4 -r 2 -V 4 -v 256 -s 3 -f 3
	echo noflush >$D/nesting
	top-vs-record dwarf-munmap-noflush --interval 0.2 --source dwarf --sites $S --hazards -- lazy-workload -m 4 -r 2
	echo nested >$D/nesting' \
	>"$out/console.log" 2>&1
rc=$?
expect_eq "guest run exits 0" 0 $rc
guest_report $rc "$out/console.log" "$g/console.log"

check() {	# check NAME: top's JSON against stats of the recording
	local n=$1 f=$g/$1 by=site
	expect_eq "$n: the command, record and top exit 0" "command=0 record=0 top=0" "$(cat "$f.status" 2>/dev/null)"
	grep -q '"by":"function"' "$f.top.json" 2>/dev/null && by=function
	"$lt" stats --json --by "$by" "$f.lt" >"$f.stats.json" 2>"$f.stats.err"
	expect_eq "$n: stats of the recording exits 0" 0 $?
	tests/lab/lttop.py "$f.top.json" "$f.stats.json" >"$f.facts" 2>&1
	local facts
	facts=$(cat "$f.facts")
	expect_match "$n: top printed its intervals and ended with the totals" '^1$' "$(kv "$facts" final_last)"
	for k in sections nested_sections max_depth deferred_ptes flushes; do
		local pair
		pair=$(kv "$facts" "total.$k")
		expect_pair "$n: total $k: top = stats ($pair)" "$pair"
	done
	expect_eq "$n: the same ${by}s" same "$(kv "$facts" site_names)"
	expect_eq "$n: every $by's sections, nested, deferred, flushes, completed: top = stats ($(kv "$facts" sites) ${by}s)" \
		equal "$(kv "$facts" site_figures)"
	expect_eq "$n: nothing overflowed or went uncounted" 0 "$(kv "$facts" overflow)"
	if [ "$(kv "$facts" hazards)" = 1 ]; then
		for k in hazards_confirmed hazards_potential; do
			local pair
			pair=$(kv "$facts" "total.$k")
			expect_pair "$n: total $k: top --hazards = stats ($pair)" "$pair"
		done
		expect_eq "$n: every hazard record through the ring buffer" 0 "$(kv "$facts" hazards_lost)"
		hazard_records "$n"
	fi
	if [ "$n" = vmalloc-big ]; then
		expect_match "$n: pending times past the task's room counted (hist_overflow)" '^[1-9]' "$(kv "$facts" hist_overflow)"
	else
		expect_eq "$n: every pending time in the histogram" 0 "$(kv "$facts" hist_overflow)"
	fi
	for k in pending batch section; do
		local pair
		pair=$(kv "$facts" "hist.$k")
		expect_pair "$n: histogram $k: buckets (and pending times not kept) add up ($pair)" "$pair"
	done
	expect_eq "$n: no section longer than 10 s (each ends at its own flush or disable)" 1 "$(kv "$facts" section_longest_ok)"
	for k in sections deferred_ptes flushes; do
		local pair
		pair=$(kv "$facts" "intervals.$k")
		expect_pair "$n: the intervals' $k add up to the total ($pair)" "$pair"
	done
}
# --hazards: top's hazard records (kind, class, page, task, sites, stack) are the ones the
# reconstruction finds in the recording (`dump --format json`), one for one.
hazard_records() {
	local n=$1 f=$g/$1
	"$lt" dump --format json "$f.lt" >"$f.dump.json" 2>/dev/null
	expect_eq "$n: top's hazard records = the recording's ($(grep -c '"type":"hazard"' "$f.dump.json") there)" same \
		"$(python3 - "$f.top.json" "$f.dump.json" <<'PY'
import json, sys
key = lambda h: (h["kind"], h["class"], h["addr"], h["tid"], h["section_site"], h["defer_site"],
                 h["access_site"], tuple(h["stack"]))
top = sorted(key(h) for l in open(sys.argv[1]) for h in json.loads(l)["hazards"])
rec = sorted(key(d) for d in map(json.loads, open(sys.argv[2])) if d["type"] == "hazard")
print("same" if top == rec else f"top {top} recording {rec}")
PY
)"
}
for n in seed-nested seed-flat seed-noflush munmap vmalloc vmalloc-big pipe migrate-noflush munmap-noflush \
	dwarf-seed-nested dwarf-seed-noflush dwarf-mix dwarf-munmap-noflush; do
	check "$n"
done
"$lt" dump --json "$g/migrate-noflush.lt" >"$g/migrate-noflush.dump.json" 2>/dev/null
expect_match "migrate-noflush: the workload moved between the CPUs, many times, sections open" \
	'^cpus=2 moves=[1-9][0-9]+ in_section=[1-9][0-9]*$' "$(python3 - "$g/migrate-noflush.dump.json" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
wl = [o for o in objs if o["type"] not in ("summary", "anomaly") and o.get("context") is None]
moves = [(a, b) for a, b in zip(wl, wl[1:]) if a["cpu"] != b["cpu"]]
# a move between two items of an open section (the first one's depth after it)
inside = sum(1 for a, b in moves if a.get("depth", 0) > 0 and b["type"] != "enable")
print("cpus=%d moves=%d in_section=%d" % (len({o["cpu"] for o in wl}), len(moves), inside))
PY
)"
expect_match "dwarf-mix: top placed its kprobes at the table's sites (-v)" \
	'^lazytrace: probes\+dwarf: [1-9][0-9]* sites from table /etc/lazytrace/sites' \
	"$(grep -m1 '^lazytrace: probes+dwarf:' "$g/dwarf-mix.top.err")"
expect_eq "dwarf-mix: the same helper sites as record's (record also probes the clear_page/copy_page calls)" \
	"$(grep -m1 '^lazytrace: probes+dwarf:' "$g/dwarf-mix.record.err" | sed -E 's/ clear_page [0-9]+ copy_page [0-9]+$//; s/^lazytrace: probes\+dwarf: [0-9]+ sites/lazytrace: probes+dwarf: N sites/')" \
	"$(grep -m1 '^lazytrace: probes+dwarf:' "$g/dwarf-mix.top.err" | sed -E 's/^lazytrace: probes\+dwarf: [0-9]+ sites/lazytrace: probes+dwarf: N sites/')"
expect_match "dwarf-seed-nested (no -v): one line says what top counts from and what was not probed" \
	'^lazytrace top: [1-9][0-9]* DWARF sites from table /etc/lazytrace/sites( \(from [^)]*\))?, [0-9]+ not probed( \(-v lists them\))?$' \
	"$(grep -v '^lazytrace: ' "$g/dwarf-seed-nested.top.err")"
expect_eq "dwarf-seed-noflush: top --hazards found the scenario's hazards from the DWARF sites (confirmed potential)" "1 3" \
	"$(tail -1 "$g/dwarf-seed-noflush.top.json" | python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]
print(t["hazards_confirmed"], t["hazards_potential"])')"
expect_match "seed-noflush: top --hazards found the scenario's clear_page of B (confirmed)" '^1 ' \
	"$(python3 -c 'import json,sys
hs = [h for l in open(sys.argv[1]) for h in json.loads(l)["hazards"] if h["kind"] == "confirmed"]
print(len(hs), hs[0]["stack"][:2] if hs else "")' "$g/seed-noflush.top.json")"
expect_eq "... its stack: clear_page called from scenario_write" "clear_page+0x0 scenario_write" \
	"$(python3 -c 'import json,sys
hs = [h for l in open(sys.argv[1]) for h in json.loads(l)["hazards"] if h["kind"] == "confirmed"]
print(hs[0]["stack"][0], hs[0]["stack"][1].split("+")[0]) if hs else print()' "$g/seed-noflush.top.json")"
expect_eq "... at B, the page the scenario reports" "$(sed -n 's/.* b=\(0x[0-9a-f]*\).*/\1/p' "$g/seed-noflush.scenario" 2>/dev/null)" \
	"$(python3 -c 'import json,sys
hs = [h for l in open(sys.argv[1]) for h in json.loads(l)["hazards"] if h["kind"] == "confirmed"]
print(hs[0]["addr"] if hs else "")' "$g/seed-noflush.top.json")"
# The pipe's ring: 64 pages made valid in one section, 32 kept per task: the rest counted.
# Oracle: the recording's deferred updates that made or changed a valid entry, per task,
# pending past 32 at once (a flush or a switch empties a task's set, as in BPF).
expect_eq "pipe: the deferred pages past the task's room are counted (page_overflow = the recording's)" \
	"$(python3 - "$g/pipe.dump.json" <<'PY' 2>&1
import json, sys
kept, over = {}, 0
for d in map(json.loads, open(sys.argv[1])):
    t = d.get("tid")
    if d["type"] == "pte" and d.get("deferred") and d.get("was") in ("invalid", "valid"):
        if kept.get(t, 0) >= 32:
            over += 1
        else:
            kept[t] = kept.get(t, 0) + 1
    elif d["type"] in ("flush", "switch"):
        kept[t] = 0
print(over)
PY
)" "$(tail -1 "$g/pipe.top.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["page_overflow"])')"
expect_match "pipe: ... and there were some (64 pages in one section)" '^[1-9]' \
	"$(tail -1 "$g/pipe.top.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["page_overflow"])')"
# The text view with --hazards: the column, the summary line and the list with a stack.
expect_match "top --hazards (text): the HAZARDS column" "HAZARDS$" "$(grep -m1 '^SITE' "$g/text.out")"
expect_match "... the hazards line" "^hazards: [1-9][0-9]* confirmed" "$(grep -m1 '^hazards:' "$g/text.out")"
expect_match "... the record with its stack" "^confirmed translation page 0x[0-9a-f]+ .*deferred at pageattr_pte_entry" \
	"$(grep -m1 '^confirmed' "$g/text.out")"
expect_match "... clear_page first in it" "^    clear_page\+0x0$" "$(grep -m1 -A1 '^confirmed' "$g/text.out" | tail -1)"
# --openmetrics: promtool's lint, and the file against the final JSON object of the same run
promtool=$(scripts/fetch-promtool 2>"$out/promtool.err")
expect_eq "promtool is there ($promtool)" 0 $?
"$promtool" check metrics <"$g/munmap.prom" >"$out/promtool.out" 2>&1
expect_eq "munmap.prom: promtool check metrics passes" "0 " "$? $(cat "$out/promtool.out")"
expect_eq "munmap.prom: every figure equals the final JSON totals" equal "$(python3 - "$g/munmap.prom" "$g/munmap.top.json" <<'PY'
import json, re, sys
fin = json.loads(open(sys.argv[2]).read().splitlines()[-1])["total"]
m = {}
for line in open(sys.argv[1]):
    if line.startswith("#") or not line.strip():
        continue
    name, val = line.rsplit(" ", 1)
    m[name] = float(val)
bad = []
def eq(key, want):
    got = m.get(key)
    if got is None or abs(got - want) > 1e-9 * max(1, abs(want)):
        bad.append(f"{key}: {got} != {want}")
eq("lazytrace_tracepoint_events_total", fin["tracepoint_events"])
eq("lazytrace_max_depth", fin["max_depth"])
for c in ("depth_overflow", "pend_overflow", "hist_overflow", "no_state", "sites_full", "lost_recursion"):
    eq(f'lazytrace_not_counted_total{{cause="{c}"}}', fin[c])
for s in fin["sites"]:
    lab = '{site="' + s["site"].replace("\\", "\\\\").replace('"', '\\"') + '"}'
    for metric, key in (("sections_total", "sections"), ("nested_sections_total", "nested"),
                        ("deferred_ptes_total", "deferred_ptes"), ("flushes_total", "flushes"),
                        ("completed_deferrals_total", "completed")):
        eq("lazytrace_" + metric + lab, s[key])
    if s["completed"]:
        eq("lazytrace_pending_max_seconds" + lab, s["max_pending_ns"] / 1e9)
sites = sum(1 for k in m if k.startswith("lazytrace_sections_total{"))
if sites != len(fin["sites"]):
    bad.append(f"{sites} sites in the file, {len(fin['sites'])} in the JSON")
for h, key in (("lazytrace_pending_time_seconds", "pending_ns"), ("lazytrace_section_length_seconds", "section_ns"),
               ("lazytrace_deferrals_per_flush", "deferrals_per_flush")):
    eq(h + "_count", sum(b["count"] for b in fin["hist"][key]))
    eq(h + '_bucket{le="+Inf"}', sum(b["count"] for b in fin["hist"][key]))
    cum = 0
    for b in fin["hist"][key]:
        cum += b["count"]
        le = b["hi"] / 1e9 if key != "deferrals_per_flush" else b["hi"]
        got = [v for k, v in m.items() if k.startswith(h + '_bucket{le="') and not k.endswith('"+Inf"}')
               and abs(float(k.split('"')[1]) - le) <= 1e-9 * max(1, le)]
        if got != [cum]:
            bad.append(f"{h} le={le}: {got} != {cum}")
print("equal" if not bad else "; ".join(bad[:5]))
PY
)"
# --openmetrics with --hazards: still valid, and its hazard counters are the JSON's.
"$promtool" check metrics <"$g/munmap-noflush.prom" >"$out/promtool2.out" 2>&1
expect_eq "munmap-noflush.prom (--hazards): promtool check metrics passes" "0 " "$? $(cat "$out/promtool2.out")"
expect_eq "munmap-noflush.prom: per-site hazard counters and not-counted causes = the final JSON" equal \
	"$(python3 - "$g/munmap-noflush.prom" "$g/munmap-noflush.top.json" <<'PY'
import json, sys
fin = json.loads(open(sys.argv[2]).read().splitlines()[-1])["total"]
m = dict(l.rsplit(" ", 1) for l in open(sys.argv[1]) if l.strip() and not l.startswith("#"))
bad = []
for s in fin["sites"]:
    lab = '{site="' + s["site"] + '"}'
    for k in ("hazards_confirmed", "hazards_potential"):
        if float(m.get("lazytrace_" + k + "_total" + lab, "nan")) != s[k]:
            bad.append(f"{k}{lab}: {m.get('lazytrace_' + k + '_total' + lab)} != {s[k]}")
for c in ("page_overflow", "hazards_lost"):
    if float(m.get(f'lazytrace_not_counted_total{{cause="{c}"}}', "nan")) != fin[c]:
        bad.append(c)
if sum(s["hazards_potential"] for s in fin["sites"]) == 0:
    bad.append("no hazard to compare")
print("equal" if not bad else "; ".join(bad[:5]))
PY
)"
# A task's first event, made inside the allocation of its own task storage (a kernel stack
# overflow before bpf/top.bpf.c's nursery): three system-wide runs over 200 forks each.
for i in 1 2 3; do
	expect_eq "forks $i: top over 200 new tasks exits 0" 0 "$(cat "$g/forks-$i.rc" 2>/dev/null)"
	expect_match "... the workload forked them" ' forks=200 ' "$(cat "$g/forks-$i.wl" 2>/dev/null)"
	expect_eq "... every event with its task's state (no_state)" 0 \
		"$(tail -n 1 "$g/forks-$i.json" 2>/dev/null |
			python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["total"]["no_state"])' 2>/dev/null)"
	# lost_recursion against the kernel's recursion_misses of top's programs (their fdinfo),
	# read after the interval of line L and before the final totals: top's count at L <= the
	# kernel's <= top's final, each a sum over every program top loaded
	r=$(python3 - "$g/forks-$i.json" "$g/forks-$i.lines" "$g/forks-$i.fdinfo" <<'PY'
import json, sys
tops = [json.loads(l) for l in open(sys.argv[1])]
n = int(open(sys.argv[2]).read())
fd = [l.split() for l in open(sys.argv[3])]
progs = sum(1 for f in fd if f and f[0] == "prog_type:")
kernel = sum(int(f[1]) for f in fd if f and f[0] == "recursion_misses:")
before = tops[n - 1]["total"]["lost_recursion"] if n else 0
final = tops[-1]["total"]["lost_recursion"]
ok = tops[-1]["final"] and 0 < n < len(tops) and progs >= 6 and before <= kernel <= final
print("ok" if ok else "not", f"(line {n} of {len(tops)}, {progs} programs: top {before} <= kernel {kernel} <= top {final})")
PY
)
	expect_match "... lost_recursion: top's at its interval before the kernel's count <= the programs' recursion_misses (fdinfo) <= top's final ${r#* }" '^ok ' "$r"
done
# --prog-stats (forks 1), read after the final totals: a line per program that ran; the six
# tracepoint programs ran at least once per event top counted, and their misses are at least
# top's final lost_recursion
r=$(python3 - "$g/forks-1.json" "$g/forks-1.err" <<'PY'
import json, re, sys
fin = json.loads(open(sys.argv[1]).read().splitlines()[-1])["total"]
ps = {}
for l in open(sys.argv[2]):
    m = re.fullmatch(r"lazytrace: prog (\w+): (\d+) runs, (\d+) ns, (\d+) ns/run, (\d+) recursion misses\n", l)
    if m:
        ps[m[1]] = [int(x) for x in m.groups()[1:]]
tp = ("top_enable", "top_disable", "top_pause", "top_resume", "top_defer", "top_flush")
runs = sum(ps.get(p, [0])[0] for p in tp)
miss = sum(v[3] for v in ps.values())
ok = all(ps.get(p, [0])[0] > 0 for p in ("top_enable", "top_disable", "top_defer", "top_flush",
         "top_pte_entry", "top_map_pages")) and runs >= fin["tracepoint_events"] and miss >= fin["lost_recursion"]
print("ok" if ok else "not", f"({len(ps)} programs; tracepoint programs' runs {runs} >= events {fin['tracepoint_events']}; misses {miss} >= {fin['lost_recursion']})")
PY
)
expect_match "forks 1: --prog-stats: each program's runs and recursion misses ${r#* }" '^ok ' "$r"
expect_eq "--openmetrics to a path that cannot be written: exit 1" 1 "$(cat "$g/om-bad.rc" 2>/dev/null)"
expect_match "... one line naming it" "^lazytrace: /nonexistent/top.prom.[0-9]+.tmp: No such file or directory$" "$(cat "$g/om-bad.err" 2>/dev/null)"
expect_eq "... and nothing printed" "1 0" "$(grep -c '' "$g/om-bad.err") $(wc -c <"$g/om-bad.out")"

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
expect_eq "top --source probes: exit 2" 2 "$(run top --source probes)"
expect_match "... one line: no sections to count" "^lazytrace top: --source probes has no sections" "$(cat "$out/e")"
expect_eq "top --source nowhere: exit 2" 2 "$(run top --source nowhere)"
expect_match "... one line" "^lazytrace top: invalid --source 'nowhere'" "$(cat "$out/e")"
expect_eq "top on a kernel without arm64 lazy MMU mode: exit 1" 1 "$(run top --once)"
expect_eq "... one line" 1 "$(grep -c '' "$out/e")"
scripts/guest-run -q --kernel stock:7.2 --out "$out/s" --timeout 120 -- sh -c \
	'lazytrace top --once >/out/o 2>/out/e; echo $? >/out/rc' >"$out/console-stock.log" 2>&1
expect_eq "stock 7.2 (no lazy_mmu tracepoints): top exits 1" 1 "$(cat "$out/s/rc" 2>/dev/null)"
expect_match "... with one line saying why" "^lazytrace top: this kernel has no lazy_mmu tracepoints \(they come with kernel-patch/\) and no DWARF sites were found for it" \
	"$(cat "$out/s/e" 2>/dev/null)"
expect_eq "... and nothing else" "1 0" "$(grep -c '' "$out/s/e" 2>/dev/null) $(wc -c <"$out/s/o" 2>/dev/null)"
finish
