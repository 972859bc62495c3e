// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_kmodel.c: the kernel model (src/kmodel.c) from real kernels' /proc/kcore.
 *
 * tests/fixtures/kmodel/kcore-*.head are the first 16 KiB of /proc/kcore read in the lab
 * guest (`dd if=/proc/kcore bs=4096 count=4`): the ELF header, program headers and notes,
 * VMCOREINFO among them. Each is checked against the values the kernel printed there, the
 * page_to_virt() arithmetic against arch/arm64/include/asm/memory.h, and bad input against
 * one clear error each.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kmodel.h"
#include "recon.h"

static const char *fixture(const char *name)
{
	static char path[512];
	const char *dir = getenv("LT_FIXTURES") ? getenv("LT_FIXTURES") : "tests/fixtures/kmodel";

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

/* Reads a fixture's VMCOREINFO and parses it as the loader does (sysconf gave 'shift'). */
static bool model_of(const char *name, unsigned int shift, struct lt_kmodel *m)
{
	char text[8192];
	long n = lt_kmodel_read_kcore(fixture(name), text, sizeof(text));

	memset(m, 0, sizeof(*m));
	m->page_shift = shift;
	CHECK(n > 0);
	if (n <= 0)
		return false;
	return lt_kmodel_parse_vmcoreinfo(m, text, (size_t)n, "VMCOREINFO (test)");
}

static void test_stock_16k(void)
{
	struct lt_kmodel m;

	CHECK(model_of("kcore-7.2.13-arm64-16k.head", 14, &m));
	CHECK_EQ(m.page_shift, 14);
	CHECK_EQ(m.va_bits, 52);
	CHECK_EQ(m.va_bits_actual, 52);	/* TCR_EL1_T1SZ 0xc: qemu's max CPU has LPA2 */
	CHECK_EQ(m.page_offset, 0xfff0000000000000ULL);
	CHECK_EQ(m.vmemmap_start, 0xfffff03fc0000000ULL);
	CHECK_EQ(m.vmemmap_end, 0xffffffffc0000000ULL);
	CHECK_EQ(m.page_struct_size, 64);
	CHECK(m.layout);
	/* page_to_virt(): the first struct page is the linear map's first page, the next one
	 * a 16K page further; the last one below VMEMMAP_END converts, VMEMMAP_END does not */
	CHECK_EQ(lt_kmodel_page_to_va(&m, 0xfffff03fc0000000ULL), 0xfff0000000000000ULL);
	CHECK_EQ(lt_kmodel_page_to_va(&m, 0xfffff03fc0000040ULL), 0xfff0000000004000ULL);
	CHECK_EQ(lt_kmodel_page_to_va(&m, 0xfffff03fc0000000ULL + 64 * 0x10000ULL),
		 0xfff0000000000000ULL + 0x10000ULL * 16384);
	CHECK_EQ(lt_kmodel_page_to_va(&m, 0xffffffffc0000000ULL), 0);
	CHECK_EQ(lt_kmodel_page_to_va(&m, 0xfffff03fbfffffc0ULL), 0);
	/* sysconf disagreeing with the kernel's PAGESIZE is refused, not averaged */
	CHECK(!model_of("kcore-7.2.13-arm64-16k.head", 12, &m));
	CHECK(strstr(m.missing, "PAGESIZE=16384, but user space has 4K pages") != NULL);
}

static void test_lab_64k(void)
{
	struct lt_kmodel m;

	CHECK(model_of("kcore-7.2.13-lab-64k.head", 16, &m));
	CHECK_EQ(m.page_shift, 16);
	CHECK_EQ(m.va_bits, 52);
	CHECK_EQ(m.va_bits_actual, 52);
	CHECK_EQ(m.page_offset, 0xfff0000000000000ULL);
	/* memory.h: VMEMMAP_END - ((_PAGE_END(VA_BITS_MIN = 48) - PAGE_OFFSET) >> (16 - 6)) */
	CHECK_EQ(m.vmemmap_start, -(1ULL << 30) - (((1ULL << 52) - (1ULL << 47)) >> 10));
	CHECK_EQ(m.vmemmap_start, 0xfffffc1fc0000000ULL);
	/* the struct page of B in that run (test-pagesizes.sh checks it end to end) */
	CHECK_EQ(lt_kmodel_page_to_va(&m, 0xfffffc1fc0000000ULL + (0x12c10000ULL >> 16) * 64),
		 0xfff0000012c10000ULL);
}

static void test_text(void)
{
	struct lt_kmodel m = { .page_struct_size = 64, .tif_pending = -1 };
	const char *v64k = "OSRELEASE=x\nPAGESIZE=65536\nNUMBER(VA_BITS)=48\n"
			   "NUMBER(VMEMMAP_START)=0xffffffdfc0000000\n"
			   "NUMBER(VMEMMAP_END)=0xffffffffc0000000\nNUMBER(TCR_EL1_T1SZ)=0x10\n";
	char buf[256];

	/* memory.h for 64K pages, 48 bits: VMEMMAP_START = VMEMMAP_END - (2^47 >> (16 - 6)) */
	CHECK(lt_kmodel_parse_vmcoreinfo(&m, v64k, strlen(v64k), "t"));
	CHECK_EQ(m.page_shift, 16);
	CHECK_EQ(m.va_bits_actual, 48);
	CHECK_EQ(m.page_offset, 0xffff000000000000ULL);
	CHECK_EQ(m.vmemmap_start, -(1ULL << 30) - ((1ULL << 47) >> (16 - 6)));
	CHECK_EQ(lt_kmodel_page_to_va(&m, m.vmemmap_start + 3 * 64), 0xffff000000030000ULL);
	CHECK_STR(lt_kmodel_format(&m, buf, sizeof(buf)),
		  "page=64K va_bits=48/48 page_offset=0xffff000000000000 "
		  "vmemmap=0xffffffdfc0000000-0xffffffffc0000000 struct_page=64 from t");

	/* each missing or impossible fact: false, and the reason names it */
	static const struct { const char *text, *why; } bad[] = {
		{ "NUMBER(VA_BITS)=48\n", "t has no PAGESIZE" },
		{ "PAGESIZE=8192\n", "t: PAGESIZE=8192 is not an arm64 page size" },
		{ "PAGESIZE=4096\n", "t has no NUMBER(VA_BITS)" },
		{ "PAGESIZE=4096\nNUMBER(VA_BITS)=64\n", "t: VA_BITS=64 is not an arm64 layout" },
		{ "PAGESIZE=4096\nNUMBER(VA_BITS)=48\n",
		  "t has no NUMBER(VMEMMAP_START) and NUMBER(VMEMMAP_END)" },
		{ "PAGESIZE=4096\nNUMBER(VA_BITS)=48\nNUMBER(VMEMMAP_START)=0x1000\n"
		  "NUMBER(VMEMMAP_END)=0x2000\n", "t: vmemmap 0x1000-0x2000 is not above the linear map" },
		{ "PAGESIZE=4096x\n", "t has no PAGESIZE" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lt_kmodel b = { .page_struct_size = 64, .tif_pending = -1 };

		CHECK(!lt_kmodel_parse_vmcoreinfo(&b, bad[i].text, strlen(bad[i].text), "t"));
		CHECK(!b.layout);
		CHECK_STR(b.missing, bad[i].why);
		CHECK_EQ(lt_kmodel_page_to_va(&b, 0xffffffdfc0000000ULL), 0);
	}
	/* no struct page size anywhere: no conversion */
	{
		struct lt_kmodel b = { 0 };

		CHECK(!lt_kmodel_parse_vmcoreinfo(&b, v64k, strlen(v64k), "t"));
		CHECK_STR(b.missing, "t has no SIZE(page) and BTF has no struct page");
	}
}

static void test_kcore_errors(void)
{
	char text[64], path[] = "/tmp/lt-kmodel-XXXXXX";
	int fd = mkstemp(path);

	CHECK_EQ(lt_kmodel_read_kcore("/nonexistent/kcore", text, sizeof(text)), -ENOENT);
	CHECK(fd >= 0);
	/* not ELF */
	CHECK_EQ(write(fd, "hello, not an ELF core file, but long enough for a header ........",
		       66), 66);
	CHECK_EQ(lt_kmodel_read_kcore(path, text, sizeof(text)), -EINVAL);
	close(fd);
	/* an ELF core truncated inside its program headers */
	{
		FILE *in = fopen(fixture("kcore-7.2.13-arm64-16k.head"), "rb");
		char head[200];
		FILE *o = fopen(path, "wb");

		CHECK(in && o);
		if (in && o) {
			CHECK_EQ(fread(head, 1, sizeof(head), in), sizeof(head));
			CHECK_EQ(fwrite(head, 1, sizeof(head), o), sizeof(head));
		}
		if (in)
			fclose(in);
		if (o)
			fclose(o);
		CHECK_EQ(lt_kmodel_read_kcore(path, text, sizeof(text)), -EINVAL);
	}
	/* a small buffer gets a truncated, NUL-terminated copy */
	CHECK_EQ(lt_kmodel_read_kcore(fixture("kcore-7.2.13-arm64-16k.head"), text, sizeof(text)),
		 63);
	CHECK(!strncmp(text, "OSRELEASE=7.2.13+deb14-arm64-16k\n", 33));
	unlink(path);
}

/* The pending bit from code: pageattr_pte_entry of the lab kernel (bytes from its vmlinux). */
static void test_tif_from_code(void)
{
	unsigned char code[1024];
	struct lt_kmodel m = { .tif_pending = -1 };
	FILE *f = fopen(fixture("pageattr_pte_entry-lab-4k.bin"), "rb");
	size_t n = f ? fread(code, 1, sizeof(code), f) : 0;
	char buf[256];
	/* mrs x1, sp_el0; ldr x2, [x1]; tbz w2, #3; tbnz x2, #35 */
	const uint32_t two[] = { 0xd5384101, 0xf9400022, 0x36180042, 0xb7180042 };
	/* the flags register overwritten before the test: no thread flag tested */
	const uint32_t gone[] = { 0xd5384101, 0xf9400022, 0xd2800002, 0x36f80222 };
	/* tbz on a word loaded from elsewhere (a PTE): not a thread flag */
	const uint32_t pte[] = { 0xf9400005, 0x37000125 };

	if (f)
		fclose(f);
	CHECK_EQ(n, 240);
	lt_kmodel_tif_from_code(&m, code, n, "pageattr_pte_entry's code (test)");
	CHECK_EQ(m.tif_pending, 31);
	CHECK_STR(m.tif_source, "pageattr_pte_entry's code (test)");
	m.layout = false;
	m.page_shift = 12;
	CHECK_STR(lt_kmodel_format(&m, buf, sizeof(buf)), "page=4K layout=unknown tif_pending=31");
	lt_kmodel_tif_from_code(&m, two, sizeof(two), "x");
	CHECK_EQ(m.tif_pending, -1);
	CHECK_STR(m.tif_source, "x: tests two thread flags");
	lt_kmodel_tif_from_code(&m, gone, sizeof(gone), "y");
	CHECK_STR(m.tif_source, "y: tests no thread flag");
	lt_kmodel_tif_from_code(&m, pte, sizeof(pte), "z");
	CHECK_EQ(m.tif_pending, -1);
	/* the 64-bit form: bit 35 of the flags (b5 set) */
	{
		const uint32_t hi[] = { 0xd5384101, 0xf9400022, 0xb7180042 };

		lt_kmodel_tif_from_code(&m, hi, sizeof(hi), "w");
		CHECK_EQ(m.tif_pending, 35);
	}
}

static void test_untag(void)
{
	/* KASAN/MTE tags in the top byte of kernel addresses are ignored; user ones kept */
	CHECK_EQ(lt_untag(0xf4ff000012345678ULL), 0xffff000012345678ULL);
	CHECK_EQ(lt_untag(0xffff000012345678ULL), 0xffff000012345678ULL);
	CHECK_EQ(lt_untag(0x0000ffff12345678ULL), 0x0000ffff12345678ULL);
}

/* Hazards match by the kernel's page: a 64K page holds offsets a 4K one would not. */
static int confirmed;
static void on_hazard(void *ctx, const struct lt_hazard *hz)
{
	(void)ctx;
	confirmed += hz->kind == LT_HAZARD_CONFIRMED;
}

static int hazards_with_shift(unsigned int shift, __u64 access)
{
	struct lt_recon_ops ops = { .hazard = on_hazard };
	struct lt_recon *r = lt_recon_new(LT_DEFER_FROM_PTE_UPDATE, &ops);
	struct lt_event e[] = {
		{ .type = LT_ENABLE, .ts = 1, .pid = 5, .tid = 5, .action = LT_ACT_ENTER,
		  .flags = LT_F_STATE, .enable_count = 1 },
		{ .type = LT_PTE_UPDATE, .ts = 2, .pid = 5, .tid = 5, .addr = 0xffff000000010000ULL,
		  .arg0 = 0xffff000000200080ULL, .enable_count = 1,
		  .flags = LT_F_STATE | LT_F_PENDING | LT_F_DEFERRED },
		{ .type = LT_ACCESS, .ts = 3, .pid = 5, .tid = 5, .addr = access,
		  .flags = LT_F_STATE | LT_F_PENDING, .enable_count = 1 },
	};

	confirmed = 0;
	lt_recon_set_page_shift(r, shift);
	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		lt_recon_feed(r, &e[i], NULL);
	lt_recon_free(r);
	return confirmed;
}

static void test_recon_pages(void)
{
	CHECK_EQ(hazards_with_shift(12, 0xffff000000010800ULL), 1);
	CHECK_EQ(hazards_with_shift(12, 0xffff000000018000ULL), 0);	/* another 4K page */
	CHECK_EQ(hazards_with_shift(16, 0xffff000000018000ULL), 1);	/* the same 64K page */
	CHECK_EQ(hazards_with_shift(16, 0xffff000000020000ULL), 0);
	CHECK_EQ(hazards_with_shift(14, 0xf2ff000000013ff8ULL), 1);	/* tagged, same 16K page */
}

int main(void)
{
	test_stock_16k();
	test_lab_64k();
	test_text();
	test_kcore_errors();
	test_untag();
	test_tif_from_code();
	test_recon_pages();
	return check_finish("test_kmodel");
}
