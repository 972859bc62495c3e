# lazytrace: top-level Makefile. `make help` lists the targets.
#
# The arm64 lab kernel and stock kernels are built or downloaded into
# $${XDG_CACHE_HOME:-~/.cache}/lazytrace (outside the clone) and reused from there.

SHELL := /bin/bash
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help

# Stock Debian arm64 kernel for `make kernel-stock`: a version or a prefix (newest match).
KVER ?= 7.2

.PHONY: help deps kernel kernel-stock demo check check-patches

help:
	@echo "lazytrace targets:"
	@echo "  make demo          build and boot the patched kernel, show the seed scenario's"
	@echo "                     lazy_mmu events under each nesting mode"
	@echo "  make check         all tests, QEMU end-to-end included"
	@echo "  make kernel        build the patched arm64 7.2 kernel (cached; KSRC=/path for your tree)"
	@echo "  make kernel-stock  download a stock Debian arm64 kernel (KVER=$(KVER))"
	@echo "  make check-patches apply the series to the source and run checkpatch.pl"
	@echo "  make deps          install the Debian packages needed (as root)"

deps:
	@scripts/install-deps

kernel: deps
	@scripts/build-kernel >/dev/null

kernel-stock: deps
	@scripts/fetch-stock-kernel $(KVER)

check-patches: deps
	@scripts/build-kernel --check

demo: kernel
	@scripts/demo

# Stock kernels (7.2, 6.19, 6.16) are fetched by the tests that boot them.
check: kernel
	@tests/run-all
