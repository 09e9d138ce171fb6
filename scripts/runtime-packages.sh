#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# runtime-packages.sh BINARY - the Debian packages that hold the shared
# libraries BINARY links (ldd, then dpkg -S), one a line, sorted: what a
# system needs installed to run a binary built here (the Makefile's LDLIBS
# without a second list). Exit 1 if a library belongs to no package.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 BINARY" >&2; exit 2; }
ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' |
	while read -r lib; do
		p=$(readlink -f "$lib")
		dpkg -S "$p" 2>/dev/null || dpkg -S "${p#/usr}" 2>/dev/null || dpkg -S "/usr$p" ||
			{ echo "runtime-packages.sh: no package holds $lib" >&2; exit 1; }
	done | cut -d: -f1 | sort -u
