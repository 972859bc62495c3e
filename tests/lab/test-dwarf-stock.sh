#!/usr/bin/env bash
# tests/lab/test-dwarf-stock.sh: probes+dwarf on a stock Debian 7.2 kernel, as a user would run
# it: the kernel's -dbg vmlinux (downloaded once, only the vmlinux kept: scripts/
# fetch-stock-debuginfo), the site table made on this x86-64 host, used in the guest with
# --sites. A munmap + vmalloc + fork workload (kfence.sample_interval=1) is recorded while
# ftrace kprobe events placed at the very same addresses (`_text+OFFSET`, as `perf probe`
# writes them) count their hits for the same pid: the kernel must accept and refuse the same
# sites for both, and lazytrace's transitions must be ftrace's hits, one for one.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh

scratch_out
LT=build/host/lazytrace

vmlinux=$(scripts/fetch-stock-debuginfo --print 7.2 2>"$out/fetch.err")
expect_eq "stock 7.2 debug info fetched (or cached)" 0 $? || cat "$out/fetch.err"
release=$(cat "$(dirname "$vmlinux")/release" 2>/dev/null)
mkdir -p "$out/x/etc/lazytrace"
SITES=$out/x/etc/lazytrace/sites
t0=$(date +%s%N)
$LT sites --debuginfo "$vmlinux" -o "$SITES" 2>"$out/sites.err"
expect_eq "sites from the Debian vmlinux: exit 0" 0 $?
t1=$(date +%s%N)
pass "sites: $(sed -n 's/^# //p' "$SITES") from $(( $(stat -c %s "$vmlinux") >> 20 )) MiB of vmlinux in $(( (t1 - t0) / 1000000 )) ms"
expect_match "sites: the zap path's enable" '^site enable .* __zap_vma_range\+0x' "$(grep '^site enable ' "$SITES")"
expect_match "sites: the vmalloc path's enables" 'vmap_small_pages_range_noflush\+0x' "$(grep '^site enable ' "$SITES")"

# The same sites as ftrace kprobe events, at _text+OFFSET (KASLR moves _text, not offsets).
python3 - "$SITES" >"$out/x/etc/lazytrace/kprobe_events" <<'PY'
import sys
text, n = None, 0
for line in open(sys.argv[1]):
    f = line.split()
    if f and f[0] == "text":
        text = int(f[1], 16)
    elif f and f[0] == "site":
        n += 1
        print(f"p:lts/{f[1]}_{n} _text+0x{int(f[2], 16) - text:x}")
PY

scripts/guest-run -q --kernel stock:7.2 --append kfence.sample_interval=1 --extra "$out/x" \
	--out "$out/g" --timeout 300 -- sh -c '
	S=/etc/lazytrace/sites
	lazytrace probe --sites $S >/out/probe.txt 2>&1; echo $? >/out/probe.rc
	lazytrace-vs-ftrace stock $S /etc/lazytrace/kprobe_events -- lazy-workload -m 4 -r 2 -V 4 -v 1024 -f 10
	RECORD_OPTS="--source dwarf --sites $S" top-vs-record stock-top --interval 0.2 --source dwarf --sites $S -- \
		lazy-workload -m 4 -r 2 -V 4 -v 1024 -f 10' \
	>"$out/console.log" 2>&1
expect_eq "stock $release: guest run exits 0" 0 $? || tail -20 "$out/console.log"
expect_eq "probe --sites: exit 0" 0 "$(cat "$out/g/probe.rc" 2>/dev/null)"
expect_match "probe: the mode with the sites is probes+dwarf" '^mode: +probes\+dwarf$' \
	"$(grep '^mode:' "$out/g/probe.txt")"
expect_eq "command, lazytrace exit 0; ftrace lost nothing" "command=0 lazytrace=0 ftrace_lost=0" \
	"$(cat "$out/g/stock.status" 2>/dev/null)"

# The kernel accepts the same sites from lazytrace as from ftrace.
read -r _ ft_placed _ ft_refused <"$out/g/stock.placed"
lt_placed=$(sed -n 's/^lazytrace: probes+dwarf: \([0-9]*\) sites.*/\1/p' "$out/g/stock.stderr")
expect_eq "the kernel placed as many of lazytrace's sites as of ftrace's ($ft_refused refused to both)" "$ft_placed" "$lt_placed"
expect_eq "every refusal is named on stderr" "$ft_refused" \
	"$(grep -c '^lazytrace: not probed: .*kprobe refused' "$out/g/stock.stderr")"

$LT dump --format json "$out/g/stock.lt" >"$out/stock.json" 2>"$out/dump.err"
c=$(tests/lab/ltjson.py counts "$out/stock.json")
ft() { awk -v e="$1" '$1 == e { print $2 }' "$out/g/stock.ftrace"; }
# Transitions: every hit is one item (interrupt context included: "ignored_irq").
expect_eq "enable: lazytrace's items = ftrace's hits at the enable sites" "$(ft enable)" "$(kv "$c" type.enable)"
expect_eq "disable: lazytrace's items = ftrace's hits at the disable sites" "$(ft disable)" "$(kv "$c" type.disable)"
# A deferral site is hit for every valid kernel entry written; only those in an active lazy
# section defer. A flush site is hit at every leave; it flushes only what is pending.
d=$(kv "$c" type.defer) f=$(kv "$c" type.flush)
if [ "${d:-0}" -ge 1 ] && [ "$d" -le "$(ft defer)" ]; then
	pass "deferrals: $d of $(ft defer) deferral-site hits deferred"
else
	fail "deferrals: some, at most the site hits" "lazytrace $d, ftrace hits $(ft defer)"
fi
if [ "${f:-0}" -ge 1 ] && [ "$f" -le $(( $(ft flush) + $(kv "$c" type.disable) )) ]; then
	pass "flushes: $f (flush-site hits $(ft flush))"
else
	fail "flushes: some, at most the flush and leave hits" "lazytrace $f, ftrace flush hits $(ft flush)"
fi
expect_eq "no anomaly: every section's disable was seen" 0 "$(kv "$c" summary.anomalies)"

# Sections opened in the zap and vmalloc paths, with depth and deferrals.
facts=$($LT stats --json "$out/g/stock.lt" | python3 -c '
import json, sys
s = json.load(sys.stdin)
def f(prefix):
    rows = [r for r in s["sites"] if r["site"].startswith(prefix)]
    return sum(r["sections"] for r in rows), sum(r["deferred_ptes"] for r in rows)
z, zd = f("__zap_vma_range+")
v, vd = f("vmap_small_pages_range_noflush+")
md, mode = s["max_depth"], s["trace"]["mode"]
print(f"zap={z} zap_deferred={zd} vmap={v} vmap_deferred={vd} max_depth={md} mode={mode}")
')
expect_eq "the recording's mode" "probes+dwarf" "$(kv "$(tr ' ' '\n' <<<"$facts")" mode)"
expect_match "sections opened in the zap path (munmap)" 'zap=[1-9]' "$facts"
expect_match "sections opened in the vmalloc path (BPF maps, fork stacks), with deferred PTEs" 'vmap=[1-9][0-9]* vmap_deferred=[1-9]' "$facts"
expect_match "depth seen" 'max_depth=[1-9]' "$facts"

# `top --source dwarf` on the distribution kernel: counted in the kernel from the same kprobes,
# against `record --source dwarf` of the same process (tests/guest/top-vs-record), exactly.
expect_eq "top: the command, record and top exit 0" "command=0 record=0 top=0" "$(cat "$out/g/stock-top.status" 2>/dev/null)"
$LT stats --json "$out/g/stock-top.lt" >"$out/stock-top.stats.json" 2>/dev/null
tf=$(tests/lab/lttop.py "$out/g/stock-top.top.json" "$out/stock-top.stats.json" 2>&1)
for k in sections nested_sections max_depth deferred_ptes flushes; do
	pair=$(kv "$tf" "total.$k")
	expect_pair "top on stock $release: total $k = stats' ($pair)" "$pair"
done
expect_match "... some sections and deferrals" '^[1-9][0-9]* ' "$(kv "$tf" total.deferred_ptes)"
expect_eq "... the same sites" same "$(kv "$tf" site_names)"
expect_eq "... every site's sections, nested, deferred, flushes, completed ($(kv "$tf" sites) sites)" equal "$(kv "$tf" site_figures)"
expect_eq "... nothing overflowed" 0 "$(kv "$tf" overflow)"

finish
