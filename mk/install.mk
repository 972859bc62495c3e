# mk/install.mk: `make install` and `make uninstall` (included by the Makefile).
#
#   make install [PREFIX=/usr/local] [DESTDIR=] [LAZYTRACE_BIN=FILE]
#   make uninstall [PREFIX=/usr/local] [DESTDIR=]
#
# Installs exactly three files: $(PREFIX)/sbin/lazytrace, the man page lazytrace(8) and the
# bash completion; `uninstall` removes exactly those (directories are left alone).
# The binary is the one for this machine: build/arm64/lazytrace (static) on an arm64 host,
# build/host/lazytrace elsewhere; LAZYTRACE_BIN=FILE installs another one (e.g. an arm64
# binary built on an x86-64 workstation and copied over).

PREFIX ?= /usr/local
DESTDIR ?=

INSTALL ?= install
SBINDIR := $(PREFIX)/sbin
MAN8DIR := $(PREFIX)/share/man/man8
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions

ifneq ($(filter aarch64 arm64,$(shell uname -m)),)
LAZYTRACE_BIN ?= build/arm64/lazytrace
else
LAZYTRACE_BIN ?= $(HOST)/lazytrace
endif

.PHONY: install uninstall
install: $(LAZYTRACE_BIN) docs/lazytrace.8 completion/lazytrace.bash
	$(call msg,INSTALL,$(DESTDIR)$(SBINDIR)/lazytrace)
	$(Q)$(INSTALL) -D -m 0755 '$(LAZYTRACE_BIN)' '$(DESTDIR)$(SBINDIR)/lazytrace'
	$(call msg,INSTALL,$(DESTDIR)$(MAN8DIR)/lazytrace.8)
	$(Q)$(INSTALL) -D -m 0644 docs/lazytrace.8 '$(DESTDIR)$(MAN8DIR)/lazytrace.8'
	$(call msg,INSTALL,$(DESTDIR)$(BASHCOMPDIR)/lazytrace)
	$(Q)$(INSTALL) -D -m 0644 completion/lazytrace.bash '$(DESTDIR)$(BASHCOMPDIR)/lazytrace'

uninstall:
	$(call msg,RM,$(DESTDIR)$(SBINDIR)/lazytrace)
	$(Q)rm -f '$(DESTDIR)$(SBINDIR)/lazytrace'
	$(call msg,RM,$(DESTDIR)$(MAN8DIR)/lazytrace.8)
	$(Q)rm -f '$(DESTDIR)$(MAN8DIR)/lazytrace.8'
	$(call msg,RM,$(DESTDIR)$(BASHCOMPDIR)/lazytrace)
	$(Q)rm -f '$(DESTDIR)$(BASHCOMPDIR)/lazytrace'
