#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# The course VM as a Vagrant box (scripts/vm-box.sh, provider libvirt) and
# the teacher's vm/Vagrantfile: the box is added to a Vagrant home of this
# suite's own, the Vagrantfile validates with a world file and a student
# count and refuses bad ones, and the box's disk holds what `vagrant up`
# needs (the user vagrant with Vagrant's insecure key, sudo). Whether
# `vagrant up` itself can run here is the last test's to say.

bats_require_minimum_version 1.5.0

load lab_helper

setup_file() {
	require_root_and_tools vagrant qemu-img debugfs sfdisk jq
	export D="$BATS_FILE_TMPDIR"
	export VAGRANT_HOME="$D/vagrant.d" BOX="rescan-test-$$"
	"$REPO/scripts/vm-box.sh" --out "$D" >"$D/build.log" 2>&1 || {
		echo "# make vm-box failed:" >&3
		tail -n 15 "$D/build.log" | sed 's/^/# /' >&3
		return 1
	}
	mkdir "$D/course"
	cp "$REPO/vm/Vagrantfile" "$D/course/"
	printf '198.18.0.1\n' >"$D/hosts"
	"$RESCAN" world compile -o "$D/course/course.world" tcp/80="$D/hosts" >/dev/null 2>&1
}

teardown_file() {
	vagrant box remove --force "$BOX" >/dev/null 2>&1 || true
}

@test "vm box: a tar of metadata.json (provider libvirt, qcow2), a Vagrantfile and box.img" {
	run -0 tar -tf "$D/rescan-libvirt.box"
	[ "$(sort <<<"$output" | paste -sd ' ')" = "Vagrantfile box.img metadata.json" ]
	tar -C "$D" -xf "$D/rescan-libvirt.box" metadata.json
	jq -e '.provider == "libvirt" and .format == "qcow2" and .virtual_size >= 8' "$D/metadata.json"
}

@test "vm box: vagrant box add takes it" {
	run -0 vagrant box add --name "$BOX" "$D/rescan-libvirt.box"
	run -0 vagrant box list
	grep -q "^$BOX *(libvirt, 0)" <<<"$output"
}

@test "vm box: the Vagrantfile validates with a world file and a student count" {
	cd "$D/course"
	RESCAN_BOX=$BOX RESCAN_WORLD=course.world RESCAN_STUDENTS=20 run -0 vagrant validate
	[[ $output == *"Vagrantfile validated successfully"* ]]
	RESCAN_BOX=$BOX RESCAN_WORLD=synth:7 run -0 vagrant validate
}

@test "vm box: the Vagrantfile names a missing world file or a bad student count, and stops" {
	cd "$D/course"
	RESCAN_BOX=$BOX RESCAN_WORLD=nowhere.world run ! vagrant validate
	[[ $output == *"RESCAN_WORLD=nowhere.world: no such world file"* ]]
	RESCAN_BOX=$BOX RESCAN_STUDENTS=many run ! vagrant validate
	[[ $output == *"RESCAN_STUDENTS=many: give a number of students"* ]]
}

@test "vm box: its disk has the user vagrant with Vagrant's insecure key, sudo, and the students' course" {
	tar -C "$D" -xf "$D/rescan-libvirt.box" box.img
	qemu-img convert -O raw "$D/box.img" "$D/box.raw"
	run -0 sfdisk --json "$D/box.raw"
	start=$(jq '.partitiontable.partitions[1].start' <<<"$output")
	[ "$start" -gt 0 ]
	fs="$D/box.raw?offset=$((start * 512))"
	key=$(ls /usr/share/rubygems-integration/all/gems/vagrant-*/keys/vagrant.pub | sort -V | tail -n 1)
	debugfs -R 'cat /home/vagrant/.ssh/authorized_keys' "$fs" 2>/dev/null | cmp - "$key"
	debugfs -R 'cat /etc/sudoers.d/vagrant' "$fs" 2>/dev/null | grep -qx 'vagrant ALL=(ALL) NOPASSWD: ALL'
	debugfs -R 'cat /etc/passwd' "$fs" 2>/dev/null | grep -q '^student1:x:47001:47001:.*:/usr/local/bin/rescan-student-shell$'
	rm -f "$D/box.raw" "$D/box.img"
}

@test "vm box: vagrant up with vagrant-libvirt, where libvirt can run a guest" {
	if ! virsh -c qemu:///system version >/dev/null 2>&1; then
		echo "# WARNING: vagrant up NOT run: no libvirt daemon answers on qemu:///system here" \
			"(see README, Course VM, for why this machine runs none)" >&3
		skip "no libvirt daemon on this machine"
	fi
	cd "$D/course"
	RESCAN_BOX=$BOX RESCAN_WORLD=course.world RESCAN_STUDENTS=2 run -0 timeout 1800 vagrant up --provider libvirt
	[[ $output == *"ready in"* ]]
	RESCAN_BOX=$BOX run -0 vagrant destroy -f
}
