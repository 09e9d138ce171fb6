#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm-cloud-init.sh - cloud-init user data that turns a stock Debian 12
# cloud VM into a course VM (make vm-cloud-init): Debian's packages of
# vm/packages and the rescan binary's libraries (cloud-init's packages
# module, from the VM's own mirror), then one archive - the rescan
# binary built here, the appliance's scripts (rootfs/), the course's
# (vm/rootfs/), the world - unpacked to /, then rescan-course setup: the
# same files and the same setup as the image of make vm, on the cloud's
# own kernel, network and ssh.
#
#   scripts/vm-cloud-init.sh [--world FILE|synth:SEED] [--students N]
#                            [--rescan BINARY] >user-data
#
# The archive is in the user data (gzip, base64: about 0.4 MiB and the
# world's size): NoCloud and config-drive seeds take it (cloud-localds,
# libvirt, Proxmox, OpenStack); clouds that cap user data at 16-64 KiB do
# not. Exit codes: 0 ok, 1 failure, 2 usage.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
rescan=$repo/rescan
world=""
students=1
while [ $# -gt 0 ]; do
	case $1 in
	--world | --students | --rescan)
		[ $# -ge 2 ] || { echo "vm-cloud-init.sh: $1 needs a value" >&2; exit 2; }
		case $1 in
		--world) world=$2 ;;
		--students) students=$2 ;;
		--rescan) rescan=$2 ;;
		esac
		shift 2
		;;
	-h | --help) sed -n '4,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "vm-cloud-init.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[[ $students =~ ^[0-9]+$ ]] || { echo "vm-cloud-init.sh: --students '$students': give a number" >&2; exit 2; }
[ -x "$rescan" ] || { echo "vm-cloud-init.sh: no rescan binary at $rescan: run make first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/root/usr/local/bin" "$work/root/usr/share/doc/rescan"
cp -a "$repo/rootfs/." "$repo/vm/rootfs/." "$work/root/"
# Without its debugging sections: a third of the size, the same code.
strip --strip-debug -o "$work/root/usr/local/bin/rescan" "$rescan"
chmod 0755 "$work/root/usr/local/bin/rescan"
install -m 0644 "$repo/README.md" "$work/root/usr/share/doc/rescan/README.md"
setup="rescan-course setup --students $students"
case $world in
"") ;;
synth:*) setup+=" --world $world" ;;
*)
	"$rescan" world info "$world" >/dev/null || exit 1
	mkdir -p "$work/root/var/lib/rescan-cloud-init"
	install -m 0600 "$world" "$work/root/var/lib/rescan-cloud-init/course.world"
	setup+=" --world /var/lib/rescan-cloud-init/course.world"
	;;
esac
# Files and their directories, not ".": unpacked onto / with
# --no-overwrite-dir, no directory that exists changes its mode or owner.
chmod 0755 "$work/root"
(cd "$work/root" && tar --owner=root --group=root -czf "$work/files.tar.gz" *)

cat <<EOF_HEAD
#cloud-config
# A rescan course VM (scripts/vm-cloud-init.sh; README "Course VM"): the
# lab comes up at once and at every boot; students log in as student1..N
# (passwords in /root/rescan-students.txt). $setup
package_update: true
packages:
EOF_HEAD
{ grep -v '^#' "$repo/vm/packages"; "$repo/scripts/runtime-packages.sh" "$rescan"; } |
	sort -u | sed 's/^/  - /'
cat <<EOF_FILES
write_files:
  - path: /var/lib/rescan-cloud-init/files.tar.gz
    owner: root:root
    permissions: '0600'
    encoding: b64
    content: $(base64 -w0 "$work/files.tar.gz")
runcmd:
  - [tar, -C, /, --no-overwrite-dir, -xzf, /var/lib/rescan-cloud-init/files.tar.gz]
  - [sh, -c, '$setup && rm -f /var/lib/rescan-cloud-init/course.world']
EOF_FILES
