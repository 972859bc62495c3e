/* SPDX-License-Identifier: GPL-2.0 */
/* src/record.h: `lazytrace record`: live records into a trace file. */
#ifndef LT_RECORD_H
#define LT_RECORD_H

#include <stdio.h>

#include "live.h"

/* wflags: LT_W_FORCE, LT_W_REDACT (src/tracefile.h). flight_mib: 0, or the size of the
 * in-memory flight recorder. filters: a description for the file header. also: a consumer
 * fed the same records (`live --record`), or NULL. Returns the exit status. */
int lt_record(const struct lt_live_opts *o, const char *path, unsigned int wflags,
	      unsigned int flight_mib, const char *filters, const struct lt_consumer *also,
	      FILE *log);

#endif /* LT_RECORD_H */
