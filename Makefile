# SPDX-License-Identifier: GPL-2.0-only
# rescan - build with `make`, start a lab with `make run`, test with `make test`.
#
# Pipeline (as in libbpf-bootstrap): clang -target bpf -> bpftool gen object
# -> bpftool gen skeleton -> the CLI includes the skeletons, so the one
# rescan binary carries its BPF objects. Packet parsing uses UAPI headers
# only: the build never reads the build host's /sys/kernel/btf.

OUTPUT ?= .output
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc
PREFIX ?= /usr/local

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Wno-unused-parameter -std=gnu11 -D_GNU_SOURCE
CPPFLAGS += -I$(OUTPUT) -Ibpf -Isrc
LDLIBS += -lbpf -lelf -lz -lzstd -ljson-c -lm -lpthread
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) \
	$(if $(MULTIARCH),-I/usr/include/$(MULTIARCH)) -Ibpf

BPF_PROGS := responder lab_side
BPF_HDRS := $(wildcard bpf/*.h)
SKELS := $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_PROGS))

SRCS := $(wildcard src/*.c)
OBJS := $(patsubst src/%.c,$(OUTPUT)/%.o,$(SRCS))
LIB_OBJS := $(filter-out $(OUTPUT)/main.o,$(OBJS))

UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(wildcard tests/unit/test_*.c))
BPF_TESTS := $(patsubst tests/bpf/%.c,$(OUTPUT)/tests/%,$(wildcard tests/bpf/test_*.c))

# Keep the BPF objects and skeletons between runs.
.SECONDARY:

.PHONY: all deps run test test-build bench clean install image
all: rescan

$(OUTPUT) $(OUTPUT)/tests:
	mkdir -p $@

$(OUTPUT)/%.tmp.bpf.o: bpf/%.bpf.c $(BPF_HDRS) | $(OUTPUT)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/%.bpf.o: $(OUTPUT)/%.tmp.bpf.o
	$(BPFTOOL) gen object $@ $<

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(OUTPUT)/%.o: src/%.c $(wildcard src/*.h) $(BPF_HDRS) $(SKELS) | $(OUTPUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

rescan: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB_OBJS) | $(OUTPUT)/tests
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

$(OUTPUT)/tests/%: tests/bpf/%.c tests/unit/check.h $(LIB_OBJS) | $(OUTPUT)/tests
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

# The dataset readers run threads (a decoder, two halves, adders): their
# tests run once more built with ThreadSanitizer, which names every
# unsynchronised access it sees and then fails the run.
TSAN_LIB := src/dataset.c src/ipset.c src/util.c src/service.c
$(OUTPUT)/tests/test_dataset_tsan: tests/unit/test_dataset.c tests/unit/check.h $(TSAN_LIB) \
		$(wildcard src/*.h) $(BPF_HDRS) | $(OUTPUT)/tests
	$(CLANG) $(CPPFLAGS) -Itests/unit -O1 -g -fsanitize=thread -Wall -std=gnu11 -D_GNU_SOURCE \
		$< $(TSAN_LIB) -lz -lzstd -ljson-c -lm -lpthread -o $@

# The benchmark driver (datasets, per-probe cost, world load); see scripts/bench.sh.
# Its baseline programs are not part of rescan: their skeleton is rsbench's.
$(OUTPUT)/rsbench: tests/bench/rsbench.c $(LIB_OBJS) $(OUTPUT)/bench_baselines.skel.h \
		$(OUTPUT)/bench_batch.skel.h | $(OUTPUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

test-build: rescan $(UNIT_TESTS) $(OUTPUT)/tests/test_dataset_tsan $(BPF_TESTS)

# Everything: C unit tests, BPF_PROG_TEST_RUN tests, bats end-to-end suites.
test: test-build
	tests/run

# The Debian packages to build, run and test (root).
deps:
	scripts/install-deps.sh

# Build, then start a sealed lab on the built-in default world.
run: rescan
	./rescan lab up

# The rescan:lab appliance: a Docker engine (started if none runs), the base
# image (built with debootstrap if no registry answers), then the image.
image:
	scripts/docker-engine.sh
	scripts/docker-base.sh
	DOCKER_BUILDKIT=0 docker build -t rescan:lab .

bench: rescan
	scripts/bench.sh

install: rescan
	install -D -m 0755 rescan $(DESTDIR)$(PREFIX)/bin/rescan

clean:
	rm -rf $(OUTPUT) rescan
