#!/usr/bin/env bash
# tests/lab/test-install.sh: `make install` and `make uninstall` (mk/install.mk) into a
# temporary DESTDIR with PREFIX=/usr: exactly the binary, the man page lazytrace(8) and the bash
# completion, with their modes; the installed binary runs where it can; the man page renders
# without warnings and documents every command, every option of each command's --help and
# every exit code; the completion completes the commands, each command's options and their
# values; uninstall leaves no file. No QEMU, no kernel, nothing built: it installs the binary
# `make all` left (LAZYTRACE_BIN=FILE: another one, e.g. build/arm64/lazytrace on x86-64).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/assert.sh
unset MAKEFLAGS MFLAGS MAKELEVEL	# a clean sub-make, also under `make check`

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
prefix=/usr
sbin=$dest$prefix/sbin/lazytrace
page=$dest$prefix/share/man/man8/lazytrace.8
compl=$dest$prefix/share/bash-completion/completions/lazytrace

# expect_has NAME FIXED-STRING TEXT
expect_has() {
	if printf '%s\n' "$3" | grep -qF -- "$2"; then pass "$1"; else fail "$1" "no '$2' in: $3"; fi
}

# ELF machine of a file as uname -m names it ("" if not ELF or unknown).
elf_machine() {
	[ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ] || return 0
	case $(od -An -tu2 -j18 -N2 "$1" | tr -d ' ') in
	62) echo x86_64 ;;
	183) echo aarch64 ;;
	esac
}
host=$(uname -m)
[ "$host" != arm64 ] || host=aarch64

# --- what `make install` picks by default (make -n: nothing is built or run) ---------------
case $host in
aarch64) native=build/arm64/lazytrace ;;
*) native=build/host/lazytrace ;;
esac
out=$(env -u LAZYTRACE_BIN make --no-print-directory -n install DESTDIR="$dest" 2>&1)
expect_has "make install takes $native on $host, PREFIX defaults to /usr/local" \
	"install -D -m 0755 '$native' '$dest/usr/local/sbin/lazytrace'" "$out"

bin=${LAZYTRACE_BIN:-$native}
if [ ! -f "$bin" ]; then
	fail "binary to install" "$bin is missing: make all"
	finish
	exit
fi
# A copy, so that make has no rule for it: installing must not rebuild (make all did).
install -m 0755 "$bin" "$tmp/lazytrace.bin"

# --- make install ---------------------------------------------------------------------------
make --no-print-directory install DESTDIR="$dest" PREFIX="$prefix" LAZYTRACE_BIN="$tmp/lazytrace.bin" \
	>"$tmp/install.out" 2>&1
expect_eq "make install exits 0" 0 $?
expect_eq "it installs exactly the binary, the man page and the completion" \
	"$(printf '%s\n' ./usr/sbin/lazytrace ./usr/share/bash-completion/completions/lazytrace \
		./usr/share/man/man8/lazytrace.8 | sort)" \
	"$(cd "$dest" && find . ! -type d | LC_ALL=C sort)"
expect_eq "binary mode 0755" 755 "$(stat -c %a "$sbin" 2>&1)"
expect_eq "man page mode 0644" 644 "$(stat -c %a "$page" 2>&1)"
expect_eq "completion mode 0644" 644 "$(stat -c %a "$compl" 2>&1)"
cmp -s "$bin" "$sbin"
expect_eq "the binary installed is $bin" 0 $?
cmp -s docs/lazytrace.8 "$page"
expect_eq "the man page installed is docs/lazytrace.8" 0 $?
cmp -s completion/lazytrace.bash "$compl"
expect_eq "the completion installed is completion/lazytrace.bash" 0 $?

# The help texts the man page and the completion are checked against: the installed binary's
# if it runs here, else the host build's.
if [ "$(elf_machine "$sbin")" = "$host" ]; then
	"$sbin" --help >"$tmp/help" 2>&1
	expect_eq "installed lazytrace --help exits 0" 0 $?
	lt=$sbin
else
	printf 'skip installed %s binary: does not run on %s\n' "$(elf_machine "$sbin")" "$host"
	lt=build/host/lazytrace
fi
if ! "$lt" --help >"$tmp/help" 2>&1; then
	fail "$lt --help" "$(cat "$tmp/help")"
	finish
	exit
fi
mapfile -t cmds < <(awk '/^commands:/ { f = 1; next } f && /^$/ { exit } f { print $1 }' "$tmp/help")
expect_match "--help lists the commands" '^probe live record dump stats compare sites top( |$)' "${cmds[*]}"
# Long options of a help text (on stdin), one per line: those of its usage lines and option
# lines (not those its prose names, e.g. "for --sites" in the command list).
long_opts() {
	grep -E -- '^(usage:|[[:space:]]+[[-])' | grep -oE -- '(^|[^a-zA-Z0-9-])--[a-z][a-z0-9-]*' |
		sed 's/^[^-]*//' | sort -u
}
# "-x, --long" pairs of a help text.
opt_pairs() { grep -oE -- '(^|[ ,])-[a-zA-Z], --[a-z][a-z0-9-]*' | sed 's/^[ ,]*//' | sort -u; }

# --- the man page ---------------------------------------------------------------------------
warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
expect_eq "man --warnings -l renders it with no warning" "" "$warn"
if command -v groff >/dev/null; then
	expect_eq "groff -ww (all warnings) finds none" "" "$(groff -t -man -Tutf8 -ww -z "$page" 2>&1)"
fi
if command -v lexgrog >/dev/null; then
	expect_match "its NAME section gives the whatis line" \
		': "lazytrace - trace the Linux kernel.s lazy MMU mode on arm64"$' "$(lexgrog "$page" 2>&1)"
fi
# Rendered as plain text; Unicode hyphens and minus signs back to '-'.
MANWIDTH=80 man -l "$page" 2>/dev/null | sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g' >"$tmp/man.txt"
expect_match "it renders" '^LAZYTRACE\(8\)' "$(head -n1 "$tmp/man.txt")"
for sec in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS MODES FILES ENVIRONMENT 'EXIT STATUS' \
	CAPABILITIES EXAMPLES 'SEE ALSO'; do
	if grep -qx "$sec" "$tmp/man.txt"; then pass "section $sec"; else fail "section $sec" "not in the man page"; fi
done

# The text of a section (^NAME$) or subsection (^   NAME...) of the rendered page, on one line.
section() {
	awk -v h="$1" '
		f && (/^[^ ]/ || /^   [^ ]/) { exit }
		$0 == h || index($0, h " ") == 1 { f = 1 }
		f' "$tmp/man.txt" | tr -s ' \n' '  '
}
has_opt() { printf '%s\n' "$2" | grep -qE -- "(^|[^a-zA-Z0-9-])$1([^a-zA-Z0-9-]|\$)"; }

commands_sec=$(awk '/^COMMANDS$/ { f = 1; next } f && /^[^ ]/ { exit } f' "$tmp/man.txt")
for c in "${cmds[@]}"; do
	if printf '%s\n' "$commands_sec" | grep -qE "^       $c( |\$)"; then
		pass "COMMANDS describes $c"
	else
		fail "COMMANDS describes $c" "no '$c' entry"
	fi
done
global=$(section "   lazytrace (no command)")
for o in $(long_opts <"$tmp/help"); do
	if has_opt "$o" "$global"; then pass "man: lazytrace $o"; else fail "man: lazytrace $o" "not in its OPTIONS"; fi
done
for c in "${cmds[@]}"; do
	"$lt" "$c" --help >"$tmp/help-$c" 2>&1
	expect_eq "$c --help exits 0" 0 $?
	text=$(section "   lazytrace $c")
	if [ -z "$text" ]; then
		fail "man: OPTIONS has a subsection for $c" "no '   lazytrace $c' heading"
		continue
	fi
	n=0 missing=''
	for o in $(long_opts <"$tmp/help-$c"); do
		n=$((n + 1))
		has_opt "$o" "$text" || missing+=" $o"
	done
	expect_eq "man: the $n long options of '$c --help' in its OPTIONS subsection" "" "$missing"
	n=0 missing=''
	while read -r p; do
		[ -n "$p" ] || continue
		n=$((n + 1))
		printf '%s\n' "$text" | grep -qF -- "$p" || missing+=" '$p'"
	done < <(opt_pairs <"$tmp/help-$c")
	expect_eq "man: the $n short/long option pairs of '$c --help' there" "" "$missing"
done
# And every long option of the getopt tables in the sources, --help or not.
options_sec=$(awk '/^OPTIONS$/ { f = 1; next } f && /^[^ ]/ { exit } f' "$tmp/man.txt")
n=0 missing=''
while read -r o; do
	n=$((n + 1))
	has_opt "--$o" "$options_sec" || missing+=" --$o"
done < <(sed -nE 's/.*\{ "([a-z][a-z0-9-]*)", (no|required|optional)_argument.*/\1/p' \
	src/lazytrace.c src/cli_replay.c src/cli_top.c | sort -u)
expect_eq "man: the $n long options of the getopt tables (src/lazytrace.c, src/cli_*.c)" "" "$missing"
# Exit codes: 0-2 and every LT_EXIT_* of src/sites.h.
exit_sec=$(awk '/^EXIT STATUS$/ { f = 1; next } f && /^[^ ]/ { exit } f' "$tmp/man.txt")
for code in 0 1 2 $(sed -nE 's/^#define LT_EXIT_[A-Z_]+[[:space:]]+([0-9]+).*/\1/p' src/sites.h); do
	if printf '%s\n' "$exit_sec" | grep -qE "^       $code( |\$)"; then
		pass "EXIT STATUS documents $code"
	else
		fail "EXIT STATUS documents $code" "no entry"
	fi
done
caps=$(section CAPABILITIES)
for cap in CAP_BPF CAP_PERFMON CAP_SYSLOG CAP_SYS_RAWIO /proc/kcore; do
	if has_opt "$cap" "$caps"; then pass "CAPABILITIES names $cap"; else fail "CAPABILITIES names $cap"; fi
done

# --- the bash completion --------------------------------------------------------------------
bash -n "$compl" 2>"$tmp/err"
expect_eq "completion: bash -n" "" "$(cat "$tmp/err")"
expect_eq "completion: complete -p lazytrace" "complete -F _lazytrace lazytrace" \
	"$(bash --norc --noprofile -c '. "$1" && complete -p lazytrace' _ "$compl" 2>&1)"
# comp WORD...: COMPREPLY, sorted, of the function `complete -p lazytrace` names, with the
# cursor at the end of the last word ("" for a new word), as readline calls it.
comp() {
	bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		fn=$(complete -p lazytrace | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		"$fn" lazytrace "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		((${#COMPREPLY[@]} == 0)) || printf "%s\n" "${COMPREPLY[@]}"' _ "$compl" "$@" 2>&1 |
		LC_ALL=C sort
}
expect_eq "completion: 'lazytrace ' lists every command" "$(printf '%s\n' "${cmds[@]}" | LC_ALL=C sort)" \
	"$(comp lazytrace '')"
expect_eq "completion: 'lazytrace re' gives record" record "$(comp lazytrace re)"
expect_eq "completion: 'lazytrace --' gives --help --version" "$(printf '%s\n' --help --version)" \
	"$(comp lazytrace --)"
for c in "${cmds[@]}"; do
	got=$(comp lazytrace "$c" --)
	missing='' extra=''
	for o in $(long_opts <"$tmp/help-$c"); do
		printf '%s\n' "$got" | grep -qx -- "$o" || missing+=" $o"
	done
	expect_eq "completion: 'lazytrace $c --' lists every long option of '$c --help'" "" "$missing"
	for o in $got; do	# and nothing the command does not take (--help: all take it)
		[ "$o" = --help ] || grep -qx -- "$o" < <(long_opts <"$tmp/help-$c") || extra+=" $o"
	done
	expect_eq "completion: ... and no other" "" "$extra"
done
expect_eq "completion: live --source" "$(printf '%s\n' auto dwarf probes tracepoints)" \
	"$(comp lazytrace live --source '')"
expect_eq "completion: dump --format" "$(printf '%s\n' json perfetto svg text)" \
	"$(comp lazytrace dump -f '')"
expect_eq "completion: compare --by" "$(printf '%s\n' function site)" "$(comp lazytrace compare --by '')"
expect_eq "completion: stats -b" "$(printf '%s\n' function site)" "$(comp lazytrace stats -b '')"
expect_eq "completion: compare --test" "$(printf '%s\n' mwu welch)" "$(comp lazytrace compare --test '')"
expect_eq "completion: dump --format=j" json "$(comp lazytrace dump --format = j)"
expect_eq "completion: dump --format=" "$(printf '%s\n' json perfetto svg text)" \
	"$(comp lazytrace dump --format =)"
mkdir -p "$tmp/f/sub dir"
touch "$tmp/f/run one.lt" "$tmp/f/run2.lt" "$tmp/f/vmlinux-7.2"
expect_eq "completion: record -o FILE completes file names" \
	"$(printf '%s\n' "$tmp/f/run one.lt" "$tmp/f/run2.lt")" "$(comp lazytrace record -o "$tmp/f/run")"
expect_eq "completion: record --output=FILE too" "$tmp/f/run2.lt" \
	"$(comp lazytrace record --output = "$tmp/f/run2")"
expect_eq "completion: --sites FILE" "$tmp/f/run2.lt" "$(comp lazytrace live --sites "$tmp/f/run2")"
expect_eq "completion: --debuginfo FILE" "$tmp/f/vmlinux-7.2" \
	"$(comp lazytrace sites --debuginfo "$tmp/f/vm")"
expect_eq "completion: directories" "$tmp/f/sub dir" "$(comp lazytrace probe --debuginfo "$tmp/f/su")"
expect_eq "completion: stats FILE" "$tmp/f/run2.lt" "$(comp lazytrace stats "$tmp/f/run2")"
expect_eq "completion: dump FILE after options" "$tmp/f/run2.lt" \
	"$(comp lazytrace dump --format json "$tmp/f/run2")"
expect_eq "completion: compare A B" "$tmp/f/run2.lt" \
	"$(comp lazytrace compare "$tmp/f/run one.lt" "$tmp/f/run2")"

# --- make uninstall -------------------------------------------------------------------------
make --no-print-directory uninstall DESTDIR="$dest" PREFIX="$prefix" >"$tmp/uninstall.out" 2>&1
expect_eq "make uninstall exits 0" 0 $?
expect_eq "make uninstall leaves no file behind" "" "$(cd "$dest" && find . ! -type d)"
make --no-print-directory uninstall DESTDIR="$dest" PREFIX="$prefix" >"$tmp/uninstall.out" 2>&1
expect_eq "make uninstall again (nothing installed) exits 0" 0 $?

finish
