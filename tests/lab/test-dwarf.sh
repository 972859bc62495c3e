#!/usr/bin/env bash
# tests/lab/test-dwarf.sh: the probes+dwarf mode against the tracepoints, on the patched kernel.
#  - `lazytrace sites` reads the patched vmlinux's DWARF on the host; the table goes to the
#    guest (--sites), as it would to a host without the debug package;
#  - in one boot (debug_pagealloc=on), each workload is recorded twice at once, from the
#    tracepoints and from the DWARF sites (tests/guest/lazytrace-pair): `seed 8 5` in the
#    three nesting modes, a munmap workload, a vmalloc + fork workload. Per task, every
#    transition (action, depth), deferral, flush (with what it completes), hazard and
#    anomaly must be the same, and so must the summary's figures (tests/lab/ltsame.py);
#  - the noflush hazard on B is found through a `bl clear_page` call-site probe;
#  - bad input: another build's debug info or table, no DWARF, truncated, not arm64,
#    kptr_restrict=2: one line each, exit codes as documented.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh

scratch_out
LT=build/host/lazytrace
KDIR=$(scripts/build-kernel --print)
VMLINUX=$KDIR/vmlinux

# --- the site table, made on the host -------------------------------------------------
mkdir -p "$out/extra/etc/lazytrace"
SITES=$out/extra/etc/lazytrace/sites
t0=$(date +%s%N)
$LT sites --debuginfo "$VMLINUX" -o "$SITES" 2>"$out/sites.err"
expect_eq "sites: exit 0" 0 $?
t1=$(date +%s%N)
pass "sites: read the patched vmlinux's DWARF in $(( (t1 - t0) / 1000000 )) ms"
build_id=$(sed -n 's/^build-id //p' "$SITES")
expect_match "sites: keyed by the vmlinux's GNU build id" '^[0-9a-f]{40}$' "$build_id"
for k in enable disable defer flush clear_page; do
	expect_match "sites: $k sites found" '^[1-9][0-9]*$' "$(grep -c "^site $k " "$SITES")"
done
expect_match "sites: the scenario's enable (inlined in scenario_write)" 'scenario_write\+0x' \
	"$(grep '^site enable ' "$SITES" | grep scenario_write)"
expect_match "sites: a bl clear_page in scenario_write" 'scenario_write\+0x' \
	"$(grep '^site clear_page ' "$SITES" | grep scenario_write)"
expect_match "sites: the per-PTE deferral has its entry's register" '^site defer 0x[0-9a-f]+ [0-9]+ 0 [0-9]' \
	"$(grep '^site defer ' "$SITES" | grep pageattr_pte_entry | head -1)"

# --- bad input, host side -------------------------------------------------------------
aarch64-linux-gnu-objcopy --strip-debug "$VMLINUX" "$out/nodwarf" 2>/dev/null
head -c 1048576 "$VMLINUX" >"$out/truncated"
bad() {	# bad NAME WANT_RC REGEX FILE
	local err rc
	err=$($LT sites --debuginfo "$4" 2>&1 >/dev/null)
	rc=$?
	expect_eq "bad input: $1: exit $2" "$2" "$rc"
	expect_eq "bad input: $1: one line" 1 "$(printf '%s\n' "$err" | wc -l)"
	expect_match "bad input: $1: says why" "$3" "$err"
}
bad "no DWARF" 3 'no DWARF' "$out/nodwarf"
bad "truncated vmlinux" 3 'truncated|not an ELF|corrupt' "$out/truncated"
bad "x86-64 ELF" 3 'not an arm64 ELF' /bin/ls
bad "no such file" 3 'No such file' "$out/none"
sed "s/^build-id .*/build-id 0123456789abcdef0123456789abcdef01234567/" "$SITES" >"$out/extra/etc/lazytrace/other-build"
cp build/arm64/lazy-workload "$out/extra/etc/lazytrace/other-elf"

# --- one boot: every workload recorded from the tracepoints and the sites at once -------
scripts/guest-run -q --kernel patched --append debug_pagealloc=on --extra "$out/extra" \
	--out "$out/g" --timeout 400 -- sh -c '
	S=/etc/lazytrace/sites D=/sys/kernel/debug/lazy_mmu
	lazytrace probe --sites $S >/out/probe.txt 2>/out/probe.err; echo $? >/out/probe.rc
	for m in nested flat noflush; do
		echo $m >$D/nesting
		lazytrace-pair seed-$m $S --kprobes -- sh -c "echo seed 8 5 >$D/scenario"
		cat $D/scenario >/out/seed-$m.scenario
	done
	echo nested >$D/nesting
	lazytrace-pair munmap $S --kprobes -- lazy-workload -m 4 -r 2
	lazytrace-pair vmfork $S --kprobes -- lazy-workload -r 0 -V 8 -v 1024 -f 20
	lazytrace live --source dwarf --sites /etc/lazytrace/other-build --duration 1 >/dev/null 2>/out/other-build.err
	echo $? >/out/other-build.rc
	lazytrace live --source dwarf --debuginfo /etc/lazytrace/other-elf --duration 1 >/dev/null 2>/out/other-elf.err
	echo $? >/out/other-elf.rc
	lazytrace live --source dwarf --duration 1 >/dev/null 2>/out/no-debuginfo.err
	echo $? >/out/no-debuginfo.rc
	echo 2 >/proc/sys/kernel/kptr_restrict
	lazytrace live --source dwarf --sites $S --duration 1 >/dev/null 2>/out/kptr.err
	echo $? >/out/kptr.rc' >"$out/console.log" 2>&1
expect_eq "guest run exits 0 (no WARN, no oops)" 0 $? || tail -20 "$out/console.log"

expect_eq "probe --sites: exit 0" 0 "$(cat "$out/g/probe.rc" 2>/dev/null)"
expect_match "probe --sites: names the table and its build id" "^sites: .* from table /etc/lazytrace/sites .*build id $build_id" \
	"$(grep '^sites:' "$out/g/probe.txt" 2>/dev/null)"
expect_match "probe --sites: deferral sites with addresses counted" 'deferral sites with the entry.s address: [1-9]' \
	"$(cat "$out/g/probe.txt" 2>/dev/null)"

dump() { $LT dump --format json "$1" >"${1%.lt}.json" 2>"${1%.lt}.dump.err"; }
for w in seed-nested seed-flat seed-noflush munmap vmfork; do
	expect_eq "$w: command and both recorders exit 0" "command=0 tp=0 dwarf=0" "$(cat "$out/g/$w.status" 2>/dev/null)"
	expect_match "$w: the DWARF recorder placed its sites" 'probes\+dwarf: [1-9][0-9]* sites from table /etc/lazytrace/sites' \
		"$(cat "$out/g/$w.dwarf.stderr" 2>/dev/null)"
	dump "$out/g/$w.tp.lt"
	dump "$out/g/$w.dwarf.lt"
	expect_match "$w: the DWARF recording says its mode and where the sites came from" \
		'mode +probes\+dwarf' "$($LT stats "$out/g/$w.dwarf.lt" 2>&1 | grep '^mode')"
	s=$(tests/lab/ltsame.py "$out/g/$w.tp.json" "$out/g/$w.dwarf.json" 2>&1)
	expect_eq "$w: the same per-task timeline from the sites as from the tracepoints ($(kv "$s" items) items, $(kv "$s" tasks) tasks; lost tp/dwarf $(kv "$s" summary.lost_events))" \
		"1 none" "$(kv "$s" same) $(kv "$s" first_diff)"
	for k in sections nested_sections max_depth deferred_ptes flushes hazards_confirmed hazards_potential; do
		v=$(kv "$s" summary.$k)
		expect_eq "$w: $k equal (${v%/*})" "${v%/*}" "${v#*/}"
	done
done
s=$(tests/lab/ltsame.py "$out/g/munmap.tp.json" "$out/g/munmap.dwarf.json")
expect_match "munmap: nested sections (zap path -> __kernel_map_pages)" '^[1-9][0-9]*/' "$(kv "$s" summary.nested_sections)"
s=$(tests/lab/ltsame.py "$out/g/vmfork.tp.json" "$out/g/vmfork.dwarf.json")
expect_match "vmfork: deferred PTE updates (vmalloc'd maps and stacks)" '^[1-9][0-9]*/' "$(kv "$s" summary.deferred_ptes)"

# The scenario's section from the sites alone: the README's table, and B's hazard through a
# `bl clear_page` call-site probe.
common="complete=1 disable=2 disable.leave=1 enable=2 enable.enter=1 enable.nest=1 max_depth=2"
for m in nested flat noflush; do
	w=$(tests/lab/ltjson.py window "$out/g/seed-$m.dwarf.json" scenario_ 2>&1)
	case $m in
	nested) want="disable.flush=1 defer=14 flush=2 flushed=14 flush_seq=9,5" ;;
	flat) want="disable.end=1 defer=9 flush=1 flushed=9 flush_seq=9" ;;
	noflush) want="disable.noflush=1 defer=14 flush=1 flushed=14 flush_seq=14" ;;
	esac
	for p in $common $want; do
		expect_eq "seed-$m (sites): ${p%%=*} in the scenario's section" "${p#*=}" "$(kv "$w" "${p%%=*}")"
	done
done
b=$(sed -n 's/.* b=\(0x[0-9a-f]*\) .*/\1/p' "$out/g/seed-noflush.scenario" 2>/dev/null)
w=$(tests/lab/ltjson.py window "$out/g/seed-noflush.dwarf.json" scenario_ 2>&1)
expect_eq "seed-noflush (sites): one confirmed hazard, on B ($b)" "1 $b" "$(kv "$w" hazard.confirmed) $(kv "$w" confirmed_addrs)"
expect_match "seed-noflush (sites): found at a bl clear_page call site in scenario_write" \
	'"access_site": ?"scenario_write\+0x' "$(grep '"kind": \?"confirmed"' "$out/g/seed-noflush.dwarf.json")"

# --- bad input, guest side ------------------------------------------------------------
guest_bad() {	# guest_bad NAME WANT_RC REGEX
	expect_eq "bad input: $1: exit $2" "$2" "$(cat "$out/g/$1.rc" 2>/dev/null)"
	expect_eq "bad input: $1: one line" 1 "$(wc -l <"$out/g/$1.err" 2>/dev/null)"
	expect_match "bad input: $1: says why" "$3" "$(cat "$out/g/$1.err" 2>/dev/null)"
}
guest_bad other-build 4 "another kernel build \(build id 0123456789abcdef0123456789abcdef01234567; the running kernel's is $build_id\)"
guest_bad other-elf 4 "debug info /etc/lazytrace/other-elf is of another kernel build"
guest_bad no-debuginfo 3 'no debug info for .*linux-image-.*-dbg'
guest_bad kptr 1 'kptr_restrict=2'

finish
