#!/usr/bin/env python3
"""tests/lab/ltsame.py: do two `lazytrace dump --format json` outputs tell the same story?

  ltsame.py A.json B.json

Compares, task by task, the sequence of what the reconstruction says: every transition with
its action and depth, every deferral (with its page-table level), every flush with the
deferrals it completes, hazards with their kind and page, anomalies with their kind. Call
sites are left out (a tracepoint names the helper's caller at one offset, a DWARF site at
the helper's first instruction), and so are map, pte and access items (the probes behind
them differ by design) and the global "lost" anomalies (see REPORTED).

IRQ: transitions made in interrupt context (action ignored_irq) are compared as a sequence
of their own per task. Where they fall among the task's own items depends on where each
source observes a helper: a site probe fires at its first instruction, the tracepoint after
the helper updated the counters (and after the flush of a disable); an interrupt taken in
between is seen before the transition by one and after it by the other. A side that
reported lost events may lack that many interrupt items (a recursion miss can only skip
events of an interrupt taken while one of lazytrace's programs ran), and nothing else. Prints key=value lines:
  tasks=N items=N           tasks and compared items in A
  same=1                    every task's sequence and the summary's figures are equal
  first_diff=...            else the first difference (task, position, A's item, B's item)
  summary.KEY=A/B           each summary figure of A and B
"""
import sys
from collections import OrderedDict

import ltjson

FIGURES = ("sections", "nested_sections", "max_depth", "deferred_ptes", "flushes",
           "hazards_confirmed", "hazards_potential")
# Printed, not compared: each recorder counts its own recursion misses, for the whole system
# (before the --pid filter), and they skip only interrupts' events; what a loss did to the
# traced tasks shows in their sequences, which are compared (see missed_only).
REPORTED = ("lost_events", "anomalies")


def load(path):
    seqs, summary = OrderedDict(), {}
    for o in ltjson.load(path):
        t = o.get("type")
        if t == "summary":
            summary = o
            continue
        if t in ("enable", "disable", "pause", "resume") and o.get("action") == "ignored_irq":
            # interrupt context: its own stream (see IRQ below)
            seqs.setdefault((o.get("tid"), "irq"), []).append(f"{t} ignored_irq")
            continue
        if t in ("enable", "disable", "pause", "resume"):
            item = f"{t} {o.get('action')} depth={o.get('depth')} inferred={o.get('inferred')}"
        elif t == "defer":
            item = f"defer {o.get('level')} x{o.get('count', 1)}"
        elif t == "flush":
            item = f"flush {o.get('count')} inferred={o.get('inferred')} depth={o.get('depth')}"
        elif t == "hazard":
            item = f"hazard {o.get('kind')} {o.get('addr')}"
        elif t == "anomaly" and o.get("kind") != "lost":
            item = f"anomaly {o.get('kind')}"
        else:
            continue
        seqs.setdefault((o.get("tid"), "task"), []).append(item)
    return seqs, summary


def unfold(seq):
    """Deferral runs may be folded differently (a run ends at the next item of any kind the
    other side shows): compare them one deferral at a time."""
    out = []
    for item in seq:
        if item.startswith("defer "):
            level, count = item.split()[1], int(item.split()[2][1:])
            out.extend([f"defer {level}"] * count)
        else:
            out.append(item)
    return out


def subsequence(short, long):
    it = iter(long)
    return all(item in it for item in short)


def missed_only(x, y, lost_x, lost_y):
    """A recursion miss (counted in lost_events) drops only interrupt-context events: a side
    may lack at most as many interrupt items as it lost events, and nothing else."""
    if len(x) < len(y):
        return len(y) - len(x) <= lost_x and subsequence(x, y)
    return len(x) - len(y) <= lost_y and subsequence(y, x)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, sa = load(sys.argv[1])
    b, sb = load(sys.argv[2])
    diff = None
    lost_a, lost_b = sa.get("lost_events", 0) or 0, sb.get("lost_events", 0) or 0
    for tid in list(a) + [t for t in b if t not in a]:
        x, y = unfold(a.get(tid, [])), unfold(b.get(tid, []))
        if x != y and tid[1] == "irq" and missed_only(x, y, lost_a, lost_b):
            continue
        if x != y:
            i = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]), min(len(x), len(y)))
            diff = (f"tid {tid} item {i}: A '{x[i] if i < len(x) else 'end'}' "
                    f"B '{y[i] if i < len(y) else 'end'}' (A has {len(x)}, B {len(y)})")
            break
    figures_same = all(sa.get(k) == sb.get(k) for k in FIGURES)
    print(f"tasks={len({k[0] for k in a})}")
    print(f"items={sum(len(unfold(s)) for s in a.values())}")
    print(f"same={int(diff is None and figures_same and bool(sa) and bool(sb))}")
    print(f"first_diff={diff or 'none'}")
    for k in FIGURES + REPORTED:
        print(f"summary.{k}={sa.get(k)}/{sb.get(k)}")


if __name__ == "__main__":
    main()
