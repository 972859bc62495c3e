#!/usr/bin/env bash
# tests/lab/test-compare-stats.sh: the statistics of `lazytrace compare`, checked against values
# computed here, independently, in Python (the statistics module and hand-written code: the t
# distribution by Simpson's rule on its density, its quantile by bisection, the exact
# Mann-Whitney p by enumerating every split of the pooled runs). The runs are bench/ltgen
# recordings of one kernel build (--build-id), each with its own seed (the rest of the stream
# varies), and one section of a size drawn here (--batch N at ltgen_batch+0x24): a figure whose
# every run's value is known in advance. Host only, a few seconds.
#
#   same      A and B both ~ N(40, 4), 8 runs a side: no change to find
#   shifted   A ~ N(40, 4), B ~ N(55, 4), 8 runs a side: a change to find
#   zero      5 runs a side of exactly 13 (A) and 8 (B): no variance at all
#   single    one run a side: nothing to test
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/assert.sh
lt=build/host/lazytrace
gen=build/host/ltgen
scratch_out

# The draws: random.Random(SEED), round(gauss(mu, sigma)) clipped to 1..120, in the order
# same A, same B, shifted A, shifted B. With SEED 5 (batch deferrals at ltgen_batch+0x24):
#   same     A 35 35 43 31 39 31 44 41, B 45 38 42 39 37 41 35 39 (means 37.375, 39.5)
#            welch t 1.002, df 11.55, p 0.3369; mwu U 39.5, exact p 0.4514: not significant
#            under both (and at --confidence 0.9)
#   shifted  A 43 40 38 49 40 38 41 38, B 53 54 63 55 56 58 63 54 (means 40.875, 57)
#            welch t 8.349, df 13.93, p 8.61e-7; mwu U 64, exact p 2/12870 = 0.000155:
#            significant under both
#   zero     welch p 0 (t infinite: null), mwu U 0, exact p 2/252 = 0.00794: significant
SEED=5
BUILD=c0ffee0000005eed		# one kernel build for all runs...
OTHER=0ddba11000000002		# ... but for a copy of shifted B
N=3000

cat >"$out/stats.py" <<'PY'
import itertools, json, math, random, statistics, sys

# ------------------------------------------------------------------ the draws
def draw(seed):
    rng = random.Random(seed)
    one = lambda mu, sigma: [min(120, max(1, round(rng.gauss(mu, sigma)))) for _ in range(8)]
    return [("same", one(40, 4), one(40, 4)), ("shifted", one(40, 4), one(55, 4))]

# ------------------------------------------------------------------ Student's t
def t_pdf(x, df):
    return math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
                    - (df + 1) / 2 * math.log1p(x * x / df))

def simpson(f, lo, hi, n=2000):
    h = (hi - lo) / n
    s = f(lo) + f(hi)
    for i in range(1, n):
        s += (4 if i % 2 else 2) * f(lo + i * h)
    return s * h / 3

def t_tail(t, df):
    """P(T > t) for t >= 0."""
    if t <= 1:
        return 0.5 - simpson(lambda x: t_pdf(x, df), 0.0, t)
    # x = t / u maps (t, inf) onto (0, 1]: a finite range, and the tail keeps its digits
    return simpson(lambda u: 0.0 if u == 0 else t_pdf(t / u, df) * t / (u * u), 0.0, 1.0)

def t_cdf(t, df):
    return t_tail(-t, df) if t < 0 else 1 - t_tail(t, df)

def t_quantile(p, df):
    lo, hi = -1.0, 1.0
    while t_cdf(lo, df) > p:
        lo *= 2
    while t_cdf(hi, df) < p:
        hi *= 2
    for _ in range(64):	# the bracket down to ~1e-18 of its width
        mid = (lo + hi) / 2
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2

# ------------------------------------------------------------------ the tests
def welch(a, b, conf):
    """t, df, p, and the interval of mean(b) - mean(a); t None when infinite."""
    d = statistics.mean(b) - statistics.mean(a)
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    if va + vb == 0:
        return (0.0 if d == 0 else None), None, (1.0 if d == 0 else 0.0), d, d
    se = math.sqrt(va + vb)
    t = d / se
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    q = t_quantile(1 - (1 - conf) / 2, df)
    return t, df, 2 * t_tail(abs(t), df), d - q * se, d + q * se

def mwu(a, b):
    """U of b (pairs b > a, ties half) and the exact two-sided p over all splits, mid-ranks."""
    u = sum(1.0 if y > x else 0.5 if y == x else 0.0 for x in a for y in b)
    pool = sorted(a + b)
    rank = {v: (pool.index(v) + 1 + len(pool) - pool[::-1].index(v)) / 2 for v in pool}
    ranks = [rank[v] for v in a + b]
    nb, mu = len(b), len(a) * len(b) / 2
    hits = total = 0
    for pick in itertools.combinations(range(len(ranks)), nb):
        ub = sum(ranks[i] for i in pick) - nb * (nb + 1) / 2
        hits += abs(ub - mu) >= abs(u - mu) - 1e-9
        total += 1
    return u, hits / total

# ------------------------------------------------------------------ checking
out = []

def check(name, got, exp, rel=1e-9):
    if exp is None or isinstance(exp, (str, bool, tuple)):
        ok = got == exp
    elif isinstance(got, bool) or not isinstance(got, (int, float)):
        ok = False
    elif exp == 0:
        ok = abs(got) <= 1e-12
    else:
        ok = abs(got - exp) <= rel * abs(exp)
    out.append((name, "ok" if ok else f"expected {exp!r}, got {got!r}"))

def fig_checks(label, fig, a, b, test, conf, verdict):
    for side, x in (("a", a), ("b", b)):
        s = fig[side]
        check(f"{label}: {side}.n", s["n"], len(x))
        check(f"{label}: {side}.mean", s["mean"], statistics.mean(x))
        check(f"{label}: {side}.sd", s["sd"], statistics.stdev(x) if len(x) > 1 else None)
        check(f"{label}: {side}.min", s["min"], min(x))
        check(f"{label}: {side}.max", s["max"], max(x))
    ma = statistics.mean(a)
    d = statistics.mean(b) - ma
    check(f"{label}: delta", fig["delta"], d)
    check(f"{label}: ratio", fig["ratio"], statistics.mean(b) / ma)
    check(f"{label}: change", fig["change"], d / ma)
    if len(a) < 2 or len(b) < 2:
        for k in ("change_lo", "change_hi", "stat", "df", "p"):
            check(f"{label}: {k} null", fig[k], None)
        check(f"{label}: verdict", fig["verdict"], "untested")
        return
    t, df, p, lo, hi = welch(a, b, conf)
    check(f"{label}: change_lo (Welch, {conf})", fig["change_lo"], lo / ma, 1e-6)
    check(f"{label}: change_hi (Welch, {conf})", fig["change_hi"], hi / ma, 1e-6)
    if test == "welch":
        check(f"{label}: t", fig["stat"], t)
        check(f"{label}: Welch df", fig["df"], df)
    else:
        u, p = mwu(a, b)
        check(f"{label}: U of B", fig["stat"], u)
        check(f"{label}: df null", fig["df"], None)
    check(f"{label}: p ({test})", fig["p"], p, 1e-6)
    mine = "significant" if p < 1 - conf else "not significant"
    check(f"{label}: verdict", fig["verdict"], verdict if verdict != "-" else mine)
    if verdict != "-":
        check(f"{label}: the verdict of Python's p, {p:.4g}, is also '{verdict}'", mine, verdict)

def cmd_check(args):
    o = dict(x.split("=", 1) for x in args)
    j = json.load(open(o["json"]))
    label, conf = o["label"], float(o["conf"])
    vals = lambda s: [int(v) for v in s.split(",")]
    check(f"{label}: \"by\"", j["by"], o["by"])
    check(f"{label}: \"test\"", j["test"], o["test"])
    check(f"{label}: \"confidence\"", j["confidence"], conf)
    if o["row"] == "totals":
        fig = j["totals"][o["metric"]]
    else:
        rows = [s for s in j["sites"] if s["site"] == o["row"]]
        check(f"{label}: one row {o['row']}", len(rows), 1)
        if len(rows) != 1:
            return
        row = rows[0]
        check(f"{label}: {o['row']} in both", row["in"], "both")
        for k in ("sections", "flushes"):	# the batch's: one section, one flush, every run
            for side in ("a", "b"):
                check(f"{label}: {k} {side}.min = {side}.max = 1",
                      (row[k][side]["min"], row[k][side]["max"]), (1, 1))
        fig = row[o["metric"]]
    fig_checks(label, fig, vals(o["a"]), vals(o["b"]), o["test"], conf, o.get("verdict", "-"))

def cmd_self():
    # the hand-written t against table values: t(0.975, 7) = 2.364624, t(0.95, 10) = 1.812461
    check("checker: t quantile 0.975, df 7 (table: 2.364624)", t_quantile(0.975, 7), 2.364624, 1e-6)
    check("checker: t quantile 0.95, df 10 (table: 1.812461)", t_quantile(0.95, 10), 1.812461, 1e-6)
    check("checker: two-sided p of t 2.228139, df 10 (table: 0.05)", 2 * t_tail(2.228139, 10), 0.05, 1e-5)
    check("checker: exact U p of 3 vs 3 fully apart (2/20)", mwu([1, 2, 3], [4, 5, 6])[1], 0.1)

if sys.argv[1] == "draw":
    for name, a, b in draw(int(sys.argv[2])):
        print(name, ",".join(map(str, a)), ",".join(map(str, b)))
elif sys.argv[1] == "deferred":	# ltgen's own totals: deferred_ptes of each run
    print(",".join(str(json.load(open(f))["deferred_ptes"]) for f in sys.argv[2:]))
elif sys.argv[1] == "check":
    cmd_check(sys.argv[2:])
elif sys.argv[1] == "self":
    cmd_self()
for name, status in out:
    print(f"{name}\t{status}")
PY

# checks ARGS...: the checker's lines, each a pass or fail; and the checker must have run
checks() {
	local res rc what=$1 arg
	for arg; do [ "${arg#label=}" = "$arg" ] || what=${arg#label=}; done
	res=$(python3 "$out/stats.py" "$@" 2>"$out/py.err")
	rc=$?
	while IFS=$'\t' read -r name status; do
		[ -n "$name" ] && expect_eq "$name" ok "$status"
	done <<<"$res"
	expect_eq "$what: the checker ran to its end" "0 " "$rc $(tail -c 300 "$out/py.err")"
}

checks self

# ------------------------------------------------------------------ the recordings
genfail=0
run_seed=1000
# mk NAME BUILD BATCH...: NAME-1.lt... (and .truth: what ltgen says it wrote), own seeds
mk() {
	local name=$1 build=$2 i=0 v
	shift 2
	for v in "$@"; do
		i=$((i + 1))
		run_seed=$((run_seed + 1))
		"$gen" -o "$out/$name-$i.lt" -n $N --seed $run_seed --build-id "$build" --batch "$v" \
			>"$out/$name-$i.truth" 2>"$out/err" || { genfail=$((genfail + 1)); cat "$out/err"; }
	done
}

declare -A A B
while read -r name a b; do
	A[$name]=$a
	B[$name]=$b
	IFS=, read -ra runs <<<"$a"
	mk "$name-a" $BUILD "${runs[@]}"
	IFS=, read -ra runs <<<"$b"
	mk "$name-b" $BUILD "${runs[@]}"
done < <(python3 "$out/stats.py" draw $SEED)
expect_eq "the draws: sets same and shifted" "same shifted" "$(printf '%s\n' "${!A[@]}" | sort | xargs)"
IFS=, read -ra runs <<<"${B[shifted]}"
mk shifted-b-other $OTHER "${runs[@]}"
mk zero-a $BUILD 13 13 13 13 13
mk zero-b $BUILD 8 8 8 8 8
expect_eq "ltgen wrote every recording" 0 $genfail

# The generator's side of the bargain, on one run: the batch is a site of its own with exactly
# the drawn deferrals, one section and one flush, and stats agrees with ltgen's totals.
"$lt" stats --json "$out/shifted-b-1.lt" >"$out/stats.json"
expect_eq "ltgen --batch: stats shows ltgen_batch+0x24 with 1 section, ${B[shifted]%%,*} deferrals, 1 flush" \
	"1 ${B[shifted]%%,*} 1" "$(python3 -c '
import json, sys
s = [x for x in json.load(open(sys.argv[1]))["sites"] if x["site"] == "ltgen_batch+0x24"]
print(" ".join(str(s[0][k]) for k in ("sections", "deferred_ptes", "flushes")) if len(s) == 1 else s)' "$out/stats.json")"
expect_eq "... and the totals ltgen printed" "$(python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["deferred_ptes"])' "$out/shifted-b-1.truth")" "$(python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["deferred_ptes"])' "$out/stats.json")"
"$gen" -o "$out/x.lt" -n 50 --batch 47 >"$out/gen.out" 2>"$out/err"
expect_eq "ltgen --batch 47 -n 50: exit 2" 2 $?
expect_match "... with one line saying so" '^ltgen: --batch 47 needs at least 51 events' "$(cat "$out/err")"
expect_eq "... and no file" "" "$(ls "$out/x.lt" 2>/dev/null)"

# ------------------------------------------------------------------ the comparisons
# cmpj LABEL OUT-NAME COMPARE-ARGS...: compare --json, exit 0, nothing on stderr (no warning)
cmpj() {
	local label=$1 name=$2
	shift 2
	"$lt" compare --json "$@" >"$out/$name.json" 2>"$out/err"
	expect_eq "$label: compare exits 0" 0 $?
	expect_eq "$label: nothing on stderr" "" "$(cat "$out/err")"
}
site=ltgen_batch+0x24
for set in same shifted; do
	want=$([ $set = same ] && echo "not significant" || echo significant)
	for test in welch mwu; do
		cmpj "$set, $test" "$set-$test" --test $test "$out/$set-a-"?.lt -- "$out/$set-b-"?.lt
		checks check json="$out/$set-$test.json" label="$set, $test, $site deferred_ptes" \
			row=$site metric=deferred_ptes by=site test=$test conf=0.95 verdict="$want" \
			a="${A[$set]}" b="${B[$set]}"
		# the totals, against what ltgen printed it wrote
		checks check json="$out/$set-$test.json" label="$set, $test, totals deferred_ptes" \
			row=totals metric=deferred_ptes by=site test=$test conf=0.95 \
			a="$(python3 "$out/stats.py" deferred "$out/$set-a-"?.truth)" \
			b="$(python3 "$out/stats.py" deferred "$out/$set-b-"?.truth)"
	done
	cmpj "$set, welch, --confidence 0.9" "$set-c90" --confidence 0.9 "$out/$set-a-"?.lt -- \
		"$out/$set-b-"?.lt
	checks check json="$out/$set-c90.json" label="$set, welch, confidence 0.9, $site deferred_ptes" \
		row=$site metric=deferred_ptes by=site test=welch conf=0.9 verdict="$want" \
		a="${A[$set]}" b="${B[$set]}"
done

# By function: on request, and by itself when the sides come from two builds.
cmpj "shifted, --by function" shifted-fn --by function "$out/shifted-a-"?.lt -- \
	"$out/shifted-b-"?.lt
checks check json="$out/shifted-fn.json" label="shifted, --by function, ltgen_batch deferred_ptes" \
	row=ltgen_batch metric=deferred_ptes by=function test=welch conf=0.95 verdict=significant \
	a="${A[shifted]}" b="${B[shifted]}"
cmpj "shifted, B of another build" shifted-other --test mwu "$out/shifted-a-"?.lt -- \
	"$out/shifted-b-other-"?.lt
checks check json="$out/shifted-other.json" label="shifted, B of another build, ltgen_batch deferred_ptes" \
	row=ltgen_batch metric=deferred_ptes by=function test=mwu conf=0.95 verdict=significant \
	a="${A[shifted]}" b="${B[shifted]}"
expect_eq "... no row by site there" 0 "$(grep -c '"site":"ltgen_batch+0x24"' "$out/shifted-other.json")"

# Nothing varies: Welch's t is infinite (null), p 0; U's exact p is 2 / C(10, 5).
for test in welch mwu; do
	cmpj "zero, $test" zero-$test --test $test "$out/zero-a-"?.lt -- "$out/zero-b-"?.lt
	checks check json="$out/zero-$test.json" label="zero, $test, $site deferred_ptes" \
		row=$site metric=deferred_ptes by=site test=$test conf=0.95 verdict=significant \
		a=13,13,13,13,13 b=8,8,8,8,8
done
fig() {	# fig JSON KEY...: a value of the batch site's deferred_ptes figure, as JSON
	python3 -c '
import json, sys
f = [s for s in json.load(open(sys.argv[1]))["sites"] if s["site"] == "ltgen_batch+0x24"][0]["deferred_ptes"]
for k in sys.argv[2:]:
    f = f[k]
print(json.dumps(f))' "$@"
}
expect_eq "zero, welch: sd 0 on both sides" "0 0" "$(fig "$out/zero-welch.json" a sd) $(fig "$out/zero-welch.json" b sd)"
expect_eq "zero, welch: p exactly 0, t null" "0 null" "$(fig "$out/zero-welch.json" p) $(fig "$out/zero-welch.json" stat)"
expect_eq "zero, welch: change -38.46%, an interval of no width" "-38.46 -38.46 -38.46" \
	"$(python3 -c '
import json, sys
f = [s for s in json.load(open(sys.argv[1]))["sites"] if s["site"] == "ltgen_batch+0x24"][0]["deferred_ptes"]
print(" ".join("%.2f" % (100 * f[k]) for k in ("change", "change_lo", "change_hi")))' "$out/zero-welch.json")"
expect_eq "zero, mwu: p = 2/252" ok "$(python3 -c '
import sys; print("ok" if abs(float(sys.argv[1]) - 2 / 252) < 1e-15 else sys.argv[1])' "$(fig "$out/zero-mwu.json" p)")"

# One run a side: figures, no test.
for test in welch mwu; do
	cmpj "single, $test" single-$test --test $test "$out/same-a-1.lt" -- "$out/same-b-1.lt"
	checks check json="$out/single-$test.json" label="single, $test, $site deferred_ptes" \
		row=$site metric=deferred_ptes by=site test=$test conf=0.95 \
		a="${A[same]%%,*}" b="${B[same]%%,*}"
done

# The checker catches wrong figures: a copy of one output with an sd off by one part in a
# million, a p off by 1e-4 of itself and the verdict turned, must fail exactly those checks.
python3 - "$out/shifted-welch.json" "$out/tampered.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
f = [s for s in j["sites"] if s["site"] == "ltgen_batch+0x24"][0]["deferred_ptes"]
f["a"]["sd"] *= 1 + 1e-6
f["p"] *= 1 + 1e-4
f["verdict"] = "not significant"
json.dump(j, open(sys.argv[2], "w"))
PY
expect_eq "a tampered output fails the checker on a.sd, p and the verdict" \
	"shifted, welch, $site deferred_ptes: a.sd|shifted, welch, $site deferred_ptes: p (welch)|shifted, welch, $site deferred_ptes: verdict" \
	"$(python3 "$out/stats.py" check json="$out/tampered.json" label="shifted, welch, $site deferred_ptes" \
		row=$site metric=deferred_ptes by=site test=welch conf=0.95 verdict=significant \
		a="${A[shifted]}" b="${B[shifted]}" | awk -F'\t' '$2 != "ok" { print $1 }' | paste -sd'|')"

finish
