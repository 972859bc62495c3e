#!/usr/bin/env bash
# tests/lab/test-cli.sh: the host build's command line: help, version, bad options (exit 2,
# one-line error), and a kernel without arm64 lazy MMU mode (this x86-64 host: exit 1).
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh
lt=build/host/lazytrace

run() { "$lt" "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect_eq "--version exits 0" 0 "$(run --version)"
expect_match "... and names the ABI" '^lazytrace [0-9.]+ \(event ABI [0-9]+\)$' "$(cat "$tmp/out")"
expect_eq "--help exits 0" 0 "$(run --help)"
expect_match "... and lists live and probe" 'live' "$(grep -E '^  (live|probe) ' "$tmp/out" | tr '\n' ' ')"
expect_eq "live --help exits 0" 0 "$(run live --help)"
expect_match "... and documents --duration" '--duration S' "$(cat "$tmp/out")"
expect_eq "probe --help exits 0" 0 "$(run probe --help)"

bad() {	# bad NAME EXPECTED-ERROR-REGEX ARGS...
	local name=$1 re=$2
	shift 2
	expect_eq "$name: exit 2" 2 "$(run "$@")"
	expect_match "$name: one-line error" "$re" "$(cat "$tmp/err")"
	expect_eq "$name: exactly one line on stderr" 1 "$(grep -c '' "$tmp/err" | head -1)"
}
bad "no command" '^usage: lazytrace' 
bad "unknown command" "^lazytrace: unknown command 'frobnicate'" frobnicate
bad "non-numeric --duration" "^lazytrace: invalid value 'x' for --duration" live --duration x
bad "zero --duration" "^lazytrace: invalid value '0' for --duration" live --duration 0
bad "negative --pid" "^lazytrace: invalid value '-3' for --pid" live --pid -3
bad "ring buffer not a power of two" '^lazytrace: --ringbuf-kb must be a power of two$' live --ringbuf-kb 12
bad "access probe without argument" "^lazytrace: invalid --access-probe 'clear_page'" live --access-probe clear_page
bad "access probe argument 0" "^lazytrace: invalid value '0' for --access-probe" live --access-probe clear_page:0
bad "comm too long" '^lazytrace: --comm takes a task name' live --comm abcdefghijklmnopqrstuvwxyz
bad "stray argument" "^lazytrace live: unexpected argument 'extra'" live extra
bad "unknown option" "unrecognized option '--frob'" live --frob
bad "record: a file version it cannot write" "^lazytrace: invalid value '3' for --file-version \\(expected 1\\.\\.2\\)$" record --file-version 3 -o x.lt
bad "live: --file-version without --record" "^lazytrace live: --file-version applies to --record FILE only$" live --file-version 1
bad "live: --redact without --record" "^lazytrace live: --redact applies to --record FILE only$" live --redact
bad "live: record's --flight-recorder, named" "^lazytrace live: option '--flight-recorder' is for 'lazytrace record'$" live --flight-recorder 4 --record x.lt
bad "live: record's --output, named" "^lazytrace live: option '--output' is for 'lazytrace record'$" live --output x.lt
# the offline commands
bad "dump: unknown format" "^lazytrace dump: unknown format 'xml'" dump --format xml x.lt
bad "dump: no file" "^lazytrace dump: no trace file given" dump
bad "dump: negative --from" "^lazytrace dump: invalid value '-1' for --from" dump --from -1 x.lt
bad "dump: --from after --to" "^lazytrace dump: --from is after --to$" dump --from 2 --to 1 x.lt
bad "dump: non-numeric --pid" "^lazytrace dump: invalid value 'abc' for --pid" dump --pid abc x.lt
bad "dump: comm too long" "^lazytrace dump: --comm takes a task name" dump --comm a-name-that-is-too-long x.lt
bad "stats: two files" "^lazytrace stats: unexpected argument 'b'" stats a b
bad "stats: unknown --by" "^lazytrace stats: unknown --by 'line' \(site or function\)$" stats --by line a
bad "compare: one file" "^lazytrace compare: expected A B, or A1 A2 ... -- B1 B2 ..." compare a
bad "compare: three files without --" "^lazytrace compare: expected A B, or A1 A2 ... -- B1 B2 ..." compare a b c
bad "compare: nothing after --" "^lazytrace compare: no recording on side B" compare a b --
bad "compare: nothing before --" "^lazytrace compare: no recording on side A" compare -- a b
bad "compare: unknown --test" "^lazytrace compare: unknown --test 't' \(welch or mwu\)$" compare --test t a b
bad "compare: --confidence out of range" "^lazytrace compare: invalid value '95' for --confidence" compare --confidence 95 a b
bad "compare: --confidence not a number" "^lazytrace compare: invalid value 'high' for --confidence" compare -c high a b
bad "compare: unknown --by after --" "^lazytrace compare: unknown --by 'x'" compare a -- b --by x
mkdir -p "$tmp/empty"
expect_eq "compare: an empty directory: exit 1" 1 "$(run compare "$tmp/empty" "$tmp/empty")"
expect_eq "... one line" "lazytrace compare: $tmp/empty: no recording (*.lt) in the directory" "$(cat "$tmp/err")"
expect_eq "compare --help exits 0" 0 "$(run compare --help)"
expect_match "... and documents --test and the verdict" 'Mann-Whitney.*' "$(tr '\n' ' ' <"$tmp/out")"
expect_eq "compare --help after --: exit 0" 0 "$(run compare a -- --help)"

# This host is x86-64: no arm64 lazy MMU mode.
expect_eq "probe on x86-64 exits 1" 1 "$(run probe)"
expect_match "... saying why" "^reason: +x86_64 kernel: lazy MMU barrier batching is arm64-only$" "$(grep '^reason:' "$tmp/out")"
expect_eq "probe with a missing BTF file exits 1" 1 "$(run probe --btf /nonexistent)"
expect_match "... reporting no BTF" '^BTF: +no$' "$(grep '^BTF:' "$tmp/out")"

finish
