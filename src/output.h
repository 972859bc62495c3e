/* SPDX-License-Identifier: GPL-2.0 */
/* src/output.h: pick an output sink (text timeline or JSON lines) behind struct lt_output. */
#ifndef LT_OUTPUT_H
#define LT_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "live.h"

enum lt_output_kind { LT_OUT_TEXT, LT_OUT_JSON };

int lt_output_init(struct lt_output *out, enum lt_output_kind kind, FILE *f, bool color,
		   const struct lt_ksyms *ks);
void lt_output_fini(struct lt_output *out);

#endif /* LT_OUTPUT_H */
