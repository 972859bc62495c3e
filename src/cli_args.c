// SPDX-License-Identifier: GPL-2.0
/*
 * src/cli_args.c: option values of the subcommands' command lines (cli.h): a whole number
 * or a number of seconds within bounds, --by, --comm; or one line saying what was expected.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int lt_cli_uint(const char *cmd, const char *opt, const char *s, unsigned long min,
		unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "lazytrace%s%s: invalid value '%s' for %s (expected %lu..%lu)\n",
			cmd ? " " : "", cmd ? cmd : "", s, opt, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int lt_cli_secs(const char *cmd, const char *opt, const char *s, double min, double max,
		double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max) {
		if (min > 0)
			fprintf(stderr, "lazytrace %s: invalid value '%s' for %s (expected seconds, at least %g)\n",
				cmd, s, opt, min);
		else
			fprintf(stderr, "lazytrace %s: invalid value '%s' for %s (expected seconds, e.g. 1.5)\n",
				cmd, s, opt);
		return -1;
	}
	*out = v;
	return 0;
}

int lt_cli_by(const char *cmd, const char *s, enum lt_site_key *by)
{
	if (!strcmp(s, "site")) {
		*by = LT_BY_SITE;
	} else if (!strcmp(s, "function")) {
		*by = LT_BY_FUNCTION;
	} else {
		fprintf(stderr, "lazytrace %s: unknown --by '%s' (site or function)\n", cmd, s);
		return -1;
	}
	return 0;
}

int lt_cli_comm(const char *cmd, const char *s, char out[LT_COMM_LEN])
{
	if (!s[0] || strlen(s) >= LT_COMM_LEN) {
		fprintf(stderr, "lazytrace %s: --comm takes a task name of 1 to %d characters\n", cmd,
			LT_COMM_LEN - 1);
		return -1;
	}
	snprintf(out, LT_COMM_LEN, "%s", s);
	return 0;
}
