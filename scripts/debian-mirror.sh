#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# debian-mirror.sh - print the Debian mirror this machine's apt already uses
# (its deb822 debian.sources, else sources.list), or nothing: then
# debootstrap takes its own default. No mirror is ever written in this
# repository; scripts that run debootstrap pass on what this prints.
if [ -r /etc/apt/sources.list.d/debian.sources ]; then
	mirror=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "${mirror:-}" ] && [ -r /etc/apt/sources.list ]; then
	mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list)
fi
[ -z "${mirror:-}" ] || echo "$mirror"
