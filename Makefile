# lazytrace: top-level Makefile. `make help` lists the targets.
#
# The arm64 lab kernel and stock kernels are built or downloaded into
# $${XDG_CACHE_HOME:-~/.cache}/lazytrace (outside the clone) and reused from there.

SHELL := /bin/bash
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

# Kernel version: of the patched lab kernel (`make kernel`: 7.3, the newest, or 7.2; the one
# series applies to both) and of `make kernel-stock` (a version or a prefix, newest match).
KVER ?= 7.3
# The older version the series is also built, booted and tested on by `make check`.
KVER_OLDER := 7.2

# V=1 shows the commands.
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2)
endif

HOST_CC ?= gcc
WARN := -Wall -Wextra -Werror
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Iinclude -Isrc $(EXTRA_CFLAGS)
HOST := build/host

# The reconstruction library and output sinks: no BPF, shared by live, replay and tests.
LIB_SRCS := $(sort $(wildcard src/recon.c src/recon_seq.c src/outsel.c src/tidtab.c src/sink_*.c src/ksyms.c src/svg_chart.c \
	src/tracefile.c src/evpack.c src/replay.c src/replay_file.c src/sitestats.c src/compare.c src/compare_report.c src/stattest.c src/top_snap.c src/top_report.c src/top_openmetrics.c src/output.c src/a64.c src/sites_dwarf.c src/sites_file.c src/sites_find.c src/kmodel.c src/elfnote.c))
# libdw walks the kernel's DWARF (probes+dwarf); libelf reads ELF notes and symbols.
LIB_LIBS := -ldw -lelf -lz -lm
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(HOST)/tests/%,$(UNIT_SRCS))

$(HOST)/lib/%.o: src/%.c $(wildcard include/*.h src/*.h) | $(HOST)/lib
	$(call msg,CC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(HOST)/tests/%: tests/unit/%.c $(patsubst src/%.c,$(HOST)/lib/%.o,$(LIB_SRCS)) $(wildcard tests/unit/*.h) | $(HOST)/tests
	$(call msg,CCLD,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Itests/unit $< $(patsubst src/%.c,$(HOST)/lib/%.o,$(LIB_SRCS)) -o $@ $(LIB_LIBS)

$(HOST)/lib $(HOST)/tests:
	$(Q)mkdir -p $@

.SECONDARY: $(patsubst src/%.c,$(HOST)/lib/%.o,$(LIB_SRCS))

.PHONY: unit check-sanitize asan-bins
unit: $(UNIT_BINS)
	$(Q)tests/run-all $(UNIT_BINS)

# The unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_BINS := $(patsubst $(HOST)/%,build/host-asan/%,$(UNIT_BINS))
asan-bins:
	$(Q)$(MAKE) --no-print-directory HOST=build/host-asan EXTRA_CFLAGS='$(SANITIZE)' $(ASAN_BINS)

check-sanitize: asan-bins
	$(Q)tests/run-all $(ASAN_BINS)

# --- libFuzzer targets (tests/fuzz/): clang 14, ASan + UBSan + leak checks ----------------
# `make fuzz` runs each target for FUZZ_SECONDS on a copy of its seed corpus in build/fuzz/
# (tests/fuzz/corpus/ is never written to) and fails on any crash, leak, timeout or OOM;
# `make fuzz-short` is the 15 s pass `make check` runs (tests/lab/test-fuzz.sh).
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ := build/fuzz
FUZZ_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Iinclude -Isrc -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJS := $(patsubst src/%.c,$(FUZZ)/lib/%.o,$(LIB_SRCS))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FUZZ)/%,$(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ)/lib/%.o: src/%.c $(wildcard include/*.h src/*.h) | $(FUZZ)/lib
	$(call msg,CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) $(wildcard include/*.h src/*.h)
	$(call msg,CCLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJS) -o $@ $(LIB_LIBS)

$(FUZZ)/lib:
	$(Q)mkdir -p $@

.SECONDARY: $(FUZZ_OBJS)

.PHONY: fuzz fuzz-short fuzz-campaign fuzz-bins fuzz-corpus
fuzz-bins: $(FUZZ_TARGETS)

fuzz: fuzz-bins
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) tests/lab/test-fuzz.sh

fuzz-short: fuzz-bins
	$(Q)FUZZ_SECONDS=15 tests/lab/test-fuzz.sh

# The long campaign (hours): FUZZ_RUNS executions per target (default 10 million), at most
# FUZZ_CAMPAIGN_SECONDS, at the lowest CPU priority; its own corpus copy and logs (campaign-*).
FUZZ_RUNS ?= 10000000
FUZZ_CAMPAIGN_SECONDS ?= 43200
fuzz-campaign: fuzz-bins
	$(Q)FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SECONDS=$(FUZZ_CAMPAIGN_SECONDS) FUZZ_NICE=19 FUZZ_NAME=campaign- \
		tests/lab/test-fuzz.sh

# Regenerates the synthetic seeds in tests/fuzz/corpus/ (and records cut from the demo's
# seed recordings, if demo-out/ has them, and from the folded-records fixture); the result is
# committed.
$(HOST)/mkcorpus: tests/fuzz/mkcorpus.c tests/unit/streams.h $(patsubst src/%.c,$(HOST)/lib/%.o,$(LIB_SRCS)) | $(HOST)
	$(call msg,CCLD,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Itests/unit $< $(patsubst src/%.c,$(HOST)/lib/%.o,$(LIB_SRCS)) -o $@ $(LIB_LIBS)

fuzz-corpus: $(HOST)/mkcorpus
	$(Q)mkdir -p tests/fuzz/corpus/tracefile tests/fuzz/corpus/recon
	$(Q)$(HOST)/mkcorpus tests/fuzz/corpus/tracefile tests/fuzz/corpus/recon \
		$(wildcard demo-out/seed-*.lt) tests/fixtures/fold/mixed.folded.lt
	$(Q)chmod 0644 tests/fuzz/corpus/tracefile/* tests/fuzz/corpus/recon/*
	$(Q)for f in $(wildcard demo-out/seed-*.lt); do \
		[ "$$(stat -c %s "$$f")" -ge 102400 ] || install -m 0644 "$$f" tests/fuzz/corpus/tracefile/demo-"$${f##*/}"; \
	done

# --- BPF object and skeleton ------------------------------------------------------------
# No kernel needed: the kernel types come from bpf/kernel_types.h, written by hand (only
# the names and fields used; CO-RE relocates them against the running kernel's BTF).
# `make check-types` checks them against the lab kernel's BTF (KERNEL_BTF=FILE: another
# vmlinux or BTF file, e.g. /sys/kernel/btf/vmlinux).
BPF_CLANG ?= clang
# -mcpu=v3: atomic fetch-and-add with its result (the per-CPU record sequence, kernel 5.12+)
BPF_CFLAGS := -g -O2 -target bpfel -mcpu=v3 -D__TARGET_ARCH_arm64 -Wall -Werror -Ibpf -Iinclude
BPF_OBJ := build/bpf/lazytrace.bpf.o build/bpf/top.bpf.o
SKEL := build/bpf/lazytrace.skel.h build/bpf/top.skel.h

build/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) include/lazytrace.h include/lttop.h | build/bpf
	$(call msg,BPF,$@)
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp
	$(Q)llvm-strip -g $@.tmp -o $@ && rm -f $@.tmp

build/bpf/%.skel.h: build/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)bpftool gen skeleton $< name $*_bpf > $@

# The objects stay (for bpftool prog/btf dump), though only the skeletons are used.
.SECONDARY: $(BPF_OBJ)

build/bpf:
	$(Q)mkdir -p $@

.PHONY: check-types
check-types:
	$(Q)BPF_CLANG=$(BPF_CLANG) scripts/check-kernel-types $(KERNEL_BTF)

# --- the lazytrace binary: x86-64 host build and static arm64 build --------------------
APP_SRCS := src/lazytrace.c src/source.c src/cli_args.c src/cli_replay.c src/cli_top.c src/top.c src/progstats.c src/live.c src/probe_links.c src/probe.c src/record.c src/sites_attach.c src/kmodel_bpf.c src/caps.c
ALL_SRCS := $(APP_SRCS) $(LIB_SRCS)
HDRS := $(wildcard include/*.h src/*.h)

$(HOST)/lazytrace: $(ALL_SRCS) $(HDRS) $(SKEL) | $(HOST)
	$(call msg,CCLD,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Ibuild/bpf $(ALL_SRCS) -o $@ -lbpf -ldw -lelf -lz -lm

# Natively on an arm64 host, cross-compiled elsewhere.
ifneq ($(filter aarch64 arm64,$(shell uname -m)),)
ARM64_CC ?= gcc
ARM64_STRIP ?= strip
else
ARM64_CC ?= aarch64-linux-gnu-gcc
ARM64_STRIP ?= aarch64-linux-gnu-strip
endif
ARM64_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Iinclude -Isrc -Ibuild/bpf

build/arm64/lazytrace: $(ALL_SRCS) $(HDRS) $(SKEL) | build/arm64
	$(call msg,CCLD,$@)
	$(Q)$(ARM64_CC) $(ARM64_CFLAGS) -static $(ALL_SRCS) -o $@ -lbpf -ldw -lelf -lz -llzma -lbz2 -lzstd -lm
	$(Q)$(ARM64_STRIP) $@

# Static arm64 programs run in the guest (workloads for the end-to-end tests).
GUEST_PROGS := $(patsubst tests/guest-src/%.c,build/arm64/%,$(wildcard tests/guest-src/*.c))

build/arm64/%: tests/guest-src/%.c | build/arm64
	$(call msg,CC,$@)
	$(Q)$(ARM64_CC) $(ARM64_CFLAGS) -static $< -o $@

$(HOST) build/arm64:
	$(Q)mkdir -p $@

.PHONY: all
all: $(HOST)/lazytrace build/arm64/lazytrace $(GUEST_PROGS)

# --- benchmarks (bench/): `make bench` writes bench/RESULTS.md ----------------------------
# ltgen writes valid synthetic recordings of any size for the replay benchmark.
$(HOST)/ltgen: bench/ltgen.c $(patsubst src/%.c,$(HOST)/lib/%.o,$(LIB_SRCS)) $(HDRS) | $(HOST)
	$(call msg,CCLD,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $< $(patsubst src/%.c,$(HOST)/lib/%.o,$(LIB_SRCS)) -o $@ $(LIB_LIBS)

.PHONY: bench
bench: kernel all $(HOST)/ltgen
	@bench/run

include mk/install.mk

.PHONY: help deps kernel kernel-64k kernel-older kernel-stock demo check check-patches clean

help:
	@echo "lazytrace targets:"
	@echo "  make demo          build and boot the patched kernel, record the seed scenario and"
	@echo "                     a munmap workload per nesting mode, show timeline and compare"
	@echo "  make all           build/host/lazytrace, build/arm64/lazytrace and guest programs"
	@echo "  make unit          unit tests; make check-sanitize: the same under ASan/UBSan"
	@echo "  make fuzz          libFuzzer targets, FUZZ_SECONDS each (default 60); fuzz-short: 15 s"
	@echo "  make fuzz-campaign the long campaign: FUZZ_RUNS executions per target (default 10 M)"
	@echo "  make check         all tests, QEMU end-to-end included"
	@echo "  make bench         live overhead and replay speed benchmarks -> bench/RESULTS.md"
	@echo "  make kernel        build the patched arm64 kernel (KVER=7.3, the default, or 7.2; each"
	@echo "                     cached apart; KSRC=/path for your tree; PAGES=16k|64k for another"
	@echo "                     page size; make kernel-64k = PAGES=64k; make kernel-older = KVER=$(KVER_OLDER))"
	@echo "  make kernel-stock  download a stock Debian arm64 kernel (KVER=$(KVER); FLAVOUR=16k)"
	@echo "  make check-patches apply the series to the KVER source, run checkpatch.pl --strict"
	@echo "  make check-types   check bpf/kernel_types.h against the lab kernel's BTF"
	@echo "                     (skipped without one; KERNEL_BTF=FILE for another vmlinux)"
	@echo "  make deps          install the Debian packages needed (as root)"
	@echo "  make install       install lazytrace, its man page and bash completion"
	@echo "                     (PREFIX=/usr/local, DESTDIR=, LAZYTRACE_BIN=FILE)"
	@echo "  make uninstall     remove what make install installed (same PREFIX, DESTDIR)"

deps:
	@scripts/install-deps

clean:
	rm -rf build demo-out

kernel: deps
	@KVER=$(KVER) scripts/build-kernel >/dev/null

# The same kernel with 64K pages, for the page-size tests (tests/lab/test-pagesizes.sh).
kernel-64k: deps
	@KVER=$(KVER) PAGES=64k scripts/build-kernel >/dev/null

# The series on the older version: make check builds, boots and tests it too (a reduced set).
kernel-older: deps
	@KVER=$(KVER_OLDER) scripts/build-kernel >/dev/null

kernel-stock: deps
	@scripts/fetch-stock-kernel $(KVER)

check-patches: deps
	@KVER=$(KVER) scripts/build-kernel --check

demo: kernel all
	@scripts/demo

# Stock kernels (7.2, 6.19, 6.16) are fetched by the tests that boot them.
check: kernel kernel-64k kernel-older check-types all $(HOST)/ltgen $(UNIT_BINS) asan-bins fuzz-bins
	@tests/run-all $(UNIT_BINS) $(ASAN_BINS) tests/lab/test-*.sh
