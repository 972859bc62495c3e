#!/usr/bin/env bash
# bench/replay.sh: how fast `lazytrace` replays a recording on this (x86-64) host, against its
# targets, as a markdown fragment.
#
#   bench/replay.sh [--events N] [--trace-dat FILE] [--out FRAGMENT.md]
#
# A synthetic recording of N events (default 10,000,000; bench/ltgen, seed 1, 4 tasks) is
# made once in ${XDG_CACHE_HOME:-~/.cache}/lazytrace/bench/ (LAZYTRACE_CACHE=DIR: DIR/bench),
# with one twice as big. `stats`, `dump --format json` and `dump --format text` (output to
# /dev/null) each run 5 times (BENCH_RUNS) pinned to one core; the best time counts, and the peak RSS
# (GNU time's %M, or else the process's VmHWM) the highest of them. `stats` also runs on the 2x file:
# the memory must not grow with the file. With --trace-dat, `trace-cmd report -i FILE` is
# timed the same way and the costs per event compared.
#
# Targets: stats >= 20 M events/s, dump text >= 3 M events/s, dump text >= 5x faster per
# event than trace-cmd report, peak RSS < 32 MiB whatever the file size.
# NO_GTIME=1: poll VmHWM even where GNU time is installed (what a host without it does).
# Exit status: 0 (also when a target is missed: the fragment says so), 1 on errors, 2 usage.
set -euo pipefail
cd "$(dirname "$0")/.."

events=10000000
trace_dat=
out=
usage() {
	sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}
while [ $# -gt 0 ]; do
	case $1 in
	--events) events=${2:?}; shift 2 ;;
	--events=*) events=${1#*=}; shift ;;
	--trace-dat) trace_dat=${2:?}; shift 2 ;;
	--trace-dat=*) trace_dat=${1#*=}; shift ;;
	--out) out=${2:?}; shift 2 ;;
	--out=*) out=${1#*=}; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "bench/replay.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
case $events in
''|*[!0-9]*|0) echo "bench/replay.sh: invalid --events '$events'" >&2; exit 2 ;;
esac
if [ -n "$trace_dat" ] && [ ! -r "$trace_dat" ]; then
	echo "bench/replay.sh: cannot read $trace_dat" >&2
	exit 1
fi
if [ -n "$trace_dat" ] && ! command -v trace-cmd >/dev/null; then
	echo "bench/replay.sh: --trace-dat needs trace-cmd on this host" >&2
	exit 1
fi

lt=build/host/lazytrace
gen=build/host/ltgen
for b in "$lt" "$gen"; do
	[ -x "$b" ] || { echo "bench/replay.sh: $b missing (make $b)" >&2; exit 1; }
done
cache=${LAZYTRACE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lazytrace}/bench
mkdir -p "$cache"
# The last core: the other one keeps the rest of the machine.
core=$(( $(nproc) - 1 ))

# recording N: the file for N events, made again when ltgen is newer than it
recording() {
	local f="$cache/replay-$1-seed1.lt"

	if [ ! -s "$f" ] || [ ! -s "$f.truth" ] || [ "$gen" -nt "$f" ]; then
		echo "bench/replay.sh: writing $f ($1 events)" >&2
		"$gen" -o "$f.tmp" -n "$1" --seed 1 --tasks 4 --force >"$f.truth.tmp"
		mv "$f.tmp" "$f"
		mv "$f.truth.tmp" "$f.truth"
	fi
	echo "$f"
}
file=$(recording "$events")
file2=$(recording $((events * 2)))

# measure NAME EVENTS CMD...: "NAME EVENTS best-seconds max-rss-KiB", best of $runs runs pinned to
# one core, output to /dev/null. Peak RSS: GNU time's %M where it is installed, else the
# kernel's VmHWM of the process, polled (it is the program's own high-water mark: exec
# starts it afresh, unlike wait4's ru_maxrss, which counts the python that forked it).
measure() {
	python3 - "$core" "$runs" "$([ -n "${NO_GTIME:-}" ] || command -v /usr/bin/time || true)" "$@" <<'PY'
import os, subprocess, sys, tempfile, time
core, runs, gtime, name, events, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]

def hwm(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

best, rss = None, 0
for _ in range(runs):
    with open(os.devnull, "wb") as null, tempfile.NamedTemporaryFile("r") as tf:
        argv = ["taskset", "-c", core] + ([gtime, "-f", "%M", "-o", tf.name] if gtime else []) + cmd
        seen = 0
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=null, stderr=subprocess.DEVNULL)
        while p.poll() is None and not gtime:
            seen = max(seen, hwm(p.pid))
            time.sleep(0.002)
        p.wait()
        dt = time.perf_counter() - t0
        if gtime:
            lines = [l for l in tf.read().split() if l.isdigit()]
            seen = int(lines[-1]) if lines else 0
    if p.returncode != 0:
        sys.exit(f"bench/replay.sh: {' '.join(cmd)} failed (exit {p.returncode})")
    best = dt if best is None else min(best, dt)
    rss = max(rss, seen)
print(name, events, f"{best:.4f}", rss)
PY
}

# The machine is a shared VM: a few runs catch a quiet moment.
runs=${BENCH_RUNS:-5}
case $runs in ''|*[!0-9]*|0) echo "bench/replay.sh: BENCH_RUNS must be a positive number" >&2; exit 2 ;; esac
results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "bench/replay.sh: timing lazytrace on $file (core $core)" >&2
measure stats "$events" "$lt" stats "$file" >>"$results"
measure "dump json" "$events" "$lt" dump --format json "$file" >>"$results"
measure "dump text" "$events" "$lt" dump --format text --no-color "$file" >>"$results"
measure "stats (2x file)" $((events * 2)) "$lt" stats "$file2" >>"$results"
if [ -n "$trace_dat" ]; then
	# Events: the lines of the report that are events ("comm-pid [cpu] ts: name: ...").
	tc_events=$(trace-cmd report -i "$trace_dat" 2>/dev/null |
		grep -cE '^ *.+-[0-9]+ +\[[0-9]+\] .*[0-9]+\.[0-9]+: ' || true)
	if [ "${tc_events:-0}" -gt 0 ]; then
		echo "bench/replay.sh: timing trace-cmd report on $trace_dat ($tc_events events)" >&2
		measure "trace-cmd report" "$tc_events" trace-cmd report -i "$trace_dat" >>"$results"
	else
		echo "bench/replay.sh: $trace_dat: no events in trace-cmd's report" >&2
	fi
fi

rss_how="the process's VmHWM, polled"
[ -n "${NO_GTIME:-}" ] || [ -z "$(command -v /usr/bin/time || true)" ] || rss_how="GNU time %M"
fragment=$(python3 - "$results" "$file" "$events" "${trace_dat:-}" "$core" "$rss_how" "$runs" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    *name, ev, secs, rss = line.split()
    rows[" ".join(name)] = (int(ev), float(secs), int(rss))
path, events, dat, core, rss_how, runs = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
tc = rows.get("trace-cmd report")
tc_ns = tc[1] / tc[0] * 1e9 if tc else None

def mib(kib):
    return kib / 1024

out = []
out.append(f"Recording: `{path}` ({events:,} events, bench/ltgen seed 1, 4 tasks); each command "
           f"best of {runs} runs pinned to CPU {core}, output to /dev/null; peak RSS: {rss_how}.")
if dat:
    out.append(f"trace-cmd: `trace-cmd report -i {dat}`" +
               (f" ({tc[0]:,} events)." if tc else ": no events, not compared."))
out.append("")
out.append("| command | events | seconds | events/s | ns/event | peak RSS (MiB) | vs trace-cmd report |")
out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
label = {"stats": "`lazytrace stats`", "dump json": "`lazytrace dump --format json`",
         "dump text": "`lazytrace dump --format text`",
         "stats (2x file)": "`lazytrace stats` (2x file)", "trace-cmd report": "`trace-cmd report`"}
for k in ["stats", "dump json", "dump text", "stats (2x file)", "trace-cmd report"]:
    if k not in rows:
        continue
    ev, secs, rss = rows[k]
    ns = secs / ev * 1e9
    vs = f"{tc_ns / ns:.1f}x faster" if tc_ns and k != "trace-cmd report" else "-"
    out.append(f"| {label[k]} | {ev:,} | {secs:.3f} | {ev / secs / 1e6:.2f} M | {ns:.1f} | "
               f"{mib(rss):.1f} | {vs} |")

def verdict(ok):
    return "PASS" if ok else "MISS"

st, dt = rows["stats"], rows["dump text"]
st_rate, dt_rate = st[0] / st[1], dt[0] / dt[1]
lt_rows = [v for k, v in rows.items() if k != "trace-cmd report"]
max_rss = max(v[2] for v in lt_rows)
out.append("")
out.append("| target | measured | result |")
out.append("| --- | --- | --- |")
out.append(f"| `stats` >= 20 M events/s on one core | {st_rate / 1e6:.2f} M events/s | {verdict(st_rate >= 20e6)} |")
out.append(f"| `dump --format text` >= 3 M events/s | {dt_rate / 1e6:.2f} M events/s | {verdict(dt_rate >= 3e6)} |")
if tc_ns:
    r = tc_ns / (dt[1] / dt[0] * 1e9)
    out.append(f"| `dump --format text` >= 5x faster per event than `trace-cmd report` | {r:.1f}x | {verdict(r >= 5)} |")
else:
    out.append("| `dump --format text` >= 5x faster per event than `trace-cmd report` | not measured (no --trace-dat) | - |")
s1, s2 = rows["stats"][2], rows["stats (2x file)"][2]
out.append(f"| peak RSS < 32 MiB whatever the file size | {mib(max_rss):.1f} MiB max; `stats` "
           f"{mib(s1):.1f} MiB at {st[0]:,} events, {mib(s2):.1f} MiB at {rows['stats (2x file)'][0]:,} | "
           f"{verdict(max_rss < 32 * 1024)} |")
print("\n".join(out))
PY
)
if [ -n "$out" ]; then
	printf '%s\n' "$fragment" >"$out"
	echo "bench/replay.sh: wrote $out" >&2
else
	printf '%s\n' "$fragment"
fi
