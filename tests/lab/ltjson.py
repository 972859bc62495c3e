#!/usr/bin/env python3
"""tests/lab/ltjson.py: read `lazytrace live --json` output and print facts as key=value.

  ltjson.py counts FILE           whole-run counts: items per type, map items per function,
                                  hazards per kind, and the summary's keys (summary.KEY)
  ltjson.py window FILE PREFIX    the section opened at depth 1 by a call site starting with
                                  PREFIX, up to its close: transitions, deferrals, flushes,
                                  switches (and the deferrals they made visible, in all and
                                  before the first access), PTE updates by what the entry was
                                  before (pte_was.*) and hazards (with class/evidence) inside it
  ltjson.py windows FILE PREFIX   every such window in turn: how many, how many saw a switch
                                  make deferrals visible, and the confirmed hazards of the
                                  windows with and without one
  ltjson.py timelines FILE        each task's items in order (by task, then as they came),
                                  without what differs between two recordings of the same
                                  run (times, addresses of code, section numbering, the
                                  summary's record counts): two views of one run compare equal
Every line of FILE must be a JSON object; a line that is not is an error (exit 1).
"""
import json
import sys
from collections import Counter


def load(path):
    objs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                objs.append(json.loads(line))
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{n}: not JSON: {e}")
    return objs


def func(site):
    return (site or "").split("+")[0]


def counts(objs):
    c = Counter({"kmp_addr.match": 0, "kmp_addr.mismatch": 0, "anomaly.lost": 0})
    last = {}  # task -> (kind of its last item, address)

    def task(o):
        # tid 0 is every CPU's idle task: an interrupt taken in idle on two CPUs at once
        # is two tasks
        tid = o.get("tid")
        return (0, o.get("cpu")) if tid == 0 else tid

    for o in objs:
        t = o.get("type")
        if t == "summary":
            for k, v in o.items():
                if k != "type":
                    c["summary." + k] = v
            continue
        c["type." + str(t)] += 1
        if o.get("context"):
            c["context.%s.%s" % (o["context"], t)] += 1
        if t in ("map", "map_ret"):
            f = o.get('func') or func(o.get('site'))
            c[f"{t}.{f}"] += 1
            # __kernel_map_pages's address (converted from its struct page) must be the one
            # its set_memory_valid() call gets: the task's very next item (an interrupt in
            # between may bring another call in).
            if t == "map" and f == "set_memory_valid" and last.get(task(o), ("", 0))[0] == "kmp":
                ok = last[task(o)][1] == o.get("addr")
                c["kmp_addr.match" if ok else "kmp_addr.mismatch"] += 1
        if o.get("tid") is not None:
            kmp_item = t == "map" and (o.get("func") or func(o.get("site"))) == "__kernel_map_pages"
            last[task(o)] = ("kmp" if kmp_item else t, o.get("addr"))
        if t == "hazard":
            c["hazard." + str(o.get("kind"))] += 1
        if t == "anomaly":
            c["anomaly." + str(o.get("kind"))] += 1
        if t == "access":
            c["access." + func(o.get("site"))] += 1
            k = "access_addrs." + func(o.get("site"))
            c[k] = (c[k] + "," if c[k] else "") + str(o.get("addr"))
    c["lines"] = len(objs)
    c["summary_last"] = int(bool(objs) and objs[-1].get("type") == "summary")
    return c


def window(objs, prefix, start=0):
    """The first window at or after objs[start]; also the index just past its close (or
    len(objs) when none or unclosed)."""
    c = Counter({"hazard.confirmed": 0, "hazard.potential": 0})
    tid, seq, hz, cls = None, [], [], []
    end = len(objs)
    for i in range(start, len(objs)):
        o = objs[i]
        t = o.get("type")
        if tid is None:
            if t == "enable" and o.get("depth") == 1 and (o.get("site") or "").startswith(prefix):
                tid = o.get("tid")
            else:
                continue
        if o.get("tid") != tid:
            continue
        if o.get("context") == "irq":
            # an interrupt's (it carries the interrupted task's tid), not the section's
            c["irq_items"] += 1
            continue
        if t in ("enable", "disable") and o.get("action") == "ignored_irq":
            c["irq_transitions"] += 1  # an interrupt's, not the section's
        elif t in ("enable", "disable"):
            c[t] += 1
            c[f"{t}.{o.get('action')}"] += 1
            c["max_depth"] = max(c["max_depth"], o.get("depth", 0))
        elif t == "defer":
            c["defer"] += o.get("count", 1)
        elif t == "flush":
            c["flush"] += 1
            c["flushed"] += o.get("count", 0)
            seq.append(str(o.get("count", 0)))
        elif t == "hazard":
            c["hazard." + str(o.get("kind"))] += 1
            if o.get("kind") == "confirmed":
                hz.append(str(o.get("addr")))
                cls.append(f'{o.get("class")}/{o.get("evidence")}')
        elif t == "pte":
            c["pte_was." + str(o.get("was", "unknown"))] += 1
        elif t == "switch":
            c["switch"] += 1
            c["made_visible"] += o.get("made_visible", 0)
        elif t == "access" and "first_access" not in c:
            c["first_access"] = 1
            c["made_visible_before_access"] = c["made_visible"]
        if t == "disable" and o.get("depth") == 0:
            c["complete"] = 1
            end = i + 1
            break
    c["flush_seq"] = ",".join(seq) or "none"
    c["confirmed_addrs"] = ",".join(hz) or "none"
    c["confirmed_classes"] = ",".join(cls) or "none"
    return c, end


def windows(objs, prefix):
    """Every window of PREFIX, in turn: how many, how many had a switch make deferrals
    visible (anywhere in the window), and the confirmed hazards of those with and without."""
    c = Counter({"windows": 0, "switched_visible": 0, "hazard.confirmed.switched": 0,
                 "hazard.confirmed.unswitched": 0, "unswitched_without_hazard": 0})
    i = 0
    while i < len(objs):
        w, i = window(objs, prefix, i)
        if "enable" not in w:
            break
        c["windows"] += 1
        if w["made_visible"] > 0:
            c["switched_visible"] += 1
            c["hazard.confirmed.switched"] += w["hazard.confirmed"]
        else:
            c["hazard.confirmed.unswitched"] += w["hazard.confirmed"]
            c["unswitched_without_hazard"] += w["hazard.confirmed"] == 0
    return c


# Keys that differ between two recordings of one run: each recorder reads its own clock,
# numbers the sections of all tasks as they come (two CPUs' order may differ), and a folded
# record's call or update has another (or no) code address; the summary's record counts.
VOLATILE = {"ts_ns", "ip", "site", "section", "defer_ts_ns", "age_ns", "stack",
            "events", "unfolded_events"}


def timelines(objs):
    by_task = {}
    for o in objs:
        tid = o.get("tid")
        # interrupts and idle tasks (tid 0) by CPU, as the reconstruction keeps them
        key = "summary" if o.get("type") == "summary" else \
            "cpu%s/%s" % (o.get("cpu"), o.get("context")) if tid == 0 or o.get("context") else \
            "tid%s" % tid
        line = " ".join(f"{k}={o[k]}" for k in sorted(o) if k not in VOLATILE)
        by_task.setdefault(key, []).append(line)
    return [f"{k}: {line}" for k in sorted(by_task) for line in by_task[k]]


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("counts", "window", "windows", "timelines"):
        sys.exit(__doc__)
    objs = load(sys.argv[2])
    if sys.argv[1] == "timelines":
        print("\n".join(timelines(objs)))
        return
    if sys.argv[1] == "counts":
        c = counts(objs)
    elif sys.argv[1] == "window":
        c = window(objs, sys.argv[3])[0]
    else:
        c = windows(objs, sys.argv[3])
    for k in sorted(c):
        print(f"{k}={c[k]}")


if __name__ == "__main__":
    main()
