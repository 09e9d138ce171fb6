#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian 12 packages rescan needs to build, run and test.
#
#   scripts/install-deps.sh            apt-get update, then install them all
#                                      (`make deps`; .ci/run)
#   scripts/install-deps.sh --missing  only if some are not installed yet
#                                      (`make run` and `make test` call this)
#
# Installing needs root; --missing on a machine that has them all does not.
set -euo pipefail

PACKAGES=(
	# build
	make gcc libc6-dev clang libclang-rt-14-dev llvm libbpf-dev bpftool libelf-dev
	zlib1g-dev libzstd-dev libjson-c-dev pkg-config
	# the lab and its scanners
	iproute2 zmap masscan nmap
	# tests and bench
	bats jq zstd gzip busybox-static ca-certificates ethtool gnuplot-nox
	docker.io docker-compose debootstrap
)

if [ "${1:-}" = --missing ]; then
	missing=()
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && exit 0
	if [ "$(id -u)" != 0 ]; then
		echo "rescan: missing Debian packages: ${missing[*]} (run 'make deps' as root)" >&2
		exit 1
	fi
	echo "rescan: installing missing Debian packages: ${missing[*]}" >&2
elif [ $# -gt 0 ]; then
	echo "usage: $0 [--missing]" >&2
	exit 2
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${PACKAGES[@]}"
