#!/usr/bin/env bash
# tests/lab/test-bad-input.sh: the bad-input matrix. Each case: the exact exit code and one
# line on stderr matching the expected error; never a crash.
#  host: options, files (missing, directory, empty, foreign, newer version, truncated header,
#        truncated chunk, bad checksum, absurd lengths), outputs (existing without --force,
#        not writable), no lazy MMU (x86 host), no BTF;
#  guest (patched kernel): unprivileged run, a requested probe that does not exist.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/assert.sh
lt=build/host/lazytrace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# case NAME CODE ERROR-REGEX COMMAND...: exit CODE, exactly one stderr line matching.
case_() {
	local name=$1 code=$2 re=$3 rc
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$code" ] && [ "$(grep -c '' "$tmp/err")" -eq 1 ] && grep -Eq -- "$re" "$tmp/err"; then
		pass "$name: exit $code, \"$(cat "$tmp/err")\""
	else
		fail "$name" "exit $rc (want $code), stderr: $(head -3 "$tmp/err" | tr '\n' '|')"
	fi
}

# Damaged copies of a small valid recording.
python3 - tests/fuzz/corpus/tracefile/nosyms.lt "$tmp" <<'PY'
import struct, sys
src = open(sys.argv[1], 'rb').read()
d = sys.argv[2]
H = struct.unpack_from('<I', src, 12)[0]
def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
    return crc ^ 0xffffffff
def w(name, data):
    open(f"{d}/{name}", 'wb').write(data)
w('empty.lt', b'')
w('foreign.lt', b'this is not a trace file\n' * 10)
b = bytearray(src); struct.pack_into('<I', b, 8, 3)
struct.pack_into('<I', b, H - 4, crc32c(bytes(b[:H - 4]))); w('newer.lt', bytes(b))
w('trunc-header.lt', src[:H - 2])
w('trunc-chunk.lt', src[:H + 40])
b = bytearray(src); b[H + 28 + 3] ^= 0x40; w('badcrc.lt', bytes(b))
b = bytearray(src); struct.pack_into('<I', b, H + 12, 0xfffffff0)
struct.pack_into('<I', b, H + 24, crc32c(bytes(b[H:H + 24]))); w('absurd-chunk.lt', bytes(b))
b = bytearray(src); struct.pack_into('<I', b, 12, 0x7fffffff); w('absurd-header.lt', bytes(b))
PY
cp tests/fuzz/corpus/tracefile/nosyms.lt "$tmp/good.lt"
mkdir "$tmp/dir.lt"

# Command line.
case_ "unknown subcommand" 2 "^lazytrace: unknown command 'frob'" "$lt" frob
case_ "unknown option" 2 "unrecognized option '--frob'" "$lt" live --frob
case_ "bad option value" 2 "^lazytrace: invalid value 'soon' for --duration" "$lt" live --duration soon
case_ "bad dump format" 2 "format" "$lt" dump --format bogus "$tmp/good.lt"
case_ "bad --from" 2 "from" "$lt" dump --from yesterday "$tmp/good.lt"
case_ "record without -o" 2 "^lazytrace record: -o FILE is required$" "$lt" record
# Files.
case_ "missing file" 1 "^lazytrace: $tmp/none.lt: No such file or directory$" "$lt" dump "$tmp/none.lt"
case_ "a directory as file" 1 "^lazytrace: $tmp/dir.lt: is a directory$" "$lt" stats "$tmp/dir.lt"
case_ "empty file" 1 "^lazytrace: $tmp/empty.lt: empty file, not a lazytrace trace$" "$lt" dump "$tmp/empty.lt"
case_ "wrong magic" 1 "^lazytrace: $tmp/foreign.lt: not a lazytrace trace file \(bad magic\)$" "$lt" dump "$tmp/foreign.lt"
case_ "newer format version" 1 "^lazytrace: $tmp/newer.lt: format version 3 is newer than this lazytrace supports \(2\)$" "$lt" dump "$tmp/newer.lt"
case_ "truncated header" 1 "^lazytrace: $tmp/trunc-header.lt: truncated header" "$lt" dump "$tmp/trunc-header.lt"
case_ "truncated chunk (a notice, exit 0)" 0 "^lazytrace: $tmp/trunc-chunk.lt: truncated after the header \(0 events read\)$" "$lt" dump "$tmp/trunc-chunk.lt"
case_ "bad checksum" 1 "^lazytrace: $tmp/badcrc.lt: chunk 0 at offset [0-9]+: checksum mismatch$" "$lt" stats "$tmp/badcrc.lt"
case_ "absurd chunk length" 1 "^lazytrace: $tmp/absurd-chunk.lt: chunk 0 at offset [0-9]+: payload of 4294967280 bytes \(at most 16777216\)$" "$lt" dump "$tmp/absurd-chunk.lt"
case_ "absurd header length" 1 "^lazytrace: $tmp/absurd-header.lt: bad header length 2147483647$" "$lt" dump "$tmp/absurd-header.lt"
case_ "compare with a missing file" 1 "No such file or directory$" "$lt" compare "$tmp/good.lt" "$tmp/none.lt"
# Outputs.
case_ "existing output without --force" 1 "^lazytrace: $tmp/good.lt exists \(use --force to overwrite\)$" "$lt" record -o "$tmp/good.lt"
case_ "output path not writable" 1 "/nonexistent-dir/c.svg" "$lt" compare "$tmp/good.lt" "$tmp/good.lt" --svg /nonexistent-dir/c.svg
# Kernels.
case_ "kernel without arm64 lazy MMU (this x86-64 host)" 1 "^lazytrace: x86_64 kernel: lazy MMU barrier batching is arm64-only$" "$lt" live --duration 1

# In the guest: no privilege; a probe that does not exist; no BTF.
g=$tmp/g
scripts/guest-run -q --kernel patched --out "$g" --timeout 60 -- sh -c '
	run-as-nobody lazytrace live --duration 1 >/dev/null 2>/out/nopriv.err; echo $? >/out/nopriv.rc
	lazytrace live --access-probe no_such_function_xyz:1 --duration 1 >/dev/null 2>/out/noprobe.err; echo $? >/out/noprobe.rc
	lazytrace probe --btf /nonexistent >/out/nobtf.out 2>/out/nobtf.err; echo $? >/out/nobtf.rc
	lazytrace live --duration 1 >/dev/null 2>/out/ok.err; echo $? >/out/ok.rc' >"$tmp/console.log" 2>&1
expect_eq "guest run exits 0" 0 $?
gcase() {	# gcase NAME FILE CODE REGEX: the guest's exit code and the last stderr line
	local last
	last=$(grep -v '^lazytrace: \(kernel\|layout\|tp_btf\|fentry\|kprobe\|tracing\)' "$g/$2.err" 2>/dev/null)
	if [ "$(cat "$g/$2.rc" 2>/dev/null)" = "$3" ] && [ "$(grep -c '' <<<"$last")" -eq 1 ] &&
	   grep -Eq -- "$4" <<<"$last"; then
		pass "$1: exit $3, \"$last\""
	else
		fail "$1" "exit $(cat "$g/$2.rc" 2>/dev/null) (want $3), stderr: $(tr '\n' '|' <<<"$last")"
	fi
}
gcase "unprivileged run" nopriv 1 "^lazytrace: missing CAP_BPF and CAP_PERFMON: run as root, or with CAP_BPF and CAP_PERFMON \(\+ CAP_SYSLOG for symbols\); see CAPABILITIES in lazytrace\(8\)$"
gcase "a requested probe that does not exist" noprobe 1 "^lazytrace: cannot attach access probe no_such_function_xyz: No such file or directory$"
gcase "kernel without BTF (probe --btf /nonexistent)" nobtf 1 "^$"
expect_match "... probe says why" "^reason: +no kernel BTF \(/nonexistent\): CONFIG_DEBUG_INFO_BTF=y is needed$" "$(grep '^reason:' "$g/nobtf.out" 2>/dev/null)"
expect_eq "the same live run as root succeeds" 0 "$(cat "$g/ok.rc" 2>/dev/null)"

finish
