#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# The course VM's cloud-init user data (scripts/vm-cloud-init.sh): valid
# by cloud-init's own schema, and applied as cloud-init would - its
# write_files, then its runcmd - in a chroot of a Debian 12 system made
# from Debian's packages (scripts/vm-base.sh, the base of make vm), it
# makes the same course: rescan, the world, the accounts, the lab's unit.

bats_require_minimum_version 1.5.0

load lab_helper

setup_file() {
	require_root_and_tools cloud-init python3 debootstrap zstd
	export D="$BATS_FILE_TMPDIR"
	printf '198.18.0.1\n198.18.0.9\n' >"$D/hosts"
	"$RESCAN" world compile -o "$D/course.world" tcp/80="$D/hosts" >/dev/null 2>&1
	"$REPO/scripts/vm-cloud-init.sh" --world "$D/course.world" --students 2 >"$D/user-data"
	base=$("$REPO/scripts/vm-base.sh" $("$REPO/scripts/runtime-packages.sh" "$RESCAN")) || return 1
	mkdir "$D/root"
	tar -C "$D/root" --numeric-owner --zstd -xf "$base"
}

teardown_file() {
	rm -rf "$D/root"
}

# user_data KEY: the user data's KEY as JSON (cloud-init reads it as YAML).
user_data() {
	python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]]))' \
		"$D/user-data" "$1"
}

@test "cloud-init: the user data is valid cloud-config by cloud-init's own schema" {
	head -n 1 "$D/user-data" | grep -qx '#cloud-config'
	run -0 cloud-init schema --config-file "$D/user-data"
	[[ $output == *"Valid cloud-config"* ]]
}

@test "cloud-init: every package it installs is a Debian package this machine's apt knows" {
	run -0 user_data packages
	for p in $(jq -r '.[]' <<<"$output"); do
		apt-cache show "$p" >/dev/null 2>&1 || { echo "no package $p"; return 1; }
	done
	jq -e 'index("zmap") and index("masscan") and index("nmap") and index("libbpf1")' <<<"$output"
}

@test "cloud-init: applied in a Debian 12 chroot, it makes the course: rescan, the world, two students, the lab at boot" {
	local mode_before n
	mode_before=$(stat -c %a "$D/root")
	# write_files, as cloud-init writes them.
	n=$(user_data write_files | jq length)
	for ((i = 0; i < n; i++)); do
		path=$(user_data write_files | jq -r ".[$i].path")
		[ "$(user_data write_files | jq -r ".[$i].encoding")" = b64 ]
		mkdir -p "$D/root$(dirname "$path")"
		user_data write_files | jq -r ".[$i].content" | base64 -d >"$D/root$path"
		chmod "$(user_data write_files | jq -r ".[$i].permissions")" "$D/root$path"
	done
	# runcmd, each a command run as root.
	n=$(user_data runcmd | jq length)
	for ((i = 0; i < n; i++)); do
		mapfile -t argv < <(user_data runcmd | jq -r ".[$i][]")
		chroot "$D/root" "${argv[@]}"
	done
	[ "$(stat -c %a "$D/root")" = "$mode_before" ]
	chroot "$D/root" rescan --version
	cmp "$D/course.world" "$D/root/etc/rescan/course.world"
	[ "$(stat -c '%a %U' "$D/root/etc/rescan/course.world")" = "600 root" ]
	grep -qx 'world=/etc/rescan/course.world' "$D/root/etc/rescan/lab.conf"
	grep -qx 'students=2' "$D/root/etc/rescan/lab.conf"
	for k in 1 2; do
		[ "$(chroot "$D/root" id -u "student$k")" = "$("$RESCAN" lab env --student "$k" student_uid)" ]
		[ "$(chroot "$D/root" getent passwd "student$k" | cut -d: -f7)" = /usr/local/bin/rescan-student-shell ]
		grep -q "^student$k [a-z0-9]\{10\}$" "$D/root/root/rescan-students.txt"
	done
	[ -L "$D/root/etc/systemd/system/multi-user.target.wants/rescan-lab.service" ]
	[ ! -e "$D/root/var/lib/rescan-cloud-init/course.world" ]
}
