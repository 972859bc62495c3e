#!/usr/bin/env python3
"""tests/lab/lttop.py TOP.json STATS.json: `lazytrace top --json`'s output against `lazytrace
stats --json` of a recording of the same process: facts as key=value lines (see
tests/lab/test-top.sh's check), each "top stats" pair or a verdict."""
import json, sys
tops = [json.loads(l) for l in open(sys.argv[1])]
st = json.load(open(sys.argv[2]))
fin = tops[-1]
def out(k, v): print(f"{k}={v}")
out("objects", len(tops))
out("final_last", int(fin["final"] and all(not t["final"] for t in tops[:-1])))
tot = fin["total"]
for k in ("sections", "nested_sections", "max_depth", "deferred_ptes", "flushes"):
    out(f"total.{k}", f"{tot[k]} {st[k]}")
out("overflow", sum(tot[k] for k in ("depth_overflow", "pend_overflow", "no_state", "sites_full")))
# the kernel's recursion misses are per program and for every task (--pid filters nothing
# there): reported, not part of the exact comparison (test-top's fork runs check them)
out("lost_recursion", tot["lost_recursion"])
out("hazards", int("hazards_confirmed" in tot))
if "hazards_confirmed" in tot:
    out("total.hazards_confirmed", f"{tot['hazards_confirmed']} {st['hazards_confirmed']}")
    out("total.hazards_potential", f"{tot['hazards_potential']} {st['hazards_potential']}")
    out("page_overflow", tot["page_overflow"])
    out("hazards_lost", tot["hazards_lost"] + sum(t["hazards_unlisted"] for t in tops))
out("hist_overflow", tot["hist_overflow"])
ts = {s["site"]: s for s in tot["sites"]}
ss = {s["site"]: s for s in st["sites"]}
out("site_names", "same" if set(ts) == set(ss) else f"top {sorted(set(ts) - set(ss))} stats {sorted(set(ss) - set(ts))}")
bad = []
for site in sorted(set(ts) & set(ss)):
    keys = ["sections", "nested", "deferred_ptes", "flushes", "completed"]
    if "hazards_confirmed" in tot:
        keys += ["hazards_confirmed", "hazards_potential"]
    for k in keys:
        if ts[site][k] != ss[site][k]:
            bad.append(f"{site}.{k}: top {ts[site][k]} stats {ss[site][k]}")
out("site_figures", "equal" if not bad else "; ".join(bad))
out("sites", len(ts))
h = tot["hist"]
hs = lambda key: sum(b["count"] for b in h[key])
out("hist.pending", f"{hs('pending_ns') + tot['hist_overflow']} {sum(s['completed'] for s in tot['sites'])}")
out("hist.batch", f"{hs('deferrals_per_flush')} {tot['flushes']}")
out("hist.section", f"{hs('section_ns')} {tot['sections']}")
# a section's length: its enable's clock read to its flush's (a disable that flushes reuses
# it) or its disable's: any other pairing would show as a section longer than the run
out("section_longest_ok", int(all(b["lo"] < 10**10 for b in h["section_ns"])))
# the intervals add up to the totals
for k in ("sections", "deferred_ptes", "flushes"):
    out(f"intervals.{k}", f"{sum(t['interval'][k] for t in tops)} {tot[k]}")
