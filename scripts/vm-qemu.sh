#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm-qemu.sh - boot a course VM image (make vm) under QEMU, by its own
# bootloader, with no way out of the VM to any network.
#
#   scripts/vm-qemu.sh [--overlay FILE] [--ssh-port PORT] [--ssh-key FILE.pub]
#                      [--serial FILE] [--memory MIB] [IMAGE]
#
# IMAGE: default .output/vm/rescan.qcow2; it is never written: the VM
# writes to a copy-on-write overlay, FILE (kept) or a temporary one
# (QEMU's -snapshot). The console is the first serial port: this terminal,
# or FILE with --serial (then QEMU runs without a terminal).
# --ssh-port: a NIC whose only use is ssh from this machine: QEMU's user
# network with restrict=on (the VM reaches nothing) and 127.0.0.1:PORT
# forwarded to the VM's port 22. Without it the VM has no NIC at all.
# --ssh-key: root's authorized key, as the systemd credential
# ssh.authorized_keys.root (an SMBIOS OEM string; the image has no password
# for root).
#
# Acceleration: KVM where a guest runs on it, else emulation (TCG). A
# machine may have /dev/kvm and still hang every KVM guest after the
# firmware: a probe boots the image's kernel (vmlinuz beside IMAGE) under
# KVM for at most RESCAN_VM_KVM_PROBE seconds (default 20) and takes KVM
# only if the kernel ran. RESCAN_VM_ACCEL=kvm or tcg skips the probe.
# Prints "accel: kvm|tcg (why)" on stderr first.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
image=$repo/.output/vm/rescan.qcow2
overlay=""
port=""
key=""
serial=""
memory=2048

usage() {
	echo "vm-qemu.sh: $1 (try --help)" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--overlay | --ssh-port | --ssh-key | --serial | --memory)
		[ $# -ge 2 ] || usage "$1 needs a value"
		case $1 in
		--overlay) overlay=$2 ;;
		--ssh-port) port=$2 ;;
		--ssh-key) key=$2 ;;
		--serial) serial=$2 ;;
		--memory) memory=$2 ;;
		esac
		shift 2
		;;
	-h | --help) sed -n '4,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) usage "unknown option '$1'" ;;
	*) image=$1; shift ;;
	esac
done
[ -r "$image" ] || { echo "vm-qemu.sh: no image $image (make vm)" >&2; exit 1; }
[ -z "$port" ] || [[ $port =~ ^[0-9]+$ ]] || usage "--ssh-port '$port': give a port number"
[ -z "$key" ] || [ -r "$key" ] || { echo "vm-qemu.sh: cannot read $key" >&2; exit 1; }

# kvm_works: does the image's kernel get as far as mounting its root under KVM?
kvm_works() {
	local kernel log rc
	kernel=$(dirname "$image")/vmlinuz
	[ -r "$kernel" ] || { why="no $kernel to probe KVM with"; return 1; }
	log=$(mktemp)
	# In the background, so that a TERM to this script ends the probe too.
	timeout "${RESCAN_VM_KVM_PROBE:-20}" qemu-system-x86_64 -accel kvm -m 256 -no-reboot \
		-nic none -display none -monitor none -serial "file:$log" -kernel "$kernel" \
		-append "console=ttyS0 panic=-1 root=/dev/rescan-kvm-probe" >/dev/null 2>&1 &
	probe=$!
	trap 'kill "$probe" 2>/dev/null; rm -f "$log"; exit 143' TERM INT
	wait "$probe" && rc=0 || rc=$?
	trap - TERM INT
	if grep -aq 'Kernel panic' "$log"; then
		rm -f "$log"
		why="a probe kernel ran under KVM"
		return 0
	fi
	rm -f "$log"
	why="a KVM guest did not get through the firmware in ${RESCAN_VM_KVM_PROBE:-20} s (exit $rc)"
	return 1
}

accel=${RESCAN_VM_ACCEL:-}
why="RESCAN_VM_ACCEL=$accel"
if [ -z "$accel" ]; then
	if [ ! -w /dev/kvm ]; then
		accel=tcg why="no usable /dev/kvm"
	elif kvm_works; then
		accel=kvm
	else
		accel=tcg
	fi
fi
echo "accel: $accel ($why)" >&2

args=(-m "$memory" -smp 2 -no-reboot -monitor none -display none)
case $accel in
kvm) args+=(-accel kvm) ;;
tcg) args+=(-accel tcg) ;;
*) usage "RESCAN_VM_ACCEL '$accel': use kvm or tcg" ;;
esac
if [ -n "$overlay" ]; then
	qemu-img create -q -f qcow2 -b "$(readlink -f "$image")" -F qcow2 "$overlay"
	args+=(-drive "file=$overlay,if=virtio,format=qcow2")
else
	args+=(-snapshot -drive "file=$image,if=virtio,format=qcow2")
fi
if [ -n "$port" ]; then
	args+=(-nic "user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:$port-:22")
else
	args+=(-nic none)
fi
[ -z "$key" ] ||
	args+=(-smbios "type=11,value=io.systemd.credential.binary:ssh.authorized_keys.root=$(base64 -w0 "$key")")
if [ -n "$serial" ]; then
	args+=(-serial "file:$serial")
else
	args+=(-serial mon:stdio)
fi
exec qemu-system-x86_64 "${args[@]}"
