// SPDX-License-Identifier: GPL-2.0
/*
 * src/cli_args.c: option values of the subcommands' command lines (cli.h): a whole number
 * or a number of seconds within bounds, or one line saying what was expected.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int lt_cli_uint(const char *cmd, const char *opt, const char *s, unsigned long min,
		unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "lazytrace %s: invalid value '%s' for %s (expected %lu..%lu)\n", cmd, s,
			opt, min, max);
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
