#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian 12 packages rescan needs to build, run and test
# (`make deps`; .ci/run calls it too). Run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
	make gcc libc6-dev clang libclang-rt-14-dev llvm libbpf-dev bpftool libelf-dev zlib1g-dev \
	libzstd-dev libjson-c-dev pkg-config \
	iproute2 zmap masscan nmap bats jq zstd gzip busybox-static ca-certificates ethtool gnuplot-nox \
	docker.io docker-compose debootstrap
