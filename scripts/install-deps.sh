#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian 12 packages rescan needs to build, run and test.
#
#   scripts/install-deps.sh               apt-get update, then install them all
#                                         (`make deps`; .ci/run)
#   scripts/install-deps.sh --missing     all of them, only if some are missing
#                                         (`make test`)
#   scripts/install-deps.sh --missing run those to build and run a lab
#                                         (`make run`)
#   scripts/install-deps.sh --missing vm  those to build and boot the course
#                                         VM (`make vm`, `make test-vm`)
#
# Installing needs root; --missing on a machine that has them does not.
set -euo pipefail

BUILD=(make gcc libc6-dev clang libclang-rt-14-dev llvm libbpf-dev bpftool libelf-dev
	zlib1g-dev libzstd-dev libjson-c-dev pkg-config)
LAB=(iproute2 zmap masscan nmap)
TEST=(bats jq zstd gzip busybox-static ca-certificates ethtool gnuplot-nox tcpdump curl procps
	docker.io docker-compose debootstrap prometheus chromium strace)
TEST+=(iputils-ping)	# ping in tests/e2e/sealed.bats
TEST+=(gdb)	# tests/e2e/faults.bats: a mapped file cut short under rescan
# The course VM: its build (make vm), its boot under QEMU (make test-vm),
# its cloud-init user data checked (cloud-init's schema), its Vagrant box.
VM=(debootstrap qemu-system-x86 qemu-utils syslinux syslinux-common mtools dosfstools fdisk
	e2fsprogs zstd openssh-client bats jq cloud-init vagrant vagrant-libvirt)
PACKAGES=("${BUILD[@]}" "${LAB[@]}" "${TEST[@]}" "${VM[@]}")

usage() {
	echo "usage: $0 [--missing [run]]" >&2
	exit 2
}

if [ "${1:-}" = --missing ]; then
	case ${2:-} in
	"") want=("${PACKAGES[@]}") ;;
	run) want=("${BUILD[@]}" "${LAB[@]}") ;;
	vm) want=("${BUILD[@]}" "${VM[@]}") ;;
	*) usage ;;
	esac
	missing=()
	for p in "${want[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && exit 0
	if [ "$(id -u)" != 0 ]; then
		echo "rescan: missing Debian packages: ${missing[*]} (run 'make deps' as root)" >&2
		exit 1
	fi
	echo "rescan: installing missing Debian packages: ${missing[*]}" >&2
	PACKAGES=("${want[@]}")
elif [ $# -gt 0 ]; then
	usage
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${PACKAGES[@]}"
