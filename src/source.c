// SPDX-License-Identifier: GPL-2.0
/*
 * src/source.c: where the lazy MMU transitions, deferrals and flushes come from (--source),
 * chosen once for live, record and top: the kernel's tracepoints, or the DWARF sites of its
 * inlined helpers, or (live and record) the function probes alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "sites_find.h"
#include "source.h"

int lt_parse_source(const char *cmd, const char *s, enum lt_source *out)
{
	static const char *const names[] = {
		[LT_SOURCE_AUTO] = "auto", [LT_SOURCE_TRACEPOINTS] = "tracepoints",
		[LT_SOURCE_DWARF] = "dwarf", [LT_SOURCE_PROBES] = "probes",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	fprintf(stderr, "lazytrace%s%s: invalid --source '%s' (expected auto, tracepoints, dwarf or "
		"probes)\n", cmd ? " " : "", cmd ? cmd : "", s);
	return -1;
}

/*
 * --source: the tracepoints where our patch provides them, else the DWARF sites if debug info
 * (or a site table) for this exact build is found, else the function probes. Asked for
 * explicitly, a source that is not there is an error; found automatically, its absence is
 * one line saying what is missing. Returns 0 or an exit code.
 */
int lt_choose_source(struct lt_kernel *k, enum lt_source source, const char *sites,
		     const char *debuginfo, const struct lt_ksyms *ks, struct lt_sitetab *t,
		     __s64 *kaslr, FILE *log)
{
	struct lt_sites_query q = {
		.sites = sites, .debuginfo = debuginfo, .release = k->release,
		.build_id = k->build_id,
	};
	char err[512];
	__u64 text;
	int rc;

	switch (source) {
	case LT_SOURCE_TRACEPOINTS:
		if (!k->tracepoints) {
			fprintf(stderr, "lazytrace: --source tracepoints: this kernel has no lazy_mmu "
				"tracepoints (they come with kernel-patch/)\n");
			return 1;
		}
		return 0;
	case LT_SOURCE_PROBES:
		k->tracepoints = k->barrier_events = false;
		k->mode = k->lazy_state ? LT_MODE_STATE : k->mode;
		return 0;
	case LT_SOURCE_AUTO:
		if (k->tracepoints)
			return 0;
		break;
	case LT_SOURCE_DWARF:
		break;
	}
	rc = lt_sites_find(&q, t, log, err, sizeof(err));
	if (rc) {
		if (source == LT_SOURCE_DWARF || sites || debuginfo) {
			fprintf(stderr, "lazytrace: %s\n", err);
			return rc;
		}
		fprintf(log, "lazytrace: %s; without it, sections inside inlined helpers are not "
			"seen (probes only)\n", err);
		lt_sites_free(t);
		return 0;
	}
	if (t->state != LT_SITE_STATE_COUNTERS || !k->lazy_state) {
		fprintf(stderr, "lazytrace: %s: probes+dwarf needs task_struct.lazy_mmu_state (7.0+)%s\n",
			t->source, t->state == LT_SITE_STATE_TIF ?
			"; TIF_LAZY_MMU kernels (6.16-6.19) are not supported yet" : "");
		lt_sites_free(t);
		return 1;
	}
	text = ks ? lt_ksyms_addr(ks, "_text") : 0;
	if (!text) {
		FILE *f = fopen("/proc/sys/kernel/kptr_restrict", "r");
		int kr = -1;

		if (f) {
			if (fscanf(f, "%d", &kr) != 1)
				kr = -1;
			fclose(f);
		}
		fprintf(stderr, "lazytrace: /proc/kallsyms shows no addresses (kptr_restrict=%d%s): "
			"the DWARF sites cannot be placed\n", kr,
			kr == 1 ? ", and no CAP_SYSLOG" : "");
		lt_sites_free(t);
		return 1;
	}
	*kaslr = (__s64)(text - t->text);
	k->mode = LT_MODE_DWARF;
	k->tracepoints = k->barrier_events = false;
	return 0;
}

void lt_report_sites(const struct lt_sitetab *t, const struct lt_sites_attached *a, FILE *log)
{
	fprintf(log, "lazytrace: probes+dwarf: %zu sites from %s:", lt_sites_probed(a), t->source);
	for (int i = 1; i < LT_SITE_KIND_MAX; i++)
		if (a->probed[i])
			fprintf(log, " %s %zu", lt_site_kind_name(i), a->probed[i]);
	fprintf(log, "\n");
	if (a->moved)
		fprintf(log, "lazytrace: %zu sites placed at a later instruction of their helper\n",
			a->moved);
	for (size_t i = 0; i < t->nrefused; i++)
		fprintf(log, "lazytrace: not probed: %s in %s+0x%x (%s): %s\n",
			t->refused[i].site.helper, t->refused[i].site.func, t->refused[i].site.func_off,
			t->refused[i].site.where[0] ? t->refused[i].site.where : "?",
			t->refused[i].reason);
}
