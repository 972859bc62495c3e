# bash completion for lazytrace(8)                          -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0
#
# Installed as $(PREFIX)/share/bash-completion/completions/lazytrace (make install), where
# bash-completion loads it on first use; works without bash-completion too (`source` it).
# Completes the commands, each command's options, the values of --source, --format, --by,
# --test and --confidence, and file names for -o/--output, --record, --sites, --debuginfo,
# --btf, --svg and trace files.

# COMPREPLY from compgen ARGS..., one entry per line (no word splitting or globbing).
_lazytrace_reply()
{
	mapfile -t COMPREPLY < <(compgen "$@")
}

# File and directory names matching $1 (= $cur), names with spaces kept.
_lazytrace_files()
{
	if declare -F _filedir >/dev/null 2>&1; then
		_filedir	# bash-completion's: quoting, ~, directories (reads $cur)
		return
	fi
	compopt -o filenames 2>/dev/null
	_lazytrace_reply -f -- "$1"
}

_lazytrace()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd='' i
	local commands='probe live record dump stats compare sites top'
	local trace_opts='-d --duration -p --pid -c --comm -C --cpu -a --access-probe
		--no-default-access --all-accesses -k --kprobes --no-fold --pte-at-return -s --source --debuginfo --sites
		--ringbuf-kb --ready-fd --prog-stats -v --verbose -h --help'
	local opts='' args=none

	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# --opt=value: bash splits it at '=' (COMP_WORDBREAKS)
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	case $cmd in
	'')
		if [[ $cur == -* ]]; then
			_lazytrace_reply -W '--help --version' -- "$cur"
		else
			_lazytrace_reply -W "$commands" -- "$cur"
		fi
		return 0
		;;
	probe)
		opts='-b --btf --debuginfo --sites -h --help'
		;;
	live)
		opts="-j --json --color --no-color --record --force --redact --file-version $trace_opts"
		;;
	record)
		opts="-o --output -f --force --redact --flight-recorder --file-version $trace_opts"
		;;
	dump)
		opts='-f --format -j --json -p --pid -c --comm -C --cpu --from --to --color
			--no-color -h --help'
		args='file'
		;;
	stats)
		opts='-j --json -b --by -h --help'
		args='file'
		;;
	compare)
		opts='-j --json -s --svg -b --by -t --test -c --confidence -m --mixed -h --help'
		args='file'
		;;
	sites)
		opts='-g --debuginfo -o --output -f --force -h --help'
		;;
	top)
		opts='-i --interval -d --duration -1 --once -j --json -b --by -o --openmetrics -p --pid
			-c --comm -H --hazards -s --source --sites -g --debuginfo --color --no-color --ready-fd
			--prog-stats -v --verbose -h --help'
		;;
	*)
		return 0
		;;
	esac

	# The argument of the option before the cursor.
	case $cmd:$prev in
	*:--output | *:-o | *:--record | *:--sites | *:--debuginfo | sites:-g | top:-g | probe:-b | \
		probe:--btf | compare:-s | compare:--svg)
		_lazytrace_files "$cur"
		return 0
		;;
	live:-s | live:--source | record:-s | record:--source)
		_lazytrace_reply -W 'auto tracepoints dwarf probes' -- "$cur"
		return 0
		;;
	top:-s | top:--source)
		_lazytrace_reply -W 'auto tracepoints dwarf' -- "$cur"
		return 0
		;;
	dump:-f | dump:--format)
		_lazytrace_reply -W 'text json perfetto svg' -- "$cur"
		return 0
		;;
	stats:-b | stats:--by | compare:-b | compare:--by | top:-b | top:--by)
		_lazytrace_reply -W 'site function' -- "$cur"
		return 0
		;;
	compare:-t | compare:--test)
		_lazytrace_reply -W 'welch mwu' -- "$cur"
		return 0
		;;
	compare:-c | compare:--confidence)
		_lazytrace_reply -W '0.9 0.95 0.99' -- "$cur"
		return 0
		;;
	live:-p | live:--pid | record:-p | record:--pid | top:-p | top:--pid)
		local pids=(/proc/[0-9]*)
		_lazytrace_reply -W "${pids[*]#/proc/}" -- "$cur"
		return 0
		;;
	live:-C | live:--cpu | record:-C | record:--cpu)
		local cpus=(/sys/devices/system/cpu/cpu[0-9]*)
		_lazytrace_reply -W "${cpus[*]#/sys/devices/system/cpu/cpu}" -- "$cur"
		return 0
		;;
	*:-a | *:--access-probe)
		_lazytrace_reply -W 'clear_page:1 copy_page:1 copy_page:2' -- "$cur"
		return 0
		;;
	*:--file-version)
		_lazytrace_reply -W '1 2' -- "$cur"
		return 0
		;;
	*:-d | *:--duration | *:-c | *:--comm | *:--ringbuf-kb | *:--ready-fd | \
		*:--flight-recorder | dump:-p | dump:--pid | dump:-C | dump:--cpu | *:--from | *:--to | \
		top:-i | top:--interval)
		return 0	# a number or a name: nothing to offer
		;;
	esac

	if [[ $cur == -* || $args == none ]]; then
		_lazytrace_reply -W "$opts" -- "$cur"
	else
		_lazytrace_files "$cur"	# dump/stats FILE, compare A B
	fi
	return 0
}
complete -F _lazytrace lazytrace
