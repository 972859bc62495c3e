#!/usr/bin/env python3
"""tests/lab/ltflat.py: one JSON object (stdin or FILE) as key=value lines, for kv in the lab
tests: nested keys joined with '.', a list of objects that have a "site" key indexed by it
(sites.scenario_write+0x244.deferred_ptes.a.mean), other lists by position (a.0.file);
null as "null", numbers as Python prints them (repr: exact), true/false as is.
  ltflat.py [FILE]
"""
import json
import sys


def flat(prefix, v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            flat(f"{prefix}.{k}" if prefix else k, x, out)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            key = x["site"] if isinstance(x, dict) and "site" in x else str(i)
            flat(f"{prefix}.{key}", x, out)
    elif v is None:
        out.append(f"{prefix}=null")
    elif isinstance(v, bool):
        out.append(f"{prefix}={'true' if v else 'false'}")
    else:
        out.append(f"{prefix}={v!r}" if isinstance(v, float) else f"{prefix}={v}")


def main():
    src = open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin
    out = []
    flat("", json.load(src), out)
    print("\n".join(out))


if __name__ == "__main__":
    main()
