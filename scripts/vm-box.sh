#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm-box.sh - the course VM as a Vagrant box for the libvirt provider
# (make vm-box): the image of scripts/vm-image.sh --vagrant (the user
# vagrant, Vagrant's public insecure key, which vagrant up replaces), with
# metadata.json and a Vagrantfile of the box's own, in one tar file:
# .output/vm/rescan-libvirt.box. vm/Vagrantfile is the teacher's.
#
#   scripts/vm-box.sh [--world FILE|synth:SEED] [--students N] [--out DIR]
#
# Needs the vagrant package (its insecure public key). Exit codes: 0 ok,
# 1 failure, 2 usage.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/.output/vm
args=()
while [ $# -gt 0 ]; do
	case $1 in
	--world | --students)
		[ $# -ge 2 ] || { echo "vm-box.sh: $1 needs a value" >&2; exit 2; }
		args+=("$1" "$2")
		shift 2
		;;
	--out)
		[ $# -ge 2 ] || { echo "vm-box.sh: --out needs a directory" >&2; exit 2; }
		out=$2
		shift 2
		;;
	-h | --help) sed -n '4,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "vm-box.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
"$repo/scripts/vm-image.sh" --vagrant "${args[@]}" --out "$work/img" >&2
mv "$work/img/rescan.qcow2" "$work/box.img"
gib=$(qemu-img info --output=json "$work/box.img" |
	awk -F: '/"virtual-size"/ { gsub(/[ ,]/, "", $2); print int(($2 + 2^30 - 1) / 2^30); exit }')
printf '{"provider": "libvirt", "format": "qcow2", "virtual_size": %s}\n' "$gib" >"$work/metadata.json"
cat >"$work/Vagrantfile" <<'BOX'
# The rescan course VM box's defaults (a teacher's Vagrantfile adds to them).
Vagrant.configure("2") do |config|
  config.vm.provider :libvirt do |lv|
    lv.disk_bus = "virtio"
    lv.nic_model_type = "virtio"
  end
end
BOX
mkdir -p "$out"
tar -C "$work" -cf "$out/rescan-libvirt.box.tmp" metadata.json Vagrantfile box.img
mv "$out/rescan-libvirt.box.tmp" "$out/rescan-libvirt.box"
echo "vm-box.sh: $out/rescan-libvirt.box ($(du -m "$out/rescan-libvirt.box" | cut -f1) MiB, provider libvirt)"
