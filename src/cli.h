/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/cli.h: the subcommands whose command lines are parsed outside lazytrace.c (the offline
 * ones, cli_replay.c; top, cli_top.c). Each takes argv[0] as the subcommand's name and returns
 * the process's exit status: 2 for a usage error (one line on stderr), 0 for --help.
 */
#ifndef LT_CLI_H
#define LT_CLI_H

#include <stdbool.h>

#include "lazytrace.h"
#include "sitestats.h"

int cmd_dump(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_top(int argc, char **argv);

/* cli_args.c: a whole number in [min, max], or seconds in [min, max]; -1 after one line on
 * stderr ("lazytrace CMD: invalid value 'S' for OPT (expected ...)"; lt_cli_uint's cmd may be
 * NULL: "lazytrace: ..."). */
int lt_cli_uint(const char *cmd, const char *opt, const char *s, unsigned long min,
		unsigned long max, unsigned long *out);
int lt_cli_secs(const char *cmd, const char *opt, const char *s, double min, double max,
		double *out);
/* --by site|function; --comm NAME of 1 to LT_COMM_LEN - 1 characters. 0, or -1 as above. */
int lt_cli_by(const char *cmd, const char *s, enum lt_site_key *by);
int lt_cli_comm(const char *cmd, const char *s, char out[LT_COMM_LEN]);

/* lazytrace.c: libbpf's messages on stderr (-v); the kallsyms snapshot (NULL, with a warning
 * on stderr, if it cannot be read). */
void lt_cli_set_verbose(bool on);
struct lt_ksyms *lt_cli_load_ksyms(void);

#endif /* LT_CLI_H */
