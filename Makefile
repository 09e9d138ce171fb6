# SPDX-License-Identifier: GPL-2.0-only
# rescan - build with `make`, start a lab with `make run`, test with `make test`.
#
# Pipeline (as in libbpf-bootstrap): clang -target bpf -> bpftool gen object
# -> bpftool gen skeleton -> the CLI includes the skeletons, so the one
# rescan binary carries its BPF objects. Packet parsing uses UAPI headers
# only: the build never reads the build host's /sys/kernel/btf.
#
# `make V=1` shows every command in full.

OUTPUT ?= .output
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc
PREFIX ?= /usr/local

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wno-unused-parameter
CFLAGS += $(WARNINGS) -std=gnu11 -D_GNU_SOURCE
CPPFLAGS += -I$(OUTPUT) -Ibpf -Isrc
DEPFLAGS = -MMD -MP
LDLIBS += -lbpf -lelf -lz -lzstd -ljson-c -lm -lpthread
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) \
	$(if $(MULTIARCH),-I/usr/include/$(MULTIARCH)) -Ibpf

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
MAKEFLAGS += --no-print-directory
endif

BPF_PROGS := responder lab_side
SKELS := $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_PROGS))

SRCS := $(wildcard src/*.c)
# The monitor's dashboard, assembled into the binary (src/dashboard/assets.S).
DASHBOARD := $(wildcard src/dashboard/*.html src/dashboard/*.css src/dashboard/*.js)
DASHBOARD_OBJ := $(OUTPUT)/dashboard.o
OBJS := $(patsubst src/%.c,$(OUTPUT)/%.o,$(SRCS)) $(DASHBOARD_OBJ)
LIB_OBJS := $(filter-out $(OUTPUT)/main.o,$(OBJS))

UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(wildcard tests/unit/test_*.c))
BPF_TESTS := $(patsubst tests/bpf/%.c,$(OUTPUT)/tests/%,$(wildcard tests/bpf/test_*.c))
# Every other tests/bpf/*.c is shared code, linked into each BPF test.
BPF_TEST_OBJS := $(patsubst tests/bpf/%.c,$(OUTPUT)/tests/bpf/%.o,\
	$(filter-out tests/bpf/test_%.c,$(wildcard tests/bpf/*.c)))

# The packet fuzzer of the XDP programs (tests/bpf/fuzz), with the BPF
# tests' frames and oracle; `make test` runs it short, `make fuzz-packets` long.
FUZZ_PKT := $(OUTPUT)/tests/fuzz_packets
FUZZ_PKT_OBJS := $(patsubst tests/bpf/fuzz/%.c,$(OUTPUT)/tests/bpf/fuzz/%.o,\
	$(wildcard tests/bpf/fuzz/*.c))

# ThreadSanitizer build of the library, and a twin of every dataset test
# built with it: the readers run threads (a decoder, two halves, adders).
TSAN_TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%_tsan,\
	$(wildcard tests/unit/test_dataset.c tests/unit/test_format_*.c))
TSAN_OBJS := $(patsubst src/%.c,$(OUTPUT)/tsan/%.o,$(filter-out src/main.c,$(SRCS))) \
	$(DASHBOARD_OBJ)
TSAN_CFLAGS := $(filter-out -O2 -O3,$(CFLAGS)) -O1 -fsanitize=thread

# AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer with it): a
# twin of every unit test, and of rescan for tests/e2e/leaks.bats. The first
# report ends the run with a failure.
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_CFLAGS := $(filter-out -O2 -O3,$(CFLAGS)) -O1 $(ASAN_FLAGS)
ASAN_OBJS := $(patsubst src/%.c,$(OUTPUT)/asan/%.o,$(filter-out src/main.c,$(SRCS))) \
	$(DASHBOARD_OBJ)
ASAN_TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%_asan,$(wildcard tests/unit/test_*.c))

# libFuzzer targets (tests/fuzz, one file each), built with ASan+UBSan and
# the readers' buffers made small, so a few KiB of input cross every window,
# chunk, batch and half boundary a 100 MiB file crosses. `make fuzz` runs
# each for FUZZ_SECONDS; tests/run fuzz for a few.
FUZZ_DEFS := -DWINDOW_SIZE=4096u -DRAW_BUF_SIZE=512u -DADD_BATCH=64u -DSPLIT_MIN_BYTES=1024u
FUZZ_CFLAGS := $(ASAN_CFLAGS) $(FUZZ_DEFS) -fsanitize-coverage-ignorelist=tests/fuzz/coverage-ignore.txt
FUZZ_OBJS := $(patsubst src/%.c,$(OUTPUT)/fuzz/obj/%.o,$(filter-out src/main.c,$(SRCS))) \
	$(DASHBOARD_OBJ)
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60

BENCH_DIR := scripts/bench/rsbench
BENCH_SRCS := $(filter-out %.bpf.c,$(wildcard $(BENCH_DIR)/*.c))
BENCH_OBJS := $(patsubst $(BENCH_DIR)/%.c,$(OUTPUT)/bench/%.o,$(BENCH_SRCS))
BENCH_BPF_TMP := $(patsubst $(BENCH_DIR)/%.bpf.c,$(OUTPUT)/bench/%.tmp.bpf.o,$(wildcard $(BENCH_DIR)/*.bpf.c))
BENCH_SKELS := $(BENCH_BPF_TMP:.tmp.bpf.o=.skel.h)

# A failed step leaves no half-written target for the next make to trust;
# BPF objects and skeletons are kept between runs.
.DELETE_ON_ERROR:
.SECONDARY:

.PHONY: all deps run test test-build bench soak clean install image fuzz
all: rescan

$(OUTPUT) $(OUTPUT)/tests $(OUTPUT)/tests/bpf $(OUTPUT)/tsan $(OUTPUT)/bench \
		$(OUTPUT)/asan $(OUTPUT)/fuzz/obj:
	$(Q)mkdir -p $@

$(OUTPUT)/%.tmp.bpf.o: bpf/%.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/%.bpf.o: $(OUTPUT)/%.tmp.bpf.o
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $<

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $*)_bpf > $@

# Every object may include a skeleton: they exist before the first compile,
# and from then on each object's .d file names the headers it really reads.
$(OUTPUT)/%.o: src/%.c | $(SKELS) $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

# .incbin names its files from the repository's top, where make runs.
$(DASHBOARD_OBJ): src/dashboard/assets.S $(DASHBOARD) | $(OUTPUT)
	$(call msg,ASSETS,$@)
	$(Q)$(CC) -c $< -o $@

$(OUTPUT)/tsan/%.o: src/%.c | $(SKELS) $(OUTPUT)/tsan
	$(call msg,CC-TSAN,$@)
	$(Q)$(CLANG) $(CPPFLAGS) $(TSAN_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/asan/%.o: src/%.c | $(SKELS) $(OUTPUT)/asan
	$(call msg,CC-ASAN,$@)
	$(Q)$(CLANG) $(CPPFLAGS) $(ASAN_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/fuzz/obj/%.o: src/%.c | $(SKELS) $(OUTPUT)/fuzz/obj
	$(call msg,CC-FUZZ,$@)
	$(Q)$(CLANG) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(DEPFLAGS) -c $< -o $@

rescan: $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(OUTPUT)/tests
	$(call msg,TEST,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(DEPFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

$(OUTPUT)/tests/bpf/%.o: tests/bpf/%.c | $(SKELS) $(OUTPUT)/tests/bpf
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/tests/%: tests/bpf/%.c $(BPF_TEST_OBJS) $(LIB_OBJS) | $(OUTPUT)/tests
	$(call msg,TEST,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(DEPFLAGS) $< $(BPF_TEST_OBJS) $(LIB_OBJS) \
		$(LDLIBS) -o $@

$(OUTPUT)/tests/bpf/fuzz:
	$(Q)mkdir -p $@

$(OUTPUT)/tests/bpf/fuzz/%.o: tests/bpf/fuzz/%.c | $(SKELS) $(OUTPUT)/tests/bpf/fuzz
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests/bpf $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(FUZZ_PKT): $(FUZZ_PKT_OBJS) $(BPF_TEST_OBJS) $(LIB_OBJS) | $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

test-build: $(FUZZ_PKT)
-include $(wildcard $(OUTPUT)/tests/bpf/fuzz/*.d)

# ThreadSanitizer names every unsynchronised access it sees, then fails the run.
$(OUTPUT)/tests/%_tsan: tests/unit/%.c $(TSAN_OBJS) | $(OUTPUT)/tests
	$(call msg,TEST,$@)
	$(Q)$(CLANG) $(CPPFLAGS) -Itests/unit $(TSAN_CFLAGS) $(DEPFLAGS) $< $(TSAN_OBJS) $(LDLIBS) -o $@

$(OUTPUT)/tests/%_asan: tests/unit/%.c $(ASAN_OBJS) | $(OUTPUT)/tests
	$(call msg,TEST,$@)
	$(Q)$(CLANG) $(CPPFLAGS) -Itests/unit $(ASAN_CFLAGS) $(DEPFLAGS) $< $(ASAN_OBJS) $(LDLIBS) -o $@

$(OUTPUT)/rescan-asan: $(OUTPUT)/asan/main.o $(ASAN_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CLANG) $(ASAN_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS) | $(OUTPUT)/fuzz/obj
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(CPPFLAGS) -Itests/fuzz $(FUZZ_CFLAGS) -fsanitize=fuzzer $(DEPFLAGS) $< \
		$(FUZZ_OBJS) $(LDLIBS) -o $@

# rsbench, the bench's own tool (scripts/bench/rsbench: one file per
# subcommand, and the BPF programs only it loads); see scripts/bench.sh.
# Static pattern rules, so a bench .bpf.c is never taken for a host source.
$(BENCH_BPF_TMP): $(OUTPUT)/bench/%.tmp.bpf.o: $(BENCH_DIR)/%.bpf.c | $(OUTPUT)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BENCH_OBJS): $(OUTPUT)/bench/%.o: $(BENCH_DIR)/%.c | $(SKELS) $(BENCH_SKELS) $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) -I$(OUTPUT)/bench $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/rsbench: $(BENCH_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

test-build: rescan $(UNIT_TESTS) $(TSAN_TESTS) $(BPF_TESTS) $(ASAN_TESTS) $(OUTPUT)/rescan-asan \
	$(FUZZ_TARGETS)

# Everything: C unit tests, BPF_PROG_TEST_RUN tests, bats end-to-end suites.
# `run` and `test` first install the Debian packages a fresh machine lacks.
test:
	$(Q)scripts/install-deps.sh --missing
	$(Q)$(MAKE) test-build
	tests/run

# The packet fuzzer for FUZZ_SECONDS (600 if unset; FUZZ_SEED repeats a
# run); figures: bench/fuzz/packets.md.
.PHONY: fuzz-packets
fuzz-packets: $(FUZZ_PKT)
	$(FUZZ_PKT) --seconds $(or $(FUZZ_SECONDS),600) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

# The Debian packages to build, run and test (root).
deps:
	scripts/install-deps.sh

# Build, then start a sealed lab on the built-in default world.
run:
	$(Q)scripts/install-deps.sh --missing run
	$(Q)$(MAKE) rescan
	./rescan lab up

# The rescan:lab appliance: a Docker engine (started if none runs), the base
# image (built with debootstrap if no registry answers), then the image.
image:
	scripts/docker-engine.sh
	scripts/docker-base.sh
	DOCKER_BUILDKIT=0 docker build -t rescan:lab .

# Each fuzz target for FUZZ_SECONDS from its corpus; what it finds goes to
# .output/fuzz/ (new inputs, crashes), never into the corpus in the tree.
# The packet fuzzer of the XDP programs first, for as long.
fuzz: $(FUZZ_TARGETS) fuzz-packets
	tests/fuzz/run --keep --seconds $(FUZZ_SECONDS)

bench: rescan
	scripts/bench.sh

# Loss, leaks and counters over 100 M probes with world swaps (scripts/soak.sh).
soak: rescan
	scripts/soak.sh

# The course VM (README, "Course VM"): .output/vm/rescan.qcow2, a bootable
# Debian 12 image; VM_WORLD=FILE|synth:SEED, VM_STUDENTS=N. Cached by the
# hash of its inputs in /var/cache/rescan-vm. test-vm boots one under QEMU.
.PHONY: vm vm-box vm-cloud-init test-vm
vm: rescan
	$(Q)scripts/install-deps.sh --missing vm
	scripts/vm-image.sh $(if $(VM_WORLD),--world $(VM_WORLD)) $(if $(VM_STUDENTS),--students $(VM_STUDENTS))

# The Vagrant box (libvirt) of the course VM: .output/vm/rescan-libvirt.box;
# vm/Vagrantfile is the teacher's. vm-cloud-init: .output/vm/user-data.
vm-box: rescan
	$(Q)scripts/install-deps.sh --missing vm
	scripts/vm-box.sh $(if $(VM_WORLD),--world $(VM_WORLD)) $(if $(VM_STUDENTS),--students $(VM_STUDENTS))

vm-cloud-init: rescan
	$(Q)mkdir -p $(OUTPUT)/vm
	scripts/vm-cloud-init.sh $(if $(VM_WORLD),--world $(VM_WORLD)) \
		$(if $(VM_STUDENTS),--students $(VM_STUDENTS)) >$(OUTPUT)/vm/user-data

test-vm: rescan
	$(Q)scripts/install-deps.sh --missing vm
	bats --tap tests/e2e/vm.bats tests/e2e/vm_box.bats tests/e2e/vm_cloud_init.bats

install: rescan
	install -D -m 0755 rescan $(DESTDIR)$(PREFIX)/bin/rescan

clean:
	rm -rf $(OUTPUT) rescan

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/tests/*.d $(OUTPUT)/tests/bpf/*.d $(OUTPUT)/tsan/*.d \
	$(OUTPUT)/bench/*.d $(OUTPUT)/asan/*.d $(OUTPUT)/fuzz/*.d $(OUTPUT)/fuzz/obj/*.d)
