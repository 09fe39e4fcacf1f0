# had -- top-level GNU Makefile.  `make` builds everything into build/,
# `make SAN=1` builds an ASan+UBSan copy into build-san/.

PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
LIBEXECDIR	?= $(PREFIX)/libexec/had
MANDIR		?= $(PREFIX)/share/man
SHAREDIR	?= $(PREFIX)/share
SYSCONFDIR	?= /etc
RUNDIR		?= /run/had
LIBDIR		?= $(PREFIX)/lib
UNITDIR		?= $(LIBDIR)/systemd/system
DESTDIR		?=

CC		?= cc
PKG_CONFIG	?= pkg-config

ifeq ($(SAN),1)
BUILD		?= build-san
SANFLAGS	 = -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=undefined
else
BUILD		?= build
SANFLAGS	 =
endif

# make SECCOMP=0: children without their seccomp filters, only to measure
# what the filters cost (tests/bench/run.sh BENCH_SECCOMP=1).
ifeq ($(SECCOMP),0)
SECCOMP_DEFS	 = -DHAD_NO_SECCOMP
else
SECCOMP_DEFS	 =
endif

CFLAGS		?= -O2 -g
WFLAGS		 = -Wall -Wextra -Werror -Wshadow -Wpointer-arith \
		   -Wmissing-prototypes -Wstrict-prototypes -Wno-unused-parameter \
		   -Wno-format-truncation
DEFS		 = -D_GNU_SOURCE -DLIBEXECDIR=\"$(LIBEXECDIR)\" \
		   -DRUNDIR=\"$(RUNDIR)\" -DSYSCONFDIR=\"$(SYSCONFDIR)\" \
		   -DSHAREDIR=\"$(SHAREDIR)\" \
		   $(SECCOMP_DEFS)

pc		 = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pl		 = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

PC_BASE		 = libevent libbsd-overlay libcap libseccomp
PC_NL		 = libnl-3.0 libnl-route-3.0 libnl-genl-3.0
PC_NFT		 = libnftables
PC_SSL		 = openssl
PC_TEST		 = criterion

PKG_CFLAGS	:= $(call pc,$(PC_BASE) $(PC_NL) $(PC_SSL))
ALL_CFLAGS	 = -std=gnu11 $(CFLAGS) $(WFLAGS) $(DEFS) $(SANFLAGS) \
		   -Icommon -MMD -MP $(PKG_CFLAGS)
ALL_LDFLAGS	 = $(LDFLAGS) $(SANFLAGS)

LIBS_had	:= $(call pl,$(PC_BASE))
LIBS_vrrpd	:= $(call pl,libmd $(PC_BASE))
LIBS_lvsd	:= $(call pl,$(PC_BASE) $(PC_NL) $(PC_NFT))
LIBS_checkd	:= $(call pl,$(PC_BASE) $(PC_SSL))
LIBS_bfdd	:= $(call pl,$(PC_BASE))
LIBS_hactl	:= $(call pl,libevent libbsd-overlay libcap zlib)
LIBS_test	:= $(call pl,libmd $(PC_BASE) $(PC_NL) $(PC_NFT) $(PC_SSL) \
		    $(PC_TEST) zlib) -lm

# Each process lives in its own directory; the file named after the
# program holds main() and everything else goes into an archive that the
# unit tests link too.
PROGS		 = had vrrpd lvsd checkd bfdd hactl
# had writes its SIGUSR1 and SIGUSR2 dumps with hactl's printers.
EXTRA_had	 = $(BUILD)/libhactl.a
dir_had		 = parentd
dir_vrrpd	 = vrrpd
dir_lvsd	 = lvsd
dir_checkd	 = checkd
dir_bfdd	 = bfdd
dir_hactl	 = hactl

COMMON_SRCS	 = $(wildcard common/*.c)
COMMON_OBJS	 = $(COMMON_SRCS:%.c=$(BUILD)/obj/%.o)

srcs_of		 = $(filter-out $(dir_$(1))/main.c,$(wildcard $(dir_$(1))/*.c))
objs_of		 = $(call srcs_of,$(1):%.c=$(BUILD)/obj/%.o)

UNIT_SRCS	 = $(wildcard tests/unit/test_*.c)
UNIT_BINS	 = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all clean install test unit unit-build integration check-deps bench fuzz demo \
	lint-man

all: $(PROGS:%=$(BUILD)/%)

# Paths are compiled in: rebuild when they change (make PREFIX=/usr).
DEFS_STAMP	 = $(BUILD)/.defs
$(shell mkdir -p $(BUILD); echo '$(DEFS) $(SANFLAGS) $(CFLAGS)' | \
    cmp -s - $(DEFS_STAMP) 2>/dev/null || \
    echo '$(DEFS) $(SANFLAGS) $(CFLAGS)' >$(DEFS_STAMP))

$(BUILD)/obj/%.o: %.c $(DEFS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libcommon.a: $(COMMON_OBJS)
	@rm -f $@
	@ar rcs $@ $^

define prog_rules
$(1)_OBJS = $$(patsubst %.c,$(BUILD)/obj/%.o,$$(call srcs_of,$(1)))
$(BUILD)/lib$(1).a: $$($(1)_OBJS)
	@rm -f $$@
	@ar rcs $$@ $$^
$(BUILD)/$(1): $(BUILD)/obj/$(dir_$(1))/main.o $(BUILD)/lib$(1).a \
    $$(EXTRA_$(1)) $(BUILD)/libcommon.a
	@echo "  LD  $$@"
	@$(CC) $(ALL_LDFLAGS) -o $$@ $$^ $$(LIBS_$(1))
endef
$(foreach p,$(PROGS),$(eval $(call prog_rules,$(p))))

PROC_LIBS	 = $(PROGS:%=$(BUILD)/lib%.a)

$(BUILD)/tests/%: tests/unit/%.c $(PROC_LIBS) $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(ALL_CFLAGS) $(call pc,$(PC_TEST)) -Itests/unit \
	    -Wno-missing-prototypes -o $@ $< \
	    -Wl,--start-group $(PROC_LIBS) $(BUILD)/libcommon.a -Wl,--end-group \
	    $(ALL_LDFLAGS) $(LIBS_test)

unit-build: $(UNIT_BINS)

# make unit [T=name]: build and run the Criterion tests (all, or test_T).
unit: $(UNIT_BINS)
	@rc=0; for t in $(if $(T),$(BUILD)/tests/test_$(T:test_%=%), \
	    $(UNIT_BINS)); do \
		[ -x "$$t" ] || { echo "no unit test $$t"; rc=1; continue; }; \
		"$$t" --jobs 2 || rc=1; \
	done; exit $$rc

# make integration [T=name]: the namespace tests (all, or test_T.sh) on
# $(BUILD), as root; `make check-deps` installs what they need.
integration: all
	@rc=0; for t in $(if $(T),tests/integration/test_$(T:test_%=%).sh, \
	    tests/integration/test_*.sh); do \
		[ -f "$$t" ] || { echo "no integration test $$t"; rc=1; continue; }; \
		BUILD=$(BUILD) bash "$$t" || rc=1; \
	done; exit $$rc

# The whole suite: dependencies, both builds, unit and integration tests.
test:
	@sh scripts/setup-deps.sh
	@sh tests/run.sh

check-deps:
	@sh scripts/setup-deps.sh

lint-man:
	@for m in man/*.[1-9]; do mandoc -Tlint -Wwarning "$$m" || exit 1; done

bench:
	@sh tests/bench/run.sh

# A fresh machine: the build dependencies come first.
demo:
	@sh scripts/setup-deps.sh
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(BUILD)/had $(BUILD)/hactl $(DESTDIR)$(SBINDIR)/
	install -m 0755 $(BUILD)/vrrpd $(BUILD)/lvsd $(BUILD)/checkd $(BUILD)/bfdd \
	    $(DESTDIR)$(LIBEXECDIR)/
	install -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0644 man/had.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/had.8 man/hactl.8 $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(SYSCONFDIR)/had
	install -m 0644 etc/had.conf $(DESTDIR)$(SYSCONFDIR)/had/had.conf.example
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(LIBDIR)/sysusers.d \
	    $(DESTDIR)$(LIBDIR)/tmpfiles.d $(DESTDIR)$(LIBDIR)/modules-load.d
	sed 's,/usr/sbin/,$(SBINDIR)/,g' etc/systemd/had.service \
	    >$(DESTDIR)$(UNITDIR)/had.service
	sed 's,/usr/sbin/,$(SBINDIR)/,g' etc/systemd/hactl-serve.service \
	    >$(DESTDIR)$(UNITDIR)/hactl-serve.service
	install -d $(DESTDIR)$(SHAREDIR)/had/www $(DESTDIR)$(SHAREDIR)/had/schema
	install -m 0644 hactl/www/index.html hactl/www/style.css \
	    hactl/www/app.js $(DESTDIR)$(SHAREDIR)/had/www/
	install -m 0644 doc/schema/*.json $(DESTDIR)$(SHAREDIR)/had/schema/
	install -d $(DESTDIR)$(SHAREDIR)/had/frr
	install -m 0644 etc/frr/director.conf etc/frr/router.conf \
	    $(DESTDIR)$(SHAREDIR)/had/frr/
	install -m 0644 etc/sysusers.d/had.conf $(DESTDIR)$(LIBDIR)/sysusers.d/
	install -m 0644 etc/tmpfiles.d/had.conf $(DESTDIR)$(LIBDIR)/tmpfiles.d/
	install -m 0644 etc/modules-load.d/had.conf \
	    $(DESTDIR)$(LIBDIR)/modules-load.d/

clean:
	rm -rf build build-san build-fuzz build-deb

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# --- fuzz (tests/fuzz) ---
# libFuzzer targets, built with clang from the sources (not the gcc
# archives) into build-fuzz/.  `make fuzz' runs each for FUZZ_SECONDS;
# tests/check_fuzz.sh runs them briefly as part of `make test'.
FUZZ_BUILD	 = build-fuzz
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_TARGETS	 = vrrp conf imsg ipvs rtnl control http dns smtp udp bfd
FUZZ_SAN	 = -fsanitize=address,undefined \
		   -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS	 = -std=gnu11 -g -O1 -Wall -Wno-unused-parameter $(DEFS) \
		   $(FUZZ_SAN) -fsanitize=fuzzer-no-link -Icommon -MMD -MP \
		   $(PKG_CFLAGS)
FUZZ_LIBS	:= $(call pl,libmd $(PC_BASE) $(PC_NL) $(PC_NFT) $(PC_SSL))

# The archives each target links; log.c is replaced by a quiet stub.
fuzz_libs_vrrp	 = vrrpd common
fuzz_libs_conf	 = common
fuzz_libs_imsg	 = common
fuzz_libs_ipvs	 = lvsd common
fuzz_libs_rtnl	 = lvsd common
fuzz_libs_control = common
fuzz_libs_http	 = checkd common
fuzz_libs_dns	 = checkd common
fuzz_libs_smtp	 = checkd common
fuzz_libs_udp	 = checkd common
fuzz_libs_bfd	 = bfdd common

fuzz_srcs_common = $(filter-out common/log.c,$(wildcard common/*.c))
fuzz_srcs_vrrpd	 = $(filter-out vrrpd/main.c,$(wildcard vrrpd/*.c))
fuzz_srcs_lvsd	 = $(filter-out lvsd/main.c,$(wildcard lvsd/*.c))
fuzz_srcs_checkd = $(filter-out checkd/main.c,$(wildcard checkd/*.c))
fuzz_srcs_bfdd	 = $(filter-out bfdd/main.c,$(wildcard bfdd/*.c))
fuzz_objs	 = $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(fuzz_srcs_$(1)))

.PHONY: fuzz-build fuzz-clean

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_BUILD=$(FUZZ_BUILD) \
	    sh tests/fuzz/run.sh

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC  $< (fuzz)"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -Ivrrpd -Ilvsd -Icheckd -Iparentd \
	    -c -o $@ $<

define fuzz_lib_rule
$(FUZZ_BUILD)/lib$(1).a: $$(call fuzz_objs,$(1))
	@rm -f $$@
	@ar rcs $$@ $$^
endef
$(foreach d,common vrrpd lvsd checkd bfdd,$(eval $(call fuzz_lib_rule,$(d))))

define fuzz_target_rule
$(FUZZ_BUILD)/fuzz_$(1): $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_$(1).o \
    $(FUZZ_BUILD)/obj/tests/fuzz/stub_log.o \
    $(fuzz_libs_$(1):%=$(FUZZ_BUILD)/lib%.a)
	@echo "  LD  $$@"
	@$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $$@ \
	    $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_$(1).o \
	    $(FUZZ_BUILD)/obj/tests/fuzz/stub_log.o \
	    -Wl,--start-group $(fuzz_libs_$(1):%=$(FUZZ_BUILD)/lib%.a) \
	    -Wl,--end-group $(FUZZ_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_target_rule,$(t))))

-include $(shell find $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)
# --- end fuzz ---
