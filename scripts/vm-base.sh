#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm-base.sh - the root file system every course VM image starts from:
# Debian 12 (bookworm) from Debian's packages alone, made with debootstrap
# from the mirror this machine's apt uses (scripts/debian-mirror.sh), with
# a Debian kernel, systemd, ssh, the packages of vm/packages (sudo, the
# scanners) and PACKAGE... (the rescan binary's libraries,
# scripts/runtime-packages.sh). Prints the path
# of a tarball of it (zstd), kept in the cache directory under a name made
# of the hash of this script and the package list: a second call with the
# same inputs takes a second, the first about two minutes.
#
#   scripts/vm-base.sh [--cache DIR] [PACKAGE...]
#
# DIR: $RESCAN_VM_CACHE, else /var/cache/rescan-vm. Needs root and
# debootstrap. Exit codes: 0 ok, 1 failure, 2 usage.
set -euo pipefail

CACHE=${RESCAN_VM_CACHE:-/var/cache/rescan-vm}
if [ "${1:-}" = --cache ]; then
	[ $# -ge 2 ] || { echo "vm-base.sh: --cache needs a directory" >&2; exit 2; }
	CACHE=$2
	shift 2
fi
case ${1:-} in -h | --help) sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; -*)
	echo "vm-base.sh: unknown option '$1'" >&2; exit 2 ;; esac

# A kernel and what boots it into a system with a console and ssh, a few
# tools; the course's packages (vm/packages); PACKAGE... .
PACKAGES=(linux-image-amd64 systemd-sysv udev dbus openssh-server procps less nano
	$(grep -v '^#' "$(dirname "$0")/../vm/packages") "$@")

key=$({ cat "$0"; printf '%s\n' "${PACKAGES[@]}" | sort -u; } | sha256sum | cut -c1-16)
tarball=$CACHE/base-$key.tar.zst
if [ -s "$tarball" ]; then
	echo "$tarball"
	exit 0
fi
command -v debootstrap >/dev/null || { echo "vm-base.sh: debootstrap is missing (make deps)" >&2; exit 1; }
mkdir -p "$CACHE"
chmod 0700 "$CACHE"
dir=$(mktemp -d "$CACHE/base.XXXXXX")
trap 'rm -rf "$dir" "$dir.log" "$tarball.tmp"' EXIT INT TERM
mirror=$("$(dirname "$0")/debian-mirror.sh")
echo "vm-base.sh: debootstrap bookworm${mirror:+ from $mirror} (${#PACKAGES[@]} packages and their dependencies)" >&2
if ! debootstrap --variant=minbase --include="$(IFS=,; echo "${PACKAGES[*]}")" \
	bookworm "$dir/root" $mirror >"$dir.log" 2>&1; then
	echo "vm-base.sh: debootstrap failed; last lines of its log:" >&2
	tail -n 5 "$dir.log" >&2
	exit 1
fi
root=$dir/root
# This machine's package sources (Debian's entries), none of its caches.
if [ -r /etc/apt/sources.list.d/debian.sources ]; then
	cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/debian.sources"
	rm -f "$root/etc/apt/sources.list"
fi
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"* "$root/var/log/"*.log \
	"$root/var/cache/apt/"*.bin
tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' --zstd -cf "$tarball.tmp" .
mv "$tarball.tmp" "$tarball"
# The two newest bases stay (two trees may build at once).
ls -t "$CACHE"/base-*.tar.zst | tail -n +3 | xargs -r rm -f
echo "$tarball"
