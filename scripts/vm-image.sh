#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm-image.sh - the course VM (make vm): a bootable Debian 12 disk image,
# qcow2, made from Debian's packages (scripts/vm-base.sh) and this tree:
# the rescan binary, the appliance's scripts (rootfs/), the course's
# (vm/rootfs/: the lab's systemd unit, the students' logins, the teacher's
# rescan-course; the cloud-init user data installs them too) and the
# image's own (vm/image-rootfs/: DHCP, ssh host keys, syslinux.cfg). The lab comes up at boot on WORLD (default: the built-in
# world) with N student accounts (rescan-course setup).
#
#   scripts/vm-image.sh [--world FILE|synth:SEED] [--students N] [--vagrant]
#                       [--out DIR] [--rescan BINARY]
#
# Writes DIR/rescan.qcow2 (default DIR .output/vm) and, for QEMU's direct
# kernel boot, DIR/vmlinuz, DIR/initrd.img and DIR/cmdline. --vagrant adds
# the user vagrant (password vagrant, Vagrant's public insecure key from
# the vagrant package, sudo): the image of the Vagrant box (vm-box.sh).
#
# Disk: MBR, syslinux; partition 1 FAT (/boot: kernel, initrd,
# syslinux.cfg), partition 2 ext4 (/). Nothing is mounted to build it:
# mkfs.ext4 -d, mtools, syslinux's mtools installer.
#
# Images are kept in the cache directory ($RESCAN_VM_CACHE, default
# /var/cache/rescan-vm) under the hash of every input: a rebuild with the
# same inputs copies the cached image (seconds); the Debian packages are
# those of the cached base until its recipe changes.
# Exit codes: 0 ok, 1 failure, 2 usage.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${RESCAN_VM_CACHE:-/var/cache/rescan-vm}
world=""
students=1
vagrant=0
out=$repo/.output/vm
rescan=$repo/rescan
BOOT_MIB=256
ROOT_MIB=8192

die() {
	echo "vm-image.sh: $*" >&2
	exit 1
}
usage() {
	echo "vm-image.sh: $1 (try --help)" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--world | --students | --out | --rescan)
		[ $# -ge 2 ] || usage "$1 needs a value"
		case $1 in
		--world) world=$2 ;;
		--students) students=$2 ;;
		--out) out=$2 ;;
		--rescan) rescan=$2 ;;
		esac
		shift 2
		;;
	--vagrant) vagrant=1; shift ;;
	-h | --help) sed -n '4,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) usage "unknown argument '$1'" ;;
	esac
done
[[ $students =~ ^[0-9]+$ ]] || usage "--students '$students': give a number"
[ "$(id -u)" = 0 ] || die "run it as root (debootstrap, chroot)"
[ -x "$rescan" ] || die "no rescan binary at $rescan: run make first"
for t in mkfs.ext4 mkfs.vfat mcopy syslinux sfdisk qemu-img; do
	command -v "$t" >/dev/null || die "$t is missing (scripts/install-deps.sh)"
done
case $world in
"" | synth:*) world_sum=$world ;;
*)
	[ -r "$world" ] && [ ! -d "$world" ] || die "world $world is no readable file"
	"$rescan" world info "$world" >/dev/null || exit 1
	world_sum=$(sha256sum <"$world")
	;;
esac
insecure_key=""
if [ "$vagrant" = 1 ]; then
	insecure_key=$(ls /usr/share/rubygems-integration/all/gems/vagrant-*/keys/vagrant.pub 2>/dev/null |
		sort -V | tail -n 1)
	[ -n "$insecure_key" ] || die "--vagrant needs the vagrant package (its public insecure key)"
fi

runtime=$("$repo/scripts/runtime-packages.sh" "$rescan") || exit 1
base=$("$repo/scripts/vm-base.sh" --cache "$CACHE" $runtime) || exit 1

# Every input, by content: the base, the binary, the scripts and files
# that go in, this recipe, the settings.
key=$({
	echo "$base"
	cd "$repo"
	find rootfs vm/rootfs vm/image-rootfs -type f -print0 | sort -z | xargs -0 sha256sum
	find rootfs vm/rootfs vm/image-rootfs -print0 | sort -z | xargs -0 stat -c '%n %a'
	sha256sum README.md scripts/vm-image.sh
	sha256sum <"$rescan"
	echo "world=$world_sum students=$students vagrant=$vagrant"
	[ -z "$insecure_key" ] || cat "$insecure_key"
} | sha256sum | cut -c1-16)
img=$CACHE/img-$key

publish() {
	mkdir -p "$out"
	for f in rescan.qcow2 vmlinuz initrd.img cmdline; do
		cp "$img/$f" "$out/$f.tmp"
		mv "$out/$f.tmp" "$out/$f"
	done
	echo "vm-image.sh: $out/rescan.qcow2 ($(du -m --apparent-size "$out/rescan.qcow2" | cut -f1) MiB;" \
		"world ${world:-synth:1 (built in)}, $students student(s)${2:-})"
}
if [ -s "$img/rescan.qcow2" ]; then
	publish "$img" ", from the cache $img"
	exit 0
fi

work=$(mktemp -d "$CACHE/img.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/root
mkdir "$root"
echo "vm-image.sh: building from $base" >&2
tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' --zstd -xf "$base"

# rescan, the appliance's files, the VM's own on top of them.
install -m 0755 "$rescan" "$root/usr/local/bin/rescan"
cp -a "$repo/rootfs/." "$root/"
cp -a "$repo/vm/rootfs/." "$repo/vm/image-rootfs/." "$root/"
install -m 0644 "$repo/README.md" "$root/usr/share/doc/rescan/README.md"
chown -R root:root "$root/usr/local" "$root/etc/rescan" "$root/etc/sudoers.d" "$root/etc/systemd" \
	"$root/etc/kernel" "$root/usr/share/doc/rescan"

# The system: its name, file systems, no identity of its own yet (the
# first boot makes machine-id and ssh host keys), services.
root_uuid=$(cat /proc/sys/kernel/random/uuid)
boot_id=$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n' | tr a-f A-F)
echo rescan-lab >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\trescan-lab\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
	>"$root/etc/hosts"
cat >"$root/etc/fstab" <<FSTAB
UUID=$root_uuid / ext4 errors=remount-ro 0 1
UUID=${boot_id:0:4}-${boot_id:4:4} /boot vfat umask=0077,shortname=winnt 0 2
FSTAB
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id" "$root"/etc/ssh/ssh_host_*
chroot "$root" systemctl enable --quiet systemd-networkd rescan-ssh-keys
world_arg=()
case $world in
"") ;;
synth:*) world_arg=(--world "$world") ;;
*)
	cp "$world" "$root/tmp/course.world"
	world_arg=(--world /tmp/course.world)
	;;
esac
chroot "$root" /usr/local/sbin/rescan-course setup --students "$students" "${world_arg[@]}" >&2
rm -f "$root/tmp/course.world"
if [ "$vagrant" = 1 ]; then
	chroot "$root" useradd --create-home --shell /bin/bash --comment vagrant vagrant
	echo vagrant:vagrant | chroot "$root" chpasswd
	install -d -m 0700 -o 1000 -g 1000 "$root/home/vagrant/.ssh"
	install -m 0600 -o 1000 -g 1000 "$insecure_key" "$root/home/vagrant/.ssh/authorized_keys"
	echo 'vagrant ALL=(ALL) NOPASSWD: ALL' >"$root/etc/sudoers.d/vagrant"
	chmod 0440 "$root/etc/sudoers.d/vagrant"
fi

# /boot: its own FAT file system, which syslinux reads.
mkdir -p "$work/boot"
mv "$root"/boot/* "$work/boot/"
mkdir -p "$work/cfgroot/etc"
ln -s "$work/boot" "$work/cfgroot/boot"
cp "$root/etc/fstab" "$work/cfgroot/etc/fstab"
"$root/usr/local/sbin/rescan-bootcfg" "$work/cfgroot" >"$work/syslinux.cfg"
"$root/usr/local/sbin/rescan-bootcfg" --append "$work/cfgroot" >"$work/cmdline"
kernel=$(awk '$1 == "LINUX" { sub(/^\//, "", $2); print $2 }' "$work/syslinux.cfg")
initrd=$(awk '$1 == "INITRD" { sub(/^\//, "", $2); print $2 }' "$work/syslinux.cfg")

mkfs.vfat -F 32 -n RESCANBOOT -i "$boot_id" -C "$work/boot.fat" $((BOOT_MIB * 1024)) >/dev/null
mcopy -i "$work/boot.fat" "$work/boot/$kernel" "$work/boot/$initrd" "$work/syslinux.cfg" ::/
for f in "$work/boot"/config-* "$work/boot"/System.map-*; do
	mcopy -i "$work/boot.fat" "$f" ::/
done
syslinux --install "$work/boot.fat"

mkfs.ext4 -q -d "$root" -U "$root_uuid" -L rescan-root -E lazy_itable_init=1 \
	"$work/root.ext4" "${ROOT_MIB}M"

# MBR: partition 1 (active) the FAT, partition 2 the root.
truncate -s $(((1 + BOOT_MIB + ROOT_MIB) * 1024 * 1024)) "$work/disk.raw"
sfdisk --quiet "$work/disk.raw" <<PARTS
label: dos
start=2048, size=$((BOOT_MIB * 2048)), type=c, bootable
start=$(((1 + BOOT_MIB) * 2048)), size=$((ROOT_MIB * 2048)), type=83
PARTS
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$work/disk.raw" bs=440 count=1 conv=notrunc status=none
dd if="$work/boot.fat" of="$work/disk.raw" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$work/root.ext4" of="$work/disk.raw" bs=1M seek=$((1 + BOOT_MIB)) conv=notrunc,sparse status=none
qemu-img convert -c -O qcow2 "$work/disk.raw" "$work/rescan.qcow2"

mkdir "$work/img"
mv "$work/rescan.qcow2" "$work/cmdline" "$work/img/"
cp "$work/boot/$kernel" "$work/img/vmlinuz"
cp "$work/boot/$initrd" "$work/img/initrd.img"
rm -rf "$img"
mv "$work/img" "$img"
# The three newest images stay in the cache.
ls -dt "$CACHE"/img-* | tail -n +4 | xargs -r rm -rf
publish "$img" ", built"
